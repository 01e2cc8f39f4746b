/*
 * check.h: the unit tests' assertions; a failure prints both values.
 */
#ifndef GRADER_TEST_CHECK_H
#define GRADER_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			check_failures++;                                      \
		}                                                              \
	} while (0)

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_) {                                                \
			fprintf(stderr, "%s:%d: %s == %s: %lld != %lld\n",     \
				__FILE__, __LINE__, #a, #b, a_, b_);           \
			check_failures++;                                      \
		}                                                              \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (!a_ || !b_ || strcmp(a_, b_)) {                            \
			fprintf(stderr, "%s:%d: %s == %s: \"%s\" != \"%s\"\n", \
				__FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)", \
				b_ ? b_ : "(null)");                           \
			check_failures++;                                      \
		}                                                              \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                            \
	do {                                                                   \
		const char *h_ = (hay), *n_ = (needle);                        \
		if (!h_ || !strstr(h_, n_)) {                                  \
			fprintf(stderr, "%s:%d: \"%s\" lacks \"%s\"\n",         \
				__FILE__, __LINE__, h_ ? h_ : "(null)", n_);   \
			check_failures++;                                      \
		}                                                              \
	} while (0)

#define CHECK_DONE()                                                           \
	do {                                                                   \
		if (check_failures) {                                          \
			fprintf(stderr, "%d check(s) failed\n", check_failures); \
			return 1;                                              \
		}                                                              \
		printf("all checks passed\n");                                 \
		return 0;                                                      \
	} while (0)

#endif /* GRADER_TEST_CHECK_H */
