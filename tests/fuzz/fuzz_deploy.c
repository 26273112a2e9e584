/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* deploy_parse() on any bytes: either a deployment that keeps every rule
 * of docs/deploy.md and gives command lines, or -EINVAL/-ENOMEM with one
 * line of message naming a line of the input. */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deploy_conf.h"
#include "fuzz_common.h"
#include "onvm_flow.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* for ${VAR} and ${VAR:-default} */
	setenv("ONVM_FUZZ", "net_null9", 1);
	setenv("ONVM_FUZZ_EMPTY", "", 1);
	return 0;
}

static int
argv_has(const struct deploy_argv *a, const char *s)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], s) == 0)
			return 1;
	return 0;
}

static void
check_argv(const struct deploy_argv *a, const char *what)
{
	char small[64];
	int i;

	FUZZ_CHECK(a->argc >= 2, "%s: argc %d", what, a->argc);
	FUZZ_CHECK(a->argv[a->argc] == NULL, "%s: not NULL-terminated", what);
	for (i = 0; i < a->argc; i++)
		FUZZ_CHECK(a->argv[i] != NULL, "%s: argv[%d] NULL", what, i);
	FUZZ_CHECK(argv_has(a, "--"), "%s: no \"--\"", what);
	deploy_argv_str(a, small, sizeof(small));
	FUZZ_CHECK(strlen(small) < sizeof(small), "%s: argv_str overflow",
		   what);
}

static void
check_conf(const struct deploy_conf *c)
{
	unsigned int per_svc[ONVM_MAX_SERVICES] = { 0 };
	struct onvm_flow_rule rule;
	struct deploy_argv a;
	char err[160] = "";
	int i, j, k, total = 0, id = 1;

	FUZZ_CHECK(c->mgr.nb_ports >= 1 && c->mgr.nb_ports <= ONVM_MAX_PORTS,
		   "nb_ports %d", c->mgr.nb_ports);
	for (i = 0; i < c->mgr.nb_ports; i++)
		FUZZ_CHECK(c->mgr.port[i] != NULL && c->mgr.port[i][0] != '\0' &&
			   strpbrk(c->mgr.port[i], " \t") == NULL,
			   "port %d", i);
	FUZZ_CHECK(c->mgr.chain.len >= 1 && c->mgr.chain.len <= ONVM_MAX_CHAIN,
		   "chain len %u", c->mgr.chain.len);
	FUZZ_CHECK(c->mgr.lcores.n >= 1 &&
		   c->mgr.lcores.n <= ONVM_MAX_MGR_LCORES, "lcores %d",
		   c->mgr.lcores.n);
	FUZZ_CHECK(c->mgr.file_prefix[0] != '\0', "empty prefix");
	FUZZ_CHECK(c->nb_nfs >= 1 && c->nb_nfs <= DEPLOY_MAX_SPECS,
		   "nb_nfs %d", c->nb_nfs);
	for (i = 0; i < c->nb_nfs; i++) {
		const struct deploy_nf *nf = &c->nf[i];

		FUZZ_CHECK(nf->service >= 1 && nf->service < ONVM_MAX_SERVICES,
			   "nfs[%d].service %u", i, nf->service);
		FUZZ_CHECK(nf->instances >= 1 &&
			   nf->instances <= ONVM_MAX_INSTANCES,
			   "nfs[%d].instances %u", i, nf->instances);
		FUZZ_CHECK(nf->first_id == id, "nfs[%d].first_id %u, want %d",
			   i, nf->first_id, id);
		FUZZ_CHECK(nf->name[0] != '\0' &&
			   strlen(nf->name) < ONVM_TAG_LEN, "nfs[%d].name", i);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(c->nf[j].name, nf->name) != 0,
				   "nfs[%d] and nfs[%d] named %s", j, i,
				   nf->name);
		id += nf->instances;
		total += nf->instances;
		per_svc[nf->service] += nf->instances;
		FUZZ_CHECK(per_svc[nf->service] <= ONVM_MAX_INSTANCES,
			   "service %u: %u instances", nf->service,
			   per_svc[nf->service]);
	}
	FUZZ_CHECK(total == c->total && total <= ONVM_MAX_NFS, "total %d/%d",
		   total, c->total);
	for (i = 0; i < c->mgr.chain.len; i++)
		FUZZ_CHECK(per_svc[c->mgr.chain.sid[i]] > 0,
			   "chain service %u has no NF", c->mgr.chain.sid[i]);
	for (i = 0; i < c->nb_flows; i++) {
		const struct deploy_flow *f = &c->flow[i];

		FUZZ_CHECK(f->chain.len >= 1 && f->chain.len <= ONVM_MAX_CHAIN,
			   "flows[%d] chain len %u", i, f->chain.len);
		for (j = 0; j < f->chain.len; j++)
			FUZZ_CHECK(f->chain.sid[j] >= 1 &&
				   f->chain.sid[j] < ONVM_MAX_SERVICES &&
				   per_svc[f->chain.sid[j]] > 0,
				   "flows[%d] chain service %u", i,
				   f->chain.sid[j]);
		FUZZ_CHECK(memchr(f->rule, '\0', sizeof(f->rule)) != NULL &&
			   strstr(f->rule, " chain ") != NULL &&
			   strchr(f->rule, '\n') == NULL,
			   "flows[%d] rule '%s'", i, f->rule);
		FUZZ_CHECK(f->in_port < c->mgr.nb_ports, "flows[%d] in_port %d",
			   i, f->in_port);
		FUZZ_CHECK(onvm_flow_rule_parse(f->rule, 1, &rule, err,
						sizeof(err)) == 0 &&
			   rule.chain.len == f->chain.len &&
			   (f->in_port < 0 ?
			    rule.key.in_port == ONVM_FLOW_PORT_ANY :
			    rule.key.in_port == f->in_port),
			   "flows[%d] '%s' as the manager reads it: %s", i,
			   f->rule, err);
	}

	FUZZ_CHECK(deploy_mgr_argv(c, "/tmp/s.json", &a) == 0, "mgr argv");
	check_argv(&a, "manager");
	FUZZ_CHECK(argv_has(&a, "--chain"), "manager: no --chain");
	deploy_argv_free(&a);
	for (i = 0; i < c->nb_nfs; i++)
		for (k = 0; k < c->nf[i].instances; k++) {
			FUZZ_CHECK(deploy_nf_argv(c, i, k, &a) == 0, "nf argv");
			check_argv(&a, "nf");
			FUZZ_CHECK(argv_has(&a, "-r") && argv_has(&a, "-n"),
				   "nf: no -r or -n");
			deploy_argv_free(&a);
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct deploy_conf *c;
	struct deploy_err e;
	char *buf;
	size_t i;
	int rc, lines = 1;

	/* exactly sized: ASan sees a read one byte past the input */
	buf = malloc(size ? size : 1);
	c = malloc(sizeof(*c));
	if (buf == NULL || c == NULL)
		abort();
	memcpy(buf, data, size);
	/* YAML's line breaks, as libyaml counts them: \n, \r\n, \r, and
	 * NEL, LS, PS in UTF-8 */
	for (i = 0; i < size; i++)
		lines += data[i] == '\n' ||
			 (data[i] == '\r' && (i + 1 == size ||
					      data[i + 1] != '\n')) ||
			 (data[i] == 0xc2 && i + 1 < size && data[i + 1] == 0x85) ||
			 (data[i] == 0xe2 && i + 2 < size && data[i + 1] == 0x80 &&
			  (data[i + 2] == 0xa8 || data[i + 2] == 0xa9));
	memset(&e, 0xa5, sizeof(e));

	rc = deploy_parse(buf, size, c, &e);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM, "rc %d", rc);
	if (rc == 0) {
		check_conf(c);
	} else {
		FUZZ_CHECK(e.line >= 1 && e.line <= lines + 1,
			   "error line %d of %d: %s", e.line, lines, e.msg);
		FUZZ_CHECK(memchr(e.msg, '\0', sizeof(e.msg)) != NULL,
			   "error not terminated");
		FUZZ_CHECK(e.msg[0] != '\0', "empty error message");
		FUZZ_CHECK(strchr(e.msg, '\n') == NULL,
			   "error of more than one line: \"%s\"", e.msg);
	}
	deploy_conf_free(c);
	free(c);
	free(buf);
	return 0;
}
