/* Engine addresses and API version negotiation. */
#include "../common/test.h"

#include "lib/engine.h"
#include "lib/transport/socket.h"
#include "lib/engines/engineapi/engineapi.h"

static void test_parse_ok(void **state)
{
	(void)state;
	static const struct { const char *in, *uri; int kind; bool tls; } cases[] = {
		{ "unix:///var/run/docker.sock", "unix:///var/run/docker.sock", ENDPOINT_UNIX, false },
		{ "/run/podman/podman.sock", "unix:///run/podman/podman.sock", ENDPOINT_UNIX, false },
		{ "tcp://127.0.0.1:2375", "tcp://127.0.0.1:2375", ENDPOINT_TCP, false },
		{ "tcp://localhost", "tcp://localhost:2375", ENDPOINT_TCP, false },
		{ "tcp://[::1]:2376", "tcp://[::1]:2376", ENDPOINT_TCP, false },
		{ "tcp://host:2375/", "tcp://host:2375", ENDPOINT_TCP, false },
		{ "http://10.0.0.1:80", "tcp://10.0.0.1:80", ENDPOINT_TCP, false },
		{ "https://engine.example", "tcp://engine.example:2376", ENDPOINT_TCP, true },
	};
	unsetenv("DOCKER_TLS_VERIFY");
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		endpoint ep;
		berth_error err = BERTH_ERROR_INIT;
		assert_ok(endpoint_parse(&ep, cases[i].in, 0, NULL, &err), &err);
		assert_string_equal(ep.uri, cases[i].uri);
		assert_int_equal(ep.kind, cases[i].kind);
		assert_int_equal(ep.tls, cases[i].tls);
		endpoint_release(&ep);
	}
}

static void test_parse_tls_modes(void **state)
{
	(void)state;
	endpoint ep;
	berth_error err = BERTH_ERROR_INIT;
	setenv("DOCKER_TLS_VERIFY", "1", 1);
	setenv("DOCKER_CERT_PATH", "/etc/certs", 1);
	assert_ok(endpoint_parse(&ep, "tcp://h:2376", 0, NULL, &err), &err);
	assert_true(ep.tls && ep.tls_verify);
	assert_string_equal(ep.cert_dir, "/etc/certs");
	endpoint_release(&ep);
	/* an explicit "no TLS" wins over the environment */
	assert_ok(endpoint_parse(&ep, "tcp://h:2375", -1, NULL, &err), &err);
	assert_false(ep.tls);
	endpoint_release(&ep);
	unsetenv("DOCKER_TLS_VERIFY");
	unsetenv("DOCKER_CERT_PATH");
	assert_ok(endpoint_parse(&ep, "tcp://h", 2, "/x", &err), &err);
	assert_true(ep.tls && !ep.tls_verify);
	assert_string_equal(ep.port, "2376");
	assert_string_equal(ep.cert_dir, "/x");
	endpoint_release(&ep);
	/* unix sockets never use TLS */
	setenv("DOCKER_TLS_VERIFY", "1", 1);
	assert_ok(endpoint_parse(&ep, "unix:///s", 0, NULL, &err), &err);
	assert_false(ep.tls);
	endpoint_release(&ep);
	unsetenv("DOCKER_TLS_VERIFY");
}

static void test_parse_bad(void **state)
{
	(void)state;
	static const struct { const char *in; int code; const char *says; } cases[] = {
		{ "", BERTH_EINVAL, "empty" },
		{ "docker.sock", BERTH_EINVAL, "scheme" },
		{ "unix://relative.sock", BERTH_EINVAL, "absolute" },
		{ "tcp://", BERTH_EINVAL, "host" },
		{ "tcp://host:0", BERTH_EINVAL, "port" },
		{ "tcp://host:99999", BERTH_EINVAL, "port" },
		{ "tcp://host:12ab", BERTH_EINVAL, "port" },
		{ "tcp://host:2375/path", BERTH_EINVAL, "path" },
		{ "tcp://[::1", BERTH_EINVAL, "IPv6" },
		{ "tcp://user@host:1", BERTH_EINVAL, "host" },
		{ "ssh://me@host:0", BERTH_EINVAL, "port" },
		{ "npipe:////./pipe/docker_engine", BERTH_EUNSUPPORTED, "Windows" },
		{ "unix:///a\nb", BERTH_EINVAL, "control" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		endpoint ep;
		berth_error err = BERTH_ERROR_INIT;
		int r = endpoint_parse(&ep, cases[i].in, 0, NULL, &err);
		if (r != cases[i].code)
			fail_msg("\"%s\": got %s, want %s", cases[i].in, berth_code_name(r), berth_code_name(cases[i].code));
		assert_message_has(&err, cases[i].says);
	}
	char longpath[200] = "unix:///";
	memset(longpath + 8, 'p', 150);
	longpath[158] = '\0';
	endpoint ep;
	berth_error err = BERTH_ERROR_INIT;
	assert_code(endpoint_parse(&ep, longpath, 0, NULL, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "longer");
}

static void test_negotiate(void **state)
{
	(void)state;
	char v[16];
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_negotiate_api_version(v, "1.41", NULL, &err), &err);
	assert_string_equal(v, "1.41");
	/* a newer engine: berth speaks its own maximum */
	assert_ok(engineapi_negotiate_api_version(v, "1.47", NULL, &err), &err);
	assert_string_equal(v, BERTH_API_VERSION_MAX);
	/* an older engine: use the engine's */
	assert_ok(engineapi_negotiate_api_version(v, "1.35", NULL, &err), &err);
	assert_string_equal(v, "1.35");
	/* below berth's minimum */
	assert_code(engineapi_negotiate_api_version(v, "1.25", NULL, &err), BERTH_EUNSUPPORTED, &err);
	assert_message_has(&err, "older");
	/* the engine did not say: assume berth's maximum */
	assert_ok(engineapi_negotiate_api_version(v, "", NULL, &err), &err);
	assert_string_equal(v, BERTH_API_VERSION_MAX);
	/* requested versions */
	assert_ok(engineapi_negotiate_api_version(v, "1.41", "1.40", &err), &err);
	assert_string_equal(v, "1.40");
	assert_code(engineapi_negotiate_api_version(v, "1.41", "1.44", &err), BERTH_EUNSUPPORTED, &err);
	assert_code(engineapi_negotiate_api_version(v, "1.41", "1.2", &err), BERTH_EUNSUPPORTED, &err);
	assert_code(engineapi_negotiate_api_version(v, "1.41", "v1.41", &err), BERTH_EINVAL, &err);
	assert_code(engineapi_negotiate_api_version(v, "1.41", "1.", &err), BERTH_EINVAL, &err);
	assert_code(engineapi_negotiate_api_version(v, "1.41", "1.4.1", &err), BERTH_EINVAL, &err);
	assert_code(engineapi_negotiate_api_version(v, "1.41", "", &err), BERTH_EINVAL, &err);
}

/* Nothing listens: the errors name the endpoint and classify the cause. */
static void test_connect_errors(void **state)
{
	(void)state;
	berth_client *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.host = "unix:///nonexistent/berth.sock";
	assert_code(berth_client_open(&c, &o, &err), BERTH_ENOTFOUND, &err);
	assert_message_has(&err, "unix:///nonexistent/berth.sock");
	o.host = "unix:///etc/hostname";
	assert_code(berth_client_open(&c, &o, &err), BERTH_EUNAVAILABLE, &err);
	assert_message_has(&err, "not a socket");
	o.host = "tcp://127.0.0.1:1";
	assert_code(berth_client_open(&c, &o, &err), BERTH_EUNAVAILABLE, &err);
	assert_message_has(&err, "tcp://127.0.0.1:1");
	o.host = "tcp://127.0.0.1:1";
	o.engine = BERTH_ENGINE_CONTAINERD;
	/* containerd's gRPC API is served on a unix socket only */
	assert_code(berth_client_open(&c, &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "containerd");
	assert_null(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_tls_modes),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_connect_errors),
	};
	return cmocka_run_group_tests_name("endpoint", tests, NULL, NULL);
}
