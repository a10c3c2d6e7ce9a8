/* Stats, top, changes and path-stat replies -> models; the CPU percent
 * arithmetic; the JSON-lines splitter. Fixtures are real replies of Docker
 * 20.10 and Podman 4.3 on cgroup v1 (tests/unit/fixtures/), plus one
 * hand-made cgroup v2 sample (the machines here have no v2). */
#include "../common/test.h"

#include "../common/fixture.h"
#include "lib/engines/engineapi/eapi_parse_io.h"
#include "lib/parse/jsonl.h"

#include <sys/stat.h>

#define S(x) x, strlen(x)

static berth_stats *stats_of(const char *fixture)
{
	size_t len;
	char *body = test_fixture(fixture, &len);
	berth_stats *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_parse_stats(&s, body, len, &err), &err);
	free(body);
	return s;
}

static void test_cpu_math(void **state)
{
	(void)state;
	/* docker's formula: 1 s of CPU in 2 s of all CPUs' time on 2 CPUs */
	assert_float_equal(stats_cpu_percent(2000, 1000, 4000, 2000, 2), 100.0, 1e-9);
	assert_float_equal(stats_cpu_percent(1500, 1000, 4000, 2000, 4), 100.0, 1e-9);
	/* no progress, or counters going back: 0 */
	assert_float_equal(stats_cpu_percent(1000, 1000, 4000, 2000, 2), 0.0, 1e-9);
	assert_float_equal(stats_cpu_percent(2000, 1000, 2000, 2000, 2), 0.0, 1e-9);
	assert_float_equal(stats_cpu_percent(900, 1000, 4000, 2000, 2), 0.0, 1e-9);
}

static void test_docker_cgroup1(void **state)
{
	(void)state;
	berth_stats *s = stats_of("stats/docker-cgroup1-oneshot.json");
	/* (2444429229 - 1681074959) / (20478580000000 - 20476580000000) x 2 x 100 */
	assert_float_equal(berth_stats_cpu_percent(s), 763354270.0 / 2000000000.0 * 200.0, 1e-6);
	assert_int_equal(berth_stats_online_cpus(s), 2);
	/* usage - total_inactive_file */
	assert_int_equal(berth_stats_memory_usage(s), 2277376 - 1941504);
	assert_int_equal(berth_stats_memory_limit(s), 67108864);
	assert_float_equal(berth_stats_memory_percent(s), (2277376.0 - 1941504) / 67108864 * 100, 1e-9);
	assert_int_equal(berth_stats_net_rx(s), 736);
	assert_int_equal(berth_stats_net_tx(s), 0);
	assert_int_equal(berth_stats_pids(s), 1);
	assert_string_equal(berth_stats_name(s), "berth-t-cap-docker");
	assert_int_equal(strncmp(berth_stats_id(s), "1c1361c24c95", 12), 0);
	assert_int_equal(berth_stats_time_ns(s), 1795384406960793834LL);
	assert_non_null(strstr(berth_stats_raw_json(s), "precpu_stats"));
	berth_stats_free(s);
}

static void test_podman_no_earlier_reading(void **state)
{
	(void)state;
	berth_stats *s = stats_of("stats/podman-cgroup1-oneshot.json");
	/* Podman's one-shot has no earlier reading: 0 until one is given */
	assert_false(stats_has_pre(s));
	assert_float_equal(berth_stats_cpu_percent(s), 0.0, 1e-9);
	assert_string_equal(berth_stats_name(s), "berth-t-cap-podman");
	assert_int_equal(strncmp(berth_stats_id(s), "507d000acc6d", 12), 0);   /* "Id", not "id" */
	assert_int_equal(berth_stats_memory_usage(s), 495616);   /* no stats map: usage as is */
	assert_int_equal(berth_stats_net_rx(s), 426);
	assert_int_equal(berth_stats_net_tx(s), 1118);
	/* against an earlier sample: cpu delta / system delta x cpus x 100 */
	berth_stats earlier = { .cpu_total = 1557923953 - 500000000, .system_total = 13095486567702 - 1000000000 };
	stats_cpu_against(s, &earlier);
	assert_float_equal(berth_stats_cpu_percent(s), 0.5 * 2 * 100, 1e-6);
	berth_stats_free(s);
}

static void test_stopped_shape(void **state)
{
	(void)state;
	berth_stats *s = stats_of("stats/docker-stopped.json");
	assert_false(s->running);
	assert_int_equal(berth_stats_time_ns(s), 0);
	assert_int_equal(berth_stats_memory_usage(s), 0);
	berth_stats_free(s);
}

static void test_cgroup2_and_blkio(void **state)
{
	(void)state;
	berth_stats *s = stats_of("stats/handmade-cgroup2.json");
	assert_int_equal(berth_stats_memory_usage(s), 10485760 - 4194304);   /* usage - inactive_file */
	assert_float_equal(berth_stats_memory_percent(s), 6.0, 1e-9);
	assert_float_equal(berth_stats_cpu_percent(s), 1e9 / 4e9 * 4 * 100, 1e-6);
	assert_int_equal(berth_stats_block_read(s), 4196);
	assert_int_equal(berth_stats_block_write(s), 8192);
	assert_int_equal(berth_stats_net_rx(s), 1024);
	assert_int_equal(berth_stats_net_tx(s), 15);
	assert_int_equal(berth_stats_pids(s), 3);
	berth_stats_free(s);

	/* cgroup v1 blkio ops are capitalised; older engines only say cache */
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_parse_stats(&s, S("{\"read\":\"2026-01-01T00:00:00Z\",\"blkio_stats\":{\"io_service_bytes_recursive\":"
					      "[{\"op\":\"Read\",\"value\":7},{\"op\":\"Write\",\"value\":9},{\"op\":\"Total\",\"value\":16},"
					      "{\"op\":\"Sync\",\"value\":1}]},\"memory_stats\":{\"usage\":100,\"limit\":0,"
					      "\"stats\":{\"cache\":30}},\"cpu_stats\":{\"cpu_usage\":{\"percpu_usage\":[1,2,3]}}}"),
					  &err), &err);
	assert_int_equal(berth_stats_block_read(s), 7);
	assert_int_equal(berth_stats_block_write(s), 9);
	assert_int_equal(berth_stats_memory_usage(s), 70);
	assert_float_equal(berth_stats_memory_percent(s), 0.0, 1e-9);   /* no limit */
	assert_int_equal(berth_stats_online_cpus(s), 3);                  /* from percpu_usage */
	berth_stats_free(s);
	/* a cache bigger than the usage is not subtracted */
	assert_ok(engineapi_parse_stats(&s, S("{\"memory_stats\":{\"usage\":10,\"stats\":{\"total_inactive_file\":30}}}"), &err), &err);
	assert_int_equal(berth_stats_memory_usage(s), 10);
	berth_stats_free(s);
}

static void test_stats_malformed(void **state)
{
	(void)state;
	berth_stats *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_int_equal(engineapi_parse_stats(&s, S("[1,2]"), &err), BERTH_EPROTOCOL);
	assert_int_equal(engineapi_parse_stats(&s, S("{\"read\":"), &err), BERTH_EPROTOCOL);
	assert_int_equal(engineapi_parse_stats(&s, S(""), &err), BERTH_EPROTOCOL);
	assert_null(s);
	/* wrong types are zeros, negative counters too */
	assert_ok(engineapi_parse_stats(&s, S("{\"pids_stats\":{\"current\":-4},\"networks\":[1],\"memory_stats\":{\"usage\":\"x\"},"
					      "\"cpu_stats\":{\"online_cpus\":1e300}}"), &err), &err);
	assert_int_equal(berth_stats_pids(s), 0);
	assert_int_equal(berth_stats_memory_usage(s), 0);
	berth_stats_free(s);
}

/* Each line of a real stream parses; Docker's first has no earlier
 * reading, its later ones do. */
static void test_streams(void **state)
{
	(void)state;
	const char *files[] = { "stats/docker-stream.jsonl", "stats/podman-stream.jsonl" };
	for (size_t f = 0; f < 2; f++) {
		size_t len;
		char *body = test_fixture(files[f], &len);
		jsonl j;
		jsonl_init(&j, 1 << 20);
		const char *in = body, *line;
		size_t in_len = len, line_len, lines = 0;
		berth_error err = BERTH_ERROR_INIT;
		while (jsonl_next(&j, &in, &in_len, &line, &line_len, &err) == 1) {
			berth_stats *s = NULL;
			assert_ok(engineapi_parse_stats(&s, line, line_len, &err), &err);
			assert_true(s->running);
			if (f == 0)
				assert_int_equal(stats_has_pre(s), lines > 0);
			lines++;
			berth_stats_free(s);
		}
		assert_true(lines >= 2);
		jsonl_release(&j);
		free(body);
	}
}

static void test_jsonl_splitter(void **state)
{
	(void)state;
	jsonl j;
	jsonl_init(&j, 16);
	berth_error err = BERTH_ERROR_INIT;
	const char *in = "{\"a\":1}\r\n\n  \n{\"b\":", *line;
	size_t len = strlen(in), n;
	assert_int_equal(jsonl_next(&j, &in, &len, &line, &n, &err), 1);
	assert_int_equal(n, 7);
	assert_memory_equal(line, "{\"a\":1}", 7);
	assert_int_equal(jsonl_next(&j, &in, &len, &line, &n, &err), 0);   /* blank lines skipped, a part kept */
	const char *more = "2}\n{\"c\":3}";
	len = strlen(more);
	assert_int_equal(jsonl_next(&j, &more, &len, &line, &n, &err), 1);
	assert_int_equal(n, 7);
	assert_memory_equal(line, "{\"b\":2}", 7);
	assert_int_equal(jsonl_next(&j, &more, &len, &line, &n, &err), 0);
	assert_int_equal(jsonl_finish(&j, &line, &n), 1);   /* the unterminated last line */
	assert_memory_equal(line, "{\"c\":3}", 7);
	assert_int_equal(jsonl_finish(&j, &line, &n), 0);
	/* a line over the maximum, whole or in parts */
	const char *big = "{\"xxxxxxxxxxxxxxxxxxxxxxxx\":1}\n";
	len = strlen(big);
	assert_int_equal(jsonl_next(&j, &big, &len, &line, &n, &err), BERTH_EPROTOCOL);
	jsonl_release(&j);
	jsonl_init(&j, 16);
	for (int i = 0; i < 3; i++) {
		const char *part = "0123456";
		len = 7;
		int r = jsonl_next(&j, &part, &len, &line, &n, &err);
		assert_int_equal(r, i < 2 ? 0 : BERTH_EPROTOCOL);
	}
	jsonl_release(&j);
}

static berth_top *top_of(const char *fixture, bool split)
{
	size_t len;
	char *body = test_fixture(fixture, &len);
	berth_top *t = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_parse_top(&t, body, len, split, &err), &err);
	free(body);
	return t;
}

static void test_top(void **state)
{
	(void)state;
	berth_top *t = top_of("top/docker-ef.json", true);
	assert_int_equal(berth_top_title_count(t), 8);
	assert_string_equal(berth_top_title(t, 7), "CMD");
	assert_int_equal(berth_top_row_count(t), 1);
	assert_string_equal(berth_top_cell(t, 0, 7), "sh -c while :; do :; done");
	assert_null(berth_top_cell(t, 0, 8));
	berth_top_free(t);
	/* Podman's ps text: cut into columns, the last keeps its blanks */
	t = top_of("top/podman-ps-text.json", true);
	assert_int_equal(berth_top_title_count(t), 3);
	assert_string_equal(berth_top_title(t, 0), "PID");
	assert_string_equal(berth_top_title(t, 2), "COMMAND");
	assert_string_equal(berth_top_cell(t, 0, 0), "1");
	assert_string_equal(berth_top_cell(t, 0, 1), "root");
	assert_string_equal(berth_top_cell(t, 0, 2), "sh -c while :; do :; done");
	berth_top_free(t);
	/* without the dialect's word, the text stays one column */
	t = top_of("top/podman-ps-text.json", false);
	assert_int_equal(berth_top_title_count(t), 1);
	berth_top_free(t);
	/* short rows are padded, long ones cut; no processes */
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_parse_top(&t, S("{\"Titles\":[\"A\",\"B\"],\"Processes\":[[\"1\"],[\"1\",\"2\",\"3\"]]}"), false, &err), &err);
	assert_string_equal(berth_top_cell(t, 0, 1), "");
	assert_string_equal(berth_top_cell(t, 1, 1), "2");
	berth_top_free(t);
	assert_ok(engineapi_parse_top(&t, S("{\"Titles\":[\"A\"],\"Processes\":null}"), true, &err), &err);
	assert_int_equal(berth_top_row_count(t), 0);
	berth_top_free(t);
	t = NULL;
	assert_int_equal(engineapi_parse_top(&t, S("{\"Processes\":[]}"), true, &err), BERTH_EPROTOCOL);
	assert_null(t);
}

static void test_changes(void **state)
{
	(void)state;
	const char *files[] = { "changes/docker.json", "changes/podman.json" };
	for (size_t f = 0; f < 2; f++) {
		size_t len;
		char *body = test_fixture(files[f], &len);
		berth_changes *ch = NULL;
		berth_error err = BERTH_ERROR_INIT;
		assert_ok(engineapi_parse_changes(&ch, body, len, &err), &err);
		free(body);
		/* sorted by path on both engines */
		assert_string_equal(berth_changes_path(ch, 0), "/bin");
		assert_int_equal(berth_changes_kind(ch, 0), BERTH_CHANGE_CHANGED);
		assert_string_equal(berth_changes_path(ch, 1), "/bin/vi");
		assert_int_equal(berth_changes_kind(ch, 1), BERTH_CHANGE_DELETED);
		for (size_t i = 1; i < berth_changes_count(ch); i++)
			assert_true(strcmp(berth_changes_path(ch, i - 1), berth_changes_path(ch, i)) < 0);
		berth_changes_free(ch);
	}
	size_t len;
	char *body = test_fixture("changes/docker-null.json", &len);
	berth_changes *ch = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_parse_changes(&ch, body, len, &err), &err);
	free(body);
	assert_int_equal(berth_changes_count(ch), 0);
	berth_changes_free(ch);
	ch = NULL;
	assert_int_equal(engineapi_parse_changes(&ch, S("[{\"Path\":\"/x\",\"Kind\":7}]"), &err), BERTH_EPROTOCOL);
	assert_int_equal(engineapi_parse_changes(&ch, S("{}"), &err), BERTH_EPROTOCOL);
	assert_null(ch);
}

static void test_path_stat(void **state)
{
	(void)state;
	const char *files[] = { "pathstat/docker-passwd.b64", "pathstat/podman-passwd.b64" };
	for (size_t f = 0; f < 2; f++) {
		size_t len;
		char *h = test_fixture(files[f], &len);
		berth_path_info *p = NULL;
		berth_error err = BERTH_ERROR_INIT;
		assert_ok(engineapi_parse_path_stat(&p, h, &err), &err);
		free(h);
		assert_string_equal(berth_path_info_name(p), "passwd");
		assert_int_equal(berth_path_info_size(p), 82);
		assert_int_equal(berth_path_info_mode(p), S_IFREG | 0644);
		assert_string_equal(berth_path_info_link_target(p), "");   /* Podman's is dropped */
		assert_int_equal(berth_path_info_mtime_ns(p), 0);
		berth_path_info_free(p);
	}
	/* Go modes: directory, link, setuid, devices */
	assert_int_equal(engineapi_go_mode((1u << 31) | 0755), S_IFDIR | 0755);
	assert_int_equal(engineapi_go_mode((1u << 27) | 0777), S_IFLNK | 0777);
	assert_int_equal(engineapi_go_mode((1u << 23) | 0755), S_IFREG | S_ISUID | 0755);
	assert_int_equal(engineapi_go_mode((1u << 26) | (1u << 21) | 0666), S_IFCHR | 0666);
	assert_int_equal(engineapi_go_mode((1u << 26) | 0660), S_IFBLK | 0660);
	berth_path_info *p = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_int_equal(engineapi_parse_path_stat(&p, NULL, &err), BERTH_EPROTOCOL);
	assert_int_equal(engineapi_parse_path_stat(&p, "!!!", &err), BERTH_EPROTOCOL);
	assert_int_equal(engineapi_parse_path_stat(&p, "WzFd", &err), BERTH_EPROTOCOL);   /* "[1]" */
	assert_null(p);
	/* a link keeps its target; URL alphabet and no padding are accepted */
	assert_ok(engineapi_parse_path_stat(&p, "eyJuYW1lIjoibCIsIm1vZGUiOjEzNDIxODIzOSwibGlua1RhcmdldCI6Ii9hIn0", &err), &err);
	assert_true(S_ISLNK(berth_path_info_mode(p)));
	assert_string_equal(berth_path_info_link_target(p), "/a");
	berth_path_info_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_math),
		cmocka_unit_test(test_docker_cgroup1),
		cmocka_unit_test(test_podman_no_earlier_reading),
		cmocka_unit_test(test_stopped_shape),
		cmocka_unit_test(test_cgroup2_and_blkio),
		cmocka_unit_test(test_stats_malformed),
		cmocka_unit_test(test_streams),
		cmocka_unit_test(test_jsonl_splitter),
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_path_stat),
	};
	return cmocka_run_group_tests_name("io_parse", tests, NULL, NULL);
}
