/*
 * cmd-show.c: grader show EXERCISE [--mistake NAME]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "spec.h"
#include "util.h"

static const char usage[] =
	"usage: grader show EXERCISE [--exercises DIR]\n"
	"   or: grader show EXERCISE --mistake NAME [--exercises DIR]\n\n"
	"Shows the statement, the header to implement, the tests and the limits.\n\n"
	"  --mistake NAME    print the program of the known mistake NAME instead\n"
	"                    (reference.c with the mistake's patch applied), for\n"
	"                    exercise authors; an unknown NAME is bad usage (exit 2)\n"
	"  --exercises DIR   exercises directory (default: $GRADER_EXERCISES)\n";

/* Prints mistake name's program; EXIT_USAGE when the exercise has no such mistake. */
static int show_mistake(const struct exercise *ex, const char *name)
{
	const struct mistake *mk = exercise_mistake(ex, name);
	struct strbuf known = STRBUF_INIT;
	size_t i;

	if (mk) {
		fwrite(mk->program, 1, mk->program_len, stdout);
		return fflush(stdout) ? EXIT_GRADER : 0;
	}
	for (i = 0; i < ex->nmistakes; i++)
		strbuf_addf(&known, "%s%s", i ? ", " : "", ex->mistakes[i].name);
	if (ex->nmistakes)
		error("no mistake named '%s' in exercise '%s' (its mistakes: %s)", name, ex->id,
		      known.buf);
	else
		error("no mistake named '%s': exercise '%s' has no known mistakes", name, ex->id);
	strbuf_release(&known);
	return EXIT_USAGE;
}

static int print_file(const char *path, const char *what)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = read_file(path, 1 << 20, false, &sb);

	if (ret) {
		error("cannot read the %s '%s': %s", what, path, strerror(-ret));
		return EXIT_USAGE;
	}
	fwrite(sb.buf, 1, sb.len, stdout);
	if (sb.len && sb.buf[sb.len - 1] != '\n')
		putchar('\n');
	strbuf_release(&sb);
	return 0;
}

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "exercises", required_argument, NULL, 'e' },
		{ "mistake", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir_opt = NULL, *mistake = NULL;
	struct strbuf err = STRBUF_INIT;
	struct exercise *ex;
	char *header;
	size_t i;
	int c, ret;

	if (wants_help(argc, argv, usage))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'e')
			dir_opt = optarg;
		else if (c == 'm')
			mistake = optarg;
		else {
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	ret = exercise_load(exercises_dir(dir_opt), argv[optind], &ex, &err);
	if (ret) {
		error("%s", err.buf);
		strbuf_release(&err);
		return EXIT_USAGE;
	}
	if (mistake) {
		ret = show_mistake(ex, mistake);
		goto out;
	}
	printf("# %s (%s)\n\n", ex->title, ex->id);
	ret = print_file(ex->statement, "statement");
	if (!ret) {
		header = path_join(ex->dir, ex->header);
		printf("\n## The header: %s\n\n```c\n", ex->header);
		ret = print_file(header, "header");
		printf("```\n");
		free(header);
	}
	if (!ret) {
		printf("\n## Tests (%d points)\n\n", ex->max_score);
		for (i = 0; i < ex->ntests; i++) {
			const struct test *t = &ex->tests[i];

			printf("- %-28s %2d point%s%s%s\n", t->name, t->points,
			       t->points == 1 ? "" : "s",
			       t->scaling.on ? ", timed against the reference" : "",
			       t->visibility == VIS_VISIBLE ? "" : ", hidden");
		}
		printf("\nLimits per test: %llu ms CPU, %llu MiB of memory, %llu KiB of output.\n",
		       (unsigned long long)ex->limits.cpu_ms,
		       (unsigned long long)ex->limits.memory_kb / 1024,
		       (unsigned long long)ex->limits.output_kb);
		if (ex->accounting)
			printf("Every allocation is accounted: leaks and bad frees fail tests.\n");
	}
out:
	exercise_free(ex);
	strbuf_release(&err);
	return ret;
}
