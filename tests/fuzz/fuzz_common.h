/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

/* Helpers shared by the libFuzzer harnesses: an input -> argv split where
 * every string is its own exactly-sized heap block (so ASan sees a read
 * one byte past any argument), and the checks on error messages. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_ARGS 64	/* arguments taken from the input */

struct fuzz_argv {
	int argc;
	char **argv;		/* argc + 1 entries, NULL last; may be permuted */
	char **owned;		/* the same strings, for freeing */
};

/* Report a broken invariant and abort, so libFuzzer saves the input. */
#define FUZZ_CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "invariant failed: %s (%s:%d): ", \
				#cond, __FILE__, __LINE__);		\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

static inline char *
fuzz_strndup(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* argv[0] = @p prog, then the input's NUL-separated strings (at most
 * FUZZ_MAX_ARGS; a trailing NUL does not start an empty argument). */
static inline void
fuzz_argv_split(const uint8_t *data, size_t size, const char *prog,
		struct fuzz_argv *a)
{
	const uint8_t *end = data + size, *nul;
	int n = 1;

	a->argv = calloc(FUZZ_MAX_ARGS + 2, sizeof(char *));
	a->owned = calloc(FUZZ_MAX_ARGS + 2, sizeof(char *));
	if (a->argv == NULL || a->owned == NULL)
		abort();
	a->owned[0] = fuzz_strndup((const uint8_t *)prog, strlen(prog));
	while (data < end && n <= FUZZ_MAX_ARGS) {
		nul = memchr(data, '\0', (size_t)(end - data));
		if (nul == NULL)
			nul = end;
		a->owned[n++] = fuzz_strndup(data, (size_t)(nul - data));
		data = nul + 1;
	}
	a->argc = n;
	memcpy(a->argv, a->owned, sizeof(char *) * (size_t)(n + 1));
}

static inline void
fuzz_argv_free(struct fuzz_argv *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		free(a->owned[i]);
	free(a->owned);
	free(a->argv);
}

/* An error message: NUL-terminated inside its buffer, non-empty, one line. */
static inline void
fuzz_check_err(const char *err, size_t errlen, const struct fuzz_argv *a)
{
	FUZZ_CHECK(memchr(err, '\0', errlen) != NULL, "error not terminated");
	FUZZ_CHECK(err[0] != '\0', "empty error message");
	FUZZ_CHECK(strchr(err, '\n') == NULL,
		   "error of more than one line: \"%s\"", err);
}

#endif /* FUZZ_COMMON_H */
