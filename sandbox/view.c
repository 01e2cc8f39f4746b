/*
 * view.c: the file system a run sees, and the privileges it keeps (none).
 *
 * Under a mount namespace (made by the clone, through a user namespace when
 * the grader is not root) the child builds a new root on a small tmpfs over
 * the run's empty working directory, binds there the few host paths the
 * caller lists (read-only) and /dev/null, mounts a fresh tmpfs bounded in
 * bytes and inodes at /scratch, pivots into that root and detaches the
 * host's. After that, no path names anything of the host the caller did not
 * list: stat() of the grader's cache or of /etc/shadow finds nothing, the
 * disk a run can fill is its tmpfs, and cleaning up is an unmount.
 *
 * A compile gets a view too (the compiler tree shares it): the toolchain
 * and the header it may read, its build directory bound writable at its own
 * path, where it works, and no scratch. The new root's mount point is then
 * an empty directory the parent makes in the build directory, since the
 * build directory itself must stay visible. Without it, only Landlock would
 * keep the compiler from #including any file the grader's user can read.
 *
 * The parent plans everything (it may allocate); the child, which shares the
 * parent's memory until it execs, only makes system calls.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define ROOT_TMPFS_OPTS "size=256k,nr_inodes=512,mode=0755"
#define SCRATCH_INODES_DEFAULT 4096
#define SCRATCH_KB_MIN 1024
#define STR(x) #x
#define XSTR(x) STR(x)
#define NOBODY_STR XSTR(SANDBOX__NOBODY)

/* Flags of the mount holding path that a bind in a user namespace must keep. */
static unsigned long locked_flags(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;

	if (statvfs(path, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);

	if (s) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb + 1);
	}
	return s;
}

static bool have_dir(const struct sandbox__view *v, const char *dir)
{
	size_t i;

	for (i = 0; i < v->ndirs; i++)
		if (!strcmp(v->dirs[i], dir))
			return true;
	return false;
}

/* Every directory above path (absolute, normalised), under root, parents first. */
static int add_parents(struct sandbox__view *v, const char *path)
{
	const char *p = path;

	while ((p = strchr(p + 1, '/'))) {
		char *prefix = strndup(path, (size_t)(p - path)), *dir;

		if (!prefix)
			return -ENOMEM;
		dir = join(v->root, prefix);
		free(prefix);
		if (!dir)
			return -ENOMEM;
		if (have_dir(v, dir)) {
			free(dir);
			continue;
		}
		v->dirs[v->ndirs++] = dir;
	}
	return 0;
}

/* A path the view can hold: absolute, no "." or ".." component, no "//". */
static bool plain_path(const char *path)
{
	const char *p = path;

	if (path[0] != '/' || !strcmp(path, "/") || strlen(path) > 1024)
		return false;
	while (p && *p) {
		const char *next = strchr(p + 1, '/');
		size_t len = next ? (size_t)(next - p - 1) : strlen(p + 1);

		if (len == 0 || (len == 1 && p[1] == '.') ||
		    (len == 2 && p[1] == '.' && p[2] == '.'))
			return false;
		p = next;
	}
	return true;
}

/*
 * path with each run of '/' made one and no '/' at the end ("/tmp//a/" is
 * "/tmp/a": TMPDIR=/tmp/ is common); NULL if out of memory.
 */
static char *squeeze_slashes(const char *path)
{
	char *s = strdup(path), *w = s;
	const char *r;

	if (!s)
		return NULL;
	for (r = path; *r; r++)
		if (*r != '/' || w == s || w[-1] != '/')
			*w++ = *r;
	if (w - s > 1 && w[-1] == '/')
		w--;
	*w = '\0';
	return s;
}

static int add_bind(struct sandbox__view *v, const char *path, bool writable)
{
	struct sandbox__bind *b = &v->binds[v->nbinds];
	char *at = squeeze_slashes(path);
	struct stat st;
	int ret;

	if (!at)
		return -ENOMEM;
	ret = plain_path(at) ? 0 : -EINVAL;
	if (!ret && stat(path, &st) < 0)
		ret = errno == ENOENT ? 1 : -errno; /* an absent path adds nothing */
	if (!ret)
		ret = add_parents(v, at);
	if (!ret) {
		b->dst = join(v->root, at);
		ret = b->dst ? 0 : -ENOMEM;
	}
	free(at);
	if (ret)
		return ret > 0 ? 0 : ret;
	b->src = path;
	b->dir = S_ISDIR(st.st_mode);
	b->writable = writable;
	b->keep_flags = locked_flags(path);
	v->nbinds++;
	return 0;
}

int sandbox__view_plan(const struct sandbox *sb, const struct sandbox_spec *spec,
		       struct sandbox__view *v)
{
	const struct sandbox_limits *l = &spec->limits;
	uint64_t kb = l->scratch_kb, inodes = l->scratch_inodes;
	size_t i, cap = 0;
	int ret = 0;

	memset(v, 0, sizeof(*v));
	if (!spec->workdir || spec->workdir[0] != '/')
		return -EINVAL;
	if (spec->profile == SANDBOX_COMPILE) {
		v->workdir = spec->workdir;
		v->made_root = join(spec->workdir, "/.sandbox-root-XXXXXX");
		if (!v->made_root)
			return -ENOMEM;
		if (!mkdtemp(v->made_root)) {
			ret = -errno;
			free(v->made_root);
			v->made_root = NULL;
			return ret;
		}
		v->root = v->made_root;
	} else {
		v->root = spec->workdir;
	}
	/* Each '/' of a path may add a directory: its length bounds their number. */
	for (i = 0; i < spec->npaths; i++)
		cap += strlen(spec->paths[i].path);
	cap += strlen(spec->workdir) + 16;
	v->dirs = calloc(cap, sizeof(char *));
	v->binds = calloc(spec->npaths + 2, sizeof(*v->binds));
	if (!v->workdir)
		v->scratch = join(v->root, SANDBOX_SCRATCH);
	if (!v->dirs || !v->binds || (!v->workdir && !v->scratch)) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = add_bind(v, "/dev/null", true);
	for (i = 0; !ret && i < spec->npaths; i++)
		ret = add_bind(v, spec->paths[i].path,
			       (spec->paths[i].access & SANDBOX_WRITE) != 0);
	if (!ret && v->workdir)
		ret = add_bind(v, v->workdir, true);
	if (ret)
		goto fail;
	if (v->workdir)
		return 0;
	if (!kb) {
		kb = 4 * l->file_kb;
		if (kb < SCRATCH_KB_MIN)
			kb = SCRATCH_KB_MIN;
	}
	if (!inodes)
		inodes = SCRATCH_INODES_DEFAULT;
	snprintf(v->scratch_opts, sizeof(v->scratch_opts),
		 "size=%lluk,nr_inodes=%llu,mode=0700%s",
		 (unsigned long long)kb, (unsigned long long)inodes,
		 sb->root ? ",uid=" NOBODY_STR ",gid=" NOBODY_STR : "");
	return 0;
fail:
	sandbox__view_release(v);
	return ret;
}

void sandbox__view_release(struct sandbox__view *v)
{
	size_t i;

	if (v->made_root) {
		rmdir(v->made_root);
		free(v->made_root);
	}

	for (i = 0; v->dirs && i < v->ndirs; i++)
		free(v->dirs[i]);
	for (i = 0; v->binds && i < v->nbinds; i++)
		free(v->binds[i].dst);
	free(v->dirs);
	free(v->binds);
	free(v->scratch);
	memset(v, 0, sizeof(*v));
}

SANDBOX__CHILD static int sys(long r)
{
	return r < 0 ? -errno : 0;
}

SANDBOX__CHILD static int make_mount_point(const struct sandbox__bind *b)
{
	int fd;

	if (b->dir)
		return mkdir(b->dst, 0755) < 0 && errno != EEXIST ? -errno : 0;
	fd = open(b->dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	close(fd);
	return 0;
}

SANDBOX__CHILD static int bind_one(const struct sandbox__bind *b)
{
	unsigned long ro = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | b->keep_flags;
	int ret = make_mount_point(b);

	if (!ret)
		ret = sys(mount(b->src, b->dst, NULL, MS_BIND, NULL));
	/* /dev/null stays a device; everything else is read-only, no set-id. */
	if (!ret && !b->writable)
		ret = sys(mount(NULL, b->dst, NULL, ro | MS_NODEV, NULL));
	else if (!ret)
		ret = sys(mount(NULL, b->dst, NULL,
				MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NOEXEC | b->keep_flags, NULL));
	return ret;
}

/*
 * The order matters: nothing propagates back to the host (private), the new
 * root is a mount point (its own tmpfs), the old root is detached from the
 * new one before the program can look, and the new root is read-only once
 * built.
 */
SANDBOX__CHILD int sandbox__view_enter(const struct sandbox__view *v, int *scratch_fd,
				       enum sandbox__step *step)
{
	size_t i;
	int ret;

	*step = SANDBOX__STEP_MOUNT_PRIVATE;
	ret = sys(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	if (!ret) {
		*step = SANDBOX__STEP_MOUNT_ROOT;
		ret = sys(mount("grader-root", v->root, "tmpfs", MS_NOSUID | MS_NODEV,
				ROOT_TMPFS_OPTS));
	}
	for (i = 0; !ret && i < v->ndirs; i++) {
		*step = SANDBOX__STEP_MOUNT_DIRECTORIES;
		if (mkdir(v->dirs[i], 0755) < 0 && errno != EEXIST)
			ret = -errno;
	}
	for (i = 0; !ret && i < v->nbinds; i++) {
		*step = SANDBOX__STEP_MOUNT_BIND;
		ret = bind_one(&v->binds[i]);
	}
	if (!ret && v->scratch) {
		*step = SANDBOX__STEP_MOUNT_SCRATCH;
		ret = sys(mkdir(v->scratch, 0755));
		if (!ret)
			ret = sys(mount("grader-scratch", v->scratch, "tmpfs",
					MS_NOSUID | MS_NODEV | MS_NOEXEC, v->scratch_opts));
	}
	if (!ret) {
		*step = SANDBOX__STEP_MOUNT_PIVOT;
		ret = sys(chdir(v->root));
		if (!ret)
			ret = sys(syscall(SYS_pivot_root, ".", "."));
		if (!ret)
			ret = sys(umount2(".", MNT_DETACH));
		if (!ret)
			ret = sys(chdir("/"));
	}
	if (!ret) {
		*step = SANDBOX__STEP_MOUNT_READ_ONLY;
		ret = sys(mount(NULL, "/", NULL,
				MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL));
	}
	if (!ret && v->workdir) {
		*step = SANDBOX__STEP_WORKING_DIRECTORY;
		return sys(chdir(v->workdir));
	}
	if (!ret) {
		*step = SANDBOX__STEP_MOUNT_SCRATCH;
		ret = sys(chdir(SANDBOX_SCRATCH));
	}
	if (!ret) {
		*scratch_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (*scratch_fd < 0)
			ret = -errno;
	}
	return ret;
}

/*
 * Empties the bounding set, so that no exec gives a capability back (root's
 * exec included), clears the ambient set, and then either switches to
 * nobody (switch_user: the caller is root) or empties the capability sets
 * (a user namespace's full set).
 */
SANDBOX__CHILD int sandbox__drop_privileges(bool privileged, bool switch_user)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	unsigned long cap;

	/* An unprivileged caller has nothing to drop, and may not drop it. */
	for (cap = 0; privileged && cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	if (switch_user) {
		gid_t gid = SANDBOX__NOBODY;

		if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
		    setresuid(SANDBOX__NOBODY, SANDBOX__NOBODY, SANDBOX__NOBODY) < 0)
			return -errno;
	}
	memset(data, 0, sizeof(data));
	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

/*
 * Whether a child can build a view here: a mount namespace (as root, or
 * through a user namespace), a tmpfs and pivot_root. Tried once, in a
 * throwaway child, on /tmp of its own namespace.
 */
static bool try_view(int flags, uid_t uid, gid_t gid)
{
	pid_t pid = (pid_t)syscall(SYS_clone, SIGCHLD | flags, NULL, NULL, NULL, 0);
	int status;

	if (pid < 0)
		return false;
	if (pid == 0) {
		if ((flags & CLONE_NEWUSER) && sandbox__map_ids(uid, gid))
			_exit(1);
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("grader-probe", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=16k") < 0 ||
		    chdir("/tmp") < 0 || mkdir("scratch", 0700) < 0 ||
		    syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0)
			_exit(1);
		_exit(0);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

void sandbox__view_probe(struct sandbox *sb)
{
	if (sb->root && try_view(CLONE_NEWNS, sb->uid, sb->gid)) {
		sb->mountns = true;
		return;
	}
	if (try_view(CLONE_NEWNS | CLONE_NEWUSER, sb->uid, sb->gid)) {
		sb->mountns = true;
		sb->mountns_userns = true;
	}
}
