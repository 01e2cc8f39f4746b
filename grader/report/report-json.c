/*
 * report-json.c: the json report (CONTRACT section 3), versioned.
 * Learner output is escaped by cJSON, so it cannot break the document.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * Every string goes through here: learner output may hold any bytes, and a
 * json document must be UTF-8 (RFC 8259), so invalid bytes become U+FFFD.
 */
static void add_text(cJSON *obj, const char *key, const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_utf8(&sb, s, strlen(s));
	cJSON_AddStringToObject(obj, key, strbuf_str(&sb));
	strbuf_release(&sb);
}

/* A u64 exactly, which a double cannot hold. */
static void add_u64(cJSON *obj, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	cJSON_AddItemToObject(obj, key, cJSON_CreateRaw(buf));
}

static cJSON *test_json(const struct test_report *t)
{
	cJSON *o = cJSON_CreateObject();

	add_text(o, "name", t->name);
	add_text(o, "status", test_status_name(t->status));
	cJSON_AddNumberToObject(o, "score", t->score);
	cJSON_AddNumberToObject(o, "max_score", t->max_score);
	cJSON_AddNumberToObject(o, "time_ms", round1(t->time_ms));
	cJSON_AddNumberToObject(o, "memory_kb", (double)t->memory_kb);
	add_text(o, "message", t->message ? t->message : "");
	add_text(o, "hint", t->hint ? t->hint : "");
	add_text(o, "visibility", visibility_name(t->visibility));
	add_text(o, "output", t->output ? t->output : "");
	cJSON_AddNumberToObject(o, "limit_ms", round1(t->limit_ms));
	cJSON_AddNumberToObject(o, "reference_ms", round1(t->reference_ms));
	cJSON_AddBoolToObject(o, "accounting", t->accounting);
	cJSON_AddNumberToObject(o, "injections", t->injections);
	return o;
}

char *report_json(const struct report *r)
{
	cJSON *root = cJSON_CreateObject(), *compile, *tests, *receipt, *limits, *iso;
	char *text, *guarded;
	size_t i;

	cJSON_AddNumberToObject(root, "schema", REPORT_SCHEMA_VERSION);
	add_text(root, "exercise", r->exercise);
	add_text(root, "title", r->title ? r->title : "");
	add_text(root, "submission", r->submission);
	add_text(root, "sha256", r->sha256);
	cJSON_AddNumberToObject(root, "score", r->score);
	cJSON_AddNumberToObject(root, "max_score", r->max_score);
	compile = cJSON_AddObjectToObject(root, "compile");
	add_text(compile, "status", r->compiled ? "ok" : "error");
	add_text(compile, "output", r->compile_output ? r->compile_output : "");
	tests = cJSON_AddArrayToObject(root, "tests");
	for (i = 0; i < r->ntests; i++)
		cJSON_AddItemToArray(tests, test_json(&r->tests[i]));
	add_u64(root, "seed", r->seed);
	add_text(root, "grader_version", GRADER_VERSION);

	receipt = cJSON_AddObjectToObject(root, "receipt");
	add_text(receipt, "submission_sha256", r->sha256);
	add_text(receipt, "spec_sha256", r->spec_hash ? r->spec_hash : "");
	add_text(receipt, "grader_version", GRADER_VERSION);
	add_text(receipt, "compiler", r->compiler ? r->compiler : "");
	add_u64(receipt, "seed", r->seed);
	limits = cJSON_AddObjectToObject(receipt, "limits");
	cJSON_AddNumberToObject(limits, "cpu_ms", (double)r->limits.cpu_ms);
	cJSON_AddNumberToObject(limits, "wall_ms", (double)r->limits.wall_ms);
	cJSON_AddNumberToObject(limits, "memory_kb", (double)r->limits.memory_kb);
	cJSON_AddNumberToObject(limits, "file_kb", (double)r->limits.file_kb);
	cJSON_AddNumberToObject(limits, "output_kb", (double)r->limits.output_kb);
	iso = cJSON_AddArrayToObject(receipt, "isolation");
	for (i = 0; i < r->nlayers; i++)
		cJSON_AddItemToArray(iso, cJSON_CreateString(r->layers[i]));
	add_text(receipt, "delivery_id", r->delivery_id ? r->delivery_id : "");
	add_text(receipt, "timestamp", r->timestamp ? r->timestamp : "");
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
