/*
 * report-json.c: the json report (CONTRACT section 3), versioned, written
 * and read back. Learner output is escaped by cJSON, so it cannot break the
 * document, and every string goes through json_add_text(), so the document
 * is UTF-8 whatever bytes the output or a file name held.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-fields.h"
#include "report.h"
#include "text-escape.h"
#include "version.h"
#include "util.h"

static const char *visibility_name(enum visibility v)
{
	switch (v) {
	case VIS_HIDDEN: return "hidden";
	case VIS_AFTER_DUE_DATE: return "after_due_date";
	default: return "visible";
	}
}

static double round1(double v)
{
	return round(v * 10.0) / 10.0;
}

static cJSON *call_json(const struct crash_call *k)
{
	cJSON *o = cJSON_CreateObject();

	json_add_text(o, "function", k->function);
	json_add_text(o, "file", k->file);
	cJSON_AddNumberToObject(o, "line", k->line);
	return o;
}

/*
 * "crash": where a crashed test crashed, present only when it is known:
 * the place in the learner's code (function, file, line: the innermost
 * call in the submission) and the chain of calls.
 */
static cJSON *crash_json(const struct crash_info *c)
{
	cJSON *o = cJSON_CreateObject(), *calls;
	const struct crash_call *at = crash_place(c);
	size_t i;

	json_add_text(o, "signal", c->signal);
	if (c->error)
		json_add_text(o, "error", c->error);
	json_add_text(o, "function", at ? at->function : "");
	json_add_text(o, "file", at ? at->file : "");
	cJSON_AddNumberToObject(o, "line", at ? at->line : 0);
	cJSON_AddBoolToObject(o, "stack_overflow", c->stack_overflow);
	calls = cJSON_AddArrayToObject(o, "calls");
	for (i = 0; i < c->ncalls; i++)
		cJSON_AddItemToArray(calls, call_json(&c->calls[i]));
	cJSON_AddNumberToObject(o, "omitted_frames", (double)c->omitted);
	cJSON_AddNumberToObject(o, "omitted_at", (double)(c->omitted ? c->omitted_at : 0));
	return o;
}

static cJSON *test_json(const struct test_report *t)
{
	cJSON *o = cJSON_CreateObject();

	json_add_text(o, "name", t->name);
	json_add_text(o, "status", test_status_name(t->status));
	cJSON_AddNumberToObject(o, "score", t->score);
	cJSON_AddNumberToObject(o, "max_score", t->max_score);
	cJSON_AddNumberToObject(o, "time_ms", round1(t->time_ms));
	cJSON_AddNumberToObject(o, "memory_kb", (double)t->memory_kb);
	json_add_text(o, "message", t->message ? t->message : "");
	json_add_text(o, "hint", t->hint ? t->hint : "");
	json_add_text(o, "visibility", visibility_name(t->visibility));
	json_add_text(o, "output", t->output ? t->output : "");
	cJSON_AddNumberToObject(o, "limit_ms", round1(t->limit_ms));
	cJSON_AddNumberToObject(o, "reference_ms", round1(t->reference_ms));
	cJSON_AddBoolToObject(o, "accounting", t->accounting);
	cJSON_AddNumberToObject(o, "injections", t->injections);
	if (t->crash)
		cJSON_AddItemToObject(o, "crash", crash_json(t->crash));
	if (t->input && t->visibility == VIS_VISIBLE)
		json_add_text(o, "input", t->input);
	return o;
}

char *report_json(const struct report *r)
{
	cJSON *root = cJSON_CreateObject(), *compile, *tests, *receipt, *limits, *iso;
	char *text, *guarded;
	size_t i;

	cJSON_AddNumberToObject(root, "schema", REPORT_SCHEMA_VERSION);
	json_add_text(root, "exercise", r->exercise);
	json_add_text(root, "title", r->title ? r->title : "");
	json_add_text(root, "submission", r->submission);
	json_add_text(root, "sha256", r->sha256);
	cJSON_AddNumberToObject(root, "score", r->score);
	cJSON_AddNumberToObject(root, "max_score", r->max_score);
	compile = cJSON_AddObjectToObject(root, "compile");
	json_add_text(compile, "status", r->compiled ? "ok" : "error");
	json_add_text(compile, "output", r->compile_output ? r->compile_output : "");
	tests = cJSON_AddArrayToObject(root, "tests");
	for (i = 0; i < r->ntests; i++)
		cJSON_AddItemToArray(tests, test_json(&r->tests[i]));
	json_add_u64(root, "seed", r->seed);
	json_add_text(root, "grader_version", GRADER_VERSION);
	if (r->partial) {
		cJSON *sel = cJSON_AddArrayToObject(root, "selected");

		cJSON_AddBoolToObject(root, "partial", true);
		for (i = 0; i < r->nselected; i++)
			cJSON_AddItemToArray(sel, json_text(r->selected[i]));
	}

	receipt = cJSON_AddObjectToObject(root, "receipt");
	json_add_text(receipt, "submission_sha256", r->sha256);
	json_add_text(receipt, "spec_sha256", r->spec_hash ? r->spec_hash : "");
	json_add_text(receipt, "grader_version", GRADER_VERSION);
	json_add_text(receipt, "compiler", r->compiler ? r->compiler : "");
	json_add_u64(receipt, "seed", r->seed);
	limits = cJSON_AddObjectToObject(receipt, "limits");
	cJSON_AddNumberToObject(limits, "cpu_ms", (double)r->limits.cpu_ms);
	cJSON_AddNumberToObject(limits, "wall_ms", (double)r->limits.wall_ms);
	cJSON_AddNumberToObject(limits, "memory_kb", (double)r->limits.memory_kb);
	cJSON_AddNumberToObject(limits, "file_kb", (double)r->limits.file_kb);
	cJSON_AddNumberToObject(limits, "output_kb", (double)r->limits.output_kb);
	iso = cJSON_AddArrayToObject(receipt, "isolation");
	for (i = 0; i < r->nlayers; i++)
		cJSON_AddItemToArray(iso, json_text(r->layers[i]));
	json_add_text(receipt, "delivery_id", r->delivery_id ? r->delivery_id : "");
	json_add_text(receipt, "timestamp", r->timestamp ? r->timestamp : "");
	cJSON_AddNumberToObject(root, "wall_ms", round1(r->wall_ms));

	text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text) {
		fprintf(stderr, "grader: out of memory\n");
		abort();
	}
	/* No "##[" (a CI runner's log command) even inside a string. */
	guarded = text_json_guard(text);
	free(text);
	return guarded;
}

static int parse_test_status(const char *s)
{
	int i;

	for (i = ST_PASSED; i < ST_COUNT; i++)
		if (!strcmp(s, test_status_name((enum test_status)i)))
			return i;
	return -1;
}

/* A report's "crash", read back; NULL when absent or not an object with calls. */
static struct crash_info *parse_crash(const cJSON *o)
{
	const cJSON *calls = cJSON_GetObjectItemCaseSensitive(o, "calls"), *k;
	struct crash_info *c;
	double d;

	if (!cJSON_IsObject(o) || !cJSON_IsArray(calls) || !json_str(o, "signal"))
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->signal = json_strdup(o, "signal");
	if (json_str(o, "error"))
		c->error = json_strdup(o, "error");
	c->stack_overflow = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "stack_overflow"));
	c->calls = xcalloc((size_t)cJSON_GetArraySize(calls) + 1, sizeof(*c->calls));
	cJSON_ArrayForEach(k, calls) {
		struct crash_call *cc = &c->calls[c->ncalls++];

		cc->function = json_strdup(k, "function");
		cc->file = json_strdup(k, "file");
		if (json_num(k, "line", &d) && d > 0 && d < 1e9)
			cc->line = (int)d;
	}
	if (json_num(o, "omitted_frames", &d) && d > 0 && d < 1e18)
		c->omitted = (unsigned long)d;
	if (json_num(o, "omitted_at", &d) && d > 0 && d <= (double)c->ncalls)
		c->omitted_at = (size_t)d;
	return c;
}

static int parse_test(const cJSON *o, struct test_report *t, struct strbuf *err)
{
	const char *s;
	double d;
	int st;

	s = json_str(o, "name");
	if (!s || !json_str(o, "status") || (st = parse_test_status(json_str(o, "status"))) < 0 ||
	    !json_int(o, "score", &t->score) || !json_int(o, "max_score", &t->max_score)) {
		strbuf_addstr(err, "a test lacks its name, status or score");
		return -EINVAL;
	}
	t->name = xstrdup(s);
	t->status = (enum test_status)st;
	t->message = json_strdup(o, "message");
	t->hint = json_strdup(o, "hint");
	t->output = json_strdup(o, "output");
	if (json_num(o, "time_ms", &d))
		t->time_ms = d;
	if (json_num(o, "memory_kb", &d))
		t->memory_kb = (long)d;
	if (json_num(o, "limit_ms", &d))
		t->limit_ms = d;
	if (json_num(o, "reference_ms", &d))
		t->reference_ms = d;
	if (json_num(o, "injections", &d))
		t->injections = (int)d;
	t->accounting = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "accounting"));
	t->crash = parse_crash(cJSON_GetObjectItemCaseSensitive(o, "crash"));
	s = json_str(o, "visibility");
	t->visibility = !s || !strcmp(s, "visible") ? VIS_VISIBLE
			: !strcmp(s, "hidden")       ? VIS_HIDDEN
						     : VIS_AFTER_DUE_DATE;
	return 0;
}

static int parse_report(const cJSON *root, struct report *r, struct strbuf *err)
{
	const cJSON *compile, *tests, *t, *receipt, *f;
	double d;
	size_t i;

	if (!cJSON_IsObject(root) || !json_str(root, "exercise") || !json_str(root, "sha256") ||
	    !json_int(root, "score", &r->score) || !json_int(root, "max_score", &r->max_score)) {
		strbuf_addstr(err, "not a json report: exercise, sha256 or score missing");
		return -EINVAL;
	}
	r->exercise = json_strdup(root, "exercise");
	r->title = json_strdup(root, "title");
	r->submission = json_strdup(root, "submission");
	r->sha256 = json_strdup(root, "sha256");
	compile = cJSON_GetObjectItemCaseSensitive(root, "compile");
	r->compiled = json_str(compile, "status") && !strcmp(json_str(compile, "status"), "ok");
	r->compile_output = json_strdup(compile, "output");
	if (json_num(root, "seed", &d) && d >= 0)
		r->seed = (uint64_t)d;
	if (json_num(root, "wall_ms", &d))
		r->wall_ms = d;
	receipt = cJSON_GetObjectItemCaseSensitive(root, "receipt");
	r->spec_hash = json_strdup(receipt, "spec_sha256");
	r->compiler = json_strdup(receipt, "compiler");
	r->delivery_id = json_strdup(receipt, "delivery_id");
	r->timestamp = json_strdup(receipt, "timestamp");
	f = cJSON_GetObjectItemCaseSensitive(receipt, "isolation");
	if (cJSON_IsArray(f)) {
		r->layers = xcalloc((size_t)cJSON_GetArraySize(f) + 1, sizeof(char *));
		cJSON_ArrayForEach(t, f)
			if (cJSON_IsString(t))
				r->layers[r->nlayers++] = xstrdup(t->valuestring);
	}
	f = cJSON_GetObjectItemCaseSensitive(receipt, "limits");
	if (json_num(f, "cpu_ms", &d))
		r->limits.cpu_ms = (uint64_t)d;
	if (json_num(f, "wall_ms", &d))
		r->limits.wall_ms = (uint64_t)d;
	if (json_num(f, "memory_kb", &d))
		r->limits.memory_kb = (uint64_t)d;
	if (json_num(f, "file_kb", &d))
		r->limits.file_kb = (uint64_t)d;
	if (json_num(f, "output_kb", &d))
		r->limits.output_kb = (uint64_t)d;

	tests = cJSON_GetObjectItemCaseSensitive(root, "tests");
	if (!cJSON_IsArray(tests)) {
		strbuf_addstr(err, "not a json report: no tests");
		return -EINVAL;
	}
	r->tests = xcalloc((size_t)cJSON_GetArraySize(tests) + 1, sizeof(*r->tests));
	i = 0;
	cJSON_ArrayForEach(t, tests) {
		r->ntests = i + 1;
		if (parse_test(t, &r->tests[i], err))
			return -EINVAL;
		i++;
	}
	return 0;
}

int report_parse(const char *json, struct report *r, struct strbuf *err)
{
	cJSON *root = cJSON_Parse(json);
	int ret;

	memset(r, 0, sizeof(*r));
	if (!root) {
		strbuf_addstr(err, "not valid JSON");
		return -EINVAL;
	}
	ret = parse_report(root, r, err);
	cJSON_Delete(root);
	if (ret)
		report_release(r);
	return ret;
}

char *report_json_relabel(const char *json, const char *submission)
{
	cJSON *root = cJSON_Parse(json);
	char *text, *printed;

	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return NULL;
	}
	cJSON_ReplaceItemInObjectCaseSensitive(root, "submission", json_text(submission));
	printed = json_checked(cJSON_Print(root));
	cJSON_Delete(root);
	/* As report_json() leaves it: no "##" (a CI log command) even in a string. */
	text = text_json_guard(printed);
	free(printed);
	return text;
}
