#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Flow-consistent balancing over three instances of a service, and what an
# instance leaving moves. onvm-mgr with one net_memif port and chain 1;
# service 1 is three onvm-monitor instances, each counting packets per flow
# in a log of its own (--flow-log); one onvm-pktgen sends 1024 UDP flows,
# round robin, until the end.
#  1. once every flow has been seen twice: every flow reached exactly one
#     instance, and each instance has some (the lookup table of service 1
#     gives each about a third);
#  2. one instance leaves (SIGTERM) under traffic; once every flow has been
#     seen twice more: every flow of the two others stayed where it was (its
#     count grew there and nowhere else), every flow of the one that left
#     now reaches exactly one of the two others. So exactly its flows moved.
# pktgen loses nothing; the manager stops first (pktgen --linger: a memif
# peer must not leave while the manager polls), with no mbuf in use.
# Nothing is asserted about time.

. "$(dirname "$0")/lib.sh"
t_setup

PKTGEN=$B/nfs/pktgen/onvm-pktgen
[ -x "$PKTGEN" ] || fail "$PKTGEN is missing"
SOCK=$T_WORK/$T_PREFIX.sock
FLOWS=1024
PG_JSON=$T_WORK/pg.json

# flows.py MODE ARGS...: the checks over the monitors' logs (below).
FLOWS_PY=$T_WORK/flows.py
cat >"$FLOWS_PY" <<'PY'
import glob, sys

def load(path):
    d = {}
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return d
    for line in lines:
        *flow, n = line.split()
        if flow != ["other"]:
            d[" ".join(flow)] = int(n)
    return d

def total(paths):
    t = {}
    for p in paths:
        for f, n in load(p).items():
            t[f] = t.get(f, 0) + n
    return t

mode, work, flows = sys.argv[1], sys.argv[2], int(sys.argv[3])
if mode == "seen":
    # every flow's packets, over all logs, at least 2 more than in SNAP
    snap = sys.argv[4]
    now = total(glob.glob(f"{work}/mon*.flows"))
    then = total(glob.glob(f"{work}/{snap}/mon*.flows")) if snap != "none" else {}
    sys.exit(0 if len(now) >= flows and
             all(now[f] >= then.get(f, 0) + 2 for f in now) else 1)
if mode == "phase1":
    where = {}
    for i in (1, 2, 3):
        for f in load(f"{work}/phase1/mon{i}.flows"):
            where.setdefault(f, []).append(i)
    multi = {f: w for f, w in where.items() if len(w) > 1}
    if multi:
        print(f"{len(multi)} flow(s) reached several instances, e.g. {list(multi.items())[:3]}")
        sys.exit(1)
    per = [sum(1 for w in where.values() if w == [i]) for i in (1, 2, 3)]
    if len(where) < flows or min(per) == 0:
        print(f"{len(where)} flows seen (expected {flows}), per instance {per}")
        sys.exit(1)
    print(f"phase 1: {len(where)} flows, each on exactly one instance: {per[0]} {per[1]} {per[2]}")
    sys.exit(0)
# phase2: owner = the instance of each flow in phase 1; left = the logs
# once instance 2 had left (its own is final); after = once every flow was
# seen twice more. A flow of instance 1 or 3 grew there since `left` and
# never appeared on the other; a flow of instance 2 is now on exactly one
# of 1 and 3.
owner = {}
for i in (1, 2, 3):
    for f in load(f"{work}/phase1/mon{i}.flows"):
        owner[f] = i
left = {i: load(f"{work}/left/mon{i}.flows") for i in (1, 3)}
after = {i: load(f"{work}/phase2/mon{i}.flows") for i in (1, 3)}
bad, moved, kept = [], 0, 0
for f, i in owner.items():
    on = [k for k in (1, 3) if after[k].get(f, 0) > 0]
    if i == 2:
        moved += 1
        if len(on) != 1:
            bad.append(f"{f}: was on the instance that left, now on {on}")
    else:
        kept += 1
        if on != [i] or after[i][f] <= left[i].get(f, 0):
            bad.append(f"{f}: was on instance {i}, now on {on}")
if bad:
    print(f"{len(bad)} flow(s) wrong, e.g. {bad[:3]}")
    sys.exit(1)
print(f"phase 2: instance 2 left; its {moved} flows moved ({100.0 * moved / flows:.1f} % of {flows}), "
      f"each to one instance; the other {kept} stayed where they were")
PY

# snapshot DIR: copy the monitors' logs as they are now.
snapshot() {
	mkdir -p "$T_WORK/$1"
	cp "$T_WORK"/mon*.flows "$T_WORK/$1/"
}

shares() {
	json_get "$J" '[d["lut_share"] for s in j["services"] if s["id"] == 1 for d in s["detail"]]'
}

J=$T_WORK/mgr.json
start_mgr mgr "$J" --vdev="net_memif0,role=server,socket=$SOCK" -- --chain 1
wait_json "$J"
for i in 1 2 3; do
	start_nf mon$i "$MONITOR" -r 1 --flow-log "$T_WORK/mon$i.flows"
done
wait_for 30 json_true "$J" '[len(s["instances"]) for s in j["services"] if s["id"] == 1] == [3]' ||
	fail "service 1 does not have three instances: $(json_get "$J" 'j["services"]')"
wait_mgr_polling mgr
ok "service 1 has three instances; lookup table shares: $(shares)"

start_bg pg "$PKTGEN" --no-pci -l 1 --file-prefix="${T_PREFIX}_pg" \
	--log-level=lib.eal:notice --vdev="net_memif0,role=client,socket=$SOCK" \
	-- --rate 20000 --flows $FLOWS --drain 5 --linger --stats-interval 0 \
	--json "$PG_JSON"

# ---- 1. every flow seen at least twice
wait_for 60 "$T_PY" "$FLOWS_PY" seen "$T_WORK" $FLOWS none ||
	fail "the monitors did not see each of the $FLOWS flows twice: $(cat "$T_WORK"/mon*.flows | wc -l) lines"
snapshot phase1
"$T_PY" "$FLOWS_PY" phase1 "$T_WORK" $FLOWS ||
	fail "phase 1: flows are not each on one instance (see above)"
ok "every flow reached exactly one of the three instances"

# ---- 2. instance 2 leaves under traffic; every flow seen twice more
kill -TERM "$(pid_of mon2)"
expect_exit mon2 30 0
wait_for 30 json_true "$J" '[len(s["instances"]) for s in j["services"] if s["id"] == 1] == [2]' ||
	fail "service 1 still lists $(json_get "$J" '[s["instances"] for s in j["services"] if s["id"] == 1]')"
ok "instance 2 left; lookup table shares now: $(shares)"
snapshot left
wait_for 60 "$T_PY" "$FLOWS_PY" seen "$T_WORK" $FLOWS left ||
	fail "the two monitors left did not see each flow twice more"
snapshot phase2
"$T_PY" "$FLOWS_PY" phase2 "$T_WORK" $FLOWS ||
	fail "phase 2: flows moved that should not have (see above)"
ok "only the flows of the instance that left moved"

# pktgen stops sending, drains, writes its summary and lingers; the
# manager goes first, then pktgen sees its link go down.
kill -INT "$(pid_of pg)"
wait_for 60 test -f "$PG_JSON" || fail "pktgen wrote no summary: $(last_err pg)"
json_true "$PG_JSON" 'j["lost"] == 0 and j["tx"] > 0' ||
	fail "pktgen: $(json_get "$PG_JSON" '[j["tx"], j["rx"], j["lost"]]')"
ok "pktgen: $(json_get "$PG_JSON" 'j["tx"]') packets of $FLOWS flows, none lost"
kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
expect_exit mon1 30 0
expect_exit mon3 30 0
expect_exit pg 30 0
expect_no_mbuf_in_use "$J"
expect_clean
t_finish
