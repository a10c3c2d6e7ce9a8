/* Events: the record behind the public berth_event, the checked query a
 * backend's events_watch gets, and the wall clock. */
#ifndef BERTH_EVENT_H
#define BERTH_EVENT_H

#include "lib/internal.h"

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

/* Wall clock, ns since the epoch. */
int64_t wall_ns(void);

#endif
