/* Events: the record behind the public berth_event (constructor,
 * attributes, accessors), the watch request, and the wall clock. */
#include "lib/model/event_model.h"

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

void events_query_release(events_query *q)
{
	strv_release(&q->containers);
	strv_release(&q->labels);
	strv_release(&q->types);
	strv_release(&q->actions);
	strv_release(&q->running_ids);
}
