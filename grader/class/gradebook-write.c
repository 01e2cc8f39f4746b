/*
 * gradebook-write.c: the output directory: every file made from the
 * gradebook, each written only when its bytes change, and the pages and
 * reports of students and tests no longer there removed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "changes.h"
#include "gradebook.h"
#include "html.h"
#include "lms.h"
#include "util.h"

char *gradebook_report_path(const struct gradebook_student *s,
			    const struct gradebook_exercise *ex)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "reports/%s/%s.json", s->name, ex->id);
	return strbuf_detach(&sb);
}

/* Writes data to path unless the file already holds exactly that. */
static int write_if_changed(const char *path, const char *data, struct strbuf *err)
{
	struct strbuf old = STRBUF_INIT;
	size_t len = strlen(data);
	int ret = 0;

	if (read_file(path, len + 1, true, &old) == 0 && old.len == len &&
	    !memcmp(old.buf, data, len))
		goto out;
	ret = write_file_atomic(path, data, len, 0644);
	if (ret)
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(-ret));
out:
	strbuf_release(&old);
	return ret;
}

static int write_reports(const struct gradebook *gb, const char *dir, struct strbuf *err)
{
	char *reports = path_join(dir, "reports");
	size_t i, e;
	int ret = 0;

	if (mkdir(reports, 0755) < 0 && errno != EEXIST) {
		ret = -errno;
		strbuf_addf(err, "cannot create '%s': %s", reports, strerror(errno));
		goto out;
	}
	for (i = 0; i < gb->nstudents && !ret; i++) {
		const struct gradebook_student *s = &gb->students[i];
		char *sdir = path_join(reports, s->name);
		bool made = false;

		for (e = 0; e < gb->nexercises && !ret; e++) {
			char *rel, *path;

			if (!s->cells[e].graded) {
				/* A report from an earlier run no longer stands. */
				rel = gradebook_report_path(s, &gb->exercises[e]);
				path = path_join(dir, rel);
				unlink(path);
				free(path);
				free(rel);
				continue;
			}
			if (!made && mkdir(sdir, 0755) < 0 && errno != EEXIST) {
				ret = -errno;
				strbuf_addf(err, "cannot create '%s': %s", sdir, strerror(errno));
				break;
			}
			made = true;
			rel = gradebook_report_path(s, &gb->exercises[e]);
			path = path_join(dir, rel);
			ret = write_if_changed(path, s->cells[e].json, err);
			free(path);
			free(rel);
		}
		free(sdir);
	}
out:
	free(reports);
	return ret;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes the pages in dir that are not among keep (n names, sorted, ".html" included). */
static void remove_stale(const char *dir, char **keep, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		size_t len = strlen(name);

		if (len < 5 || strcmp(name + len - 5, ".html") ||
		    bsearch(&name, keep, n, sizeof(char *), by_string))
			continue;
		unlinkat(dirfd(d), name, 0);
	}
	closedir(d);
}

static int make_dir(const char *path, struct strbuf *err)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		strbuf_addf(err, "cannot create '%s': %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * Writes the n pages made by page(gb, i, arg) into dir as name(i).html,
 * then removes the other pages there.
 */
static int write_page_set(const struct gradebook *gb, const char *dir, size_t n,
			  void (*name)(const struct gradebook *, size_t, void *, struct strbuf *),
			  char *(*page)(const struct gradebook *, size_t, void *), void *arg,
			  struct strbuf *err)
{
	char **names = xcalloc(n + 1, sizeof(char *));
	size_t i;
	int ret = make_dir(dir, err);

	for (i = 0; i < n && !ret; i++) {
		struct strbuf file = STRBUF_INIT;
		char *text, *path;

		name(gb, i, arg, &file);
		strbuf_addstr(&file, ".html");
		text = page(gb, i, arg);
		path = path_join(dir, file.buf);
		ret = write_if_changed(path, text, err);
		free(path);
		free(text);
		names[i] = strbuf_detach(&file);
	}
	if (!ret) {
		qsort(names, n, sizeof(char *), by_string);
		remove_stale(dir, names, n);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

static void student_name(const struct gradebook *gb, size_t i, void *arg, struct strbuf *sb)
{
	(void)arg;
	html_page_name(sb, gb->students[i].name);
}

static char *student_page(const struct gradebook *gb, size_t i, void *arg)
{
	(void)arg;
	return gradebook_student_page(gb, &gb->students[i]);
}

static void test_name(const struct gradebook *gb, size_t t, void *arg, struct strbuf *sb)
{
	html_page_name(sb, gb->exercises[*(size_t *)arg].tests[t].name);
}

static char *test_page(const struct gradebook *gb, size_t t, void *arg)
{
	return gradebook_test_page(gb, *(size_t *)arg, t);
}

static int write_pages(const struct gradebook *gb, const char *dir, struct strbuf *err)
{
	char *students = path_join(dir, "students"), *tests = path_join(dir, "tests");
	size_t e;
	int ret;

	ret = write_page_set(gb, students, gb->nstudents, student_name, student_page, NULL, err);
	if (!ret)
		ret = make_dir(tests, err);
	for (e = 0; e < gb->nexercises && !ret; e++) {
		struct strbuf sub = STRBUF_INIT;
		char *exdir;

		html_page_name(&sub, gb->exercises[e].id);
		exdir = path_join(tests, sub.buf);
		ret = write_page_set(gb, exdir, gb->exercises[e].ntests, test_name, test_page, &e,
				     err);
		free(exdir);
		strbuf_release(&sub);
	}
	free(students);
	free(tests);
	return ret;
}

int gradebook_write(const struct gradebook *gb, const char *dir,
		    const struct gradebook_run *run, struct strbuf *err)
{
	struct gradebook_stats st;
	struct {
		const char *name;
		char *text;
	} files[8];
	size_t n = 0;
	char *stale;
	size_t i;
	int ret;

	ret = mkdir_p(dir, 0755);
	if (ret) {
		strbuf_addf(err, "cannot create '%s': %s", dir, strerror(-ret));
		return ret;
	}
	ret = write_reports(gb, dir, err);
	if (!ret)
		ret = write_pages(gb, dir, err);
	if (ret)
		return ret;
	gradebook_stats_compute(gb, &st);
	files[n].name = "grades.csv";
	files[n++].text = gradebook_grades_csv(gb);
	files[n].name = "tests.csv";
	files[n++].text = gradebook_tests_csv(gb);
	files[n].name = "summary.json";
	files[n++].text = gradebook_summary_json(gb, &st, run);
	files[n].name = "report.html";
	files[n++].text = gradebook_html(gb, &st);
	files[n].name = LMS_CANVAS_FILE;
	files[n++].text = lms_canvas_csv(gb);
	files[n].name = LMS_MOODLE_FILE;
	files[n++].text = lms_moodle_csv(gb);
	if (gb->changes && gb->changes->previous) {
		files[n].name = CHANGES_FILE;
		files[n++].text = changes_csv(gb->changes);
	} else {
		/* An audit against a run that is no longer the earlier one. */
		stale = path_join(dir, CHANGES_FILE);
		unlink(stale);
		free(stale);
	}
	/* The manifest last: an output without it is not a finished one. */
	files[n].name = GRADEBOOK_MANIFEST;
	files[n++].text = gradebook_manifest_json(gb);
	for (i = 0; i < n; i++) {
		char *path = path_join(dir, files[i].name);

		if (!ret)
			ret = write_if_changed(path, files[i].text, err);
		free(path);
		free(files[i].text);
	}
	gradebook_stats_release(&st, gb);
	return ret;
}
