/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Frame -> flow classification. Every read is bounds-checked against the
 * frame length; nothing here trusts a length field of the packet. And the
 * flow table's key and rule text (parse, format). */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* ---------------------------------------------------------------- keys */

int
onvm_flow_key_get(const struct onvm_flow *f, uint16_t in_port,
		  struct onvm_flow_key *k)
{
	if (f->fragment || (f->kind != ONVM_FLOW_L4 && f->kind != ONVM_FLOW_IP))
		return -1;
	memset(k, 0, sizeof(*k));
	memcpy(k->src, f->src, f->ip_version == 4 ? 4 : 16);
	memcpy(k->dst, f->dst, f->ip_version == 4 ? 4 : 16);
	k->sport = f->sport;
	k->dport = f->dport;
	k->in_port = in_port;
	k->proto = f->proto;
	k->ip_version = f->ip_version;
	return 0;
}

uint32_t
onvm_flow_key_hash(const struct onvm_flow_key *k)
{
	uint32_t h = 0x2f6b1a3dU, w;
	int i, n = k->ip_version == 6 ? 16 : 4;

	for (i = 0; i < n; i += 4) {
		memcpy(&w, k->src + i, 4);
		h = mix(h, w);
		memcpy(&w, k->dst + i, 4);
		h = mix(h, w);
	}
	h = mix(h, (uint32_t)k->sport << 16 | k->dport);
	h = mix(h, (uint32_t)k->proto << 8 | k->ip_version);
	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	h *= 0xc2b2ae35U;
	return h ^ (h >> 16);
}

/* ---------------------------------------------------------------- rules */

#define RULE_MAX_LEN 255	/* longer input is refused */

static int
rule_proto(const char *t, uint8_t *proto)
{
	unsigned long v;

	if (strcasecmp(t, "tcp") == 0)
		*proto = PROTO_TCP;
	else if (strcasecmp(t, "udp") == 0)
		*proto = PROTO_UDP;
	else if (strcasecmp(t, "sctp") == 0)
		*proto = PROTO_SCTP;
	else if (onvm_parse_uint(t, 0, 255, &v) == 0)
		*proto = (uint8_t)v;
	else
		return -EINVAL;
	return 0;
}

static int
rule_addr(const char *t, uint8_t *addr, uint8_t *version)
{
	if (inet_pton(AF_INET, t, addr) == 1)
		*version = 4;
	else if (inet_pton(AF_INET6, t, addr) == 1)
		*version = 6;
	else
		return -EINVAL;
	return 0;
}

static int
rule_port(const char *t, uint16_t *port)
{
	unsigned long v;
	uint16_t p;

	if (onvm_parse_uint(t, 0, 65535, &v) < 0)
		return -EINVAL;
	p = htons((uint16_t)v);
	memcpy(port, &p, sizeof(p));
	return 0;
}

static int
rule_parse(const char *s, int with_chain, struct onvm_flow_rule *r, char *err,
	   size_t errlen)
{
	static const char *const what[] = { "protocol", "source address",
		"source port", "destination address", "destination port" };
	const char *usage = with_chain ?
		"PROTO SRC_IP SPORT DST_IP DPORT [in PORT] chain SID[,SID...]" :
		"PROTO SRC_IP SPORT DST_IP DPORT [in PORT]";
	char buf[RULE_MAX_LEN + 1], cerr[128];
	char *tok[16], *save = NULL, *t;
	uint8_t v_src = 0, v_dst = 0;
	unsigned long port;
	int n = 0, i, rc = 0;

	memset(r, 0, sizeof(*r));
	r->key.in_port = ONVM_FLOW_PORT_ANY;
	if (s == NULL || strlen(s) > RULE_MAX_LEN) {
		snprintf(err, errlen, "rule longer than %d characters",
			 RULE_MAX_LEN);
		return -EINVAL;
	}
	strcpy(buf, s);
	for (t = strtok_r(buf, " \t", &save); t != NULL;
	     t = strtok_r(NULL, " \t", &save)) {
		if (n == (int)(sizeof(tok) / sizeof(tok[0]))) {
			snprintf(err, errlen, "too many words in rule (%s)",
				 usage);
			return -EINVAL;
		}
		tok[n++] = t;
	}
	for (i = 0; i < 5; i++) {
		if (i >= n) {
			snprintf(err, errlen, "missing %s (%s)", what[i], usage);
			return -EINVAL;
		}
		switch (i) {
		case 0:
			rc = rule_proto(tok[0], &r->key.proto);
			break;
		case 1:
			rc = rule_addr(tok[1], r->key.src, &v_src);
			break;
		case 2:
			rc = rule_port(tok[2], &r->key.sport);
			break;
		case 3:
			rc = rule_addr(tok[3], r->key.dst, &v_dst);
			break;
		default:
			rc = rule_port(tok[4], &r->key.dport);
			break;
		}
		if (rc < 0) {
			snprintf(err, errlen, "bad %s '%s'%s", what[i], tok[i],
				 i == 0 ? " (tcp, udp, sctp or 0..255)" :
				 i == 1 || i == 3 ? " (IPv4 or IPv6)" :
				 " (0..65535)");
			return -EINVAL;
		}
	}
	if (v_src != v_dst) {
		snprintf(err, errlen, "destination address '%s' is not IPv%u "
			 "like the source address '%s'", tok[3], v_src, tok[1]);
		return -EINVAL;
	}
	r->key.ip_version = v_src;
	if (r->key.proto != PROTO_TCP && r->key.proto != PROTO_UDP &&
	    r->key.proto != PROTO_SCTP &&
	    (r->key.sport != 0 || r->key.dport != 0)) {
		snprintf(err, errlen, "port '%s' for protocol '%s', which has "
			 "no ports (give 0)", r->key.sport ? tok[2] : tok[4],
			 tok[0]);
		return -EINVAL;
	}
	i = 5;
	if (i < n && strcasecmp(tok[i], "in") == 0) {
		if (i + 1 >= n) {
			snprintf(err, errlen, "missing port after 'in'");
			return -EINVAL;
		}
		if (onvm_parse_uint(tok[i + 1], 0, ONVM_MAX_PORTS - 1,
				    &port) < 0) {
			snprintf(err, errlen, "bad input port '%s' (0..%d)",
				 tok[i + 1], ONVM_MAX_PORTS - 1);
			return -EINVAL;
		}
		r->key.in_port = (uint16_t)port;
		i += 2;
	}
	if (i < n && strcasecmp(tok[i], "chain") == 0) {
		if (!with_chain) {
			snprintf(err, errlen, "unexpected 'chain' (a match to "
				 "delete has none: %s)", usage);
			return -EINVAL;
		}
		if (i + 1 >= n) {
			snprintf(err, errlen, "missing service ids after "
				 "'chain'");
			return -EINVAL;
		}
		if (onvm_chain_parse(tok[i + 1], &r->chain, cerr,
				     sizeof(cerr)) < 0) {
			snprintf(err, errlen, "%s", cerr);
			return -EINVAL;
		}
		i += 2;
	} else if (with_chain) {
		if (i < n)
			snprintf(err, errlen, "unexpected '%s' (expected %s"
				 "'chain')", tok[i], i == 5 ? "'in' or " : "");
		else
			snprintf(err, errlen, "missing 'chain SID[,SID...]'");
		return -EINVAL;
	}
	if (i < n) {
		snprintf(err, errlen, "unexpected '%s' after the %s", tok[i],
			 with_chain ? "chain" : i == 5 ? "destination port" :
			 "input port");
		return -EINVAL;
	}
	return 0;
}

int
onvm_flow_rule_parse(const char *s, int with_chain, struct onvm_flow_rule *r,
		     char *err, size_t errlen)
{
	int rc = rule_parse(s, with_chain, r, err, errlen);

	if (rc < 0) {
		r->chain.len = 0;
		onvm_one_line(err);
	}
	return rc;
}

int
onvm_flow_rule_format(const struct onvm_flow_rule *r, char *buf, size_t len)
{
	const struct onvm_flow_key *k = &r->key;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], proto[8];
	int af = k->ip_version == 6 ? AF_INET6 : AF_INET;
	size_t off;
	int n, i;

	switch (k->proto) {
	case PROTO_TCP:
		strcpy(proto, "tcp");
		break;
	case PROTO_UDP:
		strcpy(proto, "udp");
		break;
	case PROTO_SCTP:
		strcpy(proto, "sctp");
		break;
	default:
		snprintf(proto, sizeof(proto), "%u", k->proto);
		break;
	}
	if (inet_ntop(af, k->src, src, sizeof(src)) == NULL ||
	    inet_ntop(af, k->dst, dst, sizeof(dst)) == NULL)
		return -EINVAL;
	n = snprintf(buf, len, "%s %s %u %s %u", proto, src, ntohs(k->sport),
		     dst, ntohs(k->dport));
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	off = (size_t)n;
	if (k->in_port != ONVM_FLOW_PORT_ANY) {
		n = snprintf(buf + off, len - off, " in %u", k->in_port);
		if (n < 0 || (size_t)n >= len - off)
			return -ENOSPC;
		off += (size_t)n;
	}
	for (i = 0; i < r->chain.len; i++) {
		n = snprintf(buf + off, len - off, "%s%u",
			     i ? "," : " chain ", r->chain.sid[i]);
		if (n < 0 || (size_t)n >= len - off)
			return -ENOSPC;
		off += (size_t)n;
	}
	return (int)off;
}
