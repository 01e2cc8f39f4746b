/*
 * replay.h: one test, written out to be built and run outside the sandbox
 * (grader check --test NAME --replay DIR), for a debugger or valgrind.
 *
 * DIR receives the exercise's driver and headers, a copy of the
 * submission, the test's standard input, a Makefile (-g -O0, and an
 * AddressSanitizer variant) and run.sh, which runs the program as the
 * grader did: the same arguments and seed, the same standard input, an
 * empty environment, an empty working directory, and the observation
 * channel (fd 3) written to observed.txt. Beside them: expected.txt, the
 * reference's channel, and grader-observed.txt, the submission's channel
 * as the grader read it. Only a visible test is replayed: a hidden test's
 * input is not the learner's to see.
 */
#ifndef GRADER_REPLAY_H
#define GRADER_REPLAY_H

#include "result.h"
#include "select.h"
#include "spec.h"
#include "strbuf.h"

/* 0 when sel chooses exactly one test and it is visible; else -EINVAL, err says why. */
int replay_check(const struct exercise *ex, const struct test_selection *sel,
		 struct strbuf *err);

/*
 * Writes the replay of the test sel chooses into dir (made if missing;
 * files of an earlier replay are replaced), from r, a report graded with
 * grade_opts.keep_channels. out receives what to show: a warning that
 * the replay runs unsandboxed, how to use it, and the submission's
 * observations next to the reference's. 0, or -errno with err set.
 */
int replay_write(const char *dir, const struct exercise *ex, const struct test_selection *sel,
		 const char *submission, const struct report *r, struct strbuf *out,
		 struct strbuf *err);

/*
 * Appends the lines of expected and got side by side to out, from a few
 * lines before the first that differs; every line made visible and cut to
 * width bytes.
 */
void replay_side_by_side(const char *expected, size_t elen, const char *got, size_t glen,
			 size_t width, struct strbuf *out);

#endif /* GRADER_REPLAY_H */
