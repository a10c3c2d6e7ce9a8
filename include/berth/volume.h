/* berth — volumes: create, list, inspect, remove, prune.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A volume is storage the engine keeps apart from any container, mounted
 * into containers by name (berth_spec_add_volume(), `-v NAME:/path`). It
 * outlives the containers that use it: only berth_volume_remove(),
 * berth_volume_prune() or the removal of a container with its volumes
 * (an anonymous volume only) takes it away.
 *
 * Engine differences: Docker and Podman keep volumes themselves (the
 * Engine API's /volumes). containerd has none: berth keeps its own store,
 * a directory per volume under $BERTH_CONTAINERD_VOLUME_DIR (default
 * /var/lib/berth/containerd/volumes), then /<namespace>/<name>, holding
 * `_data` (the mountpoint) and `volume.json` (labels, options, the time
 * of creation), as nerdctl does. Only the `local` driver exists there.
 */
#ifndef BERTH_VOLUME_H
#define BERTH_VOLUME_H

#include <berth/client.h>
#include <berth/container.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- create ------------------------------------------------------------- */

#define BERTH_VOLUME_CREATE_OPTIONS_VERSION 1
typedef struct berth_volume_create_options {
	unsigned int version;              /**< BERTH_VOLUME_CREATE_OPTIONS_VERSION */
	const char *driver;                /**< NULL or "local" */
	const char *const *driver_opts;    /**< "key=value": the local driver's `type`,
	                                        `device`, `o` (mount(8)'s) */
	size_t driver_opt_count;
	const char *const *labels;         /**< "key=value" (or "key": empty value) */
	size_t label_count;
} berth_volume_create_options;
#define BERTH_VOLUME_CREATE_OPTIONS_INIT { BERTH_VOLUME_CREATE_OPTIONS_VERSION, NULL, NULL, 0, NULL, 0 }

/**
 * Create a volume. name NULL or "" lets the engine pick one (64 hex
 * digits); otherwise it is [A-Za-z0-9][A-Za-z0-9_.-]+. When the client
 * has an owner, the volume carries it as BERTH_LABEL_OWNER (berth/owner.h)
 * unless the labels set that key. *out_name (may be NULL) gets the
 * volume's name; free it with berth_free(). opts may be NULL.
 * Creating a name that exists answers 0 and leaves that volume as it is
 * (its labels and options are not changed), as Docker does.
 * Driver options: on Docker and Podman the engine checks them when the
 * volume is first mounted; on containerd berth takes type=none with
 * o=bind (or rbind) and device=/absolute/dir: the mountpoint is then the
 * device itself (it must exist); anything else is BERTH_EUNSUPPORTED.
 * @return 0; BERTH_EINVAL (a malformed name, option or label, options
 *   version); BERTH_EUNSUPPORTED (containerd: a driver other than local,
 *   a driver option it cannot honour); BERTH_EPROTOCOL; transport errors.
 */
BERTH_API int berth_volume_create(char **out_name, berth_client *client, const char *name,
				  const berth_volume_create_options *opts, berth_error *err);

/* ---- inspect ------------------------------------------------------------ */

/** One volume's record (opaque). */
typedef struct berth_volume_info berth_volume_info;

/**
 * Inspect a volume by name. The record includes the containers that use
 * it (berth_volume_info_user_*), whatever their state.
 * @return 0; BERTH_ENOTFOUND; BERTH_EINVAL (a malformed name);
 *   BERTH_EPROTOCOL; transport errors.
 */
BERTH_API int berth_volume_inspect(berth_volume_info **out, berth_client *client, const char *name,
				   berth_error *err);
BERTH_API void berth_volume_info_free(berth_volume_info *info);
BERTH_API const char *berth_volume_info_name(const berth_volume_info *info);
/** "local" (other drivers where the engine has them). */
BERTH_API const char *berth_volume_info_driver(const berth_volume_info *info);
/** The host directory that holds the volume's files (containerd: its
 *  `_data`, or the device of a bind volume). */
BERTH_API const char *berth_volume_info_mountpoint(const berth_volume_info *info);
/** RFC 3339 creation time as the engine records it; "" when absent. */
BERTH_API const char *berth_volume_info_created(const berth_volume_info *info);
/** Labels, in key order. */
BERTH_API size_t berth_volume_info_label_count(const berth_volume_info *info);
BERTH_API const char *berth_volume_info_label_key(const berth_volume_info *info, size_t i);
BERTH_API const char *berth_volume_info_label_value(const berth_volume_info *info, size_t i);
/** The value of one label, NULL when absent. */
BERTH_API const char *berth_volume_info_label(const berth_volume_info *info, const char *key);
/** Driver options, in key order. */
BERTH_API size_t berth_volume_info_option_count(const berth_volume_info *info);
BERTH_API const char *berth_volume_info_option_key(const berth_volume_info *info, size_t i);
BERTH_API const char *berth_volume_info_option_value(const berth_volume_info *info, size_t i);
/** The names of the containers that use the volume (inspect only: a list
 *  entry has none), sorted. */
BERTH_API size_t berth_volume_info_user_count(const berth_volume_info *info);
BERTH_API const char *berth_volume_info_user(const berth_volume_info *info, size_t i);
/** The engine's record as JSON (containerd: berth's, Docker-shaped). Borrowed. */
BERTH_API const char *berth_volume_info_raw_json(const berth_volume_info *info);

/* ---- list --------------------------------------------------------------- */

#define BERTH_VOLUME_LIST_OPTIONS_VERSION 1
typedef struct berth_volume_list_options {
	unsigned int version;        /**< BERTH_VOLUME_LIST_OPTIONS_VERSION */
	const char *const *labels;   /**< "key" or "key=value" filters (all must match) */
	size_t label_count;
} berth_volume_list_options;
#define BERTH_VOLUME_LIST_OPTIONS_INIT { BERTH_VOLUME_LIST_OPTIONS_VERSION, NULL, 0 }

/** The volumes of the engine (opaque), sorted by name. */
typedef struct berth_volume_list berth_volume_list;

/**
 * List the volumes that match every label filter. opts may be NULL.
 * @return 0; BERTH_EINVAL (an empty filter, options version);
 *   BERTH_EPROTOCOL; transport errors.
 */
BERTH_API int berth_volume_list_get(berth_volume_list **out, berth_client *client,
				    const berth_volume_list_options *opts, berth_error *err);
BERTH_API void berth_volume_list_free(berth_volume_list *list);
BERTH_API size_t berth_volume_list_count(const berth_volume_list *list);
/** Entry i, borrowed from the list (its users are not filled); NULL for a
 *  bad index. */
BERTH_API const berth_volume_info *berth_volume_list_at(const berth_volume_list *list, size_t i);

/* ---- remove, prune ------------------------------------------------------ */

#define BERTH_VOLUME_REMOVE_OPTIONS_VERSION 1
typedef struct berth_volume_remove_options {
	unsigned int version;   /**< BERTH_VOLUME_REMOVE_OPTIONS_VERSION */
	int force;              /**< see berth_volume_remove() */
} berth_volume_remove_options;
#define BERTH_VOLUME_REMOVE_OPTIONS_INIT { BERTH_VOLUME_REMOVE_OPTIONS_VERSION, 0 }

/**
 * Remove a volume and its files (a bind volume's device is left alone).
 * A volume that a container uses (whatever its state) is refused with
 * BERTH_ECONFLICT, the message naming the containers.
 * Engine differences in force: Podman removes the containers that use the
 * volume, then the volume; Docker refuses a volume in use even forced (its
 * force only forgets a volume whose driver is gone): BERTH_ECONFLICT;
 * containerd (berth's store) does as Docker, so that no container is left
 * with a mount of nothing.
 * @return 0; BERTH_ENOTFOUND; BERTH_ECONFLICT (in use); BERTH_EINVAL
 *   (a malformed name); transport errors.
 */
BERTH_API int berth_volume_remove(berth_client *client, const char *name, const berth_volume_remove_options *opts,
				  berth_error *err);

#define BERTH_VOLUME_PRUNE_OPTIONS_VERSION 1
typedef struct berth_volume_prune_options {
	unsigned int version;        /**< BERTH_VOLUME_PRUNE_OPTIONS_VERSION */
	const char *const *labels;   /**< "key" or "key=value": only volumes that carry
	                                  them all */
	size_t label_count;
} berth_volume_prune_options;
#define BERTH_VOLUME_PRUNE_OPTIONS_INIT { BERTH_VOLUME_PRUNE_OPTIONS_VERSION, NULL, 0 }

/**
 * Remove the volumes no container uses that match every label filter.
 * WITHOUT A LABEL FILTER IT GOES OVER EVERY VOLUME OF THE ENGINE, as
 * `docker volume prune` does (Docker 20.10: named and anonymous ones).
 * *out (may be NULL) lists the names removed (berth_prune_result_id()) and
 * the space freed where the engine says (Docker; Podman and containerd: 0
 * unless the engine counts it); free it with berth_prune_result_free().
 * Engine differences: Podman's label filters of volumes match when any
 * does; berth filters its lists itself, and a prune by more than one
 * label removes the volumes that carry them all one at a time.
 * @return 0; BERTH_EINVAL (an empty label filter, options version);
 *   BERTH_ECONFLICT (another prune is running on the engine);
 *   BERTH_EPROTOCOL; transport errors.
 */
BERTH_API int berth_volume_prune(berth_prune_result **out, berth_client *client,
				 const berth_volume_prune_options *opts, berth_error *err);

#ifdef __cplusplus
}
#endif

#endif
