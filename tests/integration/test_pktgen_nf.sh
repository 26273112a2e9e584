#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# onvm-pktgen --nf, an NF inside the chain: onvm-mgr with one net_ring port
# (a loop that nobody sends to: no traffic but pktgen's) and chain 1,2,9;
# onvm-simple-forward as services 1 and 2, onvm-pktgen as service 9
# injecting to service 1, so its frames go 9 -> 1 -> 2 -> 9 and come back.
# NF rings of 8192 slots: an NF that the busy machine deschedules for a
# while makes packets wait, not drop.
#  0. one-line errors: a bad option (before any EAL start), --nf among the
#     EAL options, no manager on the prefix;
#  1. --count 20000 --rate 20000, 16 flows: the JSON says rx == tx ==
#     20000, loss 0, no reordering or duplicate, 20000 latencies with
#     ordered percentiles, "nf" service 9 to 1; the manager's stats show
#     the 20000 at NFs 1 and 2 and as pktgen's drops; pktgen left its
#     service with nothing queued;
#  2. no count, SIGINT: pktgen stops sending, drains, writes the summary
#     ("interrupted": true, loss 0) and exits 0;
#  3. no count, the manager stops: pktgen writes its summary and exits 0,
#     as do the NFs and the manager; no mbuf in use in the final stats;
#     nothing of the test left. Nothing is asserted about time.

. "$(dirname "$0")/lib.sh"
t_setup

PKTGEN=$B/nfs/pktgen/onvm-pktgen
[ -x "$PKTGEN" ] || fail "$PKTGEN is missing"
J=$T_WORK/mgr.json

# pg NAME JSON ARGS...: onvm-pktgen as service 9, sending to service 1.
pg() {
	local name=$1 json=$2
	shift 2
	start_nf "$name" "$PKTGEN" --nf -r 9 --to 1 --json "$json" "$@"
}

# The latency percentiles of pktgen JSON $1 are there and ordered.
expect_latency_ordered() {
	json_true "$1" 'all(isinstance(j["latency_ns"][k], int) and j["latency_ns"][k] > 0 for k in ("min", "p50", "p90", "p99", "p999", "max"))' ||
		fail "latency percentiles missing: $(json_get "$1" 'j["latency_ns"]')"
	json_true "$1" '(lambda l: l["min"] <= l["p50"] <= l["p90"] <= l["p99"] <= l["p999"] <= l["max"])(j["latency_ns"])' ||
		fail "latency percentiles out of order: $(json_get "$1" 'j["latency_ns"]')"
	ok "latency ns: $(json_get "$1" 'j["latency_ns"]')"
}

# Sum of FIELD over the NFs of service SID in the stats.
svc_sum() {
	json_get "$J" "sum(n['$2'] for n in j['nfs'] if n['service'] == $1)"
}

# ---- 0. errors
run_fg bad "$PKTGEN" --nf -r 9 --to 0 --file-prefix "$T_PREFIX"
expect_error bad onvm-pktgen "bad value '0' for --to"
run_fg eal "$PKTGEN" --nf --file-prefix="$T_PREFIX" -- -r 9
expect_error eal onvm-pktgen '--nf goes after "--"'
run_fg nomgr "$PKTGEN" --nf -r 9 --to 1 --count 10 --file-prefix "$T_PREFIX"
expect_error nomgr onvm-pktgen "no manager on file prefix \"$T_PREFIX\""

# ---- the platform: chain 1,2,9 on one net_ring port
start_mgr mgr "$J" --vdev=net_ring0 -- --chain 1,2,9 --ring-size 8192 --max-nfs 4
wait_json "$J"
start_nf fwd1 "$SFWD" -r 1
start_nf fwd2 "$SFWD" -r 2

# ---- 1. 20000 packets at 20000 pps
P1=$T_WORK/pg1.json
pg pg1 "$P1" --count 20000 --rate 20000 --flows 16 --drain 20
expect_exit pg1 120 0
grep -q '^run ' "$T_WORK/pg1.out" || fail "pg1 printed no live line"
grep -q "NF of service 9 (instance [0-9]*), sending to service 1" "$T_WORK/pg1.out" ||
	fail "pg1 did not say what it is: $(head -n 3 "$T_WORK/pg1.out")"
json_true "$P1" 'j["nf"]["service"] == 9 and j["nf"]["to"] == 1 and j["nf"]["instance"] > 0' ||
	fail "pg1 JSON nf: $(json_get "$P1" 'j["nf"]')"
json_true "$P1" 'j["mode"] == "synthetic" and j["tx"] == 20000 and j["count_asked"] == 20000' ||
	fail "pg1 did not send 20000: $(json_get "$P1" '[j["mode"], j["tx"], j["count_asked"]]')"
json_true "$P1" 'j["rx"] == j["tx"] and j["lost"] == 0 and j["loss_pct"] == 0' ||
	fail "pg1 lost packets: tx $(json_get "$P1" 'j["tx"]'), rx $(json_get "$P1" 'j["rx"]'), lost $(json_get "$P1" 'j["lost"]')"
ok "pg1: tx == rx == 20000, loss 0"
json_true "$P1" 'j["reordered"] == 0 and j["duplicates"] == 0 and j["rx_other"] == 0' ||
	fail "pg1: reordered $(json_get "$P1" 'j["reordered"]'), duplicates $(json_get "$P1" 'j["duplicates"]'), other $(json_get "$P1" 'j["rx_other"]')"
json_true "$P1" 'j["flows"] == 16 and j["size"] == 64 and j["rate_pps_asked"] == 20000 and j["tx_bytes"] == 20000 * 60 and j["lcores"] == 1 and j["interrupted"] is False' ||
	fail "pg1 JSON fields: $(cat "$P1")"
json_true "$P1" 'j["latency_ns"]["count"] == 20000' ||
	fail "pg1: $(json_get "$P1" 'j["latency_ns"]["count"]') latencies, expected 20000"
expect_latency_ordered "$P1"
# The chain carried them (and the path check's few): NFs 1 and 2, and
# pktgen's DROP verdicts, freed by the manager.
wait_for 30 json_true "$J" 'all(sum(n["rx"] for n in j["nfs"] if n["service"] == s) >= 20000 and sum(n["tx"] for n in j["nfs"] if n["service"] == s) >= 20000 for s in (1, 2)) and j["drops"]["nf_drop"] >= 20000' ||
	fail "the stats do not show 20000 at NFs 1 and 2 and dropped by pktgen: $(json_get "$J" '[j["nfs"], j["drops"]]')"
ok "NF 1 rx $(svc_sum 1 rx), NF 2 rx $(svc_sum 2 rx), dropped by pktgen $(json_get "$J" 'j["drops"]["nf_drop"]')"
# (no_instance may count path-check packets sent before NF 1 registered)
json_true "$J" 'j["drops"]["ring_full"] == 0 and j["drops"]["bad_action"] == 0' ||
	fail "unexpected drops: $(json_get "$J" 'j["drops"]')"
wait_for 30 json_true "$J" 'not any(n["service"] == 9 for n in j["nfs"])' ||
	fail "pktgen is still listed: $(json_get "$J" 'j["nfs"]')"
grep -q "NF pktgen (service 9, instance [0-9]*, pid $(pid_of pg1)) left; 0 queued and 0 held" "$T_WORK/mgr.err" ||
	fail "pktgen did not leave with nothing queued: $(grep 'NF pktgen' "$T_WORK/mgr.err")"
ok "pktgen left service 9 with nothing queued or held"

# ---- 2. until SIGINT
P2=$T_WORK/pg2.json
pg pg2 "$P2" --rate 5000 --drain 20
wait_for 60 grep -q '^run ' "$T_WORK/pg2.out" ||
	fail "pg2 printed no live line within 60 s"
kill -INT "$(pid_of pg2)"
expect_exit pg2 60 0
json_true "$P2" 'j["interrupted"] is True and j["count_asked"] is None and j["tx"] > 0' ||
	fail "pg2: $(json_get "$P2" '[j["interrupted"], j["count_asked"], j["tx"]]')"
json_true "$P2" 'j["rx"] == j["tx"] and j["lost"] == 0 and j["reordered"] == 0 and j["duplicates"] == 0' ||
	fail "pg2: tx $(json_get "$P2" 'j["tx"]'), rx $(json_get "$P2" 'j["rx"]'), lost $(json_get "$P2" 'j["lost"]'), reordered $(json_get "$P2" 'j["reordered"]')"
ok "pg2: SIGINT after $(json_get "$P2" 'j["tx"]') packets, all back"

# ---- 3. until the manager stops
P3=$T_WORK/pg3.json
pg pg3 "$P3" --rate 5000
wait_for 60 grep -q '^run ' "$T_WORK/pg3.out" ||
	fail "pg3 printed no live line within 60 s"
kill -TERM "$(pid_of mgr)"
expect_exit mgr 60 0
expect_exit fwd1 30 0
expect_exit fwd2 30 0
expect_exit pg3 30 0
json_true "$P3" 'j["interrupted"] is True and j["tx"] > 0 and j["rx"] > 0 and j["reordered"] == 0' ||
	fail "pg3: $(json_get "$P3" '[j["interrupted"], j["tx"], j["rx"], j["reordered"]]')"
grep -q "onvm-pktgen: manager stopped; exiting" "$T_WORK/pg3.err" ||
	fail "pg3 did not say the manager stopped: $(tail -n 2 "$T_WORK/pg3.err")"
ok "pg3: the manager's stop ended the run after $(json_get "$P3" 'j["tx"]') packets"
expect_no_mbuf_in_use "$J"
expect_clean
t_finish
