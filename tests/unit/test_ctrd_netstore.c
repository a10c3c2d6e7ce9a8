/* berth's network store for containerd (ctrd_netstore.c) in a scratch
 * directory, without containerd or CNI: networks made with a given and a
 * picked subnet, their records (Docker's object: id, subnet, gateway,
 * internal, labels) and conflists, a taken name, an overlapping subnet,
 * lookups by name, id and id prefix, the list in order, the CNI
 * definition, removal. */
#include "../common/scratch.h"
#include "../common/test.h"
#include "lib/engines/containerd/ctrd_netstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char root[64];

static int setup(void **state)
{
	(void)state;
	if (scratch_make(root, sizeof root, "netstore") < 0)
		return -1;
	setenv("BERTH_CONTAINERD_NETWORK_DIR", root, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return scratch_remove(root);
}

static void test_store(void **state)
{
	(void)state;
	struct berth_client c = { .ns = (char *)"unit" };
	berth_error err = BERTH_ERROR_INIT;
	const char *labels[] = { "tier=db", "io.berth.managed=true" };
	berth_network_create_options o = BERTH_NETWORK_CREATE_OPTIONS_INIT;
	o.subnet = "10.91.7.0/24";
	o.internal = 1;
	o.labels = labels;
	o.label_count = 2;
	char *id = NULL;
	assert_ok(ctrd_netstore_create(&id, &c, "back", &o, &err), &err);
	assert_int_equal(strlen(id), 64);
	char path[200];
	snprintf(path, sizeof path, "%s/unit/back.conflist", root);
	assert_int_equal(access(path, R_OK), 0);

	/* the name again; a subnet inside the first; an IPv6 one */
	assert_code(ctrd_netstore_create(NULL, &c, "back", &o, &err), BERTH_EEXISTS, &err);
	o.subnet = "10.91.0.0/16";
	assert_code(ctrd_netstore_create(NULL, &c, "other", &o, &err), BERTH_ECONFLICT, &err);
	assert_message_has(&err, "10.91.7.0/24");
	o.subnet = "fd00:1::/64";
	assert_code(ctrd_netstore_create(NULL, &c, "other", &o, &err), BERTH_EUNSUPPORTED, &err);
	/* picked: a 10.90.N.0/24 none of the others has */
	berth_network_create_options plain = BERTH_NETWORK_CREATE_OPTIONS_INIT;
	char *id2 = NULL;
	assert_ok(ctrd_netstore_create(&id2, &c, "alpha", &plain, &err), &err);

	berth_network_info *n = NULL;
	assert_ok(ctrd_netstore_get(&n, &c, "back", &err), &err);
	assert_string_equal(n->id, id);
	assert_string_equal(n->driver, "bridge");
	assert_true(n->internal);
	assert_string_equal(n->subnets.items[0], "10.91.7.0/24");
	assert_string_equal(n->gateways.items[0], "10.91.7.1");
	assert_string_equal(berth_network_info_label(n, "tier"), "db");
	assert_true(strlen(n->created) >= 20);
	cni_netdef d;
	assert_ok(ctrd_netstore_def(&d, n, &err), &err);
	assert_true(d.internal);
	assert_int_equal(strncmp(d.bridge, "bn-", 3), 0);
	assert_int_equal(strncmp(d.bridge + 3, id, 12), 0);
	berth_network_info_free(n);
	n = NULL;
	assert_ok(ctrd_netstore_get(&n, &c, id2, &err), &err);
	assert_string_equal(n->name, "alpha");
	assert_int_equal(strncmp(n->subnets.items[0], "10.90.", 6), 0);
	assert_true(ctrd_cni_subnets_overlap(n->subnets.items[0], "10.90.0.0/16"));
	berth_network_info_free(n);
	char prefix[13];
	snprintf(prefix, sizeof prefix, "%.12s", id);
	n = NULL;
	assert_ok(ctrd_netstore_get(&n, &c, prefix, &err), &err);
	assert_string_equal(n->name, "back");
	berth_network_info_free(n);
	n = NULL;
	assert_code(ctrd_netstore_get(&n, &c, "absent", &err), BERTH_ENOTFOUND, &err);
	assert_null(n);

	berth_network_list *l = NULL;
	assert_ok(ctrd_netstore_list(&l, &c, &err), &err);
	assert_int_equal(l->len, 2);
	assert_string_equal(l->items[0].name, "alpha");
	assert_string_equal(l->items[1].name, "back");
	assert_ok(ctrd_netstore_remove(&c, &l->items[1], &err), &err);
	assert_code(ctrd_netstore_remove(&c, &l->items[1], &err), BERTH_ENOTFOUND, &err);
	assert_int_equal(access(path, F_OK), -1);
	berth_network_list_free(l);
	/* another namespace sees none of them */
	struct berth_client c2 = { .ns = (char *)"other" };
	l = NULL;
	assert_ok(ctrd_netstore_list(&l, &c2, &err), &err);
	assert_int_equal(l->len, 0);
	berth_network_list_free(l);
	free(id);
	free(id2);
	berth_error_clear(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
