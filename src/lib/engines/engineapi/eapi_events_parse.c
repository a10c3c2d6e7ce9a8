/* Engine API event lines -> berth_event. Docker and Podman send the same
 * shape ({"Type", "Action", "Actor": {"ID", "Attributes"}, "time",
 * "timeNano", ...}); the words differ, and the dialect says how. */
#include "eapi_events_parse.h"
#include "eapi_parse.h"

#include "lib/parse/jstream.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>

static const event_action docker_actions[] = {
	{ "create", BERTH_EVENT_CREATED },   { "start", BERTH_EVENT_STARTED },
	{ "die", BERTH_EVENT_DIED },         { "oom", BERTH_EVENT_OOM },
	{ "pause", BERTH_EVENT_PAUSED },     { "unpause", BERTH_EVENT_UNPAUSED },
	{ "destroy", BERTH_EVENT_DESTROYED }, { NULL, 0 },
};

/* Podman 4.3 (measured): "remove" for destroy; "died" never comes on the
 * compat stream (it says "die" like Docker), but its native name is kept. */
static const event_action podman_actions[] = {
	{ "create", BERTH_EVENT_CREATED },  { "start", BERTH_EVENT_STARTED },
	{ "die", BERTH_EVENT_DIED },        { "died", BERTH_EVENT_DIED },
	{ "oom", BERTH_EVENT_OOM },         { "pause", BERTH_EVENT_PAUSED },
	{ "unpause", BERTH_EVENT_UNPAUSED }, { "remove", BERTH_EVENT_DESTROYED },
	{ NULL, 0 },
};

/* Podman 4.3 (measured): filtering on "die" finds nothing, on "died" the
 * die events; "destroy" is "remove" there. */
static const char *const podman_filter_words[][2] = {
	{ "die", "died" }, { "destroy", "remove" }, { NULL, NULL },
};

const events_dialect eapi_docker_events_dialect = { .actions = docker_actions };
const events_dialect eapi_podman_events_dialect = {
	.actions = podman_actions,
	.health_in_member = true,
	.health_every_run = true,
	.until_past_sends_nothing = true,
	.filter_words = podman_filter_words,
	/* Podman stamps an event just before writing it: one from another
	 * process lands out of order by microseconds (measured: an image's
	 * delete 23 µs before the untag written ahead of it), not seconds */
	.replays_on_rotation_s = 2,
};

const char *eapi_events_filter_word(const events_dialect *d, const char *action)
{
	for (size_t i = 0; d && d->filter_words && d->filter_words[i][0]; i++)
		if (STREQ(d->filter_words[i][0], action))
			return d->filter_words[i][1];
	return action;
}

#define HEALTH_PREFIX "health_status"

static berth_health health_word(const char *s)
{
	if (STREQ(s, "healthy"))
		return BERTH_HEALTH_HEALTHY;
	if (STREQ(s, "unhealthy"))
		return BERTH_HEALTH_UNHEALTHY;
	if (STREQ(s, "starting"))
		return BERTH_HEALTH_STARTING;
	return BERTH_HEALTH_NONE;
}

/* A decimal attribute ("137") as an int in [0, INT_MAX]; -1 otherwise. */
static int small_number(const char *s)
{
	if (!s || !*s)
		return -1;
	long v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > INT_MAX / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v > INT_MAX ? -1 : (int)v;
}

static int dup_field(char **to, const char *s)
{
	*to = strdup(s ? s : "");
	return *to ? 0 : -ENOMEM;
}

/* ---- one line, mapped as it is read (parse/jstream.h) ------------------------ */

typedef enum { TOP_OTHER, TOP_TYPE, TOP_ACTION, TOP_STATUS, TOP_ID, TOP_FROM, TOP_TIME, TOP_NANO, TOP_HEALTH,
	       TOP_ACTOR } top_member;

typedef struct event_map {
	berth_event *ev;            /* its attributes fill as they come */
	char *member[TOP_ACTOR];    /* the string members (NULL: absent or not a string) */
	int64_t time, nano;         /* integers only; 0 when absent */
	bool time_int, nano_int;
	top_member at;              /* the top-level member being read */
	bool actor_seen, in_actor, actor_id_key, in_attrs;
	char *actor_id;
	sbuf key;                   /* the attribute whose value comes next */
} event_map;

static top_member top_of(const char *s, size_t n)
{
#define IS(word) (n == sizeof word - 1 && memcmp(s, word, n) == 0)
	return IS("Type") ? TOP_TYPE : IS("Action") ? TOP_ACTION : IS("status") ? TOP_STATUS : IS("id") ? TOP_ID
	       : IS("from") ? TOP_FROM : IS("time") ? TOP_TIME : IS("timeNano") ? TOP_NANO
	       : IS("HealthStatus") ? TOP_HEALTH : IS("Actor") ? TOP_ACTOR : TOP_OTHER;
#undef IS
}

static bool is_integer(js_kind kind, const char *s, size_t len)
{
	return kind == JS_NUMBER && !memchr(s, '.', len) && !memchr(s, 'e', len) && !memchr(s, 'E', len);
}

/* An attribute: strings as they are, integers and booleans written out;
 * anything else drops it. A key given twice keeps its last value. */
static int attribute(berth_event *ev, const char *key, js_kind kind, const char *s, size_t len)
{
	char num[32];
	_cleanup_free_ char *text = NULL;
	if (kind == JS_STRING)
		text = strndup(s, len);
	else if (is_integer(kind, s, len)) {
		snprintf(num, sizeof num, "%" PRId64, js_int64(s, len));
		text = strdup(num);
	} else if (kind == JS_BOOL)
		text = strdup(s[0] == 't' ? "true" : "false");
	for (size_t i = 0; i < ev->keys.len; i++) {
		if (!STREQ(ev->keys.items[i], key))
			continue;
		free(ev->keys.items[i]);
		free(ev->values.items[i]);
		ev->keys.len--;
		ev->values.len--;
		memmove(ev->keys.items + i, ev->keys.items + i + 1, (ev->keys.len - i) * sizeof *ev->keys.items);
		memmove(ev->values.items + i, ev->values.items + i + 1, (ev->values.len - i) * sizeof *ev->values.items);
		ev->keys.items[ev->keys.len] = ev->values.items[ev->values.len] = NULL;
		break;
	}
	if (kind != JS_STRING && kind != JS_BOOL && !is_integer(kind, s, len))
		return 0;
	if (!text)
		return -ENOMEM;
	return event_add_attribute(ev, key, text);
}

static int on_event(void *ctx, js_kind kind, const char *s, size_t len, unsigned level, berth_error *err)
{
	event_map *m = ctx;
	bool start = kind == JS_START_MAP || kind == JS_START_ARRAY;
	bool end = kind == JS_END_MAP || kind == JS_END_ARRAY;
	if (level == 0) {
		if (kind != JS_START_MAP && kind != JS_END_MAP)
			return berth_fail(err, BERTH_EPROTOCOL, "event: not a JSON object (other JSON)");
		return 0;
	}
	if (level == 1) {
		if (kind == JS_KEY) {
			m->at = top_of(s, len);
			return 0;
		}
		if (end) {
			m->in_actor = m->in_attrs = false;
			return 0;
		}
		if (m->at == TOP_ACTOR) {
			if (kind != JS_START_MAP)
				return berth_fail(err, BERTH_EPROTOCOL, "event: Actor is not an object");
			m->actor_seen = m->in_actor = true;
			return 0;
		}
		if (m->at == TOP_TIME || m->at == TOP_NANO) {
			bool integer = is_integer(kind, s, len);
			int64_t v = integer ? js_int64(s, len) : 0;
			if (m->at == TOP_TIME)
				m->time = v, m->time_int = integer;
			else
				m->nano = v, m->nano_int = integer;
			return 0;
		}
		if (m->at != TOP_OTHER && !start) {
			char **slot = &m->member[m->at];
			free(*slot);
			*slot = kind == JS_STRING ? strndup(s, len) : NULL;
			if (kind == JS_STRING && !*slot)
				return BERTH_NOMEM(err);
		} else if (m->at != TOP_OTHER) {
			free(m->member[m->at]);
			m->member[m->at] = NULL;
		}
		return 0;
	}
	if (!m->in_actor)
		return 0;
	if (level == 2) {
		if (kind == JS_KEY) {
			m->actor_id_key = len == 2 && memcmp(s, "ID", 2) == 0;
			m->in_attrs = false;
			if (len == 10 && memcmp(s, "Attributes", 10) == 0)
				m->in_attrs = true; /* its value decides */
			return 0;
		}
		if (end)
			return 0;
		if (m->in_attrs) {
			if (kind != JS_START_MAP && kind != JS_NULL)
				return berth_fail(err, BERTH_EPROTOCOL, "event: Actor.Attributes is not an object");
			m->in_attrs = kind == JS_START_MAP;
			return 0;
		}
		if (m->actor_id_key) {
			free(m->actor_id);
			m->actor_id = kind == JS_STRING ? strndup(s, len) : NULL;
			if (kind == JS_STRING && !m->actor_id)
				return BERTH_NOMEM(err);
		}
		return 0;
	}
	if (level == 3 && m->in_attrs) {
		if (kind == JS_KEY) {
			sbuf_reset(&m->key);
			return sbuf_add(&m->key, s, len) < 0 ? BERTH_NOMEM(err) : 0;
		}
		if (end)
			return 0;
		return attribute(m->ev, m->key.data ? m->key.data : "", kind, s, len) < 0 ? BERTH_NOMEM(err) : 0;
	}
	return 0;
}

static void event_map_release(event_map *m)
{
	event_free(m->ev);
	for (size_t i = 0; i < ARRAY_SIZE(m->member); i++)
		free(m->member[i]);
	free(m->actor_id);
	sbuf_release(&m->key);
}

static int64_t event_time(const event_map *m)
{
	if (m->nano_int && m->nano > 0)
		return m->nano;
	if (m->time_int && m->time > 0 && m->time < INT64_MAX / 1000000000LL)
		return m->time * 1000000000LL;
	return 0;
}

int engineapi_parse_event(berth_event **out, const char *line, size_t len, const events_dialect *d,
			  berth_error *err)
{
	if (!d)
		d = &eapi_docker_events_dialect;
	_cleanup_(event_map_release) event_map m = { .key = SBUF_INIT };
	m.ev = event_new();
	if (!m.ev)
		return BERTH_NOMEM(err);
	int r = js_parse(on_event, &m, "event", line, len, err);
	if (r < 0)
		return r;
	/* Before API 1.22 there were only status/id/from; both engines still send them. */
	const char *action = m.member[TOP_ACTION] ? m.member[TOP_ACTION] : m.member[TOP_STATUS];
	if (!action)
		return berth_fail(err, BERTH_EPROTOCOL, "event: no Action");
	const char *type = m.member[TOP_TYPE];
	const char *id = m.actor_seen && m.actor_id ? m.actor_id : m.member[TOP_ID];
	berth_event *ev = m.ev;
	if (dup_field(&ev->type, type ? type : "container") < 0 || dup_field(&ev->action, action) < 0 ||
	    dup_field(&ev->id, id) < 0)
		return BERTH_NOMEM(err);
	ev->time_ns = event_time(&m);
	const char *name = berth_event_attribute(ev, "name");
	const char *image = berth_event_attribute(ev, "image");
	if (!image)
		image = m.member[TOP_FROM];
	if (dup_field(&ev->name, name && name[0] == '/' ? name + 1 : name) < 0 || dup_field(&ev->image, image) < 0)
		return BERTH_NOMEM(err);

	ev->kind = BERTH_EVENT_OTHER;
	bool container = STREQ(ev->type, "container");
	for (const event_action *a = d->actions; container && a->action; a++)
		if (STREQ(a->action, action)) {
			ev->kind = a->kind;
			break;
		}
	if (container && startswith(action, HEALTH_PREFIX)) {
		const char *rest = action + strlen(HEALTH_PREFIX);
		const char *status = NULL;
		if (rest[0] == ':')
			status = rest + 1 + strspn(rest + 1, " ");
		else if (rest[0] == '\0' && d->health_in_member)
			status = m.member[TOP_HEALTH];
		if (status) {
			ev->kind = BERTH_EVENT_HEALTH;
			ev->health = health_word(status);
		}
	}
	if (ev->kind == BERTH_EVENT_DIED)
		ev->exit_code = small_number(berth_event_attribute(ev, "exitCode"));
	if (container && STREQ(action, "kill"))
		ev->signal = small_number(berth_event_attribute(ev, "signal"));
	*out = TAKE_PTR(m.ev);
	return 0;
}
