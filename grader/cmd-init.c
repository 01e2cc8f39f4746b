/*
 * cmd-init.c: grader init EXERCISE [DIR]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "spec.h"
#include "util.h"

static const char usage[] =
	"usage: grader init EXERCISE [DIR] [--force] [--exercises DIR]\n\n"
	"Writes the exercise's header and a starter file that compiles (and fails\n"
	"the tests) into DIR (default: the current directory).\n\n"
	"  --force   overwrite files that exist\n";

/* Copies from into dir/name without overwriting unless force. */
static int put(const char *from, const char *dir, const char *name, bool force)
{
	struct strbuf sb = STRBUF_INIT;
	char *to = path_join(dir, name);
	int ret, fd;

	ret = read_file(from, 1 << 20, false, &sb);
	if (ret) {
		error("cannot read '%s': %s", from, strerror(-ret));
		ret = EXIT_GRADER;
		goto out;
	}
	fd = open(to, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (force ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			error("'%s' exists; use --force to overwrite it", to);
		else
			error("cannot create '%s': %s", to, strerror(errno));
		ret = EXIT_USAGE;
		goto out;
	}
	if (write(fd, sb.buf, sb.len) != (ssize_t)sb.len || close(fd) < 0) {
		error("cannot write '%s': %s", to, strerror(errno));
		ret = EXIT_GRADER;
		goto out;
	}
	printf("wrote %s\n", to);
	ret = 0;
out:
	free(to);
	strbuf_release(&sb);
	return ret;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "exercises", required_argument, NULL, 'e' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir_opt = NULL, *dest = ".";
	struct strbuf err = STRBUF_INIT;
	struct exercise *ex;
	bool force = false;
	char *from;
	int c, ret;

	if (wants_help(argc, argv, usage))
		return 0;
	while ((c = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
		if (c == 'e')
			dir_opt = optarg;
		else if (c == 'f')
			force = true;
		else {
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (argc - optind == 2)
		dest = argv[optind + 1];
	ret = exercise_load(exercises_dir(dir_opt), argv[optind], &ex, &err);
	if (ret) {
		error("%s", err.buf);
		strbuf_release(&err);
		return EXIT_USAGE;
	}
	if (mkdir(dest, 0755) < 0 && errno != EEXIST) {
		error("cannot create '%s': %s", dest, strerror(errno));
		ret = EXIT_USAGE;
		goto out;
	}
	from = path_join(ex->dir, ex->header);
	ret = put(from, dest, ex->header, force);
	free(from);
	if (!ret) {
		struct strbuf name = STRBUF_INIT;

		strbuf_add(&name, ex->header, strlen(ex->header) - 2);
		strbuf_addstr(&name, ".c");
		from = path_join(ex->dir, "starter.c");
		ret = put(from, dest, name.buf, force);
		if (!ret)
			printf("next: grader check %s %s/%s\n", ex->id, dest, name.buf);
		free(from);
		strbuf_release(&name);
	}
out:
	exercise_free(ex);
	strbuf_release(&err);
	return ret;
}
