/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* onvm-pktgen's command line (the input's NUL-separated strings after
 * "onvm-pktgen"), split as its main() does: pg_nf_mode(), then in NF mode
 * pg_nf_app_args() (what the NF library leaves to pktgen), otherwise the
 * arguments after the first "--"; then pg_opts_parse(). It returns 0 with
 * options in their documented ranges, 1 for --help, or -EINVAL with a
 * one-line message. Also pg_size_cycle() on the result. */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "../../nfs/pktgen/pktgen_lib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An argument the NF library takes for itself (or as such a one's value). */
static int
lib_opt(const char *a)
{
	return strcmp(a, "-r") == 0 || strcmp(a, "-n") == 0 ||
	       strcmp(a, "--tag") == 0 || strncmp(a, "--tag=", 6) == 0 ||
	       strcmp(a, "--file-prefix") == 0 ||
	       strncmp(a, "--file-prefix=", 14) == 0;
}

static void
check_opts(const struct pg_opts *o)
{
	uint16_t sizes[16];
	unsigned int i, n;

	FUZZ_CHECK(o->rate_pps == 0 || (o->rate_pps >= 1 && o->rate_pps <= 1e9),
		   "rate %g", o->rate_pps);
	FUZZ_CHECK(o->rate_pct >= 0 && o->rate_pct <= 100, "rate_pct %g",
		   o->rate_pct);
	FUZZ_CHECK(o->rate_pct == 0 || o->rate_pps == 0,
		   "--rate and --rate-pct both set");
	FUZZ_CHECK(o->max_pps == 0 || o->rate_pct > 0, "max_pps without pct");
	FUZZ_CHECK(o->probe_s >= 0.1 && o->probe_s <= 60, "probe %g",
		   o->probe_s);
	FUZZ_CHECK(o->size >= PG_MIN_SIZE && o->size <= PG_MAX_SIZE,
		   "size %u", o->size);
	FUZZ_CHECK(o->flows >= 1 && o->flows <= PG_MAX_FLOWS, "flows %u",
		   o->flows);
	FUZZ_CHECK(o->proto == PG_PROTO_UDP || o->proto == PG_PROTO_TCP ||
		   o->proto == PG_PROTO_MIX, "proto %d", (int)o->proto);
	FUZZ_CHECK(o->proto == PG_PROTO_UDP ||
		   (o->size >= PG_MIN_TCP_SIZE && !o->imix),
		   "TCP frames of %u bytes, imix %d: no room for the stamp",
		   o->size, o->imix);
	FUZZ_CHECK(o->proto != PG_PROTO_MIX || o->flows >= 2, "mix, %u flow",
		   o->flows);
	FUZZ_CHECK(o->burst >= 1 && o->burst <= PG_MAX_BURST, "burst %u",
		   o->burst);
	FUZZ_CHECK(o->duration_s >= 0 && o->duration_s <= 31536000,
		   "duration %g", o->duration_s);
	FUZZ_CHECK(o->count <= UINT64_MAX / 2, "count %llu",
		   (unsigned long long)o->count);
	FUZZ_CHECK(o->pcap == NULL ||
		   (o->pcap[0] != '\0' && !o->imix && o->flows == 1 &&
		    o->proto == PG_PROTO_UDP && o->size == PG_MIN_SIZE),
		   "--pcap with frame options");
	FUZZ_CHECK(o->json == NULL || o->json[0] != '\0', "empty --json");
	FUZZ_CHECK(o->stats_interval_s == 0 ||
		   (o->stats_interval_s >= 0.1 && o->stats_interval_s <= 3600),
		   "stats interval %g", o->stats_interval_s);
	FUZZ_CHECK(o->drain_s >= 0 && o->drain_s <= 60, "drain %g",
		   o->drain_s);
	FUZZ_CHECK(o->link_wait_s >= 0 && o->link_wait_s <= 3600,
		   "link wait %g", o->link_wait_s);
	FUZZ_CHECK(o->tx_port <= 1023 && o->rx_port <= 1023, "ports %u %u",
		   o->tx_port, o->rx_port);
	FUZZ_CHECK(o->to_sid <= PG_MAX_SID, "to %u", o->to_sid);
	FUZZ_CHECK(o->nf || o->to_sid == 0, "--to without --nf");
	FUZZ_CHECK(!o->nf || (o->tx_port == 0 && o->rx_port == 0 &&
			      !o->linger), "--nf with a port option");
	FUZZ_CHECK(o->yield == 0 || o->yield == 1, "yield %d", o->yield);
	FUZZ_CHECK(o->path_check == 0 || o->path_check == 1, "path_check %d",
		   o->path_check);

	n = pg_size_cycle(o, sizes, 16);
	FUZZ_CHECK(n == (o->imix ? 12u : 1u), "%u sizes", n);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(sizes[i] >= PG_MIN_SIZE && sizes[i] <= PG_MAX_SIZE &&
			   (o->imix || sizes[i] == o->size), "sizes[%u] = %u",
			   i, sizes[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_argv a;
	struct pg_opts o;
	const size_t errlen = 512;	/* as pktgen's main's err */
	char **app;
	char *err;
	int mode, n, i, start, rc;

	fuzz_argv_split(data, size, "onvm-pktgen", &a);
	app = calloc((size_t)a.argc + 1, sizeof(*app));
	err = malloc(errlen);
	if (app == NULL || err == NULL)
		abort();
	err[0] = '\0';

	mode = pg_nf_mode(a.argc, a.argv);
	FUZZ_CHECK(mode == 0 || mode == 1 || mode == -EINVAL, "mode %d", mode);
	if (mode == 1) {
		n = pg_nf_app_args(a.argc, a.argv, app);
		FUZZ_CHECK(n >= 1 && n <= a.argc, "%d of %d arguments", n,
			   a.argc);
		FUZZ_CHECK(app[n] == NULL, "not NULL-terminated");
		FUZZ_CHECK(app[0] == a.argv[0], "argv[0] changed");
		for (i = 1; i < n; i++)
			FUZZ_CHECK(!lib_opt(app[i]),
				   "the library's '%s' left to pktgen", app[i]);
	} else {
		/* the port mode's own options: those after the first "--" */
		for (start = 1; start < a.argc; start++)
			if (strcmp(a.argv[start], "--") == 0)
				break;
		app[0] = a.argv[0];
		n = 1;
		for (i = start + 1; i < a.argc; i++)
			app[n++] = a.argv[i];
		app[n] = NULL;
	}

	rc = pg_opts_parse(n, app, &o, err, errlen);
	FUZZ_CHECK(rc == 0 || rc == 1 || rc == -EINVAL, "rc %d", rc);
	if (rc == 0)
		check_opts(&o);
	else if (rc < 0)
		fuzz_check_err(err, errlen, &a);

	free(err);
	free(app);
	fuzz_argv_free(&a);
	return 0;
}
