/* SPDX-License-Identifier: BSD-3-Clause
 * onvm-bridge: send every packet out of the port paired with the one it came
 * in on (0<->1, 2<->3, ...; a lone port back out through itself).
 */
#include <stdio.h>

#include <onvm_nf.h>

static uint16_t nb_ports;

static void
bridge(struct onvm_nf *nf, struct rte_mbuf *pkt)
{
	uint16_t out = onvm_pkt_in_port(pkt) ^ 1;

	onvm_pkt_out(pkt, out < nb_ports ? out : onvm_pkt_in_port(pkt));
}

int
main(int argc, char **argv)
{
	struct onvm_nf *nf = onvm_nf_start(&argc, &argv, "bridge");
	int rc;

	if (nf == NULL)
		return 1;
	if (argc != 1) {
		fprintf(stderr, "%s: unexpected argument '%s' (bridge takes "
			"no options)\n", argv[0], argv[1]);
		onvm_nf_stop(nf);
		return 1;
	}
	nb_ports = onvm_nf_port_count(nf);
	rc = onvm_nf_run_pkt(nf, bridge);
	onvm_nf_stop(nf);
	return rc == 0 ? 0 : 1;
}
