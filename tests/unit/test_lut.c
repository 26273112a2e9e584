/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* The Maglev lookup table of a service (onvm_lut_build(), onvm_svc.h):
 * balance, minimal disruption when a slot leaves or joins, determinism,
 * and the flows a change moves. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "onvm_svc.h"

#define M ((unsigned int)ONVM_LUT_SIZE)

static uint8_t empty[M];

static void
fill_empty(void)
{
	memset(empty, ONVM_LUT_NONE, sizeof(empty));
}

/* Every entry is one of slots[0, n), and each holds M / n or one more. */
static void
assert_balanced(const uint8_t *t, const uint16_t *slots, uint16_t n)
{
	unsigned int count[256] = { 0 }, e, i, total = 0;

	for (e = 0; e < M; e++)
		count[t[e]]++;
	for (i = 0; i < n; i++) {
		if (count[slots[i]] != M / n && count[slots[i]] != M / n + 1)
			fail_msg("slot %u holds %u entries of %u, not %u or %u",
				 slots[i], count[slots[i]], M, M / n, M / n + 1);
		total += count[slots[i]];
	}
	assert_int_equal(total, M);
}

static void
lut_one_and_none(void **state)
{
	uint8_t t[M];
	uint16_t one = 7;
	unsigned int e;

	fill_empty();
	onvm_lut_build(empty, t, &one, 1);
	for (e = 0; e < M; e++)
		assert_int_equal(t[e], 7);
	onvm_lut_build(t, t, NULL, 0);
	for (e = 0; e < M; e++)
		assert_int_equal(t[e], ONVM_LUT_NONE);
}

static void
lut_balanced_from_scratch(void **state)
{
	uint16_t slots[ONVM_MAX_INSTANCES];
	uint8_t t[M];
	uint16_t n, i;

	fill_empty();
	for (n = 1; n <= ONVM_MAX_INSTANCES; n++) {
		for (i = 0; i < n; i++)
			slots[i] = (uint16_t)(3 * i + 1);
		onvm_lut_build(empty, t, slots, n);
		assert_balanced(t, slots, n);
	}
}

/* Removing a slot moves its entries only; adding one moves entries to it
 * only; the result stays balanced. */
static void
lut_minimal_disruption(void **state)
{
	uint16_t slots[ONVM_MAX_INSTANCES];
	uint8_t a[M], b[M];
	unsigned int e, moved;
	uint16_t n, i, gone;

	fill_empty();
	for (n = 2; n <= ONVM_MAX_INSTANCES; n++) {
		for (i = 0; i < n; i++)
			slots[i] = i;
		onvm_lut_build(empty, a, slots, n);
		/* remove each slot in turn */
		for (gone = 0; gone < n; gone++) {
			uint16_t rest[ONVM_MAX_INSTANCES], k = 0;

			for (i = 0; i < n; i++)
				if (i != gone)
					rest[k++] = slots[i];
			onvm_lut_build(a, b, rest, k);
			assert_balanced(b, rest, k);
			for (moved = 0, e = 0; e < M; e++) {
				if (a[e] != gone)
					assert_int_equal(b[e], a[e]);
				moved += a[e] != b[e];
			}
			assert_true(moved == M / n || moved == M / n + 1);
		}
		/* add one */
		slots[n - 1] = 20;
		onvm_lut_build(a, b, slots, n);
		/* a had slot n-1, not 20: replace = remove + add; only the
		 * removed slot's entries change */
		assert_balanced(b, slots, n);
		for (e = 0; e < M; e++)
			if (a[e] != n - 1)
				assert_int_equal(b[e], a[e]);
		/* pure add: n - 1 slots, then n */
		onvm_lut_build(empty, a, slots, (uint16_t)(n - 1));
		onvm_lut_build(a, b, slots, n);
		assert_balanced(b, slots, n);
		for (moved = 0, e = 0; e < M; e++) {
			if (b[e] != a[e]) {
				assert_int_equal(b[e], 20);
				moved++;
			}
		}
		assert_true(moved == M / n || moved == M / n + 1);
	}
}

/* The table depends on the set of slots, not their order; and a long run
 * of joins and leaves stays balanced, each step moving only what it must. */
static void
lut_order_and_churn(void **state)
{
	uint16_t s1[3] = { 4, 9, 2 }, s2[3] = { 2, 4, 9 };
	uint16_t slots[ONVM_MAX_INSTANCES], n = 0, i, j;
	uint8_t a[M], b[M];
	unsigned int e, step, moved, lim;

	fill_empty();
	onvm_lut_build(empty, a, s1, 3);
	onvm_lut_build(empty, b, s2, 3);
	assert_memory_equal(a, b, M);

	srand(7);
	memcpy(a, empty, M);
	for (step = 0; step < 400; step++) {
		int join = n == 0 || (n < ONVM_MAX_INSTANCES && rand() % 2);
		uint16_t who = 0;

		if (join) {
			/* a slot not in the set */
			do {
				who = (uint16_t)(rand() % 32);
				for (j = 0; j < n && slots[j] != who; j++)
					;
			} while (j < n);
			slots[n++] = who;
		} else {
			i = (uint16_t)(rand() % n);
			who = slots[i];
			slots[i] = slots[--n];
		}
		onvm_lut_build(a, b, slots, n);
		if (n > 0)
			assert_balanced(b, slots, n);
		for (moved = 0, e = 0; e < M; e++) {
			if (a[e] == b[e])
				continue;
			moved++;
			/* a join moves entries to the new slot; a leave moves
			 * the leaving slot's */
			if (join)
				assert_int_equal(b[e], who);
			else
				assert_int_equal(a[e], who);
		}
		/* about M / n: the new slot's share, or the old one's */
		lim = n == 0 ? M : join ? M / n + 1 : M / (n + 1) + 1;
		assert_true(moved <= lim);
		memcpy(a, b, M);
	}
}

/* Flows (hashes) over 3 instances, then one removed: each flow keeps its
 * instance unless it was on the removed one; about a third move. */
static void
lut_flows_moved(void **state)
{
	enum { FLOWS = 30000 };
	uint16_t three[3] = { 0, 1, 2 }, two[2] = { 0, 2 };
	uint8_t a[M], b[M];
	unsigned int per[3] = { 0 }, moved = 0, f;
	uint32_t h;
	uint8_t x, y;

	fill_empty();
	onvm_lut_build(empty, a, three, 3);
	onvm_lut_build(a, b, two, 2);
	for (f = 0; f < FLOWS; f++) {
		h = f * 2654435761u ^ (f >> 3) * 40503u;
		x = a[onvm_lut_index(h)];
		y = b[onvm_lut_index(h)];
		per[x]++;
		if (x != 1)
			assert_int_equal(y, x);
		else
			moved++;
	}
	/* balanced within a few percent */
	for (f = 0; f < 3; f++)
		assert_true(per[f] > FLOWS / 3 * 9 / 10 &&
			    per[f] < FLOWS / 3 * 11 / 10);
	assert_int_equal(moved, per[1]);
	print_message("30000 flows over 3 instances: %u %u %u; removing the "
		      "second moved %u (%.1f %%), no other\n", per[0], per[1],
		      per[2], moved, 100.0 * moved / FLOWS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lut_one_and_none),
		cmocka_unit_test(lut_balanced_from_scratch),
		cmocka_unit_test(lut_minimal_disruption),
		cmocka_unit_test(lut_order_and_churn),
		cmocka_unit_test(lut_flows_moved),
	};

	return cmocka_run_group_tests_name("lut", tests, NULL, NULL);
}
