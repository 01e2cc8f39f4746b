/*
 * cmd-batch.c: grader batch DIR
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "assignment.h"
#include "batch.h"
#include "build.h"
#include "changes.h"
#include "cmd.h"
#include "gradebook.h"
#include "roster.h"
#include "spec.h"
#include "util.h"

/* Reruns and shards must agree, so a batch never picks a random seed. */
#define BATCH_DEFAULT_SEED 1
#define PLAIN_PROGRESS_S 10.0

static const char usage[] =
	"usage: grader batch DIR [options]\n\n"
	"Grades a class: every student directory DIR/<student>/ against the\n"
	"assignment file DIR/grader.json, or one exercise with --exercise (from\n"
	"DIR/<student>/*.c or DIR/<student>.c). Results are cached by content, so\n"
	"a rerun grades only what changed, and an interrupted run resumes.\n\n"
	"  --exercise EXERCISE  grade this exercise only\n"
	"  --config FILE        the assignment file (default: DIR/grader.json)\n"
	"  --out OUT            output directory (default: DIR/grades)\n"
	"  --cache CACHE        result cache (default: OUT/cache)\n"
	"  --no-cache           grade everything, store nothing\n"
	"  -j N                 submissions graded at once (default: one per core)\n"
	"  --shard K/N          grade shard K (0 to N-1) of N; see 'grader merge'\n"
	"  --seed N             seed of the randomized tests (default: grader.json's,\n"
	"                       else 1; the same for every student)\n"
	"  --exercises DIR      exercises directory (default: $GRADER_EXERCISES)\n"
	"  --no-sanitize        no memory check (ASan, UBSan) of the tests that pass\n"
	"  --roster FILE        the students' LMS identities (CSV: student, name,\n"
	"                       lms_id, email, section) for the LMS files\n"
	"  --list               print the students this run (or shard) would grade\n"
	"  --dry-run            print what would be regraded since the run in OUT,\n"
	"                       and why, without grading\n"
	"  -q, --quiet          no progress on stderr\n\n"
	"OUT receives grades.csv, tests.csv, summary.json, report.html,\n"
	"grades-canvas.csv, grades-moodle.csv, batch.json, a page per student and\n"
	"per test (students/, tests/) and reports/<student>/<exercise>.json; when\n"
	"OUT held an earlier run, changes.csv: the results that changed, and why.\n\n"
	"exit status: 0 every student passed everything, 1 graded and something\n"
	"failed (or was missing), 2 bad usage or input, 3 the grader failed on some\n"
	"submission (its row says \"error\"); 128+signal when interrupted\n";

static volatile sig_atomic_t stop_signal;

/* First signal: stop cleanly (finish writing, exit 128+sig). Second: die now. */
static void on_stop(int sig)
{
	if (stop_signal) {
		sandbox_kill_all();
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	stop_signal = sig;
	sandbox_kill_all();
}

struct opts {
	const char *dir, *exercise, *config, *out, *cache, *exercises, *roster;
	bool no_cache, list, dry_run, quiet, have_seed, no_sanitize;
	uint64_t seed;
	int jobs;
	unsigned shard, nshards;
};

static int parse_shard(const char *s, unsigned *k, unsigned *n)
{
	const char *slash = strchr(s, '/');
	char kbuf[24];
	uint64_t kv, nv;

	if (!slash || (size_t)(slash - s) >= sizeof(kbuf))
		return -1;
	memcpy(kbuf, s, (size_t)(slash - s));
	kbuf[slash - s] = '\0';
	if (!parse_u64(kbuf, &kv) || !parse_u64(slash + 1, &nv) || nv < 1 || nv > 100000 ||
	    kv >= nv)
		return -1;
	*k = (unsigned)kv;
	*n = (unsigned)nv;
	return 0;
}

static int default_jobs(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "exercise", required_argument, NULL, 'x' },
		{ "config", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "cache", required_argument, NULL, 'C' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "shard", required_argument, NULL, 'S' },
		{ "seed", required_argument, NULL, 's' },
		{ "exercises", required_argument, NULL, 'e' },
		{ "no-sanitize", no_argument, NULL, 'M' },
		{ "roster", required_argument, NULL, 'r' },
		{ "list", no_argument, NULL, 'l' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->nshards = 1;
	while ((c = getopt_long(argc, argv, "j:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'x': o->exercise = optarg; break;
		case 'c': o->config = optarg; break;
		case 'o': o->out = optarg; break;
		case 'C': o->cache = optarg; break;
		case 'N': o->no_cache = true; break;
		case 'e': o->exercises = optarg; break;
		case 'M': o->no_sanitize = true; break;
		case 'r': o->roster = optarg; break;
		case 'l': o->list = true; break;
		case 'D': o->dry_run = true; break;
		case 'q': o->quiet = true; break;
		case 'j':
			if (!parse_u64(optarg, &v) || v < 1 || v > 256) {
				error("-j: expected a number from 1 to 256, not '%s'", optarg);
				return -1;
			}
			o->jobs = (int)v;
			break;
		case 'S':
			if (parse_shard(optarg, &o->shard, &o->nshards)) {
				error("--shard: expected K/N with 0 <= K < N, not '%s'", optarg);
				return -1;
			}
			break;
		case 's':
			if (!parse_u64(optarg, &o->seed) || o->seed > (1ULL << 53)) {
				error("--seed: expected an integer from 0 to 2^53, not '%s'", optarg);
				return -1;
			}
			o->have_seed = true;
			break;
		default:
			fputs(usage, stderr);
			return -1;
		}
	}
	if (argc - optind != 1) {
		fputs(usage, stderr);
		return -1;
	}
	o->dir = argv[optind];
	if (!o->jobs)
		o->jobs = default_jobs();
	return 0;
}

/* The assignment: --config, else DIR/grader.json; --exercise narrows it to one. */
static int load_assignment(const struct opts *o, struct assignment *a)
{
	struct strbuf err = STRBUF_INIT;
	char *path = o->config ? xstrdup(o->config) : path_join(o->dir, ASSIGNMENT_FILE);
	bool have = false;
	int ret;

	ret = assignment_load(path, a, &err);
	if (ret == 0)
		have = true;
	else if (ret != -ENOENT || o->config || !o->exercise) {
		if (ret == -ENOENT && !o->config)
			error("no assignment file '%s': write one, or give --exercise EXERCISE "
			      "or --config FILE", path);
		else
			error("%s", err.buf);
		goto out;
	}
	ret = 0;
	if (o->exercise) {
		const struct assignment_exercise *e = have ? assignment_find(a, o->exercise) : NULL;
		struct assignment one;

		assignment_single(&one, o->exercise);
		if (e) {
			free(one.exercises[0].id);
			one.exercises[0].id = xstrdup(e->id);
			one.exercises[0].file = e->file ? xstrdup(e->file) : NULL;
			one.exercises[0].weight = e->weight;
		}
		if (have) {
			free(one.name);
			one.name = xstrdup(a->name);
			one.has_seed = a->has_seed;
			one.seed = a->seed;
			assignment_release(a);
		}
		*a = one;
	}
out:
	free(path);
	strbuf_release(&err);
	return ret;
}

static void add_exercise(struct gradebook *gb, const struct exercise *ex,
			 const struct assignment_exercise *ae)
{
	struct gradebook_exercise *g = &gb->exercises[gb->nexercises++];
	size_t t;

	g->id = xstrdup(ex->id);
	g->title = xstrdup(ex->title ? ex->title : "");
	g->file = ae->file ? xstrdup(ae->file) : NULL;
	g->weight = ae->weight;
	g->max_score = ex->max_score;
	memcpy(g->spec_hash, ex->hash, sizeof(g->spec_hash));
	g->tests = xcalloc(ex->ntests + 1, sizeof(*g->tests));
	g->ntests = ex->ntests;
	for (t = 0; t < ex->ntests; t++) {
		g->tests[t].name = xstrdup(ex->tests[t].name);
		g->tests[t].max_score = ex->tests[t].points;
	}
}

static void add_skip(struct roster_skip *skip, size_t *n, const char *path)
{
	struct stat st;

	if (path && stat(path, &st) == 0) {
		skip[*n].dev = st.st_dev;
		skip[*n].ino = st.st_ino;
		(*n)++;
	}
}

struct progress_state {
	bool tty, quiet;
	double last;
};

static void format_duration(char *buf, size_t len, double s)
{
	long v = (long)(s + 0.5);

	if (v >= 3600)
		snprintf(buf, len, "%ldh%02ldm", v / 3600, v / 60 % 60);
	else if (v >= 60)
		snprintf(buf, len, "%ldm%02lds", v / 60, v % 60);
	else
		snprintf(buf, len, "%lds", v);
}

static void show_progress(const struct batch_progress *p, bool final, void *arg)
{
	struct progress_state *ps = arg;
	char eta[32] = "?";
	size_t left = p->total - p->done;

	if (ps->quiet || (!ps->tty && !final && p->elapsed_s - ps->last < PLAIN_PROGRESS_S))
		return;
	ps->last = p->elapsed_s;
	if (left == 0)
		snprintf(eta, sizeof(eta), "0s");
	else if (p->rate > 0)
		format_duration(eta, sizeof(eta), (double)left / p->rate);
	fprintf(stderr, "%sgrading: %zu/%zu done", ps->tty ? "\r\033[K" : "", p->done, p->total);
	if (p->cached)
		fprintf(stderr, " (%zu cached)", p->cached);
	fprintf(stderr, ", %zu failing, %zu error%s, %.2f/s, ETA %s%s", p->failing, p->errors,
		p->errors == 1 ? "" : "s", p->rate, eta, ps->tty && !final ? "" : "\n");
	fflush(stderr);
}

static void print_result(const struct gradebook *gb, const struct batch_progress *p,
			 const char *out, double wall)
{
	size_t counts[CELL_STATUS_COUNT] = { 0 }, i;
	bool first = true;

	for (i = 0; i < gb->nstudents; i++) {
		enum cell_status st;
		double score, max;

		gradebook_total(gb, &gb->students[i], &score, &max, &st);
		counts[st]++;
	}
	printf("graded %zu student%s in %.1f s (%zu submission%s, %zu from the cache): ",
	       gb->nstudents, gb->nstudents == 1 ? "" : "s", wall, p->total,
	       p->total == 1 ? "" : "s", p->cached);
	for (i = 0; i < CELL_STATUS_COUNT; i++) {
		if (!counts[i])
			continue;
		printf("%s%zu %s", first ? "" : ", ", counts[i], cell_status_name((enum cell_status)i));
		first = false;
	}
	if (first)
		printf("nothing to grade");
	printf("\nwrote %s/grades.csv and report.html\n", out);
}

/*
 * A student named with bytes that are not UTF-8 is shown with U+FFFD in
 * their place in every output (the files must be UTF-8): said here, since
 * the name on the reports then differs from the directory's.
 */
static void warn_names(const struct gradebook *gb)
{
	struct strbuf raw = STRBUF_INIT, shown = STRBUF_INIT;
	size_t i;

	for (i = 0; i < gb->nstudents; i++) {
		const char *name = gb->students[i].name;

		if (utf8_valid(name, strlen(name)))
			continue;
		strbuf_reset(&raw);
		strbuf_reset(&shown);
		strbuf_add_visible(&raw, name, strlen(name), 200);
		strbuf_add_utf8(&shown, name, strlen(name));
		error("student '%s' is not named in UTF-8: the outputs show '%s'", raw.buf,
		      shown.buf);
	}
	strbuf_release(&raw);
	strbuf_release(&shown);
}

/* Loads the earlier run in out, if any, into prev; false when there is none usable. */
static bool load_previous(const char *out, struct gradebook *prev)
{
	struct strbuf err = STRBUF_INIT;
	int ret = changes_load_previous(out, prev, &err);

	if (ret && ret != -ENOENT)
		error("cannot compare with the earlier run, no changes.csv: %s", err.buf);
	strbuf_release(&err);
	return ret == 0;
}

/* --dry-run: what a run would regrade since the earlier one, and why. */
static int dry_run(const struct gradebook *gb, const char *out)
{
	struct gradebook prev;
	struct changes ch;
	struct strbuf line = STRBUF_INIT, cause = STRBUF_INIT;
	size_t i, pending = 0, e;
	bool have = load_previous(out, &prev);

	for (i = 0; i < gb->nstudents; i++)
		for (e = 0; e < gb->nexercises; e++)
			pending += gb->students[i].cells[e].status == CELL_PENDING;
	changes_compute(have ? &prev : NULL, gb, false, &ch);
	if (!have)
		printf("no earlier run in %s: all %zu submission%s would be graded\n", out, pending,
		       pending == 1 ? "" : "s");
	for (i = 0; i < ch.n; i++) {
		const struct change *r = &ch.rows[i];

		strbuf_reset(&line);
		strbuf_reset(&cause);
		changes_cause_names(r->causes, &cause);
		strbuf_add_visible(&line, r->student, strlen(r->student), 200);
		strbuf_addf(&line, "\t%s\t%s\t%s", r->exercise, cause.buf,
			    !*r->new_status ? "gone"
			    : !strcmp(r->new_status, "pending") ? "regrade" : r->new_status);
		printf("%s\n", line.buf);
	}
	if (have) {
		size_t regrade = 0;

		for (i = 0; i < ch.n; i++)
			regrade += !strcmp(ch.rows[i].new_status, "pending");
		printf("%zu of %zu submission%s to regrade, %zu other change%s, since the run in "
		       "%s\n", regrade, pending, pending == 1 ? "" : "s", ch.n - regrade,
		       ch.n - regrade == 1 ? "" : "s", out);
	}
	changes_release(&ch);
	if (have)
		gradebook_release(&prev);
	strbuf_release(&line);
	strbuf_release(&cause);
	return fflush(stdout) ? EXIT_GRADER : 0;
}

/*
 * Whether dir (if it exists) holds a .c file: OUT defaults to DIR/grades,
 * which is also where a student named "grades" submits. Such a student
 * was skipped as the output, and graded nothing; and what they put in
 * grades/cache is only ever a miss (result-cache.c signs its entries).
 */
static bool holds_c_file(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		found = len > 2 && !strcmp(de->d_name + len - 2, ".c");
	}
	closedir(d);
	return found;
}

int cmd_batch(int argc, char **argv)
{
	struct assignment a = ASSIGNMENT_INIT;
	struct roster_file people = { 0 };
	struct gradebook gb = { 0 }, prev = { 0 };
	struct changes ch = { 0 };
	bool have_prev = false;
	struct exercise **exs = NULL;
	struct strbuf err = STRBUF_INIT;
	struct roster_skip skip[2];
	struct builder b = { 0 };
	struct batch_opts bo = { 0 };
	struct batch_progress p = { 0 };
	struct progress_state ps = { 0 };
	struct gradebook_run run = { 0 };
	struct sigaction sa;
	char *out = NULL, *cache = NULL;
	size_t i, nskip = 0;
	struct opts o;
	double start = now_ms() / 1e3;
	int ret, status = EXIT_USAGE;

	if (wants_help(argc, argv, usage))
		return 0;
	if (parse_opts(argc, argv, &o))
		return EXIT_USAGE;
	{
		struct stat st;

		if (stat(o.dir, &st) < 0) {
			error("cannot open the class directory '%s': %s", o.dir, strerror(errno));
			return EXIT_USAGE;
		}
		if (!S_ISDIR(st.st_mode)) {
			error("'%s' is not a directory", o.dir);
			return EXIT_USAGE;
		}
	}
	if (load_assignment(&o, &a))
		return EXIT_USAGE;
	if (o.roster && roster_file_load(o.roster, &people, &err)) {
		error("%s", err.buf);
		goto out;
	}
	ret = builder_init(&b, NULL, NULL, &err);
	if (ret) {
		error("%s", err.buf);
		status = EXIT_GRADER;
		goto out;
	}
	gradebook_init(&gb, a.name, o.have_seed ? o.seed : a.has_seed ? a.seed : BATCH_DEFAULT_SEED,
		       b.cc_version);
	if (o.roster)
		gb.roster = &people;
	exs = xcalloc(a.nexercises, sizeof(*exs));
	gb.exercises = xcalloc(a.nexercises, sizeof(*gb.exercises));
	for (i = 0; i < a.nexercises; i++) {
		strbuf_reset(&err);
		ret = exercise_load(exercises_dir(o.exercises), a.exercises[i].id, &exs[i], &err);
		if (ret) {
			error("%s", err.buf);
			status = ret == -ENOENT || ret == -EINVAL ? EXIT_USAGE : EXIT_GRADER;
			goto out;
		}
		add_exercise(&gb, exs[i], &a.exercises[i]);
	}

	out = o.out ? xstrdup(o.out) : path_join(o.dir, "grades");
	if (!o.no_cache)
		cache = o.cache ? xstrdup(o.cache) : path_join(out, "cache");
	if (holds_c_file(out)) {
		error("'%s' holds a .c file, which no batch writes: a student's directory "
		      "(named as the output) and the output would be one; pass --out elsewhere",
		      out);
		status = EXIT_USAGE;
		goto out;
	}
	if (!o.list && !o.dry_run) {
		const char *dir = out;

		ret = mkdir_p(out, 0755);
		if (!ret && cache) {
			dir = cache;
			ret = mkdir_p(cache, 0755);
		}
		if (ret) {
			error("cannot create '%s': %s", dir, strerror(-ret));
			status = EXIT_USAGE;
			goto out;
		}
	}
	add_skip(skip, &nskip, out);
	add_skip(skip, &nskip, cache);
	strbuf_reset(&err);
	ret = roster_scan(o.dir, &gb, skip, nskip, &err);
	if (ret) {
		error("%s", err.buf);
		goto out;
	}
	if (o.nshards > 1)
		roster_keep_shard(&gb, o.shard, o.nshards);
	if (o.list) {
		for (i = 0; i < gb.nstudents; i++)
			printf("%s\n", gb.students[i].name);
		status = fflush(stdout) ? EXIT_GRADER : 0;
		goto out;
	}
	if (o.dry_run) {
		status = dry_run(&gb, out);
		goto out;
	}

	warn_names(&gb);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	bo.class_dir = o.dir;
	bo.cache_dir = cache;
	bo.exercises = (const struct exercise *const *)exs;
	bo.seed = gb.seed;
	bo.jobs = o.jobs;
	bo.driver_hash = b.driver_hash;
	bo.compiler = b.cc_version;
	bo.no_sanitize = o.no_sanitize;
	ps.tty = isatty(STDERR_FILENO) && getenv("TERM") && strcmp(getenv("TERM"), "dumb");
	ps.quiet = o.quiet;
	ret = batch_run(&gb, &bo, &stop_signal, show_progress, &ps, &p);

	run.graded = p.done - p.cached;
	run.cached = p.cached;
	run.jobs = o.jobs;
	run.wall_s = now_ms() / 1e3 - start;
	strbuf_reset(&err);
	if (ret == -EINTR) {
		size_t pending = p.total - p.done;

		error("interrupted: %zu of %zu submissions graded and kept in the cache; "
		      "%zu left: run the same command again to finish", p.done, p.total, pending);
		status = 128 + (int)stop_signal;
		goto out;
	}
	have_prev = load_previous(out, &prev);
	changes_compute(have_prev ? &prev : NULL, &gb, true, &ch);
	gb.changes = &ch;
	if (gradebook_write(&gb, out, &run, &err)) {
		error("%s", err.buf);
		status = EXIT_GRADER;
		goto out;
	}
	print_result(&gb, &p, out, run.wall_s);
	if (ch.previous)
		printf("%zu result%s changed since the earlier run: %s/%s\n", ch.n,
		       ch.n == 1 ? "" : "s", out, CHANGES_FILE);
	status = fflush(stdout) ? EXIT_GRADER : gradebook_exit_code(&gb);
out:
	if (exs)
		for (i = 0; i < a.nexercises; i++)
			exercise_free(exs[i]);
	free(exs);
	gradebook_release(&gb);
	if (have_prev)
		gradebook_release(&prev);
	changes_release(&ch);
	roster_file_release(&people);
	assignment_release(&a);
	builder_release(&b);
	strbuf_release(&err);
	free(out);
	free(cache);
	return status;
}
