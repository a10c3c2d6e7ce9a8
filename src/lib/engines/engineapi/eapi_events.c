/* Engine API events: GET /events as the source of a gap-free watch
 * (watch.c keeps the reconnect, de-duplication and made-up events). Docker
 * and Podman keep an event log, so a resubscription replays from where the
 * watch asks; dockerd keeps it in memory only, so after a restart the core
 * makes up what it lost from the state of the containers it followed. */
#include "engineapi.h"
#include "eapi_events_parse.h"
#include "eapi_parse.h"

#include "lib/kit/watch.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#define LINE_MAX_BYTES (1u << 20)       /* one event line; more is a protocol error */

typedef struct api_events {
	struct berth_client *c;       /* borrowed: the stream lives shorter than its client */
	const events_dialect *d;
	events_query q;               /* the filters and since/until (borrowed from the watch's copy) */
	http_stream *hs;
	http_response head;           /* hs parses into it while it lives */
	const char *in;               /* body bytes not yet split into lines */
	size_t in_len;
	sbuf line;                    /* the line being assembled / handed out */
	bool line_out;                /* line was handed out: reset on the next call */
	bool ended;                   /* the body ended after a last line without its newline */
} api_events;

static int add_time(sbuf *path, const char *key, int64_t ns)
{
	return sbuf_printf(path, "&%s=%" PRId64 ".%09" PRId64, key, (int64_t)(ns / 1000000000LL),
			   (int64_t)(ns % 1000000000LL));
}

static void src_disconnect(void *impl)
{
	api_events *s = impl;
	http_stream_close(s->hs);
	s->hs = NULL;
	s->in = NULL;
	s->in_len = 0;
	sbuf_reset(&s->line);
	s->line_out = false;
	s->ended = false;
}

static int src_subscribe(void *impl, bool first, int64_t since, int timeout_ms, berth_error *err)
{
	api_events *s = impl;
	_cleanup_json_ json_t *filters = json_object();
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	const events_query *q = &s->q;
	_cleanup_strv_ strv actions = STRV_INIT;
	for (size_t i = 0; i < q->actions.len; i++)
		if (strv_push(&actions, eapi_events_filter_word(s->d, q->actions.items[i])) < 0)
			return BERTH_NOMEM(err);
	if (!filters || sbuf_adds(&path, "/events?") < 0 ||
	    eapi_filter_add(filters, "container", (const char *const *)q->containers.items, q->containers.len) < 0 ||
	    eapi_filter_add(filters, "label", (const char *const *)q->labels.items, q->labels.len) < 0 ||
	    eapi_filter_add(filters, "type", (const char *const *)q->types.items, q->types.len) < 0 ||
	    eapi_filter_add(filters, "event", (const char *const *)actions.items, actions.len) < 0)
		return BERTH_NOMEM(err);
	if (since && add_time(&path, "since", since) < 0)
		return BERTH_NOMEM(err);
	if (q->until_ns) {
		int64_t until = q->until_ns;
		int64_t soon = wall_ns() + 1000000000LL;
		if (s->d->until_past_sends_nothing && until < soon)
			until = soon;   /* later events are dropped by the watch */
		if (add_time(&path, "until", until) < 0)
			return BERTH_NOMEM(err);
	}
	if (eapi_query_add_filters(&path, '&', filters) < 0)
		return BERTH_NOMEM(err);
	src_disconnect(s);
	http_response_release(&s->head);
	s->head = (http_response)HTTP_RESPONSE_INIT;
	/* the first subscription has the client's deadline (0); a reconnect
	 * attempt what is left of the caller's wait */
	call k = { "GET", path.data, NULL, first ? 0 : timeout_ms, false };
	return eapi_stream_call(&s->hs, s->c, &k, &s->head, "events", err);
}

/* Parse the complete line: 1 = *ev, 0 = an empty line. */
static int take_line(api_events *s, berth_event **ev, const char **data, size_t *len, berth_error *err)
{
	const char *p = s->line.data;
	size_t n = s->line.len;
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' '))
		n--;
	if (n == 0) {
		sbuf_reset(&s->line);
		return 0;
	}
	int r = engineapi_parse_event(ev, p, n, s->d, err);
	if (r < 0) {
		berth_error_prefix(err, "%s", s->c->endpoint);
		return r;
	}
	s->line_out = true;
	*data = p;
	*len = n;
	return 1;
}

static int src_next(void *impl, berth_event **ev, const char **data, size_t *len, int timeout_ms, bool *fatal,
		    berth_error *err)
{
	api_events *s = impl;
	if (s->line_out) {
		sbuf_reset(&s->line);
		s->line_out = false;
	}
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (;;) {
		if (s->in_len) {
			const char *nl = memchr(s->in, '\n', s->in_len);
			size_t n = nl ? (size_t)(nl - s->in) + 1 : s->in_len;
			if (s->line.len + n > LINE_MAX_BYTES) {
				*fatal = true;
				return berth_fail(err, BERTH_EPROTOCOL, "%s: an event line longer than %u bytes",
						  s->c->endpoint, LINE_MAX_BYTES);
			}
			if (sbuf_add(&s->line, s->in, n) < 0) {
				*fatal = true;
				return BERTH_NOMEM(err);
			}
			s->in += n;
			s->in_len -= n;
			if (!nl)
				continue;
			int r = take_line(s, ev, data, len, err);
			*fatal = r < 0;
			if (r != 0)
				return r < 0 ? r : 0;
			continue;
		}
		if (s->ended)
			return BERTH_ITEROVER;
		int r = http_stream_read(s->hs, &s->in, &s->in_len, remaining_ms(deadline), err);
		if (r == 0)
			continue;
		if (r == BERTH_ITEROVER && s->q.until_ns && s->line.len) {
			/* the body ended at `until` after a last line without its newline */
			s->ended = true;
			r = take_line(s, ev, data, len, err);
			if (r != 0) {
				*fatal = r < 0;
				return r < 0 ? r : 0;
			}
			return BERTH_ITEROVER;
		}
		return r;
	}
}

static int src_fd(const void *impl)
{
	const api_events *s = impl;
	return s->hs ? http_stream_fd(s->hs) : -1;
}

static int src_inspect(berth_container_info **out, void *impl, const char *id, int timeout_ms, berth_error *err)
{
	api_events *s = impl;
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	int r = eapi_container_call(s->c, "GET", id, "/json", timeout_ms, NULL, "inspect", what, &resp, err);
	if (r < 0)
		return r;
	return engineapi_parse_inspect(out, resp.body.data, resp.body.len, what, err);
}

/* A made-up event carries the name, as the engine's own do. */
static int src_decorate(void *impl, berth_event *ev, const berth_container_info *info)
{
	(void)impl;
	(void)info;
	return ev->name[0] ? event_add_attribute(ev, "name", ev->name) : 0;
}

static void src_free(void *impl)
{
	api_events *s = impl;
	if (!s)
		return;
	http_stream_close(s->hs);
	http_response_release(&s->head);
	sbuf_release(&s->line);
	events_query_release(&s->q);
	free(s);
}

static const watch_source_ops api_source = {
	.subscribe = src_subscribe,
	.next = src_next,
	.fd = src_fd,
	.disconnect = src_disconnect,
	.inspect = src_inspect,
	.decorate = src_decorate,
	.free = src_free,
	.died_action = "die",
	.destroyed_action = "destroy",
	.replays = true,
};

int engineapi_events_watch(berth_stream **out, struct berth_client *c, const events_query *q, berth_error *err)
{
	engineapi_json_init();
	api_events *s = calloc(1, sizeof *s);
	if (!s)
		return BERTH_NOMEM(err);
	s->c = c;
	s->d = api_of(c)->d && api_of(c)->d->events ? api_of(c)->d->events : &eapi_docker_events_dialect;
	if (events_query_copy(&s->q, q) < 0) {
		src_free(s);
		return BERTH_NOMEM(err);
	}
	watch_source_ops ops = api_source;
	ops.health_every_run = s->d->health_every_run;
	ops.stale_ns = (int64_t)s->d->replays_on_rotation_s * 1000000000LL;
	return watch_stream_new(out, c, q, &ops, s, err);
}

/* "Sun, 22 Nov 2026 21:53:31 GMT" */
static int64_t http_date_ns(const char *s)
{
	struct tm tm = { 0 };
	const char *end = s ? strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm) : NULL;
	if (!end)
		return 0;
	time_t t = timegm(&tm);
	return t > 0 ? (int64_t)t * 1000000000LL : 0;
}

int engineapi_clock_ns(int64_t *out, struct berth_client *c, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", "/_ping", NULL, 0, false };
	int r = eapi_do_call(c, &k, &resp, NULL, "ping", err);
	if (r < 0)
		return r;
	int64_t ns = http_date_ns(http_header(&resp, "date"));
	*out = ns ? ns : wall_ns();
	return 0;
}
