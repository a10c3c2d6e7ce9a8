/* Exec and attach against a scripted fake engine: what is sent (the
 * Upgrade request, the create body), the checks made before any request,
 * and the faults: a hijacked connection cut inside a frame or at a frame
 * boundary with the engine gone ends with BERTH_EUNAVAILABLE, a stalled
 * one times out and stays usable, a malformed frame is a protocol error,
 * an engine that does not switch protocols is a protocol error -- and
 * nothing hangs. */
#include "../common/test.h"

#include "common/fake_server.h"

#define DOCKER_PING FAKE_DOCKER_PING
#define PODMAN_PING FAKE_PODMAN_PING
#define CREATED "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"Id\":\"e1\"}"
#define UPGRADED "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n" \
		 "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
#define ENDED_3 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 32\r\n\r\n" \
		"{\"Running\":false,\"ExitCode\":3}  "
/* a stdout frame "hi\n" and a stderr frame "oops" */
#define FRAMES "\x01\0\0\0\0\0\0\x03hi\n\x02\0\0\0\0\0\0\x04oops"

static fake_server *fs;
static berth_client *client;

static int teardown(void **state)
{
	(void)state;
	fake_engine_stop(&fs, &client);
	return 0;
}

static void start_engine(const char *ping, const fake_reply *rest, size_t n)
{
	fs = fake_engine_start(&client, ping, rest, n);
}

static const char *ARGV[] = { "sh", "-c", "echo hi" };

static berth_exec_options opts(void)
{
	berth_exec_options o = BERTH_EXEC_OPTIONS_INIT;
	o.argv = ARGV;
	o.argc = 3;
	return o;
}

/* Read to the end; the final code, with a bound on the time it took. */
static int drain(berth_stream *s, berth_error *err, int64_t max_ms)
{
	int64_t t0 = fake_mono_ms();
	int r;
	berth_frame f;
	while ((r = berth_stream_next(s, &f, 5000, err)) == 0)
		;
	assert_true(fake_mono_ms() - t0 < max_ms);
	return r;
}

static void test_checks_before_request(void **state)
{
	(void)state;
	fake_reply r[] = { { .data = CREATED } };
	start_engine(DOCKER_PING, r, 1);
	berth_error err = BERTH_ERROR_INIT;
	berth_exec_result *res = NULL;
	berth_stream *s = NULL;
	berth_exec_options o = BERTH_EXEC_OPTIONS_INIT;
	assert_code(berth_exec(&res, client, "c1", &o, &err), BERTH_EINVAL, &err);
	const char *empty[] = { "" };
	o.argv = empty;
	o.argc = 1;
	assert_code(berth_exec(&res, client, "c1", &o, &err), BERTH_EINVAL, &err);
	const char *holes[] = { "sh", NULL };
	o.argv = holes;
	o.argc = 2;
	assert_code(berth_exec_start(&s, NULL, client, "c1", &o, &err), BERTH_EINVAL, &err);
	o = opts();
	const char *env[] = { "=x" };
	o.env = env;
	o.env_count = 1;
	assert_code(berth_exec_start(&s, NULL, client, "c1", &o, &err), BERTH_EINVAL, &err);
	o = opts();
	o.version = 99;
	assert_code(berth_exec_start(&s, NULL, client, "c1", &o, &err), BERTH_EINVAL, &err);
	o = opts();
	o.detach = 1;
	assert_code(berth_exec(&res, client, "c1", &o, &err), BERTH_EINVAL, &err);
	o = opts();
	assert_code(berth_exec_start(&s, NULL, client, "bad/name", &o, &err), BERTH_EINVAL, &err);
	assert_code(berth_exec_start(NULL, NULL, client, "c1", &o, &err), BERTH_EINVAL, &err);
	berth_attach_options a = BERTH_ATTACH_OPTIONS_INIT;
	a.logs = a.stream = 0;
	assert_code(berth_container_attach(&s, client, "c1", &a, &err), BERTH_EINVAL, &err);
	assert_null(s);
	assert_null(res);
	assert_int_equal(fake_requests(fs), 1); /* the ping only */
}

static void test_buffered_and_request(void **state)
{
	(void)state;
	fake_reply r[] = {
		{ .data = CREATED },
		{ .data = UPGRADED FRAMES, .len = sizeof(UPGRADED FRAMES) - 1, .close_after = true },
		{ .data = ENDED_3 },
	};
	start_engine(DOCKER_PING, r, 3);
	berth_exec_options o = opts();
	const char *env[] = { "A=1" };
	o.env = env;
	o.env_count = 1;
	o.user = "nobody";
	o.workdir = "/srv";
	berth_error err = BERTH_ERROR_INIT;
	berth_exec_result *res = NULL;
	assert_ok(berth_exec(&res, client, "c1", &o, &err), &err);
	assert_int_equal(berth_exec_result_exit_code(res), 3);
	size_t n;
	assert_string_equal(berth_exec_result_stdout(res, &n), "hi\n");
	assert_string_equal(berth_exec_result_stderr(res, &n), "oops");
	assert_string_equal(berth_exec_result_id(res), "e1");
	berth_exec_result_free(res);
	/* ping, create, start, the end check of the stream, the exit code */
	assert_int_equal(fake_requests(fs), 5);
}

static void test_upgrade_request(void **state)
{
	(void)state;
	fake_reply r[] = {
		{ .data = CREATED },
		{ .data = UPGRADED, .hang = false },
	};
	start_engine(DOCKER_PING, r, 2);
	berth_exec_options o = opts();
	o.tty = 1;
	o.attach_stdin = 1;
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	char *id = NULL;
	assert_ok(berth_exec_start(&s, &id, client, "c1", &o, &err), &err);
	assert_string_equal(id, "e1");
	const char *req = fake_last_request(fs);
	assert_non_null(strstr(req, "POST /v1.41/exec/e1/start"));
	assert_non_null(strstr(req, "Upgrade: tcp"));
	assert_non_null(strstr(req, "\"Tty\":true"));
	/* nothing comes: a bounded wait, then still usable */
	berth_frame f;
	int64_t t0 = fake_mono_ms();
	assert_code(berth_stream_next(s, &f, 200, &err), BERTH_ETIMEDOUT, &err);
	assert_true(fake_mono_ms() - t0 < 1000);
	assert_ok(berth_stream_write(s, "x", 1, 1000, &err), &err);
	berth_stream_free(s); /* cancels without waiting */
	berth_free(id);
}

/* The engine dies inside a frame: the connection ends mid-frame. */
static void test_cut_inside_frame(void **state)
{
	(void)state;
	static const char cut[] = UPGRADED "\x01\0\0\0\0\0\0\x10only-part";
	fake_reply r[] = {
		{ .data = CREATED },
		{ .data = cut, .len = sizeof cut - 1, .close_after = true },
	};
	start_engine(DOCKER_PING, r, 2);
	berth_exec_options o = opts();
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_ok(berth_exec_start(&s, NULL, client, "c1", &o, &err), &err);
	assert_code(drain(s, &err, 3000), BERTH_EUNAVAILABLE, &err);
	assert_message_has(&err, "inside a frame");
	/* and again for later calls */
	berth_frame f;
	assert_code(berth_stream_next(s, &f, 100, &err), BERTH_EUNAVAILABLE, &err);
	berth_stream_free(s);
}

/* The connection ends between frames and the engine is gone: the check
 * at the end finds out. */
static void test_cut_engine_gone(void **state)
{
	(void)state;
	fake_reply r[] = {
		{ .data = CREATED },
		{ .data = UPGRADED FRAMES, .len = sizeof(UPGRADED FRAMES) - 1, .close_after = true },
		{ .data = "", .drop = true },
	};
	start_engine(DOCKER_PING, r, 3);
	berth_exec_options o = opts();
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_ok(berth_exec_start(&s, NULL, client, "c1", &o, &err), &err);
	assert_code(drain(s, &err, 5000), BERTH_EUNAVAILABLE, &err);
	berth_stream_free(s);
}

/* The engine stops sending (stalls): bounded waits, free never hangs. */
static void test_stalled_stream(void **state)
{
	(void)state;
	static const char part[] = UPGRADED FRAMES;
	fake_reply r[] = {
		{ .data = CREATED },
		{ .data = part, .len = sizeof part - 1, .stall_at = sizeof(UPGRADED) - 1 + 11 },
	};
	start_engine(DOCKER_PING, r, 2);
	berth_exec_options o = opts();
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_ok(berth_exec_start(&s, NULL, client, "c1", &o, &err), &err);
	berth_frame f;
	assert_ok(berth_stream_next(s, &f, 2000, &err), &err);
	assert_int_equal(f.channel, BERTH_CHANNEL_STDOUT);
	assert_int_equal(f.len, 3);
	int64_t t0 = fake_mono_ms();
	assert_code(berth_stream_next(s, &f, 300, &err), BERTH_ETIMEDOUT, &err);
	assert_true(fake_mono_ms() - t0 < 1500);
	fake_release(fs);
	assert_ok(berth_stream_next(s, &f, 2000, &err), &err);
	assert_int_equal(f.channel, BERTH_CHANNEL_STDERR);
	berth_stream_free(s);
}

static void test_malformed_frame(void **state)
{
	(void)state;
	static const char bad[] = UPGRADED "\x07\0\0\0\0\0\0\x01x";
	fake_reply r[] = {
		{ .data = CREATED },
		{ .data = bad, .len = sizeof bad - 1, .close_after = true },
	};
	start_engine(DOCKER_PING, r, 2);
	berth_exec_options o = opts();
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_ok(berth_exec_start(&s, NULL, client, "c1", &o, &err), &err);
	assert_code(drain(s, &err, 3000), BERTH_EPROTOCOL, &err);
	berth_stream_free(s);
}

static void test_no_switch(void **state)
{
	(void)state;
	fake_reply r[] = {
		{ .data = CREATED },
		{ .data = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n", .close_after = true },
	};
	start_engine(DOCKER_PING, r, 2);
	berth_exec_options o = opts();
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_code(berth_exec_start(&s, NULL, client, "c1", &o, &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "not 101");
	assert_null(s);
}

static void test_error_mapping(void **state)
{
	(void)state;
	static const char improper[] =
		"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 114\r\n\r\n"
		"{\"cause\":\"container state improper\",\"message\":\"can only create exec sessions on running containers\","
		"\"response\":500}";
	fake_reply r[] = { { .data = improper } };
	start_engine(PODMAN_PING, r, 1);
	berth_exec_options o = opts();
	berth_error err = BERTH_ERROR_INIT;
	berth_exec_result *res = NULL;
	assert_code(berth_exec(&res, client, "c1", &o, &err), BERTH_ECONFLICT, &err);
	assert_null(res);
}

/* The engine vanishes while a buffered exec waits for the output. */
static void test_buffered_engine_dies(void **state)
{
	(void)state;
	static const char cut[] = UPGRADED "\x01\0\0\0\0\0";
	fake_reply r[] = {
		{ .data = CREATED },
		{ .data = cut, .len = sizeof cut - 1, .split = 3, .close_after = true },
	};
	start_engine(DOCKER_PING, r, 2);
	berth_exec_options o = opts();
	berth_error err = BERTH_ERROR_INIT;
	berth_exec_result *res = NULL;
	int64_t t0 = fake_mono_ms();
	assert_code(berth_exec(&res, client, "c1", &o, &err), BERTH_EUNAVAILABLE, &err);
	assert_true(fake_mono_ms() - t0 < 3000);
	assert_null(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_checks_before_request, teardown),
		cmocka_unit_test_teardown(test_buffered_and_request, teardown),
		cmocka_unit_test_teardown(test_upgrade_request, teardown),
		cmocka_unit_test_teardown(test_cut_inside_frame, teardown),
		cmocka_unit_test_teardown(test_cut_engine_gone, teardown),
		cmocka_unit_test_teardown(test_stalled_stream, teardown),
		cmocka_unit_test_teardown(test_malformed_frame, teardown),
		cmocka_unit_test_teardown(test_no_switch, teardown),
		cmocka_unit_test_teardown(test_error_mapping, teardown),
		cmocka_unit_test_teardown(test_buffered_engine_dies, teardown),
	};
	return cmocka_run_group_tests_name("exec", tests, NULL, NULL);
}
