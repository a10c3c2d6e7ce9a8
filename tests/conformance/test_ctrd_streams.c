/* containerd's logs and exec through the backend functions the public
 * logs and exec calls dispatch to (until those calls reach this branch):
 * berth-logger's log read with tail / since / channels / timestamps /
 * follow that ends when the task does; exec buffered, streaming with stdin
 * and its half-close, with a PTY; no FIFO left behind. Runs on containerd
 * only. */
#include "conformance.h"

#include "lib/engines/containerd/ctrd_lifecycle.h"

#include <dirent.h>
#include <signal.h>
#include <time.h>

static const char *const PRINTER[] = { "sh", "-c",
	"echo one; echo two >&2; echo three; trap 'echo bye; exit 0' TERM; while :; do sleep 0.1; done" };

static char *read_stream(berth_stream *s, int *frames, bool *stamped)
{
	size_t cap = 65536, len = 0;
	char *all = calloc(1, cap);
	berth_frame f;
	berth_error err = BERTH_ERROR_INIT;
	int r;
	*frames = 0;
	*stamped = true;
	while ((r = berth_stream_next(s, &f, 10000, &err)) == 0) {
		(*frames)++;
		*stamped = *stamped && f.time_ns > 1700000000000000000LL;
		len += (size_t)snprintf(all + len, cap - len, "%c:%.*s", f.channel == BERTH_CHANNEL_STDERR ? 'E' : 'O',
					(int)f.len, f.data);
	}
	assert_code(r, BERTH_ITEROVER, &err);
	return all;
}

static void test_logs(void **state)
{
	(void)state;
	need_engine();
	char *id = run(name_of("logs"), PRINTER, 3);
	usleep(500 * 1000);
	berth_error err = BERTH_ERROR_INIT;
	ctrd_log_query q = { true, true, false, false, -1, 0, 0 };
	berth_stream *s = NULL;
	int frames;
	bool stamped;
	assert_ok(ctrd_container_logs_q(&s, client, name_of("logs"), &q, &err), &err);
	char *all = read_stream(s, &frames, &stamped);
	berth_stream_free(s);
	assert_non_null(strstr(all, "O:one\n"));
	assert_non_null(strstr(all, "E:two\n"));
	assert_non_null(strstr(all, "O:three\n"));
	free(all);
	/* the last two entries of both channels (their order across the
	 * channels is the order berth-logger read them), stdout only: the
	 * last stdout line, with its time */
	q.err = false;
	q.tail = 2;
	q.timestamps = true;
	assert_ok(ctrd_container_logs_q(&s, client, id, &q, &err), &err);
	all = read_stream(s, &frames, &stamped);
	berth_stream_free(s);
	assert_string_equal(all, "O:three\n");
	assert_true(stamped);
	free(all);
	/* follow: ends by itself once the task is gone */
	q = (ctrd_log_query){ true, true, true, false, 0, 0, 0 };
	assert_ok(ctrd_container_logs_q(&s, client, id, &q, &err), &err);
	assert_true(berth_stream_fd(s) >= 0);
	berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
	so.grace_seconds = 5;
	assert_ok(berth_container_stop(client, id, &so, &err), &err);
	int64_t t0 = now_ms_();
	all = read_stream(s, &frames, &stamped);
	assert_true(now_ms_() - t0 < 3000);
	assert_string_equal(all, "O:bye\n");
	free(all);
	berth_stream_free(s);
	/* a stopped container's logs survive; follow returns what there is */
	assert_ok(ctrd_container_logs_q(&s, client, id, &q, &err), &err);
	all = read_stream(s, &frames, &stamped);
	assert_int_equal(frames, 0); /* tail 0 */
	free(all);
	berth_stream_free(s);
	/* readiness's scan: Engine API framing */
	force_remove(id);
	assert_code(ctrd_container_logs_q(&s, client, id, &q, &err), BERTH_ENOTFOUND, &err);
	berth_free(id);
}

/* No exec FIFO stays in the container's state directory. */
static void no_fifos(const char *id)
{
	char dir[3072];
	assert_int_equal(ctrd_state_dir(dir, sizeof dir, client, id), 0);
	DIR *d = opendir(dir);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));)
		if (strncmp(e->d_name, "exec-", 5) == 0)
			fail_msg("left behind: %s/%s", dir, e->d_name);
	closedir(d);
}

static void test_exec(void **state)
{
	(void)state;
	need_engine();
	char *id = run(name_of("exec"), PRINTER, 3);
	berth_error err = BERTH_ERROR_INIT;
	/* buffered: both channels and the code */
	const char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 7" };
	ctrd_exec_args a = { .argv = argv, .argc = 3 };
	sbuf out = SBUF_INIT, errout = SBUF_INIT;
	int code = -1;
	assert_ok(ctrd_exec_run(&code, &out, &errout, client, id, &a, 0, 10000, &err), &err);
	assert_int_equal(code, 7);
	assert_string_equal(out.data, "out\n");
	assert_string_equal(errout.data, "err\n");
	sbuf_release(&out);
	sbuf_release(&errout);
	/* env, user, workdir */
	const char *who[] = { "sh", "-c", "echo $BERTH_X $(id -u) $(pwd)" };
	const char *env[] = { "BERTH_X=yes" };
	a = (ctrd_exec_args){ .argv = who, .argc = 3, .env = env, .env_count = 1, .user = "65534", .workdir = "/tmp" };
	assert_ok(ctrd_exec_run(&code, &out, NULL, client, id, &a, 0, 10000, &err), &err);
	assert_string_equal(out.data, "yes 65534 /tmp\n");
	sbuf_release(&out);
	/* a command that does not exist: as Docker, exit code 127 and runc's
	 * message as the output */
	const char *nosuch[] = { "/no/such" };
	a = (ctrd_exec_args){ .argv = nosuch, .argc = 1 };
	assert_ok(ctrd_exec_run(&code, &out, NULL, client, id, &a, 0, 10000, &err), &err);
	assert_int_equal(code, 127);
	assert_non_null(strstr(out.data, "/no/such"));
	sbuf_release(&out);
	/* a timeout kills it */
	const char *slow[] = { "sleep", "30" };
	a = (ctrd_exec_args){ .argv = slow, .argc = 2 };
	int64_t t0 = now_ms_();
	assert_code(ctrd_exec_run(&code, &out, NULL, client, id, &a, 0, 500, &err), BERTH_ETIMEDOUT, &err);
	assert_true(now_ms_() - t0 < 5000);
	sbuf_release(&out);

	/* streaming with stdin: cat echoes, the half-close ends it */
	const char *cat[] = { "cat" };
	a = (ctrd_exec_args){ .argv = cat, .argc = 1, .attach_stdin = true };
	berth_stream *s = NULL;
	char *eid = NULL;
	assert_ok(ctrd_exec_start(&s, &eid, client, id, &a, &err), &err);
	no_fifos(id);
	assert_ok(berth_stream_write(s, "ping\n", 5, 2000, &err), &err);
	assert_ok(berth_stream_close_stdin(s, &err), &err);
	int frames;
	bool stamped;
	char *all = read_stream(s, &frames, &stamped);
	assert_string_equal(all, "O:ping\n");
	free(all);
	berth_stream_free(s);
	assert_ok(ctrd_exec_exit_code(&code, client, eid, 5000, &err), &err);
	assert_int_equal(code, 0);
	assert_code(ctrd_exec_exit_code(&code, client, eid, 5000, &err), BERTH_ENOTFOUND, &err);
	free(eid);

	/* a PTY: one output, a terminal on stdin, resizable */
	const char *tty[] = { "sh", "-c", "sleep 0.3; stty size; test -t 0 && echo tty" };
	a = (ctrd_exec_args){ .argv = tty, .argc = 3, .tty = true };
	assert_ok(ctrd_exec_start(&s, &eid, client, id, &a, &err), &err);
	assert_ok(berth_stream_resize(s, 33, 101, &err), &err);
	all = read_stream(s, &frames, &stamped);
	assert_non_null(strstr(all, "33 101"));
	assert_non_null(strstr(all, "tty"));
	assert_null(strstr(all, "E:"));
	free(all);
	berth_stream_free(s);
	assert_ok(ctrd_exec_exit_code(&code, client, eid, 5000, &err), &err);
	assert_int_equal(code, 0);
	free(eid);
	no_fifos(id);

	/* not running: a conflict */
	assert_ok(berth_container_kill(client, id, SIGKILL, &err), &err);
	berth_container_info_free(wait_exited(id, 10000));
	a = (ctrd_exec_args){ .argv = argv, .argc = 3 };
	assert_code(ctrd_exec_run(&code, &out, NULL, client, id, &a, 0, 10000, &err), BERTH_ECONFLICT, &err);
	sbuf_release(&out);
	force_remove(id);
	berth_free(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logs),
		cmocka_unit_test(test_exec),
	};
	return cmocka_run_group_tests_name(conformance_group("ctrd-streams"), tests, conformance_setup,
					   conformance_teardown);
}
