/*
 * lms.c: grades-canvas.csv and grades-moodle.csv.
 */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "lms.h"
#include "util.h"

void lms_column_title(const struct gradebook *gb, size_t e, struct strbuf *sb)
{
	if (gb->name && *gb->name)
		strbuf_addf(sb, "%s: ", gb->name);
	strbuf_addstr(sb, gb->exercises[e].id);
}

static void put_score(struct strbuf *sb, double v)
{
	char buf[SCORE_BUF];

	format_score(v, buf);
	strbuf_addstr(sb, buf);
}

static void put_titles(struct strbuf *sb, const struct gradebook *gb)
{
	struct strbuf title = STRBUF_INIT;
	size_t e;

	for (e = 0; e < gb->nexercises; e++) {
		strbuf_reset(&title);
		lms_column_title(gb, e, &title);
		strbuf_addch(sb, ',');
		csv_field(sb, title.buf);
	}
	strbuf_addstr(sb, "\r\n");
	strbuf_release(&title);
}

/* ",<score>" per exercise, empty where the cell has no score (an error). */
static void put_scores(struct strbuf *sb, const struct gradebook *gb,
		       const struct gradebook_student *s)
{
	size_t e;

	for (e = 0; e < gb->nexercises; e++) {
		double v;

		strbuf_addch(sb, ',');
		if (gradebook_cell_score(&gb->exercises[e], &s->cells[e], &v))
			put_score(sb, v);
	}
	strbuf_addstr(sb, "\r\n");
}

/* The name an LMS shows: the roster's, else the student's directory. */
static const char *shown_name(const struct roster_entry *p, const char *student)
{
	return p && *p->name ? p->name : student;
}

char *lms_canvas_csv(const struct gradebook *gb)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, e;

	/* Canvas finds a student by ID, then SIS User ID, then SIS Login ID, then name. */
	strbuf_addstr(&sb, "Student,ID,SIS User ID,SIS Login ID,Section");
	put_titles(&sb, gb);
	strbuf_addstr(&sb, "Points Possible,,,,");
	for (e = 0; e < gb->nexercises; e++) {
		strbuf_addch(&sb, ',');
		put_score(&sb, gb->exercises[e].weight * gb->exercises[e].max_score);
	}
	strbuf_addstr(&sb, "\r\n");
	for (i = 0; i < gb->nstudents; i++) {
		const struct gradebook_student *s = &gb->students[i];
		const struct roster_entry *p = roster_file_find(gb->roster, s->name);

		csv_field(&sb, shown_name(p, s->name));
		strbuf_addch(&sb, ',');
		csv_field(&sb, p ? p->lms_id : "");
		strbuf_addch(&sb, ',');
		csv_field(&sb, p ? p->sis_id : "");
		strbuf_addch(&sb, ',');
		csv_field(&sb, p ? p->email : "");
		strbuf_addch(&sb, ',');
		csv_field(&sb, p ? p->section : "");
		put_scores(&sb, gb, s);
	}
	return strbuf_detach(&sb);
}

char *lms_moodle_csv(const struct gradebook *gb)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	/* Moodle's import asks which column identifies a user: e-mail or ID number. */
	strbuf_addstr(&sb, "Email address,ID number,Full name");
	put_titles(&sb, gb);
	for (i = 0; i < gb->nstudents; i++) {
		const struct gradebook_student *s = &gb->students[i];
		const struct roster_entry *p = roster_file_find(gb->roster, s->name);

		csv_field(&sb, p ? p->email : "");
		strbuf_addch(&sb, ',');
		csv_field(&sb, p ? p->lms_id : "");
		strbuf_addch(&sb, ',');
		csv_field(&sb, shown_name(p, s->name));
		put_scores(&sb, gb, s);
	}
	return strbuf_detach(&sb);
}

static bool in_class(const struct gradebook *gb, const char *student)
{
	size_t lo = 0, hi = gb->nstudents;

	/* The students are sorted by name (gradebook_sort()). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(gb->students[mid].name, student);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

const struct roster_entry **lms_not_in_class(const struct gradebook *gb, size_t *n)
{
	const struct roster_entry **out = NULL;
	size_t i;

	*n = 0;
	if (!gb->roster)
		return NULL;
	for (i = 0; i < gb->roster->n; i++) {
		const struct roster_entry *p = &gb->roster->entries[i];

		if (gb->nshards > 1 && roster_shard_of(p->student, gb->nshards) != gb->shard)
			continue;
		if (in_class(gb, p->student))
			continue;
		if (!out)
			out = xcalloc(gb->roster->n, sizeof(*out));
		out[(*n)++] = p;
	}
	return out;
}
