/*
 * gradebook.c: the class's results, their figures, and the two CSV files.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "changes.h"
#include "gradebook.h"
#include "html.h"
#include "lms.h"
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

char *gradebook_report_path(const struct gradebook_student *s,
			    const struct gradebook_exercise *ex)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "reports/%s/%s.json", s->name, ex->id);
	return strbuf_detach(&sb);
}

/* Writes data to path unless the file already holds exactly that. */
static int write_if_changed(const char *path, const char *data, struct strbuf *err)
{
	struct strbuf old = STRBUF_INIT;
	size_t len = strlen(data);
	int ret = 0;

	if (read_file(path, len + 1, true, &old) == 0 && old.len == len &&
	    !memcmp(old.buf, data, len))
		goto out;
	ret = write_file_atomic(path, data, len, 0644);
	if (ret)
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(-ret));
out:
	strbuf_release(&old);
	return ret;
}

static int write_reports(const struct gradebook *gb, const char *dir, struct strbuf *err)
{
	char *reports = path_join(dir, "reports");
	size_t i, e;
	int ret = 0;

	if (mkdir(reports, 0755) < 0 && errno != EEXIST) {
		ret = -errno;
		strbuf_addf(err, "cannot create '%s': %s", reports, strerror(errno));
		goto out;
	}
	for (i = 0; i < gb->nstudents && !ret; i++) {
		const struct gradebook_student *s = &gb->students[i];
		char *sdir = path_join(reports, s->name);
		bool made = false;

		for (e = 0; e < gb->nexercises && !ret; e++) {
			char *rel, *path;

			if (!s->cells[e].graded) {
				/* A report from an earlier run no longer stands. */
				rel = gradebook_report_path(s, &gb->exercises[e]);
				path = path_join(dir, rel);
				unlink(path);
				free(path);
				free(rel);
				continue;
			}
			if (!made && mkdir(sdir, 0755) < 0 && errno != EEXIST) {
				ret = -errno;
				strbuf_addf(err, "cannot create '%s': %s", sdir, strerror(errno));
				break;
			}
			made = true;
			rel = gradebook_report_path(s, &gb->exercises[e]);
			path = path_join(dir, rel);
			ret = write_if_changed(path, s->cells[e].json, err);
			free(path);
			free(rel);
		}
		free(sdir);
	}
out:
	free(reports);
	return ret;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes the pages in dir that are not among keep (n names, sorted, ".html" included). */
static void remove_stale(const char *dir, char **keep, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		size_t len = strlen(name);

		if (len < 5 || strcmp(name + len - 5, ".html") ||
		    bsearch(&name, keep, n, sizeof(char *), by_string))
			continue;
		unlinkat(dirfd(d), name, 0);
	}
	closedir(d);
}

static int make_dir(const char *path, struct strbuf *err)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		strbuf_addf(err, "cannot create '%s': %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * Writes the n pages made by page(gb, i, arg) into dir as name(i).html,
 * then removes the other pages there.
 */
static int write_page_set(const struct gradebook *gb, const char *dir, size_t n,
			  void (*name)(const struct gradebook *, size_t, void *, struct strbuf *),
			  char *(*page)(const struct gradebook *, size_t, void *), void *arg,
			  struct strbuf *err)
{
	char **names = xcalloc(n + 1, sizeof(char *));
	size_t i;
	int ret = make_dir(dir, err);

	for (i = 0; i < n && !ret; i++) {
		struct strbuf file = STRBUF_INIT;
		char *text, *path;

		name(gb, i, arg, &file);
		strbuf_addstr(&file, ".html");
		text = page(gb, i, arg);
		path = path_join(dir, file.buf);
		ret = write_if_changed(path, text, err);
		free(path);
		free(text);
		names[i] = strbuf_detach(&file);
	}
	if (!ret) {
		qsort(names, n, sizeof(char *), by_string);
		remove_stale(dir, names, n);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

static void student_name(const struct gradebook *gb, size_t i, void *arg, struct strbuf *sb)
{
	(void)arg;
	html_page_name(sb, gb->students[i].name);
}

static char *student_page(const struct gradebook *gb, size_t i, void *arg)
{
	(void)arg;
	return gradebook_student_page(gb, &gb->students[i]);
}

static void test_name(const struct gradebook *gb, size_t t, void *arg, struct strbuf *sb)
{
	html_page_name(sb, gb->exercises[*(size_t *)arg].tests[t].name);
}

static char *test_page(const struct gradebook *gb, size_t t, void *arg)
{
	return gradebook_test_page(gb, *(size_t *)arg, t);
}

static int write_pages(const struct gradebook *gb, const char *dir, struct strbuf *err)
{
	char *students = path_join(dir, "students"), *tests = path_join(dir, "tests");
	size_t e;
	int ret;

	ret = write_page_set(gb, students, gb->nstudents, student_name, student_page, NULL, err);
	if (!ret)
		ret = make_dir(tests, err);
	for (e = 0; e < gb->nexercises && !ret; e++) {
		struct strbuf sub = STRBUF_INIT;
		char *exdir;

		html_page_name(&sub, gb->exercises[e].id);
		exdir = path_join(tests, sub.buf);
		ret = write_page_set(gb, exdir, gb->exercises[e].ntests, test_name, test_page, &e,
				     err);
		free(exdir);
		strbuf_release(&sub);
	}
	free(students);
	free(tests);
	return ret;
}

int gradebook_write(const struct gradebook *gb, const char *dir,
		    const struct gradebook_run *run, struct strbuf *err)
{
	struct gradebook_stats st;
	struct {
		const char *name;
		char *text;
	} files[8];
	size_t n = 0;
	char *stale;
	size_t i;
	int ret;

	ret = mkdir_p(dir, 0755);
	if (ret) {
		strbuf_addf(err, "cannot create '%s': %s", dir, strerror(-ret));
		return ret;
	}
	ret = write_reports(gb, dir, err);
	if (!ret)
		ret = write_pages(gb, dir, err);
	if (ret)
		return ret;
	gradebook_stats_compute(gb, &st);
	files[n].name = "grades.csv";
	files[n++].text = gradebook_grades_csv(gb);
	files[n].name = "tests.csv";
	files[n++].text = gradebook_tests_csv(gb);
	files[n].name = "summary.json";
	files[n++].text = gradebook_summary_json(gb, &st, run);
	files[n].name = "report.html";
	files[n++].text = gradebook_html(gb, &st);
	files[n].name = LMS_CANVAS_FILE;
	files[n++].text = lms_canvas_csv(gb);
	files[n].name = LMS_MOODLE_FILE;
	files[n++].text = lms_moodle_csv(gb);
	if (gb->changes && gb->changes->previous) {
		files[n].name = CHANGES_FILE;
		files[n++].text = changes_csv(gb->changes);
	} else {
		/* An audit against a run that is no longer the earlier one. */
		stale = path_join(dir, CHANGES_FILE);
		unlink(stale);
		free(stale);
	}
	/* The manifest last: an output without it is not a finished one. */
	files[n].name = GRADEBOOK_MANIFEST;
	files[n++].text = gradebook_manifest_json(gb);
	for (i = 0; i < n; i++) {
		char *path = path_join(dir, files[i].name);

		if (!ret)
			ret = write_if_changed(path, files[i].text, err);
		free(path);
		free(files[i].text);
	}
	gradebook_stats_release(&st, gb);
	return ret;
}
