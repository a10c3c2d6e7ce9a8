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
#include "ctrd_content.h"
#include "ctrd_tar.h"
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

/* ---- image records ------------------------------------------------------ */

/* "repo@digest" of a record (its name without tag or digest), as Docker's
 * RepoDigests show it. */
static void repo_digest(char out[600], const char *name, const char *digest)
{
	const char *slash = strrchr(name, '/');
	size_t repo_len = strcspn(name, "@");
	const char *colon = strrchr(slash ? slash : name, ':');
	if (colon && (size_t)(colon - name) < repo_len)
		repo_len = (size_t)(colon - name);
	snprintf(out, 600, "%.*s@%s", (int)repo_len, name, strempty(digest));
}

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

static int resolve(resolved *out, berth_client *c, const char *media_type, const char *digest, int depth,
		   berth_error *err)
{
	_cleanup_sbuf_ sbuf blob = SBUF_INIT;
	int r = ctrd_content_read(&blob, c, digest, MAX_BLOB_JSON, err);
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
			if (m[i].arch && STREQ(m[i].arch, ctrd_host_arch()) && (!m[i].os || STREQ(m[i].os, "linux")))
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
			if (!e2->id ||
			    ctrd_labels_to_strv(&e2->label_keys, &e2->label_values, (void *const *)img->labels,
						img->n_labels) < 0)
				r = BERTH_NOMEM(err);
		}
		/* the image's age: its oldest name */
		if (img->created_at && (int64_t)img->created_at->seconds < e2->created)
			e2->created = (int64_t)img->created_at->seconds;
		char rd[600];
		repo_digest(rd, img->name, img->target->digest);
		bool seen = false;
		for (size_t j = 0; j < e2->digests.len && !seen; j++)
			seen = STREQ(e2->digests.items[j], rd);
		if (r == 0 && (strv_push(&e2->tags, img->name) < 0 || (!seen && strv_push(&e2->digests, rd) < 0)))
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
		r = ctrd_content_read(cfg, c, rs.config.digest, MAX_BLOB_JSON, err);
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
		r = ctrd_content_read(cfg, c, rs->config.digest, MAX_BLOB_JSON, err);
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
	strv_release(&x->digests);
	for (size_t i = 0; x->id && i < il->n_images; i++) {
		const ctrd_image *o = il->images[i];
		if (!o->target || !o->name || !STREQ(strempty(o->target->digest), img->target->digest))
			continue;
		char rd[600];
		repo_digest(rd, o->name, o->target->digest);
		bool seen = false;
		for (size_t j = 0; j < x->digests.len && !seen; j++)
			seen = STREQ(x->digests.items[j], rd);
		if (strv_push(&x->tags, o->name) < 0 || (!seen && strv_push(&x->digests, rd) < 0)) {
			berth_image_info_free(x);
			return BERTH_NOMEM(err);
		}
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

int ctrd_image_tag(berth_client *c, const char *source, const char *target, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Images__V1__ListImagesResponse *il = NULL;
	ctrd_image *img = NULL;
	char full[512];
	if (normalize(full, sizeof full, target) < 0)
		return berth_fail(err, BERTH_EINVAL, "image tag: target \"%.200s\" is too long", target);
	int r = find_image(&img, &il, c, source, err);
	return r < 0 ? r : ctrd_image_put(c, full, img->target, NULL, err);
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

/* ---- prune -------------------------------------------------------------- */

/* Whether a config's labels carry every filter ("key" or "key=value"). */
static bool labels_match(const berth_image_info *x, const char *const *labels, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(labels[i], '=');
		_cleanup_free_ char *key = strndup(labels[i], eq ? (size_t)(eq - labels[i]) : strlen(labels[i]));
		ssize_t at = key ? labels_find(&x->label_keys, key) : -1;
		if (at < 0 || (eq && !STREQ(x->label_values.items[at], eq + 1)))
			return false;
	}
	return true;
}

int ctrd_image_prune(berth_prune_result **out, berth_client *c, const berth_image_prune_options *o, berth_error *err)
{
	berth_prune_result *res = calloc(1, sizeof *res);
	if (!res)
		return BERTH_NOMEM(err);
	/* containerd keeps no dangling images (every record is a name): only
	 * with all is there anything to remove */
	if (!o->all) {
		*out = res;
		return 0;
	}
	_cleanup_pb_ Containerd__Services__Images__V1__ListImagesResponse *il = NULL;
	_cleanup_pb_ Containerd__Services__Containers__V1__ListContainersResponse *cl = NULL;
	Containerd__Services__Containers__V1__ListContainersRequest lr =
		CONTAINERD__SERVICES__CONTAINERS__V1__LIST_CONTAINERS_REQUEST__INIT;
	int r = image_list_all(&il, c, err);
	if (r == 0)
		r = ctrd_call(&cl, c, "containers.v1.Containers/List", &lr.base,
			      &containerd__services__containers__v1__list_containers_response__descriptor, 0, err);
	for (size_t i = 0; r == 0 && i < il->n_images; i++) {
		ctrd_image *img = il->images[i];
		if (!img->name || !img->target)
			continue;
		bool used = false;
		for (size_t j = 0; j < cl->n_containers && !used; j++)
			used = cl->containers[j]->image && STREQ(cl->containers[j]->image, img->name);
		if (used)
			continue;
		resolved rs = { 0 };
		_cleanup_sbuf_ sbuf cfg = SBUF_INIT;
		berth_image_info *x = NULL;
		berth_error e = BERTH_ERROR_INIT;
		/* an image whose content is gone cannot be matched: left alone */
		bool match = resolve_image(&rs, c, img, &e) == 0 &&
			     ctrd_content_read(&cfg, c, rs.config.digest, MAX_BLOB_JSON, &e) == 0 &&
			     image_info_parse(&x, cfg.data ? cfg.data : "", cfg.len, &e) == 0 &&
			     labels_match(x, o->labels, o->label_count);
		berth_image_info_free(x);
		if (match) {
			Containerd__Services__Images__V1__DeleteImageRequest dr =
				CONTAINERD__SERVICES__IMAGES__V1__DELETE_IMAGE_REQUEST__INIT;
			dr.name = img->name;
			r = ctrd_call(NULL, c, "images.v1.Images/Delete", &dr.base, NULL, 0, err);
			if (r == BERTH_ENOTFOUND) /* gone meanwhile */
				r = 0;
			bool seen = false;
			for (size_t j = 0; j < res->ids.len && !seen; j++)
				seen = STREQ(res->ids.items[j], rs.config.digest);
			if (r == 0 && !seen) {
				res->space_reclaimed += (uint64_t)rs.size;
				if (strv_push(&res->ids, rs.config.digest) < 0)
					r = BERTH_NOMEM(err);
			}
		}
		resolved_release(&rs);
	}
	if (r < 0) {
		berth_prune_result_free(res);
		return r;
	}
	*out = res;
	return 0;
}

/* ---- import ------------------------------------------------------------- */

typedef struct importer {
	berth_client *c;
	char lease[CTRD_LEASE_MAX];
	const tar_entry *entries;
	size_t n;
} importer;

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
	ctrd_chain_ids(chains, &diff_ids);
	for (size_t i = 0; i < n && r == 0; i++)
		r = ctrd_blob_write(im->c, im->lease, layers[i].digest, layers[i].data, layers[i].size, NULL, err);
	label_set cl = { (const char *[]){ "containerd.io/gc.ref.snapshot." CTRD_SNAPSHOTTER, chains[n - 1] }, 1 };
	if (r == 0)
		r = ctrd_blob_write(im->c, im->lease, config->digest, config->data, config->size, &cl, err);
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
		r = ctrd_blob_write(im->c, im->lease, manifest->digest, manifest->data, manifest->size, &ml, err);
	/* unpack, base first */
	for (size_t i = 0; r == 0 && i < n; i++) {
		image_desc d = { .media_type = (char *)layers[i].media_type, .digest = (char *)layers[i].digest,
				 .size = (int64_t)layers[i].size };
		r = ctrd_unpack_layer(im->c, im->lease, chains[i], i ? chains[i - 1] : "", &d, diff_ids.items[i], err);
	}
	ctrd_desc target = CONTAINERD__TYPES__DESCRIPTOR__INIT;
	target.media_type = (char *)manifest->media_type;
	target.digest = (char *)manifest->digest;
	target.size = (int64_t)manifest->size;
	for (size_t i = 0; r == 0 && i < names->len; i++) {
		char full[512];
		if (normalize(full, sizeof full, names->items[i]) < 0)
			return berth_fail(err, BERTH_EINVAL, "image import: bad name %s", names->items[i]);
		r = ctrd_image_put(im->c, full, &target, im->lease, err);
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
	ctrd_digest_of(b->digest, t->data, t->size);
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
	ctrd_digest_of(manifest.digest, m.data, m.len);
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
			if (m[i].arch && STREQ(m[i].arch, ctrd_host_arch()))
				pick = &m[i];
		if (r == 0 && !pick)
			r = berth_fail(err, BERTH_EUNSUPPORTED, "image import: no manifest for %s in the index", ctrd_host_arch());
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
		r = ctrd_content_read(&cfg, c, rs.config.digest, MAX_BLOB_JSON, err);
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
	ctrd_chain_ids(chains, &diff_ids);
	/* unpack what the snapshotter lacks (unpack_layer skips what it has) */
	importer im = { .c = c };
	if (!ctrd_snapshot_exists(c, chains[diff_ids.len - 1])) {
		r = ctrd_lease_create(c, im.lease, "import", err);
		for (size_t i = 0; r == 0 && i < diff_ids.len; i++) {
			r = ctrd_unpack_layer(c, im.lease, chains[i], i ? chains[i - 1] : "", &rs.layers[i], diff_ids.items[i], err);
			if (r == BERTH_ENOTFOUND)
				r = berth_fail(err, BERTH_ENOTFOUND, "image %s is not unpacked and its layer %s is not in the "
						   "content store: import or pull it again", name, rs.layers[i].digest);
		}
		if (im.lease[0])
			ctrd_lease_delete(c, im.lease);
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
		r = ctrd_lease_create(c, im.lease, "import", err);
	for (size_t i = 0; r == 0 && i < nimgs; i++)
		r = imgs ? import_saved(&im, &imgs[i], &names, err) : import_layout_entry(&im, &descs[i], 0, &names, err);
	if (im.lease[0])
		ctrd_lease_delete(c, im.lease);
	save_images_free(imgs, imgs ? nimgs : 0);
	image_descs_free(descs, descs ? nimgs : 0);
	if (r < 0)
		return r;
	*out_names = names.data ? sbuf_steal(&names) : strdup("");
	return *out_names ? 0 : BERTH_NOMEM(err);
}

/* ---- for ctrd_imgbuild.c ------------------------------------------------------- */

int ctrd_image_layers(image_desc *config, image_desc **layers, size_t *n_layers, char **out_name, berth_client *c,
		      const char *name, berth_error *err)
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
