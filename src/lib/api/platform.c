/* Where this process runs: its /proc files, marker files and environment,
 * read here and judged by procfs_verdict() (parse/procfs.c). */
#include "lib/engine.h"
#include "lib/parse/procfs.h"

#include <stdio.h>
#include <sys/stat.h>

struct berth_platform {
	proc_verdict v;
};

/* Read a /proc or marker file into *text, NULL when it cannot be read
 * (gone, not permitted); -ENOMEM is the one failure passed on. */
static int slurp(const char *path, char **text, size_t *len)
{
	*text = NULL;
	int r = read_file(path, 8u << 20, text, len);
	return r == -ENOMEM ? r : 0;
}

/* Whether PID 1 lives in this process's mount namespace: only then is it
 * this container's init (with --pid=host it is the host's). */
static bool pid1_shares_mounts(void)
{
	char a[64], b[64];
	ssize_t na = readlink("/proc/self/ns/mnt", a, sizeof a - 1);
	ssize_t nb = readlink("/proc/1/ns/mnt", b, sizeof b - 1);
	return na > 0 && na == nb && memcmp(a, b, (size_t)na) == 0;
}

int berth_platform_detect(berth_platform **out, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	_cleanup_free_ struct berth_platform *p = calloc(1, sizeof *p);
	_cleanup_free_ char *mountinfo = NULL, *cgroup = NULL, *pid1 = NULL, *containerenv = NULL;
	proc_inputs in = { 0 };
	struct stat st;
	bool has_containerenv = stat("/run/.containerenv", &st) == 0;
	if (!p || slurp("/proc/self/mountinfo", &mountinfo, &in.mountinfo_len) < 0 ||
	    slurp("/proc/self/cgroup", &cgroup, &in.cgroup_len) < 0 ||
	    (pid1_shares_mounts() && slurp("/proc/1/cgroup", &pid1, &in.pid1_cgroup_len) < 0) ||
	    (has_containerenv && slurp("/run/.containerenv", &containerenv, &in.containerenv_len) < 0))
		return BERTH_NOMEM(err);
	in.mountinfo = mountinfo;
	in.cgroup = cgroup;
	in.pid1_cgroup = pid1;
	if (has_containerenv) /* there, even when it cannot be read */
		in.containerenv = containerenv ? containerenv : "";
	in.dockerenv = stat("/.dockerenv", &st) == 0;
	in.container_env = getenv("container");
	procfs_verdict(&in, &p->v);
	*out = TAKE_PTR(p);
	return 0;
}

void berth_platform_free(berth_platform *p) { free(p); }
int berth_platform_in_container(const berth_platform *p) { return p && p->v.in_container; }
const char *berth_platform_runtime(const berth_platform *p) { return p ? p->v.runtime : ""; }
const char *berth_platform_container_id(const berth_platform *p) { return p ? p->v.id : ""; }
const char *berth_platform_evidence(const berth_platform *p) { return p ? p->v.evidence : ""; }

int berth_in_container(void)
{
	berth_platform *p = NULL;
	if (berth_platform_detect(&p, NULL) < 0)
		return 0;
	int r = p->v.in_container;
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
	proc_inputs in = { 0 };
	snprintf(path, sizeof path, "/proc/%s/cgroup", who);
	_cleanup_free_ char *cgroup = NULL;
	int r = read_file(path, 8u << 20, &cgroup, &in.cgroup_len);
	if (r == -ENOENT || r == -ESRCH)
		return berth_fail_full(err, BERTH_ENOTFOUND, 0, -r, "pid %s: no such process", who);
	if (r < 0)
		return berth_fail_full(err, berth_code_from_errno(-r), 0, -r, "%s: %s", path, strerror(-r));
	snprintf(path, sizeof path, "/proc/%s/mountinfo", who);
	_cleanup_free_ char *mountinfo = NULL;
	if (slurp(path, &mountinfo, &in.mountinfo_len) < 0)
		return BERTH_NOMEM(err);
	in.cgroup = cgroup;
	in.mountinfo = mountinfo;
	proc_verdict v;
	procfs_verdict(&in, &v);
	if (!v.id[0])
		return berth_fail(err, BERTH_ENOTFOUND, "pid %s: no container id in its cgroup or mountinfo (%s)", who,
				  v.evidence);
	*out_id = strdup(v.id);
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
	snprintf(id, sizeof id, "%s", p->v.id);
	bool in = p->v.in_container;
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
