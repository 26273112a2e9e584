/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* onvmctl's command line: global options anywhere, then a command and its
 * arguments, turned into one telemetry request (command and parameters).
 * Checks what can be checked without the manager; the manager checks the
 * rest (rules, chains) and says why in its reply. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_args.h"
#include "onvm_chain.h"
#include "onvm_limits.h"

const char ctl_usage[] =
"usage: onvmctl [--file-prefix P | --socket PATH] [--json] [--timeout SEC]\n"
"               COMMAND [ARGS]\n"
"\n"
"Runtime control of a running onvm-mgr, over its DPDK telemetry socket\n"
"(/var/run/dpdk/P/dpdk_telemetry.v2). Nothing stops while it works.\n"
"\n"
"commands:\n"
"  ports                  ports, their counters and who polls them\n"
"  services               services, their instances, their place on the chain\n"
"  nfs                    NF instances: slot, service, instance, pid, state,\n"
"                         counters\n"
"  flows                  flow rules and their hits\n"
"  flow add RULE          add a flow rule:\n"
"                         PROTO SRC_IP SPORT DST_IP DPORT [in PORT] chain SID[,SID...]\n"
"  flow del MATCH         delete the rule with this match (the rule without\n"
"                         \"chain ...\")\n"
"  stop SID:IID           ask instance IID of service SID to drain and leave;\n"
"  stop --slot N          waits until it has left (--no-wait: do not)\n"
"  chain                  the default chain\n"
"  chain set SID[,SID...] change the default chain\n"
"\n"
"options:\n"
"  -f, --file-prefix P    the manager's EAL --file-prefix (default \"onvm\")\n"
"  -s, --socket PATH      the telemetry socket itself\n"
"  -j, --json             print the manager's reply as JSON, not a table\n"
"  -t, --timeout SEC      give up on the manager after SEC seconds (default 10)\n"
"  -h, --help             this text\n"
"\n"
"dpdk-telemetry.py -f P runs the same commands: /onvm/ports, /onvm/services,\n"
"/onvm/nfs, /onvm/flows[,START], /onvm/flow/add,RULE, /onvm/flow/del,MATCH,\n"
"/onvm/nf/stop,SID:IID (or slot=N), /onvm/chain, /onvm/chain/set,SID[,SID...]\n";

#define CTL_MAX_INSTANCE_ID 65535

static int
ctl_fail(char *err, size_t errlen, const char *fmt, const char *arg)
{
	snprintf(err, errlen, fmt, arg);
	onvm_one_line(err);
	return -EINVAL;
}

int
ctl_parse_nf_ref(const char *s, unsigned int max_slots,
		 struct ctl_nf_ref *ref, char *err, size_t errlen)
{
	char buf[32];
	unsigned long v, w;
	char *colon;

	memset(ref, 0, sizeof(*ref));
	if (s == NULL || *s == '\0')
		return ctl_fail(err, errlen, "%san NF is named SID:IID or "
				"slot=N", "");
	if (strncmp(s, "slot=", 5) == 0) {
		if (max_slots == 0 ||
		    onvm_parse_uint(s + 5, 0, max_slots - 1, &v) < 0) {
			snprintf(err, errlen, "bad slot '%.32s' (0..%u)", s + 5,
				 max_slots ? max_slots - 1 : 0);
			onvm_one_line(err);
			return -EINVAL;
		}
		ref->by_slot = 1;
		ref->slot = (uint16_t)v;
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return ctl_fail(err, errlen, "bad NF '%.32s...' (SID:IID or "
				"slot=N)", s);
	strcpy(buf, s);
	colon = strchr(buf, ':');
	if (colon == NULL)
		return ctl_fail(err, errlen, "bad NF '%s' (SID:IID, e.g. 2:1, "
				"or slot=N)", s);
	*colon = '\0';
	if (onvm_parse_uint(buf, 1, ONVM_MAX_SERVICES - 1, &v) < 0) {
		snprintf(err, errlen, "bad service id '%s' in '%s' (1..%d)",
			 buf, s, ONVM_MAX_SERVICES - 1);
		onvm_one_line(err);
		return -EINVAL;
	}
	if (onvm_parse_uint(colon + 1, 1, CTL_MAX_INSTANCE_ID, &w) < 0) {
		snprintf(err, errlen, "bad instance id '%s' in '%s' (1..%d)",
			 colon + 1, s, CTL_MAX_INSTANCE_ID);
		onvm_one_line(err);
		return -EINVAL;
	}
	ref->service_id = (uint16_t)v;
	ref->instance_id = (uint16_t)w;
	return 0;
}

/* Is @p a option @p l (long) or @p s (short)? Takes "--long=value" too:
 * *val then points after '='. */
static int
is_opt(const char *a, const char *s, const char *l, const char **val)
{
	size_t n = strlen(l);

	*val = NULL;
	if ((s != NULL && strcmp(a, s) == 0) || strcmp(a, l) == 0)
		return 1;
	if (strncmp(a, l, n) == 0 && a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	return 0;
}

/* Join words with single spaces into o->param. */
static int
join_words(struct ctl_opts *o, char **w, int n, const char *what, char *err,
	   size_t errlen)
{
	size_t off = 0, room = CTL_REQ_MAX - strlen(o->tel_cmd) - 1, len;
	int i;

	if (n == 0)
		return ctl_fail(err, errlen, "%s", what);
	o->param[0] = '\0';
	for (i = 0; i < n; i++) {
		len = strlen(w[i]);
		if (off + len + (i > 0) > room) {
			snprintf(err, errlen, "too long: %s takes at most %zu "
				 "characters", o->tel_cmd, room);
			return -EINVAL;
		}
		if (i > 0)
			o->param[off++] = ' ';
		memcpy(o->param + off, w[i], len);
		off += len;
		o->param[off] = '\0';
	}
	if (strspn(o->param, " \t") == off)	/* only blanks */
		return ctl_fail(err, errlen, "%s", what);
	return 0;
}

int
ctl_args_parse(int argc, char **argv, struct ctl_opts *o, char *err,
	       size_t errlen)
{
	char **words;
	const char *val, *slot = NULL, *a;
	struct ctl_nf_ref ref;
	int i, nw = 0, dashdash = 0, rc;
	char *end;

	memset(o, 0, sizeof(*o));
	o->prefix = ONVM_DEFAULT_PREFIX;
	o->timeout = CTL_DEFAULT_TIMEOUT;
	o->cmd = CTL_HELP;
	words = calloc((size_t)argc + 1, sizeof(*words));
	if (words == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* Options anywhere before "--"; everything else is a word. */
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (dashdash || a[0] != '-' || a[1] == '\0') {
			words[nw++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = 1;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			free(words);
			return 1;
		} else if (is_opt(a, "-j", "--json", &val) && val == NULL) {
			o->json = 1;
		} else if (strcmp(a, "--no-wait") == 0) {
			o->no_wait = 1;
		} else if (is_opt(a, "-f", "--file-prefix", &val) ||
			   is_opt(a, "-s", "--socket", &val) ||
			   is_opt(a, "-t", "--timeout", &val) ||
			   is_opt(a, NULL, "--slot", &val)) {
			if (val == NULL && i + 1 >= argc) {
				rc = ctl_fail(err, errlen, "%s needs a value", a);
				goto out;
			}
			if (val == NULL)
				val = argv[++i];
			if (a[1] == 'f' || strncmp(a, "--file-prefix", 13) == 0) {
				if (*val == '\0' ||
				    strlen(val) >= ONVM_PREFIX_LEN ||
				    strchr(val, '/') != NULL) {
					rc = ctl_fail(err, errlen, "bad file "
						      "prefix '%s'", val);
					goto out;
				}
				o->prefix = val;
			} else if (a[1] == 's' || strncmp(a, "--socket", 8) == 0) {
				if (*val == '\0') {
					rc = ctl_fail(err, errlen, "%sempty "
						      "--socket path", "");
					goto out;
				}
				o->socket = val;
			} else if (a[1] == 't' ||
				   strncmp(a, "--timeout", 9) == 0) {
				o->timeout = strtod(val, &end);
				if (*val == '\0' || *end != '\0' ||
				    !(o->timeout > 0 && o->timeout <= 3600)) {
					rc = ctl_fail(err, errlen, "bad timeout "
						      "'%s' (seconds, up to 3600)",
						      val);
					goto out;
				}
			} else {
				slot = val;
			}
		} else {
			rc = ctl_fail(err, errlen, "unknown option '%s' (see "
				      "onvmctl --help)", a);
			goto out;
		}
	}

	rc = -EINVAL;
	if (nw == 0) {
		snprintf(err, errlen, "no command (see onvmctl --help)");
		goto out;
	}
	if (strcmp(words[0], "help") == 0 && nw == 1) {
		rc = 1;
		goto out;
	} else if (strcmp(words[0], "ports") == 0) {
		o->cmd = CTL_PORTS;
		o->tel_cmd = CTL_CMD_PORTS;
	} else if (strcmp(words[0], "services") == 0) {
		o->cmd = CTL_SERVICES;
		o->tel_cmd = CTL_CMD_SERVICES;
	} else if (strcmp(words[0], "nfs") == 0 ||
		   strcmp(words[0], "instances") == 0) {
		o->cmd = CTL_NFS;
		o->tel_cmd = CTL_CMD_NFS;
	} else if (strcmp(words[0], "flows") == 0) {
		o->cmd = CTL_FLOWS;
		o->tel_cmd = CTL_CMD_FLOWS;
	} else if (strcmp(words[0], "flow") == 0) {
		if (nw < 2 || (strcmp(words[1], "add") != 0 &&
			       strcmp(words[1], "del") != 0)) {
			ctl_fail(err, errlen, "flow: expected 'add RULE' or "
				 "'del MATCH'%s", "");
			goto out;
		}
		if (words[1][0] == 'a') {
			o->cmd = CTL_FLOW_ADD;
			o->tel_cmd = CTL_CMD_FLOW_ADD;
			rc = join_words(o, words + 2, nw - 2, "flow add: no "
					"rule (PROTO SRC_IP SPORT DST_IP DPORT "
					"[in PORT] chain SID[,SID...])", err,
					errlen);
		} else {
			o->cmd = CTL_FLOW_DEL;
			o->tel_cmd = CTL_CMD_FLOW_DEL;
			rc = join_words(o, words + 2, nw - 2, "flow del: no "
					"match (PROTO SRC_IP SPORT DST_IP DPORT "
					"[in PORT])", err, errlen);
		}
		goto out;
	} else if (strcmp(words[0], "stop") == 0) {
		o->cmd = CTL_STOP;
		o->tel_cmd = CTL_CMD_NF_STOP;
		if ((slot != NULL) == (nw == 2) || nw > 2) {
			ctl_fail(err, errlen, "stop: name one NF: SID:IID or "
				 "--slot N%s", "");
			goto out;
		}
		a = slot != NULL ? slot : words[1];
		if (strlen(a) > 32) {
			ctl_fail(err, errlen, "stop: bad NF '%.32s...' (SID:IID "
				 "or --slot N)", a);
			goto out;
		}
		snprintf(o->param, sizeof(o->param), "%s%s",
			 slot != NULL ? "slot=" : "", a);
		rc = ctl_parse_nf_ref(o->param, ONVM_MAX_NFS, &ref, err,
				      errlen);
		if (rc < 0)
			goto out;
		slot = NULL;
	} else if (strcmp(words[0], "chain") == 0) {
		if (nw == 1) {
			o->cmd = CTL_CHAIN;
			o->tel_cmd = CTL_CMD_CHAIN;
		} else if (strcmp(words[1], "set") == 0 && nw == 3) {
			o->cmd = CTL_CHAIN_SET;
			o->tel_cmd = CTL_CMD_CHAIN_SET;
			if (words[2][0] == '\0') {
				ctl_fail(err, errlen, "chain set: empty chain%s",
					 "");
				goto out;
			}
			if (strlen(words[2]) > 255) {
				ctl_fail(err, errlen, "chain set: chain too "
					 "long%s", "");
				goto out;
			}
			snprintf(o->param, sizeof(o->param), "%s", words[2]);
			nw = 1;
		} else {
			ctl_fail(err, errlen, "chain: expected nothing or 'set "
				 "SID[,SID...]'%s", "");
			goto out;
		}
	} else {
		ctl_fail(err, errlen, "unknown command '%s' (commands: ports, "
			 "services, nfs, flows, flow add|del, stop, chain "
			 "[set]; see onvmctl --help)", words[0]);
		goto out;
	}
	if (o->cmd != CTL_STOP && nw > 1) {
		snprintf(err, errlen, "%s: unexpected argument '%.64s'",
			 words[0], words[1]);
		onvm_one_line(err);
		goto out;
	}
	rc = 0;
out:
	if (rc == 0 && slot != NULL) {
		rc = ctl_fail(err, errlen, "--slot applies to stop only%s", "");
	} else if (rc == 0 && o->no_wait && o->cmd != CTL_STOP) {
		rc = ctl_fail(err, errlen, "--no-wait applies to stop only%s",
			      "");
	}
	free(words);
	return rc;
}
