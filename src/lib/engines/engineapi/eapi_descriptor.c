/* The Engine API backend's descriptor: where Docker and Podman are looked
 * for (DOCKER_HOST, the Docker CLI's current context, CONTAINER_HOST, the
 * default sockets), how an endpoint is probed (GET /_ping, the API version
 * negotiated) and how a client is attached. */
#include "engineapi.h"
#include "eapi_context.h"

#include <stdio.h>

static int add_env(const engine_candidate_sink *s, const char *var, berth_engine expected)
{
	const char *v = getenv(var);
	return isempty(v) ? 0 : s->add(s->payload, var, v, expected, 0, NULL);
}

/* The Docker CLI consults its current context only when DOCKER_HOST is
 * unset; a context that cannot be read is listed with its reason. */
static int add_docker_context(const engine_candidate_sink *s, berth_error *err)
{
	_cleanup_sbuf_ sbuf cfg = SBUF_INIT;
	eapi_docker_context ctx;
	berth_error cerr = BERTH_ERROR_INIT;
	if (eapi_docker_config_dir(&cfg) < 0)
		return BERTH_NOMEM(err);
	int r = eapi_docker_context_lookup(&ctx, cfg.data, &cerr);
	if (r == BERTH_ENOMEM)
		return BERTH_NOMEM(err);
	if (r < 0) {
		const char *name = getenv("DOCKER_CONTEXT");
		char src[128];
		snprintf(src, sizeof src, "context %s", isempty(name) ? "(config.json)" : name);
		return s->add_invalid(s->payload, src, BERTH_ENGINE_DOCKER, cerr.message) < 0 ? BERTH_NOMEM(err) : 0;
	}
	if (!ctx.name)
		return 0;
	char src[300];
	snprintf(src, sizeof src, "context %s", ctx.name);
	int tls = startswith(ctx.host, "tcp://") && ctx.tls_dir ? (ctx.skip_tls_verify ? 0 : 1) : 0;
	r = s->add(s->payload, src, ctx.host, BERTH_ENGINE_DOCKER, tls, ctx.tls_dir);
	eapi_docker_context_release(&ctx);
	return r < 0 ? BERTH_NOMEM(err) : 0;
}

static int eapi_candidates(const engine_candidate_sink *s, bool configured, berth_error *err)
{
	if (configured) {
		if (add_env(s, "DOCKER_HOST", BERTH_ENGINE_DOCKER) < 0)
			return BERTH_NOMEM(err);
		if (isempty(getenv("DOCKER_HOST"))) {
			int r = add_docker_context(s, err);
			if (r < 0)
				return r;
		}
		return add_env(s, "CONTAINER_HOST", BERTH_ENGINE_PODMAN) < 0 ? BERTH_NOMEM(err) : 0;
	}
	if (s->add(s->payload, "default", "unix:///var/run/docker.sock", BERTH_ENGINE_DOCKER, 0, NULL) < 0)
		return BERTH_NOMEM(err);
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (!isempty(xdg)) {
		_cleanup_sbuf_ sbuf p = SBUF_INIT;
		if (sbuf_printf(&p, "unix://%s/podman/podman.sock", xdg) < 0 ||
		    s->add(s->payload, "default (rootless)", p.data, BERTH_ENGINE_PODMAN, 0, NULL) < 0)
			return BERTH_NOMEM(err);
	}
	if (s->add(s->payload, "default", "unix:///run/podman/podman.sock", BERTH_ENGINE_PODMAN, 0, NULL) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

static void eapi_probe_release(engine_probe *p)
{
	engineapi_probe *ep = p->state;
	if (ep) {
		engineapi_probe_release(ep);
		free(ep);
	}
	p->state = NULL;
}

static int eapi_probe(engine_probe *out, const char *uri, int tls_mode, const char *cert_dir, int timeout_ms,
		      berth_error *err)
{
	memset(out, 0, sizeof *out);
	engineapi_probe *ep = calloc(1, sizeof *ep);
	if (!ep)
		return BERTH_NOMEM(err);
	int r = engineapi_probe_endpoint(ep, uri, tls_mode, cert_dir, timeout_ms, err);
	if (r < 0) {
		free(ep);
		return r;
	}
	out->state = ep;
	out->engine = ep->engine;
	snprintf(out->server_version, sizeof out->server_version, "%s", ep->server_version);
	/* out->engine stays known when its API is too old for berth */
	r = engineapi_negotiate_api_version(out->api_version, ep->api_version, NULL, err);
	if (r < 0)
		eapi_probe_release(out);
	return r;
}

static int eapi_attach(struct berth_client *c, engine_probe *probe, const engine_attach_args *a, berth_error *err)
{
	return engineapi_attach(c, probe ? probe->state : NULL, a->tls_mode, a->cert_dir, a->api_version, err);
}

const berth_backend engineapi_backend = {
	.name = "engine-api",
	.engines = 1u << BERTH_ENGINE_DOCKER | 1u << BERTH_ENGINE_PODMAN,
	.candidates = eapi_candidates,
	.probe = eapi_probe,
	.probe_release = eapi_probe_release,
	.attach = eapi_attach,
};
