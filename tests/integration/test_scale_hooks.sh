#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# The NF library's scaling hooks, with net_null ports (flat out) and chain 1.
# Service 1 has a policy that never fires on its own (--scale 1:max=2,
# high=100,low=0) and one onvm-monitor started with --scale-out-after 0:
#  1. at once it asks for another instance of itself
#     (onvm_nf_scale_out()): the manager logs who asked, starts one from its
#     command line, and it registers in service 1; the new one asks
#     too and is told the service has its maximum (ENOSPC); onvmctl
#     services shows the policy and the one scale-out;
#  2. `onvmctl stop 1:2`: instance 2 drains, its stop handler runs (it says
#     why: asked by the manager) and it leaves, not restarted;
#  3. SIGTERM to instance 1: its stop handler says "requested"; the
#     service is below its min (1), so the manager starts one again.
# No mbuf in use at the end.

. "$(dirname "$0")/lib.sh"
t_setup

CTL=$B/onvm_mgr/ctl/onvmctl
[ -x "$CTL" ] || fail "$CTL is missing"
J=$T_WORK/mgr.json
LOG=$T_WORK/mon.log

start_mgr mgr "$J" --vdev=net_null0 -- --chain 1 --scale 1:max=2,high=100,low=0
wait_json "$J"
# appended: the second instance writes to the same file
start_bg mon1 bash -c 'exec "$0" "$@" >>"'"$LOG"'" 2>&1' \
	"$MONITOR" -l 1 -- -r 1 --file-prefix "$T_PREFIX" --scale-out-after 0
wait_mgr_polling mgr

# ---- 1. asked for
wait_for 30 grep -q "service 1: instance 1 (pid $(pid_of mon1)) asked for another, starting instance 2" "$T_WORK/mgr.err" ||
	fail "no start on the NF's request: $(tail -n 3 "$LOG")"
ok "the manager logged: $(grep -m1 "asked for another" "$T_WORK/mgr.err" | sed 's/.*mgr: //')"
pid2=$(sed -n 's/.*asked for another, starting instance 2 (pid \([0-9]*\)).*/\1/p' "$T_WORK/mgr.err" | head -n 1)
adopt mon2 "$pid2"
wait_for 30 grep -q "instance 1 asked for another instance: started" "$LOG" ||
	fail "onvm_nf_scale_out() did not return 0: $(grep "asked for" "$LOG")"
# (net_null's frames are all alike: one flow, so one instance gets them)
wait_for 30 json_true "$J" "any(n['pid'] == $pid2 and n['instance'] == 2 for n in j['nfs']) and [len(s['instances']) for s in j['services']] == [2]" ||
	fail "instance 2 (pid $pid2) did not join service 1: $(json_get "$J" '[j["nfs"], j["services"]]')"
ok "instance 2 (pid $pid2) registered in service 1"
wait_for 30 grep -q "instance 2 asked for another instance: No space left on device" "$LOG" ||
	fail "instance 2's request was not refused: $(grep "asked for" "$LOG")"
ok "instance 2's own request was refused: the service has its maximum"

run_fg svc "$CTL" --file-prefix "$T_PREFIX" services
[ "$T_RC" -eq 0 ] && grep -Eq "^ +1  [12],[12] .* 1\.\.2 at [0-9]+ %, \+1 -0$" "$T_WORK/svc.out" ||
	fail "onvmctl services: $(cat "$T_WORK/svc.out")"
ok "onvmctl services: $(tail -n 1 "$T_WORK/svc.out")"

# ---- 2. onvmctl stop: the stop handler runs after the drain
run_fg stop "$CTL" --file-prefix "$T_PREFIX" stop 1:2
[ "$T_RC" -eq 0 ] || fail "onvmctl stop 1:2: status $T_RC: $(cat "$T_WORK/stop.err")"
wait_for 30 not_alive "$pid2" || fail "instance 2 did not leave"
grep -q "stop handler: instance 2 stopping (asked by the manager)" "$LOG" ||
	fail "instance 2's stop handler did not run: $(tail -n 3 "$LOG")"
ok "$(grep -m1 "stop handler: instance 2" "$LOG")"
wait_for 10 json_true "$J" '[len(s["instances"]) for s in j["services"]] == [1]' ||
	fail "services: $(json_get "$J" 'j["services"]')"
sleep 0.5
json_true "$J" '[len(s["instances"]) for s in j["services"]] == [1] and j["scale"]["services"][0]["scale_out"] == 1' ||
	fail "instance 2 came back: $(json_get "$J" '[j["services"], j["scale"]]')"
ok "instance 2 left for good; service 1 has one instance"

# ---- 3. a signal
kill -TERM "$(pid_of mon1)"
expect_exit mon1 30 0
grep -q "stop handler: instance 1 stopping (requested)" "$LOG" ||
	fail "instance 1's stop handler did not run: $(tail -n 3 "$LOG")"
ok "$(grep -m1 "stop handler: instance 1" "$LOG")"
wait_for 30 grep -q "service 1: 0 instance(s) < min 1, starting instance" "$T_WORK/mgr.err" ||
	fail "service 1 was not brought back to its min"
pid3=$(sed -n 's/.*service 1: 0 instance(s) < min 1, starting instance [0-9]* (pid \([0-9]*\)).*/\1/p' "$T_WORK/mgr.err" | head -n 1)
adopt mon3 "$pid3"
wait_for 30 json_true "$J" "any(n['pid'] == $pid3 for n in j['nfs'])" ||
	fail "the new instance 1 (pid $pid3) did not register"
ok "below min: an instance started again (pid $pid3)"
# it asks for a second one too (--scale-out-after 0): adopt that one
wait_for 30 test "$(grep -c "asked for another, starting" "$T_WORK/mgr.err")" -ge 2 || true
pid4=$(sed -n 's/.*asked for another, starting instance [0-9]* (pid \([0-9]*\)).*/\1/p' "$T_WORK/mgr.err" | sed -n 2p)
[ -n "$pid4" ] && adopt mon4 "$pid4"

kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
for p in $pid3 ${pid4:-}; do
	wait_for 30 not_alive "$p" || fail "pid $p did not leave"
done
expect_no_mbuf_in_use "$J"
expect_clean
t_finish
