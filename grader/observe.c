/*
 * observe.c: parsing and comparing observation streams.
 */
#include <stdlib.h>
#include <string.h>

#include "observe.h"
#include "util.h"

#define SHOW_MAX 200 /* bytes of a line shown in a message */

void obs_parse(char *data, size_t len, struct obs *o)
{
	size_t alloc = 0, i = 0;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		char *line = data + i, *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) : len - i;

		if (!nl)
			break; /* an unfinished last line: the run was cut short */
		line[n] = '\0';
		i += n + 1;
		if (o->ended) {
			/* After "end", only what the run's end reports: a crash, a sanitizer. */
			if (!strncmp(line, "!crash ", 7))
				o->crash = line + 7;
			else if (!strncmp(line, "!sanitizer ", 11) && !o->sanitizer)
				o->sanitizer = line + 11;
			continue;
		}
		if (line[0] == '!') {
			if (!strncmp(line, "!fail ", 6) && !o->fail)
				o->fail = line + 6;
			else if (!strncmp(line, "!allocs ", 8))
				o->has_allocs = parse_u64(line + 8, &o->allocs);
			else if (!strcmp(line, "!seeded"))
				o->seeded = true;
			else if (!strncmp(line, "!crash ", 7))
				o->crash = line + 7;
			else if (!strncmp(line, "!sanitizer ", 11) && !o->sanitizer)
				o->sanitizer = line + 11;
			continue;
		}
		if (!strcmp(line, "end")) {
			o->ended = true;
			continue;
		}
		if (o->n == OBS_MAX_LINES) {
			o->too_many = true; /* still looking for "end" */
			continue;
		}
		if (o->n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			o->lines = xrealloc(o->lines, alloc * sizeof(char *));
		}
		o->lines[o->n++] = line;
	}
}

void obs_release(struct obs *o)
{
	free(o->lines);
	memset(o, 0, sizeof(*o));
}

static void show(struct strbuf *msg, const char *label, const char *line)
{
	strbuf_addstr(msg, label);
	if (line)
		strbuf_add_visible(msg, line, strlen(line), SHOW_MAX);
	else
		strbuf_addstr(msg, "(nothing: the output ends here)");
	strbuf_addch(msg, '\n');
}

bool obs_equal(const struct obs *want, const struct obs *got, struct strbuf *msg)
{
	size_t i, n = want->n < got->n ? want->n : got->n;

	if (want->too_many || got->too_many) {
		strbuf_addf(msg, "more than %u observation lines: the %s wrote more than a "
			    "driver reports", OBS_MAX_LINES,
			    got->too_many ? "program" : "reference");
		return false;
	}
	for (i = 0; i < n; i++)
		if (strcmp(want->lines[i], got->lines[i]))
			break;
	if (i == want->n && i == got->n)
		return true;
	strbuf_addf(msg, "first difference at observation %zu of %zu:\n", i + 1, want->n);
	/*
	 * The line before, the same in both: what the differing line answers
	 * (the bad document a load took, the op before a get) is often there.
	 */
	if (i > 0)
		show(msg, "  after:    ", want->lines[i - 1]);
	show(msg, "  expected: ", i < want->n ? want->lines[i] : NULL);
	show(msg, "  got:      ", i < got->n ? got->lines[i] : NULL);
	if (msg->len && msg->buf[msg->len - 1] == '\n')
		msg->buf[--msg->len] = '\0';
	return false;
}
