/*
 * without.c: runs a command on a "kernel" without one of the sandbox's
 * layers, by installing a seccomp filter that makes its system calls fail
 * before exec. The filter is inherited by the command and everything it
 * starts, sandboxed programs included.
 *
 * usage: without seccomp|seccomp-load|landlock|userns COMMAND [ARG...]
 *   seccomp    seccomp() fails with ENOSYS (a kernel built without it)
 *   seccomp-load  loading a filter fails with EINVAL (a kernel that rejects
 *              the filter), while the feature probes succeed
 *   landlock   the landlock_* calls fail with ENOSYS (Landlock absent)
 *   userns     unshare and clone with PID, user or mount namespace flags
 *              fail with EPERM
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static int deny(scmp_filter_ctx ctx, const char *name, int err)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 0);
}

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx;
	int ret = 0;

	if (argc < 3) {
		fprintf(stderr,
			"usage: without seccomp|seccomp-load|landlock|userns COMMAND [ARG...]\n");
		return 2;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return 1;
	if (!strcmp(argv[1], "seccomp")) {
		ret = deny(ctx, "seccomp", ENOSYS);
		if (!ret) /* the old interface too */
			ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EINVAL), SCMP_SYS(prctl), 1,
					       SCMP_A0(SCMP_CMP_EQ, PR_SET_SECCOMP));
	} else if (!strcmp(argv[1], "seccomp-load")) {
		/* libseccomp probes with a NULL program; a real one has a pointer. */
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EINVAL), SCMP_SYS(seccomp), 2,
				       SCMP_A0(SCMP_CMP_EQ, 1 /* SECCOMP_SET_MODE_FILTER */),
				       SCMP_A2(SCMP_CMP_NE, 0));
	} else if (!strcmp(argv[1], "landlock")) {
		ret = deny(ctx, "landlock_create_ruleset", ENOSYS);
		if (!ret)
			ret = deny(ctx, "landlock_add_rule", ENOSYS);
		if (!ret)
			ret = deny(ctx, "landlock_restrict_self", ENOSYS);
	} else if (!strcmp(argv[1], "userns")) {
		ret = deny(ctx, "unshare", EPERM);
		if (!ret)
			ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
					       SCMP_A0(SCMP_CMP_MASKED_EQ,
						       CLONE_NEWPID | CLONE_NEWUSER, CLONE_NEWPID));
		if (!ret)
			ret = seccomp_rule_add(
			    ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
			    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
		if (!ret)
			ret = seccomp_rule_add(
			    ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
			    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWNS, CLONE_NEWNS));
	} else {
		fprintf(stderr, "without: unknown layer '%s'\n", argv[1]);
		return 2;
	}
	/*
	 * Foreign-architecture calls pass untouched: libseccomp would kill them,
	 * and the tests run under this wrapper probe whether the kernel runs
	 * them at all (IA32 emulation).
	 */
	if (!ret)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	if (!ret)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
	if (!ret)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret) {
		fprintf(stderr, "without: cannot load the filter: %s\n", strerror(-ret));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "without: cannot run '%s': %s\n", argv[2], strerror(errno));
	return 127;
}
