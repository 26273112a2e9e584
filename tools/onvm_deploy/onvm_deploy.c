/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* onvm-deploy FILE: start the manager and every NF of a deployment file,
 * wait until all have registered, report, and stop everything cleanly on
 * Ctrl-C or SIGTERM (docs/deploy.md). No EAL: it only starts processes
 * and reads the manager's stats JSON.
 *
 * Every child runs in a process group of its own, so a terminal's Ctrl-C
 * reaches only onvm-deploy, which stops the manager first: the NFs see it
 * stop and leave in chain order, as when stopped by hand. Each child gets
 * SIGTERM if onvm-deploy dies (PR_SET_PDEATHSIG), and onvm-deploy is a
 * subreaper, so NFs the manager restarted become its children when the
 * manager is gone. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "deploy_conf.h"
#include "deploy_yaml.h"
#include "onvm_runtime.h"

#define PROG "onvm-deploy"
#define TICK_MS 50		/* main loop period */
#define JSON_EVERY_MS 200	/* read the stats JSON this often */
#define MGR_STOP_S 20		/* the manager's shutdown, at most */
#define NF_LEAVE_S 5		/* NFs' exit after the manager's */
#define KILL_AFTER_S 5		/* SIGTERM to SIGKILL */

static const char usage[] =
	"usage: onvm-deploy [options] FILE\n"
	"Start the manager and the NFs of deployment FILE (docs/deploy.md),\n"
	"wait until every NF has registered, report, and stop everything on\n"
	"Ctrl-C or SIGTERM.\n"
	"  --check           validate FILE (and this host: CPUs, programs) only\n"
	"  --dry-run         validate, print the command lines, start nothing\n"
	"  --duration SEC    stop SEC seconds after every NF has registered\n"
	"  --timeout SEC     give the manager and NFs this long to come up\n"
	"                    (default 60)\n"
	"  --log-dir DIR     NF logs (NAME.ID.log) and the stats JSON (default\n"
	"                    $TMPDIR/onvm-deploy-PREFIX)\n"
	"  --help            this text\n";

struct proc {
	char label[48];		/* "manager", "simple_forward.2" */
	int spec;		/* nfs[] index, -1 for the manager */
	int k;			/* instance within the spec */
	uint16_t service, id;
	int cpu;		/* -1: the NF library's default */
	pid_t pid;		/* 0 once reaped */
	pid_t first_pid;
	pid_t adopted;		/* restarted by the manager: not our child */
	int adopted_done;
	int status;		/* wait status, if reaped */
	int reaped;
	int unexpected;		/* died while it should have been running */
	uint64_t spawn_ns, reg_ns;
	int registered;
	char log[PATH_MAX];
};

static struct {
	struct deploy_conf conf;
	const char *file;
	char stats_json[PATH_MAX];
	char log_dir[PATH_MAX];
	double duration, timeout;
	struct proc mgr;
	struct proc *nf;
	int nb_nf;
	sigset_t old_mask;
	int stopping;
	int failed;
} g;

static volatile sig_atomic_t got_signal, last_signal;

static void
on_signal(int sig)
{
	last_signal = sig;
	got_signal++;
}

static void
on_child(int sig)
{
	(void)sig; /* only wakes ppoll() */
}

static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list ap;

	printf(PROG ": ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void
warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
warn(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static double
ms_since(uint64_t t0)
{
	return (onvm_now_ns() - t0) / 1e6;
}

/* Sleep up to @p ms, or until a signal (SIGCHLD too) arrives. */
static void
tick(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	ppoll(NULL, 0, &ts, &g.old_mask);
}

/* "0" (an exit status), "signal 9 (Killed)" */
static const char *
status_str(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "%d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "signal %d (%s)", WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
	else
		snprintf(buf, len, "wait status %#x", st);
	return buf;
}

/* "exit status 1", "signal 9 (Killed)" */
static const char *
how_str(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(st));
	else
		status_str(st, buf, len);
	return buf;
}

/* The last non-empty line of a log, for a one-line report. */
static const char *
last_line(const char *path, char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f == NULL)
		return buf;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '\0' && len > 0) {
			size_t n = strlen(line) < len ? strlen(line) : len - 1;

			memcpy(buf, line, n);
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

/* ---------------------------------------------------------------- processes */

static int
spawn(struct proc *p, const struct deploy_argv *a)
{
	pid_t parent = getpid(), pid;
	int pfd[2], err = 0, fd;
	ssize_t n;

	if (pipe2(pfd, O_CLOEXEC) != 0)
		return -errno;
	p->spawn_ns = onvm_now_ns();
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(pfd[0]);
		close(pfd[1]);
		return -err;
	}
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		sigprocmask(SIG_SETMASK, &g.old_mask, NULL);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0 && fd != 0) {
			dup2(fd, 0);
			close(fd);
		}
		if (p->log[0] != '\0') {
			/* O_APPEND: an NF the manager restarts appends */
			fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC |
				  O_APPEND, 0644);
			if (fd < 0) {
				err = errno;
				goto fail;
			}
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
		execv(a->argv[0], a->argv);
		err = errno;
fail:
		n = write(pfd[1], &err, sizeof(err));
		(void)n;
		_exit(127);
	}
	close(pfd[1]);
	do {
		n = read(pfd[0], &err, sizeof(err));
	} while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == sizeof(err)) {
		waitpid(pid, NULL, 0);
		return -err;
	}
	p->pid = pid;
	p->first_pid = pid;
	return 0;
}

static struct proc *
proc_by_pid(pid_t pid)
{
	int i;

	if (g.mgr.pid == pid)
		return &g.mgr;
	for (i = 0; i < g.nb_nf; i++)
		if (g.nf[i].pid == pid || g.nf[i].adopted == pid)
			return &g.nf[i];
	return NULL;
}

static int
proc_alive(const struct proc *p)
{
	if (p->pid > 0)
		return 1;
	return p->adopted > 0 && !p->adopted_done &&
	       (kill(p->adopted, 0) == 0 || errno == EPERM);
}

/* Reap every child that exited; report the unexpected ones. */
static void
reap(void)
{
	struct proc *p;
	char st[64], line[200];
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		p = proc_by_pid(pid);
		if (p == NULL)
			continue; /* an orphan we became the reaper of */
		if (p->adopted == pid) {
			p->adopted_done = 1;
			p->status = status;
			p->reaped = 1;
			continue;
		}
		p->pid = 0;
		p->status = status;
		p->reaped = 1;
		if (g.stopping)
			continue;
		/* A clean exit of a scaled service: the manager scaled it
		 * in (or onvmctl stop). Not a failure. */
		if (p != &g.mgr && p->registered && p->spec >= 0 &&
		    g.conf.nf[p->spec].scale[0] && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0) {
			say("NF %s (service %u, instance %u, pid %d) left "
			    "(scaled in or stopped)", p->label, p->service,
			    p->id, pid);
			continue;
		}
		p->unexpected = 1;
		g.failed = 1;
		how_str(status, st, sizeof(st));
		if (p == &g.mgr) {
			warn("the manager (pid %d) ended with %s", pid, st);
		} else if (!p->registered) {
			warn("NF %s (service %u, instance %u, pid %d) ended "
			     "with %s before it registered%s%s", p->label,
			     p->service, p->id, pid, st,
			     last_line(p->log, line, sizeof(line))[0] ?
			     ": " : "", line);
		} else {
			warn("NF %s (service %u, instance %u, pid %d) ended "
			     "with %s%s", p->label, p->service, p->id, pid, st,
			     g.conf.mgr.restart ? "; the manager restarts it" :
			     "");
		}
	}
}

/* ---------------------------------------------------------------- stats */

struct nf_seen {
	long long pid, service, instance, reg_ns;
};

static long long
num(const struct dy_node *map, const char *key)
{
	const struct dy_node *n = dy_get(map, key);

	if (n == NULL || n->type != DY_SCALAR)
		return -1;
	return strtoll(n->str, NULL, 10);
}

/* Read the manager's stats JSON (JSON is YAML enough for libyaml).
 * @return the NFs listed (at most @p max), or -1 if there is no readable
 *   JSON yet. */
static int
read_stats(struct nf_seen *seen, int max)
{
	struct dy_node *root, *nfs;
	char buf[1 << 16], err[128];
	int fd, line, n = 0;
	size_t len = 0;
	ssize_t r;

	fd = open(g.stats_json, O_RDONLY);
	if (fd < 0)
		return -1;
	while (len < sizeof(buf) &&
	       (r = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)r;
	close(fd);
	if (dy_load(buf, len, &root, &line, err, sizeof(err)) < 0)
		return -1;
	if (root == NULL || dy_get(root, "state") == NULL) {
		dy_free(root);
		return -1;
	}
	nfs = dy_get(root, "nfs");
	for (size_t i = 0; nfs != NULL && nfs->type == DY_SEQ && i < nfs->n &&
	     n < max; i++) {
		seen[n].pid = num(nfs->kid[i], "pid");
		seen[n].service = num(nfs->kid[i], "service");
		seen[n].instance = num(nfs->kid[i], "instance");
		seen[n].reg_ns = num(nfs->kid[i], "reg_ns");
		n++;
	}
	dy_free(root);
	return n;
}

/* Mark the NFs the stats list as registered; adopt the ones the manager
 * restarted. @return NFs registered, or -1 with no JSON yet. */
static int
update_registered(void)
{
	struct nf_seen seen[ONVM_MAX_NFS];
	int n, i, j, done = 0;

	n = read_stats(seen, ONVM_MAX_NFS);
	if (n < 0)
		return -1;
	for (i = 0; i < g.nb_nf; i++) {
		struct proc *p = &g.nf[i];

		for (j = 0; j < n; j++) {
			if (p->pid > 0 && seen[j].pid == p->pid &&
			    !p->registered) {
				p->registered = 1;
				p->reg_ns = seen[j].reg_ns > 0 ?
					(uint64_t)seen[j].reg_ns : onvm_now_ns();
			}
			/* the manager restarted it: same service and id */
			if (p->pid == 0 && p->registered &&
			    seen[j].service == p->service &&
			    seen[j].instance == p->id &&
			    seen[j].pid != p->first_pid &&
			    seen[j].pid != p->adopted && seen[j].pid > 0) {
				p->adopted = (pid_t)seen[j].pid;
				p->adopted_done = 0;
				if (!g.stopping)
					say("the manager restarted NF %s as "
					    "pid %d", p->label, p->adopted);
			}
		}
		done += p->registered;
	}
	return done;
}

/* ---------------------------------------------------------------- stop */

static void
signal_nfs(int sig)
{
	int i;

	for (i = 0; i < g.nb_nf; i++) {
		if (g.nf[i].pid > 0)
			kill(g.nf[i].pid, sig);
		if (g.nf[i].adopted > 0 && !g.nf[i].adopted_done)
			kill(g.nf[i].adopted, sig);
	}
}

static int
nfs_alive(void)
{
	int i, n = 0;

	for (i = 0; i < g.nb_nf; i++)
		n += proc_alive(&g.nf[i]);
	return n;
}

/* Count the prefix's hugepage files (on every hugetlbfs mount) and its
 * runtime directory; remove them if @p remove. */
static int
prefix_files(const char *prefix, int remove)
{
	int had_dir;

	return (int)onvm_prefix_files(prefix, remove, &had_dir) + had_dir;
}

/* NFs that have not registered yet may be inside their EAL start-up: a
 * manager that goes away under them leaves them failing, and their
 * runtime directory behind. They go first, with SIGTERM (SIGKILL after
 * KILL_AFTER_S). */
static void
stop_starting_nfs(void)
{
	uint64_t t0 = onvm_now_ns();
	int i, n, sig = SIGTERM;

	for (;;) {
		reap();
		n = 0;
		for (i = 0; i < g.nb_nf; i++)
			if (g.nf[i].pid > 0 && !g.nf[i].registered) {
				if (sig != 0)
					kill(g.nf[i].pid, sig);
				n++;
			}
		if (n == 0)
			return;
		sig = 0;
		if (ms_since(t0) > KILL_AFTER_S * 1000.0) {
			sig = SIGKILL;
			t0 = onvm_now_ns();
			g.failed = 1;
		}
		tick(TICK_MS);
	}
}

/* Stop everything: the manager first (the NFs see it stop and leave),
 * then whatever is left. A second signal sends SIGTERM to the NFs too, a
 * third SIGKILL to all. */
static void
stop_all(const char *why)
{
	uint64_t t0 = onvm_now_ns(), mgr_gone = 0, nf_term = 0, killed = 0;
	int seen_signals = got_signal, i, kills = 0;
	char st[64], list[2048];
	size_t n = 0;

	g.stopping = 1;
	if (g.mgr.pid > 0 || nfs_alive())
		say("stopping (%s)", why);
	stop_starting_nfs();
	t0 = onvm_now_ns();
	if (g.mgr.pid > 0)
		kill(g.mgr.pid, SIGTERM);
	else
		mgr_gone = t0;
	for (;;) {
		reap();
		if (g.mgr.pid == 0 && mgr_gone == 0)
			mgr_gone = onvm_now_ns();
		if (g.mgr.pid == 0 && nfs_alive() == 0)
			break;
		if (got_signal > seen_signals) {
			seen_signals = got_signal;
			if (++kills == 1) {
				say("stopping the NFs too (again: SIGKILL)");
				signal_nfs(SIGTERM);
				nf_term = onvm_now_ns();
			} else {
				say("killing everything");
				killed = 1;
			}
		}
		if (g.mgr.pid > 0 && !killed &&
		    ms_since(t0) > MGR_STOP_S * 1000.0) {
			warn("the manager did not stop within %d s; killing "
			     "everything", MGR_STOP_S);
			killed = 1;
		}
		if (g.mgr.pid == 0 && !nf_term && !killed &&
		    ms_since(mgr_gone) > NF_LEAVE_S * 1000.0) {
			warn("%d NF(s) still running %d s after the manager "
			     "stopped; sending them SIGTERM", nfs_alive(),
			     NF_LEAVE_S);
			signal_nfs(SIGTERM);
			nf_term = onvm_now_ns();
		}
		if (nf_term && !killed &&
		    ms_since(nf_term) > KILL_AFTER_S * 1000.0) {
			warn("NF(s) still running %d s after SIGTERM; "
			     "sending SIGKILL", KILL_AFTER_S);
			killed = 1;
		}
		if (killed) {
			g.failed = 1;
			if (g.mgr.pid > 0)
				kill(g.mgr.pid, SIGKILL);
			signal_nfs(SIGKILL);
			for (i = 0; i < g.nb_nf; i++)
				if (g.nf[i].adopted > 0 &&
				    kill(g.nf[i].adopted, 0) != 0)
					g.nf[i].adopted_done = 1;
		}
		tick(TICK_MS);
	}

	/* Exit statuses. */
	list[0] = '\0';
	if (g.mgr.reaped) {
		n += snprintf(list + n, sizeof(list) - n, "manager %s",
			      status_str(g.mgr.status, st, sizeof(st)));
		if (!WIFEXITED(g.mgr.status) || WEXITSTATUS(g.mgr.status) != 0)
			g.failed = 1;
	}
	for (i = 0; i < g.nb_nf && n < sizeof(list); i++) {
		struct proc *p = &g.nf[i];

		if (p->first_pid == 0)
			continue;
		if (!p->reaped)
			n += snprintf(list + n, sizeof(list) - n, ", %s gone",
				      p->label);
		else
			n += snprintf(list + n, sizeof(list) - n, ", %s %s",
				      p->label, status_str(p->status, st,
							   sizeof(st)));
		if (p->reaped && (!WIFEXITED(p->status) ||
				  WEXITSTATUS(p->status) != 0))
			g.failed = 1;
	}
	if (list[0] != '\0')
		say("exit status: %s", list);

	/* The manager removes its files at exit; one that died could not. */
	if (g.mgr.first_pid > 0) {
		int left = prefix_files(g.conf.mgr.file_prefix, 0);

		if (left > 0 && !onvm_primary_alive(g.conf.mgr.file_prefix)) {
			prefix_files(g.conf.mgr.file_prefix, 1);
			warn("removed %d hugepage/runtime file(s) of file "
			     "prefix %s left behind", left,
			     g.conf.mgr.file_prefix);
			g.failed = 1;
		} else if (left > 0) {
			warn("file prefix %s is still in use by another "
			     "process; its files stay", g.conf.mgr.file_prefix);
			g.failed = 1;
		} else {
			say("no hugepage or runtime file of file prefix %s "
			    "left", g.conf.mgr.file_prefix);
		}
	}
}

/* ---------------------------------------------------------------- report */

static void
report(uint64_t t_nfs)
{
	uint64_t last = t_nfs;
	char cpu[16], *buf;
	size_t len;
	FILE *f;
	int i;

	/* One write: the manager's stats table shares the terminal. */
	f = open_memstream(&buf, &len);
	if (f == NULL)
		return;
	for (i = 0; i < g.nb_nf; i++)
		if (g.nf[i].reg_ns > last)
			last = g.nf[i].reg_ns;
	fprintf(f, PROG ": %d NF instance(s) registered, the last %.0f ms "
		"after the first was started:\n", g.nb_nf,
		(double)((int64_t)(last - t_nfs)) / 1e6);
	fprintf(f, "  %-7s  %-8s  %-20s  %-8s  %-7s  %s\n", "service",
		"instance", "name", "pid", "cpu", "start to registered");
	for (i = 0; i < g.nb_nf; i++) {
		const struct proc *p = &g.nf[i];

		if (p->cpu >= 0)
			snprintf(cpu, sizeof(cpu), "%d", p->cpu);
		else
			snprintf(cpu, sizeof(cpu), "default");
		fprintf(f, "  %-7u  %-8u  %-20s  %-8d  %-7s  %.1f ms\n",
			p->service, p->id, g.conf.nf[p->spec].name, p->pid,
			cpu, (double)((int64_t)(p->reg_ns - p->spawn_ns)) / 1e6);
	}
	if (g.duration > 0)
		fprintf(f, PROG ": running for %g s; Ctrl-C stops everything "
			"sooner (NF logs in %s)\n", g.duration, g.log_dir);
	else
		fprintf(f, PROG ": running; Ctrl-C stops everything (NF logs "
			"in %s)\n", g.log_dir);
	fclose(f);
	fwrite(buf, 1, len, stdout);
	fflush(stdout);
	free(buf);
}

/* ---------------------------------------------------------------- main */

static int
parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !(v > 0) ||
	    v > 31536000)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
parse_args(int argc, char **argv, int *check, int *dry_run)
{
	static const struct option opts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "log-dir", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	g.timeout = 60;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			*check = 1;
			break;
		case 'n':
			*dry_run = 1;
			break;
		case 'd':
		case 't':
			if (parse_seconds(optarg, c == 'd' ? &g.duration :
					  &g.timeout) < 0) {
				warn("bad value '%s' for --%s (seconds > 0)",
				     optarg, c == 'd' ? "duration" : "timeout");
				return -1;
			}
			break;
		case 'L':
			if (*optarg == '\0' ||
			    strlen(optarg) >= sizeof(g.log_dir) - 64) {
				warn("bad --log-dir");
				return -1;
			}
			snprintf(g.log_dir, sizeof(g.log_dir), "%s", optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		case ':':
			warn("option %s needs a value", argv[optind - 1]);
			return -1;
		default:
			warn("unknown option '%s' (see --help)", argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc - 1) {
		warn("%s (usage: onvm-deploy [--check | --dry-run] "
		     "[--duration SEC] [--timeout SEC] [--log-dir DIR] FILE)",
		     optind >= argc ? "no deployment file given" :
		     "give one deployment file");
		return -1;
	}
	g.file = argv[optind];
	return 0;
}

static int
mkdir_p(const char *dir)
{
	char buf[PATH_MAX], *s;

	snprintf(buf, sizeof(buf), "%s", dir);
	for (s = buf + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static void
print_commands(void)
{
	struct deploy_argv a;
	char line[8192];
	int i, k;

	if (deploy_mgr_argv(&g.conf, g.stats_json, &a) == 0) {
		deploy_argv_str(&a, line, sizeof(line));
		printf("%s\n", line);
		deploy_argv_free(&a);
	}
	for (i = 0; i < g.conf.nb_nfs; i++)
		for (k = 0; k < g.conf.nf[i].instances; k++)
			if (deploy_nf_argv(&g.conf, i, k, &a) == 0) {
				deploy_argv_str(&a, line, sizeof(line));
				printf("%s\n", line);
				deploy_argv_free(&a);
			}
}

static void
self_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0) {
		snprintf(buf, len, ".");
		return;
	}
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash != NULL && slash != buf)
		*slash = '\0';
}

static int
start_nfs(void)
{
	struct deploy_argv a;
	int i, k, rc, n = 0;

	for (i = 0; i < g.conf.nb_nfs; i++) {
		const struct deploy_nf *nf = &g.conf.nf[i];

		for (k = 0; k < nf->instances; k++, n++) {
			struct proc *p = &g.nf[n];

			p->spec = i;
			p->k = k;
			p->service = nf->service;
			p->id = (uint16_t)(nf->first_id + k);
			p->cpu = nf->cores.n ? nf->cores.cpu[k % nf->cores.n] : -1;
			snprintf(p->label, sizeof(p->label), "%s.%u", nf->name,
				 p->id);
			if (snprintf(p->log, sizeof(p->log), "%s/%s.log",
				     g.log_dir, p->label) >= (int)sizeof(p->log))
				return -ENAMETOOLONG;
			rc = deploy_nf_argv(&g.conf, i, k, &a);
			if (rc == 0) {
				rc = spawn(p, &a);
				deploy_argv_free(&a);
			}
			if (rc < 0) {
				warn("cannot start NF %s (%s): %s", p->label,
				     nf->path, strerror(-rc));
				return rc;
			}
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct deploy_err e;
	struct deploy_argv a;
	struct sigaction sa;
	sigset_t block;
	char err[512], dir[PATH_MAX];
	const char *tmp;
	uint64_t t0, t_nfs, end, last_json = 0;
	int check = 0, dry_run = 0, rc, i, done;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv, &check, &dry_run) < 0)
		return 1;

	rc = deploy_load(g.file, &g.conf, err, sizeof(err));
	if (rc == -EINVAL || rc == -ENOMEM) {
		fprintf(stderr, "%s\n", err);
		return 1;
	} else if (rc < 0) {
		warn("%s", err);
		return 1;
	}
	self_dir(dir, sizeof(dir));
	rc = deploy_check_host(&g.conf, dir, &e);
	if (rc < 0) {
		fprintf(stderr, "%s:%d: %s\n", g.file, e.line, e.msg);
		return 1;
	}
	if (g.log_dir[0] == '\0') {
		tmp = getenv("TMPDIR");
		snprintf(g.log_dir, sizeof(g.log_dir), "%s/onvm-deploy-%s",
			 tmp != NULL && *tmp == '/' ? tmp : "/tmp",
			 g.conf.mgr.file_prefix);
	}
	if (g.conf.mgr.stats_json != NULL)
		snprintf(g.stats_json, sizeof(g.stats_json), "%s",
			 g.conf.mgr.stats_json);
	else
		if (snprintf(g.stats_json, sizeof(g.stats_json), "%s/stats.json",
			     g.log_dir) >= (int)sizeof(g.stats_json)) {
			warn("the log directory's path is too long");
			return 1;
		}
	if (check) {
		printf("%s: ok: %d port(s), chain", g.file, g.conf.mgr.nb_ports);
		for (i = 0; i < g.conf.mgr.chain.len; i++)
			printf("%s%u", i ? "," : " ", g.conf.mgr.chain.sid[i]);
		printf(", %d NF(s) with %d instance(s), %d flow rule(s), file "
		       "prefix %s\n", g.conf.nb_nfs, g.conf.total,
		       g.conf.nb_flows, g.conf.mgr.file_prefix);
		deploy_conf_free(&g.conf);
		return 0;
	}
	if (dry_run) {
		print_commands();
		deploy_conf_free(&g.conf);
		return 0;
	}

	rc = mkdir_p(g.log_dir);
	if (rc < 0) {
		warn("cannot create the log directory %s: %s", g.log_dir,
		     strerror(-rc));
		return 1;
	}
	/* A stats JSON of an earlier run must not pass for this one's. */
	if (unlink(g.stats_json) != 0 && errno != ENOENT) {
		warn("cannot remove the old %s: %s", g.stats_json,
		     strerror(errno));
		return 1;
	}
	g.nb_nf = g.conf.total;
	/* (none if every NF starts on its first packet: scale.min 0) */
	g.nf = calloc((size_t)(g.nb_nf ? g.nb_nf : 1), sizeof(*g.nf));
	if (g.nf == NULL) {
		warn("out of memory");
		return 1;
	}

	/* Signals are blocked but while waiting in ppoll(): none is lost
	 * between a check and the wait. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &g.old_mask);
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	/* The manager, on the terminal: its stats table and log. */
	snprintf(g.mgr.label, sizeof(g.mgr.label), "manager");
	g.mgr.spec = -1;
	rc = deploy_mgr_argv(&g.conf, g.stats_json, &a);
	if (rc == 0) {
		rc = spawn(&g.mgr, &a);
		deploy_argv_free(&a);
	}
	if (rc < 0) {
		warn("cannot start the manager (%s): %s", g.conf.mgr.path,
		     strerror(-rc));
		return 1;
	}
	t0 = g.mgr.spawn_ns;
	say("%s: started the manager (pid %d, file prefix %s)", g.file,
	    g.mgr.pid, g.conf.mgr.file_prefix);

	/* Up when it has written its stats JSON: its tables exist. */
	while (read_stats(NULL, 0) < 0) {
		reap();
		if (g.mgr.pid == 0) {
			warn("the manager exited before it was up (its error "
			     "is above)");
			stop_all("the manager failed");
			goto out;
		}
		if (got_signal) {
			stop_all(strsignal(last_signal));
			goto out;
		}
		if (ms_since(t0) > g.timeout * 1000) {
			warn("the manager was not up within %g s (no %s)",
			     g.timeout, g.stats_json);
			g.failed = 1;
			stop_all("timeout");
			goto out;
		}
		tick(TICK_MS);
	}
	say("manager up after %.0f ms; starting %d NF instance(s)",
	    ms_since(t0), g.nb_nf);

	t_nfs = onvm_now_ns();
	if (start_nfs() < 0) {
		g.failed = 1;
		stop_all("an NF could not be started");
		goto out;
	}
	for (;;) {
		reap();
		if (g.failed) {
			stop_all("an NF or the manager failed");
			goto out;
		}
		if (got_signal) {
			stop_all(strsignal(last_signal));
			goto out;
		}
		done = update_registered();
		if (done == g.nb_nf)
			break;
		if (ms_since(t_nfs) > g.timeout * 1000) {
			for (i = 0; i < g.nb_nf; i++)
				if (!g.nf[i].registered)
					warn("NF %s (pid %d) has not registered "
					     "within %g s; its log: %s",
					     g.nf[i].label, g.nf[i].pid,
					     g.timeout, g.nf[i].log);
			g.failed = 1;
			stop_all("timeout");
			goto out;
		}
		tick(TICK_MS);
	}
	report(t_nfs);

	end = g.duration > 0 ? onvm_now_ns() +
		(uint64_t)(g.duration * 1e9) : 0;
	for (;;) {
		reap();
		if (g.mgr.pid == 0) {
			stop_all("the manager exited");
			break;
		}
		if (got_signal) {
			stop_all(strsignal(last_signal));
			break;
		}
		if (end != 0 && onvm_now_ns() >= end) {
			stop_all("--duration reached");
			break;
		}
		if (ms_since(last_json) >= JSON_EVERY_MS) {
			last_json = onvm_now_ns();
			update_registered();
		}
		tick(TICK_MS);
	}
out:
	deploy_conf_free(&g.conf);
	free(g.nf);
	return g.failed ? 1 : 0;
}
