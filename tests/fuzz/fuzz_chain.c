/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* onvm_chain_parse() on any string: a valid chain of 1..16 ids in 1..63, or
 * -EINVAL with an empty chain and a message. */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "onvm_chain.h"

#define FUZZ_CHAIN_MAX 1024	/* longer than the parser's 255 limit */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct onvm_chain c;
	char *s, *err;
	const size_t errlen = 256;
	int rc, i;

	s = fuzz_strndup(data, size < FUZZ_CHAIN_MAX ? size : FUZZ_CHAIN_MAX);
	err = malloc(errlen);
	if (err == NULL)
		abort();
	err[0] = '\0';
	memset(&c, 0xa5, sizeof(c));

	rc = onvm_chain_parse(s, &c, err, errlen);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL, "rc %d", rc);
	if (rc == 0) {
		FUZZ_CHECK(c.len >= 1 && c.len <= ONVM_MAX_CHAIN, "len %u",
			   c.len);
		for (i = 0; i < c.len; i++)
			FUZZ_CHECK(c.sid[i] >= 1 &&
				   c.sid[i] < ONVM_MAX_SERVICES,
				   "sid[%d] = %u", i, c.sid[i]);
	} else {
		FUZZ_CHECK(c.len == 0, "len %u after an error", c.len);
		FUZZ_CHECK(memchr(err, '\0', errlen) != NULL,
			   "error not terminated");
		FUZZ_CHECK(err[0] != '\0', "empty error message");
	}
	free(err);
	free(s);
	return 0;
}
