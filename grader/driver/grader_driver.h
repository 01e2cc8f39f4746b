/*
 * grader_driver.h: what every exercise driver shares.
 *
 * A driver is linked with one submission (or the reference) and runs in the
 * sandbox: argv[0] is the exercise id, argv[1] the seed, argv[2] a control
 * word from the grader ("-", "fail-alloc=N", or "fail-allocs=K-M": see
 * ga_main() in grader_alloc.h), argv[3..] the test's args.
 * It reports observations, one line each, on fd 3, a pipe only the grader
 * reads, and ends with the line "end". See exercises/README.md. The seed
 * is for gd_rand() only: nothing else may depend on it.
 *
 * Everything here is static so that a driver is one translation unit; every
 * name starts with gd_ so that it cannot clash with a learner's names.
 */
#ifndef GRADER_DRIVER_H
#define GRADER_DRIVER_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GD_OBS_FD 3
#define GD_UNUSED __attribute__((unused))

static uint64_t gd_seed;
static uint64_t gd_rng;
static int gd_argc;
static long gd_fail_alloc_at; /* 0: no failure injected; else the Nth allocation fails */
static long gd_range_from, gd_range_to; /* fail-allocs=K-M; 0 otherwise */
static char **gd_argv;
static char gd_obuf[1 << 16];
static size_t gd_olen;

static GD_UNUSED void gd_flush(void)
{
	size_t off = 0;

	while (off < gd_olen) {
		ssize_t n = write(GD_OBS_FD, gd_obuf + off, gd_olen - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(121); /* the grader closed the channel: nothing to report to */
		off += (size_t)n;
	}
	gd_olen = 0;
}

static GD_UNUSED void gd_write(const char *s, size_t n)
{
	while (n > 0) {
		size_t room = sizeof(gd_obuf) - gd_olen;
		size_t k = n < room ? n : room;

		memcpy(gd_obuf + gd_olen, s, k);
		gd_olen += k;
		s += k;
		n -= k;
		if (gd_olen == sizeof(gd_obuf))
			gd_flush();
	}
}

/* Writes one observation line; a trailing newline is added. */
static GD_UNUSED __attribute__((format(printf, 1, 2))) void gd_obs(const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	gd_write(line, (size_t)n);
}

/* The last observation: without it the grader treats the run as cut short. */
static GD_UNUSED void gd_end(void)
{
	gd_write("end\n", 4);
	gd_flush();
}

/*
 * splitmix64: the same seed gives the same inputs to submission and reference.
 * The first draw says so in the metadata line "!seeded": a run without it
 * observed the same whatever the seed, and the grader may reuse the
 * reference's observations of that test under any seed (ref-cache.h). So
 * the seed must reach a driver through gd_rand and nothing else.
 */
static int gd_rand_said;

static GD_UNUSED uint64_t gd_rand(void)
{
	uint64_t z;

	if (!gd_rand_said) {
		gd_rand_said = 1;
		gd_write("!seeded\n", 8);
	}
	z = (gd_rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. */
static GD_UNUSED uint64_t gd_rand_below(uint64_t n)
{
	return gd_rand() % n;
}

/*
 * Test argument i (0 is the first of the spec's "args" that is not a flag),
 * or "" if absent. Arguments starting with "--" are flags: see gd_flag().
 */
static GD_UNUSED const char *gd_arg(int i)
{
	int k;

	for (k = 3; k < gd_argc; k++) {
		if (strncmp(gd_argv[k], "--", 2) == 0)
			continue;
		if (i-- == 0)
			return gd_argv[k];
	}
	return "";
}

/* Whether the test's args hold the flag "--name". */
static GD_UNUSED int gd_flag(const char *name)
{
	int k;

	for (k = 3; k < gd_argc; k++)
		if (strncmp(gd_argv[k], "--", 2) == 0 && strcmp(gd_argv[k] + 2, name) == 0)
			return 1;
	return 0;
}

/* Integer argument i, or dflt if absent or not a number. */
static GD_UNUSED long long gd_arg_ll(int i, long long dflt)
{
	const char *s = gd_arg(i);
	char *end;
	long long v;

	if (!*s)
		return dflt;
	errno = 0;
	v = strtoll(s, &end, 10);
	return (errno || *end) ? dflt : v;
}

/*
 * Quotes s (n bytes) into dst as a C string literal, so that whitespace and
 * control bytes are visible; truncates at cap with "..." after the quote.
 */
static GD_UNUSED void gd_quote(char *dst, size_t cap, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	if (cap < 8) {
		if (cap)
			dst[0] = '\0';
		return;
	}
	dst[o++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[5];
		size_t k = 0;

		if (c == '"' || c == '\\') {
			esc[k++] = '\\';
			esc[k++] = (char)c;
		} else if (c == '\n') {
			esc[k++] = '\\';
			esc[k++] = 'n';
		} else if (c == '\t') {
			esc[k++] = '\\';
			esc[k++] = 't';
		} else if (c < 0x20 || c >= 0x7f) {
			esc[k++] = '\\';
			esc[k++] = 'x';
			esc[k++] = hex[c >> 4];
			esc[k++] = hex[c & 15];
		} else {
			esc[k++] = (char)c;
		}
		if (o + k + 5 > cap) {
			dst[o++] = '"';
			memcpy(dst + o, "...", 4);
			return;
		}
		memcpy(dst + o, esc, k);
		o += k;
	}
	dst[o++] = '"';
	dst[o] = '\0';
}

/* Reads all of standard input (the test's input file); the caller frees. */
static GD_UNUSED char *gd_read_stdin(size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		_exit(122);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb)
				_exit(122);
			buf = nb;
			cap *= 2;
		}
		r = read(0, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * Whether the grader asks for the test's input rather than a run (control
 * word "describe"): the driver then writes "!input" first, then one line
 * per piece of input, compact and capped, without calling a learner
 * function, and ends. The grader runs the reference's program so, and
 * shows the lines under a visible test that failed.
 */
static GD_UNUSED int gd_describing(void)
{
	return gd_argc > 2 && strcmp(gd_argv[2], "describe") == 0;
}

/*
 * Call first. Unbuffered stdio keeps the learner's printf from allocating,
 * so that allocation accounting sees only what the learner's code asked for.
 */
static GD_UNUSED void gd_init(int argc, char **argv)
{
	gd_argc = argc;
	gd_argv = argv;
	gd_seed = argc > 1 ? strtoull(argv[1], NULL, 10) : 0;
	gd_rng = gd_seed;
	if (argc > 2 && strncmp(argv[2], "fail-alloc=", 11) == 0)
		gd_fail_alloc_at = strtol(argv[2] + 11, NULL, 10);
	if (argc > 2 && strncmp(argv[2], "fail-allocs=", 12) == 0 &&
	    sscanf(argv[2] + 12, "%ld-%ld", &gd_range_from, &gd_range_to) != 2)
		gd_range_from = gd_range_to = 0;
	if (gd_range_from < 1 || gd_range_to < gd_range_from)
		gd_range_from = gd_range_to = 0;
	setvbuf(stdout, NULL, _IONBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);
}

#endif /* GRADER_DRIVER_H */
