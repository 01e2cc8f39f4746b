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

#include "json-fields.h"
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
	json_add_text(obj, key, strbuf_str(&sb));
	strbuf_release(&sb);
}

/*
 * One test. In an assignment (exercise not NULL) its name is
 * "<exercise>/<test>" and its points count times weight.
 */
static cJSON *test_json(const struct test_report *t, size_t number, const char *exercise,
			double weight)
{
	cJSON *o = cJSON_CreateObject(), *extra;
	struct strbuf out = STRBUF_INIT, num = STRBUF_INIT, name = STRBUF_INIT;

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
	if (exercise)
		strbuf_addf(&name, "%s/", exercise);
	strbuf_addstr(&name, t->name);
	add_clean(o, "name", name.buf);
	json_add_text(o, "number", num.buf);
	json_add_score(o, "score", weight * t->score);
	json_add_score(o, "max_score", weight * t->max_score);
	json_add_text(o, "status", t->status == ST_PASSED ? "passed" : "failed");
	json_add_text(o, "output", out.buf);
	json_add_text(o, "output_format", "text");
	json_add_text(o, "visibility", visibility_name(t->visibility));
	extra = cJSON_AddObjectToObject(o, "extra_data");
	json_add_text(extra, "status", test_status_name(t->status));
	cJSON_AddNumberToObject(extra, "time_ms", round(t->time_ms * 10.0) / 10.0);
	cJSON_AddNumberToObject(extra, "limit_ms", round(t->limit_ms * 10.0) / 10.0);
	cJSON_AddNumberToObject(extra, "memory_kb", (double)t->memory_kb);
	strbuf_release(&out);
	strbuf_release(&num);
	strbuf_release(&name);
	return o;
}

static cJSON *compile_json(const struct report *r, const char *exercise, size_t number)
{
	cJSON *o = cJSON_CreateObject();
	struct strbuf out = STRBUF_INIT, name = STRBUF_INIT, num = STRBUF_INIT;

	strbuf_addstr(&out, r->compiled ? "the submission compiles\n" :
					  "the submission does not compile: no test was run\n");
	if (r->compile_output && *r->compile_output) {
		strbuf_addch(&out, '\n');
		text_clean(&out, r->compile_output, OUTPUT_MAX);
	}
	if (exercise)
		strbuf_addf(&name, "%s/", exercise);
	strbuf_addstr(&name, "compile");
	strbuf_addf(&num, "%zu", number);
	add_clean(o, "name", name.buf);
	json_add_text(o, "number", num.buf);
	cJSON_AddNumberToObject(o, "score", 0);
	cJSON_AddNumberToObject(o, "max_score", 0);
	json_add_text(o, "status", r->compiled ? "passed" : "failed");
	json_add_text(o, "output", out.buf);
	json_add_text(o, "output_format", "text");
	json_add_text(o, "visibility", "visible");
	strbuf_release(&out);
	strbuf_release(&name);
	strbuf_release(&num);
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
	json_add_text(extra, "grader_version", GRADER_VERSION);
	add_clean(extra, "compiler", r->compiler);
	/* A string: a double cannot hold every 64-bit seed. */
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)r->seed);
	json_add_text(extra, "seed", seed);
	limits = cJSON_AddObjectToObject(extra, "limits");
	cJSON_AddNumberToObject(limits, "cpu_ms", (double)r->limits.cpu_ms);
	cJSON_AddNumberToObject(limits, "wall_ms", (double)r->limits.wall_ms);
	cJSON_AddNumberToObject(limits, "memory_kb", (double)r->limits.memory_kb);
	cJSON_AddNumberToObject(limits, "file_kb", (double)r->limits.file_kb);
	cJSON_AddNumberToObject(limits, "output_kb", (double)r->limits.output_kb);
	iso = cJSON_AddArrayToObject(extra, "isolation");
	for (i = 0; i < r->nlayers; i++)
		cJSON_AddItemToArray(iso, json_text(r->layers[i]));
	add_clean(extra, "delivery_id", r->delivery_id);
	add_clean(extra, "timestamp", r->timestamp);
}

/* Prints root (deleted here) as the file's text. */
static int put_document(cJSON *root, FILE *f)
{
	char *text = cJSON_Print(root), *guarded;

	cJSON_Delete(root);
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

int report_write_gradescope(const struct report *r, FILE *f, const struct report_opts *o)
{
	cJSON *root = cJSON_CreateObject(), *tests;
	struct strbuf summary = STRBUF_INIT;
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

	json_add_score(root, "score", r->score);
	json_add_score(root, "max_score", r->max_score);
	cJSON_AddNumberToObject(root, "execution_time", ceil(r->wall_ms / 1000.0));
	json_add_text(root, "output", summary.buf);
	json_add_text(root, "output_format", "text");
	json_add_text(root, "test_output_format", "text");
	json_add_text(root, "visibility", "visible");
	json_add_text(root, "stdout_visibility", "hidden");
	tests = cJSON_AddArrayToObject(root, "tests");
	cJSON_AddItemToArray(tests, compile_json(r, NULL, 0));
	for (i = 0; i < r->ntests; i++)
		cJSON_AddItemToArray(tests, test_json(&r->tests[i], i + 1, NULL, 1.0));
	add_receipt(cJSON_AddObjectToObject(root, "extra_data"), r);
	strbuf_release(&summary);
	return put_document(root, f);
}

int report_write_gradescope_assignment(const struct report *const *r, const double *weight,
				       size_t n, const char *title, FILE *f)
{
	cJSON *root = cJSON_CreateObject(), *tests, *receipts;
	struct strbuf summary = STRBUF_INIT;
	double score = 0, max = 0, wall = 0;
	char a[SCORE_BUF], b[SCORE_BUF];
	size_t i, t, number = 0;

	for (i = 0; i < n; i++) {
		score += weight[i] * r[i]->score;
		max += weight[i] * r[i]->max_score;
		wall += r[i]->wall_ms;
	}
	format_score(score, a);
	format_score(max, b);
	strbuf_addf(&summary, "%s: score %s/%s (grader %s)\n", title, a, b, GRADER_VERSION);
	for (i = 0; i < n; i++) {
		format_score(weight[i] * r[i]->score, a);
		format_score(weight[i] * r[i]->max_score, b);
		strbuf_addf(&summary, "%s: %s/%s", r[i]->exercise, a, b);
		format_score(weight[i], a);
		strbuf_addf(&summary, " (%d/%d points x %s)%s\n", r[i]->score, r[i]->max_score, a,
			    r[i]->compiled ? "" : ", does not compile");
	}
	json_add_score(root, "score", score);
	json_add_score(root, "max_score", max);
	cJSON_AddNumberToObject(root, "execution_time", ceil(wall / 1000.0));
	add_clean(root, "output", summary.buf);
	json_add_text(root, "output_format", "text");
	json_add_text(root, "test_output_format", "text");
	json_add_text(root, "visibility", "visible");
	json_add_text(root, "stdout_visibility", "hidden");
	tests = cJSON_AddArrayToObject(root, "tests");
	receipts = cJSON_AddArrayToObject(cJSON_AddObjectToObject(root, "extra_data"),
					  "exercises");
	for (i = 0; i < n; i++) {
		cJSON *receipt = cJSON_CreateObject();

		cJSON_AddItemToArray(tests, compile_json(r[i], r[i]->exercise, ++number));
		for (t = 0; t < r[i]->ntests; t++)
			cJSON_AddItemToArray(tests, test_json(&r[i]->tests[t], ++number,
							      r[i]->exercise, weight[i]));
		add_receipt(receipt, r[i]);
		json_add_score(receipt, "weight", weight[i]);
		cJSON_AddItemToArray(receipts, receipt);
	}
	strbuf_release(&summary);
	return put_document(root, f);
}
