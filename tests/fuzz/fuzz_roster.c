/*
 * fuzz_roster.c: the CSV reader and writer (grader/class/csv.c) and the
 * roster file (grader/class/roster-file.c) on hostile input.
 *
 * Properties: csv_parse() returns 0 or -EINVAL and never crashes; every
 * field it reads, written back by csv_field(), reads back as itself (with
 * the formula guard's leading quote where one was added); the roster loads
 * or fails with -EINVAL, and a loaded roster is sorted, without a student
 * twice or an empty one, every string set.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "fuzz_common.h"
#include "roster.h"
#include "util.h"

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
	snprintf(path, sizeof(path), "%s/fuzz-grader-XXXXXX.csv", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemps(path, 4);
	if (fd < 0)
		abort();
	close(fd);
	atexit(cleanup);
	return 0;
}

/* A field written and read back is itself, made valid UTF-8 (U+FFFD for a bad byte). */
static void round_trip(const char *field)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT, want = STRBUF_INIT;
	struct csv_row *rows;
	size_t n;
	bool guarded = *field && strchr("=+-@\t\r", *field);

	if (!*field)
		return; /* an empty field alone is an empty line: no row */
	strbuf_add_utf8(&want, field, strlen(field));
	csv_field(&out, field);
	FUZZ_ASSERT(csv_parse(out.buf, out.len, &rows, &n, &err) == 0);
	FUZZ_ASSERT(n == 1 && rows[0].n == 1);
	FUZZ_ASSERT(!strcmp(rows[0].fields[0] + guarded, strbuf_str(&want)));
	FUZZ_ASSERT(!guarded || rows[0].fields[0][0] == '\'');
	csv_rows_free(rows, n);
	strbuf_release(&out);
	strbuf_release(&err);
	strbuf_release(&want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT;
	struct roster_file rf;
	struct csv_row *rows;
	size_t n, i, j;
	int ret;
	FILE *f;

	ret = csv_parse((const char *)data, size, &rows, &n, &err);
	FUZZ_ASSERT(ret == 0 || ret == -EINVAL);
	FUZZ_ASSERT(ret == 0 || err.len > 0);
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(rows[i].n >= 1);
		for (j = 0; j < rows[i].n; j++)
			round_trip(rows[i].fields[j]);
	}
	csv_rows_free(rows, n);

	f = fopen(path, "wb");
	FUZZ_ASSERT(f != NULL);
	FUZZ_ASSERT(fwrite(data, 1, size, f) == size || size == 0);
	fclose(f);
	strbuf_reset(&err);
	ret = roster_file_load(path, &rf, &err);
	FUZZ_ASSERT(ret == 0 || ret == -EINVAL);
	FUZZ_ASSERT(ret == 0 || strstr(err.buf, path) != NULL);
	for (i = 0; ret == 0 && i < rf.n; i++) {
		const struct roster_entry *e = &rf.entries[i];

		FUZZ_ASSERT(e->student && *e->student && e->name && e->lms_id && e->sis_id &&
			    e->email && e->section);
		FUZZ_ASSERT(i == 0 || strcmp(rf.entries[i - 1].student, e->student) < 0);
		FUZZ_ASSERT(roster_file_find(&rf, e->student) == e);
	}
	if (ret == 0)
		roster_file_release(&rf);
	strbuf_release(&err);
	return 0;
}
