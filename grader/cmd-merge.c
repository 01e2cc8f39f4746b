/*
 * cmd-merge.c: grader merge OUT SHARD_OUT...
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "cmd.h"
#include "gradebook.h"
#include "roster.h"
#include "util.h"

#define MANIFEST_MAX (256u << 20)
#define REPORT_MAX (16u << 20)

static const char usage[] =
	"usage: grader merge [--roster FILE] OUT SHARD_OUT...\n\n"
	"Combines the outputs of 'grader batch --shard K/N' (one directory per\n"
	"shard, all N of them) into OUT: the same grades.csv, tests.csv,\n"
	"summary.json, report.html, LMS files and reports a single run gives. The\n"
	"shards must come from the same assignment, exercises, seed, grader and\n"
	"compiler.\n\n"
	"  --roster FILE   the students' LMS identities, as for 'grader batch'\n\n"
	"When OUT held an earlier run, changes.csv lists the results that changed.\n\n"
	"exit status: as 'grader batch' (0, 1 or 3 from the merged rows); 2 when a\n"
	"shard is missing, repeated, or does not match the others\n";

static bool same_exercises(const struct gradebook *a, const struct gradebook *b)
{
	size_t i, t;

	if (a->nexercises != b->nexercises)
		return false;
	for (i = 0; i < a->nexercises; i++) {
		const struct gradebook_exercise *x = &a->exercises[i], *y = &b->exercises[i];

		if (strcmp(x->id, y->id) || strcmp(x->spec_hash, y->spec_hash) ||
		    x->weight != y->weight || x->max_score != y->max_score ||
		    !x->file != !y->file || (x->file && strcmp(x->file, y->file)) ||
		    x->ntests != y->ntests)
			return false;
		for (t = 0; t < x->ntests; t++)
			if (strcmp(x->tests[t].name, y->tests[t].name))
				return false;
	}
	return true;
}

/* Why shard b cannot join a, or NULL. */
static const char *mismatch(const struct gradebook *a, const struct gradebook *b)
{
	if (a->nshards != b->nshards)
		return "a different number of shards";
	if (strcmp(a->name, b->name))
		return "a different assignment name";
	if (a->seed != b->seed)
		return "a different seed";
	if (strcmp(a->grader_version, b->grader_version))
		return "a different grader version";
	if (strcmp(a->compiler, b->compiler))
		return "a different compiler";
	if (!same_exercises(a, b))
		return "different exercises or exercise specs";
	return NULL;
}

static bool graded_status(enum cell_status s)
{
	return s == CELL_PASSED || s == CELL_FAILED || s == CELL_COMPILE_ERROR;
}

/* Reads the json reports of one shard's graded cells. */
static int load_reports(struct gradebook *gb, const char *dir)
{
	struct strbuf err = STRBUF_INIT, text = STRBUF_INIT;
	size_t i, e;
	int ret = 0;

	for (i = 0; i < gb->nstudents && !ret; i++) {
		struct gradebook_student *s = &gb->students[i];

		if (roster_shard_of(s->name, gb->nshards) != gb->shard) {
			error("%s: student '%s' does not belong to shard %u/%u", dir, s->name,
			      gb->shard, gb->nshards);
			ret = -EINVAL;
			break;
		}
		for (e = 0; e < gb->nexercises && !ret; e++) {
			struct gradebook_cell *c = &s->cells[e];
			enum cell_status want = c->status;
			char *rel, *path;

			if (!graded_status(c->status))
				continue;
			rel = gradebook_report_path(s, &gb->exercises[e]);
			path = path_join(dir, rel);
			strbuf_reset(&text);
			strbuf_reset(&err);
			ret = read_file(path, REPORT_MAX, true, &text);
			if (ret)
				error("cannot read '%s': %s", path, strerror(-ret));
			else if ((ret = gradebook_cell_set_report(c, &gb->exercises[e],
								  strbuf_detach(&text), &err)))
				error("%s: %s", path, err.buf);
			else if (c->status != want) {
				error("%s: the report says %s, the manifest %s", path,
				      cell_status_name(c->status), cell_status_name(want));
				ret = -EINVAL;
			}
			free(path);
			free(rel);
		}
	}
	strbuf_release(&err);
	strbuf_release(&text);
	return ret;
}

static int load_shard(const char *dir, struct gradebook *gb)
{
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	char *path = path_join(dir, GRADEBOOK_MANIFEST);
	int ret;

	ret = read_file(path, MANIFEST_MAX, true, &text);
	if (ret) {
		error("cannot read '%s': %s%s", path, strerror(-ret),
		      ret == -ENOENT ? " (not the output of a finished 'grader batch')" : "");
		goto out;
	}
	ret = gradebook_manifest_read(text.buf, path, gb, &err);
	if (ret) {
		error("%s", err.buf);
		goto out;
	}
	ret = load_reports(gb, dir);
out:
	free(path);
	strbuf_release(&text);
	strbuf_release(&err);
	return ret;
}

/* Moves the students of src into dst. */
static void take_students(struct gradebook *dst, struct gradebook *src)
{
	dst->students = xrealloc(dst->students,
				 (dst->nstudents + src->nstudents + 1) * sizeof(*dst->students));
	memcpy(dst->students + dst->nstudents, src->students,
	       src->nstudents * sizeof(*src->students));
	dst->nstudents += src->nstudents;
	src->nstudents = 0;
}

int cmd_merge(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "roster", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct gradebook merged = { 0 }, *shards = NULL;
	struct roster_file people = { 0 };
	struct gradebook prev = { 0 };
	struct changes ch = { 0 };
	const char *roster = NULL;
	bool have_prev = false;
	struct gradebook_run run = { 0 };
	struct strbuf err = STRBUF_INIT;
	const char *out;
	bool *seen = NULL;
	char **dirs;
	size_t i, n;
	int c, ret, status = EXIT_USAGE;

	if (wants_help(argc, argv, usage))
		return 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != 'r') {
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
		roster = optarg;
	}
	if (argc - optind < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (roster && roster_file_load(roster, &people, &err)) {
		error("%s", err.buf);
		strbuf_release(&err);
		return EXIT_USAGE;
	}
	out = argv[optind];
	dirs = argv + optind + 1;
	n = (size_t)(argc - optind - 1);
	shards = xcalloc(n, sizeof(*shards));
	for (i = 0; i < n; i++) {
		const char *why;

		if (load_shard(dirs[i], &shards[i]))
			goto out;
		why = i ? mismatch(&shards[0], &shards[i]) : NULL;
		if (why) {
			error("'%s' is not a shard of the same batch as '%s': %s", dirs[i],
			      dirs[0], why);
			goto out;
		}
	}
	seen = xcalloc(shards[0].nshards, sizeof(bool));
	for (i = 0; i < n; i++) {
		if (seen[shards[i].shard]) {
			error("shard %u/%u is given twice ('%s')", shards[i].shard, shards[i].nshards,
			      dirs[i]);
			goto out;
		}
		seen[shards[i].shard] = true;
	}
	for (i = 0; i < shards[0].nshards; i++) {
		if (!seen[i]) {
			error("shard %zu/%u is missing: merge needs the output of every shard", i,
			      shards[0].nshards);
			goto out;
		}
	}

	gradebook_init(&merged, shards[0].name, shards[0].seed, shards[0].compiler);
	free(merged.grader_version);
	merged.grader_version = xstrdup(shards[0].grader_version);
	merged.exercises = shards[0].exercises;
	merged.nexercises = shards[0].nexercises;
	shards[0].exercises = NULL;
	shards[0].nexercises = 0;
	/* Every shard's cells follow the same exercises (checked above). */
	for (i = 0; i < n; i++)
		take_students(&merged, &shards[i]);
	gradebook_sort(&merged);
	if (roster)
		merged.roster = &people;
	for (i = 1; i < merged.nstudents; i++) {
		if (!strcmp(merged.students[i - 1].name, merged.students[i].name)) {
			error("student '%s' appears in two shards", merged.students[i].name);
			goto out;
		}
	}
	run.merged = n;
	ret = changes_load_previous(out, &prev, &err);
	if (ret && ret != -ENOENT)
		error("cannot compare with the earlier run, no changes.csv: %s", err.buf);
	have_prev = ret == 0;
	strbuf_reset(&err);
	changes_compute(have_prev ? &prev : NULL, &merged, true, &ch);
	merged.changes = &ch;
	if (gradebook_write(&merged, out, &run, &err)) {
		error("%s", err.buf);
		status = EXIT_GRADER;
		goto out;
	}
	printf("merged %zu shard%s: %zu students\nwrote %s/grades.csv and report.html\n", n,
	       n == 1 ? "" : "s", merged.nstudents, out);
	status = fflush(stdout) ? EXIT_GRADER : gradebook_exit_code(&merged);
out:
	for (i = 0; shards && i < n; i++)
		gradebook_release(&shards[i]);
	gradebook_release(&merged);
	if (have_prev)
		gradebook_release(&prev);
	changes_release(&ch);
	roster_file_release(&people);
	free(shards);
	free(seen);
	strbuf_release(&err);
	return status;
}
