/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* The registry (control path): the shared tables, the NF rings, NF
 * registration over DPDK IPC, liveness, and reclaiming what a departed NF
 * left in its rings. Runs on the control and IPC threads, under reg_lock. */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>
#include <rte_memzone.h>
#include <rte_ring.h>
#include <rte_ring_peek.h>

#include "mgr.h"
#include "onvm_bp.h"
#include "onvm_msg.h"
#include "onvm_wake.h"

#define MGR_TX_DRAIN_MS 500	/* wait for a data lcore to empty a tx ring */
#define MGR_EDGE_WAIT_MS 100	/* wait for an NF to stop feeding another */
#define MGR_RX_WAIT_MS 20	/* ... to stop polling the ports (--nf-rx),
				 * per try: it is tried again every tick */

static void mgr_rx_update(struct mgr_ctx *ctx);

static struct mgr_ctx *mgr_ipc_ctx; /* the IPC callback has no argument */

static int
mgr_ring_pair(struct mgr_ctx *ctx, uint16_t slot)
{
	struct onvm_nf_slot *nf = &ctx->shm->nf[slot];
	char name[RTE_RING_NAMESIZE];
	/* rx: the data lcores produce (one of them: SP), the NF consumes.
	 * tx: the NF produces, the data lcore that owns the slot consumes;
	 * the control path touches either only after a grace period. */
	unsigned int rx_flags = RING_F_SC_DEQ |
		(ctx->nb_lcores == 1 ? RING_F_SP_ENQ : 0);
	int socket = (int)rte_socket_id();

	snprintf(name, sizeof(name), "onvm_nf%u_rx", slot);
	nf->rx_ring = rte_ring_create(name, ctx->opts.ring_size, socket,
				      rx_flags);
	snprintf(name, sizeof(name), "onvm_nf%u_tx", slot);
	nf->tx_ring = rte_ring_create(name, ctx->opts.ring_size, socket,
				      RING_F_SP_ENQ | RING_F_SC_DEQ);
	/* in: one NF produces (in_from), this slot's NF consumes */
	snprintf(name, sizeof(name), "onvm_nf%u_in", slot);
	nf->in_ring = rte_ring_create(name, ctx->opts.ring_size, socket,
				      RING_F_SP_ENQ | RING_F_SC_DEQ);
	nf->in_from = -1;
	ctx->edge_prev[slot] = -1;
	if (nf->rx_ring == NULL || nf->tx_ring == NULL || nf->in_ring == NULL) {
		mgr_fail(ctx, "cannot create rings for NF slot %u: %s", slot,
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

static unsigned int
mgr_free_mbufs(struct rte_ring *r)
{
	struct rte_mbuf *pkts[ONVM_BURST];
	unsigned int n, total = 0;

	while ((n = rte_ring_dequeue_burst(r, (void **)pkts, ONVM_BURST,
					   NULL)) > 0) {
		rte_pktmbuf_free_bulk(pkts, n);
		total += n;
	}
	return total;
}

/* Free the burst a dead NF was holding (see struct onvm_nf_held): the
 * entries it had peeked from its rx ring or its in_ring but not finished,
 * less those it had passed on. Without a split record they are read from
 * the ring's own storage, which follows struct rte_ring (as the ring
 * library lays it out), not from the NF's copy: the NF may have died
 * between moving the consumer head and copying the pointers. Called once
 * nothing produces into the rings; an NF that left cleanly holds nothing.
 * @return how many it freed. */
static unsigned int
mgr_free_held(struct mgr_ctx *ctx, struct onvm_nf_slot *nf)
{
	const struct onvm_nf_held *h = &nf->held;
	struct rte_ring *src = nf->rx_ring;
	struct rte_mbuf **slots;
	struct rte_mbuf *pkts[ONVM_BURST];
	uint32_t tail, held, passed, nfree = 0, n_dir = 0, n_mgr, i;
	const struct rte_ring *d;
	int split;

	if (nf->in_ring->cons.head != nf->in_ring->cons.tail)
		src = nf->in_ring;
	slots = (struct rte_mbuf **)&src[1];
	tail = src->cons.tail;
	held = src->cons.head - tail;
	if (held == 0 && !__atomic_load_n(&h->rx_marked, __ATOMIC_ACQUIRE)) {
		/* --nf-rx: a burst straight from a port, in the record */
		held = __atomic_load_n(&h->rx_n, __ATOMIC_ACQUIRE);
		src = NULL;
		slots = nf->held.pkts;
		tail = 0;
	}
	if (held == 0)
		return 0;
	if (held > ONVM_BURST) {
		MGR_LOG(ERR, "NF slot of pid %d: ring %s state not understood "
			"(%u held); not freeing", nf->pid,
			src != NULL ? src->name : "(port burst)", held);
		return 0;
	}
	/* A split burst: the NF's own list, once it is complete. */
	split = __atomic_load_n(&h->split, __ATOMIC_ACQUIRE) && h->n == held &&
		h->n_dir <= h->n_mgr && h->n_mgr <= held &&
		(h->n_dir == 0 || h->d_slot < ctx->opts.max_nfs);
	n_mgr = held;
	if (split) {
		n_dir = h->n_dir;
		n_mgr = h->n_mgr;
	}
	/* To the next NF's in_ring: those it published are that NF's. */
	if (n_dir) {
		passed = 0;
		if (__atomic_load_n(&h->d_marked, __ATOMIC_ACQUIRE)) {
			d = ctx->shm->nf[h->d_slot].in_ring;
			passed = RTE_MIN(d->prod.tail - h->d_mark, n_dir);
		}
		for (i = passed; i < n_dir; i++)
			pkts[nfree++] = h->pkts[i];
	}
	/* Back to the manager. */
	passed = 0;
	if (__atomic_load_n(&h->tx_marked, __ATOMIC_ACQUIRE))
		passed = RTE_MIN(nf->tx_ring->prod.tail - h->tx_mark,
				 n_mgr - n_dir);
	for (i = n_dir + passed; i < n_mgr; i++)
		pkts[nfree++] = split ? h->pkts[i] : src == NULL ? slots[i] :
				slots[(tail + i) & src->mask];
	/* To ports (--nf-tx). */
	if (split && held > n_mgr) {
		if (__atomic_load_n(&h->port_sent, __ATOMIC_ACQUIRE)) {
			/* The PMD may have freed them: never twice. */
			ctx->ctl_st.drop[MGR_DROP_NF_TX_LOST] += held - n_mgr;
			MGR_LOG(WARNING, "NF pid %d died while transmitting: "
				"%u packet(s) not known to be sent are "
				"not reclaimed", nf->pid, held - n_mgr);
		} else {
			for (i = n_mgr; i < held; i++)
				pkts[nfree++] = h->pkts[i];
		}
	}
	if (nfree)
		rte_pktmbuf_free_bulk(pkts, nfree);
	if (src != NULL)
		rte_ring_dequeue_finish(src, held);
	else
		__atomic_store_n(&nf->held.rx_n, 0, __ATOMIC_RELEASE);
	return nfree;
}

/* --nf-rx: give back the burst a dead NF had received from a port and was
 * putting in its own in_ring (see struct onvm_nf_held, rx_marked; a burst
 * it held otherwise is mgr_free_held()'s). A death in the PMD's rx burst
 * is counted: what the PMD had taken is not known. Called with reg_lock
 * held, the NF dead. @return packets freed. */
static unsigned int
mgr_free_rx_held(struct mgr_ctx *ctx, struct onvm_nf_slot *nf)
{
	struct onvm_nf_held *h = &nf->held;
	struct rte_ring *in = nf->in_ring;
	unsigned int n = __atomic_load_n(&h->rx_n, __ATOMIC_ACQUIRE), passed;
	unsigned int lost;
	int s;

	if (__atomic_load_n(&h->rx_busy, __ATOMIC_ACQUIRE)) {
		/* the PMD's burst, and what a refill of the NF's cache had
		 * taken from the pool (at most its size and a burst) */
		lost = 2 * ONVM_BURST + (ctx->pools[0] != NULL ?
					  ctx->pools[0]->cache_size : 0);
		for (s = 1; s < RTE_MAX_NUMA_NODES; s++)
			if (ctx->pools[s] != NULL)
				lost += ctx->pools[s]->cache_size;
		ctx->ctl_st.drop[MGR_DROP_NF_RX_LOST] += lost;
		MGR_LOG(WARNING, "NF pid %d died inside a port rx burst: up to "
			"%u mbuf(s) the PMD and a mempool refill took are not "
			"reclaimed", nf->pid, lost);
		__atomic_store_n(&h->rx_busy, 0, __ATOMIC_RELEASE);
	}
	if (n == 0 || n > ONVM_BURST ||
	    !__atomic_load_n(&h->rx_marked, __ATOMIC_ACQUIRE))
		return 0;
	/* It was its in_ring's producer: entries it reserved but did not
	 * publish are not there. */
	passed = RTE_MIN(in->prod.tail - h->rx_mark, n);
	in->prod.head = in->prod.tail;
	if (passed < n)
		rte_pktmbuf_free_bulk(h->pkts + passed, n - passed);
	__atomic_store_n(&h->rx_n, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&h->rx_marked, 0, __ATOMIC_RELEASE);
	return n - passed;
}

/* An NF that deregisters at shutdown still runs its own EAL teardown; the
 * manager must not free shared memory under it (see mgr_wait_leaving). */
static void
mgr_note_leaving(struct mgr_ctx *ctx, int32_t pid)
{
	if (__atomic_load_n(&ctx->shm->mgr_state, __ATOMIC_ACQUIRE) ==
	    ONVM_MGR_STOPPING && ctx->nb_leaving < ONVM_MAX_NFS)
		ctx->leaving[ctx->nb_leaving++] = pid;
}

/* Is process @p pid still running? A zombie is not (an NF the manager
 * restarted is its child, reaped only later by the watcher). */
static int
mgr_pid_running(int32_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	int n;

	if (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	n = (int)fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n > 0 ? n : 0] = '\0';
	/* "PID (COMM) STATE ...": COMM may hold anything, so the last ')' */
	p = strrchr(buf, ')');
	return p == NULL || p[1] != ' ' || (p[2] != 'Z' && p[2] != 'X');
}

/* At shutdown, before ports and memory are freed: wait (at most
 * MGR_EXIT_WAIT_MS) until the NFs that deregistered have exited. A primary
 * that frees memory while a secondary is in rte_eal_cleanup() can hang
 * in the EAL's memory sync with it. */
void
mgr_wait_leaving(struct mgr_ctx *ctx)
{
	uint64_t end = onvm_now_ns() + MGR_EXIT_WAIT_MS * 1000000ULL;
	struct timespec ts = { 0, 1000000 };
	unsigned int i, left;

	do {
		pthread_mutex_lock(&ctx->reg_lock);
		for (i = 0, left = 0; i < ctx->nb_leaving; i++)
			left += mgr_pid_running(ctx->leaving[i]);
		pthread_mutex_unlock(&ctx->reg_lock);
		if (left == 0)
			return;
		nanosleep(&ts, NULL);
	} while (onvm_now_ns() < end);
	MGR_LOG(WARNING, "%u NF process(es) that left are still running "
		"after %d ms; stopping anyway", left, MGR_EXIT_WAIT_MS);
}

/* What a departed NF's transmits left in its mempool cache (lcore id
 * ONVM_NF_CACHE_LCORE(slot)): back to the pool, unless the NF died inside
 * a mempool operation on it (cache_busy): then the cache may be
 * half-written, and its mbufs are counted lost rather than risk freeing
 * one twice. @return how many were lost. */
static unsigned int
mgr_nf_cache_reclaim(struct mgr_ctx *ctx, struct onvm_nf_slot *nf,
		     uint16_t slot)
{
	int busy = __atomic_load_n(&nf->held.cache_busy, __ATOMIC_ACQUIRE);
	struct rte_mempool_cache *c;
	struct rte_mempool *mp;
	unsigned int s, lost = 0, back = 0;

	for (s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		mp = ctx->pools[s];
		if (mp == NULL)
			continue;
		c = rte_mempool_default_cache(mp, ONVM_NF_CACHE_LCORE(slot));
		if (c == NULL || c->len == 0)
			continue;
		if (busy) {
			lost += c->len;
		} else {
			rte_mempool_ops_enqueue_bulk(mp, c->objs, c->len);
			back += c->len;
		}
		c->len = 0;
	}
	__atomic_store_n(&nf->held.cache_busy, 0, __ATOMIC_RELEASE);
	if (back)
		MGR_LOG(DEBUG, "NF pid %d: %u mbuf(s) from its mempool cache "
			"back to the pool", nf->pid, back);
	if (lost) {
		ctx->ctl_st.drop[MGR_DROP_NF_TX_LOST] += lost;
		MGR_LOG(WARNING, "NF pid %d died inside a mempool operation: "
			"the %u mbuf(s) of its cache are not reclaimed",
			nf->pid, lost);
	}
	return lost;
}

/* The slot whose NF should feed @p slot's in_ring directly: on the default
 * chain, the one instance of the service just before this slot's service
 * (its first place on the chain), when both services have one live
 * instance. Else -1. */
static int
mgr_edge_want(struct mgr_ctx *ctx, uint16_t slot)
{
	const struct onvm_shm *shm = ctx->shm;
	const struct onvm_nf_slot *nf = &shm->nf[slot];
	const struct onvm_chain *c = onvm_chain_of(shm, shm->default_chain);
	const struct onvm_service *prev;
	int i;

	if (nf->state != ONVM_NF_RUNNING ||
	    shm->svc[nf->service_id].n != 1)
		return -1;
	/* --nf-rx: while it may poll the ports it produces into its own
	 * in_ring (a burst to split); no other NF until it gave them back */
	if (ctx->rx_granted == (int16_t)slot)
		return -1;
	for (i = 1; i < c->len; i++)
		if (c->sid[i] == nf->service_id)
			break;
	if (i >= c->len || c->sid[i - 1] == nf->service_id)
		return -1;
	prev = &shm->svc[c->sid[i - 1]];
	if (prev->n != 1 || shm->nf[prev->slot[0]].state != ONVM_NF_RUNNING)
		return -1;
	return prev->slot[0];
}

/* Has the NF that was @p slot's producer stopped producing? Yes once it
 * passed a quiescent point after it lost the right (or left, or died). */
static int
mgr_edge_prev_done(struct mgr_ctx *ctx, uint16_t slot)
{
	int16_t p = ctx->edge_prev[slot];
	const struct onvm_nf_slot *pn;

	if (p < 0)
		return 1;
	pn = &ctx->shm->nf[p];
	if (__atomic_load_n(&pn->state, __ATOMIC_ACQUIRE) == ONVM_NF_FREE ||
	    __atomic_load_n(&pn->nf.qs, __ATOMIC_ACQUIRE) !=
	    ctx->edge_prev_qs[slot]) {
		ctx->edge_prev[slot] = -1;
		return 1;
	}
	return 0;
}

/* Bring every slot's in_from to what the chain and the instances call
 * for. Taking the right away is immediate; giving it waits until the
 * previous producer is done (see struct onvm_nf_slot). reg_lock held. */
void
mgr_edges_update(struct mgr_ctx *ctx)
{
	struct onvm_nf_slot *nf;
	int16_t cur;
	uint16_t i;
	int want;

	for (i = 0; i < ctx->opts.max_nfs; i++) {
		nf = &ctx->shm->nf[i];
		cur = nf->in_from;
		want = mgr_edge_want(ctx, i);
		if (cur == want)
			continue;
		if (cur >= 0) {
			__atomic_store_n(&nf->in_from, -1, __ATOMIC_SEQ_CST);
			ctx->edge_prev[i] = cur;
			ctx->edge_prev_qs[i] = __atomic_load_n(
				&ctx->shm->nf[cur].nf.qs, __ATOMIC_SEQ_CST);
			/* A sleeping producer passes its quiescent point
			 * only once awake. */
			onvm_nf_wake_always(&ctx->shm->nf[cur]);
		}
		if (want >= 0 && mgr_edge_prev_done(ctx, i)) {
			__atomic_store_n(&nf->in_from, (int16_t)want,
					 __ATOMIC_RELEASE);
			MGR_LOG(DEBUG, "slot %d feeds slot %u directly", want, i);
		}
	}
	/* The ports' rx (--nf-rx) follows the chain and instances too. */
	mgr_rx_update(ctx);
}

/* --nf-rx: the slot that should poll the ports: the one live instance of
 * the default chain's first service, once it has opened every port
 * (nf.rx_ready), while no flow rule needs the manager's classifier. Not
 * when that service is elsewhere on the chain too (the NF before that
 * place produces into its in_ring), nor when it scales (its load is read
 * on its rx ring). Else -1: the manager polls. reg_lock held. */
static int
mgr_rx_want(struct mgr_ctx *ctx, const char **why)
{
	const struct onvm_shm *shm = ctx->shm;
	const struct onvm_chain *c = onvm_chain_of(shm, shm->default_chain);
	const struct onvm_service *s;
	const struct onvm_nf_slot *nf;
	uint16_t slot;
	int i;

	*why = "the manager is stopping";
	if (!(shm->flags & ONVM_F_NF_RX) || c->len == 0 ||
	    __atomic_load_n(&shm->mgr_state, __ATOMIC_ACQUIRE) !=
		    ONVM_MGR_RUNNING)
		return -1;
	*why = "a flow rule exists";
	if (__atomic_load_n(&ctx->flow->nb_rules, __ATOMIC_SEQ_CST) != 0)
		return -1;
	*why = "the default chain's first service is on it twice";
	for (i = 1; i < c->len; i++)
		if (c->sid[i] == c->sid[0])
			return -1;
	s = &shm->svc[c->sid[0]];
	*why = "the default chain's first service has no single instance";
	if (s->n != 1)
		return -1;
	*why = "the default chain's first service scales";
	if (mgr_scale_has_policy(ctx, c->sid[0]))
		return -1;
	slot = s->slot[0];
	nf = &shm->nf[slot];
	*why = "the first NF cannot poll the ports";
	if (nf->state != ONVM_NF_RUNNING || nf->in_from != -1 ||
	    !mgr_edge_prev_done(ctx, slot) ||
	    !__atomic_load_n(&nf->nf.rx_ready, __ATOMIC_ACQUIRE))
		return -1;
	return slot;
}

/* Has the NF the ports were handed to stopped polling them? Yes once it
 * passed a quiescent point after rx_owner left it, or is gone (its slot
 * freed, or its process: a death is seen here before it is reclaimed).
 * Waits a little for it. reg_lock held. */
static int
mgr_rx_given_back(struct mgr_ctx *ctx)
{
	const struct onvm_nf_slot *nf;
	uint64_t deadline = onvm_now_ns() + MGR_RX_WAIT_MS * 1000000ULL;
	struct timespec ts = { 0, 100000 };

	if (ctx->rx_granted < 0)
		return 1;
	nf = &ctx->shm->nf[ctx->rx_granted];
	if (!ctx->rx_qs_valid) {
		ctx->rx_qs = __atomic_load_n(&nf->nf.qs, __ATOMIC_SEQ_CST);
		ctx->rx_qs_valid = 1;
		onvm_nf_wake_always((struct onvm_nf_slot *)nf);
	}
	for (;;) {
		if (__atomic_load_n(&nf->state, __ATOMIC_ACQUIRE) ==
			    ONVM_NF_FREE ||
		    __atomic_load_n(&nf->nf.qs, __ATOMIC_ACQUIRE) !=
			    ctx->rx_qs || !mgr_pid_running(nf->pid)) {
			ctx->rx_granted = -1;
			ctx->rx_qs_valid = 0;
			return 1;
		}
		if (onvm_now_ns() >= deadline)
			return 0;
		nanosleep(&ts, NULL);
	}
}

/* Bring shm->rx_owner to what mgr_rx_want() calls for, always through
 * ONVM_RX_NONE (see struct onvm_shm): to an NF once no data lcore polls,
 * back once the NF has stopped. A step that must wait for the NF is done
 * again on the next call (every control tick). reg_lock held. */
static void
mgr_rx_update(struct mgr_ctx *ctx)
{
	struct onvm_shm *shm = ctx->shm;
	int16_t cur = __atomic_load_n(&shm->rx_owner, __ATOMIC_SEQ_CST);
	const char *why;
	int want = mgr_rx_want(ctx, &why);

	if (cur == want || (cur == ONVM_RX_MGR && want < 0 &&
			    ctx->rx_granted < 0))
		return;
	if (cur >= 0) {
		__atomic_store_n(&shm->rx_owner, (int16_t)ONVM_RX_NONE,
				 __ATOMIC_SEQ_CST);
		cur = ONVM_RX_NONE;
	} else if (cur == ONVM_RX_MGR) {
		__atomic_store_n(&shm->rx_owner, (int16_t)ONVM_RX_NONE,
				 __ATOMIC_SEQ_CST);
		/* after this, no data lcore is inside an rx burst */
		rte_rcu_qsbr_synchronize(ctx->qsbr, RTE_QSBR_THRID_INVALID);
		cur = ONVM_RX_NONE;
	}
	if (!mgr_rx_given_back(ctx)) {
		if (!ctx->rx_warned)
			MGR_LOG(WARNING, "--nf-rx: the NF in slot %d does not give "
				"the ports back (stopped?); nobody polls them "
				"until it runs again or dies", ctx->rx_granted);
		ctx->rx_warned = 1;
		return;
	}
	ctx->rx_warned = 0;
	if (want < 0) {
		__atomic_store_n(&shm->rx_owner, (int16_t)ONVM_RX_MGR,
				 __ATOMIC_SEQ_CST);
		MGR_LOG(INFO, "--nf-rx: the manager polls the ports (%s)", why);
		return;
	}
	ctx->rx_granted = (int16_t)want;
	ctx->rx_qs_valid = 0;
	__atomic_store_n(&shm->rx_owner, (int16_t)want, __ATOMIC_SEQ_CST);
	/* A rule added meanwhile did not see the NF (mgr_rx_revoke). */
	if (__atomic_load_n(&ctx->flow->nb_rules, __ATOMIC_SEQ_CST) != 0) {
		__atomic_store_n(&shm->rx_owner, (int16_t)ONVM_RX_NONE,
				 __ATOMIC_SEQ_CST);
		return;
	}
	onvm_nf_wake_always(&shm->nf[want]);
	MGR_LOG(INFO, "--nf-rx: NF %s (service %u, slot %d) polls the ports",
		shm->nf[want].name, shm->nf[want].service_id, want);
}

/* Wait (a little) until nothing produces into @p slot's in_ring. */
static void
mgr_edge_wait(struct mgr_ctx *ctx, uint16_t slot)
{
	uint64_t deadline = onvm_now_ns() + MGR_EDGE_WAIT_MS * 1000000ULL;
	struct timespec ts = { 0, 200000 };

	while (!mgr_edge_prev_done(ctx, slot) && onvm_now_ns() < deadline)
		nanosleep(&ts, NULL);
	if (!mgr_edge_prev_done(ctx, slot))
		MGR_LOG(WARNING, "NF in slot %d is still feeding slot %u "
			"after %d ms (stalled?)", ctx->edge_prev[slot], slot,
			MGR_EDGE_WAIT_MS);
}

/* A dead NF may have been cut off inside an enqueue to the in_ring it fed:
 * the producer head is then past the tail, over slots it never published.
 * It was the ring's only producer, so put the head back. */
static void
mgr_edges_forget_producer(struct mgr_ctx *ctx, uint16_t dead)
{
	struct onvm_nf_slot *nf;
	struct rte_ring *r;
	uint16_t i;

	for (i = 0; i < ctx->opts.max_nfs; i++) {
		nf = &ctx->shm->nf[i];
		if (nf->in_from != (int16_t)dead &&
		    ctx->edge_prev[i] != (int16_t)dead)
			continue;
		__atomic_store_n(&nf->in_from, -1, __ATOMIC_SEQ_CST);
		ctx->edge_prev[i] = -1;
		r = nf->in_ring;
		if (r->prod.head != r->prod.tail) {
			MGR_LOG(INFO, "slot %u's in_ring: %u slot(s) reserved "
				"but not published by the dead NF; released",
				i, r->prod.head - r->prod.tail);
			r->prod.head = r->prod.tail;
		}
	}
}

/* Move what an NF sent to ports itself into the control path's counters,
 * so that totals never go back when its slot is reused; and give back
 * what a PMD still holds on its tx queues. Called with reg_lock held. */
static void
mgr_nf_tx_retire(struct mgr_ctx *ctx, struct onvm_nf_slot *nf, uint16_t slot)
{
	const struct onvm_port_info *pi;
	uint16_t p;

	for (p = 0; p < ctx->nb_ports; p++) {
		ctx->ctl_st.port_rx[p] += nf->nf.port_rx[p];
		nf->nf.port_rx[p] = 0;
		ctx->ctl_st.port_tx[p] += nf->nf.port_tx[p];
		ctx->ctl_st.port_tx_full[p] += nf->nf.port_tx_full[p];
		ctx->ctl_st.drop[MGR_DROP_TX_FULL] += nf->nf.port_tx_full[p];
		nf->nf.port_tx[p] = 0;
		nf->nf.port_tx_full[p] = 0;
		pi = &ctx->shm->port[p];
		if ((ctx->shm->flags & ONVM_F_NF_TX) &&
		    pi->nf_txq_base + slot < pi->nb_txq)
			rte_eth_tx_done_cleanup(p, pi->nf_txq_base + slot, 0);
	}
}

/* Publish service @p sid's lookup table for its instances now (see
 * onvm_svc.h): fill the buffer readers do not use, from the one they do,
 * and flip. Readers may still be in the other buffer from the last flip:
 * wait for that grace period first (usually long over). reg_lock held. */
static void
mgr_svc_publish(struct mgr_ctx *ctx, uint16_t sid)
{
	struct onvm_service *s = &ctx->shm->svc[sid];
	uint32_t cur = s->lut_cur & 1;

	if (ctx->lut_token[sid] != 0)
		rte_rcu_qsbr_check(ctx->qsbr, ctx->lut_token[sid], true);
	onvm_lut_build(s->lut[cur], s->lut[cur ^ 1], s->slot, s->n);
	__atomic_store_n(&s->lut_cur, cur ^ 1, __ATOMIC_RELEASE);
	ctx->lut_token[sid] = rte_rcu_qsbr_start(ctx->qsbr);
}

/* Take a slot out of its service: once this returns, no data lcore will
 * enqueue to its rx ring, and the NF can drain it. Called with reg_lock
 * held. @return 0, or -ENOENT if the slot was not running. */
int
mgr_nf_quiesce(struct mgr_ctx *ctx, uint16_t slot)
{
	struct onvm_nf_slot *nf = &ctx->shm->nf[slot];

	if (__atomic_load_n(&nf->state, __ATOMIC_ACQUIRE) != ONVM_NF_RUNNING)
		return -ENOENT;
	onvm_svc_remove(&ctx->shm->svc[nf->service_id], slot);
	mgr_svc_publish(ctx, nf->service_id);
	__atomic_store_n(&nf->state, ONVM_NF_STOPPING, __ATOMIC_RELEASE);
	/* No NF feeds it directly any more, nor does it feed another. */
	mgr_edges_update(ctx);
	/* After this no data lcore holds the slot as a destination. */
	rte_rcu_qsbr_synchronize(ctx->qsbr, RTE_QSBR_THRID_INVALID);
	mgr_edge_wait(ctx, slot);
	return 0;
}

/* Take a slot out of service and give back every mbuf in its rings.
 * Called with reg_lock held. @return how many packets were freed, or
 * -ENOENT if the slot was free. */
int
mgr_nf_reclaim(struct mgr_ctx *ctx, uint16_t slot, const char *why)
{
	struct onvm_nf_slot *nf = &ctx->shm->nf[slot];
	uint64_t deadline;
	unsigned int freed, held;

	if (mgr_nf_quiesce(ctx, slot) < 0 &&
	    __atomic_load_n(&nf->state, __ATOMIC_ACQUIRE) != ONVM_NF_STOPPING)
		return -ENOENT;
	mgr_watch_forget(ctx, slot);
	held = mgr_free_held(ctx, nf);
	held += mgr_free_rx_held(ctx, nf);
	mgr_nf_cache_reclaim(ctx, nf, slot);
	mgr_edges_forget_producer(ctx, slot);
	freed = mgr_free_mbufs(nf->rx_ring);
	freed += mgr_free_mbufs(nf->in_ring);

	/* The owning data lcore forwards what the NF handed back. */
	deadline = onvm_now_ns() + MGR_TX_DRAIN_MS * 1000000ULL;
	while (!rte_ring_empty(nf->tx_ring) && !ctx->quit &&
	       onvm_now_ns() < deadline) {
		struct timespec ts = { 0, 1000000 };

		nanosleep(&ts, NULL);
	}
	mgr_nf_tx_retire(ctx, nf, slot);
	__atomic_store_n(&nf->state, ONVM_NF_FREE, __ATOMIC_RELEASE);
	__atomic_fetch_and(&ctx->shm->bp_mask, ~(UINT64_C(1) << slot),
			   __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(ctx->qsbr, RTE_QSBR_THRID_INVALID);
	freed += mgr_free_mbufs(nf->tx_ring);
	rte_ring_reset(nf->rx_ring);
	rte_ring_reset(nf->tx_ring);
	ctx->ctl_st.drop[MGR_DROP_NF_GONE] += freed + held;

	MGR_LOG(INFO, "NF %s (service %u, instance %u, pid %d) %s; "
		"%u queued and %u held packet(s) dropped", nf->name,
		nf->service_id, nf->instance_id, nf->pid, why, freed, held);
	nf->pid = 0;
	nf->service_id = 0;
	nf->instance_id = 0;
	return (int)RTE_MIN(freed + held, (unsigned int)INT32_MAX);
}

static int
mgr_instance_taken(struct mgr_ctx *ctx, int id)
{
	uint16_t i;

	for (i = 0; i < ctx->opts.max_nfs; i++)
		if (ctx->shm->nf[i].state != ONVM_NF_FREE &&
		    ctx->shm->nf[i].instance_id == id)
			return 1;
	return 0;
}

static int
mgr_register(struct mgr_ctx *ctx, const struct onvm_msg_req *req,
	     struct onvm_msg_rep *rep)
{
	struct onvm_shm *shm = ctx->shm;
	struct onvm_nf_slot *nf;
	uint16_t slot;
	int id;

	if (req->service_id == 0 || req->service_id >= ONVM_MAX_SERVICES)
		return -EINVAL;
	if (__atomic_load_n(&shm->mgr_state, __ATOMIC_ACQUIRE) ==
	    ONVM_MGR_STOPPING)
		return -ESHUTDOWN;
	if (req->instance_id > 0) {
		id = req->instance_id;
		if (mgr_instance_taken(ctx, id))
			return -EEXIST;
	} else {
		for (id = 1; mgr_instance_taken(ctx, id); id++)
			;
	}
	for (slot = 0; slot < ctx->opts.max_nfs; slot++)
		if (shm->nf[slot].state == ONVM_NF_FREE)
			break;
	if (slot == ctx->opts.max_nfs ||
	    shm->svc[req->service_id].n == ONVM_MAX_INSTANCES)
		return -ENOSPC;

	nf = &shm->nf[slot];
	nf->pid = req->pid;
	nf->service_id = req->service_id;
	nf->instance_id = (uint16_t)id;
	nf->cpu = req->cpu;
	nf->start_ns = req->start_ns;
	nf->reg_ns = onvm_now_ns();
	nf->stop_req = 0;
	/* Before the slot is published: producers read it without order. */
	nf->sleepy = (shm->flags & ONVM_F_SHARED_CORE) ||
		     (req->flags & ONVM_REQ_SHARED_CORE);
	nf->sleeping = 0;
	__atomic_fetch_and(&shm->bp_mask, ~(UINT64_C(1) << slot),
			   __ATOMIC_RELEASE);
	memcpy(nf->tag, req->tag, sizeof(nf->tag));
	memcpy(nf->name, req->name, sizeof(nf->name));
	nf->tag[sizeof(nf->tag) - 1] = '\0';
	nf->name[sizeof(nf->name) - 1] = '\0';
	memset(&nf->nf, 0, sizeof(nf->nf));
	memset(&nf->held, 0, sizeof(nf->held));
	/* Left over by a feeder that was stalled when the last NF here
	 * went: not for this NF. */
	ctx->ctl_st.drop[MGR_DROP_NF_GONE] += mgr_free_mbufs(nf->in_ring);
	__atomic_store_n(&nf->state, ONVM_NF_RUNNING, __ATOMIC_RELEASE);
	onvm_svc_add(&shm->svc[req->service_id], slot);
	mgr_svc_publish(ctx, req->service_id);
	/* before any NF may feed it: parked packets go to its in_ring */
	mgr_scale_registered(ctx, slot);
	mgr_edges_update(ctx);
	mgr_watch_add(ctx, slot);

	rep->slot = slot;
	rep->instance_id = (uint16_t)id;
	MGR_LOG(INFO, "NF %s registered: service %u, instance %d, pid %d, "
		"slot %u%s%s, %.1f ms after its start", nf->name,
		nf->service_id, id, nf->pid, slot, nf->tag[0] ? ", tag " : "",
		nf->tag, (nf->reg_ns - nf->start_ns) / 1e6);
	return 0;
}

/* A flow rule from an NF (onvm_nf_flow_add(), onvm_nf_flow_del()). */
static void
mgr_ipc_flow(struct mgr_ctx *ctx, const struct rte_mp_msg *msg,
	     struct onvm_msg_flow_rep *rep)
{
	struct onvm_msg_flow req;

	if (msg->len_param < (int)sizeof(req)) {
		rep->rc = -EPROTO;
		snprintf(rep->err, sizeof(rep->err), "short message");
		return;
	}
	memcpy(&req, msg->param, sizeof(req));
	req.text[sizeof(req.text) - 1] = '\0';
	if (req.slot >= ctx->opts.max_nfs ||
	    __atomic_load_n(&ctx->shm->nf[req.slot].pid, __ATOMIC_ACQUIRE) !=
	    req.pid) {
		rep->rc = -ENOENT;
		snprintf(rep->err, sizeof(rep->err), "not a registered NF");
		return;
	}
	if (req.op == ONVM_MSG_FLOW_ADD)
		rep->rc = mgr_flow_rule_add(ctx, req.text, rep->err,
					    sizeof(rep->err));
	else
		rep->rc = mgr_flow_rule_del(ctx, req.text, rep->err,
					    sizeof(rep->err));
	if (rep->rc == 0)
		MGR_LOG(INFO, "NF %s (pid %d): flow rule %s: %s",
			ctx->shm->nf[req.slot].name, req.pid,
			req.op == ONVM_MSG_FLOW_ADD ? "added" : "removed",
			req.text);
}

static int
mgr_ipc(const struct rte_mp_msg *msg, const void *peer)
{
	struct mgr_ctx *ctx = mgr_ipc_ctx;
	struct onvm_msg_req req;
	struct onvm_msg_rep rep;
	struct onvm_msg_flow_rep frep;
	struct rte_mp_msg out;
	uint32_t hdr[2];

	memset(&rep, 0, sizeof(rep));
	memset(&frep, 0, sizeof(frep));
	memset(&out, 0, sizeof(out));
	snprintf(out.name, sizeof(out.name), "%s", ONVM_MP_ACTION);
	if (msg->len_param < (int)sizeof(hdr)) {
		rep.rc = -EPROTO;
		goto reply;
	}
	memcpy(hdr, msg->param, sizeof(hdr));
	if (hdr[1] != ONVM_SHM_VERSION) {
		rep.rc = -EPROTO;
		goto reply;
	}
	if (hdr[0] == ONVM_MSG_FLOW_ADD || hdr[0] == ONVM_MSG_FLOW_DEL) {
		/* Not under reg_lock: the flow table has a lock of its own. */
		mgr_ipc_flow(ctx, msg, &frep);
		out.len_param = sizeof(frep);
		memcpy(out.param, &frep, sizeof(frep));
		return rte_mp_reply(&out, peer);
	}
	if (msg->len_param < (int)sizeof(req)) {
		rep.rc = -EPROTO;
		goto reply;
	}
	memcpy(&req, msg->param, sizeof(req));
	pthread_mutex_lock(&ctx->reg_lock);
	switch (req.op) {
	case ONVM_MSG_REGISTER:
		rep.rc = mgr_register(ctx, &req, &rep);
		break;
	case ONVM_MSG_UNREGISTER:
		if (req.slot >= ctx->opts.max_nfs ||
		    ctx->shm->nf[req.slot].pid != req.pid)
			rep.rc = -ENOENT;
		else {
			mgr_note_leaving(ctx, req.pid);
			rep.rc = mgr_nf_reclaim(ctx, req.slot, "left");
		}
		break;
	case ONVM_MSG_QUIESCE:
		if (req.slot >= ctx->opts.max_nfs ||
		    ctx->shm->nf[req.slot].pid != req.pid)
			rep.rc = -ENOENT;
		else
			rep.rc = mgr_nf_quiesce(ctx, req.slot);
		break;
	case ONVM_MSG_SCALE_OUT:
		if (req.slot >= ctx->opts.max_nfs ||
		    ctx->shm->nf[req.slot].pid != req.pid ||
		    ctx->shm->nf[req.slot].state != ONVM_NF_RUNNING)
			rep.rc = -ENOENT;
		else
			rep.rc = mgr_scale_request(ctx, req.slot);
		break;
	default:
		rep.rc = -EPROTO;
		break;
	}
	pthread_mutex_unlock(&ctx->reg_lock);
reply:
	out.len_param = sizeof(rep);
	memcpy(out.param, &rep, sizeof(rep));
	return rte_mp_reply(&out, peer);
}

int
mgr_registry_init(struct mgr_ctx *ctx)
{
	static const struct rte_mbuf_dynfield meta_desc = {
		.name = ONVM_PKT_META_NAME,
		.size = sizeof(struct onvm_pkt_meta),
		.align = __alignof__(struct onvm_pkt_meta),
	};
	const struct rte_memzone *mz;
	struct onvm_shm *shm;
	size_t sz;
	uint16_t i;
	int off;

	mz = rte_memzone_reserve(ONVM_MZ_SHM, sizeof(*shm), rte_socket_id(),
				 RTE_MEMZONE_2MB | RTE_MEMZONE_SIZE_HINT_ONLY);
	if (mz == NULL) {
		mgr_fail(ctx, "cannot reserve shared tables: %s",
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	shm = mz->addr;
	memset(shm, 0, sizeof(*shm));
	for (i = 0; i < ONVM_MAX_SERVICES; i++)
		memset(shm->svc[i].lut, ONVM_LUT_NONE, sizeof(shm->svc[i].lut));
	ctx->shm = shm;

	off = rte_mbuf_dynfield_register(&meta_desc);
	if (off < 0) {
		mgr_fail(ctx, "cannot register the mbuf metadata field: %s",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	onvm_pkt_meta_offset = off;

	sz = rte_rcu_qsbr_get_memsize(ctx->nb_lcores);
	ctx->qsbr = rte_zmalloc("onvm_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (ctx->qsbr == NULL ||
	    rte_rcu_qsbr_init(ctx->qsbr, ctx->nb_lcores) < 0) {
		mgr_fail(ctx, "cannot set up RCU state");
		return -ENOMEM;
	}
	for (i = 0; i < ctx->opts.max_nfs; i++)
		if (mgr_ring_pair(ctx, i) < 0)
			return -ENOMEM;

	pthread_mutex_init(&ctx->reg_lock, NULL);
	shm->meta_offset = off;
	shm->ring_size = ctx->opts.ring_size;
	shm->nb_ports = ctx->nb_ports;
	shm->flags = (ctx->opts.nf_tx ? ONVM_F_NF_TX : 0) |
		     (ctx->opts.shared_core ? ONVM_F_SHARED_CORE : 0) |
		     (ctx->opts.nf_rx ? ONVM_F_NF_RX : 0);
	shm->rx_owner = ONVM_RX_MGR;
	ctx->rx_granted = -1;
	/* Every rx ring has the same capacity. */
	if (onvm_bp_marks(rte_ring_get_capacity(shm->nf[0].rx_ring),
			  ctx->opts.bp_high, ctx->opts.bp_low, &shm->bp_high,
			  &shm->bp_low) < 0) {
		mgr_fail(ctx, "bad backpressure watermarks %u%%/%u%% for rings "
			 "of %u", ctx->opts.bp_high, ctx->opts.bp_low,
			 ctx->opts.ring_size);
		return -EINVAL;
	}
	shm->bp_mask = 0;
	ctx->ring_cap = rte_ring_get_capacity(shm->nf[0].rx_ring);
	ctx->bp_high = shm->bp_high;
	shm->tsc_hz = rte_get_tsc_hz();
	shm->mgr_pid = getpid();
	shm->mgr_state = ONVM_MGR_STARTING;
	shm->version = ONVM_SHM_VERSION;
	/* Last: an NF that sees the magic sees everything above. */
	__atomic_store_n(&shm->magic, ONVM_SHM_MAGIC, __ATOMIC_RELEASE);

	mgr_ipc_ctx = ctx;
	if (rte_mp_action_register(ONVM_MP_ACTION, mgr_ipc) < 0) {
		mgr_fail(ctx, "cannot register the IPC action: %s",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

void
mgr_registry_fini(struct mgr_ctx *ctx)
{
	rte_mp_action_unregister(ONVM_MP_ACTION);
	(void)ctx;
}

/* Notice NFs that died without deregistering, and reclaim their rings. */
void
mgr_check_nfs(struct mgr_ctx *ctx)
{
	struct onvm_nf_slot *nf;
	uint16_t i;

	pthread_mutex_lock(&ctx->reg_lock);
	for (i = 0; i < ctx->opts.max_nfs; i++) {
		nf = &ctx->shm->nf[i];
		/* A fallback: the watcher's pidfds see deaths at once. */
		if (nf->state != ONVM_NF_FREE && nf->pid > 0 &&
		    kill(nf->pid, 0) < 0 && errno == ESRCH)
			mgr_nf_died(ctx, i);
	}
	mgr_edges_update(ctx);
	pthread_mutex_unlock(&ctx->reg_lock);
}

unsigned int
mgr_nb_nfs(struct mgr_ctx *ctx)
{
	unsigned int i, n = 0;

	for (i = 0; i < ctx->opts.max_nfs; i++)
		n += __atomic_load_n(&ctx->shm->nf[i].state,
				     __ATOMIC_ACQUIRE) != ONVM_NF_FREE;
	return n;
}

/* Does every service of the default chain, and of the chains that flow
 * rules name, have an instance? If not, list the missing ones. */
int
mgr_chain_ready(struct mgr_ctx *ctx, char *missing, size_t len)
{
	uint8_t want[ONVM_MAX_SERVICES] = { 0 };
	const struct onvm_chain *c;
	size_t off = 0;
	int ready = 1;
	unsigned int id, sid;
	uint8_t i;

	/* The default chain and every chain a flow rule names (--flow). */
	pthread_mutex_lock(&ctx->flow->lock);
	for (id = 0; id < ONVM_MAX_CHAINS; id++) {
		if (ctx->flow->chain_refs[id] == 0)
			continue;
		c = onvm_chain_of(ctx->shm, (uint16_t)id);
		for (i = 0; i < c->len; i++)
			want[c->sid[i] % ONVM_MAX_SERVICES] = 1;
	}
	pthread_mutex_unlock(&ctx->flow->lock);
	missing[0] = '\0';
	for (sid = 0; sid < ONVM_MAX_SERVICES; sid++) {
		if (!want[sid] || __atomic_load_n(&ctx->shm->svc[sid].n,
						  __ATOMIC_ACQUIRE) > 0 ||
		    mgr_scale_on_demand(ctx, (uint16_t)sid))
			continue;
		ready = 0;
		if (off < len)
			off += snprintf(missing + off, len - off, "%s%u",
					off ? "," : "", sid);
	}
	return ready;
}

/* After the data lcores stopped: free whatever is left in any ring. */
void
mgr_drain_all(struct mgr_ctx *ctx)
{
	unsigned int freed = 0;
	uint16_t i;

	for (i = 0; i < ctx->opts.max_nfs; i++) {
		freed += mgr_free_mbufs(ctx->shm->nf[i].rx_ring);
		freed += mgr_free_mbufs(ctx->shm->nf[i].tx_ring);
		freed += mgr_free_mbufs(ctx->shm->nf[i].in_ring);
	}
	ctx->ctl_st.drop[MGR_DROP_NF_GONE] += freed;
	if (freed)
		MGR_LOG(INFO, "freed %u packet(s) left in NF rings", freed);
}
