/*
 * roster-file.c: the roster file an instructor gives (--roster FILE): the
 * LMS identities of the class's students.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "roster.h"
#include "util.h"

enum column { COL_STUDENT, COL_NAME, COL_LMS_ID, COL_SIS_ID, COL_EMAIL, COL_SECTION, NCOLS };

/* Header names, as normalized by column_of(), and the aliases a spreadsheet may carry. */
static const struct {
	const char *name;
	enum column col;
} names[] = {
	{ "student", COL_STUDENT },   { "student_directory", COL_STUDENT },
	{ "directory", COL_STUDENT }, { "name", COL_NAME },
	{ "display_name", COL_NAME }, { "lms_id", COL_LMS_ID },
	{ "sis_id", COL_SIS_ID },     { "sis_user_id", COL_SIS_ID },
	{ "email", COL_EMAIL },       { "section", COL_SECTION },
};

/* The column a header cell names: lower case, trimmed, spaces and '-' as '_'; -1 if none. */
static int column_of(const char *cell)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = cell, *end = cell + strlen(cell);
	int col = -1;
	size_t i;

	while (*p == ' ' || *p == '\t')
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (; p < end; p++)
		strbuf_addch(&sb, *p == ' ' || *p == '-' ? '_' : (char)tolower((unsigned char)*p));
	for (i = 0; i < ARRAY_SIZE(names) && col < 0; i++)
		if (!strcmp(strbuf_str(&sb), names[i].name))
			col = (int)names[i].col;
	strbuf_release(&sb);
	return col;
}

static char **field_of(struct roster_entry *e, enum column c)
{
	switch (c) {
	case COL_STUDENT: return &e->student;
	case COL_NAME: return &e->name;
	case COL_LMS_ID: return &e->lms_id;
	case COL_SIS_ID: return &e->sis_id;
	case COL_EMAIL: return &e->email;
	default: return &e->section;
	}
}

static int by_student(const void *a, const void *b)
{
	return strcmp(((const struct roster_entry *)a)->student,
		      ((const struct roster_entry *)b)->student);
}

static int read_header(const struct csv_row *h, const char *path, int *cols, struct strbuf *err)
{
	bool seen[NCOLS] = { false };
	size_t i;

	for (i = 0; i < h->n; i++) {
		cols[i] = column_of(h->fields[i]);
		if (cols[i] < 0) {
			strbuf_addf(err, "%s: line %zu: unknown column '%s' (expected student, name, "
				    "lms_id, email, section, sis_id)", path, h->line, h->fields[i]);
			return -EINVAL;
		}
		if (seen[cols[i]]) {
			strbuf_addf(err, "%s: line %zu: column '%s' is given twice", path, h->line,
				    h->fields[i]);
			return -EINVAL;
		}
		seen[cols[i]] = true;
	}
	if (!seen[COL_STUDENT]) {
		strbuf_addf(err, "%s: line %zu: no 'student' column (the student's directory)", path,
			    h->line);
		return -EINVAL;
	}
	return 0;
}

static int read_rows(const struct csv_row *rows, size_t n, size_t ncols, const char *path,
		     const int *cols, struct roster_file *rf, struct strbuf *err)
{
	size_t i, j;

	rf->entries = xcalloc(n ? n : 1, sizeof(*rf->entries));
	for (i = 0; i < n; i++) {
		struct roster_entry *e = &rf->entries[rf->n++];
		enum column c;

		if (rows[i].n > ncols) {
			strbuf_addf(err, "%s: line %zu: %zu fields, the header has %zu", path,
				    rows[i].line, rows[i].n, ncols);
			return -EINVAL;
		}
		for (j = 0; j < rows[i].n; j++)
			*field_of(e, (enum column)cols[j]) = xstrdup(rows[i].fields[j]);
		for (c = COL_STUDENT; c < NCOLS; c++)
			if (!*field_of(e, c))
				*field_of(e, c) = xstrdup("");
		if (!*e->student) {
			strbuf_addf(err, "%s: line %zu: no student directory", path, rows[i].line);
			return -EINVAL;
		}
	}
	return 0;
}

int roster_file_load(const char *path, struct roster_file *rf, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT, why = STRBUF_INIT;
	struct csv_row *rows = NULL;
	size_t nrows = 0, i;
	int *cols = NULL, ret;

	memset(rf, 0, sizeof(*rf));
	ret = read_file(path, ROSTER_FILE_MAX, false, &text);
	if (ret == -EFBIG) {
		strbuf_addf(err, "%s: larger than %d MiB: not a roster", path, ROSTER_FILE_MAX >> 20);
		goto out;
	} else if (ret) {
		strbuf_addf(err, "cannot read the roster '%s': %s", path, strerror(-ret));
		goto out;
	}
	ret = csv_parse(text.buf, text.len, &rows, &nrows, &why);
	if (ret) {
		strbuf_addf(err, "%s: %s", path, why.buf);
		goto out;
	}
	if (nrows == 0) {
		strbuf_addf(err, "%s: empty: a roster starts with a header line", path);
		ret = -EINVAL;
		goto out;
	}
	cols = xcalloc(rows[0].n, sizeof(int));
	ret = read_header(&rows[0], path, cols, err);
	if (!ret)
		ret = read_rows(rows + 1, nrows - 1, rows[0].n, path, cols, rf, err);
	if (ret)
		goto out;
	if (rf->n > 1)
		qsort(rf->entries, rf->n, sizeof(*rf->entries), by_student);
	for (i = 1; i < rf->n; i++) {
		if (!strcmp(rf->entries[i - 1].student, rf->entries[i].student)) {
			strbuf_addf(err, "%s: student '%s' is listed twice", path,
				    rf->entries[i].student);
			ret = -EINVAL;
			goto out;
		}
	}
out:
	if (ret)
		roster_file_release(rf);
	csv_rows_free(rows, nrows);
	free(cols);
	strbuf_release(&text);
	strbuf_release(&why);
	return ret;
}

void roster_file_release(struct roster_file *rf)
{
	size_t i;
	enum column c;

	for (i = 0; i < rf->n; i++)
		for (c = COL_STUDENT; c < NCOLS; c++)
			free(*field_of(&rf->entries[i], c));
	free(rf->entries);
	memset(rf, 0, sizeof(*rf));
}

const struct roster_entry *roster_file_find(const struct roster_file *rf, const char *student)
{
	struct roster_entry key = { .student = (char *)student };

	if (!rf || !rf->n)
		return NULL;
	return bsearch(&key, rf->entries, rf->n, sizeof(key), by_student);
}
