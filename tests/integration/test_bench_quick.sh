#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# scripts/bench.sh --quick, as CI runs it: it exits 0, its bench.json has
# every figure it promised (throughput of testpmd, client_server_mp,
# OVS-DPDK unless it says why not, ours over chains 1..4; latency
# percentiles; NF start time; the classifier at 1, 1K and 1M flows;
# shared-core against polling NFs and the wake-up latency), each
# above zero, and no problem; its checks passed (every process stopped with the expected status, mbufs in use
# back to 0, no hugepage or runtime file left); and nothing of its
# prefixes (onvmb-*-<its pid>) is left on the machine. No figure is
# compared with a threshold: this machine is shared and noisy.

. "$(dirname "$0")/lib.sh"
t_setup

OUT=$T_WORK/bench
run_bench() {
	log "running scripts/bench.sh --quick --out $OUT"
	ONVM_BUILD_DIR=$B timeout -k 10 270 bash "$T_ROOT/scripts/bench.sh" --quick --out "$OUT" \
		</dev/null >"$T_WORK/bench.out" 2>"$T_WORK/bench.err"
	T_RC=$?
	# shellcheck disable=SC2034 # fail() in lib.sh shows this one's logs
	T_LAST_FG=bench
}
run_bench
[ "$T_RC" -ne 124 ] && [ "$T_RC" -ne 137 ] || fail "bench.sh --quick did not finish within 270 s"
J=$OUT/bench.json
[ -s "$J" ] || fail "no $J (exit status $T_RC)"
[ "$T_RC" -eq 0 ] || fail "bench.sh --quick exited $T_RC; problems: $(json_get "$J" 'j["problems"]')"
ok "bench.sh --quick exited 0 in $(json_get "$J" 'j["meta"]["elapsed_s"]') s of measuring"

json_true "$J" 'j["problems"] == []' || fail "problems: $(json_get "$J" 'j["problems"]')"
json_true "$J" 'len(j["figures"]) > 0 and all(v > 0 for v in j["figures"].values())' ||
	fail "a figure is not above zero: $(json_get "$J" 'j["figures"]')"
json_true "$J" 'all(e in j["figures"] or e in j["skipped_figures"] for e in j["meta"]["expected"])' ||
	fail "figures missing: $(json_get "$J" '[e for e in j["meta"]["expected"] if e not in j["figures"]]')"
ok "$(json_get "$J" 'len(j["figures"])') figures, every one above zero"

for f in testpmd.mpps client_server_mp.mpps ours/1.mpps ours/4.mpps ours/1.lat10.p50_us classifier/1000000.mpps \
	ours/3.lat90.p999_us ours.start_to_first_ms shared_core/shared/8.mpps shared_core/wake_us_mean; do
	json_true "$J" "j['figures']['$f'] > 0" || fail "no figure $f"
done
if json_true "$J" '"ovs-dpdk" in j["skipped"]'; then
	log "OVS-DPDK skipped: $(json_get "$J" 'j["skipped"]["ovs-dpdk"]')"
else
	json_true "$J" 'j["figures"]["ovs-dpdk.mpps"] > 0' || fail "no OVS-DPDK figure"
fi
ok "testpmd, client_server_mp, OVS-DPDK (or why not), ours 1..4 NFs, latency, NF start, classifier, shared-core"

json_true "$J" 'len(j["checks"]) > 0 and all(c["ok"] for c in j["checks"])' ||
	fail "checks failed: $(json_get "$J" '[c for c in j["checks"] if not c["ok"]]')"
json_true "$J" 'any("mbufs in use back to 0" in c["what"] for c in j["checks"])' ||
	fail "no mbuf leak check in the report"
ok "$(json_get "$J" 'len(j["checks"])') checks passed (stops, mbufs in use back to 0, no files left)"

pid=$(json_get "$J" 'j["meta"]["pid"]')
left=$(ls -d /dev/hugepages/onvmb-*-"$pid"* /var/run/dpdk/onvmb-*-"$pid"* 2>/dev/null)
[ -z "$left" ] || fail "left behind: $(echo "$left" | head -n 3 | tr '\n' ' ')"
if pgrep -f -- "onvmb-[a-z0-9_.-]*-$pid" >/dev/null; then
	fail "processes of the bench remain: $(pgrep -af -- "onvmb-[a-z0-9_.-]*-$pid")"
fi
ok "no hugepage file, runtime dir or process of the bench (pid $pid) left"

[ -s "$OUT/bench.md" ] || fail "no $OUT/bench.md"
grep -q "ours / theirs" "$OUT/bench.md" || fail "bench.md has no ratio table"
ok "bench.md written"
t_finish
