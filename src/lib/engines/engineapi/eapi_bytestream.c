/* The demuxed byte stream that the Engine API's logs, exec and attach
 * share: frames cut from a streamed HTTP body or a hijacked connection,
 * with timestamps parsed, and polled logs resumed. */
#include "eapi_bytestream.h"
#include "engineapi.h"
#include "lib/transport/http.h"
#include "lib/parse/logcut.h"

#include <errno.h>
#include <stdio.h>

typedef struct byte_stream {
	http_stream *hs;       /* one of hs and c */
	conn *c;
	transport *t;
	byte_stream_options o;
	byte_stream_hooks hooks;
	char what[96];
	logcut lc;             /* demux + timestamp prefixes */
	const char *in;        /* input not yet demuxed */
	size_t in_len;
	bool eof;
	bool stdin_closed;
	/* polled logs (see byte_stream_hooks.resume) */
	int64_t last_ns;       /* time of the last entry handed out */
	size_t at_last;        /* how many entries handed out had that time */
	size_t handed;         /* entries the current body handed out */
	int64_t skip_ns;       /* after a resume: drop the first skip_left entries at skip_ns */
	size_t skip_left;
	bool dropping;
	bool hold;             /* hold entries back (this body is of a log being written) */
	sbuf held;             /* the entry held back */
	int held_stream;
	int64_t held_ns;
	bool held_any;
	bool held_cont;        /* held is the rest of an entry handed out in part */
	sbuf stale;            /* the last entry of the previous read, not handed out */
	int stale_stream;
	int64_t stale_ns;
	bool stale_any;
	sbuf handout;          /* what the last frame from held pointed into */
} byte_stream;

#define HOLD_MAX (1u << 20)

/* A frame of the current body: whether it is one to hand out (the
 * entries a resumed read brings again are dropped). */
static bool bs_fresh(byte_stream *b, const logcut_frame *f)
{
	if (!b->hooks.resume)
		return true;
	if (f->entry_start) {
		if (b->skip_left > 0 && f->time_ns == b->skip_ns) {
			b->skip_left--;
			b->dropping = true;
			return false;
		}
		b->skip_left = 0;
		b->dropping = false;
	}
	return !b->dropping;
}

/* An entry is handed out: count it. */
static void bs_count(byte_stream *b, int64_t ns)
{
	b->handed++;
	if (ns == b->last_ns) {
		b->at_last++;
	} else {
		b->last_ns = ns;
		b->at_last = 1;
	}
}

/* Hand out the held entry as *out (it moves to b->handout). */
static void bs_hand_held(byte_stream *b, berth_frame *out)
{
	sbuf t = b->handout;
	b->handout = b->held;
	b->held = t;
	sbuf_reset(&b->held);
	if (!b->held_cont)
		bs_count(b, b->held_ns);
	out->channel = (berth_channel)b->held_stream;
	out->data = b->handout.data;
	out->len = b->handout.len;
	out->time_ns = b->o.hide_times ? 0 : b->held_ns;
	b->held_any = false;
}

/* With hold: take a frame into the held entry. 1 when *out is to be
 * handed out (the entry held before it), 0 when taken in, < 0 error. */
static int bs_hold(byte_stream *b, const logcut_frame *f, berth_frame *out, berth_error *err)
{
	bool handing = b->held_any && (f->entry_start || b->held.len + f->len > HOLD_MAX);
	if (handing)
		bs_hand_held(b, out);
	if (!b->held_any) {
		b->held_any = true;
		b->held_cont = !f->entry_start;
		b->held_stream = f->stream;
		b->held_ns = f->time_ns;
	}
	if (sbuf_add(&b->held, f->data, f->len) < 0)
		return BERTH_NOMEM(err);
	return handing;
}

static bool same_entry(const sbuf *a, int as, int64_t ans, const sbuf *b, int bs, int64_t bns)
{
	return as == bs && ans == bns && a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* The body ended cleanly while holding: 1 with *out when the held entry
 * is the one the previous read ended with, unchanged (so complete);
 * otherwise it is kept to compare with the next read. */
static int bs_settle(byte_stream *b, berth_frame *out)
{
	if (!b->hold || !b->held_any)
		return 0;
	if (b->stale_any && same_entry(&b->held, b->held_stream, b->held_ns, &b->stale, b->stale_stream, b->stale_ns)) {
		b->stale_any = false;
		bs_hand_held(b, out);
		return 1;
	}
	sbuf t = b->stale;
	b->stale = b->held;
	b->held = t;
	sbuf_reset(&b->held);
	b->stale_any = true;
	b->stale_stream = b->held_stream;
	b->stale_ns = b->held_ns;
	b->held_any = false;
	return 0;
}

/* The body ended cleanly: go on with another one when the hook says so.
 * 1: resumed; 0: the end; < 0: error (BERTH_ETIMEDOUT: call again). */
static int bs_resume(byte_stream *b, int timeout_ms, berth_error *err)
{
	if (!b->hooks.resume || !b->hs)
		return 0;
	http_stream *next = NULL;
	bool hold = false;
	int r = b->hooks.resume(b->hooks.ctx, &next, &hold, b->last_ns, b->handed, timeout_ms, err);
	if (r <= 0)
		return r;
	http_stream_close(b->hs);
	b->hs = next;
	b->eof = false;
	b->in = NULL;
	b->in_len = 0;
	logcut_init(&b->lc, b->o.tty, b->o.timestamps);
	b->skip_ns = b->last_ns;
	b->skip_left = b->last_ns ? b->at_last : 0;
	b->dropping = false;
	b->handed = 0;
	b->hold = hold;
	if (!hold)
		b->stale_any = false;   /* a final read brings it again, whole */
	return 1;
}

static int bs_read_more(byte_stream *b, int timeout_ms, berth_error *err)
{
	if (b->hs) {
		int r = http_stream_read(b->hs, &b->in, &b->in_len, timeout_ms, err);
		if (r == BERTH_ITEROVER)
			b->eof = true;
		return r == BERTH_ITEROVER ? 0 : r;
	}
	conn *c = b->c;
	if (c->rpos < c->rlen) {
		/* bytes left in the buffer: hand them out first */
	} else {
		c->rpos = c->rlen = 0;
		int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
		int n = conn_fill(c, deadline, &b->t->ep, err);
		if (n < 0)
			return n;
		if (n == 0) {
			b->eof = true;
			return 0;
		}
	}
	b->in = c->rbuf + c->rpos;
	b->in_len = c->rlen - c->rpos;
	c->rpos = c->rlen;   /* handed to the demuxer; consumed before the next fill */
	return 0;
}

static int bs_next(void *impl, berth_frame *out, int timeout_ms, berth_error *err)
{
	byte_stream *b = impl;
	logcut_frame f;
	int64_t deadline = -2;   /* taken when first needed: most frames need none */
	for (;;) {
		int r;
		int left = timeout_ms;
		if (timeout_ms > 0 && (b->eof || b->in_len == 0)) {
			if (deadline == -2)
				deadline = now_ms() + timeout_ms;
			left = remaining_ms(deadline);
		}
		if (!b->eof) {
			r = logcut_next(&b->lc, &b->in, &b->in_len, &f, err);
			if (r == 0) {
				r = bs_read_more(b, left, err);
				if (r < 0) {
					if (r == BERTH_EPROTOCOL || r == BERTH_EUNAVAILABLE)
						berth_error_prefix(err, "%s", b->what);
					return r;
				}
				continue;
			}
		} else {
			r = logcut_finish(&b->lc, &f, err);
			if (r < 0 && b->c && !b->lc.dx.failed)
				/* a hijacked connection has no framing of its own:
				 * ending inside a frame means it was cut */
				r = berth_fail(err, BERTH_EUNAVAILABLE, "connection closed inside a frame");
			if (r == 0 && bs_settle(b, out))
				return 0;
			if (r == 0) {
				/* a polled log: each read is one more body; the
				 * time given bounds them all. A read that brought
				 * nothing new only schedules the next (with
				 * timeout 0 it never waits nor asks): so a call
				 * ends with the next read asked for or scheduled,
				 * and the fd says when to call again */
				r = bs_resume(b, left, err);
				if (r < 0)
					return r;
				if (r == 1)
					continue;
			}
			if (r == 0) {
				if (b->hooks.on_end) {
					int (*on_end)(void *, berth_error *) = b->hooks.on_end;
					b->hooks.on_end = NULL;
					r = on_end(b->hooks.ctx, err);
					if (r < 0)
						return r;
				}
				return BERTH_ITEROVER;
			}
		}
		if (r < 0) {
			berth_error_prefix(err, "%s", b->what);
			return r;
		}
		if (!bs_fresh(b, &f))
			continue;
		if (b->hold) {
			r = bs_hold(b, &f, out, err);
			if (r < 0)
				return r;
			if (r == 0)
				continue;
			return 0;
		}
		if (b->hooks.resume && f.entry_start)
			bs_count(b, f.time_ns);
		out->channel = (berth_channel)f.stream;
		out->data = f.data;
		out->len = f.len;
		out->time_ns = b->o.hide_times ? 0 : f.time_ns;
		return 0;
	}
}

static int bs_fd(const void *impl)
{
	const byte_stream *b = impl;
	if (b->eof && b->hooks.wait_fd) {
		int fd = b->hooks.wait_fd(b->hooks.ctx);
		if (fd >= 0)
			return fd;
	}
	if (b->hs)
		return http_stream_fd(b->hs);
	return b->c ? b->c->fd : -1;
}

static int bs_write(void *impl, const void *data, size_t len, int timeout_ms, berth_error *err)
{
	byte_stream *b = impl;
	if (!b->c || !b->o.stdin_open)
		return berth_fail(err, BERTH_EUNSUPPORTED, "%s: stdin is not open", b->what);
	if (b->stdin_closed)
		return berth_fail(err, BERTH_ECONFLICT, "%s: stdin is closed already", b->what);
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	return conn_write_all(b->c, data, len, deadline, &b->t->ep, err);
}

static int bs_close_stdin(void *impl, berth_error *err)
{
	byte_stream *b = impl;
	if (!b->c || !b->o.stdin_open)
		return berth_fail(err, BERTH_EUNSUPPORTED, "%s: stdin is not open", b->what);
	if (b->stdin_closed)
		return 0;
	b->stdin_closed = true;
	if (conn_shutdown_write(b->c) < 0)
		return berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "%s: half-close: %s", b->what,
				       strerror(errno));
	return 0;
}

static int bs_stdin_fd(const void *impl)
{
	const byte_stream *b = impl;
	return b->c && b->o.stdin_open && !b->stdin_closed ? b->c->fd : -1;
}

static int bs_resize(void *impl, unsigned rows, unsigned cols, berth_error *err)
{
	byte_stream *b = impl;
	if (!b->o.tty || !b->hooks.resize)
		return berth_fail(err, BERTH_EUNSUPPORTED, "%s has no terminal to resize", b->what);
	return b->hooks.resize(b->hooks.ctx, rows, cols, err);
}

static void bs_free(void *impl)
{
	byte_stream *b = impl;
	if (!b)
		return;
	if (b->hs)
		http_stream_close(b->hs);
	if (b->c)
		conn_close(b->c);
	if (b->hooks.release)
		b->hooks.release(b->hooks.ctx);
	sbuf_release(&b->held);
	sbuf_release(&b->stale);
	sbuf_release(&b->handout);
	free(b);
}

static const stream_ops byte_stream_ops = {
	.kind = "output",
	.next = bs_next,
	.fd = bs_fd,
	.write = bs_write,
	.close_stdin = bs_close_stdin,
	.stdin_fd = bs_stdin_fd,
	.resize = bs_resize,
	.free = bs_free,
};

static int byte_stream_new(berth_stream **out, http_stream *hs, conn *c, transport *t, const byte_stream_options *o,
			   const byte_stream_hooks *hooks, berth_error *err)
{
	byte_stream *b = calloc(1, sizeof(*b));
	if (!b) {
		if (hs)
			http_stream_close(hs);
		if (c)
			conn_close(c);
		if (hooks && hooks->release)
			hooks->release(hooks->ctx);
		return BERTH_NOMEM(err);
	}
	b->hs = hs;
	b->c = c;
	b->t = t;
	b->o = *o;
	if (hooks)
		b->hooks = *hooks;
	snprintf(b->what, sizeof(b->what), "%s", o->what ? o->what : "stream");
	b->o.what = b->what;
	logcut_init(&b->lc, o->tty, o->timestamps);
	b->hold = o->hold;
	return stream_new(out, &byte_stream_ops, b, err);
}

int byte_stream_from_http(berth_stream **out, http_stream *hs, transport *t, const byte_stream_options *o,
			  const byte_stream_hooks *hooks, berth_error *err)
{
	return byte_stream_new(out, hs, NULL, t, o, hooks, err);
}

int byte_stream_from_conn(berth_stream **out, conn *c, transport *t, const byte_stream_options *o,
			  const byte_stream_hooks *hooks, berth_error *err)
{
	return byte_stream_new(out, NULL, c, t, o, hooks, err);
}

int eapi_tar_stream(berth_stream **out, struct berth_client *c, const char *path, const char *what,
		    berth_error *err)
{
	_cleanup_resp_ http_response head = HTTP_RESPONSE_INIT;
	call k = { "GET", path, NULL, 0, false };
	http_stream *hs = NULL;
	int r = eapi_stream_call(&hs, c, &k, &head, what, err);
	if (r < 0)
		return r;
	byte_stream_options o = { .tty = true, .what = what };
	return byte_stream_from_http(out, hs, api_of(c)->t, &o, NULL, err);
}
