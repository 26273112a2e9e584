#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# An NF that stops making progress (SIGSTOP; service 2 of chain 1,2 on
# net_null ports, on a CPU of its own):
#  - the manager logs "stalled" and the stats show its state "stalled";
#  - its ring fills and the drops are counted against it (its ring_full
#    and drops), while service 1 keeps receiving and the manager keeps
#    writing stats;
#  - after SIGCONT the manager logs "runs again", the state is "running"
#    and the NF receives again; after stop no mbuf is in use.
# Backpressure is off (--bp-high 0): with it, the full ring would stop the
# chain at the entry instead (test_backpressure.sh).

. "$(dirname "$0")/lib.sh"
t_setup

J=$T_WORK/stats.json
start_mgr mgr "$J" --vdev=net_null0 --vdev=net_null1 -- --chain 1,2 --bp-high 0
wait_json "$J"
start_nf nf1 "$SFWD" -l 0 -- -r 1
start_nf nf2 "$SFWD" -l 1 -- -r 2
wait_mgr_polling mgr
wait_for 30 json_true "$J" 'len(j["nfs"]) == 2 and all(n["rx"] > 0 and n["state"] == "running" for n in j["nfs"])' ||
	fail "traffic does not flow through the two NFs: $(json_get "$J" 'j["nfs"]')"
ok "traffic flows through services 1 and 2"

p1=$(pid_of nf1)
p2=$(pid_of nf2)
kill -STOP "$p2"
log "SIGSTOPped service 2's NF (pid $p2)"
wait_for 30 json_true "$J" "[n['state'] for n in j['nfs'] if n['pid'] == $p2] == ['stalled']" ||
	fail "the stopped NF's state is not 'stalled': $(json_get "$J" 'j["nfs"]')"
ok "the stopped NF's state is 'stalled'"
line=$(grep "pid $p2) stalled: no progress for" "$T_WORK/mgr.err") ||
	fail "the manager did not log that pid $p2 stalled"
ok "the manager logged: $line"

rx=$(nf_get "$J" "$p2" rx)
nf_grows "$J" "$p2" ring_full
nf_grows "$J" "$p2" drops
ok "the stalled NF's ring_full and drops grow"
json_true "$J" "[n['rx'] for n in j['nfs'] if n['pid'] == $p2] == [$rx] and [n['rx_ring_used'] for n in j['nfs'] if n['pid'] == $p2][0] > 0" ||
	fail "the stopped NF's rx moved or its ring is empty: $(json_get "$J" 'j["nfs"]')"
ok "its rx stays at $rx and its ring holds packets"
nf_grows "$J" "$p1" rx
t=$(json_get "$J" 'j["time"]')
wait_for 30 json_true "$J" "j['time'] > $t and j['state'] == 'running'" ||
	fail "the manager stopped writing stats"
ok "service 1 keeps receiving and the manager keeps writing stats"
json_true "$J" "[n['state'] for n in j['nfs'] if n['pid'] == $p1] == ['running']" ||
	fail "service 1's NF is not 'running': $(json_get "$J" 'j["nfs"]')"
ok "service 1's NF stays 'running'"

kill -CONT "$p2"
log "SIGCONT to pid $p2"
wait_for 30 json_true "$J" "[n['state'] for n in j['nfs'] if n['pid'] == $p2] == ['running']" ||
	fail "the NF's state is not 'running' again after SIGCONT: $(json_get "$J" 'j["nfs"]')"
ok "its state is 'running' again"
wait_for 30 grep -q "pid $p2) runs again" "$T_WORK/mgr.err" ||
	fail "the manager did not log that pid $p2 runs again"
ok "the manager logged: $(grep "pid $p2) runs again" "$T_WORK/mgr.err")"
nf_grows "$J" "$p2" rx
port_tx_grows "$J"
ok "it receives again and the ports transmit"

kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
expect_exit nf1 30 0
expect_exit nf2 30 0
expect_no_mbuf_in_use "$J"
expect_clean
t_finish
