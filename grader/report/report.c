/*
 * report.c: the report formats by name, and the writers too small for a file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"
#include "util.h"

static const struct report_format formats[] = {
	{ "human", report_write_human },
	{ "json", report_write_json },
	{ "junit", report_write_junit },
	{ "tap", report_write_tap },
	{ "gradescope", report_write_gradescope },
	{ "github", report_write_github },
	{ "markdown", report_write_markdown },
};

const char report_format_names[] = "human, json, junit, tap, gradescope, github, markdown";

void report_partial_note(const struct report *r, struct strbuf *sb)
{
	size_t i;

	if (!r->partial)
		return;
	strbuf_addstr(sb, "partial run of ");
	for (i = 0; i < r->nselected; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", r->selected[i]);
	strbuf_addf(sb, " (--test, and the tests they require): %zu test%s ran; this is "
		    "not a grade", r->ntests, r->ntests == 1 ? "" : "s");
}

const struct report_format *report_format_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (!strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

int report_format_parse(const char *name, const struct report_format **f, struct strbuf *err)
{
	*f = report_format_find(name);
	if (*f)
		return 0;
	strbuf_addf(err, "unknown format '%s' (expected %s)", name, report_format_names);
	return -EINVAL;
}

int report_files_add(struct report_files *rf, const char *arg, struct strbuf *err)
{
	const char *eq = strchr(arg, '=');
	char *name;
	int ret;

	if (rf->n == REPORT_FILES_MAX) {
		strbuf_addf(err, "--report: at most %d reports", REPORT_FILES_MAX);
		return -EINVAL;
	}
	if (!eq || !eq[1]) {
		strbuf_addf(err, "--report: expected FORMAT=FILE, not '%s'", arg);
		return -EINVAL;
	}
	name = xstrndup(arg, (size_t)(eq - arg));
	ret = report_format_parse(name, &rf->file[rf->n].format, err);
	rf->file[rf->n].path = eq + 1;
	if (!ret)
		rf->n++;
	free(name);
	return ret;
}

bool report_files_have(const struct report_files *rf, const struct report_format *f)
{
	size_t i;

	for (i = 0; i < rf->n; i++)
		if (rf->file[i].format == f)
			return true;
	return false;
}

static int write_data(const char *path, const char *data, size_t len)
{
	struct stat st;
	FILE *f;
	int ret = 0;

	if (stat(path, &st) < 0 || S_ISREG(st.st_mode))
		return write_file_atomic(path, data, len, 0644);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	if (fwrite(data, 1, len, f) != len)
		ret = -EIO;
	if (fclose(f) != 0 && !ret)
		ret = -errno;
	return ret;
}

static int write_one(const struct report *r, const struct report_format *format,
		     const char *path, struct strbuf *err)
{
	struct report_opts ro = { .color = false };
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	int ret;

	if (!f) {
		ret = -errno;
		strbuf_addf(err, "cannot write the %s report: %s\n", format->name, strerror(-ret));
		return ret;
	}
	ret = format->write(r, f, &ro);
	if (fclose(f) != 0 && !ret)
		ret = -EIO;
	if (!ret)
		ret = write_data(path, data, len);
	if (ret)
		strbuf_addf(err, "cannot write '%s': %s\n", path, strerror(-ret));
	free(data);
	return ret;
}

int report_files_write(const struct report_files *rf, const struct report *r,
		       struct strbuf *err)
{
	size_t i;
	int ret = 0, one;

	for (i = 0; i < rf->n; i++) {
		one = write_one(r, rf->file[i].format, rf->file[i].path, err);
		if (one)
			ret = one;
	}
	return ret;
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
