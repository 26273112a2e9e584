/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* NF command line -> EAL argv of a secondary + library options + NF argv.
 * No rte_ calls: unit-tested. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "onvm_args.h"
#include "onvm_chain.h"

/* Does @p arg name option @p opt? Long options as "--opt" or
 * "--opt=value", and with @p abbrev also abbreviated, as the EAL's
 * getopt_long accepts them ("--file-pre=x"); short ones as "-x" or
 * "-xVALUE". */
static int
is_opt_ab(const char *arg, const char *opt, int abbrev)
{
	size_t n = strlen(opt), name;

	if (opt[1] == '-') {
		if (strncmp(arg, "--", 2) != 0)
			return 0;
		name = strcspn(arg, "=");
		if (!abbrev)
			return name == n && strncmp(arg, opt, n) == 0;
		return name > 2 && name <= n && strncmp(arg, opt, name) == 0;
	}
	return strncmp(arg, opt, n) == 0;
}

/* An EAL option of the user's, before "--". */
static int
is_eal_opt(const char *arg, const char *opt)
{
	return is_opt_ab(arg, opt, 1);
}

/* One of the library's own options, after "--": exact names only, so an
 * NF's own options are never taken for ours. */
static int
is_opt(const char *arg, const char *opt)
{
	return is_opt_ab(arg, opt, 0);
}

static const char *
opt_value(char **argv, int argc, int *i, const char *opt)
{
	const char *arg = argv[*i];
	const char *eq = strchr(arg, '=');

	if (opt[1] == '-') {
		if (eq != NULL)
			return eq + 1;
	} else if (arg[strlen(opt)] != '\0') {
		return arg + strlen(opt); /* "-l1" */
	}
	if (*i + 1 < argc) {
		(*i)++;
		return argv[*i];
	}
	return NULL;
}

static int
push(char **vec, int *cnt, char *s)
{
	if (*cnt >= ONVM_ARGS_MAX - 1)
		return -E2BIG;
	vec[(*cnt)++] = s;
	vec[*cnt] = NULL;
	return 0;
}

static int
copy_str(char *dst, size_t len, const char *src)
{
	if (src == NULL || *src == '\0' || strlen(src) >= len)
		return -EINVAL;
	strcpy(dst, src);
	return 0;
}

static int
nf_args_parse(int argc, char **argv, unsigned int default_cpu,
	      struct onvm_nf_args *a, char *err, size_t errlen)
{
	int i, dashdash = -1, eal_end, has_proc = 0, has_pci = 0;
	int has_lcores = 0;
	char *slash;
	unsigned long v;
	const char *val;

	memset(a, 0, sizeof(*a));
	a->service_id = -1;
	a->instance_id = -1;
	strcpy(a->prefix, ONVM_DEFAULT_PREFIX);

	if (argc < 1) {
		snprintf(err, errlen, "no program name");
		return -EINVAL;
	}
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			dashdash = i;
			break;
		}
	eal_end = dashdash < 0 ? 1 : dashdash;

	/* The user's EAL options: note what they already set. */
	for (i = 1; i < eal_end; i++) {
		const char *arg = argv[i];

		if (is_eal_opt(arg, "--proc-type"))
			has_proc = 1;
		else if (is_eal_opt(arg, "--no-pci") || is_eal_opt(arg, "-a") ||
			 is_eal_opt(arg, "-b") || is_eal_opt(arg, "--allow") ||
			 is_eal_opt(arg, "--block"))
			has_pci = 1;
		else if (is_eal_opt(arg, "-l") || is_eal_opt(arg, "-c") ||
			 is_eal_opt(arg, "--lcores"))
			has_lcores = 1;
		else if (is_eal_opt(arg, "--file-prefix")) {
			val = opt_value(argv, eal_end, &i, "--file-prefix");
			if (copy_str(a->prefix, sizeof(a->prefix), val) < 0) {
				snprintf(err, errlen, "bad --file-prefix");
				return -EINVAL;
			}
		}
	}

	/* The NF's argv[0] is its program name, for its messages. */
	slash = strrchr(argv[0], '/');
	a->nf_argv[0] = slash != NULL && slash[1] != '\0' ? slash + 1 : argv[0];
	a->nf_argc = 1;
	/* The library's options, anywhere after "--" (or after argv[0]);
	 * everything else is the NF's. */
	for (i = eal_end + (dashdash < 0 ? 0 : 1); i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "-r") == 0 || strcmp(arg, "-n") == 0) {
			int is_r = arg[1] == 'r';

			if (i + 1 >= argc) {
				snprintf(err, errlen, "%s needs a value", arg);
				return -EINVAL;
			}
			val = argv[++i];
			if (is_r && onvm_parse_uint(val, 1,
					ONVM_MAX_SERVICES - 1, &v) < 0) {
				snprintf(err, errlen,
					 "bad service id '%s' for -r (expected 1..%d)",
					 val, ONVM_MAX_SERVICES - 1);
				return -EINVAL;
			}
			if (!is_r && onvm_parse_uint(val, 1, 65534, &v) < 0) {
				snprintf(err, errlen,
					 "bad instance id '%s' for -n (expected 1..65534)",
					 val);
				return -EINVAL;
			}
			if (is_r)
				a->service_id = (int)v;
			else
				a->instance_id = (int)v;
		} else if (is_opt(arg, "--tag")) {
			val = opt_value(argv, argc, &i, "--tag");
			if (copy_str(a->tag, sizeof(a->tag), val) < 0) {
				snprintf(err, errlen,
					 "--tag needs a name of 1..%d characters",
					 ONVM_TAG_LEN - 1);
				return -EINVAL;
			}
		} else if (is_opt(arg, "--shared-core")) {
			if (strchr(arg, '=') != NULL) {
				snprintf(err, errlen, "--shared-core takes no value");
				return -EINVAL;
			}
			a->shared_core = 1;
		} else if (is_opt(arg, "--file-prefix")) {
			val = opt_value(argv, argc, &i, "--file-prefix");
			if (copy_str(a->prefix, sizeof(a->prefix), val) < 0) {
				snprintf(err, errlen, "bad --file-prefix");
				return -EINVAL;
			}
			/* after "--": wins over an EAL --file-prefix */
		} else if (push(a->nf_argv, &a->nf_argc, argv[i]) < 0) {
			snprintf(err, errlen, "too many arguments");
			return -EINVAL;
		}
	}
	if (a->service_id < 0) {
		snprintf(err, errlen,
			 "-r SID is required (the service id of this NF, 1..%d)",
			 ONVM_MAX_SERVICES - 1);
		return -EINVAL;
	}

	/* EAL argv: argv[0], our defaults, then the user's EAL options, so
	 * the user's win where EAL lets a later option override (all but
	 * --file-prefix, which is ours to decide). */
	a->eal_argv[0] = argv[0];
	a->eal_argc = 1;
	if (!has_proc)
		push(a->eal_argv, &a->eal_argc, "--proc-type=secondary");
	if (!has_pci)
		push(a->eal_argv, &a->eal_argc, "--no-pci");
	/* Always exactly one --file-prefix, the one we check for a manager. */
	snprintf(a->buf_prefix, sizeof(a->buf_prefix), "--file-prefix=%s",
		 a->prefix);
	push(a->eal_argv, &a->eal_argc, a->buf_prefix);
	if (!has_lcores) {
		snprintf(a->buf_lcore, sizeof(a->buf_lcore), "-l%u",
			 default_cpu);
		push(a->eal_argv, &a->eal_argc, a->buf_lcore);
	}
	push(a->eal_argv, &a->eal_argc, "--log-level=lib.eal:notice");
	for (i = 1; i < eal_end; i++) {
		if (is_eal_opt(argv[i], "--file-prefix")) {
			if (strchr(argv[i], '=') == NULL)
				i++; /* and its value */
			continue;
		}
		if (push(a->eal_argv, &a->eal_argc, argv[i]) < 0) {
			snprintf(err, errlen, "too many EAL arguments");
			return -EINVAL;
		}
	}
	return 0;
}

int
onvm_nf_args_parse(int argc, char **argv, unsigned int default_cpu,
		   struct onvm_nf_args *a, char *err, size_t errlen)
{
	int rc = nf_args_parse(argc, argv, default_cpu, a, err, errlen);

	if (rc < 0)
		onvm_one_line(err);
	return rc;
}
