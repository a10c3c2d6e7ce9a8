/* Whether a process runs in a container, from /proc text about that
 * process only.
 *
 * cgroup lines are "hierarchy:controllers:path"; the path names the
 * container when the process's cgroup namespace is the host's or an
 * engine's parent: "/docker/<64 hex>" (Docker, cgroupfs driver, as on
 * these hosts), ".../docker-<id>.scope" (Docker, systemd driver),
 * "/libpod_parent/libpod-<id>" or ".../libpod-<id>.scope" (Podman),
 * "/<namespace>/<id>" (containerd's clients: ctr, nerdctl, berth),
 * ".../cri-containerd-<id>", ".../crio-<id>", "/kubepods/..."
 * (Kubernetes), "/lxc/<name>" or "lxc.payload.<name>" (LXC). With a
 * private cgroup namespace the path is "/" and says nothing.
 *
 * mountinfo lines are "id parent major:minor root mountpoint options
 * [optional fields...] - fstype source superoptions", each field with
 * space, tab, newline and backslash written as \ooo. A container sees
 * its engine's per-container files bind-mounted at /etc/hostname,
 * /etc/hosts, ...: the mount's root (field 4) is then
 * ".../docker/containers/<id>/hostname", ".../overlay-containers/<id>/
 * userdata/hostname" or berth's ".../berth/containerd/<namespace>/<id>/
 * hostname". The host's own table holds the same directories while
 * containers run, but mounted elsewhere (a Podman container's
 * ".../userdata/shm", berth's ".../<id>/netns", the engines' overlay
 * "merged" directories): only the mount points a container's own view
 * has count, never the mere presence of a container's directory.
 *
 * The markers searched below hold none of the characters the kernel
 * escapes, so they are looked for in the escaped text as it is, within
 * one field. */
#include "procfs.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct span {
	const char *p;
	size_t n;
} span;

static bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

static bool all_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_hex(p[i]))
			return false;
	return true;
}

static bool span_is(span s, const char *lit) { return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0; }

static const char *span_find(span s, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= s.n; i++)
		if (memcmp(s.p + i, needle, n) == 0)
			return s.p + i;
	return NULL;
}

static void take_id(char out[CONTAINER_ID_LEN + 1], const char *p)
{
	memcpy(out, p, CONTAINER_ID_LEN);
	out[CONTAINER_ID_LEN] = '\0';
}

static void set_hint(proc_hint *h, const char *id, const char *runtime, const char *rule)
{
	if (id)
		take_id(h->id, id);
	else
		h->id[0] = '\0';
	h->runtime = runtime;
	h->rule = rule;
}

/* The next line of [*at, end), without its newline; false at the end. */
static bool next_line(const char **at, const char *end, span *line)
{
	if (*at >= end)
		return false;
	const char *nl = memchr(*at, '\n', (size_t)(end - *at));
	const char *le = nl ? nl : end;
	*line = (span){ *at, (size_t)(le - *at) };
	*at = nl ? nl + 1 : end; /* never past end: end + 1 would be UB */
	return true;
}

/* ---- cgroup ------------------------------------------------------------------------- */

/* "<prefix><64 hex>" or "<prefix><64 hex>.scope": a component that is one
 * container's own cgroup. */
static const char *scoped_id(span c, const char *prefix)
{
	size_t n = strlen(prefix);
	if (c.n < n + CONTAINER_ID_LEN || memcmp(c.p, prefix, n) != 0)
		return NULL;
	const char *id = c.p + n;
	size_t rest = c.n - n - CONTAINER_ID_LEN;
	if (!all_hex(id, CONTAINER_ID_LEN) || (rest && !(rest == 6 && memcmp(id + CONTAINER_ID_LEN, ".scope", 6) == 0)))
		return NULL;
	return id;
}

/* The component of path [start, end) that ends just before the '/' at
 * sep (sep > start), as a span; empty when there is none. */
static span component_before(const char *start, const char *sep)
{
	const char *s = sep;
	while (s > start && s[-1] != '/')
		s--;
	return (span){ s, (size_t)(sep - s) };
}

/* One cgroup path: the innermost component that names a container. */
static bool scan_cgroup_path(span path, proc_hint *out)
{
	static const struct {
		const char *prefix, *runtime, *rule;
	} scoped[] = {
		{ "docker-", "docker", "docker-<id>.scope" },
		{ "libpod-", "podman", "libpod-<id>" },
		{ "cri-containerd-", "kubernetes", "cri-containerd-<id>" },
		{ "crio-", "kubernetes", "crio-<id>" },
		{ "nerdctl-", "containerd", "nerdctl-<id>.scope" },
	};
	const char *start = path.p, *end = path.p + path.n;
	bool kube = span_find(path, "kubepods") != NULL;
	for (const char *e = end; e > start;) {
		span c = component_before(start, e);
		span parent = c.p > start ? component_before(start, c.p - 1) : (span){ start, 0 };
		const char *id = NULL, *runtime = NULL, *rule = NULL;
		for (size_t i = 0; i < sizeof scoped / sizeof *scoped && !id; i++)
			if ((id = scoped_id(c, scoped[i].prefix))) {
				runtime = scoped[i].runtime;
				rule = scoped[i].rule;
			}
		if (!id && c.n == CONTAINER_ID_LEN && all_hex(c.p, c.n)) {
			id = c.p;
			if (span_is(parent, "docker")) {
				runtime = "docker";
				rule = "/docker/<id>";
			} else if (span_is(parent, "libpod")) {
				runtime = "podman";
				rule = "/libpod/<id>";
			} else if (kube) {
				runtime = "kubernetes";
				rule = "kubepods/.../<id>";
			} else if (c.p + c.n == end && parent.n && parent.p == start + 1 && *start == '/') {
				/* exactly "/<namespace>/<id>": containerd's clients */
				runtime = "containerd";
				rule = "/<namespace>/<id>";
			} else {
				id = NULL;
			}
		}
		if (id) {
			set_hint(out, id, kube ? "kubernetes" : runtime, rule);
			return true;
		}
		e = c.p > start ? c.p - 1 : start;
	}
	if (kube) {
		set_hint(out, NULL, "kubernetes", "kubepods");
		return true;
	}
	if (span_find(path, "/lxc/") || span_find(path, "lxc.payload")) {
		set_hint(out, NULL, "lxc", "lxc");
		return true;
	}
	return false;
}

bool procfs_scan_cgroup(const char *text, size_t len, proc_hint *out)
{
	memset(out, 0, sizeof *out);
	const char *at = text, *end = text + len;
	span line;
	/* The first line that names a container's id; else the first that
	 * names a runtime only. */
	while (next_line(&at, end, &line)) {
		const char *c1 = memchr(line.p, ':', line.n);
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(line.p + line.n - c1 - 1)) : NULL;
		if (!c2)
			continue;
		span path = { c2 + 1, (size_t)(line.p + line.n - c2 - 1) };
		proc_hint h;
		memset(&h, 0, sizeof h);
		if (!scan_cgroup_path(path, &h))
			continue;
		if (h.id[0]) {
			*out = h;
			return true;
		}
		if (!out->runtime)
			*out = h;
	}
	return out->runtime != NULL;
}

/* ---- mountinfo ---------------------------------------------------------------------- */

/* The fields of one mountinfo line that the rules read: the mount's root
 * (field 4), its mount point (field 5), and the super options (the third
 * field after the "-"). */
typedef struct mount_line {
	span root, point, super;
} mount_line;

static bool split_mount_line(span line, mount_line *m)
{
	span f[6];
	const char *p = line.p, *end = line.p + line.n;
	size_t i = 0, after_dash = 0; /* fields after the "-" that ends the optional ones */
	memset(m, 0, sizeof *m);
	for (;;) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		span field = { p, (size_t)((sp ? sp : end) - p) };
		if (i < 6)
			f[i++] = field;
		else if (after_dash == 0 && span_is(field, "-"))
			after_dash = 1;
		else if (after_dash >= 1 && after_dash <= 3) {
			if (after_dash == 3) /* after the type and the source */
				m->super = field;
			after_dash++;
		}
		if (!sp)
			break;
		p = sp + 1;
	}
	if (i < 6 || after_dash < 2) /* no "-", or no type after it */
		return false;
	m->root = f[3];
	m->point = f[4];
	return true;
}

/* Where engines put their per-container files in a container's view. */
static const char *const container_paths[] = {
	"/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/run/.containerenv", "/run/secrets", "/dev/termination-log",
};

/* A mount root inside an engine's per-container directory. */
static bool bind_of_engine(span root, proc_hint *h)
{
	/* ".../containers/<id>/" (Docker's, whatever its data root) and
	 * ".../<driver>-containers/<id>/userdata/" (Podman's) */
	for (const char *p = root.p, *end = root.p + root.n;
	     (p = span_find((span){ p, (size_t)(end - p) }, "containers/")); p++) {
		const char *id = p + strlen("containers/");
		if ((size_t)(end - id) <= CONTAINER_ID_LEN || !all_hex(id, CONTAINER_ID_LEN) || id[CONTAINER_ID_LEN] != '/')
			continue;
		if (p > root.p && p[-1] == '/') {
			set_hint(h, id, "docker", "Docker's container directory");
			return true;
		}
		span rest = { id + CONTAINER_ID_LEN, (size_t)(end - id - CONTAINER_ID_LEN) };
		if (p > root.p && p[-1] == '-' && rest.n >= 10 && memcmp(rest.p, "/userdata/", 10) == 0) {
			set_hint(h, id, "podman", "Podman's container directory");
			return true;
		}
	}
	/* berth on containerd: ".../berth/containerd/<namespace>/<id>/" */
	for (const char *p = root.p, *end = root.p + root.n;
	     (p = span_find((span){ p, (size_t)(end - p) }, "/berth/containerd/")); p++) {
		const char *ns = p + strlen("/berth/containerd/");
		const char *slash = memchr(ns, '/', (size_t)(end - ns));
		if (!slash || slash == ns)
			continue;
		const char *id = slash + 1;
		if ((size_t)(end - id) > CONTAINER_ID_LEN && all_hex(id, CONTAINER_ID_LEN) && id[CONTAINER_ID_LEN] == '/') {
			set_hint(h, id, "containerd", "berth's containerd container directory");
			return true;
		}
	}
	/* Kubernetes: the pod's sandbox and the kubelet's pod directory name
	 * the pod, not this container: a runtime, no id. */
	if (span_find(root, "/io.containerd.grpc.v1.cri/sandboxes/") || span_find(root, "/kubelet/pods/")) {
		set_hint(h, NULL, "kubernetes", "a Kubernetes pod's directory");
		return true;
	}
	return false;
}

/* The engine whose image storage holds the mount at "/" (its root field,
 * or the lowerdir/upperdir of its overlay's options). */
static const char *storage_of_engine(const mount_line *m)
{
	static const struct {
		const char *marker, *runtime;
	} stores[] = {
		/* Docker's first: its containerd image store is under its data root */
		{ "/docker/overlay2/", "docker" },     { "/docker/fuse-overlayfs/", "docker" },
		{ "/docker/btrfs/", "docker" },        { "/docker/zfs/", "docker" },
		{ "/docker/vfs/", "docker" },          { "/docker/containerd/", "docker" },
		{ "/containers/storage/", "podman" },  { "/io.containerd.snapshotter.v1.", "containerd" },
	};
	for (size_t i = 0; i < sizeof stores / sizeof *stores; i++)
		if (span_find(m->root, stores[i].marker) || span_find(m->super, stores[i].marker))
			return stores[i].runtime;
	return NULL;
}

bool procfs_scan_mountinfo(const char *text, size_t len, proc_mounts *out)
{
	memset(out, 0, sizeof *out);
	const char *at = text, *end = text + len;
	span line;
	size_t bind_rank = 0;
	while (next_line(&at, end, &line)) {
		mount_line m;
		if (!split_mount_line(line, &m))
			continue;
		if (span_is(m.point, "/")) {
			/* the last mount at "/" is the one on top */
			out->root = storage_of_engine(&m);
			continue;
		}
		for (size_t i = 0; i < sizeof container_paths / sizeof *container_paths; i++) {
			proc_hint h;
			if (!span_is(m.point, container_paths[i]) || !bind_of_engine(m.root, &h))
				continue;
			/* the file first in container_paths wins (engines mount them
			 * in no fixed order); a pod's directory makes it Kubernetes
			 * (its engine's files name the pod's sandbox) */
			bool kube = strcmp(h.runtime, "kubernetes") == 0;
			bool had_kube = out->bind.runtime && strcmp(out->bind.runtime, "kubernetes") == 0;
			if (!out->bind.runtime || (kube && !had_kube) || (kube == had_kube && i < bind_rank)) {
				out->bind = h;
				out->bind_at = container_paths[i];
				bind_rank = i;
			}
		}
	}
	return out->bind.runtime || out->root;
}

/* ---- /run/.containerenv -------------------------------------------------------------- */

void procfs_containerenv_id(const char *text, size_t len, char out[CONTAINER_ID_LEN + 1])
{
	out[0] = '\0';
	const char *at = text, *end = text + len;
	span line;
	while (next_line(&at, end, &line))
		if (line.n == 4 + CONTAINER_ID_LEN + 1 && memcmp(line.p, "id=\"", 4) == 0 &&
		    all_hex(line.p + 4, CONTAINER_ID_LEN) && line.p[line.n - 1] == '"') {
			take_id(out, line.p + 4);
			return;
		}
}

/* ---- the verdict --------------------------------------------------------------------- */

static void say(proc_verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(proc_verdict *v, const char *fmt, ...)
{
	size_t n = strlen(v->evidence);
	if (n + 1 >= sizeof v->evidence)
		return;
	if (n)
		n += (size_t)snprintf(v->evidence + n, sizeof v->evidence - n, "; ");
	if (n + 1 >= sizeof v->evidence)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->evidence + n, sizeof v->evidence - n, fmt, ap);
	va_end(ap);
}

static bool is_kube(const char *runtime) { return runtime && strcmp(runtime, "kubernetes") == 0; }

static void set_runtime(proc_verdict *v, const char *rt)
{
	if (!v->runtime[0] && rt && *rt)
		snprintf(v->runtime, sizeof v->runtime, "%s", rt);
}

static void set_id(proc_verdict *v, const char *id)
{
	if (!v->id[0] && id && *id)
		snprintf(v->id, sizeof v->id, "%s", id);
}

void procfs_verdict(const proc_inputs *in, proc_verdict *out)
{
	memset(out, 0, sizeof *out);
	proc_mounts m;
	proc_hint cg, pid1;
	memset(&m, 0, sizeof m);
	memset(&cg, 0, sizeof cg);
	memset(&pid1, 0, sizeof pid1);
	if (in->mountinfo)
		procfs_scan_mountinfo(in->mountinfo, in->mountinfo_len, &m);
	if (in->cgroup)
		procfs_scan_cgroup(in->cgroup, in->cgroup_len, &cg);
	if (in->pid1_cgroup)
		procfs_scan_cgroup(in->pid1_cgroup, in->pid1_cgroup_len, &pid1);
	const char *env = in->container_env && *in->container_env ? in->container_env : NULL;

	/* What is about this process decides: its own mounts, its cgroup,
	 * PID 1's cgroup in its mount namespace, its environment. */
	if (m.bind.runtime)
		say(out, "mountinfo: %s from %s", m.bind_at, m.bind.rule);
	if (m.root)
		say(out, "mountinfo: / in %s's image storage", m.root);
	if (cg.runtime)
		say(out, "cgroup: %s", cg.rule);
	if (pid1.runtime)
		say(out, "PID 1's cgroup: %s", pid1.rule);
	if (env)
		say(out, "$container=%.40s", env);
	out->in_container = m.bind.runtime || m.root || cg.runtime || pid1.runtime || env;
	if (!out->in_container)
		say(out, "nothing about this process marks a container");

	/* Marker files are files of the root file system: a host made from a
	 * container's image keeps them. They never decide. */
	if (in->dockerenv)
		say(out, out->in_container ? "/.dockerenv (corroborating)" : "/.dockerenv seen but alone not trusted");
	if (in->containerenv)
		say(out, out->in_container ? "/run/.containerenv (corroborating)"
					   : "/run/.containerenv seen but alone not trusted");
	if (!out->in_container)
		return;

	/* The runtime: Kubernetes when anything says so (its engines' files
	 * and storage are containerd's or CRI-O's); else the innermost view
	 * first: the bound files, the root's storage, the cgroups, $container,
	 * the marker files. */
	if (is_kube(m.bind.runtime) || is_kube(cg.runtime) || is_kube(pid1.runtime))
		set_runtime(out, "kubernetes");
	set_runtime(out, m.bind.runtime);
	set_runtime(out, m.root);
	set_runtime(out, cg.runtime);
	set_runtime(out, pid1.runtime);
	if (env)
		set_runtime(out, strcmp(env, "oci") == 0 ? "container" : env);
	if (in->dockerenv)
		set_runtime(out, "docker");
	if (in->containerenv)
		set_runtime(out, "podman");

	/* The id: on Kubernetes only a cgroup names this container; else the
	 * bound files, the cgroups, then /run/.containerenv's id line. */
	if (strcmp(out->runtime, "kubernetes") == 0) {
		if (is_kube(cg.runtime))
			set_id(out, cg.id);
		if (is_kube(pid1.runtime))
			set_id(out, pid1.id);
		return;
	}
	set_id(out, m.bind.id);
	set_id(out, cg.id);
	set_id(out, pid1.id);
	if (in->containerenv) {
		char id[CONTAINER_ID_LEN + 1];
		procfs_containerenv_id(in->containerenv, in->containerenv_len, id);
		set_id(out, id);
	}
}
