/* Engine API replies -> models, and status -> error mapping. */
#include "../common/test.h"

#include "../common/fixture.h"
#include "lib/engines/engineapi/eapi_parse.h"

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
	assert_int_equal(berth_container_list_health(l, 0), BERTH_HEALTH_NONE);
	/* Podman's libpod list has the health word of the running one */
	assert_ok(engineapi_parse_libpod_health(l, S("[{\"Id\":\"id1\",\"Status\":\"unhealthy\"},"
						  "{\"Id\":\"id2\",\"Status\":\"healthy\"},{\"Status\":7},3]"), &err), &err);
	assert_int_equal(berth_container_list_health(l, 0), BERTH_HEALTH_UNHEALTHY);
	assert_string_equal(berth_container_list_status(l, 0), "Up 2 seconds (unhealthy)");
	assert_int_equal(berth_container_list_health(l, 1), BERTH_HEALTH_NONE); /* not running */
	assert_code(engineapi_parse_libpod_health(l, S("{}"), &err), BERTH_EPROTOCOL, &err);
	berth_container_list_free(l);
	/* Docker's is at the end of its status text */
	assert_ok(engineapi_parse_list(&l, S("[{\"Id\":\"a\",\"State\":\"running\",\"Status\":\"Up 1 second (health: starting)\"},"
					     "{\"Id\":\"b\",\"State\":\"running\",\"Status\":\"Up 3 hours (healthy)\"}]"), &err), &err);
	assert_int_equal(berth_container_list_health(l, 0), BERTH_HEALTH_STARTING);
	assert_int_equal(berth_container_list_health(l, 1), BERTH_HEALTH_HEALTHY);
	berth_container_list_free(l);
	assert_ok(engineapi_parse_list(&l, S("[]"), &err), &err);
	assert_int_equal(berth_container_list_count(l), 0);
	berth_container_list_free(l);
}

/* Every field of two lists equal. */
static void assert_lists_equal(const berth_container_list *a, const berth_container_list *b)
{
	assert_int_equal(berth_container_list_count(a), berth_container_list_count(b));
	for (size_t i = 0; i < berth_container_list_count(a); i++) {
		assert_string_equal(berth_container_list_id(a, i), berth_container_list_id(b, i));
		assert_string_equal(berth_container_list_name(a, i), berth_container_list_name(b, i));
		assert_string_equal(berth_container_list_image(a, i), berth_container_list_image(b, i));
		assert_string_equal(berth_container_list_command(a, i), berth_container_list_command(b, i));
		assert_string_equal(berth_container_list_status(a, i), berth_container_list_status(b, i));
		assert_string_equal(berth_container_list_ports(a, i), berth_container_list_ports(b, i));
		assert_int_equal(berth_container_list_state(a, i), berth_container_list_state(b, i));
		assert_int_equal(berth_container_list_health(a, i), berth_container_list_health(b, i));
		assert_int_equal(berth_container_list_created(a, i), berth_container_list_created(b, i));
		assert_int_equal(berth_container_list_label_count(a, i), berth_container_list_label_count(b, i));
		for (size_t k = 0; k < berth_container_list_label_count(a, i); k++) {
			assert_string_equal(berth_container_list_label_key(a, i, k), berth_container_list_label_key(b, i, k));
			assert_string_equal(berth_container_list_label_value(a, i, k),
					    berth_container_list_label_value(b, i, k));
		}
	}
}

static int list_in_pieces(berth_container_list **out, const char *body, size_t len, const size_t *cuts, size_t ncuts,
			  berth_error *err)
{
	eapi_list_reader *p = NULL;
	assert_int_equal(engineapi_list_reader_new(&p), 0);
	size_t at = 0;
	int r = 0;
	for (size_t i = 0; i <= ncuts && r == 0; i++) {
		size_t end = i < ncuts ? cuts[i] : len;
		r = engineapi_list_reader_feed(p, body + at, end - at, err);
		at = end;
	}
	if (r == 0)
		r = engineapi_list_reader_finish(p, out, err);
	engineapi_list_reader_free(p);
	return r;
}

/* The list is mapped as it arrives: any split of the reply into pieces
 * gives the same records, and the reply's faults are named. */
static void test_list_streamed(void **state)
{
	(void)state;
	static const char body[] =
		"[{\"Id\":\"id1\",\"Names\":[\"/one\",\"/alias\"],\"Image\":\"busy\\u00e9box\",\"Command\":\"sleep 9\","
		"\"Created\":1795374917,\"State\":\"running\",\"Status\":\"Up 2 seconds (healthy)\",\"Ports\":[{\"IP\":"
		"\"127.0.0.1\",\"PrivatePort\":80,\"PublicPort\":8080,\"Type\":\"tcp\"},{\"PrivatePort\":53,\"Type\":\"udp\"}],"
		"\"Labels\":{\"b\":\"2\",\"a\":\"1\",\"n\":{\"deep\":[1,2]},\"q\\\"k\":\"v\\nw\"},\"Mounts\":[{\"Labels\":{\"x\":\"y\"}}],"
		"\"NetworkSettings\":{\"Networks\":{\"bridge\":{\"IPAddress\":\"172.17.0.2\"}}}},"
		"{\"Id\":\"id2\",\"Names\":\"/not-an-array\",\"Ports\":{\"IP\":\"1.2.3.4\"},\"Labels\":[\"x\"],\"State\":7,"
		"\"Created\":1.5e3,\"Id\":\"id2b\"},"
		"{\"Id\":\"id3\",\"Ports\":[5,[1],{\"PublicPort\":\"x\",\"PrivatePort\":9}],\"Created\":-99999999999999999999,"
		"\"Labels\":{\"z\":\"a\\u0000b\"}}]";
	berth_error err = BERTH_ERROR_INIT;
	berth_container_list *whole = NULL, *l = NULL;
	assert_ok(engineapi_parse_list(&whole, S(body), &err), &err);
	assert_int_equal(berth_container_list_count(whole), 3);
	assert_string_equal(berth_container_list_name(whole, 0), "one");
	assert_string_equal(berth_container_list_image(whole, 0), "busy\xc3\xa9" "box");
	assert_int_equal(berth_container_list_health(whole, 0), BERTH_HEALTH_HEALTHY);
	assert_string_equal(berth_container_list_ports(whole, 0), "127.0.0.1:8080->80/tcp, 53/udp");
	assert_int_equal(berth_container_list_label_count(whole, 0), 4);
	assert_string_equal(berth_container_list_label(whole, 0, "n"), "");
	assert_string_equal(berth_container_list_label(whole, 0, "q\"k"), "v\nw");
	assert_null(berth_container_list_label(whole, 0, "x")); /* a mount's label is not the container's */
	/* wrong types read as absent; a member given twice keeps the last */
	assert_string_equal(berth_container_list_id(whole, 1), "id2b");
	assert_string_equal(berth_container_list_name(whole, 1), "");
	assert_string_equal(berth_container_list_ports(whole, 1), "");
	assert_int_equal(berth_container_list_label_count(whole, 1), 0);
	assert_int_equal(berth_container_list_state(whole, 1), BERTH_STATE_UNKNOWN);
	assert_int_equal(berth_container_list_created(whole, 1), 1500);
	assert_string_equal(berth_container_list_ports(whole, 2), "0/tcp, 0/tcp, 9/tcp");
	assert_true(berth_container_list_created(whole, 2) == INT64_MIN);
	assert_string_equal(berth_container_list_label(whole, 2, "z"), "a"); /* cut at the NUL */
	size_t len = strlen(body);
	for (size_t cut = 0; cut <= len; cut++) {
		size_t cuts[] = { cut };
		assert_ok(list_in_pieces(&l, body, len, cuts, 1, &err), &err);
		assert_lists_equal(whole, l);
		berth_container_list_free(l);
	}
	size_t *ones = malloc(len * sizeof *ones);
	assert_non_null(ones);
	for (size_t i = 0; i < len; i++)
		ones[i] = i;
	assert_ok(list_in_pieces(&l, body, len, ones, len, &err), &err);
	assert_lists_equal(whole, l);
	berth_container_list_free(l);
	free(ones);
	berth_container_list_free(whole);

	/* the faults, each named */
	l = NULL;
	assert_code(engineapi_parse_list(&l, S(""), &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "empty");
	assert_code(engineapi_parse_list(&l, S("[{\"Id\":\"a\"}"), &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "cut short");
	assert_code(engineapi_parse_list(&l, S("[{\"Id\":\"a\"},]"), &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "not JSON");
	assert_message_has(&err, "at byte");
	assert_code(engineapi_parse_list(&l, S("[] []"), &err), BERTH_EPROTOCOL, &err);
	assert_code(engineapi_parse_list(&l, S("[{}, 2]"), &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "entry 1 is not an object");
	assert_code(engineapi_parse_list(&l, S("\"x\""), &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "not a JSON array");
	assert_code(engineapi_parse_list(&l, "[{\"Id\":\"a\xff\"}]", 13, &err), BERTH_EPROTOCOL, &err);
	assert_code(engineapi_parse_list(&l, "[{\"Id\":\"a\0\"}]", 13, &err), BERTH_EPROTOCOL, &err);
	char deep[2 * 600 + 16];
	size_t n = 0;
	deep[n++] = '[';
	deep[n++] = '{';
	deep[n++] = '"';
	deep[n++] = 'L';
	deep[n++] = '"';
	deep[n++] = ':';
	for (int i = 0; i < 600; i++)
		deep[n++] = '[';
	for (int i = 0; i < 600; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n++] = ']';
	assert_code(engineapi_parse_list(&l, deep, n, &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "deeper");
	assert_null(l);
	/* after a fault the reader refuses more bytes */
	eapi_list_reader *p = NULL;
	assert_int_equal(engineapi_list_reader_new(&p), 0);
	assert_code(engineapi_list_reader_feed(p, S("{"), &err), BERTH_EPROTOCOL, &err);
	assert_code(engineapi_list_reader_feed(p, S("[]"), &err), BERTH_EPROTOCOL, &err);
	assert_code(engineapi_list_reader_finish(p, &l, &err), BERTH_EPROTOCOL, &err);
	engineapi_list_reader_free(p);
	assert_null(l);
}

/* ---- real replies (tests/unit/fixtures/inspect), Docker 20.10.24 and Podman 4.3.1 ---- */

static berth_container_info *inspect_fixture(const char *name)
{
	size_t len;
	char rel[128];
	snprintf(rel, sizeof rel, "inspect/%s", name);
	char *body = test_fixture(rel, &len);
	berth_container_info *x = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_parse_inspect(&x, body, len, name, &err), &err);
	free(body);
	return x;
}

static void assert_mount(const berth_container_info *x, size_t i, berth_mount_type type, const char *source,
			 const char *dest, int ro)
{
	assert_int_equal(berth_container_info_mount_type(x, i), type);
	assert_string_equal(berth_container_info_mount_source(x, i), source);
	assert_string_equal(berth_container_info_mount_destination(x, i), dest);
	assert_int_equal(berth_container_info_mount_read_only(x, i), ro);
}

/* The health image (1 s interval, 2 retries) with a read-only bind, an
 * anonymous volume, a tmpfs, a port on 127.0.0.1 and Compose labels. */
static void test_inspect_docker_health(void **state)
{
	(void)state;
	berth_container_info *x = inspect_fixture("docker-inspect-health.json");
	assert_int_equal(berth_container_info_health(x), BERTH_HEALTH_HEALTHY);
	assert_string_equal(berth_health_name(berth_container_info_health(x)), "healthy");
	assert_int_equal(berth_container_info_health_failing_streak(x), 0);
	assert_int_equal(berth_container_info_health_log_count(x), 3);
	assert_int_equal(berth_container_info_health_log_exit_code(x, 2), 0);
	assert_string_equal(berth_container_info_health_log_output(x, 2), "");
	assert_string_equal(berth_container_info_health_log_start(x, 0), "2026-11-22T19:49:30.021379783Z");
	assert_string_equal(berth_container_info_health_log_end(x, 2), "2026-11-22T19:49:32.492461929Z");
	assert_null(berth_container_info_health_log_output(x, 3));
	assert_int_equal(berth_container_info_health_log_exit_code(x, 3), -1);
	/* the check's configuration */
	assert_true(berth_container_info_has_healthcheck(x));
	assert_int_equal(berth_container_info_healthcheck_test_count(x), 2);
	assert_string_equal(berth_container_info_healthcheck_test(x, 0), "CMD-SHELL");
	assert_string_equal(berth_container_info_healthcheck_test(x, 1), "test -f /tmp/healthy");
	assert_int_equal(berth_container_info_healthcheck_interval_ms(x), 1000);
	assert_int_equal(berth_container_info_healthcheck_timeout_ms(x), 1000);
	assert_int_equal(berth_container_info_healthcheck_start_period_ms(x), 0);
	assert_int_equal(berth_container_info_healthcheck_retries(x), 2);
	assert_int_equal(berth_container_info_restart_count(x), 0);
	assert_false(berth_container_info_tty(x));
	assert_false(berth_container_info_stdin_open(x));
	assert_string_equal(berth_container_info_compose_project(x), "proj");
	assert_string_equal(berth_container_info_compose_service(x), "web");
	/* mounts: Docker lists the bind and the volume; the tmpfs comes from HostConfig.Tmpfs */
	assert_int_equal(berth_container_info_mount_count(x), 3);
	assert_mount(x, 0, BERTH_MOUNT_BIND, "/tmp/berth-ready-explore/bindsrc", "/data", 1);
	assert_string_equal(berth_container_info_mount_volume_name(x, 0), "");
	assert_mount(x, 1, BERTH_MOUNT_VOLUME,
		     "/var/lib/docker/volumes/db6f73631336b8531f077b82f9458bc4051b8b3ed16ffd590f35deb41a1f3181/_data",
		     "/vol", 0);
	assert_string_equal(berth_container_info_mount_volume_name(x, 1),
			    "db6f73631336b8531f077b82f9458bc4051b8b3ed16ffd590f35deb41a1f3181");
	assert_mount(x, 2, BERTH_MOUNT_TMPFS, "", "/scratch", 0);
	assert_null(berth_container_info_mount_source(x, 3));
	/* network and port */
	assert_int_equal(berth_container_info_network_count(x), 1);
	assert_string_equal(berth_container_info_network_name(x, 0), "bridge");
	assert_string_equal(berth_container_info_network_ipv4(x, 0), "172.17.0.2");
	assert_string_equal(berth_container_info_network_ipv6(x, 0), "");
	assert_string_equal(berth_container_info_network_gateway(x, 0), "172.17.0.1");
	assert_string_equal(berth_container_info_network_mac(x, 0), "02:42:ac:11:00:02");
	assert_int_equal(berth_container_info_port_count(x), 1);
	assert_int_equal(berth_container_info_port_container_port(x, 0), 8080);
	assert_string_equal(berth_container_info_port_proto(x, 0), "tcp");
	assert_string_equal(berth_container_info_port_host_ip(x, 0), "127.0.0.1");
	assert_int_equal(berth_container_info_port_host_port(x, 0), 32768);
	const char *ip = NULL;
	assert_int_equal(berth_container_info_host_port(x, 8080, NULL, &ip), 32768);
	assert_string_equal(ip, "127.0.0.1");
	assert_int_equal(berth_container_info_host_port(x, 8080, "udp", NULL), 0);
	assert_int_equal(berth_container_info_host_port(x, 80, "tcp", NULL), 0);
	berth_container_info_free(x);
}

/* The same container on Podman: no run yet ("starting", Log null), the
 * mounts in another order, the tmpfs only under HostConfig.Tmpfs. */
static void test_inspect_podman_health(void **state)
{
	(void)state;
	berth_container_info *x = inspect_fixture("podman-inspect-health.json");
	assert_int_equal(berth_container_info_health(x), BERTH_HEALTH_STARTING);
	assert_int_equal(berth_container_info_health_log_count(x), 0);
	assert_true(berth_container_info_has_healthcheck(x));
	assert_int_equal(berth_container_info_healthcheck_interval_ms(x), 1000);
	assert_int_equal(berth_container_info_healthcheck_retries(x), 2);
	assert_string_equal(berth_container_info_compose_project(x), "proj");
	assert_int_equal(berth_container_info_mount_count(x), 3);
	assert_mount(x, 0, BERTH_MOUNT_VOLUME,
		     "/var/lib/containers/storage/volumes/b70d080e5b045530a51fe84b354549800ff3ed2774ea4f6da094b5ba77b7ef4d/_data",
		     "/vol", 0);
	assert_string_equal(berth_container_info_mount_volume_name(x, 0),
			    "b70d080e5b045530a51fe84b354549800ff3ed2774ea4f6da094b5ba77b7ef4d");
	assert_mount(x, 1, BERTH_MOUNT_BIND, "/tmp/berth-ready-explore/bindsrc", "/data", 1);
	assert_mount(x, 2, BERTH_MOUNT_TMPFS, "", "/scratch", 0);
	assert_int_equal(berth_container_info_network_count(x), 1);
	assert_string_equal(berth_container_info_network_name(x, 0), "podman");
	assert_string_equal(berth_container_info_network_ipv4(x, 0), "10.88.0.181");
	assert_string_equal(berth_container_info_network_gateway(x, 0), "10.88.0.1");
	assert_string_equal(berth_container_info_network_mac(x, 0), "d2:80:9c:08:52:b1");
	assert_int_equal(berth_container_info_host_port(x, 8080, "tcp", NULL), 46799);
	berth_container_info_free(x);

	/* after one check berth ran through the libpod endpoint */
	x = inspect_fixture("podman-inspect-healthy.json");
	assert_int_equal(berth_container_info_health(x), BERTH_HEALTH_HEALTHY);
	assert_int_equal(berth_container_info_health_log_count(x), 1);
	assert_int_equal(berth_container_info_health_log_exit_code(x, 0), 0);
	berth_container_info_free(x);

	/* Podman's own API puts health in the same place in 4.3 */
	x = inspect_fixture("podman-libpod-inspect-healthy.json");
	assert_int_equal(berth_container_info_health(x), BERTH_HEALTH_HEALTHY);
	assert_int_equal(berth_container_info_health_log_count(x), 1);
	berth_container_info_free(x);
}

/* A check that prints and fails, with a 3 s start period and 1 retry. */
static void test_inspect_unhealthy(void **state)
{
	(void)state;
	berth_container_info *x = inspect_fixture("docker-inspect-unhealthy.json");
	assert_int_equal(berth_container_info_health(x), BERTH_HEALTH_UNHEALTHY);
	assert_int_equal(berth_container_info_health_failing_streak(x), 178);
	assert_int_equal(berth_container_info_health_log_count(x), 5);
	assert_int_equal(berth_container_info_health_log_exit_code(x, 4), 1);
	assert_string_equal(berth_container_info_health_log_output(x, 4), "err\nout-1795377210\n");
	assert_int_equal(berth_container_info_healthcheck_start_period_ms(x), 3000);
	assert_int_equal(berth_container_info_healthcheck_retries(x), 1);
	assert_int_equal(berth_container_info_mount_count(x), 0);
	assert_int_equal(berth_container_info_port_count(x), 0);
	assert_string_equal(berth_container_info_compose_project(x), "");
	berth_container_info_free(x);

	x = inspect_fixture("podman-inspect-unhealthy.json");
	assert_int_equal(berth_container_info_health(x), BERTH_HEALTH_UNHEALTHY);
	assert_int_equal(berth_container_info_health_failing_streak(x), 4);
	assert_int_equal(berth_container_info_health_log_count(x), 5);
	/* Podman trims the trailing newline Docker keeps */
	assert_string_equal(berth_container_info_health_log_output(x, 4), "out-1795377021\nerr");
	assert_int_equal(berth_container_info_healthcheck_start_period_ms(x), 3000);
	berth_container_info_free(x);
}

/* Without a health check: Docker has no State.Health, Podman an empty status. */
static void test_inspect_no_health(void **state)
{
	(void)state;
	static const char *const names[] = { "docker-inspect-tty.json", "podman-inspect-tty.json",
					     "podman-inspect-nohealth.json" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		berth_container_info *x = inspect_fixture(names[i]);
		assert_int_equal(berth_container_info_health(x), BERTH_HEALTH_NONE);
		assert_false(berth_container_info_has_healthcheck(x));
		assert_int_equal(berth_container_info_healthcheck_test_count(x), 0);
		assert_int_equal(berth_container_info_tty(x), i < 2);
		berth_container_info_free(x);
	}
	/* a check disabled with ["NONE"] is no check */
	berth_container_info *x = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_parse_inspect(&x, S("{\"Id\":\"x\",\"Config\":{\"Healthcheck\":{\"Test\":[\"NONE\"]}}}"),
					  "inspect", &err), &err);
	assert_int_equal(berth_container_info_health(x), BERTH_HEALTH_NONE);
	assert_false(berth_container_info_has_healthcheck(x));
	berth_container_info_free(x);
	/* the libpod key of Podman before 4.x */
	assert_ok(engineapi_parse_inspect(&x, S("{\"Id\":\"x\",\"State\":{\"Healthcheck\":{\"Status\":\"unhealthy\","
						"\"FailingStreak\":3,\"Log\":[{\"ExitCode\":1,\"Output\":\"no\"}]}}}"),
					  "inspect", &err), &err);
	assert_int_equal(berth_container_info_health(x), BERTH_HEALTH_UNHEALTHY);
	assert_int_equal(berth_container_info_health_failing_streak(x), 3);
	assert_string_equal(berth_container_info_health_log_output(x, 0), "no");
	assert_string_equal(berth_container_info_health_log_start(x, 0), "");
	berth_container_info_free(x);
}

/* Exited: Docker turns the status to unhealthy, Podman keeps healthy. */
static void test_inspect_health_exited(void **state)
{
	(void)state;
	berth_container_info *x = inspect_fixture("docker-inspect-health-exited.json");
	assert_int_equal(berth_container_info_state(x), BERTH_STATE_EXITED);
	assert_int_equal(berth_container_info_exit_code(x), 137);
	assert_int_equal(berth_container_info_health(x), BERTH_HEALTH_UNHEALTHY);
	/* Docker reports no port bindings for a stopped container */
	assert_int_equal(berth_container_info_port_count(x), 0);
	berth_container_info_free(x);
	x = inspect_fixture("podman-inspect-health-exited.json");
	assert_int_equal(berth_container_info_state(x), BERTH_STATE_EXITED);
	assert_int_equal(berth_container_info_health(x), BERTH_HEALTH_HEALTHY);
	berth_container_info_free(x);
}

/* Two networks; 8080 on every address (Docker: 0.0.0.0 and ::, Podman:
 * ""), 53/udp on 127.0.0.1, 9090 exposed but not published; a tmpfs given
 * as a mount (Docker lists it, Podman only under HostConfig.Tmpfs). */
static void test_inspect_networks_ports(void **state)
{
	(void)state;
	berth_container_info *x = inspect_fixture("docker-inspect-net.json");
	assert_int_equal(berth_container_info_network_count(x), 2);
	assert_string_equal(berth_container_info_network_name(x, 0), "berth-t-readyexplore-net");
	assert_string_equal(berth_container_info_network_ipv4(x, 0), "172.18.0.2");
	assert_string_equal(berth_container_info_network_gateway(x, 0), "172.18.0.1");
	assert_string_equal(berth_container_info_network_name(x, 1), "bridge");
	assert_string_equal(berth_container_info_network_ipv4(x, 1), "172.17.0.6");
	assert_null(berth_container_info_network_name(x, 2));
	assert_int_equal(berth_container_info_port_count(x), 3);
	assert_int_equal(berth_container_info_port_container_port(x, 0), 53);
	assert_string_equal(berth_container_info_port_proto(x, 0), "udp");
	assert_string_equal(berth_container_info_port_host_ip(x, 0), "127.0.0.1");
	assert_int_equal(berth_container_info_port_host_port(x, 0), 32770);
	assert_int_equal(berth_container_info_port_container_port(x, 1), 8080);
	assert_string_equal(berth_container_info_port_host_ip(x, 1), "0.0.0.0");
	assert_int_equal(berth_container_info_port_host_port(x, 1), 32771);
	assert_string_equal(berth_container_info_port_host_ip(x, 2), "::");
	assert_int_equal(berth_container_info_port_host_port(x, 2), 32769);
	const char *ip = NULL;
	assert_int_equal(berth_container_info_host_port(x, 8080, "tcp", &ip), 32771); /* IPv4 first */
	assert_string_equal(ip, "0.0.0.0");
	assert_int_equal(berth_container_info_host_port(x, 53, "udp", NULL), 32770);
	assert_int_equal(berth_container_info_host_port(x, 9090, "tcp", NULL), 0);
	assert_int_equal(berth_container_info_mount_count(x), 1);
	assert_mount(x, 0, BERTH_MOUNT_TMPFS, "", "/run/t", 0);
	berth_container_info_free(x);

	x = inspect_fixture("podman-inspect-net.json");
	assert_int_equal(berth_container_info_network_count(x), 2);
	assert_string_equal(berth_container_info_network_name(x, 0), "berth-t-readyexplore-net");
	assert_string_equal(berth_container_info_network_ipv4(x, 0), "10.89.0.2");
	assert_string_equal(berth_container_info_network_mac(x, 0), "42:c3:99:6d:c4:34");
	assert_string_equal(berth_container_info_network_name(x, 1), "podman");
	assert_int_equal(berth_container_info_port_count(x), 2);
	assert_string_equal(berth_container_info_port_host_ip(x, 1), "0.0.0.0");
	assert_int_equal(berth_container_info_host_port(x, 8080, "tcp", &ip), 43259);
	assert_int_equal(berth_container_info_mount_count(x), 1);
	assert_mount(x, 0, BERTH_MOUNT_TMPFS, "", "/run/t", 0);
	berth_container_info_free(x);
}

/* Odd shapes do not break the normalization. */
static void test_inspect_odd_shapes(void **state)
{
	(void)state;
	berth_container_info *x = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_parse_inspect(&x, S("{\"Id\":\"x\",\"Mounts\":[1,{\"Type\":\"npipe\",\"RW\":true}],"
						"\"HostConfig\":{\"Tmpfs\":{\"/a\":\"ro,size=1m\",\"/b\":7}},"
						"\"NetworkSettings\":{\"Networks\":{\"n\":null},\"Ports\":{"
						"\"80\":[{\"HostPort\":\"8080\"}],\"x/tcp\":[{\"HostPort\":\"1\"}],"
						"\"81/tcp\":[{\"HostPort\":\"99999\"},{\"HostPort\":\"\"},7],"
						"\"82/averyverylongproto\":[{\"HostPort\":\"5\"}]}},"
						"\"State\":{\"Health\":{\"Status\":\"weird\",\"Log\":{}}},"
						"\"Config\":{\"Healthcheck\":{\"Test\":\"CMD\",\"Interval\":-5,\"Retries\":-1}}}"),
					  "inspect", &err), &err);
	assert_int_equal(berth_container_info_mount_count(x), 3);
	assert_int_equal(berth_container_info_mount_type(x, 0), BERTH_MOUNT_OTHER);
	assert_int_equal(berth_container_info_mount_read_only(x, 0), 0);
	assert_mount(x, 1, BERTH_MOUNT_TMPFS, "", "/a", 1);
	assert_mount(x, 2, BERTH_MOUNT_TMPFS, "", "/b", 0);
	assert_int_equal(berth_container_info_network_count(x), 1);
	assert_string_equal(berth_container_info_network_ipv4(x, 0), "");
	assert_int_equal(berth_container_info_port_count(x), 1);
	assert_int_equal(berth_container_info_port_container_port(x, 0), 80);
	assert_string_equal(berth_container_info_port_proto(x, 0), "tcp");
	assert_int_equal(berth_container_info_health(x), BERTH_HEALTH_NONE);
	assert_int_equal(berth_container_info_health_log_count(x), 0);
	assert_false(berth_container_info_has_healthcheck(x));
	assert_int_equal(berth_container_info_healthcheck_interval_ms(x), 0);
	assert_int_equal(berth_container_info_healthcheck_retries(x), 0);
	berth_container_info_free(x);
}

/* Exec inspect: attached runs end with their code on both engines; a
 * detached run on Podman 4.3 stays "running" for ever (why berth attaches). */
static void test_exec_inspect(void **state)
{
	(void)state;
	static const struct { const char *name; bool running; int code; } cases[] = {
		{ "exec/docker-exec-inspect-attached-exited.json", false, 0 },
		{ "exec/podman-exec-inspect-attached-exited.json", false, 0 },
		{ "exec/docker-exec-inspect-notfound.json", false, 126 },
		{ "exec/podman-exec-inspect-notfound.json", false, 127 },
		{ "exec/docker-exec-inspect-detached-exited.json", false, 4 },
		{ "exec/podman-exec-inspect-detached-stuck.json", true, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		size_t len;
		char *body = test_fixture(cases[i].name, &len);
		bool running = !cases[i].running;
		int code = 99;
		berth_error err = BERTH_ERROR_INIT;
		assert_ok(engineapi_parse_exec_inspect(&running, &code, body, len, "exec inspect", &err), &err);
		assert_int_equal(running, cases[i].running);
		assert_int_equal(code, cases[i].code);
		free(body);
	}
	bool running;
	int code;
	berth_error err = BERTH_ERROR_INIT;
	/* Docker's null exit code while running */
	assert_ok(engineapi_parse_exec_inspect(&running, &code, S("{\"Running\":true,\"ExitCode\":null}"), "x", &err), &err);
	assert_true(running);
	assert_int_equal(code, -1);
	assert_code(engineapi_parse_exec_inspect(&running, &code, S("{\"ExitCode\":0}"), "exec inspect", &err),
		    BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "Running");
	assert_code(engineapi_parse_exec_inspect(&running, &code, S("nope"), "exec inspect", &err), BERTH_EPROTOCOL, &err);
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
		cmocka_unit_test(test_inspect_docker_health),
		cmocka_unit_test(test_inspect_podman_health),
		cmocka_unit_test(test_inspect_unhealthy),
		cmocka_unit_test(test_inspect_no_health),
		cmocka_unit_test(test_inspect_health_exited),
		cmocka_unit_test(test_inspect_networks_ports),
		cmocka_unit_test(test_inspect_odd_shapes),
		cmocka_unit_test(test_exec_inspect),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_streamed),
		cmocka_unit_test(test_version_info),
		cmocka_unit_test(test_status_mapping),
	};
	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
