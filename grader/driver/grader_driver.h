/*
 * grader_driver.h: what every exercise driver shares.
 *
 * A driver is linked with one submission (or the reference) and runs in the
 * sandbox: argv[0] is the exercise id, argv[1] the seed, argv[2] a control
 * word from the grader ("-", "fail-alloc=N", or "fail-allocs=K-M": see
 * ga_main() in grader_alloc.h), argv[3..] the test's args.
 * It reports observations, one line each, on fd 3, a pipe only the grader
 * reads, and ends with the line "end". See exercises/README.md. The seed
 * is for gd_rand() only: nothing else may depend on it.
 *
 * Everything here is static so that a driver is one translation unit; every
 * name starts with gd_ so that it cannot clash with a learner's names.
 */
#ifndef GRADER_DRIVER_H
#define GRADER_DRIVER_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GD_OBS_FD 3
#define GD_UNUSED __attribute__((unused))

static uint64_t gd_seed;
static uint64_t gd_rng;
static int gd_argc;
static long gd_fail_alloc_at; /* 0: no failure injected; else the Nth allocation fails */
static long gd_range_from, gd_range_to; /* fail-allocs=K-M; 0 otherwise */
static char **gd_argv;
static char gd_obuf[1 << 16];
static size_t gd_olen;
static GD_UNUSED int gd_mid_line; /* the channel's last byte written was not a newline */

static GD_UNUSED void gd_flush(void)
{
	size_t off = 0;

	while (off < gd_olen) {
		ssize_t n = write(GD_OBS_FD, gd_obuf + off, gd_olen - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(121); /* the grader closed the channel: nothing to report to */
		off += (size_t)n;
	}
	if (gd_olen)
		gd_mid_line = gd_obuf[gd_olen - 1] != '\n';
	gd_olen = 0;
}

static GD_UNUSED void gd_write(const char *s, size_t n)
{
	while (n > 0) {
		size_t room = sizeof(gd_obuf) - gd_olen;
		size_t k = n < room ? n : room;

		memcpy(gd_obuf + gd_olen, s, k);
		gd_olen += k;
		s += k;
		n -= k;
		if (gd_olen == sizeof(gd_obuf))
			gd_flush();
	}
}

/* Writes one observation line; a trailing newline is added. */
static GD_UNUSED __attribute__((format(printf, 1, 2))) void gd_obs(const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	gd_write(line, (size_t)n);
}

/* The last observation: without it the grader treats the run as cut short. */
static GD_UNUSED void gd_end(void)
{
	gd_write("end\n", 4);
	gd_flush();
}

/*
 * splitmix64: the same seed gives the same inputs to submission and reference.
 * The first draw says so in the metadata line "!seeded": a run without it
 * observed the same whatever the seed, and the grader may reuse the
 * reference's observations of that test under any seed (ref-cache.h). So
 * the seed must reach a driver through gd_rand and nothing else.
 */
static int gd_rand_said;

static GD_UNUSED uint64_t gd_rand(void)
{
	uint64_t z;

	if (!gd_rand_said) {
		gd_rand_said = 1;
		gd_write("!seeded\n", 8);
	}
	z = (gd_rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. */
static GD_UNUSED uint64_t gd_rand_below(uint64_t n)
{
	return gd_rand() % n;
}

/*
 * Test argument i (0 is the first of the spec's "args" that is not a flag),
 * or "" if absent. Arguments starting with "--" are flags: see gd_flag().
 */
static GD_UNUSED const char *gd_arg(int i)
{
	int k;

	for (k = 3; k < gd_argc; k++) {
		if (strncmp(gd_argv[k], "--", 2) == 0)
			continue;
		if (i-- == 0)
			return gd_argv[k];
	}
	return "";
}

/* Whether the test's args hold the flag "--name". */
static GD_UNUSED int gd_flag(const char *name)
{
	int k;

	for (k = 3; k < gd_argc; k++)
		if (strncmp(gd_argv[k], "--", 2) == 0 && strcmp(gd_argv[k] + 2, name) == 0)
			return 1;
	return 0;
}

/* Integer argument i, or dflt if absent or not a number. */
static GD_UNUSED long long gd_arg_ll(int i, long long dflt)
{
	const char *s = gd_arg(i);
	char *end;
	long long v;

	if (!*s)
		return dflt;
	errno = 0;
	v = strtoll(s, &end, 10);
	return (errno || *end) ? dflt : v;
}

/*
 * Quotes s (n bytes) into dst as a C string literal, so that whitespace and
 * control bytes are visible; truncates at cap with "..." after the quote.
 */
static GD_UNUSED void gd_quote(char *dst, size_t cap, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	if (cap < 8) {
		if (cap)
			dst[0] = '\0';
		return;
	}
	dst[o++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[5];
		size_t k = 0;

		if (c == '"' || c == '\\') {
			esc[k++] = '\\';
			esc[k++] = (char)c;
		} else if (c == '\n') {
			esc[k++] = '\\';
			esc[k++] = 'n';
		} else if (c == '\t') {
			esc[k++] = '\\';
			esc[k++] = 't';
		} else if (c < 0x20 || c >= 0x7f) {
			esc[k++] = '\\';
			esc[k++] = 'x';
			esc[k++] = hex[c >> 4];
			esc[k++] = hex[c & 15];
		} else {
			esc[k++] = (char)c;
		}
		if (o + k + 5 > cap) {
			dst[o++] = '"';
			memcpy(dst + o, "...", 4);
			return;
		}
		memcpy(dst + o, esc, k);
		o += k;
	}
	dst[o++] = '"';
	dst[o] = '\0';
}

/* Reads all of standard input (the test's input file); the caller frees. */
static GD_UNUSED char *gd_read_stdin(size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		_exit(122);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb)
				_exit(122);
			buf = nb;
			cap *= 2;
		}
		r = read(0, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * Where a test crashed. A handler for the crash signals, on a stack of its
 * own (a stack overflow leaves none), walks the frame-pointer chain of the
 * interrupted code and writes one line on the channel:
 *
 *   !crash SIG ADDR SP START DEPTH PC... [- PC...] [+ PC...]
 *
 * (SIG and DEPTH decimal, the rest hex): the signal, the faulting address,
 * the stack pointer, where the program was loaded (__executable_start, so
 * that the grader can undo PIE), how many frames the chain had, then the
 * interrupted pc and the return addresses of the innermost GD_CRASH_HEAD
 * frames and, after "-", of the outermost GD_CRASH_TAIL (a deep recursion
 * keeps both ends), and after "+", words just above the stack pointer that
 * point into the program's code (return addresses the chain may have lost
 * in code built without frame pointers). The grader symbolizes them (grader/symbolize.c); the
 * line changes only the crash message, never the verdict.
 *
 * A frame-pointer walk rather than glibc's backtrace(): it allocates
 * nothing, takes no lock and loads nothing (backtrace() would dlopen
 * libgcc_s, which the sandbox does not show a dynamic program), and every
 * read is checked to lie between the interrupted stack pointer and argv,
 * the live part of the main stack, so the walk itself cannot fault (a
 * program that moved its stack pointer off that stack may make it fault:
 * then it dies by SIGSEGV, a crash all the same). The
 * grader compiles submission and driver with -fno-omit-frame-pointer; a
 * frame of code built without it (libc) may end the chain early.
 *
 * Afterwards the default action is restored and the signal raised again:
 * the program ends by the same signal as it would have without us. Under
 * the sanitizers, the same line is written where they find an error (below).
 */
#define GD_CRASH_HEAD 48
#define GD_CRASH_TAIL 16
#define GD_CRASH_SCAN 16        /* candidate return addresses, at most */
#define GD_CRASH_SCAN_WORDS 512 /* looked for in this many words above sp */

extern char __executable_start[] __attribute__((weak));
extern char etext[] __attribute__((weak));

static GD_UNUSED uintptr_t gd_stack_top;  /* argv: every frame of main and below lies under it */
/*
 * How far below argv the stack may reach: its limit, plus the setup above
 * argv that the kernel counts in it, plus the guard gap below it, in which
 * nothing is ever mapped (1 MiB, stack_guard_gap's default).
 */
static GD_UNUSED uintptr_t gd_stack_size;

static GD_UNUSED void gd_hex(char **p, uintptr_t v)
{
	char tmp[2 * sizeof(v)];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (n)
		*(*p)++ = tmp[--n];
	*(*p)++ = ' ';
}

static GD_UNUSED void gd_dec(char **p, unsigned long v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*(*p)++ = tmp[--n];
	*(*p)++ = ' ';
}

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
#define GD_CRASH_REPORT 1
#include <sys/resource.h>
#include <ucontext.h>

/* Strict POSIX mode hides these two XSI names; Linux has them. */
#ifndef SA_ONSTACK
#define SA_ONSTACK 0x08000000
#endif
int sigaltstack(const stack_t *restrict ss, stack_t *restrict old);

/* glibc names the context's fields __gregs and so on in strict POSIX mode. */
#ifdef __USE_MISC
#define GD_CTX(f) f
#else
#define GD_CTX(f) __##f
#endif

/*
 * Writes the "!crash" line for a stop at pc, with the stack pointer sp and
 * the frame pointer fp of the code that stopped there; addr is the faulting
 * address (0 if none). Allocates nothing, so that a signal handler may call it.
 * Not instrumented under ASan: the walk reads stack words between frames,
 * which ASan poisons, from inside its own report.
 */
#ifdef __SANITIZE_ADDRESS__
#define GD_NOT_INSTRUMENTED __attribute__((no_sanitize_address, no_sanitize_undefined))
#else
#define GD_NOT_INSTRUMENTED
#endif
static GD_NOT_INSTRUMENTED void gd_write_stack(int sig, uintptr_t addr, uintptr_t pc, uintptr_t sp, uintptr_t fp)
{
	static char line[96 + (GD_CRASH_HEAD + GD_CRASH_TAIL + GD_CRASH_SCAN + 4) * 17];
	uintptr_t head[GD_CRASH_HEAD], tail[GD_CRASH_TAIL];
	uintptr_t lo, near;
	unsigned long depth = 1, ntail = 0, i;
	char *p = line;
	int saved = errno;

	head[0] = pc;
	/* A frame: [fp] the caller's fp, [fp + 1] the return address. */
	lo = sp;
	while (sp <= gd_stack_top && gd_stack_top - sp <= gd_stack_size && fp >= lo &&
	       fp % sizeof(uintptr_t) == 0 && fp + 2 * sizeof(uintptr_t) <= gd_stack_top) {
		uintptr_t ret = ((const uintptr_t *)fp)[1];

		if (!ret)
			break;
		if (depth < GD_CRASH_HEAD)
			head[depth] = ret;
		else
			tail[ntail++ % GD_CRASH_TAIL] = ret;
		depth++;
		lo = fp + 2 * sizeof(uintptr_t);
		fp = ((const uintptr_t *)fp)[0];
	}
	if (gd_mid_line)
		*p++ = '\n';
	memcpy(p, "!crash ", 7);
	p += 7;
	gd_dec(&p, (unsigned long)sig);
	gd_hex(&p, addr);
	gd_hex(&p, sp);
	gd_hex(&p, (uintptr_t)__executable_start);
	gd_dec(&p, depth);
	for (i = 0; i < depth && i < GD_CRASH_HEAD; i++)
		gd_hex(&p, head[i]);
	if (ntail) {
		unsigned long n = ntail < GD_CRASH_TAIL ? ntail : GD_CRASH_TAIL;

		*p++ = '-';
		*p++ = ' ';
		for (i = ntail - n; i < ntail; i++)
			gd_hex(&p, tail[i % GD_CRASH_TAIL]);
	}
	/*
	 * Code without frame pointers (the C library) may have lost the
	 * chain: words near the stack pointer that could be return addresses
	 * into the program, for the grader to try when the chain names none
	 * of the learner's functions.
	 */
	/* Not after a stack overflow: sp may point below the stack's last page. */
	near = addr < sp ? sp - addr : addr - sp;
	if (etext && (sig != SIGSEGV || near >= 65536) && sp <= gd_stack_top &&
	    gd_stack_top - sp <= gd_stack_size) {
		const uintptr_t *w = (const uintptr_t *)(sp & ~(uintptr_t)(sizeof(uintptr_t) - 1));
		unsigned long found = 0, k;

		for (k = 0; k < GD_CRASH_SCAN_WORDS && found < GD_CRASH_SCAN &&
			    (uintptr_t)(w + k + 1) <= gd_stack_top; k++) {
			if (w[k] <= (uintptr_t)__executable_start || w[k] >= (uintptr_t)etext)
				continue;
			if (!found++) {
				*p++ = '+';
				*p++ = ' ';
			}
			gd_hex(&p, w[k]);
		}
	}
	p[-1] = '\n';
	while (write(GD_OBS_FD, line, (size_t)(p - line)) < 0 && errno == EINTR)
		;
	gd_mid_line = 0;
	errno = saved;
}

/* The walk's bounds: argv, and the stack's limit below it. */
static void gd_stack_bounds(void)
{
	struct rlimit rl;

	gd_stack_top = (uintptr_t)gd_argv;
	gd_stack_size = (uintptr_t)8 << 20;
	if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		gd_stack_size = (uintptr_t)rl.rlim_cur;
	gd_stack_size += (uintptr_t)1 << 20;
}

#ifndef __SANITIZE_ADDRESS__
static void gd_on_crash(int sig, siginfo_t *si, void *ctx)
{
	const ucontext_t *uc = ctx;

#if defined(__x86_64__)
	gd_write_stack(sig, (uintptr_t)si->si_addr,
		       (uintptr_t)uc->uc_mcontext.GD_CTX(gregs)[16],  /* REG_RIP */
		       (uintptr_t)uc->uc_mcontext.GD_CTX(gregs)[15],  /* REG_RSP */
		       (uintptr_t)uc->uc_mcontext.GD_CTX(gregs)[10]); /* REG_RBP */
#else
	gd_write_stack(sig, (uintptr_t)si->si_addr, (uintptr_t)uc->uc_mcontext.GD_CTX(pc),
		       (uintptr_t)uc->uc_mcontext.GD_CTX(sp),
		       (uintptr_t)uc->uc_mcontext.GD_CTX(regs)[29]);
#endif
	/* SA_RESETHAND restored the default action; the signal waits until we return. */
	raise(sig);
}

static void gd_crash_init(void)
{
	static char altstack[1 << 16];
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	stack_t ss;
	struct sigaction sa;
	sigset_t unblock;
	size_t i;

	gd_stack_bounds();
	ss.ss_sp = altstack;
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) < 0)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = gd_on_crash;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigfillset(&sa.sa_mask);
	sigemptyset(&unblock);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&unblock, sigs[i]);
	}
	/*
	 * The grader's threads block every signal and a process inherits its
	 * mask: a fault with its signal blocked kills at once, handler or not.
	 */
	sigprocmask(SIG_UNBLOCK, &unblock, NULL);
}
#else
/*
 * The memory check (the grader's second run of a passed test, built with
 * -fsanitize=address,undefined): the sanitizers' options, compiled in
 * because the sandbox shows no /proc/self/environ to read them from, and
 * their report hooks, which write on the channel
 *
 *   !sanitizer asan KIND read|write SIZE     (an ASan report: the bad access)
 *   !sanitizer ubsan KIND LINE COLUMN FILE   (a UBSan report: the line, from
 *                                             the instrumentation)
 *
 * then a "!crash 0 ..." line: where the error was found, for the grader to
 * symbolize. The program then ends with status 86. Signals are left to
 * their default action: a crash here is not a memory error (a recursion
 * that fits the stack of a plain build may not fit ASan's larger frames),
 * and the grader does not count it as one. The submission may not define
 * these names (the grader refuses them in its text and its program).
 */
#define GD_SANITIZER_EXIT 86
#define GD_SANITIZER_COMMON                                                       \
	"exitcode=86:disable_coredump=0:symbolize=0:print_summary=0:"             \
	"handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:handle_abort=0"

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);
void __asan_on_error(void);
void __ubsan_on_report(void);
const char *__asan_get_report_description(void);
void *__asan_get_report_pc(void);
void *__asan_get_report_bp(void);
void *__asan_get_report_sp(void);
void *__asan_get_report_address(void);
int __asan_get_report_access_type(void);
size_t __asan_get_report_access_size(void);
void __ubsan_get_current_report_data(const char **kind, const char **message,
				     const char **file, unsigned *line, unsigned *col,
				     char **address);

/*
 * A replay's ASan build (--replay, ./run.sh asan, -DGD_REPLAY) keeps the
 * sanitizers' own defaults: a full report with function names and lines
 * on the learner's terminal.
 */
#ifndef GD_REPLAY
const char *__asan_default_options(void)
{
	/* No leak check (it forks a tracer), a small quarantine (memory is capped). */
	return GD_SANITIZER_COMMON ":detect_leaks=0:allocator_may_return_null=1:"
				   "quarantine_size_mb=16:malloc_context_size=0";
}

const char *__ubsan_default_options(void)
{
	return GD_SANITIZER_COMMON ":print_stacktrace=0:halt_on_error=1";
}
#endif

/* "!sanitizer" then the words, each cut to 64 bytes of [A-Za-z0-9_./-]. */
static void gd_sanitizer_line(const char *const *words, size_t n)
{
	char line[16 + 8 * 66];
	char *p = line;
	size_t i, k;

	if (gd_mid_line)
		*p++ = '\n';
	memcpy(p, "!sanitizer", 10);
	p += 10;
	for (i = 0; i < n && i < 8; i++) {
		*p++ = ' ';
		for (k = 0; words[i] && words[i][k] && k < 64; k++) {
			char c = words[i][k];

			*p++ = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
					       (c >= '0' && c <= '9') || c == '-' || c == '_' ||
					       c == '.' || c == '/'
				       ? c
				       : '-';
		}
		if (!k)
			*p++ = '-';
	}
	*p++ = '\n';
	while (write(GD_OBS_FD, line, (size_t)(p - line)) < 0 && errno == EINTR)
		;
	gd_mid_line = 0;
}

void __asan_on_error(void)
{
	char size[24], *p = size;
	const char *words[4];

	gd_dec(&p, (unsigned long)__asan_get_report_access_size());
	p[-1] = '\0';
	words[0] = "asan";
	words[1] = __asan_get_report_description();
	words[2] = __asan_get_report_address() ? (__asan_get_report_access_type() ? "write"
										: "read")
					       : "-";
	words[3] = size;
	gd_sanitizer_line(words, 4);
	/*
	 * The report's pc is the return address of the check's call into the
	 * runtime: one byte back lies in the call, on the faulting line.
	 */
	gd_write_stack(0, (uintptr_t)__asan_get_report_address(),
		       (uintptr_t)__asan_get_report_pc() - 1, (uintptr_t)__asan_get_report_sp(),
		       (uintptr_t)__asan_get_report_bp());
}

void __ubsan_on_report(void)
{
	const char *kind = NULL, *message = NULL, *file = NULL, *words[5];
	unsigned line = 0, col = 0;
	char *address = NULL, nums[48], *p = nums;
	const uintptr_t *frame;

	__ubsan_get_current_report_data(&kind, &message, &file, &line, &col, &address);
	gd_dec(&p, line);
	p[-1] = '\0';
	gd_dec(&p, col);
	p[-1] = '\0';
	words[0] = "ubsan";
	words[1] = kind;
	words[2] = nums;
	words[3] = nums + strlen(nums) + 1;
	words[4] = file;
	gd_sanitizer_line(words, 5);
	/* From our caller in the runtime: the learner's line is further up. */
	frame = __builtin_frame_address(0);
	gd_write_stack(0, 0, frame[1], (uintptr_t)frame, frame[0]);
}

static void gd_crash_init(void)
{
	gd_stack_bounds();
}
#endif /* __SANITIZE_ADDRESS__ */
#else
static void gd_crash_init(void)
{
}
#endif

/*
 * Whether the grader asks for the test's input rather than a run (control
 * word "describe"): the driver then writes "!input" first, then one line
 * per piece of input, compact and capped, without calling a learner
 * function, and ends. The grader runs the reference's program so, and
 * shows the lines under a visible test that failed.
 */
static GD_UNUSED int gd_describing(void)
{
	return gd_argc > 2 && strcmp(gd_argv[2], "describe") == 0;
}

/*
 * Call first. Unbuffered stdio keeps the learner's printf from allocating,
 * so that allocation accounting sees only what the learner's code asked for.
 */
static GD_UNUSED void gd_init(int argc, char **argv)
{
	gd_argc = argc;
	gd_argv = argv;
	gd_seed = argc > 1 ? strtoull(argv[1], NULL, 10) : 0;
	gd_rng = gd_seed;
	if (argc > 2 && strncmp(argv[2], "fail-alloc=", 11) == 0)
		gd_fail_alloc_at = strtol(argv[2] + 11, NULL, 10);
	if (argc > 2 && strncmp(argv[2], "fail-allocs=", 12) == 0 &&
	    sscanf(argv[2] + 12, "%ld-%ld", &gd_range_from, &gd_range_to) != 2)
		gd_range_from = gd_range_to = 0;
	if (gd_range_from < 1 || gd_range_to < gd_range_from)
		gd_range_from = gd_range_to = 0;
	setvbuf(stdout, NULL, _IONBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);
	gd_crash_init();
}

#endif /* GRADER_DRIVER_H */
