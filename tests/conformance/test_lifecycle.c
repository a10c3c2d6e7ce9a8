/* Conformance: the lifecycle slice, written once against the public API and
 * run against each engine (BERTH_TEST_ENGINE=docker|podman).
 *
 * The tests are guests on the engine: every container they make is named
 * berth-t-<run>-... and labelled io.berth.test.run=<run>, and only those are
 * removed. A missing engine skips the suite loudly; under CI it fails. */
#include "conformance.h"

#include <pthread.h>
#include <unistd.h>
#include <signal.h>

static const char *SLEEP[] = { "sleep", "300" };

/* ---- tests --------------------------------------------------------------- */

static void test_engine_identity(void **state)
{
	(void)state;
	need_engine_up();
	berth_error err = BERTH_ERROR_INIT;
	assert_int_equal(berth_client_engine(client), engine);
	assert_ok(berth_ping(client, &err), &err);
	assert_string_equal(berth_client_api_version(client), expected_api_version());
	berth_version *v = NULL;
	assert_ok(berth_version_get(&v, client, &err), &err);
	assert_int_equal(berth_version_engine(v), engine);
	assert_true(strlen(berth_version_server(v)) > 0);
	assert_string_equal(berth_version_os(v), "linux");
	berth_version_free(v);
	berth_info *i = NULL;
	assert_ok(berth_info_get(&i, client, &err), &err);
	assert_true(berth_info_ncpu(i) >= 1);
	assert_true(berth_info_images(i) >= 1); /* the test image at least */
	berth_info_free(i);
}

/* Inspect never fails on a container that is exiting: a supervisor may
 * look at any moment (Podman 4.3 answers some of these 500 "no such
 * process"; berth asks again). Several containers exit while each is
 * inspected in a tight loop until it has exited. */
static void test_inspect_while_exiting(void **state)
{
	(void)state;
	need_engine();
	enum { N = 4 };
	char names[N][96];
	berth_error err = BERTH_ERROR_INIT;
	for (int i = 0; i < N; i++) {
		char what[32], delay[32];
		snprintf(what, sizeof what, "exiting-%d", i);
		snprintf(names[i], sizeof names[i], "%s", name_of(what));
		snprintf(delay, sizeof delay, "sleep 0.%d", 3 + i);
		const char *cmd[] = { "sh", "-c", delay };
		berth_spec *s = spec_of(names[i], cmd, 3);
		char *id = NULL;
		assert_ok(berth_container_run(&id, client, s, &err), &err);
		berth_spec_free(s);
		free(id);
	}
	int64_t deadline = now_ms_() + 20000;
	int running = N, inspects = 0;
	bool done[N] = { false };
	while (running > 0 && now_ms_() < deadline) {
		for (int i = 0; i < N; i++) {
			if (done[i])
				continue;
			berth_container_info *x = NULL;
			assert_ok(berth_container_inspect(&x, client, names[i], &err), &err);
			inspects++;
			if (berth_container_info_state(x) == BERTH_STATE_EXITED) {
				assert_int_equal(berth_container_info_exit_code(x), 0);
				done[i] = true;
				running--;
			}
			berth_container_info_free(x);
		}
	}
	assert_int_equal(running, 0);
	assert_true(inspects > N);
	berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
	ro.force = 1;
	for (int i = 0; i < N; i++)
		assert_ok(berth_container_remove(client, names[i], &ro, &err), &err);
}

static void test_run_and_inspect(void **state)
{
	(void)state;
	need_engine();
	const char *name = name_of("run");
	berth_spec *s = spec_of(name, SLEEP, 2);
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_add_env(s, "BERTH_FOO", "bar baz", &err), &err);
	assert_ok(berth_spec_add_label(s, "app", "conformance", &err), &err);
	char *id = NULL;
	assert_ok(berth_container_run(&id, client, s, &err), &err);
	berth_spec_free(s);
	assert_int_equal(strlen(id), 64);

	berth_container_info *x = inspect(name);
	assert_string_equal(berth_container_info_id(x), id);
	assert_string_equal(berth_container_info_name(x), name);
	assert_string_equal(berth_container_info_image(x), IMAGE);
	assert_true(strncmp(berth_container_info_image_id(x), "sha256:", 7) == 0);
	assert_int_equal(berth_container_info_state(x), BERTH_STATE_RUNNING);
	assert_true(berth_container_info_running(x));
	assert_true(berth_container_info_pid(x) > 0);
	assert_true(strlen(berth_container_info_started_at(x)) > 0);
	assert_string_equal(berth_container_info_finished_at(x), "");
	assert_int_equal(berth_container_info_cmd_count(x), 2);
	assert_string_equal(berth_container_info_cmd(x, 0), "sleep");
	assert_string_equal(berth_container_info_label(x, "app"), "conformance");
	assert_string_equal(berth_container_info_label(x, BERTH_LABEL_MANAGED), "true");
	assert_string_equal(berth_container_info_label(x, BERTH_LABEL_OWNER), "berth-conformance");
	bool env_seen = false;
	for (size_t i = 0; i < berth_container_info_env_count(x); i++)
		env_seen |= strcmp(berth_container_info_env(x, i), "BERTH_FOO=bar baz") == 0;
	assert_true(env_seen);
	assert_true(strlen(berth_container_info_raw_json(x)) > 100);

	/* The effect inside: the process really has the variable. The start
	 * may return before runc's init has exec'd the command (its own
	 * environment until then): look again for a while. */
	char path[64];
	snprintf(path, sizeof path, "/proc/%lld/environ", (long long)berth_container_info_pid(x));
	bool found = false;
	for (int attempt = 0; attempt < 40 && !found; attempt++) {
		if (attempt)
			usleep(50 * 1000);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		char envbuf[8192];
		size_t n = fread(envbuf, 1, sizeof envbuf - 1, f);
		fclose(f);
		envbuf[n] = '\0';
		for (size_t off = 0; off < n; off += strlen(envbuf + off) + 1)
			found |= strcmp(envbuf + off, "BERTH_FOO=bar baz") == 0;
	}
	assert_true(found);

	/* The process's cgroup and mounts name this container: the mechanism
	 * behind inspect-self, checked on the real engine. */
	char *seen = NULL;
	assert_ok(berth_container_id_of_pid(&seen, (int)berth_container_info_pid(x), &err), &err);
	assert_string_equal(seen, id);
	berth_free(seen);
	berth_container_info_free(x);

	/* by id and by a short id prefix */
	char prefix[13];
	snprintf(prefix, sizeof prefix, "%s", id);
	x = inspect(prefix);
	assert_string_equal(berth_container_info_id(x), id);
	berth_container_info_free(x);
	force_remove(id);
	berth_free(id);
}

static void test_exit_code(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sh", "-c", "exit 3" };
	char *id = run(name_of("exit3"), argv, 3);
	berth_container_info *x = wait_exited(id, 20000);
	assert_int_equal(berth_container_info_state(x), BERTH_STATE_EXITED);
	assert_int_equal(berth_container_info_exit_code(x), 3);
	assert_false(berth_container_info_running(x));
	assert_int_equal(berth_container_info_pid(x), 0);
	assert_true(strlen(berth_container_info_finished_at(x)) > 0);
	berth_container_info_free(x);

	/* an exited container starts again */
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_start(client, id, &err), &err);
	x = wait_exited(id, 20000);
	assert_int_equal(berth_container_info_exit_code(x), 3);
	berth_container_info_free(x);
	force_remove(id);
	berth_free(id);
}

/* The process traps SIGTERM and exits 7: stop delivers the signal and does
 * not wait for the grace period. */
static void test_stop_delivers_sigterm(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sh", "-c", "trap 'exit 7' TERM; while :; do sleep 0.1; done" };
	char *id = run(name_of("trap"), argv, 3);
	usleep(300 * 1000); /* let the shell install its trap */
	berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
	so.grace_seconds = 30;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_stop(client, id, &so, &err), &err);
	berth_container_info *x = inspect(id);
	assert_int_equal(berth_container_info_state(x), BERTH_STATE_EXITED);
	assert_int_equal(berth_container_info_exit_code(x), 7);
	berth_container_info_free(x);
	/* stopping a stopped container is not an error */
	assert_ok(berth_container_stop(client, id, &so, &err), &err);
	force_remove(id);
	berth_free(id);
}

/* `sleep` as PID 1 ignores SIGTERM: SIGKILL comes once the grace is over,
 * and the client's own deadline (1 s here) must outlast a 3 s grace. */
static void test_stop_grace_then_kill(void **state)
{
	(void)state;
	need_engine();
	char *id = run(name_of("grace"), SLEEP, 2);
	berth_client *impatient = client_with_timeout(1000);
	berth_error err = BERTH_ERROR_INIT;
	berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
	so.grace_seconds = 3;
	int64_t t0 = now_ms_();
	assert_ok(berth_container_stop(impatient, id, &so, &err), &err);
	int64_t took = now_ms_() - t0;
	berth_client_free(impatient);
	/* the engine waited for the grace period before killing */
	assert_true(took >= 2500);
	berth_container_info *x = inspect(id);
	assert_int_equal(berth_container_info_state(x), BERTH_STATE_EXITED);
	assert_int_equal(berth_container_info_exit_code(x), 137);
	berth_container_info_free(x);
	force_remove(id);
	berth_free(id);
}

static void test_remove_semantics(void **state)
{
	(void)state;
	need_engine();
	char *id = run(name_of("rm"), SLEEP, 2);
	berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
	berth_error err = BERTH_ERROR_INIT;
	/* a running container is not removed without force */
	assert_code(berth_container_remove(client, id, &ro, &err), BERTH_ECONFLICT, &err);
	berth_container_info *x = inspect(id);
	assert_true(berth_container_info_running(x));
	berth_container_info_free(x);
	ro.force = 1;
	assert_ok(berth_container_remove(client, id, &ro, &err), &err);
	/* idempotent with force; not found without */
	assert_ok(berth_container_remove(client, id, &ro, &err), &err);
	ro.force = 0;
	assert_code(berth_container_remove(client, id, &ro, &err), BERTH_ENOTFOUND, &err);
	assert_code(berth_container_inspect(&x, client, id, &err), BERTH_ENOTFOUND, &err);
	assert_code(berth_container_stop(client, id, NULL, &err), BERTH_ENOTFOUND, &err);
	assert_code(berth_container_start(client, id, &err), BERTH_ENOTFOUND, &err);
	berth_free(id);
}

static void test_create_errors(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	const char *name = name_of("dup");
	char *id = run(name, SLEEP, 2);
	/* the name is taken */
	berth_spec *s = spec_of(name, SLEEP, 2);
	char *id2 = NULL;
	assert_code(berth_container_create(&id2, client, s, &err), BERTH_EEXISTS, &err);
	assert_message_has(&err, name);
	assert_null(id2);
	berth_spec_free(s);
	/* an image that is not there */
	assert_ok(berth_spec_new(&s, "localhost/berth-test/no-such-image:never", &err), &err);
	assert_ok(berth_spec_add_label(s, RUN_LABEL, run_id, &err), &err);
	assert_code(berth_container_create(&id2, client, s, &err), BERTH_ENOTFOUND, &err);
	assert_message_has(&err, "no-such-image");
	berth_spec_free(s);
	/* a bad id never reaches the engine */
	berth_container_info *x = NULL;
	assert_code(berth_container_inspect(&x, client, "bad/id", &err), BERTH_EINVAL, &err);
	assert_code(berth_container_inspect(&x, client, "", &err), BERTH_EINVAL, &err);
	berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
	so.grace_seconds = -7;
	assert_code(berth_container_stop(client, id, &so, &err), BERTH_EINVAL, &err);
	force_remove(id);
	berth_free(id);
}

/* A command that does not exist: run fails with the engine's reason and
 * leaves no container behind. */
static void test_run_bad_command_leaves_nothing(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "/no/such/binary" };
	const char *name = name_of("badcmd");
	berth_spec *s = spec_of(name, argv, 1);
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = berth_container_run(&id, client, s, &err);
	berth_spec_free(s);
	assert_true(r < 0);
	assert_null(id);
	assert_true(strstr(err.message, "no such file") || strstr(err.message, "not found"));
	berth_container_info *x = NULL;
	assert_code(berth_container_inspect(&x, client, name, &err), BERTH_ENOTFOUND, &err);
}

static void test_list_filters(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "true" };
	char *a = run(name_of("list-a"), SLEEP, 2);
	char *b = run(name_of("list-b"), argv, 1);
	berth_container_info *x = wait_exited(b, 20000);
	berth_container_info_free(x);
	char filter[64];
	snprintf(filter, sizeof filter, "%s=%s", RUN_LABEL, run_id);
	const char *labels[] = { filter };
	berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
	lo.labels = labels;
	lo.label_count = 1;
	berth_container_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	/* running only */
	assert_ok(berth_container_list_get(&l, client, &lo, &err), &err);
	assert_int_equal(berth_container_list_count(l), 1);
	assert_string_equal(berth_container_list_id(l, 0), a);
	assert_string_equal(berth_container_list_name(l, 0), name_of("list-a"));
	assert_string_equal(berth_container_list_image(l, 0), IMAGE);
	assert_int_equal(berth_container_list_state(l, 0), BERTH_STATE_RUNNING);
	assert_string_equal(berth_container_list_label(l, 0, RUN_LABEL), run_id);
	assert_true(berth_container_list_created(l, 0) > 1700000000);
	assert_true(strlen(berth_container_list_status(l, 0)) > 0);
	berth_container_list_free(l);
	/* all */
	lo.all = 1;
	assert_ok(berth_container_list_get(&l, client, &lo, &err), &err);
	assert_int_equal(berth_container_list_count(l), 2);
	berth_container_list_free(l);
	/* by name */
	lo.name = name_of("list-b");
	assert_ok(berth_container_list_get(&l, client, &lo, &err), &err);
	assert_int_equal(berth_container_list_count(l), 1);
	assert_string_equal(berth_container_list_id(l, 0), b);
	assert_int_equal(berth_container_list_state(l, 0), BERTH_STATE_EXITED);
	berth_container_list_free(l);
	/* a label nobody has */
	const char *none[] = { "io.berth.test.none=1" };
	lo.name = NULL;
	lo.labels = none;
	assert_ok(berth_container_list_get(&l, client, &lo, &err), &err);
	assert_int_equal(berth_container_list_count(l), 0);
	berth_container_list_free(l);
	force_remove(a);
	force_remove(b);
	berth_free(a);
	berth_free(b);
}

/* Clients may be shared by threads: the connection pool is locked. */
struct worker { int ok; };
static void *inspect_many(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < 50; i++) {
		berth_error err = BERTH_ERROR_INIT;
		if (berth_ping(client, &err) == 0)
			w->ok++;
	}
	return NULL;
}

static void test_shared_client_threads(void **state)
{
	(void)state;
	need_engine();
	pthread_t t[4];
	struct worker w[4] = { 0 };
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, inspect_many, &w[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].ok, 50);
	}
}

/* Discovery finds this engine and says so. */
static void test_detect_finds_engine(void **state)
{
	(void)state;
	need_engine_up();
	berth_detect_options o = BERTH_DETECT_OPTIONS_INIT;
	o.engine = engine;
	berth_detection *d = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_detect(&d, &o, &err), &err);
	int chosen = berth_detection_chosen(d);
	assert_true(chosen >= 0);
	assert_int_equal(berth_detection_engine(d, (size_t)chosen), engine);
	assert_int_equal(berth_detection_verdict(d, (size_t)chosen), BERTH_VERDICT_OK);
	assert_string_equal(berth_detection_api_version(d, (size_t)chosen), expected_api_version());
	berth_detection_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_identity),
		cmocka_unit_test(test_run_and_inspect),
		cmocka_unit_test(test_exit_code),
		cmocka_unit_test(test_stop_delivers_sigterm),
		cmocka_unit_test(test_stop_grace_then_kill),
		cmocka_unit_test(test_remove_semantics),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_inspect_while_exiting),
		cmocka_unit_test(test_run_bad_command_leaves_nothing),
		cmocka_unit_test(test_list_filters),
		cmocka_unit_test(test_shared_client_threads),
		cmocka_unit_test(test_detect_finds_engine),
	};
	return cmocka_run_group_tests_name(conformance_group(NULL), tests, conformance_setup, conformance_teardown);
}
