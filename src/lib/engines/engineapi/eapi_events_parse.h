/* The pure parser of Engine API event lines (no I/O): one JSON object in,
 * one normalized berth_event out. Fuzzed by fuzz/fuzz_event.c. */
#ifndef BERTH_ENGINEAPI_EVENTS_PARSE_H
#define BERTH_ENGINEAPI_EVENTS_PARSE_H

#include "lib/model/event_model.h"

/* One action word and the kind it means. */
typedef struct event_action {
	const char *action;
	berth_event_kind kind;
} event_action;

/* How an engine words its events (a part of the dialect table). */
typedef struct events_dialect {
	const event_action *actions;   /* exact action words, { NULL } ends */
	/* Health: the action is "health_status: <status>" (Docker) or
	 * "health_status" with the status in a "HealthStatus" member (Podman). */
	bool health_in_member;
	/* Health events come for every check run, changed or not (Podman 4.3,
	 * whose status in them is the one from before that run): berth hands
	 * out only changes. */
	bool health_every_run;
	/* An `until` already past makes the engine send nothing at all (Podman
	 * 4.3): ask for a moment ahead and drop what comes after until. */
	bool until_past_sends_nothing;
	/* Action words its "event" filter knows under another name (Podman
	 * filters on its native "died" though it sends "die"), pairs of
	 * { Docker's word, the engine's }; { NULL } ends. */
	const char *const (*filter_words)[2];
	/* The engine's live stream sends old events again (Podman 4.3 keeps
	 * its events in a file of at most 1 MB by default; after rotating it,
	 * a follower reads the kept half again: measured, about every event
	 * twice under a steady load): the watch drops an event more than this
	 * many seconds older than the newest it handed out (0: never). */
	int replays_on_rotation_s;
} events_dialect;

/* The word to put in the engine's "event" filter for an action. */
const char *eapi_events_filter_word(const events_dialect *d, const char *action);

extern const events_dialect eapi_docker_events_dialect;
extern const events_dialect eapi_podman_events_dialect;

/* Parse one event line (surrounding white space allowed). d NULL: Docker's.
 * Returns 0, BERTH_EPROTOCOL (not a JSON object, no action, wrong shapes)
 * or BERTH_ENOMEM. */
int engineapi_parse_event(berth_event **out, const char *line, size_t len, const events_dialect *d,
			  berth_error *err);

#endif
