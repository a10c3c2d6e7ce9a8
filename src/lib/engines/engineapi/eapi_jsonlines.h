/* A stream of JSON lines over an Engine API body (stats; events and pull
 * progress have the same shape): each line becomes one typed frame. */
#ifndef BERTH_JSONLINES_H
#define BERTH_JSONLINES_H

#include "lib/kit/stream.h"

typedef struct jsonl_hooks {
	/* Make the item of one line. Return 0 with *item set (it stays the
	 * ctx's, valid until the next call), 1 to skip the line, or a BERTH_E*
	 * error that ends the stream (BERTH_ITEROVER ends it cleanly). */
	int (*parse)(void *ctx, const char *line, size_t len, const void **item, berth_error *err);
	void (*release)(void *ctx);
	void *ctx;
	/* At the clean end of the body: BERTH_ITEROVER, or the error of a
	 * stream that should not have ended yet. NULL: BERTH_ITEROVER. */
	int (*end)(void *ctx, berth_error *err);
} jsonl_hooks;

/* Over a streamed HTTP reply; takes ownership of hs and hooks->ctx (both
 * released on failure too). what names the stream in messages; lines over
 * max_line bytes are BERTH_EPROTOCOL. Frames: channel SYSTEM, data/len the
 * line, item from the hook, time_ns from time_of (NULL: 0). */
int jsonl_stream_from_http(berth_stream **out, struct http_stream *hs, const char *what, size_t max_line,
			   const jsonl_hooks *hooks, int64_t (*time_of)(const void *item), berth_error *err);

/* Read the first frame now (within timeout_ms) and keep it for the first
 * berth_stream_next(): an opener can answer an error of the first line
 * (a container that is not running) itself. BERTH_ITEROVER when the body
 * was empty. */
int jsonl_stream_prime(berth_stream *s, int timeout_ms, berth_error *err);

#endif
