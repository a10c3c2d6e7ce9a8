/* Archives over the Engine API (Docker and Podman's compat API): save,
 * load and import of a root file system (the archive sent as it is
 * read, chunked), export, commit. Arguments were checked by
 * api/archive.c. */
#include "engineapi.h"
#include "eapi_parse_io.h"
#include "lib/parse/image_json.h"
#include "lib/engines/engineapi/eapi_bytestream.h"

#include <stdio.h>

int engineapi_image_save(berth_stream **out, struct berth_client *c, const char *const *names, size_t count,
			 berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (sbuf_adds(&path, "/images/get") < 0)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < count; i++)
		if (sbuf_adds(&path, i ? "&names=" : "?names=") < 0 || sbuf_add_urlenc(&path, names[i]) < 0)
			return BERTH_NOMEM(err);
	char what[300];
	snprintf(what, sizeof what, "save %s%s", names[0], count > 1 ? " ..." : "");
	berth_error e = BERTH_ERROR_INIT;
	int r = eapi_tar_stream(out, c, path.data, what, &e);
	/* Podman says 500 for an image it lacks */
	if (r == BERTH_EENGINE && (strstr(e.message, "image not known") || strstr(e.message, "No such image")))
		e.code = r = BERTH_ENOTFOUND;
	if (r < 0 && err)
		*err = e;
	return r;
}

int engineapi_image_load(char **out_names, struct berth_client *c, berth_read_cb read, void *payload,
			 berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	/* loading takes as long as the archive is big: no client deadline */
	call k = { .method = "POST", .path = "/images/load?quiet=1", .timeout_ms = -1, .body_read = read,
		   .body_payload = payload, .content_type = "application/x-tar" };
	int r = eapi_do_call(c, &k, &resp, NULL, "image load", err);
	_cleanup_sbuf_ sbuf names = SBUF_INIT;
	if (r == 0)
		r = image_load_reply_parse(&names, resp.body.data, resp.body.len, err);
	if (r == 0) {
		*out_names = names.data ? sbuf_steal(&names) : strdup("");
		if (!*out_names)
			r = BERTH_NOMEM(err);
	}
	return r;
}

/* "&changes=..." for each change, "&<key>=<value>" for a value given. */
static int add_changes(sbuf *p, const char *const *changes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (sbuf_adds(p, "&changes=") < 0 || sbuf_add_urlenc(p, changes[i]) < 0)
			return -ENOMEM;
	return 0;
}

static int add_param(sbuf *p, const char *key, const char *value)
{
	if (!value)
		return 0;
	if (sbuf_printf(p, "&%s=", key) < 0 || sbuf_add_urlenc(p, value) < 0)
		return -ENOMEM;
	return 0;
}

int engineapi_image_import_rootfs(char **out_id, struct berth_client *c, berth_read_cb read, void *payload,
				  const berth_image_import_rootfs_options *o, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	/* the name as one repo=NAME:TAG: Podman's compat import ignores tag= */
	if (sbuf_adds(&path, "/images/create?fromSrc=-") < 0 || add_param(&path, "repo", o->ref) < 0 ||
	    add_param(&path, "message", o->message) < 0 || add_changes(&path, o->changes, o->change_count) < 0)
		return BERTH_NOMEM(err);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { .method = "POST", .path = path.data, .timeout_ms = -1, .body_read = read, .body_payload = payload,
		   .content_type = "application/x-tar" };
	char what[300];
	snprintf(what, sizeof what, "import%s%s", o->ref ? " " : "", strempty(o->ref));
	int r = eapi_do_call(c, &k, &resp, NULL, what, err);
	return r < 0 ? r
		     : eapi_with_endpoint(c, engineapi_parse_new_image_id(out_id, resp.body.data, resp.body.len, what, err),
					  err);
}

int engineapi_export(berth_stream **out, struct berth_client *c, const char *id, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (eapi_object_path(&path, "/containers/", id, "/export", err) < 0)
		return BERTH_NOMEM(err);
	char what[300];
	snprintf(what, sizeof what, "export %s", id);
	return eapi_tar_stream(out, c, path.data, what, err);
}

int engineapi_commit(char **out_id, struct berth_client *c, const char *id, const berth_commit_options *o,
		     berth_error *err)
{
	/* repo and tag apart: Podman's compat commit refuses "repo:tag" as repo */
	const char *slash = o->ref ? strrchr(o->ref, '/') : NULL;
	const char *colon = o->ref ? strrchr(slash ? slash : o->ref, ':') : NULL;
	_cleanup_free_ char *repo = o->ref ? strndup(o->ref, colon ? (size_t)(colon - o->ref) : strlen(o->ref)) : NULL;
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if ((o->ref && !repo) || sbuf_adds(&path, "/commit?container=") < 0 || sbuf_add_urlenc(&path, id) < 0 ||
	    add_param(&path, "repo", repo) < 0 || add_param(&path, "tag", o->ref ? (colon ? colon + 1 : "latest") : NULL) < 0 ||
	    add_param(&path, "comment", o->message) < 0 ||
	    add_param(&path, "author", o->author) < 0 || sbuf_adds(&path, o->pause ? "&pause=1" : "&pause=0") < 0 ||
	    add_changes(&path, o->changes, o->change_count) < 0)
		return BERTH_NOMEM(err);
	/* a body of its own: the container's config is kept (Podman wants one) */
	_cleanup_json_ json_t *body = json_object();
	if (!body)
		return BERTH_NOMEM(err);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { .method = "POST", .path = path.data, .body = body, .timeout_ms = -1 };
	char what[300];
	snprintf(what, sizeof what, "commit %s", id);
	berth_error e = BERTH_ERROR_INIT;
	int r = eapi_do_call(c, &k, &resp, NULL, what, &e);
	if (r == 0)
		r = eapi_with_endpoint(c, engineapi_parse_new_image_id(out_id, resp.body.data, resp.body.len, what, &e), &e);
	if (r < 0 && err)
		*err = e;
	return r;
}
