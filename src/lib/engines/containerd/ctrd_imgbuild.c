/* containerd: archives and new images made natively, from the content
 * store and the snapshotter.
 *
 * export: the diff service's Diff of the container's snapshot against an
 *   empty one writes its whole file system as one uncompressed layer into
 *   the content store, under a lease; berth streams that blob back in
 *   ranged reads and drops the lease at the end (the garbage collector
 *   takes the blob, unless an image uses the same bytes).
 * commit: Diff of the container's snapshot against a view of its parent
 *   is the new layer; the base image's config gets its diff id, a history
 *   step and the changes; a manifest of the base layers plus the new one;
 *   the new snapshot is unpacked under its chain id; then the name.
 * import of a root file system: the tarball is the one layer, spooled to
 *   an unlinked file (hashed on the way), then written through the content
 *   service in pieces, with a config made from nothing.
 * save: a docker-save tar written as it is read: each config and layer
 *   blob in ranged reads, manifest.json last; a compressed layer (pulled)
 *   is taken plain first into an unlinked file, whose size its tar header
 *   needs, as docker save writes layers plain.
 * Everything written is under a lease until the image record holds it
 * (the gc labels of ctrd_images.c's import), through ctrd_content.c. */
#include "ctrd_imgbuild.h"
#include "ctrd_content.h"
#include "ctrd_lifecycle.h"
#include "ctrd_tar.h"
#include "lib/kit/decompress.h"
#include "lib/kit/stream.h"
#include "lib/parse/image_build.h"
#include "util/sha256.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "api_services_containers_v1_containers.pb-c.h"
#include "api_services_content_v1_content.pb-c.h"
#include "api_services_diff_v1_diff.pb-c.h"
#include "api_services_snapshots_v1_snapshots.pb-c.h"

#define MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define READ_PIECE (1024 * 1024)
#define DIFF_TIMEOUT_MS (10 * 60 * 1000)
#define ROOTFS_MAX ((size_t)8 << 30)

typedef Containerd__Types__Mount ctrd_mount;

/* chain(i) = sha256(chain(i-1) + " " + diff(i)); chain(0) = diff(0) */
static void chain_next(char out[72], const char *parent, const char *diff_id)
{
	if (!parent || !*parent) {
		snprintf(out, 72, "%s", diff_id);
		return;
	}
	char buf[160];
	int n = snprintf(buf, sizeof buf, "%s %s", parent, diff_id);
	ctrd_digest_of(out, buf, (size_t)n);
}

/* ---- a blob read back in pieces ------------------------------------------ */

/* ---- the tar of a save, or one blob of an export, as a stream ---------------- */

typedef struct part {
	char name[160];        /* its path in the tar; "" for a blob passed as it is */
	char digest[72];       /* the blob; "" when data holds it */
	int64_t size;
	char *data;            /* manifest.json */
	bool unpack;           /* a compressed layer: written plain (docker save's
	                          layer.tar), spooled first to learn its size */
	int fd;                /* the plain layer, spooled; -1 */
} part;

typedef struct tar_out {
	berth_client *c;
	char what[300];
	char lease[CTRD_LEASE_MAX]; /* dropped at the end (export), or "" */
	part *parts;
	size_t n, at;          /* the part being written */
	int64_t off;           /* bytes of its data handed out */
	bool header_done;
	bool raw;              /* one blob as it is, no tar around it (export) */
	bool trailer_done, over;
	sbuf buf;              /* what the last frame points into */
} tar_out;

static void tar_out_free(void *impl)
{
	tar_out *t = impl;
	if (!t)
		return;
	if (t->lease[0])
		ctrd_lease_delete(t->c, t->lease);
	for (size_t i = 0; i < t->n; i++) {
		free(t->parts[i].data);
		if (t->parts[i].fd >= 0)
			close(t->parts[i].fd);
	}
	free(t->parts);
	sbuf_release(&t->buf);
	free(t);
}

/* A compressed blob read back from the content store, for the
 * decompressor: READ_PIECE at a time. */
typedef struct blob_src {
	berth_client *c;
	const char *digest;
	int64_t off, size;
	sbuf piece;
	size_t pos;
	berth_error e;
} blob_src;

static ssize_t blob_src_read(void *buf, size_t cap, void *payload)
{
	blob_src *b = payload;
	if (b->pos == b->piece.len) {
		if (b->off >= b->size)
			return 0;
		sbuf_reset(&b->piece);
		b->pos = 0;
		int64_t want = b->size - b->off < READ_PIECE ? b->size - b->off : READ_PIECE;
		int r = ctrd_content_read_at(&b->piece, b->c, b->digest, b->off, want, READ_PIECE, &b->e);
		if (r < 0)
			return r;
		if (b->piece.len == 0)
			return berth_fail(&b->e, BERTH_EPROTOCOL, "blob %s ends early", b->digest);
		b->off += (int64_t)b->piece.len;
	}
	size_t n = b->piece.len - b->pos < cap ? b->piece.len - b->pos : cap;
	memcpy(buf, b->piece.data + b->pos, n);
	b->pos += n;
	return (ssize_t)n;
}

/* A compressed layer written out plain to an unlinked file: p->fd and
 * p->size become the plain layer's. */
static int spool_plain(tar_out *t, part *p, berth_error *err)
{
	const char *dir = NULL;
	_cleanup_close_ int fd = spool_file_open(&dir, t->what, err);
	if (fd < 0)
		return fd;
	blob_src b = { .c = t->c, .digest = p->digest, .size = p->size, .piece = SBUF_INIT };
	berth_error_clear(&b.e);
	decomp *d = NULL;
	_cleanup_free_ char *buf = malloc(READ_PIECE);
	int r = buf ? decomp_new(&d, blob_src_read, &b, t->what, err) : BERTH_NOMEM(err);
	int64_t total = 0;
	while (r == 0) {
		ssize_t n = decomp_read(buf, READ_PIECE, d);
		if (n < 0) {
			r = (int)n;
			if (err)
				*err = b.e.code ? b.e : *decomp_error(d);
			break;
		}
		if (n == 0)
			break;
		if (write(fd, buf, (size_t)n) != n)
			r = berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "%s: writing to %s: %s", t->what, dir,
					    strerror(errno));
		total += n;
	}
	decomp_free(d);
	sbuf_release(&b.piece);
	if (r < 0)
		return r;
	p->size = total;
	p->fd = fd;
	fd = -1;
	return 0;
}

static int frame_of(tar_out *t, berth_frame *out)
{
	*out = (berth_frame){ .channel = BERTH_CHANNEL_STDOUT, .data = t->buf.data, .len = t->buf.len };
	return 0;
}

static int tar_out_next(void *impl, berth_frame *out, int timeout_ms, berth_error *err)
{
	(void)timeout_ms; /* each frame is one bounded request */
	tar_out *t = impl;
	sbuf_reset(&t->buf);
	while (t->at < t->n) {
		part *p = &t->parts[t->at];
		if (p->unpack && p->fd < 0) {
			int r = spool_plain(t, p, err);
			if (r < 0)
				return r;
		}
		if (!t->raw && !t->header_done) {
			tar_header h = { .type = '0', .size = (uint64_t)p->size, .mode = 0644, .mtime = 0 };
			snprintf(h.name, sizeof h.name, "%s", p->name);
			if (sbuf_reserve(&t->buf, TAR_HEADER_MAX) < 0)
				return BERTH_NOMEM(err);
			int n = ctrd_tar_header_write((uint8_t *)t->buf.data, TAR_HEADER_MAX, &h);
			if (n < 0)
				return berth_fail(err, BERTH_EINVAL, "%s: %s: name too long for the tar", t->what, p->name);
			t->buf.len = (size_t)n;
			t->header_done = true;
			return frame_of(t, out);
		}
		if (t->off < p->size) {
			int64_t want = p->size - t->off < READ_PIECE ? p->size - t->off : READ_PIECE;
			if (p->data) {
				if (sbuf_add(&t->buf, p->data + t->off, (size_t)want) < 0)
					return BERTH_NOMEM(err);
			} else if (p->fd >= 0) {
				if (sbuf_reserve(&t->buf, (size_t)want) < 0)
					return BERTH_NOMEM(err);
				ssize_t got = pread(p->fd, t->buf.data, (size_t)want, (off_t)t->off);
				if (got <= 0)
					return berth_fail_full(err, BERTH_EENGINE, 0, errno, "%s: reading the spooled layer back: %s",
							       t->what, got < 0 ? strerror(errno) : "cut short");
				t->buf.len = (size_t)got;
			} else {
				int r = ctrd_content_read_at(&t->buf, t->c, p->digest, t->off, want, READ_PIECE, err);
				if (r < 0) {
					berth_error_prefix(err, "%s", t->what);
					return r;
				}
				if (t->buf.len == 0)
					return berth_fail(err, BERTH_EPROTOCOL, "%s: blob %s ends before its %lld bytes", t->what,
							  p->digest, (long long)p->size);
			}
			t->off += (int64_t)t->buf.len;
			return frame_of(t, out);
		}
		/* the part is out: its padding to a block */
		size_t pad = t->raw ? 0 : (size_t)((512 - p->size % 512) % 512);
		t->at++;
		t->off = 0;
		t->header_done = false;
		if (pad) {
			if (sbuf_reserve(&t->buf, pad) < 0)
				return BERTH_NOMEM(err);
			memset(t->buf.data, 0, pad);
			t->buf.len = pad;
			return frame_of(t, out);
		}
	}
	if (!t->raw && !t->trailer_done) {
		t->trailer_done = true;
		if (sbuf_reserve(&t->buf, 1024) < 0)
			return BERTH_NOMEM(err);
		memset(t->buf.data, 0, 1024);
		t->buf.len = 1024;
		return frame_of(t, out);
	}
	if (!t->over && t->lease[0]) {
		ctrd_lease_delete(t->c, t->lease);
		t->lease[0] = '\0';
	}
	t->over = true;
	return BERTH_ITEROVER;
}

static const stream_ops tar_out_ops = {
	.kind = "archive",
	.next = tar_out_next,
	.free = tar_out_free,
};

/* ---- snapshots and diffs ------------------------------------------------------ */

static void snapshot_remove(berth_client *c, const char *lease, const char *key)
{
	Containerd__Services__Snapshots__V1__RemoveSnapshotRequest rr =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__REMOVE_SNAPSHOT_REQUEST__INIT;
	rr.snapshotter = (char *)CTRD_SNAPSHOTTER;
	rr.key = (char *)key;
	ctrd_call_lease(NULL, c, lease, "snapshots.v1.Snapshots/Remove", &rr.base, NULL, 0, NULL);
}

/* The mounts of a temporary snapshot on parent: a view of it, or (parent
 * "") an empty active one. */
static int temp_snapshot(Containerd__Services__Snapshots__V1__PrepareSnapshotResponse **out, berth_client *c,
			 const char *lease, const char *key, const char *parent, berth_error *err)
{
	if (isempty(parent)) {
		Containerd__Services__Snapshots__V1__PrepareSnapshotRequest pr =
			CONTAINERD__SERVICES__SNAPSHOTS__V1__PREPARE_SNAPSHOT_REQUEST__INIT;
		pr.snapshotter = (char *)CTRD_SNAPSHOTTER;
		pr.key = (char *)key;
		pr.parent = (char *)"";
		return ctrd_call_lease(out, c, lease, "snapshots.v1.Snapshots/Prepare", &pr.base,
				       &containerd__services__snapshots__v1__prepare_snapshot_response__descriptor, 0, err);
	}
	Containerd__Services__Snapshots__V1__ViewSnapshotRequest vr =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__VIEW_SNAPSHOT_REQUEST__INIT;
	vr.snapshotter = (char *)CTRD_SNAPSHOTTER;
	vr.key = (char *)key;
	vr.parent = (char *)parent;
	/* View's reply has the same shape as Prepare's (mounts) */
	return ctrd_call_lease(out, c, lease, "snapshots.v1.Snapshots/View", &vr.base,
			       &containerd__services__snapshots__v1__prepare_snapshot_response__descriptor, 0, err);
}

/* The changes of container k's snapshot against parent (a committed
 * snapshot; "" for all of it) as an uncompressed layer in the content
 * store, under lease: its descriptor into *digest and *size. */
static int diff_container(char digest[72], int64_t *size, berth_client *c, const char *lease,
			  const Containerd__Services__Containers__V1__Container *k, const char *parent, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Snapshots__V1__MountsResponse *right = NULL;
	int r = ctrd_mounts_of(&right, c, k, err);
	if (r < 0)
		return r;
	char key[128];
	snprintf(key, sizeof key, "berth-diff-%d-%lld", (int)getpid(), (long long)now_ms());
	_cleanup_pb_ Containerd__Services__Snapshots__V1__PrepareSnapshotResponse *left = NULL;
	r = temp_snapshot(&left, c, lease, key, parent, err);
	if (r < 0)
		return r;
	char ref[160];
	snprintf(ref, sizeof ref, "berth-diff-%s-%lld", k->id, (long long)now_ms());
	Containerd__Services__Diff__V1__DiffRequest dr = CONTAINERD__SERVICES__DIFF__V1__DIFF_REQUEST__INIT;
	dr.n_left = left->n_mounts;
	dr.left = left->mounts;
	dr.n_right = right->n_mounts;
	dr.right = right->mounts;
	dr.media_type = (char *)MT_OCI_LAYER;
	dr.ref = ref;
	_cleanup_pb_ Containerd__Services__Diff__V1__DiffResponse *d = NULL;
	r = ctrd_call_lease(&d, c, lease, "diff.v1.Diff/Diff", &dr.base, &containerd__services__diff__v1__diff_response__descriptor,
			    DIFF_TIMEOUT_MS, err);
	snapshot_remove(c, lease, key);
	if (r == 0 && (!d->diff || isempty(d->diff->digest) || strlen(d->diff->digest) >= 72))
		r = berth_fail(err, BERTH_EPROTOCOL, "%s: Diff/Diff gave no descriptor", c->endpoint);
	if (r < 0)
		return r;
	snprintf(digest, 72, "%s", d->diff->digest);
	*size = d->diff->size;
	return 0;
}

/* ---- export ---------------------------------------------------------------------- */

int ctrd_container_export(berth_stream **out, berth_client *c, const char *ref, berth_error *err)
{
	RESOLVE(c, ref, err);
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *g = NULL;
	int r = ctrd_get_container(&g, c, id, err);
	if (r < 0)
		return r;
	tar_out *t = calloc(1, sizeof *t);
	if (!t || !(t->parts = calloc(1, sizeof *t->parts))) {
		free(t);
		return BERTH_NOMEM(err);
	}
	t->c = c;
	t->n = 1;
	t->raw = true;
	t->parts[0].fd = -1;
	snprintf(t->what, sizeof t->what, "export %s", ref);
	r = ctrd_lease_create(c, t->lease, "export", err);
	if (r == 0)
		r = diff_container(t->parts[0].digest, &t->parts[0].size, c, t->lease, g->container, "", err);
	if (r < 0) {
		tar_out_free(t);
		return r;
	}
	return stream_new(out, &tar_out_ops, t, err);
}

/* ---- new images: config, manifest, snapshot, name ------------------------------ */

typedef struct new_image {
	const image_desc *base_layers;   /* base first */
	size_t n_base;
	const char *base_chain;          /* the base's top snapshot, "" for none */
	char layer_digest[72];           /* the new layer (uncompressed: its diff id too) */
	int64_t layer_size;
	bool docker;                     /* Docker schema 2 media types, else OCI */
} new_image;

/* Write config and manifest, unpack the new layer on the base chain, name
 * the image (ref, or else its id as the record's name): *out_id gets the
 * config digest. */
static int finish_image(char **out_id, berth_client *c, const char *lease, const new_image *ni, const sbuf *config,
			const char *ref, berth_error *err)
{
	char cfg_digest[72], chain[72], mdigest[72];
	ctrd_digest_of(cfg_digest, config->data, config->len);
	chain_next(chain, ni->base_chain, ni->layer_digest);
	const char *snap_label[] = { "containerd.io/gc.ref.snapshot." CTRD_SNAPSHOTTER, chain };
	label_set sl = { snap_label, 1 };
	int r = ctrd_blob_write(c, lease, cfg_digest, config->data, config->len, &sl, err);
	if (r < 0)
		return r;
	const char *layer_mt = ni->docker ? MT_DOCKER_LAYER : MT_OCI_LAYER;
	_cleanup_sbuf_ sbuf m = SBUF_INIT;
	int nr = sbuf_printf(&m, "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\","
				 "\"size\":%zu},\"layers\":[",
			     ni->docker ? MT_DOCKER_MANIFEST : MT_OCI_MANIFEST, ni->docker ? MT_DOCKER_CONFIG : MT_OCI_CONFIG,
			     cfg_digest, config->len);
	for (size_t i = 0; nr == 0 && i < ni->n_base; i++)
		nr = sbuf_printf(&m, "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%lld},", ni->base_layers[i].media_type,
				 ni->base_layers[i].digest, (long long)ni->base_layers[i].size);
	if (nr || sbuf_printf(&m, "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%lld}]}", layer_mt, ni->layer_digest,
			      (long long)ni->layer_size) < 0)
		return BERTH_NOMEM(err);
	ctrd_digest_of(mdigest, m.data, m.len);
	/* the manifest holds its config and every layer (gc references) */
	size_t nl = ni->n_base + 2;
	_cleanup_free_ const char **kv = calloc(2 * nl, sizeof *kv);
	_cleanup_strv_ strv keys = STRV_INIT;
	if (!kv)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i + 1 < nl; i++) {
		char key[64];
		snprintf(key, sizeof key, "containerd.io/gc.ref.content.l.%zu", i);
		if (strv_push(&keys, key) < 0)
			return BERTH_NOMEM(err);
	}
	kv[0] = "containerd.io/gc.ref.content.config";
	kv[1] = cfg_digest;
	for (size_t i = 0; i + 1 < nl; i++) {
		kv[2 * (i + 1)] = keys.items[i];
		kv[2 * (i + 1) + 1] = i < ni->n_base ? ni->base_layers[i].digest : ni->layer_digest;
	}
	label_set ml = { kv, nl };
	r = ctrd_blob_write(c, lease, mdigest, m.data, m.len, &ml, err);
	if (r < 0)
		return r;
	image_desc layer = { .media_type = (char *)MT_OCI_LAYER, .digest = (char *)ni->layer_digest,
			     .size = ni->layer_size };
	r = ctrd_unpack_layer(c, lease, chain, ni->base_chain, &layer, ni->layer_digest, err);
	if (r < 0)
		return r;
	ctrd_desc target = CONTAINERD__TYPES__DESCRIPTOR__INIT;
	target.media_type = ni->docker ? (char *)MT_DOCKER_MANIFEST : (char *)MT_OCI_MANIFEST;
	target.digest = mdigest;
	target.size = (int64_t)m.len;
	/* containerd keeps full names ("localhost/x:1", "docker.io/library/x:latest") */
	berth_image_ref *parsed = NULL;
	if (ref && (r = berth_image_ref_parse(&parsed, ref, err)) < 0)
		return r;
	r = ctrd_image_put(c, parsed ? berth_image_ref_normalized(parsed) : cfg_digest, &target, lease, err);
	berth_image_ref_free(parsed);
	if (r == 0 && out_id && !(*out_id = strdup(cfg_digest)))
		r = BERTH_NOMEM(err);
	return r;
}

/* ---- commit --------------------------------------------------------------------- */

/* The committed snapshot container k's snapshot was prepared on. */
static int snapshot_parent(char out[256], berth_client *c, const Containerd__Services__Containers__V1__Container *k,
			   berth_error *err)
{
	Containerd__Services__Snapshots__V1__StatSnapshotRequest req =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__STAT_SNAPSHOT_REQUEST__INIT;
	req.snapshotter = isempty(k->snapshotter) ? (char *)CTRD_SNAPSHOTTER : k->snapshotter;
	req.key = k->snapshot_key;
	_cleanup_pb_ Containerd__Services__Snapshots__V1__StatSnapshotResponse *s = NULL;
	int r = ctrd_call(&s, c, "snapshots.v1.Snapshots/Stat", &req.base,
			  &containerd__services__snapshots__v1__stat_snapshot_response__descriptor, 0, err);
	if (r < 0)
		return r;
	snprintf(out, 256, "%s", s->info ? strempty(s->info->parent) : "");
	return 0;
}

/* The Docker-shaped create body berth keeps with a container it made
 * (its command, environment, ...), as text; NULL when it has none. */
static char *container_view(const Containerd__Services__Containers__V1__Container *k)
{
	for (size_t i = 0; i < k->n_extensions; i++) {
		const Google__Protobuf__Any *v = k->extensions[i]->value;
		if (k->extensions[i]->key && STREQ(k->extensions[i]->key, CTRD_DOCKER_VIEW_TYPE) && v && v->value.len)
			return strndup((const char *)v->value.data, v->value.len);
	}
	return NULL;
}

int ctrd_container_commit(char **out_id, berth_client *c, const char *ref, const berth_commit_options *o,
			  berth_error *err)
{
	RESOLVE(c, ref, err);
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *g = NULL;
	int r = ctrd_get_container(&g, c, id, err);
	if (r < 0)
		return r;
	const Containerd__Services__Containers__V1__Container *k = g->container;
	if (isempty(k->snapshot_key) || isempty(k->image))
		return berth_fail(err, BERTH_EUNSUPPORTED, "commit %s: the container has no image snapshot", ref);
	image_desc cfgd = { 0 }, *layers = NULL;
	size_t n = 0;
	_cleanup_free_ char *img_name = NULL;
	r = ctrd_image_layers(&cfgd, &layers, &n, &img_name, c, k->image, err);
	if (r < 0)
		return r;
	_cleanup_sbuf_ sbuf base = SBUF_INIT, cfg = SBUF_INIT;
	char parent[256] = "", lease[CTRD_LEASE_MAX] = "";
	new_image ni = { .base_layers = layers, .n_base = n, .base_chain = parent,
			 .docker = STREQ(strempty(cfgd.media_type), MT_DOCKER_CONFIG) };
	r = ctrd_content_read(&base, c, cfgd.digest, MAX_BLOB_JSON, err);
	if (r == 0)
		r = snapshot_parent(parent, c, k, err);
	if (r == 0)
		r = ctrd_lease_create(c, lease, "commit", err);
	/* a running container is frozen while its snapshot is read */
	bool paused = false;
	if (r == 0 && o->pause) {
		ctrd_task_info t;
		berth_error e = BERTH_ERROR_INIT;
		if (ctrd_task_get(&t, c, id, &e) == 0 && t.exists && t.state == BERTH_STATE_RUNNING)
			paused = ctrd_container_pause(c, id, &e) == 0;
	}
	if (r == 0)
		r = diff_container(ni.layer_digest, &ni.layer_size, c, lease, k, parent, err);
	if (paused)
		ctrd_container_unpause(c, id, NULL);
	char created[40];
	ctrd_now_rfc3339(created);
	_cleanup_free_ char *view = container_view(k);
	image_build_args a = { .diff_id = ni.layer_digest, .created = created, .created_by = "berth commit",
			       .comment = o->message, .author = o->author, .container_config = view,
			       .changes = o->changes, .change_count = o->change_count };
	if (r == 0)
		r = image_config_build(&cfg, base.data, base.len, &a, err);
	if (r == 0)
		r = finish_image(out_id, c, lease, &ni, &cfg, o->ref, err);
	if (lease[0])
		ctrd_lease_delete(c, lease);
	image_desc_release(&cfgd);
	image_descs_free(layers, n);
	if (r < 0)
		berth_error_prefix(err, "commit %s", ref);
	return r;
}

/* ---- import of a root file system ---------------------------------------------- */

int ctrd_image_import_rootfs(char **out_id, berth_client *c, berth_read_cb read, void *payload,
			     const berth_image_import_rootfs_options *o, berth_error *err)
{
	/* the tarball spooled to an unlinked file, hashed on the way */
	const char *dir = NULL;
	_cleanup_close_ int fd = spool_file_open(&dir, "import", err);
	if (fd < 0)
		return fd;
	_cleanup_free_ char *buf = malloc(READ_PIECE);
	if (!buf)
		return BERTH_NOMEM(err);
	sha256_ctx h;
	sha256_init(&h);
	size_t total = 0;
	for (;;) {
		ssize_t got = read(buf, READ_PIECE, payload);
		if (got < 0)
			return berth_fail(err, (int)got, "import: reading the tarball: %s", berth_strerror((int)got));
		if (got == 0)
			break;
		sha256_update(&h, buf, (size_t)got);
		total += (size_t)got;
		if (total > ROOTFS_MAX)
			return berth_fail(err, BERTH_EINVAL, "import: tarball larger than %zu bytes", ROOTFS_MAX);
		if (write(fd, buf, (size_t)got) != got)
			return berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "import: writing to %s: %s", dir,
					       strerror(errno));
	}
	unsigned char sum[32];
	sha256_final(&h, sum);
	new_image ni = { .base_chain = "", .layer_size = (int64_t)total, .docker = true };
	memcpy(ni.layer_digest, "sha256:", 7);
	for (size_t i = 0; i < 32; i++)
		snprintf(ni.layer_digest + 7 + 2 * i, 3, "%02x", sum[i]);
	char lease[CTRD_LEASE_MAX] = "", created[40];
	ctrd_now_rfc3339(created);
	image_build_args a = { .diff_id = ni.layer_digest, .created = created, .created_by = "berth import",
			       .comment = o->message, .os = "linux", .arch = ctrd_host_arch(), .changes = o->changes,
			       .change_count = o->change_count };
	_cleanup_sbuf_ sbuf cfg = SBUF_INIT;
	int r = image_config_build(&cfg, NULL, 0, &a, err);
	if (r == 0)
		r = ctrd_lease_create(c, lease, "import", err);
	/* the layer goes in pieces from the spooled file (a store that has it
	 * already keeps it) */
	if (r == 0 && !ctrd_content_exists(c, ni.layer_digest)) {
		ctrd_writer w;
		ctrd_writer_init(&w, c, lease, ni.layer_digest, (int64_t)total);
		for (size_t off = 0; r == 0 && off < total;) {
			ssize_t got = pread(fd, buf, READ_PIECE, (off_t)off);
			if (got <= 0)
				r = berth_fail_full(err, BERTH_EENGINE, 0, errno, "import: reading back %s: %s", dir,
						    got < 0 ? strerror(errno) : "cut short");
			else
				r = ctrd_writer_write(&w, buf, (size_t)got, err);
			off += got > 0 ? (size_t)got : 0;
		}
		if (r == 0)
			r = ctrd_writer_commit(&w, NULL, err);
		else
			ctrd_writer_abort(&w);
	}
	if (r == 0)
		r = finish_image(out_id, c, lease, &ni, &cfg, o->ref, err);
	if (lease[0])
		ctrd_lease_delete(c, lease);
	return r;
}

/* ---- save --------------------------------------------------------------------------- */

/* A part of the tar for blob d under name (once: a layer two images share
 * is written once). */
static int add_part(tar_out *t, size_t *cap, const char *name, const char *digest, int64_t size, berth_error *err)
{
	for (size_t i = 0; i < t->n; i++)
		if (STREQ(t->parts[i].name, name))
			return 0;
	if (t->n == *cap) {
		part *more = realloc(t->parts, 2 * *cap * sizeof *more);
		if (!more)
			return BERTH_NOMEM(err);
		t->parts = more;
		*cap *= 2;
	}
	part *p = &t->parts[t->n++];
	*p = (part){ .size = size, .fd = -1 };
	snprintf(p->name, sizeof p->name, "%s", name);
	snprintf(p->digest, sizeof p->digest, "%s", digest);
	return 0;
}

/* One image of the save: its config and layers as parts, its entry of
 * manifest.json. The layers go as the store has them: a compressed one
 * stays compressed (Docker's load takes that too). */
static int save_one(tar_out *t, size_t *cap, sbuf *manifest, berth_client *c, const char *name, berth_error *err)
{
	image_desc cfgd = { 0 }, *layers = NULL;
	size_t n = 0;
	_cleanup_free_ char *full = NULL;
	int r = ctrd_image_layers(&cfgd, &layers, &n, &full, c, name, err);
	if (r < 0)
		return r;
	char path[160];
	snprintf(path, sizeof path, "%s.json", cfgd.digest + 7);
	r = add_part(t, cap, path, cfgd.digest, cfgd.size, err);
	/* compressed layers go plain, under their diff ids (the config's) */
	_cleanup_sbuf_ sbuf cfg = SBUF_INIT;
	_cleanup_strv_ strv diff_ids = STRV_INIT;
	if (r == 0)
		r = ctrd_content_read(&cfg, c, cfgd.digest, MAX_BLOB_JSON, err);
	if (r == 0)
		r = image_config_diff_ids(&diff_ids, cfg.data ? cfg.data : "", cfg.len, err);
	if (r == 0 && diff_ids.len != n)
		r = berth_fail(err, BERTH_EPROTOCOL, "save %s: %zu layers, its config lists %zu", name, n, diff_ids.len);
	/* by id: no name in the archive, as docker does */
	bool by_name = !(startswith(name, "sha256:") || (strlen(name) >= 12 && strspn(name, "0123456789abcdef") == strlen(name)));
	if (r == 0 && (sbuf_adds(manifest, manifest->len > 1 ? "," : "") < 0 ||
		       sbuf_printf(manifest, "{\"Config\":\"%s\",\"RepoTags\":[", path) < 0 ||
		       (by_name && sbuf_add_json_string(manifest, full) < 0) || sbuf_adds(manifest, "],\"Layers\":[") < 0))
		r = BERTH_NOMEM(err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		const char *mt = strempty(layers[i].media_type);
		bool packed = endswith(mt, "gzip") || endswith(mt, "zstd");
		snprintf(path, sizeof path, "%s/layer.tar", (packed ? diff_ids.items[i] : layers[i].digest) + 7);
		size_t before = t->n;
		r = add_part(t, cap, path, layers[i].digest, layers[i].size, err);
		if (r == 0 && t->n > before)
			t->parts[t->n - 1].unpack = packed;
		if (r == 0 && (sbuf_adds(manifest, i ? "," : "") < 0 || sbuf_add_json_string(manifest, path) < 0))
			r = BERTH_NOMEM(err);
	}
	if (r == 0 && sbuf_adds(manifest, "]}") < 0)
		r = BERTH_NOMEM(err);
	image_desc_release(&cfgd);
	image_descs_free(layers, n);
	return r;
}

int ctrd_image_save(berth_stream **out, berth_client *c, const char *const *names, size_t count, berth_error *err)
{
	tar_out *t = calloc(1, sizeof *t);
	size_t cap = 8;
	if (!t || !(t->parts = calloc(cap, sizeof *t->parts))) {
		free(t);
		return BERTH_NOMEM(err);
	}
	t->c = c;
	snprintf(t->what, sizeof t->what, "save %s%s", names[0], count > 1 ? " ..." : "");
	_cleanup_sbuf_ sbuf manifest = SBUF_INIT;
	int r = sbuf_addc(&manifest, '[') < 0 ? BERTH_NOMEM(err) : 0;
	for (size_t i = 0; r == 0 && i < count; i++)
		r = save_one(t, &cap, &manifest, c, names[i], err);
	if (r == 0 && sbuf_adds(&manifest, "]\n") < 0)
		r = BERTH_NOMEM(err);
	if (r == 0)
		r = add_part(t, &cap, "manifest.json", "", (int64_t)manifest.len, err);
	if (r < 0) {
		tar_out_free(t);
		return r;
	}
	t->parts[t->n - 1].data = sbuf_steal(&manifest);
	return stream_new(out, &tar_out_ops, t, err);
}
