#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# The onvm demo: the manager on lcore 0 replays a pcap of mixed traffic
# (net_pcap0, endlessly) through the chain simple_forward (service 1) ->
# monitor (2) -> bridge (3) and out of net_pcap1 (to /dev/null), with its
# live stats table on the terminal. onvm-deploy runs deploy/demo.yaml.
#
# Usage: scripts/run.sh [--duration SEC]   (default: until Ctrl-C)
#
# Environment: ONVM_BUILD_DIR (default <repo>/build), ONVM_RUN_OUT (stats
# JSON, NF logs and the pcap; default <repo>/build/run).

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BUILD=${ONVM_BUILD_DIR:-$ONVM_ROOT/build}
OUT=$(realpath -m "${ONVM_RUN_OUT:-$ONVM_ROOT/build/run}")
PCAP=$OUT/demo.pcap
STATS=$OUT/stats.json
DEPLOY=$BUILD/tools/onvm_deploy/onvm-deploy

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
[ -x "$DEPLOY" ] || die "$DEPLOY is missing after the build"

mkdir -p "$OUT"
if [ ! -s "$PCAP" ]; then
	/usr/bin/python3 "$ONVM_ROOT/scripts/gen_traffic.py" --out "$PCAP" \
		--count 1000 --flows 100 --seed 1 || die "cannot generate $PCAP"
	say "generated $PCAP (1000 frames, 100 flows)"
fi

# onvm-deploy starts the manager and the NFs, waits until every NF has
# registered and reports them; Ctrl-C (or --duration) stops the manager,
# the NFs leave after it, and it reports their exit statuses and that no
# file of the prefix is left. Its exit status is ours.
say "NF logs and $(basename "$STATS") in $OUT; ${duration:+$duration s, or }Ctrl-C to stop"
export ONVM_DEMO_PCAP=$PCAP ONVM_DEMO_STATS=$STATS
exec "$DEPLOY" --log-dir "$OUT" ${duration:+--duration "$duration"} \
	"$ONVM_ROOT/deploy/demo.yaml"
