/*
 * select.h: which tests a run grades (grader check --test PATTERN).
 *
 * A pattern is a test name or an fnmatch(3) glob over the names. The tests
 * it names run, and so does every test they require ("requires" in the
 * spec, transitively), so that a selected test is judged as in a full run.
 * A run that leaves any test out is partial: its report says so, and it is
 * never a grade.
 */
#ifndef GRADER_SELECT_H
#define GRADER_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"
#include "spec.h"
#include "strbuf.h"

struct test_selection {
	bool *run;      /* per test of the exercise: graded in this run */
	bool *chosen;   /* ... named by a pattern (a subset of run) */
	size_t nrun, nchosen;
	size_t ntests;  /* the exercise's */
};

#define TEST_SELECTION_INIT { NULL, NULL, 0, 0, 0 }

/*
 * Fills sel from patterns (npatterns > 0). Returns 0; -EINVAL when a
 * pattern matches no test (err names it and lists the tests).
 */
int test_selection_make(struct test_selection *sel, const struct exercise *ex,
			char *const *patterns, size_t npatterns, struct strbuf *err);
void test_selection_release(struct test_selection *sel);

/* Whether the selection leaves some test out. */
bool test_selection_partial(const struct test_selection *sel);

/*
 * Keeps in r only the tests sel runs (r was filled for every test of the
 * exercise, in spec order), sums their score, and marks r partial with the
 * chosen names when sel leaves a test out. max_score stays the exercise's.
 */
void test_selection_apply(const struct test_selection *sel, struct report *r);

#endif /* GRADER_SELECT_H */
