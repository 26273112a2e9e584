/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgr_opts.h"
#include "mgr_scale_policy.h"
#include "onvm_flow.h"

const char mgr_usage[] =
	"usage: onvm-mgr [EAL options] -- --chain SID[,SID...] [options]\n"
	"  --chain SID[,SID...]   default chain by service id (1..63), up to 16\n"
	"  --stats-interval SEC   print stats every SEC seconds (default 1, 0: off)\n"
	"  --stats-json PATH      rewrite PATH atomically with JSON stats every interval\n"
	"  --duration SEC         stop after SEC seconds (default: until Ctrl-C)\n"
	"  --no-wait              poll ports at once, before the chain's NFs are up\n"
	"  --quiet                no stats table on stdout (JSON and log still)\n"
	"  --ring-size N          NF ring size, a power of two (default 1024)\n"
	"  --max-nfs N            NF instances at once, 1..32 (default 16)\n"
	"  --mbufs N              mbufs per pool (default: derived from the above)\n"
	"  --mbuf-cache N         per-lcore mempool cache (default 256)\n"
	"  --rxd N, --txd N       port descriptors per queue (default 1024)\n"
	"  --restart N/SEC        start a dead NF again from its command line, at most\n"
	"                         N times in SEC seconds (default: off)\n"
	"  --nf-tx                the last NF of the chain transmits to the port itself\n"
	"                         (net_null, net_ring ports): one cross-core hop less,\n"
	"                         but an NF killed inside a transmit may lose that burst\n"
	"  --nf-rx                the first NF of the default chain polls the ports'\n"
	"                         rx queues itself (net_null, net_ring ports) while it\n"
	"                         is the service's one instance and no flow rule exists\n"
	"  --shared-core          idle NFs sleep (futex) until a packet arrives, so many\n"
	"                         NFs can share one core (per NF: --shared-core)\n"
	"  --bp-high PCT          backpressure: an NF's rx ring at PCT % of its size stops\n"
	"                         its chains' new packets at the entry (default 80, 0: off)\n"
	"  --bp-low PCT           ... until it is back at PCT % (default 50)\n"
	"  --flow RULE            a flow rule installed at start (repeatable):\n"
	"                         'PROTO SRC_IP SPORT DST_IP DPORT [in PORT] chain SID[,SID...]'\n"
	"                         e.g. 'udp 10.0.0.1 1234 10.0.0.2 80 chain 2,3'\n"
	"  --flow-table N         room for N flow rules (default 1048576)\n"
	"  --scale SID:POLICY     auto-scale service SID (repeatable); POLICY is\n"
	"                         key=value,...: min=1,max=4 instances, high=80,low=20\n"
	"                         (watermarks, %), for=300ms, cooldown=2s,\n"
	"                         metric=ring|drops, wait=512 (min 0: packets kept\n"
	"                         while the first instance starts; below --ring-size)\n"
	"  --launch SID:CMDLINE   how to start service SID when no instance runs\n"
	"                         (min 0), e.g. '2:/usr/bin/onvm-sink -r 2'\n"
	"  --help                 this text\n";

enum {
	OPT_CHAIN = 256,
	OPT_STATS_INTERVAL,
	OPT_STATS_JSON,
	OPT_DURATION,
	OPT_NO_WAIT,
	OPT_QUIET,
	OPT_RING_SIZE,
	OPT_MAX_NFS,
	OPT_MBUFS,
	OPT_MBUF_CACHE,
	OPT_RXD,
	OPT_TXD,
	OPT_RESTART,
	OPT_NF_TX,
	OPT_NF_RX,
	OPT_FLOW,
	OPT_FLOW_TABLE,
	OPT_SHARED_CORE,
	OPT_BP_HIGH,
	OPT_BP_LOW,
	OPT_SCALE,
	OPT_LAUNCH,
	OPT_HELP,
};

static const struct option mgr_longopts[] = {
	{ "chain", required_argument, NULL, OPT_CHAIN },
	{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
	{ "stats-json", required_argument, NULL, OPT_STATS_JSON },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "no-wait", no_argument, NULL, OPT_NO_WAIT },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "ring-size", required_argument, NULL, OPT_RING_SIZE },
	{ "max-nfs", required_argument, NULL, OPT_MAX_NFS },
	{ "mbufs", required_argument, NULL, OPT_MBUFS },
	{ "mbuf-cache", required_argument, NULL, OPT_MBUF_CACHE },
	{ "rxd", required_argument, NULL, OPT_RXD },
	{ "txd", required_argument, NULL, OPT_TXD },
	{ "restart", required_argument, NULL, OPT_RESTART },
	{ "nf-tx", no_argument, NULL, OPT_NF_TX },
	{ "nf-rx", no_argument, NULL, OPT_NF_RX },
	{ "flow", required_argument, NULL, OPT_FLOW },
	{ "flow-table", required_argument, NULL, OPT_FLOW_TABLE },
	{ "shared-core", no_argument, NULL, OPT_SHARED_CORE },
	{ "bp-high", required_argument, NULL, OPT_BP_HIGH },
	{ "bp-low", required_argument, NULL, OPT_BP_LOW },
	{ "scale", required_argument, NULL, OPT_SCALE },
	{ "launch", required_argument, NULL, OPT_LAUNCH },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static int
parse_seconds(const char *s, double max, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !(v >= 0) || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "N/SEC", e.g. "3/10". */
static int
parse_restart(const char *s, struct mgr_opts *o)
{
	char buf[64];
	char *slash;
	unsigned long n;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash == NULL)
		return -EINVAL;
	*slash = '\0';
	if (onvm_parse_uint(buf, 1, 100, &n) < 0 ||
	    parse_seconds(slash + 1, 86400, &o->restart_window) < 0 ||
	    o->restart_window < 1)
		return -EINVAL;
	o->restart_max = (uint32_t)n;
	return 0;
}

static int
num_opt(const char *name, const char *val, unsigned long min,
	unsigned long max, unsigned long *out, char *err, size_t errlen)
{
	if (onvm_parse_uint(val, min, max, out) < 0) {
		snprintf(err, errlen, "bad value '%s' for --%s (expected %lu..%lu)",
			 val, name, min, max);
		return -EINVAL;
	}
	return 0;
}

/* --scale or --launch: checked here, kept as text. */
static int
scale_opt(struct mgr_opts *o, int scale, const char *arg, char *err,
	  size_t errlen)
{
	struct mgr_scale_policy p;
	char cmd[1024];
	size_t len;
	uint32_t i, *nb = scale ? &o->nb_scale : &o->nb_launch;
	const char **list = scale ? o->scale : o->launch;
	uint16_t sid;

	if (scale) {
		if (mgr_scale_policy_parse(arg, &p, err, errlen) < 0)
			return -EINVAL;
		sid = p.sid;
	} else if (mgr_scale_launch_parse(arg, &sid, cmd, sizeof(cmd), &len,
					  err, errlen) < 0) {
		return -EINVAL;
	}
	for (i = 0; i < *nb; i++) {
		unsigned long other = strtoul(list[i], NULL, 10);

		if (other == sid) {
			snprintf(err, errlen, "--%s given twice for service %u",
				 scale ? "scale" : "launch", sid);
			return -EINVAL;
		}
	}
	list[(*nb)++] = arg;
	return 0;
}

/* Each buffer of a min-0 service fits the ring it is handed to (a ring of
 * N slots holds N - 1). */
static int
scale_check(const struct mgr_opts *o, char *err, size_t errlen)
{
	struct mgr_scale_policy p;
	char e[8];
	uint32_t i;

	for (i = 0; i < o->nb_scale; i++) {
		if (mgr_scale_policy_parse(o->scale[i], &p, e, sizeof(e)) < 0)
			continue;	/* checked before */
		if (p.min == 0 && p.wait >= o->ring_size) {
			snprintf(err, errlen, "--scale %u: wait=%u is not below "
				 "--ring-size %u (the waiting packets go to the "
				 "first instance's ring)", p.sid, p.wait,
				 o->ring_size);
			return -EINVAL;
		}
	}
	return 0;
}

static int
opts_parse(int argc, char **argv, struct mgr_opts *o, char *err,
	   size_t errlen)
{
	struct onvm_flow_rule rule;
	char rerr[200];
	unsigned long v;
	int c, have_chain = 0;

	memset(o, 0, sizeof(*o));
	o->stats_interval = 1.0;
	o->ring_size = 1024;
	o->max_nfs = 16;
	o->mbuf_cache = 256;
	o->nb_rxd = 1024;
	o->nb_txd = 1024;
	o->flow_table = MGR_FLOW_TABLE_DEFAULT;
	o->bp_high = MGR_BP_HIGH_DEFAULT;
	o->bp_low = MGR_BP_LOW_DEFAULT;

	optind = 0; /* 0, not 1: a full reset of GNU getopt's state */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", mgr_longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CHAIN:
			if (onvm_chain_parse(optarg, &o->chain, err, errlen) < 0)
				return -EINVAL;
			have_chain = 1;
			break;
		case OPT_STATS_INTERVAL:
			if (parse_seconds(optarg, 3600, &o->stats_interval) < 0 ||
			    (o->stats_interval > 0 && o->stats_interval < 0.1)) {
				snprintf(err, errlen, "bad value '%s' for "
					 "--stats-interval (seconds: 0, or 0.1..3600)",
					 optarg);
				return -EINVAL;
			}
			break;
		case OPT_STATS_JSON:
			if (*optarg == '\0') {
				snprintf(err, errlen, "--stats-json needs a path");
				return -EINVAL;
			}
			o->stats_json = optarg;
			break;
		case OPT_DURATION:
			if (parse_seconds(optarg, 31536000, &o->duration) < 0) {
				snprintf(err, errlen, "bad value '%s' for "
					 "--duration (seconds)", optarg);
				return -EINVAL;
			}
			break;
		case OPT_NO_WAIT:
			o->no_wait = 1;
			break;
		case OPT_NF_TX:
			o->nf_tx = 1;
			break;
		case OPT_NF_RX:
			o->nf_rx = 1;
			break;
		case OPT_QUIET:
			o->quiet = 1;
			break;
		case OPT_RING_SIZE:
			if (num_opt("ring-size", optarg, 64, 65536, &v, err,
				    errlen) < 0)
				return -EINVAL;
			if (v & (v - 1)) {
				snprintf(err, errlen, "--ring-size %lu is not a "
					 "power of two", v);
				return -EINVAL;
			}
			o->ring_size = (uint32_t)v;
			break;
		case OPT_MAX_NFS:
			if (num_opt("max-nfs", optarg, 1, ONVM_MAX_NFS, &v,
				    err, errlen) < 0)
				return -EINVAL;
			o->max_nfs = (uint32_t)v;
			break;
		case OPT_MBUFS:
			if (num_opt("mbufs", optarg, 1024, 16777215, &v, err,
				    errlen) < 0)
				return -EINVAL;
			o->nb_mbufs = (uint32_t)v;
			break;
		case OPT_MBUF_CACHE:
			if (num_opt("mbuf-cache", optarg, 0, 512, &v, err,
				    errlen) < 0)
				return -EINVAL;
			o->mbuf_cache = (uint32_t)v;
			break;
		case OPT_RXD:
		case OPT_TXD:
			if (num_opt(c == OPT_RXD ? "rxd" : "txd", optarg, 32,
				    16384, &v, err, errlen) < 0)
				return -EINVAL;
			if (c == OPT_RXD)
				o->nb_rxd = (uint16_t)v;
			else
				o->nb_txd = (uint16_t)v;
			break;
		case OPT_RESTART:
			if (parse_restart(optarg, o) < 0) {
				snprintf(err, errlen, "bad value '%s' for --restart "
					 "(N/SEC: at most N restarts, 1..100, in SEC "
					 "seconds)", optarg);
				return -EINVAL;
			}
			break;
		case OPT_FLOW:
			if (onvm_flow_rule_parse(optarg, 1, &rule, rerr,
						 sizeof(rerr)) < 0) {
				snprintf(err, errlen, "bad --flow '%s': %s",
					 optarg, rerr);
				return -EINVAL;
			}
			if (o->nb_flows == MGR_MAX_FLOW_OPTS) {
				snprintf(err, errlen, "more than %d --flow "
					 "options", MGR_MAX_FLOW_OPTS);
				return -EINVAL;
			}
			o->flow[o->nb_flows++] = optarg;
			break;
		case OPT_FLOW_TABLE:
			if (num_opt("flow-table", optarg, MGR_FLOW_TABLE_MIN,
				    MGR_FLOW_TABLE_MAX, &v, err, errlen) < 0)
				return -EINVAL;
			o->flow_table = (uint32_t)v;
			break;
		case OPT_SHARED_CORE:
			o->shared_core = 1;
			break;
		case OPT_BP_HIGH:
		case OPT_BP_LOW:
			if (num_opt(c == OPT_BP_HIGH ? "bp-high" : "bp-low",
				    optarg, c == OPT_BP_HIGH ? 0 : 1, 100, &v,
				    err, errlen) < 0)
				return -EINVAL;
			if (c == OPT_BP_HIGH)
				o->bp_high = (uint32_t)v;
			else
				o->bp_low = (uint32_t)v;
			break;
		case OPT_SCALE:
		case OPT_LAUNCH:
			if (scale_opt(o, c == OPT_SCALE, optarg, err,
				      errlen) < 0)
				return -EINVAL;
			break;
		case OPT_HELP:
			return 1;
		case ':':
			snprintf(err, errlen, "option %s needs a value",
				 argv[optind - 1]);
			return -EINVAL;
		default:
			/* getopt_long: optopt is 0 for an unknown long option,
			 * the option's value for a flag given a value, and
			 * the character for an unknown short option. */
			if (optopt == 0)
				snprintf(err, errlen, "unknown option '%s' "
					 "(see --help)", argv[optind - 1]);
			else if (optopt >= OPT_CHAIN)
				snprintf(err, errlen, "option '%s' takes no value",
					 argv[optind - 1]);
			else
				snprintf(err, errlen, "unknown option '-%c' "
					 "(see --help)", optopt);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' (see --help)",
			 argv[optind]);
		return -EINVAL;
	}
	if (o->bp_high != 0 && o->bp_low >= o->bp_high) {
		snprintf(err, errlen, "--bp-low %u must be below --bp-high %u",
			 o->bp_low, o->bp_high);
		return -EINVAL;
	}
	if (scale_check(o, err, errlen) < 0)
		return -EINVAL;
	if (!have_chain) {
		snprintf(err, errlen, "--chain SID[,SID...] is required "
			 "(the default chain by service id)");
		return -EINVAL;
	}
	return 0;
}

int
mgr_opts_parse(int argc, char **argv, struct mgr_opts *o, char *err,
	       size_t errlen)
{
	int rc = opts_parse(argc, argv, o, err, errlen);

	if (rc < 0)
		onvm_one_line(err);
	return rc;
}

uint32_t
mgr_pool_size(uint16_t nb_ports, uint16_t nb_rxd, uint16_t nb_txd,
	      uint32_t nb_lcores, uint32_t cache, uint32_t max_nfs,
	      uint32_t ring_size)
{
	uint64_t n, p = 1;

	n = (uint64_t)nb_ports * (nb_rxd + nb_txd) +
	    (uint64_t)nb_lcores * (cache + ONVM_BURST *
				   (ONVM_MAX_NFS + ONVM_MAX_PORTS)) +
	    (uint64_t)max_nfs * 2 * ring_size + 2048;
	while (p - 1 < n)
		p <<= 1;
	if (p - 1 > UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)(p - 1);
}
