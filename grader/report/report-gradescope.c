/*
 * report-gradescope.c: Gradescope's results.json, for a Gradescope
 * autograder whose run_autograder calls
 *   grader check EXERCISE FILE.c --report gradescope=/autograder/results/results.json
 *
 * Gradescope knows only "passed" and "failed"; the grader's own status is in
 * each test's output and extra_data. Outputs are plain text
 * ("output_format": "text"), so nothing a submission prints is rendered as
 * HTML or markdown. Visibility is passed on: Gradescope itself hides
 * "hidden" and "after_due_date" tests from the learner. The receipt is the
 * top-level extra_data. (cJSON here as in report-json.c: both write json.)
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "report.h"
#include "text-escape.h"
#include "version.h"
#include "util.h"

#define OUTPUT_MAX 16384

static const char *visibility_name(enum visibility v)
{
	switch (v) {
	case VIS_HIDDEN: return "hidden";
	case VIS_AFTER_DUE_DATE: return "after_due_date";
	default: return "visible";
	}
}

static void add_clean(cJSON *obj, const char *key, const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	text_clean(&sb, s ? s : "", OUTPUT_MAX);
	cJSON_AddStringToObject(obj, key, strbuf_str(&sb));
	strbuf_release(&sb);
}

static cJSON *test_json(const struct test_report *t, size_t number)
{
	cJSON *o = cJSON_CreateObject(), *extra;
	struct strbuf out = STRBUF_INIT, num = STRBUF_INIT;

	strbuf_addf(&out, "%s, %d/%d points", test_status_name(t->status), t->score,
		    t->max_score);
	if (t->status != ST_SKIPPED)
		strbuf_addf(&out, ", %.1f ms CPU (limit %.1f ms)", t->time_ms, t->limit_ms);
	strbuf_addch(&out, '\n');
	if (t->message && *t->message) {
		strbuf_addch(&out, '\n');
		text_clean(&out, t->message, OUTPUT_MAX);
		strbuf_addch(&out, '\n');
	}
	if (t->hint && *t->hint) {
		strbuf_addstr(&out, "\nhint: ");
		text_clean(&out, t->hint, OUTPUT_MAX);
		strbuf_addch(&out, '\n');
	}
	if (t->output && *t->output && t->status != ST_SKIPPED) {
		strbuf_addstr(&out, "\nyour program printed:\n");
		text_clean(&out, t->output, OUTPUT_MAX);
	}
	strbuf_addf(&num, "%zu", number);
	add_clean(o, "name", t->name);
	cJSON_AddStringToObject(o, "number", num.buf);
	cJSON_AddNumberToObject(o, "score", t->score);
	cJSON_AddNumberToObject(o, "max_score", t->max_score);
	cJSON_AddStringToObject(o, "status", t->status == ST_PASSED ? "passed" : "failed");
	cJSON_AddStringToObject(o, "output", out.buf);
	cJSON_AddStringToObject(o, "output_format", "text");
	cJSON_AddStringToObject(o, "visibility", visibility_name(t->visibility));
	extra = cJSON_AddObjectToObject(o, "extra_data");
	cJSON_AddStringToObject(extra, "status", test_status_name(t->status));
	cJSON_AddNumberToObject(extra, "time_ms", round(t->time_ms * 10.0) / 10.0);
	cJSON_AddNumberToObject(extra, "limit_ms", round(t->limit_ms * 10.0) / 10.0);
	cJSON_AddNumberToObject(extra, "memory_kb", (double)t->memory_kb);
	strbuf_release(&out);
	strbuf_release(&num);
	return o;
}

static cJSON *compile_json(const struct report *r)
{
	cJSON *o = cJSON_CreateObject();
	struct strbuf out = STRBUF_INIT;

	strbuf_addstr(&out, r->compiled ? "the submission compiles\n" :
					  "the submission does not compile: no test was run\n");
	if (r->compile_output && *r->compile_output) {
		strbuf_addch(&out, '\n');
		text_clean(&out, r->compile_output, OUTPUT_MAX);
	}
	cJSON_AddStringToObject(o, "name", "compile");
	cJSON_AddStringToObject(o, "number", "0");
	cJSON_AddNumberToObject(o, "score", 0);
	cJSON_AddNumberToObject(o, "max_score", 0);
	cJSON_AddStringToObject(o, "status", r->compiled ? "passed" : "failed");
	cJSON_AddStringToObject(o, "output", out.buf);
	cJSON_AddStringToObject(o, "output_format", "text");
	cJSON_AddStringToObject(o, "visibility", "visible");
	strbuf_release(&out);
	return o;
}

static void add_receipt(cJSON *extra, const struct report *r)
{
	cJSON *limits, *iso;
	char seed[24];
	size_t i;

	add_clean(extra, "exercise", r->exercise);
	add_clean(extra, "submission", r->submission);
	add_clean(extra, "submission_sha256", r->sha256);
	add_clean(extra, "spec_sha256", r->spec_hash);
	cJSON_AddStringToObject(extra, "grader_version", GRADER_VERSION);
	add_clean(extra, "compiler", r->compiler);
	/* A string: a double cannot hold every 64-bit seed. */
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)r->seed);
	cJSON_AddStringToObject(extra, "seed", seed);
	limits = cJSON_AddObjectToObject(extra, "limits");
	cJSON_AddNumberToObject(limits, "cpu_ms", (double)r->limits.cpu_ms);
	cJSON_AddNumberToObject(limits, "wall_ms", (double)r->limits.wall_ms);
	cJSON_AddNumberToObject(limits, "memory_kb", (double)r->limits.memory_kb);
	cJSON_AddNumberToObject(limits, "file_kb", (double)r->limits.file_kb);
	cJSON_AddNumberToObject(limits, "output_kb", (double)r->limits.output_kb);
	iso = cJSON_AddArrayToObject(extra, "isolation");
	for (i = 0; i < r->nlayers; i++)
		cJSON_AddItemToArray(iso, cJSON_CreateString(r->layers[i]));
	add_clean(extra, "delivery_id", r->delivery_id);
	add_clean(extra, "timestamp", r->timestamp);
}

int report_write_gradescope(const struct report *r, FILE *f, const struct report_opts *o)
{
	cJSON *root = cJSON_CreateObject(), *tests;
	struct strbuf summary = STRBUF_INIT;
	char *text, *guarded;
	size_t i, passed = 0;

	(void)o;
	for (i = 0; i < r->ntests; i++)
		passed += r->tests[i].status == ST_PASSED;
	strbuf_addf(&summary, "%s: score %d/%d", r->exercise, r->score, r->max_score);
	if (r->compiled)
		strbuf_addf(&summary, ", %zu of %zu tests passed", passed, r->ntests);
	else
		strbuf_addstr(&summary, ": the submission does not compile");
	strbuf_addf(&summary, " (seed %llu, grader %s)", (unsigned long long)r->seed,
		    GRADER_VERSION);
	if (r->partial) {
		strbuf_addstr(&summary, "\n");
		report_partial_note(r, &summary);
	}

	cJSON_AddNumberToObject(root, "score", r->score);
	cJSON_AddNumberToObject(root, "max_score", r->max_score);
	cJSON_AddNumberToObject(root, "execution_time", ceil(r->wall_ms / 1000.0));
	cJSON_AddStringToObject(root, "output", summary.buf);
	cJSON_AddStringToObject(root, "output_format", "text");
	cJSON_AddStringToObject(root, "test_output_format", "text");
	cJSON_AddStringToObject(root, "visibility", "visible");
	cJSON_AddStringToObject(root, "stdout_visibility", "hidden");
	tests = cJSON_AddArrayToObject(root, "tests");
	cJSON_AddItemToArray(tests, compile_json(r));
	for (i = 0; i < r->ntests; i++)
		cJSON_AddItemToArray(tests, test_json(&r->tests[i], i + 1));
	add_receipt(cJSON_AddObjectToObject(root, "extra_data"), r);

	text = cJSON_Print(root);
	cJSON_Delete(root);
	strbuf_release(&summary);
	if (!text) {
		fprintf(stderr, "grader: out of memory\n");
		abort();
	}
	guarded = text_json_guard(text);
	free(text);
	fputs(guarded, f);
	fputc('\n', f);
	free(guarded);
	return ferror(f) ? -EIO : 0;
}
