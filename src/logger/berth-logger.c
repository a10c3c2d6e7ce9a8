/* berth-logger: the log writer of containerd tasks berth starts.
 *
 * containerd keeps no logs. berth gives each task the stdio URI
 * binary://<libexecdir>/berth-logger?log=<file>, and the task's shim starts
 * this program (containerd's "logging binary" protocol, runtime v2):
 *
 *   fd 3  the task's stdout (read end of a pipe)
 *   fd 4  the task's stderr
 *   fd 5  closed by the logger once it is ready; the shim waits for it
 *   argv  the URI's query as key value pairs: "log" <file>
 *   env   CONTAINER_ID, CONTAINER_NAMESPACE
 *   SIGTERM from the shim when the task's I/O is torn down
 *
 * Each line of output becomes one record of the file (see
 * src/lib/engines/containerd/ctrd_logfmt.h): time, channel, F/P and the bytes.
 * What a read leaves without a newline is written at once as a P piece
 * (so a line written in several pieces may be several records). When both pipes are closed (the task is deleted:
 * the shim holds them until then) it appends berth's end record and exits. It runs as the shim's
 * child, so the log outlives the berth process that started the task.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "lib/engines/containerd/ctrd_logfmt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* After SIGTERM, keep draining the pipes this long at most. */
#define DRAIN_MS 2000

static volatile sig_atomic_t terminated;

static void on_term(int sig)
{
	(void)sig;
	terminated = 1;
}

typedef struct channel {
	int fd;
	logfmt_kind kind;
	char pending[LOGFMT_LINE_MAX]; /* a line not ended yet */
	size_t len;
} channel;

static char out[4 * LOGFMT_RECORD_MAX];
static size_t out_len;
static int log_fd = -1;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void flush(void)
{
	size_t off = 0;
	while (off < out_len) {
		ssize_t n = write(log_fd, out + off, out_len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* a full disk loses output, never blocks the task */
		off += (size_t)n;
	}
	out_len = 0;
}

static void record(logfmt_kind kind, bool partial, const char *data, size_t len)
{
	if (out_len + LOGFMT_RECORD_MAX > sizeof out)
		flush();
	out_len += ctrd_logfmt_format(out + out_len, kind, partial, now_ns(), data, len);
}

/* Cut what was read into records; a line longer than the bound leaves as
 * P pieces. */
static void consume(channel *c, const char *data, size_t n)
{
	while (n) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl ? (size_t)(nl - data) : n;
		if (c->len + take >= LOGFMT_LINE_MAX && !(nl && c->len + take == LOGFMT_LINE_MAX)) {
			size_t room = LOGFMT_LINE_MAX - c->len;
			memcpy(c->pending + c->len, data, room);
			record(c->kind, true, c->pending, LOGFMT_LINE_MAX);
			c->len = 0;
			data += room;
			n -= room;
			continue;
		}
		memcpy(c->pending + c->len, data, take);
		c->len += take;
		if (!nl)
			return;
		record(c->kind, false, c->pending, c->len);
		c->len = 0;
		data += take + 1;
		n -= take + 1;
	}
}

/* Read what is there; false at the end of the pipe. */
static bool pump(channel *c)
{
	char buf[65536];
	ssize_t n = read(c->fd, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		if (c->len)
			record(c->kind, true, c->pending, c->len);
		c->len = 0;
		close(c->fd);
		c->fd = -1;
		return false;
	}
	consume(c, buf, (size_t)n);
	return true;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	for (int i = 1; i + 1 < argc; i += 2)
		if (strcmp(argv[i], "log") == 0)
			path = argv[i + 1];
	if (!path) {
		fprintf(stderr, "berth-logger: usage: berth-logger log FILE (started by a containerd shim)\n");
		return 2;
	}
	struct sigaction sa = { 0 };
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (log_fd < 0) {
		fprintf(stderr, "berth-logger: %s: %s\n", path, strerror(errno));
		close(5);
		return 1;
	}
	static channel chans[2] = { { 3, LOGFMT_STDOUT, { 0 }, 0 }, { 4, LOGFMT_STDERR, { 0 }, 0 } };
	close(5); /* ready */

	int64_t drain_until = -1;
	while (chans[0].fd >= 0 || chans[1].fd >= 0) {
		struct pollfd p[2];
		for (int i = 0; i < 2; i++)
			p[i] = (struct pollfd){ chans[i].fd, POLLIN, 0 };
		if (terminated && drain_until < 0) {
			drain_until = now_ns() / 1000000 + DRAIN_MS;
			for (int i = 0; i < 2; i++)
				if (chans[i].fd >= 0)
					fcntl(chans[i].fd, F_SETFL, O_NONBLOCK);
		}
		int timeout = drain_until < 0 ? -1 : (int)(drain_until - now_ns() / 1000000);
		if (drain_until >= 0 && timeout <= 0)
			break;
		int r = poll(p, 2, timeout);
		if (r < 0 && errno != EINTR)
			break;
		for (int i = 0; r > 0 && i < 2; i++)
			if (p[i].revents && chans[i].fd >= 0)
				pump(&chans[i]);
		/* output without a newline (yet) is written at once as a P piece:
		 * the pipes close only when the task is deleted, long after it
		 * exited, and a reader must see all of it by then */
		for (int i = 0; i < 2; i++)
			if (chans[i].len)
				record(chans[i].kind, true, chans[i].pending, chans[i].len);
		chans[0].len = chans[1].len = 0;
		flush();
	}
	for (int i = 0; i < 2; i++)
		if (chans[i].len)
			record(chans[i].kind, true, chans[i].pending, chans[i].len);
	record(LOGFMT_END, false, NULL, 0);
	flush();
	close(log_fd);
	return 0;
}
