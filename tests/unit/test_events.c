/* The event line parser (src/lib/engines/engineapi/eapi_events_parse.c) on
 * real lines captured from Docker 20.10.24 and Podman 4.3.1
 * (tests/unit/fixtures/events), hand-made odd lines, and the since/until
 * time forms and option checks of src/lib/events.c. */
#include "../common/test.h"

#include "../common/fake_server.h"
#include "../common/fixture.h"
#include "lib/engines/engineapi/eapi_events_parse.h"

#include <time.h>

/* Every line of a fixture, parsed with a dialect; counts per kind. */
typedef struct tally {
	size_t lines, kinds[16];
	int died_codes[8];
	size_t ndied;
	berth_health health[16];
	size_t nhealth;
	int kill_signals[8];
	size_t nkill;
} tally;

static void parse_fixture(tally *t, const char *rel, const events_dialect *d)
{
	memset(t, 0, sizeof *t);
	size_t len;
	char *body = test_fixture(rel, &len);
	char *p = body;
	while (p < body + len) {
		char *nl = memchr(p, '\n', (size_t)(body + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(body + len - p);
		if (n) {
			berth_event *ev = NULL;
			berth_error err = BERTH_ERROR_INIT;
			assert_ok(engineapi_parse_event(&ev, p, n, d, &err), &err);
			t->lines++;
			t->kinds[berth_event_get_kind(ev)]++;
			assert_true(berth_event_time_ns(ev) > 1700000000LL * 1000000000LL);
			assert_int_equal(strlen(berth_event_id(ev)), 64);
			assert_string_equal(berth_event_type(ev), "container");
			assert_true(berth_event_name(ev)[0] != '\0');
			assert_true(strncmp(berth_event_image(ev), "localhost/berth-test/", 21) == 0);
			assert_non_null(berth_event_attribute(ev, "io.berth.test.run") ?: berth_event_attribute(ev, "name"));
			if (berth_event_get_kind(ev) == BERTH_EVENT_DIED && t->ndied < 8)
				t->died_codes[t->ndied++] = berth_event_exit_code(ev);
			else
				assert_int_equal(berth_event_exit_code(ev), -1);
			if (berth_event_get_kind(ev) == BERTH_EVENT_HEALTH && t->nhealth < 16)
				t->health[t->nhealth++] = berth_event_health(ev);
			if (STREQ(berth_event_action(ev), "kill") && t->nkill < 8)
				t->kill_signals[t->nkill++] = berth_event_signal(ev);
			event_free(ev);
		}
		p += n + 1;
	}
	free(body);
}

static void test_docker_lines(void **state)
{
	(void)state;
	tally t;
	parse_fixture(&t, "events/docker.jsonl", &eapi_docker_events_dialect);
	assert_int_equal(t.lines, 50);
	assert_int_equal(t.kinds[BERTH_EVENT_CREATED], 3);
	assert_int_equal(t.kinds[BERTH_EVENT_STARTED], 3);
	assert_int_equal(t.kinds[BERTH_EVENT_DIED], 3);
	assert_int_equal(t.kinds[BERTH_EVENT_DESTROYED], 3);
	assert_int_equal(t.kinds[BERTH_EVENT_PAUSED], 1);
	assert_int_equal(t.kinds[BERTH_EVENT_UNPAUSED], 1);
	assert_int_equal(t.kinds[BERTH_EVENT_OOM], 1);
	assert_int_equal(t.kinds[BERTH_EVENT_HEALTH], 1);
	assert_int_equal(t.health[0], BERTH_HEALTH_HEALTHY);
	assert_int_equal(t.died_codes[0], 3);     /* sh -c 'exit 3' */
	assert_int_equal(t.died_codes[1], 137);   /* stop -t 1 of a sleep */
	/* kill -s USR1, then stop's TERM and KILL, then rm -f's KILL */
	assert_int_equal(t.nkill, 4);
	assert_int_equal(t.kill_signals[3], 9);
	assert_int_equal(t.kill_signals[0], 10);
	assert_int_equal(t.kill_signals[1], 15);
	assert_int_equal(t.kill_signals[2], 9);
}

static void test_podman_lines(void **state)
{
	(void)state;
	tally t;
	parse_fixture(&t, "events/podman.jsonl", &eapi_podman_events_dialect);
	assert_int_equal(t.lines, 34);
	assert_int_equal(t.kinds[BERTH_EVENT_CREATED], 3);
	assert_int_equal(t.kinds[BERTH_EVENT_STARTED], 3);
	assert_int_equal(t.kinds[BERTH_EVENT_DIED], 3);
	/* "remove" is Podman's destroy */
	assert_int_equal(t.kinds[BERTH_EVENT_DESTROYED], 3);
	assert_int_equal(t.kinds[BERTH_EVENT_PAUSED], 1);
	assert_int_equal(t.kinds[BERTH_EVENT_UNPAUSED], 1);
	/* "health_status" with the status in HealthStatus */
	assert_int_equal(t.kinds[BERTH_EVENT_HEALTH], 8);
	assert_int_equal(t.health[0], BERTH_HEALTH_STARTING);
	assert_int_equal(t.health[1], BERTH_HEALTH_HEALTHY);
	assert_int_equal(t.health[7], BERTH_HEALTH_UNHEALTHY);
	/* exitCode only on die (Podman's containerExitCode "0" elsewhere is ignored) */
	assert_int_equal(t.died_codes[0], 3);
	assert_int_equal(t.died_codes[1], 137);
	/* Podman's kill carries no signal */
	assert_int_equal(t.nkill, 1);
	assert_int_equal(t.kill_signals[0], -1);
}

static berth_event *parse_ok(const char *line, const events_dialect *d)
{
	berth_event *ev = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(engineapi_parse_event(&ev, line, strlen(line), d, &err), &err);
	return ev;
}

static void test_odd_lines(void **state)
{
	(void)state;
	/* the pre-1.22 shape: status, id, from, time only */
	berth_event *ev = parse_ok("{\"status\":\"die\",\"id\":\"abc\",\"from\":\"img\",\"time\":1700000000}\n", NULL);
	assert_int_equal(berth_event_get_kind(ev), BERTH_EVENT_DIED);
	assert_string_equal(berth_event_type(ev), "container");
	assert_string_equal(berth_event_id(ev), "abc");
	assert_string_equal(berth_event_image(ev), "img");
	assert_true(berth_event_time_ns(ev) == 1700000000LL * 1000000000LL);
	assert_int_equal(berth_event_exit_code(ev), -1);
	event_free(ev);
	/* Podman's words mean nothing special to Docker's table */
	ev = parse_ok("{\"Type\":\"container\",\"Action\":\"remove\",\"Actor\":{\"ID\":\"x\"}}", NULL);
	assert_int_equal(berth_event_get_kind(ev), BERTH_EVENT_OTHER);
	event_free(ev);
	/* non-container types are OTHER whatever the action; numbers and
	 * booleans in attributes are written out, other shapes skipped */
	ev = parse_ok("{\"Type\":\"network\",\"Action\":\"create\",\"Actor\":{\"ID\":\"n1\",\"Attributes\":"
		      "{\"name\":\"/net\",\"n\":5,\"b\":true,\"o\":{},\"exitCode\":\"1\"}},\"timeNano\":5}", NULL);
	assert_int_equal(berth_event_get_kind(ev), BERTH_EVENT_OTHER);
	assert_string_equal(berth_event_name(ev), "net");
	assert_string_equal(berth_event_attribute(ev, "n"), "5");
	assert_string_equal(berth_event_attribute(ev, "b"), "true");
	assert_null(berth_event_attribute(ev, "o"));
	assert_int_equal(berth_event_attribute_count(ev), 4);
	assert_int_equal(berth_event_time_ns(ev), 5);
	event_free(ev);
	/* out-of-range or odd exit codes and signals are -1 */
	ev = parse_ok("{\"Action\":\"die\",\"Actor\":{\"ID\":\"x\",\"Attributes\":{\"exitCode\":\"99999999999\"}}}", NULL);
	assert_int_equal(berth_event_exit_code(ev), -1);
	event_free(ev);
	ev = parse_ok("{\"Action\":\"kill\",\"Actor\":{\"ID\":\"x\",\"Attributes\":{\"signal\":\"-9\"}}}", NULL);
	assert_int_equal(berth_event_signal(ev), -1);
	event_free(ev);
	/* health words berth does not know, and Docker's form on Podman's table */
	ev = parse_ok("{\"Action\":\"health_status: weird\",\"Actor\":{\"ID\":\"x\"}}", NULL);
	assert_int_equal(berth_event_get_kind(ev), BERTH_EVENT_HEALTH);
	assert_int_equal(berth_event_health(ev), BERTH_HEALTH_NONE);
	event_free(ev);
	ev = parse_ok("{\"Action\":\"health_status\",\"HealthStatus\":\"healthy\"}", NULL);
	assert_int_equal(berth_event_get_kind(ev), BERTH_EVENT_OTHER);   /* Docker never sends this */
	event_free(ev);
	ev = parse_ok("{\"Action\":\"health_status: unhealthy\"}", &eapi_podman_events_dialect);
	assert_int_equal(berth_event_health(ev), BERTH_HEALTH_UNHEALTHY);
	event_free(ev);

	/* the event filter speaks Podman's native words there */
	assert_string_equal(eapi_events_filter_word(&eapi_podman_events_dialect, "die"), "died");
	assert_string_equal(eapi_events_filter_word(&eapi_podman_events_dialect, "destroy"), "remove");
	assert_string_equal(eapi_events_filter_word(&eapi_podman_events_dialect, "start"), "start");
	assert_string_equal(eapi_events_filter_word(&eapi_docker_events_dialect, "die"), "die");

	static const char *const bad[] = {
		"", "[]", "\"die\"", "{", "{\"Type\":\"container\"}", "{\"Action\":5}",
		"{\"Action\":\"die\",\"Actor\":[]}", "{\"Action\":\"die\",\"Actor\":{\"Attributes\":[]}}",
		"{\"Action\":\"die\"}{\"Action\":\"die\"}",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		berth_event *x = NULL;
		berth_error err = BERTH_ERROR_INIT;
		assert_code(engineapi_parse_event(&x, bad[i], strlen(bad[i]), NULL, &err), BERTH_EPROTOCOL, &err);
		assert_null(x);
	}
}

static void test_time_forms(void **state)
{
	(void)state;
	int64_t ns;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_time_parse(&ns, "2024-05-01T10:00:00.5Z", &err), &err);
	assert_true(ns == 1714557600500000000LL);
	assert_ok(berth_time_parse(&ns, "2024-05-01T12:00:00+02:00", &err), &err);
	assert_true(ns == 1714557600000000000LL);
	assert_ok(berth_time_parse(&ns, "1700000000", &err), &err);
	assert_true(ns == 1700000000000000000LL);
	assert_ok(berth_time_parse(&ns, "1700000000.000000001", &err), &err);
	assert_true(ns == 1700000000000000001LL);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t wall = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
	assert_ok(berth_time_parse(&ns, "10m", &err), &err);
	assert_true(wall - ns >= 599LL * 1000000000LL && wall - ns < 610LL * 1000000000LL);
	assert_ok(berth_time_parse(&ns, "1h30m", &err), &err);
	assert_true(wall - ns >= 5399LL * 1000000000LL && wall - ns < 5410LL * 1000000000LL);
	assert_ok(berth_time_parse(&ns, "1.5h", &err), &err);
	assert_true(wall - ns >= 5399LL * 1000000000LL && wall - ns < 5410LL * 1000000000LL);
	assert_ok(berth_time_parse(&ns, "250ms", &err), &err);
	assert_true(wall - ns >= 249LL * 1000000 && wall - ns < 10LL * 1000000000LL);
	static const char *const bad[] = {
		"", "yesterday", "10", "10x", "-5m", "m", "1.2.3", "1700000000.", "2024-13-01T00:00:00Z",
		"2024-05-01T10:00:00", "5m ", "99999999999999999999",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (STREQ(bad[i], "10"))
			continue;   /* "10" is Unix second 10: valid */
		assert_code(berth_time_parse(&ns, bad[i], &err), BERTH_EINVAL, &err);
	}
	assert_code(berth_time_parse(NULL, "1", &err), BERTH_EINVAL, &err);
}

/* Option checks answer before any request: a client whose endpoint
 * cannot answer is never reached. */
static void test_option_checks(void **state)
{
	(void)state;
	berth_client *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_code(berth_events_watch(&s, NULL, NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_events_watch(NULL, c, NULL, &err), BERTH_EINVAL, &err);
	assert_null(s);
	assert_string_equal(berth_event_kind_name(BERTH_EVENT_DIED), "died");
	assert_string_equal(berth_event_kind_name(BERTH_EVENT_RECONNECTED), "reconnected");
	assert_string_equal(berth_event_kind_name((berth_event_kind)99), "other");
	assert_string_equal(berth_event_action(NULL), "");
	assert_int_equal(berth_event_exit_code(NULL), -1);
	assert_null(berth_event_attribute(NULL, "x"));
}

/* An engine that forgot its events (as dockerd does in a restart): the
 * first subscription sends a start and breaks off, the second replays
 * nothing, and the container's inspect says it exited with 3 meanwhile.
 * berth makes the die up, between RECONNECTED and the next real event. */
#define PING "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nServer: Docker/20.10.24 (linux)\r\n" \
	"Content-Length: 2\r\n\r\nOK"
#define START_LINE "{\"status\":\"start\",\"id\":\"c1\",\"Type\":\"container\",\"Action\":\"start\"," \
	"\"Actor\":{\"ID\":\"c1\",\"Attributes\":{\"name\":\"web\"}},\"time\":1700000000," \
	"\"timeNano\":1700000000000000000}\n"
static const char events_then_cut[] =
	"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
	"a2\r\n" START_LINE "\r\n";
static const char events_quiet[] =
	"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
static const char inspect_exited[] =
	"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 224\r\n\r\n"
	"{\"Id\":\"c1\",\"Name\":\"/web\",\"Config\":{\"Image\":\"img\",\"Labels\":{}},\"Image\":\"sha\","
	"\"State\":{\"Status\":\"exited\",\"Running\":false,\"ExitCode\":3,"
	"\"StartedAt\":\"2023-11-14T22:13:20Z\",\"FinishedAt\":\"2023-11-14T22:13:21.5Z\"}}                  ";

static void test_made_up_die(void **state)
{
	(void)state;
	assert_int_equal(strlen(START_LINE), 0xa2);
	assert_int_equal(strstr(inspect_exited, "\r\n\r\n") ? strlen(strstr(inspect_exited, "\r\n\r\n") + 4) : 0, 224);
	fake_reply script[] = {
		{ .data = PING },
		{ .data = events_then_cut, .close_after = true },
		{ .data = events_quiet },
		{ .data = inspect_exited },
	};
	fake_server *fs = fake_start(script, 4);
	berth_client_options co = BERTH_CLIENT_OPTIONS_INIT;
	co.engine = BERTH_ENGINE_DOCKER;
	co.host = fake_uri(fs);
	co.timeout_ms = 5000;
	berth_client *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_client_open(&c, &co, &err), &err);
	berth_stream *s = NULL;
	assert_ok(berth_events_watch(&s, c, NULL, &err), &err);
	berth_event_kind want[] = { BERTH_EVENT_STARTED, BERTH_EVENT_DISCONNECTED, BERTH_EVENT_RECONNECTED,
				    BERTH_EVENT_DIED };
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		berth_frame f;
		assert_ok(berth_stream_next(s, &f, 5000, &err), &err);
		const berth_event *ev = f.item;
		assert_int_equal(berth_event_get_kind(ev), want[i]);
		if (want[i] == BERTH_EVENT_DIED) {
			assert_true(berth_event_synthesized(ev));
			assert_int_equal(berth_event_exit_code(ev), 3);
			assert_string_equal(berth_event_id(ev), "c1");
			assert_string_equal(berth_event_name(ev), "web");
			assert_true(berth_event_time_ns(ev) == 1700000001500000000LL);
			assert_string_equal(berth_event_attribute(ev, "berth.synthesized"), "true");
			assert_non_null(memmem(f.data, f.len, "\"exitCode\":\"3\"", 14));
		}
		if (want[i] == BERTH_EVENT_DISCONNECTED || want[i] == BERTH_EVENT_RECONNECTED)
			assert_int_equal(f.channel, BERTH_CHANNEL_SYSTEM);
	}
	/* nothing more: the die is not handed out twice */
	berth_frame f;
	assert_code(berth_stream_next(s, &f, 400, &err), BERTH_ETIMEDOUT, &err);
	assert_non_null(strstr(fake_last_request(fs), "GET /v1.41/containers/c1/json"));
	berth_stream_free(s);
	berth_client_free(c);
	fake_stop(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_lines),
		cmocka_unit_test(test_podman_lines),
		cmocka_unit_test(test_odd_lines),
		cmocka_unit_test(test_time_forms),
		cmocka_unit_test(test_option_checks),
		cmocka_unit_test(test_made_up_die),
	};
	return cmocka_run_group_tests_name("events", tests, NULL, NULL);
}
