/*
 * Reference solution for sort-users: a top-down merge sort with one buffer
 * of n users. Merge sort is stable (on equal keys it takes from the left
 * run first) and O(n log n) in the worst case.
 */
#include <stdlib.h>
#include <string.h>

#include "sort_users.h"

/* Negative if a goes first, positive if b goes first, 0 for a full tie. */
static int user_cmp(const struct user *a, const struct user *b)
{
	if (a->has_score != b->has_score)
		return a->has_score ? -1 : 1;
	/* Compare, never subtract: INT_MAX - INT_MIN does not fit in an int. */
	if (a->has_score && a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Sorts u[0..n-1] using tmp[0..n-1] as scratch space. */
static void merge_sort(struct user *u, struct user *tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	merge_sort(u, tmp, mid);
	merge_sort(u + mid, tmp, n - mid);
	/* Already in order: the common case for data with long sorted runs. */
	if (user_cmp(&u[mid - 1], &u[mid]) <= 0)
		return;
	while (i < mid && j < n) {
		/* "<= 0" takes the left user on a tie: this is what keeps it stable. */
		if (user_cmp(&u[i], &u[j]) <= 0)
			tmp[k++] = u[i++];
		else
			tmp[k++] = u[j++];
	}
	while (i < mid)
		tmp[k++] = u[i++];
	/* What is left of the right run is already in place. */
	memcpy(u, tmp, k * sizeof(*u));
}

/* Stable and O(n^2), but needs no memory: only used if malloc fails. */
static void insertion_sort(struct user *u, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct user x = u[i];

		for (j = i; j > 0 && user_cmp(&u[j - 1], &x) > 0; j--)
			u[j] = u[j - 1];
		u[j] = x;
	}
}

void sort_users(struct user *users, size_t n)
{
	struct user *tmp;

	if (n < 2)
		return;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp) {
		insertion_sort(users, n);
		return;
	}
	merge_sort(users, tmp, n);
	free(tmp);
}
