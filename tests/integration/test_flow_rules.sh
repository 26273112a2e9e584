#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Flow rules added and removed under traffic. onvm-mgr with one net_memif
# port, default chain 1, and --flow steering pktgen's flow 0 (10.0.0.1:1024
# -> 10.1.0.1:5001) to service 2. Service 1 is two onvm-classifier
# instances that steer the flow from 10.0.0.2 to service 3; services 2 and
# 3 are one onvm-simple-forward each. onvm-pktgen sends 8 flows until
# stopped. Then:
#  - service 2 gets flow 0 from the first packet (the --flow rule), service
#    3 gets flow 1 once a classifier added its rule over IPC;
#  - the classifier that added it leaves (SIGTERM) and removes its rule
#    under traffic; flow 1 comes back to the default chain, reaches the
#    other classifier, which adds the rule again; service 3 keeps getting it;
#  - pktgen lost nothing but what the manager counted as dropped (here:
#    nothing); the table holds the --flow rule and the second classifier's;
#    after the second classifier leaves too, only the --flow rule;
# then the manager stops with no mbuf in use, and pktgen (--linger: a memif
# peer must not leave while the manager polls) after it. Nothing is
# asserted about time.

. "$(dirname "$0")/lib.sh"
t_setup

PKTGEN=$B/nfs/pktgen/onvm-pktgen
CLASSIFIER=$B/nfs/classifier/onvm-classifier
[ -x "$PKTGEN" ] || fail "$PKTGEN is missing"
[ -x "$CLASSIFIER" ] || fail "$CLASSIFIER is missing"
SOCK=$T_WORK/$T_PREFIX.sock
FLOW0="udp 10.0.0.1 1024 10.1.0.1 5001"
FLOW1="udp 10.0.0.2 1025 10.1.0.1 5001"

# svc_rx SID: packets received by the instances of service SID.
svc_rx() {
	json_get "$J" "sum(n['rx'] for n in j['nfs'] if n['service'] == $1)"
}

# svc_rx_grows SID: wait until service SID has received more than now.
svc_rx_grows() {
	local v
	v=$(svc_rx "$1")
	wait_for 30 json_true "$J" "sum(n['rx'] for n in j['nfs'] if n['service'] == $1) > $v" ||
		fail "service $1 receives nothing more (rx $v)"
}

J=$T_WORK/mgr.json
start_mgr mgr "$J" --vdev="net_memif0,role=server,socket=$SOCK" -- --chain 1 \
	--flow "$FLOW0 chain 2"
wait_json "$J"
json_true "$J" 'j["flows"]["rules"] == 1' ||
	fail "--flow did not install a rule: $(json_get "$J" 'j["flows"]')"
for c in a b; do
	start_nf cls_$c "$CLASSIFIER" -r 1 --src 10.0.0.2 --chain 3 --print
done
# The default chain is up, the --flow rule's chain (service 2) is not:
# the manager must not poll its ports yet.
wait_for 30 grep -q "waiting for service(s) 2 (of the default chain or a --flow rule's)" \
	"$T_WORK/mgr.err" || fail "the manager does not wait for the --flow rule's service 2: $(tail -n 3 "$T_WORK/mgr.err")"
json_true "$J" 'j["state"] == "starting" and j["ports"][0]["rx"] == 0' ||
	fail "the manager polls ports before the --flow rule's service is up: $(json_get "$J" '[j["state"], j["ports"]]')"
ok "the manager waits for the --flow rule's service 2 before polling ports"
start_nf fwd2 "$SFWD" -r 2
start_nf fwd3 "$SFWD" -r 3
wait_for 30 json_true "$J" 'len(j["nfs"]) == 4' ||
	fail "the NFs did not all register: $(json_get "$J" 'j["nfs"]')"
wait_mgr_polling mgr

start_bg pg "$PKTGEN" --no-pci -l 1 --file-prefix="${T_PREFIX}_pg" \
	--log-level=lib.eal:notice --vdev="net_memif0,role=client,socket=$SOCK" \
	-- --rate 8000 --flows 8 --drain 5 --linger --stats-interval 0 \
	--json "$T_WORK/pg.json"

# The --flow rule from the first packet; the classifier's rule over IPC.
wait_for 30 grep -q "added rule $FLOW1 chain 3" "$T_WORK/cls_a.out" "$T_WORK/cls_b.out" ||
	fail "no classifier added a rule for $FLOW1"
if grep -q "added rule $FLOW1" "$T_WORK/cls_a.out"; then
	first=cls_a second=cls_b
else
	first=cls_b second=cls_a
fi
ok "$first added '$FLOW1 chain 3' over IPC"
svc_rx_grows 2
svc_rx_grows 3
json_true "$J" 'j["flows"]["rules"] == 2 and j["flows"]["hits"] > 0' ||
	fail "expected 2 rules with hits: $(json_get "$J" 'j["flows"]')"
ok "services 2 and 3 get their flows: rules $(json_get "$J" 'j["flows"]')"

# The classifier that added the rule leaves and removes it, under traffic.
kill -TERM "$(pid_of $first)"
expect_exit $first 30 0
grep -q "removed rule $FLOW1" "$T_WORK/$first.out" ||
	fail "$first did not remove its rule: $(tail -n 3 "$T_WORK/$first.out")"
ok "$first removed its rule under traffic"
wait_for 30 grep -q "added rule $FLOW1 chain 3" "$T_WORK/$second.out" ||
	fail "$second did not add the rule again once $FLOW1 came back to the default chain"
ok "$second added it again"
svc_rx_grows 3
svc_rx_grows 2
wait_for 30 json_true "$J" 'j["flows"]["rules"] == 2' ||
	fail "expected 2 rules: $(json_get "$J" 'j["flows"]')"

# pktgen stops sending, drains, writes its summary and lingers until the
# manager has gone (a memif peer must not leave while the manager polls).
P=$T_WORK/pg.json
kill -INT "$(pid_of pg)"
wait_for 60 test -f "$P" || fail "pktgen wrote no summary: $(last_err pg)"
json_true "$P" 'j["tx"] > 0' || fail "pktgen sent nothing: $(cat "$P")"
drops=$(json_get "$J" 'sum(v for k, v in j["drops"].items())')
json_true "$P" "j['lost'] <= $drops" ||
	fail "pktgen lost $(json_get "$P" 'j["lost"]') of $(json_get "$P" 'j["tx"]'), the manager counted $drops drops: $(json_get "$J" 'j["drops"]')"
ok "pktgen: tx $(json_get "$P" 'j["tx"]'), lost $(json_get "$P" 'j["lost"]') (manager drops: $drops), reordered $(json_get "$P" 'j["reordered"]')"

kill -TERM "$(pid_of $second)"
expect_exit $second 30 0
wait_for 30 json_true "$J" 'j["flows"]["rules"] == 1 and j["flows"]["port_rules"] == 0' ||
	fail "expected only the --flow rule: $(json_get "$J" 'j["flows"]')"
ok "both classifiers took their rules back; the --flow rule stays"

kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
expect_exit fwd2 30 0
expect_exit fwd3 30 0
expect_exit pg 30 0
expect_no_mbuf_in_use "$J"
expect_clean
t_finish
