/* Engine discovery: build the ordered candidate list, probe each one, and
 * say why each was or was not taken. */
#include "lib/api/detect.h"

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
	if (c->backend)
		c->backend->probe_release(&c->probe);
	c->backend = NULL;
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

static int sink_add(void *payload, const char *source, const char *uri, berth_engine expected, int tls_mode,
		    const char *cert_dir)
{
	return add_candidate(payload, source, uri, expected, tls_mode, cert_dir);
}

static int sink_add_invalid(void *payload, const char *source, berth_engine expected, const char *reason)
{
	berth_detection *d = payload;
	if (add_candidate(d, source, "", expected, 0, NULL) < 0)
		return -ENOMEM;
	candidate *c = &d->items[d->len - 1];
	c->verdict = BERTH_VERDICT_INVALID;
	c->reason = strdup(reason);
	c->probed = true;
	return c->reason ? 0 : -ENOMEM;
}

/* berth's order: the caller's host, then what every backend finds
 * configured (environment, config files), then every backend's default
 * sockets. */
int detection_collect(berth_detection *d, const char *host, berth_engine wanted, berth_error *err)
{
	if (host && add_candidate(d, "option", host, wanted, 0, NULL) < 0)
		return BERTH_NOMEM(err);
	const engine_candidate_sink sink = { sink_add, sink_add_invalid, d };
	for (int pass = 0; pass < 2; pass++)
		for (const berth_backend *const *b = berth_backends; *b; b++) {
			int r = (*b)->candidates(&sink, pass == 0, err);
			if (r < 0)
				return r;
		}
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

static bool unix_address(const char *uri)
{
	return uri[0] == '/' || startswith(uri, "unix://");
}

/* Probe with the backend that drives the engine the candidate is
 * expected to be. An endpoint that does not speak that backend's protocol
 * (BERTH_EPROTOCOL) and is a unix socket is tried with the backends after
 * it in the list (containerd's socket under a Docker-ish name); the first
 * backend's error stands when none answers. */
/* An ssh endpoint's first ping starts ssh, shakes hands with the server
 * and runs a command there: discovery's short probe would be unfair. */
#define SSH_PROBE_MIN_MS 10000

void detection_probe(candidate *c, berth_engine wanted, int timeout_ms)
{
	berth_error e = BERTH_ERROR_INIT;
	if (startswith(c->uri, "ssh://") && timeout_ms < SSH_PROBE_MIN_MS)
		timeout_ms = SSH_PROBE_MIN_MS;
	char buf[512];
	c->probed = true;
	const berth_backend *const *b = berth_backends;
	const berth_backend *first = berth_backend_for(c->expected);
	while (*b && *b != first)
		b++;
	int r = BERTH_EUNAVAILABLE;
	for (bool tried = false; *b; b++) {
		berth_error be = BERTH_ERROR_INIT;
		int br = (*b)->probe(&c->probe, c->uri, c->tls_mode, c->cert_dir, timeout_ms, &be);
		if (!tried || br == 0) {
			r = br;
			e = be;
		}
		if (br == 0)
			c->backend = *b;
		if (br != BERTH_EPROTOCOL || !unix_address(c->uri))
			break;
		tried = true;
	}
	c->engine = r == 0 || c->probe.engine ? c->probe.engine : BERTH_ENGINE_AUTO;
	if (r == 0) {
		snprintf(c->server_version, sizeof c->server_version, "%s", c->probe.server_version);
		snprintf(c->api_version, sizeof c->api_version, "%s", c->probe.api_version);
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
