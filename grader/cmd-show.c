/*
 * cmd-show.c: grader show EXERCISE
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
	"usage: grader show EXERCISE [--exercises DIR]\n\n"
	"Shows the statement, the header to implement, the tests and the limits.\n";

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
		{ NULL, 0, NULL, 0 },
	};
	const char *dir_opt = NULL;
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
	exercise_free(ex);
	strbuf_release(&err);
	return ret;
}
