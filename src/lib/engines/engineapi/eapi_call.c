/* The bottom of the Engine API backend: one request to the engine and the
 * mapping of its error replies. Every operation goes through eapi_do_call
 * or eapi_stream_call; the rest are small helpers over them (paths,
 * container requests, filters, stop deadlines). Below it: the transport,
 * the pure reply parsers and util. */
#include "engineapi.h"
#include "eapi_parse.h"

#include <stdio.h>

#define MAX_REPLY (64u * 1024 * 1024)   /* a buffered JSON reply */
#define STOP_MARGIN_MS 30000            /* the engine's own time beyond the grace */

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
		.extra_header = k->extra_header,
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

/* The caller's sink, its malformed-reply errors named by endpoint as the
 * buffered parsers' are (eapi_with_endpoint). */
typedef struct named_sink {
	const struct berth_client *c;
	http_sink sink;
	void *payload;
} named_sink;

static int sink_named(void *payload, const char *data, size_t len, berth_error *err)
{
	named_sink *n = payload;
	return eapi_with_endpoint(n->c, n->sink(n->payload, data, len, err), err);
}

int eapi_do_call_sink(struct berth_client *c, const call *k, http_sink sink, void *payload, const char *what,
		      berth_error *err)
{
	_cleanup_prepared_ prepared p = { .target = SBUF_INIT };
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	named_sink n = { c, sink, payload };
	int r = prepare(&p, c, k, err);
	if (r == 0)
		r = http_do_sink(api_of(c)->t, &p.req, &resp, MAX_REPLY, sink_named, &n, err);
	if (r < 0)
		return r;
	return status_ok(resp.status, NULL) ? 0 : status_error(api_of(c)->d, &resp, what, err);
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

int eapi_object_path(sbuf *path, const char *kind, const char *id, const char *rest, berth_error *err)
{
	if (sbuf_adds(path, kind) < 0 || sbuf_add_urlenc(path, id) < 0 || sbuf_adds(path, rest) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

/* A call on /containers/{id}{rest}: the encoded path, the message context
 * ("start web") and the request in one place. rest may carry a query. */
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

int eapi_container_post(struct berth_client *c, const char *id, const char *rest, int timeout_ms,
			const int *ok_statuses, const char *verb, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	return eapi_container_call(c, "POST", id, rest, timeout_ms, ok_statuses, verb, what, &resp, err);
}

const int eapi_ok_already[] = { 304, 0 };

int eapi_with_endpoint(const struct berth_client *c, int r, berth_error *err)
{
	if (r == BERTH_EPROTOCOL)
		berth_error_prefix(err, "%s", c->endpoint);
	return r;
}

/* The stop timeout a container carries in its config (engine default 10). */
static int container_stop_timeout(struct berth_client *c, const char *id, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	int r = eapi_container_call(c, "GET", id, "/json", 0, NULL, "stop", what, &resp, err);
	return r < 0 ? r
		     : eapi_with_endpoint(c, engineapi_parse_stop_timeout(resp.body.data, resp.body.len, what, err), err);
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
