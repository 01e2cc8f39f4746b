/*
 * fuzz_spec.c: the exercise spec loader (grader/spec.c) on hostile
 * spec.json files. The input is written as <tmp>/ex/spec.json next to a
 * header, a statement and an input file, and loaded with exercise_load().
 *
 * Properties: it returns 0 or -EINVAL, never crashes; an error names the
 * spec file; a loaded exercise keeps the promises of spec.h (tests, points,
 * prerequisites that come earlier, limits in range).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "spec.h"
#include "util.h"

static char root[PATH_MAX];
static char spec_path[PATH_MAX];

static void put(const char *name, const char *text)
{
	char p[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/ex/%s", root, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		abort();
	close(fd);
}

static void cleanup(void)
{
	static const char *const names[] = {"spec.json", "ex.h",     "statement.md",
					    "input.txt", "driver.c", "reference.c"};
	char p[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/ex/%s", root, names[i]);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/ex", root);
	rmdir(p);
	rmdir(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char p[PATH_MAX];

	(void)argc;
	(void)argv;
	snprintf(root, sizeof(root), "%s/fuzz-spec-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		abort();
	snprintf(p, sizeof(p), "%s/ex", root);
	if (mkdir(p, 0755) < 0)
		abort();
	put("ex.h", "void f(void);\n");
	put("statement.md", "# ex\n");
	put("input.txt", "1 2 3\n");
	put("driver.c", "int main(void) { return 0; }\n");
	put("reference.c", "void f(void) {}\n");
	snprintf(spec_path, sizeof(spec_path), "%s/ex/spec.json", root);
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT;
	struct exercise *ex = NULL;
	int fd, ret;
	size_t i, j;

	fd = open(spec_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);

	ret = exercise_load(root, "ex", &ex, &err);
	FUZZ_ASSERT(ret == 0 || ret == -EINVAL);
	if (ret) {
		FUZZ_ASSERT(ex == NULL);
		FUZZ_ASSERT(strstr(strbuf_str(&err), "spec.json") != NULL);
	} else {
		int total = 0;

		FUZZ_ASSERT(ex->ntests >= 1 && ex->ntests <= 500);
		for (i = 0; i < ex->ntests; i++) {
			const struct test *t = &ex->tests[i];

			FUZZ_ASSERT(t->name && *t->name && t->hint && t->inject_hint);
			FUZZ_ASSERT(t->points >= 1);
			FUZZ_ASSERT(t->limits.cpu_ms >= 10 && t->limits.output_kb >= 1);
			for (j = 0; j < t->nrequires; j++)
				FUZZ_ASSERT(t->requires[j] < i);
			for (j = 0; j < t->nargs; j++)
				FUZZ_ASSERT(t->args[j] != NULL);
			total += t->points;
		}
		FUZZ_ASSERT(total == ex->max_score);
		FUZZ_ASSERT(strlen(ex->hash) == 64);
	}
	exercise_free(ex);
	strbuf_release(&err);
	return 0;
}
