#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Every user mistake gets a clear one-line error (the last line on stderr,
# "<program>: ...") and a non-zero exit, and leaves nothing behind:
#  - an NF with no manager;
#  - the manager with a bad option, a bad chain, no --chain, no "--", a port
#    that cannot be opened;
#  - against a running manager: NFs with -r 0 / 99 / abc, without -r, with
#    an unknown option, with an instance id in use; a second manager on
#    the same prefix. The running manager is unharmed and stops cleanly.

. "$(dirname "$0")/lib.sh"
t_setup

SF=onvm-simple-forward

# No file of our prefix may exist while no manager runs.
expect_no_files() {
	local left
	left=$(ls -d "$T_HUGE/$T_PREFIX"* "$T_RUNDIR/$T_PREFIX"* 2>/dev/null)
	[ -z "$left" ] || fail "$1 left behind: $(echo "$left" | head -n 3 | tr '\n' ' ')"
}

# ---- no manager
run_fg nf_nomgr "$SFWD" -r 1 --file-prefix "$T_PREFIX"
expect_error nf_nomgr "$SF" "no manager on file prefix \"$T_PREFIX\" (is onvm-mgr running?)"
expect_no_files nf_nomgr

# ---- manager: bad command lines (checked before any hugepage is touched)
mgr_err() {
	local name=$1 phrase=$2
	shift 2
	run_fg "$name" "$MGR" --no-pci -l 0 --file-prefix="$T_PREFIX" \
		--vdev=net_null0 "$@"
	expect_error "$name" onvm-mgr "$phrase"
	expect_no_files "$name"
}

mgr_err mgr_bogus "unknown option '--bogus'" -- --chain 1 --bogus
mgr_err mgr_chain0 "bad service id '0'" -- --chain 0
mgr_err mgr_chain_empty "empty service id" -- --chain 1,,2
mgr_err mgr_chain17 "longer than 16" -- --chain 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17
mgr_err mgr_chain_sid64 "bad service id '64'" -- --chain 1,64
mgr_err mgr_nochain "--chain SID[,SID...] is required" --
mgr_err mgr_nodashdash "missing \"--\"" --chain 1
mgr_err mgr_noval "needs a value" -- --chain
mgr_err mgr_ring "not a power of two" -- --chain 1 --ring-size 1000

# ---- manager: a port that cannot be opened (after EAL init: must clean up)
mgr_err mgr_badport "net_pcap0" --vdev="net_pcap0,rx_pcap=/nonexistent.pcap" -- --chain 1
# ---- manager: an lcore id kept for the NFs' mempool caches
run_fg mgr_lcore_kept "$MGR" --no-pci --lcores=100@0 --file-prefix="$T_PREFIX" --vdev=net_null0 -- --chain 1
expect_error mgr_lcore_kept onvm-mgr "ids 96..127 are kept for the NFs' mempool caches"
expect_no_files mgr_lcore_kept

# ---- against a running manager
J=$T_WORK/stats.json
start_mgr mgr "$J" --vdev=net_null0 -- --chain 1
wait_json "$J"
runfiles=$(ls "$T_RUNDIR/$T_PREFIX")

# After each refused or failed NF: the manager lists no NF and no service,
# and the NF left no runtime file of its own.
expect_nf_gone() {
	wait_for 30 json_true "$J" 'j["nfs"] == [] and j["services"] == []' ||
		fail "$1: the manager still lists it: $(json_get "$J" '[j["nfs"], j["services"]]')"
	[ "$(ls "$T_RUNDIR/$T_PREFIX")" = "$runfiles" ] ||
		fail "$1 left runtime files: $(ls "$T_RUNDIR/$T_PREFIX" | tr '\n' ' ')"
	pid_alive "$(pid_of mgr)" || fail "the manager died after $1"
}

nf_err() {
	local name=$1 bin=$2 prog=$3 phrase=$4
	shift 4
	run_fg "$name" "$bin" "$@" --file-prefix "$T_PREFIX"
	expect_error "$name" "$prog" "$phrase"
	expect_nf_gone "$name"
}

nf_err nf_r0 "$SFWD" $SF "bad service id '0' for -r" -r 0
nf_err nf_r99 "$SFWD" $SF "bad service id '99' for -r" -r 99
nf_err nf_rabc "$SFWD" $SF "bad service id 'abc' for -r" -r abc
nf_err nf_nor "$SFWD" $SF "-r SID is required" -d 2
run_fg nf_rnoval "$SFWD" --file-prefix "$T_PREFIX" -r
expect_error nf_rnoval $SF "-r needs a value"
expect_nf_gone nf_rnoval
nf_err nf_badflag "$SFWD" $SF "usage" -r 1 -x
nf_err nf_bad_d "$SFWD" $SF "usage" -r 1 -d 0
nf_err bridge_arg "$BRIDGE" onvm-bridge "unexpected argument 'foo'" -r 1 foo
nf_err sink_arg "$SINK" onvm-sink "unexpected argument 'foo'" -r 1 foo

# An instance id already in use.
start_nf nf_inst5 "$SFWD" -r 1 -n 5
wait_for 30 json_true "$J" '[n["instance"] for n in j["nfs"]] == [5]' ||
	fail "NF with -n 5 not registered: $(json_get "$J" 'j["nfs"]')"
ok "an NF registered as instance 5"
run_fg nf_dup "$SFWD" -r 1 -n 5 --file-prefix "$T_PREFIX"
expect_error nf_dup $SF "instance id is already in use"
json_true "$J" '[n["instance"] for n in j["nfs"]] == [5]' ||
	fail "after the refused NF the manager lists $(json_get "$J" 'j["nfs"]')"
ok "the refused NF did not disturb instance 5"

# A second manager on the same prefix (instance 5's files are there now).
runfiles=$(ls "$T_RUNDIR/$T_PREFIX")
run_fg mgr2 "$MGR" --no-pci -l 0 --file-prefix="$T_PREFIX" --vdev=net_null0 -- --chain 1
expect_error mgr2 onvm-mgr "already running on file prefix \"$T_PREFIX\""
pid_alive "$(pid_of mgr)" || fail "the first manager died when a second one started"
[ "$(ls "$T_RUNDIR/$T_PREFIX")" = "$runfiles" ] ||
	fail "the second manager changed the runtime files: $(ls "$T_RUNDIR/$T_PREFIX" | tr '\n' ' ')"
t0=$(json_get "$J" 'j["time"]')
wait_for 30 json_true "$J" "j['time'] > $t0" || fail "the first manager stopped writing stats"
ok "the first manager runs on, unharmed"

# The manager moves packets once service 1 is up.
wait_for 30 json_true "$J" 'j["state"] == "running" and j["ports"][0]["tx"] > 0' ||
	fail "the manager does not forward: $(json_get "$J" '[j["state"], j["ports"]]')"
ok "the manager forwards through instance 5"

kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
expect_exit nf_inst5 30 0
expect_no_mbuf_in_use "$J"
expect_clean
t_finish
