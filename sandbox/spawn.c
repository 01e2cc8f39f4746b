/*
 * spawn.c: the child's side, from clone to exec.
 *
 * The run profile is spawned with CLONE_VM|CLONE_VFORK: no page tables are
 * copied, and the parent sleeps until the exec. The child shares the
 * parent's memory, so it touches only its own stack and makes plain system
 * calls. The compile profile forks (with a PID namespace where possible),
 * since a compiler tree outlives the exec.
 *
 * Either way the child tells the parent how its setup went on the status
 * socket alone (struct sandbox__report): the step that failed and its
 * -errno, then exit(127); or nothing, and the close-on-exec socket reads
 * EOF once the exec happened. The run profile's seccomp listener goes up
 * the same socket.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif

#define CHILD_STACK_SIZE (64 * 1024)
#define NFDS 7
#define RULESET_FD 6
#define HIGH_FD_BASE 100

/* The parent quotes these in its messages: they are part of the interface. */
static const char *const step_names[SANDBOX__STEP_COUNT] = {
	[SANDBOX__STEP_NONE] = "none",
	[SANDBOX__STEP_USER_NAMESPACE] = "user namespace",
	[SANDBOX__STEP_SETSID] = "setsid",
	[SANDBOX__STEP_PARENT_DEATH_SIGNAL] = "parent death signal",
	[SANDBOX__STEP_DESCRIPTORS] = "descriptors",
	[SANDBOX__STEP_MOUNT_PRIVATE] = "mount namespace (private)",
	[SANDBOX__STEP_MOUNT_ROOT] = "mount namespace (root)",
	[SANDBOX__STEP_MOUNT_DIRECTORIES] = "mount namespace (directories)",
	[SANDBOX__STEP_MOUNT_BIND] = "mount namespace (bind)",
	[SANDBOX__STEP_MOUNT_SCRATCH] = "mount namespace (scratch)",
	[SANDBOX__STEP_MOUNT_PIVOT] = "mount namespace (pivot)",
	[SANDBOX__STEP_MOUNT_READ_ONLY] = "mount namespace (read-only root)",
	[SANDBOX__STEP_WORKING_DIRECTORY] = "working directory",
	[SANDBOX__STEP_RLIMITS] = "rlimits",
	[SANDBOX__STEP_CAPABILITIES] = "capabilities",
	[SANDBOX__STEP_NO_NEW_PRIVS] = "no_new_privs",
	[SANDBOX__STEP_LANDLOCK] = "landlock",
	[SANDBOX__STEP_SECCOMP] = "seccomp",
	[SANDBOX__STEP_SECCOMP_LISTENER] = "seccomp listener",
	[SANDBOX__STEP_EXEC] = "exec",
};

const char *sandbox__step_name(int step)
{
	return step >= 0 && step < SANDBOX__STEP_COUNT ? step_names[step] : "unknown step";
}

SANDBOX__CHILD static int set_limit(int resource, uint64_t soft, uint64_t hard)
{
	struct rlimit rl = { .rlim_cur = soft, .rlim_max = hard };

	return setrlimit(resource, &rl) < 0 ? -errno : 0;
}

SANDBOX__CHILD static int apply_limits(const struct sandbox_limits *l)
{
	unsigned nofile = l->open_files ? l->open_files : 32;
	int ret = 0;

	if (l->cpu_ms) {
		/* A backstop only: the parent measures CPU to the millisecond. */
		uint64_t s = (l->cpu_ms + 999) / 1000 + 1;

		ret = set_limit(RLIMIT_CPU, s, s + 1);
	}
	if (!ret && l->memory_kb)
		ret = set_limit(RLIMIT_AS, l->memory_kb * 1024, l->memory_kb * 1024);
	if (!ret)
		ret = set_limit(RLIMIT_FSIZE, l->file_kb * 1024, l->file_kb * 1024);
	if (!ret && l->stack_kb)
		ret = set_limit(RLIMIT_STACK, l->stack_kb * 1024, l->stack_kb * 1024);
	if (!ret)
		ret = set_limit(RLIMIT_NOFILE, nofile, nofile);
	if (!ret)
		ret = set_limit(RLIMIT_CORE, 0, 0);
	if (!ret)
		ret = set_limit(RLIMIT_MEMLOCK, 0, 0);
	return ret;
}

/*
 * Moves the child's descriptors into place: 0-2, the channel on 3, the
 * program on 4, the status socket on 5, the Landlock ruleset on 6;
 * everything else is closed. They are first parked above HIGH_FD_BASE so
 * that no dup2 overwrites a source still to be moved. 4 to 6 are
 * close-on-exec: the program starts with 0 to 3 only. *status_fd follows
 * the status socket, for a report of this step's own failure.
 */
SANDBOX__CHILD static int place_fds(const struct sandbox__child *c, int *status_fd)
{
	int src[NFDS] = { c->stdin_fd, c->out_fd, c->err_fd, c->chan_fd,
			  c->exec_fd, c->status_fd, c->ruleset_fd };
	int parked[NFDS];
	int i;

	for (i = 0; i < NFDS; i++) {
		parked[i] = -1;
		if (src[i] < 0)
			continue;
		parked[i] = fcntl(src[i], F_DUPFD_CLOEXEC, HIGH_FD_BASE + i * 2);
		if (parked[i] < 0)
			return -errno;
	}
	*status_fd = parked[SANDBOX__STATUS_FD];
	for (i = 0; i < NFDS; i++) {
		if (parked[i] < 0)
			continue;
		if (dup2(parked[i], i) < 0)
			return -errno;
		if (fcntl(i, F_SETFD, i <= SANDBOX__CHANNEL_FD ? 0 : FD_CLOEXEC) < 0)
			return -errno;
	}
	*status_fd = SANDBOX__STATUS_FD;
	if (syscall(SYS_close_range, NFDS, ~0U, 0) < 0)
		return -errno;
	return 0;
}

/*
 * Sends the seccomp listener and, with a view, the scratch directory, with
 * a report that says no step failed.
 */
SANDBOX__CHILD static int send_fds(int sock, int listener, int scratch)
{
	struct sandbox__report data = { SANDBOX__STEP_SECCOMP_LISTENER, 0 };
	int fds[2] = { listener, scratch };
	size_t n = scratch >= 0 ? 2 : 1;
	struct iovec iov = { .iov_base = &data, .iov_len = sizeof(data) };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(2 * sizeof(int))];
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf, .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	memset(&u, 0, sizeof(u));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	return sendmsg(sock, &msg, 0) < 0 ? -errno : 0;
}

SANDBOX__CHILD int sandbox__map_ids(uid_t uid, gid_t gid)
{
	char line[64];
	int fd, n;

	fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "deny", 4) < 0) {
			close(fd);
			return -errno;
		}
		close(fd);
	}
	n = snprintf(line, sizeof(line), "%u %u 1", (unsigned)uid, (unsigned)uid);
	fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, line, (size_t)n) < 0)
		goto fail;
	close(fd);
	n = snprintf(line, sizeof(line), "%u %u 1", (unsigned)gid, (unsigned)gid);
	fd = open("/proc/self/gid_map", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, line, (size_t)n) < 0)
		goto fail;
	close(fd);
	return 0;
fail:
	n = -errno;
	if (fd >= 0)
		close(fd);
	return n;
}

SANDBOX__CHILD static int sys_result(long r)
{
	return r < 0 ? -errno : 0;
}

/*
 * The exec. ETXTBSY is someone else's moment, not the program's fault:
 * another thread's child, between its clone and its exec, still holds a
 * descriptor that wrote this program (a cache file just renamed into
 * place), and it goes at that exec, within milliseconds. So it is tried
 * again, for half a second at most.
 */
SANDBOX__CHILD static int exec_program(char *const argv[], char *const envp[])
{
	long delay_ms;
	int err;

	for (delay_ms = 1;; delay_ms *= 2) {
		struct timespec ts = { 0, delay_ms * 1000000L };

		syscall(SYS_execveat, SANDBOX__EXEC_FD, "", argv, envp, AT_EMPTY_PATH);
		err = errno;
		if (err != ETXTBSY || delay_ms > 256)
			return -err;
		nanosleep(&ts, NULL);
	}
}

/*
 * The program starts with every signal unblocked and at its default
 * action, whatever the spawning thread had: grading threads block every
 * signal, and a mask or an ignored signal would pass through execve
 * (SIGXFSZ blocked turns a write past the file size limit from a death
 * into EFBIG), so that a program would behave as the grader's thread
 * happened to be, not the same on every machine. The handlers are this
 * child's own copy (no CLONE_SIGHAND).
 */
static SANDBOX__CHILD void reset_signals(void)
{
	struct sigaction dfl;
	sigset_t none;
	int sig;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * The containment order, and why:
 *  1. setsid: a new session, so that no terminal signal or TIOCSTI reaches
 *     the grader's terminal, and the tree can be killed as a group;
 *  2. parent-death signal: if the grader dies, so does the program;
 *  3. descriptors: only stdin, stdout, stderr, the channel (and, until
 *     exec, the program and the status socket); the rest closed; and the
 *     umask 022, whatever the grader's (root's is often 077): the view's
 *     directories must let nobody through to the loader, and what a
 *     program creates must not depend on the machine; every signal
 *     unblocked and at its default action (reset_signals);
 *  4. the view (view.c), while the child may still mount, or else the
 *     working directory;
 *  5. rlimits, while the child may still set them;
 *  6. capabilities: none left, not even in the bounding set, and nobody's
 *     uid for a run when the grader is root;
 *  7. no_new_privs, which Landlock and an unprivileged seccomp require;
 *  8. Landlock, which needs no system call the filter denies;
 *  9. seccomp last, since it forbids the calls the steps above make;
 * 10. exec of the program through its descriptor: the filter is in force
 *     before the program's first instruction, constructors included. An
 *     exec that fails (a loader or library the program asks for is not in
 *     its view) is the program's failure, not the sandbox's.
 * Returns only on failure, with -errno and the failed step in *step;
 * *status_fd is where the status socket is at that point.
 */
SANDBOX__CHILD static int contain(const struct sandbox__child *c, int *status_fd,
				  enum sandbox__step *step)
{
	const struct sandbox_spec *s = c->spec;
	const struct sock_fprog *prog = s->profile == SANDBOX_RUN
						? &c->sb->run_prog
						: &c->sb->compile_prog;
	static char *const empty_env[] = { NULL };
	char *const *envp = s->envp ? s->envp : empty_env;
	bool userns = (s->profile == SANDBOX_COMPILE && c->sb->pidns && c->sb->userns) ||
		      (c->view && c->sb->mountns_userns);
	int ruleset_fd = c->ruleset_fd >= 0 ? RULESET_FD : -1;
	long listener = -1;
	int scratch_fd = -1;
	int ret = 0;

	if (userns) {
		*step = SANDBOX__STEP_USER_NAMESPACE;
		ret = sandbox__map_ids(c->sb->uid, c->sb->gid);
	}
	if (!ret) {
		*step = SANDBOX__STEP_SETSID;
		ret = sys_result(setsid());
	}
	if (!ret) {
		*step = SANDBOX__STEP_PARENT_DEATH_SIGNAL;
		ret = sys_result(prctl(PR_SET_PDEATHSIG, SIGKILL));
	}
	if (!ret) {
		*step = SANDBOX__STEP_DESCRIPTORS;
		ret = place_fds(c, status_fd);
		umask(022);
		reset_signals();
	}
	if (!ret && c->view) {
		ret = sandbox__view_enter(c->view, &scratch_fd, step);
	} else if (!ret && s->workdir) {
		*step = SANDBOX__STEP_WORKING_DIRECTORY;
		ret = sys_result(chdir(s->workdir));
	}
	if (!ret) {
		*step = SANDBOX__STEP_RLIMITS;
		ret = apply_limits(&s->limits);
	}
	if (!ret) {
		*step = SANDBOX__STEP_CAPABILITIES;
		ret = sandbox__drop_privileges(c->sb->root || userns,
					       c->view && c->sb->root && s->profile == SANDBOX_RUN);
	}
	if (!ret) {
		*step = SANDBOX__STEP_NO_NEW_PRIVS;
		ret = sys_result(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	}
	if (!ret && ruleset_fd >= 0) {
		*step = SANDBOX__STEP_LANDLOCK;
		if (scratch_fd >= 0)
			ret = sandbox__landlock_allow_dir(ruleset_fd, scratch_fd,
							  c->scratch_rights);
		if (!ret)
			ret = sandbox__landlock_restrict(ruleset_fd);
		close(ruleset_fd);
	}
	if (!ret && s->profile == SANDBOX_RUN) {
		*step = SANDBOX__STEP_SECCOMP;
		listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				   SECCOMP_FILTER_FLAG_NEW_LISTENER, prog);
		ret = sys_result(listener);
		if (!ret) {
			*step = SANDBOX__STEP_SECCOMP_LISTENER;
			ret = send_fds(SANDBOX__STATUS_FD, (int)listener, scratch_fd);
			close((int)listener);
		}
	} else if (!ret) {
		*step = SANDBOX__STEP_SECCOMP;
		ret = sys_result(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog));
	}
	if (ret)
		return ret;
	*step = SANDBOX__STEP_EXEC;
	return exec_program(s->argv, envp);
}

SANDBOX__CHILD static int child_main(void *arg)
{
	const struct sandbox__child *c = arg;
	struct sandbox__report rep = { SANDBOX__STEP_NONE, 0 };
	int status_fd = c->status_fd;
	enum sandbox__step step = SANDBOX__STEP_NONE;
	ssize_t n;

	rep.error = contain(c, &status_fd, &step);
	rep.step = (int)step;
	/*
	 * Should this fail, the parent reads EOF as if the exec had happened,
	 * and then finds no listener (run), or the exit status 127 (compile).
	 */
	n = write(status_fd, &rep, sizeof(rep));
	(void)n;
	/*
	 * exit, not exit_group: the run profile's filter, if installed, allows
	 * only this status of it; exit_group would wait for a parent that
	 * sleeps until we are gone.
	 */
	syscall(SYS_exit, SANDBOX__CHILD_FAILED);
	_exit(SANDBOX__CHILD_FAILED);
}

int sandbox__spawn(const struct sandbox__child *c)
{
	int flags = SIGCHLD;
	char *stack;
	pid_t pid;

	/* The child's own stack, apart from ours, until it execs or exits. */
	stack = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -errno;

	if (c->spec->profile == SANDBOX_RUN) {
		flags |= CLONE_VM | CLONE_VFORK;
		if (c->view)
			flags |= CLONE_NEWNS | (c->sb->mountns_userns ? CLONE_NEWUSER : 0);
	} else {
		if (c->sb->pidns)
			flags |= CLONE_NEWPID | (c->sb->userns ? CLONE_NEWUSER : 0);
		if (c->view)
			flags |= CLONE_NEWNS | (c->sb->mountns_userns ? CLONE_NEWUSER : 0);
	}
	pid = clone(child_main, stack + CHILD_STACK_SIZE, flags, (void *)c);
	if (pid < 0)
		pid = -errno;
	munmap(stack, CHILD_STACK_SIZE);
	return pid;
}
