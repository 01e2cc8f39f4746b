/*
 * Driver for fib-generator. The first test argument names a scenario:
 *
 *   run L1 C1 [L2 C2 ...]   one generator after another: create(Li), call
 *                           next Ci times, destroy
 *   interleave L1 L2 [...]  all generators at once, next calls in a seeded
 *                           random order, each generator called Li times
 *   lazy N                  N generators created, advanced a few steps and
 *                           destroyed one after another, with huge limits
 *   alloc L1 [L2 ...]       one generator after another, at most 4 next
 *                           calls each; run with allocation failures
 *   destroy-null            fib_gen_destroy(NULL)
 *
 * A limit is a decimal number or "unlimited" (FIB_UNLIMITED). Allocations
 * are tracked only inside the learner's calls. Every run ends with the
 * allocation report: leaks, bad frees, allocation count.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fib_generator.h"
#include "grader_alloc.h"
#include "grader_driver.h"

#define MAX_GENS 8
#define LAZY_BLOCK 10000

/* Parses test argument i as a limit; exits with a !fail line if malformed. */
static uint64_t arg_limit(int i)
{
	const char *s = gd_arg(i);
	char *end;
	unsigned long long v;

	if (strcmp(s, "unlimited") == 0)
		return FIB_UNLIMITED;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *end || errno) {
		gd_obs("!fail driver: bad limit argument %d", i);
		gd_end();
		exit(2);
	}
	return (uint64_t)v;
}

/* Formats a limit the way the observations show it. */
static const char *limit_str(uint64_t limit, char *buf, size_t cap)
{
	if (limit == FIB_UNLIMITED)
		snprintf(buf, cap, "FIB_UNLIMITED");
	else
		snprintf(buf, cap, "%" PRIu64, limit);
	return buf;
}

static fib_gen *create_obs(int id, uint64_t limit)
{
	char lim[32];
	fib_gen *g;

	limit_str(limit, lim, sizeof(lim));
	ga_op("g%d = create(%s)", id, lim);
	ga_track(true);
	g = fib_gen_create(limit);
	ga_track(false);
	gd_obs("g%d = create(%s) -> %s", id, lim, g ? "generator" : "NULL");
	return g;
}

static void next_obs(long op, int id, fib_gen *g)
{
	uint64_t v = 0;
	bool ok;

	ga_op("op %ld g%d.next", op, id);
	ga_track(true);
	ok = fib_gen_next(g, &v);
	ga_track(false);
	if (ok)
		gd_obs("op %ld g%d.next -> true %" PRIu64, op, id, v);
	else
		gd_obs("op %ld g%d.next -> false", op, id);
}

static void destroy_obs(int id, fib_gen *g)
{
	ga_op("destroy(g%d)", id);
	ga_track(true);
	fib_gen_destroy(g);
	ga_track(false);
	gd_obs("destroy(g%d)", id);
}

static void scenario_run(void)
{
	long op = 0;
	int id, a;

	for (id = 1, a = 1; *gd_arg(a); id++, a += 2) {
		uint64_t limit = arg_limit(a);
		long calls = gd_arg_ll(a + 1, 0), c;
		fib_gen *g = create_obs(id, limit);

		if (!g)
			continue;
		for (c = 0; c < calls; c++)
			next_obs(++op, id, g);
		destroy_obs(id, g);
	}
}

static void scenario_interleave(void)
{
	fib_gen *gens[MAX_GENS];
	uint64_t left[MAX_GENS];
	uint64_t total = 0;
	long op = 0;
	int n, i;

	for (n = 0; n < MAX_GENS && *gd_arg(n + 1); n++) {
		left[n] = arg_limit(n + 1);
		gens[n] = create_obs(n + 1, left[n]);
		if (!gens[n])
			left[n] = 0;
		total += left[n];
	}
	/* Every step advances a random generator that still has values. */
	while (total > 0) {
		uint64_t pick = gd_rand_below(total);

		for (i = 0; pick >= left[i]; i++)
			pick -= left[i];
		next_obs(++op, i + 1, gens[i]);
		left[i]--;
		total--;
	}
	for (i = 0; i < n; i++) {
		if (gens[i])
			destroy_obs(i + 1, gens[i]);
	}
}

/* Mixes one step into the running checksum (splitmix64's finalizer). */
static uint64_t mix(uint64_t h, uint64_t x)
{
	h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

static void scenario_lazy(void)
{
	static const uint64_t limits[] = {
		1000000000000000000ULL, FIB_UNLIMITED, 0 /* 10^6 + i */, 94, 1000,
	};
	long n = gd_arg_ll(1, 0), i;
	uint64_t sum = 0;

	for (i = 0; i < n; i++) {
		uint64_t limit = limits[i % 5];
		uint64_t v, vals[6];
		bool ok[6];
		fib_gen *g;
		long c;

		if (limit == 0)
			limit = 1000000 + (uint64_t)i;
		if (i % LAZY_BLOCK == 0)
			ga_op("gens %ld..%ld", i, i + LAZY_BLOCK - 1);
		ga_track(true);
		g = fib_gen_create(limit);
		ga_track(false);
		if (!g) {
			char lim[32];

			gd_obs("gen %ld create(%s) -> NULL", i,
			       limit_str(limit, lim, sizeof(lim)));
			return;
		}
		ga_track(true);
		for (c = 0; c < i % 6; c++) {
			v = UINT64_MAX;
			ok[c] = fib_gen_next(g, &v);
			vals[c] = v;
		}
		fib_gen_destroy(g);
		ga_track(false);
		for (c = 0; c < i % 6; c++)
			sum = mix(sum, ok[c] ? vals[c] : 0xfa15e);
		if (i % LAZY_BLOCK == LAZY_BLOCK - 1 || i == n - 1)
			gd_obs("gens %ld..%ld created, advanced, destroyed; checksum %016" PRIx64,
			       i - i % LAZY_BLOCK, i, sum);
	}
}

static void scenario_alloc(void)
{
	long op = 0;
	int id;

	for (id = 1; *gd_arg(id); id++) {
		uint64_t limit = arg_limit(id);
		uint64_t calls = limit < 4 ? limit : 4, c;
		fib_gen *g = create_obs(id, limit);

		for (c = 0; g && c < calls; c++)
			next_obs(++op, id, g);
		destroy_obs(id, g);
	}
}

/* No driver state outlives a test: nothing to put back between ga_main's runs. */
static void reset(void)
{
}

static int test(void)
{
	const char *what = gd_arg(0);

	if (strcmp(what, "run") == 0) {
		scenario_run();
	} else if (strcmp(what, "interleave") == 0) {
		scenario_interleave();
	} else if (strcmp(what, "lazy") == 0) {
		scenario_lazy();
	} else if (strcmp(what, "alloc") == 0) {
		scenario_alloc();
	} else if (strcmp(what, "destroy-null") == 0) {
		ga_op("destroy(NULL)");
		ga_track(true);
		fib_gen_destroy(NULL);
		ga_track(false);
		gd_obs("destroy(NULL) returned");
	} else {
		gd_obs("!fail driver: unknown scenario");
		return 2;
	}
	ga_report_leaks();
	ga_report_bad_frees();
	ga_report_count();
	return 0;
}

/* The test's input, for the grader's "describe" (grader_driver.h): no learner call. */
static void describe(void)
{
	const char *what = gd_arg(0);
	char lim[32];
	int a;

	gd_write("!input\n", 7);
	if (strcmp(what, "run") == 0) {
		for (a = 1; *gd_arg(a); a += 2)
			gd_obs("generator %d: create(%s), then %lld calls of fib_gen_next, then "
			       "destroy", (a + 1) / 2, limit_str(arg_limit(a), lim, sizeof(lim)),
			       gd_arg_ll(a + 1, 0));
	} else if (strcmp(what, "interleave") == 0) {
		for (a = 1; a <= MAX_GENS && *gd_arg(a); a++)
			gd_obs("generator %d: create(%s)", a,
			       limit_str(arg_limit(a), lim, sizeof(lim)));
		gd_obs("then fib_gen_next on a generator drawn at random (by the seed) among "
		       "those with values left, until none has; then destroy each");
	} else if (strcmp(what, "lazy") == 0) {
		gd_obs("%lld generators, limits in turn 10^18, FIB_UNLIMITED, 10^6 + i, 94, "
		       "1000; generator i advanced i %% 6 times, then destroyed",
		       gd_arg_ll(1, 0));
	} else if (strcmp(what, "alloc") == 0) {
		for (a = 1; *gd_arg(a); a++)
			gd_obs("generator %d: create(%s), at most 4 calls of fib_gen_next, then "
			       "destroy", a, limit_str(arg_limit(a), lim, sizeof(lim)));
	}
}

int main(int argc, char **argv)
{
	gd_init(argc, argv);
	if (gd_describing()) {
		describe();
		gd_end();
		return 0;
	}
	return ga_main(test, reset);
}
