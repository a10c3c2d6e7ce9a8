/* The Engine API's demuxed byte streams (logs, exec, attach). */
#ifndef BERTH_EAPI_BYTESTREAM_H
#define BERTH_EAPI_BYTESTREAM_H

#include "lib/kit/stream.h"

struct http_stream;
struct conn;
struct transport;

/* ---- demuxed byte streams (logs, exec, attach) ----------------------------
 * Reads an Engine API body (an http_stream) or a hijacked connection, cuts
 * the 8-byte framing (or passes a TTY stream through) and hands out pieces
 * as frames. */

typedef struct byte_stream_hooks {
	/* optional: a resize of the TTY behind the stream */
	int (*resize)(void *ctx, unsigned rows, unsigned cols, berth_error *err);
	/* optional: called once when the body ended cleanly (e.g. fetch an exec's
	 * exit code); an error here is the stream's error */
	int (*on_end)(void *ctx, berth_error *err);
	void (*release)(void *ctx);
	void *ctx;
	/* optional, logs read by polling (an engine whose own follow is not
	 * to be trusted): called each time a body ended cleanly, before
	 * on_end. since_ns is the time of the last entry handed out (0: none
	 * yet), handed how many entries the ended body handed out. Return 1
	 * with *out, the next body (the log from since_ns on: the entries at
	 * since_ns handed out already are skipped), and *hold, whether that
	 * body is a read of a log still being written; 0 at the end;
	 * BERTH_ETIMEDOUT to be called again (waits at most timeout_ms).
	 * Needs timestamps. */
	int (*resume)(void *ctx, struct http_stream **out, bool *hold, int64_t since_ns, size_t handed,
		      int timeout_ms, berth_error *err);
	/* optional, with resume: the stream's fd while it waits to resume
	 * (a timer that fires when the next read is due); -1: none */
	int (*wait_fd)(const void *ctx);
} byte_stream_hooks;

typedef struct byte_stream_options {
	bool tty;          /* unframed: every byte is stdout */
	bool timestamps;   /* each entry starts with an RFC 3339 time and a space:
	                      parsed into time_ns and cut off */
	bool stdin_open;   /* a hijacked connection whose write side is stdin */
	bool hide_times;   /* timestamps parsed for berth's own use: time_ns stays 0 */
	bool hold;         /* the first body is a read of a log still being written:
	                      its last entry may be cut short. Each entry is held
	                      back until the next begins; the last is handed out
	                      only when the next read brings it unchanged. */
	const char *what;  /* "logs of web" for messages */
} byte_stream_options;

/* Over a streamed HTTP reply; takes ownership of hs (and hooks.ctx). */
int byte_stream_from_http(berth_stream **out, struct http_stream *hs, struct transport *t,
			  const byte_stream_options *o, const byte_stream_hooks *hooks, berth_error *err);
/* GET path (under the API's version prefix) whose reply is a tar: its
 * bytes passed through as they come (a TTY-style byte stream, no
 * demuxing). what names it in messages. */
struct berth_client;
int eapi_tar_stream(berth_stream **out, struct berth_client *c, const char *path, const char *what,
		    berth_error *err);
/* Over a hijacked connection (after 101 Upgrade); takes ownership of c. */
int byte_stream_from_conn(berth_stream **out, struct conn *c, struct transport *t,
			  const byte_stream_options *o, const byte_stream_hooks *hooks, berth_error *err);

#endif
