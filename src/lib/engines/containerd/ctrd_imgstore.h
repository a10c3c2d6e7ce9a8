/* The pieces of ctrd_images.c's store that ctrd_imgbuild.c builds on:
 * whole-blob reads, leases, blob writes with their gc labels, the unpack
 * of a layer into a snapshot, image records, and an image's resolved
 * config and layers. Private to the containerd backend. */
#ifndef BERTH_CTRD_IMGSTORE_H
#define BERTH_CTRD_IMGSTORE_H

#include "ctrd_containerd.h"
#include "lib/parse/image_json.h"

/* A whole blob into out (at most max bytes: BERTH_EPROTOCOL beyond). */
int ctrd_store_content_read(sbuf *out, struct berth_client *c, const char *digest, size_t max, berth_error *err);
/* A lease that expires by itself in an hour (berth-import-...). */
int ctrd_store_lease_create(char lease[64], struct berth_client *c, berth_error *err);
void ctrd_store_lease_delete(struct berth_client *c, const char *lease);
/* Write a blob (there already: its labels are set); labels are 2*n
 * strings, key and value. */
int ctrd_store_blob_write(struct berth_client *c, const char *lease, const char *digest, const void *data, size_t len,
			  const char **labels, size_t n_labels, berth_error *err);
/* Unpack layer on parent ("" for none) as the committed snapshot chain
 * (nothing when it exists), checking its diff id. */
int ctrd_store_unpack(struct berth_client *c, const char *lease, const char *chain, const char *parent,
		      const image_desc *layer, const char *diff_id, berth_error *err);
/* Point image name (normalized into full) at target. */
int ctrd_store_image_put(char full[512], struct berth_client *c, const char *name, const image_desc *target,
			 const char *lease, berth_error *err);
/* The image a name or id stands for: its config and layers for this
 * host's platform (the caller's: image_desc_release, image_descs_free),
 * and its record's name (*out_name, malloc'd). */
int ctrd_store_image_find(image_desc *config, image_desc **layers, size_t *n_layers, char **out_name,
			  struct berth_client *c, const char *name, berth_error *err);

#endif
