/* The HTTP/1.1 client (src/lib/transport/http1.c over socket.c) and the
 * Engine API backend on top of it, against a scripted fake engine
 * (tests/common/fake_server.c): framing, keep-alive and retries, broken and
 * hostile replies, deadlines, connection errors, streaming, the Upgrade
 * hijack, and the public API's mapping of engine answers to BERTH_E* codes.
 *
 * Every test starts its own server; the teardown stops it and frees what the
 * test left, so a failed assertion leaks nothing either. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <berth/berth.h>

#include "common/fake_server.h"
#include "lib/transport/http.h"

/* ---- fixture -------------------------------------------------------------- */

static fake_server *fs;        /* the current test's server */
static transport *tp;          /* the current test's transport */
static berth_client *client;   /* the current test's client */
static http_response resp = HTTP_RESPONSE_INIT;
static berth_error err = BERTH_ERROR_INIT;
static char *owned[64];        /* reply texts built by the test */
static size_t nowned;

static int teardown(void **state)
{
	(void)state;
	berth_client_free(client);
	client = NULL;
	transport_free(tp);
	tp = NULL;
	fake_stop(fs);
	fs = NULL;
	http_response_release(&resp);
	berth_error_clear(&err);
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	nowned = 0;
	return 0;
}

/* ---- helpers --------------------------------------------------------------- */

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

/* The failure carries the code and names the fake endpoint. */
static void assert_error(int r, int code, const char *needle)
{
	if (r != code)
		fail_msg("got %s (%d), want %s: %s", berth_code_name(r), r, berth_code_name(code), err.message);
	assert_int_equal(err.code, code);
	assert_contains(err.message, fake_uri(fs));
	if (needle)
		assert_contains(err.message, needle);
}

/* Keep a heap string until the teardown. */
static const char *keep(char *s)
{
	assert_non_null(s);
	assert_true(nowned < sizeof owned / sizeof owned[0]);
	owned[nowned++] = s;
	return s;
}

/* "HTTP/1.1 <status>\r\n<headers>Content-Length: N\r\n\r\n<body>" */
static const char *reply(const char *status, const char *headers, const char *body)
{
	sbuf b = SBUF_INIT;
	assert_int_equal(sbuf_printf(&b, "HTTP/1.1 %s\r\n%sContent-Length: %zu\r\n\r\n%s", status, headers,
				     strlen(body), body), 0);
	return keep(sbuf_steal(&b));
}

static void start(const fake_reply *replies, size_t n)
{
	fs = fake_start(replies, n);
	berth_error e = BERTH_ERROR_INIT;
	int r = transport_new(&tp, fake_uri(fs), -1, NULL, 2000, 5000, &e);
	if (r < 0)
		fail_msg("transport_new: %s", e.message);
}

/* A buffered request with up to 1 MiB of reply body. */
static int get(const char *target, int timeout_ms)
{
	http_response_release(&resp);
	berth_error_clear(&err);
	http_request req = { .method = "GET", .target = target, .timeout_ms = timeout_ms };
	return http_do(tp, &req, &resp, 1u << 20, &err);
}

static void assert_ok(int r)
{
	if (r != 0)
		fail_msg("got %s: %s", berth_code_name(r), err.message);
}

static void assert_body(const char *want)
{
	assert_int_equal(resp.body.len, strlen(want));
	assert_memory_equal(resp.body.data, want, strlen(want));
}

/* ---- framing ---------------------------------------------------------------- */

static void test_content_length(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "Content-Type: text/plain\r\nX-Mixed-Case: Yes\r\n",
					   "hello world") } };
	start(s, 1);
	assert_ok(get("/v1.41/_ping?x=1", 0));
	assert_int_equal(resp.status, 200);
	assert_body("hello world");
	assert_string_equal(http_header(&resp, "content-type"), "text/plain");
	assert_string_equal(http_header(&resp, "X-MIXED-CASE"), "Yes");
	assert_null(http_header(&resp, "x-absent"));
	/* What went over the wire. */
	const char *req = fake_last_request(fs);
	assert_contains(req, "GET /v1.41/_ping?x=1 HTTP/1.1\r\n");
	assert_contains(req, "\r\nHost: docker\r\n");
	assert_contains(req, "\r\nUser-Agent: berth/");
	assert_true(strstr(req, "Content-Length") == NULL);
}

/* The chunked reply used by several tests: an extension on the first chunk
 * and two trailer fields after the last. */
static const char chunked_reply[] =
	"HTTP/1.1 200 OK\r\n"
	"Content-Type: application/json\r\n"
	"Transfer-Encoding: chunked\r\n"
	"\r\n"
	"5;name=\"value\"\r\n"
	"hello\r\n"
	"1\r\n"
	" \r\n"
	"A\r\n"
	"0123456789\r\n"
	"0\r\n"
	"X-Trailer: one\r\n"
	"X-Other-Trailer: two\r\n"
	"\r\n";

static void test_chunked(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = chunked_reply } };
	start(s, 1);
	assert_ok(get("/a", 0));
	assert_int_equal(resp.status, 200);
	assert_body("hello 0123456789");
	assert_string_equal(http_header(&resp, "transfer-encoding"), "chunked");
	/* Trailers are not headers: none of them shows up among the head's. */
	assert_null(http_header(&resp, "x-trailer"));
	assert_null(http_header(&resp, "x-other-trailer"));
	assert_int_equal(resp.hnames.len, 2);
	/* The trailers were consumed: the connection is clean and reused. */
	assert_ok(get("/b", 0));
	assert_body("hello 0123456789");
	assert_int_equal(fake_connections(fs), 1);
	assert_int_equal(fake_requests(fs), 2);
}

static void test_split_one_byte(void **state)
{
	(void)state;
	fake_reply s[] = {
		{ .data = chunked_reply, .split = 1, .split_delay_us = 100 },
		{ .data = reply("200 OK", "Server: Docker/20.10.24 (linux)\r\n", "{\"a\":1}"), .split = 1,
		  .split_delay_us = 100 },
	};
	start(s, 2);
	assert_ok(get("/a", 0));
	assert_body("hello 0123456789");
	assert_ok(get("/b", 0));
	assert_int_equal(resp.status, 200);
	assert_body("{\"a\":1}");
	assert_string_equal(http_header(&resp, "server"), "Docker/20.10.24 (linux)");
	assert_int_equal(fake_connections(fs), 1);
}

static void test_no_content(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = "HTTP/1.1 204 No Content\r\nApi-Version: 1.41\r\n\r\n" } };
	start(s, 1);
	assert_ok(get("/a", 0));
	assert_int_equal(resp.status, 204);
	assert_int_equal(resp.body.len, 0);
	assert_string_equal(http_header(&resp, "api-version"), "1.41");
	/* No body and no length still ends the reply: the connection is reused. */
	assert_ok(get("/b", 0));
	assert_int_equal(resp.status, 204);
	assert_int_equal(fake_connections(fs), 1);
}

static void test_body_until_close(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of this, up to the end",
			     .close_after = true } };
	start(s, 1);
	assert_ok(get("/a", 0));
	assert_int_equal(resp.status, 200);
	assert_body("all of this, up to the end");
	assert_ok(get("/b", 0));
	assert_body("all of this, up to the end");
	assert_int_equal(fake_connections(fs), 2);
}

static void test_head_request(void **state)
{
	(void)state;
	/* A HEAD reply announces a length but carries no body. */
	fake_reply s[] = { { .data = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" },
			   { .data = reply("200 OK", "", "after") } };
	start(s, 2);
	http_request req = { .method = "HEAD", .target = "/_ping", .head = true };
	assert_ok(http_do(tp, &req, &resp, 4096, &err));
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.body.len, 0);
	assert_string_equal(http_header(&resp, "content-length"), "1000");
	assert_ok(get("/b", 0));
	assert_body("after");
	assert_int_equal(fake_connections(fs), 1);
}

/* ---- keep-alive and retries ------------------------------------------------- */

static void test_keepalive_one_connection(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "", "one") }, { .data = reply("200 OK", "", "two") } };
	start(s, 2);
	assert_ok(get("/1", 0));
	assert_body("one");
	assert_ok(get("/2", 0));
	assert_body("two");
	assert_ok(get("/3", 0)); /* the last reply repeats */
	assert_body("two");
	assert_contains(fake_last_request(fs), "GET /3 HTTP/1.1");
	assert_int_equal(fake_connections(fs), 1);
	assert_int_equal(fake_requests(fs), 3);
}

static void test_connection_close(void **state)
{
	(void)state;
	/* The server would keep the connection, but said it would not: the
	 * client must not reuse it. */
	fake_reply s[] = { { .data = reply("200 OK", "Connection: close\r\n", "bye") } };
	start(s, 1);
	for (int i = 0; i < 3; i++) {
		assert_ok(get("/x", 0));
		assert_body("bye");
	}
	assert_int_equal(fake_connections(fs), 3);
	assert_int_equal(fake_requests(fs), 3);
}

static void test_idle_connection_closed(void **state)
{
	(void)state;
	/* Keep-alive by its headers, but the server closes right after. */
	fake_reply s[] = { { .data = reply("200 OK", "", "first"), .close_after = true },
			   { .data = reply("200 OK", "", "second") } };
	start(s, 2);
	assert_ok(get("/1", 0));
	assert_true(fake_wait_closed(fs, 1, 2000));
	/* The pooled connection is dead by now: replaced without an error. */
	assert_ok(get("/2", 0));
	assert_body("second");
	assert_int_equal(fake_connections(fs), 2);
	assert_int_equal(fake_requests(fs), 2);
}

static void test_reused_connection_dropped_is_retried(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "", "first") },
			   { .drop = true },
			   { .data = reply("200 OK", "", "third") } };
	start(s, 3);
	assert_ok(get("/1", 0));
	/* Sent on the pooled connection, dropped unanswered, sent again. */
	assert_ok(get("/2", 0));
	assert_body("third");
	assert_contains(fake_last_request(fs), "GET /2 HTTP/1.1");
	assert_int_equal(fake_requests(fs), 3);
	assert_int_equal(fake_connections(fs), 2);
}

static void test_fresh_connection_dropped_is_not_retried(void **state)
{
	(void)state;
	fake_reply s[] = { { .drop = true }, { .data = reply("200 OK", "", "never") } };
	start(s, 2);
	assert_error(get("/1", 0), BERTH_EUNAVAILABLE, "GET /1");
	assert_contains(err.message, "after 0 bytes");
	assert_int_equal(fake_requests(fs), 1);
	assert_int_equal(fake_connections(fs), 1);
}

static void test_reused_connection_dropped_twice(void **state)
{
	(void)state;
	/* One retry only: a fresh connection that is dropped too is an error. */
	fake_reply s[] = { { .data = reply("200 OK", "", "first") }, { .drop = true } };
	start(s, 2);
	assert_ok(get("/1", 0));
	assert_error(get("/2", 0), BERTH_EUNAVAILABLE, "GET /2");
	assert_int_equal(fake_requests(fs), 3);
	assert_int_equal(fake_connections(fs), 2);
}

static void test_bytes_after_reply_not_pooled(void **state)
{
	(void)state;
	/* Whatever follows a complete reply belongs to no request: the
	 * connection cannot be trusted for the next one. */
	fake_reply s[] = { { .data = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n" },
			   { .data = reply("200 OK", "", "clean") } };
	start(s, 2);
	assert_ok(get("/1", 0));
	assert_body("ok");
	assert_ok(get("/2", 0));
	assert_body("clean");
	assert_int_equal(fake_connections(fs), 2);
}

/* ---- broken replies -------------------------------------------------------- */

static void test_truncated_body(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
			     .close_after = true } };
	start(s, 1);
	assert_error(get("/v1.41/info?all=1", 0), BERTH_EUNAVAILABLE, "truncated");
	assert_contains(err.message, "GET /v1.41/info");
	assert_true(strstr(err.message, "all=1") == NULL); /* queries stay out */
	assert_int_equal(fake_requests(fs), 1); /* not retried: bytes came */
}

static void test_truncated_chunked_and_head(void **state)
{
	(void)state;
	fake_reply s[] = {
		{ .data = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", .close_after = true },
		{ .data = "HTTP/1.1 200 OK\r\nContent-Le", .close_after = true },
	};
	start(s, 2);
	assert_error(get("/1", 0), BERTH_EUNAVAILABLE, "truncated");
	assert_error(get("/2", 0), BERTH_EUNAVAILABLE, "truncated");
}

static void test_malformed_status_line(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n" },
			   { .data = "SSH-2.0-OpenSSH_9.2\r\n" } };
	start(s, 2);
	assert_error(get("/1", 0), BERTH_EPROTOCOL, "malformed HTTP reply");
	assert_error(get("/2", 0), BERTH_EPROTOCOL, "malformed HTTP reply");
	assert_int_equal(fake_connections(fs), 2);
}

static void test_headers_too_large(void **state)
{
	(void)state;
	sbuf b = SBUF_INIT;
	assert_int_equal(sbuf_adds(&b, "HTTP/1.1 200 OK\r\n"), 0);
	for (int i = 0; i < 90; i++) { /* 90 headers of 1 KiB each */
		assert_int_equal(sbuf_printf(&b, "X-Filler-%02d: ", i), 0);
		for (int j = 0; j < 1010; j++)
			assert_int_equal(sbuf_addc(&b, 'a'), 0);
		assert_int_equal(sbuf_adds(&b, "\r\n"), 0);
	}
	assert_int_equal(sbuf_adds(&b, "Content-Length: 2\r\n\r\nok"), 0);
	assert_true(b.len > 90 * 1024);
	fake_reply s[] = { { .data = keep(sbuf_steal(&b)) } };
	start(s, 1);
	assert_error(get("/big", 0), BERTH_EPROTOCOL, "malformed HTTP reply");
}

static void test_body_over_max(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "", "this body is longer than sixteen bytes") },
			   { .data = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				     "10\r\n0123456789abcdef\r\n1\r\nX\r\n0\r\n\r\n" } };
	start(s, 2);
	http_request req = { .method = "GET", .target = "/big" };
	assert_error(http_do(tp, &req, &resp, 16, &err), BERTH_EPROTOCOL, "larger than 16 bytes");
	http_response_release(&resp);
	berth_error_clear(&err);
	/* Exactly at the limit is fine; one chunk more is not. */
	assert_error(http_do(tp, &req, &resp, 16, &err), BERTH_EPROTOCOL, "larger than 16 bytes");
	http_response_release(&resp);
	berth_error_clear(&err);
	assert_ok(http_do(tp, &req, &resp, 17, &err));
	assert_body("0123456789abcdefX");
	/* A connection abandoned mid-reply is never pooled. */
	assert_int_equal(fake_connections(fs), 3);
}

/* ---- deadlines ------------------------------------------------------------------ */

static void assert_times_out(const char *target)
{
	int64_t t0 = mono_ms();
	int r = get(target, 200);
	int64_t took = mono_ms() - t0;
	assert_error(r, BERTH_ETIMEDOUT, "no answer in time");
	assert_contains(err.message, target);
	if (took < 150 || took > 2000)
		fail_msg("timed out after %lld ms, want about 200", (long long)took);
}

static void test_timeout_hang(void **state)
{
	(void)state;
	fake_reply s[] = { { .hang = true } };
	start(s, 1);
	assert_times_out("/hang");
	assert_int_equal(fake_requests(fs), 1);
}

static void test_timeout_accept_only(void **state)
{
	(void)state;
	fake_reply s[] = { { .accept_only = true } };
	start(s, 1);
	assert_times_out("/accepted");
	assert_int_equal(fake_connections(fs), 1);
	assert_int_equal(fake_requests(fs), 0);
}

static void test_timeout_never_accepted(void **state)
{
	(void)state;
	fs = fake_start_silent();
	assert_ok(transport_new(&tp, fake_uri(fs), -1, NULL, 2000, 5000, &err));
	assert_times_out("/queued");
	assert_int_equal(fake_connections(fs), 0);
}

static void test_timeout_slow_drip(void **state)
{
	(void)state;
	/* Bytes keep coming, but the whole reply takes longer than the
	 * request's deadline: the deadline is for the reply, not per read. */
	static char slow[64];
	snprintf(slow, sizeof slow, "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n%s", "01234567890123456789");
	fake_reply s[] = { { .data = slow, .split = 1, .split_delay_us = 20000 } };
	start(s, 1);
	assert_times_out("/drip");
}

/* ---- connecting -------------------------------------------------------------------- */

static void test_connect_missing(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "", "") } };
	fs = fake_start(s, 1);
	char uri[160];
	snprintf(uri, sizeof uri, "unix://%s/missing.sock", fake_dir(fs));
	assert_ok(transport_new(&tp, uri, -1, NULL, 1000, 1000, &err));
	assert_int_equal(get("/_ping", 0), BERTH_ENOTFOUND);
	assert_contains(err.message, uri);
	assert_contains(err.message, "No such file");
	/* Also through the public API. */
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.host = uri;
	berth_error_clear(&err);
	assert_int_equal(berth_client_open(&client, &o, &err), BERTH_ENOTFOUND);
	assert_contains(err.message, uri);
	assert_null(client);
}

static void test_connect_not_a_socket(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "", "") } };
	fs = fake_start(s, 1);
	char path[160], uri[170];
	snprintf(path, sizeof path, "%s/regular", fake_dir(fs));
	snprintf(uri, sizeof uri, "unix://%s", path);
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_ok(transport_new(&tp, uri, -1, NULL, 1000, 1000, &err));
	int r = get("/_ping", 0);
	unlink(path);
	assert_int_equal(r, BERTH_EUNAVAILABLE);
	assert_contains(err.message, uri);
	assert_contains(err.message, "not a socket");
}

static void test_connect_refused(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "", "") } };
	fs = fake_start(s, 1);
	/* A socket file nobody listens on (the engine died and left it). */
	char path[160], uri[170];
	snprintf(path, sizeof path, "%s/stale.sock", fake_dir(fs));
	snprintf(uri, sizeof uri, "unix://%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	assert_true(strlen(path) < sizeof sa.sun_path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	close(fd);
	assert_ok(transport_new(&tp, uri, -1, NULL, 1000, 1000, &err));
	int r = get("/_ping", 0);
	unlink(path);
	assert_int_equal(r, BERTH_EUNAVAILABLE);
	assert_contains(err.message, uri);
	assert_contains(err.message, "nothing listens there");
}

static void test_connect_backlog_full(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "", "") } };
	fs = fake_start(s, 1);
	/* A listener that never accepts, with its accept queue filled up. */
	char path[160], uri[170];
	snprintf(path, sizeof path, "%s/busy.sock", fake_dir(fs));
	snprintf(uri, sizeof uri, "unix://%s", path);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	assert_true(strlen(path) < sizeof sa.sun_path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(lfd, 0), 0);
	int fill[16], nfill = 0;
	bool full = false;
	while (!full && nfill < 16) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		assert_true(fd >= 0);
		fill[nfill++] = fd;
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
			assert_int_equal(errno, EAGAIN);
			full = true;
		}
	}
	int r = BERTH_OK;
	if (full) {
		assert_ok(transport_new(&tp, uri, -1, NULL, 1000, 1000, &err));
		r = get("/_ping", 0);
	}
	for (int i = 0; i < nfill; i++)
		close(fill[i]);
	close(lfd);
	unlink(path);
	if (!full)
		skip();
	/* Told as such: not a write on a socket that never connected. */
	assert_int_equal(r, BERTH_EUNAVAILABLE);
	assert_contains(err.message, uri);
	assert_contains(err.message, "connect: ");
	assert_contains(err.message, "not accepting connections");
}

/* Child side of the permission test: exit 0 when the verdict is right. */
static int permission_child(const char *uri)
{
	transport *t = NULL;
	berth_error e = BERTH_ERROR_INIT;
	if (transport_new(&t, uri, -1, NULL, 1000, 1000, &e) < 0)
		return 10;
	http_response rs = HTTP_RESPONSE_INIT;
	http_request req = { .method = "GET", .target = "/_ping" };
	int r = http_do(t, &req, &rs, 4096, &e);
	http_response_release(&rs);
	transport_free(t);
	if (r != BERTH_EPERM) {
		fprintf(stderr, "child: got %s: %s\n", berth_code_name(r), e.message);
		return 11;
	}
	if (!strstr(e.message, uri) || !strstr(e.message, "Permission denied")) {
		fprintf(stderr, "child: message \"%s\"\n", e.message);
		return 12;
	}
	return 0;
}

static void test_connect_permission(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "Api-Version: 1.41\r\n", "OK") } };
	start(s, 1);
	if (geteuid() != 0) {
		/* Not root: file modes are enforced, deny the socket itself. */
		assert_int_equal(chmod(fake_path(fs), 0), 0);
		int r = get("/_ping", 0);
		chmod(fake_path(fs), 0600);
		assert_error(r, BERTH_EPERM, "Permission denied");
		return;
	}
	/* Root ignores file modes: become nobody in a child, for whom the
	 * server's private directory (0700, root's) cannot be searched. */
	struct stat st;
	assert_int_equal(stat(fake_dir(fs), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(20);
		_exit(permission_child(fake_uri(fs)));
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(fake_connections(fs), 0);
}

/* ---- streaming ------------------------------------------------------------------------ */

static void test_stream_large_chunked(void **state)
{
	(void)state;
	const size_t total = 1u << 20;
	char *body = malloc(total);
	assert_non_null(body);
	keep(body);
	for (size_t i = 0; i < total; i++)
		body[i] = (char)((i * 131u) ^ (i >> 11));
	sbuf b = SBUF_INIT;
	assert_int_equal(sbuf_adds(&b, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
				       "Transfer-Encoding: chunked\r\n\r\n"), 0);
	/* Chunks of varied sizes, some far larger than the read buffer. */
	static const size_t sizes[] = { 1, 4093, 70000, 12345, 200000, 7 };
	for (size_t off = 0, k = 0; off < total; k++) {
		size_t n = sizes[k % 6];
		if (n > total - off)
			n = total - off;
		assert_int_equal(sbuf_printf(&b, "%zx\r\n", n), 0);
		assert_int_equal(sbuf_add(&b, body + off, n), 0);
		assert_int_equal(sbuf_adds(&b, "\r\n"), 0);
		off += n;
	}
	assert_int_equal(sbuf_adds(&b, "0\r\n\r\n"), 0);
	size_t len = b.len;
	fake_reply s[] = { { .data = keep(sbuf_steal(&b)), .len = len } };
	start(s, 1);

	http_stream *st = NULL;
	http_request req = { .method = "GET", .target = "/v1.41/containers/c1/logs" };
	assert_ok(http_stream_open(&st, tp, &req, &resp, &err));
	assert_int_equal(resp.status, 200);
	assert_true(http_stream_fd(st) >= 0);
	size_t got = 0, pieces = 0, largest = 0;
	int r;
	for (;;) {
		const char *data;
		size_t n;
		r = http_stream_read(st, &data, &n, 2000, &err);
		if (r != 0)
			break;
		assert_true(n > 0);
		/* One read buffer at most: the memory a stream holds is bounded. */
		if (n > CONN_RBUF_SIZE)
			fail_msg("a piece of %zu bytes", n);
		assert_true(got + n <= total);
		assert_memory_equal(data, body + got, n);
		got += n;
		pieces++;
		if (n > largest)
			largest = n;
	}
	assert_int_equal(r, BERTH_ITEROVER);
	assert_int_equal(got, total);
	assert_true(pieces >= total / CONN_RBUF_SIZE);
	/* Reading past the end keeps saying so. */
	const char *data;
	size_t n;
	assert_int_equal(http_stream_read(st, &data, &n, 100, &err), BERTH_ITEROVER);
	http_stream_close(st);
	/* Fully read: the connection went back to the pool. */
	http_response_release(&resp);
	assert_ok(get("/again", 0));
	assert_int_equal(resp.body.len, total);
	assert_int_equal(fake_connections(fs), 1);
}

static void test_stream_stall_then_continue(void **state)
{
	(void)state;
	static const char text[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				   "5\r\nhello\r\n"
				   "6\r\n world\r\n0\r\n\r\n";
	size_t first = (size_t)(strstr(text, "6\r\n") - text);
	fake_reply s[] = { { .data = text, .stall_at = first }, { .data = reply("200 OK", "", "next") } };
	start(s, 2);
	http_stream *st = NULL;
	http_request req = { .method = "GET", .target = "/events" };
	assert_ok(http_stream_open(&st, tp, &req, &resp, &err));
	const char *data;
	size_t n;
	assert_ok(http_stream_read(st, &data, &n, 2000, &err));
	assert_int_equal(n, 5);
	assert_memory_equal(data, "hello", 5);
	/* The server stalls mid-body: a short read deadline expires ... */
	int64_t t0 = mono_ms();
	assert_error(http_stream_read(st, &data, &n, 100, &err), BERTH_ETIMEDOUT, "GET /events");
	int64_t took = mono_ms() - t0;
	if (took < 75 || took > 2000)
		fail_msg("timed out after %lld ms, want about 100", (long long)took);
	/* ... polling once does too, without waiting ... */
	berth_error_clear(&err);
	assert_error(http_stream_read(st, &data, &n, 0, &err), BERTH_ETIMEDOUT, NULL);
	/* ... and the stream goes on where it was once data comes. */
	fake_release(fs);
	berth_error_clear(&err);
	assert_ok(http_stream_read(st, &data, &n, 2000, &err));
	assert_int_equal(n, 6);
	assert_memory_equal(data, " world", 6);
	assert_int_equal(http_stream_read(st, &data, &n, 2000, &err), BERTH_ITEROVER);
	http_stream_close(st);
	/* A stream that once timed out is not trusted again: not pooled. */
	http_response_release(&resp);
	assert_ok(get("/next", 0));
	assert_int_equal(fake_connections(fs), 2);
}

static void test_stream_closed_early(void **state)
{
	(void)state;
	static const char text[] = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n0123456789abcdefghij";
	fake_reply s[] = {
		/* Arrives whole with the headers. */
		{ .data = reply("200 OK", "", "a body that nobody reads") },
		/* Half of the body is still on its way. */
		{ .data = text, .stall_at = sizeof text - 11 },
		{ .data = reply("200 OK", "", "last") },
	};
	start(s, 3);
	http_stream *st = NULL;
	http_request req = { .method = "GET", .target = "/x" };
	/* Closed unread, but the whole reply was already in: the connection
	 * is clean and goes back to the pool. */
	assert_ok(http_stream_open(&st, tp, &req, &resp, &err));
	http_stream_close(st);
	http_response_release(&resp);
	/* Closed with part of the body still unsent: never pooled. */
	assert_ok(http_stream_open(&st, tp, &req, &resp, &err));
	const char *data;
	size_t n;
	assert_ok(http_stream_read(st, &data, &n, 2000, &err));
	assert_int_equal(n, 10);
	assert_memory_equal(data, "0123456789", 10);
	http_stream_close(st);
	assert_int_equal(fake_connections(fs), 1);
	fake_release(fs);
	assert_ok(get("/y", 0));
	assert_body("last");
	assert_int_equal(fake_requests(fs), 3);
	assert_int_equal(fake_connections(fs), 2);
}

static void test_upgrade(void **state)
{
	(void)state;
	static const char head[] = "HTTP/1.1 101 UPGRADED\r\n"
				   "Connection: Upgrade\r\n"
				   "Upgrade: tcp\r\n"
				   "Content-Type: application/vnd.docker.raw-stream\r\n"
				   "\r\n";
	/* A multiplexed-stream frame header (with NULs) and its payload. */
	static const char raw[] = "\x01\0\0\0\0\0\0\x06stdout\x02\0\0\0\0\0\0\x03""err";
	const size_t rawlen = sizeof raw - 1;
	char *text = malloc(sizeof head - 1 + rawlen);
	assert_non_null(text);
	keep(text);
	memcpy(text, head, sizeof head - 1);
	memcpy(text + sizeof head - 1, raw, rawlen);
	fake_reply s[] = { { .data = text, .len = sizeof head - 1 + rawlen } };
	start(s, 1);

	http_stream *st = NULL;
	http_request req = { .method = "POST", .target = "/v1.41/containers/c1/attach?stream=1&stdout=1",
			     .upgrade = true };
	assert_ok(http_stream_open(&st, tp, &req, &resp, &err));
	assert_int_equal(resp.status, 101);
	assert_string_equal(http_header(&resp, "upgrade"), "tcp");
	const char *wire = fake_last_request(fs);
	assert_contains(wire, "POST /v1.41/containers/c1/attach?stream=1&stdout=1 HTTP/1.1\r\n");
	assert_contains(wire, "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n");
	const char *data;
	size_t n;
	assert_int_equal(http_stream_read(st, &data, &n, 1000, &err), BERTH_ITEROVER);
	conn *c = http_stream_take_conn(st);
	assert_non_null(c);
	assert_int_equal(http_stream_fd(st), -1);
	http_stream_close(st);
	/* The bytes that came with the headers wait in the read buffer. */
	assert_int_equal(c->rlen - c->rpos, rawlen);
	assert_memory_equal(c->rbuf + c->rpos, raw, rawlen);
	conn_close(c);
}

/* ---- replies fed through a socketpair --------------------------------------------------- */

/* Run http_do_on over a socketpair whose far end holds `text` and EOF. */
static int do_on_pair(const char *text, size_t max_body)
{
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	size_t len = strlen(text);
	assert_int_equal(write(sv[0], text, len), (ssize_t)len);
	assert_int_equal(shutdown(sv[0], SHUT_WR), 0);
	conn *c = calloc(1, sizeof *c);
	assert_non_null(c);
	c->fd = sv[1];
	http_response_release(&resp);
	berth_error_clear(&err);
	http_request req = { .method = "GET", .target = "/v1.41/containers/json" };
	int r = http_do_on(tp, c, &req, &resp, max_body, &err); /* takes c */
	/* The request went out on the pair. */
	char sent[512];
	ssize_t n = read(sv[0], sent, sizeof sent - 1);
	close(sv[0]);
	assert_true(n > 0);
	sent[n] = '\0';
	assert_contains(sent, "GET /v1.41/containers/json HTTP/1.1\r\n");
	return r;
}

static void test_do_on_socketpair(void **state)
{
	(void)state;
	/* No server: the endpoint is only a name for messages. */
	assert_ok(transport_new(&tp, "unix:///nonexistent/fuzz.sock", -1, NULL, 1000, 1000, &err));
	assert_ok(do_on_pair(chunked_reply, 4096));
	assert_int_equal(resp.status, 200);
	assert_body("hello 0123456789");
	assert_ok(do_on_pair("HTTP/1.0 200 OK\r\n\r\n[]", 4096));
	assert_body("[]");
	assert_int_equal(do_on_pair("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n[", 4096), BERTH_EUNAVAILABLE);
	assert_contains(err.message, "unix:///nonexistent/fuzz.sock");
	assert_contains(err.message, "truncated");
	assert_int_equal(do_on_pair("HTTP/1.1 -1 X\r\n\r\n", 4096), BERTH_EPROTOCOL);
	assert_int_equal(do_on_pair("", 4096), BERTH_EUNAVAILABLE); /* never retried */
	assert_int_equal(do_on_pair(chunked_reply, 4), BERTH_EPROTOCOL);
	/* An interim 100 Continue is not the answer: the reply after it is. */
	assert_ok(do_on_pair("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n"
			     "X-After: yes\r\n\r\n{}", 4096));
	assert_int_equal(resp.status, 201);
	assert_body("{}");
	assert_non_null(http_header(&resp, "x-after"));
}

/* ---- the public API against a fake engine -------------------------------------------------- */

#define DOCKER_PING "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nDocker-Experimental: false\r\n" \
		    "Ostype: linux\r\nServer: Docker/20.10.24 (linux)\r\nContent-Type: text/plain; charset=utf-8\r\n" \
		    "Content-Length: 2\r\n\r\nOK"

static int open_client(void)
{
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.host = fake_uri(fs);
	o.timeout_ms = 3000;
	o.connect_timeout_ms = 1000;
	berth_error_clear(&err);
	return berth_client_open(&client, &o, &err);
}

/* A client on a Docker-like fake whose later replies are `rest`. */
static void start_engine(const fake_reply *rest, size_t n)
{
	fake_reply s[8] = { { .data = DOCKER_PING } };
	assert_true(n < 8);
	memcpy(s + 1, rest, n * sizeof *rest);
	fs = fake_start(s, n + 1);
	assert_ok(open_client());
	assert_int_equal(fake_requests(fs), 1);
	berth_error_clear(&err);
}

static void test_api_docker(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = DOCKER_PING } };
	fs = fake_start(s, 1);
	assert_ok(open_client());
	assert_int_equal(berth_client_engine(client), BERTH_ENGINE_DOCKER);
	assert_string_equal(berth_client_api_version(client), "1.41");
	assert_string_equal(berth_client_endpoint(client), fake_uri(fs));
	assert_string_equal(berth_client_source(client), "option");
	assert_contains(fake_last_request(fs), "GET /_ping HTTP/1.1\r\n");
	assert_ok(berth_ping(client, &err));
	assert_int_equal(fake_requests(fs), 2);
	assert_int_equal(fake_connections(fs), 1);
}

static void test_api_podman(void **state)
{
	(void)state;
	fake_reply s[] = {
		{ .data = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nLibpod-Api-Version: 4.3.1\r\n"
			  "Libpod-Buildah-Version: 1.28.0\r\nServer: Libpod/4.3.1 (linux)\r\n"
			  "Content-Length: 2\r\n\r\nOK" },
	};
	fs = fake_start(s, 1);
	assert_ok(open_client());
	assert_int_equal(berth_client_engine(client), BERTH_ENGINE_PODMAN);
	assert_string_equal(berth_client_api_version(client), "1.41");
}

static void test_api_engine_mismatch(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = DOCKER_PING } };
	fs = fake_start(s, 1);
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.host = fake_uri(fs);
	o.engine = BERTH_ENGINE_PODMAN;
	assert_error(berth_client_open(&client, &o, &err), BERTH_EUNAVAILABLE, "not podman");
	assert_null(client);
}

static void test_api_not_an_engine(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "Server: nginx/1.22\r\n", "<html></html>") } };
	fs = fake_start(s, 1);
	assert_error(open_client(), BERTH_EPROTOCOL, "not a Docker or Podman engine");
	assert_null(client);
}

static void test_api_too_old(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "Api-Version: 1.24\r\nServer: Docker/1.12.6 (linux)\r\n", "OK") } };
	fs = fake_start(s, 1);
	assert_error(open_client(), BERTH_EUNSUPPORTED, "1.24");
	assert_null(client);
}

static void test_api_not_reachable_in_time(void **state)
{
	(void)state;
	fake_reply s[] = { { .hang = true } };
	fs = fake_start(s, 1);
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.host = fake_uri(fs);
	o.timeout_ms = 200;
	int64_t t0 = mono_ms();
	assert_error(berth_client_open(&client, &o, &err), BERTH_ETIMEDOUT, "GET /_ping");
	int64_t took = mono_ms() - t0;
	if (took < 150 || took > 2000)
		fail_msg("timed out after %lld ms, want about 200", (long long)took);
}

static void test_api_list_not_json(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "Content-Type: application/json\r\n", "<html>oops</html>") } };
	start_engine(s, 1);
	berth_container_list *list = NULL;
	int r = berth_container_list_get(&list, client, NULL, &err);
	assert_int_equal(r, BERTH_EPROTOCOL);
	assert_null(list);
	assert_contains(err.message, "not JSON");
	assert_contains(fake_last_request(fs), "GET /v1.41/containers/json?all=0 HTTP/1.1\r\n");
}

static void test_api_list_ok(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "Content-Type: application/json\r\n",
					   "[{\"Id\":\"abc123\",\"Names\":[\"/web\"],\"Image\":\"busybox\","
					   "\"State\":\"running\",\"Labels\":{\"k\":\"v\"}}]") } };
	start_engine(s, 1);
	berth_container_list *list = NULL;
	berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
	lo.all = 1;
	assert_ok(berth_container_list_get(&list, client, &lo, &err));
	assert_int_equal(berth_container_list_count(list), 1);
	assert_string_equal(berth_container_list_id(list, 0), "abc123");
	assert_string_equal(berth_container_list_name(list, 0), "web");
	assert_string_equal(berth_container_list_label(list, 0, "k"), "v");
	berth_container_list_free(list);
	assert_contains(fake_last_request(fs), "GET /v1.41/containers/json?all=1 HTTP/1.1\r\n");
	assert_int_equal(fake_connections(fs), 1);
}

static void test_api_version(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "Content-Type: application/json\r\n",
					   "{\"Version\":\"20.10.24\",\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.12\","
					   "\"Os\":\"linux\",\"Arch\":\"amd64\",\"KernelVersion\":\"6.1.0\"}") } };
	start_engine(s, 1);
	berth_version *v = NULL;
	assert_ok(berth_version_get(&v, client, &err));
	assert_int_equal(berth_version_engine(v), BERTH_ENGINE_DOCKER);
	assert_string_equal(berth_version_server(v), "20.10.24");
	assert_string_equal(berth_version_min_api(v), "1.12");
	berth_version_free(v);
	assert_contains(fake_last_request(fs), "GET /v1.41/version HTTP/1.1\r\n");
}

static void test_api_inspect_not_found(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("404 Not Found", "Content-Type: application/json\r\n",
					   "{\"message\":\"No such container: x\"}") } };
	start_engine(s, 1);
	berth_container_info *info = NULL;
	assert_int_equal(berth_container_inspect(&info, client, "x", &err), BERTH_ENOTFOUND);
	assert_null(info);
	assert_int_equal(err.native, 404);
	assert_contains(err.message, "No such container: x");
	assert_contains(err.message, "inspect x");
	assert_contains(fake_last_request(fs), "GET /v1.41/containers/x/json HTTP/1.1\r\n");
}

static void test_api_server_error(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("500 Internal Server Error", "Content-Type: application/json\r\n",
					   "{\"message\":\"driver failed programming external connectivity\"}") },
			   { .data = reply("500 Internal Server Error", "Content-Type: text/plain\r\n",
					   "plain text failure\nsecond line") } };
	start_engine(s, 2);
	assert_int_equal(berth_container_start(client, "c1", &err), BERTH_EENGINE);
	assert_int_equal(err.native, 500);
	assert_contains(err.message, "start c1");
	assert_contains(err.message, "driver failed programming external connectivity");
	assert_contains(fake_last_request(fs), "POST /v1.41/containers/c1/start HTTP/1.1\r\n");
	/* A non-JSON error body: its first line is the message. */
	berth_error_clear(&err);
	berth_container_list *list = NULL;
	assert_int_equal(berth_container_list_get(&list, client, NULL, &err), BERTH_EENGINE);
	assert_contains(err.message, "plain text failure");
	assert_true(strstr(err.message, "second line") == NULL);
}

static void test_api_create_conflict(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("409 Conflict", "Content-Type: application/json\r\n",
					   "{\"message\":\"Conflict. The container name \\\"/web\\\" is already in use\"}") } };
	start_engine(s, 1);
	berth_spec *spec = NULL;
	assert_ok(berth_spec_new(&spec, "busybox", &err));
	assert_ok(berth_spec_set_name(spec, "web", &err));
	char *id = NULL;
	int r = berth_container_create(&id, client, spec, &err);
	berth_spec_free(spec);
	assert_int_equal(r, BERTH_EEXISTS);
	assert_null(id);
	assert_int_equal(err.native, 409);
	assert_contains(err.message, "web");
	const char *wire = fake_last_request(fs);
	assert_contains(wire, "POST /v1.41/containers/create?name=web HTTP/1.1\r\n");
	assert_contains(wire, "\r\nContent-Type: application/json\r\n");
	assert_contains(wire, "\"Image\":\"busybox\"");
	assert_contains(wire, "\"io.berth.managed\":\"true\"");
}

static void test_api_invalid_names(void **state)
{
	(void)state;
	fake_reply s[] = { { .data = reply("200 OK", "", "{}") } };
	start_engine(s, 1);
	unsigned before = fake_requests(fs);
	berth_container_info *info = NULL;
	static const char *const bad[] = { "", "bad/name", "../etc", "a b", "x?all=1", "c1\r\nX: y", "%2e" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		berth_error_clear(&err);
		assert_int_equal(berth_container_inspect(&info, client, bad[i], &err), BERTH_EINVAL);
		berth_error_clear(&err);
		assert_int_equal(berth_container_start(client, bad[i], &err), BERTH_EINVAL);
		berth_error_clear(&err);
		assert_int_equal(berth_container_remove(client, bad[i], NULL, &err), BERTH_EINVAL);
		berth_error_clear(&err);
		assert_int_equal(berth_container_stop(client, bad[i], NULL, &err), BERTH_EINVAL);
	}
	assert_int_equal(berth_container_inspect(&info, client, NULL, &err), BERTH_EINVAL);
	berth_spec *spec = NULL;
	assert_ok(berth_spec_new(&spec, "busybox", &err));
	assert_int_equal(berth_spec_set_name(spec, "/web", &err), BERTH_EINVAL);
	assert_int_equal(berth_spec_set_name(spec, "-web", &err), BERTH_EINVAL);
	berth_spec_free(spec);
	assert_int_equal(berth_spec_new(&spec, "Busybox UPPER", &err), BERTH_EINVAL);
	assert_null(info);
	assert_int_equal(fake_requests(fs), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_content_length, teardown),
		cmocka_unit_test_teardown(test_chunked, teardown),
		cmocka_unit_test_teardown(test_split_one_byte, teardown),
		cmocka_unit_test_teardown(test_no_content, teardown),
		cmocka_unit_test_teardown(test_body_until_close, teardown),
		cmocka_unit_test_teardown(test_head_request, teardown),
		cmocka_unit_test_teardown(test_keepalive_one_connection, teardown),
		cmocka_unit_test_teardown(test_connection_close, teardown),
		cmocka_unit_test_teardown(test_idle_connection_closed, teardown),
		cmocka_unit_test_teardown(test_reused_connection_dropped_is_retried, teardown),
		cmocka_unit_test_teardown(test_fresh_connection_dropped_is_not_retried, teardown),
		cmocka_unit_test_teardown(test_reused_connection_dropped_twice, teardown),
		cmocka_unit_test_teardown(test_bytes_after_reply_not_pooled, teardown),
		cmocka_unit_test_teardown(test_truncated_body, teardown),
		cmocka_unit_test_teardown(test_truncated_chunked_and_head, teardown),
		cmocka_unit_test_teardown(test_malformed_status_line, teardown),
		cmocka_unit_test_teardown(test_headers_too_large, teardown),
		cmocka_unit_test_teardown(test_body_over_max, teardown),
		cmocka_unit_test_teardown(test_timeout_hang, teardown),
		cmocka_unit_test_teardown(test_timeout_accept_only, teardown),
		cmocka_unit_test_teardown(test_timeout_never_accepted, teardown),
		cmocka_unit_test_teardown(test_timeout_slow_drip, teardown),
		cmocka_unit_test_teardown(test_connect_missing, teardown),
		cmocka_unit_test_teardown(test_connect_not_a_socket, teardown),
		cmocka_unit_test_teardown(test_connect_refused, teardown),
		cmocka_unit_test_teardown(test_connect_backlog_full, teardown),
		cmocka_unit_test_teardown(test_connect_permission, teardown),
		cmocka_unit_test_teardown(test_stream_large_chunked, teardown),
		cmocka_unit_test_teardown(test_stream_stall_then_continue, teardown),
		cmocka_unit_test_teardown(test_stream_closed_early, teardown),
		cmocka_unit_test_teardown(test_upgrade, teardown),
		cmocka_unit_test_teardown(test_do_on_socketpair, teardown),
		cmocka_unit_test_teardown(test_api_docker, teardown),
		cmocka_unit_test_teardown(test_api_podman, teardown),
		cmocka_unit_test_teardown(test_api_engine_mismatch, teardown),
		cmocka_unit_test_teardown(test_api_not_an_engine, teardown),
		cmocka_unit_test_teardown(test_api_too_old, teardown),
		cmocka_unit_test_teardown(test_api_not_reachable_in_time, teardown),
		cmocka_unit_test_teardown(test_api_list_not_json, teardown),
		cmocka_unit_test_teardown(test_api_list_ok, teardown),
		cmocka_unit_test_teardown(test_api_version, teardown),
		cmocka_unit_test_teardown(test_api_inspect_not_found, teardown),
		cmocka_unit_test_teardown(test_api_server_error, teardown),
		cmocka_unit_test_teardown(test_api_create_conflict, teardown),
		cmocka_unit_test_teardown(test_api_invalid_names, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
