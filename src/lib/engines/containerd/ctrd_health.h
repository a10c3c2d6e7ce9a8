/* containerd health checks (ctrd_health.c): the run the ops table
 * offers, and what the lifecycle needs of berth's record of the runs. */
#ifndef BERTH_CTRD_HEALTH_H
#define BERTH_CTRD_HEALTH_H

#include "lib/internal.h"

/* Run container ref's health check once and add the run to its record. */
int ctrd_health_run(struct berth_client *c, const char *id, int timeout_ms, berth_error *err);
/* Fill x's health check configuration (from the label's JSON) and state
 * (from berth's record of the runs). 0 or -ENOMEM. */
int ctrd_health_fill(berth_container_info *x, const struct berth_client *c, const char *id, const char *label);
/* The status of a container whose health label is `label` (NULL: none):
 * NONE without a check, else berth's record ("starting" before any). */
berth_health ctrd_health_status(const struct berth_client *c, const char *id, const char *label);
/* Forget the runs (a new start begins "starting" again). */
void ctrd_health_reset(const struct berth_client *c, const char *id);

#endif
