/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef MGR_H
#define MGR_H

/* The manager's context, passed to every part.
 *
 * Threads and what they own:
 *  - data lcores (the main lcore and any workers): each its struct
 *    mgr_lcore, the rx queues and tx queue it was given, and the tx rings of
 *    the NF slots with slot % nb_lcores == its index;
 *  - the control thread (mgr_ctl_thread): heartbeat, start-up, liveness,
 *    stats, shutdown;
 *  - DPDK's IPC thread: registration messages;
 *  - DPDK's telemetry threads: runtime control (mgr_ctl.c).
 * The control, IPC and telemetry threads change the registry only under
 * `reg_lock`; data lcores never take it (see onvm_shm.h and onvm_svc.h). */

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "mgr_flow.h"
#include "mgr_opts.h"
#include "onvm_bp.h"
#include "onvm_runtime.h"
#include "onvm_shm.h"
#include "onvm_wake.h"

extern int mgr_logtype;
#define MGR_LOG(l, fmt, ...) \
	rte_log(RTE_LOG_##l, mgr_logtype, "mgr: " fmt "\n", ##__VA_ARGS__)

/* Drop reasons, counted where they happen. */
#define foreach_mgr_drop                                               \
	_(RING_FULL, "ring_full")     /* an NF's rx ring was full */     \
	_(NO_INSTANCE, "no_instance") /* no live instance of a service */ \
	_(BAD_ACTION, "bad_action")   /* unknown verdict, port or service */ \
	_(TX_FULL, "tx_full")	      /* a port took fewer than offered */ \
	_(NF_DROP, "nf_drop")	      /* an NF's DROP verdict */          \
	_(NF_GONE, "nf_gone")	      /* left in a departed NF's rings */ \
	_(NF_TX_LOST, "nf_tx_lost")   /* an NF died inside a transmit */ \
	_(NF_RX_LOST, "nf_rx_lost")   /* ... inside a port rx (--nf-rx): \
				       * at most a burst */               \
	_(BACKPRESSURE, "backpressure") /* at the entry: an NF of the chain \
					 * is over its high watermark */ \
	_(SCALE_WAIT_FULL, "scale_wait_full") /* min 0: buffer full */   \
	_(SCALE_FAILED, "scale_failed") /* min 0: the first start failed */

enum mgr_drop {
#define _(sym, str) MGR_DROP_##sym,
	foreach_mgr_drop
#undef _
	MGR_DROP_MAX
};

extern const char *const mgr_drop_names[MGR_DROP_MAX];

/* Counters of one data lcore; only that lcore writes them. */
struct mgr_lcore_stats {
	uint64_t drop[MGR_DROP_MAX];
	uint64_t port_rx[ONVM_MAX_PORTS];
	uint64_t port_tx[ONVM_MAX_PORTS];
	uint64_t port_tx_full[ONVM_MAX_PORTS];
	uint64_t nf_ring_full[ONVM_MAX_NFS];
	uint64_t nf_bp_on[ONVM_MAX_NFS];	/* entered backpressure */
	uint64_t nf_bp_drops[ONVM_MAX_NFS];	/* entry drops it caused */
	uint64_t flow_lookups;		/* packets looked up in the flow table */
	uint64_t flow_hits;		/* ... that matched a rule */
	uint64_t scale_parked;		/* kept for a first instance (min 0) */
} __rte_cache_aligned;

struct mgr_buf {
	uint16_t n;
	struct rte_mbuf *pkts[ONVM_BURST];
};

struct mgr_lcore {
	unsigned int lcore_id;
	uint16_t idx;			/* 0 .. nb_lcores - 1; rcu thread id */
	uint16_t txq;			/* its tx queue on every port */
	uint16_t nb_rxq;		/* (port, queue) pairs it polls */
	uint16_t rxq_port[ONVM_MAX_PORTS];
	uint16_t rxq_id[ONVM_MAX_PORTS];

	/* destinations with buffered packets, one bit each */
	uint64_t dirty_nf;
	uint32_t dirty_port;
	struct mgr_buf nf_buf[ONVM_MAX_NFS];
	struct mgr_buf port_buf[ONVM_MAX_PORTS];

	struct mgr_lcore_stats st;
	uint64_t *flow_hits;		/* per rule index (mgr_flow.h) */
} __rte_cache_aligned;

/* An NF death, for the stats (control path). */
struct mgr_death {
	uint64_t detected_ns;		/* CLOCK_MONOTONIC */
	uint64_t reclaimed_ns;		/* its rings and burst given back */
	int32_t pid;
	uint16_t service_id;
	uint16_t instance_id;
	uint32_t freed;			/* packets freed from it */
};
#define MGR_DEATHS 64			/* the last ones kept */
#define MGR_EXIT_WAIT_MS 3000		/* for NFs that left, at shutdown */

/* How to start an NF: read from /proc at registration (mgr_watch.c), or
 * given by --launch (mgr_scale.c). */
#define MGR_CMDLINE_MAX 4096
struct mgr_launch {
	char exe[PATH_MAX];
	char cwd[PATH_MAX];
	char out[PATH_MAX];		/* "" to inherit the manager's */
	char err[PATH_MAX];
	char cmdline[MGR_CMDLINE_MAX];	/* NUL-separated argv */
	size_t cmdline_len;
};

struct mgr_ctx {
	struct mgr_opts opts;
	struct onvm_shm *shm;
	const char *prefix;

	uint16_t nb_ports;
	int ports_closed;
	char port_name[ONVM_MAX_PORTS][RTE_ETH_NAME_MAX_LEN];
	uint32_t ring_cap;		/* of every NF ring (data path copy) */
	uint32_t bp_high;		/* shm->bp_high (data path copy) */
	uint16_t nb_lcores;
	struct mgr_lcore *lcores;	/* nb_lcores, hugepage memory */
	struct rte_rcu_qsbr *qsbr;	/* data lcores are its readers */
	struct rte_mempool *pools[RTE_MAX_NUMA_NODES];

	struct mgr_flow *flow;		/* the flow table (mgr_flow.c) */
	pthread_mutex_t reg_lock;
	/* per service, the RCU token of the last flip of its lookup table
	 * (under reg_lock): the other buffer is free once it is done */
	uint64_t lut_token[ONVM_MAX_SERVICES];
	/* direct NF-to-NF edges (under reg_lock): the producer a slot's
	 * in_ring had before, until it passes a quiescent point */
	int16_t edge_prev[ONVM_MAX_NFS];
	uint64_t edge_prev_qs[ONVM_MAX_NFS];
	/* --nf-rx (under reg_lock): the slot the ports' rx was last handed
	 * to, until it has given them back (passed a quiescent point after
	 * rx_owner left it, or died), and its qs then */
	int16_t rx_granted;
	int rx_qs_valid;
	int rx_warned;			/* said that it does not give them back */
	uint64_t rx_qs;
	struct mgr_watch *watch;	/* pidfds, launch specs, restarts */
	struct mgr_scale *scale;	/* auto-scaling (mgr_scale.c) */
	struct mgr_death deaths[MGR_DEATHS];	/* under reg_lock */
	int32_t leaving[ONVM_MAX_NFS];	/* pids that left at shutdown */
	unsigned int nb_leaving;	/* under reg_lock */
	unsigned int nb_deaths;
	struct mgr_lcore_stats ctl_st;	/* drops counted by control paths */

	volatile int stop_req;		/* signal or --duration */
	volatile int quit;		/* data lcores leave their loop */
	int got_signal;
	uint64_t start_ns;
	char wait_missing[128];		/* services last logged as awaited */
	char err[256];			/* why set-up failed, one line */
};

/* Record why set-up failed; main() prints it as the last line. */
#define mgr_fail(ctx, fmt, ...) \
	snprintf((ctx)->err, sizeof((ctx)->err), fmt, ##__VA_ARGS__)

/* mgr_ports.c */
int mgr_pools_create(struct mgr_ctx *ctx);
int mgr_ports_init(struct mgr_ctx *ctx);
void mgr_ports_close(struct mgr_ctx *ctx);
void mgr_check_pools(struct mgr_ctx *ctx);

/* mgr_registry.c */
int mgr_registry_init(struct mgr_ctx *ctx);
void mgr_registry_fini(struct mgr_ctx *ctx);
int mgr_nf_reclaim(struct mgr_ctx *ctx, uint16_t slot, const char *why);
int mgr_nf_quiesce(struct mgr_ctx *ctx, uint16_t slot);
void mgr_check_nfs(struct mgr_ctx *ctx);
void mgr_edges_update(struct mgr_ctx *ctx);

int mgr_chain_ready(struct mgr_ctx *ctx, char *missing, size_t len);
unsigned int mgr_nb_nfs(struct mgr_ctx *ctx);
void mgr_drain_all(struct mgr_ctx *ctx);
void mgr_wait_leaving(struct mgr_ctx *ctx);

/* mgr_watch.c: liveness and restarts */
int mgr_watch_init(struct mgr_ctx *ctx);
int mgr_watch_start(struct mgr_ctx *ctx);
void mgr_watch_stop(struct mgr_ctx *ctx);
void mgr_watch_add(struct mgr_ctx *ctx, uint16_t slot);
void mgr_watch_forget(struct mgr_ctx *ctx, uint16_t slot);
void mgr_nf_died(struct mgr_ctx *ctx, uint16_t slot);
int mgr_watch_spec(struct mgr_ctx *ctx, uint16_t slot, struct mgr_launch *s);
int mgr_spawn(const struct mgr_launch *s);

/* mgr_scale.c: auto-scaling (policies in mgr_scale_policy.h) */
int mgr_scale_init(struct mgr_ctx *ctx);
int mgr_scale_start(struct mgr_ctx *ctx);
void mgr_scale_stop(struct mgr_ctx *ctx);
/* Data lcores: a packet for service @p sid, which has no instance. */
void mgr_scale_park(struct mgr_ctx *ctx, struct mgr_lcore *lc,
		    struct rte_mbuf *m, uint16_t sid);
/* reg_lock held: slot registered, not yet fed by another NF. */
void mgr_scale_registered(struct mgr_ctx *ctx, uint16_t slot);
/* reg_lock held: an NF asks for another instance of its service. */
int mgr_scale_request(struct mgr_ctx *ctx, uint16_t slot);
/* Does service @p sid scale (--scale, scale:)? Any thread. */
int mgr_scale_has_policy(const struct mgr_ctx *ctx, uint16_t sid);
/* Does service @p sid start on its first packet (min 0)? Any thread. */
int mgr_scale_on_demand(const struct mgr_ctx *ctx, uint16_t sid);
void mgr_scale_json(struct mgr_ctx *ctx, FILE *f);
void mgr_scale_print(struct mgr_ctx *ctx);
/* A service's policy and decisions, for onvmctl. reg_lock held.
 * @return 0, or -ENOENT if it has no policy and never scaled. */
struct mgr_scale_info {
	uint16_t min, max;
	uint64_t scale_out, scale_in;
	double value;
	const char *last;		/* the last decision and its reason */
};
int mgr_scale_info(struct mgr_ctx *ctx, uint16_t sid,
		   struct mgr_scale_info *out);

/* mgr_ctl.c: runtime control (onvmctl) over DPDK telemetry */
int mgr_ctl_init(struct mgr_ctx *ctx);
void mgr_ctl_fini(struct mgr_ctx *ctx);

/* mgr_rx.c: the data path */
int mgr_lcore_main(void *arg);

/* mgr_stats.c */
struct mgr_totals {
	struct mgr_lcore_stats st;
	struct rte_eth_stats eth[ONVM_MAX_PORTS];
};

void mgr_stats_init(struct mgr_ctx *ctx);
/* Counters summed over lcores and NFs, port stats read now: any thread. */
void mgr_stats_totals(struct mgr_ctx *ctx, struct mgr_totals *t);
uint64_t mgr_port_drops(const struct mgr_totals *t, uint16_t p);
/* "running", "stopping" or "stalled": any thread. */
const char *mgr_stats_nf_state(struct mgr_ctx *ctx, uint16_t slot);
void mgr_stats_report(struct mgr_ctx *ctx, int final);
void mgr_log_first_packets(struct mgr_ctx *ctx);
void mgr_check_stalls(struct mgr_ctx *ctx);

#endif /* MGR_H */
