#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Shared-core mode: onvm-mgr --shared-core, a chain of 8 onvm-simple-forward
# all on CPU 1, and onvm-pktgen --nf (service 9, on CPU 0 with the manager)
# as the traffic source: frames go 9 -> 1 -> ... -> 8 -> 9.
#  1. 20000 frames at 20000 pps: every NF forwards them, pktgen gets them
#     all back;
#  2. no traffic: every NF is asleep (state S in /proc/PID/stat, "sleeping"
#     in the stats) and over 2 s its CPU time (utime + stime) grows by less
#     than 5 % of a core (a generous bound: a sleeping NF wakes every
#     100 ms for its housekeeping);
#  3. traffic again wakes them (the "wakes" counters move) and the second
#     20000 frames come back too;
#  4. after stop no mbuf is in use and nothing is left.
# Nothing is asserted about throughput or time.

. "$(dirname "$0")/lib.sh"
t_setup

PKTGEN=$B/nfs/pktgen/onvm-pktgen
[ -x "$PKTGEN" ] || fail "$PKTGEN is missing"
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
J=$T_WORK/mgr.json
N=8

start_mgr mgr "$J" --vdev=net_ring0 -- --chain "$(seq -s, 1 $N),9" --shared-core \
	--ring-size 4096 --max-nfs 12
wait_json "$J"
NF_PIDS=()
for s in $(seq 1 $N); do
	start_nf "nf$s" "$SFWD" -l 1 -- -r "$s"
	NF_PIDS+=("$(pid_of "nf$s")")
done
wait_for 30 json_true "$J" "len(j['nfs']) == $N and all(n['shared_core'] for n in j['nfs'])" ||
	fail "the $N NFs are not all registered in shared-core mode: $(json_get "$J" 'j["nfs"]')"
ok "$N NFs on CPU 1, each in shared-core mode"

# pg NAME JSON: 20000 frames at 20000 pps from service 9 to service 1.
pg() {
	start_nf "$1" "$PKTGEN" -l 0 -- --nf -r 9 --to 1 --json "$2" --count 20000 \
		--rate 20000 --flows 16 --drain 20 --stats-interval 0
	expect_exit "$1" 120 0
	json_true "$2" 'j["tx"] == 20000 and j["rx"] == 20000 and j["lost"] == 0' ||
		fail "$1: not every frame came back: tx $(json_get "$2" 'j["tx"]'), rx $(json_get "$2" 'j["rx"]')"
	ok "$1: 20000 frames through the $N NFs and back (latency ns p50 $(json_get "$2" 'j["latency_ns"]["p50"]'), p99 $(json_get "$2" 'j["latency_ns"]["p99"]'))"
}

# ---- 1. traffic
pg pg1 "$T_WORK/pg1.json"
wait_for 10 json_true "$J" "all(n['rx'] >= 20000 and n['tx'] >= 20000 for n in j['nfs'] if n['service'] <= $N)" ||
	fail "an NF did not forward the 20000: $(json_get "$J" '[(n["service"], n["rx"], n["tx"]) for n in j["nfs"]]')"
ok "every NF forwarded the 20000 frames"

# ---- 2. idle: asleep, and (almost) no CPU time
# cpu PID: utime + stime in clock ticks (fields 14, 15 of /proc/PID/stat,
# after the command name, which may hold spaces).
cpu() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}
state() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $1 }'
}
is_asleep() {
	[ "$(state "$1")" = S ]
}
all_asleep() {
	local p
	for p in "${NF_PIDS[@]}"; do
		[ "$(state "$p")" = S ] || return 1
	done
	json_true "$J" "all(n['sleeping'] and n['sleeps'] > 0 for n in j['nfs'] if n['service'] <= $N)"
}
wait_for 10 all_asleep ||
	fail "the idle NFs do not sleep: states $(for p in "${NF_PIDS[@]}"; do state "$p"; done | tr '\n' ' '), stats $(json_get "$J" '[(n["service"], n["sleeping"], n["sleeps"]) for n in j["nfs"]]')"
ok "every idle NF sleeps (state S, \"sleeping\" in the stats)"
HZ=$(getconf CLK_TCK)
before=()
for p in "${NF_PIDS[@]}"; do
	before+=("$(cpu "$p")")
done
t0=$(date +%s%N)
sleep 2
t1=$(date +%s%N)
total=0
for i in "${!NF_PIDS[@]}"; do
	p=${NF_PIDS[$i]}
	used=$(($(cpu "$p") - before[i]))
	total=$((total + used))
	# 5 % of a core over the interval, in clock ticks
	awk -v u="$used" -v hz="$HZ" -v ns=$((t1 - t0)) 'BEGIN { exit !(u / hz < 0.05 * ns / 1e9) }' ||
		fail "idle NF $((i + 1)) (pid $p) used $used tick(s) of CPU in $(ms "$t0" "$t1") ms"
done
# (a sleeping NF wakes for a moment every 100 ms: any sample may show R;
# on this shared VM an NF was once seen R in every sample for 5 s while it
# used no CPU tick and went on sleeping every 100 ms like the others: so
# state S, or its sleeps counter still growing, says it sleeps)
sleeps_grow() {
	json_true "$J" "any(n['pid'] == $1 and n['sleeps'] > $2 for n in j['nfs'])"
}
for i in "${!NF_PIDS[@]}"; do
	p=${NF_PIDS[$i]}
	s0=$(nf_get "$J" "$p" sleeps)
	wait_for 5 is_asleep "$p" || wait_for 5 sleeps_grow "$p" "$((s0 + 5))" ||
		fail "idle NF $((i + 1)) (pid $p) is in state $(state "$p"), not S, and sleeps $(nf_get "$J" "$p" sleeps) times (from $s0)"
done
ok "over $(ms "$t0" "$t1") ms idle the $N NFs used $total clock tick(s) of CPU in all (1 tick = $((1000 / HZ)) ms)"

# ---- 3. traffic again wakes them
wakes=$(json_get "$J" "sum(n['wakes'] for n in j['nfs'] if n['service'] <= $N)")
pg pg2 "$T_WORK/pg2.json"
wait_for 10 json_true "$J" "all(n['rx'] >= 40000 for n in j['nfs'] if n['service'] <= $N) and sum(n['wakes'] for n in j['nfs'] if n['service'] <= $N) > $wakes" ||
	fail "the NFs did not wake for the second run: $(json_get "$J" '[(n["service"], n["rx"], n["wakes"]) for n in j["nfs"]]')"
ok "traffic woke them: wakes $wakes -> $(json_get "$J" "sum(n['wakes'] for n in j['nfs'] if n['service'] <= $N)"), every NF forwarded 40000"
log "NFs (service, sleeps, wakes): $(json_get "$J" '[(n["service"], n["sleeps"], n["wakes"]) for n in j["nfs"]]')"

# ---- 4. stop
kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
for s in $(seq 1 $N); do
	expect_exit "nf$s" 30 0
done
expect_no_mbuf_in_use "$J"
expect_clean
t_finish
