/*
 * Starter for user-registry: compiles, but stores nothing yet.
 * Replace the bodies; see statement.md for the rules. You may use cJSON
 * (#include <cjson/cJSON.h>) for the JSON file.
 */
#include <stddef.h>

#include "user_registry.h"

registry *registry_create(void)
{
	return NULL;
}

void registry_destroy(registry *r)
{
	(void)r;
}

reg_status registry_add(registry *r, int id, const char *name, const char *email,
			const char *const *roles, size_t nroles)
{
	(void)r;
	(void)id;
	(void)name;
	(void)email;
	(void)roles;
	(void)nroles;
	return REG_NO_MEMORY;
}

reg_status registry_remove(registry *r, int id)
{
	(void)r;
	(void)id;
	return REG_NOT_FOUND;
}

const user *registry_get_by_id(const registry *r, int id)
{
	(void)r;
	(void)id;
	return NULL;
}

const user *registry_get_by_email(const registry *r, const char *email)
{
	(void)r;
	(void)email;
	return NULL;
}

size_t registry_count(const registry *r)
{
	(void)r;
	return 0;
}

size_t registry_list(const registry *r, const user **out, size_t max)
{
	(void)r;
	(void)out;
	(void)max;
	return 0;
}

int user_id(const user *u)
{
	(void)u;
	return 0;
}

const char *user_name(const user *u)
{
	(void)u;
	return NULL;
}

const char *user_email(const user *u)
{
	(void)u;
	return NULL;
}

size_t user_role_count(const user *u)
{
	(void)u;
	return 0;
}

const char *user_role(const user *u, size_t i)
{
	(void)u;
	(void)i;
	return NULL;
}

bool user_has_role(const user *u, const char *role)
{
	(void)u;
	(void)role;
	return false;
}

reg_status registry_set_name(registry *r, int id, const char *name)
{
	(void)r;
	(void)id;
	(void)name;
	return REG_NOT_FOUND;
}

reg_status registry_add_role(registry *r, int id, const char *role)
{
	(void)r;
	(void)id;
	(void)role;
	return REG_NOT_FOUND;
}

reg_status registry_remove_role(registry *r, int id, const char *role)
{
	(void)r;
	(void)id;
	(void)role;
	return REG_NOT_FOUND;
}

reg_status registry_save_json(const registry *r, const char *path)
{
	(void)r;
	(void)path;
	return REG_IO_ERROR;
}

reg_status registry_load_json(registry *r, const char *path)
{
	(void)r;
	(void)path;
	return REG_NOT_FOUND;
}
