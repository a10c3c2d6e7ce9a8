/* Reading berth's containerd log file (logfmt.h) as a berth_stream of
 * byte frames, with tail, since / until, channel selection, timestamps and
 * follow. Memory stays bounded: the file is read a block at a time, only
 * when the caller asks for the next frame. */
#ifndef BERTH_CTRD_LOGREAD_H
#define BERTH_CTRD_LOGREAD_H

#include "lib/internal.h"
#include "lib/logs.h"

/* What to read: the logs API's checked request (lib/logs.h). */
typedef logs_request ctrd_log_query;

/* Asked about every second while a follower waits at the end of the file:
 * 1 while the task may still write, 0 when it is gone (the follower then
 * reads what is left and ends), negative BERTH_E* to end with that error. */
typedef int (*ctrd_log_alive_fn)(void *ctx, berth_error *err);

/* Open the log at path. A missing file is an empty log (a container that
 * never ran). With follow, the stream ends at berth's end record (when no
 * output follows it), or when alive says the task is gone; alive may be
 * NULL (then only the end record ends it). ctx is released with release
 * (may be NULL) when the stream is freed, also on failure here.
 * @return 0; BERTH_EUNAVAILABLE/BERTH_EPERM (the file cannot be read);
 * BERTH_ENOMEM. */
int ctrd_log_open(berth_stream **out, const char *path, const ctrd_log_query *q, ctrd_log_alive_fn alive,
		  void *ctx, void (*release)(void *ctx), berth_error *err);

/* Start of the last `tail` records of the selected channels in the file
 * behind fd (size bytes long): their offset, 0 for all. */
int64_t ctrd_log_tail_offset(int fd, int64_t size, long long tail, bool out, bool err);

#endif
