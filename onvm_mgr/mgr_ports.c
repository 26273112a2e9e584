/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Mempools (one per NUMA socket in use) and port set-up, whatever the PMD. */

#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "mgr.h"

static int
mgr_port_socket(uint16_t port)
{
	int s = rte_eth_dev_socket_id(port);

	return s < 0 ? (int)rte_socket_id() : s;
}

#define MGR_NF_RX_POOL_OPS "lf_stack"

static int
mgr_pool_for_socket(struct mgr_ctx *ctx, int socket, uint32_t nb_mbufs)
{
	struct onvm_shm *shm = ctx->shm;
	struct rte_mempool *mp;
	char name[RTE_MEMPOOL_NAMESIZE];
	uint32_t cache = ctx->opts.mbuf_cache;

	if (ctx->pools[socket] != NULL)
		return 0;
	/* A cache larger than n / 1.5 is rejected by the mempool. */
	if (cache > nb_mbufs * 2 / 3)
		cache = nb_mbufs * 2 / 3;
	if (cache > RTE_MEMPOOL_CACHE_MAX_SIZE)
		cache = RTE_MEMPOOL_CACHE_MAX_SIZE;
	snprintf(name, sizeof(name), "onvm_pool_s%d", socket);
	/* --nf-rx: NFs refill from the pool and flush to it, and an NF may be
	 * killed inside either. In a ring that leaves a consumer or producer
	 * tail behind its head for good, and every later operation of the
	 * pool waits for it (the manager's data lcore too). A lock-free
	 * stack changes with one compare-and-swap: a death loses what the NF
	 * held, never the pool. It costs nothing measurable when one core
	 * allocates and frees, more when two do (see docs/architecture.md). */
	mp = NULL;
	if (ctx->opts.nf_rx) {
		mp = rte_pktmbuf_pool_create_by_ops(name, nb_mbufs, cache, 0,
						    RTE_MBUF_DEFAULT_BUF_SIZE,
						    socket, MGR_NF_RX_POOL_OPS);
		if (mp == NULL)
			MGR_LOG(WARNING, "--nf-rx: cannot create mempool %s with "
				"ops %s (%s); using the default ring, which an "
				"NF killed inside a mempool operation can wedge",
				name, MGR_NF_RX_POOL_OPS,
				rte_strerror(rte_errno));
	}
	if (mp == NULL)
		mp = rte_pktmbuf_pool_create(name, nb_mbufs, cache, 0,
					     RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (mp == NULL) {
		mgr_fail(ctx, "cannot create mempool %s of %u mbufs on socket %d: %s"
			" (reserve more hugepages: scripts/setup.sh)",
			name, nb_mbufs, socket, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	ctx->pools[socket] = mp;
	snprintf(shm->pool_name[shm->nb_pools], RTE_MEMPOOL_NAMESIZE, "%s",
		 name);
	snprintf(shm->pool_ops, sizeof(shm->pool_ops), "%s",
		 rte_mempool_get_ops(mp->ops_index)->name);
	shm->nb_pools++;
	MGR_LOG(INFO, "mempool %s: %u mbufs, cache %u, ops %s", name,
		nb_mbufs, cache, shm->pool_ops);
	return 0;
}

int
mgr_pools_create(struct mgr_ctx *ctx)
{
	uint32_t n = ctx->opts.nb_mbufs;
	uint16_t port, i;
	int rc;

	uint32_t txd = ctx->opts.nb_txd;

	/* --nf-tx: every NF's tx queue may hold mbufs too. */
	if (ctx->opts.nf_tx)
		txd = RTE_MIN((uint32_t)UINT16_MAX, txd * (1 + ctx->opts.max_nfs));
	if (n == 0)
		n = mgr_pool_size(ctx->nb_ports, ctx->opts.nb_rxd,
				  (uint16_t)txd, ctx->nb_lcores,
				  ctx->opts.mbuf_cache, ctx->opts.max_nfs,
				  ctx->opts.ring_size);
	/* Sockets with ports, then sockets with manager lcores. */
	RTE_ETH_FOREACH_DEV(port) {
		rc = mgr_pool_for_socket(ctx, mgr_port_socket(port), n);
		if (rc < 0)
			return rc;
	}
	for (i = 0; i < ctx->nb_lcores; i++) {
		rc = mgr_pool_for_socket(ctx,
			rte_lcore_to_socket_id(ctx->lcores[i].lcore_id), n);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
mgr_port_init(struct mgr_ctx *ctx, uint16_t port)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	char *name = ctx->port_name[port];
	uint16_t nb_rxd = ctx->opts.nb_rxd, nb_txd = ctx->opts.nb_txd;
	struct onvm_port_info *pi = &ctx->shm->port[port];
	uint16_t nb_rxq, nb_txq, q, i;
	int socket = mgr_port_socket(port);
	int rc;

	if (rte_eth_dev_get_name_by_port(port, name) != 0)
		snprintf(name, RTE_ETH_NAME_MAX_LEN, "port%u", port);
	rc = rte_eth_dev_info_get(port, &info);
	if (rc < 0)
		goto fail_info;
	if (info.max_tx_queues < ctx->nb_lcores) {
		mgr_fail(ctx, "port %u (%s) has %u tx queue(s) but the manager "
			"needs one per data lcore (%u): give it fewer lcores",
			port, name, info.max_tx_queues, ctx->nb_lcores);
		return -EINVAL;
	}
	nb_rxq = RTE_MIN(info.max_rx_queues, ctx->nb_lcores);
	/* --nf-tx: one more tx queue per NF slot, as many as the port has;
	 * NFs in slots beyond them send through the manager. */
	nb_txq = ctx->nb_lcores;
	if (ctx->opts.nf_tx)
		nb_txq = RTE_MIN(info.max_tx_queues,
				 ctx->nb_lcores + ctx->opts.max_nfs);

	memset(&conf, 0, sizeof(conf));
	/* RSS where the PMD offers it: spreads flows over the lcores' queues
	 * and gives every packet a flow hash for free. */
	conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads &
		(RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP);
	if (conf.rx_adv_conf.rss_conf.rss_hf != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH)
			conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
	}
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;

	rc = rte_eth_dev_configure(port, nb_rxq, nb_txq, &conf);
	if (rc < 0)
		goto fail;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	if (rc < 0)
		goto fail;
	for (q = 0; q < nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(port, q, nb_rxd, socket, NULL,
					    ctx->pools[socket]);
		if (rc < 0)
			goto fail;
	}
	for (q = 0; q < nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(port, q, nb_txd, socket, NULL);
		if (rc < 0)
			goto fail;
	}
	rc = rte_eth_promiscuous_enable(port);
	if (rc < 0 && rc != -ENOTSUP)
		MGR_LOG(WARNING, "port %u (%s): promiscuous mode: %s", port,
			name, strerror(-rc));
	rc = rte_eth_dev_start(port);
	if (rc < 0)
		goto fail;

	snprintf(pi->name, sizeof(pi->name), "%s", name);
	snprintf(pi->driver, sizeof(pi->driver), "%s", info.driver_name);
	pi->nb_rxq = nb_rxq;
	pi->nb_txq = nb_txq;
	if ((ctx->shm->flags & ONVM_F_NF_RX) &&
	    !onvm_port_driver_shared(info.driver_name)) {
		ctx->shm->flags &= ~ONVM_F_NF_RX;
		MGR_LOG(WARNING, "--nf-rx: port %u (%s) is a %s port, which NFs "
			"cannot open; the manager polls every port", port, name,
			info.driver_name);
	}
	pi->nf_txq_base = ctx->nb_lcores;

	/* rx queue q of every port is polled by data lcore q. */
	for (q = 0; q < nb_rxq; q++) {
		struct mgr_lcore *lc = &ctx->lcores[q];

		i = lc->nb_rxq++;
		lc->rxq_port[i] = port;
		lc->rxq_id[i] = q;
	}
	memset(&link, 0, sizeof(link));
	rte_eth_link_get_nowait(port, &link);
	MGR_LOG(INFO, "port %u (%s, %s): %u rx / %u tx queue(s), link %s %u Mbps%s",
		port, name, info.driver_name, nb_rxq, nb_txq,
		link.link_status ? "up" : "down", link.link_speed,
		conf.rxmode.mq_mode == RTE_ETH_MQ_RX_RSS ? ", RSS" : "");
	return 0;
fail:
	mgr_fail(ctx, "port %u (%s): cannot set up: %s", port, name,
		strerror(-rc));
	return rc;
fail_info:
	mgr_fail(ctx, "port %u (%s): cannot read device info: %s", port, name,
		strerror(-rc));
	return rc;
}

int
mgr_ports_init(struct mgr_ctx *ctx)
{
	uint16_t port, expect = 0;
	int rc;

	RTE_ETH_FOREACH_DEV(port) {
		/* Port ids double as indices in counters and verdicts. */
		if (port != expect++) {
			mgr_fail(ctx, "port ids are not contiguous (port %u)", port);
			return -EINVAL;
		}
		rc = mgr_port_init(ctx, port);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void
mgr_ports_close(struct mgr_ctx *ctx)
{
	uint16_t port;
	int rc;

	for (port = 0; port < ctx->nb_ports; port++) {
		rc = rte_eth_dev_stop(port);
		if (rc < 0)
			MGR_LOG(WARNING, "port %u: stop: %s", port, strerror(-rc));
		rte_eth_dev_close(port);
	}
	ctx->ports_closed = 1;
}

/* --nf-tx lets NFs free mbufs straight into a pool's ring, a multi-producer
 * ring: an NF killed between reserving its slots and publishing them leaves
 * the producer tail behind the head for good, and every later free waits
 * for it. Nothing can repair that safely; say so clearly, once per pool,
 * when the tail has stood still behind the head for a second. */
#define MGR_WEDGED_TICKS 10

void
mgr_check_pools(struct mgr_ctx *ctx)
{
	static uint32_t last_tail[RTE_MAX_NUMA_NODES];
	static unsigned int still[RTE_MAX_NUMA_NODES];
	static int told[RTE_MAX_NUMA_NODES];
	const struct rte_ring *r;
	struct rte_mempool *mp;
	uint32_t head, tail;
	int s;

	if (!ctx->opts.nf_tx ||
	    strncmp(ctx->shm->pool_ops, "ring_", 5) != 0)
		return;
	for (s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		mp = ctx->pools[s];
		if (mp == NULL || told[s])
			continue;
		r = mp->pool_data;
		head = __atomic_load_n(&r->prod.head, __ATOMIC_RELAXED);
		tail = __atomic_load_n(&r->prod.tail, __ATOMIC_RELAXED);
		if (head == tail || tail != last_tail[s]) {
			still[s] = 0;
			last_tail[s] = tail;
			continue;
		}
		if (++still[s] < MGR_WEDGED_TICKS)
			continue;
		told[s] = 1;
		MGR_LOG(ERR, "mempool %s is wedged: an NF died inside a free "
			"(--nf-tx), and every later free waits for it; "
			"restart the manager", mp->name);
	}
}
