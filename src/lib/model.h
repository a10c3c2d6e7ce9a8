/* The concrete shapes behind the public opaque types. Backends fill them;
 * the accessors in model.c read them. */
#ifndef BERTH_MODEL_H
#define BERTH_MODEL_H

#include "internal.h"

struct berth_spec {
	char *image;
	char *name;
	strv cmd;
	bool has_cmd;
	strv env;         /* "KEY=VALUE" */
	strv label_keys;  /* sorted by key, unique */
	strv label_values;
};

struct berth_version {
	berth_engine engine;
	char *server, *api, *min_api, *os, *arch, *kernel, *raw;
};

struct berth_info {
	char *name, *server_version, *os, *kernel, *storage_driver, *cgroup_driver, *cgroup_version, *raw;
	int64_t containers, running, paused, stopped, images, ncpu, mem_total;
};

struct berth_container_info {
	char *id, *name, *image, *image_id, *error, *created, *started_at, *finished_at, *raw;
	berth_state state;
	bool running, oom_killed;
	int exit_code;
	int64_t pid;
	strv cmd;
	strv env;
	strv label_keys;   /* sorted by key */
	strv label_values;
};

typedef struct berth_container_entry {
	char *id, *name, *image, *command, *status, *ports;
	berth_state state;
	int64_t created;
	strv label_keys;   /* sorted by key */
	strv label_values;
} berth_container_entry;

struct berth_container_list {
	berth_container_entry *items;
	size_t len;
};

/* Map an engine's state word to berth_state ("configured" -> created, ...). */
berth_state state_from_string(const char *s);

/* Insert or replace key in sorted parallel vectors. 0 or -ENOMEM. */
int labels_set(strv *keys, strv *values, const char *key, const char *value);
/* Index of key, or -1. */
ssize_t labels_find(const strv *keys, const char *key);

#endif
