/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef NF_INTERNAL_H
#define NF_INTERNAL_H

/* State of the one NF instance of this process. Only the NF's own thread
 * touches it, except `stop`, which signal handlers set. */

#include <signal.h>
#include <stdint.h>

#include <rte_log.h>

#include "onvm_nf.h"
#include "onvm_runtime.h"
#include "onvm_shm.h"

extern int nf_logtype;
#define NF_LOG(l, fmt, ...) \
	rte_log(RTE_LOG_##l, nf_logtype, "nf: " fmt "\n", ##__VA_ARGS__)

#define NF_MAX_RXQ 64	/* (port, queue) pairs an NF polls (--nf-rx) */

/* Why the run loop ended. */
enum nf_exit {
	NF_EXIT_NONE = 0,
	NF_EXIT_REQUESTED,	/* signal or onvm_nf_request_stop() */
	NF_EXIT_MGR_STOP,	/* the manager shut down cleanly */
	NF_EXIT_MGR_ASKED,	/* the manager asked this NF to leave */
	NF_EXIT_MGR_DEAD,	/* the manager died */
};

struct onvm_nf {
	struct onvm_shm *shm;
	struct onvm_nf_slot *slot;
	struct rte_ring *rx;
	struct rte_ring *tx;
	struct rte_ring *in;		/* from the NF before us, directly */
	struct rte_mempool *pool;	/* the manager's (first) packet pool */
	unsigned int eal_lcore;		/* our EAL lcore id (we run without) */
	unsigned int cache_lcore;	/* ONVM_NF_CACHE_LCORE(slot_idx) */
	uint16_t slot_idx;
	uint16_t service_id;
	uint16_t instance_id;
	int registered;
	int eal_up;
	volatile sig_atomic_t stop;
	enum nf_exit exit_reason;

	onvm_tick_handler_t tick;
	uint64_t tick_cycles;
	uint64_t next_tick;

	/* manager liveness, checked between bursts */
	uint64_t hb_seen;
	uint64_t hb_changed_tsc;
	uint64_t next_check;
	uint64_t check_cycles;

	/* --nf-tx: the tx queue this NF sends on, per port; NF_NO_TXQ:
	 * through the manager */
	int direct_tx;
	uint16_t nb_ports;
	uint16_t txq[ONVM_MAX_PORTS];

	/* --nf-rx: the (port, queue) pairs we poll while shm->rx_owner is
	 * our slot, in turn */
	uint16_t nb_rxq;
	uint16_t rx_next;
	uint16_t rxq_port[NF_MAX_RXQ];
	uint16_t rxq_id[NF_MAX_RXQ];

	/* the next NF, found not to consume for stuck_cycles: through the
	 * manager until its qs moves again */
	uint16_t stuck_slot;
	uint64_t stuck_qs;
	uint64_t stuck_cycles;

	onvm_stop_handler_t stop_handler;	/* runs once in onvm_nf_stop() */
	void *stop_arg;

	char flow_err[200];		/* why the last flow rule call failed */
	uint64_t start_ns;		/* entry to onvm_nf_start() */
	int shared_cpu;			/* another NF runs on our CPU */
	int sleepy;			/* shared-core: sleep when idle */
	uint64_t bp_bit;		/* our slot's bit in shm->bp_mask */
	void *data;
	char prog[ONVM_TAG_LEN];	/* basename of argv[0], for messages */
	char name[ONVM_TAG_LEN];
	char prefix[ONVM_PREFIX_LEN];
};

#define NF_NO_TXQ UINT16_MAX
#define NF_NO_SLOT UINT16_MAX
#define NF_STUCK_MS 5	/* a next NF that does not consume for this long */

/* Housekeeping between bursts: manager state and liveness, ticks.
 * @return non-zero when the loop must end (nf->exit_reason says why). */
int nf_housekeeping(struct onvm_nf *nf, uint64_t tsc);

/* Ask the manager to stop sending to us. @return 0, or -errno. */
int nf_leave_service(struct onvm_nf *nf);

/* Does the manager's process still exist? */
int nf_manager_alive(const struct onvm_nf *nf);

#endif /* NF_INTERNAL_H */
