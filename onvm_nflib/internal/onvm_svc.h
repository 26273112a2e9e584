/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_SVC_H
#define ONVM_SVC_H

/* The service table: service id -> live instances (NF slots), and the
 * lookup table that spreads flows over them.
 *
 * Thread safety: one writer (the manager's control path, under its registry
 * lock) and lock-free readers (the manager's data lcores). The writer
 * publishes `n` with release order after filling the slot; a reader loads
 * `n` with acquire order. A removal moves the last slot into the hole and
 * then shrinks `n`, so a reader sees either the removed slot or a live one;
 * the writer waits for a grace period (RCU) before it reuses the removed
 * slot's rings.
 *
 * Balancing: a flow's hash indexes lut[lut_cur], ONVM_LUT_SIZE entries of
 * NF slots (Maglev's lookup table, see onvm_lut_build()). The writer fills
 * the other buffer, then flips lut_cur (release); before it writes that
 * buffer again it waits for a grace period, so no reader is still in it.
 * With one instance the table is not read. No rte_ calls: unit-tested. */

#include <stdint.h>

#include "onvm_limits.h"

#define ONVM_LUT_NONE 0xff	/* an entry of a service with no instance */

struct onvm_service {
	uint16_t n;			     /* live instances */
	uint16_t slot[ONVM_MAX_INSTANCES];   /* their NF slots */
	uint32_t lut_cur;		     /* the buffer readers use */
	uint8_t lut[2][ONVM_LUT_SIZE];	     /* entry -> NF slot */
};

/** Add NF slot @p slot. @return 0, -EEXIST or -ENOSPC. */
int onvm_svc_add(struct onvm_service *s, uint16_t slot);

/** Remove NF slot @p slot. @return 0 or -ENOENT. */
int onvm_svc_remove(struct onvm_service *s, uint16_t slot);

/**
 * Fill @p next, the lookup table for the instances @p slots[0, n), from
 * @p cur, the table in use (or all ONVM_LUT_NONE). Entries whose slot stays
 * keep it; those of removed slots, and as few others as balance needs, go
 * to the slots short of their share, each taking the free entries it
 * prefers first in its Maglev permutation (offset and skip hashed from the
 * slot number). So every slot holds ONVM_LUT_SIZE / n entries or one more,
 * removing a slot moves only its own entries, and adding one moves only
 * entries to it. Deterministic. Slots must be < ONVM_LUT_NONE.
 */
void onvm_lut_build(const uint8_t *cur, uint8_t *next, const uint16_t *slots,
		    uint16_t n);

/** Entry of the lookup table for a flow hash (its high bits). */
static inline uint32_t
onvm_lut_index(uint32_t hash)
{
	return (uint32_t)(((uint64_t)hash * ONVM_LUT_SIZE) >> 32);
}

/** Pick the instance for a flow hash. @return a slot, or -1 if none. */
static inline int
onvm_svc_pick(const struct onvm_service *s, uint32_t hash)
{
	uint16_t n = __atomic_load_n(&s->n, __ATOMIC_ACQUIRE);
	uint32_t cur;
	uint8_t slot;

	if (n <= 1)
		return n == 0 ? -1 : s->slot[0];
	cur = __atomic_load_n(&s->lut_cur, __ATOMIC_ACQUIRE) & 1;
	slot = s->lut[cur][onvm_lut_index(hash)];
	return slot == ONVM_LUT_NONE ? -1 : slot;
}

#endif /* ONVM_SVC_H */
