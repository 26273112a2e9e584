/* SPDX-License-Identifier: BSD-3-Clause
 * onvm-monitor: pass packets on along their chain, and print every second
 * the packets, bytes and distinct flows (5-tuples) seen in that second.
 *
 * Flows are counted with linear counting over a 64 Ki-bit bitmap: no
 * allocation on the packet path, within a few percent up to ~100K flows.
 *
 * With --flow-log FILE it also counts packets per flow exactly (up to
 * 65536 flows) and rewrites FILE every second and at exit, one line per
 * flow: its match as a flow rule names it, then its packets. A "%i" in
 * FILE becomes the instance id, so that instances started by scaling
 * (which share the command line) keep logs of their own.
 *
 * For scaling tests and demos: --work-cycles N spends N TSC cycles on
 * each packet (a slow NF), --scale-out-after N asks the manager for
 * another instance once N packets were seen (onvm_nf_scale_out()). The
 * stop handler writes the flow log a last time, after the drain, and says
 * so on stdout.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>

#include <onvm_nf.h>

#define FLOW_BITS 65536

static uint64_t flow_map[FLOW_BITS / 64];
static uint64_t sec_pkts, sec_bytes, total_pkts;
static int print_each;

/* --flow-log: exact per-flow counts, open addressing */
#define LOG_FLOWS 65536
#define LOG_SLOTS (2 * LOG_FLOWS)
struct log_flow {
	struct onvm_pkt_flow f;
	uint64_t pkts;		/* 0: empty */
};
static struct log_flow *log_tab;
static const char *log_path;
static uint32_t log_used;
static uint64_t log_other;	/* packets of flows beyond LOG_FLOWS, or no flow */
static char log_file[4096];	/* log_path with %i replaced */
static uint64_t work_cycles;	/* --work-cycles */
static uint64_t scale_after;	/* --scale-out-after */
static int scale_ask;		/* ... given, not yet asked */
static uint64_t next_report_ns;

static void
log_count(const struct rte_mbuf *pkt)
{
	struct onvm_pkt_flow f;
	uint32_t h = 2166136261u, i, n;
	const uint8_t *p = (const uint8_t *)&f;

	memset(&f, 0, sizeof(f));
	if (onvm_pkt_flow_get(pkt, &f) < 0) {
		log_other++;
		return;
	}
	for (i = 0; i < sizeof(f); i++)
		h = (h ^ p[i]) * 16777619u;
	for (i = h % LOG_SLOTS, n = 0; n < LOG_SLOTS;
	     i = (i + 1) % LOG_SLOTS, n++) {
		if (log_tab[i].pkts == 0) {
			if (log_used == LOG_FLOWS)
				break;
			log_used++;
			log_tab[i].f = f;
			log_tab[i].pkts = 1;
			return;
		}
		if (memcmp(&log_tab[i].f, &f, sizeof(f)) == 0) {
			log_tab[i].pkts++;
			return;
		}
	}
	log_other++;
}

/* Rewrite the log atomically (write PATH.tmp, rename). */
static void
log_write(void)
{
	char tmp[sizeof(log_file) + 8], text[128];
	FILE *f;
	uint32_t i;

	snprintf(tmp, sizeof(tmp), "%s.tmp", log_file);
	f = fopen(tmp, "w");
	if (f == NULL)
		return;
	for (i = 0; i < LOG_SLOTS; i++)
		if (log_tab[i].pkts != 0 &&
		    onvm_pkt_flow_str(&log_tab[i].f, text, sizeof(text)) > 0)
			fprintf(f, "%s %" PRIu64 "\n", text, log_tab[i].pkts);
	if (log_other)
		fprintf(f, "other %" PRIu64 "\n", log_other);
	if (fclose(f) == 0)
		rename(tmp, log_file);
}

/* Hash of the 5-tuple (or of the Ethernet header for non-IP frames). */
static uint32_t
flow_hash(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *end = p + rte_pktmbuf_data_len(m);
	const struct rte_ether_hdr *eth = (const void *)p;
	uint16_t type;
	uint32_t h;
	uint8_t proto;

	if (p + sizeof(*eth) > end)
		return 0;
	type = eth->ether_type;
	p += sizeof(*eth);
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN) && p + 4 <= end) {
		memcpy(&type, p + 2, sizeof(type));
		p += 4;
	}
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) &&
	    p + sizeof(struct rte_ipv4_hdr) <= end) {
		const struct rte_ipv4_hdr *ip = (const void *)p;

		h = rte_hash_crc(&ip->src_addr, 8, 0);
		proto = ip->next_proto_id;
		p += rte_ipv4_hdr_len(ip);
	} else if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6) &&
		   p + sizeof(struct rte_ipv6_hdr) <= end) {
		const struct rte_ipv6_hdr *ip = (const void *)p;

		h = rte_hash_crc(ip->src_addr, 32, 0);
		proto = ip->proto;
		p += sizeof(*ip);
	} else {
		return rte_hash_crc(eth, sizeof(*eth), 0);
	}
	h = rte_hash_crc_1byte(proto, h);
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && p + 4 <= end)
		h = rte_hash_crc(p, 4, h);
	return h;
}

static void
monitor(struct onvm_nf *nf, struct rte_mbuf *pkt)
{
	uint32_t h = flow_hash(pkt) % FLOW_BITS;

	flow_map[h / 64] |= UINT64_C(1) << (h % 64);
	sec_pkts++;
	sec_bytes += rte_pktmbuf_pkt_len(pkt);
	if (log_tab != NULL)
		log_count(pkt);
	if (print_each)
		printf("monitor: port %u, %u bytes, flow %08x\n",
		       onvm_pkt_in_port(pkt), rte_pktmbuf_pkt_len(pkt), h);
	if (work_cycles) {
		uint64_t end = rte_rdtsc() + work_cycles;

		while (rte_rdtsc() < end)
			;
	}
	/* verdict stays NEXT */
}

/* Every 100 ms: maybe ask for another instance; every second, report. */
static void
tick(struct onvm_nf *nf, uint64_t now_ns)
{
	unsigned int i, set = 0;
	double flows;
	int rc;

	if (scale_ask && total_pkts + sec_pkts >= scale_after) {
		scale_ask = 0;
		rc = onvm_nf_scale_out(nf);
		printf("monitor: instance %u asked for another instance: %s\n",
		       onvm_nf_instance_id(nf), rc == 0 ? "started" :
		       strerror(-rc));
		fflush(stdout);
	}
	/* by the clock: a slow NF's ticks come late (between bursts) */
	if (now_ns < next_report_ns)
		return;
	next_report_ns = now_ns + 1000000000ULL;

	for (i = 0; i < FLOW_BITS / 64; i++)
		set += __builtin_popcountll(flow_map[i]);
	if (set == 0)
		flows = 0;
	else if (set == FLOW_BITS) /* saturated: at least this many */
		flows = FLOW_BITS;
	else
		flows = -(double)FLOW_BITS *
			log((double)(FLOW_BITS - set) / FLOW_BITS);
	total_pkts += sec_pkts;
	printf("monitor: %" PRIu64 " pkts/s, %.3f Mbit/s, %.0f flows/s, "
	       "%" PRIu64 " packets in total\n", sec_pkts,
	       sec_bytes * 8 / 1e6, flows, total_pkts);
	fflush(stdout);
	memset(flow_map, 0, sizeof(flow_map));
	sec_pkts = sec_bytes = 0;
	if (log_tab != NULL)
		log_write();
}

static const char *
stop_reason(enum onvm_nf_stop_reason why)
{
	switch (why) {
	case ONVM_NF_STOP_MGR_ASKED:
		return "asked by the manager";
	case ONVM_NF_STOP_MGR_SHUTDOWN:
		return "manager shutdown";
	case ONVM_NF_STOP_MGR_DEAD:
		return "manager died";
	default:
		return "requested";
	}
}

/* After the drain, before deregistering: the final state. */
static void
on_stop(struct onvm_nf *nf, enum onvm_nf_stop_reason why, void *arg)
{
	(void)arg;
	if (log_tab != NULL)
		log_write();
	printf("monitor: stop handler: instance %u stopping (%s) after %"
	       PRIu64 " packets%s\n", onvm_nf_instance_id(nf), stop_reason(why),
	       total_pkts + sec_pkts, log_tab != NULL ?
	       ", flow log written" : "");
	fflush(stdout);
}

/* FILE with "%i" replaced by the instance id. */
static int
set_log_file(const char *path, unsigned int iid)
{
	const char *p = strstr(path, "%i");
	int n;

	if (p == NULL)
		n = snprintf(log_file, sizeof(log_file), "%s", path);
	else
		n = snprintf(log_file, sizeof(log_file), "%.*s%u%s",
			     (int)(p - path), path, iid, p + 2);
	return n > 0 && (size_t)n < sizeof(log_file) ? 0 : -1;
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	*v = strtoull(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct onvm_nf *nf = onvm_nf_start(&argc, &argv, "monitor");
	int i, rc;

	if (nf == NULL)
		return 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--print") == 0) {
			print_each = 1;
		} else if (strcmp(argv[i], "--flow-log") == 0 && i + 1 < argc &&
			   argv[i + 1][0] != '\0') {
			log_path = argv[++i];
		} else if (strcmp(argv[i], "--work-cycles") == 0 &&
			   i + 1 < argc &&
			   parse_u64(argv[i + 1], &work_cycles) == 0) {
			i++;
		} else if (strcmp(argv[i], "--scale-out-after") == 0 &&
			   i + 1 < argc &&
			   parse_u64(argv[i + 1], &scale_after) == 0) {
			scale_ask = 1;
			i++;
		} else {
			fprintf(stderr, "%s: unexpected argument '%s' (monitor "
				"takes --print, to print every packet, "
				"--flow-log FILE, --work-cycles N and "
				"--scale-out-after N)\n", argv[0], argv[i]);
			onvm_nf_stop(nf);
			return 1;
		}
	}
	if (log_path != NULL) {
		log_tab = calloc(LOG_SLOTS, sizeof(*log_tab));
		if (set_log_file(log_path, onvm_nf_instance_id(nf)) < 0) {
			fprintf(stderr, "%s: --flow-log path too long\n",
				argv[0]);
			onvm_nf_stop(nf);
			return 1;
		}
		if (log_tab == NULL) {
			fprintf(stderr, "%s: out of memory for --flow-log\n",
				argv[0]);
			onvm_nf_stop(nf);
			return 1;
		}
	}
	onvm_nf_set_tick(nf, tick, 100);
	onvm_nf_set_stop_handler(nf, on_stop, NULL);
	rc = onvm_nf_run_pkt(nf, monitor);
	onvm_nf_stop(nf);	/* runs on_stop() first */
	free(log_tab);
	return rc == 0 ? 0 : 1;
}
