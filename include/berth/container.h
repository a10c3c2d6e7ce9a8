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
/** Whether the container keeps its stdin open (Config.OpenStdin,
 *  berth_spec_set_stdin_open()): only then has an attach a stdin to
 *  write to. */
BERTH_API int berth_container_info_stdin_open(const berth_container_info *info);
/** How often the engine restarted the container (its restart policy).
 *  containerd: the restart monitor's starts since berth's last start (see
 *  berth_spec_set_restart()). */
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
 * and containerd never do: berth's keeper runs them at their interval for
 * containers berth starts (see berth_container_wait_ready()), Podman
 * records the runs, berth does on containerd. Docker marks a stopped
 * container "unhealthy"; Podman and containerd keep the last status.
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

/* ---- list ------------------------------------------------------------- */

/* Version 2 added states/state_count; callers built against version 1
 * (the struct without them) keep working. */
#define BERTH_LIST_OPTIONS_VERSION 2
typedef struct berth_list_options {
	unsigned int version;        /**< BERTH_LIST_OPTIONS_VERSION */
	int all;                     /**< include stopped containers */
	const char *const *labels;   /**< "key" or "key=value" filters (all must match) */
	size_t label_count;
	const char *name;            /**< name filter (substring, as the engines do) */
	/* version 2 */
	const berth_state *states;   /**< only containers in one of these states (any
	                                  berth_state but UNKNOWN); a state filter lists
	                                  stopped containers too, without `all`, as both
	                                  engines do */
	size_t state_count;
} berth_list_options;
#define BERTH_LIST_OPTIONS_INIT { BERTH_LIST_OPTIONS_VERSION, 0, NULL, 0, NULL, NULL, 0 }

typedef struct berth_container_list berth_container_list;

/**
 * List containers.
 * Engine differences: Podman has no "restarting" or "dead" containers (and
 * refuses those words as filters); asked for them, berth lists none there.
 * containerd: a container's name is the one given at create (a label berth
 * keeps on it; its id when none was given); its state is its task's (no
 * task: created, or exited when berth recorded the exit); the status text is
 * "Created", "Up", "Up (Paused)" or "Exited (N)"; label filters are matched
 * by berth on the records containerd lists.
 * @return 0; BERTH_EINVAL (bad filter, options version other than 1 or 2);
 *   BERTH_EPROTOCOL; transport errors.
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
/** The engine's human status ("Up 3 minutes", "Exited (0) 2 seconds ago"),
 *  with Docker's health suffix on a running container that has a check
 *  (" (healthy)", " (unhealthy)", " (health: starting)") on every engine.
 *  Engine differences: containerd's says "Up" without a duration. */
BERTH_API const char *berth_container_list_status(const berth_container_list *list, size_t i);
/** The health of a running container with a check (BERTH_HEALTH_NONE for
 *  one without, or not running). Engine differences: Docker's comes from
 *  its status text; Podman's compat list has none, so berth asks its
 *  libpod list as well (one request more); containerd's is berth's record
 *  of the runs. */
BERTH_API berth_health berth_container_list_health(const berth_container_list *list, size_t i);
/** Creation time, seconds since the epoch. */
BERTH_API int64_t berth_container_list_created(const berth_container_list *list, size_t i);
/** Published ports as "127.0.0.1:8080->80/tcp, ..." ("" when none). */
BERTH_API const char *berth_container_list_ports(const berth_container_list *list, size_t i);
/** The value of one label of entry i, NULL when absent. */
BERTH_API const char *berth_container_list_label(const berth_container_list *list, size_t i, const char *key);
BERTH_API size_t berth_container_list_label_count(const berth_container_list *list, size_t i);
BERTH_API const char *berth_container_list_label_key(const berth_container_list *list, size_t i, size_t j);
BERTH_API const char *berth_container_list_label_value(const berth_container_list *list, size_t i, size_t j);


/* ---- more operations on one container ----------------------------------- */

/**
 * Restart a container: stop it as berth_container_stop() does (its stop
 * signal, SIGKILL once opts->grace_seconds are over; NULL opts: the
 * container's own stop timeout), then start it. A created or stopped
 * container is simply started; a paused one is restarted too. The request's
 * deadline is derived from the grace period.
 * Engine differences: Podman refuses to restart a paused container; berth
 * unpauses it first there, so both engines answer the same.
 * @return 0; BERTH_ENOTFOUND; BERTH_EINVAL (empty or malformed id, grace
 *   below -1, wrong options version); BERTH_EENGINE (the start failed);
 *   transport errors.
 */
BERTH_API int berth_container_restart(berth_client *client, const char *id, const berth_stop_options *opts,
				      berth_error *err);

/**
 * Send a signal to a container's main process (see berth_signal_parse() to
 * turn a name into a number). The call returns once the signal is sent, not
 * when the process has reacted; see berth_container_wait().
 * @param signal 1 .. SIGRTMAX.
 * @return 0; BERTH_ENOTFOUND; BERTH_ECONFLICT (the container is not
 *   running: Docker says 409 "is not running", Podman 500 "container state
 *   improper", both mapped here); BERTH_EINVAL (signal out of range, bad id:
 *   before any request); transport errors.
 */
BERTH_API int berth_container_kill(berth_client *client, const char *id, int signal, berth_error *err);

/**
 * Freeze every process of a running container (the freezer cgroup).
 * Pausing a paused container is not idempotent, as with `docker pause`: it
 * answers BERTH_EALREADY on both engines (Docker says 409, Podman 500).
 * @return 0; BERTH_ENOTFOUND; BERTH_EALREADY (already paused);
 *   BERTH_ECONFLICT (not running); BERTH_EINVAL; transport errors.
 */
BERTH_API int berth_container_pause(berth_client *client, const char *id, berth_error *err);

/**
 * Thaw a paused container.
 * @return 0; BERTH_ENOTFOUND; BERTH_ECONFLICT (not paused: running or
 *   stopped, as neither engine tells which; Docker says 500, Podman 500
 *   "container state improper"); BERTH_EINVAL; transport errors.
 */
BERTH_API int berth_container_unpause(berth_client *client, const char *id, berth_error *err);

/**
 * Give a container a new name (checked as berth_validate_container_name()
 * does, before any request). Renaming a container to the name it already
 * has succeeds without change on both engines (Docker's daemon refuses it
 * with 400; berth answers 0 there too, as Podman does). On containerd a
 * container's name is a label berth keeps on it (its id never changes):
 * the rename rewrites that label after checking that no other container
 * of the namespace carries the name.
 * @return 0; BERTH_ENOTFOUND; BERTH_EEXISTS (another container has the
 *   name); BERTH_EINVAL; transport errors.
 */
BERTH_API int berth_container_rename(berth_client *client, const char *id, const char *new_name, berth_error *err);

/** A field of berth_update_options that is left as it is. */
#define BERTH_UNCHANGED INT64_MIN

#define BERTH_UPDATE_OPTIONS_VERSION 1
typedef struct berth_update_options {
	unsigned int version;      /**< BERTH_UPDATE_OPTIONS_VERSION */
	int64_t memory;            /**< memory limit in bytes, at least 6 MiB */
	int64_t memory_swap;       /**< memory plus swap in bytes (>= memory); -1: unlimited swap */
	int64_t nano_cpus;         /**< CPU time in billionths of a CPU (1.5 CPUs =
	                                1500000000), at least 0.01 CPU */
	int64_t cpu_shares;        /**< relative CPU weight, 2 .. 262144 */
	int64_t pids_limit;        /**< most processes at once, > 0; -1: no limit */
	const char *restart_policy; /**< NULL: unchanged; "no", "always",
	                                 "unless-stopped" or "on-failure" */
	int restart_max_retries;   /**< with "on-failure" only: 0 = retry for ever */
} berth_update_options;
#define BERTH_UPDATE_OPTIONS_INIT \
	{ BERTH_UPDATE_OPTIONS_VERSION, BERTH_UNCHANGED, BERTH_UNCHANGED, BERTH_UNCHANGED, \
	  BERTH_UNCHANGED, BERTH_UNCHANGED, NULL, 0 }

/**
 * Change a container's resource limits and restart policy; fields left at
 * BERTH_UNCHANGED (or NULL) keep their values. Every field is checked
 * before any request; nothing set at all is BERTH_EINVAL, as with
 * `docker update` without flags.
 * Engine differences:
 *  - Docker applies the limits to a running container at once, records them
 *    (inspect's HostConfig shows them, a restart keeps them) and also
 *    updates a created or stopped container for its next start; more CPUs
 *    than the host has is BERTH_EINVAL.
 *  - Podman 4.3's compat API has no update; berth uses its native one,
 *    which changes the cgroup of a running (or paused) container only:
 *    BERTH_EUNSUPPORTED for a container that is not running, and for
 *    restart_policy, which Podman cannot change on an existing container
 *    (the message names the field). Podman keeps the creation-time values
 *    in inspect, and a restart brings them back.
 *  - containerd changes the restart policy to no, always or unless-stopped
 *    (the restart monitor's labels, see berth_spec_set_restart(); the
 *    monitor keeps the task in the state it has now); on-failure and a
 *    policy for a container with a TTY are BERTH_EUNSUPPORTED.
 * @return 0; BERTH_ENOTFOUND; BERTH_EINVAL (a field out of range, named in
 *   the message; nothing to change); BERTH_EUNSUPPORTED (see above);
 *   BERTH_ECONFLICT; transport errors.
 */
BERTH_API int berth_container_update(berth_client *client, const char *id, const berth_update_options *opts,
				     berth_error *err);

typedef enum berth_wait_condition {
	BERTH_WAIT_NOT_RUNNING = 0, /**< return as soon as it is not running
	                                 (at once for a created or stopped one) */
	BERTH_WAIT_NEXT_EXIT = 1,   /**< the next time it exits (a created one is
	                                 waited for until it has run and exited) */
	BERTH_WAIT_REMOVED = 2,     /**< until it is removed */
} berth_wait_condition;

#define BERTH_WAIT_OPTIONS_VERSION 1
typedef struct berth_wait_options {
	unsigned int version;            /**< BERTH_WAIT_OPTIONS_VERSION */
	berth_wait_condition condition;  /**< BERTH_WAIT_NOT_RUNNING by default */
	int timeout_ms;                  /**< give up after this long with
	                                      BERTH_ETIMEDOUT; 0: wait as long as it
	                                      takes (the client's request deadline does
	                                      not apply to a wait) */
} berth_wait_options;
#define BERTH_WAIT_OPTIONS_INIT { BERTH_WAIT_OPTIONS_VERSION, BERTH_WAIT_NOT_RUNNING, 0 }

#define BERTH_WAIT_OUTCOME_VERSION 1
/** How a container ended. The caller sets `version` (BERTH_WAIT_OUTCOME_INIT);
 *  berth fills the rest. */
typedef struct berth_wait_outcome {
	unsigned int version;   /**< BERTH_WAIT_OUTCOME_VERSION, set by the caller */
	int exit_code;          /**< the main process's exit status; -1 when there is
	                             none to tell: the container has never run (and
	                             the engine records no error for it), or see the
	                             Podman removal race below */
	int oom_killed;         /**< the kernel's OOM killer struck in the container
	                             (the engine's State.OOMKilled) */
	int signal;             /**< the signal that ended the main process, 0 when it
	                             exited by itself or berth cannot tell; see below */
	char error[256];        /**< the engine's own error for this container ("" when
	                             none), e.g. why it could not start */
} berth_wait_outcome;
#define BERTH_WAIT_OUTCOME_INIT { BERTH_WAIT_OUTCOME_VERSION, 0, 0, 0, { 0 } }

/**
 * Wait for a container to reach a condition and say how it ended.
 *
 * The signal rule: neither engine records which signal ended a process;
 * what they report is the runtime's exit status, 128 + N for a process that
 * signal N killed. So `signal` is exit_code - 128 when exit_code is between
 * 129 and 128 + SIGRTMAX and the engine reports no error for the container
 * (an engine error means it never ran: 126/127 are start failures, not
 * signals). An OOM kill is SIGKILL: exit code 137, oom_killed set, signal 9.
 * A process that calls exit(137) itself looks exactly like one SIGKILL ended
 * through both engines' APIs, and berth reports it the same way.
 *
 * With BERTH_WAIT_REMOVED the outcome is the one observed when the container
 * stopped (berth waits for it to stop, reads its state, then waits for the
 * removal): Podman's own reply to a removal wait always says exit code 0.
 *
 * Engine differences berth cannot mend, as the engine does not record it:
 *  - a start that failed (command not found): Docker records exit code 127
 *    (126: not executable) and the reason in `error`; Podman records
 *    neither, so the outcome is exit_code -1 with no error there;
 *  - Podman 4.3 with runc on cgroup v1 hosts never notices OOM kills
 *    (State.OOMKilled stays false): oom_killed is 0 there, exit code 137
 *    and signal 9 still tell of the SIGKILL;
 *  - Podman notices an exit by polling (every 250 ms); a container removed
 *    before it did has no recorded status and its wait answers 0. When the
 *    container is gone by the time berth reads its state and Podman said 0,
 *    berth reports -1 (unknown) rather than a success nobody saw.
 *
 * @param out may be NULL; filled only on success.
 * @return 0; BERTH_ENOTFOUND (no such container when the wait begins);
 *   BERTH_ETIMEDOUT (opts->timeout_ms passed); BERTH_EINVAL (bad id,
 *   condition, timeout, options or outcome version); BERTH_EUNAVAILABLE (the
 *   engine went away during the wait: reported at once, never retried);
 *   transport errors.
 */
BERTH_API int berth_container_wait(berth_wait_outcome *out, berth_client *client, const char *id,
				   const berth_wait_options *opts, berth_error *err);

/* ---- commit ---------------------------------------------------------------- */

#define BERTH_COMMIT_OPTIONS_VERSION 1
typedef struct berth_commit_options {
	unsigned int version;        /**< BERTH_COMMIT_OPTIONS_VERSION */
	const char *ref;             /**< the new image's name "repo[:tag]" ("repo" meaning
	                                  ":latest"); NULL: no name (its id only) */
	const char *message;         /**< the comment of the new history step; NULL: none */
	const char *author;          /**< "Name <mail>"; NULL: none */
	/** Dockerfile instructions applied to the new image's config, as
	 *  docker's -c/--change ("CMD [\"sh\"]", "ENV A=b"): one of CMD,
	 *  ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME,
	 *  WORKDIR, then its arguments, on one line. */
	const char *const *changes;
	size_t change_count;
	int pause;                   /**< freeze the container while its file system is
	                                  read (docker's default: 1) */
} berth_commit_options;
#define BERTH_COMMIT_OPTIONS_INIT { BERTH_COMMIT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, 1 }

/**
 * Make a new image of a container (running or stopped): its image's
 * layers plus one layer of the container's changes, and the container's
 * configuration (command, environment, ...) with the changes applied.
 * *out_id (may be NULL; the caller's, berth_free()) gets the new image's
 * id "sha256:...". opts may be NULL (no name, pause).
 * Engine differences: Docker and Podman through POST /commit (Podman's
 * compat endpoint refuses "repo:tag" as repo: berth sends repo and tag
 * apart, which both take). containerd natively: the new layer is the diff
 * service's Diff of the container's snapshot against a view of its parent
 * (a running container is paused for it through its task, unless pause is
 * 0); the new config is the container's image's config with what the
 * container was created with laid over it as Docker does (command,
 * entrypoint, working directory, user, stop signal, exposed ports; its
 * environment merged by key; not its labels), the layer's diff id, a
 * history step ("berth commit", message, author) and the changes; the
 * manifest lists the image's layers and the new one; the new snapshot is
 * unpacked at once; an image without ref gets
 * a record named by its id ("sha256:..."). BERTH_EUNSUPPORTED for a
 * container made without an image snapshot.
 * @return 0; BERTH_EINVAL (empty or malformed id, a malformed ref, an id
 *   or digest as ref, an unknown instruction or a line break in a change,
 *   options version; before any request); BERTH_ENOTFOUND (no such
 *   container); BERTH_EENGINE (the engine refused, e.g. a bad change);
 *   BERTH_EUNSUPPORTED (containerd, see above); BERTH_EPROTOCOL; transport
 *   errors.
 */
BERTH_API int berth_container_commit(char **out_id, berth_client *client, const char *id,
				     const berth_commit_options *opts, berth_error *err);

/* ---- prune ---------------------------------------------------------------- */

#define BERTH_PRUNE_OPTIONS_VERSION 1
typedef struct berth_prune_options {
	unsigned int version;        /**< BERTH_PRUNE_OPTIONS_VERSION */
	const char *const *labels;   /**< "key" or "key=value"; only stopped containers
	                                  that carry all of them are removed */
	size_t label_count;
} berth_prune_options;
#define BERTH_PRUNE_OPTIONS_INIT { BERTH_PRUNE_OPTIONS_VERSION, NULL, 0 }

typedef struct berth_prune_result berth_prune_result;

/**
 * Remove stopped containers (created, exited, dead) that match every label
 * filter. WITHOUT A LABEL FILTER (NULL opts or label_count 0) IT REMOVES
 * EVERY STOPPED CONTAINER OF THE ENGINE, whoever made it, as
 * `docker container prune` does. Running and paused containers are never
 * touched. Named volumes are kept. *out (may be NULL) lists what went; free
 * it with berth_prune_result_free().
 * @return 0; BERTH_EINVAL (an empty label filter); BERTH_ECONFLICT (another
 *   prune is running on the engine); BERTH_EPROTOCOL; transport errors.
 */
BERTH_API int berth_container_prune(berth_prune_result **out, berth_client *client,
				    const berth_prune_options *opts, berth_error *err);
BERTH_API void berth_prune_result_free(berth_prune_result *result);
/** How many containers (images: berth_image_prune()) were removed. */
BERTH_API size_t berth_prune_result_count(const berth_prune_result *result);
/** The full id of the i-th removed container or image; NULL when out of range. */
BERTH_API const char *berth_prune_result_id(const berth_prune_result *result, size_t i);
/** Disk space freed, in bytes, as the engine counts it. */
BERTH_API uint64_t berth_prune_result_space_reclaimed(const berth_prune_result *result);

#ifdef __cplusplus
}
#endif
#endif
