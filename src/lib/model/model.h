/* The concrete shapes behind the public opaque types. Backends fill them;
 * the accessors in model.c read them. */
#ifndef BERTH_MODEL_H
#define BERTH_MODEL_H

#include "lib/internal.h"

/* ---- the spec (spec.c builds it, engines render it) ---------------------- */

typedef enum spec_mount_kind {
	SPEC_MOUNT_BIND,
	SPEC_MOUNT_VOLUME,     /* source NULL: anonymous */
	SPEC_MOUNT_TMPFS,
} spec_mount_kind;

typedef struct spec_mount {
	spec_mount_kind kind;
	char *source;          /* host path, volume name, NULL */
	char *target;          /* absolute, without a trailing '/' */
	bool read_only;
	char *options;         /* normalized comma list, NULL when none */
} spec_mount;

typedef struct spec_port {
	char *host_ip;         /* NULL: every address */
	int host_port;         /* 0: the engine picks */
	int container_port;
	berth_proto proto;
} spec_port;

typedef struct spec_ulimit {
	const char *name;      /* static, from the table of names */
	int64_t soft, hard;    /* -1: unlimited */
} spec_ulimit;

typedef struct spec_device {
	char *host, *container;
	char perms[4];
} spec_device;

typedef enum spec_health_mode {
	SPEC_HEALTH_IMAGE = 0, /* the image's, untouched */
	SPEC_HEALTH_SET,
	SPEC_HEALTH_NONE,      /* disabled */
} spec_health_mode;

struct berth_spec {
	char *image;
	berth_pull_policy pull;  /* not hashed: how the image comes, not what runs */
	char *name;
	strv cmd;
	bool has_cmd;
	strv entrypoint;
	bool has_entrypoint;  /* an empty one clears the image's */
	strv env;             /* "KEY=VALUE", in order */
	strv label_keys;      /* sorted by key, unique */
	strv label_values;
	char *workdir, *user, *hostname;
	bool tty, stdin_open, privileged, read_only_rootfs, auto_remove;
	bool stdin_once;      /* an attach's end of stdin closes it (exec.h) */
	bool init, has_init;
	int stop_signal;      /* 0: the image's */
	int stop_timeout;     /* -1: the engine's */
	char *pid_mode, *ipc_mode, *network_mode;
	strv network_aliases; /* names on the user network of network_mode, in order, unique */
	spec_mount *mounts;   /* in order, unique targets */
	size_t n_mounts;
	spec_port *ports;     /* in order */
	size_t n_ports;
	strv extra_hosts;     /* "name:ip", in order */
	strv dns;
	strv group_add;       /* --group-add: group names or ids, in order */
	strv cap_add, cap_drop; /* "CAP_X" or "ALL", sorted, unique */
	spec_ulimit *ulimits; /* sorted by name, unique */
	size_t n_ulimits;
	spec_device *devices;
	size_t n_devices;
	strv sysctl_keys, sysctl_values;  /* sorted by key */
	strv security_opts;
	berth_restart_policy restart;
	int restart_max;
	bool has_restart;
	spec_health_mode health;
	strv health_test;     /* empty: the image's test */
	int64_t health_interval_ms, health_timeout_ms, health_start_period_ms;
	int health_retries;
	int64_t memory, memory_swap, nano_cpus, cpu_shares, pids_limit, shm_size; /* 0: unset */
	char *log_driver;
	strv log_opt_keys, log_opt_values; /* sorted by key */
};

/* The checks across fields, run before a spec is used. 0 or BERTH_EINVAL. */
int spec_check(const berth_spec *spec, berth_error *err);

/* Names of the Linux capabilities, by number (CAP_LAST_CAP 40). */
#define CAP_NAMES_COUNT 41
extern const char *const cap_names[CAP_NAMES_COUNT];

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
/* qsort order of berth_container_info.ports: container port, protocol,
 * host address. */
int port_info_cmp(const void *a, const void *b);

struct berth_container_info {
	char *id, *name, *image, *image_id, *error, *created, *started_at, *finished_at, *raw;
	berth_state state;
	bool running, oom_killed, tty;
	bool stdin_open;
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
	berth_health health;     /* NONE: no check, or the engine does not say */
	int64_t created;
	strv label_keys;   /* sorted by key */
	strv label_values;
} berth_container_entry;

struct berth_container_list {
	berth_container_entry *items;
	size_t len;
};

/* Docker's suffix of a list status for a health ("" for NONE). */
const char *health_status_suffix(berth_health h);

struct berth_prune_result {
	strv ids;
	uint64_t space_reclaimed;
};

/* ---- images (image.c; engines fill them) ---------------------------------- */

typedef struct berth_image_entry {
	char *id;
	strv tags, digests;
	int64_t size, created;
	strv label_keys, label_values;  /* sorted by key */
} berth_image_entry;

struct berth_image_list {
	berth_image_entry *items;
	size_t len;
};

struct berth_image_info {
	char *id, *architecture, *os, *created, *user, *workdir, *raw;
	strv tags, digests, entrypoint, cmd, env, exposed_ports;
	strv label_keys, label_values;  /* sorted by key */
	bool has_healthcheck;
	strv hc_test;
	int64_t hc_interval_ms, hc_timeout_ms, hc_start_period_ms;
	int hc_retries;
};

void image_entry_release(berth_image_entry *e);

/* An image's history, newest first (berth_image_history_get). */
typedef struct history_entry {
	char *id, *created_by, *comment;
	int64_t created, size;
} history_entry;

struct berth_image_history {
	history_entry *items;
	size_t len;
};

/* A search's repositories (berth_image_search). */
typedef struct search_entry {
	char *name, *description;
	int64_t stars;
	bool official, automated;
} search_entry;

struct berth_search_result {
	search_entry *items;
	size_t len, cap;
};

/* Append an entry (copies; description NULL is ""). 0 or -ENOMEM. */
int search_result_add(berth_search_result *r, const char *name, const char *description, int64_t stars,
		      bool official, bool automated);

/* One line of a pull's progress (the frame item of berth_image_pull). */
struct berth_image_progress {
	berth_progress_phase phase;
	char *layer, *message, *digest, *image_id;  /* never NULL once filled */
	int64_t current, total;                      /* -1: not said */
};
void image_progress_reset(berth_image_progress *p);
/* Reset p and fill it for one phase: the message from fmt, the layer as
 * Docker shows it (the digest's first 12 hex digits; "" for none), digest
 * and image id "". 0 or -ENOMEM. */
int image_progress_fill(berth_image_progress *p, berth_progress_phase phase, const char *layer_digest,
			const char *fmt, ...) _printf_(4, 5);

/* Map an engine's state word to berth_state ("configured" -> created, ...). */
berth_state state_from_string(const char *s);

/* Insert a copy of s at position at (<= v->len). 0 or -ENOMEM. */
int strv_insert(strv *v, size_t at, const char *s);
/* Insert or replace key in sorted parallel vectors. 0 or -ENOMEM. */
int labels_set(strv *keys, strv *values, const char *key, const char *value);
/* Index of key, or -1. */
ssize_t labels_find(const strv *keys, const char *key);

#endif
