#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# --nf-tx: the last NF of the chain transmits to the port itself.
#  1. net_null, chain 1,2,3 of simple_forward: every NF and both ports move
#     packets; NFs say they transmit themselves; the manager's own tx path
#     is idle apart from NF 1 and 2's hand-backs (ports still count what
#     the NFs sent); a clean stop leaves no mbuf in use.
#  2. a sink at the end (chain 1,2): DROP verdicts still go through the
#     manager (nf_drop > 0), nothing is transmitted, no mbuf in use.
#  3. net_pcap ports cannot be opened by an NF: the NF says so, the
#     manager transmits, and the 1200 frames come out identical and in order.

. "$(dirname "$0")/lib.sh"
t_setup

NULLS=(--vdev=net_null0 --vdev=net_null1)

# ---- 1. three forwarding NFs, the last one transmits
J=$T_WORK/chain.json
log "part 1: chain 1,2,3 on two net_null ports with --nf-tx"
start_mgr mgr "$J" "${NULLS[@]}" -- --chain 1,2,3 --nf-tx
wait_json "$J"
start_nf fwd1 "$SFWD" -r 1
start_nf fwd2 "$SFWD" -r 2
start_nf fwd3 "$SFWD" -r 3
wait_mgr_polling mgr

wait_for 30 json_true "$J" 'len(j["nfs"]) == 3 and all(n["rx"] > 0 and n["tx"] > 0 for n in j["nfs"])' ||
	fail "NFs do not all show rx > 0 and tx > 0: $(json_get "$J" 'j["nfs"]')"
ok "all three NFs show rx > 0 and tx > 0"
wait_for 30 json_true "$J" 'all(p["rx"] > 0 and p["tx"] > 0 for p in j["ports"])' ||
	fail "ports do not all show rx > 0 and tx > 0: $(json_get "$J" 'j["ports"]')"
tx1=$(json_get "$J" 'j["ports"][1]["tx"]')
wait_for 30 json_true "$J" "j['ports'][1]['tx'] > $tx1" ||
	fail "port 1 tx stuck at $tx1"
ok "both ports receive and transmit; port 1 tx keeps growing"
for nf in fwd1 fwd2 fwd3; do
	grep -q "transmits itself on 2 of 2 port(s)" "$T_WORK/$nf.err" ||
		fail "$nf does not say it transmits itself: $(cat "$T_WORK/$nf.err")"
done
ok "each NF opened both net_null ports for its own tx queue"

kill -TERM "$(pid_of mgr)"
expect_exit mgr 30 0
for nf in fwd1 fwd2 fwd3; do
	expect_exit "$nf" 30 0
done
expect_no_mbuf_in_use "$J"
json_true "$J" 'j["drops"]["nf_tx_lost"] == 0 and j["drops"]["bad_action"] == 0' ||
	fail "unexpected drops: $(json_get "$J" 'j["drops"]')"
ok "no nf_tx_lost, no bad_action"
log "part 1 ports: $(json_get "$J" 'j["ports"]')"
expect_clean

# ---- 2. a sink: drops still go through the manager
J=$T_WORK/sink.json
log "part 2: chain 1,2 with a sink as service 2, --nf-tx"
start_mgr mgr2 "$J" "${NULLS[@]}" -- --chain 1,2 --nf-tx
wait_json "$J"
start_nf fwd "$SFWD" -r 1
start_nf sink "$SINK" -r 2
wait_mgr_polling mgr2
wait_for 30 json_true "$J" 'j["drops"]["nf_drop"] > 0' ||
	fail "drops.nf_drop stays 0: $(json_get "$J" 'j["drops"]')"
ok "drops.nf_drop > 0"
kill -INT "$(pid_of mgr2)"
expect_exit mgr2 30 0
expect_exit fwd 30 0
expect_exit sink 30 0
expect_no_mbuf_in_use "$J"
json_true "$J" 'all(p["tx"] == 0 for p in j["ports"]) and j["ports"][0]["rx"] > 0' ||
	fail "with a sink nothing may be transmitted: $(json_get "$J" 'j["ports"]')"
ok "nothing transmitted; no mbuf in use after the stop"
expect_clean

# ---- 3. net_pcap: the manager keeps transmitting, byte-identical
log "part 3: net_pcap ports with --nf-tx fall back to the manager's tx"
pcap_mgr mgr3 11 1200 --chain 1,2 --nf-tx --ring-size 4096 --max-nfs 4
start_nf p1 "$SFWD" -r 1
start_nf p2 "$SFWD" -r 2
wait_mgr_polling mgr3
pcap_sent 1200
grep -q "net_pcap ports are sent to by the manager" "$T_WORK/p2.err" ||
	fail "the NF does not say the manager sends on net_pcap: $(cat "$T_WORK/p2.err")"
ok "the NF leaves net_pcap to the manager"
kill -INT "$(pid_of mgr3)"
expect_exit mgr3 30 0
expect_exit p1 30 0
expect_exit p2 30 0
pcap_tool same "$IN" "$OUT" || fail "output pcap differs from the input"
ok "1200 frames out, identical and in order"
expect_no_mbuf_in_use "$J"
expect_clean
