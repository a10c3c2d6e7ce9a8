/* The pull progress parser (parse/pull_json.c): Docker's and Podman's
 * lines as they come, the errors inside the stream, and junk. */
#include "../common/test.h"

#include "lib/parse/pull_json.h"

#define S(s) s, sizeof(s) - 1

static berth_image_progress p;

static void parse_ok(const char *line, size_t len)
{
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(pull_json_parse(&p, line, len, false, &err), &err);
}

static void test_docker_lines(void **state)
{
	(void)state;
	parse_ok(S("{\"status\":\"Pulling from library/redis\",\"id\":\"7\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_RESOLVING);
	assert_string_equal(berth_image_progress_layer(&p), "");
	parse_ok(S("{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"a2abf6c4d29d\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_WAITING);
	assert_string_equal(berth_image_progress_layer(&p), "a2abf6c4d29d");
	assert_true(berth_image_progress_current(&p) == -1 && berth_image_progress_total(&p) == -1);
	parse_ok(S("{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1024,\"total\":31357311},"
		   "\"progress\":\"[>   ]\",\"id\":\"a2abf6c4d29d\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_DOWNLOADING);
	assert_true(berth_image_progress_current(&p) == 1024 && berth_image_progress_total(&p) == 31357311);
	parse_ok(S("{\"status\":\"Verifying Checksum\",\"progressDetail\":{},\"id\":\"a2abf6c4d29d\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_VERIFYING);
	parse_ok(S("{\"status\":\"Download complete\",\"progressDetail\":{},\"id\":\"a2abf6c4d29d\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_DOWNLOADED);
	parse_ok(S("{\"status\":\"Extracting\",\"progressDetail\":{\"current\":32768,\"total\":31357311},\"id\":\"a2abf6c4d29d\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_EXTRACTING);
	assert_true(berth_image_progress_current(&p) == 32768);
	parse_ok(S("{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"a2abf6c4d29d\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_DONE);
	parse_ok(S("{\"status\":\"Already exists\",\"progressDetail\":{},\"id\":\"c7a4e4382001\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_EXISTS);
	parse_ok(S("{\"status\":\"Digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_STATUS);
	assert_string_equal(berth_image_progress_digest(&p),
			    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	parse_ok(S("{\"status\":\"Status: Downloaded newer image for redis:7\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_FINISHED);
	assert_string_equal(berth_image_progress_message(&p), "Status: Downloaded newer image for redis:7");
	/* negative or non-numeric counts are "not said" */
	parse_ok(S("{\"status\":\"Downloading\",\"progressDetail\":{\"current\":-5,\"total\":\"x\"},\"id\":\"a\"}"));
	assert_true(berth_image_progress_current(&p) == -1 && berth_image_progress_total(&p) == -1);
}

static void test_podman_lines(void **state)
{
	(void)state;
	parse_ok(S("{\"stream\":\"Trying to pull 127.0.0.1:5000/x:1...\\n\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_RESOLVING);
	assert_string_equal(berth_image_progress_message(&p), "Trying to pull 127.0.0.1:5000/x:1...");
	parse_ok(S("{\"stream\":\"Copying blob sha256:8d200e62654f6d32ec6a8ba72b750565746ff2563c069e224ba0b1e23da046d5\\n\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_DOWNLOADING);
	assert_string_equal(berth_image_progress_layer(&p), "8d200e62654f");
	parse_ok(S("{\"stream\":\"Copying blob 8d200e62654f skipped: already exists\\n\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_EXISTS);
	assert_string_equal(berth_image_progress_layer(&p), "8d200e62654f");
	parse_ok(S("{\"stream\":\"Writing manifest to image destination\\n\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_STATUS);
	parse_ok(S("{\"images\":[\"084189a6\"],\"id\":\"084189a6\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_FINISHED);
	assert_string_equal(berth_image_progress_image_id(&p), "084189a6");
}

static void parse_push(const char *line, size_t len)
{
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(pull_json_parse(&p, line, len, true, &err), &err);
}

static void test_push_lines(void **state)
{
	(void)state;
	parse_push(S("{\"status\":\"The push refers to repository [127.0.0.1:5000/x]\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_RESOLVING);
	parse_push(S("{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"ff2a3fb958a7\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_WAITING);
	assert_string_equal(berth_image_progress_layer(&p), "ff2a3fb958a7");
	parse_push(S("{\"status\":\"Pushing\",\"progressDetail\":{\"current\":512,\"total\":1024},\"id\":\"ff2a3fb958a7\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_UPLOADING);
	assert_true(berth_image_progress_current(&p) == 512 && berth_image_progress_total(&p) == 1024);
	parse_push(S("{\"status\":\"Pushed\",\"progressDetail\":{},\"id\":\"ff2a3fb958a7\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_DONE);
	parse_push(S("{\"status\":\"Mounted from berth-test/busybox\",\"progressDetail\":{},\"id\":\"ff2a3fb958a7\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_EXISTS);
	assert_string_equal(berth_image_progress_layer(&p), "ff2a3fb958a7");
	parse_push(S("{\"status\":\"1: digest: sha256:633b0d905b387fe294e91429dac2df4a136e14140815e327f1a71561898b2f76 size: 527\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_STATUS);
	assert_string_equal(berth_image_progress_digest(&p),
			    "sha256:633b0d905b387fe294e91429dac2df4a136e14140815e327f1a71561898b2f76");
	parse_push(S("{\"progressDetail\":{},\"aux\":{\"Tag\":\"1\",\"Digest\":\"sha256:633b\",\"Size\":527}}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_FINISHED);
	assert_string_equal(berth_image_progress_digest(&p), "sha256:633b");
	/* Podman's words: the same as its pull's, the other way */
	parse_push(S("{\"stream\":\"Copying blob sha256:ff2a3fb958a726dc348fc139d77c85120b99827229d45745dc96fee0f298f4ba\\n\"}"));
	assert_int_equal(berth_image_progress_phase(&p), BERTH_PROGRESS_UPLOADING);
	assert_string_equal(berth_image_progress_layer(&p), "ff2a3fb958a7");
	berth_error err = BERTH_ERROR_INIT;
	assert_code(pull_json_parse(&p, S("{\"error\":\"x:none: image not known\"}"), true, &err), BERTH_ENOTFOUND, &err);
	assert_code(pull_json_parse(&p, S("{\"error\":\"tag does not exist: x:none\"}"), true, &err), BERTH_ENOTFOUND, &err);
}

static void test_errors(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	assert_code(pull_json_parse(&p, S("{\"errorDetail\":{\"message\":\"manifest for x:1 not found: manifest unknown\"},"
					  "\"error\":\"short\"}"), false, &err), BERTH_ENOTFOUND, &err);
	assert_string_equal(err.message, "manifest for x:1 not found: manifest unknown");
	assert_code(pull_json_parse(&p, S("{\"error\":\"unauthorized: authentication required\"}"), false, &err), BERTH_EPERM, &err);
	assert_code(pull_json_parse(&p, S("{\"error\":\"dial tcp 127.0.0.1:5009: connect: connection refused\"}"), false, &err),
		    BERTH_EUNAVAILABLE, &err);
	assert_code(pull_json_parse(&p, S("{\"error\":\"something else went wrong\"}"), false, &err), BERTH_EENGINE, &err);
	assert_code(pull_json_parse(&p, S("{\"error\":7}"), false, &err), BERTH_EENGINE, &err);
	assert_code(pull_json_parse(&p, S("[1,2]"), false, &err), BERTH_EPROTOCOL, &err);
	assert_code(pull_json_parse(&p, S("{\"status\":"), false, &err), BERTH_EPROTOCOL, &err);
	assert_code(pull_json_parse(&p, "{\"a\":\"\0\"}", 9, false, &err), BERTH_EPROTOCOL, &err);
	/* nothing to say: skipped */
	assert_int_equal(pull_json_parse(&p, S("{\"progressDetail\":{}}"), false, &err), 1);
	assert_int_equal(pull_error_code(NULL), BERTH_EENGINE);
	assert_int_equal(pull_error_code("denied: requested access to the resource is denied"), BERTH_EPERM);
	/* an index without this platform */
	assert_int_equal(pull_error_code("no matching manifest for linux/amd64 in the manifest list entries"),
			 BERTH_ENOTFOUND);
	assert_int_equal(pull_error_code("choosing an image from manifest list docker://h/x:1: no image found in image "
					 "index for architecture amd64, variant \"\", OS linux"),
			 BERTH_ENOTFOUND);
}

static int teardown(void **state)
{
	(void)state;
	image_progress_reset(&p);
	return 0;
}

int main(void)
{
	image_progress_reset(&p);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_lines),
		cmocka_unit_test(test_podman_lines),
		cmocka_unit_test(test_push_lines),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
