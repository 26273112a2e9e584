#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# The manager killed with SIGKILL under traffic:
#  - its NF notices, says "manager (pid N) died; exiting" and exits;
#  - a new NF on that prefix is told there is no manager;
#  - a new manager on the same prefix starts in spite of the dead one's
#    files, forwards through a new NF, and at stop leaves no file at all
#    (its own nor the dead manager's) and no mbuf in use.

. "$(dirname "$0")/lib.sh"
t_setup

J=$T_WORK/first.json
start_mgr mgr "$J" --vdev=net_null0 --vdev=net_null1 -- --chain 1
wait_json "$J"
start_nf fwd "$SFWD" -r 1
wait_for 30 json_true "$J" 'j["ports"][1]["tx"] > 0 and len(j["nfs"]) == 1 and j["nfs"][0]["rx"] > 0' ||
	fail "no traffic through the NF: $(json_get "$J" '[j["ports"], j["nfs"]]')"
ok "traffic flows through the NF"

mpid=$(pid_of mgr)
log "killing the manager (pid $mpid) with SIGKILL"
kill -KILL "$mpid"
expect_exit mgr 30 137
wait_exit fwd 30 || fail "the NF is still running 30 s after its manager died"
rc=$T_RC
case $(last_err fwd) in
"onvm-simple-forward: manager (pid $mpid) died; exiting") ;;
*) fail "the NF's last line is '$(last_err fwd)', expected 'onvm-simple-forward: manager (pid $mpid) died; exiting'" ;;
esac
ok "the NF exited (status $rc): $(last_err fwd)"
log "left by the dead manager: $(ls "$T_HUGE" | grep -c "^$T_PREFIX") hugepage file(s)"

run_fg nf_orphan "$SFWD" -r 1 --file-prefix "$T_PREFIX"
expect_error nf_orphan onvm-simple-forward "no manager on file prefix \"$T_PREFIX\""

J=$T_WORK/second.json
start_mgr mgr2 "$J" --vdev=net_null0 --vdev=net_null1 -- --chain 1
wait_json "$J"
start_nf fwd2 "$SFWD" -r 1
wait_for 30 json_true "$J" 'j["ports"][1]["tx"] > 0 and len(j["nfs"]) == 1 and j["nfs"][0]["rx"] > 0' ||
	fail "no traffic through the second manager: $(json_get "$J" '[j["ports"], j["nfs"]]')"
ok "a new manager on the same prefix forwards through a new NF"

kill -INT "$(pid_of mgr2)"
expect_exit mgr2 30 0
expect_exit fwd2 30 0
expect_no_mbuf_in_use "$J"
expect_clean
