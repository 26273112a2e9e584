/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* The command lines of the manager and of each NF instance of a
 * deployment (deploy_conf.h). */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deploy_conf.h"

struct vec {
	int n, cap, oom;
	char **v;
};

static void
vpush(struct vec *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
vpush(struct vec *v, const char *fmt, ...)
{
	va_list ap;
	char **nv, *s;
	int n;

	if (v->oom)
		return;
	if (v->n + 2 > v->cap) {
		int cap = v->cap ? v->cap * 2 : 32;

		nv = realloc(v->v, sizeof(*nv) * (size_t)cap);
		if (nv == NULL) {
			v->oom = 1;
			return;
		}
		v->v = nv;
		v->cap = cap;
	}
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		v->oom = 1;
		return;
	}
	v->v[v->n++] = s;
	v->v[v->n] = NULL;
}

static int
vdone(struct vec *v, struct deploy_argv *a)
{
	int i;

	if (v->oom) {
		for (i = 0; i < v->n; i++)
			free(v->v[i]);
		free(v->v);
		memset(a, 0, sizeof(*a));
		return -ENOMEM;
	}
	a->argc = v->n;
	a->argv = v->v;
	return 0;
}

void
deploy_argv_free(struct deploy_argv *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		free(a->argv[i]);
	free(a->argv);
	memset(a, 0, sizeof(*a));
}

static void
push_cpus(struct vec *v, const struct deploy_cpus *c)
{
	char buf[DEPLOY_MAX_CPUS * 6] = "";
	size_t n = 0;
	int i;

	for (i = 0; i < c->n; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%u", i ? "," : "",
			      c->cpu[i]);
	vpush(v, "-l");
	vpush(v, "%s", buf);
}

static int
has_opt(const struct deploy_list *l, const char *opt)
{
	size_t n = strlen(opt);
	int i;

	for (i = 0; i < l->n; i++)
		if (strncmp(l->v[i], opt, n) == 0 &&
		    (l->v[i][n] == '\0' || l->v[i][n] == '=' ||
		     (opt[1] != '-' && l->v[i][1] != '-')))
			return 1;
	return 0;
}

int
deploy_mgr_argv(const struct deploy_conf *c, const char *stats_json,
		struct deploy_argv *a)
{
	const struct deploy_mgr *m = &c->mgr;
	struct vec v = { 0 };
	char chain[ONVM_MAX_CHAIN * 4] = "";
	size_t n = 0;
	int i, pci = 0;

	vpush(&v, "%s", m->path ? m->path : m->exec ? m->exec : "onvm-mgr");
	push_cpus(&v, &m->lcores);
	vpush(&v, "--file-prefix=%s", m->file_prefix);
	for (i = 0; i < m->nb_ports; i++)
		pci |= m->port_pci[i];
	/* A secondary or primary that probes PCI takes every device it can;
	 * with no allow-list of the user's, the manager probes none. */
	if (!pci && !has_opt(&m->eal, "-a") && !has_opt(&m->eal, "--allow") &&
	    !has_opt(&m->eal, "--no-pci"))
		vpush(&v, "--no-pci");
	if (!has_opt(&m->eal, "--log-level"))
		vpush(&v, "--log-level=lib.eal:notice");
	for (i = 0; i < m->nb_ports; i++) {
		if (m->port_pci[i]) {
			vpush(&v, "-a");
			vpush(&v, "%s", m->port[i]);
		} else {
			vpush(&v, "--vdev=%s", m->port[i]);
		}
	}
	for (i = 0; i < m->eal.n; i++)
		vpush(&v, "%s", m->eal.v[i]);
	vpush(&v, "--");
	for (i = 0; i < m->chain.len; i++)
		n += snprintf(chain + n, sizeof(chain) - n, "%s%u",
			      i ? "," : "", m->chain.sid[i]);
	vpush(&v, "--chain");
	vpush(&v, "%s", chain);
	if (stats_json != NULL) {
		vpush(&v, "--stats-json");
		vpush(&v, "%s", stats_json);
	}
	if (m->has_stats_interval) {
		vpush(&v, "--stats-interval");
		vpush(&v, "%g", m->stats_interval);
	}
	if (m->restart != NULL) {
		vpush(&v, "--restart");
		vpush(&v, "%s", m->restart);
	}
	if (m->nf_tx)
		vpush(&v, "--nf-tx");
	if (m->nf_rx)
		vpush(&v, "--nf-rx");
	if (m->quiet)
		vpush(&v, "--quiet");
	if (m->no_wait)
		vpush(&v, "--no-wait");
	if (m->shared_core)
		vpush(&v, "--shared-core");
	/* The manager's default has room for 16. */
	if (c->max_total > 16) {
		vpush(&v, "--max-nfs");
		vpush(&v, "%d", c->max_total);
	}
	for (i = 0; i < c->nb_nfs; i++) {
		struct deploy_argv nfa;
		char line[DEPLOY_MAX_STR];

		if (c->nf[i].scale[0] == '\0')
			continue;
		vpush(&v, "--scale");
		vpush(&v, "%s", c->nf[i].scale);
		if (c->nf[i].scale_min != 0)
			continue;
		/* min 0: how the manager starts the first one */
		if (deploy_nf_argv(c, i, 0, &nfa) < 0) {
			v.oom = 1;
			continue;
		}
		deploy_argv_str(&nfa, line, sizeof(line));
		deploy_argv_free(&nfa);
		vpush(&v, "--launch");
		vpush(&v, "%u:%s", c->nf[i].service, line);
	}
	for (i = 0; i < c->nb_flows; i++) {
		vpush(&v, "--flow");
		vpush(&v, "%s", c->flow[i].rule);
	}
	for (i = 0; i < m->args.n; i++)
		vpush(&v, "%s", m->args.v[i]);
	return vdone(&v, a);
}

int
deploy_nf_argv(const struct deploy_conf *c, int spec, int k,
	       struct deploy_argv *a)
{
	const struct deploy_nf *nf = &c->nf[spec];
	struct vec v = { 0 };
	int i;

	vpush(&v, "%s", nf->path ? nf->path : nf->exec);
	if (nf->cores.n > 0) {
		vpush(&v, "-l");
		vpush(&v, "%u", nf->cores.cpu[k % nf->cores.n]);
	}
	for (i = 0; i < nf->eal.n; i++)
		vpush(&v, "%s", nf->eal.v[i]);
	vpush(&v, "--");
	vpush(&v, "-r");
	vpush(&v, "%u", nf->service);
	vpush(&v, "-n");
	vpush(&v, "%d", nf->first_id + k);
	vpush(&v, "--tag");
	vpush(&v, "%s", nf->name);
	vpush(&v, "--file-prefix");
	vpush(&v, "%s", c->mgr.file_prefix);
	if (nf->shared_core)
		vpush(&v, "--shared-core");
	for (i = 0; i < nf->args.n; i++)
		vpush(&v, "%s", nf->args.v[i]);
	return vdone(&v, a);
}

void
deploy_argv_str(const struct deploy_argv *a, char *out, size_t len)
{
	size_t n = 0;
	const char *s;
	int i;

	if (len == 0)
		return;
	out[0] = '\0';
	for (i = 0; i < a->argc && n + 1 < len; i++) {
		s = a->argv[i];
		if (i > 0)
			out[n++] = ' ';
		if (*s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				 "_-./=:,+@%") == strlen(s)) {
			n += (size_t)snprintf(out + n, len - n, "%s", s);
		} else {
			if (n + 1 < len)
				out[n++] = '\'';
			for (; *s != '\0' && n + 5 < len; s++) {
				if (*s == '\'') {
					memcpy(out + n, "'\\''", 4);
					n += 4;
				} else {
					out[n++] = *s;
				}
			}
			if (n + 1 < len)
				out[n++] = '\'';
		}
		if (n >= len)
			n = len - 1;
		out[n] = '\0';
	}
}
