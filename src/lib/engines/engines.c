/* The list of backends: the one place that knows which engines berth has.
 * Discovery asks them in this order (so Docker's and Podman's configured
 * endpoints come before containerd's, and every configured endpoint before
 * any default socket). A new engine is a folder beside these two that
 * exports one berth_backend, and a line here. */
#include "lib/engine.h"

extern const berth_backend engineapi_backend;
extern const berth_backend containerd_backend;

const berth_backend *const berth_backends[] = {
	&engineapi_backend,
	&containerd_backend,
	NULL,
};

const berth_backend *berth_backend_for(berth_engine engine)
{
	for (const berth_backend *const *b = berth_backends; *b; b++)
		if (engine == BERTH_ENGINE_AUTO || ((*b)->engines & (1u << engine)))
			return *b;
	return NULL;
}
