#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Auto-scaling reaction time. Each run: onvm-mgr (CPU 0) with one net_memif
# port, chain 1 and --scale 1:min=1,max=2,high=60,low=1,for=FOR; one slow
# onvm-monitor (--work-cycles, CPU 1); onvm-pktgen (CPU 0) offers several
# times what it takes over 256 flows. The manager's stats JSON says, for the
# instance the scaler started, how long from the overload (the rx rings'
# occupancy first above the high watermark) to its first packet, and from
# the NF's own start (onvm_nf_start() entry) and its registration to it.
# Then the same from zero: --scale 1:min=0 with --launch, and pktgen's first
# packets start the instance ("overload" is then the first parked packet,
# seen by the scaler within its 10 ms tick).
# Prints one JSON line per mode: the median, lowest and highest of the runs,
#   {"mode": "out", "runs": 3, "for_ms": 300, "overload_to_first_ms": ...,
#    "start_to_first_ms": ..., "register_to_first_ms": ..., ...}
#
# Usage: scripts/bench/scale.sh [--runs N] [--zero-runs N] [--for MS]
#                               [--work-cycles N] [--rate PPS]
#   (defaults: 3 runs, 3 zero runs, for 300 ms, 100000 cycles, 100000 pps)
#
# Environment: ONVM_BUILD_DIR (default <repo>/build). Every DPDK process runs
# with --no-pci and a prefix onvmb-scale-<pid>-*, whose hugepage and runtime
# files it removes; it stops only its own processes (and the manager stops
# the instances it started). Exits 1 with one line if a run fails.

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

BUILD=${ONVM_BUILD_DIR:-$ONVM_ROOT/build}
MGR=$BUILD/onvm_mgr/onvm-mgr
MON=$BUILD/nfs/monitor/onvm-monitor
PKTGEN=$BUILD/nfs/pktgen/onvm-pktgen
PY=/usr/bin/python3
runs=3
zero_runs=3
for_ms=300
work=100000
rate=100000

die() {
	echo "scale.sh: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		sed -n '5,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	--runs | --zero-runs | --for | --work-cycles | --rate)
		[ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] || die "$1 needs a number"
		case $1 in
		--runs) runs=$2 ;;
		--zero-runs) zero_runs=$2 ;;
		--for) for_ms=$2 ;;
		--work-cycles) work=$2 ;;
		--rate) rate=$2 ;;
		esac
		shift 2
		;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
for b in "$MGR" "$MON" "$PKTGEN"; do
	[ -x "$b" ] || die "$b is missing (build first)"
done

WORK_DIR=$(mktemp -d /tmp/onvmb-scale.XXXXXX)
PIDS=()
PREFIXES=()
cleanup() {
	local p alive=()
	for p in ${PIDS[@]+"${PIDS[@]}"}; do
		kill -0 "$p" 2>/dev/null && alive+=("$p")
	done
	[ ${#alive[@]} -eq 0 ] || onvm_stop_pids "${alive[@]}"
	for p in ${PREFIXES[@]+"${PREFIXES[@]}"}; do
		onvm_prefix_in_use "$p" || onvm_remove_prefix "$p"
	done
	rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# jget FILE EXPR: EXPR over the JSON in FILE (j), or nothing.
jget() {
	"$PY" -c '
import json, sys
try:
    j = json.load(open(sys.argv[1]))
    v = eval(sys.argv[2], {"j": j})
except Exception:
    sys.exit(1)
print(json.dumps(v))' "$1" "$2" 2>/dev/null
}

# wait_until SECONDS CMD...: poll CMD every 0.05 s.
wait_until() {
	local deadline=$((EPOCHSECONDS + $1))
	shift
	until "$@"; do
		[ "$EPOCHSECONDS" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

has_reaction() {
	jget "$1" '"reaction" in j["scale"]["services"][0]' | grep -q true
}

# one MODE N: a run; its reaction as one JSON object on stdout.
one() {
	local mode=$1 n=$2 d=$WORK_DIR/$1$2 p sock j pg mgr mon= policy
	mkdir -p "$d"
	p=onvmb-scale-$$-$mode$n
	PREFIXES+=("$p" "${p}pg")
	sock=$d/s.sock
	j=$d/mgr.json
	if [ "$mode" = out ]; then
		policy=(--scale "1:min=1,max=2,high=60,low=1,for=${for_ms}ms,cooldown=2s")
	else
		policy=(--scale "1:min=0,max=1,low=0,wait=512"
			--launch "1:$MON -l 1 -- -r 1")
	fi
	"$MGR" --no-pci -l 0 --file-prefix="$p" --log-level=lib.eal:notice \
		--vdev="net_memif0,role=server,socket=$sock" -- --chain 1 "${policy[@]}" \
		--stats-json "$j" --stats-interval 0.1 --quiet >"$d/mgr.out" 2>"$d/mgr.err" &
	mgr=$!
	PIDS+=("$mgr")
	wait_until 30 test -s "$j" || die "$mode run $n: no manager stats ($(tail -n 1 "$d/mgr.err"))"
	if [ "$mode" = out ]; then
		"$MON" -l 1 -- -r 1 --file-prefix "$p" --work-cycles "$work" \
			>"$d/mon.out" 2>"$d/mon.err" &
		mon=$!
		PIDS+=("$mon")
		wait_until 30 grep -q "; polling ports" "$d/mgr.err" ||
			die "$mode run $n: the manager does not poll ($(tail -n 1 "$d/mon.err"))"
	fi
	"$PKTGEN" --no-pci -l 0 --file-prefix="${p}pg" --log-level=lib.eal:notice \
		--vdev="net_memif0,role=client,socket=$sock" -- --rate "$rate" --flows 256 \
		--no-path-check --drain 1 --linger --stats-interval 0 \
		>"$d/pg.out" 2>"$d/pg.err" &
	pg=$!
	PIDS+=("$pg")
	wait_until 30 has_reaction "$j" ||
		die "$mode run $n: no new instance got traffic within 30 s ($(grep "service 1" "$d/mgr.err" | tail -n 1))"
	jget "$j" 'j["scale"]["services"][0]["reaction"]'
	kill -INT "$pg" 2>/dev/null || true
	sleep 0.3
	kill -INT "$mgr"
	onvm_wait_pids 30 "$mgr" || die "$mode run $n: the manager does not stop"
	wait "$mgr" || die "$mode run $n: the manager exited with status $?"
	onvm_wait_pids 30 "$pg" ${mon:+"$mon"} || die "$mode run $n: pktgen or the NF does not stop"
	wait "$pg" || true
	[ -z "$mon" ] || wait "$mon" || true
	jget "$j" 'all(p["in_use"] == 0 for p in j["mempools"])' | grep -q true ||
		die "$mode run $n: mbufs in use after stop"
}

summary() {
	"$PY" -c '
import json, statistics, sys
mode, for_ms = sys.argv[1], int(sys.argv[2])
rs = [json.loads(l) for l in sys.stdin if l.strip()]
out = {"mode": mode, "runs": len(rs), "for_ms": for_ms if mode == "out" else 0}
for key, name in (("overload_to_first_pkt_ms", "overload_to_first_ms"),
                  ("decision_to_first_pkt_ms", "decision_to_first_ms"),
                  ("nf_start_to_first_pkt_ms", "start_to_first_ms"),
                  ("register_to_first_pkt_ms", "register_to_first_ms")):
    v = [r[key] for r in rs]
    out[name] = round(statistics.median(v), 1)
    out[name + "_min"] = round(min(v), 1)
    out[name + "_max"] = round(max(v), 1)
out["samples"] = rs
print(json.dumps(out))' "$1" "$for_ms"
}

# Not in a pipeline: the trap must know every pid.
if [ "$runs" -gt 0 ]; then
	for i in $(seq 1 "$runs"); do
		one out "$i" >>"$WORK_DIR/out.jsonl"
	done
	summary out <"$WORK_DIR/out.jsonl"
fi
if [ "$zero_runs" -gt 0 ]; then
	for i in $(seq 1 "$zero_runs"); do
		one zero "$i" >>"$WORK_DIR/zero.jsonl"
	done
	summary zero <"$WORK_DIR/zero.jsonl"
fi
