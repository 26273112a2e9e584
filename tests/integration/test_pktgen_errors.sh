#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# onvm-pktgen's mistakes and edge cases, without a manager: each gets a
# non-zero exit and a one-line error ("onvm-pktgen: ..." as the last stderr
# line), and leaves no file of its prefix:
#  - bad options and a --json path that cannot be written (before the EAL
#    starts), --help (exit 0);
#  - no port, a port id beyond the ports given, a pcap that cannot be read;
#  - a memif client with no server (after --link-wait);
#  - the file prefix of a running manager: the EAL refuses, and the
#    manager's files stay (pktgen removes only what it is sure is its own);
#  - a net_null port: link up, but nothing comes back, so the path check
#    fails; with --no-path-check it runs, and the JSON says every packet
#    was lost and no latency was measured.

. "$(dirname "$0")/lib.sh"
t_setup

PKTGEN=$B/nfs/pktgen/onvm-pktgen
[ -x "$PKTGEN" ] || fail "$PKTGEN is missing"
PG=onvm-pktgen
N=0

expect_no_files() {
	local left
	left=$(ls -d "$T_HUGE/$1"* "$T_RUNDIR/$1"* 2>/dev/null)
	[ -z "$left" ] || fail "$2 left behind: $(echo "$left" | head -n 3 | tr '\n' ' ')"
}

# pg_err NAME PHRASE EAL-AND-PKTGEN-ARGS...: fails with PHRASE, leaves nothing.
pg_err() {
	local name=$1 phrase=$2 prefix
	shift 2
	N=$((N + 1))
	prefix=${T_PREFIX}_e$N
	run_fg "$name" "$PKTGEN" --no-pci -l 0 --file-prefix="$prefix" \
		--log-level=lib.eal:notice "$@"
	expect_error "$name" "$PG" "$phrase"
	expect_no_files "$prefix" "$name"
}

# ---- options: checked before the EAL starts
pg_err opt_rate "bad value '0' for --rate" -- --rate 0
pg_err opt_size "bad value '1519' for --size" -- --size 1519
pg_err opt_flows "bad value '0' for --flows" -- --flows 0
pg_err opt_proto "bad value 'sctp' for --proto" -- --proto sctp
pg_err opt_unknown "unknown option '--bogus'" -- --bogus
pg_err opt_noval "needs a value" -- --count
pg_err opt_excl "--rate and --rate-pct exclude each other" -- --rate 5 --rate-pct 5
pg_err opt_tcp64 "too small for a stamped TCP frame" -- --proto tcp --size 64
pg_err json_dir "cannot write $T_WORK/nodir/x.json: No such file or directory" -- --json "$T_WORK/nodir/x.json"
pg_err opt_newline "bad value '1?2' for --rate" -- --rate "$(printf '1\n2')"
run_fg help "$PKTGEN" -- --help
[ "$T_RC" -eq 0 ] || fail "--help exited with $T_RC"
grep -q -- "--rate-pct" "$T_WORK/help.out" || fail "--help printed no usage"
ok "--help: exit 0, usage on stdout"

# ---- ports and files
pg_err no_port "no port 0 (0 port(s)" -- --count 10
pg_err port_beyond "no port 3 (1 port(s)" --vdev=net_null0 -- --count 10 --tx-port 3
pg_err no_pcap "cannot read pcap $T_WORK/none.pcap" --vdev=net_null0 -- --pcap "$T_WORK/none.pcap"
pg_err no_server "no memif server on its socket after 1.0 s" \
	--vdev="net_memif0,role=client,socket=$T_WORK/$T_PREFIX.none" -- --count 10 --link-wait 1
pg_err eal_bad "EAL initialisation failed" --vdev=net_bogus0 -- --count 10

# ---- the prefix of a running primary: refused, and its files are kept
J=$T_WORK/mgr.json
start_mgr mgr "$J" --vdev=net_null0 -- --chain 1 --no-wait
wait_json "$J"
nfiles=$(ls "$T_HUGE/$T_PREFIX"map_* "$T_RUNDIR/$T_PREFIX/"* 2>/dev/null | wc -l)
run_fg same_prefix "$PKTGEN" --no-pci -l 0 --file-prefix="$T_PREFIX" \
	--log-level=lib.eal:notice --vdev=net_null0 -- --count 10
expect_error same_prefix "$PG" "file prefix \"$T_PREFIX\" is in use by another DPDK process"
pid_alive "$(pid_of mgr)" || fail "the manager died"
[ "$(ls "$T_HUGE/$T_PREFIX"map_* "$T_RUNDIR/$T_PREFIX/"* 2>/dev/null | wc -l)" -eq "$nfiles" ] ||
	fail "the manager's files changed: $nfiles before, now $(ls "$T_HUGE/$T_PREFIX"map_* "$T_RUNDIR/$T_PREFIX/"* 2>/dev/null | wc -l)"
ok "the manager and its $nfiles files are untouched"
kill -TERM "$(pid_of mgr)"
expect_exit mgr 30 0

# ---- a port that sends into the void
pg_err null_path "none of" --vdev=net_null0 -- --count 10 --link-wait 1
J=$T_WORK/null.json
N=$((N + 1))
run_fg null_run "$PKTGEN" --no-pci -l 0 --file-prefix="${T_PREFIX}_e$N" \
	--log-level=lib.eal:notice --vdev=net_null0 -- --count 1000 --rate 100000 \
	--no-path-check --drain 0.2 --json "$J"
[ "$T_RC" -eq 0 ] || fail "null_run exited with $T_RC: $(last_err null_run)"
expect_no_files "${T_PREFIX}_e$N" null_run
json_true "$J" 'j["tx"] == 1000 and j["rx"] == 0 and j["lost"] == 1000 and j["loss_pct"] == 100' ||
	fail "null_run: $(json_get "$J" '[j["tx"], j["rx"], j["lost"], j["loss_pct"]]')"
json_true "$J" 'j["latency_ns"]["count"] == 0 and j["latency_ns"]["p50"] is None' ||
	fail "null_run latency: $(json_get "$J" 'j["latency_ns"]')"
ok "net_null with --no-path-check: 1000 sent, all lost, no latency"

expect_clean
t_finish
