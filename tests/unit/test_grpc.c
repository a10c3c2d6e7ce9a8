/* The gRPC transport: framing, status mapping, header helpers, and faults
 * against a fake HTTP/2 server (nghttp2 serving a unix socket from a
 * thread): a normal reply, a trailers-only error, a truncated message, a
 * connection closed in the middle of a server stream, a socket that accepts
 * and never answers (deadlines), a connection the server closed between
 * calls (reconnect), and calls from several threads at once. */
#include "../common/test.h"
#include "lib/transport/grpc.h"

#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- pure helpers ------------------------------------------------------- */

static void test_framing(void **state)
{
	(void)state;
	sbuf b = SBUF_INIT;
	assert_int_equal(grpc_frame_append(&b, (const uint8_t *)"abc", 3), 0);
	assert_int_equal(grpc_frame_append(&b, NULL, 0), 0);
	assert_int_equal(b.len, 13);
	assert_memory_equal(b.data, "\0\0\0\0\3abc\0\0\0\0\0", 13);
	size_t pos = 0, len;
	const uint8_t *m;
	berth_error err = BERTH_ERROR_INIT;
	/* a partial prefix, a partial body: more bytes needed */
	assert_int_equal(grpc_frame_next((const uint8_t *)b.data, 4, &pos, &m, &len, &err), 0);
	assert_int_equal(grpc_frame_next((const uint8_t *)b.data, 7, &pos, &m, &len, &err), 0);
	assert_int_equal(grpc_frame_next((const uint8_t *)b.data, b.len, &pos, &m, &len, &err), 1);
	assert_int_equal(len, 3);
	assert_memory_equal(m, "abc", 3);
	assert_int_equal(grpc_frame_next((const uint8_t *)b.data, b.len, &pos, &m, &len, &err), 1);
	assert_int_equal(len, 0);
	assert_int_equal(pos, b.len);
	assert_int_equal(grpc_frame_next((const uint8_t *)b.data, b.len, &pos, &m, &len, &err), 0);
	/* compressed, and a length with the top bit set */
	const uint8_t comp[] = { 1, 0, 0, 0, 1, 'x' };
	pos = 0;
	assert_code(grpc_frame_next(comp, sizeof comp, &pos, &m, &len, &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "compressed");
	const uint8_t huge[] = { 0, 0x80, 0, 0, 0 };
	pos = 0;
	assert_code(grpc_frame_next(huge, sizeof huge, &pos, &m, &len, &err), BERTH_EPROTOCOL, &err);
	assert_int_equal(pos, 0);
	sbuf_release(&b);
}

static void test_status_mapping(void **state)
{
	(void)state;
	static const struct { int status, code; } map[] = {
		{ 0, 0 }, { 5, BERTH_ENOTFOUND }, { 6, BERTH_EEXISTS }, { 9, BERTH_ECONFLICT },
		{ 14, BERTH_EUNAVAILABLE }, { 4, BERTH_ETIMEDOUT }, { 3, BERTH_EINVAL }, { 7, BERTH_EPERM },
		{ 12, BERTH_EUNSUPPORTED }, { 2, BERTH_EENGINE }, { 13, BERTH_EENGINE }, { 99, BERTH_EENGINE },
		{ -1, BERTH_EENGINE },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		assert_int_equal(grpc_status_to_code(map[i].status), map[i].code);
	assert_string_equal(grpc_status_name(5), "NotFound");
	assert_string_equal(grpc_status_name(9), "FailedPrecondition");
	assert_string_equal(grpc_status_name(17), "Unknown");
	assert_string_equal(grpc_status_name(-3), "Unknown");
}

static void test_headers(void **state)
{
	(void)state;
	char out[32], t[16];
	grpc_message_decode(out, sizeof out, "no%20such%2Fthing%", 18);
	assert_string_equal(out, "no such/thing%");
	grpc_message_decode(out, sizeof out, "a%0Ab%zz", 8);
	assert_string_equal(out, "a b%zz");
	grpc_message_decode(out, 4, "abcdef", 6);
	assert_string_equal(out, "abc");
	grpc_timeout_format(t, 1500);
	assert_string_equal(t, "1500m");
	grpc_timeout_format(t, 99999999);
	assert_string_equal(t, "99999999m");
	grpc_timeout_format(t, 100000000);
	assert_string_equal(t, "100000S");
}

/* ---- a fake HTTP/2 gRPC server ------------------------------------------ */

typedef enum mode {
	ECHO,           /* the request message back, status OK */
	TRAILERS_ONLY,  /* HEADERS with grpc-status 5 and END_STREAM */
	TRUNCATED,      /* a message cut short, then status OK */
	STREAM_CLOSE,   /* two messages of a server stream, then the socket closes */
	STREAM_END,     /* two messages, then status OK */
	SILENT,         /* accept, never answer */
	SLOW_ECHO,      /* ECHO after 200 ms (threads) */
	ECHO_CLOSE,     /* ECHO, then the connection closes (an engine restart) */
} mode;

typedef struct fake_h2 {
	char dir[32], path[64];
	int lfd;
	mode mode;
	pthread_t thread;
	int stop[2];
} fake_h2;

typedef struct h2_conn {
	fake_h2 *srv;
	int fd;
	nghttp2_session *s;
	sbuf req[64];   /* request bodies by stream id / 2 */
	sbuf resp[64];
	size_t resp_pos[64];
	bool close_now;
} h2_conn;

static ssize_t srv_send(nghttp2_session *s, const uint8_t *d, size_t n, int flags, void *user)
{
	(void)s, (void)flags;
	h2_conn *c = user;
	ssize_t w = send(c->fd, d, n, MSG_NOSIGNAL);
	return w < 0 ? NGHTTP2_ERR_CALLBACK_FAILURE : w;
}

static int srv_data(nghttp2_session *s, uint8_t flags, int32_t id, const uint8_t *d, size_t n, void *user)
{
	(void)s, (void)flags;
	h2_conn *c = user;
	return sbuf_add(&c->req[(id / 2) % 64], d, n);
}

static ssize_t srv_read(nghttp2_session *s, int32_t id, uint8_t *buf, size_t length, uint32_t *flags,
			nghttp2_data_source *src, void *user)
{
	(void)s, (void)src;
	h2_conn *c = user;
	size_t k = (size_t)(id / 2) % 64;
	size_t n = c->resp[k].len - c->resp_pos[k];
	if (n > length)
		n = length;
	memcpy(buf, c->resp[k].data + c->resp_pos[k], n);
	c->resp_pos[k] += n;
	if (c->resp_pos[k] == c->resp[k].len) {
		*flags |= NGHTTP2_DATA_FLAG_EOF;
		if (c->srv->mode == STREAM_CLOSE) {
			c->close_now = true;
			*flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
		} else {
			c->close_now = c->srv->mode == ECHO_CLOSE;
			*flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
			nghttp2_nv tr[] = { { (uint8_t *)"grpc-status", (uint8_t *)"0", 11, 1, 0 } };
			nghttp2_submit_trailer(s, id, tr, 1);
		}
	}
	return (ssize_t)n;
}

#define NV(n, v) { (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, sizeof(v) - 1, 0 }

static int srv_frame(nghttp2_session *s, const nghttp2_frame *f, void *user)
{
	h2_conn *c = user;
	if (!(f->hd.flags & NGHTTP2_FLAG_END_STREAM) || (f->hd.type != NGHTTP2_DATA && f->hd.type != NGHTTP2_HEADERS))
		return 0;
	int32_t id = f->hd.stream_id;
	size_t k = (size_t)(id / 2) % 64;
	nghttp2_nv head[] = { NV(":status", "200"), NV("content-type", "application/grpc") };
	nghttp2_data_provider dp = { .read_callback = srv_read };
	sbuf *r = &c->resp[k];
	switch (c->srv->mode) {
	case SLOW_ECHO:
		usleep(200000);
		/* fall through */
	case ECHO_CLOSE:
	case ECHO:
		sbuf_add(r, c->req[k].data, c->req[k].len);
		break;
	case TRAILERS_ONLY: {
		nghttp2_nv t[] = { NV(":status", "200"), NV("content-type", "application/grpc"), NV("grpc-status", "5"),
				   NV("grpc-message", "container%20%22x%22%3A%20not%20found") };
		nghttp2_submit_response(s, id, t, 4, NULL);
		return 0;
	}
	case TRUNCATED:
		sbuf_add(r, "\0\0\0\0\12abc", 8);
		break;
	case STREAM_CLOSE:
	case STREAM_END:
		grpc_frame_append(r, (const uint8_t *)"one", 3);
		grpc_frame_append(r, (const uint8_t *)"two", 3);
		break;
	case SILENT:
		return 0;
	}
	nghttp2_submit_response(s, id, head, 2, &dp);
	return 0;
}

static void *serve_conn(void *arg)
{
	h2_conn *c = arg;
	if (c->srv->mode != SILENT) {
		nghttp2_session_callbacks *cb;
		nghttp2_session_callbacks_new(&cb);
		nghttp2_session_callbacks_set_send_callback(cb, srv_send);
		nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, srv_data);
		nghttp2_session_callbacks_set_on_frame_recv_callback(cb, srv_frame);
		nghttp2_session_server_new(&c->s, cb, c);
		nghttp2_session_callbacks_del(cb);
		nghttp2_submit_settings(c->s, NGHTTP2_FLAG_NONE, NULL, 0);
		nghttp2_session_send(c->s);
	}
	for (;;) {
		struct pollfd p[2] = { { .fd = c->fd, .events = POLLIN }, { .fd = c->srv->stop[0], .events = POLLIN } };
		if (poll(p, 2, -1) < 0 || p[1].revents)
			break;
		uint8_t buf[16384];
		ssize_t n = recv(c->fd, buf, sizeof buf, 0);
		if (n <= 0)
			break;
		if (c->srv->mode == SILENT)
			continue;
		if (nghttp2_session_mem_recv(c->s, buf, (size_t)n) < 0 || nghttp2_session_send(c->s) != 0)
			break;
		if (c->close_now)
			break;
	}
	if (c->s)
		nghttp2_session_del(c->s);
	close(c->fd);
	for (size_t i = 0; i < 64; i++)
		sbuf_release(&c->req[i]), sbuf_release(&c->resp[i]);
	free(c);
	return NULL;
}

static void *serve(void *arg)
{
	fake_h2 *srv = arg;
	pthread_t conns[16];
	size_t nconn = 0;
	for (;;) {
		struct pollfd p[2] = { { .fd = srv->lfd, .events = POLLIN }, { .fd = srv->stop[0], .events = POLLIN } };
		if (poll(p, 2, -1) < 0 || p[1].revents)
			break;
		int fd = accept(srv->lfd, NULL, NULL);
		if (fd < 0 || nconn == 16)
			break;
		h2_conn *c = calloc(1, sizeof *c);
		c->srv = srv;
		c->fd = fd;
		pthread_create(&conns[nconn++], NULL, serve_conn, c);
	}
	for (size_t i = 0; i < nconn; i++)
		pthread_join(conns[i], NULL);
	return NULL;
}

static fake_h2 *fake_h2_start(mode m)
{
	fake_h2 *srv = calloc(1, sizeof *srv);
	srv->mode = m;
	snprintf(srv->dir, sizeof srv->dir, "/tmp/berth-grpc-XXXXXX");
	assert_non_null(mkdtemp(srv->dir));
	snprintf(srv->path, sizeof srv->path, "%s/s.sock", srv->dir);
	srv->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof a.sun_path, "%s", srv->path);
	assert_int_equal(bind(srv->lfd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(srv->lfd, 16), 0);
	assert_int_equal(pipe(srv->stop), 0);
	pthread_create(&srv->thread, NULL, serve, srv);
	return srv;
}

static void fake_h2_stop(fake_h2 *srv)
{
	close(srv->stop[1]);
	pthread_join(srv->thread, NULL);
	close(srv->stop[0]);
	close(srv->lfd);
	unlink(srv->path);
	rmdir(srv->dir);
	free(srv);
}

/* ---- calls against it --------------------------------------------------- */

static void test_unary_echo(void **state)
{
	(void)state;
	fake_h2 *srv = fake_h2_start(ECHO);
	grpc_channel *ch = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(grpc_channel_open(&ch, srv->path, 1000, &err), &err);
	for (int i = 0; i < 3; i++) { /* one connection, several calls */
		sbuf reply = SBUF_INIT;
		assert_ok(grpc_unary(ch, "/x.v1.X/Echo", "default", (const uint8_t *)"hello", 5, &reply, 2000, &err),
			  &err);
		assert_int_equal(reply.len, 5);
		assert_memory_equal(reply.data, "hello", 5);
		sbuf_release(&reply);
	}
	/* an empty request and reply */
	sbuf reply = SBUF_INIT;
	assert_ok(grpc_unary(ch, "/x.v1.X/Echo", NULL, NULL, 0, &reply, 2000, &err), &err);
	assert_int_equal(reply.len, 0);
	grpc_channel_free(ch);
	fake_h2_stop(srv);
}

/* Several calls in one batch: one write, every reply to its call. */
static void test_call_all(void **state)
{
	(void)state;
	fake_h2 *srv = fake_h2_start(ECHO);
	grpc_channel *ch = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(grpc_channel_open(&ch, srv->path, 1000, &err), &err);
	static const char *const msgs[] = { "first", "second", "", "fourth" };
	grpc_call_args a[4];
	sbuf replies[4];
	for (int i = 0; i < 4; i++) {
		a[i] = (grpc_call_args){ .path = "/x.v1.X/Echo", .ns = "default", .body = (const uint8_t *)msgs[i],
					 .len = strlen(msgs[i]), .timeout_ms = 2000 };
		replies[i] = (sbuf)SBUF_INIT;
	}
	assert_ok(grpc_call_all(ch, a, 4, replies, &err), &err);
	for (int i = 0; i < 4; i++) {
		size_t pos = 0, len;
		const uint8_t *m;
		assert_int_equal(grpc_frame_next((const uint8_t *)replies[i].data, replies[i].len, &pos, &m, &len, &err), 1);
		assert_int_equal(len, strlen(msgs[i]));
		assert_memory_equal(m, msgs[i], len);
		sbuf_release(&replies[i]);
	}
	assert_code(grpc_call_all(ch, a, 0, replies, &err), BERTH_EINVAL, &err);
	assert_code(grpc_call_all(ch, a, 17, replies, &err), BERTH_EINVAL, &err);
	grpc_channel_free(ch);
	fake_h2_stop(srv);
}

static void test_trailers_only(void **state)
{
	(void)state;
	fake_h2 *srv = fake_h2_start(TRAILERS_ONLY);
	grpc_channel *ch = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(grpc_channel_open(&ch, srv->path, 1000, &err), &err);
	sbuf reply = SBUF_INIT;
	assert_code(grpc_unary(ch, "/containerd.services.containers.v1.Containers/Get", "default",
			       (const uint8_t *)"x", 1, &reply, 2000, &err),
		    BERTH_ENOTFOUND, &err);
	assert_int_equal(err.native, 5);
	assert_message_has(&err, "Containers/Get");
	assert_message_has(&err, "container \"x\": not found");
	assert_message_has(&err, "NotFound");
	assert_int_equal(reply.len, 0);
	grpc_channel_free(ch);
	fake_h2_stop(srv);
}

static void test_truncated(void **state)
{
	(void)state;
	fake_h2 *srv = fake_h2_start(TRUNCATED);
	grpc_channel *ch = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(grpc_channel_open(&ch, srv->path, 1000, &err), &err);
	sbuf reply = SBUF_INIT;
	assert_code(grpc_unary(ch, "/x.v1.X/Get", NULL, (const uint8_t *)"x", 1, &reply, 2000, &err), BERTH_EPROTOCOL,
		    &err);
	assert_message_has(&err, "truncated");
	grpc_channel_free(ch);
	fake_h2_stop(srv);
}

static void test_stream_end_and_close(void **state)
{
	(void)state;
	for (int round = 0; round < 2; round++) {
		fake_h2 *srv = fake_h2_start(round ? STREAM_CLOSE : STREAM_END);
		grpc_stream *s = NULL;
		berth_error err = BERTH_ERROR_INIT;
		assert_ok(grpc_stream_open(&s, srv->path, "/x.v1.Events/Subscribe", "default", NULL, 0, 1000, &err),
			  &err);
		assert_true(grpc_stream_fd(s) >= 0);
		sbuf m = SBUF_INIT;
		assert_ok(grpc_stream_next(s, &m, 2000, &err), &err);
		assert_int_equal(m.len, 3);
		assert_memory_equal(m.data, "one", 3);
		assert_ok(grpc_stream_next(s, &m, 2000, &err), &err);
		assert_memory_equal(m.data, "two", 3);
		int64_t t0 = now_ms();
		/* the end: status OK, or the connection gone (never a hang) */
		assert_code(grpc_stream_next(s, &m, 5000, &err), round ? BERTH_EUNAVAILABLE : BERTH_ITEROVER, &err);
		assert_true(now_ms() - t0 < 2000);
		sbuf_release(&m);
		grpc_stream_close(s);
		fake_h2_stop(srv);
	}
}

static void test_silent_server(void **state)
{
	(void)state;
	fake_h2 *srv = fake_h2_start(SILENT);
	grpc_channel *ch = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(grpc_channel_open(&ch, srv->path, 1000, &err), &err);
	sbuf reply = SBUF_INIT;
	int64_t t0 = now_ms();
	assert_code(grpc_unary(ch, "/x.v1.X/Get", "default", (const uint8_t *)"x", 1, &reply, 300, &err),
		    BERTH_ETIMEDOUT, &err);
	int64_t took = now_ms() - t0;
	assert_true(took >= 250 && took < 1500);
	assert_message_has(&err, "X/Get");
	grpc_channel_free(ch);
	/* a stream: a bounded wait, then still usable, then closed */
	grpc_stream *s = NULL;
	assert_ok(grpc_stream_open(&s, srv->path, "/x.v1.Events/Subscribe", NULL, NULL, 0, 1000, &err), &err);
	sbuf m = SBUF_INIT;
	assert_code(grpc_stream_next(s, &m, 0, &err), BERTH_ETIMEDOUT, &err);
	t0 = now_ms();
	assert_code(grpc_stream_next(s, &m, 200, &err), BERTH_ETIMEDOUT, &err);
	assert_true(now_ms() - t0 < 1000);
	grpc_stream_close(s);
	fake_h2_stop(srv);
}

/* The server closes the connection between two calls: the next call
 * notices before sending, reconnects and succeeds. */
static void test_reconnect_after_close(void **state)
{
	(void)state;
	fake_h2 *srv = fake_h2_start(ECHO_CLOSE);
	grpc_channel *ch = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(grpc_channel_open(&ch, srv->path, 1000, &err), &err);
	for (int i = 0; i < 3; i++) {
		sbuf reply = SBUF_INIT;
		if (grpc_unary(ch, "/x.v1.X/Echo", NULL, (const uint8_t *)"again", 5, &reply, 2000, &err) < 0)
			fail_msg("call %d: %s", i, err.message);
		assert_int_equal(reply.len, 5);
		sbuf_release(&reply);
		usleep(50000); /* the close reaches us */
	}
	grpc_channel_free(ch);
	fake_h2_stop(srv);
}

static void test_no_server(void **state)
{
	(void)state;
	grpc_channel *ch = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = grpc_channel_open(&ch, "unix:///nonexistent/berth-grpc.sock", 500, &err);
	assert_true(r == BERTH_ENOTFOUND || r == BERTH_EUNAVAILABLE);
	assert_null(ch);
	assert_code(grpc_channel_open(&ch, "tcp://127.0.0.1:1", 500, &err), BERTH_EINVAL, &err);
}

typedef struct call_arg {
	grpc_channel *ch;
	int n, ok;
} call_arg;

static void *call_thread(void *p)
{
	call_arg *a = p;
	char msg[16];
	snprintf(msg, sizeof msg, "thread-%d", a->n);
	sbuf reply = SBUF_INIT;
	berth_error err = BERTH_ERROR_INIT;
	if (grpc_unary(a->ch, "/x.v1.X/Echo", NULL, (const uint8_t *)msg, strlen(msg), &reply, 5000, &err) == 0 &&
	    reply.len == strlen(msg) && memcmp(reply.data, msg, reply.len) == 0)
		a->ok = 1;
	sbuf_release(&reply);
	return NULL;
}

static void test_threads_share_channel(void **state)
{
	(void)state;
	fake_h2 *srv = fake_h2_start(SLOW_ECHO);
	grpc_channel *ch = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(grpc_channel_open(&ch, srv->path, 1000, &err), &err);
	pthread_t t[4];
	call_arg a[4];
	for (int i = 0; i < 4; i++) {
		a[i] = (call_arg){ ch, i, 0 };
		pthread_create(&t[i], NULL, call_thread, &a[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(a[i].ok, 1);
	}
	grpc_channel_free(ch);
	fake_h2_stop(srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_status_mapping),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_unary_echo),
		cmocka_unit_test(test_call_all),
		cmocka_unit_test(test_trailers_only),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_stream_end_and_close),
		cmocka_unit_test(test_silent_server),
		cmocka_unit_test(test_reconnect_after_close),
		cmocka_unit_test(test_no_server),
		cmocka_unit_test(test_threads_share_channel),
	};
	return cmocka_run_group_tests_name("grpc", tests, NULL, NULL);
}
