/* Images over the Engine API (Docker and Podman's compat API): list,
 * inspect, tag, remove, load. The replies go through parse/image_json.c. */
#include "engineapi.h"
#include "lib/parse/image_json.h"

#include <stdio.h>

/* /images/<encoded name><rest> */
static int image_path(sbuf *p, const char *name, const char *rest, berth_error *err)
{
	if (sbuf_adds(p, "/images/") < 0 || sbuf_add_urlenc(p, name) < 0 || sbuf_adds(p, rest) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

int engineapi_image_list(berth_image_list **out, struct berth_client *c, const berth_image_list_options *o,
			 berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	_cleanup_json_ json_t *filters = json_object();
	if (!filters || sbuf_adds(&path, "/images/json") < 0 ||
	    eapi_filter_add(filters, "label", o->labels, o->label_count) < 0 || eapi_query_add_filters(&path, '?', filters) < 0)
		return BERTH_NOMEM(err);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", path.data, NULL, 0 };
	int r = eapi_do_call(c, &k, &resp, NULL, "image list", err);
	if (r == 0)
		r = eapi_with_endpoint(c, image_list_parse(out, resp.body.data, resp.body.len, err), err);
	return r;
}

int engineapi_image_inspect(berth_image_info **out, struct berth_client *c, const char *name, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r = image_path(&path, name, "/json", err);
	char what[300];
	snprintf(what, sizeof what, "image inspect %s", name);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", path.data, NULL, 0 };
	if (r == 0)
		r = eapi_do_call(c, &k, &resp, NULL, what, err);
	if (r == 0)
		r = eapi_with_endpoint(c, image_info_parse(out, resp.body.data, resp.body.len, err), err);
	return r;
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

int engineapi_image_import(char **out_names, struct berth_client *c, const uint8_t *archive, size_t len,
			   berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	/* loading takes as long as the archive is big: no client deadline */
	call k = { "POST", "/images/load?quiet=1", NULL, -1 };
	k.raw = archive;
	k.raw_len = len;
	k.content_type = "application/x-tar";
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
