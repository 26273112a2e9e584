/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef MGR_SCALE_POLICY_H
#define MGR_SCALE_POLICY_H

/* Auto-scaling, the part without DPDK: a service's policy (--scale), its
 * launch spec text (--launch), the decision from samples (hysteresis, a
 * "for" duration, a cool-down, min and max) and the rewriting of an NF's
 * command line for a new instance. No rte_ calls: unit-tested
 * (tests/unit/test_scale.c). The manager side is mgr_scale.c. */

#include <stddef.h>
#include <stdint.h>

#define MGR_SCALE_WAIT_DEFAULT 512	/* packets buffered for a first instance */
#define MGR_SCALE_WAIT_MAX 65536

/* What the watermarks are compared with. */
enum mgr_scale_metric {
	MGR_SCALE_RING = 0,	/* mean rx-ring occupancy of the instances, % */
	MGR_SCALE_DROPS = 1,	/* packets refused by full rx rings, % of offered */
};

struct mgr_scale_policy {
	uint16_t sid;
	uint16_t min, max;		/* instances */
	enum mgr_scale_metric metric;
	double high, low;		/* watermarks, % */
	uint64_t for_ns;		/* beyond a watermark this long */
	uint64_t cooldown_ns;		/* between two decisions */
	uint32_t wait;			/* min 0: packets buffered, 0: none */
};

/**
 * Parse "SID:key=value,..." (--scale). Keys: min, max, high, low, for,
 * cooldown (durations "300ms", "2s", or seconds), metric (ring, drops),
 * wait (packets buffered while a min-0 service starts). Missing keys take
 * the defaults: min 1, max 4, high 80, low 20, for 300ms, cooldown 2s,
 * metric ring, wait 512.
 * @return 0, or -EINVAL with one phrase in @p err.
 */
int mgr_scale_policy_parse(const char *s, struct mgr_scale_policy *p,
			   char *err, size_t errlen);

/**
 * Parse a duration: "300ms", "2s", "1.5s", "250us" or a number of seconds.
 * @return 0, or -EINVAL.
 */
int mgr_scale_duration_parse(const char *s, uint64_t *ns);

/**
 * Split "SID:CMDLINE" (--launch): the service id and the command line,
 * split at blanks into NUL-separated arguments ('single' and "double"
 * quotes group, no other shell syntax) in @p buf.
 * @return the number of arguments (>= 1), or -EINVAL with one phrase in
 *   @p err (no program, unbalanced quote, too long).
 */
int mgr_scale_launch_parse(const char *s, uint16_t *sid, char *buf,
			   size_t buflen, size_t *len, char *err,
			   size_t errlen);

/**
 * Turn the command line of an instance (NUL-separated, as /proc/PID/cmdline
 * gives it) into that of a new instance of the same service: remove a
 * pinned instance id ("-n ID" among the library's options, so the manager
 * chooses one), and add "--file-prefix=PREFIX" if the command line names
 * no prefix. In place; @p cap is the room in @p buf.
 * @return 0, or -E2BIG.
 */
int mgr_scale_argv_fix(char *buf, size_t *len, size_t cap,
		       const char *prefix);

/* The decision's state per service; zero it to start. */
struct mgr_scale_state {
	uint64_t above_ns;		/* first sample above high, 0: not */
	uint64_t below_ns;		/* first sample below low, 0: not */
	uint64_t last_ns;		/* last decision, 0: none */
};

/* One look at a service. */
struct mgr_scale_sample {
	uint64_t now_ns;
	uint16_t n;			/* live instances (in the service) */
	uint16_t pending;		/* started and not registered, or leaving */
	double value;			/* the metric, % */
	int waiting;			/* min 0: packets wait for a first instance */
};

enum mgr_scale_verdict {
	MGR_SCALE_NONE = 0,
	MGR_SCALE_OUT = 1,	/* start an instance */
	MGR_SCALE_IN = 2,	/* stop one, draining it first */
};

/**
 * Decide, from one sample, whether service @p p scales now. An instance is
 * started when fewer than min run; for a min-0 service with none, when
 * packets wait; and when the metric stayed above high for `for`. One is
 * stopped when more than max run, and when the metric stayed below low for
 * `for` with more than min (and, for min 0, the last only when nothing
 * waits). Watermark decisions keep `cooldown` from the last decision, and
 * none is taken while a start or a stop is pending. Updates @p st.
 * @return the verdict; with a verdict, @p why says why in one phrase
 *   ("rx ring 91 % > 80 % for 300 ms").
 */
enum mgr_scale_verdict mgr_scale_decide(const struct mgr_scale_policy *p,
					struct mgr_scale_state *st,
					const struct mgr_scale_sample *s,
					char *why, size_t len);

/** "ring" or "drops". */
const char *mgr_scale_metric_name(enum mgr_scale_metric m);

#endif /* MGR_SCALE_POLICY_H */
