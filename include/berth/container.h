/* berth — containers: create, start, stop, remove, inspect, list.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_CONTAINER_H
#define BERTH_CONTAINER_H

#include <berth/client.h>
#include <berth/spec.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The container spec (berth_spec and its setters) lives in <berth/spec.h>. */

/* ---- signals ------------------------------------------------------------ */

/**
 * Read a signal: a name with or without "SIG" in any case ("TERM",
 * "SIGTERM", "sigterm"), a number from 1 to 64 ("15"), or a real-time
 * signal as "RTMIN", "RTMIN+N", "RTMAX-N", "RTMAX" (SIGRTMIN is 34 and
 * SIGRTMAX 64, as the engines count them). *out is untouched on failure.
 * @return 0; BERTH_EINVAL (unknown name, number out of range, out NULL).
 */
BERTH_API int berth_signal_parse(int *out, const char *name, berth_error *err);

/** The name of signal sig as the engines write it ("SIGTERM",
 *  "SIGRTMIN+3", "SIGRTMAX-1"); NULL for numbers without a name. Static. */
BERTH_API const char *berth_signal_name(int sig);

/* ---- lifecycle -------------------------------------------------------- */

/**
 * Create a container from a spec (the image must be present: berth does not
 * pull here). *out_id gets the full id; free it with berth_free().
 * The checks that involve several fields of the spec run first, before any
 * request: memory swap without or below the memory limit, auto-remove with
 * a restart policy, published ports, DNS servers or extra hosts with a
 * network mode that cannot have them, a hostname with another container's
 * network, net.* sysctls with the host network.
 * @return 0; BERTH_EINVAL (a check above, or the engine refused a value);
 *   BERTH_EUNSUPPORTED (this engine cannot honour a field as asked; the
 *   message names it, see <berth/spec.h>); BERTH_ENOTFOUND (no such image);
 *   BERTH_EEXISTS (the name is taken); transport errors.
 */
BERTH_API int berth_container_create(char **out_id, berth_client *client, const berth_spec *spec, berth_error *err);

/**
 * Start a created or stopped container. Starting a running container is
 * not an error (returns 0), as with `docker start`.
 * @return 0; BERTH_ENOTFOUND; BERTH_EENGINE (e.g. the command does not exist);
 *   transport errors.
 */
BERTH_API int berth_container_start(berth_client *client, const char *id, berth_error *err);

/**
 * Create and start in one call. When the start fails, the container this
 * call created is removed again (nothing is left behind and *out_id is
 * untouched); the start's error is returned, with the engine's message.
 * @return as berth_container_create() and berth_container_start().
 */
BERTH_API int berth_container_run(char **out_id, berth_client *client, const berth_spec *spec, berth_error *err);

#define BERTH_STOP_OPTIONS_VERSION 1
typedef struct berth_stop_options {
	unsigned int version;   /**< BERTH_STOP_OPTIONS_VERSION */
	int grace_seconds;      /**< SIGTERM, then SIGKILL after this; -1 = the
	                             container's own stop timeout (engine default 10) */
} berth_stop_options;
#define BERTH_STOP_OPTIONS_INIT { BERTH_STOP_OPTIONS_VERSION, -1 }

/**
 * Stop a container: its stop signal (SIGTERM by default), then SIGKILL once
 * the grace period is over. The request's own deadline is derived from the
 * grace period, so a long grace never ends in a client-side timeout.
 * Stopping a container that is not running returns 0.
 * @return 0; BERTH_ENOTFOUND; BERTH_EINVAL; transport errors.
 */
BERTH_API int berth_container_stop(berth_client *client, const char *id, const berth_stop_options *opts, berth_error *err);

#define BERTH_REMOVE_OPTIONS_VERSION 1
typedef struct berth_remove_options {
	unsigned int version;   /**< BERTH_REMOVE_OPTIONS_VERSION */
	int force;              /**< kill a running container first; a missing
	                             container is then not an error */
	int anonymous_volumes;  /**< also remove the container's anonymous volumes;
	                             named volumes are never removed */
} berth_remove_options;
#define BERTH_REMOVE_OPTIONS_INIT { BERTH_REMOVE_OPTIONS_VERSION, 0, 0 }

/**
 * Remove a container. Named volumes are kept, always.
 * @return 0; BERTH_ENOTFOUND (only without force); BERTH_ECONFLICT (running,
 *   without force); transport errors.
 */
BERTH_API int berth_container_remove(berth_client *client, const char *id, const berth_remove_options *opts, berth_error *err);

/* ---- inspect ---------------------------------------------------------- */

typedef enum berth_state {
	BERTH_STATE_UNKNOWN = 0,
	BERTH_STATE_CREATED = 1,
	BERTH_STATE_RUNNING = 2,
	BERTH_STATE_PAUSED = 3,
	BERTH_STATE_RESTARTING = 4,
	BERTH_STATE_REMOVING = 5,
	BERTH_STATE_EXITED = 6,
	BERTH_STATE_DEAD = 7,
} berth_state;

/** "created", "running", ... ("unknown" for anything else). */
BERTH_API const char *berth_state_name(berth_state state);

/** A container's normalized record (opaque). */
typedef struct berth_container_info berth_container_info;

/**
 * Inspect a container by id, id prefix or name.
 * @return 0; BERTH_ENOTFOUND; BERTH_EINVAL (empty id); BERTH_EPROTOCOL;
 *   transport errors.
 */
BERTH_API int berth_container_inspect(berth_container_info **out, berth_client *client, const char *id, berth_error *err);
BERTH_API void berth_container_info_free(berth_container_info *info);
BERTH_API const char *berth_container_info_id(const berth_container_info *info);
/** The name without Docker's leading '/'. */
BERTH_API const char *berth_container_info_name(const berth_container_info *info);
/** The image as the container was created from it ("localhost/x:tag"). */
BERTH_API const char *berth_container_info_image(const berth_container_info *info);
/** The image's id ("sha256:..."). */
BERTH_API const char *berth_container_info_image_id(const berth_container_info *info);
BERTH_API berth_state berth_container_info_state(const berth_container_info *info);
BERTH_API int berth_container_info_running(const berth_container_info *info);
BERTH_API int berth_container_info_exit_code(const berth_container_info *info);
/** Host pid of the main process, 0 when not running. */
BERTH_API int64_t berth_container_info_pid(const berth_container_info *info);
BERTH_API int berth_container_info_oom_killed(const berth_container_info *info);
/** The engine's own error for the last start, "" when none. */
BERTH_API const char *berth_container_info_error(const berth_container_info *info);
/** RFC 3339 times as the engine gives them; "" when never. */
BERTH_API const char *berth_container_info_created(const berth_container_info *info);
BERTH_API const char *berth_container_info_started_at(const berth_container_info *info);
BERTH_API const char *berth_container_info_finished_at(const berth_container_info *info);
/** The command: argv of the main process (path then args). */
BERTH_API size_t berth_container_info_cmd_count(const berth_container_info *info);
BERTH_API const char *berth_container_info_cmd(const berth_container_info *info, size_t i);
/** Labels, in key order. */
BERTH_API size_t berth_container_info_label_count(const berth_container_info *info);
BERTH_API const char *berth_container_info_label_key(const berth_container_info *info, size_t i);
BERTH_API const char *berth_container_info_label_value(const berth_container_info *info, size_t i);
/** The value of one label, NULL when absent. */
BERTH_API const char *berth_container_info_label(const berth_container_info *info, const char *key);
/** Environment entries "KEY=VALUE" as the engine reports them. */
BERTH_API size_t berth_container_info_env_count(const berth_container_info *info);
BERTH_API const char *berth_container_info_env(const berth_container_info *info, size_t i);
/** The engine's inspect reply as JSON text. Borrowed. */
BERTH_API const char *berth_container_info_raw_json(const berth_container_info *info);
/** Whether the container has a TTY (Config.Tty): its logs are then one
 *  unframed stream. */
BERTH_API int berth_container_info_tty(const berth_container_info *info);
/** How often the engine restarted the container (its restart policy). */
BERTH_API int64_t berth_container_info_restart_count(const berth_container_info *info);
/** The Compose project and service (labels com.docker.compose.project and
 *  com.docker.compose.service); "" when the container has none. */
BERTH_API const char *berth_container_info_compose_project(const berth_container_info *info);
BERTH_API const char *berth_container_info_compose_service(const berth_container_info *info);

/* ---- inspect: health ---------------------------------------------------- */

/** A container's health as the engine computed it. */
typedef enum berth_health {
	BERTH_HEALTH_NONE = 0,       /**< no health check (or disabled) */
	BERTH_HEALTH_STARTING = 1,   /**< has one, no verdict yet */
	BERTH_HEALTH_HEALTHY = 2,
	BERTH_HEALTH_UNHEALTHY = 3,
} berth_health;

/** "none", "starting", "healthy", "unhealthy" ("none" for other values). */
BERTH_API const char *berth_health_name(berth_health health);

/**
 * The health status (State.Health.Status). A container with a health check
 * whose engine reports no status yet counts as BERTH_HEALTH_STARTING.
 * Engine differences: Docker runs the checks itself; Podman without systemd
 * never does (the status stays "starting" until something runs them, see
 * berth_container_wait_ready()). Docker marks a stopped container
 * "unhealthy"; Podman keeps its last status.
 */
BERTH_API berth_health berth_container_info_health(const berth_container_info *info);
/** Consecutive failed checks (State.Health.FailingStreak). */
BERTH_API int berth_container_info_health_failing_streak(const berth_container_info *info);
/** The last check runs the engine keeps, oldest first (Docker keeps 5). */
BERTH_API size_t berth_container_info_health_log_count(const berth_container_info *info);
/** Exit code of run i (0 passed, 1 failed, other: the check could not run); -1 for a bad i. */
BERTH_API int berth_container_info_health_log_exit_code(const berth_container_info *info, size_t i);
/** Output of run i (stdout and stderr, as the engine kept it); NULL for a bad i. */
BERTH_API const char *berth_container_info_health_log_output(const berth_container_info *info, size_t i);
/** Start and end of run i, RFC 3339; NULL for a bad i. */
BERTH_API const char *berth_container_info_health_log_start(const berth_container_info *info, size_t i);
BERTH_API const char *berth_container_info_health_log_end(const berth_container_info *info, size_t i);

/** Whether a health check is configured (Config.Healthcheck with a test
 *  other than ["NONE"]). */
BERTH_API int berth_container_info_has_healthcheck(const berth_container_info *info);
/** The check's test: ["CMD", argv...] or ["CMD-SHELL", "command"]. */
BERTH_API size_t berth_container_info_healthcheck_test_count(const berth_container_info *info);
BERTH_API const char *berth_container_info_healthcheck_test(const berth_container_info *info, size_t i);
/** Interval, timeout and start period in milliseconds, and the retries;
 *  0 when not set (the engines then use 30 s, 30 s, 0 s and 3). */
BERTH_API int64_t berth_container_info_healthcheck_interval_ms(const berth_container_info *info);
BERTH_API int64_t berth_container_info_healthcheck_timeout_ms(const berth_container_info *info);
BERTH_API int64_t berth_container_info_healthcheck_start_period_ms(const berth_container_info *info);
BERTH_API int berth_container_info_healthcheck_retries(const berth_container_info *info);

/* ---- inspect: mounts, networks, published ports ------------------------- */

typedef enum berth_mount_type {
	BERTH_MOUNT_OTHER = 0,    /**< a type berth does not name (npipe, cluster, ...) */
	BERTH_MOUNT_BIND = 1,
	BERTH_MOUNT_VOLUME = 2,
	BERTH_MOUNT_TMPFS = 3,
} berth_mount_type;

/**
 * Mounts, in the engine's order. tmpfs mounts given as HostConfig.Tmpfs
 * are listed too (neither engine reports them under Mounts); their source
 * is "". Bad indexes give NULL / BERTH_MOUNT_OTHER / 0.
 */
BERTH_API size_t berth_container_info_mount_count(const berth_container_info *info);
BERTH_API berth_mount_type berth_container_info_mount_type(const berth_container_info *info, size_t i);
/** Host path (bind), the volume's path on the host (volume), "" (tmpfs). */
BERTH_API const char *berth_container_info_mount_source(const berth_container_info *info, size_t i);
/** Path inside the container. */
BERTH_API const char *berth_container_info_mount_destination(const berth_container_info *info, size_t i);
/** The volume's name (also for anonymous volumes); "" for other types. */
BERTH_API const char *berth_container_info_mount_volume_name(const berth_container_info *info, size_t i);
BERTH_API int berth_container_info_mount_read_only(const berth_container_info *info, size_t i);

/**
 * Networks the container is attached to, sorted by name, with its
 * addresses on each ("" when it has none, e.g. before it starts).
 */
BERTH_API size_t berth_container_info_network_count(const berth_container_info *info);
BERTH_API const char *berth_container_info_network_name(const berth_container_info *info, size_t i);
BERTH_API const char *berth_container_info_network_ipv4(const berth_container_info *info, size_t i);
BERTH_API const char *berth_container_info_network_ipv6(const berth_container_info *info, size_t i);
BERTH_API const char *berth_container_info_network_gateway(const berth_container_info *info, size_t i);
BERTH_API const char *berth_container_info_network_mac(const berth_container_info *info, size_t i);

/**
 * Published ports: one entry per host binding, sorted by container port,
 * protocol and host address. Exposed ports without a binding are not listed.
 * The host address is as bound: "0.0.0.0" means every IPv4 address (Podman
 * reports it as "", berth as "0.0.0.0"), "::" every IPv6 address. Docker
 * only knows the host port once the container runs.
 */
BERTH_API size_t berth_container_info_port_count(const berth_container_info *info);
BERTH_API int berth_container_info_port_container_port(const berth_container_info *info, size_t i);
/** "tcp", "udp" or "sctp". */
BERTH_API const char *berth_container_info_port_proto(const berth_container_info *info, size_t i);
BERTH_API const char *berth_container_info_port_host_ip(const berth_container_info *info, size_t i);
BERTH_API int berth_container_info_port_host_port(const berth_container_info *info, size_t i);
/**
 * Where a container port is published: the host port (0 when it is not),
 * and in *host_ip (when not NULL; borrowed) its address. An IPv4 binding is
 * preferred over an IPv6 one. proto NULL means "tcp".
 */
BERTH_API int berth_container_info_host_port(const berth_container_info *info, int container_port,
					     const char *proto, const char **host_ip);

/* ---- inspect: published ports ------------------------------------------- */

/**
 * Published ports: one entry per host binding, sorted by container port,
 * protocol and host address. Exposed ports without a binding are not listed.
 * The host address is as bound: "0.0.0.0" means every IPv4 address (Podman
 * reports it as "", berth as "0.0.0.0"), "::" every IPv6 address. Docker
 * only knows the host port once the container runs. Bad indexes give 0 or
 * NULL.
 */
BERTH_API size_t berth_container_info_port_count(const berth_container_info *info);
BERTH_API int berth_container_info_port_container_port(const berth_container_info *info, size_t i);
/** "tcp", "udp" or "sctp". */
BERTH_API const char *berth_container_info_port_proto(const berth_container_info *info, size_t i);
BERTH_API const char *berth_container_info_port_host_ip(const berth_container_info *info, size_t i);
BERTH_API int berth_container_info_port_host_port(const berth_container_info *info, size_t i);
/**
 * Where a container port is published: the host port (0 when it is not),
 * and in *host_ip (when not NULL; borrowed) its address. An IPv4 binding is
 * preferred over an IPv6 one. proto NULL means "tcp".
 */
BERTH_API int berth_container_info_host_port(const berth_container_info *info, int container_port,
					     const char *proto, const char **host_ip);

/* ---- list ------------------------------------------------------------- */

#define BERTH_LIST_OPTIONS_VERSION 1
typedef struct berth_list_options {
	unsigned int version;        /**< BERTH_LIST_OPTIONS_VERSION */
	int all;                     /**< include stopped containers */
	const char *const *labels;   /**< "key" or "key=value" filters (all must match) */
	size_t label_count;
	const char *name;            /**< name filter (substring, as the engines do) */
} berth_list_options;
#define BERTH_LIST_OPTIONS_INIT { BERTH_LIST_OPTIONS_VERSION, 0, NULL, 0, NULL }

typedef struct berth_container_list berth_container_list;

/**
 * List containers.
 * @return 0; BERTH_EINVAL (bad filter); BERTH_EPROTOCOL; transport errors.
 */
BERTH_API int berth_container_list_get(berth_container_list **out, berth_client *client, const berth_list_options *opts, berth_error *err);
BERTH_API void berth_container_list_free(berth_container_list *list);
BERTH_API size_t berth_container_list_count(const berth_container_list *list);
BERTH_API const char *berth_container_list_id(const berth_container_list *list, size_t i);
/** First name, without the leading '/'. */
BERTH_API const char *berth_container_list_name(const berth_container_list *list, size_t i);
BERTH_API const char *berth_container_list_image(const berth_container_list *list, size_t i);
/** The command line as one string, as the engine reports it. */
BERTH_API const char *berth_container_list_command(const berth_container_list *list, size_t i);
BERTH_API berth_state berth_container_list_state(const berth_container_list *list, size_t i);
/** The engine's human status ("Up 3 minutes", "Exited (0) 2 seconds ago"). */
BERTH_API const char *berth_container_list_status(const berth_container_list *list, size_t i);
/** Creation time, seconds since the epoch. */
BERTH_API int64_t berth_container_list_created(const berth_container_list *list, size_t i);
/** Published ports as "127.0.0.1:8080->80/tcp, ..." ("" when none). */
BERTH_API const char *berth_container_list_ports(const berth_container_list *list, size_t i);
/** The value of one label of entry i, NULL when absent. */
BERTH_API const char *berth_container_list_label(const berth_container_list *list, size_t i, const char *key);
BERTH_API size_t berth_container_list_label_count(const berth_container_list *list, size_t i);
BERTH_API const char *berth_container_list_label_key(const berth_container_list *list, size_t i, size_t j);
BERTH_API const char *berth_container_list_label_value(const berth_container_list *list, size_t i, size_t j);

#ifdef __cplusplus
}
#endif
#endif
