/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_SVC_H
#define ONVM_SVC_H

/* The service table: service id -> live instances (NF slots).
 *
 * Thread safety: one writer (the manager's control path, under its registry
 * lock) and lock-free readers (the manager's data lcores). The writer
 * publishes `n` with release order after filling the slot; a reader loads
 * `n` with acquire order. A removal moves the last slot into the hole and
 * then shrinks `n`, so a reader sees either the removed slot or a live one;
 * the writer waits for a grace period (RCU) before it reuses the removed
 * slot's rings. No rte_ calls: unit-tested. */

#include <stdint.h>

#include "onvm_limits.h"

struct onvm_service {
	uint16_t n;			     /* live instances */
	uint16_t slot[ONVM_MAX_INSTANCES];   /* their NF slots */
};

/** Add NF slot @p slot. @return 0, -EEXIST or -ENOSPC. */
int onvm_svc_add(struct onvm_service *s, uint16_t slot);

/** Remove NF slot @p slot. @return 0 or -ENOENT. */
int onvm_svc_remove(struct onvm_service *s, uint16_t slot);

/** Pick the instance for a flow hash. @return a slot, or -1 if none. */
static inline int
onvm_svc_pick(const struct onvm_service *s, uint32_t hash)
{
	uint16_t n = __atomic_load_n(&s->n, __ATOMIC_ACQUIRE);

	if (n == 0)
		return -1;
	return s->slot[n == 1 ? 0 : hash % n];
}

#endif /* ONVM_SVC_H */
