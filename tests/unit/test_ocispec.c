/* The containerd backend's OCI runtime spec, without an engine: the image
 * config parser, chain ids, user resolution, the config.json generated for
 * representative specs (compared with the expected JSON in
 * fixtures/ocispec/), what containerd refuses, and the /etc files. */
#include "../common/test.h"

#include "lib/engines/containerd/ctrd_specgen.h"
#include "lib/engines/containerd/ctrd_cni.h"
#include "lib/parse/ocispec.h"

#include <jansson.h>

static const char image_json[] =
	"{\"architecture\":\"amd64\",\"os\":\"linux\","
	"\"config\":{\"Env\":[\"PATH=/bin:/usr/bin\",\"IMG=1\"],\"Cmd\":[\"sh\"],\"WorkingDir\":\"/srv\","
	"\"Labels\":{\"b\":\"2\",\"a\":\"1\"},\"StopSignal\":\"SIGQUIT\","
	"\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"test -f /tmp/healthy\"],\"Interval\":1000000000,"
	"\"Retries\":3}},"
	"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
	"\"sha256:1111111111111111111111111111111111111111111111111111111111111111\","
	"\"sha256:2222222222222222222222222222222222222222222222222222222222222222\"]}}";

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n# comment\n"
			     "daemon:x:1:1:daemon:/usr/sbin:/bin/false\nweb:x:1000:1000::/home/web:/bin/sh\n";
static const char group[] = "root:x:0:\ndaemon:x:1:web\nweb:x:1000:\nvideo:x:44:web,other\n";

static berth_spec *new_spec(void)
{
	berth_spec *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_new(&s, "localhost/berth-test/busybox:latest", &err), &err);
	return s;
}

static void load_image(oci_image_config *img)
{
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(ctrd_oci_image_config_parse(img, image_json, strlen(image_json), &err), &err);
}

static ocispec_input input_for(const oci_image_config *img)
{
	return (ocispec_input){ .id = "berth-t-one", .ns = "default", .state_dir = "/run/berth/containerd/default/berth-t-one",
				.image = img, .passwd = passwd, .group = group, .host_hostname = "thehost",
				.nofile = 20000, .cap_last = 40 };
}

static json_t *build(const berth_spec *s, const ocispec_input *in)
{
	char *text = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(ctrd_ocispec_build(&text, s, in, &err), &err);
	/* jansson cannot hold the uint64 maximum Go reads for "unlimited":
	 * compare it as -1 */
	for (char *p; (p = strstr(text, ":18446744073709551615"));)
		memmove(p + 3, p + 21, strlen(p + 21) + 1), memcpy(p, ":-1", 3);
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	if (!j)
		fail_msg("not JSON: %s: %s", jerr.text, text);
	free(text);
	return j;
}

/* Compare with fixtures/ocispec/<name>.json; BERTH_OCISPEC_WRITE=1 rewrites it. */
static void expect_fixture(json_t *got, const char *name)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/unit/fixtures/ocispec/%s.json", getenv("BERTH_SOURCE_DIR"), name);
	if (getenv("BERTH_OCISPEC_WRITE"))
		json_dump_file(got, path, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_error_t jerr;
	json_t *want = json_load_file(path, 0, &jerr);
	if (!want)
		fail_msg("%s: %s", path, jerr.text);
	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_INDENT(2) | JSON_SORT_KEYS);
		fail_msg("%s differs; got:\n%s", name, g);
	}
	json_decref(want);
}

static void test_image_config(void **state)
{
	(void)state;
	oci_image_config img;
	load_image(&img);
	assert_int_equal(img.env.len, 2);
	assert_string_equal(img.cmd.items[0], "sh");
	assert_true(img.has_cmd);
	assert_false(img.has_entrypoint);
	assert_string_equal(img.workdir, "/srv");
	assert_string_equal(img.stop_signal, "SIGQUIT");
	assert_string_equal(img.label_keys.items[0], "a");
	assert_true(img.has_health);
	assert_int_equal(img.health_interval_ms, 1000);
	assert_int_equal(img.health_retries, 3);
	assert_int_equal(img.diff_ids.len, 2);
	ctrd_oci_image_config_release(&img);

	berth_error err = BERTH_ERROR_INIT;
	assert_code(ctrd_oci_image_config_parse(&img, "[1]", 3, &err), BERTH_EPROTOCOL, &err);
	assert_code(ctrd_oci_image_config_parse(&img, "{", 1, &err), BERTH_EPROTOCOL, &err);
	ctrd_oci_image_config_release(&img);
	assert_ok(ctrd_oci_image_config_parse(&img, "{}", 2, &err), &err);
	assert_int_equal(img.diff_ids.len, 0);
	ctrd_oci_image_config_release(&img);
	berth_error_clear(&err);
}

static void test_chain_id(void **state)
{
	(void)state;
	oci_image_config img;
	load_image(&img);
	char chain[72];
	berth_error err = BERTH_ERROR_INIT;
	strv one = { img.diff_ids.items, 1, 1 };
	assert_ok(ctrd_oci_chain_id(chain, &one, &err), &err);
	assert_string_equal(chain, img.diff_ids.items[0]);
	assert_ok(ctrd_oci_chain_id(chain, &img.diff_ids, &err), &err);
	/* sha256("sha256:11..11 sha256:22..22"), worked out with sha256sum */
	assert_string_equal(chain, "sha256:9932074217c35353d2e03a3f5a86549f7c67bfeb0ba53e23d69f4d4c8f7958f5");
	strv none = STRV_INIT;
	assert_code(ctrd_oci_chain_id(chain, &none, &err), BERTH_EINVAL, &err);
	char *bad[] = { "sha256:XYZ" };
	strv badv = { bad, 1, 1 };
	assert_code(ctrd_oci_chain_id(chain, &badv, &err), BERTH_EINVAL, &err);
	ctrd_oci_image_config_release(&img);
	berth_error_clear(&err);
}

static void test_user(void **state)
{
	(void)state;
	oci_user u;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(ctrd_oci_user_resolve(&u, NULL, passwd, group, &err), &err);
	assert_int_equal(u.uid, 0);
	assert_int_equal(u.n_gids, 1); /* root's own group, as `docker run ... id -G` says 0 */
	assert_int_equal(u.gids[0], 0);
	assert_ok(ctrd_oci_user_resolve(&u, "web", passwd, group, &err), &err);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 1000);
	assert_int_equal(u.n_gids, 3); /* its primary, then daemon and video, which list web */
	assert_int_equal(u.gids[0], 1000);
	assert_int_equal(u.gids[1], 1);
	assert_int_equal(u.gids[2], 44);
	assert_ok(ctrd_oci_user_resolve(&u, "web:video", passwd, group, &err), &err);
	assert_int_equal(u.gid, 44);
	assert_int_equal(u.n_gids, 1); /* a given group is the only one */
	assert_int_equal(u.gids[0], 44);
	assert_ok(ctrd_oci_user_resolve(&u, "1:5", passwd, group, &err), &err);
	assert_int_equal(u.uid, 1);
	assert_int_equal(u.gid, 5);
	assert_ok(ctrd_oci_user_resolve(&u, "4242", passwd, group, &err), &err); /* not in passwd: gid 0 */
	assert_int_equal(u.uid, 4242);
	assert_int_equal(u.gid, 0);
	assert_ok(ctrd_oci_user_resolve(&u, "4242:4243", NULL, NULL, &err), &err);
	assert_int_equal(u.gid, 4243);
	assert_int_equal(u.n_gids, 1);
	assert_int_equal(u.gids[0], 4243);
	assert_code(ctrd_oci_user_resolve(&u, "nobody", passwd, group, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "user");
	assert_code(ctrd_oci_user_resolve(&u, "web:nogroup", passwd, group, &err), BERTH_EINVAL, &err);
	assert_code(ctrd_oci_user_resolve(&u, "web", NULL, NULL, &err), BERTH_EUNSUPPORTED, &err);
	assert_message_has(&err, "user");
	assert_code(ctrd_oci_user_resolve(&u, "0:web", passwd, NULL, &err), BERTH_EUNSUPPORTED, &err);
	berth_error_clear(&err);
}

static void test_minimal(void **state)
{
	(void)state;
	oci_image_config img;
	load_image(&img);
	berth_spec *s = new_spec();
	ocispec_input in = input_for(&img);
	json_t *j = build(s, &in);
	expect_fixture(j, "minimal");
	json_decref(j);
	berth_spec_free(s);
	ctrd_oci_image_config_release(&img);
}

static void test_full(void **state)
{
	(void)state;
	oci_image_config img;
	load_image(&img);
	berth_spec *s = new_spec();
	berth_error err = BERTH_ERROR_INIT;
	const char *ep[] = { "/bin/sh", "-c" }, *cmd[] = { "exec sleep 60" };
	assert_ok(berth_spec_set_entrypoint(s, ep, 2, &err), &err);
	assert_ok(berth_spec_set_cmd(s, cmd, 1, &err), &err);
	assert_ok(berth_spec_add_env(s, "IMG", "spec", &err), &err);
	assert_ok(berth_spec_add_env(s, "NEW", "x", &err), &err);
	assert_ok(berth_spec_set_user(s, "web", &err), &err);
	assert_ok(berth_spec_set_workdir(s, "/work", &err), &err);
	assert_ok(berth_spec_set_hostname(s, "box", &err), &err);
	assert_ok(berth_spec_set_tty(s, 1, &err), &err);
	assert_ok(berth_spec_add_cap(s, "NET_ADMIN", &err), &err);
	assert_ok(berth_spec_drop_cap(s, "MKNOD", &err), &err);
	assert_ok(berth_spec_prepare_memlock(s, &err), &err);
	assert_ok(berth_spec_add_ulimit(s, "nproc", 100, 200, &err), &err);
	assert_ok(berth_spec_add_bind(s, "/srv/data", "/data", 1, "rslave", &err), &err);
	assert_ok(berth_spec_add_bind(s, "/srv/cfg", "/cfg", 0, "z", &err), &err);
	assert_ok(berth_spec_add_tmpfs(s, "/scratch", 0, "size=1m,exec,mode=1777", &err), &err);
	assert_ok(berth_spec_set_read_only_rootfs(s, 1, &err), &err);
	assert_ok(berth_spec_set_shm_size(s, 128 << 20, &err), &err);
	assert_ok(berth_spec_set_pid_mode(s, "host", &err), &err);
	assert_ok(berth_spec_set_network_mode(s, "none", &err), &err);
	assert_ok(berth_spec_set_memory(s, 64 << 20, &err), &err);
	assert_ok(berth_spec_set_cpus(s, 1.5, &err), &err);
	assert_ok(berth_spec_set_cpu_shares(s, 512, &err), &err);
	assert_ok(berth_spec_set_pids_limit(s, 100, &err), &err);
	assert_ok(berth_spec_add_sysctl(s, "net/ipv4/ip_forward", "1", &err), &err);
	assert_ok(berth_spec_add_security_opt(s, "no-new-privileges", &err), &err);
	assert_ok(berth_spec_add_device(s, "/dev/fuse", NULL, "rw", &err), &err);
	ctrd_oci_image_config_release(&img);
	load_image(&img);
	ocispec_input in = input_for(&img);
	oci_device fuse = { 'c', 10, 229, 0666, 0, 0 };
	in.devices = &fuse;
	in.n_devices = 1;
	json_t *j = build(s, &in);
	expect_fixture(j, "full");
	/* what the file calls read back from it */
	char *text = json_dumps(j, JSON_COMPACT);
	assert_non_null(text);
	bool ro = false;
	strv dests = STRV_INIT;
	assert_int_equal(oci_spec_rootfs(&ro, &dests, text, strlen(text)), 0);
	assert_true(ro);
	const char *want[] = { "/proc", "/data", "/cfg", "/scratch" };
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		bool found = false;
		for (size_t k = 0; k < dests.len && !found; k++)
			found = STREQ(dests.items[k], want[i]);
		assert_true(found);
	}
	strv_release(&dests);
	assert_int_equal(oci_spec_rootfs(&ro, &dests, "[1]", 3), -EINVAL);
	assert_false(ro);
	free(text);
	json_decref(j);
	berth_spec_free(s);
	ctrd_oci_image_config_release(&img);
	berth_error_clear(&err);
}

static void test_privileged_host(void **state)
{
	(void)state;
	oci_image_config img;
	load_image(&img);
	berth_spec *s = new_spec();
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_set_privileged(s, 1, &err), &err);
	assert_ok(berth_spec_set_network_mode(s, "host", &err), &err);
	assert_ok(berth_spec_set_ipc_mode(s, "host", &err), &err);
	assert_ok(berth_spec_set_memory(s, 64 << 20, &err), &err);
	assert_ok(berth_spec_set_memory_swap(s, -1, &err), &err);
	assert_ok(berth_spec_add_ulimit(s, "core", -1, -1, &err), &err);
	ocispec_input in = input_for(&img);
	in.cap_last = 37;
	json_t *j = build(s, &in);
	expect_fixture(j, "privileged-host");
	json_t *caps = json_object_get(json_object_get(json_object_get(j, "process"), "capabilities"), "bounding");
	assert_int_equal(json_array_size(caps), 38);
	json_decref(j);
	berth_spec_free(s);
	ctrd_oci_image_config_release(&img);
	berth_error_clear(&err);
}

static void test_cap_drop_all(void **state)
{
	(void)state;
	berth_spec *s = new_spec();
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_drop_cap(s, "ALL", &err), &err);
	assert_ok(berth_spec_add_cap(s, "KILL", &err), &err);
	const char *cmd[] = { "true" };
	assert_ok(berth_spec_set_cmd(s, cmd, 1, &err), &err);
	ocispec_input in = input_for(NULL);
	json_t *j = build(s, &in);
	json_t *p = json_object_get(j, "process");
	json_t *caps = json_object_get(json_object_get(p, "capabilities"), "effective");
	assert_int_equal(json_array_size(caps), 1);
	assert_string_equal(json_string_value(json_array_get(caps, 0)), "CAP_KILL");
	assert_string_equal(json_string_value(json_object_get(p, "cwd")), "/");
	/* without an image: the default PATH */
	assert_string_equal(json_string_value(json_array_get(json_object_get(p, "env"), 0)),
			    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	json_decref(j);
	berth_spec_free(s);
	berth_error_clear(&err);
}

/* ---- the bridge network (cni.h) ---- */

/* The default network is the bridge: the namespace berth mounts, ports
 * accepted; ports with network none are not. */
static void test_bridge_spec(void **state)
{
	(void)state;
	oci_image_config img;
	load_image(&img);
	berth_spec *s = new_spec();
	berth_error err = BERTH_ERROR_INIT;
	assert_true(ctrd_ocispec_bridged(s));
	assert_ok(berth_spec_add_port(s, "127.0.0.1", 0, 80, BERTH_PROTO_TCP, &err), &err);
	assert_ok(ctrd_ocispec_check(s, &err), &err);
	ocispec_input in = input_for(&img);
	in.netns = "/run/berth/x/netns";
	json_t *j = build(s, &in);
	json_t *ns = json_object_get(json_object_get(j, "linux"), "namespaces");
	size_t i;
	json_t *o;
	bool seen = false;
	json_array_foreach(ns, i, o)
		if (STREQ(json_string_value(json_object_get(o, "type")), "network")) {
			assert_string_equal(json_string_value(json_object_get(o, "path")), "/run/berth/x/netns");
			seen = true;
		}
	assert_true(seen);
	json_decref(j);
	assert_ok(berth_spec_set_network_mode(s, "bridge", &err), &err);
	assert_true(ctrd_ocispec_bridged(s));
	assert_ok(berth_spec_add_extra_host(s, "gw", "host-gateway", &err), &err);
	assert_ok(ctrd_ocispec_check(s, &err), &err);
	char *hosts = NULL;
	assert_ok(ctrd_ocispec_hosts_file(&hosts, s, "web", NULL, &err), &err);
	assert_non_null(strstr(hosts, CNI_GATEWAY "\tgw\n"));
	free(hosts);
	assert_ok(berth_spec_set_network_mode(s, "none", &err), &err);
	assert_false(ctrd_ocispec_bridged(s));
	assert_true(ctrd_ocispec_check(s, &err) < 0);
	assert_message_has(&err, "port");
	berth_spec_free(s);
	ctrd_oci_image_config_release(&img);
	berth_error_clear(&err);
}

static const char bridge_result[] =
	"{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"berth0\",\"mac\":\"aa:aa:aa:aa:aa:aa\"},"
	"{\"name\":\"veth1\",\"mac\":\"bb:bb:bb:bb:bb:bb\"},"
	"{\"name\":\"eth0\",\"mac\":\"1e:88:ef:8e:61:de\",\"sandbox\":\"/run/x/netns\"}],"
	"\"ips\":[{\"interface\":2,\"address\":\"10.213.0.7/24\",\"gateway\":\"10.213.0.1\"}],"
	"\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{}}";

static void test_cni_conf(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	cni_port p = { "127.0.0.1", 40000, 80, "tcp" };
	char *text = NULL;
	assert_ok(ctrd_cni_plugin_conf(&text, 0, NULL, &p, 1, &err), &err);
	json_t *j = json_loads(text, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "bridge");
	assert_string_equal(json_string_value(json_object_get(j, "bridge")), CNI_BRIDGE);
	assert_string_equal(json_string_value(json_object_get(j, "cniVersion")), CNI_VERSION);
	assert_string_equal(json_string_value(json_object_get(j, "name")), CNI_NETWORK);
	assert_null(json_object_get(j, "prevResult"));
	assert_null(json_object_get(j, "runtimeConfig"));
	json_decref(j);
	free(text);
	assert_ok(ctrd_cni_plugin_conf(&text, 1, bridge_result, &p, 1, &err), &err);
	j = json_loads(text, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "portmap");
	assert_true(json_is_object(json_object_get(j, "prevResult")));
	json_t *pm = json_array_get(json_object_get(json_object_get(j, "runtimeConfig"), "portMappings"), 0);
	assert_int_equal(json_integer_value(json_object_get(pm, "hostPort")), 40000);
	assert_int_equal(json_integer_value(json_object_get(pm, "containerPort")), 80);
	assert_string_equal(json_string_value(json_object_get(pm, "hostIP")), "127.0.0.1");
	assert_string_equal(json_string_value(json_object_get(pm, "protocol")), "tcp");
	json_decref(j);
	free(text);
	assert_code(ctrd_cni_plugin_conf(&text, 2, "not json", NULL, 0, &err), BERTH_EPROTOCOL, &err);

	cni_net n = { 0 };
	assert_ok(ctrd_cni_result_parse(&n, bridge_result, strlen(bridge_result), &err), &err);
	assert_string_equal(n.ip, "10.213.0.7");
	assert_int_equal(n.prefix, 24);
	assert_string_equal(n.gateway, "10.213.0.1");
	assert_string_equal(n.mac, "1e:88:ef:8e:61:de");
	assert_string_equal(n.host_if, "veth1");
	static const char v6only[] = "{\"ips\":[{\"address\":\"fd00::2/64\"}]}";
	assert_code(ctrd_cni_result_parse(&n, v6only, strlen(v6only), &err), BERTH_EPROTOCOL, &err);

	char msg[128];
	static const char e[] = "{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"bad\",\"details\":\"why\"}";
	assert_int_equal(ctrd_cni_error_text(msg, sizeof msg, e, strlen(e)), 7);
	assert_string_equal(msg, "bad: why");
	assert_int_equal(ctrd_cni_error_text(msg, sizeof msg, "{}", 2), -1);
	berth_error_clear(&err);
}

static void test_cni_records(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *s = new_spec();
	assert_ok(berth_spec_add_port(s, "127.0.0.1", 0, 8080, BERTH_PROTO_TCP, &err), &err);
	assert_ok(berth_spec_add_port(s, NULL, 5353, 53, BERTH_PROTO_UDP, &err), &err);
	char *text = NULL;
	assert_int_equal(ctrd_cni_ports_format(&text, s->ports, s->n_ports), 0);
	cni_port *p = NULL;
	size_t n = 0;
	assert_ok(ctrd_cni_ports_parse(&p, &n, text, strlen(text), &err), &err);
	assert_int_equal(n, 2);
	assert_string_equal(p[0].host_ip, "127.0.0.1");
	assert_int_equal(p[0].host_port, 0);
	assert_int_equal(p[0].container_port, 8080);
	assert_string_equal(p[1].proto, "udp");
	assert_string_equal(p[1].host_ip, "");
	assert_int_equal(p[1].host_port, 5353);
	free(text);
	free(p);
	assert_ok(ctrd_cni_ports_parse(&p, &n, "", 0, &err), &err);
	assert_int_equal(n, 0);
	assert_null(p);
	assert_code(ctrd_cni_ports_parse(&p, &n, "[{\"hostPort\":1}]", 16, &err), BERTH_EPROTOCOL, &err);

	/* host ports: the same protocol and port clash unless both addresses
	 * are specific and differ */
	cni_port any = { "", 8080, 80, "tcp" }, lo = { "127.0.0.1", 8080, 80, "tcp" }, other = { "10.0.0.1", 8080, 80, "tcp" };
	cni_port udp = { "", 8080, 80, "udp" };
	assert_true(ctrd_cni_port_clash(&lo, 8080, &any));
	assert_true(ctrd_cni_port_clash(&any, 8080, &lo));
	assert_true(ctrd_cni_port_clash(&lo, 8080, &lo));
	assert_false(ctrd_cni_port_clash(&lo, 8080, &other));
	assert_false(ctrd_cni_port_clash(&lo, 8080, &udp));
	assert_false(ctrd_cni_port_clash(&lo, 8081, &any));
	/* a port given that berth's other container has: refused before any bind */
	cni_port want[1] = { { "127.0.0.1", 8080, 80, "tcp" } };
	assert_code(ctrd_cni_host_ports(want, 1, &any, 1, &err), BERTH_ECONFLICT, &err);
	assert_message_has(&err, "already allocated");
	/* a port 0 gets one of the host's */
	want[0].host_port = 0;
	assert_ok(ctrd_cni_host_ports(want, 1, &any, 1, &err), &err);
	assert_true(want[0].host_port > 0 && want[0].host_port != 8080);

	cni_port q[1] = { { "", 4000, 80, "tcp" } };
	cni_net net = { "10.213.0.9", 24, "10.213.0.1", "02:00:00:00:00:01", "veth1234", q, 1 };
	assert_int_equal(ctrd_cni_net_format(&text, &net), 0);
	cni_net back = { 0 };
	assert_ok(ctrd_cni_net_parse(&back, text, strlen(text), &err), &err);
	assert_string_equal(back.ip, "10.213.0.9");
	assert_int_equal(back.prefix, 24);
	assert_string_equal(back.mac, "02:00:00:00:00:01");
	assert_string_equal(back.host_if, "veth1234");
	assert_int_equal(back.n_ports, 1);
	assert_int_equal(back.ports[0].host_port, 4000);
	ctrd_cni_net_release(&back);
	free(text);
	assert_code(ctrd_cni_net_parse(&back, "{}", 2, &err), BERTH_EPROTOCOL, &err);

	assert_int_equal(ctrd_cni_hosts_with_ip(&text, "127.0.0.1\tlocalhost\n127.0.1.1\tweb\n10.0.0.1\tweb\n", "web",
						"10.213.0.9"), 0);
	assert_string_equal(text, "127.0.0.1\tlocalhost\n10.213.0.9\tweb\n10.0.0.1\tweb\n");
	free(text);
	assert_int_equal(ctrd_cni_hosts_with_ip(&text, "", "web", "10.213.0.9"), 0);
	assert_string_equal(text, "10.213.0.9\tweb\n");
	free(text);
	berth_spec_free(s);
	berth_error_clear(&err);
}

/* Volume mounts are binds of the store's directories berth gives it, in
 * the spec's order; without one a volume is refused. */
static void test_volume_mounts(void **state)
{
	(void)state;
	berth_spec *s = new_spec();
	berth_error err = BERTH_ERROR_INIT;
	const char *cmd[] = { "true" };
	assert_ok(berth_spec_set_cmd(s, cmd, 1, &err), &err);
	assert_ok(berth_spec_add_bind(s, "/srv/cfg", "/cfg", 1, NULL, &err), &err);
	assert_ok(berth_spec_add_volume(s, "data", "/data", 1, NULL, &err), &err);
	assert_ok(berth_spec_add_volume(s, NULL, "/anon", 0, NULL, &err), &err);
	const char *dirs[] = { NULL, "/var/lib/berth/v/data/_data", "/var/lib/berth/v/0123/_data" };
	ocispec_input in = input_for(NULL);
	in.volume_dirs = dirs;
	json_t *j = build(s, &in);
	size_t i;
	json_t *m;
	int seen = 0;
	json_array_foreach(json_object_get(j, "mounts"), i, m) {
		const char *dest = json_string_value(json_object_get(m, "destination"));
		const char *src = json_string_value(json_object_get(m, "source"));
		json_t *opts = json_object_get(m, "options");
		if (STREQ(dest, "/cfg")) {
			assert_string_equal(src, "/srv/cfg");
			seen |= 1;
		} else if (STREQ(dest, "/data")) {
			assert_string_equal(src, dirs[1]);
			assert_string_equal(json_string_value(json_object_get(m, "type")), "bind");
			assert_string_equal(json_string_value(json_array_get(opts, 0)), "rbind");
			assert_string_equal(json_string_value(json_array_get(opts, json_array_size(opts) - 1)), "ro");
			seen |= 2;
		} else if (STREQ(dest, "/anon")) {
			assert_string_equal(src, dirs[2]);
			seen |= 4;
		}
	}
	assert_int_equal(seen, 7);
	json_decref(j);
	/* a directory missing for one volume */
	const char *short_dirs[] = { NULL, dirs[1], NULL };
	in.volume_dirs = short_dirs;
	char *out = NULL;
	assert_code(ctrd_ocispec_build(&out, s, &in, &err), BERTH_EUNSUPPORTED, &err);
	assert_message_has(&err, "anonymous");
	assert_null(out);
	berth_spec_free(s);
	berth_error_clear(&err);
}

/* Named networks: the definition, the plugins' configurations and the
 * conflist, a record that keeps where an interface is, /etc/hosts with
 * peers, the subnet picker. */
static void test_cni_named(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	static const char id[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	cni_netdef d;
	assert_int_equal(ctrd_cni_netdef_named(&d, "xyz", "10.90.1.0/24", "10.90.1.1", false), -EINVAL);
	assert_int_equal(ctrd_cni_netdef_named(&d, id, "fd00::/64", "fd00::1", false), -EINVAL);
	assert_int_equal(ctrd_cni_netdef_named(&d, id, "10.90.1.0/24", "10.90.1.1", true), 0);
	assert_string_equal(d.bridge, "bn-0123456789ab");
	assert_true(strlen(d.bridge) <= 15);
	assert_string_equal(d.cni_name, "berth-0123456789ab");

	/* internal: no masquerade, no route; a secondary interface: no route */
	char *text = NULL;
	assert_ok(ctrd_cni_plugin_conf_on(&text, 0, &d, true, NULL, NULL, 0, &err), &err);
	json_t *j = json_loads(text, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "bridge")), "bn-0123456789ab");
	assert_string_equal(json_string_value(json_object_get(j, "name")), "berth-0123456789ab");
	assert_true(json_is_false(json_object_get(j, "ipMasq")));
	json_t *ipam = json_object_get(j, "ipam");
	assert_int_equal(json_array_size(json_object_get(ipam, "routes")), 0);
	json_t *range = json_array_get(json_array_get(json_object_get(ipam, "ranges"), 0), 0);
	assert_string_equal(json_string_value(json_object_get(range, "subnet")), "10.90.1.0/24");
	json_decref(j);
	free(text);
	d.internal = false;
	assert_ok(ctrd_cni_plugin_conf_on(&text, 0, &d, true, NULL, NULL, 0, &err), &err);
	j = json_loads(text, 0, NULL);
	assert_true(json_is_true(json_object_get(j, "ipMasq")));
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "ipam"), "routes")), 1);
	json_decref(j);
	free(text);
	assert_ok(ctrd_cni_plugin_conf_on(&text, 0, &d, false, NULL, NULL, 0, &err), &err);
	j = json_loads(text, 0, NULL);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "ipam"), "routes")), 0);
	json_decref(j);
	free(text);
	assert_int_equal(ctrd_cni_conflist(&text, &d), 0);
	j = json_loads(text, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "berth-0123456789ab");
	assert_int_equal(json_array_size(json_object_get(j, "plugins")), CNI_N_PLUGINS);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "plugins"), 1), "type")),
			    "portmap");
	json_decref(j);
	free(text);

	/* a record with its place, back again; an old one is eth0 of berth0 */
	cni_net n = { .prefix = 24, .primary = false, .def = d };
	snprintf(n.ip, sizeof n.ip, "10.90.1.5");
	snprintf(n.gateway, sizeof n.gateway, "10.90.1.1");
	snprintf(n.ifname, sizeof n.ifname, "eth1");
	n.names = strdup("web 0123456789ab web-alias");
	assert_int_equal(ctrd_cni_net_format(&text, &n), 0);
	cni_net back = { 0 };
	assert_ok(ctrd_cni_net_parse(&back, text, strlen(text), &err), &err);
	assert_string_equal(back.ifname, "eth1");
	assert_false(back.primary);
	assert_string_equal(back.def.id, id);
	assert_string_equal(back.def.bridge, "bn-0123456789ab");
	assert_string_equal(back.names, "web 0123456789ab web-alias");
	ctrd_cni_net_release(&back);
	free(text);
	free(n.names);
	static const char bad_names[] = "{\"ip\":\"10.90.1.5\",\"prefix\":24,\"gateway\":\"\",\"mac\":\"\","
					"\"portMappings\":[],\"ifname\":\"eth1\",\"primary\":false,"
					"\"names\":\"a\\nb\",\"network\":{\"id\":\"\",\"internal\":false}}";
	assert_code(ctrd_cni_net_parse(&back, bad_names, strlen(bad_names), &err), BERTH_EPROTOCOL, &err);
	static const char old[] = "{\"ip\":\"10.213.0.5\",\"prefix\":24,\"gateway\":\"10.213.0.1\",\"mac\":\"\","
				  "\"portMappings\":[]}";
	assert_ok(ctrd_cni_net_parse(&back, old, strlen(old), &err), &err);
	assert_string_equal(back.ifname, "eth0");
	assert_true(back.primary);
	assert_string_equal(back.def.bridge, CNI_BRIDGE);
	assert_string_equal(back.def.id, "");
	ctrd_cni_net_release(&back);

	/* /etc/hosts: own line, peers, nothing smuggled in */
	const cni_peer peers[] = { { "10.90.1.5", "web 0123456789ab web-alias" },
				   { "10.90.1.6", "db bad\nline ok.name" },
				   { "not-an-ip", "evil" } };
	static const char base[] = "127.0.0.1\tlocalhost\n127.0.1.1\tbox\n10.0.0.9\textra\n";
	assert_int_equal(ctrd_cni_hosts_with_peers(&text, base, "box", "10.90.1.4", peers, 3), 0);
	assert_string_equal(text, "127.0.0.1\tlocalhost\n10.90.1.4\tbox\n10.0.0.9\textra\n"
				  "10.90.1.5\tweb 0123456789ab web-alias\n10.90.1.6\tdb ok.name\n");
	free(text);
	assert_int_equal(ctrd_cni_hosts_with_peers(&text, base, "box", NULL, NULL, 0), 0);
	assert_string_equal(text, base);
	free(text);

	/* subnets */
	assert_true(ctrd_cni_subnets_overlap("10.90.0.0/16", "10.90.3.0/24"));
	assert_false(ctrd_cni_subnets_overlap("10.90.2.0/24", "10.90.3.0/24"));
	assert_false(ctrd_cni_subnets_overlap("fd00::/64", "10.90.3.0/24"));
	char sub[20], gw[16];
	const char *taken[] = { "10.90.0.0/24", "10.90.1.128/25", "fd00::/8", "junk" };
	assert_int_equal(ctrd_cni_pick_subnet(sub, taken, 4), 0);
	assert_string_equal(sub, "10.90.2.0/24");
	const char *all[] = { "10.0.0.0/8" };
	assert_int_equal(ctrd_cni_pick_subnet(sub, all, 1), -ENOSPC);
	assert_int_equal(ctrd_cni_first_host(gw, "10.90.2.0/24"), 0);
	assert_string_equal(gw, "10.90.2.1");
	assert_int_equal(ctrd_cni_first_host(gw, "10.90.2.0/31"), -EINVAL);
	berth_error_clear(&err);
}

static void test_refused(void **state)
{
	(void)state;
	const struct { const char *field; int code; } cases[] = {
		{ "network", BERTH_EUNSUPPORTED },   { "volume", BERTH_EUNSUPPORTED },
		{ "restart", BERTH_EUNSUPPORTED },   { "log-driver", BERTH_EUNSUPPORTED }, { "log-opt", BERTH_EUNSUPPORTED },
		{ "init", BERTH_EUNSUPPORTED },      { "auto-remove", BERTH_EUNSUPPORTED }, { "pid", BERTH_EUNSUPPORTED },
		{ "ipc", BERTH_EUNSUPPORTED },       { "add-host", BERTH_EUNSUPPORTED },  { "security-opt", BERTH_EUNSUPPORTED },
		{ "cmd", BERTH_EINVAL },             { "user", BERTH_EINVAL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		berth_spec *s = new_spec();
		berth_error err = BERTH_ERROR_INIT;
		const char *f = cases[i].field;
		const char *cmd[] = { "true" };
		if (!STREQ(f, "cmd"))
			assert_ok(berth_spec_set_cmd(s, cmd, 1, &err), &err);
		int r = 0;
		if (STREQ(f, "network"))
			r = berth_spec_set_network_mode(s, "container:other", &err); /* a named one is taken */
		else if (STREQ(f, "volume"))
			r = berth_spec_add_volume(s, "data", "/data", 0, NULL, &err);
		else if (STREQ(f, "restart"))
			r = berth_spec_set_restart(s, BERTH_RESTART_ON_FAILURE, 0, &err); /* always is the monitor's */
		else if (STREQ(f, "log-driver"))
			r = berth_spec_set_log_driver(s, "json-file", &err);
		else if (STREQ(f, "log-opt"))
			r = berth_spec_add_log_opt(s, "max-size", "1m", &err);
		else if (STREQ(f, "init"))
			r = berth_spec_set_init(s, 1, &err);
		else if (STREQ(f, "auto-remove"))
			r = berth_spec_set_auto_remove(s, 1, &err);
		else if (STREQ(f, "pid"))
			r = berth_spec_set_pid_mode(s, "container:other", &err);
		else if (STREQ(f, "ipc"))
			r = berth_spec_set_ipc_mode(s, "container:other", &err);
		else if (STREQ(f, "add-host")) /* with the bridge it is its gateway */
			r = berth_spec_add_extra_host(s, "gw", "host-gateway", &err) ||
			    berth_spec_set_network_mode(s, "none", &err);
		else if (STREQ(f, "security-opt"))
			r = berth_spec_add_security_opt(s, "apparmor=docker-default", &err);
		else if (STREQ(f, "user"))
			r = berth_spec_set_user(s, "nobody", &err);
		assert_ok(r, &err);
		ocispec_input in = input_for(NULL);
		char *out = NULL;
		assert_code(ctrd_ocispec_build(&out, s, &in, &err), cases[i].code, &err);
		assert_message_has(&err, f);
		assert_null(out);
		berth_spec_free(s);
		berth_error_clear(&err);
	}
}

static void test_etc_files(void **state)
{
	(void)state;
	berth_spec *s = new_spec();
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_add_extra_host(s, "db", "10.0.0.5", &err), &err);
	char *hosts = NULL, *resolv = NULL;
	assert_ok(ctrd_ocispec_hosts_file(&hosts, s, "box", "127.0.0.1 hosthost\n", &err), &err);
	assert_non_null(strstr(hosts, "127.0.0.1\tlocalhost\n"));
	assert_non_null(strstr(hosts, "127.0.1.1\tbox\n"));
	assert_non_null(strstr(hosts, "10.0.0.5\tdb\n"));
	assert_null(strstr(hosts, "hosthost"));
	free(hosts);
	const char host_resolv[] = "search example.org\nnameserver 127.0.0.53\nnameserver 192.0.2.1\n";
	assert_ok(ctrd_ocispec_resolv_file(&resolv, s, host_resolv, &err), &err);
	assert_string_equal(resolv, "search example.org\nnameserver 192.0.2.1\n");
	free(resolv);
	assert_ok(berth_spec_add_dns(s, "192.0.2.53", &err), &err);
	assert_ok(ctrd_ocispec_resolv_file(&resolv, s, host_resolv, &err), &err);
	assert_string_equal(resolv, "search example.org\nnameserver 192.0.2.53\n");
	free(resolv);
	berth_spec_free(s);
	s = new_spec();
	assert_ok(berth_spec_set_network_mode(s, "host", &err), &err);
	assert_ok(ctrd_ocispec_hosts_file(&hosts, s, "box", "127.0.0.1 hosthost", &err), &err);
	assert_string_equal(hosts, "127.0.0.1 hosthost\n");
	free(hosts);
	assert_ok(ctrd_ocispec_resolv_file(&resolv, s, host_resolv, &err), &err);
	assert_string_equal(resolv, host_resolv);
	free(resolv);
	berth_spec_free(s);
	berth_error_clear(&err);
}

/* A list's command from a spec: process.args joined, read no further. */
static void test_spec_command(void **state)
{
	(void)state;
	static const char spec[] = "{\"ociVersion\":\"1.0.2\",\"process\":{\"terminal\":false,\"args\":[\"sh\",\"-c\","
				   "\"echo hi\",7],\"env\":[\"A=1\"]},\"mounts\":[";
	char *cmd = NULL;
	/* the spec is cut after the args: what follows is never read */
	assert_int_equal(oci_spec_command(&cmd, spec, strlen(spec)), 0);
	assert_string_equal(cmd, "sh -c echo hi");
	free(cmd);
	assert_int_equal(oci_spec_command(&cmd, "{\"process\":{}}", 14), 0);
	assert_string_equal(cmd, "");
	free(cmd);
	assert_int_equal(oci_spec_command(&cmd, "{\"process\":[{\"args\":[\"x\"]}]}", 28), 0);
	assert_string_equal(cmd, "");
	free(cmd);
	cmd = NULL;
	assert_int_equal(oci_spec_command(&cmd, "[1]", 3), -EINVAL);
	assert_int_equal(oci_spec_command(&cmd, "{\"process\":{\"args\":[\"a\"", 23), -EINVAL);
	assert_null(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_command),
		cmocka_unit_test(test_image_config), cmocka_unit_test(test_chain_id),   cmocka_unit_test(test_user),
		cmocka_unit_test(test_minimal),      cmocka_unit_test(test_full),       cmocka_unit_test(test_privileged_host),
		cmocka_unit_test(test_bridge_spec), cmocka_unit_test(test_cni_conf),  cmocka_unit_test(test_cni_records),
		cmocka_unit_test(test_cap_drop_all), cmocka_unit_test(test_cni_named), cmocka_unit_test(test_refused), cmocka_unit_test(test_volume_mounts),    cmocka_unit_test(test_etc_files),
	};
	return cmocka_run_group_tests_name("ocispec", tests, NULL, NULL);
}
