/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_SHM_H
#define ONVM_SHM_H

/* The manager's shared tables, in one memzone (ONVM_MZ_SHM) that every NF
 * maps at the same address as the manager (DPDK multi-process), so data
 * pointers (rings) are valid everywhere. Function pointers never live here:
 * with ASLR they differ per process.
 *
 * Writers and order:
 *  - the manager's control path (registration, liveness, shutdown) writes
 *    the header, the service table and the control half of each NF slot,
 *    under the manager's registry lock; the chain table and the default
 *    chain id under its flow lock (onvm_mgr/mgr_flow.c);
 *  - an NF writes only the counters of its own slot (`nf`), from its one
 *    thread;
 *  - the manager's data lcores and the NFs read the chains, the service
 *    table and slot states without locks (see onvm_svc.h for the
 *    publication order). A chain entry is written in full before its id
 *    is published (default_chain, a flow rule), and reused only long after
 *    it was last published (see mgr_flow.c).
 * State words are read with __atomic_load_n(ACQUIRE) and written with
 * __atomic_store_n(RELEASE). */

#include <stdint.h>

#include <rte_common.h>
#include <rte_memory.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "onvm_chain.h"
#include "onvm_limits.h"
#include "onvm_pkt.h"
#include "onvm_svc.h"

#define ONVM_MZ_SHM "onvm_shm"
#define ONVM_SHM_MAGIC 0x6f6e766dU /* "onvm" */
#define ONVM_SHM_VERSION 9

/* The lcore id under which the NF in slot @p s uses its mempool cache, only
 * while it transmits (--nf-tx; see struct onvm_nf_held, cache_busy). The
 * top ONVM_MAX_NFS lcore ids are kept for this: the manager's own lcores
 * must stay below ONVM_NF_CACHE_LCORE_MIN. */
#define ONVM_NF_CACHE_LCORE(s) ((unsigned int)(RTE_MAX_LCORE - 1 - (s)))
#define ONVM_NF_CACHE_LCORE_MIN ONVM_NF_CACHE_LCORE(ONVM_MAX_NFS - 1)
_Static_assert(RTE_MAX_LCORE >= 2 * ONVM_MAX_NFS,
	       "too few lcore ids for the NFs' mempool caches");

/* shm->flags */
#define ONVM_F_NF_TX 0x1u	/* NFs transmit to ports themselves (--nf-tx) */
#define ONVM_F_SHARED_CORE 0x2u	/* every NF sleeps when idle (--shared-core) */
#define ONVM_F_NF_RX 0x4u	/* the first NF may poll the ports (--nf-rx) */

/* shm->rx_owner: who polls the ports' rx queues (--nf-rx). A slot number
 * (>= 0) is the NF that does. */
#define ONVM_RX_MGR (-1)	/* the manager's data lcores */
#define ONVM_RX_NONE (-2)	/* nobody, while it changes hands */

/* Drivers whose ports an NF can open in its own process, to transmit
 * (--nf-tx) or receive (--nf-rx): their secondary-process probe only
 * attaches to the shared state. */
static inline int
onvm_port_driver_shared(const char *driver)
{
	return __builtin_strcmp(driver, "net_null") == 0 ||
	       __builtin_strcmp(driver, "net_ring") == 0;
}

enum onvm_mgr_state {
	ONVM_MGR_STARTING = 0,	/* tables up, ports not yet polled */
	ONVM_MGR_RUNNING = 1,
	ONVM_MGR_STOPPING = 2,	/* NFs should leave */
};

enum onvm_nf_state {
	ONVM_NF_FREE = 0,
	ONVM_NF_RUNNING = 1,	/* registered, in its service */
	ONVM_NF_STOPPING = 2,	/* out of its service, rings draining */
};

#define ONVM_WAKE_HIST 16	/* wake-up latency buckets, powers of 2 us */

/* Counters an NF writes about itself; one writer, read by the manager. */
struct onvm_nf_counters {
	uint64_t rx;		/* packets dequeued from the rx ring */
	uint64_t tx;		/* packets handed back with a non-drop verdict */
	uint64_t drop;		/* packets the NF marked ONVM_ACT_DROP */
	uint64_t first_pkt_ns;	/* CLOCK_MONOTONIC of the first packet out */
	uint64_t heartbeat;	/* bumped every ~10 ms while the NF runs */
	uint64_t qs;		/* bumped between bursts and while idle: the
				 * NF holds no decision taken before (see
				 * struct onvm_nf_slot, in_from) */
	uint64_t injected;	/* packets the NF made (onvm_nf_inject) */
	uint64_t sleeps;	/* shared-core: times it went to sleep */
	uint64_t wakes;		/* ... and was woken by a producer (the
				 * rest: its timeout, a signal) */
	uint64_t wake_late;	/* woke by its timeout with packets queued:
				 * a wake-up that came too late or was lost */
	uint64_t bp_clears;	/* backpressure ended when it dequeued */
	uint64_t wake_cycles;	/* sum of wake-up latencies (TSC): from the
				 * producer's FUTEX_WAKE to the NF running */
	uint64_t wake_cycles_max;
	uint64_t wake_hist[ONVM_WAKE_HIST];	/* by latency: [0] < 1 us,
				 * [i] < 2^i us, the last: the rest */
	uint64_t rx_ready;	/* --nf-rx: the NF opened every port and can
				 * poll them when the manager hands them over */
	uint64_t port_rx[ONVM_MAX_PORTS];	/* received by the NF itself */
	uint64_t port_tx[ONVM_MAX_PORTS];	/* sent by the NF itself */
	uint64_t port_tx_full[ONVM_MAX_PORTS];	/* ... refused by the port */
} __rte_cache_aligned;

/* The record that lets the manager give back the burst an NF held when it
 * died (written only by the NF, read by the manager only after its death).
 *
 * The NF peeks a burst from its rx ring, or from its in_ring (below; the
 * same holds for it) (rte_ring_dequeue_burst_start: the
 * consumer head moves, the tail does not, and the entries stay in the ring
 * storage, which the producer cannot reuse before the tail), records where
 * its tx ring's producer tail was, hands the burst back on the tx ring, and
 * only then finishes the rx dequeue (tail = head). After a death the NF
 * held exactly the rx entries between consumer tail and head, read from the
 * ring itself; of those, the first (tx prod.tail - tx_mark) had reached the
 * tx ring if tx_marked is set.
 *
 * A burst may also be split (`split` set): pkts[0, n_dir) went straight to
 * the in_ring of the NF in slot d_slot (published: that ring's prod.tail -
 * d_mark, if d_marked), pkts[n_dir, n_mgr) to the tx ring (tx_mark as
 * above), and with --nf-tx pkts[n_mgr, n) to ports, by the NF itself.
 * Once `port_sent` is set the port group is in the PMD's hands (it may
 * free them at once, as net_null does): the manager never frees those,
 * and counts them lost if the NF died before the burst was finished.
 *
 * While it transmits, the NF frees into a mempool cache of its own (lcore
 * id ONVM_NF_CACHE_LCORE(slot)), with `cache_busy` set. After a death the
 * manager flushes that cache to the pool, unless cache_busy was set: then
 * the cache may be half-written, and its mbufs are counted lost instead of
 * risking a double free.
 *
 * With --nf-rx the NF also receives from the ports, into pkts[] (free
 * between bursts), with `rx_busy` (and cache_busy) set while the PMD runs:
 * a death there loses what the PMD had taken, at most a burst, counted
 * nf_rx_lost. Then pkts[0, rx_n) is the burst the NF holds, in place of
 * a ring's peeked entries, until it is passed on: the records above apply
 * to it (held = rx_n). A burst that must be split per packet goes through
 * the in_ring first (rx_marked: published = in_ring prod.tail - rx_mark),
 * and from there like any other. */
struct onvm_nf_held {
	uint32_t tx_mark;		/* tx ring prod.tail before handing back */
	uint32_t tx_marked;		/* tx_mark is valid for this burst */
	uint32_t d_mark;		/* in_ring prod.tail of d_slot, before */
	uint32_t d_marked;
	uint32_t split;			/* pkts[] describes the held burst */
	uint32_t port_sent;		/* pkts[n_mgr, n) handed to ports */
	uint32_t cache_busy;		/* in a mempool op on the NF's cache */
	uint32_t rx_busy;		/* in a port's rx burst (--nf-rx) */
	uint32_t rx_mark;		/* in_ring prod.tail before, if */
	uint32_t rx_marked;		/* ... pkts[0, rx_n) go to the in_ring */
	uint16_t rx_n;			/* pkts[0, rx_n) received, held */
	uint16_t d_slot;
	uint16_t n_dir;
	uint16_t n_mgr;
	uint16_t n;
	struct rte_mbuf *pkts[ONVM_BURST];
} __rte_cache_aligned;

/* A port as the manager set it up, for NFs that transmit (--nf-tx). */
struct onvm_port_info {
	char name[ONVM_PORT_NAME_LEN];	/* ethdev name, e.g. net_null0 */
	char driver[ONVM_PORT_NAME_LEN];
	uint16_t nb_rxq;		/* rx queues configured */
	uint16_t nb_txq;		/* tx queues configured */
	uint16_t nf_txq_base;		/* slot s transmits on base + s */
};

struct onvm_nf_slot {
	/* control: the manager writes, under its registry lock */
	uint32_t state;			/* enum onvm_nf_state */
	uint32_t stop_req;		/* manager asks the NF to leave */
	int32_t pid;
	uint16_t service_id;
	uint16_t instance_id;
	int16_t cpu;			/* the NF's one CPU, or -1 if it floats */
	uint64_t start_ns;		/* NF's CLOCK_MONOTONIC at start */
	uint64_t reg_ns;		/* manager's CLOCK_MONOTONIC at register */
	char tag[ONVM_TAG_LEN];
	char name[ONVM_TAG_LEN];
	struct rte_ring *rx_ring;	/* manager -> NF; producers: mgr lcores */
	struct rte_ring *tx_ring;	/* NF -> manager; SP: the NF, SC */
	/* Shared-core mode (see onvm_wake.h). `sleepy` is set at
	 * registration, before the slot is published, and never changes while
	 * the NF lives: producers test it first, so NFs that never sleep cost
	 * them one load of this line, which they read anyway (rx_ring).
	 * `sleeping` is 1 while the NF waits on it (futex, shared between
	 * processes); whoever clears it (atomic exchange) wakes the NF. */
	uint32_t sleepy;
	uint32_t sleeping;
	uint64_t wake_tsc;		/* when the last waker called FUTEX_WAKE */
	/* Direct NF-to-NF handoff: in_ring takes packets from the NF in slot
	 * in_from only (-1: none), its single producer. The manager sets
	 * in_from to -1 at once, but to another slot only once the previous
	 * producer is dead or has passed a quiescent point (nf.qs moved), so
	 * two NFs never produce into it at once. */
	struct rte_ring *in_ring;	/* SP: NF in_from, SC: this NF */
	int16_t in_from;

	struct onvm_nf_counters nf;	/* the NF writes */
	struct onvm_nf_held held;	/* the NF writes */
} __rte_cache_aligned;

struct onvm_shm {
	uint32_t magic;
	uint32_t version;
	uint32_t mgr_state;		/* enum onvm_mgr_state */
	int32_t mgr_pid;
	uint64_t mgr_heartbeat;		/* bumped by the manager every 100 ms */
	uint64_t tsc_hz;

	int32_t meta_offset;		/* of ONVM_PKT_META_NAME */
	uint32_t ring_size;
	uint16_t nb_ports;
	uint16_t nb_pools;
	uint32_t flags;			/* ONVM_F_* */
	/* Backpressure (see onvm_bp.h): a slot's bit is set in bp_mask by a
	 * data lcore that left its rx ring at or above bp_high entries, and
	 * cleared (atomic AND) by the NF or the manager's control thread once
	 * it is at or below bp_low. bp_high 0: off. */
	uint32_t bp_high;
	uint32_t bp_low;
	uint64_t bp_mask;
	/* --nf-rx: ONVM_RX_MGR, ONVM_RX_NONE or the slot of the NF that polls
	 * every rx queue of every port. Data lcores poll only while it is
	 * ONVM_RX_MGR; the manager's control path changes it (under its
	 * registry lock), always through ONVM_RX_NONE: to an NF only after
	 * every data lcore has passed a quiescent point, back to the manager
	 * only after the NF has (its nf.qs moved, read after a fence, see
	 * nf_loop.c) or died. */
	int16_t rx_owner;
	struct onvm_port_info port[ONVM_MAX_PORTS];
	char pool_ops[RTE_MEMPOOL_OPS_NAMESIZE];
	char pool_name[RTE_MAX_NUMA_NODES][RTE_MEMPOOL_NAMESIZE];

	/* Chains by id: a packet's metadata names its chain (chain_id),
	 * chosen when it arrives (a flow rule's, else the default) and kept
	 * to the end. Chain 0 is the default at start; --flow rules and
	 * onvm_nf_flow_add() add others; a new default takes a new id. */
	uint16_t default_chain;		/* id of the default chain */
	struct onvm_chain chains[ONVM_MAX_CHAINS];
	struct onvm_service svc[ONVM_MAX_SERVICES];
	struct onvm_nf_slot nf[ONVM_MAX_NFS];
};

/** The chain of a packet's chain id (masked: any id reads a valid entry). */
static inline const struct onvm_chain *
onvm_chain_of(const struct onvm_shm *shm, uint16_t chain_id)
{
	return &shm->chains[chain_id & (ONVM_MAX_CHAINS - 1)];
}

/** The id of the default chain, for packets that match no rule. */
static inline uint16_t
onvm_default_chain_id(const struct onvm_shm *shm)
{
	return __atomic_load_n(&shm->default_chain, __ATOMIC_ACQUIRE);
}

#endif /* ONVM_SHM_H */
