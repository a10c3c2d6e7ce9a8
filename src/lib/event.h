/* Events: the record behind the public berth_event, the checked query a
 * backend's events_watch gets, and the time parser of since/until. */
#ifndef BERTH_EVENT_H
#define BERTH_EVENT_H

#include "internal.h"

struct berth_event {
	berth_event_kind kind;
	char *type, *action, *id, *name, *image;
	int64_t time_ns;
	int exit_code;          /* -1: none */
	int signal;             /* -1: none */
	berth_health health;
	bool synthesized;
	strv keys, values;      /* attributes, in the engine's order */
};

berth_event *event_new(void);
void event_free(berth_event *ev);
DEFINE_CLEANUP(berth_event, event_free)
/* Set an attribute (appended; copies both). 0 or -ENOMEM. */
int event_add_attribute(berth_event *ev, const char *key, const char *value);

/* A checked watch request (events.c made it from berth_events_options). */
typedef struct events_query {
	strv containers, labels, types, actions;
	int64_t since_ns;       /* 0: from now */
	int64_t until_ns;       /* 0: no end */
	bool reconnect;
	int max_reconnect_ms;   /* < 0: never give up */
	/* containers known to run when the watch began (list-then-watch) */
	strv running_ids;
} events_query;

void events_query_release(events_query *q);
/* A copy of q's filters and settings (not running_ids). 0 or -ENOMEM
 * (to then holds what was copied: release it). */
int events_query_copy(events_query *to, const events_query *q);

/* A DISCONNECTED / RECONNECTED event (empty strings, berth's clock). NULL:
 * no memory. */
berth_event *event_system(berth_event_kind kind);

/* Arm the timerfd *fd (created on first use) to fire at abs_ms on the
 * monotonic clock: a stream's fd while it waits to reconnect. */
void events_timer_arm(int *fd, int64_t abs_ms);

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

/* Wall clock, ns since the epoch. */
int64_t wall_ns(void);

#endif
