/* Events: the public record's accessors, since/until parsing, and the
 * entry points (argument checks, then the backend). */
#include "engine.h"
#include "event.h"
#include "stream.h"

#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <sys/timerfd.h>
#include <time.h>

int64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- the record ------------------------------------------------------------ */

berth_event *event_new(void)
{
	berth_event *ev = calloc(1, sizeof *ev);
	if (!ev)
		return NULL;
	ev->exit_code = -1;
	ev->signal = -1;
	return ev;
}

void event_free(berth_event *ev)
{
	if (!ev)
		return;
	free(ev->type);
	free(ev->action);
	free(ev->id);
	free(ev->name);
	free(ev->image);
	strv_release(&ev->keys);
	strv_release(&ev->values);
	free(ev);
}

int event_add_attribute(berth_event *ev, const char *key, const char *value)
{
	if (strv_push(&ev->keys, key) < 0)
		return -ENOMEM;
	if (strv_push(&ev->values, value) < 0) {
		free(ev->keys.items[--ev->keys.len]);
		return -ENOMEM;
	}
	return 0;
}

static const char *const kind_names[] = {
	[BERTH_EVENT_OTHER] = "other",       [BERTH_EVENT_CREATED] = "created",
	[BERTH_EVENT_STARTED] = "started",   [BERTH_EVENT_DIED] = "died",
	[BERTH_EVENT_OOM] = "oom",           [BERTH_EVENT_HEALTH] = "health",
	[BERTH_EVENT_PAUSED] = "paused",     [BERTH_EVENT_UNPAUSED] = "unpaused",
	[BERTH_EVENT_DESTROYED] = "destroyed", [BERTH_EVENT_DISCONNECTED] = "disconnected",
	[BERTH_EVENT_RECONNECTED] = "reconnected",
};

const char *berth_event_kind_name(berth_event_kind kind)
{
	if ((unsigned)kind < ARRAY_SIZE(kind_names) && kind_names[kind])
		return kind_names[kind];
	return "other";
}

berth_event_kind berth_event_get_kind(const berth_event *ev) { return ev ? ev->kind : BERTH_EVENT_OTHER; }
const char *berth_event_type(const berth_event *ev) { return ev ? strempty(ev->type) : ""; }
const char *berth_event_action(const berth_event *ev) { return ev ? strempty(ev->action) : ""; }
const char *berth_event_id(const berth_event *ev) { return ev ? strempty(ev->id) : ""; }
const char *berth_event_name(const berth_event *ev) { return ev ? strempty(ev->name) : ""; }
const char *berth_event_image(const berth_event *ev) { return ev ? strempty(ev->image) : ""; }
int64_t berth_event_time_ns(const berth_event *ev) { return ev ? ev->time_ns : 0; }
int berth_event_exit_code(const berth_event *ev) { return ev ? ev->exit_code : -1; }
int berth_event_signal(const berth_event *ev) { return ev ? ev->signal : -1; }
berth_health berth_event_health(const berth_event *ev) { return ev ? ev->health : BERTH_HEALTH_NONE; }
int berth_event_synthesized(const berth_event *ev) { return ev && ev->synthesized; }
size_t berth_event_attribute_count(const berth_event *ev) { return ev ? ev->keys.len : 0; }

const char *berth_event_attribute_key(const berth_event *ev, size_t i)
{
	return ev && i < ev->keys.len ? ev->keys.items[i] : NULL;
}

const char *berth_event_attribute_value(const berth_event *ev, size_t i)
{
	return ev && i < ev->values.len ? ev->values.items[i] : NULL;
}

const char *berth_event_attribute(const berth_event *ev, const char *key)
{
	if (!ev || !key)
		return NULL;
	for (size_t i = 0; i < ev->keys.len; i++)
		if (STREQ(ev->keys.items[i], key))
			return ev->values.items[i];
	return NULL;
}

/* ---- since / until ----------------------------------------------------------- */

/* "1700000000" or "1700000000.123": ns, or -1. */
static int64_t parse_unix(const char *s)
{
	int64_t sec = 0, frac = 0;
	size_t i = 0, nd = 0;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		if (sec > (INT64_MAX / 1000000000LL - 9) / 10)
			return -1;
		sec = sec * 10 + (s[i] - '0');
	}
	if (i == 0)
		return -1;
	if (s[i] == '.') {
		for (i++; s[i] >= '0' && s[i] <= '9'; i++, nd++)
			if (nd < 9)
				frac = frac * 10 + (s[i] - '0');
		if (nd == 0)
			return -1;
		for (; nd < 9; nd++)
			frac *= 10;
	}
	return s[i] ? -1 : sec * 1000000000LL + frac;
}

/* "1h30m", "1.5h", "250ms": ns, or -1. */
static int64_t parse_duration(const char *s)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 } };
	double total = 0;
	if (!*s)
		return -1;
	while (*s) {
		const char *p = s;
		while ((*p >= '0' && *p <= '9') || *p == '.')
			p++;
		if (p == s)
			return -1;
		char num[32];
		if ((size_t)(p - s) >= sizeof num)
			return -1;
		memcpy(num, s, (size_t)(p - s));
		num[p - s] = '\0';
		char *end;
		double v = strtod(num, &end);
		if (*end || v < 0)
			return -1;
		size_t best = 0;
		double mult = 0;
		for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
			size_t n = strlen(units[i].unit);
			if (strncmp(p, units[i].unit, n) == 0 && n > best) {
				best = n;
				mult = units[i].ns;
			}
		}
		if (!best)
			return -1;
		total += v * mult;
		if (total > 1e18)
			return -1;
		s = p + best;
	}
	return (int64_t)total;
}

int berth_time_parse(int64_t *out_ns, const char *text, berth_error *err)
{
	CHECK_ARG(out_ns, err, "out is NULL");
	if (isempty(text))
		return berth_fail(err, BERTH_EINVAL, "time is empty (want RFC 3339, Unix seconds or a duration like 10m)");
	int64_t ns;
	size_t len = strlen(text);
	if (len >= 19 && text[4] == '-' && parse_rfc3339_ns(text, len, &ns) == (int)len && ns >= 0) {
		*out_ns = ns;
		return 0;
	}
	if ((ns = parse_unix(text)) >= 0) {
		*out_ns = ns;
		return 0;
	}
	if ((ns = parse_duration(text)) >= 0) {
		*out_ns = wall_ns() - ns;
		return 0;
	}
	return berth_fail(err, BERTH_EINVAL,
			  "time \"%s\": want RFC 3339 (2024-05-01T10:00:00Z), Unix seconds (1700000000.5) or a "
			  "duration before now (10m, 1h30m)", text);
}

/* ---- entry points -------------------------------------------------------------- */

int events_query_copy(events_query *to, const events_query *q)
{
	*to = (events_query){ .since_ns = q->since_ns, .until_ns = q->until_ns, .reconnect = q->reconnect,
			      .max_reconnect_ms = q->max_reconnect_ms };
	const strv *from[] = { &q->containers, &q->labels, &q->types, &q->actions };
	strv *into[] = { &to->containers, &to->labels, &to->types, &to->actions };
	for (size_t k = 0; k < 4; k++)
		for (size_t i = 0; i < from[k]->len; i++)
			if (strv_push(into[k], from[k]->items[i]) < 0)
				return -ENOMEM;
	return 0;
}

berth_event *event_system(berth_event_kind kind)
{
	berth_event *ev = event_new();
	if (!ev || !(ev->type = strdup("")) || !(ev->action = strdup(berth_event_kind_name(kind))) ||
	    !(ev->id = strdup("")) || !(ev->name = strdup("")) || !(ev->image = strdup(""))) {
		event_free(ev);
		return NULL;
	}
	ev->kind = kind;
	ev->time_ns = wall_ns();
	return ev;
}

void events_timer_arm(int *fd, int64_t abs_ms)
{
	if (*fd < 0)
		*fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (*fd < 0)
		return;
	struct itimerspec its = { .it_value = { (time_t)(abs_ms / 1000), (long)(abs_ms % 1000) * 1000000L } };
	timerfd_settime(*fd, TFD_TIMER_ABSTIME, &its, NULL);
}

void events_retry_down(events_retry *r, const char *why)
{
	r->down_since_ms = now_ms();
	r->backoff_ms = EVENTS_BACKOFF_FIRST_MS;
	r->next_attempt_ms = r->down_since_ms + EVENTS_BACKOFF_FIRST_MS;
	snprintf(r->reason, sizeof r->reason, "%.200s", why);
}

int events_retry_due(events_retry *r, int *timeout_ms, berth_error *err)
{
	int64_t now = now_ms();
	if (now >= r->next_attempt_ms)
		return 0;
	int wait = (int)(r->next_attempt_ms - now);
	if (*timeout_ms >= 0 && wait > *timeout_ms)
		wait = *timeout_ms;
	if (wait > 0)
		poll(NULL, 0, wait);
	if (now_ms() < r->next_attempt_ms)
		return berth_fail(err, BERTH_ETIMEDOUT, "events: reconnecting");
	*timeout_ms = *timeout_ms < 0 ? -1 : *timeout_ms - wait;
	return 0;
}

int events_retry_failed(events_retry *r, const char *why, int max_ms, berth_error *err)
{
	int64_t now = now_ms();
	if (why)
		snprintf(r->reason, sizeof r->reason, "%.200s", why);
	if (max_ms >= 0 && now - r->down_since_ms >= max_ms)
		return berth_fail(err, BERTH_EUNAVAILABLE, "events: the engine did not come back within %d ms: %s",
				  max_ms, r->reason);
	if (why) {
		r->next_attempt_ms = now + r->backoff_ms;
		r->backoff_ms = r->backoff_ms * 2 > EVENTS_BACKOFF_MAX_MS ? EVENTS_BACKOFF_MAX_MS : r->backoff_ms * 2;
	}
	return berth_fail(err, BERTH_ETIMEDOUT, "events: reconnecting");
}

void events_query_release(events_query *q)
{
	strv_release(&q->containers);
	strv_release(&q->labels);
	strv_release(&q->types);
	strv_release(&q->actions);
	strv_release(&q->running_ids);
}
static inline void events_query_releasep(events_query *q) { events_query_release(q); }
#define _cleanup_query_ _cleanup_(events_query_releasep)

static int copy_words(strv *to, const char *const *from, size_t n, const char *field, bool label,
		      berth_error *err)
{
	if (!from && n)
		return berth_fail(err, BERTH_EINVAL, "events: %s is NULL with a count of %zu", field, n);
	for (size_t i = 0; i < n; i++) {
		const char *w = from[i];
		if (isempty(w) || (label && w[0] == '='))
			return berth_fail(err, BERTH_EINVAL, "events: %s[%zu] is empty%s", field, i,
					  label ? " (want KEY or KEY=VALUE)" : "");
		for (const char *p = w; !label && *p; p++)
			if ((unsigned char)*p < 0x20)
				return berth_fail(err, BERTH_EINVAL, "events: %s[%zu] has a control character", field, i);
		if (strv_push(to, w) < 0)
			return BERTH_NOMEM(err);
	}
	return 0;
}

static const char *const event_types[] = {
	"container", "image", "volume", "network", "daemon", "plugin", "node",
	"service", "secret", "config", "pod", "system", NULL,
};

static int make_query(events_query *q, const berth_events_options *o, berth_error *err)
{
	int r;
	if ((r = copy_words(&q->containers, o->containers, o->container_count, "containers", false, err)) < 0 ||
	    (r = copy_words(&q->labels, o->labels, o->label_count, "labels", true, err)) < 0 ||
	    (r = copy_words(&q->types, o->types, o->type_count, "types", false, err)) < 0 ||
	    (r = copy_words(&q->actions, o->actions, o->action_count, "actions", false, err)) < 0)
		return r;
	for (size_t i = 0; i < q->types.len; i++) {
		bool known = false;
		for (const char *const *t = event_types; *t && !known; t++)
			known = STREQ(*t, q->types.items[i]);
		if (!known)
			return berth_fail(err, BERTH_EINVAL,
					  "events: type \"%s\" (want container, image, volume, network, daemon, plugin, "
					  "node, service, secret, config, pod or system)", q->types.items[i]);
	}
	if (o->since) {
		if ((r = berth_time_parse(&q->since_ns, o->since, err)) < 0) {
			berth_error_prefix(err, "events: since");
			return r;
		}
		if (q->since_ns == 0)
			q->since_ns = 1;   /* the epoch itself: replay everything */
	} else if (o->since_ns < 0) {
		return berth_fail(err, BERTH_EINVAL, "events: since_ns %" PRId64 " is negative", o->since_ns);
	} else {
		q->since_ns = o->since_ns;
	}
	if (o->until) {
		if ((r = berth_time_parse(&q->until_ns, o->until, err)) < 0) {
			berth_error_prefix(err, "events: until");
			return r;
		}
		if (q->until_ns == 0)
			q->until_ns = 1;
		if (q->since_ns && q->until_ns < q->since_ns)
			return berth_fail(err, BERTH_EINVAL, "events: until (%s) is before since", o->until);
	}
	q->reconnect = !o->no_reconnect;
	q->max_reconnect_ms = o->max_reconnect_ms ? o->max_reconnect_ms : 60000;
	return 0;
}

int berth_events_watch(berth_stream **out, berth_client *c, const berth_events_options *opts, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_EVENTS_OPTIONS_VERSION, err);
	berth_events_options o = BERTH_EVENTS_OPTIONS_INIT;
	if (opts)
		o = *opts;
	_cleanup_query_ events_query q = { 0 };
	int r = make_query(&q, &o, err);
	if (r < 0)
		return r;
	return ENGINE_CALL(c, events_watch, err, out, c, &q, err);
}

int berth_container_list_and_watch(berth_container_list **out_list, berth_stream **out_stream, berth_client *c,
				   const berth_list_options *list_opts, const berth_events_options *watch_opts,
				   berth_error *err)
{
	CHECK_ARG(out_list, err, "out_list is NULL");
	CHECK_ARG(out_stream, err, "out_stream is NULL");
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(watch_opts, BERTH_EVENTS_OPTIONS_VERSION, err);
	berth_events_options o = BERTH_EVENTS_OPTIONS_INIT;
	if (watch_opts)
		o = *watch_opts;
	if (o.since || o.since_ns)
		return berth_fail(err, BERTH_EINVAL, "list and watch: since is set (the list's time is the start)");
	_cleanup_query_ events_query q = { 0 };
	int r = make_query(&q, &o, err);
	if (r < 0)
		return r;
	if (!c->ops->events_watch)
		return engine_unsupported(c, "events_watch", err);
	int64_t engine_now = 0;
	r = ENGINE_CALL(c, clock_ns, err, &engine_now, c, err);
	if (r < 0)
		return r;
	berth_container_list *list = NULL;
	r = berth_container_list_get(&list, c, list_opts, err);
	if (r < 0)
		return r;
	/* the engine's Date has whole seconds: one more second of margin */
	q.since_ns = engine_now - 2000000000LL;
	if (q.since_ns <= 0)
		q.since_ns = 1;
	for (size_t i = 0; i < berth_container_list_count(list); i++)
		if ((berth_container_list_state(list, i) == BERTH_STATE_RUNNING ||
		     berth_container_list_state(list, i) == BERTH_STATE_PAUSED) &&
		    strv_push(&q.running_ids, berth_container_list_id(list, i)) < 0) {
			berth_container_list_free(list);
			return BERTH_NOMEM(err);
		}
	berth_stream *s = NULL;
	r = c->ops->events_watch(&s, c, &q, err);
	if (r < 0) {
		berth_container_list_free(list);
		return r;
	}
	*out_list = list;
	*out_stream = s;
	return 0;
}
