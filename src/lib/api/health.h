/* The health keeper: berth-health, the companion process that runs a
 * container's health check at its interval on engines that run none by
 * themselves (Podman without systemd, containerd). See health.c. */
#ifndef BERTH_API_HEALTH_H
#define BERTH_API_HEALTH_H

#include "lib/engine.h"

/* Make sure a keeper looks after container `ref` (a name, id or prefix):
 * on engines with a health_run operation, start berth-health for it,
 * detached from this process, unless one already holds the container's
 * lock (the keeper itself checks again and leaves when another is there,
 * or when the container has no health check). Best effort: a keeper that
 * cannot be started is logged at debug level and the caller goes on;
 * readiness waits then run the checks themselves. */
void health_keeper_ensure(struct berth_client *c, const char *ref);

/* Whether a keeper holds the lock of the container with full id `id`. */
bool health_keeper_alive(const struct berth_client *c, const char *id);

#endif
