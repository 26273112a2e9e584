#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# test_kill_nf_tx with --nf-rx: the NF that is SIGKILLed under traffic
# also polls the ports itself, refilling them from its own mempool cache,
# and drops every 3rd packet (so bursts are split per packet as well).
# After each death the manager gives back the burst it had received but not
# yet queued, and flushes its cache, or counts what it cannot know
# (nf_rx_lost, nf_tx_lost); after the stop, mbufs in use <= those counts.

T_NAME_AS=kill_nf_rx ONVM_KILL_NF_RX=1 exec "$(dirname "$0")/test_kill_nf_tx.sh" "$@"
