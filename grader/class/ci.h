/*
 * ci.h: grading a repository in CI (`grader ci`): which CI system runs the
 * grader, where the learner's files are, each exercise's result, the
 * weighted total and the documents made from all of them (the per-exercise
 * reports come from report.h).
 *
 * A struct ci_run owns its results (ci_run_release() frees them); the
 * assignment and the strings of struct ci_env are borrowed.
 */
#ifndef GRADER_CI_H
#define GRADER_CI_H

#ifndef GRADER_LAYER_CLASS
#error "a header of grader/class/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include <stdbool.h>
#include <stddef.h>

#include "assignment.h"
#include "gradebook.h"
#include "report.h"
#include "strbuf.h"

enum ci_system { CI_NONE, CI_GITHUB, CI_GITLAB };

/* What the CI system says about the run, from its environment variables. */
struct ci_env {
	enum ci_system system;
	const char *workspace;    /* $GITHUB_WORKSPACE, $CI_PROJECT_DIR; NULL outside CI */
	const char *step_summary; /* $GITHUB_STEP_SUMMARY, or NULL */
	const char *output;       /* $GITHUB_OUTPUT, or NULL */
	const char *runner_temp;  /* $RUNNER_TEMP, or NULL */
	const char *repository;   /* $GITHUB_REPOSITORY, $CI_PROJECT_PATH, or NULL */
	const char *commit;       /* $GITHUB_SHA, $CI_COMMIT_SHA, or NULL */
	/*
	 * A GitHub pull request (pull_request, pull_request_target: from the
	 * event's payload, $GITHUB_EVENT_PATH): its number, and repository and
	 * commit name its head, the learner's fork and commit, which
	 * GITHUB_REPOSITORY and GITHUB_SHA do not (the base's, under
	 * pull_request_target). 0 and empty otherwise.
	 */
	long pull_request;
	char head_repository[256];
	char head_commit[41];
};

/*
 * GitHub Actions when GITHUB_ACTIONS is "true", else GitLab CI when
 * GITLAB_CI is "true", else none. Empty variables count as unset.
 */
void ci_env_detect(struct ci_env *e);
const char *ci_system_name(enum ci_system s);

/* The result of one exercise of the assignment. */
struct ci_result {
	const struct assignment_exercise *ax; /* borrowed from the assignment */
	char *path;           /* the submission as reports show it */
	enum cell_status status; /* passed, failed, compile_error, missing or invalid */
	char *note;           /* why it was not graded; "" when graded */
	bool graded;
	struct report report; /* when graded; else a stand-in (see ci_result_set_ungraded) */
	int max_score;        /* the exercise's, unweighted */
};

struct ci_run {
	const struct assignment *a;
	struct ci_result *results; /* one per exercise of a, in its order */
	size_t n;
	bool has_min;
	double min_score;     /* points, or a percentage when min_percent */
	bool min_percent;
	const struct ci_env *env;
};

/* Allocates one empty result per exercise of a. */
void ci_run_init(struct ci_run *run, const struct assignment *a, const struct ci_env *env);
void ci_run_release(struct ci_run *run);

/* Takes r (graded) into res and sets the status from it; r is left empty. */
void ci_result_set_graded(struct ci_result *res, struct report *r);

/*
 * Marks res missing or invalid, with note (copied), and fills res->report
 * with a stand-in that the report writers can show: not compiled, every
 * test skipped, the note as the compiler's output. ex gives the tests.
 */
void ci_result_set_ungraded(struct ci_result *res, enum cell_status st, const char *note,
			    const struct exercise *ex);

/* Parses a --min-score value: "12", "12.5" (points) or "80%". false if none. */
bool ci_min_score_parse(const char *s, double *value, bool *percent);

/* The weighted total and maximum. */
void ci_run_total(const struct ci_run *run, double *score, double *max);
/* The pass mark in points, when there is one. */
double ci_run_threshold(const struct ci_run *run);
/*
 * Whether the run passes: with a pass mark, the total reaches it; without,
 * every exercise passed every test.
 */
bool ci_run_passed(const struct ci_run *run);

/*
 * Finds file (a relative path that assignment_load() accepted) inside the
 * repository root: 0 when it is a regular file reached without following a
 * symbolic link; -ENOENT when there is none; -EINVAL when it is not usable
 * (a symbolic link on its path, not a regular file); another -errno. note
 * says why in every failing case.
 */
int ci_locate(const char *root, const char *file, struct strbuf *note);

/*
 * The markdown document for a job summary or a pull-request comment: the
 * totals, a table of the exercises, then each exercise's markdown report.
 * Returns 0 or -errno.
 */
int ci_run_markdown(const struct ci_run *run, struct strbuf *sb);

/* The json summary (see docs/ci.md), allocated; NULL if out of memory. */
char *ci_run_json(const struct ci_run *run);

#endif /* GRADER_CI_H */
