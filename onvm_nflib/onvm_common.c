/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Logic shared by the manager and the NF library that needs no EAL:
 * number and chain parsing, the service table. Unit-tested. */

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

uint64_t
onvm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
