#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# 2000 varied frames in through net_pcap0, through a chain of three NFs
# (simple_forward -r 1, monitor -r 2, bridge -r 3), out of net_pcap1: the
# output is the input, byte for byte and in order; every counter agrees;
# SIGINT stops everything with status 0 and leaves no mbuf, file or process.

. "$(dirname "$0")/lib.sh"
t_setup

COUNT=2000
IN=$T_WORK/in.pcap
OUT=$T_WORK/out.pcap
J=$T_WORK/stats.json

make_pcap "$IN" "$COUNT" 7
mix=$(pcap_tool mix "$IN") || fail "cannot read $IN"
log "input: $mix"
read -r _ n _ min _ max _ v4 _ v6 _ vlan _ arp <<<"$mix"
[ "$n" -eq "$COUNT" ] && [ "$min" -le 64 ] && [ "$max" -eq 1514 ] &&
	[ "$v4" -gt 0 ] && [ "$v6" -gt 0 ] && [ "$vlan" -gt 0 ] && [ "$arp" -gt 0 ] ||
	fail "input is not the varied mix expected: $mix"
ok "input: $COUNT frames of 64..1514 bytes with IPv4, IPv6, VLAN and ARP"

# net_pcap reads the file as fast as it is polled: rings that hold the
# whole input, so no NF that is slow to be scheduled can make us drop.
start_mgr mgr "$J" --vdev="net_pcap0,rx_pcap=$IN" --vdev="net_pcap1,tx_pcap=$OUT" \
	-- --chain 1,2,3 --ring-size 4096 --max-nfs 4
wait_json "$J"
# Nothing may be read before the chain is complete.
json_true "$J" 'j["state"] == "starting" and j["ports"][0]["rx"] == 0' ||
	fail "the manager polls ports before the chain's NFs are up: $(json_get "$J" 'j["ports"]')"
ok "the manager waits for the chain before polling ports"

start_nf nf1 "$SFWD" -r 1 --tag first
start_nf nf2 "$MONITOR" -r 2
start_nf nf3 "$BRIDGE" -r 3
wait_mgr_polling mgr

wait_for 30 json_true "$J" "j['ports'][1]['tx'] == $COUNT" ||
	fail "port 1 did not transmit $COUNT packets within 30 s: $(json_get "$J" 'j["ports"]') drops $(json_get "$J" 'j["drops"]')"
ok "port 1 transmitted $COUNT packets"

json_true "$J" "j['ports'][0]['rx'] == $COUNT" ||
	fail "port 0 rx is $(json_get "$J" 'j["ports"][0]["rx"]'), expected $COUNT"
ok "port 0 received $COUNT packets"

json_true "$J" 'sorted(s["id"] for s in j["services"]) == [1, 2, 3] and all(len(s["instances"]) == 1 for s in j["services"])' ||
	fail "services are $(json_get "$J" 'j["services"]'), expected 1, 2, 3 with one instance each"
ok "services 1, 2, 3 have one instance each"

# The NFs' counters are written by the NFs: wait for the last burst's.
wait_for 30 json_true "$J" "len(j['nfs']) == 3 and all(n['rx'] == $COUNT and n['tx'] == $COUNT for n in j['nfs'])" ||
	fail "NF counters are not rx == tx == $COUNT: $(json_get "$J" 'j["nfs"]')"
ok "every NF received and passed on $COUNT packets"

json_true "$J" 'all(v == 0 for v in j["drops"].values())' ||
	fail "drops: $(json_get "$J" 'j["drops"]')"
ok "no drop of any kind"

json_true "$J" '[n["tag"] for n in j["nfs"] if n["service"] == 1] == ["first"]' ||
	fail "the tag of service 1's NF is not 'first': $(json_get "$J" 'j["nfs"]')"
ok "--tag shows in the stats"

# NF start to first forwarded packet: printed, not judged (noisy machine).
for s in 1 2 3; do
	ms=$(json_get "$J" "[n['start_to_first_pkt_ms'] for n in j['nfs'] if n['service'] == $s][0]")
	json_true "$J" "[n['start_to_first_pkt_ms'] for n in j['nfs'] if n['service'] == $s][0] > 0" ||
		fail "service $s: start_to_first_pkt_ms is '$ms', expected > 0"
	log "service $s: NF start to first forwarded packet: $ms ms"
done
ok "start_to_first_pkt_ms > 0 for every NF"

# The monitor prints once a second: wait for a line that saw everything.
wait_for 30 grep -q "flows/s, $COUNT packets in total" "$T_WORK/nf2.out" ||
	fail "the monitor printed no 'flows/s, $COUNT packets in total' line"
ok "the monitor printed 'flows/s' lines and counted $COUNT packets"

kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
for nf in nf1 nf2 nf3; do
	expect_exit "$nf" 30 0
	grep -q "manager stopped; exiting" "$T_WORK/$nf.err" ||
		fail "$nf did not say 'manager stopped; exiting'"
done
ok "the NFs said 'manager stopped; exiting'"

expect_no_mbuf_in_use "$J"
json_true "$J" "j['ports'][1]['tx'] == $COUNT and j['nfs'] == []" ||
	fail "final stats: port 1 tx $(json_get "$J" 'j["ports"][1]["tx"]'), nfs $(json_get "$J" 'j["nfs"]')"
ok "final stats: port 1 tx == $COUNT, no NF left registered"

res=$(pcap_tool same "$IN" "$OUT") || fail "output differs from input: $res"
ok "out.pcap: $res"

expect_clean
