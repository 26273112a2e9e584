#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# The manager's classifier hit path alone, in Mpps on one core: for each
# flow count, onvm-bench-classifier (tests/bench/bench_classifier.c) builds
# the manager's flow table with one rule per flow and runs the RX path's
# mgr_classify() over bursts of 32 frames that walk through all the flows
# (every lookup hits), REPS times each, interleaved. Prints one JSON line
# per flow count: the median, lowest and highest Mpps of the runs, e.g.
#   {"flows": 1000, "rules": 1000, "mpps": 27.8, "mpps_min": 22.8, ...}
#
# Usage: scripts/bench/classifier.sh [--seconds S] [--reps R] [--lcore N]
#            [--miss] [FLOWS...]   (default: 2 s, 3 reps, 1 1000 1000000)
#
# Environment: ONVM_BUILD_DIR (default <repo>/build). Runs as a DPDK primary
# of its own (--no-pci, file prefix onvmb-cls-<pid>), whose hugepage and
# runtime files it removes. --miss: no rule for the flows (every lookup
# misses), for comparison. Exits 1 with one line if a run fails.

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

BUILD=${ONVM_BUILD_DIR:-$ONVM_ROOT/build}
BIN=$BUILD/tests/bench/onvm-bench-classifier
PREFIX=onvmb-cls-$$
seconds=2
reps=3
lcore=1
extra=()
flows=()

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		sed -n '5,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	--seconds)
		seconds=${2:?--seconds needs a value}
		shift 2
		;;
	--reps)
		reps=${2:?--reps needs a value}
		shift 2
		;;
	--lcore)
		lcore=${2:?--lcore needs a value}
		shift 2
		;;
	--miss)
		extra+=(--miss)
		shift
		;;
	-*)
		echo "classifier.sh: unknown option '$1' (see --help)" >&2
		exit 2
		;;
	*)
		flows+=("$1")
		shift
		;;
	esac
done
[ ${#flows[@]} -gt 0 ] || flows=(1 1000 1000000)
[ -x "$BIN" ] || {
	echo "classifier.sh: $BIN is missing (build with meson/ninja, or set ONVM_BUILD_DIR)" >&2
	exit 1
}

cleanup() {
	rm -f "$ONVM_HUGE_MNT/${PREFIX}map_"* 2>/dev/null || true
	rm -rf "$(onvm_runtime_dir "$PREFIX")" 2>/dev/null || true
}
trap cleanup EXIT

runs=$(mktemp)
trap 'cleanup; rm -f "$runs"' EXIT
for ((r = 0; r < reps; r++)); do
	for n in "${flows[@]}"; do
		err=$(mktemp)
		if ! "$BIN" --no-pci -l "$lcore" --file-prefix="$PREFIX" \
			--log-level=lib.eal:error --log-level=eal:warning -- \
			--flows "$n" --seconds "$seconds" "${extra[@]}" \
			>>"$runs" 2>"$err"; then
			echo "classifier.sh: $n flows: $(tail -n 1 "$err")" >&2
			rm -f "$err"
			exit 1
		fi
		rm -f "$err"
		cleanup
	done
done
# One line per flow count: the median run, and the spread.
/usr/bin/python3 - "$runs" "$(cut -d ' ' -f 1 /proc/loadavg)" "${flows[@]}" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
load = float(sys.argv[2])
for n in (int(x) for x in sys.argv[3:]):
    rs = sorted((r for r in runs if r["flows"] == n), key=lambda r: r["mpps"])
    if not rs:
        continue
    med = rs[len(rs) // 2]
    print(json.dumps({"flows": n, "rules": med["rules"], "miss": med["miss"],
                      "burst": med["burst"], "reps": len(rs),
                      "seconds": med["seconds"], "mpps": med["mpps"],
                      "mpps_min": rs[0]["mpps"], "mpps_max": rs[-1]["mpps"],
                      "ns_per_pkt": med["ns_per_pkt"], "load1": load}))
PY
