/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef MGR_FLOW_H
#define MGR_FLOW_H

/* The flow table: a flow (5-tuple, optionally with its input port) -> a
 * chain of service ids; a packet that matches no rule takes the default
 * chain. Rule text (shared with onvmctl and the deployment file):
 *
 *     PROTO SRC_IP SPORT DST_IP DPORT [in PORT] chain SID[,SID...]
 *
 * e.g. "udp 10.0.0.1 1234 10.0.0.2 80 chain 2,3" or
 * "tcp 2001:db8::1 443 2001:db8::2 5555 in 0 chain 4"; a match (to
 * delete) is the same without " chain ...". See onvm_flow_rule_parse().
 *
 * Threads: the data lcores look rules up without locks (rte_hash with
 * RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF); every change goes through the
 * functions below, which take the flow lock themselves (and
 * mgr_chain_set_default() the registry lock first: lock order reg_lock,
 * then the flow lock). They may be called from any control thread
 * (telemetry, IPC, the control thread), never from a data lcore: they wait
 * for an RCU grace period of the data lcores. Only the manager touches the
 * rte_hash; NFs ask the manager over IPC (onvm_nf_flow_add()). */

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_hash.h>

#include "onvm_flow.h"
#include "onvm_limits.h"

struct mgr_ctx;

/* The table's state (manager-private; see mgr_flow.c). The data lcores
 * read `h`, `nb_rules` and `nb_port_rules`; everything else is the flow
 * lock's. A rule's rte_hash data word is (rule index << 16 | chain id):
 * the chain id is published with the key, and the rule index names the
 * rule's hit counter in each data lcore's `flow_hits` array. */
struct mgr_flow {
	struct rte_hash *h;
	uint32_t capacity;		/* rules at most (--flow-table) */
	uint32_t nb_rules;		/* 0: data lcores skip the lookup */
	uint32_t nb_port_rules;		/* rules with "in PORT": two lookups */
	pthread_mutex_t lock;
	uint32_t *free_idx;		/* free rule indexes, a stack */
	uint32_t nb_free_idx;
	uint32_t chain_refs[ONVM_MAX_CHAINS];	/* rules + the default */
	uint64_t chain_freed[ONVM_MAX_CHAINS];	/* order of last release */
	uint64_t chain_token[ONVM_MAX_CHAINS];	/* RCU token at release */
	uint64_t nb_released;
};

/* Data word of a rule in the rte_hash. */
#define MGR_FLOW_DATA(idx, chain) \
	((void *)(uintptr_t)((uint64_t)(idx) << 16 | (chain)))
#define MGR_FLOW_CHAIN(data) ((uint16_t)((uintptr_t)(data) & 0xffff))
#define MGR_FLOW_IDX(data) ((uint32_t)((uintptr_t)(data) >> 16))

/**
 * Create the table (room for opts.flow_table rules), put the default chain
 * (--chain) at chain id 0, and install the --flow rules. After
 * mgr_registry_init(). @return 0, or -errno with ctx->err set.
 */
int mgr_flow_init(struct mgr_ctx *ctx);

/** Free the table (after the data lcores stopped). */
void mgr_flow_fini(struct mgr_ctx *ctx);

/**
 * Install a rule. A rule whose match (5-tuple and input port) is already
 * in the table replaces that rule's chain, atomically: each packet of the
 * flow takes the old chain or the new one, never the default (0 as well).
 * Packets already on their way finish the chain they started.
 * @return 0; -EINVAL for a bad rule or an input port the manager does not
 *   have; -ENOSPC when the table holds opts.flow_table rules already, or
 *   no chain id is free (ONVM_MAX_CHAINS distinct chains in use). @p err
 *   holds one line on error.
 */
int mgr_flow_rule_add(struct mgr_ctx *ctx, const char *rule, char *err,
		      size_t errlen);

/**
 * Remove the rule of a match ("PROTO SRC_IP SPORT DST_IP DPORT [in PORT]").
 * Its flow takes the default chain (or a rule without "in PORT" of the
 * same 5-tuple) from the next packet on. Returns after a grace period of
 * the data lcores.
 * @return 0; -EINVAL for a bad match; -ENOENT if no rule has that match.
 */
int mgr_flow_rule_del(struct mgr_ctx *ctx, const char *match, char *err,
		      size_t errlen);

/**
 * Call @p cb for every rule with its canonical text and the packets that
 * took it (summed over the data lcores). The table is locked meanwhile
 * (the data path is not): @p cb must not call the functions above.
 * @return the number of rules visited, or the first non-zero value @p cb
 *   returned (which stops the walk).
 */
int mgr_flow_rule_walk(struct mgr_ctx *ctx,
		       int (*cb)(const char *rule_text, uint64_t hits,
				 void *arg),
		       void *arg);

/**
 * Make "SID[,SID...]" the default chain, without stopping traffic: the
 * chain gets an id of its own, which packets that match no rule take from
 * the next one on; packets already on their way finish the chain they
 * started. The direct NF-to-NF edges follow the new chain.
 * @return 0; -EINVAL for a bad chain; -ENOSPC if no chain id is free.
 */
int mgr_chain_set_default(struct mgr_ctx *ctx, const char *sids, char *err,
			  size_t errlen);

#endif /* MGR_FLOW_H */
