/*
 * test_batch.c: the modules behind grader batch and merge, without grading:
 * grader.json, the class scan, shards, the CSV files and the manifest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assignment.h"
#include "check.h"
#include "csv.h"
#include "gradebook.h"
#include "html.h"
#include "roster.h"
#include "workdir.h"
#include "util.h"

static char *tmpdir;

static void put(const char *rel, const char *text)
{
	char *p = path_join(tmpdir, rel);

	CHECK_EQ(write_file_atomic(p, text, strlen(text), 0644), 0);
	free(p);
}

static int load(const char *text, struct assignment *a, struct strbuf *err)
{
	char *p = path_join(tmpdir, "a.json");
	int ret;

	strbuf_reset(err);
	CHECK_EQ(write_file_atomic(p, text, strlen(text), 0644), 0);
	ret = assignment_load(p, a, err);
	free(p);
	return ret;
}

static void test_assignment(void)
{
	struct assignment a = ASSIGNMENT_INIT;
	struct strbuf err = STRBUF_INIT;
	char *p;

	CHECK_EQ(load("{\"name\":\"W3\",\"seed\":77,\"exercises\":[{\"id\":\"sort-users\"},"
		      "{\"id\":\"lru-cache\",\"file\":\"src/lru.c\",\"weight\":2.5}],"
		      "\"ci\":{\"min_score\":3}}", &a, &err), 0);
	CHECK_STR(a.name, "W3");
	CHECK(a.has_seed && a.seed == 77);
	CHECK_EQ(a.nexercises, 2);
	CHECK_STR(a.exercises[0].file, "sort_users.c");
	CHECK_STR(a.exercises[1].file, "src/lru.c");
	CHECK(a.exercises[1].weight == 2.5 && a.exercises[0].weight == 1.0);
	CHECK(assignment_find(&a, "lru-cache") == &a.exercises[1]);
	CHECK(assignment_find(&a, "nope") == NULL);
	assignment_release(&a);

	CHECK_EQ(load("{\"exercises\":[{\"id\":\"x\",\"wieght\":1}]}", &a, &err), -EINVAL);
	CHECK_CONTAINS(err.buf, "exercises[0]: unknown key 'wieght'");
	CHECK_EQ(load("{\"exercises\":[{\"id\":\"x\",\"file\":\"../y.c\"}]}", &a, &err), -EINVAL);
	CHECK_CONTAINS(err.buf, "exercises[0].file");
	CHECK_EQ(load("{\"exercises\":[{\"id\":\"x\",\"file\":\"/etc/y.c\"}]}", &a, &err), -EINVAL);
	CHECK_EQ(load("{\"exercises\":[{\"id\":\"x\",\"file\":\"a//y.c\"}]}", &a, &err), -EINVAL);
	CHECK_EQ(load("{\"exercises\":[{\"id\":\"x\",\"weight\":-1}]}", &a, &err), -EINVAL);
	CHECK_CONTAINS(err.buf, "exercises[0].weight");
	CHECK_EQ(load("{\"exercises\":[{\"id\":\"Bad Id\"}]}", &a, &err), -EINVAL);
	CHECK_EQ(load("{\"exercises\":[{\"id\":\"x\"},{\"id\":\"x\"}]}", &a, &err), -EINVAL);
	CHECK_CONTAINS(err.buf, "listed twice");
	CHECK_EQ(load("{\"exercises\":[]}", &a, &err), -EINVAL);
	CHECK_EQ(load("{\"seed\":1.5,\"exercises\":[{\"id\":\"x\"}]}", &a, &err), -EINVAL);
	CHECK_CONTAINS(err.buf, "seed");
	CHECK_EQ(load("{\"exercises\":", &a, &err), -EINVAL);
	CHECK_CONTAINS(err.buf, "not valid JSON");
	p = path_join(tmpdir, "missing.json");
	strbuf_reset(&err);
	CHECK_EQ(assignment_load(p, &a, &err), -ENOENT);
	free(p);
	p = assignment_default_file("fib-generator");
	CHECK_STR(p, "fib_generator.c");
	free(p);
	strbuf_release(&err);
}

static void add_exercise(struct gradebook *gb, const char *id, const char *file, double w)
{
	struct gradebook_exercise *e;

	gb->exercises = xrealloc(gb->exercises, (gb->nexercises + 1) * sizeof(*gb->exercises));
	e = &gb->exercises[gb->nexercises++];
	memset(e, 0, sizeof(*e));
	e->id = xstrdup(id);
	e->title = xstrdup(id);
	e->file = file ? xstrdup(file) : NULL;
	e->weight = w;
	e->max_score = 4;
	memset(e->spec_hash, 'a', 64);
	e->ntests = 2;
	e->tests = xcalloc(2, sizeof(*e->tests));
	e->tests[0].name = xstrdup("one");
	e->tests[0].max_score = 1;
	e->tests[1].name = xstrdup("two");
	e->tests[1].max_score = 3;
}

static const struct gradebook_student *student(const struct gradebook *gb, const char *name)
{
	size_t i;

	for (i = 0; i < gb->nstudents; i++)
		if (!strcmp(gb->students[i].name, name))
			return &gb->students[i];
	return NULL;
}

static void test_roster(void)
{
	static const char *const dirs[] = { "class", "class/ann", "class/bo", "class/cy",
					    "class/cy/src", "class/dee", "class/.git",
					    "class/old-out" };
	struct gradebook gb;
	struct strbuf err = STRBUF_INIT;
	const struct gradebook_student *s;
	char *cls = path_join(tmpdir, "class"), *p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		p = path_join(tmpdir, dirs[i]);
		CHECK_EQ(mkdir(p, 0755), 0);
		free(p);
	}
	put("class/ann/a.c", "int a;\n");
	put("class/ann/b.c", "int b;\n");
	put("class/bo/a.c", "int a;\n");
	put("class/cy/src/a.c", "int a;\n");
	p = path_join(tmpdir, "class/dee/a.c");
	CHECK_EQ(write_file_atomic(p, "int x;\0y", 8, 0644), 0); /* binary */
	free(p);
	put("class/old-out/" GRADEBOOK_MANIFEST, "{}");
	p = path_join(tmpdir, "class/eve");
	CHECK_EQ(symlink("ann", p), 0);
	free(p);

	gradebook_init(&gb, "t", 1, "cc");
	add_exercise(&gb, "ex-a", "a.c", 1);
	add_exercise(&gb, "ex-b", "src/a.c", 2);
	CHECK_EQ(roster_scan(cls, &gb, NULL, 0, &err), 0);
	CHECK_EQ(gb.nstudents, 5); /* ann bo cy dee eve: not .git, not old-out */
	CHECK_STR(gb.students[0].name, "ann");
	s = student(&gb, "ann");
	CHECK(s && s->cells[0].status == CELL_PENDING && s->cells[1].status == CELL_MISSING);
	CHECK_STR(s->cells[0].file, "ann/a.c");
	CHECK_EQ(strlen(s->cells[0].sha256), 64);
	s = student(&gb, "cy");
	CHECK(s && s->cells[0].status == CELL_MISSING && s->cells[1].status == CELL_PENDING);
	CHECK_STR(s->cells[1].file, "cy/src/a.c");
	s = student(&gb, "dee");
	CHECK(s && s->cells[0].status == CELL_INVALID);
	CHECK_CONTAINS(s->cells[0].note, "binary data");
	s = student(&gb, "eve");
	CHECK(s && s->cells[0].status == CELL_INVALID);
	CHECK_CONTAINS(s->cells[0].note, "symbolic link");
	gradebook_release(&gb);

	/* One exercise, any .c: two candidates are ambiguous; flat files are students. */
	put("class/fay.c", "int f;\n");
	put("class/bo.c", "int b;\n");
	gradebook_init(&gb, "t", 1, "cc");
	add_exercise(&gb, "ex-a", NULL, 1);
	strbuf_reset(&err);
	CHECK_EQ(roster_scan(cls, &gb, NULL, 0, &err), 0);
	s = student(&gb, "ann");
	CHECK(s && s->cells[0].status == CELL_AMBIGUOUS);
	CHECK_CONTAINS(s->cells[0].note, "a.c, b.c");
	s = student(&gb, "bo");
	CHECK(s && s->cells[0].status == CELL_AMBIGUOUS); /* bo/ and bo.c */
	s = student(&gb, "fay");
	CHECK(s && s->cells[0].status == CELL_PENDING);
	CHECK_STR(s->cells[0].file, "fay.c");
	s = student(&gb, "cy");
	CHECK(s && s->cells[0].status == CELL_MISSING);
	gradebook_release(&gb);
	strbuf_release(&err);
	free(cls);
}

static void test_shards(void)
{
	unsigned count[7] = { 0 }, k;
	char name[32];
	int i;

	for (i = 0; i < 700; i++) {
		snprintf(name, sizeof(name), "student%d", i);
		k = roster_shard_of(name, 7);
		CHECK(k < 7);
		count[k]++;
		CHECK_EQ(roster_shard_of(name, 7), k);
		CHECK_EQ(roster_shard_of(name, 1), 0);
	}
	for (k = 0; k < 7; k++)
		CHECK(count[k] > 50 && count[k] < 150);
}

static char *report_text(const char *exercise, int s1, int s2, const char *hint)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "{\"exercise\":\"%s\",\"submission\":\"x.c\",\"sha256\":\"%064d\","
		    "\"score\":%d,\"max_score\":4,\"compile\":{\"status\":\"ok\",\"output\":\"\"},"
		    "\"tests\":[{\"name\":\"one\",\"status\":\"%s\",\"score\":%d,\"max_score\":1,"
		    "\"hint\":\"%s\"},{\"name\":\"two\",\"status\":\"%s\",\"score\":%d,"
		    "\"max_score\":3,\"hint\":\"\"}],\"seed\":1}", exercise, 0, s1 + s2,
		    s1 ? "passed" : "failed", s1, s1 ? "" : hint, s2 ? "passed" : "timeout", s2);
	return strbuf_detach(&sb);
}

static void test_gradebook(void)
{
	struct gradebook gb, back;
	struct gradebook_stats st;
	struct strbuf err = STRBUF_INIT;
	char *csv, *tests, *manifest, buf[SCORE_BUF];
	size_t i;

	gradebook_init(&gb, "t", 9, "cc 1");
	add_exercise(&gb, "ex", NULL, 0.5);
	gb.nstudents = 3;
	gb.students = xcalloc(3, sizeof(*gb.students));
	gb.students[0].name = xstrdup("zed");
	gb.students[1].name = xstrdup("=cmd,\"x\"");
	gb.students[2].name = xstrdup("amy");
	for (i = 0; i < 3; i++) {
		gb.students[i].cells = xcalloc(1, sizeof(struct gradebook_cell));
		gb.students[i].cells[0].note = xstrdup("");
	}
	CHECK_EQ(gradebook_cell_set_report(&gb.students[0].cells[0], &gb.exercises[0],
					   report_text("ex", 1, 3, ""), &err), 0);
	CHECK_EQ(gb.students[0].cells[0].status, CELL_PASSED);
	CHECK_EQ(gradebook_cell_set_report(&gb.students[1].cells[0], &gb.exercises[0],
					   report_text("ex", 0, 3, "think"), &err), 0);
	CHECK_EQ(gb.students[1].cells[0].status, CELL_FAILED);
	CHECK_EQ(gradebook_cell_set_report(&gb.students[2].cells[0], &gb.exercises[0],
					   report_text("other", 0, 3, ""), &err), -EINVAL);
	gb.students[2].cells[0].status = CELL_ERROR;
	free(gb.students[2].cells[0].note);
	gb.students[2].cells[0].note = xstrdup("the sandbox failed");
	gradebook_sort(&gb);
	CHECK_STR(gb.students[0].name, "=cmd,\"x\"");

	csv = gradebook_grades_csv(&gb);
	CHECK_STR(csv, "student,score,max_score,status,ex,ex_status,note\n"
		       "\"'=cmd,\"\"x\"\"\",1.5,2,failed,3,failed,\n"
		       "amy,,2,error,,error,the sandbox failed\n"
		       "zed,2,2,passed,4,passed,\n");
	tests = gradebook_tests_csv(&gb);
	CHECK_STR(tests, "student,status,ex/one,ex/two\n"
			 "\"'=cmd,\"\"x\"\"\",failed,failed,passed\n"
			 "amy,error,,\nzed,passed,passed,passed\n");
	CHECK_EQ(gradebook_exit_code(&gb), 3);
	gradebook_stats_compute(&gb, &st);
	CHECK_EQ(st.scored, 2);
	CHECK_EQ(st.histogram[7], 1); /* 1.5 of 2 */
	CHECK_EQ(st.histogram[9], 1);
	CHECK_EQ(st.ex[0].graded, 2);
	CHECK_EQ(st.ex[0].passed[0], 1);
	CHECK_EQ(st.nhints, 1);
	CHECK_STR(st.hints[0].text, "think");
	CHECK_STR(st.hints[0].tests, "one");
	CHECK_EQ(st.hints[0].count, 1);
	gradebook_stats_release(&st, &gb);

	/* The manifest reads back to the same gradebook. */
	manifest = gradebook_manifest_json(&gb);
	CHECK_EQ(gradebook_manifest_read(manifest, "m.json", &back, &err), 0);
	CHECK_EQ(back.nstudents, 3);
	CHECK_EQ(back.students[2].cells[0].status, CELL_PASSED);
	CHECK_EQ(back.students[1].cells[0].status, CELL_ERROR);
	CHECK_STR(back.students[1].cells[0].note, "the sandbox failed");
	CHECK(back.exercises[0].weight == 0.5 && back.exercises[0].file == NULL);
	CHECK(back.seed == 9);
	gradebook_release(&back);
	CHECK_EQ(gradebook_manifest_read("{\"kind\":\"x\"}", "m.json", &back, &err), -EINVAL);
	free(manifest);

	format_score(2.0, buf);
	CHECK_STR(buf, "2");
	format_score(1.0 / 3.0, buf);
	CHECK_STR(buf, "0.3333");
	format_score(0.1 * 3, buf);
	CHECK_STR(buf, "0.3");
	format_score(-1e-9, buf);
	CHECK_STR(buf, "0");
	format_score(2.5, buf);
	CHECK_STR(buf, "2.5");
	free(csv);
	free(tests);
	gradebook_release(&gb);
	strbuf_release(&err);
}

/*
 * A student's name is a file name, whose bytes need not be UTF-8: every
 * output shows U+FFFD in their place, and the manifest keeps the bytes.
 */
static void test_utf8_names(void)
{
	struct gradebook gb, back;
	struct gradebook_stats st;
	struct gradebook_run run = { 0 };
	struct strbuf err = STRBUF_INIT, sb = STRBUF_INIT;
	char *csv, *summary, *manifest;

	gradebook_init(&gb, "t", 9, "cc 1");
	add_exercise(&gb, "ex", NULL, 1);
	gb.nstudents = 1;
	gb.students = xcalloc(1, sizeof(*gb.students));
	gb.students[0].name = xstrdup("b\xffz");
	gb.students[0].cells = xcalloc(1, sizeof(struct gradebook_cell));
	gb.students[0].cells[0].status = CELL_AMBIGUOUS;
	gb.students[0].cells[0].file = xstrdup("b\xffz/x\xc3.c");
	gb.students[0].cells[0].note = xstrdup("x\xc3.c, y.c");

	csv = gradebook_grades_csv(&gb);
	CHECK(utf8_valid(csv, strlen(csv)));
	CHECK(strstr(csv, "\nb\xef\xbf\xbdz,0,4,ambiguous,0,ambiguous,"
			  "\"x\xef\xbf\xbd.c, y.c\"\n") != NULL);
	gradebook_stats_compute(&gb, &st);
	summary = gradebook_summary_json(&gb, &st, &run);
	gradebook_stats_release(&st, &gb);
	CHECK(utf8_valid(summary, strlen(summary)));
	CHECK(strstr(summary, "\"student\":\t\"b\xef\xbf\xbdz\"") != NULL);
	manifest = gradebook_manifest_json(&gb);
	CHECK(utf8_valid(manifest, strlen(manifest)));
	CHECK(strstr(manifest, "\"name_hex\":\t\"62ff7a\"") != NULL);
	CHECK_EQ(gradebook_manifest_read(manifest, "m.json", &back, &err), 0);
	CHECK_STR(back.students[0].name, "b\xffz");
	CHECK_STR(back.students[0].cells[0].file, "b\xffz/x\xc3.c");
	gradebook_release(&back);
	/* Not hex, or a NUL byte: not a name. */
	memcpy(strstr(manifest, "62ff7a"), "62ff7x", 6);
	CHECK_EQ(gradebook_manifest_read(manifest, "m.json", &back, &err), -EINVAL);
	memcpy(strstr(manifest, "62ff7x"), "62007a", 6);
	CHECK_EQ(gradebook_manifest_read(manifest, "m.json", &back, &err), -EINVAL);

	html_esc(&sb, "<b\xff\xfe>");
	CHECK_STR(sb.buf, "&lt;b\xef\xbf\xbd\xef\xbf\xbd&gt;");
	free(csv);
	free(summary);
	free(manifest);
	gradebook_release(&gb);
	strbuf_release(&err);
	strbuf_release(&sb);
}

static void test_csv(void)
{
	struct strbuf err = STRBUF_INIT, sb = STRBUF_INIT;
	struct roster_file rf;
	struct csv_row *rows;
	size_t n;

	const char *text = "\xef\xbb\xbf" "a,\"b,\"\"c\"\"\"\r\n\r\n\"x\ny\",,z\n";
	char *path = path_join(tmpdir, "roster.csv");

	CHECK_EQ(csv_parse(text, strlen(text), &rows, &n, &err), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(rows[0].n, 2);
	CHECK_STR(rows[0].fields[0], "a");
	CHECK_STR(rows[0].fields[1], "b,\"c\"");
	CHECK_EQ(rows[1].n, 3);
	CHECK_STR(rows[1].fields[0], "x\ny");
	CHECK_STR(rows[1].fields[1], "");
	CHECK_EQ(rows[1].line, 3);
	csv_rows_free(rows, n);
	CHECK_EQ(csv_parse("a,\"b\nc", 6, &rows, &n, &err), -EINVAL);
	CHECK(strstr(err.buf, "line 1: a quote is not closed") != NULL);
	strbuf_reset(&err);
	CHECK_EQ(csv_parse("a,\"b\"c\n", 7, &rows, &n, &err), -EINVAL);
	CHECK(strstr(err.buf, "after a closing quote") != NULL);
	strbuf_reset(&err);
	CHECK_EQ(csv_parse("a\0b", 3, &rows, &n, &err), -EINVAL);
	CHECK(strstr(err.buf, "NUL") != NULL);

	csv_field(&sb, "plain");
	csv_field(&sb, "@SUM(1)");
	csv_field(&sb, "-x, y");
	csv_field(&sb, "bad\xff");
	CHECK_STR(sb.buf, "plain'@SUM(1)\"'-x, y\"bad\xef\xbf\xbd");

	put("roster.csv", "Student,Name,LMS ID\nzed,Zed,3\namy,\"Lee, Amy\",1\n");
	strbuf_reset(&err);
	CHECK_EQ(roster_file_load(path, &rf, &err), 0);
	CHECK_EQ(rf.n, 2);
	CHECK_STR(rf.entries[0].student, "amy");
	CHECK_STR(roster_file_find(&rf, "amy")->name, "Lee, Amy");
	CHECK_STR(roster_file_find(&rf, "zed")->email, "");
	CHECK(roster_file_find(&rf, "bob") == NULL);
	roster_file_release(&rf);
	put("roster.csv", "student,grade\namy,3\n");
	CHECK_EQ(roster_file_load(path, &rf, &err), -EINVAL);
	CHECK(strstr(err.buf, "unknown column 'grade'") != NULL);
	free(path);
	strbuf_release(&err);
	strbuf_release(&sb);
}

static void test_page_names(void)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	char longa[256], longb[256];

	html_page_name(&a, "<Ann> o'k.x");
	CHECK_STR(a.buf, "_3c_41nn_3e_20o_27k_2ex");
	strbuf_reset(&a);
	html_page_name(&a, "sort-users_2");
	CHECK_STR(a.buf, "sort-users_5f2");
	memset(longa, 'A', 255);
	longa[255] = '\0';
	memcpy(longb, longa, 256);
	longb[254] = 'B';
	strbuf_reset(&a);
	html_page_name(&a, longa);
	html_page_name(&b, longb);
	CHECK(a.len <= HTML_NAME_MAX && b.len <= HTML_NAME_MAX);
	CHECK(strcmp(a.buf, b.buf) != 0);
	CHECK(strchr(a.buf, '~') != NULL && strlen(strchr(a.buf, '~')) == 17);
	CHECK(a.buf[strchr(a.buf, '~') - a.buf - 3] == '_'); /* cut after a whole escape */
	strbuf_release(&a);
	strbuf_release(&b);
}

int main(void)
{
	struct strbuf err = STRBUF_INIT;
	struct workdir wd;

	CHECK_EQ(workdir_create(&wd, &err), 0);
	strbuf_release(&err);
	tmpdir = wd.path;
	test_assignment();
	test_roster();
	test_shards();
	test_gradebook();
	test_utf8_names();
	test_csv();
	test_page_names();
	workdir_remove(&wd);
	CHECK_DONE();
}
