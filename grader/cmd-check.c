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
#include "report.h"
#include "spec.h"
#include "util.h"

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
	"  -j N              tests run at once (default: one per core)\n\n"
	"Webhook:\n" WEBHOOK_USAGE "\n"
	"With the github format, the markdown table is appended to\n"
	"$GITHUB_STEP_SUMMARY and score= and max_score= to $GITHUB_OUTPUT.\n\n"
	"exit status: 0 all tests passed, 1 something failed (a compile error\n"
	"included), 2 bad usage or input, 3 the grader failed, 4 (only with\n"
	"--webhook-strict) graded but the report was not delivered\n";

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "report", required_argument, NULL, 'r' },
		GRADE_OPTIONS,
		WEBHOOK_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const struct report_format *format = report_format_find("human");
	const struct report_format *github = report_format_find("github");
	struct grade_args ga = { 0 };
	struct report_files files = { 0 };
	struct webhook_opts wo = WEBHOOK_OPTS_INIT;
	struct strbuf err = STRBUF_INIT;
	struct report_opts ro;
	struct exercise *ex = NULL;
	struct grader g;
	struct report r;
	int c, ret, status = EXIT_USAGE;

	if (wants_help(argc, argv, usage))
		return 0;
	while ((c = getopt_long(argc, argv, "j:", opts, NULL)) != -1) {
		if (c == 'f')
			ret = report_format_parse(optarg, &format, &err);
		else if (c == 'r')
			ret = report_files_add(&files, optarg, &err);
		else if (grade_option(c))
			ret = grade_args_parse(&ga, c, optarg, &err);
		else if (webhook_option(c))
			ret = webhook_opts_parse(&wo, c, optarg, &err);
		else
			goto out_usage;
		if (ret) {
			error("%s", err.buf);
			goto out;
		}
	}
	if (argc - optind != 2)
		goto out_usage;
	if (!ga.have_seed)
		ga.o.seed = random_u64() % 1000000000ULL;
	/* Read now, and removed from the environment before anything runs. */
	if (webhook_opts_setup(&wo, false, &err)) {
		error("%s", err.buf);
		goto out;
	}

	ret = exercise_load(exercises_dir(ga.exercises), argv[optind], &ex, &err);
	if (ret) {
		error("%s", err.buf);
		status = ret == -ENOENT || ret == -EINVAL ? EXIT_USAGE : EXIT_GRADER;
		goto out;
	}
	ret = grader_open(&g, &err);
	if (ret) {
		error("%s", err.buf);
		status = EXIT_GRADER;
		goto out_exercise;
	}
	/* The reference's runs that no seed changes are kept for the next check. */
	ga.o.refs = ref_cache_new(g.builder.cache_dir);
	ret = grade(&g, ex, argv[optind + 1], &ga.o, &r, &err);
	ref_cache_free(ga.o.refs);
	ga.o.refs = NULL;
	if (ret) {
		error("%s", err.buf);
		status = ret == -EINVAL ? EXIT_USAGE : EXIT_GRADER;
		goto out_grader;
	}
	status = report_exit_code(&r);
	if (report_files_write(&files, &r, &err))
		status = EXIT_GRADER;
	ro.color = use_color(stdout);
	if (format->write(&r, stdout, &ro) || fflush(stdout) != 0) {
		strbuf_addf(&err, "cannot write the report: %s\n", strerror(errno));
		status = EXIT_GRADER;
	}
	if ((format == github || report_files_have(&files, github)) &&
	    report_github_step_files(&r, getenv("GITHUB_STEP_SUMMARY"), getenv("GITHUB_OUTPUT"),
				     &err))
		status = EXIT_GRADER;
	/* Delivery never changes the grade; only --webhook-strict makes it count. */
	if (wo.url && !deliver_report(&r, &wo, &err) && wo.strict && status != EXIT_GRADER)
		status = EXIT_UNDELIVERED;
	error_lines(&err);
	report_release(&r);
out_grader:
	grader_close(&g);
out_exercise:
	exercise_free(ex);
out:
	webhook_opts_release(&wo);
	strbuf_release(&err);
	return status;
out_usage:
	fputs(usage, stderr);
	goto out;
}
