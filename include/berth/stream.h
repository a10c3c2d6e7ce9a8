/* berth — streams: one pull interface for logs, exec and attach I/O,
 * stats, events (and image pull progress).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_STREAM_H
#define BERTH_STREAM_H

#include <berth/common.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A stream of frames from the engine. Made by the calls that open one
 * (berth_container_logs(), berth_exec_start(), berth_events_watch(), ...),
 * read with berth_stream_next() until it returns BERTH_ITEROVER, released
 * with berth_stream_free(), which may be called at any point and cancels
 * what is still in flight (the connection is closed, never returned to the
 * pool half-read).
 *
 * A stream is used by one thread at a time; different streams of one
 * client may be used by different threads at once.
 */
typedef struct berth_stream berth_stream;

/** Where the bytes of a frame came from. */
typedef enum berth_channel {
	BERTH_CHANNEL_STDIN = 0,   /**< never produced by the engines here; reserved */
	BERTH_CHANNEL_STDOUT = 1,
	BERTH_CHANNEL_STDERR = 2,
	BERTH_CHANNEL_SYSTEM = 3,  /**< a message of the engine or of berth itself
	                                (an error inside a stream, a reconnect) */
} berth_channel;

/**
 * One frame. Everything it points to is borrowed: valid until the next
 * berth_stream_next() or berth_stream_free() of its stream.
 *
 * Byte streams (logs, exec, attach) fill channel, data and len: a frame is
 * a piece of the output of one channel, in order. Frame boundaries carry
 * no meaning, except that with timestamps asked for a frame never spans two
 * log entries (lines, or the parts the engine cut a very long line into)
 * and time_ns is the time of its entry.
 *
 * Typed streams (events, stats) also set item to a typed record (the
 * opening call's documentation names the type) and data/len to the raw
 * JSON (or text) the engine sent for it, where there is one.
 */
typedef struct berth_frame {
	berth_channel channel;
	const char *data;   /**< not NUL-terminated; may hold any bytes */
	size_t len;
	int64_t time_ns;    /**< nanoseconds since the Unix epoch; 0 = not known */
	const void *item;   /**< typed record, NULL for byte streams */
} berth_frame;

/**
 * Wait for the next frame, at most timeout_ms milliseconds (< 0: no
 * deadline; 0: only what is already there).
 * @return 0 with *frame filled; BERTH_ITEROVER at the end of the stream
 *   (and for every call after it); BERTH_ETIMEDOUT when nothing came within
 *   timeout_ms (the stream stays usable: call again);
 *   BERTH_EUNAVAILABLE when the engine went away mid-stream;
 *   BERTH_EPROTOCOL for malformed or truncated frames; BERTH_ECANCELLED
 *   after berth_stream_cancel(). After an error other than BERTH_ETIMEDOUT
 *   the stream is over and returns that error again.
 */
BERTH_API int berth_stream_next(berth_stream *stream, berth_frame *frame, int timeout_ms, berth_error *err);

/**
 * A file descriptor that becomes readable when berth_stream_next() may have
 * something new, for poll()/epoll in an event loop. Frames can be buffered
 * inside the stream, so after a wake-up call berth_stream_next() with
 * timeout 0 until it returns BERTH_ETIMEDOUT (edge-style draining); drain
 * a new stream that way once before its first wait too, as opening it may
 * have read frames already (a short log can arrive whole with the reply's
 * head, and nothing more comes on the fd). The fd
 * belongs to the stream: do not read, close or change it. It may change
 * after a reconnect (events): fetch it again after each wake-up.
 * @return the fd, or -1 when the stream has none (over, or not yet connected).
 */
BERTH_API int berth_stream_fd(const berth_stream *stream);

/**
 * A file descriptor that polls writable (POLLOUT) when berth_stream_write()
 * can take some bytes without waiting, for event loops that feed stdin
 * (interactive exec and attach). Like berth_stream_fd(), it belongs to the
 * stream. Docker and Podman: the connection itself (the same fd as
 * berth_stream_fd()); containerd: the process's stdin FIFO.
 * @return the fd, or -1 when the stream has no stdin or it was closed.
 */
BERTH_API int berth_stream_stdin_fd(const berth_stream *stream);

/** Called for every frame by berth_stream_foreach(); return non-zero to stop. */
typedef int (*berth_frame_cb)(const berth_frame *frame, void *payload);

/**
 * Read the stream to its end, calling cb for each frame. timeout_ms bounds
 * the wait for each frame (< 0: none).
 * @return 0 at the end of the stream; the callback's non-zero value when it
 *   stopped the loop; the error of berth_stream_next() otherwise.
 */
BERTH_API int berth_stream_foreach(berth_stream *stream, berth_frame_cb cb, void *payload, int timeout_ms,
				   berth_error *err);

/**
 * Write to the process's stdin (interactive exec and attach streams only).
 * Blocks until all of data is written or timeout_ms passes.
 * @return 0; BERTH_EUNSUPPORTED (the stream has no stdin); BERTH_ECONFLICT
 *   (stdin was closed already); BERTH_ETIMEDOUT; BERTH_EUNAVAILABLE.
 */
BERTH_API int berth_stream_write(berth_stream *stream, const void *data, size_t len, int timeout_ms,
				 berth_error *err);

/**
 * Close stdin: a half-close of the connection, so the process reads end of
 * file while its output keeps coming through berth_stream_next().
 * Closing twice is not an error.
 * @return 0; BERTH_EUNSUPPORTED (the stream has no stdin).
 */
BERTH_API int berth_stream_close_stdin(berth_stream *stream, berth_error *err);

/**
 * Resize the pseudo-terminal of a TTY exec or attach stream.
 * @return 0; BERTH_EUNSUPPORTED (no TTY); BERTH_EINVAL (0 rows or columns);
 *   BERTH_ENOTFOUND / BERTH_ECONFLICT (the process is gone); transport errors.
 */
BERTH_API int berth_stream_resize(berth_stream *stream, unsigned int rows, unsigned int cols, berth_error *err);

/**
 * Make the next (and a pending) berth_stream_next() return BERTH_ECANCELLED.
 * Safe to call from another thread or a signal handler while a reader waits.
 */
BERTH_API void berth_stream_cancel(berth_stream *stream);

/** Cancel and release a stream. NULL-safe. */
BERTH_API void berth_stream_free(berth_stream *stream);

#ifdef __cplusplus
}
#endif

#endif
