/*
 * Driver for sort-users: builds an array of users for the test named by the
 * first argument, calls sort_users on it and reports what came back.
 *
 * Every run reports, in this order: the size ("n=12"); whether the output
 * still holds exactly the input users, unchanged ("records: ..."); whether
 * anything outside users[0..n-1] was written ("bounds: ..."); then the
 * users by position, "[3] id=12 name=\"bob\" score=90" (or "score=none").
 * Big runs print the first positions exactly and then one line per block of
 * positions with a hash of the block, so that the observations stay small.
 *
 * Ids are distinct within a run and never follow the input order, so that
 * breaking ties by id instead of by input position shows up. The bytes of a
 * name after its NUL are filled with junk: only strcmp order counts.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grader_driver.h"
#include "sort_users.h"

/*
 * The C library's qsort, for the submission too (spec.json "wrap":
 * ["qsort"]): a heapsort, never stable, so that code which leans on qsort
 * keeping equal users in order fails here as the statement says it may,
 * whatever the grading host's C library happens to do (glibc's qsort has
 * been a merge sort, stable in practice, and an introsort, which is not).
 * O(n log n) like any qsort; code that breaks ties by input position gets
 * the same order from it as from any other.
 */
void __wrap_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

static void gd_swap(unsigned char *a, unsigned char *b, size_t size)
{
	while (size--) {
		unsigned char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

static void gd_sift(unsigned char *base, size_t root, size_t n, size_t size,
		    int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * root + 1, top = root;

		if (child < n && cmp(base + top * size, base + child * size) < 0)
			top = child;
		if (child + 1 < n && cmp(base + top * size, base + (child + 1) * size) < 0)
			top = child + 1;
		if (top == root)
			return;
		gd_swap(base + root * size, base + top * size, size);
		root = top;
	}
}

void __wrap_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	unsigned char *b = base;
	size_t i;

	if (n < 2 || size == 0)
		return;
	for (i = n / 2; i-- > 0;)
		gd_sift(b, i, n, size, cmp);
	for (i = n - 1; i > 0; i--) {
		gd_swap(b, b + i * size, size);
		gd_sift(b, 0, i, size, cmp);
	}
}

#define NAME_CAP ((int)sizeof(((struct user *)0)->name))
#define EXACT_PREFIX 20
#define BLOCK 1000

struct row {
	int id;
	const char *name;
	int score;	/* for a user without a score: what the field holds anyway */
	bool has_score;
};

#define S(id, name, score) { (id), (name), (score), true }
#define M(id, name, junk) { (id), (name), (junk), false }
#define ROWS(t) (t), sizeof(t) / sizeof((t)[0])

/* Distinct scores, distinct lower-case names; nothing in order. */
static const struct row score_rows[] = {
	S(7, "maria", 72), S(3, "devon", 95), S(12, "li", 18),
	S(1, "oskar", 88), S(9, "beatriz", 40), S(5, "yusuf", 100),
	S(11, "hana", -5), S(2, "quentin", 63), S(8, "amara", 0),
	S(4, "tomas", 81), S(10, "fatima", 27), S(6, "wen", 54),
};

/*
 * One score, distinct names: case differences, prefixes, punctuation,
 * digits, an empty name, a UTF-8 name (bytes above 0x7f compare as
 * unsigned), names that differ only in their last byte.
 */
static const struct row name_rows[] = {
	S(31, "bob", 70), S(17, "alice", 70), S(44, "Bob", 70),
	S(2, "al", 70), S(29, "Alice", 70), S(8, "ALICE", 70),
	S(53, "zoe", 70), S(11, "alicE", 70), S(40, "", 70),
	S(23, "\xc3\xa9mile", 70), S(5, "Zoe", 70), S(37, "alice2", 70),
	S(14, "alice10", 70), S(48, "al ice", 70), S(20, "a_lice", 70),
	S(9, "abcdefghijklmnopqrstuvwxyz01234", 70),
	S(35, "abcdefghijklmnopqrstuvwxyz01233", 70),
	S(26, "bob!", 70), S(3, "b", 70), S(50, "~tilde", 70),
	S(12, "0zero", 70), S(46, "9nine", 70), S(18, "aLICE", 70),
	S(41, "b0b", 70),
};

/*
 * Far-apart scores, all distinct: b - a overflows for many pairs (INT_MAX
 * against anything negative, INT_MIN against anything positive).
 */
static const struct row extreme_rows[] = {
	S(5, "ivy", INT_MIN), S(9, "jon", INT_MAX), S(2, "kai", 0),
	S(14, "lea", -1), S(7, "max", 1), S(11, "ned", INT_MIN + 1),
	S(3, "ola", INT_MAX - 1), S(8, "pia", 1000000000),
	S(13, "quin", -1000000000), S(1, "rex", -2147483000),
	S(10, "sue", 2147483000), S(6, "tia", 2), S(12, "uma", -2),
	S(4, "vic", 1500000000), S(15, "wes", -1500000000),
};

/*
 * Missing scores whose fields hold anything: 0, huge, negative. Scored
 * users include negatives, so a missing score read as 0 lands among them.
 * Several users without a score share a name: they must keep input order.
 */
static const struct row missing_rows[] = {
	M(21, "nora", 0), S(4, "gus", 12), M(9, "al", INT_MAX),
	S(30, "eli", -3), M(17, "nora", -40), S(2, "dee", 0),
	M(26, "alice", 5), M(13, "nora", INT_MIN), S(28, "cat", -50),
	M(6, "bea", 99), S(19, "fay", 12), M(33, "nora", 7),
	S(11, "hal", -1), M(24, "al", 0), M(1, "zed", -1),
	S(15, "ian", 30), M(35, "bea", 1000000), M(8, "nora", 0),
	S(22, "jo", -3), M(31, "al", -7),
};

/* A whole user, with junk after the name's NUL derived from the id. */
static void user_set(struct user *u, int id, const char *name, int score,
		     bool has_score)
{
	size_t len = strlen(name);
	int k;

	if (len > (size_t)NAME_CAP - 1)
		len = (size_t)NAME_CAP - 1;
	memset(u, 0, sizeof(*u));
	u->id = id;
	memcpy(u->name, name, len);
	u->name[len] = '\0';
	for (k = (int)len + 1; k < NAME_CAP; k++)
		u->name[k] = (char)(0x21 + ((unsigned)id * 31u + (unsigned)k * 7u) % 90u);
	u->score = score;
	u->has_score = has_score;
}

static struct user *users_from_rows(const struct row *rows, size_t n)
{
	struct user *u = malloc((n ? n : 1) * sizeof(*u));
	size_t i;

	if (!u)
		_exit(122);
	for (i = 0; i < n; i++)
		user_set(&u[i], rows[i].id, rows[i].name, rows[i].score,
			 rows[i].has_score);
	return u;
}

static size_t name_len(const struct user *u)
{
	return strnlen(u->name, sizeof(u->name));
}

static void quote_name(char *dst, size_t cap, const struct user *u)
{
	gd_quote(dst, cap, u->name, name_len(u));
}

static void format_score(char *dst, size_t cap, const struct user *u)
{
	if (u->has_score)
		snprintf(dst, cap, "%d", u->score);
	else
		snprintf(dst, cap, "none");
}

static void obs_user(size_t i, const struct user *u)
{
	char name[160], score[16];

	quote_name(name, sizeof(name), u);
	format_score(score, sizeof(score), u);
	gd_obs("[%zu] id=%d name=%s score=%s", i, u->id, name, score);
}

/* Equal as far as the contract can see: bytes after the NUL do not count. */
static bool user_same(const struct user *a, const struct user *b)
{
	size_t la = name_len(a), lb = name_len(b);

	if (a->id != b->id || la != lb || memcmp(a->name, b->name, la) != 0)
		return false;
	if (a->has_score != b->has_score)
		return false;
	return !a->has_score || a->score == b->score;
}

/*
 * Reports whether out[0..n-1] is a permutation of in[0..n-1] with every
 * user unchanged, naming the first position where it is not.
 */
static void check_records(const struct user *in, const struct user *out,
			  size_t n)
{
	char name[160], score[16], want_name[160], want_score[16];
	long *where = NULL;	/* by id: input index + 1, or 0 */
	long *seen = NULL;	/* by id: output position + 1, or 0 */
	int max_id = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (in[i].id > max_id)
			max_id = in[i].id;
	where = calloc((size_t)max_id + 1, sizeof(*where));
	seen = calloc((size_t)max_id + 1, sizeof(*seen));
	if (!where || !seen)
		_exit(122);
	for (i = 0; i < n; i++)
		where[in[i].id] = (long)i + 1;
	for (i = 0; i < n; i++) {
		const struct user *u = &out[i];

		quote_name(name, sizeof(name), u);
		format_score(score, sizeof(score), u);
		if (u->id < 0 || u->id > max_id || !where[u->id]) {
			gd_obs("records: [%zu] holds id=%d name=%s score=%s, "
			       "which is not an input user", i, u->id, name, score);
			goto out;
		}
		if (seen[u->id]) {
			gd_obs("records: [%zu] holds id=%d, which is already at [%ld]: "
			       "a user was duplicated and another lost",
			       i, u->id, seen[u->id] - 1);
			goto out;
		}
		seen[u->id] = (long)i + 1;
		if (!user_same(u, &in[where[u->id] - 1])) {
			const struct user *w = &in[where[u->id] - 1];

			quote_name(want_name, sizeof(want_name), w);
			format_score(want_score, sizeof(want_score), w);
			gd_obs("records: [%zu] holds id=%d name=%s score=%s, "
			       "but the input user id=%d had name=%s score=%s",
			       i, u->id, name, score, w->id, want_name, want_score);
			goto out;
		}
	}
	gd_obs("records: every input user present once, unchanged");
out:
	free(where);
	free(seen);
}

/* 64-bit FNV-1a over everything the contract makes visible. */
static uint64_t hash_user(uint64_t h, const struct user *u)
{
	unsigned char buf[sizeof(u->name) + 16];
	size_t len = name_len(u), k = 0, i;
	uint32_t id = (uint32_t)u->id, score = (uint32_t)u->score;

	for (i = 0; i < 4; i++)
		buf[k++] = (unsigned char)(id >> (8 * i));
	memcpy(buf + k, u->name, len);
	k += len;
	buf[k++] = 0;
	buf[k++] = u->has_score ? 1 : 0;
	for (i = 0; u->has_score && i < 4; i++)
		buf[k++] = (unsigned char)(score >> (8 * i));
	for (i = 0; i < k; i++) {
		h ^= buf[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void obs_compact(const struct user *out, size_t n)
{
	size_t i, start;

	for (i = 0; i < n && i < EXACT_PREFIX; i++)
		obs_user(i, &out[i]);
	for (start = 0; start < n; start += BLOCK) {
		size_t end = start + BLOCK < n ? start + BLOCK : n;
		uint64_t h = 0xcbf29ce484222325ULL;
		char name[160], score[16];

		for (i = start; i < end; i++)
			h = hash_user(h, &out[i]);
		quote_name(name, sizeof(name), &out[start]);
		format_score(score, sizeof(score), &out[start]);
		gd_obs("[%zu..%zu] starts id=%d name=%s score=%s, block hash %016llx",
		       start, end - 1, out[start].id, name, score,
		       (unsigned long long)h);
	}
}

/*
 * Sorts a copy of in[0..n-1] that sits between two guard users, and reports
 * the result; compact selects the block summary for big arrays.
 */
static void run_sort(const struct user *in, size_t n, bool compact)
{
	struct user *buf;
	struct user guard;
	size_t i;

	if (gd_describing()) {
		gd_write("!input\n", 7);
		gd_obs("n=%zu", n);
		for (i = 0; i < n && i < 50; i++)
			obs_user(i, &in[i]);
		if (n > 50)
			gd_obs("... %zu more users", n - 50);
		return;
	}
	buf = malloc((n + 2) * sizeof(*buf));
	if (!buf)
		_exit(122);
	memset(&guard, 0x5a, sizeof(guard));
	buf[0] = guard;
	buf[n + 1] = guard;
	memcpy(buf + 1, in, n * sizeof(*in));
	gd_obs("n=%zu", n);
	sort_users(buf + 1, n);
	check_records(in, buf + 1, n);
	if (memcmp(&buf[0], &guard, sizeof(guard)) != 0)
		gd_obs("bounds: users[-1] was written (before the array)");
	else if (memcmp(&buf[n + 1], &guard, sizeof(guard)) != 0)
		gd_obs("bounds: users[%zu] was written (past the end)", n);
	else
		gd_obs("bounds: nothing written outside users[0..%zu]", n ? n - 1 : 0);
	if (compact) {
		obs_compact(buf + 1, n);
	} else {
		for (i = 0; i < n; i++)
			obs_user(i, &buf[1 + i]);
	}
	free(buf);
}

static void run_rows(const struct row *rows, size_t n)
{
	struct user *in = users_from_rows(rows, n);

	run_sort(in, n, false);
	free(in);
}

/*
 * 64 users that all share one name and fall into three scores, interleaved;
 * within each score every user is a full tie, so only input order decides.
 */
static void test_stable(void)
{
	static const int scores[] = { 80, 90, 70, 90, 80, 70, 70, 90, 80 };
	struct user in[64];
	size_t i;

	for (i = 0; i < 64; i++)
		user_set(&in[i], (int)((i * 37) % 101) + 1, "sam",
			 scores[(i * 5 + i / 9) % 9], true);
	run_sort(in, 64, false);
}

static void test_empty(void)
{
	struct user guards[2];

	gd_obs("sort_users(NULL, 0)");
	sort_users(NULL, 0);
	gd_obs("returned");
	user_set(&guards[0], 1, "guard", 5, true);
	user_set(&guards[1], 2, "alpha", 9, true);
	gd_obs("sort_users(users, 0) on a non-empty buffer");
	sort_users(&guards[1], 0);
	/* Nothing of the buffer is the learner's to touch. */
	if (guards[1].id != 2 || strcmp(guards[1].name, "alpha") != 0 ||
	    guards[1].score != 9 || !guards[1].has_score)
		gd_obs("returned, users[0] was written although n is 0");
	else if (guards[0].id != 1 || strcmp(guards[0].name, "guard") != 0)
		gd_obs("returned, users[-1] was written");
	else
		gd_obs("returned, nothing written");
}

static void test_single(void)
{
	static const struct row one_scored[] = { S(42, "solo", 17) };
	static const struct row one_missing[] = { M(7, "lonely", 1234) };
	static const struct row one_min[] = { S(3, "abcdefghijklmnopqrstuvwxyz01234", INT_MIN) };

	gd_obs("call 1: one user with a score");
	run_rows(ROWS(one_scored));
	gd_obs("call 2: one user without a score");
	run_rows(ROWS(one_missing));
	gd_obs("call 3: one user with score INT_MIN and a 31-byte name");
	run_rows(ROWS(one_min));
}

/* Lower-case names over a small alphabet: many ties and many prefixes. */
static void random_name(char *dst, const char *alphabet, size_t maxlen)
{
	size_t k = strlen(alphabet), len = 1 + (size_t)gd_rand_below(maxlen), i;

	for (i = 0; i < len; i++)
		dst[i] = alphabet[gd_rand_below(k)];
	dst[len] = '\0';
}

/* Ids 1..n in a seeded random order. */
static int *shuffled_ids(size_t n)
{
	int *ids = malloc((n ? n : 1) * sizeof(*ids));
	size_t i;

	if (!ids)
		_exit(122);
	for (i = 0; i < n; i++)
		ids[i] = (int)i + 1;
	for (i = n; i > 1; i--) {
		size_t j = (size_t)gd_rand_below(i);
		int t = ids[i - 1];

		ids[i - 1] = ids[j];
		ids[j] = t;
	}
	return ids;
}

/*
 * Medium: scores mostly in [-15, 15] with a few up to a million away, 15%
 * missing (with junk in the field), names of 1 to 3 letters over "abc".
 * Scaling: scores in [0, 200), 5% missing, names of 1 to 3 letters over
 * "abcd". Both give many full ties.
 */
static void test_random(size_t n, bool big)
{
	struct user *in = malloc((n ? n : 1) * sizeof(*in));
	int *ids = shuffled_ids(n);
	size_t i;

	if (!in)
		_exit(122);
	for (i = 0; i < n; i++) {
		char name[8];
		bool has;
		int score;

		if (big) {
			has = gd_rand_below(100) >= 5;
			score = has ? (int)gd_rand_below(200) : (int)(uint32_t)gd_rand();
			random_name(name, "abcd", 3);
		} else {
			has = gd_rand_below(100) >= 15;
			if (!has)
				score = (int)(uint32_t)gd_rand();
			else if (gd_rand_below(100) < 5)
				score = (int)gd_rand_below(2000001) - 1000000;
			else
				score = (int)gd_rand_below(31) - 15;
			random_name(name, "abc", 3);
		}
		user_set(&in[i], ids[i], name, score, has);
	}
	run_sort(in, n, big);
	free(ids);
	free(in);
}

int main(int argc, char **argv)
{
	const char *test;
	long long n;

	gd_init(argc, argv);
	test = gd_arg(0);
	if (strcmp(test, "score-descending") == 0) {
		run_rows(ROWS(score_rows));
	} else if (strcmp(test, "ties-by-name") == 0) {
		run_rows(ROWS(name_rows));
	} else if (strcmp(test, "stable-full-ties") == 0) {
		test_stable();
	} else if (strcmp(test, "extreme-scores") == 0) {
		run_rows(ROWS(extreme_rows));
	} else if (strcmp(test, "missing-scores-last") == 0) {
		run_rows(ROWS(missing_rows));
	} else if (strcmp(test, "empty") == 0) {
		test_empty();
	} else if (strcmp(test, "single") == 0) {
		test_single();
	} else if (strcmp(test, "random") == 0 || strcmp(test, "scaling") == 0) {
		n = gd_arg_ll(1, 1000);
		if (n < 0 || n > 10000000)
			n = 1000;
		test_random((size_t)n, strcmp(test, "scaling") == 0);
	} else {
		gd_obs("!fail driver: unknown test '%s'", test);
	}
	gd_end();
	return 0;
}
