/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Frame -> flow classification. Every read is bounds-checked against the
 * frame length; nothing here trusts a length field of the packet. */

#include <string.h>

#include "onvm_flow.h"

#define ETH_HLEN 14
#define ETYPE_IPV4 0x0800
#define ETYPE_IPV6 0x86dd
#define ETYPE_VLAN 0x8100
#define ETYPE_QINQ 0x88a8
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_SCTP 132

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
parse_ports(const uint8_t *p, uint32_t len, uint32_t off, struct onvm_flow *f)
{
	if (f->fragment || (f->proto != PROTO_TCP && f->proto != PROTO_UDP &&
			    f->proto != PROTO_SCTP)) {
		f->kind = ONVM_FLOW_IP;
		return;
	}
	if (off + 4 > len) {
		f->kind = ONVM_FLOW_TRUNCATED;
		return;
	}
	memcpy(&f->sport, p + off, 2);
	memcpy(&f->dport, p + off + 2, 2);
	f->kind = ONVM_FLOW_L4;
}

static void
parse_ipv4(const uint8_t *p, uint32_t len, uint32_t off, struct onvm_flow *f)
{
	uint32_t ihl;

	if (off + 20 > len || (p[off] >> 4) != 4) {
		f->kind = ONVM_FLOW_TRUNCATED;
		return;
	}
	ihl = (uint32_t)(p[off] & 0x0f) * 4;
	if (ihl < 20 || off + ihl > len) {
		f->kind = ONVM_FLOW_TRUNCATED;
		return;
	}
	f->ip_version = 4;
	f->proto = p[off + 9];
	/* MF set or a non-zero offset: a fragment */
	f->fragment = (rd16(p + off + 6) & 0x3fff) != 0;
	memcpy(f->src, p + off + 12, 4);
	memcpy(f->dst, p + off + 16, 4);
	parse_ports(p, len, off + ihl, f);
}

static void
parse_ipv6(const uint8_t *p, uint32_t len, uint32_t off, struct onvm_flow *f)
{
	uint8_t nh;
	int hops;

	if (off + 40 > len || (p[off] >> 4) != 6) {
		f->kind = ONVM_FLOW_TRUNCATED;
		return;
	}
	f->ip_version = 6;
	memcpy(f->src, p + off + 8, 16);
	memcpy(f->dst, p + off + 24, 16);
	nh = p[off + 6];
	off += 40;
	/* A bounded walk over the extension headers that can precede L4. */
	for (hops = 0; hops < 8; hops++) {
		if (nh == 0 || nh == 43 || nh == 60) { /* HBH, routing, dst opts */
			if (off + 8 > len) {
				f->kind = ONVM_FLOW_TRUNCATED;
				return;
			}
			nh = p[off];
			off += 8 + (uint32_t)p[off + 1] * 8;
		} else if (nh == 44) { /* fragment */
			if (off + 8 > len) {
				f->kind = ONVM_FLOW_TRUNCATED;
				return;
			}
			f->fragment = 1;
			nh = p[off];
			off += 8;
		} else {
			break;
		}
	}
	f->proto = nh;
	parse_ports(p, len, off, f);
}

void
onvm_flow_parse(const uint8_t *p, uint32_t len, struct onvm_flow *f)
{
	uint32_t off = ETH_HLEN;
	uint16_t type;
	int tags;

	memset(f, 0, sizeof(*f));
	if (p == NULL || len < ETH_HLEN) {
		f->kind = ONVM_FLOW_TRUNCATED;
		return;
	}
	type = rd16(p + 12);
	for (tags = 0; tags < 2 && (type == ETYPE_VLAN || type == ETYPE_QINQ);
	     tags++) {
		if (off + 4 > len) {
			f->kind = ONVM_FLOW_TRUNCATED;
			return;
		}
		if (tags == 0)
			f->vlan = rd16(p + off) & 0x0fff;
		type = rd16(p + off + 2);
		off += 4;
	}
	if (type == ETYPE_IPV4) {
		parse_ipv4(p, len, off, f);
	} else if (type == ETYPE_IPV6) {
		parse_ipv6(p, len, off, f);
	} else {
		f->kind = ONVM_FLOW_L2;
		memcpy(f->dst, p, 6);
		memcpy(f->src, p + 6, 6);
	}
}

/* A 32-bit mix (the finaliser of MurmurHash3) over 4-byte words. */
static inline uint32_t
mix(uint32_t h, uint32_t k)
{
	k *= 0xcc9e2d51U;
	k = (k << 15) | (k >> 17);
	h ^= k * 0x1b873593U;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64U;
}

uint32_t
onvm_flow_hash(const struct onvm_flow *f)
{
	uint32_t h = 0x9747b28cU, w;
	int i, n = f->ip_version == 6 ? 16 : (f->ip_version == 4 ? 4 : 6);

	for (i = 0; i < n; i += 4) {
		w = 0;
		memcpy(&w, f->src + i, n - i < 4 ? (size_t)(n - i) : 4);
		h = mix(h, w);
		w = 0;
		memcpy(&w, f->dst + i, n - i < 4 ? (size_t)(n - i) : 4);
		h = mix(h, w);
	}
	h = mix(h, (uint32_t)f->proto << 16 | f->vlan);
	h = mix(h, (uint32_t)f->sport << 16 | f->dport);
	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	h *= 0xc2b2ae35U;
	return h ^ (h >> 16);
}
