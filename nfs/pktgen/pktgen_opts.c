/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* onvm-pktgen's own options (after "--"). No EAL here: unit-tested. */

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktgen_lib.h"

const char pg_usage[] =
	"usage: onvm-pktgen [EAL options] -- [options]\n"
	"       onvm-pktgen [EAL options --] --nf -r SID [-n ID] [--tag NAME]\n"
	"                   [--file-prefix P] [--to SID] [options]\n"
	"  A DPDK primary of its own (first form): give the EAL --no-pci and the\n"
	"  port, e.g. --vdev=net_memif0,role=client,socket=PATH; the file prefix is\n"
	"  onvm-pktgen unless --file-prefix says. As an NF (--nf): service SID of\n"
	"  the onvm-mgr on file prefix P (default onvm); no port of its own.\n"
	"  --nf                  run as an NF: inject the frames into the chain and\n"
	"                        measure those that come back to service SID\n"
	"  --to SID              with --nf: send the frames to service SID (default:\n"
	"                        the next service after SID on the chain)\n"
	"  --rate PPS            packets per second (default: flat out)\n"
	"  --rate-pct P          P % (0..100] of the maximum: the packets per second\n"
	"                        received in a flat-out phase first, or --max-pps\n"
	"  --probe SEC           length of that flat-out phase (default 1)\n"
	"  --max-pps PPS         the maximum for --rate-pct, instead of measuring it\n"
	"  --size N              frame size with FCS, 64..1518 (default 64; with TCP\n"
	"                        flows 76..1518, default 76: the stamp must fit)\n"
	"  --imix                64/594/1518-byte frames at 7:4:1 (UDP only)\n"
	"  --flows N             vary source IP and port over N flows, 1..65536 (default 1)\n"
	"  --proto udp|tcp|mix   L4 protocol; mix: UDP and TCP flows alternate (default udp)\n"
	"  --duration SEC        send for SEC seconds\n"
	"  --count N             send N packets (with --duration: whichever comes first;\n"
	"                        neither: until Ctrl-C)\n"
	"  --pcap FILE           replay FILE's Ethernet frames, looping, instead of\n"
	"                        synthetic ones; the stamp is appended where it fits\n"
	"  --tx-port P           port to send on (default 0; not with --nf)\n"
	"  --rx-port P           port to receive on (default 0; not with --nf)\n"
	"  --burst N             packets per burst, 1..512 (default 32)\n"
	"  --json PATH           write the final summary to PATH as JSON\n"
	"  --stats-interval SEC  a live line every SEC seconds (default 1; 0: off)\n"
	"  --drain SEC           after sending, wait up to SEC for late packets (default 1)\n"
	"  --link-wait SEC       wait up to SEC for the ports' link, then as long again\n"
	"                        for a first packet to come back (default 10; with\n"
	"                        --nf: only the latter)\n"
	"  --no-path-check       start at once after link up, without waiting for a\n"
	"                        packet to come back (for a path that drops all)\n"
	"  --linger              after the summary, keep the port open without polling\n"
	"                        it until its link goes down (stop onvm-mgr first) or\n"
	"                        a signal: a memif peer then never sees us leave while\n"
	"                        it polls (not with --nf)\n"
	"  --no-yield            never yield the CPU when idle (a core of its own)\n"
	"  --help                this text\n";

enum {
	OPT_RATE = 256,
	OPT_RATE_PCT,
	OPT_MAX_PPS,
	OPT_PROBE,
	OPT_SIZE,
	OPT_IMIX,
	OPT_FLOWS,
	OPT_PROTO,
	OPT_DURATION,
	OPT_COUNT,
	OPT_PCAP,
	OPT_TX_PORT,
	OPT_RX_PORT,
	OPT_BURST,
	OPT_JSON,
	OPT_STATS_INTERVAL,
	OPT_DRAIN,
	OPT_LINK_WAIT,
	OPT_NO_YIELD,
	OPT_NO_PATH_CHECK,
	OPT_LINGER,
	OPT_NF,
	OPT_TO,
	OPT_HELP,
};

static const struct option pg_longopts[] = {
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "rate-pct", required_argument, NULL, OPT_RATE_PCT },
	{ "max-pps", required_argument, NULL, OPT_MAX_PPS },
	{ "probe", required_argument, NULL, OPT_PROBE },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "imix", no_argument, NULL, OPT_IMIX },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "proto", required_argument, NULL, OPT_PROTO },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "pcap", required_argument, NULL, OPT_PCAP },
	{ "tx-port", required_argument, NULL, OPT_TX_PORT },
	{ "rx-port", required_argument, NULL, OPT_RX_PORT },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
	{ "drain", required_argument, NULL, OPT_DRAIN },
	{ "link-wait", required_argument, NULL, OPT_LINK_WAIT },
	{ "no-yield", no_argument, NULL, OPT_NO_YIELD },
	{ "no-path-check", no_argument, NULL, OPT_NO_PATH_CHECK },
	{ "linger", no_argument, NULL, OPT_LINGER },
	{ "nf", no_argument, NULL, OPT_NF },
	{ "to", required_argument, NULL, OPT_TO },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* A finite decimal number in [min, max], the whole string. */
static int
parse_num(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Decimal digits only (no sign, no space), in [min, max]. */
static int
parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
bad(char *err, size_t errlen, const char *name, const char *val,
    const char *expect)
{
	snprintf(err, errlen, "bad value '%s' for --%s (%s)", val, name, expect);
	return -EINVAL;
}

void
pg_one_line(char *s)
{
	/* Errors quote what the user typed; keep them on one line. */
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static int
opts_parse(int argc, char **argv, struct pg_opts *o, char *err, size_t errlen);

int
pg_opts_parse(int argc, char **argv, struct pg_opts *o, char *err,
	      size_t errlen)
{
	int rc = opts_parse(argc, argv, o, err, errlen);

	if (rc < 0 && errlen > 0)
		pg_one_line(err);
	return rc;
}

static int
opts_parse(int argc, char **argv, struct pg_opts *o, char *err, size_t errlen)
{
	int c, have_size = 0, have_rate = 0, have_proto = 0, have_flows = 0;
	int have_port = 0;
	uint64_t v;

	memset(o, 0, sizeof(*o));
	o->size = PG_MIN_SIZE;
	o->flows = 1;
	o->proto = PG_PROTO_UDP;
	o->burst = 32;
	o->stats_interval_s = 1.0;
	o->drain_s = 1.0;
	o->link_wait_s = 10.0;
	o->probe_s = 1.0;
	o->yield = 1;
	o->path_check = 1;

	optind = 0; /* 0, not 1: a full reset of GNU getopt's state */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", pg_longopts, NULL)) != -1) {
		switch (c) {
		case OPT_RATE:
			if (parse_num(optarg, 1, 1e9, &o->rate_pps) < 0)
				return bad(err, errlen, "rate", optarg,
					   "packets per second, 1..1e9");
			have_rate = 1;
			break;
		case OPT_RATE_PCT:
			if (parse_num(optarg, 0, 100, &o->rate_pct) < 0 ||
			    o->rate_pct == 0)
				return bad(err, errlen, "rate-pct", optarg,
					   "a percentage, above 0 up to 100");
			break;
		case OPT_MAX_PPS:
			if (parse_num(optarg, 1, 1e9, &o->max_pps) < 0)
				return bad(err, errlen, "max-pps", optarg,
					   "packets per second, 1..1e9");
			break;
		case OPT_PROBE:
			if (parse_num(optarg, 0.1, 60, &o->probe_s) < 0)
				return bad(err, errlen, "probe", optarg,
					   "seconds, 0.1..60");
			break;
		case OPT_SIZE:
			if (parse_uint(optarg, PG_MIN_SIZE, PG_MAX_SIZE, &v) < 0)
				return bad(err, errlen, "size", optarg,
					   "bytes with FCS, 64..1518");
			o->size = (uint32_t)v;
			have_size = 1;
			break;
		case OPT_IMIX:
			o->imix = 1;
			break;
		case OPT_FLOWS:
			if (parse_uint(optarg, 1, PG_MAX_FLOWS, &v) < 0)
				return bad(err, errlen, "flows", optarg,
					   "1..65536");
			o->flows = (uint32_t)v;
			have_flows = 1;
			break;
		case OPT_PROTO:
			if (strcmp(optarg, "udp") == 0)
				o->proto = PG_PROTO_UDP;
			else if (strcmp(optarg, "tcp") == 0)
				o->proto = PG_PROTO_TCP;
			else if (strcmp(optarg, "mix") == 0)
				o->proto = PG_PROTO_MIX;
			else
				return bad(err, errlen, "proto", optarg,
					   "udp, tcp or mix");
			have_proto = 1;
			break;
		case OPT_DURATION:
			if (parse_num(optarg, 0, 31536000, &o->duration_s) < 0 ||
			    o->duration_s == 0)
				return bad(err, errlen, "duration", optarg,
					   "seconds, above 0");
			break;
		case OPT_COUNT:
			if (parse_uint(optarg, 1, UINT64_MAX / 2, &v) < 0)
				return bad(err, errlen, "count", optarg,
					   "packets, 1 or more");
			o->count = v;
			break;
		case OPT_PCAP:
			o->pcap = optarg;
			break;
		case OPT_TX_PORT:
		case OPT_RX_PORT:
			if (parse_uint(optarg, 0, 1023, &v) < 0)
				return bad(err, errlen, c == OPT_TX_PORT ?
					   "tx-port" : "rx-port", optarg,
					   "a port id, 0..1023");
			if (c == OPT_TX_PORT)
				o->tx_port = (uint16_t)v;
			else
				o->rx_port = (uint16_t)v;
			have_port = 1;
			break;
		case OPT_BURST:
			if (parse_uint(optarg, 1, PG_MAX_BURST, &v) < 0)
				return bad(err, errlen, "burst", optarg,
					   "packets, 1..512");
			o->burst = (uint16_t)v;
			break;
		case OPT_JSON:
			if (*optarg == '\0') {
				snprintf(err, errlen, "--json needs a path");
				return -EINVAL;
			}
			o->json = optarg;
			break;
		case OPT_STATS_INTERVAL:
			if (parse_num(optarg, 0, 3600, &o->stats_interval_s) < 0 ||
			    (o->stats_interval_s > 0 && o->stats_interval_s < 0.1))
				return bad(err, errlen, "stats-interval", optarg,
					   "seconds: 0, or 0.1..3600");
			break;
		case OPT_DRAIN:
			if (parse_num(optarg, 0, 60, &o->drain_s) < 0)
				return bad(err, errlen, "drain", optarg,
					   "seconds, 0..60");
			break;
		case OPT_LINK_WAIT:
			if (parse_num(optarg, 0, 3600, &o->link_wait_s) < 0)
				return bad(err, errlen, "link-wait", optarg,
					   "seconds, 0..3600");
			break;
		case OPT_NO_YIELD:
			o->yield = 0;
			break;
		case OPT_NO_PATH_CHECK:
			o->path_check = 0;
			break;
		case OPT_LINGER:
			o->linger = 1;
			break;
		case OPT_NF:
			o->nf = 1;
			break;
		case OPT_TO:
			if (parse_uint(optarg, 1, PG_MAX_SID, &v) < 0)
				return bad(err, errlen, "to", optarg,
					   "a service id, 1..63");
			o->to_sid = (uint16_t)v;
			break;
		case OPT_HELP:
			return 1;
		case ':':
			snprintf(err, errlen, "option %s needs a value",
				 argv[optind - 1]);
			return -EINVAL;
		default:
			snprintf(err, errlen, "unknown option '%s' (see --help)",
				 argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' (see --help)",
			 argv[optind]);
		return -EINVAL;
	}

	if (o->to_sid != 0 && !o->nf) {
		snprintf(err, errlen, "--to goes with --nf (pktgen as an NF "
			 "of the chain)");
		return -EINVAL;
	}
	if (o->nf && (have_port || o->linger)) {
		snprintf(err, errlen, "--nf has no port of its own: no "
			 "--tx-port, --rx-port or --linger with it");
		return -EINVAL;
	}
	if (have_rate && o->rate_pct > 0) {
		snprintf(err, errlen, "--rate and --rate-pct exclude each other");
		return -EINVAL;
	}
	if (o->max_pps > 0 && o->rate_pct == 0) {
		snprintf(err, errlen, "--max-pps goes with --rate-pct");
		return -EINVAL;
	}
	if (have_size && o->imix) {
		snprintf(err, errlen, "--size and --imix exclude each other");
		return -EINVAL;
	}
	if (o->pcap != NULL) {
		if (have_size || o->imix || have_flows || have_proto) {
			snprintf(err, errlen, "--pcap sends the file's frames: "
				 "no --size, --imix, --flows or --proto with it");
			return -EINVAL;
		}
		if (*o->pcap == '\0') {
			snprintf(err, errlen, "--pcap needs a path");
			return -EINVAL;
		}
	}
	if (o->proto == PG_PROTO_MIX && o->flows < 2) {
		snprintf(err, errlen, "--proto mix alternates UDP and TCP by "
			 "flow: give --flows 2 or more");
		return -EINVAL;
	}
	if (o->proto != PG_PROTO_UDP && o->imix) {
		snprintf(err, errlen, "--imix sends 64-byte frames, too small "
			 "for a stamped TCP frame (%d bytes): use --proto udp",
			 PG_MIN_TCP_SIZE);
		return -EINVAL;
	}
	if (o->proto != PG_PROTO_UDP && !have_size)
		o->size = PG_MIN_TCP_SIZE;	/* the smallest stamped TCP frame */
	if (o->proto != PG_PROTO_UDP && o->size < PG_MIN_TCP_SIZE) {
		snprintf(err, errlen, "--size %u is too small for a stamped "
			 "TCP frame (%d bytes at least)", o->size,
			 PG_MIN_TCP_SIZE);
		return -EINVAL;
	}
	return 0;
}

/* The NF library's options, as onvm_nf_start() reads them after "--". */
static int
nf_lib_opt(const char *arg, const char *opt)
{
	size_t n = strlen(opt);

	return strncmp(arg, opt, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/*
 * The index of pktgen's next own argument at or after @p i in NF mode,
 * past the library's options and their values; -1 if none is left.
 */
static int
nf_app_next(int argc, char **argv, int i)
{
	for (; i < argc; i++) {
		if (strcmp(argv[i], "-r") == 0 || strcmp(argv[i], "-n") == 0) {
			i++;	/* and its value */
		} else if (nf_lib_opt(argv[i], "--tag") ||
			   nf_lib_opt(argv[i], "--file-prefix")) {
			if (strchr(argv[i], '=') == NULL)
				i++;
		} else {
			return i;
		}
	}
	return -1;
}

/* Where the library's and pktgen's arguments start: after the first "--". */
static int
nf_app_start(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
	return 1;
}

int
pg_nf_mode(int argc, char **argv)
{
	int i, start = nf_app_start(argc, argv);

	for (i = 1; i < start - 1; i++)
		if (strcmp(argv[i], "--nf") == 0)
			return -EINVAL;
	for (i = nf_app_next(argc, argv, start); i >= 0;
	     i = nf_app_next(argc, argv, i + 1))
		if (strcmp(argv[i], "--nf") == 0)
			return 1;
	return 0;
}

int
pg_nf_app_args(int argc, char **argv, char **out)
{
	int i, n = 0;

	if (argc > 0)
		out[n++] = argv[0];
	for (i = nf_app_next(argc, argv, nf_app_start(argc, argv)); i >= 0;
	     i = nf_app_next(argc, argv, i + 1))
		out[n++] = argv[i];
	out[n] = NULL;
	return n;
}

unsigned int
pg_size_cycle(const struct pg_opts *o, uint16_t *sizes, unsigned int max)
{
	/* 7:4:1, spread out so that no size comes in a long run */
	static const uint16_t imix[12] = {
		64, 594, 64, 64, 594, 64, 1518, 64, 594, 64, 64, 594,
	};
	unsigned int i;

	if (!o->imix) {
		if (max > 0)
			sizes[0] = (uint16_t)o->size;
		return max > 0;
	}
	for (i = 0; i < 12 && i < max; i++)
		sizes[i] = imix[i];
	return i;
}

const char *
pg_proto_name(enum pg_proto p)
{
	switch (p) {
	case PG_PROTO_UDP:
		return "udp";
	case PG_PROTO_TCP:
		return "tcp";
	case PG_PROTO_MIX:
		return "mix";
	}
	return "?";
}
