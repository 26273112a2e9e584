#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Flow rules that cannot be installed:
#  - a bad --flow stops the manager before the EAL with one line naming
#    the bad word; a rule for an input port the manager lacks stops it
#    after, with one line;
#  - a full table: --flow-table 16 with one --flow rule; onvm-classifier
#    (service 1) asks for a rule for each of pktgen's 64 flows. 15 are
#    added, then the manager refuses with -ENOSPC and the classifier says
#    once, in one line, that the table is full; the table holds 16 rules,
#    the other flows stay on the default chain and nothing is lost;
# then the manager stops with no mbuf in use, and pktgen after it.

. "$(dirname "$0")/lib.sh"
t_setup

PKTGEN=$B/nfs/pktgen/onvm-pktgen
CLASSIFIER=$B/nfs/classifier/onvm-classifier
[ -x "$PKTGEN" ] || fail "$PKTGEN is missing"
[ -x "$CLASSIFIER" ] || fail "$CLASSIFIER is missing"
SOCK=$T_WORK/$T_PREFIX.sock

# ---- bad rules at start
run_fg bad_rule "$MGR" --no-pci -l 0 --file-prefix="$T_PREFIX" --vdev=net_null0 \
	-- --chain 1 --flow "udp 10.0.0.1 x 10.0.0.2 80 chain 2"
expect_error bad_rule onvm-mgr "bad --flow 'udp 10.0.0.1 x 10.0.0.2 80 chain 2': bad source port 'x'"
run_fg bad_chain "$MGR" --no-pci -l 0 --file-prefix="$T_PREFIX" --vdev=net_null0 \
	-- --chain 1 --flow "tcp ::1 1 ::2 2 chain 1,64"
expect_error bad_chain onvm-mgr "bad service id '64' in chain"
run_fg bad_port "$MGR" --no-pci -l 0 --file-prefix="$T_PREFIX" --vdev=net_null0 \
	--log-level=lib.eal:notice -- --chain 1 --flow "udp 10.0.0.1 1 10.0.0.2 2 in 3 chain 2"
expect_error bad_port onvm-mgr "--flow 'udp 10.0.0.1 1 10.0.0.2 2 in 3 chain 2': input port 3 does not exist (1 port)"

# ---- a full table
J=$T_WORK/mgr.json
start_mgr mgr "$J" --vdev="net_memif0,role=server,socket=$SOCK" -- --chain 1 \
	--flow-table 16 --flow "tcp 192.168.1.1 1 192.168.1.2 2 chain 2"
wait_json "$J"
json_true "$J" 'j["flows"]["rules"] == 1 and j["flows"]["capacity"] == 16' ||
	fail "expected 1 rule of 16: $(json_get "$J" 'j["flows"]')"
start_nf cls "$CLASSIFIER" -r 1 --chain 2
start_nf fwd2 "$SFWD" -r 2
wait_mgr_polling mgr

# --linger: pktgen writes its summary, then waits for the manager to go
# first (a memif peer must not leave while the manager polls).
start_bg pg "$PKTGEN" --no-pci -l 1 --file-prefix="${T_PREFIX}_pg" \
	--log-level=lib.eal:notice --vdev="net_memif0,role=client,socket=$SOCK" \
	-- --rate 10000 --count 6400 --flows 64 --drain 5 --linger \
	--stats-interval 0 --json "$T_WORK/pg.json"
wait_for 60 test -f "$T_WORK/pg.json" || fail "pktgen wrote no summary: $(last_err pg)"
json_true "$T_WORK/pg.json" 'j["lost"] == 0 and j["tx"] == 6400' ||
	fail "pktgen: $(json_get "$T_WORK/pg.json" '[j["tx"], j["rx"], j["lost"]]')"
ok "pktgen: 6400 packets of 64 flows, none lost"

wait_for 30 grep -q "flow table full" "$T_WORK/cls.err" ||
	fail "the classifier did not report a full table: $(tail -n 3 "$T_WORK/cls.err")"
line=$(grep "flow table full" "$T_WORK/cls.err")
[ "$(echo "$line" | wc -l)" -eq 1 ] || fail "the classifier said it more than once: $line"
case $line in
"onvm-classifier: flow table full (16 rules; see --flow-table): "*) ;;
*) fail "unexpected line: '$line'" ;;
esac
ok "the classifier said once: '$line'"
wait_for 30 json_true "$J" 'j["flows"]["rules"] == 16' ||
	fail "expected a full table of 16 rules: $(json_get "$J" 'j["flows"]')"
ok "the table holds 16 rules: $(json_get "$J" 'j["flows"]')"

kill -TERM "$(pid_of cls)"
expect_exit cls 30 0
grep -q "15 rule(s) added, [0-9]* refused, 15 removed at exit" "$T_WORK/cls.out" ||
	fail "classifier summary: $(tail -n 1 "$T_WORK/cls.out")"
ok "$(tail -n 1 "$T_WORK/cls.out")"
wait_for 30 json_true "$J" 'j["flows"]["rules"] == 1' ||
	fail "the classifier's rules are still there: $(json_get "$J" 'j["flows"]')"

kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
expect_exit fwd2 30 0
expect_exit pg 30 0
expect_no_mbuf_in_use "$J"
expect_clean
t_finish
