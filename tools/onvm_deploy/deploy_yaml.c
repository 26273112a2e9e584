/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* libyaml's events -> a tree of dy_node (deploy_yaml.h). */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "deploy_yaml.h"

struct dy_loader {
	struct dy_node *stack[DY_MAX_DEPTH];
	int depth;
	size_t nodes;
	int docs;
	struct dy_node *root;
	char *err;
	size_t errlen;
	int line;
};

void
dy_free(struct dy_node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		dy_free(n->kid[i]);
	free(n->kid);
	free(n->str);
	free(n);
}

static int
dy_fail(struct dy_loader *l, int line, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
dy_fail(struct dy_loader *l, int line, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->err, l->errlen, fmt, ap);
	va_end(ap);
	l->line = line;
	return rc;
}

/* A new node of @p type at @p mark, added to the open collection (or made
 * the root). */
static struct dy_node *
dy_add(struct dy_loader *l, enum dy_type type, const yaml_mark_t *mark)
{
	struct dy_node *n, *parent, **kid;
	size_t cap;

	if (++l->nodes > DY_MAX_NODES) {
		dy_fail(l, (int)mark->line + 1, -EINVAL,
			"more than %d YAML nodes", DY_MAX_NODES);
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	if (n == NULL) {
		dy_fail(l, (int)mark->line + 1, -ENOMEM, "out of memory");
		return NULL;
	}
	n->type = type;
	n->line = (int)mark->line + 1;
	if (l->depth == 0) {
		l->root = n;
		return n;
	}
	parent = l->stack[l->depth - 1];
	if (parent->nkids == parent->cap) {
		cap = parent->cap ? parent->cap * 2 : 8;
		kid = realloc(parent->kid, cap * sizeof(*kid));
		if (kid == NULL) {
			dy_fail(l, n->line, -ENOMEM, "out of memory");
			free(n);
			return NULL;
		}
		parent->kid = kid;
		parent->cap = cap;
	}
	parent->kid[parent->nkids++] = n;
	parent->n = parent->type == DY_MAP ? parent->nkids / 2 : parent->nkids;
	return n;
}

/* Where libyaml's parse error is, as a line. A reader error (bad UTF-8, a
 * control character) has only a byte offset. */
static int
dy_error_line(const yaml_parser_t *p, const char *buf, size_t len)
{
	size_t i, end;
	int line = 1;

	if (p->error != YAML_READER_ERROR)
		return (int)p->problem_mark.line + 1;
	end = p->problem_offset < len ? p->problem_offset : len;
	for (i = 0; i < end; i++)
		line += buf[i] == '\n';
	return line;
}

/* libyaml's parse error as one phrase. */
static int
dy_syntax_error(const yaml_parser_t *p, char *err, size_t errlen)
{
	char from[32] = "";

	if (p->error == YAML_MEMORY_ERROR) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (p->problem != NULL && strstr(p->problem, "tab character") != NULL) {
		snprintf(err, errlen, "YAML syntax: a tab in the indentation "
			 "(indent with spaces)");
		return -EINVAL;
	}
	/* "while parsing a flow sequence" says more with the line the
	 * sequence began on */
	if (p->context != NULL && p->context_mark.line != p->problem_mark.line)
		snprintf(from, sizeof(from), " (from line %d)",
			 (int)p->context_mark.line + 1);
	snprintf(err, errlen, "YAML syntax: %s%s%s%s",
		 p->context ? p->context : "", from, p->context ? ": " : "",
		 p->problem ? p->problem : "error");
	return -EINVAL;
}

static int
dy_event(struct dy_loader *l, const yaml_event_t *ev, int *done)
{
	struct dy_node *n;
	int line = (int)ev->start_mark.line + 1;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (l->docs++ > 0)
			return dy_fail(l, line, -EINVAL, "a second YAML "
				       "document starts here; give one only");
		return 0;
	case YAML_SCALAR_EVENT:
		n = dy_add(l, DY_SCALAR, &ev->start_mark);
		if (n == NULL)
			return -EINVAL;
		n->str = malloc(ev->data.scalar.length + 1);
		if (n->str == NULL)
			return dy_fail(l, line, -ENOMEM, "out of memory");
		memcpy(n->str, ev->data.scalar.value, ev->data.scalar.length);
		n->str[ev->data.scalar.length] = '\0';
		n->len = ev->data.scalar.length;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (l->depth == DY_MAX_DEPTH)
			return dy_fail(l, line, -EINVAL, "nested more than %d "
				       "deep", DY_MAX_DEPTH);
		n = dy_add(l, ev->type == YAML_SEQUENCE_START_EVENT ?
			   DY_SEQ : DY_MAP, &ev->start_mark);
		if (n == NULL)
			return -EINVAL;
		l->stack[l->depth++] = n;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (l->depth > 0)
			l->depth--;
		return 0;
	case YAML_ALIAS_EVENT:
		return dy_fail(l, line, -EINVAL, "YAML aliases (*%.40s) are "
			       "not supported; write the value out",
			       (const char *)ev->data.alias.anchor);
	case YAML_STREAM_END_EVENT:
		*done = 1;
		return 0;
	default:
		return 0;
	}
}

int
dy_load(const char *buf, size_t len, struct dy_node **root, int *line,
	char *err, size_t errlen)
{
	struct dy_loader l;
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0, done = 0;

	memset(&l, 0, sizeof(l));
	l.err = err;
	l.errlen = errlen;
	*root = NULL;
	*line = 0;
	if (len > DY_MAX_INPUT) {
		*line = 1;
		snprintf(err, errlen, "more than %d bytes", DY_MAX_INPUT);
		return -EINVAL;
	}
	if (!yaml_parser_initialize(&p)) {
		*line = 1;
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			l.line = dy_error_line(&p, buf, len);
			rc = dy_syntax_error(&p, err, errlen);
			break;
		}
		rc = dy_event(&l, &ev, &done);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (rc < 0) {
		dy_free(l.root);
		*line = l.line > 0 ? l.line : 1;
		return rc;
	}
	*root = l.root;
	return 0;
}

struct dy_node *
dy_get(const struct dy_node *map, const char *key)
{
	size_t i;

	if (map == NULL || map->type != DY_MAP)
		return NULL;
	for (i = 0; i < map->n; i++) {
		const struct dy_node *k = map->kid[2 * i];

		if (k->type == DY_SCALAR && strcmp(k->str, key) == 0)
			return map->kid[2 * i + 1];
	}
	return NULL;
}

const char *
dy_type_name(const struct dy_node *n)
{
	switch (n->type) {
	case DY_SCALAR:
		return "a scalar";
	case DY_SEQ:
		return "a list";
	default:
		return "a mapping";
	}
}
