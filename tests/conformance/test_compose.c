/* Conformance: services files (berth compose) on every engine. A stack of
 * a real daemon (Redis, built from Debian's packages, with a redis-cli
 * health check), a one-shot init and a service that needs both comes up in
 * order; up again leaves it alone; a changed service is replaced alone;
 * down keeps the named volume, down -v takes it; faults (a check that
 * never passes, a dependency that exits, an image nobody has, a bad file,
 * a name taken by a foreign container) give their errors. Every project is
 * named berth-t-<run>-...; only those are taken down. */
#include "conformance.h"

#include <berth/compose.h>
#include <berth/volume.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>


/* The steps an up reported, as "service:step" words joined by spaces. */
typedef struct steps {
	char text[4096];
} steps;

static void record(const berth_compose_event *e, void *user)
{
	steps *s = user;
	size_t n = strlen(s->text);
	snprintf(s->text + n, sizeof s->text - n, "%s%s:%s", n ? " " : "", e->service ? e->service : e->object ? e->object : "",
		 berth_compose_step_name(e->step));
}

/* Position of a word in the steps, or -1. */
static int at(const steps *s, const char *word)
{
	const char *p = strstr(s->text, word);
	return p ? (int)(p - s->text) : -1;
}

static char projects[4][64];

static const char *project(int i)
{
	snprintf(projects[i], sizeof projects[i], "berth-t-%s-c%d", run_id, i);
	return projects[i];
}

static berth_compose *load(const char *yaml, const char *name)
{
	berth_compose_options o = BERTH_COMPOSE_OPTIONS_INIT;
	o.project_name = name;
	o.project_dir = "/tmp";
	berth_compose *p = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_compose_load_string(&p, yaml, strlen(yaml), &o, &err), &err);
	return p;
}

static void down(const char *name, bool volumes)
{
	berth_compose_down_options o = BERTH_COMPOSE_DOWN_OPTIONS_INIT;
	o.volumes = volumes;
	o.timeout_s = 1;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_compose_down(client, NULL, name, &o, &err), &err);
}

static int up(berth_compose *p, steps *s, int wait, berth_error *err)
{
	berth_compose_up_options o = BERTH_COMPOSE_UP_OPTIONS_INIT;
	o.progress = s ? record : NULL;
	o.user = s;
	o.wait = wait;
	o.timeout_ms = 60000;
	if (s)
		s->text[0] = '\0';
	return berth_compose_up(client, p, &o, err);
}

static size_t count(const char *name)
{
	berth_container_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_compose_ps(&l, client, name, &err), &err);
	size_t n = berth_container_list_count(l);
	berth_container_list_free(l);
	return n;
}

static bool volume_there(const char *name)
{
	berth_volume_info *v = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = berth_volume_inspect(&v, client, name, &err);
	berth_volume_info_free(v);
	return r == 0;
}

/* What `sh -c script` prints in a service's container. */
static char *exec_out(const char *container, const char *script)
{
	const char *argv[] = { "sh", "-c", script };
	berth_exec_options eo = BERTH_EXEC_OPTIONS_INIT;
	eo.argv = argv;
	eo.argc = 3;
	eo.timeout_ms = 20000;
	berth_exec_result *res = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_exec(&res, client, container, &eo, &err), &err);
	char *out = strdup(berth_exec_result_stdout(res, NULL));
	berth_exec_result_free(res);
	return out;
}

static const char *stack_yaml(char *buf, size_t size, const char *mode)
{
	snprintf(buf, size,
		 "services:\n"
		 "  db:\n"
		 "    image: " REDIS_IMAGE "\n"
		 "    healthcheck:\n"
		 "      test: [\"CMD\", \"redis-cli\", \"ping\"]\n"
		 "      interval: 1s\n"
		 "      timeout: 5s\n"
		 "      retries: 30\n"
		 "    stop_grace_period: 2s\n"
		 "  init:\n"
		 "    image: " IMAGE "\n"
		 "    command: [\"sh\", \"-c\", \"echo seeded > /data/seed\"]\n"
		 "    volumes: [\"data:/data\"]\n"
		 "  web:\n"
		 "    image: " IMAGE "\n"
		 "    command: sleep 600\n"
		 "    environment:\n"
		 "      MODE: %s\n"
		 "    volumes:\n"
		 "      - data:/data\n"
		 "    depends_on:\n"
		 "      db:\n"
		 "        condition: service_healthy\n"
		 "      init:\n"
		 "        condition: service_completed_successfully\n"
		 "    stop_grace_period: 1s\n"
		 "volumes:\n"
		 "  data: {}\n",
		 mode);
	return buf;
}

/* Whether service web reaches service db by its name on the project's
 * network: the name resolved (the engine's DNS through busybox's
 * nslookup; on containerd the /etc/hosts berth writes), then Redis asked
 * PING with nc. */
static void expect_db_by_name(const char *web)
{
	const char *script =
		engine == BERTH_ENGINE_CONTAINERD
			? "a=$(awk '{for(i=2;i<=NF;i++) if($i==\"db\"){print $1; exit}}' /etc/hosts); "
			  "printf 'PING\\r\\n' | nc -w 2 $a 6379"
			: "a=$(nslookup db 2>/dev/null | sed -n '/^Name:/,$ s/^Address:* *//p' | head -1); "
			  "printf 'PING\\r\\n' | nc -w 2 $a 6379";
	char *out = NULL;
	for (int i = 0; i < 20; i++, usleep(250 * 1000)) {
		free(out);
		out = exec_out(web, script);
		if (strstr(out, "+PONG"))
			break;
	}
	if (!strstr(out, "+PONG"))
		fail_msg("web did not reach db by name: \"%s\"", out);
	free(out);
}

/* The stack comes up in order, up again is a no-op, a change replaces one
 * service, down keeps the volume, down -v does not. */
static void test_compose_stack(void **state)
{
	(void)state;
	need_engine_up();
	const char *name = project(0);
	char yaml[2048], vol[128];
	snprintf(vol, sizeof vol, "%s_data", name);
	berth_compose *p = load(stack_yaml(yaml, sizeof yaml, "one"), name);
	steps s;
	berth_error err = BERTH_ERROR_INIT;
	int r = up(p, &s, 1, &err);
	if (r < 0) {
		down(name, true);
		fail_msg("up: %s (steps: %s)", err.message, s.text);
	}
	/* web started only after db was healthy and init had completed */
	assert_true(at(&s, "db:healthy") >= 0);
	assert_true(at(&s, "init:exited") >= 0);
	assert_true(at(&s, "web:started") > at(&s, "db:healthy"));
	assert_true(at(&s, "web:started") > at(&s, "init:exited"));
	assert_int_equal(count(name), 3);
	char web[128];
	snprintf(web, sizeof web, "%s-web-1", name);
	assert_string_equal(berth_compose_container_name(p, "web"), web);
	char *seed = exec_out(web, "cat /data/seed; echo $MODE");
	assert_string_equal(seed, "seeded\none\n");
	free(seed);
	expect_db_by_name(web);
	berth_container_info *x = inspect(web);
	assert_string_equal(berth_container_info_compose_project(x), name);
	assert_string_equal(berth_container_info_compose_service(x), "web");
	char *first_id = strdup(berth_container_info_id(x));
	berth_container_info_free(x);
	/* what an up cut short leaves (a service's container under its
	 * temporary name) is taken away by the next up */
	char stale[200];
	snprintf(stale, sizeof stale, "%s-up-5d0a11", web);
	berth_spec *st = spec_of(stale, (const char *const[]){ "sleep", "600" }, 2);
	assert_ok(berth_spec_add_label(st, BERTH_COMPOSE_LABEL_PROJECT, name, &err), &err);
	assert_ok(berth_spec_add_label(st, BERTH_COMPOSE_LABEL_SERVICE, "web", &err), &err);
	char *stale_id = NULL;
	assert_ok(berth_container_create(&stale_id, client, st, &err), &err);
	berth_spec_free(st);
	berth_free(stale_id);
	assert_int_equal(count(name), 4);
	/* up again: nothing changes */
	assert_ok(up(p, &s, 0, &err), &err);
	assert_int_equal(count(name), 3);
	assert_int_equal(at(&s, "creating"), -1);
	assert_int_equal(at(&s, "recreating"), -1);
	assert_true(at(&s, "db:running") >= 0);
	x = inspect(web);
	assert_string_equal(berth_container_info_id(x), first_id);
	berth_container_info_free(x);
	berth_compose_free(p);
	/* web's environment changes: web alone is replaced */
	p = load(stack_yaml(yaml, sizeof yaml, "two"), name);
	assert_ok(up(p, &s, 0, &err), &err);
	assert_true(at(&s, "web:recreating") >= 0);
	assert_int_equal(at(&s, "db:recreating"), -1);
	assert_true(at(&s, "db:running") >= 0);
	x = inspect(web);
	assert_string_not_equal(berth_container_info_id(x), first_id);
	berth_container_info_free(x);
	free(first_id);
	char *mode = exec_out(web, "echo $MODE; cat /data/seed");
	assert_string_equal(mode, "two\nseeded\n");
	free(mode);
	expect_db_by_name(web); /* the new container finds the one that stayed */
	/* down keeps the named volume, and a new up finds its data */
	down(name, false);
	assert_int_equal(count(name), 0);
	assert_true(volume_there(vol));
	/* down of what is down: nothing to do, no error */
	down(name, false);
	/* down -v takes it */
	down(name, true);
	assert_false(volume_there(vol));
	berth_compose_free(p);
}

/* A health check that never passes fails the up naming the service; a
 * dependency that exits fails it too; nothing of another project is
 * touched by either's down. */
static void test_compose_faults(void **state)
{
	(void)state;
	need_engine_up();
	const char *sick = project(1), *other = project(2);
	static const char yaml_sick[] = "services:\n"
					"  db:\n"
					"    image: " IMAGE "\n"
					"    command: sleep 600\n"
					"    healthcheck:\n"
					"      test: [\"CMD-SHELL\", \"echo not yet; exit 1\"]\n"
					"      interval: 1s\n"
					"      retries: 2\n"
					"    stop_grace_period: 1s\n"
					"  app:\n"
					"    image: " IMAGE "\n"
					"    command: sleep 600\n"
					"    depends_on:\n"
					"      db: {condition: service_healthy}\n";
	static const char yaml_exits[] = "services:\n"
					 "  db:\n"
					 "    image: " IMAGE "\n"
					 "    command: [\"sh\", \"-c\", \"exit 3\"]\n"
					 "    healthcheck:\n"
					 "      test: [\"CMD\", \"true\"]\n"
					 "      interval: 1s\n"
					 "  app:\n"
					 "    image: " IMAGE "\n"
					 "    command: sleep 600\n"
					 "    depends_on:\n"
					 "      db: {condition: service_healthy}\n";
	berth_compose *p = load(yaml_sick, sick);
	berth_compose *q = load(yaml_exits, other);
	berth_error err = BERTH_ERROR_INIT;
	int r = up(p, NULL, 0, &err);
	if (r != BERTH_ECONFLICT)
		fail_msg("a check that never passes: %s (%s)", berth_code_name(r), err.message);
	assert_message_has(&err, "service db is unhealthy");
	assert_message_has(&err, "not yet");
	r = up(q, NULL, 0, &err);
	if (r != BERTH_ECONFLICT)
		fail_msg("a dependency that exits: %s (%s)", berth_code_name(r), err.message);
	assert_message_has(&err, "service db exited with code 3");
	/* app was never made in either */
	assert_int_equal(count(sick), 1);
	assert_int_equal(count(other), 1);
	down(sick, true);
	assert_int_equal(count(sick), 0);
	assert_int_equal(count(other), 1); /* another project: untouched */
	down(other, true);
	berth_compose_free(p);
	berth_compose_free(q);
}

/* An image nobody has; a container name held by a container that is not
 * the project's; a service name not in the file. */
static void test_compose_refusals(void **state)
{
	(void)state;
	need_engine_up();
	const char *name = project(3);
	static const char yaml_missing[] = "services:\n"
					   "  ghost:\n"
					   "    image: " REGISTRY "/berth-test/no-such-image:1\n";
	berth_compose *p = load(yaml_missing, name);
	berth_error err = BERTH_ERROR_INIT;
	int r = up(p, NULL, 0, &err);
	if (r != BERTH_ENOTFOUND)
		fail_msg("an image nobody has: %s (%s)", berth_code_name(r), err.message);
	assert_message_has(&err, "ghost");
	berth_compose_free(p);
	/* the container name a service would take is held by a foreign container */
	char cname[160], yaml[512];
	snprintf(cname, sizeof cname, "%s", name_of("held"));
	char *id = run(cname, (const char *const[]){ "sleep", "600" }, 2);
	snprintf(yaml, sizeof yaml,
		 "services:\n"
		 "  svc:\n"
		 "    image: " IMAGE "\n"
		 "    container_name: %s\n"
		 "    command: sleep 600\n",
		 cname);
	p = load(yaml, name);
	r = up(p, NULL, 0, &err);
	if (r != BERTH_ECONFLICT)
		fail_msg("a name held by another container: %s (%s)", berth_code_name(r), err.message);
	assert_message_has(&err, "not this project's");
	berth_container_info *x = inspect(id); /* untouched */
	assert_true(berth_container_info_running(x));
	berth_container_info_free(x);
	force_remove(id);
	berth_free(id);
	/* a host port another process holds: the up fails naming the service,
	 * and leaves no container of it */
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	assert_true(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(fd, 1) == 0 &&
		    getsockname(fd, (struct sockaddr *)&a, &al) == 0);
	char portyaml[512], port_name[96];
	snprintf(port_name, sizeof port_name, "%s-porty", name);
	snprintf(portyaml, sizeof portyaml,
		 "services:\n"
		 "  web:\n"
		 "    image: " IMAGE "\n"
		 "    command: [\"httpd\", \"-f\", \"-p\", \"8080\"]\n"
		 "    ports: [\"127.0.0.1:%d:8080\"]\n",
		 ntohs(a.sin_port));
	berth_compose *pp = load(portyaml, port_name);
	r = up(pp, NULL, 0, &err);
	close(fd);
	if (r == 0)
		fail_msg("an up whose port is held by another process succeeded");
	assert_message_has(&err, "web");
	berth_container_list *pl = NULL;
	assert_ok(berth_compose_ps(&pl, client, port_name, &err), &err);
	for (size_t i = 0; i < berth_container_list_count(pl); i++)
		assert_int_not_equal(berth_container_list_state(pl, i), BERTH_STATE_RUNNING);
	berth_container_list_free(pl);
	berth_compose_free(pp);
	down(port_name, true);
	berth_compose_up_options o = BERTH_COMPOSE_UP_OPTIONS_INIT;
	const char *bad[] = { "nope" };
	o.services = bad;
	o.service_count = 1;
	assert_code(berth_compose_up(client, p, &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "nope");
	berth_compose_free(p);
	down(name, true);
}

/* Bad files are refused at load, with the file's position. */
static void test_compose_bad_files(void **state)
{
	(void)state;
	static const struct {
		const char *yaml, *says;
	} bad[] = {
		{ "services:\n  a:\n    image: [unclosed\n", "compose.yaml:" },
		{ "services:\n  a:\n    image: x\n    bogus: 1\n", "bogus" },
		{ "services:\n  a:\n    image: x\n    depends_on: [b]\n", "b" },
		{ "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n", "->" },
		{ "services:\n  a:\n    build: .\n", "build" },
		{ "services:\n  a:\n    image: x\n    volumes: [\"undeclared:/d\"]\n", "undeclared" },
		{ "services:\n  a:\n    image: ${NOPE:?must be set}\n", "must be set" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		berth_compose *p = NULL;
		berth_error err = BERTH_ERROR_INIT;
		berth_compose_options o = BERTH_COMPOSE_OPTIONS_INIT;
		o.project_name = "berth-t-bad";
		const char *env[] = { "HOME=/root" };
		o.env = env;
		o.env_count = 1;
		int r = berth_compose_load_string(&p, bad[i].yaml, strlen(bad[i].yaml), &o, &err);
		if (r != BERTH_EINVAL)
			fail_msg("file %zu: %s (%s)", i, berth_code_name(r), err.message);
		assert_null(p);
		assert_message_has(&err, bad[i].says);
	}
	/* a project name berth cannot use */
	berth_compose *p = NULL;
	berth_error err = BERTH_ERROR_INIT;
	berth_compose_options o = BERTH_COMPOSE_OPTIONS_INIT;
	o.project_name = "Bad Name";
	const char *ok = "services:\n  a:\n    image: x\n";
	assert_code(berth_compose_load_string(&p, ok, strlen(ok), &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "project name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compose_bad_files),
		cmocka_unit_test(test_compose_stack),
		cmocka_unit_test(test_compose_faults),
		cmocka_unit_test(test_compose_refusals),
	};
	return cmocka_run_group_tests_name(conformance_group("compose"), tests, conformance_setup,
					   conformance_teardown);
}
