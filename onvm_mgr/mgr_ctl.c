/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Runtime control (control path): the manager's DPDK telemetry commands,
 * which onvmctl and dpdk-telemetry.py call over the EAL's telemetry socket
 * (<runtime dir>/dpdk_telemetry.v2).
 *
 * Threads: DPDK runs each command on the thread of the client connection
 * (one per connected client), concurrently with the control, IPC and
 * watcher threads. A command reads the data path's counters without locks
 * (each has one writer) and takes reg_lock for anything it reads or
 * changes in the registry; it never touches a ring or a packet. The lock
 * order is ctl.lock, then reg_lock.
 *
 * Replies: a command fills a dict. A user error is the dict
 * {"error": "one line"}, not a failure, so that its reason reaches the
 * client (a callback that fails gives only {"/cmd": null}). DPDK 22.11
 * bounds a reply to 16 KiB, a string to 127 characters and a dict to 256
 * entries: listings stay within them by the table limits (32 NFs, 16
 * ports), flows come in pages. */

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "ctl_args.h"
#include "mgr.h"

#define CTL_ERR_LEN RTE_TEL_MAX_STRING_LEN

/* A page of /onvm/flows: at most this many rules, and about this many
 * bytes of JSON (a rule costs its text plus CTL_FLOW_ROW_BYTES: quotes,
 * commas and its hit count), well inside DPDK 22.11's 16 KiB reply and
 * 512-entry arrays. */
#define CTL_FLOW_PAGE_MAX 400
#define CTL_FLOW_PAGE_BYTES 14000
#define CTL_FLOW_ROW_BYTES 28

/* Set at init and cleared at fini, under `lock`, which every command holds
 * while it runs: after mgr_ctl_fini() none touches the manager (DPDK 22.11
 * cannot unregister a telemetry command). */
static struct {
	pthread_mutex_t lock;
	struct mgr_ctx *ctx;
} ctl = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int
ctl_error(struct rte_tel_data *d, const char *fmt, ...)
	__rte_format_printf(2, 3);

/* Reply {"error": "..."}; the message on one line. */
static int
ctl_error(struct rte_tel_data *d, const char *fmt, ...)
{
	char msg[CTL_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	onvm_one_line(msg);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", msg);
	return 0;
}

static int
ctl_no_params(const char *params, struct rte_tel_data *d, const char *cmd)
{
	if (params != NULL && params[0] != '\0') {
		ctl_error(d, "%s takes no parameters", cmd);
		return -EINVAL;
	}
	return 0;
}

/* A row: a dict added to @p d under @p key. NULL if out of memory. */
static struct rte_tel_data *
ctl_row(void)
{
	struct rte_tel_data *r = rte_tel_data_alloc();

	if (r != NULL)
		rte_tel_data_start_dict(r);
	return r;
}

static void
ctl_add_row(struct rte_tel_data *d, unsigned int key, struct rte_tel_data *r)
{
	char k[16];

	snprintf(k, sizeof(k), "%u", key);
	if (rte_tel_data_add_dict_container(d, k, r, 0) < 0)
		rte_tel_data_free(r);
}

/* The chain as an array container, or NULL. */
static struct rte_tel_data *
ctl_chain_array(const struct onvm_chain *c)
{
	struct rte_tel_data *a = rte_tel_data_alloc();
	uint8_t i;

	if (a == NULL)
		return NULL;
	rte_tel_data_start_array(a, RTE_TEL_INT_VAL);
	for (i = 0; i < c->len; i++)
		rte_tel_data_add_array_int(a, c->sid[i]);
	return a;
}

/* /onvm/ports: {"0": {"name": ..., "rx": ...}, ...} */
static int
ctl_ports(struct mgr_ctx *ctx, const char *params, struct rte_tel_data *d)
{
	struct mgr_totals *t;
	struct rte_tel_data *r;
	char rx_by[16];
	int16_t owner;
	uint16_t p;

	if (ctl_no_params(params, d, CTL_CMD_PORTS) < 0)
		return 0;
	/* who polls the ports' rx queues (--nf-rx) */
	owner = __atomic_load_n(&ctx->shm->rx_owner, __ATOMIC_RELAXED);
	if (owner >= 0)
		snprintf(rx_by, sizeof(rx_by), "nf %d", owner);
	else
		snprintf(rx_by, sizeof(rx_by), "%s",
			 owner == ONVM_RX_MGR ? "manager" : "-");
	t = malloc(sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	mgr_stats_totals(ctx, t);
	rte_tel_data_start_dict(d);
	for (p = 0; p < ctx->nb_ports; p++) {
		r = ctl_row();
		if (r == NULL)
			break;
		rte_tel_data_add_dict_string(r, "name", ctx->port_name[p]);
		rte_tel_data_add_dict_string(r, "driver",
					     ctx->shm->port[p].driver);
		rte_tel_data_add_dict_u64(r, "rx", t->st.port_rx[p]);
		rte_tel_data_add_dict_u64(r, "tx", t->st.port_tx[p]);
		rte_tel_data_add_dict_u64(r, "drops", mgr_port_drops(t, p));
		rte_tel_data_add_dict_u64(r, "rx_missed", t->eth[p].imissed);
		rte_tel_data_add_dict_u64(r, "rx_nombuf", t->eth[p].rx_nombuf);
		rte_tel_data_add_dict_u64(r, "tx_full", t->st.port_tx_full[p]);
		rte_tel_data_add_dict_string(r, "rx_by", rx_by);
		ctl_add_row(d, p, r);
	}
	free(t);
	return 0;
}

/* /onvm/nfs: {"SLOT": {"name": ..., "service": ..., ...}, ...} */
static int
ctl_nfs(struct mgr_ctx *ctx, const char *params, struct rte_tel_data *d)
{
	const struct onvm_nf_slot *nf;
	struct mgr_totals *t;
	struct rte_tel_data *r;
	uint16_t i;

	if (ctl_no_params(params, d, CTL_CMD_NFS) < 0)
		return 0;
	t = malloc(sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	mgr_stats_totals(ctx, t);
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&ctx->reg_lock);
	for (i = 0; i < ctx->opts.max_nfs; i++) {
		nf = &ctx->shm->nf[i];
		if (__atomic_load_n(&nf->state, __ATOMIC_ACQUIRE) ==
		    ONVM_NF_FREE)
			continue;
		r = ctl_row();
		if (r == NULL)
			break;
		rte_tel_data_add_dict_string(r, "name", nf->name);
		rte_tel_data_add_dict_string(r, "tag", nf->tag);
		rte_tel_data_add_dict_int(r, "service", nf->service_id);
		rte_tel_data_add_dict_int(r, "instance", nf->instance_id);
		rte_tel_data_add_dict_int(r, "pid", nf->pid);
		rte_tel_data_add_dict_string(r, "state",
					     mgr_stats_nf_state(ctx, i));
		rte_tel_data_add_dict_int(r, "stop_requested",
			__atomic_load_n(&nf->stop_req, __ATOMIC_RELAXED) != 0);
		rte_tel_data_add_dict_int(r, "cpu", nf->cpu);
		rte_tel_data_add_dict_u64(r, "rx", nf->nf.rx);
		rte_tel_data_add_dict_u64(r, "tx", nf->nf.tx);
		rte_tel_data_add_dict_u64(r, "drops",
					  nf->nf.drop + t->st.nf_ring_full[i]);
		rte_tel_data_add_dict_u64(r, "nf_drops", nf->nf.drop);
		rte_tel_data_add_dict_u64(r, "ring_full", t->st.nf_ring_full[i]);
		rte_tel_data_add_dict_int(r, "rx_ring_used",
					  (int)rte_ring_count(nf->rx_ring));
		rte_tel_data_add_dict_int(r, "fed_by_slot",
			__atomic_load_n(&nf->in_from, __ATOMIC_RELAXED));
		rte_tel_data_add_dict_int(r, "shared_core", nf->sleepy != 0);
		rte_tel_data_add_dict_int(r, "sleeping",
			__atomic_load_n(&nf->sleeping, __ATOMIC_RELAXED) != 0);
		rte_tel_data_add_dict_u64(r, "sleeps", nf->nf.sleeps);
		rte_tel_data_add_dict_u64(r, "wakes", nf->nf.wakes);
		rte_tel_data_add_dict_int(r, "backpressure",
			(__atomic_load_n(&ctx->shm->bp_mask, __ATOMIC_RELAXED) >>
			 i) & 1);
		ctl_add_row(d, i, r);
	}
	pthread_mutex_unlock(&ctx->reg_lock);
	free(t);
	return 0;
}

/* /onvm/services: every service with an instance, on the default chain or
 * with a scaling policy:
 * {"SID": {"instances": [IID...], "slots": [SLOT...], "chain_pos": N}}
 * (chain_pos: its index on the default chain, -1 if not on it); with a
 * policy also "scale_min", "scale_max", "scale_value" (the metric, %),
 * "scale_out", "scale_in" and "scale_last" (the last decision, why). */
static int
ctl_services(struct mgr_ctx *ctx, const char *params, struct rte_tel_data *d)
{
	const struct onvm_shm *shm = ctx->shm;
	const struct onvm_chain *def;
	struct rte_tel_data *r, *ids, *slots;
	struct mgr_scale_info si;
	uint16_t i, j, n;
	int pos, has_scale;

	if (ctl_no_params(params, d, CTL_CMD_SERVICES) < 0)
		return 0;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&ctx->reg_lock);
	/* reg_lock: the default chain does not change meanwhile */
	def = onvm_chain_of(shm, onvm_default_chain_id(shm));
	for (i = 1; i < ONVM_MAX_SERVICES; i++) {
		n = __atomic_load_n(&shm->svc[i].n, __ATOMIC_ACQUIRE);
		pos = onvm_chain_find(def, i);
		has_scale = mgr_scale_info(ctx, i, &si) == 0;
		if (n == 0 && pos < 0 && !has_scale)
			continue;
		r = ctl_row();
		ids = rte_tel_data_alloc();
		slots = rte_tel_data_alloc();
		if (r == NULL || ids == NULL || slots == NULL) {
			rte_tel_data_free(r);
			rte_tel_data_free(ids);
			rte_tel_data_free(slots);
			break;
		}
		rte_tel_data_start_array(ids, RTE_TEL_INT_VAL);
		rte_tel_data_start_array(slots, RTE_TEL_INT_VAL);
		for (j = 0; j < n; j++) {
			rte_tel_data_add_array_int(ids,
				shm->nf[shm->svc[i].slot[j]].instance_id);
			rte_tel_data_add_array_int(slots, shm->svc[i].slot[j]);
		}
		rte_tel_data_add_dict_container(r, "instances", ids, 0);
		rte_tel_data_add_dict_container(r, "slots", slots, 0);
		rte_tel_data_add_dict_int(r, "chain_pos", pos);
		if (has_scale) {
			char last[RTE_TEL_MAX_STRING_LEN];

			snprintf(last, sizeof(last), "%s", si.last);
			rte_tel_data_add_dict_int(r, "scale_min", si.min);
			rte_tel_data_add_dict_int(r, "scale_max", si.max);
			rte_tel_data_add_dict_int(r, "scale_value",
						  (int)(si.value + 0.5));
			rte_tel_data_add_dict_u64(r, "scale_out", si.scale_out);
			rte_tel_data_add_dict_u64(r, "scale_in", si.scale_in);
			rte_tel_data_add_dict_string(r, "scale_last", last);
		}
		ctl_add_row(d, i, r);
	}
	pthread_mutex_unlock(&ctx->reg_lock);
	return 0;
}

/* The default chain. mgr_chain_set_default() changes it under reg_lock,
 * and a chain entry stays as it is while it is in use. */
static struct onvm_chain
ctl_default_chain(struct mgr_ctx *ctx)
{
	struct onvm_chain c;

	pthread_mutex_lock(&ctx->reg_lock);
	c = *onvm_chain_of(ctx->shm, onvm_default_chain_id(ctx->shm));
	pthread_mutex_unlock(&ctx->reg_lock);
	return c;
}

static void
ctl_add_chain(struct rte_tel_data *d, const char *key,
	      const struct onvm_chain *c)
{
	struct rte_tel_data *a = ctl_chain_array(c);

	if (a != NULL && rte_tel_data_add_dict_container(d, key, a, 0) < 0)
		rte_tel_data_free(a);
}

/* /onvm/chain: {"default": [SID...]} */
static int
ctl_chain(struct mgr_ctx *ctx, const char *params, struct rte_tel_data *d)
{
	struct onvm_chain c;

	if (ctl_no_params(params, d, CTL_CMD_CHAIN) < 0)
		return 0;
	c = ctl_default_chain(ctx);
	rte_tel_data_start_dict(d);
	ctl_add_chain(d, "default", &c);
	return 0;
}

/* /onvm/chain/set,SID[,SID...]: {"default": [...], "previous": [...]} */
static int
ctl_chain_set(struct mgr_ctx *ctx, const char *params, struct rte_tel_data *d)
{
	char err[CTL_ERR_LEN];
	struct onvm_chain prev, now;

	prev = ctl_default_chain(ctx);
	/* takes reg_lock, then the flow lock */
	if (mgr_chain_set_default(ctx, params != NULL ? params : "", err,
				  sizeof(err)) < 0)
		return ctl_error(d, "%s", err[0] ? err : "cannot set the chain");
	now = ctl_default_chain(ctx);
	rte_tel_data_start_dict(d);
	ctl_add_chain(d, "default", &now);
	ctl_add_chain(d, "previous", &prev);
	return 0;
}

/* One page of /onvm/flows, filled by the walk (under the flow lock). */
struct ctl_flow_page {
	struct rte_tel_data *match, *chain, *hits;
	uint32_t start;		/* the first rule wanted, by walk order */
	uint32_t seen;		/* rules walked */
	uint32_t count;		/* rules in the page */
	size_t bytes;		/* their JSON, about */
	int full;
};

static int
ctl_flow_cb(const char *rule, uint64_t hits, void *arg)
{
	struct ctl_flow_page *pg = arg;
	char match[ONVM_FLOW_TEXT_LEN];
	const char *chain;
	size_t cost;

	if (pg->seen++ < pg->start || pg->full)
		return 0;
	/* "MATCH chain SIDS": each part well under RTE_TEL_MAX_STRING_LEN
	 * (about 103 and 47 characters at most), the whole not always */
	chain = strstr(rule, " chain ");
	if (chain == NULL)
		chain = rule + strlen(rule);
	snprintf(match, sizeof(match), "%.*s", (int)(chain - rule), rule);
	chain += *chain != '\0' ? 7 : 0;
	cost = strlen(match) + strlen(chain) + CTL_FLOW_ROW_BYTES;
	if (pg->count == CTL_FLOW_PAGE_MAX ||
	    pg->bytes + cost > CTL_FLOW_PAGE_BYTES) {
		pg->full = 1;
		return 0;
	}
	rte_tel_data_add_array_string(pg->match, match);
	rte_tel_data_add_array_string(pg->chain, chain);
	rte_tel_data_add_array_u64(pg->hits, hits);
	pg->count++;
	pg->bytes += cost;
	return 0;
}

/* /onvm/flows[,START]: the rules from number START (in the table's walk
 * order), as many as fit in a reply:
 * {"total", "start", "count", "next", "match": [...], "chain": [...],
 *  "hits": [...]}; "next" is the START of the next page, or -1. */
static int
ctl_flows(struct mgr_ctx *ctx, const char *params, struct rte_tel_data *d)
{
	struct ctl_flow_page pg = { 0 };
	unsigned long start = 0;
	int total;

	if (params != NULL && params[0] != '\0' &&
	    onvm_parse_uint(params, 0, INT32_MAX, &start) < 0)
		return ctl_error(d, "bad start '%.32s' for %s (a rule number "
				 "from 0)", params, CTL_CMD_FLOWS);
	pg.start = (uint32_t)start;
	pg.match = rte_tel_data_alloc();
	pg.chain = rte_tel_data_alloc();
	pg.hits = rte_tel_data_alloc();
	if (pg.match == NULL || pg.chain == NULL || pg.hits == NULL) {
		rte_tel_data_free(pg.match);
		rte_tel_data_free(pg.chain);
		rte_tel_data_free(pg.hits);
		return -ENOMEM;
	}
	rte_tel_data_start_array(pg.match, RTE_TEL_STRING_VAL);
	rte_tel_data_start_array(pg.chain, RTE_TEL_STRING_VAL);
	rte_tel_data_start_array(pg.hits, RTE_TEL_U64_VAL);
	total = mgr_flow_rule_walk(ctx, ctl_flow_cb, &pg);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "total", total);
	rte_tel_data_add_dict_int(d, "start", (int)pg.start);
	rte_tel_data_add_dict_int(d, "count", (int)pg.count);
	rte_tel_data_add_dict_int(d, "next", pg.full ?
				  (int)(pg.start + pg.count) : -1);
	rte_tel_data_add_dict_container(d, "match", pg.match, 0);
	rte_tel_data_add_dict_container(d, "chain", pg.chain, 0);
	rte_tel_data_add_dict_container(d, "hits", pg.hits, 0);
	return 0;
}

/* /onvm/flow/add,RULE: {"added": RULE}, and /onvm/flow/del,MATCH:
 * {"deleted": MATCH}, in canonical text. The flow functions take the flow
 * lock themselves. */
static int
ctl_flow_change(struct mgr_ctx *ctx, const char *params,
		struct rte_tel_data *d, int add)
{
	char err[CTL_ERR_LEN], text[ONVM_FLOW_TEXT_LEN];
	struct onvm_flow_rule r;
	int rc;

	if (params == NULL || params[0] == '\0')
		return ctl_error(d, "%s needs a %s", add ? CTL_CMD_FLOW_ADD :
				 CTL_CMD_FLOW_DEL, add ? "rule" : "match");
	rc = add ? mgr_flow_rule_add(ctx, params, err, sizeof(err)) :
		   mgr_flow_rule_del(ctx, params, err, sizeof(err));
	if (rc < 0)
		return ctl_error(d, "%s", err[0] ? err : strerror(-rc));
	/* --nf-rx: who polls the ports follows the rule count, now rather
	 * than at the next control tick */
	pthread_mutex_lock(&ctx->reg_lock);
	mgr_edges_update(ctx);
	pthread_mutex_unlock(&ctx->reg_lock);
	/* it parsed there, so here */
	if (onvm_flow_rule_parse(params, add, &r, err, sizeof(err)) < 0 ||
	    onvm_flow_rule_format(&r, text, sizeof(text)) < 0)
		snprintf(text, sizeof(text), "%s", params);
	MGR_LOG(INFO, "flow rule %s (runtime control): %s",
		add ? "added" : "removed", text);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, add ? "added" : "deleted", text);
	return 0;
}

static int
ctl_flow_add(struct mgr_ctx *ctx, const char *params, struct rte_tel_data *d)
{
	return ctl_flow_change(ctx, params, d, 1);
}

static int
ctl_flow_del(struct mgr_ctx *ctx, const char *params, struct rte_tel_data *d)
{
	return ctl_flow_change(ctx, params, d, 0);
}

/* /onvm/nf/stop,SID:IID or slot=N: ask the NF to leave, as SIGTERM would;
 * it drains its rings and deregisters (nf_housekeeping() sees stop_req).
 * Replies at once: {"slot", "service", "instance", "pid", "name"}. */
static int
ctl_nf_stop(struct mgr_ctx *ctx, const char *params, struct rte_tel_data *d)
{
	char err[CTL_ERR_LEN];
	struct ctl_nf_ref ref;
	struct onvm_nf_slot *nf = NULL;
	uint32_t state = ONVM_NF_FREE;
	uint16_t i;

	if (ctl_parse_nf_ref(params, ctx->opts.max_nfs, &ref, err,
			     sizeof(err)) < 0)
		return ctl_error(d, "%s", err);
	pthread_mutex_lock(&ctx->reg_lock);
	if (__atomic_load_n(&ctx->shm->mgr_state, __ATOMIC_ACQUIRE) ==
	    ONVM_MGR_STOPPING) {
		pthread_mutex_unlock(&ctx->reg_lock);
		return ctl_error(d, "the manager is stopping; every NF is "
				 "leaving already");
	}
	for (i = 0; i < ctx->opts.max_nfs; i++) {
		state = __atomic_load_n(&ctx->shm->nf[i].state,
					__ATOMIC_ACQUIRE);
		if (state == ONVM_NF_FREE)
			continue;
		if (ref.by_slot ? i == ref.slot :
		    ctx->shm->nf[i].service_id == ref.service_id &&
		    ctx->shm->nf[i].instance_id == ref.instance_id) {
			nf = &ctx->shm->nf[i];
			break;
		}
	}
	if (nf == NULL) {
		pthread_mutex_unlock(&ctx->reg_lock);
		if (ref.by_slot)
			return ctl_error(d, "no NF in slot %u (see onvmctl nfs)",
					 ref.slot);
		return ctl_error(d, "no instance %u of service %u (see "
				 "onvmctl nfs)", ref.instance_id,
				 ref.service_id);
	}
	if (state != ONVM_NF_RUNNING) {
		pthread_mutex_unlock(&ctx->reg_lock);
		return ctl_error(d, "NF %s (service %u, instance %u, pid %d) is "
				 "leaving already", nf->name, nf->service_id,
				 nf->instance_id, nf->pid);
	}
	__atomic_store_n(&nf->stop_req, 1, __ATOMIC_RELEASE);
	onvm_nf_wake_always(nf);	/* if it sleeps (shared-core) */
	MGR_LOG(INFO, "NF %s (service %u, instance %u, pid %d) asked to stop "
		"(runtime control)", nf->name, nf->service_id, nf->instance_id,
		nf->pid);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "slot", i);
	rte_tel_data_add_dict_int(d, "service", nf->service_id);
	rte_tel_data_add_dict_int(d, "instance", nf->instance_id);
	rte_tel_data_add_dict_int(d, "pid", nf->pid);
	rte_tel_data_add_dict_string(d, "name", nf->name);
	pthread_mutex_unlock(&ctx->reg_lock);
	return 0;
}

typedef int (*ctl_fn)(struct mgr_ctx *ctx, const char *params,
		      struct rte_tel_data *d);

/* Run @p fn unless the manager is gone (mgr_ctl_fini()). */
static int
ctl_run(ctl_fn fn, const char *params, struct rte_tel_data *d)
{
	int rc;

	pthread_mutex_lock(&ctl.lock);
	if (ctl.ctx == NULL)
		rc = ctl_error(d, "the manager is shutting down");
	else
		rc = fn(ctl.ctx, params, d);
	pthread_mutex_unlock(&ctl.lock);
	return rc;
}

#define CTL_CB(name, fn)                                                   \
	static int                                                         \
	name(const char *cmd __rte_unused, const char *params,             \
	     struct rte_tel_data *d)                                       \
	{                                                                  \
		return ctl_run(fn, params, d);                             \
	}

CTL_CB(ctl_cb_ports, ctl_ports)
CTL_CB(ctl_cb_nfs, ctl_nfs)
CTL_CB(ctl_cb_services, ctl_services)
CTL_CB(ctl_cb_chain, ctl_chain)
CTL_CB(ctl_cb_nf_stop, ctl_nf_stop)
CTL_CB(ctl_cb_chain_set, ctl_chain_set)
CTL_CB(ctl_cb_flows, ctl_flows)
CTL_CB(ctl_cb_flow_add, ctl_flow_add)
CTL_CB(ctl_cb_flow_del, ctl_flow_del)

static const struct {
	const char *cmd;
	telemetry_cb fn;
	const char *help;	/* at most 63 characters */
} ctl_cmds[] = {
	{ CTL_CMD_PORTS, ctl_cb_ports, "onvm ports and counters. No parameters" },
	{ CTL_CMD_SERVICES, ctl_cb_services,
	  "onvm services and instances. No parameters" },
	{ CTL_CMD_NFS, ctl_cb_nfs, "onvm NF instances. No parameters" },
	{ CTL_CMD_NF_STOP, ctl_cb_nf_stop,
	  "Ask an NF to leave. Parameters: SID:IID or slot=N" },
	{ CTL_CMD_CHAIN, ctl_cb_chain, "onvm default chain. No parameters" },
	{ CTL_CMD_CHAIN_SET, ctl_cb_chain_set,
	  "Set the default chain. Parameters: SID[,SID...]" },
	{ CTL_CMD_FLOWS, ctl_cb_flows,
	  "onvm flow rules, a page. Parameters: first rule (0)" },
	{ CTL_CMD_FLOW_ADD, ctl_cb_flow_add,
	  "Add a flow rule. Parameters: P SRC SPORT DST DPORT chain S,.." },
	{ CTL_CMD_FLOW_DEL, ctl_cb_flow_del,
	  "Delete a flow rule. Parameters: P SRC SPORT DST DPORT [in N]" },
};

int
mgr_ctl_init(struct mgr_ctx *ctx)
{
	unsigned int i;
	int rc, first = 0;

	pthread_mutex_lock(&ctl.lock);
	ctl.ctx = ctx;
	pthread_mutex_unlock(&ctl.lock);
	for (i = 0; i < RTE_DIM(ctl_cmds); i++) {
		rc = rte_telemetry_register_cmd(ctl_cmds[i].cmd, ctl_cmds[i].fn,
						ctl_cmds[i].help);
		if (rc < 0) {
			MGR_LOG(WARNING, "cannot register telemetry command %s "
				"(%s): onvmctl cannot use it", ctl_cmds[i].cmd,
				strerror(-rc));
			first = first ? first : rc;
		}
	}
	return first;
}

void
mgr_ctl_fini(struct mgr_ctx *ctx __rte_unused)
{
	pthread_mutex_lock(&ctl.lock);
	ctl.ctx = NULL;
	pthread_mutex_unlock(&ctl.lock);
}
