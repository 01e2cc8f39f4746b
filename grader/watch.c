/*
 * watch.c: inotify on the submission's directory, signals through a signalfd.
 */
#include <errno.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "util.h"
#include "watch.h"

#define SETTLE_MS 150 /* a save is several events: wait for the last */

struct watch {
	int ino, sig;
	char *name;
	sigset_t mask, old;
};

struct watch *watch_new(const char *path, struct strbuf *err)
{
	struct watch *w = xcalloc(1, sizeof(*w));
	char *d = xstrdup(path), *b = xstrdup(path);

	w->ino = w->sig = -1;
	w->name = xstrdup(basename(b));
	sigemptyset(&w->mask);
	sigaddset(&w->mask, SIGINT);
	sigaddset(&w->mask, SIGTERM);
	sigaddset(&w->mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &w->mask, &w->old);
	w->sig = signalfd(-1, &w->mask, SFD_CLOEXEC);
	w->ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (w->sig < 0 || w->ino < 0 ||
	    inotify_add_watch(w->ino, dirname(d), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
		strbuf_addf(err, "cannot watch '%s': %s", path, strerror(errno));
		watch_free(w);
		w = NULL;
	}
	free(d);
	free(b);
	return w;
}

void watch_free(struct watch *w)
{
	if (!w)
		return;
	if (w->ino >= 0)
		close(w->ino);
	if (w->sig >= 0)
		close(w->sig);
	sigprocmask(SIG_SETMASK, &w->old, NULL);
	free(w->name);
	free(w);
}

/* Whether the events read from the inotify descriptor name the file. */
static bool drain(struct watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool ours = false;
	ssize_t n;

	while ((n = read(w->ino, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (p < buf + n) {
			struct inotify_event *ev = (struct inotify_event *)p;

			if (ev->len && !strcmp(ev->name, w->name))
				ours = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	return ours;
}

int watch_wait(struct watch *w, struct strbuf *err)
{
	struct pollfd p[2] = { { w->sig, POLLIN, 0 }, { w->ino, POLLIN, 0 } };
	bool saved = false;

	drain(w); /* what the last grading's own reading caused, if anything */
	for (;;) {
		int n = poll(p, 2, saved ? SETTLE_MS : -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			strbuf_addf(err, "cannot wait for a save: %s", strerror(errno));
			return -errno;
		}
		if (p[0].revents) {
			struct signalfd_siginfo si;

			/* Taken here, or it would be delivered once watch_free unblocks it. */
			if (read(w->sig, &si, sizeof(si)) < 0)
				return 0;
			return 0;
		}
		if (n == 0)
			return 1; /* settled */
		if (drain(w))
			saved = true;
	}
}

static const struct test_report *find(const struct report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ntests; i++)
		if (!strcmp(r->tests[i].name, name))
			return &r->tests[i];
	return NULL;
}

void watch_changes(const struct report *before, const struct report *after,
		   struct strbuf *out)
{
	size_t i, start = out->len;

	if (before->compiled != after->compiled)
		strbuf_addf(out, "%s\n", after->compiled ? "compiles again" : "no longer compiles");
	for (i = 0; i < after->ntests; i++) {
		const struct test_report *a = &after->tests[i], *b = find(before, a->name);
		bool was = b && b->status == ST_PASSED, is = a->status == ST_PASSED;

		if (!b || !before->compiled || !after->compiled)
			continue;
		if (!was && is)
			strbuf_addf(out, "fixed:  %s\n", a->name);
		else if (was && !is)
			strbuf_addf(out, "broken: %s (%s)\n", a->name, test_status_name(a->status));
		else if (was && is && a->time_ms > b->time_ms * 1.25 && a->time_ms > b->time_ms + 1)
			strbuf_addf(out, "slower: %s %.1f ms -> %.1f ms\n", a->name, b->time_ms,
				    a->time_ms);
		else if (was && is && b->time_ms > a->time_ms * 1.25 && b->time_ms > a->time_ms + 1)
			strbuf_addf(out, "faster: %s %.1f ms -> %.1f ms\n", a->name, b->time_ms,
				    a->time_ms);
	}
	if (before->score != after->score)
		strbuf_addf(out, "score:  %d/%d -> %d/%d\n", before->score, before->max_score,
			    after->score, after->max_score);
	if (out->len == start)
		strbuf_addstr(out, "nothing changed\n");
}
