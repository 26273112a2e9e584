/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_CHAIN_H
#define ONVM_CHAIN_H

/* A chain of service ids, its parsing and the routing decision the manager
 * takes for every packet an NF hands back. No rte_ calls: unit-tested. */

#include <stddef.h>
#include <stdint.h>

#include "onvm_limits.h"

struct onvm_chain {
	uint8_t len;
	uint16_t sid[ONVM_MAX_CHAIN];
};

/**
 * Parse "SID[,SID...]" (1 to ONVM_MAX_CHAIN ids, each 1 .. 63).
 * @return 0, or -EINVAL (err says why in one phrase).
 */
int onvm_chain_parse(const char *s, struct onvm_chain *c, char *err,
		     size_t errlen);

/** Replace control characters (a quoted newline...) in an error message. */
void onvm_one_line(char *s);

/**
 * Parse a decimal integer in [min, max] with nothing trailing.
 * @return 0, or -EINVAL.
 */
int onvm_parse_uint(const char *s, unsigned long min, unsigned long max,
		    unsigned long *out);

/** Where a packet goes next. */
enum onvm_hop {
	ONVM_HOP_SERVICE, /* *dest is a service id */
	ONVM_HOP_PORT,	  /* *dest is a port id */
	ONVM_HOP_DROP,	  /* the NF dropped it */
	ONVM_HOP_BAD,	  /* bad verdict: unknown action, port or service */
};

/** The port a packet leaves by when its chain ends: 0<->1, 2<->3, and a
 * lone last port back out through itself, as testpmd pairs ports. */
static inline uint16_t
onvm_paired_port(uint16_t in_port, uint16_t nb_ports)
{
	uint16_t p = in_port ^ 1;

	return p < nb_ports ? p : in_port;
}

/** Index of @p sid in @p c, or -1. */
static inline int
onvm_chain_find(const struct onvm_chain *c, uint16_t sid)
{
	int i;

	for (i = 0; i < c->len; i++)
		if (c->sid[i] == sid)
			return i;
	return -1;
}

/**
 * Decide the next hop of a packet from its verdict.
 *
 * @param action, dest  the verdict (enum onvm_action, service or port)
 * @param pos  in: the chain position of the NF that gave the verdict;
 *             out: the position of the next service (ONVM_HOP_SERVICE)
 * @param in_port  the port the packet came in on
 */
static inline enum onvm_hop
onvm_route(const struct onvm_chain *c, uint8_t action, uint16_t *dest,
	   uint8_t *pos, uint16_t in_port, uint16_t nb_ports)
{
	int idx;

	switch (action) {
	case 0: /* ONVM_ACT_NEXT */
		if (*pos + 1 < c->len) {
			*pos = *pos + 1;
			*dest = c->sid[*pos];
			return ONVM_HOP_SERVICE;
		}
		*dest = onvm_paired_port(in_port, nb_ports);
		return ONVM_HOP_PORT;
	case 1: /* ONVM_ACT_DROP */
		return ONVM_HOP_DROP;
	case 2: /* ONVM_ACT_TONF: continue the chain from that service if it
		 * is on it; otherwise its NEXT ends the chain. */
		if (*dest == 0 || *dest >= ONVM_MAX_SERVICES)
			return ONVM_HOP_BAD;
		idx = onvm_chain_find(c, *dest);
		*pos = idx >= 0 ? (uint8_t)idx : (uint8_t)(c->len - 1);
		return ONVM_HOP_SERVICE;
	case 3: /* ONVM_ACT_OUT */
		return *dest < nb_ports ? ONVM_HOP_PORT : ONVM_HOP_BAD;
	default:
		return ONVM_HOP_BAD;
	}
}

#endif /* ONVM_CHAIN_H */
