/* Engines over ssh (conformance-ssh-ENGINE): run through
 * tests/scripts/sshd-fixture.sh, which starts an sshd of its own on
 * 127.0.0.1 and sets BERTH_TEST_HOST (the engine under test through it),
 * BERTH_SSH_OPTIONS (a client configuration in the fixture's directory)
 * and BERTH_SSH_FIXTURE (that directory, with the configurations of the
 * faults). The suite's client is opened through ssh.
 *
 * - the engine is told by its ping, as over a socket, by the option, by
 *   DOCKER_HOST or CONTAINER_HOST and by a Docker context;
 * - a container's life, its logs and an exec stream with stdin through
 *   ssh, and nothing (no ssh child, no fd) left when the client is freed;
 * - faults, each its code, naming the host, within a bound: a port where
 *   nothing listens, a key the server does not know, a host key that does
 *   not match, a remote side without the command berth runs there. */
#include "conformance.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* How long a fault may take to be told (ssh to 127.0.0.1 fails fast; the
 * bound is the connect timeout with room). */
#define FAULT_BOUND_MS 8000

static const char *fixture(void)
{
	const char *d = getenv("BERTH_SSH_FIXTURE");
	if (!d || !*d) {
		if (getenv("CI"))
			fail_msg("BERTH_SSH_FIXTURE is not set: run through tests/scripts/sshd-fixture.sh");
		skip();
	}
	return d;
}

static int open_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* This process's children, running or zombies (the suite's own client
 * keeps its idle ssh processes: they are counted before and after). */
static int children(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/task");
	assert_non_null(d);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[300];
		snprintf(path, sizeof path, "/proc/self/task/%s/children", de->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		int pid;
		while (fscanf(f, "%d", &pid) == 1)
			n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

/* Set BERTH_SSH_OPTIONS to the fixture's configuration NAME. */
static void use_config(const char *name)
{
	char opts[4200];
	snprintf(opts, sizeof opts, "-F %s/%s", fixture(), name);
	setenv("BERTH_SSH_OPTIONS", opts, 1);
}

static void test_engine_by_ping(void **state)
{
	(void)state;
	fixture();
	need_engine_up();
	assert_non_null(test_host());
	assert_true(strncmp(berth_client_endpoint(client), "ssh://", 6) == 0);
	assert_int_equal(berth_client_engine(client), engine);
	assert_string_equal(berth_client_api_version(client), expected_api_version());
	/* the engine told by its ping with no engine asked for */
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.host = test_host();
	berth_client *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_client_open(&c, &o, &err), &err);
	assert_int_equal(berth_client_engine(c), engine);
	berth_version *v = NULL;
	assert_ok(berth_version_get(&v, c, &err), &err);
	assert_int_equal(berth_version_engine(v), engine);
	berth_version_free(v);
	berth_client_free(c);
	/* the other engine asked for: refused, naming what answered */
	o.engine = engine == BERTH_ENGINE_DOCKER ? BERTH_ENGINE_PODMAN : BERTH_ENGINE_DOCKER;
	assert_code(berth_client_open(&c, &o, &err), BERTH_EUNAVAILABLE, &err);
	assert_message_has(&err, berth_engine_name(engine));
}

/* DOCKER_HOST (docker) or CONTAINER_HOST (podman) as ssh://: discovery
 * takes it, with its source. */
static void test_environment(void **state)
{
	(void)state;
	fixture();
	need_engine_up();
	const char *var = engine == BERTH_ENGINE_DOCKER ? "DOCKER_HOST" : "CONTAINER_HOST";
	char *saved_dh = getenv("DOCKER_HOST") ? strdup(getenv("DOCKER_HOST")) : NULL;
	unsetenv("DOCKER_HOST");
	setenv(var, test_host(), 1);
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	berth_client *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_client_open(&c, &o, &err), &err);
	assert_string_equal(berth_client_source(c), var);
	assert_string_equal(berth_client_endpoint(c), test_host());
	assert_int_equal(berth_client_engine(c), engine);
	assert_ok(berth_ping(c, &err), &err);
	berth_client_free(c);
	unsetenv(var);
	if (saved_dh)
		setenv("DOCKER_HOST", saved_dh, 1);
	free(saved_dh);
}

/* A Docker CLI context whose endpoint is ssh://. */
static void test_docker_context(void **state)
{
	(void)state;
	fixture();
	need_engine_up();
	char dir[] = "/tmp/berth-ssh-ctx-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[512], text[1024];
	snprintf(path, sizeof path, "%s/contexts", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/contexts/meta", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	/* the Docker CLI names the directory by the name's SHA-256; berth
	 * scans, so any name does here */
	snprintf(path, sizeof path, "%s/contexts/meta/remote", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/contexts/meta/remote/meta.json", dir);
	snprintf(text, sizeof text,
		 "{\"Name\":\"berth-remote\",\"Metadata\":{},\"Endpoints\":{\"docker\":{\"Host\":\"%s\","
		 "\"SkipTLSVerify\":false}}}",
		 test_host());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	snprintf(path, sizeof path, "%s/config.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"currentContext\":\"berth-remote\"}", f);
	fclose(f);

	char *saved_dh = getenv("DOCKER_HOST") ? strdup(getenv("DOCKER_HOST")) : NULL;
	char *saved_cfg = getenv("DOCKER_CONFIG") ? strdup(getenv("DOCKER_CONFIG")) : NULL;
	unsetenv("DOCKER_HOST");
	unsetenv("DOCKER_CONTEXT");
	setenv("DOCKER_CONFIG", dir, 1);
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	berth_client *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = berth_client_open(&c, &o, &err);
	if (saved_dh)
		setenv("DOCKER_HOST", saved_dh, 1);
	if (saved_cfg)
		setenv("DOCKER_CONFIG", saved_cfg, 1);
	else
		unsetenv("DOCKER_CONFIG");
	free(saved_dh);
	free(saved_cfg);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	assert_ok(r, &err);
	assert_string_equal(berth_client_source(c), "context berth-remote");
	assert_int_equal(berth_client_engine(c), engine);
	berth_client_free(c);
}

/* Lifecycle, logs and an exec with stdin through ssh, on a client of its
 * own; once it is freed no ssh child and no fd is left. */
static void test_streams_and_cleanup(void **state)
{
	(void)state;
	fixture();
	need_engine();
	int fds_before = open_fds();
	int kids_before = children();
	berth_client *saved = client;
	client = client_with_timeout(30000);
	const char *argv[] = { "sh", "-c", "echo one; echo two >&2; sleep 600" };
	char *id = run(name_of("ssh-life"), argv, 3);
	berth_error err = BERTH_ERROR_INIT;

	/* logs through the stream core, followed and cut off by a deadline */
	berth_logs_options lo = BERTH_LOGS_OPTIONS_INIT;
	lo.follow = 1;
	berth_stream *s = NULL;
	assert_ok(berth_container_logs(&s, client, id, &lo, &err), &err);
	char seen[64] = "";
	int64_t end = now_ms_() + 15000;
	while (!(strstr(seen, "one") && strstr(seen, "two")) && now_ms_() < end) {
		berth_frame fr;
		int r = berth_stream_next(s, &fr, 5000, &err);
		if (r == BERTH_ETIMEDOUT)
			continue;
		assert_ok(r, &err);
		strncat(seen, fr.data, fr.len < sizeof seen - strlen(seen) - 1 ? fr.len : sizeof seen - strlen(seen) - 1);
	}
	assert_non_null(strstr(seen, "one"));
	assert_non_null(strstr(seen, "two"));
	berth_frame fr;
	assert_code(berth_stream_next(s, &fr, 300, &err), BERTH_ETIMEDOUT, &err);
	berth_stream_free(s);

	/* exec with stdin: what goes in comes back; the half-close goes
	 * through ssh to the process as its end of input */
	berth_exec_options eo = BERTH_EXEC_OPTIONS_INIT;
	const char *cat[] = { "sh", "-c", "cat; echo after-eof" };
	eo.argv = cat;
	eo.argc = 3;
	eo.attach_stdin = 1;
	assert_ok(berth_exec_start(&s, NULL, client, id, &eo, &err), &err);
	assert_ok(berth_stream_write(s, "through ssh\n", 12, 5000, &err), &err);
	assert_ok(berth_stream_close_stdin(s, &err), &err);
	char got[64] = "";
	for (;;) {
		int r = berth_stream_next(s, &fr, 10000, &err);
		if (r == BERTH_ITEROVER)
			break;
		assert_ok(r, &err);
		strncat(got, fr.data, fr.len < sizeof got - strlen(got) - 1 ? fr.len : sizeof got - strlen(got) - 1);
	}
	assert_string_equal(got, "through ssh\nafter-eof\n");
	berth_stream_free(s);

	/* a buffered exec */
	const char *echo[] = { "echo", "hi" };
	eo = (berth_exec_options)BERTH_EXEC_OPTIONS_INIT;
	eo.argv = echo;
	eo.argc = 2;
	berth_exec_result *res = NULL;
	assert_ok(berth_exec(&res, client, id, &eo, &err), &err);
	assert_int_equal(berth_exec_result_exit_code(res), 0);
	size_t n = 0;
	const char *o = berth_exec_result_stdout(res, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(o, "hi\n", 3);
	berth_exec_result_free(res);

	force_remove(id);
	berth_free(id);
	berth_client_free(client);
	client = saved;
	/* every ssh child reaped, every fd closed */
	assert_int_equal(children(), kids_before);
	assert_int_equal(open_fds(), fds_before);
}

static void expect_fault(const char *host, const char *config, int code, const char *says)
{
	use_config(config);
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.host = host;
	o.engine = engine;
	o.connect_timeout_ms = 3000;
	o.timeout_ms = 10000;
	berth_client *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int kids_before = children();
	int64_t t0 = now_ms_();
	int r = berth_client_open(&c, &o, &err);
	int64_t took = now_ms_() - t0;
	use_config("ssh_config");
	if (r != code)
		fail_msg("%s with %s: got %s (%s), want %s", host, config, berth_code_name(r), err.message,
			 berth_code_name(code));
	assert_null(c);
	if (took > FAULT_BOUND_MS)
		fail_msg("%s with %s: took %lld ms", host, config, (long long)took);
	assert_message_has(&err, "127.0.0.1");
	assert_message_has(&err, says);
	printf("# %s: %s (%lld ms)\n", config, err.message, (long long)took);
	assert_int_equal(children(), kids_before);
}

static void test_faults(void **state)
{
	(void)state;
	fixture();
	/* a port where nothing listens: bind one, close it */
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	close(fd);
	char refused[128];
	snprintf(refused, sizeof refused, "ssh://root@127.0.0.1:%d", ntohs(a.sin_port));
	expect_fault(refused, "ssh_config", BERTH_EUNAVAILABLE, "refused");

	const char *host = test_host();
	expect_fault(host, "ssh_config_wrongkey", BERTH_EPERM, "authentication refused");
	expect_fault(host, "ssh_config_hostkey", BERTH_EPERM, "host key");
	expect_fault(host, "ssh_config_nodocker", BERTH_EUNAVAILABLE, "lacks the command");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_by_ping),
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_docker_context),
		cmocka_unit_test(test_streams_and_cleanup),
		cmocka_unit_test(test_faults),
	};
	return cmocka_run_group_tests_name(conformance_group("ssh"), tests, conformance_setup, conformance_teardown);
}
