/* Image references (parse/imageref.c): Docker's grammar, normalization,
 * the familiar form, and the validator that shares the grammar. */
#include "../common/test.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

typedef struct good_ref {
	const char *text, *normalized, *familiar, *domain, *path, *tag, *digest;
} good_ref;

static const good_ref good[] = {
	{ "redis", "docker.io/library/redis:latest", "redis", "docker.io", "library/redis", "latest", "" },
	{ "redis:7", "docker.io/library/redis:7", "redis:7", "docker.io", "library/redis", "7", "" },
	{ "redis:latest", "docker.io/library/redis:latest", "redis", "docker.io", "library/redis", "latest", "" },
	{ "library/redis", "docker.io/library/redis:latest", "redis", "docker.io", "library/redis", "latest", "" },
	{ "docker.io/redis", "docker.io/library/redis:latest", "redis", "docker.io", "library/redis", "latest", "" },
	{ "index.docker.io/library/redis:6", "docker.io/library/redis:6", "redis:6", "docker.io", "library/redis", "6",
	  "" },
	{ "user/app:1.0", "docker.io/user/app:1.0", "user/app:1.0", "docker.io", "user/app", "1.0", "" },
	{ "docker.io/library/a/b", "docker.io/library/a/b:latest", "library/a/b", "docker.io", "library/a/b", "latest",
	  "" },
	/* a Hub path whose first part would read as a registry keeps its domain */
	{ "docker.io/foo.bar/x", "docker.io/foo.bar/x:latest", "docker.io/foo.bar/x", "docker.io", "foo.bar/x", "latest",
	  "" },
	{ "docker.io/localhost/x", "docker.io/localhost/x:latest", "docker.io/localhost/x", "docker.io", "localhost/x",
	  "latest", "" },
	{ "localhost:5000/a", "localhost:5000/a:latest", "localhost:5000/a", "localhost:5000", "a", "latest", "" },
	{ "localhost/a/b:t", "localhost/a/b:t", "localhost/a/b:t", "localhost", "a/b", "t", "" },
	/* no slash: "localhost" is the image and 5000 its tag */
	{ "localhost:5000", "docker.io/library/localhost:5000", "localhost:5000", "docker.io", "library/localhost", "5000",
	  "" },
	{ "127.0.0.1:5000/x", "127.0.0.1:5000/x:latest", "127.0.0.1:5000/x", "127.0.0.1:5000", "x", "latest", "" },
	{ "[::1]:5000/x:t", "[::1]:5000/x:t", "[::1]:5000/x:t", "[::1]:5000", "x", "t", "" },
	{ "Registry.Example.COM/lower/path", "Registry.Example.COM/lower/path:latest", "Registry.Example.COM/lower/path",
	  "Registry.Example.COM", "lower/path", "latest", "" },
	/* upper case in the first part makes it a registry */
	{ "UPPER/case", "UPPER/case:latest", "UPPER/case", "UPPER", "case", "latest", "" },
	{ "my.registry.example/team/app_v2:1.0-rc.1", "my.registry.example/team/app_v2:1.0-rc.1",
	  "my.registry.example/team/app_v2:1.0-rc.1", "my.registry.example", "team/app_v2", "1.0-rc.1", "" },
	{ "a__b", "docker.io/library/a__b:latest", "a__b", "docker.io", "library/a__b", "latest", "" },
	{ "a-----b.c_d", "docker.io/library/a-----b.c_d:latest", "a-----b.c_d", "docker.io", "library/a-----b.c_d",
	  "latest", "" },
	{ "x:_tag", "docker.io/library/x:_tag", "x:_tag", "docker.io", "library/x", "_tag", "" },
	{ "name@sha256:" HEX64, "docker.io/library/name@sha256:" HEX64, "name@sha256:" HEX64, "docker.io",
	  "library/name", "", "sha256:" HEX64 },
	{ "name:tag@sha256:" HEX64, "docker.io/library/name:tag@sha256:" HEX64, "name:tag@sha256:" HEX64, "docker.io",
	  "library/name", "tag", "sha256:" HEX64 },
	/* with a digest an explicit latest is no longer implied: it stays */
	{ "name:latest@sha256:" HEX64, "docker.io/library/name:latest@sha256:" HEX64, "name:latest@sha256:" HEX64,
	  "docker.io", "library/name", "latest", "sha256:" HEX64 },
	{ "r.io/x@sha512:" HEX64 HEX64, "r.io/x@sha512:" HEX64 HEX64, "r.io/x@sha512:" HEX64 HEX64, "r.io", "x", "",
	  "sha512:" HEX64 HEX64 },
	/* an official image named like a digest algorithm keeps "library/" */
	{ "library/sha256:aW", "docker.io/library/sha256:aW", "library/sha256:aW", "docker.io", "library/sha256", "aW",
	  "" },
	/* and one named like an image id (64 hex digits), found by fuzzing */
	{ "library/" HEX64, "docker.io/library/" HEX64 ":latest", "library/" HEX64, "docker.io", "library/" HEX64,
	  "latest", "" },
	/* a short hex string is a name like any other */
	{ "0123abcd", "docker.io/library/0123abcd:latest", "0123abcd", "docker.io", "library/0123abcd", "latest", "" },
};

static void check_good(const good_ref *g)
{
	berth_error err = BERTH_ERROR_INIT;
	berth_image_ref *r = NULL;
	if (berth_image_ref_parse(&r, g->text, &err) != 0)
		fail_msg("rejected \"%s\": %s", g->text, err.message);
	assert_string_equal(berth_image_ref_normalized(r), g->normalized);
	assert_string_equal(berth_image_ref_familiar(r), g->familiar);
	assert_string_equal(berth_image_ref_domain(r), g->domain);
	assert_string_equal(berth_image_ref_path(r), g->path);
	assert_string_equal(berth_image_ref_tag(r), g->tag);
	assert_string_equal(berth_image_ref_digest(r), g->digest);
	char name[300];
	snprintf(name, sizeof name, "%s/%s", g->domain, g->path);
	assert_string_equal(berth_image_ref_name(r), name);
	/* both forms parse back to the same reference */
	const char *forms[] = { berth_image_ref_normalized(r), berth_image_ref_familiar(r) };
	for (size_t i = 0; i < 2; i++) {
		berth_image_ref *again = NULL;
		assert_ok(berth_image_ref_parse(&again, forms[i], &err), &err);
		assert_string_equal(berth_image_ref_normalized(again), g->normalized);
		assert_string_equal(berth_image_ref_familiar(again), g->familiar);
		berth_image_ref_free(again);
	}
	assert_ok(berth_validate_image_ref(g->text, &err), &err);
	berth_image_ref_free(r);
}

static void test_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		check_good(&good[i]);
}

typedef struct bad_ref {
	const char *text, *why;
	int at;   /* -1: not checked */
} bad_ref;

static const bad_ref bad[] = {
	{ "", "empty reference", 0 },
	{ "Foo", "lower case", 0 },
	{ "a/B", "lower case", 2 },
	{ "localhost:5000/A", "lower case", 15 },
	{ "a//b", "empty path component", 2 },
	{ "/a", "empty path component", 0 },
	{ "a/", "empty path component", 2 },
	{ "a-", "ends with a letter or a digit", 1 },
	{ "-a", "starts with a letter or a digit", 0 },
	{ "a..b", "invalid separator", 1 },
	{ "a___b", "invalid separator", 1 },
	{ "a._b", "invalid separator", 1 },
	{ "a-.b", "invalid separator", 1 },
	{ "redis:", "empty tag", 6 },
	{ "redis:-x", "a tag starts with", 6 },
	{ "a:b:c", "invalid character in the tag", 3 },
	{ "a b", "white space", 1 },
	{ "a\n", "control character", 1 },
	{ "caf\xc3\xa9", "invalid character in the repository name", 3 },
	{ "sha256:" HEX64, "image id", 0 },
	{ HEX64, "image id", 0 },
	/* what starts as a digest is taken as one, not as a name and a tag */
	{ "sha256:012345", "64 hex digits", 7 },
	{ "sha512:" HEX64, "128 hex digits", 7 },
	{ "name@sha256:abc", "64 hex digits", 12 },
	{ "name@sha256:", "64 hex digits", 12 },
	{ "name@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "lower case", 22 },
	{ "name@md5:0123456789abcdef0123456789abcdef", "unsupported digest algorithm", 5 },
	{ "name@sha256", "algorithm:hex", 5 },
	{ "name@:" HEX64, "empty digest algorithm", 5 },
	{ "name@sha256:" HEX64 "@x", "invalid character in the digest", 76 },
	{ "@sha256:" HEX64, "no repository name", 0 },
	{ "localhost:99999/a", "1 to 65535", 9 },
	{ "localhost:123456/x", "1 to 65535", 9 },
	{ "localhost:abc/x", "a registry port is a number", 10 },
	{ "reg.io:/x", "1 to 65535", 6 },
	{ "-bad.host/x", "start and end with a letter or a digit", 0 },
	{ "bad-.host/x", "start and end with a letter or a digit", 3 },
	{ "a..host/x", "empty label", 2 },
	{ "re_g.io/x", "invalid character in the registry host", 2 },
	{ "[::1/x", "'[' without ']'", 4 },
	{ "[]:5000/x", "empty IPv6 address", 1 },
	{ "[::g]/x", "invalid character in an IPv6 address", 3 },
	{ "[::1]x.io/y", "':' and a port only", 5 },
};

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		berth_error err = BERTH_ERROR_INIT;
		berth_image_ref *r = (berth_image_ref *)0x1;
		if (berth_image_ref_parse(&r, bad[i].text, &err) != BERTH_EINVAL)
			fail_msg("accepted \"%s\"", bad[i].text);
		assert_ptr_equal(r, (berth_image_ref *)0x1); /* untouched on failure */
		assert_message_has(&err, "image reference");
		assert_message_has(&err, bad[i].why);
		if (bad[i].at >= 0) {
			char where[40];
			snprintf(where, sizeof where, "(at offset %d)", bad[i].at);
			assert_message_has(&err, where);
		}
	}
}

/* The longest text of a limit parses, one more byte does not. */
static void check_limit(const char *prefix, char fill, size_t longest, const char *(*part)(const berth_image_ref *),
			size_t part_len, const char *why)
{
	berth_error err = BERTH_ERROR_INIT;
	berth_image_ref *r = NULL;
	char text[600];
	memset(text, fill, sizeof text);
	memcpy(text, prefix, strlen(prefix));
	text[longest] = '\0';
	assert_ok(berth_image_ref_parse(&r, text, &err), &err);
	assert_int_equal(strlen(part(r)), part_len);
	berth_image_ref_free(r);
	text[longest] = fill;
	text[longest + 1] = '\0';
	assert_code(berth_image_ref_parse(&r, text, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, why);
}

static void test_lengths(void **state)
{
	(void)state;
	/* 255 characters of name, counted as the engines write it: a Docker
	 * Hub name counts its "docker.io/library/" */
	check_limit("r.io/", 'a', 255, berth_image_ref_name, 255, "longer than 255");
	check_limit("", 'b', 237, berth_image_ref_name, 255, "longer than 255");
	/* tags: 128 characters at most */
	check_limit("x:", 't', 130, berth_image_ref_tag, 128, "at most 128");
	/* a long bad reference is cut in the message */
	berth_error err = BERTH_ERROR_INIT;
	berth_image_ref *r = NULL;
	char text[600];
	memset(text, 'Z', sizeof text);
	text[sizeof text - 1] = '\0';
	assert_code(berth_image_ref_parse(&r, text, &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "...");
}

static void test_misuse(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	berth_image_ref *r = NULL;
	assert_code(berth_image_ref_parse(NULL, "redis", &err), BERTH_EINVAL, &err);
	assert_code(berth_image_ref_parse(&r, NULL, &err), BERTH_EINVAL, &err);
	assert_null(r);
	assert_code(berth_image_ref_parse(&r, "Bad", NULL), BERTH_EINVAL, NULL);
	berth_image_ref_free(NULL);
	assert_string_equal(berth_image_ref_normalized(NULL), "");
	assert_string_equal(berth_image_ref_familiar(NULL), "");
	assert_string_equal(berth_image_ref_tag(NULL), "");
	assert_string_equal(berth_image_ref_digest(NULL), "");
	assert_string_equal(berth_image_ref_domain(NULL), "");
}

/* The validator of image arguments: a reference, or an image id. */
static void test_validator(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_validate_image_ref("sha256:" HEX64, &err), &err);
	assert_ok(berth_validate_image_ref(HEX64, &err), &err);
	assert_ok(berth_validate_image_ref("sha512:" HEX64 HEX64, &err), &err);
	assert_code(berth_validate_image_ref("sha256:abc", &err), BERTH_EINVAL, &err);
	assert_message_has(&err, "64 hex digits");
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (strstr(bad[i].why, "image id"))
			continue;
		if (berth_validate_image_ref(bad[i].text, &err) != BERTH_EINVAL)
			fail_msg("the validator accepted \"%s\"", bad[i].text);
		assert_message_has(&err, bad[i].why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_validator),
	};
	return cmocka_run_group_tests_name("imageref", tests, NULL, NULL);
}
