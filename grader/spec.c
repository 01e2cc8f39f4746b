/*
 * spec.c: loading and validating an exercise's spec.json (the only place,
 * with report-json.c, that uses cJSON).
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "datadir.h"
#include "digest.h"
#include "patch.h"
#include "spec.h"
#include "util.h"

#define SPEC_MAX_BYTES (1 << 20)
#define PROGRAM_MAX_BYTES (1 << 20) /* reference.c, a mistake's patch or C file */
#define MAX_TESTS 500
#define MAX_ARGS 32
#define MAX_POINTS 1000

static const struct limits default_limits = {
	.cpu_ms = 2000,
	.wall_ms = 5000,
	.memory_kb = 256 * 1024,
	.file_kb = 1024,
	.output_kb = 64,
};

const char *exercises_dir(const char *opt)
{
	static char resolved[PATH_MAX];
	const char *env = getenv("GRADER_EXERCISES");
	const char *dir = datadir_exercises();

	if (opt && *opt)
		dir = opt;
	else if (env && *env)
		dir = env;
	/* Absolute: compilers run in their own directories. */
	return realpath(dir, resolved) ? resolved : dir;
}

char *exercise_header_name(const char *id)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	for (p = id; *p; p++)
		strbuf_addch(&sb, *p == '-' ? '_' : *p);
	strbuf_addstr(&sb, ".h");
	return strbuf_detach(&sb);
}

/* A C identifier of at most 64 bytes. */
static bool c_identifier(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 && !(s[0] >= '0' && s[0] <= '9') &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == n;
}

static bool valid_name(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max || s[0] == '-' || s[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == '.'))
			return false;
	}
	return true;
}

struct loader {
	const char *file;   /* as shown in messages */
	struct strbuf *err;
	int failed;
	struct strbuf reference; /* reference.c, once a patch needs it */
	bool have_reference;
};

static int fail(struct loader *ld, const char *field, const char *what)
{
	if (!ld->failed)
		strbuf_addf(ld->err, "%s: %s: %s", ld->file, field, what);
	ld->failed = 1;
	return -EINVAL;
}

static const char *get_string(struct loader *ld, const cJSON *obj, const char *key,
			      const char *field, bool required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v) {
		if (required)
			fail(ld, field, "missing (expected a string)");
		return NULL;
	}
	if (!cJSON_IsString(v) || !v->valuestring) {
		fail(ld, field, "expected a string");
		return NULL;
	}
	return v->valuestring;
}

/* An integer in [lo, hi]; dflt when absent. */
static long long get_int(struct loader *ld, const cJSON *obj, const char *key,
			 const char *field, long long lo, long long hi, long long dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	double d;

	if (!v)
		return dflt;
	d = v->valuedouble;
	if (!cJSON_IsNumber(v) || d != floor(d) || d < (double)lo || d > (double)hi) {
		char what[96];

		snprintf(what, sizeof(what), "expected an integer from %lld to %lld", lo, hi);
		fail(ld, field, what);
		return dflt;
	}
	return (long long)d;
}

static double get_number(struct loader *ld, const cJSON *obj, const char *key,
			 const char *field, double lo, double hi, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v)
		return dflt;
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi)) {
		char what[96];

		snprintf(what, sizeof(what), "expected a number from %g to %g", lo, hi);
		fail(ld, field, what);
		return dflt;
	}
	return v->valuedouble;
}

static bool get_bool(struct loader *ld, const cJSON *obj, const char *key,
		     const char *field, bool dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v)
		return dflt;
	if (!cJSON_IsBool(v)) {
		fail(ld, field, "expected true or false");
		return dflt;
	}
	return cJSON_IsTrue(v);
}

/* An array of strings; *n set; NULL (and n = 0) when absent. */
static char **get_strings(struct loader *ld, const cJSON *obj, const char *key,
			  const char *field, size_t max, size_t *n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key), *it;
	char **out;
	size_t i = 0;

	*n = 0;
	if (!v)
		return NULL;
	if (!cJSON_IsArray(v) || (size_t)cJSON_GetArraySize(v) > max) {
		fail(ld, field, "expected an array of strings");
		return NULL;
	}
	out = xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(char *));
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it) || !it->valuestring) {
			fail(ld, field, "expected an array of strings");
			break;
		}
		out[i++] = xstrdup(it->valuestring);
	}
	*n = i;
	return out;
}

static void free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static void load_limits(struct loader *ld, const cJSON *obj, const char *field,
			struct limits *l)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "limits");
	char f[160];

	if (!v)
		return;
	if (!cJSON_IsObject(v)) {
		fail(ld, field, "expected an object");
		return;
	}
#define LIMIT(key, member, lo, hi, scale)                                        \
	snprintf(f, sizeof(f), "%s.%s", field, key);                            \
	l->member = (uint64_t)get_int(ld, v, key, f, lo, hi,                    \
				      (long long)(l->member / (scale))) * (scale)
	LIMIT("cpu_ms", cpu_ms, 10, 60000, 1);
	LIMIT("wall_ms", wall_ms, 10, 120000, 1);
	LIMIT("memory_mb", memory_kb, 8, 4096, 1024);
	LIMIT("file_kb", file_kb, 0, 1 << 20, 1);
	LIMIT("output_kb", output_kb, 1, 16384, 1);
	LIMIT("scratch_kb", scratch_kb, 0, 1 << 20, 1);
	LIMIT("scratch_inodes", scratch_inodes, 0, 1 << 20, 1);
#undef LIMIT
}

/* "files": {"reg.json": "json", "log.txt": "bytes"} */
static int load_files(struct loader *ld, const cJSON *t, const char *field, struct test *test)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, "files"), *it;
	size_t n = 0;

	if (!v)
		return 0;
	if (!cJSON_IsObject(v) || cJSON_GetArraySize(v) > 16)
		return fail(ld, field, "expected an object of at most 16 file names");
	test->files = xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(struct test_file));
	cJSON_ArrayForEach(it, v) {
		if (!valid_name(it->string, 64) || strchr(it->string, '/'))
			return fail(ld, field, "expected plain file names");
		if (!cJSON_IsString(it) ||
		    (strcmp(it->valuestring, "json") && strcmp(it->valuestring, "bytes")))
			return fail(ld, field, "expected \"json\" or \"bytes\" for each file");
		test->files[n].name = xstrdup(it->string);
		test->files[n].json = !strcmp(it->valuestring, "json");
		test->nfiles = ++n;
	}
	return 0;
}

static int load_test(struct loader *ld, struct exercise *ex, const cJSON *t, size_t idx)
{
	struct test *test = &ex->tests[idx];
	char f[128];
	const char *s;
	char **req;
	size_t nreq = 0, i, j;
	const cJSON *sc;

	snprintf(f, sizeof(f), "tests[%zu]", idx);
	if (!cJSON_IsObject(t))
		return fail(ld, f, "expected an object");

	snprintf(f, sizeof(f), "tests[%zu].name", idx);
	s = get_string(ld, t, "name", f, true);
	if (!s)
		return -EINVAL;
	if (!valid_name(s, 64))
		return fail(ld, f, "expected 1-64 characters from a-z, 0-9, '-', '_', '.'");
	for (i = 0; i < idx; i++)
		if (!strcmp(ex->tests[i].name, s))
			return fail(ld, f, "a test of that name comes earlier");
	test->name = xstrdup(s);

	snprintf(f, sizeof(f), "tests[%zu].points", idx);
	if (!cJSON_GetObjectItemCaseSensitive(t, "points"))
		return fail(ld, f, "missing (expected a positive integer)");
	test->points = (int)get_int(ld, t, "points", f, 1, MAX_POINTS, 1);

	snprintf(f, sizeof(f), "tests[%zu].visibility", idx);
	s = get_string(ld, t, "visibility", f, false);
	if (!s || !strcmp(s, "visible"))
		test->visibility = VIS_VISIBLE;
	else if (!strcmp(s, "hidden"))
		test->visibility = VIS_HIDDEN;
	else if (!strcmp(s, "after_due_date"))
		test->visibility = VIS_AFTER_DUE_DATE;
	else
		return fail(ld, f, "expected \"visible\", \"hidden\" or \"after_due_date\"");

	snprintf(f, sizeof(f), "tests[%zu].args", idx);
	test->args = get_strings(ld, t, "args", f, MAX_ARGS, &test->nargs);

	snprintf(f, sizeof(f), "tests[%zu].input", idx);
	s = get_string(ld, t, "input", f, false);
	if (s) {
		struct stat st;

		if (!valid_relative_path(s))
			return fail(ld, f, "expected a relative path inside the exercise");
		test->input = path_join(ex->dir, s);
		if (stat(test->input, &st) < 0 || !S_ISREG(st.st_mode))
			return fail(ld, f, "no such file in the exercise directory");
	}

	snprintf(f, sizeof(f), "tests[%zu].hint", idx);
	s = get_string(ld, t, "hint", f, false);
	test->hint = xstrdup(s ? s : "");
	snprintf(f, sizeof(f), "tests[%zu].inject_hint", idx);
	s = get_string(ld, t, "inject_hint", f, false);
	test->inject_hint = xstrdup(s ? s : test->hint);
	snprintf(f, sizeof(f), "tests[%zu].inject_alloc", idx);
	test->inject_alloc = get_bool(ld, t, "inject_alloc", f, false);
	if (test->inject_alloc && !ex->accounting)
		return fail(ld, f, "needs \"accounting\": true at the top level");

	snprintf(f, sizeof(f), "tests[%zu].sanitize", idx);
	test->sanitize = get_bool(ld, t, "sanitize", f, ex->sanitize);

	snprintf(f, sizeof(f), "tests[%zu].requires", idx);
	req = get_strings(ld, t, "requires", f, MAX_TESTS, &nreq);
	test->requires = xcalloc(nreq + 1, sizeof(size_t));
	for (i = 0; i < nreq && !ld->failed; i++) {
		for (j = 0; j < idx; j++)
			if (!strcmp(ex->tests[j].name, req[i]))
				break;
		if (j == idx) {
			fail(ld, f, "names a test that does not come earlier");
			break;
		}
		test->requires[test->nrequires++] = j;
	}
	free_strings(req, nreq);

	snprintf(f, sizeof(f), "tests[%zu].files", idx);
	if (load_files(ld, t, f, test))
		return -EINVAL;

	test->limits = ex->limits;
	snprintf(f, sizeof(f), "tests[%zu].limits", idx);
	load_limits(ld, t, f, &test->limits);

	sc = cJSON_GetObjectItemCaseSensitive(t, "scaling");
	if (sc) {
		snprintf(f, sizeof(f), "tests[%zu].scaling", idx);
		if (!cJSON_IsObject(sc))
			return fail(ld, f, "expected an object");
		test->scaling.on = true;
		snprintf(f, sizeof(f), "tests[%zu].scaling.factor", idx);
		test->scaling.factor = get_number(ld, sc, "factor", f, 1.0, 1000.0, 5.0);
		snprintf(f, sizeof(f), "tests[%zu].scaling.floor_ms", idx);
		test->scaling.floor_ms = (uint64_t)get_int(ld, sc, "floor_ms", f, 1, 60000, 200);
		snprintf(f, sizeof(f), "tests[%zu].scaling.memory_factor", idx);
		test->scaling.memory_factor = get_number(ld, sc, "memory_factor", f, 1.0, 1000.0, 0);
		snprintf(f, sizeof(f), "tests[%zu].scaling.memory_floor_kb", idx);
		test->scaling.memory_floor_kb =
			(uint64_t)get_int(ld, sc, "memory_floor_kb", f, 1, 1 << 22, 8192);
	}
	return ld->failed ? -EINVAL : 0;
}

/* "breaks": the names of the tests a mistake fails, each once. */
static int load_breaks(struct loader *ld, const struct exercise *ex, const cJSON *m,
		       const char *field, struct mistake *mk)
{
	size_t n = 0, i, j;
	char **names = get_strings(ld, m, "breaks", field, MAX_TESTS, &n);
	int ret = 0;

	if (ld->failed)
		goto out;
	if (!cJSON_GetObjectItemCaseSensitive(m, "breaks") || !n) {
		ret = fail(ld, field, "missing (expected the names of the tests the mistake fails)");
		goto out;
	}
	mk->breaks = xcalloc(ex->ntests, sizeof(size_t));
	for (j = 0; j < ex->ntests && !ret; j++) {
		bool named = false;

		for (i = 0; i < n; i++)
			named = named || !strcmp(names[i], ex->tests[j].name);
		if (named)
			mk->breaks[mk->nbreaks++] = j;
	}
	for (i = 0; i < n && !ret; i++) {
		for (j = 0; j < ex->ntests; j++)
			if (!strcmp(names[i], ex->tests[j].name))
				break;
		if (j == ex->ntests)
			ret = fail(ld, field, "names a test the exercise does not have");
		for (j = 0; j < i && !ret; j++)
			if (!strcmp(names[i], names[j]))
				ret = fail(ld, field, "names a test twice");
	}
out:
	free_strings(names, n);
	return ld->failed ? -EINVAL : ret;
}

/* Reads a file of the exercise named by a field; fails naming the field. */
static int read_exercise_file(struct loader *ld, const char *path, const char *field,
			      struct strbuf *out)
{
	struct stat st;
	int ret;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return fail(ld, field, "no such file in the exercise directory");
	ret = read_file(path, PROGRAM_MAX_BYTES, false, out);
	if (ret == -EFBIG)
		return fail(ld, field, "larger than 1 MiB");
	if (ret) {
		struct strbuf what = STRBUF_INIT;

		strbuf_addf(&what, "cannot read it: %s", strerror(-ret));
		fail(ld, field, what.buf);
		strbuf_release(&what);
		return -EINVAL;
	}
	return 0;
}

/*
 * The program of a mistake given as "patch": reference.c with the patch
 * applied strictly. A patch that no longer applies fails the whole load,
 * naming the mistake and the hunk: an edit of reference.c must not turn a
 * known mistake silently into another program.
 */
static int load_patched(struct loader *ld, const struct exercise *ex, struct mistake *mk,
			const char *rel, const char *field)
{
	struct strbuf patch = STRBUF_INIT, out = STRBUF_INIT, why = STRBUF_INIT;
	struct strbuf what = STRBUF_INIT;
	size_t i, head;
	int ret;

	if (!ld->have_reference) {
		char *ref = path_join(ex->dir, "reference.c");

		ret = read_file(ref, PROGRAM_MAX_BYTES, false, &ld->reference);
		free(ref);
		if (ret) {
			strbuf_addf(&what, "mistake '%s': cannot read reference.c, which %s applies "
				    "to: %s", mk->name, rel,
				    ret == -EFBIG ? "larger than 1 MiB" : strerror(-ret));
			ret = fail(ld, field, what.buf);
			goto out;
		}
		ld->have_reference = true;
	}
	ret = read_exercise_file(ld, mk->file, field, &patch);
	if (ret)
		goto out;
	head = patch_header_len(patch.buf, patch.len);
	for (i = 0; i < head && (patch.buf[i] == ' ' || patch.buf[i] == '\t' ||
				 patch.buf[i] == '\n'); i++)
		;
	if (i == head) {
		strbuf_addf(&what, "mistake '%s': %s: expected a sentence or two before the first "
			    "'---' line that say which idea the mistake gets wrong", mk->name, rel);
		ret = fail(ld, field, what.buf);
		goto out;
	}
	if (patch_apply(patch.buf, patch.len, ld->reference.buf, ld->reference.len,
			"reference.c", &out, &why)) {
		strbuf_addf(&what, "mistake '%s': %s does not apply to reference.c: %s", mk->name,
			    rel, why.buf);
		ret = fail(ld, field, what.buf);
		goto out;
	}
	mk->program_len = out.len;
	mk->program = strbuf_detach(&out);
out:
	strbuf_release(&patch);
	strbuf_release(&out);
	strbuf_release(&why);
	strbuf_release(&what);
	return ret;
}

/* "patch": "mistakes/x.patch" (a diff against reference.c) or "source": "mistakes/x.c". */
static int load_program(struct loader *ld, const struct exercise *ex, const cJSON *m,
			size_t i, struct mistake *mk)
{
	bool has_patch = cJSON_GetObjectItemCaseSensitive(m, "patch") != NULL;
	bool has_source = cJSON_GetObjectItemCaseSensitive(m, "source") != NULL;
	struct strbuf text = STRBUF_INIT;
	const char *s;
	char f[96];
	int ret;

	snprintf(f, sizeof(f), "mistakes[%zu].%s", i, has_source ? "source" : "patch");
	if (has_patch && has_source) {
		snprintf(f, sizeof(f), "mistakes[%zu]", i);
		return fail(ld, f, "expected \"patch\" or \"source\", not both");
	}
	if (!has_patch && !has_source)
		return fail(ld, f, "missing (expected a patch to reference.c, or a \"source\" "
			    "C file where a patch would be longer than the program)");
	s = get_string(ld, m, has_source ? "source" : "patch", f, true);
	if (!s)
		return -EINVAL;
	if (!valid_relative_path(s))
		return fail(ld, f, "expected a relative path inside the exercise");
	mk->file = path_join(ex->dir, s);
	mk->patched = has_patch;
	if (has_patch)
		return load_patched(ld, ex, mk, s, f);
	ret = read_exercise_file(ld, mk->file, f, &text);
	if (!ret) {
		mk->program_len = text.len;
		mk->program = strbuf_detach(&text);
	}
	strbuf_release(&text);
	return ret;
}

static int load_mistakes(struct loader *ld, struct exercise *ex, const cJSON *root)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "mistakes"), *m;
	size_t i = 0, j;
	char f[96];

	if (!list)
		return 0;
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) > 32)
		return fail(ld, "mistakes", "expected an array of at most 32 mistakes");
	ex->mistakes = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(struct mistake));
	cJSON_ArrayForEach(m, list) {
		struct mistake *mk = &ex->mistakes[i];
		const char *s;

		snprintf(f, sizeof(f), "mistakes[%zu]", i);
		if (!cJSON_IsObject(m))
			return fail(ld, f, "expected an object");
		snprintf(f, sizeof(f), "mistakes[%zu].name", i);
		s = get_string(ld, m, "name", f, true);
		if (!s)
			return -EINVAL;
		if (!valid_name(s, 48) || strchr(s, '.'))
			return fail(ld, f, "expected 1-48 characters from a-z, 0-9, '-', '_'");
		for (j = 0; j < i; j++)
			if (!strcmp(ex->mistakes[j].name, s))
				return fail(ld, f, "a mistake of that name comes earlier");
		ex->nmistakes = i + 1;
		mk->name = xstrdup(s);
		if (load_program(ld, ex, m, i, mk))
			return -EINVAL;
		snprintf(f, sizeof(f), "mistakes[%zu].hint", i);
		s = get_string(ld, m, "hint", f, true);
		if (!s)
			return -EINVAL;
		if (!*s)
			return fail(ld, f, "expected a hint that names the mistake");
		mk->hint = xstrdup(s);
		snprintf(f, sizeof(f), "mistakes[%zu].breaks", i);
		if (load_breaks(ld, ex, m, f, mk))
			return -EINVAL;
		i++;
	}
	return 0;
}

const struct mistake *exercise_mistake(const struct exercise *ex, const char *name)
{
	size_t i;

	for (i = 0; i < ex->nmistakes; i++)
		if (!strcmp(ex->mistakes[i].name, name))
			return &ex->mistakes[i];
	return NULL;
}

bool mistake_breaks(const struct mistake *mk, size_t idx)
{
	size_t i;

	for (i = 0; i < mk->nbreaks; i++)
		if (mk->breaks[i] == idx)
			return true;
	return false;
}

/* A file that cannot be opened adds only its terminator: the build that needs it says why. */
static void hash_file(struct sha256 *c, const char *path)
{
	sha256_update_file(c, path);
	sha256_update(c, "\0", 1);
}

static void hash_exercise(struct exercise *ex, const char *spec_path)
{
	static const char *const files[] = { "driver.c", "reference.c" };
	struct sha256 c;
	unsigned char d[32];
	size_t i;

	sha256_init(&c);
	hash_file(&c, spec_path);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char *p = path_join(ex->dir, files[i]);
		hash_file(&c, p);
		free(p);
	}
	{
		char *p = path_join(ex->dir, ex->header);
		hash_file(&c, p);
		free(p);
	}
	for (i = 0; i < ex->ntests; i++)
		if (ex->tests[i].input)
			hash_file(&c, ex->tests[i].input);
	/* The programs themselves, patched ones included: builds are cached under this hash. */
	for (i = 0; i < ex->nmistakes; i++) {
		sha256_update(&c, ex->mistakes[i].program, ex->mistakes[i].program_len);
		sha256_update(&c, "\0", 1);
	}
	sha256_final(&c, d);
	hex_encode(d, 32, ex->hash);
}

static int load_spec(struct loader *ld, struct exercise *ex, const cJSON *root)
{
	const cJSON *tests, *t;
	const char *s;
	struct stat st;
	size_t i = 0;
	char *p;

	if (!cJSON_IsObject(root))
		return fail(ld, "(top level)", "expected an object");
	s = get_string(ld, root, "title", "title", true);
	if (!s)
		return -EINVAL;
	ex->title = xstrdup(s);

	s = get_string(ld, root, "header", "header", false);
	ex->header = s ? xstrdup(s) : exercise_header_name(ex->id);
	if (strchr(ex->header, '/') || !valid_name(ex->header, 64))
		return fail(ld, "header", "expected a file name in the exercise directory");
	p = path_join(ex->dir, ex->header);
	if (stat(p, &st) < 0 || !S_ISREG(st.st_mode)) {
		free(p);
		return fail(ld, "header", "no such file in the exercise directory");
	}
	free(p);

	s = get_string(ld, root, "statement", "statement", false);
	if (s && !valid_relative_path(s))
		return fail(ld, "statement", "expected a relative path inside the exercise");
	ex->statement = path_join(ex->dir, s ? s : "statement.md");

	ex->libs = get_strings(ld, root, "libs", "libs", 8, &ex->nlibs);
	for (i = 0; i < ex->nlibs; i++)
		if (!valid_name(ex->libs[i], 64))
			return fail(ld, "libs", "expected pkg-config package names");
	ex->wraps = get_strings(ld, root, "wrap", "wrap", 8, &ex->nwraps);
	for (i = 0; i < ex->nwraps; i++)
		if (!c_identifier(ex->wraps[i]))
			return fail(ld, "wrap", "expected names of C functions");
	ex->static_link = get_bool(ld, root, "static", "static", ex->nlibs == 0);
	ex->accounting = get_bool(ld, root, "accounting", "accounting", false);
	ex->sanitize = get_bool(ld, root, "sanitize", "sanitize", true);
	ex->limits = default_limits;
	load_limits(ld, root, "limits", &ex->limits);
	if (ld->failed)
		return -EINVAL;

	tests = cJSON_GetObjectItemCaseSensitive(root, "tests");
	if (!cJSON_IsArray(tests) || cJSON_GetArraySize(tests) < 1 ||
	    cJSON_GetArraySize(tests) > MAX_TESTS)
		return fail(ld, "tests", "expected an array of 1 to 500 tests");
	ex->tests = xcalloc((size_t)cJSON_GetArraySize(tests), sizeof(struct test));
	i = 0;
	cJSON_ArrayForEach(t, tests) {
		ex->ntests = i + 1;
		if (load_test(ld, ex, t, i))
			return -EINVAL;
		ex->max_score += ex->tests[i].points;
		i++;
	}
	return load_mistakes(ld, ex, root);
}

int exercise_load(const char *dir, const char *id, struct exercise **out,
		  struct strbuf *err)
{
	struct exercise *ex;
	struct strbuf text = STRBUF_INIT;
	struct loader ld = { 0 };
	cJSON *root = NULL;
	char *spec_path;
	int ret;

	if (!valid_name(id, 64) || strchr(id, '.')) {
		strbuf_addf(err, "no exercise named '%s' (see 'grader list')", id);
		return -ENOENT;
	}
	ex = xcalloc(1, sizeof(*ex));
	ex->id = xstrdup(id);
	ex->dir = path_join(dir, id);
	spec_path = path_join(ex->dir, "spec.json");
	ret = read_file(spec_path, SPEC_MAX_BYTES, false, &text);
	if (ret == -ENOENT || ret == -ENOTDIR) {
		strbuf_addf(err, "no exercise named '%s' in '%s' (see 'grader list')", id, dir);
		ret = -ENOENT;
		goto out;
	}
	if (ret) {
		strbuf_addf(err, "cannot read '%s': %s", spec_path,
			    ret == -EFBIG ? "larger than 1 MiB" : strerror(-ret));
		ret = -EINVAL;
		goto out;
	}
	root = cJSON_ParseWithLength(text.buf, text.len);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = at && at >= text.buf && at <= text.buf + text.len
				     ? (size_t)(at - text.buf) : 0;

		strbuf_addf(err, "%s: not valid JSON (near byte %zu)", spec_path, off);
		ret = -EINVAL;
		goto out;
	}
	ld.file = spec_path;
	ld.err = err;
	ret = load_spec(&ld, ex, root);
	if (!ret)
		hash_exercise(ex, spec_path);
	strbuf_release(&ld.reference);
out:
	cJSON_Delete(root);
	strbuf_release(&text);
	free(spec_path);
	if (ret) {
		exercise_free(ex);
		return ret;
	}
	*out = ex;
	return 0;
}

void exercise_free(struct exercise *ex)
{
	size_t i, j;

	if (!ex)
		return;
	for (i = 0; i < ex->ntests; i++) {
		struct test *t = &ex->tests[i];

		free(t->name);
		free_strings(t->args, t->nargs);
		free(t->input);
		free(t->hint);
		free(t->inject_hint);
		free(t->requires);
		for (j = 0; j < t->nfiles; j++)
			free(t->files[j].name);
		free(t->files);
	}
	free(ex->tests);
	for (i = 0; i < ex->nmistakes; i++) {
		free(ex->mistakes[i].name);
		free(ex->mistakes[i].file);
		free(ex->mistakes[i].program);
		free(ex->mistakes[i].hint);
		free(ex->mistakes[i].breaks);
	}
	free(ex->mistakes);
	free_strings(ex->libs, ex->nlibs);
	free_strings(ex->wraps, ex->nwraps);
	free(ex->id);
	free(ex->dir);
	free(ex->title);
	free(ex->header);
	free(ex->statement);
	free(ex);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int exercise_ids(const char *dir, char ***ids, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t count = 0, alloc = 0;

	*ids = NULL;
	*n = 0;
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char *spec;
		struct stat st;

		if (e->d_name[0] == '.' || !valid_name(e->d_name, 64))
			continue;
		spec = path_join(dir, e->d_name);
		{
			char *p = path_join(spec, "spec.json");
			free(spec);
			spec = p;
		}
		if (stat(spec, &st) == 0 && S_ISREG(st.st_mode)) {
			if (count == alloc) {
				alloc = alloc ? alloc * 2 : 8;
				v = xrealloc(v, alloc * sizeof(*v));
			}
			v[count++] = xstrdup(e->d_name);
		}
		free(spec);
	}
	closedir(d);
	if (count)
		qsort(v, count, sizeof(*v), cmp_str);
	*ids = v;
	*n = count;
	return 0;
}
