/* Volume JSON (parse/volume_json.c): Docker's and Podman's volume object,
 * list and prune replies (compat and libpod shapes), the container list's
 * names, berth's own volume.json written and read back; malformed ones. */
#include "../common/test.h"

#include "lib/parse/volume_json.h"

#define S(s) s, sizeof(s) - 1

static void test_info(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	berth_volume_info *v = NULL;
	assert_ok(volume_info_parse(&v, S("{\"CreatedAt\":\"2026-12-06T09:00:00Z\",\"Driver\":\"local\","
					  "\"Labels\":{\"b\":\"2\",\"a\":\"1\"},\"Mountpoint\":\"/var/lib/docker/volumes/x/_data\","
					  "\"Name\":\"x1\",\"Options\":{\"type\":\"none\",\"o\":\"bind\",\"device\":\"/srv\"},"
					  "\"Scope\":\"local\"}"), &err), &err);
	assert_string_equal(berth_volume_info_name(v), "x1");
	assert_string_equal(berth_volume_info_driver(v), "local");
	assert_string_equal(berth_volume_info_mountpoint(v), "/var/lib/docker/volumes/x/_data");
	assert_string_equal(berth_volume_info_created(v), "2026-12-06T09:00:00Z");
	assert_int_equal(berth_volume_info_label_count(v), 2);
	assert_string_equal(berth_volume_info_label_key(v, 0), "a");
	assert_string_equal(berth_volume_info_label(v, "b"), "2");
	assert_null(berth_volume_info_label(v, "c"));
	assert_int_equal(berth_volume_info_option_count(v), 3);
	assert_string_equal(berth_volume_info_option_key(v, 0), "device");
	assert_string_equal(berth_volume_info_option_value(v, 0), "/srv");
	assert_int_equal(berth_volume_info_user_count(v), 0);
	assert_null(berth_volume_info_user(v, 0));
	assert_non_null(strstr(berth_volume_info_raw_json(v), "\"x1\""));

	/* written as berth's store keeps it, and read back */
	char *text = NULL;
	assert_ok(volume_json_format(&text, v, &err), &err);
	berth_volume_info *back = NULL;
	assert_ok(volume_info_parse(&back, text, strlen(text), &err), &err);
	assert_string_equal(berth_volume_info_name(back), "x1");
	assert_string_equal(berth_volume_info_option_value(back, 2), "none");
	assert_string_equal(berth_volume_info_label_value(back, 1), "2");
	free(text);
	berth_volume_info_free(back);
	berth_volume_info_free(v);

	/* Podman: null labels and options */
	assert_ok(volume_info_parse(&v, S("{\"Name\":\"p\",\"Driver\":\"local\",\"Labels\":null,\"Options\":null}"), &err),
		  &err);
	assert_int_equal(berth_volume_info_label_count(v), 0);
	assert_string_equal(berth_volume_info_mountpoint(v), "");
	berth_volume_info_free(v);

	assert_code(volume_info_parse(&v, S("[]"), &err), BERTH_EPROTOCOL, &err);
	assert_code(volume_info_parse(&v, S("{\"Name\":1}"), &err), BERTH_EPROTOCOL, &err);
	assert_code(volume_info_parse(&v, S("{\"Name\":"), &err), BERTH_EPROTOCOL, &err);
	berth_volume_info_free(NULL);
}

static void test_list(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	berth_volume_list *l = NULL;
	assert_ok(volume_list_parse(&l, S("{\"Volumes\":[{\"Name\":\"zz\",\"Driver\":\"local\"},7,"
					  "{\"Name\":\"aa\",\"Driver\":\"local\",\"Labels\":{\"k\":\"v\"}}],\"Warnings\":null}"),
				    &err), &err);
	assert_int_equal(berth_volume_list_count(l), 2);
	assert_string_equal(berth_volume_info_name(berth_volume_list_at(l, 0)), "aa");
	assert_string_equal(berth_volume_info_label(berth_volume_list_at(l, 0), "k"), "v");
	assert_string_equal(berth_volume_info_name(berth_volume_list_at(l, 1)), "zz");
	assert_null(berth_volume_list_at(l, 2));
	berth_volume_list_free(l);
	assert_ok(volume_list_parse(&l, S("{\"Volumes\":null,\"Warnings\":[]}"), &err), &err);
	assert_int_equal(berth_volume_list_count(l), 0);
	berth_volume_list_free(l);
	assert_ok(volume_list_parse(&l, S("[{\"Name\":\"libpod\"}]"), &err), &err);
	assert_int_equal(berth_volume_list_count(l), 1);
	berth_volume_list_free(l);
	assert_code(volume_list_parse(&l, S("{\"Volumes\":{}}"), &err), BERTH_EPROTOCOL, &err);
	assert_code(volume_list_parse(&l, S("\"x\""), &err), BERTH_EPROTOCOL, &err);
	assert_int_equal(berth_volume_list_count(NULL), 0);
	berth_volume_list_free(NULL);
}

static void test_prune(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	berth_prune_result *p = NULL;
	assert_ok(volume_prune_parse(&p, S("{\"VolumesDeleted\":[\"a\",\"b\"],\"SpaceReclaimed\":4096}"), &err), &err);
	assert_int_equal(berth_prune_result_count(p), 2);
	assert_string_equal(berth_prune_result_id(p, 1), "b");
	assert_int_equal(berth_prune_result_space_reclaimed(p), 4096);
	berth_prune_result_free(p);
	assert_ok(volume_prune_parse(&p, S("{\"VolumesDeleted\":null,\"SpaceReclaimed\":0}"), &err), &err);
	assert_int_equal(berth_prune_result_count(p), 0);
	berth_prune_result_free(p);
	/* libpod: failures are not removals */
	assert_ok(volume_prune_parse(&p, S("[{\"Id\":\"a\",\"Size\":10},{\"Id\":\"b\",\"Err\":\"in use\"},"
					   "{\"Id\":\"c\",\"Size\":5}]"), &err), &err);
	assert_int_equal(berth_prune_result_count(p), 2);
	assert_string_equal(berth_prune_result_id(p, 1), "c");
	assert_int_equal(berth_prune_result_space_reclaimed(p), 15);
	berth_prune_result_free(p);
	assert_code(volume_prune_parse(&p, S("{\"VolumesDeleted\":3}"), &err), BERTH_EPROTOCOL, &err);
	assert_code(volume_prune_parse(&p, S("3"), &err), BERTH_EPROTOCOL, &err);
}

static void test_users(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	strv u = STRV_INIT;
	assert_ok(volume_users_parse(&u, S("[{\"Id\":\"abc\",\"Names\":[\"/web\"]},{\"Id\":\"def\",\"Names\":[\"/db\"]},"
					   "{\"Id\":\"0123\"},{}]"), &err), &err);
	assert_int_equal(u.len, 3);
	assert_string_equal(u.items[0], "0123");
	assert_string_equal(u.items[1], "db");
	assert_string_equal(u.items[2], "web");
	assert_code(volume_users_parse(&u, S("{}"), &err), BERTH_EPROTOCOL, &err);
	strv_release(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_prune),
		cmocka_unit_test(test_users),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
