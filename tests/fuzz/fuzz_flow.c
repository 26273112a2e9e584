/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* onvm_flow_parse() and onvm_flow_hash() on any byte string: the manager
 * runs them on every packet without an RSS hash, so a read past the frame's
 * end (ASan) or an inconsistent result is a bug. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "onvm_flow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_flow(const struct onvm_flow *f)
{
	FUZZ_CHECK(f->kind <= ONVM_FLOW_TRUNCATED, "kind %u", f->kind);
	FUZZ_CHECK(f->ip_version == 0 || f->ip_version == 4 ||
		   f->ip_version == 6, "ip_version %u", f->ip_version);
	FUZZ_CHECK(f->kind == ONVM_FLOW_L4 ||
		   (f->sport == 0 && f->dport == 0),
		   "ports %u/%u with kind %u", f->sport, f->dport, f->kind);
	FUZZ_CHECK(f->vlan <= 0x0fff, "vlan %u", f->vlan);
	FUZZ_CHECK(f->fragment <= 1, "fragment %u", f->fragment);
	if (f->kind == ONVM_FLOW_L2)
		FUZZ_CHECK(f->ip_version == 0 && f->proto == 0,
			   "L2 flow with IP fields");
	if (f->kind == ONVM_FLOW_IP || f->kind == ONVM_FLOW_L4)
		FUZZ_CHECK(f->ip_version != 0, "IP flow without a version");
	if (f->kind == ONVM_FLOW_L4)
		FUZZ_CHECK(!f->fragment && (f->proto == 6 || f->proto == 17 ||
					    f->proto == 132),
			   "ports of proto %u, fragment %u", f->proto,
			   f->fragment);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct onvm_flow f1, f2;
	uint8_t *frame;

	/* An exactly-sized copy: ASan reports any read past its end. */
	frame = malloc(size ? size : 1);
	if (frame == NULL)
		abort();
	if (size)
		memcpy(frame, data, size);

	memset(&f1, 0x5a, sizeof(f1));
	onvm_flow_parse(frame, (uint32_t)size, &f1);
	check_flow(&f1);

	/* Same bytes, different stale contents of the result: same flow. */
	memset(&f2, 0xa5, sizeof(f2));
	onvm_flow_parse(frame, (uint32_t)size, &f2);
	FUZZ_CHECK(memcmp(&f1, &f2, sizeof(f1)) == 0,
		   "two parses of the same frame differ");
	FUZZ_CHECK(onvm_flow_hash(&f1) == onvm_flow_hash(&f2),
		   "hash differs for the same frame");

	free(frame);
	return 0;
}
