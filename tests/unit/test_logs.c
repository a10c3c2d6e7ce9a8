/* Logs: the time arguments, the timestamp cutter over the demuxer
 * (src/lib/parse/logcut.c) fed in every split, and the logs stream over a
 * fake engine (checks before any request, not found, TTY, truncation, a
 * reader that stops reading). */
#include "../common/test.h"
#include "../common/fixture.h"

#include "../common/fake_server.h"
#include "lib/parse/logcut.h"

#include <time.h>
#include <unistd.h>

/* ---- time arguments ------------------------------------------------------------ */

/* since/until go through berth_time_parse() (events.c); here: what logs
 * relies on, and that a bad time names its field (test_checks_before_request). */
static void test_time_parse(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int64_t ns;
	} good[] = {
		{ "2024-05-01T10:00:00Z", 1714557600LL * 1000000000LL },
		{ "2024-05-01T12:00:00.5+02:00", 1714557600LL * 1000000000LL + 500000000 },
		{ "1714557600.25", 1714557600LL * 1000000000LL + 250000000 },
		{ "1714557600.500000000", 1714557600LL * 1000000000LL + 500000000 },
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		berth_error err = BERTH_ERROR_INIT;
		int64_t got = -1;
		assert_ok(berth_time_parse(&got, good[i].text, &err), &err);
		if (got != good[i].ns)
			fail_msg("%s: got %lld, want %lld", good[i].text, (long long)got, (long long)good[i].ns);
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	int64_t got = 0;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_time_parse(&got, "1h30m", &err), &err);
	assert_true(got <= now - 5400LL * 1000000000LL + 5000000000LL && got >= now - 5400LL * 1000000000LL - 1000000000LL);
	static const char *const bad[] = {
		"", "10x", "m", "-5m", "2024-13-01T00:00:00Z", "1714557600.", "5 m", "2024-05-01T10:00:00",
		"4048-05-01T10:00:00Z", "1h 2m",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		got = 42;
		assert_code(berth_time_parse(&got, bad[i], &err), BERTH_EINVAL, &err);
		assert_true(got == 42);
	}
}

/* ---- the cutter ------------------------------------------------------------------- */

/* What a run produced: runs of bytes of one stream and one time, joined. */
typedef struct rec {
	int stream;
	int64_t ns;
	sbuf data;
} rec;

typedef struct cut {
	rec r[64];
	size_t n;
	int rc;
} cut;

static void cut_release(cut *c)
{
	for (size_t i = 0; i < c->n; i++)
		sbuf_release(&c->r[i].data);
	c->n = 0;
}

static void cut_add(cut *c, const logcut_frame *f)
{
	assert_true(f->len > 0);
	if (c->n && c->r[c->n - 1].stream == f->stream && c->r[c->n - 1].ns == f->time_ns) {
		assert_int_equal(sbuf_add(&c->r[c->n - 1].data, f->data, f->len), 0);
		return;
	}
	assert_true(c->n < 64);
	rec *r = &c->r[c->n++];
	r->stream = f->stream;
	r->ns = f->time_ns;
	r->data = (sbuf)SBUF_INIT;
	assert_int_equal(sbuf_add(&r->data, f->data, f->len), 0);
}

/* Feed the input cut at the offsets in `cuts` (ascending, < len). */
static void run_cuts(cut *c, bool tty, bool ts, const char *data, size_t len, const size_t *cuts, size_t ncuts)
{
	memset(c, 0, sizeof *c);
	logcut lc;
	logcut_init(&lc, tty, ts);
	berth_error err = BERTH_ERROR_INIT;
	size_t from = 0;
	for (size_t k = 0; k <= ncuts; k++) {
		size_t to = k < ncuts ? cuts[k] : len;
		/* each slice in its own heap block: an over-read shows under ASan */
		char *slice = malloc(to - from + 1);
		assert_non_null(slice);
		memcpy(slice, data + from, to - from);
		const char *p = slice;
		size_t left = to - from;
		logcut_frame f;
		int r;
		while ((r = logcut_next(&lc, &p, &left, &f, &err)) == 1)
			cut_add(c, &f);
		free(slice);
		if (r < 0) {
			c->rc = r;
			return;
		}
		assert_int_equal(left, 0);
		from = to;
	}
	logcut_frame f;
	int r;
	while ((r = logcut_finish(&lc, &f, &err)) == 1)
		cut_add(c, &f);
	c->rc = r;
}


typedef struct want {
	int stream;
	int64_t ns;
	const char *data;
	size_t len;   /* 0: strlen */
} want;

static void check(const cut *c, const want *w, size_t n, const char *ctx)
{
	if (c->rc != 0)
		fail_msg("%s: rc %d", ctx, c->rc);
	if (c->n != n)
		fail_msg("%s: %zu records, want %zu", ctx, c->n, n);
	for (size_t i = 0; i < n; i++) {
		size_t len = w[i].len ? w[i].len : strlen(w[i].data);
		if (c->r[i].stream != w[i].stream || c->r[i].ns != w[i].ns || c->r[i].data.len != len ||
		    memcmp(c->r[i].data.data, w[i].data, len) != 0)
			fail_msg("%s: record %zu: stream %d ns %lld \"%.*s\", want stream %d ns %lld \"%.*s\"", ctx, i,
				 c->r[i].stream, (long long)c->r[i].ns, (int)c->r[i].data.len, c->r[i].data.data,
				 w[i].stream, (long long)w[i].ns, (int)len, w[i].data);
	}
}

/* Every single cut point and every slice size give the same result. */
static void check_all_splits(bool tty, bool ts, const char *data, size_t len, const want *w, size_t n)
{
	char ctx[64];
	cut c;
	run_cuts(&c, tty, ts, data, len, NULL, 0);
	check(&c, w, n, "whole");
	cut_release(&c);
	for (size_t i = 1; i < len; i++) {
		run_cuts(&c, tty, ts, data, len, &i, 1);
		snprintf(ctx, sizeof ctx, "cut at %zu", i);
		check(&c, w, n, ctx);
		cut_release(&c);
	}
	size_t *cuts = malloc(len * sizeof *cuts);
	assert_non_null(cuts);
	for (size_t step = 1; step < 16 && step < len; step++) {
		size_t k = 0;
		for (size_t at = step; at < len; at += step)
			cuts[k++] = at;
		run_cuts(&c, tty, ts, data, len, cuts, k);
		snprintf(ctx, sizeof ctx, "slices of %zu", step);
		check(&c, w, n, ctx);
		cut_release(&c);
	}
	free(cuts);
}

#define T1 "2024-05-01T10:00:00.123456789Z"
#define T1_NS (1714557600LL * 1000000000LL + 123456789)
#define T2 "2024-05-01T10:00:01Z"
#define T2_NS (1714557601LL * 1000000000LL)
#define T3 "2024-05-01T12:00:02.5+02:00"
#define T3_NS (1714557602LL * 1000000000LL + 500000000)

static void test_cut_framed_timestamps(void **state)
{
	(void)state;
	static char buf[4096];
	char bin[200];
	for (size_t i = 0; i < sizeof bin; i++)
		bin[i] = (char)(0x80 + i % 128);   /* and a length byte >= 0x80 below */
	char big[8 + sizeof(T3) + sizeof bin];
	size_t bl = 0;
	memcpy(big, T3 " ", sizeof(T3));
	bl = sizeof(T3);
	memcpy(big + bl, bin, sizeof bin);
	bl += sizeof bin;
	size_t n = 0;
	n += test_frame(buf + n, 1, T1 " hello\n", strlen(T1 " hello\n"));
	n += test_frame(buf + n, 2, T2 " oops\n", strlen(T2 " oops\n"));
	n += test_frame(buf + n, 1, big, bl);
	n += test_frame(buf + n, 1, "not-a-time data\n", 16);
	n += test_frame(buf + n, 2, T2 " ", strlen(T2 " "));       /* an empty entry */
	n += test_frame(buf + n, 2, "2024-05", 7);                 /* ends inside a would-be time */
	n += test_frame(buf + n, 1, T1 " again", strlen(T1 " again"));
	n += test_frame(buf + n, 1, "", 0);
	n += test_frame(buf + n, 1, T2 " x", strlen(T2 " x"));
	assert_true((bl & 0xff) >= 0x80);   /* the frame's last length byte */
	const want w[] = {
		{ 1, T1_NS, "hello\n", 0 },
		{ 2, T2_NS, "oops\n", 0 },
		{ 1, T3_NS, bin, sizeof bin },
		{ 1, 0, "not-a-time data\n", 0 },
		{ 2, 0, "2024-05", 0 },
		{ 1, T1_NS, "again", 0 },
		{ 1, T2_NS, "x", 0 },
	};
	check_all_splits(false, true, buf, n, w, sizeof w / sizeof *w);

	/* without timestamps the same bytes are data */
	char joined[sizeof big + 16];
	memcpy(joined, big, bl);
	memcpy(joined + bl, "not-a-time data\n", 16);
	const want plain[] = {
		{ 1, 0, T1 " hello\n", 0 },
		{ 2, 0, T2 " oops\n", 0 },
		{ 1, 0, joined, bl + 16 },
		{ 2, 0, T2 " 2024-05", 0 },
		{ 1, 0, T1 " again" T2 " x", 0 },
	};
	check_all_splits(false, false, buf, n, plain, sizeof plain / sizeof *plain);
}

static void test_cut_long_prefix(void **state)
{
	(void)state;
	/* no space within the longest time: data, byte-exact */
	char buf[256];
	const char *p = "2024-05-01T10:00:00.123456789123456789123456789Zzzzzzz tail\n";
	size_t n = test_frame(buf, 1, p, strlen(p));
	const want w[] = { { 1, 0, p, 0 } };
	check_all_splits(false, true, buf, n, w, 1);
}

static void test_cut_tty(void **state)
{
	(void)state;
	/* a TTY stream: no frames; bytes that look like a header are data */
	const char raw[] = "\x01\x00\x00\x00\x00\x00\x00\x05hello\r\n\xff\xfe";
	const want w[] = { { 1, 0, raw, sizeof raw - 1 } };
	check_all_splits(true, false, raw, sizeof raw - 1, w, 1);

	/* with timestamps, each line is an entry */
	const char ts[] = T1 " a\r\n" T2 " b\r\nno time here\n" T3 " c";
	const want wt[] = {
		{ 1, T1_NS, "a\r\n", 0 },
		{ 1, T2_NS, "b\r\n", 0 },
		{ 1, 0, "no time here\n", 0 },
		{ 1, T3_NS, "c", 0 },
	};
	check_all_splits(true, true, ts, sizeof ts - 1, wt, 4);

	/* ends inside a would-be time: handed out as data */
	const char cutoff[] = T1 " a\n2024-05-01T1";
	const want wc[] = { { 1, T1_NS, "a\n", 0 }, { 1, 0, "2024-05-01T1", 0 } };
	check_all_splits(true, true, cutoff, sizeof cutoff - 1, wc, 2);
}

static void test_cut_bad(void **state)
{
	(void)state;
	char buf[64];
	cut c;
	/* truncated header, at every length */
	size_t n = test_frame(buf, 1, "abc", 3);
	for (size_t len = 1; len < 8; len++) {
		run_cuts(&c, false, true, buf, len, NULL, 0);
		assert_int_equal(c.rc, BERTH_EPROTOCOL);
		cut_release(&c);
	}
	/* truncated payload */
	for (size_t len = 9; len < n; len++) {
		run_cuts(&c, false, false, buf, len, NULL, 0);
		assert_int_equal(c.rc, BERTH_EPROTOCOL);
		cut_release(&c);
	}
	/* a stream above 3, non-zero padding */
	for (int bad = 0; bad < 2; bad++) {
		n = test_frame(buf, 1, "ok", 2);
		n += test_frame(buf + n, 1, "x", 1);
		if (bad == 0)
			buf[10] = 4;
		else
			buf[12] = 1;
		run_cuts(&c, false, true, buf, n, NULL, 0);
		assert_int_equal(c.rc, BERTH_EPROTOCOL);
		assert_int_equal(c.n, 1);  /* what came before is delivered */
		cut_release(&c);
	}
	/* huge length (0xffffffff) with little data: ends short, no over-read */
	memcpy(buf, "\x01\x00\x00\x00\xff\xff\xff\xff" "abc", 11);
	run_cuts(&c, false, false, buf, 11, NULL, 0);
	assert_int_equal(c.rc, BERTH_EPROTOCOL);
	cut_release(&c);
}

/* ---- over a fake engine ------------------------------------------------------------ */

#define DOCKER_PING FAKE_DOCKER_PING
#define INSPECT_PLAIN "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 34\r\n\r\n" \
	"{\"Id\":\"c1\",\"Config\":{\"Tty\":false}}"
#define INSPECT_TTY "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 33\r\n\r\n" \
	"{\"Id\":\"c1\",\"Config\":{\"Tty\":true}}"
#define STREAM_HEAD "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n"

static fake_server *fs;
static berth_client *client;
static char *bodies[8];
static size_t nbodies;

static int teardown(void **state)
{
	(void)state;
	fake_engine_stop(&fs, &client);
	for (size_t i = 0; i < nbodies; i++)
		free(bodies[i]);
	nbodies = 0;
	return 0;
}

static void start_engine(const fake_reply *rest, size_t n)
{
	fs = fake_engine_start(&client, DOCKER_PING, rest, n);
}

/* A reply: head (with Content-Length: len, or chunked when chunked) + body. */
static fake_reply body_reply(const char *body, size_t len, bool chunked, size_t claim)
{
	size_t size = len + 256;
	char *r = malloc(size);
	assert_non_null(r);
	int h;
	if (chunked)
		h = snprintf(r, size, STREAM_HEAD "Transfer-Encoding: chunked\r\n\r\n%zx\r\n", len);
	else
		h = snprintf(r, size, STREAM_HEAD "Content-Length: %zu\r\n\r\n", claim ? claim : len);
	memcpy(r + h, body, len);
	size_t total = (size_t)h + len;
	if (chunked) {
		memcpy(r + total, "\r\n0\r\n\r\n", 7);
		total += 7;
	}
	assert_true(nbodies < 8);
	bodies[nbodies++] = r;
	return (fake_reply){ .data = r, .len = total };
}

static void test_checks_before_request(void **state)
{
	(void)state;
	fake_reply r[] = { { .data = INSPECT_PLAIN } };
	start_engine(r, 1);
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	berth_logs_options o = BERTH_LOGS_OPTIONS_INIT;
	o.show_stdout = o.show_stderr = 0;
	assert_code(berth_container_logs(&s, client, "c1", &o, &err), BERTH_EINVAL, &err);
	o = (berth_logs_options)BERTH_LOGS_OPTIONS_INIT;
	o.tail = -2;
	assert_code(berth_container_logs(&s, client, "c1", &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "tail");
	o = (berth_logs_options)BERTH_LOGS_OPTIONS_INIT;
	o.since = "yesterday";
	assert_code(berth_container_logs(&s, client, "c1", &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "since");
	o = (berth_logs_options)BERTH_LOGS_OPTIONS_INIT;
	o.until = "10q";
	assert_code(berth_container_logs(&s, client, "c1", &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "until");
	o = (berth_logs_options)BERTH_LOGS_OPTIONS_INIT;
	o.since = "10m";
	o.until = "1h";
	assert_code(berth_container_logs(&s, client, "c1", &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "not after");
	o = (berth_logs_options)BERTH_LOGS_OPTIONS_INIT;
	o.version = 99;
	assert_code(berth_container_logs(&s, client, "c1", &o, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_logs(&s, client, "c/1", NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_logs(&s, client, NULL, NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_logs(NULL, client, "c1", NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_logs(&s, NULL, "c1", NULL, &err), BERTH_EINVAL, &err);
	assert_null(s);
	assert_int_equal(fake_requests(fs), 1);   /* the ping only */
}

static void test_not_found(void **state)
{
	(void)state;
	static const char nf[] = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n"
				 "{\"message\":\"No such container: nothere\"}";
	fake_reply r[] = { { .data = nf } };
	start_engine(r, 1);
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_code(berth_container_logs(&s, client, "nothere", NULL, &err), BERTH_ENOTFOUND, &err);
	assert_null(s);
	assert_message_has(&err, "nothere");
}

/* Read everything: stdout and stderr bytes, the times seen. */
static int read_all(berth_stream *s, sbuf *out, sbuf *errb, int64_t *last_ns, berth_error *err)
{
	berth_frame f;
	int r;
	while ((r = berth_stream_next(s, &f, 2000, err)) == 0) {
		if (f.channel == BERTH_CHANNEL_STDOUT)
			assert_int_equal(sbuf_add(out, f.data, f.len), 0);
		else if (f.channel == BERTH_CHANNEL_STDERR)
			assert_int_equal(sbuf_add(errb, f.data, f.len), 0);
		if (last_ns)
			*last_ns = f.time_ns;
	}
	return r;
}

static void test_stream_byte_by_byte(void **state)
{
	(void)state;
	char body[512];
	size_t n = test_frame(body, 1, T1 " out\n", strlen(T1 " out\n"));
	n += test_frame(body + n, 2, T2 " err\n", strlen(T2 " err\n"));
	n += test_frame(body + n, 1, T3 " \x80\xff", strlen(T3 " \x80\xff"));
	fake_reply r[] = { { .data = INSPECT_PLAIN }, body_reply(body, n, true, 0) };
	r[1].split = 1;   /* every byte on its own */
	r[1].split_delay_us = 20;
	start_engine(r, 2);
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	berth_logs_options o = BERTH_LOGS_OPTIONS_INIT;
	o.timestamps = 1;
	o.tail = 5;
	o.since = "1714557600.5";
	o.until = "2024-05-01T10:00:09Z";
	assert_ok(berth_container_logs(&s, client, "c1", &o, &err), &err);
	const char *req = fake_last_request(fs);
	if (!strstr(req, "/containers/c1/logs?stdout=1&stderr=1&follow=0&timestamps=1&tail=5"
			 "&since=1714557600.500000000&until=1714557609.000000000"))
		fail_msg("request: %s", req);
	_cleanup_sbuf_ sbuf out = SBUF_INIT, errb = SBUF_INIT;
	int64_t last = 0;
	assert_code(read_all(s, &out, &errb, &last, &err), BERTH_ITEROVER, &err);
	assert_string_equal(out.data, "out\n\x80\xff");
	assert_string_equal(errb.data, "err\n");
	assert_true(last == T3_NS);
	berth_stream_free(s);
}

static void test_stream_tty(void **state)
{
	(void)state;
	static const char raw[] = "\x01\x00\x00\x00\x00\x00\x00\x05tty\r\n";
	fake_reply r[] = { { .data = INSPECT_TTY }, body_reply(raw, sizeof raw - 1, false, 0) };
	start_engine(r, 2);
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_ok(berth_container_logs(&s, client, "c1", NULL, &err), &err);
	_cleanup_sbuf_ sbuf out = SBUF_INIT, errb = SBUF_INIT;
	assert_code(read_all(s, &out, &errb, NULL, &err), BERTH_ITEROVER, &err);
	assert_int_equal(out.len, sizeof raw - 1);
	assert_memory_equal(out.data, raw, sizeof raw - 1);
	assert_int_equal(errb.len, 0);
	berth_stream_free(s);
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The engine closes mid-body: the stream ends with an error, at once. */
static void test_stream_cut(void **state)
{
	(void)state;
	char body[64];
	size_t n = test_frame(body, 1, "whole\n", 6);
	n += test_frame(body + n, 1, "cut short", 9);
	for (int kind = 0; kind < 3; kind++) {
		fake_reply r[] = { { .data = INSPECT_PLAIN }, { 0 } };
		if (kind == 0) {
			/* Content-Length promises more than comes */
			r[1] = body_reply(body, n - 4, false, n);
		} else if (kind == 1) {
			/* chunked without its last chunk */
			r[1] = body_reply(body, n - 4, true, 0);
			r[1].len -= 7;
		} else {
			/* a complete body that ends inside a frame */
			r[1] = body_reply(body, n - 4, false, 0);
		}
		r[1].close_after = true;
		start_engine(r, 2);
		berth_error err = BERTH_ERROR_INIT;
		berth_stream *s = NULL;
		assert_ok(berth_container_logs(&s, client, "c1", NULL, &err), &err);
		_cleanup_sbuf_ sbuf out = SBUF_INIT, errb = SBUF_INIT;
		int64_t t0 = mono_ms();
		int rc = read_all(s, &out, &errb, NULL, &err);
		assert_true(mono_ms() - t0 < 1500);
		if (kind == 2)
			assert_code(rc, BERTH_EPROTOCOL, &err);
		else if (rc != BERTH_EUNAVAILABLE && rc != BERTH_EPROTOCOL)
			fail_msg("kind %d: %s: %s", kind, berth_code_name(rc), err.message);
		assert_true(strncmp(out.data, "whole\ncut", 9) == 0);
		/* the error stays */
		berth_frame f;
		assert_int_equal(berth_stream_next(s, &f, 0, &err), rc);
		berth_stream_free(s);
		teardown(NULL);
	}
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* A reader that stops reading holds the engine back; memory stays put. */
static void test_reader_stops(void **state)
{
	(void)state;
	const size_t size = 48u << 20;
	char *body = malloc(size);
	assert_non_null(body);
	/* frames of 64 KiB; the whole body is touched before the baseline */
	size_t n = 0;
	while (n + 8 + 65536 <= size) {
		memset(body + n + 8, 'x', 65536);
		body[n] = 1;
		body[n + 1] = body[n + 2] = body[n + 3] = 0;
		body[n + 4] = 0;
		body[n + 5] = 1;
		body[n + 6] = body[n + 7] = 0;
		n += 8 + 65536;
	}
	fake_reply r[] = { { .data = INSPECT_PLAIN }, body_reply(body, n, false, 0) };
	free(body);
	start_engine(r, 2);
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_ok(berth_container_logs(&s, client, "c1", NULL, &err), &err);
	berth_frame f;
	assert_ok(berth_stream_next(s, &f, 2000, &err), &err);
	long before = rss_kib();
	usleep(300 * 1000);   /* the server writes as fast as the socket lets it */
	long after = rss_kib();
	assert_true(after - before < 4096);
	/* and the stream still reads on from where it was */
	size_t total = f.len;
	int rc;
	while ((rc = berth_stream_next(s, &f, 2000, &err)) == 0)
		total += f.len;
	assert_code(rc, BERTH_ITEROVER, &err);
	assert_int_equal(total, n / (8 + 65536) * 65536);
	berth_stream_free(s);
}

/* Headers, then nothing: next() times out and stays usable. */
static void test_stream_stall(void **state)
{
	(void)state;
	char body[32];
	size_t n = test_frame(body, 2, "late\n", 5);
	fake_reply r[] = { { .data = INSPECT_PLAIN }, body_reply(body, n, false, 0) };
	r[1].stall_at = r[1].len - n;   /* the head only */
	start_engine(r, 2);
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_ok(berth_container_logs(&s, client, "c1", NULL, &err), &err);
	berth_frame f;
	int64_t t0 = mono_ms();
	assert_code(berth_stream_next(s, &f, 100, &err), BERTH_ETIMEDOUT, &err);
	assert_true(mono_ms() - t0 < 1000);
	assert_true(berth_stream_fd(s) >= 0);
	fake_release(fs);
	assert_ok(berth_stream_next(s, &f, 2000, &err), &err);
	assert_int_equal(f.channel, BERTH_CHANNEL_STDERR);
	assert_int_equal(f.len, 5);
	assert_code(berth_stream_next(s, &f, 2000, &err), BERTH_ITEROVER, &err);
	berth_stream_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_cut_framed_timestamps),
		cmocka_unit_test(test_cut_long_prefix),
		cmocka_unit_test(test_cut_tty),
		cmocka_unit_test(test_cut_bad),
		cmocka_unit_test_teardown(test_checks_before_request, teardown),
		cmocka_unit_test_teardown(test_not_found, teardown),
		cmocka_unit_test_teardown(test_stream_byte_by_byte, teardown),
		cmocka_unit_test_teardown(test_stream_tty, teardown),
		cmocka_unit_test_teardown(test_stream_cut, teardown),
		cmocka_unit_test_teardown(test_reader_stops, teardown),
		cmocka_unit_test_teardown(test_stream_stall, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
