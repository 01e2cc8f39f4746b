/*
 * ci.c: the results of `grader ci` and the documents made from them
 * (cJSON stays in this file).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ci.h"
#include "json-fields.h"
#include "text-escape.h"
#include "util.h"

#define SUMMARY_SCHEMA_VERSION 1

static const char *env_or_null(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static bool env_true(const char *name)
{
	const char *v = getenv(name);

	return v && !strcmp(v, "true");
}

/* owner/name as GitHub spells repositories: one slash, no other punctuation than _.- */
static bool repo_name(const char *s)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-/");

	return *s && !s[n] && strchr(s, '/') && strchr(s, '/') == strrchr(s, '/');
}

/* A commit as GitHub names it: 40 lowercase hex digits. */
static bool commit_id(const char *s)
{
	return strlen(s) == 40 && strspn(s, "0123456789abcdef") == 40;
}

/* The head of the pull request a GitHub event is about, when it is one. */
static void github_pull_request(struct ci_env *e)
{
	const char *event = env_or_null("GITHUB_EVENT_NAME"), *path = env_or_null("GITHUB_EVENT_PATH");
	const cJSON *pr, *head, *repo, *name, *sha, *number;
	struct strbuf text = STRBUF_INIT;
	cJSON *doc;

	if (!event || !path ||
	    (strcmp(event, "pull_request") && strcmp(event, "pull_request_target")) ||
	    read_file(path, 16u << 20, true, &text))
		goto out;
	doc = cJSON_ParseWithLength(text.buf, text.len);
	pr = cJSON_GetObjectItemCaseSensitive(doc, "pull_request");
	head = cJSON_GetObjectItemCaseSensitive(pr, "head");
	repo = cJSON_GetObjectItemCaseSensitive(head, "repo");
	name = cJSON_GetObjectItemCaseSensitive(repo, "full_name");
	sha = cJSON_GetObjectItemCaseSensitive(head, "sha");
	number = cJSON_GetObjectItemCaseSensitive(pr, "number");
	if (cJSON_IsString(name) && cJSON_IsString(sha) && cJSON_IsNumber(number) &&
	    repo_name(name->valuestring) && commit_id(sha->valuestring) &&
	    strlen(name->valuestring) < sizeof(e->head_repository) && number->valuedouble >= 1 &&
	    number->valuedouble < 1e12) {
		snprintf(e->head_repository, sizeof(e->head_repository), "%s", name->valuestring);
		snprintf(e->head_commit, sizeof(e->head_commit), "%s", sha->valuestring);
		e->pull_request = (long)number->valuedouble;
		e->repository = e->head_repository;
		e->commit = e->head_commit;
	}
	cJSON_Delete(doc);
out:
	strbuf_release(&text);
}

void ci_env_detect(struct ci_env *e)
{
	memset(e, 0, sizeof(*e));
	if (env_true("GITHUB_ACTIONS")) {
		e->system = CI_GITHUB;
		e->workspace = env_or_null("GITHUB_WORKSPACE");
		e->step_summary = env_or_null("GITHUB_STEP_SUMMARY");
		e->output = env_or_null("GITHUB_OUTPUT");
		e->runner_temp = env_or_null("RUNNER_TEMP");
		e->repository = env_or_null("GITHUB_REPOSITORY");
		e->commit = env_or_null("GITHUB_SHA");
		github_pull_request(e);
	} else if (env_true("GITLAB_CI")) {
		e->system = CI_GITLAB;
		e->workspace = env_or_null("CI_PROJECT_DIR");
		e->repository = env_or_null("CI_PROJECT_PATH");
		e->commit = env_or_null("CI_COMMIT_SHA");
	}
}

const char *ci_system_name(enum ci_system s)
{
	switch (s) {
	case CI_GITHUB: return "github";
	case CI_GITLAB: return "gitlab";
	default: return "none";
	}
}

void ci_run_init(struct ci_run *run, const struct assignment *a, const struct ci_env *env)
{
	size_t i;

	memset(run, 0, sizeof(*run));
	run->a = a;
	run->env = env;
	run->n = a->nexercises;
	run->results = xcalloc(a->nexercises + 1, sizeof(*run->results));
	for (i = 0; i < a->nexercises; i++) {
		run->results[i].ax = &a->exercises[i];
		run->results[i].note = xstrdup("");
		run->results[i].status = CELL_PENDING;
	}
}

void ci_run_release(struct ci_run *run)
{
	size_t i;

	for (i = 0; i < run->n; i++) {
		free(run->results[i].path);
		free(run->results[i].note);
		report_release(&run->results[i].report);
	}
	free(run->results);
	memset(run, 0, sizeof(*run));
}

void ci_result_set_graded(struct ci_result *res, struct report *r)
{
	report_release(&res->report);
	res->report = *r;
	memset(r, 0, sizeof(*r));
	res->graded = true;
	res->max_score = res->report.max_score;
	if (!res->report.compiled)
		res->status = CELL_COMPILE_ERROR;
	else if (report_exit_code(&res->report) == 0)
		res->status = CELL_PASSED;
	else
		res->status = CELL_FAILED;
}

void ci_result_set_ungraded(struct ci_result *res, enum cell_status st, const char *note,
			    const struct exercise *ex)
{
	struct report *r = &res->report;
	struct strbuf msg = STRBUF_INIT;
	size_t i;

	report_release(r);
	memset(r, 0, sizeof(*r));
	res->graded = false;
	res->status = st;
	free(res->note);
	res->note = xstrdup(note);
	res->max_score = ex->max_score;

	strbuf_addf(&msg, "not run: %s", note);
	r->exercise = xstrdup(ex->id);
	r->title = xstrdup(ex->title ? ex->title : "");
	r->submission = xstrdup(res->path ? res->path : res->ax->file);
	r->sha256 = xstrdup("");
	r->max_score = ex->max_score;
	r->compiled = false;
	r->compile_output = xstrdup(note);
	r->ntests = ex->ntests;
	r->tests = xcalloc(ex->ntests + 1, sizeof(*r->tests));
	for (i = 0; i < ex->ntests; i++) {
		struct test_report *t = &r->tests[i];

		t->name = xstrdup(ex->tests[i].name);
		t->status = ST_SKIPPED;
		t->max_score = ex->tests[i].points;
		t->visibility = ex->tests[i].visibility;
		t->message = xstrdup(msg.buf);
		t->hint = xstrdup("");
		t->output = xstrdup("");
	}
	r->limits = ex->limits;
	strbuf_release(&msg);
}

bool ci_min_score_parse(const char *s, double *value, bool *percent)
{
	char *end;
	double v;

	if (!*s || !((*s >= '0' && *s <= '9') || *s == '.'))
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return false;
	*percent = false;
	if (*end == '%') {
		*percent = true;
		end++;
		if (v > 100)
			return false;
	}
	if (*end)
		return false;
	*value = v;
	return true;
}

void ci_run_total(const struct ci_run *run, double *score, double *max)
{
	size_t i;

	*score = 0;
	*max = 0;
	for (i = 0; i < run->n; i++) {
		const struct ci_result *res = &run->results[i];

		*max += res->ax->weight * res->max_score;
		if (res->graded)
			*score += res->ax->weight * res->report.score;
	}
}

double ci_run_threshold(const struct ci_run *run)
{
	double score, max;

	if (!run->min_percent)
		return run->min_score;
	ci_run_total(run, &score, &max);
	return max * run->min_score / 100.0;
}

bool ci_run_passed(const struct ci_run *run)
{
	double score, max;
	size_t i;

	if (run->has_min) {
		ci_run_total(run, &score, &max);
		/* Weights make sums of doubles: 0.1 + 0.2 still reaches 0.3. */
		return score + 1e-9 >= ci_run_threshold(run);
	}
	for (i = 0; i < run->n; i++)
		if (run->results[i].status != CELL_PASSED)
			return false;
	return true;
}

int ci_locate(const char *root, const char *file, struct strbuf *note)
{
	char *real_root = realpath(root, NULL), *joined = NULL, *real = NULL;
	struct stat st;
	int ret = 0;

	if (!real_root) {
		ret = -errno;
		strbuf_addf(note, "cannot open the repository '%s': %s", root, strerror(errno));
		goto out;
	}
	joined = path_join(real_root, file);
	real = realpath(joined, NULL);
	if (!real) {
		ret = -errno;
		if (ret == -ENOENT || ret == -ENOTDIR) {
			ret = -ENOENT;
			strbuf_addf(note, "no file '%s' in the repository", file);
		} else if (ret == -ELOOP) {
			ret = -EINVAL;
			strbuf_addf(note, "'%s' goes through a symbolic link: commit the file "
				    "itself", file);
		} else {
			strbuf_addf(note, "cannot read '%s': %s", file, strerror(-ret));
		}
		goto out;
	}
	/*
	 * The path without a symbolic link anywhere resolves to itself: a
	 * learner's link to the grader's own files, or to anything outside the
	 * repository, is refused rather than graded.
	 */
	if (strcmp(real, joined)) {
		ret = -EINVAL;
		strbuf_addf(note, "'%s' goes through a symbolic link: commit the file itself",
			    file);
		goto out;
	}
	if (lstat(real, &st) < 0) {
		ret = -errno;
		strbuf_addf(note, "cannot read '%s': %s", file, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		strbuf_addf(note, "'%s' is not a regular file", file);
	}
out:
	free(real_root);
	free(joined);
	free(real);
	return ret;
}

static const char *mark(bool ok)
{
	return ok ? "\u2705" : "\u274c"; /* check mark, cross mark */
}

static void put_score(struct strbuf *sb, double v)
{
	char buf[SCORE_BUF];

	format_score(v, buf);
	strbuf_addstr(sb, buf);
}

int ci_run_markdown(const struct ci_run *run, struct strbuf *sb)
{
	double score, max;
	char *doc = NULL;
	size_t len = 0;
	FILE *f;
	int ret = 0;
	size_t i;

	ci_run_total(run, &score, &max);
	strbuf_addf(sb, "## %s ", mark(ci_run_passed(run)));
	text_md(sb, *run->a->name ? run->a->name : "grader", 200);
	strbuf_addstr(sb, ": ");
	put_score(sb, score);
	strbuf_addch(sb, '/');
	put_score(sb, max);
	strbuf_addstr(sb, " points");
	if (run->has_min) {
		strbuf_addstr(sb, " (pass mark ");
		put_score(sb, ci_run_threshold(run));
		if (run->min_percent) {
			strbuf_addstr(sb, ", ");
			put_score(sb, run->min_score);
			strbuf_addch(sb, '%');
		}
		strbuf_addch(sb, ')');
	}
	strbuf_addstr(sb, "\n\n| | exercise | file | status | points | weight |\n"
			  "|:-:|---|---|---|--:|--:|\n");
	for (i = 0; i < run->n; i++) {
		const struct ci_result *res = &run->results[i];

		strbuf_addf(sb, "| %s | ", mark(res->status == CELL_PASSED));
		text_md(sb, res->ax->id, 100);
		strbuf_addstr(sb, " | <code>");
		text_md(sb, res->path ? res->path : res->ax->file, 300);
		strbuf_addf(sb, "</code> | %s", cell_status_name(res->status));
		if (*res->note) {
			strbuf_addstr(sb, ": ");
			text_md(sb, res->note, 300);
		}
		strbuf_addstr(sb, " | ");
		put_score(sb, res->graded ? res->report.score : 0);
		strbuf_addch(sb, '/');
		put_score(sb, res->max_score);
		strbuf_addstr(sb, " | ");
		put_score(sb, res->ax->weight);
		strbuf_addstr(sb, " |\n");
	}
	strbuf_addch(sb, '\n');

	f = open_memstream(&doc, &len);
	if (!f)
		return -errno;
	for (i = 0; i < run->n && !ret; i++) {
		if (!run->results[i].graded)
			continue;
		ret = report_write_markdown(&run->results[i].report, f, NULL);
		fputc('\n', f);
	}
	if (fclose(f) != 0 && !ret)
		ret = -errno;
	if (!ret)
		strbuf_add(sb, doc, len);
	free(doc);
	return ret;
}

static void add_string_or_null(cJSON *obj, const char *key, const char *v)
{
	cJSON_AddItemToObject(obj, key, v ? json_text(v) : cJSON_CreateNull());
}

char *ci_run_json(const struct ci_run *run)
{
	cJSON *root = cJSON_CreateObject(), *list, *item;
	double score, max;
	char *text = NULL;
	size_t i;

	if (!root)
		return NULL;
	ci_run_total(run, &score, &max);
	cJSON_AddNumberToObject(root, "schema", SUMMARY_SCHEMA_VERSION);
	json_add_text(root, "assignment", run->a->name);
	json_add_text(root, "ci", ci_system_name(run->env->system));
	add_string_or_null(root, "repository", run->env->repository);
	add_string_or_null(root, "commit", run->env->commit);
	if (run->env->pull_request)
		cJSON_AddNumberToObject(root, "pull_request", (double)run->env->pull_request);
	else
		cJSON_AddNullToObject(root, "pull_request");
	json_add_score(root, "score", score);
	json_add_score(root, "max_score", max);
	if (run->has_min)
		json_add_score(root, "min_score", ci_run_threshold(run));
	else
		cJSON_AddNullToObject(root, "min_score");
	cJSON_AddBoolToObject(root, "passed", ci_run_passed(run));
	list = cJSON_AddArrayToObject(root, "exercises");
	for (i = 0; i < run->n && list; i++) {
		const struct ci_result *res = &run->results[i];

		item = cJSON_CreateObject();
		if (!item)
			break;
		cJSON_AddItemToArray(list, item);
		json_add_text(item, "id", res->ax->id);
		json_add_text(item, "file", res->path ? res->path : res->ax->file);
		cJSON_AddNumberToObject(item, "weight", res->ax->weight);
		json_add_text(item, "status", cell_status_name(res->status));
		json_add_text(item, "note", res->note);
		cJSON_AddNumberToObject(item, "score", res->graded ? res->report.score : 0);
		cJSON_AddNumberToObject(item, "max_score", res->max_score);
		json_add_score(item, "weighted_score",
			       res->ax->weight * (res->graded ? res->report.score : 0));
		if (res->graded) {
			/* The exercise's json report, as `grader check --format json` has it. */
			char *json = report_json(&res->report);

			cJSON_AddItemToObject(item, "report", cJSON_CreateRaw(json));
			free(json);
		} else {
			cJSON_AddItemToObject(item, "report", cJSON_CreateNull());
		}
	}
	text = cJSON_Print(root);
	cJSON_Delete(root);
	return text;
}
