#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Flow-consistent balancing over three instances of a service, and what an
# instance leaving moves. onvm-mgr with one net_memif port and chain 1;
# service 1 is three onvm-monitor instances, each counting packets per flow
# in a log of its own (--flow-log); onvm-pktgen sends 1024 UDP flows.
#  1. every flow reached exactly one instance, and each instance has some
#     (the lookup table of service 1 gives each about a third);
#  2. one instance leaves (SIGTERM); the same 1024 flows again: every flow
#     of the two others stays where it was, every flow of the one that left
#     now reaches exactly one of the two others. So exactly its flows moved.
# No packet is lost; the manager stops with no mbuf in use. Nothing is
# asserted about time.

. "$(dirname "$0")/lib.sh"
t_setup

PKTGEN=$B/nfs/pktgen/onvm-pktgen
[ -x "$PKTGEN" ] || fail "$PKTGEN is missing"
SOCK=$T_WORK/$T_PREFIX.sock
FLOWS=1024
NPG=0

pktgen() {
	local name=$1
	shift
	NPG=$((NPG + 1))
	run_fg "$name" "$PKTGEN" --no-pci -l 1 --file-prefix="${T_PREFIX}_pg$NPG" \
		--log-level=lib.eal:notice \
		--vdev="net_memif0,role=client,socket=$SOCK" -- --drain 5 \
		--stats-interval 0 "$@"
	[ "$T_RC" -eq 0 ] || fail "$name exited with status $T_RC: $(last_err "$name")"
	json_true "$T_WORK/$name.json" 'j["lost"] == 0 and j["rx"] == j["tx"]' ||
		fail "$name lost packets: $(json_get "$T_WORK/$name.json" '[j["tx"], j["rx"], j["lost"]]')"
	ok "$name: $(json_get "$T_WORK/$name.json" 'j["tx"]') packets of $FLOWS flows, none lost"
}

# flows_logged N: the monitors' logs hold at least N packets in all.
flows_logged() {
	[ "$(cat "$T_WORK"/mon*.flows 2>/dev/null | awk '$1 != "other" { n += $NF } END { print n + 0 }')" -ge "$1" ]
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
ok "service 1 has three instances; lookup table shares: $(json_get "$J" '[d["lut_share"] for s in j["services"] if s["id"] == 1 for d in s["detail"]]')"

# ---- 1. 1024 flows, 8 packets each
pktgen pg1 --rate 20000 --count $((FLOWS * 8)) --flows $FLOWS --json "$T_WORK/pg1.json"
wait_for 30 flows_logged $((FLOWS * 8)) ||
	fail "the monitors logged fewer than $((FLOWS * 8)) packets: $(cat "$T_WORK"/mon*.flows | awk '{ n += $NF } END { print n }')"
for i in 1 2 3; do
	cp "$T_WORK/mon$i.flows" "$T_WORK/phase1_mon$i.flows"
done

"$T_PY" - "$T_WORK" "$FLOWS" <<'EOF' || fail "phase 1: flows are not each on one instance (see above)"
import sys
work, flows = sys.argv[1], int(sys.argv[2])
where = {}
for i in (1, 2, 3):
    for line in open(f"{work}/phase1_mon{i}.flows"):
        *flow, n = line.split()
        if flow == ["other"]:
            continue
        where.setdefault(" ".join(flow), []).append(i)
multi = {f: w for f, w in where.items() if len(w) > 1}
if multi:
    print(f"{len(multi)} flow(s) reached several instances, e.g. {list(multi.items())[:3]}")
    sys.exit(1)
per = [sum(1 for w in where.values() if w == [i]) for i in (1, 2, 3)]
if len(where) < flows or min(per) == 0:
    print(f"{len(where)} flows seen (expected {flows}), per instance {per}")
    sys.exit(1)
print(f"phase 1: {len(where)} flows, each on exactly one instance: {per[0]} {per[1]} {per[2]}")
EOF
ok "every flow reached exactly one of the three instances"

# ---- 2. instance 2 leaves; the same flows again
kill -TERM "$(pid_of mon2)"
expect_exit mon2 30 0
wait_for 30 json_true "$J" '[len(s["instances"]) for s in j["services"] if s["id"] == 1] == [2]' ||
	fail "service 1 still lists $(json_get "$J" '[s["instances"] for s in j["services"] if s["id"] == 1]')"
ok "instance 2 left; lookup table shares now: $(json_get "$J" '[d["lut_share"] for s in j["services"] if s["id"] == 1 for d in s["detail"]]')"
pktgen pg2 --rate 20000 --count $((FLOWS * 8)) --flows $FLOWS --json "$T_WORK/pg2.json"
wait_for 30 flows_logged $((FLOWS * 16)) ||
	fail "the monitors logged fewer than $((FLOWS * 16)) packets in all"

"$T_PY" - "$T_WORK" "$FLOWS" <<'EOF' || fail "phase 2: flows moved that should not have (see above)"
import sys
work, flows = sys.argv[1], int(sys.argv[2])

def load(path):
    d = {}
    for line in open(path):
        *flow, n = line.split()
        if flow != ["other"]:
            d[" ".join(flow)] = int(n)
    return d

before = {i: load(f"{work}/phase1_mon{i}.flows") for i in (1, 2, 3)}
after = {i: load(f"{work}/mon{i}.flows") for i in (1, 3)}
bad = []
moved = 0
for i in (1, 2, 3):
    for f, n in before[i].items():
        grew = [k for k in (1, 3) if after[k].get(f, 0) > (before[k].get(f, 0))]
        if i != 2 and grew != [i]:
            bad.append(f"{f}: was on instance {i}, now on {grew}")
        if i == 2:
            if len(grew) != 1:
                bad.append(f"{f}: was on the instance that left, now on {grew}")
            moved += 1
if bad:
    print(f"{len(bad)} flow(s) wrong, e.g. {bad[:3]}")
    sys.exit(1)
kept = sum(len(before[i]) for i in (1, 3))
print(f"phase 2: instance 2 left; its {moved} flows moved ({100.0 * moved / flows:.1f} % of {flows}), "
      f"each to one instance; the other {kept} stayed where they were")
EOF
ok "only the flows of the instance that left moved"

kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
expect_exit mon1 30 0
expect_exit mon3 30 0
expect_no_mbuf_in_use "$J"
expect_clean
t_finish
