/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_FLOW_H
#define ONVM_FLOW_H

/* Classifying a frame into a flow, safely: any byte string, of any length,
 * gives a result and reads nothing past its end; the key of the manager's
 * flow table and the text of its rules. No rte_ calls: unit-tested and
 * fuzzed (tests/fuzz/). */

#include <stddef.h>
#include <stdint.h>

#include "onvm_chain.h"

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

/* ---------------------------------------------------------------- rules */

#define ONVM_FLOW_PORT_ANY 0xffff	/* a rule without "in PORT" */
#define ONVM_FLOW_TEXT_LEN 200		/* a rule's text, with NUL; the
					 * longest canonical rule is 157 */

/* The key of the manager's flow table (rte_hash), 40 bytes with no hole:
 * zero-filled before use, compared byte by byte. */
struct onvm_flow_key {
	uint8_t src[16];	/* IPv4 in the first 4 bytes, the rest 0 */
	uint8_t dst[16];
	uint16_t sport;		/* network order; 0 for protocols without */
	uint16_t dport;
	uint16_t in_port;	/* ONVM_FLOW_PORT_ANY: from any port */
	uint8_t proto;
	uint8_t ip_version;	/* 4 or 6 */
};

/* A rule: packets whose key matches take chain `chain`. */
struct onvm_flow_rule {
	struct onvm_flow_key key;
	struct onvm_chain chain;	/* len 0 in a match (to delete) */
};

/**
 * The key of a parsed frame arriving on @p in_port (or
 * ONVM_FLOW_PORT_ANY), if a rule can match it: IPv4 or IPv6, not a
 * fragment, headers complete. Non-IP frames, fragments and truncated
 * headers have none: they take the default chain.
 * @return 0, or -1 if the frame has no key.
 */
int onvm_flow_key_get(const struct onvm_flow *f, uint16_t in_port,
		      struct onvm_flow_key *k);

/**
 * The hash of a key, without its in_port: the same for every port, so one
 * hash serves a lookup with the port and one without, and balancing.
 */
uint32_t onvm_flow_key_hash(const struct onvm_flow_key *k);

/**
 * Parse a rule, "PROTO SRC_IP SPORT DST_IP DPORT [in PORT] chain
 * SID[,SID...]" (with @p with_chain), or a match, the same without
 * " chain ..." (to delete a rule). PROTO is tcp, udp, sctp or 0..255;
 * addresses IPv4 or IPv6, both of one version; ports 0..65535 (0 for
 * protocols other than TCP, UDP and SCTP); PORT 0..ONVM_MAX_PORTS-1; the
 * chain as onvm_chain_parse(). Words are separated by blanks.
 * @return 0, or -EINVAL with one line in @p err naming the bad word.
 */
int onvm_flow_rule_parse(const char *s, int with_chain,
			 struct onvm_flow_rule *r, char *err, size_t errlen);

/**
 * The canonical text of @p r (a match if r->chain.len is 0), as the parser
 * reads it: "udp 10.0.0.1 1234 10.0.0.2 80 in 0 chain 2,3".
 * @return its length, or -ENOSPC if @p len is too short.
 */
int onvm_flow_rule_format(const struct onvm_flow_rule *r, char *buf,
			  size_t len);

#endif /* ONVM_FLOW_H */
