/*
 * jsondiff.c: JSON documents compared by meaning (uses cJSON).
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "driver/grader_json.h"
#include "jsondiff.h"
#include "util.h"

#define MAX_DEPTH 64
#define SHOW_MAX 120
#define REST_SHOW_MAX 40

static const char *type_name(const cJSON *v)
{
	if (cJSON_IsNull(v)) return "null";
	if (cJSON_IsBool(v)) return "a boolean";
	if (cJSON_IsNumber(v)) return "a number";
	if (cJSON_IsString(v)) return "a string";
	if (cJSON_IsArray(v)) return "an array";
	if (cJSON_IsObject(v)) return "an object";
	return "something else";
}

static void show(struct strbuf *msg, const cJSON *v)
{
	char *text = cJSON_PrintUnformatted(v);

	if (text) {
		strbuf_add_visible(msg, text, strlen(text), SHOW_MAX);
		cJSON_free(text);
	}
}

static void where(struct strbuf *msg, const struct strbuf *path)
{
	strbuf_addstr(msg, path->len ? path->buf : "(the top level)");
	strbuf_addstr(msg, ": ");
}

static bool equal(const cJSON *w, const cJSON *g, struct strbuf *path, int depth,
		  struct strbuf *msg)
{
	size_t mark = path->len;

	if (depth > MAX_DEPTH) {
		where(msg, path);
		strbuf_addstr(msg, "nested too deeply");
		return false;
	}
	if ((w->type & 0xff) != (g->type & 0xff) &&
	    !(cJSON_IsBool(w) && cJSON_IsBool(g))) {
		where(msg, path);
		strbuf_addf(msg, "expected %s, got %s ", type_name(w), type_name(g));
		show(msg, g);
		return false;
	}
	if (cJSON_IsBool(w) && cJSON_IsTrue(w) != cJSON_IsTrue(g))
		goto differ;
	if (cJSON_IsNumber(w) && !(w->valuedouble == g->valuedouble ||
				   (isnan(w->valuedouble) && isnan(g->valuedouble))))
		goto differ;
	if (cJSON_IsString(w) && strcmp(w->valuestring, g->valuestring))
		goto differ;
	if (cJSON_IsArray(w)) {
		int nw = cJSON_GetArraySize(w), ng = cJSON_GetArraySize(g), i;
		const cJSON *a = w->child, *b = g->child;

		for (i = 0; a && b; i++, a = a->next, b = b->next) {
			strbuf_addf(path, "[%d]", i);
			if (!equal(a, b, path, depth + 1, msg))
				return false;
			path->len = mark;
			path->buf[mark] = '\0';
		}
		if (nw != ng) {
			where(msg, path);
			strbuf_addf(msg, "expected %d elements, got %d", nw, ng);
			return false;
		}
	}
	if (cJSON_IsObject(w)) {
		const cJSON *a;

		cJSON_ArrayForEach(a, w) {
			const cJSON *b = cJSON_GetObjectItemCaseSensitive(g, a->string);

			if (path->len)
				strbuf_addch(path, '.');
			strbuf_addstr(path, a->string);
			if (!b) {
				where(msg, path);
				strbuf_addstr(msg, "missing");
				return false;
			}
			if (!equal(a, b, path, depth + 1, msg))
				return false;
			path->len = mark;
			if (path->buf)
				path->buf[mark] = '\0';
		}
		cJSON_ArrayForEach(a, g) {
			if (!cJSON_GetObjectItemCaseSensitive(w, a->string)) {
				if (path->len)
					strbuf_addch(path, '.');
				strbuf_add_visible(path, a->string, strlen(a->string), 60);
				where(msg, path);
				strbuf_addstr(msg, "a key the expected document does not have");
				return false;
			}
		}
	}
	return true;
differ:
	where(msg, path);
	strbuf_addstr(msg, "expected ");
	show(msg, w);
	strbuf_addstr(msg, ", got ");
	show(msg, g);
	return false;
}

/*
 * The JSON value that is the whole of text (len bytes), or NULL with why
 * set. cJSON alone stops after the first value and skips a byte order mark
 * and any byte up to 0x20 before it, so it takes "[] junk" and "\x01[]" for
 * []: here only JSON whitespace may come before or after the value, so
 * that a file a lenient reader accepts but the format does not is not
 * JSON; nor is one with a control byte JSON forbids (grader_json.h). The
 * caller deletes the tree.
 */
static cJSON *parse_document(const char *text, size_t len, struct strbuf *why)
{
	static const char starts[] = "{[\"-0123456789tfn";
	const char *end = NULL;
	size_t first = 0, off;
	bool in_string = false;
	cJSON *doc;

	while (first < len && gj_space(text[first]))
		first++;
	doc = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!doc) {
		off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
		strbuf_addf(why, "not valid JSON (near byte %zu of %zu)", off, len);
		return NULL;
	}
	if (first < len && !memchr(starts, text[first], sizeof(starts) - 1)) {
		strbuf_addf(why,
			    "not valid JSON (byte %zu of %zu, 0x%02x, comes before the "
			    "JSON document)",
			    first, len, (unsigned char)text[first]);
		goto fail;
	}
	off = (size_t)(end - text);
	while (off < len && gj_space(text[off]))
		off++;
	if (off < len) {
		off = (size_t)(end - text);
		strbuf_addf(why,
			    "not valid JSON (%zu byte%s after the end of the JSON document, "
			    "at byte %zu of %zu: ",
			    len - off, len - off == 1 ? "" : "s", off, len);
		strbuf_add_visible(why, end, len - off, REST_SHOW_MAX);
		strbuf_addch(why, ')');
		goto fail;
	}
	off = gj_stray_control(text, (size_t)(end - text), &in_string);
	if (off < (size_t)(end - text)) {
		strbuf_addf(why, "not valid JSON (a raw control byte 0x%02x %s, at byte %zu of %zu: "
			    "JSON writes it escaped)", (unsigned char)text[off],
			    in_string ? "inside a string" : "between values", off, len);
		goto fail;
	}
	return doc;
fail:
	cJSON_Delete(doc);
	return NULL;
}

bool json_equal(const char *want, size_t wlen, const char *got, size_t glen,
		struct strbuf *msg)
{
	struct strbuf path = STRBUF_INIT, why = STRBUF_INIT;
	cJSON *w = parse_document(want, wlen, &why), *g = NULL;
	bool same = false;

	if (!w) {
		strbuf_addstr(msg, "the reference's file is ");
		strbuf_add(msg, why.buf, why.len);
		goto out;
	}
	g = parse_document(got, glen, msg);
	if (g)
		same = equal(w, g, &path, 0, msg);
out:
	cJSON_Delete(w);
	cJSON_Delete(g);
	strbuf_release(&why);
	strbuf_release(&path);
	return same;
}
