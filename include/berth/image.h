/* berth — images already in the engine's store: list, inspect, exists, tag,
 * remove, and import of a docker-save / OCI archive.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_IMAGE_H
#define BERTH_IMAGE_H

#include <berth/client.h>
#include <berth/stream.h>

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
/** Digests "repo@sha256:..." (containerd: one per name, with its record's
 *  target digest; see berth_image_info_digest()). */
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
/** The image's digests: "repo@sha256:..." as Docker and Podman keep them
 *  (one per repository it was pulled from or pushed to; none for an image
 *  built or loaded here); containerd: "repo@sha256:..." for each of the
 *  image's names, with its record's target digest (what a pull by that
 *  digest would fetch, for a name that came from its registry). */
BERTH_API size_t berth_image_info_digest_count(const berth_image_info *info);
BERTH_API const char *berth_image_info_digest(const berth_image_info *info, size_t i);
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
 * with an index.json naming its images) into the store: docker's `load`.
 * The archive may be compressed with gzip or zstd: berth takes the
 * compression off itself as it reads (Docker 20.10 would take only gzip,
 * Podman 4.3 only zstd), so every engine gets the plain tar. Its first
 * block is checked to be a tar header before anything is sent.
 * *out_names, when out_names is not NULL, gets the names loaded, one per
 * line (free with berth_free()).
 * Engine differences: Docker and Podman load through POST /images/load,
 * the archive sent as it is read (a chunked upload: memory does not grow
 * with its size). Docker 20.10 loads docker-save archives only: an OCI
 * layout is its BERTH_EENGINE. containerd natively: berth reads the tar
 * (a plain regular file is mapped; a pipe or a compressed archive is first
 * written out plain to an unlinked temporary file in $TMPDIR or /var/tmp),
 * writes each blob through the content service, creates the image records
 * and unpacks the layers into the overlayfs snapshotter (so containers can
 * be made from it at once). An image without a name is reported by its id.
 * On containerd, an OCI layout's manifests are named by their
 * io.containerd.image.name or org.opencontainers.image.ref.name annotation
 * when that is a full name; an index is resolved to this host's platform.
 * @return 0; BERTH_EINVAL (neither or both of path and fd, not a tar
 *   archive nor a gzip or zstd compressed one, compressed data that is
 *   cut short or malformed, an archive berth understands not (containerd),
 *   a layer that does not match its digest); BERTH_ENOTFOUND (no such
 *   path); BERTH_EENGINE (the engine refused the archive);
 *   BERTH_EUNSUPPORTED (containerd: an index without a manifest for this
 *   platform); BERTH_EPROTOCOL; transport errors.
 */
BERTH_API int berth_image_import(char **out_names, berth_client *client, const berth_image_import_options *opts,
				 berth_error *err);

/* ---- save, and import of a root file system ---------------------------------- */

/**
 * Save images as one `docker save` archive, streamed: frames on
 * BERTH_CHANNEL_STDOUT carry the tar's bytes in order; read them until
 * BERTH_ITEROVER (memory stays bounded: a frame is what one read of the
 * reply gave). names are names ("repo:tag", "repo" meaning ":latest") or
 * ids, at least one; the archive loads back with berth_image_import() (a
 * name keeps its name, an image saved by id loads without one).
 *
 * Ownership: *out is the caller's (berth_stream_free(); freeing it early
 * stops the transfer).
 *
 * Engine differences: Docker answers GET /images/get?names=... with the
 * docker-save format (manifest.json, repositories, <id>.json and one
 * <id>/layer.tar per layer). Podman's compat endpoint gives the same
 * docker-archive format (its layers as <digest>.tar, with the same
 * manifest.json). containerd natively: berth writes the docker-save tar
 * from the content store as it is read (each config and layer blob in
 * ranged reads, a layer two images share once, manifest.json last; no
 * "repositories" file); a layer the store keeps compressed (pulled) is
 * taken plain first into an unlinked file in $TMPDIR or /var/tmp (its tar
 * header needs the size) and goes in under its diff id, as docker save
 * writes layers, so any docker-save reader loads the archive.
 *
 * @return 0; BERTH_EINVAL (no names, more than 256, an empty or malformed
 *   one; before any request); BERTH_ENOTFOUND (an image is not in the
 *   store); transport errors. Mid-stream:
 *   BERTH_EUNAVAILABLE when the engine goes away.
 */
BERTH_API int berth_image_save(berth_stream **out, berth_client *client, const char *const *names, size_t count,
			       berth_error *err);

#define BERTH_IMAGE_IMPORT_ROOTFS_OPTIONS_VERSION 1
typedef struct berth_image_import_rootfs_options {
	unsigned int version;       /**< BERTH_IMAGE_IMPORT_ROOTFS_OPTIONS_VERSION */
	const char *path;           /**< the tarball's path, or NULL to read fd */
	int fd;                     /**< an open tarball (read to its end, not closed); -1 with path */
	const char *ref;            /**< the new image's name "repo[:tag]" ("repo" meaning
	                                 ":latest"); NULL: no name (refer to it by its id) */
	const char *message;        /**< the comment of its history step; NULL: none */
	/** Dockerfile instructions applied to its config, as docker's
	 *  --change: "CMD [\"sh\"]", "ENV A=b", "WORKDIR /x"; one of CMD,
	 *  ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME,
	 *  WORKDIR, then its arguments, on one line. */
	const char *const *changes;
	size_t change_count;
} berth_image_import_rootfs_options;
#define BERTH_IMAGE_IMPORT_ROOTFS_OPTIONS_INIT { BERTH_IMAGE_IMPORT_ROOTFS_OPTIONS_VERSION, NULL, -1, NULL, NULL, NULL, 0 }

/**
 * Make a new image of one layer from a tarball of a root file system (as
 * berth_container_export() writes one): docker's `import`. The tarball may
 * be gzip or zstd compressed (berth takes that off, as for a load); it is
 * sent as it is read. *out_id (may be NULL; the caller's, berth_free())
 * gets the new image's id "sha256:...".
 * Engine differences: Docker and Podman through POST
 * /images/create?fromSrc=- (the name as one repo=NAME:TAG parameter, which
 * both read alike; Podman's compat endpoint ignores a separate tag). The
 * image's platform is the engine's. containerd natively: the tarball is
 * spooled to an unlinked file in $TMPDIR or /var/tmp (hashed on the way:
 * its digest is the layer's diff id), written through the content service
 * as an uncompressed layer with a Docker schema 2 config and manifest made
 * by berth (this host's architecture), unpacked into the overlayfs
 * snapshotter; an image without ref gets a record named by its id
 * ("sha256:...").
 * @return 0; BERTH_EINVAL (neither or both of path and fd, a malformed
 *   ref, an id or digest as ref, an unknown instruction or a line break in
 *   a change, not a tar archive; before any request); BERTH_ENOTFOUND (no
 *   such path); BERTH_EENGINE (the engine refused the tarball);
 *   BERTH_EPROTOCOL; transport errors.
 */
BERTH_API int berth_image_import_rootfs(char **out_id, berth_client *client,
					const berth_image_import_rootfs_options *opts, berth_error *err);

/* ---- history ------------------------------------------------------------- */

/** How an image was made, step by step (opaque). */
typedef struct berth_image_history berth_image_history;

/**
 * The steps that made an image, newest first, as `docker history` shows
 * them: each with the command that made it, its time, the size of the
 * layer it added (0 for a step that changed only the configuration) and
 * its comment. Free with berth_image_history_free().
 * Engine differences: Docker and Podman answer GET /images/NAME/history;
 * the ids of steps that are no image of their own are "<missing>" (Docker
 * keeps ids for images built here; Podman gives ids without "sha256:", and
 * its newest step's id is not the image's: 4.3 names it after its build
 * step).
 * containerd: berth reads the image config's history and the manifest's
 * layer sizes (the newest step's id is the image's id, the rest
 * "<missing>"); an image whose config has no history gets one step per
 * layer, with an empty command.
 * @return 0; BERTH_ENOTFOUND; BERTH_EINVAL (empty or malformed name);
 *   BERTH_EPROTOCOL; transport errors.
 */
BERTH_API int berth_image_history_get(berth_image_history **out, berth_client *client, const char *name,
				      berth_error *err);
BERTH_API void berth_image_history_free(berth_image_history *history);
BERTH_API size_t berth_image_history_count(const berth_image_history *history);
/** The step's image id, or "<missing>". NULL for a bad index. */
BERTH_API const char *berth_image_history_id(const berth_image_history *history, size_t i);
/** Seconds since the epoch (0 when unknown). */
BERTH_API int64_t berth_image_history_created(const berth_image_history *history, size_t i);
BERTH_API const char *berth_image_history_created_by(const berth_image_history *history, size_t i);
BERTH_API const char *berth_image_history_comment(const berth_image_history *history, size_t i);
/** Bytes of the layer the step added (0: none): Docker and Podman count it
 *  unpacked, containerd as the manifest's blob (compressed where it is). */
BERTH_API int64_t berth_image_history_size(const berth_image_history *history, size_t i);

/* ---- prune ------------------------------------------------------------------ */

#define BERTH_IMAGE_PRUNE_OPTIONS_VERSION 1
typedef struct berth_image_prune_options {
	unsigned int version;        /**< BERTH_IMAGE_PRUNE_OPTIONS_VERSION */
	int all;                     /**< every image no container uses, not only the
	                                  dangling ones (those without a name) */
	const char *const *labels;   /**< "key" or "key=value": only images that carry
	                                  all of them */
	size_t label_count;
} berth_image_prune_options;
#define BERTH_IMAGE_PRUNE_OPTIONS_INIT { BERTH_IMAGE_PRUNE_OPTIONS_VERSION, 0, NULL, 0 }

/**
 * Remove the images no container uses that match every label filter: the
 * dangling ones, or with opts->all every unused one. WITHOUT A LABEL
 * FILTER IT GOES OVER EVERY IMAGE OF THE ENGINE, as `docker image prune`
 * does. *out (may be NULL) has the ids of the images deleted and the space
 * the engine says it freed (berth_prune_result_*); free it with
 * berth_prune_result_free().
 * Engine differences: Docker (POST /images/prune, dangling as a filter);
 * Podman (its libpod prune: it reports each image's size, berth adds them
 * up). containerd keeps no dangling images (each record is a name), so
 * without opts->all nothing goes; with it, berth removes the records no
 * container names whose image config carries the labels; the space is
 * their content as berth counts it (containerd's garbage collector frees
 * what no other image shares).
 * @return 0; BERTH_EINVAL (an empty label filter); BERTH_ECONFLICT (a prune
 *   is running); BERTH_EPROTOCOL; BERTH_EUNSUPPORTED; transport errors.
 */
BERTH_API int berth_image_prune(berth_prune_result **out, berth_client *client,
				const berth_image_prune_options *opts, berth_error *err);

/* ---- search ---------------------------------------------------------------- */

/** Repositories a search found (opaque). */
typedef struct berth_search_result berth_search_result;

#define BERTH_SEARCH_OPTIONS_VERSION 1
typedef struct berth_search_options {
	unsigned int version;      /**< BERTH_SEARCH_OPTIONS_VERSION */
	int limit;                 /**< at most this many (1..100); 0: 25, as docker */
	int insecure;              /**< as berth_pull_options.insecure (containerd, Podman) */
	/** As berth_pull_options.credentials (containerd: sent to the
	 *  registry; Docker and Podman: X-Registry-Auth). */
	const struct berth_credentials_options *credentials;
} berth_search_options;
#define BERTH_SEARCH_OPTIONS_INIT { BERTH_SEARCH_OPTIONS_VERSION, 0, 0, NULL }

/**
 * Search a registry for repositories, as `docker search` and `podman
 * search` do. term: words to look for ("redis"), or "HOST[:PORT]/words"
 * to search that registry instead of Docker Hub.
 *
 * Engine differences: Docker asks the registry's v1 search API (Docker
 * Hub has it; a registry that speaks only the distribution API answers
 * 404: BERTH_ENOTFOUND or the engine's words as BERTH_EENGINE). Podman
 * (its libpod search) asks Docker Hub's v1 API, and a registry's
 * /v2/_catalog otherwise, matching names that contain the words.
 * containerd: berth asks /v2/_catalog of the registry the term names
 * (through its registry client), as Podman does; a term without a
 * registry is BERTH_EUNSUPPORTED (berth does not speak Docker Hub's v1
 * search). A catalog has no descriptions, stars or official marks.
 *
 * *out is the caller's: berth_search_result_free().
 * @return 0 (also with nothing found); BERTH_EINVAL (an empty term, a
 *   malformed registry, options); BERTH_EPERM; BERTH_EUNAVAILABLE;
 *   BERTH_EUNSUPPORTED; BERTH_EPROTOCOL; transport errors.
 */
BERTH_API int berth_image_search(berth_search_result **out, berth_client *client, const char *term,
				 const berth_search_options *opts, berth_error *err);
BERTH_API void berth_search_result_free(berth_search_result *result);
BERTH_API size_t berth_search_result_count(const berth_search_result *result);
/** "redis", "127.0.0.1:5000/berth-test/busybox": the repository's name as
 *  the engine gives it. NULL for a bad index. */
BERTH_API const char *berth_search_result_name(const berth_search_result *result, size_t i);
/** Its description ("" when none). */
BERTH_API const char *berth_search_result_description(const berth_search_result *result, size_t i);
BERTH_API int64_t berth_search_result_stars(const berth_search_result *result, size_t i);
BERTH_API int berth_search_result_official(const berth_search_result *result, size_t i);
BERTH_API int berth_search_result_automated(const berth_search_result *result, size_t i);

/* ---- pull ------------------------------------------------------------------ */

/** Where one line of a pull's or a push's progress stands. */
typedef enum berth_progress_phase {
	BERTH_PROGRESS_RESOLVING = 1,   /**< finding the image or repository ("Pulling from",
	                                     "Trying to pull", "The push refers to") */
	BERTH_PROGRESS_WAITING = 2,     /**< a layer is queued ("Pulling fs layer", "Preparing", "Waiting") */
	BERTH_PROGRESS_DOWNLOADING = 3, /**< a layer is coming (bytes when the engine says) */
	BERTH_PROGRESS_UPLOADING = 4,   /**< a layer is going (bytes when the engine says) */
	BERTH_PROGRESS_VERIFYING = 5,   /**< its digest is checked */
	BERTH_PROGRESS_DOWNLOADED = 6,  /**< it is all here */
	BERTH_PROGRESS_EXTRACTING = 7,  /**< it is unpacked (bytes when the engine says) */
	BERTH_PROGRESS_DONE = 8,        /**< the layer is in the store (pull) or the registry (push) */
	BERTH_PROGRESS_EXISTS = 9,      /**< the layer was there already (or mounted from
	                                     another repository of the registry) */
	BERTH_PROGRESS_STATUS = 10,     /**< a message about the whole transfer (the digest, ...) */
	BERTH_PROGRESS_FINISHED = 11,   /**< the image is in the store (pull) or the registry
	                                     (push): the last frame where the engine says so */
} berth_progress_phase;

/** "resolving", "waiting", "downloading", "uploading", ..., "finished"; "unknown". */
BERTH_API const char *berth_progress_phase_name(berth_progress_phase phase);

/** One progress line (opaque): the item of a pull's or push's stream
 *  frames, borrowed until the next berth_stream_next(). */
typedef struct berth_image_progress berth_image_progress;

BERTH_API berth_progress_phase berth_image_progress_phase(const berth_image_progress *p);
/** The layer the line is about: the engine's short id (Docker: 12 hex
 *  digits; Podman: the blob digest's first 12), "" for the whole transfer. */
BERTH_API const char *berth_image_progress_layer(const berth_image_progress *p);
/** Bytes done and in all, -1 when the engine does not say (Podman never
 *  does). */
BERTH_API int64_t berth_image_progress_current(const berth_image_progress *p);
BERTH_API int64_t berth_image_progress_total(const berth_image_progress *p);
/** The engine's own words for the line ("Downloading", "Copying blob
 *  sha256:...", "Status: Downloaded newer image for ..."). */
BERTH_API const char *berth_image_progress_message(const berth_image_progress *p);
/** The manifest digest ("sha256:...") on the line that says it (Docker's
 *  "Digest:" line of a pull, its "TAG: digest:" line and the FINISHED
 *  line of a push), else "". */
BERTH_API const char *berth_image_progress_digest(const berth_image_progress *p);
/** The image id on the FINISHED line of a pull where the engine says it
 *  (Podman), else "". */
BERTH_API const char *berth_image_progress_image_id(const berth_image_progress *p);

#define BERTH_PULL_OPTIONS_VERSION 1

typedef struct berth_pull_options {
	unsigned int version;      /**< BERTH_PULL_OPTIONS_VERSION */
	const char *platform;      /**< "os/arch[/variant]"; NULL: the engine's own */
	int all_tags;              /**< every tag of the repository (the reference has none) */
	int insecure;              /**< plain HTTP or an unverified certificate for this
	                                registry (Podman: per pull; Docker: its daemon's
	                                insecure-registries decide, see below) */
	/** How the registry's credentials are found (<berth/registry.h>):
	 *  explicit ones, or where to look. NULL: berth_credentials_get()'s
	 *  defaults, with Podman's convention on Podman (its auth.json first)
	 *  and Docker's elsewhere. They go to the engine in X-Registry-Auth,
	 *  never in a URL, an argument or a message. */
	const struct berth_credentials_options *credentials;
} berth_pull_options;

#define BERTH_PULL_OPTIONS_INIT { BERTH_PULL_OPTIONS_VERSION, NULL, 0, 0, NULL }

/**
 * Pull an image from its registry into the engine's store, as a stream of
 * progress frames (channel BERTH_CHANNEL_SYSTEM, item a berth_image_progress,
 * data the engine's JSON line), ending with a FINISHED frame and then
 * BERTH_ITEROVER. A reference without tag or digest means ":latest"
 * (unless all_tags).
 *
 * An error the engine reports inside its (successful) reply ends the
 * stream: berth_stream_next() returns it classified from the registry's
 * words, with them in the message: BERTH_ENOTFOUND (no such repository,
 * tag or manifest), BERTH_EPERM (authentication required, denied, wrong
 * credentials), BERTH_EUNAVAILABLE (registry unreachable, refused, DNS,
 * TLS), otherwise BERTH_EENGINE. A stream that ends without its FINISHED
 * frame is BERTH_EPROTOCOL.
 *
 * Ownership: *out is the caller's (berth_stream_free(); freeing it early
 * stops reading, the engine may finish the pull by itself).
 *
 * Engine differences: Docker (POST /images/create) reports each layer's
 * phases with bytes; plain HTTP works for registries on 127.0.0.0/8 and
 * localhost and those in the daemon's insecure-registries (opts->insecure
 * cannot change that). Podman (its libpod pull) reports "Trying to pull",
 * one "Copying blob" per layer (DOWNLOADING, no bytes, or EXISTS when it
 * is skipped), the config, and the image id at the end: no byte progress
 * and no per-layer completion; berth asks for no TLS verification for
 * registries on 127.0.0.0/8 and localhost, as Docker does, and where
 * opts->insecure says so (Podman 4.3 lists the tags of an all_tags pull
 * over HTTPS regardless: a plain-HTTP registry then fails with
 * BERTH_EUNAVAILABLE). containerd (no pull in its API before 2.0):
 * berth pulls itself, as containerd's own client does, and leaves the same
 * image record, content and unpacked snapshots as `ctr images pull`:
 * RESOLVING, per layer WAITING, DOWNLOADING with bytes (a MiB at a time;
 * a reader that falls behind gets the latest count), DOWNLOADED (after
 * berth and containerd checked its digest and size) or EXISTS when the
 * content store has it, EXTRACTING and DONE as each layer is unpacked
 * (while the layers above it still download: up to three download at
 * once, each through threads of berth's own that block all signals),
 * then a STATUS frame with the digest and FINISHED with the digest and
 * the image id. Credentials go to the registry itself (Basic, or a Bearer
 * token from its token server). HTTPS is verified against the system's
 * CAs and /etc/containerd/certs.d/HOST:PORT/ (else /etc/docker/certs.d/,
 * /etc/containers/certs.d/) *.crt files; plain HTTP is used for a registry
 * on localhost or 127.0.0.0/8 that does not speak TLS, and for one marked
 * insecure (which also skips TLS verification). all_tags pulls the tags
 * of the registry's tag list one after the other (a STATUS frame ends
 * each but the last, which ends with FINISHED). A failed pull deletes its lease: what it
 * wrote is garbage-collected, and a later pull starts over.
 *
 * @return 0; BERTH_EINVAL (a malformed reference, a tag or digest with
 *   all_tags, a bad platform; before any request); BERTH_ENOTFOUND,
 *   BERTH_EPERM (the engine's answer before the stream); BERTH_EUNSUPPORTED;
 *   transport errors.
 */
BERTH_API int berth_image_pull(berth_stream **out, berth_client *client, const char *ref,
			       const berth_pull_options *opts, berth_error *err);

/**
 * Pull and wait for the end: the stream of berth_image_pull() read to its
 * last frame. *out (may be NULL; untouched on failure) gets the pulled
 * image's inspect (none with all_tags: *out is left NULL).
 * @return as berth_image_pull() and its stream's errors.
 */
BERTH_API int berth_image_pull_wait(berth_image_info **out, berth_client *client, const char *ref,
				    const berth_pull_options *opts, berth_error *err);

/* ---- push ------------------------------------------------------------------ */

#define BERTH_PUSH_OPTIONS_VERSION 1

typedef struct berth_push_options {
	unsigned int version;      /**< BERTH_PUSH_OPTIONS_VERSION */
	int insecure;              /**< as berth_pull_options.insecure */
	const struct berth_credentials_options *credentials; /**< as berth_pull_options.credentials */
} berth_push_options;

#define BERTH_PUSH_OPTIONS_INIT { BERTH_PUSH_OPTIONS_VERSION, 0, NULL }

/**
 * Push an image of the store to the registry its name says ("repo"
 * meaning ":latest"), as a stream of progress frames like a pull's (the
 * same item and errors): RESOLVING, per layer WAITING, UPLOADING (bytes on
 * Docker), DONE or EXISTS (the registry had it, or mounted it from another
 * of its repositories), the digest, FINISHED.
 *
 * Ownership: *out is the caller's (berth_stream_free()).
 *
 * Engine differences: Docker (POST /images/NAME/push) reports bytes and
 * ends with a FINISHED frame carrying the manifest digest; Podman (its
 * libpod push) reports "Copying blob" per layer and the config, no bytes,
 * and no digest: its stream just ends. Plain HTTP as for pulls.
 * containerd: berth pushes itself (registry, TLS and credentials as for
 * its pulls): per blob (the layers, then the config) EXISTS when the
 * repository has it, else WAITING, UPLOADING with bytes (one frame per
 * MiB sent) and DONE, then FINISHED with the manifest digest. An image
 * whose record is an index pushes the manifest of this host's platform
 * under the tag.
 *
 * @return 0; BERTH_EINVAL (a malformed name, an id or a digest; before any
 *   request); BERTH_ENOTFOUND (no such image in the store);
 *   BERTH_EUNSUPPORTED; transport errors; the stream's errors as a pull's.
 */
BERTH_API int berth_image_push(berth_stream **out, berth_client *client, const char *ref,
			       const berth_push_options *opts, berth_error *err);

/**
 * Push and wait for the end. *out_digest (may be NULL; the caller's,
 * berth_free()) gets the manifest digest where the engine says it
 * (Docker), else "".
 * @return as berth_image_push() and its stream's errors.
 */
BERTH_API int berth_image_push_wait(char **out_digest, berth_client *client, const char *ref,
				    const berth_push_options *opts, berth_error *err);

#ifdef __cplusplus
}
#endif
#endif
