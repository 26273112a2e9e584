#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# onvmctl against a live manager (net_null ports, flat out), chain 1,2,3 of
# simple_forward NFs, all under traffic:
#  - without a manager, with a bad command or bad arguments: one line on
#    stderr, nothing on stdout, exit 1;
#  - ports, nfs, services (tables and --json) show what the stats JSON
#    shows; chain shows 1,2,3;
#  - stop 2:IID: the NF drains, says "stopped by the manager" and exits 0,
#    the manager drops none of its packets; service 2 shows no instance;
#    errors from the manager (no such NF, a bad slot) pass through;
#  - chain set 1,3: traffic reaches service 3 again and no_instance stops
#    growing; with a sink as service 4, chain set 4: the sink receives;
#  - flow add / flows / flow del round-trip (IPv4 and IPv6, canonical
#    text); bad rules and an unknown match are the manager's one line; 300
#    rules come back whole through several reply pages;
#  - dpdk-telemetry.py runs the same commands;
#  - everything stops cleanly, no mbuf in use, nothing left.

. "$(dirname "$0")/lib.sh"
t_setup

CTL=$B/onvm_mgr/ctl/onvmctl
if [ ! -x "$CTL" ]; then
	[ -n "${ONVM_BUILD_DIR:-}" ] && fail "$CTL is missing (ONVM_BUILD_DIR=$ONVM_BUILD_DIR)"
	skip "$CTL is missing (build with meson/ninja)"
fi
J=$T_WORK/stats.json

# ctl NAME ARGS...: onvmctl on this test's prefix succeeds, says nothing on
# stderr; its output in $T_WORK/NAME.out.
ctl() {
	local name=$1
	shift
	run_fg "$name" "$CTL" --file-prefix "$T_PREFIX" "$@"
	[ "$T_RC" -eq 0 ] || fail "onvmctl $* exited with status $T_RC: $(cat "$T_WORK/$name.err")"
	[ ! -s "$T_WORK/$name.err" ] || fail "onvmctl $* wrote to stderr: $(cat "$T_WORK/$name.err")"
}

# ctl_err NAME PHRASE ARGS...: onvmctl fails with exactly one line on
# stderr, "onvmctl: ...PHRASE...", and nothing on stdout.
ctl_err() {
	local name=$1 phrase=$2
	shift 2
	run_fg "$name" "$CTL" --file-prefix "$T_PREFIX" "$@"
	expect_error "$name" onvmctl "$phrase"
	[ "$(wc -l <"$T_WORK/$name.err")" -eq 1 ] ||
		fail "$name: $(wc -l <"$T_WORK/$name.err") lines on stderr, expected one"
	[ ! -s "$T_WORK/$name.out" ] || fail "$name: wrote to stdout: $(head -c 200 "$T_WORK/$name.out")"
}

# cj NAME EXPR: EXPR over onvmctl's --json output of NAME (c) and the stats
# JSON (s) is true.
cj() {
	"$T_PY" -c '
import json, sys
c = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
sys.exit(0 if eval(sys.argv[3]) else 1)
' "$T_WORK/$1.out" "$J" "$2" 2>/dev/null
}

cj_get() {
	"$T_PY" -c '
import json, sys
c = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v))
' "$T_WORK/$1.out" "$2"
}

# ---- without a manager
ctl_err nomgr "no manager on file prefix \"$T_PREFIX\" (is onvm-mgr running?)" nfs
ctl_err nosock "no manager on socket $T_WORK/none (is onvm-mgr running?)" --socket "$T_WORK/none" ports
ctl_err badcmd "unknown command 'bogus'" bogus
ctl_err badopt "unknown option '--bogus'" nfs --bogus
ctl_err badarg "bad service id '0'" stop 0:1
ctl_err noarg "stop: name one NF" stop
ctl_err extra "ports: unexpected argument 'x'" ports x
ctl_err norule "flow add: no rule" flow add
run_fg help "$CTL" --help
[ "$T_RC" -eq 0 ] && grep -q "chain set SID" "$T_WORK/help.out" || fail "onvmctl --help: status $T_RC"
ok "onvmctl --help"

# ---- a manager, chain 1,2,3, traffic
start_mgr mgr "$J" --vdev=net_null0 --vdev=net_null1 -- --chain 1,2,3
wait_json "$J"
start_nf f1 "$SFWD" -r 1
start_nf f2 "$SFWD" -r 2
start_nf f3 "$SFWD" -r 3
wait_mgr_polling mgr
p1=$(pid_of f1)
p2=$(pid_of f2)
p3=$(pid_of f3)
wait_for 30 json_true "$J" 'len(j["nfs"]) == 3 and all(n["rx"] > 0 for n in j["nfs"])' ||
	fail "the three NFs do not all receive: $(json_get "$J" 'j["nfs"]')"
ok "traffic through 1,2,3"

# ---- ports, nfs, services: what the stats show
ctl ports_j --json ports
cj ports_j 'sorted(c) == sorted(str(p["id"]) for p in s["ports"]) and all(c[str(p["id"])]["name"] == p["name"] for p in s["ports"])' ||
	fail "onvmctl ports $(cat "$T_WORK/ports_j.out") != stats $(json_get "$J" 'j["ports"]')"
cj ports_j 'all(p["rx"] > 0 and p["tx"] > 0 and p["driver"] == "net_null" for p in c.values())' ||
	fail "onvmctl ports: $(cat "$T_WORK/ports_j.out")"
# the stats catch up with what onvmctl read
wait_for 30 cj ports_j 'all(p["rx"] >= c[str(p["id"])]["rx"] for p in s["ports"])' ||
	fail "stats $(json_get "$J" 'j["ports"]') never reach onvmctl's $(cat "$T_WORK/ports_j.out")"
ok "onvmctl ports: the stats' ports and names, counters consistent"

ctl nfs_j --json nfs
cj nfs_j 'sorted((int(k), v["service"], v["instance"], v["pid"], v["name"]) for k, v in c.items()) == sorted((n["slot"], n["service"], n["instance"], n["pid"], n["name"]) for n in s["nfs"])' ||
	fail "onvmctl nfs $(cat "$T_WORK/nfs_j.out") != stats $(json_get "$J" 'j["nfs"]')"
cj nfs_j 'all(v["state"] == "running" and v["stop_requested"] == 0 and v["rx"] > 0 for v in c.values())' ||
	fail "onvmctl nfs: $(cat "$T_WORK/nfs_j.out")"
ok "onvmctl nfs: the stats' slots, services, instances, pids and names"

ctl svc_j --json services
cj svc_j '{int(k): sorted(v["instances"]) for k, v in c.items()} == {x["id"]: sorted(x["instances"]) for x in s["services"]}' ||
	fail "onvmctl services $(cat "$T_WORK/svc_j.out") != stats $(json_get "$J" 'j["services"]')"
cj svc_j '[c[str(i)]["chain_pos"] for i in (1, 2, 3)] == [0, 1, 2]' ||
	fail "chain positions: $(cat "$T_WORK/svc_j.out")"
ok "onvmctl services: the stats' services and instances, chain positions 0, 1, 2"

# the tables
ctl nfs_t nfs
head -n 1 "$T_WORK/nfs_t.out" | grep -q "^SLOT  SERVICE  INSTANCE  NAME" || fail "nfs table header: $(head -n 1 "$T_WORK/nfs_t.out")"
[ "$(wc -l <"$T_WORK/nfs_t.out")" -eq 4 ] || fail "nfs table: $(cat "$T_WORK/nfs_t.out")"
for p in "$p1" "$p2" "$p3"; do
	grep -q " $p  running " "$T_WORK/nfs_t.out" || fail "pid $p not in the nfs table: $(cat "$T_WORK/nfs_t.out")"
done
ctl ports_t ports
[ "$(wc -l <"$T_WORK/ports_t.out")" -eq 3 ] && grep -q "net_null1" "$T_WORK/ports_t.out" ||
	fail "ports table: $(cat "$T_WORK/ports_t.out")"
ctl svc_t services
[ "$(wc -l <"$T_WORK/svc_t.out")" -eq 4 ] || fail "services table: $(cat "$T_WORK/svc_t.out")"
ctl chain0 chain
[ "$(cat "$T_WORK/chain0.out")" = "default chain: 1,2,3" ] || fail "onvmctl chain: $(cat "$T_WORK/chain0.out")"
ok "tables of nfs, ports, services; chain 1,2,3"
log "$(cat "$T_WORK/nfs_t.out")"

# ---- stop service 2's instance
i2=$(cj_get nfs_j "[v['instance'] for v in c.values() if v['pid'] == $p2][0]")
s2=$(cj_get nfs_j "[k for k, v in c.items() if v['pid'] == $p2][0]")
ctl stop stop "2:$i2"
[ "$(cat "$T_WORK/stop.out")" = "stopped simple_forward (service 2, instance $i2, slot $s2, pid $p2)" ] ||
	fail "onvmctl stop printed: $(cat "$T_WORK/stop.out")"
ok "onvmctl stop 2:$i2: $(cat "$T_WORK/stop.out")"
expect_exit f2 30 0
grep -q "stopped by the manager" "$T_WORK/f2.err" || fail "the NF did not say it was stopped by the manager"
grep -q "pid $p2) asked to stop (runtime control)" "$T_WORK/mgr.err" || fail "the manager did not log the request"
wait_for 30 grep -q "pid $p2) left;" "$T_WORK/mgr.err" || fail "the manager did not log that pid $p2 left"
grep -q "pid $p2) left; 0 queued and 0 held packet(s) dropped" "$T_WORK/mgr.err" ||
	fail "packets of the stopped NF were dropped: $(grep "pid $p2) left" "$T_WORK/mgr.err")"
ok "the NF drained and left; the manager dropped none of its packets"
ctl svc_j2 --json services
cj svc_j2 'c["2"] == {"instances": [], "slots": [], "chain_pos": 1} and len(c["1"]["instances"]) == 1 and len(c["3"]["instances"]) == 1' ||
	fail "after the stop, services: $(cat "$T_WORK/svc_j2.out")"
ctl svc_t2 services
grep -Eq "^ +2  -  +-  +2$" "$T_WORK/svc_t2.out" || fail "services table after the stop: $(cat "$T_WORK/svc_t2.out")"
wait_for 30 json_true "$J" "[x for x in j['services'] if x['id'] == 2] == [] and all(n['pid'] != $p2 for n in j['nfs'])" ||
	fail "the stats still list service 2's instance: $(json_get "$J" '[j["services"], j["nfs"]]')"
ok "service 2 has no instance (onvmctl services, table and JSON, and the stats)"

# errors the manager finds, passed through
ctl_err stop_again "no instance $i2 of service 2 (see onvmctl nfs)" stop "2:$i2"
ctl_err stop_slot "bad slot '31' (0..15)" stop --slot 31
ctl_err stop_free "no NF in slot 15" stop --slot 15

# ---- chain set: traffic follows
ctl chain_set chain set 1,3
[ "$(cat "$T_WORK/chain_set.out")" = "default chain: 1,3 (was 1,2,3)" ] ||
	fail "onvmctl chain set printed: $(cat "$T_WORK/chain_set.out")"
ctl chain1 chain
[ "$(cat "$T_WORK/chain1.out")" = "default chain: 1,3" ] || fail "onvmctl chain: $(cat "$T_WORK/chain1.out")"
wait_for 30 json_true "$J" 'j["chain"] == [1, 3]' || fail "the stats' chain: $(json_get "$J" 'j["chain"]')"
ok "chain set 1,3: $(cat "$T_WORK/chain_set.out"); the stats agree"
nf_grows "$J" "$p3" rx
port_tx_grows "$J"
ok "service 3 receives again and the ports transmit"
# packets already past service 1 finish the old chain (no_instance); then
# no_instance stays
nf_grows "$J" "$p3" rx
ni=$(json_get "$J" 'j["drops"]["no_instance"]')
nf_grows "$J" "$p3" rx
nf_grows "$J" "$p3" rx
json_true "$J" "j['drops']['no_instance'] == $ni" ||
	fail "no_instance still grows after chain set 1,3: $ni, then $(json_get "$J" 'j["drops"]')"
ok "no_instance stays at $ni"
ctl svc_j3 --json services
cj svc_j3 'sorted(c) == ["1", "3"] and c["3"]["chain_pos"] == 1' || fail "services after chain set: $(cat "$T_WORK/svc_j3.out")"

start_nf sink "$SINK" -r 4
ps=$(pid_of sink)
wait_for 30 nf_listed "$J" "$ps" || fail "the sink did not register"
ctl chain_set4 --json chain set 4
cj chain_set4 'c == {"default": [4], "previous": [1, 3]}' || fail "chain set 4: $(cat "$T_WORK/chain_set4.out")"
nf_grows "$J" "$ps" rx
nf_grows "$J" "$ps" nf_drops
ok "chain set 4: the sink receives and drops"
ctl_err chain_bad0 "bad service id '0'" chain set 0
ctl_err chain_bad_empty "empty service id" chain set 1,,2
ctl chain2 chain
[ "$(cat "$T_WORK/chain2.out")" = "default chain: 4" ] || fail "a refused chain set changed the chain: $(cat "$T_WORK/chain2.out")"
ok "bad chains refused, the chain stays 4"

# ---- flows
ctl flows0 flows
[ "$(cat "$T_WORK/flows0.out")" = "no flow rule: every packet takes the default chain" ] ||
	fail "onvmctl flows with no rule: $(cat "$T_WORK/flows0.out")"
R4="udp 10.0.0.1 1234 10.0.0.2 80"
R6="tcp 2001:db8::1 443 2001:db8::2 5555 in 0"
ctl fadd4 flow add $R4 chain 1,3
[ "$(cat "$T_WORK/fadd4.out")" = "added: $R4 chain 1,3" ] || fail "flow add printed: $(cat "$T_WORK/fadd4.out")"
ctl fadd6 flow add "$R6 chain 4"
[ "$(cat "$T_WORK/fadd6.out")" = "added: $R6 chain 4" ] || fail "flow add printed: $(cat "$T_WORK/fadd6.out")"
ctl flows1 --json flows
cj flows1 "c['total'] == 2 and sorted(zip(c['match'], c['chain'])) == sorted([('$R4', '1,3'), ('$R6', '4')]) and all(isinstance(h, int) and h >= 0 for h in c['hits'])" ||
	fail "onvmctl --json flows: $(cat "$T_WORK/flows1.out")"
ctl flows1t flows
head -n 1 "$T_WORK/flows1t.out" | grep -q "^MATCH  *CHAIN  *HITS$" && grep -q "^$R4  *1,3  *[0-9]*$" "$T_WORK/flows1t.out" &&
	[ "$(wc -l <"$T_WORK/flows1t.out")" -eq 3 ] || fail "flows table: $(cat "$T_WORK/flows1t.out")"
ok "flow add (IPv4 and IPv6), flows: both rules, canonical text"
ctl fdel flow del $R4
[ "$(cat "$T_WORK/fdel.out")" = "deleted: $R4" ] || fail "flow del printed: $(cat "$T_WORK/fdel.out")"
ctl flows2 --json flows
cj flows2 "c['total'] == 1 and c['match'] == ['$R6']" || fail "after flow del: $(cat "$T_WORK/flows2.out")"
ok "flow del: one rule left"
ctl_err fdel_again "$R4" flow del $R4
ctl_err fadd_bad "'x'" flow add udp 10.0.0.1 x 10.0.0.2 80 chain 1
ctl_err fadd_bad2 "bad protocol 'nonsense'" flow add nonsense
ctl_err fadd_nochain "missing 'chain SID" flow add $R4
ctl_err fadd_badsvc "bad service id '99'" flow add $R4 chain 1,99
ctl flows3 --json flows
cj flows3 "c['total'] == 1" || fail "a refused rule changed the table: $(cat "$T_WORK/flows3.out")"
ok "bad rules and an unknown match refused with the manager's one line"

# 300 more rules: several reply pages, every rule once
log "adding 300 rules"
for i in $(seq 0 299); do
	"$CTL" --file-prefix "$T_PREFIX" flow add udp "10.1.$((i / 256)).$((i % 256))" 1000 10.2.0.1 80 chain 1,3 \
		>/dev/null 2>"$T_WORK/fadd_many.err" || fail "flow add number $i: $(cat "$T_WORK/fadd_many.err")"
done
ctl flows4 --json flows
cj flows4 "c['total'] == 301 and len(c['match']) == 301 and len(set(c['match'])) == 301 and len(c['chain']) == 301 and len(c['hits']) == 301 and all('10.1.%d.%d 1000' % (i // 256, i % 256) in ' '.join(c['match']) for i in range(300))" ||
	fail "onvmctl --json flows after 300 adds: total $(cj_get flows4 'c["total"]'), $(cj_get flows4 'len(c["match"])') listed"
ctl flows4t flows
[ "$(wc -l <"$T_WORK/flows4t.out")" -eq 302 ] || fail "flows table: $(wc -l <"$T_WORK/flows4t.out") lines, expected 302"
ok "301 rules listed whole and once each"
# ... and that took more than one page: the raw telemetry replies
"$T_PY" - "$T_RUNDIR/$T_PREFIX/dpdk_telemetry.v2" >"$T_WORK/pages.out" 2>&1 <<'EOF_PY' ||
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.recv(16384)
def call(req):
    s.send(req.encode())
    return json.loads(s.recv(65536))
pages, start = [], 0
while start != -1:
    p = call("/onvm/flows,%d" % start)["/onvm/flows"]
    assert p["start"] == start and p["count"] == len(p["match"]) > 0, p
    pages.append(p["count"])
    start = p["next"]
assert len(pages) > 1 and sum(pages) == 301, pages
end = call("/onvm/flows,301")["/onvm/flows"]
assert end["count"] == 0 and end["next"] == -1 and end["total"] == 301, end
bad = call("/onvm/flows,x")["/onvm/flows"]
assert "error" in bad, bad
print("pages of", pages)
EOF_PY
	fail "paging: $(cat "$T_WORK/pages.out")"
ok "/onvm/flows came in $(cat "$T_WORK/pages.out") rules; past the end: none; a bad start refused"

# ---- dpdk-telemetry.py runs the same commands
if [ -x /usr/bin/dpdk-telemetry.py ]; then
	printf '/onvm/chain\n/onvm/nf/stop,9:9\n' | timeout 30 /usr/bin/dpdk-telemetry.py -f "$T_PREFIX" \
		>"$T_WORK/telemetry_py.out" 2>&1 || fail "dpdk-telemetry.py: $(cat "$T_WORK/telemetry_py.out")"
	grep -q '{"/onvm/chain": {"default": \[4\]}}' "$T_WORK/telemetry_py.out" &&
		grep -q '"error": "no instance 9 of service 9' "$T_WORK/telemetry_py.out" ||
		fail "dpdk-telemetry.py output: $(cat "$T_WORK/telemetry_py.out")"
	ok "dpdk-telemetry.py: /onvm/chain and an error reply"
fi

# ---- stop everything
kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
for nf in f1 f3 sink; do
	expect_exit "$nf" 30 0
done
expect_no_mbuf_in_use "$J"
ctl_err nomgr_after "no manager on file prefix \"$T_PREFIX\"" ports
expect_clean
t_finish
