/* gRPC over HTTP/2 (h2c, prior knowledge) on berth's own connections.
 * Only transport/h2.c includes <nghttp2/nghttp2.h>; callers see bytes in,
 * bytes out and BERTH_E* codes. Messages are opaque here: the containerd
 * backend packs and unpacks them with protobuf-c.
 *
 * A channel is one HTTP/2 connection shared by every unary call made on it
 * (thread-safe: calls from several threads are multiplexed as streams, one
 * thread at a time reads the socket for all of them). A dead connection
 * fails the calls in flight with BERTH_EUNAVAILABLE and is reopened by the
 * next call. A server stream gets a connection of its own, so that a long
 * subscription has a pollable fd and never holds up the unary calls. */
#ifndef BERTH_TRANSPORT_GRPC_H
#define BERTH_TRANSPORT_GRPC_H

#include "lib/internal.h"

typedef struct grpc_channel grpc_channel;
typedef struct grpc_stream grpc_stream;

/* Largest message berth accepts in a reply (a longer one is BERTH_EPROTOCOL). */
#define GRPC_MAX_MESSAGE (64u * 1024 * 1024)

/* Connect to uri (unix:// URI or a socket path) within connect_timeout_ms and
 * send the HTTP/2 preface. BERTH_EUNAVAILABLE / BERTH_ENOTFOUND /
 * BERTH_EPERM / BERTH_ETIMEDOUT from the connect. */
int grpc_channel_open(grpc_channel **out, const char *uri, int connect_timeout_ms, berth_error *err);
void grpc_channel_free(grpc_channel *ch);
/* The endpoint's normalized uri (for messages). */
const char *grpc_channel_uri(const grpc_channel *ch);

/* One call's request: body is one message (framed here). A request of
 * several messages goes through grpc_upload (below). */
typedef struct grpc_call_args {
	const char *path;        /* "/containerd.services.tasks.v1.Tasks/List" */
	const char *ns;          /* containerd-namespace header; NULL: none */
	const char *lease;       /* containerd-lease header; NULL: none */
	const uint8_t *body;
	size_t len;
	int timeout_ms;          /* whole call; also sent as grpc-timeout; <=0: none */
} grpc_call_args;

/* Make a call and collect the reply messages, each still framed, into
 * *reply (walk them with grpc_frame_next). 0 when grpc-status is OK;
 * otherwise the status mapped by grpc_status_to_code(), with grpc-message in
 * the error text and the gRPC code as err->native. */
int grpc_call(grpc_channel *ch, const grpc_call_args *a, sbuf *reply, berth_error *err);

/* Several calls at once on the channel's connection: their requests leave
 * in one write, then every reply is awaited (replies[i] gets call i's, as
 * grpc_call). 0 when all succeeded; else the first failure's error, and the
 * calls still open are cancelled. n is 1 to 16. */
int grpc_call_all(grpc_channel *ch, const grpc_call_args *a, size_t n, sbuf *replies, berth_error *err);

/* A unary call: req is one packed message, *reply gets the one packed reply
 * message (appended; an empty message leaves it as it was). */
int grpc_unary(grpc_channel *ch, const char *path, const char *ns, const uint8_t *req, size_t len,
	       sbuf *reply, int timeout_ms, berth_error *err);

/* Client streaming on the channel's connection: request messages sent as
 * they come, each once the server's flow-control window takes it (a large
 * blob goes through one call, a piece at a time), then the end of the
 * request and the reply. Not for several threads at once on one upload. */
typedef struct grpc_upload grpc_upload;
/* Start the call (a->body unused); a->timeout_ms covers the whole call. */
int grpc_upload_open(grpc_upload **out, grpc_channel *ch, const grpc_call_args *a, berth_error *err);
/* Send one message (framed here); last ends the request with it. Returns
 * once it is written; msg may be reused then. A server that ended the
 * call early: its error. After an error the upload is cancelled (only
 * finish or cancel it then). */
int grpc_upload_send(grpc_upload *u, const uint8_t *msg, size_t len, bool last, berth_error *err);
/* The same without a copy: buf holds 5 free bytes, then the message's len
 * bytes; the prefix is written into them. */
int grpc_upload_send_framed(grpc_upload *u, uint8_t *buf, size_t len, bool last, berth_error *err);
/* End the request (when the last message did not), wait for the reply
 * and collect its messages as grpc_call does; frees u. */
int grpc_upload_finish(grpc_upload *u, sbuf *reply, berth_error *err);
/* Reset the call and free u. NULL-safe. */
void grpc_upload_cancel(grpc_upload *u);

/* Server streaming: send one request, then read messages one at a time. */
int grpc_stream_open(grpc_stream **out, const char *uri, const char *path, const char *ns, const uint8_t *req,
		     size_t len, int connect_timeout_ms, berth_error *err);
/* The next message into *msg (replacing its content). BERTH_ITEROVER when
 * the server ended the stream with status OK; BERTH_ETIMEDOUT when nothing
 * came within timeout_ms (<0 waits without a deadline, 0 polls once; the
 * stream stays usable); BERTH_EUNAVAILABLE when the connection ended; a
 * mapped status when the server ended the stream with an error. */
int grpc_stream_next(grpc_stream *s, sbuf *msg, int timeout_ms, berth_error *err);
/* The stream's socket, for poll(): readable when next may make progress. */
int grpc_stream_fd(const grpc_stream *s);
/* Cancel (RST_STREAM) and close; NULL-safe. */
void grpc_stream_close(grpc_stream *s);

/* ---- pure helpers (framing and statuses; unit-tested) ------------------- */

/* Append msg with its 5-byte prefix (uncompressed, big-endian length). */
int grpc_frame_append(sbuf *out, const uint8_t *msg, size_t len);
/* Take the next whole message from buf[*pos, len): 1 with msg and msg_len
 * set, 0 when more bytes are needed, BERTH_EPROTOCOL (compressed or longer
 * than GRPC_MAX_MESSAGE). */
int grpc_frame_next(const uint8_t *buf, size_t len, size_t *pos, const uint8_t **msg, size_t *msg_len,
		    berth_error *err);
/* gRPC status code -> BERTH_E* (0 for OK). */
int grpc_status_to_code(int status);
/* The gRPC name of a status ("NotFound"), "Unknown" when out of range. */
const char *grpc_status_name(int status);
/* Decode a percent-encoded grpc-message into out (NUL-terminated). */
void grpc_message_decode(char *out, size_t size, const char *in, size_t len);
/* The grpc-timeout header value for timeout_ms ("1500m"). */
void grpc_timeout_format(char out[16], int timeout_ms);

#endif
