#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Direct NF-to-NF handoff on chain 1,2,3 (net_null ports, --restart 3/10):
#  - each NF after the first is fed directly by the NF before it
#    ("fed_by_slot" in the stats), and traffic flows through all three;
#  - a second instance of service 2 turns the edges into and out of service
#    2 off (the manager balances); when it leaves, they come back;
#  - the middle NF is SIGKILLed under traffic: the edges go, the manager
#    restarts it, the edges come back and traffic flows again;
#  - after stop no mbuf is in use, nothing is left.

. "$(dirname "$0")/lib.sh"
t_setup

J=$T_WORK/stats.json
start_mgr mgr "$J" --vdev=net_null0 --vdev=net_null1 -- --chain 1,2,3 --restart 3/10
wait_json "$J"
start_nf nf1 "$SFWD" -r 1
start_nf nf2 "$SFWD" -r 2
start_nf nf3 "$SFWD" -r 3
wait_mgr_polling mgr

# "[fed_by of service 1, 2, 3]" as the slots of "[-1, service 1, service 2]"
EDGES_ON='(lambda s: len(j["nfs"]) == 3 and [s[1]["fed_by_slot"], s[2]["fed_by_slot"], s[3]["fed_by_slot"]] == [-1, s[1]["slot"], s[2]["slot"]])({n["service"]: n for n in j["nfs"]})'
wait_for 30 json_true "$J" "$EDGES_ON" ||
	fail "the edges 1->2->3 are not direct: $(json_get "$J" '[(n["service"], n["slot"], n["fed_by_slot"]) for n in j["nfs"]]')"
ok "service 2 is fed by service 1's NF, service 3 by service 2's"
wait_for 30 json_true "$J" 'all(n["rx"] > 0 and n["tx"] > 0 for n in j["nfs"]) and all(p["tx"] > 0 for p in j["ports"])' ||
	fail "traffic does not flow through the three NFs: $(json_get "$J" 'j["nfs"]')"
for s in 2 3; do
	wait_for 30 json_true "$J" "[n['in_ring_used'] >= 0 and n['rx'] > 0 for n in j['nfs'] if n['service'] == $s] == [True]" ||
		fail "service $s receives nothing"
done
ok "traffic flows through services 1, 2, 3 and out of the ports"

# ---- a second instance of service 2: no single next hop, no edge
start_nf nf2b "$SFWD" -r 2
wait_for 30 json_true "$J" 'len(j["nfs"]) == 4 and all(n["fed_by_slot"] == -1 for n in j["nfs"])' ||
	fail "with two instances of service 2 an edge is still direct: $(json_get "$J" '[(n["service"], n["slot"], n["fed_by_slot"]) for n in j["nfs"]]')"
ok "two instances of service 2: every NF is fed by the manager"
# (net_null's frames are all alike: one flow, so one instance gets them.)
tx1=$(json_get "$J" 'j["ports"][1]["tx"]')
wait_for 30 json_true "$J" "j['ports'][1]['tx'] > $tx1" ||
	fail "port 1 does not transmit with two instances of service 2"
ok "traffic flows through the manager's path"
kill -TERM "$(pid_of nf2b)"
expect_exit nf2b 30 0
wait_for 30 json_true "$J" "$EDGES_ON" ||
	fail "the edges do not come back after the second instance left: $(json_get "$J" '[(n["service"], n["slot"], n["fed_by_slot"]) for n in j["nfs"]]')"
ok "the second instance left: the edges 1->2->3 are direct again"

# ---- SIGKILL the middle NF
victim=$(pid_of nf2)
nf_grows "$J" "$victim" rx
kill -KILL "$victim"
expect_exit nf2 30 137
wait_for 30 json_true "$J" "any(d['pid'] == $victim for d in j['nf_deaths'])" ||
	fail "no nf_deaths entry for pid $victim"
wait_for 30 restarts_reach "$T_WORK/mgr.err" 2 1 ||
	fail "the manager did not restart service 2's NF"
new=$(restart_pids "$T_WORK/mgr.err" 2 | tail -n 1)
adopt nf2_restarted "$new"
wait_for 30 json_true "$J" "$EDGES_ON" ||
	fail "the edges do not come back after the restart: $(json_get "$J" '[(n["service"], n["slot"], n["fed_by_slot"]) for n in j["nfs"]]')"
nf_grows "$J" "$new" rx
tx1=$(json_get "$J" 'j["ports"][1]["tx"]')
wait_for 30 json_true "$J" "j['ports'][1]['tx'] > $tx1" ||
	fail "port 1 does not transmit after the restart"
ok "restarted as pid $new: fed directly again, traffic flows"

kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
for nf in nf1 nf3; do
	expect_exit "$nf" 30 0
done
# (the manager's child, not ours: no exit status to read)
wait_for 30 not_alive "$new" || fail "the restarted NF (pid $new) still runs after the manager stopped"
expect_no_mbuf_in_use "$J"
log "drops: $(json_get "$J" 'j["drops"]')"
expect_clean
