/* The services file (parse/compose_yaml.c): good files and their records,
 * every refusal with its position, interpolation, .env files, merging,
 * and the written YAML read back. */
#include "../common/test.h"

#include "lib/parse/compose_yaml.h"

static int parse(compose_project *p, const char *text, berth_error *err)
{
	memset(p, 0, sizeof *p);
	return compose_yaml_parse(p, text, strlen(text), "c.yaml", NULL, NULL, err);
}

/* Written and read back: the same project. */
static void round_trip(const compose_project *p)
{
	berth_error err = BERTH_ERROR_INIT;
	char *text = NULL;
	assert_ok(compose_yaml_emit(&text, p, &err), &err);
	compose_project back = { 0 };
	if (compose_yaml_parse(&back, text, strlen(text), "emitted", NULL, NULL, &err) < 0)
		fail_msg("%s\n%s", err.message, text);
	if (!compose_project_equal(p, &back))
		fail_msg("not the same after the round trip:\n%s", text);
	compose_project_release(&back);
	free(text);
}

static const char full[] =
	"version: '3.8'\n"
	"name: demo\n"
	"x-common: &common\n"
	"  restart: unless-stopped\n"
	"  labels: {team: core}\n"
	"services:\n"
	"  web:\n"
	"    <<: *common\n"
	"    image: nginx:1.25\n"
	"    container_name: front\n"
	"    command: sh -c 'echo \"hi there\"' x\\ y\n"
	"    entrypoint: [\"/bin/tini\", \"--\"]\n"
	"    environment:\n"
	"      A: 1\n"
	"      B:\n"
	"      C: 'yes'\n"
	"    env_file: [.env, {path: extra.env, required: false}]\n"
	"    ports:\n"
	"      - \"8080\"\n"
	"      - 127.0.0.1:8081:80\n"
	"      - 53:53/udp\n"
	"      - \"[::1]:9000:90\"\n"
	"      - :7000\n"
	"      - {target: 443, published: \"8443\", host_ip: 0.0.0.0, protocol: tcp}\n"
	"    volumes:\n"
	"      - data:/var/lib/data\n"
	"      - ./site:/usr/share/nginx/html:ro\n"
	"      - /anon\n"
	"      - {type: tmpfs, target: /scratch, tmpfs: {size: 1m}}\n"
	"      - {type: bind, source: ~/x, target: /x, read_only: yes}\n"
	"    tmpfs: [/run, \"/tmp:size=64m,mode=1777\"]\n"
	"    labels:\n"
	"      - a=b\n"
	"      - team=web\n"
	"    healthcheck:\n"
	"      test: curl -f http://localhost/\n"
	"      interval: 1m30s\n"
	"      timeout: 500ms\n"
	"      start_period: 10s\n"
	"      retries: 3\n"
	"    depends_on:\n"
	"      db: {condition: service_healthy, restart: true}\n"
	"      cache:\n"
	"    networks:\n"
	"      front: {aliases: [www, site]}\n"
	"      default:\n"
	"    stop_grace_period: 1.5s\n"
	"    stop_signal: SIGQUIT\n"
	"    user: \"1000:1000\"\n"
	"    working_dir: /srv\n"
	"    hostname: web1\n"
	"    cap_add: [NET_ADMIN]\n"
	"    cap_drop: [ALL]\n"
	"    ulimits:\n"
	"      nproc: 65535\n"
	"      nofile: {soft: 1024, hard: -1}\n"
	"    mem_limit: 512M\n"
	"    cpus: '0.5'\n"
	"    init: true\n"
	"    read_only: on\n"
	"    privileged: false\n"
	"    tty: true\n"
	"    stdin_open: True\n"
	"    extra_hosts: [\"db.local:10.0.0.2\", \"v6=::1\"]\n"
	"    pull_policy: if_not_present\n"
	"    dns: 1.1.1.1\n"
	"    x-note: ignored\n"
	"  db:\n"
	"    image: postgres\n"
	"    environment: [POSTGRES_PASSWORD=s3cret, LANG]\n"
	"    healthcheck: {test: [CMD, pg_isready], disable: false}\n"
	"    restart: on-failure:3\n"
	"    networks: [back]\n"
	"  cache:\n"
	"    image: redis\n"
	"    healthcheck: {test: [NONE]}\n"
	"    depends_on: [db]\n"
	"    stop_grace_period: 0s\n"
	"volumes:\n"
	"  data:\n"
	"  other: {name: o, external: true}\n"
	"  opts: {driver: local, driver_opts: {type: none, o: bind, device: /srv}, labels: [k=v]}\n"
	"networks:\n"
	"  back: {internal: true, ipam: {config: [{subnet: 10.1.0.0/24, gateway: 10.1.0.1}]}, labels: {a: b}}\n"
	"  front:\n"
	"  default: {name: demo_net}\n";

static void test_full(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	compose_project p;
	assert_ok(parse(&p, full, &err), &err);
	assert_string_equal(p.name, "demo");
	assert_int_equal(p.warnings.len, 1);
	assert_string_equal(p.warnings.items[0], "c.yaml:1: version is obsolete and ignored");
	assert_int_equal(p.n_services, 3);
	assert_string_equal(p.services[0].name, "cache");
	assert_string_equal(p.services[1].name, "db");
	assert_string_equal(p.services[2].name, "web");
	assert_null(compose_project_service(&p, "nope"));

	const compose_service *w = compose_project_service(&p, "web");
	assert_non_null(w);
	assert_int_equal(w->line, 7);
	assert_string_equal(w->image, "nginx:1.25");
	assert_string_equal(w->container_name, "front");
	assert_true(w->has_command);
	assert_int_equal(w->command.len, 4);
	assert_string_equal(w->command.items[0], "sh");
	assert_string_equal(w->command.items[2], "echo \"hi there\"");
	assert_string_equal(w->command.items[3], "x y");
	assert_int_equal(w->entrypoint.len, 2);
	assert_int_equal(w->env_keys.len, 3);
	assert_string_equal(w->env_values.items[0], "1");
	assert_null(w->env_values.items[1]);
	assert_string_equal(w->env_values.items[2], "yes");
	assert_int_equal(w->env_files.len, 2);
	assert_string_equal(w->env_files.items[1], "extra.env");
	assert_int_equal(w->n_ports, 6);
	assert_int_equal(w->ports[0].container_port, 8080);
	assert_int_equal(w->ports[0].host_port, 0);
	assert_null(w->ports[0].host_ip);
	assert_string_equal(w->ports[1].host_ip, "127.0.0.1");
	assert_int_equal(w->ports[1].host_port, 8081);
	assert_int_equal(w->ports[1].container_port, 80);
	assert_string_equal(w->ports[2].proto, "udp");
	assert_string_equal(w->ports[3].host_ip, "::1");
	assert_int_equal(w->ports[4].container_port, 7000);
	assert_int_equal(w->ports[4].host_port, 0);
	assert_int_equal(w->ports[5].host_port, 8443);
	assert_int_equal(w->ports[5].container_port, 443);
	assert_string_equal(w->ports[5].host_ip, "0.0.0.0");
	assert_int_equal(w->n_mounts, 7);
	assert_int_equal(w->mounts[0].kind, COMPOSE_MOUNT_VOLUME);
	assert_string_equal(w->mounts[0].source, "data");
	assert_int_equal(w->mounts[1].kind, COMPOSE_MOUNT_BIND);
	assert_true(w->mounts[1].read_only);
	assert_null(w->mounts[2].source);
	assert_string_equal(w->mounts[2].target, "/anon");
	assert_int_equal(w->mounts[3].kind, COMPOSE_MOUNT_TMPFS);
	assert_int_equal(w->mounts[3].tmpfs_size, 1 << 20);
	assert_int_equal(w->mounts[4].kind, COMPOSE_MOUNT_BIND);
	assert_string_equal(w->mounts[4].source, "~/x");
	assert_true(w->mounts[4].read_only);
	assert_string_equal(w->mounts[5].target, "/run");
	assert_int_equal(w->mounts[5].tmpfs_size, 0);
	assert_int_equal(w->mounts[6].tmpfs_size, 64 << 20);
	/* labels: the merged-in map loses to the written list */
	assert_int_equal(w->label_keys.len, 2);
	assert_string_equal(w->label_keys.items[1], "team");
	assert_string_equal(w->label_values.items[1], "web");
	assert_string_equal(w->restart, "unless-stopped");
	assert_true(w->health.given);
	assert_int_equal(w->health.test.len, 2);
	assert_string_equal(w->health.test.items[0], "CMD-SHELL");
	assert_int_equal(w->health.interval_ms, 90000);
	assert_int_equal(w->health.timeout_ms, 500);
	assert_int_equal(w->health.start_period_ms, 10000);
	assert_int_equal(w->health.retries, 3);
	assert_int_equal(w->n_deps, 2);
	assert_string_equal(w->deps[0].service, "db");
	assert_int_equal(w->deps[0].condition, COMPOSE_COND_HEALTHY);
	assert_true(w->deps[0].restart);
	assert_true(w->deps[0].required);
	assert_int_equal(w->deps[1].condition, COMPOSE_COND_STARTED);
	assert_int_equal(w->n_networks, 2);
	assert_int_equal(w->networks[0].aliases.len, 2);
	assert_int_equal(w->stop_grace_ms, 1500);
	assert_string_equal(w->user, "1000:1000");
	assert_int_equal(w->n_ulimits, 2);
	assert_int_equal(w->ulimits[0].soft, 65535);
	assert_int_equal(w->ulimits[0].hard, 65535);
	assert_int_equal(w->ulimits[1].hard, -1);
	assert_int_equal(w->mem_limit, 512 << 20);
	assert_true(w->cpus == 0.5);
	assert_int_equal(w->init, 1);
	assert_true(w->read_only);
	assert_false(w->privileged);
	assert_true(w->tty && w->stdin_open);
	assert_string_equal(w->extra_hosts.items[0], "db.local:10.0.0.2");
	assert_string_equal(w->extra_hosts.items[1], "v6:::1");
	assert_string_equal(w->pull_policy, "if_not_present");
	assert_int_equal(w->dns.len, 1);

	const compose_service *db = compose_project_service(&p, "db");
	assert_null(db->env_values.items[1]);
	assert_string_equal(db->env_values.items[0], "s3cret");
	assert_string_equal(db->health.test.items[0], "CMD");
	assert_false(db->health.disable);
	assert_string_equal(db->restart, "on-failure:3");
	assert_int_equal(db->init, -1);
	assert_int_equal(db->stop_grace_ms, -1);
	assert_false(db->has_command);
	const compose_service *cache = compose_project_service(&p, "cache");
	assert_true(cache->health.disable);
	assert_int_equal(cache->stop_grace_ms, 0);

	assert_int_equal(p.n_volumes, 3);
	assert_string_equal(p.volumes[0].key, "data");
	assert_string_equal(p.volumes[2].key, "other");
	assert_true(p.volumes[2].external);
	assert_string_equal(p.volumes[1].opt_values.items[2], "/srv");
	assert_int_equal(p.n_networks, 3);
	assert_string_equal(p.networks[0].key, "back");
	assert_true(p.networks[0].internal);
	assert_string_equal(p.networks[0].subnet, "10.1.0.0/24");
	assert_string_equal(p.networks[0].gateway, "10.1.0.1");
	assert_string_equal(p.networks[1].name, "demo_net");

	round_trip(&p);
	compose_project_release(&p);
	compose_project_release(&p);
}

/* Refusals: text, the expected message part, "LINE:COL". */
static const struct bad_case {
	const char *text, *msg, *pos;
} bad_cases[] = {
	{ "services: [a", "did not find expected", "" },
	{ "services:\n  web:\n    image: a\n\tbad: 1\n", "c.yaml:4:", "" },
	{ "services:\n  web:\n    image: a\n    ports: 80\n", "services.web.ports: a list expected", "4:12" },
	{ "services:\n  web:\n    image: a\n    foo: 1\n", "services.web.foo: unknown key", "4:5" },
	{ "services:\n  web:\n    image: a\n    deploy: {}\n", "services.web.deploy: not supported", "4:5" },
	{ "services:\n  web:\n    build: .\n", "build is not supported", "3:5" },
	{ "services:\n  web:\n    container_name: x\n", "services.web: image is required", "3:5" },
	{ "services:\n  web:\n", "image is required", "" },
	{ "services:\n  web:\n    image: a\n    depends_on: [db]\n", "service \"db\" is not defined", "4:18" },
	{ "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: {a: {}}\n",
	  "dependency cycle: a -> b -> a", "2:3" },
	{ "services:\n  a:\n    image: x\n    depends_on: [a]\n", "dependency cycle: a -> a", "" },
	{ "services:\n  a:\n    image: x\n    image: y\n", "services.a.image: duplicate key", "4:5" },
	{ "services: {}\nconfigs: {}\n", "configs: not supported", "2:1" },
	{ "services: {}\nfoo: 1\n", "foo: unknown key", "2:1" },
	{ "name: x\n", "services is required", "" },
	{ "", "services is required", "" },
	{ "services: 3\n", "services: a map expected", "1:11" },
	{ "services: {}\n---\nservices: {}\n", "one YAML document expected", "" },
	{ "services:\n  a:\n    image: x\n    ports: [\"8000-8010:80\"]\n", "port ranges are not supported", "" },
	{ "services:\n  a:\n    image: x\n    ports: [{published: 80}]\n", "target is required", "" },
	{ "services:\n  a:\n    image: x\n    ports: [\"99999\"]\n", "a port (1-65535) expected", "" },
	{ "services:\n  a:\n    image: x\n    ports: [\"80/sctp\"]\n", "protocol tcp or udp", "" },
	{ "services:\n  a:\n    image: x\n    volumes: [\"data:/d\"]\n", "volume \"data\" is not declared", "4:15" },
	{ "services:\n  a:\n    image: x\n    volumes: [\"./d:rel\"]\n", "absolute path", "" },
	{ "services:\n  a:\n    image: x\n    volumes: [\"/a:/b:rx\"]\n", "unknown mode \"rx\"", "" },
	{ "services:\n  a:\n    image: x\n    volumes: [{type: nfs, target: /x}]\n", "volume, bind or tmpfs", "" },
	{ "services:\n  a:\n    image: x\n    networks: [back]\n", "network \"back\" is not declared", "4:16" },
	{ "services:\n  a:\n    image: x\n    restart: sometimes\n", "services.a.restart: no, always", "4:14" },
	{ "services:\n  a:\n    image: x\n    pull_policy: build\n", "build is not supported", "" },
	{ "services:\n  a:\n    image: x\n    pull_policy: often\n", "always, missing, never", "" },
	{ "services:\n  a:\n    image: x\n    init: maybe\n", "services.a.init: a boolean expected", "4:11" },
	{ "services:\n  a:\n    image: x\n    mem_limit: 12q\n", "a size expected", "" },
	{ "services:\n  a:\n    image: x\n    stop_grace_period: 10\n", "a duration expected", "" },
	{ "services:\n  a:\n    image: x\n    cpus: lots\n", "a number of CPUs", "" },
	{ "services:\n  a:\n    image: x\n    command: \"echo 'open\"\n", "unterminated quote", "" },
	{ "services:\n  a:\n    image: x\n    healthcheck: {test: [RUN, x]}\n", "CMD, CMD-SHELL or NONE", "" },
	{ "services:\n  a:\n    image: x\n    healthcheck: {test: [CMD]}\n", "CMD needs a command", "" },
	{ "services:\n  a:\n    image: x\n    ulimits: {nofile: {soft: 1}}\n", "soft and hard", "" },
	{ "services:\n  a:\n    image: x\n    environment: {A: [1]}\n", "services.a.environment.A: a string", "" },
	{ "services:\n  a:\n    image: x\n    labels: 3\n", "a map or a list expected", "" },
	{ "services:\n  a:\n    image: [x]\n", "services.a.image: a string expected", "3:12" },
	{ "services:\n  a:\n    image: x\n    extra_hosts: [nohost]\n", "HOST:IP or HOST=IP", "" },
	{ "services:\n  a:\n    image: x\n    depends_on: {a2: {condition: soon}}\n  a2: {image: y}\n",
	  "service_started, service_healthy", "" },
	{ "services:\n  a:\n    image: ${X\n", "unterminated ${", "3:12" },
	{ "services:\n  a:\n    image: ${X:?must be set}\n", "required variable X is not set: must be set", "3:12" },
	{ "services:\n  a:\n    image: a$\n", "a lone $", "" },
	{ "services:\n  a:\n    image: ${1x}\n", "invalid interpolation", "" },
	{ "services:\n  a: &a\n    image: x\n    <<: 3\n", "<<: a map or a list of maps", "" },
	{ "services: &s\n  a: *s\n", "", "" },
	{ "x: !!binary AAAA\nservices: {a: {image: *nope}}\n", "undefined alias", "" },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bad_case *b = &bad_cases[i];
		berth_error err = BERTH_ERROR_INIT;
		compose_project p;
		int r = parse(&p, b->text, &err);
		if (r != BERTH_EINVAL)
			fail_msg("case %zu: %d, expected BERTH_EINVAL (%s)", i, r, b->text);
		if (!strstr(err.message, b->msg))
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, err.message, b->msg);
		if (strncmp(err.message, "c.yaml:", 7))
			fail_msg("case %zu: \"%s\" does not start with the file", i, err.message);
		if (*b->pos) {
			char want[32];
			snprintf(want, sizeof want, "c.yaml:%s:", b->pos);
			if (strncmp(err.message, want, strlen(want)))
				fail_msg("case %zu: \"%s\" is not at %s", i, err.message, b->pos);
		}
		assert_null(p.services);
		assert_int_equal(p.n_services, 0);
		assert_null(p.warnings.items);
	}
}

static void test_limits(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	compose_project p;
	/* a billion laughs */
	const char *bomb = "x-a: &a {k0: x, k1: x, k2: x, k3: x, k4: x, k5: x, k6: x, k7: x, k8: x, k9: x}\n"
			   "x-b: &b {<<: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]}\n"
			   "x-c: &c {<<: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]}\n"
			   "x-d: &d {<<: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]}\n"
			   "x-e: &e {<<: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]}\n"
			   "x-f: &f {<<: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]}\n"
			   "services: {s: {image: x, labels: *f}}\n";
	assert_code(parse(&p, bomb, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "more than 100000 nodes");

	char deep[300];
	memset(deep, '[', 200);
	strcpy(deep + 200, "\n");
	assert_code(parse(&p, deep, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "c.yaml:1:65: nested deeper than 64");

	size_t big = (4u << 20) + 1;
	char *huge = malloc(big);
	assert_non_null(huge);
	memset(huge, '#', big);
	memset(&p, 0, sizeof p);
	assert_code(compose_yaml_parse(&p, huge, big, "c.yaml", NULL, NULL, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "larger than");
	free(huge);

	/* merges: a list of maps, the first wins, written keys win */
	const char *merge = "x-a: &a {image: a, user: ua, hostname: ha}\n"
			    "x-b: &b {image: b, user: ub, working_dir: /b}\n"
			    "services:\n  s:\n    <<: [*a, *b]\n    hostname: mine\n";
	assert_ok(parse(&p, merge, &err), &err);
	assert_string_equal(p.services[0].image, "a");
	assert_string_equal(p.services[0].user, "ua");
	assert_string_equal(p.services[0].working_dir, "/b");
	assert_string_equal(p.services[0].hostname, "mine");
	compose_project_release(&p);
}

static void test_interpolation(void **state)
{
	(void)state;
	static const char *const kv[][2] = {
		{ "TAG", "1.2" }, { "EMPTY", "" }, { "NAME", "web" }, { "TAG", "1.3" },
	};
	strv keys = STRV_INIT, values = STRV_INIT;
	for (size_t i = 0; i < 4; i++) {
		strv_push(&keys, kv[i][0]);
		strv_push(&values, kv[i][1]);
	}
	static const struct { const char *in, *out; } cases[] = {
		{ "img:$TAG", "img:1.3" },
		{ "img:${TAG}", "img:1.3" },
		{ "${EMPTY:-dflt}", "dflt" },
		{ "${EMPTY-dflt}x", "x" },
		{ "${UNSET-dflt}", "dflt" },
		{ "${UNSET:-${NAME}-${TAG}}", "web-1.3" },
		{ "${NAME:+alt}", "alt" },
		{ "${EMPTY:+alt}z", "z" },
		{ "${EMPTY+alt}", "alt" },
		{ "${UNSET+alt}q", "q" },
		{ "a$$b$${NAME}", "a$b${NAME}" },
		{ "${NAME:?oops}", "web" },
		{ "${EMPTY?oops}e", "e" },
		{ "pre-${UNSET}-post", "pre--post" },
		{ "$NAME.$TAG", "web.1.3" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		berth_error err = BERTH_ERROR_INIT;
		compose_project p = { 0 };
		char text[256];
		snprintf(text, sizeof text, "services:\n  s:\n    image: \"%s\"\n", cases[i].in);
		assert_ok(compose_yaml_parse(&p, text, strlen(text), "c.yaml", &keys, &values, &err), &err);
		if (!STREQ(p.services[0].image, cases[i].out))
			fail_msg("%s gave \"%s\", expected \"%s\"", cases[i].in, p.services[0].image, cases[i].out);
		bool unset = strstr(cases[i].in, "${UNSET}") != NULL;
		assert_int_equal(p.warnings.len, unset ? 1 : 0);
		if (unset)
			assert_string_equal(p.warnings.items[0], "c.yaml:3: variable UNSET is not set, empty string used");
		compose_project_release(&p);
	}
	/* keys are not interpolated; required-but-empty fails with its message */
	berth_error err = BERTH_ERROR_INIT;
	compose_project p = { 0 };
	const char *t = "services:\n  s:\n    image: x\n    labels: {$NAME: $NAME}\n";
	assert_ok(compose_yaml_parse(&p, t, strlen(t), "c.yaml", &keys, &values, &err), &err);
	assert_string_equal(p.services[0].label_keys.items[0], "$NAME");
	assert_string_equal(p.services[0].label_values.items[0], "web");
	compose_project_release(&p);
	t = "services:\n  s:\n    image: x\n    user: ${EMPTY:?give a user}\n";
	assert_code(compose_yaml_parse(&p, t, strlen(t), "c.yaml", &keys, &values, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "c.yaml:4:11: required variable EMPTY is empty: give a user");
	strv_release(&keys);
	strv_release(&values);
}

static void test_dotenv(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	strv k = STRV_INIT, v = STRV_INIT;
	const char *text = "# comment\n\n"
			   "A=1\n"
			   "export B = two words  # note\n"
			   "C='lit $X \\n # no comment'\n"
			   "D=\"line\\nnext \\\"q\\\" \\\\ \"\n"
			   "E=\n"
			   "F=a#b\r\n"
			   "  G.x-y=\"multi\nline\"\n"
			   "A=again\n";
	assert_ok(compose_dotenv_parse(&k, &v, text, strlen(text), ".env", &err), &err);
	assert_int_equal(k.len, 7);
	assert_string_equal(v.items[0], "again");
	assert_string_equal(k.items[1], "B");
	assert_string_equal(v.items[1], "two words");
	assert_string_equal(v.items[2], "lit $X \\n # no comment");
	assert_string_equal(v.items[3], "line\nnext \"q\" \\ ");
	assert_string_equal(v.items[4], "");
	assert_string_equal(v.items[5], "a#b");
	assert_string_equal(k.items[6], "G.x-y");
	assert_string_equal(v.items[6], "multi\nline");
	strv_release(&k);
	strv_release(&v);

	static const struct { const char *text, *msg; } bad[] = {
		{ "A=1\nnoequals\n", ".env:2: KEY=VALUE expected" },
		{ "1A=x\n", ".env:1: \"1A\" is not a valid variable name" },
		{ "A B=x\n", "not a valid variable name" },
		{ "A='open\n", ".env:1: an unterminated ' quote" },
		{ "A=\"x\" y\n", "text after the closing quote" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_code(compose_dotenv_parse(&k, &v, bad[i].text, strlen(bad[i].text), ".env", &err), BERTH_EINVAL,
			    &err);
		assert_message_has(&err, bad[i].msg);
		strv_release(&k);
		strv_release(&v);
	}
}

static void test_merge(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	compose_project base, over;
	assert_ok(parse(&base, "name: one\n"
			       "services:\n"
			       "  web:\n"
			       "    image: nginx\n"
			       "    command: [a]\n"
			       "    environment: {A: '1', B: '2'}\n"
			       "    labels: [x=1]\n"
			       "    ports: ['80']\n"
			       "    volumes: ['/a:/data', '/b:/keep']\n"
			       "    cap_add: [NET_ADMIN]\n"
			       "    init: true\n"
			       "  db: {image: pg}\n"
			       "volumes: {v1: {driver: a}}\n",
			 &err), &err);
	assert_ok(parse(&over, "services:\n"
			       "  web:\n"
			       "    image: nginx:2\n"
			       "    environment: [B=3, C]\n"
			       "    ports: ['81:80']\n"
			       "    volumes: ['/c:/data:ro']\n"
			       "    cap_add: [NET_ADMIN, SYS_TIME]\n"
			       "    init: false\n"
			       "    depends_on: [cache]\n"
			       "  cache: {image: redis}\n"
			       "volumes: {v1: {driver: b}, v2: }\n",
			 &err), &err);
	assert_ok(compose_project_merge(&base, &over, &err), &err);
	assert_null(over.services);
	assert_string_equal(base.name, "one");
	assert_int_equal(base.n_services, 3);
	assert_string_equal(base.services[0].name, "cache");
	const compose_service *w = compose_project_service(&base, "web");
	assert_string_equal(w->image, "nginx:2");
	assert_int_equal(w->command.len, 1);
	assert_int_equal(w->env_keys.len, 3);
	assert_string_equal(w->env_values.items[1], "3");
	assert_null(w->env_values.items[2]);
	assert_int_equal(w->n_ports, 2);
	assert_int_equal(w->ports[1].host_port, 81);
	assert_int_equal(w->n_mounts, 2);
	assert_string_equal(w->mounts[0].source, "/c");
	assert_true(w->mounts[0].read_only);
	assert_int_equal(w->cap_add.len, 2);
	assert_int_equal(w->init, 0);
	assert_int_equal(w->n_deps, 1);
	assert_int_equal(base.n_volumes, 2);
	assert_string_equal(base.volumes[0].driver, "b");
	round_trip(&base);

	/* a cycle made by the merge */
	assert_ok(parse(&over, "services:\n  cache: {image: redis, depends_on: [web]}\n  web: {image: x}\n", &err),
		  &err);
	assert_code(compose_project_merge(&base, &over, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "dependency cycle: cache -> web -> cache");
	compose_project_release(&base);
}

static void test_emit(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	compose_project p;
	/* strings that would not read back as written without quoting */
	assert_ok(parse(&p, "services:\n"
			    "  'odd: name':\n"
			    "    image: \"null\"\n"
			    "    user: 'yes'\n"
			    "    hostname: \"a\\\"b\\\\c\\td\\u0085e\\u2028\\x01$$\"\n"
			    "    command: \"\"\n"
			    "    entrypoint: []\n"
			    "    environment: {'#k': '', 'n': ~, 'x: y': '- z'}\n"
			    "    healthcheck: {}\n"
			    "    cpus: 0.1\n"
			    "    mem_limit: 1.5g\n"
			    "    networks: {front: }\n"
			    "networks: {front: {ipam: {config: [{gateway: 10.0.0.1}]}}}\n",
			 &err), &err);
	const compose_service *s = &p.services[0];
	assert_string_equal(s->name, "odd: name");
	assert_string_equal(s->image, "null");
	assert_string_equal(s->hostname, "a\"b\\c\td\xc2\x85" "e\xe2\x80\xa8\x01$");
	assert_true(s->has_command);
	assert_int_equal(s->command.len, 0);
	assert_true(s->has_entrypoint);
	assert_true(s->health.given);
	assert_int_equal(s->mem_limit, 1610612736);
	round_trip(&p);
	char *text = NULL;
	assert_ok(compose_yaml_emit(&text, &p, &err), &err);
	assert_non_null(strstr(text, "services:\n  \"odd: name\":\n    image: \"null\"\n"));
	free(text);
	compose_project_release(&p);

	assert_ok(parse(&p, full, &err), &err);
	assert_ok(compose_yaml_emit(&text, &p, &err), &err);
	/* a second write of what was read back is the same text */
	compose_project back = { 0 };
	assert_ok(compose_yaml_parse(&back, text, strlen(text), "e", NULL, NULL, &err), &err);
	char *again = NULL;
	assert_ok(compose_yaml_emit(&again, &back, &err), &err);
	assert_string_equal(text, again);
	free(text);
	free(again);
	compose_project_release(&back);
	compose_project_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_interpolation),
		cmocka_unit_test(test_dotenv),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_emit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
