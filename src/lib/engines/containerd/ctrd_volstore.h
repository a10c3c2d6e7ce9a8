/* berth's volume store for containerd, which has no volumes: a directory
 * per volume, $BERTH_CONTAINERD_VOLUME_DIR (default
 * /var/lib/berth/containerd/volumes, kept across reboots, unlike the
 * per-container state under /run), then /<namespace>/<name>, holding
 * `_data` (the mountpoint) and `volume.json` (Docker's volume object:
 * labels, options, the time of creation), as nerdctl keeps them.
 *
 * A container records the volumes it mounts in two bookkeeping labels
 * (CTRD_LABEL_VOLUMES: every one; CTRD_LABEL_ANON_VOLUMES: those made for
 * it without a name, which `rm -v` takes away); a volume is in use while a
 * container, whatever its state, names it there.
 *
 * It stands on the record layer (ctrd_record.h) and the pure parsers; the
 * lifecycle, container removal and the volume operations use it. */
#ifndef BERTH_CTRD_VOLSTORE_H
#define BERTH_CTRD_VOLSTORE_H

#include "ctrd_rpc.h"
#include "lib/model/volume_model.h"

#define CTRD_LABEL_VOLUMES "io.berth.containerd.volumes"           /* "a,b": every volume mounted */
#define CTRD_LABEL_ANON_VOLUMES "io.berth.containerd.anon-volumes" /* those made without a name */

/* Create volume q->name ("" : a random 64-hex name) unless it exists; *out
 * (may be NULL) gets its record either way, *made whether this call made
 * it. Only the local driver, and of its options only a bind of an
 * existing directory (type=none, o=bind or rbind, device=/abs/dir).
 * @return 0; BERTH_EUNSUPPORTED (another driver or option);
 *   BERTH_EINVAL (a device that is not a directory); BERTH_EUNAVAILABLE
 *   (the store cannot be written). */
int ctrd_volstore_create(berth_volume_info **out, bool *made, const struct berth_client *c, const volume_request *q,
			 berth_error *err);
/* The record of volume name: BERTH_ENOTFOUND "No such volume". */
int ctrd_volstore_read(berth_volume_info **out, const struct berth_client *c, const char *name, berth_error *err);
/* Every volume of the client's namespace, sorted by name. */
int ctrd_volstore_list(berth_volume_list **out, const struct berth_client *c, berth_error *err);
/* Remove volume name and its files (a bind's device is left alone):
 * BERTH_ENOTFOUND when it is not there. */
int ctrd_volstore_remove(const struct berth_client *c, const char *name, berth_error *err);

/* The names of the containers that use volume name, sorted, appended to
 * *out (all volumes' users when name is NULL: then each entry is
 * "volume\tcontainer"). */
int ctrd_volstore_users(strv *out, struct berth_client *c, const char *name, berth_error *err);

#endif
