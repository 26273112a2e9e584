/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/*
 * onvm-pktgen's state, shared by the control code (pktgen.c, and
 * pktgen_nf.c for NF mode) and the data path (pktgen_dp.c).
 *
 * Threads: the main lcore runs the control loop and TX; it alone writes
 * struct pg_tx and struct pg_txc. The RX side (struct pg_rx, struct pg_rxc)
 * runs on the second lcore if one is given, else it is interleaved on the
 * main lcore. Each side's counters sit on their own cache line and are
 * written with relaxed atomic stores, so the main lcore reads them at any
 * time. The main lcore starts a new phase by bumping `epoch`; the RX side
 * then clears its state and echoes the epoch in `rx_epoch` (release/acquire).
 *
 * NF mode (--nf): one thread, the NF's, does everything. TX allocates from
 * the manager's pool (onvm_nf_pool(): no per-lcore cache, we run without an
 * lcore id) and hands the frames to the platform with onvm_nf_inject(); RX
 * is onvm_nf_poll(), whose burst handler measures each packet and gives it
 * the DROP verdict, so the manager frees it. Until a frame is injected it
 * is ours (t->pend); what is pending at the end goes back to the pool.
 */

#ifndef PKTGEN_H
#define PKTGEN_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "pktgen_lib.h"

struct onvm_nf;

extern int pg_logtype;
#define PG_LOG(l, fmt, ...) \
	rte_log(RTE_LOG_##l, pg_logtype, "pktgen: " fmt "\n", ##__VA_ARGS__)

#define PG_MAX_SIZES 12

/*
 * After this many loops with nothing sent or received, a loop yields the
 * CPU (unless --no-yield): on a core shared with an NF, the NF runs instead
 * of waiting for our time slice to end. Flat out never idles.
 */
#define PG_IDLE_SPINS 256

/* TX state: main lcore only. */
struct pg_tx {
	struct rte_mempool *pool;
	uint16_t port;
	uint16_t burst;
	uint32_t flows;
	enum pg_proto proto;
	struct pg_tmpl tmpl[2];		/* [0] UDP (or TCP alone), [1] TCP for mix */
	uint16_t sizes[PG_MAX_SIZES];
	unsigned int nb_sizes;
	const struct pg_pcap *pcap;	/* NULL: synthetic frames */
	uint32_t *pcap_seq;		/* per pcap flow: the last seq sent */
	struct onvm_nf *nf;		/* NF mode: inject instead of a port */
	uint16_t to_sid;		/* NF mode: --to; 0: NEXT on the chain */
	int zero_tail;			/* a shared pool: zero after the stamp */

	/* the running phase */
	uint32_t magic;
	uint32_t flow, seq;		/* next synthetic packet's */
	unsigned int size_i;
	uint32_t pcap_i;		/* next pcap frame */
	uint64_t built, limit;		/* packets made; 0: no limit */
	double cpp;			/* TSC cycles per packet; 0: flat out */
	double paid;			/* TSC up to which packets were sent */
	double next;			/* paid + thr * cpp: when to send again */
	double cap;			/* most credit kept, in cycles */
	uint32_t thr;			/* send once this many are due */
	uint16_t npend;			/* built, not yet taken by the port */
	struct rte_mbuf *pend[PG_MAX_BURST];
	uint8_t pend_tail[PG_MAX_BURST];	/* pcap: 1 if stamp appended */
};

struct pg_txc {
	uint64_t tx, tx_bytes;
	uint64_t tx_full;		/* bursts the port (NF mode: our tx
					 * ring) took only part of */
	uint64_t alloc_fail;		/* rte_pktmbuf_alloc_bulk failures */
} __rte_cache_aligned;

/* RX state: the RX side only. */
struct pg_rx {
	uint16_t port;
	uint16_t burst;
	uint32_t flows;
	int pcap;			/* stamps at the frame's tail */
	uint32_t nonce, epoch, magic;
	double ns_per_cycle;
	uint32_t *max_seq;		/* per flow: highest seq seen (0: none) */
	struct pg_hist hist;		/* latency, ns */
};

/*
 * rx counts this phase's packets: stamped ones, and with --pcap also those
 * sent without a stamp (rx_unstamped). other: another phase's or not ours.
 */
struct pg_rxc {
	uint64_t rx, rx_bytes;
	uint64_t reordered, duplicates;
	uint64_t unstamped;
	uint64_t other;
	uint64_t lat_bad;		/* TSC went backwards: not recorded */
} __rte_cache_aligned;

struct pg_ctx {
	struct pg_opts o;
	uint64_t hz;
	uint32_t nonce;			/* 24 bits, this run's, in every magic */
	unsigned int rx_lcore;		/* RTE_MAX_LCORE: RX interleaved */

	struct pg_tx tx;
	struct pg_txc txc;

	struct pg_rx rx;
	struct pg_rxc rxc;

	/*
	 * NF mode: what onvm_nf_poll() last returned below 0: -ESHUTDOWN (the
	 * manager stops, or asked us to go; or we asked) or -ENOTCONN (the
	 * manager died). Then nothing is polled or sent any more.
	 */
	int nf_exit;

	/* main lcore -> RX side */
	uint32_t epoch __rte_cache_aligned;
	uint32_t rx_quit;
	/* RX side -> main lcore */
	uint32_t rx_epoch __rte_cache_aligned;
};

/* pktgen_dp.c */
void pg_tx_phase(struct pg_ctx *c, uint32_t epoch, double rate_pps,
		 uint64_t limit, uint64_t now);
uint16_t pg_tx_step(struct pg_ctx *c, uint64_t now);
void pg_tx_abandon(struct pg_ctx *c);
int pg_tx_done(const struct pg_ctx *c);
uint16_t pg_rx_step(struct pg_ctx *c);
int pg_rx_lcore(void *arg);
void pg_nf_burst(struct onvm_nf *nf, struct rte_mbuf **pkts, uint16_t n);

/* pktgen.c: shared by both modes */
void pg_signals_install(void);
int pg_stopping(const struct pg_ctx *c);
int pg_json_check(const char *path, char *err, size_t errlen);
int pg_ctx_init(struct pg_ctx *c, struct rte_mempool *tx_pool,
		const struct pg_pcap *pcap, char *err, size_t errlen);
int pg_pcap_open(struct pg_ctx *c, struct pg_pcap *pcap, char *err,
		 size_t errlen);
int pg_wait_path(struct pg_ctx *c, uint64_t end, char *err, size_t errlen);
int pg_measure(struct pg_ctx *c, char *err, size_t errlen);
void pg_ctx_free(struct pg_ctx *c);

/* pktgen_nf.c */
int pg_nf_main(int argc, char **argv);

#endif /* PKTGEN_H */
