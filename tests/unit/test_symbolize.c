/*
 * test_symbolize.c: crash_symbolize() on this very program (built with
 * debug information), and on the lines a hostile program could write in
 * place of its driver's.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "symbolize.h"

extern char __executable_start[];

static char self[4096];

/* A function of this file, not inlined, whose address stands for a crash. */
int crash_here(int x);

__attribute__((noinline)) int crash_here(int x)
{
	return x * 3 + 1;
}

static struct crash_info *symbolize(int sig, const char *line)
{
	return crash_symbolize(self, "test_symbolize.c", sig, line, NULL);
}

static void test_located(void)
{
	char line[256];
	struct crash_info *c;

	snprintf(line, sizeof(line), "11 0 7ffd00000000 %lx 1 %lx",
		 (unsigned long)(uintptr_t)__executable_start, (unsigned long)(uintptr_t)crash_here);
	c = symbolize(SIGSEGV, line);
	CHECK(c != NULL);
	if (!c)
		return;
	CHECK_STR(c->signal, "SIGSEGV");
	CHECK_STR(c->calls[0].function, "crash_here");
	CHECK_STR(c->calls[0].file, "test_symbolize.c");
	CHECK(c->calls[0].line > 0);
	CHECK(!c->stack_overflow);
	crash_info_free(c);
	/* The fault next to the stack pointer: the stack ran out. */
	snprintf(line, sizeof(line), "11 7ffd00000ff8 7ffd00001000 %lx 1 %lx",
		 (unsigned long)(uintptr_t)__executable_start, (unsigned long)(uintptr_t)crash_here);
	c = symbolize(SIGSEGV, line);
	CHECK(c && c->stack_overflow);
	crash_info_free(c);
	/*
	 * A crash outside the program's code whose chain is lost: a word near
	 * the stack pointer that returns into the learner's code stands in.
	 */
	snprintf(line, sizeof(line), "11 0 7ffd00000000 %lx 1 7ffd00000000 + 7ffd00000010 %lx",
		 (unsigned long)(uintptr_t)__executable_start,
		 (unsigned long)(uintptr_t)crash_here + 4);
	c = symbolize(SIGSEGV, line);
	CHECK(c && c->ncalls == 2);
	if (c && c->ncalls == 2) {
		CHECK_STR(c->calls[0].file, "");
		CHECK_STR(c->calls[1].function, "crash_here");
		CHECK_STR(c->calls[1].file, "test_symbolize.c");
	}
	crash_info_free(c);
}

/* Lines a program may forge: each is refused whole, never half-read. */
static void test_hostile(void)
{
	unsigned long start = (unsigned long)(uintptr_t)__executable_start;
	unsigned long pc = (unsigned long)(uintptr_t)crash_here;
	char line[4 * CRASH_LINE_MAX], *p;
	size_t i;
	static const char *const fixed[] = {
		"", "11", "11 0 0 0 0", "11 0 0 0 1", "x 0 0 0 1 400000",
		"11 0 0 0 1 4000000000000000000", /* 19 hex digits */
		"99 0 0 0 1 400000", "11  0 0 0 1 400000", "11 0 0 0 1 400000 ",
		"11 0 0 0 1 ABCDEF", "11 0 0 0 1 400000 -", "11 0 0 0 1 400000 - ",
		"11 0 0 0 1 400000 -- 1", "-1 0 0 0 1 400000", "11 0 0 0 1 400000 +",
		"11 0 0 0 1 400000 + ", "11 0 0 0 1 400000 + 1 + 2", "11 0 0 0 1 400000 + 1 - 2",
	};

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		CHECK(symbolize(SIGSEGV, fixed[i]) == NULL);
	/* Another signal than the one the program died of. */
	snprintf(line, sizeof(line), "8 0 0 %lx 1 %lx", start, pc);
	CHECK(symbolize(SIGSEGV, line) == NULL);
	/* A signal a crash report does not cover. */
	snprintf(line, sizeof(line), "9 0 0 %lx 1 %lx", start, pc);
	CHECK(symbolize(SIGKILL, line) == NULL);
	/* Fewer frames claimed than given. */
	snprintf(line, sizeof(line), "11 0 0 %lx 1 %lx %lx", start, pc, pc);
	CHECK(symbolize(SIGSEGV, line) == NULL);
	/* A load address that is not page-aligned. */
	snprintf(line, sizeof(line), "11 0 0 %lx 1 %lx", start + 8, pc + 8);
	CHECK(symbolize(SIGSEGV, line) == NULL);
	/* Addresses outside the program's code: the stack, zero, all ones. */
	snprintf(line, sizeof(line), "11 0 0 %lx 3 7ffd00000000 0 ffffffffffffffff", start);
	CHECK(symbolize(SIGSEGV, line) == NULL);
	/* More than 48 innermost frames. */
	p = line + snprintf(line, sizeof(line), "11 0 0 %lx 100", start);
	for (i = 0; i < 49; i++)
		p += snprintf(p, sizeof(line) - (size_t)(p - line), " %lx", pc);
	CHECK(symbolize(SIGSEGV, line) == NULL);
	/* Longer than a line may be. */
	memset(line, '1', CRASH_LINE_MAX + 1);
	line[CRASH_LINE_MAX + 1] = '\0';
	CHECK(symbolize(SIGSEGV, line) == NULL);
	/* A program that is not there. */
	snprintf(line, sizeof(line), "11 0 0 %lx 1 %lx", start, pc);
	CHECK(crash_symbolize("/nonexistent/program", "x.c", SIGSEGV, line, NULL) == NULL);
	/* Not the learner's file: no location. */
	CHECK(crash_symbolize(self, "other.c", SIGSEGV, line, NULL) == NULL);
}

int main(void)
{
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return 77;
	self[n] = '\0';
	test_located();
	test_hostile();
	CHECK_DONE();
}
