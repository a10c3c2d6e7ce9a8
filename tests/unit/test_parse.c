/* Engine API replies -> models, and status -> error mapping. */
#include "../common/test.h"

#include "lib/engines/engineapi/parse.h"

#define S(x) x, strlen(x)

static const char INSPECT[] =
	"{\"Id\":\"abc123\",\"Created\":\"2026-11-22T19:15:17.12Z\",\"Path\":\"sleep\",\"Args\":[\"300\"],"
	"\"State\":{\"Status\":\"running\",\"Running\":true,\"Paused\":false,\"OOMKilled\":false,\"Pid\":4242,"
	"\"ExitCode\":0,\"Error\":\"\",\"StartedAt\":\"2026-11-22T19:15:17.4Z\",\"FinishedAt\":\"0001-01-01T00:00:00Z\"},"
	"\"Image\":\"sha256:c59a\",\"Name\":\"/web\",\"Config\":{\"Image\":\"localhost/x:1\",\"Env\":[\"A=1\",\"PATH=/bin\"],"
	"\"Labels\":{\"z\":\"last\",\"a\":\"first\",\"io.berth.managed\":\"true\"},\"StopTimeout\":25}}";

static void test_inspect(void **state)
{
	(void)state;
	berth_container_info *x = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_parse_inspect(&x, S(INSPECT), "inspect web", &err), &err);
	assert_string_equal(berth_container_info_id(x), "abc123");
	assert_string_equal(berth_container_info_name(x), "web");
	assert_string_equal(berth_container_info_image(x), "localhost/x:1");
	assert_string_equal(berth_container_info_image_id(x), "sha256:c59a");
	assert_int_equal(berth_container_info_state(x), BERTH_STATE_RUNNING);
	assert_true(berth_container_info_running(x));
	assert_int_equal(berth_container_info_pid(x), 4242);
	assert_string_equal(berth_container_info_finished_at(x), "");
	assert_string_equal(berth_container_info_started_at(x), "2026-11-22T19:15:17.4Z");
	assert_int_equal(berth_container_info_cmd_count(x), 2);
	assert_string_equal(berth_container_info_cmd(x, 0), "sleep");
	assert_string_equal(berth_container_info_cmd(x, 1), "300");
	assert_null(berth_container_info_cmd(x, 2));
	assert_int_equal(berth_container_info_env_count(x), 2);
	/* labels come sorted by key */
	assert_int_equal(berth_container_info_label_count(x), 3);
	assert_string_equal(berth_container_info_label_key(x, 0), "a");
	assert_string_equal(berth_container_info_label_key(x, 2), "z");
	assert_string_equal(berth_container_info_label(x, "z"), "last");
	assert_null(berth_container_info_label(x, "missing"));
	assert_string_equal(berth_container_info_raw_json(x), INSPECT);
	berth_container_info_free(x);
	assert_int_equal(engineapi_parse_stop_timeout(S(INSPECT), "stop", &err), 25);
	assert_int_equal(engineapi_parse_stop_timeout(S("{\"Config\":{}}"), "stop", &err), 10);
}

static void test_inspect_podman_states(void **state)
{
	(void)state;
	static const struct { const char *word; berth_state st; } cases[] = {
		{ "configured", BERTH_STATE_CREATED }, { "created", BERTH_STATE_CREATED },
		{ "exited", BERTH_STATE_EXITED },      { "stopped", BERTH_STATE_EXITED },
		{ "paused", BERTH_STATE_PAUSED },      { "dead", BERTH_STATE_DEAD },
		{ "removing", BERTH_STATE_REMOVING },  { "restarting", BERTH_STATE_RESTARTING },
		{ "weird", BERTH_STATE_UNKNOWN },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char body[200];
		snprintf(body, sizeof body, "{\"Id\":\"x\",\"State\":{\"Status\":\"%s\",\"ExitCode\":137}}", cases[i].word);
		berth_container_info *x = NULL;
		berth_error err = BERTH_ERROR_INIT;
		assert_ok(engineapi_parse_inspect(&x, S(body), "inspect", &err), &err);
		assert_int_equal(berth_container_info_state(x), cases[i].st);
		assert_int_equal(berth_container_info_exit_code(x), 137);
		berth_container_info_free(x);
	}
}

/* NetworkSettings.Ports: one entry per binding, sorted; Podman's "" host
 * address reads as 0.0.0.0; exposed-only ports and junk are skipped. */
static void test_inspect_ports(void **state)
{
	(void)state;
	static const char body[] =
		"{\"Id\":\"p1\",\"NetworkSettings\":{\"Ports\":{"
		"\"8080/tcp\":[{\"HostIp\":\"::\",\"HostPort\":\"32768\"},{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"32768\"}],"
		"\"53/udp\":[{\"HostIp\":\"\",\"HostPort\":\"40001\"}],"
		"\"9090/tcp\":null,\"x/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"1\"}],"
		"\"70000/tcp\":[{\"HostPort\":\"1\"}],\"443\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8443\"}],"
		"\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"},{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"99999\"}]}}}";
	berth_container_info *x = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_parse_inspect(&x, S(body), "inspect p1", &err), &err);
	assert_int_equal(berth_container_info_port_count(x), 4);
	assert_int_equal(berth_container_info_port_container_port(x, 0), 53);
	assert_string_equal(berth_container_info_port_proto(x, 0), "udp");
	assert_string_equal(berth_container_info_port_host_ip(x, 0), "0.0.0.0");
	assert_int_equal(berth_container_info_port_host_port(x, 0), 40001);
	assert_int_equal(berth_container_info_port_container_port(x, 1), 443);
	assert_string_equal(berth_container_info_port_proto(x, 1), "tcp");
	assert_string_equal(berth_container_info_port_host_ip(x, 2), "0.0.0.0");
	assert_string_equal(berth_container_info_port_host_ip(x, 3), "::");
	const char *ip = NULL;
	assert_int_equal(berth_container_info_host_port(x, 8080, NULL, &ip), 32768);
	assert_string_equal(ip, "0.0.0.0"); /* IPv4 first */
	assert_int_equal(berth_container_info_host_port(x, 53, "udp", NULL), 40001);
	assert_int_equal(berth_container_info_host_port(x, 53, "tcp", NULL), 0);
	assert_int_equal(berth_container_info_host_port(x, 9090, NULL, NULL), 0);
	assert_int_equal(berth_container_info_port_host_port(x, 4), 0);
	assert_null(berth_container_info_port_proto(x, 4));
	berth_container_info_free(x);
	assert_int_equal(berth_container_info_port_count(NULL), 0);
	assert_int_equal(berth_container_info_host_port(NULL, 80, NULL, NULL), 0);
}

static void test_bad_replies(void **state)
{
	(void)state;
	berth_container_info *x = NULL;
	berth_container_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_code(engineapi_parse_inspect(&x, S("not json"), "inspect c1", &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "inspect c1");
	assert_message_has(&err, "not JSON");
	assert_code(engineapi_parse_inspect(&x, S("[1,2]"), "inspect", &err), BERTH_EPROTOCOL, &err);
	assert_code(engineapi_parse_inspect(&x, S("{\"Name\":\"x\"}"), "inspect", &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "Id");
	assert_code(engineapi_parse_inspect(&x, S("{\"Id\":\"x\""), "inspect", &err), BERTH_EPROTOCOL, &err);
	assert_code(engineapi_parse_inspect(&x, "", 0, "inspect", &err), BERTH_EPROTOCOL, &err);
	assert_null(x);
	assert_code(engineapi_parse_list(&l, S("{}"), &err), BERTH_EPROTOCOL, &err);
	assert_code(engineapi_parse_list(&l, S("[1]"), &err), BERTH_EPROTOCOL, &err);
	assert_null(l);
	char *id = NULL;
	assert_code(engineapi_parse_create(&id, S("{\"Warnings\":[]}"), "create", &err), BERTH_EPROTOCOL, &err);
	/* wrong types are ignored, not trusted */
	assert_ok(engineapi_parse_inspect(&x, S("{\"Id\":\"x\",\"Name\":5,\"State\":\"running\",\"Config\":{\"Labels\":[1]}}"),
					  "inspect", &err), &err);
	assert_string_equal(berth_container_info_name(x), "");
	assert_int_equal(berth_container_info_state(x), BERTH_STATE_UNKNOWN);
	berth_container_info_free(x);
	/* a NUL inside the body is kept out of C strings safely */
	assert_code(engineapi_parse_inspect(&x, "{\"Id\":\"a\0b\"}", 12, "inspect", &err), BERTH_EPROTOCOL, &err);
}

static void test_list(void **state)
{
	(void)state;
	static const char body[] =
		"[{\"Id\":\"id1\",\"Names\":[\"/one\"],\"Image\":\"busybox\",\"Command\":\"sleep 9\",\"Created\":1795374917,"
		"\"State\":\"running\",\"Status\":\"Up 2 seconds\",\"Ports\":[{\"IP\":\"127.0.0.1\",\"PrivatePort\":80,"
		"\"PublicPort\":8080,\"Type\":\"tcp\"},{\"PrivatePort\":53,\"Type\":\"udp\"},{\"IP\":\"::\",\"PrivatePort\":80,"
		"\"PublicPort\":8081,\"Type\":\"tcp\"}],\"Labels\":{\"b\":\"2\",\"a\":\"1\"}},"
		"{\"Id\":\"id2\",\"Names\":[],\"State\":\"exited\",\"Labels\":null}]";
	berth_container_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_parse_list(&l, S(body), &err), &err);
	assert_int_equal(berth_container_list_count(l), 2);
	assert_string_equal(berth_container_list_name(l, 0), "one");
	assert_string_equal(berth_container_list_ports(l, 0), "127.0.0.1:8080->80/tcp, 53/udp, [::]:8081->80/tcp");
	assert_int_equal(berth_container_list_created(l, 0), 1795374917);
	assert_int_equal(berth_container_list_state(l, 1), BERTH_STATE_EXITED);
	assert_string_equal(berth_container_list_name(l, 1), "");
	assert_string_equal(berth_container_list_label(l, 0, "a"), "1");
	assert_string_equal(berth_container_list_label_key(l, 0, 0), "a");
	assert_int_equal(berth_container_list_label_count(l, 1), 0);
	assert_null(berth_container_list_id(l, 2));
	berth_container_list_free(l);
	assert_ok(engineapi_parse_list(&l, S("[]"), &err), &err);
	assert_int_equal(berth_container_list_count(l), 0);
	berth_container_list_free(l);
}

static void test_version_info(void **state)
{
	(void)state;
	berth_version *v = NULL;
	berth_info *i = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_parse_version(&v, S("{\"Version\":\"20.10.24\",\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.12\","
						 "\"Os\":\"linux\",\"Arch\":\"amd64\",\"KernelVersion\":\"6.1\"}"),
					  BERTH_ENGINE_DOCKER, &err), &err);
	assert_string_equal(berth_version_server(v), "20.10.24");
	assert_string_equal(berth_version_min_api(v), "1.12");
	assert_int_equal(berth_version_engine(v), BERTH_ENGINE_DOCKER);
	berth_version_free(v);
	assert_ok(engineapi_parse_info(&i, S("{\"Containers\":3,\"ContainersRunning\":1,\"Images\":7,\"NCPU\":2,"
					     "\"MemTotal\":25000000000,\"Driver\":\"overlay2\",\"CgroupVersion\":\"1\"}"), &err), &err);
	assert_int_equal(berth_info_containers(i), 3);
	assert_int_equal(berth_info_mem_total(i), 25000000000LL);
	assert_string_equal(berth_info_storage_driver(i), "overlay2");
	assert_string_equal(berth_info_name(i), "");
	berth_info_free(i);
	assert_code(engineapi_parse_info(&i, S("[]"), &err), BERTH_EPROTOCOL, &err);
}

static void test_status_mapping(void **state)
{
	(void)state;
	assert_int_equal(engineapi_status_code(304), BERTH_EALREADY);
	assert_int_equal(engineapi_status_code(400), BERTH_EINVAL);
	assert_int_equal(engineapi_status_code(401), BERTH_EPERM);
	assert_int_equal(engineapi_status_code(403), BERTH_EPERM);
	assert_int_equal(engineapi_status_code(404), BERTH_ENOTFOUND);
	assert_int_equal(engineapi_status_code(409), BERTH_ECONFLICT);
	assert_int_equal(engineapi_status_code(500), BERTH_EENGINE);
	assert_int_equal(engineapi_status_code(501), BERTH_EUNSUPPORTED);
	assert_int_equal(engineapi_status_code(502), BERTH_EENGINE);
	assert_int_equal(engineapi_status_code(503), BERTH_EUNAVAILABLE);
	assert_int_equal(engineapi_status_code(418), BERTH_EPROTOCOL);
	char msg[64];
	engineapi_error_message(msg, sizeof msg, 404, S("{\"message\":\"No such container: x\"}"));
	assert_string_equal(msg, "No such container: x");
	/* Podman's shape */
	engineapi_error_message(msg, sizeof msg, 404,
				S("{\"cause\":\"no such container\",\"message\":\"no container with name x found\",\"response\":404}"));
	assert_string_equal(msg, "no container with name x found");
	engineapi_error_message(msg, sizeof msg, 502, S("Bad Gateway\nmore"));
	assert_string_equal(msg, "Bad Gateway");
	engineapi_error_message(msg, sizeof msg, 500, "", 0);
	assert_string_equal(msg, "HTTP 500");
	/* long messages are cut to the buffer */
	char big[300];
	memset(big, 'm', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	engineapi_error_message(msg, sizeof msg, 500, S(big));
	assert_int_equal(strlen(msg), sizeof msg - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inspect),
		cmocka_unit_test(test_inspect_podman_states),
		cmocka_unit_test(test_inspect_ports),
		cmocka_unit_test(test_bad_replies),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_version_info),
		cmocka_unit_test(test_status_mapping),
	};
	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
