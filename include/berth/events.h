/* berth — engine events: a typed stream that does not miss anything.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_EVENTS_H
#define BERTH_EVENTS_H

#include <berth/common.h>
#include <berth/client.h>
#include <berth/container.h>
#include <berth/stream.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What happened, normalized across engines. */
typedef enum berth_event_kind {
	BERTH_EVENT_OTHER = 0,        /**< anything else: see berth_event_action()
	                                   (stop, kill, rename, attach, exec_*, image
	                                   and network events, ...) */
	BERTH_EVENT_CREATED = 1,
	BERTH_EVENT_STARTED = 2,
	BERTH_EVENT_DIED = 3,         /**< the main process ended: berth_event_exit_code() */
	BERTH_EVENT_OOM = 4,          /**< the kernel's OOM killer hit the container */
	BERTH_EVENT_HEALTH = 5,       /**< the health status changed: berth_event_health() */
	BERTH_EVENT_PAUSED = 6,
	BERTH_EVENT_UNPAUSED = 7,
	BERTH_EVENT_DESTROYED = 8,    /**< the container was removed */
	BERTH_EVENT_DISCONNECTED = 9, /**< berth lost the engine (a SYSTEM frame) */
	BERTH_EVENT_RECONNECTED = 10, /**< berth is subscribed again (a SYSTEM frame);
	                                   events of the time away follow */
} berth_event_kind;

/** "created", "died", ..., "other". Never NULL. */
BERTH_API const char *berth_event_kind_name(berth_event_kind kind);

/**
 * One event. Borrowed from its frame (berth_frame.item): valid until the
 * next berth_stream_next() or berth_stream_free() of its stream.
 */
typedef struct berth_event berth_event;

BERTH_API berth_event_kind berth_event_get_kind(const berth_event *ev);
/** The engine's object type: "container", "image", "network", "volume",
 *  "daemon", ... ("" for DISCONNECTED / RECONNECTED). Never NULL. */
BERTH_API const char *berth_event_type(const berth_event *ev);
/** The engine's own action word, unchanged ("die", "health_status: healthy",
 *  Podman's "remove", "exec_died", ...). Never NULL. */
BERTH_API const char *berth_event_action(const berth_event *ev);
/** The object's id (a container id for container events). Never NULL ("" when none). */
BERTH_API const char *berth_event_id(const berth_event *ev);
/** The container's (or object's) name, without '/'. Never NULL. */
BERTH_API const char *berth_event_name(const berth_event *ev);
/** The image of a container event. Never NULL. */
BERTH_API const char *berth_event_image(const berth_event *ev);
/** Event time, nanoseconds since the Unix epoch (the engine's clock; for
 *  DISCONNECTED / RECONNECTED berth's own). */
BERTH_API int64_t berth_event_time_ns(const berth_event *ev);
/** Exit code of a DIED event; -1 for other events. */
BERTH_API int berth_event_exit_code(const berth_event *ev);
/** Signal number of a kill event (Docker; Podman does not say); -1 otherwise. */
BERTH_API int berth_event_signal(const berth_event *ev);
/** The new status of a HEALTH event; BERTH_HEALTH_NONE for other events. */
BERTH_API berth_health berth_event_health(const berth_event *ev);
/** True when berth made the event up rather than the engine sending it:
 *  a DIED or DESTROYED found by looking at the container after a reconnect
 *  (the engine lost its event log in a restart, as dockerd does), or on
 *  containerd, which keeps no event log at all, any CREATED, STARTED,
 *  PAUSED, UNPAUSED, DIED or DESTROYED told by the container list after a
 *  reconnect (see berth_events_watch()). Its attributes hold
 *  "berth.synthesized"="true". */
BERTH_API int berth_event_synthesized(const berth_event *ev);
/** Attributes (the container's labels among them, plus the engine's keys
 *  such as "name", "image", "exitCode"), in the engine's order. */
BERTH_API size_t berth_event_attribute_count(const berth_event *ev);
BERTH_API const char *berth_event_attribute_key(const berth_event *ev, size_t i);
BERTH_API const char *berth_event_attribute_value(const berth_event *ev, size_t i);
/** The value of one attribute, NULL when absent. */
BERTH_API const char *berth_event_attribute(const berth_event *ev, const char *key);

#define BERTH_EVENTS_OPTIONS_VERSION 1

/** What to watch. All filters of different kinds must match; several
 *  values of one kind match any of them. */
typedef struct berth_events_options {
	unsigned int version;              /**< BERTH_EVENTS_OPTIONS_VERSION */
	const char *const *containers;     /**< container names or ids */
	size_t container_count;
	const char *const *labels;         /**< "key" or "key=value" */
	size_t label_count;
	const char *const *types;          /**< "container", "image", "network", "volume", ... */
	size_t type_count;
	const char *const *actions;        /**< action words as Docker says them ("die",
	                                        "start", "destroy"); berth translates
	                                        them for Podman's filter ("died", "remove") */
	size_t action_count;
	const char *since;                 /**< replay from: RFC 3339, Unix seconds
	                                        ("1700000000.5"), or a duration before
	                                        now ("10m", "1h30m", "90s"); NULL: now */
	const char *until;                 /**< end at (same forms); NULL: never */
	int no_reconnect;                  /**< 0: reconnect after the engine went away */
	int max_reconnect_ms;              /**< give up reconnecting after this long
	                                        (0: 60 000; < 0: never) */
	int64_t since_ns;                  /**< a checkpoint (ns since the epoch) to resume
	                                        from, e.g. the last event a supervisor
	                                        handled; used when since is NULL; 0: none */
} berth_events_options;
#define BERTH_EVENTS_OPTIONS_INIT { BERTH_EVENTS_OPTIONS_VERSION, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, NULL, 0, 0, 0 }

/**
 * Watch the engine's events. Each frame of *out has item = a
 * `const berth_event *` and data/len = the JSON line the engine sent
 * (channel STDOUT), or, for BERTH_EVENT_DISCONNECTED / RECONNECTED, channel
 * BERTH_CHANNEL_SYSTEM and data/len a one-line message. time_ns is the
 * event's time.
 *
 * Gap-free: the stream remembers the time of the last event and the
 * identities (time, type, id, action, name) of the last 4096 (80 KiB per
 * stream at most), and never hands out one of those twice. When the connection
 * ends (engine restarted, socket gone), it hands out a DISCONNECTED frame,
 * retries with a growing pause (100 ms doubling to 2 s) for at most
 * max_reconnect_ms, subscribes again from a second before the last event,
 * drops what it delivered already, and hands out RECONNECTED before the
 * events of the time away. An engine that lost its event log in a restart
 * (dockerd keeps it in memory) cannot replay them: for the containers this
 * stream saw running, berth then inspects each one and makes up the DIED
 * (with the exit code) or DESTROYED event the engine would have sent
 * (berth_event_synthesized()). Reconnect attempts happen inside
 * berth_stream_next() and never hold it beyond its timeout (one connection
 * attempt may need a millisecond where the timeout is 0); while
 * reconnecting, berth_stream_fd() is a timer that fires when the next
 * attempt is due.
 *
 * With until, the stream ends (BERTH_ITEROVER) once the engine has sent
 * everything up to that time. Without until it ends only on error, on
 * berth_stream_cancel(), or with BERTH_EUNAVAILABLE when reconnecting is
 * off or gave up.
 *
 * Ownership: *out is the caller's, freed with berth_stream_free(). The
 * options and their strings are copied.
 *
 * Engine differences (normalized here): Podman says "remove" where Docker
 * says "destroy", reports health as action "health_status" with the status
 * in a field of its own (Docker: "health_status: healthy"), sends no signal
 * with kill, filters on "died" where it sends "die", and sends nothing at all for an `until` already past (berth
 * asks it for a moment in the future and drops what comes after until).
 * Podman without systemd runs health checks only when asked (berth's
 * keeper asks at the check's interval, see ready.h) and reports every run,
 * changed or not, with the status from before that run (measured on 4.3: the run that makes a container healthy
 * is reported as "starting", the next as "healthy"); berth hands out only
 * changes of what Podman reports. Docker reports changes only, as they
 * happen. Podman 4.3 keeps its events in a file of 1 MB (by default) and,
 * after rotating it, sends a follower the kept half again (measured: under
 * a steady load about every event twice, and events from before the
 * subscription): berth drops every event more than 2 s older than the
 * newest it handed out, and the rest of the copies by their identities
 * (measured: 9,000 image events made, 9,000 handed out, none twice, where
 * Podman's own stream sent 16,447).
 *
 * containerd (its event service's subscription, in the client's namespace):
 * - it keeps no event history, so nothing is replayed: a since in the
 *   past delivers only what berth can tell from state (see below), never
 *   the events themselves; berth_events_watch() with a past since alone
 *   follows no container yet, so it delivers nothing from before the
 *   subscription. An until ends the stream once berth's clock passes it
 *   (an until already past: BERTH_ITEROVER at once, no event).
 * - right after every subscription (the first too) berth lists the
 *   containers of the namespace with their tasks, once. The first list
 *   tells the stream what exists (nothing is handed out for it, except
 *   DIED / DESTROYED for the running containers
 *   berth_container_list_and_watch() listed that ended in between). After
 *   a reconnect the list is compared with what the stream knew, and berth
 *   makes up (berth_event_synthesized()), after RECONNECTED and ordered by
 *   time (each container's in its own order): CREATED for a container it
 *   did not know; STARTED for one now running (or exited) that it did not
 *   know to run; PAUSED / UNPAUSED where that changed; DIED with the exit
 *   code the task kept for one now exited that it knew running or did not
 *   know (so a container created, started and killed while away comes as
 *   CREATED, STARTED, DIED); DIED (no exit code) and DESTROYED for one
 *   that is gone; the same for an id now held by a newer container. Times
 *   are the container's created / started / finished times where the
 *   record has them, else the time of the list; the filters apply to them
 *   as to the engine's events. An event that happened between the
 *   resubscription and the list comes on the new subscription too: berth
 *   hands it out once (the engine's copy, timed before the list, is
 *   dropped).
 *   What the list cannot tell is lost: a container created and removed
 *   while berth was away leaves no trace; of one that ran several times
 *   while away only the last state shows (one STARTED / DIED, the last
 *   exit code); pauses undone in between, OOMs and exec events are not
 *   recovered; PAUSED / UNPAUSED / DESTROYED carry the time of the list.
 * - HEALTH events are berth's: containerd runs no health checks, berth's
 *   keeper (ready.h) runs them and publishes each change of status on the
 *   event service (topic "/berth/health"), which the stream hands out as
 *   HEALTH with Docker's action "health_status: STATUS". A change while
 *   the stream was away is not made up after the reconnect (inspect has
 *   the status).
 * - action is containerd's topic ("/tasks/exit", "/containers/delete");
 *   the actions filter takes Docker's words for the normalized kinds
 *   ("die", "destroy", ...), the topic, or its last part ("exit").
 * - kinds: ContainerCreate CREATED, TaskStart STARTED, TaskExit of the
 *   main process DIED (exit code), TaskOOM OOM, TaskPaused / TaskResumed
 *   PAUSED / UNPAUSED, ContainerDelete DESTROYED; TaskCreate, TaskDelete,
 *   exec events (attribute "execID") and ContainerUpdate are OTHER.
 * - name, image and labels come from the container record (looked up once
 *   per container: a container removed before berth saw it has the id
 *   only); the filters on them apply in berth. The frame's data is a JSON
 *   line in Docker's shape that berth writes.
 *
 * The stream keeps a pointer to the client: free the stream first.
 *
 * @return 0; BERTH_EINVAL (NULL out or client, bad options version, a bad
 *   since/until/label/type before any request, until before since);
 *   BERTH_EUNSUPPORTED (an engine without an event stream: none of
 *   Docker, Podman and containerd);
 *   BERTH_EUNAVAILABLE and other transport errors of the first subscription.
 */
BERTH_API int berth_events_watch(berth_stream **out, berth_client *client, const berth_events_options *opts,
				 berth_error *err);

/**
 * List containers and watch events from the moment of the list, with no
 * gap between the two: the engine's clock is read (the Date of a ping
 * reply) before the list is taken, and the stream replays from a second
 * before that time. Contract: every event that happened after the list was
 * taken is delivered; events from up to two seconds before it may be
 * delivered too (a supervisor applies them idempotently: a DIED for a
 * container the list shows exited is not news). The listed running
 * containers are known to the stream, so a DIED lost in an engine restart
 * is made up for them too (see berth_events_watch()).
 *
 * list_opts may be NULL (running containers); watch_opts may be NULL (all
 * events, reconnecting); its since/since_ns must be unset (BERTH_EINVAL).
 * On success *out_list and *out_stream are the caller's; on failure neither
 * is set.
 * @return as berth_container_list_get() and berth_events_watch().
 */
BERTH_API int berth_container_list_and_watch(berth_container_list **out_list, berth_stream **out_stream,
					     berth_client *client, const berth_list_options *list_opts,
					     const berth_events_options *watch_opts, berth_error *err);

/**
 * Parse a time as berth_events_options.since/until take it: RFC 3339,
 * Unix seconds with an optional fraction, or a duration before now
 * ("10m", "1h30m", "1.5h", "250ms"; units ns us ms s m h).
 * @return 0 with *out_ns set; BERTH_EINVAL naming the text.
 */
BERTH_API int berth_time_parse(int64_t *out_ns, const char *text, berth_error *err);

#ifdef __cplusplus
}
#endif

#endif
