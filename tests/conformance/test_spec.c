/* Conformance: the container spec, checked where it takes effect — inside
 * the container, read from the host through /proc/PID and the container's
 * cgroup — on each engine (BERTH_TEST_ENGINE=docker|podman). Where an engine
 * cannot honour a field, the suite checks that berth says so
 * (BERTH_EUNSUPPORTED) instead of dropping it.
 *
 * Guests on the engine: containers are named berth-t-<run>-..., labelled
 * io.berth.test.run=<run>, and only those (and the run's one named volume)
 * are removed. Ports are published on 127.0.0.1 only and probed with a
 * bounded number of requests. A missing engine skips the suite loudly;
 * under CI it fails. */
#include "conformance.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define MEMORY_UNLIMITED "9223372036854771712" /* the cgroup's "no limit" */

enum { CAP_NET_RAW_BIT = 13, CAP_IPC_LOCK_BIT = 14, CAP_SYS_MODULE_BIT = 16, CAP_SYS_ADMIN_BIT = 21,
       CAP_SYS_RESOURCE_BIT = 24 };

static char volume[64];       /* the run's named volume */

/* ---- helpers --------------------------------------------------------------- */

static bool podman(void) { return engine == BERTH_ENGINE_PODMAN; }
static bool containerd(void) { return engine == BERTH_ENGINE_CONTAINERD; }

/* What an engine cannot honour: create answers BERTH_EUNSUPPORTED naming
 * the field before any request, and makes nothing. Frees s. */
static void expect_refused(berth_spec *s, const char *field)
{
	berth_error err = BERTH_ERROR_INIT;
	char *id = NULL;
	assert_code(berth_container_create(&id, client, s, &err), BERTH_EUNSUPPORTED, &err);
	assert_message_has(&err, field);
	assert_null(id);
	berth_container_info *x = NULL;
	assert_code(berth_container_inspect(&x, client, berth_spec_name(s), &err), BERTH_ENOTFOUND, &err);
	berth_spec_free(s);
}

/* A spec with the run's name and label, and a command when argc > 0. */
static berth_spec *base(const char *what, const char *image, const char *const *argv, size_t argc)
{
	return spec_of_image(image, name_of(what), argv, argc);
}

static const char *SLEEP[] = { "sleep", "300" };

/* Run (create + start) and free the spec; the id is the caller's. */
static char *run_spec(berth_spec *s)
{
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_run(&id, client, s, &err), &err);
	berth_spec_free(s);
	return id;
}

static char *create_spec(berth_spec *s)
{
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_create(&id, client, s, &err), &err);
	berth_spec_free(s);
	return id;
}

/* Remove with force, and free the id. */
static void discard(char *id)
{
	force_remove(id);
	berth_free(id);
}

static const char *slurp(const char *fmt, ...) _printf_(1, 2);

/* The host pid of a running container, once it runs the container's own
 * program: the engine reports the pid while runc's init still holds it
 * (limits, ids and capabilities are in place only after its exec). */
static long pid_of(const char *id)
{
	berth_container_info *x = inspect(id);
	long pid = (long)berth_container_info_pid(x);
	if (!berth_container_info_running(x) || pid <= 0)
		fail_msg("%s is not running (%s): %s", id, berth_state_name(berth_container_info_state(x)),
			 berth_container_info_error(x));
	berth_container_info_free(x);
	int64_t end = now_ms_() + 10000;
	while (strncmp(slurp("/proc/%ld/comm", pid), "runc:", 5) == 0) {
		if (now_ms_() > end)
			fail_msg("pid %ld is still runc's init after 10 s", pid);
		usleep(10 * 1000);
	}
	return pid;
}

/* Wait (bounded) until pid runs `comm` (a shell that execs). */
static void wait_comm(long pid, const char *comm)
{
	char want[64];
	snprintf(want, sizeof want, "%s\n", comm);
	int64_t end = now_ms_() + 10000;
	while (strcmp(slurp("/proc/%ld/comm", pid), want) != 0) {
		if (now_ms_() > end)
			fail_msg("pid %ld never became %s (comm %s)", pid, comm, slurp("/proc/%ld/comm", pid));
		usleep(10 * 1000);
	}
}

/* The engine's inspect reply, parsed. */
static json_t *raw_of(const char *id)
{
	berth_container_info *x = inspect(id);
	json_error_t jerr;
	json_t *j = json_loads(berth_container_info_raw_json(x), 0, &jerr);
	berth_container_info_free(x);
	assert_non_null(j);
	return j;
}

/* "HostConfig.RestartPolicy.Name" in a parsed reply; NULL when absent. */
static json_t *at(json_t *j, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && j; k = strtok_r(NULL, ".", &save))
		j = json_object_get(j, k);
	return j;
}

static const char *at_str(json_t *j, const char *path)
{
	const char *s = json_string_value(at(j, path));
	return s ? s : "";
}

static long long at_int(json_t *j, const char *path) { return json_integer_value(at(j, path)); }

/* A small file's text ("" when unreadable). Static buffer, one at a time. */
static const char *slurp(const char *fmt, ...)
{
	static char buf[65536];
	char path[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return buf;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* One "Name:\tvalue" field of /proc/PID/status. */
static unsigned long long status_hex(long pid, const char *field)
{
	const char *text = slurp("/proc/%ld/status", pid);
	char key[64];
	snprintf(key, sizeof key, "\n%s:", field);
	const char *p = strstr(text, key);
	if (!p)
		fail_msg("no %s in /proc/%ld/status", field, pid);
	return strtoull(p + strlen(key), NULL, 16);
}

static const char *status_line(long pid, const char *field)
{
	static char line[256];
	const char *text = slurp("/proc/%ld/status", pid);
	char key[64];
	snprintf(key, sizeof key, "\n%s:", field);
	const char *p = strstr(text, key);
	if (!p)
		fail_msg("no %s in /proc/%ld/status", field, pid);
	p += strlen(key);
	while (*p == '\t' || *p == ' ')
		p++;
	snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
	return line;
}

/* The soft and hard columns of a row of /proc/PID/limits ("unlimited" or a number). */
static void limits_row(long pid, const char *row, char soft[32], char hard[32])
{
	const char *text = slurp("/proc/%ld/limits", pid);
	const char *p = strstr(text, row);
	if (!p)
		fail_msg("no \"%s\" in /proc/%ld/limits", row, pid);
	if (sscanf(p + strlen(row), " %31s %31s", soft, hard) != 2)
		fail_msg("cannot read \"%s\" of /proc/%ld/limits", row, pid);
}

static bool same_ns(long pid, long other, const char *ns)
{
	char a[256], b[256], pa[64], pb[64];
	snprintf(pa, sizeof pa, "/proc/%ld/ns/%s", pid, ns);
	if (other)
		snprintf(pb, sizeof pb, "/proc/%ld/ns/%s", other, ns);
	else
		snprintf(pb, sizeof pb, "/proc/self/ns/%s", ns);
	ssize_t na = readlink(pa, a, sizeof a - 1), nb = readlink(pb, b, sizeof b - 1);
	assert_true(na > 0 && nb > 0);
	return na == nb && memcmp(a, b, (size_t)na) == 0;
}

/* A cgroup v1 controller's directory for pid ("memory", "pids", "cpu"). */
static bool cgroup_dir(char *out, size_t size, long pid, const char *controller)
{
	char line[1024];
	snprintf(line, sizeof line, "/proc/%ld/cgroup", pid);
	FILE *f = fopen(line, "r");
	if (!f)
		return false;
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *ctrls = strchr(line, ':');
		char *path = ctrls ? strchr(ctrls + 1, ':') : NULL;
		if (!path)
			continue;
		*path++ = '\0';
		ctrls++;
		char list[256];
		snprintf(list, sizeof list, ",%s,", ctrls);
		char want[64];
		snprintf(want, sizeof want, ",%s,", controller);
		if (!strstr(list, want))
			continue;
		struct stat st;
		snprintf(out, size, "/sys/fs/cgroup/%s%s", ctrls, path);
		if (stat(out, &st) != 0)
			snprintf(out, size, "/sys/fs/cgroup/%s%s", controller, path);
		found = stat(out, &st) == 0;
	}
	fclose(f);
	return found;
}

static const char *cgroup_value(long pid, const char *controller, const char *file)
{
	char dir[1024];
	if (!cgroup_dir(dir, sizeof dir, pid, controller))
		fail_msg("no cgroup v1 %s controller for pid %ld (these tests expect a v1 or hybrid host)", controller, pid);
	static char value[128];
	snprintf(value, sizeof value, "%s", slurp("%s/%s", dir, file));
	value[strcspn(value, "\n")] = '\0';
	return value;
}

/* The /proc/PID/mountinfo line whose mount point is `target`. */
static const char *mountinfo_line(long pid, const char *target)
{
	static char line[2048];
	const char *text = slurp("/proc/%ld/mountinfo", pid);
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		snprintf(line, sizeof line, "%.*s", (int)n, p);
		char mp[1024];
		if (sscanf(line, "%*s %*s %*s %*s %1023s", mp) == 1 && strcmp(mp, target) == 0)
			return line;
		p += n + (p[n] ? 1 : 0);
	}
	fail_msg("%s is not a mount point of pid %ld", target, pid);
	return NULL;
}

/* Wait (bounded) until a file exists and is not empty; its text. */
static const char *wait_file(const char *path, int timeout_ms)
{
	int64_t end = now_ms_() + timeout_ms;
	for (;;) {
		const char *t = slurp("%s", path);
		if (*t)
			return t;
		if (now_ms_() > end)
			fail_msg("%s did not appear within %d ms", path, timeout_ms);
		usleep(50 * 1000);
	}
}

/* A directory the containers may write into (bind-mounted). */
static char *scratch_dir(void)
{
	char *dir = strdup("/tmp/berth-t-spec-XXXXXX");
	assert_non_null(mkdtemp(dir));
	chmod(dir, 0777);
	return dir;
}

static void remove_tree(char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (strncmp(dir, "/tmp/berth-t-spec-", 18) == 0 && system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", dir);
	free(dir);
}

/* GET / on 127.0.0.1:port with a few bounded attempts; the reply or "". */
static const char *http_get(int port)
{
	static char reply[4096];
	for (int attempt = 0; attempt < 40; attempt++) {
		reply[0] = '\0';
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		struct timeval tv = { 2, 0 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		size_t got = 0;
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
			/* MSG_NOSIGNAL: a proxy that accepts before the server listens
			 * (docker-proxy) closes at once, and SIGPIPE would end the suite
			 * before its teardown */
			static const char req[] = "GET /index.html HTTP/1.0\r\nHost: localhost\r\n\r\n";
			if (send(fd, req, sizeof req - 1, MSG_NOSIGNAL) == (ssize_t)sizeof req - 1) {
				ssize_t n;
				while (got < sizeof reply - 1 && (n = recv(fd, reply + got, sizeof reply - 1 - got, 0)) > 0)
					got += (size_t)n;
			}
		}
		close(fd);
		reply[got] = '\0';
		if (strstr(reply, "200"))
			return reply;
		usleep(100 * 1000);
	}
	return reply;
}

static bool json_strv_has(json_t *arr, const char *a, const char *b)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);
		if (s && (strcmp(s, a) == 0 || (b && strcmp(s, b) == 0)))
			return true;
	}
	return false;
}

/* A group the image does not have: nothing runs, and the error names it
 * (containerd refuses it at create; Docker and Podman when it starts). */
static void test_group_add_unknown(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *s = base("group-unknown", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_add_group(s, "berth-no-such-group", &err), &err);
	char *id = NULL;
	int r = berth_container_run(&id, client, s, &err);
	assert_true(r < 0);
	assert_message_has(&err, "berth-no-such-group");
	if (containerd()) {
		assert_int_equal(r, BERTH_EINVAL);
		assert_null(id);
	}
	berth_spec_free(s);
	/* run leaves nothing behind */
	berth_container_info *x = NULL;
	assert_code(berth_container_inspect(&x, client, name_of("group-unknown"), &err), BERTH_ENOTFOUND, &err);
	free(id);
	berth_error_clear(&err);
}

/* ---- the process ------------------------------------------------------------ */

static void test_process(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	const char *ep[] = { "sh", "-c" };
	const char *cmd[] = { "exec sleep 300" };
	berth_spec *s = base("proc", IMAGE, cmd, 1);
	assert_ok(berth_spec_set_entrypoint(s, ep, 2, &err), &err);
	assert_ok(berth_spec_add_env(s, "BERTH_SPEC", "env ok", &err), &err);
	assert_ok(berth_spec_set_user(s, "1000:1001", &err), &err);
	assert_ok(berth_spec_add_group(s, "42", &err), &err);
	assert_ok(berth_spec_add_group(s, "nobody", &err), &err); /* by name, from the image */
	assert_ok(berth_spec_set_workdir(s, "/work/dir", &err), &err);
	assert_ok(berth_spec_set_hostname(s, "berth-spec-host", &err), &err);
	assert_ok(berth_spec_set_tty(s, 1, &err), &err);
	assert_ok(berth_spec_set_stdin_open(s, 1, &err), &err);
	char *id = run_spec(s);
	long pid = pid_of(id);
	wait_comm(pid, "sleep"); /* sh -c 'exec sleep 300' */

	/* environment */
	char envbuf[8192], path[64];
	snprintf(path, sizeof path, "/proc/%ld/environ", pid);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(envbuf, 1, sizeof envbuf - 1, f);
	fclose(f);
	envbuf[n] = '\0';
	bool found = false;
	for (size_t off = 0; off < n; off += strlen(envbuf + off) + 1)
		found |= strcmp(envbuf + off, "BERTH_SPEC=env ok") == 0;
	assert_true(found);
	/* user: real, effective, saved and fs ids */
	assert_string_equal(status_line(pid, "Uid"), "1000\t1000\t1000\t1000");
	assert_string_equal(status_line(pid, "Gid"), "1001\t1001\t1001\t1001");
	/* its groups: the primary and the added ones, as Docker and Podman set
	 * them (the kernel keeps them sorted) */
	assert_string_equal(status_line(pid, "Groups"), "42 1001 65534 ");
	/* working directory, created by the engine */
	char cwd[256] = "";
	snprintf(path, sizeof path, "/proc/%ld/cwd", pid);
	assert_true(readlink(path, cwd, sizeof cwd - 1) > 0);
	assert_string_equal(cwd, "/work/dir");
	/* hostname */
	const char *hostname = slurp("/proc/%ld/root/etc/hostname", pid);
	assert_true(strncmp(hostname, "berth-spec-host", 15) == 0 && strspn(hostname + 15, "\n") == strlen(hostname + 15));
	/* entrypoint + command: sh -c 'exec sleep 300' became sleep */
	berth_container_info *x = inspect(id);
	assert_string_equal(berth_container_info_cmd(x, 0), "sh");
	assert_string_equal(berth_container_info_cmd(x, 1), "-c");
	assert_int_equal(berth_container_info_stdin_open(x), 1);
	berth_container_info_free(x);
	assert_string_equal(slurp("/proc/%ld/comm", pid), "sleep\n");
	/* a terminal on stdin */
	char tty[128] = "";
	snprintf(path, sizeof path, "/proc/%ld/fd/0", pid);
	assert_true(readlink(path, tty, sizeof tty - 1) > 0);
	if (strncmp(tty, "/dev/pts/", 9) != 0)
		fail_msg("stdin is %s, not a terminal", tty);
	json_t *raw = raw_of(id);
	assert_true(json_is_true(at(raw, "Config.Tty")));
	assert_true(json_is_true(at(raw, "Config.OpenStdin")));
	json_decref(raw);
	discard(id);

	/* an empty entrypoint runs the command on its own */
	s = base("noentry", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_entrypoint(s, (const char *const[]){ "x" }, 0, &err), &err);
	id = run_spec(s);
	pid = pid_of(id);
	assert_string_equal(slurp("/proc/%ld/comm", pid), "sleep\n");
	discard(id);
}

/* ---- limits and privileges ----------------------------------------------------- */

static void test_ulimits(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	struct rlimit ml;
	assert_int_equal(getrlimit(RLIMIT_MEMLOCK, &ml), 0);
	/* stay within the host's hard limit: raising it needs CAP_SYS_RESOURCE */
	int64_t hard = ml.rlim_max == RLIM_INFINITY ? 16 << 20 : (int64_t)ml.rlim_max;
	int64_t soft = hard / 2;
	berth_spec *s = base("ulimit", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_add_ulimit(s, "nofile", 1024, 2048, &err), &err);
	/* Podman replaces nofile and nproc that are not given by 1048576 as soon
	 * as one ulimit is: give both (see berth_spec_add_ulimit()). */
	assert_ok(berth_spec_add_ulimit(s, "nproc", 512, 1024, &err), &err);
	assert_ok(berth_spec_add_ulimit(s, "memlock", soft, hard, &err), &err);
	assert_ok(berth_spec_add_cap(s, "IPC_LOCK", &err), &err);
	char *id = run_spec(s);
	long pid = pid_of(id);
	char a[32], b[32], want_soft[32], want_hard[32];
	limits_row(pid, "Max open files", a, b);
	assert_string_equal(a, "1024");
	assert_string_equal(b, "2048");
	limits_row(pid, "Max processes", a, b);
	assert_string_equal(a, "512");
	assert_string_equal(b, "1024");
	limits_row(pid, "Max locked memory", a, b);
	snprintf(want_soft, sizeof want_soft, "%lld", (long long)soft);
	snprintf(want_hard, sizeof want_hard, "%lld", (long long)hard);
	assert_string_equal(a, want_soft);
	assert_string_equal(b, want_hard);
	assert_true(status_hex(pid, "CapEff") & (1ull << CAP_IPC_LOCK_BIT));
	discard(id);
}

/* Whether this host lets a container have an unlimited memlock: the engine
 * needs CAP_SYS_RESOURCE to raise its own hard limit. The engines run with
 * the same capabilities and limits as this test on the hosts it is made
 * for, so the test process stands for them. */
static bool host_grants_unlimited_memlock(void)
{
	struct rlimit ml;
	if (getrlimit(RLIMIT_MEMLOCK, &ml) == 0 && ml.rlim_max == RLIM_INFINITY)
		return true;
	return (status_hex(getpid(), "CapBnd") & (1ull << CAP_SYS_RESOURCE_BIT)) != 0;
}

static void test_prepare_memlock(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *s = base("memlock", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_prepare_memlock(s, &err), &err);
	/* Podman: give nofile and nproc too (see test_ulimits) */
	assert_ok(berth_spec_add_ulimit(s, "nofile", 1024, 1024, &err), &err);
	assert_ok(berth_spec_add_ulimit(s, "nproc", 1024, 1024, &err), &err);
	if (host_grants_unlimited_memlock()) {
		char *id = run_spec(s);
		long pid = pid_of(id);
		char a[32], b[32];
		limits_row(pid, "Max locked memory", a, b);
		assert_string_equal(a, "unlimited");
		assert_string_equal(b, "unlimited");
		assert_true(status_hex(pid, "CapEff") & (1ull << CAP_IPC_LOCK_BIT));
		discard(id);
		return;
	}
	/* Here the engine cannot raise memlock: the start fails with its reason
	 * and run leaves nothing behind; what berth asked for is in the config. */
	printf("# this host cannot grant an unlimited memlock (no CAP_SYS_RESOURCE, hard limit finite): "
	       "checking the failure and the container's config instead\n");
	char *id = NULL;
	int r = berth_container_run(&id, client, s, &err);
	assert_true(r < 0);
	assert_null(id);
	assert_message_has(&err, "rlimit");
	berth_container_info *x = NULL;
	berth_error e2 = BERTH_ERROR_INIT;
	assert_code(berth_container_inspect(&x, client, name_of("memlock"), &e2), BERTH_ENOTFOUND, &e2);
	id = create_spec(s);
	json_t *raw = raw_of(id);
	json_t *ulimits = at(raw, "HostConfig.Ulimits");
	bool memlock = false;
	size_t i;
	json_t *u;
	json_array_foreach(ulimits, i, u) {
		const char *name = at_str(u, "Name");
		if (strcmp(name, "memlock") == 0 || strcmp(name, "RLIMIT_MEMLOCK") == 0)
			memlock = at_int(u, "Soft") == -1 && at_int(u, "Hard") == -1;
	}
	assert_true(memlock);
	assert_true(json_strv_has(at(raw, "HostConfig.CapAdd"), "CAP_IPC_LOCK", "IPC_LOCK"));
	json_decref(raw);
	discard(id);
}

static void test_capabilities(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *s = base("caps", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_add_cap(s, "ipc_lock", &err), &err);
	assert_ok(berth_spec_drop_cap(s, "CAP_NET_RAW", &err), &err);
	char *id = run_spec(s);
	long pid = pid_of(id);
	unsigned long long eff = status_hex(pid, "CapEff"), bnd = status_hex(pid, "CapBnd");
	assert_true(eff & (1ull << CAP_IPC_LOCK_BIT));
	assert_false(eff & (1ull << CAP_NET_RAW_BIT));
	assert_false(bnd & (1ull << CAP_NET_RAW_BIT));
	assert_false(eff & (1ull << CAP_SYS_ADMIN_BIT)); /* not in the default set */
	discard(id);

	s = base("priv", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_privileged(s, 1, &err), &err);
	/* Docker 20.10 asks for every capability the kernel has; where dockerd
	 * itself lacks one (its bounding set is this test's on these hosts),
	 * runc cannot grant it and the start fails. Podman grants what it has. */
	unsigned long long all = (2ull << atoi(slurp("/proc/sys/kernel/cap_last_cap"))) - 1;
	if (!podman() && (status_hex(getpid(), "CapBnd") & all) != all) {
		printf("# this host's engines lack capabilities (CapBnd %llx): Docker cannot start a privileged "
		       "container; checking the failure and the config instead\n", status_hex(getpid(), "CapBnd"));
		id = NULL;
		assert_true(berth_container_run(&id, client, s, &err) < 0);
		assert_message_has(&err, "caps");
		id = create_spec(s);
		json_t *raw = raw_of(id);
		assert_true(json_is_true(at(raw, "HostConfig.Privileged")));
		json_decref(raw);
		discard(id);
		return;
	}
	id = run_spec(s);
	pid = pid_of(id);
	eff = status_hex(pid, "CapEff");
	/* every capability the engine has */
	assert_true(eff == status_hex(pid, "CapBnd"));
	assert_true(eff & (1ull << CAP_SYS_ADMIN_BIT));
	assert_true(eff & (1ull << CAP_SYS_MODULE_BIT));
	assert_true(eff & (1ull << CAP_NET_RAW_BIT));
	assert_true(__builtin_popcountll(eff) >= 30);
	discard(id);
}

/* ---- storage -------------------------------------------------------------------- */

static void test_mounts(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	char *in = scratch_dir(), *out = scratch_dir();
	char path[512];
	snprintf(path, sizeof path, "%s/hello.txt", in);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("berth-bind\n", f);
	fclose(f);
	const char *cmd[] = { "sh", "-c",
			      "touch /in/x 2>/dev/null; echo $? > /out/ro-bind; "
			      "touch /rootfs-probe 2>/dev/null; echo $? > /out/ro-root; "
			      "echo t > /scratch/t; echo $? > /out/tmpfs.tmp; mv /out/tmpfs.tmp /out/tmpfs; "
			      "exec sleep 300" };
	berth_spec *s = base("mounts", IMAGE, cmd, 3);
	assert_ok(berth_spec_add_bind(s, in, "/in", 1, NULL, &err), &err);
	assert_ok(berth_spec_add_bind(s, out, "/out", 0, NULL, &err), &err);
	assert_ok(berth_spec_add_tmpfs(s, "/scratch", 0, "size=1m,mode=1777", &err), &err);
	assert_ok(berth_spec_set_read_only_rootfs(s, 1, &err), &err);
	char *id = run_spec(s);
	long pid = pid_of(id);
	/* the bind mount's file, seen through the container's root */
	assert_string_equal(slurp("/proc/%ld/root/in/hello.txt", pid), "berth-bind\n");
	snprintf(path, sizeof path, "%s/tmpfs", out);
	assert_string_equal(wait_file(path, 15000), "0\n");
	snprintf(path, sizeof path, "%s/ro-bind", out);
	assert_string_not_equal(wait_file(path, 1000), "0\n"); /* read-only bind */
	snprintf(path, sizeof path, "%s/ro-root", out);
	assert_string_not_equal(wait_file(path, 1000), "0\n"); /* read-only rootfs */
	const char *line = mountinfo_line(pid, "/in");
	assert_true(strncmp(strchr(strstr(line, " /in ") + 1, ' ') + 1, "ro", 2) == 0);
	line = mountinfo_line(pid, "/scratch");
	if (!strstr(line, " - tmpfs ") || !strstr(line, "size=1024k"))
		fail_msg("/scratch is not a 1 MiB tmpfs: %s", line);
	discard(id);
	remove_tree(in);
	remove_tree(out);
}

/* A named volume outlives a forced remove of its container. */
static void test_named_volume_survives(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	const char *cmd[] = { "sh", "-c", "echo keep > /data/keep.tmp && mv /data/keep.tmp /data/keep; exec sleep 300" };
	berth_spec *s = base("vol1", IMAGE, cmd, 3);
	assert_ok(berth_spec_add_volume(s, volume, "/data", 0, NULL, &err), &err);
	char *id = run_spec(s);
	long pid = pid_of(id);
	char path[128];
	snprintf(path, sizeof path, "/proc/%ld/root/data/keep", pid);
	assert_string_equal(wait_file(path, 15000), "keep\n");
	discard(id);

	s = base("vol2", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_add_volume(s, volume, "/data", 1, NULL, &err), &err);
	id = run_spec(s);
	pid = pid_of(id);
	assert_string_equal(slurp("/proc/%ld/root/data/keep", pid), "keep\n");
	discard(id);
}

/* ---- network ---------------------------------------------------------------------- */

static void test_published_port(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	const char *cmd[] = { "sh", "-c",
			      "mkdir -p /www && echo berth-port-ok > /www/index.html && exec httpd -f -p 8080 -h /www" };
	/* A running container on the same network without published ports:
	 * its network record takes no host port (on containerd such a record
	 * once made the next start with ports fail with "out of memory"). */
	char *quiet = run_spec(base("port-quiet", IMAGE, SLEEP, 2));
	berth_spec *s = base("port", IMAGE, cmd, 3);
	assert_ok(berth_spec_add_port(s, "127.0.0.1", 0, 8080, BERTH_PROTO_TCP, &err), &err);
	char *id = run_spec(s);
	berth_container_info *x = inspect(id);
	const char *ip = NULL;
	int port = berth_container_info_host_port(x, 8080, "tcp", &ip);
	assert_true(port > 0);
	assert_string_equal(ip, "127.0.0.1");
	assert_int_equal(berth_container_info_port_count(x), 1);
	/* the default network: an address, its gateway and a MAC */
	assert_int_equal(berth_container_info_network_count(x), 1);
	/* Docker's default network is "bridge", berth's on containerd too; Podman's is "podman" */
	assert_string_equal(berth_container_info_network_name(x, 0), podman() ? "podman" : "bridge");
	char addr[64];
	snprintf(addr, sizeof addr, "%s", berth_container_info_network_ipv4(x, 0));
	assert_true(strlen(addr) >= 7);
	assert_true(strlen(berth_container_info_network_gateway(x, 0)) >= 7);
	assert_int_equal(strlen(berth_container_info_network_mac(x, 0)), 17);
	/* the raw JSON in Docker's shape, on containerd too */
	json_t *raw = json_loads(berth_container_info_raw_json(x), 0, NULL);
	json_t *bind = json_array_get(json_object_get(at(raw, "NetworkSettings.Ports"), "8080/tcp"), 0);
	assert_string_equal(json_string_value(json_object_get(bind, "HostIp")), "127.0.0.1");
	assert_int_equal(atoi(json_string_value(json_object_get(bind, "HostPort"))), port);
	json_decref(raw);
	berth_container_info_free(x);
	const char *reply = http_get(port);
	if (!strstr(reply, "berth-port-ok"))
		fail_msg("GET http://127.0.0.1:%d/ gave: %.200s", port, reply);
	if (containerd()) {
		/* a named network that is not in berth's store: the create says
		 * so (as Podman's) and makes nothing */
		berth_spec *named = base("port-named", IMAGE, SLEEP, 2);
		assert_ok(berth_spec_set_network_mode(named, "berth-named-net", &err), &err);
		char *named_id = NULL;
		assert_code(berth_container_create(&named_id, client, named, &err), BERTH_ENOTFOUND, &err);
		assert_message_has(&err, "berth-named-net");
		assert_null(named_id);
		berth_container_info *none = NULL;
		assert_code(berth_container_inspect(&none, client, berth_spec_name(named), &err), BERTH_ENOTFOUND, &err);
		berth_spec_free(named);
		/* its host port is taken: another container's start says so */
		berth_spec *twin = base("port-twin", IMAGE, SLEEP, 2);
		assert_ok(berth_spec_add_port(twin, NULL, port, 8080, BERTH_PROTO_TCP, &err), &err);
		char *twin_id = create_spec(twin);
		assert_code(berth_container_start(client, twin_id, &err), BERTH_ECONFLICT, &err);
		assert_message_has(&err, "already allocated");
		discard(twin_id);
		/* the reply went out of its eth0: stats count it */
		berth_stats *st = NULL;
		assert_ok(berth_container_stats(&st, client, id, &err), &err);
		assert_true(berth_stats_net_tx(st) > 0 && berth_stats_net_rx(st) > 0);
		berth_stats_free(st);
		/* the container's own name is on its address in /etc/hosts */
		const char *hosts = slurp("/proc/%ld/root/etc/hosts", pid_of(id));
		if (!strstr(hosts, addr))
			fail_msg("/etc/hosts lacks %s: %s", addr, hosts);
		/* a restart gets the network again, the ports still answer */
		assert_ok(berth_container_restart(client, id, 0, &err), &err);
		x = inspect(id);
		port = berth_container_info_host_port(x, 8080, "tcp", &ip);
		berth_container_info_free(x);
		reply = http_get(port);
		if (!strstr(reply, "berth-port-ok"))
			fail_msg("after a restart GET http://127.0.0.1:%d/ gave: %.200s", port, reply);
		x = inspect(id);
		snprintf(addr, sizeof addr, "%s", berth_container_info_network_ipv4(x, 0));
		berth_container_info_free(x);
		char full[80];
		snprintf(full, sizeof full, "%s", id);
		discard(id);
		/* nothing left: no namespace mount, no rule naming the container,
		 * no address lease */
		assert_null(strstr(slurp("/proc/self/mountinfo"), full));
		char cmdline[256];
		snprintf(cmdline, sizeof cmdline, "iptables-save 2>/dev/null | grep -q %s", full);
		assert_int_not_equal(system(cmdline), 0);
		snprintf(cmdline, sizeof cmdline, "iptables-save 2>/dev/null | grep -q -- '-s %s/32 '", addr);
		assert_int_not_equal(system(cmdline), 0);
		snprintf(cmdline, sizeof cmdline, "test -e /run/berth/cni/networks/berth/%s", addr);
		assert_int_not_equal(system(cmdline), 0);
		discard(quiet);
		return;
	}
	discard(id);
	discard(quiet);
}

static void test_network_settings(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	const char *cmd[] = { "sh", "-c",
			      "cat /proc/sys/net/ipv4/ip_unprivileged_port_start > /out/sysctl.tmp; "
			      "mv /out/sysctl.tmp /out/sysctl; exec sleep 300" };
	char *out = scratch_dir();
	berth_spec *s = base("net", IMAGE, cmd, 3);
	assert_ok(berth_spec_add_bind(s, out, "/out", 0, NULL, &err), &err);
	assert_ok(berth_spec_add_extra_host(s, "berth-db", "10.1.2.3", &err), &err);
	assert_ok(berth_spec_add_dns(s, "10.0.0.53", &err), &err);
	assert_ok(berth_spec_add_sysctl(s, "net.ipv4.ip_unprivileged_port_start", "1000", &err), &err);
	char *id = run_spec(s);
	long pid = pid_of(id);
	char path[512];
	snprintf(path, sizeof path, "%s/sysctl", out);
	assert_string_equal(wait_file(path, 15000), "1000\n");
	const char *hosts = slurp("/proc/%ld/root/etc/hosts", pid);
	const char *line = strstr(hosts, "10.1.2.3");
	if (!line || !strstr(line, "berth-db"))
		fail_msg("/etc/hosts lacks berth-db: %s", hosts);
	if (!strstr(slurp("/proc/%ld/root/etc/resolv.conf", pid), "nameserver 10.0.0.53"))
		fail_msg("resolv.conf lacks the DNS server");
	discard(id);
	remove_tree(out);

	/* no network: only the loopback device */
	s = base("nonet", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_network_mode(s, "none", &err), &err);
	id = run_spec(s);
	pid = pid_of(id);
	const char *dev = slurp("/proc/%ld/net/dev", pid);
	int ifaces = 0;
	for (const char *p = dev; (p = strchr(p, ':')); p++)
		ifaces++;
	assert_int_equal(ifaces, 1);
	assert_non_null(strstr(dev, "lo:"));
	discard(id);
}

static void test_host_namespaces(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *s = base("hostns", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_pid_mode(s, "host", &err), &err);
	assert_ok(berth_spec_set_ipc_mode(s, "host", &err), &err);
	assert_ok(berth_spec_set_network_mode(s, "host", &err), &err);
	char *id = run_spec(s);
	long pid = pid_of(id);
	assert_true(same_ns(pid, 0, "pid"));
	assert_true(same_ns(pid, 0, "ipc"));
	assert_true(same_ns(pid, 0, "net"));
	assert_false(same_ns(pid, 0, "mnt"));
	discard(id);

	/* a private one by default, another container's on request */
	char *first = run_spec(base("ns1", IMAGE, SLEEP, 2));
	long p1 = pid_of(first);
	assert_false(same_ns(p1, 0, "pid"));
	char target[128];
	snprintf(target, sizeof target, "container:%s", first);
	s = base("ns2", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_pid_mode(s, target, &err), &err);
	assert_ok(berth_spec_set_network_mode(s, target, &err), &err);
	if (containerd()) { /* joining another container's namespaces: not on containerd */
		expect_refused(s, "network");
		discard(first);
		return;
	}
	char *second = run_spec(s);
	long p2 = pid_of(second);
	assert_true(same_ns(p2, p1, "pid"));
	assert_true(same_ns(p2, p1, "net"));
	assert_false(same_ns(p2, p1, "mnt"));
	discard(second);
	discard(first);
}

/* IPC modes other than host: a private namespace, none (no /dev/shm at
 * all), and a shareable one that another container joins. */
static void test_ipc_modes(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *s = base("ipcpriv", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_ipc_mode(s, "private", &err), &err);
	char *id = run_spec(s);
	long pid = pid_of(id);
	assert_false(same_ns(pid, 0, "ipc"));
	assert_non_null(strstr(slurp("/proc/%ld/mountinfo", pid), " /dev/shm "));
	discard(id);

	s = base("ipcnone", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_ipc_mode(s, "none", &err), &err);
	id = run_spec(s);
	pid = pid_of(id);
	assert_false(same_ns(pid, 0, "ipc"));
	if (strstr(slurp("/proc/%ld/mountinfo", pid), " /dev/shm "))
		fail_msg("ipc none: /dev/shm is mounted");
	discard(id);

	s = base("ipcshare", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_ipc_mode(s, "shareable", &err), &err);
	char *first = run_spec(s);
	long p1 = pid_of(first);
	char target[128];
	snprintf(target, sizeof target, "container:%s", first);
	s = base("ipcjoin", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_ipc_mode(s, target, &err), &err);
	if (containerd()) { /* no joining another container's namespaces there */
		expect_refused(s, "ipc");
		discard(first);
		return;
	}
	char *second = run_spec(s);
	long p2 = pid_of(second);
	assert_true(same_ns(p2, p1, "ipc"));
	assert_false(same_ns(p2, 0, "ipc"));
	discard(second);
	discard(first);
}

/* ---- resources ------------------------------------------------------------------ */

static void test_cgroup_limits(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *s = base("limits", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_memory(s, 64 << 20, &err), &err);
	assert_ok(berth_spec_set_memory_swap(s, -1, &err), &err);
	assert_ok(berth_spec_set_pids_limit(s, 100, &err), &err);
	assert_ok(berth_spec_set_cpus(s, 0.5, &err), &err);
	assert_ok(berth_spec_set_cpu_shares(s, 512, &err), &err);
	assert_ok(berth_spec_set_shm_size(s, 16 << 20, &err), &err);
	char *id = run_spec(s);
	long pid = pid_of(id);
	assert_string_equal(cgroup_value(pid, "memory", "memory.limit_in_bytes"), "67108864");
	char dir[1024];
	char memsw[1100];
	assert_true(cgroup_dir(dir, sizeof dir, pid, "memory"));
	snprintf(memsw, sizeof memsw, "%s/memory.memsw.limit_in_bytes", dir);
	if (access(memsw, F_OK) == 0) /* swap accounting on */
		assert_string_equal(cgroup_value(pid, "memory", "memory.memsw.limit_in_bytes"), MEMORY_UNLIMITED);
	assert_string_equal(cgroup_value(pid, "pids", "pids.max"), "100");
	assert_string_equal(cgroup_value(pid, "cpu", "cpu.cfs_quota_us"), "50000");
	assert_string_equal(cgroup_value(pid, "cpu", "cpu.cfs_period_us"), "100000");
	assert_string_equal(cgroup_value(pid, "cpu", "cpu.shares"), "512");
	const char *shm = mountinfo_line(pid, "/dev/shm");
	if (!strstr(shm, "size=16384k"))
		fail_msg("/dev/shm is not 16 MiB: %s", shm);
	json_t *raw = raw_of(id);
	assert_int_equal(at_int(raw, "HostConfig.Memory"), 64 << 20);
	assert_int_equal(at_int(raw, "HostConfig.NanoCpus"), 500000000);
	json_decref(raw);
	discard(id);

	/* a finite swap limit */
	s = base("swap", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_memory(s, 32 << 20, &err), &err);
	assert_ok(berth_spec_set_memory_swap(s, 96 << 20, &err), &err);
	id = run_spec(s);
	pid = pid_of(id);
	if (access(memsw, F_OK) == 0)
		assert_string_equal(cgroup_value(pid, "memory", "memory.memsw.limit_in_bytes"), "100663296");
	discard(id);
}

/* ---- restart, health, stop ------------------------------------------------------ */

static void test_restart_policy(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	if (containerd()) {
		/* containerd's restart monitor restarts whatever the exit code,
		 * and starts tasks without a terminal */
		berth_spec *r = base("restart", IMAGE, SLEEP, 2);
		assert_ok(berth_spec_set_restart(r, BERTH_RESTART_ON_FAILURE, 3, &err), &err);
		expect_refused(r, "on-failure");
		r = base("restart-tty", IMAGE, SLEEP, 2);
		assert_ok(berth_spec_set_restart(r, BERTH_RESTART_ALWAYS, 0, &err), &err);
		assert_ok(berth_spec_set_tty(r, 1, &err), &err);
		expect_refused(r, "TTY");
	}
	static const struct { berth_restart_policy p; int max; const char *name; } cases[] = {
		{ BERTH_RESTART_ON_FAILURE, 3, "on-failure" },
		{ BERTH_RESTART_UNLESS_STOPPED, 0, "unless-stopped" },
		{ BERTH_RESTART_ALWAYS, 0, "always" },
	};
	for (size_t i = containerd() ? 1 : 0; i < sizeof cases / sizeof *cases; i++) {
		char what[32];
		snprintf(what, sizeof what, "restart%zu", i);
		berth_spec *s = base(what, IMAGE, SLEEP, 2);
		assert_ok(berth_spec_set_restart(s, cases[i].p, cases[i].max, &err), &err);
		char *id = create_spec(s);
		json_t *raw = raw_of(id);
		assert_string_equal(at_str(raw, "HostConfig.RestartPolicy.Name"), cases[i].name);
		assert_int_equal(at_int(raw, "HostConfig.RestartPolicy.MaximumRetryCount"), cases[i].max);
		json_decref(raw);
		discard(id);
	}
}

static void test_healthcheck(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	const char *test[] = { "CMD", "true" };
	berth_healthcheck hc = BERTH_HEALTHCHECK_INIT;
	hc.test = test;
	hc.test_count = 2;
	hc.interval_ms = 500;
	hc.timeout_ms = 2000;
	hc.start_period_ms = 1000;
	hc.retries = 1;
	berth_spec *s = base("health", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_healthcheck(s, &hc, &err), &err);
	char *id = run_spec(s);
	json_t *raw = raw_of(id);
	json_t *h = at(raw, "Config.Healthcheck");
	assert_true(json_strv_has(at(h, "Test"), "CMD", NULL));
	assert_string_equal(json_string_value(json_array_get(at(h, "Test"), 1)), "true");
	assert_int_equal(at_int(h, "Interval"), 500000000);
	assert_int_equal(at_int(h, "Timeout"), 2000000000);
	assert_int_equal(at_int(h, "StartPeriod"), 1000000000);
	assert_int_equal(at_int(h, "Retries"), 1);
	json_decref(raw);
	if (!podman() && !containerd()) {
		/* Docker runs the check itself: healthy within a bounded time
		 * (berth runs them on Podman and containerd: see the readiness suite) */
		int64_t end = now_ms_() + 20000;
		const char *status = "";
		for (;;) {
			raw = raw_of(id);
			status = at_str(raw, "State.Health.Status");
			bool healthy = strcmp(status, "healthy") == 0;
			json_decref(raw);
			if (healthy)
				break;
			if (now_ms_() > end)
				fail_msg("not healthy after 20 s");
			usleep(200 * 1000);
		}
	}
	discard(id);

	/* "none" disables the image's check */
	s = base("nohealth", HEALTH_IMAGE, NULL, 0);
	assert_ok(berth_spec_disable_healthcheck(s, &err), &err);
	id = run_spec(s);
	raw = raw_of(id);
	json_t *t = at(raw, "Config.Healthcheck.Test");
	assert_int_equal(json_array_size(t), 1);
	assert_string_equal(json_string_value(json_array_get(t, 0)), "NONE");
	assert_string_equal(at_str(raw, "State.Health.Status"), "");
	json_decref(raw);
	discard(id);
}

/* The stop signal reaches the process (it traps it and exits 42), and the
 * stop timeout bounds a stop that gives no grace of its own. */
static void test_stop_signal_and_timeout(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	const char *cmd[] = { "sh", "-c", "trap 'exit 42' USR1; while :; do sleep 0.1; done" };
	berth_spec *s = base("stopsig", IMAGE, cmd, 3);
	assert_ok(berth_spec_set_stop_signal(s, "usr1", &err), &err);
	char *id = run_spec(s);
	long pid = pid_of(id);
	/* wait (bounded) until the shell catches SIGUSR1 */
	int64_t end = now_ms_() + 10000;
	while (!(status_hex(pid, "SigCgt") & (1ull << (10 - 1)))) {
		if (now_ms_() > end)
			fail_msg("the shell never installed its trap");
		usleep(20 * 1000);
	}
	json_t *raw = raw_of(id);
	const char *sig = at_str(raw, "Config.StopSignal");
	if (strcmp(sig, "SIGUSR1") != 0 && strcmp(sig, "10") != 0)
		fail_msg("the engine reports stop signal \"%s\"", sig);
	json_decref(raw);
	berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
	so.grace_seconds = 20;
	assert_ok(berth_container_stop(client, id, &so, &err), &err);
	berth_container_info *x = inspect(id);
	assert_int_equal(berth_container_info_exit_code(x), 42);
	berth_container_info_free(x);
	discard(id);

	/* sleep as PID 1 ignores SIGTERM: SIGKILL comes after the container's 1 s */
	s = base("stoptime", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_stop_timeout(s, 1, &err), &err);
	id = run_spec(s);
	raw = raw_of(id);
	assert_int_equal(at_int(raw, "Config.StopTimeout"), 1);
	json_decref(raw);
	int64_t t0 = now_ms_();
	assert_ok(berth_container_stop(client, id, NULL, &err), &err);
	int64_t took = now_ms_() - t0;
	if (took < 800 || took > 8000)
		fail_msg("stop took %lld ms with a 1 s stop timeout", (long long)took);
	x = inspect(id);
	assert_int_equal(berth_container_info_exit_code(x), 137);
	berth_container_info_free(x);
	discard(id);
}

/* ---- the rest ----------------------------------------------------------------------- */

static void test_init_security_device_logging(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *s = base("misc", IMAGE, SLEEP, 2);
	if (containerd()) {
		/* no init process and no log drivers; the security option and the
		 * device work */
		assert_ok(berth_spec_set_init(s, 1, &err), &err);
		expect_refused(s, "init");
		s = base("misc-log", IMAGE, SLEEP, 2);
		assert_ok(berth_spec_set_log_driver(s, "json-file", &err), &err);
		expect_refused(s, "log-driver");
		s = base("misc", IMAGE, SLEEP, 2);
		assert_ok(berth_spec_add_security_opt(s, "no-new-privileges", &err), &err);
		assert_ok(berth_spec_add_device(s, "/dev/null", "/dev/berth-null", "rw", &err), &err);
		char *id = run_spec(s);
		long pid = pid_of(id);
		assert_string_equal(status_line(pid, "NoNewPrivs"), "1");
		char path[128];
		snprintf(path, sizeof path, "/proc/%ld/root/dev/berth-null", pid);
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
		assert_int_equal(major(st.st_rdev), 1);
		assert_int_equal(minor(st.st_rdev), 3);
		discard(id);
		s = base("autorm", IMAGE, SLEEP, 2);
		assert_ok(berth_spec_set_auto_remove(s, 1, &err), &err);
		expect_refused(s, "auto-remove");
		return;
	}
	assert_ok(berth_spec_set_init(s, 1, &err), &err);
	assert_ok(berth_spec_add_security_opt(s, "no-new-privileges", &err), &err);
	assert_ok(berth_spec_add_device(s, "/dev/null", "/dev/berth-null", "rw", &err), &err);
	assert_ok(berth_spec_set_log_driver(s, "json-file", &err), &err);
	assert_ok(berth_spec_add_log_opt(s, "max-size", "1m", &err), &err);
	char *id = run_spec(s);
	long pid = pid_of(id);
	/* PID 1 is the engine's init, with sleep below it */
	assert_string_not_equal(slurp("/proc/%ld/comm", pid), "sleep\n");
	char children[256];
	snprintf(children, sizeof children, "%s", slurp("/proc/%ld/task/%ld/children", pid, pid));
	long child = strtol(children, NULL, 10);
	int64_t end = now_ms_() + 5000;
	while (child <= 0 && now_ms_() < end) {
		usleep(20 * 1000);
		snprintf(children, sizeof children, "%s", slurp("/proc/%ld/task/%ld/children", pid, pid));
		child = strtol(children, NULL, 10);
	}
	assert_true(child > 0);
	wait_comm(child, "sleep"); /* the init forks, then the child execs */
	assert_string_equal(status_line(child, "NoNewPrivs"), "1");
	/* the device, as the host's /dev/null */
	char path[128];
	snprintf(path, sizeof path, "/proc/%ld/root/dev/berth-null", pid);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(major(st.st_rdev), 1);
	assert_int_equal(minor(st.st_rdev), 3);
	json_t *raw = raw_of(id);
	assert_string_equal(at_str(raw, "HostConfig.LogConfig.Type"), "json-file");
	assert_true(json_is_true(at(raw, "HostConfig.Init")));
	if (!podman()) /* Podman does not report the options back */
		assert_string_equal(at_str(raw, "HostConfig.LogConfig.Config.max-size"), "1m");
	json_decref(raw);
	discard(id);

	/* auto-remove: gone once it exits */
	const char *quick[] = { "true" };
	s = base("autorm", IMAGE, quick, 1);
	assert_ok(berth_spec_set_auto_remove(s, 1, &err), &err);
	id = run_spec(s);
	end = now_ms_() + 20000;
	berth_container_info *x = NULL;
	int r;
	while ((r = berth_container_inspect(&x, client, id, &err)) == 0) {
		berth_container_info_free(x);
		x = NULL;
		if (now_ms_() > end)
			fail_msg("the auto-remove container is still there after 20 s");
		usleep(100 * 1000);
	}
	if (r != BERTH_ENOTFOUND)
		fail_msg("inspect after auto-remove: %s: %s", berth_code_name(r), err.message);
	berth_free(id);
}

/* Where the engines differ: berth makes Podman's gaps explicit. */
static void test_engine_differences(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	berth_container_info *x = NULL;
	char *id = NULL;

	/* extra host "host-gateway" (Podman before 4.7 writes it literally) */
	berth_spec *s = base("gateway", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_add_extra_host(s, "berth-gw", "host-gateway", &err), &err);
	berth_version *v = NULL;
	assert_ok(berth_version_get(&v, client, &err), &err);
	bool old_podman = podman() && strncmp(berth_version_server(v), "4.", 2) == 0 &&
			  atoi(berth_version_server(v) + 2) < 7;
	berth_version_free(v);
	if (old_podman) {
		assert_code(berth_container_run(&id, client, s, &err), BERTH_EUNSUPPORTED, &err);
		assert_message_has(&err, "add-host");
		assert_code(berth_container_inspect(&x, client, name_of("gateway"), &err), BERTH_ENOTFOUND, &err);
		berth_spec_free(s);
	} else {
		id = run_spec(s);
		const char *hosts = slurp("/proc/%ld/root/etc/hosts", pid_of(id));
		const char *line = strstr(hosts, "berth-gw");
		assert_non_null(line);
		assert_null(strstr(hosts, "host-gateway"));
		if (containerd()) /* berth's bridge: its gateway */
			assert_non_null(strstr(hosts, "10.213.0.1\tberth-gw"));
		discard(id);
	}

	/* log options beyond max-size, tag and path */
	s = base("logopt", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_log_driver(s, "json-file", &err), &err);
	assert_ok(berth_spec_add_log_opt(s, "max-file", "3", &err), &err);
	assert_ok(berth_spec_add_log_opt(s, "max-size", "1m", &err), &err);
	if (containerd()) {
		expect_refused(s, "log-driver");
	} else if (podman()) {
		id = NULL;
		assert_code(berth_container_create(&id, client, s, &err), BERTH_EUNSUPPORTED, &err);
		assert_message_has(&err, "log-opt: Podman does not honour max-file");
		berth_spec_free(s);
	} else {
		id = create_spec(s);
		json_t *raw = raw_of(id);
		assert_string_equal(at_str(raw, "HostConfig.LogConfig.Config.max-file"), "3");
		json_decref(raw);
		discard(id);
	}

	/* health check timings without a test */
	s = base("hctime", HEALTH_IMAGE, NULL, 0);
	berth_healthcheck hc = BERTH_HEALTHCHECK_INIT;
	hc.interval_ms = 2000;
	assert_ok(berth_spec_set_healthcheck(s, &hc, &err), &err);
	if (podman()) {
		id = NULL;
		assert_code(berth_container_create(&id, client, s, &err), BERTH_EUNSUPPORTED, &err);
		assert_message_has(&err, "healthcheck");
		berth_spec_free(s);
	} else {
		id = create_spec(s);
		json_t *raw = raw_of(id);
		assert_int_equal(at_int(raw, "Config.Healthcheck.Interval"), 2000000000);
		assert_string_equal(json_string_value(json_array_get(at(raw, "Config.Healthcheck.Test"), 0)), "CMD-SHELL");
		json_decref(raw);
		discard(id);
	}
}

/* Checks across fields happen before any request: nothing is created. */
static void test_checked_before_request(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *s = base("conflict", IMAGE, SLEEP, 2);
	assert_ok(berth_spec_set_auto_remove(s, 1, &err), &err);
	assert_ok(berth_spec_set_restart(s, BERTH_RESTART_ALWAYS, 0, &err), &err);
	char *id = NULL;
	assert_code(berth_container_run(&id, client, s, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "restart");
	assert_ok(berth_spec_set_restart(s, BERTH_RESTART_NO, 0, &err), &err);
	assert_ok(berth_spec_add_port(s, NULL, 0, 80, BERTH_PROTO_TCP, &err), &err);
	assert_ok(berth_spec_set_network_mode(s, "host", &err), &err);
	assert_code(berth_container_create(&id, client, s, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "port");
	berth_spec_free(s);
	assert_null(id);
	berth_container_info *x = NULL;
	assert_code(berth_container_inspect(&x, client, name_of("conflict"), &err), BERTH_ENOTFOUND, &err);
}

/* ---- setup --------------------------------------------------------------------- */

static int setup(void **state)
{
	int r = conformance_setup(state);
	snprintf(volume, sizeof volume, "berth-t-%s-vol", run_id);
	return r;
}

/* The run's containers first (the shared teardown), then its volume. */
static int teardown(void **state)
{
	bool had_engine = client != NULL;
	int r = conformance_teardown(state);
	berth_client *c = NULL;
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.engine = engine;
	berth_error err = BERTH_ERROR_INIT;
	if (had_engine && berth_client_open(&c, &o, &err) == 0) {
		int rr = berth_volume_remove(c, volume, NULL, &err);
		if (rr < 0 && rr != BERTH_ENOTFOUND)
			fprintf(stderr, "# could not remove the volume %s: %s\n", volume, err.message);
		berth_client_free(c);
	}
	return r;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_process),
		cmocka_unit_test(test_group_add_unknown),
		cmocka_unit_test(test_ulimits),
		cmocka_unit_test(test_prepare_memlock),
		cmocka_unit_test(test_capabilities),
		cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_named_volume_survives),
		cmocka_unit_test(test_published_port),
		cmocka_unit_test(test_network_settings),
		cmocka_unit_test(test_host_namespaces),
		cmocka_unit_test(test_ipc_modes),
		cmocka_unit_test(test_cgroup_limits),
		cmocka_unit_test(test_restart_policy),
		cmocka_unit_test(test_healthcheck),
		cmocka_unit_test(test_stop_signal_and_timeout),
		cmocka_unit_test(test_init_security_device_logging),
		cmocka_unit_test(test_engine_differences),
		cmocka_unit_test(test_checked_before_request),
	};
	return cmocka_run_group_tests_name(conformance_group("spec"), tests, setup, teardown);
}
