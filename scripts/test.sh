#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Set up, build and run every test: the cmocka unit tests (each test case
# counts), a short run of each fuzz target of tests/fuzz/ (scripts/fuzz.sh;
# a crash fails it) and each executable tests/integration/test_*.sh (exit 0
# pass, 77 skip, anything else fail; 300 s each).
#
# Usage: scripts/test.sh [unit | fuzz | integration | SUBSTRING]
#
# Environment: ONVM_BUILD_DIR (default <repo>/build), ONVM_TEST_OUT (logs,
# default <repo>/build/test-results; integration tests keep their work
# directories there too), ONVM_FUZZ_SECONDS (per fuzz target, default 10).
# Prints one line per test and ends with
# "N passed, N failed[, N skipped]"; exits non-zero if any test failed or
# none ran.

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BUILD=${ONVM_BUILD_DIR:-$ONVM_ROOT/build}
RESULTS=${ONVM_TEST_OUT:-$ONVM_ROOT/build/test-results}
TEST_PREFIX=onvmt	# every integration test's --file-prefix starts so
INTEGRATION_TIMEOUT=300
UNIT_TIMEOUT=60
FUZZ_SECONDS=${ONVM_FUZZ_SECONDS:-10}

filter=
case $# in
0) ;;
1)
	case $1 in
	-h | --help)
		sed -n '5,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	esac
	filter=$1
	;;
*)
	echo "usage: scripts/test.sh [unit | fuzz | integration | SUBSTRING]" >&2
	exit 2
	;;
esac

npass=0
nfail=0
nskip=0
current=	# pid of the running `timeout`, for Ctrl-C

pass() {
	echo "PASS $*"
	npass=$((npass + 1))
}
fail() {
	echo "FAIL $*"
	nfail=$((nfail + 1))
}
skip() {
	echo "SKIP $*"
	nskip=$((nskip + 1))
}

summary() {
	local line="$npass passed, $nfail failed"
	[ "$nskip" -gt 0 ] && line+=", $nskip skipped"
	echo "$line"
}

on_interrupt() {
	trap - INT TERM
	if [ -n "$current" ]; then
		# timeout passes the signal on to the test's process group
		kill -TERM "$current" 2>/dev/null || true
		wait "$current" 2>/dev/null || true
	fi
	echo "test.sh: interrupted"
	summary
	exit 130
}
trap on_interrupt INT TERM

# Does test NAME of KIND (unit|fuzz|integration) pass the filter?
selected() {
	case $filter in
	'') return 0 ;;
	unit | fuzz | integration) [ "$filter" = "$2" ] ;;
	*) [[ $1 == *"$filter"* ]] ;;
	esac
}

show_log() {
	echo "----- $1 (last 60 lines)"
	tail -n 60 "$1"
	echo "-----"
}

# Hugepage files and runtime dirs of test prefixes that no live process maps.
stale_test_files() {
	local f prefix
	while IFS= read -r f; do
		prefix=$(basename "$f")
		[[ $f == "$ONVM_HUGE_MNT"/* ]] && prefix=${prefix%map_*}
		onvm_prefix_in_use "$prefix" || echo "$f"
	done < <(onvm_prefix_files "$TEST_PREFIX")
}

# Paths of prefix files (stdin) -> "  PREFIX: N hugepage file(s), runtime dir".
by_prefix() {
	awk -v huge="$ONVM_HUGE_MNT/" '
	{
		name = $0; sub(/.*\//, "", name)
		if (index($0, huge) == 1) { sub(/map_[0-9_]*$/, "", name); n[name]++ }
		else rundir[name] = 1
		seen[name] = 1
	}
	END {
		for (p in seen) {
			line = "  " p ":"
			if (n[p]) line = line " " n[p] " hugepage file(s)"
			if (rundir[p]) line = line (n[p] ? "," : "") " runtime dir"
			print line
		}
	}' | sort
}

# ---------------------------------------------------------------- unit

# cmocka's per-case lines -> "PASS|FAIL|SKIP<TAB>case". A case's result line
# repeats the name of its "[ RUN      ]" line; the summary's lines do not
# follow a RUN line, and assertion messages name no case.
parse_cmocka() {
	awk '
	function result(what) {
		name = $0; sub(/^\[[^]]*\] /, "", name)
		if (cur != "" && name == cur) { print what "\t" cur; cur = "" }
	}
	/^\[ RUN      \] /	{ cur = $0; sub(/^\[[^]]*\] /, "", cur); next }
	/^\[       OK \] /	{ result("PASS"); next }
	/^\[  FAILED  \] /	{ result("FAIL"); next }
	/^\[  ERROR   \] /	{ result("FAIL"); next }
	/^\[  SKIPPED \] /	{ result("SKIP"); next }
	END { if (cur != "") print "FAIL\t" cur }	# crashed inside it
	' "$1"
}

run_unit_binary() {
	local name=$1 bin=$BUILD/tests/unit/$1 log=$RESULTS/$1.log
	local rc=0 what tcase nfailed=0 ncases=0 shown=0 any=0

	case $filter in
	integration | fuzz) return 0 ;;
	esac
	if [ ! -x "$bin" ]; then
		selected "$name" unit && fail "$name (not built: $bin)"
		return 0
	fi
	timeout -k 5 "$UNIT_TIMEOUT" "$bin" </dev/null >"$log" 2>&1 || rc=$?
	while IFS=$'\t' read -r what tcase; do
		ncases=$((ncases + 1))
		[ "$what" = FAIL ] && nfailed=$((nfailed + 1))
		selected "$name.$tcase" unit || continue
		any=1
		case $what in
		PASS) pass "$name.$tcase" ;;
		SKIP) skip "$name.$tcase" ;;
		*)
			fail "$name.$tcase"
			if [ $shown -eq 0 ]; then
				show_log "$log"
				shown=1
			fi
			;;
		esac
	done < <(parse_cmocka "$log")
	# cmocka exits with the number of failed cases; anything else (a crash,
	# a timeout, no case at all) is a failure of the binary itself.
	if { [ $rc -ne "$nfailed" ] || [ $ncases -eq 0 ]; } &&
		{ [ $any -eq 1 ] || selected "$name" unit; }; then
		if [ $rc -eq 124 ]; then
			fail "$name (timed out after $UNIT_TIMEOUT s)"
		elif [ $ncases -eq 0 ]; then
			fail "$name (no test case ran, exit status $rc)"
		else
			fail "$name (exit status $rc)"
		fi
		[ $shown -eq 0 ] && show_log "$log"
	fi
	return 0
}

# ---------------------------------------------------------------- fuzz

# One scripts/fuzz.sh run for the selected targets (FUZZ_SECONDS each); its
# line per target ("fuzz_flow: N runs in S s, no crash" or a CRASH line)
# makes that target's PASS or FAIL.
run_fuzz() {
	local src t targets=() log=$RESULTS/fuzz.log rc=0 line reason

	for src in "$ONVM_ROOT"/tests/fuzz/fuzz_*.c; do
		[ -e "$src" ] || continue
		t=$(basename "$src" .c)
		selected "$t" fuzz && targets+=("$t")
	done
	[ ${#targets[@]} -eq 0 ] && return 0
	# fuzz.sh bounds each target; this bounds the whole (builds too).
	ONVM_BUILD_DIR=$BUILD timeout -k 10 \
		$(((FUZZ_SECONDS + 120) * ${#targets[@]})) \
		bash "$ONVM_ROOT/scripts/fuzz.sh" --seconds "$FUZZ_SECONDS" \
		"${targets[@]}" </dev/null >"$log" 2>&1 &
	current=$!
	wait "$current" 2>/dev/null || rc=$?
	current=
	for t in "${targets[@]}"; do
		line=$(grep -m 1 "^$t: " "$log" || true)
		reason=${line#"$t: "}
		case $line in
		*", no crash") pass "$t ($reason)" ;;
		'')
			if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
				reason="fuzz.sh timed out"
			else
				reason=$(grep -v '^[[:space:]]*$' "$log" |
					tail -n 1 | cut -c1-100 || true)
				reason=${reason:-"no result, exit status $rc"}
			fi
			fail "$t ($reason)"
			;;
		*) fail "$t ($reason)" ;;
		esac
	done
	[ $rc -ne 0 ] && show_log "$log"
	return 0
}

# ---------------------------------------------------------------- integration

run_integration_test() {
	local path=$1 name log start rc=0 reason survivors pid
	name=$(basename "$path" .sh)
	log=$RESULTS/$name.log
	selected "$name" integration || return 0

	start=$(onvm_now)
	# timeout runs the test in a process group of its own (pgid = its pid):
	# on expiry it signals the whole group, and afterwards the group tells
	# us whether the test left anything running.
	ONVM_BUILD_DIR=$BUILD ONVM_TEST_OUT=$RESULTS \
		timeout -k 10 "$INTEGRATION_TIMEOUT" "$path" </dev/null >"$log" 2>&1 &
	current=$!
	# (2>/dev/null: no "Killed" notice when timeout kills its own group)
	wait "$current" 2>/dev/null || rc=$?
	# what is still alive in the test's group, zombies aside
	[ $rc -eq 124 ] || [ $rc -eq 137 ] && sleep 0.5
	survivors=
	for pid in $(pgrep -g "$current" 2>/dev/null || true); do
		[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = Z ] ||
			survivors+="$pid "
	done
	current=

	case $rc in
	0) pass "$name ($(onvm_elapsed "$start") s)" ;;
	77)
		reason=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1 | cut -c1-100 || true)
		skip "$name${reason:+ ($reason)}"
		;;
	124 | 137)
		fail "$name (timed out after $INTEGRATION_TIMEOUT s)"
		show_log "$log"
		;;
	*)
		fail "$name (exit status $rc, $(onvm_elapsed "$start") s)"
		show_log "$log"
		;;
	esac

	if [ -n "$survivors" ]; then
		echo "test.sh: WARNING: $name left process(es) running; stopping them:"
		for pid in $survivors; do
			echo "  $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
		done
		# shellcheck disable=SC2086 # one PID a word
		kill -TERM $survivors 2>/dev/null || true
		sleep 2
		# shellcheck disable=SC2086
		kill -KILL $survivors 2>/dev/null || true
		leftovers+=("processes of $name")
	fi
}

# ---------------------------------------------------------------- main

export ONVM_BUILD_DIR=$BUILD
mkdir -p "$RESULTS"
if ! bash "$ONVM_ROOT/scripts/setup.sh" >"$RESULTS/setup.log" 2>&1; then
	cat "$RESULTS/setup.log"
	fail "setup (scripts/setup.sh)"
	summary
	exit 1
fi
cat "$RESULTS/setup.log"
rm -f "$RESULTS"/test_*.log

leftovers=()
mapfile -t stale < <(stale_test_files)
if [ ${#stale[@]} -gt 0 ]; then
	echo "test.sh: removing ${#stale[@]} stale file(s) of an earlier run (no process uses them):"
	printf '%s\n' "${stale[@]}" | by_prefix
	rm -rf "${stale[@]}"
fi
declare -A before=()
while IFS= read -r f; do
	before[$f]=1	# in use by someone else's run: not ours to judge
done < <(onvm_prefix_files "$TEST_PREFIX")

for src in "$ONVM_ROOT"/tests/unit/test_*.c; do
	[ -e "$src" ] || continue
	run_unit_binary "$(basename "$src" .c)"
done

run_fuzz

while IFS= read -r t; do
	[ -x "$t" ] && run_integration_test "$t"
done < <(find "$ONVM_ROOT/tests/integration" -maxdepth 1 -name 'test_*.sh' 2>/dev/null | LC_ALL=C sort)

# What the runs left behind: hugepage files and runtime dirs of test
# prefixes. They are counted, then removed (unless a live process maps
# them) so that the next run starts clean. This assumes no other test run
# on the machine at the same time (as in CI): files of another run's
# onvmt* prefixes, created while this one ran, would be counted too.
left=()
while IFS= read -r f; do
	[ -n "${before[$f]:-}" ] || left+=("$f")
done < <(onvm_prefix_files "$TEST_PREFIX")
if [ ${#left[@]} -gt 0 ]; then
	echo "test.sh: WARNING: ${#left[@]} file(s) of test prefixes left behind:"
	printf '%s\n' "${left[@]}" | by_prefix
	while IFS= read -r f; do
		if [ -d "$f" ]; then rm -rf "$f"; else rm -f "$f"; fi
	done < <(stale_test_files)
	leftovers+=("${#left[@]} hugepage/runtime file(s)")
fi
if [ ${#leftovers[@]} -gt 0 ]; then
	what=$(printf '%s, ' "${leftovers[@]}")
	fail "leftovers (${what%, })"
fi

if [ $((npass + nfail + nskip)) -eq 0 ]; then
	echo "test.sh: no test ran${filter:+ (nothing matches \"$filter\")}"
	summary
	exit 1
fi
summary
[ "$nfail" -eq 0 ] && [ $((npass + nskip)) -gt 0 ]
