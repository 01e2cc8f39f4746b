/*
 * watch.h: grader check --watch: a file watched for saves, and what changed
 * between two gradings of it.
 */
#ifndef GRADER_WATCH_H
#define GRADER_WATCH_H

#include "result.h"
#include "strbuf.h"

struct watch;

/*
 * Watches path's directory for path being written or replaced (editors
 * that save by writing a new file and renaming it over the old one), and
 * blocks SIGINT, SIGTERM and SIGHUP, to be taken in watch_wait(): a signal
 * during a grading ends the watch once that grading is done. NULL on
 * failure (err set). Freed with watch_free(), which unblocks them.
 */
struct watch *watch_new(const char *path, struct strbuf *err);
void watch_free(struct watch *w);

/* Waits for a save: 1, or 0 when a signal asks to stop, or -errno (err set). */
int watch_wait(struct watch *w, struct strbuf *err);

/*
 * What changed from before to after, one line each: tests fixed and
 * broken, faster and slower (by a quarter and a millisecond at least),
 * and the score; "nothing changed" when nothing did.
 */
void watch_changes(const struct report *before, const struct report *after,
		   struct strbuf *out);

#endif /* GRADER_WATCH_H */
