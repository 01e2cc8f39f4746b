/*
 * Driver for lru-cache. The first test argument names a scenario:
 *
 *   script                      operations read from standard input (the
 *                               test's input file), one a line, below
 *   random OPS KEYS MODE CAP... one cache per CAP, OPS seeded random
 *                               operations spread over them, every result
 *                               observed; keys are KEYS distinct values
 *                               drawn through MODE (below)
 *   scale OPS KEYS MODE CAP     one cache, OPS seeded random operations,
 *                               observed as a checksum every 10000 ops
 *
 * A script line is one of ('#' starts a comment; NAME is a word naming a
 * cache; KEY and VALUE are decimal, INT_MIN or INT_MAX):
 *
 *   new NAME CAP        NAME = lru_create(CAP)
 *   put NAME KEY VALUE  lru_put
 *   get NAME KEY        lru_get
 *   remove NAME KEY     lru_remove
 *   size NAME           lru_size
 *   destroy NAME        lru_destroy
 *   destroy-null        lru_destroy(NULL)
 *
 * Key modes: "plain" is 0..KEYS-1; "spread" is multiples of 65536, half of
 * them negative (they agree modulo every power of two up to 65536);
 * "extreme" mixes keys near INT_MIN and INT_MAX, small negatives and
 * multiples of 65536.
 *
 * Caches still alive at the end are destroyed, then the allocation report
 * follows: leaks, bad frees, allocation count.
 *
 * With fail-alloc=K the results are not compared with the reference, so the
 * driver checks them against what could be true when any put may have been
 * dropped: the size never exceeds the capacity or the number of keys that
 * may be present; a get hits only keys put since they were last seen
 * absent, with a value put for that key; remove is true only for such keys;
 * and nothing leaks. A violation is reported as a "!fail" line. NULL from
 * lru_create is accepted: the run then stops cleanly.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lru_cache.h"
#include "grader_alloc.h"
#include "grader_driver.h"

#define MAX_CACHES 8
#define NAME_MAX_LEN 16
#define MODEL_MAX 4096
#define MODEL_VALS 16
#define SCALE_BLOCK 10000

struct slot {
	char name[NAME_MAX_LEN];
	lru_cache *c;
	size_t capacity;
	bool used;
};

/*
 * What the driver knows about one key of one cache under failure
 * injection: the values a hit may return. No values: the key is absent.
 */
struct model_key {
	int cache;
	int key;
	int nvals;
	bool unknown;             /* too many values to remember: accept any */
	int vals[MODEL_VALS];
};

static struct slot slots[MAX_CACHES];
static struct model_key model[MODEL_MAX];
static int nmodel;
static bool injecting;
static bool stopped;          /* a create failed or a !fail was reported */
static long op;

/* ---- consistency model, used only under failure injection ---- */

static struct model_key *model_find(int cache, int key, bool add)
{
	int i;

	for (i = 0; i < nmodel; i++) {
		if (model[i].cache == cache && model[i].key == key)
			return &model[i];
	}
	if (!add || nmodel == MODEL_MAX)
		return NULL;
	model[nmodel].cache = cache;
	model[nmodel].key = key;
	model[nmodel].nvals = 0;
	model[nmodel].unknown = false;
	return &model[nmodel++];
}

static size_t model_possible(int cache)
{
	size_t n = 0;
	int i;

	for (i = 0; i < nmodel; i++) {
		if (model[i].cache == cache && (model[i].nvals || model[i].unknown))
			n++;
	}
	return n;
}

static void model_forget(int cache, int key)
{
	struct model_key *m = model_find(cache, key, false);

	if (m) {
		m->nvals = 0;
		m->unknown = false;
	}
}

static void model_clear_cache(int cache)
{
	int i;

	for (i = 0; i < nmodel; i++) {
		if (model[i].cache == cache) {
			model[i].nvals = 0;
			model[i].unknown = false;
		}
	}
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	gd_obs("!fail op %ld: %s", op, why);
	stopped = true;
}

static void check_size(int i)
{
	size_t n, possible;

	ga_track(true);
	n = lru_size(slots[i].c);
	ga_track(false);
	possible = model_possible(i);
	if (n > slots[i].capacity)
		fail("%s.size() is %zu, above the capacity %zu", slots[i].name, n,
		     slots[i].capacity);
	else if (n > possible)
		fail("%s.size() is %zu, but at most %zu keys can be in the cache",
		     slots[i].name, n, possible);
}

/* ---- the operations, each observed ---- */

static void do_create(int i, const char *name, size_t capacity)
{
	struct slot *s = &slots[i];

	snprintf(s->name, sizeof(s->name), "%s", name);
	s->capacity = capacity;
	ga_op("op %ld %s = lru_create(%zu)", op, name, capacity);
	ga_track(true);
	s->c = lru_create(capacity);
	ga_track(false);
	s->used = s->c != NULL;
	gd_obs("op %ld %s = lru_create(%zu) -> %s", op, name, capacity,
	       s->c ? "cache" : "NULL");
	if (!s->c)
		stopped = true; /* fine under injection, a failure otherwise */
	if (injecting)
		model_clear_cache(i);
}

static void do_put(int i, int key, int value)
{
	struct slot *s = &slots[i];

	ga_op("op %ld %s.put(%d, %d)", op, s->name, key, value);
	ga_track(true);
	lru_put(s->c, key, value);
	ga_track(false);
	gd_obs("op %ld %s.put(%d, %d)", op, s->name, key, value);
	if (injecting) {
		struct model_key *m = model_find(i, key, true);

		if (!m || s->capacity == 0)
			return;
		if (m->nvals < MODEL_VALS)
			m->vals[m->nvals++] = value;
		else
			m->unknown = true;
		check_size(i);
	}
}

/* Returns whether it hit; *value then holds what it returned. */
static bool do_get(int i, int key, int *value)
{
	struct slot *s = &slots[i];
	bool hit;

	*value = 0;
	ga_op("op %ld %s.get(%d)", op, s->name, key);
	ga_track(true);
	hit = lru_get(s->c, key, value);
	ga_track(false);
	if (hit)
		gd_obs("op %ld %s.get(%d) -> %d", op, s->name, key, *value);
	else
		gd_obs("op %ld %s.get(%d) -> miss", op, s->name, key);
	if (injecting) {
		struct model_key *m = model_find(i, key, false);
		bool known = false;
		int j;

		if (!hit) {
			model_forget(i, key);
			return hit;
		}
		if (m && m->unknown)
			known = true;
		for (j = 0; m && j < m->nvals && !known; j++)
			known = m->vals[j] == *value;
		if (!m || (!m->nvals && !m->unknown))
			fail("%s.get(%d) hit with %d, but the key was never put, or was "
			     "removed or missed since", s->name, key, *value);
		else if (!known)
			fail("%s.get(%d) returned %d, a value never put for that key",
			     s->name, key, *value);
		else
			check_size(i);
	}
	return hit;
}

static bool do_remove(int i, int key)
{
	struct slot *s = &slots[i];
	bool removed;

	ga_op("op %ld %s.remove(%d)", op, s->name, key);
	ga_track(true);
	removed = lru_remove(s->c, key);
	ga_track(false);
	gd_obs("op %ld %s.remove(%d) -> %s", op, s->name, key, removed ? "true" : "false");
	if (injecting) {
		struct model_key *m = model_find(i, key, false);

		if (removed && (!m || (!m->nvals && !m->unknown)))
			fail("%s.remove(%d) returned true, but the key was never put, or "
			     "was removed or missed since", s->name, key);
		model_forget(i, key);
		if (!stopped)
			check_size(i);
	}
	return removed;
}

static size_t do_size(int i)
{
	struct slot *s = &slots[i];
	size_t n;

	ga_op("op %ld %s.size()", op, s->name);
	ga_track(true);
	n = lru_size(s->c);
	ga_track(false);
	gd_obs("op %ld %s.size() -> %zu", op, s->name, n);
	if (injecting)
		check_size(i);
	return n;
}

static void do_destroy(int i, const char *when)
{
	struct slot *s = &slots[i];

	ga_op("%s lru_destroy(%s)", when, s->name);
	ga_track(true);
	lru_destroy(s->c);
	ga_track(false);
	gd_obs("%s lru_destroy(%s)", when, s->name);
	s->c = NULL;
	s->used = false;
}

static void destroy_all(void)
{
	int i;

	for (i = 0; i < MAX_CACHES; i++) {
		if (slots[i].used)
			do_destroy(i, "end");
	}
}

/* ---- argument and script parsing ---- */

static void bad_input(const char *what)
{
	gd_obs("!fail driver: %s (op %ld)", what, op);
	gd_end();
	exit(2);
}

static bool parse_ll(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	if (strcmp(s, "INT_MIN") == 0) {
		v = INT_MIN;
	} else if (strcmp(s, "INT_MAX") == 0) {
		v = INT_MAX;
	} else {
		if (!*s)
			return false;
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno || *end)
			return false;
	}
	if (v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static int parse_int(const char *s)
{
	long long v;

	if (!parse_ll(s, INT_MIN, INT_MAX, &v))
		bad_input("bad key or value");
	return (int)v;
}

static size_t parse_capacity(const char *s)
{
	long long v;

	if (!parse_ll(s, 0, LLONG_MAX, &v))
		bad_input("bad capacity");
	return (size_t)v;
}

/* The live cache called name; -1 if none. */
static int find_cache(const char *name)
{
	int i;

	for (i = 0; i < MAX_CACHES; i++) {
		if (slots[i].used && strcmp(slots[i].name, name) == 0)
			return i;
	}
	return -1;
}

static int need_cache(const char *name)
{
	int i = find_cache(name);

	if (i < 0)
		bad_input("no such cache");
	return i;
}

/* Splits line into at most max whitespace-separated words, in place. */
static int split(char *line, char **w, int max)
{
	int n = 0;

	for (;;) {
		while (*line == ' ' || *line == '\t' || *line == '\r')
			line++;
		if (!*line || *line == '#')
			break;
		if (n == max)
			return max + 1;
		w[n++] = line;
		while (*line && *line != ' ' && *line != '\t' && *line != '\r')
			line++;
		if (*line)
			*line++ = '\0';
	}
	return n;
}

static void script_line(char *line)
{
	char *w[5];
	int n = split(line, w, 4), i, v;

	if (n == 0)
		return;
	op++;
	if (n > 4)
		bad_input("too many words");
	if (strcmp(w[0], "new") == 0 && n == 3) {
		if (find_cache(w[1]) >= 0 || strlen(w[1]) >= NAME_MAX_LEN)
			bad_input("cache name in use or too long");
		for (i = 0; i < MAX_CACHES && slots[i].used; i++)
			;
		if (i == MAX_CACHES)
			bad_input("too many caches");
		do_create(i, w[1], parse_capacity(w[2]));
	} else if (strcmp(w[0], "put") == 0 && n == 4) {
		do_put(need_cache(w[1]), parse_int(w[2]), parse_int(w[3]));
	} else if (strcmp(w[0], "get") == 0 && n == 3) {
		do_get(need_cache(w[1]), parse_int(w[2]), &v);
	} else if (strcmp(w[0], "remove") == 0 && n == 3) {
		do_remove(need_cache(w[1]), parse_int(w[2]));
	} else if (strcmp(w[0], "size") == 0 && n == 2) {
		do_size(need_cache(w[1]));
	} else if (strcmp(w[0], "destroy") == 0 && n == 2) {
		char when[32];

		i = need_cache(w[1]);
		if (injecting)
			model_clear_cache(i);
		snprintf(when, sizeof(when), "op %ld", op);
		do_destroy(i, when);
	} else if (strcmp(w[0], "destroy-null") == 0 && n == 1) {
		ga_op("op %ld lru_destroy(NULL)", op);
		ga_track(true);
		lru_destroy(NULL);
		ga_track(false);
		gd_obs("op %ld lru_destroy(NULL)", op);
	} else {
		bad_input("unknown operation");
	}
}

static void scenario_script(void)
{
	size_t len;
	char *text = gd_read_stdin(&len), *line = text;

	while (line && !stopped) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		script_line(line);
		line = nl ? nl + 1 : NULL;
	}
	free(text);
}

/* ---- seeded random scenarios ---- */

static int key_mode(const char *mode)
{
	if (strcmp(mode, "plain") == 0)
		return 0;
	if (strcmp(mode, "spread") == 0)
		return 1;
	if (strcmp(mode, "extreme") == 0)
		return 2;
	bad_input("unknown key mode");
	return 0;
}

/* Key number i in the given mode; i < 65536 unless the mode is plain. */
static int key_of(int mode, long i)
{
	long j = i / 4;

	if (mode == 1)
		return (int)((i - 32768) * 65536L);
	if (mode == 0)
		return (int)i;
	switch (i % 4) {
	case 0:
		return (int)(INT_MIN + j);
	case 1:
		return (int)(INT_MAX - j);
	case 2:
		return (int)(-1 - j);
	default:
		return (int)((j % 2 ? -j : j) * 65536L);
	}
}

/* Parses OPS KEYS MODE from arguments 1..3. */
static void random_params(long *ops, long *keys, int *mode)
{
	*ops = (long)gd_arg_ll(1, -1);
	*keys = (long)gd_arg_ll(2, -1);
	*mode = key_mode(gd_arg(3));
	if (*ops < 0 || *keys < 1 || *keys > (*mode ? 65536L : INT_MAX))
		bad_input("bad OPS or KEYS");
}

static void scenario_random(void)
{
	static const char *const names[MAX_CACHES] = { "a", "b", "c", "d", "e", "f", "g", "h" };
	long ops, keys;
	int mode, n, v;

	random_params(&ops, &keys, &mode);
	for (n = 0; n < MAX_CACHES && *gd_arg(4 + n) && !stopped; n++) {
		op++;
		do_create(n, names[n], parse_capacity(gd_arg(4 + n)));
	}
	if (n == 0)
		bad_input("no capacity");
	while (op < ops + n && !stopped) {
		uint64_t r = gd_rand();
		int which = (int)((r >> 8) % (uint64_t)n);
		int key = key_of(mode, (long)((r >> 16) % (uint64_t)keys));
		unsigned kind = (unsigned)(r % 100);

		op++;
		if (kind < 45)
			do_put(which, key, (int)(uint32_t)(r >> 32));
		else if (kind < 85)
			do_get(which, key, &v);
		else if (kind < 95)
			do_remove(which, key);
		else
			do_size(which);
	}
}

static uint64_t mix(uint64_t h, uint64_t x)
{
	return (h ^ x) * 0x100000001b3ULL + (h >> 29);
}

static void scenario_scale(void)
{
	long ops, keys, hits = 0, removed = 0;
	uint64_t sum = 0xcbf29ce484222325ULL;
	int mode, v;
	lru_cache *c;
	size_t capacity = parse_capacity(gd_arg(4));

	random_params(&ops, &keys, &mode);
	op = 1;
	do_create(0, "a", capacity);
	if (stopped)
		return;
	c = slots[0].c;
	for (op = 0; op < ops; op++) {
		uint64_t r = gd_rand();
		int key = key_of(mode, (long)((r >> 16) % (uint64_t)keys));
		unsigned kind = (unsigned)(r % 10);

		if (op % SCALE_BLOCK == 0)
			ga_op("ops %ld..%ld", op, op + SCALE_BLOCK - 1);
		ga_track(true);
		if (kind < 5) {
			lru_put(c, key, (int)(uint32_t)(r >> 32));
		} else if (kind < 9) {
			if (lru_get(c, key, &v)) {
				hits++;
				sum = mix(sum, (uint32_t)v);
			} else {
				sum = mix(sum, 0x1234567ULL << 32);
			}
		} else if (lru_remove(c, key)) {
			removed++;
			sum = mix(sum, 0x7654321ULL << 32);
		}
		ga_track(false);
		if (op % SCALE_BLOCK == SCALE_BLOCK - 1 || op == ops - 1) {
			size_t n;

			ga_track(true);
			n = lru_size(c);
			ga_track(false);
			gd_obs("ops %ld..%ld: %ld get hits, %ld removed, size %zu, checksum %016" PRIx64,
			       op - op % SCALE_BLOCK, op, hits, removed, n, sum);
		}
	}
}

/* The driver's state as a fresh process has it, for ga_main's runs in one process. */
static void reset(void)
{
	memset(slots, 0, sizeof(slots));
	memset(model, 0, sizeof(model));
	nmodel = 0;
	injecting = false;
	stopped = false;
	op = 0;
}

static int test(void)
{
	const char *what = gd_arg(0);

	injecting = gd_fail_alloc_at > 0;
	if (strcmp(what, "script") == 0)
		scenario_script();
	else if (strcmp(what, "random") == 0)
		scenario_random();
	else if (strcmp(what, "scale") == 0)
		scenario_scale();
	else
		bad_input("unknown scenario");
	destroy_all();
	if (injecting && ga_live_blocks())
		gd_obs("!fail after the failed allocation, %zu block%s (%zu bytes) stayed "
		       "allocated after every cache was destroyed", ga_live_blocks(),
		       ga_live_blocks() == 1 ? "" : "s", ga_live_bytes());
	else if (injecting && ga_bad_free_count())
		gd_obs("!fail after the failed allocation, %lu free%s of a pointer not "
		       "allocated, or already freed", ga_bad_free_count(),
		       ga_bad_free_count() == 1 ? " was" : "s were");
	ga_report_leaks();
	ga_report_bad_frees();
	ga_report_count();
	return 0;
}

/* The test's input, for the grader's "describe" (grader_driver.h): no learner call. */
static void describe(void)
{
	const char *what = gd_arg(0);
	long ops, keys;
	int mode, n;

	gd_write("!input\n", 7);
	if (strcmp(what, "script") == 0) {
		size_t len, i = 0;
		char *in = gd_read_stdin(&len);

		while (i < len) {
			char *nl = memchr(in + i, '\n', len - i);
			size_t k = nl ? (size_t)(nl - (in + i)) : len - i;

			if (k && in[i] != '#')
				gd_obs("%.*s", (int)k, in + i);
			i += k + 1;
		}
		free(in);
		return;
	}
	random_params(&ops, &keys, &mode);
	for (n = 0; n < MAX_CACHES && *gd_arg(4 + n); n++)
		gd_obs("cache %d: capacity %s", n + 1, gd_arg(4 + n));
	gd_obs("%ld operations on keys drawn at random (by the seed) from %ld keys (%s)%s",
	       ops, keys, mode ? gd_arg(3) : "uniform", strcmp(what, "scale") == 0 ? ", checked by a checksum" : "");
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
