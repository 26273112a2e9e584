#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# The middle NF of a chain of three (net_null ports, chain 1,2,3, manager
# with --restart 3/10) is SIGKILLed under traffic:
#  - its death is in the stats' "nf_deaths" and in the manager's log;
#  - the manager starts it again from its own command line, with its
#    output appended to the same files; the new NF receives packets and
#    the ports transmit again;
#  - after stop no mbuf is in use.
# Detection, reclaim and recovery times are printed, not judged.

. "$(dirname "$0")/lib.sh"
t_setup

J=$T_WORK/stats.json
start_mgr mgr "$J" --vdev=net_null0 --vdev=net_null1 -- --chain 1,2,3 --restart 3/10
wait_json "$J"
# The victim (service 2) has CPU 1 to itself, so it always has a burst in
# hand; services 1 and 3 share CPU 0 with the manager.
start_nf nf1 "$SFWD" -l 0 -- -r 1
start_nf nf2 "$SFWD" -l 1 -- -r 2
start_nf nf3 "$SFWD" -l 0 -- -r 3
wait_mgr_polling mgr
wait_for 30 json_true "$J" 'len(j["nfs"]) == 3 and all(n["rx"] > 0 and n["tx"] > 0 for n in j["nfs"])' ||
	fail "traffic does not flow through the three NFs: $(json_get "$J" 'j["nfs"]')"
ok "traffic flows through services 1, 2, 3"

victim=$(pid_of nf2)
json_true "$J" "[n['service'] for n in j['nfs'] if n['pid'] == $victim] == [2]" ||
	fail "pid $victim is not listed as service 2: $(json_get "$J" 'j["nfs"]')"
nf_grows "$J" "$victim" rx
ok "service 2's NF (pid $victim) is busy: its rx grows"

t_kill=$(kill_at KILL "$victim") || fail "cannot SIGKILL pid $victim"
log "SIGKILLed service 2's NF (pid $victim) at monotonic $t_kill ns"
expect_exit nf2 30 137

wait_for 30 json_true "$J" "any(d['pid'] == $victim for d in j['nf_deaths'])" ||
	fail "no nf_deaths entry for pid $victim: $(json_get "$J" 'j["nf_deaths"]')"
json_true "$J" "[(d['service'], d['freed'] >= 0) for d in j['nf_deaths'] if d['pid'] == $victim] == [(2, True)]" ||
	fail "the death entry is not one of service 2: $(json_get "$J" 'j["nf_deaths"]')"
ok "nf_deaths: $(json_get "$J" "[d for d in j['nf_deaths'] if d['pid'] == $victim][0]")"
died=$(grep "pid $victim) died" "$T_WORK/mgr.err") ||
	fail "the manager did not log that pid $victim died"
case $died in
*"queued and "*" held packet(s) dropped") ;;
*) fail "the death line does not say what was dropped: $died" ;;
esac
ok "the manager logged: $died"

wait_for 30 restarts_reach "$T_WORK/mgr.err" 2 1 ||
	fail "the manager did not restart service 2's NF (no 'restarting NF of service 2' line)"
new=$(restart_pids "$T_WORK/mgr.err" 2 | tail -n 1)
adopt nf2_restarted "$new"
ok "the manager logged: $(grep "restarting NF of service 2" "$T_WORK/mgr.err")"

wait_for 30 json_true "$J" "[n['service'] for n in j['nfs'] if n['pid'] == $new] == [2]" ||
	fail "the restarted NF (pid $new) is not registered for service 2: $(json_get "$J" 'j["nfs"]')"
nf_grows "$J" "$new" rx
ok "the restarted NF (pid $new) is service 2 again and its rx grows"
port_tx_grows "$J"
ok "the ports transmit again"
json_true "$J" 'sorted(s["id"] for s in j["services"]) == [1, 2, 3] and all(len(s["instances"]) == 1 for s in j["services"])' ||
	fail "services after the restart: $(json_get "$J" 'j["services"]')"
ok "services 1, 2, 3 with one instance each again"
[ "$(grep -c "simple_forward: service 2 instance" "$T_WORK/nf2.err")" -eq 2 ] ||
	fail "nf2.err does not hold the start lines of both the old and the restarted NF"
ok "the restarted NF appends to the original NF's stderr file"

# Printed, not judged: this machine's 2 cores are shared and noisy.
detected=$(death_get "$J" "$victim" detected_ns)
reclaimed=$(death_get "$J" "$victim" reclaimed_ns)
first=$(nf_get "$J" "$new" first_pkt_ns)
log "SIGKILL to detected: $(ms "$t_kill" "$detected") ms; to reclaimed: $(ms "$t_kill" "$reclaimed") ms;" \
	"to the restarted NF's first packet: $(ms "$t_kill" "$first") ms;" \
	"freed $(death_get "$J" "$victim" freed) packet(s)"

kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
for nf in nf1 nf3; do
	expect_exit "$nf" 30 0
done
wait_for 30 not_alive "$new" || fail "the restarted NF (pid $new) still runs after the manager stopped"
[ "$(last_err nf2)" = "onvm-simple-forward: manager stopped; exiting" ] ||
	fail "the restarted NF's last line is '$(last_err nf2)'"
ok "the restarted NF said 'manager stopped; exiting'"
expect_no_mbuf_in_use "$J"
expect_clean
t_finish
