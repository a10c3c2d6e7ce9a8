/* Docker CLI contexts (see eapi_context.c). */
#ifndef BERTH_ENGINEAPI_CONTEXT_H
#define BERTH_ENGINEAPI_CONTEXT_H

#include "lib/internal.h"

typedef struct eapi_docker_context {
	char *name;      /* NULL when the current context is "default" or unset */
	char *host;      /* Endpoints.docker.Host */
	char *tls_dir;   /* contexts/tls/<digest>/docker when it exists */
	bool skip_tls_verify;
} eapi_docker_context;

/* $DOCKER_CONFIG, else $HOME/.docker. */
int eapi_docker_config_dir(sbuf *out);

/* Find the current context under config_dir. Success with name == NULL
 * means "no context in use". BERTH_ENOTFOUND: the named context does not
 * exist; BERTH_EINVAL: its files are malformed. */
int eapi_docker_context_lookup(eapi_docker_context *out, const char *config_dir, berth_error *err);
void eapi_docker_context_release(eapi_docker_context *c);

#endif
