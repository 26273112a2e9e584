/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* onvm_nf_args_parse() on any command line (the input's NUL-separated
 * strings after "nf"): a service id, EAL and NF vectors that a secondary
 * can start with, or -EINVAL with a one-line message. */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "onvm_args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "--proc-type" or "--proc-type=...", as the parser matches it */
static int
is_proc_type(const char *s)
{
	/* as the EAL's getopt_long reads it: "--proc-type", "--proc-type=x"
	 * or an abbreviation such as "--proc" */
	size_t name = strcspn(s, "=");

	return name > 2 && name <= 11 && strncmp(s, "--proc-type", name) == 0;
}

/* Is @p s one of the input's strings (not one the library added)? */
static int
from_user(const struct fuzz_argv *a, const char *s)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if (a->owned[i] == s)
			return 1;
	return 0;
}

static void
check_vector(char *const *vec, int cnt, const char *what)
{
	FUZZ_CHECK(cnt >= 1 && cnt < ONVM_ARGS_MAX, "%s count %d", what, cnt);
	FUZZ_CHECK(vec[cnt] == NULL, "%s not NULL-terminated", what);
	for (int i = 0; i < cnt; i++)
		FUZZ_CHECK(vec[i] != NULL, "%s[%d] NULL", what, i);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_argv a;
	struct onvm_nf_args *args;
	const size_t errlen = 160;	/* as onvm_nf_start()'s err */
	int rc, i, n_prefix = 0, lib_proc = 0, user_proc = 0;
	char *err;

	fuzz_argv_split(data, size, "nf", &a);
	err = malloc(errlen);
	args = malloc(sizeof(*args));
	if (err == NULL || args == NULL)
		abort();
	err[0] = '\0';

	rc = onvm_nf_args_parse(a.argc, a.argv, 1, args, err, errlen);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL, "rc %d", rc);
	if (rc == 0) {
		FUZZ_CHECK(args->service_id >= 1 &&
			   args->service_id < ONVM_MAX_SERVICES,
			   "service_id %d", args->service_id);
		FUZZ_CHECK(args->instance_id == -1 ||
			   (args->instance_id >= 1 &&
			    args->instance_id <= 65534),
			   "instance_id %d", args->instance_id);
		check_vector(args->eal_argv, args->eal_argc, "eal_argv");
		check_vector(args->nf_argv, args->nf_argc, "nf_argv");
		FUZZ_CHECK(args->nf_argv[0][0] != '\0', "empty nf_argv[0]");
		FUZZ_CHECK(memchr(args->prefix, '\0', sizeof(args->prefix)) &&
			   args->prefix[0] != '\0', "bad prefix");
		for (i = 0; i < args->eal_argc; i++) {
			n_prefix += starts(args->eal_argv[i], "--file-prefix=");
			if (!is_proc_type(args->eal_argv[i]))
				continue;
			if (from_user(&a, args->eal_argv[i]))
				user_proc++;
			else
				lib_proc++;
		}
		FUZZ_CHECK(n_prefix == 1, "%d --file-prefix= in eal_argv",
			   n_prefix);
		/* The library adds one --proc-type if the user gave none;
		 * the user's own are passed on as they are. */
		FUZZ_CHECK(lib_proc == (user_proc == 0),
			   "%d --proc-type added, %d of the user's", lib_proc,
			   user_proc);
	} else {
		fuzz_check_err(err, errlen, &a);
	}
	free(args);
	free(err);
	fuzz_argv_free(&a);
	return 0;
}
