/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* onvmctl's EAL-free parts: its command line and the requests it makes
 * (onvm_mgr/ctl/ctl_args.h), the NF names the manager parses too, and its
 * JSON reader and writer (onvm_mgr/ctl/ctl_json.h). */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_args.h"
#include "ctl_json.h"

#define ARGV(...) ((char *[]){ "onvmctl", __VA_ARGS__, NULL })

static struct ctl_opts o;
static char err[256];

static int
parse(char **argv)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	memset(err, 0, sizeof(err));
	return ctl_args_parse(argc, argv, &o, err, sizeof(err));
}

static void
expect_one_line(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20)
			fail_msg("control character in \"%s\"", s);
}

/* Expect a failure whose phrase contains @p what. */
static void
expect_err(int rc, const char *what)
{
	assert_int_equal(rc, -EINVAL);
	if (strstr(err, what) == NULL)
		fail_msg("error \"%s\" does not mention \"%s\"", err, what);
	expect_one_line(err);
}

/* ------------------------------------------------------------ args */

static void
defaults(void **state)
{
	assert_int_equal(parse(ARGV("nfs")), 0);
	assert_int_equal(o.cmd, CTL_NFS);
	assert_string_equal(o.tel_cmd, "/onvm/nfs");
	assert_string_equal(o.param, "");
	assert_string_equal(o.prefix, "onvm");
	assert_null(o.socket);
	assert_int_equal(o.json, 0);
	assert_int_equal(o.no_wait, 0);
	assert_true(o.timeout == CTL_DEFAULT_TIMEOUT);
}

static void
commands(void **state)
{
	static const struct {
		const char *word;
		enum ctl_cmd cmd;
		const char *tel;
	} c[] = {
		{ "ports", CTL_PORTS, "/onvm/ports" },
		{ "services", CTL_SERVICES, "/onvm/services" },
		{ "nfs", CTL_NFS, "/onvm/nfs" },
		{ "instances", CTL_NFS, "/onvm/nfs" },
		{ "flows", CTL_FLOWS, "/onvm/flows" },
		{ "chain", CTL_CHAIN, "/onvm/chain" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_int_equal(parse(ARGV((char *)c[i].word)), 0);
		assert_int_equal(o.cmd, c[i].cmd);
		assert_string_equal(o.tel_cmd, c[i].tel);
		assert_string_equal(o.param, "");
		expect_err(parse(ARGV((char *)c[i].word, "x")),
			   c[i].cmd == CTL_CHAIN ? "chain: expected" :
			   "unexpected argument 'x'");
	}
}

static void
options_anywhere(void **state)
{
	assert_int_equal(parse(ARGV("nfs", "--json", "-f", "p1")), 0);
	assert_int_equal(o.json, 1);
	assert_string_equal(o.prefix, "p1");
	assert_int_equal(parse(ARGV("--file-prefix=p2", "-j", "ports")), 0);
	assert_string_equal(o.prefix, "p2");
	assert_int_equal(o.cmd, CTL_PORTS);
	assert_int_equal(parse(ARGV("--file-prefix", "p3", "ports")), 0);
	assert_string_equal(o.prefix, "p3");
	assert_int_equal(parse(ARGV("--socket", "/x/s", "chain")), 0);
	assert_string_equal(o.socket, "/x/s");
	assert_int_equal(parse(ARGV("-s", "/y", "--timeout=2.5", "chain")), 0);
	assert_string_equal(o.socket, "/y");
	assert_true(o.timeout == 2.5);
	assert_int_equal(parse(ARGV("-t", "1", "chain")), 0);
	assert_true(o.timeout == 1.0);
}

static void
option_errors(void **state)
{
	expect_err(parse(ARGV("nfs", "--bogus")), "unknown option '--bogus'");
	expect_err(parse(ARGV("nfs", "-x")), "unknown option '-x'");
	expect_err(parse(ARGV("nfs", "-f")), "-f needs a value");
	expect_err(parse(ARGV("nfs", "--socket")), "--socket needs a value");
	expect_err(parse(ARGV("nfs", "--file-prefix=")), "bad file prefix");
	expect_err(parse(ARGV("nfs", "-f", "a/b")), "bad file prefix 'a/b'");
	expect_err(parse(ARGV("nfs", "--socket=")), "empty --socket");
	expect_err(parse(ARGV("nfs", "--timeout", "0")), "bad timeout '0'");
	expect_err(parse(ARGV("nfs", "--timeout", "-1")), "bad timeout");
	expect_err(parse(ARGV("nfs", "--timeout", "1s")), "bad timeout '1s'");
	expect_err(parse(ARGV("nfs", "--timeout", "99999")), "bad timeout");
	expect_err(parse(ARGV("nfs", "--no-wait")), "--no-wait applies to stop");
	expect_err(parse(ARGV("nfs", "--slot", "1")), "--slot applies to stop");
	expect_err(parse(ARGV("--json")), "no command");
	expect_err(parse(ARGV("bogus")), "unknown command 'bogus'");
	expect_err(parse(ARGV("bo\ngus")), "unknown command 'bo?gus'");
}

static void
help(void **state)
{
	assert_int_equal(parse(ARGV("-h")), 1);
	assert_int_equal(parse(ARGV("--help")), 1);
	assert_int_equal(parse(ARGV("nfs", "--help")), 1);
	assert_int_equal(parse(ARGV("help")), 1);
	assert_non_null(strstr(ctl_usage, "flow add RULE"));
	assert_non_null(strstr(ctl_usage, "dpdk-telemetry.py"));
}

static void
flow_add_del(void **state)
{
	assert_int_equal(parse(ARGV("flow", "add", "udp", "10.0.0.1", "1234",
				    "10.0.0.2", "80", "chain", "1,2")), 0);
	assert_int_equal(o.cmd, CTL_FLOW_ADD);
	assert_string_equal(o.tel_cmd, "/onvm/flow/add");
	assert_string_equal(o.param, "udp 10.0.0.1 1234 10.0.0.2 80 chain 1,2");
	/* one quoted word is the same */
	assert_int_equal(parse(ARGV("flow", "add",
				    "tcp 1.1.1.1 1 2.2.2.2 2 in 0 chain 3")), 0);
	assert_string_equal(o.param, "tcp 1.1.1.1 1 2.2.2.2 2 in 0 chain 3");
	assert_int_equal(parse(ARGV("--json", "flow", "del", "udp", "10.0.0.1",
				    "1234", "10.0.0.2", "80")), 0);
	assert_int_equal(o.cmd, CTL_FLOW_DEL);
	assert_string_equal(o.tel_cmd, "/onvm/flow/del");
	assert_string_equal(o.param, "udp 10.0.0.1 1234 10.0.0.2 80");
	/* "--" lets a word start with '-' */
	assert_int_equal(parse(ARGV("flow", "del", "--", "-x")), 0);
	assert_string_equal(o.param, "-x");
	/* the manager, not onvmctl, judges the rule */
	assert_int_equal(parse(ARGV("flow", "add", "nonsense")), 0);
	assert_string_equal(o.param, "nonsense");

	expect_err(parse(ARGV("flow")), "flow: expected 'add RULE'");
	expect_err(parse(ARGV("flow", "list")), "flow: expected");
	expect_err(parse(ARGV("flow", "add")), "flow add: no rule");
	expect_err(parse(ARGV("flow", "del")), "flow del: no match");
	expect_err(parse(ARGV("flow", "add", "")), "flow add: no rule");
	expect_err(parse(ARGV("flow", "add", " ", "")), "flow add: no rule");
}

static void
flow_too_long(void **state)
{
	static char big[2000];
	size_t room = CTL_REQ_MAX - strlen("/onvm/flow/add") - 1;

	memset(big, 'a', room);
	big[room] = '\0';
	assert_int_equal(parse(ARGV("flow", "add", big)), 0);
	assert_int_equal(strlen(o.param), room);
	big[room] = 'a';
	big[room + 1] = '\0';
	expect_err(parse(ARGV("flow", "add", big)), "too long");
	/* two words that fit alone, not with the space */
	memset(big, 'a', room);
	big[room - 1] = '\0';
	expect_err(parse(ARGV("flow", "add", big, "b")), "too long");
}

static void
stop(void **state)
{
	assert_int_equal(parse(ARGV("stop", "2:1")), 0);
	assert_int_equal(o.cmd, CTL_STOP);
	assert_string_equal(o.tel_cmd, "/onvm/nf/stop");
	assert_string_equal(o.param, "2:1");
	assert_int_equal(o.no_wait, 0);
	assert_int_equal(parse(ARGV("stop", "--slot", "3", "--no-wait")), 0);
	assert_string_equal(o.param, "slot=3");
	assert_int_equal(o.no_wait, 1);
	assert_int_equal(parse(ARGV("stop", "--slot=31")), 0);
	assert_string_equal(o.param, "slot=31");

	expect_err(parse(ARGV("stop")), "stop: name one NF");
	expect_err(parse(ARGV("stop", "2:1", "--slot", "1")), "name one NF");
	expect_err(parse(ARGV("stop", "2:1", "3:1")), "name one NF");
	expect_err(parse(ARGV("stop", "--slot", "32")), "bad slot '32'");
	expect_err(parse(ARGV("stop", "0:1")), "bad service id '0'");
	expect_err(parse(ARGV("stop", "2:0")), "bad instance id '0'");
	expect_err(parse(ARGV("stop", "abc")), "bad NF 'abc'");
	expect_err(parse(ARGV("stop",
			      "2:1111111111111111111111111111111111111")),
		   "bad NF");
}

static void
chain(void **state)
{
	assert_int_equal(parse(ARGV("chain", "set", "3,2,1")), 0);
	assert_int_equal(o.cmd, CTL_CHAIN_SET);
	assert_string_equal(o.tel_cmd, "/onvm/chain/set");
	assert_string_equal(o.param, "3,2,1");
	/* the manager judges the chain */
	assert_int_equal(parse(ARGV("chain", "set", "0")), 0);
	assert_string_equal(o.param, "0");
	expect_err(parse(ARGV("chain", "set")), "chain: expected");
	expect_err(parse(ARGV("chain", "set", "")), "chain set: empty chain");
	expect_err(parse(ARGV("chain", "set", "1", "2")), "chain: expected");
	expect_err(parse(ARGV("chain", "show")), "chain: expected");
}

static void
nf_ref(void **state)
{
	struct ctl_nf_ref r;

	assert_int_equal(ctl_parse_nf_ref("2:1", 32, &r, err, sizeof(err)), 0);
	assert_int_equal(r.by_slot, 0);
	assert_int_equal(r.service_id, 2);
	assert_int_equal(r.instance_id, 1);
	assert_int_equal(ctl_parse_nf_ref("63:65535", 32, &r, err,
					  sizeof(err)), 0);
	assert_int_equal(r.service_id, 63);
	assert_int_equal(r.instance_id, 65535);
	assert_int_equal(ctl_parse_nf_ref("slot=0", 16, &r, err,
					  sizeof(err)), 0);
	assert_int_equal(r.by_slot, 1);
	assert_int_equal(r.slot, 0);
	assert_int_equal(ctl_parse_nf_ref("slot=15", 16, &r, err,
					  sizeof(err)), 0);
	assert_int_equal(r.slot, 15);

	expect_err(ctl_parse_nf_ref("slot=16", 16, &r, err, sizeof(err)),
		   "bad slot '16' (0..15)");
	expect_err(ctl_parse_nf_ref("slot=", 16, &r, err, sizeof(err)),
		   "bad slot");
	expect_err(ctl_parse_nf_ref("slot=-1", 16, &r, err, sizeof(err)),
		   "bad slot");
	expect_err(ctl_parse_nf_ref("64:1", 32, &r, err, sizeof(err)),
		   "bad service id '64'");
	expect_err(ctl_parse_nf_ref("2:65536", 32, &r, err, sizeof(err)),
		   "bad instance id '65536'");
	expect_err(ctl_parse_nf_ref("2:", 32, &r, err, sizeof(err)),
		   "bad instance id ''");
	expect_err(ctl_parse_nf_ref(":1", 32, &r, err, sizeof(err)),
		   "bad service id ''");
	expect_err(ctl_parse_nf_ref("2", 32, &r, err, sizeof(err)),
		   "bad NF '2'");
	expect_err(ctl_parse_nf_ref(" 2:1", 32, &r, err, sizeof(err)),
		   "bad service id");
	expect_err(ctl_parse_nf_ref("2:1\n", 32, &r, err, sizeof(err)),
		   "bad instance id '1?'");
	expect_err(ctl_parse_nf_ref("", 32, &r, err, sizeof(err)), "SID:IID");
	expect_err(ctl_parse_nf_ref(NULL, 32, &r, err, sizeof(err)), "SID:IID");
}

/* ------------------------------------------------------------ JSON */

static struct ctl_json *
jparse(const char *s)
{
	memset(err, 0, sizeof(err));
	return ctl_json_parse(s, strlen(s), err, sizeof(err));
}

static void
expect_bad_json(const char *s, const char *what)
{
	struct ctl_json *v = jparse(s);

	if (v != NULL)
		fail_msg("\"%s\" parsed", s);
	if (strstr(err, what) == NULL)
		fail_msg("error \"%s\" for \"%s\" does not mention \"%s\"", err,
			 s, what);
}

static char *
jwrite(const struct ctl_json *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	ctl_json_write(f, v);
	fclose(f);
	return buf;
}

static void
json_greeting(void **state)
{
	struct ctl_json *v = jparse("{\"version\":\"DPDK 22.11.11\",\"pid\":"
				    "18257,\"max_output_len\":16384}");
	int64_t x;

	assert_non_null(v);
	assert_int_equal(v->type, CTL_JSON_OBJ);
	assert_int_equal(v->n, 3);
	assert_string_equal(ctl_json_get(v, "version")->str, "DPDK 22.11.11");
	assert_int_equal(ctl_json_int(ctl_json_get(v, "pid"), &x), 0);
	assert_int_equal(x, 18257);
	assert_null(ctl_json_get(v, "nope"));
	assert_string_equal(ctl_json_at(v, 2)->key, "max_output_len");
	assert_null(ctl_json_at(v, 3));
	ctl_json_free(v);
}

static void
json_nested(void **state)
{
	const char *s = " {\"/onvm/services\": {\"1\": {\"instances\": [3, 4],"
			" \"slots\": [], \"chain_pos\": -1}, \"2\": null}} ";
	struct ctl_json *v = jparse(s);
	const struct ctl_json *svc, *one, *ids;
	int64_t x;

	assert_non_null(v);
	svc = ctl_json_get(v, "/onvm/services");
	assert_non_null(svc);
	assert_int_equal(svc->n, 2);
	one = ctl_json_get(svc, "1");
	ids = ctl_json_get(one, "instances");
	assert_int_equal(ids->type, CTL_JSON_ARR);
	assert_int_equal(ids->n, 2);
	assert_int_equal(ctl_json_int(ctl_json_at(ids, 1), &x), 0);
	assert_int_equal(x, 4);
	assert_int_equal(ctl_json_get(one, "slots")->n, 0);
	assert_int_equal(ctl_json_int(ctl_json_get(one, "chain_pos"), &x), 0);
	assert_int_equal(x, -1);
	assert_int_equal(ctl_json_get(svc, "2")->type, CTL_JSON_NULL);
	assert_null(ctl_json_get(ids, "0"));	/* not an object */
	ctl_json_free(v);
}

static void
json_scalars(void **state)
{
	struct ctl_json *v = jparse("[true, false, null, 0, -0, 1.5, 2e3, "
				    "18446744073709551615, -9223372036854775808]");
	uint64_t u;
	int64_t i;

	assert_non_null(v);
	assert_int_equal(v->n, 9);
	assert_int_equal(ctl_json_at(v, 0)->type, CTL_JSON_TRUE);
	assert_int_equal(ctl_json_at(v, 1)->type, CTL_JSON_FALSE);
	assert_int_equal(ctl_json_at(v, 2)->type, CTL_JSON_NULL);
	assert_int_equal(ctl_json_u64(ctl_json_at(v, 3), &u), 0);
	assert_int_equal(u, 0);
	assert_string_equal(ctl_json_at(v, 5)->str, "1.5");
	assert_int_equal(ctl_json_int(ctl_json_at(v, 5), &i), -EINVAL);
	assert_int_equal(ctl_json_int(ctl_json_at(v, 6), &i), -EINVAL);
	assert_int_equal(ctl_json_u64(ctl_json_at(v, 7), &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(ctl_json_int(ctl_json_at(v, 7), &i), -EINVAL);
	assert_int_equal(ctl_json_int(ctl_json_at(v, 8), &i), 0);
	assert_true(i == INT64_MIN);
	assert_int_equal(ctl_json_u64(ctl_json_at(v, 8), &u), -EINVAL);
	assert_int_equal(ctl_json_u64(ctl_json_at(v, 0), &u), -EINVAL);
	assert_int_equal(ctl_json_int(NULL, &i), -EINVAL);
	ctl_json_free(v);
}

static void
json_strings(void **state)
{
	struct ctl_json *v = jparse("[\"a \\\"q\\\" \\\\ \\/ \\n\\t\", "
				    "\"\\u00e9\\u20ac\", \"\\ud83d\\ude00\", \"\"]");

	assert_non_null(v);
	assert_string_equal(ctl_json_at(v, 0)->str, "a \"q\" \\ / \n\t");
	assert_string_equal(ctl_json_at(v, 1)->str, "\xc3\xa9\xe2\x82\xac");
	assert_string_equal(ctl_json_at(v, 2)->str, "\xf0\x9f\x98\x80");
	assert_string_equal(ctl_json_at(v, 3)->str, "");
	ctl_json_free(v);
}

static void
json_errors(void **state)
{
	expect_bad_json("", "expected a value");
	expect_bad_json("   ", "expected a value");
	expect_bad_json("{} x", "trailing characters at byte 3");
	expect_bad_json("{\"a\" 1}", "expected ':'");
	expect_bad_json("{\"a\": 1,}", "expected a member name");
	expect_bad_json("{1: 2}", "expected a member name");
	expect_bad_json("[1 2]", "expected ',' or ']'");
	expect_bad_json("[1,]", "unexpected character");
	expect_bad_json("[01]", "expected ',' or ']'");
	expect_bad_json("{\"a\": 1", "expected ',' or '}'");
	expect_bad_json("\"abc", "unterminated string");
	expect_bad_json("\"ab\\", "unterminated string");
	expect_bad_json("\"a\nb\"", "control character");
	expect_bad_json("\"\\x\"", "bad escape");
	expect_bad_json("\"\\u12g4\"", "bad \\u escape");
	expect_bad_json("\"\\u12\"", "bad \\u escape");
	expect_bad_json("\"\\ud83d\"", "bad surrogate");
	expect_bad_json("\"\\ude00\"", "bad surrogate");
	expect_bad_json("-", "bad number");
	expect_bad_json("1.", "bad number");
	expect_bad_json("1e", "bad number");
	expect_bad_json("nul", "unexpected character");
	expect_bad_json("tru", "unexpected character");
	expect_bad_json("'a'", "unexpected character");
}

static void
json_depth(void **state)
{
	char s[2 * CTL_JSON_MAX_DEPTH + 8];
	struct ctl_json *v;
	int i, n = CTL_JSON_MAX_DEPTH;

	for (i = 0; i < n; i++) {
		s[i] = '[';
		s[n + i] = ']';
	}
	s[2 * n] = '\0';
	v = jparse(s);
	assert_non_null(v);
	ctl_json_free(v);
	memmove(s + 1, s, strlen(s) + 1);
	s[0] = '[';
	strcat(s, "]");
	expect_bad_json(s, "nested too deep");
}

static void
json_write_round_trip(void **state)
{
	const char *in = "{\"/onvm/nfs\": {\"0\": {\"name\": \"a\\\"b\\n\", "
			 "\"pid\": 42, \"x\": [1, -2, 3.5], \"e\": {}, "
			 "\"f\": [], \"t\": true, \"n\": null}}}";
	struct ctl_json *v = jparse(in), *w;
	char *out, *out2;

	assert_non_null(v);
	out = jwrite(v);
	assert_string_equal(out, in);
	w = jparse(out);
	assert_non_null(w);
	out2 = jwrite(w);
	assert_string_equal(out, out2);
	free(out);
	free(out2);
	ctl_json_free(v);
	ctl_json_free(w);

	v = jparse("\"\\u0001\\u007f\"");
	out = jwrite(v);
	assert_string_equal(out, "\"\\u0001\\u007f\"");
	free(out);
	ctl_json_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(commands),
		cmocka_unit_test(options_anywhere),
		cmocka_unit_test(option_errors),
		cmocka_unit_test(help),
		cmocka_unit_test(flow_add_del),
		cmocka_unit_test(flow_too_long),
		cmocka_unit_test(stop),
		cmocka_unit_test(chain),
		cmocka_unit_test(nf_ref),
		cmocka_unit_test(json_greeting),
		cmocka_unit_test(json_nested),
		cmocka_unit_test(json_scalars),
		cmocka_unit_test(json_strings),
		cmocka_unit_test(json_errors),
		cmocka_unit_test(json_depth),
		cmocka_unit_test(json_write_round_trip),
	};

	return cmocka_run_group_tests_name("ctl", tests, NULL, NULL);
}
