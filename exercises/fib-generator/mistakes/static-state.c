/*
 * Wrong: the position and the running values live in static variables, so
 * every generator shares them; creating a generator resets them for all.
 */
#include <stdlib.h>

#include "fib_generator.h"

static uint64_t count;
static uint64_t a, b;

struct fib_gen {
	uint64_t limit;
};

fib_gen *fib_gen_create(uint64_t limit)
{
	fib_gen *g = malloc(sizeof(*g));

	if (!g)
		return NULL;
	g->limit = limit;
	count = 0;
	a = 0;
	b = 1;
	return g;
}

bool fib_gen_next(fib_gen *g, uint64_t *out)
{
	uint64_t t;

	if (count >= g->limit || count > 93)
		return false;
	*out = a;
	t = a + b;
	a = b;
	b = t;
	count++;
	return true;
}

void fib_gen_destroy(fib_gen *g)
{
	free(g);
}
