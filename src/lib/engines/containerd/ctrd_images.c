/* containerd images: list, inspect, tag, remove through the images and
 * content services, and a native import of docker-save / OCI archives:
 * blobs written through the content service, the image record created, and
 * the layers unpacked into the overlayfs snapshotter (Snapshots.Prepare,
 * Diff.Apply, Snapshots.Commit under the layer's chain id).
 *
 * Garbage collection: everything is written under a lease that is deleted
 * at the end; by then the image record holds the manifest, whose labels
 * hold the config and layers, whose config label holds the top snapshot
 * (the labels containerd's own client sets, so its GC keeps them). */
#include "ctrd_containerd.h"
#include "ctrd_tar.h"
#include "ctrd_imgstore.h"
#include "lib/parse/image_json.h"
#include "util/sha256.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "api_services_containers_v1_containers.pb-c.h"
#include "api_services_content_v1_content.pb-c.h"
#include "api_services_diff_v1_diff.pb-c.h"
#include "api_services_images_v1_images.pb-c.h"
#include "api_services_leases_v1_leases.pb-c.h"
#include "api_services_snapshots_v1_snapshots.pb-c.h"

typedef Containerd__Services__Images__V1__Image ctrd_image;
typedef Containerd__Types__Descriptor ctrd_desc;

#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MAX_BLOB_JSON (4u * 1024 * 1024)
#define WRITE_CHUNK (1024 * 1024)
#define APPLY_TIMEOUT_MS (10 * 60 * 1000) /* unpacking one layer */

/* ---- names -------------------------------------------------------------- */

/* containerd keeps full names: "busybox" is "docker.io/library/busybox:latest". */
static int normalize(char *out, size_t size, const char *name)
{
	const char *slash = strchr(name, '/');
	bool has_domain = slash && (memchr(name, '.', (size_t)(slash - name)) || memchr(name, ':', (size_t)(slash - name)) ||
				    ((size_t)(slash - name) == 9 && memcmp(name, "localhost", 9) == 0));
	const char *last = strrchr(name, '/');
	bool has_tag = strchr(last ? last : name, ':') || strchr(name, '@');
	int n = snprintf(out, size, "%s%s%s%s", has_domain ? "" : "docker.io/", has_domain || slash ? "" : "library/", name,
			 has_tag ? "" : ":latest");
	return n < 0 || (size_t)n >= size ? -EINVAL : 0;
}

/* "sha256:<hex>" or a hex prefix of at least 12 digits: an id. */
static bool looks_like_id(const char *s)
{
	if (startswith(s, "sha256:"))
		s += 7;
	size_t n = strspn(s, "0123456789abcdef");
	return n >= 12 && s[n] == '\0';
}

static bool id_matches(const char *digest, const char *id)
{
	if (!digest)
		return false;
	if (startswith(id, "sha256:"))
		return STREQ(digest, id);
	return startswith(digest, "sha256:") && startswith(digest + 7, id);
}

/* ---- content ------------------------------------------------------------ */

/* Read a whole blob (Content.Read streams it in pieces). */
static int content_read(sbuf *out, berth_client *c, const char *digest, size_t max, berth_error *err)
{
	Containerd__Services__Content__V1__ReadContentRequest req =
		CONTAINERD__SERVICES__CONTENT__V1__READ_CONTENT_REQUEST__INIT;
	req.digest = (char *)digest;
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

/* ---- image records ------------------------------------------------------ */

static int image_list_all(Containerd__Services__Images__V1__ListImagesResponse **out, berth_client *c,
			  berth_error *err)
{
	Containerd__Services__Images__V1__ListImagesRequest req = CONTAINERD__SERVICES__IMAGES__V1__LIST_IMAGES_REQUEST__INIT;
	return ctrd_call(out, c, "images.v1.Images/List", &req.base,
			 &containerd__services__images__v1__list_images_response__descriptor, 0, err);
}

/* The manifest of this host's platform under a target (index or manifest). */
typedef struct resolved {
	image_desc config;
	image_desc *layers;
	size_t n_layers;
	int64_t size;       /* manifest + config + layers */
} resolved;

static void resolved_release(resolved *r)
{
	image_desc_release(&r->config);
	image_descs_free(r->layers, r->n_layers);
	*r = (resolved){ 0 };
}

static const char *host_arch(void)
{
#if defined(__x86_64__)
	return "amd64";
#elif defined(__aarch64__)
	return "arm64";
#else
	return "";
#endif
}

static int resolve(resolved *out, berth_client *c, const char *media_type, const char *digest, int depth,
		   berth_error *err)
{
	_cleanup_sbuf_ sbuf blob = SBUF_INIT;
	int r = content_read(&blob, c, digest, MAX_BLOB_JSON, err);
	if (r < 0)
		return r;
	bool index = STREQ(media_type, MT_OCI_INDEX) || STREQ(media_type, MT_DOCKER_LIST) ||
		     (strstr(blob.data ? blob.data : "", "\"manifests\"") && !strstr(blob.data, "\"layers\""));
	if (index) {
		if (depth > 2)
			return berth_fail(err, BERTH_EPROTOCOL, "%s: image index nested too deep", c->endpoint);
		image_desc *m = NULL;
		size_t n = 0;
		r = image_index_parse(&m, &n, blob.data, blob.len, err);
		if (r < 0)
			return r;
		const image_desc *pick = NULL;
		for (size_t i = 0; i < n && !pick; i++)
			if (m[i].arch && STREQ(m[i].arch, host_arch()) && (!m[i].os || STREQ(m[i].os, "linux")))
				pick = &m[i];
		if (!pick && n)
			pick = &m[0];
		r = pick ? resolve(out, c, pick->media_type, pick->digest, depth + 1, err)
			 : berth_fail(err, BERTH_ENOTFOUND, "%s: image index %s lists no manifest", c->endpoint, digest);
		image_descs_free(m, n);
		return r;
	}
	r = image_manifest_parse(&out->config, &out->layers, &out->n_layers, blob.data, blob.len, err);
	if (r < 0)
		return r;
	out->size = (int64_t)blob.len + out->config.size;
	for (size_t i = 0; i < out->n_layers; i++)
		out->size += out->layers[i].size;
	return 0;
}

static int resolve_image(resolved *out, berth_client *c, const ctrd_image *img, berth_error *err)
{
	return resolve(out, c, strempty(img->target->media_type), img->target->digest, 0, err);
}

char *ctrd_image_id(berth_client *c, const char *name)
{
	if (isempty(name))
		return strdup("");
	Containerd__Services__Images__V1__GetImageRequest req = CONTAINERD__SERVICES__IMAGES__V1__GET_IMAGE_REQUEST__INIT;
	req.name = (char *)name;
	_cleanup_pb_ Containerd__Services__Images__V1__GetImageResponse *resp = NULL;
	resolved rs = { 0 };
	if (ctrd_call(&resp, c, "images.v1.Images/Get", &req.base,
		      &containerd__services__images__v1__get_image_response__descriptor, 0, NULL) < 0 ||
	    !resp->image || !resp->image->target || resolve_image(&rs, c, resp->image, NULL) < 0)
		return strdup("");
	char *id = strdup(rs.config.digest);
	resolved_release(&rs);
	return id;
}

/* ---- list --------------------------------------------------------------- */

int ctrd_image_list(berth_image_list **out, berth_client *c, const berth_image_list_options *o,
			   berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Images__V1__ListImagesResponse *il = NULL;
	int r = image_list_all(&il, c, err);
	if (r < 0)
		return r;
	berth_image_list *l = calloc(1, sizeof *l);
	if (!l || (il->n_images && !(l->items = calloc(il->n_images, sizeof *l->items)))) {
		free(l);
		return BERTH_NOMEM(err);
	}
	for (size_t i = 0; i < il->n_images && r == 0; i++) {
		const ctrd_image *img = il->images[i];
		if (!img->name || !img->target || !ctrd_labels_match((void *const *)img->labels, img->n_labels, o->labels, o->label_count))
			continue;
		resolved rs = { 0 };
		berth_error e = BERTH_ERROR_INIT;
		if (resolve_image(&rs, c, img, &e) < 0) {
			berth_log(c, BERTH_LOG_DEBUG, "image %s: %s", img->name, e.message);
			continue; /* content missing (not fully pulled): not listable */
		}
		/* one entry per image: names sharing a config join */
		berth_image_entry *e2 = NULL;
		for (size_t j = 0; j < l->len && !e2; j++)
			if (STREQ(l->items[j].id, rs.config.digest))
				e2 = &l->items[j];
		if (!e2) {
			e2 = &l->items[l->len++];
			e2->id = strdup(rs.config.digest);
			e2->size = rs.size;
			e2->created = img->created_at ? (int64_t)img->created_at->seconds : 0;
			if (!e2->id || strv_push(&e2->digests, img->target->digest) < 0 ||
			    ctrd_labels_to_strv(&e2->label_keys, &e2->label_values, (void *const *)img->labels,
						img->n_labels) < 0)
				r = BERTH_NOMEM(err);
		}
		/* the image's age: its oldest name */
		if (img->created_at && (int64_t)img->created_at->seconds < e2->created)
			e2->created = (int64_t)img->created_at->seconds;
		if (r == 0 && strv_push(&e2->tags, img->name) < 0)
			r = BERTH_NOMEM(err);
		resolved_release(&rs);
	}
	if (r < 0) {
		berth_image_list_free(l);
		return r;
	}
	*out = l;
	return 0;
}

/* ---- inspect ------------------------------------------------------------ */

/* The record an image name or id stands for; for an id, the first record
 * whose config digest matches. */
static int find_image(ctrd_image **out, Containerd__Services__Images__V1__ListImagesResponse **keep, berth_client *c,
		      const char *name, berth_error *err)
{
	int r = image_list_all(keep, c, err);
	if (r < 0)
		return r;
	char full[512];
	bool named = normalize(full, sizeof full, name) == 0;
	for (size_t i = 0; named && i < (*keep)->n_images; i++)
		if ((*keep)->images[i]->name && (*keep)->images[i]->target && STREQ((*keep)->images[i]->name, full)) {
			*out = (*keep)->images[i];
			return 0;
		}
	if (looks_like_id(name))
		for (size_t i = 0; i < (*keep)->n_images; i++) {
			ctrd_image *img = (*keep)->images[i];
			resolved rs = { 0 };
			if (!img->target || resolve_image(&rs, c, img, NULL) < 0)
				continue;
			bool hit = id_matches(rs.config.digest, name) || id_matches(img->target->digest, name);
			resolved_release(&rs);
			if (hit) {
				*out = img;
				return 0;
			}
		}
	return berth_fail_full(err, BERTH_ENOTFOUND, 5, 0, "No such image: %s", name);
}

int ctrd_image_config(sbuf *cfg, char **out_name, berth_client *c, const char *name, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Images__V1__ListImagesResponse *il = NULL;
	ctrd_image *img = NULL;
	int r = find_image(&img, &il, c, name, err);
	if (r < 0)
		return r;
	_cleanup_(resolved_release) resolved rs = { 0 };
	r = resolve_image(&rs, c, img, err);
	if (r == 0)
		r = content_read(cfg, c, rs.config.digest, MAX_BLOB_JSON, err);
	if (r == 0 && !(*out_name = strdup(img->name)))
		r = BERTH_NOMEM(err);
	return r;
}

/* An image by name: its record (in *il, the caller's), manifest and config. */
static int image_with_config(ctrd_image **img, Containerd__Services__Images__V1__ListImagesResponse **il,
			     resolved *rs, sbuf *cfg, berth_client *c, const char *name, berth_error *err)
{
	int r = find_image(img, il, c, name, err);
	if (r == 0)
		r = resolve_image(rs, c, *img, err);
	if (r == 0)
		r = content_read(cfg, c, rs->config.digest, MAX_BLOB_JSON, err);
	return r;
}

int ctrd_image_inspect(berth_image_info **out, berth_client *c, const char *name, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Images__V1__ListImagesResponse *il = NULL;
	ctrd_image *img = NULL;
	_cleanup_(resolved_release) resolved rs = { 0 };
	_cleanup_sbuf_ sbuf cfg = SBUF_INIT;
	int r = image_with_config(&img, &il, &rs, &cfg, c, name, err);
	berth_image_info *x = NULL;
	if (r == 0)
		r = image_info_parse(&x, cfg.data ? cfg.data : "", cfg.len, err);
	if (r < 0)
		return r;
	free(x->id);
	x->id = strdup(rs.config.digest);
	strv_release(&x->tags);
	for (size_t i = 0; x->id && i < il->n_images; i++)
		if (il->images[i]->target && il->images[i]->name && STREQ(strempty(il->images[i]->target->digest), img->target->digest) &&
		    strv_push(&x->tags, il->images[i]->name) < 0) {
			berth_image_info_free(x);
			return BERTH_NOMEM(err);
		}
	if (!x->id) {
		berth_image_info_free(x);
		return BERTH_NOMEM(err);
	}
	*out = x;
	return 0;
}

int ctrd_image_history(berth_image_history **out, berth_client *c, const char *name, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Images__V1__ListImagesResponse *il = NULL;
	ctrd_image *img = NULL;
	_cleanup_(resolved_release) resolved rs = { 0 };
	_cleanup_sbuf_ sbuf cfg = SBUF_INIT;
	int r = image_with_config(&img, &il, &rs, &cfg, c, name, err);
	if (r < 0)
		return r;
	_cleanup_free_ int64_t *sizes = calloc(rs.n_layers ? rs.n_layers : 1, sizeof *sizes);
	if (!sizes)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < rs.n_layers; i++)
		sizes[i] = rs.layers[i].size;
	return image_config_history(out, cfg.data ? cfg.data : "", cfg.len, sizes, rs.n_layers, rs.config.digest, err);
}

/* ---- tag, remove -------------------------------------------------------- */

/* A string map entry of any generated map type: every one is laid out
 * as ctrd_kv. */
static void kv_init(ctrd_kv *e, const ProtobufCMessageDescriptor *d, const char *k, const char *v)
{
	protobuf_c_message_init(d, e);
	e->key = (char *)k;
	e->value = (char *)v;
}

/* Create the record name -> target, or point an existing one there. */
static int image_put(berth_client *c, const char *name, ctrd_desc *target, const char *lease, berth_error *err)
{
	ctrd_image img = CONTAINERD__SERVICES__IMAGES__V1__IMAGE__INIT;
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

int ctrd_image_tag(berth_client *c, const char *source, const char *target, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Images__V1__ListImagesResponse *il = NULL;
	ctrd_image *img = NULL;
	char full[512];
	if (normalize(full, sizeof full, target) < 0)
		return berth_fail(err, BERTH_EINVAL, "image tag: target \"%.200s\" is too long", target);
	int r = find_image(&img, &il, c, source, err);
	return r < 0 ? r : image_put(c, full, img->target, NULL, err);
}

int ctrd_image_remove(berth_client *c, const char *name, bool force, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Images__V1__ListImagesResponse *il = NULL;
	ctrd_image *img = NULL;
	int r = find_image(&img, &il, c, name, err);
	if (r < 0)
		return r;
	/* by id: every name of the image; by name: that one */
	char full[512];
	bool by_name = normalize(full, sizeof full, name) == 0 && STREQ(full, img->name);
	strv names = STRV_INIT;
	for (size_t i = 0; i < il->n_images && r == 0; i++) {
		ctrd_image *o = il->images[i];
		if (o->name && o->target && (by_name ? o == img : STREQ(strempty(o->target->digest), img->target->digest)))
			r = strv_push(&names, o->name) < 0 ? BERTH_NOMEM(err) : 0;
	}
	if (r == 0 && !by_name && names.len > 1 && !force)
		r = berth_fail(err, BERTH_ECONFLICT,
			       "image %s has %zu names: remove them by name, or force the removal", name, names.len);
	/* containerd does not track use: look at the containers ourselves */
	if (r == 0 && !force) {
		Containerd__Services__Containers__V1__ListContainersRequest lr =
			CONTAINERD__SERVICES__CONTAINERS__V1__LIST_CONTAINERS_REQUEST__INIT;
		_cleanup_pb_ Containerd__Services__Containers__V1__ListContainersResponse *cl = NULL;
		r = ctrd_call(&cl, c, "containers.v1.Containers/List", &lr.base,
			      &containerd__services__containers__v1__list_containers_response__descriptor, 0, err);
		for (size_t i = 0; r == 0 && i < cl->n_containers; i++)
			for (size_t j = 0; j < names.len; j++)
				if (cl->containers[i]->image && STREQ(cl->containers[i]->image, names.items[j])) {
					r = berth_fail(err, BERTH_ECONFLICT,
						       "image %s is in use by container %s: remove it first, or force the removal",
						       name, cl->containers[i]->id);
					break;
				}
	}
	for (size_t j = 0; r == 0 && j < names.len; j++) {
		Containerd__Services__Images__V1__DeleteImageRequest dr =
			CONTAINERD__SERVICES__IMAGES__V1__DELETE_IMAGE_REQUEST__INIT;
		dr.name = names.items[j];
		r = ctrd_call(NULL, c, "images.v1.Images/Delete", &dr.base, NULL, 0, err);
		if (r == BERTH_ENOTFOUND) /* gone meanwhile */
			r = 0;
	}
	strv_release(&names);
	return r;
}

/* ---- import ------------------------------------------------------------- */

typedef struct importer {
	berth_client *c;
	char lease[64];
	const tar_entry *entries;
	size_t n;
} importer;

static int lease_create(importer *im, berth_error *err)
{
	snprintf(im->lease, sizeof im->lease, "berth-import-%d-%lld", (int)getpid(), (long long)now_ms());
	/* expires on its own if berth dies before deleting it */
	char expire[40];
	Google__Protobuf__Timestamp t = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
	t.seconds = (int64_t)time(NULL) + 3600;
	ctrd_time_format(expire, &t);
	ctrd_kv kv;
	kv_init(&kv, &containerd__services__leases__v1__create_request__labels_entry__descriptor, "containerd.io/gc.expire",
		expire);
	void *kvs[] = { &kv };
	Containerd__Services__Leases__V1__CreateRequest req = CONTAINERD__SERVICES__LEASES__V1__CREATE_REQUEST__INIT;
	req.id = im->lease;
	req.n_labels = 1;
	req.labels = (Containerd__Services__Leases__V1__CreateRequest__LabelsEntry **)kvs;
	return ctrd_call(NULL, im->c, "leases.v1.Leases/Create", &req.base, NULL, 0, err);
}

static void lease_delete(importer *im)
{
	Containerd__Services__Leases__V1__DeleteRequest req = CONTAINERD__SERVICES__LEASES__V1__DELETE_REQUEST__INIT;
	req.id = im->lease;
	ctrd_call(NULL, im->c, "leases.v1.Leases/Delete", &req.base, NULL, 0, NULL);
}

static void digest_of(char out[72], const void *data, size_t len)
{
	memcpy(out, "sha256:", 7);
	sha256_hex(out + 7, data, len);
}

/* Labels for a blob: pairs of key and value. */
typedef struct label_set {
	const char **kv;   /* 2 * n */
	size_t n;
} label_set;

/* Map entries of `d` for the labels (freed by the caller with free()). */
static void **kv_entries(const label_set *l, const ProtobufCMessageDescriptor *d)
{
	if (!l || !l->n)
		return NULL;
	void **p = calloc(l->n, sizeof *p + sizeof(ctrd_kv));
	if (!p)
		return NULL;
	ctrd_kv *kv = (ctrd_kv *)(p + l->n);
	for (size_t i = 0; i < l->n; i++) {
		kv_init(&kv[i], d, l->kv[2 * i], l->kv[2 * i + 1]);
		p[i] = &kv[i];
	}
	return p;
}

/* Content that was there already: make sure it carries our references. */
static int blob_label(importer *im, const char *digest, const label_set *l, berth_error *err)
{
	_cleanup_free_ void **kvp = kv_entries(l, &containerd__services__content__v1__info__labels_entry__descriptor);
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
	return ctrd_call_lease(NULL, im->c, im->lease, "content.v1.Content/Update", &ur.base, NULL, 0, err);
}

/* Write one blob (Content.Write: its requests sent in one go, the last one
 * committing with the labels). Content already there is not an error. */
static int blob_write(importer *im, const char *digest, const void *data, size_t len, const label_set *l,
		      berth_error *err)
{
	char ref[96];
	snprintf(ref, sizeof ref, "berth-%s", digest);
	_cleanup_free_ void **kvp =
		kv_entries(l, &containerd__services__content__v1__write_content_request__labels_entry__descriptor);
	if (l && l->n && !kvp)
		return BERTH_NOMEM(err);
	_cleanup_sbuf_ sbuf body = SBUF_INIT;
	size_t off = 0;
	do {
		size_t n = len - off < WRITE_CHUNK ? len - off : WRITE_CHUNK;
		bool last = off + n == len;
		Containerd__Services__Content__V1__WriteContentRequest w =
			CONTAINERD__SERVICES__CONTENT__V1__WRITE_CONTENT_REQUEST__INIT;
		w.action = last ? CONTAINERD__SERVICES__CONTENT__V1__WRITE_ACTION__COMMIT
				: CONTAINERD__SERVICES__CONTENT__V1__WRITE_ACTION__WRITE;
		w.ref = ref;
		w.total = (int64_t)len;
		w.expected = (char *)digest;
		w.offset = (int64_t)off;
		w.data.data = (uint8_t *)data + off;
		w.data.len = n;
		if (last && kvp) {
			w.n_labels = l->n;
			w.labels = (Containerd__Services__Content__V1__WriteContentRequest__LabelsEntry **)kvp;
		}
		size_t plen = protobuf_c_message_get_packed_size(&w.base);
		if (sbuf_reserve(&body, plen + 5) < 0)
			return BERTH_NOMEM(err);
		unsigned char h[5] = { 0, (unsigned char)(plen >> 24), (unsigned char)(plen >> 16), (unsigned char)(plen >> 8),
				       (unsigned char)plen };
		sbuf_add(&body, h, 5);
		protobuf_c_message_pack(&w.base, (uint8_t *)body.data + body.len);
		body.len += plen;
		off += n;
	} while (off < len);
	grpc_call_args a = { .path = "/containerd.services.content.v1.Content/Write", .ns = im->c->ns,
			     .lease = im->lease, .body = (const uint8_t *)body.data, .len = body.len, .framed = true,
			     /* the client's deadline, and a second more per MiB */
			     .timeout_ms = im->c->timeout_ms + (int)(len >> 20) * 1000 };
	_cleanup_sbuf_ sbuf reply = SBUF_INIT;
	berth_error e = BERTH_ERROR_INIT;
	int r = grpc_call(ctrd_channel(im->c), &a, &reply, &e);
	if (r == BERTH_EEXISTS)
		return l && l->n ? blob_label(im, digest, l, err) : 0;
	if (r < 0 && err)
		*err = e;
	return r;
}

/* chain(0) = diff(0); chain(i) = sha256(chain(i-1) + " " + diff(i)) */
static void chain_ids(char (*out)[72], const strv *diff_ids)
{
	for (size_t i = 0; i < diff_ids->len; i++) {
		if (i == 0) {
			snprintf(out[0], 72, "%s", diff_ids->items[0]);
			continue;
		}
		char buf[160];
		int n = snprintf(buf, sizeof buf, "%s %s", out[i - 1], diff_ids->items[i]);
		digest_of(out[i], buf, (size_t)n);
	}
}

static bool snapshot_exists(importer *im, const char *key)
{
	Containerd__Services__Snapshots__V1__StatSnapshotRequest req =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__STAT_SNAPSHOT_REQUEST__INIT;
	req.snapshotter = (char *)CTRD_SNAPSHOTTER;
	req.key = (char *)key;
	return ctrd_call(NULL, im->c, "snapshots.v1.Snapshots/Stat", &req.base, NULL, 0, NULL) == 0;
}

/* Unpack one layer on top of parent ("" for the base) as snapshot chain. */
static int unpack_layer(importer *im, const char *chain, const char *parent, const image_desc *layer,
			const char *diff_id, berth_error *err)
{
	if (snapshot_exists(im, chain))
		return 0;
	char key[160];
	snprintf(key, sizeof key, "berth-unpack-%lld-%s", (long long)now_ms(), chain);
	Containerd__Services__Snapshots__V1__PrepareSnapshotRequest pr =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__PREPARE_SNAPSHOT_REQUEST__INIT;
	pr.snapshotter = (char *)CTRD_SNAPSHOTTER;
	pr.key = key;
	pr.parent = (char *)parent;
	_cleanup_pb_ Containerd__Services__Snapshots__V1__PrepareSnapshotResponse *mounts = NULL;
	int r = ctrd_call_lease(&mounts, im->c, im->lease, "snapshots.v1.Snapshots/Prepare", &pr.base,
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
	r = ctrd_call_lease(&applied, im->c, im->lease, "diff.v1.Diff/Apply", &ar.base,
			    &containerd__services__diff__v1__apply_response__descriptor, APPLY_TIMEOUT_MS, err);
	if (r == 0 && (!applied->applied || !applied->applied->digest || !STREQ(applied->applied->digest, diff_id)))
		r = berth_fail(err, BERTH_EPROTOCOL, "%s: layer %s unpacked to %s, the image config says %s",
			       im->c->endpoint, layer->digest,
			       applied->applied ? strempty(applied->applied->digest) : "nothing", diff_id);
	if (r == 0) {
		Containerd__Services__Snapshots__V1__CommitSnapshotRequest cr =
			CONTAINERD__SERVICES__SNAPSHOTS__V1__COMMIT_SNAPSHOT_REQUEST__INIT;
		cr.snapshotter = (char *)CTRD_SNAPSHOTTER;
		cr.name = (char *)chain;
		cr.key = key;
		berth_error e = BERTH_ERROR_INIT;
		r = ctrd_call_lease(NULL, im->c, im->lease, "snapshots.v1.Snapshots/Commit", &cr.base, NULL, 0, &e);
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
	ctrd_call_lease(NULL, im->c, im->lease, "snapshots.v1.Snapshots/Remove", &rr.base, NULL, 0, NULL);
	return r;
}

/* One blob of an archive. */
typedef struct blob {
	const char *media_type;
	char digest[72];
	const uint8_t *data;
	size_t size;
} blob;

/* Import one image whose blobs are in memory: layers, the config (it
 * holds the top snapshot), the manifest (it holds its config and layers),
 * the unpacked snapshots, then the names. */
static int import_image(importer *im, const blob *manifest, const blob *config, const blob *layers, size_t n,
			const strv *names, sbuf *out, berth_error *err)
{
	_cleanup_strv_ strv diff_ids = STRV_INIT;
	int r = image_config_diff_ids(&diff_ids, (const char *)config->data, config->size, err);
	if (r < 0)
		return r;
	if (diff_ids.len != n || n == 0)
		return berth_fail(err, BERTH_EINVAL, "image import: %zu layers, but the config lists %zu", n, diff_ids.len);
	_cleanup_free_ char(*chains)[72] = calloc(n, sizeof *chains);
	_cleanup_free_ const char **mkv = calloc(2 * (n + 1), sizeof *mkv);
	_cleanup_strv_ strv keys = STRV_INIT;
	if (!chains || !mkv)
		return BERTH_NOMEM(err);
	chain_ids(chains, &diff_ids);
	for (size_t i = 0; i < n && r == 0; i++)
		r = blob_write(im, layers[i].digest, layers[i].data, layers[i].size, NULL, err);
	label_set cl = { (const char *[]){ "containerd.io/gc.ref.snapshot." CTRD_SNAPSHOTTER, chains[n - 1] }, 1 };
	if (r == 0)
		r = blob_write(im, config->digest, config->data, config->size, &cl, err);
	mkv[0] = "containerd.io/gc.ref.content.config";
	mkv[1] = config->digest;
	for (size_t i = 0; i < n && r == 0; i++) {
		char key[64];
		snprintf(key, sizeof key, "containerd.io/gc.ref.content.l.%zu", i);
		if (strv_push(&keys, key) < 0)
			return BERTH_NOMEM(err);
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		mkv[2 * (i + 1)] = keys.items[i];
		mkv[2 * (i + 1) + 1] = layers[i].digest;
	}
	label_set ml = { mkv, n + 1 };
	if (r == 0)
		r = blob_write(im, manifest->digest, manifest->data, manifest->size, &ml, err);
	/* unpack, base first */
	for (size_t i = 0; r == 0 && i < n; i++) {
		image_desc d = { .media_type = (char *)layers[i].media_type, .digest = (char *)layers[i].digest,
				 .size = (int64_t)layers[i].size };
		r = unpack_layer(im, chains[i], i ? chains[i - 1] : "", &d, diff_ids.items[i], err);
	}
	ctrd_desc target = CONTAINERD__TYPES__DESCRIPTOR__INIT;
	target.media_type = (char *)manifest->media_type;
	target.digest = (char *)manifest->digest;
	target.size = (int64_t)manifest->size;
	for (size_t i = 0; r == 0 && i < names->len; i++) {
		char full[512];
		if (normalize(full, sizeof full, names->items[i]) < 0)
			return berth_fail(err, BERTH_EINVAL, "image import: bad name %s", names->items[i]);
		r = image_put(im->c, full, &target, im->lease, err);
		if (r == 0 && (sbuf_adds(out, full) < 0 || sbuf_addc(out, '\n') < 0))
			r = BERTH_NOMEM(err);
	}
	/* no name: say what was loaded by its id */
	if (r == 0 && names->len == 0 && (sbuf_adds(out, config->digest) < 0 || sbuf_addc(out, '\n') < 0))
		r = BERTH_NOMEM(err);
	return r;
}

static void digest_blob(blob *b, const char *media_type, const tar_entry *t)
{
	b->media_type = media_type;
	b->data = t->data;
	b->size = t->size;
	digest_of(b->digest, t->data, t->size);
}

/* One image of a docker-save archive: its layers are uncompressed tars
 * (their digests are their diff ids); berth writes the Docker schema 2
 * manifest containerd's own import makes for it. */
static int import_saved(importer *im, const save_image *s, sbuf *names, berth_error *err)
{
	const tar_entry *cfg = ctrd_tar_find(im->entries, im->n, s->config);
	if (!cfg)
		return berth_fail(err, BERTH_EINVAL, "image import: the archive lacks %s", s->config);
	_cleanup_free_ blob *layers = calloc(s->layers.len ? s->layers.len : 1, sizeof *layers);
	if (!layers)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < s->layers.len; i++) {
		const tar_entry *t = ctrd_tar_find(im->entries, im->n, s->layers.items[i]);
		if (!t)
			return berth_fail(err, BERTH_EINVAL, "image import: the archive lacks %s", s->layers.items[i]);
		digest_blob(&layers[i], MT_DOCKER_LAYER, t);
	}
	blob config;
	digest_blob(&config, MT_DOCKER_CONFIG, cfg);
	_cleanup_sbuf_ sbuf m = SBUF_INIT;
	int nr = sbuf_printf(&m, "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\","
				 "\"digest\":\"%s\",\"size\":%zu},\"layers\":[",
			     MT_DOCKER_MANIFEST, MT_DOCKER_CONFIG, config.digest, config.size);
	for (size_t i = 0; nr == 0 && i < s->layers.len; i++)
		nr = sbuf_printf(&m, "%s{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu}", i ? "," : "",
				 MT_DOCKER_LAYER, layers[i].digest, layers[i].size);
	if (nr || sbuf_adds(&m, "]}") < 0)
		return BERTH_NOMEM(err);
	blob manifest = { .media_type = MT_DOCKER_MANIFEST, .data = (const uint8_t *)m.data, .size = m.len };
	digest_of(manifest.digest, m.data, m.len);
	return import_image(im, &manifest, &config, layers, s->layers.len, &s->tags, names, err);
}

/* The blob of an OCI layout: blobs/sha256/<hex>, checked against its digest. */
static int layout_blob(blob *b, importer *im, const image_desc *d, berth_error *err)
{
	char path[96];
	snprintf(path, sizeof path, "blobs/sha256/%s", d->digest + 7);
	const tar_entry *t = ctrd_tar_find(im->entries, im->n, path);
	if (!t)
		return berth_fail(err, BERTH_EINVAL, "image import: the archive lacks %s", path);
	digest_blob(b, d->media_type, t);
	if (!STREQ(b->digest, d->digest))
		return berth_fail(err, BERTH_EINVAL, "image import: %s does not match its digest", path);
	return 0;
}

/* One manifest of an OCI image layout (index.json), named by its
 * annotation when it has a full name. A nested index gives the manifest
 * of this host's platform. */
static int import_layout_entry(importer *im, const image_desc *d, int depth, sbuf *names, berth_error *err)
{
	blob mb;
	int r = layout_blob(&mb, im, d, err);
	if (r < 0)
		return r;
	if (STREQ(d->media_type, MT_OCI_INDEX) || STREQ(d->media_type, MT_DOCKER_LIST)) {
		image_desc *m = NULL;
		size_t n = 0;
		if (depth > 2)
			return berth_fail(err, BERTH_EINVAL, "image import: indexes nested too deep");
		r = image_index_parse(&m, &n, (const char *)mb.data, mb.size, err);
		const image_desc *pick = NULL;
		for (size_t i = 0; r == 0 && i < n && !pick; i++)
			if (m[i].arch && STREQ(m[i].arch, host_arch()))
				pick = &m[i];
		if (r == 0 && !pick)
			r = berth_fail(err, BERTH_EUNSUPPORTED, "image import: no manifest for %s in the index", host_arch());
		if (r == 0) {
			image_desc named = *pick;
			named.name = d->name;  /* the outer entry's name */
			r = import_layout_entry(im, &named, depth + 1, names, err);
		}
		image_descs_free(m, n);
		return r;
	}
	image_desc cd = { 0 }, *ld = NULL;
	size_t n = 0;
	r = image_manifest_parse(&cd, &ld, &n, (const char *)mb.data, mb.size, err);
	if (r < 0)
		return r == BERTH_EPROTOCOL ? BERTH_EINVAL : r;
	blob config;
	_cleanup_free_ blob *layers = calloc(n ? n : 1, sizeof *layers);
	_cleanup_strv_ strv tags = STRV_INIT;
	r = layers ? layout_blob(&config, im, &cd, err) : BERTH_NOMEM(err);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = layout_blob(&layers[i], im, &ld[i], err);
	/* "org.opencontainers.image.ref.name" may be a bare tag: only full names count */
	if (r == 0 && d->name && (strchr(d->name, '/') || strchr(d->name, ':')) && strv_push(&tags, d->name) < 0)
		r = BERTH_NOMEM(err);
	if (r == 0)
		r = import_image(im, &mb, &config, layers, n, &tags, names, err);
	image_desc_release(&cd);
	image_descs_free(ld, n);
	return r;
}

int ctrd_image_rootfs(berth_image_info **out, char chain_id[72], berth_client *c, const char *name, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Images__V1__ListImagesResponse *il = NULL;
	ctrd_image *img = NULL;
	int r = find_image(&img, &il, c, name, err);
	if (r < 0)
		return r;
	_cleanup_(resolved_release) resolved rs = { 0 };
	_cleanup_sbuf_ sbuf cfg = SBUF_INIT;
	_cleanup_strv_ strv diff_ids = STRV_INIT;
	r = resolve_image(&rs, c, img, err);
	if (r == 0)
		r = content_read(&cfg, c, rs.config.digest, MAX_BLOB_JSON, err);
	if (r == 0)
		r = image_config_diff_ids(&diff_ids, cfg.data ? cfg.data : "", cfg.len, err);
	if (r == 0 && (diff_ids.len == 0 || diff_ids.len != rs.n_layers))
		r = berth_fail(err, BERTH_EPROTOCOL, "%s: image %s: %zu layers, its config lists %zu", c->endpoint, name,
			       rs.n_layers, diff_ids.len);
	if (r < 0)
		return r;
	_cleanup_free_ char(*chains)[72] = calloc(diff_ids.len, sizeof *chains);
	if (!chains)
		return BERTH_NOMEM(err);
	chain_ids(chains, &diff_ids);
	/* unpack what the snapshotter lacks (unpack_layer skips what it has) */
	importer im = { .c = c };
	if (!snapshot_exists(&im, chains[diff_ids.len - 1])) {
		r = lease_create(&im, err);
		for (size_t i = 0; r == 0 && i < diff_ids.len; i++) {
			r = unpack_layer(&im, chains[i], i ? chains[i - 1] : "", &rs.layers[i], diff_ids.items[i], err);
			if (r == BERTH_ENOTFOUND)
				r = berth_fail(err, BERTH_ENOTFOUND, "image %s is not unpacked and its layer %s is not in the "
						   "content store: import or pull it again", name, rs.layers[i].digest);
		}
		if (im.lease[0])
			lease_delete(&im);
		if (r < 0)
			return r;
	}
	berth_image_info *x = NULL;
	r = image_info_parse(&x, cfg.data, cfg.len, err);
	if (r < 0)
		return r;
	free(x->id);
	x->id = strdup(rs.config.digest);
	if (!x->id || strv_push(&x->tags, img->name) < 0 ||
	    (img->target && !isempty(img->target->digest) && strv_push(&x->digests, img->target->digest) < 0)) {
		berth_image_info_free(x);
		return BERTH_NOMEM(err);
	}
	snprintf(chain_id, 72, "%s", chains[diff_ids.len - 1]);
	*out = x;
	return 0;
}

int ctrd_image_import(char **out_names, berth_client *c, const uint8_t *archive, size_t len, berth_error *err)
{
	/* the directory of the archive's entries */
	size_t cap = 64, n = 0, pos = 0;
	_cleanup_free_ tar_entry *entries = malloc(cap * sizeof *entries);
	if (!entries)
		return BERTH_NOMEM(err);
	for (;;) {
		if (n == cap) {
			tar_entry *more = realloc(entries, 2 * cap * sizeof *entries);
			if (!more)
				return BERTH_NOMEM(err);
			entries = more;
			cap *= 2;
		}
		int r = ctrd_tar_next(&entries[n], archive, len, &pos);
		if (r < 0)
			return berth_fail(err, BERTH_EINVAL, "image import: not a tar archive (malformed entry %zu)", n);
		if (r == 0)
			break;
		n++;
	}
	importer im = { .c = c, .entries = entries, .n = n };
	_cleanup_sbuf_ sbuf names = SBUF_INIT;
	const tar_entry *manifest = ctrd_tar_find(entries, n, "manifest.json");
	const tar_entry *index = ctrd_tar_find(entries, n, "index.json");
	save_image *imgs = NULL;
	image_desc *descs = NULL;
	size_t nimgs = 0;
	int r;
	if (manifest) {
		r = save_manifest_parse(&imgs, &nimgs, (const char *)manifest->data, manifest->size, err);
	} else if (index) {
		r = image_index_parse(&descs, &nimgs, (const char *)index->data, index->size, err);
	} else {
		return berth_fail(err, BERTH_EINVAL,
				  "image import: neither manifest.json (docker save) nor index.json (OCI layout) in the archive");
	}
	if (r == BERTH_EPROTOCOL)
		r = berth_fail(err, BERTH_EINVAL, "image import: %s", err ? err->message : "malformed archive index");
	if (r == 0)
		r = lease_create(&im, err);
	for (size_t i = 0; r == 0 && i < nimgs; i++)
		r = imgs ? import_saved(&im, &imgs[i], &names, err) : import_layout_entry(&im, &descs[i], 0, &names, err);
	if (im.lease[0])
		lease_delete(&im);
	save_images_free(imgs, imgs ? nimgs : 0);
	image_descs_free(descs, descs ? nimgs : 0);
	if (r < 0)
		return r;
	*out_names = names.data ? sbuf_steal(&names) : strdup("");
	return *out_names ? 0 : BERTH_NOMEM(err);
}

/* ---- the store's pieces for ctrd_imgbuild.c (ctrd_imgstore.h) ----------------- */

int ctrd_store_content_read(sbuf *out, berth_client *c, const char *digest, size_t max, berth_error *err)
{
	return content_read(out, c, digest, max, err);
}

int ctrd_store_lease_create(char lease[64], berth_client *c, berth_error *err)
{
	importer im = { .c = c };
	int r = lease_create(&im, err);
	if (r == 0)
		memcpy(lease, im.lease, sizeof im.lease);
	return r;
}

void ctrd_store_lease_delete(berth_client *c, const char *lease)
{
	importer im = { .c = c };
	snprintf(im.lease, sizeof im.lease, "%s", lease);
	lease_delete(&im);
}

int ctrd_store_blob_write(berth_client *c, const char *lease, const char *digest, const void *data, size_t len,
			  const char **labels, size_t n_labels, berth_error *err)
{
	importer im = { .c = c };
	snprintf(im.lease, sizeof im.lease, "%s", lease);
	label_set l = { labels, n_labels };
	return blob_write(&im, digest, data, len, n_labels ? &l : NULL, err);
}

int ctrd_store_unpack(berth_client *c, const char *lease, const char *chain, const char *parent,
		      const image_desc *layer, const char *diff_id, berth_error *err)
{
	importer im = { .c = c };
	snprintf(im.lease, sizeof im.lease, "%s", lease);
	return unpack_layer(&im, chain, parent, layer, diff_id, err);
}

int ctrd_store_image_put(char full[512], berth_client *c, const char *name, const image_desc *target,
			 const char *lease, berth_error *err)
{
	if (normalize(full, 512, name) < 0)
		return berth_fail(err, BERTH_EINVAL, "bad image name %s", name);
	ctrd_desc d = CONTAINERD__TYPES__DESCRIPTOR__INIT;
	d.media_type = target->media_type;
	d.digest = target->digest;
	d.size = target->size;
	return image_put(c, full, &d, lease, err);
}

int ctrd_store_image_find(image_desc *config, image_desc **layers, size_t *n_layers, char **out_name,
			  berth_client *c, const char *name, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Images__V1__ListImagesResponse *il = NULL;
	ctrd_image *img = NULL;
	int r = find_image(&img, &il, c, name, err);
	resolved rs = { 0 };
	if (r == 0)
		r = resolve_image(&rs, c, img, err);
	if (r == 0 && !(*out_name = strdup(img->name)))
		r = BERTH_NOMEM(err);
	if (r < 0) {
		resolved_release(&rs);
		return r;
	}
	*config = rs.config;
	*layers = rs.layers;
	*n_layers = rs.n_layers;
	return 0;
}
