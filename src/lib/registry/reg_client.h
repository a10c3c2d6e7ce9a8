/* berth's registry client: the OCI distribution API (/v2/) of one
 * repository over berth's HTTP/1.1 transport, with the registry's own
 * authentication (Basic, or Bearer tokens from its token server).
 *
 * It sits on its own floor, above kit/ and transport/ (it uses the
 * transport, and the credentials the kit resolves), below the engines
 * (containerd's native pull) and the entry points (login).
 *
 * Schemes, as Docker and containerd choose them: HTTPS first, verified
 * against the system's CAs and the CA files of the registry's certs.d
 * folder (/etc/containerd/certs.d/HOST:PORT/, else /etc/docker/certs.d/,
 * else /etc/containers/certs.d/). Plain HTTP only for a loopback registry
 * (localhost, 127.0.0.0/8, ::1) that does not speak TLS, or one the
 * caller marks insecure; an insecure registry that speaks TLS is not
 * verified. A certificate that fails verification is an error on
 * loopback too (a registry with its own CA needs that CA in certs.d).
 *
 * Secrets: credentials and tokens go only into Authorization headers,
 * never into messages or logs. Not thread-safe: one client per thread. */
#ifndef BERTH_REGISTRY_CLIENT_H
#define BERTH_REGISTRY_CLIENT_H

#include "lib/internal.h"
#include "lib/transport/http.h"

typedef struct reg_options {
	const berth_credentials *cred; /* NULL: anonymous */
	const char *actions;           /* the token scope's actions: "pull" (NULL) or "pull,push" */
	bool insecure;                 /* plain HTTP, or TLS unverified, allowed */
	int timeout_ms;                /* per request, to the end of its headers; 0: 30000 */
	/* the certs.d roots to look in, NULL-terminated; NULL: the three above */
	const char *const *certs_roots;
} reg_options;

typedef struct reg_client reg_client;

/* A client for repository `repo` ("library/redis") of registry `domain`
 * ("docker.io", "127.0.0.1:5000", as berth_image_ref_domain() gives it).
 * No request is made yet. The credentials must outlive the client. */
int reg_client_new(reg_client **out, const char *domain, const char *repo, const reg_options *o, berth_error *err);
void reg_client_free(reg_client *rc);

/* "https://registry-1.docker.io" (the scheme once one was chosen), for
 * messages. */
const char *reg_client_base(const reg_client *rc);

/* A request to the registry, path relative to it ("/v2/..."), with the
 * registry's authentication; a 401 is answered once with credentials (a
 * Bearer token fetched for the repository's scope, or Basic). The reply
 * is read whole (body up to max_body). Any status is a success here; see
 * reg_status_error(). */
int reg_do(reg_client *rc, const http_request *req, http_response *resp, size_t max_body, berth_error *err);

/* A GET whose body is read as it comes (a blob): redirects are followed
 * (up to 5; to another host without the Authorization). On success the
 * status is 2xx and *out streams its body; a 4xx/5xx is mapped by
 * reg_status_error() (what: "blob sha256:..."). */
int reg_stream_get(http_stream **out, reg_client *rc, const char *path, const char *const *headers,
		   http_response *head, const char *what, berth_error *err);

/* GET /v2/REPO/blobs/DIGEST of the client's repository, its body
 * streamed (reg_stream_get: redirects followed, failures mapped with
 * "blob DIGEST" named). */
int reg_blob_get(http_stream **out, reg_client *rc, const char *digest, berth_error *err);

/* The error for a reply that failed: 404 BERTH_ENOTFOUND, 401/403
 * BERTH_EPERM, 429 and 5xx BERTH_EUNAVAILABLE, other statuses
 * BERTH_EPROTOCOL; the message names the registry, `what`, and the
 * registry's own words. */
int reg_status_error(const reg_client *rc, const http_response *resp, const char *what, berth_error *err);

/* GET /v2/ with the credentials: 0 when the registry accepts them (or
 * wants none); BERTH_EPERM when it refuses them. The token scope is the
 * repository's when the client has one ("" for none). */
int reg_ping(reg_client *rc, berth_error *err);

#endif
