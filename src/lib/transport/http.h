/* HTTP/1.1 client over berth's connections: keep-alive pool, deadlines,
 * buffered and streamed bodies, and the Upgrade hijack. The only place
 * that includes <http_parser.h> is http1.c. */
#ifndef BERTH_TRANSPORT_HTTP_H
#define BERTH_TRANSPORT_HTTP_H

#include "socket.h"

#include <pthread.h>

#define HTTP_POOL_MAX 16

/* An engine endpoint with its pool of idle connections. Thread-safe. */
typedef struct transport {
	endpoint ep;
	int connect_timeout_ms;
	int timeout_ms;           /* default request deadline */
	pthread_mutex_t lock;
	conn *idle[HTTP_POOL_MAX];
	size_t nidle;
	conn *preset;             /* used by the next request (http_do_on) */
} transport;

int transport_new(transport **out, const char *uri, int tls_mode, const char *cert_dir,
		  int connect_timeout_ms, int timeout_ms, berth_error *err);
void transport_free(transport *t);

typedef struct http_request {
	const char *method;        /* "GET" */
	const char *target;        /* "/v1.41/containers/json?all=1" */
	const char *content_type;  /* with a body; NULL = application/json */
	const void *body;
	size_t body_len;
	int timeout_ms;            /* 0 = transport default; <0 = no deadline */
	bool upgrade;              /* send Connection: Upgrade, Upgrade: tcp */
	/* one more header line, "Name: value" without CR or LF (the caller's
	 * to check), or NULL; it may carry a secret (X-Registry-Auth): it is
	 * never logged */
	const char *extra_header;
	/* more header lines of that kind (Authorization, Accept, Range),
	 * NULL-terminated; a line with CR or LF is left out; never logged */
	const char *const *headers;
	bool head;                 /* a HEAD request: no body follows */
	/* A body of unknown length, sent chunked as it is read (body and
	 * body_len unused): fill buf with up to cap bytes, return the count, 0
	 * at the end, or a negative BERTH_E* code. Such a request is never
	 * sent twice. */
	ssize_t (*body_read)(void *buf, size_t cap, void *payload);
	void *body_payload;
} http_request;

typedef struct http_response {
	int status;
	strv hnames;   /* header names, lower-cased, in arrival order */
	strv hvalues;
	sbuf body;     /* buffered body (http_do) */
} http_response;

#define HTTP_RESPONSE_INIT { 0, STRV_INIT, STRV_INIT, SBUF_INIT }

/* The value of a header (case-insensitive name), NULL when absent. */
const char *http_header(const http_response *r, const char *name);
void http_response_release(http_response *r);

/* Send a request and read the whole reply (status, headers, body up to
 * max_body bytes; more is BERTH_EPROTOCOL). Any status is a success here:
 * callers map statuses. Transport failures return BERTH_E* codes. */
int http_do(transport *t, const http_request *req, http_response *resp, size_t max_body, berth_error *err);

/* http_do, but a 2xx reply's body goes piece by piece to sink (in order,
 * each piece borrowed for the call) instead of into resp->body; another
 * status's body is buffered as http_do does, for the caller's error. A
 * sink's negative BERTH_E* code ends the call with it (the connection is
 * dropped, not pooled). max_body bounds the bytes either way. */
typedef int (*http_sink)(void *payload, const char *data, size_t len, berth_error *err);
int http_do_sink(transport *t, const http_request *req, http_response *resp, size_t max_body, http_sink sink,
		 void *payload, berth_error *err);

/* http_do on a connection the caller made (fuzzing and tests feed replies
 * through a socketpair this way). The connection is consumed. */
int http_do_on(transport *t, conn *c, const http_request *req, http_response *resp, size_t max_body,
	       berth_error *err);

/* Streamed replies: open returns once the status and headers are in. */
typedef struct http_stream http_stream;

int http_stream_open(http_stream **out, transport *t, const http_request *req,
		     http_response *head, berth_error *err);
/* Next piece of the body: data and len stay valid until the next call.
 * Returns 0, BERTH_ITEROVER at the end of the body, or an error.
 * timeout_ms < 0 waits without a deadline, 0 polls once. */
int http_stream_read(http_stream *s, const char **data, size_t *len, int timeout_ms, berth_error *err);
/* The socket's fd, for poll() in an event loop. */
int http_stream_fd(const http_stream *s);
/* After a 101 Upgrade (or a raw-stream reply): take the connection; bytes
 * that arrived after the headers stay in its read buffer. */
conn *http_stream_take_conn(http_stream *s);
/* Close: a fully read keep-alive reply returns its connection to the pool. */
void http_stream_close(http_stream *s);

#endif
