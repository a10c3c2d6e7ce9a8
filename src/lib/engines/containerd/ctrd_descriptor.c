/* The containerd backend's descriptor: where containerd is looked for
 * (CONTAINERD_ADDRESS, the default socket), how an endpoint is recognised
 * (one gRPC call over h2c) and how a client is attached. */
#include "ctrd_containerd.h"
#include "ctrd_probe.h"

#include <stdio.h>

static int ctrd_candidates(const engine_candidate_sink *s, bool configured, berth_error *err)
{
	if (configured) {
		const char *v = getenv("CONTAINERD_ADDRESS");
		if (!isempty(v) && s->add(s->payload, "CONTAINERD_ADDRESS", v, BERTH_ENGINE_CONTAINERD, 0, NULL) < 0)
			return BERTH_NOMEM(err);
		return 0;
	}
	if (s->add(s->payload, "default", "unix:///run/containerd/containerd.sock", BERTH_ENGINE_CONTAINERD, 0,
		   NULL) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

static int ctrd_probe(engine_probe *out, const char *uri, int tls_mode, const char *cert_dir, int timeout_ms,
		      berth_error *err)
{
	(void)tls_mode;
	(void)cert_dir;
	memset(out, 0, sizeof *out);
	/* containerd's variable takes a plain path */
	char buf[512];
	if (uri[0] == '/') {
		snprintf(buf, sizeof buf, "unix://%s", uri);
		uri = buf;
	}
	int r = containerd_probe_endpoint(out->server_version, sizeof out->server_version, uri, timeout_ms, err);
	if (r < 0)
		return r;
	out->engine = BERTH_ENGINE_CONTAINERD;
	snprintf(out->api_version, sizeof out->api_version, "v1");
	return 0;
}

static void ctrd_probe_release(engine_probe *p)
{
	p->state = NULL;
}

static int ctrd_attach(struct berth_client *c, engine_probe *probe, const engine_attach_args *a, berth_error *err)
{
	(void)a;
	return containerd_attach(c, probe ? probe->server_version : NULL, err);
}

const berth_backend containerd_backend = {
	.name = "containerd",
	.engines = 1u << BERTH_ENGINE_CONTAINERD,
	.candidates = ctrd_candidates,
	.probe = ctrd_probe,
	.probe_release = ctrd_probe_release,
	.attach = ctrd_attach,
};
