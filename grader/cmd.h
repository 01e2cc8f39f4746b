/*
 * cmd.h: the subcommands, one file each (grader/cmd-<name>.c).
 *
 * How to add a command: write cmd-<name>.c with
 *   int cmd_<name>(int argc, char **argv);
 * which parses its own options (argv[0] is the command's name), prints
 * its own diagnostics and returns an exit status (EXIT_* below); declare it
 * here; add a line to the commands[] table in main.c; add the file to the
 * grader target in CMakeLists.txt; list it in README.md's table of
 * commands and describe it and its options in docs/ (the test
 * docs/help-vs-docs fails on an option its --help names that no page does).
 * Options that several commands take come as getopt_long entries with one
 * parser each: GRADE_OPTIONS below, WEBHOOK_OPTIONS in deliver/deliver.h.
 */
#ifndef GRADER_CMD_H
#define GRADER_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "grade.h"
#include "strbuf.h"

/* Exit statuses, as in the contract. */
#define EXIT_PASSED 0
#define EXIT_FAILED 1   /* graded, something failed (a compile error included) */
#define EXIT_USAGE 2    /* bad usage or bad input */
#define EXIT_GRADER 3   /* the grader itself failed */
#define EXIT_UNDELIVERED 4 /* graded, but a webhook delivery failed (--webhook-strict, deliver) */

int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_deliver(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_ci(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/* Shared by the commands (main.c). */
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whether to colour output on f: a terminal, and NO_COLOR unset. */
bool use_color(FILE *f);
/* Prints each line of lines as error() does; nothing when it is empty. */
void error_lines(const struct strbuf *lines);

/*
 * The options of the commands that grade (check, ci, verify), for their
 * getopt_long tables: --seed N, -j N (--jobs), --exercises DIR and
 * --no-sanitize.
 */
#define GRADE_OPTIONS                                                   \
	{ "seed", required_argument, NULL, 's' },                      \
		{ "jobs", required_argument, NULL, 'j' },              \
		{ "exercises", required_argument, NULL, 'e' },         \
		{ "no-sanitize", no_argument, NULL, 'S' }

struct grade_args {
	struct grade_opts o;
	bool have_seed;        /* --seed was given */
	const char *exercises; /* --exercises, or NULL */
};

/* Whether c, a value from getopt_long, is one of GRADE_OPTIONS. */
bool grade_option(int c);
/* Takes one of GRADE_OPTIONS into a: 0, or -EINVAL with err saying why. */
int grade_args_parse(struct grade_args *a, int c, const char *arg, struct strbuf *err);
/* Prints usage to stdout and returns 0 when argv asks for --help or -h. */
bool wants_help(int argc, char **argv, const char *usage);

#endif /* GRADER_CMD_H */
