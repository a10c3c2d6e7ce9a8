/* containerd events: the pure decoder of the event service's envelopes
 * (no I/O; fuzzed by fuzz/fuzz_ctrd_event.c) and the watch. */
#ifndef BERTH_CONTAINERD_EVENTS_H
#define BERTH_CONTAINERD_EVENTS_H

#include "lib/model/event_model.h"

#include <stdint.h>

/* Decode one Envelope (the packed message, without the gRPC prefix) into a
 * normalized event: type "container", action the envelope's topic
 * ("/tasks/exit"), id the container's id, the envelope's time, the exit
 * code of the main process's TaskExit (an exec's exit is OTHER with an
 * "execID" attribute). Name and image are "" (the stream fills them from
 * the container record). *out_ns gets the envelope's namespace (malloc'd).
 * berth's own health event (CTRD_HEALTH_EVENT_TYPE) is HEALTH with
 * Docker's action "health_status: STATUS".
 * Returns 0, BERTH_EPROTOCOL (undecodable envelope or payload) or
 * BERTH_ENOMEM. An event of a type berth does not know is OTHER. */
int ctrd_parse_envelope(berth_event **out, char **out_ns, const uint8_t *msg, size_t len, berth_error *err);

/* Docker's action word for a normalized kind ("die"), NULL for OTHER. */
const char *ctrd_event_docker_word(berth_event_kind kind);

int ctrd_events_watch(berth_stream **out, struct berth_client *c, const events_query *q, berth_error *err);
int ctrd_clock_ns(int64_t *out, struct berth_client *c, berth_error *err);

#endif
