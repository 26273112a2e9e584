/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* mgr_opts_parse() on any command line (the input's NUL-separated strings
 * after "onvm-mgr"): 0 with a sane configuration, 1 for --help, or -EINVAL
 * with a one-line message. Also mgr_pool_size() on the result. */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "mgr_opts.h"
#include "onvm_flow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_argv a;
	struct mgr_opts o;
	const size_t errlen = 256;	/* as struct mgr_ctx's err */
	uint32_t pool;
	char *err;
	int rc, i;

	fuzz_argv_split(data, size, "onvm-mgr", &a);
	err = malloc(errlen);
	if (err == NULL)
		abort();
	err[0] = '\0';

	rc = mgr_opts_parse(a.argc, a.argv, &o, err, errlen);
	FUZZ_CHECK(rc == 0 || rc == 1 || rc == -EINVAL, "rc %d", rc);
	if (rc == 0) {
		FUZZ_CHECK(o.chain.len >= 1 && o.chain.len <= ONVM_MAX_CHAIN,
			   "chain len %u", o.chain.len);
		for (i = 0; i < o.chain.len; i++)
			FUZZ_CHECK(o.chain.sid[i] >= 1 &&
				   o.chain.sid[i] < ONVM_MAX_SERVICES,
				   "sid[%d] = %u", i, o.chain.sid[i]);
		FUZZ_CHECK(o.ring_size != 0 &&
			   (o.ring_size & (o.ring_size - 1)) == 0,
			   "ring_size %u", o.ring_size);
		FUZZ_CHECK(o.max_nfs >= 1 && o.max_nfs <= ONVM_MAX_NFS,
			   "max_nfs %u", o.max_nfs);
		FUZZ_CHECK(o.stats_interval >= 0 && o.duration >= 0,
			   "negative seconds");
		FUZZ_CHECK(o.restart_max == 0 ||
			   (o.restart_max <= 100 && o.restart_window >= 1 &&
			    o.restart_window <= 86400),
			   "restart %u in %g s", o.restart_max,
			   o.restart_window);
		FUZZ_CHECK(o.flow_table >= MGR_FLOW_TABLE_MIN &&
			   o.flow_table <= MGR_FLOW_TABLE_MAX, "flow_table %u",
			   o.flow_table);
		FUZZ_CHECK(o.nb_flows <= MGR_MAX_FLOW_OPTS, "nb_flows %u",
			   o.nb_flows);
		for (i = 0; i < (int)o.nb_flows; i++) {
			struct onvm_flow_rule r;
			char rerr[200];

			FUZZ_CHECK(onvm_flow_rule_parse(o.flow[i], 1, &r, rerr,
							sizeof(rerr)) == 0,
				   "--flow '%s' accepted but does not parse",
				   o.flow[i]);
		}
		/* the pool for the largest machine we allow */
		pool = mgr_pool_size(ONVM_MAX_PORTS, o.nb_rxd, o.nb_txd,
				     ONVM_MAX_MGR_LCORES, o.mbuf_cache,
				     o.max_nfs, o.ring_size);
		FUZZ_CHECK((pool & (pool + 1)) == 0, "pool %u not 2^k - 1",
			   pool);
		FUZZ_CHECK((uint64_t)pool >= (uint64_t)o.max_nfs * 2 *
			   o.ring_size, "pool %u smaller than the rings", pool);
	} else if (rc < 0) {
		fuzz_check_err(err, errlen, &a);
	}
	free(err);
	fuzz_argv_free(&a);
	return 0;
}
