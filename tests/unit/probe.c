/*
 * probe.c: a program that tries one thing inside the sandbox and reports
 * what happened on fd 3. Built statically; run by test_sandbox.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (write(3, buf, (size_t)n) < 0)
		_exit(99);
}

static const char *mode;

/* glibc passes main's arguments to constructors too. */
__attribute__((constructor)) static void early(int argc, char **argv)
{
	/* The filter must already be in force when constructors run. */
	if (argc > 1 && !strcmp(argv[1], "ctor"))
		socket(AF_INET, SOCK_STREAM, 0);
}

int main(int argc, char **argv)
{
	mode = argc > 1 ? argv[1] : "ok";
	if (!strcmp(mode, "ok")) {
		printf("to stdout\n");
		report("hello\n");
	} else if (!strcmp(mode, "fork")) {
		report("fork=%d\n", (int)fork());
	} else if (!strcmp(mode, "socket")) {
		report("socket=%d\n", socket(AF_INET, SOCK_STREAM, 0));
	} else if (!strcmp(mode, "open")) {
		int fd = open(argv[2], O_RDONLY);
		report("open=%s\n", fd >= 0 ? "ok" : strerror(errno));
	} else if (!strcmp(mode, "create")) {
		int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		report("create=%s\n", fd >= 0 ? "ok" : strerror(errno));
	} else if (!strcmp(mode, "symlink")) {
		report("symlink=%s\n", symlink("/etc/passwd", "link") == 0 ? "ok" : strerror(errno));
	} else if (!strcmp(mode, "loop")) {
		for (volatile unsigned long i = 0;; i++)
			;
	} else if (!strcmp(mode, "loop-ignoring")) {
		signal(SIGXCPU, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		for (volatile unsigned long i = 0;; i++)
			;
	} else if (!strcmp(mode, "sleep")) {
		for (;;)
			sleep(1000);
	} else if (!strcmp(mode, "flood")) {
		char buf[4096];
		memset(buf, 'x', sizeof(buf));
		for (;;)
			if (write(1, buf, sizeof(buf)) < 0)
				break;
	} else if (!strcmp(mode, "memory")) {
		for (size_t total = 0;; total += 1 << 20) {
			char *p = malloc(1 << 20);
			if (!p) {
				report("malloc failed after %zu MiB\n", total >> 20);
				abort();
			}
			memset(p, 1, 1 << 20);
		}
	} else if (!strncmp(mode, "peak", 4)) {
		/*
		 * arg MiB touched, then the end: freed and exit_group ("peak"),
		 * or exit ("peak-raw-exit"); or abort() at once, a death by a
		 * signal ("peak-abort").
		 */
		size_t len = (size_t)atoi(argc > 2 ? argv[2] : "1") << 20;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(98);
		memset(p, 1, len);
		if (!strcmp(mode, "peak-abort"))
			abort();
		munmap(p, len);
		if (!strcmp(mode, "peak-raw-exit"))
			syscall(SYS_exit, argc > 3 ? atoi(argv[3]) : 0);
	} else if (!strcmp(mode, "umask")) {
		/* What the umask the sandbox set leaves of 0666. */
		int fd = open("umask-probe", O_WRONLY | O_CREAT | O_EXCL, 0666);
		struct stat st;

		if (fd < 0 || fstat(fd, &st) < 0)
			report("umask=%s\n", strerror(errno));
		else
			report("umask=%03o\n", (unsigned)(~st.st_mode & 0666));
		if (fd >= 0)
			unlink("umask-probe");
	} else if (!strcmp(mode, "i386")) {
		long ret;
		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20) : "memory");
		report("int80=%ld\n", ret);
	} else if (!strcmp(mode, "x32")) {
		report("x32=%ld\n", syscall(39 | 0x40000000));
	} else if (!strcmp(mode, "io_uring")) {
		report("io_uring=%ld\n", syscall(425, 1, NULL));
	} else if (!strcmp(mode, "exec")) {
		char *args[] = { "/bin/sh", "-c", "echo escaped", NULL };
		execv("/bin/sh", args);
		report("exec=%s\n", strerror(errno));
	} else if (!strcmp(mode, "kill-parent")) {
		report("kill=%s\n", kill(getppid(), SIGKILL) == 0 ? "ok" : strerror(errno));
	} else if (!strcmp(mode, "kill-all")) {
		report("kill=%d\n", kill(-1, SIGKILL));
	} else if (!strcmp(mode, "rlimit")) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
		report("setrlimit=%d\n", setrlimit(RLIMIT_CPU, &rl));
	} else if (!strcmp(mode, "ptrace")) {
		report("ptrace=%ld\n", syscall(SYS_ptrace, 16 /* ATTACH */, 1, 0, 0));
	} else if (!strcmp(mode, "env")) {
		extern char **environ;
		report("env=%d\n", environ[0] != NULL);
	} else if (!strcmp(mode, "fds")) {
		int n = 0;
		for (int fd = 0; fd < 1024; fd++)
			if (fcntl(fd, F_GETFD) >= 0)
				n++;
		report("fds=%d\n", n);
	} else if (!strcmp(mode, "ctor")) {
		report("main reached\n");
	} else if (!strcmp(mode, "stat")) {
		struct stat st;
		report("stat=%s\n", stat(argv[2], &st) == 0 ? "present" : strerror(errno));
	} else if (!strcmp(mode, "lease")) {
		int fd = open(argv[2], O_RDONLY);
		if (fd < 0)
			fd = open("lease-me", O_RDWR | O_CREAT, 0600);
		report("lease=%d\n", fcntl(fd, F_SETLEASE, F_RDLCK));
	} else if (!strcmp(mode, "fcntl-ok")) {
		int fd = dup(1), fl = fcntl(fd, F_GETFL);
		report("fcntl=%d %d %d\n", fl >= 0, fcntl(fd, F_SETFL, fl | O_NONBLOCK),
		       fcntl(fd, F_SETFD, FD_CLOEXEC));
	} else if (!strcmp(mode, "async")) {
		report("async=%d\n", fcntl(1, F_SETFL, O_ASYNC));
	} else if (!strcmp(mode, "signals")) {
		/* What the program starts with: a mask, ignored signals. */
		sigset_t mask;
		struct sigaction pipe_act, xfsz_act;

		sigprocmask(SIG_SETMASK, NULL, &mask);
		sigaction(SIGPIPE, NULL, &pipe_act);
		sigaction(SIGXFSZ, NULL, &xfsz_act);
		report("blocked=%d pipe=%s xfsz=%s\n", sigismember(&mask, SIGXFSZ),
		       pipe_act.sa_handler == SIG_IGN ? "ignored" : "default",
		       xfsz_act.sa_handler == SIG_IGN ? "ignored" : "default");
	} else if (!strcmp(mode, "fchmod")) {
		/* An atomic save's mode: mkstemp's 0600 made 0644, and umask itself. */
		char name[] = "save-XXXXXX";
		int fd = mkstemp(name);
		struct stat st;
		mode_t old = umask(027);

		report("fchmod=%d umask=%03o ", fd >= 0 ? fchmod(fd, 0644) : -1, (unsigned)old);
		report("mode=%03o\n", fd >= 0 && fstat(fd, &st) == 0 ? (unsigned)(st.st_mode & 07777)
									: 0u);
	} else if (!strcmp(mode, "fchmod-suid")) {
		int fd = open("suid", O_WRONLY | O_CREAT, 0700);
		report("fchmod=%d\n", fchmod(fd, 04755));
	} else if (!strcmp(mode, "chmod")) {
		int fd = open("by-path", O_WRONLY | O_CREAT, 0600);
		close(fd);
		report("chmod=%d\n", chmod("by-path", 0644));
	} else if (!strcmp(mode, "whiteout")) {
		int fd = open("a", O_WRONLY | O_CREAT, 0600);
		close(fd);
		report("whiteout=%ld\n", syscall(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "b",
						  4 /* RENAME_WHITEOUT */));
	} else if (!strcmp(mode, "fill")) {
		/* Files just under the size limit until the disk says no. */
		static char buf[16 << 10];
		unsigned long long total = 0;
		int err = 0;
		signal(SIGXFSZ, SIG_IGN);
		for (int i = 0; !err && i < 100000; i++) {
			char name[32];
			snprintf(name, sizeof(name), "f%d", i);
			int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd < 0) {
				err = errno;
				break;
			}
			for (int k = 0; k < 3; k++) { /* 48 KiB: under a 64 KiB file cap */
				ssize_t n = write(fd, buf, 16 << 10);
				if (n <= 0) {
					err = n < 0 ? errno : ENOSPC;
					break;
				}
				total += (unsigned long long)n;
			}
			close(fd);
		}
		report("fill=%llu KiB %s\n", total >> 10, strerror(err));
	} else if (!strcmp(mode, "inodes")) {
		int n = 0;
		char name[32];
		for (;; n++) {
			snprintf(name, sizeof(name), "d%d", n);
			if (mkdir(name, 0700) < 0)
				break;
		}
		report("inodes=%s after %d\n", strerror(errno), n);
	} else if (!strcmp(mode, "privileges")) {
		struct { unsigned version; int pid; } hdr = { 0x20080522, 0 };
		unsigned data[6] = { 0 };
		long r = syscall(SYS_capget, &hdr, data);
		report("caps=%ld %x %x uid0=%d\n", r, data[0] | data[3], data[1] | data[4],
		       getuid() == 0);
	} else {
		report("unknown mode\n");
	}
	return 0;
}
