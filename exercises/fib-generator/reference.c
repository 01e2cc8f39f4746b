/*
 * Reference solution for fib-generator: a position and the two values it
 * needs, advanced one step per call.
 */
#include <stdlib.h>

#include "fib_generator.h"

/* F(93) is the last Fibonacci number below 2^64. */
#define FIB_LAST_INDEX 93

struct fib_gen {
	uint64_t limit;	/* how many values the caller asked for at most */
	uint64_t index;	/* index of the next value to hand out */
	uint64_t cur;	/* F(index) */
	uint64_t next;	/* F(index + 1), meaningful while index + 1 <= FIB_LAST_INDEX */
};

fib_gen *fib_gen_create(uint64_t limit)
{
	fib_gen *g = malloc(sizeof(*g));

	if (!g)
		return NULL;
	g->limit = limit;
	g->index = 0;
	g->cur = 0;
	g->next = 1;
	return g;
}

bool fib_gen_next(fib_gen *g, uint64_t *out)
{
	uint64_t sum;

	if (g->index >= g->limit || g->index > FIB_LAST_INDEX)
		return false;
	*out = g->cur;
	/* F(index + 2) = cur + next; past F(93) it would wrap, so skip it. */
	sum = g->index + 2 <= FIB_LAST_INDEX ? g->cur + g->next : 0;
	g->cur = g->next;
	g->next = sum;
	g->index++;
	return true;
}

void fib_gen_destroy(fib_gen *g)
{
	free(g);
}
