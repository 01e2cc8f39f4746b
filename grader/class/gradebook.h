/*
 * gradebook.h: a class's results, one row per student and one cell per
 * exercise, and the files made from them (grades.csv, tests.csv,
 * summary.json, report.html, the LMS files of lms.h, and the batch.json
 * manifest that `grader merge` reads).
 *
 * `grader batch` fills a gradebook by grading; `grader merge` fills one from
 * the manifests of shards. Every output is made from the gradebook alone,
 * with students sorted by name, so both give the same bytes for the same
 * class. Nothing here measures time: timing lives only in the "run" object
 * of summary.json (struct gradebook_run), outside the comparable part.
 *
 * The gradebook owns every string, report and array in it;
 * gradebook_release() frees them all.
 */
#ifndef GRADER_GRADEBOOK_H
#define GRADER_GRADEBOOK_H

#ifndef GRADER_LAYER_CLASS
#error "a header of grader/class/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"
#include "strbuf.h"

#define GRADEBOOK_SCHEMA_VERSION 1
#define GRADEBOOK_MANIFEST "batch.json"
#define GRADEBOOK_BINS 10

/* The state of one exercise of one student; also a row's state (the worst cell's). */
enum cell_status {
	CELL_PASSED,        /* graded, every test passed */
	CELL_FAILED,        /* graded, some test did not pass */
	CELL_COMPILE_ERROR, /* graded: it does not compile */
	CELL_MISSING,       /* no file to grade */
	CELL_AMBIGUOUS,     /* more than one candidate file */
	CELL_INVALID,       /* not a submission: binary, symlink, unreadable, too large */
	CELL_ERROR,         /* the grader failed on it, twice: no score at all */
	CELL_PENDING,       /* not graded yet (a run was interrupted) */
	CELL_STATUS_COUNT,
};

struct gradebook_test {
	char *name;
	int max_score;
};

struct gradebook_exercise {
	char *id;
	char *title;
	char *file;         /* the file name it is submitted as; NULL: any one *.c */
	double weight;
	int max_score;
	char spec_hash[65];
	struct gradebook_test *tests;
	size_t ntests;
};

struct gradebook_cell {
	enum cell_status status;
	char *file;         /* the submission, relative to the class directory; NULL if none */
	char *note;         /* why, when missing, ambiguous, invalid or error; else "" */
	char sha256[65];    /* of the submission's bytes, when read; else "" */
	char *json;         /* the json report, when graded */
	struct report report; /* the same, parsed, when graded */
	bool graded;
	bool cached;        /* taken from the cache in this run */
};

struct gradebook_student {
	/*
	 * Its directory's or file's name, exactly: any bytes. The outputs
	 * show it as UTF-8; batch.json keeps the bytes as well.
	 */
	char *name;
	struct gradebook_cell *cells; /* one per exercise, in the gradebook's order */
};

struct roster_file;
struct changes;

struct gradebook {
	char *name;         /* the assignment's */
	uint64_t seed;
	char *grader_version;
	char *compiler;
	struct gradebook_exercise *exercises;
	size_t nexercises;
	struct gradebook_student *students;
	size_t nstudents;
	unsigned shard, nshards; /* this gradebook holds shard `shard` of `nshards` */
	/* The LMS identities (--roster), borrowed; NULL when none was given. */
	const struct roster_file *roster;
	/* What changed since the run in the output directory (changes.h), borrowed; NULL: none. */
	const struct changes *changes;
};

/* What a run did, for summary.json's "run" object (everything that varies). */
struct gradebook_run {
	size_t graded;      /* submissions graded in this run */
	size_t cached;      /* taken from the cache */
	size_t merged;      /* shards merged (grader merge) */
	int jobs;
	double wall_s;
};

/* A hint, how many submissions showed it, and on which tests. */
struct gradebook_hint {
	const char *exercise, *text; /* borrowed from the gradebook */
	char *tests;        /* "limit-one, limit-two", owned by the stats */
	size_t count;       /* submissions with a failing test that gave it */
	const struct gradebook_cell *last; /* internal: the last cell counted */
};

struct gradebook_exercise_stats {
	size_t *passed;     /* per test: submissions that passed it */
	size_t graded;      /* submissions graded (compile errors included) */
	size_t status_count[CELL_STATUS_COUNT];
	double mean;        /* over graded submissions */
};

/* Figures every report shows, computed once from a sorted gradebook. */
struct gradebook_stats {
	size_t status_count[CELL_STATUS_COUNT]; /* rows by status */
	size_t scored;      /* rows with a total (no error) */
	double max_score;   /* the assignment's, weighted */
	double mean, median, min, max;
	size_t histogram[GRADEBOOK_BINS]; /* bin i: i*10% <= total < (i+1)*10%; 100% in the last */
	struct gradebook_exercise_stats *ex;
	struct gradebook_hint *hints; /* most frequent first */
	size_t nhints;
};

/* An empty gradebook of one shard (0 of 1), for this grader's version. */
void gradebook_init(struct gradebook *gb, const char *name, uint64_t seed,
		    const char *compiler);

const char *cell_status_name(enum cell_status s);
/* -1 when s names no status. */
int cell_status_parse(const char *s);

/* Sorts the students by name (bytewise). */
void gradebook_sort(struct gradebook *gb);
void gradebook_release(struct gradebook *gb);

/*
 * Takes the json report text of a graded cell (ownership passes to the
 * cell), parses it and sets the status from it. 0, or -EINVAL with err set
 * when the text is not a report of this exercise.
 */
int gradebook_cell_set_report(struct gradebook_cell *c, const struct gradebook_exercise *ex,
			      char *json, struct strbuf *err);

/* A student's weighted total; false (and the row's status) when it has none (an error). */
bool gradebook_total(const struct gradebook *gb, const struct gradebook_student *s,
		     double *score, double *max, enum cell_status *status);
/*
 * A cell's score in the total: the exercise's weight times its points (0
 * when there was nothing to grade); false when it has none (an error, or
 * not graded yet).
 */
bool gradebook_cell_score(const struct gradebook_exercise *ex, const struct gradebook_cell *c,
			  double *score);
/* 0 every row passed, 1 some failed, 3 some row is an error (the contract's statuses). */
int gradebook_exit_code(const struct gradebook *gb);

void gradebook_stats_compute(const struct gradebook *gb, struct gradebook_stats *st);
void gradebook_stats_release(struct gradebook_stats *st, const struct gradebook *gb);

/* The outputs, allocated (the caller frees). */
char *gradebook_grades_csv(const struct gradebook *gb);
char *gradebook_tests_csv(const struct gradebook *gb);
/* The class page, report.html (class-page.c). */
char *gradebook_html(const struct gradebook *gb, const struct gradebook_stats *st);
/*
 * The pages beside report.html (pages.c): a student's, and the page of
 * test t of exercise e. html.h names their files.
 */
char *gradebook_student_page(const struct gradebook *gb, const struct gradebook_student *s);
char *gradebook_test_page(const struct gradebook *gb, size_t e, size_t t);
char *gradebook_summary_json(const struct gradebook *gb, const struct gradebook_stats *st,
			     const struct gradebook_run *run);
char *gradebook_manifest_json(const struct gradebook *gb);

/*
 * Reads a manifest (text, shown in errors as path) into gb: exercises,
 * students and each cell's status, file and note; graded cells are left
 * for the caller to fill with gradebook_cell_set_report(). 0 or -EINVAL
 * (err set).
 */
int gradebook_manifest_read(const char *text, const char *path, struct gradebook *gb,
			    struct strbuf *err);

/*
 * Writes every output into the directory dir (gradebook-write.c): each graded
 * cell's json report (left alone when already identical), the pages of
 * students/ and tests/ (pages of students or tests no longer there are
 * removed), then grades.csv, tests.csv, summary.json, report.html,
 * grades-canvas.csv, grades-moodle.csv, changes.csv (when gb->changes
 * says there was an earlier run; else an old one is removed) and the
 * manifest, each atomically.
 * 0, or -errno with err naming the file.
 */
int gradebook_write(const struct gradebook *gb, const char *dir,
		    const struct gradebook_run *run, struct strbuf *err);

/* The path of a cell's json report inside an output directory: "reports/<student>/<id>.json". */
char *gradebook_report_path(const struct gradebook_student *s,
			    const struct gradebook_exercise *ex);

#endif /* GRADER_GRADEBOOK_H */
