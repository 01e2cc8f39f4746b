/*
 * report.c: the report formats by name, and the writers too small for a file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

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
