#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# test_scale.sh with --scale metric=drops: under overload, backpressure
# (on by default) drops at the chain's entry instead of filling the rx ring;
# those drops count against the NF in backpressure, so the drop-rate policy
# scales out (and back in) as the ring policy does.

T_NAME_AS=scale_drops ONVM_SCALE_METRIC=drops exec "$(dirname "$0")/test_scale.sh" "$@"
