#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Scale from zero. onvm-mgr with one net_memif port, chain 1 and
# --scale 1:min=0,max=1,wait=256 --launch '1:onvm-monitor ...': no NF runs
# at first, and the manager polls its port at once (service 1 starts on
# demand). onvm-pktgen sends 6000 packets of 64 flows at 20 Kpps without
# waiting for a path:
#  1. the first packets start an instance (the manager logs why, with the
#     --launch command line and its own file prefix); meanwhile the
#     manager keeps up to 256 of them and counts the rest as
#     scale_wait_full; the instance gets every packet kept (delivered ==
#     parked), before any other;
#  2. every packet is accounted for: pktgen lost exactly scale_wait_full,
#     and got the rest back; nothing else was dropped;
#  3. idle, the service goes back to zero instances: the instance drains,
#     its stop handler runs (on the manager's stdout, which it inherited),
#     and it leaves; the next packets (from onvm-pktgen as an NF) start one
#     again.
#  4. a --launch that fails (/bin/false): logged, counted as failed, the
#     parked packets freed as scale_failed; every packet accounted for.
# No mbuf in use at the end. Nothing is asserted about time.

. "$(dirname "$0")/lib.sh"
t_setup

PKTGEN=$B/nfs/pktgen/onvm-pktgen
[ -x "$PKTGEN" ] || fail "$PKTGEN is missing"
SOCK=$T_WORK/$T_PREFIX.sock
J=$T_WORK/mgr.json

start_mgr mgr "$J" --vdev="net_memif0,role=server,socket=$SOCK" -- --chain 1 \
	--scale 1:min=0,max=1,low=1,for=300ms,cooldown=1s,wait=256 \
	--launch "1:$MONITOR -l 1 -- -r 1"
wait_json "$J"
wait_mgr_polling mgr
json_true "$J" 'j["services"] == [] and j["scale"]["services"][0]["min"] == 0' ||
	fail "stats at start: $(json_get "$J" '[j["services"], j["scale"]]')"
ok "no instance of service 1, and the port is polled"

# pg NAME COUNT: pktgen sends COUNT packets and waits for them.
pg() {
	start_bg "$1" "$PKTGEN" --no-pci -l 0 --file-prefix="${T_PREFIX}_$1" \
		--log-level=lib.eal:notice --vdev="net_memif0,role=client,socket=$SOCK" \
		-- --rate 20000 --count "$2" --flows 64 --no-path-check --drain 3 \
		--linger --stats-interval 0 --json "$T_WORK/$1.json"
}

# ---- 1. the first packets start an instance
pg pg1 6000
wait_for 30 grep -q "service 1: packets wait and no instance runs, starting instance 1" "$T_WORK/mgr.err" ||
	fail "no start on the first packet: $(json_get "$J" 'j["scale"]')"
ok "the manager logged: $(grep -m1 "service 1: packets wait" "$T_WORK/mgr.err" | sed 's/.*mgr: //')"
pid=$(sed -n 's/.*service 1: packets wait .*starting instance 1 (pid \([0-9]*\)).*/\1/p' "$T_WORK/mgr.err" | head -n 1)
adopt inst1 "$pid"
wait_for 30 test -f "$T_WORK/pg1.json" || fail "pktgen wrote no summary: $(last_err pg1)"
wait_for 10 json_true "$J" "j['scale']['parked'] > 0 and j['scale']['services'][0]['delivered'] == j['scale']['parked']" ||
	fail "parked packets not delivered: $(json_get "$J" 'j["scale"]')"
ok "$(json_get "$J" 'j["scale"]["parked"]') packet(s) kept while it started, all handed to it; $(json_get "$J" 'j["drops"]["scale_wait_full"]') beyond the buffer counted as scale_wait_full"
grep -q "parked packet(s) handed to instance 1 first" "$T_WORK/mgr.err" ||
	fail "no hand-over logged"
json_true "$J" 'j["drops"]["scale_wait_full"] > 0' ||
	fail "no overflow counted: $(json_get "$J" 'j["drops"]')"

# ---- 2. accounting
json_true "$T_WORK/pg1.json" "j['tx'] == 6000 and j['lost'] == $(json_get "$J" 'j["drops"]["scale_wait_full"]')" ||
	fail "pktgen $(json_get "$T_WORK/pg1.json" '[j["tx"], j["rx"], j["lost"]]') (tx, rx, lost), drops $(json_get "$J" 'j["drops"]')"
json_true "$J" 'sum(j["drops"].values()) == j["drops"]["scale_wait_full"]' ||
	fail "other drops: $(json_get "$J" 'j["drops"]')"
ok "pktgen: $(json_get "$T_WORK/pg1.json" '[j["tx"], j["rx"], j["lost"]]') (tx, rx, lost): lost exactly scale_wait_full"

# ---- 3. idle: back to zero, then started again
wait_for 30 grep -q "service 1: rx ring 0 % < 1 % for [0-9]* ms, stopping instance 1 (pid $pid)" "$T_WORK/mgr.err" ||
	fail "service 1 did not go back to zero: $(json_get "$J" 'j["scale"]')"
wait_for 30 not_alive "$pid" || fail "instance pid $pid did not leave"
wait_for 10 json_true "$J" 'j["services"] == []' || fail "services: $(json_get "$J" 'j["services"]')"
grep -q "stop handler: instance 1 stopping (asked by the manager)" "$T_WORK/mgr.out" ||
	fail "the instance's stop handler did not run: $(tail -n 3 "$T_WORK/mgr.out")"
ok "idle: the instance drained, ran its stop handler and left; no instance again"

starts_reach() {
	[ "$(grep -c "service 1: packets wait and no instance runs" "$T_WORK/mgr.err")" -ge "$1" ]
}
# The next packets come from onvm-pktgen as an NF (service 9, toward
# service 1): pg1 stays attached (lingering) until the manager stops, as a
# memif peer that leaves can crash DPDK 22.11's polling side (see
# nfs/pktgen/README.md). Its frames end at the chain's end on port 0, back
# to the lingering pg1 (which no longer polls: tx_full once its ring fills).
start_nf pg2 "$PKTGEN" --nf -r 9 --to 1 --rate 20000 --count 1000 --flows 64 --no-path-check \
	--drain 1 --stats-interval 0 --json "$T_WORK/pg2.json"
wait_for 30 starts_reach 2 ||
	fail "no second start: $(json_get "$J" 'j["scale"]')"
pid=$(sed -n 's/.*service 1: packets wait .*starting instance 1 (pid \([0-9]*\)).*/\1/p' "$T_WORK/mgr.err" | tail -n 1)
adopt inst2 "$pid"
wait_for 30 test -f "$T_WORK/pg2.json" || fail "pktgen wrote no summary: $(last_err pg2)"
ok "started again by new packets: $(json_get "$T_WORK/pg2.json" '[j["tx"], j["rx"], j["lost"]]') (tx, rx, lost)"

expect_exit pg2 30 0
kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
expect_exit pg1 30 0
wait_for 30 not_alive "$pid" || fail "instance pid $pid did not leave"
json_true "$J" 'j["scale"]["services"][0]["scale_out"] == 2 and j["scale"]["services"][0]["failed"] == 0' ||
	fail "scale stats: $(json_get "$J" 'j["scale"]')"
injected=$(json_get "$T_WORK/pg2.json" 'j["tx"]')
json_true "$J" "j['ports'][0]['rx'] + $injected == j['ports'][0]['tx'] + sum(j['drops'].values())" ||
	fail "port rx + $injected injected != tx + drops: $(json_get "$J" '[j["ports"][0], j["drops"]]')"
ok "port rx + the $injected frames pktgen injected as an NF = tx + drops"
expect_no_mbuf_in_use "$J"

# ---- 4. a start that fails: the parked packets are freed and counted
J=$T_WORK/mgr2.json
start_mgr mgr2 "$J" --vdev="net_memif0,role=server,socket=$SOCK" -- --chain 1 \
	--scale 1:min=0,max=1,wait=256 --launch "1:/bin/false -r 1"
wait_json "$J"
wait_mgr_polling mgr2
pg pg3 500
wait_for 30 grep -q "service 1: the new instance (pid [0-9]*) exited before it registered" "$T_WORK/mgr2.err" ||
	fail "no failed start logged: $(json_get "$J" 'j["scale"]')"
wait_for 30 test -f "$T_WORK/pg3.json" || fail "pktgen wrote no summary: $(last_err pg3)"
wait_for 10 json_true "$J" 'j["scale"]["services"][0]["failed"] >= 1 and j["drops"]["scale_failed"] > 0 and j["scale"]["services"][0]["waiting"] == 0' ||
	fail "failed start: $(json_get "$J" '[j["scale"], j["drops"]]')"
ok "the start failed: $(grep -m1 "exited before it registered" "$T_WORK/mgr2.err" | sed 's/.*mgr: //'); drops $(json_get "$J" '{k: v for k, v in j["drops"].items() if v}')"
kill -INT "$(pid_of mgr2)"
expect_exit mgr2 30 0
expect_exit pg3 30 0
json_true "$J" 'j["ports"][0]["rx"] == j["ports"][0]["tx"] + sum(j["drops"].values()) and j["ports"][0]["tx"] == 0' ||
	fail "port rx != drops: $(json_get "$J" '[j["ports"][0], j["drops"]]')"
ok "every packet of the failed start counted (scale_failed, scale_wait_full or no instance)"
expect_no_mbuf_in_use "$J"
expect_clean
t_finish
