/*
 * Stable merge sort, but the score comparison is the wrong way round:
 * lower scores come first.
 */
#include <stdlib.h>
#include <string.h>

#include "sort_users.h"

static int user_cmp(const struct user *a, const struct user *b)
{
	if (a->has_score != b->has_score)
		return a->has_score ? -1 : 1;
	if (a->has_score && a->score != b->score)
		return a->score < b->score ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void merge_sort(struct user *u, struct user *tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	merge_sort(u, tmp, mid);
	merge_sort(u + mid, tmp, n - mid);
	while (i < mid && j < n) {
		if (user_cmp(&u[i], &u[j]) <= 0)
			tmp[k++] = u[i++];
		else
			tmp[k++] = u[j++];
	}
	while (i < mid)
		tmp[k++] = u[i++];
	while (j < n)
		tmp[k++] = u[j++];
	memcpy(u, tmp, n * sizeof(*u));
}

void sort_users(struct user *users, size_t n)
{
	struct user *tmp;

	if (n < 2)
		return;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return;
	merge_sort(users, tmp, n);
	free(tmp);
}
