/* The gap-free event watch, engine-neutral: what berth_events_watch()
 * promises (reconnect with DISCONNECTED / RECONNECTED frames, nothing
 * delivered twice, the DIED / DESTROYED an engine lost made up from the
 * state of the containers the watch followed) is kept here once. An engine
 * gives a source: subscribe, the next event of the subscription, inspect.
 *
 * The core keeps the time of the last event it handed out and the
 * identities of the recent ones. When the subscription breaks it hands out
 * DISCONNECTED, tries again with a growing pause (events_retry), subscribes
 * from a margin before the last event (engines that replay), skips what it
 * handed out already and hands out RECONNECTED first. Then it inspects the
 * containers it saw running and queues the DIED / DESTROYED they missed;
 * the engine's own copy, if it comes later, is dropped. */
#ifndef BERTH_WATCH_H
#define BERTH_WATCH_H

#include "event.h"
#include "model.h"

typedef struct watch_source_ops {
	/* (Re)subscribe. since_ns: where an engine that replays starts (0:
	 * from now); timeout_ms: 0 for the client's default on the first
	 * subscription, else the attempt's budget. */
	int (*subscribe)(void *src, bool first, int64_t since_ns, int timeout_ms, berth_error *err);
	/* The next event of the subscription within timeout_ms: 0 with *ev (the
	 * caller's) and its text in *data / *len (valid until the next call);
	 * BERTH_ETIMEDOUT; BERTH_ITEROVER when the subscription ended (at
	 * `until`, or the engine closed it); another code when it broke.
	 * *fatal: an error no reconnect mends (a malformed event). */
	int (*next)(void *src, berth_event **ev, const char **data, size_t *len, int timeout_ms, bool *fatal,
		    berth_error *err);
	int (*fd)(const void *src);
	void (*disconnect)(void *src);
	/* the container's state, for the events the engine may have lost */
	int (*inspect)(berth_container_info **out, void *src, const char *id, int timeout_ms, berth_error *err);
	/* optional: give a made-up event what the engine's own carries */
	int (*decorate)(void *src, berth_event *ev, const berth_container_info *info);
	/* optional: filters the engine cannot apply (NULL: every event) */
	bool (*wanted)(const void *src, const berth_event *ev);
	void (*free)(void *src);
	/* the actions of made-up events ("die", "destroy") */
	const char *died_action, *destroyed_action;
	/* The engine keeps a history (Docker, Podman): a reconnect subscribes
	 * from before the last event and the replay comes before the checks,
	 * and `until` is the engine's to end. Without one (containerd) the
	 * followed containers are checked after every subscription, the first
	 * too (list-then-watch), and `until` is ended by the clock. */
	bool replays;
	/* the engine reports HEALTH on every check run, not on changes */
	bool health_every_run;
} watch_source_ops;

/* Watch with src (taken: freed with ops->free, also on failure). ops and
 * q are copied; q's running_ids are followed from the start. */
int watch_stream_new(berth_stream **out, struct berth_client *c, const events_query *q, const watch_source_ops *ops,
		     void *src, berth_error *err);

/* An event as one line of Docker-shaped JSON (the text of events made here
 * and of engines whose events are not JSON). 0 or -ENOMEM. */
int event_docker_json(sbuf *b, const berth_event *ev);

#endif
