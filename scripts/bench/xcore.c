/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/*
 * xcore: the machine's state, for scripts/bench.sh.
 *
 *   xcore [CPU_A CPU_B]   cross-core round trip between two pinned threads
 *                         (default CPUs 0 and 1), in ns: one line
 *                         "rtt_ns MEDIAN min MIN max MAX"
 *   xcore --tsc-hz        the TSC frequency, measured as DPDK's Linux EAL
 *                         does when the CPU does not report it: TSC ticks
 *                         over CLOCK_MONOTONIC_RAW; one line "tsc_hz N"
 *
 * A round trip is one cache line written on CPU A, seen on CPU B, written
 * back and seen on A: the same cache-line move a packet's mbuf makes on a
 * cross-core hop. On this host it flips between about 50 ns and about
 * 400 ns as the hypervisor moves the vCPUs; the benchmark prints it before
 * and after each system so that only runs in the same state are compared.
 * No DPDK here: it must run (and mean the same) whatever DPDK does.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#define BATCHES		21	/* median of these */
#define TRIPS		20000	/* round trips per batch, at most */
#define BATCH_NS	10e6	/* and at most this long: a busy host's round
				 * trip can take microseconds */

/* Each flag on a cache line of its own: only its writer writes it. */
struct line {
	volatile uint64_t v;
	char pad[64 - sizeof(uint64_t)];
} __attribute__((aligned(64)));

static struct line ping;	/* written by CPU A */
static struct line pong;	/* written by CPU B */
static volatile int stop;
static volatile int ready;	/* CPU B: 1 pinned, -1 cannot pin */

static int
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static double
now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* CPU B: echo every value of ping back on pong. */
static void *
echo(void *arg)
{
	uint64_t seen = 0;

	if (pin(*(int *)arg) != 0) {
		ready = -1;
		return NULL;
	}
	ready = 1;
	while (!stop) {
		uint64_t v = ping.v;

		if (v != seen) {
			seen = v;
			pong.v = v;
		} else {
			_mm_pause();
		}
	}
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
rtt(int cpu_a, int cpu_b)
{
	double batch[BATCHES], t0;
	pthread_t th;
	uint64_t n = 0;
	int i, j, rc;

	rc = pthread_create(&th, NULL, echo, &cpu_b);
	if (rc != 0) {
		fprintf(stderr, "xcore: pthread_create: %s\n", strerror(rc));
		return 1;
	}
	if (pin(cpu_a) != 0) {
		fprintf(stderr, "xcore: cannot pin to CPU %d\n", cpu_a);
		stop = 1;
		pthread_join(th, NULL);
		return 1;
	}
	/* Never wait for an echo that will not come. */
	while (ready == 0)
		_mm_pause();
	if (ready < 0) {
		fprintf(stderr, "xcore: cannot pin to CPU %d\n", cpu_b);
		pthread_join(th, NULL);
		return 1;
	}
	for (i = -1; i < BATCHES; i++) {	/* batch -1 warms up */
		double t1 = 0;

		t0 = now_ns(CLOCK_MONOTONIC);
		for (j = 0; j < TRIPS; j++) {
			ping.v = ++n;
			while (pong.v != n)
				_mm_pause();
			if ((j & 63) == 63) {
				t1 = now_ns(CLOCK_MONOTONIC);
				if (t1 - t0 > BATCH_NS) {
					j++;
					break;
				}
			}
		}
		if (i >= 0)
			batch[i] = (now_ns(CLOCK_MONOTONIC) - t0) / j;
	}
	stop = 1;
	pthread_join(th, NULL);
	qsort(batch, BATCHES, sizeof(batch[0]), cmp_double);
	printf("rtt_ns %.1f min %.1f max %.1f\n", batch[BATCHES / 2],
	       batch[0], batch[BATCHES - 1]);
	return 0;
}

/* TSC ticks over 100 ms of CLOCK_MONOTONIC_RAW, as DPDK's
 * get_tsc_freq() does on Linux; the median of 5. */
static int
tsc_hz(void)
{
	double hz[5];
	int i;

	for (i = 0; i < 5; i++) {
		struct timespec d = { 0, 100 * 1000 * 1000 };
		double t0 = now_ns(CLOCK_MONOTONIC_RAW), t1;
		uint64_t c0 = __rdtsc(), c1;

		nanosleep(&d, NULL);
		c1 = __rdtsc();
		t1 = now_ns(CLOCK_MONOTONIC_RAW);
		hz[i] = (c1 - c0) * 1e9 / (t1 - t0);
	}
	qsort(hz, 5, sizeof(hz[0]), cmp_double);
	printf("tsc_hz %.0f\n", hz[2]);
	return 0;
}

int
main(int argc, char **argv)
{
	int a = 0, b = 1;

	if (argc == 2 && strcmp(argv[1], "--tsc-hz") == 0)
		return tsc_hz();
	if (argc == 3) {
		a = atoi(argv[1]);
		b = atoi(argv[2]);
	} else if (argc != 1) {
		fprintf(stderr, "usage: xcore [CPU_A CPU_B] | xcore --tsc-hz\n");
		return 2;
	}
	return rtt(a, b);
}
