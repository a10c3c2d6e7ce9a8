/* Helpers shared by the conformance suites: see conformance.h. */
#include "conformance.h"

#include <dirent.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

berth_client *client;
berth_engine engine;
char run_id[32];
static char engine_missing[BERTH_ERROR_MESSAGE_MAX];

int64_t now_ms_(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void need_engine_up(void)
{
	if (!client) {
		if (getenv("CI"))
			fail_msg("engine %s is not available in CI: %s", berth_engine_name(engine), engine_missing);
		skip();
	}
}

/* What each engine's backend cannot do yet, by vtable slot (or slot_part:
 * a part of a slot's work). A test that
 * needs such an operation checks that it answers BERTH_EUNSUPPORTED.
 * When a backend gains an operation, its line goes. */
static const struct {
	berth_engine engine;
	const char *op;
} lacking[] = {
	{ 0, NULL }, /* none today: every backend has every operation */
};

bool engine_lacks(const char *op)
{
	for (size_t i = 0; i < sizeof lacking / sizeof lacking[0]; i++)
		if (lacking[i].op && lacking[i].engine == engine && strcmp(lacking[i].op, op) == 0)
			return true;
	return false;
}

const char *expected_api_version(void)
{
	return engine == BERTH_ENGINE_CONTAINERD ? "v1" : "1.41";
}

static jmp_buf pass_jmp;
static bool in_test;

_Noreturn void conformance_pass(void)
{
	if (!in_test)
		fail_msg("conformance_pass outside a test");
	longjmp(pass_jmp, 1);
}

void conformance_trampoline(void **state)
{
	void (*fn)(void **) = (void (*)(void **))(uintptr_t)*state;
	*state = NULL;
	in_test = true;
	if (setjmp(pass_jmp) == 0)
		fn(state);
	in_test = false;
}

void need_engine(void)
{
	need_engine_up();
	if (engine_lacks("container_create")) {
		berth_spec *s = spec_of(name_of("unsupported"), NULL, 0);
		char *id = NULL;
		berth_error err = BERTH_ERROR_INIT;
		assert_code(berth_container_create(&id, client, s, &err), BERTH_EUNSUPPORTED, &err);
		assert_null(id);
		berth_spec_free(s);
		conformance_pass();
	}
}

const char *name_of(const char *what)
{
	static char buf[8][96];
	static int slot;
	char *b = buf[slot++ % 8];
	snprintf(b, sizeof buf[0], "berth-t-%s-%s", run_id, what);
	return b;
}

const char *image_name_of(const char *what)
{
	static char buf[4][128];
	static int slot;
	char *b = buf[slot++ % 4];
	snprintf(b, sizeof buf[0], "localhost/berth-t-%s/%s:1", run_id, what);
	return b;
}

void image_drop(const char *ref)
{
	berth_image_remove_options ro = BERTH_IMAGE_REMOVE_OPTIONS_INIT;
	ro.force = 1;
	berth_error err = BERTH_ERROR_INIT;
	int r = berth_image_remove(client, ref, &ro, &err);
	if (r != BERTH_ENOTFOUND)
		assert_ok(r, &err);
}

void need_port(int port, const char *what)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bool up = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	if (fd >= 0)
		close(fd);
	if (!up) {
		if (getenv("CI"))
			fail_msg("%s on 127.0.0.1:%d is not up in CI (scripts/provision.sh starts it)", what, port);
		skip();
	}
}

int pipe_from_file(const char *path, pid_t *pid)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	*pid = fork();
	assert_true(*pid >= 0);
	if (*pid == 0) {
		close(fds[0]);
		int in = open(path, O_RDONLY);
		char buf[65536];
		ssize_t n;
		while (in >= 0 && (n = read(in, buf, sizeof buf)) > 0)
			if (write(fds[1], buf, (size_t)n) != n)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	return fds[0];
}

berth_spec *spec_of_image(const char *image, const char *name, const char *const *argv, size_t argc)
{
	berth_spec *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_new(&s, image, &err), &err);
	assert_ok(berth_spec_set_name(s, name, &err), &err);
	assert_ok(berth_spec_add_label(s, RUN_LABEL, run_id, &err), &err);
	if (argc)
		assert_ok(berth_spec_set_cmd(s, argv, argc, &err), &err);
	return s;
}

berth_spec *spec_of(const char *name, const char *const *argv, size_t argc)
{
	return spec_of_image(IMAGE, name, argv, argc);
}

/* Create (and with start, run) a container of the test image. */
static char *make(const char *name, const char *const *argv, size_t argc, bool start)
{
	berth_spec *s = spec_of(name, argv, argc);
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (start)
		assert_ok(berth_container_run(&id, client, s, &err), &err);
	else
		assert_ok(berth_container_create(&id, client, s, &err), &err);
	berth_spec_free(s);
	return id;
}

char *run(const char *name, const char *const *argv, size_t argc) { return make(name, argv, argc, true); }
char *create(const char *name, const char *const *argv, size_t argc) { return make(name, argv, argc, false); }

const char *test_host(void)
{
	const char *h = getenv("BERTH_TEST_HOST");
	return h && *h ? h : NULL;
}

/* A second client of the engine under test with its own request deadline. */
berth_client *client_with_timeout(int timeout_ms)
{
	berth_client *c = NULL;
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.engine = engine;
	o.host = test_host();
	o.timeout_ms = timeout_ms;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_client_open(&c, &o, &err), &err);
	return c;
}

berth_container_info *inspect(const char *id)
{
	berth_container_info *x = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_inspect(&x, client, id, &err), &err);
	return x;
}

berth_container_info *wait_exited(const char *id, int timeout_ms)
{
	int64_t end = now_ms_() + timeout_ms;
	for (;;) {
		berth_container_info *x = inspect(id);
		if (berth_container_info_state(x) == BERTH_STATE_EXITED || now_ms_() > end)
			return x;
		berth_container_info_free(x);
		usleep(50 * 1000);
	}
}

void force_remove(const char *id)
{
	berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
	ro.force = 1;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_remove(client, id, &ro, &err), &err);
}

static int reap_run_containers(void)
{
	if (!client)
		return 0;
	char filter[64];
	snprintf(filter, sizeof filter, "%s=%s", RUN_LABEL, run_id);
	const char *labels[] = { filter };
	berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
	lo.all = 1;
	lo.labels = labels;
	lo.label_count = 1;
	berth_container_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_container_list_get(&l, client, &lo, &err) < 0)
		return -1;
	berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
	ro.force = 1;
	int left = 0;
	for (size_t i = 0; i < berth_container_list_count(l); i++) {
		left++;
		berth_container_remove(client, berth_container_list_id(l, i), &ro, &err);
	}
	berth_container_list_free(l);
	if (left)
		fprintf(stderr, "# reaped %d container(s) a failed test left behind\n", left);
	return 0;
}

int conformance_setup(void **state)
{
	(void)state;
	const char *e = getenv("BERTH_TEST_ENGINE");
	berth_error err = BERTH_ERROR_INIT;
	if (berth_engine_from_name(&engine, e ? e : "docker", &err) < 0)
		return -1;
	snprintf(run_id, sizeof run_id, "%ld%d", (long)time(NULL) % 100000, (int)getpid() % 10000);
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.engine = engine;
	o.host = test_host();
	o.owner = "berth-conformance";
	if (berth_client_open(&client, &o, &err) < 0) {
		snprintf(engine_missing, sizeof engine_missing, "%s", err.message);
		printf("# SKIPPING the %s conformance suite: %s\n", berth_engine_name(engine), err.message);
		client = NULL;
	}
	return 0;
}

int conformance_teardown(void **state)
{
	(void)state;
	int r = reap_run_containers();
	berth_client_free(client);
	return r;
}

const char *conformance_group(const char *suite)
{
	static char group[64];
	const char *e = getenv("BERTH_TEST_ENGINE");
	snprintf(group, sizeof group, "conformance-%s%s%s", suite ? suite : "", suite ? "-" : "", e ? e : "docker");
	return group;
}

void podman_dns_settle(void)
{
	if (engine != BERTH_ENGINE_PODMAN)
		return;
	const char *dir = "/run/containers/networks/aardvark-dns";
	for (int i = 0; i < 50; i++) {
		DIR *d = opendir(dir);
		bool serving = false;
		for (struct dirent *e; d && (e = readdir(d));)
			serving = serving || (e->d_name[0] != '.' && strcmp(e->d_name, "aardvark.pid") != 0);
		if (d)
			closedir(d);
		if (serving || system("pgrep -f '^/usr/lib/podman/aardvark-dns ' >/dev/null 2>&1") != 0)
			return;
		usleep(100 * 1000);
	}
}
