#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# The benchmark. In one run, on the same two CPUs, 64-byte frames and
# bursts of 32, each measured several times (median, min, max):
#   1. the limit: dpdk-testpmd io forwarding between two net_null ports;
#   2. the peer: DPDK's multi_process/client_server_mp (server + 1 client),
#      built from Debian's dpdk-doc examples into the results directory;
#   3. OVS-DPDK: one netdev bridge, two net_null ports, port-to-port flows;
#   4. ours: onvm-mgr + a chain of 1..4 onvm-simple-forward, net_null;
#   5. ours, latency: onvm-pktgen -> net_memif -> manager -> chain of 1 and
#      3 NFs -> back, at 10, 50 and 90 % of pktgen's maximum;
#   6. ours, NF start (onvm_nf_start()) to its first forwarded packet;
#   7. ours, the manager's classifier hit path alone (Mpps with 1, 1K and
#      1M flow rules, every lookup a hit; scripts/bench/classifier.sh);
#   8. ours, shared-core mode against polling NFs: Mpps and CPU use with
#      1..16 NFs on one core, the CPU of idle NFs, and the wake-up latency
#      of a sleeping NF (scripts/bench/shared_core.sh);
#   9. ours, auto-scaling reaction time: overload -> the new instance's
#      first packet, and its start -> first packet; the same from zero
#      (scripts/bench/scale.sh).
# Throughput rounds are interleaved (rep 1 of every system, then rep 2, ...)
# and the CPU 0 <-> 1 round trip (xcore) is taken before and after each
# run, because this host flips between a fast and a slow cross-core state.
# Writes bench.md (the table), bench.json, raw.jsonl, PNG plots and logs to
# results/<date>/ and prints the table; TSC cycles/pkt = tsc_hz / pps.
#
# Usage: scripts/bench.sh [--quick] [--out DIR] [--reps N] [--seconds S]
#                         [--no-ovs] [--only LIST] [--variant SPEC]...
#   --quick        for CI (about 90 s): 1 repetition of 2 s, the
#                  first variant only, 3 NF starts; checks that every
#                  figure is there and above zero and that nothing leaked
#   --out DIR      where the results go (default results/<date-time>)
#   --reps N       repetitions per figure (default 3; --quick 1)
#   --seconds S    seconds of samples per throughput run (default 5)
#   --no-ovs       skip OVS-DPDK (and say so in the table)
#   --only LIST    comma list of testpmd,csmp,ovs,ours,latency,start,
#                  classifier,shared,scale
#   --variant SPEC measure another mode of ours too: NAME|MGR OPTS|NF OPTS,
#                  e.g. 'ours-nf-tx|--nf-tx|' (adds to the built-in list)
# Exit status: 0 if every figure was produced and every check passed
# (targets not met do not fail it), 1 otherwise.
#
# Environment: ONVM_BUILD_DIR (default <repo>/build). Installs what is
# missing (scripts/setup.sh, then dpdk-dev, dpdk-doc,
# openvswitch-switch-dpdk, python3-matplotlib) and builds. Stops only its
# own processes, by pid, and removes only its own prefixes' files
# (onvmb-*-<pid>).

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BUILD=${ONVM_BUILD_DIR:-$ONVM_ROOT/build}
PY=/usr/bin/python3
BENCH_PY=$ONVM_ROOT/scripts/bench/bench.py
XCORE_SRC=$ONVM_ROOT/scripts/bench/xcore.c
CSMP_SRC=/usr/share/dpdk/examples/multi_process/client_server_mp
OVS_VSWITCHD=/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk
OVS_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema

SIZE=64		# bytes per frame, every system
BURST=32	# packets per burst, every system
MAIN_CPU=0	# managers, servers, main threads
FWD_CPU=1	# forwarding lcores, PMD threads, NFs (and pktgen)

# Ours, one variant a line: NAME|extra manager options|extra NF options.
# Each is measured the same way (throughput, latency, NF start).
VARIANTS=(
	"ours||"
	"ours-nf-tx|--nf-tx|"
	"ours-nf-rx|--nf-rx --nf-tx|"
)
CHAINS=(1 2 3 4)
LAT_CHAINS=(1 3)
LAT_PCTS=(10 50 90)

say() {
	echo "bench: $*"
}

die() {
	echo "bench: $*" >&2
	exit 1
}

usage() {
	sed -n '5,40p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

quick=0
out=
reps=
seconds=
no_ovs=0
only=testpmd,csmp,ovs,ours,latency,start,classifier,shared,scale
extra_variants=()
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--no-ovs) no_ovs=1; shift ;;
	--out | --reps | --seconds | --only | --variant)
		[ $# -ge 2 ] || die "$1 needs a value"
		case $1 in
		--out) out=$2 ;;
		--reps) reps=$2 ;;
		--seconds) seconds=$2 ;;
		--only) only=$2 ;;
		--variant) extra_variants+=("$2") ;;
		esac
		shift 2
		;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (scripts/bench.sh --help)" ;;
	esac
done
if [ $quick -eq 1 ]; then
	: "${reps:=1}" "${seconds:=2}"
	WARM=1
	START_RUNS=3
	CLS_SECONDS=1
	SC_SECONDS=1
	SC_NFS=(8)
	SCALE_RUNS=2
	SCALE_ZERO_RUNS=1
	LAT_SECONDS=2
	PROBE_SECONDS=1
	VARIANTS=("${VARIANTS[0]}")
	MODE=quick
else
	: "${reps:=3}" "${seconds:=5}"
	WARM=2
	START_RUNS=10
	CLS_SECONDS=2
	SC_SECONDS=2
	SC_NFS=(1 2 4 8 16)
	SCALE_RUNS=5
	SCALE_ZERO_RUNS=5
	LAT_SECONDS=5
	PROBE_SECONDS=2
	MODE=full
fi
VARIANTS+=(${extra_variants[@]+"${extra_variants[@]}"})
INTERVAL=0.5
[[ $reps =~ ^[1-9][0-9]?$ ]] || die "--reps wants 1..99, not '$reps'"
[[ $seconds =~ ^[1-9][0-9]?$ ]] || die "--seconds wants 1..99, not '$seconds'"
for v in "${VARIANTS[@]}"; do
	[[ $v =~ ^[a-zA-Z0-9_.-]+\|[^|]*\|[^|]*$ ]] ||
		die "a variant is NAME|MGR OPTS|NF OPTS, not '$v'"
done
want() {
	[[ ",$only," == *",$1,"* ]]
}

# ---------------------------------------------------------------- set-up

ONVM_BUILD_DIR=$BUILD bash "$ONVM_ROOT/scripts/setup.sh"
MGR=$BUILD/onvm_mgr/onvm-mgr
SFWD=$BUILD/nfs/simple_forward/onvm-simple-forward
PKTGEN=$BUILD/nfs/pktgen/onvm-pktgen
CLASSIFIER_SH=$ONVM_ROOT/scripts/bench/classifier.sh
CLS_FLOWS=(1 1000 1000000)
SHARED_SH=$ONVM_ROOT/scripts/bench/shared_core.sh
SCALE_SH=$ONVM_ROOT/scripts/bench/scale.sh
[ -x "$MGR" ] && [ -x "$SFWD" ] || die "$MGR or $SFWD is missing after the build"
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs (CPU $MAIN_CPU and CPU $FWD_CPU); this machine has $(nproc)"

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

ovs_system_pids() {
	pgrep -x ovs-vswitchd || true
	pgrep -x ovsdb-server || true
}

# The benchmark's own packages. Debian's openvswitch-switch would start
# the system's OVS at install: a policy-rc.d that says no keeps it down.
install_bench_packages() {
	local missing=() p log policy=/usr/sbin/policy-rc.d made_policy=0 before
	for p in dpdk-dev dpdk-doc openvswitch-switch-dpdk python3-matplotlib make; do
		installed "$p" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root to install them"
	say "installing ${missing[*]}"
	before=$(ovs_system_pids)
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		made_policy=1
	fi
	log=$(mktemp)
	if ! { DEBIAN_FRONTEND=noninteractive apt-get update &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			"${missing[@]}"; } </dev/null >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		say "WARNING: apt-get failed (above); going on with what is there"
	fi
	rm -f "$log"
	[ $made_policy -eq 1 ] && rm -f "$policy"
	if [ -z "$before" ] && [ -n "$(ovs_system_pids)" ]; then
		say "the package install started the system's OVS; stopping it"
		/etc/init.d/openvswitch-switch stop >/dev/null 2>&1 || true
	fi
	return 0
}
install_bench_packages
command -v dpdk-testpmd >/dev/null || die "dpdk-testpmd is missing (Debian package dpdk-dev)"
[ -d "$CSMP_SRC" ] || die "$CSMP_SRC is missing (Debian package dpdk-doc)"

OUT=$(realpath -m "${out:-$ONVM_ROOT/results/$(date +%Y%m%d-%H%M%S)}")
LOGS=$OUT/logs
RAW=$OUT/raw.jsonl
mkdir -p "$LOGS" "$OUT/build"
: >"$RAW"
# Sockets want short paths: a private directory under /tmp.
TMPD=$(mktemp -d /tmp/onvmb.XXXXXX)

ALL_PIDS=()	# every process started, for the trap
PREFIXES=()	# every DPDK file prefix used
FAILED=0

cleanup() {
	local pid alive=() p
	trap - EXIT INT TERM
	for pid in ${ALL_PIDS[@]+"${ALL_PIDS[@]}"}; do
		kill -0 "$pid" 2>/dev/null && alive+=("$pid")
	done
	if [ ${#alive[@]} -gt 0 ]; then
		say "stopping ${#alive[@]} process(es) still running: ${alive[*]}"
		onvm_stop_pids "${alive[@]}"
	fi
	for p in ${PREFIXES[@]+"${PREFIXES[@]}"}; do
		[ -n "$(onvm_prefix_files "$p")" ] || continue
		if onvm_prefix_in_use "$p"; then
			say "WARNING: a process still maps files of prefix $p; not removing them"
		else
			onvm_remove_prefix "$p"
		fi
	done
	rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# xcore, and client_server_mp built unmodified from Debian's examples.
XCORE=$BUILD/bench/xcore
if [ ! -x "$XCORE" ] || [ "$XCORE_SRC" -nt "$XCORE" ]; then
	mkdir -p "$BUILD/bench"
	cc -O2 -Wall -Wextra -pthread -o "$XCORE" "$XCORE_SRC" || die "cannot build $XCORE"
fi
CSMP=$OUT/build/client_server_mp
if want csmp; then
	rm -rf "$CSMP"
	cp -r "$CSMP_SRC" "$CSMP"
	make -C "$CSMP" >"$LOGS/csmp-build.log" 2>&1 ||
		{ tail -n 20 "$LOGS/csmp-build.log" >&2; die "cannot build client_server_mp (log above)"; }
fi

TSC_HZ=$("$XCORE" --tsc-hz | awk '{ print $2 }')
GIT_REV=$(git -C "$ONVM_ROOT" describe --always --dirty 2>/dev/null || echo '?')

# ---------------------------------------------------------------- helpers

# JSON string of $1.
jstr() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/ }
	printf '"%s"' "${s//$'\t'/ }"
}

record() {
	echo "$1" >>"$RAW"
}

# record_runs KIND FILE: one record per JSON line of FILE, as {"kind": KIND,
# "run": LINE} (the lines of scripts/bench/*.sh).
record_runs() {
	local line
	while read -r line; do
		[ -n "$line" ] && record "{\"kind\": \"$1\", \"run\": $line}"
	done <"$2"
	return 0
}

# check WHAT OK(0|1) DETAIL: a check of the run, in the table and JSON.
check() {
	record "{\"kind\": \"check\", \"what\": $(jstr "$1"), \"ok\": $([ "$2" -eq 0 ] && echo true || echo false), \"detail\": $(jstr "$3")}"
	if [ "$2" -ne 0 ]; then
		say "FAIL: $1: $3"
		FAILED=1
	fi
}

skip() {
	local sys=$1 why=$2 figs="" f
	shift 2
	for f in "$@"; do
		figs+="${figs:+, }\"$f\""
	done
	record "{\"kind\": \"skip\", \"system\": $(jstr "$sys"), \"reason\": $(jstr "$why"), \"figures\": [$figs]}"
	say "SKIPPED $sys: $why"
}

# "1 NF", "N NFs"
nfs() {
	if [ "$1" -eq 1 ]; then echo "1 NF"; else echo "$1 NFs"; fi
}

# CPU 0 <-> CPU 1 round trip, ns (median of 21 batches).
xcore() {
	local r
	r=$("$XCORE" "$MAIN_CPU" "$FWD_CPU" 2>>"$LOGS/xcore.err" | awk '{ print $2 }')
	echo "${r:-null}"
}

# start_bg NAME CMD...: in the background, output in $LOGS/NAME.{out,err};
# its pid in BG_PID. (Not in a subshell: the trap must know the pid.)
start_bg() {
	local name=$1
	shift
	"$@" </dev/null >"$LOGS/$name.out" 2>"$LOGS/$name.err" &
	BG_PID=$!
	ALL_PIDS+=("$BG_PID")
}

# stop NAME PID SIGNAL TIMEOUT EXPECTED: signal a process of ours, wait up
# to TIMEOUT s (then SIGKILL) and check its exit status.
stop() {
	local name=$1 pid=$2 sig=$3 timeout=$4 expected=$5 rc=0 how=
	kill -0 "$pid" 2>/dev/null && kill "-$sig" "$pid" 2>/dev/null
	if ! onvm_wait_pids "$timeout" "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
		how=" (still running $timeout s after SIG$sig: SIGKILLed)"
	fi
	wait "$pid" 2>/dev/null || rc=$?
	if [ -z "$how" ] && [ "$rc" -eq "$expected" ]; then
		check "$name stopped" 0 "exit status $rc after SIG$sig"
	else
		check "$name stopped" 1 "exit status $rc after SIG$sig, expected $expected$how; log $LOGS/$name.err"
	fi
}

# exited NAME PID TIMEOUT EXPECTED: a process of ours that stops by itself.
exited() {
	local name=$1 pid=$2 timeout=$3 expected=$4 rc=0
	if ! onvm_wait_pids "$timeout" "$pid"; then
		onvm_stop_pids "$pid"
		check "$name stopped" 1 "still running $timeout s after it should have exited (then SIGTERMed); log $LOGS/$name.err"
		return 0
	fi
	wait "$pid" 2>/dev/null || rc=$?
	if [ "$rc" -eq "$expected" ]; then
		check "$name stopped" 0 "exit status $rc"
	else
		check "$name stopped" 1 "exit status $rc, expected $expected; log $LOGS/$name.err"
	fi
}

# prefix_clean NAME PREFIX LEAVES: after a run, no file of PREFIX may be
# left and no process may carry it. LEAVES=1: the program is a DPDK
# primary that leaves its files behind by design (testpmd, the example);
# they are removed and said. LEAVES=0: ours, which must clean up itself.
prefix_clean() {
	local name=$1 prefix=$2 leaves=$3 files n procs
	files=$(onvm_prefix_files "$prefix")
	procs=$(pgrep -f -- "file-prefix[= ]$prefix( |$)" || true)
	if [ -n "$procs" ]; then
		check "$name: no process left" 1 "pid(s) $(echo "$procs" | tr '\n' ' ')still carry prefix $prefix"
		# shellcheck disable=SC2086 # one pid a word; ours, by prefix and pid
		kill -KILL $procs 2>/dev/null || true
		sleep 0.5
	fi
	n=$(echo -n "$files" | grep -c . || true)
	if [ "$n" -gt 0 ]; then
		onvm_remove_prefix "$prefix"
		if [ "$leaves" -eq 1 ]; then
			check "$name: no file left" 0 "$n hugepage/runtime file(s) a DPDK primary leaves behind: removed"
		else
			check "$name: no file left" 1 "$n file(s) of prefix $prefix left: $(echo "$files" | head -n 3 | tr '\n' ' ')"
		fi
	else
		check "$name: no file left" 0 "none of prefix $prefix"
	fi
}

# wait_file PATH TIMEOUT PID: PATH appears while PID lives.
wait_file() {
	local end=$((EPOCHSECONDS + $2))
	while [ ! -e "$1" ]; do
		kill -0 "$3" 2>/dev/null || return 1
		[ "$EPOCHSECONDS" -ge "$end" ] && return 1
		sleep 0.05
	done
}

# sample KIND ARGS... PIDS: the sampler (pinned to CPU 0, where nothing
# forwards except our manager); its JSON on stdout, or "" on failure.
sample() {
	taskset -c "$MAIN_CPU" "$PY" "$BENCH_PY" sample "$@" --warm "$WARM" \
		--seconds "$seconds" --interval "$INTERVAL" 2>>"$LOGS/sampler.err" || true
}

# throughput SYSTEM CHAIN LABEL CORES REP XB XA SAMPLE_JSON [EXTRA_JSON]
throughput() {
	local pps=0 cyc samples='[]' cpu=null
	if [ -n "$8" ]; then
		read -r pps samples cpu < <("$PY" -c 'import json, sys
j = json.loads(sys.argv[1])
print(j["pps"], json.dumps(j["pps_samples"]).replace(" ", ""), j["cpu_pct"])' "$8")
	fi
	record "{\"kind\": \"throughput\", \"system\": \"$1\", \"chain\": $2, \"label\": $(jstr "$3"), \"cores\": $4, \"rep\": $5, \"xcore_before\": $6, \"xcore_after\": $7, \"loadavg\": $(cut -d' ' -f1 /proc/loadavg), \"pps\": $pps, \"pps_samples\": $samples, \"cpu_pct\": $cpu, \"extra\": ${9:-null}}"
	if [ "$pps" -gt 0 ]; then
		cyc=$(awk -v h="$TSC_HZ" -v p="$pps" 'BEGIN { printf "%.1f", h / p }')
		say "$(printf '%-22s' "$3") $(awk -v p="$pps" 'BEGIN { printf "%8.2f", p / 1e6 }') Mpps ($cyc cycles/pkt); xcore $6 -> $7 ns; CPU $cpu % of $4 core(s)"
	else
		say "$3: no figure (samples: $(echo "$8" | cut -c1-120); logs in $LOGS)"
		TP_FAIL=1
	fi
}

# attempt RUN ARGS...: a throughput run, and once more if it gave no
# figure (this host is shared: once, another agent's load stopped a run).
# Both attempts stay in raw.jsonl; a second failure fails the benchmark.
attempt() {
	TP_FAIL=0
	"$@"
	[ $TP_FAIL -eq 0 ] && return 0
	say "trying $* once more"
	TP_FAIL=0
	"$@"
	if [ $TP_FAIL -eq 0 ]; then
		check "$*: throughput" 0 "the first attempt gave no figure, the second did"
	else
		check "$*: throughput" 1 "no figure in two attempts (logs in $LOGS)"
	fi
}

# ---------------------------------------------------------------- 1. testpmd

run_testpmd() {
	local rep=$1 p=onvmb-tp-$$ name=testpmd-r$1 xb xa res pid
	PREFIXES+=("$p")
	xb=$(xcore)
	start_bg "$name" dpdk-testpmd -l "$MAIN_CPU,$FWD_CPU" --no-pci --file-prefix="$p" \
		--log-level=lib.eal:notice --vdev="net_null0,size=$SIZE" --vdev="net_null1,size=$SIZE" \
		-- --forward-mode=io --burst="$BURST" --nb-cores=1 --rxq=1 --txq=1 \
		--stats-period 1 --no-mlockall
	pid=$BG_PID
	res=$(sample telemetry "$(onvm_runtime_dir "$p")" 0,1 "$pid")
	stop "$name" "$pid" TERM 15 0
	xa=$(xcore)
	throughput testpmd null "testpmd io" 1 "$rep" "$xb" "$xa" "$res"
	prefix_clean "$name" "$p" 1
}

# ---------------------------------------------------------------- 2. client_server_mp

run_csmp() {
	local rep=$1 p=onvmb-csmp-$$ s=csmp-server-r$1 c=csmp-client-r$1 xb xa res spid cpid
	PREFIXES+=("$p")
	xb=$(xcore)
	start_bg "$s" "$CSMP/mp_server/build/mp_server" -l "$MAIN_CPU" --no-pci --file-prefix="$p" \
		--log-level=lib.eal:notice --vdev="net_null0,size=$SIZE" --vdev="net_null1,size=$SIZE" \
		-- -p 0x3 -n 1
	spid=$BG_PID
	local end=$((EPOCHSECONDS + 30))
	until grep -qs "Finished Process Init" "$LOGS/$s.err" "$LOGS/$s.out"; do
		if ! kill -0 "$spid" 2>/dev/null || [ "$EPOCHSECONDS" -ge "$end" ]; then
			check "client_server_mp server started" 1 "not ready in 30 s; log $LOGS/$s.err"
			break
		fi
		sleep 0.05
	done
	start_bg "$c" "$CSMP/mp_client/build/mp_client" -l "$FWD_CPU" --proc-type=secondary \
		--no-pci --file-prefix="$p" --log-level=lib.eal:notice -- -n 0
	cpid=$BG_PID
	res=$(sample telemetry "$(onvm_runtime_dir "$p")" 0,1 "$cpid,$spid")
	# The client has no signal handler: SIGTERM ends it (143). The server
	# closes its ports on SIGINT and exits 0.
	stop "$c" "$cpid" TERM 10 143
	stop "$s" "$spid" INT 10 0
	xa=$(xcore)
	throughput client_server_mp null "client_server_mp" 2 "$rep" "$xb" "$xa" "$res"
	prefix_clean "client_server_mp" "$p" 1
}

# ---------------------------------------------------------------- 3. OVS-DPDK

run_ovs() {
	local rep=$1 p=onvmb-ovs-$$ d=$TMPD/ovs$1 xb xa res dpid vpid extra=null
	PREFIXES+=("$p")
	mkdir -p "$d"
	# Private run, db and log directories: nothing of the system's OVS is
	# used or touched.
	export OVS_RUNDIR=$d OVS_DBDIR=$d OVS_LOGDIR=$d
	local vsctl=(ovs-vsctl --timeout=60 --db="unix:$d/db.sock")
	xb=$(xcore)
	ovsdb-tool create "$d/conf.db" "$OVS_SCHEMA" >"$LOGS/ovs-r$rep-tool.log" 2>&1 ||
		{ check "OVS-DPDK: ovsdb-tool create" 1 "see $LOGS/ovs-r$rep-tool.log"; return 0; }
	start_bg "ovsdb-server-r$rep" taskset -c "$MAIN_CPU" ovsdb-server "$d/conf.db" \
		--remote="punix:$d/db.sock" --unixctl="$d/ovsdb-server.ctl" \
		--log-file="$LOGS/ovsdb-server-r$rep.log" --no-chdir
	dpid=$BG_PID
	if ! wait_file "$d/db.sock" 20 "$dpid" ||
		! "${vsctl[@]}" --no-wait init ||
		! "${vsctl[@]}" --no-wait set Open_vSwitch . other_config:dpdk-init=true \
			other_config:dpdk-lcore-mask=$((1 << MAIN_CPU)) \
			other_config:pmd-cpu-mask=$((1 << FWD_CPU)) \
			"other_config:dpdk-extra=--no-pci --file-prefix=$p --log-level=lib.eal:notice"; then
		check "OVS-DPDK: ovsdb-server" 1 "not up; log $LOGS/ovsdb-server-r$rep.log"
		stop "ovsdb-server-r$rep" "$dpid" TERM 10 0
		return 0
	fi
	# ovs-vswitchd-dpdk names its control socket after itself: give it one.
	start_bg "ovs-vswitchd-r$rep" "$OVS_VSWITCHD" "unix:$d/db.sock" \
		--unixctl="$d/vswitchd.ctl" --log-file="$LOGS/ovs-vswitchd-r$rep.log" --no-chdir
	vpid=$BG_PID
	# The flows go in before the ports: net_null sends at once, and a packet
	# that met the bridge's default NORMAL rule would cache a flow that keeps
	# the exact-match path.
	if ! "${vsctl[@]}" wait-until Open_vSwitch . dpdk_initialized=true ||
		! "${vsctl[@]}" add-br br0 -- set bridge br0 datapath_type=netdev ||
		! ovs-ofctl del-flows br0 ||
		! ovs-ofctl add-flow br0 in_port=1,actions=output:2 ||
		! ovs-ofctl add-flow br0 in_port=2,actions=output:1 ||
		! "${vsctl[@]}" add-port br0 null0 -- set Interface null0 type=dpdk \
			"options:dpdk-devargs=\"net_null0,size=$SIZE\"" ofport_request=1 \
			-- add-port br0 null1 -- set Interface null1 type=dpdk \
			"options:dpdk-devargs=\"net_null1,size=$SIZE\"" ofport_request=2; then
		check "OVS-DPDK: bridge set-up" 1 "failed; log $LOGS/ovs-vswitchd-r$rep.log"
	else
		res=$(sample ovs "$d/vswitchd.ctl" null0,null1 "$vpid")
		ovs-appctl -t "$d/vswitchd.ctl" dpif-netdev/pmd-perf-show \
			>"$LOGS/ovs-r$rep-pmd-perf.txt" 2>&1 || true
		ovs-ofctl dump-flows br0 >"$LOGS/ovs-r$rep-flows.txt" 2>&1 || true
		extra=$("$PY" -c '
import json, re, sys
t = open(sys.argv[1]).read()
m = re.search(r"Rx packets:\s+\d+\s+\((\d+) Kpps, (\d+) cycles/pkt\)", t)
s = re.search(r"Simple Match hits:\s+\d+\s+\(\s*([\d.]+) %\)", t)
e = re.search(r"EMC hits:\s+\d+\s+\(\s*([\d.]+) %\)", t)
print(json.dumps({"pmd_cycles_per_pkt": int(m.group(2)) if m else None,
                  "simple_match_pct": float(s.group(1)) if s else None,
                  "emc_pct": float(e.group(1)) if e else None}))' "$LOGS/ovs-r$rep-pmd-perf.txt")
	fi
	# Both leave on an "exit" command (ovs-vswitchd also removes its ports
	# and the datapath with --cleanup); SIGTERM only if that fails.
	if ovs-appctl -t "$d/vswitchd.ctl" exit --cleanup >/dev/null 2>&1; then
		exited "ovs-vswitchd-r$rep" "$vpid" 20 0
	else
		stop "ovs-vswitchd-r$rep" "$vpid" TERM 20 0
	fi
	if ovs-appctl -t "$d/ovsdb-server.ctl" exit >/dev/null 2>&1; then
		exited "ovsdb-server-r$rep" "$dpid" 10 0
	else
		stop "ovsdb-server-r$rep" "$dpid" TERM 10 0
	fi
	unset OVS_RUNDIR OVS_DBDIR OVS_LOGDIR
	xa=$(xcore)
	throughput ovs-dpdk null "OVS-DPDK" 1 "$rep" "$xb" "$xa" "${res:-}" "$extra"
	prefix_clean "OVS-DPDK" "$p" 1
}

# ---------------------------------------------------------------- 4-6. ours

# start_ours NAME PREFIX CHAIN STATS NIC_VDEVS MGR_OPTS NF_OPTS [MGR EXTRA...]:
# onvm-mgr on MAIN_CPU and one onvm-simple-forward per service 1..CHAIN on
# FWD_CPU. Sets MGR_PID and NF_PIDS. Returns 1 if the manager did not come up.
start_ours() {
	local name=$1 p=$2 n=$3 stats=$4 vdevs=$5 mopts=$6 nopts=$7 chain sid
	shift 7
	chain=$(seq -s, 1 "$n")
	PREFIXES+=("$p")
	rm -f "$stats"
	# shellcheck disable=SC2086 # vdevs and options: one a word
	start_bg "$name-mgr" "$MGR" -l "$MAIN_CPU" --no-pci --file-prefix="$p" \
		--log-level=lib.eal:notice $vdevs -- --chain "$chain" --stats-json "$stats" \
		--stats-interval "$INTERVAL" --quiet "$@" $mopts
	MGR_PID=$BG_PID
	NF_PIDS=()
	if ! wait_file "$stats" 30 "$MGR_PID"; then
		check "$name: manager up" 1 "no stats within 30 s: $(tail -n 1 "$LOGS/$name-mgr.err")"
		return 1
	fi
	for sid in $(seq 1 "$n"); do
		# shellcheck disable=SC2086
		start_bg "$name-nf$sid" "$SFWD" -l "$FWD_CPU" -- -r "$sid" --file-prefix "$p" $nopts
		NF_PIDS+=("$BG_PID")
	done
}

# stop_ours NAME PREFIX STATS: SIGTERM the manager; the NFs see it stop and
# leave by themselves. Then: exit statuses, mbufs in use back to 0 in the
# final stats, no file and no process left.
stop_ours() {
	local name=$1 p=$2 stats=$3 i fin
	stop "$name: onvm-mgr" "$MGR_PID" TERM 30 0
	for i in "${!NF_PIDS[@]}"; do
		exited "$name: NF $((i + 1))" "${NF_PIDS[$i]}" 10 0
	done
	fin=$("$PY" "$BENCH_PY" final "$stats" 2>&1) || true
	if [[ $fin == *'"final": true'* && $fin == *'"in_use": 0,'* ]]; then
		check "$name: mbufs in use back to 0" 0 "final stats: $fin"
	else
		check "$name: mbufs in use back to 0" 1 "final stats: $fin"
	fi
	prefix_clean "$name" "$p" 0
	FINAL=$fin
}

# run_ours_throughput VARIANT CHAIN REP MGR_OPTS NF_OPTS: net_null in and
# out, flat out; the ports' tx from the manager's stats JSON.
run_ours_throughput() {
	local v=$1 n=$2 rep=$3 mopts=$4 nopts=$5 name=$1-c$2-r$3 p=onvmb-$1-$$ xb xa res=
	local stats=$LOGS/$name.json
	xb=$(xcore)
	FINAL=null
	if start_ours "$name" "$p" "$n" "$stats" \
		"--vdev=net_null0,size=$SIZE --vdev=net_null1,size=$SIZE" "$mopts" "$nopts"; then
		res=$(sample onvm "$stats" "$MGR_PID$(printf ',%s' "${NF_PIDS[@]}")")
	fi
	stop_ours "$name" "$p" "$stats"
	xa=$(xcore)
	[[ $FINAL == "{"* ]] || FINAL=null
	throughput "$v" "$n" "$v, $(nfs "$n")" 2 "$rep" "$xb" "$xa" "$res" "$FINAL"
}

# pktgen_run VARIANT CHAIN MGR_OPTS NF_OPTS NAME JSON ARGS...: a manager
# with one net_memif port (the server) and the chain, then one onvm-pktgen
# on FWD_CPU (the client) with ARGS. pktgen lingers after its summary and
# the manager stops first: in DPDK 22.11 the side that still polls a memif
# whose peer left can crash (nfs/pktgen/README.md). So a manager per pktgen
# run. Returns 0 if JSON was written.
pktgen_run() {
	local v=$1 n=$2 mopts=$3 nopts=$4 name=$5 json=$6 p=onvmb-$1-lat-$$ pg pgpid end
	local stats=$LOGS/$5.json sock=$TMPD/memif-$$.sock ok=1
	shift 6
	pg=$p-pg
	PREFIXES+=("$pg")
	rm -f "$json"
	FINAL=null
	if start_ours "$name" "$p" "$n" "$stats" \
		"--vdev=net_memif0,role=server,socket=$sock" "$mopts" "$nopts"; then
		start_bg "$name-pktgen" "$PKTGEN" -l "$FWD_CPU" --no-pci --file-prefix="$pg" \
			--log-level=lib.eal:notice --vdev="net_memif0,role=client,socket=$sock" \
			-- --size "$SIZE" --burst "$BURST" --flows 1 --stats-interval 0 \
			--json "$json" --linger "$@"
		pgpid=$BG_PID
		# the path check may wait 2 x 10 s for the link and a first packet
		end=$((EPOCHSECONDS + LAT_SECONDS + 40))
		while [ ! -s "$json" ] && kill -0 "$pgpid" 2>/dev/null && [ "$EPOCHSECONDS" -lt "$end" ]; do
			sleep 0.1
		done
		if [ -s "$json" ]; then
			ok=0
		else
			check "$name: onvm-pktgen" 1 "no JSON: $(tail -n 1 "$LOGS/$name-pktgen.err")"
		fi
		if ! kill -0 "$MGR_PID" 2>/dev/null; then
			check "$name: onvm-mgr alive through the pktgen run" 1 \
				"it exited: $(tail -n 2 "$LOGS/$name-mgr.err" | tr '\n' ' ')"
		fi
		stop_ours "$name" "$p" "$stats"
		exited "$name: onvm-pktgen" "$pgpid" 10 0
	else
		stop_ours "$name" "$p" "$stats"
	fi
	prefix_clean "$name: onvm-pktgen" "$pg" 0
	return $ok
}

# run_ours_latency VARIANT CHAIN MGR_OPTS NF_OPTS: pktgen flat out first
# (its maximum through this chain), then each load of LAT_PCTS, reps times.
run_ours_latency() {
	local v=$1 n=$2 mopts=$3 nopts=$4 name=$1-lat-c$2 pct rep max js xb xa
	local label
	label="$v, $(nfs "$n")"
	js=$LOGS/$name-probe.pg.json
	if ! pktgen_run "$v" "$n" "$mopts" "$nopts" "$name-probe" "$js" \
		--duration "$PROBE_SECONDS" --drain 1 ||
		! max=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["rx_pps"])' "$js") ||
		! awk -v m="$max" 'BEGIN { exit !(m > 0) }'; then
		check "$name: pktgen's maximum" 1 "no packet came back flat out; logs $LOGS/$name-probe*"
		return 0
	fi
	record "{\"kind\": \"probe\", \"system\": \"$v\", \"chain\": $n, \"max_pps\": $max, \"pg\": $(tr '\n' ' ' <"$js")}"
	say "$(printf '%-22s' "$label") pktgen's maximum through the chain: $(awk -v p="$max" 'BEGIN { printf "%.3f", p / 1e6 }') Mpps"
	for pct in "${LAT_PCTS[@]}"; do
		for rep in $(seq 1 "$reps"); do
			js=$LOGS/$name-$pct-r$rep.pg.json
			xb=$(xcore)
			pktgen_run "$v" "$n" "$mopts" "$nopts" "$name-$pct-r$rep" "$js" --rate-pct "$pct" \
				--max-pps "$max" --duration "$LAT_SECONDS" --drain 1 || continue
			xa=$(xcore)
			record "{\"kind\": \"latency\", \"system\": \"$v\", \"chain\": $n, \"pct\": $pct, \"rep\": $rep, \"xcore_before\": $xb, \"xcore_after\": $xa, \"loadavg\": $(cut -d' ' -f1 /proc/loadavg), \"pg\": $(tr '\n' ' ' <"$js")}"
			"$PY" -c '
import json, sys
j = json.load(open(sys.argv[1])); l = j["latency_ns"]
print("bench: %-22s %3s %% of max: %9.0f pps, lost %.2f %%, latency us p50 %s p99 %s p99.9 %s; xcore %s -> %s ns" % (
    sys.argv[2], sys.argv[3], j["rx_pps"], j["loss_pct"],
    *["%.1f" % (l[k] / 1e3) if l[k] is not None else "-" for k in ("p50", "p99", "p999")],
    sys.argv[4], sys.argv[5]))' "$js" "$label" "$pct" "$xb" "$xa"
		done
	done
}

# run_ours_start VARIANT MGR_OPTS NF_OPTS: START_RUNS NF starts in a row on
# one manager (chain 1, --no-wait: its ports are polled all along).
run_ours_start() {
	local v=$1 mopts=$2 nopts=$3 name=$1-start p=onvmb-$1-start-$$ res
	local stats=$LOGS/$1-start.json
	# shellcheck disable=SC2054 # the commas are in a vdev's value
	PREFIXES+=("$p")
	rm -f "$stats"
	# shellcheck disable=SC2086
	start_bg "$name-mgr" "$MGR" -l "$MAIN_CPU" --no-pci --file-prefix="$p" \
		--log-level=lib.eal:notice --vdev="net_null0,size=$SIZE" --vdev="net_null1,size=$SIZE" \
		-- --chain 1 --no-wait --stats-json "$stats" --stats-interval 0.1 --quiet $mopts
	MGR_PID=$BG_PID
	NF_PIDS=()
	if wait_file "$stats" 30 "$MGR_PID"; then
		# shellcheck disable=SC2086
		if res=$("$PY" "$BENCH_PY" start-times "$stats" "$SFWD" "$p" "$START_RUNS" "$FWD_CPU" \
			$nopts 2>>"$LOGS/$name.err"); then
			record "{\"kind\": \"start\", \"system\": \"$v\", \"runs\": $res}"
			"$PY" -c '
import json, statistics, sys
r = json.loads(sys.argv[1])
a = [x["start_to_first_ms"] for x in r]; b = [x["launch_to_first_ms"] for x in r]
bad = [x for x in r if x["exit"] != 0]
print("bench: %-22s NF start to first packet: median %.1f ms (%.1f-%.1f), from exec %.1f ms; %d start(s)%s" % (
    sys.argv[2], statistics.median(a), min(a), max(a), statistics.median(b), len(r),
    "; NF exit status not 0: %s" % bad if bad else ""))
sys.exit(1 if bad else 0)' "$res" "$v" || check "$name: NFs stopped" 1 "an NF did not exit 0 (above)"
		else
			check "$name: NF start times" 1 "$(tail -n 1 "$LOGS/$name.err")"
		fi
	else
		check "$name: manager up" 1 "no stats within 30 s: $(tail -n 1 "$LOGS/$name-mgr.err")"
	fi
	stop_ours "$name" "$p" "$stats"
}

# The classifier alone, on the forwarding CPU: one JSON line per flow count
# from scripts/bench/classifier.sh, recorded as it is.
run_classifier() {
	local out=$LOGS/classifier.out
	if ONVM_BUILD_DIR=$BUILD "$CLASSIFIER_SH" --reps "$reps" --seconds "$CLS_SECONDS" \
		--lcore "$FWD_CPU" "${CLS_FLOWS[@]}" >"$out" 2>"$LOGS/classifier.err"; then
		record_runs classifier "$out"
		"$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print("bench: classifier, %7d flow rule(s): %.2f Mpps (%.2f-%.2f), %.1f ns/pkt" % (
        r["rules"], r["mpps"], r["mpps_min"], r["mpps_max"], r["ns_per_pkt"]))' "$out"
	else
		check "classifier hit path" 1 "$(tail -n 1 "$LOGS/classifier.err")"
	fi
}

# Shared-core mode against polling NFs: one JSON line per measurement from
# scripts/bench/shared_core.sh (its prefixes carry our pid), recorded as is.
run_shared() {
	local out=$LOGS/shared_core.out
	if ONVM_BUILD_DIR=$BUILD ONVM_BENCH_PID=$$ "$SHARED_SH" --reps "$reps" \
		--seconds "$SC_SECONDS" --lcore "$FWD_CPU" --main-lcore "$MAIN_CPU" \
		"${SC_NFS[@]}" >"$out" 2>"$LOGS/shared_core.err"; then
		record_runs shared_core "$out"
		"$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["kind"] == "tput":
        print("bench: shared-core, %2d NF(s) on one core, %-6s: %.2f Mpps (%.2f-%.2f), NFs %.2f core(s)" % (
            r["nfs"], r["mode"], r["mpps"], r["mpps_min"], r["mpps_max"], r["nf_cpu"]))
    elif r["kind"] == "idle":
        print("bench: shared-core, %2d idle NF(s), %-6s: %.3f core(s)" % (r["nfs"], r["mode"], r["nf_cpu"]))
    else:
        print("bench: shared-core, 1 NF at %d pps, %-6s: wake-up %.1f us mean (p99 <= %s us), round trip p50 %s us" % (
            r["rate_pps"], r["mode"], r["wake_us_mean"], r["wake_us_p99_le"], r["rtt_us_p50"]))' "$out"
	else
		check "shared-core mode" 1 "$(tail -n 1 "$LOGS/shared_core.err")"
	fi
}

# Auto-scaling reaction time: one JSON line per mode (out, zero) from
# scripts/bench/scale.sh, recorded as it is.
run_scale() {
	local out=$LOGS/scale.out
	if ONVM_BUILD_DIR=$BUILD "$SCALE_SH" --runs "$SCALE_RUNS" \
		--zero-runs "$SCALE_ZERO_RUNS" >"$out" 2>"$LOGS/scale.err"; then
		record_runs scale "$out"
		"$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print("bench: scale-%s, %d run(s): overload -> first packet %.1f ms (%.1f-%.1f), "
          "NF start -> first packet %.1f ms, registered -> first packet %.1f ms" % (
        r["mode"], r["runs"], r["overload_to_first_ms"], r["overload_to_first_ms_min"],
        r["overload_to_first_ms_max"], r["start_to_first_ms"], r["register_to_first_ms"]))' "$out"
	else
		check "scale reaction" 1 "$(tail -n 1 "$LOGS/scale.err")"
	fi
}

# ---------------------------------------------------------------- the run

LAYOUT=(
	"CPU $MAIN_CPU: onvm-mgr's data lcore; testpmd's main lcore (idle, prints stats); client_server_mp's server (rx from both ports, round-robin to the client's ring); ovs-vswitchd's main, handler and revalidator threads; the samplers"
	"CPU $FWD_CPU: testpmd's one forwarding lcore; the client_server_mp client (its ring -> port tx); OVS's one PMD thread; every onvm NF of the chain; onvm-pktgen in the latency runs (it has no core of its own: it shares CPU $FWD_CPU with the NFs)"
	"busy-polling cores: testpmd 1, client_server_mp 2, OVS-DPDK 1, onvm 2 (manager + the NFs' core)"
	"DPDK control threads (telemetry, interrupts, onvm-mgr's stats and watcher) run on the CPUs not given as lcores, and mostly sleep"
)
say "results in $OUT"
say "TSC $TSC_HZ Hz; $MODE: $reps rep(s) x $seconds s after $WARM s warm-up, $SIZE B frames, bursts of $BURST"
if [ $quick -eq 1 ]; then
	say "quick: every system once (OVS-DPDK too$([ $no_ovs -eq 1 ] && echo ', unless --no-ovs')), only the variant '${VARIANTS[0]%%|*}' of ours, $START_RUNS NF starts: figures for CI, not for comparing"
fi
for l in "${LAYOUT[@]}"; do
	say "layout: $l"
done

vnames=()
for spec in "${VARIANTS[@]}"; do
	vnames+=("${spec%%|*}")
done
expected=()
want testpmd && expected+=(testpmd.mpps)
want csmp && expected+=(client_server_mp.mpps)
want ovs && expected+=(ovs-dpdk.mpps)
for v in "${vnames[@]}"; do
	if want ours; then
		for n in "${CHAINS[@]}"; do
			expected+=("$v/$n.mpps")
		done
	fi
	if want latency; then
		for n in "${LAT_CHAINS[@]}"; do
			expected+=("$v/$n.pktgen_max_mpps")
			for pct in "${LAT_PCTS[@]}"; do
				expected+=("$v/$n.lat$pct.p50_us" "$v/$n.lat$pct.p99_us" "$v/$n.lat$pct.p999_us")
			done
		done
	fi
	want start && expected+=("$v.start_to_first_ms")
done
if want classifier; then
	for n in "${CLS_FLOWS[@]}"; do
		expected+=("classifier/$n.mpps")
	done
fi
if want shared; then
	for n in "${SC_NFS[@]}"; do
		expected+=("shared_core/poll/$n.mpps" "shared_core/shared/$n.mpps")
	done
	expected+=("shared_core/wake_us_mean")
fi
if want scale; then
	expected+=(scale/out.overload_to_first_ms scale/out.start_to_first_ms
		scale/zero.overload_to_first_ms scale/zero.start_to_first_ms)
fi

ovs_ok=1
if want ovs; then
	if [ $no_ovs -eq 1 ]; then
		skip ovs-dpdk "--no-ovs given" ovs-dpdk.mpps
		ovs_ok=0
	elif [ ! -x "$OVS_VSWITCHD" ] || ! command -v ovsdb-server >/dev/null; then
		skip ovs-dpdk "$OVS_VSWITCHD or ovsdb-server missing (Debian package openvswitch-switch-dpdk did not install)" ovs-dpdk.mpps
		ovs_ok=0
	fi
fi
if want latency && [ ! -x "$PKTGEN" ]; then
	figs=()
	for e in "${expected[@]}"; do
		[[ $e == *.lat* || $e == *.pktgen_max_mpps ]] && figs+=("$e")
	done
	skip latency "$PKTGEN is not built" "${figs[@]}"
	only=${only//latency/}
fi

start_all=$(onvm_now)
for rep in $(seq 1 "$reps"); do
	say "---- throughput, repetition $rep of $reps"
	want testpmd && attempt run_testpmd "$rep"
	want csmp && attempt run_csmp "$rep"
	want ovs && [ $ovs_ok -eq 1 ] && attempt run_ovs "$rep"
	if want ours; then
		for spec in "${VARIANTS[@]}"; do
			IFS='|' read -r v mopts nopts <<<"$spec"
			for n in "${CHAINS[@]}"; do
				attempt run_ours_throughput "$v" "$n" "$rep" "$mopts" "$nopts"
			done
		done
	fi
done
if want latency; then
	say "---- latency"
	for spec in "${VARIANTS[@]}"; do
		IFS='|' read -r v mopts nopts <<<"$spec"
		for n in "${LAT_CHAINS[@]}"; do
			run_ours_latency "$v" "$n" "$mopts" "$nopts"
		done
	done
fi
if want start; then
	say "---- NF start"
	for spec in "${VARIANTS[@]}"; do
		IFS='|' read -r v mopts nopts <<<"$spec"
		run_ours_start "$v" "$mopts" "$nopts"
	done
fi

if want classifier; then
	say "---- classifier hit path"
	run_classifier
fi

if want shared; then
	say "---- shared-core mode"
	run_shared
fi
if want scale; then
	say "---- auto-scaling reaction"
	run_scale
fi

# Nothing of ours may be left: processes, hugepage files, runtime dirs.
left=()
for pid in ${ALL_PIDS[@]+"${ALL_PIDS[@]}"}; do
	kill -0 "$pid" 2>/dev/null && left+=("$pid")
done
if [ ${#left[@]} -eq 0 ]; then
	check "no process left" 0 "all ${#ALL_PIDS[@]} stopped"
else
	check "no process left" 1 "still running: ${left[*]}"
fi
files=$(for p in ${PREFIXES[@]+"${PREFIXES[@]}"}; do onvm_prefix_files "$p"; done | sort -u)
if [ -z "$files" ]; then
	check "no hugepage or runtime file left" 0 "none of onvmb-*-$$"
else
	check "no hugepage or runtime file left" 1 "$(echo "$files" | head -n 3 | tr '\n' ' ')"
fi
elapsed=$(onvm_elapsed "$start_all")

# The description of the run, for the report.
variant_json=
for spec in "${VARIANTS[@]}"; do
	IFS='|' read -r v mopts nopts <<<"$spec"
	variant_json+="${variant_json:+, }{\"name\": $(jstr "$v"), \"mgr_opts\": $(jstr "$mopts"), \"nf_opts\": $(jstr "$nopts")}"
done
layout_json=
for l in "${LAYOUT[@]}"; do
	layout_json+="${layout_json:+, }$(jstr "$l")"
done
ovs_ver=$(ovs-vsctl --version 2>/dev/null | head -n 1 | awk '{ print "OVS " $NF }')
cat >"$OUT/meta.json" <<EOF
{"date": $(jstr "$(date -u '+%Y-%m-%d %H:%M UTC')"),
 "host": $(jstr "$(uname -sr)"),
 "cpus": $(jstr "$(nproc) CPUs: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"),
 "dpdk": $(jstr "$(pkg-config --modversion libdpdk 2>/dev/null || echo '?')"),
 "ovs": $(jstr "${ovs_ver:-OVS not installed}"),
 "git": $(jstr "$GIT_REV"),
 "pid": $$, "tsc_hz": $TSC_HZ, "mode": "$MODE", "reps": $reps, "seconds": $seconds, "warm": $WARM,
 "interval": $INTERVAL, "size": $SIZE, "burst": $BURST, "main_cpu": $MAIN_CPU, "fwd_cpu": $FWD_CPU,
 "variants": [$(printf '"%s",' "${vnames[@]}" | sed 's/,$//')], "variant_opts": [$variant_json],
 "chains": [$(IFS=,; echo "${CHAINS[*]}")], "lat_chains": [$(IFS=,; echo "${LAT_CHAINS[*]}")],
 "lat_pcts": [$(IFS=,; echo "${LAT_PCTS[*]}")], "lat_seconds": $LAT_SECONDS,
 "start_runs": $START_RUNS, "elapsed_s": $elapsed, "only": $(jstr "$only"),
 "layout": [$layout_json],
 "expected": [$(printf '"%s",' "${expected[@]}" | sed 's/,$//')]}
EOF

echo
rc=0
"$PY" "$BENCH_PY" report "$RAW" "$OUT/meta.json" "$OUT" || rc=1
echo
[ $FAILED -eq 0 ] || rc=1
say "measured in $elapsed s; results: $OUT/bench.md, bench.json, raw.jsonl, *.png, logs/"
if [ $rc -eq 0 ]; then
	say "every figure produced and above zero; every check passed"
else
	say "FAILED: a figure is missing or a check failed (see Problems and Checks above)"
fi
exit $rc
