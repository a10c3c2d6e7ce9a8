/* berth logs: a container's stdout to stdout, its stderr to stderr,
 * byte-exact. Output is gathered in a buffer per channel and written when
 * the buffer is full, when the other channel speaks, at the end, and with
 * --follow whenever the stream has nothing more at hand: short lines cost
 * no write each. */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#define OUT_BUF (64 * 1024)

typedef struct out_chan {
	int fd;
	size_t len;
	bool at_line_start;   /* for timestamps: the last byte written was "\n" */
	int64_t last_ns;
	char buf[OUT_BUF];
} out_chan;

typedef struct logs_out {
	out_chan ch[2];       /* stdout, stderr */
	bool timestamps;
	bool pipe_closed;     /* EPIPE: the reader went away */
	int write_errno;
} logs_out;

/* Write all of it, through partial writes and EINTR. */
static int write_all(logs_out *lo, int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				/* a non-blocking fd we were given: wait until it drains */
				struct timespec ts = { 0, 1000000 };
				nanosleep(&ts, NULL);
				continue;
			}
			if (errno == EPIPE)
				lo->pipe_closed = true;
			else
				lo->write_errno = errno;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int flush_chan(logs_out *lo, out_chan *c)
{
	if (c->len == 0)
		return 0;
	size_t n = c->len;
	c->len = 0;
	return write_all(lo, c->fd, c->buf, n);
}

static int add(logs_out *lo, out_chan *c, const char *p, size_t n)
{
	if (c->len + n > OUT_BUF && flush_chan(lo, c) < 0)
		return -1;
	if (n >= OUT_BUF)
		return write_all(lo, c->fd, p, n);
	memcpy(c->buf + c->len, p, n);
	c->len += n;
	return 0;
}

/* docker logs -t: RFC 3339 in UTC with nine digits of fraction, a space. */
static int add_time(logs_out *lo, out_chan *c, int64_t ns)
{
	char t[64];
	struct tm tm;
	time_t secs = (time_t)(ns / 1000000000);
	gmtime_r(&secs, &tm);
	size_t n = strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(t + n, sizeof t - n, ".%09lldZ ", (long long)(ns % 1000000000));
	return add(lo, c, t, n);
}

static int on_frame(logs_out *lo, const berth_frame *f)
{
	if (f->channel != BERTH_CHANNEL_STDOUT && f->channel != BERTH_CHANNEL_STDERR) {
		/* the engine's own message inside the stream */
		cli_errorf("%.*s", (int)f->len, f->data);
		return 0;
	}
	out_chan *c = &lo->ch[f->channel == BERTH_CHANNEL_STDERR];
	out_chan *other = &lo->ch[f->channel != BERTH_CHANNEL_STDERR];
	/* keep the order between the two outputs */
	if (other->len && flush_chan(lo, other) < 0)
		return -1;
	if (lo->timestamps && f->time_ns && (c->at_line_start || f->time_ns != c->last_ns)) {
		/* a new entry: the stream never joins two in one frame, and the
		 * parts of one entry share its time */
		if (add_time(lo, c, f->time_ns) < 0)
			return -1;
	}
	c->last_ns = f->time_ns;
	if (f->len)
		c->at_line_start = f->data[f->len - 1] == '\n';
	return add(lo, c, f->data, f->len);
}

enum { O_SINCE = OPT_LOCAL, O_UNTIL };

const cli_option logs_options[] = {
	{ "follow", 'f', NULL, "Keep printing what the container writes" },
	{ "tail", 'n', "N", "Only the last N lines (or all)" },
	{ "since", O_SINCE, "T", "Only output since T (RFC 3339, Unix seconds, or 10m, 1h30m ago)" },
	{ "until", O_UNTIL, "T", "Only output before T" },
	{ "timestamps", 't', NULL, "Begin each line with its time" },
	CLI_OPTIONS_END,
};

int cmd_logs(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("logs");
	berth_logs_options lopts = BERTH_LOGS_OPTIONS_INIT;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		const char *arg = p.arg;
		switch (o) {
		case 'f':
			lopts.follow = 1;
			break;
		case 'n':
			if (STREQ(arg, "all")) {
				lopts.tail = -1;
			} else {
				long v = cli_parse_uint(arg, 0x7fffffffL);
				if (v < 0)
					return cli_usage(cmd, "--tail %s: want a count or \"all\"", arg);
				lopts.tail = v;
			}
			break;
		case O_SINCE:
			lopts.since = arg;
			break;
		case O_UNTIL:
			lopts.until = arg;
			break;
		case 't':
			lopts.timestamps = 1;
			break;
		}
	}
	if (o < 0)
		return p.rc;
	if (argc - optind != 1)
		return cli_usage(cmd, "want exactly one container");
	/* check the times before opening a connection */
	berth_error err = BERTH_ERROR_INIT;
	int64_t ignored;
	if (lopts.since && berth_time_parse(&ignored, lopts.since, &err) < 0)
		return cli_usage(cmd, "--since: %s", err.message);
	if (lopts.until && berth_time_parse(&ignored, lopts.until, &err) < 0)
		return cli_usage(cmd, "--until: %s", err.message);
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_stream *s = NULL;
	if (berth_container_logs(&s, client, argv[optind], &lopts, &err) < 0)
		return cli_fail(&err);

	signal(SIGPIPE, SIG_IGN);
	static logs_out lo;
	lo.ch[0].fd = STDOUT_FILENO;
	lo.ch[1].fd = STDERR_FILENO;
	lo.ch[0].at_line_start = lo.ch[1].at_line_start = true;
	lo.timestamps = lopts.timestamps;
	int r;
	for (;;) {
		berth_frame f;
		/* following: what is at hand first, and flush before waiting
		 * for more; otherwise the output goes in full buffers */
		r = berth_stream_next(s, &f, lopts.follow ? 0 : -1, &err);
		if (r == BERTH_ETIMEDOUT) {
			if (flush_chan(&lo, &lo.ch[0]) < 0 || flush_chan(&lo, &lo.ch[1]) < 0)
				break;
			r = berth_stream_next(s, &f, -1, &err);
		}
		if (r < 0 || on_frame(&lo, &f) < 0)
			break;
	}
	berth_stream_free(s);
	if (!lo.pipe_closed && !lo.write_errno) {
		flush_chan(&lo, &lo.ch[0]);
		flush_chan(&lo, &lo.ch[1]);
	}
	if (lo.pipe_closed)
		return EXIT_OK;   /* the reader went away (| head): nothing to say */
	if (lo.write_errno) {
		cli_errorf("logs: write: %s", strerror(lo.write_errno));
		return EXIT_FAIL;
	}
	if (r == BERTH_ITEROVER)
		return EXIT_OK;
	return cli_fail(&err);
}
