/* berth's volume store for containerd (ctrd_volstore.c) in a scratch
 * directory, without containerd: a named and a random volume made whole,
 * made again (the first kept), listed in order, read, removed; a bind's
 * device as the mountpoint and left alone by the removal; what the local
 * driver cannot do refused. */
#include "../common/scratch.h"
#include "../common/test.h"
#include "lib/engines/containerd/ctrd_volstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

static int setup(void **state)
{
	(void)state;
	if (scratch_make(root, sizeof root, "volstore") < 0)
		return -1;
	setenv("BERTH_CONTAINERD_VOLUME_DIR", root, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return scratch_remove(root);
}

static volume_request request(const char *name)
{
	volume_request q = { name, "local", STRV_INIT, STRV_INIT, STRV_INIT, STRV_INIT };
	return q;
}

static void release(volume_request *q)
{
	strv_release(&q->opt_keys);
	strv_release(&q->opt_values);
	strv_release(&q->label_keys);
	strv_release(&q->label_values);
}

static void test_store(void **state)
{
	(void)state;
	struct berth_client c = { .ns = (char *)"unit" };
	berth_error err = BERTH_ERROR_INIT;
	volume_request q = request("data");
	assert_int_equal(labels_set(&q.label_keys, &q.label_values, "tier", "db"), 0);
	berth_volume_info *v = NULL;
	bool made = false;
	assert_ok(ctrd_volstore_create(&v, &made, &c, &q, &err), &err);
	assert_true(made);
	char want[160];
	snprintf(want, sizeof want, "%s/unit/data/_data", root);
	assert_string_equal(berth_volume_info_mountpoint(v), want);
	assert_string_equal(berth_volume_info_label(v, "tier"), "db");
	assert_true(strlen(berth_volume_info_created(v)) == 20);
	struct stat st;
	assert_int_equal(stat(want, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	berth_volume_info_free(v);

	/* again, with other labels: the first is kept */
	volume_request q2 = request("data");
	assert_ok(ctrd_volstore_create(&v, &made, &c, &q2, &err), &err);
	assert_false(made);
	assert_string_equal(berth_volume_info_label(v, "tier"), "db");
	berth_volume_info_free(v);

	/* a name of berth's choosing */
	volume_request anon = request("");
	assert_ok(ctrd_volstore_create(&v, &made, &c, &anon, &err), &err);
	assert_int_equal(strlen(berth_volume_info_name(v)), 64);
	char anon_name[80];
	snprintf(anon_name, sizeof anon_name, "%s", berth_volume_info_name(v));
	berth_volume_info_free(v);

	berth_volume_list *l = NULL;
	assert_ok(ctrd_volstore_list(&l, &c, &err), &err);
	assert_int_equal(berth_volume_list_count(l), 2);
	/* sorted by name */
	const char *first = strcmp(anon_name, "data") < 0 ? anon_name : "data";
	assert_string_equal(berth_volume_info_name(berth_volume_list_at(l, 0)), first);
	assert_string_not_equal(berth_volume_info_name(berth_volume_list_at(l, 1)), first);
	berth_volume_list_free(l);

	/* another namespace sees none of them */
	struct berth_client other = { .ns = (char *)"elsewhere" };
	assert_ok(ctrd_volstore_list(&l, &other, &err), &err);
	assert_int_equal(berth_volume_list_count(l), 0);
	berth_volume_list_free(l);
	assert_code(ctrd_volstore_read(&v, &other, "data", &err), BERTH_ENOTFOUND, &err);
	assert_message_has(&err, "No such volume");

	assert_ok(ctrd_volstore_remove(&c, "data", &err), &err);
	assert_ok(ctrd_volstore_remove(&c, anon_name, &err), &err);
	assert_code(ctrd_volstore_remove(&c, "data", &err), BERTH_ENOTFOUND, &err);
	assert_int_equal(stat(want, &st), -1);
	assert_ok(ctrd_volstore_list(&l, &c, &err), &err);
	assert_int_equal(berth_volume_list_count(l), 0);
	berth_volume_list_free(l);
	release(&q);
	release(&q2);
}

static void test_bind(void **state)
{
	(void)state;
	struct berth_client c = { .ns = (char *)"unit" };
	berth_error err = BERTH_ERROR_INIT;
	char dev[96];
	snprintf(dev, sizeof dev, "%s/device", root);
	assert_int_equal(mkdir(dev, 0755), 0);
	char keep[128];
	snprintf(keep, sizeof keep, "%s/keep", dev);
	FILE *f = fopen(keep, "w");
	assert_non_null(f);
	fclose(f);
	volume_request q = request("bound");
	assert_int_equal(labels_set(&q.opt_keys, &q.opt_values, "type", "none"), 0);
	assert_int_equal(labels_set(&q.opt_keys, &q.opt_values, "o", "bind"), 0);
	assert_int_equal(labels_set(&q.opt_keys, &q.opt_values, "device", dev), 0);
	berth_volume_info *v = NULL;
	bool made;
	assert_ok(ctrd_volstore_create(&v, &made, &c, &q, &err), &err);
	assert_string_equal(berth_volume_info_mountpoint(v), dev);
	assert_int_equal(berth_volume_info_option_count(v), 3);
	berth_volume_info_free(v);
	assert_ok(ctrd_volstore_remove(&c, "bound", &err), &err);
	struct stat st;
	assert_int_equal(stat(keep, &st), 0);

	/* a device that is not there */
	assert_int_equal(labels_set(&q.opt_keys, &q.opt_values, "device", "/nonexistent/berth"), 0);
	assert_code(ctrd_volstore_create(&v, &made, &c, &q, &err), BERTH_EINVAL, &err);
	/* not a bind */
	assert_int_equal(labels_set(&q.opt_keys, &q.opt_values, "type", "tmpfs"), 0);
	assert_code(ctrd_volstore_create(&v, &made, &c, &q, &err), BERTH_EUNSUPPORTED, &err);
	/* an option the local driver has not */
	volume_request q2 = request("odd");
	assert_int_equal(labels_set(&q2.opt_keys, &q2.opt_values, "size", "1g"), 0);
	assert_code(ctrd_volstore_create(&v, &made, &c, &q2, &err), BERTH_EUNSUPPORTED, &err);
	assert_message_has(&err, "size");
	/* another driver */
	volume_request q3 = request("nfs");
	q3.driver = "nfs";
	assert_code(ctrd_volstore_create(&v, &made, &c, &q3, &err), BERTH_EUNSUPPORTED, &err);
	berth_volume_list *l = NULL;
	assert_ok(ctrd_volstore_list(&l, &c, &err), &err);
	assert_int_equal(berth_volume_list_count(l), 0);
	berth_volume_list_free(l);
	release(&q);
	release(&q2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_bind),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
