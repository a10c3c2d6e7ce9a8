/* Argument checks that happen before any request: image references,
 * container names, spec fields, option structs. */
#include "../common/test.h"

static void test_image_refs(void **state)
{
	(void)state;
	static const char *const good[] = {
		"busybox", "busybox:latest", "library/busybox", "docker.io/library/busybox:1.36",
		"localhost/berth-test/busybox:latest", "localhost:5000/a/b:tag", "127.0.0.1:5000/x",
		"my.registry.example/team/app_v2:1.0-rc.1", "a__b", "a-----b", "a.b_c",
		"busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"reg.io/x:tag@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"Registry.Example.COM/lower/path", "x:_tag",
	};
	static const char *const bad[] = {
		"", " busybox", "busy box", "BusyBox", "busybox:", "busybox:-tag", "-busybox", "busybox-",
		"a..b", "a___b", "/busybox", "busybox/", "a//b", "busybox@sha256:abc", "busybox@:0123",
		"localhost:abc/x", "localhost:123456/x", "-bad.host/x", "x\n", "x\ty", "reg.io:/x",
	};
	berth_error err = BERTH_ERROR_INIT;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		if (berth_validate_image_ref(good[i], &err) != 0)
			fail_msg("rejected valid image \"%s\": %s", good[i], err.message);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (berth_validate_image_ref(bad[i], &err) != BERTH_EINVAL)
			fail_msg("accepted invalid image \"%s\"", bad[i]);
		assert_message_has(&err, "image");
	}
	assert_code(berth_validate_image_ref(NULL, &err), BERTH_EINVAL, &err);
	char longref[700];
	memset(longref, 'a', sizeof longref - 1);
	longref[sizeof longref - 1] = '\0';
	assert_code(berth_validate_image_ref(longref, &err), BERTH_EINVAL, &err);
}

static void test_container_names(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	static const char *const good[] = { "ab", "web-1", "a.b_c-d", "0day", "X9" };
	static const char *const bad[] = { "", "a", "-ab", "_ab", ".ab", "a b", "a/b", "a:b", "é1", "ab\n" };
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		assert_ok(berth_validate_container_name(good[i], &err), &err);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (berth_validate_container_name(bad[i], &err) != BERTH_EINVAL)
			fail_msg("accepted invalid name \"%s\"", bad[i]);
		assert_message_has(&err, "name");
	}
	char longname[300];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_code(berth_validate_container_name(longname, &err), BERTH_EINVAL, &err);
}

static void test_spec(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *spec = (berth_spec *)0x1;
	assert_code(berth_spec_new(&spec, "Bad Image", &err), BERTH_EINVAL, &err);
	assert_ptr_equal(spec, (berth_spec *)0x1); /* outputs untouched on failure */
	assert_code(berth_spec_new(NULL, "busybox", &err), BERTH_EINVAL, &err);
	assert_ok(berth_spec_new(&spec, "busybox", &err), &err);
	assert_string_equal(berth_spec_image(spec), "busybox");
	assert_code(berth_spec_set_name(spec, "a", &err), BERTH_EINVAL, &err);
	assert_ok(berth_spec_set_name(spec, "good-name", &err), &err);
	assert_ok(berth_spec_set_name(spec, NULL, &err), &err);
	assert_code(berth_spec_add_env(spec, "", "v", &err), BERTH_EINVAL, &err);
	assert_code(berth_spec_add_env(spec, "A=B", "v", &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "env");
	assert_ok(berth_spec_add_env(spec, "A", "x=y", &err), &err);
	assert_ok(berth_spec_add_env(spec, "EMPTY", NULL, &err), &err);
	assert_code(berth_spec_add_label(spec, "", "v", &err), BERTH_EINVAL, &err);
	assert_code(berth_spec_add_label(spec, "io.berth.owner", "me", &err), BERTH_EINVAL, &err);
	assert_ok(berth_spec_add_label(spec, "k", "1", &err), &err);
	assert_ok(berth_spec_add_label(spec, "k", "2", &err), &err);
	const char *argv[] = { "sleep", "10" };
	assert_ok(berth_spec_set_cmd(spec, argv, 2, &err), &err);
	const char *nullarg[] = { "x", NULL };
	assert_code(berth_spec_set_cmd(spec, nullarg, 2, &err), BERTH_EINVAL, &err);
	assert_code(berth_spec_set_cmd(spec, NULL, 1, &err), BERTH_EINVAL, &err);
	assert_ok(berth_spec_set_cmd(spec, NULL, 0, &err), &err);
	berth_spec_free(spec);
	berth_spec_free(NULL);
}

/* Misuse of the API is BERTH_EINVAL with a message, never a crash. */
static void test_misuse(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	berth_client *c = NULL;
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.version = 99;
	assert_code(berth_client_open(&c, &o, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "version");
	o = (berth_client_options)BERTH_CLIENT_OPTIONS_INIT;
	o.engine = (berth_engine)42;
	assert_code(berth_client_open(&c, &o, &err), BERTH_EINVAL, &err);
	o.engine = BERTH_ENGINE_AUTO;
	o.host = "";
	assert_code(berth_client_open(&c, &o, &err), BERTH_EINVAL, &err);
	o.host = NULL;
	o.timeout_ms = -5;
	assert_code(berth_client_open(&c, &o, &err), BERTH_EINVAL, &err);
	assert_code(berth_client_open(NULL, NULL, &err), BERTH_EINVAL, &err);
	assert_null(c);
	assert_code(berth_ping(NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_start(NULL, "x", &err), BERTH_EINVAL, &err);
	assert_code(berth_container_inspect(NULL, NULL, "x", &err), BERTH_EINVAL, &err);
	berth_engine e;
	assert_code(berth_engine_from_name(&e, "dockerd", &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "dockerd");
	assert_ok(berth_engine_from_name(&e, "Podman", &err), &err);
	assert_int_equal(e, BERTH_ENGINE_PODMAN);
	assert_string_equal(berth_engine_name(BERTH_ENGINE_CONTAINERD), "containerd");
	assert_string_equal(berth_engine_name((berth_engine)9), "unknown");
	assert_string_equal(berth_state_name(BERTH_STATE_EXITED), "exited");
	assert_string_equal(berth_state_name((berth_state)99), "unknown");
	/* NULL-safe destructors and accessors */
	berth_client_free(NULL);
	berth_container_info_free(NULL);
	berth_container_list_free(NULL);
	berth_version_free(NULL);
	berth_info_free(NULL);
	assert_int_equal(berth_container_list_count(NULL), 0);
	assert_null(berth_container_info_label(NULL, "x"));
	/* a bad engine name in options of detect */
	berth_detect_options d = BERTH_DETECT_OPTIONS_INIT;
	berth_detection *det = NULL;
	d.engine = (berth_engine)7;
	assert_code(berth_detect(&det, &d, &err), BERTH_EINVAL, &err);
	assert_null(det);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_refs),
		cmocka_unit_test(test_container_names),
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_misuse),
	};
	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
