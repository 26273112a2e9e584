/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_RUNTIME_H
#define ONVM_RUNTIME_H

/* DPDK runtime files of a --file-prefix, looked at before the EAL starts,
 * so that "no manager" and "a manager is already running" are one clear
 * line each. No rte_ calls. */

#include <stddef.h>
#include <stdint.h>

/** The prefix's runtime directory (/var/run/dpdk/PREFIX for root). */
void onvm_runtime_dir(const char *prefix, char *buf, size_t len);

/** Does a live DPDK primary own @p prefix (holds its config lock)? */
int onvm_primary_alive(const char *prefix);

/**
 * Find, and with @p remove delete, the hugepage files of @p prefix
 * (PREFIXmap_* in every hugetlbfs mount) and its runtime directory: a DPDK
 * primary leaves them behind even on a clean exit. Remove only for a
 * prefix no live process uses.
 * @param had_dir if not NULL, set to 1 if the runtime directory existed.
 * @return how many hugepage files there were (removed, with @p remove).
 */
unsigned int onvm_prefix_files(const char *prefix, int remove, int *had_dir);

/** CLOCK_MONOTONIC in ns: comparable across the manager and its NFs. */
uint64_t onvm_now_ns(void);

/** Sleep until @p ns on the onvm_now_ns() clock (signals do not cut it). */
void onvm_sleep_until(uint64_t ns);

#endif /* ONVM_RUNTIME_H */
