/* The container spec without an engine: every setter's checks, the checks
 * across fields, the duration and size parsers, the signal table, the
 * canonical serialization and the Engine API create body. */
#include "../common/test.h"

#include "lib/kit/spec_docker.h"

#include <jansson.h>

static berth_spec *new_spec(void)
{
	berth_spec *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_new(&s, "localhost/berth-test/busybox:latest", &err), &err);
	return s;
}

static char *canon(const berth_spec *s)
{
	char *out = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_canonical_json(&out, s, &err), &err);
	return out;
}

/* Expect `call` to fail with BERTH_EINVAL, a message holding `needle`, and
 * the spec unchanged. */
#define assert_rejects(s, call, needle) \
	do { \
		char *_before = canon(s); \
		berth_error _e = BERTH_ERROR_INIT; \
		berth_error *err = &_e; \
		int _r = (call); \
		if (_r != BERTH_EINVAL) \
			fail_msg("%s returned %s, expected BERTH_EINVAL", #call, berth_code_name(_r)); \
		assert_message_has(&_e, needle); \
		char *_after = canon(s); \
		assert_string_equal(_before, _after); \
		berth_free(_before); \
		berth_free(_after); \
	} while (0)

#define assert_accepts(call) \
	do { \
		berth_error _e = BERTH_ERROR_INIT; \
		berth_error *err = &_e; \
		assert_ok((call), &_e); \
	} while (0)

/* ---- setters -------------------------------------------------------------- */

static void test_process_fields(void **state)
{
	(void)state;
	berth_spec *s = new_spec();
	const char *ep[] = { "sh", "-c" };
	assert_accepts(berth_spec_set_entrypoint(s, ep, 2, err));
	assert_accepts(berth_spec_set_entrypoint(s, ep, 0, err)); /* clears the image's */
	const char *bad_argv[] = { "sh", NULL };
	assert_rejects(s, berth_spec_set_entrypoint(s, bad_argv, 2, err), "entrypoint");
	assert_rejects(s, berth_spec_set_entrypoint(s, NULL, 1, err), "argv");
	const char *not_utf8[] = { "\xff\xfe" };
	assert_rejects(s, berth_spec_set_cmd(s, not_utf8, 1, err), "UTF-8");

	assert_accepts(berth_spec_set_workdir(s, "/srv/app", err));
	assert_rejects(s, berth_spec_set_workdir(s, "srv", err), "workdir");
	assert_rejects(s, berth_spec_set_workdir(s, "/a\nb", err), "workdir");

	static const char *const users[] = { "nobody", "1000", "1000:1001", "app:staff", "_svc", "host$",
					     "4294967294", "a.b-c" };
	for (size_t i = 0; i < sizeof users / sizeof *users; i++)
		assert_accepts(berth_spec_set_user(s, users[i], err));
	static const char *const bad_users[] = { "", ":", "a:", ":b", "a:b:c", "4294967295", "-x", "a b", "x/y" };
	for (size_t i = 0; i < sizeof bad_users / sizeof *bad_users; i++)
		assert_rejects(s, berth_spec_set_user(s, bad_users[i], err), "user");

	assert_accepts(berth_spec_set_hostname(s, "web-1.example", err));
	static const char *const bad_hosts[] = { "", "-web", "web-", "a..b", "a_b", "x y",
						 "a234567890123456789012345678901234567890123456789012345678901234",
						 "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g" };
	for (size_t i = 0; i < sizeof bad_hosts / sizeof *bad_hosts; i++)
		assert_rejects(s, berth_spec_set_hostname(s, bad_hosts[i], err), "hostname");

	assert_accepts(berth_spec_set_stop_signal(s, "SIGUSR1", err));
	assert_rejects(s, berth_spec_set_stop_signal(s, "SIGFOO", err), "stop-signal");
	assert_rejects(s, berth_spec_set_stop_signal(s, "65", err), "stop-signal");
	assert_accepts(berth_spec_set_stop_timeout(s, 0, err));
	assert_accepts(berth_spec_set_stop_timeout(s, -1, err));
	assert_rejects(s, berth_spec_set_stop_timeout(s, -2, err), "stop-timeout");
	assert_rejects(s, berth_spec_set_stop_timeout(s, 86401, err), "stop-timeout");

	assert_rejects(s, berth_spec_add_env(s, "A=B", "x", err), "env");
	assert_rejects(s, berth_spec_add_env(s, "A", "\xc0\xaf", err), "UTF-8"); /* overlong '/' */
	assert_rejects(s, berth_spec_add_label(s, "io.berth.managed", "x", err), "label");
	assert_accepts(berth_spec_add_env(s, "GREETING", "h\xc3\xa9llo \xf0\x9f\x98\x80", err));
	berth_spec_free(s);
}

static void test_namespace_modes(void **state)
{
	(void)state;
	berth_spec *s = new_spec();
	assert_accepts(berth_spec_set_pid_mode(s, "host", err));
	assert_accepts(berth_spec_set_pid_mode(s, "container:web-1", err));
	assert_accepts(berth_spec_set_pid_mode(s, NULL, err));
	assert_rejects(s, berth_spec_set_pid_mode(s, "private", err), "pid mode");
	assert_rejects(s, berth_spec_set_pid_mode(s, "container:", err), "pid mode");
	assert_rejects(s, berth_spec_set_pid_mode(s, "container:a/b", err), "pid mode");
	static const char *const ipc[] = { "none", "private", "shareable", "host", "container:abc" };
	for (size_t i = 0; i < sizeof ipc / sizeof *ipc; i++)
		assert_accepts(berth_spec_set_ipc_mode(s, ipc[i], err));
	assert_rejects(s, berth_spec_set_ipc_mode(s, "mine", err), "ipc mode");
	static const char *const net[] = { "bridge", "host", "none", "container:abc", "my-net", "n.1_x" };
	for (size_t i = 0; i < sizeof net / sizeof *net; i++)
		assert_accepts(berth_spec_set_network_mode(s, net[i], err));
	static const char *const bad_net[] = { "", "-net", "a b", "ns:/proc/1/ns/net", "container:" };
	for (size_t i = 0; i < sizeof bad_net / sizeof *bad_net; i++)
		assert_rejects(s, berth_spec_set_network_mode(s, bad_net[i], err), "network mode");
	berth_spec_free(s);
}

static void test_ports_hosts_dns(void **state)
{
	(void)state;
	berth_spec *s = new_spec();
	assert_accepts(berth_spec_add_port(s, "127.0.0.1", 8080, 80, BERTH_PROTO_TCP, err));
	assert_accepts(berth_spec_add_port(s, NULL, 0, 80, BERTH_PROTO_TCP, err));
	assert_accepts(berth_spec_add_port(s, "::1", 0, 53, BERTH_PROTO_UDP, err));
	assert_accepts(berth_spec_add_port(s, "", 9000, 9000, BERTH_PROTO_SCTP, err));
	assert_rejects(s, berth_spec_add_port(s, NULL, 0, 70000, BERTH_PROTO_TCP, err), "port: 70000 out of range");
	assert_rejects(s, berth_spec_add_port(s, NULL, 0, 0, BERTH_PROTO_TCP, err), "port: 0 out of range");
	assert_rejects(s, berth_spec_add_port(s, NULL, 65536, 80, BERTH_PROTO_TCP, err), "host port 65536");
	assert_rejects(s, berth_spec_add_port(s, NULL, -1, 80, BERTH_PROTO_TCP, err), "host port -1");
	assert_rejects(s, berth_spec_add_port(s, "localhost", 1, 80, BERTH_PROTO_TCP, err), "host address");
	assert_rejects(s, berth_spec_add_port(s, NULL, 1, 80, (berth_proto)7, err), "protocol");
	/* the same host port twice on overlapping addresses */
	assert_rejects(s, berth_spec_add_port(s, NULL, 8080, 81, BERTH_PROTO_TCP, err), "published twice");
	assert_accepts(berth_spec_add_port(s, "127.0.0.2", 8080, 81, BERTH_PROTO_UDP, err));

	assert_accepts(berth_spec_add_extra_host(s, "db.local", "10.0.0.5", err));
	assert_accepts(berth_spec_add_extra_host(s, "v6", "fd00::5", err));
	assert_accepts(berth_spec_add_extra_host(s, "gw", "host-gateway", err));
	assert_rejects(s, berth_spec_add_extra_host(s, "db", "10.0.0", err), "add-host");
	assert_rejects(s, berth_spec_add_extra_host(s, "a:b", "10.0.0.1", err), "add-host");
	assert_rejects(s, berth_spec_add_extra_host(s, "", "10.0.0.1", err), "add-host");
	assert_accepts(berth_spec_add_dns(s, "10.0.0.53", err));
	assert_accepts(berth_spec_add_dns(s, "2001:db8::53", err));
	assert_rejects(s, berth_spec_add_dns(s, "dns.google", err), "dns");
	assert_rejects(s, berth_spec_add_dns(s, NULL, err), "dns");
	assert_accepts(berth_spec_add_group(s, "42", err));
	assert_accepts(berth_spec_add_group(s, "video", err));
	assert_accepts(berth_spec_add_group(s, "_build-1.x", err));
	assert_accepts(berth_spec_add_group(s, "4294967294", err));
	assert_rejects(s, berth_spec_add_group(s, "4294967295", err), "group-add"); /* (gid_t)-1 */
	assert_rejects(s, berth_spec_add_group(s, "99999999999", err), "group-add");
	assert_rejects(s, berth_spec_add_group(s, "a b", err), "group-add");
	assert_rejects(s, berth_spec_add_group(s, "-x", err), "group-add");
	assert_rejects(s, berth_spec_add_group(s, "", err), "group-add");
	assert_rejects(s, berth_spec_add_group(s, NULL, err), "group-add");
	char longname[258];
	memset(longname, 'g', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_rejects(s, berth_spec_add_group(s, longname, err), "group-add");
	assert_string_equal(berth_proto_name(BERTH_PROTO_UDP), "udp");
	assert_null(berth_proto_name((berth_proto)3));
	berth_spec_free(s);
}

static void test_mounts(void **state)
{
	(void)state;
	berth_spec *s = new_spec();
	assert_accepts(berth_spec_add_bind(s, "/srv/data", "/data/", 1, "rshared,z", err));
	assert_rejects(s, berth_spec_add_bind(s, "/x", "/data", 0, NULL, err), "already a mount point");
	assert_rejects(s, berth_spec_add_bind(s, "rel/path", "/b", 0, NULL, err), "not an absolute path");
	assert_rejects(s, berth_spec_add_bind(s, "/a:b", "/b", 0, NULL, err), "':'");
	assert_rejects(s, berth_spec_add_bind(s, "/a", "/b,c", 0, NULL, err), "','");
	assert_rejects(s, berth_spec_add_bind(s, "/a", "/", 0, NULL, err), "cannot be \"/\"");
	assert_rejects(s, berth_spec_add_bind(s, "/a", "//", 0, NULL, err), "cannot be \"/\"");
	assert_rejects(s, berth_spec_add_bind(s, "/a", "/b", 0, "ro", err), "read_only argument");
	assert_rejects(s, berth_spec_add_bind(s, "/a", "/b", 0, "rshared,rslave", err), "twice");
	assert_rejects(s, berth_spec_add_bind(s, "/a", "/b", 0, "nocopy", err), "unknown option");
	assert_rejects(s, berth_spec_add_bind(s, "/a", "/b", 0, "z,,Z", err), "empty option");
	assert_accepts(berth_spec_add_bind(s, "/a", "/b", 0, "cached", err));

	assert_accepts(berth_spec_add_volume(s, "cache-1", "/cache", 0, "nocopy", err));
	assert_accepts(berth_spec_add_volume(s, NULL, "/anon", 0, NULL, err));
	assert_rejects(s, berth_spec_add_volume(s, NULL, "/anon2", 1, NULL, err), "anonymous");
	assert_rejects(s, berth_spec_add_volume(s, "/host/path", "/v", 0, NULL, err), "volume: name");
	assert_rejects(s, berth_spec_add_volume(s, "a", "/v", 0, NULL, err), "volume: name");
	assert_rejects(s, berth_spec_add_volume(s, "vol", "/v", 0, "cached", err), "unknown option");

	assert_accepts(berth_spec_add_tmpfs(s, "/run", 0, "size=64m,mode=1777,noexec,uid=1000", err));
	assert_accepts(berth_spec_add_tmpfs(s, "/half", 1, "size=50%", err));
	assert_rejects(s, berth_spec_add_tmpfs(s, "/t", 0, "size=64q", err), "tmpfs: size");
	assert_rejects(s, berth_spec_add_tmpfs(s, "/t", 0, "size=0", err), "tmpfs: size");
	assert_rejects(s, berth_spec_add_tmpfs(s, "/t", 0, "mode=888", err), "tmpfs: mode");
	assert_rejects(s, berth_spec_add_tmpfs(s, "/t", 0, "mode=17777", err), "tmpfs: mode");
	assert_rejects(s, berth_spec_add_tmpfs(s, "/t", 0, "size=1m,size=2m", err), "twice");
	assert_rejects(s, berth_spec_add_tmpfs(s, "/t", 0, "uid=x", err), "uid");
	assert_rejects(s, berth_spec_add_tmpfs(s, "/t", 0, "tmpcopyup", err), "unknown option");
	assert_rejects(s, berth_spec_add_tmpfs(s, "/t", 0, "bogus=1", err), "unknown option");

	assert_accepts(berth_spec_set_shm_size(s, 1 << 20, err));
	assert_rejects(s, berth_spec_set_shm_size(s, -1, err), "shm-size");
	/* tmpfs sizes are normalized to bytes */
	char *c = canon(s);
	assert_non_null(strstr(c, "\"options\":\"size=67108864,mode=1777,noexec,uid=1000\""));
	assert_non_null(strstr(c, "\"target\":\"/data\"")); /* trailing '/' dropped */
	berth_free(c);
	berth_spec_free(s);
}

static void test_privileges(void **state)
{
	(void)state;
	berth_spec *s = new_spec();
	assert_accepts(berth_spec_add_cap(s, "net_admin", err));
	assert_accepts(berth_spec_add_cap(s, "CAP_SYS_TIME", err));
	assert_accepts(berth_spec_add_cap(s, "Checkpoint_Restore", err));
	assert_accepts(berth_spec_drop_cap(s, "all", err));
	assert_accepts(berth_spec_drop_cap(s, "CAP_NET_ADMIN", err)); /* moves it */
	assert_rejects(s, berth_spec_add_cap(s, "CAP_FOO", err), "cap: unknown capability \"CAP_FOO\"");
	assert_rejects(s, berth_spec_drop_cap(s, "", err), "cap");
	assert_rejects(s, berth_spec_add_cap(s, "CAP_", err), "unknown capability");
	char *c = canon(s);
	assert_non_null(strstr(c, "\"cap_add\":[\"CAP_CHECKPOINT_RESTORE\",\"CAP_SYS_TIME\"]"));
	assert_non_null(strstr(c, "\"cap_drop\":[\"ALL\",\"CAP_NET_ADMIN\"]"));
	berth_free(c);

	assert_accepts(berth_spec_add_ulimit(s, "nofile", 1024, 2048, err));
	assert_accepts(berth_spec_add_ulimit(s, "core", 0, -1, err));
	assert_accepts(berth_spec_add_ulimit(s, "NOFILE", 4096, 4096, err)); /* replaces */
	assert_rejects(s, berth_spec_add_ulimit(s, "nofiles", 1, 1, err), "ulimit: unknown name \"nofiles\"");
	assert_rejects(s, berth_spec_add_ulimit(s, "as", 1, 1, err), "unknown name");
	assert_rejects(s, berth_spec_add_ulimit(s, NULL, 1, 1, err), "unknown name");
	assert_rejects(s, berth_spec_add_ulimit(s, "nproc", 10, 5, err), "above the hard limit");
	assert_rejects(s, berth_spec_add_ulimit(s, "nproc", -1, 5, err), "above the hard limit");
	assert_rejects(s, berth_spec_add_ulimit(s, "nproc", -2, 5, err), "ulimit");
	c = canon(s);
	assert_non_null(strstr(c, "\"ulimits\":{\"core\":{\"hard\":-1,\"soft\":0},\"nofile\":{\"hard\":4096,\"soft\":4096}}"));
	berth_free(c);

	assert_accepts(berth_spec_add_device(s, "/dev/fuse", NULL, NULL, err));
	assert_accepts(berth_spec_add_device(s, "/dev/null", "/dev/n2", "rw", err));
	assert_rejects(s, berth_spec_add_device(s, "/dev/null", "/dev/n3", "rx", err), "permissions");
	assert_rejects(s, berth_spec_add_device(s, "/dev/null", "/dev/n3", "rr", err), "permissions");
	assert_rejects(s, berth_spec_add_device(s, "/dev/null", "/dev/n3", "", err), "permissions");
	assert_rejects(s, berth_spec_add_device(s, "dev/null", NULL, NULL, err), "device");
	assert_rejects(s, berth_spec_add_device(s, "/dev/null", "n3", NULL, err), "device");

	assert_accepts(berth_spec_add_sysctl(s, "net.ipv4.ip_forward", "1", err));
	assert_accepts(berth_spec_add_sysctl(s, "net/ipv4/conf/eth0.100/rp_filter", "0", err));
	assert_accepts(berth_spec_add_sysctl(s, "kernel.shmmax", "1000000", err));
	assert_accepts(berth_spec_add_sysctl(s, "fs.mqueue.msg_max", "20", err));
	assert_rejects(s, berth_spec_add_sysctl(s, "vm.swappiness", "10", err), "not namespaced");
	assert_rejects(s, berth_spec_add_sysctl(s, "kernel.pid_max", "10", err), "not namespaced");
	assert_rejects(s, berth_spec_add_sysctl(s, "net.", "1", err), "not namespaced");
	assert_rejects(s, berth_spec_add_sysctl(s, "net.ipv4 x", "1", err), "sysctl");
	assert_rejects(s, berth_spec_add_sysctl(s, "net.ipv4.x", NULL, err), "sysctl");

	static const char *const opts[] = { "no-new-privileges", "no-new-privileges:true", "no-new-privileges=false",
					    "seccomp=unconfined", "seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\"}",
					    "apparmor=unconfined", "label=disable", "label:type:svirt_t",
					    "systempaths=unconfined" };
	for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
		assert_accepts(berth_spec_add_security_opt(s, opts[i], err));
	static const char *const bad_opts[] = { "", "bogus=1", "no-new-privileges=yes", "seccomp=/etc/prof.json",
						"seccomp", "apparmor=", "label=foo", "systempaths=x" };
	for (size_t i = 0; i < sizeof bad_opts / sizeof *bad_opts; i++)
		assert_rejects(s, berth_spec_add_security_opt(s, bad_opts[i], err), "security-opt");
	berth_spec_free(s);
}

static void test_memlock(void **state)
{
	(void)state;
	berth_spec *s = new_spec();
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_prepare_memlock(s, &err), &err);
	assert_ok(berth_spec_prepare_memlock(s, &err), &err); /* idempotent */
	char *c = canon(s);
	assert_string_equal(c, "{\"cap_add\":[\"CAP_IPC_LOCK\"],\"image\":\"localhost/berth-test/busybox:latest\","
			       "\"ulimits\":{\"memlock\":{\"hard\":-1,\"soft\":-1}}}");
	berth_free(c);
	assert_code(berth_spec_prepare_memlock(NULL, &err), BERTH_EINVAL, &err);
	berth_spec_free(s);
}

static void test_restart_and_health(void **state)
{
	(void)state;
	berth_error e = BERTH_ERROR_INIT;
	berth_restart_policy p = BERTH_RESTART_ALWAYS;
	int max = 99;
	assert_ok(berth_restart_policy_parse(&p, &max, "on-failure:3", &e), &e);
	assert_int_equal(p, BERTH_RESTART_ON_FAILURE);
	assert_int_equal(max, 3);
	assert_ok(berth_restart_policy_parse(&p, &max, "unless-stopped", &e), &e);
	assert_int_equal(p, BERTH_RESTART_UNLESS_STOPPED);
	assert_int_equal(max, 0);
	assert_ok(berth_restart_policy_parse(&p, &max, "on-failure", &e), &e);
	assert_ok(berth_restart_policy_parse(&p, &max, "no", &e), &e);
	assert_int_equal(p, BERTH_RESTART_NO);
	static const char *const bad[] = { "", "sometimes", "always:3", "on-failure:", "on-failure:-1", "on-failure:x",
					   "On-Failure", "no:1" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		p = BERTH_RESTART_ALWAYS;
		assert_code(berth_restart_policy_parse(&p, &max, bad[i], &e), BERTH_EINVAL, &e);
		assert_message_has(&e, "restart");
		assert_int_equal(p, BERTH_RESTART_ALWAYS); /* untouched */
	}
	assert_string_equal(berth_restart_policy_name(BERTH_RESTART_UNLESS_STOPPED), "unless-stopped");
	assert_null(berth_restart_policy_name((berth_restart_policy)4));

	berth_spec *s = new_spec();
	assert_accepts(berth_spec_set_restart(s, BERTH_RESTART_ON_FAILURE, 5, err));
	assert_rejects(s, berth_spec_set_restart(s, BERTH_RESTART_ALWAYS, 5, err), "only on-failure");
	assert_rejects(s, berth_spec_set_restart(s, BERTH_RESTART_ON_FAILURE, -1, err), "negative");
	assert_rejects(s, berth_spec_set_restart(s, (berth_restart_policy)9, 0, err), "unknown policy");

	const char *cmd[] = { "CMD", "pg_isready", "-q" };
	const char *shell[] = { "CMD-SHELL", "curl -f localhost" };
	const char *none[] = { "NONE" };
	const char *bad_shell[] = { "CMD-SHELL", "a", "b" };
	const char *bad_kind[] = { "SHELL", "x" };
	const char *empty_cmd[] = { "CMD" };
	berth_healthcheck hc = BERTH_HEALTHCHECK_INIT;
	hc.test = cmd;
	hc.test_count = 3;
	hc.interval_ms = 1500;
	hc.retries = 2;
	assert_accepts(berth_spec_set_healthcheck(s, &hc, err));
	char *c = canon(s);
	assert_non_null(strstr(c, "\"healthcheck\":{\"interval_ms\":1500,\"retries\":2,\"test\":[\"CMD\",\"pg_isready\",\"-q\"]}"));
	berth_free(c);
	hc.test = shell;
	hc.test_count = 2;
	assert_accepts(berth_spec_set_healthcheck(s, &hc, err));
	hc.test = bad_shell;
	hc.test_count = 3;
	assert_rejects(s, berth_spec_set_healthcheck(s, &hc, err), "healthcheck");
	hc.test = bad_kind;
	hc.test_count = 2;
	assert_rejects(s, berth_spec_set_healthcheck(s, &hc, err), "healthcheck");
	hc.test = empty_cmd;
	hc.test_count = 1;
	assert_rejects(s, berth_spec_set_healthcheck(s, &hc, err), "healthcheck");
	hc.test = shell;
	hc.test_count = 2;
	hc.timeout_ms = -1;
	assert_rejects(s, berth_spec_set_healthcheck(s, &hc, err), "healthcheck: timeout");
	hc.timeout_ms = INT64_MAX / 1000;
	assert_rejects(s, berth_spec_set_healthcheck(s, &hc, err), "healthcheck: timeout");
	hc.timeout_ms = 0;
	hc.retries = -1;
	assert_rejects(s, berth_spec_set_healthcheck(s, &hc, err), "healthcheck: retries");
	hc.version = 7;
	assert_rejects(s, berth_spec_set_healthcheck(s, &hc, err), "version");
	hc = (berth_healthcheck)BERTH_HEALTHCHECK_INIT;
	hc.test = none;
	hc.test_count = 1;
	assert_accepts(berth_spec_set_healthcheck(s, &hc, err)); /* = disable */
	c = canon(s);
	assert_non_null(strstr(c, "\"healthcheck\":{\"disabled\":true}"));
	berth_free(c);
	/* timings alone keep the image's test */
	hc = (berth_healthcheck)BERTH_HEALTHCHECK_INIT;
	hc.start_period_ms = 10000;
	assert_accepts(berth_spec_set_healthcheck(s, &hc, err));
	c = canon(s);
	assert_non_null(strstr(c, "\"healthcheck\":{\"start_period_ms\":10000}"));
	berth_free(c);
	/* NULL or all zero: back to the image's */
	assert_accepts(berth_spec_set_healthcheck(s, NULL, err));
	c = canon(s);
	assert_null(strstr(c, "healthcheck"));
	berth_free(c);
	berth_spec_free(s);
}

static void test_resources_and_logging(void **state)
{
	(void)state;
	berth_spec *s = new_spec();
	assert_accepts(berth_spec_set_memory(s, 6 * 1024 * 1024, err));
	assert_accepts(berth_spec_set_memory(s, 0, err));
	assert_rejects(s, berth_spec_set_memory(s, 1024 * 1024, err), "memory: must be at least 6 MiB");
	assert_rejects(s, berth_spec_set_memory(s, -5, err), "memory: must be at least 6 MiB");
	assert_accepts(berth_spec_set_memory_swap(s, -1, err));
	assert_rejects(s, berth_spec_set_memory_swap(s, -2, err), "memory-swap");
	assert_accepts(berth_spec_set_cpus(s, 1.5, err));
	assert_accepts(berth_spec_set_cpus(s, 0.01, err));
	assert_rejects(s, berth_spec_set_cpus(s, 0.001, err), "cpus");
	assert_rejects(s, berth_spec_set_cpus(s, -1, err), "cpus");
	assert_rejects(s, berth_spec_set_cpus(s, 1.0 / 0.0, err), "cpus");
	assert_rejects(s, berth_spec_set_cpus(s, 0.0 / 0.0, err), "cpus");
	assert_accepts(berth_spec_set_cpu_shares(s, 512, err));
	assert_rejects(s, berth_spec_set_cpu_shares(s, 1, err), "cpu-shares");
	assert_rejects(s, berth_spec_set_cpu_shares(s, 262145, err), "cpu-shares");
	assert_accepts(berth_spec_set_pids_limit(s, -1, err));
	assert_accepts(berth_spec_set_pids_limit(s, 100, err));
	assert_rejects(s, berth_spec_set_pids_limit(s, -2, err), "pids-limit");
	char *c = canon(s);
	assert_non_null(strstr(c, "\"nano_cpus\":10000000"));
	assert_non_null(strstr(c, "\"memory_swap\":-1"));
	berth_free(c);

	assert_accepts(berth_spec_set_log_driver(s, "json-file", err));
	assert_accepts(berth_spec_set_log_driver(s, "vendor/plugin:1.0", err));
	assert_rejects(s, berth_spec_set_log_driver(s, "-x", err), "log-driver");
	assert_rejects(s, berth_spec_set_log_driver(s, "a b", err), "log-driver");
	assert_accepts(berth_spec_add_log_opt(s, "max-size", "10m", err));
	assert_rejects(s, berth_spec_add_log_opt(s, "max size", "1", err), "log-opt");
	assert_rejects(s, berth_spec_add_log_opt(s, "", "1", err), "log-opt");
	berth_spec_free(s);
}

static void test_null_spec(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	assert_code(berth_spec_set_tty(NULL, 1, &err), BERTH_EINVAL, &err);
	assert_code(berth_spec_add_port(NULL, NULL, 0, 80, BERTH_PROTO_TCP, &err), BERTH_EINVAL, &err);
	assert_code(berth_spec_add_cap(NULL, "NET_RAW", &err), BERTH_EINVAL, &err);
	assert_code(berth_spec_set_healthcheck(NULL, NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_spec_canonical_json(NULL, NULL, &err), BERTH_EINVAL, &err);
	assert_null(berth_spec_image(NULL));
}

/* ---- units ------------------------------------------------------------------- */

static void test_durations(void **state)
{
	(void)state;
	static const struct { const char *text; int64_t ms; } good[] = {
		{ "0", 0 },         { "1s", 1000 },       { "500ms", 500 },          { "1m30s", 90000 },
		{ "2h", 7200000 },  { "1.5s", 1500 },     { "1h2m3s4ms", 3723004 },  { "1000us", 1 },
		{ "1000\xc2\xb5s", 1 }, { "2000000ns", 2 }, { ".5s", 500 },         { "0s", 0 },
		{ "0.001s", 1 },    { "1.0001m", 60006 },
	};
	berth_error err = BERTH_ERROR_INIT;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		int64_t ms = -7;
		if (berth_duration_parse(&ms, good[i].text, &err) < 0)
			fail_msg("rejected \"%s\": %s", good[i].text, err.message);
		if (ms != good[i].ms)
			fail_msg("\"%s\" gave %lld ms, expected %lld", good[i].text, (long long)ms, (long long)good[i].ms);
	}
	static const char *const bad[] = { "", "5", "5x", "s", "-1s", "1.5ms", "1s ", " 1s", "1..5s", "1e3s",
					   "99999999999999999999h", "2562048h", "1h-1m", "1000ns" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int64_t ms = -7;
		if (berth_duration_parse(&ms, bad[i], &err) != BERTH_EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_message_has(&err, "duration");
		assert_int_equal(ms, -7);
	}
	assert_code(berth_duration_parse(NULL, "1s", &err), BERTH_EINVAL, &err);
}

static void test_sizes(void **state)
{
	(void)state;
	static const struct { const char *text; int64_t bytes; } good[] = {
		{ "1024", 1024 },            { "512k", 524288 },           { "64m", 67108864 },
		{ "1g", 1073741824 },        { "1G", 1073741824 },         { "64MiB", 67108864 },
		{ "64MB", 67108864 },        { "64mb", 67108864 },         { "2 GB", 2147483648 },
		{ "1.5g", 1610612736 },      { "1024b", 1024 },            { "0", 0 },
		{ "1t", 1099511627776 },     { "1p", 1125899906842624 },   { "0.5k", 512 },
	};
	berth_error err = BERTH_ERROR_INIT;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		int64_t b = -7;
		if (berth_size_parse(&b, good[i].text, &err) < 0)
			fail_msg("rejected \"%s\": %s", good[i].text, err.message);
		if (b != good[i].bytes)
			fail_msg("\"%s\" gave %lld, expected %lld", good[i].text, (long long)b, (long long)good[i].bytes);
	}
	static const char *const bad[] = { "", "m", "-1", "12q", "1.2.3m", "1  m", "1mm", "1 ", "10000000p",
					   "99999999999999999999", "1i" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int64_t b = -7;
		if (berth_size_parse(&b, bad[i], &err) != BERTH_EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_message_has(&err, "size");
		assert_int_equal(b, -7);
	}
}

/* ---- signals ---------------------------------------------------------------- */

static void test_signals(void **state)
{
	(void)state;
	static const struct { const char *name; int sig; } good[] = {
		{ "TERM", 15 },      { "SIGTERM", 15 },      { "sigterm", 15 },      { "15", 15 },
		{ "KILL", 9 },       { "SIGKILL", 9 },       { "usr1", 10 },         { "SIGUSR2", 12 },
		{ "HUP", 1 },        { "1", 1 },             { "64", 64 },           { "SIGRTMIN", 34 },
		{ "SIGRTMIN+3", 37 }, { "rtmin+15", 49 },    { "SIGRTMAX-14", 50 },  { "RTMAX", 64 },
		{ "SIGRTMAX-1", 63 }, { "IOT", 6 },          { "SIGCLD", 17 },       { "POLL", 29 },
		{ "winch", 28 },     { "SIGSYS", 31 },       { "32", 32 },
	};
	berth_error err = BERTH_ERROR_INIT;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		int sig = -1;
		if (berth_signal_parse(&sig, good[i].name, &err) < 0)
			fail_msg("rejected \"%s\": %s", good[i].name, err.message);
		if (sig != good[i].sig)
			fail_msg("\"%s\" gave %d, expected %d", good[i].name, sig, good[i].sig);
	}
	static const char *const bad[] = { "", "0", "65", "-1", "999", "1000", "SIGFOO", "SIG", "TERM ", "SIGRTMIN+31",
					   "RTMIN+", "RTMAX-31", "RTMIN-1", "15x", "+15", "SIGSIGTERM" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int sig = -1;
		if (berth_signal_parse(&sig, bad[i], &err) != BERTH_EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_message_has(&err, "signal");
		assert_int_equal(sig, -1);
	}
	assert_code(berth_signal_parse(NULL, "TERM", &err), BERTH_EINVAL, &err);
	assert_code(berth_signal_parse(&(int){ 0 }, NULL, &err), BERTH_EINVAL, &err);
	assert_string_equal(berth_signal_name(15), "SIGTERM");
	assert_string_equal(berth_signal_name(34), "SIGRTMIN");
	assert_string_equal(berth_signal_name(37), "SIGRTMIN+3");
	assert_string_equal(berth_signal_name(50), "SIGRTMAX-14");
	assert_string_equal(berth_signal_name(64), "SIGRTMAX");
	assert_null(berth_signal_name(0));
	assert_null(berth_signal_name(32));
	assert_null(berth_signal_name(65));
	/* every name reads back as its number */
	for (int sig = 1; sig <= 64; sig++) {
		const char *name = berth_signal_name(sig);
		int back = 0;
		if (name) {
			assert_ok(berth_signal_parse(&back, name, &err), &err);
			assert_int_equal(back, sig);
		}
	}
}

/* ---- checks across fields -------------------------------------------------- */

/* spec_check() is what berth_container_create() runs before any request;
 * called directly here, without an engine. */
static int check(berth_spec *s, berth_error *err) { return spec_check(s, err); }

static void test_cross_field_checks(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *s = new_spec();
	assert_ok(check(s, &err), &err);
	assert_ok(berth_spec_set_memory_swap(s, 128 << 20, &err), &err);
	assert_code(check(s, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "memory-swap: needs a memory limit");
	assert_ok(berth_spec_set_memory(s, 256 << 20, &err), &err);
	assert_code(check(s, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "below the memory limit");
	assert_ok(berth_spec_set_memory_swap(s, -1, &err), &err);
	assert_ok(check(s, &err), &err);

	assert_ok(berth_spec_set_auto_remove(s, 1, &err), &err);
	assert_ok(berth_spec_set_restart(s, BERTH_RESTART_ALWAYS, 0, &err), &err);
	assert_code(check(s, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "restart: always conflicts with auto-remove");
	assert_ok(berth_spec_set_restart(s, BERTH_RESTART_NO, 0, &err), &err);
	assert_ok(check(s, &err), &err);

	assert_ok(berth_spec_add_port(s, NULL, 0, 80, BERTH_PROTO_TCP, &err), &err);
	static const char *const no_ports[] = { "host", "none", "container:db" };
	for (size_t i = 0; i < 3; i++) {
		assert_ok(berth_spec_set_network_mode(s, no_ports[i], &err), &err);
		assert_code(check(s, &err), BERTH_EINVAL, &err);
		assert_message_has(&err, "port: cannot publish");
	}
	berth_spec_free(s);

	s = new_spec();
	assert_ok(berth_spec_set_network_mode(s, "container:db", &err), &err);
	assert_ok(berth_spec_set_hostname(s, "h", &err), &err);
	assert_code(check(s, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "hostname");
	assert_ok(berth_spec_set_hostname(s, NULL, &err), &err);
	assert_ok(berth_spec_add_dns(s, "1.1.1.1", &err), &err);
	assert_code(check(s, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "dns");
	berth_spec_free(s);

	s = new_spec();
	assert_ok(berth_spec_set_network_mode(s, "container:db", &err), &err);
	assert_ok(berth_spec_add_extra_host(s, "a", "1.2.3.4", &err), &err);
	assert_code(check(s, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "add-host");
	assert_ok(berth_spec_set_network_mode(s, "host", &err), &err);
	assert_ok(check(s, &err), &err);
	assert_ok(berth_spec_add_sysctl(s, "net.core.somaxconn", "1024", &err), &err);
	assert_code(check(s, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "sysctl: net.core.somaxconn");
	berth_spec_free(s);
}

/* ---- canonical serialization ------------------------------------------------ */

/* Fill a spec with every field; `reversed` makes the calls whose order
 * must not matter in the other order. */
static berth_spec *full_spec(bool reversed)
{
	berth_spec *s = new_spec();
	berth_error e = BERTH_ERROR_INIT;
	const char *cmd[] = { "sh", "-c", "echo \"hi\"\n\ttab\\" };
	const char *ep[] = { "/init" };
	const char *test[] = { "CMD", "true" };
	const char *labels[][2] = { { "tier", "web" }, { "app", "x" } };
	const char *caps[] = { "NET_ADMIN", "sys_time" };
	for (int k = 0; k < 2; k++) {
		int i = reversed ? 1 - k : k;
		assert_ok(berth_spec_add_label(s, labels[i][0], labels[i][1], &e), &e);
		assert_ok(berth_spec_add_cap(s, caps[i], &e), &e);
		assert_ok(berth_spec_add_ulimit(s, i ? "nproc" : "nofile", 100 + i, 200, &e), &e);
		assert_ok(berth_spec_add_sysctl(s, i ? "net.ipv4.ip_forward" : "kernel.shmmax", "1", &e), &e);
		assert_ok(berth_spec_add_log_opt(s, i ? "tag" : "max-size", i ? "t" : "1m", &e), &e);
	}
	assert_ok(berth_spec_set_name(s, "web-1", &e), &e);
	assert_ok(berth_spec_set_cmd(s, cmd, 3, &e), &e);
	assert_ok(berth_spec_set_entrypoint(s, ep, 1, &e), &e);
	assert_ok(berth_spec_add_env(s, "A", "1", &e), &e);
	assert_ok(berth_spec_add_env(s, "B", "2", &e), &e);
	assert_ok(berth_spec_set_workdir(s, "/srv", &e), &e);
	assert_ok(berth_spec_set_user(s, "1000:1000", &e), &e);
	assert_ok(berth_spec_set_hostname(s, "web", &e), &e);
	assert_ok(berth_spec_set_tty(s, 1, &e), &e);
	assert_ok(berth_spec_set_stdin_open(s, 1, &e), &e);
	assert_ok(berth_spec_set_init(s, 0, &e), &e);
	assert_ok(berth_spec_set_stop_signal(s, "usr1", &e), &e);
	assert_ok(berth_spec_set_stop_timeout(s, 5, &e), &e);
	assert_ok(berth_spec_set_pid_mode(s, "host", &e), &e);
	assert_ok(berth_spec_set_ipc_mode(s, "private", &e), &e);
	assert_ok(berth_spec_set_network_mode(s, "bridge", &e), &e);
	assert_ok(berth_spec_add_port(s, "127.0.0.1", 0, 8080, BERTH_PROTO_TCP, &e), &e);
	assert_ok(berth_spec_add_extra_host(s, "db", "10.0.0.2", &e), &e);
	assert_ok(berth_spec_add_dns(s, "10.0.0.53", &e), &e);
	assert_ok(berth_spec_add_group(s, "42", &e), &e);
	assert_ok(berth_spec_add_bind(s, "/srv/www", "/www", 1, NULL, &e), &e);
	assert_ok(berth_spec_add_volume(s, "data", "/data", 0, NULL, &e), &e);
	assert_ok(berth_spec_add_volume(s, NULL, "/anon", 0, NULL, &e), &e);
	assert_ok(berth_spec_add_tmpfs(s, "/run", 0, "size=1m", &e), &e);
	assert_ok(berth_spec_set_read_only_rootfs(s, 1, &e), &e);
	assert_ok(berth_spec_set_shm_size(s, 1 << 20, &e), &e);
	assert_ok(berth_spec_set_privileged(s, 1, &e), &e);
	assert_ok(berth_spec_drop_cap(s, "NET_RAW", &e), &e);
	assert_ok(berth_spec_add_device(s, "/dev/null", "/dev/n", "rw", &e), &e);
	assert_ok(berth_spec_add_security_opt(s, "no-new-privileges", &e), &e);
	assert_ok(berth_spec_set_restart(s, BERTH_RESTART_ON_FAILURE, 3, &e), &e);
	berth_healthcheck hc = BERTH_HEALTHCHECK_INIT;
	hc.test = test;
	hc.test_count = 2;
	hc.interval_ms = 1000;
	hc.timeout_ms = 2000;
	hc.start_period_ms = 3000;
	hc.retries = 4;
	assert_ok(berth_spec_set_healthcheck(s, &hc, &e), &e);
	assert_ok(berth_spec_set_memory(s, 64 << 20, &e), &e);
	assert_ok(berth_spec_set_memory_swap(s, -1, &e), &e);
	assert_ok(berth_spec_set_cpus(s, 0.5, &e), &e);
	assert_ok(berth_spec_set_cpu_shares(s, 512, &e), &e);
	assert_ok(berth_spec_set_pids_limit(s, 100, &e), &e);
	assert_ok(berth_spec_set_log_driver(s, "json-file", &e), &e);
	return s;
}

static const char FULL_CANONICAL[] =
	"{\"cap_add\":[\"CAP_NET_ADMIN\",\"CAP_SYS_TIME\"],\"cap_drop\":[\"CAP_NET_RAW\"],"
	"\"cmd\":[\"sh\",\"-c\",\"echo \\\"hi\\\"\\n\\ttab\\\\\"],\"cpu_shares\":512,"
	"\"devices\":[{\"container_path\":\"/dev/n\",\"host_path\":\"/dev/null\",\"permissions\":\"rw\"}],"
	"\"dns\":[\"10.0.0.53\"],\"entrypoint\":[\"/init\"],\"env\":[\"A=1\",\"B=2\"],\"extra_hosts\":[\"db:10.0.0.2\"],\"group_add\":[\"42\"],"
	"\"healthcheck\":{\"interval_ms\":1000,\"retries\":4,\"start_period_ms\":3000,\"test\":[\"CMD\",\"true\"],"
	"\"timeout_ms\":2000},\"hostname\":\"web\",\"image\":\"localhost/berth-test/busybox:latest\",\"init\":false,"
	"\"ipc_mode\":\"private\",\"labels\":{\"app\":\"x\",\"tier\":\"web\"},\"log_driver\":\"json-file\","
	"\"log_opts\":{\"max-size\":\"1m\",\"tag\":\"t\"},\"memory\":67108864,\"memory_swap\":-1,"
	"\"mounts\":[{\"read_only\":true,\"source\":\"/srv/www\",\"target\":\"/www\",\"type\":\"bind\"},"
	"{\"source\":\"data\",\"target\":\"/data\",\"type\":\"volume\"},{\"target\":\"/anon\",\"type\":\"volume\"},"
	"{\"options\":\"size=1048576\",\"target\":\"/run\",\"type\":\"tmpfs\"}],\"name\":\"web-1\",\"nano_cpus\":500000000,"
	"\"network_mode\":\"bridge\",\"pid_mode\":\"host\",\"pids_limit\":100,"
	"\"ports\":[{\"container_port\":8080,\"host_ip\":\"127.0.0.1\",\"protocol\":\"tcp\"}],\"privileged\":true,"
	"\"read_only_rootfs\":true,\"restart\":{\"max_retries\":3,\"policy\":\"on-failure\"},"
	"\"security_opts\":[\"no-new-privileges\"],\"shm_size\":1048576,\"stdin_open\":true,\"stop_signal\":\"SIGUSR1\","
	"\"stop_timeout\":5,\"sysctls\":{\"kernel.shmmax\":\"1\",\"net.ipv4.ip_forward\":\"1\"},\"tty\":true,"
	"\"ulimits\":{\"nofile\":{\"hard\":200,\"soft\":100},\"nproc\":{\"hard\":200,\"soft\":101}},"
	"\"user\":\"1000:1000\",\"workdir\":\"/srv\"}";

static void test_canonical_json(void **state)
{
	(void)state;
	berth_spec *a = full_spec(false), *b = full_spec(true);
	char *ja = canon(a), *jb = canon(b);
	assert_string_equal(ja, FULL_CANONICAL);
	assert_string_equal(ja, jb); /* the order of set-like calls does not matter */
	/* sorted keys at every depth, no white space: what a JSON library's
	 * sorted compact dump of the same value gives */
	json_error_t jerr;
	json_t *v = json_loads(ja, 0, &jerr);
	assert_non_null(v);
	char *again = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(ja, again);
	free(again);
	json_decref(v);
	/* a change shows */
	berth_error e = BERTH_ERROR_INIT;
	assert_ok(berth_spec_add_env(b, "C", "3", &e), &e);
	berth_free(jb);
	jb = canon(b);
	assert_string_not_equal(ja, jb);
	berth_free(ja);
	berth_free(jb);
	berth_spec_free(a);
	berth_spec_free(b);

	/* defaults are left out: a bare spec is just its image */
	berth_spec *s = new_spec();
	char *bare = canon(s);
	assert_string_equal(bare, "{\"image\":\"localhost/berth-test/busybox:latest\"}");
	berth_free(bare);
	/* control characters are escaped */
	assert_ok(berth_spec_add_env(s, "X", "\x01\x1f\x7f", &e), &e);
	char *ctl = canon(s);
	assert_string_equal(ctl, "{\"env\":[\"X=\\u0001\\u001F\x7f\"],\"image\":\"localhost/berth-test/busybox:latest\"}");
	berth_free(ctl);
	/* an empty entrypoint is a field; a cleared one is not */
	assert_ok(berth_spec_set_entrypoint(s, (const char *const[]){ "x" }, 0, &e), &e);
	ctl = canon(s);
	assert_non_null(strstr(ctl, "\"entrypoint\":[]"));
	berth_free(ctl);
	assert_ok(berth_spec_set_entrypoint(s, NULL, 0, &e), &e);
	ctl = canon(s);
	assert_null(strstr(ctl, "entrypoint"));
	berth_free(ctl);
	berth_spec_free(s);
}

/* ---- the Engine API create body -------------------------------------------- */

static char *body_of(const berth_spec *s, const spec_docker_dialect *d, const char *version, int expect,
		     berth_error *err)
{
	json_t *body = NULL;
	int r = spec_docker_body(&body, s, "tests", d, version, err);
	if (r != expect)
		fail_msg("create body: %s (%s), expected %s", berth_code_name(r), err->message, berth_code_name(expect));
	if (r < 0)
		return NULL;
	/* the spec-hash label (the ownership suite checks its value) is there,
	 * 64 hex digits; the expected bodies below leave it out */
	json_t *labels = json_object_get(body, "Labels");
	const char *hash = json_string_value(json_object_get(labels, BERTH_LABEL_SPEC_HASH));
	if (!hash || strlen(hash) != 64 || strspn(hash, "0123456789abcdef") != 64)
		fail_msg("create body: no %s label of 64 hex digits", BERTH_LABEL_SPEC_HASH);
	json_object_del(labels, BERTH_LABEL_SPEC_HASH);
	char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(body);
	return text;
}

static const char *const podman_log_opts[] = { "max-size", "tag", "path", NULL };
static const spec_docker_dialect podman = { "Podman", true, true, podman_log_opts, "4.7" };

static const char FULL_BODY[] =
	"{\"Cmd\":[\"sh\",\"-c\",\"echo \\\"hi\\\"\\n\\ttab\\\\\"],\"Entrypoint\":[\"/init\"],\"Env\":[\"A=1\",\"B=2\"],"
	"\"ExposedPorts\":{\"8080/tcp\":{}},"
	"\"Healthcheck\":{\"Interval\":1000000000,\"Retries\":4,\"StartPeriod\":3000000000,\"Test\":[\"CMD\",\"true\"],"
	"\"Timeout\":2000000000},"
	"\"HostConfig\":{\"Binds\":[\"/srv/www:/www:ro\",\"data:/data\"],\"CapAdd\":[\"CAP_NET_ADMIN\",\"CAP_SYS_TIME\"],"
	"\"CapDrop\":[\"CAP_NET_RAW\"],\"CpuShares\":512,"
	"\"Devices\":[{\"CgroupPermissions\":\"rw\",\"PathInContainer\":\"/dev/n\",\"PathOnHost\":\"/dev/null\"}],"
	"\"Dns\":[\"10.0.0.53\"],\"ExtraHosts\":[\"db:10.0.0.2\"],\"GroupAdd\":[\"42\"],\"Init\":false,\"IpcMode\":\"private\","
	"\"LogConfig\":{\"Config\":{\"max-size\":\"1m\",\"tag\":\"t\"},\"Type\":\"json-file\"},\"Memory\":67108864,"
	"\"MemorySwap\":%s,\"NanoCpus\":500000000,\"NetworkMode\":\"bridge\",\"PidMode\":\"host\",\"PidsLimit\":100,"
	"\"PortBindings\":{\"8080/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}]},\"Privileged\":true,"
	"\"ReadonlyRootfs\":true,\"RestartPolicy\":{\"MaximumRetryCount\":3,\"Name\":\"on-failure\"},"
	"\"SecurityOpt\":[\"no-new-privileges\"],\"ShmSize\":1048576,"
	"\"Sysctls\":{\"kernel.shmmax\":\"1\",\"net.ipv4.ip_forward\":\"1\"},\"Tmpfs\":{\"/run\":\"size=1048576\"},"
	"\"Ulimits\":[{\"Hard\":200,\"Name\":\"nofile\",\"Soft\":100},{\"Hard\":200,\"Name\":\"nproc\",\"Soft\":101}]},"
	"\"Hostname\":\"web\",\"Image\":\"localhost/berth-test/busybox:latest\","
	"\"Labels\":{\"app\":\"x\",\"io.berth.managed\":\"true\",\"io.berth.owner\":\"tests\",\"tier\":\"web\"},"
	"\"OpenStdin\":true,\"StopSignal\":\"SIGUSR1\",\"StopTimeout\":5,\"Tty\":true,\"User\":\"1000:1000\","
	"\"Volumes\":{\"/anon\":{}},\"WorkingDir\":\"/srv\"}";

static void test_create_body(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *s = full_spec(false);
	char expect[4096];
	char *docker = body_of(s, NULL, "20.10.24", 0, &err);
	snprintf(expect, sizeof expect, FULL_BODY, "-1");
	assert_string_equal(docker, expect);
	free(docker);
	/* Podman: unlimited swap as the largest limit, the rest alike */
	char *pod = body_of(s, &podman, "4.3.1", 0, &err);
	snprintf(expect, sizeof expect, FULL_BODY, "9223372036854771712");
	assert_string_equal(pod, expect);
	free(pod);
	berth_spec_free(s);

	/* a bare spec: labels, image, an empty HostConfig */
	s = new_spec();
	char *bare = body_of(s, NULL, "", 0, &err);
	assert_string_equal(bare, "{\"HostConfig\":{},\"Image\":\"localhost/berth-test/busybox:latest\","
				  "\"Labels\":{\"io.berth.managed\":\"true\",\"io.berth.owner\":\"tests\"}}");
	free(bare);
	/* an empty entrypoint is [""]; tmpfs read-only; disabled health check;
	 * random host port on every address; anonymous volume */
	berth_error e = BERTH_ERROR_INIT;
	assert_ok(berth_spec_set_entrypoint(s, (const char *const[]){ "x" }, 0, &e), &e);
	assert_ok(berth_spec_add_tmpfs(s, "/t", 1, NULL, &e), &e);
	assert_ok(berth_spec_add_tmpfs(s, "/u", 1, "size=1k", &e), &e);
	assert_ok(berth_spec_add_bind(s, "/h", "/b", 0, "rshared", &e), &e);
	assert_ok(berth_spec_add_bind(s, "/h2", "/b2", 1, "z", &e), &e);
	assert_ok(berth_spec_disable_healthcheck(s, &e), &e);
	assert_ok(berth_spec_add_port(s, NULL, 0, 53, BERTH_PROTO_UDP, &e), &e);
	assert_ok(berth_spec_add_port(s, "::1", 5353, 53, BERTH_PROTO_UDP, &e), &e);
	assert_ok(berth_spec_set_stop_signal(s, "33", &e), &e);
	assert_ok(berth_spec_add_log_opt(s, "max-size", "1m", &e), &e);
	char *b = body_of(s, NULL, "", 0, &err);
	assert_non_null(strstr(b, "\"Entrypoint\":[\"\"]"));
	assert_non_null(strstr(b, "\"Tmpfs\":{\"/t\":\"ro\",\"/u\":\"size=1024,ro\"}"));
	assert_non_null(strstr(b, "\"Binds\":[\"/h:/b:rshared\",\"/h2:/b2:ro,z\"]"));
	assert_non_null(strstr(b, "\"Healthcheck\":{\"Test\":[\"NONE\"]}"));
	assert_non_null(strstr(b, "\"PortBindings\":{\"53/udp\":[{\"HostIp\":\"\",\"HostPort\":\"\"},"
				  "{\"HostIp\":\"::1\",\"HostPort\":\"5353\"}]}"));
	assert_non_null(strstr(b, "\"ExposedPorts\":{\"53/udp\":{}}"));
	assert_non_null(strstr(b, "\"StopSignal\":\"33\""));
	assert_non_null(strstr(b, "\"LogConfig\":{\"Config\":{\"max-size\":\"1m\"},\"Type\":\"\"}"));
	free(b);
	berth_spec_free(s);
}

/* What Podman cannot honour is BERTH_EUNSUPPORTED naming the field. */
static void test_create_body_podman_unsupported(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT, e = BERTH_ERROR_INIT;
	berth_spec *s = new_spec();
	berth_healthcheck hc = BERTH_HEALTHCHECK_INIT;
	hc.interval_ms = 2000;
	assert_ok(berth_spec_set_healthcheck(s, &hc, &e), &e);
	free(body_of(s, NULL, "20.10.24", 0, &err)); /* Docker keeps the image's test */
	assert_null(body_of(s, &podman, "4.3.1", BERTH_EUNSUPPORTED, &err));
	assert_message_has(&err, "healthcheck: Podman");
	const char *test[] = { "CMD-SHELL", "true" };
	hc.test = test;
	hc.test_count = 2;
	assert_ok(berth_spec_set_healthcheck(s, &hc, &e), &e);
	free(body_of(s, &podman, "4.3.1", 0, &err));

	assert_ok(berth_spec_add_log_opt(s, "max-size", "10m", &e), &e);
	free(body_of(s, &podman, "4.3.1", 0, &err));
	assert_ok(berth_spec_add_log_opt(s, "max-file", "3", &e), &e);
	assert_null(body_of(s, &podman, "4.3.1", BERTH_EUNSUPPORTED, &err));
	assert_message_has(&err, "log-opt: Podman does not honour max-file");
	free(body_of(s, NULL, "20.10.24", 0, &err));
	berth_spec_free(s);

	s = new_spec();
	assert_ok(berth_spec_add_extra_host(s, "gw", "host-gateway", &e), &e);
	assert_null(body_of(s, &podman, "4.3.1", BERTH_EUNSUPPORTED, &err));
	assert_message_has(&err, "add-host: Podman 4.3.1 has no host-gateway");
	free(body_of(s, &podman, "4.7.0", 0, &err));
	free(body_of(s, &podman, "5.2", 0, &err));
	free(body_of(s, &podman, "", 0, &err)); /* unknown version: let the engine say */
	free(body_of(s, NULL, "20.10.24", 0, &err));
	berth_spec_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_process_fields),
		cmocka_unit_test(test_namespace_modes),
		cmocka_unit_test(test_ports_hosts_dns),
		cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_privileges),
		cmocka_unit_test(test_memlock),
		cmocka_unit_test(test_restart_and_health),
		cmocka_unit_test(test_resources_and_logging),
		cmocka_unit_test(test_null_spec),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_cross_field_checks),
		cmocka_unit_test(test_canonical_json),
		cmocka_unit_test(test_create_body),
		cmocka_unit_test(test_create_body_podman_unsupported),
	};
	return cmocka_run_group_tests_name("spec", tests, NULL, NULL);
}
