/*
 * test_sandbox.c: the sandbox on its own, with real escapes.
 * usage: test_sandbox DATA_DIR (with probe built beside it)
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "sandbox.h"

static struct sandbox *sb;
static char probe[PATH_MAX];
static char scratch[] = "/tmp/test-sandbox-XXXXXX";

static uint64_t rss_cap_kb; /* limits.rss_kb of the next runs; their memory_kb is then 0 */

static struct sandbox_result run_argv(char **argv)
{
	struct sandbox_spec spec = { 0 };
	struct sandbox_result res;
	char err[256];

	spec.profile = SANDBOX_RUN;
	spec.exe = probe;
	spec.argv = argv;
	spec.workdir = scratch;
	spec.stdin_fd = -1;
	spec.channel = true;
	spec.limits.cpu_ms = 300;
	spec.limits.wall_ms = 5000;
	spec.limits.idle_ms = 500;
	spec.limits.memory_kb = rss_cap_kb ? 0 : 64 * 1024;
	spec.limits.rss_kb = rss_cap_kb;
	spec.limits.file_kb = 64;
	spec.limits.scratch_kb = 256;
	spec.limits.scratch_inodes = 64;
	spec.limits.output_cap = 16 * 1024;
	spec.limits.channel_cap = 4096;
	if (sandbox_run(sb, &spec, &res, err, sizeof(err))) {
		fprintf(stderr, "sandbox_run(%s): %s\n", argv[1], err);
		exit(1);
	}
	return res;
}

static struct sandbox_result run(const char *mode, const char *arg)
{
	char *argv[] = { "probe", (char *)mode, (char *)arg, NULL };

	return run_argv(argv);
}

static void expect_channel(const char *mode, const char *arg, const char *want)
{
	struct sandbox_result r = run(mode, arg);

	CHECK_EQ(r.outcome, SANDBOX_EXITED);
	CHECK_STR(r.channel.data, want);
	sandbox_result_release(&r);
}

static void expect_forbidden(const char *mode, const char *syscall)
{
	struct sandbox_result r = run(mode, NULL);

	CHECK_EQ(r.outcome, SANDBOX_FORBIDDEN);
	CHECK_CONTAINS(r.syscall_name, syscall);
	CHECK_STR(r.channel.data, "");
	sandbox_result_release(&r);
}

/*
 * The test's own probe, not the sandbox's: does this kernel run an i386
 * system call through int 0x80 (IA32 emulation), or kill the caller?
 */
static bool kernel_has_ia32(void)
{
#if defined(__x86_64__)
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		struct rlimit none = { 0, 0 };
		long ret;

		setrlimit(RLIMIT_CORE, &none);
		signal(SIGSEGV, SIG_DFL);
		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
		_exit(ret == (long)getpid() ? 0 : 1);
	}
	CHECK(pid > 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	return false;
#else
	return false;
#endif
}

/*
 * A foreign-architecture call: blocked by the seccomp architecture check
 * where the kernel runs them, a SIGSEGV where it cannot; and the sandbox
 * must name the same kind of kernel as the test's own probe found.
 */
static void expect_i386(void)
{
	struct sandbox_result r;

	if (kernel_has_ia32()) {
		CHECK(sandbox_has_ia32(sb));
		CHECK(sandbox_layers(sb, SANDBOX_RUN) & SANDBOX_LAYER_IA32_BLOCKED);
		expect_forbidden("i386", "foreign");
		return;
	}
	CHECK(!sandbox_has_ia32(sb));
	CHECK(sandbox_layers(sb, SANDBOX_RUN) & SANDBOX_LAYER_IA32_ABSENT);
	r = run("i386", NULL);
	CHECK_EQ(r.outcome, SANDBOX_SIGNALED);
	CHECK_EQ(r.term_signal, SIGSEGV);
	CHECK_STR(r.channel.data, "");
	sandbox_result_release(&r);
}

static void test_policy_golden(const char *data)
{
	char path[PATH_MAX], tmp[] = "/tmp/policy-XXXXXX";
	const char *names[] = { "policy-run.pfc", "policy-compile.pfc" };
	int i;

	for (i = 0; i < 2; i++) {
		int fd = mkstemp(tmp);
		char cmd[PATH_MAX * 2 + 32];

		CHECK(fd >= 0);
		CHECK_EQ(sandbox_policy_export(i == 0 ? SANDBOX_RUN : SANDBOX_COMPILE, fd), 0);
		close(fd);
		snprintf(path, sizeof(path), "%s/%s", data, names[i]);
		if (getenv("UPDATE_GOLDEN")) {
			snprintf(cmd, sizeof(cmd), "cp %s %s", tmp, path);
		} else {
			snprintf(cmd, sizeof(cmd), "diff -u %s %s", path, tmp);
		}
		CHECK_EQ(system(cmd), 0);
		unlink(tmp);
		memcpy(tmp + strlen(tmp) - 6, "XXXXXX", 6);
	}
}

static void test_tree_kill(void)
{
	/* A compile-profile tree: the shell's children die with it. */
	/* A duration of our own: another run of this test may be sleeping too. */
	char cmd[128], mark[48];
	char *argv[] = { "sh", "-c", cmd, NULL };
	struct sandbox_path paths[] = { { "/usr", SANDBOX_READ | SANDBOX_EXEC },
					{ "/bin", SANDBOX_READ | SANDBOX_EXEC },
					{ "/lib", SANDBOX_READ | SANDBOX_EXEC },
					{ "/lib64", SANDBOX_READ | SANDBOX_EXEC },
					{ "/etc/ld.so.cache", SANDBOX_READ },
					{ "/dev/null", SANDBOX_READ | SANDBOX_WRITE } };
	struct sandbox_spec spec = { 0 };
	struct sandbox_result r;
	char err[256];
	FILE *ps;
	char line[512];
	int left = 0;

	snprintf(mark, sizeof(mark), "sleep 30.%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "%s & %s & echo started; wait", mark, mark);
	spec.profile = SANDBOX_COMPILE;
	spec.exe = "/bin/sh";
	spec.argv = argv;
	spec.workdir = scratch;
	spec.paths = paths;
	spec.npaths = 6;
	spec.stdin_fd = -1;
	spec.limits.wall_ms = 500;
	spec.limits.output_cap = 4096;
	spec.limits.file_kb = 64;
	CHECK_EQ(sandbox_run(sb, &spec, &r, err, sizeof(err)), 0);
	CHECK_EQ(r.outcome, SANDBOX_WALL_LIMIT);
	CHECK_CONTAINS(r.out.data, "started");
	if (r.outcome != SANDBOX_WALL_LIMIT)
		fprintf(stderr, "tree: exit %d signal %d output '%s'\n", r.exit_code,
			r.term_signal, r.out.data);
	sandbox_result_release(&r);
	usleep(100 * 1000);
	ps = popen("ps -eo args", "r");
	while (ps && fgets(line, sizeof(line), ps))
		if (!strncmp(line, mark, strlen(mark)))
			left++;
	if (ps)
		pclose(ps);
	CHECK_EQ(left, 0);
}

/* Descriptors this process holds, to see that a failed run leaks none. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own */
}

/* What a failed setup leaves: the same descriptors as before, no child. */
static void expect_nothing_left(int fds_before)
{
	CHECK_EQ(count_fds(), fds_before);
	CHECK_EQ(waitpid(-1, NULL, WNOHANG), -1);
	CHECK_EQ(errno, ECHILD);
}

/*
 * A run of exe on either profile, with the limits the tests need and the
 * toolchain's paths the compile profile reads.
 */
static char *profile_ok[] = { "probe", "ok", NULL };
static char **profile_argv = profile_ok;

static int run_profile(enum sandbox_profile profile, const char *exe, const char *workdir,
		       unsigned open_files, struct sandbox_result *r, char *err, size_t errlen)
{
	char **argv = profile_argv;
	struct sandbox_path paths[] = { { "/usr", SANDBOX_READ | SANDBOX_EXEC },
					{ "/lib", SANDBOX_READ | SANDBOX_EXEC },
					{ "/lib64", SANDBOX_READ | SANDBOX_EXEC } };
	struct sandbox_spec spec = { 0 };

	spec.profile = profile;
	spec.exe = exe;
	spec.argv = argv;
	spec.workdir = workdir;
	spec.paths = paths;
	spec.npaths = profile == SANDBOX_COMPILE ? 3 : 0;
	spec.stdin_fd = -1;
	spec.channel = true;
	spec.limits.cpu_ms = 1000;
	spec.limits.wall_ms = 5000;
	spec.limits.memory_kb = 64 * 1024;
	spec.limits.file_kb = 64;
	spec.limits.open_files = open_files;
	spec.limits.output_cap = 4096;
	spec.limits.channel_cap = 4096;
	return sandbox_run(sb, &spec, r, err, errlen);
}

/*
 * A setup step that fails, in the parent or in the child, on either
 * profile, is the sandbox's failure: sandbox_run returns -errno and names
 * the step; it leaves nothing behind.
 */
static void expect_setup_failure(enum sandbox_profile profile, const char *exe,
				 const char *workdir, unsigned open_files, int want_ret,
				 const char *want_err)
{
	const char *name = profile == SANDBOX_RUN ? "run" : "compile";
	int fds = count_fds();
	struct sandbox_result r;
	char err[256] = "";
	int ret;

	ret = run_profile(profile, exe, workdir, open_files, &r, err, sizeof(err));
	if (ret != want_ret || !strstr(err, want_err))
		fprintf(stderr, "%s profile: %d '%s'\n", name, ret, err);
	CHECK_EQ(ret, want_ret);
	CHECK_CONTAINS(err, want_err);
	if (!ret)
		sandbox_result_release(&r);
	expect_nothing_left(fds);
}

/*
 * Forced failures of the child's setup, and a failed exec, which is the
 * program's verdict and not a setup failure, on both profiles.
 */
static void test_setup_failures(bool view)
{
	enum sandbox_profile profiles[] = { SANDBOX_RUN, SANDBOX_COMPILE };
	char absent[PATH_MAX], notexec[] = "/tmp/test-sandbox-notexec-XXXXXX";
	struct sandbox_result r;
	char err[256];
	int i, fd;

	snprintf(absent, sizeof(absent), "%s/absent", scratch);
	fd = mkstemp(notexec);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "not a program\n", 14), 14);
	close(fd);
	CHECK_EQ(chmod(notexec, 0644), 0);

	for (i = 0; i < 2; i++) {
		enum sandbox_profile p = profiles[i];
		int fds = count_fds();

		/* Before the spawn: no program to open. */
		expect_setup_failure(p, absent, scratch, 0, -ENOENT, "cannot open '");
		/*
		 * No working directory: the view's root cannot be mounted (a
		 * run's) or made (a compile's), or chdir fails.
		 */
		expect_setup_failure(p, probe, absent, 0, -ENOENT,
				     !view ? "cannot set up the sandbox: working directory: "
					     "No such file or directory"
				     : p == SANDBOX_RUN
					     ? "cannot set up the sandbox: mount namespace (root): "
					       "No such file or directory"
					     : "cannot plan the program's view: No such file or directory");
		/* More open files than the kernel allows anyone (fs.nr_open). */
		expect_setup_failure(p, probe, scratch, UINT_MAX, -EPERM,
				     "cannot set up the sandbox: rlimits: Operation not permitted");

		/* Every step worked but the exec: a result, not an error. */
		CHECK_EQ(run_profile(p, notexec, scratch, 0, &r, err, sizeof(err)), 0);
		CHECK_EQ(r.outcome, SANDBOX_EXEC_FAILED);
		CHECK_EQ(r.exec_errno, EACCES);
		CHECK(r.layers & SANDBOX_LAYER_SECCOMP);
		sandbox_result_release(&r);
		expect_nothing_left(fds);

		/* And the next run works. */
		CHECK_EQ(run_profile(p, probe, scratch, 0, &r, err, sizeof(err)), 0);
		CHECK_EQ(r.outcome, SANDBOX_EXITED);
		CHECK_EQ(r.exit_code, 0);
		CHECK_STR(r.channel.data, "hello\n");
		sandbox_result_release(&r);
		expect_nothing_left(fds);
	}
	unlink(notexec);
}

/*
 * The program's peak memory is its own, exact, however much memory the
 * spawner holds: a thread of ours touches and frees 96 MiB over and over
 * while programs that touch 8 MiB run and end.
 */
static atomic_bool churning;

static void *churn(void *arg)
{
	(void)arg;
	while (atomic_load(&churning)) {
		size_t len = 96u << 20, i;
		char *p = malloc(len);

		if (!p)
			break;
		for (i = 0; i < len; i += 4096)
			p[i] = 1;
		free(p);
	}
	return NULL;
}

static void test_peak_is_the_programs(void)
{
	const char *modes[] = { "peak", "peak-raw-exit" };
	long least = -1, most = 0;
	pthread_t t;
	int i;

	atomic_store(&churning, true);
	CHECK_EQ(pthread_create(&t, NULL, churn, NULL), 0);
	for (i = 0; i < 40; i++) {
		char *argv[] = { "probe", (char *)modes[i % 2], "8", NULL };
		struct sandbox_result r = run_argv(argv);

		CHECK_EQ(r.outcome, SANDBOX_EXITED);
		CHECK_EQ(r.exit_code, 0);
		if (least < 0 || r.peak_kb < least)
			least = r.peak_kb;
		if (r.peak_kb > most)
			most = r.peak_kb;
		sandbox_result_release(&r);
	}
	atomic_store(&churning, false);
	pthread_join(t, NULL);
	printf("peak of an 8 MiB program beside a churning spawner: %ld to %ld KiB\n",
	       least, most);
	CHECK(least >= 8 * 1024 && most < 12 * 1024);
}

/*
 * A resident-memory cap instead of an address-space one: a program under it
 * runs; one that touches more is stopped, whether it would go on touching
 * (4 GiB, stopped by a poll) or end at once after a burst (its peak read
 * at exit_group). The overshoot is what it touches between two polls.
 */
static void test_rss_cap(void)
{
	char *small[] = { "probe", "peak", "8", NULL };
	char *burst[] = { "probe", "peak", "48", NULL };
	char *hog[] = { "probe", "peak", "4096", NULL };
	struct sandbox_result r;

	rss_cap_kb = 32 * 1024;
	r = run_argv(small);
	CHECK_EQ(r.outcome, SANDBOX_EXITED);
	CHECK_EQ(r.exit_code, 0);
	sandbox_result_release(&r);
	r = run_argv(burst);
	CHECK_EQ(r.outcome, SANDBOX_MEMORY_LIMIT);
	CHECK(r.peak_kb > 32 * 1024);
	sandbox_result_release(&r);
	r = run_argv(hog);
	CHECK_EQ(r.outcome, SANDBOX_MEMORY_LIMIT);
	printf("a program touching 4 GiB under a 32 MiB resident cap: stopped at %ld KiB\n",
	       r.peak_kb);
	CHECK(r.peak_kb < 1024 * 1024);
	sandbox_result_release(&r);
	rss_cap_kb = 0;
}

/*
 * The compiler's view: the toolchain, and its build directory, where it
 * works and writes; nothing else of the host, where a view can be made
 * (else Landlock denies the rest). The mount point of the view's root,
 * made in the build directory, is gone afterwards.
 */
static void test_compile_view(bool view, int abi)
{
	char *peek[] = { "probe", "open", "/etc/passwd", NULL };
	char *make[] = { "probe", "create", "made-by-compile", NULL };
	struct sandbox_result r;
	char err[256], path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	profile_argv = peek;
	CHECK_EQ(run_profile(SANDBOX_COMPILE, probe, scratch, 0, &r, err, sizeof(err)), 0);
	CHECK_EQ(r.outcome, SANDBOX_EXITED);
	if (view)
		CHECK_STR(r.channel.data, "open=No such file or directory\n");
	else if (abi >= 1)
		CHECK_STR(r.channel.data, "open=Permission denied\n");
	CHECK_EQ(!!(r.layers & SANDBOX_LAYER_MOUNT_NAMESPACE), view);
	sandbox_result_release(&r);

	/* Its build directory as TMPDIR=/tmp/ spells it: "//" and a final '/'. */
	profile_argv = make;
	snprintf(path, sizeof(path), "/%s/", scratch);
	CHECK_EQ(run_profile(SANDBOX_COMPILE, probe, path, 0, &r, err, sizeof(err)), 0);
	CHECK_STR(r.channel.data, "create=ok\n");
	sandbox_result_release(&r);
	profile_argv = profile_ok;
	snprintf(path, sizeof(path), "%s/made-by-compile", scratch);
	CHECK_EQ(unlink(path), 0);

	d = opendir(scratch);
	CHECK(d != NULL);
	while (d && (e = readdir(d)))
		CHECK(strncmp(e->d_name, ".sandbox-root", 13) != 0);
	if (d)
		closedir(d);
}

/*
 * The peak of a program a signal ended, when we hold more memory than it
 * ever did: ru_maxrss then says only how much we held (a CLONE_VM child's
 * exec records its parent's peak), and a program that touches its memory
 * and dies between two polls escapes them. Its signal to itself (abort())
 * is where the sandbox reads it. Last, since it raises our own peak.
 */
static void test_peak_at_a_signal(void)
{
	size_t ours = (size_t)128 << 20;
	char *hold = malloc(ours);
	char *argv[] = { "probe", "peak-abort", "32", NULL };
	struct sandbox_result r;
	int i;

	CHECK(hold != NULL);
	if (!hold)
		return;
	memset(hold, 1, ours);
	for (i = 0; i < 5; i++) {
		r = run_argv(argv);
		CHECK_EQ(r.outcome, SANDBOX_SIGNALED);
		CHECK_EQ(r.term_signal, SIGABRT);
		if (!i)
			printf("a program that touched 32 MiB and aborted, beside our 128 MiB: "
			       "peak %ld KiB\n", r.peak_kb);
		CHECK(r.peak_kb >= 32 * 1024 && r.peak_kb < 48 * 1024);
		sandbox_result_release(&r);
	}
	free(hold);
}

/* exit with the status of the child's failure path is allowed as it is. */
static void test_raw_exit(void)
{
	char *argv[] = { "probe", "peak-raw-exit", "1", "127", NULL };
	struct sandbox_result r = run_argv(argv);

	CHECK_EQ(r.outcome, SANDBOX_EXITED);
	CHECK_EQ(r.exit_code, 127);
	sandbox_result_release(&r);
}

static void *close_later(void *arg)
{
	struct timespec ts = { 0, 30 * 1000000L };

	nanosleep(&ts, NULL);
	close(*(int *)arg);
	return NULL;
}

/*
 * A program somebody still holds open for writing cannot be executed
 * (ETXTBSY). In the grader that somebody is another thread's child between
 * its clone and its exec, which inherited the descriptor that wrote a
 * cache file: gone within milliseconds. The sandbox tries the exec again
 * rather than fail the run.
 */
static void test_exec_retries_text_busy(void)
{
	char copy[PATH_MAX + 8], cmd[PATH_MAX * 2 + 32], err[256];
	struct sandbox_result r;
	pthread_t th;
	int fd;

	/* Beside this process's own scratch: two test processes may run at once. */
	snprintf(copy, sizeof(copy), "%s-busy", scratch);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", probe, copy);
	CHECK_EQ(system(cmd), 0);
	fd = open(copy, O_WRONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_EQ(pthread_create(&th, NULL, close_later, &fd), 0);
	CHECK_EQ(run_profile(SANDBOX_RUN, copy, scratch, 32, &r, err, sizeof(err)), 0);
	CHECK_EQ(r.outcome, SANDBOX_EXITED);
	CHECK_EQ(r.exec_errno, 0);
	sandbox_result_release(&r);
	pthread_join(th, NULL);
	unlink(copy);
}

int main(int argc, char **argv)
{
	char err[256], *slash;
	struct sandbox_result r;
	bool view;
	int abi;

	if (argc < 2) {
		fprintf(stderr, "usage: test_sandbox DATA_DIR\n");
		return 2;
	}
	if (!realpath("/proc/self/exe", probe))
		return 1;
	slash = strrchr(probe, '/');
	snprintf(slash + 1, sizeof(probe) - (size_t)(slash + 1 - probe), "probe");
	if (sandbox_new(&sb, err, sizeof(err))) {
		fprintf(stderr, "no sandbox here: %s\n", err);
		return 77;
	}
	if (!mkdtemp(scratch))
		return 1;
	abi = sandbox_landlock_abi(sb);
	view = (sandbox_layers(sb, SANDBOX_RUN) & SANDBOX_LAYER_MOUNT_NAMESPACE) != 0;
	printf("landlock ABI %d, %s\n", abi, view ? "mount namespace" : "no mount namespace");

	test_policy_golden(argv[1]);
	test_exec_retries_text_busy();
	test_peak_is_the_programs();
	test_raw_exit();
	test_rss_cap();

	r = run("ok", NULL);
	CHECK_EQ(r.outcome, SANDBOX_EXITED);
	CHECK_EQ(r.exit_code, 0);
	CHECK_STR(r.channel.data, "hello\n");
	CHECK_STR(r.out.data, "to stdout\n");
	CHECK(r.layers & SANDBOX_LAYER_SECCOMP);
	sandbox_result_release(&r);

	expect_forbidden("fork", "clone");
	expect_forbidden("socket", "socket");
	expect_forbidden("ctor", "socket");
	expect_forbidden("exec", "execve");
	expect_forbidden("io_uring", "io_uring_setup");
	expect_forbidden("ptrace", "ptrace");
	expect_i386();
	expect_forbidden("x32", "foreign");
	expect_forbidden("rlimit", "prlimit64");
	expect_channel("env", NULL, "env=0\n");
	expect_channel("fds", NULL, "fds=4\n");

	if (view) {
		/* Nothing of the host is there to open, stat or fill. */
		expect_channel("open", "/etc/passwd", "open=No such file or directory\n");
		expect_channel("open", "/proc/self/environ", "open=No such file or directory\n");
		expect_channel("stat", "/etc/shadow", "stat=No such file or directory\n");
		expect_channel("stat", probe, "stat=No such file or directory\n");
		expect_channel("stat", "/dev/null", "stat=present\n");
		expect_channel("create", "/tmp/test-sandbox-outside",
			       "create=No such file or directory\n");
		expect_channel("create", "/dev/evil", "create=Read-only file system\n");
		/* 256 KiB of scratch: the writes stop there, with ENOSPC. */
		expect_channel("fill", NULL, "fill=256 KiB No space left on device\n");
		expect_channel("inodes", NULL, "inodes=No space left on device after 63\n");
	} else if (abi >= 1) {
		expect_channel("open", "/etc/passwd", "open=Permission denied\n");
		expect_channel("open", "/proc/self/environ", "open=Permission denied\n");
		expect_channel("create", "/tmp/test-sandbox-outside", "create=Permission denied\n");
	}
	if (abi >= 1) {
		expect_channel("create", "inside", "create=ok\n");
		expect_forbidden("symlink", "symlink");
		CHECK(access("/tmp/test-sandbox-outside", F_OK) != 0);
	}
	/* Multiplexed calls: the harmless commands pass, the others are named. */
	expect_channel("fcntl-ok", NULL, "fcntl=1 0 0\n");
	expect_forbidden("lease", "fcntl(F_SETLEASE)");
	expect_forbidden("async", "fcntl(F_SETFL with O_ASYNC)");
	expect_forbidden("whiteout", "renameat2(RENAME_WHITEOUT)");
	/* A mode through the open file, permission bits only; never by path. */
	expect_channel("fchmod", NULL, "fchmod=0 umask=022 mode=644\n");
	expect_forbidden("fchmod-suid", "fchmod(a set-user-ID, set-group-ID or sticky bit)");
	expect_forbidden("chmod", "chmod");
	/* No capability left; and root's runs are nobody's where the view is. */
	expect_channel("privileges", NULL,
		       geteuid() == 0 && !view ? "caps=0 0 0 uid0=1\n" : "caps=0 0 0 uid0=0\n");
	/*
	 * The program's umask is the sandbox's, not ours: root's 077 would
	 * also close the view's directories to nobody, and the loader with them.
	 */
	{
		mode_t old = umask(077);

		expect_channel("umask", NULL, "umask=022\n");
		umask(old);
	}
	/*
	 * Signals as a fresh process has them, whatever the spawning thread
	 * blocked or ignored (a grading thread blocks them all).
	 */
	{
		sigset_t all, old;
		struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe, old_xfsz;

		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		sigaction(SIGPIPE, &ign, &old_pipe);
		sigaction(SIGXFSZ, &ign, &old_xfsz);
		expect_channel("signals", NULL, "blocked=0 pipe=default xfsz=default\n");
		sigaction(SIGPIPE, &old_pipe, NULL);
		sigaction(SIGXFSZ, &old_xfsz, NULL);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	/* A signal to anyone else fails, on every kernel (Landlock's scope or not). */
	expect_channel("kill-parent", NULL, "kill=Operation not permitted\n");
	expect_channel("kill-all", NULL, "kill=-1\n");

	r = run("loop", NULL);
	CHECK_EQ(r.outcome, SANDBOX_CPU_LIMIT);
	CHECK(r.cpu_ms >= 300 && r.cpu_ms < 1000);
	sandbox_result_release(&r);
	r = run("loop-ignoring", NULL);
	CHECK_EQ(r.outcome, SANDBOX_CPU_LIMIT);
	sandbox_result_release(&r);
	r = run("sleep", NULL);
	CHECK_EQ(r.outcome, SANDBOX_IDLE_LIMIT);
	CHECK(r.wall_ms < 2000);
	sandbox_result_release(&r);
	r = run("flood", NULL);
	CHECK_EQ(r.outcome, SANDBOX_OUTPUT_LIMIT);
	CHECK_EQ(r.out.len, 16 * 1024);
	CHECK(r.out.truncated);
	sandbox_result_release(&r);
	r = run("memory", NULL);
	CHECK_EQ(r.outcome, SANDBOX_SIGNALED);
	CHECK_EQ(r.term_signal, SIGABRT);
	CHECK(r.peak_kb > 40 * 1024);
	CHECK_CONTAINS(r.channel.data, "malloc failed");
	sandbox_result_release(&r);

	test_setup_failures(view);
	test_compile_view(view, abi);
	test_tree_kill();
	test_peak_at_a_signal();

	rmdir(scratch);
	{
		char p[64];
		snprintf(p, sizeof(p), "%s/inside", scratch);
		unlink(p);
		rmdir(scratch);
	}
	sandbox_free(sb);
	CHECK_DONE();
}
