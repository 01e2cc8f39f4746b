/*
 * datadir.c: the checkout's data for a build-tree binary, else the data
 * installed next to the binary (datadir.h).
 */
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datadir.h"
#include "util.h"

/* CMakeLists.txt defines these; built without it, there is no build tree. */
#ifndef GRADER_SOURCE_DIR
#define GRADER_SOURCE_DIR "."
#endif
#ifndef GRADER_BUILD_DIR
#define GRADER_BUILD_DIR ""
#endif
#ifndef GRADER_BIN_TO_DATA
#define GRADER_BIN_TO_DATA "../share/grader"
#endif
#ifndef GRADER_INSTALL_DATA
#define GRADER_INSTALL_DATA "/usr/local/share/grader"
#endif

static char *exercises; /* resolved once, kept for the process's life */
static char *driver;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Whether path (resolved) is inside the directory dir (resolved here). */
static bool inside(const char *path, const char *dir)
{
	char *real = realpath(dir, NULL);
	size_t n;
	bool in;

	if (!real)
		return false;
	n = strlen(real);
	in = !strncmp(path, real, n) && (path[n] == '/' || !strcmp(real, "/"));
	free(real);
	return in;
}

/* dir/name, resolved when it exists (compilers run elsewhere); malloc'd. */
static char *locate(const char *dir, const char *name)
{
	char *joined = path_join(dir, name);
	char *real = realpath(joined, NULL);

	if (!real)
		return joined;
	free(joined);
	return real;
}

/*
 * The build tree is recognised by the path it was configured at, not by
 * what lies next to the binary: a build in /tmp/b must not take its
 * exercises, reference solutions included, from a /tmp/share/grader that
 * anyone can create. Without /proc, the configured prefix's data is used.
 */
static void resolve(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash = NULL, *data;

	if (n > 0) {
		exe[n] = '\0';
		if (inside(exe, GRADER_BUILD_DIR)) {
			exercises = locate(GRADER_SOURCE_DIR, "exercises");
			driver = locate(GRADER_SOURCE_DIR, "grader/driver");
			return;
		}
		slash = strrchr(exe, '/');
	}
	if (slash) {
		*slash = '\0';
		data = path_join(exe, GRADER_BIN_TO_DATA);
	} else {
		data = xstrdup(GRADER_INSTALL_DATA);
	}
	exercises = locate(data, "exercises");
	driver = locate(data, "driver");
	free(data);
}

const char *datadir_exercises(void)
{
	pthread_once(&once, resolve);
	return exercises;
}

const char *datadir_driver(void)
{
	pthread_once(&once, resolve);
	return driver;
}
