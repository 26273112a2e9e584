/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/*
 * onvm-pktgen --nf: pktgen as an NF of onvm-mgr, a DPDK secondary with one
 * thread and no port. It registers as service -r SID, builds its stamped
 * frames in mbufs of the manager's pool and injects them toward --to (or
 * the chain's next service); what comes back to its service is measured
 * and given the DROP verdict. The phases, the live line and the summary
 * are the port mode's (pktgen.c); this file is the set-up and the leaving.
 *
 * Who owns an mbuf: pktgen from rte_pktmbuf_alloc_bulk() until
 * onvm_nf_inject() takes it (what it does not take stays in t->pend and is
 * offered again, or freed by pg_tx_abandon()); the platform after that. A
 * received packet is the library's; our handler only reads it and sets the
 * verdict. So at the end nothing of ours is left in the pool, and frames
 * made but not yet injected are lost only if the process is killed.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include <onvm_nf.h>

#include "pktgen.h"

/*
 * The stop: leave the service (the library passes on, through our handler,
 * what was queued to us), unless the manager already said stop. Frames
 * made and not injected go back to the pool first.
 */
static void
pg_nf_leave(struct pg_ctx *c)
{
	pg_tx_abandon(c);
	if (c->nf_exit != 0)
		return;
	onvm_nf_request_stop(c->tx.nf);
	if (c->rx.max_seq == NULL)
		return;		/* never set up: onvm_nf_stop() reclaims */
	while (c->nf_exit == 0)
		pg_rx_step(c);	/* one poll: the library drains, then stops */
}

int
pg_nf_main(int argc, char **argv)
{
	static struct pg_ctx ctx;
	struct pg_ctx *c = &ctx;
	struct onvm_nf *nf = NULL;
	struct pg_pcap pcap;
	char err[512] = "";
	char **app_argv, **nf_argv = argv;
	int n, rc, nf_argc = argc;
	unsigned int room;

	memset(&pcap, 0, sizeof(pcap));
	/* Our options first, so that a bad one costs no EAL start. */
	app_argv = calloc((size_t)argc + 1, sizeof(*app_argv));
	if (app_argv == NULL) {
		snprintf(err, sizeof(err), "out of memory");
		goto fail;
	}
	n = pg_nf_app_args(argc, argv, app_argv);
	rc = pg_opts_parse(n, app_argv, &c->o, err, sizeof(err));
	if (rc == 1) {
		fputs(pg_usage, stdout);
		free(app_argv);
		return 0;
	}
	if (rc == 0 && !c->o.nf) {
		/* "--json --nf": the option before takes it as its value */
		snprintf(err, sizeof(err), "--nf follows an option that takes "
			 "it as its value");
		goto fail;
	}
	if (rc < 0 || (c->o.json != NULL &&
		       pg_json_check(c->o.json, err, sizeof(err)) < 0))
		goto fail;
	if (c->o.pcap != NULL && pg_pcap_open(c, &pcap, err, sizeof(err)) < 0)
		goto fail;

	nf = onvm_nf_start(&nf_argc, &nf_argv, "pktgen");
	if (nf == NULL) {
		rc = 1;		/* the library said why, in one line */
		goto out;
	}
	c->tx.nf = nf;
	c->tx.to_sid = c->o.to_sid;
	c->tx.zero_tail = 1;
	onvm_nf_set_data(nf, c);
	pg_signals_install();
	c->hz = rte_get_tsc_hz();
	c->nonce = (uint32_t)rte_rand() & 0xffffff;
	c->rx_lcore = RTE_MAX_LCORE;	/* one thread: TX and RX interleaved */
	if (rte_lcore_count() != 1) {
		snprintf(err, sizeof(err), "--nf runs on one thread: give one "
			 "lcore (-l N), not %u", rte_lcore_count());
		goto fail;
	}
	room = rte_pktmbuf_data_room_size(onvm_nf_pool(nf));
	if (room < RTE_PKTMBUF_HEADROOM + PG_MAX_FRAME) {
		snprintf(err, sizeof(err), "the manager's mbufs hold %u bytes "
			 "after their headroom; frames take up to %u",
			 room > RTE_PKTMBUF_HEADROOM ?
			 room - RTE_PKTMBUF_HEADROOM : 0, PG_MAX_FRAME);
		goto fail;
	}
	if (pg_ctx_init(c, onvm_nf_pool(nf), c->o.pcap != NULL ? &pcap : NULL,
			err, sizeof(err)) < 0)
		goto fail;
	if (c->o.to_sid != 0)
		printf("onvm-pktgen: NF of service %u (instance %u), sending to "
		       "service %u\n", onvm_nf_service_id(nf),
		       onvm_nf_instance_id(nf), c->o.to_sid);
	else
		printf("onvm-pktgen: NF of service %u (instance %u), sending to "
		       "the next service of the chain\n",
		       onvm_nf_service_id(nf), onvm_nf_instance_id(nf));
	fflush(stdout);

	if (c->o.path_check &&
	    pg_wait_path(c, rte_rdtsc() + (uint64_t)(c->o.link_wait_s * c->hz),
			 err, sizeof(err)) < 0)
		goto fail;
	if (pg_measure(c, err, sizeof(err)) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	rc = 1;
out:
	if (nf != NULL) {
		pg_nf_leave(c);
		/* it says "manager ... died; exiting" then: our error line */
		if (c->nf_exit == -ENOTCONN) {
			rc = 1;
			err[0] = '\0';
		}
		onvm_nf_stop(nf);
	}
	pg_ctx_free(c);
	pg_pcap_free(&pcap);
	free(app_argv);
	if (err[0] != '\0') {
		pg_one_line(err);
		fprintf(stderr, "onvm-pktgen: %s\n", err);
	}
	return rc;
}
