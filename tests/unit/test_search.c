/* A search's answers (parse/image_json.c): Docker's and Podman's
 * /images/search, and a registry's /v2/_catalog as berth reads it for
 * containerd; malformed ones. */
#include "../common/test.h"

#include "lib/parse/image_json.h"

#define S(s) s, sizeof(s) - 1

/* GET /images/json mapped as it is read: any split gives the same list. */
static void test_image_list(void **state)
{
	(void)state;
	static const char body[] =
		"[{\"Id\":\"sha256:aa\",\"RepoTags\":[\"busybox:latest\",\"<none>:<none>\",7],\"RepoDigests\":"
		"[\"busybox@sha256:dd\"],\"Size\":4200000,\"Created\":1795374917,\"Labels\":{\"b\":\"2\",\"a\":\"1\","
		"\"n\":5},\"Containers\":-1,\"VirtualSize\":9},"
		"3,"
		"{\"Id\":\"sha256:bb\",\"RepoTags\":null,\"Size\":1.5,\"Labels\":null,\"Id\":\"sha256:cc\"}]";
	berth_error err = BERTH_ERROR_INIT;
	size_t len = strlen(body);
	for (size_t cut = 0; cut <= len; cut++) {
		image_list_reader *p = NULL;
		berth_image_list *l = NULL;
		assert_int_equal(image_list_reader_new(&p), 0);
		assert_ok(image_list_reader_feed(p, body, cut, &err), &err);
		assert_ok(image_list_reader_feed(p, body + cut, len - cut, &err), &err);
		assert_ok(image_list_reader_finish(p, &l, &err), &err);
		image_list_reader_free(p);
		assert_int_equal(berth_image_list_count(l), 2); /* the 3 is no image */
		assert_string_equal(berth_image_list_id(l, 0), "sha256:aa");
		assert_int_equal(berth_image_list_tag_count(l, 0), 1);
		assert_string_equal(berth_image_list_tag(l, 0, 0), "busybox:latest");
		assert_string_equal(berth_image_list_digest(l, 0, 0), "busybox@sha256:dd");
		assert_int_equal(berth_image_list_size(l, 0), 4200000);
		assert_int_equal(berth_image_list_created(l, 0), 1795374917);
		assert_int_equal(berth_image_list_label_count(l, 0), 2);
		assert_string_equal(berth_image_list_label_key(l, 0, 0), "a");
		assert_string_equal(berth_image_list_id(l, 1), "sha256:cc");
		assert_int_equal(berth_image_list_tag_count(l, 1), 0);
		assert_int_equal(berth_image_list_size(l, 1), 0);
		berth_image_list_free(l);
	}
	berth_image_list *l = NULL;
	assert_code(image_list_parse(&l, "{}", 2, &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "not an array");
	assert_code(image_list_parse(&l, "[{\"Id\":", 7, &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "cut short");
	assert_code(image_list_parse(&l, "", 0, &err), BERTH_EPROTOCOL, &err);
	assert_null(l);
}

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

static void test_tags(void **state)
{
	(void)state;
	strv t = STRV_INIT;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(registry_tags_parse(&t, S("{\"name\":\"a/b\",\"tags\":[\"1\",\"latest\"]}"), &err), &err);
	assert_int_equal(t.len, 2);
	assert_string_equal(t.items[1], "latest");
	assert_ok(registry_tags_parse(&t, S("{\"name\":\"a/b\",\"tags\":null}"), &err), &err);
	assert_int_equal(t.len, 2);
	assert_code(registry_tags_parse(&t, S("{\"tags\":[\"\"]}"), &err), BERTH_EPROTOCOL, &err);
	assert_code(registry_tags_parse(&t, S("{\"tags\":\"1\"}"), &err), BERTH_EPROTOCOL, &err);
	assert_code(registry_tags_parse(&t, S("[]"), &err), BERTH_EPROTOCOL, &err);
	strv_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_list),
		cmocka_unit_test(test_engine_answers),
		cmocka_unit_test(test_catalog),
		cmocka_unit_test(test_tags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
