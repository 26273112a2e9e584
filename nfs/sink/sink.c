/* SPDX-License-Identifier: BSD-3-Clause
 * onvm-sink: count packets and drop them (the manager frees them); print the
 * count every second and at exit.
 */
#include <inttypes.h>
#include <stdio.h>

#include <onvm_nf.h>

static uint64_t pkts_seen, bytes_seen, last_pkts;

static void
sink(struct onvm_nf *nf, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		bytes_seen += rte_pktmbuf_pkt_len(pkts[i]);
		onvm_pkt_drop(pkts[i]);
	}
	pkts_seen += n;
}

static void
tick(struct onvm_nf *nf, uint64_t now_ns)
{
	printf("sink: %" PRIu64 " packets (%" PRIu64 " bytes), %" PRIu64
	       " in the last second\n", pkts_seen, bytes_seen,
	       pkts_seen - last_pkts);
	fflush(stdout);
	last_pkts = pkts_seen;
}

int
main(int argc, char **argv)
{
	struct onvm_nf *nf = onvm_nf_start(&argc, &argv, "sink");
	int rc;

	if (nf == NULL)
		return 1;
	if (argc != 1) {
		fprintf(stderr, "%s: unexpected argument '%s' (sink takes no "
			"options)\n", argv[0], argv[1]);
		onvm_nf_stop(nf);
		return 1;
	}
	onvm_nf_set_tick(nf, tick, 1000);
	rc = onvm_nf_run(nf, sink);
	printf("sink: %" PRIu64 " packets (%" PRIu64 " bytes) in total\n",
	       pkts_seen, bytes_seen);
	onvm_nf_stop(nf);
	return rc == 0 ? 0 : 1;
}
