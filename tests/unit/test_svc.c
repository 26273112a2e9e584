/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* The service table: service id -> live NF instances (onvm_svc.h). */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "onvm_svc.h"

/* Is @p slot among the live instances of @p s? */
static int
svc_has(const struct onvm_service *s, uint16_t slot)
{
	for (uint16_t i = 0; i < s->n; i++)
		if (s->slot[i] == slot)
			return 1;
	return 0;
}

static void
add_until_full(void **state)
{
	struct onvm_service s;
	uint16_t i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < ONVM_MAX_INSTANCES; i++) {
		assert_int_equal(onvm_svc_add(&s, 100 + i), 0);
		assert_int_equal(s.n, i + 1);
	}
	assert_int_equal(onvm_svc_add(&s, 999), -ENOSPC);
	assert_int_equal(s.n, ONVM_MAX_INSTANCES);
	assert_false(svc_has(&s, 999));
	/* a duplicate is reported as such even when full */
	assert_int_equal(onvm_svc_add(&s, 100), -EEXIST);
}

static void
add_duplicate(void **state)
{
	struct onvm_service s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(onvm_svc_add(&s, 3), 0);
	assert_int_equal(onvm_svc_add(&s, 4), 0);
	assert_int_equal(onvm_svc_add(&s, 3), -EEXIST);
	assert_int_equal(onvm_svc_add(&s, 4), -EEXIST);
	assert_int_equal(s.n, 2);
	/* slot 0 is a valid NF slot */
	assert_int_equal(onvm_svc_add(&s, 0), 0);
	assert_int_equal(onvm_svc_add(&s, 0), -EEXIST);
	assert_int_equal(s.n, 3);
}

static void
remove_missing(void **state)
{
	struct onvm_service s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(onvm_svc_remove(&s, 0), -ENOENT);
	assert_int_equal(onvm_svc_add(&s, 1), 0);
	assert_int_equal(onvm_svc_remove(&s, 2), -ENOENT);
	assert_int_equal(s.n, 1);
	assert_int_equal(onvm_svc_remove(&s, 1), 0);
	assert_int_equal(onvm_svc_remove(&s, 1), -ENOENT);
	assert_int_equal(s.n, 0);
}

static void
remove_keeps_others(void **state)
{
	struct onvm_service s;
	uint16_t i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < 5; i++)
		assert_int_equal(onvm_svc_add(&s, 10 + i), 0);

	/* from the middle, the front and the back */
	assert_int_equal(onvm_svc_remove(&s, 12), 0);
	assert_int_equal(s.n, 4);
	assert_false(svc_has(&s, 12));
	assert_true(svc_has(&s, 10) && svc_has(&s, 11) && svc_has(&s, 13) &&
		    svc_has(&s, 14));

	assert_int_equal(onvm_svc_remove(&s, 10), 0);
	assert_int_equal(onvm_svc_remove(&s, 14), 0);
	assert_int_equal(s.n, 2);
	assert_true(svc_has(&s, 11) && svc_has(&s, 13));

	/* the freed room can be used again, and a removed slot re-added */
	assert_int_equal(onvm_svc_add(&s, 12), 0);
	assert_int_equal(s.n, 3);
	assert_true(svc_has(&s, 11) && svc_has(&s, 12) && svc_has(&s, 13));

	/* emptied completely, then full again */
	assert_int_equal(onvm_svc_remove(&s, 11), 0);
	assert_int_equal(onvm_svc_remove(&s, 12), 0);
	assert_int_equal(onvm_svc_remove(&s, 13), 0);
	assert_int_equal(s.n, 0);
	for (i = 0; i < ONVM_MAX_INSTANCES; i++)
		assert_int_equal(onvm_svc_add(&s, i), 0);
	assert_int_equal(onvm_svc_add(&s, 50), -ENOSPC);
}

/* An empty service as the manager sets it up: no instance, no table. */
static void
svc_init(struct onvm_service *s)
{
	memset(s, 0, sizeof(*s));
	memset(s->lut, ONVM_LUT_NONE, sizeof(s->lut));
}

/* What the manager does after each change: fill the other table, flip. */
static void
svc_publish(struct onvm_service *s)
{
	uint32_t cur = s->lut_cur & 1;

	onvm_lut_build(s->lut[cur], s->lut[cur ^ 1], s->slot, s->n);
	s->lut_cur = cur ^ 1;
}

static void
pick_empty(void **state)
{
	struct onvm_service s;

	svc_init(&s);
	assert_int_equal(onvm_svc_pick(&s, 0), -1);
	assert_int_equal(onvm_svc_pick(&s, 12345), -1);
	assert_int_equal(onvm_svc_add(&s, 7), 0);
	svc_publish(&s);
	assert_int_equal(onvm_svc_remove(&s, 7), 0);
	svc_publish(&s);
	assert_int_equal(onvm_svc_pick(&s, 12345), -1);
}

static void
pick_single(void **state)
{
	struct onvm_service s;
	uint32_t h;

	svc_init(&s);
	assert_int_equal(onvm_svc_add(&s, 9), 0);
	svc_publish(&s);
	for (h = 0; h < 1000; h++)
		assert_int_equal(onvm_svc_pick(&s, h * 2654435761u), 9);
	assert_int_equal(onvm_svc_pick(&s, UINT32_MAX), 9);
}

static void
pick_deterministic(void **state)
{
	struct onvm_service s;
	int seen[ONVM_MAX_NFS] = { 0 };
	uint32_t h;
	int a, b;

	svc_init(&s);
	assert_int_equal(onvm_svc_add(&s, 4), 0);
	svc_publish(&s);
	assert_int_equal(onvm_svc_add(&s, 5), 0);
	svc_publish(&s);
	assert_int_equal(onvm_svc_add(&s, 6), 0);
	svc_publish(&s);

	for (h = 0; h < 3000; h++) {
		/* same flow hash, same instance; always a live one */
		a = onvm_svc_pick(&s, h * 2654435761u);
		b = onvm_svc_pick(&s, h * 2654435761u);
		assert_int_equal(a, b);
		assert_true(a >= 4 && a <= 6);
		seen[a]++;
	}
	/* and the flows are spread over every instance */
	assert_true(seen[4] > 0 && seen[5] > 0 && seen[6] > 0);

	/* after a removal, no flow goes to the removed instance, and only
	 * its flows move */
	{
		int before[3000];

		for (h = 0; h < 3000; h++)
			before[h] = onvm_svc_pick(&s, h * 2654435761u);
		assert_int_equal(onvm_svc_remove(&s, 5), 0);
		svc_publish(&s);
		for (h = 0; h < 3000; h++) {
			a = onvm_svc_pick(&s, h * 2654435761u);
			assert_true(a == 4 || a == 6);
			if (before[h] != 5)
				assert_int_equal(a, before[h]);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_until_full),
		cmocka_unit_test(add_duplicate),
		cmocka_unit_test(remove_missing),
		cmocka_unit_test(remove_keeps_others),
		cmocka_unit_test(pick_empty),
		cmocka_unit_test(pick_single),
		cmocka_unit_test(pick_deterministic),
	};

	return cmocka_run_group_tests_name("svc", tests, NULL, NULL);
}
