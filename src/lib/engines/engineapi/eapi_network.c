/* Networks over the Engine API: Docker's /networks, and Podman's compat
 * /networks (the same requests and replies in 4.3; where their error
 * replies differ, the dialect's refine maps them). The replies go through
 * parse/network_json.c. */
#include "engineapi.h"
#include "lib/parse/network_json.h"

#include <stdio.h>
#include <unistd.h>

/* "key=value" (or "key") labels as a JSON object; NULL: no memory. */
static json_t *labels_json(const char *const *labels, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < n; i++) {
		size_t k = strcspn(labels[i], "=");
		_cleanup_free_ char *key = strndup(labels[i], k);
		const char *value = labels[i][k] ? labels[i] + k + 1 : "";
		if (!key || json_object_set_new(o, key, json_string(value)) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* The create body: name, bridge driver, labels, internal, IPAM. */
static json_t *create_body(const char *name, const berth_network_create_options *o)
{
	_cleanup_json_ json_t *b = json_object();
	json_t *ipam = json_object(), *configs = json_array(), *labels = labels_json(o->labels, o->label_count);
	int bad = !b || json_object_set_new(b, "IPAM", ipam) < 0 || !ipam ||
		  json_object_set_new(ipam, "Config", configs) < 0 || !configs ||
		  json_object_set_new(b, "Labels", labels) < 0 || !labels ||
		  json_object_set_new(b, "Name", json_string(name)) < 0 ||
		  json_object_set_new(b, "Driver", json_string(o->driver)) < 0 ||
		  json_object_set_new(b, "CheckDuplicate", json_true()) < 0 ||
		  json_object_set_new(b, "Internal", json_boolean(o->internal)) < 0 ||
		  json_object_set_new(ipam, "Driver", json_string("default")) < 0;
	if (!bad && o->subnet) {
		json_t *one = json_object();
		bad = json_array_append_new(configs, one) < 0 || !one ||
		      json_object_set_new(one, "Subnet", json_string(o->subnet)) < 0 ||
		      (o->gateway && json_object_set_new(one, "Gateway", json_string(o->gateway)) < 0);
	}
	return bad ? NULL : TAKE_PTR(b);
}

int engineapi_network_create(char **out_id, struct berth_client *c, const char *name,
			     const berth_network_create_options *o, berth_error *err)
{
	_cleanup_json_ json_t *body = create_body(name, o);
	if (!body)
		return BERTH_NOMEM(err);
	char what[200];
	snprintf(what, sizeof what, "network create %s", name);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "POST", "/networks/create", body, 0 };
	int r = eapi_do_call(c, &k, &resp, NULL, what, err);
	_cleanup_free_ char *id = NULL;
	if (r == 0)
		r = eapi_with_endpoint(c, engineapi_parse_create(&id, resp.body.data, resp.body.len, what, err), err);
	if (r == 0 && out_id)
		*out_id = TAKE_PTR(id);
	return r;
}

int engineapi_network_inspect(berth_network_info **out, struct berth_client *c, const char *name, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r = eapi_object_path(&path, "/networks/", name, "", err);
	char what[200];
	snprintf(what, sizeof what, "network inspect %s", name);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", path.data, NULL, 0 };
	if (r == 0)
		r = eapi_do_call(c, &k, &resp, NULL, what, err);
	return r < 0 ? r : eapi_with_endpoint(c, network_info_parse(out, resp.body.data, resp.body.len, err), err);
}

int engineapi_network_list(berth_network_list **out, struct berth_client *c, const berth_network_list_options *o,
			   berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	_cleanup_json_ json_t *filters = json_object();
	if (!filters || sbuf_adds(&path, "/networks") < 0 ||
	    eapi_filter_add(filters, "label", o->labels, o->label_count) < 0 ||
	    eapi_query_add_filters(&path, '?', filters) < 0)
		return BERTH_NOMEM(err);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", path.data, NULL, 0 };
	int r = eapi_do_call(c, &k, &resp, NULL, "network list", err);
	return r < 0 ? r : eapi_with_endpoint(c, network_list_parse(out, resp.body.data, resp.body.len, err), err);
}

int engineapi_network_remove(struct berth_client *c, const char *name, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r = eapi_object_path(&path, "/networks/", name, "", err);
	char what[200];
	snprintf(what, sizeof what, "network remove %s", name);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "DELETE", path.data, NULL, 0 };
	return r < 0 ? r : eapi_do_call(c, &k, &resp, NULL, what, err);
}

int engineapi_network_prune(berth_prune_result **out, struct berth_client *c, const berth_network_prune_options *o,
			    berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	_cleanup_json_ json_t *filters = json_object();
	if (!filters || sbuf_adds(&path, "/networks/prune") < 0 ||
	    eapi_filter_add(filters, "label", o->labels, o->label_count) < 0 ||
	    eapi_query_add_filters(&path, '?', filters) < 0)
		return BERTH_NOMEM(err);
	/* Podman 4.3 looks at every container and fails the whole prune with
	 * "no such container" when one is removed meanwhile: asked again */
	int r = 0;
	berth_error e = BERTH_ERROR_INIT;
	for (int attempt = 0; attempt < 3; attempt++) {
		_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
		call k = { "POST", path.data, NULL, 0 };
		r = eapi_do_call(c, &k, &resp, NULL, "prune networks", &e);
		if (r == 0)
			return eapi_with_endpoint(c, network_prune_parse(out, resp.body.data, resp.body.len, err), err);
		if (r != BERTH_ENOTFOUND)
			break;
		usleep(50 * 1000);
	}
	if (err)
		*err = e;
	return r;
}

/* POST /networks/{network}/{verb} with body. */
static int member_call(struct berth_client *c, const char *network, const char *verb, const char *container,
		       json_t *body, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	char rest[32], what[300];
	snprintf(rest, sizeof rest, "/%s", verb);
	snprintf(what, sizeof what, "network %s %s %s", verb, network, container);
	int r = eapi_object_path(&path, "/networks/", network, rest, err);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "POST", path.data, body, 0 };
	return r < 0 ? r : eapi_do_call(c, &k, &resp, NULL, what, err);
}

int engineapi_network_connect(struct berth_client *c, const char *network, const char *container,
			      const berth_network_connect_options *o, berth_error *err)
{
	_cleanup_json_ json_t *body = json_object();
	json_t *ep = json_object(), *aliases = json_array();
	bool bad = !body || json_object_set_new(body, "EndpointConfig", ep) < 0 || !ep ||
		   json_object_set_new(ep, "Aliases", aliases) < 0 || !aliases ||
		   json_object_set_new(body, "Container", json_string(container)) < 0;
	for (size_t i = 0; !bad && i < o->alias_count; i++)
		bad = json_array_append_new(aliases, json_string(o->aliases[i])) < 0;
	return bad ? BERTH_NOMEM(err) : member_call(c, network, "connect", container, body, err);
}

int engineapi_network_disconnect(struct berth_client *c, const char *network, const char *container, bool force,
				 berth_error *err)
{
	_cleanup_json_ json_t *body = json_object();
	if (!body || json_object_set_new(body, "Container", json_string(container)) < 0 ||
	    json_object_set_new(body, "Force", json_boolean(force)) < 0)
		return BERTH_NOMEM(err);
	return member_call(c, network, "disconnect", container, body, err);
}
