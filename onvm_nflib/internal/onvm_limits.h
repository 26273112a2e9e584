/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_LIMITS_H
#define ONVM_LIMITS_H

/* Sizes shared by the manager, the NF library and the tests. Changing one
 * changes the shared-memory layout: bump ONVM_SHM_VERSION with it. */

#define ONVM_MAX_NFS 32		/* NF slots (instances) per manager */
#define ONVM_MAX_SERVICES 64	/* service ids 1 .. ONVM_MAX_SERVICES - 1 */
#define ONVM_MAX_INSTANCES 16	/* live instances per service */
#define ONVM_MAX_CHAIN 16	/* services in one chain */
#define ONVM_MAX_CHAINS 256	/* chain ids 0 .. 255 (a power of two) */
#define ONVM_LUT_SIZE 2039	/* Maglev table per service (M, a prime) */
#define ONVM_MAX_PORTS 16	/* ports the manager drives */
#define ONVM_MAX_MGR_LCORES 16	/* manager data-path lcores */
#define ONVM_BURST 32		/* packets per burst, everywhere */
#define ONVM_TAG_LEN 32		/* NF tag and program name, with NUL */
#define ONVM_PREFIX_LEN 64	/* EAL --file-prefix, with NUL */
#define ONVM_PORT_NAME_LEN 64	/* ethdev and driver names, with NUL */
#define ONVM_DEFAULT_PREFIX "onvm"

#endif /* ONVM_LIMITS_H */
