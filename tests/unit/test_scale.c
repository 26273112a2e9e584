/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Auto-scaling without DPDK (onvm_mgr/mgr_scale_policy.h): --scale and
 * --launch parsing, the manager's options that carry them, the command
 * line of a new instance, and the decisions from samples. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mgr_opts.h"
#include "mgr_scale_policy.h"

#define MS 1000000ULL

static char err[256];

static void
expect_phrase(const char *what)
{
	if (strstr(err, what) == NULL)
		fail_msg("error \"%s\" does not mention \"%s\"", err, what);
	if (strchr(err, '\n') != NULL)
		fail_msg("error \"%s\" is not one line", err);
}

static void
policy_defaults(void **state)
{
	struct mgr_scale_policy p;

	(void)state;
	assert_int_equal(mgr_scale_policy_parse("7", &p, err, sizeof(err)), 0);
	assert_int_equal(p.sid, 7);
	assert_int_equal(p.min, 1);
	assert_int_equal(p.max, 4);
	assert_true(p.high == 80 && p.low == 20);
	assert_true(p.for_ns == 300 * MS);
	assert_true(p.cooldown_ns == 2000 * MS);
	assert_int_equal(p.metric, MGR_SCALE_RING);
	assert_int_equal(p.wait, MGR_SCALE_WAIT_DEFAULT);
}

static void
policy_full(void **state)
{
	struct mgr_scale_policy p;

	(void)state;
	assert_int_equal(mgr_scale_policy_parse(
		"2:min=0,max=3,high=90.5,low=5,for=1.5s,cooldown=250ms,"
		"metric=drops,wait=100", &p, err, sizeof(err)), 0);
	assert_int_equal(p.sid, 2);
	assert_int_equal(p.min, 0);
	assert_int_equal(p.max, 3);
	assert_true(p.high == 90.5 && p.low == 5);
	assert_true(p.for_ns == 1500 * MS);
	assert_true(p.cooldown_ns == 250 * MS);
	assert_int_equal(p.metric, MGR_SCALE_DROPS);
	assert_int_equal(p.wait, 100);
	/* min above the default max raises it */
	assert_int_equal(mgr_scale_policy_parse("3:min=6", &p, err,
						sizeof(err)), 0);
	assert_int_equal(p.max, 6);
}

static void
policy_errors(void **state)
{
	static const struct { const char *in, *phrase; } bad[] = {
		{ "", "service id" },
		{ "0:min=1", "service id" },
		{ "64:min=1", "service id" },
		{ "x:min=1", "service id" },
		{ "1:min", "not key=value" },
		{ "1:min=17", "min=17" },
		{ "1:max=0", "max=0" },
		{ "1:min=3,max=2", "below min" },
		{ "1:high=101", "high=101" },
		{ "1:low=-1", "low=-1" },
		{ "1:low=50,high=50", "not below" },
		{ "1:for=3parsecs", "duration" },
		{ "1:cooldown=", "duration" },
		{ "1:metric=cpu", "ring or drops" },
		{ "1:wait=70000", "wait=70000" },
		{ "1:colour=blue", "unknown key 'colour'" },
	};
	struct mgr_scale_policy p;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(err, 0, sizeof(err));
		if (mgr_scale_policy_parse(bad[i].in, &p, err,
					   sizeof(err)) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i].in);
		expect_phrase(bad[i].phrase);
	}
}

static void
durations(void **state)
{
	uint64_t ns;

	(void)state;
	assert_int_equal(mgr_scale_duration_parse("300ms", &ns), 0);
	assert_true(ns == 300 * MS);
	assert_int_equal(mgr_scale_duration_parse("2", &ns), 0);
	assert_true(ns == 2000 * MS);
	assert_int_equal(mgr_scale_duration_parse("0.5s", &ns), 0);
	assert_true(ns == 500 * MS);
	assert_int_equal(mgr_scale_duration_parse("250us", &ns), 0);
	assert_true(ns == 250000);
	assert_int_equal(mgr_scale_duration_parse("-1s", &ns), -EINVAL);
	assert_int_equal(mgr_scale_duration_parse("ms", &ns), -EINVAL);
	assert_int_equal(mgr_scale_duration_parse("1h", &ns), -EINVAL);
	assert_int_equal(mgr_scale_duration_parse("nan", &ns), -EINVAL);
	assert_int_equal(mgr_scale_duration_parse("1e30", &ns), -EINVAL);
}

/* The NUL-separated arguments of @p buf, joined with '|'. */
static const char *
joined(const char *buf, size_t len)
{
	static char out[1024];
	size_t i;

	for (i = 0; i < len && i < sizeof(out) - 1; i++)
		out[i] = buf[i] == '\0' ? '|' : buf[i];
	out[i] = '\0';
	return out;
}

static void
launch(void **state)
{
	char buf[256];
	size_t len;
	uint16_t sid;

	(void)state;
	assert_int_equal(mgr_scale_launch_parse(
		"4:  /bin/nf -l 1 -- -r 4  --tag 'a b' \"x\"y", &sid, buf,
		sizeof(buf), &len, err, sizeof(err)), 9);
	assert_int_equal(sid, 4);
	assert_string_equal(joined(buf, len),
			    "/bin/nf|-l|1|--|-r|4|--tag|a b|xy|");
	assert_int_equal(mgr_scale_launch_parse("4", &sid, buf, sizeof(buf),
						&len, err, sizeof(err)), -EINVAL);
	expect_phrase("SID:COMMAND");
	assert_int_equal(mgr_scale_launch_parse("99:x", &sid, buf, sizeof(buf),
						&len, err, sizeof(err)), -EINVAL);
	expect_phrase("service id");
	assert_int_equal(mgr_scale_launch_parse("4:   ", &sid, buf, sizeof(buf),
						&len, err, sizeof(err)), -EINVAL);
	expect_phrase("no program");
	assert_int_equal(mgr_scale_launch_parse("4:nf 'x", &sid, buf,
						sizeof(buf), &len, err,
						sizeof(err)), -EINVAL);
	expect_phrase("unbalanced");
	assert_int_equal(mgr_scale_launch_parse("4:abcdefgh", &sid, buf, 4,
						&len, err, sizeof(err)), -EINVAL);
	expect_phrase("longer");
}

static void
argv_fix(void **state)
{
	/* EAL "-n 4" before "--" stays; the library's "-n 2" goes */
	char a[128] = "nf\0-n\0" "4\0--\0-r\0" "1\0-n\0" "2\0--x\0";
	size_t len = 25;
	/* no "--": every "-n ID" is the library's; a prefix is kept */
	char b[128] = "nf\0-r\0" "1\0-n\0" "7\0--file-prefix\0p\0";
	size_t blen = 29;
	char c[16] = "nf\0-r\0" "1\0";
	size_t clen = 8;

	(void)state;
	assert_int_equal(mgr_scale_argv_fix(a, &len, sizeof(a), "onvm"), 0);
	assert_string_equal(joined(a, len),
			    "nf|-n|4|--|-r|1|--x|--file-prefix=onvm|");
	assert_int_equal(mgr_scale_argv_fix(b, &blen, sizeof(b), "onvm"), 0);
	assert_string_equal(joined(b, blen), "nf|-r|1|--file-prefix|p|");
	assert_int_equal(mgr_scale_argv_fix(c, &clen, sizeof(c), "onvm"),
			 -E2BIG);
}

static void
opts(void **state)
{
	struct mgr_opts o;
	char *ok[] = { "onvm-mgr", "--chain", "1,2", "--scale",
		       "1:max=2", "--scale", "2:min=0,wait=64",
		       "--launch", "2:/bin/true -r 2", NULL };
	char *dup[] = { "onvm-mgr", "--chain", "1", "--scale", "1",
			"--scale", "1:max=3", NULL };
	char *big[] = { "onvm-mgr", "--chain", "1", "--ring-size", "256",
			"--scale", "1:min=0,wait=512", NULL };
	char *dflt[] = { "onvm-mgr", "--chain", "1", "--ring-size", "512",
			 "--scale", "1:min=0", NULL };
	char *edge[] = { "onvm-mgr", "--chain", "1", "--ring-size", "256",
			 "--scale", "1:min=0,wait=255", NULL };
	char *bad[] = { "onvm-mgr", "--chain", "1", "--launch", "1:", NULL };

	(void)state;
	assert_int_equal(mgr_opts_parse(9, ok, &o, err, sizeof(err)), 0);
	assert_int_equal(o.nb_scale, 2);
	assert_int_equal(o.nb_launch, 1);
	assert_string_equal(o.scale[1], "2:min=0,wait=64");
	assert_string_equal(o.launch[0], "2:/bin/true -r 2");
	assert_int_equal(mgr_opts_parse(7, dup, &o, err, sizeof(err)),
			 -EINVAL);
	expect_phrase("--scale given twice for service 1");
	assert_int_equal(mgr_opts_parse(7, big, &o, err, sizeof(err)),
			 -EINVAL);
	expect_phrase("wait=512 is not below --ring-size 256");
	/* the default wait needs a bigger ring; wait 255 fits 256 */
	assert_int_equal(mgr_opts_parse(7, dflt, &o, err, sizeof(err)),
			 -EINVAL);
	expect_phrase("wait=512 is not below --ring-size 512");
	assert_int_equal(mgr_opts_parse(7, edge, &o, err, sizeof(err)), 0);
	assert_int_equal(mgr_opts_parse(5, bad, &o, err, sizeof(err)),
			 -EINVAL);
	expect_phrase("no program");
}

/* Decisions: a policy, a state, samples over time. */
static struct mgr_scale_policy pol;
static struct mgr_scale_state st;
static char why[160];

static enum mgr_scale_verdict
at(uint64_t ms, uint16_t n, uint16_t pending, double value, int waiting)
{
	struct mgr_scale_sample s = { .now_ns = ms * MS, .n = n,
				      .pending = pending, .value = value,
				      .waiting = waiting };

	why[0] = '\0';
	return mgr_scale_decide(&pol, &st, &s, why, sizeof(why));
}

static int
setup_policy(void **state)
{
	(void)state;
	memset(&st, 0, sizeof(st));
	assert_int_equal(mgr_scale_policy_parse(
		"2:min=1,max=3,high=80,low=20,for=300ms,cooldown=2s", &pol, err,
		sizeof(err)), 0);
	return 0;
}

static void
decide_out_after_for(void **state)
{
	(void)state;
	assert_int_equal(at(1000, 1, 0, 50, 0), MGR_SCALE_NONE);
	assert_int_equal(at(1010, 1, 0, 91, 0), MGR_SCALE_NONE);
	assert_int_equal(at(1200, 1, 0, 95, 0), MGR_SCALE_NONE);
	/* a dip below high restarts the clock */
	assert_int_equal(at(1250, 1, 0, 70, 0), MGR_SCALE_NONE);
	assert_int_equal(at(1260, 1, 0, 91, 0), MGR_SCALE_NONE);
	assert_int_equal(at(1500, 1, 0, 91, 0), MGR_SCALE_NONE);
	assert_int_equal(at(1560, 1, 0, 91, 0), MGR_SCALE_OUT);
	assert_string_equal(why, "rx ring 91 % > 80 % for 300 ms");
	/* pending: nothing, whatever the metric */
	assert_int_equal(at(5000, 2, 1, 99, 0), MGR_SCALE_NONE);
	assert_int_equal(at(5400, 2, 1, 99, 0), MGR_SCALE_NONE);
	/* the clock ran while pending: out again at once, cool-down over */
	assert_int_equal(at(5410, 2, 0, 99, 0), MGR_SCALE_OUT);
	/* at max: never */
	assert_int_equal(at(9000, 3, 0, 99, 0), MGR_SCALE_NONE);
	assert_int_equal(at(9999, 3, 0, 99, 0), MGR_SCALE_NONE);
}

static void
decide_cooldown(void **state)
{
	(void)state;
	assert_int_equal(at(1000, 1, 0, 90, 0), MGR_SCALE_NONE);
	assert_int_equal(at(1300, 1, 0, 90, 0), MGR_SCALE_OUT);
	assert_int_equal(at(1400, 2, 0, 5, 0), MGR_SCALE_NONE);
	/* below low for long, but within the cool-down */
	assert_int_equal(at(3200, 2, 0, 5, 0), MGR_SCALE_NONE);
	assert_int_equal(at(3300, 2, 0, 5, 0), MGR_SCALE_IN);
	assert_string_equal(why, "rx ring 5 % < 20 % for 1900 ms");
	/* at min: stays */
	assert_int_equal(at(9000, 1, 0, 0, 0), MGR_SCALE_NONE);
	assert_int_equal(at(20000, 1, 0, 0, 0), MGR_SCALE_NONE);
}

static void
decide_min_max(void **state)
{
	(void)state;
	assert_int_equal(at(1000, 0, 0, 0, 0), MGR_SCALE_OUT);
	assert_string_equal(why, "0 instance(s) < min 1");
	/* min and max hold even within the cool-down */
	assert_int_equal(at(1010, 4, 0, 50, 0), MGR_SCALE_IN);
	assert_string_equal(why, "4 instance(s) > max 3");
	assert_int_equal(at(1020, 0, 1, 0, 0), MGR_SCALE_NONE);
}

static void
decide_from_zero(void **state)
{
	(void)state;
	pol.min = 0;
	pol.max = 1;
	assert_int_equal(at(1000, 0, 0, 0, 0), MGR_SCALE_NONE);
	assert_int_equal(at(2000, 0, 0, 0, 1), MGR_SCALE_OUT);
	assert_string_equal(why, "packets wait and no instance runs");
	assert_int_equal(at(2010, 0, 1, 0, 1), MGR_SCALE_NONE);
	assert_int_equal(at(2100, 1, 0, 0, 0), MGR_SCALE_NONE);
	/* idle: back to zero after for and the cool-down */
	assert_int_equal(at(3990, 1, 0, 0, 0), MGR_SCALE_NONE);
	assert_int_equal(at(4000, 1, 0, 0, 0), MGR_SCALE_IN);
	/* not while packets wait */
	memset(&st, 0, sizeof(st));
	assert_int_equal(at(5000, 1, 0, 0, 1), MGR_SCALE_NONE);
	assert_int_equal(at(9000, 1, 0, 0, 1), MGR_SCALE_NONE);
}

static void
decide_drops_reason(void **state)
{
	(void)state;
	pol.metric = MGR_SCALE_DROPS;
	assert_int_equal(at(1000, 1, 0, 85, 0), MGR_SCALE_NONE);
	assert_int_equal(at(1300, 1, 0, 85, 0), MGR_SCALE_OUT);
	assert_string_equal(why, "drops 85 % > 80 % for 300 ms");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_defaults),
		cmocka_unit_test(policy_full),
		cmocka_unit_test(policy_errors),
		cmocka_unit_test(durations),
		cmocka_unit_test(launch),
		cmocka_unit_test(argv_fix),
		cmocka_unit_test(opts),
		cmocka_unit_test_setup(decide_out_after_for, setup_policy),
		cmocka_unit_test_setup(decide_cooldown, setup_policy),
		cmocka_unit_test_setup(decide_min_max, setup_policy),
		cmocka_unit_test_setup(decide_from_zero, setup_policy),
		cmocka_unit_test_setup(decide_drops_reason, setup_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
