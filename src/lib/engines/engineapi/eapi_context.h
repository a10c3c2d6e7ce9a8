/* Docker CLI contexts (see eapi_context.c). */
#ifndef BERTH_ENGINEAPI_CONTEXT_H
#define BERTH_ENGINEAPI_CONTEXT_H

#include "lib/internal.h"

typedef struct docker_context {
	char *name;      /* NULL when the current context is "default" or unset */
	char *host;      /* Endpoints.docker.Host */
	char *tls_dir;   /* contexts/tls/<digest>/docker when it exists */
	bool skip_tls_verify;
} docker_context;

/* $DOCKER_CONFIG, else $HOME/.docker. */
int docker_config_dir(sbuf *out);

/* Find the current context under config_dir. Success with name == NULL
 * means "no context in use". BERTH_ENOTFOUND: the named context does not
 * exist; BERTH_EINVAL: its files are malformed. */
int docker_context_lookup(docker_context *out, const char *config_dir, berth_error *err);
void docker_context_release(docker_context *c);

#endif
