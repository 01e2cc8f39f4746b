/*
 * cmd-check.c: grader check EXERCISE FILE.c
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

static const char usage[] =
	"usage: grader check EXERCISE FILE.c [options]\n\n"
	"Grades one submission: builds it with the exercise's driver, runs every\n"
	"test in a sandbox and compares with the reference solution.\n\n"
	"  --format FORMAT   report on stdout: human (default) or json\n"
	"  --seed N          seed of the randomized tests (default: random; the\n"
	"                    report shows it, and --seed N reproduces the run)\n"
	"  --exercises DIR   exercises directory (default: $GRADER_EXERCISES)\n"
	"  -j N              tests run at once (default: one per core)\n\n"
	"exit status: 0 all tests passed, 1 something failed (a compile error\n"
	"included), 2 bad usage or input, 3 the grader failed\n";

enum format { FMT_HUMAN, FMT_JSON };

static int parse_format(const char *s, enum format *f)
{
	if (!strcmp(s, "human"))
		*f = FMT_HUMAN;
	else if (!strcmp(s, "json"))
		*f = FMT_JSON;
	else
		return -1;
	return 0;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "seed", required_argument, NULL, 's' },
		{ "exercises", required_argument, NULL, 'e' },
		{ "jobs", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct grade_opts o = { 0 };
	struct strbuf err = STRBUF_INIT;
	const char *dir_opt = NULL;
	enum format format = FMT_HUMAN;
	struct exercise *ex = NULL;
	struct grader g;
	struct report r;
	uint64_t jobs;
	bool have_seed = false;
	int c, ret, status;

	if (wants_help(argc, argv, usage))
		return 0;
	while ((c = getopt_long(argc, argv, "j:", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_format(optarg, &format)) {
				error("unknown format '%s' (expected human or json)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 's':
			if (!parse_u64(optarg, &o.seed)) {
				error("--seed: expected a non-negative integer, not '%s'", optarg);
				return EXIT_USAGE;
			}
			have_seed = true;
			break;
		case 'e':
			dir_opt = optarg;
			break;
		case 'j':
			if (!parse_u64(optarg, &jobs) || jobs < 1 || jobs > 64) {
				error("-j: expected a number from 1 to 64, not '%s'", optarg);
				return EXIT_USAGE;
			}
			o.jobs = (int)jobs;
			break;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (!have_seed)
		o.seed = random_u64() % 1000000000ULL;

	ret = exercise_load(exercises_dir(dir_opt), argv[optind], &ex, &err);
	if (ret) {
		error("%s", err.buf);
		strbuf_release(&err);
		return ret == -ENOENT || ret == -EINVAL ? EXIT_USAGE : EXIT_GRADER;
	}
	ret = grader_open(&g, &err);
	if (ret) {
		error("%s", err.buf);
		status = EXIT_GRADER;
		goto out_exercise;
	}
	ret = grade(&g, ex, argv[optind + 1], &o, &r, &err);
	if (ret) {
		error("%s", err.buf);
		status = ret == -EINVAL ? EXIT_USAGE : EXIT_GRADER;
		goto out_grader;
	}
	if (format == FMT_JSON) {
		char *json = report_json(&r);

		puts(json);
		free(json);
	} else {
		report_write_human(&r, stdout, use_color(stdout));
	}
	if (fflush(stdout) != 0) {
		error("cannot write the report: %s", strerror(errno));
		status = EXIT_GRADER;
	} else {
		status = report_exit_code(&r);
	}
	report_release(&r);
out_grader:
	grader_close(&g);
out_exercise:
	exercise_free(ex);
	strbuf_release(&err);
	return status;
}
