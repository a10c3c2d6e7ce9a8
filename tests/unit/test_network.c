/* Networks without an engine: addresses, subnets and names
 * (parse/netaddr.c), the Engine API's network records
 * (parse/network_json.c), the entry points' checks before any request
 * (api/network.c, through a client whose backend records what reached
 * it), and the spec's network aliases in the create body. */
#include "../common/test.h"
#include "../common/fake_server.h"

#include "lib/engine.h"
#include "lib/kit/spec_docker.h"
#include "lib/parse/json_util.h"
#include "lib/parse/netaddr.h"
#include "lib/parse/network_json.h"

#include <arpa/inet.h>
#include <stdio.h>

#define S(s) s, sizeof(s) - 1

static void test_addresses(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	net_addr a;
	assert_ok(net_addr_parse(&a, "10.1.2.3", "t", &err), &err);
	assert_int_equal(a.family, AF_INET);
	assert_ok(net_addr_parse(&a, "fd00::1", "t", &err), &err);
	assert_int_equal(a.family, AF_INET6);
	const char *bad[] = { "", "10.1.2", "10.1.2.256", "host", "10.1.2.3/24", " 10.1.2.3", "fd00:::1" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_code(net_addr_parse(&a, bad[i], "gateway", &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "gateway");
	assert_code(net_addr_parse(&a, NULL, "t", &err), BERTH_EINVAL, &err);

	net_cidr c;
	assert_ok(net_cidr_parse(&c, "10.89.7.0/24", "t", &err), &err);
	assert_int_equal(c.prefix, 24);
	assert_ok(net_addr_parse(&a, "10.89.7.1", "t", &err), &err);
	assert_true(net_cidr_contains(&c, &a));
	assert_ok(net_addr_parse(&a, "10.89.8.1", "t", &err), &err);
	assert_false(net_cidr_contains(&c, &a));
	assert_ok(net_addr_parse(&a, "fd00::1", "t", &err), &err);
	assert_false(net_cidr_contains(&c, &a));
	assert_ok(net_cidr_parse(&c, "172.16.0.0/12", "t", &err), &err);
	assert_ok(net_addr_parse(&a, "172.31.255.254", "t", &err), &err);
	assert_true(net_cidr_contains(&c, &a));
	assert_ok(net_cidr_parse(&c, "0.0.0.0/0", "t", &err), &err);
	assert_true(net_cidr_contains(&c, &a));
	assert_ok(net_cidr_parse(&c, "10.0.0.1/32", "t", &err), &err);
	assert_ok(net_cidr_parse(&c, "fd00:1:2::/48", "t", &err), &err);
	assert_int_equal(c.base.family, AF_INET6);
	assert_ok(net_addr_parse(&a, "fd00:1:2:ffff::9", "t", &err), &err);
	assert_true(net_cidr_contains(&c, &a));
	assert_ok(net_addr_parse(&a, "fd00:1:3::9", "t", &err), &err);
	assert_false(net_cidr_contains(&c, &a));
	/* host bits set: the subnet meant is named */
	assert_code(net_cidr_parse(&c, "10.89.7.5/24", "subnet", &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "10.89.7.0/24");
	assert_code(net_cidr_parse(&c, "10.89.7.0/20", "subnet", &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "10.89.0.0/20");
	const char *bad_cidrs[] = { "", "10.1.2.0", "10.1.2.0/", "/24", "10.1.2.0/33", "fd00::/129", "10.1.2.0/2x",
				    "10.1.2.0/-1", "10.1.2.0/0024", "x/8", "10.1.2.0/24/1" };
	for (size_t i = 0; i < ARRAY_SIZE(bad_cidrs); i++)
		if (net_cidr_parse(&c, bad_cidrs[i], "subnet", &err) != BERTH_EINVAL)
			fail_msg("\"%s\" passed as a subnet", bad_cidrs[i]);
	berth_error_clear(&err);
}

static void test_names(void **state)
{
	(void)state;
	const char *good[] = { "n", "berth-t-1.net_2", "A9", "0abc" };
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(net_name_ok(good[i], 128));
	const char *bad[] = { "", "-n", ".n", "_n", "a b", "a/b", "a:b", "é", "a\n" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (net_name_ok(bad[i], 128))
			fail_msg("\"%s\" passed as a name", bad[i]);
	assert_false(net_name_ok(NULL, 128));
	assert_true(net_name_ok("abc", 3));
	assert_false(net_name_ok("abcd", 3));
}

static const char DOCKER_INSPECT[] =
	"{\"Name\":\"web\",\"Id\":\"0123456789abcdef0123\",\"Created\":\"2026-12-06T09:30:00.1Z\",\"Scope\":\"local\","
	"\"Driver\":\"bridge\",\"EnableIPv6\":false,\"IPAM\":{\"Driver\":\"default\",\"Options\":{},\"Config\":"
	"[{\"Subnet\":\"10.89.7.0/24\",\"Gateway\":\"10.89.7.1\"},{\"Subnet\":\"fd00::/64\"},{\"Gateway\":\"x\"}]},"
	"\"Internal\":true,\"Containers\":{\"bbb\":{\"Name\":\"zeta\",\"IPv4Address\":\"10.89.7.3/24\","
	"\"IPv6Address\":\"\"},\"aaa\":{\"Name\":\"alpha\",\"IPv4Address\":\"10.89.7.2/24\"},\"ccc\":7},"
	"\"Options\":{},\"Labels\":{\"b\":\"2\",\"a\":\"1\",\"n\":3}}";

static void test_records(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	berth_network_info *n = NULL;
	assert_ok(network_info_parse(&n, S(DOCKER_INSPECT), &err), &err);
	assert_string_equal(berth_network_info_name(n), "web");
	assert_string_equal(berth_network_info_id(n), "0123456789abcdef0123");
	assert_string_equal(berth_network_info_driver(n), "bridge");
	assert_string_equal(berth_network_info_scope(n), "local");
	assert_string_equal(berth_network_info_created(n), "2026-12-06T09:30:00.1Z");
	assert_true(berth_network_info_internal(n));
	assert_int_equal(berth_network_info_subnet_count(n), 2);
	assert_string_equal(berth_network_info_subnet(n, 0), "10.89.7.0/24");
	assert_string_equal(berth_network_info_gateway(n, 0), "10.89.7.1");
	assert_string_equal(berth_network_info_gateway(n, 1), "");
	assert_null(berth_network_info_subnet(n, 2));
	assert_int_equal(berth_network_info_label_count(n), 2);
	assert_string_equal(berth_network_info_label_key(n, 0), "a");
	assert_string_equal(berth_network_info_label(n, "b"), "2");
	assert_null(berth_network_info_label(n, "n"));
	assert_int_equal(berth_network_info_container_count(n), 2);
	assert_string_equal(berth_network_info_container_name(n, 0), "alpha");
	assert_string_equal(berth_network_info_container_id(n, 0), "aaa");
	assert_string_equal(berth_network_info_container_ipv4(n, 0), "10.89.7.2/24");
	assert_string_equal(berth_network_info_container_ipv6(n, 0), "");
	assert_string_equal(berth_network_info_container_name(n, 1), "zeta");
	assert_null(berth_network_info_container_name(n, 2));
	assert_non_null(strstr(berth_network_info_raw_json(n), "\"zeta\""));
	berth_network_info_free(n);

	/* Podman's compat shape: null labels, no containers, no gateway */
	n = NULL;
	assert_ok(network_info_parse(&n, S("{\"Name\":\"p\",\"Id\":\"1\",\"Labels\":null,\"IPAM\":{\"Config\":null},"
					   "\"Containers\":{}}"), &err), &err);
	assert_int_equal(berth_network_info_subnet_count(n), 0);
	assert_int_equal(berth_network_info_container_count(n), 0);
	assert_false(berth_network_info_internal(n));
	assert_string_equal(berth_network_info_driver(n), "");
	berth_network_info_free(n);

	const char *bad[] = { "", "[]", "{\"Name\":\"x\"}", "{\"Id\":\"1\",\"Name\":2}", "{", "null" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		n = NULL;
		assert_code(network_info_parse(&n, bad[i], strlen(bad[i]), &err), BERTH_EPROTOCOL, &err);
		assert_null(n);
	}

	berth_network_list *l = NULL;
	assert_ok(network_list_parse(&l, S("[{\"Name\":\"z\",\"Id\":\"2\"},7,{\"Name\":\"none\"},"
					   "{\"Name\":\"b\",\"Id\":\"1\",\"Driver\":\"bridge\"}]"), &err), &err);
	assert_int_equal(berth_network_list_count(l), 2);
	assert_string_equal(berth_network_info_name(berth_network_list_at(l, 0)), "b");
	assert_string_equal(berth_network_info_driver(berth_network_list_at(l, 0)), "bridge");
	assert_string_equal(berth_network_info_name(berth_network_list_at(l, 1)), "z");
	assert_null(berth_network_list_at(l, 2));
	berth_network_list_free(l);
	l = NULL;
	assert_code(network_list_parse(&l, S("{}"), &err), BERTH_EPROTOCOL, &err);
	assert_null(l);

	berth_prune_result *p = NULL;
	assert_ok(network_prune_parse(&p, S("{\"NetworksDeleted\":[\"a\",\"b\"]}"), &err), &err);
	assert_int_equal(berth_prune_result_count(p), 2);
	assert_string_equal(berth_prune_result_id(p, 1), "b");
	berth_prune_result_free(p);
	p = NULL;
	assert_ok(network_prune_parse(&p, S("{\"NetworksDeleted\":null}"), &err), &err);
	assert_int_equal(berth_prune_result_count(p), 0);
	berth_prune_result_free(p);
	p = NULL;
	assert_code(network_prune_parse(&p, S("{\"NetworksDeleted\":3}"), &err), BERTH_EPROTOCOL, &err);
	assert_code(network_prune_parse(&p, S("[]"), &err), BERTH_EPROTOCOL, &err);
	assert_null(p);
	berth_network_info_free(NULL);
	berth_network_list_free(NULL);
	assert_int_equal(berth_network_list_count(NULL), 0);
	assert_null(berth_network_info_name(NULL));
}

/* ---- the entry points, with a backend that records what reached it ----------------- */

static strv seen_labels;
static int calls;

static int fake_create(char **out_id, struct berth_client *c, const char *name, const berth_network_create_options *o,
		       berth_error *err)
{
	(void)c, (void)name, (void)err;
	calls++;
	strv_release(&seen_labels);
	for (size_t i = 0; i < o->label_count; i++)
		strv_push(&seen_labels, o->labels[i]);
	if (out_id)
		*out_id = strdup("id1");
	return 0;
}

static int fake_inspect(berth_network_info **out, struct berth_client *c, const char *name, berth_error *err)
{
	(void)c;
	calls++;
	if (STREQ(name, "busy"))
		return network_info_parse(out, S(DOCKER_INSPECT), err);
	return network_info_parse(out, S("{\"Name\":\"idle\",\"Id\":\"9\"}"), err);
}

static int fake_remove(struct berth_client *c, const char *name, berth_error *err)
{
	(void)c, (void)name, (void)err;
	calls++;
	return 0;
}

static const berth_engine_ops fake_ops = {
	.name = "fake",
	.network_create = fake_create,
	.network_inspect = fake_inspect,
	.network_remove = fake_remove,
};

static void test_entry_points(void **state)
{
	(void)state;
	struct berth_client c = { .engine = BERTH_ENGINE_DOCKER, .ops = &fake_ops, .owner = (char *)"sup" };
	berth_error err = BERTH_ERROR_INIT;
	char *id = NULL;
	berth_network_create_options o = BERTH_NETWORK_CREATE_OPTIONS_INIT;
	const char *labels[] = { "io.berth.test.run=x", "plain" };
	o.labels = labels;
	o.label_count = 2;
	o.subnet = "10.89.7.0/24";
	o.gateway = "10.89.7.254";
	assert_ok(berth_network_create(&id, &c, "n1", &o, &err), &err);
	assert_string_equal(id, "id1");
	berth_free(id);
	assert_int_equal(seen_labels.len, 4);
	assert_string_equal(seen_labels.items[2], BERTH_LABEL_MANAGED "=true");
	assert_string_equal(seen_labels.items[3], BERTH_LABEL_OWNER "=sup");
	c.owner = NULL;
	assert_ok(berth_network_create(NULL, &c, "n1", NULL, &err), &err);
	assert_int_equal(seen_labels.len, 1);

	/* refused before any request */
	calls = 0;
	const char *bad_names[] = { "", "bridge", "host", "none", "default", "-x", "a b", "a/b" };
	for (size_t i = 0; i < ARRAY_SIZE(bad_names); i++)
		assert_code(berth_network_create(NULL, &c, bad_names[i], NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_network_create(NULL, &c, NULL, NULL, &err), BERTH_EINVAL, &err);
	o = (berth_network_create_options)BERTH_NETWORK_CREATE_OPTIONS_INIT;
	o.driver = "macvlan";
	assert_code(berth_network_create(NULL, &c, "n", &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "macvlan");
	o.driver = "bridge";
	o.subnet = "10.89.7.1/24";
	assert_code(berth_network_create(NULL, &c, "n", &o, &err), BERTH_EINVAL, &err);
	o.subnet = NULL;
	o.gateway = "10.89.7.1";
	assert_code(berth_network_create(NULL, &c, "n", &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "needs a subnet");
	o.subnet = "10.89.7.0/24";
	o.gateway = "10.89.8.1";
	assert_code(berth_network_create(NULL, &c, "n", &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "not in subnet");
	o.gateway = "fd00::1";
	assert_code(berth_network_create(NULL, &c, "n", &o, &err), BERTH_EINVAL, &err);
	o.gateway = NULL;
	const char *own[] = { BERTH_LABEL_OWNER "=me" }, *empty[] = { "=v" }, *ctl[] = { "a=b\nc" };
	o.labels = own;
	o.label_count = 1;
	assert_code(berth_network_create(NULL, &c, "n", &o, &err), BERTH_EINVAL, &err);
	o.labels = empty;
	assert_code(berth_network_create(NULL, &c, "n", &o, &err), BERTH_EINVAL, &err);
	o.labels = ctl;
	assert_code(berth_network_create(NULL, &c, "n", &o, &err), BERTH_EINVAL, &err);
	o.labels = NULL;
	assert_code(berth_network_create(NULL, &c, "n", &o, &err), BERTH_EINVAL, &err);
	o = (berth_network_create_options)BERTH_NETWORK_CREATE_OPTIONS_INIT;
	o.version = 7;
	assert_code(berth_network_create(NULL, &c, "n", &o, &err), BERTH_EINVAL, &err);
	berth_network_connect_options co = BERTH_NETWORK_CONNECT_OPTIONS_INIT;
	const char *aliases[] = { "good", "bad alias" };
	co.aliases = aliases;
	co.alias_count = 2;
	assert_code(berth_network_connect(&c, "n", "c", &co, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "bad alias");
	assert_code(berth_network_connect(&c, "n", "", NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_network_disconnect(&c, "", "c", 0, &err), BERTH_EINVAL, &err);
	assert_code(berth_network_remove(&c, "a b", &err), BERTH_EINVAL, &err);
	const char *filters[] = { "" };
	berth_network_prune_options po = BERTH_NETWORK_PRUNE_OPTIONS_INIT;
	po.labels = filters;
	po.label_count = 1;
	assert_code(berth_network_prune(NULL, &c, &po, &err), BERTH_EINVAL, &err);
	berth_network_list *l = NULL;
	assert_code(berth_network_list_get(&l, &c, NULL, NULL), BERTH_EUNSUPPORTED, NULL);
	assert_int_equal(calls, 0);

	/* an op the backend lacks; remove of a network in use names its containers */
	co.alias_count = 1;
	assert_code(berth_network_connect(&c, "n", "c", &co, &err), BERTH_EUNSUPPORTED, &err);
	assert_code(berth_network_remove(&c, "busy", &err), BERTH_ECONFLICT, &err);
	assert_message_has(&err, "alpha, zeta");
	assert_int_equal(calls, 1);
	assert_ok(berth_network_remove(&c, "idle", &err), &err);
	assert_int_equal(calls, 3);
	strv_release(&seen_labels);
	berth_error_clear(&err);
}

/* ---- the spec's aliases ---------------------------------------------------------------- */

static void test_spec_aliases(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *s = NULL;
	assert_ok(berth_spec_new(&s, "busybox", &err), &err);
	assert_code(berth_spec_add_network_alias(s, "no way", &err), BERTH_EINVAL, &err);
	assert_code(berth_spec_add_network_alias(s, "", &err), BERTH_EINVAL, &err);
	assert_ok(berth_spec_add_network_alias(s, "web", &err), &err);
	assert_ok(berth_spec_add_network_alias(s, "web", &err), &err);
	assert_ok(berth_spec_add_network_alias(s, "www.local", &err), &err);
	/* aliases need a user network */
	assert_code(spec_check(s, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "user network");
	assert_ok(berth_spec_set_network_mode(s, "bridge", &err), &err);
	assert_code(spec_check(s, &err), BERTH_EINVAL, &err);
	assert_ok(berth_spec_set_network_mode(s, "berth-net", &err), &err);
	assert_ok(spec_check(s, &err), &err);
	json_t *body = NULL;
	assert_ok(spec_docker_body(&body, s, NULL, NULL, "20.10.24", &err), &err);
	json_t *a = json_object_get(
		json_object_get(json_object_get(json_object_get(body, "NetworkingConfig"), "EndpointsConfig"), "berth-net"),
		"Aliases");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_array_get(a, 0)), "web");
	assert_string_equal(json_string_value(json_array_get(a, 1)), "www.local");
	assert_string_equal(json_string_value(json_object_get(json_object_get(body, "HostConfig"), "NetworkMode")),
			    "berth-net");
	json_decref(body);
	/* the aliases are part of what the spec hash covers */
	char with[65], without[65];
	assert_ok(berth_spec_hash(with, s, &err), &err);
	berth_spec *t = NULL;
	assert_ok(berth_spec_new(&t, "busybox", &err), &err);
	assert_ok(berth_spec_set_network_mode(t, "berth-net", &err), &err);
	assert_ok(berth_spec_hash(without, t, &err), &err);
	assert_string_not_equal(with, without);
	berth_spec_free(t);
	berth_spec_free(s);
}

/* ---- the requests, against a fake engine ------------------------------------------------ */

/* "HTTP/1.1 <status>" with a JSON body (static storage, one per slot). */
static const char *reply(int slot, const char *status, const char *body)
{
	static char buf[8][512];
	snprintf(buf[slot], sizeof buf[slot], "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
		 status, strlen(body), body);
	return buf[slot];
}

static void assert_sent(fake_server *fs, const char *needle)
{
	const char *req = fake_last_request(fs);
	if (!strstr(req, needle))
		fail_msg("the request lacks \"%s\":\n%s", needle, req);
}

static void test_requests_docker(void **state)
{
	(void)state;
	berth_client *c = NULL;
	fake_reply rest[] = {
		{ reply(0, "201 Created", "{\"Id\":\"abc\",\"Warning\":\"\"}") },
		{ reply(1, "200 OK", "\"OK\"") },
		{ reply(2, "500 Internal Server Error",
			"{\"message\":\"container x is not connected to network n\"}") },
		{ reply(3, "403 Forbidden",
			"{\"message\":\"endpoint with name x already exists in network n\"}") },
		{ reply(4, "409 Conflict", "{\"message\":\"network with name n already exists\"}") },
		{ reply(5, "200 OK", "{\"NetworksDeleted\":[\"n1\"]}") },
	};
	fake_server *fs = fake_engine_start(&c, FAKE_DOCKER_PING, rest, ARRAY_SIZE(rest));
	berth_error err = BERTH_ERROR_INIT;
	berth_network_create_options o = BERTH_NETWORK_CREATE_OPTIONS_INIT;
	o.subnet = "10.89.7.0/24";
	o.gateway = "10.89.7.1";
	o.internal = 1;
	const char *labels[] = { "k=v" };
	o.labels = labels;
	o.label_count = 1;
	char *id = NULL;
	assert_ok(berth_network_create(&id, c, "n", &o, &err), &err);
	assert_string_equal(id, "abc");
	berth_free(id);
	assert_sent(fs, "POST /v1.41/networks/create ");
	assert_sent(fs, "\"Subnet\":\"10.89.7.0/24\"");
	assert_sent(fs, "\"Gateway\":\"10.89.7.1\"");
	assert_sent(fs, "\"Internal\":true");
	assert_sent(fs, "\"k\":\"v\"");
	assert_sent(fs, "\"io.berth.managed\":\"true\"");
	assert_sent(fs, "\"Driver\":\"bridge\"");
	const char *aliases[] = { "a1", "a2" };
	berth_network_connect_options co = BERTH_NETWORK_CONNECT_OPTIONS_INIT;
	co.aliases = aliases;
	co.alias_count = 2;
	assert_ok(berth_network_connect(c, "n", "x", &co, &err), &err);
	assert_sent(fs, "POST /v1.41/networks/n/connect ");
	assert_sent(fs, "\"Aliases\":[\"a1\",\"a2\"]");
	assert_sent(fs, "\"Container\":\"x\"");
	assert_code(berth_network_disconnect(c, "n", "x", 1, &err), BERTH_ECONFLICT, &err);
	assert_sent(fs, "\"Force\":true");
	assert_code(berth_network_connect(c, "n", "x", NULL, &err), BERTH_EALREADY, &err);
	assert_code(berth_network_create(NULL, c, "n", NULL, &err), BERTH_EEXISTS, &err);
	const char *filters[] = { "io.berth.test.run=1" };
	berth_network_prune_options po = BERTH_NETWORK_PRUNE_OPTIONS_INIT;
	po.labels = filters;
	po.label_count = 1;
	berth_prune_result *p = NULL;
	assert_ok(berth_network_prune(&p, c, &po, &err), &err);
	assert_sent(fs, "POST /v1.41/networks/prune?filters=");
	assert_int_equal(berth_prune_result_count(p), 1);
	assert_string_equal(berth_prune_result_id(p, 0), "n1");
	berth_prune_result_free(p);
	fake_engine_stop(&fs, &c);
}

static void test_requests_podman(void **state)
{
	(void)state;
	berth_client *c = NULL;
	fake_reply rest[] = {
		{ reply(0, "500 Internal Server Error",
			"{\"message\":\"container x is already connected to network n: network is already connected\"}") },
		{ reply(1, "409 Conflict", "{\"message\":\"network name n already used: network already exists\"}") },
		{ reply(2, "500 Internal Server Error",
			"{\"message\":\"subnet 10.89.7.0/24 is already used on the host or by another config\"}") },
		{ reply(3, "200 OK", "{\"Name\":\"n\",\"Id\":\"1\",\"Containers\":{}}") },
		{ reply(4, "500 Internal Server Error", "{\"message\":\"network is being used\"}") },
	};
	fake_server *fs = fake_engine_start(&c, FAKE_PODMAN_PING, rest, ARRAY_SIZE(rest));
	berth_error err = BERTH_ERROR_INIT;
	assert_code(berth_network_connect(c, "n", "x", NULL, &err), BERTH_EALREADY, &err);
	assert_code(berth_network_create(NULL, c, "n", NULL, &err), BERTH_EEXISTS, &err);
	berth_network_create_options o = BERTH_NETWORK_CREATE_OPTIONS_INIT;
	o.subnet = "10.89.7.0/24";
	assert_code(berth_network_create(NULL, c, "m", &o, &err), BERTH_ECONFLICT, &err);
	/* a member the compat inspect does not list (created, not running) */
	assert_code(berth_network_remove(c, "n", &err), BERTH_ECONFLICT, &err);
	assert_sent(fs, "DELETE /v1.41/networks/n ");
	fake_engine_stop(&fs, &c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),    cmocka_unit_test(test_names),
		cmocka_unit_test(test_records),      cmocka_unit_test(test_entry_points),
		cmocka_unit_test(test_spec_aliases),     cmocka_unit_test(test_requests_docker),
		cmocka_unit_test(test_requests_podman),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
