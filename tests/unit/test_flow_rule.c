/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Flow rule text (onvm_flow_rule_parse(), onvm_flow_rule_format()) and the
 * flow table's key of a frame (onvm_flow_key_get(), onvm_flow_key_hash()). */

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "onvm_flow.h"

static struct onvm_flow_rule r;
static char err[256];

static int
rule(const char *s)
{
	memset(err, 0, sizeof(err));
	memset(&r, 0xa5, sizeof(r));
	return onvm_flow_rule_parse(s, 1, &r, err, sizeof(err));
}

static int
match(const char *s)
{
	memset(err, 0, sizeof(err));
	memset(&r, 0xa5, sizeof(r));
	return onvm_flow_rule_parse(s, 0, &r, err, sizeof(err));
}

/* A failure whose one-line message contains @p what. */
static void
expect_err(int rc, const char *what)
{
	assert_int_equal(rc, -EINVAL);
	assert_int_equal(r.chain.len, 0);
	assert_null(strchr(err, '\n'));
	if (strstr(err, what) == NULL)
		fail_msg("error \"%s\" does not mention \"%s\"", err, what);
}

/* @p s parses and formats back as @p canon (itself canonical). */
static void
expect_canon(const char *s, int with_chain, const char *canon)
{
	struct onvm_flow_rule again;
	char buf[ONVM_FLOW_TEXT_LEN];
	int n;

	assert_int_equal(with_chain ? rule(s) : match(s), 0);
	n = onvm_flow_rule_format(&r, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(canon));
	assert_string_equal(buf, canon);
	assert_int_equal(onvm_flow_rule_parse(buf, with_chain, &again, err,
					      sizeof(err)), 0);
	assert_memory_equal(&again.key, &r.key, sizeof(r.key));
	assert_int_equal(again.chain.len, r.chain.len);
}

static void
rule_ipv4(void **state)
{
	uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };

	assert_int_equal(rule("udp 10.0.0.1 1234 10.0.0.2 80 chain 2,3"), 0);
	assert_int_equal(r.key.proto, 17);
	assert_int_equal(r.key.ip_version, 4);
	assert_memory_equal(r.key.src, a, 4);
	assert_memory_equal(r.key.dst, b, 4);
	/* the rest of the address is zero, the key has no stale byte */
	for (int i = 4; i < 16; i++)
		assert_int_equal(r.key.src[i] | r.key.dst[i], 0);
	assert_int_equal(ntohs(r.key.sport), 1234);
	assert_int_equal(ntohs(r.key.dport), 80);
	assert_int_equal(r.key.in_port, ONVM_FLOW_PORT_ANY);
	assert_int_equal(r.chain.len, 2);
	assert_int_equal(r.chain.sid[0], 2);
	assert_int_equal(r.chain.sid[1], 3);
	expect_canon("udp 10.0.0.1 1234 10.0.0.2 80 chain 2,3", 1,
		     "udp 10.0.0.1 1234 10.0.0.2 80 chain 2,3");
}

static void
rule_ipv6_port(void **state)
{
	assert_int_equal(rule("tcp 2001:db8::1 443 2001:db8::2 5555 in 0 "
			      "chain 4"), 0);
	assert_int_equal(r.key.proto, 6);
	assert_int_equal(r.key.ip_version, 6);
	assert_int_equal(r.key.in_port, 0);
	assert_int_equal(r.key.src[0], 0x20);
	assert_int_equal(r.key.src[15], 1);
	assert_int_equal(r.chain.len, 1);
	expect_canon("tcp 2001:db8::1 443 2001:db8::2 5555 in 0 chain 4", 1,
		     "tcp 2001:db8::1 443 2001:db8::2 5555 in 0 chain 4");
}

static void
rule_forms(void **state)
{
	/* protocol by number or any case; blanks of any length */
	expect_canon("6  10.1.1.1\t1 10.2.2.2 2   chain 1", 1,
		     "tcp 10.1.1.1 1 10.2.2.2 2 chain 1");
	expect_canon("SCTP 10.1.1.1 2905 10.2.2.2 2906 IN 15 CHAIN 63", 1,
		     "sctp 10.1.1.1 2905 10.2.2.2 2906 in 15 chain 63");
	/* a protocol without ports: ports 0 */
	expect_canon("47 192.168.0.1 0 192.168.0.2 0 chain 5", 1,
		     "47 192.168.0.1 0 192.168.0.2 0 chain 5");
	expect_canon("udp 0.0.0.0 0 255.255.255.255 65535 chain "
		     "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", 1,
		     "udp 0.0.0.0 0 255.255.255.255 65535 chain "
		     "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16");
	/* IPv6 is written back compressed */
	expect_canon("udp 2001:0db8:0000:0000:0000:0000:0000:0001 1 ::1 2 "
		     "chain 9", 1, "udp 2001:db8::1 1 ::1 2 chain 9");
	/* matches */
	expect_canon("udp 10.0.0.1 1234 10.0.0.2 80", 0,
		     "udp 10.0.0.1 1234 10.0.0.2 80");
	expect_canon("tcp ::1 1 ::2 2 in 3", 0, "tcp ::1 1 ::2 2 in 3");
	assert_int_equal(r.chain.len, 0);
}

static void
rule_bad(void **state)
{
	expect_err(rule(""), "missing protocol");
	expect_err(rule("   "), "missing protocol");
	expect_err(rule("icmp 10.0.0.1 0 10.0.0.2 0 chain 1"),
		   "bad protocol 'icmp'");
	expect_err(rule("256 10.0.0.1 0 10.0.0.2 0 chain 1"),
		   "bad protocol '256'");
	expect_err(rule("udp 10.0.0.256 1 10.0.0.2 2 chain 1"),
		   "bad source address '10.0.0.256'");
	expect_err(rule("udp 10.0.0.1 x 10.0.0.2 2 chain 1"),
		   "bad source port 'x'");
	expect_err(rule("udp 10.0.0.1 65536 10.0.0.2 2 chain 1"),
		   "bad source port '65536'");
	expect_err(rule("udp 10.0.0.1 -1 10.0.0.2 2 chain 1"),
		   "bad source port '-1'");
	expect_err(rule("udp 10.0.0.1 1 2001:db8:::2 2 chain 1"),
		   "bad destination address '2001:db8:::2'");
	expect_err(rule("udp 10.0.0.1 1 10.0.0.2 +2 chain 1"),
		   "bad destination port '+2'");
	expect_err(rule("udp 10.0.0.1 1 ::2 2 chain 1"),
		   "destination address '::2' is not IPv4");
	expect_err(rule("47 10.0.0.1 1 10.0.0.2 0 chain 1"),
		   "port '1' for protocol '47'");
	expect_err(rule("udp 10.0.0.1 1 10.0.0.2"), "missing destination port");
	expect_err(rule("udp 10.0.0.1 1 10.0.0.2 2"), "missing 'chain");
	expect_err(rule("udp 10.0.0.1 1 10.0.0.2 2 chain"),
		   "missing service ids after 'chain'");
	expect_err(rule("udp 10.0.0.1 1 10.0.0.2 2 chain 0"),
		   "bad service id '0'");
	expect_err(rule("udp 10.0.0.1 1 10.0.0.2 2 chain 1,,2"),
		   "empty service id");
	expect_err(rule("udp 10.0.0.1 1 10.0.0.2 2 chain "
			"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17"),
		   "longer than 16");
	expect_err(rule("udp 10.0.0.1 1 10.0.0.2 2 in"), "missing port after 'in'");
	expect_err(rule("udp 10.0.0.1 1 10.0.0.2 2 in 16 chain 1"),
		   "bad input port '16'");
	expect_err(rule("udp 10.0.0.1 1 10.0.0.2 2 via 1 chain 1"),
		   "unexpected 'via' (expected 'in' or 'chain')");
	expect_err(rule("udp 10.0.0.1 1 10.0.0.2 2 in 1 in 1 chain 1"),
		   "unexpected 'in' (expected 'chain')");
	expect_err(rule("udp 10.0.0.1 1 10.0.0.2 2 chain 1 extra"),
		   "unexpected 'extra' after the chain");
	expect_err(match("udp 10.0.0.1 1 10.0.0.2 2 chain 1"),
		   "unexpected 'chain'");
	expect_err(match("udp 10.0.0.1 1 10.0.0.2 2 x"),
		   "unexpected 'x' after the destination port");
	expect_err(match("udp 10.0.0.1 1 10.0.0.2 2 in 1 x"),
		   "unexpected 'x' after the input port");
	/* what the user typed stays on one line */
	expect_err(rule("udp 10.0.0.1\n 1 10.0.0.2 2 chain 1"), "");
	expect_err(rule("udp 10.0.0.1 1 10.0.0.2 2 chain 1\n,2"),
		   "bad service id");
	{
		char big[400];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		expect_err(rule(big), "longer than");
	}
	expect_err(onvm_flow_rule_parse(NULL, 1, &r, err, sizeof(err)),
		   "longer");
}

static void
rule_format_short(void **state)
{
	char buf[16];

	assert_int_equal(rule("udp 10.0.0.1 1234 10.0.0.2 80 chain 2,3"), 0);
	assert_int_equal(onvm_flow_rule_format(&r, buf, sizeof(buf)), -ENOSPC);
	assert_int_equal(onvm_flow_rule_format(&r, buf, 1), -ENOSPC);
}

/* A frame's key equals the key of the rule that names its 5-tuple, and
 * hashes alike with any input port. */
static void
key_of_frame(void **state)
{
	static const uint8_t udp4[] = {
		2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1,
		10, 0, 0, 2, 0x04, 0xd2, 0x00, 0x50, 0, 8, 0, 0 };
	static const uint8_t frag4[] = {
		2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, 0, 0, 28, 0, 1, 0x20, 0, 64, 17, 0, 0, 10, 0, 0, 1,
		10, 0, 0, 2, 0x04, 0xd2, 0x00, 0x50, 0, 8, 0, 0 };
	static const uint8_t arp[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08,
		0x06, 0, 1, 8, 0, 6, 4, 0, 1 };
	struct onvm_flow f;
	struct onvm_flow_key k, k0;

	onvm_flow_parse(udp4, sizeof(udp4), &f);
	memset(&k, 0x5a, sizeof(k));
	assert_int_equal(onvm_flow_key_get(&f, ONVM_FLOW_PORT_ANY, &k), 0);
	assert_int_equal(rule("udp 10.0.0.1 1234 10.0.0.2 80 chain 2"), 0);
	assert_memory_equal(&k, &r.key, sizeof(k));
	assert_int_equal(onvm_flow_key_hash(&k), onvm_flow_key_hash(&r.key));
	assert_int_equal(onvm_flow_key_get(&f, 1, &k0), 0);
	assert_int_equal(k0.in_port, 1);
	assert_int_equal(onvm_flow_key_hash(&k0), onvm_flow_key_hash(&k));
	/* another port number, another hash */
	k0.in_port = ONVM_FLOW_PORT_ANY;
	k0.dport = htons(81);
	assert_int_not_equal(onvm_flow_key_hash(&k0), onvm_flow_key_hash(&k));

	/* fragments, non-IP and truncated frames have no key */
	onvm_flow_parse(frag4, sizeof(frag4), &f);
	assert_int_equal(onvm_flow_key_get(&f, 0, &k), -1);
	onvm_flow_parse(arp, sizeof(arp), &f);
	assert_int_equal(onvm_flow_key_get(&f, 0, &k), -1);
	onvm_flow_parse(udp4, 30, &f);
	assert_int_equal(onvm_flow_key_get(&f, 0, &k), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rule_ipv4),
		cmocka_unit_test(rule_ipv6_port),
		cmocka_unit_test(rule_forms),
		cmocka_unit_test(rule_bad),
		cmocka_unit_test(rule_format_short),
		cmocka_unit_test(key_of_frame),
	};

	return cmocka_run_group_tests_name("flow_rule", tests, NULL, NULL);
}
