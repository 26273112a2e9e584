#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# --nf-tx: the NF transmits itself, and net_null frees what it sent into
# the NF's own mempool cache (lcore id ONVM_NF_CACHE_LCORE(slot)). The NF
# (chain 1 on net_null ports) is SIGKILLed 10 times under traffic, a new
# one started after each death:
#  - after each death the manager gives the dead NF's cache back to the
#    pool, or, if the NF died inside a transmit, counts its mbufs as
#    nf_tx_lost: after stop, mbufs in use <= nf_tx_lost (without the
#    reclaim, every death would leave up to a cache's worth in use);
#  - the chain forwards again after the 10th death; then that NF is
#    killed too, and nobody takes its slot (and so its cache) after it.
# test_kill_nf_rx runs it with --nf-rx too (ONVM_KILL_NF_RX=1): the NF also
# polls the ports, into the same cache; a burst it had received but not
# queued is given back, a death inside the PMD's rx counted nf_rx_lost.

. "$(dirname "$0")/lib.sh"
t_setup

KILLS=10 # then one more, not replaced
J=$T_WORK/stats.json
RX=()
NFARGS=()
if [ "${ONVM_KILL_NF_RX:-0}" = 1 ]; then
	RX=(--nf-rx)
	# every 3rd packet dropped: bursts that are split per packet too
	NFARGS=(--drop-every 3)
fi
start_mgr mgr "$J" --vdev=net_null0 --vdev=net_null1 -- --chain 1 --nf-tx "${RX[@]}"
wait_json "$J"
start_nf victim0 "$SFWD" -l 1 -- -r 1 "${NFARGS[@]}"
wait_mgr_polling mgr
wait_for 30 json_true "$J" 'len(j["nfs"]) == 1 and j["nfs"][0]["rx"] > 0' ||
	fail "traffic does not flow through the NF: $(json_get "$J" 'j["nfs"]')"
grep -q "transmits itself" "$T_WORK/victim0.err" ||
	fail "the NF does not transmit itself: $(cat "$T_WORK/victim0.err")"
ok "traffic flows; the NF transmits itself"
if [ ${#RX[@]} -gt 0 ]; then
	wait_for 30 json_true "$J" 'j["port_rx_by"] == j["nfs"][0]["slot"] and j["nfs"][0]["port_rx"] > 0' ||
		fail "the NF does not poll the ports: $(json_get "$J" 'j["port_rx_by"]')"
	ok "the NF polls the ports itself"
fi

for k in $(seq 1 $KILLS); do
	kill_busy_nf "$J" "victim$((k - 1))" 1
	start_nf "victim$k" "$SFWD" -l 1 -- -r 1 "${NFARGS[@]}"
done
ok "$KILLS SIGKILLs of the transmitting NF, each seen in nf_deaths"

port_tx_grows "$J"
# The last one too, with nobody after it in its slot (a successor in the
# same slot would carry on with the dead NF's cache).
kill_busy_nf "$J" "victim$KILLS" 1
ok "after $KILLS deaths the NF forwarded again; killed it too"
kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
json_true "$J" 'j["final"] is True' || fail "not the final stats"
lost=$(json_get "$J" 'j["drops"]["nf_tx_lost"] + j["drops"]["nf_rx_lost"]')
in_use=$(json_get "$J" 'sum(p["in_use"] for p in j["mempools"])')
# nf_tx_lost counts what may be lost: a burst the PMD may already have
# freed, and the cache of an NF killed inside a mempool operation (lost);
# nf_rx_lost a burst for each death inside a port rx (--nf-rx).
[ "$in_use" -le "$lost" ] ||
	fail "after stop $in_use mbuf(s) in use, only $lost counted lost: $(json_get "$J" 'j["mempools"]') $(json_get "$J" 'j["drops"]')"
ok "after stop: $in_use mbuf(s) in use, no more than the $lost counted nf_tx_lost + nf_rx_lost (NFs killed inside a transmit or a port rx)"
expect_clean
