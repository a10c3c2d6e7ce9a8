/* Engine API events: GET /events as a typed berth_stream that reconnects
 * by itself and does not deliver anything twice.
 *
 * The stream keeps the time of the last event it handed out and the
 * identities of the recent ones. When the connection ends it hands out
 * DISCONNECTED, tries again with a growing pause, subscribes from a margin
 * before the last event (the engine replays), skips what it handed out
 * already, and hands out RECONNECTED first. dockerd keeps its event log in
 * memory only: after a restart it replays nothing, so the containers this
 * stream saw running are inspected and the DIED / DESTROYED they missed
 * are made up from their state. */
#include "engineapi.h"
#include "events_parse.h"
#include "parse.h"

#include "../../stream.h"

#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <sys/timerfd.h>
#include <time.h>

#define LINE_MAX_BYTES (1u << 20)       /* one event line; more is a protocol error */
#define RECENT_MAX 256                  /* identities kept for de-duplication */
#define RESUME_MARGIN_NS 1000000000LL   /* replay from this long before the last event */
#define TRACK_MAX 4096                  /* containers followed for made-up events */
/* After a reconnect, the engine's replay comes first (within milliseconds
 * on a local engine); the tracked containers are checked after this long,
 * so that the engine's own DIED is handed out where it has one. */
#define REPLAY_WAIT_MS 250

typedef struct ident {
	int64_t time_ns;
	uint64_t hash;
} ident;

typedef struct tracked {
	char *id;
	bool running;
	bool made_died;       /* a DIED was made up; the engine's own is dropped */
	bool made_destroyed;
	berth_health health;  /* the last HEALTH handed out */
} tracked;

typedef enum ev_state { EV_CONNECTED, EV_WAITING } ev_state;

typedef struct events_stream {
	struct berth_client *c;       /* borrowed: the stream lives shorter than its client */
	const events_dialect *d;
	events_query q;
	http_stream *hs;
	http_response head;           /* hs parses into it while it lives */
	const char *in;               /* body bytes not yet split into lines */
	size_t in_len;
	sbuf line;                    /* the line being assembled / handed out */
	bool line_out;                /* line was handed out: reset on the next call */
	berth_event *cur;             /* the event handed out last */
	sbuf cur_text;                /* data of a SYSTEM or made-up frame */
	int64_t start_ns;             /* when the watch began */
	int64_t last_ns;              /* time of the last event handed out */
	ident recent[RECENT_MAX];
	size_t recent_len, recent_pos;
	tracked *track;
	size_t track_len;
	ev_state state;
	events_retry rt;
	int timer_fd;
	/* after a reconnect: RECONNECTED, then the tracked containers to check */
	bool announce_reconnect;
	size_t check_pos;             /* next track[] entry to inspect ... */
	size_t check_end;             /* ... up to this one (those known at the reconnect) */
	int64_t check_at_ms;          /* ... once the engine's replay had this long to come */
	berth_event *made[2];         /* made-up events waiting to be handed out */
	size_t made_len;
} events_stream;

/* ---- identities and tracking --------------------------------------------------- */

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;
}

static ident ident_of(const berth_event *ev)
{
	uint64_t h = fnv(fnv(fnv(14695981039346656037ULL, ev->type), ev->action), ev->id);
	return (ident){ ev->time_ns, h };
}

static bool seen(const events_stream *s, ident id)
{
	for (size_t i = 0; i < s->recent_len; i++)
		if (s->recent[i].time_ns == id.time_ns && s->recent[i].hash == id.hash)
			return true;
	return false;
}

static void remember(events_stream *s, ident id)
{
	s->recent[s->recent_pos] = id;
	s->recent_pos = (s->recent_pos + 1) % RECENT_MAX;
	if (s->recent_len < RECENT_MAX)
		s->recent_len++;
}

static tracked *track_find(events_stream *s, const char *id)
{
	for (size_t i = 0; i < s->track_len; i++)
		if (STREQ(s->track[i].id, id))
			return &s->track[i];
	return NULL;
}

static tracked *track_add(events_stream *s, const char *id)
{
	tracked *t = track_find(s, id);
	if (t || s->track_len >= TRACK_MAX)
		return t;
	if ((s->track_len & (s->track_len - 1)) == 0 || s->track_len == 0) {
		size_t cap = s->track_len ? s->track_len * 2 : 8;
		tracked *n = realloc(s->track, cap * sizeof *n);
		if (!n)
			return NULL;
		s->track = n;
	}
	char *copy = strdup(id);
	if (!copy)
		return NULL;
	t = &s->track[s->track_len++];
	*t = (tracked){ .id = copy };
	return t;
}

static void track_drop(events_stream *s, tracked *t)
{
	size_t i = (size_t)(t - s->track);
	free(t->id);
	s->track[i] = s->track[--s->track_len];
	/* (drops come from event lines, which are read only after the checks) */
	if (s->check_end > s->track_len)
		s->check_end = s->track_len;
}

/* Follow a container event; false when it is the engine's copy of an
 * event berth made up already. */
static bool track_event(events_stream *s, const berth_event *ev)
{
	if (!STREQ(ev->type, "container") || isempty(ev->id))
		return true;
	tracked *t = track_find(s, ev->id);
	switch (ev->kind) {
	case BERTH_EVENT_STARTED:
		if (!t)
			t = track_add(s, ev->id);
		if (t) {
			t->running = true;
			t->made_died = t->made_destroyed = false;
			t->health = BERTH_HEALTH_NONE;
		}
		return true;
	case BERTH_EVENT_HEALTH:
		/* a HEALTH is a change: engines that report every run (Podman)
		 * repeat the status */
		if (!t)
			t = track_add(s, ev->id);
		if (t && s->d->health_every_run && t->health == ev->health)
			return false;
		if (t) {
			t->health = ev->health;
			t->running = true;
		}
		return true;
	case BERTH_EVENT_DIED:
		if (t && t->made_died && !t->running)
			return false;
		if (t)
			t->running = false;
		return true;
	case BERTH_EVENT_DESTROYED:
		if (t) {
			bool made = t->made_destroyed;
			track_drop(s, t);
			return !made;
		}
		return true;
	default:
		return true;
	}
}

/* ---- connecting ---------------------------------------------------------------- */

static int add_time(sbuf *path, const char *key, int64_t ns)
{
	return sbuf_printf(path, "&%s=%" PRId64 ".%09" PRId64, key, (int64_t)(ns / 1000000000LL),
			   (int64_t)(ns % 1000000000LL));
}

/* Where a (re)subscription starts: a margin before the last event handed
 * out, else the caller's since, else a margin before the watch began. */
static int64_t resume_ns(const events_stream *s)
{
	int64_t ns = s->last_ns ? s->last_ns - RESUME_MARGIN_NS
				: s->q.since_ns ? s->q.since_ns : s->start_ns - RESUME_MARGIN_NS;
	return ns > 0 ? ns : 1;
}

static int subscribe(events_stream *s, bool first, int timeout_ms, berth_error *err)
{
	_cleanup_json_ json_t *filters = json_object();
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	const events_query *q = &s->q;
	_cleanup_strv_ strv actions = STRV_INIT;
	for (size_t i = 0; i < q->actions.len; i++)
		if (strv_push(&actions, events_filter_word(s->d, q->actions.items[i])) < 0)
			return BERTH_NOMEM(err);
	if (!filters || sbuf_adds(&path, "/events?") < 0 ||
	    filter_add(filters, "container", (const char *const *)q->containers.items, q->containers.len) < 0 ||
	    filter_add(filters, "label", (const char *const *)q->labels.items, q->labels.len) < 0 ||
	    filter_add(filters, "type", (const char *const *)q->types.items, q->types.len) < 0 ||
	    filter_add(filters, "event", (const char *const *)actions.items, actions.len) < 0)
		return BERTH_NOMEM(err);
	int64_t since = first ? q->since_ns : resume_ns(s);
	if (since && add_time(&path, "since", since) < 0)
		return BERTH_NOMEM(err);
	if (q->until_ns) {
		int64_t until = q->until_ns;
		int64_t soon = wall_ns() + 1000000000LL;
		if (s->d->until_past_sends_nothing && until < soon)
			until = soon;   /* later events are dropped here */
		if (add_time(&path, "until", until) < 0)
			return BERTH_NOMEM(err);
	}
	if (query_add_filters(&path, '&', filters) < 0)
		return BERTH_NOMEM(err);
	http_response_release(&s->head);
	s->head = (http_response)HTTP_RESPONSE_INIT;
	/* the first subscription has the client's deadline (0); a reconnect
	 * attempt what is left of the caller's wait, at least a millisecond */
	call k = { "GET", path.data, NULL, first ? 0 : timeout_ms > 0 ? timeout_ms : 1, false };
	http_stream *hs = NULL;
	int r = stream_call(&hs, s->c, &k, &s->head, "events", err);
	if (r < 0)
		return r;
	s->hs = hs;
	s->in = NULL;
	s->in_len = 0;
	sbuf_reset(&s->line);
	s->line_out = false;
	return 0;
}

/* ---- frames ----------------------------------------------------------------------- */

/* Hand out ev (now the stream's) with cur_text as the frame's data. */
static int text_frame(events_stream *s, berth_frame *out, berth_channel channel, berth_event *ev, const char *text,
		      berth_error *err)
{
	s->cur = ev;
	sbuf_reset(&s->cur_text);
	if (!text || sbuf_adds(&s->cur_text, text) < 0)
		return BERTH_NOMEM(err);
	out->channel = channel;
	out->data = s->cur_text.data;
	out->len = s->cur_text.len;
	out->time_ns = ev->time_ns;
	out->item = ev;
	return 0;
}

static int system_frame(events_stream *s, berth_frame *out, berth_event_kind kind, const char *text,
			berth_error *err)
{
	berth_event *ev = event_system(kind);
	if (!ev)
		return BERTH_NOMEM(err);
	return text_frame(s, out, BERTH_CHANNEL_SYSTEM, ev, text, err);
}

/* A made-up event as the engine would have sent it (Docker's shape). */
static int made_frame(events_stream *s, berth_frame *out, berth_event *ev, berth_error *err)
{
	s->cur = ev;   /* freed with the stream's next frame, whatever happens here */
	json_t *attrs = json_object();
	for (size_t i = 0; attrs && i < ev->keys.len; i++)
		json_object_set_new(attrs, ev->keys.items[i], json_string(ev->values.items[i]));
	_cleanup_json_ json_t *j = json_pack("{s:s,s:s,s:s,s:{s:s,s:o},s:I,s:I}", "Type", ev->type, "Action",
					     ev->action, "id", ev->id, "Actor", "ID", ev->id, "Attributes", attrs,
					     "time", (json_int_t)(ev->time_ns / 1000000000LL), "timeNano",
					     (json_int_t)ev->time_ns);
	_cleanup_free_ char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	return text_frame(s, out, BERTH_CHANNEL_STDOUT, ev, text, err);
}

static int make_event(berth_event **out, const char *id, berth_event_kind kind, const char *action,
		      const berth_container_info *info, int64_t time_ns)
{
	_cleanup_(event_freep) berth_event *ev = event_new();
	if (!ev)
		return -ENOMEM;
	const char *name = info && info->name ? info->name : "";
	if (name[0] == '/')
		name++;
	if (!(ev->type = strdup("container")) || !(ev->action = strdup(action)) || !(ev->id = strdup(id)) ||
	    !(ev->name = strdup(name)) || !(ev->image = strdup(info && info->image ? info->image : "")))
		return -ENOMEM;
	ev->kind = kind;
	ev->synthesized = true;
	ev->time_ns = time_ns;
	char code[16];
	if (kind == BERTH_EVENT_DIED && info) {
		ev->exit_code = info->exit_code;
		snprintf(code, sizeof code, "%d", info->exit_code);
		if (event_add_attribute(ev, "exitCode", code) < 0)
			return -ENOMEM;
	}
	if ((name[0] && event_add_attribute(ev, "name", name) < 0) ||
	    event_add_attribute(ev, "berth.synthesized", "true") < 0)
		return -ENOMEM;
	*out = TAKE_PTR(ev);
	return 0;
}

/* Check one tracked container after a reconnect: queue the DIED (and
 * DESTROYED) the engine may not replay. */
static int check_tracked(events_stream *s, int timeout_ms, berth_error *err)
{
	tracked *t = &s->track[s->check_pos];
	if (!t->running) {
		s->check_pos++;
		return 0;
	}
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	berth_error e = BERTH_ERROR_INIT;
	int r = container_call(s->c, "GET", t->id, "/json", timeout_ms > 0 ? timeout_ms : 1, NULL, "inspect", what,
			       &resp, &e);
	berth_container_info *info = NULL;
	if (r == 0)
		r = engineapi_parse_inspect(&info, resp.body.data, resp.body.len, what, &e);
	if (r == BERTH_ETIMEDOUT)
		return r;   /* resumable: the same entry again on the next call */
	if (r < 0 && r != BERTH_ENOTFOUND) {
		s->check_pos++;   /* cannot tell; the engine's replay is all there is */
		return 0;
	}
	bool gone = r == BERTH_ENOTFOUND;
	bool stopped = gone || (info->state != BERTH_STATE_RUNNING && info->state != BERTH_STATE_PAUSED &&
				info->state != BERTH_STATE_RESTARTING);
	int64_t at = 0;
	if (info && info->finished_at && parse_rfc3339_ns(info->finished_at, strlen(info->finished_at), &at) < 0)
		at = 0;
	if (at <= 0)
		at = wall_ns();
	berth_event *died = NULL, *destroyed = NULL;
	int m = 0;
	if (stopped)
		m = make_event(&died, t->id, BERTH_EVENT_DIED, "die", info, at);
	if (m == 0 && gone)
		m = make_event(&destroyed, t->id, BERTH_EVENT_DESTROYED, "destroy", info, at);
	berth_container_info_free(info);
	if (m < 0) {
		event_free(died);
		return BERTH_NOMEM(err);
	}
	if (died)
		s->made[s->made_len++] = died;
	if (destroyed)
		s->made[s->made_len++] = destroyed;
	if (stopped) {
		t->running = false;
		t->made_died = true;
		t->made_destroyed = gone;
	}
	s->check_pos++;
	return 0;
}

/* ---- the stream -------------------------------------------------------------------- */

static void disconnect(events_stream *s, const char *why)
{
	http_stream_close(s->hs);
	s->hs = NULL;
	s->in = NULL;
	s->in_len = 0;
	sbuf_reset(&s->line);
	s->line_out = false;
	s->state = EV_WAITING;
	events_retry_down(&s->rt, why);
}

static void arm_timer(events_stream *s)
{
	events_timer_arm(&s->timer_fd, s->rt.next_attempt_ms);
}

/* Waiting to reconnect: one attempt when it is due. 1 = connected again. */
static int try_reconnect(events_stream *s, int timeout_ms, berth_error *err)
{
	int r = events_retry_due(&s->rt, &timeout_ms, err);
	if (r < 0)
		return r;
	int64_t started = now_ms();
	berth_error e = BERTH_ERROR_INIT;
	int budget = timeout_ms < 0 || timeout_ms > 5000 ? 5000 : timeout_ms;
	r = subscribe(s, false, budget, &e);
	if (r == 0) {
		s->state = EV_CONNECTED;
		s->announce_reconnect = true;
		s->check_pos = 0;
		s->check_end = s->track_len;
		s->check_at_ms = now_ms() + REPLAY_WAIT_MS;
		return 1;
	}
	if (r == BERTH_ENOMEM) {
		*err = e;
		return r;
	}
	bool ran_out = r == BERTH_ETIMEDOUT && now_ms() - started >= budget;
	r = events_retry_failed(&s->rt, ran_out ? NULL : e.message, s->q.max_reconnect_ms, err);
	arm_timer(s);
	return r;
}

/* Handle one complete line: 1 = an event to hand out, 0 = skipped. */
static int take_line(events_stream *s, berth_frame *out, berth_error *err)
{
	const char *p = s->line.data;
	size_t n = s->line.len;
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' '))
		n--;
	if (n == 0) {
		sbuf_reset(&s->line);
		return 0;
	}
	berth_event *ev = NULL;
	int r = engineapi_parse_event(&ev, p, n, s->d, err);
	if (r < 0) {
		berth_error_prefix(err, "%s", s->c->endpoint);
		return r;
	}
	ident id = ident_of(ev);
	bool skip = seen(s, id) || (s->q.until_ns && ev->time_ns > s->q.until_ns) || !track_event(s, ev);
	if (skip) {
		event_free(ev);
		sbuf_reset(&s->line);
		return 0;
	}
	remember(s, id);
	if (ev->time_ns > s->last_ns)
		s->last_ns = ev->time_ns;
	s->cur = ev;
	s->line_out = true;
	out->channel = BERTH_CHANNEL_STDOUT;
	out->data = p;
	out->len = n;
	out->time_ns = ev->time_ns;
	out->item = ev;
	return 1;
}

static int ev_next(void *impl, berth_frame *out, int timeout_ms, berth_error *err)
{
	events_stream *s = impl;
	event_free(s->cur);
	s->cur = NULL;
	if (s->line_out) {
		sbuf_reset(&s->line);
		s->line_out = false;
	}
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (;;) {
		if (s->state == EV_WAITING) {
			int r = try_reconnect(s, remaining_ms(deadline), err);
			if (r < 0)
				return r;
			continue;
		}
		if (s->announce_reconnect) {
			s->announce_reconnect = false;
			char msg[320];
			snprintf(msg, sizeof msg, "events: subscribed again to %.200s", s->c->endpoint);
			return system_frame(s, out, BERTH_EVENT_RECONNECTED, msg, err);
		}
		if (s->made_len) {
			berth_event *ev = s->made[0];
			memmove(s->made, s->made + 1, --s->made_len * sizeof s->made[0]);
			remember(s, ident_of(ev));
			return made_frame(s, out, ev, err);
		}
		bool checks = s->check_pos < s->check_end;
		if (checks && s->in_len == 0 && now_ms() >= s->check_at_ms) {
			int r = check_tracked(s, remaining_ms(deadline), err);
			if (r < 0)
				return r;
			continue;
		}
		if (s->in_len) {
			const char *nl = memchr(s->in, '\n', s->in_len);
			size_t n = nl ? (size_t)(nl - s->in) + 1 : s->in_len;
			if (s->line.len + n > LINE_MAX_BYTES)
				return berth_fail(err, BERTH_EPROTOCOL, "%s: an event line longer than %u bytes",
						  s->c->endpoint, LINE_MAX_BYTES);
			if (sbuf_add(&s->line, s->in, n) < 0)
				return BERTH_NOMEM(err);
			s->in += n;
			s->in_len -= n;
			if (!nl)
				continue;
			int r = take_line(s, out, err);
			if (r != 0)
				return r < 0 ? r : 0;
			continue;
		}
		berth_error e = BERTH_ERROR_INIT;
		int wait = remaining_ms(deadline);
		if (checks && s->in_len == 0) {
			int64_t until_check = s->check_at_ms - now_ms();
			if (until_check < 0)
				until_check = 0;
			if (wait < 0 || wait > until_check)
				wait = (int)until_check;
		}
		int r = http_stream_read(s->hs, &s->in, &s->in_len, wait, &e);
		if (r == 0)
			continue;
		if (r == BERTH_ETIMEDOUT && checks && remaining_ms(deadline) != 0)
			continue;   /* the replay is over: on to the checks */
		if (r == BERTH_ETIMEDOUT) {
			*err = e;
			return r;
		}
		if (r == BERTH_ITEROVER && s->q.until_ns) {
			if (s->line.len && take_line(s, out, err) == 1)
				return 0;   /* a last line without its newline */
			return BERTH_ITEROVER;
		}
		const char *why = r == BERTH_ITEROVER ? "the engine ended the event stream" : e.message;
		if (!s->q.reconnect) {
			if (r == BERTH_ITEROVER)
				return berth_fail(err, BERTH_EUNAVAILABLE, "events: %s: %s", s->c->endpoint, why);
			*err = e;
			return r == BERTH_EPROTOCOL || r == BERTH_ENOMEM ? r : BERTH_EUNAVAILABLE;
		}
		char msg[600];
		snprintf(msg, sizeof msg, "events: lost %.80s: %.400s", s->c->endpoint, why);
		disconnect(s, why);
		arm_timer(s);
		return system_frame(s, out, BERTH_EVENT_DISCONNECTED, msg, err);
	}
}

static int ev_fd(const void *impl)
{
	const events_stream *s = impl;
	if (s->state == EV_WAITING)
		return s->timer_fd;
	if (s->announce_reconnect || s->made_len || s->check_pos < s->check_end)
		return s->timer_fd;   /* fired already: something is ready at once */
	return s->hs ? http_stream_fd(s->hs) : -1;
}

static void ev_free(void *impl)
{
	events_stream *s = impl;
	if (!s)
		return;
	http_stream_close(s->hs);
	http_response_release(&s->head);
	event_free(s->cur);
	for (size_t i = 0; i < s->made_len; i++)
		event_free(s->made[i]);
	for (size_t i = 0; i < s->track_len; i++)
		free(s->track[i].id);
	free(s->track);
	sbuf_release(&s->line);
	sbuf_release(&s->cur_text);
	events_query_release(&s->q);
	if (s->timer_fd >= 0)
		close(s->timer_fd);
	free(s);
}

static const stream_ops events_stream_ops = {
	.kind = "events",
	.next = ev_next,
	.fd = ev_fd,
	.free = ev_free,
};

int engineapi_events_watch(berth_stream **out, struct berth_client *c, const events_query *q, berth_error *err)
{
	engineapi_json_init();
	events_stream *s = calloc(1, sizeof *s);
	if (!s)
		return BERTH_NOMEM(err);
	s->timer_fd = -1;
	s->c = c;
	s->d = api_of(c)->d && api_of(c)->d->events ? api_of(c)->d->events : &docker_events_dialect;
	s->start_ns = wall_ns();
	int r = 0;
	if (events_query_copy(&s->q, q) < 0)
		r = BERTH_NOMEM(err);
	for (size_t i = 0; r == 0 && i < q->running_ids.len; i++) {
		tracked *t = track_add(s, q->running_ids.items[i]);
		if (!t)
			r = BERTH_NOMEM(err);
		else
			t->running = true;
	}
	if (r == 0)
		r = subscribe(s, true, 0, err);
	if (r < 0) {
		ev_free(s);
		return r;
	}
	return stream_new(out, &events_stream_ops, s, err);
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
	int r = do_call(c, &k, &resp, NULL, "ping", err);
	if (r < 0)
		return r;
	int64_t ns = http_date_ns(http_header(&resp, "date"));
	*out = ns ? ns : wall_ns();
	return 0;
}
