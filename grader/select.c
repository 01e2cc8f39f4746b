/*
 * select.c: the tests a partial run grades.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "select.h"
#include "util.h"

static void list_tests(const struct exercise *ex, struct strbuf *err)
{
	size_t i;

	for (i = 0; i < ex->ntests; i++)
		strbuf_addf(err, "%s%s", i ? ", " : "", ex->tests[i].name);
}

int test_selection_make(struct test_selection *sel, const struct exercise *ex,
			char *const *patterns, size_t npatterns, struct strbuf *err)
{
	size_t i, k, j;

	memset(sel, 0, sizeof(*sel));
	sel->ntests = ex->ntests;
	sel->run = xcalloc(ex->ntests + 1, sizeof(bool));
	sel->chosen = xcalloc(ex->ntests + 1, sizeof(bool));
	for (k = 0; k < npatterns; k++) {
		bool any = false;

		for (i = 0; i < ex->ntests; i++) {
			if (fnmatch(patterns[k], ex->tests[i].name, 0) != 0)
				continue;
			any = true;
			sel->chosen[i] = sel->run[i] = true;
		}
		if (!any) {
			strbuf_addf(err, "no test of '%s' matches '%s'; its tests: ", ex->id,
				    patterns[k]);
			list_tests(ex, err);
			test_selection_release(sel);
			return -EINVAL;
		}
	}
	/* A test requires earlier tests only (spec.c): one pass backwards closes it. */
	for (i = ex->ntests; i-- > 0;)
		for (j = 0; sel->run[i] && j < ex->tests[i].nrequires; j++)
			sel->run[ex->tests[i].requires[j]] = true;
	for (i = 0; i < ex->ntests; i++) {
		sel->nrun += sel->run[i];
		sel->nchosen += sel->chosen[i];
	}
	return 0;
}

void test_selection_release(struct test_selection *sel)
{
	free(sel->run);
	free(sel->chosen);
	memset(sel, 0, sizeof(*sel));
}

bool test_selection_partial(const struct test_selection *sel)
{
	return sel->run && sel->nrun < sel->ntests;
}

void test_selection_apply(const struct test_selection *sel, struct report *r)
{
	size_t i, n = 0;

	if (!test_selection_partial(sel) || r->ntests != sel->ntests)
		return;
	r->partial = true;
	r->selected = xcalloc(sel->nchosen + 1, sizeof(char *));
	r->score = 0;
	for (i = 0; i < r->ntests; i++) {
		struct test_report *t = &r->tests[i];

		if (sel->chosen[i])
			r->selected[r->nselected++] = xstrdup(t->name);
		if (!sel->run[i]) {
			free(t->name);
			free(t->message);
			free(t->hint);
			free(t->output);
			free(t->input);
			free(t->observed);
			free(t->expected);
			continue;
		}
		r->score += t->score;
		r->tests[n++] = *t;
	}
	r->ntests = n;
}
