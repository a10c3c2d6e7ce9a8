/* The records behind berth_image_ref and berth_credentials (public
 * accessors in registry_model.c). */
#ifndef BERTH_REGISTRY_MODEL_H
#define BERTH_REGISTRY_MODEL_H

#include "lib/internal.h"

struct berth_image_ref {
	char *domain, *path, *name;
	char *tag;          /* NULL: none given */
	char *digest;       /* NULL: none given */
	char *normalized, *familiar;
};

/* A reference from its parts (copied; tag and digest may be NULL, the
 * domain and path are normalized already). familiar_name is the name as
 * the familiar form starts. NULL: out of memory. */
berth_image_ref *image_ref_new(const char *domain, const char *path, const char *tag, const char *digest,
			       const char *familiar_name);

#endif
