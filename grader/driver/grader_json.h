/*
 * grader_json.h: what JSON forbids and cJSON lets pass, in text a
 * learner's code wrote. cJSON's parse stops after the first value (what
 * follows is the caller's to check), skips any byte up to a space between
 * tokens, and reads a control byte raw inside a string; JSON allows only
 * space, tab, CR and LF between tokens, and nothing below 0x20 unescaped
 * in a string. Shared by the drivers that judge a saved file (in the
 * sandbox) and the grader's comparison of files (grader/jsondiff.c), so
 * that both judge alike. Everything is static and prefixed gj_.
 */
#ifndef GRADER_JSON_H
#define GRADER_JSON_H

#include <stdbool.h>
#include <stddef.h>

static inline bool gj_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The first control byte JSON forbids in text[0..len): inside a string,
 * or between tokens; len if none. *in_string says which.
 */
static inline size_t gj_stray_control(const char *text, size_t len, bool *in_string)
{
	bool str = false;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (str && c == '\\' && i + 1 < len) {
			i++;
		} else if (c == '"') {
			str = !str;
		} else if (c < 0x20 && (str || !gj_space((char)c))) {
			*in_string = str;
			return i;
		}
	}
	return len;
}

#endif /* GRADER_JSON_H */
