/*
 * report.c: what every report format shares.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

static const char *const status_names[] = {
	[ST_PASSED] = "passed",       [ST_FAILED] = "failed",
	[ST_TIMEOUT] = "timeout",     [ST_MEMORY] = "memory",
	[ST_CRASHED] = "crashed",     [ST_FORBIDDEN] = "forbidden",
	[ST_OUTPUT_LIMIT] = "output_limit", [ST_SKIPPED] = "skipped",
};

const char *test_status_name(enum test_status s)
{
	return (unsigned)s < ARRAY_SIZE(status_names) ? status_names[s] : "unknown";
}

int report_exit_code(const struct report *r)
{
	size_t i;

	if (!r->compiled)
		return 1;
	for (i = 0; i < r->ntests; i++)
		if (r->tests[i].status != ST_PASSED)
			return 1;
	return 0;
}

void report_release(struct report *r)
{
	size_t i;

	for (i = 0; i < r->ntests; i++) {
		free(r->tests[i].name);
		free(r->tests[i].message);
		free(r->tests[i].hint);
		free(r->tests[i].output);
	}
	free(r->tests);
	for (i = 0; i < r->nlayers; i++)
		free(r->layers[i]);
	free(r->layers);
	free(r->exercise);
	free(r->title);
	free(r->submission);
	free(r->sha256);
	free(r->compile_output);
	free(r->spec_hash);
	free(r->compiler);
	free(r->delivery_id);
	free(r->timestamp);
}

static const struct report_format formats[] = {
	{ "human", report_write_human_fmt },
	{ "json", report_write_json },
	{ "junit", report_write_junit },
	{ "tap", report_write_tap },
	{ "gradescope", report_write_gradescope },
	{ "github", report_write_github },
	{ "markdown", report_write_markdown },
};

const char report_format_names[] = "human, json, junit, tap, gradescope, github, markdown";

const struct report_format *report_format_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (!strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

int report_write_human_fmt(const struct report *r, FILE *f, const struct report_opts *o)
{
	return report_write_human(r, f, o && o->color);
}

int report_write_json(const struct report *r, FILE *f, const struct report_opts *o)
{
	char *json = report_json(r);

	(void)o;
	fputs(json, f);
	fputc('\n', f);
	free(json);
	return ferror(f) ? -EIO : 0;
}
