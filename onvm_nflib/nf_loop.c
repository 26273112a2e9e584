/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* The NF's packet loop (hot path): peek a burst from the rx ring, let the
 * NF give verdicts, hand the whole burst to the manager through the tx ring,
 * then finish the rx dequeue. The NF owns the mbufs only between those ring
 * operations, never frees one (the manager applies DROP), and leaves a
 * record from which the manager can reclaim the burst if the NF dies. No locks, allocation or syscalls
 * while packets flow; an idle NF backs off so NFs can share a core, and in
 * shared-core mode sleeps until a producer wakes it (onvm_wake.h). */

#include <errno.h>
#include <string.h>
#include <sched.h>
#include <time.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_memcpy.h>
#include <rte_pause.h>
#include <rte_prefetch.h>
#include <rte_ring.h>
#include <rte_ring_peek.h>

#include "nf_internal.h"
#include "onvm_bp.h"
#include "onvm_wake.h"

/* Back-off of an idle NF: spin, then yield the core, then sleep briefly.
 * Polls that find the ring empty before each step: */
#define NF_IDLE_SPIN 256
#define NF_IDLE_YIELD 1024
#define NF_IDLE_SLEEP_MAX_US 200
#define NF_HOUSEKEEP_LOOPS 1024	/* busy loops between housekeeping */
#define NF_PREFETCH 4
#define NF_DRAIN_S 1		/* at most this long to drain at a stop */
#define NF_SHARED_YIELD_BURSTS 32	/* busy bursts between yields, shared
					 * CPU: a context switch per 1024
					 * packets at most */
#define NF_SLEEP_AFTER 64	/* shared-core: empty polls (yielding) before
				 * a sleep */
#define NF_SLEEP_MAX_MS 100	/* a sleep's limit: housekeeping (manager
				 * death, ticks) still runs this often */

static void
nf_idle(const struct onvm_nf *nf, unsigned int idle)
{
	struct timespec ts;
	unsigned int us;

	/* Spinning on a CPU shared with other NFs only keeps the NF that
	 * would feed us from running: yield at once. */
	if (idle < NF_IDLE_SPIN && !nf->shared_cpu) {
		rte_pause();
	} else if (idle < NF_IDLE_YIELD) {
		sched_yield();
	} else {
		us = (idle - NF_IDLE_YIELD + 1) * 10;
		if (us > NF_IDLE_SLEEP_MAX_US)
			us = NF_IDLE_SLEEP_MAX_US;
		ts.tv_sec = 0;
		ts.tv_nsec = us * 1000L;
		nanosleep(&ts, NULL);
	}
}

/* Count a wake-up and its latency: from the waker's stamp (taken just
 * before its FUTEX_WAKE; TSCs agree across cores here) to @p now. */
static void
nf_woken(struct onvm_nf *nf, uint64_t now)
{
	struct onvm_nf_counters *c = &nf->slot->nf;
	uint64_t t = __atomic_load_n(&nf->slot->wake_tsc, __ATOMIC_RELAXED);
	uint64_t cyc = now > t ? now - t : 0, us;
	unsigned int b = 0;

	us = cyc * 1000000 / rte_get_tsc_hz();
	while (us != 0 && b < ONVM_WAKE_HIST - 1) {
		us >>= 1;
		b++;
	}
	__atomic_store_n(&c->wakes, c->wakes + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&c->wake_cycles, c->wake_cycles + cyc,
			 __ATOMIC_RELAXED);
	if (cyc > c->wake_cycles_max)
		__atomic_store_n(&c->wake_cycles_max, cyc, __ATOMIC_RELAXED);
	__atomic_store_n(&c->wake_hist[b], c->wake_hist[b] + 1,
			 __ATOMIC_RELAXED);
}

/* Shared-core mode: sleep until a producer wakes us, a signal, or
 * NF_SLEEP_MAX_MS. A safe point: no ring or mempool operation in flight.
 * We announce the sleep, then look at the rings again: a producer that
 * enqueued before it could see the announcement is seen here (the fences
 * of onvm_wake.h), one that enqueues after it wakes us. */
static void
nf_sleep(struct onvm_nf *nf)
{
	struct onvm_nf_slot *s = nf->slot;
	struct onvm_nf_counters *c = &s->nf;
	struct timespec ts = { 0, NF_SLEEP_MAX_MS * 1000000L };

	__atomic_store_n(&s->sleeping, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!rte_ring_empty(nf->rx) || !rte_ring_empty(nf->in) || nf->stop ||
	    __atomic_load_n(&nf->shm->rx_owner, __ATOMIC_RELAXED) ==
		    (int16_t)nf->slot_idx ||
	    __atomic_load_n(&s->stop_req, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&nf->shm->mgr_state, __ATOMIC_ACQUIRE) ==
		    ONVM_MGR_STOPPING) {
		__atomic_store_n(&s->sleeping, 0, __ATOMIC_RELAXED);
		return;
	}
	__atomic_store_n(&c->sleeps, c->sleeps + 1, __ATOMIC_RELAXED);
	syscall(SYS_futex, &s->sleeping, FUTEX_WAIT, 1, &ts, NULL, 0);
	/* A producer that cleared the word woke us; else the timeout. */
	if (__atomic_exchange_n(&s->sleeping, 0, __ATOMIC_ACQ_REL) == 0)
		nf_woken(nf, rte_rdtsc());
	else if (!rte_ring_empty(nf->rx) || !rte_ring_empty(nf->in))
		__atomic_store_n(&c->wake_late, c->wake_late + 1,
				 __ATOMIC_RELAXED);
}

/* Our rx ring holds @p left packets: end our backpressure if it is at or
 * below the low watermark. One load of a line written only when some NF
 * enters or leaves backpressure. */
static inline void
nf_bp_check(struct onvm_nf *nf, unsigned int left)
{
	struct onvm_nf_counters *c;

	if (likely((__atomic_load_n(&nf->shm->bp_mask, __ATOMIC_RELAXED) &
		    nf->bp_bit) == 0) ||
	    !onvm_bp_leave(left, nf->shm->bp_low))
		return;
	__atomic_fetch_and(&nf->shm->bp_mask, ~nf->bp_bit, __ATOMIC_RELEASE);
	c = &nf->slot->nf;
	__atomic_store_n(&c->bp_clears, c->bp_clears + 1, __ATOMIC_RELAXED);
}

/* The slot whose in_ring this NF may feed directly for service @p sid:
 * the service's one live instance, if the manager made us its producer and
 * we have not found it stuck. -1: through the manager. */
static inline int
nf_edge(struct onvm_nf *nf, uint16_t sid)
{
	const struct onvm_service *s = &nf->shm->svc[sid];
	const struct onvm_nf_slot *d;
	uint16_t slot;

	if (__atomic_load_n(&s->n, __ATOMIC_ACQUIRE) != 1)
		return -1;
	slot = s->slot[0];
	d = &nf->shm->nf[slot];
	if (__atomic_load_n(&d->in_from, __ATOMIC_ACQUIRE) != nf->slot_idx)
		return -1;
	if (unlikely(slot == nf->stuck_slot)) {
		if (__atomic_load_n(&d->nf.qs, __ATOMIC_RELAXED) == nf->stuck_qs)
			return -1;
		nf->stuck_slot = NF_NO_SLOT;	/* it moves again */
	}
	return slot;
}

/* The manager died or is shutting down: a full ring will not drain. */
static inline int
nf_gone(const struct onvm_nf *nf)
{
	return nf->exit_reason == NF_EXIT_MGR_DEAD ||
	       nf->exit_reason == NF_EXIT_MGR_STOP;
}

/* Enqueue all of @p pkts to @p r (we are its one producer). A full ring
 * means the consumer is behind: wait while it makes progress (its qs
 * moves), yielding the CPU if we share it. @return how many went in: fewer
 * than @p n only if the consumer (@p d, if not NULL) stood still for
 * NF_STUCK_MS, or the manager died or is shutting down (nf_gone() says
 * so): then nobody may ever drain the ring. */
static inline unsigned int
nf_enqueue_all(struct onvm_nf *nf, struct rte_ring *r, struct rte_mbuf **pkts,
	       unsigned int n, struct onvm_nf_slot *d, uint16_t d_slot)
{
	unsigned int done = 0;
	uint64_t qs = 0, since = 0, now;

	for (;;) {
		done += rte_ring_sp_enqueue_burst(r, (void **)pkts + done,
						  n - done, NULL);
		if (d != NULL)	/* another NF's in_ring: it may sleep */
			onvm_nf_wake(d);
		if (likely(done == n))
			return done;
		if (nf->shared_cpu)
			sched_yield();
		else
			rte_pause();
		now = rte_rdtsc();
		if (nf_housekeeping(nf, now) && nf_gone(nf))
			return done;
		if (d == NULL)
			continue;
		if (since == 0 ||
		    __atomic_load_n(&d->nf.qs, __ATOMIC_RELAXED) != qs) {
			qs = __atomic_load_n(&d->nf.qs, __ATOMIC_RELAXED);
			since = now;
		} else if (now - since > nf->stuck_cycles) {
			nf->stuck_slot = d_slot;
			nf->stuck_qs = qs;
			return done;
		}
	}
}

static inline void
nf_count(struct onvm_nf *nf, uint16_t n, uint16_t drops)
{
	struct onvm_nf_counters *c = &nf->slot->nf;

	__atomic_store_n(&c->tx, c->tx + n - drops, __ATOMIC_RELAXED);
	__atomic_store_n(&c->drop, c->drop + drops, __ATOMIC_RELAXED);
	if (unlikely(c->first_pkt_ns == 0))
		__atomic_store_n(&c->first_pkt_ns, onvm_now_ns(), __ATOMIC_RELEASE);
}

/* The burst has been passed on: it leaves its source, the ring it was
 * peeked from, or, straight from a port (@p src NULL), the crash record. */
static inline void
nf_finish(struct onvm_nf *nf, struct rte_ring *src, uint16_t n)
{
	if (src != NULL)
		rte_ring_dequeue_finish(src, n);
	else
		__atomic_store_n(&nf->slot->held.rx_n, 0, __ATOMIC_RELEASE);
}

/* A burst straight from a port that needs the per-packet split: through
 * our in_ring first (empty: we received only because it was), so that
 * the split can use the crash record's list. @return the ring. */
static __rte_noinline struct rte_ring *
nf_rx_to_ring(struct onvm_nf *nf, struct rte_mbuf **pkts, uint16_t n)
{
	struct onvm_nf_held *h = &nf->slot->held;
	struct rte_mbuf *same[ONVM_BURST];

	h->rx_mark = nf->in->prod.tail;
	__atomic_store_n(&h->rx_marked, 1, __ATOMIC_RELEASE);
	rte_ring_sp_enqueue_burst(nf->in, (void **)pkts, n, NULL);
	__atomic_store_n(&h->rx_n, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&h->rx_marked, 0, __ATOMIC_RELEASE);
	/* the same packets, in order: @p pkts (the record) stays valid
	 * until the split rewrites the record, after reading it */
	rte_ring_dequeue_burst_start(nf->in, (void **)same, n, NULL);
	return nf->in;
}

/* The whole burst back to the manager, in order; the crash record is the
 * input ring itself plus tx_mark (see struct onvm_nf_held). */
static inline int
nf_send_mgr(struct onvm_nf *nf, struct rte_ring *src, struct rte_mbuf **pkts,
	    uint16_t n, uint16_t drops)
{
	struct onvm_nf_held *h = &nf->slot->held;

	h->tx_mark = nf->tx->prod.tail;
	__atomic_store_n(&h->tx_marked, 1, __ATOMIC_RELEASE);
	if (unlikely(nf_enqueue_all(nf, nf->tx, pkts, n, NULL, 0) < n))
		return -ENOTCONN;
	nf_finish(nf, src, n);
	__atomic_store_n(&h->tx_marked, 0, __ATOMIC_RELEASE);
	nf_count(nf, n, drops);
	return 0;
}

_Static_assert(sizeof(struct onvm_pkt_meta) == sizeof(uint64_t),
	       "the metadata is compared as one word");

/* Does every packet of the burst carry the same metadata and input port
 * (so the same next hop)? The usual case: one rx burst, one verdict. */
static inline int
nf_uniform(struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t m0, m;
	uint16_t i, p0 = pkts[0]->port;

	memcpy(&m0, onvm_pkt_meta(pkts[0]), sizeof(m0));
	for (i = 1; i < n; i++) {
		memcpy(&m, onvm_pkt_meta(pkts[i]), sizeof(m));
		if (m != m0 || pkts[i]->port != p0)
			return 0;
	}
	return 1;
}

/* Pass a burst on, finish its dequeue from @p src, count it. Each packet
 * goes (1) straight to the next NF's in_ring if the manager made us its
 * producer, (2) with --nf-tx, to a port we opened, or (3) back to the
 * manager on the tx ring, which applies every other verdict. The crash
 * record (struct onvm_nf_held) is written before anything leaves. NFs
 * never free a packet, except one a port refused under --nf-tx. */
static inline int
nf_send(struct onvm_nf *nf, struct rte_ring *src, struct rte_mbuf **pkts,
	uint16_t n)
{
	struct onvm_nf_counters *c = &nf->slot->nf;
	struct onvm_nf_held *h = &nf->slot->held;
	struct rte_mbuf *dir[ONVM_BURST], *mgr[ONVM_BURST], *out[ONVM_BURST];
	uint16_t out_port[ONVM_BURST], gport[ONVM_BURST];
	struct onvm_pkt_meta *meta;
	uint16_t i, j, dest, sent, nb, n_dir = 0, n_mgr = 0, n_out = 0;
	uint16_t drops = 0, p, d_sid = 0;
	int d_slot = -1;
	unsigned int done;
	uint32_t ports = 0;
	uint16_t uni_port = NF_NO_TXQ;
	uint8_t pos;

	/* One verdict for the whole burst: route it once, no sorting. */
	if (nf_uniform(pkts, n)) {
		meta = onvm_pkt_meta(pkts[0]);
		dest = meta->dest;
		pos = meta->chain_pos;
		switch (meta->action == ONVM_ACT_DROP ? ONVM_HOP_DROP :
			onvm_route(onvm_chain_of(nf->shm, meta->chain_id),
				   meta->action, &dest, &pos, pkts[0]->port,
				   nf->nb_ports)) {
		case ONVM_HOP_PORT:
			if (nf->txq[dest] == NF_NO_TXQ)
				return nf_send_mgr(nf, src, pkts, n, 0);
			uni_port = dest;
			n_out = n;
			break;
		case ONVM_HOP_SERVICE:
			d_slot = nf_edge(nf, dest);
			if (d_slot < 0)
				return nf_send_mgr(nf, src, pkts, n, 0);
			d_sid = dest;
			for (i = 0; i < n; i++) {
				meta = onvm_pkt_meta(pkts[i]);
				meta->action = ONVM_ACT_NEXT;
				meta->chain_pos = pos;
			}
			n_dir = n;
			break;
		case ONVM_HOP_DROP:
			return nf_send_mgr(nf, src, pkts, n, n);
		default:
			return nf_send_mgr(nf, src, pkts, n, 0);
		}
		/* from a port, h->pkts holds the burst already */
		if (src != NULL)
			rte_memcpy(h->pkts, pkts, n * sizeof(h->pkts[0]));
		goto record;
	}

	if (src == NULL)
		src = nf_rx_to_ring(nf, pkts, n);
	for (i = 0; i < n; i++) {
		meta = onvm_pkt_meta(pkts[i]);
		dest = meta->dest;
		pos = meta->chain_pos;
		switch (meta->action == ONVM_ACT_DROP ? ONVM_HOP_DROP :
			onvm_route(onvm_chain_of(nf->shm, meta->chain_id),
				   meta->action, &dest, &pos, pkts[i]->port,
				   nf->nb_ports)) {
		case ONVM_HOP_SERVICE:
			if (d_slot < 0 && dest != d_sid) {
				d_sid = dest;
				d_slot = nf_edge(nf, dest);
			}
			if (d_slot >= 0 && dest == d_sid) {
				meta->action = ONVM_ACT_NEXT;
				meta->chain_pos = pos;
				dir[n_dir++] = pkts[i];
				continue;
			}
			break;
		case ONVM_HOP_PORT:
			if (nf->txq[dest] != NF_NO_TXQ) {
				out_port[n_out] = dest;
				out[n_out++] = pkts[i];
				ports |= UINT32_C(1) << dest;
				continue;
			}
			break;
		case ONVM_HOP_DROP:
			drops++;
			break;
		default:
			break;
		}
		mgr[n_mgr++] = pkts[i];
	}
	if (n_dir == 0 && n_out == 0)
		return nf_send_mgr(nf, src, pkts, n, drops);

	/* The crash record: direct share, manager's share, per port. */
	/* rte_memcpy is inline: libc's memmove costs more than the copy */
	rte_memcpy(h->pkts, dir, n_dir * sizeof(h->pkts[0]));
	rte_memcpy(h->pkts + n_dir, mgr, n_mgr * sizeof(h->pkts[0]));
	j = n_dir + n_mgr;
	for (p = 0; ports != 0 && p < ONVM_MAX_PORTS; p++) {
		if (!(ports & (UINT32_C(1) << p)))
			continue;
		for (i = 0; i < n_out; i++)
			if (out_port[i] == p) {
				gport[j] = p;
				h->pkts[j++] = out[i];
			}
	}
record:
	h->n = n;
	h->n_dir = n_dir;
	h->n_mgr = n_dir + n_mgr;
	__atomic_store_n(&h->split, 1, __ATOMIC_RELEASE);

	if (n_dir) {
		struct onvm_nf_slot *d = &nf->shm->nf[d_slot];

		h->d_slot = (uint16_t)d_slot;
		h->d_mark = d->in_ring->prod.tail;
		__atomic_store_n(&h->d_marked, 1, __ATOMIC_RELEASE);
		done = nf_enqueue_all(nf, d->in_ring, h->pkts, n_dir, d,
				      (uint16_t)d_slot);
		if (unlikely(done < n_dir)) {
			if (nf_gone(nf))
				return -ENOTCONN;
			/* The next NF is stuck: the rest through the
			 * manager, which counts the drops against it. The
			 * manager's share now starts at `done`. */
			for (i = (uint16_t)done; i < n_dir; i++) {
				meta = onvm_pkt_meta(h->pkts[i]);
				meta->action = ONVM_ACT_TONF;
				meta->dest = d_sid;
			}
			h->n_dir = (uint16_t)done;
			n_mgr += n_dir - done;
		}
	}
	if (n_mgr) {
		h->tx_mark = nf->tx->prod.tail;
		__atomic_store_n(&h->tx_marked, 1, __ATOMIC_RELEASE);
		done = nf_enqueue_all(nf, nf->tx, h->pkts + h->n_dir, n_mgr,
				      NULL, 0);
		if (unlikely(done < n_mgr))
			return -ENOTCONN;
	}
	if (n_out) {
		/* From here the PMD owns them (net_null frees them at once),
		 * into our own mempool cache: the lcore id is ours only for
		 * the transmit (see struct onvm_nf_held, cache_busy). */
		__atomic_store_n(&h->port_sent, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&h->cache_busy, 1, __ATOMIC_RELEASE);
		rte_compiler_barrier();
		RTE_PER_LCORE(_lcore_id) = nf->cache_lcore;
		for (j = h->n_mgr; j < n; j += nb) {
			if (uni_port != NF_NO_TXQ) {
				p = uni_port;
				nb = n - j;
			} else {
				p = gport[j];
				for (nb = 1; j + nb < n && gport[j + nb] == p;
				     nb++)
					;
			}
			sent = rte_eth_tx_burst(p, nf->txq[p], h->pkts + j, nb);
			__atomic_store_n(&c->port_tx[p], c->port_tx[p] + sent,
					 __ATOMIC_RELAXED);
			if (unlikely(sent < nb)) {
				__atomic_store_n(&c->port_tx_full[p],
						 c->port_tx_full[p] + nb - sent,
						 __ATOMIC_RELAXED);
				rte_pktmbuf_free_bulk(h->pkts + j + sent,
						      nb - sent);
			}
		}
		RTE_PER_LCORE(_lcore_id) = LCORE_ID_ANY;
		rte_compiler_barrier();
		__atomic_store_n(&h->cache_busy, 0, __ATOMIC_RELEASE);
	}
	/* Passed on: only now do the packets leave the input ring. */
	nf_finish(nf, src, n);
	__atomic_store_n(&h->split, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&h->d_marked, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&h->tx_marked, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&h->port_sent, 0, __ATOMIC_RELEASE);
	nf_count(nf, n, drops);
	return 0;
}

/* One burst: verdicts, then back to the manager. */
static inline int
nf_process(struct onvm_nf *nf, onvm_burst_handler_t burst,
	   onvm_pkt_handler_t pkt, struct rte_ring *src, struct rte_mbuf **pkts,
	   uint16_t n)
{
	struct onvm_nf_counters *c = &nf->slot->nf;
	uint16_t i;

	if (src == NULL)	/* straight from a port: in the crash record */
		pkts = nf->slot->held.pkts;
	__atomic_store_n(&c->rx, c->rx + n, __ATOMIC_RELAXED);
	if (burst != NULL) {
		burst(nf, pkts, n);
	} else {
		for (i = 0; i < n && i < NF_PREFETCH; i++)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
		for (i = 0; i < n; i++) {
			if (i + NF_PREFETCH < n)
				rte_prefetch0(rte_pktmbuf_mtod(
					pkts[i + NF_PREFETCH], void *));
			pkt(nf, pkts[i]);
		}
	}
	return nf_send(nf, src, pkts, n);
}

/* --nf-rx: do we poll the ports now? The manager takes them back by
 * setting rx_owner, then waits for our qs to move: qs was bumped before
 * this burst (nf_quiescent), and the fence orders that store before the
 * load that lets us poll (rx_owner and qs are a Dekker pair). While any NF
 * is in backpressure we leave packets in the port's queue: that is where
 * an overloaded chain should refuse them. */
static inline int
nf_rx_mine(struct onvm_nf *nf)
{
	const struct onvm_shm *shm = nf->shm;

	if (likely(__atomic_load_n(&shm->rx_owner, __ATOMIC_RELAXED) !=
		   (int16_t)nf->slot_idx))
		return 0;
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&shm->rx_owner, __ATOMIC_RELAXED) ==
		       (int16_t)nf->slot_idx &&
	       __atomic_load_n(&shm->bp_mask, __ATOMIC_RELAXED) == 0;
}

/* --nf-rx: one burst from the next of our (port, queue) pairs, into the
 * crash record (held.pkts, rx_n), where it is processed, as the manager
 * would have sent it: at position 0 of the default chain (we head it, and
 * no flow rule exists while we poll). The PMD refills from our own
 * mempool cache (its lcore id, as for transmits). @return packets
 * received. */
static inline uint16_t
nf_rx_port(struct onvm_nf *nf)
{
	struct onvm_nf_counters *c = &nf->slot->nf;
	struct onvm_nf_held *h = &nf->slot->held;
	struct onvm_pkt_meta want, *m;
	uint16_t i, n, port, q, def;

	i = nf->rx_next;
	port = nf->rxq_port[i];
	q = nf->rxq_id[i];
	nf->rx_next = i + 1 == nf->nb_rxq ? 0 : i + 1;

	__atomic_store_n(&h->rx_busy, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&h->cache_busy, 1, __ATOMIC_RELEASE);
	rte_compiler_barrier();
	RTE_PER_LCORE(_lcore_id) = nf->cache_lcore;
	n = rte_eth_rx_burst(port, q, h->pkts, ONVM_BURST);
	RTE_PER_LCORE(_lcore_id) = LCORE_ID_ANY;
	rte_compiler_barrier();
	__atomic_store_n(&h->rx_n, n, __ATOMIC_RELEASE);
	__atomic_store_n(&h->cache_busy, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&h->rx_busy, 0, __ATOMIC_RELEASE);
	if (n == 0)
		return 0;
	memset(&want, 0, sizeof(want));
	want.action = ONVM_ACT_NEXT;
	def = onvm_default_chain_id(nf->shm);
	want.chain_id = def;
	for (i = 0; i < n; i++) {
		/* As in the manager: a recycled mbuf's metadata is often
		 * already right, then it is only read. */
		m = onvm_pkt_meta(h->pkts[i]);
		if (memcmp(m, &want, sizeof(want)) != 0)
			*m = want;
		h->pkts[i]->port = port;
	}
	__atomic_store_n(&c->port_rx[port], c->port_rx[port] + n,
			 __ATOMIC_RELAXED);
	return n;
}

/* Peek a burst: from the in_ring (the NF before us) first, so packets
 * already processed upstream leave the chain first; else the rx ring;
 * else, with --nf-rx while we hold them, a port (*src NULL: the burst is
 * in the crash record, see struct onvm_nf_held). */
static inline uint16_t
nf_peek(struct onvm_nf *nf, struct rte_mbuf **pkts, struct rte_ring **src)
{
	unsigned int left;
	uint16_t n;

	n = rte_ring_dequeue_burst_start(nf->in, (void **)pkts, ONVM_BURST,
					 NULL);
	if (n != 0) {
		*src = nf->in;
		return n;
	}
	*src = nf->rx;
	n = rte_ring_dequeue_burst_start(nf->rx, (void **)pkts, ONVM_BURST,
					 &left);
	nf_bp_check(nf, left);
	if (n != 0 || nf->nb_rxq == 0 || !nf_rx_mine(nf))
		return n;
	/* Our in_ring is empty: a burst that must be split can go there, and
	 * we are its only producer (the manager gives it no other while we
	 * poll). */
	n = nf_rx_port(nf);
	if (n != 0)
		*src = NULL;
	return n;
}

/* Between bursts: this NF holds no routing decision (see in_from). */
static inline void
nf_quiescent(struct onvm_nf *nf)
{
	struct onvm_nf_counters *c = &nf->slot->nf;

	__atomic_store_n(&c->qs, c->qs + 1, __ATOMIC_RELEASE);
}

static void
nf_pass_burst(struct onvm_nf *nf __rte_unused,
	      struct rte_mbuf **pkts __rte_unused, uint16_t n __rte_unused)
{
}

/* A stop the NF or the manager asked for: leave the service first, so
 * nothing new arrives, then pass on everything already queued to us. */
static void
nf_drain(struct onvm_nf *nf, onvm_burst_handler_t burst,
	 onvm_pkt_handler_t pkt)
{
	struct rte_mbuf *pkts[ONVM_BURST];
	uint64_t deadline = rte_rdtsc() + rte_get_tsc_hz() * NF_DRAIN_S;
	unsigned int drained = 0;
	struct rte_ring *src;
	uint16_t n;

	/* Once the manager answers, neither it nor the NF before us sends
	 * us anything more. */
	if (nf_leave_service(nf) < 0)
		return;
	while (rte_rdtsc() < deadline) {
		nf_quiescent(nf);
		n = nf_peek(nf, pkts, &src);
		if (n == 0 || nf_process(nf, burst, pkt, src, pkts, n) < 0)
			break;
		drained += n;
	}
	if (drained)
		NF_LOG(INFO, "passed on %u queued packet(s) before leaving",
		       drained);
}

static int
nf_loop_run(struct onvm_nf *nf, onvm_burst_handler_t burst,
	    onvm_pkt_handler_t pkt, struct rte_mbuf **pkts)
{
	unsigned int idle = 0, busy = 0;
	struct rte_ring *src;
	uint16_t n;

	while (!nf->stop) {
		nf_quiescent(nf);
		n = nf_peek(nf, pkts, &src);
		if (n == 0) {
			if (nf_housekeeping(nf, rte_rdtsc()))
				break;
			if (!nf->sleepy) {
				nf_idle(nf, idle++);
			} else if (idle++ < NF_SLEEP_AFTER) {
				sched_yield();
			} else {
				nf_sleep(nf);
				idle = 0;
			}
			continue;
		}
		idle = 0;
		if (unlikely(nf_process(nf, burst, pkt, src, pkts, n) < 0))
			break;
		/* A safe point: no ring or mempool operation in flight. */
		if (nf->shared_cpu && busy % NF_SHARED_YIELD_BURSTS == 0)
			sched_yield();
		if (unlikely(++busy == NF_HOUSEKEEP_LOOPS)) {
			busy = 0;
			if (nf_housekeeping(nf, rte_rdtsc()))
				break;
		}
	}
	if (nf->stop && nf->exit_reason == NF_EXIT_NONE)
		nf->exit_reason = NF_EXIT_REQUESTED;
	if (nf->exit_reason == NF_EXIT_REQUESTED ||
	    nf->exit_reason == NF_EXIT_MGR_ASKED)
		nf_drain(nf, burst, pkt);
	return nf->exit_reason == NF_EXIT_MGR_DEAD ? -ENOTCONN : 0;
}

static int
nf_loop(struct onvm_nf *nf, onvm_burst_handler_t burst,
	onvm_pkt_handler_t pkt)
{
	struct rte_mbuf *pkts[ONVM_BURST];

	return nf_loop_run(nf, burst, pkt, pkts);
}

int
onvm_nf_poll(struct onvm_nf *nf, onvm_burst_handler_t handler)
{
	struct rte_mbuf *pkts[ONVM_BURST];
	struct rte_ring *src;
	uint16_t n;

	if (nf == NULL)
		return -EINVAL;
	nf_quiescent(nf);
	if (nf->stop || nf_housekeeping(nf, rte_rdtsc())) {
		if (nf->stop && nf->exit_reason == NF_EXIT_NONE)
			nf->exit_reason = NF_EXIT_REQUESTED;
		if (nf->exit_reason == NF_EXIT_MGR_DEAD)
			return -ENOTCONN;
		if (handler != NULL && (nf->exit_reason == NF_EXIT_REQUESTED ||
					nf->exit_reason == NF_EXIT_MGR_ASKED))
			nf_drain(nf, handler, NULL);
		return -ESHUTDOWN;
	}
	n = nf_peek(nf, pkts, &src);
	if (n == 0)
		return 0;
	if (handler == NULL) {
		/* Nobody to hand them to: they continue unchanged. */
		handler = nf_pass_burst;
	}
	if (nf_process(nf, handler, NULL, src, pkts, n) < 0)
		return -ENOTCONN;
	return n;
}

uint16_t
onvm_nf_inject(struct onvm_nf *nf, struct rte_mbuf **pkts, uint16_t n)
{
	struct onvm_nf_counters *cnt;
	const struct onvm_chain *c;
	struct onvm_pkt_meta *m;
	unsigned int sent;
	uint16_t i, def;
	int pos;

	if (nf == NULL || n == 0)
		return 0;
	/* Made here, so on the default chain as it is now: after our
	 * service's place on it, or at its end if we are not on it. */
	def = onvm_default_chain_id(nf->shm);
	c = onvm_chain_of(nf->shm, def);
	pos = onvm_chain_find(c, nf->service_id);
	if (pos < 0)
		pos = c->len - 1;
	for (i = 0; i < n; i++) {
		m = onvm_pkt_meta(pkts[i]);
		m->chain_id = def;
		if (m->action == ONVM_ACT_NEXT)
			m->chain_pos = (uint8_t)pos;
	}
	/* Our tx ring: we are its one producer, this is our thread. */
	sent = rte_ring_sp_enqueue_burst(nf->tx, (void **)pkts, n, NULL);
	cnt = &nf->slot->nf;
	__atomic_store_n(&cnt->injected, cnt->injected + sent, __ATOMIC_RELAXED);
	return (uint16_t)sent;
}

int
onvm_nf_run(struct onvm_nf *nf, onvm_burst_handler_t handler)
{
	if (nf == NULL || handler == NULL)
		return -EINVAL;
	return nf_loop(nf, handler, NULL);
}

int
onvm_nf_run_pkt(struct onvm_nf *nf, onvm_pkt_handler_t handler)
{
	if (nf == NULL || handler == NULL)
		return -EINVAL;
	return nf_loop(nf, NULL, handler);
}
