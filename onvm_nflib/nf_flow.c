/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Flow rules from an NF (control path): the rule is checked and written in
 * canonical form here, then sent to the manager, which owns the flow
 * table, over DPDK IPC (onvm_msg.h). And a packet's flow as rule text. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>

#include "nf_internal.h"
#include "onvm_flow.h"
#include "onvm_msg.h"

int
onvm_pkt_flow_get(const struct rte_mbuf *pkt, struct onvm_pkt_flow *f)
{
	struct onvm_flow fl;
	struct onvm_flow_key k;

	onvm_flow_parse(rte_pktmbuf_mtod(pkt, const uint8_t *),
			rte_pktmbuf_data_len(pkt), &fl);
	if (onvm_flow_key_get(&fl, ONVM_FLOW_PORT_ANY, &k) < 0)
		return -EINVAL;
	f->ip_version = k.ip_version;
	f->proto = k.proto;
	f->sport = rte_be_to_cpu_16(k.sport);
	f->dport = rte_be_to_cpu_16(k.dport);
	memcpy(f->src, k.src, sizeof(f->src));
	memcpy(f->dst, k.dst, sizeof(f->dst));
	return 0;
}

int
onvm_pkt_flow_str(const struct onvm_pkt_flow *f, char *buf, size_t len)
{
	struct onvm_flow_rule r;

	memset(&r, 0, sizeof(r));
	memcpy(r.key.src, f->src, f->ip_version == 4 ? 4 : 16);
	memcpy(r.key.dst, f->dst, f->ip_version == 4 ? 4 : 16);
	r.key.sport = rte_cpu_to_be_16(f->sport);
	r.key.dport = rte_cpu_to_be_16(f->dport);
	r.key.in_port = ONVM_FLOW_PORT_ANY;
	r.key.proto = f->proto;
	r.key.ip_version = f->ip_version;
	return onvm_flow_rule_format(&r, buf, len);
}

static int
nf_flow_request(struct onvm_nf *nf, uint32_t op, const char *text)
{
	struct onvm_flow_rule r;
	struct onvm_msg_flow req;
	struct onvm_msg_flow_rep rep;
	struct rte_mp_msg msg;
	struct rte_mp_reply reply;
	struct timespec ts = { .tv_sec = ONVM_MSG_TIMEOUT_MS / 1000,
			       .tv_nsec = (ONVM_MSG_TIMEOUT_MS % 1000) * 1000000L };
	int rc;

	nf->flow_err[0] = '\0';
	if (onvm_flow_rule_parse(text, op == ONVM_MSG_FLOW_ADD, &r,
				 nf->flow_err, sizeof(nf->flow_err)) < 0)
		return -EINVAL;
	if (!nf->registered || !nf_manager_alive(nf)) {
		snprintf(nf->flow_err, sizeof(nf->flow_err),
			 "no manager to send the rule to");
		return -ENOTCONN;
	}
	memset(&req, 0, sizeof(req));
	req.op = op;
	req.shm_version = ONVM_SHM_VERSION;
	req.pid = getpid();
	req.slot = nf->slot_idx;
	if (onvm_flow_rule_format(&r, req.text, sizeof(req.text)) < 0) {
		snprintf(nf->flow_err, sizeof(nf->flow_err), "rule too long");
		return -EINVAL;
	}

	memset(&msg, 0, sizeof(msg));
	snprintf(msg.name, sizeof(msg.name), "%s", ONVM_MP_ACTION);
	msg.len_param = sizeof(req);
	memcpy(msg.param, &req, sizeof(req));
	memset(&reply, 0, sizeof(reply));
	if (rte_mp_request_sync(&msg, &reply, &ts) < 0 ||
	    reply.nb_received != 1) {
		free(reply.msgs);
		snprintf(nf->flow_err, sizeof(nf->flow_err),
			 "the manager did not answer");
		return -ETIMEDOUT;
	}
	if (reply.msgs[0].len_param < (int)sizeof(rep)) {
		snprintf(nf->flow_err, sizeof(nf->flow_err),
			 "the manager runs a different onvm version");
		rc = -EPROTO;
	} else {
		memcpy(&rep, reply.msgs[0].param, sizeof(rep));
		rep.err[sizeof(rep.err) - 1] = '\0';
		rc = rep.rc;
		if (rc < 0)
			snprintf(nf->flow_err, sizeof(nf->flow_err), "%s",
				 rep.err[0] ? rep.err : strerror(-rc));
	}
	free(reply.msgs);
	return rc;
}

int
onvm_nf_flow_add(struct onvm_nf *nf, const char *rule)
{
	if (nf == NULL || rule == NULL)
		return -EINVAL;
	return nf_flow_request(nf, ONVM_MSG_FLOW_ADD, rule);
}

int
onvm_nf_flow_del(struct onvm_nf *nf, const char *match)
{
	if (nf == NULL || match == NULL)
		return -EINVAL;
	return nf_flow_request(nf, ONVM_MSG_FLOW_DEL, match);
}

const char *
onvm_nf_flow_error(const struct onvm_nf *nf)
{
	return nf != NULL ? nf->flow_err : "";
}
