/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

#ifndef ONVM_NF_H
#define ONVM_NF_H

/**
 * @file
 * The onvm NF library: attach to a running onvm-mgr, receive packets of a
 * service, give each a verdict, and leave cleanly.
 *
 *     nf = onvm_nf_start(&argc, &argv, "my_nf");
 *     if (nf == NULL)
 *             return 1;           // the library printed why
 *     rc = onvm_nf_run(nf, my_burst_handler);
 *     onvm_nf_stop(nf);
 *
 * Command line of an NF:
 *
 *     onvm-NAME [EAL options --] -r SID [-n ID] [--tag NAME]
 *               [--file-prefix P] [NF options]
 *
 * The library builds the EAL arguments of a secondary process itself
 * (--proc-type=secondary, --no-pci, the manager's --file-prefix, one lcore);
 * EAL options given before "--" are added and win over those defaults.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "onvm_pkt.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An attached NF instance (opaque). */
struct onvm_nf;

/** Burst handler: give each of the n packets a verdict. Never block. */
typedef void (*onvm_burst_handler_t)(struct onvm_nf *nf,
				     struct rte_mbuf **pkts, uint16_t n);

/** Packet handler: give one packet a verdict. Never block. */
typedef void (*onvm_pkt_handler_t)(struct onvm_nf *nf, struct rte_mbuf *pkt);

/** Periodic callback on the NF's thread, between bursts. */
typedef void (*onvm_tick_handler_t)(struct onvm_nf *nf, uint64_t now_ns);

/**
 * Parse the library's options, initialise the EAL as a secondary of the
 * manager, and register a new instance of the service given by -r.
 *
 * On return *argc and *argv hold argv[0] followed by the NF's own options.
 *
 * @return
 *   The NF, or NULL after printing one line that says why: bad library
 *   option, no manager on the file prefix, a prefix that does not belong to
 *   onvm-mgr, a rejected registration (unknown service, instance id taken,
 *   no free slot), or an incompatible manager.
 */
struct onvm_nf *onvm_nf_start(int *argc, char ***argv, const char *name);

/**
 * Poll the NF's rx ring and call @p handler on each burst, until a signal
 * (SIGINT, SIGTERM), onvm_nf_request_stop(), or the manager stops.
 *
 * @return
 *   0 on a requested stop or a clean manager shutdown;
 *   -ENOTCONN if the manager died (a line saying so is printed).
 */
int onvm_nf_run(struct onvm_nf *nf, onvm_burst_handler_t handler);

/** As onvm_nf_run(), calling @p handler once per packet. */
int onvm_nf_run_pkt(struct onvm_nf *nf, onvm_pkt_handler_t handler);

/**
 * Poll once instead of onvm_nf_run(): process at most one burst from the
 * NF's rings with @p handler (NULL: none is waiting for it), pass it on,
 * and do the housekeeping onvm_nf_run() does (heartbeat, manager checks,
 * ticks). It never sleeps: for NFs that also generate packets (see
 * onvm_nf_inject()) and run their own loop.
 *
 * @return
 *   the number of packets processed (0: none waiting);
 *   -ESHUTDOWN once the NF must stop (a signal, onvm_nf_request_stop(), or
 *   the manager stopped or asked): what was queued to the NF has then been
 *   passed on, and the caller goes on to onvm_nf_stop();
 *   -ENOTCONN if the manager died.
 */
int onvm_nf_poll(struct onvm_nf *nf, onvm_burst_handler_t handler);

/**
 * The mempool of the manager's packets, for NFs that make packets of their
 * own. Allocate and free from the NF's thread only (it runs without a
 * per-lcore cache, so no cache is shared with another process).
 */
struct rte_mempool *onvm_nf_pool(const struct onvm_nf *nf);

/**
 * Hand packets this NF made to the platform. Each packet's metadata must be
 * set first: onvm_pkt_init(), then a verdict (onvm_pkt_to_service(),
 * onvm_pkt_out(), or the default next-service-of-the-chain after the chain
 * position onvm_pkt_init() gave). The manager applies the verdicts as for
 * received packets. Call from the NF's thread only: from a handler, a tick,
 * or between onvm_nf_poll() calls.
 *
 * @return how many were taken, in order; the caller still owns (and frees)
 *   the rest. Packets made and not yet injected are lost if the NF dies.
 */
uint16_t onvm_nf_inject(struct onvm_nf *nf, struct rte_mbuf **pkts,
			uint16_t n);

/**
 * Call @p tick every @p period_ms on the NF's thread while it runs
 * (between bursts, or while idle). Set before onvm_nf_run().
 */
void onvm_nf_set_tick(struct onvm_nf *nf, onvm_tick_handler_t tick,
		      uint32_t period_ms);

/** Why an NF stops, as its stop handler is told. */
enum onvm_nf_stop_reason {
	ONVM_NF_STOP_REQUESTED = 1,	/**< a signal, onvm_nf_request_stop(),
					 * or onvm_nf_stop() called directly */
	ONVM_NF_STOP_MGR_ASKED = 2,	/**< the manager asked: `onvmctl stop`,
					 * or scaling in */
	ONVM_NF_STOP_MGR_SHUTDOWN = 3,	/**< the manager stops */
	ONVM_NF_STOP_MGR_DEAD = 4,	/**< the manager died */
};

/** Runs once on the NF's thread when it stops (see
 * onvm_nf_set_stop_handler()). */
typedef void (*onvm_stop_handler_t)(struct onvm_nf *nf,
				    enum onvm_nf_stop_reason why, void *arg);

/**
 * Register @p handler to run once when the NF stops, whatever the reason,
 * on the NF's thread, with @p arg: to save state, flush a log, remove flow
 * rules. Order: the run loop ends; on a requested or a manager-asked stop
 * the NF leaves its service and passes on every packet queued to it (the
 * drain); then, in onvm_nf_stop(), the handler runs, and only after it
 * returns does the NF deregister. So the handler sees every packet the NF
 * will ever get, and the manager still counts the NF as an instance
 * (leaving) while it runs. It may call onvm_nf_flow_del() (not while the
 * manager is dead), but no packet function. NULL removes it.
 *
 * @return 0; -EINVAL if @p nf is NULL.
 */
int onvm_nf_set_stop_handler(struct onvm_nf *nf, onvm_stop_handler_t handler,
			     void *arg);

/**
 * Ask the manager to start another instance of this NF's service: a new
 * process from the launch spec the manager read when this NF registered
 * (its executable, arguments without a pinned instance id (-n), working
 * directory and output files). It registers as the next free instance and
 * the service's flow table moves to it only the flows it takes over. A
 * process, not a thread of this one: an instance is a process to the
 * manager (its own pidfd, crash record, restart and CPU), so a crash of one
 * does not take the other down. Returns once the process is started, not
 * registered: watch onvm_nf_instance_count() or the manager's stats.
 * A round trip to the manager: call it from a tick, not per packet.
 *
 * @return 0; -ENOSPC if the service has its maximum of instances (its
 *   --scale max, else ONVM_MAX_INSTANCES); -EBUSY if a start of this
 *   service is still in flight; -ENOENT if the manager has no launch spec
 *   for it; -ETIMEDOUT, -ENOTCONN if the manager did not answer; -EINVAL
 *   if @p nf is NULL.
 */
int onvm_nf_scale_out(struct onvm_nf *nf);

/** Live instances of this NF's service now (this one included). */
uint16_t onvm_nf_instance_count(const struct onvm_nf *nf);

/** Ask the run loop to return; safe from a signal handler or a tick. */
void onvm_nf_request_stop(struct onvm_nf *nf);

/**
 * Deregister (the manager reclaims the NF's rings), detach from the EAL and
 * free @p nf. Safe with NULL and after a failed run.
 */
void onvm_nf_stop(struct onvm_nf *nf);

/** The NF's service id. */
uint16_t onvm_nf_service_id(const struct onvm_nf *nf);

/** The NF's instance id, unique among the manager's NFs. */
uint16_t onvm_nf_instance_id(const struct onvm_nf *nf);

/** The NF's name as given to onvm_nf_start() (for messages). */
const char *onvm_nf_name(const struct onvm_nf *nf);

/** Number of ports the manager owns; port ids are 0 .. n-1. */
uint16_t onvm_nf_port_count(const struct onvm_nf *nf);

/** Per-NF user data pointer, for handlers. */
void onvm_nf_set_data(struct onvm_nf *nf, void *data);
void *onvm_nf_data(const struct onvm_nf *nf);

/**
 * Parse a service id ("1" .. ONVM_MAX_SERVICE_ID) for an NF option.
 * @return 0, or -EINVAL.
 */
int onvm_parse_service_id(const char *s, uint16_t *sid);

/** Highest valid service id; 0 is reserved. */
#define ONVM_MAX_SERVICE_ID 63

/**
 * @name Flow rules
 *
 * The manager sends each flow (5-tuple, optionally with its input port)
 * along the chain of its rule, else along the default chain. An NF can add
 * and remove rules while it runs. The text of a rule is
 *
 *     PROTO SRC_IP SPORT DST_IP DPORT [in PORT] chain SID[,SID...]
 *
 * e.g. "udp 10.0.0.1 1234 10.0.0.2 80 chain 2,3": PROTO is tcp, udp, sctp
 * or a number (ports 0 for protocols without ports), addresses IPv4 or
 * IPv6. A match, to remove a rule, is the same without " chain ...".
 * Each call is a round trip to the manager (tens to hundreds of
 * microseconds): call them from a tick or between bursts, not per packet.
 * Rules stay when the NF leaves or dies; remove yours before you stop.
 * @{
 */

/** A packet's flow, as a rule names it. */
struct onvm_pkt_flow {
	uint8_t ip_version;	/**< 4 or 6 */
	uint8_t proto;		/**< IP protocol */
	uint16_t sport;		/**< host order; 0 for protocols without ports */
	uint16_t dport;
	uint8_t src[16];	/**< IPv4 in the first 4 bytes */
	uint8_t dst[16];
};

/**
 * The flow of @p pkt (Ethernet, up to two VLAN tags, IPv4 or IPv6 with
 * extension headers, TCP, UDP, SCTP ports).
 * @return 0; -EINVAL if no rule can match it (not IP, a fragment, headers
 *   cut short): such packets always take the default chain.
 */
int onvm_pkt_flow_get(const struct rte_mbuf *pkt, struct onvm_pkt_flow *f);

/**
 * The match of @p f as rule text ("udp 10.0.0.1 1234 10.0.0.2 80").
 * @return its length, or -ENOSPC if @p len is too short (64 is enough
 *   for IPv4, 100 for IPv6).
 */
int onvm_pkt_flow_str(const struct onvm_pkt_flow *f, char *buf, size_t len);

/**
 * Add a flow rule. A rule with the same match replaces it (atomically).
 * Packets already on their way finish the chain they started.
 * @return 0; -EINVAL for a bad rule (or an input port the manager lacks);
 *   -ENOSPC when the manager's flow table is full (or all chain ids are
 *   used); -ETIMEDOUT, -ENOTCONN if the manager did not answer. On error
 *   onvm_nf_flow_error() says why in one line.
 */
int onvm_nf_flow_add(struct onvm_nf *nf, const char *rule);

/**
 * Remove the rule of a match ("PROTO SRC_IP SPORT DST_IP DPORT [in PORT]").
 * @return 0; -EINVAL for a bad match; -ENOENT if no rule has it; -ETIMEDOUT,
 *   -ENOTCONN as onvm_nf_flow_add().
 */
int onvm_nf_flow_del(struct onvm_nf *nf, const char *match);

/** Why the last onvm_nf_flow_add() or onvm_nf_flow_del() failed ("" if
 * it did not): one line, e.g. "flow table full (1048576 rules; see
 * --flow-table)". */
const char *onvm_nf_flow_error(const struct onvm_nf *nf);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* ONVM_NF_H */
