/*
 * cmd-check.c: grader check EXERCISE FILE.c
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "deliver.h"
#include "grade.h"
#include "ref-cache.h"
#include "replay.h"
#include "report.h"
#include "select.h"
#include "spec.h"
#include "util.h"
#include "watch.h"

#define TESTS_MAX 64

static const char usage[] =
	"usage: grader check EXERCISE FILE.c [options]\n\n"
	"Grades one submission: builds it with the exercise's driver, runs every\n"
	"test in a sandbox and compares with the reference solution.\n\n"
	"  --format FORMAT   report on stdout (default human); FORMAT is one of\n"
	"                    human, json, junit, tap, gradescope, github, markdown\n"
	"  --report FORMAT=FILE\n"
	"                    also write a report to FILE (repeatable); all come\n"
	"                    from the same grading run\n"
	"  --seed N          seed of the randomized tests (default: random; the\n"
	"                    report shows it, and --seed N reproduces the run)\n"
	"  --exercises DIR   exercises directory (default: $GRADER_EXERCISES)\n"
	"  -j N              tests run at once (default: one per core)\n"
	"  --no-sanitize     no memory check: the tests that pass are not run again\n"
	"                    under ASan and UBSan\n\n"
	"Debugging:\n"
	"  --test NAME       run only the tests NAME names (a name or a glob such\n"
	"                    as 'random-*'; repeatable) and those they require; the\n"
	"                    report says the run is partial, and it exits 1 even\n"
	"                    when every selected test passed: it is not a grade\n"
	"  --replay DIR      with --test naming one visible test: also write DIR, a\n"
	"                    copy of the test to build and run OUTSIDE the sandbox\n"
	"                    (cd DIR; ./run.sh, or ./run.sh gdb|valgrind|asan)\n"
	"  --watch           grade again each time FILE.c is saved, saying what\n"
	"                    changed; Ctrl-C stops it (exit status: the last run's)\n\n"
	"Webhook:\n" WEBHOOK_USAGE "\n"
	"With the github format, the markdown table is appended to\n"
	"$GITHUB_STEP_SUMMARY and score= and max_score= to $GITHUB_OUTPUT.\n\n"
	"exit status: 0 all tests passed, 1 something failed (a compile error\n"
	"included) or the run was partial (--test), 2 bad usage or input (an\n"
	"unknown test or a glob matching none, a hidden test to --replay), 3 the grader failed, 4 (only\n"
	"with --webhook-strict) graded but the report was not delivered\n";

struct check {
	const struct report_format *format;
	struct report_files files;
	struct grade_args ga;
	struct webhook_opts wo;
	struct exercise *ex;
	struct grader g;
	const char *path;
	char *tests[TESTS_MAX];
	size_t ntests;
	struct test_selection sel;
	const char *replay;
	bool watch;
};

/* Grades once and writes every report: the exit status; *graded when r is filled. */
static int check_once(struct check *c, struct report *r, bool *graded)
{
	const struct report_format *github = report_format_find("github");
	struct strbuf err = STRBUF_INIT;
	struct report_opts ro;
	int ret, status;

	*graded = false;
	/* The reference's runs that no seed changes are kept for the next check. */
	c->ga.o.refs = ref_cache_new(c->g.builder.cache_dir);
	ret = grade(&c->g, c->ex, c->path, &c->ga.o, r, &err);
	ref_cache_free(c->ga.o.refs);
	c->ga.o.refs = NULL;
	if (ret) {
		error("%s", err.buf);
		strbuf_release(&err);
		return ret == -EINVAL ? EXIT_USAGE : EXIT_GRADER;
	}
	*graded = true;
	status = report_exit_code(r);
	if (report_files_write(&c->files, r, &err))
		status = EXIT_GRADER;
	ro.color = use_color(stdout);
	if (c->format->write(r, stdout, &ro) || fflush(stdout) != 0) {
		strbuf_addf(&err, "cannot write the report: %s\n", strerror(errno));
		status = EXIT_GRADER;
	}
	if ((c->format == github || report_files_have(&c->files, github)) &&
	    report_github_step_files(r, getenv("GITHUB_STEP_SUMMARY"), getenv("GITHUB_OUTPUT"),
				     &err))
		status = EXIT_GRADER;
	/* Delivery never changes the grade; only --webhook-strict makes it count. */
	if (c->wo.url && !deliver_report(r, &c->wo, &err) && c->wo.strict && status != EXIT_GRADER)
		status = EXIT_UNDELIVERED;
	error_lines(&err);
	strbuf_release(&err);
	return status;
}

/* Grading once, then writing the replay directory: the exit status. */
static int check_replay(struct check *c)
{
	struct strbuf err = STRBUF_INIT, side = STRBUF_INIT;
	struct report r;
	bool graded;
	int status = check_once(c, &r, &graded);

	if (!graded)
		return status;
	if (!r.compiled) {
		error("no replay: the submission does not compile");
	} else if (replay_write(c->replay, c->ex, &c->sel, c->path, &r, &side, &err)) {
		error("%s", err.buf);
		status = EXIT_USAGE;
	} else {
		fputs(side.buf, stdout);
	}
	report_release(&r);
	strbuf_release(&err);
	strbuf_release(&side);
	return status;
}

/* Grading at every save until a signal: the last grading's exit status. */
static int check_watch(struct check *c)
{
	struct strbuf err = STRBUF_INIT, changes = STRBUF_INIT;
	struct watch *w = watch_new(c->path, &err);
	struct report prev, r;
	bool have_prev = false, graded;
	int status = EXIT_USAGE, ret = 1;

	if (!w) {
		error("%s", err.buf);
		goto out;
	}
	while (ret > 0) {
		status = check_once(c, &r, &graded);
		if (graded && have_prev) {
			strbuf_reset(&changes);
			watch_changes(&prev, &r, &changes);
			printf("changes since the last run:\n%s", changes.buf);
			report_release(&prev);
		}
		if (graded) {
			prev = r;
			have_prev = true;
		}
		printf("watching %s for saves (Ctrl-C stops)\n", c->path);
		fflush(stdout);
		ret = watch_wait(w, &err);
	}
	if (ret < 0) {
		error("%s", err.buf);
		status = EXIT_GRADER;
	}
	if (have_prev)
		report_release(&prev);
	watch_free(w);
out:
	strbuf_release(&err);
	strbuf_release(&changes);
	return status;
}

static int usage_error(struct strbuf *err, const char *msg)
{
	strbuf_addstr(err, msg);
	return -EINVAL;
}

/* Gives every option to its parser: 0, or an exit status. */
static int parse_options(struct check *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "report", required_argument, NULL, 'r' },
		{ "test", required_argument, NULL, 't' },
		{ "replay", required_argument, NULL, 'R' },
		{ "watch", no_argument, NULL, 'W' },
		GRADE_OPTIONS,
		WEBHOOK_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf err = STRBUF_INIT;
	int ch, ret = 0;

	while (!ret && (ch = getopt_long(argc, argv, "j:", opts, NULL)) != -1) {
		if (ch == 'f')
			ret = report_format_parse(optarg, &c->format, &err);
		else if (ch == 'r')
			ret = report_files_add(&c->files, optarg, &err);
		else if (ch == 't' && c->ntests < TESTS_MAX)
			c->tests[c->ntests++] = optarg;
		else if (ch == 't')
			ret = usage_error(&err, "--test: at most 64 times");
		else if (ch == 'R')
			c->replay = optarg;
		else if (ch == 'W')
			c->watch = true;
		else if (grade_option(ch))
			ret = grade_args_parse(&c->ga, ch, optarg, &err);
		else if (webhook_option(ch))
			ret = webhook_opts_parse(&c->wo, ch, optarg, &err);
		else
			goto usage;
	}
	if (ret)
		goto fail;
	if (argc - optind != 2)
		goto usage;
	if (c->replay && !c->ntests)
		ret = usage_error(&err, "--replay needs --test NAME: the test to replay");
	else if (c->watch && (c->replay || c->wo.url))
		ret = usage_error(&err, "--watch does not go with --replay or --webhook");
	if (!ret)
		return 0;
fail:
	error("%s", err.buf);
	strbuf_release(&err);
	return EXIT_USAGE;
usage:
	fputs(usage, stderr);
	strbuf_release(&err);
	return EXIT_USAGE;
}

/* The tests --test names; the one --replay takes must be alone and visible. */
static int select_tests(struct check *c)
{
	struct strbuf err = STRBUF_INIT;
	int ret = 0;

	if (!c->ntests)
		return 0;
	if (test_selection_make(&c->sel, c->ex, c->tests, c->ntests, &err))
		ret = EXIT_USAGE;
	else if (c->replay && replay_check(c->ex, &c->sel, &err))
		ret = EXIT_USAGE;
	if (ret)
		error("%s", err.buf);
	c->ga.o.sel = &c->sel;
	c->ga.o.keep_channels = c->replay != NULL;
	strbuf_release(&err);
	return ret;
}

int cmd_check(int argc, char **argv)
{
	struct check c = { .wo = WEBHOOK_OPTS_INIT, .sel = TEST_SELECTION_INIT };
	struct strbuf err = STRBUF_INIT;
	struct report r;
	bool graded;
	int ret, status;

	c.format = report_format_find("human");
	if (wants_help(argc, argv, usage))
		return 0;
	status = parse_options(&c, argc, argv);
	if (status)
		goto out;
	c.path = argv[optind + 1];
	if (!c.ga.have_seed)
		c.ga.o.seed = random_u64() % 1000000000ULL;
	status = EXIT_USAGE;
	/* Read now, and removed from the environment before anything runs. */
	if (webhook_opts_setup(&c.wo, false, &err)) {
		error("%s", err.buf);
		goto out;
	}
	ret = exercise_load(exercises_dir(c.ga.exercises), argv[optind], &c.ex, &err);
	if (ret) {
		error("%s", err.buf);
		status = ret == -ENOENT || ret == -EINVAL ? EXIT_USAGE : EXIT_GRADER;
		goto out;
	}
	status = select_tests(&c);
	if (status)
		goto out;
	if (grader_open(&c.g, &err)) {
		error("%s", err.buf);
		status = EXIT_GRADER;
		goto out;
	}
	if (c.watch) {
		status = check_watch(&c);
	} else if (c.replay) {
		status = check_replay(&c);
	} else {
		status = check_once(&c, &r, &graded);
		if (graded)
			report_release(&r);
	}
	grader_close(&c.g);
out:
	test_selection_release(&c.sel);
	exercise_free(c.ex);
	webhook_opts_release(&c.wo);
	strbuf_release(&err);
	return status;
}
