/* Which engine answers at an endpoint, and which API version to speak with
 * it: GET /_ping (also the ping operation) and the version negotiation.
 * Talks to the transport only. */
#include "engineapi.h"

#include <stdio.h>
#include <strings.h>

int engineapi_negotiate_api_version(char out[16], const char *engine_max, const char *requested, berth_error *err)
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

int eapi_probe_transport(engineapi_probe *out, transport *t, berth_error *err)
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
	r = eapi_probe_transport(out, t, err);
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

int engineapi_ping(struct berth_client *c, berth_error *err)
{
	engineapi_probe p;
	return eapi_probe_transport(&p, api_of(c)->t, err);
}
