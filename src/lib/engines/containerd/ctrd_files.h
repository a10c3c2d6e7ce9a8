/* A container's files on containerd (ctrd_files.c): diff, stat of a path and
 * archives both ways, read from the file system of this host (berth talks
 * to a local containerd over its root-owned socket, so it runs as root
 * beside it). The pure parts are declared here for the unit tests. */
#ifndef BERTH_CTRD_FILES_H
#define BERTH_CTRD_FILES_H

#include "lib/internal.h"
#include "lib/model/io_model.h"

#include <sys/types.h>

struct berth_client;

/* Where a snapshot's layers are, from its one mount. */
typedef struct ctrd_layers {
	char *upper;   /* the writable layer (a bind mount's source when it has no parent) */
	char *work;    /* NULL for a bind mount */
	strv lowers;   /* the image's layers, top first */
	bool bind;
} ctrd_layers;

/* Read an overlay mount ("lowerdir=a:b", "upperdir=", "workdir=") or a
 * bind mount of a snapshot. 0; -EINVAL when it is neither, or an overlay
 * without an upper layer; -ENOMEM. */
int ctrd_layers_parse(ctrd_layers *out, const char *type, const char *source, char *const *options, size_t n);
void ctrd_layers_release(ctrd_layers *l);

/* One entry of a walk of the upper layer, parents before their children. */
typedef struct upper_entry {
	const char *path;   /* absolute in the container */
	ssize_t parent;     /* index of the parent directory's entry; -1 at the top */
	bool dir;
	bool whiteout;      /* a character device 0/0: deleted */
	bool opaque;        /* a directory that hides what the lower layers hold */
	bool in_lower;      /* the path is in a lower layer (not below an opaque directory) */
	bool same_as_lower; /* a directory with the lower one's size, mode and mtime */
	bool mount_point;   /* a mount's destination the runtime made (Docker's init layer hides them) */
} upper_entry;

/* Docker's changes from the walk: a mount point the runtime made (not in
 * the lowers) is left out, and so is a directory of the image that only
 * such mount points changed; a whiteout is D; an opaque directory C
 * (A when the lowers lack it); a path in a lower layer C, except a
 * directory that looks the same there; any other A; the parent of an A or
 * a D is C (once). items needs room for 2n; *count gets how many. Paths
 * point into entries. 0 or -ENOMEM. */
int ctrd_diff_decide(change_item *items, size_t *count, const upper_entry *entries, size_t n);

/* The slots of the ops table. */
int ctrd_container_diff(berth_changes **out, struct berth_client *c, const char *id, berth_error *err);
int ctrd_container_stat_path(berth_path_info **out, struct berth_client *c, const char *id, const char *path,
			     berth_error *err);
int ctrd_container_get_archive(berth_stream **out, struct berth_client *c, const char *id, const char *path,
			       berth_error *err);
int ctrd_container_put_archive(struct berth_client *c, const char *id, const char *dest_dir, berth_read_cb read,
			       void *payload, const berth_put_archive_options *opts, berth_error *err);

/* The prefix of the temporary mount points of stopped containers' root
 * file systems (a directory under /run, removed after each call). */
#define CTRD_FILES_MNT_PREFIX "/run/berth-files-"

#endif
