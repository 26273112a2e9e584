/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* NF control path: build the EAL arguments of a secondary, check that a
 * manager is there, attach, register, watch the manager, deregister. */

#include <errno.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf_dyn.h>
#include <rte_memzone.h>
#include <rte_mempool.h>

#include "nf_internal.h"
#include "onvm_args.h"
#include "onvm_msg.h"
#include "onvm_runtime.h"

RTE_LOG_REGISTER(nf_logtype, onvm.nf, INFO);

#define NF_CHECK_MS 10		/* manager checks between bursts */
#define NF_MGR_SILENT_MS 1000	/* heartbeat silence before we look closer */

/* One NF per process: the signal handler needs to find it. */
static struct onvm_nf *nf_self;

static void
nf_on_signal(int sig __rte_unused)
{
	if (nf_self != NULL)
		nf_self->stop = 1;
}

/* The vdev bus's IPC action (DPDK's VDEV_MP_KEY, stable since 18.05). */
#define NF_VDEV_MP_KEY "bus_vdev_mp"

static int
nf_ignore_vdev(const struct rte_mp_msg *msg __rte_unused,
	       const void *peer __rte_unused)
{
	return 0;
}

/* NFs never touch ports: the manager does all port I/O. But a secondary's
 * EAL probes every vdev of the primary, and some PMDs re-open their files
 * when probed in a secondary: net_pcap truncates the manager's tx_pcap
 * file. Registering the vdev bus's IPC action before the EAL does makes
 * the bus ignore the primary's device list (it tolerates EEXIST), so the
 * NF attaches to memory and rings only. */
static void
nf_hide_primary_vdevs(void)
{
	if (rte_mp_action_register(NF_VDEV_MP_KEY, nf_ignore_vdev) < 0)
		NF_LOG(DEBUG, "cannot hide the primary's vdevs: %s",
		       rte_strerror(rte_errno));
}

/* Open the manager's port @p p in this process (the vdev bus was hidden
 * at EAL start, see above). @return 0, or -1 if it cannot be used here:
 * then the manager keeps doing @p what on it (said in the log). */
static int
nf_port_open(const struct onvm_port_info *pi, uint16_t p, const char *what)
{
	uint16_t id;
	int rc;

	if (!onvm_port_driver_shared(pi->driver)) {
		NF_LOG(INFO, "port %u (%s): %s ports are %s by the manager", p,
		       pi->name, pi->driver, what);
		return -1;
	}
	rc = rte_vdev_init(pi->name, NULL);
	if ((rc < 0 && rc != -EEXIST) ||
	    rte_eth_dev_get_port_by_name(pi->name, &id) != 0 || id != p) {
		NF_LOG(WARNING, "port %u (%s): cannot open it here (%s); it is "
		       "%s by the manager", p, pi->name,
		       rc < 0 && rc != -EEXIST ? strerror(-rc) :
		       "port id differs", what);
		return -1;
	}
	return 0;
}

/* --nf-tx: take this slot's tx queue on each port we can open. A port
 * that cannot be used stays with the manager's tx path. */
static void
nf_tx_setup(struct onvm_nf *nf)
{
	const struct onvm_shm *shm = nf->shm;
	const struct onvm_port_info *pi;
	uint16_t p, q;
	int n = 0;

	nf->nb_ports = shm->nb_ports;
	for (p = 0; p < ONVM_MAX_PORTS; p++)
		nf->txq[p] = NF_NO_TXQ;
	if (!(shm->flags & ONVM_F_NF_TX))
		return;
	for (p = 0; p < shm->nb_ports && p < ONVM_MAX_PORTS; p++) {
		pi = &shm->port[p];
		q = (uint16_t)(pi->nf_txq_base + nf->slot_idx);
		if (nf_port_open(pi, p, "sent to") < 0)
			continue;
		if (q >= pi->nb_txq) {
			NF_LOG(INFO, "port %u (%s): no tx queue for slot %u; "
			       "the manager sends", p, pi->name, nf->slot_idx);
			continue;
		}
		nf->txq[p] = q;
		n++;
	}
	nf->direct_tx = n > 0;
	NF_LOG(INFO, "--nf-tx: this NF transmits itself on %d of %u port(s)",
	       n, shm->nb_ports);
}

/* --nf-rx: open every port, so that the manager may hand us all their rx
 * queues while we head the default chain (shm->rx_owner). All or none:
 * one port we cannot open keeps them all with the manager. */
static void
nf_rx_setup(struct onvm_nf *nf)
{
	const struct onvm_shm *shm = nf->shm;
	const struct onvm_port_info *pi;
	uint16_t p, q;

	nf->nb_rxq = 0;
	nf->rx_next = 0;
	if (!(shm->flags & ONVM_F_NF_RX))
		return;
	for (p = 0; p < shm->nb_ports && p < ONVM_MAX_PORTS; p++) {
		pi = &shm->port[p];
		if (nf_port_open(pi, p, "received from") < 0) {
			nf->nb_rxq = 0;
			return;
		}
		for (q = 0; q < pi->nb_rxq; q++) {
			if (nf->nb_rxq == NF_MAX_RXQ) {
				NF_LOG(WARNING, "--nf-rx: more than %d rx "
				       "queues; the manager receives",
				       NF_MAX_RXQ);
				nf->nb_rxq = 0;
				return;
			}
			nf->rxq_port[nf->nb_rxq] = p;
			nf->rxq_id[nf->nb_rxq++] = q;
		}
	}
	__atomic_store_n(&nf->slot->nf.rx_ready, 1, __ATOMIC_RELEASE);
	NF_LOG(INFO, "--nf-rx: this NF can poll the %u rx queue(s) of %u "
	       "port(s) itself while it heads the default chain", nf->nb_rxq,
	       shm->nb_ports);
}

static int
nf_request(struct onvm_nf *nf, const struct onvm_msg_req *req,
	   struct onvm_msg_rep *rep)
{
	struct rte_mp_msg msg;
	struct rte_mp_reply reply;
	struct timespec ts = { .tv_sec = ONVM_MSG_TIMEOUT_MS / 1000,
			       .tv_nsec = (ONVM_MSG_TIMEOUT_MS % 1000) * 1000000L };
	int rc;

	memset(&msg, 0, sizeof(msg));
	snprintf(msg.name, sizeof(msg.name), "%s", ONVM_MP_ACTION);
	msg.len_param = sizeof(*req);
	memcpy(msg.param, req, sizeof(*req));
	memset(&reply, 0, sizeof(reply));
	if (rte_mp_request_sync(&msg, &reply, &ts) < 0 ||
	    reply.nb_received != 1) {
		free(reply.msgs);
		return -ETIMEDOUT;
	}
	if (reply.msgs[0].len_param < (int)sizeof(*rep)) {
		rc = -EPROTO;
	} else {
		memcpy(rep, reply.msgs[0].param, sizeof(*rep));
		rc = 0;
	}
	(void)nf;
	free(reply.msgs);
	return rc;
}

static const char *
nf_reg_error(int rc)
{
	switch (rc) {
	case -EEXIST:
		return "that instance id is already in use";
	case -ENOSPC:
		return "no free NF slot, or the service has its maximum of instances";
	case -ESHUTDOWN:
		return "the manager is shutting down";
	case -EPROTO:
		return "the manager runs a different onvm version";
	case -ETIMEDOUT:
		return "the manager did not answer";
	default:
		return strerror(-rc);
	}
}

/* Check what the manager published against what this process sees. */
static int
nf_check_manager(struct onvm_nf *nf)
{
	struct onvm_shm *shm = nf->shm;
	struct rte_mempool *mp;
	int off;

	if (shm->magic != ONVM_SHM_MAGIC || shm->version != ONVM_SHM_VERSION) {
		fprintf(stderr, "%s: the manager on file prefix \"%s\" runs a "
			"different onvm version (shared layout %u, ours %u)\n",
			nf->prog, nf->prefix, shm->version, ONVM_SHM_VERSION);
		return -EPROTO;
	}
	off = rte_mbuf_dynfield_lookup(ONVM_PKT_META_NAME, NULL);
	if (off < 0 || off != shm->meta_offset) {
		fprintf(stderr, "%s: packet metadata field not found\n",
			nf->prog);
		return -EPROTO;
	}
	onvm_pkt_meta_offset = off;
	/* DPDK bug 1073: mempool ops are numbered per process. Same name or
	 * we would corrupt the pool. */
	mp = rte_mempool_lookup(shm->pool_name[0]);
	if (mp == NULL || strcmp(rte_mempool_get_ops(mp->ops_index)->name,
				 shm->pool_ops) != 0) {
		fprintf(stderr, "%s: mempool ops differ from the manager's (%s); "
			"link the NF with the same DPDK libraries as onvm-mgr\n",
			nf->prog, shm->pool_ops);
		return -EPROTO;
	}
	nf->pool = mp;
	return 0;
}

/* The one CPU this thread may run on, or -1 if it may float. */
static int
nf_pinned_cpu(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) != 0 ||
	    CPU_COUNT(&set) != 1)
		return -1;
	return sched_getcpu();
}

/* Does another live NF share our CPU? Then the loop yields now and then
 * even when busy, or an upstream NF that always has packets would starve
 * us of the core for whole scheduler slices. */
static int
nf_cpu_shared(const struct onvm_nf *nf)
{
	const struct onvm_nf_slot *s;
	uint16_t i;

	if (nf->slot->cpu < 0)
		return 0;
	for (i = 0; i < ONVM_MAX_NFS; i++) {
		s = &nf->shm->nf[i];
		if (s != nf->slot && s->cpu == nf->slot->cpu &&
		    __atomic_load_n(&s->state, __ATOMIC_ACQUIRE) ==
			    ONVM_NF_RUNNING)
			return 1;
	}
	return 0;
}

static int
nf_register(struct onvm_nf *nf, const struct onvm_nf_args *a)
{
	struct onvm_msg_req req;
	struct onvm_msg_rep rep;
	int rc;

	memset(&req, 0, sizeof(req));
	req.op = ONVM_MSG_REGISTER;
	req.shm_version = ONVM_SHM_VERSION;
	req.pid = getpid();
	req.service_id = (uint16_t)a->service_id;
	req.instance_id = a->instance_id;
	req.start_ns = nf->start_ns;
	req.cpu = (int16_t)nf_pinned_cpu();
	req.flags = a->shared_core ? ONVM_REQ_SHARED_CORE : 0;
	snprintf(req.tag, sizeof(req.tag), "%s", a->tag);
	snprintf(req.name, sizeof(req.name), "%s", nf->name);
	rc = nf_request(nf, &req, &rep);
	if (rc == 0)
		rc = rep.rc;
	if (rc < 0) {
		fprintf(stderr, "%s: registration for service %d refused: %s\n",
			nf->prog, a->service_id, nf_reg_error(rc));
		return rc;
	}
	nf->slot_idx = rep.slot;
	nf->instance_id = rep.instance_id;
	nf->service_id = (uint16_t)a->service_id;
	nf->slot = &nf->shm->nf[rep.slot];
	nf->rx = nf->slot->rx_ring;
	nf->tx = nf->slot->tx_ring;
	nf->in = nf->slot->in_ring;
	nf->sleepy = nf->slot->sleepy != 0;
	nf->bp_bit = UINT64_C(1) << rep.slot;
	nf->stuck_slot = NF_NO_SLOT;
	nf->stuck_cycles = rte_get_tsc_hz() / 1000 * NF_STUCK_MS;
	nf->registered = 1;
	return 0;
}

struct onvm_nf *
onvm_nf_start(int *argc, char ***argv, const char *name)
{
	static struct onvm_nf_args args; /* the EAL keeps pointers into it */
	const struct rte_memzone *mz;
	struct sigaction sa;
	struct onvm_nf *nf;
	char err[160];
	long ncpu;

	nf = calloc(1, sizeof(*nf));
	if (nf == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	nf->start_ns = onvm_now_ns();
	snprintf(nf->prog, sizeof(nf->prog), "%s", basename((*argv)[0]));
	snprintf(nf->name, sizeof(nf->name), "%s", name);

	/* Default: the last CPU, away from the manager's usual lcore 0. */
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (onvm_nf_args_parse(*argc, *argv, ncpu > 1 ? ncpu - 1 : 0, &args,
			       err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", nf->prog, err);
		goto fail;
	}
	snprintf(nf->prefix, sizeof(nf->prefix), "%s", args.prefix);
	if (!onvm_primary_alive(nf->prefix)) {
		fprintf(stderr, "%s: no manager on file prefix \"%s\" "
			"(is onvm-mgr running?)\n", nf->prog, nf->prefix);
		rte_errno = ENOTCONN;
		goto fail;
	}
	nf_hide_primary_vdevs();
	rte_errno = 0;
	if (rte_eal_init(args.eal_argc, args.eal_argv) < 0) {
		fprintf(stderr, "%s: cannot attach to the manager on file "
			"prefix \"%s\": %s\n", nf->prog, nf->prefix,
			rte_errno != 0 ? rte_strerror(rte_errno) :
			"see the EAL message above");
		goto fail;
	}
	nf->eal_up = 1;
	mz = rte_memzone_lookup(ONVM_MZ_SHM);
	if (mz == NULL) {
		fprintf(stderr, "%s: the DPDK primary on file prefix \"%s\" "
			"is not onvm-mgr\n", nf->prog, nf->prefix);
		rte_errno = ENOENT;
		goto fail;
	}
	nf->shm = mz->addr;
	if (nf_check_manager(nf) < 0 || nf_register(nf, &args) < 0) {
		rte_errno = EPROTO;
		goto fail;
	}
	nf_tx_setup(nf);
	nf_rx_setup(nf);
	/* Run without an lcore id: NFs on one CPU share the EAL's lcore id,
	 * and may share the manager's; so the mempool use of the NF's code
	 * (onvm_nf_pool()) goes past the per-lcore caches, never into one
	 * that another process also uses. Only our transmits (--nf-tx) free
	 * into a cache, under an lcore id that is this slot's alone. */
	nf->eal_lcore = rte_lcore_id();
	RTE_PER_LCORE(_lcore_id) = LCORE_ID_ANY;
	nf->cache_lcore = ONVM_NF_CACHE_LCORE(nf->slot_idx);
	nf->check_cycles = rte_get_tsc_hz() / 1000 * NF_CHECK_MS;
	nf->hb_seen = __atomic_load_n(&nf->shm->mgr_heartbeat, __ATOMIC_ACQUIRE);
	nf->hb_changed_tsc = rte_rdtsc();

	/* Fine-grained sleeps for the idle back-off. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	nf_self = nf;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = nf_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	NF_LOG(INFO, "%s: service %u instance %u (slot %u) on file prefix \"%s\"%s",
	       nf->name, nf->service_id, nf->instance_id, nf->slot_idx,
	       nf->prefix, nf->sleepy ? ", shared-core (sleeps when idle)" : "");
	*argc = args.nf_argc;
	*argv = args.nf_argv;
	return nf;
fail:
	onvm_nf_stop(nf);
	return NULL;
}

/* Give back what our transmits left in our mempool cache before we
 * deregister, so the manager's count of mbufs in use is right. Marked
 * like a transmit: killed halfway, the manager counts the rest lost
 * rather than free any twice (see struct onvm_nf_held). */
static void
nf_cache_flush(struct onvm_nf *nf)
{
	struct onvm_nf_held *h = &nf->slot->held;
	struct rte_mempool_cache *c;
	struct rte_mempool *mp;
	uint16_t i;

	__atomic_store_n(&h->cache_busy, 1, __ATOMIC_RELEASE);
	for (i = 0; i < nf->shm->nb_pools && i < RTE_MAX_NUMA_NODES; i++) {
		mp = rte_mempool_lookup(nf->shm->pool_name[i]);
		c = mp != NULL ? rte_mempool_default_cache(mp, nf->cache_lcore) :
				 NULL;
		if (c != NULL && c->len != 0)
			rte_mempool_cache_flush(c, mp);
	}
	__atomic_store_n(&h->cache_busy, 0, __ATOMIC_RELEASE);
}

int
nf_manager_alive(const struct onvm_nf *nf)
{
	return kill(nf->shm->mgr_pid, 0) == 0 || errno != ESRCH;
}

int
nf_housekeeping(struct onvm_nf *nf, uint64_t tsc)
{
	struct onvm_shm *shm = nf->shm;
	uint64_t hb;

	if (tsc < nf->next_check)
		return nf->exit_reason != NF_EXIT_NONE;
	nf->next_check = tsc + nf->check_cycles;
	__atomic_store_n(&nf->slot->nf.heartbeat, nf->slot->nf.heartbeat + 1,
			 __ATOMIC_RELAXED);

	if (__atomic_load_n(&shm->mgr_state, __ATOMIC_ACQUIRE) ==
	    ONVM_MGR_STOPPING) {
		nf->exit_reason = NF_EXIT_MGR_STOP;
		return 1;
	}
	if (__atomic_load_n(&nf->slot->stop_req, __ATOMIC_ACQUIRE)) {
		nf->exit_reason = NF_EXIT_MGR_ASKED;
		return 1;
	}
	hb = __atomic_load_n(&shm->mgr_heartbeat, __ATOMIC_ACQUIRE);
	if (hb != nf->hb_seen) {
		nf->hb_seen = hb;
		nf->hb_changed_tsc = tsc;
	} else if (tsc - nf->hb_changed_tsc >
		   nf->check_cycles / NF_CHECK_MS * NF_MGR_SILENT_MS) {
		if (!nf_manager_alive(nf)) {
			nf->exit_reason = NF_EXIT_MGR_DEAD;
			return 1;
		}
		nf->hb_changed_tsc = tsc; /* alive but slow: look again later */
	}
	nf->shared_cpu = nf_cpu_shared(nf);
	if (nf->tick != NULL && tsc >= nf->next_tick) {
		nf->next_tick = tsc + nf->tick_cycles;
		nf->tick(nf, onvm_now_ns());
	}
	return nf->stop;
}

void
onvm_nf_set_tick(struct onvm_nf *nf, onvm_tick_handler_t tick,
		 uint32_t period_ms)
{
	nf->tick = tick;
	nf->tick_cycles = rte_get_tsc_hz() / 1000 * (period_ms ? period_ms : 1);
	nf->next_tick = rte_rdtsc() + nf->tick_cycles;
}

void
onvm_nf_request_stop(struct onvm_nf *nf)
{
	nf->stop = 1;
}

static void
nf_msg_init(const struct onvm_nf *nf, struct onvm_msg_req *req, uint32_t op)
{
	memset(req, 0, sizeof(*req));
	req->op = op;
	req->shm_version = ONVM_SHM_VERSION;
	req->pid = getpid();
	req->service_id = nf->service_id;
	req->slot = nf->slot_idx;
}

int
nf_leave_service(struct onvm_nf *nf)
{
	struct onvm_msg_req req;
	struct onvm_msg_rep rep;
	int rc;

	if (!nf->registered || !nf_manager_alive(nf) ||
	    __atomic_load_n(&nf->shm->mgr_state, __ATOMIC_ACQUIRE) ==
		    ONVM_MGR_STOPPING)
		return -ENOTCONN;
	nf_msg_init(nf, &req, ONVM_MSG_QUIESCE);
	rc = nf_request(nf, &req, &rep);
	return rc < 0 ? rc : rep.rc;
}

int
onvm_nf_set_stop_handler(struct onvm_nf *nf, onvm_stop_handler_t handler,
			 void *arg)
{
	if (nf == NULL)
		return -EINVAL;
	nf->stop_handler = handler;
	nf->stop_arg = arg;
	return 0;
}

int
onvm_nf_scale_out(struct onvm_nf *nf)
{
	struct onvm_msg_req req;
	struct onvm_msg_rep rep;
	int rc;

	if (nf == NULL)
		return -EINVAL;
	if (!nf->registered || !nf_manager_alive(nf))
		return -ENOTCONN;
	nf_msg_init(nf, &req, ONVM_MSG_SCALE_OUT);
	rc = nf_request(nf, &req, &rep);
	return rc < 0 ? rc : rep.rc;
}

uint16_t
onvm_nf_instance_count(const struct onvm_nf *nf)
{
	if (nf == NULL || nf->shm == NULL || !nf->registered)
		return 0;
	return __atomic_load_n(&nf->shm->svc[nf->service_id].n,
			       __ATOMIC_ACQUIRE);
}

/* The NF's stop handler, once, before it deregisters. */
static void
nf_run_stop_handler(struct onvm_nf *nf)
{
	static const enum onvm_nf_stop_reason why[] = {
		[NF_EXIT_NONE] = ONVM_NF_STOP_REQUESTED,
		[NF_EXIT_REQUESTED] = ONVM_NF_STOP_REQUESTED,
		[NF_EXIT_MGR_STOP] = ONVM_NF_STOP_MGR_SHUTDOWN,
		[NF_EXIT_MGR_ASKED] = ONVM_NF_STOP_MGR_ASKED,
		[NF_EXIT_MGR_DEAD] = ONVM_NF_STOP_MGR_DEAD,
	};
	onvm_stop_handler_t h = nf->stop_handler;

	if (h == NULL || !nf->registered)
		return;
	nf->stop_handler = NULL;
	h(nf, why[nf->exit_reason], nf->stop_arg);
}

void
onvm_nf_stop(struct onvm_nf *nf)
{
	struct onvm_msg_req req;
	struct onvm_msg_rep rep;

	if (nf == NULL)
		return;
	nf_run_stop_handler(nf);
	switch (nf->exit_reason) {
	case NF_EXIT_MGR_DEAD:
		fprintf(stderr, "%s: manager (pid %d) died; exiting\n",
			nf->prog, nf->shm->mgr_pid);
		break;
	case NF_EXIT_MGR_STOP:
		fprintf(stderr, "%s: manager stopped; exiting\n", nf->prog);
		break;
	case NF_EXIT_MGR_ASKED:
		fprintf(stderr, "%s: stopped by the manager\n", nf->prog);
		break;
	default:
		break;
	}
	if (nf->registered)
		nf_cache_flush(nf);
	if (nf->registered && nf->exit_reason != NF_EXIT_MGR_DEAD &&
	    nf_manager_alive(nf)) {
		nf_msg_init(nf, &req, ONVM_MSG_UNREGISTER);
		if (nf_request(nf, &req, &rep) < 0 || rep.rc < 0)
			NF_LOG(WARNING, "deregistration not confirmed");
	}
	if (nf_self == nf)
		nf_self = NULL;
	if (nf->eal_up) {
		if (nf->registered)
			RTE_PER_LCORE(_lcore_id) = nf->eal_lcore;
		rte_eal_cleanup();
	}
	free(nf);
}

struct rte_mempool *
onvm_nf_pool(const struct onvm_nf *nf)
{
	return nf->pool;
}

uint16_t
onvm_nf_service_id(const struct onvm_nf *nf)
{
	return nf->service_id;
}

uint16_t
onvm_nf_instance_id(const struct onvm_nf *nf)
{
	return nf->instance_id;
}

const char *
onvm_nf_name(const struct onvm_nf *nf)
{
	return nf->name;
}

uint16_t
onvm_nf_port_count(const struct onvm_nf *nf)
{
	return nf->shm->nb_ports;
}

void
onvm_nf_set_data(struct onvm_nf *nf, void *data)
{
	nf->data = data;
}

void *
onvm_nf_data(const struct onvm_nf *nf)
{
	return nf->data;
}
