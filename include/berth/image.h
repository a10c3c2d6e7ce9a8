/* berth — images already in the engine's store: list, inspect, exists, tag,
 * remove, and import of a docker-save / OCI archive.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_IMAGE_H
#define BERTH_IMAGE_H

#include <berth/client.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- list --------------------------------------------------------------- */

#define BERTH_IMAGE_LIST_OPTIONS_VERSION 1
typedef struct berth_image_list_options {
	unsigned int version;        /**< BERTH_IMAGE_LIST_OPTIONS_VERSION */
	const char *const *labels;   /**< "key" or "key=value" filters (all must match) */
	size_t label_count;
} berth_image_list_options;
#define BERTH_IMAGE_LIST_OPTIONS_INIT { BERTH_IMAGE_LIST_OPTIONS_VERSION, NULL, 0 }

/** The images of the store (opaque). */
typedef struct berth_image_list berth_image_list;

/**
 * List the images. opts may be NULL.
 * Engine differences: Docker and Podman list one entry per image (all its
 * tags in it); containerd keeps one record per name, so berth groups its
 * records by target digest into one entry with every name as a tag.
 * containerd's "id" is the image's config digest, as Docker's is.
 * @return 0; BERTH_EINVAL (bad filter, options version); BERTH_EPROTOCOL;
 *   transport errors.
 */
BERTH_API int berth_image_list_get(berth_image_list **out, berth_client *client,
				   const berth_image_list_options *opts, berth_error *err);
BERTH_API void berth_image_list_free(berth_image_list *list);
BERTH_API size_t berth_image_list_count(const berth_image_list *list);
/** "sha256:..." (the config digest). NULL for a bad index. */
BERTH_API const char *berth_image_list_id(const berth_image_list *list, size_t i);
/** Names "repo:tag" of entry i ("<none>" ones left out). */
BERTH_API size_t berth_image_list_tag_count(const berth_image_list *list, size_t i);
BERTH_API const char *berth_image_list_tag(const berth_image_list *list, size_t i, size_t j);
/** Digests "repo@sha256:..." (Docker, Podman) or the target digest (containerd). */
BERTH_API size_t berth_image_list_digest_count(const berth_image_list *list, size_t i);
BERTH_API const char *berth_image_list_digest(const berth_image_list *list, size_t i, size_t j);
/** Size in bytes as the engine counts it (containerd: the compressed
 *  content of the image's platform); creation time, seconds since the epoch. */
BERTH_API int64_t berth_image_list_size(const berth_image_list *list, size_t i);
BERTH_API int64_t berth_image_list_created(const berth_image_list *list, size_t i);
BERTH_API size_t berth_image_list_label_count(const berth_image_list *list, size_t i);
BERTH_API const char *berth_image_list_label_key(const berth_image_list *list, size_t i, size_t j);
BERTH_API const char *berth_image_list_label_value(const berth_image_list *list, size_t i, size_t j);
/** The value of one label of entry i, NULL when absent. */
BERTH_API const char *berth_image_list_label(const berth_image_list *list, size_t i, const char *key);

/* ---- inspect ------------------------------------------------------------ */

/** One image's record (opaque). */
typedef struct berth_image_info berth_image_info;

/**
 * Inspect an image by name ("repo:tag", "repo" meaning ":latest") or id.
 * @return 0; BERTH_ENOTFOUND; BERTH_EINVAL (empty or malformed name);
 *   BERTH_EPROTOCOL; transport errors.
 */
BERTH_API int berth_image_inspect(berth_image_info **out, berth_client *client, const char *name,
				  berth_error *err);
BERTH_API void berth_image_info_free(berth_image_info *info);
BERTH_API const char *berth_image_info_id(const berth_image_info *info);
BERTH_API size_t berth_image_info_tag_count(const berth_image_info *info);
BERTH_API const char *berth_image_info_tag(const berth_image_info *info, size_t i);
/** "amd64", "linux"; "" when the image does not say. */
BERTH_API const char *berth_image_info_architecture(const berth_image_info *info);
BERTH_API const char *berth_image_info_os(const berth_image_info *info);
/** RFC 3339 creation time as the image records it; "" when absent. */
BERTH_API const char *berth_image_info_created(const berth_image_info *info);
/** The image config: entrypoint, cmd and env as lists; user, workdir. */
BERTH_API size_t berth_image_info_entrypoint_count(const berth_image_info *info);
BERTH_API const char *berth_image_info_entrypoint(const berth_image_info *info, size_t i);
BERTH_API size_t berth_image_info_cmd_count(const berth_image_info *info);
BERTH_API const char *berth_image_info_cmd(const berth_image_info *info, size_t i);
BERTH_API size_t berth_image_info_env_count(const berth_image_info *info);
BERTH_API const char *berth_image_info_env(const berth_image_info *info, size_t i);
BERTH_API const char *berth_image_info_user(const berth_image_info *info);
BERTH_API const char *berth_image_info_workdir(const berth_image_info *info);
/** Labels of the image config, in key order. */
BERTH_API size_t berth_image_info_label_count(const berth_image_info *info);
BERTH_API const char *berth_image_info_label_key(const berth_image_info *info, size_t i);
BERTH_API const char *berth_image_info_label_value(const berth_image_info *info, size_t i);
BERTH_API const char *berth_image_info_label(const berth_image_info *info, const char *key);
/** Exposed ports, "8080/tcp", sorted. */
BERTH_API size_t berth_image_info_exposed_port_count(const berth_image_info *info);
BERTH_API const char *berth_image_info_exposed_port(const berth_image_info *info, size_t i);
/** The image's HEALTHCHECK: whether it has one, its test (["CMD-SHELL",
 *  "..."] as recorded) and timings in milliseconds (0 when unset).
 *  Engine differences: only Docker-format image configs carry a health
 *  check; an image Podman built in OCI format has none. */
BERTH_API int berth_image_info_has_healthcheck(const berth_image_info *info);
BERTH_API size_t berth_image_info_health_test_count(const berth_image_info *info);
BERTH_API const char *berth_image_info_health_test(const berth_image_info *info, size_t i);
BERTH_API int64_t berth_image_info_health_interval_ms(const berth_image_info *info);
BERTH_API int64_t berth_image_info_health_timeout_ms(const berth_image_info *info);
BERTH_API int64_t berth_image_info_health_start_period_ms(const berth_image_info *info);
BERTH_API int berth_image_info_health_retries(const berth_image_info *info);
/** The engine's record as JSON (Docker/Podman: the inspect reply;
 *  containerd: the image config blob). Borrowed. */
BERTH_API const char *berth_image_info_raw_json(const berth_image_info *info);

/**
 * Whether an image is in the store: *out gets 1 or 0.
 * @return 0 (also when it is absent); BERTH_EINVAL; transport errors.
 */
BERTH_API int berth_image_exists(int *out, berth_client *client, const char *name, berth_error *err);

/* ---- tag, remove -------------------------------------------------------- */

/**
 * Give image `source` (name or id) the extra name `target` ("repo:tag";
 * "repo" means ":latest"). An existing target name is moved.
 * @return 0; BERTH_ENOTFOUND (no source); BERTH_EINVAL (malformed target);
 *   transport errors.
 */
BERTH_API int berth_image_tag(berth_client *client, const char *source, const char *target, berth_error *err);

#define BERTH_IMAGE_REMOVE_OPTIONS_VERSION 1
typedef struct berth_image_remove_options {
	unsigned int version;   /**< BERTH_IMAGE_REMOVE_OPTIONS_VERSION */
	int force;              /**< remove even when containers use it / it has several names */
} berth_image_remove_options;
#define BERTH_IMAGE_REMOVE_OPTIONS_INIT { BERTH_IMAGE_REMOVE_OPTIONS_VERSION, 0 }

/**
 * Remove an image name (the image itself once its last name goes).
 * Engine differences: Docker and Podman refuse an image a container uses
 * (BERTH_ECONFLICT) unless forced; containerd does not track that, so berth
 * checks its containers' image field itself, with the same result.
 * @return 0; BERTH_ENOTFOUND; BERTH_ECONFLICT (in use, without force);
 *   BERTH_EINVAL; transport errors.
 */
BERTH_API int berth_image_remove(berth_client *client, const char *name, const berth_image_remove_options *opts,
				 berth_error *err);

/* ---- import ------------------------------------------------------------- */

#define BERTH_IMAGE_IMPORT_OPTIONS_VERSION 1
typedef struct berth_image_import_options {
	unsigned int version;   /**< BERTH_IMAGE_IMPORT_OPTIONS_VERSION */
	const char *path;       /**< the archive's path, or NULL to read fd */
	int fd;                 /**< an open archive (read to its end, not closed); -1 with path */
} berth_image_import_options;
#define BERTH_IMAGE_IMPORT_OPTIONS_INIT { BERTH_IMAGE_IMPORT_OPTIONS_VERSION, NULL, -1 }

/**
 * Load the images of a `docker save` archive (or an OCI image layout tar
 * with an index.json naming its images) into the store.
 * *out_names, when out_names is not NULL, gets the names loaded, one per
 * line (free with berth_free()).
 * Engine differences: Docker and Podman load through POST /images/load
 * (Docker 20.10 loads docker-save archives only: an OCI layout is its
 * BERTH_EENGINE); containerd natively: berth reads the tar, writes each
 * blob through the content service, creates the image records and unpacks
 * the layers into the overlayfs snapshotter (so containers can be made from
 * it at once). An image without a name is reported by its id. On
 * containerd, an OCI layout's manifests are named by their
 * io.containerd.image.name or org.opencontainers.image.ref.name annotation
 * when that is a full name; an index is resolved to this host's platform.
 * @return 0; BERTH_EINVAL (neither or both of path and fd, not an archive
 *   berth understands, a layer that does not match its digest);
 *   BERTH_ENOTFOUND (no such path); BERTH_EENGINE (the engine refused the
 *   archive); BERTH_EUNSUPPORTED (containerd: an index without a manifest
 *   for this platform); BERTH_EPROTOCOL; transport errors.
 */
BERTH_API int berth_image_import(char **out_names, berth_client *client, const berth_image_import_options *opts,
				 berth_error *err);

#ifdef __cplusplus
}
#endif
#endif
