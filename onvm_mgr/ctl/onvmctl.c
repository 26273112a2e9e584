/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* onvmctl: runtime control of a running onvm-mgr, without the EAL.
 *
 * It talks to the manager over the DPDK telemetry socket the manager's EAL
 * already opens (<runtime dir>/dpdk_telemetry.v2, SOCK_SEQPACKET): read the
 * greeting, send "/onvm/cmd,params", read one JSON reply per request. The
 * manager's side is onvm_mgr/mgr_ctl.c; docs/onvmctl.md says why this
 * channel and what each command returns. */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_args.h"
#include "ctl_json.h"
#include "onvm_chain.h"
#include "onvm_runtime.h"

#define CTL_PROG "onvmctl"
#define CTL_SOCK_NAME "dpdk_telemetry.v2"
#define CTL_MIN_REPLY (16 * 1024)	/* DPDK 22.11's MAX_OUTPUT_LEN */
#define CTL_STOP_POLL_NS 50000000ULL	/* stop: look every 50 ms */
#define CTL_MAX_PAGES 4096	/* of flow rules: 400k rules at least */

struct ctl_conn {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char where[160];	/* file prefix "P", or socket PATH */
	char *buf;
	size_t buflen;
	long mgr_pid;
	const struct ctl_opts *o;
};

/* Print "onvmctl: ..." on one line and exit 1. */
static void __attribute__((noreturn, format(printf, 1, 2)))
ctl_die(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	onvm_one_line(msg);
	fflush(stdout);
	fprintf(stderr, "%s: %s\n", CTL_PROG, msg);
	exit(1);
}

static uint64_t
ctl_deadline(const struct ctl_opts *o)
{
	return onvm_now_ns() + (uint64_t)(o->timeout * 1e9);
}

static void
ctl_connect(struct ctl_conn *c, const struct ctl_opts *o)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv;
	char dir[PATH_MAX];
	size_t len;
	ssize_t n;
	struct ctl_json *g;
	const struct ctl_json *pid;
	int64_t v;

	c->o = o;
	if (o->socket != NULL) {
		len = (size_t)snprintf(c->path, sizeof(c->path), "%s",
				       o->socket);
		snprintf(c->where, sizeof(c->where), "socket %s", o->socket);
	} else {
		onvm_runtime_dir(o->prefix, dir, sizeof(dir));
		len = (size_t)snprintf(c->path, sizeof(c->path), "%s/%s", dir,
				       CTL_SOCK_NAME);
		snprintf(c->where, sizeof(c->where), "file prefix \"%s\"",
			 o->prefix);
	}
	if (len >= sizeof(c->path))
		ctl_die("socket path too long: %s", c->path);
	memcpy(sun.sun_path, c->path, len + 1);

	c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		ctl_die("cannot create a socket: %s", strerror(errno));
	tv.tv_sec = (time_t)o->timeout;
	tv.tv_usec = (suseconds_t)((o->timeout - (double)tv.tv_sec) * 1e6);
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		if ((errno == ENOENT || errno == ECONNREFUSED) &&
		    o->socket == NULL && onvm_primary_alive(o->prefix))
			ctl_die("the DPDK primary on %s has no telemetry socket "
				"(started with --no-telemetry?)", c->where);
		if (errno == ENOENT || errno == ECONNREFUSED)
			ctl_die("no manager on %s (is onvm-mgr running?)",
				c->where);
		ctl_die("cannot connect to %s: %s", c->path, strerror(errno));
	}

	/* The greeting: {"version": ..., "pid": N, "max_output_len": N} */
	c->buflen = CTL_MIN_REPLY + 1;
	c->buf = malloc(c->buflen);
	if (c->buf == NULL)
		ctl_die("out of memory");
	n = recv(c->fd, c->buf, c->buflen - 1, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		ctl_die("no greeting from the DPDK process on %s within %g s",
			c->where, o->timeout);
	if (n <= 0)
		ctl_die("the DPDK process on %s closed the connection (too many "
			"telemetry clients?)", c->where);
	g = ctl_json_parse(c->buf, (size_t)n, dir, sizeof(dir));
	pid = ctl_json_get(g, "pid");
	if (g == NULL || ctl_json_int(pid, &v) < 0)
		ctl_die("%s is not a DPDK telemetry socket (greeting '%.60s')",
			c->path, c->buf);
	c->mgr_pid = (long)v;
	if (ctl_json_int(ctl_json_get(g, "max_output_len"), &v) == 0 &&
	    v > CTL_MIN_REPLY && v < (1 << 26)) {
		c->buflen = (size_t)v + 1;
		free(c->buf);
		c->buf = malloc(c->buflen);
		if (c->buf == NULL)
			ctl_die("out of memory");
	}
	ctl_json_free(g);
}

/* Send one request, read its reply. @return the reply (free it) and, in
 * *val, its value; exits on any error, with the manager's own message for
 * an {"error": ...} reply. */
static struct ctl_json *
ctl_call(struct ctl_conn *c, const char *cmd, const char *param,
	 const struct ctl_json **val)
{
	char req[CTL_REQ_MAX + 2], err[128];
	struct ctl_json *root;
	const struct ctl_json *v, *e;
	size_t len;
	ssize_t n;

	len = (size_t)snprintf(req, sizeof(req), "%s%s%s", cmd,
			       param[0] ? "," : "", param);
	if (len > CTL_REQ_MAX)
		ctl_die("request too long for DPDK telemetry (%zu bytes, at "
			"most %d)", len, CTL_REQ_MAX);
	if (send(c->fd, req, len, MSG_NOSIGNAL) < 0)
		ctl_die("cannot send to the manager on %s: %s", c->where,
			strerror(errno));
	n = recv(c->fd, c->buf, c->buflen - 1, MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		ctl_die("no reply from the manager on %s within %g s", c->where,
			c->o->timeout);
	if (n < 0)
		ctl_die("cannot read from the manager on %s: %s", c->where,
			strerror(errno));
	if (n == 0)
		ctl_die("the manager on %s closed the connection (did it "
			"stop?)", c->where);
	if ((size_t)n >= c->buflen)
		ctl_die("reply to %s too long (%zd bytes)", cmd, n);
	c->buf[n] = '\0';
	root = ctl_json_parse(c->buf, (size_t)n, err, sizeof(err));
	if (root == NULL)
		ctl_die("bad reply to %s: %s", cmd, err);
	v = ctl_json_get(root, cmd);
	if (root->n != 1 || v == NULL)
		ctl_die("bad reply to %s: '%.60s'", cmd, c->buf);
	if (v->type == CTL_JSON_NULL)
		ctl_die("the DPDK process on %s (pid %ld) does not know %s: "
			"not onvm-mgr, or an older one", c->where, c->mgr_pid,
			cmd);
	e = ctl_json_get(v, "error");
	if (e != NULL && e->type == CTL_JSON_STR)
		ctl_die("%s", e->str);
	if (v->type != CTL_JSON_OBJ)
		ctl_die("bad reply to %s: '%.60s'", cmd, c->buf);
	*val = v;
	return root;
}

/* ------------------------------------------------------------ tables */

#define CTL_MAX_COLS 12

struct ctl_table {
	unsigned int ncol;
	const char *head[CTL_MAX_COLS];
	int left[CTL_MAX_COLS];	/* left-aligned (text), else right */
	char **cells;		/* nrow * ncol */
	size_t nrow, cap;
};

static void
table_init(struct ctl_table *t, const char *cols)
{
	/* "NAME<" is left-aligned, "RX" right-aligned; space-separated */
	static char buf[256];
	char *tok, *save = NULL;

	memset(t, 0, sizeof(*t));
	snprintf(buf, sizeof(buf), "%s", cols);
	for (tok = strtok_r(buf, " ", &save); tok != NULL &&
	     t->ncol < CTL_MAX_COLS; tok = strtok_r(NULL, " ", &save)) {
		size_t l = strlen(tok);

		t->left[t->ncol] = tok[l - 1] == '<';
		if (t->left[t->ncol])
			tok[l - 1] = '\0';
		t->head[t->ncol++] = tok;
	}
}

/* Add a row: ncol strings (copied, control characters replaced). */
static void
table_row(struct ctl_table *t, ...)
{
	va_list ap;
	unsigned int i;
	char *s;

	if (t->nrow == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->cells = realloc(t->cells, t->cap * t->ncol * sizeof(char *));
		if (t->cells == NULL)
			ctl_die("out of memory");
	}
	va_start(ap, t);
	for (i = 0; i < t->ncol; i++) {
		s = strdup(va_arg(ap, const char *));
		if (s == NULL)
			ctl_die("out of memory");
		onvm_one_line(s);
		t->cells[t->nrow * t->ncol + i] = s;
	}
	va_end(ap);
	t->nrow++;
}

static void
table_print(struct ctl_table *t)
{
	size_t w[CTL_MAX_COLS], r, l;
	unsigned int i;

	for (i = 0; i < t->ncol; i++)
		w[i] = strlen(t->head[i]);
	for (r = 0; r < t->nrow; r++)
		for (i = 0; i < t->ncol; i++) {
			l = strlen(t->cells[r * t->ncol + i]);
			if (l > w[i])
				w[i] = l;
		}
	for (r = 0; r <= t->nrow; r++) {
		for (i = 0; i < t->ncol; i++) {
			const char *s = r == 0 ? t->head[i] :
				t->cells[(r - 1) * t->ncol + i];
			int last = i + 1 == t->ncol;

			if (t->left[i])
				printf("%-*s", last ? 0 : (int)w[i], s);
			else
				printf("%*s", (int)w[i], s);
			printf(last ? "\n" : "  ");
		}
	}
	for (r = 0; r < t->nrow * t->ncol; r++)
		free(t->cells[r]);
	free(t->cells);
}

/* A member as text: a string, a number as written, an array joined by
 * commas ("-" if empty or missing). Into @p buf. */
static const char *
txt(const struct ctl_json *obj, const char *key, char *buf, size_t len)
{
	const struct ctl_json *v = ctl_json_get(obj, key), *m;
	size_t off = 0;

	if (v == NULL)
		return "-";
	switch (v->type) {
	case CTL_JSON_STR:
		return v->str[0] ? v->str : "-";
	case CTL_JSON_NUM:
		return v->str;
	case CTL_JSON_ARR:
		if (v->n == 0)
			return "-";
		buf[0] = '\0';
		for (m = v->child; m != NULL && off < len; m = m->next)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						m == v->child ? "" : ",",
						m->str != NULL ? m->str : "?");
		return buf;
	default:
		return "-";
	}
}

/* ------------------------------------------------------------ commands */

static void
print_json(const struct ctl_json *v)
{
	ctl_json_write(stdout, v);
	putchar('\n');
}

static int
cmd_ports(struct ctl_conn *c)
{
	const struct ctl_json *v, *p;
	struct ctl_json *root = ctl_call(c, CTL_CMD_PORTS, "", &v);
	char b[9][64];
	struct ctl_table t;

	if (c->o->json) {
		print_json(v);
		ctl_json_free(root);
		return 0;
	}
	table_init(&t, "PORT NAME< DRIVER< RX TX DROPS RX_MISSED RX_NOMBUF "
		   "TX_FULL RX_BY<");
	for (p = v->child; p != NULL; p = p->next)
		table_row(&t, p->key, txt(p, "name", b[0], 64),
			  txt(p, "driver", b[1], 64), txt(p, "rx", b[2], 64),
			  txt(p, "tx", b[3], 64), txt(p, "drops", b[4], 64),
			  txt(p, "rx_missed", b[5], 64),
			  txt(p, "rx_nombuf", b[6], 64),
			  txt(p, "tx_full", b[7], 64),
			  txt(p, "rx_by", b[8], 64));
	table_print(&t);
	ctl_json_free(root);
	return 0;
}

static int
cmd_nfs(struct ctl_conn *c)
{
	const struct ctl_json *v, *p;
	struct ctl_json *root = ctl_call(c, CTL_CMD_NFS, "", &v);
	char b[11][64];
	struct ctl_table t;
	const char *state;
	int64_t req;

	if (c->o->json) {
		print_json(v);
		ctl_json_free(root);
		return 0;
	}
	table_init(&t, "SLOT SERVICE INSTANCE NAME< TAG< PID STATE< CPU RX TX "
		   "DROPS");
	for (p = v->child; p != NULL; p = p->next) {
		state = txt(p, "state", b[5], 64);
		if (strcmp(state, "running") == 0 &&
		    ctl_json_int(ctl_json_get(p, "stop_requested"), &req) == 0 &&
		    req != 0)
			state = "stop-requested";
		table_row(&t, p->key, txt(p, "service", b[0], 64),
			  txt(p, "instance", b[1], 64), txt(p, "name", b[2], 64),
			  txt(p, "tag", b[3], 64), txt(p, "pid", b[4], 64),
			  state, txt(p, "cpu", b[6], 64), txt(p, "rx", b[7], 64),
			  txt(p, "tx", b[8], 64), txt(p, "drops", b[9], 64));
	}
	table_print(&t);
	ctl_json_free(root);
	return 0;
}

static int
cmd_services(struct ctl_conn *c)
{
	const struct ctl_json *v, *p;
	struct ctl_json *root = ctl_call(c, CTL_CMD_SERVICES, "", &v);
	char b[4][256];
	struct ctl_table t;
	int64_t pos, mn, mx, out, in, val;
	int scaling;

	if (c->o->json) {
		print_json(v);
		ctl_json_free(root);
		return 0;
	}
	/* A SCALE column only if a service scales (--scale) */
	for (p = v->child; p != NULL; p = p->next)
		if (ctl_json_get(p, "scale_min") != NULL)
			break;
	scaling = p != NULL;
	table_init(&t, scaling ? "SERVICE INSTANCES< SLOTS< CHAIN_POS SCALE<" :
		   "SERVICE INSTANCES< SLOTS< CHAIN_POS");
	for (p = v->child; p != NULL; p = p->next) {
		if (ctl_json_int(ctl_json_get(p, "chain_pos"), &pos) < 0 ||
		    pos < 0)
			snprintf(b[2], sizeof(b[2]), "-");
		else
			snprintf(b[2], sizeof(b[2]), "%d", (int)pos + 1);
		/* "1..4 at 37 %, +2 -1": its range, metric, decisions */
		if (ctl_json_int(ctl_json_get(p, "scale_min"), &mn) < 0 ||
		    ctl_json_int(ctl_json_get(p, "scale_max"), &mx) < 0 ||
		    ctl_json_int(ctl_json_get(p, "scale_value"), &val) < 0 ||
		    ctl_json_int(ctl_json_get(p, "scale_out"), &out) < 0 ||
		    ctl_json_int(ctl_json_get(p, "scale_in"), &in) < 0)
			snprintf(b[3], sizeof(b[3]), "-");
		else
			snprintf(b[3], sizeof(b[3]), "%d..%d at %d %%, +%d -%d",
				 (int)mn, (int)mx, (int)val, (int)out, (int)in);
		if (scaling)
			table_row(&t, p->key, txt(p, "instances", b[0], 256),
				  txt(p, "slots", b[1], 256), b[2], b[3]);
		else
			table_row(&t, p->key, txt(p, "instances", b[0], 256),
				  txt(p, "slots", b[1], 256), b[2]);
	}
	table_print(&t);
	ctl_json_free(root);
	return 0;
}

static int
cmd_chain(struct ctl_conn *c)
{
	const struct ctl_json *v;
	struct ctl_json *root = ctl_call(c, CTL_CMD_CHAIN, "", &v);
	char b[256];

	if (c->o->json)
		print_json(v);
	else
		printf("default chain: %s\n", txt(v, "default", b, sizeof(b)));
	ctl_json_free(root);
	return 0;
}

/* Is the NF of @p slot with @p pid still listed? */
static int
nf_listed(struct ctl_conn *c, const char *slot, const char *pid)
{
	const struct ctl_json *v, *p;
	struct ctl_json *root = ctl_call(c, CTL_CMD_NFS, "", &v);
	char b[32];
	int found;

	p = ctl_json_get(v, slot);
	found = p != NULL && strcmp(txt(p, "pid", b, sizeof(b)), pid) == 0;
	ctl_json_free(root);
	return found;
}

static int
cmd_stop(struct ctl_conn *c)
{
	const struct ctl_json *v;
	struct ctl_json *root = ctl_call(c, CTL_CMD_NF_STOP, c->o->param, &v);
	char slot[32], pid[32], name[64], svc[32], inst[32], what[256];
	uint64_t end = ctl_deadline(c->o);
	struct timespec ts = { 0, CTL_STOP_POLL_NS };

	snprintf(slot, sizeof(slot), "%s", txt(v, "slot", what, 32));
	snprintf(pid, sizeof(pid), "%s", txt(v, "pid", what, 32));
	snprintf(name, sizeof(name), "%s", txt(v, "name", what, 64));
	snprintf(svc, sizeof(svc), "%s", txt(v, "service", what, 32));
	snprintf(inst, sizeof(inst), "%s", txt(v, "instance", what, 32));
	snprintf(what, sizeof(what), "%s (service %s, instance %s, slot %s, "
		 "pid %s)", name, svc, inst, slot, pid);
	if (c->o->json)
		print_json(v);
	ctl_json_free(root);
	if (c->o->no_wait) {
		if (!c->o->json)
			printf("asked %s to stop\n", what);
		return 0;
	}
	while (nf_listed(c, slot, pid)) {
		if (onvm_now_ns() >= end)
			ctl_die("%s was asked to stop but has not left after "
				"%g s (stalled? see onvmctl nfs)", what,
				c->o->timeout);
		nanosleep(&ts, NULL);
	}
	if (!c->o->json)
		printf("stopped %s\n", what);
	return 0;
}

/* One page of /onvm/flows: {"total", "start", "count", "next", "match",
 * "chain", "hits"}, the last three arrays of "count" entries. Checked. */
static void
flows_page_check(const struct ctl_json *v, int64_t start, int64_t *total,
		 int64_t *next)
{
	const struct ctl_json *m = ctl_json_get(v, "match");
	const struct ctl_json *ch = ctl_json_get(v, "chain");
	const struct ctl_json *h = ctl_json_get(v, "hits");
	int64_t st, count;

	if (ctl_json_int(ctl_json_get(v, "total"), total) < 0 ||
	    ctl_json_int(ctl_json_get(v, "start"), &st) < 0 ||
	    ctl_json_int(ctl_json_get(v, "count"), &count) < 0 ||
	    ctl_json_int(ctl_json_get(v, "next"), next) < 0 ||
	    m == NULL || ch == NULL || h == NULL || m->type != CTL_JSON_ARR ||
	    ch->type != CTL_JSON_ARR || h->type != CTL_JSON_ARR)
		ctl_die("bad reply to %s: fields missing", CTL_CMD_FLOWS);
	if (st != start || count < 0 || (size_t)count != m->n ||
	    m->n != ch->n || m->n != h->n)
		ctl_die("reply to %s truncated or inconsistent: %lld rule(s) "
			"announced, %zu received", CTL_CMD_FLOWS,
			(long long)count, m->n);
	if (*next != -1 && *next <= start)
		ctl_die("bad reply to %s: next page %lld after %lld",
			CTL_CMD_FLOWS, (long long)*next, (long long)start);
}

/* Every rule, page by page. The table may change between two pages: if
 * its size changes, start over (a few times). */
static int
cmd_flows(struct ctl_conn *c)
{
	static struct ctl_json *pages[CTL_MAX_PAGES];
	const struct ctl_json *v, *m, *ch, *h;
	int64_t start, total, total0 = -1, next;
	static const char *const flow_cols[] = { "match", "chain", "hits" };
	unsigned int np = 0, i, tries, col;
	struct ctl_table t;
	char param[32];
	int first;

	for (tries = 0; tries < 5; tries++) {
		for (i = 0; i < np; i++)
			ctl_json_free(pages[i]);
		np = 0;
		total0 = -1;
		for (start = 0; start != -1; start = next) {
			if (np == sizeof(pages) / sizeof(pages[0]))
				ctl_die("too many pages of flow rules");
			snprintf(param, sizeof(param), "%lld", (long long)start);
			pages[np++] = ctl_call(c, CTL_CMD_FLOWS, param, &v);
			flows_page_check(v, start, &total, &next);
			if (total0 >= 0 && total != total0)
				break;
			total0 = total;
		}
		if (start == -1)
			break;
	}
	if (tries == 5)
		ctl_die("the flow table kept changing while it was read; try "
			"again");

	if (c->o->json) {
		/* the pages as one: {"total", "match", "chain", "hits"} */
		printf("{\"total\": %lld", (long long)total0);
		for (col = 0; col < sizeof(flow_cols) / sizeof(flow_cols[0]); col++) {
			printf(", \"%s\": [", flow_cols[col]);
			first = 1;
			for (i = 0; i < np; i++) {
				v = ctl_json_get(pages[i], CTL_CMD_FLOWS);
				for (m = ctl_json_get(v, flow_cols[col])->child;
				     m != NULL; m = m->next, first = 0) {
					if (!first)
						fputs(", ", stdout);
					ctl_json_write(stdout, m);
				}
			}
			putchar(']');
		}
		printf("}\n");
	} else if (total0 == 0) {
		printf("no flow rule: every packet takes the default chain\n");
	} else {
		table_init(&t, "MATCH< CHAIN< HITS");
		for (i = 0; i < np; i++) {
			v = ctl_json_get(pages[i], CTL_CMD_FLOWS);
			m = ctl_json_get(v, "match")->child;
			ch = ctl_json_get(v, "chain")->child;
			h = ctl_json_get(v, "hits")->child;
			for (; m != NULL && ch != NULL && h != NULL;
			     m = m->next, ch = ch->next, h = h->next)
				table_row(&t, m->str ? m->str : "?",
					  ch->str ? ch->str : "?",
					  h->str ? h->str : "?");
		}
		table_print(&t);
	}
	for (i = 0; i < np; i++)
		ctl_json_free(pages[i]);
	return 0;
}

/* flow add / flow del: {"added": RULE} or {"deleted": MATCH}. */
static int
cmd_flow_change(struct ctl_conn *c)
{
	const struct ctl_json *v;
	const char *key = c->o->cmd == CTL_FLOW_ADD ? "added" : "deleted";
	struct ctl_json *root = ctl_call(c, c->o->tel_cmd, c->o->param, &v);
	char b[256];

	if (c->o->json)
		print_json(v);
	else
		printf("%s: %s\n", key, txt(v, key, b, sizeof(b)));
	ctl_json_free(root);
	return 0;
}

/* chain set: {"default": [SID...], "previous": [SID...]} */
static int
cmd_chain_set(struct ctl_conn *c)
{
	const struct ctl_json *v;
	struct ctl_json *root = ctl_call(c, CTL_CMD_CHAIN_SET, c->o->param, &v);
	char b[256], p[256];

	if (c->o->json)
		print_json(v);
	else
		printf("default chain: %s (was %s)\n",
		       txt(v, "default", b, sizeof(b)),
		       txt(v, "previous", p, sizeof(p)));
	ctl_json_free(root);
	return 0;
}

int
main(int argc, char **argv)
{
	struct ctl_opts o;
	struct ctl_conn c;
	char err[256];
	int rc;

	rc = ctl_args_parse(argc, argv, &o, err, sizeof(err));
	if (rc == 1) {
		fputs(ctl_usage, stdout);
		return 0;
	}
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", CTL_PROG, err);
		return 1;
	}
	memset(&c, 0, sizeof(c));
	ctl_connect(&c, &o);
	switch (o.cmd) {
	case CTL_PORTS:
		rc = cmd_ports(&c);
		break;
	case CTL_NFS:
		rc = cmd_nfs(&c);
		break;
	case CTL_SERVICES:
		rc = cmd_services(&c);
		break;
	case CTL_CHAIN:
		rc = cmd_chain(&c);
		break;
	case CTL_STOP:
		rc = cmd_stop(&c);
		break;
	case CTL_FLOWS:
		rc = cmd_flows(&c);
		break;
	case CTL_FLOW_ADD:
	case CTL_FLOW_DEL:
		rc = cmd_flow_change(&c);
		break;
	case CTL_CHAIN_SET:
		rc = cmd_chain_set(&c);
		break;
	case CTL_HELP:
		break;
	}
	close(c.fd);
	free(c.buf);
	if (fflush(stdout) != 0)
		ctl_die("cannot write the output: %s", strerror(errno));
	return rc == 0 ? 0 : 1;
}
