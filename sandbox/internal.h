/*
 * internal.h: what the sandbox's files share. Not installed, not for callers.
 */
#ifndef SANDBOX_INTERNAL_H
#define SANDBOX_INTERNAL_H

#include <linux/filter.h>

#include "sandbox.h"

/*
 * Code that runs in a vfork child shares the parent's memory, ASan's shadow
 * included: it must not poison or check it, or the parent later trips over
 * stale redzones.
 */
#define SANDBOX__CHILD __attribute__((no_sanitize_address))

/* Fixed descriptors in the child, just before exec. */
#define SANDBOX__CHANNEL_FD 3
#define SANDBOX__EXEC_FD 4   /* the program, opened by the parent; close-on-exec */
#define SANDBOX__NOTIFY_FD 5 /* socket to the parent for the seccomp listener */

struct sandbox {
	int landlock_abi;
	bool pidns;                  /* PID namespaces work for the compile profile */
	bool userns;                 /* ... and need a user namespace (not root) */
	bool ia32;                   /* the kernel has IA32 emulation (int 0x80 works) */
	struct sock_fprog run_prog;  /* allowlist, denied calls notify the parent */
	struct sock_fprog compile_prog; /* allowlist for compilers, denied calls kill */
};

/* policy.c: the only file that uses libseccomp. */
int sandbox__policy_build(enum sandbox_profile profile, struct sock_fprog *prog);
void sandbox__policy_release(struct sock_fprog *prog);
/* Reads one notification from listener and names its system call. */
int sandbox__notify_name(int listener, char *name, size_t len);

/* landlock.c */
int sandbox__landlock_abi(void);
/* A ruleset fd for spec on this ABI, or a negative errno. */
int sandbox__landlock_ruleset(int abi, const struct sandbox_spec *spec);
unsigned sandbox__landlock_layers(int abi);
SANDBOX__CHILD int sandbox__landlock_restrict(int ruleset_fd);

/* spawn.c: starts the child; returns its pid or a negative errno. */
struct sandbox__child {
	const struct sandbox *sb;
	const struct sandbox_spec *spec;
	int stdin_fd, out_fd, err_fd, chan_fd, exec_fd, notify_fd, ruleset_fd;
	int status_fd;      /* compile profile: close-on-exec pipe for -errno */
	volatile int error; /* run profile: -errno of a failed step (shared memory) */
	const char *step;   /* the step that failed */
};
int sandbox__spawn(struct sandbox__child *c);

#endif /* SANDBOX_INTERNAL_H */
