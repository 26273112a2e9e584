#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# A busy NF (service 1 of chain 1,2,3 on net_null ports) SIGKILLed 20 times
# in a row under traffic, a new one started by the test after each death:
#  - every death is in the stats' "nf_deaths", with the packets freed,
#    and those agree with the manager's log lines;
#  - the chain forwards again after the last one;
#  - after stop no mbuf is in use: nothing leaked over 20 deaths, also the
#    bursts the killed NFs held.

. "$(dirname "$0")/lib.sh"
t_setup

KILLS=20
J=$T_WORK/stats.json
start_mgr mgr "$J" --vdev=net_null0 --vdev=net_null1 -- --chain 1,2,3
wait_json "$J"
# The victim is service 1, fed straight from the ports, on CPU 1 alone: it
# cannot keep up with net_null, so it is nearly always in the middle of a
# burst when it is killed (the held burst the manager must free). Services
# 2 and 3 share CPU 0 with the manager.
start_nf victim0 "$SFWD" -l 1 -- -r 1
start_nf nf2 "$SFWD" -l 0 -- -r 2
start_nf nf3 "$SFWD" -l 0 -- -r 3
wait_mgr_polling mgr
wait_for 30 json_true "$J" 'len(j["nfs"]) == 3 and all(n["rx"] > 0 for n in j["nfs"])' ||
	fail "traffic does not flow through the three NFs: $(json_get "$J" 'j["nfs"]')"
ok "traffic flows through services 1, 2, 3"

pids=()
for k in $(seq 1 $KILLS); do
	kill_busy_nf "$J" "victim$((k - 1))" 1
	pid=$KILLED_PID
	pids+=("$pid")
	log "kill $k: pid $pid; $(grep -o "[0-9]* queued and [0-9]* held" "$T_WORK/mgr.err" | tail -n 1)"
	start_nf "victim$k" "$SFWD" -l 1 -- -r 1
done
ok "$KILLS SIGKILLs of service 1's NF, each seen in nf_deaths"

last=$(pid_of "victim$KILLS")
wait_for 30 json_true "$J" "[n['service'] for n in j['nfs'] if n['pid'] == $last] == [1]" ||
	fail "the last NF (pid $last) is not registered for service 1"
nf_grows "$J" "$last" rx
port_tx_grows "$J"
ok "after $KILLS deaths the chain forwards again (the last NF's rx and the ports' tx grow)"

kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
for nf in nf2 nf3 "victim$KILLS"; do
	expect_exit "$nf" 30 0
done

list=$(IFS=,; echo "${pids[*]}")
json_true "$J" "sorted(d['pid'] for d in j['nf_deaths']) == sorted([$list])" ||
	fail "final nf_deaths are not the $KILLS killed pids: $(json_get "$J" '[d["pid"] for d in j["nf_deaths"]]')"
json_true "$J" "all(d['service'] == 1 and d['freed'] >= 0 and d['reclaimed_ns'] >= d['detected_ns'] > 0 for d in j['nf_deaths'])" ||
	fail "nf_deaths entries: $(json_get "$J" 'j["nf_deaths"]')"
ok "final nf_deaths: the $KILLS killed pids, service 1, detected and reclaimed"

# The packets freed per death, by the log ("Q queued and H held").
logged=0
with_held=0
for pid in "${pids[@]}"; do
	line=$(grep "pid $pid) died" "$T_WORK/mgr.err") || fail "no death line for pid $pid"
	read -r q h <<<"$(sed -n 's/.*died.*; \([0-9]*\) queued and \([0-9]*\) held.*/\1 \2/p' <<<"$line")"
	[ -n "$h" ] || fail "cannot read the drops of: $line"
	logged=$((logged + q + h))
	[ "$h" -gt 0 ] && with_held=$((with_held + 1))
done
log "$with_held of the $KILLS killed NFs held a burst that was not yet handed back"
freed=$(json_get "$J" 'sum(d["freed"] for d in j["nf_deaths"])')
[ "$freed" -eq "$logged" ] ||
	fail "nf_deaths say $freed packet(s) freed, the log's death lines $logged"
json_true "$J" "j['drops']['nf_gone'] >= $freed" ||
	fail "drops.nf_gone $(json_get "$J" 'j["drops"]["nf_gone"]') < the $freed packets freed at deaths"
ok "$freed packet(s) freed over $KILLS deaths; nf_deaths, the log and drops.nf_gone agree"

expect_no_mbuf_in_use "$J"
expect_clean
t_finish
