/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_MSG_H
#define ONVM_MSG_H

/* Control messages NF -> manager, carried by DPDK's multi-process IPC
 * (rte_mp_request_sync on the action ONVM_MP_ACTION). They never touch the
 * packet path. Each must fit RTE_MP_MAX_PARAM_LEN (256) bytes. */

#include <stdint.h>

#include "onvm_flow.h"
#include "onvm_limits.h"

#define ONVM_MP_ACTION "onvm_ctl"
/* Generous: on a loaded host the manager's IPC thread may wait seconds for
 * a CPU, and an NF that gives up too early registers and leaves at once. */
#define ONVM_MSG_TIMEOUT_MS 10000

enum onvm_msg_op {
	ONVM_MSG_REGISTER = 1,
	ONVM_MSG_UNREGISTER = 2,
	ONVM_MSG_QUIESCE = 3,		/* take me out of my service */
	ONVM_MSG_FLOW_ADD = 4,		/* struct onvm_msg_flow: add a rule */
	ONVM_MSG_FLOW_DEL = 5,		/* ... remove the rule of a match */
	ONVM_MSG_SCALE_OUT = 6,		/* start another instance of mine */
};

/* Every request starts with these two words; the rest depends on op. */

#define ONVM_REQ_SHARED_CORE 0x1u	/* the NF sleeps when idle */

struct onvm_msg_req {
	uint32_t op;			/* enum onvm_msg_op */
	uint32_t shm_version;		/* ONVM_SHM_VERSION the NF was built for */
	int32_t pid;
	uint16_t service_id;
	int32_t instance_id;		/* -1: any */
	uint16_t slot;			/* UNREGISTER */
	int16_t cpu;			/* the one CPU it is pinned to, or -1 */
	uint16_t flags;			/* ONVM_REQ_* (REGISTER) */
	uint64_t start_ns;
	char tag[ONVM_TAG_LEN];
	char name[ONVM_TAG_LEN];
};

struct onvm_msg_rep {
	int32_t rc;			/* 0 or -errno */
	uint16_t slot;
	uint16_t instance_id;
};

/* ONVM_MSG_FLOW_ADD and ONVM_MSG_FLOW_DEL: a rule's or a match's text
 * (mgr_flow.h); the manager's answer is struct onvm_msg_flow_rep. */
struct onvm_msg_flow {
	uint32_t op;
	uint32_t shm_version;
	int32_t pid;
	uint16_t slot;			/* the asking NF's */
	char text[ONVM_FLOW_TEXT_LEN];
};

struct onvm_msg_flow_rep {
	int32_t rc;			/* 0 or -errno */
	char err[200];			/* one line when rc < 0 */
};

#endif /* ONVM_MSG_H */
