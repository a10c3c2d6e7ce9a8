/* Endpoints and connections: unix and TCP sockets (TLS optional), an ssh
 * child's stdio, every read and write bounded by a deadline. Only transport/ includes this. */
#ifndef BERTH_TRANSPORT_SOCKET_H
#define BERTH_TRANSPORT_SOCKET_H

#include "endpoint.h"
#include "sshpipe.h"
#include "tls.h"

/* One connection to an endpoint, with its read buffer. */
typedef struct conn {
	int fd;
	tls_conn *tls;
	ssh_child *ssh;    /* ssh endpoints: the process behind fd */
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

#endif
