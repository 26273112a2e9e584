# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Helpers for tests/integration/test_*.sh. Source it first thing:
#
#     . "$(dirname "$0")/lib.sh"
#
# It gives each test a file prefix of its own (onvmt_<name>_<pid>), a work
# directory for logs and pcaps, background process bookkeeping, deadlines,
# JSON reading, and a trap that stops only the processes the test started
# and removes only that prefix's hugepage and runtime files.
#
# Exit codes: 0 pass, 1 fail, 77 skip.

# shellcheck shell=bash

set -u

T_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T_ROOT=$(cd "$T_DIR/../.." && pwd)
# (a test that runs another with other settings names itself: T_NAME_AS)
T_NAME=${T_NAME_AS:-$(basename "$0" .sh)}
T_NAME=${T_NAME#test_}
T_PREFIX="onvmt_${T_NAME}_$$"
T_WORK="${ONVM_TEST_OUT:-/tmp/onvm-tests}/$T_NAME"
T_HUGE=/dev/hugepages
T_RUNDIR=/var/run/dpdk
T_PY=/usr/bin/python3

B=${ONVM_BUILD_DIR:-$T_ROOT/build}
MGR=$B/onvm_mgr/onvm-mgr
SFWD=$B/nfs/simple_forward/onvm-simple-forward
BRIDGE=$B/nfs/bridge/onvm-bridge
MONITOR=$B/nfs/monitor/onvm-monitor
SINK=$B/nfs/sink/onvm-sink

# name -> pid of everything started with start_bg, and the order started.
declare -A T_PID=()
T_PIDS=()
T_LAST_FG=

# ---------------------------------------------------------------- output

log() {
	echo "[$T_NAME] $*"
}

# A check that passed.
ok() {
	echo "[$T_NAME] ok: $*"
}

# Print the message and the tail of the logs of the processes started in
# the background and of the last foreground command, then exit 1 (the EXIT
# trap cleans up).
fail() {
	local f name
	echo "[$T_NAME] FAIL: $*" >&2
	for name in "${!T_PID[@]}" ${T_LAST_FG:+"$T_LAST_FG"}; do
		for f in "$T_WORK/$name.out" "$T_WORK/$name.err"; do
			[ -s "$f" ] || continue
			echo "----- $f (last 15 lines)" >&2
			tail -n 15 "$f" >&2
		done
	done
	exit 1
}

skip() {
	echo "[$T_NAME] SKIP: $*"
	exit 77
}

# ---------------------------------------------------------------- processes

# Is pid $1 alive (a zombie counts as gone)?
pid_alive() {
	local st
	kill -0 "$1" 2>/dev/null || return 1
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ "$st" != Z ]
}

# start_bg NAME CMD...: run CMD in the background, stdout to
# $T_WORK/NAME.out and stderr to $T_WORK/NAME.err; remember its pid.
start_bg() {
	local name=$1
	shift
	"$@" >"$T_WORK/$name.out" 2>"$T_WORK/$name.err" &
	T_PID[$name]=$!
	T_PIDS+=("$!")
	log "started $name (pid $!): $*"
}

pid_of() {
	echo "${T_PID[$1]}"
}

# wait_exit NAME TIMEOUT: wait for NAME to exit; its status in T_RC.
# Returns 1 if it is still running at the deadline.
wait_exit() {
	local pid=${T_PID[$1]}
	T_RC=
	wait_for "$2" not_alive "$pid" || return 1
	wait "$pid" 2>/dev/null
	T_RC=$?
	return 0
}

not_alive() {
	! pid_alive "$1"
}

# expect_exit NAME TIMEOUT CODE: NAME exits within TIMEOUT with CODE.
expect_exit() {
	wait_exit "$1" "$2" || fail "$1 (pid ${T_PID[$1]}) still running after $2 s"
	[ "$T_RC" -eq "$3" ] || fail "$1 exited with status $T_RC, expected $3"
	ok "$1 exited with status $3"
}

# run_fg NAME CMD...: run CMD in the foreground with a 60 s limit; stdout
# and stderr in $T_WORK/NAME.{out,err}; status in T_RC.
run_fg() {
	local name=$1
	shift
	log "running $name: $*"
	T_LAST_FG=$name
	timeout -k 5 60 "$@" >"$T_WORK/$name.out" 2>"$T_WORK/$name.err"
	T_RC=$?
}

# The last line of NAME's stderr: where a program puts its one-line error.
last_err() {
	tail -n 1 "$T_WORK/$1.err"
}

# expect_error NAME PROG PHRASE: NAME (run with run_fg) failed with a
# non-zero status, and its last stderr line is its one-line error, naming
# PROG and containing PHRASE. That the line starts with exactly "PROG: "
# (the program's name, not its path) is checked with soft_fail.
expect_error() {
	local line
	line=$(last_err "$1")
	[ "$T_RC" -ne 0 ] || fail "$1: exit status 0, expected an error"
	[ "$T_RC" -ne 124 ] && [ "$T_RC" -ne 137 ] ||
		fail "$1: did not exit within 60 s"
	case "$line" in
	*"$2: "*"$3"*) ;;
	*) fail "$1: last stderr line is '$line', expected '$2: ...$3...'" ;;
	esac
	ok "$1: status $T_RC, '$line'"
	case "$line" in
	"$2: "*) ;;
	*) soft_fail "[C-BUG?] $1: the error line starts with '${line%%: *}:', expected the program name '$2:'" ;;
	esac
}

# A failed check after which the test can go on: reported now, and the
# test fails at t_finish.
T_SOFT_FAILS=0
soft_fail() {
	echo "[$T_NAME] FAIL (going on): $*" >&2
	T_SOFT_FAILS=$((T_SOFT_FAILS + 1))
}

# The last line of a test: exit 1 if a soft_fail happened, else 0.
t_finish() {
	[ "$T_SOFT_FAILS" -eq 0 ] || fail "$T_SOFT_FAILS check(s) failed above"
	exit 0
}

# ---------------------------------------------------------------- waiting

# wait_for TIMEOUT CMD...: run CMD every 0.1 s until it succeeds (return 0)
# or TIMEOUT seconds have passed (return 1).
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	while :; do
		"$@" && return 0
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# ---------------------------------------------------------------- JSON

# json_get FILE EXPR: print the Python expression EXPR over the parsed FILE
# (bound to j), e.g. json_get s.json 'j["ports"][1]["tx"]'. Lists and dicts
# print as JSON. Fails if the file is missing or EXPR raises.
json_get() {
	"$T_PY" -c '
import json, sys
with open(sys.argv[1]) as f:
    j = json.load(f)
v = eval(sys.argv[2], {"j": j})
print(v if isinstance(v, str) else json.dumps(v))
' "$1" "$2" 2>/dev/null
}

# json_true FILE EXPR: succeeds if EXPR over FILE is true.
json_true() {
	"$T_PY" -c '
import json, sys
with open(sys.argv[1]) as f:
    j = json.load(f)
sys.exit(0 if eval(sys.argv[2], {"j": j}) else 1)
' "$1" "$2" 2>/dev/null
}

# Every mempool of the (final) stats JSON $1 has in_use == 0.
expect_no_mbuf_in_use() {
	json_true "$1" 'j["final"] is True' ||
		fail "$1 is not the final stats (\"final\": true)"
	json_true "$1" 'len(j["mempools"]) > 0 and all(p["in_use"] == 0 for p in j["mempools"])' ||
		fail "mbufs still in use after stop: $(json_get "$1" 'j["mempools"]')"
	ok "final stats: every mempool has in_use == 0"
}

# ---------------------------------------------------------------- manager

# start_mgr NAME JSON EAL-ARGS... -- MGR-ARGS...: start a manager on this
# test's prefix, on lcore 0, without PCI, writing stats to JSON every 0.2 s.
start_mgr() {
	local name=$1 json=$2
	shift 2
	start_bg "$name" "$MGR" --no-pci -l 0 --file-prefix="$T_PREFIX" \
		--log-level=lib.eal:notice "$@" \
		--stats-json "$json" --stats-interval 0.2 --quiet
}

# start_nf NAME BINARY ARGS...: an NF on this test's prefix.
start_nf() {
	local name=$1 bin=$2
	shift 2
	start_bg "$name" "$bin" "$@" --file-prefix "$T_PREFIX"
}

# Wait until NAME's log says the manager polls ports (or fail); not its
# "waiting for service(s) ... before polling ports".
wait_mgr_polling() {
	wait_for 30 grep -q "; polling ports" "$T_WORK/$1.err" ||
		fail "$1 did not start polling ports within 30 s"
	ok "$1 polls ports"
}

# Wait until the manager has written its first stats JSON (or fail).
wait_json() {
	wait_for 30 json_true "$1" 'True' ||
		fail "no stats JSON at $1 within 30 s"
}

# Number of NFs of service $2 in stats JSON $1 (by the "nfs" list).
nf_count() {
	json_get "$1" "len([n for n in j['nfs'] if n['service'] == $2])"
}

# ---------------------------------------------------------------- cleanliness

# No hugepage file, runtime dir or process of this test's prefix is left.
expect_clean() {
	local left pid
	for pid in "${T_PIDS[@]}"; do
		pid_alive "$pid" && fail "process $pid is still running"
	done
	left=$(ls -d "$T_HUGE/$T_PREFIX"* "$T_RUNDIR/$T_PREFIX"* 2>/dev/null)
	[ -z "$left" ] || fail "left behind: $(echo "$left" | head -n 5 | tr '\n' ' ')"
	if pgrep -f -- "$T_PREFIX" >/dev/null; then
		fail "processes of prefix $T_PREFIX remain: $(pgrep -af -- "$T_PREFIX")"
	fi
	ok "no hugepage files, runtime files or processes of $T_PREFIX left"
}

# The EXIT trap: stop what we started (TERM, KILL after 5 s), then remove
# this prefix's files. Only our PIDs, only our prefix.
t_cleanup() {
	local rc=$? pid alive deadline
	trap - EXIT INT TERM
	alive=()
	for pid in "${T_PIDS[@]}"; do
		if pid_alive "$pid"; then
			kill -TERM "$pid" 2>/dev/null
			alive+=("$pid")
		fi
	done
	if [ "${#alive[@]}" -gt 0 ]; then
		deadline=$((SECONDS + 5))
		for pid in "${alive[@]}"; do
			while pid_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do
				sleep 0.1
			done
			pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
		done
		for pid in "${alive[@]}"; do
			wait "$pid" 2>/dev/null
		done
	fi
	rm -f "$T_HUGE/$T_PREFIX"* 2>/dev/null
	rm -rf "$T_RUNDIR/$T_PREFIX"* 2>/dev/null
	case $rc in
	0) echo "[$T_NAME] PASS" ;;
	77) ;;
	*) echo "[$T_NAME] FAILED (status $rc; logs in $T_WORK)" ;;
	esac
	exit "$rc"
}

# ---------------------------------------------------------------- set-up

# Check the environment and binaries; make the work dir; install the trap.
t_setup() {
	local bin
	for bin in "$MGR" "$SFWD" "$BRIDGE" "$MONITOR" "$SINK"; do
		if [ ! -x "$bin" ]; then
			[ -n "${ONVM_BUILD_DIR:-}" ] && fail "$bin is missing (ONVM_BUILD_DIR=$ONVM_BUILD_DIR)"
			skip "$bin is missing (build with meson/ninja, or set ONVM_BUILD_DIR)"
		fi
	done
	[ -x "$T_PY" ] || skip "$T_PY is missing"
	grep -qs " $T_HUGE hugetlbfs " /proc/mounts || skip "no hugetlbfs mounted at $T_HUGE"
	[ "$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)" -gt 0 ] ||
		skip "no free hugepages (scripts/setup.sh reserves them)"
	[ -w "$T_HUGE" ] || skip "$T_HUGE is not writable (run as root)"
	rm -rf "$T_WORK"
	mkdir -p "$T_WORK" || fail "cannot create $T_WORK"
	trap t_cleanup EXIT
	trap 'exit 1' INT TERM
	log "prefix $T_PREFIX, work dir $T_WORK, build dir $B"
}

# make_pcap FILE COUNT SEED: a pcap of varied frames (scripts/gen_traffic.py).
make_pcap() {
	local gen=$T_ROOT/scripts/gen_traffic.py
	[ -f "$gen" ] || fail "$gen is missing"
	"$T_PY" "$gen" --out "$1" --count "$2" --flows 100 --seed "$3" \
		>"$T_WORK/gen.out" 2>"$T_WORK/gen.err" ||
		fail "cannot generate $1 with $gen: $(cat "$T_WORK/gen.err")"
}

# pcap_mgr NAME SEED COUNT MGR_OPTS...: start manager NAME on net_pcap
# ports, port 0 replaying COUNT varied frames (make_pcap with SEED), port 1
# written to a file; sets IN, OUT and J (its stats JSON) and waits for the
# JSON. pcap_sent COUNT: wait until port 1 sent COUNT frames.
pcap_mgr() {
	local name=$1 seed=$2 count=$3
	shift 3
	IN=$T_WORK/$name.in.pcap
	OUT=$T_WORK/$name.out.pcap
	J=$T_WORK/$name.json
	make_pcap "$IN" "$count" "$seed"
	start_mgr "$name" "$J" --vdev="net_pcap0,rx_pcap=$IN" \
		--vdev="net_pcap1,tx_pcap=$OUT" -- "$@"
	wait_json "$J"
}

pcap_sent() {
	wait_for 30 json_true "$J" "j['ports'][1]['tx'] >= $1" ||
		fail "port 1 sent $(json_get "$J" 'j["ports"][1]["tx"]') of $1"
}

# pcap_tool ARGS...: tests/integration/pcap_tool.py (count, mix, same).
pcap_tool() {
	"$T_PY" "$T_DIR/pcap_tool.py" "$@"
}

# ---------------------------------------------------------------- kills, deaths, restarts

# kill_at SIG PID: send SIG (a name: KILL, TERM, STOP, CONT, ...) to PID and
# print CLOCK_MONOTONIC in ns read just before, the clock of the stats'
# *_ns fields (detected_ns, reclaimed_ns, start_ns, first_pkt_ns).
kill_at() {
	"$T_PY" -c '
import os, signal, sys, time
sig = getattr(signal, "SIG" + sys.argv[1])
pid = int(sys.argv[2])
t = time.monotonic_ns()
os.kill(pid, sig)
print(t)
' "$1" "$2"
}

# adopt NAME PID: record a process this test did not start itself (an NF
# the manager restarted) so that the EXIT trap stops it too. Its exit
# status cannot be waited for (wait_exit gives T_RC 127).
adopt() {
	T_PID[$1]=$2
	T_PIDS+=("$2")
	log "adopted $1 (pid $2)"
}

# restart_pids LOG SID: the pids of every "restarting NF of service SID"
# line in the manager's log LOG, oldest first, one a line.
restart_pids() {
	sed -n "s/.*restarting NF of service $2, instance [0-9]* (try [0-9]*): pid \([0-9]*\)$/\1/p" "$1"
}

# restarts_reach LOG SID N: LOG has at least N restarts of service SID
# (for wait_for).
restarts_reach() {
	[ "$(restart_pids "$1" "$2" | wc -l)" -ge "$3" ]
}

# nf_get JSON PID FIELD: FIELD of the NF with pid PID in stats JSON
# (fails if that NF is not listed).
nf_get() {
	json_get "$1" "[n['$3'] for n in j['nfs'] if n['pid'] == $2][0]"
}

# nf_listed JSON PID: the NF with pid PID is in the stats' "nfs".
nf_listed() {
	json_true "$1" "any(n['pid'] == $2 for n in j['nfs'])"
}

# death_get JSON PID FIELD: FIELD of the "nf_deaths" entry of pid PID.
death_get() {
	json_get "$1" "[d['$3'] for d in j['nf_deaths'] if d['pid'] == $2][0]"
}

# nf_grows JSON PID FIELD: wait (30 s) until FIELD of NF PID is above its
# value now; fails the test if it is not listed or does not grow.
nf_grows() {
	local v
	v=$(nf_get "$1" "$2" "$3") || fail "NF pid $2 is not in the stats: $(json_get "$1" 'j["nfs"]')"
	wait_for 30 json_true "$1" "any(n['pid'] == $2 and n['$3'] > $v for n in j['nfs'])" ||
		fail "the $3 of NF pid $2 stays at $v: $(json_get "$1" 'j["nfs"]')"
}

# kill_busy_nf JSON NAME SID: once the NF started as NAME is registered for
# service SID and its rx grows, SIGKILL it and wait until it is gone and
# the manager lists its death in nf_deaths. Its pid is left in KILLED_PID.
kill_busy_nf() {
	local j=$1 name=$2 sid=$3 pid
	pid=$(pid_of "$name")
	wait_for 30 json_true "$j" "[n['service'] for n in j['nfs'] if n['pid'] == $pid] == [$sid]" ||
		fail "$name: pid $pid is not registered for service $sid: $(json_get "$j" 'j["nfs"]')"
	nf_grows "$j" "$pid" rx
	kill -KILL "$pid"
	wait_exit "$name" 30 || fail "$name: pid $pid survived SIGKILL"
	wait_for 30 json_true "$j" "any(d['pid'] == $pid for d in j['nf_deaths'])" ||
		fail "$name: no nf_deaths entry for pid $pid"
	KILLED_PID=$pid
}

# port_tx_grows JSON: wait (30 s) until the ports' summed tx grows.
port_tx_grows() {
	local v
	v=$(json_get "$1" 'sum(p["tx"] for p in j["ports"])')
	wait_for 30 json_true "$1" "sum(p['tx'] for p in j['ports']) > $v" ||
		fail "the ports' tx stays at $v"
}

# ms A B: (B - A) / 1e6 with one decimal (nanoseconds to milliseconds).
ms() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'
}
