/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef DEPLOY_CONF_H
#define DEPLOY_CONF_H

/* A deployment file (docs/deploy.md): its parsing and validation, the
 * checks against this host, and the command lines it gives. No rte_ calls
 * and no EAL: unit-tested (tests/unit/test_deploy.c) and fuzzed
 * (tests/fuzz/fuzz_deploy.c).
 *
 * Every error is one phrase about one line of the file:
 *     struct deploy_err { .line = 12,
 *                         .msg = "nfs[1].service: 70 is out of range (1..63)" }
 * which the tool prints as "FILE:12: nfs[1].service: ...". */

#include <stddef.h>
#include <stdint.h>

#include "onvm_chain.h"
#include "onvm_limits.h"

#define DEPLOY_ERR_LEN 256	/* bytes of an error message */
#define DEPLOY_MAX_ARGS 64	/* strings in one eal or args list */
#define DEPLOY_MAX_SPECS ONVM_MAX_NFS /* entries of nfs */
#define DEPLOY_MAX_FLOWS 1024	/* entries of flows */
#define DEPLOY_MAX_CPUS 64	/* CPUs in one lcores or cores list */
#define DEPLOY_MAX_CPU 1023	/* highest CPU id */
#define DEPLOY_MAX_STR 4096	/* bytes of one string value */
#define DEPLOY_RULE_LEN 256	/* bytes of a --flow rule */
#define DEPLOY_SCALE_LEN 200	/* bytes of a --scale policy */

struct deploy_err {
	int line;			/* 1-based line of the file */
	char msg[DEPLOY_ERR_LEN];	/* "path: problem", one line */
};

/* A list of strings (eal:, args:). */
struct deploy_list {
	int n;
	char *v[DEPLOY_MAX_ARGS];
	int line[DEPLOY_MAX_ARGS];
};

/* CPUs (lcores:, cores:), each with its line for the host check. */
struct deploy_cpus {
	int n;
	uint16_t cpu[DEPLOY_MAX_CPUS];
	int line[DEPLOY_MAX_CPUS];
};

struct deploy_mgr {
	int line;
	char *exec;			/* onvm-mgr unless given */
	int exec_line;
	char *path;			/* exec found on this host */
	char file_prefix[ONVM_PREFIX_LEN];
	int prefix_line;		/* 0: not given, the default */
	struct deploy_cpus lcores;	/* default: CPU 0 */
	int nb_ports;
	char *port[ONVM_MAX_PORTS];	/* vdev strings or PCI addresses */
	int port_line[ONVM_MAX_PORTS];
	uint8_t port_pci[ONVM_MAX_PORTS]; /* 1: a PCI address, -a */
	struct onvm_chain chain;
	int chain_line;
	double stats_interval;		/* if has_stats_interval */
	int has_stats_interval;
	char *stats_json;		/* NULL: onvm-deploy picks one */
	char *restart;			/* "N/SEC", or NULL */
	int nf_tx, nf_rx, quiet, no_wait;
	int shared_core;		/* every NF sleeps when idle */
	struct deploy_list eal;		/* more EAL options */
	struct deploy_list args;	/* more manager options */
};

struct deploy_nf {
	int line;
	char name[ONVM_TAG_LEN];	/* --tag, and the name of its logs */
	char *exec;
	int exec_line;
	char *path;			/* exec found on this host */
	uint16_t service;
	uint16_t instances;		/* 1..ONVM_MAX_INSTANCES */
	uint16_t first_id;		/* instance ids first_id.. (-n) */
	struct deploy_cpus cores;	/* instance k on cores[k % n] */
	int shared_core;		/* sleeps when idle (--shared-core) */
	struct deploy_list eal;		/* more EAL options */
	struct deploy_list args;	/* the NF's own options */
	/* scale: the manager's --scale SID:POLICY, or "" */
	char scale[DEPLOY_SCALE_LEN];
	int scale_line;
	uint16_t scale_min, scale_max;
};

struct deploy_flow {
	int line;
	int in_port;			/* -1: any */
	struct onvm_chain chain;
	char rule[DEPLOY_RULE_LEN];	/* the manager's --flow text */
};

struct deploy_conf {
	struct deploy_mgr mgr;
	int nb_nfs;
	struct deploy_nf nf[DEPLOY_MAX_SPECS];
	int nb_flows;
	struct deploy_flow *flow;	/* nb_flows of them */
	int total;			/* NF instances onvm-deploy starts */
	int max_total;			/* ... and at most, with scaling */
	int nfs_line;
};

/**
 * Parse and validate a deployment file's text: syntax, keys, types,
 * ranges, and consistency (every service of a chain has an NF, instance
 * counts, ...). Strings may use ${VAR} and ${VAR:-default}.
 *
 * @return 0; -EINVAL or -ENOMEM with @p e set. @p c must be freed with
 *   deploy_conf_free() either way.
 */
int deploy_parse(const char *buf, size_t len, struct deploy_conf *c,
		 struct deploy_err *e);

/**
 * Read and parse @p path; on error @p err is "PATH:LINE: problem".
 * @return 0, -EINVAL, -ENOMEM, or -errno of reading the file.
 */
int deploy_load(const char *path, struct deploy_conf *c, char *err,
		size_t errlen);

/** Free what deploy_parse() allocated; @p c is zeroed. */
void deploy_conf_free(struct deploy_conf *c);

/**
 * Check @p c against this host: every CPU is one this process may run on,
 * every executable is found (deploy_find_exec()), and no live DPDK primary
 * holds the file prefix. Fills the path of each exec.
 *
 * @param self_dir  the directory of onvm-deploy itself
 * @return 0, or -EINVAL / -ENOENT / -EBUSY with @p e set.
 */
int deploy_check_host(struct deploy_conf *c, const char *self_dir,
		      struct deploy_err *e);

/**
 * Find an executable: a name with a '/' as it is (relative to the working
 * directory); a bare name next to onvm-deploy (@p self_dir), then in the
 * meson build tree @p self_dir is in (BUILD/DIR/NAME, BUILD/DIR/DIR/NAME),
 * then in PATH.
 * @return 0 with the path in @p out; -ENOENT, -EACCES, -ENAMETOOLONG.
 */
int deploy_find_exec(const char *name, const char *self_dir, char *out,
		     size_t outlen);

/* A command line: argv[0] is the executable's path; NULL-terminated. */
struct deploy_argv {
	int argc;
	char **argv;
};

/**
 * The manager's command line: its EAL options (lcores, file prefix, ports,
 * --no-pci unless a PCI address or -a is given, eal:), then "--", --chain,
 * --stats-json @p stats_json, and the rest: --scale for each NF with
 * scale:, and --launch with the command line of its first instance for
 * those with scale.min 0 (which onvm-deploy does not start).
 * @return 0 or -ENOMEM.
 */
int deploy_mgr_argv(const struct deploy_conf *c, const char *stats_json,
		    struct deploy_argv *a);

/**
 * The command line of instance @p k of nfs[@p spec]: [-l CPU] [eal:] --
 * -r SID -n ID --tag NAME --file-prefix P [args:].
 * @return 0 or -ENOMEM.
 */
int deploy_nf_argv(const struct deploy_conf *c, int spec, int k,
		   struct deploy_argv *a);

void deploy_argv_free(struct deploy_argv *a);

/** Print @p a as a shell would read it (quoted where needed) into @p out. */
void deploy_argv_str(const struct deploy_argv *a, char *out, size_t len);

#endif /* DEPLOY_CONF_H */
