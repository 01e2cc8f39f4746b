/*
 * gradebook.c: the class's results, their figures, and the two CSV files.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "gradebook.h"
#include "version.h"
#include "util.h"

static const char *const cell_names[CELL_STATUS_COUNT] = {
	[CELL_PASSED] = "passed",
	[CELL_FAILED] = "failed",
	[CELL_COMPILE_ERROR] = "compile_error",
	[CELL_MISSING] = "missing",
	[CELL_AMBIGUOUS] = "ambiguous",
	[CELL_INVALID] = "invalid",
	[CELL_ERROR] = "error",
	[CELL_PENDING] = "pending",
};

/* Which cell decides a row's status: the one that most needs looking at. */
static const int severity[CELL_STATUS_COUNT] = {
	[CELL_PASSED] = 0,  [CELL_FAILED] = 1,    [CELL_COMPILE_ERROR] = 2,
	[CELL_MISSING] = 3, [CELL_AMBIGUOUS] = 4, [CELL_INVALID] = 5,
	[CELL_PENDING] = 6, [CELL_ERROR] = 7,
};

void gradebook_init(struct gradebook *gb, const char *name, uint64_t seed,
		    const char *compiler)
{
	memset(gb, 0, sizeof(*gb));
	gb->name = xstrdup(name ? name : "");
	gb->seed = seed;
	gb->grader_version = xstrdup(GRADER_VERSION);
	gb->compiler = xstrdup(compiler ? compiler : "");
	gb->nshards = 1;
}

const char *cell_status_name(enum cell_status s)
{
	return (unsigned)s < CELL_STATUS_COUNT ? cell_names[s] : "unknown";
}

int cell_status_parse(const char *s)
{
	int i;

	for (i = 0; i < CELL_STATUS_COUNT; i++)
		if (!strcmp(s, cell_names[i]))
			return i;
	return -1;
}

static int by_name(const void *a, const void *b)
{
	const struct gradebook_student *x = a, *y = b;

	return strcmp(x->name, y->name);
}

void gradebook_sort(struct gradebook *gb)
{
	if (gb->nstudents > 1)
		qsort(gb->students, gb->nstudents, sizeof(*gb->students), by_name);
}

static void cell_release(struct gradebook_cell *c)
{
	free(c->file);
	free(c->note);
	free(c->json);
	if (c->graded)
		report_release(&c->report);
	memset(c, 0, sizeof(*c));
}

void gradebook_release(struct gradebook *gb)
{
	size_t i, j;

	for (i = 0; i < gb->nstudents; i++) {
		for (j = 0; gb->students[i].cells && j < gb->nexercises; j++)
			cell_release(&gb->students[i].cells[j]);
		free(gb->students[i].cells);
		free(gb->students[i].name);
	}
	free(gb->students);
	for (i = 0; i < gb->nexercises; i++) {
		struct gradebook_exercise *ex = &gb->exercises[i];

		for (j = 0; j < ex->ntests; j++)
			free(ex->tests[j].name);
		free(ex->tests);
		free(ex->id);
		free(ex->title);
		free(ex->file);
	}
	free(gb->exercises);
	free(gb->name);
	free(gb->grader_version);
	free(gb->compiler);
	memset(gb, 0, sizeof(*gb));
}

int gradebook_cell_set_report(struct gradebook_cell *c, const struct gradebook_exercise *ex,
			      char *json, struct strbuf *err)
{
	struct report r;
	size_t i;
	int ret;

	ret = report_parse(json, &r, err);
	if (ret) {
		free(json);
		return ret;
	}
	if (strcmp(r.exercise, ex->id) || r.ntests != ex->ntests) {
		strbuf_addf(err, "a report of '%s' with %zu tests, expected '%s' with %zu",
			    r.exercise, r.ntests, ex->id, ex->ntests);
		goto mismatch;
	}
	for (i = 0; i < r.ntests; i++) {
		if (strcmp(r.tests[i].name, ex->tests[i].name)) {
			strbuf_addf(err, "test %zu is '%s', expected '%s'", i, r.tests[i].name,
				    ex->tests[i].name);
			goto mismatch;
		}
	}
	if (c->graded)
		report_release(&c->report);
	free(c->json);
	c->json = json;
	c->report = r;
	c->graded = true;
	if (!r.compiled)
		c->status = CELL_COMPILE_ERROR;
	else
		c->status = report_exit_code(&r) == 0 ? CELL_PASSED : CELL_FAILED;
	if (c->sha256[0] == '\0' && r.sha256 && strlen(r.sha256) == 64)
		memcpy(c->sha256, r.sha256, 65);
	return 0;
mismatch:
	report_release(&r);
	free(json);
	return -EINVAL;
}

bool gradebook_total(const struct gradebook *gb, const struct gradebook_student *s,
		     double *score, double *max, enum cell_status *status)
{
	enum cell_status worst = CELL_PASSED;
	bool complete = true;
	double v;
	size_t i;

	*score = 0;
	*max = 0;
	for (i = 0; i < gb->nexercises; i++) {
		const struct gradebook_cell *c = &s->cells[i];
		const struct gradebook_exercise *ex = &gb->exercises[i];

		if (severity[c->status] > severity[worst])
			worst = c->status;
		*max += ex->weight * ex->max_score;
		if (gradebook_cell_score(ex, c, &v))
			*score += v;
		else
			complete = false;
	}
	*status = worst;
	return complete;
}

bool gradebook_cell_score(const struct gradebook_exercise *ex, const struct gradebook_cell *c,
			  double *score)
{
	*score = c->graded ? ex->weight * c->report.score : 0;
	return c->graded || (c->status != CELL_ERROR && c->status != CELL_PENDING);
}

int gradebook_exit_code(const struct gradebook *gb)
{
	int code = 0;
	size_t i;

	for (i = 0; i < gb->nstudents; i++) {
		double score, max;
		enum cell_status st;

		gradebook_total(gb, &gb->students[i], &score, &max, &st);
		if (st == CELL_ERROR || st == CELL_PENDING)
			return 3;
		if (st != CELL_PASSED)
			code = 1;
	}
	return code;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void count_hint(struct gradebook_stats *st, size_t *alloc, const char *exercise,
		       const char *test, const char *text, const struct gradebook_cell *c)
{
	struct gradebook_hint *h = NULL;
	struct strbuf tests = STRBUF_INIT;
	bool seen = false;
	const char *p;
	size_t i;

	for (i = 0; i < st->nhints && !h; i++)
		if (!strcmp(st->hints[i].text, text) && !strcmp(st->hints[i].exercise, exercise))
			h = &st->hints[i];
	if (!h) {
		if (st->nhints == *alloc) {
			*alloc = *alloc ? 2 * *alloc : 16;
			st->hints = xrealloc(st->hints, *alloc * sizeof(*st->hints));
		}
		h = &st->hints[st->nhints++];
		memset(h, 0, sizeof(*h));
		h->exercise = exercise;
		h->text = text;
		h->tests = xstrdup("");
	}
	if (h->last != c) {
		h->count++;
		h->last = c;
	}
	/* The tests that gave it, once each, in the order first seen. */
	for (p = h->tests; *p && !seen;) {
		const char *comma = strstr(p, ", ");
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		seen = len == strlen(test) && !strncmp(p, test, len);
		p += len + (comma ? 2 : 0);
	}
	if (!seen) {
		strbuf_addf(&tests, "%s%s%s", h->tests, *h->tests ? ", " : "", test);
		free(h->tests);
		h->tests = strbuf_detach(&tests);
	}
}

static int by_count(const void *a, const void *b)
{
	const struct gradebook_hint *x = a, *y = b;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = strcmp(x->exercise, y->exercise);
	return c ? c : strcmp(x->text, y->text);
}

static void exercise_stats(const struct gradebook *gb, size_t e, struct gradebook_stats *st,
			   size_t *hint_alloc)
{
	const struct gradebook_exercise *ex = &gb->exercises[e];
	struct gradebook_exercise_stats *es = &st->ex[e];
	double sum = 0;
	size_t i, t;

	es->passed = xcalloc(ex->ntests ? ex->ntests : 1, sizeof(size_t));
	for (i = 0; i < gb->nstudents; i++) {
		const struct gradebook_cell *c = &gb->students[i].cells[e];

		es->status_count[c->status]++;
		if (!c->graded)
			continue;
		es->graded++;
		sum += c->report.score;
		for (t = 0; t < c->report.ntests; t++) {
			const struct test_report *tr = &c->report.tests[t];

			if (tr->status == ST_PASSED)
				es->passed[t]++;
			else if (tr->hint && *tr->hint)
				count_hint(st, hint_alloc, ex->id, ex->tests[t].name, tr->hint, c);
		}
	}
	es->mean = es->graded ? sum / (double)es->graded : 0;
}

void gradebook_stats_compute(const struct gradebook *gb, struct gradebook_stats *st)
{
	double *totals = xcalloc(gb->nstudents ? gb->nstudents : 1, sizeof(double));
	double sum = 0;
	size_t i, hint_alloc = 0;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < gb->nexercises; i++)
		st->max_score += gb->exercises[i].weight * gb->exercises[i].max_score;
	for (i = 0; i < gb->nstudents; i++) {
		double score, max, pct;
		enum cell_status status;
		int bin;

		if (!gradebook_total(gb, &gb->students[i], &score, &max, &status)) {
			st->status_count[status]++;
			continue;
		}
		st->status_count[status]++;
		totals[st->scored++] = score;
		sum += score;
		pct = max > 0 ? score / max : 0;
		bin = (int)floor(pct * GRADEBOOK_BINS + 1e-9);
		if (bin < 0)
			bin = 0;
		if (bin >= GRADEBOOK_BINS)
			bin = GRADEBOOK_BINS - 1;
		st->histogram[bin]++;
	}
	if (st->scored) {
		qsort(totals, st->scored, sizeof(double), by_value);
		st->mean = sum / (double)st->scored;
		st->min = totals[0];
		st->max = totals[st->scored - 1];
		st->median = st->scored % 2 ? totals[st->scored / 2]
					    : (totals[st->scored / 2 - 1] + totals[st->scored / 2]) / 2;
	}
	free(totals);
	st->ex = xcalloc(gb->nexercises ? gb->nexercises : 1, sizeof(*st->ex));
	for (i = 0; i < gb->nexercises; i++)
		exercise_stats(gb, i, st, &hint_alloc);
	if (st->nhints > 1)
		qsort(st->hints, st->nhints, sizeof(*st->hints), by_count);
}

void gradebook_stats_release(struct gradebook_stats *st, const struct gradebook *gb)
{
	size_t i;

	if (st->ex)
		for (i = 0; i < gb->nexercises; i++)
			free(st->ex[i].passed);
	free(st->ex);
	for (i = 0; i < st->nhints; i++)
		free(st->hints[i].tests);
	free(st->hints);
	memset(st, 0, sizeof(*st));
}

static void csv_score(struct strbuf *sb, double v)
{
	char buf[SCORE_BUF];

	format_score(v, buf);
	strbuf_addstr(sb, buf);
}

static void row_note(const struct gradebook *gb, const struct gradebook_student *s,
		     struct strbuf *note)
{
	size_t i;

	for (i = 0; i < gb->nexercises; i++) {
		const char *n = s->cells[i].note;

		if (!n || !*n)
			continue;
		if (note->len)
			strbuf_addstr(note, "; ");
		if (gb->nexercises > 1)
			strbuf_addf(note, "%s: ", gb->exercises[i].id);
		strbuf_addstr(note, n);
	}
}

char *gradebook_grades_csv(const struct gradebook *gb)
{
	struct strbuf sb = STRBUF_INIT, col = STRBUF_INIT;
	size_t i, j;

	strbuf_addstr(&sb, "student,score,max_score,status");
	for (j = 0; j < gb->nexercises; j++) {
		strbuf_addch(&sb, ',');
		csv_field(&sb, gb->exercises[j].id);
		strbuf_reset(&col);
		strbuf_addf(&col, "%s_status", gb->exercises[j].id);
		strbuf_addch(&sb, ',');
		csv_field(&sb, col.buf);
	}
	strbuf_addstr(&sb, ",note\n");
	for (i = 0; i < gb->nstudents; i++) {
		const struct gradebook_student *s = &gb->students[i];
		enum cell_status status;
		double score, max;
		bool total = gradebook_total(gb, s, &score, &max, &status);

		csv_field(&sb, s->name);
		strbuf_addch(&sb, ',');
		if (total)
			csv_score(&sb, score);
		strbuf_addch(&sb, ',');
		csv_score(&sb, max);
		strbuf_addf(&sb, ",%s", cell_status_name(status));
		for (j = 0; j < gb->nexercises; j++) {
			const struct gradebook_cell *c = &s->cells[j];

			strbuf_addch(&sb, ',');
			if (c->graded)
				strbuf_addf(&sb, "%d", c->report.score);
			else if (c->status != CELL_ERROR && c->status != CELL_PENDING)
				strbuf_addch(&sb, '0');
			strbuf_addf(&sb, ",%s", cell_status_name(c->status));
		}
		strbuf_addch(&sb, ',');
		strbuf_reset(&col);
		row_note(gb, s, &col);
		csv_field(&sb, strbuf_str(&col));
		strbuf_addstr(&sb, "\n");
	}
	strbuf_release(&col);
	return strbuf_detach(&sb);
}

char *gradebook_tests_csv(const struct gradebook *gb)
{
	struct strbuf sb = STRBUF_INIT, col = STRBUF_INIT;
	size_t i, j, t;

	strbuf_addstr(&sb, "student,status");
	for (j = 0; j < gb->nexercises; j++) {
		const struct gradebook_exercise *ex = &gb->exercises[j];

		for (t = 0; t < ex->ntests; t++) {
			strbuf_reset(&col);
			strbuf_addf(&col, "%s/%s", ex->id, ex->tests[t].name);
			strbuf_addch(&sb, ',');
			csv_field(&sb, col.buf);
		}
	}
	strbuf_addstr(&sb, "\n");
	for (i = 0; i < gb->nstudents; i++) {
		const struct gradebook_student *s = &gb->students[i];
		enum cell_status status;
		double score, max;

		gradebook_total(gb, s, &score, &max, &status);
		csv_field(&sb, s->name);
		strbuf_addf(&sb, ",%s", cell_status_name(status));
		for (j = 0; j < gb->nexercises; j++) {
			const struct gradebook_cell *c = &s->cells[j];

			for (t = 0; t < gb->exercises[j].ntests; t++) {
				strbuf_addch(&sb, ',');
				if (c->graded)
					strbuf_addstr(&sb, test_status_name(c->report.tests[t].status));
			}
		}
		strbuf_addstr(&sb, "\n");
	}
	strbuf_release(&col);
	return strbuf_detach(&sb);
}
