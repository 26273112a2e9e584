/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* The flow table and the chain table (control path): rules in an rte_hash
 * read lock-free by the data lcores (mgr_rx.c), chains by id in shared
 * memory, the default chain. See mgr_flow.h.
 *
 * Chain ids are reference-counted (rules and the default). An id whose
 * count drops to 0 is reused last (the one released longest ago first) and
 * only after an RCU grace period of the data lcores: a packet already on
 * its way keeps the id it was given at arrival, so an id must outlive the
 * packets that carry it. Packets queued to NFs are not covered by the
 * grace period; with 256 ids, reuse waits for as many chain changes. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "mgr.h"
#include "mgr_flow.h"

/* ---------------------------------------------------------------- chains */

static int
chain_equal(const struct onvm_chain *a, const struct onvm_chain *b)
{
	return a->len == b->len &&
	       memcmp(a->sid, b->sid, a->len * sizeof(a->sid[0])) == 0;
}

/* A reference to the id of chain @p c: one in use with the same services,
 * else a free one (the longest free first), filled in. Flow lock held.
 * @return the id, or -ENOSPC. */
static int
chain_get(struct mgr_ctx *ctx, const struct onvm_chain *c)
{
	struct mgr_flow *fl = ctx->flow;
	struct onvm_chain *e;
	int id, best = -1;

	for (id = 0; id < ONVM_MAX_CHAINS; id++) {
		if (fl->chain_refs[id] > 0 &&
		    chain_equal(&ctx->shm->chains[id], c)) {
			fl->chain_refs[id]++;
			return id;
		}
		if (fl->chain_refs[id] == 0 &&
		    (best < 0 || fl->chain_freed[id] < fl->chain_freed[best]))
			best = id;
	}
	if (best < 0)
		return -ENOSPC;
	/* A data lcore that still holds the id from its last use must be
	 * done with it. */
	if (fl->chain_freed[best] != 0)
		rte_rcu_qsbr_check(ctx->qsbr, fl->chain_token[best], true);
	e = &ctx->shm->chains[best];
	memset(e, 0, sizeof(*e));
	memcpy(e->sid, c->sid, c->len * sizeof(c->sid[0]));
	__atomic_store_n(&e->len, c->len, __ATOMIC_RELEASE);
	fl->chain_refs[best] = 1;
	return best;
}

static void
chain_put(struct mgr_ctx *ctx, uint16_t id)
{
	struct mgr_flow *fl = ctx->flow;

	if (fl->chain_refs[id] == 0 || --fl->chain_refs[id] > 0)
		return;
	fl->chain_freed[id] = ++fl->nb_released;
	fl->chain_token[id] = rte_rcu_qsbr_start(ctx->qsbr);
}

/* ---------------------------------------------------------------- rules */

static int
flow_parse(struct mgr_ctx *ctx, const char *text, int with_chain,
	   struct onvm_flow_rule *r, char *err, size_t errlen)
{
	char perr[160];

	if (onvm_flow_rule_parse(text, with_chain, r, perr, sizeof(perr)) < 0) {
		snprintf(err, errlen, "%s", perr);
		return -EINVAL;
	}
	if (r->key.in_port != ONVM_FLOW_PORT_ANY &&
	    r->key.in_port >= ctx->nb_ports) {
		snprintf(err, errlen, "input port %u does not exist (%u port%s)",
			 r->key.in_port, ctx->nb_ports,
			 ctx->nb_ports == 1 ? "" : "s");
		return -EINVAL;
	}
	return 0;
}

static void
flow_count_rule(struct mgr_flow *fl, const struct onvm_flow_key *k, int d)
{
	/* seq_cst: against the --nf-rx grant (mgr_rx_update()) */
	__atomic_store_n(&fl->nb_rules, fl->nb_rules + d, __ATOMIC_SEQ_CST);
	if (k->in_port != ONVM_FLOW_PORT_ANY)
		__atomic_store_n(&fl->nb_port_rules, fl->nb_port_rules + d,
				 __ATOMIC_RELEASE);
}

static int
flow_add(struct mgr_ctx *ctx, const struct onvm_flow_rule *r, char *err,
	 size_t errlen)
{
	struct mgr_flow *fl = ctx->flow;
	hash_sig_t sig = onvm_flow_key_hash(&r->key);
	void *data;
	uint32_t idx;
	int cid, rc;

	cid = chain_get(ctx, &r->chain);
	if (cid < 0) {
		snprintf(err, errlen, "no free chain id (%d distinct chains "
			 "in use)", ONVM_MAX_CHAINS);
		return -ENOSPC;
	}
	if (rte_hash_lookup_with_hash_data(fl->h, &r->key, sig, &data) >= 0) {
		/* Replace: the data word is stored atomically. */
		rc = rte_hash_add_key_with_hash_data(fl->h, &r->key, sig,
			MGR_FLOW_DATA(MGR_FLOW_IDX(data), cid));
		if (rc < 0) {
			chain_put(ctx, (uint16_t)cid);
			snprintf(err, errlen, "cannot replace the rule: %s",
				 strerror(-rc));
			return rc;
		}
		chain_put(ctx, MGR_FLOW_CHAIN(data));
		return 0;
	}
	if (fl->nb_rules >= fl->capacity || fl->nb_free_idx == 0) {
		chain_put(ctx, (uint16_t)cid);
		snprintf(err, errlen, "flow table full (%u rules; see "
			 "--flow-table)", fl->capacity);
		return -ENOSPC;
	}
	idx = fl->free_idx[--fl->nb_free_idx];
	rc = rte_hash_add_key_with_hash_data(fl->h, &r->key, sig,
					     MGR_FLOW_DATA(idx, cid));
	if (rc < 0) {
		fl->free_idx[fl->nb_free_idx++] = idx;
		chain_put(ctx, (uint16_t)cid);
		snprintf(err, errlen, "flow table full (%u rules; no room in "
			 "the key's buckets)", fl->nb_rules);
		return -ENOSPC;
	}
	flow_count_rule(fl, &r->key, 1);
	return 0;
}

/* --nf-rx: a rule exists now: take the ports back from the NF that polls
 * them, at once (the control path completes it, see mgr_rx_update() in
 * mgr_registry.c). The rule count was stored before (seq_cst): either we
 * see the NF here, or the grant sees the rule. */
static void
flow_rx_revoke(struct mgr_ctx *ctx)
{
	int16_t cur = __atomic_load_n(&ctx->shm->rx_owner, __ATOMIC_SEQ_CST);

	if (cur >= 0)
		__atomic_compare_exchange_n(&ctx->shm->rx_owner, &cur,
					    (int16_t)ONVM_RX_NONE, 0,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

int
mgr_flow_rule_add(struct mgr_ctx *ctx, const char *rule, char *err,
		  size_t errlen)
{
	struct onvm_flow_rule r;
	int rc;

	err[0] = '\0';
	if (flow_parse(ctx, rule, 1, &r, err, errlen) < 0)
		return -EINVAL;
	pthread_mutex_lock(&ctx->flow->lock);
	rc = flow_add(ctx, &r, err, errlen);
	pthread_mutex_unlock(&ctx->flow->lock);
	/* --nf-rx: the classifier is the manager's; the control path gives
	 * the ports back to an NF once no rule is left. */
	if (rc == 0)
		flow_rx_revoke(ctx);
	if (rc == 0)
		MGR_LOG(DEBUG, "flow rule added: %s", rule);
	return rc;
}

int
mgr_flow_rule_del(struct mgr_ctx *ctx, const char *match, char *err,
		  size_t errlen)
{
	struct mgr_flow *fl = ctx->flow;
	struct onvm_flow_rule r;
	hash_sig_t sig;
	void *data;
	int32_t pos;
	uint32_t idx;
	uint16_t i;

	err[0] = '\0';
	if (flow_parse(ctx, match, 0, &r, err, errlen) < 0)
		return -EINVAL;
	sig = onvm_flow_key_hash(&r.key);
	pthread_mutex_lock(&fl->lock);
	if (rte_hash_lookup_with_hash_data(fl->h, &r.key, sig, &data) < 0 ||
	    (pos = rte_hash_del_key_with_hash(fl->h, &r.key, sig)) < 0) {
		pthread_mutex_unlock(&fl->lock);
		snprintf(err, errlen, "no rule for '%s'", match);
		onvm_one_line(err);
		return -ENOENT;
	}
	flow_count_rule(fl, &r.key, -1);
	/* Until every data lcore has passed a quiescent point, one may still
	 * hold the key's position or the rule's counter. */
	rte_rcu_qsbr_synchronize(ctx->qsbr, RTE_QSBR_THRID_INVALID);
	rte_hash_free_key_with_position(fl->h, pos);
	idx = MGR_FLOW_IDX(data);
	for (i = 0; i < ctx->nb_lcores; i++)
		ctx->lcores[i].flow_hits[idx] = 0;
	fl->free_idx[fl->nb_free_idx++] = idx;
	chain_put(ctx, MGR_FLOW_CHAIN(data));
	pthread_mutex_unlock(&fl->lock);
	MGR_LOG(DEBUG, "flow rule removed: %s", match);
	return 0;
}

int
mgr_flow_rule_walk(struct mgr_ctx *ctx,
		   int (*cb)(const char *rule_text, uint64_t hits, void *arg),
		   void *arg)
{
	struct mgr_flow *fl = ctx->flow;
	struct onvm_flow_rule r;
	char text[ONVM_FLOW_TEXT_LEN];
	const void *key;
	void *data;
	uint32_t next = 0, idx;
	uint64_t hits;
	int n = 0, rc = 0;
	uint16_t i;

	pthread_mutex_lock(&fl->lock);
	while (rte_hash_iterate(fl->h, &key, &data, &next) >= 0) {
		memcpy(&r.key, key, sizeof(r.key));
		r.chain = *onvm_chain_of(ctx->shm, MGR_FLOW_CHAIN(data));
		if (onvm_flow_rule_format(&r, text, sizeof(text)) < 0)
			continue;
		idx = MGR_FLOW_IDX(data);
		hits = 0;
		for (i = 0; i < ctx->nb_lcores; i++)
			hits += __atomic_load_n(&ctx->lcores[i].flow_hits[idx],
						__ATOMIC_RELAXED);
		n++;
		rc = cb(text, hits, arg);
		if (rc != 0)
			break;
	}
	pthread_mutex_unlock(&fl->lock);
	return rc != 0 ? rc : n;
}

/* ---------------------------------------------------------------- default */

int
mgr_chain_set_default(struct mgr_ctx *ctx, const char *sids, char *err,
		      size_t errlen)
{
	struct mgr_flow *fl = ctx->flow;
	struct onvm_chain c;
	char cerr[128];
	uint16_t old;
	int id;

	err[0] = '\0';
	if (onvm_chain_parse(sids, &c, cerr, sizeof(cerr)) < 0) {
		snprintf(err, errlen, "%s", cerr);
		return -EINVAL;
	}
	pthread_mutex_lock(&ctx->reg_lock);
	pthread_mutex_lock(&fl->lock);
	old = ctx->shm->default_chain;
	id = chain_get(ctx, &c);
	if (id < 0) {
		pthread_mutex_unlock(&fl->lock);
		pthread_mutex_unlock(&ctx->reg_lock);
		snprintf(err, errlen, "no free chain id (%d distinct chains "
			 "in use)", ONVM_MAX_CHAINS);
		return -ENOSPC;
	}
	__atomic_store_n(&ctx->shm->default_chain, (uint16_t)id,
			 __ATOMIC_RELEASE);
	chain_put(ctx, old);
	pthread_mutex_unlock(&fl->lock);
	/* Direct edges follow the default chain (mgr_edge_want()). */
	mgr_edges_update(ctx);
	pthread_mutex_unlock(&ctx->reg_lock);
	MGR_LOG(INFO, "default chain is now %s (chain id %d)", sids, id);
	return 0;
}

/* ---------------------------------------------------------------- set-up */

int
mgr_flow_init(struct mgr_ctx *ctx)
{
	struct rte_hash_parameters hp = {
		.name = "onvm_flows",
		.key_len = sizeof(struct onvm_flow_key),
		.hash_func = rte_jhash,	/* unused: we pass our own hashes */
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct mgr_flow *fl;
	char err[200];
	uint32_t i;

	fl = rte_zmalloc("onvm_flow", sizeof(*fl), RTE_CACHE_LINE_SIZE);
	if (fl == NULL) {
		mgr_fail(ctx, "out of memory for the flow table");
		return -ENOMEM;
	}
	ctx->flow = fl;
	pthread_mutex_init(&fl->lock, NULL);
	fl->capacity = ctx->opts.flow_table;
	hp.entries = fl->capacity;
	fl->h = rte_hash_create(&hp);
	fl->free_idx = malloc(sizeof(*fl->free_idx) * fl->capacity);
	if (fl->h == NULL || fl->free_idx == NULL) {
		mgr_fail(ctx, "cannot create the flow table (%u rules): %s",
			 fl->capacity, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	for (i = 0; i < fl->capacity; i++)
		fl->free_idx[i] = fl->capacity - 1 - i;
	fl->nb_free_idx = fl->capacity;
	for (i = 0; i < ctx->nb_lcores; i++) {
		ctx->lcores[i].flow_hits = rte_zmalloc_socket("onvm_flow_hits",
			sizeof(uint64_t) * fl->capacity, RTE_CACHE_LINE_SIZE,
			(int)rte_lcore_to_socket_id(ctx->lcores[i].lcore_id));
		if (ctx->lcores[i].flow_hits == NULL) {
			mgr_fail(ctx, "out of memory for flow counters (%u "
				 "rules; see --flow-table)", fl->capacity);
			return -ENOMEM;
		}
	}

	/* The default chain: id 0. */
	ctx->shm->chains[0] = ctx->opts.chain;
	fl->chain_refs[0] = 1;
	__atomic_store_n(&ctx->shm->default_chain, 0, __ATOMIC_RELEASE);

	for (i = 0; i < ctx->opts.nb_flows; i++)
		if (mgr_flow_rule_add(ctx, ctx->opts.flow[i], err,
				      sizeof(err)) < 0) {
			mgr_fail(ctx, "--flow '%s': %s", ctx->opts.flow[i], err);
			onvm_one_line(ctx->err);
			return -EINVAL;
		}
	MGR_LOG(INFO, "flow table: room for %u rules, %u installed by --flow",
		fl->capacity, fl->nb_rules);
	return 0;
}

void
mgr_flow_fini(struct mgr_ctx *ctx)
{
	struct mgr_flow *fl = ctx->flow;
	uint16_t i;

	if (fl == NULL)
		return;
	for (i = 0; i < ctx->nb_lcores; i++) {
		rte_free(ctx->lcores[i].flow_hits);
		ctx->lcores[i].flow_hits = NULL;
	}
	rte_hash_free(fl->h);
	free(fl->free_idx);
	rte_free(fl);
	ctx->flow = NULL;
}
