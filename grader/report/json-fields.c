/*
 * json-fields.c: reading and writing fields of cJSON objects.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-fields.h"
#include "util.h"

void *json_checked(void *p)
{
	if (!p) {
		fprintf(stderr, "grader: out of memory\n");
		abort();
	}
	return p;
}

const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(f) ? f->valuestring : NULL;
}

char *json_strdup(const cJSON *o, const char *key)
{
	const char *s = json_str(o, key);

	return xstrdup(s ? s : "");
}

bool json_num(const cJSON *o, const char *key, double *v)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(f) || !isfinite(f->valuedouble))
		return false;
	*v = f->valuedouble;
	return true;
}

bool json_int(const cJSON *o, const char *key, int *v)
{
	double d;

	if (!json_num(o, key, &d) || d != floor(d) || d < -1e9 || d > 1e9)
		return false;
	*v = (int)d;
	return true;
}

cJSON *json_text(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	cJSON *item;

	strbuf_add_utf8(&sb, s, strlen(s));
	item = json_checked(cJSON_CreateString(strbuf_str(&sb)));
	strbuf_release(&sb);
	return item;
}

void json_add_text(cJSON *obj, const char *key, const char *s)
{
	cJSON_AddItemToObject(obj, key, json_text(s));
}

void json_add_u64(cJSON *obj, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	cJSON_AddItemToObject(obj, key, json_checked(cJSON_CreateRaw(buf)));
}

void json_add_score(cJSON *obj, const char *key, double v)
{
	char buf[SCORE_BUF];

	format_score(v, buf);
	cJSON_AddItemToObject(obj, key, json_checked(cJSON_CreateRaw(buf)));
}
