/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* The manager's own options and the mempool size they imply
 * (onvm_mgr/mgr_opts.h). */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mgr_opts.h"

#define ARGV(...) ((char *[]){ "onvm-mgr", __VA_ARGS__, NULL })

static struct mgr_opts o;
static char err[256];

static int
parse(char **argv)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	memset(err, 0, sizeof(err));
	return mgr_opts_parse(argc, argv, &o, err, sizeof(err));
}

/* Parse "--chain 1 NAME VALUE"; returns the result. */
static int
parse_opt(const char *name, const char *value)
{
	return parse(ARGV("--chain", "1", (char *)name, (char *)value));
}

/* Expect a failure whose phrase contains @p what. */
static void
expect_err(int rc, const char *what)
{
	assert_int_equal(rc, -EINVAL);
	if (strstr(err, what) == NULL)
		fail_msg("error \"%s\" does not mention \"%s\"", err, what);
}

/* --shared-core, --bp-high, --bp-low */
static void
shared_core_and_bp(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--chain", "1")), 0);
	assert_int_equal(o.shared_core, 0);
	assert_int_equal(o.bp_high, MGR_BP_HIGH_DEFAULT);
	assert_int_equal(o.bp_low, MGR_BP_LOW_DEFAULT);
	assert_int_equal(parse(ARGV("--chain", "1", "--shared-core")), 0);
	assert_int_equal(o.shared_core, 1);
	expect_err(parse(ARGV("--chain", "1", "--shared-core=1")), "takes no value");
	assert_int_equal(parse(ARGV("--chain", "1", "--bp-high", "90", "--bp-low",
				    "10")), 0);
	assert_int_equal(o.bp_high, 90);
	assert_int_equal(o.bp_low, 10);
	/* 0: off, whatever the low mark */
	assert_int_equal(parse_opt("--bp-high", "0"), 0);
	assert_int_equal(o.bp_high, 0);
	expect_err(parse_opt("--bp-high", "101"), "--bp-high");
	expect_err(parse_opt("--bp-low", "0"), "--bp-low");
	expect_err(parse_opt("--bp-high", "50"), "must be below --bp-high 50");
	expect_err(parse(ARGV("--chain", "1", "--bp-high", "60", "--bp-low",
			      "70")), "must be below");
}

static void
defaults(void **state)
{
	assert_int_equal(parse(ARGV("--chain", "1,2,3")), 0);
	assert_int_equal(o.chain.len, 3);
	assert_int_equal(o.chain.sid[2], 3);
	assert_true(o.stats_interval == 1.0);
	assert_null(o.stats_json);
	assert_true(o.duration == 0);
	assert_int_equal(o.no_wait, 0);
	assert_int_equal(o.quiet, 0);
	assert_int_equal(o.nf_tx, 0);
	assert_int_equal(o.ring_size, 1024);
	assert_int_equal(o.max_nfs, 16);
	assert_int_equal(o.nb_mbufs, 0);
	assert_int_equal(o.mbuf_cache, 256);
	assert_int_equal(o.nb_rxd, 1024);
	assert_int_equal(o.nb_txd, 1024);
	assert_int_equal(o.flow_table, 1048576);
	assert_int_equal(o.nb_flows, 0);
}

static void
flow_rules(void **state)
{
	assert_int_equal(parse(ARGV("--chain", "1", "--flow",
				    "udp 10.0.0.1 1234 10.0.0.2 80 chain 2,3",
				    "--flow", "tcp ::1 1 ::2 2 in 1 chain 4",
				    "--flow-table", "4096")), 0);
	assert_int_equal(o.nb_flows, 2);
	assert_string_equal(o.flow[1], "tcp ::1 1 ::2 2 in 1 chain 4");
	assert_int_equal(o.flow_table, 4096);
	expect_err(parse_opt("--flow", "udp 10.0.0.1 x 10.0.0.2 80 chain 2"),
		   "bad --flow 'udp 10.0.0.1 x 10.0.0.2 80 chain 2': bad "
		   "source port 'x'");
	expect_err(parse_opt("--flow", "udp 10.0.0.1 1 10.0.0.2 80"),
		   "missing 'chain");
	expect_err(parse(ARGV("--chain", "1", "--flow")),
		   "option --flow needs a value");
	expect_err(parse_opt("--flow-table", "15"), "bad value '15' for "
		   "--flow-table");
	expect_err(parse_opt("--flow-table", "16777217"), "--flow-table");
	assert_int_equal(parse_opt("--flow-table", "16"), 0);
	assert_int_equal(o.flow_table, 16);
}

static void
chain_required(void **state)
{
	char *argv[] = { "onvm-mgr", NULL };

	expect_err(parse(argv), "--chain SID[,SID...] is required");
	expect_err(parse(ARGV("--quiet")), "--chain");
	expect_err(parse(ARGV("--chain")), "option --chain needs a value");
	expect_err(parse(ARGV("--chain", "0")), "bad service id '0'");
	expect_err(parse(ARGV("--chain", "1,,2")), "empty service id");
	expect_err(parse(ARGV("--chain", "")), "empty");

	assert_int_equal(parse(ARGV("--chain=4,5")), 0);
	assert_int_equal(o.chain.len, 2);
	assert_int_equal(o.chain.sid[0], 4);
	/* the last --chain wins */
	assert_int_equal(parse(ARGV("--chain", "1", "--chain", "7")), 0);
	assert_int_equal(o.chain.len, 1);
	assert_int_equal(o.chain.sid[0], 7);
}

static void
help(void **state)
{
	assert_int_equal(parse(ARGV("--help")), 1);
	assert_int_equal(parse(ARGV("--chain", "1", "--help")), 1);
	assert_non_null(strstr(mgr_usage, "--chain"));
	assert_non_null(strstr(mgr_usage, "--ring-size"));
}

static void
unknown_and_stray(void **state)
{
	expect_err(parse(ARGV("--chain", "1", "--bogus")),
		   "unknown option '--bogus'");
	expect_err(parse(ARGV("--bogus", "--chain", "1")), "unknown option");
	expect_err(parse(ARGV("--chain", "1", "-x")), "unknown option");
	expect_err(parse(ARGV("--chain", "1", "stray")),
		   "unexpected argument 'stray'");
	expect_err(parse(ARGV("stray", "--chain", "1")),
		   "unexpected argument 'stray'");
	/* a flag takes no value */
	expect_err(parse(ARGV("--chain", "1", "--quiet=yes")), "--quiet");
}

static void
stats_interval(void **state)
{
	assert_int_equal(parse_opt("--stats-interval", "0"), 0);
	assert_true(o.stats_interval == 0);
	assert_int_equal(parse_opt("--stats-interval", "0.1"), 0);
	assert_true(o.stats_interval > 0.099 && o.stats_interval < 0.101);
	assert_int_equal(parse_opt("--stats-interval", "2.5"), 0);
	assert_true(o.stats_interval == 2.5);
	assert_int_equal(parse_opt("--stats-interval", "3600"), 0);

	expect_err(parse_opt("--stats-interval", "0.05"), "--stats-interval");
	expect_err(parse_opt("--stats-interval", "3601"), "'3601'");
	expect_err(parse_opt("--stats-interval", "-1"), "--stats-interval");
	expect_err(parse_opt("--stats-interval", "x"), "--stats-interval");
	expect_err(parse_opt("--stats-interval", "1s"), "--stats-interval");
	expect_err(parse_opt("--stats-interval", ""), "--stats-interval");
	expect_err(parse_opt("--stats-interval", "nan"), "--stats-interval");
	expect_err(parse_opt("--stats-interval", "inf"), "--stats-interval");
}

static void
stats_json(void **state)
{
	assert_int_equal(parse_opt("--stats-json", "/tmp/s.json"), 0);
	assert_non_null(o.stats_json);
	assert_string_equal(o.stats_json, "/tmp/s.json");
	expect_err(parse_opt("--stats-json", ""), "--stats-json needs a path");
	expect_err(parse(ARGV("--chain", "1", "--stats-json")),
		   "--stats-json needs a value");
}

static void
duration(void **state)
{
	assert_int_equal(parse_opt("--duration", "8"), 0);
	assert_true(o.duration == 8);
	assert_int_equal(parse_opt("--duration", "0.5"), 0);
	assert_true(o.duration == 0.5);
	assert_int_equal(parse_opt("--duration", "0"), 0);
	assert_true(o.duration == 0);
	assert_int_equal(parse_opt("--duration", "31536000"), 0);

	expect_err(parse_opt("--duration", "31536001"), "--duration");
	expect_err(parse_opt("--duration", "-3"), "bad value '-3' for --duration");
	expect_err(parse_opt("--duration", "ten"), "--duration");
	expect_err(parse_opt("--duration", ""), "--duration");
}

static void
flags(void **state)
{
	assert_int_equal(parse(ARGV("--no-wait", "--chain", "1", "--quiet")), 0);
	assert_int_equal(o.no_wait, 1);
	assert_int_equal(o.quiet, 1);
	assert_int_equal(o.nf_tx, 0);
	assert_int_equal(o.nf_rx, 0);
	assert_int_equal(parse(ARGV("--chain", "1", "--nf-tx")), 0);
	assert_int_equal(o.nf_tx, 1);
	assert_int_equal(o.nf_rx, 0);
	assert_int_equal(o.no_wait, 0);
	assert_int_equal(parse(ARGV("--chain", "1", "--nf-rx")), 0);
	assert_int_equal(o.nf_rx, 1);
	assert_int_equal(o.nf_tx, 0);
}

static void
ring_size(void **state)
{
	assert_int_equal(parse_opt("--ring-size", "64"), 0);
	assert_int_equal(o.ring_size, 64);
	assert_int_equal(parse_opt("--ring-size", "4096"), 0);
	assert_int_equal(o.ring_size, 4096);
	assert_int_equal(parse_opt("--ring-size", "65536"), 0);
	assert_int_equal(o.ring_size, 65536);

	expect_err(parse_opt("--ring-size", "1000"),
		   "--ring-size 1000 is not a power of two");
	expect_err(parse_opt("--ring-size", "65535"), "not a power of two");
	expect_err(parse_opt("--ring-size", "32"),
		   "bad value '32' for --ring-size (expected 64..65536)");
	expect_err(parse_opt("--ring-size", "131072"), "--ring-size");
	expect_err(parse_opt("--ring-size", "0"), "--ring-size");
	expect_err(parse_opt("--ring-size", "1k"), "--ring-size");
}

static void
max_nfs(void **state)
{
	assert_int_equal(parse_opt("--max-nfs", "1"), 0);
	assert_int_equal(o.max_nfs, 1);
	assert_int_equal(parse_opt("--max-nfs", "32"), 0);
	assert_int_equal(o.max_nfs, ONVM_MAX_NFS);
	expect_err(parse_opt("--max-nfs", "0"), "--max-nfs (expected 1..32)");
	expect_err(parse_opt("--max-nfs", "33"), "--max-nfs");
	expect_err(parse_opt("--max-nfs", "-1"), "--max-nfs");
}

static void
mbufs(void **state)
{
	assert_int_equal(parse_opt("--mbufs", "1024"), 0);
	assert_int_equal(o.nb_mbufs, 1024);
	assert_int_equal(parse_opt("--mbufs", "16777215"), 0);
	assert_int_equal(o.nb_mbufs, 16777215);
	expect_err(parse_opt("--mbufs", "1023"), "--mbufs");
	expect_err(parse_opt("--mbufs", "16777216"), "--mbufs");

	assert_int_equal(parse_opt("--mbuf-cache", "0"), 0);
	assert_int_equal(o.mbuf_cache, 0);
	assert_int_equal(parse_opt("--mbuf-cache", "512"), 0);
	assert_int_equal(o.mbuf_cache, 512);
	expect_err(parse_opt("--mbuf-cache", "513"),
		   "bad value '513' for --mbuf-cache");
}

static void
descriptors(void **state)
{
	assert_int_equal(parse(ARGV("--chain", "1", "--rxd", "512", "--txd",
				    "2048")), 0);
	assert_int_equal(o.nb_rxd, 512);
	assert_int_equal(o.nb_txd, 2048);
	assert_int_equal(parse_opt("--rxd", "32"), 0);
	assert_int_equal(parse_opt("--txd", "16384"), 0);
	assert_int_equal(o.nb_txd, 16384);

	expect_err(parse_opt("--rxd", "31"), "bad value '31' for --rxd");
	expect_err(parse_opt("--txd", "16385"), "bad value '16385' for --txd");
	expect_err(parse_opt("--rxd", "65536"), "--rxd");
}

static void
reparse_is_clean(void **state)
{
	/* each call starts from the defaults, whatever came before */
	assert_int_equal(parse(ARGV("--chain", "1", "--quiet", "--ring-size",
				    "256", "--stats-json", "a.json")), 0);
	expect_err(parse(ARGV("--chain", "1", "--bogus")), "--bogus");
	assert_int_equal(parse(ARGV("--chain", "2")), 0);
	assert_int_equal(o.quiet, 0);
	assert_int_equal(o.ring_size, 1024);
	assert_null(o.stats_json);
	assert_int_equal(o.chain.sid[0], 2);
}

static void
restart(void **state)
{
	/* off unless asked for */
	assert_int_equal(parse(ARGV("--chain", "1")), 0);
	assert_int_equal(o.restart_max, 0);

	assert_int_equal(parse_opt("--restart", "3/10"), 0);
	assert_int_equal(o.restart_max, 3);
	assert_true(o.restart_window == 10);
	assert_int_equal(parse_opt("--restart", "1/1"), 0);
	assert_int_equal(o.restart_max, 1);
	assert_true(o.restart_window == 1);
	assert_int_equal(parse(ARGV("--chain", "1", "--restart=100/60")), 0);
	assert_int_equal(o.restart_max, 100);
	assert_true(o.restart_window == 60);

	expect_err(parse_opt("--restart", "3"),
		   "bad value '3' for --restart (N/SEC: at most N restarts, "
		   "1..100, in SEC seconds)");
	expect_err(parse_opt("--restart", "0/10"), "bad value '0/10' for --restart");
	expect_err(parse_opt("--restart", "101/10"), "bad value '101/10'");
	expect_err(parse_opt("--restart", "3/0"), "bad value '3/0'");
	expect_err(parse_opt("--restart", "3/abc"), "bad value '3/abc'");
	expect_err(parse_opt("--restart", "/10"), "bad value '/10'");
	expect_err(parse_opt("--restart", "3/10/1"), "bad value '3/10/1'");
	expect_err(parse_opt("--restart", ""), "bad value '' for --restart");
	expect_err(parse(ARGV("--chain", "1", "--restart")),
		   "option --restart needs a value");

	/* a failed --restart leaves nothing behind for the next parse */
	assert_int_equal(parse(ARGV("--chain", "1")), 0);
	assert_int_equal(o.restart_max, 0);
}

/* Is v of the form 2^k - 1? */
static int
is_pow2_minus1(uint32_t v)
{
	uint64_t p = (uint64_t)v + 1;

	return v != 0 && (p & (p - 1)) == 0;
}

static void
pool_size_shape(void **state)
{
	uint32_t n;

	n = mgr_pool_size(2, 1024, 1024, 1, 256, 16, 1024);
	assert_true(is_pow2_minus1(n));
	n = mgr_pool_size(1, 32, 32, 1, 0, 1, 64);
	assert_true(is_pow2_minus1(n));
	n = mgr_pool_size(16, 16384, 16384, 16, 512, 32, 65536);
	assert_true(is_pow2_minus1(n));
	/* absurd sizes saturate instead of wrapping */
	n = mgr_pool_size(UINT16_MAX, UINT16_MAX, UINT16_MAX, 1000, 512,
			  1000, 65536);
	assert_int_equal(n, UINT32_MAX);
}

static void
pool_size_covers(void **state)
{
	static const struct {
		uint16_t ports, rxd, txd;
		uint32_t lcores, cache, nfs, ring;
	} c[] = {
		{ 2, 1024, 1024, 1, 256, 16, 1024 },
		{ 1, 32, 32, 1, 0, 1, 64 },
		{ 4, 4096, 4096, 2, 512, 32, 4096 },
		{ 16, 16384, 16384, 16, 512, 32, 65536 },
	};
	uint64_t need;
	unsigned int i;

	/* at least every descriptor, every cache and every ring full */
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		need = (uint64_t)c[i].ports * (c[i].rxd + c[i].txd) +
		       (uint64_t)c[i].lcores * c[i].cache +
		       (uint64_t)c[i].nfs * 2 * c[i].ring;
		assert_true(mgr_pool_size(c[i].ports, c[i].rxd, c[i].txd,
					  c[i].lcores, c[i].cache, c[i].nfs,
					  c[i].ring) >= need);
	}
}

static void
pool_size_grows(void **state)
{
	uint32_t base, more_nfs, more_ring, more_ports, prev = 0;
	uint32_t nfs;

	base = mgr_pool_size(2, 1024, 1024, 1, 256, 16, 1024);
	more_nfs = mgr_pool_size(2, 1024, 1024, 1, 256, 32, 1024);
	more_ring = mgr_pool_size(2, 1024, 1024, 1, 256, 16, 4096);
	more_ports = mgr_pool_size(16, 4096, 4096, 1, 256, 16, 1024);
	assert_true(more_nfs > base);
	assert_true(more_ring > base);
	assert_true(more_ports > base);

	/* never shrinks as NFs are added */
	for (nfs = 1; nfs <= ONVM_MAX_NFS; nfs++) {
		uint32_t n = mgr_pool_size(2, 1024, 1024, 2, 256, nfs, 2048);

		assert_true(n >= prev);
		prev = n;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(chain_required),
		cmocka_unit_test(flow_rules),
		cmocka_unit_test(help),
		cmocka_unit_test(unknown_and_stray),
		cmocka_unit_test(stats_interval),
		cmocka_unit_test(stats_json),
		cmocka_unit_test(duration),
		cmocka_unit_test(flags),
		cmocka_unit_test(ring_size),
		cmocka_unit_test(max_nfs),
		cmocka_unit_test(mbufs),
		cmocka_unit_test(descriptors),
		cmocka_unit_test(reparse_is_clean),
		cmocka_unit_test(restart),
		cmocka_unit_test(pool_size_shape),
		cmocka_unit_test(pool_size_covers),
		cmocka_unit_test(pool_size_grows),
		cmocka_unit_test(shared_core_and_bp),
	};

	return cmocka_run_group_tests_name("mgr_opts", tests, NULL, NULL);
}
