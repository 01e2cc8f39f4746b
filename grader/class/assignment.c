/*
 * assignment.c: reading grader.json (cJSON stays in this file).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assignment.h"
#include "util.h"

#define ASSIGNMENT_MAX_BYTES (1 << 20)
#define MAX_EXERCISES 100
#define MAX_WEIGHT 1000.0
#define MAX_SEED 9007199254740992.0 /* 2^53: a JSON number holds it exactly */

char *assignment_default_file(const char *id)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	for (p = id; *p; p++)
		strbuf_addch(&sb, *p == '-' ? '_' : *p);
	strbuf_addstr(&sb, ".c");
	return strbuf_detach(&sb);
}

static bool valid_id(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '-' || s[0] == '_')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-' || s[i] == '_'))
			return false;
	return true;
}

static int field_error(struct strbuf *err, const char *path, const char *field,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int field_error(struct strbuf *err, const char *path, const char *field,
		       const char *fmt, ...)
{
	va_list ap;

	strbuf_addf(err, "%s: %s: ", path, field);
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int load_exercise(const cJSON *item, size_t idx, const char *path,
			 struct assignment_exercise *e, struct strbuf *err)
{
	const cJSON *f;
	char field[64];

	snprintf(field, sizeof(field), "exercises[%zu]", idx);
	if (!cJSON_IsObject(item))
		return field_error(err, path, field, "expected an object");
	cJSON_ArrayForEach(f, item) {
		if (strcmp(f->string, "id") && strcmp(f->string, "file") &&
		    strcmp(f->string, "weight"))
			return field_error(err, path, field, "unknown key '%s' (expected id, file, "
					   "weight)", f->string);
	}
	snprintf(field, sizeof(field), "exercises[%zu].id", idx);
	f = cJSON_GetObjectItemCaseSensitive(item, "id");
	if (!cJSON_IsString(f) || !valid_id(f->valuestring))
		return field_error(err, path, field, "expected an exercise id such as "
				   "\"sort-users\"");
	e->id = xstrdup(f->valuestring);

	snprintf(field, sizeof(field), "exercises[%zu].file", idx);
	f = cJSON_GetObjectItemCaseSensitive(item, "file");
	if (!f)
		e->file = assignment_default_file(e->id);
	else if (!cJSON_IsString(f) || !valid_relative_path(f->valuestring))
		return field_error(err, path, field, "expected a relative path inside the "
				   "student's directory, without '..'");
	else
		e->file = xstrdup(f->valuestring);

	snprintf(field, sizeof(field), "exercises[%zu].weight", idx);
	f = cJSON_GetObjectItemCaseSensitive(item, "weight");
	e->weight = 1.0;
	if (f) {
		if (!cJSON_IsNumber(f) || !isfinite(f->valuedouble) || f->valuedouble < 0 ||
		    f->valuedouble > MAX_WEIGHT)
			return field_error(err, path, field, "expected a number from 0 to %g",
					   MAX_WEIGHT);
		e->weight = f->valuedouble;
	}
	return 0;
}

static int load_root(const cJSON *root, const char *path, struct assignment *a,
		     struct strbuf *err)
{
	const cJSON *f, *item;
	size_t i, j, n;
	int ret;

	if (!cJSON_IsObject(root))
		return field_error(err, path, "(top level)", "expected an object");
	f = cJSON_GetObjectItemCaseSensitive(root, "name");
	if (f && !cJSON_IsString(f))
		return field_error(err, path, "name", "expected a string");
	a->name = xstrdup(f ? f->valuestring : "");

	f = cJSON_GetObjectItemCaseSensitive(root, "seed");
	if (f) {
		if (!cJSON_IsNumber(f) || f->valuedouble < 0 || f->valuedouble > MAX_SEED ||
		    f->valuedouble != floor(f->valuedouble))
			return field_error(err, path, "seed", "expected an integer from 0 to 2^53");
		a->has_seed = true;
		a->seed = (uint64_t)f->valuedouble;
	}

	f = cJSON_GetObjectItemCaseSensitive(root, "exercises");
	if (!cJSON_IsArray(f))
		return field_error(err, path, "exercises", "expected an array of exercises");
	n = (size_t)cJSON_GetArraySize(f);
	if (n == 0 || n > MAX_EXERCISES)
		return field_error(err, path, "exercises", "expected 1 to %d exercises",
				   MAX_EXERCISES);
	a->exercises = xcalloc(n, sizeof(*a->exercises));
	i = 0;
	cJSON_ArrayForEach(item, f) {
		a->nexercises = i + 1;
		ret = load_exercise(item, i, path, &a->exercises[i], err);
		if (ret)
			return ret;
		for (j = 0; j < i; j++) {
			char field[64];

			snprintf(field, sizeof(field), "exercises[%zu]", i);
			if (!strcmp(a->exercises[j].id, a->exercises[i].id))
				return field_error(err, path, field, "exercise '%s' is listed twice",
						   a->exercises[i].id);
			if (!strcmp(a->exercises[j].file, a->exercises[i].file))
				return field_error(err, path, field, "file '%s' is also the file of "
						   "exercise '%s'", a->exercises[i].file,
						   a->exercises[j].id);
		}
		i++;
	}
	return 0;
}

int assignment_load(const char *path, struct assignment *a, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	cJSON *root;
	int ret;

	memset(a, 0, sizeof(*a));
	ret = read_file(path, ASSIGNMENT_MAX_BYTES, false, &text);
	if (ret == -ENOENT) {
		strbuf_addf(err, "no assignment file '%s'", path);
		goto out;
	}
	if (ret == -EFBIG) {
		strbuf_addf(err, "%s: larger than 1 MiB", path);
		ret = -EINVAL;
		goto out;
	}
	if (ret) {
		strbuf_addf(err, "cannot read '%s': %s", path, strerror(-ret));
		goto out;
	}
	root = cJSON_ParseWithLength(text.buf, text.len);
	if (!root) {
		strbuf_addf(err, "%s: not valid JSON", path);
		ret = -EINVAL;
		goto out;
	}
	ret = load_root(root, path, a, err);
	cJSON_Delete(root);
out:
	if (ret)
		assignment_release(a);
	strbuf_release(&text);
	return ret;
}

void assignment_single(struct assignment *a, const char *id)
{
	memset(a, 0, sizeof(*a));
	a->name = xstrdup("");
	a->exercises = xcalloc(1, sizeof(*a->exercises));
	a->nexercises = 1;
	a->exercises[0].id = xstrdup(id);
	a->exercises[0].file = NULL;
	a->exercises[0].weight = 1.0;
}

const struct assignment_exercise *assignment_find(const struct assignment *a, const char *id)
{
	size_t i;

	for (i = 0; i < a->nexercises; i++)
		if (!strcmp(a->exercises[i].id, id))
			return &a->exercises[i];
	return NULL;
}

void assignment_release(struct assignment *a)
{
	size_t i;

	for (i = 0; i < a->nexercises; i++) {
		free(a->exercises[i].id);
		free(a->exercises[i].file);
	}
	free(a->exercises);
	free(a->name);
	memset(a, 0, sizeof(*a));
}
