/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* A deployment file -> struct deploy_conf: keys, types, ranges and the
 * rules across them (deploy_conf.h, docs/deploy.md). Every error names the
 * line of the node it is about. */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deploy_conf.h"
#include "deploy_yaml.h"
#include "mgr_scale_policy.h"
#include "onvm_flow.h"

struct pc {
	struct deploy_conf *c;
	struct deploy_err *e;
};

static int
perr(struct pc *p, int line, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
perr(struct pc *p, int line, const char *path, const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;

	p->e->line = line > 0 ? line : 1;
	p->e->msg[0] = '\0';
	if (path != NULL && *path != '\0')
		n = (size_t)snprintf(p->e->msg, sizeof(p->e->msg), "%.100s: ",
				     path);
	va_start(ap, fmt);
	vsnprintf(p->e->msg + n, sizeof(p->e->msg) - n, fmt, ap);
	va_end(ap);
	onvm_one_line(p->e->msg);
	return -EINVAL;
}

/* A user's value in a message: at most 40 bytes of it. */
static const char *
q(const char *s, char *buf, size_t len)
{
	if (strlen(s) <= 40)
		snprintf(buf, len, "%s", s);
	else
		snprintf(buf, len, "%.37s...", s);
	return buf;
}

/* ---------------------------------------------------------------- keys */

static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, cur, d[33];

	if (la > 32 || lb > 32)
		return 99;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = d[j];
			d[j] = a[i - 1] == b[j - 1] ? prev :
				1 + (prev < d[j - 1] ?
				     (prev < d[j] ? prev : d[j]) :
				     (d[j - 1] < d[j] ? d[j - 1] : d[j]));
			prev = cur;
		}
	}
	return d[lb];
}

/* @p map is a mapping whose keys are all in @p keys (NULL-terminated),
 * each given once. */
static int
check_keys(struct pc *p, const struct dy_node *map, const char *path,
	   const char *what, const char *const *keys)
{
	char b1[48], list[160];
	size_t i, j, best_d = 99, d;
	const char *best = NULL;
	int k;

	if (map->type != DY_MAP)
		return perr(p, map->line, path, "expected %s (key: value "
			    "lines), not %s", what, dy_type_name(map));
	for (i = 0; i < map->n; i++) {
		const struct dy_node *key = map->kid[2 * i];

		if (key->type != DY_SCALAR)
			return perr(p, key->line, path, "a key must be a "
				    "name, not %s", dy_type_name(key));
		for (k = 0; keys[k] != NULL; k++)
			if (strcmp(key->str, keys[k]) == 0)
				break;
		if (keys[k] == NULL) {
			list[0] = '\0';
			for (k = 0; keys[k] != NULL; k++) {
				d = edit_distance(key->str, keys[k]);
				if (d < best_d) {
					best_d = d;
					best = keys[k];
				}
				snprintf(list + strlen(list),
					 sizeof(list) - strlen(list), "%s%s",
					 k ? ", " : "", keys[k]);
			}
			if (best != NULL && best_d <= 2 &&
			    best_d < strlen(key->str))
				return perr(p, key->line, path, "unknown key "
					    "'%s' (did you mean '%s'?)",
					    q(key->str, b1, sizeof(b1)), best);
			return perr(p, key->line, path, "unknown key '%s' "
				    "(keys: %s)", q(key->str, b1, sizeof(b1)),
				    list);
		}
		for (j = 0; j < i; j++)
			if (strcmp(map->kid[2 * j]->str, key->str) == 0)
				return perr(p, key->line, path, "'%s' is given "
					    "twice (also on line %d)", key->str,
					    map->kid[2 * j]->line);
	}
	return 0;
}

/* ---------------------------------------------------------------- values */

static int
is_null(const struct dy_node *n)
{
	return n->type == DY_SCALAR && n->plain &&
	       (n->len == 0 || strcmp(n->str, "~") == 0 ||
		strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
		strcmp(n->str, "NULL") == 0);
}

static int
get_int(struct pc *p, const struct dy_node *n, const char *path, long min,
	long max, long *out)
{
	char b[48];
	char *end;
	long v;

	if (n->type != DY_SCALAR)
		return perr(p, n->line, path, "expected an integer (%ld..%ld), "
			    "not %s", min, max, dy_type_name(n));
	if (is_null(n))
		return perr(p, n->line, path, "needs a value (an integer, "
			    "%ld..%ld)", min, max);
	errno = 0;
	v = strtol(n->str, &end, 10);
	if (n->len != strlen(n->str) || end == n->str || *end != '\0' ||
	    isspace((unsigned char)n->str[0]))
		return perr(p, n->line, path, "'%s' is not an integer "
			    "(expected %ld..%ld)", q(n->str, b, sizeof(b)),
			    min, max);
	if (errno != 0 || v < min || v > max)
		return perr(p, n->line, path, "%s is out of range (%ld..%ld)",
			    q(n->str, b, sizeof(b)), min, max);
	*out = v;
	return 0;
}

static int
get_bool(struct pc *p, const struct dy_node *n, const char *path, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes",
		"Yes", "YES", "on", "On", "ON", NULL };
	static const char *const no[] = { "false", "False", "FALSE", "no",
		"No", "NO", "off", "Off", "OFF", NULL };
	char b[48];
	int i;

	if (n->type != DY_SCALAR)
		return perr(p, n->line, path, "expected true or false, not %s",
			    dy_type_name(n));
	for (i = 0; yes[i] != NULL; i++)
		if (strcmp(n->str, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
	for (i = 0; no[i] != NULL; i++)
		if (strcmp(n->str, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	return perr(p, n->line, path, "expected true or false, not '%s'",
		    q(n->str, b, sizeof(b)));
}

static int
get_seconds(struct pc *p, const struct dy_node *n, const char *path,
	    double min, double max, double *out)
{
	char b[48];
	char *end;
	double v;

	if (n->type != DY_SCALAR || is_null(n))
		return perr(p, n->line, path, "expected a number of seconds "
			    "(%g..%g)", min, max);
	errno = 0;
	v = strtod(n->str, &end);
	if (n->len != strlen(n->str) || end == n->str || *end != '\0' ||
	    isspace((unsigned char)n->str[0]) || errno != 0 || !isfinite(v))
		return perr(p, n->line, path, "'%s' is not a number of seconds",
			    q(n->str, b, sizeof(b)));
	if (v < min || v > max)
		return perr(p, n->line, path, "%s is out of range (%g..%g "
			    "seconds)", q(n->str, b, sizeof(b)), min, max);
	*out = v;
	return 0;
}

/* ${NAME} and ${NAME:-default} from the environment; $$ is a '$'. */
static int
expand(struct pc *p, const struct dy_node *n, const char *path, char **out)
{
	const char *s = n->str, *name, *val, *close, *def;
	size_t len = 0, nlen, vlen;
	char *buf, var[64], b[48];

	buf = malloc(DEPLOY_MAX_STR + 1);
	if (buf == NULL)
		return perr(p, n->line, path, "out of memory");
	while (*s != '\0') {
		if (s[0] != '$' || (s[1] != '$' && s[1] != '{')) {
			val = s;
			vlen = 1;
			s++;
		} else if (s[1] == '$') {
			val = "$";
			vlen = 1;
			s += 2;
		} else {
			name = s + 2;
			close = strchr(name, '}');
			if (close == NULL) {
				free(buf);
				return perr(p, n->line, path, "'${' without "
					    "its '}' (write $$ for a '$')");
			}
			nlen = strcspn(name, ":}");
			def = name[nlen] == ':' ? name + nlen : NULL;
			if (nlen == 0 || nlen >= sizeof(var) ||
			    (def != NULL && def[1] != '-') ||
			    isdigit((unsigned char)name[0])) {
				free(buf);
				return perr(p, n->line, path, "bad variable "
					    "'%s' (expected ${NAME} or "
					    "${NAME:-default})",
					    q(s, b, sizeof(b)));
			}
			memcpy(var, name, nlen);
			var[nlen] = '\0';
			for (vlen = 0; vlen < nlen; vlen++)
				if (!isalnum((unsigned char)var[vlen]) &&
				    var[vlen] != '_') {
					free(buf);
					return perr(p, n->line, path, "bad "
						    "variable name '%s'",
						    q(var, b, sizeof(b)));
				}
			val = getenv(var);
			if (val == NULL || (def != NULL && *val == '\0')) {
				if (def == NULL) {
					free(buf);
					return perr(p, n->line, path, "${%s} "
						    "is not set (give a default: "
						    "${%s:-VALUE})", var, var);
				}
				val = def + 2;
				vlen = (size_t)(close - val);
			} else {
				vlen = strlen(val);
			}
			s = close + 1;
		}
		if (len + vlen > DEPLOY_MAX_STR) {
			free(buf);
			return perr(p, n->line, path, "longer than %d bytes",
				    DEPLOY_MAX_STR);
		}
		memcpy(buf + len, val, vlen);
		len += vlen;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* A string value (scalar; ${VAR} expanded). */
static int
get_str(struct pc *p, const struct dy_node *n, const char *path, int empty_ok,
	char **out)
{
	int rc;

	if (n->type != DY_SCALAR)
		return perr(p, n->line, path, "expected a string, not %s",
			    dy_type_name(n));
	if (!empty_ok && is_null(n))
		return perr(p, n->line, path, "needs a value");
	if (n->len != strlen(n->str))
		return perr(p, n->line, path, "contains a NUL byte");
	if (n->len > DEPLOY_MAX_STR)
		return perr(p, n->line, path, "longer than %d bytes",
			    DEPLOY_MAX_STR);
	rc = expand(p, n, path, out);
	if (rc < 0)
		return rc;
	if (!empty_ok && **out == '\0') {
		free(*out);
		*out = NULL;
		return perr(p, n->line, path, "is empty");
	}
	return 0;
}

/* A name: letters, digits, '_', '.', '-', 1..max-1 bytes. */
static int
check_name(struct pc *p, int line, const char *path, const char *s,
	   size_t max, const char *what)
{
	char b[48];
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-' && s[i] != '.')
			return perr(p, line, path, "'%s' is not a %s (letters, "
				    "digits, '_', '-', '.')",
				    q(s, b, sizeof(b)), what);
	if (i == 0 || i >= max)
		return perr(p, line, path, "'%s' is not a %s of 1..%zu "
			    "characters", q(s, b, sizeof(b)), what, max - 1);
	return 0;
}

static int
get_list(struct pc *p, const struct dy_node *n, const char *path,
	 struct deploy_list *l)
{
	char ipath[96];
	size_t i;
	int rc;

	if (n->type != DY_SEQ)
		return perr(p, n->line, path, "expected a list of strings, "
			    "e.g. [--opt, value], not %s", dy_type_name(n));
	if (n->n > DEPLOY_MAX_ARGS)
		return perr(p, n->line, path, "more than %d strings",
			    DEPLOY_MAX_ARGS);
	for (i = 0; i < n->n; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		rc = get_str(p, n->kid[i], ipath, 1, &l->v[l->n]);
		if (rc < 0)
			return rc;
		l->line[l->n++] = n->kid[i]->line;
	}
	return 0;
}

/* An option the file sets elsewhere, given in an eal: or args: list. */
struct forbid {
	const char *opt;
	int eal;		/* EAL rules: long names may be abbreviated */
	const char *hint;
};

static int
opt_matches(const char *arg, const struct forbid *f)
{
	size_t n = strlen(f->opt), name;

	if (f->opt[1] != '-') /* short: "-l", "-l1" for the EAL */
		return strcmp(arg, f->opt) == 0 ||
		       (f->eal && strncmp(arg, f->opt, n) == 0 &&
			arg[1] != '-');
	if (strncmp(arg, "--", 2) != 0)
		return 0;
	name = strcspn(arg, "=");
	if (!f->eal)
		return name == n && strncmp(arg, f->opt, n) == 0;
	return name > 2 && name <= n && strncmp(arg, f->opt, name) == 0;
}

static int
check_forbidden(struct pc *p, const struct deploy_list *l, const char *path,
		const struct forbid *f)
{
	char b[48];
	int i, k;

	for (i = 0; i < l->n; i++)
		for (k = 0; f[k].opt != NULL; k++)
			if (opt_matches(l->v[i], &f[k]))
				return perr(p, l->line[i], path, "'%s' is not "
					    "allowed here: %s",
					    q(l->v[i], b, sizeof(b)), f[k].hint);
	return 0;
}

static int
add_cpu(struct pc *p, int line, const char *path, long v, int allow_dup,
	struct deploy_cpus *out)
{
	int i;

	if (!allow_dup)
		for (i = 0; i < out->n; i++)
			if (out->cpu[i] == v)
				return perr(p, line, path, "CPU %ld is listed "
					    "twice", v);
	if (out->n == DEPLOY_MAX_CPUS)
		return perr(p, line, path, "more than %d CPUs",
			    DEPLOY_MAX_CPUS);
	out->line[out->n] = line;
	out->cpu[out->n++] = (uint16_t)v;
	return 0;
}

/* "N", "N-M" or a comma-separated list of those, as the EAL's -l. */
static int
parse_cpu_str(struct pc *p, const struct dy_node *n, const char *path,
	      int allow_dup, struct deploy_cpus *out)
{
	const char *s = n->str;
	char b[48], *end;
	long lo, hi, v;
	int rc;

	for (;;) {
		if (!isdigit((unsigned char)*s))
			goto bad;
		errno = 0;
		lo = strtol(s, &end, 10);
		hi = lo;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				goto bad;
			hi = strtol(end + 1, &end, 10);
		}
		if (errno != 0 || lo > DEPLOY_MAX_CPU || hi > DEPLOY_MAX_CPU)
			return perr(p, n->line, path, "'%s': CPU ids are "
				    "0..%d", q(n->str, b, sizeof(b)),
				    DEPLOY_MAX_CPU);
		if (hi < lo)
			goto bad;
		for (v = lo; v <= hi; v++) {
			rc = add_cpu(p, n->line, path, v, allow_dup, out);
			if (rc < 0)
				return rc;
		}
		if (*end == '\0')
			return 0;
		if (*end != ',')
			goto bad;
		s = end + 1;
	}
bad:
	return perr(p, n->line, path, "'%s' is not a CPU list (e.g. 1, "
		    "\"0-1,3\" or [0, 1])", q(n->str, b, sizeof(b)));
}

static int
get_cpus(struct pc *p, const struct dy_node *n, const char *path,
	 int allow_dup, struct deploy_cpus *out)
{
	char ipath[96];
	long v;
	size_t i;
	int rc;

	if (n->type == DY_MAP)
		return perr(p, n->line, path, "expected a CPU list (e.g. 1, "
			    "\"0-1,3\" or [0, 1]), not a mapping");
	if (n->type == DY_SCALAR) {
		if (is_null(n))
			return perr(p, n->line, path, "needs a value (a CPU "
				    "list, e.g. 1, \"0-1,3\" or [0, 1])");
		if (n->len != strlen(n->str))
			return perr(p, n->line, path, "contains a NUL byte");
		return parse_cpu_str(p, n, path, allow_dup, out);
	}
	if (n->n == 0)
		return perr(p, n->line, path, "needs at least one CPU");
	for (i = 0; i < n->n; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		rc = get_int(p, n->kid[i], ipath, 0, DEPLOY_MAX_CPU, &v);
		if (rc < 0)
			return rc;
		rc = add_cpu(p, n->kid[i]->line, path, v, allow_dup, out);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A chain: a list of service ids (or one). */
static int
get_chain(struct pc *p, const struct dy_node *n, const char *path,
	  struct onvm_chain *ch)
{
	char ipath[96];
	long v;
	size_t i;
	int rc;

	ch->len = 0;
	if (n->type == DY_SCALAR && !is_null(n)) {
		rc = get_int(p, n, path, 1, ONVM_MAX_SERVICES - 1, &v);
		if (rc < 0)
			return rc;
		ch->sid[ch->len++] = (uint16_t)v;
		return 0;
	}
	if (n->type != DY_SEQ)
		return perr(p, n->line, path, "expected a list of service ids "
			    "(e.g. [1, 2, 3]), not %s", is_null(n) ?
			    "nothing" : dy_type_name(n));
	if (n->n == 0 || n->n > ONVM_MAX_CHAIN)
		return perr(p, n->line, path, "a chain has 1..%d services, "
			    "not %zu", ONVM_MAX_CHAIN, n->n);
	for (i = 0; i < n->n; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		rc = get_int(p, n->kid[i], ipath, 1, ONVM_MAX_SERVICES - 1, &v);
		if (rc < 0)
			return rc;
		ch->sid[ch->len++] = (uint16_t)v;
	}
	return 0;
}

/* ---------------------------------------------------------------- manager */

static const char *const mgr_keys[] = { "exec", "file_prefix", "lcores",
	"ports", "chain", "stats_interval", "stats_json", "restart", "nf_tx",
	"nf_rx", "quiet", "no_wait", "shared_core", "eal", "args", NULL };

static const struct forbid mgr_eal_forbid[] = {
	{ "-l", 1, "use manager.lcores" },
	{ "-c", 1, "use manager.lcores" },
	{ "--lcores", 1, "use manager.lcores" },
	{ "--file-prefix", 1, "use manager.file_prefix" },
	{ "--vdev", 1, "use manager.ports" },
	{ "--proc-type", 1, "the manager is the primary" },
	{ NULL, 0, NULL },
};

static const struct forbid mgr_args_forbid[] = {
	{ "--chain", 0, "use manager.chain" },
	{ "--stats-json", 0, "use manager.stats_json" },
	{ "--stats-interval", 0, "use manager.stats_interval" },
	{ "--restart", 0, "use manager.restart" },
	{ "--nf-tx", 0, "use manager.nf_tx" },
	{ "--nf-rx", 0, "use manager.nf_rx" },
	{ "--quiet", 0, "use manager.quiet" },
	{ "--no-wait", 0, "use manager.no_wait" },
	{ "--shared-core", 0, "use manager.shared_core" },
	{ "--flow", 0, "use flows" },
	{ "--max-nfs", 0, "onvm-deploy sets it from the NF instances" },
	{ "--duration", 0, "use onvm-deploy --duration" },
	{ NULL, 0, NULL },
};

/* [DOMAIN:]BUS:DEV.FN, e.g. 0000:3b:00.0 or 3b:00.0 (devargs may follow a
 * comma). */
static int
is_pci_addr(const char *s)
{
	size_t n = strcspn(s, ","), i;
	const char *pat;

	if (n == 12)
		pat = "xxxx:xx:xx.x";
	else if (n == 7)
		pat = "xx:xx.x";
	else
		return 0;
	for (i = 0; i < n; i++) {
		if (pat[i] == 'x' ? !isxdigit((unsigned char)s[i]) :
		    s[i] != pat[i])
			return 0;
	}
	return 1;
}

static int
parse_ports(struct pc *p, const struct dy_node *n, struct deploy_mgr *m)
{
	char path[64], b[48];
	size_t i, nl;
	int j, rc;

	if (n->type != DY_SEQ)
		return perr(p, n->line, "manager.ports", "expected a list of "
			    "ports (vdevs such as net_null0, or PCI addresses), "
			    "not %s", is_null(n) ? "nothing" : dy_type_name(n));
	if (n->n == 0 || n->n > ONVM_MAX_PORTS)
		return perr(p, n->line, "manager.ports", "the manager takes "
			    "1..%d ports, not %zu", ONVM_MAX_PORTS, n->n);
	for (i = 0; i < n->n; i++) {
		char *s;

		snprintf(path, sizeof(path), "manager.ports[%zu]", i);
		rc = get_str(p, n->kid[i], path, 0, &m->port[m->nb_ports]);
		if (rc < 0)
			return rc;
		s = m->port[m->nb_ports];
		m->port_line[m->nb_ports] = n->kid[i]->line;
		m->port_pci[m->nb_ports] = (uint8_t)is_pci_addr(s);
		m->nb_ports++;
		nl = strcspn(s, ",");
		if (!m->port_pci[m->nb_ports - 1]) {
			size_t k;

			if (!isalpha((unsigned char)s[0]))
				goto bad;
			for (k = 0; k < nl; k++)
				if (!isalnum((unsigned char)s[k]) && s[k] != '_')
					goto bad;
		}
		if (strpbrk(s, " \t") != NULL)
			return perr(p, n->kid[i]->line, path, "'%s' has a "
				    "space in it", q(s, b, sizeof(b)));
		for (j = 0; j < m->nb_ports - 1; j++)
			if (strncmp(m->port[j], s, nl) == 0 &&
			    strcspn(m->port[j], ",") == nl)
				return perr(p, n->kid[i]->line, path, "port "
					    "%.*s is given twice (also "
					    "manager.ports[%d])", (int)nl, s, j);
		continue;
bad:
		return perr(p, n->kid[i]->line, path, "'%s' is not a port: "
			    "expected a vdev (DRIVER[,KEY=VALUE...], e.g. "
			    "net_null0) or a PCI address (0000:3b:00.0)",
			    q(s, b, sizeof(b)));
	}
	return 0;
}

/* "N/SEC" as onvm-mgr --restart takes it. */
static int
check_restart(struct pc *p, const struct dy_node *n, const char *s)
{
	char buf[64], b[48], *slash, *end;
	unsigned long tries;
	double sec;

	if (strlen(s) < sizeof(buf)) {
		strcpy(buf, s);
		slash = strchr(buf, '/');
		if (slash != NULL) {
			*slash = '\0';
			errno = 0;
			sec = strtod(slash + 1, &end);
			if (onvm_parse_uint(buf, 1, 100, &tries) == 0 &&
			    end != slash + 1 && *end == '\0' && errno == 0 &&
			    isdigit((unsigned char)slash[1]) &&
			    sec >= 1 && sec <= 86400)
				return 0;
		}
	}
	return perr(p, n->line, "manager.restart", "'%s' is not N/SEC (at "
		    "most N restarts, 1..100, in SEC seconds, 1..86400; e.g. "
		    "\"3/10\")", q(s, b, sizeof(b)));
}

static int
parse_manager(struct pc *p, const struct dy_node *m_node)
{
	struct deploy_mgr *m = &p->c->mgr;
	const struct dy_node *n;
	char *s = NULL;
	int rc, j;

	rc = check_keys(p, m_node, "manager", "the manager's settings",
			mgr_keys);
	if (rc < 0)
		return rc;
	m->line = m_node->line;

	if ((n = dy_get(m_node, "exec")) != NULL) {
		rc = get_str(p, n, "manager.exec", 0, &m->exec);
		if (rc < 0)
			return rc;
		m->exec_line = n->line;
	}
	snprintf(m->file_prefix, sizeof(m->file_prefix), "%s",
		 ONVM_DEFAULT_PREFIX);
	if ((n = dy_get(m_node, "file_prefix")) != NULL) {
		rc = get_str(p, n, "manager.file_prefix", 0, &s);
		if (rc == 0)
			rc = check_name(p, n->line, "manager.file_prefix", s,
					ONVM_PREFIX_LEN, "file prefix");
		if (rc < 0) {
			free(s);
			return rc;
		}
		snprintf(m->file_prefix, sizeof(m->file_prefix), "%s", s);
		free(s);
		m->prefix_line = n->line;
	}
	if ((n = dy_get(m_node, "lcores")) != NULL) {
		rc = get_cpus(p, n, "manager.lcores", 0, &m->lcores);
		if (rc < 0)
			return rc;
		if (m->lcores.n > ONVM_MAX_MGR_LCORES)
			return perr(p, n->line, "manager.lcores", "%d lcores; "
				    "the manager uses at most %d", m->lcores.n,
				    ONVM_MAX_MGR_LCORES);
	} else {
		m->lcores.n = 1;
		m->lcores.cpu[0] = 0;
		m->lcores.line[0] = m->line;
	}

	n = dy_get(m_node, "ports");
	if (n == NULL)
		return perr(p, m->line, "manager", "missing 'ports' (e.g. "
			    "ports: [net_null0, net_null1])");
	rc = parse_ports(p, n, m);
	if (rc < 0)
		return rc;

	n = dy_get(m_node, "chain");
	if (n == NULL)
		return perr(p, m->line, "manager", "missing 'chain' (the "
			    "default chain by service id, e.g. chain: [1, 2])");
	rc = get_chain(p, n, "manager.chain", &m->chain);
	if (rc < 0)
		return rc;
	m->chain_line = n->line;

	if ((n = dy_get(m_node, "stats_interval")) != NULL) {
		rc = get_seconds(p, n, "manager.stats_interval", 0, 3600,
				 &m->stats_interval);
		if (rc < 0)
			return rc;
		if (m->stats_interval > 0 && m->stats_interval < 0.1)
			return perr(p, n->line, "manager.stats_interval",
				    "%s is out of range (0, or 0.1..3600 "
				    "seconds)", n->str);
		m->has_stats_interval = 1;
	}
	if ((n = dy_get(m_node, "stats_json")) != NULL) {
		rc = get_str(p, n, "manager.stats_json", 0, &m->stats_json);
		if (rc < 0)
			return rc;
	}
	if ((n = dy_get(m_node, "restart")) != NULL) {
		rc = get_str(p, n, "manager.restart", 0, &m->restart);
		if (rc < 0)
			return rc;
		rc = check_restart(p, n, m->restart);
		if (rc < 0)
			return rc;
	}
	if ((n = dy_get(m_node, "nf_tx")) != NULL &&
	    (rc = get_bool(p, n, "manager.nf_tx", &m->nf_tx)) < 0)
		return rc;
	if ((n = dy_get(m_node, "nf_rx")) != NULL &&
	    (rc = get_bool(p, n, "manager.nf_rx", &m->nf_rx)) < 0)
		return rc;
	if ((n = dy_get(m_node, "quiet")) != NULL &&
	    (rc = get_bool(p, n, "manager.quiet", &m->quiet)) < 0)
		return rc;
	if ((n = dy_get(m_node, "no_wait")) != NULL &&
	    (rc = get_bool(p, n, "manager.no_wait", &m->no_wait)) < 0)
		return rc;
	if ((n = dy_get(m_node, "shared_core")) != NULL &&
	    (rc = get_bool(p, n, "manager.shared_core", &m->shared_core)) < 0)
		return rc;
	if ((n = dy_get(m_node, "eal")) != NULL) {
		rc = get_list(p, n, "manager.eal", &m->eal);
		if (rc == 0)
			rc = check_forbidden(p, &m->eal, "manager.eal",
					     mgr_eal_forbid);
		if (rc < 0)
			return rc;
		for (j = 0; j < m->eal.n; j++) {
			int k;

			if (strcmp(m->eal.v[j], "--no-pci") != 0)
				continue;
			for (k = 0; k < m->nb_ports; k++)
				if (m->port_pci[k])
					return perr(p, m->eal.line[j],
						    "manager.eal", "--no-pci, but "
						    "manager.ports[%d] is a PCI "
						    "address", k);
		}
	}
	if ((n = dy_get(m_node, "args")) != NULL) {
		rc = get_list(p, n, "manager.args", &m->args);
		if (rc == 0)
			rc = check_forbidden(p, &m->args, "manager.args",
					     mgr_args_forbid);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---------------------------------------------------------------- NFs */

static const char *const nf_keys[] = { "name", "exec", "service",
	"instances", "cores", "shared_core", "eal", "args", "scale", NULL };

static const char *const scale_keys[] = { "min", "max", "high", "low",
	"for", "cooldown", "metric", "wait", NULL };

/* scale: a mapping of the manager's --scale keys, turned into its text
 * "SID:key=value,..." and checked by the manager's own parser. */
static int
parse_scale(struct pc *p, const struct dy_node *node, const char *base,
	    struct deploy_nf *nf)
{
	struct mgr_scale_policy pol;
	char path[64], err[200];
	size_t i, o;
	char *v = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s.scale", base);
	rc = check_keys(p, node, path, "a scaling policy (min:, max:, "
			"high:, low:, for:, cooldown:, metric:, wait:)",
			scale_keys);
	if (rc < 0)
		return rc;
	nf->scale_line = node->line;
	o = (size_t)snprintf(nf->scale, sizeof(nf->scale), "%u", nf->service);
	for (i = 0; i < node->n; i++) {
		const struct dy_node *k = node->kid[2 * i];
		const struct dy_node *val = node->kid[2 * i + 1];

		snprintf(path, sizeof(path), "%s.scale.%s", base, k->str);
		rc = get_str(p, val, path, 0, &v);
		if (rc < 0)
			return rc;
		if (strpbrk(v, ",:= ") != NULL) {
			rc = perr(p, val->line, path, "'%.40s' is not a value",
				  v);
			free(v);
			return rc;
		}
		o += (size_t)snprintf(nf->scale + o, o < sizeof(nf->scale) ?
				      sizeof(nf->scale) - o : 0, "%c%s=%s",
				      i ? ',' : ':', k->str, v);
		free(v);
		if (o >= sizeof(nf->scale))
			return perr(p, node->line, path, "too long");
	}
	if (mgr_scale_policy_parse(nf->scale, &pol, err, sizeof(err)) < 0) {
		/* "bad --scale 2: max=0 ..." -> "max=0 ..." */
		const char *why = strstr(err, ": ");

		snprintf(path, sizeof(path), "%s.scale", base);
		return perr(p, node->line, path, "%s",
			    why != NULL ? why + 2 : err);
	}
	nf->scale_min = pol.min;
	nf->scale_max = pol.max;
	return 0;
}

static const struct forbid nf_eal_forbid[] = {
	{ "-l", 1, "use cores" },
	{ "-c", 1, "use cores" },
	{ "--lcores", 1, "use cores" },
	{ "--file-prefix", 1, "NFs take manager.file_prefix" },
	{ "--proc-type", 1, "NFs are secondaries" },
	{ NULL, 0, NULL },
};

static const struct forbid nf_args_forbid[] = {
	{ "-r", 0, "use service" },
	{ "-n", 0, "onvm-deploy numbers the instances" },
	{ "--tag", 0, "use name" },
	{ "--shared-core", 0, "use shared_core" },
	{ "--file-prefix", 0, "NFs take manager.file_prefix" },
	{ NULL, 0, NULL },
};

static int
parse_nf(struct pc *p, const struct dy_node *node, int idx)
{
	struct deploy_nf *nf = &p->c->nf[idx];
	const struct dy_node *n;
	char path[64], base[24];
	const char *b;
	char *s = NULL;
	long v;
	int rc;

	snprintf(base, sizeof(base), "nfs[%d]", idx);
	rc = check_keys(p, node, base, "an NF (exec:, service:, ...)",
			nf_keys);
	if (rc < 0)
		return rc;
	nf->line = node->line;

	n = dy_get(node, "exec");
	if (n == NULL)
		return perr(p, nf->line, base, "missing 'exec' (the NF's "
			    "program, e.g. onvm-simple-forward)");
	snprintf(path, sizeof(path), "%s.exec", base);
	rc = get_str(p, n, path, 0, &nf->exec);
	if (rc < 0)
		return rc;
	nf->exec_line = n->line;

	if ((n = dy_get(node, "name")) != NULL) {
		snprintf(path, sizeof(path), "%s.name", base);
		rc = get_str(p, n, path, 0, &s);
		if (rc == 0)
			rc = check_name(p, n->line, path, s, ONVM_TAG_LEN,
					"name");
		if (rc < 0) {
			free(s);
			return rc;
		}
		snprintf(nf->name, sizeof(nf->name), "%s", s);
		free(s);
	} else {
		/* onvm-simple-forward -> simple-forward */
		b = strrchr(nf->exec, '/');
		b = b != NULL ? b + 1 : nf->exec;
		if (strncmp(b, "onvm-", 5) == 0 && b[5] != '\0')
			b += 5;
		snprintf(path, sizeof(path), "%s.exec", base);
		if (*b == '\0' || strlen(b) >= sizeof(nf->name) ||
		    strspn(b, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "0123456789_-.") != strlen(b))
			return perr(p, nf->exec_line, path, "'%.40s' is no name "
				    "(letters, digits, '_', '-', '.'; at most "
				    "%d); give one with name:", b,
				    ONVM_TAG_LEN - 1);
		snprintf(nf->name, sizeof(nf->name), "%s", b);
	}

	n = dy_get(node, "service");
	if (n == NULL)
		return perr(p, nf->line, base, "missing 'service' (its "
			    "service id, 1..%d)", ONVM_MAX_SERVICES - 1);
	snprintf(path, sizeof(path), "%s.service", base);
	rc = get_int(p, n, path, 1, ONVM_MAX_SERVICES - 1, &v);
	if (rc < 0)
		return rc;
	nf->service = (uint16_t)v;

	nf->instances = 1;
	if ((n = dy_get(node, "instances")) != NULL) {
		snprintf(path, sizeof(path), "%s.instances", base);
		rc = get_int(p, n, path, 1, ONVM_MAX_INSTANCES, &v);
		if (rc < 0)
			return rc;
		nf->instances = (uint16_t)v;
	}
	if ((n = dy_get(node, "cores")) != NULL) {
		snprintf(path, sizeof(path), "%s.cores", base);
		rc = get_cpus(p, n, path, 1, &nf->cores);
		if (rc < 0)
			return rc;
	}
	if ((n = dy_get(node, "shared_core")) != NULL) {
		snprintf(path, sizeof(path), "%s.shared_core", base);
		rc = get_bool(p, n, path, &nf->shared_core);
		if (rc < 0)
			return rc;
	}
	if ((n = dy_get(node, "eal")) != NULL) {
		snprintf(path, sizeof(path), "%s.eal", base);
		rc = get_list(p, n, path, &nf->eal);
		if (rc == 0)
			rc = check_forbidden(p, &nf->eal, path, nf_eal_forbid);
		if (rc < 0)
			return rc;
	}
	if ((n = dy_get(node, "args")) != NULL) {
		snprintf(path, sizeof(path), "%s.args", base);
		rc = get_list(p, n, path, &nf->args);
		if (rc == 0)
			rc = check_forbidden(p, &nf->args, path,
					     nf_args_forbid);
		if (rc < 0)
			return rc;
	}
	if ((n = dy_get(node, "scale")) != NULL) {
		rc = parse_scale(p, n, base, nf);
		if (rc < 0)
			return rc;
		/* min 0: started by the first packet, not by onvm-deploy */
		if (nf->scale_min == 0) {
			if (dy_get(node, "instances") != NULL) {
				snprintf(path, sizeof(path), "%s.instances",
					 base);
				return perr(p, dy_get(node, "instances")->line,
					    path, "with scale.min 0 the first "
					    "packet starts the NF; leave "
					    "instances out");
			}
			nf->instances = 0;
		} else if (nf->instances < nf->scale_min ||
			   nf->instances > nf->scale_max) {
			snprintf(path, sizeof(path), "%s.instances", base);
			return perr(p, nf->line, path, "%u is not within "
				    "scale.min %u .. scale.max %u",
				    nf->instances, nf->scale_min,
				    nf->scale_max);
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- flows */

static const char *const flow_keys[] = { "proto", "src", "sport", "dst",
	"dport", "in_port", "chain", NULL };

/* An IPv4 or IPv6 address: 4 or 6, or an error. */
static int
get_ip(struct pc *p, const struct dy_node *n, const char *path, char *out,
       size_t len)
{
	unsigned char addr[16];
	char b[48], *s = NULL;
	int rc, v6;

	rc = get_str(p, n, path, 0, &s);
	if (rc < 0)
		return rc;
	v6 = strchr(s, ':') != NULL;
	if (strlen(s) >= len ||
	    inet_pton(v6 ? AF_INET6 : AF_INET, s, addr) != 1) {
		rc = perr(p, n->line, path, "'%s' is not an IPv4 or IPv6 "
			  "address (a flow rule matches one address, e.g. "
			  "10.0.0.1 or 2001:db8::1)", q(s, b, sizeof(b)));
		free(s);
		return rc;
	}
	snprintf(out, len, "%s", s);
	free(s);
	return v6 ? 6 : 4;
}

/* proto: tcp, udp, sctp or 0..255; its number in @p num. */
static int
get_proto(struct pc *p, const struct dy_node *n, const char *path,
	  char *out, size_t len, long *num)
{
	static const struct { const char *name; long num; } named[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "sctp", 132 },
	};
	char b[48];
	size_t i;

	if (n->type == DY_SCALAR && !is_null(n) && n->len == strlen(n->str))
		for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
			if (strcmp(n->str, named[i].name) == 0) {
				snprintf(out, len, "%s", named[i].name);
				*num = named[i].num;
				return 0;
			}
	if (n->type == DY_SCALAR && isdigit((unsigned char)n->str[0])) {
		if (get_int(p, n, path, 0, 255, num) < 0)
			return -EINVAL;
		snprintf(out, len, "%ld", *num);
		return 0;
	}
	return perr(p, n->line, path, "'%s' is not tcp, udp, sctp or a "
		    "protocol number 0..255", n->type == DY_SCALAR ?
		    q(n->str, b, sizeof(b)) : dy_type_name(n));
}

static int
parse_flow(struct pc *p, const struct dy_node *node, int idx)
{
	static const char *const pkeys[] = { "sport", "dport" };
	struct deploy_flow *f = &p->c->flow[idx];
	const struct dy_node *n;
	char path[64], base[24], proto[8], src[48], dst[48], in[32] = "";
	long num = 0, v, port[2] = { 0, 0 };
	struct onvm_flow_rule rule;
	char ferr[160];
	int rc, i, len, vs, vd, l4;

	snprintf(base, sizeof(base), "flows[%d]", idx);
	rc = check_keys(p, node, base, "a flow rule (proto:, src:, ...)",
			flow_keys);
	if (rc < 0)
		return rc;
	f->line = node->line;
	f->in_port = -1;

	n = dy_get(node, "proto");
	if (n == NULL)
		return perr(p, f->line, base, "missing 'proto' (tcp, udp, "
			    "sctp or 0..255)");
	snprintf(path, sizeof(path), "%s.proto", base);
	rc = get_proto(p, n, path, proto, sizeof(proto), &num);
	if (rc < 0)
		return rc;
	l4 = num == 6 || num == 17 || num == 132;

	n = dy_get(node, "src");
	if (n == NULL)
		return perr(p, f->line, base, "missing 'src' (the source "
			    "address, e.g. 10.0.0.1)");
	snprintf(path, sizeof(path), "%s.src", base);
	vs = get_ip(p, n, path, src, sizeof(src));
	if (vs < 0)
		return vs;
	n = dy_get(node, "dst");
	if (n == NULL)
		return perr(p, f->line, base, "missing 'dst' (the destination "
			    "address, e.g. 10.0.0.2)");
	snprintf(path, sizeof(path), "%s.dst", base);
	vd = get_ip(p, n, path, dst, sizeof(dst));
	if (vd < 0)
		return vd;
	if (vd != vs)
		return perr(p, n->line, path, "%s is IPv%d and src IPv%d; give "
			    "both of one version", dst, vd, vs);

	for (i = 0; i < 2; i++) {
		n = dy_get(node, pkeys[i]);
		snprintf(path, sizeof(path), "%s.%s", base, pkeys[i]);
		if (n == NULL && l4)
			return perr(p, f->line, base, "missing '%s' (0..65535)",
				    pkeys[i]);
		if (n == NULL)
			continue;
		rc = get_int(p, n, path, 0, 65535, &port[i]);
		if (rc < 0)
			return rc;
		if (!l4 && port[i] != 0)
			return perr(p, n->line, path, "protocol %s has no "
				    "ports; leave %s out (or 0)", proto,
				    pkeys[i]);
	}
	if ((n = dy_get(node, "in_port")) != NULL) {
		snprintf(path, sizeof(path), "%s.in_port", base);
		rc = get_int(p, n, path, 0, ONVM_MAX_PORTS - 1, &v);
		if (rc < 0)
			return rc;
		if (v >= p->c->mgr.nb_ports)
			return perr(p, n->line, path, "port %ld does not exist "
				    "(manager.ports has %d: 0..%d)", v,
				    p->c->mgr.nb_ports, p->c->mgr.nb_ports - 1);
		f->in_port = (int)v;
		snprintf(in, sizeof(in), " in %ld", v);
	}
	n = dy_get(node, "chain");
	if (n == NULL)
		return perr(p, f->line, base, "missing 'chain' (the services "
			    "its packets go through, e.g. chain: [2, 3])");
	snprintf(path, sizeof(path), "%s.chain", base);
	rc = get_chain(p, n, path, &f->chain);
	if (rc < 0)
		return rc;

	len = snprintf(f->rule, sizeof(f->rule), "%s %s %ld %s %ld%s chain ",
		       proto, src, port[0], dst, port[1], in);
	for (i = 0; i < f->chain.len && len > 0 &&
	     (size_t)len < sizeof(f->rule); i++)
		len += snprintf(f->rule + len, sizeof(f->rule) - len, "%s%u",
				i ? "," : "", f->chain.sid[i]);
	if (len < 0 || (size_t)len >= sizeof(f->rule))
		return perr(p, f->line, base, "rule longer than %d bytes",
			    DEPLOY_RULE_LEN - 1);
	/* The manager's own parser has the last word on its --flow. */
	if (onvm_flow_rule_parse(f->rule, 1, &rule, ferr, sizeof(ferr)) < 0)
		return perr(p, f->line, base, "onvm-mgr would refuse --flow "
			    "'%s': %s", f->rule, ferr);
	return 0;
}

/* ---------------------------------------------------------------- across */

static const struct deploy_nf *
nf_of_service(const struct deploy_conf *c, uint16_t sid)
{
	int i;

	for (i = 0; i < c->nb_nfs; i++)
		if (c->nf[i].service == sid)
			return &c->nf[i];
	return NULL;
}

static int
check_chain_nfs(struct pc *p, const struct onvm_chain *ch, int line,
		const char *path)
{
	int i;

	for (i = 0; i < ch->len; i++)
		if (nf_of_service(p->c, ch->sid[i]) == NULL)
			return perr(p, line, path, "service %u has no NF (add "
				    "one with service: %u to nfs)",
				    ch->sid[i], ch->sid[i]);
	return 0;
}

static int
check_across(struct pc *p, const struct dy_node *nfs_node)
{
	struct deploy_conf *c = p->c;
	unsigned int per_svc[ONVM_MAX_SERVICES] = { 0 };
	char path[64];
	int i, j, id = 1, rc;

	c->total = 0;
	c->max_total = 0;
	for (i = 0; i < c->nb_nfs; i++) {
		struct deploy_nf *nf = &c->nf[i];
		const struct dy_node *n = nfs_node->kid[i];

		for (j = 0; j < i; j++)
			if (strcmp(c->nf[j].name, nf->name) == 0) {
				const struct dy_node *nn = dy_get(n, "name");

				snprintf(path, sizeof(path), "nfs[%d]%s", i,
					 nn ? ".name" : "");
				return perr(p, nn ? nn->line : nf->line, path,
					    "the name '%s' is also nfs[%d]'s; "
					    "give each NF a name of its own",
					    nf->name, j);
			}
		for (j = 0; j < i && nf->scale[0]; j++)
			if (c->nf[j].scale[0] && c->nf[j].service == nf->service) {
				snprintf(path, sizeof(path), "nfs[%d].scale", i);
				return perr(p, nf->scale_line, path, "service %u "
					    "has a policy already (nfs[%d]); one "
					    "per service", nf->service, j);
			}
		per_svc[nf->service] += nf->instances;
		if (per_svc[nf->service] > ONVM_MAX_INSTANCES) {
			snprintf(path, sizeof(path), "nfs[%d].instances", i);
			return perr(p, nf->line, path, "service %u would have "
				    "%u instances; at most %d", nf->service,
				    per_svc[nf->service], ONVM_MAX_INSTANCES);
		}
		c->total += nf->instances;
		c->max_total += nf->scale[0] ?
			(nf->instances > nf->scale_max ? nf->instances :
			 nf->scale_max) : nf->instances;
		if (c->max_total > ONVM_MAX_NFS && nf->scale[0]) {
			snprintf(path, sizeof(path), "nfs[%d].scale", i);
			return perr(p, nf->scale_line, path, "%d NF instances "
				    "at most by nfs[%d]; the manager runs at "
				    "most %d", c->max_total, i, ONVM_MAX_NFS);
		}
		if (c->total > ONVM_MAX_NFS)
			return perr(p, nf->line, "nfs", "%d NF instances "
				    "by nfs[%d]; the manager runs at most %d",
				    c->total, i, ONVM_MAX_NFS);
		nf->first_id = (uint16_t)id;
		id += nf->instances;
	}
	rc = check_chain_nfs(p, &c->mgr.chain, c->mgr.chain_line,
			     "manager.chain");
	if (rc < 0)
		return rc;
	for (i = 0; i < c->nb_flows; i++) {
		snprintf(path, sizeof(path), "flows[%d].chain", i);
		rc = check_chain_nfs(p, &c->flow[i].chain, c->flow[i].line,
				     path);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---------------------------------------------------------------- top */

static const char *const top_keys[] = { "manager", "nfs", "flows", NULL };

static int
parse_root(struct pc *p, const struct dy_node *root)
{
	const struct dy_node *n, *nfs;
	size_t i;
	int rc;

	if (root == NULL)
		return perr(p, 1, NULL, "empty file (expected manager: and "
			    "nfs:, see docs/deploy.md)");
	rc = check_keys(p, root, NULL, "a mapping with manager: and nfs:",
			top_keys);
	if (rc < 0)
		return rc;
	n = dy_get(root, "manager");
	if (n == NULL)
		return perr(p, root->line, NULL, "missing 'manager' (its ports "
			    "and default chain)");
	rc = parse_manager(p, n);
	if (rc < 0)
		return rc;

	nfs = dy_get(root, "nfs");
	if (nfs == NULL)
		return perr(p, root->line, NULL, "missing 'nfs' (the NFs to "
			    "start)");
	p->c->nfs_line = nfs->line;
	if (nfs->type != DY_SEQ)
		return perr(p, nfs->line, "nfs", "expected a list of NFs "
			    "(- exec: ..., service: ...), not %s",
			    is_null(nfs) ? "nothing" : dy_type_name(nfs));
	if (nfs->n == 0 || nfs->n > DEPLOY_MAX_SPECS)
		return perr(p, nfs->line, "nfs", "expected 1..%d NFs, not %zu",
			    DEPLOY_MAX_SPECS, nfs->n);
	for (i = 0; i < nfs->n; i++) {
		rc = parse_nf(p, nfs->kid[i], (int)i);
		p->c->nb_nfs = (int)i + 1;
		if (rc < 0)
			return rc;
	}

	n = dy_get(root, "flows");
	if (n != NULL && !is_null(n)) {
		if (n->type != DY_SEQ)
			return perr(p, n->line, "flows", "expected a list of "
				    "flow rules, not %s", dy_type_name(n));
		if (n->n > DEPLOY_MAX_FLOWS)
			return perr(p, n->line, "flows", "more than %d rules",
				    DEPLOY_MAX_FLOWS);
		p->c->flow = calloc(n->n ? n->n : 1, sizeof(*p->c->flow));
		if (p->c->flow == NULL)
			return perr(p, n->line, "flows", "out of memory");
		for (i = 0; i < n->n; i++) {
			rc = parse_flow(p, n->kid[i], (int)i);
			p->c->nb_flows = (int)i + 1;
			if (rc < 0)
				return rc;
		}
	}
	return check_across(p, nfs);
}

int
deploy_parse(const char *buf, size_t len, struct deploy_conf *c,
	     struct deploy_err *e)
{
	struct dy_node *root = NULL;
	struct pc p = { .c = c, .e = e };
	int rc;

	memset(c, 0, sizeof(*c));
	memset(e, 0, sizeof(*e));
	rc = dy_load(buf, len, &root, &e->line, e->msg, sizeof(e->msg));
	if (rc < 0) {
		onvm_one_line(e->msg);
		return rc;
	}
	rc = parse_root(&p, root);
	dy_free(root);
	return rc;
}

static void
list_free(struct deploy_list *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
}

void
deploy_conf_free(struct deploy_conf *c)
{
	int i;

	free(c->mgr.exec);
	free(c->mgr.path);
	for (i = 0; i < c->mgr.nb_ports; i++)
		free(c->mgr.port[i]);
	free(c->mgr.stats_json);
	free(c->mgr.restart);
	list_free(&c->mgr.eal);
	list_free(&c->mgr.args);
	for (i = 0; i < DEPLOY_MAX_SPECS; i++) {
		free(c->nf[i].exec);
		free(c->nf[i].path);
		list_free(&c->nf[i].eal);
		list_free(&c->nf[i].args);
	}
	free(c->flow);
	memset(c, 0, sizeof(*c));
}

int
deploy_load(const char *path, struct deploy_conf *c, char *err,
	    size_t errlen)
{
	struct deploy_err e;
	size_t len = 0, got;
	char *buf;
	FILE *f;
	int rc;

	memset(c, 0, sizeof(*c));
	f = fopen(path, "r");
	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "cannot read %s: %s", path,
			 strerror(errno));
		return rc;
	}
	buf = malloc(DY_MAX_INPUT + 1);
	if (buf == NULL) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	while ((got = fread(buf + len, 1, DY_MAX_INPUT + 1 - len, f)) > 0)
		len += got;
	if (ferror(f)) {
		rc = -errno;
		snprintf(err, errlen, "cannot read %s: %s", path,
			 strerror(errno));
		fclose(f);
		free(buf);
		return rc < 0 ? rc : -EIO;
	}
	fclose(f);
	rc = deploy_parse(buf, len, c, &e);
	free(buf);
	if (rc < 0)
		snprintf(err, errlen, "%s:%d: %s", path, e.line, e.msg);
	return rc;
}
