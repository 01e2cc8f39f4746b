/*
 * build.c: compiling drivers, references and submissions, sandboxed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "datadir.h"
#include "digest.h"
#include "elfcheck.h"
#include "util.h"

#define COMPILE_OUTPUT_CAP (64 * 1024)

extern char **environ;

static const char *const common_flags[] = {
	"-std=c11", "-D_POSIX_C_SOURCE=200809L", "-O2", "-pipe", "-Wall", "-Wextra",
	/*
	 * Where a crash happened (symbolize.c): functions, inlined calls and
	 * lines (-g1: no variables, a third of -g's cost), and a stack the
	 * driver can walk.
	 */
	"-g1", "-fno-omit-frame-pointer",
	"-fdiagnostics-color=never", "-fmax-errors=20", NULL,
};

/*
 * The memory check's build (build_*_sanitized): ASan and UBSan, stopping at
 * the first report, their runtimes linked in (a dynamic program then loads
 * only the C library, as a plain one would).
 */
static const char *const sanitize_flags[] = {
	BUILD_SANITIZE, BUILD_SANITIZE_STOP, BUILD_SANITIZE_LEFT_OUT, NULL,
};
static const char *const sanitize_link_flags[] = {
	"-static-libasan", "-static-libubsan", NULL,
};

static const char *const wrap_flags = BUILD_WRAP_FLAGS;

/*
 * The toolchain a compile may read and execute; absent paths are skipped.
 * Not the whole of /usr: an installed grader keeps its exercises, reference
 * solutions included, in /usr/share/grader or /usr/local/share/grader, and
 * a submission that could #include one would pass (docs/installing.md).
 */
static const struct sandbox_path toolchain[] = {
	{ "/usr/bin", SANDBOX_READ | SANDBOX_EXEC },
	{ "/usr/lib", SANDBOX_READ | SANDBOX_EXEC },
	{ "/usr/lib64", SANDBOX_READ | SANDBOX_EXEC },
	{ "/usr/libexec", SANDBOX_READ | SANDBOX_EXEC },
	{ "/usr/include", SANDBOX_READ },
	{ "/usr/local/bin", SANDBOX_READ | SANDBOX_EXEC },
	{ "/usr/local/lib", SANDBOX_READ | SANDBOX_EXEC },
	{ "/usr/local/libexec", SANDBOX_READ | SANDBOX_EXEC },
	{ "/usr/local/include", SANDBOX_READ },
	{ "/bin", SANDBOX_READ | SANDBOX_EXEC },
	{ "/lib", SANDBOX_READ | SANDBOX_EXEC },
	{ "/lib64", SANDBOX_READ | SANDBOX_EXEC },
	{ "/etc/ld.so.cache", SANDBOX_READ },
	{ "/dev/null", SANDBOX_READ | SANDBOX_WRITE },
};

const char *const build_driver_headers[] = {
	"grader_driver.h", "grader_alloc.h", "grader_json.h", NULL,
};

const char *build_driver_dir(void)
{
	const char *env = getenv("GRADER_DRIVER_DIR");

	return env && *env ? env : datadir_driver();
}

static char *find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char resolved[PATH_MAX];

	if (strchr(name, '/'))
		return realpath(name, resolved) ? xstrdup(resolved) : NULL;
	if (!path || !*path)
		path = "/usr/bin:/bin";
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		struct strbuf sb = STRBUF_INIT;

		strbuf_add(&sb, path, n);
		strbuf_addch(&sb, '/');
		strbuf_addstr(&sb, name);
		if (access(sb.buf, X_OK) == 0 && realpath(sb.buf, resolved)) {
			strbuf_release(&sb);
			return xstrdup(resolved);
		}
		strbuf_release(&sb);
		path += n + (colon ? 1 : 0);
	}
	return NULL;
}

/* Runs a trusted command (the compiler's version, pkg-config) and captures stdout. */
static int run_trusted(char *const argv[], struct strbuf *out)
{
	posix_spawn_file_actions_t fa;
	int p[2], status = 0, ret = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	ret = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (ret) {
		close(p[0]);
		return -ret;
	}
	for (;;) {
		char buf[4096];
		ssize_t n = read(p[0], buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len < 65536)
			strbuf_add(out, buf, (size_t)n);
	}
	close(p[0]);
	while ((ret = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (ret < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return -ECHILD;
	while (out->len && (out->buf[out->len - 1] == '\n' || out->buf[out->len - 1] == ' '))
		out->buf[--out->len] = '\0';
	return 0;
}

char *build_cache_dir(void)
{
	const char *env = getenv("GRADER_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	struct strbuf sb = STRBUF_INIT;

	if (env && !strcmp(env, "off"))
		return NULL;
	if (env && *env)
		strbuf_addstr(&sb, env);
	else if (xdg && *xdg)
		strbuf_addf(&sb, "%s/grader", xdg);
	else if (home && *home)
		strbuf_addf(&sb, "%s/.cache/grader", home);
	else
		return NULL;
	/* Quietly: without a cache the grader is only slower. */
	if (mkdir_p(sb.buf, 0755)) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

static void hash_driver_support(struct builder *b)
{
	const char *const *files = build_driver_headers;
	struct sha256 c;
	unsigned char d[32];
	size_t i;

	sha256_init(&c);
	sha256_update(&c, b->cc_version, strlen(b->cc_version));
	for (i = 0; common_flags[i]; i++)
		sha256_update(&c, common_flags[i], strlen(common_flags[i]) + 1);
	sha256_update(&c, wrap_flags, strlen(wrap_flags) + 1);
	if (b->linker)
		sha256_update(&c, b->linker, strlen(b->linker) + 1);
	if (b->linker_sanitized)
		sha256_update(&c, b->linker_sanitized, strlen(b->linker_sanitized) + 1);
	for (i = 0; files[i]; i++) {
		char *p = path_join(build_driver_dir(), files[i]);

		sha256_update_file(&c, p);
		sha256_update(&c, "\0", 1);
		free(p);
	}
	sha256_final(&c, d);
	hex_encode(d, 32, b->driver_hash);
}

/*
 * The linker: most of a submission's build is its link. A plain program
 * links with gold, in under half the CPU time of ld.bfd; the memory
 * check's program, which pulls in the whole static ASan and UBSan
 * runtimes, links with mold, a tenth to a fifth faster than gold, on the
 * critical path of a grading (tests/bench/build.sh). mold runs in the
 * compiler's process tree (--no-fork), on one thread: the grading's
 * other work has the other cores.
 * GRADER_LD names the linker of both builds for -fuse-ld; "default"
 * keeps the compiler's own. Unset: those above where installed, gold
 * where mold is not, else the compiler's own.
 * The linker cannot change a verdict: the program is the same code, only
 * link errors are worded differently.
 */
static char *pick_linker(bool sanitize)
{
	const char *env = getenv("GRADER_LD");
	char *found;

	if (env && *env)
		return strcmp(env, "default") ? xstrdup(env) : NULL;
	if (sanitize && (found = find_in_path("ld.mold"))) {
		free(found);
		return xstrdup("mold");
	}
	found = find_in_path("ld.gold");
	if (!found)
		return NULL;
	free(found);
	return xstrdup("gold");
}

int builder_init(struct builder *b, struct sandbox *sb, struct workdir *wd,
		 struct strbuf *err)
{
	const char *cc = getenv("GRADER_CC");
	struct strbuf ver = STRBUF_INIT;
	char *argv[3];
	const char *base;

	memset(b, 0, sizeof(*b));
	pthread_mutex_init(&b->pkg_lock, NULL);
	b->sb = sb;
	b->wd = wd;
	b->cc = find_in_path(cc && *cc ? cc : "gcc");
	if (!b->cc) {
		strbuf_addf(err, "cannot find the C compiler '%s' in PATH", cc && *cc ? cc : "gcc");
		return -ENOENT;
	}
	argv[0] = b->cc;
	argv[1] = "-dumpfullversion";
	argv[2] = NULL;
	base = strrchr(b->cc, '/') ? strrchr(b->cc, '/') + 1 : b->cc;
	if (run_trusted(argv, &ver) == 0 && ver.len) {
		struct strbuf name = STRBUF_INIT;

		strbuf_addf(&name, "%s %s", strstr(base, "clang") ? "clang" : "gcc", ver.buf);
		b->cc_version = strbuf_detach(&name);
	} else {
		b->cc_version = xstrdup(base);
	}
	strbuf_release(&ver);
	b->cache_dir = build_cache_dir();
	/*
	 * The cache holds the programs it builds (the reference, the known
	 * mistakes), which run from there: on a file system mounted noexec,
	 * build them for this run instead, like GRADER_CACHE_DIR=off.
	 */
	if (b->cache_dir && !can_run_from(b->cache_dir)) {
		free(b->cache_dir);
		b->cache_dir = NULL;
	}
	b->linker = pick_linker(false);
	b->linker_sanitized = pick_linker(true);
	hash_driver_support(b);
	return 0;
}

void builder_release(struct builder *b)
{
	size_t i;

	for (i = 0; i < b->npkg; i++) {
		free(b->pkg[i].query);
		free(b->pkg[i].answer);
	}
	free(b->pkg);
	pthread_mutex_destroy(&b->pkg_lock);
	free(b->cc);
	free(b->cc_version);
	free(b->cache_dir);
	free(b->linker);
	free(b->linker_sanitized);
	memset(b, 0, sizeof(*b));
}

void build_release(struct build *bd)
{
	if (bd->dir) {
		remove_tree(bd->dir);
		free(bd->dir);
	}
	free(bd->exe);
	free(bd->output);
	memset(bd, 0, sizeof(*bd));
}

char *build_source_name(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(base), i;

	if (n < 3 || n > 64 || strcmp(base + n - 2, ".c") || base[0] == '.' || base[0] == '-')
		return xstrdup("submission.c");
	for (i = 0; i < n; i++) {
		char c = base[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return xstrdup("submission.c");
	}
	return xstrdup(base);
}

struct argv_builder {
	char **v;
	size_t n, alloc;
};

static void argv_push(struct argv_builder *a, const char *s)
{
	if (a->n + 2 > a->alloc) {
		a->alloc = a->alloc ? a->alloc * 2 : 32;
		a->v = xrealloc(a->v, a->alloc * sizeof(char *));
	}
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

static void argv_free(struct argv_builder *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

/*
 * What `pkg-config WHAT LIB` prints, into out: asked once per builder (a
 * grading asks for the plain and the sanitized build, a batch for every
 * submission). 0, or -ENOENT when pkg-config does not know LIB.
 */
static int pkg_config(struct builder *b, const char *what, const char *lib, struct strbuf *out)
{
	char *argv[4] = { "pkg-config", (char *)what, (char *)lib, NULL };
	struct strbuf query = STRBUF_INIT;
	size_t i;
	int ret = 0;

	strbuf_addf(&query, "%s %s", what, lib);
	pthread_mutex_lock(&b->pkg_lock);
	for (i = 0; i < b->npkg; i++)
		if (!strcmp(b->pkg[i].query, query.buf))
			break;
	if (i < b->npkg) {
		strbuf_addstr(out, b->pkg[i].answer);
	} else if (run_trusted(argv, out)) {
		ret = -ENOENT;
	} else {
		b->pkg = xrealloc(b->pkg, (b->npkg + 1) * sizeof(*b->pkg));
		b->pkg[b->npkg].query = strbuf_detach(&query);
		b->pkg[b->npkg++].answer = xstrdup(strbuf_str(out));
	}
	pthread_mutex_unlock(&b->pkg_lock);
	strbuf_release(&query);
	return ret;
}

/* Splits pkg-config output on blanks; its output is trusted. */
static int push_pkg_flags(struct builder *b, struct argv_builder *a, const struct exercise *ex,
			  const char *what, struct strbuf *err)
{
	size_t i;

	for (i = 0; i < ex->nlibs; i++) {
		struct strbuf out = STRBUF_INIT;
		char *p, *tok;

		if (pkg_config(b, what, ex->libs[i], &out)) {
			strbuf_addf(err, "%s/spec.json: libs: pkg-config does not know '%s'",
				    ex->dir, ex->libs[i]);
			strbuf_release(&out);
			return -ENOENT;
		}
		for (p = out.buf; p && *p;) {
			while (*p == ' ' || *p == '\t' || *p == '\n')
				p++;
			tok = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '\n')
				p++;
			if (p > tok) {
				char save = *p;
				*p = '\0';
				argv_push(a, tok);
				*p = save;
			}
		}
		strbuf_release(&out);
	}
	return 0;
}

/*
 * Runs the compiler in dir with argv (without argv[0]), reading only the
 * toolchain, dir and extra. Returns 0 with *ok set, or -errno.
 */
static int compile(struct builder *b, const char *dir, struct argv_builder *args,
		   const struct sandbox_path *extra, size_t nextra, bool *ok,
		   struct strbuf *output, struct strbuf *err)
{
	struct sandbox_path paths[ARRAY_SIZE(toolchain) + 4];
	struct strbuf tmpdir = STRBUF_INIT;
	char *envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL, NULL };
	struct sandbox_spec spec = { 0 };
	struct sandbox_result res;
	char reason[256];
	size_t n = 0, i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(toolchain); i++)
		paths[n++] = toolchain[i];
	for (i = 0; i < nextra && n < ARRAY_SIZE(paths); i++)
		paths[n++] = extra[i];
	strbuf_addf(&tmpdir, "TMPDIR=%s", dir);
	envp[2] = tmpdir.buf;

	spec.profile = SANDBOX_COMPILE;
	spec.exe = b->cc;
	spec.argv = args->v;
	spec.envp = envp;
	spec.workdir = dir;
	spec.paths = paths;
	spec.npaths = n;
	spec.stdin_fd = -1;
	spec.merge_stderr = true;
	spec.limits.cpu_ms = 0; /* per-process RLIMIT_CPU below, wall for the tree */
	spec.limits.wall_ms = 20000;
	spec.limits.memory_kb = 1024 * 1024;
	spec.limits.file_kb = 64 * 1024;
	spec.limits.open_files = 64;
	spec.limits.output_cap = COMPILE_OUTPUT_CAP;

	ret = sandbox_run(b->sb, &spec, &res, reason, sizeof(reason));
	if (ret) {
		strbuf_addf(err, "cannot run the compiler: %s", reason);
		goto out;
	}
	if (res.outcome == SANDBOX_EXEC_FAILED) {
		/* The grader's compiler, not the submission, failed to start. */
		ret = res.exec_errno == EINVAL ? -ENOTSUP : -res.exec_errno;
		strbuf_addf(err, "cannot run the compiler: cannot start '%s': %s", b->cc,
			    strerror(res.exec_errno));
		sandbox_result_release(&res);
		goto out;
	}
	strbuf_add(output, res.out.data, res.out.len);
	if (res.out.truncated)
		strbuf_addstr(output, "\n[compiler output cut at 64 KiB]\n");
	*ok = res.outcome == SANDBOX_EXITED && res.exit_code == 0;
	switch (res.outcome) {
	case SANDBOX_EXITED:
		break;
	case SANDBOX_WALL_LIMIT:
	case SANDBOX_IDLE_LIMIT:
	case SANDBOX_CPU_LIMIT:
		strbuf_addstr(output, "\n[the compiler ran over its time limit and was stopped]\n");
		break;
	case SANDBOX_OUTPUT_LIMIT:
		strbuf_addstr(output, "\n[the compiler printed more than 64 KiB and was stopped]\n");
		break;
	case SANDBOX_MEMORY_LIMIT:
		strbuf_addstr(output, "\n[the compiler went over its memory limit and was stopped]\n");
		break;
	case SANDBOX_SIGNALED:
		strbuf_addf(output, "\n[the compiler was killed by signal %d (%s)]\n",
			    res.term_signal, strsignal(res.term_signal));
		break;
	case SANDBOX_FORBIDDEN:
		strbuf_addstr(output, "\n[the compiler made a forbidden system call]\n");
		break;
	case SANDBOX_EXEC_FAILED: /* handled above */
		break;
	}
	sandbox_result_release(&res);
out:
	strbuf_release(&tmpdir);
	return ret;
}

/*
 * Copies a file; into the cache (once, durably: a torn driver object there
 * would fail every later link) or into a build directory (a scratch file,
 * not synced: an fsync costs milliseconds on many disks, for nothing).
 */
static int copy_file(const char *from, const char *to, int mode, bool once)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = read_file(from, 256u << 20, false, &sb);

	if (!ret && once && mode == 0755)
		ret = write_program_once(to, sb.buf, sb.len);
	else if (!ret)
		ret = once ? write_file_once(to, sb.buf, sb.len, mode)
			   : write_file_scratch(to, sb.buf, sb.len, mode);
	strbuf_release(&sb);
	return ret;
}

/*
 * A cached program the sandbox will run: as nobody when the grader is
 * root, who needs the permission to run it. The linker, in the sandbox,
 * writes 0755 (its umask is 022) and the cache copy is 0755 whatever the
 * grader's umask (write_program_once); an entry an older grader cached
 * under root's common umask 077 is 0700 and is repaired here. Its
 * directory stays the grader's own: the sandbox runs the program through
 * a descriptor, never by its path.
 */
static int make_runnable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if ((st.st_mode & 0755) != 0755 && chmod(path, (st.st_mode & 07777) | 0755) < 0)
		return -errno;
	return 0;
}

static void push_common(struct argv_builder *a, const char *cc, bool sanitize)
{
	size_t i;

	argv_push(a, cc);
	for (i = 0; common_flags[i]; i++) {
		if (!sanitize)
			argv_push(a, common_flags[i]);
		else if (!strcmp(common_flags[i], "-O2"))
			argv_push(a, "-O1"); /* ASan's advice; a third less to compile */
		else if (strcmp(common_flags[i], "-pipe")) /* -save-temps instead */
			argv_push(a, common_flags[i]);
	}
	for (i = 0; sanitize && sanitize_flags[i]; i++)
		argv_push(a, sanitize_flags[i]);
}

/* -fuse-ld=LINKER, and mold's switches; -EINVAL for a name no flag may hold. */
static int push_linker(struct argv_builder *a, const char *linker)
{
	char flag[64];

	if (!linker)
		return 0;
	if (strlen(linker) > 32 || strspn(linker, "abcdefghijklmnopqrstuvwxyz0123456789._-") !=
					   strlen(linker))
		return -EINVAL;
	snprintf(flag, sizeof(flag), "-fuse-ld=%s", linker);
	argv_push(a, flag);
	if (!strcmp(linker, "mold"))
		argv_push(a, "-Wl,--no-fork,--threads=1");
	return 0;
}

static int push_link(struct builder *b, struct argv_builder *a, const struct exercise *ex,
		     bool sanitize, struct strbuf *err)
{
	size_t i;
	int ret = push_pkg_flags(b, a, ex, "--cflags", err);

	if (!ret)
		ret = push_pkg_flags(b, a, ex, "--libs", err);
	if (ret)
		return ret;
	ret = push_linker(a, sanitize ? b->linker_sanitized : b->linker);
	if (ret) {
		strbuf_addstr(err, "GRADER_LD names a linker that is not a plain name");
		return ret;
	}
	/* The sanitizers' runtimes cannot be linked into a static program. */
	if (ex->static_link && !sanitize)
		argv_push(a, "-static");
	for (i = 0; sanitize && sanitize_link_flags[i]; i++)
		argv_push(a, sanitize_link_flags[i]);
	if (ex->accounting)
		argv_push(a, wrap_flags);
	for (i = 0; i < ex->nwraps; i++) {
		struct strbuf w = STRBUF_INIT;

		strbuf_addf(&w, "-Wl,--wrap=%s", ex->wraps[i]);
		argv_push(a, w.buf);
		strbuf_release(&w);
	}
	argv_push(a, "-lm");
	return 0;
}

/* "<cache>/<kind>-<key>" for this exercise, or NULL without a cache. */
static char *cache_path(struct builder *b, const struct exercise *ex, const char *kind)
{
	struct strbuf key = STRBUF_INIT;
	char hex[65];

	if (!b->cache_dir)
		return NULL;
	strbuf_addf(&key, "%s\n%s\n%s\n%d%d", ex->hash, b->driver_hash, ex->id,
		    ex->static_link, ex->accounting);
	sha256_hex(key.buf, key.len, hex);
	strbuf_reset(&key);
	strbuf_addf(&key, "%s/%s-%s-%.24s", b->cache_dir, kind, ex->id, hex);
	return strbuf_detach(&key);
}

/* Compiles driver.c to an object, cached: submissions link against it. */
static int build_driver_object(struct builder *b, const struct exercise *ex, bool sanitize,
			       char **obj, struct strbuf *err)
{
	struct sandbox_path extra[] = { { ex->dir, SANDBOX_READ },
					{ build_driver_dir(), SANDBOX_READ } };
	struct argv_builder a = { 0 };
	struct strbuf out = STRBUF_INIT, inc = STRBUF_INIT;
	char *cached = cache_path(b, ex, sanitize ? "driver-sanitized" : "driver");
	char *dir = NULL, *src = NULL, *dst = NULL;
	bool ok = false;
	int ret;

	if (cached && access(cached, R_OK) == 0) {
		*obj = cached;
		return 0;
	}
	dir = workdir_subdir(b->wd, "driver");
	if (!dir) {
		ret = -errno;
		strbuf_addf(err, "cannot create a build directory: %s", strerror(errno));
		goto out;
	}
	src = path_join(ex->dir, "driver.c");
	dst = path_join(dir, "driver.o");
	push_common(&a, b->cc, sanitize);
	strbuf_addf(&inc, "-I%s", ex->dir);
	argv_push(&a, inc.buf);
	strbuf_reset(&inc);
	strbuf_addf(&inc, "-I%s", build_driver_dir());
	argv_push(&a, inc.buf);
	ret = push_pkg_flags(b, &a, ex, "--cflags", err);
	if (ret)
		goto out;
	argv_push(&a, "-c");
	argv_push(&a, src);
	argv_push(&a, "-o");
	argv_push(&a, dst);
	ret = compile(b, dir, &a, extra, ARRAY_SIZE(extra), &ok, &out, err);
	if (ret)
		goto out;
	if (!ok) {
		ret = -EPROTO; /* a broken exercise is the grader's failure, not bad input */
		strbuf_addf(err, "%s: the driver does not compile:\n%s", src, out.buf ? out.buf : "");
		goto out;
	}
	if (cached && copy_file(dst, cached, 0644, true) == 0) {
		*obj = cached;
		cached = NULL;
	} else {
		*obj = dst;
		dst = NULL;
	}
out:
	argv_free(&a);
	strbuf_release(&out);
	strbuf_release(&inc);
	free(cached);
	free(dir);
	free(src);
	free(dst);
	return ret;
}

/*
 * A trusted program of the exercise (reference, mistake) linked with the
 * driver: the file source or, when text is not NULL, text written into the
 * build directory as "<kind>.c" (a mistake's program: reference.c patched);
 * source then names it in messages. The cache key covers text through
 * ex->hash, which hashes every mistake's program.
 */
static int build_solution(struct builder *b, const struct exercise *ex, const char *source,
			  const char *text, size_t text_len, const char *kind, bool sanitize,
			  struct build *bd, struct strbuf *err)
{
	struct sandbox_path extra[] = { { ex->dir, SANDBOX_READ } };
	struct argv_builder a = { 0 };
	struct strbuf out = STRBUF_INIT, inc = STRBUF_INIT;
	char *cached = cache_path(b, ex, kind), *dir = NULL, *obj = NULL;
	char *src = NULL, *dst = NULL;
	double start = now_ms();
	int ret;

	memset(bd, 0, sizeof(*bd));
	if (cached && access(cached, X_OK) == 0 && make_runnable(cached) == 0) {
		bd->ok = true;
		bd->exe = cached;
		bd->cached = true;
		bd->output = xstrdup("");
		return 0;
	}
	ret = build_driver_object(b, ex, sanitize, &obj, err);
	if (ret)
		goto out;
	dir = workdir_subdir(b->wd, "solution");
	if (!dir) {
		ret = -errno;
		strbuf_addf(err, "cannot create a build directory: %s", strerror(errno));
		goto out;
	}
	if (text) {
		struct strbuf name = STRBUF_INIT;

		strbuf_addf(&name, "%s.c", kind);
		src = path_join(dir, name.buf);
		strbuf_release(&name);
		ret = write_file_scratch(src, text, text_len, 0644);
		if (ret) {
			strbuf_addf(err, "cannot write '%s': %s", src, strerror(-ret));
			goto out;
		}
	} else {
		src = xstrdup(source);
	}
	dst = path_join(dir, "solution");
	push_common(&a, b->cc, sanitize);
	strbuf_addf(&inc, "-I%s", ex->dir);
	argv_push(&a, inc.buf);
	argv_push(&a, src);
	argv_push(&a, obj);
	argv_push(&a, "-o");
	argv_push(&a, dst);
	ret = push_link(b, &a, ex, sanitize, err);
	if (ret)
		goto out;
	{
		struct sandbox_path more[] = { extra[0], { obj, SANDBOX_READ } };

		ret = compile(b, dir, &a, more, ARRAY_SIZE(more), &bd->ok, &out, err);
	}
	if (ret)
		goto out;
	if (!bd->ok) {
		ret = -EPROTO; /* a broken exercise is the grader's failure, not bad input */
		strbuf_addf(err, "%s: the %s does not compile:\n%s", source, kind, strbuf_str(&out));
		goto out;
	}
	if (cached && copy_file(dst, cached, 0755, true) == 0) {
		bd->exe = cached;
		cached = NULL;
	} else {
		bd->exe = dst;
		dst = NULL;
	}
	bd->output = strbuf_detach(&out);
	bd->ms = now_ms() - start;
out:
	/* The build directory goes with the build (its program, if not cached, with it). */
	if (dir && !ret) {
		bd->dir = dir;
		dir = NULL;
	}
	if (dir)
		remove_tree(dir);
	argv_free(&a);
	strbuf_release(&out);
	strbuf_release(&inc);
	free(cached);
	free(dir);
	free(obj);
	free(src);
	free(dst);
	return ret;
}

int build_reference(struct builder *b, const struct exercise *ex,
		    struct build *bd, struct strbuf *err)
{
	char *src = path_join(ex->dir, "reference.c");
	int ret = build_solution(b, ex, src, NULL, 0, "reference", false, bd, err);

	free(src);
	return ret;
}

int build_reference_sanitized(struct builder *b, const struct exercise *ex,
			      struct build *bd, struct strbuf *err)
{
	char *src = path_join(ex->dir, "reference.c");
	int ret = build_solution(b, ex, src, NULL, 0, "reference-sanitized", true, bd, err);

	free(src);
	return ret;
}

int build_mistake(struct builder *b, const struct exercise *ex, size_t i,
		  struct build *bd, struct strbuf *err)
{
	const struct mistake *mk = &ex->mistakes[i];
	struct strbuf kind = STRBUF_INIT;
	int ret;

	strbuf_addf(&kind, "mistake-%s", mk->name);
	ret = build_solution(b, ex, mk->file, mk->program, mk->program_len, kind.buf, false, bd,
			     err);
	strbuf_release(&kind);
	return ret;
}

/*
 * What a submission may not write, because it would switch the memory
 * checker (ASan, UBSan) off or change what it sees: attributes that
 * exempt a function, the sanitizers' hooks and options
 * (__asan_default_options returning "detect_..=0"), the macros and
 * features that tell code it is being checked (__SANITIZE_ADDRESS__,
 * clang's __has_feature(address_sanitizer); the macro is also undefined
 * for the submission's compile), and pragmas that change instrumentation. Matched in the text after line splicing
 * (backslash-newline, and its trigraph ??/), so a comment naming one is
 * refused too. Names glued by ## escape a text match: the program's
 * symbols are checked after the link as well (elf_program_names).
 */
#define SANITIZE_MACRO "__SANITIZE_ADDRESS__"
static const char *const sanitizer_switches[] = {
	"no_sanitize", "no_address_safety_analysis", "disable_sanitizer_instrumentation",
	"__asan_", "__ubsan_", "__lsan_", "__sanitizer_", "__SANITIZE_", "_Pragma",
	"no-sanitize", "fno-sanitize", "address_sanitizer", "undefined_behavior_sanitizer",
	NULL,
};

/* Words that make a #pragma line a switch (#pragma GCC optimize, clang attribute). */
static const char *const pragma_switches[] = { "optimize", "attribute", "sanitize", NULL };

/* The source with its lines spliced; line[i] is the source line of byte i. */
static char *splice_lines(const char *s, size_t n, unsigned **line)
{
	char *out = xmalloc(n + 1);
	unsigned *ln = xmalloc((n + 1) * sizeof(*ln)), cur = 1;
	size_t i = 0, k = 0;

	while (i < n) {
		size_t skip = 0;

		if (s[i] == '\\')
			skip = 1;
		else if (s[i] == '?' && i + 2 < n && s[i + 1] == '?' && s[i + 2] == '/')
			skip = 3;
		if (skip) {
			size_t j = i + skip;

			if (j < n && s[j] == '\r')
				j++;
			if (j < n && s[j] == '\n') {
				cur++;
				i = j + 1;
				continue;
			}
		}
		if (s[i] == '\n')
			cur++;
		ln[k] = cur;
		out[k++] = s[i++];
	}
	out[k] = '\0';
	ln[k] = cur;
	*line = ln;
	return out;
}

/* The switch a line holds, or NULL. */
static const char *line_switch(const char *line)
{
	const char *q;
	size_t i;

	for (i = 0; sanitizer_switches[i]; i++)
		if (strstr(line, sanitizer_switches[i]))
			return sanitizer_switches[i];
	for (q = line; *q == ' ' || *q == '\t'; q++)
		;
	if (*q == '#' && strstr(q, "pragma"))
		for (i = 0; pragma_switches[i]; i++)
			if (strstr(q, pragma_switches[i]))
				return "#pragma";
	return NULL;
}

/* line 0: no line of the submission's to name. */
static void switch_error(struct strbuf *out, const char *name, unsigned line, const char *what,
			 const char *after)
{
	if (line)
		strbuf_addf(out, "%s:%u: ", name, line);
	else
		strbuf_addf(out, "%s: ", name);
	strbuf_addf(out, "error: '%s' is not allowed in a submission%s: it would switch off or "
		    "change the memory checker (ASan, UBSan)\n", what, after);
}

/*
 * 0 when the source switches nothing off; else 1 with a compiler-style
 * error in out ("NAME:LINE: error: ..."), one per line found, at most 5.
 */
static int refuse_sanitizer_switches(const struct strbuf *src, const char *name,
				     struct strbuf *out)
{
	unsigned *line;
	char *text = splice_lines(src->buf, src->len, &line);
	char *bol, *next;
	int found = 0;

	for (bol = text; bol && found < 5; bol = next) {
		const char *what;

		next = strchr(bol, '\n');
		if (next)
			*next++ = '\0'; /* our copy: each line is searched alone */
		what = line_switch(bol);
		if (what) {
			switch_error(out, name, line[bol - text], what, "");
			found++;
		}
	}
	free(text);
	free(line);
	return found ? 1 : 0;
}

/*
 * The same check on the submission after the preprocessor (the .i that
 * -save-temps left in dir): a name glued by ## that no text match saw,
 * such as an attribute no_sanitize_address, is spelled out there. Every
 * line counts, the headers' too: the line markers that tell them apart
 * are the submission's to forge (#line 1 "other.h" made the rest of a
 * submission a header's, and its glued attribute passed), and no header
 * of the C library, the compiler or the exercises' libraries holds any of
 * these words once expanded (a header that does, such as the sanitizers'
 * own interface, has no business in a submission). The markers only say
 * which line to name. 0 when clean, 1 with errors in out; -errno when the
 * file cannot be read.
 */
#define EXPANDED_MAX (64u << 20)

static int refuse_expanded_switches(const char *dir, const char *name, struct strbuf *out)
{
	struct strbuf text = STRBUF_INIT, path = STRBUF_INIT;
	const char *dot = strrchr(name, '.');
	char *bol, *next;
	bool mine = false;
	unsigned line = 0;
	int found = 0, ret;

	strbuf_addf(&path, "%s/program-%.*s.", dir, (int)(dot ? dot - name : (long)strlen(name)),
		    name);
	strbuf_addch(&path, 'i');
	ret = read_file(path.buf, EXPANDED_MAX, true, &text);
	/* The temporaries are done with: .i, .s and .o. */
	unlink(path.buf);
	path.buf[path.len - 1] = 's';
	unlink(path.buf);
	path.buf[path.len - 1] = 'o';
	unlink(path.buf);
	strbuf_release(&path);
	if (ret) {
		strbuf_release(&text);
		return ret;
	}
	for (bol = text.buf; bol && found < 5; bol = next) {
		const char *what;
		char *q;

		next = strchr(bol, '\n');
		if (next)
			*next++ = '\0';
		/* # LINE "FILE" FLAGS: the next line is FILE's LINE. */
		if (bol[0] == '#' && bol[1] == ' ' && bol[2] >= '0' && bol[2] <= '9') {
			line = (unsigned)strtoul(bol + 2, &q, 10);
			mine = !strncmp(q, " \"", 2) && !strncmp(q + 2, name, strlen(name)) &&
			       q[2 + strlen(name)] == '"';
			continue;
		}
		if ((what = line_switch(bol))) {
			switch_error(out, name, mine ? line : 0, what,
				     mine ? " (after macro expansion)"
					  : " (after macro expansion, in a header it includes or "
					    "on lines a #line directive gives another file's name)");
			found++;
		}
		line++;
	}
	strbuf_release(&text);
	return found ? 1 : 0;
}

static int build_program(struct builder *b, const struct exercise *ex,
			 const struct strbuf *source, const char *name, bool sanitize,
			 struct build *bd, struct strbuf *err)
{
	struct argv_builder a = { 0 };
	struct strbuf out = STRBUF_INIT;
	char *dir = NULL, *obj = NULL, *inc = NULL, *p = NULL, *hdr = NULL;
	double start = now_ms();
	int ret = 0;

	memset(bd, 0, sizeof(*bd));
	if (refuse_sanitizer_switches(source, name, &out)) {
		bd->ok = false;
		bd->output = strbuf_detach(&out);
		bd->ms = now_ms() - start;
		goto out;
	}
	ret = build_driver_object(b, ex, sanitize, &obj, err);
	if (ret)
		goto out;
	dir = workdir_subdir(b->wd, sanitize ? "build-sanitized" : "build");
	if (!dir) {
		ret = -errno;
		strbuf_addf(err, "cannot create a build directory: %s", strerror(errno));
		goto out;
	}
	/* The learner's compile sees copies: its own directory and nothing else. */
	inc = path_join(dir, "include");
	if (mkdir(inc, 0755) < 0) {
		ret = -errno;
		strbuf_addf(err, "cannot create '%s': %s", inc, strerror(errno));
		goto out;
	}
	hdr = path_join(ex->dir, ex->header);
	p = path_join(inc, ex->header);
	ret = copy_file(hdr, p, 0644, false);
	free(p);
	p = path_join(dir, "driver.o");
	if (!ret)
		ret = copy_file(obj, p, 0644, false);
	free(p);
	p = path_join(dir, name);
	if (!ret)
		ret = write_file_scratch(p, source->buf, source->len, 0644);
	if (ret) {
		strbuf_addf(err, "cannot prepare the build directory: %s", strerror(-ret));
		goto out;
	}
	push_common(&a, b->cc, sanitize);
	if (sanitize) {
		argv_push(&a, "-save-temps"); /* the expanded source, checked below */
		/*
		 * The submission's code is preprocessed as in the plain build:
		 * the macro that tells the memory check is on is refused in its
		 * text, but a name glued by ## in an #if (which leaves nothing in
		 * the expanded source) would still read it. The driver's object,
		 * built apart, keeps it for its hooks.
		 */
		argv_push(&a, "-U" SANITIZE_MACRO);
	}
	argv_push(&a, "-Iinclude");
	argv_push(&a, name);
	argv_push(&a, "driver.o");
	argv_push(&a, "-o");
	argv_push(&a, "program");
	ret = push_link(b, &a, ex, sanitize, err);
	if (ret)
		goto out;
	ret = compile(b, dir, &a, NULL, 0, &bd->ok, &out, err);
	if (ret)
		goto out;
	if (bd->ok && sanitize) {
		ret = refuse_expanded_switches(dir, name, &out);
		if (ret < 0) {
			strbuf_addf(err, "cannot read the preprocessed submission: %s",
				    strerror(-ret));
			goto out;
		}
		bd->ok = ret == 0;
		ret = 0;
	}
	if (bd->ok && !sanitize) {
		/*
		 * The sanitizers' hooks, defined under a name the text check
		 * cannot see (glued by ##, or an asm label), or a weak reference
		 * to their runtime (to tell whether it runs under the memory
		 * check): the program links no sanitizer here, so any such
		 * symbol is the submission's.
		 * (The sanitized build's program defines them: the driver does.
		 * It is built only after this one passed this check.)
		 */
		static const char *const hooks[] = { "__asan_", "__ubsan_", "__lsan_",
						     "__sanitizer_", NULL };
		struct strbuf found = STRBUF_INIT;
		char *prog = path_join(dir, "program");

		if (elf_program_names(prog, hooks, &found)) {
			strbuf_addf(&out, "%s%s: error: the program names %s: a submission may "
				    "not define or use the memory checker's hooks or options\n",
				    out.len && out.buf[out.len - 1] != '\n' ? "\n" : "", name,
				    found.buf);
			bd->ok = false;
		}
		strbuf_release(&found);
		free(prog);
	}
	bd->output = strbuf_detach(&out);
	if (bd->ok)
		bd->exe = path_join(dir, "program");
	bd->ms = now_ms() - start;
out:
	/* The build directory goes with the build: build_release removes it. */
	if (dir && !ret) {
		bd->dir = dir;
		dir = NULL;
	}
	if (dir)
		remove_tree(dir);
	argv_free(&a);
	strbuf_release(&out);
	free(dir);
	free(obj);
	free(inc);
	free(p);
	free(hdr);
	return ret;
}

int build_submission(struct builder *b, const struct exercise *ex,
		     const struct strbuf *source, const char *name,
		     struct build *bd, struct strbuf *err)
{
	return build_program(b, ex, source, name, false, bd, err);
}

int build_submission_sanitized(struct builder *b, const struct exercise *ex,
			       const struct strbuf *source, const char *name,
			       struct build *bd, struct strbuf *err)
{
	return build_program(b, ex, source, name, true, bd, err);
}
