/*
 * grade.c: building, running every test twice (reference and submission),
 * and judging.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "elfcheck.h"
#include "grade.h"
#include "jsondiff.h"
#include "observe.h"
#include "ref-cache.h"
#include "symbolize.h"
#include "util.h"

#define SOURCE_MAX (1 << 20)
#define CHANNEL_CAP (64u << 20)
#define OUTPUT_SHOWN 2048
#define MAX_INJECTIONS 200
#define MEMORY_SUSPECT_PERCENT 80
#define IDLE_MS 2000 /* a test program has nothing to wait for */
#define FILE_CAP (32 << 20) /* bytes of a judged file */
#define MATCH_KEEP_MAX (2u << 20) /* observations kept for mistake matching */
#define REF_CAP_FACTOR 3 /* the reference's own safety limits: 3x the learner's */
#define INPUT_LINES 60 /* lines of a test's input shown */
#define RECHECKS 2 /* more runs of both programs before a scaling timeout stands */

int grader_open(struct grader *g, struct strbuf *err)
{
	char reason[256];
	int ret;

	memset(g, 0, sizeof(*g));
	ret = sandbox_new(&g->sb, reason, sizeof(reason));
	if (ret) {
		strbuf_addf(err, "cannot set up the sandbox: %s", reason);
		return ret;
	}
	ret = workdir_create(&g->wd, err);
	if (ret)
		goto fail;
	ret = builder_init(&g->builder, g->sb, &g->wd, err);
	if (ret)
		goto fail;
	return 0;
fail:
	grader_close(g);
	return ret;
}

void grader_close(struct grader *g)
{
	builder_release(&g->builder);
	workdir_remove(&g->wd);
	sandbox_free(g->sb);
	g->sb = NULL;
}

/* One run of a program on one test. */
struct run {
	struct sandbox_result res;
	struct obs obs;
	double cpu_limit;
	double ref_ms;     /* a scaling test: the reference time the limit came from */
	int ref_runs;      /* ... the slowest of this many runs */
	bool have;
	struct strbuf *files;  /* the test's files as the program left them */
	bool *present;
	struct crash_info *crash; /* the submission's crash, located; or NULL */
	struct strbuf raw;     /* the channel before parsing (grade_opts.keep_channels) */
};

static void run_release(struct run *r)
{
	size_t i;

	if (!r->have)
		return;
	obs_release(&r->obs);
	sandbox_result_release(&r->res);
	for (i = 0; r->files && r->files[i].buf; i++)
		strbuf_release(&r->files[i]);
	free(r->files);
	free(r->present);
	crash_info_free(r->crash);
	r->crash = NULL;
	strbuf_release(&r->raw);
	r->have = false;
}

/*
 * Reads the files a test judges from the scratch directory the program
 * just left, through the directory's descriptor and never following a
 * link: the program planted whatever is there.
 */
static void collect_files(const struct test *t, int dfd, struct run *out)
{
	size_t i;

	if (!t->nfiles)
		return;
	out->files = xcalloc(t->nfiles + 1, sizeof(struct strbuf));
	out->present = xcalloc(t->nfiles, sizeof(bool));
	if (dfd < 0)
		return;
	for (i = 0; i < t->nfiles; i++) {
		int fd = openat(dfd, t->files[i].name,
				O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		struct stat st;

		strbuf_grow(&out->files[i], 0);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= FILE_CAP) {
			for (;;) {
				ssize_t n;

				strbuf_grow(&out->files[i], 65536);
				n = read(fd, out->files[i].buf + out->files[i].len, 65536);
				if (n <= 0)
					break;
				out->files[i].len += (size_t)n;
				if (out->files[i].len > FILE_CAP)
					break;
			}
			out->files[i].buf[out->files[i].len] = '\0';
			out->present[i] = out->files[i].len <= FILE_CAP;
		}
		close(fd);
	}
}

/* The files of sub against the reference's; false with msg set if they differ. */
static bool files_equal(const struct test *t, const struct run *ref, const struct run *sub,
			struct strbuf *msg)
{
	size_t i;

	for (i = 0; i < t->nfiles; i++) {
		const char *name = t->files[i].name;
		const struct strbuf *w = &ref->files[i], *g = &sub->files[i];

		if (ref->present[i] != sub->present[i]) {
			strbuf_addf(msg, sub->present[i]
				    ? "the program left a file '%s' where the reference leaves none"
				    : "the program did not leave the file '%s' (or left something "
				      "that is not a regular file)", name);
			return false;
		}
		if (!ref->present[i])
			continue;
		if (t->files[i].json) {
			struct strbuf why = STRBUF_INIT;

			if (!json_equal(w->buf, w->len, g->buf, g->len, &why)) {
				strbuf_addf(msg, "the file '%s' is not what the format requires: %s",
					    name, why.buf);
				strbuf_release(&why);
				return false;
			}
			strbuf_release(&why);
		} else if (w->len != g->len || memcmp(w->buf, g->buf, w->len)) {
			size_t k = 0;

			while (k < w->len && k < g->len && w->buf[k] == g->buf[k])
				k++;
			strbuf_addf(msg, "the file '%s' differs from the reference's at byte %zu "
				    "(%zu bytes expected, %zu written)", name, k, w->len, g->len);
			return false;
		}
	}
	return true;
}

struct job_ctx {
	struct grader *g;
	const struct exercise *ex;
	const struct grade_opts *o;
	const char *sub_exe;
	const char *source_name; /* the submission's file name, as the learner knows it */
	const char *ref_exe;
	double plain_build_ms;   /* the submission's plain build, wall-clock */
	atomic_uint_least64_t symbolize_ms; /* spent locating crashes (located_crash) */
	struct report *r;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char *started;
	char *done;
	int error;             /* first grader failure */
	struct strbuf error_msg;
	/* Known-mistake programs, built the first time a test fails. */
	pthread_mutex_t mistakes_lock;
	struct build *mistakes;
	bool mistakes_built;
	/* What a run may see of the host: the loader and libraries, or nothing. */
	struct sandbox_path *paths;
	size_t npaths;
	/* Failed tests' runs, kept for matching after every test has run. */
	struct run *subs;
	int jobs;              /* threads grading at once */
	/*
	 * The memory check's runs (sanitizing): their view (the sanitized
	 * programs' loader and libraries) and a resident-memory cap instead of
	 * an address-space one, which ASan's shadow memory cannot fit.
	 */
	bool sanitizing;
	struct sandbox_path *san_paths;
	size_t san_npaths;
};

uint64_t run_wall_ms(uint64_t cpu_ms, uint64_t wall_ms)
{
	return wall_ms < 5 * cpu_ms + 1000 ? 5 * cpu_ms + 1000 : wall_ms;
}

/*
 * Where a crash happened (symbolize.h), within a budget for the whole
 * grading: reading the learner's debug information costs milliseconds,
 * but hand-written DWARF can make each reading run to the symbolizer's
 * limits (an exponential tree of imported units: 5 s of CPU per crash,
 * minutes for a submission that crashes in every test). Past the budget,
 * crashes are reported without a place. The budget counts the readings'
 * CPU time, not the wall clock, so that a loaded machine does not leave
 * later crashes without a place where an idle one gives it. checker: NULL
 * for a signal sig, else "ASAN" or "UBSAN".
 */
#define SYMBOLIZE_BUDGET_MS 3000

static struct crash_info *located_crash(struct job_ctx *jc, const char *exe, int sig,
					const char *checker, const char *line)
{
	double cpu_ms = 0;
	struct crash_info *c;

	if (atomic_load(&jc->symbolize_ms) >= SYMBOLIZE_BUDGET_MS)
		return NULL;
	c = checker ? crash_symbolize_error(exe, jc->source_name, checker, line, &cpu_ms)
		    : crash_symbolize(exe, jc->source_name, sig, line, &cpu_ms);
	atomic_fetch_add(&jc->symbolize_ms, (uint64_t)(cpu_ms + 0.5));
	return c;
}

/*
 * A test's input for the program's stdin: a sealed copy in memory, never
 * the exercise's own file. A descriptor of a host file let the program
 * fchmod(0, 0) it (Landlock does not cover a mode change): under a grader
 * running as the exercise's owner, every later grading of the exercise
 * then failed with exit 3. A descriptor or -errno.
 */
#define INPUT_MAX (64u << 20)

static int input_copy(const char *path)
{
	struct strbuf text = STRBUF_INIT;
	int fd, ret = read_file(path, INPUT_MAX, true, &text);
	size_t off = 0;

	if (ret) {
		strbuf_release(&text);
		return ret;
	}
	fd = memfd_create("test-input", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		ret = -errno;
		strbuf_release(&text);
		return ret;
	}
	while (off < text.len) {
		ssize_t k = write(fd, text.buf + off, text.len - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			ret = k < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)k;
	}
	strbuf_release(&text);
	if (!ret && (lseek(fd, 0, SEEK_SET) < 0 ||
		     fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW |
						F_SEAL_WRITE) < 0))
		ret = -errno;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/*
 * The memory check's bound on a program's resident memory: its memory
 * limit, twice over (ASan's shadow is an eighth of what it touches, its
 * allocator pads blocks with red zones), plus what the runtime takes
 * before main (measured: about 6 MiB) and its quarantine of freed blocks
 * (16 MiB, grader_driver.h).
 */
#define SANITIZED_RSS_EXTRA_KB (64 * 1024)

static uint64_t sanitized_rss_kb(const struct limits *lim)
{
	return 2 * lim->memory_kb + SANITIZED_RSS_EXTRA_KB;
}

static int run_program(struct job_ctx *jc, const struct test *t, const char *exe,
		       const char *control, double cpu_limit, const struct limits *lim,
		       const atomic_uint_least64_t *cap, struct run *out, struct strbuf *err)
{
	const struct exercise *ex = jc->ex;
	struct sandbox_spec spec = { 0 };
	char seed[24], reason[256];
	char **argv;
	char *scratch;
	int in_fd = -1, ret;
	size_t i;

	memset(out, 0, sizeof(*out));
	scratch = workdir_subdir(&jc->g->wd, "scratch");
	if (!scratch) {
		ret = -errno;
		strbuf_addf(err, "cannot create a scratch directory: %s", strerror(-ret));
		return ret;
	}
	if (t->input) {
		in_fd = input_copy(t->input);
		if (in_fd < 0) {
			ret = in_fd;
			strbuf_addf(err, "cannot read '%s': %s", t->input, strerror(-ret));
			free(scratch);
			return ret;
		}
	}
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)jc->o->seed);
	argv = xcalloc(t->nargs + 4, sizeof(char *));
	argv[0] = ex->id;
	argv[1] = seed;
	argv[2] = (char *)control;
	for (i = 0; i < t->nargs; i++)
		argv[3 + i] = t->args[i];

	spec.profile = SANDBOX_RUN;
	spec.exe = exe;
	spec.argv = argv;
	spec.envp = NULL;
	spec.workdir = scratch;
	/* A dynamic program's loader and libraries, as the reference needs them. */
	spec.paths = jc->sanitizing ? jc->san_paths : jc->paths;
	spec.npaths = jc->sanitizing ? jc->san_npaths : jc->npaths;
	spec.stdin_fd = in_fd;
	spec.channel = true;
	spec.limits.cpu_ms = (uint64_t)(cpu_limit + 0.5);
	spec.limits.wall_ms = run_wall_ms(spec.limits.cpu_ms, lim->wall_ms);
	spec.limits.idle_ms = IDLE_MS;
	spec.limits.memory_kb = jc->sanitizing ? 0 : lim->memory_kb;
	spec.limits.rss_kb = jc->sanitizing ? sanitized_rss_kb(lim) : 0;
	spec.limits.file_kb = lim->file_kb;
	spec.limits.scratch_kb = lim->scratch_kb;
	spec.limits.scratch_inodes = lim->scratch_inodes;
	spec.limits.stack_kb = 8192;
	spec.limits.open_files = 32;
	spec.limits.output_cap = lim->output_kb * 1024;
	spec.limits.channel_cap = CHANNEL_CAP;
	spec.cpu_cap_ms = cap;

	ret = sandbox_run(jc->g->sb, &spec, &out->res, reason, sizeof(reason));
	if (ret)
		strbuf_addf(err, "%s", reason);
	else {
		out->have = true;
		out->cpu_limit = cpu_limit;
		if (jc->o->keep_channels)
			strbuf_add(&out->raw, out->res.channel.data,
				   out->res.channel.len < OBS_KEPT_MAX ? out->res.channel.len
								       : OBS_KEPT_MAX);
		obs_parse(out->res.channel.data, out->res.channel.len, &out->obs);
		if (out->res.outcome == SANDBOX_SIGNALED && out->obs.crash && exe == jc->sub_exe &&
		    !jc->sanitizing)
			out->crash = located_crash(jc, exe, out->res.term_signal, NULL,
						   out->obs.crash);
		collect_files(t, out->res.workdir_fd, out);
		/* Done with the scratch: its tmpfs goes now, not with the run. */
		close(out->res.workdir_fd);
		out->res.workdir_fd = -1;
	}
	remove_tree(scratch);
	free(scratch);
	free(argv);
	if (in_fd >= 0)
		close(in_fd);
	return ret;
}

static bool memory_suspect(const struct run *r, const struct test *t)
{
	return (uint64_t)r->res.peak_kb * 100 >= t->limits.memory_kb * MEMORY_SUSPECT_PERCENT;
}

static const char *signal_meaning(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "segmentation fault: a bad pointer, an index out of bounds, "
		       "or a stack overflow";
	case SIGABRT:
		return "abort: an assert failed, or the heap was corrupted (double free?)";
	case SIGFPE:
		return "arithmetic error: division by zero, or INT_MIN / -1";
	case SIGBUS:
		return "bus error: a misaligned or unmapped access";
	case SIGILL:
		return "illegal instruction: often a __builtin_unreachable() reached";
	case SIGXFSZ:
		return "a file grew past the size limit";
	default:
		return "killed by a signal";
	}
}

static void crash_call_text(struct strbuf *msg, const struct crash_call *k)
{
	if (*k->file && k->line)
		strbuf_addf(msg, "%s (%s:%d)", k->function, k->file, k->line);
	else if (*k->file)
		strbuf_addf(msg, "%s (%s)", k->function, k->file);
	else if (*k->function)
		strbuf_addf(msg, "%s (a library function)", k->function);
	else
		strbuf_addstr(msg, "a library function");
}

static bool crash_call_same(const struct crash_call *a, const struct crash_call *b)
{
	return a->line == b->line && !strcmp(a->function, b->function) && !strcmp(a->file, b->file);
}

/*
 * "crashed with SIGSEGV in lru_put (lru_cache.c:57), called from test
 * 'x'", with the chain of calls when there is one (a recursion's repeated
 * calls counted, not listed), then what the signal usually means. Without
 * a location, the signal and its meaning alone.
 */
static void crash_chain_text(const char *test, const struct crash_info *c, struct strbuf *msg)
{
	size_t i, j;

	crash_call_text(msg, &c->calls[0]);
	for (i = 1; i < c->ncalls; i = j + 1) {
		if (c->omitted && i == c->omitted_at)
			strbuf_addf(msg, "\n  ... %lu more frames ...", c->omitted);
		for (j = i; j + 1 < c->ncalls && crash_call_same(&c->calls[j + 1], &c->calls[i]) &&
			    !(c->omitted && j + 1 == c->omitted_at);
		     j++)
			;
		strbuf_addstr(msg, "\n  called from ");
		crash_call_text(msg, &c->calls[i]);
		if (j > i)
			strbuf_addf(msg, ", %zu times", j - i + 1);
	}
	if (c->ncalls == 1 && !c->omitted)
		strbuf_addf(msg, ", called from test '%s'", test);
	else
		strbuf_addf(msg, "\n  called from test '%s'", test);
}

static void crash_text(const char *test, int sig, const struct crash_info *c,
		       struct strbuf *msg)
{
	if (!c || !c->ncalls) {
		strbuf_addf(msg, "crashed with signal %d (%s)", sig, signal_meaning(sig));
		return;
	}
	strbuf_addf(msg, "crashed with %s%s in ", c->signal,
		    c->stack_overflow ? " (stack overflow)" : "");
	crash_chain_text(test, c, msg);
	strbuf_addf(msg, "\nsignal %d (%s)", sig, signal_meaning(sig));
}

/*
 * A crash only in the test aimed at a known mistake: the one test that
 * mistake breaks ("breaks" in spec.json lists only it, and no other such
 * mistake aims at it), and no other test crashed. Then the mistake's hint.
 * A crash matches no mistake's observations, so the test's aim is the
 * evidence, and a crash in every test (a stack overflow, say) is not
 * about any one mistake: those tests keep their own hints.
 */
static void hint_aimed_mistake(struct job_ctx *jc)
{
	const struct exercise *ex = jc->ex;
	struct strbuf msg = STRBUF_INIT;
	struct test_report *tr = NULL;
	long found = -1;
	size_t i, idx = 0;

	for (i = 0; i < ex->ntests; i++) {
		if (jc->r->tests[i].status != ST_CRASHED)
			continue;
		if (tr)
			return;
		tr = &jc->r->tests[i];
		idx = i;
	}
	/* A crash under failure injection keeps the hint about checking malloc. */
	if (!tr || ex->tests[idx].scaling.on || tr->injections)
		return;
	for (i = 0; i < ex->nmistakes; i++) {
		if (ex->mistakes[i].nbreaks != 1 || ex->mistakes[i].breaks[0] != idx)
			continue;
		if (found >= 0)
			return; /* aimed at by two: which one is not known */
		found = (long)i;
	}
	if (found < 0)
		return;
	strbuf_addf(&msg, "%s\nthis test is aimed at the known mistake '%s'", tr->message,
		    ex->mistakes[found].name);
	free(tr->message);
	tr->message = strbuf_detach(&msg);
	free(tr->hint);
	tr->hint = xstrdup(ex->mistakes[found].hint);
}

static const char *syscall_advice(const char *name)
{
	if (!strcmp(name, "clone") || !strcmp(name, "fork") || !strcmp(name, "vfork"))
		return "new processes and threads are not allowed";
	if (!strcmp(name, "socket") || !strcmp(name, "connect") || !strcmp(name, "socketpair"))
		return "the network is not available to tests";
	if (!strcmp(name, "execve") || !strcmp(name, "execveat"))
		return "running other programs is not allowed";
	if (!strcmp(name, "ptrace"))
		return "tracing other processes is not allowed";
	if (!strncmp(name, "io_uring", 8))
		return "io_uring is not available to tests";
	if (!strncmp(name, "chmod", 5) || !strncmp(name, "fchmodat", 8))
		return "a mode is changed through the open file: fchmod(fd, mode), permission "
		       "bits only";
	if (!strncmp(name, "fchmod", 6))
		return "a file's mode may hold permission bits only";
	return "tests may use memory, files in their own directory and the clock, not more";
}

/*
 * The verdict of one run against the reference's. Fills status, message and
 * hint of tr.
 */
static void judge(const struct test *t, const struct run *ref, const struct run *sub,
		  struct test_report *tr)
{
	struct strbuf msg = STRBUF_INIT;
	const struct sandbox_result *res = &sub->res;
	const char *hint = t->hint;

	switch (res->outcome) {
	case SANDBOX_EXEC_FAILED:
		tr->status = ST_CRASHED;
		strbuf_addf(&msg, "the program could not start (%s)", strerror(res->exec_errno));
		/* Other errors (ETXTBSY, ENOMEM) are the machine's moment, not the program. */
		if (res->exec_errno == ENOENT || res->exec_errno == EACCES ||
		    res->exec_errno == ENOEXEC || res->exec_errno == ELIBBAD)
			strbuf_addstr(&msg, ": it asks for a loader or a library that tests do "
					    "not provide");
		hint = "";
		break;
	case SANDBOX_FORBIDDEN:
		tr->status = ST_FORBIDDEN;
		strbuf_addf(&msg, "the program called %s, which the sandbox denies: %s",
			    res->syscall_name, syscall_advice(res->syscall_name));
		if (res->layers & SANDBOX_LAYER_IA32_BLOCKED && strstr(res->syscall_name, "foreign"))
			strbuf_addstr(&msg, " (a 32-bit call such as int 0x80: this kernel runs "
				      "them, and the sandbox's seccomp architecture check blocks them)");
		hint = "";
		break;
	case SANDBOX_CPU_LIMIT:
		tr->status = ST_TIMEOUT;
		strbuf_addf(&msg, "used more than %.0f ms of CPU time", sub->cpu_limit);
		if (t->scaling.on && sub->ref_runs > 1)
			strbuf_addf(&msg, " (the limit enforced: %gx the reference's %.1f ms, "
				    "the slowest of its %d runs, at least %llu ms; the program "
				    "ran %d times and never fit)", t->scaling.factor, sub->ref_ms,
				    sub->ref_runs, (unsigned long long)t->scaling.floor_ms,
				    sub->ref_runs);
		else if (t->scaling.on)
			strbuf_addf(&msg, " (the limit enforced: %gx the reference's %.1f ms, "
				    "at least %llu ms)", t->scaling.factor, sub->ref_ms,
				    (unsigned long long)t->scaling.floor_ms);
		break;
	case SANDBOX_IDLE_LIMIT:
		tr->status = ST_TIMEOUT;
		strbuf_addf(&msg, "stopped after %.1f s of wall-clock time in which it used "
			    "%.0f ms of CPU time: it was sleeping or waiting, not computing",
			    res->wall_ms / 1000.0, res->cpu_ms);
		hint = "";
		break;
	case SANDBOX_WALL_LIMIT:
		tr->status = ST_TIMEOUT;
		strbuf_addf(&msg, "did not finish within %.1f s of wall-clock time (it used "
			    "%.0f ms of CPU time; the machine may be very busy)",
			    res->wall_ms / 1000.0, res->cpu_ms);
		break;
	case SANDBOX_OUTPUT_LIMIT:
		tr->status = ST_OUTPUT_LIMIT;
		if (res->channel.truncated)
			strbuf_addf(&msg, "wrote more than %u MiB on the driver's observation "
				    "channel (fd 3); the program was stopped", CHANNEL_CAP >> 20);
		else
			strbuf_addf(&msg, "printed more than %llu KiB; the program was stopped",
				    (unsigned long long)t->limits.output_kb);
		hint = "";
		break;
	case SANDBOX_MEMORY_LIMIT: /* only with limits.rss_kb, which the memory check's runs set */
		tr->status = ST_MEMORY;
		strbuf_addf(&msg, "used more than %llu KiB of memory (peak %ld KiB)",
			    (unsigned long long)t->limits.memory_kb, res->peak_kb);
		hint = "";
		break;
	case SANDBOX_SIGNALED:
		if (memory_suspect(sub, t)) {
			tr->status = ST_MEMORY;
			strbuf_addf(&msg, "ran out of memory (peak %ld KiB, limit %llu KiB)",
				    res->peak_kb, (unsigned long long)t->limits.memory_kb);
		} else {
			tr->status = ST_CRASHED;
			crash_text(t->name, res->term_signal, sub->crash, &msg);
			if (res->term_signal == SIGSEGV && res->layers & SANDBOX_LAYER_IA32_ABSENT &&
			    !(sub->crash && sub->crash->stack_overflow))
				strbuf_addstr(&msg, "; a 32-bit system call (int 0x80) ends the "
					      "same way here: this kernel has no IA32 emulation, so "
					      "such calls are impossible");
		}
		break;
	case SANDBOX_EXITED:
		if (!sub->obs.ended && memory_suspect(sub, t)) {
			tr->status = ST_MEMORY;
			strbuf_addf(&msg, "ran out of memory (peak %ld KiB, limit %llu KiB)",
				    res->peak_kb, (unsigned long long)t->limits.memory_kb);
		} else if (!sub->obs.ended) {
			tr->status = ST_FAILED;
			strbuf_addf(&msg, "the program ended (exit status %d) before the test "
				    "finished: exit(), _exit() or a return from a constructor in "
				    "your code ends the whole test", res->exit_code);
		} else if (sub->obs.fail) {
			tr->status = ST_FAILED;
			strbuf_addstr(&msg, "the driver found your data structure inconsistent: ");
			strbuf_add_visible(&msg, sub->obs.fail, strlen(sub->obs.fail), 300);
		} else if (!obs_equal(&ref->obs, &sub->obs, &msg)) {
			tr->status = ST_FAILED;
		} else if (!files_equal(t, ref, sub, &msg)) {
			tr->status = ST_FAILED;
		} else if (t->scaling.on && t->scaling.memory_factor > 0 &&
			   (double)res->peak_kb >
				   (double)t->scaling.memory_floor_kb +
					   t->scaling.memory_factor * (double)ref->res.peak_kb) {
			tr->status = ST_MEMORY;
			strbuf_addf(&msg, "peak memory %ld KiB is more than %gx the reference's "
				    "%ld KiB (plus %llu KiB)", res->peak_kb,
				    t->scaling.memory_factor, ref->res.peak_kb,
				    (unsigned long long)t->scaling.memory_floor_kb);
		} else {
			tr->status = ST_PASSED;
		}
		break;
	}
	/*
	 * A hint must fit the status. A scaling test's hint is about
	 * complexity: it goes with running out of time or memory, nothing
	 * else (a wrong result there is explained once every test has run).
	 * Elsewhere a wrong result or a crash gets the test's hint (the crash
	 * may be the very mistake the test targets), a timeout or memory none.
	 */
	if (t->scaling.on) {
		if (tr->status != ST_TIMEOUT && tr->status != ST_MEMORY)
			hint = "";
	} else if (tr->status != ST_FAILED && tr->status != ST_CRASHED) {
		hint = "";
	}
	free(tr->message);
	free(tr->hint);
	tr->message = strbuf_detach(&msg);
	tr->hint = xstrdup(hint);
}

static void keep_output(const struct run *sub, struct test_report *tr)
{
	struct strbuf sb = STRBUF_INIT;
	const struct sandbox_result *res = &sub->res;

	strbuf_add(&sb, res->out.data, res->out.len < OUTPUT_SHOWN ? res->out.len : OUTPUT_SHOWN);
	if (res->out.len > OUTPUT_SHOWN || res->out.truncated)
		strbuf_addstr(&sb, "\n[stdout cut]\n");
	strbuf_add(&sb, res->err.data, res->err.len < OUTPUT_SHOWN ? res->err.len : OUTPUT_SHOWN);
	if (res->err.len > OUTPUT_SHOWN || res->err.truncated)
		strbuf_addstr(&sb, "\n[stderr cut]\n");
	free(tr->output);
	tr->output = strbuf_detach(&sb);
}

/*
 * The verdict of a run with an allocation failing: not compared with the
 * reference (whose allocations differ); it must end normally, with the
 * driver finding the structure consistent. msg says what happened instead.
 */
static enum test_status injected_verdict(const struct test *t, const struct run *plain,
					 const struct run *r, struct strbuf *msg)
{
	struct test_report tmp = { 0 };
	enum test_status st;

	if (r->res.outcome == SANDBOX_SIGNALED) {
		crash_text(t->name, r->res.term_signal, r->crash, msg);
		return ST_CRASHED;
	}
	if (r->res.outcome != SANDBOX_EXITED) {
		judge(t, plain, r, &tmp);
		st = tmp.status;
		strbuf_addstr(msg, tmp.message);
		free(tmp.message);
		free(tmp.hint);
		return st;
	}
	if (!r->obs.ended) {
		strbuf_addf(msg, "ended (exit status %d) before the test finished",
			    r->res.exit_code);
		return ST_FAILED;
	}
	if (r->obs.fail) {
		strbuf_addstr(msg, "left the structure inconsistent: ");
		strbuf_add_visible(msg, r->obs.fail, strlen(r->obs.fail), 300);
		return ST_FAILED;
	}
	return ST_PASSED;
}

/*
 * Failure injection: the submission runs once per allocation, the kth one
 * failing, and the first k that goes wrong is the answer. The runs are
 * independent, so up to jc->jobs threads take the next k in turn: every
 * k below the first failure found has been taken, and is waited for, so
 * the answer is the one a run after run in order gives.
 */
/*
 * Starts a thread of the grader's own: every signal blocked in it, so that
 * signals go to the main thread, whose handler kills the sandboxes.
 * 0, or pthread_create's error (the caller then does the work itself).
 */
static int start_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int ret;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

struct injector {
	struct job_ctx *jc;
	const struct test *t;
	const struct run *plain;
	pthread_mutex_t lock;
	uint64_t next, n;
	uint64_t first;          /* the first k that failed; n + 1 while none has */
	enum test_status status; /* ... its verdict, message and run */
	struct strbuf msg;
	struct run failed;
	int ret;                 /* a grader failure */
	struct strbuf err;
};

static void *inject_main(void *arg)
{
	struct injector *in = arg;

	for (;;) {
		struct strbuf msg = STRBUF_INIT, err = STRBUF_INIT;
		enum test_status st = ST_PASSED;
		char control[32];
		struct run r;
		uint64_t k;
		int ret;

		pthread_mutex_lock(&in->lock);
		k = in->next++;
		if (in->ret || k > in->n || k > in->first) {
			pthread_mutex_unlock(&in->lock);
			return NULL;
		}
		pthread_mutex_unlock(&in->lock);
		snprintf(control, sizeof(control), "fail-alloc=%llu", (unsigned long long)k);
		ret = run_program(in->jc, in->t, in->jc->sub_exe, control,
				  (double)in->t->limits.cpu_ms, &in->t->limits, NULL, &r, &err);
		if (!ret) {
			strbuf_addf(&msg, "when allocation %llu of %llu returned NULL, the program ",
				    (unsigned long long)k, (unsigned long long)in->plain->obs.allocs);
			st = injected_verdict(in->t, in->plain, &r, &msg);
		}
		pthread_mutex_lock(&in->lock);
		if (ret && !in->ret) {
			in->ret = ret;
			strbuf_addstr(&in->err, strbuf_str(&err));
		} else if (!ret && st != ST_PASSED && k < in->first) {
			if (in->first <= in->n)
				run_release(&in->failed);
			in->first = k;
			in->status = st;
			strbuf_reset(&in->msg);
			strbuf_addstr(&in->msg, strbuf_str(&msg));
			in->failed = r;
			r.have = false; /* in->failed owns it now */
		}
		pthread_mutex_unlock(&in->lock);
		if (!ret)
			run_release(&r);
		strbuf_release(&msg);
		strbuf_release(&err);
	}
}

/* One run of a series in one process (grader_alloc.h, ga_main). */
struct iteration {
	long k;          /* 0: a run with no failure */
	bool complete;   /* its "!iter-end" came */
	struct obs obs;
};

/*
 * Splits the channel of a fail-allocs run into its runs, at most max; the
 * lines are parsed in place. Returns how many there are.
 */
static size_t split_iterations(char *data, size_t len, struct iteration *it, size_t max)
{
	size_t n = 0, i = 0, start = 0;
	bool open = false;

	while (i < len) {
		char *line = data + i, *nl = memchr(line, '\n', len - i);
		size_t ll;

		if (!nl)
			break;
		ll = (size_t)(nl - line);
		if (ll > 6 && !strncmp(line, "!iter ", 6) && !open && n < max) {
			char num[24], *end;

			if (ll - 6 >= sizeof(num))
				break;
			memcpy(num, line + 6, ll - 6);
			num[ll - 6] = '\0';
			it[n].k = strtol(num, &end, 10);
			if (*end)
				break;
			it[n].complete = false;
			open = true;
			start = i + ll + 1;
		} else if (ll == 9 && !strncmp(line, "!iter-end", 9) && open) {
			obs_parse(data + start, i - start, &it[n].obs);
			it[n++].complete = true;
			open = false;
		} else if (!open) {
			break; /* "end", "!iter-abandon", or what no driver writes */
		}
		i += ll + 1;
	}
	if (open && n < max) /* cut short: by a crash, a limit, an exit */
		obs_parse(data + start, i - start, &it[n++].obs);
	return n;
}

/* The plain run again, in the series' process: the same lines and allocations? */
static bool same_as_plain(const struct iteration *it, const struct run *plain)
{
	struct strbuf ignored = STRBUF_INIT;
	bool same = it->k == 0 && it->complete && !it->obs.fail && it->obs.has_allocs &&
		    it->obs.allocs == plain->obs.allocs && obs_equal(&plain->obs, &it->obs, &ignored);

	strbuf_release(&ignored);
	return same;
}

/*
 * The whole series in one process (ga_main): k = 1..n, after two runs with
 * no failure that must give what the plain run gave. *from receives the
 * first k that did not pass there (n + 1 when all did); from there on, each
 * k runs in a process of its own. Its CPU limit: the test's own once, plus
 * a few times the plain run's for each run of the series.
 */
static int inject_in_process(struct job_ctx *jc, const struct test *t, const struct run *plain,
			     uint64_t n, uint64_t *from, struct strbuf *err)
{
	double each = plain->res.cpu_ms > 1.0 ? plain->res.cpu_ms : 1.0;
	double limit = (double)t->limits.cpu_ms + 4.0 * each * (double)(n + 2);
	struct iteration *it;
	char control[48];
	struct run r;
	size_t got, i;
	int ret;

	*from = 1;
	if (limit > (double)t->limits.cpu_ms * (double)(n + 2))
		limit = (double)t->limits.cpu_ms * (double)(n + 2);
	snprintf(control, sizeof(control), "fail-allocs=1-%llu", (unsigned long long)n);
	ret = run_program(jc, t, jc->sub_exe, control, limit, &t->limits, NULL, &r, err);
	if (ret)
		return ret;
	/* run_program's obs_parse cut the channel at its newlines: put them back. */
	for (i = 0; i < r.res.channel.len; i++)
		if (!r.res.channel.data[i])
			r.res.channel.data[i] = '\n';
	obs_release(&r.obs);
	it = xcalloc(n + 2, sizeof(*it));
	got = split_iterations(r.res.channel.data, r.res.channel.len, it, n + 2);
	if (got >= 2 && same_as_plain(&it[0], plain) && same_as_plain(&it[1], plain)) {
		for (i = 2; i < got; i++) {
			if (it[i].k != (long)(i - 1) || !it[i].complete || it[i].obs.fail)
				break;
			*from = (uint64_t)it[i].k + 1;
		}
	}
	for (i = 0; i < got; i++)
		obs_release(&it[i].obs);
	free(it);
	run_release(&r);
	return 0;
}

/* Below this many allocations, a process per k costs less than the series' two extra runs. */
#define SERIES_MIN 4

static int inject(struct job_ctx *jc, const struct test *t, const struct run *plain,
		  struct test_report *tr, struct strbuf *err)
{
	struct injector in = { .jc = jc, .t = t, .plain = plain, .next = 1,
			       .msg = STRBUF_INIT, .err = STRBUF_INIT };
	pthread_t threads[16];
	int i, n = 0;

	in.n = plain->obs.allocs < MAX_INJECTIONS ? plain->obs.allocs : MAX_INJECTIONS;
	in.first = in.n + 1;
	if (in.n >= SERIES_MIN) {
		int ret = inject_in_process(jc, t, plain, in.n, &in.next, err);

		if (ret)
			return ret;
	}
	pthread_mutex_init(&in.lock, NULL);
	for (i = 1; i < jc->jobs && in.next + (uint64_t)i <= in.n && i < (int)ARRAY_SIZE(threads);
	     i++)
		if (start_thread(&threads[n], inject_main, &in) == 0)
			n++;
	inject_main(&in);
	for (i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&in.lock);
	if (in.ret) {
		strbuf_addstr(err, strbuf_str(&in.err));
	} else if (in.first <= in.n) {
		/* What a run in order reports: the runs up to the first failure. */
		tr->injections = (int)in.first;
		tr->status = in.status;
		free(tr->message);
		free(tr->hint);
		tr->message = strbuf_detach(&in.msg);
		tr->hint = xstrdup(t->inject_hint);
		if (tr->status == ST_CRASHED) {
			crash_info_free(tr->crash);
			tr->crash = in.failed.crash;
			in.failed.crash = NULL;
		}
		keep_output(&in.failed, tr);
		run_release(&in.failed);
	} else {
		tr->injections = (int)in.n;
	}
	strbuf_release(&in.msg);
	strbuf_release(&in.err);
	return in.ret;
}

/*
 * The reference is trusted: it never runs under a learner's limits, only
 * under a safety cap of its own, so that a slow machine shows up as too
 * little headroom (check_headroom) rather than as a broken reference.
 * The file size limit is part of what some tests check (a save that must
 * fail cleanly), so it stays the learner's.
 */
static struct limits reference_limits(const struct test *t)
{
	struct limits l = t->limits;

	l.cpu_ms *= REF_CAP_FACTOR;
	l.wall_ms *= REF_CAP_FACTOR;
	l.memory_kb *= REF_CAP_FACTOR;
	l.output_kb *= REF_CAP_FACTOR;
	return l;
}

static int run_reference(struct job_ctx *jc, const struct test *t, struct run *out,
			 struct strbuf *err)
{
	struct limits l = reference_limits(t);

	return run_program(jc, t, jc->ref_exe, "-", (double)l.cpu_ms, &l, NULL, out, err);
}

/* The reference's run of a scaling test, beside the submission's. */
struct ref_job {
	struct job_ctx *jc;
	const struct test *t;
	double yard;           /* the slowest of the reference's earlier readings; 0: none */
	struct run run;
	atomic_uint_least64_t cap;
	struct strbuf err;
	int ret;
};

static double scaled_limit(const struct test *t, double ref_cpu)
{
	double limit = t->scaling.factor * ref_cpu;

	return limit < (double)t->scaling.floor_ms ? (double)t->scaling.floor_ms : limit;
}

static bool reference_ok(const struct run *ref)
{
	return ref->res.outcome == SANDBOX_EXITED && ref->obs.ended && !ref->obs.fail;
}

/* The yardstick after a reading: the slowest of the reference's runs that passed. */
static double slowest(double yard, const struct run *ref)
{
	return reference_ok(ref) && ref->res.cpu_ms > yard ? ref->res.cpu_ms : yard;
}

static void *ref_main(void *arg)
{
	struct ref_job *rj = arg;
	double limit;

	rj->ret = run_reference(rj->jc, rj->t, &rj->run, &rj->err);
	/* The submission's limit is known now; it applies at once. */
	limit = scaled_limit(rj->t, slowest(rj->yard, &rj->run));
	atomic_store(&rj->cap, rj->ret ? (uint64_t)1 : (uint64_t)(limit + 0.5));
	return NULL;
}

/*
 * A scaling test's reference and submission, at once on two cores, so that
 * the yardstick is read under the same load as what it measures: the
 * submission's CPU limit, a multiple of the slowest reading (yard, and the
 * reference's run now), is set the moment the reference ends. Until then
 * the submission runs under a backstop no scaled limit can exceed.
 */
static int run_beside(struct job_ctx *jc, const struct test *t, double yard, struct run *ref,
		      struct run *sub, struct strbuf *err)
{
	struct ref_job rj = { .jc = jc, .t = t, .yard = yard, .err = STRBUF_INIT };
	double backstop = scaled_limit(t, (double)(t->limits.cpu_ms * REF_CAP_FACTOR));
	pthread_t th;
	int ret;

	atomic_init(&rj.cap, 0);
	if (start_thread(&th, ref_main, &rj)) {
		ref_main(&rj);
		ret = run_program(jc, t, jc->sub_exe, "-", backstop, &t->limits, &rj.cap, sub, err);
	} else {
		ret = run_program(jc, t, jc->sub_exe, "-", backstop, &t->limits, &rj.cap, sub, err);
		pthread_join(th, NULL);
	}
	*ref = rj.run;
	if (!ret && rj.ret) {
		ret = rj.ret;
		strbuf_addstr(err, strbuf_str(&rj.err));
	}
	strbuf_release(&rj.err);
	return ret;
}

/* A scaling test's submission over its CPU limit (it may end before it is stopped). */
static bool over_limit(struct run *sub, double limit)
{
	if (sub->res.outcome == SANDBOX_EXITED && sub->res.cpu_ms > limit)
		sub->res.outcome = SANDBOX_CPU_LIMIT;
	return sub->res.outcome == SANDBOX_CPU_LIMIT;
}

/*
 * One noisy run of the reference must not decide a timeout: both programs
 * run again, side by side, the limit follows the slowest of the
 * reference's runs, and the first run of the submission that fits passes.
 */
static int recheck_timeout(struct job_ctx *jc, const struct test *t, struct run *sub,
			   double *yard, int *runs, double *limit, struct strbuf *err)
{
	int ret = 0, k;

	for (k = 0; !ret && k < RECHECKS && over_limit(sub, *limit); k++) {
		struct run again, retry;

		ret = run_beside(jc, t, *yard, &again, &retry, err);
		*yard = slowest(*yard, &again);
		run_release(&again);
		if (ret) {
			run_release(&retry);
			break;
		}
		(*runs)++;
		*limit = scaled_limit(t, *yard);
		run_release(sub);
		*sub = retry;
	}
	return ret;
}

/* A run of a known mistake: what matching compares, under the test's limits. */
static int run_mistake(struct job_ctx *jc, const struct test *t, size_t i, struct run *out,
		       struct strbuf *err)
{
	return run_program(jc, t, jc->mistakes[i].exe, "-", (double)t->limits.cpu_ms,
			   &t->limits, NULL, out, err);
}

/* What keys a shared run of program (NULL: the reference) on test t. */
static struct ref_key_parts ref_parts(const struct job_ctx *jc, const struct test *t,
				      const char *program)
{
	struct ref_key_parts p = {
		.exercise = jc->ex->id,
		.spec_hash = jc->ex->hash,
		.driver_hash = jc->g->builder.driver_hash,
		.compiler = jc->g->builder.cc_version,
		.seed = jc->o->seed,
		.test = t->name,
		.program = program,
	};

	return p;
}

/*
 * A run of the reference (mistake < 0) or of a known mistake on a test
 * that times nothing: shared through o->refs, when the caller keeps one,
 * by every submission graded with the same exercise, seed, compiler and
 * grader (ref-cache.h). Only a run that ended as it should is shared:
 * the reference passing, a mistake exiting.
 */
static int shared_run(struct job_ctx *jc, const struct test *t, long mistake, struct run *out,
		      struct strbuf *err)
{
	struct ref_cache *rc = jc->o->refs;
	struct ref_key_parts parts =
		ref_parts(jc, t, mistake < 0 ? NULL : jc->ex->mistakes[mistake].name);
	struct ref_run shared = { &out->res, &out->obs, &out->files, &out->present, t->nfiles };
	bool keep;
	int ret;

	memset(out, 0, sizeof(*out));
	if (rc) {
		if (ref_cache_get(rc, &parts, &shared)) {
			out->have = true;
			out->cpu_limit = mistake < 0 ? (double)reference_limits(t).cpu_ms
						     : (double)t->limits.cpu_ms;
			return 0;
		}
	}
	if (mistake < 0)
		ret = run_reference(jc, t, out, err);
	else
		ret = run_mistake(jc, t, (size_t)mistake, out, err);
	if (!rc)
		return ret;
	keep = !ret && (mistake < 0 ? reference_ok(out) : out->res.outcome == SANDBOX_EXITED);
	if (keep)
		ref_cache_put(rc, &parts, &shared);
	else
		ref_cache_drop(rc, &parts);
	return ret;
}

/* Runs the reference and the submission; a scaling test's side by side (run_beside). */
static int run_pair(struct job_ctx *jc, const struct test *t, struct run *ref,
		    struct run *sub, double *limit, struct strbuf *err)
{
	double yard;
	int runs = 1;
	int ret;

	*limit = (double)t->limits.cpu_ms;
	if (!t->scaling.on) {
		ret = shared_run(jc, t, -1, ref, err);
		if (!ret && reference_ok(ref))
			ret = run_program(jc, t, jc->sub_exe, "-", *limit, &t->limits, NULL, sub,
					  err);
		return ret;
	}
	ret = run_beside(jc, t, 0, ref, sub, err);
	if (ret || !reference_ok(ref))
		return ret;
	yard = ref->res.cpu_ms;
	*limit = scaled_limit(t, yard);
	ret = recheck_timeout(jc, t, sub, &yard, &runs, limit, err);
	if (ret)
		return ret;
	over_limit(sub, *limit);
	sub->cpu_limit = *limit;
	sub->ref_ms = yard;
	sub->ref_runs = runs;
	return 0;
}

/*
 * Each of the reference's readings must fit GRADER_HEADROOM times under the
 * learner's limit, as enforced, or a slower machine would fail correct
 * code: then the exercise is not sound here.
 */
static int check_headroom(const struct exercise *ex, const struct test *t,
			  const struct run *ref, struct strbuf *err)
{
	const struct {
		const char *what, *unit;
		double used, limit;
	} m[] = {
		{ "CPU time", "ms", ref->res.cpu_ms, (double)t->limits.cpu_ms },
		{ "wall-clock time", "ms", ref->res.wall_ms,
		  (double)run_wall_ms(t->limits.cpu_ms, t->limits.wall_ms) },
		{ "memory", "KiB", (double)ref->res.peak_kb, (double)t->limits.memory_kb },
		{ "output", "bytes", (double)(ref->res.out.len + ref->res.err.len),
		  (double)t->limits.output_kb * 1024 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(m); i++) {
		if (m[i].used * GRADER_HEADROOM <= m[i].limit)
			continue;
		strbuf_addf(err, "the reference solution of '%s' leaves too little headroom in "
			    "test '%s': %s %.0f %s of the %.0f %s limit (%.1fx, at least %dx "
			    "needed): the exercise is not sound on this machine",
			    ex->id, t->name, m[i].what, m[i].used, m[i].unit, m[i].limit,
			    m[i].unit, m[i].used > 0 ? m[i].limit / m[i].used : 0.0, GRADER_HEADROOM);
		return -EPROTO;
	}
	return 0;
}

static int build_mistakes(struct job_ctx *jc, struct strbuf *err)
{
	int ret = 0;
	size_t i;

	pthread_mutex_lock(&jc->mistakes_lock);
	if (!jc->mistakes_built) {
		if (!jc->mistakes)
			jc->mistakes = xcalloc(jc->ex->nmistakes + 1, sizeof(struct build));
		for (i = 0; !ret && i < jc->ex->nmistakes; i++) {
			if (jc->mistakes[i].exe)
				continue; /* built before another one failed */
			build_release(&jc->mistakes[i]);
			ret = build_mistake(&jc->g->builder, jc->ex, i, &jc->mistakes[i], err);
		}
		jc->mistakes_built = !ret;
	}
	pthread_mutex_unlock(&jc->mistakes_lock);
	return ret;
}

/*
 * matched: the test where the mistake gave exactly the submission's
 * result; another test's name when the match is carried here (then only
 * that is claimed: the mistake breaks this test too, its result here was
 * not compared).
 */
static void give_mistake_hint(const struct exercise *ex, size_t i, const char *matched,
			      struct test_report *tr)
{
	struct strbuf msg = STRBUF_INIT;

	if (!strcmp(matched, tr->name))
		strbuf_addf(&msg, "%s\nyour result is exactly what the known mistake '%s' gives",
			    tr->message, ex->mistakes[i].name);
	else
		strbuf_addf(&msg, "%s\nin test '%s' your result is exactly what the known "
			    "mistake '%s' gives, and that mistake breaks this test too",
			    tr->message, matched, ex->mistakes[i].name);
	free(tr->message);
	tr->message = strbuf_detach(&msg);
	free(tr->hint);
	tr->hint = xstrdup(ex->mistakes[i].hint);
}

/*
 * Whether two runs left the same files: byte for byte, or, for a json
 * file, the same document. (files_equal judges against the reference's,
 * always valid, file; two broken files alike are alike here.)
 */
static bool files_alike(const struct test *t, const struct run *a, const struct run *b)
{
	size_t i;

	for (i = 0; i < t->nfiles; i++) {
		const struct strbuf *x = &a->files[i], *y = &b->files[i];
		struct strbuf ignored = STRBUF_INIT;
		bool same;

		if (a->present[i] != b->present[i])
			return false;
		if (!a->present[i] || (x->len == y->len && !memcmp(x->buf, y->buf, x->len)))
			continue;
		same = t->files[i].json && json_equal(x->buf, x->len, y->buf, y->len, &ignored);
		strbuf_release(&ignored);
		if (!same)
			return false;
	}
	return true;
}

/*
 * Whether the known mistake's run m failed test t exactly as the
 * submission's run sub did: the same observations, the same verdict of
 * the driver's own checks (!fail) and the same files. Only a mistake the
 * spec says breaks t is asked: any other gives the reference's result
 * there ('grader verify' checks both), which a failed test cannot have,
 * though its observations alone can (a test failed on its file or on a
 * !fail line once matched any such mistake).
 */
static bool fails_alike(const struct test *t, const struct run *m, const struct run *sub)
{
	struct strbuf ignored = STRBUF_INIT;
	bool same = m->res.outcome == SANDBOX_EXITED && m->obs.ended &&
		    obs_equal(&m->obs, &sub->obs, &ignored) &&
		    !m->obs.fail == !sub->obs.fail &&
		    (!m->obs.fail || !strcmp(m->obs.fail, sub->obs.fail)) &&
		    (!t->nfiles || (m->files && sub->files && files_alike(t, m, sub)));

	strbuf_release(&ignored);
	return same;
}

/*
 * A failed test (never a scaling one: too dear): does a known mistake that
 * breaks it fail it exactly so (fails_alike)? Then its hint, which names
 * that mistake, replaces the test's general one. Returns the mistake's
 * index in *found.
 */
static int match_mistake(struct job_ctx *jc, size_t idx, long *found, struct strbuf *err)
{
	const struct exercise *ex = jc->ex;
	const struct test *t = &ex->tests[idx];
	const struct run *sub = &jc->subs[idx];
	size_t i;
	int ret;

	*found = -1;
	ret = build_mistakes(jc, err);
	/*
	 * Each mistake runs at most once on each test: a test is matched once,
	 * and a batch shares the runs (shared_run).
	 */
	for (i = 0; !ret && i < ex->nmistakes; i++) {
		struct run m;
		bool same;

		if (!mistake_breaks(&ex->mistakes[i], idx))
			continue;
		ret = shared_run(jc, t, (long)i, &m, err);
		if (ret)
			break;
		same = fails_alike(t, &m, sub);
		run_release(&m);
		if (same) {
			give_mistake_hint(ex, i, t->name, &jc->r->tests[idx]);
			*found = (long)i;
			break;
		}
	}
	return ret;
}

/*
 * A mistake matched on a small test explains the other failed tests it is
 * known to break, the large ones included, without running it again.
 */
static void carry_mistake(struct job_ctx *jc, size_t i, size_t matched, char *explained)
{
	const struct exercise *ex = jc->ex;
	size_t j;

	for (j = 0; j < ex->ntests; j++) {
		/* A failure under allocation injection keeps its own hint. */
		if (explained[j] || jc->r->tests[j].status != ST_FAILED || !jc->subs[j].have ||
		    !mistake_breaks(&ex->mistakes[i], j))
			continue;
		give_mistake_hint(ex, i, ex->tests[matched].name, &jc->r->tests[j]);
		explained[j] = 1;
	}
}

/*
 * Known mistakes for the failed tests, in spec order: the order is
 * deterministic (it decides which hints are carried) and lists the small
 * tests first; scaling tests are never run against the mistakes.
 */
static int match_mistakes(struct job_ctx *jc, struct strbuf *err)
{
	const struct exercise *ex = jc->ex;
	char *explained = xcalloc(ex->ntests + 1, 1);
	size_t k;
	int ret = 0;

	for (k = 0; !ret && k < ex->ntests && ex->nmistakes; k++) {
		long found;

		if (explained[k] || jc->r->tests[k].status != ST_FAILED || !jc->subs[k].have ||
		    ex->tests[k].scaling.on)
			continue;
		ret = match_mistake(jc, k, &found, err);
		if (!ret && found >= 0) {
			explained[k] = 1;
			carry_mistake(jc, (size_t)found, k, explained);
		}
	}
	free(explained);
	return ret;
}

/*
 * A scaling test with a wrong result: the complexity hint does not apply.
 * When every smaller test passed, the code is right in general and
 * something only a large input exercises is not.
 */
static void explain_wrong_at_scale(struct job_ctx *jc, size_t idx)
{
	const struct exercise *ex = jc->ex;
	struct test_report *tr = &jc->r->tests[idx];
	struct strbuf msg = STRBUF_INIT;
	size_t k;

	if (!ex->tests[idx].scaling.on || tr->status != ST_FAILED)
		return;
	for (k = 0; k < ex->ntests; k++)
		if (!ex->tests[k].scaling.on && jc->r->tests[k].status != ST_PASSED)
			break;
	if (k < ex->ntests) {
		/*
		 * Smaller tests fail too: this one most likely fails for their
		 * reason, and its complexity hint does not apply. (A known
		 * mistake carried here later says more.)
		 */
		if (*tr->hint)
			return;
		free(tr->hint);
		strbuf_addf(&msg, "Smaller tests fail too, the first of them '%s': fix those "
			    "first, this large one most likely fails for the same reason (its "
			    "inputs are the same kind, only more).", jc->r->tests[k].name);
		tr->hint = strbuf_detach(&msg);
		return;
	}
	strbuf_addf(&msg, "every smaller test passes, but at this size the result is wrong: "
		    "%s", tr->message);
	free(tr->message);
	tr->message = strbuf_detach(&msg);
	free(tr->hint);
	tr->hint = xstrdup("Your code is right on small inputs and wrong on this large one, "
			   "so look for what only size brings out: many equal keys (is the "
			   "order of ties kept?), arithmetic that overflows on large values or "
			   "counts, a fixed-size buffer or table that fills up, recursion "
			   "that runs out of stack. The first difference above shows where "
			   "the results part.");
}

/* What every failed test's message and hint can say once all have run. */
static void explain_failures(struct job_ctx *jc)
{
	struct strbuf err = STRBUF_INIT;
	size_t k;
	int ret;

	for (k = 0; k < jc->ex->ntests; k++)
		explain_wrong_at_scale(jc, k);
	hint_aimed_mistake(jc);
	ret = match_mistakes(jc, &err);
	if (ret) {
		jc->error = ret;
		strbuf_addstr(&jc->error_msg, strbuf_str(&err));
	}
	strbuf_release(&err);
}

/*
 * The channels as read, for a replay to compare with: the submission's
 * copied before parsing; the reference's, maybe from the cache, parsed,
 * its newlines put back (a trusted driver writes no NUL).
 */
static void keep_channels(const struct run *ref, const struct run *sub, struct test_report *tr)
{
	size_t len = ref->res.channel.len < OBS_KEPT_MAX ? ref->res.channel.len : OBS_KEPT_MAX;
	size_t i;

	tr->observed_len = sub->raw.len;
	tr->observed = xmalloc(sub->raw.len + 1);
	memcpy(tr->observed, strbuf_str(&sub->raw), sub->raw.len);
	tr->observed[sub->raw.len] = '\0';
	tr->observed_cut = sub->res.channel.len > sub->raw.len;
	tr->expected_len = len;
	tr->expected = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		tr->expected[i] = ref->res.channel.data[i] ? ref->res.channel.data[i] : '\n';
	tr->expected[len] = '\0';
}

/*
 * A visible test that failed: the driver, linked with the reference, says
 * what the test's input was ("describe", grader_driver.h); a driver that
 * does not know how writes no "!input" line, and nothing is shown.
 */
static int describe_input(struct job_ctx *jc, const struct test *t, struct test_report *tr,
			  struct strbuf *err)
{
	struct limits l = reference_limits(t);
	struct strbuf sb = STRBUF_INIT;
	struct run d;
	size_t i;
	int ret = run_program(jc, t, jc->ref_exe, "describe", (double)l.cpu_ms, &l, NULL, &d, err);

	if (ret)
		return ret;
	if (d.res.channel.len >= 7 && !memcmp(d.res.channel.data, "!input", 7)) {
		for (i = 0; i < d.obs.n && i < INPUT_LINES; i++)
			strbuf_addf(&sb, "%s\n", d.obs.lines[i]);
		if (d.obs.n > INPUT_LINES)
			strbuf_addf(&sb, "... cut here: %zu more lines\n", d.obs.n - INPUT_LINES);
		free(tr->input);
		tr->input = strbuf_detach(&sb);
	}
	run_release(&d);
	return 0;
}

static int run_test(struct job_ctx *jc, size_t idx, struct strbuf *err)
{
	const struct exercise *ex = jc->ex;
	const struct test *t = &ex->tests[idx];
	struct test_report *tr = &jc->r->tests[idx];
	struct run ref = { 0 }, sub = { 0 };
	double limit;
	size_t i;
	int ret;

	for (i = 0; i < t->nrequires; i++) {
		const struct test_report *dep = &jc->r->tests[t->requires[i]];

		if (dep->status != ST_PASSED) {
			struct strbuf msg = STRBUF_INIT;

			strbuf_addf(&msg, "not run: it needs '%s' to pass first", dep->name);
			tr->status = ST_SKIPPED;
			tr->message = strbuf_detach(&msg);
			return 0;
		}
	}
	ret = run_pair(jc, t, &ref, &sub, &limit, err);
	if (ret)
		goto out;
	if (ref.res.outcome == SANDBOX_CPU_LIMIT || ref.res.outcome == SANDBOX_WALL_LIMIT) {
		strbuf_addf(err, "the reference solution of '%s' went past its own safety cap "
			    "in test '%s' (%s, %dx the learner's limit of %llu ms CPU, %llu ms "
			    "wall-clock), let alone %dx headroom: the exercise is not sound on "
			    "this machine", ex->id, t->name,
			    ref.res.outcome == SANDBOX_CPU_LIMIT ? "CPU time" : "wall-clock time",
			    REF_CAP_FACTOR, (unsigned long long)t->limits.cpu_ms,
			    (unsigned long long)t->limits.wall_ms, GRADER_HEADROOM);
		ret = -EPROTO;
		goto out;
	}
	if (!reference_ok(&ref)) {
		struct test_report tmp = { 0 };

		judge(t, &ref, &ref, &tmp);
		strbuf_addf(err, "the reference solution of '%s' fails test '%s' (%s%s%s): "
			    "the exercise is broken", ex->id, t->name,
			    test_status_name(tmp.status), *tmp.message ? ": " : "", tmp.message);
		free(tmp.message);
		free(tmp.hint);
		ret = -EPROTO;
		goto out;
	}
	ret = check_headroom(ex, t, &ref, err);
	if (ret)
		goto out;
	tr->reference_ms = t->scaling.on ? sub.ref_ms : ref.res.cpu_ms;
	tr->reference_runs = t->scaling.on ? sub.ref_runs : 1;
	tr->reference_wall_ms = ref.res.wall_ms;
	tr->reference_kb = ref.res.peak_kb;
	tr->reference_output = ref.res.out.len + ref.res.err.len;
	tr->limit_ms = limit;
	judge(t, &ref, &sub, tr);
	if (tr->status == ST_CRASHED) {
		crash_info_free(tr->crash);
		tr->crash = sub.crash;
		sub.crash = NULL;
	}
	if (t->visibility == VIS_VISIBLE && tr->status != ST_PASSED)
		ret = describe_input(jc, t, tr, err);
	if (jc->o->keep_channels)
		keep_channels(&ref, &sub, tr);
	tr->time_ms = sub.res.cpu_ms;
	tr->memory_kb = sub.res.peak_kb;
	keep_output(&sub, tr);
	/*
	 * Matched once every test has run: kept small, its observations only.
	 * Megabytes of them (a flood) match no known mistake on a small test.
	 */
	if (tr->status == ST_FAILED && sub.res.channel.len <= MATCH_KEEP_MAX) {
		free(sub.res.out.data);
		free(sub.res.err.data);
		sub.res.out.data = sub.res.err.data = NULL;
		jc->subs[idx] = sub;
		memset(&sub, 0, sizeof(sub));
	}
	if (!ret && tr->status == ST_PASSED && t->inject_alloc && sub.obs.has_allocs)
		ret = inject(jc, t, &sub, tr, err);
out:
	run_release(&ref);
	run_release(&sub);
	if (!ret)
		tr->score = tr->status == ST_PASSED ? t->points : 0;
	return ret;
}

/* The lowest test not started whose prerequisites are done; -1 if none is ready. */
static long next_ready(struct job_ctx *jc, bool *all_started)
{
	size_t i, j;

	*all_started = true;
	for (i = 0; i < jc->ex->ntests; i++) {
		const struct test *t = &jc->ex->tests[i];
		bool ready = true;

		if (jc->started[i])
			continue;
		*all_started = false;
		for (j = 0; j < t->nrequires; j++)
			if (!jc->done[t->requires[j]])
				ready = false;
		if (ready)
			return (long)i;
	}
	return -1;
}

static void *worker(void *arg)
{
	struct job_ctx *jc = arg;

	pthread_mutex_lock(&jc->lock);
	for (;;) {
		bool all_started;
		long i;
		int ret;
		struct strbuf err = STRBUF_INIT;

		if (jc->error)
			break;
		i = next_ready(jc, &all_started);
		if (i < 0) {
			if (all_started)
				break;
			pthread_cond_wait(&jc->cond, &jc->lock);
			continue;
		}
		jc->started[i] = 1;
		pthread_mutex_unlock(&jc->lock);
		ret = run_test(jc, (size_t)i, &err);
		pthread_mutex_lock(&jc->lock);
		jc->done[i] = 1;
		if (ret && !jc->error) {
			jc->error = ret;
			strbuf_addstr(&jc->error_msg, strbuf_str(&err));
		}
		strbuf_release(&err);
		pthread_cond_broadcast(&jc->cond);
	}
	pthread_cond_broadcast(&jc->cond);
	pthread_mutex_unlock(&jc->lock);
	return NULL;
}

/* Tests run at once: jobs, or 0 for one per online core; at least 1. */
static int effective_jobs(int jobs)
{
	if (jobs < 1)
		jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	return jobs < 1 ? 1 : jobs;
}

static int run_tests(struct job_ctx *jc, int jobs, struct strbuf *err)
{
	pthread_t threads[16];
	int n = 0, i;
	size_t k;

	jobs = effective_jobs(jobs);
	if (jobs > (int)ARRAY_SIZE(threads))
		jobs = (int)ARRAY_SIZE(threads);
	jc->jobs = jobs;
	if ((size_t)jobs > jc->ex->ntests)
		jobs = (int)jc->ex->ntests;
	pthread_mutex_init(&jc->lock, NULL);
	pthread_mutex_init(&jc->mistakes_lock, NULL);
	pthread_cond_init(&jc->cond, NULL);
	jc->started = xcalloc(jc->ex->ntests, 1);
	jc->done = xcalloc(jc->ex->ntests, 1);
	jc->subs = xcalloc(jc->ex->ntests, sizeof(struct run));
	/* Tests a partial run leaves out count as started and done. */
	for (k = 0; jc->o->sel && k < jc->ex->ntests; k++)
		if (!jc->o->sel->run[k])
			jc->started[k] = jc->done[k] = 1;
	for (i = 1; i < jobs; i++)
		if (start_thread(&threads[n], worker, jc) == 0)
			n++;
	worker(jc);
	for (i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	if (!jc->error)
		explain_failures(jc);
	pthread_cond_destroy(&jc->cond);
	pthread_mutex_destroy(&jc->lock);
	pthread_mutex_destroy(&jc->mistakes_lock);
	if (jc->mistakes) {
		for (k = 0; k < jc->ex->nmistakes; k++)
			build_release(&jc->mistakes[k]);
		free(jc->mistakes);
	}
	for (k = 0; k < jc->ex->ntests; k++)
		run_release(&jc->subs[k]);
	free(jc->subs);
	free(jc->started);
	free(jc->done);
	if (jc->error)
		strbuf_addstr(err, strbuf_str(&jc->error_msg));
	return jc->error;
}

static void fill_receipt(struct grader *g, const struct exercise *ex, struct report *r)
{
	unsigned layers = sandbox_layers(g->sb, SANDBOX_RUN), bit;
	char stamp[32], hex[65];
	uint64_t id[2] = { random_u64(), random_u64() };
	struct strbuf sb = STRBUF_INIT;

	r->exercise = xstrdup(ex->id);
	r->title = xstrdup(ex->title);
	r->max_score = ex->max_score;
	r->spec_hash = xstrdup(ex->hash);
	r->compiler = xstrdup(g->builder.cc_version);
	r->limits = ex->limits;
	format_utc(stamp, sizeof(stamp), (long long)time(NULL));
	r->timestamp = xstrdup(stamp);
	hex_encode((const unsigned char *)id, sizeof(id), hex);
	/* A UUID-shaped random id (version 4 bits set). */
	hex[12] = '4';
	hex[16] = "89ab"[hex[16] % 4];
	strbuf_addf(&sb, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
	r->delivery_id = strbuf_detach(&sb);
	r->layers = xcalloc(SANDBOX_LAYER_COUNT, sizeof(char *));
	for (bit = 0; bit < SANDBOX_LAYER_COUNT; bit++)
		if (layers & (1u << bit))
			r->layers[r->nlayers++] = xstrdup(sandbox_layer_name(1u << bit));
}

/*
 * The libraries a dynamic program of this exercise may need: the reference
 * program's, and the math library, which every build links (-lm, as
 * needed: the reference may not use it, a submission may).
 */
static int trusted_needs(const char *ref_exe, struct elf_needs *needs, struct strbuf *err)
{
	int ret = elf_needs_of(ref_exe, needs, err);

	if (!ret && needs->interp)
		elf_needs_add(needs, "libm.so.6"); /* glibc's; absent elsewhere */
	return ret;
}

/*
 * What a run of this exercise may see of the host: for a dynamic exercise,
 * the loader and the libraries of trusted_needs; for a static one,
 * nothing. The strings stay owned by needs.
 */
static int program_view(const struct exercise *ex, const char *ref_exe,
			struct elf_needs *needs, struct sandbox_path **paths, size_t *n,
			struct strbuf *err)
{
	size_t i;
	int ret;

	*paths = NULL;
	*n = 0;
	ret = trusted_needs(ref_exe, needs, err);
	if (ret)
		return ret;
	if (ex->static_link != !needs->interp) {
		strbuf_addf(err, "the reference program of '%s' is %s, but the exercise says "
			    "it links %s", ex->id, needs->interp ? "dynamic" : "static",
			    ex->static_link ? "statically" : "dynamically");
		return -EPROTO;
	}
	if (!needs->interp)
		return 0;
	*paths = xcalloc(needs->nlibs + 1, sizeof(**paths));
	(*paths)[(*n)++] = (struct sandbox_path){ needs->interp, SANDBOX_READ | SANDBOX_EXEC };
	for (i = 0; i < needs->nlibs; i++)
		(*paths)[(*n)++] = (struct sandbox_path){ needs->libs[i], SANDBOX_READ };
	return 0;
}

/* Appends what a later build said to the report's compiler output, under a title. */
static void append_compile_output(struct report *r, const char *title, const struct strbuf *what)
{
	struct strbuf out = STRBUF_INIT;

	strbuf_addf(&out, "%s%s[%s]\n%s", r->compile_output ? r->compile_output : "",
		    r->compile_output && *r->compile_output ? "\n" : "", title, what->buf);
	free(r->compile_output);
	r->compile_output = strbuf_detach(&out);
}

/*
 * The memory check. Each test that passed runs once more, with the
 * submission and the driver built with -fsanitize=address,undefined; an
 * error either sanitizer reports fails it (memory_error): a read past a
 * block that happened to hold the right value, a use after free, a signed
 * overflow whose result happened to be right. Not scaling tests (their
 * inputs are large and timed; the sanitizers slow a program 2-4x), nor
 * tests the spec exempts ("sanitize": false), nor with --no-sanitize.
 *
 * Only a report fails a test: the driver's hooks write "!sanitizer" on the
 * channel and the runtime ends the program with status 86. A rerun that
 * ends otherwise (a crash, a timeout, the memory cap) leaves the verdict
 * of the plain run: the sanitizers change the stack's and the heap's
 * layout, so a plain crash there is no memory error of their finding.
 * Except for what no layout or slowdown explains, while the plain run of
 * the same code ended well: the file size limit (SIGXFSZ) or a broken pipe
 * (SIGPIPE), and too much output. The sanitizers' report is what the
 * rerun writes and the plain run does not, and a program that pointed
 * stderr at a file past the size limit, or filled stderr to its cap,
 * ended the rerun the moment the report began, before its hook could
 * write (sanitizer_hidden). The submission can forge a report, which
 * fails only itself.
 */
#define SANITIZED_SLOWDOWN 4 /* the rerun's CPU limit: this many times the test's */
#define SANITIZER_EXIT 86    /* grader_driver.h's exitcode */

struct memory_check {
	struct job_ctx *jc;
	const char *exe;       /* the sanitized submission */
	size_t *todo;          /* indexes of the tests to rerun */
	size_t ntodo;
	size_t next;
	pthread_mutex_t lock;
};

static bool memory_check_wanted(const struct job_ctx *jc, size_t i)
{
	const struct test *t = &jc->ex->tests[i];

	return jc->r->tests[i].status == ST_PASSED && t->sanitize && !t->scaling.on;
}

/* What an ASan or UBSan kind means, in a learner's words; "" if unknown. */
static const char *sanitizer_meaning(const char *kind)
{
	static const struct {
		const char *kind, *meaning;
	} m[] = {
		{ "heap-buffer-overflow", "an access outside a block from malloc: an index "
					  "out of bounds, or a block too small" },
		{ "stack-buffer-overflow", "an access outside a local array: an index out of "
					   "bounds" },
		{ "global-buffer-overflow", "an access outside a global array: an index out "
					    "of bounds" },
		{ "heap-use-after-free", "a block used after it was freed" },
		{ "double-free", "a block freed twice" },
		{ "bad-free", "free() of a pointer malloc did not return" },
		{ "alloc-dealloc-mismatch", "a block freed by the wrong function" },
		{ "memcpy-param-overlap", "memcpy between overlapping blocks (memmove "
					  "handles that)" },
		{ "negative-size-param", "a negative size given to a memory function" },
		{ "stack-use-after-scope", "a local variable used after its block ended" },
		{ "signed-integer-overflow", "a signed integer overflow: the result does not "
					     "fit its type, which is undefined behaviour" },
		{ "integer-divide-by-zero", "a division by zero" },
		{ "shift-out-of-bounds", "a shift by a negative amount, by the type's width "
					 "or more, or of a negative value" },
		{ "null-pointer-use", "a NULL pointer used" },
		{ "misaligned-pointer-use", "a pointer used at an address its type may not "
					    "have" },
		{ "out-of-bounds-index", "an index out of an array's bounds" },
		{ "pointer-overflow", "pointer arithmetic that wrapped around" },
		{ "invalid-bool-load", "a bool that holds neither 0 nor 1: uninitialized?" },
		{ "invalid-enum-load", "an enum that holds none of its values: "
				       "uninitialized?" },
		{ "unreachable-call", "__builtin_unreachable() reached" },
		{ "missing-return", "a function ended without returning its value" },
		{ "vla-bound-not-positive", "a variable-length array of size zero or less" },
		{ "float-cast-overflow", "a floating-point value out of the range of the "
					 "integer type it was converted to" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(m); i++)
		if (!strcmp(kind, m[i].kind))
			return m[i].meaning;
	return "";
}

/*
 * A sanitizer's stack starts in its runtime (UBSan's report) or repeats
 * the faulting call (ASan's pc, then its frame's return): from the first
 * call in the submission, each once.
 */
static void trim_runtime_calls(struct crash_info *c)
{
	size_t skip = 0, i;

	while (skip < c->ncalls && !*c->calls[skip].file)
		skip++;
	if (skip == c->ncalls)
		return;
	if (skip + 1 < c->ncalls && crash_call_same(&c->calls[skip], &c->calls[skip + 1]))
		skip++;
	if (c->omitted && c->omitted_at <= skip)
		return; /* a deep recursion's gap: leave the chain as it is */
	for (i = 0; i < skip; i++) {
		free(c->calls[i].function);
		free(c->calls[i].file);
	}
	memmove(c->calls, c->calls + skip, (c->ncalls - skip) * sizeof(*c->calls));
	c->ncalls -= skip;
	if (c->omitted)
		c->omitted_at -= skip;
}

/*
 * "memory error (AddressSanitizer: heap-buffer-overflow, a read of 4
 * bytes) in lru_get (lru.c:57), called from test 'x'", the chain of calls
 * as for a crash, then what the kind means.
 */
static void memory_error_text(struct job_ctx *jc, const char *exe, const char *test,
			      const struct run *run, struct test_report *tr)
{
	char words[5][80] = { "", "", "", "", "" };
	struct strbuf msg = STRBUF_INIT;
	const char *line = run->obs.sanitizer ? run->obs.sanitizer : "";
	bool ubsan;
	size_t i;

	for (i = 0; i < 5 && *line; i++) {
		size_t n = strcspn(line, " ");

		snprintf(words[i], sizeof(words[i]), "%.*s", (int)(n < 79 ? n : 79), line);
		line += n;
		line += strspn(line, " ");
	}
	ubsan = !strcmp(words[0], "ubsan");
	if (run->obs.crash)
		tr->crash = located_crash(jc, exe, 0, ubsan ? "UBSAN" : "ASAN", run->obs.crash);
	if (tr->crash)
		trim_runtime_calls(tr->crash);
	strbuf_addf(&msg, "memory error (%s", ubsan ? "UndefinedBehaviorSanitizer"
						    : "AddressSanitizer");
	if (*words[1])
		strbuf_addf(&msg, ": %s", words[1]);
	if (!ubsan && (!strcmp(words[2], "read") || !strcmp(words[2], "write")))
		strbuf_addf(&msg, ", a %s of %s byte%s", words[2], words[3],
			    strcmp(words[3], "1") ? "s" : "");
	strbuf_addch(&msg, ')');
	if (tr->crash && tr->crash->ncalls) {
		struct strbuf chain = STRBUF_INIT;

		/* The chain as a crash has it, without the signal's line. */
		crash_chain_text(test, tr->crash, &chain);
		strbuf_addf(&msg, " in %s", chain.buf);
		strbuf_release(&chain);
	} else if (ubsan && *words[4] && strcmp(words[2], "0")) {
		const char *file = strrchr(words[4], '/') ? strrchr(words[4], '/') + 1 : words[4];

		strbuf_addf(&msg, " at %s:%s, in test '%s'", file, words[2], test);
	} else {
		strbuf_addf(&msg, " in test '%s'", test);
	}
	if (*sanitizer_meaning(words[1]))
		strbuf_addf(&msg, "\n%s", sanitizer_meaning(words[1]));
	strbuf_addstr(&msg, "\nThe test's results were right: the error went unnoticed by "
			    "luck, and may not on another machine.");
	if (tr->crash) {
		free(tr->crash->error);
		tr->crash->error = xstrdup(words[1]);
	}
	free(tr->message);
	tr->message = strbuf_detach(&msg);
}

/* What ended a rerun whose report may have been cut off (see above), or NULL. */
static const char *sanitizer_hidden(const struct run *run)
{
	if (run->res.outcome == SANDBOX_OUTPUT_LIMIT)
		return "printed more than the test allows";
	if (run->res.outcome == SANDBOX_SIGNALED && run->res.term_signal == SIGXFSZ)
		return "was killed by SIGXFSZ (a file past the size limit)";
	if (run->res.outcome == SANDBOX_SIGNALED && run->res.term_signal == SIGPIPE)
		return "was killed by SIGPIPE (a write to a closed pipe)";
	return NULL;
}

static int memory_check_one(struct memory_check *mc, size_t idx, struct strbuf *err)
{
	struct job_ctx *jc = mc->jc;
	const struct test *t = &jc->ex->tests[idx];
	struct test_report *tr = &jc->r->tests[idx];
	double limit = (tr->limit_ms > 0 ? tr->limit_ms : (double)t->limits.cpu_ms) *
		       SANITIZED_SLOWDOWN;
	struct limits lim = t->limits;
	struct run run = { 0 };
	const char *hidden;
	int ret;

	lim.wall_ms *= SANITIZED_SLOWDOWN;
	ret = run_program(jc, t, mc->exe, "-", limit, &lim, NULL, &run, err);
	if (ret)
		return ret;
	if (run.obs.sanitizer ||
	    (run.res.outcome == SANDBOX_EXITED && run.res.exit_code == SANITIZER_EXIT)) {
		tr->status = ST_MEMORY_ERROR;
		tr->score = 0;
		memory_error_text(jc, mc->exe, t->name, &run, tr);
		/* The test's hint is about wrong results; these were right. */
		free(tr->hint);
		tr->hint = xstrdup("");
	} else if ((hidden = sanitizer_hidden(&run))) {
		struct strbuf msg = STRBUF_INIT;

		tr->status = ST_MEMORY_ERROR;
		tr->score = 0;
		strbuf_addf(&msg, "not checked: under the memory checker (ASan, UBSan) the program "
			    "%s, which the plain run of the same code did not: that ends a "
			    "checker's report before it is made. Leave stderr and the standard "
			    "streams as they are", hidden);
		free(tr->message);
		tr->message = strbuf_detach(&msg);
		free(tr->hint);
		tr->hint = xstrdup("");
	}
	run_release(&run);
	return 0;
}

static void *memory_check_main(void *arg)
{
	struct memory_check *mc = arg;
	struct job_ctx *jc = mc->jc;
	struct strbuf err = STRBUF_INIT;

	for (;;) {
		size_t i;
		int ret;

		pthread_mutex_lock(&mc->lock);
		i = jc->error ? mc->ntodo : mc->next++;
		pthread_mutex_unlock(&mc->lock);
		if (i >= mc->ntodo)
			break;
		ret = memory_check_one(mc, mc->todo[i], &err);
		if (ret) {
			pthread_mutex_lock(&mc->lock);
			if (!jc->error) {
				jc->error = ret;
				strbuf_addstr(&jc->error_msg, strbuf_str(&err));
			}
			pthread_mutex_unlock(&mc->lock);
			break;
		}
	}
	strbuf_release(&err);
	return NULL;
}

/* "exited with status 1", "was stopped: CPU time", for the probe's message. */
static void outcome_text(const struct run *run, struct strbuf *sb)
{
	const struct sandbox_result *res = &run->res;

	switch (res->outcome) {
	case SANDBOX_EXITED:
		strbuf_addf(sb, "exited with status %d", res->exit_code);
		break;
	case SANDBOX_SIGNALED:
		strbuf_addf(sb, "was killed by signal %d", res->term_signal);
		break;
	case SANDBOX_FORBIDDEN:
		strbuf_addf(sb, "called %s, which the sandbox denies", res->syscall_name);
		break;
	case SANDBOX_EXEC_FAILED:
		strbuf_addf(sb, "could not start (%s)", strerror(res->exec_errno));
		break;
	case SANDBOX_CPU_LIMIT:
	case SANDBOX_WALL_LIMIT:
	case SANDBOX_IDLE_LIMIT:
		strbuf_addstr(sb, "ran out of time");
		break;
	case SANDBOX_OUTPUT_LIMIT:
		strbuf_addstr(sb, "printed too much");
		break;
	case SANDBOX_MEMORY_LIMIT:
		strbuf_addf(sb, "went past its memory cap (peak %ld KiB)", res->peak_kb);
		break;
	}
	if (run->obs.sanitizer)
		strbuf_addf(sb, " (report: %s)", run->obs.sanitizer);
}

/*
 * The sanitized reference must pass the first test to rerun, or the check
 * does not work on this machine (no sanitizer runtime, a kernel ASan cannot
 * map its shadow on): then grading stops rather than pass or fail tests by
 * what the machine lacks.
 */
static int memory_check_probe(struct job_ctx *jc, const char *ref_exe, size_t idx,
			      struct strbuf *err)
{
	const struct test *t = &jc->ex->tests[idx];
	struct limits lim = t->limits;
	struct run run = { 0 };
	struct ref_key_parts parts = ref_parts(jc, t, NULL);
	int ret;

	/* A batch probes once per exercise and seed, not once per submission. */
	if (jc->o->refs && ref_cache_probed(jc->o->refs, &parts))
		return 0;
	lim.wall_ms *= SANITIZED_SLOWDOWN;
	ret = run_program(jc, t, ref_exe, "-", (double)t->limits.cpu_ms * SANITIZED_SLOWDOWN *
						       REF_CAP_FACTOR, &lim, NULL, &run, err);
	if (ret)
		return ret;
	if (run.res.outcome != SANDBOX_EXITED || run.res.exit_code != 0 || run.obs.sanitizer ||
	    !run.obs.ended) {
		strbuf_addf(err, "the memory check does not work here: the reference solution "
			    "of '%s', built with -fsanitize=address,undefined, ", jc->ex->id);
		outcome_text(&run, err);
		strbuf_addf(err, " in test '%s'; grade with --no-sanitize to leave the check "
			    "out", t->name);
		ret = -EPROTO;
	} else if (jc->o->refs) {
		ref_cache_set_probed(jc->o->refs, &parts);
	}
	run_release(&run);
	return ret;
}

/* The view of a dynamic program: its loader and libraries, read-only. */
static void needs_view(const struct elf_needs *needs, struct sandbox_path **paths, size_t *n)
{
	size_t i;

	*paths = xcalloc(needs->nlibs + 1, sizeof(**paths));
	*n = 0;
	(*paths)[(*n)++] = (struct sandbox_path){ needs->interp, SANDBOX_READ | SANDBOX_EXEC };
	for (i = 0; i < needs->nlibs; i++)
		(*paths)[(*n)++] = (struct sandbox_path){ needs->libs[i], SANDBOX_READ };
}

/*
 * What the check needs, built in a thread of its own while the plain runs
 * go on: the sanitized reference,
 * its loader and libraries (the view of the check's runs), the sanitized
 * submission.
 */
struct memory_check_build {
	struct grader *g;
	const struct exercise *ex;
	const struct strbuf *src;
	const char *source_name;
	struct build sub, ref;
	struct elf_needs needs;
	struct strbuf why;     /* the sanitized submission's program was refused */
	struct strbuf err;
	int ret;
	pthread_t thread;
	bool begun;            /* memory_check_build_start() was called */
	bool started;          /* in a thread of its own, to join */
};

static void *memory_check_build_main(void *arg)
{
	struct memory_check_build *mb = arg;
	struct builder *b = &mb->g->builder;

	mb->ret = build_reference_sanitized(b, mb->ex, &mb->ref, &mb->err);
	if (!mb->ret)
		mb->ret = trusted_needs(mb->ref.exe, &mb->needs, &mb->err);
	if (!mb->ret && !mb->needs.interp) {
		strbuf_addf(&mb->err, "the reference of '%s' built with the sanitizers is "
			    "static: the memory check needs their runtime's loader", mb->ex->id);
		mb->ret = -EPROTO;
	}
	if (!mb->ret)
		mb->ret = build_submission_sanitized(b, mb->ex, mb->src, mb->source_name,
						     &mb->sub, &mb->err);
	if (!mb->ret && mb->sub.ok && !elf_program_allowed(mb->sub.exe, &mb->needs, &mb->why))
		mb->sub.ok = false;
	return NULL;
}

/* Starts the builds; they run at once, in this thread, if no thread can be made. */
static void memory_check_build_start(struct memory_check_build *mb)
{
	mb->begun = true;
	strbuf_init(&mb->why);
	strbuf_init(&mb->err);
	if (start_thread(&mb->thread, memory_check_build_main, mb) == 0)
		mb->started = true;
	else
		memory_check_build_main(mb);
}

static void memory_check_build_finish(struct memory_check_build *mb)
{
	if (mb->started)
		pthread_join(mb->thread, NULL);
	mb->started = false;
}

static void memory_check_build_release(struct memory_check_build *mb)
{
	memory_check_build_finish(mb);
	build_release(&mb->sub);
	build_release(&mb->ref);
	elf_needs_release(&mb->needs);
	strbuf_release(&mb->why);
	strbuf_release(&mb->err);
}

/*
 * Reruns the tests to check, once the builds are done. A submission whose
 * sanitized build fails (its plain build passed) fails those tests: the
 * difference can only be code aimed at the check.
 */
static int memory_check(struct job_ctx *jc, struct memory_check_build *mb, struct strbuf *err)
{
	struct memory_check mc = { .jc = jc };
	pthread_t threads[16];
	size_t i;
	int ret = 0, n = 0, k, jobs = jc->jobs;

	memory_check_build_finish(mb);
	mc.todo = xcalloc(jc->ex->ntests, sizeof(*mc.todo));
	for (i = 0; i < jc->ex->ntests; i++)
		if (memory_check_wanted(jc, i))
			mc.todo[mc.ntodo++] = i;
	if (!mc.ntodo)
		goto out;
	if (mb->ret) {
		ret = mb->ret;
		strbuf_addstr(err, strbuf_str(&mb->err));
		goto out;
	}
	needs_view(&mb->needs, &jc->san_paths, &jc->san_npaths);
	jc->sanitizing = true;
	if (!mb->sub.ok) {
		ret = memory_check_probe(jc, mb->ref.exe, mc.todo[0], err);
		if (ret)
			goto out;
		struct strbuf why = STRBUF_INIT;

		/*
		 * Out of time is the submission's too: its two builds ran at
		 * once, under the same load, and the sanitized reference built.
		 * (It once stopped the grading, exit 3, and a batch with it: a
		 * few thousand small functions take 7 times longer to build
		 * with the sanitizers.)
		 */
		bool slow = mb->sub.output &&
			    strstr(mb->sub.output, "[the compiler ran over its time limit");
		struct strbuf msg = STRBUF_INIT;

		if (slow)
			strbuf_addf(&msg, "not checked: the submission's build with the memory "
				    "checker (ASan, UBSan) ran over the compiler's time limit, "
				    "though it builds without it in %.1f s", jc->plain_build_ms / 1000);
		else
			strbuf_addstr(&msg, "not checked: the submission does not build with the "
					    "memory checker (ASan, UBSan), though it builds without: "
					    "code aimed at the checker?");
		for (i = 0; i < mc.ntodo; i++) {
			struct test_report *tr = &jc->r->tests[mc.todo[i]];

			tr->status = ST_MEMORY_ERROR;
			tr->score = 0;
			free(tr->message);
			tr->message = xstrdup(msg.buf);
		}
		strbuf_release(&msg);
		strbuf_addf(&why, "%s%s%s", strbuf_str(&mb->why), mb->why.len ? "\n" : "",
			    mb->sub.output ? mb->sub.output : "");
		append_compile_output(jc->r, "the memory check's build", &why);
		strbuf_release(&why);
		goto out;
	}
	mc.exe = mb->sub.exe;
	pthread_mutex_init(&mc.lock, NULL);
	if (jobs > (int)ARRAY_SIZE(threads))
		jobs = (int)ARRAY_SIZE(threads);
	for (k = 1; k < jobs && (size_t)k < mc.ntodo; k++)
		if (start_thread(&threads[n], memory_check_main, &mc) == 0)
			n++;
	/*
	 * The probe runs beside the first reruns, not before them: when it
	 * fails, the others stop and the grading fails as a whole, so what
	 * they found is never reported.
	 */
	ret = memory_check_probe(jc, mb->ref.exe, mc.todo[0], err);
	if (ret) {
		pthread_mutex_lock(&mc.lock);
		if (!jc->error)
			jc->error = ret;
		pthread_mutex_unlock(&mc.lock);
	} else {
		memory_check_main(&mc);
	}
	for (k = 0; k < n; k++)
		pthread_join(threads[k], NULL);
	pthread_mutex_destroy(&mc.lock);
	if (!ret && jc->error) {
		ret = jc->error;
		strbuf_addstr(err, strbuf_str(&jc->error_msg));
	}
out:
	jc->sanitizing = false;
	free(jc->san_paths);
	jc->san_paths = NULL;
	free(mc.todo);
	return ret;
}

/* A program the build produced that the grader will not run: a compile error. */
static void refuse_program(struct report *r, const struct strbuf *why)
{
	struct strbuf out = STRBUF_INIT;
	size_t i;

	strbuf_addf(&out, "%s%sgrader: %s\n", r->compile_output,
		    *r->compile_output ? "\n" : "", why->buf);
	free(r->compile_output);
	r->compile_output = strbuf_detach(&out);
	r->compiled = false;
	for (i = 0; i < r->ntests; i++) {
		free(r->tests[i].message);
		r->tests[i].message = xstrdup("not run: the program the build produced is "
					      "not allowed (see the compiler's output)");
	}
}

static int read_submission(const char *path, bool nofollow, struct strbuf *src,
			   struct strbuf *err)
{
	int ret = read_file(path, SOURCE_MAX, nofollow, src);

	if (ret == -EFBIG) {
		strbuf_addf(err, "'%s' is larger than 1 MiB: not a submission", path);
		return -EINVAL;
	}
	if (ret == -ELOOP) {
		strbuf_addf(err, "'%s' is a symbolic link: submit the file itself", path);
		return -EINVAL;
	}
	if (ret == -EINVAL || ret == -EISDIR) {
		strbuf_addf(err, "'%s' is not a regular file", path);
		return -EINVAL;
	}
	if (ret) {
		strbuf_addf(err, "cannot read '%s': %s", path, strerror(-ret));
		return -EINVAL;
	}
	if (memchr(src->buf, '\0', src->len)) {
		strbuf_addf(err, "'%s' is not a C source file (it holds binary data)", path);
		return -EINVAL;
	}
	return 0;
}

int grade(struct grader *g, const struct exercise *ex, const char *path,
	  const struct grade_opts *o, struct report *r, struct strbuf *err)
{
	struct strbuf src = STRBUF_INIT;
	struct build sub = { 0 }, ref = { 0 };
	struct memory_check_build mb = { 0 };
	struct elf_needs needs = { 0 };
	struct sandbox_path *paths = NULL;
	struct strbuf why = STRBUF_INIT;
	size_t npaths = 0;
	struct job_ctx jc;
	char hex[65], *name = NULL;
	double t0 = now_ms();
	bool want_check;
	size_t i;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = read_submission(path, o->nofollow, &src, err);
	if (ret)
		goto out;
	r->submission = xstrdup(path);
	sha256_hex(src.buf, src.len, hex);
	r->sha256 = xstrdup(hex);
	r->seed = o->seed;
	fill_receipt(g, ex, r);
	r->ntests = ex->ntests;
	r->tests = xcalloc(ex->ntests, sizeof(*r->tests));
	for (i = 0; i < ex->ntests; i++) {
		r->tests[i].name = xstrdup(ex->tests[i].name);
		r->tests[i].max_score = ex->tests[i].points;
		r->tests[i].visibility = ex->tests[i].visibility;
		r->tests[i].accounting = ex->accounting;
		r->tests[i].status = ST_SKIPPED;
	}

	name = build_source_name(path);
	/*
	 * The memory check's builds run beside the plain build when tests run
	 * in parallel: a plain compile keeps one core busy, and the other is
	 * idle until the tests start. One test at a time (grader batch, whose
	 * gradings fill the cores) builds them after the plain build passed,
	 * so that a submission that does not compile (a macro bomb, say)
	 * costs one compile, not two.
	 */
	want_check = !o->no_sanitize && ex->sanitize;
	if (want_check) {
		mb.g = g;
		mb.ex = ex;
		mb.src = &src;
		mb.source_name = name;
		if (effective_jobs(o->jobs) > 1)
			memory_check_build_start(&mb);
	}
	ret = build_submission(&g->builder, ex, &src, name, &sub, err);
	if (ret)
		goto out;
	r->compiled = sub.ok;
	r->compile_output = xstrdup(sub.output ? sub.output : "");
	if (!sub.ok) {
		for (i = 0; i < ex->ntests; i++)
			r->tests[i].message = xstrdup("not run: the submission does not compile");
		goto done;
	}
	ret = build_reference(&g->builder, ex, &ref, err);
	if (ret)
		goto out;
	ret = program_view(ex, ref.exe, &needs, &paths, &npaths, err);
	if (ret)
		goto out;
	if (!elf_program_allowed(sub.exe, &needs, &why)) {
		refuse_program(r, &why);
		goto done;
	}

	memset(&jc, 0, sizeof(jc));
	jc.g = g;
	jc.ex = ex;
	jc.o = o;
	jc.sub_exe = sub.exe;
	jc.plain_build_ms = sub.ms;
	jc.source_name = name;
	jc.ref_exe = ref.exe;
	jc.r = r;
	jc.paths = paths;
	jc.npaths = npaths;
	if (want_check && !mb.begun)
		memory_check_build_start(&mb);
	ret = run_tests(&jc, o->jobs, err);
	if (!ret && want_check)
		ret = memory_check(&jc, &mb, err);
	strbuf_release(&jc.error_msg);
	if (ret)
		goto out;
done:
	for (i = 0; i < r->ntests; i++) {
		struct test_report *tr = &r->tests[i];

		if (!tr->message)
			tr->message = xstrdup("");
		if (!tr->hint)
			tr->hint = xstrdup("");
		if (!tr->output)
			tr->output = xstrdup("");
		r->score += tr->score;
	}
	if (o->sel)
		test_selection_apply(o->sel, r);
	r->wall_ms = now_ms() - t0;
out:
	memory_check_build_release(&mb);
	build_release(&sub);
	build_release(&ref);
	elf_needs_release(&needs);
	free(paths);
	strbuf_release(&why);
	strbuf_release(&src);
	free(name);
	if (ret)
		report_release(r);
	return ret;
}
