/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Backpressure watermarks and their hysteresis (onvm_bp.h). */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "onvm_bp.h"

static void
marks_from_percent(void **state)
{
	uint32_t hi, lo;

	(void)state;
	assert_int_equal(onvm_bp_marks(1023, 80, 50, &hi, &lo), 0);
	assert_int_equal(hi, 818);
	assert_int_equal(lo, 511);
	assert_int_equal(onvm_bp_marks(65535, 100, 99, &hi, &lo), 0);
	assert_int_equal(hi, 65535);
	assert_int_equal(lo, 64879);
	/* tiny rings still get low < high */
	assert_int_equal(onvm_bp_marks(4, 10, 5, &hi, &lo), 0);
	assert_true(lo < hi && hi >= 2);
}

static void
marks_off_and_errors(void **state)
{
	uint32_t hi = 7, lo = 7;

	(void)state;
	assert_int_equal(onvm_bp_marks(1023, 0, 50, &hi, &lo), 0);
	assert_int_equal(hi, 0);
	assert_int_equal(lo, 0);
	assert_int_equal(onvm_bp_marks(1023, 50, 50, &hi, &lo), -EINVAL);
	assert_int_equal(onvm_bp_marks(1023, 50, 60, &hi, &lo), -EINVAL);
	assert_int_equal(onvm_bp_marks(1023, 101, 50, &hi, &lo), -EINVAL);
	assert_int_equal(onvm_bp_marks(2, 80, 50, &hi, &lo), -EINVAL);
}

/* A ring that fills to the top and drains to empty, twice: on from the
 * high mark up, off from the low mark down, unchanged in between. */
static void
hysteresis(void **state)
{
	const uint32_t hi = 80, lo = 50;
	int on = 0, ons = 0, offs = 0, prev, round;
	uint32_t used;

	(void)state;
	for (round = 0; round < 2; round++) {
		for (used = 0; used <= 100; used++) {
			prev = on;
			on = onvm_bp_next(on, used, hi, lo);
			assert_int_equal(on, used >= hi);
			ons += on && !prev;
		}
		for (used = 100; used != (uint32_t)-1; used--) {
			prev = on;
			on = onvm_bp_next(on, used, hi, lo);
			assert_int_equal(on, used > lo);
			offs += !on && prev;
		}
	}
	assert_int_equal(ons, 2);
	assert_int_equal(offs, 2);
	/* between the marks the state is kept, whichever it is */
	assert_int_equal(onvm_bp_next(0, 65, hi, lo), 0);
	assert_int_equal(onvm_bp_next(1, 65, hi, lo), 1);
	/* off: never on */
	assert_int_equal(onvm_bp_next(0, 1000, 0, 0), 0);
	assert_int_equal(onvm_bp_next(1, 1000, 0, 0), 0);
	assert_false(onvm_bp_enter(1000, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(marks_from_percent),
		cmocka_unit_test(marks_off_and_errors),
		cmocka_unit_test(hysteresis),
	};

	return cmocka_run_group_tests_name("bp", tests, NULL, NULL);
}
