/* Conformance: restart, kill, pause/unpause, rename, update, wait, list by
 * state, prune and published ports, written once against the public API
 * and run against each engine (BERTH_TEST_ENGINE=docker|podman). Each test
 * checks the real effect (a signal's marker, the freezer and resource
 * cgroups, a connection through a published port), the error codes for a
 * missing container and for bad input. The fixture and its guest rules are
 * in tests/common/conformance.h. */
#include "conformance.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *SLEEP[] = { "sleep", "300" };

/* USR1 leaves a marker, TERM ends it with 42. */
static const char *TRAPS[] = { "sh", "-c",
	"trap 'echo usr1 > /tmp/marker' USR1; trap 'exit 42' TERM; while :; do sleep 0.1; done" };

static int64_t pid_of(const char *id)
{
	berth_container_info *x = inspect(id);
	int64_t pid = berth_container_info_pid(x);
	berth_container_info_free(x);
	return pid;
}

static berth_state state_of(const char *id)
{
	berth_container_info *x = inspect(id);
	berth_state st = berth_container_info_state(x);
	berth_container_info_free(x);
	return st;
}

/* Read a small file into buf (NUL-terminated, trailing newline cut);
 * false when it cannot be read. */
static bool read_text(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return true;
}

/* The value of a cgroup v1 control file of a process: the controller's
 * line in /proc/PID/cgroup gives the hierarchy (mounted at
 * /sys/fs/cgroup/<controllers>) and the path in it. */
static void cgroup_read(char *buf, size_t size, int64_t pid, const char *controller, const char *file)
{
	char path[600], line[512];
	snprintf(path, sizeof path, "/proc/%lld/cgroup", (long long)pid);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		/* the controllers field is a comma-separated list */
		char *ctl = c1 + 1;
		for (char *tok = ctl; tok && !found;) {
			char *comma = strchr(tok, ',');
			size_t n = comma ? (size_t)(comma - tok) : strlen(tok);
			found = n == strlen(controller) && strncmp(tok, controller, n) == 0;
			tok = comma ? comma + 1 : NULL;
		}
		if (found)
			snprintf(path, sizeof path, "/sys/fs/cgroup/%s%s/%s", ctl, c2 + 1, file);
	}
	fclose(f);
	if (!found)
		fail_msg("process %lld has no cgroup v1 %s hierarchy", (long long)pid, controller);
	if (!read_text(path, buf, size))
		fail_msg("cannot read %s", path);
}

static int64_t cgroup_int(int64_t pid, const char *controller, const char *file)
{
	char buf[64];
	cgroup_read(buf, sizeof buf, pid, controller, file);
	return strcmp(buf, "max") == 0 ? -1 : strtoll(buf, NULL, 10);
}

/* A field of inspect's HostConfig as a number (via the raw reply). */
static json_int_t host_config_int(const char *id, const char *key)
{
	berth_container_info *x = inspect(id);
	json_t *j = json_loads(berth_container_info_raw_json(x), 0, NULL);
	berth_container_info_free(x);
	assert_non_null(j);
	json_t *v = json_object_get(json_object_get(j, "HostConfig"), key);
	json_int_t n = json_is_integer(v) ? json_integer_value(v) : -12345;
	json_decref(j);
	return n;
}

static char *host_config_restart(const char *id, int *retries)
{
	berth_container_info *x = inspect(id);
	json_t *j = json_loads(berth_container_info_raw_json(x), 0, NULL);
	berth_container_info_free(x);
	json_t *p = json_object_get(json_object_get(j, "HostConfig"), "RestartPolicy");
	char *name = strdup(json_string_value(json_object_get(p, "Name")) ? json_string_value(json_object_get(p, "Name")) : "");
	*retries = (int)json_integer_value(json_object_get(p, "MaximumRetryCount"));
	json_decref(j);
	return name;
}

static void wait_for_file(int64_t pid, const char *inside, const char *want)
{
	char path[256], buf[64] = "";
	snprintf(path, sizeof path, "/proc/%lld/root%s", (long long)pid, inside);
	for (int i = 0; i < 100; i++) {
		if (read_text(path, buf, sizeof buf) && strcmp(buf, want) == 0)
			return;
		usleep(50 * 1000);
	}
	fail_msg("%s never held \"%s\" (last \"%s\")", path, want, buf);
}

/* ---- signals ------------------------------------------------------------- */

/* The signal arrives: USR1 leaves a marker and the process goes on; TERM
 * ends it with its own code (no signal in the outcome); KILL ends with 137
 * and signal 9. Names are parsed as docker kill takes them. */
static void test_kill_delivers(void **state)
{
	(void)state;
	need_engine();
	char *id = run(name_of("kill"), TRAPS, 3);
	usleep(300 * 1000); /* let the shell install its traps */
	int64_t pid = pid_of(id);
	berth_error err = BERTH_ERROR_INIT;
	int sig = 0;
	assert_ok(berth_signal_parse(&sig, "SIGUSR1", &err), &err);
	assert_ok(berth_container_kill(client, id, sig, &err), &err);
	wait_for_file(pid, "/tmp/marker", "usr1");
	assert_int_equal(state_of(id), BERTH_STATE_RUNNING);

	assert_ok(berth_signal_parse(&sig, "term", &err), &err);
	assert_ok(berth_container_kill(client, id, sig, &err), &err);
	berth_wait_outcome out = BERTH_WAIT_OUTCOME_INIT;
	berth_wait_options wo = BERTH_WAIT_OPTIONS_INIT;
	wo.timeout_ms = 20000;
	assert_ok(berth_container_wait(&out, client, id, &wo, &err), &err);
	assert_int_equal(out.exit_code, 42);
	assert_int_equal(out.signal, 0);
	assert_false(out.oom_killed);
	assert_string_equal(out.error, "");

	/* a stopped container: conflict, on both engines */
	assert_code(berth_container_kill(client, id, SIGKILL, &err), BERTH_ECONFLICT, &err);
	force_remove(id);
	berth_free(id);

	id = run(name_of("kill9"), SLEEP, 2);
	assert_ok(berth_signal_parse(&sig, "9", &err), &err);
	assert_ok(berth_container_kill(client, id, sig, &err), &err);
	assert_ok(berth_container_wait(&out, client, id, &wo, &err), &err);
	assert_int_equal(out.exit_code, 137);
	assert_int_equal(out.signal, SIGKILL);
	assert_false(out.oom_killed);
	force_remove(id);

	/* missing, bad signals, bad id */
	assert_code(berth_container_kill(client, id, SIGTERM, &err), BERTH_ENOTFOUND, &err);
	assert_code(berth_container_kill(client, name_of("kill"), 0, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_kill(client, name_of("kill"), SIGRTMAX + 1, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_kill(client, "bad/id", SIGTERM, &err), BERTH_EINVAL, &err);
	assert_code(berth_signal_parse(&sig, "SIGNOPE", &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "SIGNOPE");
	berth_free(id);
}

/* ---- restart ------------------------------------------------------------- */

/* sleep ignores SIGTERM: restart waits out the grace, kills, starts again;
 * a 1 s client deadline must outlast a 3 s grace. */
static void test_restart(void **state)
{
	(void)state;
	need_engine();
	char *id = run(name_of("restart"), SLEEP, 2);
	int64_t pid = pid_of(id);
	berth_client *impatient = client_with_timeout(1000);
	berth_error err = BERTH_ERROR_INIT;
	berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
	so.grace_seconds = 3;
	int64_t t0 = now_ms_();
	assert_ok(berth_container_restart(impatient, id, &so, &err), &err);
	int64_t took = now_ms_() - t0;
	berth_client_free(impatient);
	assert_true(took >= 2500);
	berth_container_info *x = inspect(id);
	assert_int_equal(berth_container_info_state(x), BERTH_STATE_RUNNING);
	assert_true(berth_container_info_pid(x) > 0);
	assert_true(berth_container_info_pid(x) != pid);
	berth_container_info_free(x);

	/* the trap container restarts at once: TERM is honoured */
	char *trap = run(name_of("restart-trap"), TRAPS, 3);
	usleep(300 * 1000);
	pid = pid_of(trap);
	so.grace_seconds = 30;
	t0 = now_ms_();
	assert_ok(berth_container_restart(client, trap, &so, &err), &err);
	assert_true(now_ms_() - t0 < 15000);
	assert_true(pid_of(trap) != pid);

	/* a paused container is restarted too (Podman: unpaused first) */
	assert_ok(berth_container_pause(client, trap, &err), &err);
	so.grace_seconds = 1;
	assert_ok(berth_container_restart(client, trap, &so, &err), &err);
	assert_int_equal(state_of(trap), BERTH_STATE_RUNNING);
	force_remove(trap);
	berth_free(trap);

	/* a created container is just started */
	char *created = create(name_of("restart-created"), SLEEP, 2);
	assert_ok(berth_container_restart(client, created, NULL, &err), &err);
	assert_int_equal(state_of(created), BERTH_STATE_RUNNING);
	force_remove(created);
	berth_free(created);

	so.grace_seconds = -2;
	assert_code(berth_container_restart(client, id, &so, &err), BERTH_EINVAL, &err);
	force_remove(id);
	so.grace_seconds = 1;
	assert_code(berth_container_restart(client, id, &so, &err), BERTH_ENOTFOUND, &err);
	berth_free(id);
}

/* ---- pause / unpause ------------------------------------------------------- */

static void test_pause_unpause(void **state)
{
	(void)state;
	need_engine();
	char *id = run(name_of("pause"), SLEEP, 2);
	int64_t pid = pid_of(id);
	char buf[64];
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_pause(client, id, &err), &err);
	assert_int_equal(state_of(id), BERTH_STATE_PAUSED);
	cgroup_read(buf, sizeof buf, pid, "freezer", "freezer.state");
	assert_string_equal(buf, "FROZEN");
	/* not idempotent, as docker pause: the same code on both engines */
	assert_code(berth_container_pause(client, id, &err), BERTH_EALREADY, &err);

	assert_ok(berth_container_unpause(client, id, &err), &err);
	assert_int_equal(state_of(id), BERTH_STATE_RUNNING);
	cgroup_read(buf, sizeof buf, pid, "freezer", "freezer.state");
	assert_string_equal(buf, "THAWED");
	assert_code(berth_container_unpause(client, id, &err), BERTH_ECONFLICT, &err);

	/* a stopped container can be neither */
	berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
	so.grace_seconds = 0;
	assert_ok(berth_container_stop(client, id, &so, &err), &err);
	assert_code(berth_container_pause(client, id, &err), BERTH_ECONFLICT, &err);
	assert_code(berth_container_unpause(client, id, &err), BERTH_ECONFLICT, &err);
	force_remove(id);
	assert_code(berth_container_pause(client, id, &err), BERTH_ENOTFOUND, &err);
	assert_code(berth_container_unpause(client, id, &err), BERTH_ENOTFOUND, &err);
	assert_code(berth_container_pause(client, "", &err), BERTH_EINVAL, &err);
	berth_free(id);
}

/* ---- rename ------------------------------------------------------------------ */

static void test_rename(void **state)
{
	(void)state;
	need_engine();
	if (engine_lacks("container_rename")) { /* containerd: a container's id is its name, for good */
		berth_error e = BERTH_ERROR_INIT;
		assert_code(berth_container_rename(client, name_of("ren-a"), name_of("ren-c"), &e), BERTH_EUNSUPPORTED, &e);
		conformance_pass();
	}
	const char *a = name_of("ren-a"), *b = name_of("ren-b"), *c = name_of("ren-c");
	char *id = run(a, SLEEP, 2);
	char *other = create(b, SLEEP, 2);
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_rename(client, a, c, &err), &err);
	berth_container_info *x = inspect(c);
	assert_string_equal(berth_container_info_id(x), id);
	assert_string_equal(berth_container_info_name(x), c);
	berth_container_info_free(x);
	assert_code(berth_container_inspect(&x, client, a, &err), BERTH_ENOTFOUND, &err);
	/* its own name: no change, no error, on both engines */
	assert_ok(berth_container_rename(client, c, c, &err), &err);
	/* a taken name */
	assert_code(berth_container_rename(client, c, b, &err), BERTH_EEXISTS, &err);
	assert_message_has(&err, b);
	/* bad names never reach the engine */
	assert_code(berth_container_rename(client, c, "x", &err), BERTH_EINVAL, &err);
	assert_code(berth_container_rename(client, c, "bad/name", &err), BERTH_EINVAL, &err);
	assert_code(berth_container_rename(client, c, NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_rename(client, name_of("ren-missing"), name_of("ren-d"), &err), BERTH_ENOTFOUND,
		    &err);
	force_remove(id);
	force_remove(other);
	berth_free(id);
	berth_free(other);
}

/* ---- update ------------------------------------------------------------------- */

static void test_update_resources(void **state)
{
	(void)state;
	need_engine();
	char *id = run(name_of("update"), SLEEP, 2);
	int64_t pid = pid_of(id);
	berth_update_options uo = BERTH_UPDATE_OPTIONS_INIT;
	uo.memory = 64 << 20;
	uo.memory_swap = 128 << 20;
	uo.nano_cpus = 500000000;
	uo.cpu_shares = 512;
	uo.pids_limit = 77;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_update(client, id, &uo, &err), &err);

	/* the kernel's view */
	assert_int_equal(cgroup_int(pid, "memory", "memory.limit_in_bytes"), 64 << 20);
	if (access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", F_OK) == 0)
		assert_int_equal(cgroup_int(pid, "memory", "memory.memsw.limit_in_bytes"), 128 << 20);
	assert_int_equal(cgroup_int(pid, "cpu", "cpu.cfs_quota_us"), 50000);
	assert_int_equal(cgroup_int(pid, "cpu", "cpu.cfs_period_us"), 100000);
	assert_int_equal(cgroup_int(pid, "cpu", "cpu.shares"), 512);
	assert_int_equal(cgroup_int(pid, "pids", "pids.max"), 77);

	/* the engine's view: Docker records them; Podman 4.3 keeps the
	 * creation-time values in inspect (documented) */
	json_int_t want_memory = engine == BERTH_ENGINE_DOCKER ? 64 << 20 : 0;
	if (engine != BERTH_ENGINE_CONTAINERD) /* no HostConfig: the kernel's view is the record */
		assert_int_equal(host_config_int(id, "Memory"), want_memory);
	if (engine == BERTH_ENGINE_DOCKER) {
		assert_int_equal(host_config_int(id, "MemorySwap"), 128 << 20);
		assert_int_equal(host_config_int(id, "NanoCpus"), 500000000);
		assert_int_equal(host_config_int(id, "CpuShares"), 512);
		assert_int_equal(host_config_int(id, "PidsLimit"), 77);
	}

	/* one field alone leaves the others; -1 lifts the pids limit */
	berth_update_options one = BERTH_UPDATE_OPTIONS_INIT;
	one.pids_limit = -1;
	assert_ok(berth_container_update(client, id, &one, &err), &err);
	assert_int_equal(cgroup_int(pid, "pids", "pids.max"), -1);
	assert_int_equal(cgroup_int(pid, "memory", "memory.limit_in_bytes"), 64 << 20);

	/* the restart policy: Docker changes it; Podman cannot, and says so */
	berth_update_options rp = BERTH_UPDATE_OPTIONS_INIT;
	rp.restart_policy = "on-failure";
	rp.restart_max_retries = 3;
	if (engine == BERTH_ENGINE_DOCKER) {
		assert_ok(berth_container_update(client, id, &rp, &err), &err);
		int retries = 0;
		char *policy = host_config_restart(id, &retries);
		assert_string_equal(policy, "on-failure");
		assert_int_equal(retries, 3);
		free(policy);
	} else {
		assert_code(berth_container_update(client, id, &rp, &err), BERTH_EUNSUPPORTED, &err);
		assert_message_has(&err, "restart_policy");
	}
	if (engine == BERTH_ENGINE_CONTAINERD) { /* always and unless-stopped it changes */
		rp = (berth_update_options)BERTH_UPDATE_OPTIONS_INIT;
		rp.restart_policy = "unless-stopped";
		assert_ok(berth_container_update(client, id, &rp, &err), &err);
		int retries = 1;
		char *policy = host_config_restart(id, &retries);
		assert_string_equal(policy, "unless-stopped");
		assert_int_equal(retries, 0);
		free(policy);
		rp.restart_policy = "no";
		assert_ok(berth_container_update(client, id, &rp, &err), &err);
		policy = host_config_restart(id, &retries);
		assert_string_equal(policy, "no");
		free(policy);
	}

	/* a stopped container: Docker (and berth on containerd, in the
	 * container's runtime spec) records it for the next start; Podman can
	 * change live cgroups only */
	berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
	so.grace_seconds = 0;
	assert_ok(berth_container_stop(client, id, &so, &err), &err);
	berth_update_options later = BERTH_UPDATE_OPTIONS_INIT;
	later.cpu_shares = 256;
	if (engine == BERTH_ENGINE_DOCKER || engine == BERTH_ENGINE_CONTAINERD) {
		assert_ok(berth_container_update(client, id, &later, &err), &err);
		if (engine == BERTH_ENGINE_DOCKER)
			assert_int_equal(host_config_int(id, "CpuShares"), 256);
		assert_ok(berth_container_start(client, id, &err), &err);
		assert_int_equal(cgroup_int(pid_of(id), "cpu", "cpu.shares"), 256);
	} else {
		assert_code(berth_container_update(client, id, &later, &err), BERTH_EUNSUPPORTED, &err);
		assert_message_has(&err, "running");
	}

	/* bad input is named, before any request */
	berth_update_options bad = BERTH_UPDATE_OPTIONS_INIT;
	assert_code(berth_container_update(client, id, &bad, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "nothing to change");
	assert_code(berth_container_update(client, id, NULL, &err), BERTH_EINVAL, &err);
	bad.memory = 1000;
	assert_code(berth_container_update(client, id, &bad, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "memory");
	bad = (berth_update_options)BERTH_UPDATE_OPTIONS_INIT;
	bad.memory = 64 << 20;
	bad.memory_swap = 32 << 20;
	assert_code(berth_container_update(client, id, &bad, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "memory_swap");
	bad = (berth_update_options)BERTH_UPDATE_OPTIONS_INIT;
	bad.cpu_shares = 1;
	assert_code(berth_container_update(client, id, &bad, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "cpu_shares");
	bad = (berth_update_options)BERTH_UPDATE_OPTIONS_INIT;
	bad.nano_cpus = 1000;
	assert_code(berth_container_update(client, id, &bad, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "nano_cpus");
	bad = (berth_update_options)BERTH_UPDATE_OPTIONS_INIT;
	bad.pids_limit = 0;
	assert_code(berth_container_update(client, id, &bad, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "pids_limit");
	bad = (berth_update_options)BERTH_UPDATE_OPTIONS_INIT;
	bad.restart_policy = "sometimes";
	assert_code(berth_container_update(client, id, &bad, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "restart_policy");
	bad.restart_policy = "always";
	bad.restart_max_retries = 2;
	assert_code(berth_container_update(client, id, &bad, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "restart_max_retries");
	force_remove(id);
	assert_code(berth_container_update(client, id, &one, &err), BERTH_ENOTFOUND, &err);
	berth_free(id);
}

/* ---- wait ---------------------------------------------------------------------- */

struct waiter {
	const char *id;
	berth_wait_condition condition;
	berth_wait_outcome out;
	int r;
	berth_error err;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	berth_wait_options wo = BERTH_WAIT_OPTIONS_INIT;
	wo.condition = w->condition;
	wo.timeout_ms = 60000;
	w->out = (berth_wait_outcome)BERTH_WAIT_OUTCOME_INIT;
	w->r = berth_container_wait(&w->out, client, w->id, &wo, &w->err);
	return NULL;
}

static void test_wait_conditions(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	berth_wait_options wo = BERTH_WAIT_OPTIONS_INIT;
	berth_wait_outcome out = BERTH_WAIT_OUTCOME_INIT;

	/* next-exit: returns when it exits, with its code */
	const char *exit3[] = { "sh", "-c", "sleep 1; exit 3" };
	char *id = run(name_of("wait3"), exit3, 3);
	wo.condition = BERTH_WAIT_NEXT_EXIT;
	wo.timeout_ms = 20000;
	int64_t t0 = now_ms_();
	assert_ok(berth_container_wait(&out, client, id, &wo, &err), &err);
	assert_true(now_ms_() - t0 >= 500);
	assert_int_equal(out.exit_code, 3);
	assert_int_equal(out.signal, 0);
	assert_int_equal(state_of(id), BERTH_STATE_EXITED);
	/* not-running on a stopped container: at once, the same code */
	wo.condition = BERTH_WAIT_NOT_RUNNING;
	out = (berth_wait_outcome)BERTH_WAIT_OUTCOME_INIT;
	t0 = now_ms_();
	assert_ok(berth_container_wait(&out, client, id, &wo, &err), &err);
	assert_true(now_ms_() - t0 < 5000);
	assert_int_equal(out.exit_code, 3);
	/* NULL outcome: just wait */
	assert_ok(berth_container_wait(NULL, client, id, NULL, &err), &err);

	force_remove(id);
	berth_free(id);

	/* removed: the code seen at the stop (Podman's own reply says 0);
	 * the waiter is waiting before the container ends, and the removal
	 * comes well after Podman's 250 ms exit poll (see the header) */
	id = run(name_of("wait-rm"), TRAPS, 3);
	struct waiter w = { .id = id, .condition = BERTH_WAIT_REMOVED, .err = BERTH_ERROR_INIT };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, wait_thread, &w), 0);
	usleep(700 * 1000);
	assert_ok(berth_container_kill(client, id, SIGTERM, &err), &err);
	berth_container_info_free(wait_exited(id, 20000));
	usleep(1500 * 1000);
	berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
	assert_ok(berth_container_remove(client, id, &ro, &err), &err);
	pthread_join(t, NULL);
	assert_ok(w.r, &w.err);
	assert_int_equal(w.out.exit_code, 42);
	assert_code(berth_container_wait(&out, client, id, &wo, &err), BERTH_ENOTFOUND, &err);
	berth_free(id);

	/* a client-side timeout; the client goes on working */
	id = run(name_of("wait-slow"), SLEEP, 2);
	wo.timeout_ms = 500;
	t0 = now_ms_();
	out = (berth_wait_outcome)BERTH_WAIT_OUTCOME_INIT;
	out.exit_code = 99;
	assert_code(berth_container_wait(&out, client, id, &wo, &err), BERTH_ETIMEDOUT, &err);
	int64_t took = now_ms_() - t0;
	assert_true(took >= 400 && took < 3000);
	assert_int_equal(out.exit_code, 99); /* untouched on failure */
	assert_ok(berth_ping(client, &err), &err);
	assert_int_equal(state_of(id), BERTH_STATE_RUNNING);
	force_remove(id);
	berth_free(id);

	/* a command that cannot start: the engine's error, no signal */
	const char *nocmd[] = { "/no/such/binary" };
	id = create(name_of("wait-nocmd"), nocmd, 1);
	assert_true(berth_container_start(client, id, &err) < 0);
	wo.timeout_ms = 20000;
	out = (berth_wait_outcome)BERTH_WAIT_OUTCOME_INIT;
	assert_ok(berth_container_wait(&out, client, id, &wo, &err), &err);
	assert_int_equal(out.signal, 0);
	if (engine == BERTH_ENGINE_DOCKER) {
		/* Docker records the start failure: 127 and its reason */
		assert_int_equal(out.exit_code, 127);
		assert_true(strlen(out.error) > 0);
	} else {
		/* Podman records nothing: no exit status, no error */
		assert_int_equal(out.exit_code, -1);
		assert_string_equal(out.error, "");
	}
	force_remove(id);
	berth_free(id);

	/* a created container has no exit status yet: -1 on both engines */
	id = create(name_of("wait-created"), SLEEP, 2);
	wo.condition = BERTH_WAIT_NOT_RUNNING;
	out = (berth_wait_outcome)BERTH_WAIT_OUTCOME_INIT;
	assert_ok(berth_container_wait(&out, client, id, &wo, &err), &err);
	assert_int_equal(out.exit_code, -1);
	assert_int_equal(out.signal, 0);
	force_remove(id);
	berth_free(id);

	/* bad input */
	assert_code(berth_container_wait(&out, client, name_of("wait-missing"), &wo, &err), BERTH_ENOTFOUND, &err);
	wo.condition = (berth_wait_condition)7;
	assert_code(berth_container_wait(&out, client, name_of("wait-missing"), &wo, &err), BERTH_EINVAL, &err);
	wo.condition = BERTH_WAIT_NOT_RUNNING;
	wo.timeout_ms = -5;
	assert_code(berth_container_wait(&out, client, name_of("wait-missing"), &wo, &err), BERTH_EINVAL, &err);
	wo.timeout_ms = 0;
	out.version = 77;
	assert_code(berth_container_wait(&out, client, name_of("wait-missing"), &wo, &err), BERTH_EINVAL, &err);
}

/* The kernel's OOM killer: a 32 MiB limit set live, then USR1 makes the
 * shell read 100 MB into a variable. */
static void test_wait_oom(void **state)
{
	(void)state;
	need_engine();
	const char *hog[] = { "sh", "-c",
		"trap 'x=$(head -c 100000000 /dev/zero | tr \"\\0\" x); exit 0' USR1; while :; do sleep 0.1; done" };
	char *id = run(name_of("oom"), hog, 3);
	usleep(300 * 1000);
	berth_update_options uo = BERTH_UPDATE_OPTIONS_INIT;
	uo.memory = 32 << 20;
	uo.memory_swap = 32 << 20;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_update(client, id, &uo, &err), &err);
	assert_ok(berth_container_kill(client, id, SIGUSR1, &err), &err);
	berth_wait_options wo = BERTH_WAIT_OPTIONS_INIT;
	wo.timeout_ms = 60000;
	berth_wait_outcome out = BERTH_WAIT_OUTCOME_INIT;
	assert_ok(berth_container_wait(&out, client, id, &wo, &err), &err);
	assert_int_equal(out.exit_code, 137);
	assert_int_equal(out.signal, SIGKILL);
	/* the outcome carries what the engine recorded ... */
	berth_container_info *x = inspect(id);
	assert_int_equal(out.oom_killed, berth_container_info_oom_killed(x));
	berth_container_info_free(x);
	/* ... which is the truth on Docker; Podman 4.3 with runc on these
	 * cgroup v1 hosts never records OOM kills (State.OOMKilled stays
	 * false even with the limit set at creation), documented */
	if (engine == BERTH_ENGINE_DOCKER)
		assert_true(out.oom_killed);
	force_remove(id);
	berth_free(id);
}

/* ---- list by state ---------------------------------------------------------------- */

/* What a v1 caller (built before the state filter) passes. */
struct list_options_v1 {
	unsigned int version;
	int all;
	const char *const *labels;
	size_t label_count;
	const char *name;
};

static size_t count_with(const berth_state *states, size_t n, const char *const *labels, char **first_id)
{
	berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
	lo.labels = labels;
	lo.label_count = 1;
	lo.states = states;
	lo.state_count = n;
	berth_container_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_list_get(&l, client, &lo, &err), &err);
	size_t count = berth_container_list_count(l);
	if (first_id)
		*first_id = count ? strdup(berth_container_list_id(l, 0)) : NULL;
	for (size_t i = 0; i < count; i++) {
		bool asked = false;
		for (size_t k = 0; k < n; k++)
			asked = asked || berth_container_list_state(l, i) == states[k];
		assert_true(asked);
	}
	berth_container_list_free(l);
	return count;
}

static void test_list_by_state(void **state)
{
	(void)state;
	need_engine();
	char filter[96];
	snprintf(filter, sizeof filter, "io.berth.test.states=%s", run_id);
	const char *const labels[] = { filter };
	const char *const t[] = { "true" };
	berth_error err = BERTH_ERROR_INIT;

	char *ids[4];
	const char *what[] = { "st-run", "st-exit", "st-created", "st-paused" };
	for (int i = 0; i < 4; i++) {
		berth_spec *s = spec_of(name_of(what[i]), i == 1 ? t : SLEEP, i == 1 ? 1 : 2);
		assert_ok(berth_spec_add_label(s, "io.berth.test.states", run_id, &err), &err);
		assert_ok((i == 2 ? berth_container_create : berth_container_run)(&ids[i], client, s, &err), &err);
		berth_spec_free(s);
	}
	berth_container_info_free(wait_exited(ids[1], 20000));
	assert_ok(berth_container_pause(client, ids[3], &err), &err);

	static const berth_state expect[] = { BERTH_STATE_RUNNING, BERTH_STATE_EXITED, BERTH_STATE_CREATED,
					      BERTH_STATE_PAUSED };
	for (int i = 0; i < 4; i++) {
		char *got = NULL;
		assert_int_equal(count_with(&expect[i], 1, labels, &got), 1);
		assert_string_equal(got, ids[i]);
		free(got);
	}
	const berth_state two[] = { BERTH_STATE_EXITED, BERTH_STATE_RUNNING };
	assert_int_equal(count_with(two, 2, labels, NULL), 2);
	/* states Podman never has: none there, and none on Docker here */
	const berth_state dead[] = { BERTH_STATE_DEAD };
	assert_int_equal(count_with(dead, 1, labels, NULL), 0);
	const berth_state restarting[] = { BERTH_STATE_RESTARTING };
	assert_int_equal(count_with(restarting, 1, labels, NULL), 0);

	/* a version 1 caller still works (all four with all = 1) */
	struct list_options_v1 v1 = { 1, 1, labels, 1, NULL };
	berth_container_list *l = NULL;
	assert_ok(berth_container_list_get(&l, client, (const berth_list_options *)&v1, &err), &err);
	assert_int_equal(berth_container_list_count(l), 4);
	berth_container_list_free(l);

	berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
	const berth_state bogus[] = { (berth_state)42 };
	lo.states = bogus;
	lo.state_count = 1;
	assert_code(berth_container_list_get(&l, client, &lo, &err), BERTH_EINVAL, &err);
	lo.states = NULL;
	assert_code(berth_container_list_get(&l, client, &lo, &err), BERTH_EINVAL, &err);
	lo.version = 3;
	lo.state_count = 0;
	assert_code(berth_container_list_get(&l, client, &lo, &err), BERTH_EINVAL, &err);
	for (int i = 0; i < 4; i++) {
		force_remove(ids[i]);
		berth_free(ids[i]);
	}
}

/* ---- restart policies ---------------------------------------------------------------- */

/* Docker restarts at once (with a growing delay), containerd's restart
 * monitor at its next look (every 10 s), Podman when its cleanup process
 * sees the exit: all well within this. */
#define RESTART_WAIT_MS 25000
/* A stopped container must stay down past one look of containerd's monitor. */
#define STAYS_DOWN_MS 13000

static char *run_policy(const char *what, berth_restart_policy p, const char *const *argv, size_t argc)
{
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *s = spec_of(name_of(what), argv, argc);
	assert_ok(berth_spec_set_restart(s, p, 0, &err), &err);
	char *id = NULL;
	assert_ok(berth_container_run(&id, client, s, &err), &err);
	berth_spec_free(s);
	return id;
}

/* How many lines of the container's stdout hold word. */
static int lines_with(const char *id, const char *word)
{
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	assert_ok(berth_container_logs(&s, client, id, NULL, &err), &err);
	berth_frame f;
	int n = 0, r;
	while ((r = berth_stream_next(s, &f, 10000, &err)) == 0)
		if (f.channel == BERTH_CHANNEL_STDOUT && memmem(f.data, f.len, word, strlen(word)))
			n++;
	berth_stream_free(s);
	assert_int_equal(r, BERTH_ITEROVER);
	return n;
}

/* A process that ends by itself is started again, with its output kept
 * beside the first run's; stopped, it stays down. */
static void test_restart_policy_runs(void **state)
{
	(void)state;
	need_engine();
	static const char *const EXITS[] = { "sh", "-c", "echo berth-run; sleep 1; exit 3" };
	static const berth_restart_policy policies[] = { BERTH_RESTART_ALWAYS, BERTH_RESTART_UNLESS_STOPPED };
	char *ids[2];
	for (int i = 0; i < 2; i++)
		ids[i] = run_policy(i ? "rp-unless" : "rp-always", policies[i], EXITS, 3);
	bool again[2] = { false, false };
	for (int64_t until = now_ms_() + RESTART_WAIT_MS; (!again[0] || !again[1]) && now_ms_() < until;) {
		for (int i = 0; i < 2; i++) {
			if (again[i])
				continue;
			berth_container_info *x = inspect(ids[i]);
			again[i] = berth_container_info_restart_count(x) >= 1 && lines_with(ids[i], "berth-run") >= 2;
			berth_container_info_free(x);
		}
		usleep(250 * 1000);
	}
	for (int i = 0; i < 2; i++)
		if (!again[i])
			fail_msg("%s: not started again with its logs within %d ms (restart count, two runs' output)",
				 berth_restart_policy_name(policies[i]), RESTART_WAIT_MS);
	for (int i = 0; i < 2; i++) {
		force_remove(ids[i]);
		berth_free(ids[i]);
	}

	/* a stop holds: the engine does not start it again */
	berth_error err = BERTH_ERROR_INIT;
	berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
	so.grace_seconds = 0;
	for (int i = 0; i < 2; i++) {
		ids[i] = run_policy(i ? "rp-unless-stop" : "rp-always-stop", policies[i], SLEEP, 2);
		assert_ok(berth_container_stop(client, ids[i], &so, &err), &err);
	}
	for (int64_t until = now_ms_() + STAYS_DOWN_MS; now_ms_() < until;) {
		for (int i = 0; i < 2; i++) {
			berth_state st = state_of(ids[i]);
			if (st == BERTH_STATE_RUNNING || st == BERTH_STATE_RESTARTING)
				fail_msg("%s: started again after a stop (%s)", berth_restart_policy_name(policies[i]),
					 berth_state_name(st));
		}
		usleep(500 * 1000);
	}
	/* a start arms the policy again: it is running, and a restart too */
	assert_ok(berth_container_start(client, ids[0], &err), &err);
	assert_int_equal(state_of(ids[0]), BERTH_STATE_RUNNING);
	assert_ok(berth_container_restart(client, ids[0], &so, &err), &err);
	assert_int_equal(state_of(ids[0]), BERTH_STATE_RUNNING);
	for (int i = 0; i < 2; i++) {
		force_remove(ids[i]);
		berth_free(ids[i]);
	}

	/* containerd's restart monitor has no exit-code condition */
	if (engine == BERTH_ENGINE_CONTAINERD) {
		berth_spec *s = spec_of(name_of("rp-failure"), EXITS, 3);
		assert_ok(berth_spec_set_restart(s, BERTH_RESTART_ON_FAILURE, 2, &err), &err);
		char *id = NULL;
		assert_code(berth_container_create(&id, client, s, &err), BERTH_EUNSUPPORTED, &err);
		assert_message_has(&err, "on-failure");
		assert_message_has(&err, "containerd");
		assert_null(id);
		berth_spec_free(s);
	}
}

/* ---- prune --------------------------------------------------------------------------- */

static void test_prune_by_label(void **state)
{
	(void)state;
	need_engine();
	char filter[96];
	snprintf(filter, sizeof filter, "io.berth.test.prune=%s", run_id);
	const char *const labels[] = { filter };
	const char *const t[] = { "true" };
	berth_error err = BERTH_ERROR_INIT;

	/* two stopped and one created with the prune label, one running with
	 * it, one stopped without it */
	char *ids[5];
	for (int i = 0; i < 5; i++) {
		char what[16];
		snprintf(what, sizeof what, "prune%d", i);
		bool stopped = i < 2 || i == 4;
		berth_spec *s = spec_of(name_of(what), stopped ? t : SLEEP, stopped ? 1 : 2);
		if (i < 4)
			assert_ok(berth_spec_add_label(s, "io.berth.test.prune", run_id, &err), &err);
		assert_ok((i == 2 ? berth_container_create : berth_container_run)(&ids[i], client, s, &err), &err);
		berth_spec_free(s);
	}
	berth_container_info_free(wait_exited(ids[0], 20000));
	berth_container_info_free(wait_exited(ids[1], 20000));
	berth_container_info_free(wait_exited(ids[4], 20000));

	berth_prune_options po = BERTH_PRUNE_OPTIONS_INIT;
	po.labels = labels;
	po.label_count = 1;
	berth_prune_result *res = NULL;
	assert_ok(berth_container_prune(&res, client, &po, &err), &err);
	size_t n = berth_prune_result_count(res);
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++) {
		bool listed = false;
		for (size_t j = 0; j < n; j++)
			listed = listed || strcmp(berth_prune_result_id(res, j), ids[i]) == 0;
		assert_true(listed);
		berth_container_info *x = NULL;
		assert_code(berth_container_inspect(&x, client, ids[i], &err), BERTH_ENOTFOUND, &err);
	}
	assert_null(berth_prune_result_id(res, n));
	(void)berth_prune_result_space_reclaimed(res);
	berth_prune_result_free(res);
	/* the running one and the unlabelled one are still there */
	assert_int_equal(state_of(ids[3]), BERTH_STATE_RUNNING);
	assert_int_equal(state_of(ids[4]), BERTH_STATE_EXITED);

	/* again: nothing left to prune; a NULL result is fine */
	res = NULL;
	assert_ok(berth_container_prune(&res, client, &po, &err), &err);
	assert_int_equal(berth_prune_result_count(res), 0);
	berth_prune_result_free(res);
	assert_ok(berth_container_prune(NULL, client, &po, &err), &err);

	const char *const empty[] = { "" };
	po.labels = empty;
	assert_code(berth_container_prune(&res, client, &po, &err), BERTH_EINVAL, &err);
	force_remove(ids[3]);
	force_remove(ids[4]);
	for (int i = 0; i < 5; i++)
		berth_free(ids[i]);
}

/* ---- published ports --------------------------------------------------------------------- */

/* The spec has no ports yet: the engine's own CLI makes the container. */
static int engine_cli(const char *args)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>&1",
		 engine == BERTH_ENGINE_DOCKER ? "/usr/bin/docker -H unix:///var/run/docker.sock"
					       : "podman --url unix:///run/podman/podman.sock",
		 args);
	return system(cmd);
}

/* Connect to 127.0.0.1:port and read what the server says first. */
static bool read_banner(int port, char *buf, size_t size)
{
	for (int attempt = 0; attempt < 50; attempt++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		struct timeval tv = { .tv_sec = 2 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		ssize_t n = -1;
		if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
			n = read(fd, buf, size - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			return true;
		}
		usleep(100 * 1000);
	}
	return false;
}

static void test_published_ports(void **state)
{
	(void)state;
	need_engine();
	const char *name = name_of("ports");
	if (engine == BERTH_ENGINE_CONTAINERD) {
		/* no engine CLI there: berth makes it */
		const char *argv[] = { "sh", "-c", "while :; do echo hello-berth | nc -l -p 80; done" };
		berth_spec *s = spec_of(name, argv, 3);
		berth_error err = BERTH_ERROR_INIT;
		assert_ok(berth_spec_add_port(s, "127.0.0.1", 0, 80, BERTH_PROTO_TCP, &err), &err);
		assert_ok(berth_spec_add_port(s, "127.0.0.1", 0, 53, BERTH_PROTO_UDP, &err), &err);
		char *made = NULL;
		assert_ok(berth_container_run(&made, client, s, &err), &err);
		berth_spec_free(s);
		berth_free(made);
	} else {
		char args[512];
		snprintf(args, sizeof args,
			 "run -d --name %s -l %s=%s -p 127.0.0.1::80 -p 127.0.0.1::53/udp %s "
			 "sh -c 'while :; do echo hello-berth | nc -l -p 80; done'",
			 name, RUN_LABEL, run_id, IMAGE);
		assert_int_equal(engine_cli(args), 0);
	}
	berth_container_info *x = inspect(name);
	assert_int_equal(berth_container_info_port_count(x), 2);
	/* sorted by container port */
	assert_int_equal(berth_container_info_port_container_port(x, 0), 53);
	assert_string_equal(berth_container_info_port_proto(x, 0), "udp");
	assert_string_equal(berth_container_info_port_host_ip(x, 0), "127.0.0.1");
	assert_true(berth_container_info_port_host_port(x, 0) > 0);
	assert_int_equal(berth_container_info_port_container_port(x, 1), 80);
	assert_string_equal(berth_container_info_port_proto(x, 1), "tcp");
	assert_string_equal(berth_container_info_port_host_ip(x, 1), "127.0.0.1");
	int host = berth_container_info_port_host_port(x, 1);
	assert_true(host > 0 && host <= 65535);
	/* out of range */
	assert_int_equal(berth_container_info_port_container_port(x, 2), 0);
	assert_null(berth_container_info_port_proto(x, 2));
	berth_container_info_free(x);

	/* the mapping is real: the server inside answers on the host port */
	char banner[64];
	assert_true(read_banner(host, banner, sizeof banner));
	assert_string_equal(banner, "hello-berth\n");

	/* a container without published ports has none */
	char *id = run(name_of("noports"), SLEEP, 2);
	x = inspect(id);
	assert_int_equal(berth_container_info_port_count(x), 0);
	berth_container_info_free(x);
	force_remove(id);
	force_remove(name);
	berth_free(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_delivers),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_pause_unpause),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_update_resources),
		cmocka_unit_test(test_wait_conditions),
		cmocka_unit_test(test_wait_oom),
		cmocka_unit_test(test_list_by_state),
		cmocka_unit_test(test_restart_policy_runs),
		cmocka_unit_test(test_prune_by_label),
		cmocka_unit_test(test_published_ports),
	};
	const char *e = getenv("BERTH_TEST_ENGINE");
	char group[64];
	snprintf(group, sizeof group, "conformance-ops-%s", e ? e : "docker");
	return cmocka_run_group_tests_name(group, tests, conformance_setup, conformance_teardown);
}
