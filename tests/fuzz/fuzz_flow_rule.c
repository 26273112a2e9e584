/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* onvm_flow_rule_parse() on any string, as a rule and as a match: 0 with a
 * sane rule whose canonical text (onvm_flow_rule_format()) fits
 * ONVM_FLOW_TEXT_LEN and parses back to the same rule; or -EINVAL with a
 * non-empty one-line message. */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "onvm_flow.h"

#define FUZZ_RULE_MAX 512	/* longer than the parser's 255 limit */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const char *s, int with_chain)
{
	struct onvm_flow_rule r, again;
	const size_t errlen = 200;
	char text[ONVM_FLOW_TEXT_LEN];
	char *err = malloc(errlen);
	int rc, n, i;

	if (err == NULL)
		abort();
	err[0] = '\0';
	memset(&r, 0xa5, sizeof(r));
	rc = onvm_flow_rule_parse(s, with_chain, &r, err, errlen);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL, "rc %d", rc);
	if (rc < 0) {
		FUZZ_CHECK(r.chain.len == 0, "chain len %u after an error",
			   r.chain.len);
		FUZZ_CHECK(memchr(err, '\0', errlen) != NULL,
			   "error not terminated");
		FUZZ_CHECK(err[0] != '\0', "empty error message");
		FUZZ_CHECK(strchr(err, '\n') == NULL, "error of two lines");
		free(err);
		return;
	}
	FUZZ_CHECK(r.key.ip_version == 4 || r.key.ip_version == 6,
		   "ip version %u", r.key.ip_version);
	FUZZ_CHECK(r.key.in_port == ONVM_FLOW_PORT_ANY ||
		   r.key.in_port < ONVM_MAX_PORTS, "in_port %u", r.key.in_port);
	if (r.key.ip_version == 4)
		for (i = 4; i < 16; i++)
			FUZZ_CHECK(r.key.src[i] == 0 && r.key.dst[i] == 0,
				   "IPv4 key with stale byte %d", i);
	if (with_chain) {
		FUZZ_CHECK(r.chain.len >= 1 && r.chain.len <= ONVM_MAX_CHAIN,
			   "chain len %u", r.chain.len);
		for (i = 0; i < r.chain.len; i++)
			FUZZ_CHECK(r.chain.sid[i] >= 1 &&
				   r.chain.sid[i] < ONVM_MAX_SERVICES,
				   "sid[%d] = %u", i, r.chain.sid[i]);
	} else {
		FUZZ_CHECK(r.chain.len == 0, "a match with a chain");
	}
	n = onvm_flow_rule_format(&r, text, sizeof(text));
	FUZZ_CHECK(n > 0 && n < (int)sizeof(text), "format gave %d", n);
	FUZZ_CHECK(onvm_flow_rule_parse(text, with_chain, &again, err,
					errlen) == 0,
		   "canonical text '%s' does not parse: %s", text, err);
	FUZZ_CHECK(memcmp(&again.key, &r.key, sizeof(r.key)) == 0,
		   "'%s' parses to another key", text);
	FUZZ_CHECK(again.chain.len == r.chain.len &&
		   memcmp(again.chain.sid, r.chain.sid,
			  r.chain.len * sizeof(r.chain.sid[0])) == 0,
		   "'%s' parses to another chain", text);
	free(err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size < FUZZ_RULE_MAX ? size : FUZZ_RULE_MAX);

	check(s, 1);
	check(s, 0);
	free(s);
	return 0;
}
