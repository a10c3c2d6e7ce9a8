/* A scripted HTTP server for fault-injection tests (see fake_server.h).
 *
 * Threads: one acceptor, plus one handler per accepted connection. Every
 * wait (readable, writable, a pause between pieces) also watches the read
 * end of a "stop" pipe, which fake_stop() makes readable for good, so each
 * thread notices the stop at its next wait and exits; a handler stalled on
 * the release gate is woken by the condition variable instead. */
#include "fake_server.h"

#include <berth/berth.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQUEST (16u * 1024 * 1024)

struct handler {
	struct handler *next;
	struct fake_server *fs;
	pthread_t th;
	int fd;
};

struct fake_server {
	fake_reply *script;
	size_t nscript, cursor;
	bool silent;

	char dir[64];
	char path[96];
	char uri[112];
	int lfd;
	int stop_pipe[2];
	pthread_t acceptor;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
	unsigned connections, requests, closed;
	unsigned releases, releases_used;
	char *last;       /* last request, NUL-terminated */
	size_t last_len;
	char *snapshot;   /* what fake_last_request() handed out */
	struct handler *handlers;
};

static void die(const char *what)
{
	fprintf(stderr, "fake_server: %s: %s\n", what, strerror(errno));
	abort();
}

/* The script entry for the next event, advancing the cursor (the last one
 * repeats). Call with the lock held. */
static const fake_reply *next_reply(struct fake_server *fs)
{
	size_t i = fs->cursor < fs->nscript ? fs->cursor : fs->nscript - 1;
	fs->cursor++;
	return &fs->script[i];
}

/* Wait for `events` on fd (fd < 0: just sleep) for at most timeout_ns
 * (<0: forever). Returns 1 when ready, 0 on timeout, -1 when stopping or
 * on a poll error. */
static int wait_for(struct fake_server *fs, int fd, short events, long long timeout_ns)
{
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = fs->stop_pipe[0], .events = POLLIN },
			{ .fd = fd, .events = events },
		};
		struct timespec ts = { timeout_ns / 1000000000LL, timeout_ns % 1000000000LL };
		int n = ppoll(p, fd >= 0 ? 2 : 1, timeout_ns < 0 ? NULL : &ts, NULL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || p[0].revents)
			return -1;
		return n > 0 ? 1 : 0;
	}
}

static void sleep_us(struct fake_server *fs, int us)
{
	wait_for(fs, -1, 0, (long long)us * 1000);
}

/* Idle until the server stops. */
static void park(struct fake_server *fs)
{
	wait_for(fs, -1, 0, -1);
}

/* Write all of buf; false when the peer went away or the server stops. */
static bool send_all(struct fake_server *fs, int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return false;
		if (wait_for(fs, fd, POLLOUT, -1) < 0)
			return false;
	}
	return true;
}

/* Wait at the release gate: true once fake_release() let us through. */
static bool gate(struct fake_server *fs)
{
	pthread_mutex_lock(&fs->lock);
	while (!fs->stopping && fs->releases == fs->releases_used)
		pthread_cond_wait(&fs->cond, &fs->lock);
	bool go = !fs->stopping;
	if (go)
		fs->releases_used++;
	pthread_mutex_unlock(&fs->lock);
	return go;
}

/* Send one scripted reply; false when the connection is no longer usable. */
static bool send_reply(struct fake_server *fs, int fd, const fake_reply *r)
{
	size_t len = r->len ? r->len : (r->data ? strlen(r->data) : 0);
	size_t piece = r->split ? r->split : len;
	int delay = r->split_delay_us > 0 ? r->split_delay_us : 300;
	size_t off = 0;
	while (off < len) {
		size_t n = len - off < piece ? len - off : piece;
		/* Never write past the stall point in the same piece. */
		if (r->stall_at > off && r->stall_at < off + n)
			n = r->stall_at - off;
		if (!send_all(fs, fd, r->data + off, n))
			return false;
		off += n;
		if (r->stall_at && off == r->stall_at && off < len) {
			if (!gate(fs))
				return false;
		} else if (r->split && off < len) {
			sleep_us(fs, delay);
		}
	}
	return true;
}

/* Where the head ends ("\r\n\r\n" included), 0 while incomplete. */
static size_t head_end(const char *buf, size_t len)
{
	for (size_t i = 3; i < len; i++)
		if (buf[i - 3] == '\r' && buf[i - 2] == '\n' && buf[i - 1] == '\r' && buf[i] == '\n')
			return i + 1;
	return 0;
}

/* The Content-Length of a request head, 0 when absent. */
static size_t content_length(const char *head, size_t len)
{
	static const char name[] = "\r\ncontent-length:";
	size_t nl = sizeof name - 1;
	for (size_t i = 0; i + nl < len; i++) {
		if (strncasecmp(head + i, name, nl) == 0)
			return (size_t)strtoull(head + i + nl, NULL, 10);
	}
	return 0;
}

typedef struct inbuf {
	char *data;
	size_t len, cap;
} inbuf;

/* Read one complete request into the front of `in`; returns its length,
 * 0 when the peer closed (or the request is absurd), -1 when stopping. */
static long read_request(struct fake_server *fs, int fd, inbuf *in)
{
	size_t need = 0; /* total length once the head is known */
	for (;;) {
		if (!need) {
			size_t h = head_end(in->data ? in->data : "", in->len);
			if (h)
				need = h + content_length(in->data, h);
		}
		if (need && in->len >= need)
			return (long)need;
		if (in->len == in->cap) {
			if (in->cap >= MAX_REQUEST)
				return 0;
			size_t cap = in->cap ? in->cap * 2 : 4096;
			char *p = realloc(in->data, cap);
			if (!p)
				return 0;
			in->data = p;
			in->cap = cap;
		}
		ssize_t n = recv(fd, in->data + in->len, in->cap - in->len, 0);
		if (n > 0) {
			in->len += (size_t)n;
			continue;
		}
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return 0;
		if (wait_for(fs, fd, POLLIN, -1) < 0)
			return -1;
	}
}

/* Count a complete request and keep a copy of it. */
static const fake_reply *record_request(struct fake_server *fs, const char *req, size_t len)
{
	char *copy = malloc(len + 1);
	if (copy) {
		memcpy(copy, req, len);
		copy[len] = '\0';
	}
	pthread_mutex_lock(&fs->lock);
	fs->requests++;
	free(fs->last);
	fs->last = copy;
	fs->last_len = copy ? len : 0;
	const fake_reply *r = next_reply(fs);
	pthread_mutex_unlock(&fs->lock);
	return r;
}

static void *handler_main(void *arg)
{
	struct handler *h = arg;
	struct fake_server *fs = h->fs;
	inbuf in = { 0 };

	/* accept_only is decided when the connection arrives. */
	pthread_mutex_lock(&fs->lock);
	const fake_reply *first = &fs->script[fs->cursor < fs->nscript ? fs->cursor : fs->nscript - 1];
	bool accept_only = first->accept_only;
	if (accept_only)
		fs->cursor++;
	pthread_mutex_unlock(&fs->lock);
	if (accept_only) {
		park(fs);
		goto done;
	}

	for (;;) {
		long n = read_request(fs, h->fd, &in);
		if (n <= 0)
			break;
		const fake_reply *r = record_request(fs, in.data, (size_t)n);
		memmove(in.data, in.data + n, in.len - (size_t)n);
		in.len -= (size_t)n;
		if (r->drop)
			break;
		if (r->hang || r->accept_only) {
			park(fs);
			break;
		}
		if (!send_reply(fs, h->fd, r) || r->close_after)
			break;
	}
done:
	free(in.data);
	close(h->fd);
	h->fd = -1;
	pthread_mutex_lock(&fs->lock);
	fs->closed++;
	pthread_cond_broadcast(&fs->cond);
	pthread_mutex_unlock(&fs->lock);
	return NULL;
}

static void *acceptor_main(void *arg)
{
	struct fake_server *fs = arg;
	if (fs->silent) {
		park(fs);
		return NULL;
	}
	for (;;) {
		if (wait_for(fs, fs->lfd, POLLIN, -1) < 0)
			return NULL;
		int fd = accept4(fs->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		struct handler *h = calloc(1, sizeof *h);
		if (!h)
			die("calloc");
		h->fs = fs;
		h->fd = fd;
		pthread_mutex_lock(&fs->lock);
		fs->connections++;
		h->next = fs->handlers;
		fs->handlers = h;
		/* Created under the lock so fake_stop() never sees a handler
		 * whose thread does not exist yet. */
		int e = pthread_create(&h->th, NULL, handler_main, h);
		pthread_mutex_unlock(&fs->lock);
		if (e) {
			errno = e;
			die("pthread_create");
		}
	}
}

static fake_server *start(const fake_reply *replies, size_t n, bool silent)
{
	struct fake_server *fs = calloc(1, sizeof *fs);
	if (!fs)
		die("calloc");
	if (!silent) {
		if (!replies || n == 0) {
			errno = EINVAL;
			die("fake_start: empty script");
		}
		fs->script = malloc(n * sizeof *replies);
		if (!fs->script)
			die("malloc");
		memcpy(fs->script, replies, n * sizeof *replies);
		fs->nscript = n;
	}
	fs->silent = silent;
	snprintf(fs->dir, sizeof fs->dir, "/tmp/berth-fake-XXXXXX");
	if (!mkdtemp(fs->dir))
		die("mkdtemp");
	snprintf(fs->path, sizeof fs->path, "%s/s.sock", fs->dir);
	snprintf(fs->uri, sizeof fs->uri, "unix://%s", fs->path);

	fs->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fs->lfd < 0)
		die("socket");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	memcpy(sa.sun_path, fs->path, strlen(fs->path) + 1);
	if (bind(fs->lfd, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("bind");
	if (listen(fs->lfd, 64) < 0)
		die("listen");
	if (pipe2(fs->stop_pipe, O_CLOEXEC) < 0)
		die("pipe2");
	pthread_mutex_init(&fs->lock, NULL);
	pthread_cond_init(&fs->cond, NULL);
	int e = pthread_create(&fs->acceptor, NULL, acceptor_main, fs);
	if (e) {
		errno = e;
		die("pthread_create");
	}
	return fs;
}

fake_server *fake_start(const fake_reply *replies, size_t n) { return start(replies, n, false); }

fake_server *fake_start_silent(void) { return start(NULL, 0, true); }

const char *fake_uri(const fake_server *fs) { return fs->uri; }
const char *fake_path(const fake_server *fs) { return fs->path; }
const char *fake_dir(const fake_server *fs) { return fs->dir; }

static unsigned read_counter(struct fake_server *fs, const unsigned *p)
{
	pthread_mutex_lock(&fs->lock);
	unsigned v = *p;
	pthread_mutex_unlock(&fs->lock);
	return v;
}

unsigned fake_connections(fake_server *fs) { return read_counter(fs, &fs->connections); }
unsigned fake_requests(fake_server *fs) { return read_counter(fs, &fs->requests); }
unsigned fake_closed(fake_server *fs) { return read_counter(fs, &fs->closed); }

bool fake_wait_closed(fake_server *fs, unsigned n, int timeout_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&fs->lock);
	int e = 0;
	while (fs->closed < n && e != ETIMEDOUT)
		e = pthread_cond_timedwait(&fs->cond, &fs->lock, &until);
	bool ok = fs->closed >= n;
	pthread_mutex_unlock(&fs->lock);
	return ok;
}

const char *fake_last_request(fake_server *fs)
{
	pthread_mutex_lock(&fs->lock);
	free(fs->snapshot);
	fs->snapshot = malloc(fs->last_len + 1);
	if (fs->snapshot) {
		if (fs->last_len)
			memcpy(fs->snapshot, fs->last, fs->last_len);
		fs->snapshot[fs->last_len] = '\0';
	}
	pthread_mutex_unlock(&fs->lock);
	return fs->snapshot ? fs->snapshot : "";
}

void fake_release(fake_server *fs)
{
	pthread_mutex_lock(&fs->lock);
	fs->releases++;
	pthread_cond_broadcast(&fs->cond);
	pthread_mutex_unlock(&fs->lock);
}

void fake_stop(fake_server *fs)
{
	if (!fs)
		return;
	pthread_mutex_lock(&fs->lock);
	fs->stopping = true;
	pthread_cond_broadcast(&fs->cond);
	pthread_mutex_unlock(&fs->lock);
	/* Nobody reads the pipe: it stays readable and every wait ends. */
	while (write(fs->stop_pipe[1], "x", 1) < 0 && errno == EINTR)
		;
	pthread_join(fs->acceptor, NULL);
	/* The acceptor is gone: the handler list no longer changes. */
	struct handler *h = fs->handlers;
	while (h) {
		struct handler *next = h->next;
		pthread_join(h->th, NULL);
		free(h);
		h = next;
	}
	close(fs->lfd);
	close(fs->stop_pipe[0]);
	close(fs->stop_pipe[1]);
	unlink(fs->path);
	rmdir(fs->dir);
	pthread_cond_destroy(&fs->cond);
	pthread_mutex_destroy(&fs->lock);
	free(fs->script);
	free(fs->last);
	free(fs->snapshot);
	free(fs);
}

/* ---- a fake engine ---------------------------------------------------------- */

fake_server *fake_engine_start(struct berth_client **client, const char *ping, const fake_reply *rest, size_t n)
{
	fake_reply script[8] = { { .data = ping } };
	if (n >= 8) {
		fprintf(stderr, "fake_engine_start: %zu replies, at most 7\n", n);
		abort();
	}
	memcpy(script + 1, rest, n * sizeof *rest);
	fake_server *fs = fake_start(script, n + 1);
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.host = fake_uri(fs);
	o.timeout_ms = 3000;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_client_open(client, &o, &err) < 0) {
		fprintf(stderr, "fake_engine_start: %s\n", err.message);
		abort();
	}
	return fs;
}

void fake_engine_stop(fake_server **fs, struct berth_client **client)
{
	berth_client_free(*client);
	*client = NULL;
	fake_stop(*fs);
	*fs = NULL;
}

int64_t fake_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
