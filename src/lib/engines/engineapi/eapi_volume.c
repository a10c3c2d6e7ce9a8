/* Volumes over the Engine API (Docker, and Podman's compat API, which
 * answers the same shapes): create, list, inspect, remove, prune; Podman's
 * forced remove through libpod's (see the dialect). The containers that
 * use a volume come from the container list's "volume" filter, which both
 * engines have. Replies go through parse/volume_json.c. */
#include "engineapi.h"
#include "lib/parse/volume_json.h"

#include <stdio.h>

static json_t *pairs_object(const strv *keys, const strv *values)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < keys->len; i++)
		if (json_object_set_new(o, keys->items[i], json_string(values->items[i])) < 0) {
			json_decref(o);
			return NULL;
		}
	return o;
}

int engineapi_volume_create(char **out_name, struct berth_client *c, const volume_request *q, berth_error *err)
{
	_cleanup_json_ json_t *body = json_pack("{s:s, s:s, s:o?, s:o?}", "Name", q->name, "Driver", q->driver,
						"DriverOpts", pairs_object(&q->opt_keys, &q->opt_values), "Labels",
						pairs_object(&q->label_keys, &q->label_values));
	if (!body)
		return BERTH_NOMEM(err);
	char what[300];
	snprintf(what, sizeof what, "volume create %s", q->name);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "POST", "/volumes/create", body, 0 };
	int r = eapi_do_call(c, &k, &resp, NULL, what, err);
	berth_volume_info *v = NULL;
	if (r == 0)
		r = eapi_with_endpoint(c, volume_info_parse(&v, resp.body.data, resp.body.len, err), err);
	if (r < 0)
		return r;
	*out_name = TAKE_PTR(v->name);
	berth_volume_info_free(v);
	return 0;
}

/* Whether v carries every filter ("key" or "key=value"). */
static bool labels_match(const berth_volume_info *v, const char *const *labels, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(labels[i], '=');
		_cleanup_free_ char *key = strndup(labels[i], eq ? (size_t)(eq - labels[i]) : strlen(labels[i]));
		ssize_t at = key ? labels_find(&v->label_keys, key) : -1;
		if (at < 0 || (eq && !STREQ(v->label_values.items[at], eq + 1)))
			return false;
	}
	return true;
}

int engineapi_volume_list(berth_volume_list **out, struct berth_client *c, const char *const *labels, size_t n,
			  berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	_cleanup_json_ json_t *filters = json_object();
	if (!filters || sbuf_adds(&path, "/volumes") < 0 || eapi_filter_add(filters, "label", labels, n) < 0 ||
	    eapi_query_add_filters(&path, '?', filters) < 0)
		return BERTH_NOMEM(err);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", path.data, NULL, 0 };
	int r = eapi_do_call(c, &k, &resp, NULL, "volume list", err);
	berth_volume_list *l = NULL;
	if (r == 0)
		r = eapi_with_endpoint(c, volume_list_parse(&l, resp.body.data, resp.body.len, err), err);
	if (r < 0)
		return r;
	/* every filter must match (the engine may have taken any) */
	size_t kept = 0;
	for (size_t i = 0; i < l->len; i++) {
		if (labels_match(&l->items[i], labels, n))
			l->items[kept++] = l->items[i];
		else
			volume_info_release(&l->items[i]);
	}
	l->len = kept;
	*out = l;
	return 0;
}

/* The names of the containers (any state) that mount volume `name`. */
static int volume_users(strv *out, struct berth_client *c, const char *name, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	_cleanup_json_ json_t *filters = json_object();
	const char *v[] = { name };
	if (!filters || sbuf_adds(&path, "/containers/json?all=1") < 0 || eapi_filter_add(filters, "volume", v, 1) < 0 ||
	    eapi_query_add_filters(&path, '&', filters) < 0)
		return BERTH_NOMEM(err);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", path.data, NULL, 0 };
	int r = eapi_do_call(c, &k, &resp, NULL, "volume users", err);
	return r < 0 ? r : eapi_with_endpoint(c, volume_users_parse(out, resp.body.data, resp.body.len, err), err);
}

int engineapi_volume_inspect(berth_volume_info **out, struct berth_client *c, const char *name, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (eapi_object_path(&path, "/volumes/", name, "", err) < 0)
		return BERTH_ENOMEM;
	char what[300];
	snprintf(what, sizeof what, "volume inspect %s", name);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", path.data, NULL, 0 };
	int r = eapi_do_call(c, &k, &resp, NULL, what, err);
	berth_volume_info *v = NULL;
	if (r == 0)
		r = eapi_with_endpoint(c, volume_info_parse(&v, resp.body.data, resp.body.len, err), err);
	if (r == 0)
		r = volume_users(&v->users, c, name, err);
	if (r < 0) {
		berth_volume_info_free(v);
		return r;
	}
	*out = v;
	return 0;
}

int engineapi_volume_remove(struct berth_client *c, const char *name, bool force, berth_error *err)
{
	bool libpod = force && api_of(c)->d->volume_force_libpod;
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (eapi_object_path(&path, libpod ? LIBPOD_PREFIX "/volumes/" : "/volumes/", name, force ? "?force=true" : "",
			     err) < 0)
		return BERTH_ENOMEM;
	char what[300];
	snprintf(what, sizeof what, "volume remove %s", name);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "DELETE", path.data, NULL, 0, libpod };
	berth_error e = BERTH_ERROR_INIT;
	int r = eapi_do_call(c, &k, &resp, NULL, what, &e);
	if (r == BERTH_ECONFLICT) {
		/* the engine names container ids (Docker) or nothing useful
		 * (Podman): name the containers */
		_cleanup_strv_ strv users = STRV_INIT;
		_cleanup_sbuf_ sbuf list = SBUF_INIT;
		if (volume_users(&users, c, name, NULL) == 0 && users.len) {
			for (size_t i = 0; i < users.len; i++)
				if (sbuf_printf(&list, "%s%s", i ? ", " : "", users.items[i]) < 0)
					return BERTH_NOMEM(err);
			return berth_fail_full(err, r, e.native, 0, "volume remove %s: in use by %s%s", name, list.data,
					       force ? " (the engine keeps a volume in use even forced)" : "");
		}
	}
	if (r < 0 && err)
		*err = e;
	return r;
}

/* A prune by every one of several labels where the engine would take any:
 * the volumes that carry them all, each removed unless in use. */
static int prune_each(berth_prune_result **out, struct berth_client *c, const char *const *labels, size_t n,
		      berth_error *err)
{
	berth_volume_list *l = NULL;
	int r = engineapi_volume_list(&l, c, labels, n, err);
	berth_prune_result *res = r == 0 ? calloc(1, sizeof *res) : NULL;
	if (r == 0 && !res)
		r = BERTH_NOMEM(err);
	for (size_t i = 0; r == 0 && i < l->len; i++) {
		const char *name = l->items[i].name;
		_cleanup_sbuf_ sbuf path = SBUF_INIT;
		if (eapi_object_path(&path, "/volumes/", name, "", err) < 0) {
			r = BERTH_ENOMEM;
			break;
		}
		_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
		call k = { "DELETE", path.data, NULL, 0 };
		berth_error e = BERTH_ERROR_INIT;
		int rr = eapi_do_call(c, &k, &resp, NULL, "prune volumes", &e);
		if (rr == BERTH_ECONFLICT || rr == BERTH_ENOTFOUND)
			continue; /* in use, or gone meanwhile */
		if (rr < 0)
			r = berth_fail_full(err, rr, e.native, 0, "%s", e.message);
		else if (strv_push(&res->ids, name) < 0)
			r = BERTH_NOMEM(err);
	}
	berth_volume_list_free(l);
	if (r < 0) {
		berth_prune_result_free(res);
		return r;
	}
	*out = res;
	return 0;
}

int engineapi_volume_prune(berth_prune_result **out, struct berth_client *c, const char *const *labels, size_t n,
			   berth_error *err)
{
	if (n > 1 && api_of(c)->d->volume_labels_any)
		return prune_each(out, c, labels, n, err);
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	_cleanup_json_ json_t *filters = json_object();
	if (!filters || sbuf_adds(&path, "/volumes/prune") < 0 || eapi_filter_add(filters, "label", labels, n) < 0 ||
	    eapi_query_add_filters(&path, '?', filters) < 0)
		return BERTH_NOMEM(err);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "POST", path.data, NULL, 0 };
	int r = eapi_do_call(c, &k, &resp, NULL, "prune volumes", err);
	return r < 0 ? r : eapi_with_endpoint(c, volume_prune_parse(out, resp.body.data, resp.body.len, err), err);
}
