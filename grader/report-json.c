/*
 * report-json.c: the json report (CONTRACT section 3), versioned.
 * Learner output is escaped by cJSON, so it cannot break the document.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "report.h"
#include "util.h"

#ifndef GRADER_VERSION
#define GRADER_VERSION "0.0.0"
#endif

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

	cJSON_AddStringToObject(o, "name", t->name);
	cJSON_AddStringToObject(o, "status", test_status_name(t->status));
	cJSON_AddNumberToObject(o, "score", t->score);
	cJSON_AddNumberToObject(o, "max_score", t->max_score);
	cJSON_AddNumberToObject(o, "time_ms", round1(t->time_ms));
	cJSON_AddNumberToObject(o, "memory_kb", (double)t->memory_kb);
	cJSON_AddStringToObject(o, "message", t->message ? t->message : "");
	cJSON_AddStringToObject(o, "hint", t->hint ? t->hint : "");
	cJSON_AddStringToObject(o, "visibility", visibility_name(t->visibility));
	cJSON_AddStringToObject(o, "output", t->output ? t->output : "");
	cJSON_AddNumberToObject(o, "limit_ms", round1(t->limit_ms));
	cJSON_AddNumberToObject(o, "reference_ms", round1(t->reference_ms));
	cJSON_AddBoolToObject(o, "accounting", t->accounting);
	cJSON_AddNumberToObject(o, "injections", t->injections);
	return o;
}

char *report_json(const struct report *r)
{
	cJSON *root = cJSON_CreateObject(), *compile, *tests, *receipt, *limits, *iso;
	char *text;
	size_t i;

	cJSON_AddNumberToObject(root, "schema", REPORT_SCHEMA_VERSION);
	cJSON_AddStringToObject(root, "exercise", r->exercise);
	cJSON_AddStringToObject(root, "title", r->title ? r->title : "");
	cJSON_AddStringToObject(root, "submission", r->submission);
	cJSON_AddStringToObject(root, "sha256", r->sha256);
	cJSON_AddNumberToObject(root, "score", r->score);
	cJSON_AddNumberToObject(root, "max_score", r->max_score);
	compile = cJSON_AddObjectToObject(root, "compile");
	cJSON_AddStringToObject(compile, "status", r->compiled ? "ok" : "error");
	cJSON_AddStringToObject(compile, "output", r->compile_output ? r->compile_output : "");
	tests = cJSON_AddArrayToObject(root, "tests");
	for (i = 0; i < r->ntests; i++)
		cJSON_AddItemToArray(tests, test_json(&r->tests[i]));
	add_u64(root, "seed", r->seed);
	cJSON_AddStringToObject(root, "grader_version", GRADER_VERSION);

	receipt = cJSON_AddObjectToObject(root, "receipt");
	cJSON_AddStringToObject(receipt, "submission_sha256", r->sha256);
	cJSON_AddStringToObject(receipt, "spec_sha256", r->spec_hash ? r->spec_hash : "");
	cJSON_AddStringToObject(receipt, "grader_version", GRADER_VERSION);
	cJSON_AddStringToObject(receipt, "compiler", r->compiler ? r->compiler : "");
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
	cJSON_AddStringToObject(receipt, "delivery_id", r->delivery_id ? r->delivery_id : "");
	cJSON_AddStringToObject(receipt, "timestamp", r->timestamp ? r->timestamp : "");
	cJSON_AddNumberToObject(root, "wall_ms", round1(r->wall_ms));

	text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text) {
		fprintf(stderr, "grader: out of memory\n");
		abort();
	}
	return text;
}
