/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Periodic statistics (control thread): a table on stdout and a JSON file
 * rewritten atomically (write to PATH.tmp, then rename). Reads the data
 * lcores' and the NFs' counters without locks; each has one writer. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "mgr.h"

const char *const mgr_drop_names[MGR_DROP_MAX] = {
#define _(sym, str) [MGR_DROP_##sym] = str,
	foreach_mgr_drop
#undef _
};

static const char *const mgr_state_names[] = { "starting", "running",
					       "stopping" };
static const char *const nf_state_names[] = { "free", "running",
					      "stopping" };

static const char *mgr_nf_state(const struct onvm_nf_slot *nf,
				uint32_t state, uint16_t slot);

/* What the last report saw, for rates; the control thread only. */
static struct {
	uint64_t ns;
	uint64_t port_rx[ONVM_MAX_PORTS];
	uint64_t port_tx[ONVM_MAX_PORTS];
	uint64_t nf_rx[ONVM_MAX_NFS];
	int32_t nf_pid[ONVM_MAX_NFS];
	int32_t nf_first_logged[ONVM_MAX_NFS]; /* pid already logged */
	struct rte_eth_stats eth[ONVM_MAX_PORTS]; /* last read, for closed ports */
	/* stall watch: an NF whose heartbeat stops is stalled, not dead */
	int32_t hb_pid[ONVM_MAX_NFS];
	uint64_t hb_seen[ONVM_MAX_NFS];
	uint64_t hb_ns[ONVM_MAX_NFS];
	uint8_t stalled[ONVM_MAX_NFS];
} prev;

#define MGR_STALL_MS 500	/* no heartbeat for this long: stalled */

/* The data lcores' and NFs' counters, summed; any thread. */
static void
mgr_sum_counters(struct mgr_ctx *ctx, struct mgr_totals *t)
{
	const struct mgr_lcore_stats *s;
	uint16_t i, j;

	memset(t, 0, sizeof(*t));
	for (i = 0; i <= ctx->nb_lcores; i++) {
		s = i < ctx->nb_lcores ? &ctx->lcores[i].st : &ctx->ctl_st;
		for (j = 0; j < MGR_DROP_MAX; j++)
			t->st.drop[j] += __atomic_load_n(&s->drop[j],
							 __ATOMIC_RELAXED);
		for (j = 0; j < ctx->nb_ports; j++) {
			t->st.port_rx[j] += s->port_rx[j];
			t->st.port_tx[j] += s->port_tx[j];
			t->st.port_tx_full[j] += s->port_tx_full[j];
		}
		for (j = 0; j < ctx->opts.max_nfs; j++) {
			t->st.nf_ring_full[j] += s->nf_ring_full[j];
			t->st.nf_bp_on[j] += s->nf_bp_on[j];
			t->st.nf_bp_drops[j] += s->nf_bp_drops[j];
		}
		t->st.flow_lookups += __atomic_load_n(&s->flow_lookups,
						      __ATOMIC_RELAXED);
		t->st.flow_hits += __atomic_load_n(&s->flow_hits,
						   __ATOMIC_RELAXED);
	}
	/* --nf-tx, --nf-rx: what NFs sent to and received from ports
	 * themselves (a departed NF's
	 * counts are in ctl_st already). */
	for (i = 0; i < ctx->opts.max_nfs; i++) {
		const struct onvm_nf_slot *nf = &ctx->shm->nf[i];
		uint64_t full;

		if (__atomic_load_n(&nf->state, __ATOMIC_ACQUIRE) ==
		    ONVM_NF_FREE)
			continue;
		for (j = 0; j < ctx->nb_ports; j++) {
			full = __atomic_load_n(&nf->nf.port_tx_full[j],
					       __ATOMIC_RELAXED);
			t->st.port_tx[j] += __atomic_load_n(&nf->nf.port_tx[j],
							    __ATOMIC_RELAXED);
			t->st.port_rx[j] += __atomic_load_n(&nf->nf.port_rx[j],
							    __ATOMIC_RELAXED);
			t->st.port_tx_full[j] += full;
			t->st.drop[MGR_DROP_TX_FULL] += full;
		}
	}
}

/* What NF @p nf received from ports itself (--nf-rx). */
static uint64_t
mgr_nf_port_rx(const struct mgr_ctx *ctx, const struct onvm_nf_slot *nf)
{
	uint64_t n = 0;
	uint16_t p;

	for (p = 0; p < ctx->nb_ports; p++)
		n += __atomic_load_n(&nf->nf.port_rx[p], __ATOMIC_RELAXED);
	return n;
}

/* The control thread: keeps the last port stats for after the close. */
static void
mgr_sum(struct mgr_ctx *ctx, struct mgr_totals *t)
{
	uint16_t j;

	mgr_sum_counters(ctx, t);
	for (j = 0; j < ctx->nb_ports; j++) {
		if (!ctx->ports_closed && rte_eth_stats_get(j, &t->eth[j]) == 0)
			prev.eth[j] = t->eth[j];
		else
			t->eth[j] = prev.eth[j];
	}
}

void
mgr_stats_totals(struct mgr_ctx *ctx, struct mgr_totals *t)
{
	uint16_t j;

	mgr_sum_counters(ctx, t);
	for (j = 0; j < ctx->nb_ports; j++)
		if (ctx->ports_closed || rte_eth_stats_get(j, &t->eth[j]) != 0)
			memset(&t->eth[j], 0, sizeof(t->eth[j]));
}

uint64_t
mgr_port_drops(const struct mgr_totals *t, uint16_t p)
{
	return t->eth[p].imissed + t->eth[p].ierrors + t->eth[p].rx_nombuf +
	       t->st.port_tx_full[p];
}

static double
mgr_rate(uint64_t now, uint64_t then, double secs)
{
	return secs > 0 && now >= then ? (now - then) / secs : 0;
}

/* The chains in use, with how many rules (and the default) name each. */
static void
mgr_json_chains(struct mgr_ctx *ctx, FILE *f)
{
	const struct mgr_flow *fl = ctx->flow;
	const struct onvm_chain *c;
	const char *sep = "";
	uint32_t refs;
	int id, i;

	pthread_mutex_lock(&ctx->flow->lock);
	for (id = 0; id < ONVM_MAX_CHAINS; id++) {
		refs = fl->chain_refs[id];
		if (refs == 0)
			continue;
		c = &ctx->shm->chains[id];
		fprintf(f, "%s\n    {\"id\": %d, \"refs\": %u, \"sids\": [", sep,
			id, refs);
		for (i = 0; i < c->len; i++)
			fprintf(f, "%s%u", i ? ", " : "", c->sid[i]);
		fprintf(f, "]}");
		sep = ",";
	}
	pthread_mutex_unlock(&ctx->flow->lock);
	if (*sep)
		fprintf(f, "\n  ");
}

/* A service's instances: slot, instance id, packets received, and the
 * share of its lookup table each holds (of ONVM_LUT_SIZE). */
static void
mgr_json_instances(struct mgr_ctx *ctx, FILE *f, const struct onvm_service *s,
		   uint16_t n)
{
	const uint8_t *lut = s->lut[__atomic_load_n(&s->lut_cur,
						    __ATOMIC_ACQUIRE) & 1];
	const struct onvm_nf_slot *nf;
	unsigned int share, e;
	uint16_t j, slot;

	for (j = 0; j < n; j++) {
		slot = s->slot[j];
		nf = &ctx->shm->nf[slot];
		for (share = 0, e = 0; e < ONVM_LUT_SIZE; e++)
			share += lut[e] == slot;
		fprintf(f, "%s{\"slot\": %u, \"instance\": %u, \"pid\": %d"
			", \"rx\": %" PRIu64 ", \"lut_share\": %u}",
			j ? ", " : "", slot, nf->instance_id, nf->pid,
			__atomic_load_n(&nf->nf.rx, __ATOMIC_RELAXED),
			n == 1 ? ONVM_LUT_SIZE : share);
	}
}

static int
mgr_write_json(struct mgr_ctx *ctx, const struct mgr_totals *t, double secs,
	       double elapsed, int final)
{
	const struct onvm_shm *shm = ctx->shm;
	const struct onvm_chain *def;
	char tmp[PATH_MAX];
	const char *sep = "";
	FILE *f;
	unsigned int j;
	uint16_t i;

	snprintf(tmp, sizeof(tmp), "%s.tmp", ctx->opts.stats_json);
	f = fopen(tmp, "w");
	if (f == NULL)
		return -errno;
	fprintf(f, "{\n  \"time\": %.3f,\n  \"final\": %s,\n  \"state\": \"%s\",\n"
		"  \"file_prefix\": \"%s\",\n  \"chain\": [", elapsed,
		final ? "true" : "false", mgr_state_names[shm->mgr_state],
		ctx->prefix);
	def = onvm_chain_of(shm, onvm_default_chain_id(shm));
	for (i = 0; i < def->len; i++)
		fprintf(f, "%s%u", i ? ", " : "", def->sid[i]);
	fprintf(f, "],\n  \"default_chain_id\": %u,\n  \"chains\": [",
		onvm_default_chain_id(shm));
	mgr_json_chains(ctx, f);
	fprintf(f, "],\n  \"port_rx_by\": %d", __atomic_load_n(&shm->rx_owner,
							      __ATOMIC_RELAXED));
	fprintf(f, ",\n  \"shared_core\": %s,\n  \"backpressure\": {\"high\": %u"
		", \"low\": %u, \"slots\": %" PRIu64 "}",
		(shm->flags & ONVM_F_SHARED_CORE) ? "true" : "false",
		shm->bp_high, shm->bp_low,
		__atomic_load_n(&shm->bp_mask, __ATOMIC_RELAXED));
	fprintf(f, ",\n  \"flows\": {\"rules\": %u, \"port_rules\": %u"
		", \"capacity\": %u, \"lookups\": %" PRIu64 ", \"hits\": %"
		PRIu64 "},\n  \"ports\": [",
		__atomic_load_n(&ctx->flow->nb_rules, __ATOMIC_RELAXED),
		__atomic_load_n(&ctx->flow->nb_port_rules, __ATOMIC_RELAXED),
		ctx->flow->capacity, t->st.flow_lookups, t->st.flow_hits);
	for (i = 0; i < ctx->nb_ports; i++) {
		const char *name = ctx->port_name[i];

		fprintf(f, "%s\n    {\"id\": %u, \"name\": \"%s\", \"rx\": %" PRIu64
			", \"tx\": %" PRIu64 ", \"rx_pps\": %.0f, \"tx_pps\": %.0f"
			", \"drops\": %" PRIu64 ", \"rx_missed\": %" PRIu64
			", \"rx_nombuf\": %" PRIu64 ", \"tx_full\": %" PRIu64 "}",
			i ? "," : "", i, name, t->st.port_rx[i], t->st.port_tx[i],
			mgr_rate(t->st.port_rx[i], prev.port_rx[i], secs),
			mgr_rate(t->st.port_tx[i], prev.port_tx[i], secs),
			mgr_port_drops(t, i), t->eth[i].imissed,
			t->eth[i].rx_nombuf, t->st.port_tx_full[i]);
	}
	fprintf(f, "\n  ],\n  \"nfs\": [");
	for (i = 0; i < ctx->opts.max_nfs; i++) {
		const struct onvm_nf_slot *nf = &shm->nf[i];
		uint32_t state = __atomic_load_n(&nf->state, __ATOMIC_ACQUIRE);
		double first_ms = -1;

		if (state == ONVM_NF_FREE)
			continue;
		if (nf->nf.first_pkt_ns && nf->start_ns)
			first_ms = (nf->nf.first_pkt_ns - nf->start_ns) / 1e6;
		fprintf(f, "%s\n    {\"slot\": %u, \"name\": \"%s\", \"tag\": \"%s\""
			", \"service\": %u, \"instance\": %u, \"pid\": %d"
			", \"state\": \"%s\", \"rx\": %" PRIu64 ", \"tx\": %" PRIu64
			", \"drops\": %" PRIu64 ", \"nf_drops\": %" PRIu64
			", \"ring_full\": %" PRIu64 ", \"rx_pps\": %.0f"
			", \"rx_ring_used\": %u, \"in_ring_used\": %u"
			", \"fed_by_slot\": %d, \"injected\": %" PRIu64
			", \"port_rx\": %" PRIu64
			", \"shared_core\": %s, \"sleeping\": %s"
			", \"sleeps\": %" PRIu64 ", \"wakes\": %" PRIu64
			", \"wake_late\": %" PRIu64
			", \"backpressure\": %s, \"bp_on\": %" PRIu64
			", \"wake_us_mean\": %.2f, \"wake_us_max\": %.2f"
			", \"start_to_first_pkt_ms\": %.1f"
			", \"start_ns\": %" PRIu64 ", \"reg_ns\": %" PRIu64
			", \"first_pkt_ns\": %" PRIu64 ", \"wake_hist\": [",
			sep, i, nf->name, nf->tag, nf->service_id,
			nf->instance_id, nf->pid, mgr_nf_state(nf, state, i),
			nf->nf.rx, nf->nf.tx, nf->nf.drop + t->st.nf_ring_full[i],
			nf->nf.drop, t->st.nf_ring_full[i],
			prev.nf_pid[i] == nf->pid ?
				mgr_rate(nf->nf.rx, prev.nf_rx[i], secs) : 0,
			rte_ring_count(nf->rx_ring), rte_ring_count(nf->in_ring),
			__atomic_load_n(&nf->in_from, __ATOMIC_RELAXED),
			nf->nf.injected, mgr_nf_port_rx(ctx, nf),
			nf->sleepy ? "true" : "false",
			__atomic_load_n(&nf->sleeping, __ATOMIC_RELAXED) ?
				"true" : "false",
			__atomic_load_n(&nf->nf.sleeps, __ATOMIC_RELAXED),
			__atomic_load_n(&nf->nf.wakes, __ATOMIC_RELAXED),
			__atomic_load_n(&nf->nf.wake_late, __ATOMIC_RELAXED),
			(__atomic_load_n(&shm->bp_mask, __ATOMIC_RELAXED) >> i) &
				1 ? "true" : "false", t->st.nf_bp_on[i],
			nf->nf.wakes ? nf->nf.wake_cycles * 1e6 /
				shm->tsc_hz / nf->nf.wakes : 0,
			nf->nf.wake_cycles_max * 1e6 / shm->tsc_hz,
			first_ms, nf->start_ns, nf->reg_ns,
			nf->nf.first_pkt_ns);
		for (j = 0; j < ONVM_WAKE_HIST; j++)
			fprintf(f, "%s%" PRIu64, j ? ", " : "",
				nf->nf.wake_hist[j]);
		fprintf(f, "]}");
		sep = ",";
	}
	fprintf(f, "\n  ],\n  \"services\": [");
	sep = "";
	for (i = 1; i < ONVM_MAX_SERVICES; i++) {
		const struct onvm_service *s = &shm->svc[i];
		uint16_t n = __atomic_load_n(&s->n, __ATOMIC_ACQUIRE);

		if (n == 0)
			continue;
		fprintf(f, "%s\n    {\"id\": %u, \"instances\": [", sep, i);
		for (j = 0; j < n; j++)
			fprintf(f, "%s%u", j ? ", " : "",
				shm->nf[s->slot[j]].instance_id);
		fprintf(f, "], \"detail\": [");
		mgr_json_instances(ctx, f, s, n);
		fprintf(f, "]}");
		sep = ",";
	}
	fprintf(f, "\n  ],\n  \"nf_deaths\": [");
	pthread_mutex_lock(&ctx->reg_lock);
	j = ctx->nb_deaths > MGR_DEATHS ? ctx->nb_deaths - MGR_DEATHS : 0;
	for (sep = ""; j < ctx->nb_deaths; j++, sep = ",") {
		const struct mgr_death *d = &ctx->deaths[j % MGR_DEATHS];

		fprintf(f, "%s\n    {\"pid\": %d, \"service\": %u, \"instance\": %u"
			", \"detected_ns\": %" PRIu64 ", \"reclaimed_ns\": %" PRIu64
			", \"freed\": %u}", sep, d->pid, d->service_id,
			d->instance_id, d->detected_ns, d->reclaimed_ns, d->freed);
	}
	pthread_mutex_unlock(&ctx->reg_lock);
	fprintf(f, "\n  ],\n  \"scale\": ");
	mgr_scale_json(ctx, f);
	fprintf(f, ",\n  \"drops\": {");
	for (j = 0; j < MGR_DROP_MAX; j++)
		fprintf(f, "%s\"%s\": %" PRIu64, j ? ", " : "",
			mgr_drop_names[j], t->st.drop[j]);
	fprintf(f, "},\n  \"mempools\": [");
	sep = "";
	for (i = 0; i < RTE_MAX_NUMA_NODES; i++) {
		const struct rte_mempool *mp = ctx->pools[i];

		if (mp == NULL)
			continue;
		fprintf(f, "%s\n    {\"name\": \"%s\", \"socket\": %u, \"size\": %u"
			", \"in_use\": %u}", sep, mp->name, i, mp->size,
			rte_mempool_in_use_count(mp));
		sep = ",";
	}
	fprintf(f, "\n  ]\n}\n");
	if (fclose(f) != 0 || rename(tmp, ctx->opts.stats_json) != 0) {
		unlink(tmp);
		return -errno;
	}
	return 0;
}

static void
mgr_print(struct mgr_ctx *ctx, const struct mgr_totals *t, double secs,
	  double elapsed)
{
	const struct onvm_shm *shm = ctx->shm;
	unsigned int in_use = 0, size = 0;
	uint16_t i;

	for (i = 0; i < RTE_MAX_NUMA_NODES; i++)
		if (ctx->pools[i] != NULL) {
			in_use += rte_mempool_in_use_count(ctx->pools[i]);
			size += ctx->pools[i]->size;
		}
	printf("\nonvm-mgr  %.1f s  %s  mbufs in use %u/%u\n", elapsed,
	       mgr_state_names[shm->mgr_state], in_use, size);
	printf("  %-4s %-16s %14s %9s %14s %9s %12s\n", "port", "name",
	       "rx pkts", "rx Mpps", "tx pkts", "tx Mpps", "drops");
	for (i = 0; i < ctx->nb_ports; i++) {
		const char *name = ctx->port_name[i];

		printf("  %-4u %-16.16s %14" PRIu64 " %9.3f %14" PRIu64
		       " %9.3f %12" PRIu64 "\n", i, name, t->st.port_rx[i],
		       mgr_rate(t->st.port_rx[i], prev.port_rx[i], secs) / 1e6,
		       t->st.port_tx[i],
		       mgr_rate(t->st.port_tx[i], prev.port_tx[i], secs) / 1e6,
		       mgr_port_drops(t, i));
	}
	printf("  %-4s %-16s %4s %4s %8s %-8s %14s %9s %14s %12s\n", "nf",
	       "name", "svc", "inst", "pid", "state", "rx pkts", "rx Mpps",
	       "tx pkts", "drops");
	for (i = 0; i < ctx->opts.max_nfs; i++) {
		const struct onvm_nf_slot *nf = &shm->nf[i];
		uint32_t state = __atomic_load_n(&nf->state, __ATOMIC_ACQUIRE);

		if (state == ONVM_NF_FREE)
			continue;
		printf("  %-4u %-16.16s %4u %4u %8d %-8s %14" PRIu64 " %9.3f %14"
		       PRIu64 " %12" PRIu64 "\n", i, nf->name, nf->service_id,
		       nf->instance_id, nf->pid, mgr_nf_state(nf, state, i),
		       nf->nf.rx, prev.nf_pid[i] == nf->pid ?
			mgr_rate(nf->nf.rx, prev.nf_rx[i], secs) / 1e6 : 0,
		       nf->nf.tx, nf->nf.drop + t->st.nf_ring_full[i]);
	}
	mgr_scale_print(ctx);
	printf("  drops:");
	for (i = 0; i < MGR_DROP_MAX; i++)
		printf(" %s %" PRIu64, mgr_drop_names[i], t->st.drop[i]);
	printf("\n");
	fflush(stdout);
}

/* Is an NF stuck (SIGSTOP, a handler that blocks)? Its ring fills and the
 * manager counts drops; the rest of the chain is unaffected. Every tick. */
void
mgr_check_stalls(struct mgr_ctx *ctx)
{
	const struct onvm_nf_slot *nf;
	uint64_t now = onvm_now_ns(), hb;
	uint16_t i;

	for (i = 0; i < ctx->opts.max_nfs; i++) {
		nf = &ctx->shm->nf[i];
		if (__atomic_load_n(&nf->state, __ATOMIC_ACQUIRE) !=
		    ONVM_NF_RUNNING)
			continue;
		hb = __atomic_load_n(&nf->nf.heartbeat, __ATOMIC_RELAXED);
		if (prev.hb_pid[i] != nf->pid) {
			prev.hb_pid[i] = nf->pid;
			prev.stalled[i] = 0;
			prev.hb_seen[i] = hb;
			prev.hb_ns[i] = now;
		} else if (hb != prev.hb_seen[i]) {
			prev.hb_seen[i] = hb;
			prev.hb_ns[i] = now;
			if (prev.stalled[i])
				MGR_LOG(INFO, "NF %s (service %u, instance %u, "
					"pid %d) runs again", nf->name,
					nf->service_id, nf->instance_id, nf->pid);
			prev.stalled[i] = 0;
		} else if (!prev.stalled[i] &&
			   now - prev.hb_ns[i] > MGR_STALL_MS * 1000000ULL) {
			prev.stalled[i] = 1;
			MGR_LOG(WARNING, "NF %s (service %u, instance %u, pid %d) "
				"stalled: no progress for %u ms; packets for it "
				"are dropped when its ring is full", nf->name,
				nf->service_id, nf->instance_id, nf->pid,
				MGR_STALL_MS);
		}
	}
}

/* The control thread writes `prev`; other threads (telemetry) read a byte
 * and a pid of it, at worst one tick old. */
static const char *
mgr_nf_state(const struct onvm_nf_slot *nf, uint32_t state, uint16_t slot)
{
	if (state == ONVM_NF_RUNNING &&
	    __atomic_load_n(&prev.stalled[slot], __ATOMIC_RELAXED) &&
	    __atomic_load_n(&prev.hb_pid[slot], __ATOMIC_RELAXED) == nf->pid)
		return "stalled";
	return state < RTE_DIM(nf_state_names) ? nf_state_names[state] : "?";
}

const char *
mgr_stats_nf_state(struct mgr_ctx *ctx, uint16_t slot)
{
	const struct onvm_nf_slot *nf = &ctx->shm->nf[slot];

	return mgr_nf_state(nf, __atomic_load_n(&nf->state, __ATOMIC_ACQUIRE),
			    slot);
}

/* Log each NF's start-to-first-packet time once; every control tick. */
void
mgr_log_first_packets(struct mgr_ctx *ctx)
{
	const struct onvm_nf_slot *nf;
	uint16_t i;

	for (i = 0; i < ctx->opts.max_nfs; i++) {
		nf = &ctx->shm->nf[i];
		if (nf->state != ONVM_NF_RUNNING || nf->nf.first_pkt_ns == 0 ||
		    prev.nf_first_logged[i] == nf->pid)
			continue;
		prev.nf_first_logged[i] = nf->pid;
		MGR_LOG(INFO, "NF %s (service %u, instance %u): first packet "
			"forwarded %.1f ms after it started", nf->name,
			nf->service_id, nf->instance_id,
			(nf->nf.first_pkt_ns - nf->start_ns) / 1e6);
	}
}

void
mgr_stats_init(struct mgr_ctx *ctx)
{
	struct mgr_totals t;
	int rc;

	memset(&prev, 0, sizeof(prev));
	prev.ns = ctx->start_ns;
	/* A first JSON at once, not after an interval: it says that the
	 * tables exist and NFs can attach (onvm-deploy waits for it). */
	if (ctx->opts.stats_json == NULL)
		return;
	mgr_sum(ctx, &t);
	rc = mgr_write_json(ctx, &t, 0, 0, 0);
	if (rc < 0)
		MGR_LOG(WARNING, "cannot write %s: %s", ctx->opts.stats_json,
			strerror(-rc));
}

void
mgr_stats_report(struct mgr_ctx *ctx, int final)
{
	struct mgr_totals t;
	uint64_t now = onvm_now_ns();
	double secs = (now - prev.ns) / 1e9;
	double elapsed = (now - ctx->start_ns) / 1e9;
	uint16_t i;
	int rc;

	mgr_sum(ctx, &t);
	if (!ctx->opts.quiet && ctx->opts.stats_interval > 0)
		mgr_print(ctx, &t, secs, elapsed);
	if (ctx->opts.stats_json != NULL) {
		rc = mgr_write_json(ctx, &t, secs, elapsed, final);
		if (rc < 0)
			MGR_LOG(WARNING, "cannot write %s: %s",
				ctx->opts.stats_json, strerror(-rc));
	}
	prev.ns = now;
	for (i = 0; i < ctx->nb_ports; i++) {
		prev.port_rx[i] = t.st.port_rx[i];
		prev.port_tx[i] = t.st.port_tx[i];
	}
	for (i = 0; i < ctx->opts.max_nfs; i++) {
		prev.nf_rx[i] = ctx->shm->nf[i].nf.rx;
		prev.nf_pid[i] = ctx->shm->nf[i].pid;
	}
}
