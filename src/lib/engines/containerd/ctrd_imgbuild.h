/* ctrd_imgbuild.c: containerd's save, export, commit and import of a root
 * file system, natively (the content store, the snapshotter and the diff
 * service). Arguments were checked by api/archive.c. */
#ifndef BERTH_CTRD_IMGBUILD_H
#define BERTH_CTRD_IMGBUILD_H

#include "ctrd_containerd.h"

int ctrd_image_save(berth_stream **out, struct berth_client *c, const char *const *names, size_t count,
		    berth_error *err);
int ctrd_container_export(berth_stream **out, struct berth_client *c, const char *ref, berth_error *err);
int ctrd_container_commit(char **out_id, struct berth_client *c, const char *ref, const berth_commit_options *o,
			  berth_error *err);
int ctrd_image_import_rootfs(char **out_id, struct berth_client *c, berth_read_cb read, void *payload,
			     const berth_image_import_rootfs_options *o, berth_error *err);

#endif
