/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Chains of service ids, number parsing, and the routing decision the
 * manager takes for each verdict (onvm_chain.h). */

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "onvm_chain.h"
#include "onvm_nf.h"

/* A chain parse that must fail; returns the error phrase. */
static const char *
chain_err(const char *s)
{
	static char err[256];
	struct onvm_chain c;

	memset(err, 0, sizeof(err));
	memset(&c, 0xa5, sizeof(c));
	assert_int_equal(onvm_chain_parse(s, &c, err, sizeof(err)), -EINVAL);
	assert_true(err[0] != '\0');
	return err;
}

static void
chain_good(void **state)
{
	struct onvm_chain c;
	char err[128] = "", buf[128];
	int i, n;

	assert_int_equal(onvm_chain_parse("1", &c, err, sizeof(err)), 0);
	assert_int_equal(c.len, 1);
	assert_int_equal(c.sid[0], 1);

	assert_int_equal(onvm_chain_parse("1,2,3", &c, err, sizeof(err)), 0);
	assert_int_equal(c.len, 3);
	assert_int_equal(c.sid[0], 1);
	assert_int_equal(c.sid[1], 2);
	assert_int_equal(c.sid[2], 3);

	/* order is kept, the highest id is allowed */
	assert_int_equal(onvm_chain_parse("63,7", &c, err, sizeof(err)), 0);
	assert_int_equal(c.len, 2);
	assert_int_equal(c.sid[0], 63);
	assert_int_equal(c.sid[1], 7);

	/* the longest chain: ONVM_MAX_CHAIN ids */
	for (i = 0, n = 0; i < ONVM_MAX_CHAIN; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%d", i ? "," : "",
			      i + 1);
	assert_int_equal(onvm_chain_parse(buf, &c, err, sizeof(err)), 0);
	assert_int_equal(c.len, ONVM_MAX_CHAIN);
	for (i = 0; i < ONVM_MAX_CHAIN; i++)
		assert_int_equal(c.sid[i], i + 1);
	assert_string_equal(err, "");
}

static void
chain_bad(void **state)
{
	char buf[128];
	int i, n;

	assert_non_null(strstr(chain_err(""), "empty"));
	assert_non_null(strstr(chain_err("0"), "bad service id '0'"));
	assert_non_null(strstr(chain_err("64"), "bad service id '64'"));
	assert_non_null(strstr(chain_err("64"), "1..63"));
	assert_non_null(strstr(chain_err("a"), "bad service id 'a'"));
	assert_non_null(strstr(chain_err("1,2,x"), "bad service id 'x'"));
	assert_non_null(strstr(chain_err("1,-2"), "bad service id '-2'"));
	assert_non_null(strstr(chain_err("1, 2"), "bad service id ' 2'"));
	assert_non_null(strstr(chain_err("1,,2"), "empty service id"));
	assert_non_null(strstr(chain_err(",1"), "empty service id"));
	assert_non_null(strstr(chain_err("1,"), "empty service id"));
	assert_non_null(strstr(chain_err(","), "empty service id"));

	/* one id too many */
	for (i = 0, n = 0; i <= ONVM_MAX_CHAIN; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%d", i ? "," : "",
			      i + 1);
	assert_non_null(strstr(chain_err(buf), "longer than 16"));
}

static void
chain_too_long_string(void **state)
{
	char buf[400];

	/* 200 x "1," : far more text than any valid chain */
	memset(buf, 0, sizeof(buf));
	for (int i = 0; i < 200; i++)
		strcat(buf, "1,");
	buf[strlen(buf) - 1] = '\0';
	assert_non_null(strstr(chain_err(buf), "too long"));
}

static void
chain_err_truncated(void **state)
{
	struct onvm_chain c;
	char err[8];

	/* a short error buffer is truncated, not overrun */
	memset(err, 'x', sizeof(err));
	assert_int_equal(onvm_chain_parse("99", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(strlen(err), sizeof(err) - 1);
}

static void
parse_uint_bounds(void **state)
{
	unsigned long v = 12345;

	assert_int_equal(onvm_parse_uint("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(onvm_parse_uint("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(onvm_parse_uint("5", 5, 5, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(onvm_parse_uint("007", 1, 10, &v), 0);
	assert_int_equal(v, 7);

	v = 12345;
	assert_int_equal(onvm_parse_uint("11", 0, 10, &v), -EINVAL);
	assert_int_equal(onvm_parse_uint("4", 5, 10, &v), -EINVAL);
	assert_int_equal(onvm_parse_uint("0", 1, 10, &v), -EINVAL);
	/* failures leave *out alone */
	assert_int_equal(v, 12345);

	char max[32];
	snprintf(max, sizeof(max), "%lu", ULONG_MAX);
	assert_int_equal(onvm_parse_uint(max, 0, ULONG_MAX, &v), 0);
	assert_true(v == ULONG_MAX);
}

static void
parse_uint_junk(void **state)
{
	unsigned long v = 42;

	assert_int_equal(onvm_parse_uint(NULL, 0, 10, &v), -EINVAL);
	assert_int_equal(onvm_parse_uint("", 0, 10, &v), -EINVAL);
	assert_int_equal(onvm_parse_uint("-1", 0, 10, &v), -EINVAL);
	assert_int_equal(onvm_parse_uint("+1", 0, 10, &v), -EINVAL);
	assert_int_equal(onvm_parse_uint(" 1", 0, 10, &v), -EINVAL);
	assert_int_equal(onvm_parse_uint("1 ", 0, 10, &v), -EINVAL);
	assert_int_equal(onvm_parse_uint("1x", 0, 10, &v), -EINVAL);
	assert_int_equal(onvm_parse_uint("0x1", 0, 10, &v), -EINVAL);
	assert_int_equal(onvm_parse_uint("1.5", 0, 10, &v), -EINVAL);
	/* one past ULONG_MAX overflows */
	assert_int_equal(onvm_parse_uint("18446744073709551616", 0, ULONG_MAX,
					 &v), -EINVAL);
	assert_int_equal(v, 42);
}

static void
parse_service_id(void **state)
{
	uint16_t sid = 999;

	assert_int_equal(onvm_parse_service_id("1", &sid), 0);
	assert_int_equal(sid, 1);
	assert_int_equal(onvm_parse_service_id("63", &sid), 0);
	assert_int_equal(sid, ONVM_MAX_SERVICE_ID);
	assert_int_equal(ONVM_MAX_SERVICE_ID, ONVM_MAX_SERVICES - 1);

	sid = 999;
	assert_int_equal(onvm_parse_service_id("0", &sid), -EINVAL);
	assert_int_equal(onvm_parse_service_id("64", &sid), -EINVAL);
	assert_int_equal(onvm_parse_service_id("65536", &sid), -EINVAL);
	assert_int_equal(onvm_parse_service_id("", &sid), -EINVAL);
	assert_int_equal(onvm_parse_service_id("a", &sid), -EINVAL);
	assert_int_equal(onvm_parse_service_id("1a", &sid), -EINVAL);
	assert_int_equal(sid, 999);
}

static void
paired_port(void **state)
{
	/* testpmd pairing: 0<->1, 2<->3 */
	assert_int_equal(onvm_paired_port(0, 2), 1);
	assert_int_equal(onvm_paired_port(1, 2), 0);
	assert_int_equal(onvm_paired_port(2, 4), 3);
	assert_int_equal(onvm_paired_port(3, 4), 2);
	/* a lone last port sends back out through itself */
	assert_int_equal(onvm_paired_port(0, 1), 0);
	assert_int_equal(onvm_paired_port(2, 3), 2);
	assert_int_equal(onvm_paired_port(4, 5), 4);
}

/* The chain 1,2,3 on two ports, for the routing tests. */
static const struct onvm_chain chain123 = { .len = 3, .sid = { 1, 2, 3 } };

static void
route_actions_match_enum(void **state)
{
	/* onvm_route() switches on the numbers of enum onvm_action */
	assert_int_equal(ONVM_ACT_NEXT, 0);
	assert_int_equal(ONVM_ACT_DROP, 1);
	assert_int_equal(ONVM_ACT_TONF, 2);
	assert_int_equal(ONVM_ACT_OUT, 3);
}

static void
route_next(void **state)
{
	uint16_t dest = 0;
	uint8_t pos = 0;

	/* mid-chain: the next service */
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_NEXT, &dest, &pos, 0, 2),
			 ONVM_HOP_SERVICE);
	assert_int_equal(dest, 2);
	assert_int_equal(pos, 1);
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_NEXT, &dest, &pos, 0, 2),
			 ONVM_HOP_SERVICE);
	assert_int_equal(dest, 3);
	assert_int_equal(pos, 2);
	/* at the end: out of the port paired with the input */
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_NEXT, &dest, &pos, 0, 2),
			 ONVM_HOP_PORT);
	assert_int_equal(dest, 1);

	pos = 2;
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_NEXT, &dest, &pos, 1, 2),
			 ONVM_HOP_PORT);
	assert_int_equal(dest, 0);
	pos = 2;
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_NEXT, &dest, &pos, 2, 3),
			 ONVM_HOP_PORT);
	assert_int_equal(dest, 2);
}

static void
route_next_single(void **state)
{
	const struct onvm_chain one = { .len = 1, .sid = { 5 } };
	uint16_t dest = 0;
	uint8_t pos = 0;

	assert_int_equal(onvm_route(&one, ONVM_ACT_NEXT, &dest, &pos, 3, 4),
			 ONVM_HOP_PORT);
	assert_int_equal(dest, 2);
}

static void
route_drop(void **state)
{
	uint16_t dest = 7;
	uint8_t pos = 1;

	assert_int_equal(onvm_route(&chain123, ONVM_ACT_DROP, &dest, &pos, 0, 2),
			 ONVM_HOP_DROP);
}

static void
route_tonf_on_chain(void **state)
{
	uint16_t dest = 3;
	uint8_t pos = 0;

	/* skip ahead to service 3: the chain continues from there */
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_TONF, &dest, &pos, 0, 2),
			 ONVM_HOP_SERVICE);
	assert_int_equal(dest, 3);
	assert_int_equal(pos, 2);
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_NEXT, &dest, &pos, 0, 2),
			 ONVM_HOP_PORT);
	assert_int_equal(dest, 1);

	/* back to service 2 from the last one: 2 then 3 again */
	dest = 2;
	pos = 2;
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_TONF, &dest, &pos, 0, 2),
			 ONVM_HOP_SERVICE);
	assert_int_equal(dest, 2);
	assert_int_equal(pos, 1);
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_NEXT, &dest, &pos, 0, 2),
			 ONVM_HOP_SERVICE);
	assert_int_equal(dest, 3);
}

static void
route_tonf_off_chain(void **state)
{
	uint16_t dest = 40;
	uint8_t pos = 0;

	/* a service that is not on the chain: its NEXT leaves the chain */
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_TONF, &dest, &pos, 1, 2),
			 ONVM_HOP_SERVICE);
	assert_int_equal(dest, 40);
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_NEXT, &dest, &pos, 1, 2),
			 ONVM_HOP_PORT);
	assert_int_equal(dest, 0);

	dest = ONVM_MAX_SERVICE_ID;
	pos = 0;
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_TONF, &dest, &pos, 0, 2),
			 ONVM_HOP_SERVICE);
	assert_int_equal(dest, ONVM_MAX_SERVICE_ID);
}

static void
route_tonf_bad(void **state)
{
	uint16_t dest;
	uint8_t pos = 0;

	dest = 0;
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_TONF, &dest, &pos, 0, 2),
			 ONVM_HOP_BAD);
	dest = ONVM_MAX_SERVICES;
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_TONF, &dest, &pos, 0, 2),
			 ONVM_HOP_BAD);
	dest = UINT16_MAX;
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_TONF, &dest, &pos, 0, 2),
			 ONVM_HOP_BAD);
}

static void
route_out(void **state)
{
	uint16_t dest;
	uint8_t pos = 1;

	dest = 1;
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_OUT, &dest, &pos, 0, 2),
			 ONVM_HOP_PORT);
	assert_int_equal(dest, 1);
	dest = 0;
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_OUT, &dest, &pos, 0, 2),
			 ONVM_HOP_PORT);
	assert_int_equal(dest, 0);
	dest = 2;
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_OUT, &dest, &pos, 0, 2),
			 ONVM_HOP_BAD);
	dest = UINT16_MAX;
	assert_int_equal(onvm_route(&chain123, ONVM_ACT_OUT, &dest, &pos, 0, 2),
			 ONVM_HOP_BAD);
}

static void
route_unknown_action(void **state)
{
	uint16_t dest = 1;
	uint8_t pos = 0;

	assert_int_equal(onvm_route(&chain123, ONVM_ACT_MAX, &dest, &pos, 0, 2),
			 ONVM_HOP_BAD);
	assert_int_equal(onvm_route(&chain123, 200, &dest, &pos, 0, 2),
			 ONVM_HOP_BAD);
	assert_int_equal(onvm_route(&chain123, UINT8_MAX, &dest, &pos, 0, 2),
			 ONVM_HOP_BAD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chain_good),
		cmocka_unit_test(chain_bad),
		cmocka_unit_test(chain_too_long_string),
		cmocka_unit_test(chain_err_truncated),
		cmocka_unit_test(parse_uint_bounds),
		cmocka_unit_test(parse_uint_junk),
		cmocka_unit_test(parse_service_id),
		cmocka_unit_test(paired_port),
		cmocka_unit_test(route_actions_match_enum),
		cmocka_unit_test(route_next),
		cmocka_unit_test(route_next_single),
		cmocka_unit_test(route_drop),
		cmocka_unit_test(route_tonf_on_chain),
		cmocka_unit_test(route_tonf_off_chain),
		cmocka_unit_test(route_tonf_bad),
		cmocka_unit_test(route_out),
		cmocka_unit_test(route_unknown_action),
	};

	return cmocka_run_group_tests_name("chain", tests, NULL, NULL);
}
