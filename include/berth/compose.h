/* berth — services files: a project of daemons in the Compose format,
 * brought up in dependency and health order, re-upped where it changed,
 * taken down without losing a volume.
 *
 * A project is loaded (and checked whole) before anything is asked of an
 * engine: berth_compose_load() reads the files, interpolates ${VAR}s and
 * validates every key, so a bad file changes nothing. The project's
 * containers, networks and volumes carry the labels docker compose writes
 * (com.docker.compose.project, .service, .container-number, .oneoff,
 * .config-hash, .network, .volume) besides berth's ownership labels, so
 * tools that read compose labels see a compose project, and berth finds
 * them again by label alone (down and ps need no file).
 *
 * Names, as docker compose makes them: a container PROJECT-SERVICE-1 (or
 * the service's container_name), a network PROJECT_KEY (the default one
 * PROJECT_default), a volume PROJECT_KEY, unless the file gives name:.
 *
 * Engine differences: the project's networks are the engine's user
 * networks everywhere; on containerd the services find each other by name
 * through the /etc/hosts berth writes (see network.h), not through a DNS
 * server. Restart policies follow berth_spec_set_restart()'s engine
 * differences.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_COMPOSE_H
#define BERTH_COMPOSE_H

#include <berth/container.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BERTH_COMPOSE_LABEL_PROJECT "com.docker.compose.project"
#define BERTH_COMPOSE_LABEL_SERVICE "com.docker.compose.service"
#define BERTH_COMPOSE_LABEL_NUMBER "com.docker.compose.container-number"
#define BERTH_COMPOSE_LABEL_HASH "com.docker.compose.config-hash"

/** A loaded, validated project (opaque). */
typedef struct berth_compose berth_compose;

#define BERTH_COMPOSE_OPTIONS_VERSION 1
/** How berth_compose_load() finds and reads a project. */
typedef struct berth_compose_options {
	unsigned int version;          /**< BERTH_COMPOSE_OPTIONS_VERSION */
	const char *const *files;      /**< the files, merged in order (later keys win);
	                                    NULL: compose.yaml, compose.yml,
	                                    docker-compose.yaml or docker-compose.yml,
	                                    the first that exists in project_dir */
	size_t file_count;
	const char *project_name;      /**< NULL: the file's name:, else the project
	                                    directory's base name, lowered, with
	                                    characters outside [a-z0-9_-] dropped */
	const char *project_dir;       /**< relative paths (binds, env_file, .env) are
	                                    taken from here; NULL: the first file's
	                                    directory (the current one for load_string) */
	const char *const *env;        /**< "KEY=VALUE" for ${VAR}s; NULL: the process
	                                    environment. PROJECT_DIR/.env fills what
	                                    neither gives. */
	size_t env_count;
} berth_compose_options;
#define BERTH_COMPOSE_OPTIONS_INIT { BERTH_COMPOSE_OPTIONS_VERSION, NULL, 0, NULL, NULL, NULL, 0 }

/**
 * Load a project: read the files (each at most 4 MiB) and the .env file,
 * parse them (libyaml), interpolate, merge, check. Nothing is asked of an
 * engine. Free with berth_compose_free(). opts may be NULL.
 * @return 0; BERTH_EINVAL (the message is "FILE:LINE:COL: what" for a
 *   malformed file, an unknown or unsupported key, a wrong type, a
 *   dependency on a service that does not exist, a cycle (named as
 *   "a -> b -> a"), a volume or network not declared, ${VAR:?message});
 *   BERTH_ENOTFOUND (no file given and none of the default names exists,
 *   or a named file missing); the errno code of a file that cannot be read (BERTH_EPERM, ...); BERTH_ENOMEM.
 */
BERTH_API int berth_compose_load(berth_compose **out, const berth_compose_options *opts, berth_error *err);
/** The same from text in memory (file names in messages: "compose.yaml"). */
BERTH_API int berth_compose_load_string(berth_compose **out, const char *yaml, size_t len,
					const berth_compose_options *opts, berth_error *err);
BERTH_API void berth_compose_free(berth_compose *project);
/** The project's name. Borrowed. */
BERTH_API const char *berth_compose_name(const berth_compose *project);
/** Services, sorted by name. Borrowed. */
BERTH_API size_t berth_compose_service_count(const berth_compose *project);
BERTH_API const char *berth_compose_service_name(const berth_compose *project, size_t i);
/** Messages about keys taken without effect ("FILE:LINE: version is
 *  obsolete"), unset variables read as empty. Borrowed. */
BERTH_API size_t berth_compose_warning_count(const berth_compose *project);
BERTH_API const char *berth_compose_warning(const berth_compose *project, size_t i);
/**
 * The project as one normalized YAML document (`compose config`): every
 * default filled in that berth decides, variables interpolated, keys in a
 * fixed order. *out is freed with berth_free().
 * @return 0; BERTH_ENOMEM.
 */
BERTH_API int berth_compose_config(char **out, const berth_compose *project, berth_error *err);

/* ---- progress ------------------------------------------------------------- */

typedef enum berth_compose_step {
	BERTH_COMPOSE_NETWORK_CREATED = 1, /**< object: the network */
	BERTH_COMPOSE_VOLUME_CREATED,      /**< object: the volume */
	BERTH_COMPOSE_CREATING,            /**< a container is made (pulling the image if it must) */
	BERTH_COMPOSE_RECREATING,          /**< its config or image changed: replaced */
	BERTH_COMPOSE_STARTED,             /**< it runs (made, replaced or started) */
	BERTH_COMPOSE_UNCHANGED,           /**< it ran as the file says: left alone */
	BERTH_COMPOSE_RESTARTED,           /**< a dependency was replaced: restarted */
	BERTH_COMPOSE_WAITING,             /**< a dependant waits for its condition */
	BERTH_COMPOSE_HEALTHY,             /**< ready: healthy (or running, without a check) */
	BERTH_COMPOSE_EXITED,              /**< it exited 0 (service_completed_successfully) */
	BERTH_COMPOSE_FAILED,              /**< detail says why */
	BERTH_COMPOSE_STOPPING,
	BERTH_COMPOSE_STOPPED,
	BERTH_COMPOSE_REMOVED,             /**< a container, network or volume */
	BERTH_COMPOSE_NOTE,                /**< detail: something the user should know */
} berth_compose_step;

/** "created", "creating", ... Static. */
BERTH_API const char *berth_compose_step_name(berth_compose_step step);

/** One step of up/down/start/stop; every field is borrowed for the call. */
typedef struct berth_compose_event {
	berth_compose_step step;
	const char *service;   /**< NULL for a network or a volume */
	const char *object;    /**< the container, network or volume name */
	const char *detail;    /**< NULL, or more words (FAILED: the reason) */
} berth_compose_event;

/** Called from the calling thread, in order. */
typedef void (*berth_compose_progress_fn)(const berth_compose_event *event, void *user);

/* ---- up -------------------------------------------------------------------- */

#define BERTH_COMPOSE_UP_OPTIONS_VERSION 1
typedef struct berth_compose_up_options {
	unsigned int version;            /**< BERTH_COMPOSE_UP_OPTIONS_VERSION */
	const char *const *services;     /**< NULL: all; else these and (unless
	                                      no_deps) what they depend on */
	size_t service_count;
	int no_deps;                     /**< only the named services */
	int force_recreate;              /**< replace containers even when unchanged */
	int wait;                        /**< return once every service is ready
	                                      (healthy where it has a check; a
	                                      one-shot that exited 0 counts as done) */
	int timeout_ms;                  /**< for each condition and for wait; default 120000 */
	berth_compose_progress_fn progress;
	void *user;
} berth_compose_up_options;
#define BERTH_COMPOSE_UP_OPTIONS_INIT { BERTH_COMPOSE_UP_OPTIONS_VERSION, NULL, 0, 0, 0, 0, 0, NULL, NULL }

/**
 * Bring the project up: its networks and volumes first (kept when they
 * exist), then its services in dependency order. A service starts once
 * each dependency meets its condition, judged by berth's readiness wait
 * (berth_container_wait_ready), so service_healthy works on every engine:
 * service_started - it runs; service_healthy - its health check says
 * healthy; service_completed_successfully - it exited 0. Services whose
 * dependencies are met start at once, without waiting for the others.
 *
 * A service whose container exists with the same config hash and image
 * is left running (started when it is stopped); one whose config or image
 * changed is replaced (berth_container_up: the new container is made
 * before the old one goes, named volumes kept), and the services that
 * depend on it are restarted after it, in order.
 *
 * A dependency that exits (service_healthy, service_started), turns
 * unhealthy, exits non-zero (service_completed_successfully) or does not
 * meet its condition within timeout_ms fails the up at once: BERTH_ECONFLICT
 * or BERTH_ETIMEDOUT naming the service and, for a health check, its last
 * output. What was started stays (as docker compose leaves it): a second
 * up repairs what the first could not finish. A dependency with
 * required: false that cannot be had is skipped with a NOTE.
 *
 * @return 0; BERTH_EINVAL (a service name not in the project, bad
 *   options, a spec the file describes that berth refuses: the message
 *   names the service); BERTH_ECONFLICT, BERTH_ETIMEDOUT (above, or a
 *   container of that name that is not this project's); BERTH_ENOTFOUND
 *   (an image that cannot be had, an external volume or network missing);
 *   BERTH_EUNSUPPORTED (the engine lacks what a service asks for); the
 *   engine's errors.
 */
BERTH_API int berth_compose_up(berth_client *client, const berth_compose *project,
			       const berth_compose_up_options *opts, berth_error *err);

/* ---- down, stop, start, ps --------------------------------------------------- */

#define BERTH_COMPOSE_DOWN_OPTIONS_VERSION 1
typedef struct berth_compose_down_options {
	unsigned int version;            /**< BERTH_COMPOSE_DOWN_OPTIONS_VERSION */
	int volumes;                     /**< remove the project's named volumes too
	                                      (never an external one) */
	int timeout_s;                   /**< grace before SIGKILL; -1: each service's
	                                      stop_grace_period (default 10 s) */
	berth_compose_progress_fn progress;
	void *user;
} berth_compose_down_options;
#define BERTH_COMPOSE_DOWN_OPTIONS_INIT { BERTH_COMPOSE_DOWN_OPTIONS_VERSION, 0, -1, NULL, NULL }

/**
 * Take a project down by its label: stop its containers in reverse
 * dependency order (dependants first; by the file when one is given, else
 * all at once), remove them, then its networks, and with opts->volumes its
 * volumes. Containers of services no longer in the file (orphans) go too.
 * Nothing without the project's label is touched; a project that does not
 * exist is not an error (nothing is done).
 * @param project  may be NULL (then `name` says which project)
 * @return 0; BERTH_EINVAL (neither a project nor a name); the engine's
 *   errors (what could be removed is removed).
 */
BERTH_API int berth_compose_down(berth_client *client, const berth_compose *project, const char *name,
				 const berth_compose_down_options *opts, berth_error *err);

#define BERTH_COMPOSE_RUN_OPTIONS_VERSION 1
/** Options of berth_compose_stop(), _start() and _restart(). */
typedef struct berth_compose_run_options {
	unsigned int version;            /**< BERTH_COMPOSE_RUN_OPTIONS_VERSION */
	const char *const *services;     /**< NULL: all (their dependencies are not added) */
	size_t service_count;
	int timeout_s;                   /**< stop's grace; -1: each service's
	                                      stop_grace_period (default 10 s) */
	berth_compose_progress_fn progress;
	void *user;
} berth_compose_run_options;
#define BERTH_COMPOSE_RUN_OPTIONS_INIT { BERTH_COMPOSE_RUN_OPTIONS_VERSION, NULL, 0, -1, NULL, NULL }

/**
 * Stop the project's containers (of the named services, or all), in
 * reverse dependency order: dependants first. Start starts them again in
 * dependency order, without waiting for conditions (up does that);
 * restart is stop, then start. opts may be NULL.
 * @return 0; BERTH_EINVAL (a service not in the project, bad options);
 *   BERTH_ENOTFOUND (start: a service without a container: up first);
 *   the engine's errors.
 */
BERTH_API int berth_compose_stop(berth_client *client, const berth_compose *project,
				 const berth_compose_run_options *opts, berth_error *err);
BERTH_API int berth_compose_start(berth_client *client, const berth_compose *project,
				  const berth_compose_run_options *opts, berth_error *err);
BERTH_API int berth_compose_restart(berth_client *client, const berth_compose *project,
				    const berth_compose_run_options *opts, berth_error *err);

/**
 * The project's containers (stopped ones too), by label; the service is
 * berth_container_list_label(list, i, BERTH_COMPOSE_LABEL_SERVICE).
 * Free with berth_container_list_free().
 * @return 0; BERTH_EINVAL (empty name); the engine's errors.
 */
BERTH_API int berth_compose_ps(berth_container_list **out, berth_client *client, const char *name,
			       berth_error *err);

/**
 * The container name of a service's (first) container: container_name
 * when the file gives one, else PROJECT-SERVICE-1. Borrowed; NULL when
 * there is no such service.
 */
BERTH_API const char *berth_compose_container_name(const berth_compose *project, const char *service);

#ifdef __cplusplus
}
#endif
#endif
