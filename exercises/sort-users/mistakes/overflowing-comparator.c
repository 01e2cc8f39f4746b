/*
 * qsort with an index tie-break (so stable), but scores are compared by
 * subtraction, which overflows when they are far apart.
 */
#include <stdlib.h>
#include <string.h>

#include "sort_users.h"

struct keyed {
	struct user u;
	size_t index;
};

static int keyed_cmp(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int c;

	if (a->u.has_score != b->u.has_score)
		return a->u.has_score ? -1 : 1;
	if (a->u.has_score && a->u.score != b->u.score)
		return b->u.score - a->u.score;
	c = strcmp(a->u.name, b->u.name);
	if (c != 0)
		return c;
	return (a->index > b->index) - (a->index < b->index);
}

void sort_users(struct user *users, size_t n)
{
	struct keyed *k;
	size_t i;

	if (n < 2)
		return;
	k = malloc(n * sizeof(*k));
	if (!k)
		return;
	for (i = 0; i < n; i++) {
		k[i].u = users[i];
		k[i].index = i;
	}
	qsort(k, n, sizeof(*k), keyed_cmp);
	for (i = 0; i < n; i++)
		users[i] = k[i].u;
	free(k);
}
