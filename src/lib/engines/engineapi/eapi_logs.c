/* Container logs through the Engine API (Docker and Podman alike):
 * GET /containers/{id}/logs, read as a demuxed byte stream. */
#include "engineapi.h"

#include "lib/engine.h"
#include "lib/kit/stream.h"
#include "lib/engines/engineapi/eapi_bytestream.h"
#include "lib/kit/units.h"

#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

/* What the stream keeps besides its body: the reply head, which the
 * HTTP reader fills until the body ends (trailers). */
typedef struct logs_ctx {
	http_response head;
	/* for a resume (Podman's follow that stops short) */
	struct berth_client *c;
	char *id;
	logs_request q;
	http_response head2;
	int64_t next_poll;   /* now_ms() of the next read when idle */
	int timer_fd;        /* fires at next_poll: the stream's fd meanwhile; -1 until needed */
	bool final_read;
} logs_ctx;

static void logs_ctx_release(void *p)
{
	logs_ctx *x = p;
	if (!x)
		return;
	http_response_release(&x->head);
	http_response_release(&x->head2);
	if (x->timer_fd >= 0)
		close(x->timer_fd);
	free(x->id);
	free(x);
}

#define NS_PER_S INT64_C(1000000000)

/* The query of a logs request. `until` includes an entry stamped exactly
 * at it, as Docker does; where entries are shown in whole seconds, that is
 * every entry whose true time is before the next whole second. */
static int logs_query(sbuf *path, const char *id, const logs_request *q, bool whole_seconds)
{
	char t[48];
	if (sbuf_adds(path, "/containers/") < 0 || sbuf_add_urlenc(path, id) < 0 ||
	    sbuf_printf(path, "/logs?stdout=%d&stderr=%d&follow=%d&timestamps=%d", q->out, q->err, q->follow,
			q->timestamps) < 0)
		return -ENOMEM;
	if (q->tail >= 0 && sbuf_printf(path, "&tail=%lld", q->tail) < 0)
		return -ENOMEM;
	if (q->since_ns > 0) {
		logs_time_arg(t, sizeof t, q->since_ns);
		if (sbuf_printf(path, "&since=%s", t) < 0)
			return -ENOMEM;
	}
	if (q->until_ns > 0) {
		int64_t until = q->until_ns;
		if (whole_seconds && until <= INT64_MAX - NS_PER_S)
			until = until / NS_PER_S * NS_PER_S + NS_PER_S - 1;
		logs_time_arg(t, sizeof t, until);
		if (sbuf_printf(path, "&until=%s", t) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int open_logs(http_stream **out, logs_ctx *x, const logs_request *q, http_response *head, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (logs_query(&path, x->id, q, api_of(x->c)->d->log_times_whole_seconds) < 0)
		return BERTH_NOMEM(err);
	char what[300];
	snprintf(what, sizeof what, "logs of %s", x->id);
	/* the deadline covers the reply's head; the body is read within the
	 * timeouts the reader gives berth_stream_next() */
	call k = { "GET", path.data, NULL, 0, false };
	return eapi_stream_call(out, x->c, &k, head, what, err);
}

/* Podman 4.3's follow cannot be trusted with a fast writer: it ends as
 * soon as the container stops, before it has sent the whole log, and it
 * reads lines the engine is still writing, handing out a cut line and
 * losing the rest (measured: 7 of 64 MiB, not a prefix of the stored log).
 * Its reads of the stored log are exact. So berth follows by reading the
 * stored log again from the last entry's time on, every POLL_MS while
 * nothing new comes, until a read that began after the container stopped
 * has ended. The byte stream skips what it handed out already and holds
 * back the last entry of a read until it is known to be whole. */
#define POLL_MS 100

static int logs_wait_fd(const void *ctx)
{
	const logs_ctx *x = ctx;
	return x->next_poll ? x->timer_fd : -1;
}

static int logs_resume(void *ctx, struct http_stream **out, bool *hold, int64_t since_ns, size_t handed,
		       int timeout_ms, berth_error *err)
{
	logs_ctx *x = ctx;
	if (x->final_read)
		return 0;
	if (handed == 0) {
		int64_t now = now_ms();
		if (!x->next_poll) {
			x->next_poll = now + POLL_MS;
			stream_timer_at(&x->timer_fd, x->next_poll);
		}
		int64_t wait = x->next_poll - now;
		if (wait > 0) {
			if (timeout_ms >= 0 && wait > timeout_ms)
				wait = timeout_ms;
			usleep((useconds_t)wait * 1000);
			if (now_ms() < x->next_poll)
				return BERTH_ETIMEDOUT;
		}
	}
	if (x->next_poll && x->timer_fd >= 0)
		stream_timer_at(&x->timer_fd, 0);   /* disarmed: not readable during the read */
	x->next_poll = 0;
	/* stopped before this read begins: it is the last. After a read that
	 * brought something the state is not asked (one request less per
	 * read while output flows): the container is taken as running, and
	 * the first read that brings nothing asks before it is made. */
	bool running = true;
	if (handed == 0) {
		berth_container_info *info = NULL;
		int r = x->c->ops->container_inspect(&info, x->c, x->id, err);
		if (r == BERTH_ENOTFOUND)
			return 0;   /* removed: its log with it */
		if (r < 0)
			return r;
		running = berth_container_info_running(info) > 0;
		berth_container_info_free(info);
	}
	logs_request q = x->q;
	q.follow = false;
	q.timestamps = true;
	if (since_ns > 0) {
		q.since_ns = since_ns;
		q.tail = -1;
	}
	http_response_release(&x->head2);
	x->head2 = (http_response)HTTP_RESPONSE_INIT;
	int r = open_logs(out, x, &q, &x->head2, err);
	if (r == BERTH_ENOTFOUND)
		return 0;   /* removed since the last read: its log with it */
	if (r < 0)
		return r;
	x->final_read = !running;
	*hold = running;
	return 1;
}

int engineapi_logs(berth_stream **out, struct berth_client *c, const char *id, const logs_request *q,
		   berth_error *err)
{
	/* Framed or not is the container's Config.Tty; its inspect also says
	 * "no such container" before any stream exists. */
	berth_container_info *info = NULL;
	int r = c->ops->container_inspect(&info, c, id, err);
	if (r < 0) {
		berth_error_prefix(err, "logs");
		return r;
	}
	bool tty = berth_container_info_tty(info) > 0;
	bool running = berth_container_info_running(info) > 0;
	berth_container_info_free(info);

	logs_ctx *x = calloc(1, sizeof *x);
	if (!x || !(x->id = strdup(id))) {
		free(x);
		return BERTH_NOMEM(err);
	}
	x->head = (http_response)HTTP_RESPONSE_INIT;
	x->head2 = (http_response)HTTP_RESPONSE_INIT;
	x->timer_fd = -1;
	x->c = c;
	x->q = *q;
	byte_stream_options o = { .tty = tty, .timestamps = q->timestamps };
	byte_stream_hooks h = { .release = logs_ctx_release, .ctx = x };
	logs_request first = *q;
	if (q->follow && !tty && api_of(c)->d->logs_follow_polls) {
		/* entries are counted by their times: ask for them */
		first.timestamps = true;
		first.follow = false;
		o.timestamps = true;
		o.hide_times = !q->timestamps;
		o.hold = running;
		x->final_read = !running;
		h.resume = logs_resume;
		h.wait_fd = logs_wait_fd;
	}
	http_stream *hs = NULL;
	r = open_logs(&hs, x, &first, &x->head, err);
	if (r < 0) {
		logs_ctx_release(x);
		return r;
	}
	char what[300];
	snprintf(what, sizeof what, "logs of %s", id);
	o.what = what;
	return byte_stream_from_http(out, hs, api_of(c)->t, &o, &h, err);
}

/* The readiness log probe: read the stored log from `since` (the last
 * `tail` lines when > 0) and hand each piece to on_data until it answers
 * nonzero, the log ends or the deadline passes. */
int engineapi_logs_scan(struct berth_client *c, const char *id, int64_t since, int tail, int timeout_ms,
			int (*on_data)(const char *data, size_t len, void *payload), void *payload, berth_error *err)
{
	char rest[128];
	int n = snprintf(rest, sizeof rest, "/logs?stdout=1&stderr=1&since=%" PRId64, since > 0 ? since : 0);
	if (tail > 0)
		snprintf(rest + n, sizeof rest - (size_t)n, "&tail=%d", tail);
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r = eapi_object_path(&path, "/containers/", id, rest, err);
	if (r < 0)
		return r;
	what_buf what;
	snprintf(what, sizeof what, "logs %s", id);
	call k = { "GET", path.data, NULL, timeout_ms, false };
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : c->timeout_ms);
	_cleanup_resp_ http_response head = HTTP_RESPONSE_INIT;
	http_stream *s = NULL;
	r = eapi_stream_call(&s, c, &k, &head, what, err);
	while (r == 0) {
		const char *data;
		size_t len;
		r = http_stream_read(s, &data, &len, remaining_ms(deadline), err);
		if (r == BERTH_ITEROVER || (r == 0 && on_data(data, len, payload))) {
			r = 0;
			break;
		}
	}
	http_stream_close(s);
	return r;
}
