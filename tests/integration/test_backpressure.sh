#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Backpressure: chain 1,2 on net_null ports (flat out), service 2 made slow
# on purpose (onvm-simple-forward --spin 2000: 2 us per packet), both NFs
# on CPU 1. The same 2 s window is measured twice:
#  1. backpressure on (the default, 80 % / 50 %): drops counted as
#     "backpressure" at the entry grow, the chain still forwards (service
#     2 and port 1 transmit), and the NFs' ring_full drops stay far below
#     those of run 2 (less than a tenth);
#  2. --bp-high 0 (off): the overload ends as ring_full drops at the NFs
#     and no backpressure drop.
# Each run: after stop no mbuf is in use, nothing is left. Nothing is
# asserted about throughput.

. "$(dirname "$0")/lib.sh"
t_setup
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"

# sum_nfs JSON FIELD / drop JSON NAME
sum_nfs() {
	json_get "$1" "sum(n['$2'] for n in j['nfs'])"
}
drop() {
	json_get "$1" "j['drops']['$2']"
}

# run NAME MGR-OPTS...: start, wait for traffic through both NFs, measure
# 2 s; sets RF (ring_full), BP (backpressure drops), TX (port 1 tx) of
# the window; then stop and check the final stats.
run() {
	local name=$1 J rf0 bp0 tx0
	shift
	J=$T_WORK/$name.json
	start_mgr "$name-mgr" "$J" --vdev=net_null0 --vdev=net_null1 -- --chain 1,2 "$@"
	wait_json "$J"
	start_nf "$name-nf1" "$SFWD" -l 1 -- -r 1
	start_nf "$name-nf2" "$SFWD" -l 1 -- -r 2 --spin 2000
	wait_mgr_polling "$name-mgr"
	wait_for 30 json_true "$J" 'len(j["nfs"]) == 2 and all(n["tx"] > 1000 for n in j["nfs"]) and j["ports"][1]["tx"] > 1000' ||
		fail "$name: traffic does not flow through both NFs: $(json_get "$J" 'j["nfs"]')"
	sleep 1
	rf0=$(sum_nfs "$J" ring_full)
	bp0=$(drop "$J" backpressure)
	tx0=$(json_get "$J" 'j["ports"][1]["tx"]')
	sleep 2
	RF=$(($(sum_nfs "$J" ring_full) - rf0))
	BP=$(($(drop "$J" backpressure) - bp0))
	TX=$(($(json_get "$J" 'j["ports"][1]["tx"]') - tx0))
	log "$name: in 2 s: ring_full $RF, backpressure $BP, port 1 tx $TX; NFs (service, bp_on, backpressure now): $(json_get "$J" '[(n["service"], n["bp_on"], n["backpressure"]) for n in j["nfs"]]')"
	kill -INT "$(pid_of "$name-mgr")"
	expect_exit "$name-mgr" 30 0
	expect_exit "$name-nf1" 30 0
	expect_exit "$name-nf2" 30 0
	expect_no_mbuf_in_use "$J"
	log "$name: final drops $(json_get "$J" 'j["drops"]')"
}

# ---- 1. backpressure on (defaults)
run bp
[ "$BP" -gt 0 ] || fail "no backpressure drop with service 2 overloaded"
[ "$TX" -gt 0 ] || fail "with backpressure the chain forwards nothing"
ok "backpressure: $BP packets dropped at the entry in 2 s, $TX forwarded, ring_full $RF"
RF_BP=$RF

# ---- 2. backpressure off
run nobp --bp-high 0
[ "$BP" -eq 0 ] || fail "backpressure drops ($BP) with --bp-high 0"
[ "$RF" -gt 0 ] || fail "no ring_full drop without backpressure: is service 2 slow?"
ok "without backpressure: ring_full $RF in 2 s, no backpressure drop"
[ $((RF_BP * 10)) -lt "$RF" ] ||
	fail "ring_full with backpressure ($RF_BP) is not below a tenth of without ($RF)"
ok "ring_full with backpressure $RF_BP, without $RF"
expect_clean
t_finish
