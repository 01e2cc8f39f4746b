/*
 * csv.c: RFC 4180 fields out, rows in.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "util.h"

/* s, already valid UTF-8, as one field. */
static void add_field(struct strbuf *sb, const char *s)
{
	bool quote = false, guard = *s && strchr("=+-@\t\r", *s);
	const char *p;

	for (p = s; *p; p++)
		if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r')
			quote = true;
	/* A byte-order mark at the start of a file would be taken for the encoding's. */
	if (*s == ' ' || (*s && s[strlen(s) - 1] == ' ') || !strncmp(s, "\xef\xbb\xbf", 3))
		quote = true;
	if (!quote) {
		if (guard)
			strbuf_addch(sb, '\'');
		strbuf_addstr(sb, s);
		return;
	}
	strbuf_addch(sb, '"');
	if (guard)
		strbuf_addch(sb, '\'');
	for (p = s; *p; p++) {
		if (*p == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *p);
	}
	strbuf_addch(sb, '"');
}

/*
 * Every file written here is read as UTF-8 (an LMS import, a spreadsheet,
 * Python's csv), and a student's name is a file name, whose bytes need not
 * be: each field is made valid first.
 */
void csv_field(struct strbuf *sb, const char *s)
{
	struct strbuf clean = STRBUF_INIT;

	strbuf_add_utf8(&clean, s, strlen(s));
	add_field(sb, strbuf_str(&clean));
	strbuf_release(&clean);
}

struct parser {
	struct csv_row *rows;
	size_t n, alloc;
	struct csv_row row;
	size_t row_alloc;
	struct strbuf field;
};

static void end_field(struct parser *ps)
{
	if (ps->row.n == ps->row_alloc) {
		ps->row_alloc = ps->row_alloc ? 2 * ps->row_alloc : 8;
		ps->row.fields = xrealloc(ps->row.fields, ps->row_alloc * sizeof(char *));
	}
	ps->row.fields[ps->row.n++] = xstrdup(strbuf_str(&ps->field));
	strbuf_reset(&ps->field);
}

static void end_row(struct parser *ps)
{
	end_field(ps);
	if (ps->row.n == 1 && !*ps->row.fields[0]) {
		/* An empty line: no row. */
		free(ps->row.fields[0]);
		ps->row.n = 0;
		return;
	}
	if (ps->n == ps->alloc) {
		ps->alloc = ps->alloc ? 2 * ps->alloc : 16;
		ps->rows = xrealloc(ps->rows, ps->alloc * sizeof(*ps->rows));
	}
	ps->rows[ps->n++] = ps->row;
	memset(&ps->row, 0, sizeof(ps->row));
	ps->row_alloc = 0;
}

int csv_parse(const char *text, size_t len, struct csv_row **rows, size_t *nrows,
	      struct strbuf *err)
{
	struct parser ps = { 0 };
	size_t i = 0, line = 1;
	bool quoted = false, closed = false;
	int ret = 0;

	strbuf_init(&ps.field);
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		i = 3;
	ps.row.line = line;
	for (; i < len && !ret; i++) {
		char c = text[i];

		if (c == '\0') {
			strbuf_addf(err, "line %zu: a NUL byte: not a text file", line);
			ret = -EINVAL;
		} else if (quoted) {
			if (c == '"' && i + 1 < len && text[i + 1] == '"') {
				strbuf_addch(&ps.field, '"');
				i++;
			} else if (c == '"') {
				quoted = false;
				closed = true;
			} else {
				if (c == '\n')
					line++;
				strbuf_addch(&ps.field, c);
			}
		} else if (c == ',') {
			end_field(&ps);
			closed = false;
		} else if (c == '\n' || (c == '\r' && i + 1 < len && text[i + 1] == '\n')) {
			if (c == '\r')
				i++;
			end_row(&ps);
			closed = false;
			ps.row.line = ++line;
		} else if (closed) {
			strbuf_addf(err, "line %zu: text after a closing quote", line);
			ret = -EINVAL;
		} else if (c == '"' && ps.field.len == 0) {
			quoted = true;
		} else {
			strbuf_addch(&ps.field, c);
		}
	}
	if (!ret && quoted) {
		strbuf_addf(err, "line %zu: a quote is not closed", ps.row.line);
		ret = -EINVAL;
	}
	if (!ret && (ps.field.len || ps.row.n || closed))
		end_row(&ps);
	/* A row not ended (an error), or the array an empty last line left. */
	for (i = 0; i < ps.row.n; i++)
		free(ps.row.fields[i]);
	free(ps.row.fields);
	if (ret) {
		csv_rows_free(ps.rows, ps.n);
		ps.rows = NULL;
		ps.n = 0;
	}
	strbuf_release(&ps.field);
	*rows = ps.rows;
	*nrows = ps.n;
	return ret;
}

void csv_rows_free(struct csv_row *rows, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < rows[i].n; j++)
			free(rows[i].fields[j]);
		free(rows[i].fields);
	}
	free(rows);
}
