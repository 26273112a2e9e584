#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# The onvm demo: the manager on lcore 0 replays a pcap of mixed traffic
# (net_pcap0, endlessly) through the chain simple_forward (service 1) ->
# monitor (2) -> bridge (3) and out of net_pcap1 (to /dev/null), with its
# live stats table on the terminal.
#
# Usage: scripts/run.sh [--duration SEC]   (default: until Ctrl-C)
#
# Environment: ONVM_BUILD_DIR (default <repo>/build), ONVM_RUN_OUT (stats
# JSON, NF logs and the pcap; default <repo>/build/run).

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PREFIX=onvm-demo
BUILD=${ONVM_BUILD_DIR:-$ONVM_ROOT/build}
OUT=$(realpath -m "${ONVM_RUN_OUT:-$ONVM_ROOT/build/run}")
PCAP=$OUT/demo.pcap
STATS=$OUT/stats.json
MGR=$BUILD/onvm_mgr/onvm-mgr
# name, binary, service id: the default chain, in order
NFS=(
	"simple_forward nfs/simple_forward/onvm-simple-forward 1"
	"monitor nfs/monitor/onvm-monitor 2"
	"bridge nfs/bridge/onvm-bridge 3"
)

say() {
	echo "run: $*"
}

die() {
	echo "run: $*" >&2
	exit 1
}

usage() {
	sed -n '5,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

duration=
while [ $# -gt 0 ]; do
	case $1 in
	--duration)
		[ $# -ge 2 ] || die "--duration needs a number of seconds"
		duration=$2
		shift 2
		;;
	--duration=*)
		duration=${1#--duration=}
		shift
		;;
	-h | --help)
		usage
		exit 0
		;;
	*) die "unknown argument '$1' (usage: scripts/run.sh [--duration SEC])" ;;
	esac
done
if [ -n "$duration" ] && ! [[ $duration =~ ^[0-9]+(\.[0-9]+)?$ && $duration != 0 && ! $duration =~ ^0+(\.0+)?$ ]]; then
	die "--duration wants a positive number of seconds, not '$duration'"
fi

ONVM_BUILD_DIR=$BUILD bash "$ONVM_ROOT/scripts/setup.sh"
[ -x "$MGR" ] || die "$MGR is missing after the build"

mkdir -p "$OUT"
if [ ! -s "$PCAP" ]; then
	/usr/bin/python3 "$ONVM_ROOT/scripts/gen_traffic.py" --out "$PCAP" \
		--count 1000 --flows 100 --seed 1 || die "cannot generate $PCAP"
	say "generated $PCAP (1000 frames, 100 flows)"
fi
rm -f "$STATS"

# shellcheck disable=SC2054 # the commas are inside --vdev values
mgr_args=(-l 0 --no-pci --file-prefix="$PREFIX"
	--vdev="net_pcap0,rx_pcap=$PCAP,infinite_rx=1"
	--vdev="net_pcap1,tx_pcap=/dev/null"
	-- --chain 1,2,3 --stats-interval 1 --stats-json "$STATS")
[ -n "$duration" ] && mgr_args+=(--duration "$duration")

say "manager on lcore 0, chain simple_forward (1) -> monitor (2) -> bridge (3)," \
	"file prefix $PREFIX; logs in $OUT; ${duration:+$duration s, or }Ctrl-C to stop"

mgr_pid=
nf_pids=()
nf_names=()
stopping=0

# Stop the demo: the manager leaves, the NFs see it go and exit by
# themselves.
stop_mgr() {
	if [ $stopping -eq 0 ] && [ -n "$mgr_pid" ]; then
		stopping=1
		kill -TERM "$mgr_pid" 2>/dev/null || true
	fi
}
on_signal() {
	say "stopping"
	stop_mgr
}
trap on_signal INT TERM

"$MGR" "${mgr_args[@]}" </dev/null &
mgr_pid=$!

# NFs need the manager's tables: it writes its stats JSON once they exist.
deadline=$((EPOCHSECONDS + 30))
while [ ! -e "$STATS" ]; do
	if ! kill -0 "$mgr_pid" 2>/dev/null; then
		rc=0
		wait "$mgr_pid" || rc=$?
		die "the manager exited with status $rc before it was ready (its error is above)"
	fi
	if [ $stopping -eq 1 ] || [ "$EPOCHSECONDS" -ge "$deadline" ]; then
		[ $stopping -eq 1 ] || say "the manager did not come up within 30 s"
		stop_mgr
		onvm_stop_pids "$mgr_pid"
		exit 1
	fi
	sleep 0.1 || true
done

for nf in "${NFS[@]}"; do
	read -r name bin sid <<<"$nf"
	[ $stopping -eq 1 ] && break
	# setsid: a terminal's Ctrl-C stops the manager, not the NFs, so they
	# leave in order when they see it stop and no packet meets a gap in
	# the chain.
	setsid "$BUILD/$bin" --file-prefix "$PREFIX" -r "$sid" </dev/null \
		>"$OUT/nf-$name.log" 2>&1 &
	nf_pids+=($!)
	nf_names+=("$name")
done

# A terminal's Ctrl-C also reaches the commands this loop runs: they are
# builtins, or end in "|| true", so that set -e does not end the script.
# Until the manager exits: --duration, Ctrl-C, or an NF that died (which
# would leave the chain broken, so the demo stops).
rc=0
failed=0
end=
[ -n "$duration" ] && end=$((EPOCHSECONDS + ${duration%.*} + 16))
while kill -0 "$mgr_pid" 2>/dev/null; do
	for i in "${!nf_pids[@]}"; do
		pid=${nf_pids[$i]}
		[ -n "$pid" ] || continue
		if ! kill -0 "$pid" 2>/dev/null; then
			nrc=0
			wait "$pid" || nrc=$?
			nf_pids[i]=
			if [ $stopping -eq 0 ]; then
				say "NF ${nf_names[$i]} exited (status $nrc) while the manager ran:" \
					"$(tail -n 1 "$OUT/nf-${nf_names[$i]}.log" 2>/dev/null)"
				failed=1
				stop_mgr
			fi
		fi
	done
	if [ -n "$end" ] && [ "$EPOCHSECONDS" -gt "$end" ]; then
		say "the manager is still running ${duration} s + 15 s after its start; stopping it"
		failed=1
		stop_mgr
		end=$((end + 10))
		onvm_wait_pids 5 "$mgr_pid" || kill -KILL "$mgr_pid" 2>/dev/null || true
	fi
	sleep 0.2 || true
done
wait "$mgr_pid" || rc=$?
trap - INT TERM
[ $rc -eq 0 ] || say "the manager exited with status $rc"

# The NFs leave on their own once the manager stops.
live=()
for pid in "${nf_pids[@]}"; do
	[ -n "$pid" ] && live+=("$pid")
done
if [ ${#live[@]} -gt 0 ] && ! onvm_wait_pids 5 "${live[@]}"; then
	say "NF(s) still running 5 s after the manager stopped; sending them SIGTERM"
	failed=1
	onvm_stop_pids "${live[@]}"
fi
status=
for i in "${!nf_pids[@]}"; do
	[ -n "${nf_pids[$i]}" ] || continue
	nrc=0
	wait "${nf_pids[$i]}" 2>/dev/null || nrc=$?
	status+=" ${nf_names[$i]} $nrc,"
	[ $nrc -eq 0 ] || failed=1
done
[ -n "$status" ] && say "NF exit status:${status%,}"

left=$(onvm_prefix_files "$PREFIX")
if [ -n "$left" ]; then
	say "WARNING: files of prefix $PREFIX were left behind; removing them:"
	# shellcheck disable=SC2001
	echo "$left" | sed 's/^/  /'
	onvm_remove_prefix "$PREFIX"
	failed=1
else
	say "no hugepage or runtime file of prefix $PREFIX left"
fi
say "stats: $STATS, NF logs: $OUT/nf-*.log"
[ $rc -eq 0 ] && [ $failed -eq 0 ]
