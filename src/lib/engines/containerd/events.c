/* containerd events: Events/Subscribe as a typed berth_stream with the
 * contract of the Engine API one (engineapi/events.c).
 *
 * containerd keeps no event history: a subscription starts at the moment
 * it is made and nothing can be replayed. So the gap-free promise is kept
 * from state instead: the stream follows the containers it saw running
 * (and those a list-then-watch handed it), and after every (re)subscription
 * inspects them and makes up the DIED (with the exit code the task kept)
 * and DESTROYED they missed. The container record gives each event the
 * name, image and labels berth keeps on it; filters the event service
 * cannot express (labels, names, types, actions) are applied here. */
#include "events.h"
#include "containerd.h"
#include "lifecycle.h"

#include "../../stream.h"

#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

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
	char num[24];
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
	} else if (STREQ(tname, "containerd.events.ContainerDelete")) {
		TAKE(Containerd__Events__ContainerDelete, containerd__events__container_delete__descriptor);
		id = x->id;
		kind = BERTH_EVENT_DESTROYED;
	}
#undef TAKE
	const char *topic = env->topic && env->topic[0] ? env->topic : tname;
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

/* ---- the stream ------------------------------------------------------------------ */

/* A container the stream knows: what its events carry, and whether it is
 * followed for made-up events. */
typedef struct known {
	char *id, *name, *image;
	strv keys, values;       /* its user labels */
	bool running;
	bool made_died, made_destroyed;
} known;

typedef enum ev_state { EV_CONNECTED, EV_WAITING } ev_state;

typedef struct ctrd_events {
	struct berth_client *c;        /* borrowed */
	events_query q;
	grpc_stream *gs;
	sbuf msg;
	berth_event *cur;
	sbuf text;                     /* the frame's data */
	known *k;
	size_t k_len, k_cap;
	ev_state state;
	events_retry rt;
	int timer_fd;
	bool announce_reconnect;
	size_t check_pos, check_end;   /* known[] entries still to inspect */
	berth_event *made[2];
	size_t made_len;
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
	if (s->check_end > s->k_len)
		s->check_end = s->k_len;
}

/* Add id with what inspect says of it (info may be NULL: the id only). */
static known *known_add(ctrd_events *s, const char *id, const berth_container_info *info)
{
	if (s->k_len >= KNOWN_MAX)
		return NULL;
	if (s->k_len == s->k_cap) {
		size_t cap = s->k_cap ? s->k_cap * 2 : 8;
		known *n = realloc(s->k, cap * sizeof *n);
		if (!n)
			return NULL;
		s->k = n;
		s->k_cap = cap;
	}
	known k = { .id = strdup(id), .name = strdup(info && info->name ? info->name : ""),
		    .image = strdup(info && info->image ? info->image : "") };
	bool ok = k.id && k.name && k.image;
	for (size_t i = 0; ok && info && i < info->label_keys.len; i++)
		ok = strv_push(&k.keys, info->label_keys.items[i]) == 0 &&
		     strv_push(&k.values, info->label_values.items[i]) == 0;
	if (!ok) {
		known_release(&k);
		return NULL;
	}
	s->k[s->k_len] = k;
	return &s->k[s->k_len++];
}

/* The container id of an event, looked up on first sight. NULL when it is
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
	k = known_add(s, id, info);
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

static bool wanted(const ctrd_events *s, const berth_event *ev)
{
	return any_of(&s->q.types, hit_type, ev) && any_of(&s->q.containers, hit_container, ev) &&
	       any_of(&s->q.actions, hit_action, ev) && labels_ok(&s->q.labels, ev);
}

/* Follow a container; false when the event is the engine's copy of one
 * berth made up already. */
static bool follow(ctrd_events *s, known *k, const berth_event *ev)
{
	if (!k)
		return true;
	switch (ev->kind) {
	case BERTH_EVENT_STARTED:
		k->running = true;
		k->made_died = k->made_destroyed = false;
		return true;
	case BERTH_EVENT_DIED:
		if (k->made_died && !k->running)
			return false;
		k->running = false;
		return true;
	case BERTH_EVENT_DESTROYED: {
		bool made = k->made_destroyed;
		known_drop(s, k);
		return !made;
	}
	default:
		return true;
	}
}

static int subscribe(ctrd_events *s, int timeout_ms, berth_error *err)
{
	char f1[160], f2[160];
	snprintf(f1, sizeof f1, "namespace==\"%s\",topic~=\"^/tasks/\"", s->c->ns ? s->c->ns : "default");
	snprintf(f2, sizeof f2, "namespace==\"%s\",topic~=\"^/containers/\"", s->c->ns ? s->c->ns : "default");
	char *filters[] = { f1, f2 };
	Containerd__Services__Events__V1__SubscribeRequest req = CONTAINERD__SERVICES__EVENTS__V1__SUBSCRIBE_REQUEST__INIT;
	req.n_filters = 2;
	req.filters = filters;
	size_t len = protobuf_c_message_get_packed_size(&req.base);
	_cleanup_free_ uint8_t *body = malloc(len ? len : 1);
	if (!body)
		return BERTH_NOMEM(err);
	protobuf_c_message_pack(&req.base, body);
	grpc_stream *gs = NULL;
	int r = grpc_stream_open(&gs, grpc_channel_uri(ctrd_channel(s->c)), SUBSCRIBE_PATH, s->c->ns, body, len,
				 timeout_ms > 0 ? timeout_ms : 1, err);
	if (r < 0)
		return r;
	s->gs = gs;
	/* containerd replays nothing: what the followed containers did while
	 * berth was not subscribed comes from their state */
	s->check_pos = 0;
	s->check_end = s->k_len;
	return 0;
}

static int text_frame(ctrd_events *s, berth_frame *out, berth_channel ch, berth_event *ev, const char *text,
		      berth_error *err)
{
	s->cur = ev;
	sbuf_reset(&s->text);
	if (sbuf_adds(&s->text, text) < 0)
		return BERTH_NOMEM(err);
	out->channel = ch;
	out->data = s->text.data;
	out->len = s->text.len;
	out->time_ns = ev->time_ns;
	out->item = ev;
	return 0;
}

static int system_frame(ctrd_events *s, berth_frame *out, berth_event_kind kind, const char *text, berth_error *err)
{
	berth_event *ev = event_system(kind);
	if (!ev)
		return BERTH_NOMEM(err);
	return text_frame(s, out, BERTH_CHANNEL_SYSTEM, ev, text, err);
}

/* An event as one line of JSON (the frame's data). */
static int event_frame(ctrd_events *s, berth_frame *out, berth_event *ev, berth_error *err)
{
	s->cur = ev;
	sbuf_reset(&s->text);
	sbuf *b = &s->text;
	int r = sbuf_adds(b, "{\"Type\":") | ctrd_json_str(b, ev->type) | sbuf_adds(b, ",\"Action\":") |
		ctrd_json_str(b, ev->action) | sbuf_adds(b, ",\"id\":") | ctrd_json_str(b, ev->id) |
		sbuf_adds(b, ",\"Actor\":{\"ID\":") | ctrd_json_str(b, ev->id) | sbuf_adds(b, ",\"Attributes\":{");
	for (size_t i = 0; r == 0 && i < ev->keys.len; i++)
		r = (i ? sbuf_addc(b, ',') : 0) | ctrd_json_str(b, ev->keys.items[i]) | sbuf_addc(b, ':') |
		    ctrd_json_str(b, ev->values.items[i]);
	if (r < 0 || sbuf_printf(b, "}},\"time\":%" PRId64 ",\"timeNano\":%" PRId64 "}", (int64_t)(ev->time_ns / 1000000000LL),
				 ev->time_ns) < 0)
		return BERTH_NOMEM(err);
	out->channel = BERTH_CHANNEL_STDOUT;
	out->data = b->data;
	out->len = b->len;
	out->time_ns = ev->time_ns;
	out->item = ev;
	return 0;
}

static int make_event(berth_event **out, const known *k, berth_event_kind kind, const char *action,
		      const berth_container_info *info, int64_t at)
{
	_cleanup_(event_freep) berth_event *ev = event_new();
	if (!ev || !(ev->type = strdup("container")) || !(ev->action = strdup(action)) || !(ev->id = strdup(k->id)) ||
	    !(ev->name = strdup("")) || !(ev->image = strdup("")) || enrich(ev, k) < 0)
		return -ENOMEM;
	ev->kind = kind;
	ev->synthesized = true;
	ev->time_ns = at;
	if (kind == BERTH_EVENT_DIED && info) {
		char code[16];
		ev->exit_code = info->exit_code;
		snprintf(code, sizeof code, "%d", info->exit_code);
		if (event_add_attribute(ev, "exitCode", code) < 0)
			return -ENOMEM;
	}
	if (event_add_attribute(ev, "berth.synthesized", "true") < 0)
		return -ENOMEM;
	*out = TAKE_PTR(ev);
	return 0;
}

/* Inspect one followed container: queue the DIED / DESTROYED it missed. */
static int check_one(ctrd_events *s, berth_error *err)
{
	known *k = &s->k[s->check_pos];
	if (!k->running) {
		s->check_pos++;
		return 0;
	}
	berth_container_info *info = NULL;
	berth_error e = BERTH_ERROR_INIT;
	int r = ctrd_container_inspect(&info, s->c, k->id, &e);
	if (r < 0 && r != BERTH_ENOTFOUND) {
		s->check_pos++;   /* cannot tell */
		return 0;
	}
	bool gone = r == BERTH_ENOTFOUND;
	bool stopped = gone || (info->state != BERTH_STATE_RUNNING && info->state != BERTH_STATE_PAUSED);
	int64_t at = 0;
	if (info && info->finished_at && parse_rfc3339_ns(info->finished_at, strlen(info->finished_at), &at) < 0)
		at = 0;
	if (at <= 0)
		at = wall_ns();
	berth_event *died = NULL, *destroyed = NULL;
	int m = 0;
	if (stopped)
		m = make_event(&died, k, BERTH_EVENT_DIED, "/tasks/exit", info, at);
	if (m == 0 && gone)
		m = make_event(&destroyed, k, BERTH_EVENT_DESTROYED, "/containers/delete", info, at);
	berth_container_info_free(info);
	if (m < 0) {
		event_free(died);
		return BERTH_NOMEM(err);
	}
	if (died && wanted(s, died))
		s->made[s->made_len++] = died;
	else
		event_free(died);
	if (destroyed && wanted(s, destroyed))
		s->made[s->made_len++] = destroyed;
	else
		event_free(destroyed);
	if (stopped) {
		k->running = false;
		k->made_died = true;
		k->made_destroyed = gone;
	}
	s->check_pos++;
	return 0;
}

static void arm_timer(ctrd_events *s)
{
	events_timer_arm(&s->timer_fd, s->rt.next_attempt_ms);
}

static void disconnect(ctrd_events *s, const char *why)
{
	grpc_stream_close(s->gs);
	s->gs = NULL;
	s->state = EV_WAITING;
	events_retry_down(&s->rt, why);
	arm_timer(s);
}

/* One reconnect attempt when it is due: 1 = subscribed again. */
static int try_reconnect(ctrd_events *s, int timeout_ms, berth_error *err)
{
	int r = events_retry_due(&s->rt, &timeout_ms, err);
	if (r < 0)
		return r;
	berth_error e = BERTH_ERROR_INIT;
	r = subscribe(s, timeout_ms < 0 || timeout_ms > 5000 ? 5000 : timeout_ms, &e);
	if (r == 0) {
		s->state = EV_CONNECTED;
		s->announce_reconnect = true;
		return 1;
	}
	if (r == BERTH_ENOMEM) {
		*err = e;
		return r;
	}
	r = events_retry_failed(&s->rt, e.message, s->q.max_reconnect_ms, err);
	arm_timer(s);
	return r;
}

/* One message from the subscription: 1 = an event to hand out, 0 = skipped. */
static int take_message(ctrd_events *s, berth_frame *out, berth_error *err)
{
	berth_event *ev = NULL;
	_cleanup_free_ char *ns = NULL;
	int r = ctrd_parse_envelope(&ev, &ns, (const uint8_t *)s->msg.data, s->msg.len, err);
	if (r < 0)
		return r;
	_cleanup_(event_freep) berth_event *owned = ev;
	if (s->c->ns && !STREQ(ns, s->c->ns))
		return 0;
	known *k = ev->kind == BERTH_EVENT_DESTROYED ? known_find(s, ev->id) : known_get(s, ev->id);
	if (enrich(ev, k) < 0)
		return BERTH_NOMEM(err);
	bool want = wanted(s, ev);
	if (!follow(s, k, ev) || !want)
		return 0;
	if (k && ev->kind == BERTH_EVENT_STARTED)
		k->running = true;
	return event_frame(s, out, TAKE_PTR(owned), err) < 0 ? BERTH_ENOMEM : 1;
}

static bool past_until(const ctrd_events *s)
{
	return s->q.until_ns && wall_ns() >= s->q.until_ns;
}

static int ce_next(void *impl, berth_frame *out, int timeout_ms, berth_error *err)
{
	ctrd_events *s = impl;
	event_free(s->cur);
	s->cur = NULL;
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (;;) {
		if (s->state == EV_WAITING) {
			if (past_until(s))
				return BERTH_ITEROVER;
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
			return event_frame(s, out, ev, err);
		}
		if (s->check_pos < s->check_end) {
			int r = check_one(s, err);
			if (r < 0)
				return r;
			continue;
		}
		if (past_until(s))
			return BERTH_ITEROVER;
		int wait = remaining_ms(deadline);
		if (s->q.until_ns) {
			int64_t left = (s->q.until_ns - wall_ns()) / 1000000 + 1;
			if (wait < 0 || wait > left)
				wait = (int)left;
		}
		berth_error e = BERTH_ERROR_INIT;
		int r = grpc_stream_next(s->gs, &s->msg, wait, &e);
		if (r == 0) {
			r = take_message(s, out, err);
			if (r == 1 && s->q.until_ns && s->cur->time_ns > s->q.until_ns) {
				event_free(s->cur);
				s->cur = NULL;
				return BERTH_ITEROVER;
			}
			if (r != 0)
				return r < 0 ? r : 0;
			continue;
		}
		if (r == BERTH_ETIMEDOUT) {
			if (past_until(s))
				return BERTH_ITEROVER;
			if (remaining_ms(deadline) != 0) {
				continue;
			}
			*err = e;
			return r;
		}
		if (r == BERTH_ENOMEM || r == BERTH_EPROTOCOL) {
			*err = e;
			return r;
		}
		const char *why = r == BERTH_ITEROVER ? "the engine ended the event stream" : e.message;
		if (!s->q.reconnect)
			return berth_fail(err, BERTH_EUNAVAILABLE, "events: %s: %s", s->c->endpoint, why);
		char msg[600];
		snprintf(msg, sizeof msg, "events: lost %.80s: %.400s", s->c->endpoint, why);
		disconnect(s, why);
		return system_frame(s, out, BERTH_EVENT_DISCONNECTED, msg, err);
	}
}

static int ce_fd(const void *impl)
{
	const ctrd_events *s = impl;
	if (s->state == EV_WAITING || s->announce_reconnect || s->made_len || s->check_pos < s->check_end) {
		if (s->state != EV_WAITING && s->timer_fd >= 0) {
			/* something is ready at once: a timer that fired */
			struct itimerspec its = { .it_value = { 0, 1 } };
			timerfd_settime(s->timer_fd, 0, &its, NULL);
		}
		return s->timer_fd;
	}
	return s->gs ? grpc_stream_fd(s->gs) : -1;
}

static void ce_free(void *impl)
{
	ctrd_events *s = impl;
	if (!s)
		return;
	grpc_stream_close(s->gs);
	event_free(s->cur);
	for (size_t i = 0; i < s->made_len; i++)
		event_free(s->made[i]);
	for (size_t i = 0; i < s->k_len; i++)
		known_release(&s->k[i]);
	free(s->k);
	sbuf_release(&s->msg);
	sbuf_release(&s->text);
	events_query_release(&s->q);
	if (s->timer_fd >= 0)
		close(s->timer_fd);
	free(s);
}

static const stream_ops ctrd_events_ops = {
	.kind = "events",
	.next = ce_next,
	.fd = ce_fd,
	.free = ce_free,
};

int ctrd_events_watch(berth_stream **out, struct berth_client *c, const events_query *q, berth_error *err)
{
	ctrd_events *s = calloc(1, sizeof *s);
	if (!s)
		return BERTH_NOMEM(err);
	s->c = c;
	/* the timer doubles as the "ready at once" fd */
	s->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	int r = 0;
	if (events_query_copy(&s->q, q) < 0)
		r = BERTH_NOMEM(err);
	/* list-then-watch: the listed running containers are followed, and
	 * checked once subscribed (a die between the list and the
	 * subscription is made up from their state) */
	for (size_t i = 0; r == 0 && i < q->running_ids.len; i++) {
		known *k = known_get(s, q->running_ids.items[i]);
		if (!k && !(k = known_add(s, q->running_ids.items[i], NULL)))
			r = BERTH_NOMEM(err);
		else
			k->running = true;
	}
	if (r == 0)
		r = subscribe(s, c->timeout_ms > 0 ? c->timeout_ms : 5000, err);
	if (r < 0) {
		ce_free(s);
		return r;
	}
	return stream_new(out, &ctrd_events_ops, s, err);
}

int ctrd_clock_ns(int64_t *out, struct berth_client *c, berth_error *err)
{
	(void)c;
	(void)err;
	*out = wall_ns();   /* containerd runs on this host: its clock is ours */
	return 0;
}
