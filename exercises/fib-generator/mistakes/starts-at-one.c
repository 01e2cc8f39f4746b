/*
 * Wrong: the sequence starts at F(1) = 1, 1, 2, ... so F(0) = 0 is missing
 * and every value is one step ahead.
 */
#include <stdlib.h>

#include "fib_generator.h"

struct fib_gen {
	uint64_t limit;
	uint64_t count;
	uint64_t a, b;
};

fib_gen *fib_gen_create(uint64_t limit)
{
	fib_gen *g = malloc(sizeof(*g));

	if (!g)
		return NULL;
	g->limit = limit;
	g->count = 0;
	g->a = 1;
	g->b = 1;
	return g;
}

bool fib_gen_next(fib_gen *g, uint64_t *out)
{
	uint64_t t;

	/* a is F(count + 1); F(93) is the last that fits. */
	if (g->count >= g->limit || g->count > 92)
		return false;
	*out = g->a;
	t = g->a + g->b;
	g->a = g->b;
	g->b = t;
	g->count++;
	return true;
}

void fib_gen_destroy(fib_gen *g)
{
	free(g);
}
