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
 * A task with stdin open and no terminal gets FIFOs instead (binary://
 * gives the process no stdin): then libberth starts this program itself,
 * as a daemon of its own, with the read ends of the task's stdout and
 * stderr FIFOs as fds 3 and 4 and its ready pipe as fd 5, and no SIGTERM
 * comes; the pipes end when the shim closes the FIFOs after the process's
 * output is over.
 *
 * Each line of output becomes one record of the file (see
 * src/lib/engines/containerd/ctrd_logfmt.h): time, channel, F/P and the
 * bytes; a line longer than LOGFMT_LINE_MAX is cut into P pieces. When both
 * pipes are closed (the task is deleted: the shim holds them until then) it
 * appends berth's end record and exits. It runs as the shim's child, so the
 * log outlives the berth process that started the task.
 *
 * One file, one order across the channels. The logger works in rounds: it
 * waits until either pipe has output, reads both pipes back to back, then
 * again in turn while the last read brought something, so that a round
 * ends with a read that found its pipe empty. A read takes all its pipe
 * holds (up to its capacity), so what a round holds of both channels was
 * all written before anything the next round holds: across rounds the
 * file has the order in which the task wrote. Within a round the pipes do
 * not say it; the round's records are merged in the order most likely
 * true (logmerge.h): a channel's lines spread evenly over the round, lines
 * at the same place in turn. So the order across the channels holds to
 * the granularity of a round (microseconds while the logger keeps up,
 * what piled up while it lagged); each channel's own order always holds.
 * The records' times follow the file's order (spread over the round, never
 * going back), so tail, since and until agree with it.
 *
 * What a round leaves without a newline waits for its end while the pipe
 * may have more (the read filled the buffer); once both pipes are empty it
 * is written at once as a P piece (so a line written in several pieces may be
 * several records): the pipes close only when the task is deleted, long
 * after it exited, and a reader must see all of its output by then.
 *
 * Each start appends one byte to LOGFMT_STARTS_FILE beside the log: berth
 * counts from it how often containerd's restart monitor started the task
 * (the monitor starts this program with the same URI, so the log goes on).
 *
 * Never blocks the task: the file is written with plain appends, and a
 * write that fails (a full disk) loses that output, and the logger goes on
 * reading. Memory is fixed: no allocation at all.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "lib/engines/containerd/ctrd_logfmt.h"
#include "logmerge.h"

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
/* A read takes up to a pipe's default capacity. */
#define READ_MAX 65536
/* Reads of one round at most (the pipes taken in turn) */
#define ROUND_READS 16

static volatile sig_atomic_t terminated;

static void on_term(int sig)
{
	(void)sig;
	terminated = 1;
}

typedef struct channel {
	int fd;                 /* -1 once its pipe ended */
	logfmt_kind kind;
	bool drained;           /* its last read took all its pipe had */
	bool ended;             /* its pipe ended this round */
	size_t pos, len;        /* buf[pos, len): not written yet */
	/* a line not ended yet (shorter than LOGFMT_LINE_MAX), then the round's reads */
	char buf[LOGFMT_LINE_MAX + READ_MAX];
} channel;

static char out[4 * LOGFMT_RECORD_MAX];
static size_t out_len;
static int log_fd = -1;
static int64_t last_time; /* of the last record */
static int last_chan = -1; /* of the last record */

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

static void record(logfmt_kind kind, bool partial, int64_t time_ns, const char *data, size_t len)
{
	if (out_len + LOGFMT_RECORD_MAX > sizeof out)
		flush();
	out_len += ctrd_logfmt_format(out + out_len, kind, partial, time_ns, data, len);
}

/* The next record's piece of c from *pos on (and *pos past it): a line, a
 * LOGFMT_LINE_MAX piece of a longer one, or what is left once the pipe is
 * empty. false when there is none (an unfinished line waits). */
static bool piece(const channel *c, size_t *pos, const char **data, size_t *len, bool *partial)
{
	const char *p = c->buf + *pos;
	size_t avail = c->len - *pos;
	if (!avail)
		return false;
	const char *nl = memchr(p, '\n', avail < LOGFMT_LINE_MAX + 1 ? avail : LOGFMT_LINE_MAX + 1);
	if (nl) {
		*len = (size_t)(nl - p);
		*partial = false;
		*pos += *len + 1;
	} else if (avail >= LOGFMT_LINE_MAX || c->drained) {
		*len = avail < LOGFMT_LINE_MAX ? avail : LOGFMT_LINE_MAX;
		*partial = true;
		*pos += *len;
	} else {
		return false;
	}
	*data = p;
	return true;
}

/* One read of what the pipe has, as far as the buffer has room: whether
 * it brought anything. */
static bool pull(channel *c)
{
	size_t room = sizeof c->buf - c->len;
	c->drained = c->fd < 0 || c->ended;
	if (c->drained || !room)
		return false;
	ssize_t n;
	do
		n = read(c->fd, c->buf + c->len, room);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN) {
		c->drained = true;
		return false;
	}
	if (n <= 0) {
		c->ended = c->drained = true;
		return false;
	}
	c->len += (size_t)n;
	c->drained = (size_t)n < room;
	return true;
}

/* Write the round's records, read over [lo, hi], in the merged order;
 * keep what waits for the rest of its line. */
static void write_round(channel *ch, int64_t lo, int64_t hi)
{
	const char *data;
	size_t len, n[2] = { 0, 0 };
	bool partial;
	for (int i = 0; i < 2; i++)
		for (size_t pos = ch[i].pos; piece(&ch[i], &pos, &data, &len, &partial);)
			n[i]++;
	logmerge m;
	logmerge_start(&m, n[0], n[1], last_chan);
	size_t k = 0;
	for (int i; (i = logmerge_next(&m)) >= 0; k++) {
		piece(&ch[i], &ch[i].pos, &data, &len, &partial);
		last_time = logmerge_time(lo, hi, k, n[0] + n[1], last_time);
		record(ch[i].kind, partial, last_time, data, len);
		last_chan = i;
	}
	for (int i = 0; i < 2; i++) {
		channel *c = &ch[i];
		memmove(c->buf, c->buf + c->pos, c->len - c->pos);
		c->len -= c->pos;
		c->pos = 0;
		if (c->ended) {
			close(c->fd);
			c->fd = -1;
			c->ended = false;
		}
	}
}

/* One more task served: a byte appended to LOGFMT_STARTS_FILE beside the
 * log (appends are atomic, so two loggers never lose one). Best effort. */
static void count_start(const char *log)
{
	const char *slash = strrchr(log, '/');
	char path[4096];
	int n = slash ? snprintf(path, sizeof path, "%.*s/%s", (int)(slash - log), log, LOGFMT_STARTS_FILE)
		      : snprintf(path, sizeof path, "%s", LOGFMT_STARTS_FILE);
	if (n < 0 || (size_t)n >= sizeof path)
		return;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return;
	if (write(fd, "s", 1) < 0) {
		/* a full disk: the count misses one */
	}
	close(fd);
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
	count_start(path);
	static channel chans[2] = { { .fd = 3, .kind = LOGFMT_STDOUT }, { .fd = 4, .kind = LOGFMT_STDERR } };
	for (int i = 0; i < 2; i++)
		fcntl(chans[i].fd, F_SETFL, fcntl(chans[i].fd, F_GETFL) | O_NONBLOCK);
	close(5); /* ready */

	int64_t drain_until = -1, prev = now_ns();
	while (chans[0].fd >= 0 || chans[1].fd >= 0) {
		struct pollfd p[2];
		for (int i = 0; i < 2; i++)
			p[i] = (struct pollfd){ chans[i].fd, POLLIN, 0 };
		if (terminated && drain_until < 0)
			drain_until = now_ns() / 1000000 + DRAIN_MS;
		int timeout = drain_until < 0 ? -1 : (int)(drain_until - now_ns() / 1000000);
		if (drain_until >= 0 && timeout <= 0)
			break;
		/* the round's output was written since the last round's reads,
		 * or, when the logger had to wait for it, since it came */
		int64_t lo = prev;
		int r = poll(p, 2, 0);
		if (r == 0) {
			/* both pipes are empty: a line left unfinished by a
			 * full read waits no more */
			chans[0].drained = chans[1].drained = true;
			write_round(chans, prev, now_ns());
			flush();
			r = poll(p, 2, timeout);
			lo = now_ns();
		}
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		/* both, then in turn until a pipe has nothing new */
		pull(&chans[0]);
		bool more = pull(&chans[1]);
		for (int i = 0, reads = 2; more && reads < ROUND_READS; i ^= 1, reads++)
			more = pull(&chans[i]);
		prev = now_ns();
		write_round(chans, lo, prev);
		flush();
	}
	/* what waits for a newline when the drain's time ran out */
	chans[0].drained = chans[1].drained = true;
	write_round(chans, prev, now_ns());
	record(LOGFMT_END, false, logmerge_time(0, now_ns(), 0, 1, last_time), NULL, 0);
	flush();
	close(log_fd);
	return 0;
}
