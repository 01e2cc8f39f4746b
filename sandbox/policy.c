/*
 * policy.c: the seccomp policies, and the only file that uses libseccomp.
 *
 * SANDBOX_RUN is an allowlist: a test program computes and reports, and
 * needs memory, files in its scratch directory, time and signals to itself.
 * Anything else stops the program; the parent learns the call's name from
 * the seccomp user notification and kills it. The program's end (exit_group,
 * exit) notifies too: the parent reads the program's peak memory while it
 * waits there, then lets the call go on. Foreign architectures (i386
 * through int 0x80, x32) are killed outright by the architecture check.
 *
 * SANDBOX_COMPILE is an allowlist too: what the compiler driver and its
 * passes (gcc, cc1, as, collect2, ld) were seen to call when tracing them
 * (strace -f) on every fixture, the error paths included (a denied or
 * missing include, memory exhausted, a link error), plus a few harmless
 * calls other versions of the same tools make. A compiler forks and execs
 * its passes, so processes are allowed, without namespaces. Anything else
 * kills the compiler (the kernel logs the call); the submission then does
 * not compile, and the grader says the compiler was killed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <linux/fs.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "internal.h"

struct rule {
	const char *name;
	const char *why;
};

/*
 * Each allowed call and why a test program needs it. Calls that take a path
 * are confined by Landlock to the program's scratch directory.
 */
static const struct rule run_allow[] = {
	{ "read", "input, files in scratch" },
	{ "write", "output, the observation channel" },
	{ "readv", "stdio" },
	{ "writev", "stdio" },
	{ "pread64", "files in scratch" },
	{ "pwrite64", "files in scratch" },
	{ "lseek", "files in scratch" },
	{ "close", "any descriptor it holds" },
	{ "fstat", "stdio, files in scratch" },
	{ "newfstatat", "stat of its files; Landlock does not cover metadata, which leaks no data" },
	{ "statx", "as newfstatat" },
	{ "stat", "as newfstatat" },
	{ "lstat", "as newfstatat" },
	{ "brk", "malloc" },
	{ "mmap", "malloc, loading shared libraries" },
	{ "munmap", "free" },
	{ "mremap", "realloc" },
	{ "mprotect", "the loader, guard pages" },
	{ "rt_sigaction", "signal handlers of its own" },
	{ "rt_sigprocmask", "abort(), libc internals" },
	{ "rt_sigreturn", "return from its own handlers" },
	{ "sigaltstack", "handlers on an alternate stack" },
	{ "getpid", "abort() signals itself" },
	{ "gettid", "abort() signals itself" },
	{ "getppid", "harmless: no call that could use it is allowed" },
	{ "getuid", "libc queries" },
	{ "geteuid", "libc queries" },
	{ "getgid", "libc queries" },
	{ "getegid", "libc queries" },
	{ "clock_gettime", "timing" },
	{ "clock_getres", "timing" },
	{ "gettimeofday", "timing" },
	{ "time", "timing" },
	{ "nanosleep", "sleeping costs only wall time, which is limited" },
	{ "clock_nanosleep", "as nanosleep" },
	{ "sched_yield", "harmless" },
	{ "sysinfo", "glibc's qsort sizes its buffer by physical memory" },
	{ "sched_getaffinity", "sysconf(_SC_NPROCESSORS_ONLN)" },
	{ "getrandom", "libc start-up, hash seeds" },
	{ "futex", "libc locks (single-threaded, still used)" },
	{ "set_tid_address", "libc start-up" },
	{ "set_robust_list", "libc start-up" },
	{ "rseq", "libc start-up" },
	{ "arch_prctl", "libc start-up (thread pointer)" },
	{ "getrlimit", "reading its limits" },
	{ "capget", "reading its capabilities (none: it has none to use)" },
	{ "uname", "libc start-up" },
	{ "openat", "files in scratch, shared libraries (Landlock confines)" },
	{ "open", "as openat" },
	{ "access", "as openat" },
	{ "faccessat", "as openat" },
	{ "faccessat2", "as openat" },
	{ "readlink", "the loader; Landlock does not cover it, paths leak no data" },
	{ "unlink", "files in scratch" },
	{ "unlinkat", "files in scratch" },
	{ "rename", "atomic save in scratch (same directory: no REFER right)" },
	{ "renameat", "as rename" },
	{ "mkdir", "directories in scratch" },
	{ "mkdirat", "directories in scratch" },
	{ "rmdir", "directories in scratch" },
	{ "fsync", "durable save" },
	{ "fdatasync", "durable save" },
	{ "ftruncate", "files in scratch" },
	{ "umask", "its own file-creation mask" },
	{ "dup", "descriptor juggling" },
	{ "dup2", "descriptor juggling" },
	{ "dup3", "descriptor juggling" },
	{ "getdents64", "listing scratch" },
	{ "getcwd", "harmless" },
	{ "sendmsg", "hands the seccomp listener to the parent before exec; "
		     "the program can create no socket to use it on" },
	{ NULL, NULL },
};

/*
 * Signals (kill, tgkill, tkill) are not in the list: they notify, and the
 * parent lets a signal to the program itself go on (abort(), raise(), a
 * crash handler passing its fault on) and makes any other fail with EPERM,
 * on every kernel, whether Landlock's signal scope exists there or not.
 */

/*
 * What the compiler tree may call, and why. Calls that take a path are
 * confined by Landlock to the toolchain (read, execute), the build
 * directory (read, write) and the copy of the exercise header.
 */
static const struct rule compile_allow[] = {
	{ "read", "sources, headers, objects, the pipes between passes" },
	{ "write", "objects, assembly, diagnostics" },
	{ "readv", "stdio" },
	{ "writev", "stdio" },
	{ "pread64", "the loader, ld reading archives" },
	{ "pwrite64", "ld writing its output" },
	{ "lseek", "as and ld seek in objects and archives" },
	{ "close", "any descriptor it holds" },
	{ "fstat", "stdio, files" },
	{ "newfstatat", "stat of headers and libraries (metadata leaks no data)" },
	{ "statx", "as newfstatat" },
	{ "stat", "as newfstatat" },
	{ "lstat", "as newfstatat" },
	{ "openat", "headers, libraries, outputs (Landlock confines)" },
	{ "open", "as openat" },
	{ "access", "the driver looks for its passes and libraries" },
	{ "faccessat", "as access" },
	{ "faccessat2", "as access" },
	{ "readlink", "the driver and ld resolve their own paths" },
	{ "readlinkat", "as readlink" },
	{ "getcwd", "cc1 and ld record the working directory" },
	{ "getdents64", "listing a directory Landlock lets it read" },
	{ "unlink", "ld replaces its output, collect2 removes its temporaries" },
	{ "unlinkat", "as unlink" },
	{ "rename", "an output written beside and renamed (build directory only)" },
	{ "renameat", "as rename" },
	{ "renameat2", "as rename" },
	{ "ftruncate", "ld sizes its output" },
	{ "chmod", "ld makes the program executable" },
	{ "fchmod", "as chmod" },
	{ "fchmodat", "as chmod" },
	{ "umask", "ld computes the program's mode" },
	{ "fcntl", "descriptor flags (close-on-exec, duplicates)" },
	{ "dup", "ld, descriptor juggling" },
	{ "dup2", "the driver plumbs -pipe between cc1 and as" },
	{ "dup3", "as dup2" },
	{ "pipe", "as pipe2" },
	{ "pipe2", "-pipe: cc1's output into as; collect2 reads ld's errors" },
	{ "brk", "malloc" },
	{ "mmap", "malloc, loading shared libraries, ld mapping inputs" },
	{ "munmap", "free" },
	{ "mremap", "realloc of large blocks" },
	{ "mprotect", "the loader, guard pages" },
	{ "madvise", "malloc trimming" },
	{ "vfork", "the driver and collect2 start the next pass" },
	{ "fork", "as vfork" },
	{ "execve", "the next pass; Landlock lets it execute the toolchain only" },
	{ "wait4", "the driver and collect2 wait for their passes" },
	{ "waitid", "as wait4" },
	{ "exit", "end of a thread" },
	{ "exit_group", "end of a pass" },
	{ "rt_sigaction", "the driver's and cc1's handlers (interrupt, crash report)" },
	{ "rt_sigprocmask", "posix_spawn, abort()" },
	{ "rt_sigreturn", "return from those handlers" },
	{ "sigaltstack", "cc1 reports a stack overflow on an alternate stack" },
	{ "rt_sigsuspend", "waiting for a child's signal (a shell's wait)" },
	{ "kill", "the driver stops its passes, abort(); the tree is in its own PID "
		  "namespace, and Landlock scopes signals to it" },
	{ "tgkill", "as kill" },
	{ "tkill", "as kill" },
	{ "getpid", "temporary file names, abort()" },
	{ "gettid", "abort()" },
	{ "getppid", "harmless" },
	{ "getuid", "libc queries" },
	{ "geteuid", "libc queries" },
	{ "getgid", "libc queries" },
	{ "getegid", "libc queries" },
	{ "getrusage", "as and ld report their resource use (-time, -stats)" },
	{ "getrlimit", "reading its limits" },
	{ "sysinfo", "cc1 sizes its garbage collector by physical memory" },
	{ "uname", "libc start-up" },
	{ "sched_getaffinity", "processor count" },
	{ "sched_yield", "harmless" },
	{ "clock_gettime", "timing (-ftime-report), temporary names" },
	{ "clock_getres", "timing" },
	{ "gettimeofday", "timing" },
	{ "time", "timing" },
	{ "nanosleep", "sleeping costs only wall time, which is limited" },
	{ "clock_nanosleep", "as nanosleep" },
	{ "getrandom", "libc start-up, hash seeds, temporary names" },
	{ "futex", "libc locks" },
	{ "set_tid_address", "libc start-up" },
	{ "set_robust_list", "libc start-up" },
	{ "rseq", "libc start-up" },
	{ "arch_prctl", "libc start-up (thread pointer)" },
	{ NULL, NULL },
};

/*
 * Multiplexed calls, allowed only with the arguments a test program needs:
 * fcntl for descriptor flags and duplicates (never leases, notifications,
 * owners or signals: a lease on a shared file stalls every program that
 * opens it), madvise for the allocator's hints, renameat2 without whiteouts
 * (a device node in scratch), fchmod with permission bits only (an atomic
 * save makes mkstemp's 0600 file 0644; a descriptor reaches only what
 * Landlock and the view let it open; never set-user-ID, set-group-ID or
 * sticky). chmod and fchmodat take a path, which Landlock does not confine
 * for a mode change: they stay denied.
 */
static const int run_fcntl_cmds[] = {
	F_GETFD, F_SETFD, F_GETFL, F_DUPFD, F_DUPFD_CLOEXEC,
};

static const int run_madvise_advice[] = {
	MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED,
	MADV_FREE, MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP,
};

static int build_run_args(scmp_filter_ctx ctx)
{
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < sizeof(run_fcntl_cmds) / sizeof(*run_fcntl_cmds); i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
				       SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)run_fcntl_cmds[i]));
	/* F_SETFL, but O_ASYNC would send SIGIO to an owner of its choosing. */
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 2,
				       SCMP_A1(SCMP_CMP_EQ, F_SETFL),
				       SCMP_A2(SCMP_CMP_MASKED_EQ, O_ASYNC, 0));
	for (i = 0; !ret && i < sizeof(run_madvise_advice) / sizeof(*run_madvise_advice); i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(madvise), 1,
				       SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)run_madvise_advice[i]));
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(renameat2), 1,
				       SCMP_A4(SCMP_CMP_MASKED_EQ, RENAME_WHITEOUT, 0));
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fchmod), 1,
				       SCMP_A1(SCMP_CMP_MASKED_EQ, ~(scmp_datum_t)0777, 0));
	return ret;
}

static int add_named(scmp_filter_ctx ctx, uint32_t action, const char *name,
		     unsigned argc, const struct scmp_arg_cmp *args)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0; /* not on this architecture */
	return seccomp_rule_add_array(ctx, action, nr, argc, args);
}

static int build_run(scmp_filter_ctx ctx)
{
	const struct rule *r;
	int ret = 0;

	for (r = run_allow; !ret && r->name; r++)
		ret = add_named(ctx, SCMP_ACT_ALLOW, r->name, 0, NULL);
	if (!ret)
		ret = build_run_args(ctx);
	if (ret)
		return ret;
	/* isatty() and nothing else: TIOCSTI would type into the grader's terminal. */
	ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
			       SCMP_A1(SCMP_CMP_EQ, TCGETS));
	if (ret)
		return ret;
	/* Reading its own limits, never raising them. */
	ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2,
			       SCMP_A0(SCMP_CMP_EQ, 0), SCMP_A2(SCMP_CMP_EQ, 0));
	if (ret)
		return ret;
	/*
	 * The one exec: of the descriptor the parent opened, which is closed on
	 * exec. Landlock grants EXECUTE on the program only, so a later exec
	 * could at most restart the same program.
	 */
	ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(execveat), 2,
			       SCMP_A0(SCMP_CMP_EQ, SANDBOX__EXEC_FD),
			       SCMP_A4(SCMP_CMP_EQ, AT_EMPTY_PATH));
	if (ret)
		return ret;
	/*
	 * exit_group and exit are left to the default action, the notification,
	 * but for exit with the status the child's own failure path uses: a
	 * vfork child cannot wait for a parent that sleeps until it is gone. A
	 * program that takes this way out ends with a status that fails its
	 * test.
	 */
	ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit), 1,
			       SCMP_A0(SCMP_CMP_EQ, SANDBOX__CHILD_FAILED));
	if (ret)
		return ret;
	/* clone3 hides its flags from BPF: make libc fall back to clone. */
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
}

static int build_compile(scmp_filter_ctx ctx)
{
	const uint64_t ns_flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET |
				  CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS |
				  CLONE_NEWCGROUP;
	const struct rule *r;
	int ret = 0;

	for (r = compile_allow; !ret && r->name; r++)
		ret = add_named(ctx, SCMP_ACT_ALLOW, r->name, 0, NULL);
	if (ret)
		return ret;
	/* isatty(): the driver asks whether to colour; any other ioctl fails. */
	ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
			       SCMP_A1(SCMP_CMP_EQ, TCGETS));
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOTTY), SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_NE, TCGETS));
	/*
	 * Limits: reading any, and setting the stack's only: the driver raises
	 * its soft stack limit for cc1's deep recursion.
	 */
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2,
				       SCMP_A0(SCMP_CMP_EQ, 0), SCMP_A2(SCMP_CMP_EQ, 0));
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2,
				       SCMP_A0(SCMP_CMP_EQ, 0),
				       SCMP_A1(SCMP_CMP_EQ, RLIMIT_STACK));
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setrlimit), 1,
				       SCMP_A0(SCMP_CMP_EQ, RLIMIT_STACK));
	/* ld.gold reserves its output's size; mode 0 only, never punching holes. */
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fallocate), 1,
				       SCMP_A1(SCMP_CMP_EQ, 0));
	/* New processes (posix_spawn, threads), never new namespaces. */
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags, 0));
	/* The sandbox's own exec of the driver, through the descriptor it opened. */
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(execveat), 2,
				       SCMP_A0(SCMP_CMP_EQ, SANDBOX__EXEC_FD),
				       SCMP_A4(SCMP_CMP_EQ, AT_EMPTY_PATH));
	/* clone3 hides its flags from BPF: make libc fall back to clone. */
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	return ret;
}

static scmp_filter_ctx policy_ctx(enum sandbox_profile profile)
{
	scmp_filter_ctx ctx;
	int ret;

	ctx = seccomp_init(profile == SANDBOX_RUN ? SCMP_ACT_NOTIFY : SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return NULL;
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (!ret)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (!ret)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (!ret)
		ret = profile == SANDBOX_RUN ? build_run(ctx)
					     : build_compile(ctx);
	if (ret) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

int sandbox__policy_build(enum sandbox_profile profile, struct sock_fprog *prog)
{
	scmp_filter_ctx ctx = policy_ctx(profile);
	struct sock_filter *insns = NULL;
	size_t len = 0;
	int ret;

	if (!ctx)
		return -EINVAL;
	/* libseccomp 2.5 exports BPF only to a descriptor: use a memfd. */
	{
		int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
		off_t size;

		if (fd < 0) {
			ret = -errno;
			goto out_release;
		}
		ret = seccomp_export_bpf(ctx, fd);
		size = ret ? -1 : lseek(fd, 0, SEEK_END);
		if (!ret && size > 0) {
			insns = malloc((size_t)size);
			if (!insns || pread(fd, insns, (size_t)size, 0) != size)
				ret = -ENOMEM;
			len = (size_t)size / sizeof(*insns);
		} else if (!ret) {
			ret = -EINVAL;
		}
		close(fd);
	}
	if (ret) {
		free(insns);
		goto out_release;
	}
	prog->filter = insns;
	prog->len = (unsigned short)len;
out_release:
	seccomp_release(ctx);
	return ret;
}

void sandbox__policy_release(struct sock_fprog *prog)
{
	free(prog->filter);
	prog->filter = NULL;
	prog->len = 0;
}

int sandbox_policy_export(enum sandbox_profile profile, int fd)
{
	scmp_filter_ctx ctx = policy_ctx(profile);
	int ret;

	if (!ctx)
		return -EINVAL;
	ret = seccomp_export_pfc(ctx, fd);
	seccomp_release(ctx);
	return ret;
}

/*
 * sandbox_confine_compute: what a parser of hostile data needs, and no
 * more. The memory and signal calls cover glibc's malloc and a sanitized
 * grader's runtime; futex its locks; sysinfo glibc's qsort, which sizes
 * its buffer by physical memory. Any other call fails with ENOSYS rather than kill:
 * it does not happen either way, and a library that tries a path
 * (libdwfl resolves its file's name with readlink) goes on without it.
 */
static const char *const compute_allow[] = {
	"read", "pread64", "readv", "write", "writev", "lseek", "fstat", "newfstatat", "close",
	"mmap", "munmap", "mremap", "mprotect", "madvise", "brk", "futex", "clock_gettime",
	"sysinfo", "getpid", "gettid", "rt_sigprocmask", "rt_sigreturn", "rt_sigaction",
	"sigaltstack", "exit", "exit_group", NULL,
};

int sandbox_confine_compute(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
	size_t i;
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	for (i = 0; !ret && compute_allow[i]; i++)
		ret = add_named(ctx, SCMP_ACT_ALLOW, compute_allow[i], 0, NULL);
	/*
	 * Signals to itself only (a sanitized grader's runtime aborts this
	 * way, and ends its thread with sigaltstack).
	 */
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
				       SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				       SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	/* libelf asks a descriptor's flags before it reads. */
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
				       SCMP_A1(SCMP_CMP_EQ, F_GETFD));
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
				       SCMP_A1(SCMP_CMP_EQ, F_GETFL));
	if (!ret)
		ret = seccomp_load(ctx); /* sets no_new_privs first */
	seccomp_release(ctx);
	return ret;
}

static const char *fcntl_name(__u64 cmd)
{
	switch (cmd) {
	case F_SETLEASE: return "F_SETLEASE";
	case F_GETLEASE: return "F_GETLEASE";
	case F_NOTIFY: return "F_NOTIFY";
	case F_SETOWN: return "F_SETOWN";
	case F_GETOWN: return "F_GETOWN";
	case F_SETOWN_EX: return "F_SETOWN_EX";
	case F_GETOWN_EX: return "F_GETOWN_EX";
	case F_SETSIG: return "F_SETSIG";
	case F_GETSIG: return "F_GETSIG";
	case F_SETFL: return "F_SETFL with O_ASYNC";
	case F_SETLK: return "F_SETLK";
	case F_SETLKW: return "F_SETLKW";
	case F_GETLK: return "F_GETLK";
	case F_SETPIPE_SZ: return "F_SETPIPE_SZ";
	case F_ADD_SEALS: return "F_ADD_SEALS";
	default: return "an unusual command";
	}
}

/* What made a multiplexed call denied, for the message; NULL for the others. */
static const char *multiplexed_arg(const char *name, const __u64 *args)
{
	if (!strcmp(name, "fcntl"))
		return fcntl_name(args[1]);
	if (!strcmp(name, "renameat2") && (args[4] & RENAME_WHITEOUT))
		return "RENAME_WHITEOUT";
	if (!strcmp(name, "madvise"))
		return "an advice tests do not need";
	if (!strcmp(name, "ioctl"))
		return args[1] == TIOCSTI ? "TIOCSTI" : "a request other than TCGETS";
	if (!strcmp(name, "prctl"))
		return "any option";
	if (!strcmp(name, "fchmod"))
		return "a set-user-ID, set-group-ID or sticky bit";
	return NULL;
}

int sandbox__notify_receive(int listener, struct sandbox__call *call)
{
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;
	char *resolved;
	int ret;

	memset(call, 0, sizeof(*call));
	ret = seccomp_notify_alloc(&req, &resp);
	if (ret)
		return ret;
	ret = seccomp_notify_receive(listener, req);
	if (ret)
		goto out_free;
	call->id = req->id;
	call->is_exit = req->data.arch == seccomp_arch_native() &&
			(req->data.nr == SCMP_SYS(exit_group) || req->data.nr == SCMP_SYS(exit));
	call->exit_status = (int)(req->data.args[0] & 0xff);
	if (req->data.arch == seccomp_arch_native()) {
		/* pid_t and int arguments: the low 32 bits, signed. */
		long a0 = (int32_t)req->data.args[0], a1 = (int32_t)req->data.args[1];

		if (req->data.nr == SCMP_SYS(kill)) {
			call->signal_call = SANDBOX__KILL;
			call->sig_pid = a0;
			call->sig = (int)a1;
		} else if (req->data.nr == SCMP_SYS(tgkill)) {
			call->signal_call = SANDBOX__TGKILL;
			call->sig_pid = a0;
			call->sig_tid = a1;
			call->sig = (int32_t)req->data.args[2];
		} else if (req->data.nr == SCMP_SYS(tkill)) {
			call->signal_call = SANDBOX__TKILL;
			call->sig_tid = a0;
			call->sig = (int)a1;
		}
	}
	resolved = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
	if (resolved) {
		const char *arg = multiplexed_arg(resolved, req->data.args);

		if (arg)
			snprintf(call->name, sizeof(call->name), "%s(%s)", resolved, arg);
		else
			snprintf(call->name, sizeof(call->name), "%s", resolved);
		free(resolved);
	} else {
		snprintf(call->name, sizeof(call->name), "system call %d", req->data.nr);
	}
out_free:
	seccomp_notify_free(req, resp);
	return ret;
}

static int notify_respond(int listener, uint64_t id, int error, uint32_t flags)
{
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;
	int ret;

	ret = seccomp_notify_alloc(&req, &resp);
	if (ret)
		return ret;
	resp->id = id;
	resp->error = -error;
	resp->val = 0;
	resp->flags = flags;
	ret = seccomp_notify_respond(listener, resp);
	seccomp_notify_free(req, resp);
	return ret;
}

int sandbox__notify_continue(int listener, uint64_t id)
{
	return notify_respond(listener, id, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
}

int sandbox__notify_return(int listener, uint64_t id, int error)
{
	return notify_respond(listener, id, error, 0);
}
