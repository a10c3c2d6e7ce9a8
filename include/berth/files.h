/* berth — a container's files: filesystem changes (diff), stat of a path,
 * and copying in and out as tar archives (the engine side of `cp`).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_FILES_H
#define BERTH_FILES_H

#include <berth/client.h>
#include <berth/stream.h>

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- diff ------------------------------------------------------------------- */

/** How a path changed against the image (the values are the engines'). */
typedef enum berth_change_kind {
	BERTH_CHANGE_CHANGED = 0,  /**< docker's "C" */
	BERTH_CHANGE_ADDED = 1,    /**< "A" */
	BERTH_CHANGE_DELETED = 2,  /**< "D" */
} berth_change_kind;

/** A list of filesystem changes (opaque). */
typedef struct berth_changes berth_changes;

BERTH_API void berth_changes_free(berth_changes *changes);
BERTH_API size_t berth_changes_count(const berth_changes *changes);
/** The absolute path of change i (borrowed); NULL when out of range. */
BERTH_API const char *berth_changes_path(const berth_changes *changes, size_t i);
BERTH_API berth_change_kind berth_changes_kind(const berth_changes *changes, size_t i);
/** "A", "C" or "D", as docker prints them. */
BERTH_API const char *berth_change_kind_letter(berth_change_kind kind);

/**
 * The files added, changed and deleted in a container's writable layer,
 * sorted by path (Docker sends them unsorted, Podman sorted). A directory
 * that holds a change is itself listed as changed, on both engines. Works
 * on stopped containers too.
 *
 * containerd: berth reads the snapshot's upper layer on this host (it runs
 * as root beside containerd, whose socket is root's) and applies Docker's
 * rule: a whiteout is "D", an opaque directory or a path the image has
 * "C", others "A"; the mount points the runtime made (/proc, /etc/hosts,
 * ... when the image lacks them) are left out, as Docker's init layer
 * hides them. An I/O error reading the layer is BERTH_EENGINE.
 *
 * @param out  receives the list (possibly empty); free with berth_changes_free().
 * @return 0; BERTH_EINVAL; BERTH_ENOTFOUND; BERTH_EPROTOCOL; transport
 *   errors; BERTH_EUNSUPPORTED.
 */
BERTH_API int berth_container_diff(berth_changes **out, berth_client *client, const char *id, berth_error *err);

/* ---- stat of a path ---------------------------------------------------------- */

/** What the engine says about a path in a container (opaque). */
typedef struct berth_path_info berth_path_info;

BERTH_API void berth_path_info_free(berth_path_info *info);
/** The path's last component (borrowed). */
BERTH_API const char *berth_path_info_name(const berth_path_info *info);
BERTH_API int64_t berth_path_info_size(const berth_path_info *info);
/** POSIX st_mode bits (S_IFDIR, S_IFLNK, ... | permissions), converted from
 *  the engine's Go file mode. */
BERTH_API uint32_t berth_path_info_mode(const berth_path_info *info);
BERTH_API int berth_path_info_is_dir(const berth_path_info *info);
/** Modification time, ns since the epoch (0: unknown). */
BERTH_API int64_t berth_path_info_mtime_ns(const berth_path_info *info);
/** Where a symbolic link leads, resolved to an absolute path in the
 *  container as both engines report it ("" for other kinds; borrowed).
 *  Podman names a path for every kind: berth keeps it for links only. */
BERTH_API const char *berth_path_info_link_target(const berth_path_info *info);

/**
 * Stat a path inside a container (running or not), following nothing: a
 * link is reported as a link.
 *
 * containerd: read on this host, as root beside containerd: a container
 * with a task through its /proc/<pid>/root (its mounts visible), one
 * without through its snapshot, mounted read-only for the call. The path
 * is resolved inside the container's root: links cannot leave it. A link's
 * target is made absolute from the link's directory without following it
 * further.
 * @param out  receives the info; free with berth_path_info_free().
 * @return 0; BERTH_EINVAL (path empty or relative); BERTH_ENOTFOUND (no
 *   such container, or no such path; the message tells which);
 *   BERTH_EPROTOCOL (no or a malformed X-Docker-Container-Path-Stat
 *   header); transport errors; BERTH_EUNSUPPORTED.
 */
BERTH_API int berth_container_stat_path(berth_path_info **out, berth_client *client, const char *id,
					const char *path, berth_error *err);

/* ---- archives ---------------------------------------------------------------- */

/**
 * A tar archive of a path in a container, streamed: frames on
 * BERTH_CHANNEL_STDOUT carry the archive's bytes in order (read them until
 * BERTH_ITEROVER). The archive holds the path under its last component: a
 * directory /etc as "etc/...", a file /etc/passwd as "passwd"; a path that
 * ends in "/." gives a directory's content as "./...".
 *
 * containerd: the archive is written by berth from this host's view of the
 * container (as for stat: /proc/<pid>/root, or the snapshot mounted
 * read-only until the stream ends or is freed), one piece per
 * berth_stream_next (a header, or up to 64 KiB of a file): memory stays
 * bounded and freeing the stream at any point stops it and unmounts.
 * ustar with pax records for long names, links and sizes; uid, gid, mode
 * and mtime kept; hard links are written as separate files, sockets left
 * out. Read errors mid-stream are BERTH_EENGINE (BERTH_EPERM, ...).
 *
 * @param out  receives the stream; free with berth_stream_free().
 * @return 0; BERTH_EINVAL; BERTH_ENOTFOUND (container or path);
 *   transport errors; BERTH_EUNSUPPORTED.
 */
BERTH_API int berth_container_get_archive(berth_stream **out, berth_client *client, const char *id,
					  const char *path, berth_error *err);

/**
 * The whole file system of a container (created, running or stopped) as
 * one tar archive, streamed as berth_container_get_archive() streams one:
 * frames on BERTH_CHANNEL_STDOUT carry its bytes in order until
 * BERTH_ITEROVER. Paths are relative to the root ("bin/sh"); the image's
 * layers and the container's changes are flattened, volumes left out. The
 * archive imports as a new image with berth_image_import_rootfs().
 * Engine differences: Docker and Podman answer GET
 * /containers/{id}/export. containerd natively: the diff service's Diff of
 * the container's snapshot against an empty one writes the whole file
 * system as one uncompressed layer into the content store (under a lease,
 * so the garbage collector takes it once the stream ends or is freed);
 * berth streams it back in ranged reads (bounded memory). Paths have no
 * "./" prefix there either; the runtime's mount points (/proc, /dev,
 * /etc/hosts ...) are in it as the empty entries the snapshot holds.
 * @param out  receives the stream; free with berth_stream_free() (early:
 *   the transfer stops).
 * @return 0; BERTH_EINVAL (empty or malformed id); BERTH_ENOTFOUND (no
 *   such container); transport errors; mid-stream
 *   BERTH_EUNAVAILABLE when the engine goes away.
 */
BERTH_API int berth_container_export(berth_stream **out, berth_client *client, const char *id, berth_error *err);

/**
 * Where put_archive reads the archive from: fill buf with up to cap bytes
 * and return how many (0 at the end of the archive), or a negative
 * BERTH_E* code to abandon the upload.
 */
typedef ssize_t (*berth_read_cb)(void *buf, size_t cap, void *payload);

#define BERTH_PUT_ARCHIVE_OPTIONS_VERSION 1
typedef struct berth_put_archive_options {
	unsigned version;
	/** Fail instead of replacing a directory with a non-directory or the
	 *  other way round (the engines' noOverwriteDirNonDir). */
	int no_overwrite_dir_non_dir;
	/** Keep the archive's owners (the engines' copyUIDGID); otherwise
	 *  files belong to the container's root. */
	int copy_uid_gid;
} berth_put_archive_options;
#define BERTH_PUT_ARCHIVE_OPTIONS_INIT { BERTH_PUT_ARCHIVE_OPTIONS_VERSION, 0, 0 }

/**
 * Unpack a tar archive into an existing directory of a container (running
 * or not). The archive is sent as it is read (HTTP chunked upload): memory
 * use does not grow with its size.
 *
 * @param dest_dir  an absolute path of a directory in the container.
 * @param read      called until it returns 0 (end) or an error.
 * @param opts      NULL for the defaults.
 * @return 0; BERTH_EINVAL (dest_dir empty or relative, read NULL, bad
 *   options version); BERTH_ENOTFOUND (container, or dest_dir missing);
 *   BERTH_ECONFLICT (dest_dir is not a directory, or with
 *   no_overwrite_dir_non_dir a directory and a non-directory would replace
 *   each other; also a read-only destination); the read callback's error;
 *   transport errors; BERTH_EUNSUPPORTED.
 *
 * containerd: berth unpacks the archive itself as it reads it, as root
 * beside containerd: into a container with a task through its
 * /proc/<pid>/root (so into its mounts too, like the engines), into one
 * without through its snapshot mounted for the call (a read-only root
 * file system then is BERTH_ECONFLICT). Each entry's directory is
 * resolved inside the container's root and the entry made with O_NOFOLLOW
 * calls: links cannot lead out of the container. Missing parent
 * directories are made (0755); an entry whose ".." leaves dest_dir is
 * BERTH_EINVAL, as is a malformed archive; a non-directory replacing a
 * non-empty directory is BERTH_ECONFLICT. A directory gets the archive's
 * time when it is made: unpacking its content afterwards moves it on.
 */
BERTH_API int berth_container_put_archive(berth_client *client, const char *id, const char *dest_dir,
					  berth_read_cb read, void *payload, const berth_put_archive_options *opts,
					  berth_error *err);

#ifdef __cplusplus
}
#endif

#endif
