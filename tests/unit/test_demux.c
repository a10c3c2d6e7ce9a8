/* The multiplexed stream parser and the line splitter (src/lib/parse/demux.c). */
#include "../common/test.h"

#include "../common/fixture.h"
#include "lib/parse/demux.h"

/* Everything a demux run produced: per stream bytes, frame ends, pieces. */
typedef struct collected {
	sbuf out[DEMUX_STREAMS];
	size_t pieces, frame_ends;
	int rc;         /* the first error, or 0 */
} collected;

static void collected_release(collected *c)
{
	for (int i = 0; i < DEMUX_STREAMS; i++)
		sbuf_release(&c->out[i]);
}

/* Feed data in slices of `step` bytes (0: all at once). */
static void run(collected *c, bool tty, const char *data, size_t len, size_t step)
{
	memset(c, 0, sizeof *c);
	demux d;
	demux_init(&d, tty);
	berth_error err = BERTH_ERROR_INIT;
	size_t off = 0;
	while (off < len || (len == 0 && off == 0)) {
		size_t n = step && len - off > step ? step : len - off;
		const char *p = data + off;
		size_t left = n;
		demux_piece piece;
		int r;
		while ((r = demux_next(&d, &p, &left, &piece, &err)) == 1) {
			assert_true(piece.len > 0);
			assert_int_equal(sbuf_add(&c->out[piece.stream], piece.data, piece.len), 0);
			c->pieces++;
			c->frame_ends += piece.frame_end;
		}
		if (r < 0) {
			c->rc = r;
			return;
		}
		assert_int_equal(left, 0);
		off += n;
		if (len == 0)
			break;
	}
	c->rc = demux_finish(&d, &err);
}


static void test_frames_any_split(void **state)
{
	(void)state;
	char buf[256];
	size_t n = test_frame(buf, 1, "one\n", 4);
	n += test_frame(buf + n, 2, "two\n", 4);
	n += test_frame(buf + n, 1, "", 0); /* empty frames are legal */
	n += test_frame(buf + n, 1, "partial", 7);
	n += test_frame(buf + n, 3, "engine says no", 14);
	for (size_t step = 0; step <= n; step++) {
		collected c;
		run(&c, false, buf, n, step);
		assert_int_equal(c.rc, 0);
		assert_string_equal(c.out[1].data, "one\npartial");
		assert_string_equal(c.out[2].data, "two\n");
		assert_string_equal(c.out[3].data, "engine says no");
		assert_int_equal(c.out[0].len, 0);
		assert_int_equal(c.frame_ends, 4);
		collected_release(&c);
	}
}

/* A length byte >= 0x80 is an unsigned big-endian length, not a negative
 * number: a 0x80-byte frame, a 0x8000-byte one, a 0x800000-byte one. */
static void test_high_length_bytes(void **state)
{
	(void)state;
	static const size_t sizes[] = { 0x80, 0xff, 0x8000, 0x8080, 0x800000 };
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		size_t n = sizes[k];
		char *payload = malloc(n);
		memset(payload, 'x', n);
		payload[n - 1] = '\n';
		char *buf = malloc(n + 8);
		size_t total = test_frame(buf, 2, payload, n);
		collected c;
		run(&c, false, buf, total, 4096);
		assert_int_equal(c.rc, 0);
		assert_int_equal(c.out[2].len, n);
		assert_int_equal(c.frame_ends, 1);
		assert_memory_equal(c.out[2].data, payload, n);
		collected_release(&c);
		free(payload);
		free(buf);
	}
	/* a declared 0xffffffff-byte frame that is cut short: truncated, not a crash */
	static const char huge[] = "\x01\0\0\0\xff\xff\xff\xff" "abc";
	collected c;
	run(&c, false, huge, sizeof huge - 1, 0);
	assert_int_equal(c.rc, BERTH_EPROTOCOL);
	assert_string_equal(c.out[1].data, "abc");
	collected_release(&c);
}

static void test_bad_and_truncated(void **state)
{
	(void)state;
	collected c;
	/* text read as framed: 'h' is no stream */
	run(&c, false, "hello world\n", 12, 0);
	assert_int_equal(c.rc, BERTH_EPROTOCOL);
	collected_release(&c);
	/* padding must be zero */
	run(&c, false, "\x01\0\x01\0\0\0\0\x01x", 9, 0);
	assert_int_equal(c.rc, BERTH_EPROTOCOL);
	collected_release(&c);
	/* stream 4 does not exist */
	run(&c, false, "\x04\0\0\0\0\0\0\x01x", 9, 0);
	assert_int_equal(c.rc, BERTH_EPROTOCOL);
	collected_release(&c);
	/* cut inside a header, and inside a payload */
	run(&c, false, "\x01\0\0\0\0\0", 6, 0);
	assert_int_equal(c.rc, BERTH_EPROTOCOL);
	collected_release(&c);
	run(&c, false, "\x01\0\0\0\0\0\0\x05" "ab", 10, 1);
	assert_int_equal(c.rc, BERTH_EPROTOCOL);
	assert_string_equal(c.out[1].data, "ab");
	collected_release(&c);
	/* an empty stream is fine */
	run(&c, false, "", 0, 0);
	assert_int_equal(c.rc, 0);
	collected_release(&c);
	/* once failed, it stays failed */
	demux d;
	demux_init(&d, false);
	const char *p = "\x09\0\0\0\0\0\0\0";
	size_t left = 8;
	demux_piece piece;
	berth_error err = BERTH_ERROR_INIT;
	assert_code(demux_next(&d, &p, &left, &piece, &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "bad frame header 09");
	p = "\x01\0\0\0\0\0\0\x01x";
	left = 9;
	assert_code(demux_next(&d, &p, &left, &piece, &err), BERTH_EPROTOCOL, &err);
}

static void test_tty_passthrough(void **state)
{
	(void)state;
	collected c;
	run(&c, true, "\x01\0\0\0 not a header\r\n", 20, 3);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.out[1].len, 20);
	assert_memory_equal(c.out[1].data, "\x01\0\0\0 not a header\r\n", 20);
	collected_release(&c);
}

/* ---- real replies (tests/unit/fixtures/logs) ---------------------------- */

static const char *rel(const char *name)
{
	static char buf[128];
	snprintf(buf, sizeof buf, "logs/%s", name);
	return buf;
}

typedef struct lines { strv v; int stop_after; } lines;

static int on_line(int stream, const char *line, size_t len, void *payload)
{
	lines *l = payload;
	char buf[256];
	snprintf(buf, sizeof buf, "%d:%.*s", stream, (int)len, line);
	assert_int_equal(strv_push(&l->v, buf), 0);
	return l->stop_after && (int)l->v.len >= l->stop_after ? 7 : 0;
}

/* Demux a whole buffer into lines, feeding `step` bytes at a time. */
static void split(lines *l, const char *data, size_t len, bool tty, size_t step)
{
	demux d;
	demux_init(&d, tty);
	line_splitter ls;
	line_splitter_init(&ls, 0);
	berth_error err = BERTH_ERROR_INIT;
	for (size_t off = 0; off < len; off += step) {
		const char *p = data + off;
		size_t left = len - off < step ? len - off : step;
		demux_piece piece;
		int r;
		while ((r = demux_next(&d, &p, &left, &piece, &err)) == 1)
			assert_int_equal(line_splitter_feed(&ls, piece.stream, piece.data, piece.len, on_line, l), 0);
		assert_ok(r, &err);
	}
	assert_ok(demux_finish(&d, &err), &err);
	assert_int_equal(line_splitter_partials(&ls, on_line, l), 0);
	line_splitter_release(&ls);
}

/* `echo one; echo two >&2; printf partial; sleep 1; echo three`: Docker
 * joins the partial line before it logs it, Podman logs "partial" as a
 * frame of its own; the lines come out the same. */
static void test_real_logs(void **state)
{
	(void)state;
	static const char *const names[] = { "docker-logs-framed.bin", "podman-logs-framed.bin" };
	for (size_t k = 0; k < 2; k++) {
		size_t len;
		char *data = test_fixture(rel(names[k]), &len);
		for (size_t step = 1; step <= len; step += (step < 16 ? 1 : 13)) {
			lines l = { STRV_INIT, 0 };
			split(&l, data, len, false, step);
			assert_int_equal(l.v.len, 3);
			/* stdout and stderr lines keep their order within each stream */
			size_t out = 0;
			for (size_t i = 0; i < l.v.len; i++) {
				if (l.v.items[i][0] == '1')
					assert_string_equal(l.v.items[i], out++ == 0 ? "1:one" : "1:partialthree");
				else
					assert_string_equal(l.v.items[i], "2:two");
			}
			strv_release(&l.v);
		}
		free(data);
	}
	static const char *const tty[] = { "docker-logs-tty.bin", "podman-logs-tty.bin" };
	for (size_t k = 0; k < 2; k++) {
		size_t len;
		char *data = test_fixture(rel(tty[k]), &len);
		lines l = { STRV_INIT, 0 };
		split(&l, data, len, true, 3);
		assert_int_equal(l.v.len, 2);
		assert_string_equal(l.v.items[0], "1:one"); /* "\r\n" trimmed */
		assert_string_equal(l.v.items[1], "1:two");
		strv_release(&l.v);
		free(data);
	}
}

static void test_line_splitter_limits(void **state)
{
	(void)state;
	line_splitter ls;
	line_splitter_init(&ls, 4);
	lines l = { STRV_INIT, 0 };
	/* exactly max bytes, then longer lines split at max */
	assert_int_equal(line_splitter_feed(&ls, 1, "abcd\nabcdefghij\n", 16, on_line, &l), 0);
	assert_int_equal(l.v.len, 4);
	assert_string_equal(l.v.items[0], "1:abcd");
	assert_string_equal(l.v.items[1], "1:abcd");
	assert_string_equal(l.v.items[2], "1:efgh");
	assert_string_equal(l.v.items[3], "1:ij");
	/* a partial that fills up exactly, then its newline */
	assert_int_equal(line_splitter_feed(&ls, 2, "wxyz", 4, on_line, &l), 0);
	assert_int_equal(l.v.len, 4);
	assert_int_equal(line_splitter_feed(&ls, 2, "\n", 1, on_line, &l), 0);
	assert_int_equal(l.v.len, 5);
	assert_string_equal(l.v.items[4], "2:wxyz");
	/* empty lines are lines; unknown streams are ignored */
	assert_int_equal(line_splitter_feed(&ls, 1, "\n\n", 2, on_line, &l), 0);
	assert_int_equal(line_splitter_feed(&ls, 9, "x\n", 2, on_line, &l), 0);
	assert_int_equal(line_splitter_feed(&ls, -1, "x\n", 2, on_line, &l), 0);
	assert_int_equal(l.v.len, 7);
	/* the callback stops the feed */
	l.stop_after = 8;
	assert_int_equal(line_splitter_feed(&ls, 1, "a\nb\nc\n", 6, on_line, &l), 7);
	assert_int_equal(l.v.len, 8);
	/* partials are handed out and stay */
	l.stop_after = 0;
	assert_int_equal(line_splitter_feed(&ls, 2, "par", 3, on_line, &l), 0);
	assert_int_equal(line_splitter_partials(&ls, on_line, &l), 0);
	assert_string_equal(l.v.items[l.v.len - 1], "2:par");
	assert_int_equal(line_splitter_feed(&ls, 2, "t\n", 2, on_line, &l), 0);
	assert_string_equal(l.v.items[l.v.len - 1], "2:part");
	strv_release(&l.v);
	line_splitter_release(&ls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_any_split),
		cmocka_unit_test(test_high_length_bytes),
		cmocka_unit_test(test_bad_and_truncated),
		cmocka_unit_test(test_tty_passthrough),
		cmocka_unit_test(test_real_logs),
		cmocka_unit_test(test_line_splitter_limits),
	};
	return cmocka_run_group_tests_name("demux", tests, NULL, NULL);
}
