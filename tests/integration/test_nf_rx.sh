#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# --nf-rx: the first NF of the default chain polls the ports itself while
# it is its service's one instance and no flow rule exists.
#  1. net_null, chain 1,2 with --nf-tx: the manager hands the ports to NF 1
#     (port_rx_by is its slot, its port_rx grows, the log and onvmctl ports
#     say so);
#  2. a flow rule (onvmctl flow add) takes them back at once: port_rx_by
#     -1, the NF's port_rx stops, the ports still forward; flow del hands
#     them to the NF again; so does chain 1,2,1 (NF 2 then feeds NF 1's
#     in_ring directly) and back to 1,2;
#  3. a second instance of service 1 takes them back; when it stops, the
#     first one polls again;
#  4. SIGKILL of the polling NF: the manager polls again; a new NF 1 gets
#     them; after the stop every process exited cleanly and the mbufs in
#     use are no more than the deaths counted as lost;
#  5. --nf-rx without --nf-tx, with --shared-core, NF 1 dropping every 4th
#     packet (bursts split per packet): NF 1 polls, hands its packets back
#     to the manager, which transmits 3 in 4 and drops the rest as
#     nf_drop; it does not sleep; no mbuf in use after the stop;
#  6. net_pcap ports cannot be opened by an NF: the manager says so, keeps
#     polling, and 1200 frames come out identical and in order.

. "$(dirname "$0")/lib.sh"
t_setup

CTL=$B/onvm_mgr/ctl/onvmctl
NULLS=(--vdev=net_null0 --vdev=net_null1)

# rx_by JSON NAME: wait until the ports are polled by the NF started as
# NAME (its slot in port_rx_by) and its port_rx grows.
rx_by() {
	local pid slot
	pid=$(pid_of "$2")
	wait_for 30 nf_listed "$1" "$pid" || fail "$2 (pid $pid) is not registered"
	slot=$(nf_get "$1" "$pid" slot)
	wait_for 30 json_true "$1" "j['port_rx_by'] == $slot" ||
		fail "port_rx_by is $(json_get "$1" 'j["port_rx_by"]'), not $2's slot $slot"
	nf_grows "$1" "$pid" port_rx
}

# rx_by_mgr JSON: wait until the manager polls the ports again.
rx_by_mgr() {
	wait_for 30 json_true "$1" "j['port_rx_by'] == -1" ||
		fail "port_rx_by stays $(json_get "$1" 'j["port_rx_by"]'), not -1 (the manager)"
}

# json_next JSON: wait for the manager's next two stats writes.
json_next() {
	local k t
	for k in 1 2; do
		t=$(json_get "$1" 'j["time"]')
		wait_for 10 json_true "$1" "j['time'] != $t" || fail "stats JSON is not updated"
	done
}

# ---- 1. the first NF polls the ports
J=$T_WORK/chain.json
log "part 1: chain 1,2 on net_null with --nf-rx --nf-tx"
start_mgr mgr "$J" "${NULLS[@]}" -- --chain 1,2 --nf-rx --nf-tx
wait_json "$J"
start_nf fwd1 "$SFWD" -r 1
start_nf fwd2 "$SFWD" -r 2
wait_mgr_polling mgr
rx_by "$J" fwd1
grep -q "nf-rx: NF simple_forward (service 1, slot $(nf_get "$J" "$(pid_of fwd1)" slot)) polls the ports" "$T_WORK/mgr.err" ||
	fail "the manager does not say that NF 1 polls the ports: $(grep nf-rx "$T_WORK/mgr.err")"
grep -q "this NF can poll the 2 rx queue(s) of 2 port(s)" "$T_WORK/fwd1.err" ||
	fail "fwd1 does not say it can poll the ports: $(cat "$T_WORK/fwd1.err")"
port_tx_grows "$J"
ok "NF 1 polls both ports itself; the ports forward"
if [ -x "$CTL" ]; then
	slot=$(nf_get "$J" "$(pid_of fwd1)" slot)
	run_fg ports "$CTL" --file-prefix "$T_PREFIX" ports --json
	[ "$T_RC" -eq 0 ] || fail "onvmctl ports failed: $(cat "$T_WORK/ports.err")"
	"$T_PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if [p["rx_by"] for p in d.values()] == ["nf " + sys.argv[2]] * 2 else 1)' \
		"$T_WORK/ports.out" "$slot" || fail "onvmctl ports does not say NF slot $slot polls both: $(cat "$T_WORK/ports.out")"
	run_fg ports_t "$CTL" --file-prefix "$T_PREFIX" ports
	grep -q "RX_BY" "$T_WORK/ports_t.out" || fail "onvmctl ports has no RX_BY column: $(cat "$T_WORK/ports_t.out")"
	ok "onvmctl ports: rx_by is \"nf $slot\" for both ports"
fi

# ---- 2. a flow rule takes the ports back, its removal gives them again
if [ -x "$CTL" ]; then
	run_fg fadd "$CTL" --file-prefix "$T_PREFIX" flow add udp 10.9.9.1 1 10.9.9.2 2 chain 2
	[ "$T_RC" -eq 0 ] || fail "onvmctl flow add failed: $(cat "$T_WORK/fadd.err")"
	rx_by_mgr "$J"
	grep -q "nf-rx: the manager polls the ports (a flow rule exists)" "$T_WORK/mgr.err" ||
		fail "the manager does not say why it polls again: $(grep nf-rx "$T_WORK/mgr.err")"
	json_next "$J"
	v=$(nf_get "$J" "$(pid_of fwd1)" port_rx)
	json_next "$J"
	[ "$(nf_get "$J" "$(pid_of fwd1)" port_rx)" -eq "$v" ] ||
		fail "NF 1 still receives from the ports with a flow rule in place"
	port_tx_grows "$J"
	ok "with a flow rule the manager polls the ports (classifier) and they forward"
	run_fg fdel "$CTL" --file-prefix "$T_PREFIX" flow del udp 10.9.9.1 1 10.9.9.2 2
	[ "$T_RC" -eq 0 ] || fail "onvmctl flow del failed: $(cat "$T_WORK/fdel.err")"
	rx_by "$J" fwd1
	ok "without the rule NF 1 polls the ports again"
	# service 1 twice on the chain: NF 2 then feeds NF 1's in_ring, which
	# NF 1 may not produce into itself any more
	run_fg cset "$CTL" --file-prefix "$T_PREFIX" chain set 1,2,1
	[ "$T_RC" -eq 0 ] || fail "onvmctl chain set failed: $(cat "$T_WORK/cset.err")"
	rx_by_mgr "$J"
	wait_for 30 json_true "$J" "[n['fed_by_slot'] for n in j['nfs'] if n['service'] == 1] == [$(nf_get "$J" "$(pid_of fwd2)" slot)]" ||
		fail "NF 2 does not feed NF 1 directly on chain 1,2,1: $(json_get "$J" 'j["nfs"]')"
	port_tx_grows "$J"
	run_fg cset2 "$CTL" --file-prefix "$T_PREFIX" chain set 1,2
	[ "$T_RC" -eq 0 ] || fail "onvmctl chain set failed: $(cat "$T_WORK/cset2.err")"
	rx_by "$J" fwd1
	ok "chain 1,2,1: the manager polls and NF 2 feeds NF 1; back on 1,2 NF 1 polls"
else
	[ -n "${ONVM_BUILD_DIR:-}" ] && fail "$CTL is missing"
	log "onvmctl missing: part 2 not run"
fi

# ---- 3. a second instance of service 1
start_nf fwd1b "$SFWD" -r 1
wait_for 30 nf_listed "$J" "$(pid_of fwd1b)" || fail "fwd1b is not registered"
rx_by_mgr "$J"
grep -q "has no single instance" "$T_WORK/mgr.err" ||
	fail "the manager does not say why it polls again: $(grep nf-rx "$T_WORK/mgr.err")"
nf_grows "$J" "$(pid_of fwd1b)" rx
ok "with two instances of service 1 the manager polls and balances"
kill -TERM "$(pid_of fwd1b)"
expect_exit fwd1b 30 0
rx_by "$J" fwd1
ok "when the second instance left, NF 1 polls again"

# ---- 4. the polling NF dies
kill_busy_nf "$J" fwd1 1
rx_by_mgr "$J"
start_nf fwd1c "$SFWD" -r 1
rx_by "$J" fwd1c
port_tx_grows "$J"
ok "after NF 1's SIGKILL the manager polled; a new NF 1 polls now"
kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
expect_exit fwd1c 30 0
expect_exit fwd2 30 0
lost=$(json_get "$J" 'j["drops"]["nf_tx_lost"] + j["drops"]["nf_rx_lost"]')
in_use=$(json_get "$J" 'sum(p["in_use"] for p in j["mempools"])')
[ "$in_use" -le "$lost" ] ||
	fail "after stop $in_use mbuf(s) in use, only $lost counted lost: $(json_get "$J" 'j["drops"]')"
ok "after stop: $in_use mbuf(s) in use, $lost counted lost by the kill"
expect_clean

# ---- 5. without --nf-tx, shared-core
J=$T_WORK/shared.json
log "part 5: chain 1 with --nf-rx --shared-core (the manager transmits)"
start_mgr mgr5 "$J" "${NULLS[@]}" -- --chain 1 --nf-rx --shared-core
wait_json "$J"
start_nf s1 "$SFWD" -r 1 --drop-every 4
wait_mgr_polling mgr5
rx_by "$J" s1
port_tx_grows "$J"
v=$(nf_get "$J" "$(pid_of s1)" sleeps)
json_next "$J"
[ "$(nf_get "$J" "$(pid_of s1)" sleeps)" -eq "$v" ] ||
	fail "the polling NF sleeps: $(json_get "$J" 'j["nfs"]')"
wait_for 30 json_true "$J" 'j["drops"]["nf_drop"] > 0' ||
	fail "no nf_drop with --drop-every 4: $(json_get "$J" 'j["drops"]')"
ok "NF 1 polls, the manager transmits what it hands back and drops every 4th; NF 1 does not sleep"
kill -INT "$(pid_of mgr5)"
expect_exit mgr5 30 0
expect_exit s1 30 0
expect_no_mbuf_in_use "$J"
json_true "$J" '(lambda d, rx, tx: d > 0 and abs(d * 3 - tx) <= tx * 0.01 + 64 and rx >= tx + d)(j["drops"]["nf_drop"], sum(p["rx"] for p in j["ports"]), sum(p["tx"] for p in j["ports"]))' ||
	fail "not 1 in 4 dropped: drops $(json_get "$J" 'j["drops"]'), ports $(json_get "$J" 'j["ports"]')"
ok "of what NF 1 passed on, 1 in 4 was dropped (nf_drop), 3 in 4 sent"
expect_clean

# ---- 6. net_pcap: the manager keeps polling, byte-identical
log "part 6: net_pcap ports with --nf-rx stay with the manager"
pcap_mgr mgr6 7 1200 --chain 1 --nf-rx --ring-size 4096 --max-nfs 4
start_nf p1 "$SFWD" -r 1
wait_mgr_polling mgr6
pcap_sent 1200
grep -q "nf-rx: port 0 (net_pcap0) is a net_pcap port, which NFs cannot open; the manager polls every port" "$T_WORK/mgr6.err" ||
	fail "the manager does not say it keeps the net_pcap ports: $(cat "$T_WORK/mgr6.err")"
json_true "$J" 'j["port_rx_by"] == -1' || fail "port_rx_by is not -1 with net_pcap ports"
kill -INT "$(pid_of mgr6)"
expect_exit mgr6 30 0
expect_exit p1 30 0
pcap_tool same "$IN" "$OUT" || fail "output pcap differs from the input"
ok "net_pcap: the manager polls; 1200 frames out, identical and in order"
expect_no_mbuf_in_use "$J"
expect_clean
