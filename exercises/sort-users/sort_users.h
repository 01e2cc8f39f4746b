/*
 * sort_users.h: sort users by score, then name (exercise sort-users).
 *
 * The array is sorted in place; nothing is allocated for the caller.
 */
#ifndef SORT_USERS_H
#define SORT_USERS_H

#include <stdbool.h>
#include <stddef.h>

struct user {
    int  id;
    char name[32];   /* NUL-terminated, compared bytewise as strcmp does */
    int  score;      /* meaningful only when has_score is true */
    bool has_score;  /* false: the score key is missing */
};

/* Sorts in place: users with a score first, by score descending;
 * ties by name ascending (strcmp order); users without a score last,
 * by name ascending; users equal on every key keep their input order.
 * users may be NULL when n is 0. */
void sort_users(struct user *users, size_t n);

#endif /* SORT_USERS_H */
