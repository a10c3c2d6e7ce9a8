/* Engine API event lines -> berth_event. Docker and Podman send the same
 * shape ({"Type", "Action", "Actor": {"ID", "Attributes"}, "time",
 * "timeNano", ...}); the words differ, and the dialect says how. */
#include "eapi_events_parse.h"
#include "eapi_parse.h"

#include <jansson.h>
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

/* The attribute value as text: strings as they are, numbers and booleans
 * written out, anything else skipped (NULL). */
static const char *attribute_text(json_t *v, char *buf, size_t size)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return NULL;
}

static int64_t event_time(json_t *j)
{
	json_t *nano = json_object_get(j, "timeNano");
	if (json_is_integer(nano) && json_integer_value(nano) > 0)
		return json_integer_value(nano);
	json_t *sec = json_object_get(j, "time");
	if (json_is_integer(sec) && json_integer_value(sec) > 0 && json_integer_value(sec) < INT64_MAX / 1000000000LL)
		return json_integer_value(sec) * 1000000000LL;
	return 0;
}

int engineapi_parse_event(berth_event **out, const char *line, size_t len, const events_dialect *d,
			  berth_error *err)
{
	if (!d)
		d = &eapi_docker_events_dialect;
	engineapi_json_init();
	json_error_t jerr;
	_cleanup_json_ json_t *j = json_loadb(line ? line : "", len, 0, &jerr);
	if (!json_is_object(j))
		return berth_fail(err, BERTH_EPROTOCOL, "event: not a JSON object (%s)", j ? "other JSON" : jerr.text);
	json_t *actor = json_object_get(j, "Actor");
	if (actor && !json_is_object(actor))
		return berth_fail(err, BERTH_EPROTOCOL, "event: Actor is not an object");
	json_t *attrs = actor ? json_object_get(actor, "Attributes") : NULL;
	if (attrs && !json_is_object(attrs) && !json_is_null(attrs))
		return berth_fail(err, BERTH_EPROTOCOL, "event: Actor.Attributes is not an object");
	/* Before API 1.22 there were only status/id/from; both engines still send them. */
	const char *action = json_string_value(json_object_get(j, "Action"));
	if (!action)
		action = json_string_value(json_object_get(j, "status"));
	if (!action)
		return berth_fail(err, BERTH_EPROTOCOL, "event: no Action");
	const char *type = json_string_value(json_object_get(j, "Type"));
	const char *id = actor ? json_string_value(json_object_get(actor, "ID")) : NULL;
	if (!id)
		id = json_string_value(json_object_get(j, "id"));

	_cleanup_(event_freep) berth_event *ev = event_new();
	if (!ev || dup_field(&ev->type, type ? type : "container") < 0 || dup_field(&ev->action, action) < 0 ||
	    dup_field(&ev->id, id) < 0)
		return BERTH_NOMEM(err);
	ev->time_ns = event_time(j);

	if (json_is_object(attrs)) {
		const char *key;
		json_t *v;
		json_object_foreach(attrs, key, v) {
			char num[32];
			const char *text = attribute_text(v, num, sizeof num);
			if (text && event_add_attribute(ev, key, text) < 0)
				return BERTH_NOMEM(err);
		}
	}
	const char *name = berth_event_attribute(ev, "name");
	const char *image = berth_event_attribute(ev, "image");
	if (!image)
		image = json_string_value(json_object_get(j, "from"));
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
			status = json_string_value(json_object_get(j, "HealthStatus"));
		if (status) {
			ev->kind = BERTH_EVENT_HEALTH;
			ev->health = health_word(status);
		}
	}
	if (ev->kind == BERTH_EVENT_DIED)
		ev->exit_code = small_number(berth_event_attribute(ev, "exitCode"));
	if (container && STREQ(action, "kill"))
		ev->signal = small_number(berth_event_attribute(ev, "signal"));
	*out = TAKE_PTR(ev);
	return 0;
}
