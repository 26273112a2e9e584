/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Frame -> flow classification (onvm_flow.h) on frames written out byte by
 * byte: ports in network order, fragments without ports, VLAN tags, every
 * truncation of a frame, and the flow hash. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "onvm_flow.h"

#define MACS 0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01
#define ET_IPV4 0x08, 0x00
#define ET_IPV6 0x86, 0xdd
/* An IPv4 header without options: total length 40, id 1, no flags, TTL 64,
 * PROTO, 10.0.0.1 -> 10.0.0.2 (checksums are not looked at) */
#define IPV4_HDR(proto, frag_hi, frag_lo)                                  \
	0x45, 0, 0, 40, 0, 1, frag_hi, frag_lo, 64, proto, 0, 0, 10, 0, 0, 1, \
		10, 0, 0, 2
/* An IPv6 header: payload length 16, NEXT, hop limit 64, 2001:db8::1 ->
 * 2001:db8::2 */
#define IPV6_HDR(next)                                                   \
	0x60, 0, 0, 0, 0, 16, next, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, \
		0, 0, 0, 0, 0, 0, 0, 1, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, \
		0, 0, 0, 0, 0, 0, 0, 2
/* TCP 0x1234 -> 0x0050 and UDP 0x1388 -> 0x0035 (8 bytes of each) */
#define TCP_PORTS 0x12, 0x34, 0x00, 0x50, 0, 0, 0, 1
#define UDP_HDR 0x13, 0x88, 0x00, 0x35, 0, 8, 0, 0

static const uint8_t ipv4_tcp[] = { MACS, ET_IPV4, IPV4_HDR(6, 0, 0),
				    TCP_PORTS, 0, 0, 0, 0, 0x50, 0x02, 0xff,
				    0xff, 0, 0, 0, 0 };
static const size_t ipv4_tcp_ports_end = 14 + 20 + 4;

static uint16_t
be16(uint16_t host)
{
	uint8_t b[2] = { host >> 8, host & 0xff };
	uint16_t v;

	memcpy(&v, b, 2);
	return v;
}

/* Parse @p len bytes from an exactly-sized copy (so a sanitizer or valgrind
 * sees any read past the end) into a result full of stale bytes. */
static struct onvm_flow
parse(const uint8_t *frame, size_t len)
{
	struct onvm_flow f;
	uint8_t *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, frame, len);
	memset(&f, 0xa5, sizeof(f));
	onvm_flow_parse(copy, (uint32_t)len, &f);
	free(copy);
	return f;
}

static void
assert_ipv4_addrs(const struct onvm_flow *f)
{
	static const uint8_t src[4] = { 10, 0, 0, 1 }, dst[4] = { 10, 0, 0, 2 };

	assert_int_equal(f->ip_version, 4);
	assert_memory_equal(f->src, src, 4);
	assert_memory_equal(f->dst, dst, 4);
}

static void
assert_no_ports(const struct onvm_flow *f)
{
	assert_int_equal(f->sport, 0);
	assert_int_equal(f->dport, 0);
}

static void
flow_ipv4_udp(void **state)
{
	static const uint8_t frame[] = { MACS, ET_IPV4, IPV4_HDR(17, 0, 0),
					 UDP_HDR };
	struct onvm_flow f = parse(frame, sizeof(frame));

	assert_int_equal(f.kind, ONVM_FLOW_L4);
	assert_ipv4_addrs(&f);
	assert_int_equal(f.proto, 17);
	assert_int_equal(f.fragment, 0);
	assert_int_equal(f.vlan, 0);
	assert_int_equal(f.sport, be16(5000));
	assert_int_equal(f.dport, be16(53));
}

static void
flow_ipv4_tcp(void **state)
{
	struct onvm_flow f = parse(ipv4_tcp, sizeof(ipv4_tcp));

	assert_int_equal(f.kind, ONVM_FLOW_L4);
	assert_ipv4_addrs(&f);
	assert_int_equal(f.proto, 6);
	assert_int_equal(f.sport, be16(0x1234));
	assert_int_equal(f.dport, be16(80));
}

static void
flow_ipv4_options(void **state)
{
	/* IHL 7: 8 bytes of options (NOPs, then an end of list) */
	static const uint8_t frame[] = {
		MACS, ET_IPV4, 0x47, 0, 0, 48, 0, 1, 0, 0, 64, 6, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2, 1, 1, 1, 1, 1, 1, 1, 0, TCP_PORTS,
	};
	struct onvm_flow f = parse(frame, sizeof(frame));

	assert_int_equal(f.kind, ONVM_FLOW_L4);
	assert_ipv4_addrs(&f);
	assert_int_equal(f.sport, be16(0x1234));
	assert_int_equal(f.dport, be16(80));

	/* the options cut: the header is incomplete */
	f = parse(frame, 14 + 24);
	assert_int_equal(f.kind, ONVM_FLOW_TRUNCATED);
	assert_no_ports(&f);
}

static void
flow_ipv4_fragments(void **state)
{
	/* first fragment: MF set, offset 0 (its UDP header is there) */
	static const uint8_t first[] = { MACS, ET_IPV4, IPV4_HDR(17, 0x20, 0),
					 UDP_HDR };
	/* a later one: offset 3 (x 8 bytes), no MF; payload, no UDP header */
	static const uint8_t later[] = { MACS, ET_IPV4, IPV4_HDR(17, 0, 3),
					 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };
	/* DF alone is no fragment */
	static const uint8_t df[] = { MACS, ET_IPV4, IPV4_HDR(17, 0x40, 0),
				      UDP_HDR };
	struct onvm_flow f;

	f = parse(first, sizeof(first));
	assert_int_equal(f.kind, ONVM_FLOW_IP);
	assert_int_equal(f.fragment, 1);
	assert_int_equal(f.proto, 17);
	assert_ipv4_addrs(&f);
	assert_no_ports(&f);

	f = parse(later, sizeof(later));
	assert_int_equal(f.kind, ONVM_FLOW_IP);
	assert_int_equal(f.fragment, 1);
	assert_no_ports(&f);

	f = parse(df, sizeof(df));
	assert_int_equal(f.kind, ONVM_FLOW_L4);
	assert_int_equal(f.fragment, 0);
	assert_int_equal(f.dport, be16(53));
}

static void
flow_ipv4_other_proto(void **state)
{
	/* ICMP: addresses and protocol only */
	static const uint8_t frame[] = { MACS, ET_IPV4, IPV4_HDR(1, 0, 0),
					 8, 0, 0, 0, 0, 1, 0, 1 };
	struct onvm_flow f = parse(frame, sizeof(frame));

	assert_int_equal(f.kind, ONVM_FLOW_IP);
	assert_int_equal(f.proto, 1);
	assert_int_equal(f.fragment, 0);
	assert_ipv4_addrs(&f);
	assert_no_ports(&f);
}

static void
flow_ipv4_sctp(void **state)
{
	static const uint8_t frame[] = { MACS, ET_IPV4, IPV4_HDR(132, 0, 0),
					 0x0b, 0x59, 0x0b, 0x5a, 0, 0, 0, 0 };
	struct onvm_flow f = parse(frame, sizeof(frame));

	assert_int_equal(f.kind, ONVM_FLOW_L4);
	assert_int_equal(f.proto, 132);
	assert_int_equal(f.sport, be16(2905));
	assert_int_equal(f.dport, be16(2906));
}

static void
flow_ipv6_tcp(void **state)
{
	static const uint8_t frame[] = { MACS, ET_IPV6, IPV6_HDR(6), TCP_PORTS,
					 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff };
	struct onvm_flow f = parse(frame, sizeof(frame));

	assert_int_equal(f.kind, ONVM_FLOW_L4);
	assert_int_equal(f.ip_version, 6);
	assert_int_equal(f.proto, 6);
	assert_int_equal(f.src[0], 0x20);
	assert_int_equal(f.src[15], 1);
	assert_int_equal(f.dst[15], 2);
	assert_int_equal(f.sport, be16(0x1234));
	assert_int_equal(f.dport, be16(80));
}

static void
flow_ipv6_hop_by_hop_udp(void **state)
{
	/* hop-by-hop (next 17, length 0 = 8 bytes: PadN), then UDP */
	static const uint8_t frame[] = { MACS, ET_IPV6, IPV6_HDR(0),
					 17, 0, 1, 4, 0, 0, 0, 0, UDP_HDR };
	struct onvm_flow f = parse(frame, sizeof(frame));

	assert_int_equal(f.kind, ONVM_FLOW_L4);
	assert_int_equal(f.ip_version, 6);
	assert_int_equal(f.proto, 17);
	assert_int_equal(f.sport, be16(5000));
	assert_int_equal(f.dport, be16(53));

	/* the extension header cut */
	f = parse(frame, 14 + 40 + 6);
	assert_int_equal(f.kind, ONVM_FLOW_TRUNCATED);
	assert_no_ports(&f);
}

static void
flow_ipv6_long_extension(void **state)
{
	/* destination options of length 1 (16 bytes), then TCP */
	static const uint8_t frame[] = { MACS, ET_IPV6, IPV6_HDR(60),
					 6, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0,
					 0, 0, 0, 0, TCP_PORTS };
	struct onvm_flow f = parse(frame, sizeof(frame));

	assert_int_equal(f.kind, ONVM_FLOW_L4);
	assert_int_equal(f.proto, 6);
	assert_int_equal(f.dport, be16(80));

	/* the header says 16 bytes; a frame that ends after 8 has no ports */
	f = parse(frame, 14 + 40 + 8);
	assert_int_not_equal(f.kind, ONVM_FLOW_L4);
	assert_no_ports(&f);
}

static void
flow_ipv6_fragment(void **state)
{
	/* hop-by-hop, then a fragment header (offset 0, M set), then UDP */
	static const uint8_t frame[] = { MACS, ET_IPV6, IPV6_HDR(0),
					 44, 0, 1, 4, 0, 0, 0, 0,
					 17, 0, 0, 1, 0, 0, 0, 7, UDP_HDR };
	struct onvm_flow f = parse(frame, sizeof(frame));

	assert_int_equal(f.kind, ONVM_FLOW_IP);
	assert_int_equal(f.ip_version, 6);
	assert_int_equal(f.fragment, 1);
	assert_int_equal(f.proto, 17);
	assert_no_ports(&f);
}

static void
flow_vlan(void **state)
{
	/* 802.1Q, PCP 5, VID 100, IPv4 UDP */
	static const uint8_t frame[] = { MACS, 0x81, 0x00, 0xa0, 100, ET_IPV4,
					 IPV4_HDR(17, 0, 0), UDP_HDR };
	struct onvm_flow f = parse(frame, sizeof(frame));

	assert_int_equal(f.kind, ONVM_FLOW_L4);
	assert_int_equal(f.vlan, 100);
	assert_ipv4_addrs(&f);
	assert_int_equal(f.dport, be16(53));
}

static void
flow_qinq(void **state)
{
	/* 802.1ad VID 0x123 outside, 802.1Q VID 20 inside, IPv4 UDP */
	static const uint8_t frame[] = { MACS, 0x88, 0xa8, 0x01, 0x23,
					 0x81, 0x00, 0x00, 20, ET_IPV4,
					 IPV4_HDR(17, 0, 0), UDP_HDR };
	struct onvm_flow f = parse(frame, sizeof(frame));

	assert_int_equal(f.kind, ONVM_FLOW_L4);
	assert_int_equal(f.vlan, 0x123);
	assert_ipv4_addrs(&f);
	assert_int_equal(f.sport, be16(5000));

	/* the inner tag cut */
	f = parse(frame, 14 + 6);
	assert_int_equal(f.kind, ONVM_FLOW_TRUNCATED);
}

static void
flow_arp(void **state)
{
	static const uint8_t frame[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01,
		0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1,
		0x02, 0, 0, 0, 0, 0x01, 10, 0, 0, 1,
		0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
	};
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	struct onvm_flow f = parse(frame, sizeof(frame));

	assert_int_equal(f.kind, ONVM_FLOW_L2);
	assert_int_equal(f.ip_version, 0);
	assert_memory_equal(f.dst, bcast, 6);
	assert_memory_equal(f.src, mac, 6);
	assert_no_ports(&f);
}

static void
flow_truncated_every_length(void **state)
{
	struct onvm_flow f;
	size_t len;

	for (len = 0; len <= sizeof(ipv4_tcp); len++) {
		f = parse(ipv4_tcp, len);
		if (len < ipv4_tcp_ports_end) {
			assert_int_not_equal(f.kind, ONVM_FLOW_L4);
			assert_no_ports(&f);
		} else {
			assert_int_equal(f.kind, ONVM_FLOW_L4);
			assert_int_equal(f.dport, be16(80));
		}
		/* the Ethernet or IP header cut */
		if (len < 14 + 20)
			assert_int_equal(f.kind, ONVM_FLOW_TRUNCATED);
	}
}

static void
flow_ihl_too_small(void **state)
{
	uint8_t frame[sizeof(ipv4_tcp)];
	struct onvm_flow f;
	uint8_t ihl;

	for (ihl = 0; ihl < 5; ihl++) {
		memcpy(frame, ipv4_tcp, sizeof(frame));
		frame[14] = 0x40 | ihl;
		f = parse(frame, sizeof(frame));
		assert_int_equal(f.kind, ONVM_FLOW_TRUNCATED);
		assert_no_ports(&f);
	}
}

static void
flow_garbage(void **state)
{
	uint8_t frame[256];
	struct onvm_flow f;
	uint32_t x = 12345;
	size_t i;
	int round;

	/* bytes of a simple LCG, with the IP ethertypes forced in half the
	 * rounds: whatever comes out must be self-consistent */
	for (round = 0; round < 2000; round++) {
		for (i = 0; i < sizeof(frame); i++) {
			x = x * 1103515245U + 12345U;
			frame[i] = x >> 24;
		}
		if (round % 4 == 1) {
			frame[12] = 0x08;
			frame[13] = 0x00;
			frame[14] = 0x45;
		} else if (round % 4 == 3) {
			frame[12] = 0x86;
			frame[13] = 0xdd;
			frame[14] = 0x60;
		}
		f = parse(frame, 1 + round % sizeof(frame));
		assert_in_range(f.kind, ONVM_FLOW_L2, ONVM_FLOW_TRUNCATED);
		assert_true(f.ip_version == 0 || f.ip_version == 4 ||
			    f.ip_version == 6);
		if (f.kind != ONVM_FLOW_L4)
			assert_no_ports(&f);
	}

	/* all zeros: ethertype 0, not IP */
	memset(frame, 0, sizeof(frame));
	f = parse(frame, sizeof(frame));
	assert_int_equal(f.kind, ONVM_FLOW_L2);

	/* an IPv4 ethertype over an IPv6 header: the version is checked */
	memcpy(frame, ipv4_tcp, sizeof(ipv4_tcp));
	frame[14] = 0x65;
	f = parse(frame, sizeof(ipv4_tcp));
	assert_int_not_equal(f.kind, ONVM_FLOW_L4);
}

static void
flow_hash(void **state)
{
	uint8_t a[sizeof(ipv4_tcp)], b[sizeof(ipv4_tcp)];
	struct onvm_flow fa, fb;
	uint16_t port;

	/* equal flows, different payloads and TTLs: equal hashes */
	memcpy(a, ipv4_tcp, sizeof(a));
	memcpy(b, ipv4_tcp, sizeof(b));
	b[14 + 8] = 1;
	b[sizeof(b) - 1] = 0x77;
	fa = parse(a, sizeof(a));
	fb = parse(b, sizeof(b));
	assert_int_equal(onvm_flow_hash(&fa), onvm_flow_hash(&fb));

	/* a few other source and destination ports: different hashes */
	for (port = 1; port < 64; port++) {
		b[14 + 20 + (port & 1 ? 0 : 2)] = (uint8_t)(port >> 8);
		b[14 + 20 + (port & 1 ? 1 : 3)] = (uint8_t)(port * 7);
		fb = parse(b, sizeof(b));
		assert_int_equal(fb.kind, ONVM_FLOW_L4);
		if (fb.sport != fa.sport || fb.dport != fa.dport)
			assert_int_not_equal(onvm_flow_hash(&fa),
					     onvm_flow_hash(&fb));
		memcpy(b, ipv4_tcp, sizeof(b));
	}

	/* another destination address */
	memcpy(b, ipv4_tcp, sizeof(b));
	b[14 + 19] = 3;
	fb = parse(b, sizeof(b));
	assert_int_not_equal(onvm_flow_hash(&fa), onvm_flow_hash(&fb));

	/* the hash reads only the flow, not stale bytes past its fields */
	memset(&fb, 0x5a, sizeof(fb));
	onvm_flow_parse(a, sizeof(a), &fb);
	assert_int_equal(onvm_flow_hash(&fa), onvm_flow_hash(&fb));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flow_ipv4_udp),
		cmocka_unit_test(flow_ipv4_tcp),
		cmocka_unit_test(flow_ipv4_options),
		cmocka_unit_test(flow_ipv4_fragments),
		cmocka_unit_test(flow_ipv4_other_proto),
		cmocka_unit_test(flow_ipv4_sctp),
		cmocka_unit_test(flow_ipv6_tcp),
		cmocka_unit_test(flow_ipv6_hop_by_hop_udp),
		cmocka_unit_test(flow_ipv6_long_extension),
		cmocka_unit_test(flow_ipv6_fragment),
		cmocka_unit_test(flow_vlan),
		cmocka_unit_test(flow_qinq),
		cmocka_unit_test(flow_arp),
		cmocka_unit_test(flow_truncated_every_length),
		cmocka_unit_test(flow_ihl_too_small),
		cmocka_unit_test(flow_garbage),
		cmocka_unit_test(flow_hash),
	};

	return cmocka_run_group_tests_name("flow", tests, NULL, NULL);
}
