/* SPDX-License-Identifier: BSD-3-Clause
 * onvm-simple-forward: pass packets to the next service of their chain, or
 * with -d SID to service SID. --spin NS makes it slow on purpose (NS of
 * busy work per packet), to test what overload does to a chain;
 * --drop-every N drops every Nth packet it sees (a lossy hop, and bursts
 * whose packets go different ways).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_pause.h>

#include <onvm_nf.h>

static uint16_t dest;		/* 0: next in chain */
static uint64_t spin_cycles;	/* per packet, --spin */
static unsigned long drop_every;	/* --drop-every N, 0: none */
static unsigned long drop_count;

static void
forward(struct onvm_nf *nf, struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t end;
	uint16_t i;

	if (spin_cycles != 0) {
		end = rte_rdtsc() + spin_cycles * n;
		while (rte_rdtsc() < end)
			rte_pause();
	}
	if (dest != 0)
		for (i = 0; i < n; i++)
			onvm_pkt_to_service(pkts[i], dest);
	/* otherwise the verdict stays NEXT */
	if (drop_every != 0)
		for (i = 0; i < n; i++)
			if (++drop_count % drop_every == 0)
				onvm_pkt_drop(pkts[i]);
}

/* -d SID and --spin NS, in any order. @return 0, or -1 naming the bad
 * argument in @p bad. */
static int
parse_args(int argc, char **argv, const char **bad)
{
	unsigned long ns;
	char *end;
	int i;

	for (i = 1; i < argc; i++) {
		*bad = argv[i];
		if (i + 1 >= argc)
			return -1;
		if (strcmp(argv[i], "-d") == 0) {
			*bad = argv[++i];
			if (onvm_parse_service_id(argv[i], &dest) < 0)
				return -1;
		} else if (strcmp(argv[i], "--drop-every") == 0) {
			*bad = argv[++i];
			drop_every = strtoul(argv[i], &end, 10);
			if (*argv[i] == '\0' || *end != '\0' || drop_every == 0 ||
			    drop_every > 1000000)
				return -1;
		} else if (strcmp(argv[i], "--spin") == 0) {
			*bad = argv[++i];
			ns = strtoul(argv[i], &end, 10);
			if (*argv[i] == '\0' || *end != '\0' || ns > 1000000)
				return -1;
			spin_cycles = rte_get_tsc_hz() / 1000000 * ns / 1000;
			if (ns != 0 && spin_cycles == 0)
				spin_cycles = 1;
		} else {
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct onvm_nf *nf = onvm_nf_start(&argc, &argv, "simple_forward");
	const char *bad = NULL;
	int rc;

	if (nf == NULL)
		return 1; /* the library said why */
	rc = parse_args(argc, argv, &bad);
	if (rc < 0)
		fprintf(stderr, "%s: bad option '%s' (usage: [-d SID] [--spin NS] "
			"[--drop-every N]: a service id 1..%d, nanoseconds of "
			"busy work per packet 0..1000000, N 1..1000000)\n",
			argv[0], bad, ONVM_MAX_SERVICE_ID);
	else
		rc = onvm_nf_run(nf, forward);
	onvm_nf_stop(nf);
	return rc == 0 ? 0 : 1;
}
