/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* NF liveness and restarts (control path).
 *
 * At registration the manager opens a pidfd on the NF and reads its launch
 * spec from /proc (executable, arguments, working directory, where its
 * stdout and stderr went). A watcher thread blocks in poll() on every
 * pidfd, so a death is seen at once: the NF's slot is reclaimed and, with
 * --restart N/SEC, the NF is started again from its spec, with back-off,
 * at most N times in SEC seconds, and then given up on loudly.
 *
 * Locking: the pidfd and spec of a slot are written under reg_lock (at
 * registration and reclaim); the watcher reads them under it. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_lcore.h>

#include "mgr.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define MGR_RESTART_DELAY_MS 250	/* back-off: 0, 250, 500, 1000 ms ... */

struct mgr_nf_watch {
	int pidfd;			/* -1: none */
	int32_t pid;
	int have_spec;
	struct mgr_launch spec;
};

/* Restart history of one (service, instance). */
struct mgr_restart {
	uint16_t service_id;
	uint16_t instance_id;
	unsigned int n;			/* restarts in the current window */
	uint64_t window_start_ns;
	uint64_t due_ns;		/* 0: nothing pending */
	int gave_up;
	struct mgr_launch spec;
};

struct mgr_watch {
	int efd;			/* wakes the watcher: the set changed */
	struct mgr_nf_watch nf[ONVM_MAX_NFS];
	struct mgr_restart rs[ONVM_MAX_NFS];
	int reap[ONVM_MAX_NFS];		/* pidfds of our children to reap */
	pthread_t tid;
	int running;
};

static void
mgr_watch_kick(struct mgr_watch *w)
{
	uint64_t one = 1;

	if (write(w->efd, &one, sizeof(one)) < 0)
		MGR_LOG(DEBUG, "watcher wake-up: %s", strerror(errno));
}

static int
mgr_read_link(const char *path, char *buf, size_t len)
{
	ssize_t n = readlink(path, buf, len - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* Where an NF's fd 1 or 2 went, if it is a file we can append to. */
static void
mgr_read_output(int32_t pid, int fd, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	if (mgr_read_link(path, buf, len) < 0 || buf[0] != '/' ||
	    strstr(buf, " (deleted)") != NULL)
		buf[0] = '\0';
}

static int
mgr_read_spec(int32_t pid, struct mgr_launch *s)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	if (mgr_read_link(path, s->exe, sizeof(s->exe)) < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "/proc/%d/cwd", pid);
	if (mgr_read_link(path, s->cwd, sizeof(s->cwd)) < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	n = read(fd, s->cmdline, sizeof(s->cmdline) - 1);
	close(fd);
	if (n <= 0 || (size_t)n == sizeof(s->cmdline) - 1)
		return -E2BIG;
	s->cmdline[n] = '\0';
	s->cmdline_len = (size_t)n;
	mgr_read_output(pid, 1, s->out, sizeof(s->out));
	mgr_read_output(pid, 2, s->err, sizeof(s->err));
	return 0;
}

/* Called under reg_lock once an NF is registered in @p slot. */
void
mgr_watch_add(struct mgr_ctx *ctx, uint16_t slot)
{
	struct mgr_watch *w = ctx->watch;
	struct mgr_nf_watch *nw = &w->nf[slot];
	int32_t pid = ctx->shm->nf[slot].pid;

	nw->pid = pid;
	nw->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (nw->pidfd < 0)
		MGR_LOG(WARNING, "pidfd_open(%d): %s; death noticed by polling",
			pid, strerror(errno));
	nw->have_spec = mgr_read_spec(pid, &nw->spec) == 0;
	mgr_watch_kick(w);
}

/* Our own child? Then its pidfd must be waited on, or it stays a zombie. */
static int
mgr_is_child(int32_t pid)
{
	char path[64], line[256];
	FILE *f;
	int ppid = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "PPid: %d", &ppid) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return ppid == getpid();
}

/* Called under reg_lock when a slot is reclaimed: stop watching it. */
void
mgr_watch_forget(struct mgr_ctx *ctx, uint16_t slot)
{
	struct mgr_watch *w = ctx->watch;
	struct mgr_nf_watch *nw = &w->nf[slot];
	unsigned int i;

	if (nw->pidfd < 0)
		return;
	if (mgr_is_child(nw->pid)) {
		for (i = 0; i < ONVM_MAX_NFS; i++)
			if (w->reap[i] < 0) {
				w->reap[i] = nw->pidfd;
				nw->pidfd = -1;
				break;
			}
	}
	if (nw->pidfd >= 0)
		close(nw->pidfd);
	nw->pidfd = -1;
	mgr_watch_kick(w);
}

/* "exit status 3", "signal 9 (Killed)", or "" if not our child. */
static void
mgr_exit_reason(int pidfd, char *buf, size_t len)
{
	siginfo_t si;

	buf[0] = '\0';
	memset(&si, 0, sizeof(si));
	if (pidfd < 0 || waitid(P_PIDFD, (id_t)pidfd, &si,
				WEXITED | WNOHANG) < 0 || si.si_pid == 0)
		return;
	if (si.si_code == CLD_EXITED)
		snprintf(buf, len, " (exit status %d)", si.si_status);
	else
		snprintf(buf, len, " (signal %d, %s)", si.si_status,
			 strsignal(si.si_status));
}

static struct mgr_restart *
mgr_restart_entry(struct mgr_watch *w, uint16_t sid, uint16_t iid)
{
	struct mgr_restart *free_rs = NULL;
	unsigned int i;

	for (i = 0; i < ONVM_MAX_NFS; i++) {
		if (w->rs[i].service_id == sid && w->rs[i].instance_id == iid)
			return &w->rs[i];
		if (w->rs[i].service_id == 0 && free_rs == NULL)
			free_rs = &w->rs[i];
	}
	if (free_rs != NULL) {
		memset(free_rs, 0, sizeof(*free_rs));
		free_rs->service_id = sid;
		free_rs->instance_id = iid;
	}
	return free_rs;
}

/* Decide whether and when to start a dead NF again. */
static void
mgr_schedule_restart(struct mgr_ctx *ctx, uint16_t slot)
{
	struct mgr_watch *w = ctx->watch;
	const struct onvm_nf_slot *nf = &ctx->shm->nf[slot];
	uint64_t now = onvm_now_ns(), window;
	struct mgr_restart *rs;

	if (ctx->opts.restart_max == 0 || !w->nf[slot].have_spec ||
	    __atomic_load_n(&ctx->shm->mgr_state, __ATOMIC_ACQUIRE) ==
		    ONVM_MGR_STOPPING)
		return;
	rs = mgr_restart_entry(w, nf->service_id, nf->instance_id);
	if (rs == NULL || rs->gave_up)
		return;
	window = (uint64_t)(ctx->opts.restart_window * 1e9);
	if (now - rs->window_start_ns > window) {
		rs->window_start_ns = now;
		rs->n = 0;
	}
	if (rs->n == ctx->opts.restart_max) {
		rs->gave_up = 1;
		MGR_LOG(ERR, "NF %s (service %u, instance %u) died %u times in "
			"%.0f s; giving up on restarting it", nf->name,
			nf->service_id, nf->instance_id, rs->n + 1,
			ctx->opts.restart_window);
		return;
	}
	rs->spec = w->nf[slot].spec;
	rs->due_ns = now + (rs->n == 0 ? 0 :
		(uint64_t)MGR_RESTART_DELAY_MS * 1000000ULL << (rs->n - 1));
	rs->n++;
}

/* The NF in @p slot died: reclaim it and maybe restart it. reg_lock held. */
void
mgr_nf_died(struct mgr_ctx *ctx, uint16_t slot)
{
	const struct onvm_nf_slot *nf = &ctx->shm->nf[slot];
	struct mgr_death d = { .detected_ns = onvm_now_ns(), .pid = nf->pid,
			       .service_id = nf->service_id,
			       .instance_id = nf->instance_id };
	char why[96], reason[64];
	int rc;

	mgr_exit_reason(ctx->watch->nf[slot].pidfd, reason, sizeof(reason));
	snprintf(why, sizeof(why), "died%s", reason);
	/* Before the reclaim clears the slot's service and instance; not for
	 * an NF that was already leaving (STOPPING). */
	if (nf->state == ONVM_NF_RUNNING)
		mgr_schedule_restart(ctx, slot);
	rc = mgr_nf_reclaim(ctx, slot, why);
	if (rc >= 0) {
		d.reclaimed_ns = onvm_now_ns();
		d.freed = (uint32_t)rc;
		ctx->deaths[ctx->nb_deaths++ % MGR_DEATHS] = d;
	}
}

/* The launch spec read at registration of the NF in @p slot. reg_lock
 * held. @return 0, or -ENOENT if there is none. */
int
mgr_watch_spec(struct mgr_ctx *ctx, uint16_t slot, struct mgr_launch *s)
{
	const struct mgr_nf_watch *nw = &ctx->watch->nf[slot];

	if (!nw->have_spec || nw->pid != ctx->shm->nf[slot].pid)
		return -ENOENT;
	*s = nw->spec;
	return 0;
}

/* Start an NF from a launch spec, as a child of the manager (restarts,
 * scaling). @return its pid, or -errno. */
int
mgr_spawn(const struct mgr_launch *s)
{
	char *argv[256];
	size_t off = 0;
	sigset_t all;
	int argc = 0, fd;
	pid_t pid;

	while (off < s->cmdline_len && argc < 255) {
		argv[argc++] = (char *)s->cmdline + off;
		off += strlen(s->cmdline + off) + 1;
	}
	argv[argc] = NULL;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* The child: only async-signal-safe calls until exec. */
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		if (chdir(s->cwd) < 0)
			_exit(127);
		if (s->out[0] && (fd = open(s->out, O_WRONLY | O_APPEND)) >= 0)
			dup2(fd, 1);
		if (s->err[0] && (fd = open(s->err, O_WRONLY | O_APPEND)) >= 0)
			dup2(fd, 2);
		syscall(SYS_close_range, 3U, ~0U, 0U);
		execv(s->exe, argv);
		_exit(127);
	}
	return pid;
}

/* Start a dead NF again from its launch spec. */
static void
mgr_launch(struct mgr_restart *rs)
{
	int pid = mgr_spawn(&rs->spec);

	if (pid < 0) {
		MGR_LOG(ERR, "cannot restart %s: fork: %s", rs->spec.exe,
			strerror(-pid));
		return;
	}
	MGR_LOG(INFO, "restarting NF of service %u, instance %u (try %u): pid %d",
		rs->service_id, rs->instance_id, rs->n, pid);
}

static void *
mgr_watch_thread(void *arg)
{
	struct mgr_ctx *ctx = arg;
	struct mgr_watch *w = ctx->watch;
	struct pollfd pfd[1 + 2 * ONVM_MAX_NFS];
	int16_t owner[1 + 2 * ONVM_MAX_NFS]; /* slot, or -1 - reap index */
	unsigned int i, n;
	uint64_t now, next;
	int timeout;

	while (!ctx->quit) {
		n = 0;
		pfd[n].fd = w->efd;
		pfd[n++].events = POLLIN;
		next = 0;
		pthread_mutex_lock(&ctx->reg_lock);
		for (i = 0; i < ONVM_MAX_NFS; i++) {
			if (w->nf[i].pidfd >= 0) {
				owner[n] = (int16_t)i;
				pfd[n].fd = w->nf[i].pidfd;
				pfd[n++].events = POLLIN;
			}
			if (w->reap[i] >= 0) {
				owner[n] = (int16_t)(-1 - (int)i);
				pfd[n].fd = w->reap[i];
				pfd[n++].events = POLLIN;
			}
			if (w->rs[i].due_ns && (!next || w->rs[i].due_ns < next))
				next = w->rs[i].due_ns;
		}
		pthread_mutex_unlock(&ctx->reg_lock);

		now = onvm_now_ns();
		timeout = 200; /* and look at ctx->quit */
		if (next && (next <= now || (next - now) / 1000000 < 200))
			timeout = next <= now ? 0 : (int)((next - now) / 1000000);
		if (poll(pfd, n, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN) {
			uint64_t v;

			if (read(w->efd, &v, sizeof(v)) < 0)
				MGR_LOG(DEBUG, "watcher: %s", strerror(errno));
		}
		pthread_mutex_lock(&ctx->reg_lock);
		for (i = 1; i < n; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (owner[i] < 0) { /* a child that already left */
				siginfo_t si;
				int r = -1 - owner[i];

				waitid(P_PIDFD, (id_t)w->reap[r], &si,
				       WEXITED | WNOHANG);
				close(w->reap[r]);
				w->reap[r] = -1;
			} else if (w->nf[owner[i]].pidfd == pfd[i].fd &&
				   ctx->shm->nf[owner[i]].state !=
					   ONVM_NF_FREE) {
				mgr_nf_died(ctx, (uint16_t)owner[i]);
			}
		}
		now = onvm_now_ns();
		for (i = 0; i < ONVM_MAX_NFS; i++) {
			struct mgr_restart *rs = &w->rs[i];

			if (rs->due_ns == 0 || rs->due_ns > now)
				continue;
			rs->due_ns = 0;
			if (__atomic_load_n(&ctx->shm->mgr_state,
					    __ATOMIC_ACQUIRE) != ONVM_MGR_STOPPING)
				mgr_launch(rs);
		}
		pthread_mutex_unlock(&ctx->reg_lock);
	}
	return NULL;
}

int
mgr_watch_init(struct mgr_ctx *ctx)
{
	struct mgr_watch *w;
	unsigned int i;

	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		mgr_fail(ctx, "out of memory for the NF watcher");
		return -ENOMEM;
	}
	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->efd < 0) {
		mgr_fail(ctx, "eventfd: %s", strerror(errno));
		free(w);
		return -errno;
	}
	for (i = 0; i < ONVM_MAX_NFS; i++) {
		w->nf[i].pidfd = -1;
		w->reap[i] = -1;
	}
	ctx->watch = w;
	return 0;
}

int
mgr_watch_start(struct mgr_ctx *ctx)
{
	int rc = rte_ctrl_thread_create(&ctx->watch->tid, "onvm-watch", NULL,
					mgr_watch_thread, ctx);

	if (rc != 0) {
		mgr_fail(ctx, "cannot start the NF watcher: %s", strerror(rc));
		return -rc;
	}
	ctx->watch->running = 1;
	return 0;
}

void
mgr_watch_stop(struct mgr_ctx *ctx)
{
	struct mgr_watch *w = ctx->watch;
	unsigned int i;

	if (w == NULL)
		return;
	if (w->running) {
		mgr_watch_kick(w);
		pthread_join(w->tid, NULL);
	}
	for (i = 0; i < ONVM_MAX_NFS; i++) {
		if (w->nf[i].pidfd >= 0)
			close(w->nf[i].pidfd);
		if (w->reap[i] >= 0) {
			/* Our children left; give each a moment to exit so
			 * none stays a zombie. */
			struct pollfd p = { .fd = w->reap[i], .events = POLLIN };
			siginfo_t si;

			if (poll(&p, 1, 1000) > 0)
				waitid(P_PIDFD, (id_t)w->reap[i], &si,
				       WEXITED | WNOHANG);
			close(w->reap[i]);
		}
	}
	close(w->efd);
	free(w);
	ctx->watch = NULL;
}
