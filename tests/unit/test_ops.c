/* The operations beyond the lifecycle without a real engine: signal names,
 * the reply parsers (wait, prune, published ports), argument checks that
 * must happen before any request, the requests as sent (a fake engine
 * records them), and faults during a wait. */
#include "../common/test.h"

#include <signal.h>
#include <time.h>

#include "common/fake_server.h"
#include "lib/engines/engineapi/eapi_parse.h"

#define S(x) x, strlen(x)

/* ---- signals ------------------------------------------------------------------ */

static void test_signal_names(void **state)
{
	(void)state;
	static const struct { const char *name; int sig; } good[] = {
		{ "TERM", SIGTERM },   { "SIGTERM", SIGTERM }, { "sigterm", SIGTERM }, { "SigTerm", SIGTERM },
		{ "15", SIGTERM },     { "015", SIGTERM },     { "KILL", SIGKILL },    { "usr1", SIGUSR1 },
		{ "SIGUSR2", SIGUSR2 }, { "HUP", SIGHUP },     { "WINCH", SIGWINCH },  { "IOT", SIGABRT },
		{ "CLD", SIGCHLD },    { "1", 1 },             { "32", 32 },
	};
	berth_error err = BERTH_ERROR_INIT;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		int sig = -1;
		assert_ok(berth_signal_parse(&sig, good[i].name, &err), &err);
		if (sig != good[i].sig)
			fail_msg("%s: got %d, want %d", good[i].name, sig, good[i].sig);
	}
	int sig = -1;
	assert_ok(berth_signal_parse(&sig, "SIGRTMIN+3", &err), &err);
	assert_int_equal(sig, SIGRTMIN + 3);
	assert_ok(berth_signal_parse(&sig, "RTMIN+3", &err), &err);
	assert_int_equal(sig, SIGRTMIN + 3);
	assert_ok(berth_signal_parse(&sig, "sigrtmax-2", &err), &err);
	assert_int_equal(sig, SIGRTMAX - 2);
	assert_ok(berth_signal_parse(&sig, "RTMIN", &err), &err);
	assert_int_equal(sig, SIGRTMIN);
	assert_ok(berth_signal_parse(&sig, "SIGRTMAX", &err), &err);
	assert_int_equal(sig, SIGRTMAX);
	char top[16];
	snprintf(top, sizeof top, "%d", SIGRTMAX);
	assert_ok(berth_signal_parse(&sig, top, &err), &err);
	assert_int_equal(sig, SIGRTMAX);

	static const char *const bad[] = {
		"", "0", "-1", "-15", "65", "999", "1000", "NOPE", "SIG", "SIGNOPE", "RTMIN+", "RTMIN-1",
		"RTMAX+1", "RTMIN+31", "RTMAX-31", "15x", " 15", "TERM ", "SIG TERM", "RTMIN+1a", "+15",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		sig = -7;
		int r = berth_signal_parse(&sig, bad[i], &err);
		if (r != BERTH_EINVAL)
			fail_msg("\"%s\": got %s, want BERTH_EINVAL", bad[i], berth_code_name(r));
		assert_int_equal(sig, -7); /* untouched */
		assert_true(strlen(err.message) > 0);
	}
	snprintf(top, sizeof top, "%d", SIGRTMAX + 1);
	assert_code(berth_signal_parse(&sig, top, &err), BERTH_EINVAL, &err);
	assert_code(berth_signal_parse(&sig, NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_signal_parse(NULL, "TERM", &err), BERTH_EINVAL, &err);
	assert_code(berth_signal_parse(&sig, "NOPE", NULL), BERTH_EINVAL, NULL);
}

/* ---- parsers -------------------------------------------------------------------- */

static void test_parse_wait(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	int code = -1;
	char msg[16];
	assert_ok(engineapi_parse_wait(&code, msg, sizeof msg, S("{\"Error\":null,\"StatusCode\":137}"), "wait", &err),
		  &err);
	assert_int_equal(code, 137);
	assert_string_equal(msg, "");
	assert_ok(engineapi_parse_wait(&code, msg, sizeof msg,
				       S("{\"StatusCode\":1,\"Error\":{\"Message\":\"a long engine message\"}}"), "wait",
				       &err), &err);
	assert_int_equal(code, 1);
	assert_string_equal(msg, "a long engine m"); /* cut to the buffer */
	assert_code(engineapi_parse_wait(&code, msg, sizeof msg, S("{\"Error\":null}"), "wait w1", &err),
		    BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "wait w1");
	assert_code(engineapi_parse_wait(&code, msg, sizeof msg, S("{\"StatusCode\":\"0\"}"), "wait", &err),
		    BERTH_EPROTOCOL, &err);
	assert_code(engineapi_parse_wait(&code, msg, sizeof msg, S("{\"StatusCode\":99999999999}"), "wait", &err),
		    BERTH_EPROTOCOL, &err);
	assert_code(engineapi_parse_wait(&code, msg, sizeof msg, S("nope"), "wait", &err), BERTH_EPROTOCOL, &err);
}

static void test_parse_prune(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	berth_prune_result *r = NULL;
	assert_ok(engineapi_parse_prune(&r, S("{\"ContainersDeleted\":[\"a1\",\"b2\"],\"SpaceReclaimed\":24}"), &err),
		  &err);
	assert_int_equal(berth_prune_result_count(r), 2);
	assert_string_equal(berth_prune_result_id(r, 1), "b2");
	assert_null(berth_prune_result_id(r, 2));
	assert_int_equal(berth_prune_result_space_reclaimed(r), 24);
	berth_prune_result_free(r);
	r = NULL;
	assert_ok(engineapi_parse_prune(&r, S("{\"ContainersDeleted\":null,\"SpaceReclaimed\":-5}"), &err), &err);
	assert_int_equal(berth_prune_result_count(r), 0);
	assert_int_equal(berth_prune_result_space_reclaimed(r), 0);
	berth_prune_result_free(r);
	r = NULL;
	assert_code(engineapi_parse_prune(&r, S("[]"), &err), BERTH_EPROTOCOL, &err);
	assert_code(engineapi_parse_prune(&r, S("{\"ContainersDeleted\":7}"), &err), BERTH_EPROTOCOL, &err);
	assert_null(r);
	/* NULL-safe accessors */
	assert_int_equal(berth_prune_result_count(NULL), 0);
	assert_null(berth_prune_result_id(NULL, 0));
	berth_prune_result_free(NULL);
}

static void test_parse_ports(void **state)
{
	(void)state;
	static const char body[] =
		"{\"Id\":\"p1\",\"NetworkSettings\":{\"Ports\":{"
		"\"8080/tcp\":null,"
		"\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"32770\"},{\"HostIp\":\"::\",\"HostPort\":\"32770\"}],"
		"\"53/udp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"32768\"}],"
		"\"9/sctp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"40000\"}],"
		"\"70000/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"1\"}],"
		"\"81/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"},{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"99999\"}],"
		"\"x/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"5\"}],"
		"\"443\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"4443\"}]}}}";
	berth_container_info *x = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_parse_inspect(&x, S(body), "inspect", &err), &err);
	assert_int_equal(berth_container_info_port_count(x), 5);
	static const struct { int cport; const char *proto, *ip; int hport; } want[] = {
		{ 9, "sctp", "127.0.0.1", 40000 }, { 53, "udp", "127.0.0.1", 32768 }, { 80, "tcp", "0.0.0.0", 32770 },
		{ 80, "tcp", "::", 32770 },        { 443, "tcp", "127.0.0.1", 4443 },
	};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(berth_container_info_port_container_port(x, i), want[i].cport);
		assert_string_equal(berth_container_info_port_proto(x, i), want[i].proto);
		assert_string_equal(berth_container_info_port_host_ip(x, i), want[i].ip);
		assert_int_equal(berth_container_info_port_host_port(x, i), want[i].hport);
	}
	assert_int_equal(berth_container_info_port_host_port(x, 5), 0);
	assert_null(berth_container_info_port_host_ip(x, 5));
	berth_container_info_free(x);
	/* no NetworkSettings at all */
	assert_ok(engineapi_parse_inspect(&x, S("{\"Id\":\"p2\"}"), "inspect", &err), &err);
	assert_int_equal(berth_container_info_port_count(x), 0);
	berth_container_info_free(x);
	assert_int_equal(berth_container_info_port_count(NULL), 0);
}

/* ---- a fake engine ------------------------------------------------------------------- */

#define DOCKER_PING FAKE_DOCKER_PING
#define PODMAN_PING FAKE_PODMAN_PING
#define NO_CONTENT "HTTP/1.1 204 No Content\r\n\r\n"

static fake_server *fs;
static berth_client *client;
static char *replies[16];    /* reply texts built by the test */
static size_t nreplies;

static int teardown(void **state)
{
	(void)state;
	fake_engine_stop(&fs, &client);
	for (size_t i = 0; i < nreplies; i++)
		free(replies[i]);
	nreplies = 0;
	return 0;
}

/* "HTTP/1.1 <status>" with a JSON body, kept until the teardown. */
static const char *reply(const char *status, const char *body)
{
	size_t size = strlen(body) + 128;
	char *r = malloc(size);
	assert_non_null(r);
	assert_true(nreplies < sizeof replies / sizeof *replies);
	snprintf(r, size, "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s", status,
		 strlen(body), body);
	replies[nreplies++] = r;
	return r;
}

/* A client on a fake engine: `ping` first, then `rest` in order. */
static void start_engine(const char *ping, const fake_reply *rest, size_t n)
{
	fs = fake_engine_start(&client, ping, rest, n);
}

static void assert_sent(const char *needle)
{
	const char *req = fake_last_request(fs);
	if (!strstr(req, needle))
		fail_msg("the last request lacks \"%s\":\n%s", needle, req);
}

/* Bad input never leaves the process: the fake sees only the ping. */
static void test_checks_before_request(void **state)
{
	(void)state;
	fake_reply r[] = { { .data = NO_CONTENT } };
	start_engine(DOCKER_PING, r, 1);
	berth_error err = BERTH_ERROR_INIT;
	assert_code(berth_container_kill(client, "c1", 0, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_kill(client, "c1", SIGRTMAX + 1, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_kill(client, "c/1", SIGTERM, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_pause(client, NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_unpause(client, "", &err), BERTH_EINVAL, &err);
	assert_code(berth_container_rename(client, "c1", "-bad", &err), BERTH_EINVAL, &err);
	berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
	so.grace_seconds = -3;
	assert_code(berth_container_restart(client, "c1", &so, &err), BERTH_EINVAL, &err);
	so.version = 9;
	assert_code(berth_container_restart(client, "c1", &so, &err), BERTH_EINVAL, &err);
	berth_update_options uo = BERTH_UPDATE_OPTIONS_INIT;
	assert_code(berth_container_update(client, "c1", &uo, &err), BERTH_EINVAL, &err);
	uo.memory_swap = -2;
	assert_code(berth_container_update(client, "c1", &uo, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "memory_swap");
	uo = (berth_update_options)BERTH_UPDATE_OPTIONS_INIT;
	uo.cpu_shares = 300000;
	assert_code(berth_container_update(client, "c1", &uo, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "cpu_shares");
	uo.cpu_shares = 512;
	uo.restart_max_retries = -1;
	assert_code(berth_container_update(client, "c1", &uo, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "restart_max_retries");
	berth_wait_options wo = BERTH_WAIT_OPTIONS_INIT;
	wo.condition = (berth_wait_condition)3;
	assert_code(berth_container_wait(NULL, client, "c1", &wo, &err), BERTH_EINVAL, &err);
	berth_prune_options po = BERTH_PRUNE_OPTIONS_INIT;
	po.label_count = 1;
	assert_code(berth_container_prune(NULL, client, &po, &err), BERTH_EINVAL, &err);
	const char *const eq[] = { "=v" };
	po.labels = eq;
	assert_code(berth_container_prune(NULL, client, &po, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_kill(NULL, "c1", SIGTERM, &err), BERTH_EINVAL, &err);
	assert_int_equal(fake_requests(fs), 1);
}

static void test_requests_as_sent(void **state)
{
	(void)state;
	fake_reply r[] = {
		{ .data = NO_CONTENT },
		{ .data = NO_CONTENT },
		{ .data = reply("200 OK", "{\"Warnings\":null}") },
		{ .data = reply("200 OK", "{\"ContainersDeleted\":[\"x\"],\"SpaceReclaimed\":3}") },
		{ .data = reply("200 OK", "[]") },
	};
	start_engine(DOCKER_PING, r, 5);
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_kill(client, "c1", SIGUSR1, &err), &err);
	assert_sent("POST /v1.41/containers/c1/kill?signal=10 HTTP/1.1");
	assert_ok(berth_container_rename(client, "c1", "new.name_1", &err), &err);
	assert_sent("POST /v1.41/containers/c1/rename?name=new.name_1 HTTP/1.1");
	berth_update_options uo = BERTH_UPDATE_OPTIONS_INIT;
	uo.memory = 64 << 20;
	uo.nano_cpus = 1500000000;
	uo.restart_policy = "on-failure";
	uo.restart_max_retries = 2;
	assert_ok(berth_container_update(client, "c1", &uo, &err), &err);
	assert_sent("POST /v1.41/containers/c1/update HTTP/1.1");
	assert_sent("\"Memory\":67108864");
	assert_sent("\"NanoCpus\":1500000000");
	assert_sent("\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":2}");
	berth_prune_options po = BERTH_PRUNE_OPTIONS_INIT;
	const char *const labels[] = { "k=v" };
	po.labels = labels;
	po.label_count = 1;
	berth_prune_result *res = NULL;
	assert_ok(berth_container_prune(&res, client, &po, &err), &err);
	/* {"label":["k=v"]} */
	assert_sent("POST /v1.41/containers/prune?filters=%7B%22label%22%3A%5B%22k%3Dv%22%5D%7D HTTP/1.1");
	assert_int_equal(berth_prune_result_count(res), 1);
	berth_prune_result_free(res);
	berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
	const berth_state st[] = { BERTH_STATE_EXITED, BERTH_STATE_DEAD };
	lo.states = st;
	lo.state_count = 2;
	berth_container_list *l = NULL;
	assert_ok(berth_container_list_get(&l, client, &lo, &err), &err);
	/* {"status":["exited","dead"]} */
	assert_sent("filters=%7B%22status%22%3A%5B%22exited%22%2C%22dead%22%5D%7D");
	berth_container_list_free(l);
}

/* Podman: the libpod update with OCI resources after a state check, no
 * restart policy, and no request for states it never has. */
static void test_podman_dialect(void **state)
{
	(void)state;
	fake_reply r[] = {
		{ .data = reply("200 OK", "{\"Id\":\"c1\",\"State\":{\"Status\":\"running\"}}") },
		{ .data = reply("201 Created", "\"c1\"") },
		{ .data = reply("200 OK", "{\"Id\":\"c1\",\"State\":{\"Status\":\"exited\"}}") },
	};
	start_engine(PODMAN_PING, r, 3);
	berth_error err = BERTH_ERROR_INIT;
	berth_update_options uo = BERTH_UPDATE_OPTIONS_INIT;
	uo.memory = 64 << 20;
	uo.memory_swap = 128 << 20;
	uo.nano_cpus = 500000000;
	uo.cpu_shares = 512;
	uo.pids_limit = 77;
	assert_ok(berth_container_update(client, "c1", &uo, &err), &err);
	assert_sent("POST /v4.0.0/libpod/containers/c1/update HTTP/1.1");
	assert_sent("\"memory\":{\"limit\":67108864,\"swap\":134217728}");
	assert_sent("\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000}");
	assert_sent("\"pids\":{\"limit\":77}");
	assert_int_equal(fake_requests(fs), 3);
	assert_code(berth_container_update(client, "c1", &uo, &err), BERTH_EUNSUPPORTED, &err);
	assert_message_has(&err, "running");
	assert_int_equal(fake_requests(fs), 4);
	uo.restart_policy = "always";
	assert_code(berth_container_update(client, "c1", &uo, &err), BERTH_EUNSUPPORTED, &err);
	assert_message_has(&err, "restart_policy");
	berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
	const berth_state st[] = { BERTH_STATE_DEAD, BERTH_STATE_RESTARTING };
	lo.states = st;
	lo.state_count = 2;
	berth_container_list *l = NULL;
	assert_ok(berth_container_list_get(&l, client, &lo, &err), &err);
	assert_int_equal(berth_container_list_count(l), 0);
	berth_container_list_free(l);
	assert_int_equal(fake_requests(fs), 4);
}

/* Podman answers a wait whose container was removed before it noticed the
 * exit with 0: gone by the time of the state read, that is "unknown". */
static void test_podman_wait_removed_race(void **state)
{
	(void)state;
	fake_reply r[] = {
		{ .data = reply("200 OK", "{\"StatusCode\":0,\"Error\":null}") },
		{ .data = reply("404 Not Found", "{\"cause\":\"no such container\",\"message\":\"no such container\"}") },
		{ .data = reply("200 OK", "{\"StatusCode\":3,\"Error\":null}") },
		{ .data = reply("404 Not Found", "{\"message\":\"no such container\"}") },
	};
	start_engine(PODMAN_PING, r, 4);
	berth_error err = BERTH_ERROR_INIT;
	berth_wait_outcome out = BERTH_WAIT_OUTCOME_INIT;
	assert_ok(berth_container_wait(&out, client, "c1", NULL, &err), &err);
	assert_int_equal(out.exit_code, -1);
	/* a code other than 0 is Podman's record: kept */
	assert_ok(berth_container_wait(&out, client, "c1", NULL, &err), &err);
	assert_int_equal(out.exit_code, 3);
}

/* Podman 4.3 answers an inspect that catches the container exiting with
 * 500 "no such process": asked again, the inspect succeeds; Docker's 500
 * is passed on at once; Podman's race that does not end is passed on after
 * the bounded tries. */
static void test_podman_inspect_exit_race(void **state)
{
	(void)state;
	static const char race[] = "{\"cause\":\"no such process\",\"message\":\"read /proc/4242/cgroup: no such "
				   "process\",\"response\":500}";
	static const char ok[] = "{\"Id\":\"c1\",\"Name\":\"/one\",\"State\":{\"Status\":\"exited\",\"ExitCode\":3},"
				 "\"Config\":{}}";
	fake_reply r[] = {
		{ .data = reply("500 Internal Server Error", race) },
		{ .data = reply("500 Internal Server Error", race) },
		{ .data = reply("200 OK", ok) },
	};
	start_engine(PODMAN_PING, r, 3);
	berth_error err = BERTH_ERROR_INIT;
	berth_container_info *x = NULL;
	assert_ok(berth_container_inspect(&x, client, "c1", &err), &err);
	assert_int_equal(berth_container_info_exit_code(x), 3);
	berth_container_info_free(x);
	fake_engine_stop(&fs, &client);
	fake_reply docker[] = { { .data = reply("500 Internal Server Error", race) }, { .data = reply("200 OK", ok) } };
	start_engine(DOCKER_PING, docker, 2);
	assert_code(berth_container_inspect(&x, client, "c1", &err), BERTH_EENGINE, &err);
	fake_engine_stop(&fs, &client);
	fake_reply forever[] = { { .data = reply("500 Internal Server Error", race) } };
	start_engine(PODMAN_PING, forever, 1);
	assert_code(berth_container_inspect(&x, client, "c1", &err), BERTH_EENGINE, &err);
	assert_message_has(&err, "no such process");
}

/* The engine's replies mapped the same on both: pause twice, a taken
 * name, a rename to the same name. */
static void test_error_mapping(void **state)
{
	(void)state;
	fake_reply r[] = {
		{ .data = reply("409 Conflict", "{\"message\":\"Container abc is already paused\"}") },
		{ .data = reply("500 Internal Server Error", "{\"message\":\"Container abc is not paused\"}") },
		{ .data = reply("409 Conflict", "{\"message\":\"name in use\"}") },
		{ .data = reply("400 Bad Request", "{\"message\":\"Renaming a container with the same name as its current name\"}") },
	};
	start_engine(DOCKER_PING, r, 4);
	berth_error err = BERTH_ERROR_INIT;
	assert_code(berth_container_pause(client, "abc", &err), BERTH_EALREADY, &err);
	assert_int_equal(err.native, 409);
	assert_code(berth_container_unpause(client, "abc", &err), BERTH_ECONFLICT, &err);
	assert_code(berth_container_rename(client, "abc", "taken", &err), BERTH_EEXISTS, &err);
	assert_message_has(&err, "taken");
	berth_error_clear(&err);
	assert_ok(berth_container_rename(client, "abc", "abc", &err), &err);
	assert_int_equal(err.code, 0); /* success leaves the record alone */
}

/* An engine that dies in the middle of a wait: BERTH_EUNAVAILABLE at once,
 * not after a deadline, and the request is not sent again. */
static void test_wait_engine_dies(void **state)
{
	(void)state;
	fake_reply r[] = {
		{ .data = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
		  .close_after = true },
	};
	start_engine(DOCKER_PING, r, 1);
	berth_error err = BERTH_ERROR_INIT;
	berth_wait_outcome out = BERTH_WAIT_OUTCOME_INIT;
	int64_t t0 = fake_mono_ms();
	assert_code(berth_container_wait(&out, client, "c1", NULL, &err), BERTH_EUNAVAILABLE, &err);
	assert_true(fake_mono_ms() - t0 < 2000);
	assert_int_equal(fake_requests(fs), 2);
	assert_int_equal(out.exit_code, 0);
}

/* A wait's own timeout, on an engine that never answers. */
static void test_wait_timeout(void **state)
{
	(void)state;
	fake_reply r[] = { { .hang = true } };
	start_engine(DOCKER_PING, r, 1);
	berth_error err = BERTH_ERROR_INIT;
	berth_wait_options wo = BERTH_WAIT_OPTIONS_INIT;
	wo.timeout_ms = 300;
	int64_t t0 = fake_mono_ms();
	assert_code(berth_container_wait(NULL, client, "c1", &wo, &err), BERTH_ETIMEDOUT, &err);
	int64_t took = fake_mono_ms() - t0;
	if (took < 250 || took > 2000)
		fail_msg("timed out after %lld ms, want about 300", (long long)took);
	assert_message_has(&err, "300 ms");
}

/* The outcome of a kill: the wait's code, the state's OOM flag and error. */
static void test_wait_outcome(void **state)
{
	(void)state;
	fake_reply r[] = {
		{ .data = reply("200 OK", "{\"Error\":null,\"StatusCode\":137}  ") },
		{ .data = reply("200 OK", "{\"Id\":\"c1\",\"State\":{\"Status\":\"exited\",\"OOMKilled\":true,\"Error\":\"\","
				  "\"StartedAt\":\"2026-11-22T19:15:17.4Z\"}}") },
		{ .data = reply("200 OK", "{\"Error\":null,\"StatusCode\":127}  ") },
		{ .data = reply("200 OK", "{\"Id\":\"c1\",\"State\":{\"Status\":\"created\",\"Error\":\"exec: not found\"}} ") },
		{ .data = reply("200 OK", "{\"StatusCode\":0,\"Error\":null}") },
		{ .data = reply("200 OK", "{\"Id\":\"c1\",\"State\":{\"Status\":\"created\",\"StartedAt\":\"0001-01-01T00:00:00Z\"}}") },
	};
	start_engine(DOCKER_PING, r, 6);
	berth_error err = BERTH_ERROR_INIT;
	berth_wait_outcome out = BERTH_WAIT_OUTCOME_INIT;
	assert_ok(berth_container_wait(&out, client, "c1", NULL, &err), &err);
	assert_sent("GET /v1.41/containers/c1/json");
	assert_int_equal(out.exit_code, 137);
	assert_true(out.oom_killed);
	assert_int_equal(out.signal, 9);
	assert_ok(berth_container_wait(&out, client, "c1", NULL, &err), &err);
	assert_int_equal(out.exit_code, 127);
	assert_int_equal(out.signal, 0);
	assert_string_equal(out.error, "exec: not found");
	/* never started, no error: no exit status, whatever the wait said */
	assert_ok(berth_container_wait(&out, client, "c1", NULL, &err), &err);
	assert_int_equal(out.exit_code, -1);
	assert_string_equal(out.error, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signal_names),
		cmocka_unit_test(test_parse_wait),
		cmocka_unit_test(test_parse_prune),
		cmocka_unit_test(test_parse_ports),
		cmocka_unit_test_teardown(test_checks_before_request, teardown),
		cmocka_unit_test_teardown(test_requests_as_sent, teardown),
		cmocka_unit_test_teardown(test_podman_dialect, teardown),
		cmocka_unit_test_teardown(test_podman_wait_removed_race, teardown),
		cmocka_unit_test_teardown(test_podman_inspect_exit_race, teardown),
		cmocka_unit_test_teardown(test_error_mapping, teardown),
		cmocka_unit_test_teardown(test_wait_engine_dies, teardown),
		cmocka_unit_test_teardown(test_wait_timeout, teardown),
		cmocka_unit_test_teardown(test_wait_outcome, teardown),
	};
	return cmocka_run_group_tests_name("ops", tests, NULL, NULL);
}
