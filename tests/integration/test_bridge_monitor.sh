#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Traffic both ways through chain 1,2 = monitor --print, bridge, on two
# net_pcap ports that each read one pcap and write another:
#  - the bridge sends what came in on port 0 out of port 1 and the other
#    way round: each output pcap is the other port's input, byte for byte
#    and in order;
#  - the monitor prints one line per packet (its port and length, in
#    order) and once a second "... flows/s, N packets in total";
#  - SIGINT stops everything cleanly, no mbuf in use.

. "$(dirname "$0")/lib.sh"
t_setup

NA=800
NB=600
A=$T_WORK/a.pcap
B_=$T_WORK/b.pcap
OUT0=$T_WORK/out0.pcap
OUT1=$T_WORK/out1.pcap
J=$T_WORK/stats.json
make_pcap "$A" $NA 21
make_pcap "$B_" $NB 22

# Rings that hold the whole input: net_pcap reads it as fast as polled.
start_mgr mgr "$J" \
	--vdev="net_pcap0,rx_pcap=$A,tx_pcap=$OUT0" \
	--vdev="net_pcap1,rx_pcap=$B_,tx_pcap=$OUT1" -- --chain 1,2 --ring-size 4096 --max-nfs 4
wait_json "$J"
start_nf mon "$MONITOR" -r 1 --print
start_nf bridge "$BRIDGE" -r 2
wait_mgr_polling mgr

wait_for 30 json_true "$J" "j['ports'][0]['tx'] == $NB and j['ports'][1]['tx'] == $NA" ||
	fail "expected port 0 tx $NB and port 1 tx $NA: $(json_get "$J" '[j["ports"], j["drops"]]')"
ok "port 1 sent the $NA packets of port 0, port 0 the $NB of port 1"
json_true "$J" "j['ports'][0]['rx'] == $NA and j['ports'][1]['rx'] == $NB and all(v == 0 for v in j['drops'].values())" ||
	fail "rx or drops wrong: $(json_get "$J" '[j["ports"], j["drops"]]')"
ok "ports received $NA and $NB; no drop"

TOTAL=$((NA + NB))
# Two such lines: one for the second with traffic, one for an idle second.
two_totals() {
	[ "$(grep -c "flows/s, $TOTAL packets in total" "$T_WORK/mon.out")" -ge 2 ]
}
wait_for 30 two_totals ||
	fail "the monitor did not print two 'flows/s, $TOTAL packets in total' lines"
ok "the monitor printed 'flows/s, $TOTAL packets in total', also for an idle second"
grep -q "^monitor: 0 pkts/s, 0.000 Mbit/s, .* flows/s, $TOTAL packets in total" "$T_WORK/mon.out" ||
	fail "the monitor printed no idle-second line"

kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
expect_exit mon 30 0
expect_exit bridge 30 0
expect_no_mbuf_in_use "$J"

res=$(pcap_tool same "$A" "$OUT1") || fail "port 1's output is not port 0's input: $res"
ok "out1.pcap == a.pcap: $res"
res=$(pcap_tool same "$B_" "$OUT0") || fail "port 0's output is not port 1's input: $res"
ok "out0.pcap == b.pcap: $res"

# --print: one line per packet, in order per port, with its length.
for p in 0 1; do
	in=$A
	[ $p -eq 1 ] && in=$B_
	pcap_tool lengths "$in" >"$T_WORK/len$p.want"
	sed -n "s/^monitor: port $p, \([0-9]*\) bytes, flow [0-9a-f]*$/\1/p" \
		"$T_WORK/mon.out" >"$T_WORK/len$p.got"
	cmp -s "$T_WORK/len$p.want" "$T_WORK/len$p.got" ||
		fail "monitor --print lines of port $p do not match its input: $(wc -l <"$T_WORK/len$p.got") lines, first difference: $(diff "$T_WORK/len$p.want" "$T_WORK/len$p.got" | head -n 3 | tr '\n' ' ')"
done
ok "monitor --print: one line per packet with its port and length, in order"

# Flows: gen_traffic.py made 100 5-tuples per file (plus ARP); the
# monitor's per-second estimate must be positive and not absurd.
max=$(sed -n 's/^monitor: .* \(-\{0,1\}[0-9]*\) flows\/s.*/\1/p' "$T_WORK/mon.out" | sort -n | tail -n 1)
[ -n "$max" ] && [ "$max" -gt 0 ] && [ "$max" -le 250 ] ||
	fail "the monitor's largest flows/s is '$max', expected 1..250"
ok "the monitor's largest flows/s is $max"
if grep -q -- " -0 flows/s" "$T_WORK/mon.out"; then
	soft_fail "[C-BUG] the monitor prints '-0 flows/s' for an idle second: $(grep -m 1 -- " -0 flows/s" "$T_WORK/mon.out")"
fi

expect_clean
t_finish
