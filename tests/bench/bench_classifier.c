/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* onvm-bench-classifier: the manager's classifier hit path alone, in Mpps
 * on one core. It builds the manager's flow table (mgr_flow.c, the rules
 * given as text as --flow would), one rule per flow, and runs the RX path's
 * mgr_classify() (mgr_classify.h: one parse, one hash, a bulk lookup with
 * the hashes, hit counters) over bursts of 32 frames whose 5-tuples walk
 * through all the flows in a scattered order. Each frame's source address and port are written
 * before it is classified (6 bytes; its cache line is read by the parse
 * anyway), so 1M flows need only a few thousand mbufs.
 *
 *   onvm-bench-classifier [EAL options] -- --flows N [--seconds S]
 *       [--miss] [--port-rules]
 *
 * prints one JSON line: flows, rules, packets, seconds, mpps, ns_per_pkt,
 * hits. --miss installs no rule for the flows (every lookup misses);
 * --port-rules adds one rule with "in 0" so that misses are looked up
 * twice. */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "mgr.h"
#include "mgr_classify.h"

int mgr_logtype;

/* mgr_flow.c recomputes the direct edges on a new default chain; there are
 * none here. */
void
mgr_edges_update(struct mgr_ctx *ctx __rte_unused)
{
}

#define NB_MBUFS 8192		/* frames cycled through, 256 bursts */
/* Flows are visited in the order k * FLOW_STRIDE mod N (a permutation: the
 * stride is a prime that divides no N we use), not in the order their
 * rules were added, so that no lookup follows the one before in memory. */
#define FLOW_STRIDE 2654435761ULL
#define FRAME_LEN 60

/* Flow i: UDP 10.(i >> 16).(i >> 8).(i) + 16M : 1024 + (i & 0x7fff)
 * -> 192.168.0.1:5001. */
static void
flow_addr(uint32_t i, uint8_t ip[4], uint16_t *sport)
{
	uint32_t a = (10u << 24) | (i & 0xffffff);

	ip[0] = a >> 24;
	ip[1] = a >> 16;
	ip[2] = a >> 8;
	ip[3] = a;
	*sport = 1024 + (i & 0x7fff) + ((i >> 24) << 15);
}

static void
frame_init(uint8_t *p)
{
	static const uint8_t hdr[42] = {
		2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, 0, 0, 46, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1,
		192, 168, 0, 1, 0x04, 0x00, 0x13, 0x89, 0, 26, 0, 0 };

	memset(p, 0, FRAME_LEN);
	memcpy(p, hdr, sizeof(hdr));
}

static inline void
frame_flow(uint8_t *p, uint32_t i)
{
	uint16_t sport;

	flow_addr(i, p + 26, &sport);
	p[34] = sport >> 8;
	p[35] = sport & 0xff;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "flows", required_argument, NULL, 'f' },
		{ "seconds", required_argument, NULL, 's' },
		{ "miss", no_argument, NULL, 'm' },
		{ "port-rules", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	static struct mgr_ctx ctx;
	static const struct rte_mbuf_dynfield meta_desc = {
		.name = ONVM_PKT_META_NAME,
		.size = sizeof(struct onvm_pkt_meta),
		.align = __alignof__(struct onvm_pkt_meta),
	};
	struct rte_mbuf *mbufs[NB_MBUFS];
	uint16_t chain[ONVM_BURST];
	struct rte_mempool *mp;
	struct mgr_lcore *lc;
	char rule[128], err[200];
	uint32_t flows = 1, i, j, at = 0;
	uint64_t next = 0, stride;
	double seconds = 2, secs;
	uint64_t pkts = 0, start = 0, end, hits;
	uint8_t ip[4];
	uint16_t sport;
	int c, miss = 0, port_rules = 0, n;
	size_t sz;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "onvm-bench-classifier: EAL initialisation "
			"failed\n");
		return 1;
	}
	argc -= n;
	argv += n;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			flows = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 's':
			seconds = strtod(optarg, NULL);
			break;
		case 'm':
			miss = 1;
			break;
		case 'p':
			port_rules = 1;
			break;
		default:
			fprintf(stderr, "onvm-bench-classifier: usage: [EAL "
				"options] -- --flows N [--seconds S] [--miss] "
				"[--port-rules]\n");
			return 1;
		}
	}
	if (flows == 0 || flows > MGR_FLOW_TABLE_MAX || !(seconds > 0)) {
		fprintf(stderr, "onvm-bench-classifier: bad --flows or "
			"--seconds\n");
		return 1;
	}

	/* What mgr_flow_init() needs of the manager. */
	onvm_pkt_meta_offset = rte_mbuf_dynfield_register(&meta_desc);
	ctx.shm = rte_zmalloc("bench_shm", sizeof(*ctx.shm), 64);
	ctx.nb_ports = 1;
	ctx.nb_lcores = 1;
	ctx.lcores = rte_zmalloc("bench_lcore", sizeof(*ctx.lcores), 64);
	sz = rte_rcu_qsbr_get_memsize(1);
	ctx.qsbr = rte_zmalloc("bench_qsbr", sz, 64);
	if (ctx.shm == NULL || ctx.lcores == NULL || ctx.qsbr == NULL ||
	    onvm_pkt_meta_offset < 0) {
		fprintf(stderr, "onvm-bench-classifier: out of memory\n");
		return 1;
	}
	rte_rcu_qsbr_init(ctx.qsbr, 1);
	pthread_mutex_init(&ctx.reg_lock, NULL);
	ctx.lcores[0].lcore_id = rte_lcore_id();
	ctx.opts.chain.len = 1;
	ctx.opts.chain.sid[0] = 1;
	ctx.opts.flow_table = flows + 1 > MGR_FLOW_TABLE_MIN ?
		flows + 1 : MGR_FLOW_TABLE_MIN;
	if (mgr_flow_init(&ctx) < 0) {
		fprintf(stderr, "onvm-bench-classifier: %s\n", ctx.err);
		return 1;
	}
	for (i = 0; i < flows && !miss; i++) {
		flow_addr(i, ip, &sport);
		snprintf(rule, sizeof(rule), "udp %u.%u.%u.%u %u 192.168.0.1 "
			 "5001 chain %u", ip[0], ip[1], ip[2], ip[3], sport,
			 2 + i % 8);
		if (mgr_flow_rule_add(&ctx, rule, err, sizeof(err)) < 0) {
			fprintf(stderr, "onvm-bench-classifier: %s: %s\n", rule,
				err);
			return 1;
		}
	}
	if (port_rules &&
	    mgr_flow_rule_add(&ctx, "tcp 1.1.1.1 1 2.2.2.2 2 in 0 chain 9",
			      err, sizeof(err)) < 0) {
		fprintf(stderr, "onvm-bench-classifier: %s\n", err);
		return 1;
	}

	mp = rte_pktmbuf_pool_create("bench_pool", NB_MBUFS * 2 - 1, 256, 0,
				     RTE_PKTMBUF_HEADROOM + 128,
				     (int)rte_socket_id());
	if (mp == NULL || rte_pktmbuf_alloc_bulk(mp, mbufs, NB_MBUFS) != 0) {
		fprintf(stderr, "onvm-bench-classifier: cannot allocate mbufs\n");
		return 1;
	}
	for (i = 0; i < NB_MBUFS; i++) {
		frame_init(rte_pktmbuf_mtod(mbufs[i], uint8_t *));
		mbufs[i]->data_len = mbufs[i]->pkt_len = FRAME_LEN;
	}
	lc = &ctx.lcores[0];
	stride = FLOW_STRIDE % flows;

	/* Warm up (one pass over the flows, at most 2M packets, or the
	 * time given), then measure for the time given. */
	for (j = 0; j < 2; j++) {
		uint64_t limit = j == 0 ? RTE_MIN((uint64_t)flows, 1ULL << 21) :
				 UINT64_MAX;

		pkts = 0;
		start = rte_rdtsc();
		end = start + (uint64_t)(rte_get_tsc_hz() * seconds);
		while (pkts < limit) {
			struct rte_mbuf **b = &mbufs[at];

			for (i = 0; i < ONVM_BURST; i++) {
				frame_flow(rte_pktmbuf_mtod(b[i], uint8_t *),
					   (uint32_t)next);
				next += stride;	/* no division per packet */
				if (next >= flows)
					next -= flows;
			}
			mgr_classify(&ctx, lc, b, ONVM_BURST, 0, 0, chain);
			at = (at + ONVM_BURST) % NB_MBUFS;
			pkts += ONVM_BURST;
			if ((pkts & 1023) == 0 && rte_rdtsc() >= end)
				break;
		}
		if (j == 0)
			lc->st.flow_hits = lc->st.flow_lookups = 0;
	}
	secs = (double)(rte_rdtsc() - start) / rte_get_tsc_hz();
	hits = lc->st.flow_hits;
	printf("{\"flows\": %u, \"rules\": %u, \"miss\": %s, \"port_rules\": "
	       "%s, \"burst\": %d, \"packets\": %" PRIu64 ", \"seconds\": %.3f, "
	       "\"mpps\": %.2f, \"ns_per_pkt\": %.1f, \"hits\": %" PRIu64
	       ", \"lookups\": %" PRIu64 "}\n", flows, ctx.flow->nb_rules,
	       miss ? "true" : "false", port_rules ? "true" : "false",
	       ONVM_BURST, pkts, secs, pkts / secs / 1e6, secs * 1e9 / pkts,
	       hits, lc->st.flow_lookups);
	rte_pktmbuf_free_bulk(mbufs, NB_MBUFS);
	mgr_flow_fini(&ctx);
	rte_eal_cleanup();
	return 0;
}
