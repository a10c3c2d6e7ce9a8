/* Readiness probes over the network: is a TCP port open, what does an HTTP
 * GET answer. Used by ready.c; the sockets stay inside transport/. */
#ifndef BERTH_TRANSPORT_PROBE_H
#define BERTH_TRANSPORT_PROBE_H

#include "lib/internal.h"

/* Connect to host:port within timeout_ms. A listener that accepts and
 * closes at once counts as closed: Docker's userland proxy accepts on a
 * published port even when nothing listens in the container, and hangs up
 * right away. The connection must stay up for a short settle time.
 * Returns 0 (open), BERTH_EUNAVAILABLE (refused or closed at once),
 * BERTH_ETIMEDOUT, BERTH_EINVAL (bad host). */
int net_probe_tcp(const char *host, int port, int timeout_ms, berth_error *err);

/* GET `path` from http://host:port within timeout_ms (one request, one
 * connection, closed afterwards); *status gets the reply's status. */
int net_probe_http(int *status, const char *host, int port, const char *path, int timeout_ms, berth_error *err);

#endif
