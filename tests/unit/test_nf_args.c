/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* An NF's command line -> EAL argv of a secondary, the library's options
 * and the NF's own argv (onvm_args.h). */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "onvm_args.h"

/* A NULL-terminated, writable argv from string literals. */
#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })

#define CPU 1 /* the default CPU the tests pass */

static struct onvm_nf_args a;
static char err[256];

static int
parse(char **argv)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	memset(err, 0, sizeof(err));
	return onvm_nf_args_parse(argc, argv, CPU, &a, err, sizeof(err));
}

/* How many EAL arguments equal @p s, or start with it if it ends in '='
 * or is a short option like "-l". */
static int
eal_count(const char *s)
{
	size_t n = strlen(s);
	int i, c = 0;

	for (i = 0; i < a.eal_argc; i++) {
		if (s[n - 1] == '=' || (s[0] == '-' && s[1] != '-' && n == 2))
			c += strncmp(a.eal_argv[i], s, n) == 0;
		else
			c += strcmp(a.eal_argv[i], s) == 0;
	}
	return c;
}

/* Index of EAL argument @p s, or -1. */
static int
eal_index(const char *s)
{
	for (int i = 0; i < a.eal_argc; i++)
		if (strcmp(a.eal_argv[i], s) == 0)
			return i;
	return -1;
}

static void
check_vectors_terminated(void)
{
	assert_true(a.eal_argc >= 1 && a.eal_argc < ONVM_ARGS_MAX);
	assert_true(a.nf_argc >= 1 && a.nf_argc < ONVM_ARGS_MAX);
	assert_null(a.eal_argv[a.eal_argc]);
	assert_null(a.nf_argv[a.nf_argc]);
}

static void
defaults_added(void **state)
{
	char **argv = ARGV("nf", "-r", "1");

	assert_int_equal(parse(argv), 0);
	assert_int_equal(a.service_id, 1);
	assert_int_equal(a.instance_id, -1);
	assert_string_equal(a.tag, "");
	assert_string_equal(a.prefix, "onvm");

	assert_ptr_equal(a.eal_argv[0], argv[0]);
	assert_int_equal(eal_count("--proc-type=secondary"), 1);
	assert_int_equal(eal_count("--no-pci"), 1);
	assert_int_equal(eal_count("--file-prefix="), 1);
	assert_int_equal(eal_count("--file-prefix=onvm"), 1);
	assert_int_equal(eal_count("-l"), 1);
	assert_int_equal(eal_count("-l1"), 1);
	/* the library's own options never reach the EAL */
	assert_int_equal(eal_count("-r"), 0);

	assert_int_equal(a.nf_argc, 1);
	assert_ptr_equal(a.nf_argv[0], argv[0]);
	check_vectors_terminated();
}

static void
shared_core_option(void **state)
{
	assert_int_equal(parse(ARGV("nf", "-r", "1")), 0);
	assert_int_equal(a.shared_core, 0);
	assert_int_equal(parse(ARGV("nf", "-l", "1", "--", "-r", "1",
				    "--shared-core", "-d", "2")), 0);
	assert_int_equal(a.shared_core, 1);
	/* ours, not the EAL's nor the NF's */
	assert_int_equal(eal_count("--shared-core"), 0);
	assert_int_equal(a.nf_argc, 3);
	assert_string_equal(a.nf_argv[1], "-d");
	assert_int_not_equal(parse(ARGV("nf", "-r", "1", "--shared-core=yes")),
			     0);
}

static void
default_cpu_used(void **state)
{
	assert_int_equal(onvm_nf_args_parse(3, ARGV("nf", "-r", "2"), 7, &a,
					    err, sizeof(err)), 0);
	assert_int_equal(eal_count("-l7"), 1);
}

static void
user_eal_options_kept(void **state)
{
	char **argv = ARGV("nf", "-l", "0", "--file-prefix=x", "-a",
			   "0000:00:01.0", "--", "-r", "2");

	assert_int_equal(parse(argv), 0);
	assert_int_equal(a.service_id, 2);
	assert_string_equal(a.prefix, "x");

	/* kept as given, in order ... */
	assert_true(eal_index("-l") > 0);
	assert_string_equal(a.eal_argv[eal_index("-l") + 1], "0");
	assert_true(eal_index("-a") > eal_index("-l"));
	assert_string_equal(a.eal_argv[eal_index("-a") + 1], "0000:00:01.0");
	assert_int_equal(eal_count("--file-prefix=x"), 1);
	assert_int_equal(eal_count("--proc-type=secondary"), 1);

	/* ... and not duplicated by the defaults: the user chose the lcore,
	 * the prefix and the devices */
	assert_int_equal(eal_count("-l"), 1);
	assert_int_equal(eal_count("--file-prefix="), 1);
	assert_int_equal(eal_count("--no-pci"), 0);

	/* "--" and the library's options are neither EAL's nor the NF's */
	assert_int_equal(eal_count("--"), 0);
	assert_int_equal(eal_count("-r"), 0);
	assert_int_equal(a.nf_argc, 1);
	check_vectors_terminated();
}

static void
user_eal_option_forms(void **state)
{
	/* "-l1", "--lcores=...", "--file-prefix P", "--proc-type=auto",
	 * "--no-pci" each replace the default of their kind */
	assert_int_equal(parse(ARGV("nf", "-l3", "--", "-r", "1")), 0);
	assert_int_equal(eal_count("-l"), 1);
	assert_int_equal(eal_count("-l3"), 1);

	assert_int_equal(parse(ARGV("nf", "--lcores=2@1", "--", "-r", "1")), 0);
	assert_int_equal(eal_count("-l"), 0);

	assert_int_equal(parse(ARGV("nf", "-c", "0x2", "--", "-r", "1")), 0);
	assert_int_equal(eal_count("-l"), 0);

	assert_int_equal(parse(ARGV("nf", "--file-prefix", "p1", "--", "-r",
				    "1")), 0);
	assert_string_equal(a.prefix, "p1");
	/* the EAL gets exactly one, in the "=" form the library builds */
	assert_int_equal(eal_count("--file-prefix=p1"), 1);
	assert_int_equal(eal_count("--file-prefix="), 1);
	assert_int_equal(eal_count("--file-prefix"), 0);
	assert_int_equal(eal_count("p1"), 0);

	assert_int_equal(parse(ARGV("nf", "--proc-type=auto", "--no-pci",
				    "--", "-r", "1")), 0);
	assert_int_equal(eal_count("--proc-type=secondary"), 0);
	assert_int_equal(eal_count("--proc-type=auto"), 1);
	assert_int_equal(eal_count("--no-pci"), 1);
	check_vectors_terminated();
}

static void
user_eal_other_options(void **state)
{
	/* EAL options the library does not know are passed through */
	assert_int_equal(parse(ARGV("nf", "--log-level=onvm.nf:debug", "-m",
				    "64", "--", "-r", "4")), 0);
	assert_int_equal(eal_count("--log-level=onvm.nf:debug"), 1);
	assert_true(eal_index("-m") > 0);
	assert_string_equal(a.eal_argv[eal_index("-m") + 1], "64");
	assert_int_equal(eal_count("--no-pci"), 1);
	assert_int_equal(eal_count("-l1"), 1);
}

static void
service_id_required(void **state)
{
	assert_int_equal(parse(ARGV("nf")), -EINVAL);
	assert_non_null(strstr(err, "-r SID is required"));

	assert_int_equal(parse(ARGV("nf", "-l", "0", "--")), -EINVAL);
	assert_non_null(strstr(err, "-r SID is required"));

	/* -r before "--" is an EAL option, not the service id */
	assert_int_equal(parse(ARGV("nf", "-r", "1", "--", "-d", "3")), -EINVAL);
	assert_non_null(strstr(err, "-r SID is required"));

	assert_int_equal(onvm_nf_args_parse(0, ARGV("nf"), CPU, &a, err,
					    sizeof(err)), -EINVAL);
}

static void
service_id_bad(void **state)
{
	assert_int_equal(parse(ARGV("nf", "-r", "0")), -EINVAL);
	assert_non_null(strstr(err, "bad service id '0' for -r"));
	assert_int_equal(parse(ARGV("nf", "-r", "64")), -EINVAL);
	assert_non_null(strstr(err, "bad service id '64'"));
	assert_non_null(strstr(err, "1..63"));
	assert_int_equal(parse(ARGV("nf", "-r", "x")), -EINVAL);
	assert_non_null(strstr(err, "bad service id 'x'"));
	assert_int_equal(parse(ARGV("nf", "-r", "")), -EINVAL);
	assert_int_equal(parse(ARGV("nf", "-r")), -EINVAL);
	assert_non_null(strstr(err, "-r needs a value"));

	assert_int_equal(parse(ARGV("nf", "-r", "63")), 0);
	assert_int_equal(a.service_id, 63);
}

static void
instance_id(void **state)
{
	assert_int_equal(parse(ARGV("nf", "-r", "1", "-n", "5")), 0);
	assert_int_equal(a.instance_id, 5);
	assert_int_equal(parse(ARGV("nf", "-n", "65534", "-r", "1")), 0);
	assert_int_equal(a.instance_id, 65534);
	assert_int_equal(a.nf_argc, 1);

	assert_int_equal(parse(ARGV("nf", "-r", "1", "-n", "0")), -EINVAL);
	assert_non_null(strstr(err, "bad instance id '0' for -n"));
	assert_int_equal(parse(ARGV("nf", "-r", "1", "-n", "65535")), -EINVAL);
	assert_non_null(strstr(err, "bad instance id"));
	assert_int_equal(parse(ARGV("nf", "-r", "1", "-n", "a")), -EINVAL);
	assert_int_equal(parse(ARGV("nf", "-r", "1", "-n")), -EINVAL);
	assert_non_null(strstr(err, "-n needs a value"));
}

static void
tag(void **state)
{
	char long_tag[ONVM_TAG_LEN + 1];

	assert_int_equal(parse(ARGV("nf", "-r", "1", "--tag", "fw-a")), 0);
	assert_string_equal(a.tag, "fw-a");
	assert_int_equal(parse(ARGV("nf", "--", "--tag=fw-b", "-r", "1")), 0);
	assert_string_equal(a.tag, "fw-b");
	assert_int_equal(a.nf_argc, 1);

	/* ONVM_TAG_LEN - 1 characters fit, one more does not */
	memset(long_tag, 't', sizeof(long_tag));
	long_tag[ONVM_TAG_LEN - 1] = '\0';
	assert_int_equal(parse(ARGV("nf", "-r", "1", "--tag", long_tag)), 0);
	assert_string_equal(a.tag, long_tag);
	long_tag[ONVM_TAG_LEN - 1] = 't';
	long_tag[ONVM_TAG_LEN] = '\0';
	assert_int_equal(parse(ARGV("nf", "-r", "1", "--tag", long_tag)),
			 -EINVAL);
	assert_non_null(strstr(err, "--tag needs a name"));

	assert_int_equal(parse(ARGV("nf", "-r", "1", "--tag", "")), -EINVAL);
	assert_int_equal(parse(ARGV("nf", "-r", "1", "--tag")), -EINVAL);
	assert_non_null(strstr(err, "--tag"));

	/* an NF option that merely starts with "--tag" is the NF's */
	assert_int_equal(parse(ARGV("nf", "-r", "1", "--tagged")), 0);
	assert_string_equal(a.tag, "");
	assert_int_equal(a.nf_argc, 2);
	assert_string_equal(a.nf_argv[1], "--tagged");
}

static void
file_prefix_after_dashdash(void **state)
{
	assert_int_equal(parse(ARGV("nf", "--", "-r", "1", "--file-prefix",
				    "demo")), 0);
	assert_string_equal(a.prefix, "demo");
	assert_int_equal(eal_count("--file-prefix="), 1);
	assert_int_equal(eal_count("--file-prefix=demo"), 1);
	assert_int_equal(a.nf_argc, 1);

	assert_int_equal(parse(ARGV("nf", "-l", "0", "--", "--file-prefix=d2",
				    "-r", "1")), 0);
	assert_string_equal(a.prefix, "d2");
	assert_int_equal(eal_count("--file-prefix=d2"), 1);
	assert_int_equal(eal_count("-l"), 1);

	assert_int_equal(parse(ARGV("nf", "--", "-r", "1", "--file-prefix")),
			 -EINVAL);
	assert_non_null(strstr(err, "--file-prefix"));
	assert_int_equal(parse(ARGV("nf", "--", "-r", "1",
				    "--file-prefix=")), -EINVAL);
}

static void
file_prefix_without_dashdash(void **state)
{
	char **argv = ARGV("nf", "--file-prefix", "onvm-demo", "-r", "3");

	/* the README's form: no EAL options at all */
	assert_int_equal(parse(argv), 0);
	assert_int_equal(a.service_id, 3);
	assert_string_equal(a.prefix, "onvm-demo");
	assert_int_equal(eal_count("--file-prefix="), 1);
	assert_int_equal(eal_count("--file-prefix=onvm-demo"), 1);
	assert_int_equal(eal_count("--no-pci"), 1);
	assert_int_equal(eal_count("--proc-type=secondary"), 1);
	assert_int_equal(eal_count("-l1"), 1);
	assert_int_equal(a.nf_argc, 1);
	check_vectors_terminated();
}

static void
file_prefix_both_places(void **state)
{
	/* The EAL takes the last --file-prefix it is given, so the prefix the
	 * library checks for a manager (a.prefix) must be the one the EAL
	 * attaches to: exactly one --file-prefix, and it is a.prefix. */
	char want[ONVM_PREFIX_LEN + 16];

	assert_int_equal(parse(ARGV("nf", "--file-prefix=x", "--", "-r", "1",
				    "--file-prefix=y")), 0);
	snprintf(want, sizeof(want), "--file-prefix=%s", a.prefix);
	assert_int_equal(eal_count("--file-prefix="), 1);
	assert_int_equal(eal_count(want), 1);
	assert_string_equal(a.prefix, "y");
}

static void
eal_abbreviations(void **state)
{
	/* The EAL's getopt_long takes unambiguous abbreviations, so must we,
	 * or the EAL attaches to a prefix the library never checked. */
	assert_int_equal(parse(ARGV("nf", "--file-pre=x", "--", "-r", "1")), 0);
	assert_string_equal(a.prefix, "x");
	assert_int_equal(eal_count("--file-prefix="), 1);
	assert_int_equal(eal_count("--file-prefix=x"), 1);
	assert_int_equal(eal_count("--file-pre=x"), 0);

	assert_int_equal(parse(ARGV("nf", "--proc=auto", "--", "-r", "1")), 0);
	assert_int_equal(eal_count("--proc-type=secondary"), 0);

	/* after "--" only exact names are the library's: "--file" is the NF's */
	assert_int_equal(parse(ARGV("nf", "-r", "1", "--file", "f.txt")), 0);
	assert_string_equal(a.prefix, "onvm");
	assert_int_equal(a.nf_argc, 3);
	assert_string_equal(a.nf_argv[1], "--file");
}

static void
nf_options_passed_through(void **state)
{
	char **argv = ARGV("nf", "-r", "1", "-d", "3", "--print", "-n", "2",
			   "extra");

	assert_int_equal(parse(argv), 0);
	assert_int_equal(a.service_id, 1);
	assert_int_equal(a.instance_id, 2);
	assert_int_equal(a.nf_argc, 5);
	assert_string_equal(a.nf_argv[0], "nf");
	assert_string_equal(a.nf_argv[1], "-d");
	assert_string_equal(a.nf_argv[2], "3");
	assert_string_equal(a.nf_argv[3], "--print");
	assert_string_equal(a.nf_argv[4], "extra");
	/* none of the NF's options reach the EAL */
	assert_int_equal(eal_count("-d"), 0);
	assert_int_equal(eal_count("--print"), 0);
	check_vectors_terminated();

	/* the same after EAL options and "--" */
	assert_int_equal(parse(ARGV("nf", "-l", "0", "--", "-d", "3", "-r",
				    "9")), 0);
	assert_int_equal(a.service_id, 9);
	assert_int_equal(a.nf_argc, 3);
	assert_string_equal(a.nf_argv[1], "-d");
	assert_string_equal(a.nf_argv[2], "3");
	assert_int_equal(eal_count("-d"), 0);

	/* a second "--" belongs to the NF */
	assert_int_equal(parse(ARGV("nf", "--", "-r", "1", "--", "-x")), 0);
	assert_int_equal(a.nf_argc, 3);
	assert_string_equal(a.nf_argv[1], "--");
	assert_string_equal(a.nf_argv[2], "-x");
}

static void
too_many_arguments(void **state)
{
	char *argv[ONVM_ARGS_MAX + 8];
	int i;

	argv[0] = "nf";
	argv[1] = "-r";
	argv[2] = "1";
	for (i = 3; i < ONVM_ARGS_MAX + 7; i++)
		argv[i] = "-v";
	argv[i] = NULL;
	assert_int_equal(parse(argv), -EINVAL);
	assert_non_null(strstr(err, "too many"));

	/* the most that fits */
	argv[ONVM_ARGS_MAX + 1] = NULL;
	assert_int_equal(parse(argv), 0);
	assert_int_equal(a.nf_argc, ONVM_ARGS_MAX - 1);
	check_vectors_terminated();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_added),
		cmocka_unit_test(default_cpu_used),
		cmocka_unit_test(user_eal_options_kept),
		cmocka_unit_test(user_eal_option_forms),
		cmocka_unit_test(user_eal_other_options),
		cmocka_unit_test(service_id_required),
		cmocka_unit_test(service_id_bad),
		cmocka_unit_test(instance_id),
		cmocka_unit_test(tag),
		cmocka_unit_test(file_prefix_after_dashdash),
		cmocka_unit_test(file_prefix_without_dashdash),
		cmocka_unit_test(file_prefix_both_places),
		cmocka_unit_test(eal_abbreviations),
		cmocka_unit_test(nf_options_passed_through),
		cmocka_unit_test(too_many_arguments),
		cmocka_unit_test(shared_core_option),
	};

	return cmocka_run_group_tests_name("nf_args", tests, NULL, NULL);
}
