/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* The deployment file parser (tools/onvm_deploy/deploy_conf.h): the
 * examples of deploy/ parse; each bad file of tests/deploy/ gives the error
 * its first line announces; errors name the line; ${VAR}; the command
 * lines; the host checks. */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "deploy_conf.h"
#include "deploy_yaml.h"

#ifndef ONVM_SRC_ROOT
#error "ONVM_SRC_ROOT must be defined (tests/unit/meson.build)"
#endif

#define MGR_OK "manager:\n  ports: [net_null0, net_null1]\n  chain: [1]\n"
#define NF_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"

static struct deploy_conf conf;

static int
parse(const char *yaml, struct deploy_err *e)
{
	deploy_conf_free(&conf);
	return deploy_parse(yaml, strlen(yaml), &conf, e);
}

/* @p yaml fails at @p line with exactly @p msg. */
static void
expect_err(const char *yaml, int line, const char *msg)
{
	struct deploy_err e;
	int rc = parse(yaml, &e);

	if (rc != -EINVAL || e.line != line || strcmp(e.msg, msg) != 0) {
		print_error("input:\n%s\nwant %d: %s\ngot  %d: %s (rc %d)\n",
			    yaml, line, msg, e.line, e.msg, rc);
		fail();
	}
}

static void
expect_ok(const char *yaml)
{
	struct deploy_err e;

	if (parse(yaml, &e) != 0) {
		print_error("input:\n%s\nerror %d: %s\n", yaml, e.line, e.msg);
		fail();
	}
}

/* ---------------------------------------------------------------- good */

static void
examples_parse(void **state)
{
	char path[PATH_MAX], err[512];
	struct dirent *de;
	DIR *d;
	int n = 0;

	setenv("ONVM_DEMO_PCAP", "/tmp/demo.pcap", 1);
	d = opendir(ONVM_SRC_ROOT "/deploy");
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".yaml") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/deploy/%s", ONVM_SRC_ROOT,
			 de->d_name);
		deploy_conf_free(&conf);
		if (deploy_load(path, &conf, err, sizeof(err)) != 0) {
			print_error("%s\n", err);
			fail();
		}
		assert_true(conf.total >= 1);
		n++;
	}
	closedir(d);
	assert_true(n >= 3);
}

static void
two_instances(void **state)
{
	char err[512];

	assert_int_equal(deploy_load(ONVM_SRC_ROOT "/deploy/two-instances.yaml",
				     &conf, err, sizeof(err)), 0);
	assert_string_equal(conf.mgr.file_prefix, "onvm-two");
	assert_int_equal(conf.mgr.nb_ports, 2);
	assert_string_equal(conf.mgr.port[1], "net_null1");
	assert_int_equal(conf.mgr.chain.len, 3);
	assert_int_equal(conf.nb_nfs, 3);
	assert_int_equal(conf.total, 4);
	/* names: given, or the exec without "onvm-" */
	assert_string_equal(conf.nf[0].name, "simple-forward");
	assert_string_equal(conf.nf[1].name, "fwd");
	/* instance ids run on through the file */
	assert_int_equal(conf.nf[0].first_id, 1);
	assert_int_equal(conf.nf[1].first_id, 2);
	assert_int_equal(conf.nf[1].instances, 2);
	assert_int_equal(conf.nf[2].first_id, 4);
	assert_int_equal(conf.nf[1].cores.n, 1);
	assert_int_equal(conf.nf[1].cores.cpu[0], 1);
	/* lcores: 0 */
	assert_int_equal(conf.mgr.lcores.n, 1);
	assert_int_equal(conf.mgr.lcores.cpu[0], 0);
}

static void
all_keys(void **state)
{
	expect_ok("manager:\n"
		  "  exec: /bin/true\n"
		  "  file_prefix: my-prefix_1\n"
		  "  lcores: \"0-2,5\"\n"
		  "  ports: [net_null0, '0000:3b:00.0', 3b:00.1]\n"
		  "  chain: [1, 2, 1]\n"
		  "  stats_interval: 0.5\n"
		  "  stats_json: /tmp/s.json\n"
		  "  restart: 3/10.5\n"
		  "  nf_tx: yes\n"
		  "  nf_rx: yes\n"
		  "  quiet: false\n"
		  "  no_wait: On\n"
		  "  shared_core: true\n"
		  "  eal: [--log-level, 'lib.eal:debug', -a, 0000:00:01.0]\n"
		  "  args: [--ring-size, 512]\n"
		  "nfs:\n"
		  "  - name: a.b-c_d\n"
		  "    exec: ./x/onvm-y\n"
		  "    service: 1\n"
		  "    instances: 16\n"
		  "    cores: [1, 1, 0]\n"
		  "    shared_core: yes\n"
		  "    eal: [--log-level=x]\n"
		  "    args: [-d, 2, --print, '']\n"
		  "  - exec: onvm-z\n"
		  "    service: 2\n"
		  "    cores: 3\n"
		  "flows:\n"
		  "  - {proto: 47, src: 10.0.0.1, dst: 10.0.0.2, chain: 1}\n"
		  "  - {proto: sctp, src: '2001:db8::1', sport: 0, dst: '::1',"
		  " dport: 65535, in_port: 2, chain: [2, 1]}\n");
	assert_int_equal(conf.mgr.lcores.n, 4);
	assert_int_equal(conf.mgr.lcores.cpu[3], 5);
	assert_int_equal(conf.mgr.port_pci[0], 0);
	assert_int_equal(conf.mgr.port_pci[1], 1);
	assert_int_equal(conf.mgr.port_pci[2], 1);
	assert_true(conf.mgr.stats_interval == 0.5);
	assert_int_equal(conf.mgr.nf_tx, 1);
	assert_int_equal(conf.mgr.nf_rx, 1);
	assert_int_equal(conf.mgr.quiet, 0);
	assert_int_equal(conf.mgr.no_wait, 1);
	assert_int_equal(conf.mgr.shared_core, 1);
	assert_int_equal(conf.nf[0].shared_core, 1);
	assert_int_equal(conf.nf[1].shared_core, 0);
	assert_string_equal(conf.mgr.args.v[1], "512");
	assert_int_equal(conf.nf[0].args.n, 4);
	assert_string_equal(conf.nf[0].args.v[3], "");
	assert_int_equal(conf.nf[1].cores.cpu[0], 3);
	assert_string_equal(conf.nf[1].name, "z");
	assert_int_equal(conf.nf[1].first_id, 17);
	assert_int_equal(conf.total, 17);
	assert_int_equal(conf.nb_flows, 2);
	assert_string_equal(conf.flow[0].rule, "47 10.0.0.1 0 10.0.0.2 0 chain 1");
	assert_int_equal(conf.flow[0].in_port, -1);
	assert_string_equal(conf.flow[1].rule,
			    "sctp 2001:db8::1 0 ::1 65535 in 2 chain 2,1");
	assert_int_equal(conf.flow[1].in_port, 2);
}

/* ---------------------------------------------------------------- bad files */

/* Each tests/deploy/bad-*.yaml starts "# error: LINE: MESSAGE"; loading
 * it gives exactly "PATH:LINE: MESSAGE". */
static void
bad_files(void **state)
{
	char path[512], want[1100], got[1100], first[512];
	struct dirent *de;
	FILE *f;
	DIR *d;
	int n = 0;

	d = opendir(ONVM_SRC_ROOT "/tests/deploy");
	assert_non_null(d);
	unsetenv("ONVM_TEST_SURELY_UNSET");
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "bad-", 4) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/tests/deploy/%s",
			 ONVM_SRC_ROOT, de->d_name);
		f = fopen(path, "r");
		assert_non_null(f);
		assert_non_null(fgets(first, sizeof(first), f));
		fclose(f);
		first[strcspn(first, "\n")] = '\0';
		assert_true(strncmp(first, "# error: ", 9) == 0);
		snprintf(want, sizeof(want), "%s:%s", path, first + 9);
		deploy_conf_free(&conf);
		if (deploy_load(path, &conf, got, sizeof(got)) != -EINVAL ||
		    strcmp(got, want) != 0) {
			print_error("want: %s\ngot:  %s\n", want, got);
			fail();
		}
		n++;
	}
	closedir(d);
	assert_true(n >= 10);
}

static void
unreadable(void **state)
{
	char err[512];

	assert_int_equal(deploy_load("/nonexistent/x.yaml", &conf, err,
				     sizeof(err)), -ENOENT);
	assert_string_equal(err, "cannot read /nonexistent/x.yaml: No such "
			    "file or directory");
	assert_true(deploy_load("/", &conf, err, sizeof(err)) < 0);
}

/* ---------------------------------------------------------------- errors */

static void
errors_document(void **state)
{
	expect_err("", 1, "empty file (expected manager: and nfs:, see "
		   "docs/deploy.md)");
	expect_err("# only a comment\n", 1, "empty file (expected manager: "
		   "and nfs:, see docs/deploy.md)");
	expect_err("- a\n- b\n", 1, "expected a mapping with manager: and "
		   "nfs: (key: value lines), not a list");
	expect_err(MGR_OK NF_OK "---\n" MGR_OK NF_OK, 7, "a second YAML "
		   "document starts here; give one only");
	expect_err(MGR_OK NF_OK "other: 1\n", 7, "unknown key 'other' "
		   "(keys: manager, nfs, flows)");
	expect_err(MGR_OK NF_OK "flow:\n", 7, "unknown key 'flow' (did you "
		   "mean 'flows'?)");
	expect_err(NF_OK, 1, "missing 'manager' (its ports and default "
		   "chain)");
	expect_err(MGR_OK "nfs: []\n", 4, "nfs: expected 1..32 NFs, not 0");
	expect_err(MGR_OK "nfs:\n", 4, "nfs: expected a list of NFs (- exec: "
		   "..., service: ...), not nothing");
	expect_err(MGR_OK "nfs:\n  exec: onvm-sink\n", 5, "nfs: expected a "
		   "list of NFs (- exec: ..., service: ...), not a mapping");
	expect_err(MGR_OK "nfs:\n  - onvm-sink\n", 5, "nfs[0]: expected an "
		   "NF (exec:, service:, ...) (key: value lines), not a "
		   "scalar");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    ? [a]\n    : 1\n",
		   6, "nfs[0]: a key must be a name, not a list");
	expect_err("manager: {ports: [net_null0], chain: [1]\n" NF_OK, 2,
		   "YAML syntax: while parsing a flow mapping (from line 1): "
		   "did not find expected ',' or '}'");
	expect_err(MGR_OK "nfs: &a\n  - exec: *a\n", 5, "YAML aliases (*a) "
		   "are not supported; write the value out");
	expect_err(MGR_OK "  stats_json: \"a\\0b\"\n" NF_OK, 4,
		   "manager.stats_json: contains a NUL byte");
}

static void
errors_deep(void **state)
{
	char buf[512];
	int i;

	buf[0] = '\0';
	for (i = 0; i < DY_MAX_DEPTH + 1; i++)
		strcat(buf, "[");
	expect_err(buf, 1, "nested more than 32 deep");
}

static void
errors_manager(void **state)
{
	expect_err("manager:\n  chain: [1]\n" NF_OK, 2, "manager: missing "
		   "'ports' (e.g. ports: [net_null0, net_null1])");
	expect_err("manager:\n  ports: [net_null0]\n" NF_OK, 2, "manager: "
		   "missing 'chain' (the default chain by service id, e.g. "
		   "chain: [1, 2])");
	expect_err("manager:\n  ports: []\n  chain: [1]\n" NF_OK, 2,
		   "manager.ports: the manager takes 1..16 ports, not 0");
	expect_err("manager:\n  ports: net_null0\n  chain: [1]\n" NF_OK, 2,
		   "manager.ports: expected a list of ports (vdevs such as "
		   "net_null0, or PCI addresses), not a scalar");
	expect_err("manager:\n  ports: [net_null0, 'net_null0,size=64']\n"
		   "  chain: [1]\n" NF_OK, 2, "manager.ports[1]: port net_null0 "
		   "is given twice (also manager.ports[0])");
	expect_err("manager:\n  ports: [net_null0]\n  chain: []\n" NF_OK, 3,
		   "manager.chain: a chain has 1..16 services, not 0");
	expect_err("manager:\n  ports: [net_null0]\n  chain: [1, 64]\n" NF_OK,
		   3, "manager.chain[1]: 64 is out of range (1..63)");
	expect_err("manager:\n  ports: [net_null0]\n  chain: [1, x]\n" NF_OK,
		   3, "manager.chain[1]: 'x' is not an integer (expected "
		   "1..63)");
	expect_err("manager:\n  ports: [net_null0]\n  chain: \"1,2\"\n" NF_OK,
		   3, "manager.chain: '1,2' is not an integer (expected "
		   "1..63)");
	expect_err("manager:\n  ports: [net_null0]\n  chain: {a: 1}\n" NF_OK,
		   3, "manager.chain: expected a list of service ids (e.g. "
		   "[1, 2, 3]), not a mapping");
	expect_err("manager:\n  ports: [net_null0]\n  chain: [1]\n"
		   "  chian: [2]\n" NF_OK, 4, "manager: unknown key 'chian' "
		   "(did you mean 'chain'?)");
	expect_err(MGR_OK "  file_prefix: a/b\n" NF_OK, 4,
		   "manager.file_prefix: 'a/b' is not a file prefix (letters, "
		   "digits, '_', '-', '.')");
	expect_err(MGR_OK "  lcores: 1-0\n" NF_OK, 4, "manager.lcores: '1-0' "
		   "is not a CPU list (e.g. 1, \"0-1,3\" or [0, 1])");
	expect_err(MGR_OK "  lcores: [0, 0]\n" NF_OK, 4, "manager.lcores: CPU "
		   "0 is listed twice");
	expect_err(MGR_OK "  lcores: 0-16\n" NF_OK, 4, "manager.lcores: 17 "
		   "lcores; the manager uses at most 16");
	expect_err(MGR_OK "  lcores: 5000\n" NF_OK, 4, "manager.lcores: "
		   "'5000': CPU ids are 0..1023");
	expect_err(MGR_OK "  lcores: [-1]\n" NF_OK, 4, "manager.lcores[0]: -1 "
		   "is out of range (0..1023)");
	expect_err(MGR_OK "  stats_interval: 0.05\n" NF_OK, 4,
		   "manager.stats_interval: 0.05 is out of range (0, or "
		   "0.1..3600 seconds)");
	expect_err(MGR_OK "  stats_interval: soon\n" NF_OK, 4,
		   "manager.stats_interval: 'soon' is not a number of seconds");
	expect_err(MGR_OK "  stats_interval: nan\n" NF_OK, 4,
		   "manager.stats_interval: 'nan' is not a number of seconds");
	expect_err(MGR_OK "  stats_json:\n" NF_OK, 4, "manager.stats_json: "
		   "needs a value");
	expect_err(MGR_OK "  stats_json: ''\n" NF_OK, 4, "manager.stats_json: "
		   "is empty");
	expect_err(MGR_OK "  restart: 0/10\n" NF_OK, 4, "manager.restart: "
		   "'0/10' is not N/SEC (at most N restarts, 1..100, in SEC "
		   "seconds, 1..86400; e.g. \"3/10\")");
	expect_err(MGR_OK "  restart: 3/0.5\n" NF_OK, 4, "manager.restart: "
		   "'3/0.5' is not N/SEC (at most N restarts, 1..100, in SEC "
		   "seconds, 1..86400; e.g. \"3/10\")");
	expect_err(MGR_OK "  nf_tx: maybe\n" NF_OK, 4, "manager.nf_tx: "
		   "expected true or false, not 'maybe'");
	expect_err(MGR_OK "  quiet: [true]\n" NF_OK, 4, "manager.quiet: "
		   "expected true or false, not a list");
	expect_err(MGR_OK "  eal: [--vdev=net_null2]\n" NF_OK, 4,
		   "manager.eal: '--vdev=net_null2' is not allowed here: use "
		   "manager.ports");
	expect_err(MGR_OK "  eal: [-l1]\n" NF_OK, 4, "manager.eal: '-l1' is "
		   "not allowed here: use manager.lcores");
	expect_err(MGR_OK "  eal: [--file-pre, x]\n" NF_OK, 4, "manager.eal: "
		   "'--file-pre' is not allowed here: use manager.file_prefix");
	expect_err(MGR_OK "  eal: --no-pci\n" NF_OK, 4, "manager.eal: "
		   "expected a list of strings, e.g. [--opt, value], not a "
		   "scalar");
	expect_err(MGR_OK "  eal: [[a]]\n" NF_OK, 4, "manager.eal[0]: "
		   "expected a string, not a list");
	expect_err(MGR_OK "  args:\n    - --ring-size\n    - 512\n"
		   "    - --chain=2\n" NF_OK, 7, "manager.args: '--chain=2' is "
		   "not allowed here: use manager.chain");
	expect_err(MGR_OK "  args: [--flow, x]\n" NF_OK, 4, "manager.args: "
		   "'--flow' is not allowed here: use flows");
	expect_err("manager:\n  ports: ['0000:3b:00.0']\n  chain: [1]\n"
		   "  eal: [--no-pci]\n" NF_OK, 4, "manager.eal: --no-pci, but "
		   "manager.ports[0] is a PCI address");
	expect_err("manager:\n  ports: [net_null0, 1net]\n  chain: [1]\n"
		   NF_OK, 2, "manager.ports[1]: '1net' is not a port: expected "
		   "a vdev (DRIVER[,KEY=VALUE...], e.g. net_null0) or a PCI "
		   "address (0000:3b:00.0)");
}

static void
errors_nfs(void **state)
{
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n", 5, "nfs[0]: missing "
		   "'service' (its service id, 1..63)");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 0\n", 6,
		   "nfs[0].service: 0 is out of range (1..63)");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: one\n", 6,
		   "nfs[0].service: 'one' is not an integer (expected 1..63)");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service:\n", 6,
		   "nfs[0].service: needs a value (an integer, 1..63)");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1.5\n", 6,
		   "nfs[0].service: '1.5' is not an integer (expected 1..63)");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: "
		   "99999999999999999999\n", 6, "nfs[0].service: "
		   "99999999999999999999 is out of range (1..63)");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		   "    instances: 0\n", 7, "nfs[0].instances: 0 is out of "
		   "range (1..16)");
	expect_err(MGR_OK "nfs:\n  - exec: [onvm-sink]\n    service: 1\n", 5,
		   "nfs[0].exec: expected a string, not a list");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		   "    name: 'a b'\n", 7, "nfs[0].name: 'a b' is not a name "
		   "(letters, digits, '_', '-', '.')");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		   "    name: abcdefghijklmnopqrstuvwxyz0123456\n", 7,
		   "nfs[0].name: 'abcdefghijklmnopqrstuvwxyz0123456' is not a "
		   "name of 1..31 characters");
	expect_err(MGR_OK "nfs:\n  - exec: 'onvm-a b'\n    service: 1\n", 5,
		   "nfs[0].exec: 'a b' is no name (letters, digits, '_', '-', "
		   "'.'; at most 31); give one with name:");
	expect_err(MGR_OK "nfs:\n  - exec: /usr/bin/\n    service: 1\n", 5,
		   "nfs[0].exec: '' is no name (letters, digits, '_', '-', "
		   "'.'; at most 31); give one with name:");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		   "    cores: []\n", 7, "nfs[0].cores: needs at least one CPU");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		   "    cores: {a: 1}\n", 7, "nfs[0].cores: expected a CPU list "
		   "(e.g. 1, \"0-1,3\" or [0, 1]), not a mapping");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		   "    eal: [-c, '0x3']\n", 7, "nfs[0].eal: '-c' is not "
		   "allowed here: use cores");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		   "    args: [--tag=x]\n", 7, "nfs[0].args: '--tag=x' is not "
		   "allowed here: use name");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		   "  - exec: onvm-sink\n    service: 1\n", 7, "nfs[1]: the "
		   "name 'sink' is also nfs[0]'s; give each NF a name of its "
		   "own");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		   "    instances: 10\n  - name: b\n    exec: onvm-sink\n"
		   "    service: 1\n    instances: 7\n", 8, "nfs[1].instances: "
		   "service 1 would have 17 instances; at most 16");
	/* NF options that are not the library's pass */
	expect_ok(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		  "    args: [-rx, --tags, -n1]\n");
}

static void
errors_flows(void **state)
{
	const char *head = MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
			   "flows:\n";
	char buf[1024];

#define FLOW(s) (snprintf(buf, sizeof(buf), "%s%s", head, s), buf)
	expect_err(FLOW("  - {chain: [1]}\n"), 8, "flows[0]: missing 'proto' "
		   "(tcp, udp, sctp or 0..255)");
	expect_err(FLOW("  - {proto: icmp, chain: [1]}\n"), 8,
		   "flows[0].proto: 'icmp' is not tcp, udp, sctp or a protocol "
		   "number 0..255");
	expect_err(FLOW("  - {proto: 256, chain: [1]}\n"), 8,
		   "flows[0].proto: 256 is out of range (0..255)");
	expect_err(FLOW("  - {proto: tcp, chain: [1]}\n"), 8, "flows[0]: "
		   "missing 'src' (the source address, e.g. 10.0.0.1)");
	expect_err(FLOW("  - {proto: tcp, src: 10.0.0.1, chain: [1]}\n"), 8,
		   "flows[0]: missing 'dst' (the destination address, e.g. "
		   "10.0.0.2)");
	expect_err(FLOW("  - {proto: tcp, src: 10.0.0.1, dst: 10.0.0.2,"
			" chain: [1]}\n"), 8, "flows[0]: missing 'sport' "
		   "(0..65535)");
	expect_err(FLOW("  - {proto: udp, src: 10.0.0.1, sport: 1, dst: "
			"10.0.0.2, dport: 2}\n"), 8, "flows[0]: missing 'chain' "
		   "(the services its packets go through, e.g. chain: [2, 3])");
	expect_err(FLOW("  - {proto: udp, src: 10.0.0.1, sport: 1, dst: "
			"10.0.0.2, dport: 2, chain: [2]}\n"), 8,
		   "flows[0].chain: service 2 has no NF (add one with service: "
		   "2 to nfs)");
	expect_err(FLOW("  - proto: udp\n    src: 10.0.0.1\n"
			"    dst: 10.0.0.2\n    sport: 65536\n"), 11,
		   "flows[0].sport: 65536 is out of range (0..65535)");
	expect_err(FLOW("  - {proto: tcp, src: 10.0.0.0/24, chain: [1]}\n"),
		   8, "flows[0].src: '10.0.0.0/24' is not an IPv4 or IPv6 "
		   "address (a flow rule matches one address, e.g. 10.0.0.1 or "
		   "2001:db8::1)");
	expect_err(FLOW("  - proto: tcp\n    src: 10.0.0.1\n"
			"    dst: 2001:db8::2\n"), 10, "flows[0].dst: 2001:db8::2 "
		   "is IPv6 and src IPv4; give both of one version");
	expect_err(FLOW("  - {proto: 1, src: 10.0.0.1, dst: 10.0.0.2, "
			"dport: 7, chain: [1]}\n"), 8, "flows[0].dport: protocol "
		   "1 has no ports; leave dport out (or 0)");
	expect_err(FLOW("  - {proto: 1, src: 10.0.0.1, dst: 10.0.0.2, "
			"in_port: 2, chain: [1]}\n"), 8, "flows[0].in_port: port 2 "
		   "does not exist (manager.ports has 2: 0..1)");
	expect_err(FLOW("  - {proto: 1, src: 10.0.0.1, dst: 10.0.0.2, "
			"chain: [1]}\n  - {proto: 1, src: 10.0.0.1, dst: "
			"10.0.0.2, dprt: 1, chain: [1]}\n"), 9,
		   "flows[1]: unknown key 'dprt' (did you mean 'dport'?)");
	expect_err(FLOW("  proto: tcp\n"), 8, "flows: expected a list of flow "
		   "rules, not a mapping");
#undef FLOW
}

/* ---------------------------------------------------------------- ${VAR} */

static void
env_vars(void **state)
{
	setenv("ONVM_T_PCAP", "/tmp/in.pcap", 1);
	setenv("ONVM_T_EMPTY", "", 1);
	unsetenv("ONVM_T_UNSET");
	expect_ok("manager:\n  ports: ['net_pcap0,rx_pcap=${ONVM_T_PCAP}',"
		  " 'net_null${ONVM_T_UNSET:-1}', 'net_null${ONVM_T_EMPTY:-2}',"
		  " 'net_null3']\n  chain: [1]\n"
		  "  stats_json: ${ONVM_T_EMPTY}$${x}\n" NF_OK);
	assert_string_equal(conf.mgr.port[0], "net_pcap0,rx_pcap=/tmp/in.pcap");
	assert_string_equal(conf.mgr.port[1], "net_null1");
	assert_string_equal(conf.mgr.port[2], "net_null2");
	assert_string_equal(conf.mgr.stats_json, "${x}");
	/* a bare $ stays */
	expect_ok(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		  "    args: [a$b, $, a$$b]\n");
	assert_string_equal(conf.nf[0].args.v[0], "a$b");
	assert_string_equal(conf.nf[0].args.v[1], "$");
	assert_string_equal(conf.nf[0].args.v[2], "a$b");
	expect_err(MGR_OK "  stats_json: /tmp/${ONVM_T_UNSET}.json\n" NF_OK, 4,
		   "manager.stats_json: ${ONVM_T_UNSET} is not set (give a "
		   "default: ${ONVM_T_UNSET:-VALUE})");
	expect_err(MGR_OK "  stats_json: /tmp/${ONVM_T_PCAP\n" NF_OK, 4,
		   "manager.stats_json: '${' without its '}' (write $$ for a "
		   "'$')");
	expect_err(MGR_OK "  stats_json: ${A-B}\n" NF_OK, 4,
		   "manager.stats_json: bad variable name 'A-B'");
	expect_err(MGR_OK "  stats_json: ${A:=b}\n" NF_OK, 4,
		   "manager.stats_json: bad variable '${A:=b}' (expected "
		   "${NAME} or ${NAME:-default})");
	expect_err(MGR_OK "  stats_json: ${}\n" NF_OK, 4, "manager.stats_json: "
		   "bad variable '${}' (expected ${NAME} or ${NAME:-default})");
}

/* ---------------------------------------------------------------- argv */

static int
argv_has(const struct deploy_argv *a, const char *s)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], s) == 0)
			return i;
	return -1;
}

static void
argv_mgr(void **state)
{
	struct deploy_argv a;
	char line[2048];
	int i;

	expect_ok(MGR_OK "  lcores: [0, 1]\n  quiet: true\n"
		  "  args: [--ring-size, '512']\n"
		  "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		  "flows:\n  - {proto: udp, src: 10.0.0.1, sport: 1234, dst: "
		  "10.0.0.2, dport: 80, chain: [1]}\n");
	assert_int_equal(deploy_mgr_argv(&conf, "/tmp/s.json", &a), 0);
	assert_null(a.argv[a.argc]);
	assert_string_equal(a.argv[0], "onvm-mgr");
	assert_string_equal(a.argv[1], "-l");
	assert_string_equal(a.argv[2], "0,1");
	assert_string_equal(a.argv[3], "--file-prefix=onvm");
	assert_true(argv_has(&a, "--no-pci") > 0);
	assert_true(argv_has(&a, "--vdev=net_null1") > 0);
	i = argv_has(&a, "--");
	assert_true(i > argv_has(&a, "--vdev=net_null1"));
	assert_string_equal(a.argv[i + 1], "--chain");
	assert_string_equal(a.argv[i + 2], "1");
	assert_true(argv_has(&a, "--stats-json") > i);
	assert_true(argv_has(&a, "--quiet") > i);
	assert_int_equal(argv_has(&a, "--max-nfs"), -1);
	i = argv_has(&a, "--flow");
	assert_true(i > 0);
	assert_string_equal(a.argv[i + 1], "udp 10.0.0.1 1234 10.0.0.2 80 "
			    "chain 1");
	assert_string_equal(a.argv[a.argc - 1], "512");
	deploy_argv_str(&a, line, sizeof(line));
	assert_non_null(strstr(line, " --flow 'udp 10.0.0.1 1234 10.0.0.2 80 "
			       "chain 1' "));
	deploy_argv_free(&a);

	/* a PCI address or an -a of the user's: no --no-pci */
	expect_ok("manager:\n  ports: ['0000:3b:00.0', net_null0]\n"
		  "  chain: [1]\n" NF_OK);
	assert_int_equal(deploy_mgr_argv(&conf, NULL, &a), 0);
	assert_int_equal(argv_has(&a, "--no-pci"), -1);
	i = argv_has(&a, "-a");
	assert_true(i > 0);
	assert_string_equal(a.argv[i + 1], "0000:3b:00.0");
	assert_int_equal(argv_has(&a, "--stats-json"), -1);
	deploy_argv_free(&a);
	expect_ok(MGR_OK "  eal: [-a, '0000:3b:00.0', --log-level=8]\n" NF_OK);
	assert_int_equal(deploy_mgr_argv(&conf, NULL, &a), 0);
	assert_int_equal(argv_has(&a, "--no-pci"), -1);
	assert_int_equal(argv_has(&a, "--log-level=lib.eal:notice"), -1);
	deploy_argv_free(&a);

	/* more than 16 instances: room for them */
	expect_ok(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		  "    instances: 16\n  - name: b\n    exec: onvm-sink\n"
		  "    service: 2\n    instances: 4\n");
	assert_int_equal(deploy_mgr_argv(&conf, NULL, &a), 0);
	i = argv_has(&a, "--max-nfs");
	assert_true(i > 0);
	assert_string_equal(a.argv[i + 1], "20");
	deploy_argv_free(&a);
}

/* scale: --scale for the manager, --launch for a min-0 NF (which
 * onvm-deploy does not start), room for max instances. */
static void
scale(void **state)
{
	struct deploy_argv a;
	int i;

	(void)state;
	expect_ok(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		  "    instances: 2\n    cores: [1]\n"
		  "    scale: {min: 1, max: 12, high: 75, low: 10, for: 500ms, "
		  "cooldown: 3s, metric: drops}\n"
		  "  - name: ev\n    exec: onvm-sink\n    service: 2\n"
		  "    args: [--x, 'a b']\n    scale: {min: 0, max: 6, wait: 100}\n");
	assert_int_equal(conf.nf[0].instances, 2);
	assert_int_equal(conf.nf[1].instances, 0);
	assert_int_equal(conf.total, 2);
	assert_int_equal(conf.max_total, 18);
	assert_int_equal(deploy_mgr_argv(&conf, NULL, &a), 0);
	i = argv_has(&a, "--scale");
	assert_true(i > 0);
	assert_string_equal(a.argv[i + 1], "1:min=1,max=12,high=75,low=10,"
			    "for=500ms,cooldown=3s,metric=drops");
	assert_string_equal(a.argv[i + 2], "--scale");
	assert_string_equal(a.argv[i + 3], "2:min=0,max=6,wait=100");
	assert_string_equal(a.argv[i + 4], "--launch");
	assert_string_equal(a.argv[i + 5], "2:onvm-sink -- -r 2 -n 3 --tag ev "
			    "--file-prefix onvm --x 'a b'");
	i = argv_has(&a, "--max-nfs");
	assert_true(i > 0);
	assert_string_equal(a.argv[i + 1], "18");
	deploy_argv_free(&a);

	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		   "    scale: {max: 0}\n", 7,
		   "nfs[0].scale: max=0 (expected 1..16)");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		   "    scale: {mni: 0}\n", 7,
		   "nfs[0].scale: unknown key 'mni' (did you mean 'min'?)");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		   "    instances: 2\n    scale: {min: 0}\n", 7,
		   "nfs[0].instances: with scale.min 0 the first packet starts "
		   "the NF; leave instances out");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		   "    instances: 5\n    scale: {max: 4}\n", 5,
		   "nfs[0].instances: 5 is not within scale.min 1 .. scale.max 4");
	expect_err(MGR_OK "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		   "    scale: {for: 'a,b'}\n", 7,
		   "nfs[0].scale.for: 'a,b' is not a value");
}

static void
argv_nf(void **state)
{
	struct deploy_argv a;
	char line[1024];

	expect_ok(MGR_OK "  file_prefix: pfx\n"
		  "nfs:\n  - exec: onvm-sink\n    service: 1\n"
		  "  - name: fwd\n    exec: /x/onvm-simple-forward\n"
		  "    service: 1\n    instances: 3\n    cores: [2, 3]\n"
		  "    eal: [--log-level=9]\n    args: [-d, 1, \"it's\"]\n");
	assert_int_equal(deploy_nf_argv(&conf, 0, 0, &a), 0);
	deploy_argv_str(&a, line, sizeof(line));
	assert_string_equal(line, "onvm-sink -- -r 1 -n 1 --tag sink "
			    "--file-prefix pfx");
	deploy_argv_free(&a);
	assert_int_equal(deploy_nf_argv(&conf, 1, 2, &a), 0);
	assert_null(a.argv[a.argc]);
	deploy_argv_str(&a, line, sizeof(line));
	/* instance 3 of the spec: ids 2, 3, 4; CPUs 2, 3, 2 */
	assert_string_equal(line, "/x/onvm-simple-forward -l 2 "
			    "--log-level=9 -- -r 1 -n 4 --tag fwd "
			    "--file-prefix pfx -d 1 'it'\\''s'");
	deploy_argv_free(&a);
	assert_int_equal(deploy_nf_argv(&conf, 1, 1, &a), 0);
	assert_string_equal(a.argv[2], "3");
	deploy_argv_free(&a);
}

/* ---------------------------------------------------------------- host */

static void
host_checks(void **state)
{
	struct deploy_err e;
	char dir[] = "/tmp/onvm-test-deploy-XXXXXX", path[64], out[PATH_MAX];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/onvm-x", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\n", f);
	fclose(f);

	/* next to onvm-deploy: only if executable */
	assert_int_equal(deploy_find_exec("onvm-x", dir, out, sizeof(out)),
			 -ENOENT);
	chmod(path, 0755);
	assert_int_equal(deploy_find_exec("onvm-x", dir, out, sizeof(out)), 0);
	assert_string_equal(out, path);
	/* a path stays a path */
	assert_int_equal(deploy_find_exec("/bin/sh", dir, out, sizeof(out)), 0);
	assert_string_equal(out, "/bin/sh");
	assert_int_equal(deploy_find_exec("./nonexistent/x", dir, out,
					  sizeof(out)), -ENOENT);
	/* PATH */
	assert_int_equal(deploy_find_exec("sh", "/nonexistent", out,
					  sizeof(out)), 0);
	assert_true(strcmp(out + strlen(out) - 3, "/sh") == 0);
	assert_int_equal(deploy_find_exec("onvm-no-such-program", dir, out,
					  sizeof(out)), -ENOENT);

	snprintf(out, sizeof(out), "manager:\n  exec: %s\n  ports: [net_null0]\n"
		 "  chain: [1]\n  file_prefix: onvmt_unit_%d\n"
		 "nfs:\n  - exec: %s\n    service: 1\n", path, (int)getpid(),
		 path);
	expect_ok(out);
	assert_int_equal(deploy_check_host(&conf, dir, &e), 0);
	assert_string_equal(conf.mgr.path, path);
	assert_string_equal(conf.nf[0].path, path);

	/* a CPU this process may not run on */
	expect_ok("manager:\n  exec: /bin/sh\n  ports: [net_null0]\n"
		  "  chain: [1]\n"
		  "nfs:\n  - exec: /bin/sh\n    service: 1\n"
		  "    cores: [0, 1023]\n");
	assert_int_equal(deploy_check_host(&conf, dir, &e), -EINVAL);
	assert_int_equal(e.line, 8);
	assert_non_null(strstr(e.msg, "nfs[0].cores: CPU 1023 is not "
			       "available on this host (CPUs 0"));
	/* a program nowhere */
	expect_ok(MGR_OK "  exec: /bin/sh\nnfs:\n  - exec: onvm-no-such-nf\n"
		  "    service: 1\n");
	assert_int_equal(deploy_check_host(&conf, dir, &e), -ENOENT);
	assert_int_equal(e.line, 6);
	assert_string_equal(e.msg, "nfs[0].exec: 'onvm-no-such-nf' not found "
			    "(looked next to onvm-deploy, in its build tree "
			    "and in PATH)");
	chmod(path, 0644);
	snprintf(out, sizeof(out), MGR_OK "  exec: %s\n" NF_OK, path);
	expect_ok(out);
	assert_int_equal(deploy_check_host(&conf, dir, &e), -EACCES);
	assert_int_equal(e.line, 4);
	snprintf(out, sizeof(out), "manager.exec: '%s' is not executable",
		 path);
	assert_string_equal(e.msg, out);

	unlink(path);
	rmdir(dir);
}

/* Every error message is one line and names a line of the input. */
static void
lines_in_range(void **state)
{
	static const char *const inputs[] = {
		"a: [", "a: {b: c", "\"unterminated", "- ]", "a: b: c",
		"manager: x\n", "manager:\n  ports: [\"\\xff\"]\n",
		"\xff\xfe", "a: !!binary x\n", "? a\n? a\n",
	};
	struct deploy_err e;
	size_t i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		assert_true(parse(inputs[i], &e) < 0);
		assert_true(e.line >= 1 && e.line <= 3);
		assert_true(e.msg[0] != '\0');
		assert_null(strchr(e.msg, '\n'));
	}
}

static int
teardown(void **state)
{
	deploy_conf_free(&conf);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(examples_parse, teardown),
		cmocka_unit_test_teardown(two_instances, teardown),
		cmocka_unit_test_teardown(all_keys, teardown),
		cmocka_unit_test_teardown(bad_files, teardown),
		cmocka_unit_test_teardown(unreadable, teardown),
		cmocka_unit_test_teardown(errors_document, teardown),
		cmocka_unit_test_teardown(errors_deep, teardown),
		cmocka_unit_test_teardown(errors_manager, teardown),
		cmocka_unit_test_teardown(errors_nfs, teardown),
		cmocka_unit_test_teardown(errors_flows, teardown),
		cmocka_unit_test_teardown(env_vars, teardown),
		cmocka_unit_test_teardown(argv_mgr, teardown),
		cmocka_unit_test_teardown(argv_nf, teardown),
		cmocka_unit_test_teardown(scale, teardown),
		cmocka_unit_test_teardown(host_checks, teardown),
		cmocka_unit_test_teardown(lines_in_range, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
