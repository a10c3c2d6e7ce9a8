/* Archives without an engine: the decompressing reader (kit/decompress.c)
 * over gzip, zstd and plain input, cut and malformed; the tar header
 * check; docker's --change lines (kit/validate.c) and their application
 * to image configs (parse/image_build.c); the new image id of a commit or
 * import reply (engineapi/eapi_parse_io.c). */
#include "../common/test.h"
#include "../common/slices.h"

#include "lib/engines/engineapi/eapi_parse_io.h"
#include "lib/kit/decompress.h"
#include "lib/kit/validate.h"
#include "lib/parse/image_build.h"

#include <jansson.h>
#include <zlib.h>
#include <zstd.h>

#define S(s) s, sizeof(s) - 1

/* ---- the reader over memory, in slices of `step` bytes ------------------ */

/* Everything the reader gives for input, into *out; the reader's verdict. */
static int read_all(sbuf *out, decomp_kind *kind, const void *in, size_t len, size_t step, bool prime,
		    berth_error *err)
{
	slice_src m = { in, len, 0, step };
	decomp *d = NULL;
	int r = decomp_new(&d, slice_read, &m, "t", err);
	if (r < 0)
		return r;
	if (prime)
		r = decomp_prime_tar(d, err);
	char buf[777];
	ssize_t n;
	while (r == 0 && (n = decomp_read(buf, sizeof buf, d)) != 0) {
		if (n < 0) {
			r = (int)n;
			if (err)
				*err = *decomp_error(d);
			break;
		}
		sbuf_add(out, buf, (size_t)n);
	}
	if (kind)
		*kind = decomp_kind_of(d);
	decomp_free(d);
	return r;
}

/* A one-file tar of n bytes of 'x' (header, data, padding, trailer). */
static size_t make_tar(uint8_t *out, size_t n)
{
	memset(out, 0, 512 * 4 + n);
	memcpy(out, "file", 4);
	memcpy(out + 100, "0000644", 7);
	memcpy(out + 108, "0000000", 7);
	memcpy(out + 116, "0000000", 7);
	snprintf((char *)out + 124, 12, "%011zo", n);
	memcpy(out + 136, "00000000000", 11);
	out[156] = '0';
	memcpy(out + 257, "ustar", 6);
	memcpy(out + 263, "00", 2);
	memset(out + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += out[i];
	snprintf((char *)out + 148, 8, "%06o", sum);
	memset(out + 512, 'x', n);
	return 512 + (n + 511) / 512 * 512 + 1024;
}

static size_t gzip_of(uint8_t *out, size_t cap, const uint8_t *in, size_t len)
{
	z_stream z = { 0 };
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (uint8_t *)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t n = z.total_out;
	deflateEnd(&z);
	return n;
}

static uint8_t tarbuf[8192], packed[16384];

static void test_plain_gzip_zstd(void **state)
{
	(void)state;
	size_t tlen = make_tar(tarbuf, 3000);
	assert_true(decomp_tar_header_ok(tarbuf));
	berth_error err = BERTH_ERROR_INIT;
	static const size_t steps[] = { 1, 3, 512, 100000 };
	for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
		/* plain */
		sbuf out = SBUF_INIT;
		decomp_kind k;
		assert_ok(read_all(&out, &k, tarbuf, tlen, steps[s], true, &err), &err);
		assert_int_equal(k, DECOMP_PLAIN);
		assert_int_equal(out.len, tlen);
		assert_memory_equal(out.data, tarbuf, tlen);
		sbuf_release(&out);
		/* gzip, and two members one after the other */
		size_t glen = gzip_of(packed, sizeof packed, tarbuf, tlen);
		memcpy(packed + glen, packed, glen);
		assert_ok(read_all(&out, &k, packed, glen, steps[s], true, &err), &err);
		assert_int_equal(k, DECOMP_GZIP);
		assert_int_equal(out.len, tlen);
		assert_memory_equal(out.data, tarbuf, tlen);
		sbuf_release(&out);
		assert_ok(read_all(&out, NULL, packed, 2 * glen, steps[s], false, &err), &err);
		assert_int_equal(out.len, 2 * tlen);
		sbuf_release(&out);
		/* cut short; garbage after it */
		assert_code(read_all(&out, NULL, packed, glen - 9, steps[s], false, &err), BERTH_EINVAL, &err);
		assert_non_null(strstr(err.message, "cut short"));
		sbuf_release(&out);
		packed[glen] = 'G';
		assert_code(read_all(&out, NULL, packed, glen + 5, steps[s], false, &err), BERTH_EINVAL, &err);
		sbuf_release(&out);
		/* zstd */
		size_t zlen = ZSTD_compress(packed, sizeof packed, tarbuf, tlen, 3);
		assert_false(ZSTD_isError(zlen));
		assert_ok(read_all(&out, &k, packed, zlen, steps[s], true, &err), &err);
		assert_int_equal(k, DECOMP_ZSTD);
		assert_int_equal(out.len, tlen);
		assert_memory_equal(out.data, tarbuf, tlen);
		sbuf_release(&out);
		assert_code(read_all(&out, NULL, packed, zlen - 4, steps[s], false, &err), BERTH_EINVAL, &err);
		assert_non_null(strstr(err.message, "zstd"));
		sbuf_release(&out);
	}
	assert_string_equal(decomp_kind_name(DECOMP_ZSTD), "zstd");
}

static void test_not_a_tar(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	sbuf out = SBUF_INIT;
	static const char junk[] = "not a tar archive, not at all, and not compressed either";
	assert_code(read_all(&out, NULL, S(junk), 7, true, &err), BERTH_EINVAL, &err);
	assert_non_null(strstr(err.message, "not a tar archive (nor a gzip or zstd compressed one)"));
	sbuf_release(&out);
	/* gzip of junk: the message says where it looked */
	uint8_t big[1024];
	memset(big, 'j', sizeof big);
	size_t glen = gzip_of(packed, sizeof packed, big, sizeof big);
	assert_code(read_all(&out, NULL, packed, glen, 100, true, &err), BERTH_EINVAL, &err);
	assert_non_null(strstr(err.message, "inside the gzip data"));
	sbuf_release(&out);
	/* nothing at all */
	assert_code(read_all(&out, NULL, "", 0, 1, true, &err), BERTH_EINVAL, &err);
	sbuf_release(&out);
	/* a zstd magic and nonsense */
	static const uint8_t bad[] = { 0x28, 0xb5, 0x2f, 0xfd, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3 };
	assert_code(read_all(&out, NULL, bad, sizeof bad, 5, false, &err), BERTH_EINVAL, &err);
	sbuf_release(&out);
	/* a header whose checksum is off */
	make_tar(tarbuf, 10);
	tarbuf[0] = 'g';
	assert_false(decomp_tar_header_ok(tarbuf));
	memset(tarbuf, 0, 512);
	assert_false(decomp_tar_header_ok(tarbuf));
}

static void test_check_changes(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	const char *good[] = { "CMD [\"sh\"]", "cmd echo hi", "ENV A=b", "EXPOSE 80/tcp", "LABEL a=b", "ONBUILD RUN x",
			       "STOPSIGNAL TERM", "USER nobody", "VOLUME /data", "WORKDIR /x", "ENTRYPOINT\t[\"a\"]" };
	assert_ok(check_image_changes(good, sizeof good / sizeof good[0], "t", &err), &err);
	assert_ok(check_image_changes(NULL, 0, "t", &err), &err);
	const char *bad[][1] = { { "" }, { "RUN make" }, { "CMD" }, { "CMD   " }, { "CMD a\nUSER root" }, { "FROM x" },
				 { "CMDX a" } };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_code(check_image_changes(bad[i], 1, "t", &err), BERTH_EINVAL, &err);
	assert_code(check_image_changes(NULL, 1, "t", &err), BERTH_EINVAL, &err);
	/* new names */
	assert_ok(check_new_image_ref(NULL, "t", &err), &err);
	assert_ok(check_new_image_ref("localhost/x:1", "t", &err), &err);
	assert_ok(check_new_image_ref("cafe", "t", &err), &err);
	assert_code(check_new_image_ref("", "t", &err), BERTH_EINVAL, &err);
	assert_code(check_new_image_ref("Bad", "t", &err), BERTH_EINVAL, &err);
	assert_code(check_new_image_ref("x@sha256:0123456789012345678901234567890123456789012345678901234567890123", "t",
					&err),
		    BERTH_EINVAL, &err);
	assert_code(check_new_image_ref("0123456789012345678901234567890123456789012345678901234567890123", "t", &err),
		    BERTH_EINVAL, &err);
}

/* One change applied to a config; the resulting JSON's field. */
static json_t *applied(const char *config, const char *change)
{
	sbuf out = SBUF_INIT;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(image_change_apply_text(&out, config, config ? strlen(config) : 0, change, &err), &err);
	json_t *j = json_loads(out.data, 0, NULL);
	sbuf_release(&out);
	assert_non_null(j);
	return j;
}

static void test_changes_applied(void **state)
{
	(void)state;
	json_t *j = applied("{\"Cmd\":[\"sh\"]}", "CMD [\"cat\", \"/made\"]");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "Cmd"), 1)), "/made");
	json_decref(j);
	j = applied(NULL, "CMD echo \"hi there\"");
	json_t *cmd = json_object_get(j, "Cmd");
	assert_int_equal(json_array_size(cmd), 3);
	assert_string_equal(json_string_value(json_array_get(cmd, 0)), "/bin/sh");
	assert_string_equal(json_string_value(json_array_get(cmd, 2)), "echo \"hi there\"");
	json_decref(j);
	/* ENV replaces a key, adds another; the legacy "KEY VALUE" form */
	j = applied("{\"Env\":[\"PATH=/bin\",\"A=1\"]}", "ENV A=2 B=\"two words\"");
	json_t *env = json_object_get(j, "Env");
	assert_int_equal(json_array_size(env), 3);
	assert_string_equal(json_string_value(json_array_get(env, 1)), "A=2");
	assert_string_equal(json_string_value(json_array_get(env, 2)), "B=two words");
	json_decref(j);
	j = applied("{}", "ENV GREETING hello world");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "Env"), 0)), "GREETING=hello world");
	json_decref(j);
	j = applied("{}", "LABEL a=b 'c d'=e");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "Labels"), "c d")), "e");
	json_decref(j);
	j = applied("{}", "EXPOSE 80 53/udp");
	assert_non_null(json_object_get(json_object_get(j, "ExposedPorts"), "80/tcp"));
	assert_non_null(json_object_get(json_object_get(j, "ExposedPorts"), "53/udp"));
	json_decref(j);
	j = applied("{}", "VOLUME [\"/a\", \"/b\"]");
	assert_int_equal(json_object_size(json_object_get(j, "Volumes")), 2);
	json_decref(j);
	j = applied("{\"WorkingDir\":\"/srv\"}", "WORKDIR app");
	assert_string_equal(json_string_value(json_object_get(j, "WorkingDir")), "/srv/app");
	json_decref(j);
	j = applied("{}", "user 1000:1000");
	assert_string_equal(json_string_value(json_object_get(j, "User")), "1000:1000");
	json_decref(j);
	/* refusals */
	sbuf out = SBUF_INIT;
	berth_error err = BERTH_ERROR_INIT;
	assert_code(image_change_apply_text(&out, S("{}"), "EXPOSE http", &err), BERTH_EINVAL, &err);
	assert_code(image_change_apply_text(&out, S("{}"), "LABEL novalue", &err), BERTH_EINVAL, &err);
	assert_code(image_change_apply_text(&out, S("{}"), "VOLUME [1]", &err), BERTH_EINVAL, &err);
	assert_code(image_change_apply_text(&out, S("{}"), "ENV A=\"open", &err), BERTH_EINVAL, &err);
	assert_code(image_change_apply_text(&out, S("{}"), "RUN x", &err), BERTH_EINVAL, &err);
	assert_code(image_change_apply_text(&out, S("[]"), "CMD x", &err), BERTH_EPROTOCOL, &err);
	sbuf_release(&out);
}

static void test_config_build(void **state)
{
	(void)state;
	static const char base[] = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},"
				   "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:aa\"]},"
				   "\"history\":[{\"created_by\":\"ADD\"}]}";
	const char *changes[] = { "CMD [\"true\"]" };
	image_build_args a = { .diff_id = "sha256:bb", .created = "2026-12-06T08:00:00Z", .created_by = "berth commit",
			       .comment = "c", .author = "me", .changes = changes, .change_count = 1 };
	sbuf out = SBUF_INIT;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(image_config_build(&out, S(base), &a, &err), &err);
	json_t *j = json_loads(out.data, 0, NULL);
	json_t *ids = json_object_get(json_object_get(j, "rootfs"), "diff_ids");
	assert_int_equal(json_array_size(ids), 2);
	assert_string_equal(json_string_value(json_array_get(ids, 1)), "sha256:bb");
	json_t *hist = json_object_get(j, "history");
	assert_int_equal(json_array_size(hist), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(hist, 1), "comment")), "c");
	assert_string_equal(json_string_value(json_object_get(j, "author")), "me");
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(j, "config"), "Cmd"), 0)),
			    "true");
	json_decref(j);
	sbuf_release(&out);
	/* from nothing */
	image_build_args fresh = { .diff_id = "sha256:cc", .created = "2026-12-06T08:00:00Z", .os = "linux",
				   .arch = "arm64" };
	assert_ok(image_config_build(&out, NULL, 0, &fresh, &err), &err);
	j = json_loads(out.data, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "architecture")), "arm64");
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "rootfs"), "diff_ids")), 1);
	json_decref(j);
	sbuf_release(&out);
	/* the container's settings over the base's, then the changes */
	const char *tail[] = { "ENV C=3" };
	image_build_args over = { .diff_id = "sha256:dd", .created = "2026-12-06T08:00:00Z",
				  .container_config = "{\"Cmd\":[\"sleep\",\"60\"],\"Env\":[\"A=2\",\"B=1\"],"
						      "\"User\":\"\",\"ExposedPorts\":{\"80/tcp\":{}},\"Labels\":{\"x\":\"y\"}}",
				  .changes = tail, .change_count = 1 };
	static const char envbase[] = "{\"config\":{\"Cmd\":[\"sh\"],\"User\":\"nobody\",\"Env\":[\"PATH=/bin\",\"A=1\"]}}";
	assert_ok(image_config_build(&out, S(envbase), &over, &err), &err);
	j = json_loads(out.data, 0, NULL);
	json_t *c2 = json_object_get(j, "config");
	assert_string_equal(json_string_value(json_array_get(json_object_get(c2, "Cmd"), 0)), "sleep");
	assert_string_equal(json_string_value(json_object_get(c2, "User")), "nobody");
	assert_int_equal(json_array_size(json_object_get(c2, "Env")), 4);
	assert_string_equal(json_string_value(json_array_get(json_object_get(c2, "Env"), 1)), "A=2");
	assert_non_null(json_object_get(json_object_get(c2, "ExposedPorts"), "80/tcp"));
	assert_null(json_object_get(c2, "Labels"));
	json_decref(j);
	sbuf_release(&out);
	/* an entrypoint of its own without a command drops the image's command */
	over.container_config = "{\"Entrypoint\":[\"/bin/x\"]}";
	over.change_count = 0;
	assert_ok(image_config_build(&out, S(envbase), &over, &err), &err);
	j = json_loads(out.data, 0, NULL);
	assert_null(json_object_get(json_object_get(j, "config"), "Cmd"));
	json_decref(j);
	sbuf_release(&out);
	assert_code(image_config_build(&out, S("[1]"), &fresh, &err), BERTH_EPROTOCOL, &err);
	const char *bad[] = { "RUN x" };
	fresh.changes = bad;
	fresh.change_count = 1;
	assert_code(image_config_build(&out, NULL, 0, &fresh, &err), BERTH_EINVAL, &err);
	sbuf_release(&out);
}

static void test_new_image_id(void **state)
{
	(void)state;
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	static const char hex[] = "674fc573e867959443fde7aa4e0e2164deda5b3e26cb6462cdb8beabd180c34d";
	char body[400];
	snprintf(body, sizeof body, "{\"Id\":\"sha256:%s\"}", hex);
	assert_ok(engineapi_parse_new_image_id(&id, body, strlen(body), "commit", &err), &err);
	assert_string_equal(id + 7, hex);
	free(id);
	/* Podman's commit: the hex alone */
	snprintf(body, sizeof body, "{\"Id\":\"%s\"}", hex);
	assert_ok(engineapi_parse_new_image_id(&id, body, strlen(body), "commit", &err), &err);
	assert_true(strncmp(id, "sha256:", 7) == 0);
	free(id);
	/* an import's lines, the last id wins */
	snprintf(body, sizeof body, "{\"status\":\"Downloading\"}\r\n\n{\"status\":\"sha256:%s\",\"id\":\"x\"}\n", hex);
	assert_ok(engineapi_parse_new_image_id(&id, body, strlen(body), "import", &err), &err);
	assert_string_equal(id + 7, hex);
	free(id);
	id = NULL;
	assert_code(engineapi_parse_new_image_id(&id, S("{\"error\":\"bad tar\"}"), "import", &err), BERTH_EENGINE, &err);
	assert_non_null(strstr(err.message, "bad tar"));
	assert_code(engineapi_parse_new_image_id(&id, S("{\"Id\":\"sha256:short\"}"), "commit", &err), BERTH_EPROTOCOL,
		    &err);
	assert_code(engineapi_parse_new_image_id(&id, S("not json"), "commit", &err), BERTH_EPROTOCOL, &err);
	assert_code(engineapi_parse_new_image_id(&id, S("[1]"), "commit", &err), BERTH_EPROTOCOL, &err);
	assert_code(engineapi_parse_new_image_id(&id, NULL, 0, "commit", &err), BERTH_EPROTOCOL, &err);
	assert_null(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_gzip_zstd),
		cmocka_unit_test(test_not_a_tar),
		cmocka_unit_test(test_check_changes),
		cmocka_unit_test(test_changes_applied),
		cmocka_unit_test(test_config_build),
		cmocka_unit_test(test_new_image_id),
	};
	return cmocka_run_group_tests_name("archive", tests, NULL, NULL);
}
