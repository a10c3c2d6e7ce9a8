/* gRPC over HTTP/2: nghttp2 keeps the HTTP/2 state, berth's connections
 * carry the bytes (nghttp2_session_mem_recv / mem_send), and gRPC's own
 * layer on top is the 5-byte message prefix, the grpc-status and
 * grpc-message trailers and the grpc-timeout header.
 *
 * Threads: a channel's lock guards the session. A call submits its request
 * under the lock, then either reads the socket for everybody (the "pumper",
 * which drops the lock while it polls) or sleeps on the condition variable
 * until the pumper has moved things on. So a call that blocks for long
 * (containerd's Tasks/Wait) never holds up the others. */
#include "grpc.h"
#include "socket.h"

#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

/* HTTP/2 windows berth opens to the server: large, so that the server is
 * rarely blocked on us; what it sends is bounded by what the caller reads. */
#define H2_WINDOW (16 * 1024 * 1024)

typedef struct h2_call {
	int32_t id;
	unsigned gen;             /* channel generation it was submitted on */
	const uint8_t *body;      /* the request body, framed */
	size_t body_len, body_pos;
	sbuf data;                /* reply DATA bytes, still framed */
	size_t data_pos;          /* consumed (streams) */
	size_t data_max;
	int http_status;
	int grpc_status;          /* -1: none seen */
	char grpc_message[256];
	bool closed, too_big;
	uint32_t error_code;      /* RST_STREAM code, 0 when closed cleanly */
	bool streaming;           /* an upload: the body comes in pieces ... */
	bool body_end;            /* ... until this one */
} h2_call;

struct grpc_channel {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	endpoint ep;
	int connect_timeout_ms;
	conn *c;
	nghttp2_session *s;
	unsigned gen;             /* bumped at each (re)connect */
	bool pumping;             /* a thread is reading the socket */
	bool broken;              /* the connection failed: reopen before use */
	bool write_closed;        /* the server stopped reading: what it sent is still read */
	bool peer_h2;             /* the server sent its HTTP/2 SETTINGS */
	berth_error broken_err;
	berth_error ended_err;    /* why the last connection before this one ended */
};

/* A call of an earlier connection: the connection it ran on was replaced
 * (another call reconnected after a failure); say why that one ended. */
static int lost(const grpc_channel *ch, berth_error *err)
{
	if (ch->ended_err.code)
		return berth_fail(err, BERTH_EUNAVAILABLE, "%s: connection lost (%s)", ch->ep.uri, ch->ended_err.message);
	return berth_fail(err, BERTH_EUNAVAILABLE, "%s: connection lost", ch->ep.uri);
}

struct grpc_stream {
	grpc_channel *ch;
	h2_call call;
	sbuf body;
	char *what;               /* "Events/Subscribe", for messages */
};

/* ---- pure helpers ------------------------------------------------------- */

int grpc_frame_append(sbuf *out, const uint8_t *msg, size_t len)
{
	if (len > UINT32_MAX)
		return -EINVAL;
	unsigned char h[5] = { 0, (unsigned char)(len >> 24), (unsigned char)(len >> 16), (unsigned char)(len >> 8),
			       (unsigned char)len };
	if (sbuf_reserve(out, 5 + len) < 0)
		return -ENOMEM;
	return sbuf_add(out, h, 5) || (len && sbuf_add(out, msg, len)) ? -ENOMEM : 0;
}

int grpc_frame_next(const uint8_t *buf, size_t len, size_t *pos, const uint8_t **msg, size_t *msg_len,
		    berth_error *err)
{
	if (*pos > len || len - *pos < 5)
		return 0;
	const uint8_t *p = buf + *pos;
	size_t n = (size_t)p[1] << 24 | (size_t)p[2] << 16 | (size_t)p[3] << 8 | p[4];
	if (p[0] != 0)
		return berth_fail(err, BERTH_EPROTOCOL, "gRPC message %s", p[0] == 1 ? "is compressed" : "has a bad flag byte");
	if (n > GRPC_MAX_MESSAGE)
		return berth_fail(err, BERTH_EPROTOCOL, "gRPC message of %zu bytes is too long", n);
	if (len - *pos - 5 < n)
		return 0;
	*msg = p + 5;
	*msg_len = n;
	*pos += 5 + n;
	return 1;
}

static const char *const status_names[] = {
	"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists",
	"PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange",
	"Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated",
};

const char *grpc_status_name(int status)
{
	return status >= 0 && (size_t)status < ARRAY_SIZE(status_names) ? status_names[status] : "Unknown";
}

int grpc_status_to_code(int status)
{
	switch (status) {
	case 0: return 0;
	case 1: return BERTH_ECANCELLED;
	case 3: return BERTH_EINVAL;
	case 4: return BERTH_ETIMEDOUT;
	case 5: return BERTH_ENOTFOUND;
	case 6: return BERTH_EEXISTS;
	case 7: return BERTH_EPERM;
	case 9: return BERTH_ECONFLICT;
	case 12: return BERTH_EUNSUPPORTED;
	case 14: return BERTH_EUNAVAILABLE;
	case 16: return BERTH_EPERM;
	default: return BERTH_EENGINE;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void grpc_message_decode(char *out, size_t size, const char *in, size_t len)
{
	size_t o = 0;
	if (!size)
		return;
	for (size_t i = 0; i < len && o + 1 < size; i++) {
		char ch = in[i];
		int hi, lo;
		if (ch == '%' && i + 2 < len && (hi = hexval(in[i + 1])) >= 0 && (lo = hexval(in[i + 2])) >= 0) {
			ch = (char)(hi << 4 | lo);
			i += 2;
		}
		/* one line: control characters become spaces */
		out[o++] = (unsigned char)ch < 0x20 ? ' ' : ch;
	}
	out[o] = '\0';
}

void grpc_timeout_format(char out[16], int timeout_ms)
{
	/* at most 8 digits; past that, whole seconds */
	if (timeout_ms < 100000000)
		snprintf(out, 16, "%dm", timeout_ms);
	else
		snprintf(out, 16, "%dS", timeout_ms / 1000);
}

/* "/containerd.services.tasks.v1.Tasks/List" -> "Tasks/List" */
static const char *method_name(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot ? dot + 1 : path;
}

/* ---- nghttp2 callbacks -------------------------------------------------- */

static ssize_t body_read(nghttp2_session *s, int32_t id, uint8_t *buf, size_t length, uint32_t *flags,
			 nghttp2_data_source *src, void *user)
{
	(void)src, (void)user;
	h2_call *k = nghttp2_session_get_stream_user_data(s, id);
	if (!k)
		return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
	size_t n = k->body_len - k->body_pos;
	/* an upload waiting for its next piece: resumed by grpc_upload_send */
	if (n == 0 && k->streaming && !k->body_end)
		return NGHTTP2_ERR_DEFERRED;
	if (n > length)
		n = length;
	if (n)
		memcpy(buf, k->body + k->body_pos, n);
	k->body_pos += n;
	if (k->body_pos == k->body_len && (!k->streaming || k->body_end))
		*flags |= NGHTTP2_DATA_FLAG_EOF;
	return (ssize_t)n;
}

static int on_header(nghttp2_session *s, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
		     const uint8_t *value, size_t valuelen, uint8_t flags, void *user)
{
	(void)flags, (void)user;
	h2_call *k = nghttp2_session_get_stream_user_data(s, frame->hd.stream_id);
	if (!k)
		return 0;
	char v[16];
	if (namelen == 7 && memcmp(name, ":status", 7) == 0) {
		snprintf(v, sizeof v, "%.*s", (int)(valuelen < 15 ? valuelen : 15), (const char *)value);
		k->http_status = atoi(v);
	} else if (namelen == 11 && memcmp(name, "grpc-status", 11) == 0) {
		snprintf(v, sizeof v, "%.*s", (int)(valuelen < 15 ? valuelen : 15), (const char *)value);
		char *end;
		long st = strtol(v, &end, 10);
		k->grpc_status = (*v && !*end && st >= 0 && st < 1000) ? (int)st : 2;
	} else if (namelen == 12 && memcmp(name, "grpc-message", 12) == 0) {
		grpc_message_decode(k->grpc_message, sizeof k->grpc_message, (const char *)value, valuelen);
	}
	return 0;
}

static int on_data_chunk(nghttp2_session *s, uint8_t flags, int32_t id, const uint8_t *data, size_t len, void *user)
{
	(void)flags, (void)user;
	h2_call *k = nghttp2_session_get_stream_user_data(s, id);
	if (!k || k->too_big)
		return 0;
	if (k->data.len - k->data_pos + len > k->data_max) {
		k->too_big = true;
		nghttp2_submit_rst_stream(s, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
		return 0;
	}
	if (k->data_pos && k->data_pos == k->data.len) {
		sbuf_reset(&k->data);
		k->data_pos = 0;
	}
	return sbuf_add(&k->data, data, len) < 0 ? NGHTTP2_ERR_CALLBACK_FAILURE : 0;
}

static int on_frame(nghttp2_session *s, const nghttp2_frame *frame, void *user)
{
	(void)s;
	if (frame->hd.type == NGHTTP2_SETTINGS)
		((grpc_channel *)user)->peer_h2 = true;
	return 0;
}

static int on_stream_close(nghttp2_session *s, int32_t id, uint32_t error_code, void *user)
{
	(void)user;
	h2_call *k = nghttp2_session_get_stream_user_data(s, id);
	if (k) {
		k->closed = true;
		k->error_code = error_code;
	}
	return 0;
}

/* ---- the connection ----------------------------------------------------- */

#define FLUSH_GRACE_MS 5000

static void mark_broken(grpc_channel *ch, int code, const char *fmt, ...) _printf_(3, 4);
static void mark_broken(grpc_channel *ch, int code, const char *fmt, ...)
{
	if (ch->broken)
		return;
	ch->broken = true;
	char msg[BERTH_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	berth_fail(&ch->broken_err, code, "%s", msg);
	pthread_cond_broadcast(&ch->cond);
}

static void session_drop(grpc_channel *ch)
{
	if (ch->s)
		nghttp2_session_del(ch->s);
	ch->s = NULL;
	conn_close(ch->c);
	ch->c = NULL;
}

/* Connect and start a session. Lock held (or not yet shared). */
static int session_open(grpc_channel *ch, berth_error *err)
{
	session_drop(ch);
	int r = conn_open(&ch->c, &ch->ep, ch->connect_timeout_ms, err);
	if (r < 0)
		return r;
	nghttp2_session_callbacks *cb;
	if (nghttp2_session_callbacks_new(&cb) != 0)
		return BERTH_NOMEM(err);
	nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data_chunk);
	nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_stream_close);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame);
	int rv = nghttp2_session_client_new(&ch->s, cb, ch);
	nghttp2_session_callbacks_del(cb);
	if (rv != 0)
		return BERTH_NOMEM(err);
	nghttp2_settings_entry iv[] = {
		{ NGHTTP2_SETTINGS_ENABLE_PUSH, 0 },
		{ NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 1000 },
		{ NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, H2_WINDOW },
	};
	if (nghttp2_submit_settings(ch->s, NGHTTP2_FLAG_NONE, iv, ARRAY_SIZE(iv)) != 0 ||
	    nghttp2_session_set_local_window_size(ch->s, NGHTTP2_FLAG_NONE, 0, H2_WINDOW) != 0)
		return BERTH_NOMEM(err);
	ch->gen++;
	if (ch->broken && ch->broken_err.code)
		ch->ended_err = ch->broken_err;
	ch->broken = false;
	ch->write_closed = false;
	ch->peer_h2 = false;
	berth_error_clear(&ch->broken_err);
	return 0;
}

/* Write what nghttp2 has queued, gathered into one write when it is small
 * (the preface, settings and a request's frames go out together). Lock held. */
static int flush(grpc_channel *ch, int64_t deadline)
{
	uint8_t batch[16384];
	size_t used = 0;
	/* A write is never cut short because the caller's wait ended: a
	 * partly written frame would leave the connection unusable, and a
	 * caller that only looks (check_connection pumps with no wait) would
	 * break it for every call on it while the server reads slowly (seen
	 * on containerd under ASan: a pull's other uploads then ended with
	 * "connection lost"). Writes get at least FLUSH_GRACE_MS; a server
	 * that reads nothing for that long breaks the connection. */
	if (deadline >= 0 && deadline < now_ms() + FLUSH_GRACE_MS)
		deadline = now_ms() + FLUSH_GRACE_MS;
	while (!ch->broken) {
		const uint8_t *d;
		ssize_t n = nghttp2_session_mem_send(ch->s, &d);
		if (n < 0) {
			mark_broken(ch, BERTH_EPROTOCOL, "%s: HTTP/2: %s", ch->ep.uri, nghttp2_strerror((int)n));
			break;
		}
		/* keep small pieces; write the batch when a piece does not fit or at the end */
		if (n > 0 && (size_t)n <= sizeof batch - used) {
			memcpy(batch + used, d, (size_t)n);
			used += (size_t)n;
			continue;
		}
		berth_error e = BERTH_ERROR_INIT;
		if (!ch->write_closed && ((used && conn_write_all(ch->c, batch, used, deadline, &ch->ep, &e) < 0) ||
					  (n > 0 && conn_write_all(ch->c, d, (size_t)n, deadline, &ch->ep, &e) < 0))) {
			/* A partly written frame leaves the connection unusable. A
			 * peer that closed may still have sent replies before:
			 * keep reading until its end shows. */
			if (e.code == BERTH_ETIMEDOUT) {
				mark_broken(ch, BERTH_ETIMEDOUT, "%s", e.message);
				break;
			}
			ch->write_closed = true;
		}
		used = 0;
		if (n == 0)
			return 0;
	}
	return ch->broken_err.code;
}

/* Read once from the socket for every call: poll without the lock, then
 * feed nghttp2. Lock held on entry and return; the caller has checked
 * that nobody else is pumping. 0 (also when nothing came in time) or the
 * channel broke. */
static void pump(grpc_channel *ch, int64_t deadline)
{
	if (flush(ch, deadline) < 0)
		return;
	if (!nghttp2_session_want_read(ch->s) && !nghttp2_session_want_write(ch->s)) {
		if (ch->peer_h2)
			mark_broken(ch, BERTH_EUNAVAILABLE, "%s: the server ended the HTTP/2 session", ch->ep.uri);
		else
			mark_broken(ch, BERTH_EPROTOCOL, "%s: not a gRPC server (it does not speak HTTP/2)", ch->ep.uri);
		return;
	}
	conn *c = ch->c;
	int ready = c->rpos < c->rlen;
	if (!ready) {
		ch->pumping = true;
		pthread_mutex_unlock(&ch->lock);
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		int ms = deadline < 0 ? -1 : remaining_ms(deadline);
		ready = poll(&p, 1, ms) > 0;
		pthread_mutex_lock(&ch->lock);
		ch->pumping = false;
		pthread_cond_broadcast(&ch->cond);
	}
	if (!ready || ch->broken)
		return;
	if (c->rpos == c->rlen) {
		berth_error e = BERTH_ERROR_INIT;
		int n = conn_fill(c, now_ms() + 1000, &ch->ep, &e);
		if (n == 0) {
			if (ch->peer_h2 || !ch->write_closed)
				mark_broken(ch, BERTH_EUNAVAILABLE, "%s: the server closed the connection", ch->ep.uri);
			else
				mark_broken(ch, BERTH_EPROTOCOL, "%s: not a gRPC server (it closed without HTTP/2)", ch->ep.uri);
			return;
		}
		if (n < 0) {
			mark_broken(ch, e.code == BERTH_ETIMEDOUT ? BERTH_EUNAVAILABLE : e.code, "%s", e.message);
			return;
		}
	}
	ssize_t used = nghttp2_session_mem_recv(ch->s, (const uint8_t *)c->rbuf + c->rpos, c->rlen - c->rpos);
	if (used < 0) {
		mark_broken(ch, BERTH_EPROTOCOL, "%s: not a gRPC server (HTTP/2: %s)", ch->ep.uri,
			    nghttp2_strerror((int)used));
		return;
	}
	c->rpos = c->rlen = 0;
	flush(ch, deadline);
	pthread_cond_broadcast(&ch->cond);
}

static int channel_new(grpc_channel **out, const char *uri, int connect_timeout_ms, berth_error *err)
{
	grpc_channel *ch = calloc(1, sizeof *ch);
	if (!ch)
		return BERTH_NOMEM(err);
	int r = endpoint_parse(&ch->ep, uri, -1, NULL, err);
	if (r < 0) {
		free(ch);
		return r;
	}
	if (ch->ep.kind != ENDPOINT_UNIX) {
		bool ssh = ch->ep.kind == ENDPOINT_SSH;
		endpoint_release(&ch->ep);
		free(ch);
		if (ssh)
			return berth_fail(err, BERTH_EUNSUPPORTED,
					  "%s: containerd over ssh is not supported (gRPC is spoken on a local unix socket "
					  "only; forward it with ssh -L and use unix://)", uri);
		return berth_fail(err, BERTH_EINVAL, "%s: containerd is reached through a unix socket", uri);
	}
	ch->connect_timeout_ms = connect_timeout_ms > 0 ? connect_timeout_ms : 5000;
	pthread_mutex_init(&ch->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ch->cond, &ca);
	pthread_condattr_destroy(&ca);
	/* connected; the preface leaves with the first call's frames */
	r = session_open(ch, err);
	if (r < 0) {
		grpc_channel_free(ch);
		return r;
	}
	*out = ch;
	return 0;
}

int grpc_channel_open(grpc_channel **out, const char *uri, int connect_timeout_ms, berth_error *err)
{
	CHECK_ARG(out && uri, err, "out or uri is NULL");
	return channel_new(out, uri, connect_timeout_ms, err);
}

void grpc_channel_free(grpc_channel *ch)
{
	if (!ch)
		return;
	session_drop(ch);
	endpoint_release(&ch->ep);
	pthread_mutex_destroy(&ch->lock);
	pthread_cond_destroy(&ch->cond);
	free(ch);
}

const char *grpc_channel_uri(const grpc_channel *ch)
{
	return ch ? ch->ep.uri : NULL;
}

/* ---- calls -------------------------------------------------------------- */

/* Before a batch of calls: an idle connection may have been closed or told
 * to go away since the last call; read what is pending (no wait), and
 * reconnect a broken channel. Lock held. */
static int check_connection(grpc_channel *ch, berth_error *err)
{
	if (ch->write_closed && !ch->broken)
		mark_broken(ch, BERTH_EUNAVAILABLE, "%s: the server closed the connection", ch->ep.uri);
	if (!ch->broken && ch->s && !ch->pumping && nghttp2_session_get_next_stream_id(ch->s) > 1) {
		pump(ch, now_ms());
		if (!ch->broken && !nghttp2_session_check_request_allowed(ch->s))
			mark_broken(ch, BERTH_EUNAVAILABLE, "%s: the server is closing the connection", ch->ep.uri);
	}
	while (ch->broken && ch->pumping)
		pthread_cond_wait(&ch->cond, &ch->lock);
	if (ch->broken || !ch->s) {
		int r = session_open(ch, err);
		if (r < 0) {
			mark_broken(ch, r, "%s", err ? err->message : "connect failed");
			return r;
		}
	}
	return 0;
}

/* Submit a request for k. Lock held. The first of a batch checks the
 * connection (reconnects a broken one); the last writes the batch out. */
static int submit(grpc_channel *ch, h2_call *k, const grpc_call_args *a, int64_t deadline, bool first, bool last,
		  berth_error *err)
{
	if (first) {
		int r = check_connection(ch, err);
		if (r < 0)
			return r;
	}
	char tmo[16];
	nghttp2_nv nv[10];
	size_t n = 0;
#define NV(name, value) \
	nv[n++] = (nghttp2_nv){ (uint8_t *)(name), (uint8_t *)(value), sizeof(name) - 1, strlen(value), \
				NGHTTP2_NV_FLAG_NONE }
	NV(":method", "POST");
	NV(":scheme", "http");
	NV(":path", a->path);
	NV(":authority", "localhost");
	NV("content-type", "application/grpc");
	NV("te", "trailers");
	NV("user-agent", "berth/" BERTH_VERSION_STRING);
	if (a->ns)
		NV("containerd-namespace", a->ns);
	if (a->lease)
		NV("containerd-lease", a->lease);
	if (a->timeout_ms > 0) {
		grpc_timeout_format(tmo, a->timeout_ms);
		NV("grpc-timeout", tmo);
	}
#undef NV
	nghttp2_data_provider dp = { .source.ptr = NULL, .read_callback = body_read };
	k->gen = ch->gen;
	k->grpc_status = -1;
	k->id = nghttp2_submit_request(ch->s, NULL, nv, n, &dp, k);
	if (k->id < 0)
		return berth_fail(err, k->id == NGHTTP2_ERR_NOMEM ? BERTH_ENOMEM : BERTH_EUNAVAILABLE,
				  "%s: %s: cannot start the call: %s", ch->ep.uri, method_name(a->path),
				  nghttp2_strerror(k->id));
	if (!last)
		return 0;
	int r = flush(ch, deadline);
	if (r < 0 && err)
		*err = ch->broken_err;
	return r;
}

/* Give up on a call that is still open: reset its stream. Lock held. */
static void cancel(grpc_channel *ch, h2_call *k)
{
	if (k->closed || k->gen != ch->gen || ch->broken || !ch->s || k->id <= 0)
		return;
	nghttp2_session_set_stream_user_data(ch->s, k->id, NULL);
	nghttp2_submit_rst_stream(ch->s, NGHTTP2_FLAG_NONE, k->id, NGHTTP2_CANCEL);
	flush(ch, now_ms() + 1000);
}

/* Move k on until it closed, the deadline passed, or the channel broke.
 * Lock held. 0 when closed; BERTH_ETIMEDOUT; the channel's error. */
static int wait_call(grpc_channel *ch, h2_call *k, int64_t deadline, bool stop_at_message, berth_error *err)
{
	for (bool tried = false;; tried = true) {
		/* a call that completed counts, whatever became of the connection since */
		if (k->closed)
			return 0;
		if (k->gen != ch->gen || ch->broken) {
			if (err)
				*err = ch->broken_err;
			return ch->broken_err.code ? ch->broken_err.code : lost(ch, err);
		}
		if (stop_at_message && k->data.len - k->data_pos >= 5) {
			const uint8_t *p = (const uint8_t *)k->data.data + k->data_pos;
			size_t need = (size_t)p[1] << 24 | (size_t)p[2] << 16 | (size_t)p[3] << 8 | p[4];
			if (k->data.len - k->data_pos - 5 >= need || p[0] != 0 || need > GRPC_MAX_MESSAGE)
				return 0;
		}
		if (tried && deadline >= 0 && now_ms() >= deadline)
			return BERTH_ETIMEDOUT;
		if (!ch->pumping) {
			pump(ch, deadline);
		} else {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			int64_t until = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
					(deadline < 0 ? 1000 : (remaining_ms(deadline) < 1000 ? remaining_ms(deadline) : 1000));
			ts.tv_sec = until / 1000;
			ts.tv_nsec = (until % 1000) * 1000000;
			pthread_cond_timedwait(&ch->cond, &ch->lock, &ts);
		}
	}
}

/* How a closed call ended: 0, or its error. */
static int call_result(const grpc_channel *ch, const h2_call *k, const char *path, berth_error *err)
{
	const char *m = method_name(path);
	if (k->too_big)
		return berth_fail(err, BERTH_EPROTOCOL, "%s: %s: reply longer than %u bytes", ch->ep.uri, m,
				  (unsigned)k->data_max);
	if (k->grpc_status < 0) {
		if (k->error_code == NGHTTP2_REFUSED_STREAM)
			return berth_fail(err, BERTH_EUNAVAILABLE, "%s: %s: the server refused the call", ch->ep.uri, m);
		if (k->error_code)
			return berth_fail(err, BERTH_EPROTOCOL, "%s: %s: the server reset the call (HTTP/2 error %u)",
					  ch->ep.uri, m, k->error_code);
		if (k->http_status && k->http_status != 200)
			return berth_fail_full(err, BERTH_EPROTOCOL, k->http_status, 0,
					       "%s: %s: HTTP status %d, not a gRPC reply", ch->ep.uri, m, k->http_status);
		return berth_fail(err, BERTH_EPROTOCOL, "%s: %s: the reply has no grpc-status", ch->ep.uri, m);
	}
	if (k->grpc_status != 0)
		return berth_fail_full(err, grpc_status_to_code(k->grpc_status), k->grpc_status, 0, "%s: %s: %s (%s)",
				       ch->ep.uri, m, k->grpc_message[0] ? k->grpc_message : "failed",
				       grpc_status_name(k->grpc_status));
	/* OK: the DATA must be whole messages */
	size_t pos = k->data_pos;
	const uint8_t *msg;
	size_t mlen;
	int r;
	while ((r = grpc_frame_next((const uint8_t *)k->data.data, k->data.len, &pos, &msg, &mlen, err)) == 1)
		;
	if (r < 0)
		return r;
	if (pos != k->data.len)
		return berth_fail(err, BERTH_EPROTOCOL, "%s: %s: truncated message in the reply", ch->ep.uri, m);
	return 0;
}

int grpc_call_all(grpc_channel *ch, const grpc_call_args *a, size_t n, sbuf *replies, berth_error *err)
{
	CHECK_ARG(ch && a && replies && n > 0 && n <= 16, err, "channel, args or replies missing, or n not 1..16");
	for (size_t i = 0; i < n; i++)
		CHECK_ARG(a[i].path && (a[i].body || !a[i].len), err, "a call without a path or body");
	sbuf framed[16];
	h2_call k[16];
	int r = 0;
	int64_t now = now_ms(), deadline[16];
	for (size_t i = 0; i < n; i++) {
		framed[i] = (sbuf)SBUF_INIT;
		k[i] = (h2_call){ .data_max = GRPC_MAX_MESSAGE + 5 };
		deadline[i] = a[i].timeout_ms > 0 ? now + a[i].timeout_ms : -1;
		if (r == 0 && grpc_frame_append(&framed[i], a[i].body, a[i].len) < 0)
			r = BERTH_NOMEM(err);
		k[i].body = (const uint8_t *)framed[i].data;
		k[i].body_len = framed[i].len;
	}
	size_t done = 0; /* calls waited for */
	pthread_mutex_lock(&ch->lock);
	/* all requests leave together, then each reply is waited for */
	for (size_t i = 0; r == 0 && i < n; i++)
		r = submit(ch, &k[i], &a[i], deadline[i], i == 0, i == n - 1, err);
	for (; r == 0 && done < n; done++) {
		r = wait_call(ch, &k[done], deadline[done], false, err);
		if (r == BERTH_ETIMEDOUT)
			r = berth_fail_full(err, BERTH_ETIMEDOUT, 4, 0, "%s: %s: no reply within %d ms", ch->ep.uri,
					    method_name(a[done].path), a[done].timeout_ms);
	}
	/* on failure the others are given up: their streams forget k */
	for (size_t i = 0; r < 0 && i < n; i++) {
		if (k[i].id <= 0 || k[i].gen != ch->gen || !ch->s)
			continue;
		cancel(ch, &k[i]);
		nghttp2_session_set_stream_user_data(ch->s, k[i].id, NULL);
	}
	pthread_mutex_unlock(&ch->lock);
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = call_result(ch, &k[i], a[i].path, err);
		if (r == 0 && sbuf_add(&replies[i], k[i].data.data, k[i].data.len) < 0)
			r = BERTH_NOMEM(err);
	}
	for (size_t i = 0; i < n; i++) {
		sbuf_release(&k[i].data);
		sbuf_release(&framed[i]);
	}
	return r;
}

int grpc_call(grpc_channel *ch, const grpc_call_args *a, sbuf *reply, berth_error *err)
{
	return grpc_call_all(ch, a, 1, reply, err);
}

int grpc_unary(grpc_channel *ch, const char *path, const char *ns, const uint8_t *req, size_t len, sbuf *reply,
	       int timeout_ms, berth_error *err)
{
	grpc_call_args a = { .path = path, .ns = ns, .body = req, .len = len, .timeout_ms = timeout_ms };
	_cleanup_sbuf_ sbuf all = SBUF_INIT;
	int r = grpc_call(ch, &a, &all, err);
	if (r < 0)
		return r;
	size_t pos = 0;
	const uint8_t *msg;
	size_t mlen;
	r = grpc_frame_next((const uint8_t *)all.data, all.len, &pos, &msg, &mlen, err);
	if (r < 0)
		return r;
	if (r == 0 || pos != all.len)
		return berth_fail(err, BERTH_EPROTOCOL, "%s: %s: expected one reply message, got %s", ch->ep.uri,
				  method_name(path), r == 0 ? "none" : "several");
	return mlen && sbuf_add(reply, msg, mlen) < 0 ? BERTH_NOMEM(err) : 0;
}

/* ---- uploads (client streaming) ----------------------------------------- */

struct grpc_upload {
	grpc_channel *ch;
	h2_call k;
	char *path;
	sbuf piece;        /* the message being sent, framed */
	int64_t deadline;
	bool failed;
};

int grpc_upload_open(grpc_upload **out, grpc_channel *ch, const grpc_call_args *a, berth_error *err)
{
	CHECK_ARG(out && ch && a && a->path, err, "out, channel or path missing");
	grpc_upload *u = calloc(1, sizeof *u);
	if (!u || !(u->path = strdup(a->path))) {
		free(u);
		return BERTH_NOMEM(err);
	}
	u->ch = ch;
	u->k = (h2_call){ .data_max = GRPC_MAX_MESSAGE + 5, .streaming = true };
	u->deadline = a->timeout_ms > 0 ? now_ms() + a->timeout_ms : -1;
	pthread_mutex_lock(&ch->lock);
	int r = submit(ch, &u->k, a, u->deadline, true, true, err);
	pthread_mutex_unlock(&ch->lock);
	if (r < 0) {
		free(u->path);
		free(u);
		return r;
	}
	*out = u;
	return 0;
}

/* Hand the piece on until nghttp2 took all of it (the server's window
 * allowing), or the call or the channel ended. Lock held. */
static int upload_drain(grpc_upload *u, berth_error *err)
{
	grpc_channel *ch = u->ch;
	h2_call *k = &u->k;
	for (;;) {
		if (k->gen != ch->gen || ch->broken) {
			if (err)
				*err = ch->broken_err;
			return ch->broken_err.code ? ch->broken_err.code : lost(ch, err);
		}
		/* another thread's pump may have sent the last piece and read the
		 * whole reply meanwhile: that is the call's end, not an early one */
		if (k->closed && k->body_end && k->body_pos == k->body_len)
			return 0;
		if (k->closed) /* the server answered before the request ended: its error */
			return call_result(ch, k, u->path, err) < 0 ? (err ? err->code : BERTH_EPROTOCOL)
								    : berth_fail(err, BERTH_EPROTOCOL,
										 "%s: %s: the server ended the call early",
										 ch->ep.uri, method_name(u->path));
		int r = flush(ch, u->deadline);
		if (r < 0) {
			if (err)
				*err = ch->broken_err;
			return r;
		}
		if (k->body_pos == k->body_len)
			return 0;
		if (u->deadline >= 0 && now_ms() >= u->deadline)
			return berth_fail(err, BERTH_ETIMEDOUT, "%s: %s: the server took no more within the deadline",
					  ch->ep.uri, method_name(u->path));
		/* the window is full: read the server's updates */
		if (!ch->pumping) {
			pump(ch, u->deadline);
		} else {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_nsec += 100 * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&ch->cond, &ch->lock, &ts);
		}
	}
}

static int upload_go(grpc_upload *u, const uint8_t *framed, size_t len, bool last, berth_error *err);

int grpc_upload_send(grpc_upload *u, const uint8_t *msg, size_t len, bool last, berth_error *err)
{
	CHECK_ARG(u && (msg || !len), err, "upload or message missing");
	u->piece.len = 0;
	if (grpc_frame_append(&u->piece, msg, len) < 0)
		return BERTH_NOMEM(err);
	return upload_go(u, (const uint8_t *)u->piece.data, u->piece.len, last, err);
}

int grpc_upload_send_framed(grpc_upload *u, uint8_t *buf, size_t len, bool last, berth_error *err)
{
	CHECK_ARG(u && buf, err, "upload or message missing");
	buf[0] = 0;
	buf[1] = (uint8_t)(len >> 24);
	buf[2] = (uint8_t)(len >> 16);
	buf[3] = (uint8_t)(len >> 8);
	buf[4] = (uint8_t)len;
	return upload_go(u, buf, len + 5, last, err);
}

/* Send one framed message (borrowed until return). */
static int upload_go(grpc_upload *u, const uint8_t *framed, size_t len, bool last, berth_error *err)
{
	if (u->failed)
		return berth_fail(err, BERTH_EPROTOCOL, "%s: the upload failed already", method_name(u->path));
	grpc_channel *ch = u->ch;
	pthread_mutex_lock(&ch->lock);
	int r = 0;
	if (u->k.gen != ch->gen || ch->broken || !ch->s) {
		r = lost(ch, err);
	} else {
		u->k.body = framed;
		u->k.body_len = len;
		u->k.body_pos = 0;
		u->k.body_end = last;
		if (!u->k.closed)
			nghttp2_session_resume_data(ch->s, u->k.id);
		r = upload_drain(u, err);
	}
	if (r < 0) {
		cancel(ch, &u->k);
		u->failed = true;
	}
	pthread_mutex_unlock(&ch->lock);
	return r;
}

int grpc_upload_finish(grpc_upload *u, sbuf *reply, berth_error *err)
{
	CHECK_ARG(u, err, "upload missing");
	grpc_channel *ch = u->ch;
	int r = u->failed ? BERTH_EPROTOCOL : 0;
	if (r == 0 && !u->k.body_end)
		r = grpc_upload_send(u, NULL, 0, true, err);
	pthread_mutex_lock(&ch->lock);
	if (r == 0) {
		r = wait_call(ch, &u->k, u->deadline, false, err);
		if (r == BERTH_ETIMEDOUT)
			r = berth_fail(err, BERTH_ETIMEDOUT, "%s: %s: no reply within the deadline", ch->ep.uri,
				       method_name(u->path));
	}
	if (r < 0)
		cancel(ch, &u->k);
	if (u->k.id > 0 && u->k.gen == ch->gen && ch->s)
		nghttp2_session_set_stream_user_data(ch->s, u->k.id, NULL);
	pthread_mutex_unlock(&ch->lock);
	if (r == 0)
		r = call_result(ch, &u->k, u->path, err);
	if (r == 0 && reply && u->k.data.len && sbuf_add(reply, u->k.data.data, u->k.data.len) < 0)
		r = BERTH_NOMEM(err);
	sbuf_release(&u->k.data);
	sbuf_release(&u->piece);
	free(u->path);
	free(u);
	return r;
}

void grpc_upload_cancel(grpc_upload *u)
{
	if (!u)
		return;
	grpc_channel *ch = u->ch;
	pthread_mutex_lock(&ch->lock);
	cancel(ch, &u->k);
	if (u->k.id > 0 && u->k.gen == ch->gen && ch->s)
		nghttp2_session_set_stream_user_data(ch->s, u->k.id, NULL);
	pthread_mutex_unlock(&ch->lock);
	sbuf_release(&u->k.data);
	sbuf_release(&u->piece);
	free(u->path);
	free(u);
}

/* ---- server streams ----------------------------------------------------- */

int grpc_stream_open(grpc_stream **out, const char *uri, const char *path, const char *ns, const uint8_t *req,
		     size_t len, int connect_timeout_ms, berth_error *err)
{
	CHECK_ARG(out && uri && path && (req || !len), err, "out, uri, path or request missing");
	grpc_stream *s = calloc(1, sizeof *s);
	if (!s)
		return BERTH_NOMEM(err);
	int r = grpc_frame_append(&s->body, req, len) < 0 || !(s->what = strdup(method_name(path)))
			? BERTH_NOMEM(err)
			: channel_new(&s->ch, uri, connect_timeout_ms, err);
	if (r == 0) {
		s->call.body = (const uint8_t *)s->body.data;
		s->call.body_len = s->body.len;
		s->call.data_max = GRPC_MAX_MESSAGE + 5;
		grpc_call_args a = { .path = path, .ns = ns };
		pthread_mutex_lock(&s->ch->lock);
		r = submit(s->ch, &s->call, &a, now_ms() + s->ch->connect_timeout_ms, true, true, err);
		pthread_mutex_unlock(&s->ch->lock);
	}
	if (r < 0) {
		grpc_stream_close(s);
		return r;
	}
	*out = s;
	return 0;
}

int grpc_stream_next(grpc_stream *s, sbuf *msg, int timeout_ms, berth_error *err)
{
	CHECK_ARG(s && msg, err, "stream or msg is NULL");
	grpc_channel *ch = s->ch;
	h2_call *k = &s->call;
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	pthread_mutex_lock(&ch->lock);
	int r = wait_call(ch, k, deadline, true, err);
	pthread_mutex_unlock(&ch->lock);
	if (r == BERTH_ETIMEDOUT)
		return berth_fail_full(err, BERTH_ETIMEDOUT, 0, 0, "%s: %s: no message within %d ms", ch->ep.uri,
				       s->what, timeout_ms);
	if (r < 0 && r != BERTH_EUNAVAILABLE)
		return r;
	const uint8_t *m;
	size_t mlen;
	int f = grpc_frame_next((const uint8_t *)k->data.data, k->data.len, &k->data_pos, &m, &mlen, err);
	if (f < 0)
		return f;
	if (f == 1) {
		sbuf_reset(msg);
		return mlen && sbuf_add(msg, m, mlen) < 0 ? BERTH_NOMEM(err) : 0;
	}
	if (r < 0) /* the connection went away: a stream never ends quietly */
		return r;
	r = call_result(ch, k, s->what, err);
	return r < 0 ? r : BERTH_ITEROVER;
}

int grpc_stream_fd(const grpc_stream *s)
{
	return s && s->ch && s->ch->c ? s->ch->c->fd : -1;
}

void grpc_stream_close(grpc_stream *s)
{
	if (!s)
		return;
	if (s->ch) {
		pthread_mutex_lock(&s->ch->lock);
		cancel(s->ch, &s->call);
		pthread_mutex_unlock(&s->ch->lock);
		grpc_channel_free(s->ch);
	}
	sbuf_release(&s->call.data);
	sbuf_release(&s->body);
	free(s->what);
	free(s);
}
