/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_PKT_H
#define ONVM_PKT_H

/**
 * @file
 * Per-packet metadata and verdicts.
 *
 * Every mbuf carries a struct onvm_pkt_meta in a dynamic field that the
 * manager registers under ONVM_PKT_META_NAME. An NF sets one verdict per
 * packet; the NF library resets it to ONVM_ACT_NEXT before each burst, so
 * an NF that does nothing forwards along its chain.
 *
 * NFs never free or allocate mbufs: a packet marked ONVM_ACT_DROP is freed by
 * the manager. This keeps mempool operations (and their per-lcore caches)
 * on the side that owns a core, and lets the manager reclaim everything a
 * dead NF held.
 */

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Name of the mbuf dynamic field holding struct onvm_pkt_meta. */
#define ONVM_PKT_META_NAME "onvm_pkt_meta"

/** Verdicts an NF can give a packet. */
enum onvm_action {
	ONVM_ACT_NEXT = 0, /**< next service of the packet's chain, else out */
	ONVM_ACT_DROP = 1, /**< free it (the manager does) */
	ONVM_ACT_TONF = 2, /**< to an instance of service `dest` */
	ONVM_ACT_OUT = 3,  /**< out of port `dest` */
	ONVM_ACT_MAX
};

/** Per-packet metadata; 8 bytes. */
struct onvm_pkt_meta {
	uint8_t action;    /**< enum onvm_action, set by the NF */
	uint8_t chain_pos; /**< index in the chain of the service it is at */
	uint16_t dest;     /**< service id (TONF) or port id (OUT) */
	uint16_t chain_id; /**< the chain it follows, chosen at arrival (a
			    *   flow rule's, else the default); kept to the end */
	uint16_t reserved; /**< 0 */
};
/* The port a packet arrived on is the mbuf's own `port` field (its first
 * cache line), not here: the manager then rewrites nothing of a recycled
 * mbuf's metadata when it is what the packet needs (see mgr_rx.c). */

/** Offset of the metadata field; set when the NF attaches. */
extern int onvm_pkt_meta_offset;

/** The metadata of a packet. */
static inline struct onvm_pkt_meta *
onvm_pkt_meta(struct rte_mbuf *pkt)
{
	return RTE_MBUF_DYNFIELD(pkt, onvm_pkt_meta_offset,
				 struct onvm_pkt_meta *);
}

/**
 * Set the metadata of a packet an NF made itself (see onvm_nf_inject()):
 * default verdict, the default chain (onvm_nf_inject() sets its id and the
 * NF's place on it), arrived on port @p in_port (the port a NEXT verdict
 * at the end of the chain pairs with).
 */
static inline void
onvm_pkt_init(struct rte_mbuf *pkt, uint16_t in_port)
{
	struct onvm_pkt_meta *m = onvm_pkt_meta(pkt);

	m->action = ONVM_ACT_NEXT;
	m->chain_pos = 0;
	m->dest = 0;
	m->chain_id = 0;
	m->reserved = 0;
	pkt->port = in_port;
}

/** Send the packet to the next service of its chain (the default). */
static inline void
onvm_pkt_next(struct rte_mbuf *pkt)
{
	onvm_pkt_meta(pkt)->action = ONVM_ACT_NEXT;
}

/** Send the packet to an instance of service @p service_id. */
static inline void
onvm_pkt_to_service(struct rte_mbuf *pkt, uint16_t service_id)
{
	struct onvm_pkt_meta *m = onvm_pkt_meta(pkt);

	m->action = ONVM_ACT_TONF;
	m->dest = service_id;
}

/** Send the packet out of port @p port_id (through the manager). */
static inline void
onvm_pkt_out(struct rte_mbuf *pkt, uint16_t port_id)
{
	struct onvm_pkt_meta *m = onvm_pkt_meta(pkt);

	m->action = ONVM_ACT_OUT;
	m->dest = port_id;
}

/** Drop the packet; the manager frees it and counts it as this NF's drop. */
static inline void
onvm_pkt_drop(struct rte_mbuf *pkt)
{
	onvm_pkt_meta(pkt)->action = ONVM_ACT_DROP;
}

/** The port the packet came in on. */
static inline uint16_t
onvm_pkt_in_port(struct rte_mbuf *pkt)
{
	return pkt->port;
}

#ifdef __cplusplus
}
#endif

#endif /* ONVM_PKT_H */
