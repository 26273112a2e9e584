#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Stats under load, on net_null ports (64-byte packets, flat out):
#  1. chain 1,2,3 (simple_forward, monitor, simple_forward): the JSON shows
#     rx > 0 and tx > 0 at every port and every NF, and services 1, 2, 3
#     with one instance each; SIGTERM stops everything, no mbuf in use;
#  2. chain 1,2 with a sink as service 2: drops.nf_drop > 0, the sink's
#     nf_drops > 0, no port transmits anything; no mbuf in use after stop.

. "$(dirname "$0")/lib.sh"
t_setup

NULLS=(--vdev=net_null0 --vdev=net_null1)

# ---- 1. three forwarding NFs
J=$T_WORK/chain.json
log "part 1: chain 1,2,3 on two net_null ports"
start_mgr mgr "$J" "${NULLS[@]}" -- --chain 1,2,3
wait_json "$J"
start_nf fwd1 "$SFWD" -r 1
start_nf mon2 "$MONITOR" -r 2
start_nf fwd3 "$SFWD" -r 3
wait_mgr_polling mgr

wait_for 30 json_true "$J" 'all(p["rx"] > 0 and p["tx"] > 0 for p in j["ports"]) and len(j["ports"]) == 2' ||
	fail "ports do not all show rx > 0 and tx > 0: $(json_get "$J" 'j["ports"]')"
ok "both ports show rx > 0 and tx > 0"

wait_for 30 json_true "$J" 'len(j["nfs"]) == 3 and all(n["rx"] > 0 and n["tx"] > 0 and n["state"] == "running" for n in j["nfs"])' ||
	fail "NFs do not all show rx > 0 and tx > 0: $(json_get "$J" 'j["nfs"]')"
ok "all three NFs show rx > 0 and tx > 0"

json_true "$J" 'sorted(s["id"] for s in j["services"]) == [1, 2, 3] and all(len(s["instances"]) == 1 for s in j["services"])' ||
	fail "services are $(json_get "$J" 'j["services"]'), expected 1, 2, 3 with one instance each"
json_true "$J" 'j["chain"] == [1, 2, 3] and j["state"] == "running" and j["file_prefix"].startswith("onvmt_")' ||
	fail "chain/state/file_prefix wrong: $(json_get "$J" '[j["chain"], j["state"], j["file_prefix"]]')"
ok "services 1, 2, 3 with one instance each; chain [1, 2, 3]; state running"

# Each NF's instance id is listed under its service.
json_true "$J" 'all([n["instance"]] == [s["instances"] for s in j["services"] if s["id"] == n["service"]][0] for n in j["nfs"])' ||
	fail "instances in \"services\" do not match \"nfs\": $(json_get "$J" '[j["services"], j["nfs"]]')"
ok "service instance lists match the NFs"

# The counters keep moving: sample port 1 tx twice.
tx1=$(json_get "$J" 'j["ports"][1]["tx"]')
wait_for 30 json_true "$J" "j['ports'][1]['tx'] > $tx1" ||
	fail "port 1 tx stuck at $tx1"
ok "port 1 tx keeps growing (was $tx1)"

kill -TERM "$(pid_of mgr)"
expect_exit mgr 30 0
for nf in fwd1 mon2 fwd3; do
	expect_exit "$nf" 30 0
done
expect_no_mbuf_in_use "$J"
json_true "$J" 'j["nfs"] == [] and j["services"] == []' ||
	fail "final stats still list NFs or services: $(json_get "$J" '[j["nfs"], j["services"]]')"
ok "final stats list no NF and no service"
log "part 1 drops: $(json_get "$J" 'j["drops"]')"
expect_clean

# ---- 2. a sink at the end of the chain
J=$T_WORK/sink.json
log "part 2: chain 1,2 with a sink as service 2"
start_mgr mgr2 "$J" "${NULLS[@]}" -- --chain 1,2
wait_json "$J"
start_nf fwd "$SFWD" -r 1
start_nf sink "$SINK" -r 2
wait_mgr_polling mgr2

wait_for 30 json_true "$J" 'j["drops"]["nf_drop"] > 0' ||
	fail "drops.nf_drop stays 0: $(json_get "$J" 'j["drops"]')"
ok "drops.nf_drop > 0"
wait_for 30 json_true "$J" '[n["nf_drops"] > 0 and n["rx"] > 0 for n in j["nfs"] if n["service"] == 2] == [True]' ||
	fail "the sink's rx/nf_drops stay 0: $(json_get "$J" 'j["nfs"]')"
ok "the sink received packets and dropped them (nf_drops > 0)"
wait_for 30 grep -q "^sink: [1-9][0-9]* packets" "$T_WORK/sink.out" ||
	fail "the sink printed no count"
ok "the sink printed its count"

kill -INT "$(pid_of mgr2)"
expect_exit mgr2 30 0
expect_exit fwd 30 0
expect_exit sink 30 0
expect_no_mbuf_in_use "$J"
json_true "$J" 'all(p["tx"] == 0 for p in j["ports"]) and j["ports"][0]["rx"] > 0' ||
	fail "with a sink nothing may be transmitted: $(json_get "$J" 'j["ports"]')"
ok "nothing transmitted on any port; port 0 received"
json_true "$J" 'j["drops"]["nf_drop"] > 0' ||
	fail "final nf_drop is 0"
log "part 2 drops: $(json_get "$J" 'j["drops"]')"
grep -q "^sink: .* in total" "$T_WORK/sink.out" ||
	fail "the sink printed no total at exit"
ok "the sink printed its total at exit"

expect_clean
