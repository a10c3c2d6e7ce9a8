/* Conformance: readiness (berth_container_wait_ready), written once against
 * the public API and run against each engine (BERTH_TEST_ENGINE).
 *
 * Health: localhost/berth-test/health:latest checks `test -f /tmp/healthy`
 * every second (2 retries) and its command creates the file after ~1 s.
 * Podman without systemd runs no checks by itself: berth must run them, and
 * the same container must turn healthy on both engines.
 *
 * Ports are published on 127.0.0.1 only. */
#include "conformance.h"

#include <pthread.h>
#include <unistd.h>

#define NO_CMD NULL, 0

/* Create and start a container from `image`, its spec finished by shape. */
static char *run_with(const char *image, const char *name, const char *const *argv, size_t argc,
		      void (*shape)(berth_spec *s))
{
	berth_spec *s = spec_of_image(image, name, argv, argc);
	berth_error err = BERTH_ERROR_INIT;
	if (shape)
		shape(s);
	char *id = NULL;
	assert_ok(berth_container_run(&id, client, s, &err), &err);
	berth_spec_free(s);
	return id;
}

/* Spec shapes for run_with(). */
static void set_health(berth_spec *s, const char *shell, int64_t interval_ms, int64_t timeout_ms, int retries,
		       int64_t start_period_ms)
{
	const char *test[] = { "CMD-SHELL", shell };
	berth_healthcheck hc = BERTH_HEALTHCHECK_INIT;
	hc.test = test;
	hc.test_count = 2;
	hc.interval_ms = interval_ms;
	hc.timeout_ms = timeout_ms;
	hc.retries = retries;
	hc.start_period_ms = start_period_ms;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_set_healthcheck(s, &hc, &err), &err);
}
static void health_says_why(berth_spec *s) { set_health(s, "echo db-not-up-$((40+2)); exit 1", 500, 2000, 1, 0); }
static void health_start_period(berth_spec *s) { set_health(s, "test -f /tmp/up", 300, 2000, 1, 4000); }
static void health_slow(berth_spec *s) { set_health(s, "true", 30000, 0, 3, 0); }

static void with_tty(berth_spec *s)
{
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_set_tty(s, 1, &err), &err);
}

/* 8080 (busybox httpd) and 9090 (nothing) on 127.0.0.1, host ports chosen by the engine */
static void publish_8080_9090(berth_spec *s)
{
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_add_port(s, "127.0.0.1", 0, 8080, BERTH_PROTO_TCP, &err), &err);
	assert_ok(berth_spec_add_port(s, "127.0.0.1", 0, 9090, BERTH_PROTO_TCP, &err), &err);
}

typedef struct waited {
	int rc;
	int64_t ms;               /* how long the call took */
	berth_ready_result *res;
	berth_error err;
} waited;

/* Wait for readiness with the given probes (texts as berth_probe_parse takes them). */
static waited wait_ready(const char *id, int timeout_ms, const char *const *probes, size_t n, bool any)
{
	berth_probe *p[8] = { 0 };
	berth_error err = BERTH_ERROR_INIT;
	for (size_t i = 0; i < n; i++)
		assert_ok(berth_probe_parse(&p[i], probes[i], &err), &err);
	berth_ready_options o = BERTH_READY_OPTIONS_INIT;
	o.timeout_ms = timeout_ms;
	o.interval_ms = 200;
	o.probes = (const berth_probe *const *)p;
	o.probe_count = n;
	o.any = any;
	waited w = { .err = BERTH_ERROR_INIT };
	int64_t t0 = now_ms_();
	w.rc = berth_container_wait_ready(&w.res, client, id, &o, &w.err);
	w.ms = now_ms_() - t0;
	for (size_t i = 0; i < n; i++)
		berth_probe_free(p[i]);
	return w;
}

static void assert_ready(waited *w)
{
	assert_ok(w->rc, &w->err);
	assert_non_null(w->res);
	assert_int_equal(berth_ready_result_state(w->res), BERTH_READY_READY);
	assert_string_equal(berth_ready_result_logs(w->res), "");
}

static void done(waited *w, char *id)
{
	berth_ready_result_free(w->res);
	w->res = NULL;
	if (id) {
		force_remove(id);
		berth_free(id);
	}
}

/* ---- health ------------------------------------------------------------------- */

static void test_healthy(void **state)
{
	(void)state;
	need_engine();
	char *id = run_with(HEALTH_IMAGE, name_of("healthy"), NO_CMD, NULL);
	waited w = wait_ready(id, 30000, NULL, 0, false);
	assert_ready(&w);
	assert_int_equal(berth_ready_result_health(w.res), BERTH_HEALTH_HEALTHY);
	assert_int_equal(berth_ready_result_health_exit_code(w.res), 0);
	/* ready as soon as known: the file appears after ~1 s, checks run every 1 s */
	assert_true(w.ms < 8000);
	/* Docker runs the checks, and berth's keeper where the engine runs
	 * none: the wait ran none itself */
	assert_int_equal(berth_ready_result_health_runs(w.res), 0);
	/* the engine agrees */
	berth_container_info *x = inspect(id);
	assert_int_equal(berth_container_info_health(x), BERTH_HEALTH_HEALTHY);
	assert_true(berth_container_info_health_log_count(x) >= 1);
	assert_true(berth_container_info_has_healthcheck(x));
	assert_int_equal(berth_container_info_healthcheck_interval_ms(x), 1000);
	assert_int_equal(berth_container_info_healthcheck_retries(x), 2);
	berth_container_info_free(x);
	/* already healthy: answers at once */
	done(&w, NULL);
	w = wait_ready(id, 30000, NULL, 0, false);
	assert_ready(&w);
	assert_true(w.ms < 1000);
	done(&w, id);
}

/* Where no keeper can be started (berth-health missing), the wait runs
 * the checks itself, on the engines that run none. */
static char *saved_keeper;

static void keeper_off(void)
{
	const char *k = getenv("BERTH_HEALTH_KEEPER");
	saved_keeper = k ? strdup(k) : NULL;
	setenv("BERTH_HEALTH_KEEPER", "/nonexistent/berth-health", 1);
}

static void keeper_on(void)
{
	if (saved_keeper)
		setenv("BERTH_HEALTH_KEEPER", saved_keeper, 1);
	else
		unsetenv("BERTH_HEALTH_KEEPER");
	free(saved_keeper);
	saved_keeper = NULL;
}

struct waiter_arg { const char *id; waited w; };
static void *wait_thread(void *arg)
{
	struct waiter_arg *a = arg;
	a->w = wait_ready(a->id, 30000, NULL, 0, false);
	return NULL;
}

/* Two waits on one container at once (threads sharing the client): both
 * see it healthy. On Podman each sees the other's runs and keeps to the
 * interval instead of doubling the checks. */
static void test_two_waiters(void **state)
{
	(void)state;
	need_engine();
	keeper_off();
	char *id = run_with(HEALTH_IMAGE, name_of("two-waiters"), NO_CMD, NULL);
	struct waiter_arg a = { id, { 0 } }, b = { id, { 0 } };
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, wait_thread, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, wait_thread, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	keeper_on();
	assert_ready(&a.w);
	assert_ready(&b.w);
	assert_true(a.w.ms < 8000 && b.w.ms < 8000);
	int runs = berth_ready_result_health_runs(a.w.res) + berth_ready_result_health_runs(b.w.res);
	if (engine == BERTH_ENGINE_PODMAN || engine == BERTH_ENGINE_CONTAINERD)
		assert_true(runs >= 1 && runs <= 6);
	else
		assert_int_equal(runs, 0);
	done(&a.w, NULL);
	done(&b.w, id);
}

/* Health that lives without a waiter, the same on every engine: the
 * check runs at its interval from the start (Docker by itself, berth's
 * keeper where the engine runs none); the status moves starting ->
 * unhealthy -> healthy -> unhealthy as the check's file comes and goes;
 * inspect shows it and the runs; every change comes as a HEALTH event; and
 * a wait that begins on a stale "unhealthy" whose check now passes ends
 * ready, not at once in failure. */
static void health_file(berth_spec *s) { set_health(s, "test -f /tmp/ok", 1000, 2000, 2, 0); }

static void in_box(const char *id, const char *shell)
{
	const char *argv[] = { "sh", "-c", shell };
	berth_exec_options o = BERTH_EXEC_OPTIONS_INIT;
	o.argv = argv;
	o.argc = 3;
	berth_exec_result *r = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_exec(&r, client, id, &o, &err), &err);
	assert_int_equal(berth_exec_result_exit_code(r), 0);
	berth_exec_result_free(r);
}

/* Poll inspect (no wait, no check run by the test) until the status is h. */
static void await_health(const char *id, berth_health h, int timeout_ms)
{
	int64_t end = now_ms_() + timeout_ms;
	berth_health now = BERTH_HEALTH_NONE;
	while (now_ms_() < end) {
		berth_container_info *x = inspect(id);
		now = berth_container_info_health(x);
		berth_container_info_free(x);
		if (now == h)
			return;
		usleep(100 * 1000);
	}
	fail_msg("health stayed %s, never %s within %d ms", berth_health_name(now), berth_health_name(h), timeout_ms);
}

static void test_health_without_waiter(void **state)
{
	(void)state;
	need_engine();
	const char *name = name_of("lives");
	const char *containers[] = { name };
	berth_events_options eo = BERTH_EVENTS_OPTIONS_INIT;
	eo.containers = containers;
	eo.container_count = 1;
	berth_stream *events = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_events_watch(&events, client, &eo, &err), &err);
	const char *argv[] = { "sleep", "300" };
	char *id = run_with(IMAGE, name, argv, 2, health_file);

	await_health(id, BERTH_HEALTH_UNHEALTHY, 20000);    /* two failed runs */
	in_box(id, "touch /tmp/ok");
	await_health(id, BERTH_HEALTH_HEALTHY, 15000);
	berth_container_info *x = inspect(id);
	size_t n = berth_container_info_health_log_count(x);
	assert_true(n >= 3);
	assert_int_equal(berth_container_info_health_log_exit_code(x, n - 1), 0);
	assert_int_equal(berth_container_info_health_failing_streak(x), 0);
	berth_container_info_free(x);
	/* ps says it too, as Docker does */
	berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
	lo.name = name;
	berth_container_list *l = NULL;
	assert_ok(berth_container_list_get(&l, client, &lo, &err), &err);
	assert_int_equal(berth_container_list_count(l), 1);
	assert_int_equal(berth_container_list_health(l, 0), BERTH_HEALTH_HEALTHY);
	const char *status = berth_container_list_status(l, 0);
	assert_non_null(strstr(status, "Up"));
	assert_string_equal(status + strlen(status) - strlen(" (healthy)"), " (healthy)");
	berth_container_list_free(l);

	in_box(id, "rm /tmp/ok");
	await_health(id, BERTH_HEALTH_UNHEALTHY, 15000);
	/* the check passes again; the status still says unhealthy */
	in_box(id, "touch /tmp/ok");
	waited w = wait_ready(id, 20000, NULL, 0, false);
	assert_ready(&w);
	assert_int_equal(berth_ready_result_health(w.res), BERTH_HEALTH_HEALTHY);
	done(&w, NULL);

	/* the changes as events, in order (Podman reports every run: berth
	 * hands out the changes) */
	const berth_health want[] = { BERTH_HEALTH_UNHEALTHY, BERTH_HEALTH_HEALTHY, BERTH_HEALTH_UNHEALTHY,
				      BERTH_HEALTH_HEALTHY };
	size_t got = 0;
	int64_t end = now_ms_() + 15000;
	while (got < (sizeof want / sizeof *want) && now_ms_() < end) {
		berth_frame f;
		int r = berth_stream_next(events, &f, (int)(end - now_ms_()), &err);
		if (r == BERTH_ETIMEDOUT)
			break;
		assert_ok(r, &err);
		const berth_event *ev = f.item;
		if (f.channel == BERTH_CHANNEL_SYSTEM || berth_event_get_kind(ev) != BERTH_EVENT_HEALTH)
			continue;
		if (berth_event_health(ev) == want[got])
			got++;
	}
	if (got < (sizeof want / sizeof *want))
		fail_msg("only %zu of the 4 health changes came as events", got);
	berth_stream_free(events);
	force_remove(id);
	berth_free(id);
}

/* The image's check never passes (the command never creates the file):
 * unhealthy after 2 failed runs, long before the timeout. */
static void test_unhealthy_fails_fast(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sh", "-c", "echo waiting for nothing; sleep 300" };
	char *id = run_with(HEALTH_IMAGE, name_of("unhealthy"), argv, 3, NULL);
	waited w = wait_ready(id, 30000, NULL, 0, false);
	assert_code(w.rc, BERTH_ECONFLICT, &w.err);
	assert_message_has(&w.err, "unhealthy");
	assert_true(w.ms < 15000); /* less than half the timeout */
	assert_int_equal(berth_ready_result_state(w.res), BERTH_READY_UNHEALTHY);
	assert_int_equal(berth_ready_result_health(w.res), BERTH_HEALTH_UNHEALTHY);
	assert_int_equal(berth_ready_result_health_exit_code(w.res), 1);
	assert_non_null(strstr(berth_ready_result_logs(w.res), "waiting for nothing"));
	done(&w, id);
}

/* A check that says why it fails: its output comes back with the verdict. */
static void test_unhealthy_carries_output(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sleep", "300" };
	char *id = run_with(IMAGE, name_of("unhealthy-out"), argv, 2, health_says_why);
	waited w = wait_ready(id, 30000, NULL, 0, false);
	assert_code(w.rc, BERTH_ECONFLICT, &w.err);
	assert_message_has(&w.err, "db-not-up-42");
	assert_true(w.ms < 15000);
	assert_int_equal(berth_ready_result_state(w.res), BERTH_READY_UNHEALTHY);
	assert_non_null(strstr(berth_ready_result_health_output(w.res), "db-not-up-42"));
	done(&w, id);
}

/* A start period: failures inside it do not count, on either engine. */
static void test_start_period(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sh", "-c", "sleep 2; touch /tmp/up; sleep 300" };
	char *id = run_with(IMAGE, name_of("start-period"), argv, 3, health_start_period);
	waited w = wait_ready(id, 30000, NULL, 0, false);
	assert_ready(&w);
	assert_true(w.ms >= 1500 && w.ms < 10000);
	done(&w, id);
}

/* ---- exit, timeout, created ------------------------------------------------------ */

static void test_exit_before_ready(void **state)
{
	(void)state;
	need_engine();
	/* with a health check (it would turn healthy after 1 s) */
	const char *argv[] = { "sh", "-c", "echo giving up >&2; exit 3" };
	char *id = run_with(HEALTH_IMAGE, name_of("exit-health"), argv, 3, NULL);
	waited w = wait_ready(id, 30000, NULL, 0, false);
	assert_code(w.rc, BERTH_ECONFLICT, &w.err);
	assert_message_has(&w.err, "exited with code 3");
	assert_true(w.ms < 5000);
	assert_int_equal(berth_ready_result_state(w.res), BERTH_READY_EXITED);
	assert_int_equal(berth_ready_result_exit_code(w.res), 3);
	assert_non_null(strstr(berth_ready_result_logs(w.res), "giving up"));
	done(&w, id);
	/* with a probe, exiting while it is waited for */
	const char *later[] = { "sh", "-c", "sleep 1; exit 4" };
	id = run_with(IMAGE, name_of("exit-probe"), later, 3, NULL);
	const char *probes[] = { "log:never printed" };
	w = wait_ready(id, 30000, probes, 1, false);
	assert_code(w.rc, BERTH_ECONFLICT, &w.err);
	assert_true(w.ms >= 500 && w.ms < 6000);
	assert_int_equal(berth_ready_result_state(w.res), BERTH_READY_EXITED);
	assert_int_equal(berth_ready_result_exit_code(w.res), 4);
	assert_false(berth_ready_result_probe_passed(w.res, 0));
	done(&w, id);
}

static void test_timeout(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sleep", "300" };
	char *id = run(name_of("timeout"), argv, 2);
	const char *probes[] = { "log:never printed" };
	waited w = wait_ready(id, 1500, probes, 1, false);
	assert_code(w.rc, BERTH_ETIMEDOUT, &w.err);
	assert_message_has(&w.err, "not ready after");
	assert_message_has(&w.err, "log:never printed");
	assert_true(w.ms >= 1500 && w.ms < 4500);
	assert_int_equal(berth_ready_result_state(w.res), BERTH_READY_TIMED_OUT);
	assert_false(berth_ready_result_probe_passed(w.res, 0));
	done(&w, id);
	/* a health check that cannot decide in time (30 s interval): starting is never ready */
	id = run_with(IMAGE, name_of("timeout-health"), argv, 2, health_slow);
	w = wait_ready(id, 1500, NULL, 0, false);
	assert_code(w.rc, BERTH_ETIMEDOUT, &w.err);
	assert_message_has(&w.err, "health starting");
	assert_int_equal(berth_ready_result_health(w.res), BERTH_HEALTH_STARTING);
	assert_int_equal(berth_ready_result_health_runs(w.res), 0);
	done(&w, id);
}

struct starter { const char *id; int delay_ms; int rc; };
static void *start_later(void *arg)
{
	struct starter *s = arg;
	usleep((useconds_t)s->delay_ms * 1000);
	berth_error err = BERTH_ERROR_INIT;
	s->rc = berth_container_start(client, s->id, &err);
	return NULL;
}

/* created -> starting -> ready: a container that is not started yet is waited for. */
static void test_created_then_started(void **state)
{
	(void)state;
	need_engine();
	berth_spec *s = spec_of_image(HEALTH_IMAGE, name_of("created"), NO_CMD);
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_create(&id, client, s, &err), &err);
	berth_spec_free(s);
	/* not started and never will be: still "created" at the deadline */
	waited w = wait_ready(id, 800, NULL, 0, false);
	assert_code(w.rc, BERTH_ETIMEDOUT, &w.err);
	assert_message_has(&w.err, "not started");
	assert_int_equal(berth_ready_result_state(w.res), BERTH_READY_TIMED_OUT);
	done(&w, NULL);
	struct starter st = { id, 500, -1 };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, start_later, &st), 0);
	w = wait_ready(id, 30000, NULL, 0, false);
	pthread_join(t, NULL);
	assert_int_equal(st.rc, 0);
	assert_ready(&w);
	assert_int_equal(berth_ready_result_health(w.res), BERTH_HEALTH_HEALTHY);
	done(&w, id);
}

/* ---- probes ------------------------------------------------------------------------ */

/* busybox httpd on 8080 after ~1 s; 9090 published with nothing behind it. */
static char *run_web(const char *name)
{
	const char *argv[] = { "sh", "-c",
			       "sleep 1; mkdir -p /www; echo hello > /www/index.html; echo httpd up; "
			       "exec httpd -f -p 8080 -h /www" };
	return run_with(IMAGE, name, argv, 3, publish_8080_9090);
}

static void test_probe_tcp_http(void **state)
{
	(void)state;
	need_engine();
	char *id = run_web(name_of("web"));
	/* positive: both pass once httpd listens (not before: ~1 s) */
	const char *good[] = { "tcp:8080", "http:8080/" };
	waited w = wait_ready(id, 20000, good, 2, false);
	assert_ready(&w);
	assert_true(w.ms >= 500);
	assert_true(berth_ready_result_probe_passed(w.res, 0));
	assert_true(berth_ready_result_probe_passed(w.res, 1));
	assert_string_equal(berth_ready_result_probe_message(w.res, 1), "ok");
	done(&w, NULL);
	/* the inspect record says where */
	berth_container_info *x = inspect(id);
	const char *ip = NULL;
	assert_true(berth_container_info_host_port(x, 8080, "tcp", &ip) > 0);
	assert_string_equal(ip, "127.0.0.1");
	assert_int_equal(berth_container_info_port_count(x), 2);
	berth_container_info_free(x);
	/* negative: nothing listens on 9090 (Docker's proxy accepts and hangs up) */
	const char *closed[] = { "tcp:9090" };
	w = wait_ready(id, 1500, closed, 1, false);
	assert_code(w.rc, BERTH_ETIMEDOUT, &w.err);
	assert_false(berth_ready_result_probe_passed(w.res, 0));
	done(&w, NULL);
	/* negative: 404 is not ready; unless 404 is what was asked for */
	const char *missing[] = { "http:8080/missing" };
	w = wait_ready(id, 1500, missing, 1, false);
	assert_code(w.rc, BERTH_ETIMEDOUT, &w.err);
	assert_message_has(&w.err, "404");
	done(&w, NULL);
	const char *want404[] = { "http:8080/missing#404" };
	w = wait_ready(id, 5000, want404, 1, false);
	assert_ready(&w);
	done(&w, NULL);
	/* a port that is not published is a mistake, said at once */
	const char *unpublished[] = { "tcp:7777" };
	w = wait_ready(id, 20000, unpublished, 1, false);
	assert_code(w.rc, BERTH_EINVAL, &w.err);
	assert_message_has(&w.err, "not published");
	assert_null(w.res);
	assert_true(w.ms < 2000);
	done(&w, id);
}

static void test_probe_all_any(void **state)
{
	(void)state;
	need_engine();
	char *id = run_web(name_of("web-any"));
	const char *probes[] = { "tcp:9090", "tcp:8080" };
	/* any: 8080 is enough */
	waited w = wait_ready(id, 20000, probes, 2, true);
	assert_ready(&w);
	assert_true(berth_ready_result_probe_passed(w.res, 1));
	done(&w, NULL);
	/* all: 9090 never opens (8080 is open by now, however slow the
	 * machine: the wait above saw it) */
	w = wait_ready(id, 3000, probes, 2, false);
	assert_code(w.rc, BERTH_ETIMEDOUT, &w.err);
	assert_false(berth_ready_result_probe_passed(w.res, 0));
	assert_true(berth_ready_result_probe_passed(w.res, 1));
	assert_message_has(&w.err, "tcp:9090");
	done(&w, id);
}

/* A probe that passes once the container gets there (~1 s, not before), and
 * one that never does: a timeout whose message says why (and, when given,
 * the container's last output holds logs_needle). */
static void probe_pass_and_fail(const char *id, const char *good, const char *bad, const char *why,
				const char *logs_needle)
{
	waited w = wait_ready(id, 20000, &good, 1, false);
	assert_ready(&w);
	assert_true(w.ms >= 500);
	done(&w, NULL);
	w = wait_ready(id, 1500, &bad, 1, false);
	assert_code(w.rc, BERTH_ETIMEDOUT, &w.err);
	assert_message_has(&w.err, why);
	if (logs_needle)
		assert_non_null(strstr(berth_ready_result_logs(w.res), logs_needle));
	done(&w, NULL);
}

static void test_probe_log(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sh", "-c", "echo booting; sleep 1; echo 'listening on port 8080' >&2; sleep 300" };
	char *id = run(name_of("log"), argv, 3);
	probe_pass_and_fail(id, "log:^listening on port [0-9]+$", "log:^ready$", "no line matches",
			    "listening on port 8080");
	force_remove(id);
	berth_free(id);
	/* a TTY container's logs are not framed */
	const char *targv[] = { "sh", "-c", "echo tty says hi; sleep 300" };
	id = run_with(IMAGE, name_of("log-tty"), targv, 3, with_tty);
	const char *hi[] = { "log:tty says hi$" };
	waited w = wait_ready(id, 20000, hi, 1, false);
	assert_ready(&w);
	done(&w, id);
}

static void test_probe_exec(void **state)
{
	(void)state;
	need_engine();
	const char *argv[] = { "sh", "-c", "sleep 1; touch /tmp/ready; sleep 300" };
	char *id = run(name_of("exec"), argv, 3);
	probe_pass_and_fail(id, "exec:test -f /tmp/ready", "exec:echo not yet; exit 5", "exited 5: not yet", NULL);
	waited w = { .err = BERTH_ERROR_INIT };
	/* argv form, a command that does not exist: the engine's own code (126/127) */
	berth_probe *p = NULL;
	berth_error err = BERTH_ERROR_INIT;
	const char *nosuch[] = { "/no/such/binary" };
	assert_ok(berth_probe_exec(&p, nosuch, 1, &err), &err);
	berth_ready_options o = BERTH_READY_OPTIONS_INIT;
	o.timeout_ms = 1000;
	o.probes = (const berth_probe *const *)&p;
	o.probe_count = 1;
	assert_code(berth_container_wait_ready(&w.res, client, id, &o, &err), BERTH_ETIMEDOUT, &err);
	assert_true(strstr(berth_ready_result_probe_message(w.res, 0), "exited 126") ||
		    strstr(berth_ready_result_probe_message(w.res, 0), "exited 127"));
	berth_probe_free(p);
	done(&w, id);
}

/* ---- bad input: refused before any request ------------------------------------------ */

static void test_bad_input(void **state)
{
	(void)state;
	need_engine();
	berth_ready_result *res = NULL;
	berth_error err = BERTH_ERROR_INIT;
	berth_ready_options o = BERTH_READY_OPTIONS_INIT;
	assert_code(berth_container_wait_ready(&res, client, "bad/id", NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_wait_ready(&res, client, "", NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_wait_ready(&res, NULL, "x1", NULL, &err), BERTH_EINVAL, &err);
	o.timeout_ms = -1;
	assert_code(berth_container_wait_ready(&res, client, "x1", &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "timeout_ms");
	o.timeout_ms = 0;
	o.probe_count = 1;
	assert_code(berth_container_wait_ready(&res, client, "x1", &o, &err), BERTH_EINVAL, &err);
	const berth_probe *none[] = { NULL };
	o.probes = none;
	assert_code(berth_container_wait_ready(&res, client, "x1", &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "probes[0]");
	o = (berth_ready_options)BERTH_READY_OPTIONS_INIT;
	o.version = 99;
	assert_code(berth_container_wait_ready(&res, client, "x1", &o, &err), BERTH_EINVAL, &err);
	assert_null(res);
	/* a container that does not exist */
	assert_code(berth_container_wait_ready(&res, client, name_of("never-made"), NULL, &err), BERTH_ENOTFOUND, &err);
	assert_null(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy),
		cmocka_unit_test(test_two_waiters),
		cmocka_unit_test(test_health_without_waiter),
		cmocka_unit_test(test_unhealthy_fails_fast),
		cmocka_unit_test(test_unhealthy_carries_output),
		cmocka_unit_test(test_start_period),
		cmocka_unit_test(test_exit_before_ready),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_created_then_started),
		cmocka_unit_test(test_probe_tcp_http),
		cmocka_unit_test(test_probe_all_any),
		cmocka_unit_test(test_probe_log),
		cmocka_unit_test(test_probe_exec),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests_name(conformance_group("ready"), tests, conformance_setup, conformance_teardown);
}
