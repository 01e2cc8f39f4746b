/*
 * Wrong: only the limit stops the generator, so an unlimited one keeps
 * adding past F(93) and hands out wrapped-around values.
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
	g->a = 0;
	g->b = 1;
	return g;
}

bool fib_gen_next(fib_gen *g, uint64_t *out)
{
	uint64_t t;

	if (g->count >= g->limit)
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
