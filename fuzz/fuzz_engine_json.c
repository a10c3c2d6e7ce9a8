/* Fuzz target: the Engine API reply parsers (engineapi/eapi_parse.c) and the
 * accessors of the models they build.
 *
 * The first byte picks the parser, the rest is the reply body:
 *   '0' version (Docker)   '7' version (Podman)
 *   '1' info               '2' inspect          '3' list
 *   '4' create             '5' stop timeout + exec inspect   '6' error message
 * Any other byte maps onto one of these as (byte - '0') mod 7, and bit
 * ((byte - '0') / 7) & 1 picks the engine for version replies. The body
 * lives in an exactly sized heap block with no NUL after it. */
#include "fuzz.h"

#include "lib/engines/engineapi/eapi_parse.h"

#include <stdlib.h>
#include <string.h>

/* Touch every byte of a string the model hands out, so ASan sees a bad
 * pointer or a missing terminator. */
static size_t sink;
static void use(const char *s)
{
	if (s)
		sink += strlen(s);
}

static void check_version(const char *body, size_t len, berth_engine engine)
{
	berth_version *v = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (engineapi_parse_version(&v, body, len, engine, &err) < 0) {
		use(err.message);
		return;
	}
	if (berth_version_engine(v) != engine)
		abort();
	use(berth_version_server(v));
	use(berth_version_api(v));
	use(berth_version_min_api(v));
	use(berth_version_os(v));
	use(berth_version_arch(v));
	use(berth_version_kernel(v));
	use(berth_version_raw_json(v));
	berth_version_free(v);
}

static void check_info(const char *body, size_t len)
{
	berth_info *i = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (engineapi_parse_info(&i, body, len, &err) < 0) {
		use(err.message);
		return;
	}
	use(berth_info_name(i));
	use(berth_info_server_version(i));
	use(berth_info_os(i));
	use(berth_info_kernel(i));
	use(berth_info_storage_driver(i));
	use(berth_info_cgroup_driver(i));
	use(berth_info_cgroup_version(i));
	use(berth_info_raw_json(i));
	/* Unsigned sums: the counts are whatever the reply said. */
	sink += (size_t)berth_info_containers(i) + (size_t)berth_info_containers_running(i) +
		(size_t)berth_info_containers_paused(i) + (size_t)berth_info_containers_stopped(i) +
		(size_t)berth_info_images(i) + (size_t)berth_info_ncpu(i) + (size_t)berth_info_mem_total(i);
	berth_info_free(i);
}

/* Health, mounts, networks and ports: every index answers, one past the
 * end answers NULL (or the documented neutral value). */
static void check_inspect_extras(const berth_container_info *x)
{
	use(berth_health_name(berth_container_info_health(x)));
	use(berth_container_info_compose_project(x));
	use(berth_container_info_compose_service(x));
	sink += (size_t)berth_container_info_tty(x) + (size_t)berth_container_info_stdin_open(x) +
		(size_t)berth_container_info_restart_count(x) +
		(size_t)berth_container_info_health_failing_streak(x) +
		(size_t)berth_container_info_has_healthcheck(x) +
		(size_t)berth_container_info_healthcheck_interval_ms(x) +
		(size_t)berth_container_info_healthcheck_timeout_ms(x) +
		(size_t)berth_container_info_healthcheck_start_period_ms(x) +
		(size_t)berth_container_info_healthcheck_retries(x);
	if (berth_container_info_healthcheck_interval_ms(x) < 0 || berth_container_info_healthcheck_retries(x) < 0)
		abort();
	if (berth_container_info_has_healthcheck(x) && berth_container_info_health(x) == BERTH_HEALTH_NONE)
		abort(); /* a configured check is at least "starting" */

	size_t n = berth_container_info_health_log_count(x);
	for (size_t i = 0; i < n; i++) {
		use(berth_container_info_health_log_output(x, i));
		use(berth_container_info_health_log_start(x, i));
		use(berth_container_info_health_log_end(x, i));
		sink += (size_t)berth_container_info_health_log_exit_code(x, i);
	}
	if (berth_container_info_health_log_output(x, n) || berth_container_info_health_log_exit_code(x, n) != -1)
		abort();
	n = berth_container_info_healthcheck_test_count(x);
	for (size_t i = 0; i < n; i++)
		use(berth_container_info_healthcheck_test(x, i));
	if (berth_container_info_healthcheck_test(x, n))
		abort();

	n = berth_container_info_mount_count(x);
	for (size_t i = 0; i < n; i++) {
		if (!berth_container_info_mount_source(x, i) || !berth_container_info_mount_destination(x, i) ||
		    !berth_container_info_mount_volume_name(x, i))
			abort();
		use(berth_container_info_mount_source(x, i));
		use(berth_container_info_mount_destination(x, i));
		use(berth_container_info_mount_volume_name(x, i));
		sink += (size_t)berth_container_info_mount_type(x, i) + (size_t)berth_container_info_mount_read_only(x, i);
	}
	if (berth_container_info_mount_source(x, n) || berth_container_info_mount_type(x, n) != BERTH_MOUNT_OTHER)
		abort();

	n = berth_container_info_network_count(x);
	for (size_t i = 0; i < n; i++) {
		const char *name = berth_container_info_network_name(x, i);
		if (!name || (i > 0 && strcmp(berth_container_info_network_name(x, i - 1), name) > 0))
			abort(); /* sorted by name */
		use(berth_container_info_network_ipv4(x, i));
		use(berth_container_info_network_ipv6(x, i));
		use(berth_container_info_network_gateway(x, i));
		use(berth_container_info_network_mac(x, i));
	}
	if (berth_container_info_network_name(x, n))
		abort();

	n = berth_container_info_port_count(x);
	for (size_t i = 0; i < n; i++) {
		int cport = berth_container_info_port_container_port(x, i);
		int hport = berth_container_info_port_host_port(x, i);
		const char *proto = berth_container_info_port_proto(x, i);
		const char *ip = berth_container_info_port_host_ip(x, i);
		if (cport < 1 || cport > 65535 || hport < 1 || hport > 65535 || !proto || !*proto || !ip || !*ip)
			abort();
		/* the lookup finds a binding for every listed port */
		if (berth_container_info_host_port(x, cport, proto, NULL) == 0)
			abort();
	}
	if (berth_container_info_port_proto(x, n) || berth_container_info_port_host_port(x, n) != 0)
		abort();
}

static void check_inspect(const char *body, size_t len)
{
	berth_container_info *x = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (engineapi_parse_inspect(&x, body, len, "inspect", &err) < 0) {
		use(err.message);
		return;
	}
	if (!berth_container_info_id(x)[0])
		abort(); /* an inspect result without an id must be refused */
	use(berth_container_info_name(x));
	use(berth_container_info_image(x));
	use(berth_container_info_image_id(x));
	use(berth_container_info_error(x));
	use(berth_container_info_created(x));
	use(berth_container_info_started_at(x));
	use(berth_container_info_finished_at(x));
	use(berth_container_info_raw_json(x));
	use(berth_state_name(berth_container_info_state(x)));
	sink += (size_t)berth_container_info_running(x) + (size_t)berth_container_info_exit_code(x) +
		(size_t)berth_container_info_pid(x) + (size_t)berth_container_info_oom_killed(x);

	size_t n = berth_container_info_cmd_count(x);
	for (size_t i = 0; i < n; i++)
		use(berth_container_info_cmd(x, i));
	if (berth_container_info_cmd(x, n) != NULL)
		abort();
	n = berth_container_info_env_count(x);
	for (size_t i = 0; i < n; i++)
		use(berth_container_info_env(x, i));
	if (berth_container_info_env(x, n) != NULL)
		abort();

	/* Labels come sorted by key, one value per key, and each can be
	 * looked up by its own key. */
	n = berth_container_info_label_count(x);
	for (size_t i = 0; i < n; i++) {
		const char *k = berth_container_info_label_key(x, i);
		const char *v = berth_container_info_label_value(x, i);
		if (!k || !v)
			abort();
		if (i > 0 && strcmp(berth_container_info_label_key(x, i - 1), k) >= 0)
			abort();
		if (berth_container_info_label(x, k) != v)
			abort();
	}
	if (berth_container_info_label_key(x, n) || berth_container_info_label_value(x, n))
		abort();
	use(berth_container_info_label(x, "io.berth.test"));
	check_inspect_extras(x);
	berth_container_info_free(x);
}

/* An image prune's reply, Docker's shape and Podman's libpod one. */
static void check_image_prune(const char *body, size_t len)
{
	for (int libpod = 0; libpod < 2; libpod++) {
		berth_prune_result *p = NULL;
		berth_error err = BERTH_ERROR_INIT;
		if (engineapi_parse_image_prune(&p, body, len, libpod, &err) < 0) {
			use(err.message);
			continue;
		}
		for (size_t i = 0; i < berth_prune_result_count(p); i++)
			use(berth_prune_result_id(p, i));
		sink += (size_t)berth_prune_result_space_reclaimed(p);
		berth_prune_result_free(p);
	}
}

static void check_list(const char *body, size_t len)
{
	check_image_prune(body, len);
	berth_container_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (engineapi_parse_list(&l, body, len, &err) < 0) {
		use(err.message);
		return;
	}
	/* the same bytes as Podman's libpod list, for the health words */
	if (engineapi_parse_libpod_health(l, body, len, &err) < 0)
		use(err.message);
	size_t n = berth_container_list_count(l);
	for (size_t i = 0; i < n; i++) {
		if (berth_container_list_health(l, i) > BERTH_HEALTH_UNHEALTHY)
			__builtin_trap();
		use(berth_container_list_id(l, i));
		use(berth_container_list_name(l, i));
		use(berth_container_list_image(l, i));
		use(berth_container_list_command(l, i));
		use(berth_container_list_status(l, i));
		use(berth_container_list_ports(l, i));
		use(berth_state_name(berth_container_list_state(l, i)));
		sink += (size_t)berth_container_list_created(l, i);
		size_t m = berth_container_list_label_count(l, i);
		for (size_t j = 0; j < m; j++) {
			const char *k = berth_container_list_label_key(l, i, j);
			const char *v = berth_container_list_label_value(l, i, j);
			if (!k || !v)
				abort();
			if (j > 0 && strcmp(berth_container_list_label_key(l, i, j - 1), k) >= 0)
				abort();
			if (berth_container_list_label(l, i, k) != v)
				abort();
		}
		if (berth_container_list_label_key(l, i, m))
			abort();
		use(berth_container_list_label(l, i, "io.berth.managed"));
	}
	/* Out of range is NULL, not a crash. */
	if (berth_container_list_id(l, n) || berth_container_list_label_count(l, n))
		abort();
	berth_container_list_free(l);
}

static void check_create(const char *body, size_t len)
{
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (engineapi_parse_create(&id, body, len, "create", &err) < 0) {
		use(err.message);
		return;
	}
	if (!id[0])
		abort();
	use(id);
	free(id);
}

static void check_stop_timeout(const char *body, size_t len)
{
	berth_error err = BERTH_ERROR_INIT;
	int r = engineapi_parse_stop_timeout(body, len, "stop", &err);
	if (r < 0)
		use(err.message);
	else if (r >= 1000000)
		abort();
	/* an exec's inspect reply shares the selector: both read one object */
	bool running = false;
	int code = 7;
	if (engineapi_parse_exec_inspect(&running, &code, body, len, "exec inspect", &err) < 0)
		use(err.message);
	else
		sink += (size_t)running + (size_t)code;
}

static void check_error_message(const char *body, size_t len)
{
	/* A status derived from the body length: enough spread for the
	 * "HTTP <status>" fallback and the status -> code table. */
	int status = 100 + (int)(len % 500);
	char buf[256], tiny[2];
	engineapi_error_message(buf, sizeof buf, status, body, len);
	if (memchr(buf, '\0', sizeof buf) == NULL || !buf[0])
		abort();
	engineapi_error_message(tiny, sizeof tiny, status, body, len);
	if (tiny[sizeof tiny - 1] != '\0')
		abort();
	sink += (size_t)(-engineapi_status_code(status));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	char *body = fuzz_body(data, size, &len);
	if (!body)
		return 0;
	unsigned sel = (unsigned)(uint8_t)(data[0] - '0');

	switch (sel % 7) {
	case 0:
		check_version(body, len, (sel / 7) & 1 ? BERTH_ENGINE_PODMAN : BERTH_ENGINE_DOCKER);
		break;
	case 1: check_info(body, len); break;
	case 2: check_inspect(body, len); break;
	case 3: check_list(body, len); break;
	case 4: check_create(body, len); break;
	case 5: check_stop_timeout(body, len); break;
	case 6: check_error_message(body, len); break;
	}
	free(body);
	return 0;
}
