#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# onvm-pktgen through the manager: onvm-mgr with one net_memif server port
# and chain 1 (one onvm-simple-forward); onvm-pktgen, a DPDK primary of its
# own (prefix <test prefix>_pgN), attached as the memif client, with
# --linger (it leaves after the manager); a manager for each part:
#  1. 20000 packets, 16 flows, 5000 pps: the JSON says rx == tx, loss 0, no
#     reordering or duplicate, 20000 latencies with min <= p50 <= p90 <=
#     p99 <= p99.9 <= max; the manager's port and NF carried them;
#  2. a pcap of varied traffic (IPv4/IPv6, UDP/TCP, VLAN, ARP) is replayed
#     in a loop: rx == tx, loss 0; the
#     frames with a stamp appended have latencies, the others (ARP, near
#     1514 bytes) are counted as unstamped;
#  3. --rate-pct 10 with a measured maximum: the run's tx counts only the
#     run (never more than the rate allows), not the flat-out probe;
# each time the manager stops cleanly with no mbuf in use, then pktgen exits
# 0 and leaves no hugepage or runtime file of its prefix; at the end no
# process or file of the test remains. Nothing is asserted about time.

. "$(dirname "$0")/lib.sh"
t_setup

PKTGEN=$B/nfs/pktgen/onvm-pktgen
[ -x "$PKTGEN" ] || fail "$PKTGEN is missing"
# An abstract socket name (memif's default): no file on disk.
SOCK=$T_WORK/$T_PREFIX.sock

# up N: a manager (memif server, chain 1) and its NF, polling; the stats
# JSON in $J.
up() {
	J=$T_WORK/mgr$1.json
	start_mgr "mgr$1" "$J" --vdev="net_memif0,role=server,socket=$SOCK" -- --chain 1
	wait_json "$J"
	start_nf "fwd$1" "$SFWD" -r 1
	wait_mgr_polling "mgr$1"
}

# pktgen N JSON ARGS...: onvm-pktgen as memif client of manager N, on a
# prefix of its own, in the background with --linger: it writes JSON, then
# waits for the manager to leave. (A DPDK 22.11 memif server can crash if
# its peer leaves while its lcore polls: the manager goes first.) The drain
# ends as soon as all is back; 5 s only bounds it on a busy machine.
pktgen() {
	local n=$1 json=$2
	shift 2
	start_bg "pg$n" "$PKTGEN" --no-pci -l 1 --file-prefix="${T_PREFIX}_pg$n" \
		--log-level=lib.eal:notice \
		--vdev="net_memif0,role=client,socket=$SOCK" -- --drain 5 --linger \
		--json "$json" "$@"
	wait_for 60 test -f "$json" ||
		fail "pg$n wrote no $json within 60 s: $(tail -n 1 "$T_WORK/pg$n.err")"
	ok "pg$n wrote its summary"
}

# down N: stop manager N (its lcores, then its port): its NF and pktgen N
# exit 0, no mbuf is in use, pktgen left no file of its prefix.
down() {
	local left
	kill -TERM "$(pid_of "mgr$1")"
	expect_exit "mgr$1" 30 0
	expect_exit "fwd$1" 30 0
	expect_exit "pg$1" 30 0
	expect_no_mbuf_in_use "$J"
	left=$(ls -d "$T_HUGE/${T_PREFIX}_pg$1"* "$T_RUNDIR/${T_PREFIX}_pg$1"* 2>/dev/null)
	[ -z "$left" ] || fail "pg$1 left behind: $(echo "$left" | head -n 3 | tr '\n' ' ')"
	ok "pg$1 left no file of its prefix"
}

# The latency percentiles of pktgen JSON $1 are there and ordered.
expect_latency_ordered() {
	json_true "$1" 'all(isinstance(j["latency_ns"][k], int) and j["latency_ns"][k] > 0 for k in ("min", "p50", "p90", "p99", "p999", "max"))' ||
		fail "latency percentiles missing: $(json_get "$1" 'j["latency_ns"]')"
	json_true "$1" '(lambda l: l["min"] <= l["p50"] <= l["p90"] <= l["p99"] <= l["p999"] <= l["max"])(j["latency_ns"])' ||
		fail "latency percentiles out of order: $(json_get "$1" 'j["latency_ns"]')"
	ok "latency ns: $(json_get "$1" 'j["latency_ns"]')"
}

# ---- 1. synthetic: 20000 packets, 16 flows, 5000 pps
up 1
P1=$T_WORK/pg1.json
pktgen 1 "$P1" --rate 5000 --count 20000 --flows 16
grep -q '^run ' "$T_WORK/pg1.out" || fail "pg1 printed no live line"
json_true "$P1" 'j["mode"] == "synthetic" and j["tx"] == 20000 and j["count_asked"] == 20000' ||
	fail "pg1 did not send 20000: $(json_get "$P1" '[j["mode"], j["tx"], j["count_asked"]]')"
json_true "$P1" 'j["rx"] == j["tx"] and j["lost"] == 0 and j["loss_pct"] == 0' ||
	fail "pg1 lost packets: tx $(json_get "$P1" 'j["tx"]'), rx $(json_get "$P1" 'j["rx"]'), lost $(json_get "$P1" 'j["lost"]')"
ok "pg1: tx == rx == 20000, loss 0"
json_true "$P1" 'j["reordered"] == 0 and j["duplicates"] == 0' ||
	fail "pg1: reordered $(json_get "$P1" 'j["reordered"]'), duplicates $(json_get "$P1" 'j["duplicates"]') through one NF"
json_true "$P1" 'j["flows"] == 16 and j["size"] == 64 and j["proto"] == "udp" and j["rate_pps_asked"] == 5000 and j["tsc_hz"] > 0 and j["tx_bytes"] == 20000 * 60' ||
	fail "pg1 JSON fields: $(cat "$P1")"
json_true "$P1" 'j["latency_ns"]["count"] == 20000' ||
	fail "pg1: $(json_get "$P1" 'j["latency_ns"]["count"]') latencies, expected 20000"
expect_latency_ordered "$P1"
# The manager carried them (and the few packets of pktgen's path check).
wait_for 10 json_true "$J" 'j["ports"][0]["rx"] >= 20000 and j["ports"][0]["tx"] >= 20000 and j["nfs"][0]["rx"] >= 20000' ||
	fail "the manager's port/NF counters do not show 20000: $(json_get "$J" '[j["ports"], j["nfs"]]')"
ok "the manager's port 0 and the NF carried them"
down 1

# ---- 2. pcap replay, looped
make_pcap "$T_WORK/in.pcap" 500 7
up 2
P2=$T_WORK/pg2.json
pktgen 2 "$P2" --pcap "$T_WORK/in.pcap" --rate 5000 --count 3000
json_true "$P2" 'j["mode"] == "pcap" and j["tx"] == 3000 and j["rx"] == 3000 and j["lost"] == 0' ||
	fail "pg2: $(json_get "$P2" '[j["mode"], j["tx"], j["rx"], j["lost"]]')"
ok "pg2: pcap of 500 frames looped to 3000, all back"
json_true "$P2" 'j["rx_unstamped"] > 0 and j["latency_ns"]["count"] > 0 and j["latency_ns"]["count"] + j["rx_unstamped"] == j["rx"]' ||
	fail "pg2 stamped/unstamped: $(json_get "$P2" '[j["rx"], j["rx_unstamped"], j["latency_ns"]["count"]]')"
json_true "$P2" 'j["size"] == "pcap" and j["flows"] > 1 and j["reordered"] == 0 and j["duplicates"] == 0' ||
	fail "pg2 JSON fields: $(cat "$P2")"
grep -q "500 frame(s), [1-9][0-9]* with the stamp appended" "$T_WORK/pg2.out" ||
	fail "pg2 did not say how many frames get the stamp"
ok "pg2: $(json_get "$P2" 'j["latency_ns"]["count"]') stamped, $(json_get "$P2" 'j["rx_unstamped"]') unstamped"
expect_latency_ordered "$P2"
down 2

# ---- 3. 10 % of a measured maximum
up 3
P3=$T_WORK/pg3.json
pktgen 3 "$P3" --rate-pct 10 --probe 0.5 --duration 1 --flows 4
json_true "$P3" 'j["max_pps_measured"] is True and j["max_pps"] > 0 and j["rate_pct_asked"] == 10' ||
	fail "pg3: $(json_get "$P3" '[j["max_pps_measured"], j["max_pps"], j["rate_pct_asked"]]')"
json_true "$P3" 'abs(j["rate_pps_asked"] - j["max_pps"] / 10) <= 1' ||
	fail "pg3: asked $(json_get "$P3" 'j["rate_pps_asked"]') pps, 10 % of $(json_get "$P3" 'j["max_pps"]')"
# Pacing never sends more than rate x time plus its 1 ms (or 4 bursts) of
# credit: a tx above that would include the probe's packets.
json_true "$P3" '(lambda r: 0 < j["tx"] <= r * j["duration_s"] + max(r / 1000, 4 * 32) + 32)(j["rate_pps_asked"])' ||
	fail "pg3: tx $(json_get "$P3" 'j["tx"]') at $(json_get "$P3" 'j["rate_pps_asked"]') pps for $(json_get "$P3" 'j["duration_s"]') s"
ok "pg3: max $(json_get "$P3" 'j["max_pps"]') pps measured, run at $(json_get "$P3" 'j["rate_pps_asked"]') pps, tx $(json_get "$P3" 'j["tx"]'), lost $(json_get "$P3" 'j["lost"]')"

down 3
expect_clean
t_finish
