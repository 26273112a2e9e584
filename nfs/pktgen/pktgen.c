/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/*
 * onvm-pktgen: a traffic generator that is its own DPDK primary. It sends
 * stamped UDP/TCP frames on one port and receives them back on the same or
 * another, and reports rates, loss, reordering and latency. It reaches the
 * manager through a PMD that crosses processes (net_memif: see README.md).
 *
 * This file is the control path: options, EAL, pools, ports, the phases
 * (path check, probe, run; each ends with a drain), the live line, the
 * summary and the clean-up. The data path is pktgen_dp.c. With --nf it is
 * an NF of the manager instead (pktgen_nf.c), and shares the phases.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_random.h>

#include <onvm_nf.h>
#include <onvm_runtime.h>

#include "pktgen.h"

RTE_LOG_REGISTER(pg_logtype, onvm.pktgen, INFO);

#define PG_NB_MBUFS 8191	/* per pool: descriptors, bursts and cache */
#define PG_MBUF_CACHE 256
#define PG_NB_DESC 1024

static volatile sig_atomic_t pg_stop_req; /* 1: stop sending; 2: stop now */

static void
pg_on_signal(int sig)
{
	(void)sig;
	if (pg_stop_req < 2)
		pg_stop_req++;
}

/*
 * SIGINT and SIGTERM: a first one stops sending (the drain goes on), a
 * second one the drain. In NF mode this replaces the NF library's handler,
 * so that a signal does not make us leave the service (and lose what is on
 * its way back) before the drain.
 */
void
pg_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pg_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/*
 * 0: go on; 1: stop sending, drain; 2: stop now (a second signal, or in NF
 * mode the library said stop: the manager stops, asked us to go, or died).
 */
int
pg_stopping(const struct pg_ctx *c)
{
	if (c->nf_exit != 0)
		return 2;
	return (int)pg_stop_req;
}

/* ---------------------------------------------------------------- clean-up */

/*
 * A primary leaves its hugepage files (<hugetlbfs>/<prefix>map_*) and its
 * runtime directory behind even after rte_eal_cleanup(); remove them, as
 * onvm-mgr does for its own prefix. @p rundir is rte_eal_get_runtime_dir(),
 * whose last component is the file prefix.
 */
static void
pg_remove_prefix_files(const char *rundir)
{
	const char *prefix = strrchr(rundir, '/');
	unsigned int n;

	prefix = prefix != NULL ? prefix + 1 : rundir;
	n = onvm_prefix_files(prefix, 1, NULL);
	if (n)
		PG_LOG(DEBUG, "removed %u hugepage file(s) of prefix \"%s\"", n,
		       prefix);
}

/*
 * After a failed rte_eal_init(): may the prefix's files go? Not if another
 * process (a primary already running on this prefix, the usual reason to
 * fail) holds the lock on its config file.
 */
static int
pg_prefix_unused(const char *rundir)
{
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char path[PATH_MAX];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/config", rundir);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return errno == ENOENT;
	ok = fcntl(fd, F_SETLK, &lk) == 0;
	close(fd);
	return ok;
}

/* ---------------------------------------------------------------- set-up */

static void
pg_zero_mbuf(struct rte_mempool *mp, void *opaque, void *obj, unsigned int i)
{
	struct rte_mbuf *m = obj;

	(void)mp;
	(void)opaque;
	(void)i;
	/* pg_build() writes headers and stamp; the rest stays zero for good */
	memset(m->buf_addr, 0, m->buf_len);
}

static int
pg_pools_create(struct pg_ctx *c, struct rte_mempool **tx_pool,
		struct rte_mempool **rx_pool, char *err, size_t errlen)
{
	int socket = (int)rte_socket_id();

	*tx_pool = rte_pktmbuf_pool_create("pg_tx", PG_NB_MBUFS, PG_MBUF_CACHE,
					   0, RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (*tx_pool != NULL)
		*rx_pool = rte_pktmbuf_pool_create("pg_rx", PG_NB_MBUFS,
						   PG_MBUF_CACHE, 0,
						   RTE_MBUF_DEFAULT_BUF_SIZE,
						   socket);
	if (*tx_pool == NULL || *rx_pool == NULL) {
		snprintf(err, errlen, "cannot create a mempool of %u mbufs: %s "
			 "(free hugepages?)", PG_NB_MBUFS,
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	rte_mempool_obj_iter(*tx_pool, pg_zero_mbuf, NULL);
	(void)c;
	return 0;
}

static void
pg_port_name(uint16_t port, char *name, size_t len)
{
	if (rte_eth_dev_get_name_by_port(port, name) != 0)
		snprintf(name, len, "port%u", port);
}

static int
pg_port_is_memif(uint16_t port)
{
	struct rte_eth_dev_info info;

	return rte_eth_dev_info_get(port, &info) == 0 &&
	       info.driver_name != NULL &&
	       strcmp(info.driver_name, "net_memif") == 0;
}

/* Queues of @p port: one RX (into @p pool) and one TX. */
static int
pg_port_config(uint16_t port, struct rte_mempool *pool, char *err,
	       size_t errlen)
{
	struct rte_eth_conf conf;
	uint16_t nb_rxd = PG_NB_DESC, nb_txd = PG_NB_DESC;
	char name[RTE_ETH_NAME_MAX_LEN];
	int rc, socket = rte_eth_dev_socket_id(port);

	if (socket < 0)
		socket = (int)rte_socket_id();
	pg_port_name(port, name, sizeof(name));
	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_configure(port, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(port, 0, nb_rxd, socket, NULL, pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(port, 0, nb_txd, socket, NULL);
	if (rc == 0) {
		rc = rte_eth_promiscuous_enable(port);
		if (rc == -ENOTSUP)
			rc = 0;
	}
	if (rc < 0) {
		snprintf(err, errlen, "port %u (%s): cannot set up: %s", port,
			 name, strerror(-rc));
		return rc;
	}
	return 0;
}

/*
 * Start @p port. A memif client's start fails while no server listens on
 * its socket: try again every 100 ms until @p end (TSC), so that pktgen
 * may be started before onvm-mgr.
 */
static int
pg_port_start(struct pg_ctx *c, uint16_t port, uint64_t end, char *err,
	      size_t errlen)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	char name[RTE_ETH_NAME_MAX_LEN];
	int rc, memif = pg_port_is_memif(port), said = 0, logtype = -1, level = 0;

	pg_port_name(port, name, sizeof(name));
	for (;;) {
		rc = rte_eth_dev_start(port);
		if (rc == 0 || !memif || pg_stop_req || rte_rdtsc() >= end)
			break;
		if (!said++) {
			PG_LOG(INFO, "port %u (%s): no memif server yet; trying "
			       "again for up to %.1f s", port, name,
			       c->o.link_wait_s);
			/* memif logs each failed connect: once is enough */
			logtype = rte_log_register("pmd.net.memif");
			if (logtype >= 0) {
				level = rte_log_get_level(logtype);
				rte_log_set_level(logtype, RTE_LOG_CRIT);
			}
		}
		nanosleep(&ts, NULL);
	}
	if (logtype >= 0 && level > 0)
		rte_log_set_level(logtype, (uint32_t)level);
	if (rc == 0)
		return 0;
	if (pg_stop_req)
		snprintf(err, errlen, "interrupted while starting port %u (%s)",
			 port, name);
	else if (memif)
		snprintf(err, errlen, "port %u (%s): no memif server on its "
			 "socket after %.1f s (is onvm-mgr running with "
			 "--vdev net_memif0,role=server,socket=<the same path>?)",
			 port, name, c->o.link_wait_s);
	else
		snprintf(err, errlen, "port %u (%s): cannot start: %s", port,
			 name, strerror(-rc));
	return rc < 0 ? rc : -EIO;
}

static int
pg_link_up(uint16_t port)
{
	struct rte_eth_link link;

	memset(&link, 0, sizeof(link));
	return rte_eth_link_get_nowait(port, &link) == 0 && link.link_status;
}

/*
 * Wait (polling, with a deadline) for the ports' link. A memif client that
 * connected while the server's port was not started yet is turned away and
 * never tries again by itself: a memif port still down 1 s after its start
 * is stopped and started again (a new connection), until @p end.
 */
static int
pg_wait_link(struct pg_ctx *c, const uint16_t *ports, int nports,
	     uint64_t end, char *err, size_t errlen)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	char name[RTE_ETH_NAME_MAX_LEN];
	uint64_t now, again = rte_rdtsc() + c->hz;
	uint16_t down = 0;
	int i, rc;

	for (;;) {
		for (i = 0; i < nports; i++)
			if (!pg_link_up(ports[i]))
				break;
		if (i == nports)
			return 0;
		down = ports[i];
		if (pg_stop_req) {
			snprintf(err, errlen, "interrupted while waiting for "
				 "the link");
			return -EINTR;
		}
		now = rte_rdtsc();
		if (now >= end)
			break;
		if (now >= again && pg_port_is_memif(down)) {
			PG_LOG(DEBUG, "port %u: link down 1 s after start; "
			       "connecting again", down);
			rte_eth_dev_stop(down);
			rc = pg_port_start(c, down, end, err, errlen);
			if (rc < 0)
				return rc;
			again = rte_rdtsc() + c->hz;
		}
		nanosleep(&ts, NULL);
	}
	pg_port_name(down, name, sizeof(name));
	snprintf(err, errlen, "port %u (%s): link still down after %.1f s (is "
		 "the other side up? memif: one side role=server, the other "
		 "role=client, on the same socket and id)", down, name,
		 c->o.link_wait_s);
	return -ETIMEDOUT;
}

/*
 * The TX and RX state for the options in c->o; frames come from @p tx_pool.
 * In NF mode (c->tx.nf set first) there is no port: the source MAC is a
 * fixed local one.
 */
int
pg_ctx_init(struct pg_ctx *c, struct rte_mempool *tx_pool,
	    const struct pg_pcap *pcap, char *err, size_t errlen)
{
	static const uint8_t dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const struct rte_ether_addr nf_mac = {
		.addr_bytes = { 0x02, 0, 0, 0, 0, 0x02 } };
	struct rte_ether_addr src;
	struct pg_tx *t = &c->tx;
	struct pg_rx *r = &c->rx;

	if (t->nf != NULL)
		src = nf_mac;
	else if (rte_eth_macaddr_get(c->o.tx_port, &src) != 0)
		memset(&src, 0, sizeof(src));
	t->pool = tx_pool;
	t->port = c->o.tx_port;
	t->burst = c->o.burst;
	t->flows = c->o.flows;
	t->proto = c->o.proto;
	t->nb_sizes = pg_size_cycle(&c->o, t->sizes, PG_MAX_SIZES);
	if (c->o.proto == PG_PROTO_MIX) {
		pg_tmpl_init(&t->tmpl[0], PG_PROTO_UDP, src.addr_bytes, dst_mac);
		pg_tmpl_init(&t->tmpl[1], PG_PROTO_TCP, src.addr_bytes, dst_mac);
	} else {
		pg_tmpl_init(&t->tmpl[0], c->o.proto, src.addr_bytes, dst_mac);
	}

	r->port = c->o.rx_port;
	r->burst = c->o.burst;
	r->flows = c->o.flows;
	r->nonce = c->nonce;
	if (pcap != NULL) {
		t->pcap = pcap;
		t->pcap_seq = calloc(pcap->flows, sizeof(*t->pcap_seq));
		r->pcap = 1;
		r->flows = pcap->flows;
	}
	r->ns_per_cycle = 1e9 / (double)c->hz;
	r->max_seq = calloc(r->flows, sizeof(*r->max_seq));
	if (r->max_seq == NULL || (pcap != NULL && t->pcap_seq == NULL) ||
	    pg_hist_init(&r->hist, PG_HIST_MAX_NS) < 0) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

void
pg_ctx_free(struct pg_ctx *c)
{
	pg_hist_free(&c->rx.hist);
	free(c->rx.max_seq);
	free(c->tx.pcap_seq);
	c->rx.max_seq = NULL;
	c->tx.pcap_seq = NULL;
}

/* ---------------------------------------------------------------- phases */

/* The live line's state: the last snapshot, and histogram scratch. */
struct pg_live {
	uint64_t t0, t, tx, rx;
	struct pg_hist prev, cur, diff;
};

static uint64_t
ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void
pg_live_reset(struct pg_ctx *c, struct pg_live *l, uint64_t now)
{
	l->t0 = l->t = now;
	l->tx = ld(&c->txc.tx);
	l->rx = ld(&c->rxc.rx);
	pg_hist_copy(&l->prev, &c->rx.hist);
}

static void
pg_live_print(struct pg_ctx *c, struct pg_live *l, uint64_t now,
	      const char *phase)
{
	double dt = (double)(now - l->t) / (double)c->hz;
	uint64_t tx = ld(&c->txc.tx), rx = ld(&c->rxc.rx);
	struct pg_hist tmp;

	if (dt <= 0)
		return;
	pg_hist_copy(&l->cur, &c->rx.hist);
	pg_hist_sub(&l->diff, &l->cur, &l->prev);
	printf("%s %6.1f s: tx %10.0f pps, rx %10.0f pps, sent %" PRIu64
	       ", received %" PRIu64 ", reordered %" PRIu64, phase,
	       (double)(now - l->t0) / (double)c->hz, (double)(tx - l->tx) / dt,
	       (double)(rx - l->rx) / dt, tx, rx, ld(&c->rxc.reordered));
	if (l->diff.total != 0)
		printf(", latency us p50 %.1f p99 %.1f max %.1f",
		       pg_hist_percentile(&l->diff, 50) / 1e3,
		       pg_hist_percentile(&l->diff, 99) / 1e3,
		       l->diff.max / 1e3);
	printf("\n");
	fflush(stdout);
	l->t = now;
	l->tx = tx;
	l->rx = rx;
	tmp = l->prev;	/* swap the buffers: prev <- cur */
	l->prev = l->cur;
	l->cur = tmp;
}

/* Start a new phase on the RX side too; wait for it (1 s at most). */
static int
pg_new_epoch(struct pg_ctx *c)
{
	uint32_t e = __atomic_load_n(&c->epoch, __ATOMIC_RELAXED) + 1;
	uint64_t end = rte_rdtsc() + c->hz;

	__atomic_store_n(&c->epoch, e, __ATOMIC_RELEASE);
	if (c->rx_lcore == RTE_MAX_LCORE)
		pg_rx_step(c);
	while (__atomic_load_n(&c->rx_epoch, __ATOMIC_ACQUIRE) != e) {
		if (rte_rdtsc() > end)
			return -ETIMEDOUT;
		rte_pause();
	}
	return 0;
}

struct pg_phase {
	uint64_t t0, t1;	/* first and last TX step */
};

/*
 * Link up is not enough: onvm-mgr polls its ports only once every service
 * of its chain has an NF, and what a port takes before then waits in the
 * memif ring, for seconds, and would show as latency. So send one packet
 * every 10 ms (a phase of its own, never counted) until one comes back, or
 * fail at @p end; then wait up to --drain for the others.
 */
int
pg_wait_path(struct pg_ctx *c, uint64_t end, char *err, size_t errlen)
{
	int single = c->rx_lcore == RTE_MAX_LCORE;
	struct timespec ts = { 0, 1000 * 1000 };
	uint64_t now;

	if (pg_new_epoch(c) < 0) {
		snprintf(err, errlen, "the RX lcore does not answer");
		return -ETIMEDOUT;
	}
	now = rte_rdtsc();
	pg_tx_phase(c, __atomic_load_n(&c->epoch, __ATOMIC_RELAXED), 100, 0,
		    now);
	while (ld(&c->rxc.rx) == 0) {
		if (pg_stopping(c) || now >= end)
			break;
		pg_tx_step(c, now);
		if (single)
			pg_rx_step(c);
		nanosleep(&ts, NULL);
		now = rte_rdtsc();
	}
	pg_tx_abandon(c);
	if (ld(&c->rxc.rx) != 0) {
		/* the rest of them too, so that the next phase starts empty */
		end = now + (uint64_t)(c->o.drain_s * c->hz);
		while (!pg_stopping(c) && ld(&c->rxc.rx) < ld(&c->txc.tx) &&
		       rte_rdtsc() < end) {
			if (single)
				pg_rx_step(c);
			nanosleep(&ts, NULL);
		}
		return 0;
	}
	if (c->nf_exit == -ENOTCONN)
		snprintf(err, errlen, "the manager died");
	else if (c->nf_exit != 0)
		snprintf(err, errlen, "the manager stopped us while we waited "
			 "for a first packet to come back");
	else if (pg_stop_req)
		snprintf(err, errlen, "interrupted while waiting for a first "
			 "packet to come back");
	else if (c->tx.nf != NULL)
		snprintf(err, errlen, "none of %" PRIu64 " packets came back in "
			 "%.1f s (does every service on their way have an NF, "
			 "and does the way lead back to service %u? without "
			 "--to they take the next service after ours on the "
			 "chain; --no-path-check skips this check)",
			 ld(&c->txc.tx), c->o.link_wait_s,
			 onvm_nf_service_id(c->tx.nf));
	else
		snprintf(err, errlen, "port %u: none of %" PRIu64 " packets "
			 "came back in %.1f s (does onvm-mgr poll its ports? it "
			 "waits for an NF of every service of its chain; "
			 "--no-path-check skips this check)", c->o.rx_port,
			 ld(&c->txc.tx), c->o.link_wait_s);
	return -ETIMEDOUT;
}

/*
 * The next live line: one interval on, or one interval from now if the
 * OS kept us away for longer (no burst of lines over a few microseconds).
 */
static inline uint64_t
pg_next_stats(uint64_t next, uint64_t every, uint64_t now)
{
	next += every;
	return next > now ? next : now + every;
}

/*
 * Send at @p rate_pps (0: flat out) until @p duration_s, @p limit packets or
 * a signal, then wait up to --drain for what is still on its way.
 */
static void
pg_run_phase(struct pg_ctx *c, struct pg_live *l, const char *name,
	     double rate_pps, uint64_t limit, double duration_s,
	     struct pg_phase *ph)
{
	int single = c->rx_lcore == RTE_MAX_LCORE;
	uint64_t now = rte_rdtsc(), end, next_stats, every;
	struct timespec ts = { 0, 100 * 1000 };
	uint32_t idle = 0, busy;

	every = c->o.stats_interval_s > 0 ?
		(uint64_t)(c->o.stats_interval_s * c->hz) : UINT64_MAX;
	pg_tx_phase(c, __atomic_load_n(&c->epoch, __ATOMIC_RELAXED), rate_pps,
		    limit, now);
	pg_live_reset(c, l, now);
	next_stats = every == UINT64_MAX ? UINT64_MAX : now + every;
	end = duration_s > 0 ? now + (uint64_t)(duration_s * c->hz) : UINT64_MAX;
	ph->t0 = now;
	for (;;) {
		now = rte_rdtsc();
		if (now >= end || pg_stopping(c) || pg_tx_done(c))
			break;
		busy = pg_tx_step(c, now);
		if (single)
			busy += pg_rx_step(c);
		if (busy != 0)
			idle = 0;
		else if (++idle >= PG_IDLE_SPINS && c->o.yield)
			sched_yield();
		if (now >= next_stats) {
			pg_live_print(c, l, now, name);
			next_stats = pg_next_stats(next_stats, every, now);
		}
	}
	ph->t1 = now;
	pg_tx_abandon(c);

	/* drain: until everything is back, --drain, or a second signal */
	end = now + (uint64_t)(c->o.drain_s * c->hz);
	while (pg_stopping(c) < 2) {
		uint64_t rx = ld(&c->rxc.rx) - ld(&c->rxc.duplicates);

		if (rx >= ld(&c->txc.tx))
			break;
		now = rte_rdtsc();
		if (now >= end)
			break;
		if (!single)
			nanosleep(&ts, NULL);
		else if (pg_rx_step(c) == 0 && c->o.yield)
			sched_yield();
		if (now >= next_stats) {
			pg_live_print(c, l, now, name);
			next_stats = pg_next_stats(next_stats, every, now);
		}
	}
}

/* ---------------------------------------------------------------- results */

static void
pg_result_fill(struct pg_ctx *c, const struct pg_phase *ph, double rate,
	       double max_pps, struct pg_result *r)
{
	uint64_t got;

	memset(r, 0, sizeof(*r));
	r->mode = c->o.pcap != NULL ? "pcap" : "synthetic";
	r->pcap = c->o.pcap;
	r->tx = ld(&c->txc.tx);
	r->rx = ld(&c->rxc.rx);
	r->duplicates = ld(&c->rxc.duplicates);
	got = r->rx - r->duplicates;	/* duplicates are in rx */
	r->lost = r->tx > got ? r->tx - got : 0;
	r->reordered = ld(&c->rxc.reordered);
	r->rx_other = ld(&c->rxc.other);
	r->rx_unstamped = ld(&c->rxc.unstamped);
	r->tx_bytes = ld(&c->txc.tx_bytes);
	r->rx_bytes = ld(&c->rxc.rx_bytes);
	r->tx_full = ld(&c->txc.tx_full);
	r->alloc_fail = ld(&c->txc.alloc_fail);
	r->lat_negative = ld(&c->rxc.lat_bad);
	r->duration_s = (double)(ph->t1 - ph->t0) / (double)c->hz;
	if (r->duration_s > 0) {
		r->tx_pps = (double)r->tx / r->duration_s;
		r->rx_pps = (double)got / r->duration_s;
	}
	r->rate_pps = rate;
	r->rate_pct = c->o.rate_pct;
	r->max_pps = max_pps;
	r->max_measured = c->o.rate_pct > 0 && c->o.max_pps == 0;
	r->duration_asked_s = c->o.duration_s;
	r->count_asked = c->o.count;
	r->size = c->o.imix || c->o.pcap != NULL ? 0 : c->o.size;
	r->imix = c->o.imix;
	r->flows = c->rx.flows;
	r->proto = c->o.proto;
	r->burst = c->o.burst;
	r->lcores = c->rx_lcore == RTE_MAX_LCORE ? 1 : 2;
	r->tsc_hz = c->hz;
	r->interrupted = pg_stopping(c) != 0;
	if (c->tx.nf != NULL) {
		r->nf = 1;
		r->nf_service = onvm_nf_service_id(c->tx.nf);
		r->nf_instance = onvm_nf_instance_id(c->tx.nf);
		r->nf_to = c->o.to_sid;
	}
	pg_result_latency(r, &c->rx.hist);
}

static void
pg_result_print(const struct pg_result *r)
{
	char size[32];

	if (r->pcap != NULL)
		snprintf(size, sizeof(size), "pcap");
	else if (r->imix)
		snprintf(size, sizeof(size), "imix");
	else
		snprintf(size, sizeof(size), "%u B", r->size);
	printf("onvm-pktgen: sent %" PRIu64 " in %.3f s (%.3f Mpps; %s, %u "
	       "flow(s), %s", r->tx, r->duration_s, r->tx_pps / 1e6, size,
	       r->flows, r->pcap != NULL ? "pcap" : pg_proto_name(r->proto));
	if (r->rate_pps > 0)
		printf(", asked %.0f pps", r->rate_pps);
	else
		printf(", flat out");
	printf("), received %" PRIu64 " (%.3f Mpps)%s\n", r->rx,
	       r->rx_pps / 1e6, r->interrupted ? "; interrupted" : "");
	printf("onvm-pktgen: lost %" PRIu64 " (%.3f %%), reordered %" PRIu64
	       ", duplicates %" PRIu64 ", unstamped %" PRIu64 ", other frames %"
	       PRIu64 ", %s full %" PRIu64 " time(s)", r->lost,
	       r->tx ? 100.0 * (double)r->lost / (double)r->tx : 0.0,
	       r->reordered, r->duplicates, r->rx_unstamped, r->rx_other,
	       r->nf ? "tx ring" : "port", r->tx_full);
	if (r->alloc_fail)
		printf(", no mbuf %" PRIu64 " time(s)", r->alloc_fail);
	printf("\n");
	if (r->lat_count)
		printf("onvm-pktgen: latency ns: min %" PRIu64 " p50 %" PRIu64
		       " p90 %" PRIu64 " p99 %" PRIu64 " p99.9 %" PRIu64
		       " max %" PRIu64 " mean %.0f (%" PRIu64 " samples)\n",
		       r->lat_min, r->lat_p50, r->lat_p90, r->lat_p99,
		       r->lat_p999, r->lat_max, r->lat_mean, r->lat_count);
	else
		printf("onvm-pktgen: latency: no stamped packet came back\n");
	fflush(stdout);
}

static void
pg_json_tmp(char *tmp, size_t len, const char *path)
{
	snprintf(tmp, len, "%s.%d.tmp", path, (int)getpid());
}

/* Can the summary be written where asked? Checked before the run. */
int
pg_json_check(const char *path, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	int fd, rc;

	if (strlen(path) + 16 >= sizeof(tmp)) {
		snprintf(err, errlen, "--json: path too long");
		return -ENAMETOOLONG;
	}
	pg_json_tmp(tmp, sizeof(tmp), path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(-rc));
		return rc;
	}
	close(fd);
	unlink(tmp);
	return 0;
}

/* Write + rename, so a reader never sees half a file. */
static int
pg_write_json(const char *path, const struct pg_result *r)
{
	char tmp[PATH_MAX];
	FILE *f;
	int rc;

	pg_json_tmp(tmp, sizeof(tmp), path);
	f = fopen(tmp, "w");
	if (f == NULL)
		return -errno;
	rc = pg_result_json(f, r);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = rc ? rc : -EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = -EIO;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0)
		unlink(tmp);
	return rc;
}

/* ---------------------------------------------------------------- a run */

/* Stop the RX lcore, if there is one, and wait for it. */
static void
pg_rx_stop(struct pg_ctx *c)
{
	if (c->rx_lcore == RTE_MAX_LCORE)
		return;
	__atomic_store_n(&c->rx_quit, 1, __ATOMIC_RELEASE);
	rte_eal_wait_lcore(c->rx_lcore);
	c->rx_lcore = RTE_MAX_LCORE;
}

/* Load --pcap's frames (before the EAL: a bad file costs no start). */
int
pg_pcap_open(struct pg_ctx *c, struct pg_pcap *pcap, char *err, size_t errlen)
{
	if (pg_pcap_load(c->o.pcap, pcap, err, errlen) < 0)
		return -EINVAL;
	printf("onvm-pktgen: %s: %u frame(s), %u with the stamp appended, %u "
	       "flow(s)", c->o.pcap, pcap->n, pcap->n_stamped, pcap->flows);
	if (pcap->skipped_cut + pcap->skipped_big != 0)
		printf("; left out %" PRIu64 " captured short and %" PRIu64
		       " over 1514 bytes", pcap->skipped_cut,
		       pcap->skipped_big);
	printf("\n");
	fflush(stdout);
	return 0;
}

/*
 * After the path check: the probe phase if --rate-pct needs a maximum,
 * then the run; the summary on stdout and in --json. Both modes.
 * Returns 0, or -errno with a one-line reason in @p err.
 */
int
pg_measure(struct pg_ctx *c, char *err, size_t errlen)
{
	struct pg_live live;
	struct pg_phase ph;
	struct pg_result res;
	double rate, max_pps = 0;
	int rc = 0;

	memset(&live, 0, sizeof(live));
	memset(&ph, 0, sizeof(ph));
	if (pg_hist_init(&live.prev, PG_HIST_MAX_NS) < 0 ||
	    pg_hist_init(&live.cur, PG_HIST_MAX_NS) < 0 ||
	    pg_hist_init(&live.diff, PG_HIST_MAX_NS) < 0) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	rate = c->o.rate_pps;
	if (c->o.rate_pct > 0) {
		max_pps = c->o.max_pps;
		if (max_pps == 0) {
			if (pg_new_epoch(c) < 0) {
				snprintf(err, errlen, "the RX lcore does not "
					 "answer");
				rc = -ETIMEDOUT;
				goto out;
			}
			printf("onvm-pktgen: measuring the maximum: flat out "
			       "for %.1f s\n", c->o.probe_s);
			pg_run_phase(c, &live, "probe", 0, 0, c->o.probe_s, &ph);
			pg_result_fill(c, &ph, 0, 0, &res);
			max_pps = res.rx_pps;
			printf("onvm-pktgen: maximum %.0f pps received (%.0f "
			       "sent)\n", max_pps, res.tx_pps);
			if (max_pps < 1 && !pg_stopping(c)) {
				snprintf(err, errlen, "nothing came back in the "
					 "flat-out phase: no maximum for "
					 "--rate-pct");
				rc = -EIO;
				goto out;
			}
		}
		rate = max_pps * c->o.rate_pct / 100.0;
		if (rate < 1)
			rate = 1;
	}
	if (!pg_stopping(c)) {
		if (pg_new_epoch(c) < 0) {
			snprintf(err, errlen, "the RX lcore does not answer");
			rc = -ETIMEDOUT;
			goto out;
		}
		pg_run_phase(c, &live, "run", rate, c->o.count, c->o.duration_s,
			     &ph);
	}
	pg_rx_stop(c);
	pg_result_fill(c, &ph, rate, max_pps, &res);
	pg_result_print(&res);
	if (c->o.json != NULL) {
		rc = pg_write_json(c->o.json, &res);
		if (rc < 0)
			snprintf(err, errlen, "cannot write %s: %s", c->o.json,
				 strerror(-rc));
	}
out:
	pg_hist_free(&live.prev);
	pg_hist_free(&live.cur);
	pg_hist_free(&live.diff);
	return rc;
}

/* ---------------------------------------------------------------- main */

/*
 * --linger: with the summary out and nobody polling the ports any more,
 * wait until a port's link goes down (the manager stopped: its lcores
 * first, then its port) or a new signal. Returns 1 if the peer left.
 */
static int
pg_linger(struct pg_ctx *c, const uint16_t *ports, int nports)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	sig_atomic_t req = pg_stop_req;
	int i;

	printf("onvm-pktgen: lingering until the link goes down (stop the "
	       "other side first) or a signal\n");
	fflush(stdout);
	for (;;) {
		for (i = 0; i < nports; i++)
			if (!pg_link_up(ports[i]))
				return 1;
		if (pg_stop_req != req || pg_stop_req >= 2)
			return 0;
		nanosleep(&ts, NULL);
	}
}

/*
 * Before the ports close: wait until nothing has come in for 20 ms (1 s at
 * most). A DPDK 22.11 memif peer unmaps the shared memory when we
 * disconnect, from its interrupt thread, with no wait for its lcore: an
 * onvm-mgr lcore inside a memif burst at that moment crashes (SIGSEGV in
 * librte_net_memif; seen with traffic still in flight). Closing only once
 * the manager has nothing left to send us makes that window small; only
 * --linger (the manager leaves first) closes it.
 */
static void
pg_quiesce(struct pg_ctx *c)
{
	struct timespec ts = { 0, 1000 * 1000 };
	uint64_t now = rte_rdtsc(), end = now + c->hz, last = now;

	if (c->rx.max_seq == NULL)
		return;		/* never set up: nothing was sent */
	while (now < end && now - last < c->hz / 50 && pg_stop_req < 2) {
		if (pg_rx_step(c) != 0)
			last = now;
		else
			nanosleep(&ts, NULL);
		now = rte_rdtsc();
	}
}

#define PG_DEFAULT_PREFIX "onvm-pktgen"

/*
 * Split the command line: EAL options before "--" (plus
 * --file-prefix=onvm-pktgen if none is given: never DPDK's default "rte",
 * nor the manager's "onvm"), ours after it. Ours are parsed here, so a bad
 * one costs no EAL start.
 */
static int
pg_parse_args(int argc, char **argv, struct pg_opts *o, int *eal_argc,
	      char ***eal_argv, char ***app_argv, char *err, size_t errlen)
{
	static char prefix_opt[] = "--file-prefix=" PG_DEFAULT_PREFIX;
	int i, dd, n = 1, have_prefix = 0;

	for (dd = 1; dd < argc && strcmp(argv[dd], "--") != 0; dd++)
		/* "--fi" starts no other EAL option: abbreviations count */
		if (strncmp(argv[dd], "--fi", 4) == 0)
			have_prefix = 1;
	*eal_argv = calloc((size_t)argc + 2, sizeof(**eal_argv));
	*app_argv = calloc((size_t)argc + 1, sizeof(**app_argv));
	if (*eal_argv == NULL || *app_argv == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(*eal_argv, argv, (size_t)dd * sizeof(*argv));
	*eal_argc = dd;
	if (!have_prefix)
		(*eal_argv)[(*eal_argc)++] = prefix_opt;
	(*app_argv)[0] = argv[0];
	for (i = dd + 1; i < argc; i++)
		(*app_argv)[n++] = argv[i];
	return pg_opts_parse(n, *app_argv, o, err, errlen);
}

int
main(int argc, char **argv)
{
	static struct pg_ctx ctx;
	struct pg_ctx *c = &ctx;
	struct rte_mempool *tx_pool = NULL, *rx_pool = NULL;
	struct pg_pcap pcap;
	char err[512] = "", rundir[PATH_MAX] = "";
	char **app_argv = NULL, **eal_argv = NULL;
	uint16_t ports[2];
	int i, eal_argc, rc, nports = 0, configured = 0, started = 0, eal = 0;
	int peer_left = 0;
	unsigned int lcore;
	uint64_t end;

	rc = pg_nf_mode(argc, argv);
	if (rc > 0)
		return pg_nf_main(argc, argv);
	memset(&pcap, 0, sizeof(pcap));
	if (rc < 0) {
		snprintf(err, sizeof(err), "--nf goes after \"--\", with "
			 "pktgen's options (onvm-pktgen [EAL options --] --nf "
			 "-r SID ...)");
		goto fail;
	}
	rc = pg_parse_args(argc, argv, &c->o, &eal_argc, &eal_argv, &app_argv,
			   err, sizeof(err));
	if (rc == 1) {
		fputs(pg_usage, stdout);
		free(app_argv);
		free(eal_argv);
		return 0;
	}
	if (rc == 0 && c->o.nf) {
		/* "--json -r --nf": the NF library takes it as -r's value */
		snprintf(err, sizeof(err), "--nf follows -r, -n, --tag or "
			 "--file-prefix, which take it as their value");
		goto fail;
	}
	if (rc < 0 || (c->o.json != NULL &&
		       pg_json_check(c->o.json, err, sizeof(err)) < 0))
		goto fail;
	if (c->o.pcap != NULL && pg_pcap_open(c, &pcap, err, sizeof(err)) < 0)
		goto fail;

	rte_errno = 0;
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		snprintf(err, sizeof(err), "EAL initialisation failed: %s",
			 rte_errno != 0 ? rte_strerror(rte_errno) :
			 "see the EAL message above");
		/* it may have made the runtime dir (or more) of our prefix */
		snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
		if (rundir[0] != '\0' && pg_prefix_unused(rundir))
			pg_remove_prefix_files(rundir);
		else if (rundir[0] != '\0')
			snprintf(err, sizeof(err), "EAL initialisation failed: "
				 "file prefix \"%s\" is in use by another DPDK "
				 "process (give onvm-pktgen a --file-prefix of its "
				 "own)", strrchr(rundir, '/') != NULL ?
				 strrchr(rundir, '/') + 1 : rundir);
		goto fail;
	}
	eal = 1;
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	pg_signals_install();

	c->hz = rte_get_tsc_hz();
	c->nonce = (uint32_t)rte_rand() & 0xffffff;
	c->rx_lcore = RTE_MAX_LCORE;
	if (rte_lcore_count() > 2) {
		snprintf(err, sizeof(err), "give one lcore (TX and RX "
			 "interleaved) or two (TX, RX), not %u",
			 rte_lcore_count());
		goto fail;
	}
	nports = c->o.rx_port != c->o.tx_port ? 2 : 1;
	ports[0] = c->o.tx_port;
	ports[1] = c->o.rx_port;
	for (i = 0; i < nports; i++)
		if (!rte_eth_dev_is_valid_port(ports[i])) {
			snprintf(err, sizeof(err), "no port %u (%u port(s); "
				 "give them with --vdev, e.g. --vdev=net_memif0,"
				 "role=client,socket=/tmp/onvm.sock)", ports[i],
				 rte_eth_dev_count_avail());
			goto fail;
		}
	if (pg_pools_create(c, &tx_pool, &rx_pool, err, sizeof(err)) < 0 ||
	    pg_ctx_init(c, tx_pool, c->o.pcap != NULL ? &pcap : NULL, err,
			sizeof(err)) < 0)
		goto fail;
	for (; configured < nports; configured++)
		if (pg_port_config(ports[configured], rx_pool, err,
				   sizeof(err)) < 0)
			goto fail;
	end = rte_rdtsc() + (uint64_t)(c->o.link_wait_s * c->hz);
	for (; started < nports; started++)
		if (pg_port_start(c, ports[started], end, err, sizeof(err)) < 0)
			goto fail;
	PG_LOG(INFO, "waiting up to %.1f s for the link of port %u and %u",
	       c->o.link_wait_s, c->o.tx_port, c->o.rx_port);
	if (pg_wait_link(c, ports, nports, end, err, sizeof(err)) < 0)
		goto fail;

	/* RX on the second lcore if there is one; epoch 1 is the first phase */
	lcore = rte_get_next_lcore(-1, 1, 0);
	if (lcore < RTE_MAX_LCORE) {
		c->rx_lcore = lcore;
		rte_eal_remote_launch(pg_rx_lcore, c, lcore);
	}
	PG_LOG(INFO, "TX on lcore %u, RX on lcore %u; %u flow(s), burst %u",
	       rte_lcore_id(), c->rx_lcore == RTE_MAX_LCORE ? rte_lcore_id() :
	       c->rx_lcore, c->rx.flows, c->o.burst);
	if (c->o.path_check &&
	    pg_wait_path(c, rte_rdtsc() + (uint64_t)(c->o.link_wait_s * c->hz),
			 err, sizeof(err)) < 0)
		goto fail;
	if (pg_measure(c, err, sizeof(err)) < 0)
		goto fail;
	if (c->o.linger)
		peer_left = pg_linger(c, ports, nports);
	rc = 0;
	goto cleanup;
fail:
	rc = 1;
cleanup:
	if (eal) {
		pg_rx_stop(c);
		pg_tx_abandon(c);
		if (started > 0 && !peer_left)
			pg_quiesce(c);
		for (i = 0; i < started; i++)
			rte_eth_dev_stop(ports[i]);
		for (i = 0; i < configured; i++)
			rte_eth_dev_close(ports[i]);
		rte_mempool_free(tx_pool);
		rte_mempool_free(rx_pool);
	}
	pg_ctx_free(c);
	pg_pcap_free(&pcap);
	free(app_argv);
	free(eal_argv);
	if (eal) {
		rte_eal_cleanup();
		pg_remove_prefix_files(rundir);
	}
	if (rc != 0) {
		pg_one_line(err);
		fprintf(stderr, "onvm-pktgen: %s\n", err);
	}
	return rc;
}
