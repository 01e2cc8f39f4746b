/*
 * gradebook-json.c: the gradebook's JSON: summary.json, and the batch.json
 * manifest that `grader merge` reads (cJSON stays in this file). Every
 * string goes through json_add_text(): student names are the class's file
 * names, which need not be UTF-8, and a json document must be.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "gradebook.h"
#include "json-fields.h"
#include "lms.h"
#include "util.h"

static cJSON *status_counts(const size_t *counts)
{
	cJSON *o = cJSON_CreateObject();
	int i;

	for (i = 0; i < CELL_STATUS_COUNT; i++)
		if (counts[i])
			cJSON_AddNumberToObject(o, cell_status_name((enum cell_status)i),
						(double)counts[i]);
	return o;
}

static double round3(double v)
{
	return round(v * 1000.0) / 1000.0;
}

static cJSON *exercise_summary(const struct gradebook_exercise *ex,
			       const struct gradebook_exercise_stats *es)
{
	cJSON *o = cJSON_CreateObject(), *tests;
	size_t t;

	json_add_text(o, "id", ex->id);
	json_add_text(o, "title", ex->title);
	cJSON_AddNumberToObject(o, "weight", ex->weight);
	cJSON_AddNumberToObject(o, "max_score", ex->max_score);
	json_add_score(o, "weighted_max_score", ex->weight * ex->max_score);
	json_add_text(o, "spec_sha256", ex->spec_hash);
	cJSON_AddNumberToObject(o, "graded", (double)es->graded);
	json_add_score(o, "mean", es->mean);
	cJSON_AddItemToObject(o, "statuses", status_counts(es->status_count));
	tests = cJSON_AddArrayToObject(o, "tests");
	for (t = 0; t < ex->ntests; t++) {
		cJSON *to = cJSON_CreateObject();

		json_add_text(to, "name", ex->tests[t].name);
		cJSON_AddNumberToObject(to, "max_score", ex->tests[t].max_score);
		cJSON_AddNumberToObject(to, "passed", (double)es->passed[t]);
		cJSON_AddNumberToObject(to, "graded", (double)es->graded);
		cJSON_AddNumberToObject(to, "pass_rate",
					es->graded ? round3((double)es->passed[t] /
							    (double)es->graded)
						   : 0);
		cJSON_AddItemToArray(tests, to);
	}
	return o;
}

/* Every student's total and weighted exercise scores, as grades.csv and the LMS files have them. */
static cJSON *grades(const struct gradebook *gb)
{
	cJSON *arr = cJSON_CreateArray(), *o, *exs, *x;
	size_t i, e;

	for (i = 0; i < gb->nstudents; i++) {
		const struct gradebook_student *s = &gb->students[i];
		enum cell_status status;
		double total, max, v;

		o = cJSON_CreateObject();
		json_add_text(o, "student", s->name);
		if (gradebook_total(gb, s, &total, &max, &status))
			json_add_score(o, "score", total);
		else
			cJSON_AddNullToObject(o, "score");
		json_add_score(o, "max_score", max);
		json_add_text(o, "status", cell_status_name(status));
		exs = cJSON_AddArrayToObject(o, "exercises");
		for (e = 0; e < gb->nexercises; e++) {
			const struct gradebook_cell *c = &s->cells[e];

			x = cJSON_CreateObject();
			json_add_text(x, "id", gb->exercises[e].id);
			json_add_text(x, "status", cell_status_name(c->status));
			if (c->graded)
				cJSON_AddNumberToObject(x, "points", c->report.score);
			else
				cJSON_AddNullToObject(x, "points");
			if (gradebook_cell_score(&gb->exercises[e], c, &v))
				json_add_score(x, "score", v);
			else
				cJSON_AddNullToObject(x, "score");
			cJSON_AddItemToArray(exs, x);
		}
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* Who is in the class and not in the roster, and the other way round. */
static cJSON *roster_summary(const struct gradebook *gb)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	const struct roster_entry **extra;
	size_t i, n;

	cJSON_AddNumberToObject(o, "entries", (double)gb->roster->n);
	arr = cJSON_AddArrayToObject(o, "not_in_roster");
	for (i = 0; i < gb->nstudents; i++)
		if (!roster_file_find(gb->roster, gb->students[i].name))
			cJSON_AddItemToArray(arr, json_text(gb->students[i].name));
	arr = cJSON_AddArrayToObject(o, "not_in_class");
	extra = lms_not_in_class(gb, &n);
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, json_text(extra[i]->student));
	free(extra);
	return o;
}

char *gradebook_summary_json(const struct gradebook *gb, const struct gradebook_stats *st,
			     const struct gradebook_run *run)
{
	cJSON *root = cJSON_CreateObject(), *score, *hist, *arr, *o;
	char *text;
	size_t i;

	cJSON_AddNumberToObject(root, "schema", GRADEBOOK_SCHEMA_VERSION);
	json_add_text(root, "assignment", gb->name);
	json_add_u64(root, "seed", gb->seed);
	json_add_text(root, "grader_version", gb->grader_version);
	json_add_text(root, "compiler", gb->compiler);
	if (gb->nshards > 1) {
		o = cJSON_AddObjectToObject(root, "shard");
		cJSON_AddNumberToObject(o, "index", gb->shard);
		cJSON_AddNumberToObject(o, "count", gb->nshards);
	}
	cJSON_AddNumberToObject(root, "students", (double)gb->nstudents);
	cJSON_AddItemToObject(root, "statuses", status_counts(st->status_count));
	score = cJSON_AddObjectToObject(root, "score");
	json_add_score(score, "max_score", st->max_score);
	cJSON_AddNumberToObject(score, "scored", (double)st->scored);
	json_add_score(score, "mean", st->mean);
	json_add_score(score, "median", st->median);
	json_add_score(score, "min", st->min);
	json_add_score(score, "max", st->max);
	hist = cJSON_AddArrayToObject(root, "histogram");
	for (i = 0; i < GRADEBOOK_BINS; i++) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "from_percent", (double)(i * 100 / GRADEBOOK_BINS));
		cJSON_AddNumberToObject(o, "to_percent", (double)((i + 1) * 100 / GRADEBOOK_BINS));
		cJSON_AddNumberToObject(o, "count", (double)st->histogram[i]);
		cJSON_AddItemToArray(hist, o);
	}
	arr = cJSON_AddArrayToObject(root, "exercises");
	for (i = 0; i < gb->nexercises; i++)
		cJSON_AddItemToArray(arr, exercise_summary(&gb->exercises[i], &st->ex[i]));
	arr = cJSON_AddArrayToObject(root, "hints");
	for (i = 0; i < st->nhints && i < 20; i++) {
		o = cJSON_CreateObject();
		json_add_text(o, "exercise", st->hints[i].exercise);
		json_add_text(o, "tests", st->hints[i].tests);
		json_add_text(o, "hint", st->hints[i].text);
		cJSON_AddNumberToObject(o, "count", (double)st->hints[i].count);
		cJSON_AddItemToArray(arr, o);
	}
	cJSON_AddItemToObject(root, "grades", grades(gb));
	if (gb->roster)
		cJSON_AddItemToObject(root, "roster", roster_summary(gb));
	/* Everything that differs between two runs of the same class, and only that. */
	o = cJSON_AddObjectToObject(root, "run");
	cJSON_AddNumberToObject(o, "graded", (double)run->graded);
	cJSON_AddNumberToObject(o, "cached", (double)run->cached);
	if (run->merged)
		cJSON_AddNumberToObject(o, "merged_shards", (double)run->merged);
	if (run->jobs)
		cJSON_AddNumberToObject(o, "jobs", run->jobs);
	cJSON_AddNumberToObject(o, "wall_s", round3(run->wall_s));

	text = json_checked(cJSON_Print(root));
	cJSON_Delete(root);
	return text;
}

/*
 * A student's name or a submission's path: names of files in the class
 * directory, whose bytes need not be UTF-8. key holds the text every
 * other output shows (json_add_text()); when that lost bytes, key_hex
 * holds them all, since merge and the regrade audit find a student's
 * reports (reports/<student>/) and shard by the exact name.
 */
static void add_file_name(cJSON *o, const char *key, const char *name)
{
	size_t len = strlen(name);
	char field[32], *hex;

	json_add_text(o, key, name);
	if (utf8_valid(name, len))
		return;
	hex = xmalloc(2 * len + 1);
	hex_encode((const unsigned char *)name, len, hex);
	snprintf(field, sizeof(field), "%s_hex", key);
	json_add_text(o, field, hex);
	free(hex);
}

/*
 * What add_file_name() wrote under key, allocated into *out (NULL when key
 * is not a string: a null "file"). false when key_hex is malformed or
 * holds a NUL byte.
 */
static bool read_file_name(const cJSON *o, const char *key, char **out)
{
	char field[32];
	const char *hex;
	size_t len;

	snprintf(field, sizeof(field), "%s_hex", key);
	hex = json_str(o, field);
	*out = NULL;
	if (!hex) {
		if (json_str(o, key))
			*out = xstrdup(json_str(o, key));
		return true;
	}
	len = strlen(hex);
	*out = xcalloc(len / 2 + 1, 1);
	if (!hex_decode(hex, len, (unsigned char *)*out) || strlen(*out) != len / 2) {
		free(*out);
		*out = NULL;
		return false;
	}
	return true;
}

char *gradebook_manifest_json(const struct gradebook *gb)
{
	cJSON *root = cJSON_CreateObject(), *arr, *o, *tests, *cells;
	char *text;
	size_t i, j;

	cJSON_AddNumberToObject(root, "schema", GRADEBOOK_SCHEMA_VERSION);
	json_add_text(root, "kind", "grader-batch");
	json_add_text(root, "assignment", gb->name);
	json_add_u64(root, "seed", gb->seed);
	json_add_text(root, "grader_version", gb->grader_version);
	json_add_text(root, "compiler", gb->compiler);
	o = cJSON_AddObjectToObject(root, "shard");
	cJSON_AddNumberToObject(o, "index", gb->shard);
	cJSON_AddNumberToObject(o, "count", gb->nshards);
	arr = cJSON_AddArrayToObject(root, "exercises");
	for (i = 0; i < gb->nexercises; i++) {
		const struct gradebook_exercise *ex = &gb->exercises[i];

		o = cJSON_CreateObject();
		json_add_text(o, "id", ex->id);
		json_add_text(o, "title", ex->title);
		if (ex->file)
			json_add_text(o, "file", ex->file);
		else
			cJSON_AddNullToObject(o, "file");
		cJSON_AddNumberToObject(o, "weight", ex->weight);
		cJSON_AddNumberToObject(o, "max_score", ex->max_score);
		json_add_text(o, "spec_sha256", ex->spec_hash);
		tests = cJSON_AddArrayToObject(o, "tests");
		for (j = 0; j < ex->ntests; j++) {
			cJSON *t = cJSON_CreateObject();

			json_add_text(t, "name", ex->tests[j].name);
			cJSON_AddNumberToObject(t, "max_score", ex->tests[j].max_score);
			cJSON_AddItemToArray(tests, t);
		}
		cJSON_AddItemToArray(arr, o);
	}
	arr = cJSON_AddArrayToObject(root, "students");
	for (i = 0; i < gb->nstudents; i++) {
		const struct gradebook_student *s = &gb->students[i];

		o = cJSON_CreateObject();
		add_file_name(o, "name", s->name);
		cells = cJSON_AddArrayToObject(o, "exercises");
		for (j = 0; j < gb->nexercises; j++) {
			const struct gradebook_cell *c = &s->cells[j];
			cJSON *co = cJSON_CreateObject();

			json_add_text(co, "status", cell_status_name(c->status));
			if (c->file)
				add_file_name(co, "file", c->file);
			else
				cJSON_AddNullToObject(co, "file");
			json_add_text(co, "note", c->note ? c->note : "");
			json_add_text(co, "sha256", c->sha256);
			cJSON_AddItemToArray(cells, co);
		}
		cJSON_AddItemToArray(arr, o);
	}
	text = json_checked(cJSON_Print(root));
	cJSON_Delete(root);
	return text;
}

static int bad(struct strbuf *err, const char *path, const char *field)
{
	strbuf_addf(err, "%s: %s: missing or malformed", path, field);
	return -EINVAL;
}

/* A student's name is a directory name in the outputs: one path component. */
static bool valid_student(const char *s)
{
	const char *p;

	if (!*s || *s == '.' || strlen(s) > 255)
		return false;
	for (p = s; *p; p++)
		if (*p == '/')
			return false;
	return true;
}

static int read_exercise(const cJSON *o, const char *path, size_t i,
			 struct gradebook_exercise *ex, struct strbuf *err)
{
	const cJSON *tests, *t, *f;
	char field[64];
	double w;
	size_t j;

	snprintf(field, sizeof(field), "exercises[%zu]", i);
	if (!json_str(o, "id") || !json_str(o, "spec_sha256") ||
	    strlen(json_str(o, "spec_sha256")) != 64 || !json_num(o, "weight", &w) ||
	    !json_int(o, "max_score", &ex->max_score))
		return bad(err, path, field);
	ex->id = json_strdup(o, "id");
	ex->title = json_strdup(o, "title");
	f = cJSON_GetObjectItemCaseSensitive(o, "file");
	ex->file = cJSON_IsString(f) ? xstrdup(f->valuestring) : NULL;
	ex->weight = w;
	memcpy(ex->spec_hash, json_str(o, "spec_sha256"), 65);
	tests = cJSON_GetObjectItemCaseSensitive(o, "tests");
	if (!cJSON_IsArray(tests))
		return bad(err, path, field);
	ex->tests = xcalloc((size_t)cJSON_GetArraySize(tests) + 1, sizeof(*ex->tests));
	j = 0;
	cJSON_ArrayForEach(t, tests) {
		if (!json_str(t, "name") || !json_int(t, "max_score", &ex->tests[j].max_score))
			return bad(err, path, field);
		ex->tests[j].name = json_strdup(t, "name");
		ex->ntests = ++j;
	}
	return 0;
}

static int read_student(const cJSON *o, const char *path, size_t i, struct gradebook *gb,
			struct gradebook_student *s, struct strbuf *err)
{
	const cJSON *cells, *c;
	char field[64];
	size_t j = 0;

	snprintf(field, sizeof(field), "students[%zu]", i);
	if (!read_file_name(o, "name", &s->name) || !s->name || !valid_student(s->name))
		return bad(err, path, field);
	s->cells = xcalloc(gb->nexercises ? gb->nexercises : 1, sizeof(*s->cells));
	cells = cJSON_GetObjectItemCaseSensitive(o, "exercises");
	if (!cJSON_IsArray(cells) || (size_t)cJSON_GetArraySize(cells) != gb->nexercises)
		return bad(err, path, field);
	cJSON_ArrayForEach(c, cells) {
		struct gradebook_cell *cell = &s->cells[j++];
		const char *st = json_str(c, "status"), *sha = json_str(c, "sha256");
		int status = st ? cell_status_parse(st) : -1;

		if (status < 0 || !sha || (strlen(sha) != 64 && *sha) ||
		    !read_file_name(c, "file", &cell->file))
			return bad(err, path, field);
		cell->status = (enum cell_status)status;
		cell->note = json_strdup(c, "note");
		memcpy(cell->sha256, sha, strlen(sha) + 1);
	}
	return 0;
}

static int read_manifest(const cJSON *root, const char *path, struct gradebook *gb,
			 struct strbuf *err)
{
	const cJSON *arr, *o, *shard;
	double d, n;
	size_t i;
	int ret;

	if (!cJSON_IsObject(root) || !json_str(root, "kind") ||
	    strcmp(json_str(root, "kind"), "grader-batch"))
		return bad(err, path, "kind");
	if (!json_num(root, "schema", &d) || d != GRADEBOOK_SCHEMA_VERSION)
		return bad(err, path, "schema");
	gb->name = json_strdup(root, "assignment");
	gb->grader_version = json_strdup(root, "grader_version");
	gb->compiler = json_strdup(root, "compiler");
	if (!json_num(root, "seed", &d) || d < 0)
		return bad(err, path, "seed");
	gb->seed = (uint64_t)d;
	shard = cJSON_GetObjectItemCaseSensitive(root, "shard");
	if (!json_num(shard, "index", &d) || !json_num(shard, "count", &n) || n < 1 || d < 0 ||
	    d >= n || n > 100000)
		return bad(err, path, "shard");
	gb->shard = (unsigned)d;
	gb->nshards = (unsigned)n;

	arr = cJSON_GetObjectItemCaseSensitive(root, "exercises");
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1)
		return bad(err, path, "exercises");
	gb->exercises = xcalloc((size_t)cJSON_GetArraySize(arr), sizeof(*gb->exercises));
	i = 0;
	cJSON_ArrayForEach(o, arr) {
		gb->nexercises = i + 1;
		ret = read_exercise(o, path, i, &gb->exercises[i], err);
		if (ret)
			return ret;
		i++;
	}
	arr = cJSON_GetObjectItemCaseSensitive(root, "students");
	if (!cJSON_IsArray(arr))
		return bad(err, path, "students");
	gb->students = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*gb->students));
	i = 0;
	cJSON_ArrayForEach(o, arr) {
		gb->nstudents = i + 1;
		ret = read_student(o, path, i, gb, &gb->students[i], err);
		if (ret)
			return ret;
		i++;
	}
	return 0;
}

int gradebook_manifest_read(const char *text, const char *path, struct gradebook *gb,
			    struct strbuf *err)
{
	cJSON *root = cJSON_Parse(text);
	int ret;

	memset(gb, 0, sizeof(*gb));
	if (!root) {
		strbuf_addf(err, "%s: not valid JSON", path);
		return -EINVAL;
	}
	ret = read_manifest(root, path, gb, err);
	cJSON_Delete(root);
	if (ret)
		gradebook_release(gb);
	return ret;
}
