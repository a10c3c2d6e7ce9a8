/* Engines over ssh, without an ssh server: the ssh:// address, the ssh
 * command line berth builds, the reading of ssh's complaints
 * (src/lib/parse/sshdiag.c), and the transport over a stand-in for ssh
 * (fixtures/ssh/fake-ssh.sh, through BERTH_SSH) that runs the remote
 * command here, against a scripted fake engine: pooling, failures told by
 * ssh's stderr and status, deadlines, and no child left behind. */
#include "../common/test.h"
#include "../common/fake_server.h"

#include "lib/parse/sshdiag.h"
#include "lib/transport/http.h"

#include <fcntl.h>
#include <unistd.h>

static char fake_ssh[4096];
static char bin_dir[] = "/tmp/berth-ssh-bin-XXXXXX";

/* The stand-in's remote side finds sh and socat only (not the podman or
 * docker of this machine), so the relay to a socket path is socat. */
static void make_bin_dir(void)
{
	assert_non_null(mkdtemp(bin_dir));
	char link[300];
	snprintf(link, sizeof link, "%s/sh", bin_dir);
	assert_int_equal(symlink("/bin/sh", link), 0);
	const char *const where[] = { "/usr/bin/socat", "/bin/socat", "/usr/local/bin/socat" };
	for (size_t i = 0; i < 3; i++)
		if (access(where[i], X_OK) == 0) {
			snprintf(link, sizeof link, "%s/socat", bin_dir);
			assert_int_equal(symlink(where[i], link), 0);
			break;
		}
	setenv("FAKE_SSH_PATH", bin_dir, 1);
}

static int setup(void **state)
{
	(void)state;
	const char *src = getenv("BERTH_SOURCE_DIR");
	snprintf(fake_ssh, sizeof fake_ssh, "%s/tests/unit/fixtures/ssh/fake-ssh.sh", src ? src : ".");
	make_bin_dir();
	unsetenv("BERTH_SSH_OPTIONS");
	unsetenv("DOCKER_HOST");
	unsetenv("CONTAINER_HOST");
	return 0;
}

static int teardown_env(void **state)
{
	(void)state;
	unsetenv("BERTH_SSH");
	unsetenv("BERTH_SSH_OPTIONS");
	unsetenv("FAKE_SSH_STDERR");
	unsetenv("FAKE_SSH_EXIT");
	unsetenv("FAKE_SSH_HANG");
	unsetenv("FAKE_SSH_LOG");
	return 0;
}

/* ---- the address ------------------------------------------------------------ */

static void test_uri_ok(void **state)
{
	(void)state;
	static const struct {
		const char *in, *uri, *user, *host, *port, *path;
	} cases[] = {
		{ "ssh://host", "ssh://host", NULL, "host", NULL, NULL },
		{ "ssh://me@host", "ssh://me@host", "me", "host", NULL, NULL },
		{ "ssh://me@host:2222", "ssh://me@host:2222", "me", "host", "2222", NULL },
		{ "ssh://me@host/", "ssh://me@host", "me", "host", NULL, NULL },
		{ "ssh://root@127.0.0.1:22/run/podman/podman.sock", "ssh://root@127.0.0.1:22/run/podman/podman.sock",
		  "root", "127.0.0.1", "22", "/run/podman/podman.sock" },
		{ "ssh://u@[::1]:2200/var/run/docker.sock", "ssh://u@[::1]:2200/var/run/docker.sock", "u", "::1", "2200",
		  "/var/run/docker.sock" },
		{ "ssh://build-box.example.org", "ssh://build-box.example.org", NULL, "build-box.example.org", NULL,
		  NULL },
		{ "ssh://core@h/run/user/1000/podman/podman.sock", "ssh://core@h/run/user/1000/podman/podman.sock",
		  "core", "h", NULL, "/run/user/1000/podman/podman.sock" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		endpoint ep;
		berth_error err = BERTH_ERROR_INIT;
		assert_ok(endpoint_parse(&ep, cases[i].in, 0, NULL, &err), &err);
		assert_int_equal(ep.kind, ENDPOINT_SSH);
		assert_string_equal(ep.uri, cases[i].uri);
		assert_string_equal(ep.host, cases[i].host);
		if (cases[i].user)
			assert_string_equal(ep.user, cases[i].user);
		else
			assert_null(ep.user);
		if (cases[i].port)
			assert_string_equal(ep.port, cases[i].port);
		else
			assert_null(ep.port);
		if (cases[i].path)
			assert_string_equal(ep.path, cases[i].path);
		else
			assert_null(ep.path);
		assert_false(ep.tls);
		endpoint_release(&ep);
	}
}

static void test_uri_bad(void **state)
{
	(void)state;
	static const struct {
		const char *in, *says;
	} cases[] = {
		{ "ssh://", "no host" },
		{ "ssh://me@", "no host" },
		{ "ssh://me@host:0", "port" },
		{ "ssh://me@host:70000", "port" },
		{ "ssh://me@host:22x", "port" },
		{ "ssh://me@host:", "port" },
		{ "ssh://-oProxyCommand=x", "host" },
		{ "ssh://-l@host", "user" },
		{ "ssh://me@ho;st", "host" },
		{ "ssh://me@host/run/my sock", "socket path" },
		{ "ssh://me@host/run/$(reboot)", "socket path" },
		{ "ssh://me@host/run/a'b", "socket path" },
		{ "ssh://me@host?secure=true", "query" },
		{ "ssh://me@[::1", "IPv6" },
		{ "ssh://me@[zz]:22", "IPv6" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		endpoint ep;
		berth_error err = BERTH_ERROR_INIT;
		int r = endpoint_parse(&ep, cases[i].in, 0, NULL, &err);
		if (r != BERTH_EINVAL)
			fail_msg("\"%s\": got %s, want BERTH_EINVAL", cases[i].in, berth_code_name(r));
		assert_message_has(&err, cases[i].says);
	}
	/* a password is refused, and not repeated */
	const char *const secrets[] = { "ssh://me:s3cret@host", "ssh://me:s3/cret@host:22/run/x.sock" };
	for (size_t i = 0; i < 2; i++) {
		endpoint ep;
		berth_error err = BERTH_ERROR_INIT;
		assert_code(endpoint_parse(&ep, secrets[i], 0, NULL, &err), BERTH_EINVAL, &err);
		assert_message_has(&err, "password");
		assert_null(strstr(err.message, "s3"));
	}
	char longpath[200] = "ssh://h/";
	memset(longpath + 8, 'p', 150);
	longpath[158] = '\0';
	endpoint ep;
	berth_error err = BERTH_ERROR_INIT;
	assert_code(endpoint_parse(&ep, longpath, 0, NULL, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "longer");
}

/* ---- the command line ------------------------------------------------------- */

static size_t index_of(const strv *v, const char *s)
{
	for (size_t i = 0; i < v->len; i++)
		if (strcmp(v->items[i], s) == 0)
			return i;
	fail_msg("\"%s\" is not in the command line", s);
	return 0;
}

static void test_argv(void **state)
{
	(void)state;
	endpoint ep;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(endpoint_parse(&ep, "ssh://me@box:2222", 0, NULL, &err), &err);
	setenv("BERTH_SSH_OPTIONS", "  -F /tmp/cfg\t-o ConnectTimeout=9 -i /tmp/k ", 1);
	strv v = STRV_INIT;
	assert_ok(ssh_argv_build(&v, &ep, 2500, &err), &err);
	assert_string_equal(v.items[0], "ssh");
	assert_null(v.items[v.len]);
	/* BatchMode before the user's options (the first value wins), ours after */
	assert_string_equal(v.items[1], "-o");
	assert_string_equal(v.items[2], "BatchMode=yes");
	assert_string_equal(v.items[3], "-F");
	assert_string_equal(v.items[4], "/tmp/cfg");
	assert_true(index_of(&v, "ConnectTimeout=9") < index_of(&v, "ConnectTimeout=3"));
	assert_true(index_of(&v, "-i") < index_of(&v, "ConnectTimeout=3"));
	index_of(&v, "-T");
	index_of(&v, "ClearAllForwardings=yes");
	assert_string_equal(v.items[index_of(&v, "-p") + 1], "2222");
	assert_string_equal(v.items[index_of(&v, "-l") + 1], "me");
	/* the host after "--", the remote command last */
	size_t dd = index_of(&v, "--");
	assert_string_equal(v.items[dd + 1], "box");
	assert_int_equal(dd + 3, v.len);
	assert_string_equal(v.items[dd + 2], "docker system dial-stdio");
	strv_release(&v);
	endpoint_release(&ep);

	/* a socket path: a relay to it, no user or port given */
	unsetenv("BERTH_SSH_OPTIONS");
	setenv("BERTH_SSH", "/opt/ssh/bin/ssh", 1);
	assert_ok(endpoint_parse(&ep, "ssh://box/run/podman/podman.sock", 0, NULL, &err), &err);
	assert_ok(ssh_argv_build(&v, &ep, 0, &err), &err);
	assert_string_equal(v.items[0], "/opt/ssh/bin/ssh");
	index_of(&v, "ConnectTimeout=5");
	for (size_t i = 0; i < v.len; i++)
		assert_true(strcmp(v.items[i], "-p") != 0 && strcmp(v.items[i], "-l") != 0);
	assert_string_equal(v.items[v.len - 2], "box");
	const char *cmd = v.items[v.len - 1];
	assert_non_null(strstr(cmd, "podman --url unix:///run/podman/podman.sock system dial-stdio"));
	assert_non_null(strstr(cmd, "docker --host unix:///run/podman/podman.sock system dial-stdio"));
	assert_non_null(strstr(cmd, "socat - UNIX-CONNECT:/run/podman/podman.sock"));
	assert_true(strstr(cmd, "podman --url") < strstr(cmd, "docker --host"));
	strv_release(&v);
	endpoint_release(&ep);
	unsetenv("BERTH_SSH");
}

/* ---- ssh's complaints ------------------------------------------------------- */

static void test_diagnose(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int status, code;
		const char *says;
	} cases[] = {
		{ "ssh: connect to host 127.0.0.1 port 1: Connection refused\r\n", 255, BERTH_EUNAVAILABLE,
		  "refused (ssh: connect to host 127.0.0.1 port 1: Connection refused)" },
		{ "Warning: Permanently added '[127.0.0.1]:2222' (ED25519) to the list of known hosts.\r\n"
		  "root@127.0.0.1: Permission denied (publickey).\r\n",
		  255, BERTH_EPERM, "authentication refused (root@127.0.0.1: Permission denied (publickey))" },
		{ "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
		  "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
		  "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
		  "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
		  "Host key verification failed.\n",
		  255, BERTH_EPERM, "host key was refused (Host key verification failed)" },
		{ "No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\n"
		  "Host key verification failed.\n",
		  255, BERTH_EPERM, "host key was refused" },
		{ "ssh: Could not resolve hostname nowhere.invalid: Name or service not known\n", 255,
		  BERTH_EUNAVAILABLE, "resolved" },
		{ "ssh: connect to host 10.1.1.1 port 22: Connection timed out\n", 255, BERTH_ETIMEDOUT, "timed out" },
		{ "Connection timed out during banner exchange\nConnection to 10.0.0.1 port 22 timed out\n", 255,
		  BERTH_ETIMEDOUT, "timed out" },
		{ "kex_exchange_identification: read: Connection reset by peer\n", 255, BERTH_EUNAVAILABLE,
		  "handshake" },
		{ "command-line line 0: Bad configuration option: bogus\n", 255, BERTH_EINVAL, "options" },
		{ "bash: line 1: docker: command not found\n", 127, BERTH_EUNAVAILABLE,
		  "lacks the command berth runs there (bash: line 1: docker: command not found)" },
		{ "sh: 1: docker: not found\n", 127, BERTH_EUNAVAILABLE, "lacks the command" },
		{ "", 127, BERTH_EUNAVAILABLE, "lacks the command" },
		{ "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
		  1, BERTH_EUNAVAILABLE, "does not answer" },
		{ "2026/12/06 12:00:00 socat[42] E connect(5, AF=1 \"/run/podman/podman.sock\", 25): No such file or "
		  "directory\n",
		  1, BERTH_ENOTFOUND, "socket is missing" },
		{ "socat[42] E connect(5, AF=1 \"/run/x.sock\", 13): Permission denied\n", 1, BERTH_EPERM,
		  "permission denied on the remote" },
		{ "something odd\nthe last word\n", 3, BERTH_EUNAVAILABLE,
		  "the remote command failed with status 3 (the last word)" },
		{ "channel 0: open failed: connect failed: open failed\nstdio forwarding failed\n", 255,
		  BERTH_EUNAVAILABLE, "socket on the remote side cannot be opened" },
		{ "channel 0: open failed: administratively prohibited: open failed\n", 255, BERTH_EPERM,
		  "AllowStreamLocalForwarding" },
		{ "", 255, BERTH_EUNAVAILABLE, "ssh failed" },
		{ "", -1, BERTH_EUNAVAILABLE, "ssh ended" },
		{ "\n\n   \r\n", 0, BERTH_EUNAVAILABLE, "ended" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char msg[BERTH_ERROR_MESSAGE_MAX];
		int code = ssh_diagnose(msg, sizeof msg, cases[i].text, strlen(cases[i].text), cases[i].status);
		if (code != cases[i].code || !strstr(msg, cases[i].says))
			fail_msg("case %zu: got %s \"%s\", want %s \"%s\"", i, berth_code_name(code), msg,
				 berth_code_name(cases[i].code), cases[i].says);
	}
	/* a line longer than a message, control bytes, a NUL: cut and shown */
	char text[2048];
	memset(text, 'x', sizeof text);
	memcpy(text, "Permission denied (\x01\x1b[31m", 24);
	text[100] = '\0';
	char msg[80];
	assert_int_equal(ssh_diagnose(msg, sizeof msg, text, sizeof text, 255), BERTH_EPERM);
	assert_true(strlen(msg) < sizeof msg);
	for (const char *p = msg; *p; p++)
		assert_true(*p >= ' ' && *p < 0x7f);
	assert_int_equal(ssh_diagnose(msg, sizeof msg, NULL, 0, 255), BERTH_EUNAVAILABLE);
}

/* ---- the transport over the stand-in ---------------------------------------- */

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int n = 0, ch;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

static int open_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static void test_fake_engine(void **state)
{
	(void)state;
	char log[] = "/tmp/berth-ssh-log-XXXXXX";
	int lfd = mkstemp(log);
	assert_true(lfd >= 0);
	close(lfd);
	setenv("BERTH_SSH", fake_ssh, 1);
	setenv("FAKE_SSH_LOG", log, 1);
	int fds_before = open_fds();
	fake_reply script[] = { { .data = FAKE_PODMAN_PING } };
	fake_server *fs = fake_start(script, 1);
	char uri[512];
	snprintf(uri, sizeof uri, "ssh://tester@engine.example:2222%s", fake_path(fs));
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.host = uri;
	o.timeout_ms = 5000;
	berth_client *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_client_open(&c, &o, &err), &err);
	/* the ping told the engine, as over a socket */
	assert_int_equal(berth_client_engine(c), BERTH_ENGINE_PODMAN);
	assert_string_equal(berth_client_endpoint(c), uri);
	for (int i = 0; i < 5; i++)
		assert_ok(berth_ping(c, &err), &err);
	/* one ssh for all of it: the connection went back to the pool */
	assert_int_equal(count_lines(log), 1);
	assert_int_equal(fake_connections(fs), 1);
	assert_true(strstr(fake_last_request(fs), "Host: docker\r\n") != NULL);
	berth_client_free(c);
	/* the ssh child is gone with the client, its fds too */
	assert_no_children();
	assert_true(fake_wait_closed(fs, 1, 3000));
	fake_stop(fs);
	assert_int_equal(open_fds(), fds_before);
	unlink(log);
}

/* A failing ssh: the code and words come from its stderr and status, the
 * endpoint is named, and it is quick. */
static void test_fake_failures(void **state)
{
	(void)state;
	setenv("BERTH_SSH", fake_ssh, 1);
	static const struct {
		const char *stderr_line, *status;
		int code;
		const char *says;
	} cases[] = {
		{ "root@127.0.0.1: Permission denied (publickey).", "255", BERTH_EPERM, "authentication refused" },
		{ "Host key verification failed.", "255", BERTH_EPERM, "host key" },
		{ "ssh: connect to host 127.0.0.1 port 9: Connection refused", "255", BERTH_EUNAVAILABLE, "refused" },
		{ "bash: line 1: docker: command not found", "127", BERTH_EUNAVAILABLE, "lacks the command" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		setenv("FAKE_SSH_STDERR", cases[i].stderr_line, 1);
		setenv("FAKE_SSH_EXIT", cases[i].status, 1);
		berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
		o.host = "ssh://root@127.0.0.1:9";
		berth_client *c = NULL;
		berth_error err = BERTH_ERROR_INIT;
		int64_t t0 = fake_mono_ms();
		assert_code(berth_client_open(&c, &o, &err), cases[i].code, &err);
		assert_true(fake_mono_ms() - t0 < 3000);
		assert_null(c);
		assert_message_has(&err, "ssh://root@127.0.0.1:9");
		assert_message_has(&err, cases[i].says);
		assert_no_children();
	}
	unsetenv("FAKE_SSH_STDERR");
	unsetenv("FAKE_SSH_EXIT");

	/* an ssh that never answers: the request's deadline, then it is killed */
	setenv("FAKE_SSH_HANG", "1", 1);
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.host = "ssh://root@127.0.0.1:9";
	o.timeout_ms = 700;
	berth_client *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int64_t t0 = fake_mono_ms();
	assert_code(berth_client_open(&c, &o, &err), BERTH_ETIMEDOUT, &err);
	assert_true(fake_mono_ms() - t0 < 2500);
	assert_message_has(&err, "ssh://root@127.0.0.1:9");
	assert_no_children();
	unsetenv("FAKE_SSH_HANG");

	/* no ssh program at all */
	setenv("BERTH_SSH", "/nonexistent/ssh", 1);
	assert_code(berth_client_open(&c, &o, &err), BERTH_EUNAVAILABLE, &err);
	assert_message_has(&err, "/nonexistent/ssh");
	assert_no_children();
}

/* The engine closes idle connections: the pooled ssh is seen stale and a
 * fresh one is started; a remote socket that is missing is
 * BERTH_ENOTFOUND. */
static void test_fake_stale_and_missing(void **state)
{
	(void)state;
	setenv("BERTH_SSH", fake_ssh, 1);
	fake_reply script[] = {
		{ .data = FAKE_DOCKER_PING },
		{ .data = FAKE_DOCKER_PING, .close_after = true },
		{ .data = FAKE_DOCKER_PING },
	};
	fake_server *fs = fake_start(script, 3);
	char uri[512];
	snprintf(uri, sizeof uri, "ssh://h%s", fake_path(fs));
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.host = uri;
	o.timeout_ms = 5000;
	berth_client *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_client_open(&c, &o, &err), &err);
	assert_int_equal(berth_client_engine(c), BERTH_ENGINE_DOCKER);
	assert_ok(berth_ping(c, &err), &err);   /* closed after */
	assert_true(fake_wait_closed(fs, 1, 3000));
	assert_ok(berth_ping(c, &err), &err);   /* a new ssh */
	assert_int_equal(fake_connections(fs), 2);
	berth_client_free(c);
	fake_stop(fs);
	assert_no_children();

	o.host = "ssh://h/tmp/berth-no-such-dir/engine.sock";
	assert_code(berth_client_open(&c, &o, &err), BERTH_ENOTFOUND, &err);
	assert_message_has(&err, "socket is missing");
	assert_no_children();
}

/* containerd's gRPC is not carried over ssh. */
static void test_containerd_refused(void **state)
{
	(void)state;
	setenv("BERTH_SSH", "/nonexistent/ssh", 1);
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.host = "ssh://root@127.0.0.1:22";
	o.engine = BERTH_ENGINE_CONTAINERD;
	berth_client *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_code(berth_client_open(&c, &o, &err), BERTH_EUNSUPPORTED, &err);
	assert_message_has(&err, "containerd over ssh");
	assert_no_children();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uri_ok),
		cmocka_unit_test(test_uri_bad),
		cmocka_unit_test_teardown(test_argv, teardown_env),
		cmocka_unit_test(test_diagnose),
		cmocka_unit_test_teardown(test_fake_engine, teardown_env),
		cmocka_unit_test_teardown(test_fake_failures, teardown_env),
		cmocka_unit_test_teardown(test_fake_stale_and_missing, teardown_env),
		cmocka_unit_test_teardown(test_containerd_refused, teardown_env),
	};
	int r = cmocka_run_group_tests_name("ssh", tests, setup, NULL);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", bin_dir);
	if (system(cmd) != 0)
		r = 1;
	return r;
}
