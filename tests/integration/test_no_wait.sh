#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
#  1. --no-wait with net_pcap input and no NF: the manager polls at once,
#     every packet is dropped as no_instance, nothing is transmitted, and
#     after SIGTERM no mbuf is in use.
#  2. --duration: the manager stops by itself with status 0 and writes its
#     final stats; its NF exits 0 with "manager stopped; exiting".

. "$(dirname "$0")/lib.sh"
t_setup

COUNT=1500
IN=$T_WORK/in.pcap
OUT=$T_WORK/out.pcap
make_pcap "$IN" "$COUNT" 11

# ---- 1. --no-wait, no NF
J=$T_WORK/nowait.json
start_mgr mgr "$J" --vdev="net_pcap0,rx_pcap=$IN" --vdev="net_pcap1,tx_pcap=$OUT" \
	-- --chain 1,2 --no-wait
wait_mgr_polling mgr
wait_for 30 json_true "$J" "j['drops']['no_instance'] == $COUNT" ||
	fail "drops.no_instance is not $COUNT: $(json_get "$J" '[j["drops"], j["ports"]]')"
ok "drops.no_instance == $COUNT"
json_true "$J" "j['state'] == 'running' and j['nfs'] == [] and j['ports'][0]['rx'] == $COUNT and all(p['tx'] == 0 for p in j['ports'])" ||
	fail "expected state running, no NF, port 0 rx $COUNT, no tx: $(json_get "$J" '[j["state"], j["nfs"], j["ports"]]')"
ok "state running with no NF; port 0 received $COUNT, nothing transmitted"
json_true "$J" 'all(v == 0 for k, v in j["drops"].items() if k != "no_instance")' ||
	fail "other drops: $(json_get "$J" 'j["drops"]')"
ok "no other drop"

kill -TERM "$(pid_of mgr)"
expect_exit mgr 30 0
expect_no_mbuf_in_use "$J"
n=$(pcap_tool count "$OUT") || fail "cannot read $OUT"
[ "$n" -eq 0 ] || fail "$OUT holds $n frames, expected none"
ok "out.pcap is empty"
expect_clean

# ---- 2. --duration
J=$T_WORK/duration.json
start_bg mgr2 "$MGR" --no-pci -l 0 --file-prefix="$T_PREFIX" \
	--vdev=net_null0 -- --chain 1 --duration 10 --stats-json "$J" \
	--stats-interval 0.2 --quiet
wait_json "$J"
start_nf fwd "$SFWD" -r 1
wait_for 30 json_true "$J" 'j["ports"][0]["tx"] > 0' ||
	fail "no traffic during --duration: $(json_get "$J" 'j["ports"]')"
ok "traffic flows"
expect_exit mgr2 30 0
grep -q -- "--duration reached" "$T_WORK/mgr2.err" ||
	fail "the manager did not log '--duration reached'"
ok "the manager stopped by itself: --duration reached"
expect_exit fwd 30 0
grep -q "manager stopped; exiting" "$T_WORK/fwd.err" ||
	fail "the NF did not say 'manager stopped; exiting'"
ok "the NF said 'manager stopped; exiting'"
json_true "$J" 'j["final"] is True and j["time"] >= 10' ||
	fail "final stats at time $(json_get "$J" 'j["time"]'), before --duration 10"
ok "final stats written after the 10 s"
expect_no_mbuf_in_use "$J"
expect_clean
