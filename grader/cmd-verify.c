/*
 * cmd-verify.c: grader verify EXERCISE...
 *
 * Is an exercise sound on this machine? Its reference passes every test
 * several times with headroom under every limit (grade() itself refuses
 * less), each known mistake fails exactly the tests it claims, with its
 * hint, and the starter compiles and fails.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "grade.h"
#include "report.h"
#include "spec.h"
#include "util.h"

#define REFERENCE_RUNS 3

static const char usage[] =
	"usage: grader verify EXERCISE... [options]\n\n"
	"Checks that each exercise is sound on this machine: the reference\n"
	"solution passes every test 3 times, each of its readings (CPU, wall-clock\n"
	"time, memory, output) at least 5x under the learner's limit; each known\n"
	"mistake fails exactly the tests its \"breaks\" list names, with its hint;\n"
	"the starter file compiles and fails. Prints, per test, the reference's\n"
	"CPU time and memory and its headroom under each limit.\n\n"
	"  --exercises DIR   exercises directory (default: $GRADER_EXERCISES)\n"
	"  --seed N          seed of the first run (default: random)\n"
	"  -j N              tests run at once (default: one per core)\n"
	"  --no-sanitize     no memory check: the tests that pass are not run again\n"
	"                    under ASan and UBSan\n\n"
	"exit status: 0 every exercise is sound, 3 one is not (or the grader\n"
	"failed), 2 bad usage or an unknown exercise\n";

/* The largest readings of the reference over its runs, per test. */
struct reading {
	double cpu_ms, wall_ms;
	long kb;
	size_t output;
};

static void keep_max(struct reading *m, const struct test_report *tr)
{
	if (tr->reference_ms > m->cpu_ms)
		m->cpu_ms = tr->reference_ms;
	if (tr->reference_wall_ms > m->wall_ms)
		m->wall_ms = tr->reference_wall_ms;
	if (tr->reference_kb > m->kb)
		m->kb = tr->reference_kb;
	if (tr->reference_output > m->output)
		m->output = tr->reference_output;
}

static double ratio(double limit, double used)
{
	return used > 0 ? limit / used : 0;
}

static void print_table(const struct exercise *ex, const struct reading *m)
{
	size_t i;

	printf("  %-28s %9s %8s %9s %8s %8s %8s\n", "test", "cpu ms", "x cpu", "peak KiB",
	       "x mem", "x wall", "x out");
	for (i = 0; i < ex->ntests; i++) {
		const struct test *t = &ex->tests[i];
		double wall = (double)run_wall_ms(t->limits.cpu_ms, t->limits.wall_ms);
		printf("  %-28s %9.1f %7.0fx %9ld %7.0fx %7.0fx ", t->name, m[i].cpu_ms,
		       ratio((double)t->limits.cpu_ms, m[i].cpu_ms), m[i].kb,
		       ratio((double)t->limits.memory_kb, (double)m[i].kb),
		       ratio(wall, m[i].wall_ms));
		if (m[i].output)
			printf("%7.0fx\n", ratio((double)t->limits.output_kb * 1024,
						 (double)m[i].output));
		else
			printf("%8s\n", "-");
	}
	printf("  (x: the learner's limit divided by the reference's largest reading "
	       "over %d runs; at least %dx needed)\n", REFERENCE_RUNS, GRADER_HEADROOM);
}

/* Grades path; 0, or EXIT_GRADER after saying why. */
static int grade_file(struct grader *g, const struct exercise *ex, const char *path,
		      const struct grade_opts *o, struct report *r)
{
	struct strbuf err = STRBUF_INIT;
	int ret = grade(g, ex, path, o, r, &err);

	if (ret)
		error("%s: %s", ex->id, err.buf);
	strbuf_release(&err);
	return ret ? EXIT_GRADER : 0;
}

static int verify_reference(struct grader *g, const struct exercise *ex,
			    struct grade_opts o, struct reading *m)
{
	char *path = path_join(ex->dir, "reference.c");
	int k, status = 0;
	size_t i;

	for (k = 0; !status && k < REFERENCE_RUNS; k++, o.seed++) {
		struct report r;

		status = grade_file(g, ex, path, &o, &r);
		if (status)
			break;
		for (i = 0; i < r.ntests; i++) {
			keep_max(&m[i], &r.tests[i]);
			if (r.tests[i].status != ST_PASSED) {
				error("%s: the reference fails test '%s' (run %d, seed %llu): %s: %s",
				      ex->id, r.tests[i].name, k + 1, (unsigned long long)o.seed,
				      test_status_name(r.tests[i].status), r.tests[i].message);
				status = EXIT_GRADER;
			}
		}
		report_release(&r);
	}
	free(path);
	return status;
}

/*
 * Grades a mistake's program (reference.c patched, or its C file) as a
 * submission, written into the work directory as "<name>.c".
 */
static int grade_mistake(struct grader *g, const struct exercise *ex,
			 const struct mistake *mk, const struct grade_opts *o, struct report *r)
{
	struct strbuf name = STRBUF_INIT;
	char *dir = workdir_subdir(&g->wd, "mistake"), *path = NULL;
	int ret, status = EXIT_GRADER;

	if (!dir) {
		error("%s: cannot create a directory for mistake '%s': %s", ex->id, mk->name,
		      strerror(errno));
		goto out;
	}
	strbuf_addf(&name, "%s.c", mk->name);
	path = path_join(dir, name.buf);
	ret = write_file_scratch(path, mk->program, mk->program_len, 0644);
	if (ret) {
		error("%s: cannot write '%s': %s", ex->id, path, strerror(-ret));
		goto out;
	}
	status = grade_file(g, ex, path, o, r);
out:
	strbuf_release(&name);
	free(dir);
	free(path);
	return status;
}

/* The claimed tests fail (a skipped one is not run, so not judged), no other does. */
static int verify_mistake(struct grader *g, const struct exercise *ex, size_t k,
			  const struct grade_opts *o)
{
	const struct mistake *mk = &ex->mistakes[k];
	struct report r;
	size_t i;
	int status = grade_mistake(g, ex, mk, o, &r);

	if (status)
		return status;
	for (i = 0; i < r.ntests; i++) {
		const struct test_report *tr = &r.tests[i];
		bool claimed = mistake_breaks(mk, i);

		if (tr->status == ST_SKIPPED)
			continue;
		if (claimed && tr->status == ST_PASSED) {
			error("%s: mistake '%s' claims to break test '%s', which it passes",
			      ex->id, mk->name, tr->name);
			status = EXIT_GRADER;
		} else if (!claimed && tr->status != ST_PASSED) {
			error("%s: mistake '%s' also fails test '%s' (%s), which its \"breaks\" "
			      "list lacks", ex->id, mk->name, tr->name, test_status_name(tr->status));
			status = EXIT_GRADER;
		} else if (claimed && tr->status == ST_FAILED && !tr->injections &&
			   strcmp(tr->hint, mk->hint)) {
			error("%s: mistake '%s' fails test '%s' without its hint (hint given: '%.80s')",
			      ex->id, mk->name, tr->name, tr->hint);
			status = EXIT_GRADER;
		}
	}
	if (!status)
		printf("  mistake %-28s fails %zu test%s as it claims, with its hint\n", mk->name,
		       mk->nbreaks, mk->nbreaks == 1 ? "" : "s");
	report_release(&r);
	return status;
}

static int verify_starter(struct grader *g, const struct exercise *ex,
			  const struct grade_opts *o)
{
	char *path = path_join(ex->dir, "starter.c");
	struct report r;
	int status = grade_file(g, ex, path, o, &r);
	bool graded = !status;

	if (!status && !r.compiled) {
		error("%s: the starter does not compile:\n%s", ex->id, r.compile_output);
		status = EXIT_GRADER;
	} else if (!status && r.score == r.max_score) {
		error("%s: the starter passes every test: learners would have nothing to do",
		      ex->id);
		status = EXIT_GRADER;
	} else if (!status) {
		printf("  starter compiles and scores %d/%d\n", r.score, r.max_score);
	}
	if (graded)
		report_release(&r);
	free(path);
	return status;
}

static int verify_one(struct grader *g, const char *dir, const char *id,
		      const struct grade_opts *o)
{
	struct strbuf err = STRBUF_INIT;
	struct exercise *ex = NULL;
	struct reading *m = NULL;
	size_t k;
	int ret, status;

	ret = exercise_load(dir, id, &ex, &err);
	if (ret) {
		error("%s", err.buf);
		status = ret == -ENOENT ? EXIT_USAGE : EXIT_GRADER;
		goto out;
	}
	printf("%s:\n", id);
	m = xcalloc(ex->ntests, sizeof(*m));
	status = verify_reference(g, ex, *o, m);
	if (!status)
		print_table(ex, m);
	for (k = 0; !status && k < ex->nmistakes; k++)
		status = verify_mistake(g, ex, k, o);
	if (!status)
		status = verify_starter(g, ex, o);
	printf("%s: %s\n", id, status ? "NOT SOUND" : "sound");
out:
	free(m);
	exercise_free(ex);
	strbuf_release(&err);
	return status;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		GRADE_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct grade_args ga = { 0 };
	struct strbuf err = STRBUF_INIT;
	const char *dir;
	struct grader g;
	int c, i, status = 0;

	if (wants_help(argc, argv, usage))
		return 0;
	while ((c = getopt_long(argc, argv, "j:", opts, NULL)) != -1) {
		if (!grade_option(c)) {
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
		if (grade_args_parse(&ga, c, optarg, &err)) {
			error("%s", err.buf);
			strbuf_release(&err);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (!ga.have_seed)
		ga.o.seed = random_u64() % 1000000000ULL;
	if (grader_open(&g, &err)) {
		error("%s", err.buf);
		strbuf_release(&err);
		return EXIT_GRADER;
	}
	dir = exercises_dir(ga.exercises);
	for (i = optind; i < argc && status != EXIT_USAGE; i++) {
		int st = verify_one(&g, dir, argv[i], &ga.o);

		if (st == EXIT_USAGE || !status)
			status = st;
	}
	grader_close(&g);
	strbuf_release(&err);
	return status;
}
