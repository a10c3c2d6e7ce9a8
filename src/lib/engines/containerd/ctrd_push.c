/* containerd: berth's own push (containerd 1.x has none in its API), with
 * its registry client:
 *
 *   resolve   the image record and its manifest (an index: the manifest
 *             of this host's platform, which is what gets pushed);
 *   blobs     the layers, then the config: a HEAD tells whether the
 *             repository has one; if not, an upload session (POST), the
 *             blob read from the content store a piece at a time and sent
 *             in PATCH requests, closed by a PUT with its digest;
 *   manifest  PUT under the tag; the registry's digest checked against
 *             the bytes.
 *
 * The stream does one step per berth_stream_next(): a frame per blob
 * phase, one per piece sent.
 *
 * Also search, through a registry's catalog. */
#include "ctrd_containerd.h"
#include "ctrd_content.h"
#include "lib/kit/stream.h"
#include "lib/model/registry_model.h"
#include "lib/parse/wwwauth.h"
#include "lib/registry/reg_client.h"

#include <stdio.h>

#include "api_services_images_v1_images.pb-c.h"

#define PIECE (1024 * 1024)
#define MAX_REPLY (64 * 1024)

typedef enum push_step {
	PUSH_RESOLVE = 0,
	PUSH_BLOB,       /* blob i: check and start, then pieces */
	PUSH_MANIFEST,
	PUSH_OVER,
} push_step;

typedef struct ctrd_push {
	berth_client *c;
	berth_image_ref *ref;
	berth_credentials *cred;
	reg_client *rc;
	berth_image_progress p;
	push_step at;
	int error;
	berth_error err;

	char *name;             /* the record's name */
	image_desc manifest;    /* what is pushed under the tag */
	sbuf manifest_bytes;
	image_desc *blobs;      /* layers, then the config */
	size_t n;
	size_t i;

	char *upload;           /* the upload session's path ("" none) */
	int64_t sent;
	sbuf piece;
} ctrd_push;

static void push_free(void *impl)
{
	ctrd_push *x = impl;
	if (!x)
		return;
	image_progress_reset(&x->p);
	reg_client_free(x->rc);
	berth_credentials_free(x->cred);
	berth_image_ref_free(x->ref);
	free(x->name);
	image_desc_release(&x->manifest);
	sbuf_release(&x->manifest_bytes);
	image_descs_free(x->blobs, x->n);
	free(x->upload);
	sbuf_release(&x->piece);
	free(x);
}

/* ---- resolve ---------------------------------------------------------------- */

static int resolve(ctrd_push *x, berth_error *err)
{
	Containerd__Services__Images__V1__GetImageRequest req = CONTAINERD__SERVICES__IMAGES__V1__GET_IMAGE_REQUEST__INIT;
	req.name = (char *)berth_image_ref_normalized(x->ref);
	_cleanup_pb_ Containerd__Services__Images__V1__GetImageResponse *got = NULL;
	berth_error e = BERTH_ERROR_INIT;
	int r = ctrd_call(&got, x->c, "images.v1.Images/Get", &req.base,
			  &containerd__services__images__v1__get_image_response__descriptor, 0, &e);
	if (r == BERTH_ENOTFOUND || (r == 0 && (!got->image || !got->image->target)))
		return berth_fail(err, BERTH_ENOTFOUND, "push: no such image: %s", berth_image_ref_familiar(x->ref));
	if (r < 0) {
		if (err)
			*err = e;
		return r;
	}
	const Containerd__Types__Descriptor *t = got->image->target;
	x->manifest.digest = strdup(strempty(t->digest));
	x->manifest.media_type = strdup(strempty(t->media_type));
	x->manifest.size = t->size;
	if (!x->manifest.digest || !x->manifest.media_type)
		return BERTH_NOMEM(err);
	r = ctrd_content_read(&x->manifest_bytes, x->c, x->manifest.digest, MAX_BLOB_JSON, err);
	if (r < 0)
		return r;
	if (STREQ(x->manifest.media_type, MT_OCI_INDEX) || STREQ(x->manifest.media_type, MT_DOCKER_LIST)) {
		/* an index: this platform's manifest is what goes */
		image_desc *m = NULL;
		size_t n = 0;
		r = image_index_parse(&m, &n, x->manifest_bytes.data, x->manifest_bytes.len, err);
		const image_desc *pick = NULL;
		for (size_t i = 0; r == 0 && i < n && !pick; i++)
			if (m[i].arch && STREQ(m[i].arch, ctrd_host_arch()) && ctrd_content_exists(x->c, m[i].digest))
				pick = &m[i];
		if (r == 0 && !pick)
			r = berth_fail(err, BERTH_ENOTFOUND, "push: %s has no manifest for %s in the store",
				       berth_image_ref_familiar(x->ref), ctrd_host_arch());
		if (r == 0) {
			image_desc_release(&x->manifest);
			x->manifest.digest = strdup(pick->digest);
			x->manifest.media_type = strdup(pick->media_type);
			x->manifest.size = pick->size;
			x->manifest_bytes.len = 0;
			r = !x->manifest.digest || !x->manifest.media_type
				    ? BERTH_NOMEM(err)
				    : ctrd_content_read(&x->manifest_bytes, x->c, x->manifest.digest, MAX_BLOB_JSON, err);
		}
		image_descs_free(m, n);
		if (r < 0)
			return r;
	}
	image_desc config = { 0 };
	image_desc *layers = NULL;
	size_t n = 0;
	r = image_manifest_parse(&config, &layers, &n, x->manifest_bytes.data, x->manifest_bytes.len, err);
	if (r < 0)
		return r;
	/* layers, then the config: the manifest's references exist before it */
	x->blobs = realloc(layers, (n + 1) * sizeof *layers);
	if (!x->blobs) {
		image_descs_free(layers, n);
		image_desc_release(&config);
		return BERTH_NOMEM(err);
	}
	x->blobs[n] = config;
	x->n = n + 1;
	for (size_t i = 0; i < x->n; i++)
		if (!ctrd_content_exists(x->c, x->blobs[i].digest))
			return berth_fail(err, BERTH_ENOTFOUND,
					  "push: %s: its blob %s is not in the content store (pull the image again)",
					  berth_image_ref_familiar(x->ref), x->blobs[i].digest);
	x->at = PUSH_BLOB;
	x->i = 0;
	return 0;
}

/* ---- blobs ------------------------------------------------------------------ */

/* The path of an upload's Location: a path, or an absolute URL to this
 * registry. */
static int location_path(char **out, ctrd_push *x, const http_response *resp, berth_error *err)
{
	const char *loc = http_header(resp, "location");
	if (isempty(loc))
		return berth_fail(err, BERTH_EPROTOCOL, "%s: an upload answer without a Location", reg_client_base(x->rc));
	if (loc[0] == '/') {
		*out = strdup(loc);
		return *out ? 0 : BERTH_NOMEM(err);
	}
	bool https;
	_cleanup_free_ char *hostport = NULL;
	int r = url_split(loc, &https, &hostport, out, err);
	if (r < 0)
		return r;
	/* the registry names itself as it was asked; another host is not followed */
	const char *base = reg_client_base(x->rc);
	const char *bh = strstr(base, "://");
	if (!bh || !STREQ(bh + 3, hostport)) {
		free(*out);
		*out = NULL;
		return berth_fail(err, BERTH_EUNSUPPORTED, "%s: the registry uploads elsewhere (%s): not supported", base,
				  hostport);
	}
	return 0;
}

static int blob_start(ctrd_push *x, berth_error *err)
{
	const image_desc *b = &x->blobs[x->i];
	bool config = x->i == x->n - 1;
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (sbuf_printf(&path, "/v2/%s/blobs/%s", berth_image_ref_path(x->ref), b->digest) < 0)
		return BERTH_NOMEM(err);
	http_request head = { .method = "HEAD", .target = path.data, .head = true };
	http_response resp = HTTP_RESPONSE_INIT;
	int r = reg_do(x->rc, &head, &resp, 0, err);
	int st = resp.status;
	http_response_release(&resp);
	if (r < 0)
		return r;
	if (st == 200) {
		x->i++;
		return image_progress_fill(&x->p, BERTH_PROGRESS_EXISTS, b->digest, config ? "Config already exists" : "Layer already exists") < 0
			       ? BERTH_NOMEM(err)
			       : 0;
	}
	if (st != 404) {
		char what[120];
		snprintf(what, sizeof what, "HEAD blob %s", b->digest);
		resp.status = st;
		return reg_status_error(x->rc, &resp, what, err);
	}
	path.len = 0;
	if (sbuf_printf(&path, "/v2/%s/blobs/uploads/", berth_image_ref_path(x->ref)) < 0)
		return BERTH_NOMEM(err);
	http_request post = { .method = "POST", .target = path.data, .content_type = "application/octet-stream" };
	r = reg_do(x->rc, &post, &resp, MAX_REPLY, err);
	if (r == 0 && resp.status != 202)
		r = reg_status_error(x->rc, &resp, "start of an upload", err);
	free(x->upload);
	x->upload = NULL;
	if (r == 0)
		r = location_path(&x->upload, x, &resp, err);
	http_response_release(&resp);
	if (r < 0)
		return r;
	x->sent = 0;
	return image_progress_fill(&x->p, BERTH_PROGRESS_WAITING, b->digest, "Preparing") < 0 ? BERTH_NOMEM(err) : 0;
}

/* Send the next piece (PATCH), or close the upload (PUT ?digest=). */
static int blob_piece(ctrd_push *x, berth_error *err)
{
	const image_desc *b = &x->blobs[x->i];
	http_response resp = HTTP_RESPONSE_INIT;
	int r;
	if (x->sent < b->size) {
		int64_t want = b->size - x->sent < PIECE ? b->size - x->sent : PIECE;
		x->piece.len = 0;
		r = ctrd_content_read_at(&x->piece, x->c, b->digest, x->sent, want, PIECE, err);
		if (r == 0 && (int64_t)x->piece.len != want)
			r = berth_fail(err, BERTH_EPROTOCOL, "push: the content store gave %zu bytes of %s at %lld, not %lld",
				       x->piece.len, b->digest, (long long)x->sent, (long long)want);
		if (r < 0)
			return r;
		char range[64];
		snprintf(range, sizeof range, "Content-Range: %lld-%lld", (long long)x->sent,
			 (long long)(x->sent + want - 1));
		const char *h[] = { range, NULL };
		http_request patch = { .method = "PATCH", .target = x->upload, .content_type = "application/octet-stream",
				       .body = x->piece.data, .body_len = x->piece.len, .headers = h };
		r = reg_do(x->rc, &patch, &resp, MAX_REPLY, err);
		if (r == 0 && resp.status != 202)
			r = reg_status_error(x->rc, &resp, "upload", err);
		char *next = NULL;
		if (r == 0)
			r = location_path(&next, x, &resp, err);
		http_response_release(&resp);
		if (r < 0)
			return r;
		free(x->upload);
		x->upload = next;
		x->sent += want;
		if (image_progress_fill(&x->p, BERTH_PROGRESS_UPLOADING, b->digest, "Pushing") < 0)
			return BERTH_NOMEM(err);
		x->p.current = x->sent;
		x->p.total = b->size;
		return 0;
	}
	_cleanup_sbuf_ sbuf put = SBUF_INIT;
	if (sbuf_printf(&put, "%s%sdigest=", x->upload, strchr(x->upload, '?') ? "&" : "?") < 0 ||
	    sbuf_adds(&put, b->digest) < 0)
		return BERTH_NOMEM(err);
	http_request close_it = { .method = "PUT", .target = put.data, .content_type = "application/octet-stream" };
	r = reg_do(x->rc, &close_it, &resp, MAX_REPLY, err);
	if (r == 0 && resp.status != 201)
		r = reg_status_error(x->rc, &resp, "end of an upload", err);
	http_response_release(&resp);
	if (r < 0)
		return r;
	free(x->upload);
	x->upload = NULL;
	x->i++;
	if (image_progress_fill(&x->p, BERTH_PROGRESS_DONE, b->digest, "Pushed") < 0)
		return BERTH_NOMEM(err);
	x->p.current = x->p.total = b->size;
	return 0;
}

/* ---- manifest --------------------------------------------------------------- */

static int put_manifest(ctrd_push *x, berth_error *err)
{
	const char *tag = berth_image_ref_tag(x->ref);
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (sbuf_printf(&path, "/v2/%s/manifests/%s", berth_image_ref_path(x->ref), tag) < 0)
		return BERTH_NOMEM(err);
	http_request req = { .method = "PUT", .target = path.data, .content_type = x->manifest.media_type,
			     .body = x->manifest_bytes.data, .body_len = x->manifest_bytes.len };
	http_response resp = HTTP_RESPONSE_INIT;
	int r = reg_do(x->rc, &req, &resp, MAX_REPLY, err);
	if (r == 0 && resp.status != 201)
		r = reg_status_error(x->rc, &resp, "manifest", err);
	const char *said = r == 0 ? http_header(&resp, "docker-content-digest") : NULL;
	if (r == 0 && said && !STREQ(said, x->manifest.digest))
		r = berth_fail(err, BERTH_EPROTOCOL, "%s: the registry took the manifest as %s, not %s",
			       reg_client_base(x->rc), said, x->manifest.digest);
	http_response_release(&resp);
	if (r < 0)
		return r;
	x->at = PUSH_OVER;
	if (image_progress_fill(&x->p, BERTH_PROGRESS_FINISHED, NULL, "%s: digest: %s size: %zu", tag, x->manifest.digest,
		x->manifest_bytes.len) < 0)
		return BERTH_NOMEM(err);
	free(x->p.digest);
	x->p.digest = strdup(x->manifest.digest);
	return x->p.digest ? 0 : BERTH_NOMEM(err);
}

static int push_next(void *impl, berth_frame *out, int timeout_ms, berth_error *err)
{
	(void)timeout_ms; /* each step is bounded by the registry's and containerd's deadlines */
	ctrd_push *x = impl;
	if (x->error) {
		if (err)
			*err = x->err;
		return x->error;
	}
	if (x->at == PUSH_OVER)
		return BERTH_ITEROVER;
	berth_error e = BERTH_ERROR_INIT;
	int r;
	if (x->at == PUSH_RESOLVE) {
		r = resolve(x, &e);
		if (r == 0 && image_progress_fill(&x->p, BERTH_PROGRESS_RESOLVING, NULL, "The push refers to repository [%s]",
				  berth_image_ref_name(x->ref)) < 0)
			r = BERTH_NOMEM(&e);
	} else if (x->at == PUSH_BLOB && x->i < x->n) {
		r = x->upload ? blob_piece(x, &e) : blob_start(x, &e);
	} else {
		x->at = PUSH_MANIFEST;
		r = put_manifest(x, &e);
	}
	if (r < 0) {
		if (r != BERTH_ENOMEM && r != BERTH_ENOTFOUND)
			berth_error_prefix(&e, "push %s", berth_image_ref_familiar(x->ref));
		x->error = r;
		x->err = e;
		if (err)
			*err = e;
		return r;
	}
	*out = (berth_frame){ .channel = BERTH_CHANNEL_SYSTEM, .data = x->p.message, .len = strlen(x->p.message),
			      .item = &x->p };
	return 0;
}

static const stream_ops push_ops = {
	.kind = "push",
	.next = push_next,
	.free = push_free,
};

int ctrd_image_push(berth_stream **out, berth_client *c, const char *ref, const berth_push_options *o,
		    const berth_credentials *cred, berth_error *err)
{
	ctrd_push *x = calloc(1, sizeof *x);
	if (!x)
		return BERTH_NOMEM(err);
	x->c = c;
	x->p = (berth_image_progress){ .current = -1, .total = -1 };
	int r = berth_image_ref_parse(&x->ref, ref, err);
	if (r == 0 && cred &&
	    !(x->cred = credentials_dup(cred)))
		r = BERTH_NOMEM(err);
	reg_options ro = { .cred = x->cred, .actions = "pull,push", .insecure = o->insecure,
			   .timeout_ms = ctrd_registry_timeout(c) };
	if (r == 0)
		r = reg_client_new(&x->rc, berth_image_ref_domain(x->ref), berth_image_ref_path(x->ref), &ro, err);
	if (r < 0) {
		push_free(x);
		return r;
	}
	return stream_new(out, &push_ops, x, err);
}

/* ---- search ----------------------------------------------------------------- */

int ctrd_image_search(berth_search_result **out, berth_client *c, const char *term, const berth_search_options *o,
		      const berth_credentials *cred, berth_error *err)
{
	/* "HOST[:PORT]/words": the registry's catalog; words alone would be
	 * Docker Hub's v1 search, which berth does not speak */
	const char *slash = strchr(term, '/');
	size_t hl = slash ? (size_t)(slash - term) : 0;
	bool host = slash && (memchr(term, '.', hl) || memchr(term, ':', hl) || (hl == 9 && !strncmp(term, "localhost", 9)));
	if (!host || STREQ(slash + 1, "") || !strncmp(term, "docker.io/", 10) || !strncmp(term, "index.docker.io/", 16))
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "search %s: containerd has no search, and berth asks only a registry's catalog: "
				  "name the registry (HOST[:PORT]/WORDS)", term);
	_cleanup_free_ char *domain = strndup(term, hl);
	if (!domain)
		return BERTH_NOMEM(err);
	reg_options ro = { .cred = cred, .insecure = o->insecure,
			   .timeout_ms = ctrd_registry_timeout(c) };
	reg_client *rc = NULL;
	int r = reg_client_new(&rc, domain, "", &ro, err);
	http_request req = { .method = "GET", .target = "/v2/_catalog?n=1000" };
	http_response resp = HTTP_RESPONSE_INIT;
	if (r == 0)
		r = reg_do(rc, &req, &resp, 16u << 20, err);
	if (r == 0 && resp.status / 100 != 2)
		r = reg_status_error(rc, &resp, "GET /v2/_catalog", err);
	berth_search_result *res = NULL;
	if (r == 0 && !(res = calloc(1, sizeof *res)))
		r = BERTH_NOMEM(err);
	if (r == 0)
		r = registry_catalog_parse(res, resp.body.data ? resp.body.data : "", resp.body.len, domain, slash + 1,
					   (size_t)o->limit, err);
	http_response_release(&resp);
	reg_client_free(rc);
	if (r < 0) {
		berth_search_result_free(res);
		if (r != BERTH_ENOMEM)
			berth_error_prefix(err, "search %s", term);
		return r;
	}
	*out = res;
	return 0;
}
