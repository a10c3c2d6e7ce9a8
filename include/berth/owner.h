/* berth — ownership: what a supervisor made, finding it again after a
 * restart, replacing it (up) and reaping what it no longer wants.
 *
 * Every container berth creates carries BERTH_LABEL_MANAGED, the client's
 * owner (BERTH_LABEL_OWNER, when the client has one) and
 * BERTH_LABEL_SPEC_HASH, the SHA-256 of the spec it was made from (see
 * berth_spec_hash()). With those, a supervisor that restarts can adopt the
 * containers whose spec did not change, replace those whose spec did, and
 * reap the ones it no longer wants, without a privileged reaper.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_OWNER_H
#define BERTH_OWNER_H

#include <berth/container.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BERTH_LABEL_SPEC_HASH "io.berth.spec-hash" /**< hex SHA-256 of the spec */

/**
 * The spec's hash: hex SHA-256 (64 characters and a NUL) of
 * berth_spec_canonical_json() of the spec without its name (the name is
 * how a container is found; the hash says whether what it runs changed).
 * @return 0; BERTH_EINVAL (NULL spec); BERTH_ENOMEM.
 */
BERTH_API int berth_spec_hash(char out[65], const berth_spec *spec, berth_error *err);

/**
 * List every container (running or not) that berth made for `owner`
 * (NULL: the client's owner option). Free with berth_container_list_free().
 * @return 0; BERTH_EINVAL (no owner given and none on the client);
 *   transport errors.
 */
BERTH_API int berth_owner_list(berth_container_list **out, berth_client *client, const char *owner,
			       berth_error *err);

/**
 * Adopt the container a previous run made from this spec: the container
 * named like the spec, made by berth for the client's owner, whose spec
 * hash equals this spec's. Its state is not changed (a stopped one stays
 * stopped). *out_id gets its id (free with berth_free()).
 * @return 0; BERTH_EINVAL (the spec has no name); BERTH_ENOTFOUND (no
 *   container has that name); BERTH_ECONFLICT (one does, but another owner
 *   or no berth made it, or its spec hash differs: the message says which);
 *   transport errors.
 */
BERTH_API int berth_container_adopt(char **out_id, berth_client *client, const berth_spec *spec, berth_error *err);

/**
 * Bring a spec up: create and start its container, replacing a container
 * of the same name that berth made for this owner (remove-before-start).
 * The new container is created first under a temporary name, so a spec
 * the engine refuses (a missing image, a bad field) leaves the old one
 * running and untouched; then the old one is removed with force (named
 * volumes are kept; anonymous volumes too), the new one renamed and
 * started. A container of that name that berth did not make for this
 * owner is never removed.
 * @return 0; BERTH_EINVAL (no name, bad spec); BERTH_ECONFLICT (the name
 *   belongs to a container of another owner or not made by berth);
 *   BERTH_ENOTFOUND (no such image); the start's errors (then the new
 *   container is removed again); transport errors.
 */
BERTH_API int berth_container_up(char **out_id, berth_client *client, const berth_spec *spec, berth_error *err);

/**
 * Remove, with force, every container berth made for `owner` (NULL: the
 * client's owner), except those whose name or id is in keep. Named volumes
 * are kept. *removed (may be NULL) gets how many were removed; it counts
 * also when an error ends the reaping early.
 * @return 0; BERTH_EINVAL (no owner); transport errors.
 */
BERTH_API int berth_owner_reap(size_t *removed, berth_client *client, const char *owner, const char *const *keep,
			       size_t keep_count, berth_error *err);

#ifdef __cplusplus
}
#endif
#endif
