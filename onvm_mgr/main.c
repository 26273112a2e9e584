/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* onvm-mgr: the DPDK primary. Owns the ports and the hugepage memory, runs
 * the data path on every EAL lcore, and a control thread for start-up,
 * liveness, stats and shutdown. */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "mgr.h"
#include "onvm_runtime.h"

RTE_LOG_REGISTER(mgr_logtype, onvm.mgr, INFO);

#define MGR_TICK_MS 100		/* control thread period; the heartbeat */
#define MGR_LEAVE_MS 3000	/* how long NFs get to leave at shutdown */
#define MGR_WAIT_LOG_S 5	/* repeat "waiting for services" this often */

static struct mgr_ctx *mgr_self; /* for the signal handler */

static void
mgr_on_signal(int sig __rte_unused)
{
	if (mgr_self != NULL) {
		mgr_self->got_signal = 1;
		mgr_self->stop_req = 1;
	}
}

/* Backpressure ends when the NF dequeues below the low watermark; this
 * catches the rest (a flag set just as the ring drained, an NF that
 * left): every tick. */
static void
mgr_check_bp(struct mgr_ctx *ctx)
{
	struct onvm_shm *shm = ctx->shm;
	uint64_t bp = __atomic_load_n(&shm->bp_mask, __ATOMIC_ACQUIRE);
	unsigned int i;

	while (bp != 0) {
		i = rte_bsf64(bp);
		bp &= bp - 1;
		if (__atomic_load_n(&shm->nf[i].state, __ATOMIC_ACQUIRE) !=
		    ONVM_NF_RUNNING ||
		    onvm_bp_leave(rte_ring_count(shm->nf[i].rx_ring),
				  shm->bp_low))
			__atomic_fetch_and(&shm->bp_mask, ~(UINT64_C(1) << i),
					   __ATOMIC_RELEASE);
	}
}

/* One control-thread period: heartbeat, liveness, start-up. */
static void
mgr_tick(struct mgr_ctx *ctx, uint64_t now, uint64_t *next_wait_log)
{
	struct onvm_shm *shm = ctx->shm;
	char missing[128];

	__atomic_store_n(&shm->mgr_heartbeat, shm->mgr_heartbeat + 1,
			 __ATOMIC_RELEASE);
	mgr_check_nfs(ctx);
	mgr_check_stalls(ctx);
	mgr_check_pools(ctx);
	mgr_check_bp(ctx);
	mgr_log_first_packets(ctx);
	if (__atomic_load_n(&shm->mgr_state, __ATOMIC_ACQUIRE) !=
	    ONVM_MGR_STARTING)
		return;
	if (ctx->opts.no_wait || mgr_chain_ready(ctx, missing,
						 sizeof(missing))) {
		__atomic_store_n(&shm->mgr_state, ONVM_MGR_RUNNING,
				 __ATOMIC_RELEASE);
		MGR_LOG(INFO, "%s; polling ports", ctx->opts.no_wait ?
			"--no-wait" : "every service of the chains is up");
		/* --nf-rx: the first NF may take them at once */
		pthread_mutex_lock(&ctx->reg_lock);
		mgr_edges_update(ctx);
		pthread_mutex_unlock(&ctx->reg_lock);
	} else if (now >= *next_wait_log ||
		   strcmp(missing, ctx->wait_missing) != 0) {
		/* every MGR_WAIT_LOG_S, and when the list changes */
		*next_wait_log = now + MGR_WAIT_LOG_S * 1000000000ULL;
		snprintf(ctx->wait_missing, sizeof(ctx->wait_missing), "%s",
			 missing);
		MGR_LOG(INFO, "waiting for service(s) %s (of the default "
			"chain or a --flow rule's) before polling ports",
			missing);
	}
}

static void *
mgr_ctl_thread(void *arg)
{
	struct mgr_ctx *ctx = arg;
	uint64_t now, next = onvm_now_ns(), next_stats, next_wait_log = 0;
	uint16_t i;
	uint64_t stats_ns = (uint64_t)(ctx->opts.stats_interval * 1e9);
	uint64_t end = ctx->opts.duration > 0 ?
		ctx->start_ns + (uint64_t)(ctx->opts.duration * 1e9) : 0;

	next_stats = ctx->start_ns + stats_ns;
	for (;;) {
		now = onvm_now_ns();
		mgr_tick(ctx, now, &next_wait_log);
		if (end != 0 && now >= end) {
			MGR_LOG(INFO, "--duration reached");
			break;
		}
		if (ctx->stop_req) {
			MGR_LOG(INFO, "stop requested by a signal");
			break;
		}
		if ((stats_ns != 0 || ctx->opts.stats_json != NULL) &&
		    now >= next_stats) {
			mgr_stats_report(ctx, 0);
			next_stats += stats_ns ? stats_ns : 1000000000ULL;
			if (next_stats < now)
				next_stats = now;
		}
		next += MGR_TICK_MS * 1000000ULL;
		onvm_sleep_until(next);
	}

	/* Shutdown: NFs see STOPPING and deregister; the data lcores keep
	 * forwarding what they hand back until they are gone. */
	__atomic_store_n(&ctx->shm->mgr_state, ONVM_MGR_STOPPING,
			 __ATOMIC_RELEASE);
	for (i = 0; i < ctx->opts.max_nfs; i++)
		onvm_nf_wake_always(&ctx->shm->nf[i]);	/* sleepers too */
	MGR_LOG(INFO, "stopping; waiting for %u NF(s) to leave", mgr_nb_nfs(ctx));
	end = onvm_now_ns() + MGR_LEAVE_MS * 1000000ULL;
	while (mgr_nb_nfs(ctx) > 0 && onvm_now_ns() < end) {
		__atomic_store_n(&ctx->shm->mgr_heartbeat,
				 ctx->shm->mgr_heartbeat + 1, __ATOMIC_RELEASE);
		mgr_check_nfs(ctx);
		onvm_sleep_until(onvm_now_ns() + 10000000ULL);
	}
	ctx->quit = 1;
	return NULL;
}

/* EAL arguments: the user's, plus --file-prefix=onvm if none was given,
 * so NFs started with no options find the manager. */
static char **
mgr_eal_args(int argc, char **argv, int *eal_argc, const char **prefix)
{
	static char def_prefix[] = "--file-prefix=" ONVM_DEFAULT_PREFIX;
	char **out;
	int i, n = 0, has = 0;

	*prefix = ONVM_DEFAULT_PREFIX;
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], "--file-prefix=", 14) == 0) {
			*prefix = argv[i] + 14;
			has = 1;
		} else if (strcmp(argv[i], "--file-prefix") == 0 &&
			   i + 1 < argc) {
			*prefix = argv[i + 1];
			has = 1;
		}
	}
	out = calloc(argc + 2, sizeof(*out));
	if (out == NULL)
		return NULL;
	out[n++] = argv[0];
	if (!has)
		out[n++] = def_prefix;
	for (i = 1; i < argc; i++)
		out[n++] = argv[i];
	*eal_argc = n;
	return out;
}

/* EAL logs a vdev that fails to probe and goes on without it; a manager
 * short of a port the user named would forward to the wrong places. */
static int
mgr_check_vdevs(struct mgr_ctx *ctx, int argc, char **argv)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	const char *v;
	uint16_t port;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], "--vdev=", 7) == 0)
			v = argv[i] + 7;
		else if (strcmp(argv[i], "--vdev") == 0 && i + 1 < argc)
			v = argv[++i];
		else
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(v, ","), v);
		if (rte_eth_dev_get_port_by_name(name, &port) != 0) {
			mgr_fail(ctx, "port %s could not be set up by its driver "
				 "(see the EAL message above): %s", name, v);
			return -ENODEV;
		}
	}
	return 0;
}

static int
mgr_lcores_init(struct mgr_ctx *ctx)
{
	unsigned int lcore;
	uint16_t n = 0;

	ctx->nb_lcores = (uint16_t)rte_lcore_count();
	if (ctx->nb_lcores > ONVM_MAX_MGR_LCORES) {
		mgr_fail(ctx, "%u lcores given; the manager uses at most %d",
			 ctx->nb_lcores, ONVM_MAX_MGR_LCORES);
		return -EINVAL;
	}
	ctx->lcores = rte_zmalloc("onvm_lcores",
				  sizeof(*ctx->lcores) * ctx->nb_lcores,
				  RTE_CACHE_LINE_SIZE);
	if (ctx->lcores == NULL) {
		mgr_fail(ctx, "out of memory for lcore state");
		return -ENOMEM;
	}
	RTE_LCORE_FOREACH(lcore) {
		if (lcore >= ONVM_NF_CACHE_LCORE_MIN) {
			mgr_fail(ctx, "lcore id %u: ids %u..%u are kept for "
				 "the NFs' mempool caches (use lower ids, "
				 "e.g. --lcores=0@%u)", lcore,
				 ONVM_NF_CACHE_LCORE_MIN, RTE_MAX_LCORE - 1,
				 rte_lcore_to_cpu_id((int)lcore));
			return -EINVAL;
		}
		ctx->lcores[n].lcore_id = lcore;
		ctx->lcores[n].idx = n;
		ctx->lcores[n].txq = n;
		n++;
	}
	return 0;
}

/* A primary leaves its hugepage and runtime files behind even on a clean
 * exit; remove ours. */
static void
mgr_remove_prefix_files(const char *prefix, int stale)
{
	char dir[PATH_MAX];
	unsigned int n;
	int had_dir;

	n = onvm_prefix_files(prefix, 1, &had_dir);
	onvm_runtime_dir(prefix, dir, sizeof(dir));
	if (stale && (n || had_dir))
		MGR_LOG(INFO, "removed %u stale hugepage file(s) and the runtime "
			"directory %s, left by a manager on file prefix \"%s\" "
			"that did not exit cleanly", n, dir, prefix);
	else if (n)
		MGR_LOG(INFO, "removed %u hugepage file(s) of prefix \"%s\"", n,
			prefix);
}

static void
mgr_shutdown(struct mgr_ctx *ctx)
{
	uint16_t i;

	pthread_mutex_lock(&ctx->reg_lock);
	for (i = 0; i < ctx->opts.max_nfs; i++)
		if (ctx->shm->nf[i].state != ONVM_NF_FREE)
			mgr_nf_reclaim(ctx, i, "did not leave in time");
	pthread_mutex_unlock(&ctx->reg_lock);
	mgr_wait_leaving(ctx);
	mgr_drain_all(ctx);
	mgr_registry_fini(ctx);
	mgr_ports_close(ctx);
	mgr_stats_report(ctx, 1);
	mgr_flow_fini(ctx);
}

int
main(int argc, char **argv)
{
	static struct mgr_ctx ctx;
	struct sigaction sa;
	pthread_t ctl;
	char **eal_argv;
	int eal_argc, n, rc;

	eal_argv = mgr_eal_args(argc, argv, &eal_argc, &ctx.prefix);
	if (eal_argv == NULL) {
		fprintf(stderr, "onvm-mgr: out of memory\n");
		return 1;
	}
	/* Options first, so --help and a bad option need no hugepages. */
	for (n = 1; n < argc && strcmp(argv[n], "--") != 0; n++)
		;
	if (n == argc) {
		for (n = 1; n < argc; n++)
			if (strcmp(argv[n], "--help") == 0 ||
			    strcmp(argv[n], "-h") == 0) {
				fputs(mgr_usage, stdout);
				return 0;
			}
		fprintf(stderr, "onvm-mgr: missing \"--\" before the manager's "
			"options (usage: onvm-mgr [EAL options] -- --chain "
			"SID[,SID...] [options])\n");
		return 1;
	}
	argv[n] = argv[0];
	rc = mgr_opts_parse(argc - n, argv + n, &ctx.opts, ctx.err,
			    sizeof(ctx.err));
	if (rc == 1) {
		fputs(mgr_usage, stdout);
		return 0;
	}
	if (rc < 0) {
		fprintf(stderr, "onvm-mgr: %s\n", ctx.err);
		return 1;
	}
	if (onvm_primary_alive(ctx.prefix)) {
		fprintf(stderr, "onvm-mgr: a DPDK primary is already running on "
			"file prefix \"%s\" (another onvm-mgr? use --file-prefix)\n",
			ctx.prefix);
		return 1;
	}
	/* No live primary: anything of the prefix is a dead one's. */
	mgr_remove_prefix_files(ctx.prefix, 1);

	rte_errno = 0;
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "onvm-mgr: EAL initialisation failed: %s\n",
			rte_errno != 0 ? rte_strerror(rte_errno) :
			"see the EAL message above");
		return 1;
	}
	ctx.start_ns = onvm_now_ns();
	ctx.nb_ports = rte_eth_dev_count_avail();
	if (ctx.nb_ports == 0)
		mgr_fail(&ctx, "no usable port (give ports with --vdev or -a; "
			 "a port that failed to probe is named above)");
	else if (ctx.nb_ports > ONVM_MAX_PORTS)
		mgr_fail(&ctx, "%u ports; at most %d are supported",
			 ctx.nb_ports, ONVM_MAX_PORTS);
	if (ctx.err[0] == '\0')
		mgr_check_vdevs(&ctx, argc, argv);
	if (ctx.err[0] != '\0' || mgr_lcores_init(&ctx) < 0 ||
	    mgr_watch_init(&ctx) < 0 || mgr_registry_init(&ctx) < 0 ||
	    mgr_flow_init(&ctx) < 0 || mgr_pools_create(&ctx) < 0 || mgr_ports_init(&ctx) < 0 ||
	    mgr_scale_init(&ctx) < 0 || mgr_watch_start(&ctx) < 0 ||
	    mgr_scale_start(&ctx) < 0)
		goto fail;

	mgr_self = &ctx;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = mgr_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	MGR_LOG(INFO, "file prefix \"%s\", %u port(s), %u data lcore(s), "
		"default chain of %u service(s), up to %u NFs", ctx.prefix,
		ctx.nb_ports, ctx.nb_lcores, ctx.opts.chain.len,
		ctx.opts.max_nfs);
	mgr_stats_init(&ctx);
	mgr_ctl_init(&ctx);	/* without it onvmctl fails; traffic does not */
	rc = rte_ctrl_thread_create(&ctl, "onvm-ctl", NULL, mgr_ctl_thread,
				    &ctx);
	if (rc != 0) {
		mgr_fail(&ctx, "cannot start the control thread: %s",
			 strerror(rc));
		goto fail;
	}
	rte_eal_mp_remote_launch(mgr_lcore_main, &ctx, CALL_MAIN);
	rte_eal_mp_wait_lcore();
	pthread_join(ctl, NULL);

	mgr_ctl_fini(&ctx);
	mgr_scale_stop(&ctx);
	mgr_shutdown(&ctx);
	mgr_watch_stop(&ctx);
	mgr_self = NULL;
	rte_eal_cleanup();
	mgr_remove_prefix_files(ctx.prefix, 0);
	MGR_LOG(INFO, "stopped");
	return 0;
fail:
	ctx.quit = 1;
	mgr_ctl_fini(&ctx);
	mgr_scale_stop(&ctx);
	mgr_watch_stop(&ctx);
	if (ctx.shm != NULL)
		mgr_registry_fini(&ctx);
	mgr_flow_fini(&ctx);
	rte_eal_cleanup();
	mgr_remove_prefix_files(ctx.prefix, 0);
	fflush(stdout);
	fprintf(stderr, "onvm-mgr: %s\n", ctx.err[0] ? ctx.err : "set-up failed");
	return 1;
}
