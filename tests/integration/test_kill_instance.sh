#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# The busy one of two instances of a service SIGKILLed under traffic
# (net_null ports, chain 1,2, service 1 with two instances): the dead one
# leaves the service, the other takes service 1's traffic, and since the
# service never lacked an instance nothing counts as no_instance; after
# stop no mbuf is in use.

. "$(dirname "$0")/lib.sh"
t_setup

J=$T_WORK/stats.json
start_mgr mgr "$J" --vdev=net_null0 --vdev=net_null1 -- --chain 1,2
wait_json "$J"
start_nf nf1a "$SFWD" -l 1 -- -r 1
start_nf nf1b "$SFWD" -l 0 -- -r 1
wait_for 30 json_true "$J" '[len(s["instances"]) for s in j["services"] if s["id"] == 1] == [2]' ||
	fail "service 1 does not have two instances: $(json_get "$J" 'j["services"]')"
start_nf nf2 "$SFWD" -l 0 -- -r 2
wait_mgr_polling mgr
# net_null frames are all alike: one flow, so one instance gets them all.
# Kill that one.
wait_for 30 json_true "$J" "len(j['nfs']) == 3 and any(n['rx'] > 0 for n in j['nfs'] if n['service'] == 1) and [n['rx'] > 0 for n in j['nfs'] if n['service'] == 2] == [True]" ||
	fail "traffic does not flow through services 1 and 2: $(json_get "$J" 'j["nfs"]')"
if json_true "$J" "[n['rx'] for n in j['nfs'] if n['pid'] == $(pid_of nf1a)][0] >= [n['rx'] for n in j['nfs'] if n['pid'] == $(pid_of nf1b)][0]"; then
	victim=nf1a other=nf1b
else
	victim=nf1b other=nf1a
fi
a=$(pid_of $victim)
b=$(pid_of $other)
ok "traffic flows; service 1's busy instance is pid $a (rx $(nf_get "$J" "$a" rx)), the other pid $b (rx $(nf_get "$J" "$b" rx))"

kill -KILL "$a"
log "SIGKILLed instance $(nf_get "$J" "$a" instance) of service 1 (pid $a)"
expect_exit $victim 30 137
wait_for 30 json_true "$J" "any(d['pid'] == $a for d in j['nf_deaths'])" ||
	fail "no nf_deaths entry for pid $a"
wait_for 30 json_true "$J" "not any(n['pid'] == $a for n in j['nfs']) and [len(s['instances']) for s in j['services'] if s['id'] == 1] == [1]" ||
	fail "the dead instance is still listed: $(json_get "$J" '[j["nfs"], j["services"]]')"
ok "the dead instance left service 1; one instance remains"
nf_grows "$J" "$b" rx
nf_grows "$J" "$(pid_of nf2)" rx
port_tx_grows "$J"
ok "the other instance now receives, service 2 too, and the ports transmit"

# Checked before the stop: at a stop the NFs leave in any order, and
# packets in flight between them may meet a service that has just gone.
json_true "$J" 'j["drops"]["no_instance"] == 0' ||
	fail "packets counted as no_instance though service 1 always had an instance: $(json_get "$J" 'j["drops"]')"
ok "drops.no_instance == 0: service 1 never lacked an instance"

kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
expect_exit $other 30 0
expect_exit nf2 30 0
expect_no_mbuf_in_use "$J"
expect_clean
t_finish
