/*
 * json-fields.h: the fields of cJSON objects, read and written the way the
 * json report (report-json.c) and the class's json files
 * (class/gradebook-json.c) both need: a missing or mistyped field reads as
 * absent, never as a crash. Only files that already hold cJSON trees
 * include this; the trees stay in those files.
 */
#ifndef GRADER_JSON_FIELDS_H
#define GRADER_JSON_FIELDS_H

#ifndef GRADER_LAYER_REPORT
#error "a header of grader/report/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

/* p, or an abort with a message when cJSON ran out of memory (NULL). */
void *json_checked(void *p);

/* The string field key of o (o may be NULL); NULL when absent or not a string. */
const char *json_str(const cJSON *o, const char *key);
/* As json_str(), copied; "" when absent. The caller frees. */
char *json_strdup(const cJSON *o, const char *key);
/* The finite number field key of o into *v; false when there is none. */
bool json_num(const cJSON *o, const char *key, double *v);
/* The integer field key of o (|v| <= 1e9) into *v; false when there is none. */
bool json_int(const cJSON *o, const char *key, int *v);

/*
 * A string as a json document must hold it, UTF-8 (RFC 8259): every byte
 * of s that is not valid UTF-8 becomes U+FFFD (strbuf_add_utf8()). Every
 * string the grader writes into json goes through here, since most come
 * from someone else (a learner's output, a file name in a class
 * directory, a spec). json_text() returns a new item for an array.
 */
cJSON *json_text(const char *s);
void json_add_text(cJSON *obj, const char *key, const char *s);

/* Adds a score as format_score() writes it, so json and csv show the same digits. */
void json_add_score(cJSON *obj, const char *key, double v);

/* Adds a u64 exactly, which a double cannot hold. */
void json_add_u64(cJSON *obj, const char *key, uint64_t v);

#endif /* GRADER_JSON_FIELDS_H */
