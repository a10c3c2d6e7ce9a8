/* util helpers, error codes and the error record. */
#include "../common/test.h"

#include "lib/internal.h"
#include "util/base64.h"
#include "util/sha256.h"

static void test_sbuf(void **state)
{
	(void)state;
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	assert_int_equal(sbuf_adds(&b, "ab"), 0);
	assert_int_equal(sbuf_printf(&b, "-%d-%s", 42, "x"), 0);
	assert_string_equal(b.data, "ab-42-x");
	/* a long formatted string takes the slow path */
	char big[1000];
	memset(big, 'y', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(sbuf_printf(&b, "%s", big), 0);
	assert_int_equal(b.len, 7 + 999);
	assert_int_equal(b.data[b.len], '\0');
	sbuf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(sbuf_add_urlenc(&b, "a b/c?d=e&f~_.-Z9"), 0);
	assert_string_equal(b.data, "a%20b%2Fc%3Fd%3De%26f~_.-Z9");
	char *s = sbuf_steal(&b);
	assert_non_null(s);
	assert_null(b.data);
	free(s);
	/* stealing an empty buffer gives "" rather than NULL */
	s = sbuf_steal(&b);
	assert_string_equal(s, "");
	free(s);
}

static void test_strv(void **state)
{
	(void)state;
	_cleanup_strv_ strv v = STRV_INIT;
	for (int i = 0; i < 100; i++) {
		char tmp[16];
		snprintf(tmp, sizeof tmp, "s%d", i);
		assert_int_equal(strv_push(&v, tmp), 0);
	}
	assert_int_equal(v.len, 100);
	assert_string_equal(v.items[57], "s57");
	assert_null(v.items[100]);
}

static void test_api_version_cmp(void **state)
{
	(void)state;
	assert_true(api_version_cmp("1.41", "1.41") == 0);
	assert_true(api_version_cmp("1.9", "1.41") < 0);
	assert_true(api_version_cmp("1.41", "1.9") > 0);
	assert_true(api_version_cmp("2.0", "1.99") > 0);
	assert_true(api_version_cmp("1.41", "1.41.0") == 0);
	assert_true(api_version_cmp("1.30", "1.4") > 0);
}

static void test_codes(void **state)
{
	(void)state;
	/* Fixed values: part of the ABI. */
	assert_int_equal(BERTH_ENOTFOUND, -1);
	assert_int_equal(BERTH_EINVAL, -11);
	assert_int_equal(BERTH_ITEROVER, -14);
	for (int c = 0; c >= BERTH_ITEROVER; c--) {
		assert_string_not_equal(berth_strerror(c), "unknown error");
		assert_true(strncmp(berth_code_name(c), "BERTH_", 6) == 0);
	}
	assert_string_equal(berth_code_name(BERTH_ETIMEDOUT), "BERTH_ETIMEDOUT");
	assert_string_equal(berth_strerror(-999), "unknown error");
	assert_string_equal(berth_strerror(5), "unknown error");
	assert_string_equal(berth_library_version(), BERTH_VERSION_STRING);
}

static void test_error_record(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	assert_int_equal(berth_fail(&err, BERTH_EINVAL, "bad %s\nsecond line.", "thing"), BERTH_EINVAL);
	assert_int_equal(err.code, BERTH_EINVAL);
	/* one line, trailing dot trimmed */
	assert_string_equal(err.message, "bad thing second line");
	assert_int_equal(berth_fail_full(&err, BERTH_EENGINE, 500, 0, "boom"), BERTH_EENGINE);
	assert_int_equal(err.native, 500);
	berth_error_prefix(&err, "ctx %d", 1);
	assert_string_equal(err.message, "ctx 1: boom");
	/* overlong messages are cut, never overflow */
	char big[2000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	berth_fail(&err, BERTH_EINVAL, "%s", big);
	assert_int_equal(strlen(err.message), BERTH_ERROR_MESSAGE_MAX - 1);
	berth_error_prefix(&err, "%s", big);
	assert_int_equal(strlen(err.message), BERTH_ERROR_MESSAGE_MAX - 1);
	berth_error_clear(&err);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.message, "");
	/* NULL error records are allowed everywhere */
	assert_int_equal(berth_fail(NULL, BERTH_ENOMEM, "x"), BERTH_ENOMEM);
	berth_error_clear(NULL);
	berth_free(NULL);
}

static void test_errno_mapping(void **state)
{
	(void)state;
	assert_int_equal(berth_code_from_errno(ENOENT), BERTH_ENOTFOUND);
	assert_int_equal(berth_code_from_errno(EACCES), BERTH_EPERM);
	assert_int_equal(berth_code_from_errno(ETIMEDOUT), BERTH_ETIMEDOUT);
	assert_int_equal(berth_code_from_errno(ECONNREFUSED), BERTH_EUNAVAILABLE);
}

static void test_read_file(void **state)
{
	(void)state;
	char path[] = "/tmp/berth-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "hello", 5), 5);
	close(fd);
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(read_file(path, 100, &text, &len), 0);
	assert_int_equal(len, 5);
	assert_string_equal(text, "hello");
	free(text);
	assert_int_equal(read_file(path, 3, &text, &len), -EFBIG);
	unlink(path);
	assert_int_equal(read_file(path, 100, &text, &len), -ENOENT);
}

/* FIPS 180-4 / NIST example vectors, and a split update. */
/* Long inputs go through libcrypto's block function where it loads:
 * the same digests as the portable code gets from short pieces. */
static void test_sha256_long(void **state)
{
	(void)state;
	size_t n = (1u << 20) + 37;
	unsigned char *buf = malloc(n);
	assert_non_null(buf);
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(i * 2654435761u >> 13);
	unsigned char one[32], small[32], mixed[32];
	sha256_ctx c;
	sha256_init(&c);
	sha256_update(&c, buf, n);
	sha256_final(&c, one);
	sha256_init(&c);
	for (size_t off = 0; off < n; off += 63)
		sha256_update(&c, buf + off, n - off < 63 ? n - off : 63);
	sha256_final(&c, small);
	/* an unaligned start, then long pieces */
	sha256_init(&c);
	sha256_update(&c, buf, 5);
	for (size_t off = 5; off < n; off += 70001)
		sha256_update(&c, buf + off, n - off < 70001 ? n - off : 70001);
	sha256_final(&c, mixed);
	assert_memory_equal(one, small, 32);
	assert_memory_equal(one, mixed, 32);
	free(buf);
}

static void test_sha256(void **state)
{
	(void)state;
	char hex[65];
	sha256_hex(hex, "", 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex(hex, "abc", 3);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(hex, two, strlen(two));
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* a million 'a's, fed in uneven pieces */
	sha256_ctx c;
	sha256_init(&c);
	char a[997];
	memset(a, 'a', sizeof a);
	size_t left = 1000000;
	while (left) {
		size_t n = left < sizeof a ? left : (left % 7) + 1 + (left % 990);
		if (n > left)
			n = left;
		sha256_update(&c, a, n);
		left -= n;
	}
	unsigned char d[32];
	sha256_final(&c, d);
	assert_int_equal(d[0], 0xcd);
	assert_int_equal(d[1], 0xc7);
	assert_int_equal(d[31], 0xd0);
}

static void test_base64(void **state)
{
	(void)state;
	static const struct { const char *plain, *std, *url; } v[] = {
		{ "", "", "" }, { "f", "Zg==", "Zg==" }, { "fo", "Zm8=", "Zm8=" }, { "foo", "Zm9v", "Zm9v" },
		{ "foob", "Zm9vYg==", "Zm9vYg==" }, { "fooba", "Zm9vYmE=", "Zm9vYmE=" },
		{ "\xfb\xff\xbf", "+/+/", "-_-_" }, { "user:pa ss", "dXNlcjpwYSBzcw==", "dXNlcjpwYSBzcw==" },
	};
	char enc[64], dec[64];
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		size_t n = strlen(v[i].plain);
		assert_int_equal(base64_encode(enc, v[i].plain, n, false), strlen(v[i].std));
		assert_string_equal(enc, v[i].std);
		base64_encode(enc, v[i].plain, n, true);
		assert_string_equal(enc, v[i].url);
		assert_int_equal(base64_decode(dec, v[i].std, strlen(v[i].std)), (ssize_t)n);
		assert_memory_equal(dec, v[i].plain, n);
		assert_int_equal(base64_decode(dec, v[i].url, strlen(v[i].url)), (ssize_t)n);
		assert_memory_equal(dec, v[i].plain, n);
	}
	/* padding optional, line breaks skipped */
	assert_int_equal(base64_decode(dec, "Zm9vYg", 6), 4);
	assert_int_equal(base64_decode(dec, "Zm9v\r\nYmE=\n", 11), 5);
	assert_memory_equal(dec, "fooba", 5);
	static const char *const bad[] = { "Z", "Zm9vY", "Zg=", "Zg===", "Z=g=", "Zm9v=Zm9v", "Zm 9v", "Zm9v!", "=" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (base64_decode(dec, bad[i], strlen(bad[i])) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sbuf),
		cmocka_unit_test(test_strv),
		cmocka_unit_test(test_api_version_cmp),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_error_record),
		cmocka_unit_test(test_errno_mapping),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_sha256_long),
		cmocka_unit_test(test_base64),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
