/* SPDX-License-Identifier: BSD-3-Clause
 * onvm-simple-forward: pass packets to the next service of their chain, or
 * with -d SID to service SID.
 */
#include <stdio.h>
#include <string.h>

#include <onvm_nf.h>

static uint16_t dest; /* 0: next in chain */

static void
forward(struct onvm_nf *nf, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	if (dest != 0)
		for (i = 0; i < n; i++)
			onvm_pkt_to_service(pkts[i], dest);
	/* otherwise the verdict stays NEXT */
}

int
main(int argc, char **argv)
{
	struct onvm_nf *nf = onvm_nf_start(&argc, &argv, "simple_forward");
	int rc = 0;

	if (nf == NULL)
		return 1; /* the library said why */
	if (argc == 3 && strcmp(argv[1], "-d") == 0) {
		rc = onvm_parse_service_id(argv[2], &dest);
	} else if (argc != 1) {
		rc = -1;
	}
	if (rc < 0)
		fprintf(stderr, "%s: bad option '%s' (usage: -d SID, a service "
			"id 1..%d)\n", argv[0], argv[argc > 2 ? 2 : 1],
			ONVM_MAX_SERVICE_ID);
	else
		rc = onvm_nf_run(nf, forward);
	onvm_nf_stop(nf);
	return rc == 0 ? 0 : 1;
}
