/*
 * fuzz_assignment.c: the assignment file loader (grader/class/assignment.c) on
 * hostile grader.json files, written to a temporary file and loaded with
 * assignment_load().
 *
 * Properties: it returns 0 or -EINVAL, never crashes; an error names the
 * file; a loaded assignment keeps the promises of assignment.h (at least
 * one exercise, weights from 0 to 1000, relative file paths without "..",
 * every string set).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "assignment.h"
#include "fuzz_common.h"

static char path[PATH_MAX];

static void cleanup(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/fuzz-grader-XXXXXX.json", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemps(path, 5);
	if (fd < 0)
		abort();
	close(fd);
	atexit(cleanup);
	return 0;
}

static bool relative_inside(const char *p)
{
	const char *c = p;

	if (!*p || *p == '/')
		return false;
	while ((c = strstr(c, "..")) != NULL) {
		bool starts = c == p || c[-1] == '/';
		bool ends = c[2] == '\0' || c[2] == '/';

		if (starts && ends)
			return false;
		c += 2;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assignment a = ASSIGNMENT_INIT;
	struct strbuf err = STRBUF_INIT;
	int fd, ret;
	size_t i;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);

	ret = assignment_load(path, &a, &err);
	FUZZ_ASSERT(ret == 0 || ret == -EINVAL);
	if (ret) {
		FUZZ_ASSERT(strstr(strbuf_str(&err), path) != NULL);
	} else {
		FUZZ_ASSERT(a.name != NULL);
		FUZZ_ASSERT(a.nexercises >= 1);
		for (i = 0; i < a.nexercises; i++) {
			const struct assignment_exercise *e = &a.exercises[i];

			FUZZ_ASSERT(e->id && *e->id);
			FUZZ_ASSERT(e->weight >= 0 && e->weight <= 1000);
			FUZZ_ASSERT(!e->file || relative_inside(e->file));
			FUZZ_ASSERT(assignment_find(&a, e->id) != NULL);
		}
	}
	assignment_release(&a);
	strbuf_release(&err);
	return 0;
}
