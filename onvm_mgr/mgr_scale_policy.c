/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* Auto-scaling policies and decisions (see mgr_scale_policy.h). */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgr_scale_policy.h"
#include "onvm_chain.h"
#include "onvm_limits.h"

#define MS 1000000ULL

const char *
mgr_scale_metric_name(enum mgr_scale_metric m)
{
	return m == MGR_SCALE_DROPS ? "drops" : "ring";
}

int
mgr_scale_duration_parse(const char *s, uint64_t *ns)
{
	static const struct { const char *unit; double mult; } units[] = {
		{ "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "", 1e9 },
	};
	char *end;
	double v;
	unsigned int i;

	if (s == NULL || *s == '\0' || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || !(v >= 0) || !isfinite(v))
		return -EINVAL;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit) != 0)
			continue;
		v *= units[i].mult;
		if (v > 86400e9)	/* a day at most */
			return -EINVAL;
		*ns = (uint64_t)v;
		return 0;
	}
	return -EINVAL;
}

static int
parse_pct(const char *v, double *out)
{
	char *end;
	double d;

	if (*v == '\0')
		return -EINVAL;
	errno = 0;
	d = strtod(v, &end);
	if (errno != 0 || *end != '\0' || !(d >= 0) || d > 100)
		return -EINVAL;
	*out = d;
	return 0;
}

static int
policy_parse(const char *s, struct mgr_scale_policy *p, char *err,
	     size_t errlen)
{
	char buf[256], *key, *val, *next, *colon;
	unsigned long v;
	int have_max = 0;

	memset(p, 0, sizeof(*p));
	p->min = 1;
	p->max = 4;
	p->high = 80;
	p->low = 20;
	p->for_ns = 300 * MS;
	p->cooldown_ns = 2000 * MS;
	p->metric = MGR_SCALE_RING;
	p->wait = MGR_SCALE_WAIT_DEFAULT;

	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "bad --scale: too long");
		return -EINVAL;
	}
	strcpy(buf, s);
	colon = strchr(buf, ':');
	if (colon != NULL)
		*colon = '\0';
	if (onvm_parse_uint(buf, 1, ONVM_MAX_SERVICES - 1, &v) < 0) {
		snprintf(err, errlen, "bad --scale '%.64s': expected "
			 "SID:key=value,... with a service id 1..%d first",
			 s, ONVM_MAX_SERVICES - 1);
		return -EINVAL;
	}
	p->sid = (uint16_t)v;
	for (key = colon != NULL ? colon + 1 : NULL; key != NULL && *key;
	     key = next) {
		next = strchr(key, ',');
		if (next != NULL)
			*next++ = '\0';
		val = strchr(key, '=');
		if (val == NULL) {
			snprintf(err, errlen, "bad --scale %u: '%.32s' is not "
				 "key=value", p->sid, key);
			return -EINVAL;
		}
		*val++ = '\0';
		if (strcmp(key, "min") == 0 || strcmp(key, "max") == 0) {
			if (onvm_parse_uint(val, strcmp(key, "min") == 0 ? 0 : 1,
					    ONVM_MAX_INSTANCES, &v) < 0) {
				snprintf(err, errlen, "bad --scale %u: %s=%.32s "
					 "(expected %d..%d)", p->sid, key, val,
					 strcmp(key, "min") == 0 ? 0 : 1,
					 ONVM_MAX_INSTANCES);
				return -EINVAL;
			}
			if (key[1] == 'i') {
				p->min = (uint16_t)v;
			} else {
				p->max = (uint16_t)v;
				have_max = 1;
			}
		} else if (strcmp(key, "high") == 0 ||
			   strcmp(key, "low") == 0) {
			if (parse_pct(val, key[0] == 'h' ? &p->high :
				      &p->low) < 0) {
				snprintf(err, errlen, "bad --scale %u: %s=%.32s "
					 "(expected a percentage 0..100)",
					 p->sid, key, val);
				return -EINVAL;
			}
		} else if (strcmp(key, "for") == 0 ||
			   strcmp(key, "cooldown") == 0) {
			if (mgr_scale_duration_parse(val, key[0] == 'f' ?
						     &p->for_ns :
						     &p->cooldown_ns) < 0) {
				snprintf(err, errlen, "bad --scale %u: %s=%.32s "
					 "(expected a duration: 300ms, 2s)",
					 p->sid, key, val);
				return -EINVAL;
			}
		} else if (strcmp(key, "metric") == 0) {
			if (strcmp(val, "ring") == 0) {
				p->metric = MGR_SCALE_RING;
			} else if (strcmp(val, "drops") == 0) {
				p->metric = MGR_SCALE_DROPS;
			} else {
				snprintf(err, errlen, "bad --scale %u: "
					 "metric=%.32s (expected ring or drops)",
					 p->sid, val);
				return -EINVAL;
			}
		} else if (strcmp(key, "wait") == 0) {
			if (onvm_parse_uint(val, 0, MGR_SCALE_WAIT_MAX,
					    &v) < 0) {
				snprintf(err, errlen, "bad --scale %u: wait=%.32s "
					 "(expected packets 0..%d)", p->sid, val,
					 MGR_SCALE_WAIT_MAX);
				return -EINVAL;
			}
			p->wait = (uint32_t)v;
		} else {
			snprintf(err, errlen, "bad --scale %u: unknown key "
				 "'%.32s' (min, max, high, low, for, cooldown, "
				 "metric, wait)", p->sid, key);
			return -EINVAL;
		}
	}
	if (!have_max && p->max < p->min)
		p->max = p->min;
	if (p->max < p->min || p->max == 0) {
		snprintf(err, errlen, "bad --scale %u: max=%u is below min=%u",
			 p->sid, p->max, p->min);
		return -EINVAL;
	}
	if (!(p->low < p->high)) {
		snprintf(err, errlen, "bad --scale %u: low=%g is not below "
			 "high=%g", p->sid, p->low, p->high);
		return -EINVAL;
	}
	return 0;
}

int
mgr_scale_policy_parse(const char *s, struct mgr_scale_policy *p, char *err,
		       size_t errlen)
{
	int rc = policy_parse(s, p, err, errlen);

	if (rc < 0)
		onvm_one_line(err);
	return rc;
}

static int
launch_parse(const char *s, uint16_t *sid, char *buf, size_t buflen,
	     size_t *len, char *err, size_t errlen)
{
	const char *colon = strchr(s, ':'), *c;
	char num[16], quote = 0;
	unsigned long v;
	size_t o = 0;
	int argc = 0, in_arg = 0;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(num)) {
		snprintf(err, errlen, "bad --launch '%.64s': expected "
			 "SID:COMMAND LINE", s);
		return -EINVAL;
	}
	memcpy(num, s, (size_t)(colon - s));
	num[colon - s] = '\0';
	if (onvm_parse_uint(num, 1, ONVM_MAX_SERVICES - 1, &v) < 0) {
		snprintf(err, errlen, "bad --launch '%.64s': the service id "
			 "'%s' is not 1..%d", s, num, ONVM_MAX_SERVICES - 1);
		return -EINVAL;
	}
	*sid = (uint16_t)v;
	for (c = colon + 1; *c; c++) {
		if (quote == 0 && (*c == ' ' || *c == '\t')) {
			if (in_arg) {
				if (o >= buflen)
					goto too_long;
				buf[o++] = '\0';
				in_arg = 0;
			}
			continue;
		}
		if (!in_arg) {
			in_arg = 1;
			argc++;
		}
		if (quote == 0 && (*c == '\'' || *c == '"')) {
			quote = *c;
			continue;
		}
		if (quote != 0 && *c == quote) {
			quote = 0;
			continue;
		}
		if (o >= buflen)
			goto too_long;
		buf[o++] = *c;
	}
	if (quote != 0) {
		snprintf(err, errlen, "bad --launch %u: unbalanced %c quote",
			 *sid, quote);
		return -EINVAL;
	}
	if (in_arg) {
		if (o >= buflen)
			goto too_long;
		buf[o++] = '\0';
	}
	if (argc == 0 || buf[0] == '\0') {
		snprintf(err, errlen, "bad --launch %u: no program to start",
			 *sid);
		return -EINVAL;
	}
	*len = o;
	return argc;
too_long:
	snprintf(err, errlen, "bad --launch %u: command line longer than %zu "
		 "bytes", *sid, buflen);
	return -EINVAL;
}

int
mgr_scale_launch_parse(const char *s, uint16_t *sid, char *buf,
		       size_t buflen, size_t *len, char *err, size_t errlen)
{
	int rc = launch_parse(s, sid, buf, buflen, len, err, errlen);

	if (rc < 0)
		onvm_one_line(err);
	return rc;
}

int
mgr_scale_argv_fix(char *buf, size_t *len, size_t cap, const char *prefix)
{
	size_t off = 0, next, cut, n = *len;
	int lib = 1, has_prefix = 0, first = 1;
	char *a;

	/* Are the library's options after a "--"? Then only there. */
	for (off = 0; off < n; off += strlen(buf + off) + 1)
		if (strcmp(buf + off, "--") == 0) {
			lib = 0;
			break;
		}
	for (off = 0; off < n; off = next, first = 0) {
		a = buf + off;
		next = off + strlen(a) + 1;
		if (first)
			continue;
		if (strcmp(a, "--") == 0) {
			lib = 1;
			continue;
		}
		if (strncmp(a, "--file-prefix", 13) == 0 &&
		    (a[13] == '\0' || a[13] == '='))
			has_prefix = 1;
		if (!lib || strcmp(a, "-n") != 0)
			continue;
		/* "-n ID": remove both */
		cut = next < n ? next + strlen(buf + next) + 1 : next;
		memmove(buf + off, buf + cut, n - cut);
		n -= cut - off;
		next = off;
	}
	if (!has_prefix && prefix != NULL) {
		size_t add = strlen("--file-prefix=") + strlen(prefix) + 1;

		if (n + add > cap)
			return -E2BIG;
		snprintf(buf + n, add, "--file-prefix=%s", prefix);
		n += add;
	}
	*len = n;
	return 0;
}

enum mgr_scale_verdict
mgr_scale_decide(const struct mgr_scale_policy *p, struct mgr_scale_state *st,
		 const struct mgr_scale_sample *s, char *why, size_t len)
{
	const char *what = p->metric == MGR_SCALE_DROPS ? "drops" : "rx ring";
	int cool = st->last_ns == 0 ||
		   s->now_ns - st->last_ns >= p->cooldown_ns;

	/* The watermark timers run whatever else holds a decision back. */
	if (s->n > 0 && s->value > p->high) {
		if (st->above_ns == 0)
			st->above_ns = s->now_ns;
	} else {
		st->above_ns = 0;
	}
	if (s->value < p->low && !s->waiting) {
		if (st->below_ns == 0)
			st->below_ns = s->now_ns;
	} else {
		st->below_ns = 0;
	}
	if (s->pending > 0)
		return MGR_SCALE_NONE;
	if (s->n < p->min) {
		snprintf(why, len, "%u instance(s) < min %u", s->n, p->min);
		goto out;
	}
	if (s->n == 0 && s->waiting) {
		snprintf(why, len, "packets wait and no instance runs");
		goto out;
	}
	if (s->n > p->max) {
		snprintf(why, len, "%u instance(s) > max %u", s->n, p->max);
		goto in;
	}
	if (!cool)
		return MGR_SCALE_NONE;
	if (st->above_ns != 0 && s->now_ns - st->above_ns >= p->for_ns &&
	    s->n < p->max) {
		snprintf(why, len, "%s %.0f %% > %.0f %% for %.0f ms", what,
			 s->value, p->high,
			 (double)(s->now_ns - st->above_ns) / 1e6);
		goto out;
	}
	if (st->below_ns != 0 && s->now_ns - st->below_ns >= p->for_ns &&
	    s->n > p->min) {
		snprintf(why, len, "%s %.0f %% < %.0f %% for %.0f ms", what,
			 s->value, p->low,
			 (double)(s->now_ns - st->below_ns) / 1e6);
		goto in;
	}
	return MGR_SCALE_NONE;
out:
	st->last_ns = s->now_ns;
	st->above_ns = 0;
	st->below_ns = 0;
	return MGR_SCALE_OUT;
in:
	st->last_ns = s->now_ns;
	st->above_ns = 0;
	st->below_ns = 0;
	return MGR_SCALE_IN;
}
