/* The Engine API backend: Docker and Podman through the Docker-compatible
 * REST API (Podman's compat endpoints answer under the same paths). The
 * differences between the two are kept in the dialect table below. */
#include "engineapi.h"
#include "create.h"
#include "eapi_parse.h"
#include "eapi_events_parse.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>

#define MAX_REPLY (64u * 1024 * 1024)   /* a buffered JSON reply */
#define STOP_MARGIN_MS 30000            /* the engine's own time beyond the grace */

/* Docker: pausing a paused container is 409 like any conflict, unpausing
 * one that is not paused is 500, and renaming a container to its own name
 * is 400. */
static int docker_refine(int code, int status, const char *message)
{
	if (status == 409 && strstr(message, "is already paused"))
		return BERTH_EALREADY;
	if (status == 500 && strstr(message, "is not paused"))
		return BERTH_ECONFLICT;
	if (status == 400 && strstr(message, "same name as its current name"))
		return BERTH_EALREADY;
	return code;
}

/* Podman's compat API answers some state conflicts with 500 where Docker
 * says 409: "container state improper" (remove of a running container,
 * without force; kill, pause or unpause in the wrong state; "is already
 * paused" among them) and "already in use" (a taken name). A container
 * removed while a request on it runs (a wait for its removal) is 500
 * "does not exist in database: no such container". */
static int podman_refine(int code, int status, const char *message)
{
	if (status == 500 && strstr(message, "is already paused"))
		return BERTH_EALREADY;
	if (status == 500 && strstr(message, "no such container"))
		return BERTH_ENOTFOUND;
	/* changes (diff) of a container that does not exist */
	if (status == 500 && strstr(message, "layer not known"))
		return BERTH_ENOTFOUND;
	if (status == 500 && (strstr(message, "container state improper") || strstr(message, "already in use")))
		return BERTH_ECONFLICT;
	if (status == 500 && strstr(message, "no such container"))
		return BERTH_ENOTFOUND;
	return code;
}

static const berth_engine_ops *podman_ops(void);

/* Podman 4.3's compat create (measured): it ignores MemorySwap -1, keeps
 * the image's health check timings when no Test comes with them, honours
 * only three LogConfig options, and writes ExtraHosts "host-gateway"
 * literally before 4.7. */
static const char *const podman_log_opts[] = { "max-size", "tag", "path", NULL };
static const engineapi_create_dialect podman_create = {
	.engine = "Podman",
	.swap_unlimited_dropped = true,
	.health_timings_need_test = true,
	.log_opts = podman_log_opts,
	.host_gateway_since = "4.7",
};

/* Status words Podman never reports and refuses as list filters. */
static const char *const podman_unknown_states[] = { "restarting", "dead", NULL };

static const dialect dialects[] = {
	{
		.engine = BERTH_ENGINE_DOCKER,
		.name = "Docker",
		.needs_stop_timeout_lookup = true,
		.refine = docker_refine,
		.update = UPDATE_COMPAT,
		.events = &eapi_docker_events_dialect,
	},
	{
		.engine = BERTH_ENGINE_PODMAN,
		.name = "Podman",
		.needs_stop_timeout_lookup = true,
		.refine = podman_refine,
		.restart_unpauses = true,
		.wait_zero_when_removed = true,
		.update = UPDATE_LIBPOD,
		.update_unsupported = UPDATE_FIELD_RESTART_POLICY,
		.unknown_states = podman_unknown_states,
		.create = &podman_create,
		.logs_follow_polls = true,
		.ops = podman_ops,
		.top_text_rows = true,
		.put_archive_makes_dest = true,
		.events = &eapi_podman_events_dialect,
		.attach_logs_misframed = true,
	},
};

/* ---- requests ------------------------------------------------------------ */

/* Map a non-2xx status to a BERTH_E* code with the engine's message.
 * `what` names the operation and its object ("start c1"). */
static int status_error(const dialect *d, const http_response *resp, const char *what, berth_error *err)
{
	char msg[384];
	engineapi_error_message(msg, sizeof msg, resp->status, resp->body.data, resp->body.len);
	int code = engineapi_status_code(resp->status);
	if (d && d->refine)
		code = d->refine(code, resp->status, msg);
	return berth_fail_full(err, code, resp->status, 0, "%s: %s", what, msg);
}

/* The HTTP request of a call, with the buffers it points into. */
typedef struct prepared {
	sbuf target;
	char *body;
	http_request req;
} prepared;

static void prepared_release(prepared *p)
{
	sbuf_release(&p->target);
	free(p->body);
}
#define _cleanup_prepared_ _cleanup_(prepared_release)

static int prepare(prepared *p, struct berth_client *c, const call *k, berth_error *err)
{
	engineapi *api = api_of(c);
	if (sbuf_printf(&p->target, "%s%s", k->unversioned ? "" : api->prefix, k->path) < 0)
		return BERTH_NOMEM(err);
	if (k->body) {
		p->body = json_dumps(k->body, JSON_COMPACT);
		if (!p->body)
			return BERTH_NOMEM(err);
	}
	p->req = (http_request){
		.method = k->method,
		.target = p->target.data,
		.body = p->body,
		.body_len = p->body ? strlen(p->body) : 0,
		.timeout_ms = k->timeout_ms ? k->timeout_ms : c->timeout_ms,
		.head = strcmp(k->method, "HEAD") == 0,
		.body_read = k->body_read,
		.body_payload = k->body_payload,
		.content_type = k->content_type,
		.upgrade = k->upgrade,
	};
	if (!k->body && k->raw) {
		p->req.body = k->raw;
		p->req.body_len = k->raw_len;
	}
	return 0;
}

static bool status_ok(int status, const int *ok_statuses)
{
	if (status >= 200 && status < 300)
		return true;
	for (const int *s = ok_statuses; s && *s; s++)
		if (status == *s)
			return true;
	return false;
}

/* Perform a call; on a 2xx reply *resp holds it. Non-2xx replies are mapped
 * to errors unless the status is in `ok_statuses` (zero-terminated). */
int eapi_do_call(struct berth_client *c, const call *k, http_response *resp, const int *ok_statuses,
	    const char *what, berth_error *err)
{
	_cleanup_prepared_ prepared p = { .target = SBUF_INIT };
	int r = prepare(&p, c, k, err);
	if (r == 0)
		r = http_do(api_of(c)->t, &p.req, resp, MAX_REPLY, err);
	if (r < 0)
		return r;
	return status_ok(resp->status, ok_statuses) ? 0 : status_error(api_of(c)->d, resp, what, err);
}

/* A call whose reply body is read piece by piece: on a 2xx status (101
 * for an upgrade) *out is the open stream (the caller closes it). Another
 * status is read (up to 64 KiB, within the call's deadline) and mapped to
 * an error. */
int eapi_stream_call(http_stream **out, struct berth_client *c, const call *k, http_response *head,
		       const char *what, berth_error *err)
{
	_cleanup_prepared_ prepared p = { .target = SBUF_INIT };
	int r = prepare(&p, c, k, err);
	int64_t deadline = now_ms() + p.req.timeout_ms;
	http_stream *s = NULL;
	if (r == 0)
		r = http_stream_open(&s, api_of(c)->t, &p.req, head, err);
	if (r < 0)
		return r;
	static const int switched[] = { 101, 0 };
	if (status_ok(head->status, k->upgrade ? switched : NULL)) {
		*out = s;
		return 0;
	}
	const char *data;
	size_t len;
	while (head->body.len < 64 * 1024 && http_stream_read(s, &data, &len, remaining_ms(deadline), NULL) == 0)
		if (sbuf_add(&head->body, data, len) < 0)
			break;
	http_stream_close(s);
	return status_error(api_of(c)->d, head, what, err);
}

/* A call on /containers/{id}{rest}: the encoded path, the message context
 * ("start web") and the request in one place. rest may carry a query. */
int eapi_object_path(sbuf *path, const char *kind, const char *id, const char *rest, berth_error *err)
{
	if (sbuf_adds(path, kind) < 0 || sbuf_add_urlenc(path, id) < 0 || sbuf_adds(path, rest) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

int eapi_container_call(struct berth_client *c, const char *method, const char *id, const char *rest,
		   int timeout_ms, const int *ok_statuses, const char *verb, what_buf what,
		   http_response *resp, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r = eapi_object_path(&path, "/containers/", id, rest, err);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what_buf), "%s %s", verb, id);
	call k = { method, path.data, NULL, timeout_ms };
	return eapi_do_call(c, &k, resp, ok_statuses, what, err);
}

int eapi_container_post(struct berth_client *c, const char *id, const char *rest, int timeout_ms, const int *ok_statuses,
		   const char *verb, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	return eapi_container_call(c, "POST", id, rest, timeout_ms, ok_statuses, verb, what, &resp, err);
}

const int eapi_ok_already[] = { 304, 0 };

/* ---- probe and negotiation ------------------------------------------------ */

int negotiate_api_version(char out[16], const char *engine_max, const char *requested, berth_error *err)
{
	if (requested) {
		int dots = 0;
		bool ok = *requested != '\0' && strlen(requested) < 16;
		for (const char *p = requested; ok && *p; p++) {
			if (*p == '.')
				dots++;
			else if (*p < '0' || *p > '9')
				ok = false;
		}
		if (!ok || dots != 1 || requested[0] == '.' || endswith(requested, "."))
			return berth_fail(err, BERTH_EINVAL, "API version \"%s\": want MAJOR.MINOR like 1.41", requested);
		if (api_version_cmp(requested, BERTH_API_VERSION_MIN) < 0)
			return berth_fail(err, BERTH_EUNSUPPORTED, "API version %s is below berth's minimum %s",
					  requested, BERTH_API_VERSION_MIN);
		if (!isempty(engine_max) && api_version_cmp(requested, engine_max) > 0)
			return berth_fail(err, BERTH_EUNSUPPORTED, "API version %s is above the engine's %s",
					  requested, engine_max);
		snprintf(out, 16, "%s", requested);
		return 0;
	}
	if (isempty(engine_max)) {
		snprintf(out, 16, "%s", BERTH_API_VERSION_MAX);
		return 0;
	}
	if (api_version_cmp(engine_max, BERTH_API_VERSION_MIN) < 0)
		return berth_fail(err, BERTH_EUNSUPPORTED, "engine API %s is older than berth's minimum %s",
				  engine_max, BERTH_API_VERSION_MIN);
	snprintf(out, 16, "%s", api_version_cmp(engine_max, BERTH_API_VERSION_MAX) < 0 ? engine_max
										       : BERTH_API_VERSION_MAX);
	return 0;
}

/* "Docker/20.10.24 (linux)" -> "20.10.24" */
static void product_version(char *out, size_t size, const char *server, const char *product)
{
	size_t n = strlen(product);
	if (!server || strncasecmp(server, product, n) != 0 || server[n] != '/')
		return;
	snprintf(out, size, "%.*s", (int)strcspn(server + n + 1, " "), server + n + 1);
}

static int probe_with(engineapi_probe *out, transport *t, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	http_request req = { .method = "GET", .target = "/_ping" };
	int r = http_do(t, &req, &resp, 4096, err);
	if (r < 0)
		return r;
	const char *api = http_header(&resp, "api-version");
	const char *server = http_header(&resp, "server");
	const char *libpod = http_header(&resp, "libpod-api-version");
	memset(out, 0, sizeof *out);
	if (resp.status == 401 || resp.status == 403)
		return berth_fail_full(err, BERTH_EPERM, resp.status, 0, "%s: the engine refused: HTTP %d",
				       t->ep.uri, resp.status);
	if (!api && !libpod) {
		return berth_fail_full(err, BERTH_EPROTOCOL, resp.status, 0,
				       "%s: answered HTTP %d without Api-Version: not a Docker or Podman engine",
				       t->ep.uri, resp.status);
	}
	if (libpod || (server && strncasecmp(server, "libpod", 6) == 0)) {
		out->engine = BERTH_ENGINE_PODMAN;
		product_version(out->server_version, sizeof out->server_version, server, "Libpod");
		if (!out->server_version[0] && libpod)
			snprintf(out->server_version, sizeof out->server_version, "%s", libpod);
	} else {
		out->engine = BERTH_ENGINE_DOCKER;
		product_version(out->server_version, sizeof out->server_version, server, "Docker");
	}
	snprintf(out->api_version, sizeof out->api_version, "%s", api ? api : "");
	if (resp.status != 200)
		return berth_fail_full(err, BERTH_EENGINE, resp.status, 0, "%s: ping answered HTTP %d",
				       t->ep.uri, resp.status);
	return 0;
}

int engineapi_probe_endpoint(engineapi_probe *out, const char *uri, int tls_mode, const char *cert_dir,
			     int timeout_ms, berth_error *err)
{
	transport *t = NULL;
	int r = transport_new(&t, uri, tls_mode, cert_dir, timeout_ms, timeout_ms, err);
	if (r < 0)
		return r;
	r = probe_with(out, t, err);
	if (r < 0) {
		transport_free(t);
		return r;
	}
	out->transport = t;
	return 0;
}

void engineapi_probe_release(engineapi_probe *p)
{
	transport_free(p->transport);
	p->transport = NULL;
}

/* ---- operations ------------------------------------------------------------ */

static int api_ping(struct berth_client *c, berth_error *err)
{
	engineapi_probe p;
	return probe_with(&p, api_of(c)->t, err);
}

int eapi_with_endpoint(const struct berth_client *c, int r, berth_error *err)
{
	if (r == BERTH_EPROTOCOL)
		berth_error_prefix(err, "%s", c->endpoint);
	return r;
}

static int api_version(berth_version **out, struct berth_client *c, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", "/version", NULL, 0 };
	int r = eapi_do_call(c, &k, &resp, NULL, "version", err);
	return r < 0 ? r : eapi_with_endpoint(c, engineapi_parse_version(out, resp.body.data, resp.body.len, c->engine, err), err);
}

static int api_info(berth_info **out, struct berth_client *c, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", "/info", NULL, 0 };
	int r = eapi_do_call(c, &k, &resp, NULL, "info", err);
	return r < 0 ? r : eapi_with_endpoint(c, engineapi_parse_info(out, resp.body.data, resp.body.len, err), err);
}

static int api_create(char **out_id, struct berth_client *c, const berth_spec *spec, berth_error *err)
{
	_cleanup_json_ json_t *body = NULL;
	int r = engineapi_create_body(&body, spec, c->owner, api_of(c)->d ? api_of(c)->d->create : NULL,
				  c->server_version, err);
	if (r < 0)
		return r;
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (sbuf_adds(&path, "/containers/create") < 0)
		return BERTH_NOMEM(err);
	if (spec->name && (sbuf_adds(&path, "?name=") < 0 || sbuf_add_urlenc(&path, spec->name) < 0))
		return BERTH_NOMEM(err);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "POST", path.data, body, 0 };
	char what[320];
	snprintf(what, sizeof what, "create %s", spec->name ? spec->name : spec->image);
	r = eapi_do_call(c, &k, &resp, NULL, what, err);
	if (r == BERTH_ENOTFOUND)
		/* The only missing thing a create can hit is the image. */
		return berth_fail_full(err, BERTH_ENOTFOUND, resp.status, 0,
				       "create: no such image: %s (berth does not pull here)", spec->image);
	if (r == BERTH_ECONFLICT)
		return berth_fail_full(err, BERTH_EEXISTS, resp.status, 0, "create: the name %s is already in use",
				       strempty(spec->name));
	return r < 0 ? r : eapi_with_endpoint(c, engineapi_parse_create(out_id, resp.body.data, resp.body.len, what, err), err);
}

static int api_start(struct berth_client *c, const char *id, berth_error *err)
{
	return eapi_container_post(c, id, "/start", 0, eapi_ok_already, "start", err);
}

/* The stop timeout a container carries in its config (engine default 10). */
static int container_stop_timeout(struct berth_client *c, const char *id, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	int r = eapi_container_call(c, "GET", id, "/json", 0, NULL, "stop", what, &resp, err);
	return r < 0 ? r : eapi_with_endpoint(c, engineapi_parse_stop_timeout(resp.body.data, resp.body.len, what, err), err);
}

int eapi_stop_deadline_ms(int *out_ms, struct berth_client *c, const char *id, int grace, berth_error *err)
{
	int wait_s = grace;
	if (grace < 0 && api_of(c)->d->needs_stop_timeout_lookup) {
		wait_s = container_stop_timeout(c, id, err);
		if (wait_s < 0)
			return wait_s;
	}
	/* The engine answers only after the grace period: the deadline covers it. */
	int64_t ms = (int64_t)wait_s * 1000 + STOP_MARGIN_MS;
	if (ms < c->timeout_ms)
		ms = c->timeout_ms;
	*out_ms = ms > INT32_MAX ? -1 : (int)ms;
	return 0;
}

static int api_stop(struct berth_client *c, const char *id, int grace, berth_error *err)
{
	int ms;
	int r = eapi_stop_deadline_ms(&ms, c, id, grace, err);
	if (r < 0)
		return r;
	char rest[32] = "/stop";
	if (grace >= 0)
		snprintf(rest, sizeof rest, "/stop?t=%d", grace);
	return eapi_container_post(c, id, rest, ms, eapi_ok_already, "stop", err);
}

static int api_remove(struct berth_client *c, const char *id, bool force, bool volumes, berth_error *err)
{
	char rest[32];
	snprintf(rest, sizeof rest, "?force=%d&v=%d", force ? 1 : 0, volumes ? 1 : 0);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	int r = eapi_container_call(c, "DELETE", id, rest, 0, NULL, "remove", what, &resp, err);
	if (r == BERTH_ENOTFOUND && force)
		return 0;
	if (r == BERTH_ECONFLICT && force && strstr(err ? err->message : "", "already in progress"))
		return 0;
	return r;
}

static int api_inspect(berth_container_info **out, struct berth_client *c, const char *id, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	int r = eapi_container_call(c, "GET", id, "/json", 0, NULL, "inspect", what, &resp, err);
	return r < 0 ? r : eapi_with_endpoint(c, engineapi_parse_inspect(out, resp.body.data, resp.body.len, what, err), err);
}

int eapi_filter_add(json_t *filters, const char *key, const char *const *values, size_t n)
{
	if (n == 0)
		return 0;
	json_t *a = json_array();
	if (!a || json_object_set_new(filters, key, a) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(a, json_string(values[i])) < 0)
			return -ENOMEM;
	return 0;
}

int eapi_query_add_filters(sbuf *path, char sep, const json_t *filters)
{
	if (json_object_size(filters) == 0)
		return 0;
	_cleanup_free_ char *text = json_dumps(filters, JSON_COMPACT);
	if (!text || sbuf_addc(path, sep) < 0 || sbuf_adds(path, "filters=") < 0 || sbuf_add_urlenc(path, text) < 0)
		return -ENOMEM;
	return 0;
}

/* The state words to filter on, without those the engine never reports
 * (and refuses). *asked tells whether a state filter was given at all. */
static int state_words(strv *out, bool *asked, const dialect *d, const berth_list_options *opts)
{
	*asked = opts->state_count > 0;
	for (size_t i = 0; i < opts->state_count; i++) {
		const char *word = berth_state_name(opts->states[i]);
		bool unknown = false;
		for (const char *const *u = d->unknown_states; u && *u && !unknown; u++)
			unknown = STREQ(*u, word);
		if (!unknown && strv_push(out, word) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int api_list(berth_container_list **out, struct berth_client *c, const berth_list_options *opts,
		    berth_error *err)
{
	_cleanup_strv_ strv states = STRV_INIT;
	bool states_asked;
	_cleanup_json_ json_t *filters = json_object();
	if (!filters || state_words(&states, &states_asked, api_of(c)->d, opts) < 0)
		return BERTH_NOMEM(err);
	if (states_asked && states.len == 0) {
		/* Only states this engine never has: nothing can match. */
		berth_container_list *none = calloc(1, sizeof *none);
		if (!none)
			return BERTH_NOMEM(err);
		*out = none;
		return 0;
	}
	const char *const name[] = { opts->name };
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	if (sbuf_printf(&path, "/containers/json?all=%d", opts->all ? 1 : 0) < 0 ||
	    eapi_filter_add(filters, "label", opts->labels, opts->label_count) < 0 ||
	    eapi_filter_add(filters, "name", name, opts->name ? 1 : 0) < 0 ||
	    eapi_filter_add(filters, "status", (const char *const *)states.items, states.len) < 0 ||
	    eapi_query_add_filters(&path, '&', filters) < 0)
		return BERTH_NOMEM(err);
	call k = { "GET", path.data, NULL, 0 };
	int r = eapi_do_call(c, &k, &resp, NULL, "list containers", err);
	return r < 0 ? r : eapi_with_endpoint(c, engineapi_parse_list(out, resp.body.data, resp.body.len, err), err);
}

/* ---- readiness: logs, exec, health runs ------------------------------------ */

static int api_logs_scan(struct berth_client *c, const char *id, int64_t since, int tail, int timeout_ms,
			 int (*on_data)(const char *data, size_t len, void *payload), void *payload, berth_error *err)
{
	char rest[128];
	int n = snprintf(rest, sizeof rest, "/logs?stdout=1&stderr=1&since=%" PRId64, since > 0 ? since : 0);
	if (tail > 0)
		snprintf(rest + n, sizeof rest - (size_t)n, "&tail=%d", tail);
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r = eapi_object_path(&path, "/containers/", id, rest, err);
	if (r < 0)
		return r;
	what_buf what;
	snprintf(what, sizeof what, "logs %s", id);
	call k = { "GET", path.data, NULL, timeout_ms, false };
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : c->timeout_ms);
	_cleanup_resp_ http_response head = HTTP_RESPONSE_INIT;
	http_stream *s = NULL;
	r = eapi_stream_call(&s, c, &k, &head, what, err);
	while (r == 0) {
		const char *data;
		size_t len;
		r = http_stream_read(s, &data, &len, remaining_ms(deadline), err);
		if (r == BERTH_ITEROVER || (r == 0 && on_data(data, len, payload))) {
			r = 0;
			break;
		}
	}
	http_stream_close(s);
	return r;
}

#define EXEC_OUTPUT_KEEP 4096

/* Keep the last EXEC_OUTPUT_KEEP bytes of an output in b. */
static int keep_tail(sbuf *b, const char *data, size_t len)
{
	if (len >= EXEC_OUTPUT_KEEP) {
		sbuf_reset(b);
		return sbuf_add(b, data + len - EXEC_OUTPUT_KEEP, EXEC_OUTPUT_KEEP);
	}
	if (b->len + len > 2 * EXEC_OUTPUT_KEEP) {
		size_t drop = b->len + len - EXEC_OUTPUT_KEEP;
		memmove(b->data, b->data + drop, b->len - drop);
		b->len -= drop;
		b->data[b->len] = '\0';
	}
	return sbuf_add(b, data, len);
}

/* The readiness exec probe: the streaming exec of exec.c, with the last
 * bytes of the output kept. Attached, not detached: Podman 4.3 never
 * records the end of a detached exec. */
static int api_exec_probe(int *exit_code, sbuf *output, struct berth_client *c, const char *id, const strv *argv,
			  int timeout_ms, berth_error *err)
{
	int64_t deadline = now_ms() + timeout_ms;
	berth_exec_options o = BERTH_EXEC_OPTIONS_INIT;
	o.argv = (const char *const *)argv->items;
	o.argc = argv->len;
	berth_stream *s = NULL;
	_cleanup_free_ char *exec_id = NULL;
	int r = engineapi_exec_start(&s, &exec_id, c, id, &o, err);
	while (r == 0) {
		berth_frame f;
		int left = remaining_ms(deadline);
		r = left > 0 ? berth_stream_next(s, &f, left, err) : BERTH_ETIMEDOUT;
		if (r == BERTH_ITEROVER) {
			r = 0;
			break;
		}
		if (r == BERTH_ETIMEDOUT)
			r = berth_fail(err, BERTH_ETIMEDOUT, "exec in %s: the command still runs after %d ms", id,
				       timeout_ms);
		else if (r == 0 && output && keep_tail(output, f.data, f.len) < 0)
			r = BERTH_NOMEM(err);
	}
	berth_stream_free(s);
	if (r < 0)
		return r;
	int left = remaining_ms(deadline);
	return engineapi_exec_exit_code(exit_code, c, exec_id, left > 0 ? left : 1, err);
}

/* Podman's native API, where the compat one has no equivalent. */
#define LIBPOD_PREFIX "/v4.0.0/libpod"

/* Podman runs health checks from systemd timers; without systemd nothing
 * runs them. GET .../healthcheck runs one now and records it (the reply is
 * that run's verdict; the container's status, which honours the retries
 * and the start period, is in its inspect). */
static int podman_health_run(struct berth_client *c, const char *id, int timeout_ms, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r = eapi_object_path(&path, LIBPOD_PREFIX "/containers/", id, "/healthcheck", err);
	if (r < 0)
		return r;
	what_buf what;
	snprintf(what, sizeof what, "health check of %s", id);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", path.data, NULL, timeout_ms, true };
	return eapi_do_call(c, &k, &resp, NULL, what, err);
}

static void api_close(struct berth_client *c)
{
	engineapi *api = api_of(c);
	if (!api)
		return;
	transport_free(api->t);
	free(api);
	c->backend = NULL;
}

static const berth_engine_ops engineapi_ops = {
	.name = "engine-api",
	.ping = api_ping,
	.version = api_version,
	.info = api_info,
	.container_create = api_create,
	.container_start = api_start,
	.container_stop = api_stop,
	.container_remove = api_remove,
	.container_inspect = api_inspect,
	.container_list = api_list,
	.logs_scan = api_logs_scan,
	.exec_probe = api_exec_probe,
	.container_restart = engineapi_restart,
	.container_kill = engineapi_kill,
	.container_pause = engineapi_pause,
	.container_unpause = engineapi_unpause,
	.container_rename = engineapi_rename,
	.container_update = engineapi_update,
	.container_wait = engineapi_wait,
	.container_prune = engineapi_prune,
	.container_stats = engineapi_stats,
	.container_stats_stream = engineapi_stats_stream,
	.container_top = engineapi_top,
	.container_diff = engineapi_diff,
	.container_stat_path = engineapi_stat_path,
	.container_get_archive = engineapi_get_archive,
	.container_put_archive = engineapi_put_archive,
	.events_watch = engineapi_events_watch,
	.clock_ns = engineapi_clock_ns,
	.exec_start = engineapi_exec_start,
	.exec_exit_code = engineapi_exec_exit_code,
	.container_attach = engineapi_attach_container,
	.close = api_close,
	.image_list = engineapi_image_list,
	.image_inspect = engineapi_image_inspect,
	.image_tag = engineapi_image_tag,
	.image_remove = engineapi_image_remove,
	.image_import = engineapi_image_import,
	.container_logs = engineapi_logs,
};

/* Podman's table: the common one plus health_run. Built once. */
static berth_engine_ops podman_table;
static pthread_once_t podman_table_once = PTHREAD_ONCE_INIT;

static void podman_table_init(void)
{
	podman_table = engineapi_ops;
	podman_table.health_run = podman_health_run;
}

static const berth_engine_ops *podman_ops(void)
{
	pthread_once(&podman_table_once, podman_table_init);
	return &podman_table;
}

int engineapi_attach(struct berth_client *c, engineapi_probe *probe, int tls_mode, const char *cert_dir,
		     const char *api_version, berth_error *err)
{
	engineapi_json_init();
	engineapi *api = calloc(1, sizeof *api);
	if (!api)
		return BERTH_NOMEM(err);
	int r = 0;
	if (probe && probe->transport) {
		/* Keep the connection discovery opened, with the client's timeouts. */
		api->t = probe->transport;
		probe->transport = NULL;
		api->t->connect_timeout_ms = c->connect_timeout_ms;
		api->t->timeout_ms = c->timeout_ms;
	} else {
		r = transport_new(&api->t, c->endpoint, tls_mode, cert_dir, c->connect_timeout_ms, c->timeout_ms, err);
	}
	if (r < 0) {
		free(api);
		return r;
	}
	engineapi_probe fresh;
	if (!probe) {
		r = probe_with(&fresh, api->t, err);
		if (r < 0)
			goto fail;
		probe = &fresh;
	}
	if (c->engine != BERTH_ENGINE_AUTO && c->engine != probe->engine) {
		r = berth_fail(err, BERTH_EUNAVAILABLE, "%s: is %s, not %s", c->endpoint,
			       berth_engine_name(probe->engine), berth_engine_name(c->engine));
		goto fail;
	}
	r = negotiate_api_version(c->api_version, probe->api_version, api_version, err);
	if (r < 0) {
		berth_error_prefix(err, "%s", c->endpoint);
		goto fail;
	}
	c->engine = probe->engine;
	snprintf(c->server_version, sizeof c->server_version, "%s", probe->server_version);
	for (size_t i = 0; i < ARRAY_SIZE(dialects); i++)
		if (dialects[i].engine == c->engine)
			api->d = &dialects[i];
	snprintf(api->prefix, sizeof api->prefix, "/v%s", c->api_version);
	c->backend = api;
	c->ops = api->d && api->d->ops ? api->d->ops() : &engineapi_ops;
	return 0;
fail:
	transport_free(api->t);
	free(api);
	return r;
}
