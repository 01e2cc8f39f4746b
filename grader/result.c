/*
 * result.c: what every result of grading shares.
 */
#include <stdlib.h>

#include "result.h"
#include "util.h"

static const char *const status_names[] = {
	[ST_PASSED] = "passed",       [ST_FAILED] = "failed",
	[ST_TIMEOUT] = "timeout",     [ST_MEMORY] = "memory",
	[ST_CRASHED] = "crashed",     [ST_FORBIDDEN] = "forbidden",
	[ST_OUTPUT_LIMIT] = "output_limit", [ST_SKIPPED] = "skipped",
	[ST_MEMORY_ERROR] = "memory_error",
};

const char *test_status_name(enum test_status s)
{
	return (unsigned)s < ARRAY_SIZE(status_names) ? status_names[s] : "unknown";
}

int report_exit_code(const struct report *r)
{
	size_t i;

	if (!r->compiled || r->partial)
		return 1;
	for (i = 0; i < r->ntests; i++)
		if (r->tests[i].status != ST_PASSED)
			return 1;
	return 0;
}

void crash_info_free(struct crash_info *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->ncalls; i++) {
		free(c->calls[i].function);
		free(c->calls[i].file);
	}
	free(c->calls);
	free(c->error);
	free(c->signal);
	free(c);
}

const struct crash_call *crash_place(const struct crash_info *c)
{
	size_t i;

	for (i = 0; c && i < c->ncalls; i++)
		if (*c->calls[i].file)
			return &c->calls[i];
	return NULL;
}

void report_release(struct report *r)
{
	size_t i;

	for (i = 0; i < r->ntests; i++) {
		free(r->tests[i].name);
		free(r->tests[i].message);
		free(r->tests[i].hint);
		free(r->tests[i].output);
		crash_info_free(r->tests[i].crash);
		free(r->tests[i].input);
		free(r->tests[i].observed);
		free(r->tests[i].expected);
	}
	for (i = 0; i < r->nselected; i++)
		free(r->selected[i]);
	free(r->selected);
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
