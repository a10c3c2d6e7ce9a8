/* Container markers in /proc/PID/cgroup and /proc/PID/mountinfo.
 *
 * cgroup lines look like "12:memory:/docker/<64 hex>" (Docker, cgroupfs),
 * "0::/system.slice/docker-<id>.scope" (Docker, systemd),
 * ".../libpod-<id>" (Podman), ".../cri-containerd-<id>" or "/kubepods/..."
 * (Kubernetes), "/lxc/<name>" or "lxc.payload.<name>" (LXC).
 * mountinfo carries the engine's per-container files bind-mounted in:
 * ".../docker/containers/<id>/hostname", ".../overlay-containers/<id>/userdata/...",
 * ".../berth/containerd/<namespace>/<id>/hosts" (berth on containerd) */
#include "procfs.h"

#include <string.h>

static bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

/* A run of exactly 64 hex digits starting at p (bounded by end). */
static bool id_at(const char *p, const char *end)
{
	if (end - p < CONTAINER_ID_LEN)
		return false;
	for (int i = 0; i < CONTAINER_ID_LEN; i++)
		if (!is_hex(p[i]))
			return false;
	return p + CONTAINER_ID_LEN == end || !is_hex(p[CONTAINER_ID_LEN]);
}

static const char *find_in(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = s; p + n <= end; p++)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

struct marker {
	const char *prefix;
	const char *runtime;
};

/* Look for prefix+id in [s, end); the first marker that matches wins. */
static bool scan_markers(const char *s, const char *end, const struct marker *m, size_t nm, proc_hint *out)
{
	for (size_t i = 0; i < nm; i++) {
		for (const char *p = s; (p = find_in(p, end, m[i].prefix)); p++) {
			const char *q = p + strlen(m[i].prefix);
			if (id_at(q, end)) {
				memcpy(out->id, q, CONTAINER_ID_LEN);
				out->id[CONTAINER_ID_LEN] = '\0';
				out->runtime = m[i].runtime;
				return true;
			}
		}
	}
	return false;
}

bool procfs_scan_cgroup(const char *text, size_t len, proc_hint *out)
{
	static const struct marker markers[] = {
		{ "/docker/", "docker" },        { "docker-", "docker" },
		{ "libpod-", "podman" },         { "/libpod/", "podman" },
		{ "cri-containerd-", "kubernetes" }, { "crio-", "kubernetes" },
	};
	const char *end = text + len;
	memset(out, 0, sizeof *out);
	/* Line by line, so a marker never spans two lines. */
	for (const char *line = text; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *le = nl ? nl : end;
		if (scan_markers(line, le, markers, sizeof markers / sizeof *markers, out)) {
			if (find_in(line, le, "kubepods"))
				out->runtime = "kubernetes";
			return true;
		}
		if (!out->runtime) {
			if (find_in(line, le, "kubepods"))
				out->runtime = "kubernetes";
			else if (find_in(line, le, "/lxc/") || find_in(line, le, "lxc.payload"))
				out->runtime = "lxc";
		}
		line = nl ? nl + 1 : end; /* never past end: end + 1 would be UB */
	}
	return out->runtime != NULL;
}

bool procfs_scan_mountinfo(const char *text, size_t len, proc_hint *out)
{
	static const struct marker markers[] = {
		{ "/docker/containers/", "docker" },
		{ "/overlay-containers/", "podman" },
		{ "/io.containerd.grpc.v1.cri/sandboxes/", "kubernetes" },
	};
	const char *end = text + len;
	memset(out, 0, sizeof *out);
	for (const char *line = text; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *le = nl ? nl : end;
		if (scan_markers(line, le, markers, sizeof markers / sizeof *markers, out))
			return true;
		/* berth's containerd containers bind-mount their /etc files from
		 * .../berth/containerd/<namespace>/<id>/ */
		for (const char *p = line; (p = find_in(p, le, "/berth/containerd/")); p++) {
			const char *ns = p + strlen("/berth/containerd/");
			const char *slash = memchr(ns, '/', (size_t)(le - ns));
			if (slash && slash > ns && id_at(slash + 1, le) && (slash + 1 + CONTAINER_ID_LEN == le ||
									    slash[1 + CONTAINER_ID_LEN] == '/')) {
				memcpy(out->id, slash + 1, CONTAINER_ID_LEN);
				out->id[CONTAINER_ID_LEN] = '\0';
				out->runtime = "containerd";
				return true;
			}
		}
		line = nl ? nl + 1 : end; /* never past end: end + 1 would be UB */
	}
	return false;
}
