/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* The manager's data path, one loop per data lcore:
 *  1. rx bursts from its port queues -> classified (flow table, else the
 *     default chain) -> the first service of the packet's chain;
 *  2. bursts from its NFs' tx rings -> the next hop of each verdict;
 *  3. flush per-destination buffers in bursts: NF rx rings, port tx queues.
 * Burst-based, lock-free, allocation-free, syscall-free. Every mbuf leaves
 * an iteration enqueued, transmitted or freed-and-counted. */

#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "mgr.h"
#include "mgr_classify.h"
#include "onvm_flow.h"


static uint32_t
mgr_flow_hash(struct rte_mbuf *m)
{
	struct onvm_flow f;
	struct onvm_flow_key k;

	if (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH)
		return m->hash.rss;
	onvm_flow_parse(rte_pktmbuf_mtod(m, const uint8_t *),
			rte_pktmbuf_data_len(m), &f);
	return mgr_hash_set(m, &f, onvm_flow_key_get(&f, ONVM_FLOW_PORT_ANY,
						     &k) == 0 ? &k : NULL);
}

static inline void
mgr_free(struct mgr_lcore *lc, struct rte_mbuf *m, enum mgr_drop why)
{
	lc->st.drop[why]++;
	rte_pktmbuf_free(m);
}

/* Slot @p slot's rx ring reached the high watermark: its chains stop at
 * the entry (mgr_bp_filter) until it drains to the low one. An atomic
 * operation only on the transition. */
static __rte_noinline void
mgr_bp_set(struct mgr_ctx *ctx, struct mgr_lcore *lc, uint16_t slot)
{
	uint64_t bit = UINT64_C(1) << slot;

	if ((__atomic_load_n(&ctx->shm->bp_mask, __ATOMIC_RELAXED) & bit) == 0 &&
	    (__atomic_fetch_or(&ctx->shm->bp_mask, bit, __ATOMIC_RELEASE) &
	     bit) == 0)
		lc->st.nf_bp_on[slot]++;
}

static inline void
mgr_flush_nf(struct mgr_ctx *ctx, struct mgr_lcore *lc, uint16_t slot)
{
	struct onvm_nf_slot *nf = &ctx->shm->nf[slot];
	struct mgr_buf *b = &lc->nf_buf[slot];
	unsigned int sent, free;

	/* `free` comes with the enqueue (it read the consumer's tail). */
	sent = rte_ring_enqueue_burst(nf->rx_ring, (void **)b->pkts, b->n,
				      &free);
	onvm_nf_wake(nf);
	if (unlikely(onvm_bp_enter(ctx->ring_cap - free, ctx->bp_high)))
		mgr_bp_set(ctx, lc, slot);
	if (unlikely(sent < b->n)) {
		lc->st.drop[MGR_DROP_RING_FULL] += b->n - sent;
		lc->st.nf_ring_full[slot] += b->n - sent;
		rte_pktmbuf_free_bulk(b->pkts + sent, b->n - sent);
	}
	b->n = 0;
}

static inline void
mgr_flush_port(struct mgr_lcore *lc, uint16_t port)
{
	struct mgr_buf *b = &lc->port_buf[port];
	uint16_t sent;

	sent = rte_eth_tx_burst(port, lc->txq, b->pkts, b->n);
	lc->st.port_tx[port] += sent;
	if (unlikely(sent < b->n)) {
		lc->st.drop[MGR_DROP_TX_FULL] += b->n - sent;
		lc->st.port_tx_full[port] += b->n - sent;
		rte_pktmbuf_free_bulk(b->pkts + sent, b->n - sent);
	}
	b->n = 0;
}

static inline void
mgr_to_nf(struct mgr_ctx *ctx, struct mgr_lcore *lc, struct rte_mbuf *m,
	  uint16_t sid)
{
	const struct onvm_service *s = &ctx->shm->svc[sid];
	struct mgr_buf *b;
	int slot;

	slot = onvm_svc_pick(s, __atomic_load_n(&s->n, __ATOMIC_RELAXED) > 1 ?
			     mgr_flow_hash(m) : 0);
	if (unlikely(slot < 0)) {
		/* drop, or park for a first instance (min 0): cold */
		mgr_scale_park(ctx, lc, m, sid);
		return;
	}
	b = &lc->nf_buf[slot];
	lc->dirty_nf |= UINT64_C(1) << slot;
	b->pkts[b->n++] = m;
	if (unlikely(b->n == ONVM_BURST))
		mgr_flush_nf(ctx, lc, (uint16_t)slot);
}

static inline void
mgr_to_port(struct mgr_lcore *lc, struct rte_mbuf *m, uint16_t port)
{
	struct mgr_buf *b = &lc->port_buf[port];

	lc->dirty_port |= UINT32_C(1) << port;
	b->pkts[b->n++] = m;
	if (unlikely(b->n == ONVM_BURST))
		mgr_flush_port(lc, port);
}

static void
mgr_flush(struct mgr_ctx *ctx, struct mgr_lcore *lc)
{
	uint64_t nfs = lc->dirty_nf;
	uint32_t ports = lc->dirty_port;
	unsigned int i;

	/* A buffer that filled up was flushed already and may be empty. */
	while (nfs != 0) {
		i = rte_bsf64(nfs);
		nfs &= nfs - 1;
		if (lc->nf_buf[i].n)
			mgr_flush_nf(ctx, lc, (uint16_t)i);
	}
	while (ports != 0) {
		i = rte_bsf32(ports);
		ports &= ports - 1;
		if (lc->port_buf[i].n)
			mgr_flush_port(lc, (uint16_t)i);
	}
	lc->dirty_nf = 0;
	lc->dirty_port = 0;
}

/* The NF slots of every instance of every service of chain @p id. */
static uint64_t
mgr_chain_slots(const struct onvm_shm *shm, uint16_t id)
{
	const struct onvm_chain *c = onvm_chain_of(shm, id);
	const struct onvm_service *s;
	uint64_t m = 0;
	uint16_t j, n;
	uint8_t i;

	for (i = 0; i < c->len && i < ONVM_MAX_CHAIN; i++) {
		s = &shm->svc[c->sid[i] & (ONVM_MAX_SERVICES - 1)];
		n = __atomic_load_n(&s->n, __ATOMIC_ACQUIRE);
		for (j = 0; j < n && j < ONVM_MAX_INSTANCES; j++)
			m |= UINT64_C(1) << (s->slot[j] & 63);
	}
	return m;
}

/* Some NF is in backpressure (@p bp, a slot mask): drop, at the entry,
 * the packets whose chain has an instance of a service in it, counted as
 * "backpressure"; keep the others in order. Packets already in a chain are
 * not touched: they still flow (only new work is refused). Runs only
 * while a slot is in backpressure; the chain's slots are looked up once
 * per run of packets with the same chain id. @return packets kept. */
static __rte_noinline uint16_t
mgr_bp_filter(struct mgr_ctx *ctx, struct mgr_lcore *lc,
	      struct rte_mbuf **pkts, uint16_t *chain, uint16_t n, uint64_t bp)
{
	uint16_t i, k = 0, last = UINT16_MAX;
	uint64_t hit = 0;
	unsigned int culprit = 0;

	for (i = 0; i < n; i++) {
		if (chain[i] != last) {
			last = chain[i];
			hit = mgr_chain_slots(ctx->shm, last) & bp;
			culprit = hit != 0 ? rte_bsf64(hit) : 0;
		}
		if (hit != 0) {
			/* on the account of one NF in backpressure: the
			 * scaler's drops metric counts them as its refusals */
			lc->st.nf_bp_drops[culprit]++;
			mgr_free(lc, pkts[i], MGR_DROP_BACKPRESSURE);
			continue;
		}
		pkts[k] = pkts[i];
		chain[k++] = chain[i];
	}
	return k;
}

/* Packets from a port start at position 0 of their chain: a flow rule's,
 * else the default. */
static void
mgr_rx_port(struct mgr_ctx *ctx, struct mgr_lcore *lc, uint16_t port,
	    uint16_t q)
{
	struct rte_mbuf *pkts[ONVM_BURST];
	uint16_t chain[ONVM_BURST];
	const struct onvm_shm *shm = ctx->shm;
	struct onvm_pkt_meta *meta, want;
	uint16_t i, n, def;
	uint64_t bp;

	n = rte_eth_rx_burst(port, q, pkts, ONVM_BURST);
	if (n == 0)
		return;
	lc->st.port_rx[port] += n;
	def = onvm_default_chain_id(shm);
	for (i = 0; i < n; i++)
		pkts[i]->ol_flags &= ~RTE_MBUF_F_RX_RSS_HASH;
	if (__atomic_load_n(&ctx->flow->nb_rules, __ATOMIC_RELAXED) != 0)
		mgr_classify(ctx, lc, pkts, n, port, def, chain);
	else
		for (i = 0; i < n; i++)
			chain[i] = def;
	bp = __atomic_load_n(&shm->bp_mask, __ATOMIC_RELAXED);
	if (unlikely(bp != 0)) {
		n = mgr_bp_filter(ctx, lc, pkts, chain, n, bp);
		if (n == 0)
			return;
	}
	memset(&want, 0, sizeof(want));
	want.action = ONVM_ACT_NEXT;
	for (i = 0; i < n && i < MGR_PREFETCH; i++)
		rte_prefetch0(onvm_pkt_meta(pkts[i]));
	for (i = 0; i < n; i++) {
		if (i + MGR_PREFETCH < n)
			rte_prefetch0(onvm_pkt_meta(pkts[i + MGR_PREFETCH]));
		/* A recycled mbuf often carries the very metadata it needs:
		 * then it is only read, and its cache line, last read by an
		 * NF's core, is not taken back for writing. */
		meta = onvm_pkt_meta(pkts[i]);
		want.chain_id = chain[i];
		if (memcmp(meta, &want, sizeof(want)) != 0)
			*meta = want;
		pkts[i]->port = port;
		mgr_to_nf(ctx, lc, pkts[i], onvm_chain_of(shm, chain[i])->sid[0]);
	}
}

/* Apply the verdicts of one burst from an NF. */
static void
mgr_from_nf(struct mgr_ctx *ctx, struct mgr_lcore *lc, uint16_t slot)
{
	struct rte_mbuf *pkts[ONVM_BURST];
	struct onvm_pkt_meta *meta;
	uint16_t i, n, dest;
	uint8_t pos;

	n = rte_ring_sc_dequeue_burst(ctx->shm->nf[slot].tx_ring,
				      (void **)pkts, ONVM_BURST, NULL);
	for (i = 0; i < n && i < MGR_PREFETCH; i++)
		rte_prefetch0(onvm_pkt_meta(pkts[i]));
	for (i = 0; i < n; i++) {
		if (i + MGR_PREFETCH < n)
			rte_prefetch0(onvm_pkt_meta(pkts[i + MGR_PREFETCH]));
		meta = onvm_pkt_meta(pkts[i]);
		dest = meta->dest;
		pos = meta->chain_pos;
		switch (onvm_route(onvm_chain_of(ctx->shm, meta->chain_id),
				   meta->action, &dest, &pos, pkts[i]->port,
				   ctx->nb_ports)) {
		case ONVM_HOP_SERVICE:
			meta->action = ONVM_ACT_NEXT;
			meta->chain_pos = pos;
			mgr_to_nf(ctx, lc, pkts[i], dest);
			break;
		case ONVM_HOP_PORT:
			mgr_to_port(lc, pkts[i], dest);
			break;
		case ONVM_HOP_DROP:
			mgr_free(lc, pkts[i], MGR_DROP_NF_DROP);
			break;
		default:
			mgr_free(lc, pkts[i], MGR_DROP_BAD_ACTION);
			break;
		}
	}
}

int
mgr_lcore_main(void *arg)
{
	struct mgr_ctx *ctx = arg;
	struct mgr_lcore *lc = NULL;
	struct onvm_shm *shm = ctx->shm;
	unsigned int self = rte_lcore_id();
	uint16_t i, slot, step;

	for (i = 0; i < ctx->nb_lcores; i++)
		if (ctx->lcores[i].lcore_id == self)
			lc = &ctx->lcores[i];
	if (lc == NULL)
		return 0;
	step = ctx->nb_lcores;
	rte_rcu_qsbr_thread_register(ctx->qsbr, lc->idx);
	rte_rcu_qsbr_thread_online(ctx->qsbr, lc->idx);

	while (!ctx->quit) {
		/* Ports are polled only once the chain is up (or --no-wait),
		 * no more once the manager stops, and not while an NF polls
		 * them (--nf-rx). */
		if (__atomic_load_n(&shm->mgr_state, __ATOMIC_ACQUIRE) ==
			    ONVM_MGR_RUNNING &&
		    __atomic_load_n(&shm->rx_owner, __ATOMIC_ACQUIRE) ==
			    ONVM_RX_MGR)
			for (i = 0; i < lc->nb_rxq; i++)
				mgr_rx_port(ctx, lc, lc->rxq_port[i],
					    lc->rxq_id[i]);
		for (slot = lc->idx; slot < ctx->opts.max_nfs; slot += step)
			if (__atomic_load_n(&shm->nf[slot].state,
					    __ATOMIC_ACQUIRE) != ONVM_NF_FREE)
				mgr_from_nf(ctx, lc, slot);
		mgr_flush(ctx, lc);
		rte_rcu_qsbr_quiescent(ctx->qsbr, lc->idx);
	}
	rte_rcu_qsbr_thread_offline(ctx->qsbr, lc->idx);
	rte_rcu_qsbr_thread_unregister(ctx->qsbr, lc->idx);
	return 0;
}
