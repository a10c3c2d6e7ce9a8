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
	char *create_json;  /* internal: a JSON object merged into the create body
	                       (see spec_set_create_json) */
};

struct berth_version {
	berth_engine engine;
	char *server, *api, *min_api, *os, *arch, *kernel, *raw;
};

struct berth_info {
	char *name, *server_version, *os, *kernel, *storage_driver, *cgroup_driver, *cgroup_version, *raw;
	int64_t containers, running, paused, stopped, images, ncpu, mem_total;
};

/* One run of a health check, as the engine logged it. */
typedef struct health_run {
	char *start, *end, *output;
	int exit_code;
} health_run;

typedef struct mount_info {
	berth_mount_type type;
	char *source, *destination, *volume_name;
	bool read_only;
} mount_info;

typedef struct network_info {
	char *name, *ipv4, *ipv6, *gateway, *mac;
} network_info;

typedef struct port_info {
	int container_port, host_port;
	char proto[8];
	char *host_ip;
} port_info;

struct berth_container_info {
	char *id, *name, *image, *image_id, *error, *created, *started_at, *finished_at, *raw;
	berth_state state;
	bool running, oom_killed, tty;
	int exit_code;
	int64_t pid, restart_count;
	strv cmd;
	strv env;
	strv label_keys;   /* sorted by key */
	strv label_values;
	/* health: the state the engine computed and its last runs (oldest first) */
	berth_health health;
	int failing_streak;
	health_run *health_log;
	size_t health_log_len;
	/* the health check's configuration (Config.Healthcheck) */
	bool has_healthcheck;
	strv hc_test;
	int64_t hc_interval_ms, hc_timeout_ms, hc_start_period_ms;
	int hc_retries;
	mount_info *mounts;      /* in the engine's order; HostConfig.Tmpfs entries last */
	size_t mounts_len;
	network_info *networks;  /* sorted by name */
	size_t networks_len;
	port_info *ports;        /* published only; by container port, proto, host ip */
	size_t ports_len;
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

/* Set the raw create JSON of a spec (internal, for tests until typed
 * setters cover ports and health checks). 0 or BERTH_ENOMEM/EINVAL. */
int spec_set_create_json(berth_spec *spec, const char *json, berth_error *err);

/* Map an engine's state word to berth_state ("configured" -> created, ...). */
berth_state state_from_string(const char *s);

/* Insert or replace key in sorted parallel vectors. 0 or -ENOMEM. */
int labels_set(strv *keys, strv *values, const char *key, const char *value);
/* Index of key, or -1. */
ssize_t labels_find(const strv *keys, const char *key);

#endif
