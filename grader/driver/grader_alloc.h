/*
 * grader_alloc.h: allocation accounting and failure injection for drivers.
 *
 * Include it in driver.c of an exercise whose spec.json says
 * "accounting": true. The grader then links the program with
 *
 *   -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,
 *   --wrap=strdup,--wrap=strndup,--wrap=aligned_alloc,--wrap=posix_memalign,
 *   --wrap=memalign,--wrap=valloc,--wrap=pvalloc,--wrap=reallocarray,
 *   --wrap=getline,--wrap=getdelim,--wrap=asprintf,--wrap=vasprintf,
 *   --wrap=realpath,--wrap=getcwd
 *
 * (BUILD_WRAP_FLAGS in grader/build.h) so that every call to those
 * functions, from the learner's code or the driver (and, in a static
 * program, from the C library), lands in the __wrap_ functions below.
 * Without those flags the program does not link (__real_malloc is
 * undefined): do not include this header in an exercise without
 * accounting.
 *
 * The API, all static and prefixed ga_:
 *
 *   ga_track(on)          Turns tracking on or off. Turn it on around the
 *                         learner's calls only. While it is on, every block
 *                         allocated is recorded with its size and the number
 *                         of the current op (the op's label goes to a side
 *                         table, and only in a test that judges leaks:
 *                         --leaks), every allocation is counted, and the
 *                         allocation the control word fail-alloc=K names
 *                         fails (returns NULL with errno ENOMEM).
 *   ga_op(fmt, ...)       Sets the op label, a short printf-style string such
 *                         as "op 3 put(5, 1)" that leak and bad-free reports
 *                         quote. Labels longer than GA_LABEL_MAX - 1 bytes
 *                         are cut. It costs a vsnprintf: in loops of a
 *                         million operations, label blocks of operations
 *                         ("ops 10000..19999") rather than each one.
 *   ga_live_blocks()      Tracked blocks not freed yet.
 *   ga_live_bytes()       Their total size in bytes.
 *   ga_alloc_count()      Tracked allocation calls so far, failed ones too.
 *   ga_fail_injected()    Whether the injected failure has happened yet.
 *   ga_bad_free_count()   Bad frees so far (see below).
 *   ga_report_leaks()     Observation "leaked 0 blocks (0 bytes)", or
 *                         "leaked 2 blocks (48 bytes), first from op 3 put(5, 1)"
 *                         naming the op of the earliest block still live.
 *                         Only tests whose args hold the flag --leaks judge
 *                         leaks; elsewhere the line is metadata ("!leaked"),
 *                         so that one leak fails the leak test, not all.
 *   ga_report_bad_frees() Observation "bad frees: 0", or "bad frees: 1, first
 *                         in op 7 remove(3) (double free or pointer not from
 *                         malloc)".
 *   ga_report_count()     Metadata line "!allocs N": the grader reads it to
 *                         know how many failure-injection runs to make.
 *   ga_main(test, reset)  Runs the test: test() once, then the line "end";
 *                         or, under the control word fail-allocs=K-M, the
 *                         whole series of injections in this one process
 *                         (below). A driver's main() ends with it.
 *
 * A driver calls ga_report_leaks, ga_report_bad_frees and ga_report_count
 * at the end of every test, after destroying what the learner created.
 *
 * Rules the wrappers follow:
 *
 * - malloc, calloc, realloc, strdup and strndup made while tracking is on
 *   are counted together (1-based); the one numbered gd_fail_alloc_at
 *   (from grader_driver.h, set by fail-alloc=K) returns NULL. realloc with
 *   size 0 frees and is not counted. The aligned allocators (aligned_alloc,
 *   posix_memalign, memalign, valloc, pvalloc) count and fail the same
 *   way, and reallocarray is realloc with its overflow check: a block from
 *   any of them is the caller's to free like any other (freeing one was
 *   a bad free, and leaking one went unseen).
 * - free of a tracked block untracks it and frees it, tracking on or off.
 * - free, while tracking is on, of a pointer that is not a live tracked
 *   block (a double free, or a pointer malloc never returned) is counted as
 *   a bad free and NOT passed to the real free, so that the program goes on
 *   and the report can say so. realloc of such a pointer is counted the
 *   same way and returns NULL. A driver must therefore never hand the
 *   learner a block it allocated itself with tracking off, for the learner
 *   to free.
 * - While tracking is off, allocations and frees of untracked pointers go
 *   straight to the C library.
 * - The bookkeeping table is allocated with __real_calloc and freed with
 *   __real_free, never through the wrappers. If it cannot grow, the
 *   allocation being recorded fails as if memory had run out.
 * - Calls made from inside a wrapper (glibc's strdup calls malloc) go
 *   straight through, so one strdup is one allocation.
 * - getline, getdelim, asprintf, vasprintf, realpath and getcwd (with no
 *   buffer) hand the caller a block the C library allocated itself, out of reach
 *   of the wrappers in a dynamic program: their wrappers record it, so
 *   that the caller's free of it is no bad free and forgetting it is a
 *   leak. They are not counted as allocations and never fail by
 *   injection. getline and getdelim also follow the C library's realloc
 *   of the buffer the caller passed (which must be a live tracked block,
 *   or it is a bad free and they fail with ENOMEM).
 *
 * Failure injection in one process. Each injection run starts a process,
 * which costs more than the test itself; under fail-allocs=K-M, ga_main
 * runs test() once per k, each time as a fresh process would: the driver's
 * globals back to their start (reset()), the seed's generator restarted,
 * every block forgotten and every count zeroed, the scratch directory
 * emptied, stdin rewound. First it runs test() twice with no failure:
 * the grader checks that both give the observations and the allocation
 * count of the plain run in a process of its own, or else the learner's
 * code keeps state between calls and the grader runs each k in a process
 * of its own instead. Each run is framed by "!iter K" and "!iter-end",
 * K = 0 for the runs with no failure, and flushed, so that a crash or a
 * timeout names the k it happened in. The grader trusts none of it: the
 * first k that does not pass here is run again in a process of its own,
 * and so is every k after it.
 *
 * Everything is single-threaded, like the programs the sandbox runs.
 */
#ifndef GRADER_ALLOC_H
#define GRADER_ALLOC_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "grader_driver.h"

#define GA_LABEL_MAX 40
#define GA_MIN_SLOTS 1024

void *__real_malloc(size_t size);
void *__real_calloc(size_t nmemb, size_t size);
void *__real_realloc(void *ptr, size_t size);
void __real_free(void *ptr);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__real_aligned_alloc(size_t alignment, size_t size);
int __real_posix_memalign(void **memptr, size_t alignment, size_t size);
void *__real_memalign(size_t alignment, size_t size);
char *__real_getcwd(char *buf, size_t size);
ssize_t __real_getdelim(char **lineptr, size_t *n, int delim, FILE *stream);
int __real_vasprintf(char **strp, const char *fmt, va_list ap);
char *__real_realpath(const char *path, char *resolved);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t nmemb, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void __wrap_free(void *ptr);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void *__wrap_aligned_alloc(size_t alignment, size_t size);
int __wrap_posix_memalign(void **memptr, size_t alignment, size_t size);
void *__wrap_memalign(size_t alignment, size_t size);
void *__wrap_valloc(size_t size);
void *__wrap_pvalloc(size_t size);
void *__wrap_reallocarray(void *ptr, size_t nmemb, size_t size);
char *__wrap_getcwd(char *buf, size_t size);
ssize_t __wrap_getdelim(char **lineptr, size_t *n, int delim, FILE *stream);
ssize_t __wrap_getline(char **lineptr, size_t *n, FILE *stream);
int __wrap_vasprintf(char **strp, const char *fmt, va_list ap);
int __wrap_asprintf(char **strp, const char *fmt, ...);
char *__wrap_realpath(const char *path, char *resolved);

/*
 * One live tracked block; ptr == NULL marks an empty slot. The block keeps
 * the number of the op it was allocated in, not a copy of the op's label:
 * a 24-byte entry instead of 64 keeps the probes of a table of a hundred
 * thousand blocks in cache. Labels live in a side table (below).
 */
struct ga_block {
	void *ptr;
	size_t size;
	uint64_t op; /* ga_op calls before the allocation: 0 before the first */
};

/* The label of op number op, kept only for ops that allocated something. */
struct ga_label {
	uint64_t op;
	char text[GA_LABEL_MAX];
};

static bool ga_on;
static int ga_busy; /* > 0 inside a wrapper: nested calls go straight through */
static char ga_label[GA_LABEL_MAX];
static uint64_t ga_opno;
static struct ga_block *ga_tab; /* open addressing, linear probing */
static size_t ga_slots, ga_used;
static size_t ga_bytes;
static unsigned long ga_allocs;
static bool ga_injected;
static unsigned long ga_bad;
static char ga_bad_label[GA_LABEL_MAX];
static const char *ga_bad_kind;
/*
 * Labels are only ever quoted by a leak report a test judges (--leaks):
 * elsewhere the report is metadata and the side table is not kept at all.
 * -1: not decided yet (the arguments are read at the first allocation).
 */
static int ga_keep_labels = -1;
static struct ga_label *ga_labels; /* ascending op */
static size_t ga_nlabels, ga_labels_cap;

/* Back to the state of a process that has not allocated yet. */
static void ga_reset(void)
{
	ga_on = false;
	ga_busy = 0;
	ga_label[0] = '\0';
	ga_opno = 0;
	if (ga_tab)
		memset(ga_tab, 0, ga_slots * sizeof(*ga_tab));
	ga_used = 0;
	ga_bytes = 0;
	ga_allocs = 0;
	ga_injected = false;
	ga_bad = 0;
	ga_bad_label[0] = '\0';
	ga_bad_kind = NULL;
	ga_nlabels = 0;
}

static GD_UNUSED void ga_track(bool on)
{
	/*
	 * The barriers keep the compiler from moving the store across a call
	 * of malloc or free, which it treats as builtins that cannot read
	 * ga_on: tracking must switch exactly where the driver says.
	 */
	__asm__ __volatile__("" ::: "memory");
	ga_on = on;
	__asm__ __volatile__("" ::: "memory");
}

static GD_UNUSED __attribute__((format(printf, 1, 2))) void ga_op(const char *fmt, ...)
{
	va_list ap;

	ga_busy++;
	ga_opno++;
	va_start(ap, fmt);
	if (vsnprintf(ga_label, sizeof(ga_label), fmt, ap) < 0)
		ga_label[0] = '\0';
	va_end(ap);
	ga_busy--;
}

static GD_UNUSED size_t ga_live_blocks(void)
{
	return ga_used;
}

static GD_UNUSED size_t ga_live_bytes(void)
{
	return ga_bytes;
}

static GD_UNUSED unsigned long ga_alloc_count(void)
{
	return ga_allocs;
}

static GD_UNUSED bool ga_fail_injected(void)
{
	return ga_injected;
}

static GD_UNUSED unsigned long ga_bad_free_count(void)
{
	return ga_bad;
}

/*
 * Fibonacci hashing of the pointer without its alignment bits, the top
 * bits taken: blocks malloc hands out one after the other spread evenly.
 */
static size_t ga_home(const void *p, size_t slots)
{
	uint64_t h = (uint64_t)(uintptr_t)p >> 4;

	return (size_t)((h * 0x9e3779b97f4a7c15ULL) >> (64 - __builtin_ctzll(slots)));
}

/* The slot holding p, or the empty slot where p would go. */
static size_t ga_find(const void *p)
{
	size_t i = ga_home(p, ga_slots);

	while (ga_tab[i].ptr && ga_tab[i].ptr != p)
		i = (i + 1) & (ga_slots - 1);
	return i;
}

static bool ga_grow(void)
{
	size_t nslots = ga_slots ? ga_slots * 2 : GA_MIN_SLOTS;
	struct ga_block *ntab, *old = ga_tab;
	size_t oslots = ga_slots, i;

	if (nslots < ga_slots || nslots > SIZE_MAX / sizeof(*ntab))
		return false;
	ntab = __real_calloc(nslots, sizeof(*ntab));
	if (!ntab)
		return false;
	ga_tab = ntab;
	ga_slots = nslots;
	for (i = 0; i < oslots; i++) {
		if (old[i].ptr)
			ga_tab[ga_find(old[i].ptr)] = old[i];
	}
	__real_free(old);
	return true;
}

/* The side table entry of op, or NULL if it holds none. */
static const struct ga_label *ga_label_of(uint64_t op)
{
	size_t lo = 0, hi = ga_nlabels;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ga_labels[mid].op < op)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ga_nlabels && ga_labels[lo].op == op ? &ga_labels[lo] : NULL;
}

/*
 * Drops the labels no live block refers to. Run only when the side table
 * is as large as the block table, so that its cost (a pass over both) is
 * paid for by the labels added since the last one.
 */
static void ga_labels_compact(void)
{
	bool *keep = __real_calloc(ga_nlabels ? ga_nlabels : 1, sizeof(bool));
	size_t i, n = 0;

	if (!keep)
		return;
	for (i = 0; i < ga_slots; i++) {
		const struct ga_label *l = ga_tab[i].ptr ? ga_label_of(ga_tab[i].op) : NULL;

		if (l)
			keep[l - ga_labels] = true;
	}
	for (i = 0; i < ga_nlabels; i++) {
		if (keep[i])
			ga_labels[n++] = ga_labels[i];
	}
	ga_nlabels = n;
	__real_free(keep);
}

static bool ga_labels_grow(void)
{
	size_t ncap = ga_labels_cap ? ga_labels_cap * 2 : GA_MIN_SLOTS;
	struct ga_label *nl;

	if (ncap < ga_labels_cap || ncap > SIZE_MAX / sizeof(*nl))
		return false;
	nl = __real_realloc(ga_labels, ncap * sizeof(*nl));
	if (!nl)
		return false;
	ga_labels = nl;
	ga_labels_cap = ncap;
	return true;
}

/* Keeps the current label for the op being recorded; false if it cannot. */
static bool ga_keep_label(void)
{
	if (ga_keep_labels < 0)
		ga_keep_labels = gd_flag("leaks") != 0;
	if (!ga_keep_labels || (ga_nlabels && ga_labels[ga_nlabels - 1].op == ga_opno))
		return true;
	if (ga_nlabels == ga_labels_cap) {
		if (ga_labels_cap >= ga_slots)
			ga_labels_compact();
		/* Grow unless a compaction freed at least half. */
		if (ga_nlabels * 2 >= ga_labels_cap && !ga_labels_grow())
			return false;
	}
	ga_labels[ga_nlabels].op = ga_opno;
	memcpy(ga_labels[ga_nlabels].text, ga_label, sizeof(ga_label));
	ga_nlabels++;
	return true;
}

/* Records a new block; false if the table could not grow. */
static bool ga_insert(void *p, size_t size)
{
	struct ga_block *b;

	if ((ga_used + 1) * 2 > ga_slots && !ga_grow())
		return false;
	if (!ga_keep_label())
		return false;
	b = &ga_tab[ga_find(p)];
	if (!b->ptr)
		ga_used++;
	else
		ga_bytes -= b->size; /* cannot happen: the C library reused a live block */
	b->ptr = p;
	b->size = size;
	b->op = ga_opno;
	ga_bytes += size;
	return true;
}

static struct ga_block *ga_lookup(const void *p)
{
	struct ga_block *b;

	if (!ga_slots)
		return NULL;
	b = &ga_tab[ga_find(p)];
	return b->ptr ? b : NULL;
}

/* Empties slot b, moving later entries of its run back (no tombstones). */
static void ga_erase(struct ga_block *b)
{
	size_t mask = ga_slots - 1;
	size_t i = (size_t)(b - ga_tab), j = i;

	ga_bytes -= b->size;
	ga_used--;
	for (;;) {
		size_t k;

		j = (j + 1) & mask;
		if (!ga_tab[j].ptr)
			break;
		k = ga_home(ga_tab[j].ptr, ga_slots);
		/* Entry j may fill the hole at i unless its home lies in (i, j]. */
		if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
			ga_tab[i] = ga_tab[j];
			i = j;
		}
	}
	ga_tab[i].ptr = NULL;
}

static void ga_bad_free(const char *kind)
{
	if (ga_bad++ == 0) {
		memcpy(ga_bad_label, ga_label, sizeof(ga_bad_label));
		ga_bad_kind = kind;
	}
}

/* Counts one tracked allocation; true if this is the one to fail. */
static bool ga_fail_now(void)
{
	ga_allocs++;
	if (gd_fail_alloc_at > 0 && ga_allocs == (unsigned long)gd_fail_alloc_at) {
		ga_injected = true;
		errno = ENOMEM;
		return true;
	}
	return false;
}

/* Records p (size bytes) just allocated; frees it and returns NULL if it cannot. */
static void *ga_record(void *p, size_t size)
{
	if (p && !ga_insert(p, size)) {
		__real_free(p);
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

void *__wrap_malloc(size_t size)
{
	void *p;

	if (ga_busy || !ga_on)
		return __real_malloc(size);
	if (ga_fail_now())
		return NULL;
	ga_busy++;
	p = ga_record(__real_malloc(size), size);
	ga_busy--;
	return p;
}

void *__wrap_calloc(size_t nmemb, size_t size)
{
	void *p;

	if (ga_busy || !ga_on)
		return __real_calloc(nmemb, size);
	if (ga_fail_now())
		return NULL;
	ga_busy++;
	p = __real_calloc(nmemb, size);
	/* A non-NULL result means nmemb * size did not overflow. */
	p = ga_record(p, nmemb * size);
	ga_busy--;
	return p;
}

void __wrap_free(void *ptr)
{
	struct ga_block *b;

	if (!ptr)
		return;
	if (ga_busy) {
		__real_free(ptr);
		return;
	}
	ga_busy++;
	b = ga_lookup(ptr);
	if (b) {
		ga_erase(b);
		__real_free(ptr);
	} else if (ga_on) {
		ga_bad_free("double free or pointer not from malloc");
	} else {
		__real_free(ptr);
	}
	ga_busy--;
}

void *__wrap_realloc(void *ptr, size_t size)
{
	struct ga_block *b;
	void *p;

	if (!ptr)
		return __wrap_malloc(size);
	if (ga_busy)
		return __real_realloc(ptr, size);
	ga_busy++;
	b = ga_lookup(ptr);
	if (!b && ga_on) {
		ga_bad_free("realloc of a pointer not from malloc, or already freed");
		errno = ENOMEM;
		p = NULL;
	} else if (!b) {
		p = __real_realloc(ptr, size);
	} else if (size == 0) {
		ga_erase(b);
		p = __real_realloc(ptr, 0);
		if (p && ga_on)
			p = ga_record(p, 0);
	} else if (ga_on && ga_fail_now()) {
		p = NULL; /* the old block stays valid and tracked */
	} else if (!ga_keep_label()) {
		errno = ENOMEM; /* as if memory had run out; the old block stays */
		p = NULL;
	} else {
		p = __real_realloc(ptr, size);
		if (p) {
			/*
			 * Recorded as allocated now. The erase leaves room and
			 * the op's label is kept already, so the record cannot
			 * fail after the old block is gone.
			 */
			ga_erase(b);
			p = ga_record(p, size);
		}
	}
	ga_busy--;
	return p;
}

char *__wrap_strdup(const char *s)
{
	char *p;

	if (ga_busy || !ga_on)
		return __real_strdup(s);
	if (ga_fail_now())
		return NULL;
	ga_busy++;
	p = __real_strdup(s);
	if (p)
		p = ga_record(p, strlen(p) + 1);
	ga_busy--;
	return p;
}

char *__wrap_strndup(const char *s, size_t n)
{
	char *p;

	if (ga_busy || !ga_on)
		return __real_strndup(s, n);
	if (ga_fail_now())
		return NULL;
	ga_busy++;
	p = __real_strndup(s, n);
	if (p)
		p = ga_record(p, strlen(p) + 1);
	ga_busy--;
	return p;
}

/* An aligned allocation, counted and failed as malloc is; size as asked. */
static void *ga_aligned(void *(*real)(size_t, size_t), size_t alignment, size_t size)
{
	void *p;

	if (ga_busy || !ga_on)
		return real(alignment, size);
	if (ga_fail_now())
		return NULL;
	ga_busy++;
	p = ga_record(real(alignment, size), size);
	ga_busy--;
	return p;
}

void *__wrap_aligned_alloc(size_t alignment, size_t size)
{
	return ga_aligned(__real_aligned_alloc, alignment, size);
}

void *__wrap_memalign(size_t alignment, size_t size)
{
	return ga_aligned(__real_memalign, alignment, size);
}

/* valloc and pvalloc are memalign at the page size (pvalloc's size rounded up to it). */
void *__wrap_valloc(size_t size)
{
	return ga_aligned(__real_memalign, (size_t)sysconf(_SC_PAGESIZE), size);
}

void *__wrap_pvalloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (size > (size_t)-1 - page) {
		errno = ENOMEM;
		return NULL;
	}
	return ga_aligned(__real_memalign, page, size ? (size + page - 1) / page * page : page);
}

int __wrap_posix_memalign(void **memptr, size_t alignment, size_t size)
{
	void *p;
	int r;

	if (ga_busy || !ga_on)
		return __real_posix_memalign(memptr, alignment, size);
	if (ga_fail_now())
		return ENOMEM; /* *memptr untouched, as the C library leaves it */
	ga_busy++;
	r = __real_posix_memalign(&p, alignment, size);
	if (r == 0 && !(p = ga_record(p, size)))
		r = ENOMEM;
	if (r == 0)
		*memptr = p;
	ga_busy--;
	return r;
}

void *__wrap_reallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size && nmemb > (size_t)-1 / size) {
		errno = ENOMEM;
		return NULL;
	}
	return __wrap_realloc(ptr, nmemb * size);
}

char *__wrap_getcwd(char *buf, size_t size)
{
	char *p;

	if (ga_busy || !ga_on || buf)
		return __real_getcwd(buf, size);
	ga_busy++;
	p = __real_getcwd(NULL, size);
	if (p)
		p = ga_record(p, strlen(p) + 1);
	ga_busy--;
	return p;
}

/*
 * The C library allocated, reallocated or kept the caller's buffer: track
 * *lineptr as it is now (b: the block passed in, or NULL). false if the
 * table could not take it: the buffer is freed, *lineptr NULL.
 */
static bool ga_follow(struct ga_block *b, char **lineptr, size_t *n)
{
	if (b && b->ptr == *lineptr) {
		ga_bytes += *n - b->size;
		b->size = *n;
		return true;
	}
	if (b)
		ga_erase(b); /* the C library reallocated it: that block is gone */
	if (*lineptr && !ga_record(*lineptr, *n)) {
		*lineptr = NULL;
		*n = 0;
		return false;
	}
	return true;
}

ssize_t __wrap_getdelim(char **lineptr, size_t *n, int delim, FILE *stream)
{
	struct ga_block *b = NULL;
	ssize_t r;

	if (ga_busy || !ga_on || !lineptr || !n)
		return __real_getdelim(lineptr, n, delim, stream);
	ga_busy++;
	if (*lineptr && !(b = ga_lookup(*lineptr))) {
		ga_bad_free("getline or getdelim of a buffer not from malloc, or already freed");
		errno = ENOMEM;
		r = -1;
	} else {
		r = __real_getdelim(lineptr, n, delim, stream);
		if (!ga_follow(b, lineptr, n)) {
			errno = ENOMEM;
			r = -1;
		}
	}
	ga_busy--;
	return r;
}

ssize_t __wrap_getline(char **lineptr, size_t *n, FILE *stream)
{
	return __wrap_getdelim(lineptr, n, '\n', stream);
}

int __wrap_vasprintf(char **strp, const char *fmt, va_list ap)
{
	int r;

	if (ga_busy || !ga_on)
		return __real_vasprintf(strp, fmt, ap);
	ga_busy++;
	r = __real_vasprintf(strp, fmt, ap);
	if (r >= 0 && !(*strp = ga_record(*strp, (size_t)r + 1)))
		r = -1;
	ga_busy--;
	return r;
}

int __wrap_asprintf(char **strp, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = __wrap_vasprintf(strp, fmt, ap);
	va_end(ap);
	return r;
}

char *__wrap_realpath(const char *path, char *resolved)
{
	char *p;

	if (ga_busy || !ga_on || resolved)
		return __real_realpath(path, resolved);
	ga_busy++;
	p = __real_realpath(path, NULL);
	if (p)
		p = ga_record(p, strlen(p) + 1);
	ga_busy--;
	return p;
}

static GD_UNUSED void ga_report_leaks(void)
{
	const char *prefix = gd_flag("leaks") ? "" : "!";
	const struct ga_block *first = NULL;
	const struct ga_label *l;
	size_t i;

	for (i = 0; i < ga_slots; i++) {
		if (ga_tab[i].ptr && (!first || ga_tab[i].op < first->op))
			first = &ga_tab[i];
	}

	if (!first) {
		gd_obs("%sleaked 0 blocks (0 bytes)", prefix);
		return;
	}
	l = ga_keep_labels > 0 ? ga_label_of(first->op) : NULL;
	gd_obs("%sleaked %zu block%s (%zu byte%s), first from %s", prefix, ga_used,
	       ga_used == 1 ? "" : "s", ga_bytes, ga_bytes == 1 ? "" : "s",
	       !l ? (ga_keep_labels > 0 ? "an op whose label was lost" : "an op (labels not kept)")
	       : l->text[0] ? l->text : "before the first op label");
}

static GD_UNUSED void ga_report_bad_frees(void)
{
	if (!ga_bad) {
		gd_obs("bad frees: 0");
		return;
	}
	gd_obs("bad frees: %lu, first in %s (%s)", ga_bad,
	       ga_bad_label[0] ? ga_bad_label : "code before the first op label", ga_bad_kind);
}

static GD_UNUSED void ga_report_count(void)
{
	gd_obs("!allocs %lu", ga_allocs);
}

/* Empties the directory dfd (closed here), down to depth levels; 0 on success. */
static int ga_empty_dir(int dfd, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	int ret = 0;

	if (!d) {
		close(dfd);
		return -1;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0)
			continue;
		if (errno == EISDIR || errno == EPERM) {
			int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);

			if (depth > 0 && sub >= 0 && ga_empty_dir(sub, depth - 1) == 0 &&
			    unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) == 0)
				continue;
		}
		ret = -1;
	}
	closedir(d);
	return ret;
}

static GD_UNUSED int ga_main(int (*test)(void), void (*reset)(void))
{
	long k, first = gd_range_from, last = gd_range_to;
	int ret = 0, plain = 2;

	if (!last) {
		ret = test();
		gd_end();
		return ret;
	}
	for (k = 0; k <= last; k = plain > 0 ? 0 : k == 0 ? first : k + 1) {
		int dfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		ga_reset();
		gd_fail_alloc_at = k;
		gd_rng = gd_seed;
		gd_rand_said = 0;
		reset();
		if (dfd < 0 || ga_empty_dir(dfd, 8) != 0) {
			gd_write("!iter-abandon\n", 14);
			break;
		}
		(void)lseek(0, 0, SEEK_SET);
		gd_obs("!iter %ld", k);
		gd_flush();
		ret = test();
		ga_track(false);
		gd_write("!iter-end\n", 10);
		gd_flush();
		if (plain > 0)
			plain--;
	}
	gd_end();
	return ret;
}

#endif /* GRADER_ALLOC_H */
