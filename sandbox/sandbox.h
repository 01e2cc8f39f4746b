/*
 * sandbox.h: run one untrusted program under limits, and say how it ended.
 *
 * The sandbox knows nothing about exercises. A caller prepares a struct
 * sandbox once (it probes the kernel and builds the seccomp programs), then
 * calls sandbox_run() once per program; sandbox_run() is safe to call from
 * several threads at once on the same struct sandbox.
 *
 * Two profiles:
 *  - SANDBOX_RUN: one process, no fork, exec or threads; a seccomp allowlist
 *    that also filters the arguments of multiplexed calls; no capabilities.
 *    Where the kernel allows a mount namespace (through a user namespace when
 *    not root), the program sees a minimal file system: a read-only root
 *    holding only the paths the caller lists and /dev/null, and its working
 *    directory, /scratch, a fresh tmpfs bounded in bytes and inodes. Landlock
 *    limits it further to the same paths. Spawned with a vfork-style clone.
 *  - SANDBOX_COMPILE: a process tree (a compiler driver and its passes) in its
 *    own PID namespace where the kernel allows one, so that killing the first
 *    process kills all; a seccomp allowlist for compilers; the same Landlock
 *    rules.
 *
 * Functions return 0 or a negative errno; they never print.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sandbox_profile {
	SANDBOX_RUN,
	SANDBOX_COMPILE,
};

/* Access a listed path gets; a directory's rights apply beneath it. */
#define SANDBOX_READ 1u  /* read files, list directories */
#define SANDBOX_WRITE 2u /* create, write, truncate, remove */
#define SANDBOX_EXEC 4u  /* execute files */

struct sandbox_path {
	const char *path;
	unsigned access;
};

struct sandbox_limits {
	/*
	 * The working directory's tmpfs under a mount namespace (0: 4x file_kb,
	 * at least 1 MiB; 0 inodes: 4096). Without one, only file_kb bounds.
	 */
	uint64_t scratch_kb;
	uint64_t scratch_inodes;
	uint64_t cpu_ms;         /* CPU time of the whole tree; 0: none */
	uint64_t wall_ms;        /* wall clock; 0: none */
	uint64_t idle_ms;        /* stopped after this long without using CPU; 0: never */
	uint64_t memory_kb;      /* address space per process; 0: none */
	/*
	 * Peak resident memory, polled every 10 ms: the program is stopped
	 * (SANDBOX_MEMORY_LIMIT) once it is over. For programs whose address
	 * space cannot be bounded (AddressSanitizer reserves terabytes of
	 * shadow); it may overshoot by what a program touches in 10 ms. 0: none.
	 */
	uint64_t rss_kb;
	uint64_t file_kb;        /* largest file the program may write */
	uint64_t stack_kb;       /* 0: the inherited limit */
	unsigned open_files;     /* 0: 32 */
	size_t output_cap;       /* bytes kept and allowed on stdout and on stderr */
	size_t channel_cap;      /* bytes allowed on the channel (fd 3) */
};

struct sandbox_spec {
	enum sandbox_profile profile;
	const char *exe;             /* absolute path of the program */
	char *const *argv;           /* argv[0] included; NULL-terminated */
	char *const *envp;           /* NULL: an empty environment */
	/*
	 * Working directory, read-write. Under a mount namespace (run profile)
	 * it is only the mount point of the program's new root, left empty: the
	 * program works in a tmpfs of its own, which the result hands back.
	 */
	const char *workdir;
	/*
	 * More paths the program may use. Under a mount namespace they are the
	 * only host paths it sees, at the same place, read-only unless
	 * SANDBOX_WRITE; symbolic links are resolved by the caller's view.
	 */
	const struct sandbox_path *paths;
	size_t npaths;
	int stdin_fd;                /* -1: an empty stdin; not closed */
	bool channel;                /* give the program a write end on fd 3 */
	bool merge_stderr;           /* stderr goes to the stdout buffer */
	struct sandbox_limits limits;
	/*
	 * Optional: a CPU limit in ms the caller may set while the program
	 * runs (0: none yet), for a limit known only when another run ends.
	 * The lower of it and limits.cpu_ms applies: limits.cpu_ms is the
	 * backstop, and must be at least as large as any cap the caller sets.
	 */
	const atomic_uint_least64_t *cpu_cap_ms;
};

struct sandbox_buf {
	char *data;     /* NUL-terminated; owned by the result */
	size_t len;     /* bytes kept */
	bool truncated; /* more arrived than was kept */
};

enum sandbox_outcome {
	SANDBOX_EXITED,       /* exit_code is set */
	SANDBOX_SIGNALED,     /* term_signal is set */
	SANDBOX_CPU_LIMIT,
	SANDBOX_WALL_LIMIT,
	SANDBOX_IDLE_LIMIT,   /* no CPU used for idle_ms: sleeping or blocked */
	SANDBOX_OUTPUT_LIMIT, /* stdout, stderr or the channel went past its cap */
	SANDBOX_FORBIDDEN,    /* a denied system call; syscall_name says which */
	SANDBOX_EXEC_FAILED,  /* the program could not start: exec_errno says why
				 (a loader or library it asks for is not there) */
	SANDBOX_MEMORY_LIMIT, /* its resident memory went past limits.rss_kb */
};

struct sandbox_result {
	enum sandbox_outcome outcome;
	int exit_code;
	int term_signal;
	int exec_errno;
	char syscall_name[64];
	double cpu_ms;         /* user + system, measured by the kernel (wait4) */
	double wall_ms;
	long peak_kb;          /* peak resident memory: ru_maxrss where it is the
				  program's own, else polled every 10 ms (a lower
				  bound for a program that ends sooner) */
	struct sandbox_buf out;
	struct sandbox_buf err;
	struct sandbox_buf channel;
	unsigned layers;       /* SANDBOX_LAYER_* that were in force */
	/*
	 * The working directory as the program left it, open for reading
	 * (its tmpfs under a mount namespace, else workdir); -1 if it could not
	 * be opened. Closed by sandbox_result_release().
	 */
	int workdir_fd;
};

/* Isolation layers, as reported to users. */
#define SANDBOX_LAYER_RLIMITS (1u << 0)
#define SANDBOX_LAYER_NO_NEW_PRIVS (1u << 1)
#define SANDBOX_LAYER_SECCOMP (1u << 2)
#define SANDBOX_LAYER_LANDLOCK_FS (1u << 3)
#define SANDBOX_LAYER_LANDLOCK_NET (1u << 4)
#define SANDBOX_LAYER_LANDLOCK_SCOPE (1u << 5)
#define SANDBOX_LAYER_PID_NAMESPACE (1u << 6)
#define SANDBOX_LAYER_NEW_SESSION (1u << 7)
#define SANDBOX_LAYER_CLEAN_ENV (1u << 8)
#define SANDBOX_LAYER_MOUNT_NAMESPACE (1u << 9) /* the minimal view, bounded scratch */
#define SANDBOX_LAYER_NO_CAPABILITIES (1u << 10) /* bounding set emptied, and uid
						    nobody when the caller is root */
/*
 * Foreign-architecture (i386) system calls: exactly one of these two. With
 * IA32 emulation in the kernel, the seccomp architecture check blocks them
 * (the program is stopped, SANDBOX_FORBIDDEN); without it, int 0x80 cannot
 * make a system call at all and the program dies of SIGSEGV.
 */
#define SANDBOX_LAYER_IA32_BLOCKED (1u << 11)
#define SANDBOX_LAYER_IA32_ABSENT (1u << 12)
#define SANDBOX_LAYER_COUNT 13

struct sandbox;

/*
 * Probes the kernel and builds the filters. Returns 0 and sets *out, or a
 * negative errno with a reason in err (the caller's buffer).
 * Fails with -ENOSYS if seccomp is unavailable: grading without it is not safe.
 */
int sandbox_new(struct sandbox **out, char *err, size_t errlen);
void sandbox_free(struct sandbox *sb);

/* Layers a run with this profile will have on this kernel. */
unsigned sandbox_layers(const struct sandbox *sb, enum sandbox_profile profile);
/* Name of one SANDBOX_LAYER_* bit ("seccomp", "landlock-fs", ...). */
const char *sandbox_layer_name(unsigned bit);
/* Whether the kernel runs i386 system calls (int 0x80); probed once by sandbox_new. */
bool sandbox_has_ia32(const struct sandbox *sb);
/* The Landlock ABI the kernel offers (0: none). */
int sandbox_landlock_abi(const struct sandbox *sb);

/*
 * Runs spec and fills res (which the caller releases). Returns 0 when the
 * program ran, whatever its outcome, an exec that failed included
 * (SANDBOX_EXEC_FAILED); a negative errno when the sandbox could not be set
 * up, with a reason in err, and never -EINVAL (callers keep it for bad
 * input; a setup step the kernel refused with EINVAL is -ENOTSUP). The
 * program's whole process tree is gone when this returns.
 *
 * A setup step that failed, on either profile, is named in err as
 * "cannot set up the sandbox: STEP: <strerror>", where STEP is one of these
 * stable names: "clone", "status socket", "user namespace", "setsid",
 * "parent death signal", "descriptors", "mount namespace (private)",
 * "mount namespace (root)", "mount namespace (directories)", "mount
 * namespace (bind)", "mount namespace (scratch)", "mount namespace (pivot)",
 * "mount namespace (read-only root)", "working directory", "rlimits",
 * "capabilities", "no_new_privs", "landlock", "seccomp", "seccomp listener".
 */
int sandbox_run(struct sandbox *sb, const struct sandbox_spec *spec,
		struct sandbox_result *res, char *err, size_t errlen);
void sandbox_result_release(struct sandbox_result *res);

/* The mount point of the working directory inside a minimal view. */
#define SANDBOX_SCRATCH "/scratch"

/* Writes a profile's seccomp policy as readable text (libseccomp's PFC). */
int sandbox_policy_export(enum sandbox_profile profile, int fd);

/* Kills every program running in any sandbox (for Ctrl-C); signal-safe. */
void sandbox_kill_all(void);

/*
 * Confines the calling process, for good, to computing on what it holds:
 * reading and writing descriptors it has open, memory, the clock, and its
 * end. Any other system call (open, socket, clone, execve, kill...) fails
 * with ENOSYS. For a process that parses hostile data on the grader's
 * behalf, forked for it, before it starts parsing. 0, or a negative errno.
 */
int sandbox_confine_compute(void);

#endif /* SANDBOX_H */
