/*
 * cmd-list.c: grader list
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
	"usage: grader list [--exercises DIR]\n\n"
	"Lists the exercises with their titles and points.\n\n"
	"  --exercises DIR   exercises directory (default: $GRADER_EXERCISES, or the built-in one)\n";

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "exercises", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir_opt = NULL, *dir;
	char **ids;
	size_t n, i;
	int c, status = 0;

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
	if (optind != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	dir = exercises_dir(dir_opt);
	if (exercise_ids(dir, &ids, &n) < 0) {
		error("cannot read the exercises directory '%s': %s", dir, strerror(errno));
		return EXIT_USAGE;
	}
	for (i = 0; i < n; i++) {
		struct exercise *ex;
		struct strbuf err = STRBUF_INIT;

		if (exercise_load(dir, ids[i], &ex, &err) == 0) {
			printf("%-16s %-48s %3d points, %zu tests\n", ex->id, ex->title,
			       ex->max_score, ex->ntests);
			exercise_free(ex);
		} else {
			error("%s", err.buf);
			status = EXIT_USAGE;
		}
		strbuf_release(&err);
		free(ids[i]);
	}
	free(ids);
	return status;
}
