/*
 * sandbox.c: preparing a sandbox, and supervising one run from spawn to
 * reaping: output caps, CPU and wall limits, denied system calls.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define MAX_LIVE 256
#define CPU_TICK_MS 10

/* Pids of running programs, for sandbox_kill_all() from a signal handler. */
static atomic_int live_pids[MAX_LIVE];

static void live_add(pid_t pid)
{
	int i;

	for (i = 0; i < MAX_LIVE; i++) {
		int zero = 0;
		if (atomic_compare_exchange_strong(&live_pids[i], &zero, pid))
			return;
	}
}

static void live_remove(pid_t pid)
{
	int i;

	for (i = 0; i < MAX_LIVE; i++) {
		int expect = pid;
		if (atomic_compare_exchange_strong(&live_pids[i], &expect, 0))
			return;
	}
}

void sandbox_kill_all(void)
{
	int i;

	for (i = 0; i < MAX_LIVE; i++) {
		int pid = atomic_load(&live_pids[i]);
		if (pid > 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		}
	}
}

static const char *const layer_names[SANDBOX_LAYER_COUNT] = {
	"rlimits", "no-new-privs", "seccomp", "landlock-fs", "landlock-net",
	"landlock-scope", "pid-namespace", "new-session", "clean-env",
	"mount-namespace", "no-capabilities", "ia32-blocked-by-seccomp",
	"ia32-absent-from-kernel",
};

const char *sandbox_layer_name(unsigned bit)
{
	unsigned i;

	for (i = 0; i < SANDBOX_LAYER_COUNT; i++)
		if (bit == (1u << i))
			return layer_names[i];
	return "unknown";
}

unsigned sandbox_layers(const struct sandbox *sb, enum sandbox_profile profile)
{
	unsigned layers = SANDBOX_LAYER_RLIMITS | SANDBOX_LAYER_NO_NEW_PRIVS |
			  SANDBOX_LAYER_SECCOMP | SANDBOX_LAYER_NEW_SESSION |
			  SANDBOX_LAYER_CLEAN_ENV | SANDBOX_LAYER_NO_CAPABILITIES |
			  sandbox__landlock_layers(sb->landlock_abi) |
			  (sb->ia32 ? SANDBOX_LAYER_IA32_BLOCKED : SANDBOX_LAYER_IA32_ABSENT);

	if (profile == SANDBOX_COMPILE && sb->pidns)
		layers |= SANDBOX_LAYER_PID_NAMESPACE;
	if (sb->mountns)
		layers |= SANDBOX_LAYER_MOUNT_NAMESPACE;
	return layers;
}

int sandbox_landlock_abi(const struct sandbox *sb)
{
	return sb->landlock_abi;
}

/* Whether a child can get its own PID namespace, as root or through a user namespace. */
static void probe_pidns(struct sandbox *sb)
{
	int flags[2] = { CLONE_NEWPID, CLONE_NEWPID | CLONE_NEWUSER };
	int i;

	for (i = 0; i < 2; i++) {
		pid_t pid = (pid_t)syscall(SYS_clone, SIGCHLD | flags[i], NULL, NULL, NULL, 0);
		int status;

		if (pid == 0)
			_exit(0);
		if (pid < 0)
			continue;
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
			sb->pidns = true;
			sb->userns = i == 1;
			return;
		}
	}
}

bool sandbox_has_ia32(const struct sandbox *sb)
{
	return sb->ia32;
}

/*
 * Whether the kernel has IA32 emulation: a throwaway child makes an i386
 * getpid through int 0x80, which returns on such a kernel and is a SIGSEGV
 * on one built without it. Decides what a foreign-architecture call does
 * in the sandbox, which the reports name.
 */
static void probe_ia32(struct sandbox *sb)
{
#if defined(__x86_64__)
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		long ret;

		struct rlimit none = { 0, 0 };

		setrlimit(RLIMIT_CORE, &none); /* the expected crash leaves no core */
		signal(SIGSEGV, SIG_DFL);
		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
		_exit(ret > 0 ? 0 : 1);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid)
		sb->ia32 = WIFEXITED(status) && WEXITSTATUS(status) == 0;
#else
	sb->ia32 = false;
#endif
}

int sandbox_new(struct sandbox **out, char *err, size_t errlen)
{
	struct sandbox *sb = calloc(1, sizeof(*sb));
	int ret;

	if (!sb) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	sb->landlock_abi = sandbox__landlock_abi();
	ret = sandbox__policy_build(SANDBOX_RUN, &sb->run_prog);
	if (!ret)
		ret = sandbox__policy_build(SANDBOX_COMPILE, &sb->compile_prog);
	if (ret) {
		/* libseccomp cannot build a filter the kernel would take. */
		snprintf(err, errlen, "seccomp is not usable here (cannot build the policy: %s)",
			 strerror(-ret));
		sandbox_free(sb);
		return -ENOSYS;
	}
	sb->root = geteuid() == 0;
	sb->uid = getuid();
	sb->gid = getgid();
	probe_pidns(sb);
	sandbox__view_probe(sb);
	probe_ia32(sb);
	*out = sb;
	return 0;
}

void sandbox_free(struct sandbox *sb)
{
	if (!sb)
		return;
	sandbox__policy_release(&sb->run_prog);
	sandbox__policy_release(&sb->compile_prog);
	free(sb);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double proc_cpu_ms(pid_t pid)
{
	struct timespec ts;
	clockid_t clk;

	if (clock_getcpuclockid(pid, &clk) || clock_gettime(clk, &ts) < 0)
		return 0;
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Whether the process is in an uninterruptible wait (state D): writing to a
 * busy disk, fsync. That is work in progress, not idleness.
 */
static bool in_disk_wait(pid_t pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command name may hold anything */
	return p && p[1] == ' ' && p[2] == 'D';
}

/* VmHWM of /proc/<pid>/status in KiB (pid 0: this process); 0 if unknown. */
static long peak_rss_kb(pid_t pid)
{
	char path[64], buf[4096], *p;
	ssize_t n;
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strstr(buf, "\nVmHWM:");
	return p ? strtol(p + 7, NULL, 10) : 0;
}

/* A capture buffer: keeps at most cap bytes; says whether more came. */
struct capture {
	int fd;
	struct sandbox_buf *buf;
	size_t cap;
	size_t alloc;
	size_t seen;
};

/* Returns 1 at EOF, 0 after reading, 2 when nothing is ready, -1 past the cap. */
static int capture_read(struct capture *c)
{
	char tmp[65536];
	ssize_t n = read(c->fd, tmp, sizeof(tmp));

	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? 2 : 1;
	if (n == 0)
		return 1;
	c->seen += (size_t)n;
	if (c->buf->len < c->cap) {
		size_t keep = (size_t)n;

		if (keep > c->cap - c->buf->len)
			keep = c->cap - c->buf->len;
		if (c->buf->len + keep + 1 > c->alloc) {
			size_t want = c->alloc ? c->alloc * 2 : 4096;
			char *nb;

			while (want < c->buf->len + keep + 1)
				want *= 2;
			if (want > c->cap + 1)
				want = c->cap + 1;
			nb = realloc(c->buf->data, want);
			if (!nb)
				return -1;
			c->buf->data = nb;
			c->alloc = want;
		}
		memcpy(c->buf->data + c->buf->len, tmp, keep);
		c->buf->len += keep;
		c->buf->data[c->buf->len] = '\0';
	}
	if (c->seen > c->cap) {
		c->buf->truncated = true;
		return -1;
	}
	return 0;
}

static void kill_tree(pid_t pid)
{
	kill(-pid, SIGKILL); /* the session's process group */
	kill(pid, SIGKILL);  /* and the first process, init of its PID namespace */
}

struct run_state {
	const struct sandbox_spec *spec;
	pid_t pid;
	int pidfd;
	int listener;
	struct capture cap[3]; /* stdout, stderr, channel */
	bool stopped;          /* we killed it, for the reason in outcome */
	enum sandbox_outcome outcome;
	char syscall_name[64];
	int status_fd;         /* the status socket: EOF once the exec is done */
	bool exec_done;        /* /proc/<pid> shows the program, not our memory */
	long exit_kb;          /* the program's peak, read as it called exit_group */
	bool exit_forced;      /* the kernel would not let exit_group go on: */
	int exit_status;       /* we ended the program, with the status it asked */
	long signal_kb;        /* its peak, read as it last signalled itself */
	long seen_kb;          /* the program's peak memory, as last polled */
	double seen_at;
};

static void stop(struct run_state *st, enum sandbox_outcome why)
{
	if (st->stopped)
		return;
	st->stopped = true;
	st->outcome = why;
	kill_tree(st->pid);
}

/* The CPU limit now, in ms; 0: none. */
static uint64_t cpu_limit(const struct sandbox_spec *spec)
{
	uint64_t cap = spec->cpu_cap_ms ? atomic_load(spec->cpu_cap_ms) : 0;

	if (cap && (!spec->limits.cpu_ms || cap < spec->limits.cpu_ms))
		return cap;
	return spec->limits.cpu_ms;
}

/*
 * The status socket reads EOF once the exec closed the child's end: from
 * then on /proc/<pid> describes the program. Before, its memory is ours
 * (a vfork child wakes us before it leaves our address space).
 */
static void exec_check(struct run_state *st)
{
	char c;
	ssize_t n = recv(st->status_fd, &c, 1, MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		st->exec_done = true;
}

/*
 * Whether a signal call aims at the program itself: its pid, its process
 * group (0 or -pid: setsid made it the group's only member, and it cannot
 * fork), or one of its threads (tgkill with its pid, which the kernel
 * checks against the thread; tkill of a thread /proc lists under it).
 */
static bool signal_to_self(const struct run_state *st, const struct sandbox__call *c)
{
	char path[64];

	switch (c->signal_call) {
	case SANDBOX__KILL:
		return c->sig_pid == st->pid || c->sig_pid == 0 || c->sig_pid == -st->pid;
	case SANDBOX__TGKILL:
		return c->sig_pid == st->pid;
	case SANDBOX__TKILL:
		if (c->sig_tid == st->pid)
			return true;
		if (c->sig_tid <= 0)
			return false;
		snprintf(path, sizeof(path), "/proc/%d/task/%ld", (int)st->pid, c->sig_tid);
		return access(path, F_OK) == 0;
	default:
		return false;
	}
}

/*
 * A signal. To the program itself (abort(), raise(), a crash handler that
 * passes its fault on) it goes on, once we have read the program's peak
 * memory: it may be about to die of it, and the peak of a program a signal
 * ended cannot be told apart from ours afterwards. To any other process it
 * fails with EPERM, as under Landlock's signal scope, but on every kernel.
 */
static void answer_signal(struct run_state *st, const struct sandbox__call *c)
{
	long kb;

	if (!signal_to_self(st, c)) {
		sandbox__notify_return(st->listener, c->id, EPERM);
		return;
	}
	if (!st->exec_done)
		exec_check(st);
	kb = st->exec_done ? peak_rss_kb(st->pid) : 0;
	if (kb > st->signal_kb)
		st->signal_kb = kb;
	if (sandbox__notify_continue(st->listener, c->id) == 0)
		return;
	/* A kernel without SECCOMP_USER_NOTIF_FLAG_CONTINUE (before 5.5): we send it. */
	if (c->signal_call == SANDBOX__KILL)
		kill(st->pid, c->sig);
	else
		syscall(SYS_tgkill, st->pid, c->sig_tid, c->sig);
	sandbox__notify_return(st->listener, c->id, 0);
}

/*
 * A notification: the program's end, whose peak memory we read while it
 * waits in exit_group (its own address space, whole, and nothing of ours),
 * a signal (answer_signal), or a denied call, which stops it.
 */
static void answer(struct run_state *st)
{
	struct sandbox__call call;

	if (sandbox__notify_receive(st->listener, &call))
		return;
	if (st->stopped)
		return;
	if (call.signal_call != SANDBOX__NO_SIGNAL) {
		answer_signal(st, &call);
		return;
	}
	if (!call.is_exit) {
		memcpy(st->syscall_name, call.name, sizeof(call.name));
		stop(st, SANDBOX_FORBIDDEN);
		return;
	}
	st->exit_kb = peak_rss_kb(st->pid);
	if (sandbox__notify_continue(st->listener, call.id) == 0)
		return;
	/* A kernel without SECCOMP_USER_NOTIF_FLAG_CONTINUE (before 5.5). */
	st->exit_forced = true;
	st->exit_status = call.exit_status;
	kill_tree(st->pid);
}

/* Watches the program until it ends or is stopped. */
static void supervise(struct run_state *st, double start)
{
	const struct sandbox_limits *l = &st->spec->limits;
	double last_cpu = 0, last_busy = start;
	struct pollfd pfd[6];

	for (;;) {
		int nfds = 0, i, timeout = -1, idx[6];
		double now = now_ms();
		double cpu = (cpu_limit(st->spec) || l->idle_ms) ? proc_cpu_ms(st->pid) : 0;

		if (!st->stopped && st->exec_done &&
		    (st->seen_at == 0 || now - st->seen_at >= CPU_TICK_MS)) {
			long kb = peak_rss_kb(st->pid);

			if (kb > st->seen_kb)
				st->seen_kb = kb;
			st->seen_at = now;
			if (l->rss_kb && (uint64_t)st->seen_kb > l->rss_kb)
				stop(st, SANDBOX_MEMORY_LIMIT);
		}

		/* Idle: a program that stopped computing is sleeping or blocked. */
		if (cpu - last_cpu >= 1.0) {
			last_cpu = cpu;
			last_busy = now;
		} else if (l->idle_ms && now - last_busy >= (double)l->idle_ms / 2 &&
			   in_disk_wait(st->pid)) {
			last_busy = now;
		}
		if (!st->stopped && l->wall_ms && now - start >= (double)l->wall_ms)
			stop(st, SANDBOX_WALL_LIMIT);
		if (!st->stopped && l->idle_ms && now - last_busy >= (double)l->idle_ms)
			stop(st, SANDBOX_IDLE_LIMIT);
		if (!st->stopped && cpu_limit(st->spec) && cpu >= (double)cpu_limit(st->spec))
			stop(st, SANDBOX_CPU_LIMIT);
		if (!st->stopped) {
			if (l->wall_ms)
				timeout = (int)((double)l->wall_ms - (now - start)) + 1;
			if ((cpu_limit(st->spec) || l->idle_ms || l->rss_kb) &&
			    (timeout < 0 || timeout > CPU_TICK_MS))
				timeout = CPU_TICK_MS;
		}
		for (i = 0; i < 3; i++) {
			if (st->cap[i].fd < 0)
				continue;
			pfd[nfds].fd = st->cap[i].fd;
			pfd[nfds].events = POLLIN;
			idx[nfds++] = i;
		}
		if (st->listener >= 0) {
			pfd[nfds].fd = st->listener;
			pfd[nfds].events = POLLIN;
			idx[nfds++] = 3;
		}
		if (!st->exec_done && st->status_fd >= 0) {
			pfd[nfds].fd = st->status_fd;
			pfd[nfds].events = POLLIN;
			idx[nfds++] = 5;
		}
		pfd[nfds].fd = st->pidfd;
		pfd[nfds].events = POLLIN;
		idx[nfds++] = 4;

		if (poll(pfd, (nfds_t)nfds, timeout) < 0 && errno != EINTR)
			return;
		for (i = 0; i < nfds; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (idx[i] < 3) {
				struct capture *c = &st->cap[idx[i]];
				int r = capture_read(c);

				if (r == 1) {
					close(c->fd);
					c->fd = -1;
				} else if (r < 0) {
					close(c->fd);
					c->fd = -1;
					stop(st, SANDBOX_OUTPUT_LIMIT);
				}
			} else if (idx[i] == 3) {
				/* POLLHUP alone: the program is gone, the listener with it. */
				if (pfd[i].revents & POLLIN)
					answer(st);
				if (st->stopped || !(pfd[i].revents & POLLIN)) {
					close(st->listener);
					st->listener = -1;
				}
			} else if (idx[i] == 5) {
				exec_check(st);
			} else {
				return; /* exited; the caller drains what is left */
			}
		}
	}
}

/* After the exit: what the pipes still hold, without waiting on stragglers. */
static void drain(struct run_state *st)
{
	int i;

	for (i = 0; i < 3; i++) {
		struct capture *c = &st->cap[i];

		while (c->fd >= 0) {
			int r = capture_read(c);

			if (r == 0)
				continue;
			if (r < 0)
				stop(st, SANDBOX_OUTPUT_LIMIT);
			close(c->fd);
			c->fd = -1;
		}
	}
}

static void classify(struct run_state *st, int status, const struct rusage *ru,
		     struct sandbox_result *res)
{
	uint64_t limit = cpu_limit(st->spec);

	res->cpu_ms = ru->ru_utime.tv_sec * 1e3 + ru->ru_utime.tv_usec / 1e3 +
		      ru->ru_stime.tv_sec * 1e3 + ru->ru_stime.tv_usec / 1e3;
	/*
	 * The program's peak memory. Read at its exit_group, it is exact.
	 * Otherwise (a signal ended it): ru_maxrss also counts the process it
	 * was spawned from, since at exec the kernel records the old address
	 * space's peak, which was ours (shared by the vfork, or copied by the
	 * fork). Our own peak, read now that the program is gone, bounds that
	 * part whatever our other threads did meanwhile: above it, ru_maxrss is
	 * the program's; at or below, the larger of the peak read as it last
	 * signalled itself (abort(), a crash handler passing its fault on) and
	 * the peak polled from /proc while it ran stands. A grader that holds a
	 * lot of memory must not make small programs look like memory hogs.
	 */
	if (st->exit_kb > 0) {
		res->peak_kb = st->exit_kb;
	} else {
		res->peak_kb = ru->ru_maxrss;
		if (ru->ru_maxrss <= peak_rss_kb(0))
			res->peak_kb = st->seen_kb > st->signal_kb ? st->seen_kb : st->signal_kb;
	}
	if (st->exit_forced && !st->stopped) {
		res->outcome = SANDBOX_EXITED;
		res->exit_code = st->exit_status;
	} else if (st->stopped) {
		res->outcome = st->outcome;
		memcpy(res->syscall_name, st->syscall_name, sizeof(res->syscall_name));
	} else if (WIFEXITED(status)) {
		res->outcome = SANDBOX_EXITED;
		res->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		res->term_signal = WTERMSIG(status);
		if (res->term_signal == SIGXCPU ||
		    (res->term_signal == SIGKILL && limit && res->cpu_ms >= (double)limit))
			res->outcome = SANDBOX_CPU_LIMIT;
		else if (res->term_signal == SIGSYS && st->spec->profile == SANDBOX_RUN) {
			/* Only the architecture check kills without a notification. */
			res->outcome = SANDBOX_FORBIDDEN;
			snprintf(res->syscall_name, sizeof(res->syscall_name),
				 "a foreign-architecture call");
		} else
			res->outcome = SANDBOX_SIGNALED;
	}
	if (res->outcome == SANDBOX_CPU_LIMIT && limit && res->cpu_ms < (double)limit)
		res->cpu_ms = (double)limit;
	/* Over the cap between two polls, and ended before the next: still over. */
	if (st->spec->limits.rss_kb && res->outcome == SANDBOX_EXITED &&
	    (uint64_t)res->peak_kb > st->spec->limits.rss_kb)
		res->outcome = SANDBOX_MEMORY_LIMIT;
}

/* Captures that got nothing are "" rather than NULL, for callers' convenience. */
static int empty_captures(struct sandbox_result *res)
{
	struct sandbox_buf *bufs[3] = { &res->out, &res->err, &res->channel };
	int i, ret = 0;

	for (i = 0; i < 3; i++)
		if (!bufs[i]->data && !(bufs[i]->data = calloc(1, 1)))
			ret = -ENOMEM;
	return ret;
}

static int open_pipe(int p[2])
{
	return pipe2(p, O_CLOEXEC) < 0 ? -errno : 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * One run, from its first descriptor to its reaping. Everything it holds is
 * here, and released in one place (run_release), whichever phase failed:
 * prepare acquires in the parent, start spawns and checks the child's
 * setup, reap supervises and collects.
 */
struct run {
	struct sandbox *sb;
	const struct sandbox_spec *spec;
	int outp[2], errp[2], chanp[2];
	int statusp[2];        /* the status socket (internal.h: struct sandbox__report) */
	int null_fd, exec_fd, ruleset, scratch_fd;
	struct sandbox__view view;
	bool have_view;
	int exec_errno;        /* the child's setup worked, its exec did not */
	double start;
	struct run_state st;   /* st.pid: the first process, until reaped (0: none) */
};

static void run_init(struct run *r, struct sandbox *sb, const struct sandbox_spec *spec)
{
	int i;

	memset(r, 0, sizeof(*r));
	r->sb = sb;
	r->spec = spec;
	for (i = 0; i < 2; i++)
		r->outp[i] = r->errp[i] = r->chanp[i] = r->statusp[i] = -1;
	r->null_fd = r->exec_fd = r->ruleset = r->scratch_fd = -1;
	r->st.spec = spec;
	r->st.pidfd = -1;
	r->st.listener = -1;
	r->st.status_fd = -1;
	for (i = 0; i < 3; i++)
		r->st.cap[i].fd = -1;
}

/* The parent's share: pipes, the program, the Landlock rules, the view's plan. */
static int run_prepare(struct run *r, char *err, size_t errlen)
{
	const struct sandbox_spec *spec = r->spec;
	int ret;

	ret = open_pipe(r->outp);
	if (!ret && !spec->merge_stderr)
		ret = open_pipe(r->errp);
	if (!ret && spec->channel)
		ret = open_pipe(r->chanp);
	if (!ret && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r->statusp) < 0)
		ret = -errno;
	if (ret) {
		snprintf(err, errlen, "cannot create pipes: %s", strerror(-ret));
		return ret;
	}
	if (spec->stdin_fd < 0) {
		r->null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (r->null_fd < 0) {
			ret = -errno;
			snprintf(err, errlen, "cannot open '/dev/null': %s", strerror(errno));
			return ret;
		}
	}
	r->exec_fd = open(spec->exe, O_PATH | O_CLOEXEC);
	if (r->exec_fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open '%s': %s", spec->exe, strerror(errno));
		return ret;
	}
	if (r->sb->landlock_abi > 0) {
		r->ruleset = sandbox__landlock_ruleset(r->sb->landlock_abi, spec);
		if (r->ruleset < 0) {
			ret = r->ruleset;
			snprintf(err, errlen, "cannot build the landlock rules: %s", strerror(-ret));
			return ret;
		}
	}
	if (r->sb->mountns) {
		ret = sandbox__view_plan(r->sb, spec, &r->view);
		if (ret) {
			snprintf(err, errlen, "cannot plan the program's view: %s", strerror(-ret));
			return ret;
		}
		r->have_view = true;
	}
	return 0;
}

/* Keeps the descriptors a report carries: the listener, then the scratch. */
static void take_fds(struct run *r, struct msghdr *msg)
{
	struct cmsghdr *cm = CMSG_FIRSTHDR(msg);
	int fds[2] = { -1, -1 };
	size_t n, i;

	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
		return;
	n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	if (n > 2)
		n = 2;
	memcpy(fds, CMSG_DATA(cm), n * sizeof(int));
	for (i = 0; i < n; i++) {
		int *keep = i == 0 ? &r->st.listener : &r->scratch_fd;

		close_fd(keep); /* only one report carries them */
		*keep = fds[i];
	}
}

/*
 * Reads the child's reports until EOF (the exec, or its exit), keeping the
 * descriptors they carry; *failed gets the first failed step. 0, or -errno
 * if the socket itself failed.
 */
static int read_reports(struct run *r, struct sandbox__report *failed)
{
	/*
	 * A vfork child has sent all it will by the time we run again, but may
	 * still hold its end for a moment: do not wait for the EOF.
	 */
	int flags = MSG_CMSG_CLOEXEC | (r->spec->profile == SANDBOX_RUN ? MSG_DONTWAIT : 0);

	for (;;) {
		struct sandbox__report rep;
		struct iovec iov = { .iov_base = &rep, .iov_len = sizeof(rep) };
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(2 * sizeof(int))];
		} u;
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
		ssize_t n = recvmsg(r->statusp[0], &msg, flags);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0) {
			r->st.exec_done = true;
			return 0;
		}
		take_fds(r, &msg);
		if (n != sizeof(rep))
			return -EPROTO;
		if (rep.error < 0 && !failed->error)
			*failed = rep;
	}
}

/*
 * Spawns the child and learns how its setup went. 0 when the program runs,
 * or when only its exec failed (r->exec_errno, the program's verdict).
 */
static int run_start(struct run *r, char *err, size_t errlen)
{
	const struct sandbox_spec *spec = r->spec;
	struct sandbox__report failed = { SANDBOX__STEP_NONE, 0 };
	struct sandbox__child c = { 0 };
	pid_t pid;
	int ret;

	c.sb = r->sb;
	c.spec = spec;
	c.stdin_fd = spec->stdin_fd >= 0 ? spec->stdin_fd : r->null_fd;
	c.out_fd = r->outp[1];
	c.err_fd = spec->merge_stderr ? r->outp[1] : r->errp[1];
	c.chan_fd = r->chanp[1];
	c.exec_fd = r->exec_fd;
	c.status_fd = r->statusp[1];
	c.ruleset_fd = r->ruleset;
	if (r->have_view) {
		c.view = &r->view;
		if (spec->profile == SANDBOX_RUN)
			c.scratch_rights = sandbox__landlock_rw_rights(r->sb->landlock_abi);
	}

	r->start = now_ms();
	pid = sandbox__spawn(&c);
	if (pid < 0) {
		snprintf(err, errlen, "cannot set up the sandbox: clone: %s", strerror(-pid));
		return pid;
	}
	live_add(pid);
	r->st.pid = pid;
	close_fd(&r->outp[1]);
	close_fd(&r->errp[1]);
	close_fd(&r->chanp[1]);
	close_fd(&r->statusp[1]);

	r->st.status_fd = r->statusp[0];
	ret = read_reports(r, &failed);
	if (ret) {
		snprintf(err, errlen, "cannot set up the sandbox: status socket: %s",
			 strerror(-ret));
		return ret;
	}
	if (failed.step == SANDBOX__STEP_EXEC) {
		r->exec_errno = -failed.error;
		return 0;
	}
	if (failed.error) {
		snprintf(err, errlen, "cannot set up the sandbox: %s: %s",
			 sandbox__step_name(failed.step), strerror(-failed.error));
		return failed.error;
	}
	/* Without the listener, a denied call would return ENOSYS and go on. */
	if (spec->profile == SANDBOX_RUN &&
	    (r->st.listener < 0 || (r->have_view && r->scratch_fd < 0))) {
		snprintf(err, errlen, "cannot set up the sandbox: %s: %s",
			 sandbox__step_name(SANDBOX__STEP_SECCOMP_LISTENER), strerror(EPROTO));
		return -EPROTO;
	}
	r->st.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (r->st.pidfd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot watch the program: %s", strerror(errno));
		return ret;
	}
	return 0;
}

/* Waits for the first process, which is then no longer ours to kill. */
static void run_wait(struct run *r, int *status, struct rusage *ru)
{
	while (wait4(r->st.pid, status, 0, ru) < 0 && errno == EINTR)
		;
	live_remove(r->st.pid);
	r->st.pid = 0;
}

/* Supervises the program to its end and fills res. */
static int run_reap(struct run *r, struct sandbox_result *res)
{
	const struct sandbox_spec *spec = r->spec;
	struct rusage ru;
	int status = 0, i;

	if (r->exec_errno) {
		run_wait(r, &status, &ru);
		res->outcome = SANDBOX_EXEC_FAILED;
		res->exec_errno = r->exec_errno;
		res->wall_ms = now_ms() - r->start;
		res->layers = sandbox_layers(r->sb, spec->profile);
		return empty_captures(res);
	}
	r->st.cap[0] = (struct capture){ r->outp[0], &res->out, spec->limits.output_cap, 0, 0 };
	r->st.cap[1] = (struct capture){ r->errp[0], &res->err, spec->limits.output_cap, 0, 0 };
	r->st.cap[2] = (struct capture){ r->chanp[0], &res->channel, spec->limits.channel_cap, 0, 0 };
	r->outp[0] = r->errp[0] = r->chanp[0] = -1;
	for (i = 0; i < 3; i++)
		if (r->st.cap[i].fd >= 0)
			fcntl(r->st.cap[i].fd, F_SETFL, O_NONBLOCK);
	supervise(&r->st, r->start);
	/* Whatever is left of the tree goes with its first process. */
	kill_tree(r->st.pid);
	drain(&r->st);
	run_wait(r, &status, &ru);
	res->wall_ms = now_ms() - r->start;
	classify(&r->st, status, &ru, res);
	res->layers = sandbox_layers(r->sb, spec->profile);
	if (r->have_view && spec->profile == SANDBOX_RUN) {
		res->workdir_fd = r->scratch_fd; /* the tmpfs lives on while it is open */
		r->scratch_fd = -1;
	} else if (spec->workdir) {
		res->workdir_fd = open(spec->workdir,
				       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (r->ruleset < 0)
		res->layers &= ~(SANDBOX_LAYER_LANDLOCK_FS | SANDBOX_LAYER_LANDLOCK_NET |
				 SANDBOX_LAYER_LANDLOCK_SCOPE);
	return empty_captures(res);
}

/* The one way out: a child still there is killed and reaped, all is closed. */
static void run_release(struct run *r)
{
	int i;

	if (r->st.pid > 0) {
		kill_tree(r->st.pid);
		while (waitpid(r->st.pid, NULL, 0) < 0 && errno == EINTR)
			;
		live_remove(r->st.pid);
		r->st.pid = 0;
	}
	for (i = 0; i < 3; i++)
		close_fd(&r->st.cap[i].fd);
	close_fd(&r->st.pidfd);
	close_fd(&r->st.listener);
	for (i = 0; i < 2; i++) {
		close_fd(&r->outp[i]);
		close_fd(&r->errp[i]);
		close_fd(&r->chanp[i]);
		close_fd(&r->statusp[i]);
	}
	close_fd(&r->null_fd);
	close_fd(&r->exec_fd);
	close_fd(&r->ruleset);
	close_fd(&r->scratch_fd);
	if (r->have_view)
		sandbox__view_release(&r->view);
	r->have_view = false;
}

int sandbox_run(struct sandbox *sb, const struct sandbox_spec *spec,
		struct sandbox_result *res, char *err, size_t errlen)
{
	struct run r;
	int ret;

	memset(res, 0, sizeof(*res));
	res->workdir_fd = -1;
	run_init(&r, sb, spec);
	ret = run_prepare(&r, err, errlen);
	if (!ret)
		ret = run_start(&r, err, errlen);
	if (!ret)
		ret = run_reap(&r, res);
	run_release(&r);
	if (ret)
		sandbox_result_release(res);
	/* A step the kernel refused is the host's failure, not bad input. */
	return ret == -EINVAL ? -ENOTSUP : ret;
}

void sandbox_result_release(struct sandbox_result *res)
{
	free(res->out.data);
	free(res->err.data);
	free(res->channel.data);
	res->out.data = res->err.data = res->channel.data = NULL;
	if (res->workdir_fd >= 0)
		close(res->workdir_fd);
	res->workdir_fd = -1;
}
