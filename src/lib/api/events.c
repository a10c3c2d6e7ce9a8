/* Events: the entry points (argument checks, then the backend): a watch,
 * and list-then-watch. */
#include "lib/engine.h"
#include "lib/model/event_model.h"
#include "lib/kit/stream.h"

#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <sys/timerfd.h>
#include <time.h>

/* ---- entry points -------------------------------------------------------------- */

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
