/* Engine discovery: build the ordered candidate list, probe each one, and
 * say why each was or was not taken. */
#include "detect.h"

#include "engines/engineapi/context.h"

#include <stdio.h>

const char *berth_verdict_name(berth_verdict v)
{
	static const char *const names[] = {
		[BERTH_VERDICT_OK] = "ok",
		[BERTH_VERDICT_MISSING] = "missing",
		[BERTH_VERDICT_PERMISSION] = "permission denied",
		[BERTH_VERDICT_NOT_ANSWERING] = "not answering",
		[BERTH_VERDICT_NOT_ENGINE] = "not an engine",
		[BERTH_VERDICT_TOO_OLD] = "too old",
		[BERTH_VERDICT_INVALID] = "invalid",
		[BERTH_VERDICT_WRONG_ENGINE] = "wrong engine",
		[BERTH_VERDICT_SKIPPED] = "not probed",
		[BERTH_VERDICT_UNSUPPORTED] = "unsupported",
	};
	return (unsigned)v < ARRAY_SIZE(names) && names[v] ? names[v] : "unknown";
}

void detection_release_candidate(candidate *c)
{
	engineapi_probe_release(&c->probe);
	free(c->source);
	free(c->uri);
	free(c->reason);
	free(c->cert_dir);
}

void berth_detection_free(berth_detection *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->len; i++)
		detection_release_candidate(&d->items[i]);
	free(d->items);
	free(d);
}

static int add_candidate(berth_detection *d, const char *source, const char *uri, berth_engine expected,
			 int tls_mode, const char *cert_dir)
{
	for (size_t i = 0; i < d->len; i++)
		if (STREQ(d->items[i].uri, uri))
			return 0; /* the same endpoint under an earlier source */
	if (d->len == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		candidate *p = realloc(d->items, cap * sizeof *p);
		if (!p)
			return -ENOMEM;
		d->items = p;
		d->cap = cap;
	}
	candidate *c = &d->items[d->len];
	memset(c, 0, sizeof *c);
	c->source = strdup(source);
	c->uri = strdup(uri);
	c->cert_dir = cert_dir ? strdup(cert_dir) : NULL;
	c->expected = expected;
	c->tls_mode = tls_mode;
	c->verdict = BERTH_VERDICT_SKIPPED;
	if (!c->source || !c->uri || (cert_dir && !c->cert_dir)) {
		detection_release_candidate(c);
		return -ENOMEM;
	}
	d->len++;
	return 0;
}

/* An address given as a bare path or unix:// URI; containerd's variable
 * takes a plain path. */
static int add_env(berth_detection *d, const char *var, berth_engine expected)
{
	const char *v = getenv(var);
	if (isempty(v))
		return 0;
	return add_candidate(d, var, v, expected, 0, NULL);
}

int detection_collect(berth_detection *d, const char *host, berth_engine wanted, berth_error *err)
{
	int r = 0;
	if (host)
		r = add_candidate(d, "option", host, wanted, 0, NULL);
	if (r == 0)
		r = add_env(d, "DOCKER_HOST", BERTH_ENGINE_DOCKER);
	if (r < 0)
		return BERTH_NOMEM(err);

	/* A context is consulted only when DOCKER_HOST is unset, as the Docker
	 * CLI does. A broken context is a candidate with its reason. */
	if (isempty(getenv("DOCKER_HOST"))) {
		_cleanup_sbuf_ sbuf cfg = SBUF_INIT;
		docker_context ctx;
		berth_error cerr = BERTH_ERROR_INIT;
		if (docker_config_dir(&cfg) < 0)
			return BERTH_NOMEM(err);
		int cr = docker_context_lookup(&ctx, cfg.data, &cerr);
		if (cr == BERTH_ENOMEM)
			return BERTH_NOMEM(err);
		if (cr < 0) {
			const char *name = getenv("DOCKER_CONTEXT");
			char src[128];
			snprintf(src, sizeof src, "context %s", isempty(name) ? "(config.json)" : name);
			if (add_candidate(d, src, "", BERTH_ENGINE_DOCKER, 0, NULL) < 0)
				return BERTH_NOMEM(err);
			candidate *c = &d->items[d->len - 1];
			c->verdict = BERTH_VERDICT_INVALID;
			c->reason = strdup(cerr.message);
			c->probed = true;
		} else if (ctx.name) {
			char src[300];
			snprintf(src, sizeof src, "context %s", ctx.name);
			r = add_candidate(d, src, ctx.host, BERTH_ENGINE_DOCKER,
					  startswith(ctx.host, "tcp://") && ctx.tls_dir ? (ctx.skip_tls_verify ? 0 : 1) : 0,
					  ctx.tls_dir);
			docker_context_release(&ctx);
			if (r < 0)
				return BERTH_NOMEM(err);
		}
	}

	if (add_env(d, "CONTAINER_HOST", BERTH_ENGINE_PODMAN) < 0 ||
	    add_env(d, "CONTAINERD_ADDRESS", BERTH_ENGINE_CONTAINERD) < 0)
		return BERTH_NOMEM(err);

	if (add_candidate(d, "default", "unix:///var/run/docker.sock", BERTH_ENGINE_DOCKER, 0, NULL) < 0)
		return BERTH_NOMEM(err);
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (!isempty(xdg)) {
		_cleanup_sbuf_ sbuf p = SBUF_INIT;
		if (sbuf_printf(&p, "unix://%s/podman/podman.sock", xdg) < 0 ||
		    add_candidate(d, "default (rootless)", p.data, BERTH_ENGINE_PODMAN, 0, NULL) < 0)
			return BERTH_NOMEM(err);
	}
	if (add_candidate(d, "default", "unix:///run/podman/podman.sock", BERTH_ENGINE_PODMAN, 0, NULL) < 0 ||
	    add_candidate(d, "default", "unix:///run/containerd/containerd.sock", BERTH_ENGINE_CONTAINERD, 0, NULL) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

static berth_verdict verdict_of(int code, const berth_error *e)
{
	switch (code) {
	case BERTH_ENOTFOUND: return BERTH_VERDICT_MISSING;
	case BERTH_EPERM: return BERTH_VERDICT_PERMISSION;
	case BERTH_EINVAL: return BERTH_VERDICT_INVALID;
	case BERTH_EPROTOCOL: return BERTH_VERDICT_NOT_ENGINE;
	case BERTH_EUNSUPPORTED:
		return strstr(e->message, "older than") ? BERTH_VERDICT_TOO_OLD : BERTH_VERDICT_UNSUPPORTED;
	default: return BERTH_VERDICT_NOT_ANSWERING;
	}
}

static bool containerd_address(const candidate *c)
{
	return c->expected == BERTH_ENGINE_CONTAINERD;
}

/* "/run/x.sock" -> "unix:///run/x.sock" for containerd's plain paths. */
static const char *as_uri(const char *addr, char *buf, size_t size)
{
	if (addr[0] == '/') {
		snprintf(buf, size, "unix://%s", addr);
		return buf;
	}
	return addr;
}

void detection_probe(candidate *c, berth_engine wanted, int timeout_ms)
{
	berth_error e = BERTH_ERROR_INIT;
	char buf[512];
	int r;
	c->probed = true;
	bool grpc = containerd_address(c);
	if (!grpc) {
		engineapi_probe p;
		r = engineapi_probe_endpoint(&p, c->uri, c->tls_mode, c->cert_dir, timeout_ms, &e);
		if (r == 0) {
			c->engine = p.engine;
			c->probe = p;
			snprintf(c->server_version, sizeof c->server_version, "%s", p.server_version);
			r = negotiate_api_version(c->api_version, p.api_version, NULL, &e);
		} else if (r == BERTH_EPROTOCOL && startswith(as_uri(c->uri, buf, sizeof buf), "unix://")) {
			grpc = true; /* maybe containerd under a Docker-ish name */
		}
	}
	if (grpc) {
		char version[64] = "";
		berth_error ge = BERTH_ERROR_INIT;
		int gr = containerd_probe_endpoint(version, sizeof version, as_uri(c->uri, buf, sizeof buf), timeout_ms, &ge);
		if (gr == 0) {
			c->engine = BERTH_ENGINE_CONTAINERD;
			snprintf(c->server_version, sizeof c->server_version, "%s", version);
			snprintf(c->api_version, sizeof c->api_version, "v1");
			r = 0;
		} else if (containerd_address(c)) {
			r = gr;
			e = ge;
		}
	}
	if (r == 0 && wanted != BERTH_ENGINE_AUTO && c->engine != wanted) {
		r = berth_fail(&e, BERTH_EUNAVAILABLE, "is %s %s, not %s", berth_engine_name(c->engine),
			       c->server_version, berth_engine_name(wanted));
		c->verdict = BERTH_VERDICT_WRONG_ENGINE;
		c->reason = strdup(e.message);
		return;
	}
	if (r == 0) {
		c->verdict = BERTH_VERDICT_OK;
		snprintf(buf, sizeof buf, "%s %s, API %s", berth_engine_name(c->engine), c->server_version,
			 c->api_version);
		c->reason = strdup(buf);
		return;
	}
	c->verdict = verdict_of(r, &e);
	if (r == BERTH_EUNSUPPORTED && c->engine == BERTH_ENGINE_CONTAINERD && wanted != BERTH_ENGINE_AUTO &&
	    wanted != BERTH_ENGINE_CONTAINERD)
		c->verdict = BERTH_VERDICT_WRONG_ENGINE;
	c->reason = strdup(e.message);
}

/* A candidate the user configured (option, environment, context) is
 * authoritative: when it fails, berth does not quietly fall back to a
 * default socket. Only "another engine than the one asked for" and "an
 * engine this build cannot drive yet" let later candidates be chosen. */
static bool blocks_fallback(const candidate *c)
{
	return !startswith(c->source, "default") && c->verdict != BERTH_VERDICT_OK &&
	       c->verdict != BERTH_VERDICT_WRONG_ENGINE && c->verdict != BERTH_VERDICT_UNSUPPORTED;
}

/* With a wanted engine, default sockets expected to be that engine are
 * tried before the others (configured endpoints keep their precedence). */
static void order_for(berth_detection *d, berth_engine wanted)
{
	if (wanted == BERTH_ENGINE_AUTO)
		return;
	size_t first_default = 0;
	while (first_default < d->len && !startswith(d->items[first_default].source, "default"))
		first_default++;
	/* a stable partition of the defaults: wanted ones first */
	for (size_t i = first_default, next = first_default; i < d->len; i++) {
		if (d->items[i].expected != wanted)
			continue;
		candidate c = d->items[i];
		memmove(&d->items[next + 1], &d->items[next], (i - next) * sizeof c);
		d->items[next++] = c;
	}
}

int detection_run(berth_detection *d, berth_engine wanted, int timeout_ms, bool probe_all)
{
	d->chosen = -1;
	order_for(d, wanted);
	bool blocked = false;
	for (size_t i = 0; i < d->len; i++) {
		candidate *c = &d->items[i];
		if ((d->chosen >= 0 || blocked) && !probe_all)
			break;
		if (!c->probed)
			detection_probe(c, wanted, timeout_ms);
		if (c->verdict == BERTH_VERDICT_OK && d->chosen < 0 && !blocked)
			d->chosen = (int)i;
		if (d->chosen < 0 && blocks_fallback(c))
			blocked = true;
	}
	return d->chosen;
}

int berth_detect(berth_detection **out, const berth_detect_options *opts, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	CHECK_OPTS(opts, BERTH_DETECT_OPTIONS_VERSION, err);
	berth_detect_options o = BERTH_DETECT_OPTIONS_INIT;
	if (opts)
		o = *opts;
	if ((unsigned)o.engine > BERTH_ENGINE_CONTAINERD)
		return berth_fail(err, BERTH_EINVAL, "berth_detect: unknown engine %d", (int)o.engine);
	berth_detection *d = calloc(1, sizeof *d);
	if (!d)
		return BERTH_NOMEM(err);
	int r = detection_collect(d, o.host, o.engine, err);
	if (r < 0) {
		berth_detection_free(d);
		return r;
	}
	detection_run(d, o.engine, o.timeout_ms > 0 ? o.timeout_ms : 1000, o.probe_all);
	*out = d;
	return 0;
}

static const candidate *at(const berth_detection *d, size_t i) { return d && i < d->len ? &d->items[i] : NULL; }

size_t berth_detection_count(const berth_detection *d) { return d ? d->len : 0; }
int berth_detection_chosen(const berth_detection *d) { return d ? d->chosen : -1; }
const char *berth_detection_source(const berth_detection *d, size_t i) { return at(d, i) ? at(d, i)->source : NULL; }
const char *berth_detection_endpoint(const berth_detection *d, size_t i) { return at(d, i) ? at(d, i)->uri : NULL; }
berth_engine berth_detection_expected(const berth_detection *d, size_t i) { return at(d, i) ? at(d, i)->expected : BERTH_ENGINE_AUTO; }
berth_engine berth_detection_engine(const berth_detection *d, size_t i) { return at(d, i) ? at(d, i)->engine : BERTH_ENGINE_AUTO; }
berth_verdict berth_detection_verdict(const berth_detection *d, size_t i) { return at(d, i) ? at(d, i)->verdict : BERTH_VERDICT_SKIPPED; }
const char *berth_detection_reason(const berth_detection *d, size_t i) { return at(d, i) ? strempty(at(d, i)->reason) : NULL; }
const char *berth_detection_server_version(const berth_detection *d, size_t i) { return at(d, i) ? at(d, i)->server_version : NULL; }
const char *berth_detection_api_version(const berth_detection *d, size_t i) { return at(d, i) ? at(d, i)->api_version : NULL; }
