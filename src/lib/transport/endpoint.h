/* Endpoints (endpoint.c): what berth connects to, and the bounded wait on
 * a socket. Only transport/ includes this. */
#ifndef BERTH_TRANSPORT_ENDPOINT_H
#define BERTH_TRANSPORT_ENDPOINT_H

#include "lib/internal.h"

typedef enum endpoint_kind {
	ENDPOINT_UNIX = 1,
	ENDPOINT_TCP = 2,
	ENDPOINT_SSH = 3,   /* the engine's API over an ssh child's stdio (sshpipe.c) */
} endpoint_kind;

typedef struct endpoint {
	endpoint_kind kind;
	char *uri;       /* normalized: unix:///path, tcp://host:port or
	                    ssh://[user@]host[:port][/path] */
	char *path;      /* unix; ssh: the socket on the remote side, or NULL */
	char *host;      /* tcp, ssh: without brackets */
	char *port;      /* tcp; ssh: NULL when not given (ssh's own choice) */
	char *user;      /* ssh: NULL when not given */
	bool tls;        /* tcp with TLS */
	bool tls_verify; /* verify the server against ca.pem */
	char *cert_dir;  /* ca.pem, cert.pem, key.pem (a registry's: see below) */
	/* A registry's TLS (tls_mode 3): the system's CA store, and in
	 * cert_dir (may be NULL) the certs.d layout of Docker and containerd:
	 * every *.crt is a CA, NAME.cert with NAME.key a client certificate. */
	bool registry_certs;
} endpoint;

/* Parse "unix:///p", "/p", "tcp://h:p", "http://h:p", "https://h:p",
 * "ssh://[user@]host[:port][/path]" (no password, no query; user and host
 * of letters, digits, '.', '_' and '-', not starting with '-'; the path
 * absolute, of letters, digits and "/._+-", as it goes into a command
 * line on the remote side).
 * tls_mode: 1 = TLS with verification, 2 = TLS without verification,
 * -1 = no TLS, 0 = from the environment (DOCKER_TLS_VERIFY,
 * DOCKER_CERT_PATH), 3 = a registry's TLS (verified against the system's
 * CAs and those of cert_dir, see registry_certs). https:// always means
 * TLS. */
int endpoint_parse(endpoint *ep, const char *uri, int tls_mode, const char *cert_dir, berth_error *err);
void endpoint_release(endpoint *ep);

/* Wait until fd is ready for `events` (POLLIN, POLLOUT) before the
 * deadline; BERTH_ETIMEDOUT names the endpoint and `what` was waited for. */
int fd_wait(int fd, short events, int64_t deadline, const endpoint *ep, const char *what, berth_error *err);

#endif
