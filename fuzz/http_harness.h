/* Helpers shared by the HTTP reply fuzz targets: a transport that never
 * connects anywhere, and a connection whose peer has already sent the
 * fuzz input and closed its side. */
#ifndef BERTH_FUZZ_HTTP_HARNESS_H
#define BERTH_FUZZ_HTTP_HARNESS_H

#include "lib/transport/http.h"

#include <stdbool.h>

/* The process-wide transport (made on first use), or NULL. */
transport *fuzz_transport(void);
/* Close the connections a finished reply put back into the idle pool, so
 * that every input starts from the same state. */
void fuzz_transport_drain(transport *t);
/* A connection that will read exactly data[0, size) and then end of
 * stream. *peer is the other end (holds the request the client sent);
 * close it when done. Returns NULL on failure. */
conn *fuzz_conn_with_reply(const uint8_t *data, size_t size, int *peer);

#endif
