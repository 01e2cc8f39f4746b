/*
 * changes.c: what changed since the earlier run in an output directory,
 * and why.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "csv.h"
#include "roster.h"

#define MANIFEST_MAX (256u << 20)
#define REPORT_MAX (16u << 20)

static const char *const cause_names[] = {
	"submission", "spec", "seed", "grader", "compiler", "weight",
};

static bool graded_status(enum cell_status s)
{
	return s == CELL_PASSED || s == CELL_FAILED || s == CELL_COMPILE_ERROR;
}

int changes_load_previous(const char *dir, struct gradebook *prev, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT, why = STRBUF_INIT;
	char *path = path_join(dir, GRADEBOOK_MANIFEST);
	size_t i, e;
	int ret;

	memset(prev, 0, sizeof(*prev));
	ret = read_file(path, MANIFEST_MAX, true, &text);
	if (ret) {
		if (ret != -ENOENT)
			strbuf_addf(err, "cannot read '%s': %s", path, strerror(-ret));
		goto out;
	}
	ret = gradebook_manifest_read(text.buf, path, prev, err);
	if (ret)
		goto out;
	for (i = 0; i < prev->nstudents; i++) {
		struct gradebook_student *s = &prev->students[i];

		for (e = 0; e < prev->nexercises; e++) {
			struct gradebook_cell *c = &s->cells[e];
			char *rel, *rpath;

			if (!graded_status(c->status))
				continue;
			rel = gradebook_report_path(s, &prev->exercises[e]);
			rpath = path_join(dir, rel);
			strbuf_reset(&text);
			strbuf_reset(&why);
			/* A report that cannot be read leaves the status without a score. */
			if (read_file(rpath, REPORT_MAX, true, &text) == 0)
				gradebook_cell_set_report(c, &prev->exercises[e], strbuf_detach(&text),
							  &why);
			free(rpath);
			free(rel);
		}
	}
out:
	free(path);
	strbuf_release(&text);
	strbuf_release(&why);
	return ret;
}

void changes_cause_names(unsigned causes, struct strbuf *sb)
{
	size_t i;
	bool first = true;

	if (!causes) {
		strbuf_addstr(sb, "rerun");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(cause_names); i++) {
		if (!(causes & (1u << i)))
			continue;
		strbuf_addf(sb, "%s%s", first ? "" : ";", cause_names[i]);
		first = false;
	}
}

static int find_exercise(const struct gradebook *gb, const char *id)
{
	size_t e;

	for (e = 0; e < gb->nexercises; e++)
		if (!strcmp(gb->exercises[e].id, id))
			return (int)e;
	return -1;
}

/* The cell's weighted score as the outputs write it, or "" when it has none. */
static void score_text(const struct gradebook_exercise *ex, const struct gradebook_cell *c,
		       char out[SCORE_BUF])
{
	double v;

	out[0] = '\0';
	if (graded_status(c->status) && !c->graded)
		return; /* an earlier report that could not be read */
	if (gradebook_cell_score(ex, c, &v))
		format_score(v, out);
}

/* "name: old -> new; ..." for the tests whose status differs (by name). */
static void test_changes(const struct gradebook_cell *oc, const struct gradebook_cell *c,
			 struct strbuf *sb)
{
	const struct report *o = &oc->report, *n = &c->report;
	size_t i, j;

	if (!oc->graded || !c->graded)
		return;
	for (i = 0; i < n->ntests; i++) {
		const char *was = "none";

		for (j = 0; j < o->ntests; j++)
			if (!strcmp(o->tests[j].name, n->tests[i].name))
				was = test_status_name(o->tests[j].status);
		if (!strcmp(was, test_status_name(n->tests[i].status)))
			continue;
		strbuf_addf(sb, "%s%s: %s -> %s", sb->len ? "; " : "", n->tests[i].name, was,
			    test_status_name(n->tests[i].status));
	}
	for (j = 0; j < o->ntests; j++) {
		bool kept = false;

		for (i = 0; i < n->ntests && !kept; i++)
			kept = !strcmp(o->tests[j].name, n->tests[i].name);
		if (!kept)
			strbuf_addf(sb, "%s%s: %s -> none", sb->len ? "; " : "", o->tests[j].name,
				    test_status_name(o->tests[j].status));
	}
}

struct side {
	const struct gradebook *gb;
	const struct gradebook_exercise *ex; /* NULL: the exercise is not in this run */
	const struct gradebook_cell *c;      /* NULL: no such student or exercise */
};

static bool has_submission(const struct gradebook_cell *c)
{
	return c && (c->status == CELL_PENDING || graded_status(c->status) ||
		     c->status == CELL_ERROR);
}

static unsigned causes_of(const struct side *o, const struct side *n)
{
	unsigned causes = 0;

	if (!o->c || !n->c)
		return o->ex && n->ex ? CAUSE_SUBMISSION : CAUSE_SPEC;
	if (strcmp(o->c->sha256, n->c->sha256) ||
	    (!*n->c->sha256 && !has_submission(n->c) && o->c->status != n->c->status))
		causes |= CAUSE_SUBMISSION;
	if (strcmp(o->ex->spec_hash, n->ex->spec_hash))
		causes |= CAUSE_SPEC;
	if (o->gb->seed != n->gb->seed)
		causes |= CAUSE_SEED;
	if (strcmp(o->gb->grader_version, n->gb->grader_version))
		causes |= CAUSE_GRADER;
	if (strcmp(o->gb->compiler, n->gb->compiler))
		causes |= CAUSE_COMPILER;
	if (o->ex->weight != n->ex->weight)
		causes |= CAUSE_WEIGHT;
	/* With nothing to grade either time, only the file's presence matters. */
	if (!has_submission(o->c) && !has_submission(n->c))
		causes &= CAUSE_SUBMISSION | CAUSE_WEIGHT;
	return causes;
}

static void add_row(struct changes *ch, size_t *alloc, const char *student, const char *exercise,
		    const struct side *o, const struct side *n, bool results)
{
	struct strbuf tests = STRBUF_INIT;
	struct change row = { 0 };
	bool changed;

	row.old_status = o->c ? cell_status_name(o->c->status) : "";
	row.new_status = n->c ? cell_status_name(n->c->status) : "";
	if (o->c)
		score_text(o->ex, o->c, row.old_score);
	if (n->c)
		score_text(n->ex, n->c, row.new_score);
	if (o->c && n->c)
		test_changes(o->c, n->c, &tests);
	row.causes = causes_of(o, n);
	if (results)
		changed = strcmp(row.old_status, row.new_status) ||
			  strcmp(row.old_score, row.new_score) || tests.len;
	else
		changed = row.causes && (has_submission(n->c) || (row.causes & CAUSE_SUBMISSION));
	if (!changed) {
		strbuf_release(&tests);
		return;
	}
	row.student = xstrdup(student);
	row.exercise = xstrdup(exercise);
	row.tests = strbuf_detach(&tests);
	if (ch->n == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 16;
		ch->rows = xrealloc(ch->rows, *alloc * sizeof(*ch->rows));
	}
	ch->rows[ch->n++] = row;
}

/* One student, in either run or both: a row per exercise that changed. */
static void compare_student(struct changes *ch, size_t *alloc, const struct gradebook *prev,
			    const struct gradebook_student *os, const struct gradebook *gb,
			    const struct gradebook_student *ns, bool results)
{
	const char *name = ns ? ns->name : os->name;
	size_t e;
	int oe;

	for (e = 0; e < gb->nexercises; e++) {
		struct side o = { prev, NULL, NULL }, n = { gb, &gb->exercises[e], NULL };

		oe = find_exercise(prev, gb->exercises[e].id);
		if (oe >= 0) {
			o.ex = &prev->exercises[oe];
			o.c = os ? &os->cells[oe] : NULL;
		}
		n.c = ns ? &ns->cells[e] : NULL;
		if (!o.c && !n.c)
			continue;
		add_row(ch, alloc, name, gb->exercises[e].id, &o, &n, results);
	}
	for (e = 0; os && e < prev->nexercises; e++) {
		struct side o = { prev, &prev->exercises[e], &os->cells[e] }, n = { gb, NULL, NULL };

		if (find_exercise(gb, prev->exercises[e].id) < 0)
			add_row(ch, alloc, name, prev->exercises[e].id, &o, &n, results);
	}
}

void changes_compute(const struct gradebook *prev, const struct gradebook *gb, bool results,
		     struct changes *ch)
{
	size_t i = 0, j = 0, alloc = 0;

	memset(ch, 0, sizeof(*ch));
	if (!prev)
		return;
	ch->previous = true;
	/* Both are sorted by name (gradebook_sort()): walk them side by side. */
	while (i < gb->nstudents || j < prev->nstudents) {
		int c = i == gb->nstudents	 ? 1
			: j == prev->nstudents ? -1
					       : strcmp(gb->students[i].name, prev->students[j].name);

		if (c == 0)
			compare_student(ch, &alloc, prev, &prev->students[j++], gb,
					&gb->students[i++], results);
		else if (c < 0)
			compare_student(ch, &alloc, prev, NULL, gb, &gb->students[i++], results);
		else if (gb->nshards > 1 &&
			 roster_shard_of(prev->students[j].name, gb->nshards) != gb->shard)
			j++; /* another shard's student, from an earlier run of another kind */
		else
			compare_student(ch, &alloc, prev, &prev->students[j++], gb, NULL, results);
	}
}

void changes_release(struct changes *ch)
{
	size_t i;

	for (i = 0; i < ch->n; i++) {
		free(ch->rows[i].student);
		free(ch->rows[i].exercise);
		free(ch->rows[i].tests);
	}
	free(ch->rows);
	memset(ch, 0, sizeof(*ch));
}

char *changes_csv(const struct changes *ch)
{
	struct strbuf sb = STRBUF_INIT, cause = STRBUF_INIT;
	size_t i;

	strbuf_addstr(&sb, "student,exercise,old_score,new_score,old_status,new_status,tests,"
		      "cause\n");
	for (i = 0; i < ch->n; i++) {
		const struct change *r = &ch->rows[i];

		csv_field(&sb, r->student);
		strbuf_addch(&sb, ',');
		csv_field(&sb, r->exercise);
		strbuf_addf(&sb, ",%s,%s,%s,%s,", r->old_score, r->new_score, r->old_status,
			    r->new_status);
		csv_field(&sb, r->tests);
		strbuf_reset(&cause);
		changes_cause_names(r->causes, &cause);
		strbuf_addf(&sb, ",%s\n", cause.buf);
	}
	strbuf_release(&cause);
	return strbuf_detach(&sb);
}
