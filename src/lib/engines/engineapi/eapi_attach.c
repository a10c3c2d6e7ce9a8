/* The Engine API backend (Docker, and Podman through its Docker-compatible
 * endpoints) taking over a client: the connection, the engine's identity,
 * the API version, the dialect and the operations table. */
#include "engineapi.h"

#include <stdio.h>

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
		r = eapi_probe_transport(&fresh, api->t, err);
		if (r < 0)
			goto fail;
		probe = &fresh;
	}
	if (c->engine != BERTH_ENGINE_AUTO && c->engine != probe->engine) {
		r = berth_fail(err, BERTH_EUNAVAILABLE, "%s: is %s, not %s", c->endpoint,
			       berth_engine_name(probe->engine), berth_engine_name(c->engine));
		goto fail;
	}
	r = engineapi_negotiate_api_version(c->api_version, probe->api_version, api_version, err);
	if (r < 0) {
		berth_error_prefix(err, "%s", c->endpoint);
		goto fail;
	}
	c->engine = probe->engine;
	snprintf(c->server_version, sizeof c->server_version, "%s", probe->server_version);
	api->d = eapi_dialect_for(c->engine);
	snprintf(api->prefix, sizeof api->prefix, "/v%s", c->api_version);
	c->backend = api;
	c->ops = eapi_ops_for(api->d);
	return 0;
fail:
	transport_free(api->t);
	free(api);
	return r;
}
