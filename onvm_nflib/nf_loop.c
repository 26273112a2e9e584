/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* The NF's packet loop (hot path): peek a burst from the rx ring, let the
 * NF give verdicts, hand the whole burst to the manager through the tx ring,
 * then finish the rx dequeue. The NF owns the mbufs only between those ring
 * operations, never frees one (the manager applies DROP), and leaves a
 * record from which the manager can reclaim the burst if the NF dies. No locks, allocation or syscalls
 * while packets flow; an idle NF backs off so NFs can share a core. */

#include <errno.h>
#include <sched.h>
#include <time.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_pause.h>
#include <rte_prefetch.h>
#include <rte_ring.h>
#include <rte_ring_peek.h>

#include "nf_internal.h"

/* Back-off of an idle NF: spin, then yield the core, then sleep briefly.
 * Polls that find the ring empty before each step: */
#define NF_IDLE_SPIN 256
#define NF_IDLE_YIELD 1024
#define NF_IDLE_SLEEP_MAX_US 200
#define NF_HOUSEKEEP_LOOPS 1024	/* busy loops between housekeeping */
#define NF_PREFETCH 4
#define NF_DRAIN_S 1		/* at most this long to drain at a stop */
#define NF_SHARED_YIELD_BURSTS 8	/* busy bursts between yields, shared CPU */

static void
nf_idle(unsigned int idle)
{
	struct timespec ts;
	unsigned int us;

	if (idle < NF_IDLE_SPIN) {
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

/* Hand a burst back to the manager. The tx ring is as large as the rx ring
 * and the manager drains it every loop, so it is full only if the manager
 * stalls; then wait for room (dropping here would need a mempool op). */
static inline int
nf_send(struct onvm_nf *nf, struct rte_mbuf **pkts, uint16_t n)
{
	struct onvm_nf_counters *c = &nf->slot->nf;
	struct onvm_nf_held *h = &nf->slot->held;
	uint16_t i, drops = 0;
	unsigned int sent = 0;

	for (i = 0; i < n; i++)
		drops += onvm_pkt_meta(pkts[i])->action == ONVM_ACT_DROP;

	/* Crash record (see struct onvm_nf_held): where the tx ring stood
	 * before this burst; the enqueue's release publishes it with the
	 * packets. */
	h->tx_mark = nf->tx->prod.tail;
	__atomic_store_n(&h->tx_marked, 1, __ATOMIC_RELEASE);
	for (;;) {
		sent += rte_ring_sp_enqueue_burst(nf->tx, (void **)pkts + sent,
						  n - sent, NULL);
		if (likely(sent == n))
			break;
		rte_pause();
		if (nf_housekeeping(nf, rte_rdtsc()) &&
		    nf->exit_reason == NF_EXIT_MGR_DEAD)
			return -ENOTCONN;
	}
	/* Handed back: only now do the packets leave the rx ring. */
	rte_ring_dequeue_finish(nf->rx, n);
	__atomic_store_n(&h->tx_marked, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&c->tx, c->tx + n - drops, __ATOMIC_RELAXED);
	__atomic_store_n(&c->drop, c->drop + drops, __ATOMIC_RELAXED);
	if (unlikely(c->first_pkt_ns == 0))
		__atomic_store_n(&c->first_pkt_ns, onvm_now_ns(), __ATOMIC_RELEASE);
	return 0;
}

/* --nf-tx: packets bound for a port this NF can send on go there at once;
 * the rest go back to the manager as in nf_send(). The split is written to
 * the crash record first (see struct onvm_nf_held). A packet the port
 * refuses is freed here and counted. */
static inline int
nf_send_split(struct onvm_nf *nf, struct rte_mbuf **pkts, uint16_t n)
{
	struct onvm_nf_counters *c = &nf->slot->nf;
	struct onvm_nf_held *h = &nf->slot->held;
	const struct onvm_chain *ch = &nf->shm->chain;
	struct rte_mbuf *out[ONVM_BURST];
	uint16_t out_port[ONVM_BURST];
	uint16_t gport[ONVM_BURST];
	const struct onvm_pkt_meta *meta;
	uint16_t i, j, dest, sent, nb, n_mgr = 0, n_out = 0, drops = 0;
	uint32_t ports = 0;
	unsigned int done = 0;
	uint8_t pos;
	uint16_t p;

	for (i = 0; i < n; i++) {
		meta = onvm_pkt_meta(pkts[i]);
		dest = meta->dest;
		pos = meta->chain_pos;
		if (meta->action != ONVM_ACT_DROP &&
		    onvm_route(ch, meta->action, &dest, &pos, meta->in_port,
			       nf->nb_ports) == ONVM_HOP_PORT &&
		    nf->txq[dest] != NF_NO_TXQ) {
			out_port[n_out] = dest;
			out[n_out++] = pkts[i];
			ports |= UINT32_C(1) << dest;
		} else {
			drops += meta->action == ONVM_ACT_DROP;
			h->pkts[n_mgr++] = pkts[i];
		}
	}
	if (n_out == 0)
		return nf_send(nf, pkts, n);

	/* The crash record: manager's share first, then per port. */
	j = n_mgr;
	for (p = 0; p < ONVM_MAX_PORTS; p++) {
		if (!(ports & (UINT32_C(1) << p)))
			continue;
		for (i = 0; i < n_out; i++)
			if (out_port[i] == p) {
				gport[j] = p;
				h->pkts[j++] = out[i];
			}
	}
	h->n = n;
	h->n_mgr = n_mgr;
	__atomic_store_n(&h->split, 1, __ATOMIC_RELEASE);

	if (n_mgr) {
		h->tx_mark = nf->tx->prod.tail;
		__atomic_store_n(&h->tx_marked, 1, __ATOMIC_RELEASE);
		for (;;) {
			done += rte_ring_sp_enqueue_burst(nf->tx,
				(void **)h->pkts + done, n_mgr - done, NULL);
			if (likely(done == n_mgr))
				break;
			rte_pause();
			if (nf_housekeeping(nf, rte_rdtsc()) &&
			    nf->exit_reason == NF_EXIT_MGR_DEAD)
				return -ENOTCONN;
		}
	}
	/* From here the PMD owns them (net_null frees them at once). */
	__atomic_store_n(&h->port_sent, 1, __ATOMIC_RELEASE);
	rte_compiler_barrier();
	for (j = n_mgr; j < n; j += nb) {
		p = gport[j];
		for (nb = 1; j + nb < n && gport[j + nb] == p; nb++)
			;
		sent = rte_eth_tx_burst(p, nf->txq[p], h->pkts + j, nb);
		__atomic_store_n(&c->port_tx[p], c->port_tx[p] + sent,
				 __ATOMIC_RELAXED);
		if (unlikely(sent < nb)) {
			__atomic_store_n(&c->port_tx_full[p],
					 c->port_tx_full[p] + nb - sent,
					 __ATOMIC_RELAXED);
			rte_pktmbuf_free_bulk(h->pkts + j + sent, nb - sent);
		}
	}
	rte_ring_dequeue_finish(nf->rx, n);
	__atomic_store_n(&h->split, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&h->port_sent, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&h->tx_marked, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&c->tx, c->tx + n - drops, __ATOMIC_RELAXED);
	__atomic_store_n(&c->drop, c->drop + drops, __ATOMIC_RELAXED);
	if (unlikely(c->first_pkt_ns == 0))
		__atomic_store_n(&c->first_pkt_ns, onvm_now_ns(), __ATOMIC_RELEASE);
	return 0;
}

/* One burst: verdicts, then back to the manager. */
static inline int
nf_process(struct onvm_nf *nf, onvm_burst_handler_t burst,
	   onvm_pkt_handler_t pkt, struct rte_mbuf **pkts, uint16_t n)
{
	struct onvm_nf_counters *c = &nf->slot->nf;
	uint16_t i;

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
	return nf->direct_tx ? nf_send_split(nf, pkts, n) :
			       nf_send(nf, pkts, n);
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
	uint16_t n;

	if (nf_leave_service(nf) < 0)
		return;
	while (rte_rdtsc() < deadline) {
		n = rte_ring_dequeue_burst_start(nf->rx, (void **)pkts,
						 ONVM_BURST, NULL);
		if (n == 0 || nf_process(nf, burst, pkt, pkts, n) < 0)
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
	uint16_t n;

	while (!nf->stop) {
		n = rte_ring_dequeue_burst_start(nf->rx, (void **)pkts,
						 ONVM_BURST, NULL);
		if (n == 0) {
			if (nf_housekeeping(nf, rte_rdtsc()))
				break;
			nf_idle(idle++);
			continue;
		}
		idle = 0;
		if (unlikely(nf_process(nf, burst, pkt, pkts, n) < 0))
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
	unsigned int lcore = rte_lcore_id();
	int rc;

	/* --nf-tx: the PMD frees mbufs in this process. NFs on one CPU share
	 * an lcore id, and the manager's may be the same: run as a non-EAL
	 * thread, without a mempool cache, so none of those caches is ever
	 * touched from two processes. */
	if (nf->direct_tx)
		RTE_PER_LCORE(_lcore_id) = LCORE_ID_ANY;
	rc = nf_loop_run(nf, burst, pkt, pkts);
	RTE_PER_LCORE(_lcore_id) = lcore;
	return rc;
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
