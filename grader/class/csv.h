/*
 * csv.h: CSV as RFC 4180 describes it, written for every file the class
 * outputs (grades.csv, tests.csv, the LMS files, changes.csv) and read for
 * the one file an instructor gives (the roster).
 */
#ifndef GRADER_CSV_H
#define GRADER_CSV_H

#ifndef GRADER_LAYER_CLASS
#error "a header of grader/class/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include <stddef.h>

#include "strbuf.h"

/*
 * Appends s as one field: quoted when it holds a comma, a quote, a line
 * break, a leading or trailing space, or starts with a byte-order mark. A
 * field a spreadsheet would run as a formula (a student's directory named
 * "=HYPERLINK(...)": a first character among = + - @, a tab or a carriage
 * return) gets a leading '. Every byte that is not valid UTF-8 becomes
 * U+FFFD, so every file made of fields is UTF-8.
 */
void csv_field(struct strbuf *sb, const char *s);

struct csv_row {
	char **fields;
	size_t n;
	size_t line;       /* where the row starts, from 1 */
};

/*
 * Splits text (len bytes; a UTF-8 byte-order mark at its start is skipped)
 * into rows of fields: fields separated by commas, rows by LF or CRLF, a
 * field in double quotes may hold commas, line breaks and doubled quotes.
 * Empty lines are skipped. Returns 0 with *rows (the caller frees them with
 * csv_rows_free()), or -EINVAL when a quote is not closed, text follows a
 * closing quote, or a NUL byte appears (err says on which line).
 */
int csv_parse(const char *text, size_t len, struct csv_row **rows, size_t *nrows,
	      struct strbuf *err);
void csv_rows_free(struct csv_row *rows, size_t n);

#endif /* GRADER_CSV_H */
