/*
 * internal.h: what the sandbox's files share. Not installed, not for callers.
 */
#ifndef SANDBOX_INTERNAL_H
#define SANDBOX_INTERNAL_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

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
#define SANDBOX__STATUS_FD 5 /* the status socket to the parent; close-on-exec */

/* The exit status of a child whose setup failed. */
#define SANDBOX__CHILD_FAILED 127

/*
 * The child's setup steps, in the order it takes them. Each has a stable
 * name (sandbox__step_name) that the parent's error message carries.
 */
enum sandbox__step {
	SANDBOX__STEP_NONE,
	SANDBOX__STEP_USER_NAMESPACE,
	SANDBOX__STEP_SETSID,
	SANDBOX__STEP_PARENT_DEATH_SIGNAL,
	SANDBOX__STEP_DESCRIPTORS,
	SANDBOX__STEP_MOUNT_PRIVATE,
	SANDBOX__STEP_MOUNT_ROOT,
	SANDBOX__STEP_MOUNT_DIRECTORIES,
	SANDBOX__STEP_MOUNT_BIND,
	SANDBOX__STEP_MOUNT_SCRATCH,
	SANDBOX__STEP_MOUNT_PIVOT,
	SANDBOX__STEP_MOUNT_READ_ONLY,
	SANDBOX__STEP_WORKING_DIRECTORY,
	SANDBOX__STEP_RLIMITS,
	SANDBOX__STEP_CAPABILITIES,
	SANDBOX__STEP_NO_NEW_PRIVS,
	SANDBOX__STEP_LANDLOCK,
	SANDBOX__STEP_SECCOMP,
	SANDBOX__STEP_SECCOMP_LISTENER,
	SANDBOX__STEP_EXEC,
	SANDBOX__STEP_COUNT
};

/* "rlimits", "mount namespace (bind)", ...; "unknown step" out of range. */
const char *sandbox__step_name(int step);

struct sandbox {
	int landlock_abi;
	bool pidns;                  /* PID namespaces work for the compile profile */
	bool userns;                 /* ... and need a user namespace (not root) */
	bool mountns;                /* the run profile gets a minimal view */
	bool mountns_userns;         /* ... through a user namespace (not root) */
	bool root;                   /* the caller is root: runs switch to nobody */
	uid_t uid;                   /* the caller's ids, for user namespace maps */
	gid_t gid;
	bool ia32;                   /* the kernel has IA32 emulation (int 0x80 works) */
	struct sock_fprog run_prog;  /* allowlist, denied calls notify the parent */
	struct sock_fprog compile_prog; /* allowlist for compilers, denied calls kill */
};

/* policy.c: the only file that uses libseccomp. */
int sandbox__policy_build(enum sandbox_profile profile, struct sock_fprog *prog);
void sandbox__policy_release(struct sock_fprog *prog);
/* A system call the run profile's program waits in until the parent answers. */
enum sandbox__signal_call { SANDBOX__NO_SIGNAL, SANDBOX__KILL, SANDBOX__TGKILL, SANDBOX__TKILL };
struct sandbox__call {
	uint64_t id;
	bool is_exit;      /* exit_group or exit: the program's end, let go on */
	int exit_status;   /* its status, should the call have to be ended for it */
	/*
	 * A signal: kill(pid, sig), tgkill(pid, tid, sig) or tkill(tid, sig),
	 * the program's own arguments (pids as it sees them).
	 */
	enum sandbox__signal_call signal_call;
	long sig_pid;
	long sig_tid;
	int sig;
	char name[64];     /* what a denied call is reported as */
};
/* Reads one notification from listener. 0, or a negative errno. */
int sandbox__notify_receive(int listener, struct sandbox__call *call);
/* Lets the call of notification id go on as if allowed. */
int sandbox__notify_continue(int listener, uint64_t id);
/* Ends the call of notification id without running it: it returns -error (0: 0). */
int sandbox__notify_return(int listener, uint64_t id, int error);

/* landlock.c */
int sandbox__landlock_abi(void);
/* A ruleset fd for spec on this ABI, or a negative errno. */
int sandbox__landlock_ruleset(int abi, const struct sandbox_spec *spec);
unsigned sandbox__landlock_layers(int abi);
SANDBOX__CHILD int sandbox__landlock_restrict(int ruleset_fd);
/* Rights for a directory the program reads and writes, on this ABI. */
uint64_t sandbox__landlock_rw_rights(int abi);
/* In the child: lets the ruleset grant rights beneath the directory dir_fd. */
SANDBOX__CHILD int sandbox__landlock_allow_dir(int ruleset_fd, int dir_fd, uint64_t rights);

/* The unprivileged user a run switches to when the grader is root. */
#define SANDBOX__NOBODY 65534

/*
 * view.c: the minimal file system of a run, planned in the parent (which
 * may allocate) and built in the child (which only makes system calls).
 */
struct sandbox__bind {
	const char *src;          /* a host path (resolved by the host's view) */
	char *dst;                /* root + path */
	bool dir;
	bool writable;
	unsigned long keep_flags; /* the source mount's flags a user namespace must keep */
};

struct sandbox__view {
	const char *root;         /* the mount point of the new root */
	char **dirs;              /* directories to create under root, parents first */
	size_t ndirs;
	struct sandbox__bind *binds;
	size_t nbinds;
	char *scratch;            /* root + SANDBOX_SCRATCH; NULL for a compile */
	char scratch_opts[128];   /* size, inodes, and nobody's ids when root */
	/*
	 * A compile's view: its build directory is bound at its own path,
	 * writable, and is where it works; the new root's mount point is an
	 * empty directory made in it for the run (made_root), removed after.
	 */
	const char *workdir;
	char *made_root;
};

int sandbox__view_plan(const struct sandbox *sb, const struct sandbox_spec *spec,
		       struct sandbox__view *v);
/* After the run: removes the compile view's mount point, frees the plan. */
void sandbox__view_release(struct sandbox__view *v);
/*
 * In the child: builds the view and enters it; sets *scratch_fd. 0 or -errno,
 * with the failed SANDBOX__STEP_MOUNT_* in *step.
 */
SANDBOX__CHILD int sandbox__view_enter(const struct sandbox__view *v, int *scratch_fd,
				       enum sandbox__step *step);
/* Whether this kernel lets a run have its view; sets the sandbox's flags. */
void sandbox__view_probe(struct sandbox *sb);
/*
 * In the child: empties the bounding set (when privileged: root, or a user
 * namespace's owner) and the capability sets, and switches to nobody when
 * switch_user. 0 or -errno.
 */
SANDBOX__CHILD int sandbox__drop_privileges(bool privileged, bool switch_user);

/*
 * spawn.c: in a new user namespace, maps the caller's ids to themselves
 * (and denies setgroups). 0 or -errno.
 */
SANDBOX__CHILD int sandbox__map_ids(uid_t uid, gid_t gid);

/*
 * One message on the status socket, a SOCK_SEQPACKET pair whose child end
 * is close-on-exec, so that the parent reads EOF once the exec happened.
 * error < 0: the step failed with that -errno, and the child exits 127.
 * error == 0 (run profile only): the seccomp listener and, with a view,
 * the scratch directory travel with it as SCM_RIGHTS, just before the exec.
 */
struct sandbox__report {
	int step;  /* enum sandbox__step */
	int error;
};

/* spawn.c: what the child needs, read-only: it may share our memory. */
struct sandbox__child {
	const struct sandbox *sb;
	const struct sandbox_spec *spec;
	int stdin_fd, out_fd, err_fd, chan_fd, exec_fd, status_fd, ruleset_fd;
	const struct sandbox__view *view; /* run profile with a mount namespace */
	uint64_t scratch_rights;  /* Landlock rights on the view's scratch */
};
/*
 * Starts the child; returns its pid or a negative errno. For the run
 * profile (a vfork) it returns once the child has exec'd or exited, so its
 * reports are already queued on the status socket.
 */
int sandbox__spawn(const struct sandbox__child *c);

#endif /* SANDBOX_INTERNAL_H */
