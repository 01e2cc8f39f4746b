/*
 * Wrong: create builds the whole list of `limit` values up front, in an
 * array sized by the limit. For small limits it works; for FIB_UNLIMITED or
 * 10^18 the array cannot be allocated, so create returns NULL.
 */
#include <stdlib.h>

#include "fib_generator.h"

struct fib_gen {
	uint64_t *values;
	uint64_t n;	/* values computed: min(limit, 94) */
	uint64_t pos;
};

fib_gen *fib_gen_create(uint64_t limit)
{
	fib_gen *g = malloc(sizeof(*g));
	uint64_t a = 0, b = 1, t;

	if (!g)
		return NULL;
	g->n = 0;
	g->pos = 0;
	g->values = NULL;
	if (limit > 0) {
		/* The mistake: one slot per requested value. */
		if (limit > SIZE_MAX / sizeof(*g->values)) {
			free(g);
			return NULL;
		}
		g->values = malloc(limit * sizeof(*g->values));
		if (!g->values) {
			free(g);
			return NULL;
		}
	}
	while (g->n < limit && g->n <= 93) {
		g->values[g->n++] = a;
		t = a + b;
		a = b;
		b = t;
	}
	return g;
}

bool fib_gen_next(fib_gen *g, uint64_t *out)
{
	if (g->pos >= g->n)
		return false;
	*out = g->values[g->pos++];
	return true;
}

void fib_gen_destroy(fib_gen *g)
{
	if (!g)
		return;
	free(g->values);
	free(g);
}
