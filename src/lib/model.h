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

/* One published port: a container port bound to a host address. */
typedef struct berth_port_binding {
	int container_port;
	char *protocol;
	char *host_ip;
	int host_port;
} berth_port_binding;

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
	berth_port_binding *ports; /* sorted (see ports_sort) */
	size_t port_count;
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

struct berth_prune_result {
	strv ids;
	uint64_t space_reclaimed;
};

/* Release the bindings and leave an empty list. */
void ports_release(berth_port_binding **ports, size_t *count);
/* Order bindings by container port, protocol, host address, host port. */
void ports_sort(berth_port_binding *ports, size_t count);

/* Map an engine's state word to berth_state ("configured" -> created, ...). */
berth_state state_from_string(const char *s);

/* Insert or replace key in sorted parallel vectors. 0 or -ENOMEM. */
int labels_set(strv *keys, strv *values, const char *key, const char *value);
/* Index of key, or -1. */
ssize_t labels_find(const strv *keys, const char *key);

#endif
