/* The record of a services file (the Compose format, the subset berth
 * takes): what parse/compose_yaml.c makes of the YAML after interpolation,
 * and what api/compose.c turns into specs, volumes and networks. Plain
 * data: every string is owned by the record (NULL: not given), every list
 * in file order unless it says otherwise. compose_project_release() frees
 * it all. */
#ifndef BERTH_COMPOSE_MODEL_H
#define BERTH_COMPOSE_MODEL_H

#include "lib/internal.h"

typedef enum compose_cond {
	COMPOSE_COND_STARTED = 0,   /* service_started (and the list form) */
	COMPOSE_COND_HEALTHY,       /* service_healthy */
	COMPOSE_COND_COMPLETED,     /* service_completed_successfully */
} compose_cond;

typedef struct compose_dep {
	char *service;
	compose_cond condition;
	bool required;              /* default true */
	bool restart;               /* depends_on.X.restart (default false) */
} compose_dep;

typedef enum compose_mount_kind {
	COMPOSE_MOUNT_VOLUME = 0,   /* source NULL: anonymous */
	COMPOSE_MOUNT_BIND,         /* source: a path as written ("./data", "/srv", "~/x") */
	COMPOSE_MOUNT_TMPFS,
} compose_mount_kind;

typedef struct compose_mount {
	compose_mount_kind kind;
	char *source;
	char *target;               /* absolute */
	bool read_only;
	int64_t tmpfs_size;         /* bytes, 0: the engine's default (tmpfs only) */
} compose_mount;

typedef struct compose_port {
	char *host_ip;              /* NULL: every address */
	int host_port;              /* 0: the engine picks */
	int container_port;
	char proto[4];              /* "tcp" or "udp" */
} compose_port;

typedef struct compose_ulimit {
	char *name;                 /* "nofile", "memlock", ... as written */
	int64_t soft, hard;         /* -1: unlimited */
} compose_ulimit;

typedef struct compose_net_ref {
	char *name;                 /* the key under the service's networks */
	strv aliases;
} compose_net_ref;

typedef struct compose_health {
	bool given;                 /* a healthcheck: key was there */
	bool disable;               /* disable: true, or test: ["NONE"] */
	strv test;                  /* as the Docker API takes it: "CMD" or
	                               "CMD-SHELL" first (a plain string becomes
	                               CMD-SHELL + the string); empty: the image's */
	int64_t interval_ms, timeout_ms, start_period_ms; /* 0: not given */
	int retries;                /* 0: not given */
} compose_health;

typedef struct compose_service {
	char *name;
	int line;                   /* where its key is in the file (1-based) */
	int column;                 /* and its column (1-based), for messages */
	char *image;
	char *container_name;
	strv command;               /* has_command: given (maybe empty) */
	bool has_command;
	strv entrypoint;
	bool has_entrypoint;
	strv env_keys, env_values;  /* environment, in order; a value NULL: "KEY"
	                               alone (taken from the environment by the
	                               caller, left out when unset) */
	strv env_files;             /* env_file paths as written */
	strv label_keys, label_values;
	compose_port *ports;
	size_t n_ports;
	compose_mount *mounts;      /* volumes: and tmpfs: together, in order */
	size_t n_mounts;
	compose_health health;
	compose_dep *deps;
	size_t n_deps;
	char *restart;              /* "no", "always", "on-failure[:N]", "unless-stopped" */
	compose_net_ref *networks;  /* none: the project's default network */
	size_t n_networks;
	char *network_mode;
	int64_t stop_grace_ms;      /* -1: not given */
	char *stop_signal;
	char *user, *working_dir, *hostname;
	strv cap_add, cap_drop;
	compose_ulimit *ulimits;
	size_t n_ulimits;
	int64_t mem_limit;          /* bytes, 0: not given */
	double cpus;                /* 0: not given */
	int init;                   /* -1: not given, else 0/1 */
	bool read_only;
	strv extra_hosts;           /* "name:ip" */
	char *pull_policy;          /* "always", "missing", "never", "if_not_present", "build" refused */
	bool privileged;
	strv dns;
	bool tty, stdin_open;
} compose_service;

typedef struct compose_volume {
	char *key;                  /* the key under top-level volumes */
	char *name;                 /* name: (NULL: PROJECT_KEY) */
	bool external;
	char *driver;               /* NULL: local */
	strv opt_keys, opt_values;  /* driver_opts */
	strv label_keys, label_values;
} compose_volume;

typedef struct compose_network {
	char *key;
	char *name;                 /* name: (NULL: PROJECT_KEY) */
	bool external, internal;
	char *driver;               /* NULL: bridge */
	char *subnet, *gateway;     /* ipam.config[0] */
	strv label_keys, label_values;
} compose_network;

typedef struct compose_project {
	char *name;                 /* top-level name:, NULL when not given */
	compose_service *services;  /* sorted by name */
	size_t n_services;
	compose_volume *volumes;    /* sorted by key */
	size_t n_volumes;
	compose_network *networks;  /* sorted by key */
	size_t n_networks;
	strv warnings;              /* "FILE:LINE: ..." for keys taken but
	                               without effect (version:) */
} compose_project;

void compose_project_release(compose_project *p);
void compose_service_release(compose_service *s);
void compose_volume_release(compose_volume *v);
void compose_network_release(compose_network *n);
/* The service of that name, or NULL. */
const compose_service *compose_project_service(const compose_project *p, const char *name);
/* The same content, line and column of services and warnings aside (the
 * round trip of compose_yaml_emit() and the tests). */
bool compose_project_equal(const compose_project *a, const compose_project *b);

#endif
