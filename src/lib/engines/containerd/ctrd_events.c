/* containerd events: the envelope decoder and Events/Subscribe as the
 * source of a gap-free watch (watch.c).
 *
 * containerd keeps no event history: a subscription starts at the moment
 * it is made and nothing can be replayed. So the watch keeps its promise
 * from state instead: after every (re)subscription it lists the
 * containers with their tasks (src_list) and makes up what changed since
 * it last knew them (created, started, paused, died with the exit code
 * the task kept, destroyed). The container record gives each event the
 * name, image and labels berth keeps on it; filters the event service
 * cannot express (labels, names, types, actions) are applied here. */
#include "ctrd_events.h"
#include "ctrd_containerd.h"
#include "ctrd_lifecycle.h"
#include "ctrd_rpc.h"

#include "lib/kit/watch.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "api_events_container.pb-c.h"
#include "api_events_task.pb-c.h"
#include "api_services_events_v1_events.pb-c.h"

#define KNOWN_MAX 4096                  /* containers followed */
#define SUBSCRIBE_PATH "/containerd.services.events.v1.Events/Subscribe"

/* ---- the pure decoder ----------------------------------------------------------- */

const char *ctrd_event_docker_word(berth_event_kind kind)
{
	switch (kind) {
	case BERTH_EVENT_CREATED: return "create";
	case BERTH_EVENT_STARTED: return "start";
	case BERTH_EVENT_DIED: return "die";
	case BERTH_EVENT_OOM: return "oom";
	case BERTH_EVENT_PAUSED: return "pause";
	case BERTH_EVENT_UNPAUSED: return "unpause";
	case BERTH_EVENT_DESTROYED: return "destroy";
	case BERTH_EVENT_HEALTH: return "health_status";
	default: return NULL;
	}
}

static int64_t ts_ns(const Google__Protobuf__Timestamp *t)
{
	/* the representable range of ns since the epoch; anything else is 0 */
	if (!t || t->seconds < 0 || t->seconds >= INT64_MAX / 1000000000LL || t->nanos < 0 || t->nanos > 999999999)
		return 0;
	return (int64_t)t->seconds * 1000000000LL + t->nanos;
}

/* Unpack the Any's value with d; NULL when it does not decode. */
static ProtobufCMessage *unpack_any(const ProtobufCMessageDescriptor *d, const Google__Protobuf__Any *a)
{
	return protobuf_c_message_unpack(d, NULL, a->value.len, a->value.len ? a->value.data : (const uint8_t *)"");
}

int ctrd_parse_envelope(berth_event **out, char **out_ns, const uint8_t *msg, size_t len, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Events__V1__Envelope *env = (Containerd__Services__Events__V1__Envelope *)
		protobuf_c_message_unpack(&containerd__services__events__v1__envelope__descriptor, NULL, len,
					  len ? msg : (const uint8_t *)"");
	if (!env)
		return berth_fail(err, BERTH_EPROTOCOL, "containerd events: an undecodable envelope");
	_cleanup_(event_freep) berth_event *ev = event_new();
	if (!ev)
		return BERTH_NOMEM(err);
	const char *type_url = env->event && env->event->type_url ? env->event->type_url : "";
	const char *slash = strrchr(type_url, '/');
	const char *tname = slash ? slash + 1 : type_url;
	const char *id = "";
	berth_event_kind kind = BERTH_EVENT_OTHER;
	int exit_code = -1;
	char num[24], health_action[40] = "";
	_cleanup_pb_ ProtobufCMessage *m = NULL;
#define TAKE(T, desc)                                                                                  \
	T *x = (T *)(m = env->event ? unpack_any(&desc, env->event) : NULL);                            \
	if (!x)                                                                                         \
		return berth_fail(err, BERTH_EPROTOCOL, "containerd events: an undecodable %s", tname)
	int r = 0;
	if (STREQ(tname, "containerd.events.TaskCreate")) {
		TAKE(Containerd__Events__TaskCreate, containerd__events__task_create__descriptor);
		id = x->container_id;
	} else if (STREQ(tname, "containerd.events.TaskStart")) {
		TAKE(Containerd__Events__TaskStart, containerd__events__task_start__descriptor);
		id = x->container_id;
		kind = BERTH_EVENT_STARTED;
		snprintf(num, sizeof num, "%" PRIu32, x->pid);
		r = event_add_attribute(ev, "pid", num);
	} else if (STREQ(tname, "containerd.events.TaskExit")) {
		TAKE(Containerd__Events__TaskExit, containerd__events__task_exit__descriptor);
		id = x->container_id;
		snprintf(num, sizeof num, "%" PRIu32, x->exit_status);
		r = event_add_attribute(ev, "exitCode", num);
		if (r == 0 && !isempty(x->id) && !STREQ(x->id, strempty(x->container_id)))
			r = event_add_attribute(ev, "execID", x->id);   /* an exec's process */
		else {
			kind = BERTH_EVENT_DIED;
			exit_code = (int)(x->exit_status & 0xffff);
		}
	} else if (STREQ(tname, "containerd.events.TaskDelete")) {
		TAKE(Containerd__Events__TaskDelete, containerd__events__task_delete__descriptor);
		id = x->container_id;
		snprintf(num, sizeof num, "%" PRIu32, x->exit_status);
		r = event_add_attribute(ev, "exitCode", num);
	} else if (STREQ(tname, "containerd.events.TaskOOM")) {
		TAKE(Containerd__Events__TaskOOM, containerd__events__task_oom__descriptor);
		id = x->container_id;
		kind = BERTH_EVENT_OOM;
	} else if (STREQ(tname, "containerd.events.TaskPaused")) {
		TAKE(Containerd__Events__TaskPaused, containerd__events__task_paused__descriptor);
		id = x->container_id;
		kind = BERTH_EVENT_PAUSED;
	} else if (STREQ(tname, "containerd.events.TaskResumed")) {
		TAKE(Containerd__Events__TaskResumed, containerd__events__task_resumed__descriptor);
		id = x->container_id;
		kind = BERTH_EVENT_UNPAUSED;
	} else if (STREQ(tname, "containerd.events.TaskExecAdded")) {
		TAKE(Containerd__Events__TaskExecAdded, containerd__events__task_exec_added__descriptor);
		id = x->container_id;
		r = event_add_attribute(ev, "execID", strempty(x->exec_id));
	} else if (STREQ(tname, "containerd.events.TaskExecStarted")) {
		TAKE(Containerd__Events__TaskExecStarted, containerd__events__task_exec_started__descriptor);
		id = x->container_id;
		r = event_add_attribute(ev, "execID", strempty(x->exec_id));
	} else if (STREQ(tname, "containerd.events.ContainerCreate")) {
		TAKE(Containerd__Events__ContainerCreate, containerd__events__container_create__descriptor);
		id = x->id;
		kind = BERTH_EVENT_CREATED;
	} else if (STREQ(tname, "containerd.events.ContainerUpdate")) {
		TAKE(Containerd__Events__ContainerUpdate, containerd__events__container_update__descriptor);
		id = x->id;
	} else if (STREQ(tname, CTRD_HEALTH_EVENT_TYPE)) {
		/* berth's own (ctrd_health.c): laid out as a ContainerUpdate,
		 * the status in the label "status" */
		TAKE(Containerd__Events__ContainerUpdate, containerd__events__container_update__descriptor);
		id = x->id;
		const char *status = NULL;
		for (size_t i = 0; i < x->n_labels; i++)
			if (x->labels[i] && STREQ(strempty(x->labels[i]->key), "status"))
				status = strempty(x->labels[i]->value);
		ev->health = !status                    ? BERTH_HEALTH_NONE
			     : STREQ(status, "healthy")   ? BERTH_HEALTH_HEALTHY
			     : STREQ(status, "unhealthy") ? BERTH_HEALTH_UNHEALTHY
			     : STREQ(status, "starting")  ? BERTH_HEALTH_STARTING
							  : BERTH_HEALTH_NONE;
		if (ev->health != BERTH_HEALTH_NONE) {
			kind = BERTH_EVENT_HEALTH;
			snprintf(health_action, sizeof health_action, "health_status: %s", berth_health_name(ev->health));
		}
	} else if (STREQ(tname, "containerd.events.ContainerDelete")) {
		TAKE(Containerd__Events__ContainerDelete, containerd__events__container_delete__descriptor);
		id = x->id;
		kind = BERTH_EVENT_DESTROYED;
	}
#undef TAKE
	const char *topic = health_action[0] ? health_action : env->topic && env->topic[0] ? env->topic : tname;
	if (r < 0 || !(ev->type = strdup("container")) || !(ev->action = strdup(topic)) ||
	    !(ev->id = strdup(strempty(id))) || !(ev->name = strdup("")) || !(ev->image = strdup("")))
		return BERTH_NOMEM(err);
	_cleanup_free_ char *ns = strdup(strempty(env->namespace_));
	if (!ns)
		return BERTH_NOMEM(err);
	ev->kind = kind;
	ev->exit_code = exit_code;
	ev->time_ns = ts_ns(env->timestamp);
	*out = TAKE_PTR(ev);
	if (out_ns)
		*out_ns = TAKE_PTR(ns);
	return 0;
}

/* ---- the source of the watch ------------------------------------------------------ */

/* A container the source has seen: what its events carry. */
typedef struct known {
	char *id, *name, *image;
	strv keys, values;       /* its user labels */
} known;

typedef struct ctrd_events {
	struct berth_client *c;        /* borrowed */
	events_query q;                /* the filters (a copy) */
	grpc_stream *gs;
	sbuf msg;
	sbuf text;                     /* the event's JSON (the frame's data) */
	known *k;
	size_t k_len, k_cap;
} ctrd_events;

static known *known_find(ctrd_events *s, const char *id)
{
	for (size_t i = 0; i < s->k_len; i++)
		if (STREQ(s->k[i].id, id))
			return &s->k[i];
	return NULL;
}

static void known_release(known *k)
{
	free(k->id);
	free(k->name);
	free(k->image);
	strv_release(&k->keys);
	strv_release(&k->values);
}

static void known_drop(ctrd_events *s, known *k)
{
	size_t i = (size_t)(k - s->k);
	known_release(k);
	s->k[i] = s->k[--s->k_len];
}

/* Add id with its name, image and labels. */
static known *known_add(ctrd_events *s, const char *id, const char *name, const char *image, const strv *keys,
			const strv *values)
{
	if (s->k_len >= KNOWN_MAX)
		return NULL;
	known *n = array_grow(s->k, &s->k_cap, s->k_len, sizeof *n, 8);
	if (!n)
		return NULL;
	s->k = n;
	known k = { .id = strdup(id), .name = strdup(name ? name : ""), .image = strdup(image ? image : "") };
	bool ok = k.id && k.name && k.image;
	for (size_t i = 0; ok && i < keys->len; i++)
		ok = strv_push(&k.keys, keys->items[i]) == 0 && strv_push(&k.values, values->items[i]) == 0;
	if (!ok) {
		known_release(&k);
		return NULL;
	}
	s->k[s->k_len] = k;
	return &s->k[s->k_len++];
}

/* The container of an event, looked up on first sight. NULL when it is
 * gone already or cannot be told (the event then has the id only). */
static known *known_get(ctrd_events *s, const char *id)
{
	known *k = known_find(s, id);
	if (k || isempty(id))
		return k;
	berth_container_info *info = NULL;
	berth_error e = BERTH_ERROR_INIT;
	if (ctrd_container_inspect(&info, s->c, id, &e) < 0)
		return NULL;
	k = known_add(s, id, info->name, info->image, &info->label_keys, &info->label_values);
	berth_container_info_free(info);
	return k;
}

static int set_str(char **to, const char *v)
{
	char *n = strdup(v);
	if (!n)
		return -ENOMEM;
	free(*to);
	*to = n;
	return 0;
}

/* Give ev the name, image and labels of its container. */
static int enrich(berth_event *ev, const known *k)
{
	if (!k)
		return 0;
	if (set_str(&ev->name, k->name) < 0 || set_str(&ev->image, k->image) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < k->keys.len; i++)
		if (event_add_attribute(ev, k->keys.items[i], k->values.items[i]) < 0)
			return -ENOMEM;
	if ((k->name[0] && event_add_attribute(ev, "name", k->name) < 0) ||
	    (k->image[0] && event_add_attribute(ev, "image", k->image) < 0))
		return -ENOMEM;
	return 0;
}

static bool any_of(const strv *v, bool (*hit)(const char *f, const berth_event *ev), const berth_event *ev)
{
	if (v->len == 0)
		return true;
	for (size_t i = 0; i < v->len; i++)
		if (hit(v->items[i], ev))
			return true;
	return false;
}

static bool hit_container(const char *f, const berth_event *ev)
{
	return STREQ(f, ev->id) || STREQ(f, ev->name) || (strlen(f) >= 4 && startswith(ev->id, f));
}

static bool hit_type(const char *f, const berth_event *ev)
{
	return STREQ(f, ev->type);
}

static bool hit_action(const char *f, const berth_event *ev)
{
	const char *w = ctrd_event_docker_word(ev->kind);
	const char *last = strrchr(ev->action, '/');
	return (w && STREQ(f, w)) || STREQ(f, ev->action) || (last && STREQ(f, last + 1));
}

/* Every label filter ("k" or "k=v") must match. */
static bool labels_ok(const strv *filters, const berth_event *ev)
{
	for (size_t i = 0; i < filters->len; i++) {
		const char *f = filters->items[i], *eq = strchr(f, '=');
		size_t kl = eq ? (size_t)(eq - f) : strlen(f);
		bool hit = false;
		for (size_t j = 0; j < ev->keys.len && !hit; j++)
			hit = strlen(ev->keys.items[j]) == kl && memcmp(ev->keys.items[j], f, kl) == 0 &&
			      (!eq || STREQ(ev->values.items[j], eq + 1));
		if (!hit)
			return false;
	}
	return true;
}

/* The event service filters by namespace and topic only: the rest here. */
static bool src_wanted(const void *impl, const berth_event *ev)
{
	const ctrd_events *s = impl;
	return any_of(&s->q.types, hit_type, ev) && any_of(&s->q.containers, hit_container, ev) &&
	       any_of(&s->q.actions, hit_action, ev) && labels_ok(&s->q.labels, ev);
}

static void src_disconnect(void *impl)
{
	ctrd_events *s = impl;
	grpc_stream_close(s->gs);
	s->gs = NULL;
}

/* containerd replays nothing: since is not asked for (the watch checks the
 * followed containers after every subscription instead). */
static int src_subscribe(void *impl, bool first, int64_t since, int timeout_ms, berth_error *err)
{
	ctrd_events *s = impl;
	(void)since;
	char f1[160], f2[160], f3[160];
	const char *ns = s->c->ns ? s->c->ns : "default";
	snprintf(f1, sizeof f1, "namespace==\"%s\",topic~=\"^/tasks/\"", ns);
	snprintf(f2, sizeof f2, "namespace==\"%s\",topic~=\"^/containers/\"", ns);
	snprintf(f3, sizeof f3, "namespace==\"%s\",topic==\"%s\"", ns, CTRD_HEALTH_EVENT_TOPIC);
	char *filters[] = { f1, f2, f3 };
	Containerd__Services__Events__V1__SubscribeRequest req = CONTAINERD__SERVICES__EVENTS__V1__SUBSCRIBE_REQUEST__INIT;
	req.n_filters = ARRAY_SIZE(filters);
	req.filters = filters;
	size_t len = protobuf_c_message_get_packed_size(&req.base);
	_cleanup_free_ uint8_t *body = malloc(len ? len : 1);
	if (!body)
		return BERTH_NOMEM(err);
	protobuf_c_message_pack(&req.base, body);
	if (first)
		timeout_ms = s->c->timeout_ms > 0 ? s->c->timeout_ms : 5000;
	src_disconnect(s);
	return grpc_stream_open(&s->gs, grpc_channel_uri(ctrd_channel(s->c)), SUBSCRIBE_PATH, s->c->ns, body, len,
				timeout_ms > 0 ? timeout_ms : 1, err);
}

static int src_next(void *impl, berth_event **out, const char **data, size_t *len, int timeout_ms, bool *fatal,
		    berth_error *err)
{
	ctrd_events *s = impl;
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (;;) {
		int r = grpc_stream_next(s->gs, &s->msg, remaining_ms(deadline), err);
		if (r < 0) {
			*fatal = r == BERTH_ENOMEM || r == BERTH_EPROTOCOL;
			return r;
		}
		berth_event *ev = NULL;
		_cleanup_free_ char *ns = NULL;
		r = ctrd_parse_envelope(&ev, &ns, (const uint8_t *)s->msg.data, s->msg.len, err);
		if (r < 0) {
			*fatal = true;
			return r;
		}
		_cleanup_(event_freep) berth_event *owned = ev;
		if (s->c->ns && !STREQ(ns, s->c->ns))
			continue;
		bool gone = ev->kind == BERTH_EVENT_DESTROYED;
		known *k = gone ? known_find(s, ev->id) : known_get(s, ev->id);
		sbuf_reset(&s->text);
		if (enrich(ev, k) < 0 || event_docker_json(&s->text, ev) < 0) {
			*fatal = true;
			return BERTH_NOMEM(err);
		}
		if (k && gone)
			known_drop(s, k);
		*out = TAKE_PTR(owned);
		*data = s->text.data;
		*len = s->text.len;
		return 0;
	}
}

static int src_fd(const void *impl)
{
	const ctrd_events *s = impl;
	return s->gs ? grpc_stream_fd(s->gs) : -1;
}

static int src_inspect(berth_container_info **out, void *impl, const char *id, int timeout_ms, berth_error *err)
{
	(void)timeout_ms;   /* a unary call on the client's channel, with its deadline */
	ctrd_events *s = impl;
	return ctrd_container_inspect(out, s->c, id, err);
}

/* A made-up event carries what the engine's own do here: the record's
 * name, image and labels. After a made-up DESTROYED the record is
 * forgotten (the id may come back as another container). */
static int src_decorate(void *impl, berth_event *ev, const berth_container_info *info)
{
	(void)info;
	known *k = known_find(impl, ev->id);
	int r = enrich(ev, k);
	if (k && ev->kind == BERTH_EVENT_DESTROYED)
		known_drop(impl, k);
	return r;
}

/* The containers now; what their events carry is known from here on
 * (no lookup on an event's first sight). */
static int src_list(watch_list *out, void *impl, berth_error *err)
{
	ctrd_events *s = impl;
	int r = ctrd_container_states(out, s->c, err);
	for (size_t i = 0; r == 0 && i < out->len; i++) {
		const watch_container *x = &out->items[i];
		if (!known_find(s, x->id))
			known_add(s, x->id, x->name, x->image, &x->label_keys, &x->label_values);
	}
	return r;
}

static void src_free(void *impl)
{
	ctrd_events *s = impl;
	if (!s)
		return;
	grpc_stream_close(s->gs);
	for (size_t i = 0; i < s->k_len; i++)
		known_release(&s->k[i]);
	free(s->k);
	sbuf_release(&s->msg);
	sbuf_release(&s->text);
	events_query_release(&s->q);
	free(s);
}

static const watch_source_ops ctrd_source = {
	.subscribe = src_subscribe,
	.next = src_next,
	.fd = src_fd,
	.disconnect = src_disconnect,
	.inspect = src_inspect,
	.decorate = src_decorate,
	.wanted = src_wanted,
	.free = src_free,
	.died_action = "/tasks/exit",
	.destroyed_action = "/containers/delete",
	.list = src_list,
	.created_action = "/containers/create",
	.started_action = "/tasks/start",
	.paused_action = "/tasks/paused",
	.unpaused_action = "/tasks/resumed",
	.replays = false,
};

int ctrd_events_watch(berth_stream **out, struct berth_client *c, const events_query *q, berth_error *err)
{
	ctrd_events *s = calloc(1, sizeof *s);
	if (!s)
		return BERTH_NOMEM(err);
	s->c = c;
	if (events_query_copy(&s->q, q) < 0) {
		src_free(s);
		return BERTH_NOMEM(err);
	}
	/* the listed running containers: their records now, for the events
	 * made up should they be gone by the first check */
	for (size_t i = 0; i < q->running_ids.len; i++)
		known_get(s, q->running_ids.items[i]);
	return watch_stream_new(out, c, q, &ctrd_source, s, err);
}

int ctrd_clock_ns(int64_t *out, struct berth_client *c, berth_error *err)
{
	(void)c;
	(void)err;
	*out = wall_ns();   /* containerd runs on this host: its clock is ours */
	return 0;
}
