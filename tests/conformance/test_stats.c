/* Conformance: stats (one-shot and streamed) and top, written once against
 * the public API and run against each engine (BERTH_TEST_ENGINE). A busy
 * container must show CPU use, its memory within its limit and its pids;
 * a stream must give several samples and end on free; a stopped container
 * is BERTH_ECONFLICT on both engines; a missing one BERTH_ENOTFOUND. */
#include "conformance.h"

#include <unistd.h>

static const char *BUSY[] = { "sh", "-c", "while :; do :; done" };
static const char *SLEEP[] = { "sleep", "300" };

#define LIMIT (64 * 1024 * 1024)

static char *run_limited(const char *name, const char *const *argv, size_t argc)
{
	berth_spec *s = spec_of(name, argv, argc);
	berth_error err = BERTH_ERROR_INIT;
	assert_int_equal(berth_spec_set_memory(s, LIMIT, &err), 0);
	char *id = NULL;
	int r = berth_container_run(&id, client, s, &err);
	berth_spec_free(s);
	if (r < 0)
		fail_msg("run %s: %s", name, err.message);
	return id;
}

/* An engine whose backend has no stats or top (containerd, so far): both
 * answer BERTH_EUNSUPPORTED, and the test ends there, passed. */
static void lacking_pass(void)
{
	if (!engine_lacks("container_stats"))
		return;
	berth_error err = BERTH_ERROR_INIT;
	berth_stats *st = NULL;
	assert_code(berth_container_stats(&st, client, name_of("lacking"), &err), BERTH_EUNSUPPORTED, &err);
	conformance_pass();
}

static void lacking_top_pass(void)
{
	if (!engine_lacks("container_top"))
		return;
	berth_error err = BERTH_ERROR_INIT;
	berth_top *tp = NULL;
	assert_code(berth_container_top(&tp, client, name_of("lacking"), NULL, &err), BERTH_EUNSUPPORTED, &err);
	conformance_pass();
}

static void test_stats_oneshot_busy(void **state)
{
	(void)state;
	need_engine();
	lacking_pass();
	char *id = run_limited(name_of("busy"), BUSY, 3);
	usleep(300 * 1000);
	berth_stats *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int64_t t0 = now_ms_();
	int r = berth_container_stats(&s, client, id, &err);
	int64_t took = now_ms_() - t0;
	if (r < 0)
		fail_msg("stats: %s", err.message);
	print_message("# stats one-shot took %lld ms: cpu %.2f%%, mem %llu / %llu, pids %llu\n", (long long)took,
		      berth_stats_cpu_percent(s), (unsigned long long)berth_stats_memory_usage(s),
		      (unsigned long long)berth_stats_memory_limit(s), (unsigned long long)berth_stats_pids(s));
	/* a loop of sh keeps about one CPU busy */
	assert_true(berth_stats_cpu_percent(s) > 20.0);
	/* one thread: at most one CPU's worth (Podman's own counters gave 180 %
	 * here before berth timed its two readings itself) */
	assert_true(berth_stats_cpu_percent(s) <= 115.0);
	assert_int_equal(berth_stats_memory_limit(s), LIMIT);
	assert_true(berth_stats_memory_usage(s) > 0);
	assert_true(berth_stats_memory_usage(s) < LIMIT);
	assert_true(berth_stats_memory_percent(s) > 0 && berth_stats_memory_percent(s) < 100);
	assert_int_equal(berth_stats_pids(s), 1);
	assert_true(berth_stats_time_ns(s) > 0);
	assert_int_equal(strncmp(id, berth_stats_id(s), 12), 0);
	assert_non_null(strstr(berth_stats_raw_json(s), "cpu_stats"));
	berth_stats_free(s);
	force_remove(id);
	berth_free(id);
}

static void test_stats_stream(void **state)
{
	(void)state;
	need_engine();
	lacking_pass();
	char *id = run_limited(name_of("stream"), BUSY, 3);
	berth_stream *st = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_container_stats_stream(&st, client, id, &err) < 0)
		fail_msg("stats stream: %s", err.message);
	assert_true(berth_stream_fd(st) >= 0);
	/* Docker sends a sample a second, Podman every five: two samples
	 * (three on Docker) come within 12 s */
	int want = engine == BERTH_ENGINE_DOCKER ? 3 : 2, got = 0;
	double last_cpu = 0;
	int64_t prev_ns = 0;
	while (got < want) {
		berth_frame f;
		int r = berth_stream_next(st, &f, 12000, &err);
		if (r < 0)
			fail_msg("stats stream next: %s", err.message);
		const berth_stats *s = f.item;
		assert_non_null(s);
		assert_int_equal(f.channel, BERTH_CHANNEL_SYSTEM);
		assert_true(f.len > 0 && f.data[0] == '{');
		assert_true(f.time_ns > prev_ns);
		prev_ns = f.time_ns;
		assert_int_equal(berth_stats_memory_limit(s), LIMIT);
		last_cpu = berth_stats_cpu_percent(s);
		got++;
	}
	assert_true(last_cpu > 20.0);
	/* free cancels the endless stream at once */
	int64_t t0 = now_ms_();
	berth_stream_free(st);
	assert_true(now_ms_() - t0 < 1000);

	/* a stream ends by itself when the container stops */
	st = NULL;
	if (berth_container_stats_stream(&st, client, id, &err) < 0)
		fail_msg("stats stream: %s", err.message);
	berth_error kerr = BERTH_ERROR_INIT;
	assert_int_equal(berth_container_kill(client, id, 9, &kerr), 0);
	int r;
	berth_frame f;
	int64_t deadline = now_ms_() + 15000;
	while ((r = berth_stream_next(st, &f, 15000, &err)) == 0 && now_ms_() < deadline)
		;
	assert_int_equal(r, BERTH_ITEROVER);
	berth_stream_free(st);
	force_remove(id);
	berth_free(id);
}

static void test_stats_not_running(void **state)
{
	(void)state;
	need_engine();
	lacking_pass();
	char *id = create(name_of("stopped"), SLEEP, 2);
	berth_stats *s = NULL;
	berth_stream *st = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_int_equal(berth_container_stats(&s, client, id, &err), BERTH_ECONFLICT);
	assert_null(s);
	assert_non_null(strstr(err.message, "not running"));
	assert_int_equal(berth_container_stats_stream(&st, client, id, &err), BERTH_ECONFLICT);
	assert_null(st);
	berth_top *t = NULL;
	if (!engine_lacks("container_top"))
		assert_int_equal(berth_container_top(&t, client, id, NULL, &err), BERTH_ECONFLICT);
	assert_null(t);
	force_remove(id);
	berth_free(id);
}

static void test_missing_and_bad_input(void **state)
{
	(void)state;
	need_engine();
	lacking_pass();
	berth_stats *s = NULL;
	berth_stream *st = NULL;
	berth_top *t = NULL;
	berth_error err = BERTH_ERROR_INIT;
	const char *none = name_of("never-made");
	assert_int_equal(berth_container_stats(&s, client, none, &err), BERTH_ENOTFOUND);
	assert_int_equal(berth_container_stats_stream(&st, client, none, &err), BERTH_ENOTFOUND);
	if (!engine_lacks("container_top"))
		assert_int_equal(berth_container_top(&t, client, none, NULL, &err), BERTH_ENOTFOUND);
	assert_null(s);
	assert_null(st);
	assert_null(t);
	assert_int_equal(berth_container_stats(&s, client, "bad/name", &err), BERTH_EINVAL);
	assert_int_equal(berth_container_stats(NULL, client, none, &err), BERTH_EINVAL);
	assert_int_equal(berth_container_stats_stream(&st, NULL, none, &err), BERTH_EINVAL);
	assert_int_equal(berth_container_top(&t, client, "", NULL, &err), BERTH_EINVAL);
}

static void test_top(void **state)
{
	(void)state;
	need_engine();
	lacking_top_pass();
	const char *argv[] = { "sleep", "4242" };
	char *id = run(name_of("top"), argv, 2);
	berth_top *t = NULL;
	berth_error err = BERTH_ERROR_INIT;
	/* the engine's default */
	if (berth_container_top(&t, client, id, NULL, &err) < 0)
		fail_msg("top: %s", err.message);
	assert_true(berth_top_title_count(t) >= 2);
	assert_int_equal(berth_top_row_count(t), 1);
	size_t last = berth_top_title_count(t) - 1;
	assert_non_null(strstr(berth_top_cell(t, 0, last), "sleep 4242"));
	assert_null(berth_top_cell(t, 1, 0));
	assert_null(berth_top_title(t, last + 1));
	berth_top_free(t);
	/* ps arguments: the columns asked for, in order */
	t = NULL;
	if (berth_container_top(&t, client, id, "-o pid,args", &err) < 0)
		fail_msg("top -o pid,args: %s", err.message);
	assert_int_equal(berth_top_title_count(t), 2);
	assert_string_equal(berth_top_title(t, 0), "PID");
	assert_int_equal(berth_top_row_count(t), 1);
	assert_true(atoi(berth_top_cell(t, 0, 0)) > 0);
	assert_string_equal(berth_top_cell(t, 0, 1), "sleep 4242");
	berth_top_free(t);
	/* containerd reads /proc itself: ps arguments other than -o with its
	 * known columns are refused, naming them */
	if (engine == BERTH_ENGINE_CONTAINERD) {
		t = NULL;
		assert_int_equal(berth_container_top(&t, client, id, "aux", &err), BERTH_EUNSUPPORTED);
		assert_null(t);
		assert_non_null(strstr(err.message, "aux"));
	}
	force_remove(id);
	berth_free(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_oneshot_busy),
		cmocka_unit_test(test_stats_stream),
		cmocka_unit_test(test_stats_not_running),
		cmocka_unit_test(test_missing_and_bad_input),
		cmocka_unit_test(test_top),
	};
	return cmocka_run_group_tests_name(conformance_group("stats"), tests, conformance_setup, conformance_teardown);
}
