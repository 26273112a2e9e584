/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_MSG_H
#define ONVM_MSG_H

/* Control messages NF -> manager, carried by DPDK's multi-process IPC
 * (rte_mp_request_sync on the action ONVM_MP_ACTION). They never touch the
 * packet path. Each must fit RTE_MP_MAX_PARAM_LEN (256) bytes. */

#include <stdint.h>

#include "onvm_limits.h"

#define ONVM_MP_ACTION "onvm_ctl"
#define ONVM_MSG_TIMEOUT_MS 2000

enum onvm_msg_op {
	ONVM_MSG_REGISTER = 1,
	ONVM_MSG_UNREGISTER = 2,
	ONVM_MSG_QUIESCE = 3,		/* take me out of my service */
};

struct onvm_msg_req {
	uint32_t op;			/* enum onvm_msg_op */
	uint32_t shm_version;		/* ONVM_SHM_VERSION the NF was built for */
	int32_t pid;
	uint16_t service_id;
	int32_t instance_id;		/* -1: any */
	uint16_t slot;			/* UNREGISTER */
	int16_t cpu;			/* the one CPU it is pinned to, or -1 */
	uint64_t start_ns;
	char tag[ONVM_TAG_LEN];
	char name[ONVM_TAG_LEN];
};

struct onvm_msg_rep {
	int32_t rc;			/* 0 or -errno */
	uint16_t slot;
	uint16_t instance_id;
};

#endif /* ONVM_MSG_H */
