/* Conformance: container logs, written once against the public API and run
 * against each engine (BERTH_TEST_ENGINE=docker|podman|containerd): stdout
 * and stderr kept apart, their order across one another (a program that
 * alternates them), tail, since/until (RFC 3339, Unix seconds, durations),
 * timestamps, follow that ends when the container stops, a TTY container,
 * binary output, a multi-MiB line, and the byte-exact check of 64 MiB of
 * random bytes (Podman; Docker with the `local` log driver -- its json-file
 * driver rewrites bytes that are not UTF-8, so there the check runs on text
 * lines from 1 byte to several MiB). BERTH_TEST_LOGS_MIB shrinks the 64. */
#include "conformance.h"

#include "util/sha256.h"
#include "util/util.h"

#include <time.h>

typedef struct got {
	sbuf out, err;
	size_t frames;
	int64_t first_ns, last_ns;   /* of stdout frames */
	int64_t min_ns;              /* smallest time_ns seen (0: none) */
	sha256_ctx out_hash;
	bool hash_only;              /* keep stdout's hash, not its bytes */
	size_t out_len;
} got;

static void got_release(got *g)
{
	sbuf_release(&g->out);
	sbuf_release(&g->err);
}

/* Read a logs stream to its end (each frame within frame_ms). */
static int read_logs(got *g, const char *id, const berth_logs_options *o, int frame_ms, berth_error *err)
{
	memset(g, 0, sizeof *g);
	sha256_init(&g->out_hash);
	g->hash_only = false;
	berth_stream *s = NULL;
	int r = berth_container_logs(&s, client, id, o, err);
	if (r < 0)
		return r;
	berth_frame f;
	while ((r = berth_stream_next(s, &f, frame_ms, err)) == 0) {
		g->frames++;
		if (f.time_ns && (!g->min_ns || f.time_ns < g->min_ns))
			g->min_ns = f.time_ns;
		if (f.channel == BERTH_CHANNEL_STDOUT) {
			if (!g->first_ns)
				g->first_ns = f.time_ns;
			g->last_ns = f.time_ns;
			assert_int_equal(sbuf_add(&g->out, f.data, f.len), 0);
		} else if (f.channel == BERTH_CHANNEL_STDERR) {
			assert_int_equal(sbuf_add(&g->err, f.data, f.len), 0);
		} else {
			fail_msg("a frame of channel %d: %.*s", (int)f.channel, (int)f.len, f.data);
		}
	}
	berth_stream_free(s);
	return r == BERTH_ITEROVER ? 0 : r;
}

static void logs_ok(got *g, const char *id, const berth_logs_options *o)
{
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(read_logs(g, id, o, 60000, &err), &err);
}

/* Run a shell script and wait for its end. */
static char *run_done(const char *what, const char *script)
{
	const char *argv[] = { "sh", "-c", script };
	char *id = run(name_of(what), argv, 3);
	berth_container_info_free(wait_exited(id, 120000));
	return id;
}

/* Remove a container of this run and free its id. */
static void done_with(char *id)
{
	force_remove(id);
	berth_free(id);
}

static int64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void test_channels(void **state)
{
	(void)state;
	need_engine();
	char *id = run_done("chan", "echo out1; echo err1 >&2; echo out2; echo err2 >&2; printf 'no newline'");
	got g;
	logs_ok(&g, id, NULL);
	assert_string_equal(g.out.data, "out1\nout2\nno newline");
	assert_string_equal(g.err.data, "err1\nerr2\n");
	got_release(&g);

	berth_logs_options o = BERTH_LOGS_OPTIONS_INIT;
	o.show_stderr = 0;
	logs_ok(&g, id, &o);
	assert_string_equal(g.out.data, "out1\nout2\nno newline");
	assert_int_equal(g.err.len, 0);
	got_release(&g);
	o = (berth_logs_options)BERTH_LOGS_OPTIONS_INIT;
	o.show_stdout = 0;
	logs_ok(&g, id, &o);
	assert_int_equal(g.out.len, 0);
	assert_string_equal(g.err.data, "err1\nerr2\n");
	got_release(&g);

	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_code(berth_container_logs(&s, client, name_of("never-made"), NULL, &err), BERTH_ENOTFOUND, &err);
	assert_null(s);
	done_with(id);
}

static void test_tail(void **state)
{
	(void)state;
	need_engine();
	char *id = run_done("tail", "i=1; while [ $i -le 10 ]; do echo line$i; i=$((i+1)); done; sleep 0.3; echo e >&2");
	berth_logs_options o = BERTH_LOGS_OPTIONS_INIT;
	o.show_stderr = 0;
	o.tail = 3;
	got g;
	logs_ok(&g, id, &o);
	/* both engines take the last 3 entries of both channels, then leave
	 * out stderr's (documented in logs.h) */
	assert_string_equal(g.out.data, "line9\nline10\n");
	got_release(&g);
	o.show_stderr = 1;
	logs_ok(&g, id, &o);
	assert_string_equal(g.out.data, "line9\nline10\n");
	assert_string_equal(g.err.data, "e\n");
	got_release(&g);
	o.show_stderr = 0;
	o.tail = 0;
	logs_ok(&g, id, &o);
	assert_int_equal(g.out.len, 0);
	got_release(&g);
	o.tail = 100;
	logs_ok(&g, id, &o);
	assert_true(g.out.len > 0 && strncmp(g.out.data, "line1\n", 6) == 0);
	got_release(&g);
	o.tail = -1;
	logs_ok(&g, id, &o);
	assert_true(strncmp(g.out.data, "line1\nline2\n", 12) == 0);
	got_release(&g);
	done_with(id);
}

static void fmt_unix(char *buf, size_t size, int64_t ns)
{
	snprintf(buf, size, "%lld.%09lld", (long long)(ns / 1000000000), (long long)(ns % 1000000000));
}

static void fmt_rfc3339(char *buf, size_t size, int64_t ns)
{
	time_t secs = (time_t)(ns / 1000000000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%09lldZ", (long long)(ns % 1000000000));
}

/* The logs of id between since and until (either NULL) are want. */
static void expect_window(const char *id, const char *since, const char *until, const char *want)
{
	berth_logs_options o = BERTH_LOGS_OPTIONS_INIT;
	o.since = since;
	o.until = until;
	got g;
	logs_ok(&g, id, &o);
	if (*want)
		assert_string_equal(g.out.data, want);
	else
		assert_int_equal(g.out.len, 0);
	got_release(&g);
}

static void test_since_until_timestamps(void **state)
{
	(void)state;
	need_engine();
	int64_t before = wall_ns();
	char *id = run_done("times", "echo a; sleep 2; echo b");
	int64_t after = wall_ns();

	/* timestamps: cut off, in time_ns, in order, in the run's time */
	berth_logs_options o = BERTH_LOGS_OPTIONS_INIT;
	o.timestamps = 1;
	got g;
	logs_ok(&g, id, &o);
	assert_string_equal(g.out.data, "a\nb\n");
	int64_t ta = g.first_ns, tb = g.last_ns;
	assert_true(ta > 0 && tb > ta);
	assert_true(ta >= before - 2000000000LL && tb <= after + 2000000000LL);
	assert_true(tb - ta >= 1000000000LL);
	got_release(&g);

	/* a bound between the two entries (engines with whole-second times
	 * included: b was written 2 s after a) */
	int64_t mid = ta + (tb - ta) / 2;
	char t[64];
	fmt_unix(t, sizeof t, mid);
	expect_window(id, t, NULL, "b\n");
	expect_window(id, NULL, t, "a\n");
	fmt_rfc3339(t, sizeof t, mid);
	expect_window(id, t, NULL, "b\n");

	/* at the boundary, Docker's rule on every engine: an entry stamped
	 * exactly at since or until is in (Podman and containerd once left
	 * one at until out) */
	fmt_rfc3339(t, sizeof t, ta);
	expect_window(id, NULL, t, "a\n");
	fmt_rfc3339(t, sizeof t, tb);
	expect_window(id, NULL, t, "a\nb\n");
	expect_window(id, t, NULL, "b\n");

	/* relative: an hour ago covers both; until an hour ago nothing */
	expect_window(id, "1h", NULL, "a\nb\n");
	expect_window(id, NULL, "1h", "");

	/* bad times never reach the engine */
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	o = (berth_logs_options)BERTH_LOGS_OPTIONS_INIT;
	o.until = "an hour ago";
	assert_code(berth_container_logs(&s, client, id, &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "until");
	done_with(id);
}

static void test_follow_ends(void **state)
{
	(void)state;
	need_engine();
	/* the container ends by itself */
	const char *argv[] = { "sh", "-c", "echo start; sleep 1; echo end" };
	char *id = run(name_of("follow"), argv, 3);
	berth_logs_options o = BERTH_LOGS_OPTIONS_INIT;
	o.follow = 1;
	int64_t t0 = now_ms_();
	got g;
	logs_ok(&g, id, &o);
	assert_string_equal(g.out.data, "start\nend\n");
	assert_true(now_ms_() - t0 < 15000);
	got_release(&g);
	done_with(id);

	/* the container is killed while the stream waits */
	const char *loop[] = { "sh", "-c", "echo ready; while :; do sleep 0.2; done" };
	id = run(name_of("follow-kill"), loop, 3);
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_ok(berth_container_logs(&s, client, id, &o, &err), &err);
	berth_frame f;
	assert_ok(berth_stream_next(s, &f, 20000, &err), &err);
	assert_int_equal(f.len, 6);
	assert_memory_equal(f.data, "ready\n", 6);
	/* nothing more while it runs */
	assert_code(berth_stream_next(s, &f, 300, &err), BERTH_ETIMEDOUT, &err);
	assert_ok(berth_container_kill(client, id, 9, &err), &err);
	t0 = now_ms_();
	int r;
	while ((r = berth_stream_next(s, &f, 15000, &err)) == 0)
		;
	assert_code(r, BERTH_ITEROVER, &err);
	assert_true(now_ms_() - t0 < 15000);
	berth_stream_free(s);
	done_with(id);
}

static void test_tty(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sh", "-c", "echo hi; echo err >&2; printf '\\001\\000\\000\\000\\000\\000\\000\\003abc'" };
	berth_spec *sp = spec_of(name_of("tty"), argv, 3);
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_set_tty(sp, 1, &err), &err);
	char *id = NULL;
	assert_ok(berth_container_run(&id, client, sp, &err), &err);
	berth_spec_free(sp);
	berth_container_info_free(wait_exited(id, 60000));
	got g;
	logs_ok(&g, id, NULL);
	/* one terminal: everything on stdout, the header-like bytes as data */
	static const char want[] = "hi\r\nerr\r\n\x01\x00\x00\x00\x00\x00\x00\x03" "abc";
	assert_int_equal(g.out.len, sizeof want - 1);
	assert_memory_equal(g.out.data, want, sizeof want - 1);
	assert_int_equal(g.err.len, 0);
	got_release(&g);
	berth_logs_options o = BERTH_LOGS_OPTIONS_INIT;
	o.timestamps = 1;
	logs_ok(&g, id, &o);
	assert_true(g.out.len >= 9 && memcmp(g.out.data, "hi\r\nerr\r\n", 9) == 0);
	assert_true(g.first_ns > 0);
	got_release(&g);
	done_with(id);
}

/* One entry of the alternating writer: its channel ('o' or 'e'), number
 * and time. */
typedef struct entry {
	char ch;
	int n;
	int64_t t;
} entry;

#define ALTERNATIONS 2000

/* Where an entry sits in what the program wrote: out1 err1 out2 ... */
static int seq_of(const entry *e)
{
	return 2 * e->n - (e->ch == 'o');
}

/* The entries of the alternating writer's logs; their count. Frame
 * boundaries carry no meaning (logs.h): an entry the engine stored in
 * parts (Podman's conmon keeps what it read of a line as a partial entry)
 * comes in several frames, joined here per channel up to its newline; the
 * entry's time is that of its first part. */
static size_t read_entries(entry *e, size_t max, const char *id, const berth_logs_options *o)
{
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_ok(berth_container_logs(&s, client, id, o, &err), &err);
	berth_frame f;
	size_t n = 0;
	int r;
	char part[2][32];
	size_t part_len[2] = { 0, 0 };
	int64_t part_t[2] = { 0, 0 };
	while ((r = berth_stream_next(s, &f, 60000, &err)) == 0) {
		int c = f.channel == BERTH_CHANNEL_STDOUT ? 0 : 1;
		assert_true(f.channel == BERTH_CHANNEL_STDOUT || f.channel == BERTH_CHANNEL_STDERR);
		for (size_t i = 0; i < f.len; i++) {
			if (part_len[c] == 0)
				part_t[c] = f.time_ns;
			if (f.data[i] != '\n') {
				assert_true(part_len[c] < sizeof part[c] - 1);
				part[c][part_len[c]++] = f.data[i];
				continue;
			}
			part[c][part_len[c]] = '\0';
			if (part_len[c] < 4 || strncmp(part[c], c == 0 ? "out" : "err", 3) != 0)
				fail_msg("%s line \"%s\"", c == 0 ? "stdout" : "stderr", part[c]);
			assert_true(n < max);
			e[n++] = (entry){ c == 0 ? 'o' : 'e', atoi(part[c] + 3), part_t[c] };
			part_len[c] = 0;
		}
	}
	assert_int_equal(part_len[0], 0);
	assert_int_equal(part_len[1], 0);
	assert_code(r, BERTH_ITEROVER, &err);
	berth_stream_free(s);
	return n;
}

static void expect_entries(const entry *have, size_t n_have, const entry *want, size_t n_want, const char *what)
{
	bool same = n_have == n_want;
	for (size_t i = 0; same && i < n_have; i++)
		same = have[i].ch == want[i].ch && have[i].n == want[i].n;
	if (same)
		return;
	char h[256] = "", w[256] = "";
	for (size_t i = 0; i < n_have && strlen(h) < 200; i++)
		snprintf(h + strlen(h), sizeof h - strlen(h), " %c%d", have[i].ch, have[i].n);
	for (size_t i = 0; i < n_want && strlen(w) < 200; i++)
		snprintf(w + strlen(w), sizeof w - strlen(w), " %c%d", want[i].ch, want[i].n);
	fail_msg("%s: got%s; want%s", what, h, w);
}

/* A program that alternates stdout and stderr lines as fast as it can.
 * Each channel keeps its order on every engine; tail takes the last
 * entries of the order the engine stored, and since / until cut that
 * same order. Across the channels that order is the written one only to
 * the granularity of the engine's reads of its two pipes: Docker and
 * Podman copy each pipe in bulk (dozens to thousands of one channel's
 * lines in a row; measured here, their tail 5 is one channel's in most
 * runs), berth's containerd logger reads both in rounds that end when a
 * pipe is empty and merges each round, so there the file has the written
 * order. */
static void test_interleaved(void **state)
{
	(void)state;
	need_engine();
	char script[128];
	snprintf(script, sizeof script,
		 "i=1; while [ $i -le %d ]; do echo out$i; echo err$i >&2; i=$((i+1)); done", ALTERNATIONS);
	char *id = run_done("inter", script);
	enum { N = 2 * ALTERNATIONS };
	static entry all[N + 1], part[N + 1];
	berth_logs_options o = BERTH_LOGS_OPTIONS_INIT;
	o.timestamps = 1;
	size_t n = read_entries(all, N + 1, id, &o);
	assert_int_equal(n, N);
	/* each channel in its order; times never back (Docker: per channel) */
	int next[2] = { 1, 1 };
	int64_t last_t[2] = { 0, 0 }, prev_t = 0;
	size_t misplaced = 0, far = 0, back = 0;
	for (size_t i = 0; i < n; i++) {
		int c = all[i].ch == 'e';
		if (all[i].n != next[c])
			fail_msg("entry %zu: %c%d after %c%d", i, all[i].ch, all[i].n, all[i].ch, next[c] - 1);
		next[c]++;
		assert_true(all[i].t >= last_t[c]);
		last_t[c] = all[i].t;
		back += all[i].t < prev_t;
		prev_t = all[i].t;
		int d = seq_of(&all[i]) - (int)i - 1;
		misplaced += d != 0;
		far += d > 1 || d < -1;
	}
	print_message("# %s: %zu of %d entries not where written, %zu of them by more than one place, %zu times back\n",
		      conformance_group("logs"), misplaced, N, far, back);
	if (engine != BERTH_ENGINE_DOCKER)
		assert_int_equal(back, 0);
	/* berth's logger: the written order (it comes out exact; a round of
	 * its reads that ends before a pipe is empty could swap neighbours) */
	if (engine == BERTH_ENGINE_CONTAINERD && far)
		fail_msg("%zu entries more than one place from where they were written", far);

	/* tail: the last entries of that order; on containerd the last five
	 * written, both channels */
	o = (berth_logs_options)BERTH_LOGS_OPTIONS_INIT;
	o.tail = 5;
	size_t k = read_entries(part, N + 1, id, &o);
	expect_entries(part, k, all + n - 5, 5, "tail 5");
	if (engine == BERTH_ENGINE_CONTAINERD) {
		const entry last5[] = { { 'e', ALTERNATIONS - 2, 0 }, { 'o', ALTERNATIONS - 1, 0 },
					{ 'e', ALTERNATIONS - 1, 0 }, { 'o', ALTERNATIONS, 0 }, { 'e', ALTERNATIONS, 0 } };
		expect_entries(part, k, last5, 5, "tail 5 on containerd");
	}

	/* since / until at entries' own times (until after since: Podman's
	 * whole seconds may be all the same): what the whole log has from the
	 * first entry at or after since up to the first after until */
	int64_t t0 = all[n - 40].t, t1 = all[n - 10].t > t0 ? all[n - 10].t : t0 + 1;
	char since[64], until[64];
	fmt_rfc3339(since, sizeof since, t0);
	fmt_rfc3339(until, sizeof until, t1);
	o = (berth_logs_options)BERTH_LOGS_OPTIONS_INIT;
	o.since = since;
	o.until = until;
	k = read_entries(part, N + 1, id, &o);
	static entry want[N + 1];
	size_t w = 0;
	for (size_t i = 0; i < n && all[i].t <= t1; i++)
		if (all[i].t >= t0)
			want[w++] = all[i];
	expect_entries(part, k, want, w, "since/until");
	done_with(id);
}

/* A printf format writing every byte value once, newline included. */
static void all_bytes_script(char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "printf '");
	for (int b = 0; b < 256; b++)
		n += (size_t)snprintf(buf + n, size - n, "\\%03o", b);
	snprintf(buf + n, size - n, "'");
}

/* The engine's log driver keeps bytes (Podman; Docker's `local`). */
static berth_spec *byte_keeping_spec(const char *name, const char *const *argv, size_t argc)
{
	berth_spec *sp = spec_of(name, argv, argc);
	if (engine == BERTH_ENGINE_DOCKER) {
		berth_error err = BERTH_ERROR_INIT;
		assert_ok(berth_spec_set_log_driver(sp, "local", &err), &err);
	}
	return sp;
}

static char *run_spec_done(berth_spec *sp)
{
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_run(&id, client, sp, &err), &err);
	berth_spec_free(sp);
	berth_container_info_free(wait_exited(id, 300000));
	return id;
}

static void test_binary(void **state)
{
	(void)state;
	need_engine();
	char script[2048];
	all_bytes_script(script, sizeof script);
	const char *argv[] = { "sh", "-c", script };
	char *id = run_spec_done(byte_keeping_spec(name_of("binary"), argv, 3));
	got g;
	logs_ok(&g, id, NULL);
	assert_int_equal(g.out.len, 256);
	for (int b = 0; b < 256; b++)
		assert_int_equal((unsigned char)g.out.data[b], b);
	got_release(&g);
	done_with(id);
}

/* Lines of these lengths, line i of the letter 'a' + i % 26. */
static const size_t LINE_LENS[] = { 1, 2, 127, 128, 255, 256, 16383, 16384, 16385, 65537, 1048576, 3145735 };

static void test_long_lines(void **state)
{
	(void)state;
	need_engine();
	/* on every engine's default driver (Docker: json-file, text only) */
	sbuf script = SBUF_INIT, want = SBUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(LINE_LENS); i++) {
		char c = (char)('a' + i % 26);
		assert_true(sbuf_printf(&script, "head -c %zu /dev/zero | tr '\\0' %c; echo; ", LINE_LENS[i], c) >= 0);
		for (size_t k = 0; k < LINE_LENS[i]; k++)
			assert_int_equal(sbuf_addc(&want, c), 0);
		assert_int_equal(sbuf_addc(&want, '\n'), 0);
	}
	assert_true(sbuf_adds(&script, "echo done >&2") >= 0);
	char *id = run_done("lines", script.data);
	got g;
	logs_ok(&g, id, NULL);
	assert_int_equal(g.out.len, want.len);
	assert_memory_equal(g.out.data, want.data, want.len);
	assert_string_equal(g.err.data, "done\n");
	got_release(&g);
	/* with timestamps the bytes are the same */
	berth_logs_options o = BERTH_LOGS_OPTIONS_INIT;
	o.timestamps = 1;
	logs_ok(&g, id, &o);
	assert_int_equal(g.out.len, want.len);
	assert_memory_equal(g.out.data, want.data, want.len);
	got_release(&g);
	sbuf_release(&script);
	sbuf_release(&want);
	done_with(id);
}

static int hash_frame(const berth_frame *f, void *payload)
{
	got *g = payload;
	if (f->channel == BERTH_CHANNEL_STDOUT) {
		sha256_update(&g->out_hash, f->data, f->len);
		g->out_len += f->len;
	} else if (f->channel == BERTH_CHANNEL_STDERR) {
		if (g->err.len < 4096 && sbuf_add(&g->err, f->data, f->len) < 0)
			return -1;
	}
	return 0;
}

/* Read the stream into a hash of stdout and the first KiBs of stderr. */
static void hash_logs(got *g, const char *id, bool follow)
{
	memset(g, 0, sizeof *g);
	sha256_init(&g->out_hash);
	berth_logs_options o = BERTH_LOGS_OPTIONS_INIT;
	o.follow = follow;
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_ok(berth_container_logs(&s, client, id, &o, &err), &err);
	assert_ok(berth_stream_foreach(s, hash_frame, g, 120000, &err), &err);
	berth_stream_free(s);
}

static void check_hash(got *g, size_t len)
{
	unsigned char d[32];
	sha256_final(&g->out_hash, d);
	char hex[65];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	assert_int_equal(g->out_len, len);
	if (!strstr(g->err.data ? g->err.data : "", hex))
		fail_msg("stdout's hash %s is not what the container computed: %s", hex, g->err.data);
	assert_non_null(strstr(g->err.data, "MARKER\n"));
}

static void test_random_bytes(void **state)
{
	(void)state;
	need_engine();
	const char *mib_env = getenv("BERTH_TEST_LOGS_MIB");
	long mib = mib_env ? atol(mib_env) : 64;
	if (mib <= 0)
		mib = 64;
	char script[512];
	/* the container computes the hash of what it writes; stderr carries
	 * it and a marker */
	snprintf(script, sizeof script,
		 "head -c %ld /dev/urandom > /tmp/r && sha256sum /tmp/r >&2 && cat /tmp/r && rm /tmp/r && "
		 "echo MARKER >&2",
		 mib << 20);
	const char *argv[] = { "sh", "-c", script };
	berth_error err = BERTH_ERROR_INIT;
	char *id = NULL;
	berth_spec *sp = byte_keeping_spec(name_of("random"), argv, 3);
	if (engine == BERTH_ENGINE_DOCKER)
		/* Docker 20.10's local driver duplicates data to a follower
		 * when the file rotates under it (curl sees it too): one file */
		assert_ok(berth_spec_add_log_opt(sp, "max-size", "1g", &err), &err);
	assert_ok(berth_container_run(&id, client, sp, &err), &err);
	berth_spec_free(sp);
	/* follow while it writes: the stream ends when it stops */
	got g;
	hash_logs(&g, id, true);
	check_hash(&g, (size_t)mib << 20);
	got_release(&g);
	/* and once more from the stored log */
	hash_logs(&g, id, false);
	check_hash(&g, (size_t)mib << 20);
	got_release(&g);
	done_with(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_channels),
		cmocka_unit_test(test_tail),
		cmocka_unit_test(test_since_until_timestamps),
		cmocka_unit_test(test_follow_ends),
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_tty),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_random_bytes),
	};
	const char *e = getenv("BERTH_TEST_ENGINE");
	char group[64];
	snprintf(group, sizeof group, "conformance-logs-%s", e ? e : "docker");
	return cmocka_run_group_tests_name(group, tests, conformance_setup, conformance_teardown);
}
