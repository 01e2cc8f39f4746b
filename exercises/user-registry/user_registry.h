/*
 * user_registry.h: an in-memory user registry with JSON persistence
 * (exercise user-registry).
 *
 * Users are found by id and by email in O(1) on average, listed in
 * ascending id, and saved to or loaded from a JSON file. The registry
 * copies every string it is given and owns every user it holds.
 */
#ifndef USER_REGISTRY_H
#define USER_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

typedef enum reg_status {
    REG_OK = 0,
    REG_INVALID_ID,      /* id <= 0 */
    REG_INVALID_NAME,    /* NULL or empty */
    REG_INVALID_EMAIL,   /* NULL, or not exactly one '@' with text on both sides */
    REG_INVALID_ROLE,    /* NULL or empty */
    REG_DUPLICATE_ID,
    REG_DUPLICATE_EMAIL,
    REG_NOT_FOUND,       /* no such user; for load: no such file */
    REG_IO_ERROR,        /* the file could not be read or written */
    REG_CORRUPT,         /* the file is not a valid registry document */
    REG_NO_MEMORY
} reg_status;

typedef struct registry registry;
typedef struct user user;            /* owned by the registry */

registry  *registry_create(void);    /* NULL if memory runs out */
void       registry_destroy(registry *r);   /* NULL is a no-op */

reg_status registry_add(registry *r, int id, const char *name, const char *email,
                        const char *const *roles, size_t nroles);
reg_status registry_remove(registry *r, int id);
const user *registry_get_by_id(const registry *r, int id);            /* NULL if absent */
const user *registry_get_by_email(const registry *r, const char *email);
size_t     registry_count(const registry *r);
size_t     registry_list(const registry *r, const user **out, size_t max);
           /* writes the min(max, count) users with the lowest ids to out,
              in ascending id, and returns how many it wrote */

int         user_id(const user *u);
const char *user_name(const user *u);
const char *user_email(const user *u);
size_t      user_role_count(const user *u);
const char *user_role(const user *u, size_t i);   /* first-insertion order */
bool        user_has_role(const user *u, const char *role);

reg_status registry_set_name(registry *r, int id, const char *name);
reg_status registry_add_role(registry *r, int id, const char *role);    /* already held: REG_OK, no change */
reg_status registry_remove_role(registry *r, int id, const char *role); /* not held: REG_OK */

reg_status registry_save_json(const registry *r, const char *path);
reg_status registry_load_json(registry *r, const char *path); /* replaces the contents */

/*
 * registry_add checks, in order: id, name, email, roles, then duplicates
 * (id before email). Every other call taking an id checks id > 0, then its
 * other arguments, then that the user exists. A rejected call changes
 * nothing.
 *
 * The file is a JSON array of objects
 *   {"user_id": int, "name": str, "email": str, "roles": [str, ...]}
 * in ascending id. registry_load_json validates the whole document by the
 * rules of registry_add (anything else is REG_CORRUPT) and, on any error,
 * leaves the registry exactly as it was. registry_save_json never leaves a
 * half-written file: if writing fails, a file already at path is intact.
 */

#endif /* USER_REGISTRY_H */
