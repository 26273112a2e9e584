#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# The manager's flow table API (onvm_mgr/mgr_flow.h: what onvmctl and NFs
# reach) with a real EAL, in one process of its own (tests/eal/
# test_mgr_flow.c, two lcores): rules from --flow, add (errors, replace,
# rules for an input port), walk (text, hits), delete (-ENOENT), the
# default chain changed at run time, -ENOSPC for chain ids and for a full
# table, and 3000 adds and 1000 deletes while another lcore classifies
# packets with the RX path's code: every packet sees a valid chain.

. "$(dirname "$0")/lib.sh"
t_setup

BIN=$B/tests/eal/test-mgr-flow
[ -x "$BIN" ] || fail "$BIN is missing"
run_fg check "$BIN" --no-pci -l 0,1 --file-prefix="$T_PREFIX" --log-level=lib.eal:error
grep '^ok: ' "$T_WORK/check.out" | sed 's/^/  /'
[ "$T_RC" -eq 0 ] || fail "test-mgr-flow: $(grep -m 1 '^FAIL' "$T_WORK/check.out" || tail -n 3 "$T_WORK/check.err")"
ok "$(tail -n 1 "$T_WORK/check.out")"
# A primary leaves its files; the EXIT trap removes this prefix's.
t_finish
