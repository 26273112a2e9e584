#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Shared-core mode against polling NFs, N NFs on one core (one chain of N
# onvm-simple-forward, all on --lcore; onvm-mgr on --main-lcore):
#  - tput: net_null ports flat out: Mpps out of the ports and the CPU time
#    the NFs and the manager used (in cores), polling vs --shared-core;
#  - idle: the same chain on a net_ring port nobody sends to: the CPU the
#    N idle NFs use (in cores), polling vs --shared-core;
#  - wake: onvm-pktgen --nf (on --lcore too: it shares the NF's core, as
#    traffic sources and other NFs do in this mode) sends --wake-rate pps
#    through one NF, which sleeps between packets in shared-core mode: the NF's
#    wake-up latency (TSC from the waker's FUTEX_WAKE to the NF running,
#    from the manager's stats) and pktgen's round-trip latency, against a
#    polling NF.
# A chain, not N parallel one-NF chains: the manager then hands every packet
# to the first NF only, and each NF wakes the next (direct handoff), the
# case where sleeping and waking cost the most per packet.
# Prints one JSON line per measurement (median of --reps runs for tput).
#
# Usage: scripts/bench/shared_core.sh [--seconds S] [--reps R] [--lcore N]
#            [--main-lcore N] [--wake-rate PPS] [--no-wake] [--no-tput]
#            [NFS...]
#        (default: 2 s, 3 reps, lcore 1, main lcore 0, 1000 pps, 1 2 4 8 16)
#
# Environment: ONVM_BUILD_DIR (default <repo>/build); ONVM_BENCH_PID (the
# <pid> of the prefixes, default ours). Every DPDK process runs with
# --no-pci on a file prefix onvmb-sc-<pid>-*, whose hugepage and
# runtime files it removes; it stops only its own processes, by pid. Exits
# 1 with one line if a run fails.

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

BUILD=${ONVM_BUILD_DIR:-$ONVM_ROOT/build}
MGR=$BUILD/onvm_mgr/onvm-mgr
SFWD=$BUILD/nfs/simple_forward/onvm-simple-forward
PKTGEN=$BUILD/nfs/pktgen/onvm-pktgen
PY=/usr/bin/python3
seconds=2
reps=3
lcore=1
main=0
wake_rate=1000
wake=1
tput=1
nfs=()

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		sed -n '5,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	--seconds | --reps | --lcore | --main-lcore | --wake-rate)
		[ $# -ge 2 ] || { echo "shared_core.sh: $1 needs a value" >&2; exit 2; }
		case $1 in
		--seconds) seconds=$2 ;;
		--reps) reps=$2 ;;
		--lcore) lcore=$2 ;;
		--main-lcore) main=$2 ;;
		--wake-rate) wake_rate=$2 ;;
		esac
		shift 2
		;;
	--no-wake)
		wake=0
		shift
		;;
	--no-tput)
		tput=0
		shift
		;;
	-*)
		echo "shared_core.sh: unknown option '$1' (see --help)" >&2
		exit 2
		;;
	*)
		nfs+=("$1")
		shift
		;;
	esac
done
[ ${#nfs[@]} -gt 0 ] || nfs=(1 2 4 8 16)
for b in "$MGR" "$SFWD" "$PKTGEN"; do
	[ -x "$b" ] || { echo "shared_core.sh: $b is missing (build with meson/ninja, or set ONVM_BUILD_DIR)" >&2; exit 1; }
done

TMP=$(mktemp -d /tmp/onvmb-sc.XXXXXX)
PIDS=()
PREFIXES=()
cleanup() {
	[ ${#PIDS[@]} -gt 0 ] && onvm_stop_pids "${PIDS[@]}"
	for p in ${PREFIXES[@]+"${PREFIXES[@]}"}; do
		onvm_remove_prefix "$p"
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

die() {
	echo "shared_core.sh: $*" >&2
	exit 1
}

# cpu PID...: utime + stime of the PIDs, in clock ticks.
cpu() {
	local p t=0
	for p in "$@"; do
		t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')))
	done
	echo "$t"
}

# jget JSON EXPR
jget() {
	"$PY" -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# up NAME MODE N PORTS...: onvm-mgr and a chain of N NFs; sets MGR_PID,
# NF_PIDS, J (stats JSON), P (prefix).
up() {
	local name=$1 mode=$2 n=$3 s mopt=
	shift 3
	P=onvmb-sc-${ONVM_BENCH_PID:-$$}-$name
	PREFIXES+=("$P")
	J=$TMP/$name.json
	[ "$mode" = shared ] && mopt=--shared-core
	"$MGR" --no-pci -l "$main" --file-prefix="$P" --log-level=lib.eal:notice "$@" \
		-- --chain "$(seq -s, 1 "$n")$EXTRA_CHAIN" --max-nfs $((n + 1)) --ring-size 1024 \
		--stats-json "$J" --stats-interval 0.25 --quiet $mopt \
		>"$TMP/$name.mgr.out" 2>"$TMP/$name.mgr.err" &
	MGR_PID=$!
	PIDS+=("$MGR_PID")
	for _ in $(seq 300); do
		[ -s "$J" ] && break
		kill -0 "$MGR_PID" 2>/dev/null || die "$name: onvm-mgr exited: $(tail -n 1 "$TMP/$name.mgr.err")"
		sleep 0.1
	done
	[ -s "$J" ] || die "$name: no stats from onvm-mgr"
	NF_PIDS=()
	for s in $(seq 1 "$n"); do
		"$SFWD" -l "$lcore" -- -r "$s" --file-prefix "$P" \
			>"$TMP/$name.nf$s.out" 2>"$TMP/$name.nf$s.err" &
		NF_PIDS+=("$!")
		PIDS+=("$!")
	done
	for _ in $(seq 300); do
		[ "$(jget "$J" 'len(j["nfs"])')" -ge "$n" ] && return 0
		sleep 0.1
	done
	die "$name: the $n NFs did not register"
}

# down: stop the manager (the NFs follow), check, remove the prefix.
down() {
	local left
	kill -TERM "$MGR_PID"
	onvm_wait_pids 30 "$MGR_PID" "${NF_PIDS[@]}" || die "$P: processes still running after stop"
	wait "$MGR_PID" || die "$P: onvm-mgr exited with status $?"
	left=$(jget "$J" 'sum(p["in_use"] for p in j["mempools"]) if j["final"] else -1')
	[ "$left" = 0 ] || die "$P: mbufs in use after stop: $left"
	onvm_remove_prefix "$P"
	PIDS=()
}

HZ=$(getconf CLK_TCK)
EXTRA_CHAIN=
# ---- tput and idle, interleaved by repetition
runs=$TMP/runs.jsonl
: >"$runs"
for ((r = 0; r < reps && tput; r++)); do
	for n in "${nfs[@]}"; do
		for mode in poll shared; do
			up "t$n-$mode-$r" "$mode" "$n" --vdev=net_null0,size=64 --vdev=net_null1,size=64
			sleep 1
			a=$(jget "$J" 'sum(p["tx"] for p in j["ports"]), j["time"]' | tr -d '(),')
			c0=$(cpu "${NF_PIDS[@]}")
			m0=$(cpu "$MGR_PID")
			t0=$EPOCHREALTIME
			sleep "$seconds"
			t1=$EPOCHREALTIME
			c1=$(cpu "${NF_PIDS[@]}")
			m1=$(cpu "$MGR_PID")
			b=$(jget "$J" 'sum(p["tx"] for p in j["ports"]), j["time"]' | tr -d '(),')
			"$PY" -c '
import json, sys
a, ta, b, tb = [float(x) for x in sys.argv[1].split() + sys.argv[2].split()]
hz, t = float(sys.argv[6]), float(sys.argv[8]) - float(sys.argv[7])
print(json.dumps({"kind": "tput", "mode": sys.argv[3], "nfs": int(sys.argv[4]),
                  "mpps": round((b - a) / (tb - ta) / 1e6, 3),
                  "nf_cpu": round(int(sys.argv[5]) / hz / t, 3),
                  "mgr_cpu": round(int(sys.argv[9]) / hz / t, 3)}))' \
				"$a" "$b" "$mode" "$n" $((c1 - c0)) "$HZ" "$t0" "$t1" $((m1 - m0)) >>"$runs"
			down
			up "i$n-$mode-$r" "$mode" "$n" --vdev=net_ring0
			sleep 0.5
			c0=$(cpu "${NF_PIDS[@]}")
			t0=$EPOCHREALTIME
			sleep "$seconds"
			t1=$EPOCHREALTIME
			c1=$(cpu "${NF_PIDS[@]}")
			"$PY" -c '
import json, sys
print(json.dumps({"kind": "idle", "mode": sys.argv[1], "nfs": int(sys.argv[2]),
                  "nf_cpu": round(int(sys.argv[3]) / float(sys.argv[4]) /
                                  (float(sys.argv[6]) - float(sys.argv[5])), 4)}))' \
				"$mode" "$n" $((c1 - c0)) "$HZ" "$t0" "$t1" >>"$runs"
			down
		done
	done
done
"$PY" - "$runs" "$(cut -d ' ' -f 1 /proc/loadavg)" <<'PY'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
load = float(sys.argv[2])
keys = sorted({(r["kind"], r["nfs"], r["mode"]) for r in runs},
              key=lambda k: (k[0] != "tput", k[1], k[2]))
for kind, n, mode in keys:
    rs = sorted((r for r in runs if (r["kind"], r["nfs"], r["mode"]) == (kind, n, mode)),
                key=lambda r: r.get("mpps", r["nf_cpu"]))
    med = dict(rs[len(rs) // 2])
    med["reps"] = len(rs)
    med["seconds"] = None
    if kind == "tput":
        med["mpps_min"], med["mpps_max"] = rs[0]["mpps"], rs[-1]["mpps"]
    med["load1"] = load
    print(json.dumps(med))
PY

# ---- wake-up latency: pktgen -> 1 NF -> pktgen, at a low rate
if [ "$wake" -eq 1 ]; then
	EXTRA_CHAIN=,9
	for mode in poll shared; do
		up "w-$mode" "$mode" 1 --vdev=net_ring0
		pg=$TMP/w-$mode.pg.json
		"$PKTGEN" -l "$lcore" -- --nf -r 9 --to 1 --file-prefix "$P" --rate "$wake_rate" \
			--duration "$seconds" --drain 1 --flows 1 --stats-interval 0 --json "$pg" \
			>"$TMP/w-$mode.pg.out" 2>"$TMP/w-$mode.pg.err" &
		pgpid=$!
		PIDS+=("$pgpid")
		onvm_wait_pids $((seconds + 60)) "$pgpid" || die "w-$mode: onvm-pktgen did not finish"
		wait "$pgpid" || die "w-$mode: onvm-pktgen exited with status $?: $(tail -n 1 "$TMP/w-$mode.pg.err")"
		sleep 0.6	# one more stats interval
		"$PY" - "$J" "$pg" "$mode" "$wake_rate" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); pg = json.load(open(sys.argv[2]))
nf = [n for n in j["nfs"] if n["service"] == 1][0]
h = nf["wake_hist"]
def pct(p):
    # upper bound of the histogram bucket holding the p-th percentile, us
    tot = sum(h)
    if tot == 0:
        return None
    acc = 0
    for i, c in enumerate(h):
        acc += c
        if acc >= p / 100.0 * tot:
            return 2 ** i if i else 1
    return None
l = pg["latency_ns"]
print(json.dumps({"kind": "wake", "mode": sys.argv[3], "rate_pps": float(sys.argv[4]),
                  "pkts": pg["rx"], "lost": pg["lost"], "sleeps": nf["sleeps"],
                  "wakes": nf["wakes"], "wake_late": nf["wake_late"], "wake_us_mean": nf["wake_us_mean"],
                  "wake_us_max": nf["wake_us_max"], "wake_us_p50_le": pct(50),
                  "wake_us_p99_le": pct(99), "wake_hist": h,
                  "rtt_us_p50": l["p50"] / 1e3 if l["p50"] else None,
                  "rtt_us_p99": l["p99"] / 1e3 if l["p99"] else None}))
PY
		down
	done
fi
