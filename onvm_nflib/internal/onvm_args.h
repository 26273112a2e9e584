/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_ARGS_H
#define ONVM_ARGS_H

/* Splitting an NF's command line into the EAL arguments of a secondary
 * process, the library's own options, and the NF's options. No rte_ calls:
 * unit-tested. */

#include <stddef.h>
#include <stdint.h>

#include "onvm_limits.h"

#define ONVM_ARGS_MAX 128 /* arguments in each output vector */

struct onvm_nf_args {
	int service_id;			/* -r, required */
	int instance_id;		/* -n, or -1 for any */
	char tag[ONVM_TAG_LEN];		/* --tag, or "" */
	char prefix[ONVM_PREFIX_LEN];	/* the manager's --file-prefix */
	int shared_core;		/* --shared-core: sleep when idle */

	int eal_argc;			/* EAL argv, argv[0] first */
	char *eal_argv[ONVM_ARGS_MAX];
	int nf_argc;			/* NF argv, argv[0] first */
	char *nf_argv[ONVM_ARGS_MAX];

	/* storage for the arguments the library adds */
	char buf_prefix[ONVM_PREFIX_LEN + 16];
	char buf_lcore[32];
};

/**
 * Split argv. EAL options are those before a "--", if there is one; the
 * library adds --proc-type=secondary, --no-pci, --file-prefix and one lcore
 * (@p default_cpu) unless the user's EAL options already say otherwise.
 * The returned vectors point into argv and into @p a.
 *
 * @return 0, or -EINVAL with one phrase in @p err.
 */
int onvm_nf_args_parse(int argc, char **argv, unsigned int default_cpu,
		       struct onvm_nf_args *a, char *err, size_t errlen);

#endif /* ONVM_ARGS_H */
