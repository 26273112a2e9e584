/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* ctl_args_parse() on any onvmctl command line (the input's NUL-separated
 * strings after "onvmctl"): 0 with one request that DPDK telemetry can
 * take, 1 for help, or -EINVAL with a one-line message. */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_args.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_argv a;
	struct ctl_opts o;
	struct ctl_nf_ref ref;
	const size_t errlen = 256;	/* as onvmctl's */
	char *err;
	int rc;

	fuzz_argv_split(data, size, "onvmctl", &a);
	err = malloc(errlen);
	if (err == NULL)
		abort();
	err[0] = '\0';

	rc = ctl_args_parse(a.argc, a.argv, &o, err, errlen);
	FUZZ_CHECK(rc == 0 || rc == 1 || rc == -EINVAL, "rc %d", rc);
	if (rc == 0) {
		FUZZ_CHECK(o.tel_cmd != NULL && strncmp(o.tel_cmd, "/onvm/", 6) == 0,
			   "command %s", o.tel_cmd ? o.tel_cmd : "(null)");
		FUZZ_CHECK(strlen(o.tel_cmd) + 1 + strlen(o.param) <=
			   CTL_REQ_MAX, "request of %zu bytes",
			   strlen(o.tel_cmd) + 1 + strlen(o.param));
		FUZZ_CHECK(o.prefix != NULL && o.prefix[0] != '\0' &&
			   strchr(o.prefix, '/') == NULL, "prefix");
		FUZZ_CHECK(o.timeout > 0 && o.timeout <= 3600, "timeout %g",
			   o.timeout);
		FUZZ_CHECK(!o.no_wait || o.cmd == CTL_STOP, "--no-wait");
		if (o.cmd == CTL_STOP)
			FUZZ_CHECK(ctl_parse_nf_ref(o.param, 32, &ref, err,
						    errlen) == 0,
				   "stop target '%s' the manager rejects",
				   o.param);
		else if (o.cmd == CTL_FLOW_ADD || o.cmd == CTL_FLOW_DEL ||
			 o.cmd == CTL_CHAIN_SET)
			FUZZ_CHECK(o.param[0] != '\0', "no parameters");
		else
			FUZZ_CHECK(o.param[0] == '\0', "parameters '%s'",
				   o.param);
	} else if (rc < 0) {
		fuzz_check_err(err, errlen, &a);
	}
	free(err);
	fuzz_argv_free(&a);
	return 0;
}
