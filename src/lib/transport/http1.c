/* HTTP/1.1 client: requests are written by hand, replies are framed by
 * http-parser (status, headers, chunked or sized bodies, Upgrade).
 *
 * Buffered and streamed replies share one path: the parser copies body
 * bytes into the stream's chunk buffer, and the socket is read only when
 * the consumer asks for more, so a slow reader holds at most one read
 * buffer (64 KiB) of body in memory. */
#include "http.h"

#include <ctype.h>
#include <http_parser.h>
#include <stdio.h>

struct http_stream {
	transport *t;
	conn *c;
	http_parser parser;
	http_response *head;   /* the caller's, filled until open returns; NULL after */
	int status;            /* the reply's status, kept here for later reads */
	sbuf chunk;            /* body bytes not yet handed out */
	bool chunk_handed;     /* chunk was given to the reader: drop it next time */
	sbuf hname, hvalue;    /* the header being parsed */
	bool in_value;
	bool headers_done, message_done, keep_alive, upgraded, head_request;
	int cb_error;          /* BERTH_E* raised inside a parser callback */
	size_t received;       /* reply bytes seen */
	char what[160];        /* "GET /v1.41/_ping" for messages */
};

const char *http_header(const http_response *r, const char *name)
{
	for (size_t i = 0; i < r->hnames.len; i++)
		if (strcasecmp(r->hnames.items[i], name) == 0)
			return r->hvalues.items[i];
	return NULL;
}

void http_response_release(http_response *r)
{
	strv_release(&r->hnames);
	strv_release(&r->hvalues);
	sbuf_release(&r->body);
	r->status = 0;
}

int transport_new(transport **out, const char *uri, int tls_mode, const char *cert_dir,
		  int connect_timeout_ms, int timeout_ms, berth_error *err)
{
	transport *t = calloc(1, sizeof *t);
	if (!t)
		return BERTH_NOMEM(err);
	int r = endpoint_parse(&t->ep, uri, tls_mode, cert_dir, err);
	if (r < 0) {
		free(t);
		return r;
	}
	t->connect_timeout_ms = connect_timeout_ms > 0 ? connect_timeout_ms : 5000;
	t->timeout_ms = timeout_ms > 0 ? timeout_ms : 60000;
	pthread_mutex_init(&t->lock, NULL);
	*out = t;
	return 0;
}

void transport_free(transport *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nidle; i++)
		conn_close(t->idle[i]);
	conn_close(t->preset);
	pthread_mutex_destroy(&t->lock);
	endpoint_release(&t->ep);
	free(t);
}

/* Take an idle connection that is still good, or NULL. */
static conn *pool_take(transport *t)
{
	conn *c = NULL;
	pthread_mutex_lock(&t->lock);
	while (t->nidle > 0) {
		c = t->idle[--t->nidle];
		if (!conn_is_stale(c))
			break;
		conn_close(c);
		c = NULL;
	}
	pthread_mutex_unlock(&t->lock);
	if (c)
		c->reused = true;
	return c;
}

static void pool_put(transport *t, conn *c)
{
	/* an idle ssh connection is a process and a session on the server:
	 * fewer of them wait */
	size_t max = t->ep.kind == ENDPOINT_SSH ? SSH_POOL_MAX : HTTP_POOL_MAX;
	pthread_mutex_lock(&t->lock);
	if (t->nidle < max) {
		t->idle[t->nidle++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&t->lock);
	conn_close(c);
}

/* ---- parser callbacks --------------------------------------------------- */

static int commit_header(struct http_stream *s)
{
	if (s->hname.len == 0)
		return 0;
	for (size_t i = 0; i < s->hname.len; i++)
		s->hname.data[i] = (char)tolower((unsigned char)s->hname.data[i]);
	if (!s->head) {
		sbuf_reset(&s->hname);
		sbuf_reset(&s->hvalue);
		return 0;
	}
	if (strv_push(&s->head->hnames, s->hname.data) < 0 ||
	    strv_push(&s->head->hvalues, s->hvalue.data ? s->hvalue.data : "") < 0) {
		s->cb_error = BERTH_ENOMEM;
		return -1;
	}
	sbuf_reset(&s->hname);
	sbuf_reset(&s->hvalue);
	return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
	struct http_stream *s = p->data;
	if (s->headers_done)
		return 0; /* a chunked body's trailer: not part of the head */
	if (s->in_value) {
		if (commit_header(s) < 0)
			return -1;
		s->in_value = false;
	}
	if (sbuf_add(&s->hname, at, len) < 0) {
		s->cb_error = BERTH_ENOMEM;
		return -1;
	}
	return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
	struct http_stream *s = p->data;
	if (s->headers_done)
		return 0;
	s->in_value = true;
	if (sbuf_add(&s->hvalue, at, len) < 0) {
		s->cb_error = BERTH_ENOMEM;
		return -1;
	}
	return 0;
}

static int on_headers_complete(http_parser *p)
{
	struct http_stream *s = p->data;
	if (s->in_value && commit_header(s) < 0)
		return -1;
	s->in_value = false;
	s->status = p->status_code;
	if (s->head)
		s->head->status = p->status_code;
	s->headers_done = true;
	s->keep_alive = http_should_keep_alive(p);
	/* 1: the reply has no body (HEAD). */
	return s->head_request ? 1 : 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
	struct http_stream *s = p->data;
	if (sbuf_add(&s->chunk, at, len) < 0) {
		s->cb_error = BERTH_ENOMEM;
		return -1;
	}
	return 0;
}

static int on_message_complete(http_parser *p)
{
	struct http_stream *s = p->data;
	s->message_done = true;
	if (p->upgrade)
		s->upgraded = true;
	/* Stop here: anything after the reply is not ours to parse. */
	http_parser_pause(p, 1);
	return 0;
}

static const http_parser_settings settings = {
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

static void stream_reset(struct http_stream *s)
{
	http_parser_init(&s->parser, HTTP_RESPONSE);
	s->parser.data = s;
	sbuf_reset(&s->chunk);
	s->chunk_handed = false;
	sbuf_reset(&s->hname);
	sbuf_reset(&s->hvalue);
	s->in_value = s->headers_done = s->message_done = s->keep_alive = s->upgraded = false;
	s->received = 0;
	s->cb_error = 0;
	s->status = 0;
	if (s->head) {
		strv_release(&s->head->hnames);
		strv_release(&s->head->hvalues);
		s->head->status = 0;
	}
}

/* Run the parser over unread bytes; at_eof tells it the peer closed. */
static int feed(struct http_stream *s, bool at_eof, berth_error *err)
{
	conn *c = s->c;
	size_t avail = c->rlen - c->rpos;
	if (s->message_done)
		return 0;
	size_t n = http_parser_execute(&s->parser, &settings, at_eof ? NULL : c->rbuf + c->rpos,
				       at_eof ? 0 : avail);
	if (!at_eof) {
		c->rpos += n;
		s->received += n;
	}
	enum http_errno e = HTTP_PARSER_ERRNO(&s->parser);
	if (s->cb_error)
		return berth_fail(err, s->cb_error, "%s: %s: out of memory", s->t->ep.uri, s->what);
	if (e == HPE_PAUSED) {
		/* Paused by on_message_complete: the reply is done, and the
		 * count returned includes its last byte. An interim reply
		 * (1xx other than 101) is not the answer: parse the next one. */
		int st = s->status;
		if (st >= 100 && st < 200 && st != 101 && !s->upgraded)
			stream_reset(s);
		return 0;
	}
	if (e != HPE_OK) {
		if (at_eof && e == HPE_INVALID_EOF_STATE)
			return berth_fail(err, BERTH_EUNAVAILABLE,
					  "%s: %s: connection closed after %zu bytes of the reply (truncated)",
					  s->t->ep.uri, s->what, s->received);
		return berth_fail(err, BERTH_EPROTOCOL, "%s: %s: malformed HTTP reply: %s",
				  s->t->ep.uri, s->what, http_errno_description(e));
	}
	if (s->parser.upgrade && s->message_done)
		s->upgraded = true;
	if (at_eof && !s->message_done)
		return berth_fail(err, BERTH_EUNAVAILABLE,
				  "%s: %s: connection closed after %zu bytes of the reply (truncated)",
				  s->t->ep.uri, s->what, s->received);
	return 0;
}

/* Read more from the socket and parse it. */
static int pump(struct http_stream *s, int64_t deadline, berth_error *err)
{
	if (s->c->rpos < s->c->rlen)
		return feed(s, false, err);
	int n = conn_fill(s->c, deadline, &s->t->ep, err);
	if (n < 0) {
		if (err && n != BERTH_ENOMEM)
			berth_error_prefix(err, "%s", s->what);
		return n;
	}
	return feed(s, n == 0, err);
}

#define CHUNK_MAX (64 * 1024)

/* Send a body from the request's reader as HTTP chunks, one read at a
 * time (memory: one chunk), ending with the zero-length chunk. */
static int write_chunked(struct http_stream *s, const http_request *req, int64_t deadline, berth_error *err)
{
	_cleanup_free_ char *buf = malloc(CHUNK_MAX + 16);
	if (!buf)
		return BERTH_NOMEM(err);
	for (;;) {
		char *data = buf + 10;   /* room for "ffff\r\n" in front */
		ssize_t n = req->body_read(data, CHUNK_MAX, req->body_payload);
		if (n < 0)
			return berth_fail(err, (int)n, "%s: the body's reader failed: %s", s->what,
					  berth_strerror((int)n));
		if (n > CHUNK_MAX)
			return berth_fail(err, BERTH_EINVAL, "%s: the body's reader returned more than asked", s->what);
		char head[12];
		int hl = snprintf(head, sizeof head, "%zx\r\n", (size_t)n);
		memcpy(data - hl, head, (size_t)hl);
		memcpy(data + n, "\r\n", 2);
		size_t total = (size_t)hl + (size_t)n + 2;
		int r = conn_write_all(s->c, data - hl, total, deadline, &s->t->ep, err);
		if (r < 0 || n == 0)
			return r;
	}
}

static int write_request(struct http_stream *s, const http_request *req, int64_t deadline, berth_error *err)
{
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	const endpoint *ep = &s->t->ep;
	/* Host carries the port unless it is the scheme's default: servers
	 * that answer with absolute URLs (a registry's upload Location) build
	 * them from it. */
	/* a socket (here or through ssh) has no host to name: "docker", as
	 * the docker client says */
	bool hostless = ep->kind != ENDPOINT_TCP;
	bool v6 = !hostless && strchr(strempty(ep->host), ':');
	bool default_port = hostless || STREQ(strempty(ep->port), ep->tls ? "443" : "80");
	int r = sbuf_printf(&b, "%s %s HTTP/1.1\r\nHost: %s%s%s%s%s\r\nUser-Agent: berth/" BERTH_VERSION_STRING "\r\n",
			    req->method, req->target, v6 ? "[" : "", hostless ? "docker" : ep->host,
			    v6 ? "]" : "", default_port ? "" : ":", default_port ? "" : ep->port);
	if (r == 0 && req->body_read)
		r = sbuf_printf(&b, "Content-Type: %s\r\nTransfer-Encoding: chunked\r\n",
				req->content_type ? req->content_type : "application/json");
	else if (r == 0 && (req->body || req->method[0] == 'P'))
		r = sbuf_printf(&b, "Content-Type: %s\r\nContent-Length: %zu\r\n",
				req->content_type ? req->content_type : "application/json", req->body_len);
	if (r == 0 && req->upgrade)
		r = sbuf_adds(&b, "Connection: Upgrade\r\nUpgrade: tcp\r\n");
	if (r == 0 && req->extra_header && !req->extra_header[strcspn(req->extra_header, "\r\n")])
		r = sbuf_printf(&b, "%s\r\n", req->extra_header);
	for (const char *const *h = req->headers; r == 0 && h && *h; h++)
		if (!(*h)[strcspn(*h, "\r\n")])
			r = sbuf_printf(&b, "%s\r\n", *h);
	if (r == 0)
		r = sbuf_adds(&b, "\r\n");
	bool inline_body = req->body_len <= 64 * 1024;
	if (r == 0 && inline_body && req->body_len)
		r = sbuf_add(&b, req->body, req->body_len);
	if (r < 0)
		return BERTH_NOMEM(err);
	r = conn_write_all(s->c, b.data, b.len, deadline, ep, err);
	if (r == 0 && !inline_body)
		r = conn_write_all(s->c, req->body, req->body_len, deadline, ep, err);
	if (r == 0 && req->body_read)
		r = write_chunked(s, req, deadline, err);
	if (r < 0 && err && r != BERTH_ENOMEM)
		berth_error_prefix(err, "%s", s->what);
	return r;
}

static int64_t deadline_of(const transport *t, int timeout_ms)
{
	if (timeout_ms < 0)
		return -1;
	return now_ms() + (timeout_ms ? timeout_ms : t->timeout_ms);
}


/* Send the request and read up to the end of the headers. A pooled
 * connection that the engine closed while idle is retried once, fresh. */
static int stream_start(struct http_stream *s, const http_request *req, int64_t deadline, berth_error *err)
{
	for (int attempt = 0;; attempt++) {
		if (attempt == 0 && s->t->preset) {
			s->c = s->t->preset;
			s->t->preset = NULL;
		} else {
			s->c = attempt == 0 ? pool_take(s->t) : NULL;
		}
		if (!s->c) {
			int ms = s->t->connect_timeout_ms;
			int left = remaining_ms(deadline);
			if (left >= 0 && left < ms)
				ms = left > 0 ? left : 1;
			int r = conn_open(&s->c, &s->t->ep, ms, err);
			if (r < 0)
				return r;
		}
		stream_reset(s);
		int r = write_request(s, req, deadline, err);
		if (r == BERTH_EUNAVAILABLE && req->body_read) {
			/* The engine may have answered (an error) and closed before
			 * taking the whole body: its answer is the better error. */
			int64_t soon = now_ms() + 1000;
			berth_error ignored = BERTH_ERROR_INIT;
			while (pump(s, soon, &ignored) == 0 && !s->headers_done)
				;
			if (s->headers_done)
				r = 0;
		}
		while (r == 0 && !s->headers_done)
			r = pump(s, deadline, err);
		if (r == 0)
			return 0;
		/* Only idempotent requests are sent twice: a POST the engine
		 * acted on before the connection died must not run again. */
		bool idempotent = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0 ||
				  strcmp(req->method, "DELETE") == 0 || strcmp(req->method, "PUT") == 0;
		bool retry = s->c->reused && s->received == 0 && attempt == 0 && idempotent && !req->body_read &&
			     r == BERTH_EUNAVAILABLE;
		conn_close(s->c);
		s->c = NULL;
		if (!retry)
			return r;
	}
}

int http_stream_open(http_stream **out, transport *t, const http_request *req, http_response *head, berth_error *err)
{
	struct http_stream *s = calloc(1, sizeof *s);
	if (!s)
		return BERTH_NOMEM(err);
	s->t = t;
	s->head = head;
	s->head_request = req->head;
	snprintf(s->what, sizeof s->what, "%s %s", req->method, req->target);
	char *q = strchr(s->what, '?');
	if (q)
		*q = '\0'; /* keep filters out of error messages */
	int r = stream_start(s, req, deadline_of(t, req->timeout_ms), err);
	if (r < 0) {
		s->head = NULL;
		http_stream_close(s);
		return r;
	}
	/* the head is complete; the caller may keep it anywhere (often on a
	 * stack frame the stream outlives), so later reads never touch it */
	s->head = NULL;
	*out = s;
	return 0;
}

int http_stream_read(http_stream *s, const char **data, size_t *len, int timeout_ms, berth_error *err)
{
	if (s->chunk_handed) {
		sbuf_reset(&s->chunk);
		s->chunk_handed = false;
	}
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (;;) {
		if (s->chunk.len > 0) {
			*data = s->chunk.data;
			*len = s->chunk.len;
			s->chunk_handed = true;
			return 0;
		}
		if (s->message_done || s->upgraded)
			return BERTH_ITEROVER;
		int r = pump(s, deadline, err);
		if (r < 0) {
			s->keep_alive = false;
			return r;
		}
	}
}

int http_stream_fd(const http_stream *s) { return s->c ? s->c->fd : -1; }

conn *http_stream_take_conn(http_stream *s)
{
	conn *c = s->c;
	s->c = NULL;
	return c;
}

void http_stream_close(http_stream *s)
{
	if (!s)
		return;
	if (s->c) {
		bool reusable = s->message_done && s->keep_alive && !s->upgraded &&
				s->c->rpos == s->c->rlen;
		if (reusable) {
			s->c->rpos = s->c->rlen = 0;
			pool_put(s->t, s->c);
		} else {
			conn_close(s->c);
		}
	}
	sbuf_release(&s->chunk);
	sbuf_release(&s->hname);
	sbuf_release(&s->hvalue);
	free(s);
}

int http_do_sink(transport *t, const http_request *req, http_response *resp, size_t max_body, http_sink sink,
		 void *payload, berth_error *err)
{
	http_stream *s = NULL;
	int64_t deadline = deadline_of(t, req->timeout_ms);
	int r = http_stream_open(&s, t, req, resp, err);
	if (r < 0)
		return r;
	bool to_sink = sink && resp->status >= 200 && resp->status < 300;
	size_t total = 0;
	for (;;) {
		const char *data;
		size_t len;
		int left = remaining_ms(deadline);
		r = http_stream_read(s, &data, &len, deadline < 0 ? -1 : left, err);
		if (r == BERTH_ITEROVER) {
			r = 0;
			break;
		}
		if (r < 0)
			break;
		total += len;
		if (total > max_body) {
			s->keep_alive = false;
			r = berth_fail(err, BERTH_EPROTOCOL, "%s: %s: reply larger than %zu bytes",
				       t->ep.uri, s->what, max_body);
			break;
		}
		if (to_sink) {
			r = sink(payload, data, len, err);
			if (r < 0) {
				s->keep_alive = false; /* the rest of the reply is not read */
				break;
			}
			continue;
		}
		if (sbuf_add(&resp->body, data, len) < 0) {
			s->keep_alive = false;
			r = BERTH_NOMEM(err);
			break;
		}
	}
	http_stream_close(s);
	return r;
}

int http_do(transport *t, const http_request *req, http_response *resp, size_t max_body, berth_error *err)
{
	return http_do_sink(t, req, resp, max_body, NULL, NULL, err);
}

int http_do_on(transport *t, conn *c, const http_request *req, http_response *resp, size_t max_body,
	       berth_error *err)
{
	conn_close(t->preset);
	t->preset = c;
	return http_do(t, req, resp, max_body, err);
}
