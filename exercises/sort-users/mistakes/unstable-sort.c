/*
 * Known mistake unstable-sort. A whole program, not a patch: the idea it
 * gets wrong is the algorithm, and a diff that swaps the reference's merge
 * sort for this would be longer than the program.
 *
 * Right keys, but heapsort is not stable: users equal on every key come
 * out in a different order than they went in.
 */
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

static void swap(struct user *a, struct user *b)
{
	struct user t = *a;

	*a = *b;
	*b = t;
}

/* Max-heap on user_cmp: the root is the user that goes last. */
static void sift_down(struct user *u, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && user_cmp(&u[child], &u[child + 1]) < 0)
			child++;
		if (user_cmp(&u[root], &u[child]) >= 0)
			return;
		swap(&u[root], &u[child]);
		root = child;
	}
}

void sort_users(struct user *users, size_t n)
{
	size_t i;

	if (n < 2)
		return;
	for (i = n / 2; i > 0; i--)
		sift_down(users, i - 1, n);
	for (i = n - 1; i > 0; i--) {
		swap(&users[0], &users[i]);
		sift_down(users, 0, i);
	}
}
