/* What a registry says about authentication (parse/wwwauth.c): the
 * WWW-Authenticate challenges of Docker Hub, distribution's Basic and
 * token auth, quoting and junk; the token server's replies; error bodies;
 * the URLs of realms and redirects. */
#include "../common/test.h"

#include "lib/parse/wwwauth.h"

#define S(s) s, sizeof(s) - 1

static void challenge_ok(auth_challenge *c, const char *v)
{
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(auth_challenge_parse(c, v, strlen(v), &err), &err);
}

static void test_challenges(void **state)
{
	(void)state;
	auth_challenge c;
	challenge_ok(&c, "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
			 "scope=\"repository:library/redis:pull\"");
	assert_int_equal(c.scheme, AUTH_BEARER);
	assert_string_equal(c.realm, "https://auth.docker.io/token");
	assert_string_equal(c.service, "registry.docker.io");
	assert_string_equal(c.scope, "repository:library/redis:pull");
	assert_null(c.error);
	auth_challenge_release(&c);
	challenge_ok(&c, "Basic realm=\"Registry Realm\"");
	assert_int_equal(c.scheme, AUTH_BASIC);
	assert_string_equal(c.realm, "Registry Realm");
	auth_challenge_release(&c);
	/* case, spaces, token values, escapes, unknown parameters, an error */
	challenge_ok(&c, "  bearer  Realm = \"http://127.0.0.1:5003/t\\\"x\" , service=reg , foo=bar,"
			 "error=\"insufficient_scope\"");
	assert_int_equal(c.scheme, AUTH_BEARER);
	assert_string_equal(c.realm, "http://127.0.0.1:5003/t\"x");
	assert_string_equal(c.service, "reg");
	assert_string_equal(c.error, "insufficient_scope");
	auth_challenge_release(&c);
	/* several challenges: Bearer wins over Basic, whatever the order */
	challenge_ok(&c, "Basic realm=\"r\", Bearer realm=\"https://a/t\",service=\"s\"");
	assert_int_equal(c.scheme, AUTH_BEARER);
	assert_string_equal(c.realm, "https://a/t");
	auth_challenge_release(&c);
	challenge_ok(&c, "Negotiate, Basic realm=\"x\"");
	assert_int_equal(c.scheme, AUTH_BASIC);
	auth_challenge_release(&c);
	challenge_ok(&c, "Basic");
	assert_int_equal(c.scheme, AUTH_BASIC);
	assert_null(c.realm);
	auth_challenge_release(&c);
}

static void test_bad_challenges(void **state)
{
	(void)state;
	auth_challenge c;
	berth_error err = BERTH_ERROR_INIT;
	assert_code(auth_challenge_parse(&c, S("Negotiate"), &err), BERTH_EUNSUPPORTED, &err);
	assert_message_has(&err, "Negotiate");
	assert_code(auth_challenge_parse(&c, S("Bearer service=\"x\""), &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "realm");
	assert_code(auth_challenge_parse(&c, S("Bearer realm=\"https://a/t"), &err), BERTH_EPROTOCOL, &err);
	assert_code(auth_challenge_parse(&c, S(""), &err), BERTH_EPROTOCOL, &err);
	assert_code(auth_challenge_parse(&c, S("Bearer realm=\"a\" \"b\""), &err), BERTH_EPROTOCOL, &err);
	assert_code(auth_challenge_parse(&c, S("=x"), &err), BERTH_EPROTOCOL, &err);
	assert_null(c.realm);
}

static void test_tokens(void **state)
{
	(void)state;
	char *t = NULL;
	int64_t exp = 0;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(auth_token_parse(&t, &exp, S("{\"token\":\"abc\",\"expires_in\":300,\"issued_at\":\"2026-01-01T00:00:00Z\"}"),
				   &err), &err);
	assert_string_equal(t, "abc");
	assert_int_equal(exp, 300);
	secret_free(t);
	assert_ok(auth_token_parse(&t, &exp, S("{\"access_token\":\"xyz\"}"), &err), &err);
	assert_string_equal(t, "xyz");
	assert_int_equal(exp, 60);
	secret_free(t);
	assert_ok(auth_token_parse(&t, &exp, S("{\"token\":\"a\",\"access_token\":\"b\",\"expires_in\":5}"), &err), &err);
	assert_string_equal(t, "a");
	assert_int_equal(exp, 60); /* below 60: 60, as the spec says */
	secret_free(t);
	assert_code(auth_token_parse(&t, &exp, S("{\"token\":\"\"}"), &err), BERTH_EPROTOCOL, &err);
	assert_code(auth_token_parse(&t, &exp, S("[\"token\"]"), &err), BERTH_EPROTOCOL, &err);
	assert_code(auth_token_parse(&t, &exp, S("{\"token\":\"a\""), &err), BERTH_EPROTOCOL, &err);
	assert_null(t);
}

static void test_errors(void **state)
{
	(void)state;
	sbuf b = SBUF_INIT;
	assert_int_equal(registry_errors_text(&b, S("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest "
						  "unknown\",\"detail\":{\"Tag\":\"x\"}}]}")), 0);
	assert_string_equal(b.data, "MANIFEST_UNKNOWN: manifest unknown");
	sbuf_release(&b);
	assert_int_equal(registry_errors_text(&b, S("{\"errors\":[{\"code\":\"UNAUTHORIZED\"},{\"message\":\"m\"}]}")), 0);
	assert_string_equal(b.data, "UNAUTHORIZED; m");
	sbuf_release(&b);
	assert_int_equal(registry_errors_text(&b, S("404 page not found")), 1);
	assert_int_equal(registry_errors_text(&b, S("{\"errors\":[]}")), 1);
	assert_int_equal(registry_errors_text(&b, S("{\"errors\":[1,{}]}")), 1);
	assert_int_equal(b.len, 0);
	sbuf_release(&b);
}

static void url_ok(const char *url, bool https, const char *hostport, const char *path)
{
	bool h = !https;
	char *hp = NULL, *p = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(url_split(url, &h, &hp, &p, &err), &err);
	assert_int_equal(h, https);
	assert_string_equal(hp, hostport);
	assert_string_equal(p, path);
	free(hp);
	free(p);
}

static void test_urls(void **state)
{
	(void)state;
	url_ok("https://auth.docker.io/token", true, "auth.docker.io:443", "/token");
	url_ok("http://127.0.0.1:5003/token?x=1", false, "127.0.0.1:5003", "/token?x=1");
	url_ok("HTTPS://[::1]:5443", true, "[::1]:5443", "/");
	url_ok("http://h/?a#frag", false, "h:80", "/?a");
	url_ok("https://h?q", true, "h:443", "/?q");
	const char *bad[] = { "ftp://h/", "https://", "https:///x", "https://u:p@h/", "https://h:/x", "https://h:1a/",
			      "https://[::1/x", "https://h/ x", "/relative" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		bool h;
		char *hp = (char *)1, *p = (char *)1;
		berth_error err = BERTH_ERROR_INIT;
		assert_code(url_split(bad[i], &h, &hp, &p, &err), BERTH_EPROTOCOL, &err);
		assert_null(hp);
		assert_null(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_challenges), cmocka_unit_test(test_bad_challenges), cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_errors),	   cmocka_unit_test(test_urls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
