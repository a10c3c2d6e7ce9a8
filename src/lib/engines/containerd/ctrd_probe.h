/* Recognising containerd at an endpoint (ctrd_probe.c). */
#ifndef BERTH_CTRD_PROBE_H
#define BERTH_CTRD_PROBE_H

#include "lib/internal.h"

/* Connect to `uri` (a unix socket) and check that it speaks gRPC over
 * HTTP/2; on success out_version receives containerd's version. */
int containerd_probe_endpoint(char *out_version, size_t version_size, const char *uri, int timeout_ms,
			      berth_error *err);

#endif
