#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Auto-scaling out and back in under onvm-pktgen's load. onvm-mgr with one
# net_memif port, chain 1 and --scale 1:min=1,max=2; service 1 is a slow
# onvm-monitor (--work-cycles) that logs its flows per instance
# (--flow-log mon%i.flows). onvm-pktgen sends 256 UDP flows faster than one
# instance can take:
#  1. the scaler logs its decision with the reason, starts a second
#     instance from the first one's command line, and it receives packets;
#  2. once the first instance's old queue has gone through: every flow
#     reaches exactly one instance, and each instance has some;
#  3. the load stops: the scaler stops the newer instance, which drains
#     (its stop handler says so) and leaves; service 1 is back to one;
#  4. after stop: every packet the port received was sent back or dropped
#     for a counted reason (backpressure or ring_full under overload;
#     tx_full when pktgen, sharing its CPU, falls behind), none was dropped as queued to a
#     departed NF (nf_gone), pktgen lost exactly those, and no mbuf is in
#     use. (Packets of the flows that moved may come back out of order:
#     those queued to the first instance and those sent to the new one.)
# The reaction time is printed, not asserted.

. "$(dirname "$0")/lib.sh"
t_setup

PKTGEN=$B/nfs/pktgen/onvm-pktgen
[ -x "$PKTGEN" ] || fail "$PKTGEN is missing"
SOCK=$T_WORK/$T_PREFIX.sock
FLOWS=256
PG_JSON=$T_WORK/pg.json
J=$T_WORK/mgr.json
# The monitors have CPU 1 (about 26 Kpps with 100000 cycles a packet at
# 2.6 GHz, whatever the number of instances); pktgen shares CPU 0 with the
# manager and offers several times more. (So slow an NF does its
# housekeeping, and writes its flow log, only every second or so.)
WORK=${ONVM_SCALE_WORK_CYCLES:-100000}	# TSC cycles per packet
RATE=${ONVM_SCALE_RATE:-100000}

# flows.py A B FLOWS: flows whose count grew from snapshot A to snapshot B
# are each on exactly one instance, and each instance has some.
FLOWS_PY=$T_WORK/flows.py
cat >"$FLOWS_PY" <<'PY'
import glob, os, sys

def load(path):
    d = {}
    for line in open(path).read().splitlines():
        *flow, n = line.split()
        if flow != ["other"]:
            d[" ".join(flow)] = int(n)
    return d

a, b, flows = sys.argv[1], sys.argv[2], int(sys.argv[3])
where = {}
for p in sorted(glob.glob(f"{b}/mon*.flows")):
    name = os.path.basename(p)
    old = load(f"{a}/{name}") if os.path.exists(f"{a}/{name}") else {}
    for f, n in load(p).items():
        if n > old.get(f, 0):
            where.setdefault(f, []).append(name)
multi = {f: w for f, w in where.items() if len(w) > 1}
per = {}
for w in where.values():
    per[w[0]] = per.get(w[0], 0) + 1
print(f"{len(where)} flows, per instance {per}, on several: {len(multi)}")
if multi:
    print(f"e.g. {list(multi.items())[:3]}")
sys.exit(0 if not multi and len(where) == flows and len(per) == 2 else 1)
PY

# snapshot DIR: once every monitor's log was rewritten after now, copy them.
snapshot() {
	local f
	touch "$T_WORK/$1.stamp"
	for f in "$T_WORK"/mon1.flows "$T_WORK"/mon2.flows; do
		wait_for 30 test "$f" -nt "$T_WORK/$1.stamp" ||
			fail "$f is not rewritten"
	done
	mkdir -p "$T_WORK/$1"
	cp "$T_WORK"/mon*.flows "$T_WORK/$1/"
}

svc_n() {
	json_get "$J" '[len(s["instances"]) for s in j["services"] if s["id"] == 1]'
}

# ONVM_SCALE_METRIC=drops (test_scale_drops.sh): the same on the drop
# rate, which with backpressure on counts the entry's drops for it.
if [ "${ONVM_SCALE_METRIC:-ring}" = drops ]; then
	POLICY=1:min=1,max=2,high=10,low=1,for=300ms,cooldown=2s,metric=drops
else
	POLICY=1:min=1,max=2,high=60,low=1,for=300ms,cooldown=2s
fi
log "policy: --scale $POLICY"
start_mgr mgr "$J" --vdev="net_memif0,role=server,socket=$SOCK" -- --chain 1 \
	--scale "$POLICY"
wait_json "$J"
# Output appended (>>), as the instance the manager starts from this one's
# command line appends to the same files.
start_bg mon1 bash -c 'exec "$0" "$@" >>"'"$T_WORK"'/mon.log" 2>&1' \
	"$MONITOR" -l 1 -- -r 1 --file-prefix "$T_PREFIX" \
	--work-cycles "$WORK" --flow-log "$T_WORK/mon%i.flows"
wait_mgr_polling mgr
wait_for 30 json_true "$J" '[len(s["instances"]) for s in j["services"] if s["id"] == 1] == [1]' ||
	fail "service 1: $(json_get "$J" 'j["services"]')"
ok "service 1 has one instance"

start_bg pg "$PKTGEN" --no-pci -l 0 --file-prefix="${T_PREFIX}_pg" \
	--log-level=lib.eal:notice --vdev="net_memif0,role=client,socket=$SOCK" \
	-- --rate "$RATE" --flows $FLOWS --drain 5 --linger --stats-interval 0 \
	--json "$PG_JSON"

# ---- 1. overload: a second instance
wait_for 60 grep -q "service 1: .*starting instance" "$T_WORK/mgr.err" ||
	fail "the scaler started no instance: $(json_get "$J" 'j["scale"]')"
line=$(grep -m1 "service 1: .*starting instance" "$T_WORK/mgr.err")
ok "the manager logged: ${line#*mgr: }"
pid2=$(sed -n 's/.*service 1: .*starting instance [0-9]* (pid \([0-9]*\)).*/\1/p' "$T_WORK/mgr.err" | head -n 1)
[ -n "$pid2" ] || fail "no pid in: $line"
adopt mon2 "$pid2"
wait_for 30 json_true "$J" "any(n['pid'] == $pid2 and n['rx'] > 0 for n in j['nfs'])" ||
	fail "the new instance (pid $pid2) receives nothing: $(json_get "$J" 'j["nfs"]')"
[ "$(svc_n)" = "[2]" ] || fail "service 1: $(json_get "$J" 'j["services"]')"
ok "instance pid $pid2 registered and receives packets; lookup table shares: $(json_get "$J" '[d["lut_share"] for s in j["services"] for d in s["detail"]]')"
wait_for 30 json_true "$J" '"reaction" in j["scale"]["services"][0]' ||
	fail "no reaction time in the stats: $(json_get "$J" 'j["scale"]')"
log "reaction: $(json_get "$J" 'j["scale"]["services"][0]["reaction"]')"
grep "service 1: instance .* got traffic" "$T_WORK/mgr.err" | sed 's/.*mgr: /  /'

# ---- 2. flows: once instance 1 has passed on what was queued to it before
pid1=$(pid_of mon1)
rx1=$(nf_get "$J" "$pid1" rx)
wait_for 60 json_true "$J" "[n['rx'] for n in j['nfs'] if n['pid'] == $pid1][0] > $rx1 + 3000" ||
	fail "instance 1 does not go on receiving"
snapshot a
wait_for 60 json_true "$J" "all(n['rx'] > 0 for n in j['nfs']) and sum(n['rx'] for n in j['nfs']) > $(json_get "$J" 'sum(n["rx"] for n in j["nfs"])') + 3000" ||
	fail "the instances stop receiving"
snapshot b
"$T_PY" "$FLOWS_PY" "$T_WORK/a" "$T_WORK/b" $FLOWS ||
	fail "flows are split across instances, or an instance has none (see above)"
ok "every flow reaches exactly one of the two instances"

# ---- 3. no load: back to one instance, drained
kill -INT "$(pid_of pg)"
wait_for 60 test -f "$PG_JSON" || fail "pktgen wrote no summary: $(last_err pg)"
ok "load stopped: $(json_get "$PG_JSON" '[j["tx"], j["rx"], j["lost"]]') (tx, rx, lost)"
wait_for 30 grep -q "service 1: .*stopping instance .*(pid $pid2)" "$T_WORK/mgr.err" ||
	fail "the scaler did not stop instance pid $pid2: $(json_get "$J" 'j["scale"]')"
ok "the manager logged: $(grep -m1 "service 1: .*stopping instance" "$T_WORK/mgr.err" | sed 's/.*mgr: //')"
wait_for 30 not_alive "$pid2" || fail "instance pid $pid2 did not leave"
wait_for 30 json_true "$J" "[len(s['instances']) for s in j['services'] if s['id'] == 1] == [1] and all(n['pid'] != $pid2 for n in j['nfs'])" ||
	fail "service 1 after scale-in: $(json_get "$J" 'j["services"]')"
grep -q "stop handler: instance [0-9]* stopping (asked by the manager)" "$T_WORK/mon.log" ||
	fail "the stop handler of pid $pid2 did not run: $(tail -n 5 "$T_WORK/mon.log")"
ok "the newer instance drained, ran its stop handler and left: $(grep -m1 "stop handler" "$T_WORK/mon.log")"
json_true "$J" 'j["scale"]["services"][0]["scale_out"] == 1 and j["scale"]["services"][0]["scale_in"] == 1' ||
	fail "scale counters: $(json_get "$J" 'j["scale"]')"
ok "stats: $(json_get "$J" '{k: j["scale"]["services"][0][k] for k in ("scale_out", "scale_in", "last")}')"

# ---- 4. stop: every packet accounted for
kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
expect_exit mon1 30 0
expect_exit pg 30 0
log "final drops: $(json_get "$J" 'j["drops"]')"
json_true "$J" 'j["ports"][0]["rx"] == j["ports"][0]["tx"] + sum(j["drops"].values())' ||
	fail "port rx != tx + drops: $(json_get "$J" '[j["ports"][0], j["drops"]]')"
json_true "$J" 'j["drops"]["nf_gone"] == 0 and sum(j["drops"].values()) == j["drops"]["ring_full"] + j["drops"]["tx_full"] + j["drops"]["backpressure"]' ||
	fail "drops other than ring_full, backpressure and tx_full: $(json_get "$J" 'j["drops"]')"
ok "port rx = tx + drops, and the only drops are ring_full, backpressure and tx_full (none queued lost)"
json_true "$PG_JSON" "j['lost'] == $(json_get "$J" 'sum(j["drops"].values())')" ||
	soft_fail "pktgen lost $(json_get "$PG_JSON" 'j["lost"]'), the manager dropped $(json_get "$J" 'sum(j["drops"].values())')"
ok "pktgen lost exactly the packets the manager counted as dropped"
expect_no_mbuf_in_use "$J"
expect_clean
t_finish
