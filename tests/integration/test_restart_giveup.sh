#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# --restart 2/30 (net_null ports, chain 1):
#  - an NF that exits on its own after registering (a bad option) leaves
#    cleanly and is not restarted;
#  - an NF SIGKILLed as soon as it is up is restarted twice (the restarted
#    ones' deaths are reported with their signal), and at the third death
#    the manager says "died 3 times in 30 s; giving up on restarting it"
#    and starts nothing more; packets for the service count as no_instance;
#  - an NF started by hand afterwards is accepted and forwards; the
#    manager stops cleanly with no mbuf in use.

. "$(dirname "$0")/lib.sh"
t_setup

J=$T_WORK/stats.json
start_mgr mgr "$J" --vdev=net_null0 --vdev=net_null1 -- --chain 1 --restart 2/30
wait_json "$J"

# simple_forward registers before it reads its own options, then leaves.
start_nf bad "$SFWD" -r 1 -d 0
expect_exit bad 30 1
grep -q "bad option" "$T_WORK/bad.err" || fail "the NF did not complain about -d 0"
wait_for 30 grep -q "pid $(pid_of bad)) left" "$T_WORK/mgr.err" ||
	fail "the manager did not log that pid $(pid_of bad) left"
ok "an NF that exits by itself after registering: $(grep "pid $(pid_of bad)) left" "$T_WORK/mgr.err")"

start_nf nf "$SFWD" -l 1 -- -r 1
wait_mgr_polling mgr
pid=$(pid_of nf)
for death in 1 2 3; do
	wait_for 30 json_true "$J" "[n['service'] for n in j['nfs'] if n['pid'] == $pid] == [1]" ||
		fail "death $death: pid $pid is not registered for service 1: $(json_get "$J" 'j["nfs"]')"
	kill -KILL "$pid"
	wait_for 30 json_true "$J" "any(d['pid'] == $pid for d in j['nf_deaths'])" ||
		fail "death $death: no nf_deaths entry for pid $pid"
	log "death $death: $(grep "pid $pid) died" "$T_WORK/mgr.err")"
	if [ "$death" -gt 1 ]; then
		grep -q "pid $pid) died (signal 9, Killed);" "$T_WORK/mgr.err" ||
			fail "the death of the restarted NF (pid $pid) does not name its signal: $(grep "pid $pid)" "$T_WORK/mgr.err")"
	fi
	[ "$death" -eq 3 ] && break
	wait_for 30 restarts_reach "$T_WORK/mgr.err" 1 "$death" ||
		fail "death $death: the manager did not restart the NF"
	pid=$(restart_pids "$T_WORK/mgr.err" 1 | tail -n 1)
	adopt "nf_restart$death" "$pid"
	ok "death $death: $(grep "restarting NF of service 1" "$T_WORK/mgr.err" | tail -n 1)"
done
ok "the deaths of the restarted NFs name their signal (signal 9, Killed)"

wait_for 30 grep -q "died 3 times in 30 s; giving up on restarting it" "$T_WORK/mgr.err" ||
	fail "no 'giving up' line after the third death"
ok "the manager logged: $(grep "giving up" "$T_WORK/mgr.err")"
# A third restart would have been due 500 ms after the death: give it 3 s.
sleep 3
n=$(restart_pids "$T_WORK/mgr.err" 1 | wc -l)
[ "$n" -eq 2 ] || fail "$n restarts logged, expected 2: $(grep restarting "$T_WORK/mgr.err")"
json_true "$J" '[n for n in j["nfs"] if n["service"] == 1] == [] and j["services"] == []' ||
	fail "service 1 still has an NF after the give-up: $(json_get "$J" 'j["nfs"]')"
ok "no restart after giving up (2 in all), and service 1 has no NF"
nd=$(json_get "$J" 'j["drops"]["no_instance"]')
wait_for 30 json_true "$J" "j['drops']['no_instance'] > $nd" ||
	fail "drops.no_instance does not grow without service 1: $(json_get "$J" 'j["drops"]')"
ok "packets for service 1 count as drops.no_instance"

start_nf nf_hand "$SFWD" -l 1 -- -r 1
wait_for 30 nf_listed "$J" "$(pid_of nf_hand)" ||
	fail "an NF started by hand after the give-up is not registered"
nf_grows "$J" "$(pid_of nf_hand)" rx
port_tx_grows "$J"
ok "an NF started by hand after the give-up registers and forwards"

kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
expect_exit nf_hand 30 0
expect_no_mbuf_in_use "$J"
expect_clean
t_finish
