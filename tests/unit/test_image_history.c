/* Image histories (parse/image_json.c): the Engine API's reply and the
 * one berth reads from an image config on containerd. */
#include "../common/test.h"

#include "lib/parse/image_json.h"

#define S(s) s, sizeof(s) - 1

static void test_engine_reply(void **state)
{
	(void)state;
	berth_image_history *h = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(image_history_parse(&h, S("[{\"Id\":\"sha256:b3\",\"Created\":1796522125,\"CreatedBy\":\"CMD sh\","
					     "\"Size\":0,\"Comment\":\"\",\"Tags\":[\"x:1\"]},"
					     "{\"Id\":\"<missing>\",\"Created\":1796522124,\"CreatedBy\":\"ADD file in /\","
					     "\"Size\":1984240,\"Comment\":\"c\"},{\"Size\":-5}]"), &err), &err);
	assert_int_equal(berth_image_history_count(h), 3);
	assert_string_equal(berth_image_history_id(h, 0), "sha256:b3");
	assert_string_equal(berth_image_history_created_by(h, 0), "CMD sh");
	assert_true(berth_image_history_created(h, 0) == 1796522125);
	assert_true(berth_image_history_size(h, 1) == 1984240);
	assert_string_equal(berth_image_history_comment(h, 1), "c");
	/* missing fields: "<missing>", "", 0 */
	assert_string_equal(berth_image_history_id(h, 2), "<missing>");
	assert_true(berth_image_history_size(h, 2) == 0);
	assert_null(berth_image_history_id(h, 3));
	berth_image_history_free(h);
	assert_code(image_history_parse(&h, S("{}"), &err), BERTH_EPROTOCOL, &err);
	assert_code(image_history_parse(&h, S("[1]"), &err), BERTH_EPROTOCOL, &err);
	assert_code(image_history_parse(&h, S("[{"), &err), BERTH_EPROTOCOL, &err);
}

static void test_config(void **state)
{
	(void)state;
	static const char cfg[] =
		"{\"architecture\":\"amd64\",\"created\":\"2026-12-06T01:55:25Z\",\"history\":["
		"{\"created\":\"2026-12-06T01:55:24.5Z\",\"created_by\":\"ADD file in /\"},"
		"{\"created\":\"2026-12-06T01:55:25Z\",\"created_by\":\"ENV A=1\",\"empty_layer\":true},"
		"{\"created\":\"2026-12-06T01:55:25Z\",\"created_by\":\"RUN make\",\"comment\":\"built\"}]}";
	static const int64_t sizes[] = { 2125312, 4096 };
	berth_image_history *h = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(image_config_history(&h, S(cfg), sizes, 2, "sha256:top", &err), &err);
	assert_int_equal(berth_image_history_count(h), 3);
	/* newest first; each step that made a layer has its size */
	assert_string_equal(berth_image_history_id(h, 0), "sha256:top");
	assert_string_equal(berth_image_history_created_by(h, 0), "RUN make");
	assert_string_equal(berth_image_history_comment(h, 0), "built");
	assert_true(berth_image_history_size(h, 0) == 4096);
	assert_string_equal(berth_image_history_id(h, 1), "<missing>");
	assert_true(berth_image_history_size(h, 1) == 0);
	assert_true(berth_image_history_size(h, 2) == 2125312);
	assert_true(berth_image_history_created(h, 2) == 1796522124);
	berth_image_history_free(h);
	/* no history: a step per layer */
	assert_ok(image_config_history(&h, S("{\"created\":\"2026-12-06T01:55:25Z\"}"), sizes, 2, "sha256:top", &err), &err);
	assert_int_equal(berth_image_history_count(h), 2);
	assert_true(berth_image_history_size(h, 0) == 4096 && berth_image_history_size(h, 1) == 2125312);
	assert_true(berth_image_history_created(h, 0) == 1796522125);
	berth_image_history_free(h);
	/* more steps with layers than layers: sizes run out, nothing breaks */
	assert_ok(image_config_history(&h, S(cfg), sizes, 1, "sha256:top", &err), &err);
	assert_true(berth_image_history_size(h, 0) == 0);
	berth_image_history_free(h);
	assert_code(image_config_history(&h, S("[]"), sizes, 1, "t", &err), BERTH_EPROTOCOL, &err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_reply),
		cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
