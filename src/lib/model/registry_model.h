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

struct berth_credentials {
	char *server;                        /* the key where they were found */
	char *username, *secret, *identity_token;   /* NULL when absent */
	char *source;
};

/* Credentials from copies of their parts (NULL or "" for what is absent).
 * NULL: out of memory. */
berth_credentials *credentials_new(const char *server, const char *username, const char *secret,
				   const char *identity_token, const char *source);

/* A copy of creds (NULL for NULL creds, or when memory ran out: check
 * creds first). */
berth_credentials *credentials_dup(const berth_credentials *creds);

/* The X-Registry-Auth header value the Engine API (Docker, Podman) takes:
 * base64url of {"username", "password", "serveraddress"}, or of
 * {"identitytoken", "serveraddress"} (with "username" when there is one),
 * or of {} for anonymous credentials (creds NULL too). The caller zeroes
 * (explicit_bzero) and frees it. NULL: out of memory. */
char *credentials_registry_auth(const berth_credentials *creds);

#endif
