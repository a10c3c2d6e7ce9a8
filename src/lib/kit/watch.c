/* The gap-free event watch over an engine's source (see watch.h). */
#include "watch.h"
#include "lib/engine.h"
#include "stream.h"

#include "lib/parse/rfc3339.h"

#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

/* De-duplication: the identities of the last RECENT_MAX events handed out,
 * in a ring with an open-addressing index (RECENT_SLOTS, at most half
 * full) so that a lookup costs a probe or two, not a scan. 64 KiB of ring
 * (touched as events come) and 16 KiB of index per watch, whatever it runs. */
#define RECENT_MAX 4096
#define RECENT_SLOTS 8192
#define RESUME_MARGIN_NS 1000000000LL   /* replay from this long before the last event */
#define TRACK_MAX 4096                  /* containers followed for made-up events */
/* After a reconnect, an engine's replay comes first (within milliseconds on
 * a local engine); the followed containers are checked after this long, so
 * that the engine's own DIED is handed out where it has one. */
#define REPLAY_WAIT_MS 250
#define ATTEMPT_MAX_MS 5000             /* one reconnect attempt at most */

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
	berth_state state;    /* as its events (or the last list) tell; UNKNOWN: running */
	int64_t created_ns;   /* as the last list told; 0: not known */
	unsigned made_kinds;  /* kinds made up from the last list: the engine's copies
	                         (events from before the list) are dropped */
	bool gone;            /* the last list did not have it (DESTROYED made up) */
} tracked;

#define KIND_BIT(k) (1u << (unsigned)(k))

typedef enum watch_state { W_CONNECTED, W_WAITING } watch_state;

typedef struct watch {
	struct berth_client *c;       /* borrowed: the stream lives shorter than its client */
	const watch_source_ops *ops;  /* &ops_copy */
	watch_source_ops ops_copy;
	void *src;
	events_query q;
	berth_event *cur;             /* the event handed out last */
	sbuf text;                    /* data of a frame made here */
	int64_t start_ns;             /* when the watch began */
	int64_t last_ns;              /* time of the last event handed out */
	ident *recent;                /* ring of RECENT_MAX */
	uint16_t *recent_slot;        /* RECENT_SLOTS: ring index + 1, 0 empty */
	size_t recent_len, recent_pos;
	tracked *track;
	size_t track_len, track_cap;
	watch_state state;
	events_retry rt;
	int timer_fd;                 /* the fd while waiting, or with frames ready here */
	bool announce_reconnect;
	size_t check_pos;             /* next track[] entry to inspect ... */
	size_t check_end;             /* ... up to this one (those known at the subscription) */
	int64_t check_at_ms;          /* ... once the engine's replay had this long to come */
	berth_event **made;           /* made-up events waiting to be handed out ... */
	size_t made_head, made_len, made_cap;   /* ... made[made_head .. made_len) */
	int64_t listed_ns;            /* when the last list (ops->list) came back */
} watch;

/* ---- identities and tracking --------------------------------------------------- */

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;
}

static ident ident_of(const berth_event *ev)
{
	uint64_t h = fnv(fnv(fnv(fnv(14695981039346656037ULL, ev->type), ev->action), ev->id), ev->name);
	return (ident){ ev->time_ns, h };
}

static size_t recent_home(ident id)
{
	uint64_t k = (id.hash ^ (uint64_t)id.time_ns) * 0x9e3779b97f4a7c15ULL;
	return (size_t)(k >> 51) & (RECENT_SLOTS - 1);   /* 13 bits: RECENT_SLOTS */
}

static bool ident_eq(ident a, ident b)
{
	return a.time_ns == b.time_ns && a.hash == b.hash;
}

static bool seen(const watch *w, ident id)
{
	for (size_t b = recent_home(id); w->recent_slot[b]; b = (b + 1) & (RECENT_SLOTS - 1))
		if (ident_eq(w->recent[w->recent_slot[b] - 1], id))
			return true;
	return false;
}

/* Take ring entry i out of the index: find its slot, then move later
 * entries of the probe run back so that no lookup stops short. */
static void recent_unindex(watch *w, size_t i)
{
	const size_t mask = RECENT_SLOTS - 1;
	size_t b = recent_home(w->recent[i]);
	while (w->recent_slot[b] != i + 1) {
		if (!w->recent_slot[b])
			return;   /* not indexed (cannot happen) */
		b = (b + 1) & mask;
	}
	for (size_t j = (b + 1) & mask; w->recent_slot[j]; j = (j + 1) & mask) {
		size_t home = recent_home(w->recent[w->recent_slot[j] - 1]);
		/* j's entry may move to b unless its home lies in (b, j] */
		bool stays = b <= j ? (home > b && home <= j) : (home > b || home <= j);
		if (!stays) {
			w->recent_slot[b] = w->recent_slot[j];
			b = j;
		}
	}
	w->recent_slot[b] = 0;
}

static void remember(watch *w, ident id)
{
	if (w->recent_len == RECENT_MAX)
		recent_unindex(w, w->recent_pos);
	w->recent[w->recent_pos] = id;
	size_t b = recent_home(id);
	while (w->recent_slot[b])
		b = (b + 1) & (RECENT_SLOTS - 1);
	w->recent_slot[b] = (uint16_t)(w->recent_pos + 1);
	w->recent_pos = (w->recent_pos + 1) % RECENT_MAX;
	if (w->recent_len < RECENT_MAX)
		w->recent_len++;
}

static tracked *track_find(watch *w, const char *id)
{
	for (size_t i = 0; i < w->track_len; i++)
		if (STREQ(w->track[i].id, id))
			return &w->track[i];
	return NULL;
}

/* Follow id, known not to be followed yet; NULL beyond TRACK_MAX or
 * without memory. */
static tracked *track_add_new(watch *w, const char *id)
{
	if (w->track_len >= TRACK_MAX)
		return NULL;
	tracked *n = array_grow(w->track, &w->track_cap, w->track_len, sizeof *n, 8);
	if (!n)
		return NULL;
	w->track = n;
	char *copy = strdup(id);
	if (!copy)
		return NULL;
	tracked *t = &w->track[w->track_len++];
	*t = (tracked){ .id = copy };
	return t;
}

static tracked *track_add(watch *w, const char *id)
{
	tracked *t = track_find(w, id);
	return t ? t : track_add_new(w, id);
}

static int by_tracked_id(const void *a, const void *b, void *wp)
{
	const watch *w = wp;
	return strcmp(w->track[*(const size_t *)a].id, w->track[*(const size_t *)b].id);
}

/* The positions of the followed containers sorted by id, for
 * track_lookup() until the next add or drop; NULL: no memory. */
static size_t *track_index(const watch *w)
{
	size_t *ix = malloc((w->track_len ? w->track_len : 1) * sizeof *ix);
	if (!ix)
		return NULL;
	for (size_t i = 0; i < w->track_len; i++)
		ix[i] = i;
	if (w->track_len)
		qsort_r(ix, w->track_len, sizeof *ix, by_tracked_id, (void *)w);
	return ix;
}

static tracked *track_lookup(watch *w, const size_t *ix, size_t n, const char *id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(id, w->track[ix[mid]].id);
		if (cmp == 0)
			return &w->track[ix[mid]];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static void track_drop(watch *w, tracked *t)
{
	size_t i = (size_t)(t - w->track);
	free(t->id);
	w->track[i] = w->track[--w->track_len];
	if (w->check_end > w->track_len)
		w->check_end = w->track_len;
}

/* Follow a container event; false when it is the engine's copy of an
 * event made up already, or a HEALTH that is no change. */
static bool track_event(watch *w, const berth_event *ev)
{
	if (!STREQ(ev->type, "container") || isempty(ev->id))
		return true;
	tracked *t = track_find(w, ev->id);
	if (t && (t->made_kinds & KIND_BIT(ev->kind)) && ev->time_ns <= w->listed_ns) {
		/* it happened before the list that made it up: a copy */
		t->made_kinds &= ~KIND_BIT(ev->kind);
		if (t->gone && ev->kind == BERTH_EVENT_DESTROYED)
			track_drop(w, t);
		return false;
	}
	if (t && t->gone) {
		if (ev->kind != BERTH_EVENT_CREATED)
			return true;   /* the rest of a gone one's story, not followed */
		*t = (tracked){ .id = t->id };   /* a new container of the same id */
	}
	switch (ev->kind) {
	case BERTH_EVENT_CREATED:
		if (!t)
			t = track_add(w, ev->id);
		if (t && t->state == BERTH_STATE_UNKNOWN && !t->running)
			t->state = BERTH_STATE_CREATED;
		return true;
	case BERTH_EVENT_STARTED:
		if (!t)
			t = track_add(w, ev->id);
		if (t) {
			t->running = true;
			t->made_died = t->made_destroyed = false;
			t->health = BERTH_HEALTH_NONE;
			t->state = BERTH_STATE_RUNNING;
		}
		return true;
	case BERTH_EVENT_PAUSED:
	case BERTH_EVENT_UNPAUSED:
		if (t)
			t->state = ev->kind == BERTH_EVENT_PAUSED ? BERTH_STATE_PAUSED : BERTH_STATE_RUNNING;
		return true;
	case BERTH_EVENT_HEALTH:
		if (!t)
			t = track_add(w, ev->id);
		if (t && w->ops->health_every_run && t->health == ev->health)
			return false;
		if (t) {
			t->health = ev->health;
			t->running = true;
		}
		return true;
	case BERTH_EVENT_DIED:
		if (t && t->made_died && !t->running)
			return false;
		if (t) {
			t->running = false;
			t->state = BERTH_STATE_EXITED;
		}
		return true;
	case BERTH_EVENT_DESTROYED:
		if (t) {
			bool made = t->made_destroyed;
			track_drop(w, t);
			return !made;
		}
		return true;
	default:
		return true;
	}
}

static bool wanted(const watch *w, const berth_event *ev)
{
	return !w->ops->wanted || w->ops->wanted(w->src, ev);
}

/* ---- frames ----------------------------------------------------------------------- */

int event_docker_json(sbuf *b, const berth_event *ev)
{
	int r = sbuf_adds(b, "{\"Type\":") | sbuf_add_json_string(b, ev->type) | sbuf_adds(b, ",\"Action\":") |
		sbuf_add_json_string(b, ev->action) | sbuf_adds(b, ",\"id\":") | sbuf_add_json_string(b, ev->id) |
		sbuf_adds(b, ",\"Actor\":{\"ID\":") | sbuf_add_json_string(b, ev->id) |
		sbuf_adds(b, ",\"Attributes\":{");
	for (size_t i = 0; r == 0 && i < ev->keys.len; i++)
		r = (i ? sbuf_addc(b, ',') : 0) | sbuf_add_json_string(b, ev->keys.items[i]) | sbuf_addc(b, ':') |
		    sbuf_add_json_string(b, ev->values.items[i]);
	if (r < 0 || sbuf_printf(b, "}},\"time\":%" PRId64 ",\"timeNano\":%" PRId64 "}",
				 (int64_t)(ev->time_ns / 1000000000LL), ev->time_ns) < 0)
		return -ENOMEM;
	return 0;
}

static void frame_of(berth_frame *out, berth_channel channel, const berth_event *ev, const char *data, size_t len)
{
	out->channel = channel;
	out->data = data;
	out->len = len;
	out->time_ns = ev->time_ns;
	out->item = ev;
}

static int system_frame(watch *w, berth_frame *out, berth_event_kind kind, const char *text, berth_error *err)
{
	berth_event *ev = event_system(kind);
	if (!ev)
		return BERTH_NOMEM(err);
	w->cur = ev;
	sbuf_reset(&w->text);
	if (sbuf_adds(&w->text, text) < 0)
		return BERTH_NOMEM(err);
	frame_of(out, BERTH_CHANNEL_SYSTEM, ev, w->text.data, w->text.len);
	return 0;
}

/* A made-up event, with the JSON the engine would have sent. */
static int made_frame(watch *w, berth_frame *out, berth_event *ev, berth_error *err)
{
	w->cur = ev;   /* freed with the stream's next frame, whatever happens here */
	sbuf_reset(&w->text);
	if (event_docker_json(&w->text, ev) < 0)
		return BERTH_NOMEM(err);
	frame_of(out, BERTH_CHANNEL_STDOUT, ev, w->text.data, w->text.len);
	return 0;
}

/* A made-up container event (exit_code < 0: none told). NULL: no memory. */
static berth_event *made_new(const char *id, berth_event_kind kind, const char *action, const char *name,
			     const char *image, int64_t time_ns, int exit_code)
{
	_cleanup_(event_freep) berth_event *ev = event_new();
	if (!ev)
		return NULL;
	name = name ? name : "";
	if (name[0] == '/')
		name++;
	if (!(ev->type = strdup("container")) || !(ev->action = strdup(strempty(action))) || !(ev->id = strdup(id)) ||
	    !(ev->name = strdup(name)) || !(ev->image = strdup(image ? image : "")))
		return NULL;
	ev->kind = kind;
	ev->synthesized = true;
	ev->time_ns = time_ns;
	if (kind == BERTH_EVENT_DIED && exit_code >= 0) {
		char code[16];
		ev->exit_code = exit_code;
		snprintf(code, sizeof code, "%d", exit_code);
		if (event_add_attribute(ev, "exitCode", code) < 0)
			return NULL;
	}
	return TAKE_PTR(ev);
}

static int make_event(berth_event **out, watch *w, const char *id, berth_event_kind kind, const char *action,
		      const berth_container_info *info, int64_t time_ns)
{
	_cleanup_(event_freep) berth_event *ev =
		made_new(id, kind, action, info ? info->name : NULL, info ? info->image : NULL, time_ns,
			 kind == BERTH_EVENT_DIED && info ? info->exit_code : -1);
	if (!ev)
		return -ENOMEM;
	if ((w->ops->decorate && w->ops->decorate(w->src, ev, info) < 0) ||
	    event_add_attribute(ev, "berth.synthesized", "true") < 0)
		return -ENOMEM;
	*out = TAKE_PTR(ev);
	return 0;
}

/* Queue a made-up event when the filters want it. 0 or -ENOMEM (ev freed). */
static int queue_made(watch *w, berth_event *ev)
{
	if (!ev || !wanted(w, ev)) {
		event_free(ev);
		return 0;
	}
	if (w->made_head == w->made_len)
		w->made_head = w->made_len = 0;
	berth_event **n = array_grow(w->made, &w->made_cap, w->made_len, sizeof *n, 8);
	if (!n) {
		event_free(ev);
		return -ENOMEM;
	}
	w->made = n;
	w->made[w->made_len++] = ev;
	return 0;
}

/* Check one followed container after a subscription: queue the DIED (and
 * DESTROYED) the engine may not replay. */
static int check_tracked(watch *w, int timeout_ms, berth_error *err)
{
	tracked *t = &w->track[w->check_pos];
	if (!t->running) {
		w->check_pos++;
		return 0;
	}
	berth_container_info *info = NULL;
	berth_error e = BERTH_ERROR_INIT;
	int r = w->ops->inspect(&info, w->src, t->id, timeout_ms > 0 ? timeout_ms : 1, &e);
	if (r == BERTH_ETIMEDOUT)
		return r;   /* resumable: the same entry again on the next call */
	if (r < 0 && r != BERTH_ENOTFOUND) {
		w->check_pos++;   /* cannot tell; the engine's replay is all there is */
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
		m = make_event(&died, w, t->id, BERTH_EVENT_DIED, w->ops->died_action, info, at);
	if (m == 0 && gone)
		m = make_event(&destroyed, w, t->id, BERTH_EVENT_DESTROYED, w->ops->destroyed_action, info, at);
	berth_container_info_free(info);
	if (m < 0) {
		event_free(died);
		return BERTH_NOMEM(err);
	}
	if (queue_made(w, died) < 0) {
		event_free(destroyed);
		return BERTH_NOMEM(err);
	}
	if (queue_made(w, destroyed) < 0)
		return BERTH_NOMEM(err);
	if (stopped) {
		t->running = false;
		t->made_died = true;
		t->made_destroyed = gone;
	}
	w->check_pos++;
	return 0;
}

/* ---- reconciling with a list (sources that cannot replay) ------------------------ */

watch_container *watch_list_add(watch_list *l)
{
	watch_container *n = array_grow(l->items, &l->cap, l->len, sizeof *n, 16);
	if (!n)
		return NULL;
	l->items = n;
	watch_container *c = &l->items[l->len++];
	*c = (watch_container){ .exit_code = -1 };
	return c;
}

void watch_list_release(watch_list *l)
{
	for (size_t i = 0; i < l->len; i++) {
		watch_container *c = &l->items[i];
		free(c->id);
		free(c->name);
		free(c->image);
		strv_release(&c->label_keys);
		strv_release(&c->label_values);
	}
	free(l->items);
	*l = (watch_list){ 0 };
}

/* A made-up event on its way out of watch_reconcile: sorted by key, then
 * by the order made (seq). */
typedef struct pending {
	berth_event *ev;
	int64_t key;
	size_t seq;
} pending;

typedef struct pending_vec {
	pending *v;
	size_t len, cap;
} pending_vec;

static int pending_cmp(const void *a, const void *b)
{
	const pending *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *action_of(const watch_source_ops *ops, berth_event_kind kind)
{
	switch (kind) {
	case BERTH_EVENT_CREATED: return ops->created_action;
	case BERTH_EVENT_STARTED: return ops->started_action;
	case BERTH_EVENT_PAUSED: return ops->paused_action;
	case BERTH_EVENT_UNPAUSED: return ops->unpaused_action;
	case BERTH_EVENT_DIED: return ops->died_action;
	case BERTH_EVENT_DESTROYED: return ops->destroyed_action;
	default: return "";
	}
}

/* Make one event for id (c: its listing, NULL when gone) at time t (0:
 * now_ns). *floor keeps one container's events in their order. */
static int pend(pending_vec *pv, const watch_source_ops *ops, const char *id, const watch_container *c,
		berth_event_kind kind, int64_t t, int exit_code, int64_t now_ns, int64_t *floor)
{
	if (t <= 0)
		t = now_ns;
	_cleanup_(event_freep) berth_event *ev =
		made_new(id, kind, action_of(ops, kind), c ? c->name : NULL, c ? c->image : NULL, t, exit_code);
	if (!ev)
		return -ENOMEM;
	for (size_t i = 0; c && i < c->label_keys.len; i++)
		if (event_add_attribute(ev, c->label_keys.items[i], c->label_values.items[i]) < 0)
			return -ENOMEM;
	if ((c && !isempty(c->name) && event_add_attribute(ev, "name", ev->name) < 0) ||
	    (c && !isempty(c->image) && event_add_attribute(ev, "image", c->image) < 0) ||
	    event_add_attribute(ev, "berth.synthesized", "true") < 0)
		return -ENOMEM;
	pending *n = array_grow(pv->v, &pv->cap, pv->len, sizeof *n, 16);
	if (!n)
		return -ENOMEM;
	pv->v = n;
	if (t < *floor)
		t = *floor;
	*floor = t;
	pv->v[pv->len] = (pending){ TAKE_PTR(ev), t, pv->len };
	pv->len++;
	return 0;
}

/* Lookups by id in sorted arrays of pointers (a reconnect compares up to
 * TRACK_MAX known containers with the list: no pairwise comparison). */
static int by_listed_id(const void *a, const void *b)
{
	return strcmp((*(const watch_container *const *)a)->id, (*(const watch_container *const *)b)->id);
}

static int by_known_id(const void *a, const void *b)
{
	return strcmp((*(const watch_known *const *)a)->id, (*(const watch_known *const *)b)->id);
}

static const watch_container **listed_index(const watch_list *l)
{
	const watch_container **ix = malloc((l->len ? l->len : 1) * sizeof *ix);
	if (!ix)
		return NULL;
	for (size_t i = 0; i < l->len; i++)
		ix[i] = &l->items[i];
	if (l->len)
		qsort(ix, l->len, sizeof *ix, by_listed_id);
	return ix;
}

static const watch_container *listed(const watch_container *const *ix, size_t n, const char *id)
{
	watch_container key = { .id = (char *)id };
	const watch_container *kp = &key;
	const watch_container *const *hit = n ? bsearch(&kp, ix, n, sizeof *ix, by_listed_id) : NULL;
	return hit ? *hit : NULL;
}

static bool up(berth_state s)
{
	return s == BERTH_STATE_RUNNING || s == BERTH_STATE_PAUSED || s == BERTH_STATE_UNKNOWN;
}

/* The end of a known container at time at (0: not known): DIED when it
 * was up, DESTROYED. */
static int pend_gone(pending_vec *pv, const watch_source_ops *ops, const watch_known *k, int64_t at, int64_t now_ns,
		     int64_t *floor)
{
	if (up(k->state) && pend(pv, ops, k->id, NULL, BERTH_EVENT_DIED, at, -1, now_ns, floor) < 0)
		return -ENOMEM;
	return pend(pv, ops, k->id, NULL, BERTH_EVENT_DESTROYED, at, -1, now_ns, floor);
}

/* What happened to c since the watch knew it in state `was` (CREATED,
 * RUNNING, PAUSED, EXITED; UNKNOWN: not known at all). */
static int pend_listed(pending_vec *pv, const watch_source_ops *ops, const watch_container *c, berth_state was,
		       int64_t now_ns, int64_t *floor)
{
	berth_state s = c->state;
	bool ran = s == BERTH_STATE_RUNNING || s == BERTH_STATE_PAUSED || s == BERTH_STATE_EXITED;
	bool fresh = was == BERTH_STATE_UNKNOWN;
	int r = 0;
	if (fresh)
		r = pend(pv, ops, c->id, c, BERTH_EVENT_CREATED, c->created_ns, -1, now_ns, floor);
	if (r == 0 && ran &&
	    (fresh || was == BERTH_STATE_CREATED || (was == BERTH_STATE_EXITED && s != BERTH_STATE_EXITED)))
		r = pend(pv, ops, c->id, c, BERTH_EVENT_STARTED, c->started_ns, -1, now_ns, floor);
	if (r == 0 && s == BERTH_STATE_PAUSED && was != BERTH_STATE_PAUSED)
		r = pend(pv, ops, c->id, c, BERTH_EVENT_PAUSED, 0, -1, now_ns, floor);
	if (r == 0 && s == BERTH_STATE_RUNNING && was == BERTH_STATE_PAUSED)
		r = pend(pv, ops, c->id, c, BERTH_EVENT_UNPAUSED, 0, -1, now_ns, floor);
	if (r == 0 && s == BERTH_STATE_EXITED && was != BERTH_STATE_EXITED)
		r = pend(pv, ops, c->id, c, BERTH_EVENT_DIED, c->finished_ns, c->exit_code, now_ns, floor);
	return r;
}

int watch_reconcile(berth_event ***out, size_t *out_len, const watch_known *known, size_t n_known,
		    const watch_list *now, bool report_new, const watch_source_ops *ops, int64_t now_ns)
{
	pending_vec pv = { 0 };
	_cleanup_free_ const watch_container **now_ix = listed_index(now);
	_cleanup_free_ const watch_known **known_ix = malloc((n_known ? n_known : 1) * sizeof *known_ix);
	if (!now_ix || !known_ix)
		return -ENOMEM;
	for (size_t j = 0; j < n_known; j++)
		known_ix[j] = &known[j];
	if (n_known)
		qsort(known_ix, n_known, sizeof *known_ix, by_known_id);
	int r = 0;
	for (size_t i = 0; r == 0 && i < now->len; i++) {
		const watch_container *c = &now->items[i];
		watch_known key = { .id = c->id };
		const watch_known *kp = &key;
		const watch_known *const *hit =
			n_known ? bsearch(&kp, known_ix, n_known, sizeof *known_ix, by_known_id) : NULL;
		const watch_known *k = hit ? *hit : NULL;
		int64_t floor = 0;
		if (k && k->created_ns && c->created_ns && k->created_ns != c->created_ns) {
			/* the id went to a new container: the old one ended before */
			r = pend_gone(&pv, ops, k, c->created_ns < now_ns ? c->created_ns : now_ns, now_ns, &floor);
			k = NULL;
		}
		if (r == 0 && (k || report_new))
			r = pend_listed(&pv, ops, c,
					!k ? BERTH_STATE_UNKNOWN
					   : k->state == BERTH_STATE_UNKNOWN ? BERTH_STATE_RUNNING : k->state,
					now_ns, &floor);
	}
	for (size_t j = 0; r == 0 && j < n_known; j++) {
		int64_t floor = 0;
		if (!listed(now_ix, now->len, known[j].id))
			r = pend_gone(&pv, ops, &known[j], 0, now_ns, &floor);
	}
	berth_event **evs = r == 0 ? malloc((pv.len ? pv.len : 1) * sizeof *evs) : NULL;
	if (evs) {
		if (pv.len)
			qsort(pv.v, pv.len, sizeof *pv.v, pending_cmp);
		for (size_t i = 0; i < pv.len; i++)
			evs[i] = pv.v[i].ev;
		*out = evs;
		*out_len = pv.len;
	} else {
		for (size_t i = 0; i < pv.len; i++)
			event_free(pv.v[i].ev);
	}
	free(pv.v);
	return evs ? 0 : -ENOMEM;
}

/* After a subscription of a source with a list: take the list, queue what
 * changed since the watch last knew (the first time only for the
 * containers it was given to follow) and know the rest from now on. */
static int list_reconcile(watch *w, bool first, berth_error *err)
{
	_cleanup_(watch_list_release) watch_list l = { 0 };
	int r = w->ops->list(&l, w->src, err);
	if (r < 0)
		return r;
	w->listed_ns = wall_ns();
	/* the ones gone at the last list: their engine's copies had their time */
	for (size_t i = w->track_len; i-- > 0;)
		if (w->track[i].gone)
			track_drop(w, &w->track[i]);
	_cleanup_free_ watch_known *known = calloc(w->track_len ? w->track_len : 1, sizeof *known);
	if (!known)
		return BERTH_NOMEM(err);
	size_t nk = 0;
	for (size_t i = 0; i < w->track_len; i++)
		known[nk++] = (watch_known){ w->track[i].id, w->track[i].state, w->track[i].created_ns };
	berth_event **evs = NULL;
	size_t n = 0;
	if (watch_reconcile(&evs, &n, known, nk, &l, !first, w->ops, w->listed_ns) < 0)
		return BERTH_NOMEM(err);
	/* what the watch knows from now on: the list */
	_cleanup_free_ const watch_container **ix = listed_index(&l);
	if (!ix) {
		for (size_t i = 0; i < n; i++)
			event_free(evs[i]);
		free(evs);
		return BERTH_NOMEM(err);
	}
	for (size_t i = w->track_len; i-- > 0;) {
		tracked *t = &w->track[i];
		if (!listed(ix, l.len, t->id)) {
			t->gone = true;
			t->running = false;
			t->made_kinds = 0;
		}
	}
	/* the followed ones by id (positions: track_add may move the array) */
	_cleanup_free_ size_t *tix = track_index(w);
	size_t nt = w->track_len;
	if (!tix) {
		for (size_t i = 0; i < n; i++)
			event_free(evs[i]);
		free(evs);
		return BERTH_NOMEM(err);
	}
	for (size_t i = 0; i < l.len; i++) {
		const watch_container *c = &l.items[i];
		tracked *t = track_lookup(w, tix, nt, c->id);
		if (!t)
			t = track_add_new(w, c->id);
		if (!t)
			continue;   /* beyond TRACK_MAX: not followed */
		*t = (tracked){ .id = t->id, .state = c->state, .created_ns = c->created_ns,
				.running = c->state == BERTH_STATE_RUNNING || c->state == BERTH_STATE_PAUSED,
				.health = t->health };
	}
	r = 0;
	free(tix);
	tix = track_index(w);
	nt = w->track_len;
	for (size_t i = 0; i < n; i++) {
		berth_event *ev = evs[i];
		evs[i] = NULL;
		tracked *t = tix ? track_lookup(w, tix, nt, ev->id) : track_find(w, ev->id);
		if (t)
			t->made_kinds |= KIND_BIT(ev->kind);
		/* a gone one: what the source still knows of it */
		if (r == 0 && t && t->gone && w->ops->decorate && w->ops->decorate(w->src, ev, NULL) < 0)
			r = -ENOMEM;
		if (r == 0)
			r = queue_made(w, ev);
		else
			event_free(ev);
	}
	free(evs);
	return r < 0 ? BERTH_NOMEM(err) : 0;
}

/* ---- connecting ---------------------------------------------------------------- */

/* Where a resubscription starts: a margin before the last event handed
 * out, else the caller's since, else a margin before the watch began. */
static int64_t resume_ns(const watch *w)
{
	int64_t ns = w->last_ns ? w->last_ns - RESUME_MARGIN_NS
				: w->q.since_ns ? w->q.since_ns : w->start_ns - RESUME_MARGIN_NS;
	return ns > 0 ? ns : 1;
}

/* After a subscription: the followed containers to check, when. */
static void plan_checks(watch *w)
{
	w->check_pos = 0;
	w->check_end = w->track_len;
	w->check_at_ms = now_ms() + (w->ops->replays ? REPLAY_WAIT_MS : 0);
}

static void arm_timer(watch *w)
{
	stream_timer_at(&w->timer_fd, w->rt.next_attempt_ms);
}

static void disconnect(watch *w, const char *why)
{
	w->ops->disconnect(w->src);
	w->state = W_WAITING;
	events_retry_down(&w->rt, why);
	arm_timer(w);
}

/* Waiting to reconnect: one attempt when it is due. 1 = subscribed again. */
static int try_reconnect(watch *w, int timeout_ms, berth_error *err)
{
	int r = events_retry_due(&w->rt, &timeout_ms, err);
	if (r < 0)
		return r;
	int64_t started = now_ms();
	berth_error e = BERTH_ERROR_INIT;
	int budget = timeout_ms < 0 || timeout_ms > ATTEMPT_MAX_MS ? ATTEMPT_MAX_MS : timeout_ms;
	r = w->ops->subscribe(w->src, false, resume_ns(w), budget > 0 ? budget : 1, &e);
	if (r == 0 && w->ops->list) {
		r = list_reconcile(w, false, &e);
		if (r < 0 && r != BERTH_ENOMEM)
			w->ops->disconnect(w->src);   /* cannot tell what happened: try again */
	}
	if (r == 0) {
		w->state = W_CONNECTED;
		w->announce_reconnect = true;
		if (!w->ops->list)
			plan_checks(w);
		return 1;
	}
	if (r == BERTH_ENOMEM) {
		*err = e;
		return r;
	}
	bool ran_out = r == BERTH_ETIMEDOUT && now_ms() - started >= budget;
	r = events_retry_failed(&w->rt, ran_out ? NULL : e.message, w->q.max_reconnect_ms, err);
	arm_timer(w);
	return r;
}

static bool past_until(const watch *w)
{
	return !w->ops->replays && w->q.until_ns && wall_ns() >= w->q.until_ns;
}

/* ---- the stream -------------------------------------------------------------------- */

/* One event from the source: 1 = handed out, 0 = dropped. */
static int take(watch *w, berth_frame *out, berth_event *ev, const char *data, size_t len)
{
	if (w->q.until_ns && ev->time_ns > w->q.until_ns) {
		event_free(ev);
		return w->ops->replays ? 0 : BERTH_ITEROVER;
	}
	ident id = ident_of(ev);
	bool stale = w->ops->stale_ns > 0 && w->last_ns && ev->time_ns < w->last_ns - w->ops->stale_ns;
	if (stale || seen(w, id) || !track_event(w, ev) || !wanted(w, ev)) {
		event_free(ev);
		return 0;
	}
	remember(w, id);
	if (ev->time_ns > w->last_ns)
		w->last_ns = ev->time_ns;
	w->cur = ev;
	frame_of(out, BERTH_CHANNEL_STDOUT, ev, data, len);
	return 1;
}

/* The subscription ended (r: BERTH_ITEROVER) or broke: end the stream, or
 * hand out DISCONNECTED and wait to reconnect. */
static int lost(watch *w, berth_frame *out, int r, const berth_error *e, bool fatal, berth_error *err)
{
	if (r == BERTH_ITEROVER && w->q.until_ns)
		return BERTH_ITEROVER;
	const char *why = r == BERTH_ITEROVER ? "the engine ended the event stream" : e->message;
	if (fatal || (!w->q.reconnect && (r == BERTH_EPROTOCOL || r == BERTH_ENOMEM))) {
		*err = *e;
		return r;
	}
	if (!w->q.reconnect)
		return berth_fail(err, BERTH_EUNAVAILABLE, "events: %s: %s", w->c->endpoint, why);
	char msg[600];
	snprintf(msg, sizeof msg, "events: lost %.80s: %.400s", w->c->endpoint, why);
	disconnect(w, why);
	return system_frame(w, out, BERTH_EVENT_DISCONNECTED, msg, err);
}

static int w_next(void *impl, berth_frame *out, int timeout_ms, berth_error *err)
{
	watch *w = impl;
	event_free(w->cur);
	w->cur = NULL;
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (;;) {
		if (w->state == W_WAITING) {
			if (past_until(w))
				return BERTH_ITEROVER;
			int r = try_reconnect(w, remaining_ms(deadline), err);
			if (r < 0)
				return r;
			continue;
		}
		if (w->announce_reconnect) {
			w->announce_reconnect = false;
			char msg[320];
			snprintf(msg, sizeof msg, "events: subscribed again to %.200s", w->c->endpoint);
			return system_frame(w, out, BERTH_EVENT_RECONNECTED, msg, err);
		}
		if (w->made_head < w->made_len) {
			berth_event *ev = w->made[w->made_head++];
			remember(w, ident_of(ev));
			return made_frame(w, out, ev, err);
		}
		if (past_until(w))
			return BERTH_ITEROVER;
		/* what the source has at once comes before the checks */
		bool checks = w->check_pos < w->check_end;
		int64_t check_in = checks ? w->check_at_ms - now_ms() : -1;
		if (checks && check_in < 0)
			check_in = 0;
		int wait = remaining_ms(deadline);
		if (checks && (wait < 0 || wait > check_in))
			wait = (int)check_in;
		if (!w->ops->replays && w->q.until_ns) {
			int64_t left = (w->q.until_ns - wall_ns()) / 1000000 + 1;
			if (left < 0)
				left = 0;
			if (wait < 0 || wait > left)
				wait = (int)left;
		}
		berth_event *ev = NULL;
		const char *data = NULL;
		size_t len = 0;
		bool fatal = false;
		berth_error e = BERTH_ERROR_INIT;
		int r = w->ops->next(w->src, &ev, &data, &len, wait, &fatal, &e);
		if (r == 0) {
			r = take(w, out, ev, data, len);
			if (r != 0)
				return r < 0 ? r : 0;
			continue;
		}
		if (r == BERTH_ETIMEDOUT) {
			if (checks && now_ms() >= w->check_at_ms) {
				r = check_tracked(w, remaining_ms(deadline), err);
				if (r < 0)
					return r;
				continue;
			}
			if (remaining_ms(deadline) != 0 || past_until(w))
				continue;
			*err = e;
			return r;
		}
		return lost(w, out, r, &e, fatal, err);
	}
}

static int w_fd(const void *impl)
{
	const watch *w = impl;
	if (w->state == W_WAITING)
		return w->timer_fd;
	if (w->announce_reconnect || w->made_head < w->made_len || w->check_pos < w->check_end) {
		/* something is ready here at once: a timer that fired */
		if (w->timer_fd >= 0) {
			struct itimerspec its = { .it_value = { 0, 1 } };
			timerfd_settime(w->timer_fd, 0, &its, NULL);
		}
		return w->timer_fd;
	}
	return w->ops->fd(w->src);
}

static void w_free(void *impl)
{
	watch *w = impl;
	if (!w)
		return;
	if (w->src)
		w->ops->free(w->src);
	event_free(w->cur);
	for (size_t i = w->made_head; i < w->made_len; i++)
		event_free(w->made[i]);
	free(w->made);
	free(w->recent);
	free(w->recent_slot);
	for (size_t i = 0; i < w->track_len; i++)
		free(w->track[i].id);
	free(w->track);
	sbuf_release(&w->text);
	events_query_release(&w->q);
	if (w->timer_fd >= 0)
		close(w->timer_fd);
	free(w);
}

static const stream_ops watch_stream_ops = {
	.kind = "events",
	.next = w_next,
	.fd = w_fd,
	.free = w_free,
};

int watch_stream_new(berth_stream **out, struct berth_client *c, const events_query *q, const watch_source_ops *ops,
		     void *src, berth_error *err)
{
	watch *w = calloc(1, sizeof *w);
	if (!w) {
		ops->free(src);
		return BERTH_NOMEM(err);
	}
	w->c = c;
	w->ops_copy = *ops;
	w->ops = &w->ops_copy;
	w->src = src;
	w->start_ns = wall_ns();
	/* the timer doubles as the "ready at once" fd */
	w->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	int r = 0;
	/* the ring is written as events come; only the index starts zeroed */
	w->recent = malloc(RECENT_MAX * sizeof *w->recent);
	w->recent_slot = calloc(RECENT_SLOTS, sizeof *w->recent_slot);
	if (!w->recent || !w->recent_slot || events_query_copy(&w->q, q) < 0)
		r = BERTH_NOMEM(err);
	for (size_t i = 0; r == 0 && i < q->running_ids.len; i++) {
		tracked *t = track_add(w, q->running_ids.items[i]);
		if (!t)
			r = BERTH_NOMEM(err);
		else
			t->running = true;
	}
	if (r == 0)
		r = ops->subscribe(src, true, q->since_ns, 0, err);
	/* after subscribing: nothing falls between the list and the events */
	if (r == 0 && ops->list)
		r = list_reconcile(w, true, err);
	if (r < 0) {
		w_free(w);
		return r;
	}
	if (!ops->replays && !ops->list)
		plan_checks(w);   /* nothing replays what came before: check the listed ones now */
	return stream_new(out, &watch_stream_ops, w, err);
}

/* ---- reconnect timing ------------------------------------------------------ */

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
