/* What the services-file entry points share (api/compose.c loads a
 * project and makes specs; api/compose_run.c runs it). */
#ifndef BERTH_COMPOSE_INT_H
#define BERTH_COMPOSE_INT_H

#include "lib/model/model.h"
#include "lib/model/compose_model.h"
#include "util/sha256.h"

#include <berth/compose.h>
#include <berth/spec.h>

typedef struct compose_svc {
	const compose_service *s;   /* in the project's record */
	char *cname;                /* its container's name */
	strv env;                   /* KEY=VALUE: env_file, then environment */
} compose_svc;

struct berth_compose {
	compose_project p;
	char *name;                 /* the project's */
	char *dir;                  /* absolute when it exists */
	strv env_keys, env_values;  /* the variables, sorted by key */
	compose_svc *svc;           /* one per service, in the record's order */
	size_t n;
};

/* The service of that name, or NULL. */
compose_svc *compose_svc_of(const berth_compose *x, const char *name);
/* The spec of a service, with the compose labels and the config hash
 * (also in hash_out, when not NULL); the engine's own limits are its
 * create's. Errors name the service. */
int compose_build_spec(berth_spec **out, char hash_out[65], const berth_compose *x, const compose_svc *v,
		       berth_error *err);
/* The engine's name of a network or volume key; -1: no memory. */
int compose_network_name(char **out, const berth_compose *x, const char *key);
int compose_volume_name(char **out, const berth_compose *x, const char *key);

#endif
