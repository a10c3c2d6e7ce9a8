/* The stream core (public berth_stream_*) and the demuxed byte stream that
 * logs, exec and attach share. */
#include "stream.h"
#include "lib/parse/logcut.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/timerfd.h>
#include <time.h>

struct berth_stream {
	const stream_ops *ops;
	void *impl;
	int final;             /* 0 while open; ITEROVER or the error that ended it */
	berth_error final_err; /* repeated to later callers */
	atomic_bool cancelled;
};

int stream_new(berth_stream **out, const stream_ops *ops, void *impl, berth_error *err)
{
	berth_stream *s = calloc(1, sizeof(*s));
	if (!s) {
		ops->free(impl);
		return BERTH_NOMEM(err);
	}
	s->ops = ops;
	s->impl = impl;
	atomic_init(&s->cancelled, false);
	*out = s;
	return 0;
}

void *stream_impl(berth_stream *s) { return s->impl; }

static int stream_end(berth_stream *s, int code, const berth_error *e, berth_error *err)
{
	s->final = code;
	if (code == BERTH_ITEROVER)
		return code;
	if (e && e->code == code)
		s->final_err = *e;
	else
		berth_fail(&s->final_err, code, "%s stream: %s", s->ops->kind, berth_strerror(code));
	if (err && err != e)
		*err = s->final_err;
	return code;
}

int berth_stream_next(berth_stream *s, berth_frame *frame, int timeout_ms, berth_error *err)
{
	CHECK_ARG(s, err, "stream is NULL");
	CHECK_ARG(frame, err, "frame is NULL");
	if (s->final) {
		if (s->final != BERTH_ITEROVER && err)
			*err = s->final_err;
		return s->final;
	}
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (;;) {
		if (atomic_load(&s->cancelled))
			return stream_end(s, BERTH_ECANCELLED, NULL, err);
		int left = remaining_ms(deadline);
		int slice = (left < 0 || left > STREAM_SLICE_MS) ? STREAM_SLICE_MS : left;
		berth_error e = BERTH_ERROR_INIT;
		memset(frame, 0, sizeof(*frame));
		int r = s->ops->next(s->impl, frame, slice, &e);
		if (r == 0)
			return 0;
		if (r == BERTH_ETIMEDOUT) {
			if (deadline >= 0 && remaining_ms(deadline) == 0) {
				if (err)
					*err = e;
				return r;
			}
			continue;
		}
		if (err && r != BERTH_ITEROVER)
			*err = e;
		return stream_end(s, r, &e, err);
	}
}

int berth_stream_fd(const berth_stream *s)
{
	if (!s || s->final || !s->ops->fd)
		return -1;
	return s->ops->fd(s->impl);
}

int berth_stream_stdin_fd(const berth_stream *s)
{
	if (!s || !s->ops->write || (s->final && s->final != BERTH_ITEROVER))
		return -1;
	if (s->ops->stdin_fd)
		return s->ops->stdin_fd(s->impl);
	return s->ops->fd ? s->ops->fd(s->impl) : -1;
}

int berth_stream_foreach(berth_stream *s, berth_frame_cb cb, void *payload, int timeout_ms, berth_error *err)
{
	CHECK_ARG(s, err, "stream is NULL");
	CHECK_ARG(cb, err, "callback is NULL");
	for (;;) {
		berth_frame f;
		int r = berth_stream_next(s, &f, timeout_ms, err);
		if (r == BERTH_ITEROVER)
			return 0;
		if (r < 0)
			return r;
		r = cb(&f, payload);
		if (r)
			return r;
	}
}

int berth_stream_write(berth_stream *s, const void *data, size_t len, int timeout_ms, berth_error *err)
{
	CHECK_ARG(s, err, "stream is NULL");
	CHECK_ARG(data || len == 0, err, "data is NULL");
	if (!s->ops->write)
		return berth_fail(err, BERTH_EUNSUPPORTED, "%s stream has no stdin", s->ops->kind);
	if (s->final && s->final != BERTH_ITEROVER) {
		if (err)
			*err = s->final_err;
		return s->final;
	}
	return s->ops->write(s->impl, data, len, timeout_ms, err);
}

int berth_stream_close_stdin(berth_stream *s, berth_error *err)
{
	CHECK_ARG(s, err, "stream is NULL");
	if (!s->ops->close_stdin)
		return berth_fail(err, BERTH_EUNSUPPORTED, "%s stream has no stdin", s->ops->kind);
	return s->ops->close_stdin(s->impl, err);
}

int berth_stream_resize(berth_stream *s, unsigned int rows, unsigned int cols, berth_error *err)
{
	CHECK_ARG(s, err, "stream is NULL");
	if (rows == 0 || cols == 0 || rows > 65535 || cols > 65535)
		return berth_fail(err, BERTH_EINVAL, "resize: %ux%u is not a terminal size", rows, cols);
	if (!s->ops->resize)
		return berth_fail(err, BERTH_EUNSUPPORTED, "%s stream has no terminal to resize", s->ops->kind);
	return s->ops->resize(s->impl, rows, cols, err);
}

void berth_stream_cancel(berth_stream *s)
{
	if (s)
		atomic_store(&s->cancelled, true);
}

void berth_stream_free(berth_stream *s)
{
	if (!s)
		return;
	s->ops->free(s->impl);
	free(s);
}

/* ---- timers ---------------------------------------------------------------- */

static int timer_fd(int *fd)
{
	if (*fd < 0)
		*fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	return *fd;
}

void stream_timer_at(int *fd, int64_t abs_ms)
{
	if (timer_fd(fd) < 0)
		return;
	struct itimerspec its = { .it_value = { (time_t)(abs_ms / 1000), (long)(abs_ms % 1000) * 1000000L } };
	timerfd_settime(*fd, TFD_TIMER_ABSTIME, &its, NULL);
}

int stream_timer_every(int *fd, int first_ms, int every_ms)
{
	/* an it_value of zero would disarm it: "at once" is one nanosecond */
	struct itimerspec its = {
		.it_interval = { every_ms / 1000, (long)(every_ms % 1000) * 1000000L },
		.it_value = { first_ms / 1000, first_ms > 0 ? (long)(first_ms % 1000) * 1000000L : 1 },
	};
	if (timer_fd(fd) < 0 || timerfd_settime(*fd, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}
