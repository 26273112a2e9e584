/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_FLOW_H
#define ONVM_FLOW_H

/* Classifying a frame into a flow, safely: any byte string, of any length,
 * gives a result and reads nothing past its end. No rte_ calls: unit-tested
 * and fuzzed (tests/fuzz/). */

#include <stdint.h>

enum onvm_flow_kind {
	ONVM_FLOW_L2 = 0,	/* not IP (ARP, LLDP, ...): Ethernet addresses */
	ONVM_FLOW_IP,		/* IP addresses and protocol, no ports */
	ONVM_FLOW_L4,		/* IP addresses, protocol and L4 ports */
	ONVM_FLOW_TRUNCATED,	/* too short for the headers it announces, or
				 * malformed (IHL < 5, wrong IP version) */
};

struct onvm_flow {
	uint8_t kind;		/* enum onvm_flow_kind */
	uint8_t ip_version;	/* 4, 6 or 0 */
	uint8_t proto;		/* IP protocol */
	uint8_t fragment;	/* an IP fragment: ports are not used */
	uint16_t vlan;		/* outer VLAN id, 0 if none */
	uint16_t sport, dport;	/* network order; 0 unless ONVM_FLOW_L4 */
	uint8_t src[16], dst[16];	/* IPv4 in the first 4 bytes; MACs in 6 */
};

/**
 * Classify the frame at @p p of @p len bytes: Ethernet, up to two VLAN tags
 * (802.1Q, 802.1ad), IPv4 (options skipped) or IPv6 (hop-by-hop, routing,
 * destination options and fragment headers skipped), then TCP, UDP or SCTP
 * ports. Fragments are classified by addresses and protocol only, so all
 * fragments of a datagram stay together.
 */
void onvm_flow_parse(const uint8_t *p, uint32_t len, struct onvm_flow *f);

/** A hash of the flow for balancing; equal flows hash equal. */
uint32_t onvm_flow_hash(const struct onvm_flow *f);

#endif /* ONVM_FLOW_H */
