/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* The manager's flow table API (onvm_mgr/mgr_flow.h) with a real EAL: the
 * functions onvmctl and NFs reach, and the RX path's classifier reading
 * the table from another lcore while it changes.
 *
 *   test-mgr-flow [EAL options, two lcores]
 *
 * Prints "ok: ..." per check and "N checks passed" at the end; exits 1 at
 * the first failed check with "FAIL: ...". Run by
 * tests/integration/test_mgr_flow_api.sh. */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "mgr.h"
#include "mgr_classify.h"

int mgr_logtype;
static int edges_updates;

void
mgr_edges_update(struct mgr_ctx *ctx __rte_unused)
{
	edges_updates++;
}

static struct mgr_ctx ctx;
static struct rte_mempool *mp;
static unsigned int nchecks;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			printf("FAIL: %s (line %d): ", #cond, __LINE__); \
			printf(__VA_ARGS__);				\
			printf("\n");					\
			exit(1);					\
		}							\
		nchecks++;						\
	} while (0)

/* A UDP frame 10.0.0.A:SPORT -> 10.0.0.2:80. */
static struct rte_mbuf *
frame(uint8_t a, uint16_t sport)
{
	static const uint8_t hdr[42] = {
		2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1,
		10, 0, 0, 2, 0, 0, 0, 80, 0, 8, 0, 0 };
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *p;

	if (m == NULL) {
		printf("FAIL: out of mbufs\n");
		exit(1);
	}
	p = (uint8_t *)rte_pktmbuf_append(m, 60);
	if (p == NULL) {
		printf("FAIL: mbuf too small\n");
		exit(1);
	}
	memset(p, 0, 60);
	memcpy(p, hdr, sizeof(hdr));
	p[29] = a;
	p[34] = sport >> 8;
	p[35] = sport & 0xff;
	return m;
}

/* The chain id the RX path gives frame(a, sport) arriving on @p port. */
static uint16_t
classify(struct mgr_lcore *lc, uint8_t a, uint16_t sport, uint16_t port)
{
	struct rte_mbuf *m = frame(a, sport);
	uint16_t chain;

	mgr_classify(&ctx, lc, &m, 1, port, onvm_default_chain_id(ctx.shm),
		     &chain);
	rte_pktmbuf_free(m);
	return chain;
}

static const struct onvm_chain *
chain_of(uint16_t id)
{
	return onvm_chain_of(ctx.shm, id);
}

static int
sids_are(uint16_t id, int n, ...)
{
	const struct onvm_chain *c = chain_of(id);
	va_list ap;
	int i, ok = c->len == n;

	va_start(ap, n);
	for (i = 0; i < n && ok; i++)
		ok = c->sid[i] == va_arg(ap, int);
	va_end(ap);
	return ok;
}

struct walk {
	int n;
	int stop_at;
	char text[8][ONVM_FLOW_TEXT_LEN];
	uint64_t hits[8];
};

static int
walk_cb(const char *text, uint64_t hits, void *arg)
{
	struct walk *w = arg;

	if (w->n < 8) {
		snprintf(w->text[w->n], sizeof(w->text[0]), "%s", text);
		w->hits[w->n] = hits;
	}
	w->n++;
	return w->n == w->stop_at ? 42 : 0;
}

static uint64_t
walk_hits(const char *text)
{
	struct walk w = { 0 };
	int i;

	mgr_flow_rule_walk(&ctx, walk_cb, &w);
	for (i = 0; i < w.n && i < 8; i++)
		if (strcmp(w.text[i], text) == 0)
			return w.hits[i];
	return UINT64_MAX;
}

/* ---- the reader: another lcore classifies while the table changes */

static volatile int reader_stop;
static uint64_t reader_pkts, reader_bad;

/* Flow 10.0.0.9:SPORT alternates between no rule, chain "5" and chain
 * "6,7": any packet must see one of those three, never anything else. */
static int
reader(void *arg __rte_unused)
{
	struct mgr_lcore *lc = &ctx.lcores[1];
	struct rte_mbuf *m[ONVM_BURST];
	uint16_t chain[ONVM_BURST];
	const struct onvm_chain *c;
	int i;

	rte_rcu_qsbr_thread_register(ctx.qsbr, 1);
	rte_rcu_qsbr_thread_online(ctx.qsbr, 1);
	for (i = 0; i < ONVM_BURST; i++)
		m[i] = frame(9, (uint16_t)(1000 + i % 4));
	while (!reader_stop) {
		for (i = 0; i < ONVM_BURST; i++)
			m[i]->ol_flags &= ~RTE_MBUF_F_RX_RSS_HASH;
		mgr_classify(&ctx, lc, m, ONVM_BURST, 0,
			     onvm_default_chain_id(ctx.shm), chain);
		for (i = 0; i < ONVM_BURST; i++) {
			c = chain_of(chain[i]);
			if (!(c->len == 1 && c->sid[0] == 1) &&
			    !(c->len == 1 && c->sid[0] == 5) &&
			    !(c->len == 2 && c->sid[0] == 6 && c->sid[1] == 7))
				reader_bad++;
		}
		reader_pkts += ONVM_BURST;
		rte_rcu_qsbr_quiescent(ctx.qsbr, 1);
	}
	rte_rcu_qsbr_thread_offline(ctx.qsbr, 1);
	rte_rcu_qsbr_thread_unregister(ctx.qsbr, 1);
	rte_pktmbuf_free_bulk(m, ONVM_BURST);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct rte_mbuf_dynfield meta_desc = {
		.name = ONVM_PKT_META_NAME,
		.size = sizeof(struct onvm_pkt_meta),
		.align = __alignof__(struct onvm_pkt_meta),
	};
	static const char *const start_rules[] = {
		"udp 10.0.0.1 1 10.0.0.2 80 chain 2,3",
	};
	struct mgr_lcore *lc;
	struct walk w;
	char err[200], rule[128];
	unsigned int worker, i;
	uint16_t id, old;
	int rc;

	if (rte_eal_init(argc, argv) < 0 || rte_lcore_count() < 2) {
		printf("FAIL: EAL with two lcores needed\n");
		return 1;
	}
	onvm_pkt_meta_offset = rte_mbuf_dynfield_register(&meta_desc);
	mp = rte_pktmbuf_pool_create("t_pool", 1023, 0, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE,
				     (int)rte_socket_id());
	ctx.shm = rte_zmalloc("t_shm", sizeof(*ctx.shm), 64);
	ctx.nb_ports = 2;
	ctx.nb_lcores = 2;
	ctx.lcores = rte_zmalloc("t_lcores", 2 * sizeof(*ctx.lcores), 64);
	ctx.qsbr = rte_zmalloc("t_qsbr", rte_rcu_qsbr_get_memsize(2), 64);
	CHECK(mp != NULL && ctx.shm != NULL && ctx.lcores != NULL &&
	      ctx.qsbr != NULL && onvm_pkt_meta_offset >= 0, "set-up");
	rte_rcu_qsbr_init(ctx.qsbr, 2);
	pthread_mutex_init(&ctx.reg_lock, NULL);
	ctx.lcores[0].lcore_id = rte_lcore_id();
	ctx.lcores[1].lcore_id = rte_get_next_lcore(rte_lcore_id(), 1, 0);
	ctx.opts.chain.len = 1;
	ctx.opts.chain.sid[0] = 1;
	ctx.opts.flow_table = 512;
	ctx.opts.nb_flows = 1;
	ctx.opts.flow[0] = start_rules[0];
	lc = &ctx.lcores[0];

	/* ---- start: the default chain at id 0, the --flow rule */
	CHECK(mgr_flow_init(&ctx) == 0, "mgr_flow_init: %s", ctx.err);
	CHECK(onvm_default_chain_id(ctx.shm) == 0 && sids_are(0, 1, 1),
	      "default chain 0 = [1]");
	CHECK(ctx.flow->nb_rules == 1, "one rule from --flow");
	id = classify(lc, 1, 1, 0);
	CHECK(id != 0 && sids_are(id, 2, 2, 3), "flow 1 -> chain 2,3 (id %u)",
	      id);
	CHECK(classify(lc, 1, 2, 0) == 0, "another flow -> default");
	printf("ok: --flow rule steers its flow, others take the default\n");

	/* ---- add: errors */
	rc = mgr_flow_rule_add(&ctx, "udp 10.0.0.1 x 10.0.0.2 80 chain 2",
			       err, sizeof(err));
	CHECK(rc == -EINVAL && strstr(err, "bad source port 'x'") != NULL,
	      "bad rule: %d '%s'", rc, err);
	rc = mgr_flow_rule_add(&ctx, "udp 10.0.0.1 1 10.0.0.2 80 in 2 chain 2",
			       err, sizeof(err));
	CHECK(rc == -EINVAL && strstr(err, "input port 2 does not exist (2 "
				      "ports)") != NULL, "port: %d '%s'", rc,
	      err);
	CHECK(ctx.flow->nb_rules == 1, "no rule added by errors");
	printf("ok: bad rules refused with one line\n");

	/* ---- replace: same match, another chain, same count */
	rc = mgr_flow_rule_add(&ctx, "udp 10.0.0.1 1 10.0.0.2 80 chain 4",
			       err, sizeof(err));
	CHECK(rc == 0 && ctx.flow->nb_rules == 1, "replace: %d '%s'", rc, err);
	id = classify(lc, 1, 1, 0);
	CHECK(sids_are(id, 1, 4), "replaced rule -> chain 4");
	CHECK(ctx.flow->chain_refs[0] == 1, "the default holds chain 0");
	printf("ok: a rule with the same match replaces the chain\n");

	/* ---- per-port rules: "in 0" wins on port 0, any port elsewhere */
	rc = mgr_flow_rule_add(&ctx, "udp 10.0.0.1 1 10.0.0.2 80 in 0 chain 9",
			       err, sizeof(err));
	CHECK(rc == 0 && ctx.flow->nb_rules == 2 &&
	      ctx.flow->nb_port_rules == 1, "port rule: %d '%s'", rc, err);
	CHECK(sids_are(classify(lc, 1, 1, 0), 1, 9), "port 0 -> chain 9");
	CHECK(sids_are(classify(lc, 1, 1, 1), 1, 4), "port 1 -> chain 4");
	CHECK(classify(lc, 1, 2, 0) == 0, "no rule -> default");
	printf("ok: a rule for an input port, and one for any port\n");

	/* ---- walk: canonical text and hits */
	memset(&w, 0, sizeof(w));
	rc = mgr_flow_rule_walk(&ctx, walk_cb, &w);
	CHECK(rc == 2 && w.n == 2, "walk gave %d", rc);
	/* a match's hits survive a replace: 1 before it, 2 after */
	CHECK(walk_hits("udp 10.0.0.1 1 10.0.0.2 80 chain 4") == 3 &&
	      walk_hits("udp 10.0.0.1 1 10.0.0.2 80 in 0 chain 9") == 1,
	      "hits %" PRIu64 " %" PRIu64,
	      walk_hits("udp 10.0.0.1 1 10.0.0.2 80 chain 4"),
	      walk_hits("udp 10.0.0.1 1 10.0.0.2 80 in 0 chain 9"));
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	CHECK(mgr_flow_rule_walk(&ctx, walk_cb, &w) == 42 && w.n == 1,
	      "a callback's non-zero value stops the walk");
	printf("ok: walk lists rules with their hits; a callback stops it\n");

	/* ---- delete */
	rc = mgr_flow_rule_del(&ctx, "udp 10.0.0.1 1 10.0.0.2 80 in 0", err,
			       sizeof(err));
	CHECK(rc == 0 && ctx.flow->nb_port_rules == 0, "del: %d '%s'", rc,
	      err);
	CHECK(sids_are(classify(lc, 1, 1, 0), 1, 4), "port 0 -> any-port rule");
	rc = mgr_flow_rule_del(&ctx, "udp 10.0.0.1 1 10.0.0.2 80 in 0", err,
			       sizeof(err));
	CHECK(rc == -ENOENT && strstr(err, "no rule for") != NULL,
	      "del again: %d '%s'", rc, err);
	rc = mgr_flow_rule_del(&ctx, "udp 10.0.0.1 1 10.0.0.2 80 chain 4", err,
			       sizeof(err));
	CHECK(rc == -EINVAL && strstr(err, "unexpected 'chain'") != NULL,
	      "del with a chain: %d '%s'", rc, err);
	CHECK(mgr_flow_rule_del(&ctx, "udp 10.0.0.1 1 10.0.0.2 80", err,
				sizeof(err)) == 0 && ctx.flow->nb_rules == 0,
	      "del the last");
	CHECK(classify(lc, 1, 1, 0) == 0, "deleted -> default");
	for (i = 1; i < ONVM_MAX_CHAINS; i++)
		CHECK(ctx.flow->chain_refs[i] == 0, "chain %u still held", i);
	printf("ok: delete, -ENOENT, -EINVAL; chain ids released\n");

	/* ---- the default chain at run time */
	edges_updates = 0;
	rc = mgr_chain_set_default(&ctx, "2,0", err, sizeof(err));
	CHECK(rc == -EINVAL && strstr(err, "bad service id '0'") != NULL,
	      "bad default: %d '%s'", rc, err);
	old = onvm_default_chain_id(ctx.shm);
	rc = mgr_chain_set_default(&ctx, "7,8", err, sizeof(err));
	id = onvm_default_chain_id(ctx.shm);
	CHECK(rc == 0 && id != old && sids_are(id, 2, 7, 8) &&
	      ctx.flow->chain_refs[old] == 0 && ctx.flow->chain_refs[id] == 1,
	      "set default: %d '%s', id %u", rc, err, id);
	CHECK(edges_updates == 1, "the edges follow the new default");
	CHECK(classify(lc, 1, 1, 0) == id, "no rule -> the new default");
	/* a rule naming the same services shares the id */
	CHECK(mgr_flow_rule_add(&ctx, "udp 10.0.0.1 3 10.0.0.2 80 chain 7,8",
				err, sizeof(err)) == 0 &&
	      classify(lc, 1, 3, 0) == id && ctx.flow->chain_refs[id] == 2,
	      "rule on the default's chain shares its id");
	CHECK(mgr_flow_rule_del(&ctx, "udp 10.0.0.1 3 10.0.0.2 80", err,
				sizeof(err)) == 0, "del");
	CHECK(mgr_chain_set_default(&ctx, "1", err, sizeof(err)) == 0 &&
	      sids_are(onvm_default_chain_id(ctx.shm), 1, 1), "back to [1]");
	printf("ok: the default chain changes at run time, with a new id\n");

	/* ---- -ENOSPC: chain ids, then the table */
	for (i = 0, rc = 0; rc == 0 && i < ONVM_MAX_CHAINS + 10; i++) {
		char sids[32];

		snprintf(sids, sizeof(sids), "%u,%u", 1 + i / 63, 1 + i % 63);
		snprintf(rule, sizeof(rule), "tcp 10.1.0.1 %u 10.0.0.2 80 "
			 "chain %s", i, sids);
		rc = mgr_flow_rule_add(&ctx, rule, err, sizeof(err));
	}
	CHECK(rc == -ENOSPC && strstr(err, "no free chain id") != NULL &&
	      i == ONVM_MAX_CHAINS, "chains: %d '%s' after %u", rc, err, i);
	for (i = 0, rc = 0; rc == 0 && i < 1000; i++) {
		snprintf(rule, sizeof(rule), "tcp 10.2.0.1 %u 10.0.0.2 80 "
			 "chain 1", i);
		rc = mgr_flow_rule_add(&ctx, rule, err, sizeof(err));
	}
	CHECK(rc == -ENOSPC && strstr(err, "flow table full (512 rules") !=
	      NULL && ctx.flow->nb_rules == 512, "table: %d '%s' with %u", rc,
	      err, ctx.flow->nb_rules);
	/* a replace (to a chain in use) still works when full */
	CHECK(mgr_flow_rule_add(&ctx, "tcp 10.2.0.1 0 10.0.0.2 80 chain 1,1",
				err, sizeof(err)) == 0, "replace when full");
	printf("ok: -ENOSPC with one line for chain ids and for the table\n");
	for (i = 0; i < 1000; i++) {
		snprintf(rule, sizeof(rule), "tcp 10.1.0.1 %u 10.0.0.2 80", i);
		mgr_flow_rule_del(&ctx, rule, err, sizeof(err));
		snprintf(rule, sizeof(rule), "tcp 10.2.0.1 %u 10.0.0.2 80", i);
		mgr_flow_rule_del(&ctx, rule, err, sizeof(err));
	}
	CHECK(ctx.flow->nb_rules == 0, "emptied: %u", ctx.flow->nb_rules);

	/* ---- changes while another lcore classifies */
	worker = ctx.lcores[1].lcore_id;
	rte_eal_remote_launch(reader, NULL, worker);
	for (i = 0; i < 3000; i++) {
		snprintf(rule, sizeof(rule), "udp 10.0.0.9 %u 10.0.0.2 80 "
			 "chain %s", 1000 + i % 4, i % 2 ? "5" : "6,7");
		CHECK(mgr_flow_rule_add(&ctx, rule, err, sizeof(err)) == 0,
		      "add under reads: %s", err);
		if (i % 3 == 0) {
			snprintf(rule, sizeof(rule), "udp 10.0.0.9 %u "
				 "10.0.0.2 80", 1000 + i % 4);
			CHECK(mgr_flow_rule_del(&ctx, rule, err,
						sizeof(err)) == 0,
			      "del under reads: %s", err);
		}
	}
	reader_stop = 1;
	rte_eal_wait_lcore(worker);
	CHECK(reader_pkts > 0 && reader_bad == 0,
	      "%" PRIu64 " packets, %" PRIu64 " with a wrong chain",
	      reader_pkts, reader_bad);
	printf("ok: 3000 adds and 1000 deletes while another lcore "
	       "classified %" PRIu64 " packets: each saw a valid chain\n",
	       reader_pkts);

	mgr_flow_fini(&ctx);
	rte_mempool_free(mp);
	printf("%u checks passed\n", nchecks);
	rte_eal_cleanup();
	return 0;
}
