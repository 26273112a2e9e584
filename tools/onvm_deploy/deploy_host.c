/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* A parsed deployment file against this host: CPUs, executables, the file
 * prefix (deploy_conf.h). */

#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deploy_conf.h"
#include "onvm_runtime.h"

static int
herr(struct deploy_err *e, int line, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
herr(struct deploy_err *e, int line, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->line = line > 0 ? line : 1;
	onvm_one_line(e->msg);
	return rc;
}

/* A regular file we may execute? 0, -ENOENT or -EACCES. */
static int
exec_ok(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return -ENOENT;
	return access(path, X_OK) == 0 ? 0 : -EACCES;
}

static int
try_path(const char *dir, const char *name, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= outlen)
		return -ENAMETOOLONG;
	return exec_ok(out);
}

/* The meson build tree @p dir is in: the nearest of it and its two
 * parents with a build.ninja. */
static int
build_root(const char *dir, char *out, size_t outlen)
{
	char path[PATH_MAX], *slash;
	int up, n;

	n = snprintf(out, outlen, "%s", dir);
	if (n < 0 || (size_t)n >= outlen)
		return -ENAMETOOLONG;
	for (up = 0; up < 3; up++) {
		n = snprintf(path, sizeof(path), "%s/build.ninja", out);
		if (n > 0 && (size_t)n < sizeof(path) &&
		    access(path, F_OK) == 0)
			return 0;
		slash = strrchr(out, '/');
		if (slash == NULL || slash == out)
			break;
		*slash = '\0';
	}
	return -ENOENT;
}

int
deploy_find_exec(const char *name, const char *self_dir, char *out,
		 size_t outlen)
{
	static const char *const pats[] = { "%s/*/%s", "%s/*/*/%s" };
	char root[PATH_MAX], pat[PATH_MAX * 2];
	const char *path, *end;
	glob_t g;
	size_t i, k;
	int rc = -ENOENT, r;

	if (*name == '\0')
		return -ENOENT;
	if (strchr(name, '/') != NULL) {
		if (strlen(name) >= outlen)
			return -ENAMETOOLONG;
		strcpy(out, name);
		return exec_ok(name);
	}
	if (self_dir != NULL && try_path(self_dir, name, out, outlen) == 0)
		return 0;
	/* glob() would read a '*' or '?' of the name as a pattern */
	if (self_dir != NULL && strpbrk(name, "*?[\\") == NULL &&
	    build_root(self_dir, root, sizeof(root)) == 0) {
		for (k = 0; k < 2; k++) {
			snprintf(pat, sizeof(pat), pats[k], root, name);
			if (glob(pat, 0, NULL, &g) != 0)
				continue;
			for (i = 0; i < g.gl_pathc; i++)
				if (exec_ok(g.gl_pathv[i]) == 0 &&
				    strlen(g.gl_pathv[i]) < outlen) {
					strcpy(out, g.gl_pathv[i]);
					globfree(&g);
					return 0;
				}
			globfree(&g);
		}
	}
	path = getenv("PATH");
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path != '\0') {
		end = strchr(path, ':');
		if (end == NULL)
			end = path + strlen(path);
		snprintf(root, sizeof(root), "%.*s", (int)(end - path), path);
		r = try_path(root[0] ? root : ".", name, out, outlen);
		if (r == 0)
			return 0;
		if (r == -EACCES)
			rc = r;
		path = *end ? end + 1 : end;
	}
	return rc;
}

/* "0-1,4", the CPUs in @p set. */
static void
cpus_str(const cpu_set_t *set, char *out, size_t len)
{
	int cpu, start = -1;
	size_t n = 0;

	out[0] = '\0';
	for (cpu = 0; cpu <= CPU_SETSIZE; cpu++) {
		int in = cpu < CPU_SETSIZE && CPU_ISSET(cpu, set);

		if (in && start < 0)
			start = cpu;
		if (!in && start >= 0) {
			if (n < len)
				n += snprintf(out + n, len - n, "%s%d", n ? "," : "",
					      start);
			/* as taskset says it: 0,1 and 0-3 */
			if (cpu - 1 > start + 1 && n < len)
				n += snprintf(out + n, len - n, "-%d", cpu - 1);
			else if (cpu - 1 == start + 1 && n < len)
				n += snprintf(out + n, len - n, ",%d", cpu - 1);
			start = -1;
		}
	}
}

static int
check_cpus(const struct deploy_cpus *c, const cpu_set_t *set,
	   const char *path, struct deploy_err *e)
{
	char avail[128];
	int i;

	for (i = 0; i < c->n; i++)
		if (c->cpu[i] >= CPU_SETSIZE || !CPU_ISSET(c->cpu[i], set)) {
			cpus_str(set, avail, sizeof(avail));
			return herr(e, c->line[i], -EINVAL, "%s: CPU %u is not "
				    "available on this host (CPUs %s are)", path,
				    c->cpu[i], avail);
		}
	return 0;
}

static int
find(const char *name, int line, const char *path, const char *self_dir,
     char **out, struct deploy_err *e)
{
	char buf[PATH_MAX];
	int rc;

	rc = deploy_find_exec(name, self_dir, buf, sizeof(buf));
	if (rc == -EACCES)
		return herr(e, line, rc, "%s: '%.60s' is not executable", path,
			    name);
	if (rc < 0 && strchr(name, '/') != NULL)
		return herr(e, line, rc, "%s: '%.60s' not found", path, name);
	if (rc < 0)
		return herr(e, line, rc, "%s: '%.60s' not found (looked next "
			    "to onvm-deploy, in its build tree and in PATH)",
			    path, name);
	*out = strdup(buf);
	return *out != NULL ? 0 : herr(e, line, -ENOMEM, "out of memory");
}

int
deploy_check_host(struct deploy_conf *c, const char *self_dir,
		  struct deploy_err *e)
{
	char path[48];
	cpu_set_t set;
	int i, rc;

	memset(e, 0, sizeof(*e));
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return herr(e, 1, -errno, "cannot read this process's CPUs: %s",
			    strerror(errno));
	rc = check_cpus(&c->mgr.lcores, &set, "manager.lcores", e);
	if (rc < 0)
		return rc;
	for (i = 0; i < c->nb_nfs; i++) {
		snprintf(path, sizeof(path), "nfs[%d].cores", i);
		rc = check_cpus(&c->nf[i].cores, &set, path, e);
		if (rc < 0)
			return rc;
	}

	free(c->mgr.path);
	c->mgr.path = NULL;
	rc = find(c->mgr.exec ? c->mgr.exec : "onvm-mgr",
		  c->mgr.exec ? c->mgr.exec_line : c->mgr.line,
		  c->mgr.exec ? "manager.exec" : "manager", self_dir,
		  &c->mgr.path, e);
	if (rc < 0)
		return rc;
	for (i = 0; i < c->nb_nfs; i++) {
		snprintf(path, sizeof(path), "nfs[%d].exec", i);
		free(c->nf[i].path);
		c->nf[i].path = NULL;
		rc = find(c->nf[i].exec, c->nf[i].exec_line, path, self_dir,
			  &c->nf[i].path, e);
		if (rc < 0)
			return rc;
	}

	if (onvm_primary_alive(c->mgr.file_prefix))
		return herr(e, c->mgr.prefix_line ? c->mgr.prefix_line :
			    c->mgr.line, -EBUSY, "%s: file prefix '%s' is in "
			    "use by a running DPDK primary (another onvm-mgr?); "
			    "give another file_prefix", c->mgr.prefix_line ?
			    "manager.file_prefix" : "manager",
			    c->mgr.file_prefix);
	return 0;
}
