/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_BP_H
#define ONVM_BP_H

/* Backpressure watermarks on an NF's rx ring, with hysteresis: a slot
 * enters backpressure when a producer leaves its ring at or above the high
 * watermark, and leaves it once the ring is at or below the low one. While
 * any NF of a chain is in backpressure, the manager drops that chain's new
 * packets at the entry (counted as "backpressure") instead of feeding
 * packets that would be dropped downstream after costing work. No rte_
 * calls: unit-tested. */

#include <errno.h>
#include <stdint.h>

/**
 * Watermarks in entries of a ring of @p capacity from percentages.
 * @p high_pct 0 turns backpressure off (both results 0). Otherwise
 * 0 < low < high <= capacity is guaranteed: @p low_pct is clamped below
 * @p high_pct.
 * @return 0, or -EINVAL if a percentage is above 100 or low >= high.
 */
static inline int
onvm_bp_marks(uint32_t capacity, uint32_t high_pct, uint32_t low_pct,
	      uint32_t *high, uint32_t *low)
{
	uint64_t h, l;

	*high = 0;
	*low = 0;
	if (high_pct > 100 || low_pct > 100)
		return -EINVAL;
	if (high_pct == 0)
		return 0;
	if (low_pct >= high_pct || capacity < 4)
		return -EINVAL;
	h = (uint64_t)capacity * high_pct / 100;
	l = (uint64_t)capacity * low_pct / 100;
	if (h < 2)
		h = 2;
	if (l >= h)
		l = h - 1;
	*high = (uint32_t)h;
	*low = (uint32_t)l;
	return 0;
}

/** After a producer left @p used entries: enter backpressure? */
static inline int
onvm_bp_enter(uint32_t used, uint32_t high)
{
	return high != 0 && used >= high;
}

/** With @p used entries left: may backpressure end? */
static inline int
onvm_bp_leave(uint32_t used, uint32_t low)
{
	return used <= low;
}

/**
 * The next state of a slot from its state @p on and @p used entries: the
 * hysteresis in one place (on between the marks stays on, off stays off).
 */
static inline int
onvm_bp_next(int on, uint32_t used, uint32_t high, uint32_t low)
{
	if (high == 0)
		return 0;
	return on ? !onvm_bp_leave(used, low) : onvm_bp_enter(used, high);
}

#endif /* ONVM_BP_H */
