/* containerd's content store, snapshots, leases and image records for
 * berth's image work (ctrd_content.c): the layer under ctrd_images.c
 * (import, list, inspect) and ctrd_pull.c (berth's own pull). */
#ifndef BERTH_CTRD_CONTENT_H
#define BERTH_CTRD_CONTENT_H

#include "ctrd_rpc.h"
#include "lib/parse/image_json.h"
#include "util/sha256.h"

#include "api_types_descriptor.pb-c.h"

typedef Containerd__Types__Descriptor ctrd_desc;

#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MAX_BLOB_JSON (4u * 1024 * 1024)
#define WRITE_CHUNK (1024 * 1024)
#define APPLY_TIMEOUT_MS (10 * 60 * 1000) /* unpacking one layer */
#define CTRD_LEASE_MAX 64

/* Labels for a blob: pairs of key and value. */
typedef struct label_set {
	const char **kv;   /* 2 * n */
	size_t n;
} label_set;

/* "amd64", "arm64", ...: this host's architecture as OCI names it. */
const char *ctrd_host_arch(void);
/* "sha256:<hex>" of data. */
void ctrd_digest_of(char out[72], const void *data, size_t len);
/* A string map entry of any generated map type (all are laid out as ctrd_kv). */
void ctrd_kv_init(ctrd_kv *e, const ProtobufCMessageDescriptor *d, const char *k, const char *v);
/* Map entries of `d` for the labels (one allocation: free() it); NULL
 * when l is empty or memory ran out. */
void **ctrd_kv_entries(const label_set *l, const ProtobufCMessageDescriptor *d);

/* Read a whole blob into out (more than max bytes: BERTH_EPROTOCOL). */
int ctrd_content_read(sbuf *out, struct berth_client *c, const char *digest, size_t max, berth_error *err);
/* size bytes of a blob from offset (size 0: to its end), appended to out. */
int ctrd_content_read_at(sbuf *out, struct berth_client *c, const char *digest, int64_t offset, int64_t size,
			 size_t max, berth_error *err);
/* Whether the content store has the blob. */
bool ctrd_content_exists(struct berth_client *c, const char *digest);

/* A lease "berth-WHAT-PID-MS" that expires on its own after an hour (if
 * berth dies before deleting it). */
int ctrd_lease_create(struct berth_client *c, char lease[CTRD_LEASE_MAX], const char *what, berth_error *err);
void ctrd_lease_delete(struct berth_client *c, const char *lease);
/* Put something that exists already under the lease, so that the garbage
 * collector keeps it while the work goes on: type "content" (id a
 * digest) or "snapshots/overlayfs" (id a snapshot key). lease NULL or "":
 * nothing to do. */
int ctrd_lease_add(struct berth_client *c, const char *lease, const char *type, const char *id, berth_error *err);
/* Whether a blob (a snapshot) is there, taken under the lease first: a
 * true answer stays true until the lease is deleted. */
bool ctrd_content_kept(struct berth_client *c, const char *lease, const char *digest);
bool ctrd_snapshot_kept(struct berth_client *c, const char *lease, const char *key);

/* Set labels on a blob that is there. */
int ctrd_blob_label(struct berth_client *c, const char *lease, const char *digest, const label_set *l,
		    berth_error *err);
/* Write a blob held in memory (through ctrd_writer, a MiB a message),
 * committed with the labels; content there already only gets the labels. */
int ctrd_blob_write(struct berth_client *c, const char *lease, const char *digest, const void *data, size_t len,
		    const label_set *l, berth_error *err);

/* A blob written as it arrives: one Content.Write call for the whole
 * blob, each ctrd_writer_write() one request message of it at the
 * writer's offset (so memory stays at one piece, and containerd's writer
 * is opened once: each new call on an ingest rehashes what it holds);
 * the commit checks the size and digest (berth's own hash, then
 * containerd's). The ingest is named "berth-ingest-PID-DIGEST"; the first
 * write starts it over if one was left behind. */
typedef struct ctrd_writer {
	struct berth_client *c;
	const char *lease;
	char ref[128];
	char digest[72];
	int64_t total, offset;
	sha256_ctx sha;
	struct grpc_upload *up;   /* the Write call, once the first piece went */
	sbuf msg;                 /* a request message, packed */
	bool exists;              /* another writer committed the blob meanwhile */
} ctrd_writer;

void ctrd_writer_init(ctrd_writer *w, struct berth_client *c, const char *lease, const char *digest, int64_t total);
/* A blob that another writer committed meanwhile (containerd answers
 * "already exists"): w->exists is set, the rest is not sent, and the
 * commit only takes the blob under the lease and labels it. */
int ctrd_writer_write(ctrd_writer *w, const void *data, size_t len, berth_error *err);
/* BERTH_EPROTOCOL when the bytes do not match the digest or size (nothing
 * is committed; the ingest is dropped). */
int ctrd_writer_commit(ctrd_writer *w, const label_set *l, berth_error *err);
/* Drop the ingest (after a failure). */
void ctrd_writer_abort(ctrd_writer *w);

/* chain(0) = diff(0); chain(i) = sha256(chain(i-1) + " " + diff(i)) */
void ctrd_chain_ids(char (*out)[72], const strv *diff_ids);
bool ctrd_snapshot_exists(struct berth_client *c, const char *key);
/* Unpack one layer on top of parent ("" for the base) as snapshot chain;
 * the applied diff must be diff_id. Done already: 0. */
int ctrd_unpack_layer(struct berth_client *c, const char *lease, const char *chain, const char *parent,
		      const image_desc *layer, const char *diff_id, berth_error *err);
/* Create the image record name -> target, or point an existing one there. */
int ctrd_image_put(struct berth_client *c, const char *name, ctrd_desc *target, const char *lease,
		   berth_error *err);

#endif
