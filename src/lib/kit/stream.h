/* The stream core: every stream kind (demuxed bytes, JSON lines, events
 * with reconnect, containerd FIFOs and log files) is an implementation of
 * stream_ops behind the public berth_stream. */
#ifndef BERTH_STREAM_INTERNAL_H
#define BERTH_STREAM_INTERNAL_H

#include "lib/internal.h"
#include "lib/parse/demux.h"

struct http_stream;
struct conn;
struct transport;

typedef struct stream_ops {
	const char *kind;   /* "logs", "exec", "events", ... for messages */
	/* Produce the next frame within timeout_ms (the core passes slices of
	 * at most STREAM_SLICE_MS, so an implementation need not watch for
	 * cancellation). BERTH_ETIMEDOUT must leave the stream resumable. */
	int (*next)(void *impl, berth_frame *out, int timeout_ms, berth_error *err);
	int (*fd)(const void *impl);
	/* NULL when the stream has no stdin / no TTY */
	int (*write)(void *impl, const void *data, size_t len, int timeout_ms, berth_error *err);
	int (*close_stdin)(void *impl, berth_error *err);
	int (*stdin_fd)(const void *impl);   /* NULL: the same as fd when write is set */
	int (*resize)(void *impl, unsigned rows, unsigned cols, berth_error *err);
	void (*free)(void *impl);
} stream_ops;

#define STREAM_SLICE_MS 250

/* Wrap an implementation. On failure impl is released with ops->free. */
int stream_new(berth_stream **out, const stream_ops *ops, void *impl, berth_error *err);
void *stream_impl(berth_stream *s);

/* Timers as a stream's fd while it waits (to reconnect, for the next read
 * of a polled log, for the next sample), on the monotonic clock of
 * now_ms(). Both create the timerfd *fd on first use (non-blocking,
 * close-on-exec; the caller closes it). */

/* Fire once at abs_ms (0: disarm); re-arming resets what was pending. A
 * timerfd that cannot be made leaves *fd at -1: the stream has no fd. */
void stream_timer_at(int *fd, int64_t abs_ms);

/* Fire first_ms from now (0: at once), then every every_ms (0: only
 * once). 0, or a
 * negative errno when the timer cannot be made or set. */
int stream_timer_every(int *fd, int first_ms, int every_ms);

#endif
