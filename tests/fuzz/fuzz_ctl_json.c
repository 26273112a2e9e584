/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* onvmctl's JSON reader on any bytes (what a socket could send): a value,
 * or NULL with a one-line reason. A value written back is JSON the reader
 * takes again, and writes the same; member counts and names hold. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_json.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Counts, names and strings of @p v, recursively; @return its size. */
static size_t
check_tree(const struct ctl_json *v, int depth)
{
	const struct ctl_json *m;
	size_t n = 0, total = 1;

	FUZZ_CHECK(depth <= CTL_JSON_MAX_DEPTH, "depth %d", depth);
	switch (v->type) {
	case CTL_JSON_STR:
	case CTL_JSON_NUM:
		FUZZ_CHECK(v->str != NULL, "no text");
		break;
	case CTL_JSON_ARR:
	case CTL_JSON_OBJ:
		for (m = v->child; m != NULL; m = m->next, n++) {
			FUZZ_CHECK((m->key != NULL) == (v->type == CTL_JSON_OBJ),
				   "member name in an array, or none in an "
				   "object");
			total += check_tree(m, depth + 1);
		}
		FUZZ_CHECK(n == v->n, "n %zu, %zu members", v->n, n);
		FUZZ_CHECK(v->n == 0 || ctl_json_at(v, v->n - 1) != NULL,
			   "last member missing");
		break;
	default:
		FUZZ_CHECK(v->type <= CTL_JSON_TRUE, "type %d", v->type);
	}
	return total;
}

static char *
write_json(const struct ctl_json *v, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (f == NULL)
		abort();
	ctl_json_write(f, v);
	fclose(f);
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t errlen = 128;
	struct ctl_json *v, *w;
	char *text, *err, *out, *out2;
	size_t len, len2;

	/* exactly sized, not terminated: a read past the end is seen */
	text = malloc(size ? size : 1);
	err = malloc(errlen);
	if (text == NULL || err == NULL)
		abort();
	memcpy(text, data, size);
	v = ctl_json_parse(text, size, err, errlen);
	if (v == NULL) {
		FUZZ_CHECK(memchr(err, '\0', errlen) != NULL,
			   "error not terminated");
		FUZZ_CHECK(err[0] != '\0', "empty error message");
		FUZZ_CHECK(strchr(err, '\n') == NULL, "error of two lines");
	} else {
		check_tree(v, 0);
		out = write_json(v, &len);
		w = ctl_json_parse(out, len, err, errlen);
		FUZZ_CHECK(w != NULL, "own output rejected: %s: %.200s", err,
			   out);
		FUZZ_CHECK(check_tree(w, 0) == check_tree(v, 0),
			   "another tree after a round trip");
		out2 = write_json(w, &len2);
		FUZZ_CHECK(len == len2 && memcmp(out, out2, len) == 0,
			   "written twice, different: %.200s / %.200s", out,
			   out2);
		free(out);
		free(out2);
		ctl_json_free(w);
		ctl_json_free(v);
	}
	free(err);
	free(text);
	return 0;
}
