/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* onvm-pktgen's EAL-free parts (nfs/pktgen/pktgen_lib.h): options, the
 * latency histogram, synthetic frames and their stamp, the pcap loader and
 * the final JSON. Checksums are checked with an implementation of this file's
 * own, byte by byte in network order. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "pktgen_lib.h"

#define ARGV(...) ((char *[]){ "onvm-pktgen", __VA_ARGS__, NULL })

static struct pg_opts o;
static char err[256];

static int
parse(char **argv)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	memset(err, 0, sizeof(err));
	return pg_opts_parse(argc, argv, &o, err, sizeof(err));
}

/* Expect a failure whose one-line message contains @p what. */
static void
expect_err(int rc, const char *what)
{
	assert_int_equal(rc, -EINVAL);
	if (strstr(err, what) == NULL)
		fail_msg("error \"%s\" does not mention \"%s\"", err, what);
	assert_null(strchr(err, '\n'));
}

/* ------------------------------------------------------------ options */

static void
opts_defaults(void **state)
{
	assert_int_equal(parse(ARGV(NULL)), 0);
	assert_true(o.rate_pps == 0 && o.rate_pct == 0 && o.max_pps == 0);
	assert_int_equal(o.size, 64);
	assert_int_equal(o.imix, 0);
	assert_int_equal(o.flows, 1);
	assert_int_equal(o.proto, PG_PROTO_UDP);
	assert_true(o.duration_s == 0);
	assert_int_equal(o.count, 0);
	assert_null(o.pcap);
	assert_null(o.json);
	assert_int_equal(o.tx_port, 0);
	assert_int_equal(o.rx_port, 0);
	assert_int_equal(o.burst, 32);
	assert_true(o.stats_interval_s == 1.0);
	assert_true(o.drain_s == 1.0);
	assert_true(o.link_wait_s == 10.0);
	assert_true(o.probe_s == 1.0);
	assert_int_equal(o.yield, 1);
	assert_int_equal(o.path_check, 1);
	assert_int_equal(o.linger, 0);
	assert_int_equal(o.nf, 0);
	assert_int_equal(o.to_sid, 0);
}

static void
opts_good(void **state)
{
	assert_int_equal(parse(ARGV("--rate", "10000", "--size", "1518",
				    "--flows", "16", "--proto", "tcp",
				    "--count", "20000", "--duration", "2.5",
				    "--json", "out.json", "--burst", "64",
				    "--tx-port", "1", "--rx-port", "2",
				    "--stats-interval", "0", "--drain", "0.5",
				    "--link-wait", "3", "--no-yield",
				    "--no-path-check", "--linger")), 0);
	assert_true(o.rate_pps == 10000);
	assert_int_equal(o.size, 1518);
	assert_int_equal(o.flows, 16);
	assert_int_equal(o.proto, PG_PROTO_TCP);
	assert_int_equal(o.count, 20000);
	assert_true(o.duration_s == 2.5);
	assert_string_equal(o.json, "out.json");
	assert_int_equal(o.burst, 64);
	assert_int_equal(o.tx_port, 1);
	assert_int_equal(o.rx_port, 2);
	assert_true(o.stats_interval_s == 0);
	assert_true(o.drain_s == 0.5);
	assert_true(o.link_wait_s == 3);
	assert_int_equal(o.yield, 0);
	assert_int_equal(o.path_check, 0);
	assert_int_equal(o.linger, 1);

	/* "--opt=value", exponents, mix, imix, percent of the maximum */
	assert_int_equal(parse(ARGV("--rate=1e6", "--flows=65536",
				    "--proto=mix")), 0);
	assert_true(o.rate_pps == 1e6);
	assert_int_equal(o.flows, 65536);
	assert_int_equal(o.proto, PG_PROTO_MIX);
	assert_int_equal(o.size, 76);	/* TCP flows' default: the stamp fits */
	assert_int_equal(parse(ARGV("--imix", "--rate-pct", "50")), 0);
	assert_int_equal(o.imix, 1);
	assert_true(o.rate_pct == 50 && o.max_pps == 0);
	assert_int_equal(parse(ARGV("--rate-pct", "100", "--max-pps", "2e6",
				    "--probe", "0.5")), 0);
	assert_true(o.rate_pct == 100 && o.max_pps == 2e6 && o.probe_s == 0.5);
	assert_int_equal(parse(ARGV("--pcap", "x.pcap", "--rate", "5")), 0);
	assert_string_equal(o.pcap, "x.pcap");
	/* the smallest stamped TCP frame, given or by default */
	assert_int_equal(parse(ARGV("--proto", "tcp", "--size", "76")), 0);
	assert_int_equal(parse(ARGV("--proto", "tcp")), 0);
	assert_int_equal(o.size, 76);
}

static void
opts_help(void **state)
{
	assert_int_equal(parse(ARGV("--help")), 1);
	assert_int_equal(parse(ARGV("--rate", "5", "--help")), 1);
	assert_non_null(strstr(pg_usage, "--rate-pct"));
	assert_non_null(strstr(pg_usage, "--pcap"));
	assert_non_null(strstr(pg_usage, "--json"));
}

static void
opts_bad_values(void **state)
{
	static const char *const bad[][3] = {
		{ "--rate", "0", "--rate" },
		{ "--rate", "abc", "--rate" },
		{ "--rate", "-5", "--rate" },
		{ "--rate", "1e10", "--rate" },
		{ "--rate", "nan", "--rate" },
		{ "--rate", "10 ", "--rate" },
		{ "--rate-pct", "0", "--rate-pct" },
		{ "--rate-pct", "100.5", "--rate-pct" },
		{ "--max-pps", "0", "--max-pps" },
		{ "--probe", "0", "--probe" },
		{ "--size", "63", "--size" },
		{ "--size", "1519", "--size" },
		{ "--size", "64x", "--size" },
		{ "--size", "+64", "--size" },
		{ "--flows", "0", "--flows" },
		{ "--flows", "65537", "--flows" },
		{ "--proto", "icmp", "--proto" },
		{ "--duration", "0", "--duration" },
		{ "--duration", "-1", "--duration" },
		{ "--count", "0", "--count" },
		{ "--count", "-1", "--count" },
		{ "--count", "99999999999999999999", "--count" },
		{ "--burst", "0", "--burst" },
		{ "--burst", "513", "--burst" },
		{ "--tx-port", "1024", "--tx-port" },
		{ "--rx-port", "x", "--rx-port" },
		{ "--json", "", "--json" },
		{ "--pcap", "", "--pcap" },
		{ "--stats-interval", "0.05", "--stats-interval" },
		{ "--drain", "61", "--drain" },
		{ "--link-wait", "-1", "--link-wait" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(ARGV((char *)bad[i][0], (char *)bad[i][1]));

		if (rc != -EINVAL)
			fail_msg("%s '%s' was accepted", bad[i][0], bad[i][1]);
		expect_err(rc, bad[i][2]);
	}
}

static void
opts_bad_forms(void **state)
{
	expect_err(parse(ARGV("--rate")), "needs a value");
	expect_err(parse(ARGV("--bogus")), "unknown option '--bogus'");
	expect_err(parse(ARGV("-x")), "unknown option");
	expect_err(parse(ARGV("--count", "5", "stray")), "unexpected argument 'stray'");
	expect_err(parse(ARGV("--rate", "5", "--rate-pct", "50")), "exclude");
	expect_err(parse(ARGV("--max-pps", "5")), "--rate-pct");
	expect_err(parse(ARGV("--size", "128", "--imix")), "exclude");
	expect_err(parse(ARGV("--pcap", "a.pcap", "--size", "128")), "--pcap");
	expect_err(parse(ARGV("--pcap", "a.pcap", "--flows", "2")), "--pcap");
	expect_err(parse(ARGV("--pcap", "a.pcap", "--imix")), "--pcap");
	expect_err(parse(ARGV("--proto", "mix")), "--flows 2");
	expect_err(parse(ARGV("--proto", "tcp", "--imix")), "imix");
	expect_err(parse(ARGV("--proto", "tcp", "--size", "64")), "76");
	expect_err(parse(ARGV("--proto", "mix", "--flows", "2", "--size", "75")),
		   "76");
	/* whatever the user typed, the error stays on one line */
	expect_err(parse(ARGV("--rate", "1\n2")), "--rate");
	expect_err(parse(ARGV("--bo\ngus")), "unknown option");
}

/* --nf and --to; what NF mode excludes */
static void
opts_nf(void **state)
{
	assert_int_equal(parse(ARGV("--nf", "--to", "1", "--rate", "20000",
				    "--count", "20000")), 0);
	assert_int_equal(o.nf, 1);
	assert_int_equal(o.to_sid, 1);
	assert_true(o.rate_pps == 20000);
	assert_int_equal(parse(ARGV("--nf")), 0);
	assert_int_equal(o.nf, 1);
	assert_int_equal(o.to_sid, 0);		/* the chain's next service */
	assert_int_equal(parse(ARGV("--to=63", "--nf", "--pcap", "x.pcap")), 0);
	assert_int_equal(o.to_sid, 63);
	assert_int_equal(parse(ARGV("--nf", "--link-wait", "2",
				    "--no-path-check")), 0);

	expect_err(parse(ARGV("--nf", "--to", "0")), "--to");
	expect_err(parse(ARGV("--nf", "--to", "64")), "1..63");
	expect_err(parse(ARGV("--nf", "--to", "x")), "--to");
	expect_err(parse(ARGV("--nf", "--to")), "needs a value");
	expect_err(parse(ARGV("--to", "1")), "--to goes with --nf");
	expect_err(parse(ARGV("--nf", "--tx-port", "0")), "no port");
	expect_err(parse(ARGV("--nf", "--rx-port", "1")), "no port");
	expect_err(parse(ARGV("--nf", "--linger")), "--linger");
	expect_err(parse(ARGV("--nf=1")), "--nf");
	assert_non_null(strstr(pg_usage, "--nf -r SID"));
	assert_non_null(strstr(pg_usage, "--to SID"));
}

static int
count(char **argv)
{
	int n = 0;

	while (argv[n] != NULL)
		n++;
	return n;
}

static void
nf_mode(void **state)
{
	char **a;

	a = ARGV("--nf", "-r", "9");
	assert_int_equal(pg_nf_mode(count(a), a), 1);
	a = ARGV("-l", "1", "--", "-r", "9", "--nf");
	assert_int_equal(pg_nf_mode(count(a), a), 1);
	a = ARGV("--no-pci", "--vdev=net_memif0", "--", "--rate", "5");
	assert_int_equal(pg_nf_mode(count(a), a), 0);
	a = ARGV("--", "--json", "--nf-x");
	assert_int_equal(pg_nf_mode(count(a), a), 0);
	a = ARGV("--nf", "--", "-r", "9");	/* the EAL would get it */
	assert_int_equal(pg_nf_mode(count(a), a), -EINVAL);
	a = ARGV(NULL);
	assert_int_equal(pg_nf_mode(count(a), a), 0);
	/* a second "--" is pktgen's, like any other argument */
	a = ARGV("-l", "1", "--", "--", "--nf");
	assert_int_equal(pg_nf_mode(count(a), a), 1);
	/* the value of a library option is not ours */
	a = ARGV("--tag", "--nf", "-r", "9");
	assert_int_equal(pg_nf_mode(count(a), a), 0);
	a = ARGV("--", "-n", "--nf", "--nf");
	assert_int_equal(pg_nf_mode(count(a), a), 1);
}

/* The arguments onvm_nf_start() leaves to the NF, found before it runs. */
static void
nf_app_args(void **state)
{
	char *out[32];
	char **a;
	int n;

	a = ARGV("--nf", "-r", "9", "-n", "4", "--to", "1", "--tag", "pg",
		 "--file-prefix", "p", "--count", "5");
	n = pg_nf_app_args(count(a), a, out);
	assert_int_equal(n, 6);
	assert_string_equal(out[0], "onvm-pktgen");
	assert_string_equal(out[1], "--nf");
	assert_string_equal(out[2], "--to");
	assert_string_equal(out[3], "1");
	assert_string_equal(out[4], "--count");
	assert_string_equal(out[5], "5");
	assert_null(out[6]);

	/* EAL options before "--" are the EAL's; "=" forms; a last -r */
	a = ARGV("-l", "1", "--file-prefix", "x", "--", "--nf",
		 "--file-prefix=q", "--tag=t", "--rate", "5", "-r");
	n = pg_nf_app_args(count(a), a, out);
	assert_int_equal(n, 4);
	assert_string_equal(out[1], "--nf");
	assert_string_equal(out[2], "--rate");
	assert_string_equal(out[3], "5");
	assert_null(out[4]);

	/* only the exact names are the library's, as in onvm_nf_start() */
	a = ARGV("--nf", "-r9", "--tags", "--file-prefixes", "--json", "-n");
	n = pg_nf_app_args(count(a), a, out);
	assert_int_equal(n, 6);
	assert_string_equal(out[2], "-r9");
	assert_string_equal(out[5], "--json");
}

static void
opts_reparse_is_clean(void **state)
{
	assert_int_equal(parse(ARGV("--rate", "5", "--imix", "--no-yield")), 0);
	assert_int_equal(parse(ARGV(NULL)), 0);
	assert_true(o.rate_pps == 0);
	assert_int_equal(o.imix, 0);
	assert_int_equal(o.yield, 1);
}

static void
size_cycle(void **state)
{
	uint16_t sizes[16];
	unsigned int n, i, c64 = 0, c594 = 0, c1518 = 0;

	assert_int_equal(parse(ARGV("--size", "128")), 0);
	assert_int_equal(pg_size_cycle(&o, sizes, 16), 1);
	assert_int_equal(sizes[0], 128);
	assert_int_equal(parse(ARGV("--imix")), 0);
	n = pg_size_cycle(&o, sizes, 16);
	assert_int_equal(n, 12);
	for (i = 0; i < n; i++) {
		c64 += sizes[i] == 64;
		c594 += sizes[i] == 594;
		c1518 += sizes[i] == 1518;
	}
	assert_int_equal(c64, 7);
	assert_int_equal(c594, 4);
	assert_int_equal(c1518, 1);
	assert_int_equal(pg_flow_proto(PG_PROTO_MIX, 0), PG_PROTO_UDP);
	assert_int_equal(pg_flow_proto(PG_PROTO_MIX, 1), PG_PROTO_TCP);
	assert_int_equal(pg_flow_proto(PG_PROTO_TCP, 0), PG_PROTO_TCP);
}

/* ------------------------------------------------------------ histogram */

static struct pg_hist h;

static int
hist_setup(void **state)
{
	return pg_hist_init(&h, PG_HIST_MAX_NS);
}

static int
hist_teardown(void **state)
{
	pg_hist_free(&h);
	return 0;
}

static void
hist_buckets(void **state)
{
	uint64_t v, lo, hi;
	uint32_t i;

	/* contiguous, no gap, no overlap */
	assert_int_equal(pg_hist_bucket_low(0), 0);
	for (i = 0; i + 1 < h.nb; i++)
		assert_int_equal(pg_hist_bucket_high(i) + 1,
				 pg_hist_bucket_low(i + 1));
	/* exact below 128, then within 1/64 of the value */
	for (v = 0; v < 128; v++) {
		i = pg_hist_index(v);
		assert_int_equal(pg_hist_bucket_low(i), v);
		assert_int_equal(pg_hist_bucket_high(i), v);
	}
	for (v = 128; v < PG_HIST_MAX_NS; v = v * 3 / 2 + 7) {
		i = pg_hist_index(v);
		lo = pg_hist_bucket_low(i);
		hi = pg_hist_bucket_high(i);
		assert_true(lo <= v && v <= hi);
		assert_true((hi - lo + 1) * 64 <= lo);
	}
	assert_true(h.nb < 2000);	/* 10 s in about 15 KiB */
}

static void
hist_exact_small(void **state)
{
	uint64_t v;

	pg_hist_reset(&h);
	assert_int_equal(pg_hist_percentile(&h, 50), 0);	/* empty */
	for (v = 1; v <= 100; v++)
		pg_hist_record(&h, v);
	assert_int_equal(h.total, 100);
	assert_int_equal(h.min, 1);
	assert_int_equal(h.max, 100);
	assert_int_equal(pg_hist_percentile(&h, 0), 1);
	assert_int_equal(pg_hist_percentile(&h, 50), 50);
	assert_int_equal(pg_hist_percentile(&h, 90), 90);
	assert_int_equal(pg_hist_percentile(&h, 99), 99);
	assert_int_equal(pg_hist_percentile(&h, 99.9), 100);
	assert_int_equal(pg_hist_percentile(&h, 100), 100);
}

/* pct of 1..n is ceil(pct% * n); the histogram says at most 1/64 more */
static void
check_pct(double pct, uint64_t exact)
{
	uint64_t got = pg_hist_percentile(&h, pct);

	if (got < exact || (got - exact) * 64 > exact)
		fail_msg("p%g: %llu, exact %llu", pct, (unsigned long long)got,
			 (unsigned long long)exact);
}

static void
hist_known_inputs(void **state)
{
	struct pg_result r;
	uint64_t v;
	int i;

	/* 1..100000 ns, each once */
	pg_hist_reset(&h);
	for (v = 1; v <= 100000; v++)
		pg_hist_record(&h, v);
	check_pct(50, 50000);
	check_pct(90, 90000);
	check_pct(99, 99000);
	check_pct(99.9, 99900);
	assert_int_equal(pg_hist_percentile(&h, 100), 100000);

	/* 990 fast, 10 slow: p99 fast, p99.9 slow */
	pg_hist_reset(&h);
	for (i = 0; i < 990; i++)
		pg_hist_record(&h, 10000);
	for (i = 0; i < 10; i++)
		pg_hist_record(&h, 5000000);
	check_pct(50, 10000);	/* its bucket's highest value, or less */
	check_pct(99, 10000);
	assert_int_equal(pg_hist_percentile(&h, 99.9), 5000000);	/* = max */
	pg_result_latency(&r, &h);
	assert_int_equal(r.lat_count, 1000);
	assert_int_equal(r.lat_min, 10000);
	assert_int_equal(r.lat_p50, pg_hist_percentile(&h, 50));
	assert_int_equal(r.lat_p90, pg_hist_percentile(&h, 90));
	assert_int_equal(r.lat_p99, pg_hist_percentile(&h, 99));
	assert_int_equal(r.lat_p999, 5000000);
	assert_int_equal(r.lat_max, 5000000);
	assert_true(r.lat_mean == (990.0 * 10000 + 10.0 * 5000000) / 1000);

	/* one value: every percentile is it */
	pg_hist_reset(&h);
	pg_hist_record(&h, 12345);
	assert_int_equal(pg_hist_percentile(&h, 50), 12345);
	assert_int_equal(pg_hist_percentile(&h, 99.9), 12345);

	/* beyond the range: the top bucket, but min/max stay exact */
	pg_hist_reset(&h);
	pg_hist_record(&h, 0);
	pg_hist_record(&h, 50 * PG_HIST_MAX_NS);
	assert_int_equal(h.min, 0);
	assert_int_equal(h.max, 50 * PG_HIST_MAX_NS);
	assert_int_equal(pg_hist_percentile(&h, 100), 50 * PG_HIST_MAX_NS);
	assert_int_equal(h.counts[h.nb - 1], 1);
}

static void
hist_interval(void **state)
{
	struct pg_hist prev, cur, diff;
	int i;

	assert_int_equal(pg_hist_init(&prev, PG_HIST_MAX_NS), 0);
	assert_int_equal(pg_hist_init(&cur, PG_HIST_MAX_NS), 0);
	assert_int_equal(pg_hist_init(&diff, PG_HIST_MAX_NS), 0);
	pg_hist_reset(&h);
	for (i = 0; i < 100; i++)
		pg_hist_record(&h, 1000000);	/* an old, slow interval */
	pg_hist_copy(&prev, &h);
	for (i = 0; i < 100; i++)
		pg_hist_record(&h, 100);
	pg_hist_copy(&cur, &h);
	assert_int_equal(cur.total, 200);
	pg_hist_sub(&diff, &cur, &prev);
	assert_int_equal(diff.total, 100);
	assert_int_equal(diff.min, 100);
	assert_int_equal(diff.max, 100);
	assert_int_equal(pg_hist_percentile(&diff, 99), 100);
	pg_hist_free(&prev);
	pg_hist_free(&cur);
	pg_hist_free(&diff);
}

/* ------------------------------------------------------------ frames */

/* One's complement sum of big-endian 16-bit words, independently of the
 * library's native-order sums. */
static uint32_t
be_sum(const uint8_t *p, size_t len, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	return s;
}

static uint16_t
be_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Check the headers of a synthetic frame of @p len bytes; returns L4 proto. */
static int
check_frame(const uint8_t *f, uint16_t len)
{
	const uint8_t *ip = f + 14, *l4 = ip + 20;
	uint8_t pseudo[12];
	uint32_t s;
	uint16_t l4len = (uint16_t)(len - 34);

	assert_int_equal(rd16(f + 12), 0x0800);
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(rd16(ip + 2), len - 14);
	assert_int_equal(be_fold(be_sum(ip, 20, 0)), 0xffff);	/* IPv4 sum */
	assert_int_equal(rd32(ip + 16), PG_DST_IP);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = ip[9];
	pseudo[10] = (uint8_t)(l4len >> 8);
	pseudo[11] = (uint8_t)l4len;
	s = be_sum(pseudo, 12, 0);
	s = be_sum(l4, l4len, s);
	assert_int_equal(be_fold(s), 0xffff);			/* L4 sum */
	assert_int_equal(rd16(l4 + 2), PG_DST_PORT);
	if (ip[9] == 17) {
		assert_int_equal(rd16(l4 + 4), l4len);
		assert_int_not_equal(rd16(l4 + 6), 0);
	} else {
		assert_int_equal(ip[9], 6);
		assert_int_equal(l4[12] >> 4, 5);
	}
	return ip[9];
}

static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t dmac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

static void
frame_udp_tcp_sizes(void **state)
{
	static const uint16_t udp_sizes[] = { 64, 65, 66, 127, 128, 594, 1000,
					      1517, 1518 };
	static const uint16_t tcp_sizes[] = { 76, 77, 128, 1518 };
	static uint8_t f[PG_MAX_SIZE];
	struct pg_tmpl tu, tt;
	uint32_t flow, seq, magic = pg_magic(0xabcdef, 3);
	uint64_t tsc;
	unsigned int i;
	uint16_t len;

	pg_tmpl_init(&tu, PG_PROTO_UDP, smac, dmac);
	pg_tmpl_init(&tt, PG_PROTO_TCP, smac, dmac);
	assert_int_equal(tu.hdr_len, 42);
	assert_int_equal(tt.hdr_len, 54);
	for (i = 0; i < sizeof(udp_sizes) / sizeof(udp_sizes[0]); i++) {
		len = (uint16_t)(udp_sizes[i] - PG_FCS_LEN);
		memset(f, 0, sizeof(f));
		pg_build(f, &tu, len, 7, magic, 42, 0x1122334455667788ULL);
		assert_int_equal(check_frame(f, len), 17);
		assert_memory_equal(f, dmac, 6);
		assert_memory_equal(f + 6, smac, 6);
		assert_int_equal(pg_parse_stamp(f, len, magic, &flow, &seq,
						&tsc), 0);
		assert_int_equal(flow, 7);
		assert_int_equal(seq, 42);
		assert_true(tsc == 0x1122334455667788ULL);
	}
	for (i = 0; i < sizeof(tcp_sizes) / sizeof(tcp_sizes[0]); i++) {
		len = (uint16_t)(tcp_sizes[i] - PG_FCS_LEN);
		memset(f, 0, sizeof(f));
		pg_build(f, &tt, len, 65535, magic, 1, 99);
		assert_int_equal(check_frame(f, len), 6);
		assert_int_equal(pg_parse_stamp(f, len, magic, &flow, &seq,
						&tsc), 0);
		assert_int_equal(flow, 65535);
		assert_int_equal(seq, 1);
		assert_true(tsc == 99);
	}
	/* 64 bytes: exactly headers and stamp */
	assert_int_equal(PG_MIN_UDP_FRAME, 60);
	assert_int_equal(PG_MIN_TCP_SIZE, 76);
}

static void
frame_flows_vary(void **state)
{
	static uint8_t seen_ip[65536 / 8];
	uint8_t f[128];
	struct pg_tmpl t;
	uint32_t flow, src, first_dst = 0;
	uint16_t sport;

	pg_tmpl_init(&t, PG_PROTO_UDP, smac, dmac);
	memset(seen_ip, 0, sizeof(seen_ip));
	for (flow = 0; flow < PG_MAX_FLOWS; flow++) {
		memset(f, 0, sizeof(f));
		pg_build(f, &t, 60, flow, 1, 1, 1);
		src = rd32(f + 26);
		sport = rd16(f + 34);
		assert_int_equal(src, PG_SRC_IP + flow);
		assert_int_equal(sport, PG_SRC_PORT + (flow & 0x7fff));
		/* every flow its own source address: distinct 5-tuples */
		assert_false(seen_ip[(src - PG_SRC_IP) / 8] &
			     (1 << ((src - PG_SRC_IP) % 8)));
		seen_ip[(src - PG_SRC_IP) / 8] |= 1 << ((src - PG_SRC_IP) % 8);
		if (flow == 0)
			first_dst = rd32(f + 30);
		assert_int_equal(rd32(f + 30), first_dst);
		if (flow % 4099 == 0)
			check_frame(f, 60);
	}
}

static void
frame_restamp(void **state)
{
	static const uint64_t tscs[] = { 0, 1, 0xffffffffffffffffULL,
					 0x8000000000000000ULL, 123456789 };
	uint8_t f[256];
	struct pg_tmpl t[2];
	uint32_t flow, seq, magic = pg_magic(1, 1);
	uint64_t tsc, x = 88172645463325252ULL;
	int p, i;

	pg_tmpl_init(&t[0], PG_PROTO_UDP, smac, dmac);
	pg_tmpl_init(&t[1], PG_PROTO_TCP, smac, dmac);
	for (p = 0; p < 2; p++) {
		memset(f, 0, sizeof(f));
		pg_build(f, &t[p], 200, 3, magic, 5, 1000);
		for (i = 0; i < 2000; i++) {
			if (i < 5) {
				tsc = tscs[i];
			} else {
				x ^= x << 13;	/* xorshift */
				x ^= x >> 7;
				x ^= x << 17;
				tsc = x;
			}
			pg_restamp(f, tsc);
			check_frame(f, 200);
			assert_int_equal(pg_parse_stamp(f, 200, magic, &flow,
							&seq, &tsc), 0);
			assert_int_equal(seq, 5);
			assert_int_equal(flow, 3);
		}
		pg_restamp(f, 0xfeedULL);
		assert_int_equal(pg_parse_stamp(f, 200, magic, &flow, &seq,
						&tsc), 0);
		assert_true(tsc == 0xfeedULL);
	}
}

static void
stamp_parse_rejects(void **state)
{
	uint8_t f[128];
	struct pg_tmpl t;
	uint32_t flow, seq, magic = pg_magic(0x123456, 2);
	uint64_t tsc;

	pg_tmpl_init(&t, PG_PROTO_UDP, smac, dmac);
	memset(f, 0, sizeof(f));
	pg_build(f, &t, 100, 0, magic, 1, 1);
	assert_int_equal(pg_parse_stamp(f, 100, magic, &flow, &seq, &tsc), 0);
	/* another phase of this run, another run */
	assert_int_equal(pg_parse_stamp(f, 100, pg_magic(0x123456, 3), &flow,
					&seq, &tsc), 1);
	assert_int_equal(pg_parse_stamp(f, 100, pg_magic(0x654321, 2), &flow,
					&seq, &tsc), -1);
	/* too short, not IPv4, not UDP/TCP */
	assert_int_equal(pg_parse_stamp(f, 59, magic, &flow, &seq, &tsc), -1);
	f[12] = 0x86;
	f[13] = 0xdd;
	assert_int_equal(pg_parse_stamp(f, 100, magic, &flow, &seq, &tsc), -1);
	f[12] = 0x08;
	f[13] = 0x00;
	f[23] = 1;	/* ICMP */
	assert_int_equal(pg_parse_stamp(f, 100, magic, &flow, &seq, &tsc), -1);

	/* the tail stamp of pcap frames */
	memset(f, 0xee, sizeof(f));
	pg_stamp_put(f + 100 - PG_STAMP_LEN, magic, 77, 555, 9);
	assert_int_equal(pg_parse_tail(f, 100, magic, &flow, &seq, &tsc), 0);
	assert_int_equal(seq, 77);
	assert_int_equal(flow, 9);
	assert_true(tsc == 555);
	pg_restamp_tail(f, 100, 666);
	assert_int_equal(pg_parse_tail(f, 100, magic, &flow, &seq, &tsc), 0);
	assert_true(tsc == 666);
	assert_int_equal(f[100 - PG_STAMP_LEN - 1], 0xee);	/* untouched */
	assert_int_equal(pg_parse_tail(f, 10, magic, &flow, &seq, &tsc), -1);
	assert_int_equal(pg_parse_tail(f, 99, magic, &flow, &seq, &tsc), -1);
}

/* ------------------------------------------------------------ pcap */

/* An Ethernet frame of @p len bytes: IPv4 (or 6) UDP/TCP from @p sport. */
static uint16_t
mk_ip(uint8_t *f, uint16_t len, int v6, uint8_t proto, uint16_t sport,
      int vlans)
{
	uint8_t *p = f + 12;
	uint16_t l3len;
	int i;

	memset(f, 0, len);
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	for (i = 0; i < vlans; i++) {
		p[0] = i == 0 && vlans == 2 ? 0x88 : 0x81;
		p[1] = i == 0 && vlans == 2 ? 0xa8 : 0x00;
		p[3] = 5;
		p += 4;
	}
	p[0] = v6 ? 0x86 : 0x08;
	p[1] = v6 ? 0xdd : 0x00;
	p += 2;
	l3len = (uint16_t)(len - (p - f));
	if (v6) {
		p[0] = 0x60;
		p[4] = (uint8_t)((l3len - 40) >> 8);
		p[5] = (uint8_t)(l3len - 40);
		p[6] = proto;
		p[23] = 1;
		p[39] = 2;
		p += 40;
	} else {
		p[0] = 0x45;
		p[2] = (uint8_t)(l3len >> 8);
		p[3] = (uint8_t)l3len;
		p[9] = proto;
		p[15] = 1;
		p[19] = 2;
		p += 20;
	}
	p[0] = (uint8_t)(sport >> 8);
	p[1] = (uint8_t)sport;
	p[3] = 80;
	return len;
}

static void
pcap_stampable(void **state)
{
	uint8_t f[1600], k1[PG_FLOW_KEY_LEN], k2[PG_FLOW_KEY_LEN];

	assert_true(pg_pcap_stampable(f, mk_ip(f, 60, 0, 17, 1000, 0), k1));
	assert_true(pg_pcap_stampable(f, mk_ip(f, 60, 0, 17, 1000, 0), k2));
	assert_memory_equal(k1, k2, PG_FLOW_KEY_LEN);	/* same flow */
	assert_true(pg_pcap_stampable(f, mk_ip(f, 60, 0, 17, 1001, 0), k2));
	assert_memory_not_equal(k1, k2, PG_FLOW_KEY_LEN);	/* sport */
	assert_true(pg_pcap_stampable(f, mk_ip(f, 60, 0, 6, 1000, 0), k2));
	assert_memory_not_equal(k1, k2, PG_FLOW_KEY_LEN);	/* proto */
	assert_true(pg_pcap_stampable(f, mk_ip(f, 100, 1, 6, 1000, 0), k2));
	assert_true(pg_pcap_stampable(f, mk_ip(f, 100, 0, 17, 1000, 1), NULL));
	assert_true(pg_pcap_stampable(f, mk_ip(f, 100, 1, 17, 1000, 2), NULL));
	/* room for 18 more bytes up to 1514 */
	assert_true(pg_pcap_stampable(f, mk_ip(f, 1496, 0, 17, 1, 0), NULL));
	assert_false(pg_pcap_stampable(f, mk_ip(f, 1497, 0, 17, 1, 0), NULL));
	assert_false(pg_pcap_stampable(f, mk_ip(f, 1514, 1, 17, 1, 0), NULL));
	/* Ethernet padding after the IP packet: the stamp goes after it */
	mk_ip(f, 60, 0, 17, 1, 0);
	f[16] = 0;
	f[17] = 28;
	assert_true(pg_pcap_stampable(f, 60, NULL));
	/* an IP length beyond the frame, a bad header length, ARP, short */
	mk_ip(f, 60, 0, 17, 1, 0);
	f[17] = 47;
	assert_false(pg_pcap_stampable(f, 60, NULL));
	mk_ip(f, 60, 0, 17, 1, 0);
	f[14] = 0x44;
	assert_false(pg_pcap_stampable(f, 60, NULL));
	mk_ip(f, 60, 1, 17, 1, 0);
	f[19] = 7;
	assert_false(pg_pcap_stampable(f, 60, NULL));
	mk_ip(f, 60, 0, 17, 1, 0);
	f[12] = 0x08;
	f[13] = 0x06;
	assert_false(pg_pcap_stampable(f, 60, NULL));
	assert_false(pg_pcap_stampable(f, 13, NULL));
	assert_false(pg_pcap_stampable(f, mk_ip(f, 30, 0, 17, 1, 0), NULL));
}

/* Write frames into a pcap at @p path, with link type @p lt. A @p cut
 * frame is recorded shorter (caplen) than it was (len). */
struct rec {
	const uint8_t *b;
	uint32_t caplen, len;
};

static void
write_pcap(const char *path, int lt, const struct rec *r, int n)
{
	pcap_t *pd = pcap_open_dead(lt, 65535);
	pcap_dumper_t *d;
	struct pcap_pkthdr ph;
	int i;

	assert_non_null(pd);
	d = pcap_dump_open(pd, path);
	assert_non_null(d);
	for (i = 0; i < n; i++) {
		memset(&ph, 0, sizeof(ph));
		ph.caplen = r[i].caplen;
		ph.len = r[i].len;
		pcap_dump((u_char *)d, &ph, r[i].b);
	}
	pcap_dump_close(d);
	pcap_close(pd);
}

static void
pcap_load(void **state)
{
	static uint8_t udp[60], tcp[200], arp[60], big[1600], cut[100];
	char path[] = "/tmp/test_pktgen_XXXXXX";
	struct rec r[] = {
		{ udp, 60, 60 }, { arp, 60, 60 }, { big, 1600, 1600 },
		{ cut, 64, 100 }, { tcp, 200, 200 }, { udp, 60, 60 },
	};
	struct pg_pcap p;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	mk_ip(udp, 60, 0, 17, 1000, 0);
	mk_ip(tcp, 200, 1, 6, 2000, 1);
	mk_ip(arp, 60, 0, 17, 1, 0);
	arp[12] = 0x08;
	arp[13] = 0x06;
	mk_ip(big, 1600, 0, 17, 1, 0);
	mk_ip(cut, 100, 0, 17, 1, 0);
	write_pcap(path, DLT_EN10MB, r, 6);

	assert_int_equal(pg_pcap_load(path, &p, err, sizeof(err)), 0);
	assert_int_equal(p.n, 4);		/* udp arp tcp udp */
	assert_int_equal(p.skipped_big, 1);
	assert_int_equal(p.skipped_cut, 1);
	assert_int_equal(p.n_stamped, 3);
	assert_int_equal(p.flows, 2);
	assert_int_equal(p.bytes, 60 + 60 + 200 + 60);
	/* each frame's bytes as captured, in order */
	assert_int_equal(p.f[0].len, 60);
	assert_memory_equal(p.data + p.f[0].off, udp, 60);
	assert_memory_equal(p.data + p.f[1].off, arp, 60);
	assert_memory_equal(p.data + p.f[2].off, tcp, 200);
	assert_memory_equal(p.data + p.f[3].off, udp, 60);
	assert_int_equal(p.f[1].stamp, 0);
	assert_int_equal(p.f[0].stamp, 1);
	assert_int_equal(p.f[0].flow, p.f[3].flow);
	assert_int_not_equal(p.f[0].flow, p.f[2].flow);
	assert_true(p.f[2].flow < p.flows);
	pg_pcap_free(&p);

	/* nothing to send: only frames left out */
	write_pcap(path, DLT_EN10MB, &r[2], 2);
	assert_int_equal(pg_pcap_load(path, &p, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no frame to send"));
	/* not Ethernet */
	write_pcap(path, DLT_RAW, r, 1);
	assert_int_equal(pg_pcap_load(path, &p, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not Ethernet"));
	unlink(path);
	/* no file */
	assert_int_equal(pg_pcap_load(path, &p, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
	assert_null(strchr(err, '\n'));
}

/* ------------------------------------------------------------ JSON */

static void
result_json(void **state)
{
	struct pg_result r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	memset(&r, 0, sizeof(r));
	r.mode = "synthetic";
	r.tx = 20000;
	r.rx = 19990;
	r.lost = 10;
	r.tx_pps = 10000;
	r.rx_pps = 9995;
	r.duration_s = 2;
	r.rate_pps = 10000;
	r.size = 64;
	r.flows = 16;
	r.burst = 32;
	r.lcores = 1;
	r.tsc_hz = 2600000000ULL;
	r.count_asked = 20000;
	f = open_memstream(&buf, &len);
	assert_int_equal(pg_result_json(f, &r), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"tx\": 20000, \"rx\": 19990"));
	assert_non_null(strstr(buf, "\"lost\": 10, \"loss_pct\": 0.050000"));
	assert_non_null(strstr(buf, "\"tx_mpps\": 0.010000"));
	assert_non_null(strstr(buf, "\"rate_pps_asked\": 10000.0"));
	assert_non_null(strstr(buf, "\"rate_pct_asked\": null"));
	assert_non_null(strstr(buf, "\"size\": 64, \"flows\": 16"));
	assert_non_null(strstr(buf, "\"tsc_hz\": 2600000000"));
	assert_non_null(strstr(buf, "\"count_asked\": 20000"));
	assert_non_null(strstr(buf, "\"duration_asked_s\": null"));
	assert_non_null(strstr(buf, "\"p999\": null"));
	assert_non_null(strstr(buf, "\"nf\": null"));
	free(buf);

	/* NF mode: our service and instance, --to or null */
	r.nf = 1;
	r.nf_service = 9;
	r.nf_instance = 3;
	r.nf_to = 1;
	f = open_memstream(&buf, &len);
	assert_int_equal(pg_result_json(f, &r), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"nf\": {\"service\": 9, "
				    "\"instance\": 3, \"to\": 1}"));
	free(buf);
	r.nf_to = 0;
	f = open_memstream(&buf, &len);
	assert_int_equal(pg_result_json(f, &r), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"to\": null}"));
	free(buf);
	r.nf = 0;

	/* latencies, a pcap path with a quote, percentages */
	r.lat_count = 3;
	r.lat_min = 1;
	r.lat_p50 = 2;
	r.lat_p90 = 3;
	r.lat_p99 = 4;
	r.lat_p999 = 5;
	r.lat_max = 6;
	r.mode = "pcap";
	r.pcap = "a\"b.pcap";
	r.rate_pct = 12.5;
	r.max_pps = 80000;
	f = open_memstream(&buf, &len);
	assert_int_equal(pg_result_json(f, &r), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"pcap\": \"a\\\"b.pcap\""));
	assert_non_null(strstr(buf, "\"size\": \"pcap\""));
	assert_non_null(strstr(buf, "\"rate_pct_asked\": 12.5"));
	assert_non_null(strstr(buf, "\"max_pps\": 80000"));
	assert_non_null(strstr(buf, "\"min\": 1, \"p50\": 2, \"p90\": 3, "
				    "\"p99\": 4, \"p999\": 5, \"max\": 6"));
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(opts_defaults),
		cmocka_unit_test(opts_good),
		cmocka_unit_test(opts_help),
		cmocka_unit_test(opts_bad_values),
		cmocka_unit_test(opts_bad_forms),
		cmocka_unit_test(opts_nf),
		cmocka_unit_test(nf_mode),
		cmocka_unit_test(nf_app_args),
		cmocka_unit_test(opts_reparse_is_clean),
		cmocka_unit_test(size_cycle),
		cmocka_unit_test_setup_teardown(hist_buckets, hist_setup,
						hist_teardown),
		cmocka_unit_test_setup_teardown(hist_exact_small, hist_setup,
						hist_teardown),
		cmocka_unit_test_setup_teardown(hist_known_inputs, hist_setup,
						hist_teardown),
		cmocka_unit_test_setup_teardown(hist_interval, hist_setup,
						hist_teardown),
		cmocka_unit_test(frame_udp_tcp_sizes),
		cmocka_unit_test(frame_flows_vary),
		cmocka_unit_test(frame_restamp),
		cmocka_unit_test(stamp_parse_rejects),
		cmocka_unit_test(pcap_stampable),
		cmocka_unit_test(pcap_load),
		cmocka_unit_test(result_json),
	};

	return cmocka_run_group_tests_name("pktgen", tests, NULL, NULL);
}
