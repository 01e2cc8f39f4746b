/*
 * spool.h: reports waiting for webhook delivery, one file per delivery id.
 *
 * A report is written here, atomically, before the first attempt to
 * deliver it, and removed only after the receiver answered 2xx: a grader
 * killed mid-delivery, a receiver that is down or one that refuses loses
 * nothing, and 'grader deliver' re-sends what is left under the same
 * delivery id. An entry holds the URL, the CA file, the delivery id and
 * the exact body; never the signing secret.
 *
 * Each entry is locked (flock) by whoever is delivering it, so that two
 * graders never send the same entry at once; a lock dies with its process.
 */
#ifndef GRADER_SPOOL_H
#define GRADER_SPOOL_H

#ifndef GRADER_LAYER_DELIVER
#error "a header of grader/deliver/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define SPOOL_BODY_MAX (16u << 20)

struct spool_entry {
	char *id;          /* the delivery id: letters, digits and '-' */
	char *url;
	char *ca_file;     /* NULL: the system's CA certificates */
	char *created;     /* when it was spooled, UTC */
	char *body;
	size_t body_len;
	char *path;        /* the entry's file */
	int lock_fd;       /* holds the entry's lock; -1 when none */
};

#define SPOOL_ENTRY_INIT { NULL, NULL, NULL, NULL, NULL, 0, NULL, -1 }

/*
 * The spool directory, allocated: $GRADER_SPOOL_DIR, else
 * $XDG_STATE_HOME/grader/spool, else $HOME/.local/state/grader/spool.
 * NULL when none of these is set.
 */
char *spool_dir(void);

/* Whether id can name an entry (1 to 64 of [A-Za-z0-9-]). */
bool spool_valid_id(const char *id);

/*
 * Writes e (id, url, ca_file, body) into dir, creating dir (mode 0700) if
 * needed, and leaves it locked by e->lock_fd; sets e->path. The file
 * appears complete or not at all. Returns 0 or -errno (err says what).
 */
int spool_put(const char *dir, struct spool_entry *e, struct strbuf *err);

/* The ids of the entries in dir, sorted; the caller frees each and the array. */
int spool_list(const char *dir, char ***ids, size_t *n);

/*
 * Locks and reads the entry id of dir into e. Returns 0; -EAGAIN when
 * another process holds it; -ENOENT when it is gone; -EINVAL when the file
 * is not a spool entry (err says why); another -errno.
 */
int spool_load(const char *dir, const char *id, struct spool_entry *e, struct strbuf *err);

/* Removes a locked entry (after delivery). Returns 0 or -errno. */
int spool_remove(struct spool_entry *e);

/* Unlocks and frees what e holds; e can be reused. */
void spool_entry_release(struct spool_entry *e);

#endif /* GRADER_SPOOL_H */
