/* A search's answers (parse/image_json.c): Docker's and Podman's
 * /images/search, and a registry's /v2/_catalog as berth reads it for
 * containerd; malformed ones. */
#include "../common/test.h"

#include "lib/parse/image_json.h"

#define S(s) s, sizeof(s) - 1

static void test_engine_answers(void **state)
{
	(void)state;
	berth_search_result *r = calloc(1, sizeof *r);
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(image_search_parse(r, S("[{\"star_count\":11,\"is_official\":true,\"name\":\"redis\",\"is_automated\":false,"
					  "\"description\":\"Redis is an open source key-value store\"}]"), &err), &err);
	assert_ok(image_search_parse(r, S("[{\"Index\":\"127.0.0.1:5000\",\"Name\":\"127.0.0.1:5000/a/b\",\"Description\":\"\","
					  "\"Stars\":2,\"Official\":\"[OK]\",\"Automated\":\"\",\"Tag\":\"\"}]"), &err), &err);
	assert_int_equal(berth_search_result_count(r), 2);
	assert_string_equal(berth_search_result_name(r, 0), "redis");
	assert_string_equal(berth_search_result_description(r, 0), "Redis is an open source key-value store");
	assert_int_equal(berth_search_result_stars(r, 0), 11);
	assert_true(berth_search_result_official(r, 0));
	assert_false(berth_search_result_automated(r, 0));
	assert_string_equal(berth_search_result_name(r, 1), "127.0.0.1:5000/a/b");
	assert_int_equal(berth_search_result_stars(r, 1), 2);
	assert_true(berth_search_result_official(r, 1));
	assert_false(berth_search_result_automated(r, 1));
	assert_null(berth_search_result_name(r, 2));
	assert_code(image_search_parse(r, S("{}"), &err), BERTH_EPROTOCOL, &err);
	assert_code(image_search_parse(r, S("[{\"description\":\"no name\"}]"), &err), BERTH_EPROTOCOL, &err);
	assert_code(image_search_parse(r, S("[1]"), &err), BERTH_EPROTOCOL, &err);
	assert_code(image_search_parse(r, S("[{\"name\""), &err), BERTH_EPROTOCOL, &err);
	berth_search_result_free(r);
}

static void test_catalog(void **state)
{
	(void)state;
	berth_search_result *r = calloc(1, sizeof *r);
	berth_error err = BERTH_ERROR_INIT;
	static const char cat[] = "{\"repositories\":[\"berth-test/busybox\",\"x/redis\",\"berth-test/public/busybox\"]}";
	assert_ok(registry_catalog_parse(r, S(cat), "127.0.0.1:5000", "busybox", 25, &err), &err);
	assert_int_equal(berth_search_result_count(r), 2);
	assert_string_equal(berth_search_result_name(r, 0), "127.0.0.1:5000/berth-test/busybox");
	assert_string_equal(berth_search_result_name(r, 1), "127.0.0.1:5000/berth-test/public/busybox");
	assert_string_equal(berth_search_result_description(r, 1), "");
	berth_search_result_free(r);
	r = calloc(1, sizeof *r);
	assert_ok(registry_catalog_parse(r, S(cat), "h", "", 2, &err), &err);
	assert_int_equal(berth_search_result_count(r), 2); /* the limit */
	assert_ok(registry_catalog_parse(r, S("{}"), "h", "", 25, &err), &err); /* an empty registry */
	assert_code(registry_catalog_parse(r, S("{\"repositories\":[1]}"), "h", "", 25, &err), BERTH_EPROTOCOL, &err);
	assert_code(registry_catalog_parse(r, S("{\"repositories\":{}}"), "h", "", 25, &err), BERTH_EPROTOCOL, &err);
	assert_code(registry_catalog_parse(r, S("[]"), "h", "", 25, &err), BERTH_EPROTOCOL, &err);
	berth_search_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_answers),
		cmocka_unit_test(test_catalog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
