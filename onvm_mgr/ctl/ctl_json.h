/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef CTL_JSON_H
#define CTL_JSON_H

/* A small JSON reader and writer for onvmctl: enough for the replies of
 * DPDK telemetry (objects, arrays, strings, integers, null), strict about
 * syntax, bounded in depth. No rte_ calls: unit-tested. */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CTL_JSON_MAX_DEPTH 32

enum ctl_json_type {
	CTL_JSON_NULL,
	CTL_JSON_FALSE,
	CTL_JSON_TRUE,
	CTL_JSON_NUM,
	CTL_JSON_STR,
	CTL_JSON_ARR,
	CTL_JSON_OBJ,
};

/* A value. Arrays and objects keep their members in order, in a list. */
struct ctl_json {
	enum ctl_json_type type;
	char *key;		/* a member of an object: its name; else NULL */
	char *str;		/* STR: the text, unescaped (UTF-8);
				 * NUM: the number as written */
	size_t n;		/* ARR, OBJ: how many members */
	struct ctl_json *child;	/* ARR, OBJ: the first member */
	struct ctl_json *next;	/* the next member of its parent */
};

/**
 * Parse @p len bytes of @p text (one value, white space around it).
 * @return the value (free with ctl_json_free()), or NULL with a one-phrase
 * reason in @p err (a syntax error and where, too deep, out of memory).
 */
struct ctl_json *ctl_json_parse(const char *text, size_t len, char *err,
				size_t errlen);

void ctl_json_free(struct ctl_json *v);

/** The member @p key of object @p obj, or NULL (also if not an object). */
const struct ctl_json *ctl_json_get(const struct ctl_json *obj,
				    const char *key);

/** The @p i-th member of an array or object, or NULL. */
const struct ctl_json *ctl_json_at(const struct ctl_json *v, size_t i);

/**
 * An integer value (NUM without fraction or exponent, in range).
 * @return 0, or -EINVAL.
 */
int ctl_json_int(const struct ctl_json *v, int64_t *out);
int ctl_json_u64(const struct ctl_json *v, uint64_t *out);

/** Write @p v as compact JSON (strings escaped). */
void ctl_json_write(FILE *f, const struct ctl_json *v);

#endif /* CTL_JSON_H */
