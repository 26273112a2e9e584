#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# A manager and one of its two NFs SIGKILLed at once under traffic:
#  - the other NF says "manager (pid N) died; exiting" and exits 1;
#  - the hugepage files and runtime directory are left behind.
# The next manager on that prefix:
#  - says "removed N stale hugepage file(s) and the runtime directory ...
#    that did not exit cleanly", N being the files left;
#  - runs, forwards through a new NF, and at stop leaves no file, no
#    process and no mbuf in use.

. "$(dirname "$0")/lib.sh"
t_setup

# Hugepage files of exactly this test's prefix.
huge_files() {
	ls "$T_HUGE" | grep -c "^${T_PREFIX}map_"
}

J=$T_WORK/first.json
start_mgr mgr "$J" --vdev=net_null0 --vdev=net_null1 -- --chain 1,2
wait_json "$J"
start_nf fwd "$SFWD" -l 1 -- -r 1
start_nf fwd2 "$SFWD" -l 0 -- -r 2
wait_for 30 json_true "$J" 'len(j["nfs"]) == 2 and all(n["rx"] > 0 for n in j["nfs"]) and j["ports"][1]["tx"] > 0' ||
	fail "no traffic through the NFs: $(json_get "$J" '[j["ports"], j["nfs"]]')"
ok "traffic flows through the NFs"

mpid=$(pid_of mgr)
kill -KILL "$mpid" "$(pid_of fwd2)"
log "SIGKILLed the manager (pid $mpid) and service 2's NF (pid $(pid_of fwd2))"
expect_exit mgr 30 137
expect_exit fwd2 30 137
expect_exit fwd 30 1
[ "$(last_err fwd)" = "onvm-simple-forward: manager (pid $mpid) died; exiting" ] ||
	fail "service 1's NF's last line is '$(last_err fwd)', expected 'onvm-simple-forward: manager (pid $mpid) died; exiting'"
ok "service 1's NF said: $(last_err fwd)"
left=$(huge_files)
[ "$left" -gt 0 ] || fail "no hugepage file of $T_PREFIX is left after the kills"
[ -d "$T_RUNDIR/$T_PREFIX" ] || fail "no runtime directory $T_RUNDIR/$T_PREFIX is left after the kills"
ok "left behind: $left hugepage file(s) and $T_RUNDIR/$T_PREFIX"

J=$T_WORK/second.json
start_mgr mgr2 "$J" --vdev=net_null0 --vdev=net_null1 -- --chain 1
wait_json "$J"
line=$(grep "stale hugepage file(s)" "$T_WORK/mgr2.err") ||
	fail "the new manager did not say it removed stale files"
case $line in
*"removed $left stale hugepage file(s) and the runtime directory $T_RUNDIR/$T_PREFIX, left by a manager on file prefix \"$T_PREFIX\" that did not exit cleanly") ;;
*) fail "the stale-files line is '$line', expected 'removed $left stale hugepage file(s) and the runtime directory $T_RUNDIR/$T_PREFIX, left by ...'" ;;
esac
ok "the new manager logged: $line"

start_nf fwd_new "$SFWD" -r 1
wait_for 30 json_true "$J" 'len(j["nfs"]) == 1 and j["nfs"][0]["rx"] > 0 and j["ports"][1]["tx"] > 0' ||
	fail "no traffic through the new manager: $(json_get "$J" '[j["ports"], j["nfs"]]')"
ok "the new manager forwards through a new NF"

kill -INT "$(pid_of mgr2)"
expect_exit mgr2 30 0
expect_exit fwd_new 30 0
expect_no_mbuf_in_use "$J"
[ "$(huge_files)" -eq 0 ] || fail "$(huge_files) hugepage file(s) of $T_PREFIX are left"
expect_clean
t_finish
