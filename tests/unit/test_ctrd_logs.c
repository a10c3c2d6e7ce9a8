/* containerd logs without containerd: the record format, berth-logger
 * driven the way a shim drives it (stdout on fd 3, stderr on fd 4, the
 * readiness pipe on fd 5) and its order across the channels (logmerge),
 * and the log reader's tail, since / until, channel selection, timestamps
 * and follow. */
#include "../common/test.h"

#include "lib/engines/containerd/ctrd_logfmt.h"
#include "lib/engines/containerd/ctrd_logread.h"
#include "logger/logmerge.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/berth-logs-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_format(void **state)
{
	(void)state;
	char buf[LOGFMT_RECORD_MAX];
	size_t n = ctrd_logfmt_format(buf, LOGFMT_STDERR, false, 1714557600123456789LL, "hi", 2);
	assert_int_equal(n, 43);
	assert_memory_equal(buf, "2024-05-01T10:00:00.123456789Z stderr F hi\n", n);
	logfmt_record r;
	assert_int_equal(ctrd_logfmt_parse(&r, buf, n - 1), 0);
	assert_int_equal(r.kind, LOGFMT_STDERR);
	assert_int_equal(r.time_ns, 1714557600123456789LL);
	assert_int_equal(r.len, 2);
	assert_false(r.partial);
	n = ctrd_logfmt_format(buf, LOGFMT_END, false, 0, NULL, 0);
	assert_memory_equal(buf, "1970-01-01T00:00:00.000000000Z berth E exit\n", n);
	assert_int_equal(ctrd_logfmt_parse(&r, buf, n - 1), 0);
	assert_int_equal(r.kind, LOGFMT_END);
	n = ctrd_logfmt_format(buf, LOGFMT_STDOUT, true, 0, "", 0);
	assert_int_equal(ctrd_logfmt_parse(&r, buf, n - 1), 0);
	assert_true(r.partial);
	assert_int_equal(r.len, 0);
	const char *bad[] = { "", "2024-05-01T10:00:00.123456789Z stdin F x", "2024-05-01T10:00:00Z stdout F x",
			      "2024-05-01T10:00:00.123456789Z stdout X x", "2024-05-01T10:00:00.123456789Z stdout Fx" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(ctrd_logfmt_parse(&r, bad[i], strlen(bad[i])), -1);
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		assert_true(w > 0);
		s += w;
		n -= (size_t)w;
	}
}

/* Start berth-logger as a shim would; returns its pid, the write ends of
 * its stdout and stderr pipes in fds. backlog (NULL: none) is what the
 * task wrote to each pipe before the logger started. */
static pid_t start_logger(const char *log, int fds[2], const sbuf *backlog)
{
	const char *bin = getenv("BERTH_LOGGER");
	if (!bin)
		fail_msg("BERTH_LOGGER is not set");
	int out[2], errp[2], ready[2];
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	assert_int_equal(pipe2(errp, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	for (int i = 0; backlog && i < 2; i++)
		write_all(i ? errp[1] : out[1], backlog[i].data, backlog[i].len);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int a = fcntl(out[0], F_DUPFD, 10), b = fcntl(errp[0], F_DUPFD, 10), c = fcntl(ready[1], F_DUPFD, 10);
		dup2(a, 3);
		dup2(b, 4);
		dup2(c, 5);
		for (int fd = 6; fd < 64; fd++)
			close(fd);
		execl(bin, bin, "log", log, (char *)NULL);
		_exit(127);
	}
	close(out[0]);
	close(errp[0]);
	close(ready[1]);
	char x;
	assert_int_equal(read(ready[0], &x, 1), 0); /* closed = ready */
	close(ready[0]);
	fds[0] = out[1];
	fds[1] = errp[1];
	return pid;
}

static int wait_exit(pid_t pid)
{
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* All frames of a stream, joined, with "<channel>:" before each channel change. */
static char *read_all(berth_stream *s, int *frames)
{
	size_t cap = 1 << 20, len = 0;
	char *all = calloc(1, cap);
	berth_frame f;
	berth_error err = BERTH_ERROR_INIT;
	int r, last = 0;
	*frames = 0;
	while ((r = berth_stream_next(s, &f, 5000, &err)) == 0) {
		(*frames)++;
		if ((int)f.channel != last)
			len += (size_t)snprintf(all + len, cap - len, "%d:", (int)f.channel);
		last = (int)f.channel;
		assert_true(len + f.len < cap);
		memcpy(all + len, f.data, f.len);
		len += f.len;
	}
	assert_code(r, BERTH_ITEROVER, &err);
	return all;
}

static berth_stream *open_log(const char *path, ctrd_log_query q)
{
	berth_stream *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(ctrd_log_open(&s, path, &q, NULL, &err), &err);
	return s;
}

static const ctrd_log_query all_q = { true, true, false, false, -1, 0, 0 };

static void test_logger(void **state)
{
	(void)state;
	char log[256];
	snprintf(log, sizeof log, "%s/one.log", dir);
	int fds[2];
	pid_t pid = start_logger(log, fds, NULL);
	write_all(fds[0], "first\nsec", 9);
	write_all(fds[1], "oops\n", 5);
	usleep(20000);
	write_all(fds[0], "ond\n", 4);
	char *big = malloc(40000);
	memset(big, 'x', 40000);
	write_all(fds[0], big, 40000);
	write_all(fds[0], "\nno newline", 11);
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(wait_exit(pid), 0);

	int frames;
	berth_stream *s = open_log(log, all_q);
	char *got = read_all(s, &frames);
	berth_stream_free(s);
	assert_non_null(strstr(got, "2:oops\n"));
	/* stdout alone, byte for byte (its second line came in two reads: a
	 * P piece, then the rest) */
	free(got);
	ctrd_log_query only_out = all_q;
	only_out.err = false;
	s = open_log(log, only_out);
	got = read_all(s, &frames);
	berth_stream_free(s);
	assert_true(strncmp(got, "1:first\nsecond\nxxx", 18) == 0);
	/* 40000 bytes: pieces of 16384, 16384 and 7232 with the newline */
	char *x = strstr(got, "xxxx");
	assert_non_null(x);
	assert_int_equal(strspn(x, "x"), 40000);
	assert_string_equal(x + 40000, "\nno newline");
	free(got);

	/* stdout only, with timestamps: every frame has its time */
	ctrd_log_query q = all_q;
	q.err = false;
	q.timestamps = true;
	s = open_log(log, q);
	berth_frame f;
	berth_error err = BERTH_ERROR_INIT;
	int n = 0, r;
	while ((r = berth_stream_next(s, &f, 1000, &err)) == 0) {
		assert_int_equal(f.channel, BERTH_CHANNEL_STDOUT);
		assert_true(f.time_ns > 1700000000000000000LL);
		n++;
	}
	assert_code(r, BERTH_ITEROVER, &err);
	/* first, second (one or two records: it came in two reads), at least
	 * three pieces of the long line, the unfinished one */
	assert_true(n >= 6);
	berth_stream_free(s);

	/* tail 1 (of both channels; stderr's are left out after): the
	 * unfinished stdout line, a record of its own and the last one */
	q.tail = 1;
	q.timestamps = false;
	s = open_log(log, q);
	got = read_all(s, &frames);
	assert_int_equal(frames, 1);
	assert_string_equal(got, "1:no newline");
	free(got);
	berth_stream_free(s);
	q.tail = 0;
	s = open_log(log, q);
	got = read_all(s, &frames);
	assert_int_equal(frames, 0);
	free(got);
	berth_stream_free(s);
	free(big);
}

/* The channels of a round of n0 and n1 pieces after last, as "0101". */
static void expect_merge(size_t n0, size_t n1, int last, const char *want)
{
	char got[64] = "";
	logmerge m;
	logmerge_start(&m, n0, n1, last);
	size_t k = 0;
	for (int c; (c = logmerge_next(&m)) >= 0 && k + 1 < sizeof got;)
		got[k++] = (char)('0' + c);
	got[k] = '\0';
	assert_string_equal(got, want);
	assert_int_equal(logmerge_next(&m), -1);
}

static void test_merge(void **state)
{
	(void)state;
	expect_merge(0, 0, -1, "");
	expect_merge(2, 0, 1, "00");
	expect_merge(0, 3, 0, "111");
	/* as many on both: in turn, the channel that did not write last first */
	expect_merge(3, 3, -1, "010101");
	expect_merge(3, 3, 1, "010101");
	expect_merge(3, 3, 0, "101010");
	/* one more on a channel: it begins and ends the round */
	expect_merge(4, 3, 1, "0101010");
	expect_merge(3, 4, 0, "1010101");
	/* each channel spread over the round */
	expect_merge(1, 5, -1, "110111");
	expect_merge(10, 1, -1, "00000100000");
	expect_merge(2, 6, -1, "10111011");
	expect_merge(6, 2, 0, "01000100");
	/* big rounds in integers without overflow: the lone piece in the middle */
	logmerge m;
	logmerge_start(&m, 1, 400000, -1);
	size_t before = 0;
	while (logmerge_next(&m) == 1)
		before++;
	assert_int_equal(before, 200000);
}

static void test_merge_time(void **state)
{
	(void)state;
	/* spread over the round, the last at its end */
	assert_int_equal(logmerge_time(1000, 2000, 0, 4, 0), 1250);
	assert_int_equal(logmerge_time(1000, 2000, 1, 4, 1250), 1500);
	assert_int_equal(logmerge_time(1000, 2000, 3, 4, 1750), 2000);
	assert_int_equal(logmerge_time(1000, 2000, 0, 1, 0), 2000);
	/* never back, never the same: after the record before */
	assert_int_equal(logmerge_time(1000, 2000, 0, 4, 1900), 1901);
	assert_int_equal(logmerge_time(1000, 1000, 0, 1, 5000), 5001);
	assert_int_equal(logmerge_time(2000, 1000, 0, 2, 0), 1000);
	/* a wide span and many records */
	int64_t lo = 1000000000000000000LL, hi = lo + 86400LL * 1000000000LL;
	int64_t t = logmerge_time(lo, hi, 299999, 300000, 0);
	assert_int_equal(t, hi);
	t = logmerge_time(lo, hi, 149999, 300000, 0);
	assert_int_equal(t, lo + (hi - lo) / 2);
}

/* Both pipes full of alternating lines before berth-logger reads them (a
 * logger that lags behind a fast writer: its first read takes all of
 * each): the file has them in turn, with times in its order, so tail and
 * since / until see the same order. */
static void test_logger_order(void **state)
{
	(void)state;
	char log[256];
	snprintf(log, sizeof log, "%s/order.log", dir);
	sbuf backlog[2] = { SBUF_INIT, SBUF_INIT }, want = SBUF_INIT;
	for (int i = 1; i <= 2000; i++) {
		assert_true(sbuf_printf(&backlog[0], "out%d\n", i) >= 0);
		assert_true(sbuf_printf(&backlog[1], "err%d\n", i) >= 0);
		assert_true(sbuf_printf(&want, "1:out%d\n2:err%d\n", i, i) >= 0);
	}
	int fds[2];
	pid_t pid = start_logger(log, fds, backlog);
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(wait_exit(pid), 0);

	/* every entry with its channel: read_all marks changes only */
	ctrd_log_query q = all_q;
	q.timestamps = true;
	berth_stream *s = open_log(log, q);
	berth_frame f;
	berth_error err = BERTH_ERROR_INIT;
	sbuf got = SBUF_INIT;
	int64_t prev = 0, times[4000];
	int n = 0, r;
	while ((r = berth_stream_next(s, &f, 1000, &err)) == 0) {
		assert_true(n < 4000);
		assert_true(f.time_ns > prev);
		times[n++] = prev = f.time_ns;
		assert_true(sbuf_printf(&got, "%d:%.*s", (int)f.channel, (int)f.len, f.data) >= 0);
	}
	assert_code(r, BERTH_ITEROVER, &err);
	berth_stream_free(s);
	assert_int_equal(n, 4000);
	assert_string_equal(got.data, want.data);

	q = all_q;
	q.tail = 5;
	int frames;
	s = open_log(log, q);
	char *tail = read_all(s, &frames);
	berth_stream_free(s);
	assert_string_equal(tail, "2:err1998\n1:out1999\n2:err1999\n1:out2000\n2:err2000\n");
	free(tail);
	/* since / until at entries' own times: just those between */
	q = all_q;
	q.since_ns = times[3994];
	q.until_ns = times[3997];
	s = open_log(log, q);
	char *window = read_all(s, &frames);
	berth_stream_free(s);
	assert_string_equal(window, "1:out1998\n2:err1998\n1:out1999\n2:err1999\n");
	free(window);
	sbuf_release(&got);
	sbuf_release(&want);
	sbuf_release(&backlog[0]);
	sbuf_release(&backlog[1]);
}

/* A read that fills the buffer (a full pipe) may stop inside a line: when
 * nothing follows, the unfinished line is written all the same, long
 * before the pipes close. */
static void test_logger_full_read(void **state)
{
	(void)state;
	char log[256];
	snprintf(log, sizeof log, "%s/full.log", dir);
	sbuf backlog[2] = { SBUF_INIT, SBUF_INIT };
	while (backlog[0].len < 65536 - 16)
		assert_int_equal(sbuf_adds(&backlog[0], "aaaaaaaaaaaaaaa\n"), 0);
	assert_int_equal(sbuf_adds(&backlog[0], "unfinished line!"), 0);
	assert_int_equal(backlog[0].len, 65536);
	int fds[2];
	pid_t pid = start_logger(log, fds, backlog);
	bool seen = false;
	for (int i = 0; i < 300 && !seen; i++) {
		char *text = NULL;
		size_t len;
		if (read_file(log, 1 << 20, &text, &len) == 0)
			seen = strstr(text, " stdout P unfinished line!\n") != NULL;
		free(text);
		if (!seen)
			usleep(10000);
	}
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(wait_exit(pid), 0);
	assert_true(seen);
	sbuf_release(&backlog[0]);
}

static void write_records(const char *path, const int64_t *times, size_t n, bool end)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	assert_true(fd >= 0);
	char buf[LOGFMT_RECORD_MAX];
	for (size_t i = 0; i < n; i++) {
		char text[32];
		int tn = snprintf(text, sizeof text, "line %zu", i);
		size_t len = ctrd_logfmt_format(buf, i % 2 ? LOGFMT_STDERR : LOGFMT_STDOUT, false, times[i], text,
						(size_t)tn);
		write_all(fd, buf, len);
	}
	if (end)
		write_all(fd, buf, ctrd_logfmt_format(buf, LOGFMT_END, false, times[n - 1], NULL, 0));
	close(fd);
}

static void test_since_until(void **state)
{
	(void)state;
	char log[256];
	snprintf(log, sizeof log, "%s/times.log", dir);
	const int64_t t[] = { 1000000000000000000LL, 1000000001000000000LL, 1000000002000000000LL,
			      1000000003000000000LL };
	write_records(log, t, 4, true);
	ctrd_log_query q = all_q;
	q.since_ns = t[1];
	q.until_ns = t[3];
	int frames;
	berth_stream *s = open_log(log, q);
	char *got = read_all(s, &frames);
	/* both bounds take the entry stamped exactly at them, as Docker does */
	assert_string_equal(got, "2:line 1\n1:line 2\n2:line 3\n");
	free(got);
	berth_stream_free(s);
	q.until_ns = t[3] - 1;
	s = open_log(log, q);
	got = read_all(s, &frames);
	assert_string_equal(got, "2:line 1\n1:line 2\n");
	free(got);
	berth_stream_free(s);
	/* a file that does not exist is an empty log */
	snprintf(log, sizeof log, "%s/none.log", dir);
	s = open_log(log, all_q);
	got = read_all(s, &frames);
	assert_int_equal(frames, 0);
	free(got);
	berth_stream_free(s);
}

typedef struct appender {
	char path[256];
} appender;

static void *append_later(void *arg)
{
	appender *a = arg;
	usleep(200000);
	const int64_t t[] = { 2000000000000000000LL, 2000000001000000000LL };
	write_records(a->path, t, 2, true);
	return NULL;
}

static int alive_calls;
static int say_gone(void *ctx, berth_error *err)
{
	(void)ctx;
	(void)err;
	return ++alive_calls > 1 ? 0 : 1;
}

static void test_follow(void **state)
{
	(void)state;
	appender a;
	snprintf(a.path, sizeof a.path, "%s/follow.log", dir);
	/* follow starts before the file exists and ends at the end record */
	ctrd_log_query q = all_q;
	q.follow = true;
	berth_stream *s = open_log(a.path, q);
	assert_true(berth_stream_fd(s) >= 0);
	pthread_t th;
	pthread_create(&th, NULL, append_later, &a);
	int frames;
	int64_t t0 = now_ms();
	char *got = read_all(s, &frames);
	assert_string_equal(got, "1:line 0\n2:line 1\n");
	assert_true(now_ms() - t0 < 3000);
	free(got);
	berth_stream_free(s);
	pthread_join(th, NULL);

	/* an old end record with output after it does not end a follower; the
	 * task being gone does */
	const int64_t t[] = { 3000000000000000000LL };
	write_records(a.path, t, 1, false);
	const ctrd_log_hooks gone_hooks = { say_gone, 0, NULL, NULL, NULL };
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(ctrd_log_open(&s, a.path, &q, &gone_hooks, &err), &err);
	got = read_all(s, &frames);
	assert_int_equal(frames, 3);
	assert_true(alive_calls >= 2);
	free(got);
	berth_stream_free(s);

	/* a timeout leaves the follower resumable */
	alive_calls = -100;
	assert_ok(ctrd_log_open(&s, a.path, &q, &gone_hooks, &err), &err);
	berth_frame f;
	for (int i = 0; i < 3; i++)
		assert_ok(berth_stream_next(s, &f, 1000, &err), &err);
	assert_code(berth_stream_next(s, &f, 100, &err), BERTH_ETIMEDOUT, &err);
	berth_stream_free(s);
}

static void *append_one_soon(void *arg)
{
	appender *a = arg;
	usleep(50000);
	const int64_t t[] = { 4000000000000000000LL };
	write_records(a->path, t, 1, false);
	return NULL;
}

static int gone_now(void *ctx, berth_error *err)
{
	(void)ctx;
	(void)err;
	return 0;
}

/* What attach relies on: from the end of the file (tail 0), a file that
 * appears later is read whole; what is written just after the task is
 * gone still comes (the file settles first); a poll wake-up is used up by
 * reading, so an event loop does not spin. */
static void test_follow_from_now(void **state)
{
	(void)state;
	appender a;
	snprintf(a.path, sizeof a.path, "%s/now.log", dir);
	ctrd_log_query q = all_q;
	q.follow = true;
	q.tail = 0;
	berth_stream *s = open_log(a.path, q);
	pthread_t th;
	pthread_create(&th, NULL, append_later, &a);
	int frames;
	char *got = read_all(s, &frames);
	assert_string_equal(got, "1:line 0\n2:line 1\n");
	free(got);
	berth_stream_free(s);
	pthread_join(th, NULL);

	const ctrd_log_hooks gone = { gone_now, 0, NULL, NULL, NULL };
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(ctrd_log_open(&s, a.path, &q, &gone, &err), &err);
	pthread_create(&th, NULL, append_one_soon, &a);
	int64_t t0 = now_ms();
	got = read_all(s, &frames);
	assert_string_equal(got, "1:line 0\n");
	assert_true(now_ms() - t0 < 2000);
	free(got);
	berth_stream_free(s);
	pthread_join(th, NULL);

	assert_ok(ctrd_log_open(&s, a.path, &q, NULL, &err), &err);
	berth_frame f;
	assert_code(berth_stream_next(s, &f, 0, &err), BERTH_ETIMEDOUT, &err);
	const int64_t t[] = { 5000000000000000000LL };
	write_records(a.path, t, 1, false);
	struct pollfd p = { berth_stream_fd(s), POLLIN, 0 };
	assert_int_equal(poll(&p, 1, 2000), 1);
	assert_ok(berth_stream_next(s, &f, 0, &err), &err);
	assert_code(berth_stream_next(s, &f, 0, &err), BERTH_ETIMEDOUT, &err);
	assert_int_equal(poll(&p, 1, 0), 0);
	berth_stream_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_logger),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_time),
		cmocka_unit_test(test_logger_order),
		cmocka_unit_test(test_logger_full_read),
		cmocka_unit_test(test_since_until),
		cmocka_unit_test(test_follow),
		cmocka_unit_test(test_follow_from_now),
	};
	return cmocka_run_group_tests_name("ctrd_logs", tests, setup, teardown);
}
