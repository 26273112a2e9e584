/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Logic shared by the manager and the NF library that needs no EAL:
 * number and chain parsing, the service table. Unit-tested. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "onvm_chain.h"
#include "onvm_runtime.h"
#include "onvm_svc.h"

/* Defined here, not in the NF library, so the manager links it too. */
int onvm_pkt_meta_offset = -1;

int
onvm_parse_uint(const char *s, unsigned long min, unsigned long max,
		unsigned long *out)
{
	unsigned long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int
onvm_parse_service_id(const char *s, uint16_t *sid)
{
	unsigned long v;

	if (onvm_parse_uint(s, 1, ONVM_MAX_SERVICES - 1, &v) < 0)
		return -EINVAL;
	*sid = (uint16_t)v;
	return 0;
}

void
onvm_one_line(char *s)
{
	/* Errors quote what the user typed; keep them on one line. */
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static int
chain_parse(const char *s, struct onvm_chain *c, char *err, size_t errlen)
{
	char buf[256];
	char *tok, *save = NULL;
	uint16_t sid;

	c->len = 0;
	if (s == NULL || *s == '\0' || strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "empty or too long chain");
		return -EINVAL;
	}
	strcpy(buf, s);
	if (buf[0] == ',' || buf[strlen(buf) - 1] == ',' ||
	    strstr(buf, ",,") != NULL) {
		snprintf(err, errlen, "empty service id in chain '%s'", s);
		return -EINVAL;
	}
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (onvm_parse_service_id(tok, &sid) < 0) {
			snprintf(err, errlen,
				 "bad service id '%s' in chain (expected 1..%d)",
				 tok, ONVM_MAX_SERVICES - 1);
			c->len = 0;
			return -EINVAL;
		}
		if (c->len == ONVM_MAX_CHAIN) {
			snprintf(err, errlen,
				 "chain longer than %d services", ONVM_MAX_CHAIN);
			c->len = 0;
			return -EINVAL;
		}
		c->sid[c->len++] = sid;
	}
	return 0;
}

int
onvm_chain_parse(const char *s, struct onvm_chain *c, char *err,
		 size_t errlen)
{
	int rc = chain_parse(s, c, err, errlen);

	if (rc < 0)
		onvm_one_line(err);
	return rc;
}

int
onvm_svc_add(struct onvm_service *s, uint16_t slot)
{
	uint16_t i;

	for (i = 0; i < s->n; i++)
		if (s->slot[i] == slot)
			return -EEXIST;
	if (s->n == ONVM_MAX_INSTANCES)
		return -ENOSPC;
	s->slot[s->n] = slot;
	__atomic_store_n(&s->n, s->n + 1, __ATOMIC_RELEASE);
	return 0;
}

/* A slot's Maglev permutation: entry j is (offset + j * skip) % M. M is
 * prime, so any skip in 1 .. M-1 visits every entry once. */
static uint32_t
lut_mix(uint32_t x, uint32_t seed)
{
	x ^= seed;
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	return x ^ (x >> 16);
}

void
onvm_lut_build(const uint8_t *cur, uint8_t *next, const uint16_t *slots,
	       uint16_t n)
{
	uint32_t count[ONVM_LUT_NONE] = { 0 }, target[ONVM_LUT_NONE];
	uint32_t excess[ONVM_LUT_NONE] = { 0 }, off[ONVM_MAX_INSTANCES];
	uint32_t skip[ONVM_MAX_INSTANCES], pos[ONVM_MAX_INSTANCES];
	uint32_t need[ONVM_MAX_INSTANCES], q, r, e, left, i, j;
	uint16_t s[ONVM_MAX_INSTANCES], t;
	uint8_t member[ONVM_LUT_NONE] = { 0 }, o;

	if (n > ONVM_MAX_INSTANCES)
		n = ONVM_MAX_INSTANCES;
	/* Sorted by slot: the result depends on the set, not its order. */
	for (i = 0; i < n; i++) {
		t = slots[i];
		for (j = i; j > 0 && s[j - 1] > t; j--)
			s[j] = s[j - 1];
		s[j] = t;
		member[t & 0xff] = 1;
	}
	/* What stays where it is. */
	for (e = 0; e < ONVM_LUT_SIZE; e++) {
		o = cur[e];
		if (o != ONVM_LUT_NONE && member[o]) {
			next[e] = o;
			count[o]++;
		} else {
			next[e] = ONVM_LUT_NONE;
		}
	}
	if (n == 0)
		return;
	/* Shares: M / n each, and one more for the M % n slots that hold
	 * the most now (fewest moves). */
	q = ONVM_LUT_SIZE / n;
	r = ONVM_LUT_SIZE % n;
	for (i = 0; i < n; i++)
		target[s[i]] = q;
	for (i = 0; i < r; i++) {
		uint16_t best = UINT16_MAX;

		for (j = 0; j < n; j++)
			if (target[s[j]] == q &&
			    (best == UINT16_MAX || count[s[j]] > count[best]))
				best = s[j];
		target[best] = q + 1;
	}
	left = 0;
	for (i = 0; i < n; i++) {
		t = s[i];
		excess[t] = count[t] > target[t] ? count[t] - target[t] : 0;
		need[i] = count[t] < target[t] ? target[t] - count[t] : 0;
		left += need[i];
		off[i] = lut_mix(t, 0x9e3779b9U) % ONVM_LUT_SIZE;
		skip[i] = lut_mix(t, 0x85ebca6bU) % (ONVM_LUT_SIZE - 1) + 1;
		pos[i] = 0;
	}
	/* Maglev's round: each slot short of its share takes the next entry
	 * of its permutation that is free or held beyond a share. */
	while (left > 0) {
		for (i = 0; i < n && left > 0; i++) {
			if (need[i] == 0)
				continue;
			for (; pos[i] < ONVM_LUT_SIZE; pos[i]++) {
				e = (uint32_t)((off[i] + (uint64_t)pos[i] *
						skip[i]) % ONVM_LUT_SIZE);
				o = next[e];
				if (o == ONVM_LUT_NONE)
					break;
				if (excess[o] > 0) {
					excess[o]--;
					break;
				}
			}
			if (pos[i] == ONVM_LUT_SIZE)	/* cannot happen */
				return;
			next[e] = (uint8_t)s[i];
			pos[i]++;
			need[i]--;
			left--;
		}
	}
}

int
onvm_svc_remove(struct onvm_service *s, uint16_t slot)
{
	uint16_t i, last;

	for (i = 0; i < s->n; i++)
		if (s->slot[i] == slot)
			break;
	if (i == s->n)
		return -ENOENT;
	last = s->n - 1;
	/* Fill the hole first: a reader that loaded the old n still finds a
	 * slot that is either live or the removed one (still valid until the
	 * writer's grace period ends). */
	__atomic_store_n(&s->slot[i], s->slot[last], __ATOMIC_RELEASE);
	__atomic_store_n(&s->n, last, __ATOMIC_RELEASE);
	return 0;
}

void
onvm_runtime_dir(const char *prefix, char *buf, size_t len)
{
	const char *dir = "/var/run";
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	/* Where DPDK's EAL keeps a prefix's runtime files. */
	if (getuid() != 0 && xdg != NULL)
		dir = xdg;
	snprintf(buf, len, "%s/dpdk/%s", dir, prefix);
}

int
onvm_primary_alive(const char *prefix)
{
	char path[PATH_MAX];
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd, held;

	/* A live primary holds a write lock on its config file. */
	onvm_runtime_dir(prefix, path, sizeof(path) - 8);
	strcat(path, "/config");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	held = fcntl(fd, F_GETLK, &lk) == 0 && lk.l_type != F_UNLCK;
	close(fd);
	return held;
}

unsigned int
onvm_prefix_files(const char *prefix, int remove, int *had_dir)
{
	char dir[PATH_MAX], path[PATH_MAX * 2], line[PATH_MAX * 2];
	char mnt[PATH_MAX], type[64];
	size_t plen = strlen(prefix);
	struct dirent *de;
	unsigned int n = 0;
	FILE *mounts;
	DIR *d;

	if (had_dir != NULL)
		*had_dir = 0;
	if (plen == 0)
		return 0;
	/* PREFIXmap_* in every hugetlbfs mount */
	mounts = fopen("/proc/mounts", "r");
	while (mounts != NULL && fgets(line, sizeof(line), mounts) != NULL) {
		if (sscanf(line, "%*s %4095s %63s", mnt, type) != 2 ||
		    strcmp(type, "hugetlbfs") != 0)
			continue;
		d = opendir(mnt);
		while (d != NULL && (de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, prefix, plen) != 0 ||
			    strncmp(de->d_name + plen, "map_", 4) != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", mnt, de->d_name);
			n += !remove || unlink(path) == 0;
		}
		if (d != NULL)
			closedir(d);
	}
	if (mounts != NULL)
		fclose(mounts);

	onvm_runtime_dir(prefix, dir, sizeof(dir));
	d = opendir(dir);
	while (remove && d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (d != NULL) {
		closedir(d);
		if (remove)
			rmdir(dir);
		if (had_dir != NULL)
			*had_dir = 1;
	}
	return n;
}

void
onvm_sleep_until(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ULL,
			       .tv_nsec = ns % 1000000000ULL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

uint64_t
onvm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
