/* SPDX-License-Identifier: BSD-3-Clause
 * onvm-classifier: steer flows that match its options to another chain.
 *
 * It sits on the default chain and passes every packet on. The first time
 * it sees a flow that matches (--proto, --src, --dst, --sport, --dport),
 * it asks the manager for a rule "FLOW chain SIDS" (onvm_nf_flow_add());
 * from then on the manager sends that flow along SIDS at arrival, and the
 * classifier no longer sees it. Rules are installed between bursts, from
 * a tick, so the packet path never waits for the manager; the packets of
 * a flow that arrive before its rule take the default chain. At exit it
 * removes the rules it added, unless --keep.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <onvm_nf.h>

#define TICK_MS 10
#define INSTALLS_PER_TICK 64	/* round trips to the manager per tick */

enum flow_state { F_EMPTY = 0, F_PENDING, F_INSTALLED, F_REFUSED };

struct flow {
	struct onvm_pkt_flow f;
	uint8_t state;
};

static struct {
	/* what to match: a field is ignored unless its has_ bit is set */
	int has_proto, has_src, has_dst, has_sport, has_dport;
	struct onvm_pkt_flow want;
	char chain[64];
	int keep, print;
	uint32_t max_flows;	/* the table below holds twice as many */

	struct flow *flows;	/* open addressing, linear probing */
	uint32_t mask;
	uint32_t *pending;	/* indexes of F_PENDING flows, a ring */
	uint32_t pend_head, pend_tail;
	uint64_t seen, matched, installed, removed, refused, dropped_full;
	int table_full;
	uint64_t last_report[3];
} cl;

static const char usage[] =
	"usage: onvm-classifier [EAL options --] -r SID --chain SID[,SID...] "
	"[match] [options]\n"
	"  --chain SIDS   the chain matching flows take (required)\n"
	"  --proto P      tcp, udp, sctp or a number\n"
	"  --src IP, --dst IP      source, destination address (IPv4 or IPv6)\n"
	"  --sport N, --dport N    source, destination port\n"
	"                 (no match option: every IP flow matches)\n"
	"  --max-flows N  flows remembered at once (default 65536)\n"
	"  --keep         leave the rules in place at exit\n"
	"  --print        print each rule added and removed\n";

static uint32_t
flow_hash(const struct onvm_pkt_flow *f)
{
	uint32_t h = 2166136261u;
	const uint8_t *p = (const uint8_t *)f;
	size_t i;

	for (i = 0; i < sizeof(*f); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static int
flow_matches(const struct onvm_pkt_flow *f)
{
	size_t alen = f->ip_version == 4 ? 4 : 16;

	if (cl.has_proto && f->proto != cl.want.proto)
		return 0;
	if ((cl.has_src || cl.has_dst) && f->ip_version != cl.want.ip_version)
		return 0;
	if (cl.has_src && memcmp(f->src, cl.want.src, alen) != 0)
		return 0;
	if (cl.has_dst && memcmp(f->dst, cl.want.dst, alen) != 0)
		return 0;
	if (cl.has_sport && f->sport != cl.want.sport)
		return 0;
	if (cl.has_dport && f->dport != cl.want.dport)
		return 0;
	return 1;
}

/* Runs per packet: never blocks, never calls the manager. */
static void
classify(struct onvm_nf *nf, struct rte_mbuf *pkt)
{
	struct onvm_pkt_flow f;
	struct flow *e;
	uint32_t i, n;

	cl.seen++;
	memset(&f, 0, sizeof(f));
	if (onvm_pkt_flow_get(pkt, &f) < 0 || !flow_matches(&f))
		return;	/* verdict stays NEXT */
	cl.matched++;
	for (i = flow_hash(&f) & cl.mask, n = 0; n <= cl.mask;
	     i = (i + 1) & cl.mask, n++) {
		e = &cl.flows[i];
		if (e->state == F_EMPTY)
			break;
		if (memcmp(&e->f, &f, sizeof(f)) == 0)
			return;	/* known: pending, installed or refused */
	}
	if (n > cl.mask || cl.installed + (cl.pend_tail - cl.pend_head) >=
	    cl.max_flows) {
		cl.dropped_full++;	/* remembered too many */
		return;
	}
	e->f = f;
	e->state = F_PENDING;
	cl.pending[cl.pend_tail++ & cl.mask] = i;
}

static void
install(struct onvm_nf *nf)
{
	char rule[160];
	struct flow *e;
	int n, rc;

	for (n = 0; n < INSTALLS_PER_TICK && cl.pend_head != cl.pend_tail;
	     n++) {
		e = &cl.flows[cl.pending[cl.pend_head++ & cl.mask]];
		if (cl.table_full) {
			e->state = F_REFUSED;
			cl.refused++;
			continue;
		}
		rc = onvm_pkt_flow_str(&e->f, rule, sizeof(rule) - 80);
		if (rc < 0)
			continue;
		snprintf(rule + rc, sizeof(rule) - rc, " chain %s", cl.chain);
		rc = onvm_nf_flow_add(nf, rule);
		if (rc == 0) {
			e->state = F_INSTALLED;
			cl.installed++;
			if (cl.print)
				printf("classifier: added rule %s\n", rule);
			continue;
		}
		e->state = F_REFUSED;
		cl.refused++;
		if (rc == -ENOSPC) {
			cl.table_full = 1;
			fprintf(stderr, "onvm-classifier: %s: flows not yet "
				"steered stay on the default chain\n",
				onvm_nf_flow_error(nf));
		} else {
			fprintf(stderr, "onvm-classifier: rule '%s' refused: "
				"%s\n", rule, onvm_nf_flow_error(nf));
		}
	}
	fflush(stdout);
}

static void
tick(struct onvm_nf *nf, uint64_t now_ns)
{
	static uint64_t next_report;

	install(nf);
	if (now_ns < next_report)
		return;
	next_report = now_ns + 1000000000ULL;
	if (cl.last_report[0] == cl.matched &&
	    cl.last_report[1] == cl.installed &&
	    cl.last_report[2] == cl.refused)
		return;
	cl.last_report[0] = cl.matched;
	cl.last_report[1] = cl.installed;
	cl.last_report[2] = cl.refused;
	printf("classifier: %" PRIu64 " packets, %" PRIu64 " matched, %"
	       PRIu64 " rule(s) added, %" PRIu64 " refused\n", cl.seen,
	       cl.matched, cl.installed, cl.refused);
	fflush(stdout);
}

/* At exit: take back the rules we added. */
static void
remove_rules(struct onvm_nf *nf)
{
	char match[128];
	uint32_t i;

	for (i = 0; i <= cl.mask; i++) {
		if (cl.flows[i].state != F_INSTALLED)
			continue;
		if (onvm_pkt_flow_str(&cl.flows[i].f, match, sizeof(match)) < 0)
			continue;
		if (onvm_nf_flow_del(nf, match) == 0) {
			cl.removed++;
			if (cl.print)
				printf("classifier: removed rule %s\n", match);
		} else {
			fprintf(stderr, "onvm-classifier: cannot remove rule "
				"'%s': %s\n", match, onvm_nf_flow_error(nf));
		}
	}
}

static int
parse_addr(const char *s, struct onvm_pkt_flow *f, uint8_t *addr)
{
	uint8_t v = strchr(s, ':') != NULL ? 6 : 4;

	if (inet_pton(v == 4 ? AF_INET : AF_INET6, s, addr) != 1)
		return -1;
	if (f->ip_version != 0 && f->ip_version != v)
		return -1;
	f->ip_version = v;
	return 0;
}

static int
parse_num(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	*v = strtoul(s, &end, 10);
	return *end != '\0' || *v > max ? -1 : 0;
}

static int
parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "chain", required_argument, NULL, 'c' },
		{ "proto", required_argument, NULL, 'p' },
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "sport", required_argument, NULL, 'S' },
		{ "dport", required_argument, NULL, 'D' },
		{ "max-flows", required_argument, NULL, 'm' },
		{ "keep", no_argument, NULL, 'k' },
		{ "print", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	uint16_t sid;
	char buf[64], *tok, *save;
	int c;

	cl.max_flows = 65536;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			/* checked here, so a typo fails at start */
			if (strlen(optarg) >= sizeof(cl.chain))
				goto bad;
			snprintf(buf, sizeof(buf), "%s", optarg);
			for (tok = strtok_r(buf, ",", &save); tok != NULL;
			     tok = strtok_r(NULL, ",", &save))
				if (onvm_parse_service_id(tok, &sid) < 0)
					goto bad;
			snprintf(cl.chain, sizeof(cl.chain), "%s", optarg);
			break;
		case 'p':
			cl.has_proto = 1;
			if (strcmp(optarg, "tcp") == 0)
				cl.want.proto = 6;
			else if (strcmp(optarg, "udp") == 0)
				cl.want.proto = 17;
			else if (strcmp(optarg, "sctp") == 0)
				cl.want.proto = 132;
			else if (parse_num(optarg, 255, &v) == 0)
				cl.want.proto = (uint8_t)v;
			else
				goto bad;
			break;
		case 's':
			cl.has_src = 1;
			if (parse_addr(optarg, &cl.want, cl.want.src) < 0)
				goto bad;
			break;
		case 'd':
			cl.has_dst = 1;
			if (parse_addr(optarg, &cl.want, cl.want.dst) < 0)
				goto bad;
			break;
		case 'S':
		case 'D':
			if (parse_num(optarg, 65535, &v) < 0)
				goto bad;
			if (c == 'S') {
				cl.has_sport = 1;
				cl.want.sport = (uint16_t)v;
			} else {
				cl.has_dport = 1;
				cl.want.dport = (uint16_t)v;
			}
			break;
		case 'm':
			if (parse_num(optarg, 1 << 24, &v) < 0 || v == 0)
				goto bad;
			cl.max_flows = (uint32_t)v;
			break;
		case 'k':
			cl.keep = 1;
			break;
		case 'P':
			cl.print = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		default:
			fprintf(stderr, "onvm-classifier: unknown option '%s' "
				"(see --help)\n", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "onvm-classifier: unexpected argument '%s' "
			"(see --help)\n", argv[optind]);
		return -1;
	}
	if (cl.chain[0] == '\0') {
		fprintf(stderr, "onvm-classifier: --chain SID[,SID...] is "
			"required (the chain matching flows take)\n");
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "onvm-classifier: bad value '%s' for %s (see --help)\n",
		optarg, argv[optind - 1][1] == '-' ? argv[optind - 1] : "option");
	return -1;
}

int
main(int argc, char **argv)
{
	struct onvm_nf *nf;
	uint32_t size = 2;
	int rc;

	nf = onvm_nf_start(&argc, &argv, "classifier");
	if (nf == NULL)
		return 1;	/* the library said why */
	rc = parse_args(argc, argv);
	if (rc != 0) {
		onvm_nf_stop(nf);
		return rc > 0 ? 0 : 1;
	}
	while (size < 2ULL * cl.max_flows)
		size <<= 1;
	cl.mask = size - 1;
	cl.flows = calloc(size, sizeof(*cl.flows));
	cl.pending = calloc(size, sizeof(*cl.pending));
	if (cl.flows == NULL || cl.pending == NULL) {
		fprintf(stderr, "onvm-classifier: out of memory for %u flows\n",
			cl.max_flows);
		onvm_nf_stop(nf);
		return 1;
	}
	onvm_nf_set_tick(nf, tick, TICK_MS);
	rc = onvm_nf_run_pkt(nf, classify);
	if (rc == 0) {
		if (!cl.keep)
			remove_rules(nf);
		printf("classifier: %" PRIu64 " packets, %" PRIu64 " matched, %"
		       PRIu64 " rule(s) added, %" PRIu64 " refused, %" PRIu64
		       " removed at exit\n", cl.seen, cl.matched, cl.installed,
		       cl.refused, cl.removed);
	}
	onvm_nf_stop(nf);
	free(cl.flows);
	free(cl.pending);
	return rc == 0 ? 0 : 1;
}
