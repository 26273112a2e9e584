/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef DEPLOY_YAML_H
#define DEPLOY_YAML_H

/* A YAML document as a tree of scalars, sequences and mappings, each node
 * with the line it starts on, built from libyaml's event stream. Aliases
 * are refused (a self-referencing anchor would make the tree a cycle, and
 * nested ones grow exponentially); depth, node count and input size are
 * bounded. No rte_ calls: unit-tested and fuzzed. */

#include <stddef.h>

#define DY_MAX_DEPTH 32		/* nesting of sequences and mappings */
#define DY_MAX_NODES 100000	/* nodes in a document */
#define DY_MAX_INPUT (1 << 20)	/* bytes of input */

enum dy_type {
	DY_SCALAR,
	DY_SEQ,
	DY_MAP,
};

struct dy_node {
	enum dy_type type;
	int line;		/* 1-based line where the node starts */
	int plain;		/* scalar written without quotes */
	char *str;		/* scalar: its value, NUL-terminated */
	size_t len;		/* scalar: bytes in str (may hold a NUL) */
	size_t n;		/* sequence: items; mapping: key-value pairs */
	struct dy_node **kid;	/* sequence: n items; mapping: 2n, key first */
	size_t nkids, cap;	/* the loader's: entries used and allocated */
};

/**
 * Parse one YAML document.
 *
 * @param root  out: the document's root, or NULL for an empty document
 * @param line  out, on error: the 1-based line of the problem
 * @return 0; -EINVAL (a syntax error, an alias, a second document, too deep,
 *   too big) or -ENOMEM, with one phrase in @p err.
 */
int dy_load(const char *buf, size_t len, struct dy_node **root, int *line,
	    char *err, size_t errlen);

/** Free a tree from dy_load() (NULL is fine). */
void dy_free(struct dy_node *n);

/** The value of @p key in mapping @p map, or NULL. */
struct dy_node *dy_get(const struct dy_node *map, const char *key);

/** "a scalar", "a list" or "a mapping", for messages. */
const char *dy_type_name(const struct dy_node *n);

#endif /* DEPLOY_YAML_H */
