#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# onvm-deploy:
#  1. a file with chain 1,2,3 on net_null ports, service 2 with two
#     instances: the manager and all four NFs start, the report lists each
#     service, instance and pid (the same as the stats), traffic flows
#     through every service; the same file again is refused (prefix in use) and
#     starts nothing; SIGINT stops everything with status 0, no mbuf in use,
#     no process or file of the prefix left;
#  2. --restart: an NF SIGKILLed is restarted by the manager and onvm-deploy
#     follows it; at SIGTERM everything stops, and the exit status says an
#     NF died;
#  3. an NF that exits before it registers: onvm-deploy says which, stops
#     everything and exits 1;
#  4. a flow rule of the file: the frames of its flow go to the sink of its
#     chain, the others take the default chain out of the port;
#  5. bad files (tests/deploy/bad-*.yaml, a missing program, a CPU that
#     is not here, a file that is not there): one "FILE:LINE: ..." line on
#     stderr, exit 1, nothing started.

. "$(dirname "$0")/lib.sh"
t_setup

DEPLOY=$B/tools/onvm_deploy/onvm-deploy
[ -x "$DEPLOY" ] || fail "$DEPLOY is missing"
BAD_DIR=$T_ROOT/tests/deploy

# write_file FILE EXTRA-MANAGER-LINES NFS-YAML: a deployment on this test's
# prefix and two net_null ports, stats every 0.2 s to $T_WORK/<file>.json.
write_file() {
	local f=$1 extra=$2 nfs=$3
	cat >"$f" <<EOF
# written by test_deploy.sh
manager:
  file_prefix: $T_PREFIX
  lcores: 0
  ports: [net_null0, net_null1]
  chain: [1, 2, 3]
  stats_interval: 0.2
  stats_json: ${f%.yaml}.json
  quiet: true
$extra
nfs:
$nfs
EOF
}

CHAIN_NFS='  - name: fwd
    exec: onvm-simple-forward
    service: 1
  - name: mid
    exec: onvm-simple-forward
    service: 2
    instances: 2
  - name: mon
    exec: onvm-monitor
    service: 3'

# The report's rows "service instance name pid cpu ms" of NAME's stdout.
report_rows() {
	awk '/NF instance\(s\) registered/ { on = 1; next }
	     on && /^  [0-9]+ +[0-9]+ / { print $1, $2, $3, $4 }
	     on && /^onvm-deploy: running/ { exit }' "$T_WORK/$1.out"
}

# ---- 1. a good file
F=$T_WORK/chain.yaml
J=$T_WORK/chain.json
write_file "$F" "" "$CHAIN_NFS"
log "part 1: $F"
start_bg deploy "$DEPLOY" --log-dir "$T_WORK/logs" "$F"
wait_for 60 grep -q "^onvm-deploy: running" "$T_WORK/deploy.out" ||
	fail "no report within 60 s"
ok "onvm-deploy reports every NF registered"
report_rows deploy >"$T_WORK/rows"
cat "$T_WORK/rows"
[ "$(wc -l <"$T_WORK/rows")" -eq 4 ] ||
	fail "the report lists $(wc -l <"$T_WORK/rows") NF instance(s), expected 4"
[ "$(awk '{ print $1 "/" $2 "/" $3 }' "$T_WORK/rows" | tr '\n' ' ')" = "1/1/fwd 2/2/mid 2/3/mid 3/4/mon " ] ||
	fail "the report's services/instances/names are $(awk '{ print $1 "/" $2 "/" $3 }' "$T_WORK/rows" | tr '\n' ' ')"
ok "the report lists service 1 (instance 1), 2 (instances 2, 3), 3 (instance 4)"
pids=$(awk '{ print $4 }' "$T_WORK/rows" | tr '\n' ' ')
for row in $(awk '{ print $1 ":" $2 ":" $4 }' "$T_WORK/rows"); do
	IFS=: read -r sid inst pid <<<"$row"
	json_true "$J" "any(n['pid'] == $pid and n['service'] == $sid and n['instance'] == $inst for n in j['nfs'])" ||
		fail "pid $pid (service $sid, instance $inst) of the report is not in the stats: $(json_get "$J" 'j["nfs"]')"
	[ -s "$T_WORK/logs/$(awk -v p="$pid" '$4 == p { print $3 "." $2 }' "$T_WORK/rows").log" ] ||
		fail "no log of NF pid $pid in $T_WORK/logs: $(ls "$T_WORK/logs")"
done
ok "each pid of the report is that service and instance in the stats, with its log"
json_true "$J" '[s["instances"] for s in sorted(j["services"], key=lambda s: s["id"])] == [[1], [2, 3], [4]] or [s["instances"] for s in sorted(j["services"], key=lambda s: s["id"])] == [[1], [3, 2], [4]]' ||
	fail "services in the stats: $(json_get "$J" 'j["services"]')"
# net_null sends one flow: one instance of service 2 gets it all.
wait_for 30 json_true "$J" 'all(p["tx"] > 0 for p in j["ports"]) and len(j["nfs"]) == 4 and all(sum(n["rx"] for n in j["nfs"] if n["service"] == s) > 0 for s in (1, 2, 3))' ||
	fail "traffic does not reach every service and port: $(json_get "$J" '[j["ports"], j["nfs"]]')"
ok "traffic flows: both ports transmit, services 1, 2 and 3 receive"

# The same file again: its prefix is in use; nothing starts.
run_fg again "$DEPLOY" --log-dir "$T_WORK/logs-again" "$F"
[ "$T_RC" -eq 1 ] || fail "a second onvm-deploy of the same file: status $T_RC, expected 1"
want="$F:3: manager.file_prefix: file prefix '$T_PREFIX' is in use by a running DPDK primary (another onvm-mgr?); give another file_prefix"
[ "$(cat "$T_WORK/again.err")" = "$want" ] ||
	fail "second run said '$(cat "$T_WORK/again.err")', expected '$want'"
[ ! -s "$T_WORK/again.out" ] || fail "second run printed: $(cat "$T_WORK/again.out")"
ok "the same file again: '$(cat "$T_WORK/again.err")'"

kill -INT "$(pid_of deploy)"
expect_exit deploy 60 0
grep -q "^onvm-deploy: exit status: manager 0, fwd.1 0, mid.2 0, mid.3 0, mon.4 0$" "$T_WORK/deploy.out" ||
	fail "exit statuses: $(grep "exit status" "$T_WORK/deploy.out")"
ok "$(grep "exit status" "$T_WORK/deploy.out")"
grep -q "^onvm-deploy: no hugepage or runtime file of file prefix $T_PREFIX left$" "$T_WORK/deploy.out" ||
	fail "onvm-deploy did not report a clean prefix"
for pid in $pids; do
	pid_alive "$pid" && fail "NF pid $pid still runs"
done
expect_no_mbuf_in_use "$J"
expect_clean

# ---- 2. --restart: onvm-deploy follows the NF the manager restarts
F=$T_WORK/restart.yaml
J=$T_WORK/restart.json
write_file "$F" '  restart: 3/30' "$CHAIN_NFS"
log "part 2: $F"
start_bg deploy2 "$DEPLOY" --log-dir "$T_WORK/logs2" "$F"
wait_for 60 grep -q "^onvm-deploy: running" "$T_WORK/deploy2.out" ||
	fail "no report within 60 s"
victim=$(report_rows deploy2 | awk '$2 == 2 { print $4 }')
[ -n "$victim" ] || fail "no pid of instance 2 in the report"
kill -KILL "$victim"
wait_for 60 grep -q "^onvm-deploy: the manager restarted NF mid.2 as pid [0-9]*$" "$T_WORK/deploy2.out" ||
	fail "onvm-deploy did not report the restart"
new=$(sed -n 's/^onvm-deploy: the manager restarted NF mid.2 as pid \([0-9]*\)$/\1/p' "$T_WORK/deploy2.out" | head -n 1)
adopt mid2-restarted "$new"
grep -q "NF mid.2 (service 2, instance 2, pid $victim) ended with signal 9 (Killed); the manager restarts it" "$T_WORK/deploy2.err" ||
	fail "no line about the death of pid $victim: $(cat "$T_WORK/deploy2.err")"
wait_for 30 json_true "$J" "any(n['pid'] == $new and n['instance'] == 2 for n in j['nfs'])" ||
	fail "restarted pid $new is not instance 2 in the stats"
ok "SIGKILLed instance 2 (pid $victim): reported, restarted as pid $new"
kill -TERM "$(pid_of deploy2)"
expect_exit deploy2 60 1
grep -q "^onvm-deploy: exit status: manager 0, fwd.1 0, mid.2 signal 9 (Killed), mid.3 0, mon.4 0$" "$T_WORK/deploy2.out" ||
	fail "exit statuses: $(grep "exit status" "$T_WORK/deploy2.out")"
pid_alive "$new" && fail "the restarted NF (pid $new) still runs"
ok "SIGTERM: all stopped, the restarted NF too; status 1 (an NF died): $(grep "exit status" "$T_WORK/deploy2.out")"
expect_no_mbuf_in_use "$J"
expect_clean

# ---- 3. an NF that exits before it registers
F=$T_WORK/false.yaml
write_file "$F" "" '  - name: fwd
    exec: onvm-simple-forward
    service: 1
  - name: broken
    exec: /bin/false
    service: 2
  - name: mon
    exec: onvm-monitor
    service: 3'
log "part 3: $F"
start_bg deploy3 "$DEPLOY" --log-dir "$T_WORK/logs3" "$F"
expect_exit deploy3 60 1
grep -q "^onvm-deploy: NF broken.2 (service 2, instance 2, pid [0-9]*) ended with exit status 1 before it registered$" "$T_WORK/deploy3.err" ||
	fail "no line about the NF that failed: $(cat "$T_WORK/deploy3.err")"
grep -q "^onvm-deploy: running" "$T_WORK/deploy3.out" && fail "onvm-deploy reported a running deployment"
grep -q "^onvm-deploy: no hugepage or runtime file of file prefix $T_PREFIX left$" "$T_WORK/deploy3.out" ||
	fail "onvm-deploy did not report a clean prefix"
ok "$(grep "broken.2" "$T_WORK/deploy3.err")"
expect_clean

# ---- 4. flows: a rule of the file steers its flow past the default chain
F=$T_WORK/flows.yaml
J=$T_WORK/flows.json
IN=$T_WORK/flows-in.pcap
OUT=$T_WORK/flows-out.pcap
"$T_PY" - "$IN" <<'PY' || fail "cannot write $IN"
import logging, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import Ether, IP, UDP, wrpcap
e = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
ruled = e / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1234, dport=80) / (b"r" * 18)
other = e / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1235, dport=80) / (b"o" * 18)
wrpcap(sys.argv[1], [ruled if i % 3 else other for i in range(300)])
PY
cat >"$F" <<EOF
manager:
  file_prefix: $T_PREFIX
  ports: ['net_pcap0,rx_pcap=$IN', 'net_pcap1,tx_pcap=$OUT']
  chain: [1]
  stats_interval: 0.2
  stats_json: $J
  quiet: true
nfs:
  - {name: fwd, exec: onvm-simple-forward, service: 1}
  - {name: sink, exec: onvm-sink, service: 2}
flows:
  - proto: udp
    src: 10.0.0.1
    sport: 1234
    dst: 10.0.0.2
    dport: 80
    in_port: 0
    chain: [2]
EOF
log "part 4: $F (200 frames of the rule's flow to the sink, 100 others out)"
run_fg flows-dry "$DEPLOY" --dry-run "$F"
[ "$T_RC" -eq 0 ] || fail "--dry-run: status $T_RC: $(cat "$T_WORK/flows-dry.err")"
grep -q -- "--flow 'udp 10.0.0.1 1234 10.0.0.2 80 in 0 chain 2'" "$T_WORK/flows-dry.out" ||
	fail "--dry-run shows no --flow: $(cat "$T_WORK/flows-dry.out")"
start_bg deploy4 "$DEPLOY" --log-dir "$T_WORK/logs4" "$F"
wait_for 60 grep -q "^onvm-deploy: running" "$T_WORK/deploy4.out" ||
	fail "no report within 60 s"
wait_for 30 json_true "$J" 'j["flows"]["rules"] == 1 and sum(p["rx"] for p in j["ports"]) == 300 and j["ports"][1]["tx"] == 100 and [n["nf_drops"] for n in j["nfs"] if n["service"] == 2] == [200]' ||
	fail "the rule's flow did not all reach the sink: $(json_get "$J" '[j["flows"], j["ports"], j["nfs"]]')"
ok "1 rule: 200 frames of its flow dropped by the sink (service 2), the 100 others out of port 1"
kill -INT "$(pid_of deploy4)"
expect_exit deploy4 60 0
expect_no_mbuf_in_use "$J"
expect_clean

# ---- 5. bad files: one line, status 1, nothing started
# bad_file NAME FILE WANT: onvm-deploy FILE fails with exactly WANT.
bad_file() {
	local name=$1 f=$2 want=$3
	run_fg "$name" "$DEPLOY" --log-dir "$T_WORK/logs-bad" "$f"
	[ "$T_RC" -eq 1 ] || fail "$f: status $T_RC, expected 1"
	[ "$(wc -l <"$T_WORK/$name.err")" -eq 1 ] ||
		fail "$f: $(wc -l <"$T_WORK/$name.err") lines on stderr: $(cat "$T_WORK/$name.err")"
	[ "$(cat "$T_WORK/$name.err")" = "$want" ] ||
		fail "$f: said '$(cat "$T_WORK/$name.err")', expected '$want'"
	[ ! -s "$T_WORK/$name.out" ] || fail "$f: printed on stdout: $(cat "$T_WORK/$name.out")"
	[ ! -e "$T_WORK/logs-bad" ] || fail "$f: onvm-deploy went as far as its log directory"
}

unset ONVM_TEST_SURELY_UNSET
n=0
for f in "$BAD_DIR"/bad-*.yaml; do
	want="$f:$(sed -n '1s/^# error: //p' "$f")"
	bad_file "bad$n" "$f" "$want"
	n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n bad files in $BAD_DIR"
ok "$n bad files of $BAD_DIR: each gives its one line, e.g. '$(cat "$T_WORK/bad0.err")'"

F=$T_WORK/no-exec.yaml
write_file "$F" "" '  - exec: onvm-simple-forward
    service: 1
  - exec: onvm-middle-box
    service: 2
  - exec: onvm-monitor
    service: 3'
bad_file noexec "$F" "$F:14: nfs[1].exec: 'onvm-middle-box' not found (looked next to onvm-deploy, in its build tree and in PATH)"
ok "$(cat "$T_WORK/noexec.err")"

F=$T_WORK/no-cpu.yaml
write_file "$F" "" '  - exec: onvm-simple-forward
    service: 1
  - name: fwd2
    exec: onvm-simple-forward
    service: 2
    cores: [0, 1023]
  - exec: onvm-monitor
    service: 3'
run_fg nocpu "$DEPLOY" --log-dir "$T_WORK/logs-bad" "$F"
[ "$T_RC" -eq 1 ] && [ "$(wc -l <"$T_WORK/nocpu.err")" -eq 1 ] ||
	fail "$F: status $T_RC, stderr: $(cat "$T_WORK/nocpu.err")"
case $(cat "$T_WORK/nocpu.err") in
"$F:17: nfs[1].cores: CPU 1023 is not available on this host (CPUs "*" are)") ;;
*) fail "$F: said '$(cat "$T_WORK/nocpu.err")'" ;;
esac
[ ! -s "$T_WORK/nocpu.out" ] && [ ! -e "$T_WORK/logs-bad" ] ||
	fail "$F: onvm-deploy went on: $(cat "$T_WORK/nocpu.out")"
ok "$(cat "$T_WORK/nocpu.err")"

run_fg nofile "$DEPLOY" "$T_WORK/nonexistent.yaml"
expect_error nofile onvm-deploy "cannot read $T_WORK/nonexistent.yaml: No such file or directory"
expect_clean
t_finish
