/* Container markers in /proc text. */
#include "../common/test.h"

#include "lib/parse/procfs.h"

#define ID "94bc678dbfa1d0595a6716121570a4b8c4e2c4e4f3c9a2d5eeb8ba8da68231da"

static bool cg(const char *text, proc_hint *h) { return procfs_scan_cgroup(text, strlen(text), h); }
static bool mi(const char *text, proc_hint *h) { return procfs_scan_mountinfo(text, strlen(text), h); }

static void test_cgroup(void **state)
{
	(void)state;
	proc_hint h;
	/* Docker, cgroup v1 with the cgroupfs driver (as on these hosts) */
	assert_true(cg("9:name=systemd:/docker/" ID "\n8:pids:/docker/" ID "\n", &h));
	assert_string_equal(h.id, ID);
	assert_string_equal(h.runtime, "docker");
	/* Docker with the systemd driver, cgroup v2 */
	assert_true(cg("0::/system.slice/docker-" ID ".scope\n", &h));
	assert_string_equal(h.id, ID);
	/* Podman */
	assert_true(cg("9:name=systemd:/libpod_parent/libpod-" ID "\n", &h));
	assert_string_equal(h.runtime, "podman");
	assert_string_equal(h.id, ID);
	assert_true(cg("0::/machine.slice/libpod-" ID ".scope/container\n", &h));
	assert_string_equal(h.runtime, "podman");
	/* Kubernetes */
	assert_true(cg("0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-" ID ".scope\n", &h));
	assert_string_equal(h.runtime, "kubernetes");
	assert_string_equal(h.id, ID);
	assert_true(cg("11:cpu:/kubepods/besteffort/pod1234/" ID "\n", &h));
	assert_string_equal(h.runtime, "kubernetes");
	/* LXC: no id, but a runtime */
	assert_true(cg("0::/lxc.payload.web\n", &h));
	assert_string_equal(h.runtime, "lxc");
	assert_string_equal(h.id, "");
	/* the host */
	assert_false(cg("9:name=systemd:/\n8:pids:/\n0::/init.scope\n", &h));
	assert_false(cg("", &h));
	/* 63 or 65 hex digits are not an id */
	assert_false(cg("1:x:/docker/" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde" "\n", &h));
	assert_false(cg("1:x:/docker/" ID "0\n", &h));
	/* a marker split across lines does not count */
	assert_false(cg("1:x:/dock\ner/" ID, &h));
	/* no newline at the end, and text that is not NUL-terminated */
	char raw[sizeof("0::/docker/" ID) - 1];
	memcpy(raw, "0::/docker/" ID, sizeof raw);
	assert_true(procfs_scan_cgroup(raw, sizeof raw, &h));
	assert_string_equal(h.id, ID);
}

static void test_mountinfo(void **state)
{
	(void)state;
	proc_hint h;
	assert_true(mi("93 76 254:0 /var/lib/docker/containers/" ID "/resolv.conf /etc/resolv.conf rw - ext4 /dev/vda rw\n", &h));
	assert_string_equal(h.id, ID);
	assert_string_equal(h.runtime, "docker");
	assert_true(mi("86 79 254:0 /run/containers/storage/overlay-containers/" ID
		       "/userdata/hostname /etc/hostname rw - ext4 /dev/vda rw\n", &h));
	assert_string_equal(h.runtime, "podman");
	assert_string_equal(h.id, ID);
	assert_false(mi("22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n", &h));
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
	berth_platform_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup),
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_self),
	};
	return cmocka_run_group_tests_name("procfs", tests, NULL, NULL);
}
