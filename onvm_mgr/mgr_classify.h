/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef MGR_CLASSIFY_H
#define MGR_CLASSIFY_H

/* The RX path's classifier (hot path): a burst -> chain ids by the flow
 * table, and each packet's flow hash. Inline, for mgr_rx.c and the
 * benchmark (tests/bench/bench_classifier.c), which measure the same code. */

#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "mgr.h"
#include "onvm_flow.h"

#ifndef MGR_PREFETCH
#define MGR_PREFETCH 3
#endif

/* A packet's flow hash, for the flow table and for picking among a
 * service's instances: onvm_flow_key_hash() of its 5-tuple, or
 * onvm_flow_hash() of what it has (non-IP, fragments, truncated headers).
 * Computed at most once per packet: at arrival if the flow table has rules
 * or the first service has several instances, else at the first hop that
 * does. Kept in m->hash.rss, flagged RTE_MBUF_F_RX_RSS_HASH; a NIC's own
 * RSS hash is cleared at arrival, since every packet of a flow must be
 * hashed alike whatever path it takes. */
static inline uint32_t
mgr_hash_set(struct rte_mbuf *m, const struct onvm_flow *f,
	     const struct onvm_flow_key *k)
{
	m->hash.rss = k != NULL ? onvm_flow_key_hash(k) : onvm_flow_hash(f);
	m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	return m->hash.rss;
}

/* Classify a burst from @p port: chain[i] is the chain id of pkts[i], a
 * rule's or the default @p def. One parse and one hash per packet serve
 * the lookup and, later, the choice of instances (mgr_flow_hash()). With
 * rules that name an input port, a miss is looked up again without the
 * port: the same hash, so the same bucket. */
static inline void
mgr_classify(struct mgr_ctx *ctx, struct mgr_lcore *lc, struct rte_mbuf **pkts,
	     uint16_t n, uint16_t port, uint16_t def, uint16_t *chain)
{
	const struct mgr_flow *fl = ctx->flow;
	struct onvm_flow_key keys[ONVM_BURST];
	const void *kp[ONVM_BURST];
	hash_sig_t sig[ONVM_BURST];
	void *data[ONVM_BURST];
	uint8_t at[ONVM_BURST];
	struct onvm_flow f;
	uint64_t hit = 0;
	uint16_t i, j, nk = 0, nm;
	int by_port = __atomic_load_n(&fl->nb_port_rules,
				      __ATOMIC_RELAXED) != 0;

	for (i = 0; i < n && i < MGR_PREFETCH; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		if (i + MGR_PREFETCH < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + MGR_PREFETCH],
						       void *));
		chain[i] = def;
		onvm_flow_parse(rte_pktmbuf_mtod(pkts[i], const uint8_t *),
				rte_pktmbuf_data_len(pkts[i]), &f);
		if (onvm_flow_key_get(&f, by_port ? port : ONVM_FLOW_PORT_ANY,
				      &keys[nk]) < 0) {
			mgr_hash_set(pkts[i], &f, NULL);
			continue;
		}
		sig[nk] = mgr_hash_set(pkts[i], &f, &keys[nk]);
		kp[nk] = &keys[nk];
		at[nk++] = (uint8_t)i;
	}
	if (nk == 0)
		return;
	lc->st.flow_lookups += nk;
	if (rte_hash_lookup_with_hash_bulk_data(fl->h, kp, sig, nk, &hit,
						data) < 0)
		return;
	for (nm = 0, j = 0; j < nk; j++) {
		if (hit & (UINT64_C(1) << j)) {
			chain[at[j]] = MGR_FLOW_CHAIN(data[j]);
			lc->flow_hits[MGR_FLOW_IDX(data[j])]++;
			lc->st.flow_hits++;
		} else if (by_port) {
			/* again, as a rule for any port */
			keys[j].in_port = ONVM_FLOW_PORT_ANY;
			kp[nm] = &keys[j];
			sig[nm] = sig[j];
			at[nm++] = at[j];
		}
	}
	if (nm == 0 || rte_hash_lookup_with_hash_bulk_data(fl->h, kp, sig, nm,
							   &hit, data) < 0)
		return;
	for (j = 0; j < nm; j++)
		if (hit & (UINT64_C(1) << j)) {
			chain[at[j]] = MGR_FLOW_CHAIN(data[j]);
			lc->flow_hits[MGR_FLOW_IDX(data[j])]++;
			lc->st.flow_hits++;
		}
}

#endif /* MGR_CLASSIFY_H */
