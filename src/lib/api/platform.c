/* Where this process runs: markers on the file system and in /proc. */
#include "lib/engine.h"
#include "lib/parse/procfs.h"

#include <stdio.h>
#include <sys/stat.h>

struct berth_platform {
	bool in_container;
	char runtime[32];
	char id[CONTAINER_ID_LEN + 1];
	char evidence[256];
};

static void add_evidence(struct berth_platform *p, const char *what)
{
	size_t n = strlen(p->evidence);
	snprintf(p->evidence + n, sizeof p->evidence - n, "%s%s", n ? "; " : "", what);
}

static void set_runtime(struct berth_platform *p, const char *rt)
{
	if (!p->runtime[0] && rt)
		snprintf(p->runtime, sizeof p->runtime, "%s", rt);
}

/* Scan one /proc file with a parser; true when it named a container. */
static bool scan_proc(const char *path, bool (*scan)(const char *, size_t, proc_hint *), proc_hint *hint)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (read_file(path, 8u << 20, &text, &len) < 0)
		return false;
	return scan(text, len, hint);
}

/* Podman writes id="..." into /run/.containerenv (for privileged containers). */
static void containerenv_id(struct berth_platform *p)
{
	_cleanup_free_ char *text = NULL;
	if (read_file("/run/.containerenv", 1u << 16, &text, NULL) < 0)
		return;
	const char *k = strstr(text, "\nid=\"");
	if (!k && startswith(text, "id=\""))
		k = text - 1;
	if (!k)
		return;
	const char *v = k + 5;
	size_t n = strcspn(v, "\"\n");
	if (n == CONTAINER_ID_LEN && !p->id[0]) {
		memcpy(p->id, v, n);
		p->id[n] = '\0';
	}
}

int berth_platform_detect(berth_platform **out, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	struct berth_platform *p = calloc(1, sizeof *p);
	if (!p)
		return BERTH_NOMEM(err);
	struct stat st;
	proc_hint h;
	if (stat("/.dockerenv", &st) == 0) {
		p->in_container = true;
		set_runtime(p, "docker");
		add_evidence(p, "/.dockerenv");
	}
	if (stat("/run/.containerenv", &st) == 0) {
		p->in_container = true;
		set_runtime(p, "podman");
		add_evidence(p, "/run/.containerenv");
		containerenv_id(p);
	}
	const char *env = getenv("container");
	if (!isempty(env)) {
		p->in_container = true;
		set_runtime(p, STREQ(env, "oci") ? "container" : env);
		add_evidence(p, "$container");
	}
	if (scan_proc("/proc/self/cgroup", procfs_scan_cgroup, &h) ||
	    scan_proc("/proc/1/cgroup", procfs_scan_cgroup, &h)) {
		p->in_container = true;
		set_runtime(p, h.runtime);
		if (h.id[0] && !p->id[0])
			memcpy(p->id, h.id, sizeof p->id);
		add_evidence(p, "cgroup");
	}
	if (scan_proc("/proc/self/mountinfo", procfs_scan_mountinfo, &h)) {
		p->in_container = true;
		set_runtime(p, h.runtime);
		if (h.id[0] && !p->id[0])
			memcpy(p->id, h.id, sizeof p->id);
		add_evidence(p, "mountinfo");
	}
	*out = p;
	return 0;
}

void berth_platform_free(berth_platform *p) { free(p); }
int berth_platform_in_container(const berth_platform *p) { return p && p->in_container; }
const char *berth_platform_runtime(const berth_platform *p) { return p ? p->runtime : ""; }
const char *berth_platform_container_id(const berth_platform *p) { return p ? p->id : ""; }
const char *berth_platform_evidence(const berth_platform *p) { return p ? p->evidence : ""; }

int berth_in_container(void)
{
	berth_platform *p = NULL;
	if (berth_platform_detect(&p, NULL) < 0)
		return 0;
	int r = p->in_container;
	berth_platform_free(p);
	return r;
}

int berth_container_id_of_pid(char **out_id, int pid, berth_error *err)
{
	CHECK_ARG(out_id, err, "out_id is NULL");
	if (pid < 0)
		return berth_fail(err, BERTH_EINVAL, "pid %d: must be >= 0", pid);
	char path[64], pidbuf[24];
	snprintf(pidbuf, sizeof pidbuf, "%d", pid);
	const char *who = pid ? pidbuf : "self";
	proc_hint h;
	bool found = false;
	snprintf(path, sizeof path, "/proc/%s/cgroup", who);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file(path, 8u << 20, &text, &len);
	if (r == -ENOENT || r == -ESRCH)
		return berth_fail_full(err, BERTH_ENOTFOUND, 0, -r, "pid %s: no such process", who);
	if (r < 0)
		return berth_fail_full(err, berth_code_from_errno(-r), 0, -r, "%s: %s", path, strerror(-r));
	found = procfs_scan_cgroup(text, len, &h) && h.id[0];
	if (!found) {
		free(text);
		text = NULL;
		snprintf(path, sizeof path, "/proc/%s/mountinfo", who);
		if (read_file(path, 8u << 20, &text, &len) == 0)
			found = procfs_scan_mountinfo(text, len, &h) && h.id[0];
	}
	if (!found)
		return berth_fail(err, BERTH_ENOTFOUND, "pid %s: no container id in its cgroup or mountinfo", who);
	*out_id = strdup(h.id);
	return *out_id ? 0 : BERTH_NOMEM(err);
}

int berth_container_inspect_self(berth_container_info **out, berth_client *c, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	berth_platform *p = NULL;
	int r = berth_platform_detect(&p, err);
	if (r < 0)
		return r;
	char id[CONTAINER_ID_LEN + 1];
	snprintf(id, sizeof id, "%s", p->id);
	bool in = p->in_container;
	berth_platform_free(p);
	if (!id[0] && in) {
		/* Docker and Podman name the host after the short id by default. */
		char host[256] = "";
		if (gethostname(host, sizeof host) == 0 && strlen(host) == 12)
			memcpy(id, host, 13);
	}
	if (!id[0])
		return berth_fail(err, BERTH_ENOTFOUND, in ? "in a container, but its id is not visible from inside"
						      : "this process does not run in a container");
	return berth_container_inspect(out, c, id, err);
}
