/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Frame templates and checksums. No EAL here: unit-tested. */

#include "pktgen_lib.h"

uint32_t
pg_sum16(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint16_t w;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		memcpy(&w, p + i, 2);
		sum += w;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1) {
		uint8_t last[2] = { p[len - 1], 0 };

		memcpy(&w, last, 2);
		sum += w;
	}
	return sum;
}

static void
put16(uint8_t *p, uint16_t host)
{
	p[0] = (uint8_t)(host >> 8);
	p[1] = (uint8_t)host;
}

static void
put32(uint8_t *p, uint32_t host)
{
	put16(p, (uint16_t)(host >> 16));
	put16(p + 2, (uint16_t)host);
}

void
pg_tmpl_init(struct pg_tmpl *t, enum pg_proto proto, const uint8_t src_mac[6],
	     const uint8_t dst_mac[6])
{
	uint8_t *ip = t->hdr + PG_ETH_LEN, *l4 = ip + PG_IP_LEN;
	uint8_t pseudo[12];
	int tcp = proto == PG_PROTO_TCP;

	memset(t, 0, sizeof(*t));
	t->proto = tcp ? 6 : 17;
	t->hdr_len = PG_ETH_LEN + PG_IP_LEN + (tcp ? PG_TCP_LEN : PG_UDP_LEN);

	memcpy(t->hdr, dst_mac, 6);
	memcpy(t->hdr + 6, src_mac, 6);
	put16(t->hdr + 12, 0x0800);

	ip[0] = 0x45;		/* IPv4, 20-byte header */
	put16(ip + 6, 0x4000);	/* DF */
	ip[8] = 64;		/* TTL */
	ip[9] = t->proto;
	put32(ip + 16, PG_DST_IP);
	/* total length, source and checksum are the packet's */
	t->ip_sum = pg_sum16(ip, PG_IP_LEN, 0);

	put16(l4 + 2, PG_DST_PORT);
	if (tcp) {
		l4[12] = 5 << 4;	/* data offset: 20 bytes */
		l4[13] = 0x18;		/* PSH, ACK */
		put16(l4 + 14, 65535);	/* window */
	}
	/* source port, UDP length and checksum are the packet's */
	memset(pseudo, 0, sizeof(pseudo));
	put32(pseudo + 4, PG_DST_IP);
	pseudo[9] = t->proto;
	t->l4_sum = pg_sum16(pseudo, sizeof(pseudo), 0);
	t->l4_sum = pg_sum16(l4, t->hdr_len - PG_ETH_LEN - PG_IP_LEN,
			     t->l4_sum);
}

void
pg_restamp(uint8_t *frame, uint64_t tsc)
{
	uint8_t *ip = frame + PG_ETH_LEN, *l4 = ip + PG_IP_LEN, *st, *ckp;
	uint16_t ck;
	uint32_t s;

	if (ip[9] == 17) {
		st = l4 + PG_UDP_LEN;
		ckp = l4 + 6;
	} else {
		st = l4 + PG_TCP_LEN;
		ckp = l4 + 16;
	}
	/* HC' = ~(~HC + ~m + m') over the four words of the TSC */
	memcpy(&ck, ckp, 2);
	s = (uint16_t)~ck;
	s += (uint16_t)~pg_fold(pg_sum_words(st + 8, 4, 0));
	memcpy(st + 8, &tsc, 8);
	s = pg_sum_words(st + 8, 4, s);
	ck = (uint16_t)~pg_fold(s);
	if (ip[9] == 17 && ck == 0)
		ck = 0xffff;
	memcpy(ckp, &ck, 2);
}
