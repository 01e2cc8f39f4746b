/*
 * landlock.c: the file-system, network and scope rules of a run.
 *
 * Debian 12's kernel headers describe Landlock ABI 2; newer rights are
 * defined here by their documented values and used only when the running
 * kernel's ABI has them.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

/* The ABI 6 layout; the kernel reads only the fields its size covers. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

#define LL_FS_FILE_RIGHTS                                                     \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |         \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |         \
	 LANDLOCK_ACCESS_FS_IOCTL_DEV)

int sandbox__landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? 0 : (int)abi;
}

unsigned sandbox__landlock_layers(int abi)
{
	unsigned layers = 0;

	if (abi >= 1)
		layers |= SANDBOX_LAYER_LANDLOCK_FS;
	if (abi >= 4)
		layers |= SANDBOX_LAYER_LANDLOCK_NET;
	if (abi >= 6)
		layers |= SANDBOX_LAYER_LANDLOCK_SCOPE;
	return layers;
}

static uint64_t handled_fs(int abi)
{
	uint64_t all = (1ULL << 13) - 1; /* ABI 1: execute .. make_sym */

	if (abi >= 2)
		all |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		all |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		all |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return all;
}

/*
 * Write access never includes making symlinks, devices, sockets or fifos,
 * nor linking or renaming across directories (REFER): a planted link is how
 * a sandboxed program tricks its supervisor.
 */
static uint64_t rights(unsigned access, int abi)
{
	uint64_t r = 0;

	if (access & SANDBOX_READ)
		r |= LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	if (access & SANDBOX_WRITE)
		r |= LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG |
		     LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
		     LANDLOCK_ACCESS_FS_REMOVE_DIR |
		     (abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0);
	if (access & SANDBOX_EXEC)
		r |= LANDLOCK_ACCESS_FS_EXECUTE;
	return r & handled_fs(abi);
}

static int add_path(int ruleset, const char *path, uint64_t allowed)
{
	struct ll_path_beneath pb;
	struct stat st;
	int fd, ret = 0;

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno; /* an absent path grants nothing */
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out_close;
	}
	if (!S_ISDIR(st.st_mode))
		allowed &= LL_FS_FILE_RIGHTS;
	pb.allowed_access = allowed;
	pb.parent_fd = fd;
	if (allowed && syscall(SYS_landlock_add_rule, ruleset,
			       LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
		ret = -errno;
out_close:
	close(fd);
	return ret;
}

int sandbox__landlock_ruleset(int abi, const struct sandbox_spec *spec)
{
	struct ll_ruleset_attr attr = { 0 };
	size_t attr_size = sizeof(uint64_t);
	int ruleset, ret;
	size_t i;

	if (abi < 1)
		return -EOPNOTSUPP;
	attr.handled_access_fs = handled_fs(abi);
	if (abi >= 4) {
		/* TCP bind and connect are handled and no port is allowed. */
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		attr_size = 2 * sizeof(uint64_t);
	}
	if (abi >= 6) {
		/* No signals to, and no abstract sockets of, processes outside. */
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
		attr_size = sizeof(attr);
	}
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (ruleset < 0)
		return -errno;

	/*
	 * The program, and never what its ELF header names: a dynamic program's
	 * loader is one of the caller's paths, chosen by the caller from a
	 * program it trusts.
	 */
	ret = add_path(ruleset, spec->exe,
		       rights(SANDBOX_EXEC | SANDBOX_READ, abi));
	if (!ret && spec->workdir)
		ret = add_path(ruleset, spec->workdir,
			       rights(SANDBOX_READ | SANDBOX_WRITE, abi));
	for (i = 0; !ret && i < spec->npaths; i++)
		ret = add_path(ruleset, spec->paths[i].path,
			       rights(spec->paths[i].access, abi));
	if (ret < 0) {
		close(ruleset);
		return ret;
	}
	return ruleset;
}

SANDBOX__CHILD int sandbox__landlock_restrict(int ruleset_fd)
{
	return syscall(SYS_landlock_restrict_self, ruleset_fd, 0) < 0 ? -errno : 0;
}

uint64_t sandbox__landlock_rw_rights(int abi)
{
	return rights(SANDBOX_READ | SANDBOX_WRITE, abi);
}

SANDBOX__CHILD int sandbox__landlock_allow_dir(int ruleset_fd, int dir_fd, uint64_t allowed)
{
	struct ll_path_beneath pb = { .allowed_access = allowed, .parent_fd = dir_fd };

	return syscall(SYS_landlock_add_rule, ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0
		       ? -errno
		       : 0;
}
