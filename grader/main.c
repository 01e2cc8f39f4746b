/*
 * main.c: the command table, and what every command shares.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "sandbox.h"
#include "version.h"
#include "util.h"

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "list", cmd_list, "list the exercises, their titles and points" },
	{ "show", cmd_show, "show an exercise's statement, API and tests, or a known mistake" },
	{ "init", cmd_init, "write an exercise's header and a starter file" },
	{ "check", cmd_check, "grade one submission" },
	{ "deliver", cmd_deliver, "re-send webhook reports that were not delivered" },
	{ "batch", cmd_batch, "grade a class, in parallel, cached and resumable" },
	{ "merge", cmd_merge, "combine the outputs of sharded batches" },
	{ "ci", cmd_ci, "grade what a repository's grader.json names, for CI" },
	{ "verify", cmd_verify, "check that exercises are sound on this machine" },
};

void error(const char *fmt, ...)
{
	va_list ap;

	fputs("grader: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool use_color(FILE *f)
{
	const char *no = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (no && *no)
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fileno(f));
}

void error_lines(const struct strbuf *lines)
{
	const char *p = strbuf_str(lines), *nl;

	for (; *p; p = *nl ? nl + 1 : nl) {
		nl = strchrnul(p, '\n');
		fprintf(stderr, "grader: %.*s\n", (int)(nl - p), p);
	}
}

bool grade_option(int c)
{
	return c == 's' || c == 'j' || c == 'e' || c == 'S';
}

int grade_args_parse(struct grade_args *a, int c, const char *arg, struct strbuf *err)
{
	uint64_t jobs;

	switch (c) {
	case 's':
		if (!parse_u64(arg, &a->o.seed)) {
			strbuf_addf(err, "--seed: expected a non-negative integer, not '%s'", arg);
			return -EINVAL;
		}
		a->have_seed = true;
		return 0;
	case 'j':
		if (!parse_u64(arg, &jobs) || jobs < 1 || jobs > 64) {
			strbuf_addf(err, "-j: expected a number from 1 to 64, not '%s'", arg);
			return -EINVAL;
		}
		a->o.jobs = (int)jobs;
		return 0;
	case 'e':
		a->exercises = arg;
		return 0;
	case 'S':
		a->o.no_sanitize = true;
		return 0;
	default:
		strbuf_addf(err, "option %d is not a grading option", c);
		return -EINVAL;
	}
}

bool wants_help(int argc, char **argv, const char *usage)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return true;
		}
	}
	return false;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: grader <command> [options]\n\n"
		   "An autograder for C exercises: builds a submission with the exercise's\n"
		   "driver in a sandbox, runs every test in its own sandboxed process, and\n"
		   "compares what its functions returned with the reference solution's.\n\n"
		   "commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'grader <command> --help' describes a command's options.\n\n"
		   "exit status: 0 all passed, 1 graded with failures, 2 bad usage or\n"
		   "input, 3 grader failure, 4 a webhook report not delivered\n");
}

/* Ctrl-C or a termination request: no sandboxed program outlives us. */
static void on_signal(int sig)
{
	sandbox_kill_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("grader %s\n", GRADER_VERSION);
		return 0;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	error("'%s' is not a command (see 'grader --help')", argv[1]);
	return EXIT_USAGE;
}
