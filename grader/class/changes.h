/*
 * changes.h: the regrade audit. When `grader batch` (or `grader merge`)
 * writes into an output directory that already holds a run's results,
 * each student's new results are compared with the earlier ones, and
 * every exercise whose score, status or test statuses changed becomes a
 * row of changes.csv (and of report.html's "Changes since the last run"),
 * with the cause: which of its inputs differ from the earlier run's.
 *
 * The earlier run is read from the directory itself: its batch.json
 * (each cell's status and submission hash; the exercises' spec hashes and
 * weights; the seed, grader version and compiler) and its json reports
 * (scores, test statuses). `grader batch --dry-run` compares the inputs
 * only, to say what a run would regrade and why, without grading.
 *
 * struct changes owns its rows; changes_release() frees them.
 */
#ifndef GRADER_CHANGES_H
#define GRADER_CHANGES_H

#ifndef GRADER_LAYER_CLASS
#error "a header of grader/class/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include <stdbool.h>
#include <stddef.h>

#include "gradebook.h"
#include "util.h"

#define CHANGES_FILE "changes.csv"

/* What differs between the earlier run and this one, for one cell. */
enum change_cause {
	CAUSE_SUBMISSION = 1 << 0, /* the file's bytes, or its presence */
	CAUSE_SPEC = 1 << 1,       /* the exercise's spec hash (tests, reference, driver) */
	CAUSE_SEED = 1 << 2,
	CAUSE_GRADER = 1 << 3,     /* the grader's version */
	CAUSE_COMPILER = 1 << 4,
	CAUSE_WEIGHT = 1 << 5,     /* the exercise's weight in grader.json */
};

struct change {
	char *student;
	char *exercise;
	const char *old_status, *new_status; /* "" when there was, or is, no cell */
	char old_score[SCORE_BUF], new_score[SCORE_BUF]; /* weighted; "" when none */
	char *tests;      /* "name: failed -> passed; ...", "" when none changed */
	unsigned causes;  /* enum change_cause bits; 0: nothing recorded differs */
};

struct changes {
	bool previous;    /* the directory held an earlier run */
	struct change *rows; /* by student, then exercise */
	size_t n;
};

/*
 * Reads the earlier run in dir into prev: its manifest, and the report of
 * each graded cell (a cell whose report cannot be read keeps its status,
 * without a score). 0; -ENOENT when dir holds no run; -EINVAL or -errno
 * when its manifest cannot be read (err says why).
 */
int changes_load_previous(const char *dir, struct gradebook *prev, struct strbuf *err);

/*
 * Compares gb with prev (NULL: no earlier run). With results, a row for
 * every cell (or student) whose weighted score, status or test statuses
 * differ; without (a dry run, nothing graded yet), a row for every cell
 * whose inputs differ. ch is filled; release it with changes_release().
 */
void changes_compute(const struct gradebook *prev, const struct gradebook *gb, bool results,
		     struct changes *ch);
void changes_release(struct changes *ch);

/* "submission;spec", in enum order; "rerun" when causes is 0. */
void changes_cause_names(unsigned causes, struct strbuf *sb);

/* changes.csv: student,exercise,old_score,new_score,old_status,new_status,tests,cause. */
char *changes_csv(const struct changes *ch);

#endif /* GRADER_CHANGES_H */
