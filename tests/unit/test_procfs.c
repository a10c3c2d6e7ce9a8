/* Whether a process runs in a container, from /proc text about it.
 *
 * The fixtures under fixtures/procfs/ are real: the mountinfo and cgroup
 * of a container's process on each engine of these hosts (cgroup v1,
 * hybrid), the host's own while a container of every engine ran, and the
 * host's with other containers' files mounted at more places. */
#include "../common/fixture.h"
#include "../common/test.h"

#include "lib/parse/procfs.h"

#define ID "94bc678dbfa1d0595a6716121570a4b8c4e2c4e4f3c9a2d5eeb8ba8da68231da"
#define ID2 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
/* the containers the fixtures were taken from */
#define DOCKER_ID "de63b186276314cef6939651339fa48ae379a7ec14d7a974daec76d3e2f0326c"
#define PODMAN_ID "962152be876dc6151bc75eb2b6627300d27b0319d543daf46be4cac294fcf28d"
#define CTRD_ID "19954cd77b8dadaf054497a8ba1fdb657f2f037015b8fd845610088b8a11fcce"

/* The engines the fixtures were taken from, and their containers' ids. */
static const struct {
	const char *engine, *id;
} real[] = {
	{ "docker", DOCKER_ID },
	{ "podman", PODMAN_ID },
	{ "containerd", CTRD_ID },
};

/* fixtures/procfs/<engine>.<kind> */
static char *real_fixture(size_t i, const char *kind, size_t *len)
{
	char path[64];
	snprintf(path, sizeof path, "procfs/%s.%s", real[i].engine, kind);
	return test_fixture(path, len);
}

static bool cg(const char *text, proc_hint *h) { return procfs_scan_cgroup(text, strlen(text), h); }
static bool mi(const char *text, proc_mounts *m) { return procfs_scan_mountinfo(text, strlen(text), m); }

static void test_cgroup(void **state)
{
	(void)state;
	proc_hint h;
	/* Docker, cgroup v1 with the cgroupfs driver (as on these hosts) */
	assert_true(cg("9:name=systemd:/docker/" ID "\n8:pids:/docker/" ID "\n", &h));
	assert_string_equal(h.id, ID);
	assert_string_equal(h.runtime, "docker");
	assert_string_equal(h.rule, "/docker/<id>");
	/* Docker with the systemd driver, cgroup v2 */
	assert_true(cg("0::/system.slice/docker-" ID ".scope\n", &h));
	assert_string_equal(h.id, ID);
	assert_string_equal(h.runtime, "docker");
	/* Podman */
	assert_true(cg("9:name=systemd:/libpod_parent/libpod-" ID "\n", &h));
	assert_string_equal(h.runtime, "podman");
	assert_string_equal(h.id, ID);
	assert_true(cg("0::/machine.slice/libpod-" ID ".scope/container\n", &h));
	assert_string_equal(h.runtime, "podman");
	assert_string_equal(h.id, ID);
	/* Podman's conmon runs on the host, beside the container */
	assert_false(cg("0::/machine.slice/libpod-conmon-" ID ".scope\n", &h));
	assert_false(cg("4:memory:/libpod_parent/conmon\n", &h));
	/* containerd's clients (berth, ctr, nerdctl): /<namespace>/<id> */
	assert_true(cg("4:memory:/default/" ID "\n0::/default/" ID "\n", &h));
	assert_string_equal(h.runtime, "containerd");
	assert_string_equal(h.id, ID);
	assert_string_equal(h.rule, "/<namespace>/<id>");
	assert_true(cg("0::/system.slice/nerdctl-" ID ".scope\n", &h));
	assert_string_equal(h.runtime, "containerd");
	/* ... but an id deeper under some other parent is not taken */
	assert_false(cg("0::/user.slice/x/" ID "\n", &h));
	assert_false(cg("0::/" ID "\n", &h));
	/* a container in a container: the innermost one */
	assert_true(cg("4:memory:/docker/" ID2 "/docker/" ID "\n", &h));
	assert_string_equal(h.id, ID);
	assert_true(cg("0::/docker/" ID2 "/libpod_parent/libpod-" ID "\n", &h));
	assert_string_equal(h.id, ID);
	assert_string_equal(h.runtime, "podman");
	/* Kubernetes */
	assert_true(cg("0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-" ID ".scope\n", &h));
	assert_string_equal(h.runtime, "kubernetes");
	assert_string_equal(h.id, ID);
	assert_true(cg("11:cpu:/kubepods/besteffort/pod1234/" ID "\n", &h));
	assert_string_equal(h.runtime, "kubernetes");
	assert_string_equal(h.id, ID);
	assert_true(cg("0::/kubepods.slice/kubepods-pod1.slice\n", &h));
	assert_string_equal(h.runtime, "kubernetes");
	assert_string_equal(h.id, "");
	/* LXC: no id, but a runtime */
	assert_true(cg("0::/lxc.payload.web\n", &h));
	assert_string_equal(h.runtime, "lxc");
	assert_string_equal(h.id, "");
	/* a line with an id wins over an earlier one with a runtime only */
	assert_true(cg("1:cpu:/kubepods\n2:pids:/kubepods/pod1/" ID "\n", &h));
	assert_string_equal(h.id, ID);
	/* the host: this machine's own (a 32-digit cgroup of its agent), a
	 * private cgroup namespace, systemd's */
	size_t len;
	char *host = test_fixture("procfs/host.cgroup", &len);
	assert_false(procfs_scan_cgroup(host, len, &h));
	free(host);
	assert_false(cg("0::/\n", &h));
	assert_false(cg("9:name=systemd:/\n8:pids:/\n0::/init.scope\n", &h));
	assert_false(cg("0::/user.slice/user-1000.slice/session-2.scope\n", &h));
	assert_false(cg("", &h));
	assert_null(h.runtime);
	/* 63 or 65 hex digits are not an id; nor is upper case */
	assert_false(cg("1:x:/docker/" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde" "\n", &h));
	assert_false(cg("1:x:/docker/" ID "0\n", &h));
	assert_false(cg("1:x:/docker/0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\n", &h));
	assert_false(cg("1:x:/system.slice/docker-" ID ".service\n", &h));
	/* a marker split across lines does not count; nor a line without the
	 * two colons */
	assert_false(cg("1:x:/dock\ner/" ID, &h));
	assert_false(cg("/docker/" ID "\n", &h));
	/* no newline at the end, and text that is not NUL-terminated */
	char raw[sizeof("0::/docker/" ID) - 1];
	memcpy(raw, "0::/docker/" ID, sizeof raw);
	assert_true(procfs_scan_cgroup(raw, sizeof raw, &h));
	assert_string_equal(h.id, ID);
	/* the real ones */
	for (size_t i = 0; i < sizeof real / sizeof *real; i++) {
		char *text = real_fixture(i, "cgroup", &len);
		assert_true(procfs_scan_cgroup(text, len, &h));
		assert_string_equal(h.runtime, real[i].engine);
		assert_string_equal(h.id, real[i].id);
		free(text);
	}
}

static void test_mountinfo(void **state)
{
	(void)state;
	proc_mounts m;
	/* the engines' per-container files at a container's paths */
	assert_true(mi("93 76 254:0 /var/lib/docker/containers/" ID "/resolv.conf /etc/resolv.conf rw - ext4 /dev/vda rw\n", &m));
	assert_string_equal(m.bind.id, ID);
	assert_string_equal(m.bind.runtime, "docker");
	assert_string_equal(m.bind_at, "/etc/resolv.conf");
	assert_null(m.root);
	assert_true(mi("86 79 254:0 /run/containers/storage/overlay-containers/" ID
		       "/userdata/hostname /etc/hostname rw - ext4 /dev/vda rw\n", &m));
	assert_string_equal(m.bind.runtime, "podman");
	assert_string_equal(m.bind.id, ID);
	assert_true(mi("86 79 254:0 /home/u/.local/share/containers/storage/vfs-containers/" ID
		       "/userdata/.containerenv /run/.containerenv rw - ext4 /dev/vda rw\n", &m));
	assert_string_equal(m.bind.runtime, "podman");
	assert_true(mi("86 79 254:0 /run/berth/containerd/ns1/" ID "/hosts /etc/hosts rw - ext4 /dev/vda rw\n", &m));
	assert_string_equal(m.bind.runtime, "containerd");
	assert_string_equal(m.bind.id, ID);
	/* /etc/hostname names it, in whatever order the engine mounted */
	assert_true(mi("1 0 8:1 /var/lib/docker/containers/" ID "/hosts /etc/hosts rw - ext4 /dev/sda1 rw\n"
		       "2 0 8:1 /var/lib/docker/containers/" ID "/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n"
		       "3 0 8:1 /var/lib/docker/containers/" ID "/resolv.conf /etc/resolv.conf rw - ext4 /dev/sda1 rw\n", &m));
	assert_string_equal(m.bind_at, "/etc/hostname");
	assert_string_equal(m.bind.rule, "Docker's container directory");
	/* a data root with a space in its name: fields are octal-escaped */
	assert_true(mi("1 0 8:1 /srv/my\\040docker/containers/" ID "/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n", &m));
	assert_string_equal(m.bind.id, ID);
	/* optional fields before the "-" */
	assert_true(mi("1 0 8:1 /var/lib/docker/containers/" ID "/hosts /etc/hosts rw shared:1 master:2 - ext4 /dev/sda1 rw\n", &m));
	assert_string_equal(m.bind.id, ID);
	/* Kubernetes: the sandbox's directory names the pod; no id, and it
	 * wins over the files of CRI-O's containers/storage */
	assert_true(mi("1 0 0:1 /run/containerd/io.containerd.grpc.v1.cri/sandboxes/" ID "/hostname /etc/hostname rw - tmpfs tmpfs rw\n", &m));
	assert_string_equal(m.bind.runtime, "kubernetes");
	assert_string_equal(m.bind.id, "");
	assert_true(mi("1 0 0:1 /run/containers/storage/overlay-containers/" ID "/userdata/hostname /etc/hostname rw - tmpfs tmpfs rw\n"
		       "2 0 0:1 /var/lib/kubelet/pods/0b5e/etc-hosts /etc/hosts rw - ext4 /dev/sda1 rw\n", &m));
	assert_string_equal(m.bind.runtime, "kubernetes");
	assert_string_equal(m.bind.id, "");

	/* the mount at "/" in an engine's storage: a runtime, no id (the
	 * layer's id is not the container's) */
	assert_true(mi("1 0 0:40 / / rw - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/A:/var/lib/docker/overlay2/l/B,"
		       "upperdir=/var/lib/docker/overlay2/" ID "/diff,workdir=/var/lib/docker/overlay2/" ID "/work\n", &m));
	assert_string_equal(m.root, "docker");
	assert_null(m.bind.runtime);
	assert_true(mi("1 0 0:40 / / rw - overlay overlay rw,lowerdir=/var/lib/docker/containerd/daemon/io.containerd.snapshotter.v1.overlayfs/snapshots/1/fs\n", &m));
	assert_string_equal(m.root, "docker");
	assert_true(mi("1 0 0:40 / / rw - overlay overlay rw,upperdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/9/fs\n", &m));
	assert_string_equal(m.root, "containerd");
	assert_true(mi("1 0 0:40 /var/lib/docker/btrfs/subvolumes/" ID " / rw - btrfs /dev/sda2 rw\n", &m));
	assert_string_equal(m.root, "docker");
	/* the last mount at "/" is the one on top */
	assert_false(mi("1 0 0:40 / / rw - overlay overlay rw,upperdir=/var/lib/containers/storage/overlay/x/diff\n"
			"2 1 8:1 / / rw - ext4 /dev/sda1 rw\n", &m));
	/* an overlay root of no engine's storage (a live system) says nothing */
	assert_false(mi("1 1 0:1 / / rw - overlay overlay rw,lowerdir=/run/live/rootfs,upperdir=/run/live/overlay/rw\n", &m));

	/* other containers' files anywhere but a container's paths */
	assert_false(mi("53 27 0:51 / /var/lib/containers/storage/overlay-containers/" ID "/userdata/shm rw - tmpfs shm rw\n"
			"67 27 0:4 net:[4026532319] /run/berth/containerd/default/" ID "/netns rw - nsfs nsfs rw\n"
			"5 27 8:1 /var/lib/docker/containers/" ID "/hostname /etc/hostname2 rw - ext4 /dev/sda1 rw\n"
			"6 27 8:1 /var/lib/docker/containers/" ID "/hosts /mnt/etc/hosts rw - ext4 /dev/sda1 rw\n"
			"7 27 8:1 /var/lib/docker/containers/" ID "/hosts /etc/hosts\\040 rw - ext4 /dev/sda1 rw\n", &m));
	assert_null(m.bind.runtime);
	/* malformed lines: too few fields, no "-", the marker in another field */
	assert_false(mi("1 0 0:1 /var/lib/docker/containers/" ID "/hostname\n", &m));
	assert_false(mi("1 0 0:1 /var/lib/docker/containers/" ID "/hostname /etc/hostname rw ext4 /dev/sda1 rw\n", &m));
	assert_false(mi("1 0 0:1 / /etc/hostname rw - ext4 /var/lib/docker/containers/" ID "/hostname rw\n", &m));
	assert_false(mi("1 0 0:1 /var/lib/docker/containers/" ID "/hostname /etc/host\nname rw - ext4 x rw\n", &m));
	assert_false(mi("", &m));
	/* Docker's directory needs a '/' before "containers/", Podman's its
	 * userdata; an id of 63 digits is none */
	assert_false(mi("1 0 8:1 /x/mycontainers/" ID "/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n", &m));
	assert_false(mi("1 0 8:1 /x/overlay-containers/" ID "/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n", &m));
	assert_false(mi("1 0 8:1 /var/lib/docker/containers/" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"
			"/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n", &m));
	assert_false(mi("1 0 8:1 /run/berth/containerd//" ID "/hosts /etc/hosts rw - ext4 /dev/sda1 rw\n", &m));

	/* the real ones */
	size_t len;
	for (size_t i = 0; i < sizeof real / sizeof *real; i++) {
		char *text = real_fixture(i, "mountinfo", &len);
		assert_true(procfs_scan_mountinfo(text, len, &m));
		assert_string_equal(m.bind.runtime, real[i].engine);
		assert_string_equal(m.bind.id, real[i].id);
		assert_string_equal(m.root, real[i].engine);
		free(text);
	}
	/* the host while containers of all three engines run, and with their
	 * files mounted at more places */
	const char *hosts[] = { "procfs/host-engines.mountinfo", "procfs/host-injected.mountinfo" };
	for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++) {
		char *text = test_fixture(hosts[i], &len);
		assert_false(procfs_scan_mountinfo(text, len, &m));
		assert_null(m.bind.runtime);
		assert_null(m.root);
		free(text);
	}
}

static void test_containerenv(void **state)
{
	(void)state;
	char id[CONTAINER_ID_LEN + 1];
	const char *t = "engine=\"podman-4.3.1\"\nname=\"web\"\nid=\"" ID "\"\nimage=\"x\"\n";
	procfs_containerenv_id(t, strlen(t), id);
	assert_string_equal(id, ID);
	t = "id=\"" ID "\"";
	procfs_containerenv_id(t, strlen(t), id);
	assert_string_equal(id, ID);
	t = "xid=\"" ID "\"\nid=\"" ID "0\"\nid=\"short\"\n";
	procfs_containerenv_id(t, strlen(t), id);
	assert_string_equal(id, "");
	procfs_containerenv_id("", 0, id);
	assert_string_equal(id, "");
}

/* The verdict over fixture files. */
typedef struct fixture_set {
	char *mountinfo, *cgroup;
	proc_inputs in;
} fixture_set;

static void load(fixture_set *f, const char *mountinfo, const char *cgroup)
{
	memset(f, 0, sizeof *f);
	if (mountinfo)
		f->in.mountinfo = f->mountinfo = test_fixture(mountinfo, &f->in.mountinfo_len);
	if (cgroup)
		f->in.cgroup = f->cgroup = test_fixture(cgroup, &f->in.cgroup_len);
}

static void unload(fixture_set *f)
{
	free(f->mountinfo);
	free(f->cgroup);
}

#define assert_has(hay, needle) \
	do { \
		if (!strstr((hay), (needle))) \
			fail_msg("\"%s\" lacks \"%s\"", (hay), (needle)); \
	} while (0)

static void test_verdict_host(void **state)
{
	(void)state;
	proc_verdict v;
	fixture_set f;
	/* The host, with a container of each engine running (and their files
	 * mounted at more places), with this machine's stray /.dockerenv and
	 * even a /run/.containerenv: not in a container. */
	const char *tables[] = { "procfs/host-engines.mountinfo", "procfs/host-injected.mountinfo" };
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
		load(&f, tables[i], "procfs/host.cgroup");
		f.in.pid1_cgroup = f.cgroup;
		f.in.pid1_cgroup_len = f.in.cgroup_len;
		f.in.dockerenv = true;
		procfs_verdict(&f.in, &v);
		assert_false(v.in_container);
		assert_string_equal(v.runtime, "");
		assert_string_equal(v.id, "");
		assert_string_equal(v.evidence,
				    "nothing about this process marks a container; /.dockerenv seen but alone not trusted");
		f.in.containerenv = "";
		procfs_verdict(&f.in, &v);
		assert_false(v.in_container);
		assert_has(v.evidence, "/run/.containerenv seen but alone not trusted");
		/* even one that names a container */
		f.in.containerenv = "id=\"" ID "\"\n";
		f.in.containerenv_len = strlen(f.in.containerenv);
		procfs_verdict(&f.in, &v);
		assert_false(v.in_container);
		assert_string_equal(v.id, "");
		unload(&f);
	}
	/* nothing at all */
	proc_inputs none = { 0 };
	procfs_verdict(&none, &v);
	assert_false(v.in_container);
	assert_string_equal(v.evidence, "nothing about this process marks a container");
}

static void test_verdict_engines(void **state)
{
	(void)state;
	proc_verdict v;
	fixture_set f;
	for (size_t i = 0; i < sizeof real / sizeof *real; i++) {
		/* its mounts and cgroup */
		memset(&f, 0, sizeof f);
		f.in.mountinfo = f.mountinfo = real_fixture(i, "mountinfo", &f.in.mountinfo_len);
		f.in.cgroup = f.cgroup = real_fixture(i, "cgroup", &f.in.cgroup_len);
		procfs_verdict(&f.in, &v);
		assert_true(v.in_container);
		assert_string_equal(v.runtime, real[i].engine);
		assert_string_equal(v.id, real[i].id);
		assert_has(v.evidence, "mountinfo: /etc/hostname from ");
		assert_has(v.evidence, "mountinfo: / in ");
		assert_has(v.evidence, "cgroup: ");
		/* with a private cgroup namespace (cgroup v2): the mounts alone */
		size_t cgroup_len = f.in.cgroup_len;
		f.in.cgroup = "0::/\n";
		f.in.cgroup_len = 5;
		procfs_verdict(&f.in, &v);
		assert_true(v.in_container);
		assert_string_equal(v.runtime, real[i].engine);
		assert_string_equal(v.id, real[i].id);
		/* the cgroup alone (another process's, read from the host) */
		f.in.mountinfo = NULL;
		f.in.cgroup = f.cgroup;
		f.in.cgroup_len = cgroup_len;
		procfs_verdict(&f.in, &v);
		assert_true(v.in_container);
		assert_string_equal(v.runtime, real[i].engine);
		assert_string_equal(v.id, real[i].id);
		unload(&f);
	}
	/* a marker file corroborates */
	load(&f, "procfs/docker.mountinfo", NULL);
	f.in.dockerenv = true;
	procfs_verdict(&f.in, &v);
	assert_true(v.in_container);
	assert_string_equal(v.id, DOCKER_ID);
	assert_has(v.evidence, "/.dockerenv (corroborating)");
	unload(&f);
	/* Podman's privileged containers: the id from /run/.containerenv when
	 * nothing else names it */
	proc_inputs in = { 0 };
	in.mountinfo = "1 0 0:40 / / rw - overlay overlay rw,upperdir=/var/lib/containers/storage/overlay/x/diff\n";
	in.mountinfo_len = strlen(in.mountinfo);
	in.containerenv = "engine=\"podman-4.3.1\"\nid=\"" ID "\"\n";
	in.containerenv_len = strlen(in.containerenv);
	procfs_verdict(&in, &v);
	assert_true(v.in_container);
	assert_string_equal(v.runtime, "podman");
	assert_string_equal(v.id, ID);
	assert_has(v.evidence, "/run/.containerenv (corroborating)");
}

static void test_verdict_rules(void **state)
{
	(void)state;
	proc_verdict v;
	/* $container decides (the process's own environment): systemd-nspawn
	 * and LXC leave nothing else */
	proc_inputs in = { 0 };
	in.container_env = "systemd-nspawn";
	procfs_verdict(&in, &v);
	assert_true(v.in_container);
	assert_string_equal(v.runtime, "systemd-nspawn");
	assert_string_equal(v.evidence, "$container=systemd-nspawn");
	in.container_env = "oci";
	procfs_verdict(&in, &v);
	assert_string_equal(v.runtime, "container");
	in.container_env = "";
	procfs_verdict(&in, &v);
	assert_false(v.in_container);
	/* ... but the mounts name the runtime first (an image may carry
	 * ENV container=oci) */
	in.container_env = "oci";
	in.dockerenv = true;
	in.mountinfo = "9 1 8:1 /var/lib/docker/containers/" ID "/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n";
	in.mountinfo_len = strlen(in.mountinfo);
	procfs_verdict(&in, &v);
	assert_string_equal(v.runtime, "docker");
	assert_string_equal(v.id, ID);
	/* a container in a container: the mounts (the innermost view) name it */
	in.cgroup = "0::/docker/" ID2 "\n";
	in.cgroup_len = strlen(in.cgroup);
	procfs_verdict(&in, &v);
	assert_string_equal(v.id, ID);
	/* PID 1's cgroup when the process's own says nothing */
	proc_inputs p1 = { 0 };
	p1.cgroup = "0::/\n";
	p1.cgroup_len = 5;
	p1.pid1_cgroup = "0::/docker/" ID "\n";
	p1.pid1_cgroup_len = strlen(p1.pid1_cgroup);
	procfs_verdict(&p1, &v);
	assert_true(v.in_container);
	assert_string_equal(v.id, ID);
	assert_string_equal(v.evidence, "PID 1's cgroup: /docker/<id>");
	/* Kubernetes: the id only from a cgroup, never the sandbox's */
	proc_inputs k = { 0 };
	k.mountinfo = "1 0 0:1 /run/containerd/io.containerd.grpc.v1.cri/sandboxes/" ID2 "/hostname /etc/hostname rw - tmpfs tmpfs rw\n"
		      "2 0 0:40 / / rw - overlay overlay rw,upperdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/9/fs\n";
	k.mountinfo_len = strlen(k.mountinfo);
	procfs_verdict(&k, &v);
	assert_true(v.in_container);
	assert_string_equal(v.runtime, "kubernetes");
	assert_string_equal(v.id, "");
	k.cgroup = "0::/kubepods.slice/kubepods-besteffort.slice/cri-containerd-" ID ".scope\n";
	k.cgroup_len = strlen(k.cgroup);
	procfs_verdict(&k, &v);
	assert_string_equal(v.runtime, "kubernetes");
	assert_string_equal(v.id, ID);
	/* the evidence never overflows, whatever $container holds */
	char big[2000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	in.container_env = big;
	procfs_verdict(&in, &v);
	assert_true(strlen(v.evidence) < sizeof v.evidence);
}

/* The real thing: this test process is on the host or in a container;
 * either way the scan of its own files must not fail or crash. */
static void test_self(void **state)
{
	(void)state;
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = berth_container_id_of_pid(&id, 0, &err);
	assert_true(r == 0 || r == BERTH_ENOTFOUND);
	if (r == 0)
		assert_int_equal(strlen(id), 64);
	berth_free(id);
	assert_code(berth_container_id_of_pid(&id, -1, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_id_of_pid(&id, 999999999, &err), BERTH_ENOTFOUND, &err);
	berth_platform *p = NULL;
	assert_ok(berth_platform_detect(&p, &err), &err);
	assert_int_equal(berth_platform_in_container(p), berth_in_container());
	if (!berth_platform_in_container(p))
		assert_string_equal(berth_platform_runtime(p), "");
	assert_true(berth_platform_evidence(p)[0] != '\0');
	berth_platform_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup),
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_containerenv),
		cmocka_unit_test(test_verdict_host),
		cmocka_unit_test(test_verdict_engines),
		cmocka_unit_test(test_verdict_rules),
		cmocka_unit_test(test_self),
	};
	return cmocka_run_group_tests_name("procfs", tests, NULL, NULL);
}
