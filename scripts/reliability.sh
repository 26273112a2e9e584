#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Measure what an NF crash costs: a manager on two net_null ports (chain
# 1,2,3, --restart) and three onvm-simple-forward NFs; the middle one
# (service 2, alone on CPU 1) is SIGKILLed N times under traffic and the
# manager restarts it each time. Per kill, from the stats JSON (all times
# since the kill, by CLOCK_MONOTONIC read just before it):
#   detection  the manager saw the death (nf_deaths detected_ns)
#   reclaim    its rings and held burst were freed (reclaimed_ns)
#   restart    the restarted NF started (its start_ns)
#   recovery   the restarted NF forwarded its first packet (first_pkt_ns)
#   freed      packets freed with the dead NF
# then min/median/p90/max, and the mbufs in use after a clean stop (must
# be 0). Prints a Markdown table; saves it and JSON in
# results/reliability-<date>/.
#
# Usage: scripts/reliability.sh [--kills N] [--restart N/SEC]
#   --kills N        SIGKILLs (default 20)
#   --restart N/SEC  the manager's restart policy (default 100/1). Kills
#                    are at least 1.2 s apart, so with a 1 s window every
#                    restart is the first of its window and starts at once
#                    (the back-off doubles from 250 ms within a window).
#
# Environment: ONVM_BUILD_DIR (default <repo>/build). Installs and builds
# what is missing (scripts/setup.sh). Stops only its own processes and
# removes only its prefix's files (onvmrel_<pid>).

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BUILD=${ONVM_BUILD_DIR:-$ONVM_ROOT/build}
PREFIX=onvmrel_$$
PY=/usr/bin/python3
KILL_GAP=1.2	# seconds between kills, more than the restart window

say() {
	echo "reliability: $*"
}

die() {
	echo "reliability: $*" >&2
	exit 1
}

kills=20
restart=100/1
while [ $# -gt 0 ]; do
	case $1 in
	--kills | --restart)
		[ $# -ge 2 ] || die "$1 needs a value"
		[ "$1" = --kills ] && kills=$2 || restart=$2
		shift 2
		;;
	--kills=*) kills=${1#--kills=}; shift ;;
	--restart=*) restart=${1#--restart=}; shift ;;
	-h | --help)
		sed -n '5,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) die "unknown argument '$1' (usage: scripts/reliability.sh [--kills N] [--restart N/SEC])" ;;
	esac
done
[[ $kills =~ ^[1-9][0-9]*$ ]] && [ "$kills" -le 1000 ] ||
	die "--kills wants a number 1..1000, not '$kills'"

ONVM_BUILD_DIR=$BUILD bash "$ONVM_ROOT/scripts/setup.sh"
MGR=$BUILD/onvm_mgr/onvm-mgr
SFWD=$BUILD/nfs/simple_forward/onvm-simple-forward
[ -x "$MGR" ] && [ -x "$SFWD" ] || die "$MGR or $SFWD is missing after the build"

OUT=$ONVM_ROOT/results/reliability-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
STATS=$OUT/stats.json

mgr_pid=
nf_pids=()

# Our manager, our NFs and the NFs our manager restarted (its log names
# them); then our prefix's files.
cleanup() {
	local pids=() pid
	trap - EXIT INT TERM
	[ -n "$mgr_pid" ] && pids+=("$mgr_pid")
	for pid in "${nf_pids[@]}"; do
		pids+=("$pid")
	done
	if [ -f "$OUT/mgr.log" ]; then
		for pid in $(sed -n 's/.*restarting NF of service [0-9]*, instance [0-9]* (try [0-9]*): pid \([0-9]*\)$/\1/p' "$OUT/mgr.log"); do
			kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
		done
	fi
	[ ${#pids[@]} -gt 0 ] && onvm_stop_pids "${pids[@]}"
	if [ -n "$(onvm_prefix_files "$PREFIX")" ]; then
		if onvm_prefix_in_use "$PREFIX"; then
			say "WARNING: a process still maps files of prefix $PREFIX; not removing them"
		else
			onvm_remove_prefix "$PREFIX"
		fi
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$MGR" -l 0 --no-pci --file-prefix="$PREFIX" --log-level=lib.eal:notice \
	--vdev=net_null0 --vdev=net_null1 -- --chain 1,2,3 --restart "$restart" \
	--stats-json "$STATS" --stats-interval 0.1 --quiet \
	</dev/null >"$OUT/mgr.out" 2>"$OUT/mgr.log" &
mgr_pid=$!
for _ in $(seq 300); do
	[ -s "$STATS" ] && break
	kill -0 "$mgr_pid" 2>/dev/null || die "the manager exited: $(tail -n 1 "$OUT/mgr.log")"
	sleep 0.1
done
[ -s "$STATS" ] || die "the manager wrote no stats within 30 s"

# The victim (service 2) has CPU 1 to itself; 1 and 3 share CPU 0 with the
# manager. The restarted NF appends to the same log file.
for spec in "1 0" "2 1" "3 0"; do
	read -r sid cpu <<<"$spec"
	"$SFWD" -l "$cpu" -- -r "$sid" --file-prefix "$PREFIX" \
		</dev/null >>"$OUT/nf$sid.log" 2>&1 &
	nf_pids+=($!)
	disown $!	# no "Killed" job notice when the loop kills it
done
say "manager (pid $mgr_pid) on lcore 0, --restart $restart, file prefix $PREFIX;" \
	"NFs ${nf_pids[*]}; $kills kills of service 2; output in $OUT"

# The kill loop and the report, in Python (monotonic clock, JSON).
# shellcheck disable=SC2016
PYPROG='
import json, os, signal, statistics, sys, time

def stats(path):
    with open(path) as f:
        return json.load(f)

def wait(path, what, cond, timeout=15.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            j = stats(path)
        except (OSError, ValueError):
            j = None
        if j is not None:
            v = cond(j)
            if v:
                return v
        time.sleep(0.02)
    sys.exit("reliability: timed out waiting for " + what)

def svc2(j):
    return [n for n in j["nfs"] if n["service"] == 2 and n["state"] == "running"]

def measure(path, kills, gap, out):
    rows, last_kill = [], 0.0
    for k in range(1, kills + 1):
        nf = wait(path, "service 2 forwarding before kill %d" % k,
                  lambda j: [n for n in svc2(j) if n["first_pkt_ns"] > 0])[0]
        pid, rx = nf["pid"], nf["rx"]
        wait(path, "pid %d receiving" % pid,
             lambda j: [n for n in j["nfs"] if n["pid"] == pid and n["rx"] > rx])
        time.sleep(max(0.0, last_kill + gap - time.monotonic()))
        last_kill = time.monotonic()
        t = time.monotonic_ns()
        os.kill(pid, signal.SIGKILL)
        d = wait(path, "the death of pid %d in nf_deaths" % pid,
                 lambda j: [d for d in j["nf_deaths"] if d["pid"] == pid])[0]
        new = wait(path, "a restarted service 2 NF forwarding after kill %d" % k,
                   lambda j: [n for n in svc2(j) if n["pid"] != pid and n["first_pkt_ns"] > 0])[0]
        r = {"kill": k, "pid": pid, "new_pid": new["pid"], "kill_ns": t,
             "detection_ms": (d["detected_ns"] - t) / 1e6,
             "reclaim_ms": (d["reclaimed_ns"] - t) / 1e6,
             "restart_ms": (new["start_ns"] - t) / 1e6,
             "recovery_ms": (new["first_pkt_ns"] - t) / 1e6,
             "freed": d["freed"]}
        rows.append(r)
        print("kill %2d: pid %d detected %.1f ms, reclaimed %.1f ms; "
              "pid %d started %.1f ms, forwarding %.1f ms after the kill; "
              "%d packet(s) freed" % (
                  k, pid, r["detection_ms"], r["reclaim_ms"],
                  new["pid"], r["restart_ms"], r["recovery_ms"], r["freed"]),
              flush=True)
    with open(out, "w") as f:
        json.dump(rows, f, indent=1)

def p90(v):
    s = sorted(v)
    return s[max(0, -(-9 * len(s) // 10) - 1)]   # nearest rank

def report(kills_path, final_path, meta_path, md_path, json_path):
    rows = json.load(open(kills_path))
    final = stats(final_path)
    meta = json.load(open(meta_path))
    in_use = sum(p["in_use"] for p in final["mempools"])
    lines = ["# NF crash figures, %s" % meta["date"], "",
             "%s; %s. Manager on lcore 0 with net_null ports, chain 1,2,3 of "
             "onvm-simple-forward, --restart %s; service 2 (alone on CPU 1) "
             "SIGKILLed %d times under traffic, at least %s s apart. Times from "
             "CLOCK_MONOTONIC read just before the kill." % (
                 meta["host"], meta["cpus"], meta["restart"], len(rows), meta["gap"]), "",
             "| kill | pid | detection ms | reclaim ms | restart ms | recovery ms | packets freed |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append("| %d | %d | %.1f | %.1f | %.1f | %.1f | %d |" % (
            r["kill"], r["pid"], r["detection_ms"], r["reclaim_ms"],
            r["restart_ms"], r["recovery_ms"], r["freed"]))
    summary = {}
    lines += ["", "| per kill (%d kills) | min | median | p90 | max |" % len(rows),
              "| --- | ---: | ---: | ---: | ---: |"]
    for key, label, fmt in (("detection_ms", "detection (kill to seen by the manager), ms", "%.1f"),
                            ("reclaim_ms", "reclaim (kill to rings and held burst freed), ms", "%.1f"),
                            ("restart_ms", "restart (kill to the new NF started), ms", "%.1f"),
                            ("recovery_ms", "recovery (kill to the new NF forwarding), ms", "%.1f"),
                            ("freed", "packets freed", "%d")):
        v = [r[key] for r in rows]
        s = {"min": min(v), "median": statistics.median(v), "p90": p90(v), "max": max(v)}
        summary[key] = s
        lines.append("| %s | %s |" % (label, " | ".join(fmt % s[x] for x in ("min", "median", "p90", "max"))))
    lines += ["", "mbufs in use after a clean stop (leaked): **%d** (final stats, "
              "%d mempool(s)); deaths in the final stats: %d; drops.nf_gone %d." % (
                  in_use, len(final["mempools"]), len(final["nf_deaths"]),
                  final["drops"]["nf_gone"])]
    text = "\n".join(lines) + "\n"
    open(md_path, "w").write(text)
    print(text, end="")
    json.dump({"meta": meta, "kills": rows, "summary": summary,
               "final_in_use": in_use, "final_drops": final["drops"]},
              open(json_path, "w"), indent=1)
    return 0 if in_use == 0 else 1

if sys.argv[1] == "measure":
    measure(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
else:
    sys.exit(report(*sys.argv[2:7]))
'

rc=0
"$PY" -c "$PYPROG" measure "$STATS" "$kills" "$KILL_GAP" "$OUT/kills.json" || rc=1

kill -INT "$mgr_pid"
mrc=0
onvm_wait_pids 30 "$mgr_pid" || die "the manager did not stop within 30 s"
wait "$mgr_pid" || mrc=$?
mgr_pid=
[ $mrc -eq 0 ] || { say "the manager exited with status $mrc"; rc=1; }
[ $rc -eq 0 ] || die "the kill loop failed (manager log: $OUT/mgr.log)"
grep -q '"final": true' "$STATS" || die "no final stats in $STATS"

"$PY" -c 'import json, sys
json.dump({"date": sys.argv[1], "host": sys.argv[2], "cpus": sys.argv[3],
           "restart": sys.argv[4], "gap": sys.argv[5], "kills": int(sys.argv[6])},
          open(sys.argv[7], "w"))' "$(date '+%Y-%m-%d %H:%M %Z')" \
	"$(uname -sr), DPDK $(pkg-config --modversion libdpdk 2>/dev/null || echo '?')" \
	"$(nproc) CPU(s): $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
	"$restart" "$KILL_GAP" "$kills" "$OUT/meta.json"
"$PY" -c "$PYPROG" report "$OUT/kills.json" "$STATS" "$OUT/meta.json" \
	"$OUT/reliability.md" "$OUT/reliability.json" || rc=1
[ $rc -eq 0 ] || say "FAIL: mbufs leaked (final in_use above)"
say "saved $OUT/reliability.md and $OUT/reliability.json"
exit $rc
