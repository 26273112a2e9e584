/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef MGR_OPTS_H
#define MGR_OPTS_H

/* The manager's own options (after the EAL's "--") and the mempool sizing
 * they imply. No rte_ calls: unit-tested. */

#include <stddef.h>
#include <stdint.h>

#include "onvm_chain.h"

#define MGR_MAX_FLOW_OPTS 256		/* --flow options on one command line */
#define MGR_FLOW_TABLE_DEFAULT (1U << 20)	/* rules, --flow-table */
#define MGR_FLOW_TABLE_MIN 16
#define MGR_FLOW_TABLE_MAX (1U << 24)
#define MGR_BP_HIGH_DEFAULT 80		/* --bp-high, % of an rx ring */
#define MGR_BP_LOW_DEFAULT 50		/* --bp-low */

struct mgr_opts {
	struct onvm_chain chain;	/* --chain, required */
	double stats_interval;		/* --stats-interval SEC, 0: off */
	const char *stats_json;		/* --stats-json PATH, or NULL */
	double duration;		/* --duration SEC, 0: until a signal */
	int no_wait;			/* --no-wait */
	int quiet;			/* --quiet: no stats table on stdout */
	uint32_t ring_size;		/* --ring-size N, power of two */
	uint32_t max_nfs;		/* --max-nfs N */
	uint32_t nb_mbufs;		/* --mbufs N, 0: derived */
	uint32_t mbuf_cache;		/* --mbuf-cache N */
	uint16_t nb_rxd;		/* --rxd N */
	uint16_t nb_txd;		/* --txd N */
	uint32_t restart_max;		/* --restart N/SEC: N tries, 0: off */
	double restart_window;		/* ... in SEC seconds */
	int nf_tx;			/* --nf-tx: NFs transmit to ports */
	int nf_rx;			/* --nf-rx: the head NF polls ports */
	int shared_core;		/* --shared-core: idle NFs sleep */
	uint32_t bp_high;		/* --bp-high PCT of the rx ring, 0: off */
	uint32_t bp_low;		/* --bp-low PCT, below bp_high */
	uint32_t flow_table;		/* --flow-table N: rules at most */
	uint32_t nb_flows;		/* --flow RULE, repeatable: checked */
	const char *flow[MGR_MAX_FLOW_OPTS];	/* by the parser, in argv */
	/* --scale SID:POLICY and --launch SID:CMDLINE, repeatable, one per
	 * service: checked by the parser (mgr_scale_policy.h), used by
	 * mgr_scale.c */
	uint32_t nb_scale;
	const char *scale[ONVM_MAX_SERVICES];
	uint32_t nb_launch;
	const char *launch[ONVM_MAX_SERVICES];
};

/**
 * Parse the manager's options. argv[0] is the program name.
 * @return 0; 1 if --help was given (usage printed by the caller);
 *   -EINVAL with one phrase in @p err.
 */
int mgr_opts_parse(int argc, char **argv, struct mgr_opts *o, char *err,
		   size_t errlen);

/** The usage text. */
extern const char mgr_usage[];

/**
 * mbufs a pool needs so that no queue or ring can run dry: every port's
 * rx and tx descriptors, every lcore's cache and buffers, and every NF's
 * two rings full at once; rounded up to 2^k - 1 (best for ring mempools).
 */
uint32_t mgr_pool_size(uint16_t nb_ports, uint16_t nb_rxd, uint16_t nb_txd,
		       uint32_t nb_lcores, uint32_t cache, uint32_t max_nfs,
		       uint32_t ring_size);

#endif /* MGR_OPTS_H */
