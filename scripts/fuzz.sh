#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Build the libFuzzer harnesses of tests/fuzz/ (clang, straight from the
# pure .c files: no DPDK, no meson) and run each target for N seconds.
#
# Usage: scripts/fuzz.sh [--seconds N] [TARGET...]
#   TARGET: fuzz_flow fuzz_mgr_opts fuzz_nf_args fuzz_chain fuzz_flow_rule
#   fuzz_pktgen_opts fuzz_ctl_args fuzz_ctl_json fuzz_deploy (default all;
#   "fuzz_" may be left out). N defaults to 60.
#
# Everything goes to ${ONVM_BUILD_DIR:-<repo>/build}/fuzz/: the binaries,
# the working corpus (seeded from tests/fuzz/corpus/TARGET/, kept between
# runs), logs/TARGET.log and artifacts/TARGET/ (crash inputs). Inputs saved
# in tests/fuzz/crashes/TARGET/ are replayed first. Prints one line per
# target; exits 1 if any target crashed or failed, 2 on a usage or tool
# problem. Needs clang and libFuzzer (scripts/setup.sh installs them).

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ALL_TARGETS=(fuzz_flow fuzz_mgr_opts fuzz_nf_args fuzz_chain fuzz_flow_rule
	fuzz_pktgen_opts fuzz_ctl_args fuzz_ctl_json fuzz_deploy)
BUILD=${ONVM_BUILD_DIR:-$ONVM_ROOT/build}
OUT=$BUILD/fuzz
SRC=$ONVM_ROOT/tests/fuzz
CC=${ONVM_FUZZ_CC:-clang}
# shellcheck disable=SC2054 # the commas are clang's
CFLAGS=(-g -O1 -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=undefined -D_GNU_SOURCE -std=gnu11
	-Wall -Wno-unused-parameter
	-I"$SRC" -I"$ONVM_ROOT/onvm_nflib/internal" -I"$ONVM_ROOT/onvm_mgr"
	-I"$ONVM_ROOT/onvm_mgr/ctl" -I"$ONVM_ROOT/tools/onvm_deploy")

usage() {
	sed -n '5,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

die() {
	echo "fuzz.sh: $*" >&2
	exit 2
}

# The pure sources each target links, beside tests/fuzz/TARGET.c.
sources() {
	local n=$ONVM_ROOT/onvm_nflib
	case $1 in
	fuzz_flow | fuzz_flow_rule) echo "$n/onvm_flow.c $n/onvm_common.c" ;;
	fuzz_chain) echo "$n/onvm_common.c" ;;
	fuzz_nf_args) echo "$n/onvm_args.c $n/onvm_common.c" ;;
	fuzz_mgr_opts) echo "$ONVM_ROOT/onvm_mgr/mgr_opts.c $ONVM_ROOT/onvm_mgr/mgr_scale_policy.c $n/onvm_flow.c $n/onvm_common.c" ;;
	fuzz_pktgen_opts) echo "$ONVM_ROOT/nfs/pktgen/pktgen_opts.c" ;;
	fuzz_ctl_args) echo "$ONVM_ROOT/onvm_mgr/ctl/ctl_args.c $n/onvm_common.c" ;;
	fuzz_ctl_json) echo "$ONVM_ROOT/onvm_mgr/ctl/ctl_json.c" ;;
	fuzz_deploy)
		local d=$ONVM_ROOT/tools/onvm_deploy
		echo "$d/deploy_yaml.c $d/deploy_conf.c $d/deploy_cmd.c $ONVM_ROOT/onvm_mgr/mgr_scale_policy.c $n/onvm_flow.c $n/onvm_common.c"
		;;
	esac
}

# Libraries a target links besides the sanitizers' runtime.
libs() {
	case $1 in
	fuzz_deploy) echo "-lyaml -lm" ;;
	esac
}

max_len() {
	case $1 in
	fuzz_flow | fuzz_ctl_json) echo 2048 ;;
	fuzz_deploy) echo 4096 ;;
	*) echo 512 ;;
	esac
}

seconds=60
targets=()
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--seconds)
		[ $# -ge 2 ] || die "--seconds needs a value"
		seconds=$2
		shift 2
		;;
	--seconds=*)
		seconds=${1#*=}
		shift
		;;
	-*) die "unknown option '$1' (usage: scripts/fuzz.sh [--seconds N] [TARGET...])" ;;
	*)
		t=fuzz_${1#fuzz_}
		[[ " ${ALL_TARGETS[*]} " == *" $t "* ]] ||
			die "unknown target '$1' (targets: ${ALL_TARGETS[*]})"
		targets+=("$t")
		shift
		;;
	esac
done
case $seconds in
'' | *[!0-9]* | 0) die "--seconds needs a whole number of seconds > 0, not '$seconds'" ;;
esac
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")

# clang and its libFuzzer runtime: a trivial harness must link.
command -v "$CC" >/dev/null 2>&1 ||
	die "no '$CC' (install clang, libfuzzer-14-dev and libclang-rt-14-dev: scripts/setup.sh does)"
mkdir -p "$OUT/logs"
probe=$OUT/.probe
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }' \
	>"$probe.c"
if ! "$CC" -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" \
	>"$OUT/logs/probe.log" 2>&1; then
	tail -n 5 "$OUT/logs/probe.log" >&2
	die "'$CC' cannot link a libFuzzer harness (install libfuzzer-14-dev and libclang-rt-14-dev: scripts/setup.sh does)"
fi
rm -f "$probe" "$probe.c"

# Rebuild TARGET if a source or header it may use is newer than it.
build_target() {
	local t=$1 bin=$OUT/$1 f stale=0
	local srcs libs
	read -r -a srcs <<<"$(sources "$t")"
	read -r -a libs <<<"$(libs "$t")"
	if [ -x "$bin" ]; then
		for f in "$SRC/$t.c" "$SRC"/*.h "${srcs[@]}" \
			"$ONVM_ROOT"/onvm_nflib/internal/*.h "$ONVM_ROOT"/onvm_mgr/*.h \
			"$ONVM_ROOT"/nfs/pktgen/pktgen_lib.h \
			"$ONVM_ROOT"/onvm_mgr/ctl/*.h \
			"$ONVM_ROOT"/tools/onvm_deploy/*.h; do
			if [ "$f" -nt "$bin" ]; then
				stale=1
			fi
		done
		[ $stale -eq 0 ] && return 0
	fi
	"$CC" "${CFLAGS[@]}" "$SRC/$t.c" "${srcs[@]}" ${libs[@]+"${libs[@]}"} -o "$bin.tmp" \
		>"$OUT/logs/$t.build.log" 2>&1 || return 1
	mv "$bin.tmp" "$bin"
}

# A path as the user can type it from the repository root.
rel() {
	case $1 in
	"$ONVM_ROOT"/*) echo "${1#"$ONVM_ROOT"/}" ;;
	*) echo "$1" ;;
	esac
}

nbad=0
run_target() {
	local t=$1 bin=$OUT/$1 log=$OUT/logs/$1.log rc=0 runs art start f
	local corpus=$OUT/corpus/$1 arts=$OUT/artifacts/$1
	local dict=$SRC/$1.dict crashes=$SRC/crashes/$1
	local opts=()

	if ! build_target "$t"; then
		echo "$t: BUILD FAILED, see $(rel "$OUT/logs/$t.build.log")"
		tail -n 20 "$OUT/logs/$t.build.log"
		nbad=$((nbad + 1))
		return 0
	fi
	mkdir -p "$corpus" "$arts"

	# Known crash inputs first: each must now pass.
	if [ -d "$crashes" ] && [ -n "$(ls -A "$crashes" 2>/dev/null)" ]; then
		for f in "$crashes"/*; do
			if ! timeout --foreground -k 5 60 "$bin" -timeout=5 -rss_limit_mb=1024 \
				"$f" >"$log" 2>&1; then
				echo "$t: CRASH (saved input), reproduce with: $(rel "$bin") $(rel "$f")"
				grep -m 3 -E 'ERROR|runtime error|invariant failed' "$log" | cut -c1-200 || true
				nbad=$((nbad + 1))
				return 0
			fi
		done
	fi

	cp -n "$SRC/corpus/$t"/* "$corpus"/ 2>/dev/null || true
	if [ -f "$dict" ]; then
		opts+=("-dict=$dict")
	fi
	start=$SECONDS
	# -max_total_time bounds the fuzzing; timeout bounds everything else
	# (a hang outside an input, a slow start). --foreground keeps the
	# fuzzer in our process group, so that a signal to the group (Ctrl-C,
	# test.sh's timeout) stops it too.
	timeout --foreground -k 10 $((seconds + 60)) "$bin" "${opts[@]}" \
		-max_total_time="$seconds" -max_len="$(max_len "$t")" \
		-timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
		-artifact_prefix="$arts/" "$corpus" </dev/null >"$log" 2>&1 || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	if [ $rc -eq 0 ] && [ -n "$runs" ]; then
		echo "$t: $runs runs in $((SECONDS - start)) s, no crash"
	elif [ -n "$art" ]; then
		echo "$t: CRASH, reproduce with: $(rel "$bin") $(rel "$art")"
		grep -m 3 -E 'ERROR|runtime error|invariant failed' "$log" | cut -c1-200 || true
		nbad=$((nbad + 1))
	elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "$t: FAILED (did not stop within $((seconds + 60)) s), see $(rel "$log")"
		nbad=$((nbad + 1))
	else
		echo "$t: FAILED (exit status $rc, no crash input), see $(rel "$log")"
		tail -n 10 "$log"
		nbad=$((nbad + 1))
	fi
}

for t in "${targets[@]}"; do
	run_target "$t"
done
[ $nbad -eq 0 ]
