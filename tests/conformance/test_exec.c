/* Conformance: exec (buffered, streaming, interactive, PTY) and attach,
 * written once against the public API and run against each engine
 * (BERTH_TEST_ENGINE=docker|podman). The checks are on what the process in
 * the container saw and said: its exit code, its stdout and stderr apart
 * and byte-exact, its environment, user and directory, end of file on its
 * stdin after a half-close (with output after it still delivered), its
 * terminal's size after a resize. */
#include "conformance.h"

#include <unistd.h>

static const char *SLEEP[] = { "sleep", "600" };

/* A growing byte buffer, NUL-terminated. */
typedef struct sbuf_t {
	char *data;
	size_t len;
} sbuf_t;

static void sbuf_t_add(sbuf_t *b, const char *data, size_t len)
{
	b->data = realloc(b->data, b->len + len + 1);
	assert_non_null(b->data);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

static void sbuf_t_free(sbuf_t *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

/* One container for the whole group: exec needs a running one. */
static char *box;

static int group_setup(void **state)
{
	int r = conformance_setup(state);
	if (r == 0 && client && !engine_lacks("container_create"))
		box = run(name_of("exec-box"), SLEEP, 2);
	return r;
}

static int group_teardown(void **state)
{
	if (box) {
		force_remove(box);
		berth_free(box);
	}
	return conformance_teardown(state);
}

/* Buffered exec of argv; asserts success. */
static berth_exec_result *exec_argv(const char *const *argv, size_t argc, berth_exec_options *o)
{
	berth_exec_options d = BERTH_EXEC_OPTIONS_INIT;
	if (!o)
		o = &d;
	o->argv = argv;
	o->argc = argc;
	berth_error err = BERTH_ERROR_INIT;
	berth_exec_result *res = NULL;
	assert_ok(berth_exec(&res, client, box, o, &err), &err);
	return res;
}

static void test_buffered_exit_and_streams(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sh", "-c", "echo out; echo err >&2; printf tail; exit 3" };
	berth_exec_result *res = exec_argv(argv, 3, NULL);
	assert_int_equal(berth_exec_result_exit_code(res), 3);
	size_t n;
	assert_string_equal(berth_exec_result_stdout(res, &n), "out\ntail");
	assert_int_equal(n, 8);
	assert_string_equal(berth_exec_result_stderr(res, &n), "err\n");
	assert_non_null(berth_exec_result_id(res));
	berth_exec_result_free(res);

	const char *t[] = { "true" };
	res = exec_argv(t, 1, NULL);
	assert_int_equal(berth_exec_result_exit_code(res), 0);
	assert_string_equal(berth_exec_result_stdout(res, &n), "");
	assert_int_equal(n, 0);
	berth_exec_result_free(res);

	/* a command that does not exist: 126 on Docker, 127 on Podman */
	const char *none[] = { "/no/such/command" };
	res = exec_argv(none, 1, NULL);
	int code = berth_exec_result_exit_code(res);
	assert_true(code == 126 || code == 127);
	berth_exec_result_free(res);
}

static void test_buffered_env_user_workdir(void **state)
{
	(void)state;
	need_engine();
	berth_exec_options o = BERTH_EXEC_OPTIONS_INIT;
	const char *env[] = { "BERTH_A=one two", "BERTH_B=" };
	o.env = env;
	o.env_count = 2;
	o.user = "65534:65534";
	o.workdir = "/tmp";
	/* the process's groups (the kernel's list, not id -G, which prints the
	 * primary group anyway): the primary group is one on every engine
	 * (containerd once left the list empty) */
	const char *argv[] = { "sh", "-c",
			       "echo \"$BERTH_A|${BERTH_B-unset}|$(id -u):$(id -g)|"
			       "$(awk '/^Groups:/ { print $2 }' /proc/self/status)|$(pwd)\"" };
	berth_exec_result *res = exec_argv(argv, 3, &o);
	assert_int_equal(berth_exec_result_exit_code(res), 0);
	/* Podman's exec sets no supplementary group for a user (its choice,
	 * documented in exec.h) */
	assert_string_equal(berth_exec_result_stdout(res, NULL),
			    engine == BERTH_ENGINE_PODMAN ? "one two||65534:65534||/tmp\n" : "one two||65534:65534|65534|/tmp\n");
	berth_exec_result_free(res);

	/* privileged: every capability (CapEff all ones up to the last cap) */
	berth_exec_options p = BERTH_EXEC_OPTIONS_INIT;
	p.privileged = 1;
	const char *caps[] = { "sh", "-c", "grep CapEff /proc/self/status" };
	res = exec_argv(caps, 3, &p);
	const char *plain_caps = NULL;
	berth_exec_result *plain = exec_argv(caps, 3, NULL);
	plain_caps = berth_exec_result_stdout(plain, NULL);
	if (engine == BERTH_ENGINE_DOCKER && berth_exec_result_exit_code(res) != 0) {
		/* dockerd on these hosts cannot raise an exec's capabilities
		 * ("unable to apply caps"): the flag reached it, the host refused */
		assert_non_null(strstr(berth_exec_result_stdout(res, NULL), "caps"));
	} else {
		assert_string_not_equal(berth_exec_result_stdout(res, NULL), plain_caps);
		assert_non_null(strstr(berth_exec_result_stdout(res, NULL), "ffffff"));
	}
	berth_exec_result_free(plain);
	berth_exec_result_free(res);
}

static void test_bad_input(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	berth_exec_result *res = NULL;
	berth_exec_options o = BERTH_EXEC_OPTIONS_INIT;
	assert_code(berth_exec(&res, client, box, &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "argv");
	assert_code(berth_exec(&res, client, box, NULL, &err), BERTH_EINVAL, &err);
	const char *argv[] = { "true" };
	o.argv = argv;
	o.argc = 1;
	const char *env[] = { "NOVALUE" };
	o.env = env;
	o.env_count = 1;
	assert_code(berth_exec(&res, client, box, &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "env");
	o.env_count = 0;
	o.workdir = "relative";
	assert_code(berth_exec(&res, client, box, &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "workdir");
	o.workdir = NULL;
	o.attach_stdin = 1;
	assert_code(berth_exec(&res, client, box, &o, &err), BERTH_EINVAL, &err);
	assert_null(res);
	berth_stream *s = NULL;
	berth_attach_options a = BERTH_ATTACH_OPTIONS_INIT;
	a.attach_stdout = a.attach_stderr = 0;
	assert_code(berth_container_attach(&s, client, box, &a, &err), BERTH_EINVAL, &err);
	assert_null(s);
	int code = 0;
	assert_code(berth_exec_exit_code(&code, client, "", 0, &err), BERTH_EINVAL, &err);
}

static void test_missing_and_stopped(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	berth_exec_result *res = NULL;
	berth_exec_options o = BERTH_EXEC_OPTIONS_INIT;
	const char *argv[] = { "true" };
	o.argv = argv;
	o.argc = 1;
	assert_code(berth_exec(&res, client, name_of("no-such"), &o, &err), BERTH_ENOTFOUND, &err);
	berth_stream *s = NULL;
	assert_code(berth_exec_start(&s, NULL, client, name_of("no-such"), &o, &err), BERTH_ENOTFOUND, &err);
	assert_code(berth_container_attach(&s, client, name_of("no-such"), NULL, &err), BERTH_ENOTFOUND, &err);
	assert_null(s);
	int code;
	assert_code(berth_exec_exit_code(&code, client, "0123456789abcdef", 0, &err), BERTH_ENOTFOUND, &err);

	/* created, never started; then stopped */
	char *id = create(name_of("exec-created"), SLEEP, 2);
	assert_code(berth_exec(&res, client, id, &o, &err), BERTH_ECONFLICT, &err);
	assert_ok(berth_container_start(client, id, &err), &err);
	berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
	so.grace_seconds = 0;
	assert_ok(berth_container_stop(client, id, &so, &err), &err);
	assert_code(berth_exec(&res, client, id, &o, &err), BERTH_ECONFLICT, &err);
	assert_null(res);
	force_remove(id);
	berth_free(id);

	/* paused */
	id = run(name_of("exec-paused"), SLEEP, 2);
	assert_ok(berth_container_pause(client, id, &err), &err);
	assert_code(berth_exec(&res, client, id, &o, &err), BERTH_ECONFLICT, &err);
	assert_null(res);
	assert_code(berth_container_attach(&s, client, id, NULL, &err), BERTH_ECONFLICT, &err);
	assert_null(s);
	force_remove(id);
	berth_free(id);
}

/* Read a stream to its end into out/errb; returns the final code. */
static int drain(berth_stream *s, sbuf_t *out, sbuf_t *errb, int timeout_ms)
{
	berth_error err = BERTH_ERROR_INIT;
	int64_t deadline = now_ms_() + timeout_ms;
	for (;;) {
		berth_frame f;
		int left = (int)(deadline - now_ms_());
		int r = berth_stream_next(s, &f, left > 0 ? left : 0, &err);
		if (r == BERTH_ITEROVER)
			return 0;
		if (r < 0) {
			print_message("stream: %s\n", err.message);
			return r;
		}
		sbuf_t *b = f.channel == BERTH_CHANNEL_STDERR ? errb : out;
		if (b)
			sbuf_t_add(b, f.data, f.len);
	}
}

/* Start argv in the box; its exec id goes to *exec_id. */
static berth_stream *start_in_box(const char *const *argv, size_t argc, bool tty, bool with_stdin, char **exec_id)
{
	berth_exec_options o = BERTH_EXEC_OPTIONS_INIT;
	o.argv = argv;
	o.argc = argc;
	o.tty = tty;
	o.attach_stdin = with_stdin;
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_ok(berth_exec_start(&s, exec_id, client, box, &o, &err), &err);
	return s;
}

/* The exit code of an ended exec (waiting at most timeout_ms); frees the id. */
static int exit_code_of(char *exec_id, int timeout_ms)
{
	berth_error err = BERTH_ERROR_INIT;
	int code = -1;
	assert_ok(berth_exec_exit_code(&code, client, exec_id, timeout_ms, &err), &err);
	berth_free(exec_id);
	return code;
}

/* Read stdout frames into out until it holds text (10 s at most). */
static void read_until(berth_stream *s, sbuf_t *out, const char *text)
{
	berth_error err = BERTH_ERROR_INIT;
	int64_t deadline = now_ms_() + 10000;
	while (!strstr(out->data ? out->data : "", text) && now_ms_() < deadline) {
		berth_frame f;
		assert_ok(berth_stream_next(s, &f, 10000, &err), &err);
		assert_int_equal(f.channel, BERTH_CHANNEL_STDOUT);
		sbuf_t_add(out, f.data, f.len);
	}
	assert_non_null(strstr(out->data, text));
}

static void test_streaming(void **state)
{
	(void)state;
	need_engine();
	/* the command cannot end before the test lets it: it waits for a file
	 * that a second exec creates only once the first line has arrived */
	const char *argv[] = { "sh", "-c",
			       "rm -f /tmp/go; echo first; while [ ! -e /tmp/go ]; do sleep 0.05; done; "
			       "echo second >&2; exit 5" };
	char *exec_id = NULL;
	berth_stream *s = start_in_box(argv, 3, false, false, &exec_id);
	berth_error err = BERTH_ERROR_INIT;
	assert_true(berth_stream_fd(s) >= 0);
	/* the first line comes before the command ends */
	berth_frame f;
	assert_ok(berth_stream_next(s, &f, 30000, &err), &err);
	assert_int_equal(f.channel, BERTH_CHANNEL_STDOUT);
	assert_int_equal(f.len, 6);
	assert_memory_equal(f.data, "first\n", 6);
	/* nothing more while the command is held */
	assert_code(berth_stream_next(s, &f, 200, &err), BERTH_ETIMEDOUT, &err);
	const char *go[] = { "touch", "/tmp/go" };
	berth_exec_result_free(exec_argv(go, 2, NULL));
	/* a stream without stdin refuses writes */
	assert_code(berth_stream_write(s, "x", 1, 1000, &err), BERTH_EUNSUPPORTED, &err);
	assert_code(berth_stream_resize(s, 10, 10, &err), BERTH_EUNSUPPORTED, &err);
	sbuf_t errb = { 0 };
	assert_int_equal(drain(s, NULL, &errb, 10000), 0);
	assert_int_equal(errb.len, 7);
	assert_memory_equal(errb.data, "second\n", 7);
	sbuf_t_free(&errb);
	berth_stream_free(s);
	assert_int_equal(exit_code_of(exec_id, 0), 5);
}

/* cat exits on the half-close; output written after it still comes. */
static void check_half_close(berth_stream *s)
{
	berth_error err = BERTH_ERROR_INIT;
	static const char msg[] = "hello through stdin\n";
	assert_ok(berth_stream_write(s, msg, sizeof msg - 1, 5000, &err), &err);
	/* the echo of cat arrives while stdin is still open */
	sbuf_t out = { 0 }, errb = { 0 };
	while (out.len < sizeof msg - 1) {
		berth_frame f;
		assert_ok(berth_stream_next(s, &f, 10000, &err), &err);
		sbuf_t_add(f.channel == BERTH_CHANNEL_STDERR ? &errb : &out, f.data, f.len);
	}
	assert_ok(berth_stream_close_stdin(s, &err), &err);
	assert_ok(berth_stream_close_stdin(s, &err), &err); /* twice is fine */
	assert_code(berth_stream_write(s, "x", 1, 1000, &err), BERTH_ECONFLICT, &err);
	assert_int_equal(drain(s, &out, &errb, 15000), 0);
	static const char want[] = "hello through stdin\nafter-eof\n";
	assert_int_equal(out.len, sizeof want - 1);
	assert_memory_equal(out.data, want, sizeof want - 1);
	assert_int_equal(errb.len, 4);
	assert_memory_equal(errb.data, "err\n", 4);
	sbuf_t_free(&out);
	sbuf_t_free(&errb);
}

/* Wait (at most 10 s) for container id to exit with code. */
static void expect_exit(const char *id, int code)
{
	berth_error err = BERTH_ERROR_INIT;
	berth_wait_outcome w = BERTH_WAIT_OUTCOME_INIT;
	berth_wait_options wo = BERTH_WAIT_OPTIONS_INIT;
	wo.timeout_ms = 10000;
	assert_ok(berth_container_wait(&w, client, id, &wo, &err), &err);
	assert_int_equal(w.exit_code, code);
}

/* Create a container running argv, with a TTY and stdin open (and once)
 * as asked; the caller's id. */
static char *create_with(const char *what, const char *const *argv, size_t argc, bool tty, bool stdin_open)
{
	berth_spec *spec = spec_of(name_of(what), argv, argc);
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_set_tty(spec, tty, &err), &err);
	assert_ok(berth_spec_set_stdin_open(spec, stdin_open, &err), &err);
	assert_ok(berth_spec_set_stdin_once(spec, stdin_open, &err), &err);
	char *id = NULL;
	assert_ok(berth_container_create(&id, client, spec, &err), &err);
	berth_spec_free(spec);
	return id;
}

static const char *CAT_THEN[] = { "sh", "-c", "cat; echo after-eof; echo err >&2; exit 4" };

static void test_exec_stdin_half_close(void **state)
{
	(void)state;
	need_engine();
	char *exec_id = NULL;
	berth_stream *s = start_in_box(CAT_THEN, 3, false, true, &exec_id);
	check_half_close(s);
	berth_stream_free(s);
	assert_int_equal(exit_code_of(exec_id, 0), 4);
}

static void test_attach_stdin_half_close(void **state)
{
	(void)state;
	need_engine();
	char *id = create_with("attach-cat", CAT_THEN, 3, false, true);
	berth_error err = BERTH_ERROR_INIT;
	/* attach before the start: nothing is lost */
	berth_attach_options a = BERTH_ATTACH_OPTIONS_INIT;
	a.attach_stdin = 1;
	berth_stream *s = NULL;
	assert_ok(berth_container_attach(&s, client, id, &a, &err), &err);
	assert_ok(berth_container_start(client, id, &err), &err);
	check_half_close(s);
	berth_stream_free(s);
	expect_exit(id, 4);
	force_remove(id);
	berth_free(id);
}

/* Without stdin_once the process's stdin outlives an attach: the first
 * attach (before the start) writes a line and goes, a second one writes
 * the next, and the process reads both (not on Podman). */
static void test_attach_stdin_kept_open(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sh", "-c", "read a; echo got-$a; read b; echo got-$b; exit 2" };
	berth_spec *spec = spec_of(name_of("attach-keep"), argv, 3);
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_set_stdin_open(spec, 1, &err), &err);
	char *id = NULL;
	assert_ok(berth_container_create(&id, client, spec, &err), &err);
	berth_spec_free(spec);
	berth_attach_options a = BERTH_ATTACH_OPTIONS_INIT;
	a.attach_stdin = 1;
	berth_stream *s = NULL;
	assert_ok(berth_container_attach(&s, client, id, &a, &err), &err);
	assert_ok(berth_container_start(client, id, &err), &err);
	assert_ok(berth_stream_write(s, "one\n", 4, 5000, &err), &err);
	sbuf_t out = { 0 };
	read_until(s, &out, "got-one");
	berth_stream_free(s); /* a detach: stdin stays open */
	sbuf_t_free(&out);
	s = NULL;
	if (engine == BERTH_ENGINE_PODMAN) {
		/* Podman 4.3 closes the process's stdin with the attach
		 * (berth_spec_set_stdin_once() says so) */
		force_remove(id);
		berth_free(id);
		return;
	}
	assert_ok(berth_container_attach(&s, client, id, &a, &err), &err);
	assert_ok(berth_stream_write(s, "two\n", 4, 5000, &err), &err);
	read_until(s, &out, "got-two");
	assert_int_equal(drain(s, &out, NULL, 15000), 0);
	berth_stream_free(s);
	expect_exit(id, 2);
	sbuf_t_free(&out);
	force_remove(id);
	berth_free(id);
}

static void test_attach_output_only(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sh", "-c", "echo one; echo two >&2; exit 0" };
	char *id = create(name_of("attach-out"), argv, 3);
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_ok(berth_container_attach(&s, client, id, NULL, &err), &err);
	assert_code(berth_stream_write(s, "x", 1, 100, &err), BERTH_EUNSUPPORTED, &err);
	assert_ok(berth_container_start(client, id, &err), &err);
	sbuf_t out = { 0 }, errb = { 0 };
	assert_int_equal(drain(s, &out, &errb, 15000), 0);
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "one\n", 4);
	assert_int_equal(errb.len, 4);
	assert_memory_equal(errb.data, "two\n", 4);
	sbuf_t_free(&out);
	sbuf_t_free(&errb);
	berth_stream_free(s);
	force_remove(id);
	berth_free(id);
}

static void test_attach_logs_replay(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sh", "-c", "echo one; echo two >&2" };
	char *id = run(name_of("attach-logs"), argv, 3);
	berth_container_info_free(wait_exited(id, 10000));
	berth_attach_options a = BERTH_ATTACH_OPTIONS_INIT;
	a.logs = 1;
	a.stream = 0;
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	if (engine == BERTH_ENGINE_PODMAN) {
		assert_code(berth_container_attach(&s, client, id, &a, &err), BERTH_EUNSUPPORTED, &err);
		assert_null(s);
	} else {
		assert_ok(berth_container_attach(&s, client, id, &a, &err), &err);
		sbuf_t out = { 0 }, errb = { 0 };
		assert_int_equal(drain(s, &out, &errb, 10000), 0);
		assert_string_equal(out.data, "one\n");
		assert_string_equal(errb.data, "two\n");
		sbuf_t_free(&out);
		sbuf_t_free(&errb);
		berth_stream_free(s);
	}
	force_remove(id);
	berth_free(id);
}

static void test_pty_resize(void **state)
{
	(void)state;
	need_engine();
	/* prints its size each time it reads a line */
	const char *argv[] = { "sh", "-c", "while read x; do stty size; done" };
	char *exec_id = NULL;
	berth_stream *s = start_in_box(argv, 3, true, true, &exec_id);
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_stream_resize(s, 33, 101, &err), &err);
	assert_ok(berth_stream_write(s, "a\n", 2, 5000, &err), &err);
	sbuf_t out = { 0 };
	read_until(s, &out, "33 101");
	assert_ok(berth_stream_resize(s, 40, 120, &err), &err);
	assert_ok(berth_stream_write(s, "b\n", 2, 5000, &err), &err);
	read_until(s, &out, "40 120");
	assert_code(berth_stream_resize(s, 0, 10, &err), BERTH_EINVAL, &err);
	/* ^D ends the read loop: the terminal turns it into end of file */
	assert_ok(berth_stream_write(s, "\x04", 1, 5000, &err), &err);
	assert_int_equal(drain(s, &out, NULL, 10000), 0);
	berth_stream_free(s);
	assert_int_equal(exit_code_of(exec_id, 0), 0);
	sbuf_t_free(&out);
}

/* A TTY container's terminal resized through its attach stream. With
 * stdin the process says its size for each line it reads and ends at ^D;
 * output only, it waits for the size, says it and ends. */
static void attach_tty_resize(bool with_stdin)
{
	const char *reads[] = { "sh", "-c", "while read x; do stty size; done; exit 6" };
	const char *waits[] = { "sh", "-c",
				"while [ \"$(stty size)\" != '21 77' ]; do sleep 0.05; done; stty size; exit 6" };
	char *id = create_with(with_stdin ? "attach-tty" : "attach-tty-out", with_stdin ? reads : waits, 3, true,
			       with_stdin);
	berth_error err = BERTH_ERROR_INIT;
	berth_attach_options a = BERTH_ATTACH_OPTIONS_INIT;
	a.attach_stdin = with_stdin;
	berth_stream *s = NULL;
	assert_ok(berth_container_attach(&s, client, id, &a, &err), &err);
	assert_ok(berth_container_start(client, id, &err), &err);
	assert_ok(berth_stream_resize(s, 21, 77, &err), &err);
	assert_code(berth_stream_resize(s, 0, 10, &err), BERTH_EINVAL, &err);
	if (with_stdin)
		assert_ok(berth_stream_write(s, "a\n", 2, 5000, &err), &err);
	sbuf_t out = { 0 };
	read_until(s, &out, "21 77");
	/* ^D on the terminal: end of input, the loop ends */
	if (with_stdin)
		assert_ok(berth_stream_write(s, "\x04", 1, 5000, &err), &err);
	assert_int_equal(drain(s, &out, NULL, 10000), 0);
	berth_stream_free(s);
	expect_exit(id, 6);
	sbuf_t_free(&out);
	force_remove(id);
	berth_free(id);
}

static void test_attach_pty_resize(void **state)
{
	(void)state;
	need_engine();
	attach_tty_resize(true);
}

static void test_attach_tty_resize_output_only(void **state)
{
	(void)state;
	need_engine();
	attach_tty_resize(false);

	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	/* no TTY: nothing to resize */
	const char *quiet[] = { "true" };
	char *id = create(name_of("attach-notty"), quiet, 1);
	assert_ok(berth_container_attach(&s, client, id, NULL, &err), &err);
	assert_code(berth_stream_resize(s, 21, 77, &err), BERTH_EUNSUPPORTED, &err);
	berth_stream_free(s);
	force_remove(id);
	berth_free(id);
}

/* Attached before the start, a process that writes at once loses nothing;
 * the stream ends when it exits: not before its last line (which comes
 * after a pause), and promptly after. */
static void test_attach_before_start_and_end(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sh", "-c",
			       "i=1; while [ $i -le 50 ]; do echo line$i; i=$((i+1)); done; echo e1 >&2; "
			       "sleep 1; echo last; exit 3" };
	char *id = create(name_of("attach-early"), argv, 3);
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_ok(berth_container_attach(&s, client, id, NULL, &err), &err);
	assert_ok(berth_container_start(client, id, &err), &err);
	int64_t t0 = now_ms_();
	sbuf_t out = { 0 }, errb = { 0 };
	assert_int_equal(drain(s, &out, &errb, 15000), 0);
	int64_t ms = now_ms_() - t0;
	char want[1024] = "";
	for (int i = 1; i <= 50; i++)
		snprintf(want + strlen(want), sizeof want - strlen(want), "line%d\n", i);
	strcat(want, "last\n");
	assert_string_equal(out.data, want);
	assert_string_equal(errb.data, "e1\n");
	print_message("# attach: the stream ended %lld ms after the start (the process takes 1 s)\n", (long long)ms);
	if (ms > 6000)
		fail_msg("the stream ended %lld ms after the start of a 1 s process", (long long)ms);
	berth_stream_free(s);
	expect_exit(id, 3);
	sbuf_t_free(&out);
	sbuf_t_free(&errb);
	force_remove(id);
	berth_free(id);
}

/* Buffered exec in container id; asserts success, returns the exit code. */
static int exec_in(const char *id, const char *script)
{
	const char *argv[] = { "sh", "-c", script };
	berth_exec_options o = BERTH_EXEC_OPTIONS_INIT;
	o.argv = argv;
	o.argc = 3;
	berth_error err = BERTH_ERROR_INIT;
	berth_exec_result *res = NULL;
	assert_ok(berth_exec(&res, client, id, &o, &err), &err);
	int code = berth_exec_result_exit_code(res);
	berth_exec_result_free(res);
	return code;
}

/* An output-only attach to a running container sees what comes after it,
 * not what came before. */
static void test_attach_running_new_output_only(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sh", "-c",
			       "echo old; echo old-err >&2; touch /tmp/said; "
			       "while [ ! -e /tmp/go ]; do sleep 0.05; done; echo new; echo new-err >&2; exit 0" };
	char *id = run(name_of("attach-running"), argv, 3);
	int64_t deadline = now_ms_() + 10000;
	while (exec_in(id, "test -e /tmp/said") != 0 && now_ms_() < deadline)
		usleep(50 * 1000);
	/* and the engine has it in its log */
	berth_error err = BERTH_ERROR_INIT;
	for (bool seen = false; !seen && now_ms_() < deadline;) {
		berth_stream *l = NULL;
		assert_ok(berth_container_logs(&l, client, id, NULL, &err), &err);
		sbuf_t all = { 0 };
		drain(l, &all, &all, 5000);
		berth_stream_free(l);
		seen = all.data && strstr(all.data, "old\n") && strstr(all.data, "old-err\n");
		sbuf_t_free(&all);
		if (!seen)
			usleep(50 * 1000);
	}
	berth_stream *s = NULL;
	assert_ok(berth_container_attach(&s, client, id, NULL, &err), &err);
	assert_int_equal(exec_in(id, "touch /tmp/go"), 0);
	sbuf_t out = { 0 }, errb = { 0 };
	assert_int_equal(drain(s, &out, &errb, 15000), 0);
	assert_string_equal(out.data, "new\n");
	assert_string_equal(errb.data, "new-err\n");
	sbuf_t_free(&out);
	sbuf_t_free(&errb);
	berth_stream_free(s);
	force_remove(id);
	berth_free(id);
}

static void test_many_quick_exit_codes(void **state)
{
	(void)state;
	need_engine();
	/* the exit code is there right after each stream, every time */
	for (int i = 0; i < 25; i++) {
		char script[32];
		snprintf(script, sizeof script, "exit %d", i * 7 % 256);
		const char *argv[] = { "sh", "-c", script };
		char *exec_id = NULL;
		berth_stream *s = start_in_box(argv, 3, false, false, &exec_id);
		assert_int_equal(drain(s, NULL, NULL, 10000), 0);
		berth_stream_free(s);
		/* right after the end, every time (a busy engine may take a
		 * while to answer at all, hence not a tighter bound) */
		assert_int_equal(exit_code_of(exec_id, 2000), i * 7 % 256);
	}
}

static void test_binary_and_big_output(void **state)
{
	(void)state;
	need_engine();
	/* every byte value, twice, through stdout and stderr */
	const char *argv[] = { "sh", "-c",
		"i=0; while [ $i -lt 256 ]; do printf \"\\\\$(printf %o $i)\"; i=$((i+1)); done > /tmp/all;"
		"cat /tmp/all /tmp/all; cat /tmp/all >&2" };
	berth_exec_result *res = exec_argv(argv, 3, NULL);
	size_t n, ne;
	const char *out = berth_exec_result_stdout(res, &n);
	const char *errs = berth_exec_result_stderr(res, &ne);
	assert_int_equal(n, 512);
	assert_int_equal(ne, 256);
	for (int i = 0; i < 512; i++)
		assert_int_equal((unsigned char)out[i], i % 256);
	for (int i = 0; i < 256; i++)
		assert_int_equal((unsigned char)errs[i], i);
	berth_exec_result_free(res);

	/* 8 MiB of random bytes: the same bytes as the file's checksum says */
	const char *big[] = { "sh", "-c",
		"head -c 8388608 /dev/urandom > /tmp/big; md5sum /tmp/big >&2; cat /tmp/big; rm /tmp/big" };
	int64_t t0 = now_ms_();
	res = exec_argv(big, 3, NULL);
	int64_t ms = now_ms_() - t0;
	out = berth_exec_result_stdout(res, &n);
	errs = berth_exec_result_stderr(res, &ne);
	assert_int_equal(n, 8388608);
	print_message("# 8 MiB exec output in %lld ms\n", (long long)ms);
	/* compare with a local md5sum of the bytes */
	char path[] = "/tmp/berth-exec-big-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, out, n), (ssize_t)n);
	close(fd);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "md5sum < %s", path);
	FILE *p = popen(cmd, "r");
	char sum[64] = "";
	assert_non_null(fgets(sum, sizeof sum, p));
	pclose(p);
	unlink(path);
	assert_true(ne >= 32);
	assert_memory_equal(sum, errs, 32);
	berth_exec_result_free(res);

	/* past the cap: a clear error */
	berth_exec_options o = BERTH_EXEC_OPTIONS_INIT;
	const char *many[] = { "sh", "-c", "head -c 300000 /dev/zero" };
	o.argv = many;
	o.argc = 3;
	o.max_output = 100000;
	berth_error err = BERTH_ERROR_INIT;
	res = NULL;
	assert_code(berth_exec(&res, client, box, &o, &err), BERTH_ENOMEM, &err);
	assert_message_has(&err, "max_output");
	assert_null(res);
}

static void test_tty_exec_buffered(void **state)
{
	(void)state;
	need_engine();
	berth_exec_options o = BERTH_EXEC_OPTIONS_INIT;
	o.tty = 1;
	const char *argv[] = { "sh", "-c", "echo out; echo err >&2; test -t 1" };
	berth_exec_result *res = exec_argv(argv, 3, &o);
	assert_int_equal(berth_exec_result_exit_code(res), 0);
	/* one stream, with the terminal's line endings */
	assert_string_equal(berth_exec_result_stdout(res, NULL), "out\r\nerr\r\n");
	assert_string_equal(berth_exec_result_stderr(res, NULL), "");
	berth_exec_result_free(res);
}

static void test_timeout(void **state)
{
	(void)state;
	need_engine();
	berth_exec_options o = BERTH_EXEC_OPTIONS_INIT;
	const char *argv[] = { "sleep", "5" };
	o.argv = argv;
	o.argc = 2;
	o.timeout_ms = 300;
	berth_error err = BERTH_ERROR_INIT;
	berth_exec_result *res = NULL;
	int64_t t0 = now_ms_();
	assert_code(berth_exec(&res, client, box, &o, &err), BERTH_ETIMEDOUT, &err);
	assert_true(now_ms_() - t0 < 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buffered_exit_and_streams),
		cmocka_unit_test(test_buffered_env_user_workdir),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_missing_and_stopped),
		cmocka_unit_test(test_streaming),
		cmocka_unit_test(test_exec_stdin_half_close),
		cmocka_unit_test(test_attach_stdin_half_close),
		cmocka_unit_test(test_attach_stdin_kept_open),
		cmocka_unit_test(test_attach_output_only),
		cmocka_unit_test(test_attach_logs_replay),
		cmocka_unit_test(test_pty_resize),
		cmocka_unit_test(test_attach_pty_resize),
		cmocka_unit_test(test_attach_tty_resize_output_only),
		cmocka_unit_test(test_attach_before_start_and_end),
		cmocka_unit_test(test_attach_running_new_output_only),
		cmocka_unit_test(test_many_quick_exit_codes),
		cmocka_unit_test(test_binary_and_big_output),
		cmocka_unit_test(test_tty_exec_buffered),
		cmocka_unit_test(test_timeout),
	};
	return cmocka_run_group_tests_name(conformance_group("exec"), tests, group_setup, group_teardown);
}
