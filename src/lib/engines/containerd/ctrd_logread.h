/* Reading berth's containerd log file (ctrd_logfmt.h) as a berth_stream of
 * byte frames, with tail, since / until, channel selection, timestamps and
 * follow. Memory stays bounded: the file is read a block at a time, only
 * when the caller asks for the next frame. */
#ifndef BERTH_CTRD_LOGREAD_H
#define BERTH_CTRD_LOGREAD_H

#include "lib/internal.h"
#include "lib/engine.h"

/* What to read: the logs API's checked request (lib/logs.h). */
typedef logs_request ctrd_log_query;

/* Asked now and then (ctrd_log_hooks) while a follower waits at the end of the file:
 * 1 while the task may still write, 0 when it is gone (the follower then
 * reads what is left and ends), negative BERTH_E* to end with that error. */
typedef int (*ctrd_log_alive_fn)(void *ctx, berth_error *err);

/* What the owner of a log stream adds to it; every member may be NULL. */
typedef struct ctrd_log_hooks {
	ctrd_log_alive_fn alive;
	int alive_every_ms;  /* how often alive is asked; 0: each second */
	/* berth_stream_resize() of the stream (the task's terminal); without
	 * it the stream has no terminal */
	int (*resize)(void *ctx, unsigned rows, unsigned cols, berth_error *err);
	void (*release)(void *ctx);
	void *ctx;
	/* the stream's stdin (berth_stream_write, _close_stdin, _stdin_fd):
	 * all three or none (the stream then has no stdin) */
	int (*write)(void *ctx, const void *data, size_t len, int timeout_ms, berth_error *err);
	int (*close_stdin)(void *ctx, berth_error *err);
	int (*stdin_fd)(const void *ctx);
} ctrd_log_hooks;

/* Open the log at path. A missing file is an empty log (a container that
 * never ran); a follower waits for it and reads it from its start. With
 * follow, the stream ends at berth's end record (when no output follows
 * it), or when hooks->alive says the task is gone; without alive only the
 * end record ends it. hooks (may be NULL) is copied; its ctx is released
 * with its release when the stream is freed, also on failure here.
 * @return 0; BERTH_EUNAVAILABLE/BERTH_EPERM (the file cannot be read);
 * BERTH_ENOMEM. */
int ctrd_log_open(berth_stream **out, const char *path, const ctrd_log_query *q, const ctrd_log_hooks *hooks,
		  berth_error *err);

/* Start of the last `tail` records of the selected channels in the file
 * behind fd (size bytes long): their offset, 0 for all. */
int64_t ctrd_log_tail_offset(int fd, int64_t size, long long tail, bool out, bool err);

#endif
