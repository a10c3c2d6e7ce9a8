/* The gap-free event watch, engine-neutral: what berth_events_watch()
 * promises (reconnect with DISCONNECTED / RECONNECTED frames, nothing
 * delivered twice, the DIED / DESTROYED an engine lost made up from the
 * state of the containers the watch followed) is kept here once. An engine
 * gives a source: subscribe, the next event of the subscription, inspect.
 *
 * The core keeps the time of the last event it handed out and the
 * identities of the last 4096 (type, action, id, name and time: 80 KiB at
 * most per watch), and never hands out one of those twice. When the subscription breaks it hands out
 * DISCONNECTED, tries again with a growing pause (events_retry), subscribes
 * from a margin before the last event (engines that replay), skips what it
 * handed out already and hands out RECONNECTED first. Then it inspects the
 * containers it saw running and queues the DIED / DESTROYED they missed;
 * the engine's own copy, if it comes later, is dropped. A source that
 * cannot replay but can list (containerd) is listed once after every
 * subscription instead: the first list seeds what the core knows, the
 * next ones are reconciled with it (watch_reconcile) into the CREATED /
 * STARTED / PAUSED / UNPAUSED / DIED / DESTROYED of the time away. */
#ifndef BERTH_WATCH_H
#define BERTH_WATCH_H

#include "lib/model/event_model.h"
#include "lib/model/model.h"

/* A container as a source lists it: what a reconnect compares. */
typedef struct watch_container {
	char *id, *name, *image;
	berth_state state;            /* CREATED, RUNNING, PAUSED or EXITED */
	int exit_code;                /* of an EXITED one; -1: not known */
	int64_t created_ns, started_ns, finished_ns;   /* 0: not known */
	strv label_keys, label_values;
} watch_container;

typedef struct watch_list {
	watch_container *items;
	size_t len, cap;
} watch_list;

/* Append an entry (its strings and labels empty: the caller fills them).
 * NULL: no memory. */
watch_container *watch_list_add(watch_list *l);
void watch_list_release(watch_list *l);

/* What the watch knew of a container before it lost the engine. */
typedef struct watch_known {
	const char *id;
	berth_state state;            /* CREATED, RUNNING, PAUSED, EXITED; UNKNOWN: running */
	int64_t created_ns;           /* 0: not known */
} watch_known;

struct watch_source_ops;

/* The events that take a watch from what it knew to the list: per
 * container CREATED, STARTED, PAUSED / UNPAUSED, DIED (exit code), in that
 * order, and DIED / DESTROYED for known ones gone (or replaced by a new
 * container of the same id); containers the watch did not know are
 * reported only with report_new. Every event is marked made up, carries
 * the listed name, image and labels (none for gone ones) and the listed
 * times (now_ns where the list has none); all of them are ordered by time,
 * each container's in its own order. *out (the caller's, with its events)
 * holds *out_len. Pure: 0 or -ENOMEM. */
int watch_reconcile(berth_event ***out, size_t *out_len, const watch_known *known, size_t n_known,
		    const watch_list *now, bool report_new, const struct watch_source_ops *ops, int64_t now_ns);

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
	/* optional, for a source that cannot replay: the containers now (see
	 * watch_container). Taken once after every subscription, the first
	 * too: the first seeds what the watch knows, the next ones are
	 * compared with it (watch_reconcile) for what happened while away. */
	int (*list)(struct watch_list *out, void *src, berth_error *err);
	/* the actions of the events made up from the list */
	const char *created_action, *started_action, *paused_action, *unpaused_action;
	/* The engine keeps a history (Docker, Podman): a reconnect subscribes
	 * from before the last event and the replay comes before the checks,
	 * and `until` is the engine's to end. Without one (containerd) the
	 * followed containers are checked after every subscription, the first
	 * too (list-then-watch), and `until` is ended by the clock. */
	bool replays;
	/* the engine reports HEALTH on every check run, not on changes */
	bool health_every_run;
	/* > 0: an event this much older than the newest one handed out is the
	 * engine sending again what it sent before, and is dropped (Podman
	 * re-reads the kept part of its events file after rotating it);
	 * events closer in time than that are told apart by their
	 * identities. 0: no such rule. */
	int64_t stale_ns;
} watch_source_ops;

/* Watch with src (taken: freed with ops->free, also on failure). ops and
 * q are copied; q's running_ids are followed from the start. */
int watch_stream_new(berth_stream **out, struct berth_client *c, const events_query *q, const watch_source_ops *ops,
		     void *src, berth_error *err);

/* An event as one line of Docker-shaped JSON (the text of events made here
 * and of engines whose events are not JSON). 0 or -ENOMEM. */
int event_docker_json(sbuf *b, const berth_event *ev);

/* ---- reconnect timing (shared by the watch core and the backends) ---- */

/* The reconnect pause: 100 ms, doubling to 2 s. */
#define EVENTS_BACKOFF_FIRST_MS 100
#define EVENTS_BACKOFF_MAX_MS 2000

/* The reconnect schedule of an event stream that lost its engine. */
typedef struct events_retry {
	int64_t down_since_ms;   /* monotonic */
	int64_t next_attempt_ms;
	int backoff_ms;
	char reason[256];        /* why it is down (the last failure) */
} events_retry;

/* The connection was lost for `why`: the first attempt is due after the
 * first pause. */
void events_retry_down(events_retry *r, const char *why);
/* Wait, within *timeout_ms (<0: as long as needed), until the next attempt
 * is due: 0 with *timeout_ms reduced by the wait, or BERTH_ETIMEDOUT. */
int events_retry_due(events_retry *r, int *timeout_ms, berth_error *err);
/* An attempt failed for `why` (NULL: it only ran out of the caller's time,
 * the schedule stays): BERTH_EUNAVAILABLE once max_ms (<0: never) passed
 * since the loss, else the next attempt is scheduled and BERTH_ETIMEDOUT. */
int events_retry_failed(events_retry *r, const char *why, int max_ms, berth_error *err);

#endif
