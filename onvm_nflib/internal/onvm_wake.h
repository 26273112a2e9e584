/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_WAKE_H
#define ONVM_WAKE_H

/* Shared-core mode: an idle NF sleeps on a word of its slot (a futex in
 * shared memory, so not FUTEX_PRIVATE) and whoever enqueues to one of its
 * rings wakes it.
 *
 * The lost wake-up is closed Dekker-style, a full fence on each side:
 *   NF:       sleeping = 1; fence; rings empty? -> FUTEX_WAIT(sleeping, 1)
 *   producer: enqueue (ring tail); fence; sleeping? -> xchg 0, FUTEX_WAKE
 * Either the NF sees the packets and does not sleep, or the producer sees
 * `sleeping` and wakes it. FUTEX_WAIT itself returns at once if the word is
 * no longer 1. The producer pays the fence and the load only for slots
 * whose NF may sleep (`sleepy`); for the others, one load of a line it has
 * read already. */

#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "onvm_shm.h"

/* After the fence: if the NF sleeps, clear the word and wake it. Only the
 * one who clears the word makes the syscall. The stamp (the NF's wake-up
 * latency) is written before the word is cleared: the NF may see the word
 * cleared before FUTEX_WAKE (its FUTEX_WAIT then returns at once), never
 * before the stamp. */
static inline void
onvm_nf_wake_word(struct onvm_nf_slot *s)
{
	if (__atomic_load_n(&s->sleeping, __ATOMIC_RELAXED) == 0)
		return;
	__atomic_store_n(&s->wake_tsc, rte_rdtsc(), __ATOMIC_RELAXED);
	if (__atomic_exchange_n(&s->sleeping, 0, __ATOMIC_ACQ_REL) != 0)
		syscall(SYS_futex, &s->sleeping, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/** Wake the NF of @p s if it sleeps, whatever its mode: after a store the
 * NF checks before it sleeps (stop_req, mgr_state), or to make it pass a
 * quiescent point. Control path. */
static inline void
onvm_nf_wake_always(struct onvm_nf_slot *s)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	onvm_nf_wake_word(s);
}

/** Wake the NF of @p s if it sleeps; after every enqueue to its rings. */
static inline void
onvm_nf_wake(struct onvm_nf_slot *s)
{
	if (__builtin_expect(__atomic_load_n(&s->sleepy, __ATOMIC_RELAXED) == 0,
			     1))
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	onvm_nf_wake_word(s);
}

#endif /* ONVM_WAKE_H */
