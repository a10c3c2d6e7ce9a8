/* berth_client: open (explicit endpoint or discovery), ping, version, info. */
#include "lib/api/detect.h"

#include <stdio.h>
#include <strings.h>

int engine_unsupported(const struct berth_client *c, const char *op, berth_error *err)
{
	return berth_fail(err, BERTH_EUNSUPPORTED, "%s: %s cannot do %s", c->endpoint,
			  berth_engine_name(c->engine), op);
}

/* Summarise why discovery found nothing: the most telling code, and each
 * candidate's reason, as far as the message has room. */
static int no_engine_error(const berth_detection *d, berth_engine wanted, berth_error *err)
{
	int code = BERTH_EUNAVAILABLE;
	char msg[BERTH_ERROR_MESSAGE_MAX];
	size_t n = (size_t)snprintf(msg, sizeof msg, "no %s engine found",
				    wanted == BERTH_ENGINE_AUTO ? "usable" : berth_engine_name(wanted));
	for (size_t i = 0; i < d->len && n < sizeof msg; i++) {
		const candidate *c = &d->items[i];
		if (c->verdict == BERTH_VERDICT_PERMISSION)
			code = BERTH_EPERM;
		if (c->verdict == BERTH_VERDICT_INVALID && code == BERTH_EUNAVAILABLE)
			code = BERTH_EINVAL;
		if (c->verdict == BERTH_VERDICT_UNSUPPORTED && code != BERTH_EPERM)
			code = BERTH_EUNSUPPORTED;
		if (!c->probed)
			continue;
		n += (size_t)snprintf(msg + n, sizeof msg - n, "%s %s (%s): %s", n > 30 ? ";" : ":",
				      c->uri[0] ? c->uri : "-", c->source, strempty(c->reason));
	}
	return berth_fail(err, code, "%s", msg);
}

static int client_connect(berth_client *c, const berth_client_options *o, berth_error *err)
{
	engine_attach_args args = { o->tls_verify, o->cert_path, o->api_version };
	if (o->host) {
		c->endpoint = strdup(o->host);
		c->source = strdup("option");
		if (!c->endpoint || !c->source)
			return BERTH_NOMEM(err);
		return berth_backend_for(o->engine)->attach(c, NULL, &args, err);
	}

	berth_detection d = { 0 };
	int r = detection_collect(&d, NULL, o->engine, err);
	int timeout = o->connect_timeout_ms > 0 && o->connect_timeout_ms < 2000 ? o->connect_timeout_ms : 2000;
	int chosen = r < 0 ? -1 : detection_run(&d, o->engine, timeout, false);
	if (r == 0 && chosen < 0)
		r = no_engine_error(&d, o->engine, err);
	if (r == 0) {
		candidate *k = &d.items[chosen];
		c->endpoint = strdup(k->uri);
		c->source = strdup(k->source);
		if (k->tls_mode)
			args.tls_mode = k->tls_mode;
		if (k->cert_dir)
			args.cert_dir = k->cert_dir;
		r = !c->endpoint || !c->source ? BERTH_NOMEM(err) : k->backend->attach(c, &k->probe, &args, err);
	}
	for (size_t i = 0; i < d.len; i++)
		detection_release_candidate(&d.items[i]);
	free(d.items);
	return r;
}

int berth_client_open(berth_client **out, const berth_client_options *opts, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	CHECK_OPTS(opts, BERTH_CLIENT_OPTIONS_VERSION, err);
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	if (opts)
		o = *opts;
	if ((unsigned)o.engine > BERTH_ENGINE_CONTAINERD)
		return berth_fail(err, BERTH_EINVAL, "berth_client_open: unknown engine %d", (int)o.engine);
	if (o.host && !*o.host)
		return berth_fail(err, BERTH_EINVAL, "berth_client_open: empty host");
	if (o.timeout_ms < 0 || o.connect_timeout_ms < 0)
		return berth_fail(err, BERTH_EINVAL, "berth_client_open: negative timeout");
	if (o.owner && (!*o.owner || strlen(o.owner) > 128))
		return berth_fail(err, BERTH_EINVAL, "berth_client_open: owner must be 1 to 128 bytes");

	berth_client *c = calloc(1, sizeof *c);
	if (!c)
		return BERTH_NOMEM(err);
	c->engine = o.engine;
	c->timeout_ms = o.timeout_ms ? o.timeout_ms : 60000;
	c->connect_timeout_ms = o.connect_timeout_ms ? o.connect_timeout_ms : 5000;
	c->log = o.log;
	c->log_payload = o.log_payload;
	const char *ns = o.containerd_namespace ? o.containerd_namespace : getenv("CONTAINERD_NAMESPACE");
	c->ns = strdup(isempty(ns) ? "default" : ns);
	c->owner = o.owner ? strdup(o.owner) : NULL;
	int r = (!c->ns || (o.owner && !c->owner)) ? BERTH_NOMEM(err) : client_connect(c, &o, err);
	if (r < 0) {
		berth_client_free(c);
		return r;
	}
	berth_log(c, BERTH_LOG_DEBUG, "using %s %s at %s (from %s), API %s", berth_engine_name(c->engine),
		  c->server_version, c->endpoint, c->source, c->api_version);
	*out = c;
	return 0;
}

void berth_client_free(berth_client *c)
{
	if (!c)
		return;
	if (c->ops && c->ops->close)
		c->ops->close(c);
	free(c->endpoint);
	free(c->source);
	free(c->owner);
	free(c->ns);
	free(c);
}

berth_engine berth_client_engine(const berth_client *c) { return c ? c->engine : BERTH_ENGINE_AUTO; }
const char *berth_client_endpoint(const berth_client *c) { return c ? c->endpoint : NULL; }
const char *berth_client_api_version(const berth_client *c) { return c ? c->api_version : NULL; }
const char *berth_client_source(const berth_client *c) { return c ? c->source : NULL; }

int berth_ping(berth_client *c, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	return ENGINE_CALL(c, ping, err, c, err);
}

int berth_version_get(berth_version **out, berth_client *c, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	return ENGINE_CALL(c, version, err, out, c, err);
}

int berth_info_get(berth_info **out, berth_client *c, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	return ENGINE_CALL(c, info, err, out, c, err);
}
