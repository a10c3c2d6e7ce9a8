/* containerd's content store, snapshots and image records, as berth's
 * image work uses them (import, pull, commit): blobs written and read
 * through the content service, leases that keep half-done work from the
 * garbage collector, layers unpacked into the snapshotter under their
 * chain ids, image records created or moved.
 *
 * Garbage collection: work is done under a lease that is deleted at the
 * end; by then the image record holds the manifest (or index), whose
 * labels hold the config and layers, whose config label holds the top
 * snapshot (the labels containerd's own client sets, so its GC keeps
 * them). */
#include "ctrd_content.h"
#include "util/sha256.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "api_services_content_v1_content.pb-c.h"
#include "api_services_diff_v1_diff.pb-c.h"
#include "api_services_images_v1_images.pb-c.h"
#include "api_services_leases_v1_leases.pb-c.h"
#include "api_services_snapshots_v1_snapshots.pb-c.h"

/* Read a whole blob (Content.Read streams it in pieces). */
int ctrd_content_read(sbuf *out, berth_client *c, const char *digest, size_t max, berth_error *err)
{
	return ctrd_content_read_at(out, c, digest, 0, 0, max, err);
}

int ctrd_content_read_at(sbuf *out, berth_client *c, const char *digest, int64_t offset, int64_t size, size_t max,
			 berth_error *err)
{
	Containerd__Services__Content__V1__ReadContentRequest req =
		CONTAINERD__SERVICES__CONTENT__V1__READ_CONTENT_REQUEST__INIT;
	req.digest = (char *)digest;
	req.offset = offset;
	req.size = size;
	size_t len = protobuf_c_message_get_packed_size(&req.base);
	_cleanup_free_ uint8_t *body = malloc(len ? len : 1);
	if (!body)
		return BERTH_NOMEM(err);
	protobuf_c_message_pack(&req.base, body);
	grpc_call_args a = { .path = "/containerd.services.content.v1.Content/Read", .ns = c->ns, .body = body,
			     .len = len, .timeout_ms = c->timeout_ms };
	_cleanup_sbuf_ sbuf all = SBUF_INIT;
	int r = grpc_call(ctrd_channel(c), &a, &all, err);
	size_t pos = 0;
	const uint8_t *m;
	size_t mlen;
	while (r == 0 && (r = grpc_frame_next((const uint8_t *)all.data, all.len, &pos, &m, &mlen, err)) == 1) {
		r = 0;
		Containerd__Services__Content__V1__ReadContentResponse *p =
			containerd__services__content__v1__read_content_response__unpack(NULL, mlen, m);
		if (!p)
			return berth_fail(err, BERTH_EPROTOCOL, "%s: Content/Read %s: undecodable reply", c->endpoint, digest);
		if (out->len + p->data.len > max)
			r = berth_fail(err, BERTH_EPROTOCOL, "%s: blob %s is larger than %zu bytes", c->endpoint, digest, max);
		else if (p->data.len && sbuf_add(out, p->data.data, p->data.len) < 0)
			r = BERTH_NOMEM(err);
		containerd__services__content__v1__read_content_response__free_unpacked(p, NULL);
	}
	return r;
}


const char *ctrd_host_arch(void)
{
#if defined(__x86_64__)
	return "amd64";
#elif defined(__aarch64__)
	return "arm64";
#else
	return "";
#endif
}


/* A string map entry of any generated map type: every one is laid out
 * as ctrd_kv. */
void ctrd_kv_init(ctrd_kv *e, const ProtobufCMessageDescriptor *d, const char *k, const char *v)
{
	protobuf_c_message_init(d, e);
	e->key = (char *)k;
	e->value = (char *)v;
}

/* Create the record name -> target, or point an existing one there. */
int ctrd_image_put(berth_client *c, const char *name, ctrd_desc *target, const char *lease, berth_error *err)
{
	Containerd__Services__Images__V1__Image img = CONTAINERD__SERVICES__IMAGES__V1__IMAGE__INIT;
	img.name = (char *)name;
	img.target = target;
	Containerd__Services__Images__V1__CreateImageRequest cr = CONTAINERD__SERVICES__IMAGES__V1__CREATE_IMAGE_REQUEST__INIT;
	cr.image = &img;
	berth_error e = BERTH_ERROR_INIT;
	int r = ctrd_call_lease(NULL, c, lease, "images.v1.Images/Create", &cr.base, NULL, 0, &e);
	if (r == BERTH_EEXISTS) {
		Containerd__Services__Images__V1__UpdateImageRequest ur =
			CONTAINERD__SERVICES__IMAGES__V1__UPDATE_IMAGE_REQUEST__INIT;
		Google__Protobuf__FieldMask mask = GOOGLE__PROTOBUF__FIELD_MASK__INIT;
		char *paths[] = { "target" };
		mask.n_paths = 1;
		mask.paths = paths;
		ur.image = &img;
		ur.update_mask = &mask;
		r = ctrd_call_lease(NULL, c, lease, "images.v1.Images/Update", &ur.base, NULL, 0, &e);
	}
	if (r < 0 && err)
		*err = e;
	return r;
}


int ctrd_lease_create(berth_client *c, char lease[CTRD_LEASE_MAX], const char *what, berth_error *err)
{
	snprintf(lease, CTRD_LEASE_MAX, "berth-%s-%d-%lld", what, (int)getpid(), (long long)now_ms());
	/* expires on its own if berth dies before deleting it */
	char expire[40];
	Google__Protobuf__Timestamp t = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
	t.seconds = (int64_t)time(NULL) + 3600;
	ctrd_time_format(expire, &t);
	ctrd_kv kv;
	ctrd_kv_init(&kv, &containerd__services__leases__v1__create_request__labels_entry__descriptor, "containerd.io/gc.expire",
		expire);
	void *kvs[] = { &kv };
	Containerd__Services__Leases__V1__CreateRequest req = CONTAINERD__SERVICES__LEASES__V1__CREATE_REQUEST__INIT;
	req.id = (char *)lease;
	req.n_labels = 1;
	req.labels = (Containerd__Services__Leases__V1__CreateRequest__LabelsEntry **)kvs;
	return ctrd_call(NULL, c, "leases.v1.Leases/Create", &req.base, NULL, 0, err);
}

void ctrd_lease_delete(berth_client *c, const char *lease)
{
	Containerd__Services__Leases__V1__DeleteRequest req = CONTAINERD__SERVICES__LEASES__V1__DELETE_REQUEST__INIT;
	req.id = (char *)lease;
	ctrd_call(NULL, c, "leases.v1.Leases/Delete", &req.base, NULL, 0, NULL);
}

void ctrd_digest_of(char out[72], const void *data, size_t len)
{
	memcpy(out, "sha256:", 7);
	sha256_hex(out + 7, data, len);
}

/* Labels for a blob: pairs of key and value. */

/* Map entries of `d` for the labels (freed by the caller with free()). */
void **ctrd_kv_entries(const label_set *l, const ProtobufCMessageDescriptor *d)
{
	if (!l || !l->n)
		return NULL;
	void **p = calloc(l->n, sizeof *p + sizeof(ctrd_kv));
	if (!p)
		return NULL;
	ctrd_kv *kv = (ctrd_kv *)(p + l->n);
	for (size_t i = 0; i < l->n; i++) {
		ctrd_kv_init(&kv[i], d, l->kv[2 * i], l->kv[2 * i + 1]);
		p[i] = &kv[i];
	}
	return p;
}

/* Content that was there already: make sure it carries our references. */
int ctrd_blob_label(berth_client *c, const char *lease, const char *digest, const label_set *l, berth_error *err)
{
	_cleanup_free_ void **kvp = ctrd_kv_entries(l, &containerd__services__content__v1__info__labels_entry__descriptor);
	_cleanup_free_ char **paths = calloc(l->n, sizeof *paths);
	_cleanup_strv_ strv pbuf = STRV_INIT;
	if (!kvp || !paths)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < l->n; i++) {
		char path[256];
		snprintf(path, sizeof path, "labels.%s", l->kv[2 * i]);
		if (strv_push(&pbuf, path) < 0)
			return BERTH_NOMEM(err);
	}
	for (size_t i = 0; i < l->n; i++)
		paths[i] = pbuf.items[i];
	Containerd__Services__Content__V1__Info info = CONTAINERD__SERVICES__CONTENT__V1__INFO__INIT;
	info.digest = (char *)digest;
	info.n_labels = l->n;
	info.labels = (Containerd__Services__Content__V1__Info__LabelsEntry **)kvp;
	Google__Protobuf__FieldMask mask = GOOGLE__PROTOBUF__FIELD_MASK__INIT;
	mask.n_paths = l->n;
	mask.paths = paths;
	Containerd__Services__Content__V1__UpdateRequest ur = CONTAINERD__SERVICES__CONTENT__V1__UPDATE_REQUEST__INIT;
	ur.info = &info;
	ur.update_mask = &mask;
	return ctrd_call_lease(NULL, c, lease, "content.v1.Content/Update", &ur.base, NULL, 0, err);
}

/* chain(0) = diff(0); chain(i) = sha256(chain(i-1) + " " + diff(i)) */
void ctrd_chain_ids(char (*out)[72], const strv *diff_ids)
{
	for (size_t i = 0; i < diff_ids->len; i++) {
		if (i == 0) {
			snprintf(out[0], 72, "%s", diff_ids->items[0]);
			continue;
		}
		char buf[160];
		int n = snprintf(buf, sizeof buf, "%s %s", out[i - 1], diff_ids->items[i]);
		ctrd_digest_of(out[i], buf, (size_t)n);
	}
}

bool ctrd_snapshot_exists(berth_client *c, const char *key)
{
	Containerd__Services__Snapshots__V1__StatSnapshotRequest req =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__STAT_SNAPSHOT_REQUEST__INIT;
	req.snapshotter = (char *)CTRD_SNAPSHOTTER;
	req.key = (char *)key;
	return ctrd_call(NULL, c, "snapshots.v1.Snapshots/Stat", &req.base, NULL, 0, NULL) == 0;
}

/* Unpack one layer on top of parent ("" for the base) as snapshot chain. */
int ctrd_unpack_layer(berth_client *c, const char *lease, const char *chain, const char *parent, const image_desc *layer,
			const char *diff_id, berth_error *err)
{
	if (ctrd_snapshot_kept(c, lease, chain))
		return 0;
	char key[160];
	snprintf(key, sizeof key, "berth-unpack-%d-%lld-%s", (int)getpid(), (long long)now_ms(), chain);
	Containerd__Services__Snapshots__V1__PrepareSnapshotRequest pr =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__PREPARE_SNAPSHOT_REQUEST__INIT;
	pr.snapshotter = (char *)CTRD_SNAPSHOTTER;
	pr.key = key;
	pr.parent = (char *)parent;
	_cleanup_pb_ Containerd__Services__Snapshots__V1__PrepareSnapshotResponse *mounts = NULL;
	int r = ctrd_call_lease(&mounts, c, lease, "snapshots.v1.Snapshots/Prepare", &pr.base,
				&containerd__services__snapshots__v1__prepare_snapshot_response__descriptor, 0, err);
	if (r < 0)
		return r;
	ctrd_desc d = CONTAINERD__TYPES__DESCRIPTOR__INIT;
	d.media_type = layer->media_type;
	d.digest = layer->digest;
	d.size = layer->size;
	Containerd__Services__Diff__V1__ApplyRequest ar = CONTAINERD__SERVICES__DIFF__V1__APPLY_REQUEST__INIT;
	ar.diff = &d;
	ar.n_mounts = mounts->n_mounts;
	ar.mounts = mounts->mounts;
	_cleanup_pb_ Containerd__Services__Diff__V1__ApplyResponse *applied = NULL;
	r = ctrd_call_lease(&applied, c, lease, "diff.v1.Diff/Apply", &ar.base,
			    &containerd__services__diff__v1__apply_response__descriptor, APPLY_TIMEOUT_MS, err);
	if (r == 0 && (!applied->applied || !applied->applied->digest || !STREQ(applied->applied->digest, diff_id)))
		r = berth_fail(err, BERTH_EPROTOCOL, "%s: layer %s unpacked to %s, the image config says %s",
			       c->endpoint, layer->digest,
			       applied->applied ? strempty(applied->applied->digest) : "nothing", diff_id);
	if (r == 0) {
		Containerd__Services__Snapshots__V1__CommitSnapshotRequest cr =
			CONTAINERD__SERVICES__SNAPSHOTS__V1__COMMIT_SNAPSHOT_REQUEST__INIT;
		cr.snapshotter = (char *)CTRD_SNAPSHOTTER;
		cr.name = (char *)chain;
		cr.key = key;
		berth_error e = BERTH_ERROR_INIT;
		r = ctrd_call_lease(NULL, c, lease, "snapshots.v1.Snapshots/Commit", &cr.base, NULL, 0, &e);
		if (r == BERTH_EEXISTS) /* unpacked meanwhile by someone else */
			r = 0;
		else if (r == 0)
			return 0;
		else if (err)
			*err = e;
	}
	/* leave no active snapshot behind */
	Containerd__Services__Snapshots__V1__RemoveSnapshotRequest rr =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__REMOVE_SNAPSHOT_REQUEST__INIT;
	rr.snapshotter = (char *)CTRD_SNAPSHOTTER;
	rr.key = key;
	ctrd_call_lease(NULL, c, lease, "snapshots.v1.Snapshots/Remove", &rr.base, NULL, 0, NULL);
	return r;
}


bool ctrd_content_exists(berth_client *c, const char *digest)
{
	Containerd__Services__Content__V1__InfoRequest req = CONTAINERD__SERVICES__CONTENT__V1__INFO_REQUEST__INIT;
	req.digest = (char *)digest;
	return ctrd_call(NULL, c, "content.v1.Content/Info", &req.base, NULL, 0, NULL) == 0;
}

/* ---- a blob written as it arrives ---------------------------------------- */

void ctrd_writer_init(ctrd_writer *w, berth_client *c, const char *lease, const char *digest, int64_t total)
{
	memset(w, 0, sizeof *w);
	w->c = c;
	w->lease = lease;
	w->total = total;
	snprintf(w->digest, sizeof w->digest, "%s", digest);
	snprintf(w->ref, sizeof w->ref, "berth-ingest-%d-%s", (int)getpid(), digest);
	sha256_init(&w->sha);
	/* the blob is the lease's before the write: one that is there already
	 * (containerd then answers AlreadyExists and nothing is written) could
	 * otherwise be collected between that answer and the commit, when its
	 * last other holder goes meanwhile (an image just removed) */
	if (lease && *lease)
		(void)ctrd_lease_add(c, lease, "content", w->digest, NULL);
}

#define UPLOAD_TIMEOUT_MS (30 * 60 * 1000) /* one blob's Write call, whole */

/* Send one request of the blob's Write call (opened on the first). */
static int write_message(ctrd_writer *w, Containerd__Services__Content__V1__WriteContentRequest *req, bool last,
			 berth_error *err)
{
	if (!w->up) {
		grpc_call_args a = { .path = "/containerd.services.content.v1.Content/Write", .ns = w->c->ns,
				     .lease = w->lease, .timeout_ms = UPLOAD_TIMEOUT_MS };
		int r = grpc_upload_open(&w->up, ctrd_channel(w->c), &a, err);
		if (r < 0)
			return r;
	}
	/* packed behind room for the gRPC prefix: sent without another copy */
	size_t plen = protobuf_c_message_get_packed_size(&req->base);
	w->msg.len = 0;
	if (w->msg.cap < plen + 6) { /* exactly: no doubling for a piece's size */
		char *p = realloc(w->msg.data, plen + 6);
		if (!p)
			return BERTH_NOMEM(err);
		w->msg.data = p;
		w->msg.cap = plen + 6;
	}
	protobuf_c_message_pack(&req->base, (uint8_t *)w->msg.data + 5);
	return grpc_upload_send_framed(w->up, (uint8_t *)w->msg.data, plen, last, err);
}

int ctrd_writer_write(ctrd_writer *w, const void *data, size_t len, berth_error *err)
{
	if (len == 0 || w->exists)
		return 0;
	if (w->total >= 0 && w->offset + (int64_t)len > w->total)
		return berth_fail(err, BERTH_EPROTOCOL, "blob %s: more than the %lld bytes its descriptor says", w->digest,
				  (long long)w->total);
	Containerd__Services__Content__V1__WriteContentRequest req =
		CONTAINERD__SERVICES__CONTENT__V1__WRITE_CONTENT_REQUEST__INIT;
	req.action = CONTAINERD__SERVICES__CONTENT__V1__WRITE_ACTION__WRITE;
	req.ref = w->ref;
	req.total = w->total;
	req.expected = w->digest;
	req.offset = w->offset;
	req.data.data = (uint8_t *)data;
	req.data.len = len;
	berth_error e = BERTH_ERROR_INIT;
	int r = write_message(w, &req, false, &e);
	if (r == BERTH_EEXISTS) {
		/* committed by someone else since the pull looked */
		grpc_upload_cancel(w->up);
		w->up = NULL;
		w->exists = true;
		return 0;
	}
	if (r < 0) {
		if (err)
			*err = e;
		return r;
	}
	sha256_update(&w->sha, data, len);
	w->offset += (int64_t)len;
	return 0;
}

void ctrd_writer_abort(ctrd_writer *w)
{
	grpc_upload_cancel(w->up);
	w->up = NULL;
	sbuf_release(&w->msg);
	Containerd__Services__Content__V1__AbortRequest req = CONTAINERD__SERVICES__CONTENT__V1__ABORT_REQUEST__INIT;
	req.ref = w->ref;
	ctrd_call(NULL, w->c, "content.v1.Content/Abort", &req.base, NULL, 0, NULL);
}

int ctrd_writer_commit(ctrd_writer *w, const label_set *l, berth_error *err)
{
	if (w->exists) {
		sbuf_release(&w->msg);
		int r = ctrd_lease_add(w->c, w->lease, "content", w->digest, err);
		return r == 0 && l && l->n ? ctrd_blob_label(w->c, w->lease, w->digest, l, err) : r;
	}
	unsigned char sum[32];
	char got[72] = "sha256:";
	sha256_final(&w->sha, sum);
	for (size_t i = 0; i < 32; i++)
		snprintf(got + 7 + 2 * i, 3, "%02x", sum[i]);
	if (w->total >= 0 && w->offset != w->total) {
		ctrd_writer_abort(w);
		return berth_fail(err, BERTH_EPROTOCOL, "blob %s: %lld bytes arrived, its descriptor says %lld", w->digest,
				  (long long)w->offset, (long long)w->total);
	}
	if (startswith(w->digest, "sha256:") && !STREQ(got, w->digest)) {
		ctrd_writer_abort(w);
		return berth_fail(err, BERTH_EPROTOCOL, "blob %s: the bytes that arrived hash to %s: not stored", w->digest,
				  got);
	}
	_cleanup_free_ void **kvp =
		ctrd_kv_entries(l, &containerd__services__content__v1__write_content_request__labels_entry__descriptor);
	if (l && l->n && !kvp)
		return BERTH_NOMEM(err);
	Containerd__Services__Content__V1__WriteContentRequest req =
		CONTAINERD__SERVICES__CONTENT__V1__WRITE_CONTENT_REQUEST__INIT;
	req.action = CONTAINERD__SERVICES__CONTENT__V1__WRITE_ACTION__COMMIT;
	req.ref = w->ref;
	req.total = w->offset;
	req.expected = w->digest;
	req.offset = w->offset;
	if (kvp) {
		req.n_labels = l->n;
		req.labels = (Containerd__Services__Content__V1__WriteContentRequest__LabelsEntry **)kvp;
	}
	berth_error e = BERTH_ERROR_INIT;
	int r = write_message(w, &req, true, &e);
	if (r == 0) {
		r = grpc_upload_finish(w->up, NULL, &e);
		w->up = NULL;
	}
	sbuf_release(&w->msg);
	if (r == BERTH_EEXISTS) { /* committed meanwhile by another pull */
		r = ctrd_lease_add(w->c, w->lease, "content", w->digest, err);
		return r == 0 && l && l->n ? ctrd_blob_label(w->c, w->lease, w->digest, l, err) : r;
	}
	if (r < 0) {
		ctrd_writer_abort(w);
		if (err)
			*err = e;
	}
	return r;
}

/* ---- what a lease holds -------------------------------------------------- */

int ctrd_lease_add(berth_client *c, const char *lease, const char *type, const char *id, berth_error *err)
{
	if (isempty(lease))
		return 0;
	Containerd__Services__Leases__V1__Resource res = CONTAINERD__SERVICES__LEASES__V1__RESOURCE__INIT;
	res.id = (char *)id;
	res.type = (char *)type;
	Containerd__Services__Leases__V1__AddResourceRequest req =
		CONTAINERD__SERVICES__LEASES__V1__ADD_RESOURCE_REQUEST__INIT;
	req.id = (char *)lease;
	req.resource = &res;
	return ctrd_call(NULL, c, "leases.v1.Leases/AddResource", &req.base, NULL, 0, err);
}

bool ctrd_content_kept(berth_client *c, const char *lease, const char *digest)
{
	return ctrd_lease_add(c, lease, "content", digest, NULL) == 0 && ctrd_content_exists(c, digest);
}

bool ctrd_snapshot_kept(berth_client *c, const char *lease, const char *key)
{
	return ctrd_lease_add(c, lease, "snapshots/" CTRD_SNAPSHOTTER, key, NULL) == 0 && ctrd_snapshot_exists(c, key);
}

int ctrd_blob_write(berth_client *c, const char *lease, const char *digest, const void *data, size_t len,
		    const label_set *l, berth_error *err)
{
	ctrd_writer w;
	ctrd_writer_init(&w, c, lease, digest, (int64_t)len);
	int r = 0;
	for (size_t off = 0; r == 0 && off < len; off += WRITE_CHUNK)
		r = ctrd_writer_write(&w, (const uint8_t *)data + off, len - off < WRITE_CHUNK ? len - off : WRITE_CHUNK,
				      err);
	if (r < 0) {
		ctrd_writer_abort(&w);
		return r;
	}
	return ctrd_writer_commit(&w, l, err);
}
