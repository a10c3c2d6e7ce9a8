/* Images over the Engine API (Docker and Podman's compat API): list,
 * inspect, tag, remove, load. The replies go through parse/image_json.c. */
#include "engineapi.h"
#include "lib/model/registry_model.h"
#include "lib/parse/image_json.h"
#include "lib/parse/pull_json.h"
#include "lib/engines/engineapi/eapi_jsonlines.h"

#include <stdio.h>

/* /images/<encoded name><rest> */
static int image_path(sbuf *p, const char *name, const char *rest, berth_error *err)
{
	if (sbuf_adds(p, "/images/") < 0 || sbuf_add_urlenc(p, name) < 0 || sbuf_adds(p, rest) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

/* The reader's feed as an http sink. */
static int image_sink(void *reader, const char *data, size_t len, berth_error *err)
{
	return image_list_reader_feed(reader, data, len, err);
}

int engineapi_image_list(berth_image_list **out, struct berth_client *c, const berth_image_list_options *o,
			 berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	_cleanup_json_ json_t *filters = json_object();
	if (!filters || sbuf_adds(&path, "/images/json") < 0 ||
	    eapi_filter_add(filters, "label", o->labels, o->label_count) < 0 || eapi_query_add_filters(&path, '?', filters) < 0)
		return BERTH_NOMEM(err);
	call k = { "GET", path.data, NULL, 0 };
	/* mapped as it arrives (parse/image_json.c) */
	image_list_reader *reader = NULL;
	if (image_list_reader_new(&reader) < 0)
		return BERTH_NOMEM(err);
	int r = eapi_do_call_sink(c, &k, image_sink, reader, "image list", err);
	if (r == 0)
		r = eapi_with_endpoint(c, image_list_reader_finish(reader, out, err), err);
	image_list_reader_free(reader);
	return r;
}

/* GET /images/NAME<rest>, its reply given to parse. */
static int image_get(struct berth_client *c, const char *name, const char *rest, const char *verb,
		     int (*parse)(void *out, const char *json, size_t len, berth_error *err), void *out,
		     berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r = image_path(&path, name, rest, err);
	char what[300];
	snprintf(what, sizeof what, "%s %s", verb, name);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", path.data, NULL, 0 };
	if (r == 0)
		r = eapi_do_call(c, &k, &resp, NULL, what, err);
	if (r == 0)
		r = eapi_with_endpoint(c, parse(out, resp.body.data, resp.body.len, err), err);
	return r;
}

static int info_parse(void *out, const char *json, size_t len, berth_error *err)
{
	return image_info_parse(out, json, len, err);
}

static int history_parse(void *out, const char *json, size_t len, berth_error *err)
{
	return image_history_parse(out, json, len, err);
}

int engineapi_image_inspect(berth_image_info **out, struct berth_client *c, const char *name, berth_error *err)
{
	return image_get(c, name, "/json", "image inspect", info_parse, out, err);
}

int engineapi_image_history(berth_image_history **out, struct berth_client *c, const char *name, berth_error *err)
{
	return image_get(c, name, "/history", "image history", history_parse, out, err);
}

int engineapi_image_prune(berth_prune_result **out, struct berth_client *c, const berth_image_prune_options *o,
			  berth_error *err)
{
	bool libpod = api_of(c)->d->pull_libpod;
	_cleanup_json_ json_t *filters = json_object();
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	const char *dangling[] = { o->all ? "false" : "true" };
	if (!filters || eapi_filter_add(filters, "label", o->labels, o->label_count) < 0 ||
	    (!libpod && eapi_filter_add(filters, "dangling", dangling, 1) < 0) ||
	    sbuf_printf(&path, "%s", libpod ? (o->all ? LIBPOD_PREFIX "/images/prune?all=true"
						      : LIBPOD_PREFIX "/images/prune?all=false")
					    : "/images/prune") < 0 ||
	    eapi_query_add_filters(&path, libpod ? '&' : '?', filters) < 0)
		return BERTH_NOMEM(err);
	call k = { "POST", path.data, NULL, 0, libpod };
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	int r = eapi_do_call(c, &k, &resp, NULL, "prune images", err);
	return r < 0 ? r
		     : eapi_with_endpoint(c, engineapi_parse_image_prune(out, resp.body.data, resp.body.len, libpod, err),
					  err);
}

int engineapi_image_tag(struct berth_client *c, const char *source, const char *target, berth_error *err)
{
	/* "repo[:tag]": the tag is after the last ':' that follows the last '/' */
	const char *slash = strrchr(target, '/');
	const char *colon = strrchr(slash ? slash : target, ':');
	_cleanup_free_ char *repo = strndup(target, colon ? (size_t)(colon - target) : strlen(target));
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (!repo)
		return BERTH_NOMEM(err);
	int r = image_path(&path, source, "/tag?repo=", err);
	if (r == 0 && (sbuf_add_urlenc(&path, repo) < 0 || sbuf_adds(&path, "&tag=") < 0 ||
		       sbuf_add_urlenc(&path, colon ? colon + 1 : "latest") < 0))
		r = BERTH_NOMEM(err);
	char what[300];
	snprintf(what, sizeof what, "image tag %s", source);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "POST", path.data, NULL, 0 };
	return r < 0 ? r : eapi_do_call(c, &k, &resp, NULL, what, err);
}

int engineapi_image_remove(struct berth_client *c, const char *name, bool force, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r = image_path(&path, name, force ? "?force=1" : "", err);
	char what[300];
	snprintf(what, sizeof what, "image remove %s", name);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "DELETE", path.data, NULL, 0 };
	return r < 0 ? r : eapi_do_call(c, &k, &resp, NULL, what, err);
}

/* ---- pull --------------------------------------------------------------------------- */

#define PULL_LINE_MAX (1024 * 1024)

typedef struct pull_ctx {
	berth_image_progress p;
	bool push;
	bool need_finish;       /* the engine ends with a FINISHED line */
	bool finished;
} pull_ctx;

static int pull_line(void *ctx, const char *line, size_t len, const void **item, berth_error *err)
{
	pull_ctx *x = ctx;
	int r = pull_json_parse(&x->p, line, len, x->push, err);
	if (r != 0)
		return r;
	if (x->p.phase == BERTH_PROGRESS_FINISHED)
		x->finished = true;
	*item = &x->p;
	return 0;
}

static int pull_end(void *ctx, berth_error *err)
{
	const pull_ctx *x = ctx;
	if (x->finished || !x->need_finish)
		return BERTH_ITEROVER;
	return berth_fail(err, BERTH_EPROTOCOL, "the engine's reply ended before the image was in %s",
			  x->push ? "the registry" : "its store");
}

static void pull_release(void *ctx)
{
	pull_ctx *x = ctx;
	if (!x)
		return;
	image_progress_reset(&x->p);
	free(x);
}

/* A registry berth lets Podman reach without TLS verification, as Docker
 * does by itself: localhost and 127.0.0.0/8. */
static bool local_registry(const char *ref)
{
	size_t n = strcspn(ref, "/");
	if (!ref[n])
		return false; /* no domain part: Docker Hub */
	return (n >= 9 && strncmp(ref, "localhost", 9) == 0 && (n == 9 || ref[9] == ':')) || strncmp(ref, "127.", 4) == 0;
}

static int pull_query(sbuf *path, const dialect *d, const char *ref, const berth_pull_options *o)
{
	if (!d->pull_libpod) {
		if (sbuf_adds(path, "/images/create?fromImage=") < 0 || sbuf_add_urlenc(path, ref) < 0)
			return -ENOMEM;
		if (o->platform && (sbuf_adds(path, "&platform=") < 0 || sbuf_add_urlenc(path, o->platform) < 0))
			return -ENOMEM;
		return 0;
	}
	if (sbuf_adds(path, LIBPOD_PREFIX "/images/pull?policy=always&reference=") < 0 ||
	    sbuf_add_urlenc(path, ref) < 0)
		return -ENOMEM;
	if ((o->insecure || local_registry(ref)) && sbuf_adds(path, "&tlsVerify=false") < 0)
		return -ENOMEM;
	if (o->all_tags && sbuf_adds(path, "&allTags=true") < 0)
		return -ENOMEM;
	if (o->platform) {
		/* os/arch[/variant] as libpod's three parameters */
		static const char *const keys[] = { "&os=", "&arch=", "&variant=" };
		const char *s = o->platform;
		for (size_t i = 0; i < ARRAY_SIZE(keys) && *s; i++) {
			size_t n = strcspn(s, "/");
			_cleanup_free_ char *part = strndup(s, n);
			if (!part || sbuf_adds(path, keys[i]) < 0 || sbuf_add_urlenc(path, part) < 0)
				return -ENOMEM;
			s += n + (s[n] == '/');
		}
	}
	return 0;
}

/* A pull's or push's progress stream over the request k. */
static int transfer_stream(berth_stream **out, struct berth_client *c, const call *k, const char *what, bool push,
			   berth_error *err)
{
	_cleanup_resp_ http_response head = HTTP_RESPONSE_INIT;
	http_stream *hs = NULL;
	berth_error e = BERTH_ERROR_INIT;
	int r = eapi_stream_call(&hs, c, k, &head, what, &e);
	if (r == BERTH_EENGINE) {
		/* Docker answers some registry failures before its stream (500):
		 * the registry's words say which */
		e.code = r = pull_error_code(e.message);
	}
	if (r < 0) {
		if (err)
			*err = e;
		return r;
	}
	pull_ctx *x = calloc(1, sizeof *x);
	if (!x) {
		http_stream_close(hs);
		return BERTH_NOMEM(err);
	}
	image_progress_reset(&x->p);
	x->push = push;
	/* every pull ends with a line that says it is done; Docker's push with
	 * its digest, Podman's push just ends */
	x->need_finish = !push || !api_of(c)->d->pull_libpod;
	jsonl_hooks hooks = { pull_line, pull_release, x, pull_end };
	return jsonl_stream_from_http(out, hs, what, PULL_LINE_MAX, &hooks, NULL, err);
}

/* "X-Registry-Auth: ..." for the credentials (a secret: secret_free()). */
static char *auth_header_of(const berth_credentials *cred)
{
	char *value = credentials_registry_auth(cred);
	char *h = NULL;
	if (value && asprintf(&h, "X-Registry-Auth: %s", value) < 0)
		h = NULL;
	secret_free(value);
	return h;
}

int engineapi_image_pull(berth_stream **out, struct berth_client *c, const char *ref, const berth_pull_options *o,
			 const berth_credentials *cred, berth_error *err)
{
	const dialect *d = api_of(c)->d;
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (pull_query(&path, d, ref, o) < 0)
		return BERTH_NOMEM(err);
	char what[300];
	snprintf(what, sizeof what, "pull %s", ref);
	call k = { "POST", path.data, NULL, 0, d->pull_libpod };
	char *auth = auth_header_of(cred);
	if (!auth)
		return BERTH_NOMEM(err);
	k.extra_header = auth;
	int r = transfer_stream(out, c, &k, what, false, err);
	secret_free(auth);
	return r;
}

int engineapi_image_push(berth_stream **out, struct berth_client *c, const char *ref, const berth_push_options *o,
			 const berth_credentials *cred, berth_error *err)
{
	const dialect *d = api_of(c)->d;
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r;
	if (d->pull_libpod) {
		r = sbuf_adds(&path, LIBPOD_PREFIX "/images/") < 0 || sbuf_add_urlenc(&path, ref) < 0 ||
		    sbuf_adds(&path, "/push?quiet=false") < 0 ||
		    ((o->insecure || local_registry(ref)) && sbuf_adds(&path, "&tlsVerify=false") < 0);
	} else {
		/* /images/REPO/push?tag=TAG: the tag after the last ':' past the last '/' */
		const char *slash = strrchr(ref, '/');
		const char *colon = strrchr(slash ? slash : ref, ':');
		size_t repo_len = colon ? (size_t)(colon - ref) : strlen(ref);
		_cleanup_free_ char *repo = strndup(ref, repo_len);
		r = !repo || sbuf_adds(&path, "/images/") < 0 || sbuf_add_urlenc(&path, repo) < 0 ||
		    sbuf_adds(&path, "/push?tag=") < 0 || sbuf_add_urlenc(&path, colon ? colon + 1 : "latest") < 0;
	}
	if (r)
		return BERTH_NOMEM(err);
	char what[300];
	snprintf(what, sizeof what, "push %s", ref);
	call k = { "POST", path.data, NULL, 0, d->pull_libpod };
	/* Docker wants the header on a push, anonymous or not ("{}") */
	char *auth = auth_header_of(cred);
	if (!auth)
		return BERTH_NOMEM(err);
	k.extra_header = auth;
	r = transfer_stream(out, c, &k, what, true, err);
	secret_free(auth);
	return r;
}

int engineapi_image_search(berth_search_result **out, struct berth_client *c, const char *term,
			   const berth_search_options *o, const berth_credentials *cred, berth_error *err)
{
	bool libpod = api_of(c)->d->pull_libpod;
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	/* Podman's compat search verifies TLS even for a loopback registry:
	 * its own endpoint can be told not to, as its pulls are */
	if (sbuf_adds(&path, libpod ? LIBPOD_PREFIX "/images/search?term=" : "/images/search?term=") < 0 ||
	    sbuf_add_urlenc(&path, term) < 0 || sbuf_printf(&path, "&limit=%d", o->limit) < 0 ||
	    (libpod && (o->insecure || local_registry(term)) && sbuf_adds(&path, "&tlsVerify=false") < 0))
		return BERTH_NOMEM(err);
	char *auth = auth_header_of(cred);
	if (!auth)
		return BERTH_NOMEM(err);
	call k = { "GET", path.data, NULL, 0, libpod };
	k.extra_header = auth;
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	char what[300];
	snprintf(what, sizeof what, "search %s", term);
	int r = eapi_do_call(c, &k, &resp, NULL, what, err);
	secret_free(auth);
	if (r < 0)
		return r;
	berth_search_result *res = calloc(1, sizeof *res);
	if (!res)
		return BERTH_NOMEM(err);
	r = image_search_parse(res, resp.body.data ? resp.body.data : "", resp.body.len, err);
	if (r < 0) {
		berth_search_result_free(res);
		return eapi_with_endpoint(c, r, err);
	}
	*out = res;
	return 0;
}
