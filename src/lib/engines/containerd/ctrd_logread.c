/* berth's containerd log file as a stream: see ctrd_logread.h. */
#include "ctrd_logread.h"

#include "lib/kit/stream.h"
#include "ctrd_logfmt.h"

#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#define BUF_SIZE (4 * LOGFMT_RECORD_MAX)
#define ALIVE_EVERY_MS 1000
/* Once the task is gone, berth-logger may still be writing what the
 * process wrote last (it reads a pipe the shim keeps open, so there is no
 * end of file to wait for until the task is deleted): the follower ends
 * when the file has been quiet this long since. */
#define SETTLE_MS 200
/* Followers watch their log with an inotify instance each, but a process
 * takes at most this many (half the default fs.inotify.max_user_instances,
 * a limit its user's other programs share): the ones past it, or past the
 * user's limit, look at their file on a timer instead. */
#define INOTIFY_MAX 64
#define POLL_EVERY_MS 50

static atomic_int inotify_in_use;   /* followers of this process holding one */

typedef struct log_reader {
	int fd;                  /* -1: no file (yet) */
	int inotify;             /* follow: wakes on writes (or a timer, see polled); -1 otherwise */
	bool polled;             /* inotify is a timerfd firing every POLL_EVERY_MS */
	char *path;
	ctrd_log_query q;
	ctrd_log_hooks h;
	char *buf;
	size_t start, end;       /* unread bytes: buf[start, end) */
	bool skipping;           /* inside an over-long line: drop it */
	bool end_seen;           /* the last record read was the end record */
	bool gone;               /* alive said the task is gone: drain and end */
	int64_t settled_at;      /* gone: the end, unless more is written by then */
	int64_t next_alive;
	stream_ops ops;          /* the kind's, with the hooks' extras */
} log_reader;

int64_t ctrd_log_tail_offset(int fd, int64_t size, long long tail, bool out, bool err)
{
	if (tail < 0)
		return 0;
	if (tail == 0)
		return size;
	char block[8192];
	long long found = 0;
	int64_t pos = size;       /* the scan goes back from here */
	int64_t line_end = size;  /* end of the line being looked at */
	while (pos > 0) {
		int64_t from = pos > (int64_t)sizeof block ? pos - (int64_t)sizeof block : 0;
		ssize_t n = pread(fd, block, (size_t)(pos - from), from);
		if (n <= 0)
			return 0;
		for (int64_t i = n - 1; i >= 0; i--) {
			if (block[i] != '\n')
				continue;
			int64_t line_start = from + i + 1;
			if (line_start < line_end) {
				char head[48];
				ssize_t h = pread(fd, head, sizeof head, line_start);
				int k = h > 0 ? ctrd_logfmt_peek_kind(head, (size_t)h) : 0;
				if ((k == LOGFMT_STDOUT && out) || (k == LOGFMT_STDERR && err))
					if (++found == tail)
						return line_start;
			}
			line_end = from + i;
		}
		pos = from;
	}
	return 0; /* fewer records than asked: all of them */
}

static int reader_open_file(log_reader *r, berth_error *err)
{
	r->fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		if (errno == ENOENT)
			return 0;
		return berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "logs: %s: %s", r->path,
				       strerror(errno));
	}
	struct stat st;
	if (fstat(r->fd, &st) == 0 && r->q.tail >= 0) {
		/* as the Engine API engines do: the last N entries of both
		 * channels, then the unselected channel is left out */
		int64_t off = ctrd_log_tail_offset(r->fd, st.st_size, r->q.tail, true, true);
		if (lseek(r->fd, off, SEEK_SET) < 0)
			return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, errno, "logs: seek: %s", strerror(errno));
	}
	return 0;
}

/* Read more of the file: >0 bytes read, 0 at its end, <0 an error. */
static int fill(log_reader *r, berth_error *err)
{
	if (r->fd < 0)
		return 0;
	if (r->start > 0 && (r->end == BUF_SIZE || r->start == r->end)) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == BUF_SIZE) {
		/* a line longer than any record: drop it up to its newline */
		r->skipping = true;
		r->start = r->end = 0;
	}
	ssize_t n = read(r->fd, r->buf + r->end, BUF_SIZE - r->end);
	if (n < 0)
		return errno == EINTR ? 1 : berth_fail_full(err, BERTH_EUNAVAILABLE, 0, errno, "logs: read: %s",
							     strerror(errno));
	r->end += (size_t)n;
	if (n > 0 && r->gone)
		r->settled_at = now_ms() + SETTLE_MS;
	return n > 0 ? 1 : 0;
}

/* The next record that passes the filters, out of what is buffered:
 * 1 (frame set), 0 (need more bytes), BERTH_ITEROVER (past until). */
static int take(log_reader *r, berth_frame *f)
{
	while (r->start < r->end) {
		char *line = r->buf + r->start;
		char *nl = memchr(line, '\n', r->end - r->start);
		if (!nl)
			return 0;
		size_t len = (size_t)(nl - line);
		r->start += len + 1;
		if (r->skipping) {
			r->skipping = false;
			continue;
		}
		logfmt_record rec;
		if (ctrd_logfmt_parse(&rec, line, len) < 0)
			continue;
		if (rec.kind == LOGFMT_END) {
			r->end_seen = true;
			continue;
		}
		r->end_seen = false;
		if (r->q.until_ns && rec.time_ns > r->q.until_ns) /* at until: in, as Docker */
			return BERTH_ITEROVER;
		if ((rec.kind == LOGFMT_STDOUT && !r->q.out) || (rec.kind == LOGFMT_STDERR && !r->q.err))
			continue;
		if (r->q.since_ns && rec.time_ns < r->q.since_ns)
			continue;
		size_t n = rec.len + (rec.partial ? 0 : 1); /* the stored newline is the one after the payload */
		if (!n)
			continue;
		*f = (berth_frame){ rec.kind == LOGFMT_STDERR ? BERTH_CHANNEL_STDERR : BERTH_CHANNEL_STDOUT, rec.data, n,
				    r->q.timestamps ? rec.time_ns : 0, NULL };
		return 1;
	}
	return 0;
}

/* Read the inotify events that are there: whether there were any. */
static bool drain_wakeups(log_reader *r)
{
	char ev[4096];
	bool any = false;
	while (r->inotify >= 0 && read(r->inotify, ev, sizeof ev) > 0)
		any = true;
	return any;
}

static int reader_next(void *impl, berth_frame *f, int timeout_ms, berth_error *err)
{
	log_reader *r = impl;
	int64_t deadline = now_ms() + timeout_ms;
	for (;;) {
		int t = take(r, f);
		if (t != 0)
			return t == 1 ? 0 : t;
		int n = fill(r, err);
		if (n < 0)
			return n;
		if (n > 0)
			continue;
		/* at the end of what is written */
		if (!r->q.follow || (r->gone && now_ms() >= r->settled_at) || (r->end_seen && r->fd >= 0))
			return BERTH_ITEROVER;
		if (r->fd < 0) {
			/* a file that appears now holds only what came after the
			 * open: all of it is new */
			r->q.tail = -1;
			int e = reader_open_file(r, err);
			if (e < 0)
				return e;
			if (r->fd >= 0)
				continue;
		}
		if (r->h.alive && !r->gone && now_ms() >= r->next_alive) {
			r->next_alive = now_ms() + (r->h.alive_every_ms > 0 ? r->h.alive_every_ms : ALIVE_EVERY_MS);
			int a = r->h.alive(r->h.ctx, err);
			if (a < 0)
				return a;
			if (a == 0) {
				/* what is written, and what comes until the file settles */
				r->gone = true;
				r->settled_at = now_ms() + SETTLE_MS;
				continue;
			}
		}
		int left = remaining_ms(deadline);
		if (left == 0) {
			/* the wake-ups berth_stream_fd() gave are used up: new
			 * ones mean something was written since the read above */
			if (drain_wakeups(r))
				continue;
			return berth_fail(err, BERTH_ETIMEDOUT, "logs: no new output yet");
		}
		if (r->h.alive) {
			int64_t wake = r->gone ? r->settled_at : r->next_alive;
			int to_wake = (int)(wake - now_ms());
			if (to_wake < left)
				left = to_wake > 0 ? to_wake : 0;
		}
		struct pollfd p = { r->inotify, POLLIN, 0 };
		if (poll(&p, 1, left) > 0)
			drain_wakeups(r);
	}
}

static int reader_fd(const void *impl)
{
	const log_reader *r = impl;
	return r->inotify >= 0 ? r->inotify : r->fd;
}

static void reader_free(void *impl)
{
	log_reader *r = impl;
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->inotify >= 0) {
		close(r->inotify);
		if (!r->polled)
			atomic_fetch_sub(&inotify_in_use, 1);
	}
	if (r->h.release)
		r->h.release(r->h.ctx);
	free(r->path);
	free(r->buf);
	free(r);
}

static int reader_resize(void *impl, unsigned rows, unsigned cols, berth_error *err)
{
	log_reader *r = impl;
	return r->h.resize(r->h.ctx, rows, cols, err);
}

static int reader_write(void *impl, const void *data, size_t len, int timeout_ms, berth_error *err)
{
	log_reader *r = impl;
	return r->h.write(r->h.ctx, data, len, timeout_ms, err);
}

static int reader_close_stdin(void *impl, berth_error *err)
{
	log_reader *r = impl;
	return r->h.close_stdin(r->h.ctx, err);
}

static int reader_stdin_fd(const void *impl)
{
	const log_reader *r = impl;
	return r->h.stdin_fd(r->h.ctx);
}

/* A follower's wake-ups: an inotify instance on the file's directory (the
 * file may not exist yet) while this process holds fewer than INOTIFY_MAX
 * and the user's limits allow one, else a timer. */
static int watch_file(log_reader *r, berth_error *err)
{
	_cleanup_free_ char *dir = strdup(r->path);
	if (!dir)
		return BERTH_NOMEM(err);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (atomic_fetch_add(&inotify_in_use, 1) < INOTIFY_MAX) {
		r->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (r->inotify >= 0 &&
		    inotify_add_watch(r->inotify, slash && *dir ? dir : "/", IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE) >= 0)
			return 0;
		/* the user's instances (EMFILE) or watches (ENOSPC) are used up:
		 * a timer does */
		if (r->inotify >= 0)
			close(r->inotify);
		r->inotify = -1;
	}
	atomic_fetch_sub(&inotify_in_use, 1);
	r->polled = true;
	int e = stream_timer_every(&r->inotify, POLL_EVERY_MS, POLL_EVERY_MS);
	if (e < 0) {
		int saved = -e;
		return berth_fail_full(err, berth_code_from_errno(saved), 0, saved,
				       "logs: no descriptor to wait for the log with: %s%s", strerror(saved),
				       saved == EMFILE ? " (the process's descriptor limit is reached)" : "");
	}
	return 0;
}

int ctrd_log_open(berth_stream **out, const char *path, const ctrd_log_query *q, const ctrd_log_hooks *hooks,
		  berth_error *err)
{
	ctrd_log_hooks h = hooks ? *hooks : (ctrd_log_hooks){ 0 };
	log_reader *r = calloc(1, sizeof *r);
	if (!r) {
		if (h.release)
			h.release(h.ctx);
		return BERTH_NOMEM(err);
	}
	*r = (log_reader){ .fd = -1, .inotify = -1, .q = *q, .h = h };
	r->path = strdup(path);
	r->buf = malloc(BUF_SIZE);
	if (!r->path || !r->buf) {
		reader_free(r);
		return BERTH_NOMEM(err);
	}
	int e = reader_open_file(r, err);
	if (e < 0) {
		reader_free(r);
		return e;
	}
	if (q->follow) {
		int e2 = watch_file(r, err);
		if (e2 < 0) {
			reader_free(r);
			return e2;
		}
	}
	/* an attach: a task's terminal, its stdin */
	r->ops = (stream_ops){ .kind = h.resize || h.write ? "attach" : "logs", .next = reader_next, .fd = reader_fd,
			       .free = reader_free };
	if (h.resize)
		r->ops.resize = reader_resize;
	if (h.write && h.close_stdin && h.stdin_fd) {
		r->ops.write = reader_write;
		r->ops.close_stdin = reader_close_stdin;
		r->ops.stdin_fd = reader_stdin_fd;
	}
	return stream_new(out, &r->ops, r, err);
}
