/*
 * replay.c: a test written out to run outside the sandbox (replay.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build.h"
#include "replay.h"
#include "util.h"

#define SOURCE_CAP (1 << 20)
#define INPUT_CAP (64 << 20)

int replay_check(const struct exercise *ex, const struct test_selection *sel,
		 struct strbuf *err)
{
	size_t i;

	if (sel->nchosen != 1) {
		strbuf_addf(err, "--replay replays one test, but --test names %zu: give one "
			    "test name", sel->nchosen);
		return -EINVAL;
	}
	for (i = 0; i < ex->ntests; i++)
		if (sel->chosen[i] && ex->tests[i].visibility != VIS_VISIBLE) {
			strbuf_addf(err, "test '%s' is hidden: only a visible test can be "
				    "replayed (a hidden test's input is not shown)",
				    ex->tests[i].name);
			return -EINVAL;
		}
	return 0;
}

/* A word for sh: single-quoted, a quote inside as '\''. */
static void shell_quote(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

static int put(const char *dir, const char *name, const void *data, size_t len, int mode,
	       struct strbuf *err)
{
	char *p = path_join(dir, name);
	int ret = write_file_atomic(p, data, len, mode);

	if (ret)
		strbuf_addf(err, "cannot write '%s': %s", p, strerror(-ret));
	free(p);
	return ret;
}

static int copy(const char *from, const char *dir, const char *name, size_t cap,
		struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = read_file(from, cap, false, &sb);

	if (ret)
		strbuf_addf(err, "cannot read '%s': %s", from, strerror(-ret));
	else
		ret = put(dir, name, sb.buf, sb.len, 0644, err);
	strbuf_release(&sb);
	return ret;
}

static void makefile(struct strbuf *mk, const struct exercise *ex, const char *source)
{
	size_t i;

	strbuf_addf(mk, "# Builds the program of a test of %s as the grader does, but for\n"
		    "# a debugger: -g -O0. 'make program-asan': with AddressSanitizer and\n"
		    "# UBSan. 'make SUBMISSION=path/to/file.c' builds another file.\n"
		    "CC = gcc\nSUBMISSION = %s\n", ex->id, source);
	strbuf_addstr(mk, "CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -g -O0 -Wall -Wextra -I.");
	for (i = 0; i < ex->nlibs; i++)
		strbuf_addf(mk, " $(shell pkg-config --cflags %s)", ex->libs[i]);
	strbuf_addstr(mk, "\nLDLIBS =");
	for (i = 0; i < ex->nlibs; i++)
		strbuf_addf(mk, " $(shell pkg-config --libs %s)", ex->libs[i]);
	strbuf_addstr(mk, " -lm\nLDFLAGS =");
	if (ex->accounting)
		strbuf_addstr(mk, " " BUILD_WRAP_FLAGS);
	for (i = 0; i < ex->nwraps; i++)
		strbuf_addf(mk, " -Wl,--wrap=%s", ex->wraps[i]);
	strbuf_addstr(mk, "\n\nprogram: $(SUBMISSION) driver.c $(wildcard *.h)\n"
			  "\t$(CC) $(CFLAGS) $(SUBMISSION) driver.c -o $@ $(LDFLAGS) $(LDLIBS)\n\n"
			  "program-asan: $(SUBMISSION) driver.c $(wildcard *.h)\n"
			  "\t$(CC) $(CFLAGS) " BUILD_SANITIZE " " BUILD_SANITIZE_STOP " "
			  BUILD_SANITIZE_LEFT_OUT " -fno-omit-frame-pointer "
			  "-DGD_REPLAY $(SUBMISSION) driver.c -o $@ $(LDFLAGS) $(LDLIBS)\n\n"
			  "clean:\n\trm -rf program program-asan scratch observed.txt\n\n"
			  ".PHONY: clean\n");
}

static void run_script(struct strbuf *sh, const struct exercise *ex, const struct test *t,
		       uint64_t seed)
{
	size_t i;

	strbuf_addf(sh, "#!/usr/bin/env bash\n"
		    "# Runs test '%s' of %s as 'grader check' did: the same arguments and\n"
		    "# seed, the same standard input, an empty environment, an empty working\n"
		    "# directory (scratch/), the observation channel (fd 3) written to\n"
		    "# observed.txt. WARNING: the code runs here OUTSIDE the sandbox, with\n"
		    "# your rights. usage: ./run.sh [run|asan|gdb|valgrind]\n"
		    "set -u\nhere=$(cd \"$(dirname \"$0\")\" && pwd)\nmode=${1:-run}\n"
		    "prog=program\n[ \"$mode\" = asan ] && prog=program-asan\n"
		    "make -s -C \"$here\" \"$prog\" >&2 || exit 2\n"
		    "rm -rf \"$here/scratch\" && mkdir \"$here/scratch\" && cd \"$here/scratch\" "
		    "|| exit 2\n", t->name, ex->id);
	strbuf_addstr(sh, "set -- ");
	shell_quote(sh, ex->id);
	strbuf_addf(sh, " '%llu' '-'", (unsigned long long)seed);
	for (i = 0; i < t->nargs; i++) {
		strbuf_addch(sh, ' ');
		shell_quote(sh, t->args[i]);
	}
	strbuf_addf(sh, "\nstdin=%s\n", t->input ? "\"$here/stdin\"" : "/dev/null");
	strbuf_addstr(sh,
		"obs=\"$here/observed.txt\"\n"
		"case $mode in\n"
		"run|asan) (exec -c -a \"$1\" \"$here/$prog\" \"${@:2}\" <\"$stdin\" 3>\"$obs\");;\n"
		"valgrind) (exec -c valgrind -q --leak-check=full --track-origins=yes "
		"\"$here/$prog\" \"${@:2}\" <\"$stdin\" 3>\"$obs\");;\n"
		"gdb) args=$(printf \"'%s' \" \"${@:2}\")\n"
		"    gdb -q -ex 'set confirm off' -ex 'unset environment' -ex 'set confirm on' -ex \"set args $args <'$stdin' 3>'$obs'\" "
		"\"$here/$prog\";;\n"
		"*) echo \"usage: $0 [run|asan|gdb|valgrind]\" >&2; exit 2;;\n"
		"esac\nstatus=$?\n"
		"echo \"exit status $status; the observations are in observed.txt\"\n"
		"if cmp -s \"$obs\" \"$here/grader-observed.txt\"; then\n"
		"    echo \"they are the grader's, byte for byte (grader-observed.txt)\"\n"
		"else\n    echo \"they differ from the grader's (grader-observed.txt)\"\nfi\n"
		"echo \"reference (expected.txt) | yours (observed.txt), lines that differ:\"\n"
		"diff --side-by-side --suppress-common-lines --width=160 \"$here/expected.txt\" "
		"\"$obs\" | head -n 20\nexit $status\n");
}

/* Each line of s up to its n bytes: starts in *starts, the count returned. */
static size_t split_lines(const char *s, size_t n, const char ***starts, size_t **lens)
{
	size_t count = 0, cap = 16, i = 0;

	*starts = xcalloc(cap, sizeof(char *));
	*lens = xcalloc(cap, sizeof(size_t));
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (s + i)) : n - i;

		if (count == cap) {
			cap *= 2;
			*starts = xrealloc(*starts, cap * sizeof(char *));
			*lens = xrealloc(*lens, cap * sizeof(size_t));
		}
		(*starts)[count] = s + i;
		(*lens)[count++] = len;
		i += len + 1;
	}
	return count;
}

void replay_side_by_side(const char *expected, size_t elen, const char *got, size_t glen,
			 size_t width, struct strbuf *out)
{
	const char **es, **gs;
	size_t *el, *gl, ne = split_lines(expected, elen, &es, &el);
	size_t ng = split_lines(got, glen, &gs, &gl), k = 0, i, from, to;

	while (k < ne && k < ng && el[k] == gl[k] && !memcmp(es[k], gs[k], el[k]))
		k++;
	from = k > 3 ? k - 3 : 0;
	to = k + 8;
	strbuf_addf(out, "  %-4s %-*s | %s\n", "line", (int)width, "reference (expected)",
		    "yours");
	for (i = from; i < to && (i < ne || i < ng); i++) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		bool same = i < ne && i < ng && el[i] == gl[i] && !memcmp(es[i], gs[i], el[i]);

		if (i < ne)
			strbuf_add_visible(&a, es[i], el[i], width);
		if (i < ng)
			strbuf_add_visible(&b, gs[i], gl[i], width);
		strbuf_addf(out, "%c %-4zu %-*s | %s\n", same ? ' ' : '>', i + 1, (int)width,
			    strbuf_str(&a), strbuf_str(&b));
		strbuf_release(&a);
		strbuf_release(&b);
	}
	if (k == ne && k == ng)
		strbuf_addstr(out, "  (the same lines)\n");
	free(es);
	free(el);
	free(gs);
	free(gl);
}

int replay_write(const char *dir, const struct exercise *ex, const struct test_selection *sel,
		 const char *submission, const struct report *r, struct strbuf *out,
		 struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	const struct test_report *tr = NULL;
	const struct test *t = NULL;
	char *source = build_source_name(submission), *p;
	size_t i;
	int ret;

	/* The kit's own driver.c is the exercise's: a submission of that name takes another. */
	if (!strcmp(source, "driver.c")) {
		free(source);
		source = xstrdup("submission.c");
	}
	for (i = 0; i < ex->ntests; i++)
		if (sel->chosen[i])
			t = &ex->tests[i];
	for (i = 0; t && i < r->ntests; i++)
		if (!strcmp(r->tests[i].name, t->name))
			tr = &r->tests[i];
	if (!t || !tr) {
		strbuf_addstr(err, "--replay: the test did not run");
		ret = -EINVAL;
		goto out;
	}
	ret = mkdir_p(dir, 0755);
	if (ret) {
		strbuf_addf(err, "cannot create '%s': %s", dir, strerror(-ret));
		goto out;
	}
	p = path_join(ex->dir, "driver.c");
	ret = copy(p, dir, "driver.c", SOURCE_CAP, err);
	free(p);
	p = path_join(ex->dir, ex->header);
	if (!ret)
		ret = copy(p, dir, ex->header, SOURCE_CAP, err);
	free(p);
	for (i = 0; !ret && build_driver_headers[i]; i++) {
		p = path_join(build_driver_dir(), build_driver_headers[i]);
		ret = copy(p, dir, build_driver_headers[i], SOURCE_CAP, err);
		free(p);
	}
	p = NULL;
	if (!ret)
		ret = copy(submission, dir, source, SOURCE_CAP, err);
	if (!ret && t->input)
		ret = copy(t->input, dir, "stdin", INPUT_CAP, err);
	if (!ret) {
		makefile(&text, ex, source);
		ret = put(dir, "Makefile", text.buf, text.len, 0644, err);
	}
	if (!ret) {
		strbuf_reset(&text);
		run_script(&text, ex, t, r->seed);
		ret = put(dir, "run.sh", text.buf, text.len, 0755, err);
	}
	if (!ret)
		ret = put(dir, "expected.txt", tr->expected ? tr->expected : "", tr->expected_len,
			  0644, err);
	if (!ret)
		ret = put(dir, "grader-observed.txt", tr->observed ? tr->observed : "",
			  tr->observed_len, 0644, err);
	if (ret)
		goto out;
	strbuf_addf(out, "\nreplay of '%s' written to %s/\n"
		    "WARNING: run.sh runs your code OUTSIDE the sandbox, with your rights.\n"
		    "  cd %s && ./run.sh        (or ./run.sh gdb, ./run.sh valgrind, ./run.sh asan)\n",
		    t->name, dir, dir);
	if (tr->status == ST_SKIPPED)
		strbuf_addstr(out, "the test was not run (see the report): there are no "
				   "observations to compare yet\n");
	else if (tr->observed) {
		strbuf_addf(out, "the observations of this run (grader-observed.txt) next to the "
			    "reference's (expected.txt)%s:\n",
			    tr->observed_cut ? ", cut at 1 MiB" : "");
		replay_side_by_side(tr->expected, tr->expected_len, tr->observed,
				    tr->observed_len, 60, out);
	}
out:
	free(source);
	strbuf_release(&text);
	return ret;
}
