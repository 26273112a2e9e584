/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Auto-scaling (control path), per service with a --scale policy:
 *  - a scaler thread samples the service every MGR_SCALE_TICK_MS: the mean
 *    rx-ring occupancy of its instances, or the share of the packets
 *    offered to them that full rings refused, or the chain's entry dropped
 *    for their backpressure (metric=drops), smoothed;
 *    mgr_scale_decide() (mgr_scale_policy.c) turns samples into decisions;
 *  - scale out: a new process from the service's launch spec (the one read
 *    from /proc when an instance registered, without its pinned instance
 *    id; else --launch), a child of the manager as restarts are. It
 *    registers like any NF; its service's Maglev table then moves only the
 *    flows it takes over;
 *  - scale in: the newest instance is asked to stop, as `onvmctl stop`
 *    does: it leaves its service, passes on what was queued to it, and
 *    deregisters; nothing queued is lost, and it is not restarted;
 *  - scale from zero (min 0): while a service has no instance the data
 *    lcores park its packets in a bounded ring (mgr_scale_park(), on the
 *    no-instance branch only) and raise a flag the scaler reads; the first
 *    instance gets them, in order, before any other packet
 *    (mgr_scale_registered());
 *  - NFs may ask for another instance (onvm_nf_scale_out()).
 * Each decision is logged with its reason and kept in the stats, with the
 * reaction time of the last scale-out: from the overload (the metric first
 * above high) and from the new NF's start to its first packet.
 *
 * Locking: everything here is under the manager's reg_lock, but the
 * fields the data lcores read (wait, on_demand: set before they start)
 * and write (want: a flag). */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_branch_prediction.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "mgr.h"
#include "mgr_scale_policy.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define MGR_SCALE_TICK_MS 10		/* sampling period */
#define MGR_SCALE_EWMA 0.3		/* weight of a new sample */
#define MGR_SCALE_START_S 10		/* a new instance registers within */
#define MGR_SCALE_RETRY_MS 1000		/* after a failed start, at least */
#define MGR_SCALE_WHY_LEN 160

struct mgr_scale_svc {
	int on;				/* has a policy: decisions are taken */
	int on_demand;			/* min 0: started by its first packet */
	struct mgr_scale_policy pol;
	struct mgr_scale_state st;
	struct rte_ring *wait;		/* min 0: parked packets; MP/SC */
	struct mgr_launch *launch;	/* --launch, or NULL */
	struct mgr_launch *last;	/* spec of the last instance seen */
	int no_spec_logged;

	double value;			/* the metric, smoothed, % */
	uint64_t prev_rx, prev_full;	/* metric=drops: counters last tick */

	/* a start in flight: our child, until it registers */
	int32_t start_pid;
	int start_pidfd;
	uint64_t start_deadline_ns;
	/* the instance it became, until its first packet */
	int16_t new_slot;
	int32_t new_pid;
	uint64_t overload_ns;		/* metric first above high (or first
					 * packet parked) */
	uint64_t decided_ns;
	/* a stop in flight */
	int16_t stop_slot;
	int32_t stop_pid;

	uint64_t retry_ns;		/* after a failed start: not before */
	uint64_t scale_out, scale_in, failed, delivered;
	char last_why[MGR_SCALE_WHY_LEN];
	/* the last scale-out that got traffic, ms */
	double r_overload, r_decided, r_start, r_reg;
	int r_have;
};

struct mgr_scale {
	pthread_t tid;
	int running;
	int active;			/* a policy, or an NF asked once: tick */
	uint8_t want[ONVM_MAX_SERVICES];	/* data lcores: packets parked */
	struct mgr_scale_svc svc[ONVM_MAX_SERVICES];
};

/* The program a --launch names: a path, or a name found in $PATH. */
static int
mgr_scale_find_exe(const char *prog, char *out, size_t len)
{
	char dir[PATH_MAX], cand[PATH_MAX * 2];
	const char *path = getenv("PATH"), *p, *colon;

	if (strchr(prog, '/') != NULL) {
		if (realpath(prog, out) == NULL || access(out, X_OK) != 0)
			return -ENOENT;
		return 0;
	}
	for (p = path != NULL ? path : "/usr/bin:/bin"; *p; p = colon + 1) {
		colon = strchr(p, ':');
		if (colon == NULL)
			colon = p + strlen(p);
		snprintf(dir, sizeof(dir), "%.*s", (int)(colon - p), p);
		snprintf(cand, sizeof(cand), "%s/%s", dir[0] ? dir : ".", prog);
		if (access(cand, X_OK) == 0 && strlen(cand) < len &&
		    realpath(cand, out) != NULL)
			return 0;
		if (*colon == '\0')
			break;
	}
	return -ENOENT;
}

static int
mgr_scale_launch_init(struct mgr_ctx *ctx, const char *arg)
{
	struct mgr_launch *l;
	char err[160];
	uint16_t sid;

	l = calloc(1, sizeof(*l));
	if (l == NULL) {
		mgr_fail(ctx, "out of memory for --launch");
		return -ENOMEM;
	}
	if (mgr_scale_launch_parse(arg, &sid, l->cmdline, sizeof(l->cmdline),
				   &l->cmdline_len, err, sizeof(err)) < 0) {
		mgr_fail(ctx, "%s", err);	/* checked by the parser */
		free(l);
		return -EINVAL;
	}
	if (mgr_scale_find_exe(l->cmdline, l->exe, sizeof(l->exe)) < 0) {
		mgr_fail(ctx, "--launch %u: program '%.100s' not found or not "
			 "executable", sid, l->cmdline);
		free(l);
		return -ENOENT;
	}
	if (getcwd(l->cwd, sizeof(l->cwd)) == NULL)
		strcpy(l->cwd, "/");
	ctx->scale->svc[sid].launch = l;
	return 0;
}

int
mgr_scale_init(struct mgr_ctx *ctx)
{
	struct mgr_scale *sc;
	struct mgr_scale_svc *s;
	char err[160], name[RTE_RING_NAMESIZE];
	uint32_t i;
	unsigned int flags;

	sc = calloc(1, sizeof(*sc));
	if (sc == NULL) {
		mgr_fail(ctx, "out of memory for the scaler");
		return -ENOMEM;
	}
	for (i = 0; i < ONVM_MAX_SERVICES; i++) {
		sc->svc[i].start_pidfd = -1;
		sc->svc[i].new_slot = -1;
		sc->svc[i].stop_slot = -1;
	}
	ctx->scale = sc;
	for (i = 0; i < ctx->opts.nb_launch; i++)
		if (mgr_scale_launch_init(ctx, ctx->opts.launch[i]) < 0)
			return -EINVAL;
	for (i = 0; i < ctx->opts.nb_scale; i++) {
		struct mgr_scale_policy p;

		if (mgr_scale_policy_parse(ctx->opts.scale[i], &p, err,
					   sizeof(err)) < 0) {
			mgr_fail(ctx, "%s", err);
			return -EINVAL;
		}
		s = &sc->svc[p.sid];
		s->pol = p;
		s->on = 1;
		sc->active = 1;
		s->on_demand = p.min == 0;
		if (s->on_demand && p.wait > 0) {
			/* Producers: the data lcores; consumer: the control
			 * path, under reg_lock. */
			flags = RING_F_SC_DEQ | RING_F_EXACT_SZ |
				(ctx->nb_lcores == 1 ? RING_F_SP_ENQ : 0);
			snprintf(name, sizeof(name), "onvm_wait%u", p.sid);
			s->wait = rte_ring_create(name, p.wait,
						  (int)rte_socket_id(), flags);
			if (s->wait == NULL) {
				mgr_fail(ctx, "cannot create the buffer of "
					 "service %u (wait=%u): %s", p.sid,
					 p.wait, rte_strerror(rte_errno));
				return -ENOMEM;
			}
		}
		MGR_LOG(INFO, "service %u scales: %u..%u instance(s), %s "
			"high %.0f %% low %.0f %% for %.0f ms, cool-down %.0f ms%s",
			p.sid, p.min, p.max, mgr_scale_metric_name(p.metric),
			p.high, p.low, p.for_ns / 1e6, p.cooldown_ns / 1e6,
			s->on_demand ? ", started by its first packet" : "");
	}
	return 0;
}

int
mgr_scale_has_policy(const struct mgr_ctx *ctx, uint16_t sid)
{
	return ctx->scale != NULL && sid < ONVM_MAX_SERVICES &&
	       ctx->scale->svc[sid].on;
}

int
mgr_scale_on_demand(const struct mgr_ctx *ctx, uint16_t sid)
{
	return ctx->scale != NULL && sid < ONVM_MAX_SERVICES &&
	       ctx->scale->svc[sid].on_demand;
}

/* Data lcore, no instance for @p sid (cold): park the packet for the first
 * instance of a min-0 service, else drop it. No syscall: the scaler sees
 * the flag within a tick. */
void __rte_cold
mgr_scale_park(struct mgr_ctx *ctx, struct mgr_lcore *lc, struct rte_mbuf *m,
	       uint16_t sid)
{
	struct mgr_scale *sc = ctx->scale;
	const struct mgr_scale_svc *s;

	if (sc == NULL || !sc->svc[sid].on_demand) {
		lc->st.drop[MGR_DROP_NO_INSTANCE]++;
		rte_pktmbuf_free(m);
		return;
	}
	s = &sc->svc[sid];
	if (__atomic_load_n(&sc->want[sid], __ATOMIC_RELAXED) == 0)
		__atomic_store_n(&sc->want[sid], 1, __ATOMIC_RELEASE);
	if (s->wait == NULL) {
		lc->st.drop[MGR_DROP_NO_INSTANCE]++;
		rte_pktmbuf_free(m);
	} else if (rte_ring_enqueue(s->wait, m) != 0) {
		lc->st.drop[MGR_DROP_SCALE_WAIT_FULL]++;
		rte_pktmbuf_free(m);
	} else {
		lc->st.scale_parked++;
	}
}

/* Free what waits for a first instance that will not come. */
static unsigned int
mgr_scale_flush_wait(struct mgr_ctx *ctx, struct mgr_scale_svc *s)
{
	struct rte_mbuf *pkts[ONVM_BURST];
	unsigned int n, total = 0;

	if (s->wait == NULL)
		return 0;
	while ((n = rte_ring_dequeue_burst(s->wait, (void **)pkts, ONVM_BURST,
					   NULL)) > 0) {
		rte_pktmbuf_free_bulk(pkts, n);
		total += n;
	}
	ctx->ctl_st.drop[MGR_DROP_SCALE_FAILED] += total;
	return total;
}

/* The instance id the manager will likely give the next NF that asks for
 * any: the lowest no running NF has (one leaving frees its own soon). For
 * the log; the registration says which it got. */
static unsigned int
mgr_scale_next_iid(struct mgr_ctx *ctx)
{
	unsigned int id, i;

	for (id = 1;; id++) {
		for (i = 0; i < ctx->opts.max_nfs; i++)
			if (ctx->shm->nf[i].state == ONVM_NF_RUNNING &&
			    ctx->shm->nf[i].instance_id == id)
				break;
		if (i == ctx->opts.max_nfs)
			return id;
	}
}

/* A launch spec for service @p sid: a live instance's, else --launch, else
 * the last one seen. reg_lock held. */
static int
mgr_scale_spec(struct mgr_ctx *ctx, uint16_t sid, struct mgr_launch *l)
{
	struct mgr_scale_svc *s = &ctx->scale->svc[sid];
	const struct onvm_service *svc = &ctx->shm->svc[sid];
	uint16_t j;

	for (j = 0; j < svc->n; j++)
		if (mgr_watch_spec(ctx, svc->slot[j], l) == 0) {
			if (s->last == NULL)
				s->last = malloc(sizeof(*s->last));
			if (s->last != NULL)
				*s->last = *l;
			return 0;
		}
	if (s->launch != NULL)
		*l = *s->launch;
	else if (s->last != NULL)
		*l = *s->last;
	else
		return -ENOENT;
	return 0;
}

/* Start an instance of @p sid. reg_lock held. @return 0 or -errno. */
static int
mgr_scale_out(struct mgr_ctx *ctx, uint16_t sid, const char *why,
	      uint64_t overload_ns)
{
	struct mgr_scale_svc *s = &ctx->scale->svc[sid];
	struct mgr_launch *l;
	unsigned int iid;
	int pid, rc;

	l = malloc(sizeof(*l));
	if (l == NULL)
		return -ENOMEM;
	rc = mgr_scale_spec(ctx, sid, l);
	if (rc < 0) {
		if (!s->no_spec_logged)
			MGR_LOG(WARNING, "service %u: %s, but no launch spec "
				"(no instance registered yet; see --launch)",
				sid, why);
		s->no_spec_logged = 1;
		free(l);
		return rc;
	}
	if (mgr_scale_argv_fix(l->cmdline, &l->cmdline_len,
			       sizeof(l->cmdline), ctx->prefix) < 0) {
		free(l);
		return -E2BIG;
	}
	iid = mgr_scale_next_iid(ctx);
	pid = mgr_spawn(l);
	free(l);
	if (pid < 0) {
		MGR_LOG(ERR, "service %u: %s, but cannot start an instance: %s",
			sid, why, strerror(-pid));
		return pid;
	}
	s->start_pid = pid;
	__atomic_store_n(&ctx->scale->active, 1, __ATOMIC_RELEASE);
	s->start_pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	s->decided_ns = onvm_now_ns();
	s->overload_ns = overload_ns ? overload_ns : s->decided_ns;
	s->start_deadline_ns = s->decided_ns +
		MGR_SCALE_START_S * 1000000000ULL;
	s->scale_out++;
	s->no_spec_logged = 0;
	snprintf(s->last_why, sizeof(s->last_why), "%.100s: start instance %u "
		 "(pid %d)", why, iid, pid);
	MGR_LOG(INFO, "service %u: %s, starting instance %u (pid %d)", sid,
		why, iid, pid);
	return 0;
}

/* Stop the newest instance of @p sid, draining it first. reg_lock held. */
static int
mgr_scale_in(struct mgr_ctx *ctx, uint16_t sid, const char *why)
{
	struct mgr_scale_svc *s = &ctx->scale->svc[sid];
	const struct onvm_service *svc = &ctx->shm->svc[sid];
	struct onvm_nf_slot *nf;
	int best = -1;
	uint16_t j;

	for (j = 0; j < svc->n; j++) {
		nf = &ctx->shm->nf[svc->slot[j]];
		if (nf->state != ONVM_NF_RUNNING || nf->stop_req)
			continue;
		if (best < 0 || nf->reg_ns > ctx->shm->nf[best].reg_ns)
			best = svc->slot[j];
	}
	if (best < 0)
		return -ENOENT;
	nf = &ctx->shm->nf[best];
	__atomic_store_n(&nf->stop_req, 1, __ATOMIC_RELEASE);
	s->stop_slot = (int16_t)best;
	s->stop_pid = nf->pid;
	s->scale_in++;
	snprintf(s->last_why, sizeof(s->last_why), "%.100s: stop instance %u "
		 "(pid %d)", why, nf->instance_id, nf->pid);
	MGR_LOG(INFO, "service %u: %s, stopping instance %u (pid %d) after it "
		"drains", sid, why, nf->instance_id, nf->pid);
	return 0;
}

/* The metric of service @p sid now, %. */
static double
mgr_scale_metric(struct mgr_ctx *ctx, struct mgr_scale_svc *s, uint16_t sid)
{
	const struct onvm_service *svc = &ctx->shm->svc[sid];
	const struct onvm_nf_slot *nf;
	uint64_t rx = 0, full = 0, d_rx, d_full;
	double v = 0;
	uint16_t j, l, n = svc->n;

	if (s->pol.metric == MGR_SCALE_RING) {
		for (j = 0; j < n; j++) {
			nf = &ctx->shm->nf[svc->slot[j]];
			v += 100.0 * rte_ring_count(nf->rx_ring) /
			     rte_ring_get_capacity(nf->rx_ring);
		}
		return n ? v / n : 0;
	}
	for (j = 0; j < n; j++) {
		nf = &ctx->shm->nf[svc->slot[j]];
		rx += __atomic_load_n(&nf->nf.rx, __ATOMIC_RELAXED);
		for (l = 0; l < ctx->nb_lcores; l++)
			full += __atomic_load_n(
				&ctx->lcores[l].st.nf_ring_full[svc->slot[j]],
				__ATOMIC_RELAXED) +
				__atomic_load_n(
				&ctx->lcores[l].st.nf_bp_drops[svc->slot[j]],
				__ATOMIC_RELAXED);
	}
	/* Counters of instances that come and go jump: skip that tick. */
	d_rx = rx >= s->prev_rx ? rx - s->prev_rx : 0;
	d_full = full >= s->prev_full ? full - s->prev_full : 0;
	s->prev_rx = rx;
	s->prev_full = full;
	return d_rx + d_full ? 100.0 * d_full / (d_rx + d_full) : 0;
}

/* Follow a start in flight, the instance it became, and a stop. */
static void
mgr_scale_follow(struct mgr_ctx *ctx, struct mgr_scale_svc *s, uint16_t sid,
		 uint64_t now)
{
	const struct onvm_nf_slot *nf;
	siginfo_t si;

	if (s->start_pid > 0) {
		memset(&si, 0, sizeof(si));
		if (s->start_pidfd >= 0 &&
		    waitid(P_PIDFD, (id_t)s->start_pidfd, &si,
			   WEXITED | WNOHANG) == 0 && si.si_pid != 0) {
			MGR_LOG(ERR, "service %u: the new instance (pid %d) "
				"exited before it registered (status %d); "
				"see its log", sid, s->start_pid, si.si_status);
		} else if (now > s->start_deadline_ns) {
			MGR_LOG(ERR, "service %u: the new instance (pid %d) did "
				"not register within %d s; killing it", sid,
				s->start_pid, MGR_SCALE_START_S);
			kill(s->start_pid, SIGKILL);
			if (s->start_pidfd >= 0)
				waitid(P_PIDFD, (id_t)s->start_pidfd, &si,
				       WEXITED);
		} else {
			goto started;
		}
		s->failed++;
		/* Not again at once, even below min or from zero: a spec
		 * that fails would fork in a loop. */
		s->retry_ns = now + RTE_MAX(s->pol.cooldown_ns,
					    (uint64_t)MGR_SCALE_RETRY_MS * 1000000ULL);
		snprintf(s->last_why, sizeof(s->last_why), "start of pid %d "
			 "failed", s->start_pid);
		if (s->start_pidfd >= 0)
			close(s->start_pidfd);
		s->start_pidfd = -1;
		s->start_pid = 0;
		if (ctx->shm->svc[sid].n == 0) {
			unsigned int n = mgr_scale_flush_wait(ctx, s);

			if (n)
				MGR_LOG(WARNING, "service %u: %u parked "
					"packet(s) dropped (scale_failed)",
					sid, n);
		}
	}
started:
	if (s->new_slot >= 0) {
		nf = &ctx->shm->nf[s->new_slot];
		if (nf->pid != s->new_pid || nf->state == ONVM_NF_FREE) {
			s->new_slot = -1;
		} else if (__atomic_load_n(&nf->nf.first_pkt_ns,
					   __ATOMIC_ACQUIRE) != 0) {
			uint64_t f = nf->nf.first_pkt_ns;

			s->r_overload = (f - s->overload_ns) / 1e6;
			s->r_decided = (f - s->decided_ns) / 1e6;
			s->r_start = (f - nf->start_ns) / 1e6;
			s->r_reg = (f - nf->reg_ns) / 1e6;
			s->r_have = 1;
			MGR_LOG(INFO, "service %u: instance %u (pid %d) got "
				"traffic %.1f ms after the overload began, "
				"%.1f ms after its start, %.1f ms after it "
				"registered", sid, nf->instance_id, nf->pid,
				s->r_overload, s->r_start, s->r_reg);
			s->new_slot = -1;
		}
	}
	if (s->stop_slot >= 0) {
		nf = &ctx->shm->nf[s->stop_slot];
		if (nf->pid != s->stop_pid || nf->state == ONVM_NF_FREE)
			s->stop_slot = -1;
	}
}

/* One tick for service @p sid. reg_lock held. */
static void
mgr_scale_tick(struct mgr_ctx *ctx, uint16_t sid, uint64_t now)
{
	struct mgr_scale *sc = ctx->scale;
	struct mgr_scale_svc *s = &sc->svc[sid];
	struct mgr_scale_sample smp;
	char why[MGR_SCALE_WHY_LEN];
	enum mgr_scale_verdict v;
	uint64_t above, last;
	int want, rc;

	mgr_scale_follow(ctx, s, sid, now);
	if (!s->on)
		return;
	want = __atomic_exchange_n(&sc->want[sid], 0, __ATOMIC_ACQUIRE);
	above = s->st.above_ns;
	s->value = MGR_SCALE_EWMA * mgr_scale_metric(ctx, s, sid) +
		   (1 - MGR_SCALE_EWMA) * s->value;
	memset(&smp, 0, sizeof(smp));
	smp.now_ns = now;
	smp.n = __atomic_load_n(&ctx->shm->svc[sid].n, __ATOMIC_ACQUIRE);
	smp.pending = (s->start_pid > 0) + (s->stop_slot >= 0);
	smp.value = smp.n ? s->value : 0;
	smp.waiting = want || (s->wait != NULL && !rte_ring_empty(s->wait));
	last = s->st.last_ns;
	v = mgr_scale_decide(&s->pol, &s->st, &smp, why, sizeof(why));
	if (v == MGR_SCALE_OUT && now < s->retry_ns) {
		s->st.last_ns = last;	/* a start failed: wait */
	} else if (v == MGR_SCALE_OUT) {
		/* by the watermark: since the metric first went above */
		uint64_t since = smp.n && s->value > s->pol.high && above ?
			above : now;

		rc = mgr_scale_out(ctx, sid, why, since);
		/* No spec yet (an instance of a min-1 service not yet
		 * started by hand): no cool-down either. Other failures
		 * are tried again after it. */
		if (rc == -ENOENT)
			s->st.last_ns = last;
	} else if (v == MGR_SCALE_IN) {
		mgr_scale_in(ctx, sid, why);
	}
}

/* A new NF in @p slot: ours? The first of a min-0 service? Hand it the
 * parked packets, in order, before any other: it has not polled yet (it
 * waits for the answer to its registration), no data lcore parks any more
 * once the grace period below is over, and its in_ring, which it reads
 * first, has no producer yet. reg_lock held. */
void
mgr_scale_registered(struct mgr_ctx *ctx, uint16_t slot)
{
	struct onvm_nf_slot *nf = &ctx->shm->nf[slot];
	struct mgr_scale_svc *s;
	struct rte_mbuf *pkts[ONVM_BURST];
	unsigned int n, moved = 0, left = 0;

	if (ctx->scale == NULL)
		return;
	s = &ctx->scale->svc[nf->service_id];
	if (s->start_pid > 0 && s->start_pid == nf->pid) {
		MGR_LOG(INFO, "service %u: instance %u (pid %d) registered, "
			"%.1f ms after the decision", nf->service_id,
			nf->instance_id, nf->pid,
			(onvm_now_ns() - s->decided_ns) / 1e6);
		if (s->start_pidfd >= 0)
			close(s->start_pidfd);	/* the watcher reaps it */
		s->start_pidfd = -1;
		s->start_pid = 0;
		s->new_slot = (int16_t)slot;
		s->new_pid = nf->pid;
	} else if (s->on_demand && ctx->shm->svc[nf->service_id].n == 1 &&
		   s->start_pid == 0 && s->wait != NULL &&
		   !rte_ring_empty(s->wait)) {
		/* started by hand while packets wait: time it too */
		s->new_slot = (int16_t)slot;
		s->new_pid = nf->pid;
		s->decided_ns = s->overload_ns = onvm_now_ns();
	}
	if (s->wait == NULL || ctx->shm->svc[nf->service_id].n != 1 ||
	    rte_ring_empty(s->wait))
		return;
	/* After this no data lcore is still in the no-instance branch. */
	rte_rcu_qsbr_synchronize(ctx->qsbr, RTE_QSBR_THRID_INVALID);
	if (nf->in_from != -1 || ctx->edge_prev[slot] != -1) {
		left = mgr_scale_flush_wait(ctx, s);
	} else {
		while ((n = rte_ring_dequeue_burst(s->wait, (void **)pkts,
						   ONVM_BURST, NULL)) > 0) {
			unsigned int in = rte_ring_sp_enqueue_burst(
				nf->in_ring, (void **)pkts, n, NULL);

			moved += in;
			if (in < n) {
				rte_pktmbuf_free_bulk(pkts + in, n - in);
				ctx->ctl_st.drop[MGR_DROP_SCALE_FAILED] +=
					n - in;
				left += n - in;
			}
		}
	}
	s->delivered += moved;
	MGR_LOG(INFO, "service %u: %u parked packet(s) handed to instance %u "
		"first%s", nf->service_id, moved, nf->instance_id,
		left ? " (some dropped: no room)" : "");
}

int
mgr_scale_request(struct mgr_ctx *ctx, uint16_t slot)
{
	const struct onvm_nf_slot *nf = &ctx->shm->nf[slot];
	uint16_t sid = nf->service_id, max;
	struct mgr_scale_svc *s;
	char why[MGR_SCALE_WHY_LEN];

	if (ctx->scale == NULL)
		return -ENOTSUP;
	s = &ctx->scale->svc[sid];
	if (s->start_pid > 0)
		return -EBUSY;
	max = s->on ? s->pol.max : ONVM_MAX_INSTANCES;
	if (ctx->shm->svc[sid].n >= max)
		return -ENOSPC;
	snprintf(why, sizeof(why), "instance %u (pid %d) asked for another",
		 nf->instance_id, nf->pid);
	s->st.last_ns = onvm_now_ns();
	return mgr_scale_out(ctx, sid, why, 0);
}

static void *
mgr_scale_thread(void *arg)
{
	struct mgr_ctx *ctx = arg;
	uint64_t now, next = onvm_now_ns();
	uint16_t sid;

	/* Without a policy, and until an NF asks for an instance, nothing
	 * to do: no lock taken every tick. */
	while (!ctx->quit) {
		now = onvm_now_ns();
		/* Not once a stop is asked for (a signal: the state says
		 * STOPPING only at the control thread's next tick), when
		 * NFs leave and would seem to want replacing. */
		if (__atomic_load_n(&ctx->scale->active, __ATOMIC_ACQUIRE) &&
		    !ctx->stop_req &&
		    __atomic_load_n(&ctx->shm->mgr_state, __ATOMIC_ACQUIRE) !=
		    ONVM_MGR_STOPPING) {
			pthread_mutex_lock(&ctx->reg_lock);
			for (sid = 1; sid < ONVM_MAX_SERVICES; sid++)
				mgr_scale_tick(ctx, sid, now);
			pthread_mutex_unlock(&ctx->reg_lock);
		}
		next += MGR_SCALE_TICK_MS * 1000000ULL;
		if (next < now)
			next = now + MGR_SCALE_TICK_MS * 1000000ULL;
		onvm_sleep_until(next);
	}
	return NULL;
}

int
mgr_scale_start(struct mgr_ctx *ctx)
{
	int rc = rte_ctrl_thread_create(&ctx->scale->tid, "onvm-scale", NULL,
					mgr_scale_thread, ctx);

	if (rc != 0) {
		mgr_fail(ctx, "cannot start the scaler: %s", strerror(rc));
		return -rc;
	}
	ctx->scale->running = 1;
	return 0;
}

/* After the data lcores stopped: join the thread, free what is parked. */
void
mgr_scale_stop(struct mgr_ctx *ctx)
{
	struct mgr_scale *sc = ctx->scale;
	struct mgr_scale_svc *s;
	struct rte_mbuf *pkts[ONVM_BURST];
	unsigned int i, n;

	if (sc == NULL)
		return;
	if (sc->running)
		pthread_join(sc->tid, NULL);
	sc->running = 0;
	for (i = 0; i < ONVM_MAX_SERVICES; i++) {
		s = &sc->svc[i];
		if (s->wait != NULL) {
			while ((n = rte_ring_dequeue_burst(s->wait,
					(void **)pkts, ONVM_BURST, NULL)) > 0) {
				rte_pktmbuf_free_bulk(pkts, n);
				ctx->ctl_st.drop[MGR_DROP_SCALE_FAILED] += n;
			}
			rte_ring_free(s->wait);
			s->wait = NULL;
		}
		if (s->start_pidfd >= 0)
			close(s->start_pidfd);
		s->start_pidfd = -1;
		free(s->launch);
		free(s->last);
		s->launch = s->last = NULL;
	}
}

int
mgr_scale_info(struct mgr_ctx *ctx, uint16_t sid, struct mgr_scale_info *out)
{
	const struct mgr_scale_svc *s;

	if (ctx->scale == NULL || sid >= ONVM_MAX_SERVICES)
		return -ENOENT;
	s = &ctx->scale->svc[sid];
	if (!s->on && s->scale_out == 0)
		return -ENOENT;
	out->min = s->pol.min;
	out->max = s->on ? s->pol.max : ONVM_MAX_INSTANCES;
	out->scale_out = s->scale_out;
	out->scale_in = s->scale_in;
	out->value = s->value;
	out->last = s->last_why;
	return 0;
}

/* Lines of the stats table: one per service that scales. */
void
mgr_scale_print(struct mgr_ctx *ctx)
{
	const struct mgr_scale_svc *s;
	uint16_t i;

	if (ctx->scale == NULL)
		return;
	pthread_mutex_lock(&ctx->reg_lock);
	for (i = 1; i < ONVM_MAX_SERVICES; i++) {
		s = &ctx->scale->svc[i];
		if (!s->on && s->scale_out == 0)
			continue;
		printf("  scale: service %u, %u instance(s) of %u..%u, %s %.0f %%, "
		       "+%" PRIu64 " -%" PRIu64 "%s%s\n", i, ctx->shm->svc[i].n,
		       s->pol.min, s->on ? s->pol.max : ONVM_MAX_INSTANCES,
		       mgr_scale_metric_name(s->pol.metric), s->value,
		       s->scale_out, s->scale_in, s->last_why[0] ? "; last: " : "",
		       s->last_why);
	}
	pthread_mutex_unlock(&ctx->reg_lock);
}

/* The stats JSON's "scale": {"parked": N, "services": [{...}, ...]}. */
void
mgr_scale_json(struct mgr_ctx *ctx, FILE *f)
{
	struct mgr_scale *sc = ctx->scale;
	const struct mgr_scale_svc *s;
	const char *sep = "";
	uint64_t parked = 0;
	uint16_t i, l;

	for (l = 0; l < ctx->nb_lcores; l++)
		parked += __atomic_load_n(&ctx->lcores[l].st.scale_parked,
					  __ATOMIC_RELAXED);
	fprintf(f, "{\"parked\": %" PRIu64 ", \"services\": [", parked);
	if (sc == NULL) {
		fprintf(f, "]}");
		return;
	}
	pthread_mutex_lock(&ctx->reg_lock);
	for (i = 1; i < ONVM_MAX_SERVICES; i++) {
		s = &sc->svc[i];
		if (!s->on && s->scale_out == 0)
			continue;
		fprintf(f, "%s\n    {\"service\": %u, \"policy\": %s, \"min\": %u"
			", \"max\": %u, \"metric\": \"%s\", \"high\": %.1f"
			", \"low\": %.1f, \"for_ms\": %.0f, \"cooldown_ms\": %.0f"
			", \"value\": %.1f, \"instances\": %u, \"starting_pid\": %d"
			", \"stopping\": %s, \"scale_out\": %" PRIu64
			", \"scale_in\": %" PRIu64 ", \"failed\": %" PRIu64
			", \"waiting\": %u, \"delivered\": %" PRIu64
			", \"last\": \"%s\"",
			sep, i, s->on ? "true" : "false", s->pol.min, s->pol.max,
			mgr_scale_metric_name(s->pol.metric), s->pol.high,
			s->pol.low, s->pol.for_ns / 1e6, s->pol.cooldown_ns / 1e6,
			s->value, ctx->shm->svc[i].n, s->start_pid,
			s->stop_slot >= 0 ? "true" : "false", s->scale_out,
			s->scale_in, s->failed,
			s->wait != NULL ? rte_ring_count(s->wait) : 0,
			s->delivered, s->last_why);
		if (s->r_have)
			fprintf(f, ", \"reaction\": {\"overload_to_first_pkt_ms\""
				": %.1f, \"decision_to_first_pkt_ms\": %.1f"
				", \"nf_start_to_first_pkt_ms\": %.1f"
				", \"register_to_first_pkt_ms\": %.1f}",
				s->r_overload, s->r_decided, s->r_start, s->r_reg);
		fprintf(f, "}");
		sep = ",";
	}
	pthread_mutex_unlock(&ctx->reg_lock);
	fprintf(f, "%s]}", *sep ? "\n  " : "");
}
