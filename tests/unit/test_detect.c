/* Discovery rules: the candidate order, environment variables, Docker
 * contexts (against files in a temp dir), and verdicts for endpoints that
 * are missing, not sockets, or silent. */
#include "../common/test.h"

#include "lib/api/detect.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

static char tmpdir[64];

static void write_file(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
	/* make parent directories */
	for (char *p = path + strlen(tmpdir) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void clear_env(void)
{
	unsetenv("DOCKER_HOST");
	unsetenv("DOCKER_CONTEXT");
	unsetenv("CONTAINER_HOST");
	unsetenv("CONTAINERD_ADDRESS");
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("DOCKER_TLS_VERIFY");
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/berth-detect-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	setenv("DOCKER_CONFIG", tmpdir, 1);
	clear_env();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static berth_detection *collect(const char *host, berth_engine wanted)
{
	berth_detection *d = calloc(1, sizeof *d);
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(detection_collect(d, host, wanted, &err), &err);
	return d;
}

static void test_order(void **state)
{
	(void)state;
	clear_env();
	setenv("DOCKER_HOST", "tcp://127.0.0.1:2375", 1);
	setenv("CONTAINER_HOST", "unix:///run/user/1000/podman/podman.sock", 1);
	setenv("CONTAINERD_ADDRESS", "/run/k3s/containerd/containerd.sock", 1);
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	/* a context that must be ignored because DOCKER_HOST is set */
	setenv("DOCKER_CONTEXT", "remote", 1);
	berth_detection *d = collect("unix:///explicit.sock", BERTH_ENGINE_AUTO);
	static const char *const want[][2] = {
		{ "option", "unix:///explicit.sock" },
		{ "DOCKER_HOST", "tcp://127.0.0.1:2375" },
		{ "CONTAINER_HOST", "unix:///run/user/1000/podman/podman.sock" },
		{ "CONTAINERD_ADDRESS", "/run/k3s/containerd/containerd.sock" },
		{ "default", "unix:///var/run/docker.sock" },
		/* the rootless socket equals CONTAINER_HOST: listed once */
		{ "default", "unix:///run/podman/podman.sock" },
		{ "default", "unix:///run/containerd/containerd.sock" },
	};
	assert_int_equal(berth_detection_count(d), sizeof want / sizeof *want);
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		assert_string_equal(berth_detection_source(d, i), want[i][0]);
		assert_string_equal(berth_detection_endpoint(d, i), want[i][1]);
	}
	assert_int_equal(berth_detection_expected(d, 2), BERTH_ENGINE_PODMAN);
	assert_int_equal(berth_detection_expected(d, 3), BERTH_ENGINE_CONTAINERD);
	berth_detection_free(d);
	clear_env();
}

static void test_defaults_only(void **state)
{
	(void)state;
	clear_env();
	berth_detection *d = collect(NULL, BERTH_ENGINE_AUTO);
	assert_int_equal(berth_detection_count(d), 3);
	assert_string_equal(berth_detection_endpoint(d, 0), "unix:///var/run/docker.sock");
	assert_int_equal(berth_detection_expected(d, 0), BERTH_ENGINE_DOCKER);
	assert_string_equal(berth_detection_endpoint(d, 1), "unix:///run/podman/podman.sock");
	assert_string_equal(berth_detection_endpoint(d, 2), "unix:///run/containerd/containerd.sock");
	berth_detection_free(d);
}

static void test_context_current(void **state)
{
	(void)state;
	clear_env();
	write_file("config.json", "{\"auths\":{},\"currentContext\":\"remote\"}");
	write_file("contexts/meta/0aa1/meta.json",
		   "{\"Name\":\"other\",\"Endpoints\":{\"docker\":{\"Host\":\"unix:///other.sock\"}}}");
	write_file("contexts/meta/1bb2/meta.json",
		   "{\"Name\":\"remote\",\"Metadata\":{},\"Endpoints\":{\"docker\":{\"Host\":\"tcp://10.9.8.7:2376\",\"SkipTLSVerify\":false}}}");
	write_file("contexts/tls/1bb2/docker/ca.pem", "not a real cert");
	berth_detection *d = collect(NULL, BERTH_ENGINE_AUTO);
	assert_string_equal(berth_detection_source(d, 0), "context remote");
	assert_string_equal(berth_detection_endpoint(d, 0), "tcp://10.9.8.7:2376");
	/* the context's TLS material goes with it */
	assert_non_null(d->items[0].cert_dir);
	assert_non_null(strstr(d->items[0].cert_dir, "contexts/tls/1bb2/docker"));
	assert_int_equal(d->items[0].tls_mode, 1);
	berth_detection_free(d);

	/* DOCKER_CONTEXT wins over currentContext */
	setenv("DOCKER_CONTEXT", "other", 1);
	d = collect(NULL, BERTH_ENGINE_AUTO);
	assert_string_equal(berth_detection_source(d, 0), "context other");
	assert_string_equal(berth_detection_endpoint(d, 0), "unix:///other.sock");
	berth_detection_free(d);

	/* "default" means: no context endpoint */
	setenv("DOCKER_CONTEXT", "default", 1);
	d = collect(NULL, BERTH_ENGINE_AUTO);
	assert_string_equal(berth_detection_source(d, 0), "default");
	berth_detection_free(d);
	clear_env();
}

static void test_context_broken(void **state)
{
	(void)state;
	clear_env();
	/* a context that does not exist is a candidate with its reason */
	setenv("DOCKER_CONTEXT", "ghost", 1);
	berth_detection *d = collect(NULL, BERTH_ENGINE_AUTO);
	assert_string_equal(berth_detection_source(d, 0), "context ghost");
	assert_int_equal(berth_detection_verdict(d, 0), BERTH_VERDICT_INVALID);
	assert_non_null(strstr(berth_detection_reason(d, 0), "ghost"));
	berth_detection_free(d);
	unsetenv("DOCKER_CONTEXT");

	/* a config.json that is not JSON */
	write_file("config.json", "{ this is not json");
	d = collect(NULL, BERTH_ENGINE_AUTO);
	assert_int_equal(berth_detection_verdict(d, 0), BERTH_VERDICT_INVALID);
	assert_non_null(strstr(berth_detection_reason(d, 0), "config.json"));
	berth_detection_free(d);

	/* no config.json at all: defaults only */
	char path[512];
	snprintf(path, sizeof path, "%s/config.json", tmpdir);
	unlink(path);
	d = collect(NULL, BERTH_ENGINE_AUTO);
	assert_string_equal(berth_detection_source(d, 0), "default");
	berth_detection_free(d);
}

static candidate make_candidate(const char *uri, berth_engine expected)
{
	candidate c = { 0 };
	c.source = strdup("test");
	c.uri = strdup(uri);
	c.expected = expected;
	return c;
}

static void test_probe_verdicts(void **state)
{
	(void)state;
	/* missing */
	candidate c = make_candidate("unix:///nonexistent/x.sock", BERTH_ENGINE_DOCKER);
	detection_probe(&c, BERTH_ENGINE_AUTO, 500);
	assert_int_equal(c.verdict, BERTH_VERDICT_MISSING);
	detection_release_candidate(&c);

	/* a regular file */
	char file[600];
	snprintf(file, sizeof file, "unix://%s/plain", tmpdir);
	write_file("plain", "x");
	c = make_candidate(file, BERTH_ENGINE_DOCKER);
	detection_probe(&c, BERTH_ENGINE_AUTO, 500);
	assert_int_equal(c.verdict, BERTH_VERDICT_NOT_ANSWERING);
	assert_non_null(strstr(c.reason, "not a socket"));
	detection_release_candidate(&c);

	/* a malformed address */
	c = make_candidate("tcp://host:notaport", BERTH_ENGINE_DOCKER);
	detection_probe(&c, BERTH_ENGINE_AUTO, 500);
	assert_int_equal(c.verdict, BERTH_VERDICT_INVALID);
	detection_release_candidate(&c);

	/* a socket that accepts and never answers: bounded by the timeout */
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/silent.sock", tmpdir);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(lfd, 4), 0);
	char uri[200];
	snprintf(uri, sizeof uri, "unix://%s", sa.sun_path);
	c = make_candidate(uri, BERTH_ENGINE_DOCKER);
	int64_t t0 = now_ms();
	detection_probe(&c, BERTH_ENGINE_AUTO, 300);
	int64_t took = now_ms() - t0;
	assert_int_equal(c.verdict, BERTH_VERDICT_NOT_ANSWERING);
	assert_true(took >= 250 && took < 3000);
	detection_release_candidate(&c);

	/* the same silent socket as a containerd address */
	c = make_candidate(sa.sun_path, BERTH_ENGINE_CONTAINERD);
	detection_probe(&c, BERTH_ENGINE_AUTO, 300);
	assert_int_equal(c.verdict, BERTH_VERDICT_NOT_ANSWERING);
	detection_release_candidate(&c);
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_defaults_only),
		cmocka_unit_test(test_context_current),
		cmocka_unit_test(test_context_broken),
		cmocka_unit_test(test_probe_verdicts),
	};
	return cmocka_run_group_tests_name("detect", tests, setup, teardown);
}
