/* Endpoints and connections: unix and TCP sockets (TLS optional), every
 * read and write bounded by a deadline. Only transport/ includes this. */
#ifndef BERTH_TRANSPORT_SOCKET_H
#define BERTH_TRANSPORT_SOCKET_H

#include "lib/internal.h"

typedef enum endpoint_kind {
	ENDPOINT_UNIX = 1,
	ENDPOINT_TCP = 2,
} endpoint_kind;

typedef struct endpoint {
	endpoint_kind kind;
	char *uri;       /* normalized: unix:///path or tcp://host:port */
	char *path;      /* unix */
	char *host;      /* tcp, without brackets */
	char *port;      /* tcp */
	bool tls;        /* tcp with TLS */
	bool tls_verify; /* verify the server against ca.pem */
	char *cert_dir;  /* ca.pem, cert.pem, key.pem */
} endpoint;

/* Parse "unix:///p", "/p", "tcp://h:p", "http://h:p", "https://h:p".
 * tls_mode: 1 = TLS with verification, 2 = TLS without verification,
 * -1 = no TLS, 0 = from the environment (DOCKER_TLS_VERIFY,
 * DOCKER_CERT_PATH). https:// always means TLS. */
int endpoint_parse(endpoint *ep, const char *uri, int tls_mode, const char *cert_dir, berth_error *err);
void endpoint_release(endpoint *ep);

typedef struct tls_conn tls_conn;

/* One connection to an endpoint, with its read buffer. */
typedef struct conn {
	int fd;
	tls_conn *tls;
	bool reused;       /* came from the idle pool */
	bool drained;      /* the last read took less than it could: the socket
	                      is likely empty, so wait before the next read */
	char *rbuf;
	size_t rcap, rpos, rlen;  /* unread bytes are rbuf[rpos, rlen) */
} conn;

#define CONN_RBUF_SIZE (64 * 1024)

/* Connect within timeout_ms. Errors name the endpoint. */
int conn_open(conn **out, const endpoint *ep, int timeout_ms, berth_error *err);
void conn_close(conn *c);

/* Write all of buf before the deadline (now_ms() based; <0 none). */
int conn_write_all(conn *c, const void *buf, size_t len, int64_t deadline, const endpoint *ep, berth_error *err);
/* Read what is available (at least one byte) into c->rbuf. Returns the
 * number of bytes read, 0 at end of stream, or a negative BERTH_E* code. */
int conn_fill(conn *c, int64_t deadline, const endpoint *ep, berth_error *err);
/* Shut the write side (half-close) so the peer sees end of input. */
int conn_shutdown_write(conn *c);
/* Whether the peer has closed or sent unexpected bytes while idle. */
bool conn_is_stale(conn *c);

/* Wait until fd is ready for `events` (POLLIN, POLLOUT) before the
 * deadline; BERTH_ETIMEDOUT names the endpoint and `what` was waited for. */
int fd_wait(int fd, short events, int64_t deadline, const endpoint *ep, const char *what, berth_error *err);

/* TLS (tls.c): OpenSSL is loaded the first time a TLS endpoint is used. */
int tls_connect(tls_conn **out, int fd, const endpoint *ep, int64_t deadline, berth_error *err);
/* >0 bytes, 0 end, <0 BERTH_E* */
int tls_read(tls_conn *t, int fd, void *buf, size_t len, int64_t deadline, const endpoint *ep, berth_error *err);
int tls_write(tls_conn *t, int fd, const void *buf, size_t len, int64_t deadline, const endpoint *ep, berth_error *err);
bool tls_pending(tls_conn *t);
void tls_free(tls_conn *t);

#endif
