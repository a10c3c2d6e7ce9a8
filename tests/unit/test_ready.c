/* Readiness probes and options: checked before any request (no engine here). */
#include "../common/test.h"

static void expect_probe(const char *text, const char *described)
{
	berth_probe *p = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_probe_parse(&p, text, &err), &err);
	assert_string_equal(berth_probe_describe(p), described);
	berth_probe_free(p);
}

static void expect_bad(const char *text, const char *needle)
{
	berth_probe *p = (berth_probe *)0x1; /* untouched on failure */
	berth_error err = BERTH_ERROR_INIT;
	assert_code(berth_probe_parse(&p, text, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, needle);
	assert_ptr_equal(p, (berth_probe *)0x1);
}

static void test_parse(void **state)
{
	(void)state;
	expect_probe("tcp:8080", "tcp:8080");
	expect_probe("tcp:1", "tcp:1");
	expect_probe("http:8080", "http:8080/");
	expect_probe("http:8080/healthz?full=1", "http:8080/healthz?full=1");
	expect_probe("http:80/x#204", "http:80/x#204");
	expect_probe("http:80#503", "http:80/#503");
	expect_probe("log:^listening on [0-9]+$", "log:^listening on [0-9]+$");
	expect_probe("exec:pg_isready -q", "exec:pg_isready -q");

	expect_bad("", "empty");
	expect_bad("udp:53", "unknown kind");
	expect_bad("tcp:", "tcp:PORT");
	expect_bad("tcp:0", "tcp:PORT");
	expect_bad("tcp:65536", "tcp:PORT");
	expect_bad("tcp:80x", "tcp:PORT");
	expect_bad("tcp:-1", "tcp:PORT");
	expect_bad("http:", "http:PORT");
	expect_bad("http:x/", "http:PORT");
	expect_bad("http:80/a b", "space");
	expect_bad("http:80/a\r\nX: y", "control");
	expect_bad("http:80/x#99", "100-599");
	expect_bad("http:80/x#", "100-599");
	expect_bad("http:80/x#2000", "100-599");
	expect_bad("log:", "empty");
	expect_bad("log:(unclosed", "regular expression");
	expect_bad("exec:", "no command");
}

static void test_constructors(void **state)
{
	(void)state;
	berth_probe *p = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_code(berth_probe_tcp(&p, 70000, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "port 70000 out of range");
	assert_code(berth_probe_tcp(NULL, 80, &err), BERTH_EINVAL, &err);
	assert_code(berth_probe_http(&p, 80, NULL, 0, &err), BERTH_EINVAL, &err);
	assert_code(berth_probe_http(&p, 80, "health", 0, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "must start with '/'");
	assert_code(berth_probe_http(&p, 80, "/", 600, &err), BERTH_EINVAL, &err);
	assert_code(berth_probe_log(&p, NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_probe_exec(&p, NULL, 0, &err), BERTH_EINVAL, &err);
	const char *empty[] = { "" };
	assert_code(berth_probe_exec(&p, empty, 1, &err), BERTH_EINVAL, &err);
	const char *hole[] = { "sh", NULL };
	assert_code(berth_probe_exec(&p, hole, 2, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "argument 1");
	assert_null(p);
	const char *argv[] = { "pg_isready", "-h", "localhost" };
	assert_ok(berth_probe_exec(&p, argv, 3, &err), &err);
	assert_string_equal(berth_probe_describe(p), "exec:pg_isready -h localhost");
	berth_probe_free(p);
	assert_ok(berth_probe_http(&p, 8080, "/ready", 0, &err), &err);
	assert_string_equal(berth_probe_describe(p), "http:8080/ready");
	berth_probe_free(p);
	berth_probe_free(NULL);
	assert_string_equal(berth_probe_describe(NULL), "");
}

static void test_results_and_names(void **state)
{
	(void)state;
	assert_string_equal(berth_ready_state_name(BERTH_READY_CREATED), "created");
	assert_string_equal(berth_ready_state_name(BERTH_READY_STARTING), "starting");
	assert_string_equal(berth_ready_state_name(BERTH_READY_READY), "ready");
	assert_string_equal(berth_ready_state_name(BERTH_READY_UNHEALTHY), "unhealthy");
	assert_string_equal(berth_ready_state_name(BERTH_READY_EXITED), "exited");
	assert_string_equal(berth_ready_state_name(BERTH_READY_TIMED_OUT), "timed out");
	assert_string_equal(berth_ready_state_name((berth_ready_state)42), "unknown");
	assert_string_equal(berth_health_name(BERTH_HEALTH_STARTING), "starting");
	assert_string_equal(berth_health_name((berth_health)9), "none");
	/* accessors of a NULL result answer neutral values */
	assert_int_equal(berth_ready_result_state(NULL), 0);
	assert_int_equal(berth_ready_result_exit_code(NULL), 0);
	assert_int_equal(berth_ready_result_health(NULL), BERTH_HEALTH_NONE);
	assert_string_equal(berth_ready_result_health_output(NULL), "");
	assert_int_equal(berth_ready_result_health_exit_code(NULL), -1);
	assert_int_equal(berth_ready_result_probe_count(NULL), 0);
	assert_null(berth_ready_result_probe_message(NULL, 0));
	assert_string_equal(berth_ready_result_logs(NULL), "");
	berth_ready_result_free(NULL);
	/* no client: refused before anything else */
	berth_error err = BERTH_ERROR_INIT;
	assert_code(berth_container_wait_ready(NULL, NULL, "web", NULL, &err), BERTH_EINVAL, &err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_constructors),
		cmocka_unit_test(test_results_and_names),
	};
	return cmocka_run_group_tests_name("ready", tests, NULL, NULL);
}
