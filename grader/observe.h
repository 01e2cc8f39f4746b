/*
 * observe.h: the observation stream a driver writes on fd 3, parsed and
 * compared. The child is untrusted: every field here is bounded, and
 * nothing in the stream can do more than make the comparison fail.
 */
#ifndef GRADER_OBSERVE_H
#define GRADER_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

struct obs {
	char **lines;      /* compared lines, pointing into the parsed buffer */
	size_t n;
	bool ended;        /* the "end" line came */
	const char *fail;  /* first "!fail" reason, or NULL */
	bool has_allocs;
	uint64_t allocs;   /* from "!allocs N" */
	bool too_many;     /* more than OBS_MAX_LINES lines: the rest were not kept */
	bool seeded;       /* "!seeded": the driver drew random numbers */
	const char *crash; /* the last "!crash" line, after its prefix, or NULL:
			      where the program crashed (symbolize.h); never trusted */
	const char *sanitizer; /* the first "!sanitizer" line, after its prefix, or
				  NULL: a memory error ASan or UBSan found (the
				  driver's hooks); never trusted */
};

/*
 * A driver reports a few thousand lines; a hostile program can write
 * millions of empty ones, each of which would cost a pointer here.
 */
#define OBS_MAX_LINES (1u << 20)

/*
 * Parses data (modified in place: newlines become NULs; it must outlive
 * o). Lines after "end" are ignored, but for "!crash" and "!sanitizer";
 * lines past the first OBS_MAX_LINES are not kept (too_many is set).
 * Never fails.
 */
void obs_parse(char *data, size_t len, struct obs *o);
void obs_release(struct obs *o);

/*
 * True when got has exactly the lines of want (and neither had too many).
 * Otherwise msg receives where they first differ, both lines shown with
 * whitespace and truncation explicit.
 */
bool obs_equal(const struct obs *want, const struct obs *got, struct strbuf *msg);

#endif /* GRADER_OBSERVE_H */
