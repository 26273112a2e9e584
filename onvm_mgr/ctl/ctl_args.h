/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef CTL_ARGS_H
#define CTL_ARGS_H

/* onvmctl's command line, turned into one DPDK telemetry request, and the
 * names of the manager's telemetry commands. The manager parses a stop
 * target with the same function. No rte_ calls: unit-tested. */

#include <stddef.h>
#include <stdint.h>

/* The manager's telemetry commands (onvm_mgr/mgr_ctl.c). */
#define CTL_CMD_PORTS "/onvm/ports"
#define CTL_CMD_SERVICES "/onvm/services"
#define CTL_CMD_NFS "/onvm/nfs"
#define CTL_CMD_FLOWS "/onvm/flows"
#define CTL_CMD_FLOW_ADD "/onvm/flow/add"
#define CTL_CMD_FLOW_DEL "/onvm/flow/del"
#define CTL_CMD_NF_STOP "/onvm/nf/stop"
#define CTL_CMD_CHAIN "/onvm/chain"
#define CTL_CMD_CHAIN_SET "/onvm/chain/set"

/* DPDK 22.11 telemetry reads a request into 1024 bytes with its NUL: the
 * command, a comma and the parameters must fit in 1023. */
#define CTL_REQ_MAX 1023

#define CTL_DEFAULT_TIMEOUT 10.0	/* seconds */

enum ctl_cmd {
	CTL_HELP,
	CTL_PORTS,
	CTL_SERVICES,
	CTL_NFS,
	CTL_FLOWS,
	CTL_FLOW_ADD,
	CTL_FLOW_DEL,
	CTL_STOP,
	CTL_CHAIN,
	CTL_CHAIN_SET,
};

struct ctl_opts {
	const char *prefix;	/* --file-prefix (default "onvm") */
	const char *socket;	/* --socket PATH, or NULL */
	int json;		/* --json: the reply, not a table */
	int no_wait;		/* stop: do not wait for the NF to leave */
	double timeout;		/* --timeout SEC */
	enum ctl_cmd cmd;
	const char *tel_cmd;	/* the telemetry command */
	char param[CTL_REQ_MAX + 1]; /* its parameters ("" for none) */
};

/* An NF instance named on the command line or in a request. */
struct ctl_nf_ref {
	int by_slot;		/* "slot=N" */
	uint16_t slot;
	uint16_t service_id;	/* "SID:IID" */
	uint16_t instance_id;
};

extern const char ctl_usage[];

/**
 * Parse onvmctl's arguments (argv[0] is the program).
 * @return 0, 1 for --help (print ctl_usage), or -EINVAL with a phrase in
 * @p err (one line, what the user typed quoted).
 */
int ctl_args_parse(int argc, char **argv, struct ctl_opts *o, char *err,
		   size_t errlen);

/**
 * Parse an NF instance: "SID:IID" (service 1..63, instance 1..65535) or
 * "slot=N" (0 .. max_slots - 1).
 * @return 0, or -EINVAL with a phrase in @p err.
 */
int ctl_parse_nf_ref(const char *s, unsigned int max_slots,
		     struct ctl_nf_ref *ref, char *err, size_t errlen);

#endif /* CTL_ARGS_H */
