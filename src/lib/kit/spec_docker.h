/* The Engine API create body from a spec: a pure function (spec in, JSON
 * out), unit-tested without an engine. */
#ifndef BERTH_ENGINEAPI_CREATE_H
#define BERTH_ENGINEAPI_CREATE_H

#include "lib/model/model.h"

struct json_t;

/* What an engine's compat API does differently with a create body. A NULL
 * dialect is Docker's behaviour. */
typedef struct spec_docker_dialect {
	const char *engine;             /* its name, for messages */
	bool swap_unlimited_dropped;    /* MemorySwap -1 is ignored: send the kernel's largest limit */
	bool health_timings_need_test;  /* Healthcheck timings without a Test are ignored */
	const char *const *log_opts;    /* the LogConfig options it honours (NULL-terminated); NULL: all */
	const char *host_gateway_since; /* first version that maps ExtraHosts "host-gateway"; NULL: all */
} spec_docker_dialect;

/* What "unlimited" is in a cgroup memory limit: the largest page-aligned
 * value, which the kernel clamps to its own maximum. */
#define ENGINEAPI_MEMORY_UNLIMITED (INT64_MAX & ~(int64_t)4095)

/*
 * Render spec as the body of POST /containers/create, with berth's
 * ownership labels (owner may be NULL). server_version is the engine's
 * ("4.3.1"; "" when unknown) for fields that depend on it.
 * Returns 0 and a new reference in *out; BERTH_EUNSUPPORTED when the
 * dialect cannot honour a field (the message names it and the engine);
 * BERTH_ENOMEM.
 */
int spec_docker_body(struct json_t **out, const berth_spec *spec, const char *owner,
			  const spec_docker_dialect *d, const char *server_version, berth_error *err);

#endif
