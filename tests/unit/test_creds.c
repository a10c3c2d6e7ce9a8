/* Registry credentials: the credential files' parser (parse/authfile.c),
 * the resolver, store and erase (kit/creds.c) with a fake credential
 * helper (fixtures/creds/docker-credential-berthtest), and the
 * X-Registry-Auth encoding (model/registry_model.c).
 *
 * Every test runs in a scratch directory: HOME, DOCKER_CONFIG,
 * XDG_RUNTIME_DIR, XDG_CONFIG_HOME point into it, REGISTRY_AUTH_FILE is
 * unset, and the environment is restored after each test, so the
 * machine's own ~/.docker is never read or written. */
#include "../common/test.h"

#include "lib/model/registry_model.h"
#include "lib/parse/authfile.h"
#include "util/base64.h"

#include <jansson.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* ---- the scratch directory and the environment ----------------------------------- */

static const char *const env_names[] = { "HOME", "DOCKER_CONFIG", "REGISTRY_AUTH_FILE", "XDG_RUNTIME_DIR",
					 "XDG_CONFIG_HOME", "PATH", "BERTH_TEST_CREDS_DIR", "GNUPGHOME",
					 "PASSWORD_STORE_DIR" };
static char *saved_env[sizeof env_names / sizeof *env_names];
static char scratch[64];

static const char *in_scratch(const char *rel)
{
	static char bufs[8][600];
	static int next;
	char *b = bufs[next++ % 8];
	snprintf(b, sizeof bufs[0], "%s/%s", scratch, rel);
	return b;
}

static void mkdirs(const char *path)
{
	char p[600];
	snprintf(p, sizeof p, "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0700);
			*s = '/';
		}
	mkdir(p, 0700);
}

static void write_text(const char *path, const char *text)
{
	char dir[600];
	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_text(const char *path)
{
	char *text = NULL;
	size_t n;
	if (read_file(path, 1 << 20, &text, &n) < 0)
		return NULL;
	return text;
}

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof env_names / sizeof *env_names; i++) {
		const char *v = getenv(env_names[i]);
		saved_env[i] = v ? strdup(v) : NULL;
	}
	snprintf(scratch, sizeof scratch, "/tmp/berth-creds-XXXXXX");
	if (!mkdtemp(scratch))
		return -1;
	setenv("HOME", in_scratch("home"), 1);
	setenv("DOCKER_CONFIG", in_scratch("docker"), 1);
	setenv("XDG_RUNTIME_DIR", in_scratch("run"), 1);
	setenv("XDG_CONFIG_HOME", in_scratch("config"), 1);
	unsetenv("REGISTRY_AUTH_FILE");
	mkdirs(in_scratch("helper"));
	setenv("BERTH_TEST_CREDS_DIR", in_scratch("helper"), 1);
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/unit/fixtures/creds:%s", getenv("BERTH_SOURCE_DIR"),
		 saved_env[5] ? saved_env[5] : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof env_names / sizeof *env_names; i++) {
		if (saved_env[i])
			setenv(env_names[i], saved_env[i], 1);
		else
			unsetenv(env_names[i]);
		free(saved_env[i]);
		saved_env[i] = NULL;
	}
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
	return system(cmd) == 0 ? 0 : -1;
}

/* base64 of s, in a static buffer */
static const char *b64(const char *s, size_t n)
{
	static char out[256];
	base64_encode(out, s, n, false);
	return out;
}

#define assert_no_secret(errp, secret) \
	do { \
		if (strstr((errp)->message, (secret))) \
			fail_msg("the message \"%s\" shows the secret", (errp)->message); \
	} while (0)

/* ---- servers and keys -------------------------------------------------------------- */

static void test_server_keys(void **state)
{
	(void)state;
	static const struct { const char *in, *host, *key; bool hub; } good[] = {
		{ NULL, "docker.io", AUTHFILE_HUB_KEY, true },
		{ "", "docker.io", AUTHFILE_HUB_KEY, true },
		{ "docker.io", "docker.io", AUTHFILE_HUB_KEY, true },
		{ "index.docker.io", "docker.io", AUTHFILE_HUB_KEY, true },
		{ "registry-1.docker.io", "docker.io", AUTHFILE_HUB_KEY, true },
		{ "https://index.docker.io/v1/", "docker.io", AUTHFILE_HUB_KEY, true },
		{ "registry.example.com:5000", "registry.example.com:5000", "registry.example.com:5000", false },
		{ "http://host:5000/v2/", "host:5000", "host:5000", false },
		{ "https://Quay.IO", "Quay.IO", "Quay.IO", false },
		{ "[::1]:5000", "[::1]:5000", "[::1]:5000", false },
	};
	berth_error err = BERTH_ERROR_INIT;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		registry_server s;
		assert_ok(registry_server_parse(&s, good[i].in, &err), &err);
		assert_string_equal(s.host, good[i].host);
		assert_string_equal(s.docker_key, good[i].key);
		assert_int_equal(s.hub, good[i].hub);
	}
	static const char *const bad[] = { "https://", "/x", "bad host", "-x.io", "a:99999", "x\n" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		registry_server s;
		if (registry_server_parse(&s, bad[i], &err) != BERTH_EINVAL)
			fail_msg("accepted server \"%s\"", bad[i]);
		assert_message_has(&err, "registry server");
	}
}

/* ---- the files' parser -------------------------------------------------------------- */

static int lookup(authfile_entry *e, const char *text, authfile_kind kind, const char *server, berth_error *err)
{
	registry_server s;
	assert_ok(registry_server_parse(&s, server, err), err);
	return authfile_lookup(e, text, strlen(text), "config.json", kind, &s, err);
}

static void test_lookup_auths(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	authfile_entry e;
	char text[2048];
	/* Docker Hub's key, padded base64 */
	snprintf(text, sizeof text, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"%s\"}}}",
		 b64("hubuser:hub-pass-1", 18));
	assert_ok(lookup(&e, text, AUTHFILE_DOCKER, "docker.io", &err), &err);
	assert_string_equal(e.username, "hubuser");
	assert_string_equal(e.password, "hub-pass-1");
	assert_string_equal(e.key, AUTHFILE_HUB_KEY);
	assert_null(e.identity_token);
	authfile_entry_release(&e);
	/* without padding; a password with ':' in it; NULs at its end dropped */
	static const char plain[] = "u:pa:ss\0\0\0";
	char enc[256];
	snprintf(enc, sizeof enc, "%s", b64(plain, sizeof plain - 1));
	*strchr(enc, '=') = '\0';
	snprintf(text, sizeof text, "{\"auths\":{\"reg.example\":{\"auth\":\"%s\"}}}", enc);
	assert_ok(lookup(&e, text, AUTHFILE_DOCKER, "reg.example", &err), &err);
	assert_string_equal(e.username, "u");
	assert_string_equal(e.password, "pa:ss");
	authfile_entry_release(&e);
	/* a key written as a URL, or with a path, names its host */
	snprintf(text, sizeof text,
		 "{\"auths\":{\"other.example\":{\"auth\":\"%s\"},\"https://reg.example:5000/v1/\":{\"auth\":\"%s\"}}}",
		 b64("x:y", 3), "dTE6cDE=");
	assert_ok(lookup(&e, text, AUTHFILE_DOCKER, "reg.example:5000", &err), &err);
	assert_string_equal(e.key, "https://reg.example:5000/v1/");
	assert_string_equal(e.username, "u1");
	assert_string_equal(e.password, "p1");
	authfile_entry_release(&e);
	assert_ok(lookup(&e, "{\"auths\":{\"reg.example/v2/\":{\"auth\":\"dTE6cDE=\"}}}", AUTHFILE_DOCKER, "reg.example",
			 &err), &err);
	assert_string_equal(e.username, "u1");
	authfile_entry_release(&e);
	/* ... but a Podman key without a scheme is host/namespace: another thing */
	assert_ok(lookup(&e, "{\"auths\":{\"quay.io/ns/repo\":{\"auth\":\"dTE6cDE=\"}}}", AUTHFILE_PODMAN, "quay.io", &err),
		  &err);
	assert_null(e.key);
	assert_null(e.username);
	authfile_entry_release(&e);
	/* Podman's Docker Hub key, and Docker's read by Podman's rules */
	assert_ok(lookup(&e, "{\"auths\":{\"docker.io\":{\"auth\":\"dTE6cDE=\"}}}", AUTHFILE_PODMAN, NULL, &err), &err);
	assert_string_equal(e.key, "docker.io");
	authfile_entry_release(&e);
	assert_ok(lookup(&e, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"dTE6cDE=\"}}}", AUTHFILE_PODMAN,
			 "index.docker.io", &err), &err);
	assert_string_equal(e.username, "u1");
	authfile_entry_release(&e);
	/* username and password fields; an identity token */
	assert_ok(lookup(&e,
			 "{\"auths\":{\"r.io\":{\"username\":\"fu\",\"password\":\"fp\",\"identitytoken\":\"it-1\"}},"
			 "\"psFormat\":\"x\"}",
			 AUTHFILE_DOCKER, "r.io", &err), &err);
	assert_string_equal(e.username, "fu");
	assert_string_equal(e.password, "fp");
	assert_string_equal(e.identity_token, "it-1");
	authfile_entry_release(&e);
	/* nothing for this server; an empty file; an empty entry */
	assert_ok(lookup(&e, "{\"auths\":{\"r.io\":{\"auth\":\"dTE6cDE=\"}}}", AUTHFILE_DOCKER, "s.io", &err), &err);
	assert_null(e.key);
	authfile_entry_release(&e);
	assert_ok(lookup(&e, " \n", AUTHFILE_DOCKER, "s.io", &err), &err);
	assert_ok(lookup(&e, "{\"auths\":{\"s.io\":{}}}", AUTHFILE_DOCKER, "s.io", &err), &err);
	assert_string_equal(e.key, "s.io");
	assert_null(e.username);
	assert_null(e.password);
	authfile_entry_release(&e);
}

static void test_lookup_helpers(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	authfile_entry e;
	const char *text = "{\"auths\":{\"r.io\":{\"auth\":\"dTE6cDE=\"}},\"credsStore\":\"pass\","
			   "\"credHelpers\":{\"gcr.io\":\"gcloud\",\"https://index.docker.io/v1/\":\"hubhelper\"}}";
	assert_ok(lookup(&e, text, AUTHFILE_DOCKER, "gcr.io", &err), &err);
	assert_string_equal(e.helper, "gcloud");
	authfile_entry_release(&e);
	assert_ok(lookup(&e, text, AUTHFILE_DOCKER, NULL, &err), &err);
	assert_string_equal(e.helper, "hubhelper");
	authfile_entry_release(&e);
	/* the store stands before the file's own auths, as in docker */
	assert_ok(lookup(&e, text, AUTHFILE_DOCKER, "r.io", &err), &err);
	assert_null(e.helper);
	assert_string_equal(e.store, "pass");
	assert_null(e.username);
	authfile_entry_release(&e);
	/* Podman's files know no credsStore */
	assert_ok(lookup(&e, text, AUTHFILE_PODMAN, "r.io", &err), &err);
	assert_null(e.store);
	assert_string_equal(e.username, "u1");
	authfile_entry_release(&e);
}

static void test_lookup_malformed(void **state)
{
	(void)state;
	static const struct { const char *text, *why; } bad[] = {
		{ "not json sekrit-1", "not JSON (line 1" },
		{ "[1,2]", "not a JSON object" },
		{ "{\"auths\":[]}", "\"auths\" is not an object" },
		{ "{\"credHelpers\":3}", "\"credHelpers\" is not an object" },
		{ "{\"credHelpers\":{\"r.io\":1}}", "credHelpers[\"r.io\"] is not a string" },
		{ "{\"credsStore\":{}}", "credsStore is not a string" },
		{ "{\"auths\":{\"r.io\":\"sekrit-1\"}}", "auths[\"r.io\"] is not an object" },
		{ "{\"auths\":{\"r.io\":{\"auth\":\"sekrit-1!\"}}}", "auths[\"r.io\"].auth is not base64" },
		{ "{\"auths\":{\"r.io\":{\"auth\":\"c2Vrcml0LTE=\"}}}", "not base64 of user:password" },
		{ "{\"auths\":{\"r.io\":{\"auth\":\"OnNla3JpdC0x\"}}}", "not base64 of user:password" },
		{ "{\"auths\":{\"r.io\":{\"auth\":5}}}", "auth is not a string" },
		{ "{\"auths\":{\"r.io\":{\"password\":[\"sekrit-1\"]}}}", "password is not a string" },
		{ "{\"auths\":{\"r.io\":{\"identitytoken\":\"sekrit-1\\u0000\"}}}", "identitytoken holds a NUL" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		berth_error err = BERTH_ERROR_INIT;
		authfile_entry e;
		if (lookup(&e, bad[i].text, AUTHFILE_DOCKER, "r.io", &err) != BERTH_EPROTOCOL)
			fail_msg("accepted %s", bad[i].text);
		assert_message_has(&err, "config.json");
		assert_message_has(&err, bad[i].why);
		assert_no_secret(&err, "sekrit");
		assert_null(e.username);
	}
	/* a malformed entry of another server does not matter */
	berth_error err = BERTH_ERROR_INIT;
	authfile_entry e;
	assert_ok(lookup(&e, "{\"auths\":{\"x.io\":{\"auth\":\"!!\"},\"r.io\":{\"auth\":\"dTE6cDE=\"}}}", AUTHFILE_DOCKER,
			 "r.io", &err), &err);
	assert_string_equal(e.password, "p1");
	authfile_entry_release(&e);
}

static void test_edit(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	registry_server s;
	assert_ok(registry_server_parse(&s, "reg.example", &err), &err);
	const char *text = "{\"psFormat\":\"table\",\"auths\":{\"other.io\":{\"auth\":\"dTE6cDE=\"},"
			   "\"https://reg.example/v1/\":{\"auth\":\"b2xkOm9sZA==\"}},\"proxies\":{\"default\":{\"a\":1}}}";
	char *out = NULL;
	bool changed = false;
	authfile_set set = { "neo", "new-pass-1", NULL };
	assert_ok(authfile_edit(&out, &changed, text, strlen(text), "config.json", AUTHFILE_DOCKER, &s, &set, &err), &err);
	assert_true(changed);
	json_t *j = json_loads(out, 0, NULL);
	assert_non_null(j);
	/* the other keys are all there, in their order */
	const char *first = NULL;
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v) {
		first = first ? first : k;
	}
	assert_string_equal(first, "psFormat");
	assert_non_null(json_object_get(json_object_get(j, "proxies"), "default"));
	json_t *auths = json_object_get(j, "auths");
	assert_non_null(json_object_get(auths, "other.io"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(auths, "reg.example"), "auth")),
			    b64("neo:new-pass-1", 14));
	json_decref(j);
	/* the exact key wins over the older URL key */
	authfile_entry e;
	assert_ok(authfile_lookup(&e, out, strlen(out), "config.json", AUTHFILE_DOCKER, &s, &err), &err);
	assert_string_equal(e.password, "new-pass-1");
	authfile_entry_release(&e);
	/* erase: the exact key and the one that names the same host */
	char *erased = NULL;
	assert_ok(authfile_edit(&erased, &changed, out, strlen(out), "config.json", AUTHFILE_DOCKER, &s, NULL, &err),
		  &err);
	assert_true(changed);
	assert_null(strstr(erased, "reg.example"));
	assert_non_null(strstr(erased, "other.io"));
	assert_non_null(strstr(erased, "psFormat"));
	free(out);
	out = NULL;
	assert_ok(authfile_edit(&out, &changed, erased, strlen(erased), "config.json", AUTHFILE_DOCKER, &s, NULL, &err),
		  &err);
	assert_false(changed);
	free(out);
	free(erased);
	/* a new file; an identity token with and without a user */
	authfile_set tok = { NULL, NULL, "it-2" };
	assert_ok(authfile_edit(&out, &changed, NULL, 0, "auth.json", AUTHFILE_PODMAN, &s, &tok, &err), &err);
	assert_ok(authfile_lookup(&e, out, strlen(out), "auth.json", AUTHFILE_PODMAN, &s, &err), &err);
	assert_string_equal(e.identity_token, "it-2");
	assert_null(e.username);
	authfile_entry_release(&e);
	free(out);
	authfile_set usertok = { "tu", NULL, "it-3" };
	assert_ok(authfile_edit(&out, &changed, NULL, 0, "auth.json", AUTHFILE_PODMAN, &s, &usertok, &err), &err);
	assert_ok(authfile_lookup(&e, out, strlen(out), "auth.json", AUTHFILE_PODMAN, &s, &err), &err);
	assert_string_equal(e.username, "tu");
	assert_string_equal(e.identity_token, "it-3");
	authfile_entry_release(&e);
	free(out);
	/* a malformed file is not rewritten */
	out = NULL;
	assert_code(authfile_edit(&out, &changed, "{\"auths\":", 9, "config.json", AUTHFILE_DOCKER, &s, &set, &err),
		    BERTH_EPROTOCOL, &err);
	assert_null(out);
}

static void test_helper_reply(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	char *u, *sec;
	bool token;
	const char *good = "{\"ServerURL\":\"r.io\",\"Username\":\"hu\",\"Secret\":\"hs\"}\n";
	assert_ok(authfile_helper_reply(&u, &sec, &token, good, strlen(good), "docker-credential-x", &err), &err);
	assert_string_equal(u, "hu");
	assert_string_equal(sec, "hs");
	assert_false(token);
	free(u);
	free(sec);
	const char *tok = "{\"Username\":\"<token>\",\"Secret\":\"ht\"}";
	assert_ok(authfile_helper_reply(&u, &sec, &token, tok, strlen(tok), "docker-credential-x", &err), &err);
	assert_null(u);
	assert_string_equal(sec, "ht");
	assert_true(token);
	free(sec);
	assert_ok(authfile_helper_reply(&u, &sec, &token, "{}", 2, "docker-credential-x", &err), &err);
	assert_null(u);
	assert_null(sec);
	static const char *const bad[] = { "sekrit-1", "[\"sekrit-1\"]", "{\"Secret\":[\"sekrit-1\"]}",
					   "{\"Username\":1,\"Secret\":\"sekrit-1\"}", "" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_code(authfile_helper_reply(&u, &sec, &token, bad[i], strlen(bad[i]), "docker-credential-x", &err),
			    BERTH_EPROTOCOL, &err);
		assert_message_has(&err, "docker-credential-x");
		assert_no_secret(&err, "sekrit");
	}
	assert_true(authfile_helper_not_found("credentials not found in native keychain\n", 41));
	assert_true(authfile_helper_not_found("\n credentials not found", 23));
	assert_false(authfile_helper_not_found("error: credentials not found", 28));
	assert_false(authfile_helper_not_found("", 0));
}

/* ---- the resolver over files ------------------------------------------------------------ */

static berth_credentials *get_ok(const char *server, const berth_credentials_options *o)
{
	berth_error err = BERTH_ERROR_INIT;
	berth_credentials *c = NULL;
	assert_ok(berth_credentials_get(&c, server, o, &err), &err);
	assert_non_null(c);
	return c;
}

static void test_get_files(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	/* nothing anywhere: anonymous, keyed as Docker keys it */
	berth_credentials *c = get_ok(NULL, NULL);
	assert_true(berth_credentials_is_anonymous(c));
	assert_string_equal(berth_credentials_source(c), "anonymous");
	assert_string_equal(berth_credentials_server(c), AUTHFILE_HUB_KEY);
	assert_string_equal(berth_credentials_secret(c), "");
	berth_credentials_free(c);

	char text[512];
	snprintf(text, sizeof text, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"%s\"}}}",
		 b64("dockeruser:docker-pass-1", 24));
	write_text(in_scratch("docker/config.json"), text);
	snprintf(text, sizeof text,
		 "{\"auths\":{\"docker.io\":{\"auth\":\"%s\"},\"only.podman\":{\"auth\":\"cHU6cHA=\"}}}",
		 b64("podmanuser:podman-pass-1", 24));
	write_text(in_scratch("run/containers/auth.json"), text);

	/* Docker's convention: config.json first */
	c = get_ok("docker.io", NULL);
	assert_false(berth_credentials_is_anonymous(c));
	assert_string_equal(berth_credentials_username(c), "dockeruser");
	assert_string_equal(berth_credentials_secret(c), "docker-pass-1");
	assert_string_equal(berth_credentials_source(c), in_scratch("docker/config.json"));
	assert_string_equal(berth_credentials_server(c), AUTHFILE_HUB_KEY);
	berth_credentials_free(c);
	/* what config.json lacks comes from Podman's file */
	c = get_ok("only.podman", NULL);
	assert_string_equal(berth_credentials_username(c), "pu");
	assert_string_equal(berth_credentials_source(c), in_scratch("run/containers/auth.json"));
	berth_credentials_free(c);
	/* Podman's convention: its file first */
	berth_credentials_options o = BERTH_CREDENTIALS_OPTIONS_INIT;
	o.convention = BERTH_CREDENTIALS_PODMAN;
	c = get_ok("index.docker.io", &o);
	assert_string_equal(berth_credentials_username(c), "podmanuser");
	assert_string_equal(berth_credentials_server(c), "docker.io");
	berth_credentials_free(c);
	/* $XDG_CONFIG_HOME/containers/auth.json after the runtime one */
	write_text(in_scratch("config/containers/auth.json"), "{\"auths\":{\"cfg.io\":{\"auth\":\"dTE6cDE=\"}}}");
	c = get_ok("cfg.io", &o);
	assert_string_equal(berth_credentials_source(c), in_scratch("config/containers/auth.json"));
	berth_credentials_free(c);
	/* REGISTRY_AUTH_FILE replaces both Podman places */
	write_text(in_scratch("named.json"), "{\"auths\":{\"docker.io\":{\"auth\":\"bnU6bnA=\"}}}");
	setenv("REGISTRY_AUTH_FILE", in_scratch("named.json"), 1);
	c = get_ok(NULL, &o);
	assert_string_equal(berth_credentials_username(c), "nu");
	berth_credentials_free(c);
	c = get_ok("cfg.io", &o);
	assert_true(berth_credentials_is_anonymous(c));
	berth_credentials_free(c);
	unsetenv("REGISTRY_AUTH_FILE");
	/* the options' paths stand before the environment's */
	write_text(in_scratch("elsewhere/config.json"), "{\"auths\":{\"docker.io\":{\"identitytoken\":\"it-9\"}}}");
	berth_credentials_options od = BERTH_CREDENTIALS_OPTIONS_INIT;
	od.docker_config_dir = in_scratch("elsewhere");
	c = get_ok("registry-1.docker.io", &od);
	assert_string_equal(berth_credentials_identity_token(c), "it-9");
	assert_string_equal(berth_credentials_username(c), "");
	assert_false(berth_credentials_is_anonymous(c));
	berth_credentials_free(c);
	od.docker_config_dir = in_scratch("nowhere");
	od.auth_file = in_scratch("named.json");
	c = get_ok(NULL, &od);
	assert_string_equal(berth_credentials_username(c), "nu");
	berth_credentials_free(c);
	/* explicit credentials: nothing is read */
	berth_credentials_options oe = BERTH_CREDENTIALS_OPTIONS_INIT;
	oe.username = "eu";
	oe.secret = "explicit-pass-1";
	c = get_ok("docker.io", &oe);
	assert_string_equal(berth_credentials_username(c), "eu");
	assert_string_equal(berth_credentials_secret(c), "explicit-pass-1");
	assert_string_equal(berth_credentials_source(c), "options");
	berth_credentials_free(c);
	oe.secret = NULL;
	assert_code(berth_credentials_get(&c, NULL, &oe, &err), BERTH_EINVAL, &err);
	oe.username = NULL;
	oe.identity_token = "eit";
	c = get_ok(NULL, &oe);
	assert_string_equal(berth_credentials_identity_token(c), "eit");
	berth_credentials_free(c);
	/* a malformed file stops the search, and shows no secret */
	write_text(in_scratch("docker/config.json"), "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"c2Vrcml0\"}}}");
	c = (berth_credentials *)0x1;
	assert_code(berth_credentials_get(&c, NULL, NULL, &err), BERTH_EPROTOCOL, &err);
	assert_ptr_equal(c, (berth_credentials *)0x1);
	assert_message_has(&err, in_scratch("docker/config.json"));
	assert_no_secret(&err, "c2Vrcml0");
	assert_no_secret(&err, "sekrit");
	write_text(in_scratch("docker/config.json"), "{");
	assert_code(berth_credentials_get(&c, NULL, NULL, &err), BERTH_EPROTOCOL, &err);
	/* misuse */
	assert_code(berth_credentials_get(NULL, NULL, NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_credentials_get(&c, "bad host", NULL, &err), BERTH_EINVAL, &err);
	berth_credentials_options ov = BERTH_CREDENTIALS_OPTIONS_INIT;
	ov.version = 99;
	assert_code(berth_credentials_get(&c, NULL, &ov, &err), BERTH_EINVAL, &err);
	ov = (berth_credentials_options)BERTH_CREDENTIALS_OPTIONS_INIT;
	ov.convention = (berth_credentials_convention)7;
	assert_code(berth_credentials_get(&c, NULL, &ov, &err), BERTH_EINVAL, &err);
	ov.convention = BERTH_CREDENTIALS_DOCKER;
	ov.helper_timeout_ms = -1;
	assert_code(berth_credentials_get(&c, NULL, &ov, &err), BERTH_EINVAL, &err);
	berth_credentials_free(NULL);
	assert_string_equal(berth_credentials_username(NULL), "");
	assert_true(berth_credentials_is_anonymous(NULL));
}

/* ---- the resolver with a credential helper ------------------------------------------ */

/* The argv every helper run had: only its verb, never a secret. */
static void assert_helper_argv_clean(const char *secret)
{
	char *log = read_text(in_scratch("helper/argv.log"));
	assert_non_null(log);
	for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n"))
		if (strcmp(line, "get") && strcmp(line, "store") && strcmp(line, "erase"))
			fail_msg("a helper was run with \"%s\"", line);
	assert_null(strstr(log, secret));
	free(log);
}


static void test_helper_get(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	write_text(in_scratch("docker/config.json"),
		   "{\"credsStore\":\"berthtest\",\"credHelpers\":{\"missing.example\":\"nonexistent-berth\","
		   "\"badname.example\":\"../x\"}}");
	write_text(in_scratch("helper/entry-https___index.docker.io_v1_"),
		   "{\"ServerURL\":\"https://index.docker.io/v1/\",\"Username\":\"hu\",\"Secret\":\"helper-pass-1\"}");
	berth_credentials *c = get_ok(NULL, NULL);
	assert_string_equal(berth_credentials_username(c), "hu");
	assert_string_equal(berth_credentials_secret(c), "helper-pass-1");
	assert_string_equal(berth_credentials_source(c), "credential helper docker-credential-berthtest");
	assert_string_equal(berth_credentials_server(c), AUTHFILE_HUB_KEY);
	berth_credentials_free(c);
	c = get_ok("token.example", NULL);
	assert_string_equal(berth_credentials_identity_token(c), "tok-secret-1");
	assert_string_equal(berth_credentials_username(c), "");
	assert_string_equal(berth_credentials_secret(c), "");
	berth_credentials_free(c);
	/* "credentials not found": on to the next file, then anonymous */
	c = get_ok("unknown.example", NULL);
	assert_true(berth_credentials_is_anonymous(c));
	berth_credentials_free(c);
	write_text(in_scratch("run/containers/auth.json"), "{\"auths\":{\"unknown.example\":{\"auth\":\"dTE6cDE=\"}}}");
	c = get_ok("unknown.example", NULL);
	assert_string_equal(berth_credentials_username(c), "u1");
	berth_credentials_free(c);
	/* misbehaving helpers: named errors, no secret shown */
	assert_code(berth_credentials_get(&c, "garbage.example", NULL, &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "docker-credential-berthtest");
	assert_no_secret(&err, "this is not json");
	assert_code(berth_credentials_get(&c, "fail.example", NULL, &err), BERTH_EENGINE, &err);
	assert_message_has(&err, "docker-credential-berthtest get failed (exit status 2)");
	assert_message_has(&err, "gpg: decryption failed");
	assert_code(berth_credentials_get(&c, "big.example", NULL, &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "64 KiB");
	assert_code(berth_credentials_get(&c, "missing.example", NULL, &err), BERTH_EUNAVAILABLE, &err);
	assert_message_has(&err, "docker-credential-nonexistent-berth");
	assert_message_has(&err, "not in PATH");
	assert_code(berth_credentials_get(&c, "badname.example", NULL, &err), BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "no credential helper name");
	/* a hang: bounded, the helper and its child killed, nothing left */
	berth_credentials_options o = BERTH_CREDENTIALS_OPTIONS_INIT;
	o.helper_timeout_ms = 300;
	int64_t t0 = now_ms();
	assert_code(berth_credentials_get(&c, "hang.example", &o, &err), BERTH_ETIMEDOUT, &err);
	assert_true(now_ms() - t0 < 5000);
	assert_message_has(&err, "docker-credential-berthtest get: no answer within 300 ms (killed)");
	assert_no_children();
	char *pid_text = read_text(in_scratch("helper/hang.pid"));
	assert_non_null(pid_text);
	pid_t sleeper = (pid_t)atoi(pid_text);
	free(pid_text);
	for (int i = 0; i < 200 && kill(sleeper, 0) == 0; i++) {
		char path[64], *st;
		snprintf(path, sizeof path, "/proc/%d/stat", (int)sleeper);
		st = read_text(path);
		bool zombie = st && strrchr(st, ')') && strrchr(st, ')')[2] == 'Z';
		free(st);
		if (zombie)
			break; /* dead, waiting for init */
		if (i == 199)
			fail_msg("the hanging helper's child %d still runs", (int)sleeper);
		usleep(10000);
	}
	assert_helper_argv_clean("helper-pass-1");
}

/* ---- store and erase ------------------------------------------------------------------ */

static void test_store_file(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	/* a new file: the directory and the file made private */
	assert_ok(berth_credentials_store(NULL, "su", "store-pass-1", NULL, &err), &err);
	struct stat st;
	assert_int_equal(stat(in_scratch("docker/config.json"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(in_scratch("docker"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	char *text = read_text(in_scratch("docker/config.json"));
	assert_non_null(strstr(text, AUTHFILE_HUB_KEY));
	assert_non_null(strstr(text, b64("su:store-pass-1", 15)));
	assert_null(strstr(text, "store-pass-1"));
	free(text);
	berth_credentials *c = get_ok("docker.io", NULL);
	assert_string_equal(berth_credentials_secret(c), "store-pass-1");
	berth_credentials_free(c);
	/* an existing file keeps its other keys; a 0644 file becomes 0600 */
	write_text(in_scratch("docker/config.json"),
		   "{\"psFormat\":\"table\",\"auths\":{\"keep.io\":{\"auth\":\"dTE6cDE=\"}},\"detachKeys\":\"ctrl-x\"}");
	chmod(in_scratch("docker/config.json"), 0644);
	assert_ok(berth_credentials_store("http://reg.example:5000/v2/", "ru", "store-pass-2", NULL, &err), &err);
	stat(in_scratch("docker/config.json"), &st);
	assert_int_equal(st.st_mode & 0777, 0600);
	json_t *j = json_load_file(in_scratch("docker/config.json"), 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "psFormat")), "table");
	assert_string_equal(json_string_value(json_object_get(j, "detachKeys")), "ctrl-x");
	json_t *auths = json_object_get(j, "auths");
	assert_non_null(json_object_get(auths, "keep.io"));
	assert_non_null(json_object_get(auths, "reg.example:5000"));
	json_decref(j);
	/* no temporary file left beside it */
	char cmd[300];
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", in_scratch("docker"));
	assert_int_equal(system(cmd), 0);
	/* erase: gone; again: still fine */
	assert_ok(berth_credentials_erase("reg.example:5000", NULL, &err), &err);
	c = get_ok("reg.example:5000", NULL);
	assert_true(berth_credentials_is_anonymous(c));
	berth_credentials_free(c);
	assert_ok(berth_credentials_erase("reg.example:5000", NULL, &err), &err);
	assert_ok(berth_credentials_erase("never.example", NULL, &err), &err);
	/* an identity token */
	assert_ok(berth_credentials_store("tok.example", NULL, "store-token-1", NULL, &err), &err);
	c = get_ok("tok.example", NULL);
	assert_string_equal(berth_credentials_identity_token(c), "store-token-1");
	berth_credentials_free(c);
	/* a symbolic link is followed, and stays a link */
	write_text(in_scratch("dotfiles/config.json"), "{}");
	unlink(in_scratch("docker/config.json"));
	assert_int_equal(symlink(in_scratch("dotfiles/config.json"), in_scratch("docker/config.json")), 0);
	assert_ok(berth_credentials_store("link.example", "lu", "store-pass-3", NULL, &err), &err);
	assert_int_equal(lstat(in_scratch("docker/config.json"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	text = read_text(in_scratch("dotfiles/config.json"));
	assert_non_null(strstr(text, "link.example"));
	free(text);
	/* a file berth cannot parse is left alone */
	write_text(in_scratch("dotfiles/config.json"), "{\"auths\":");
	assert_code(berth_credentials_store("x.example", "xu", "store-pass-4", NULL, &err), BERTH_EPROTOCOL, &err);
	assert_no_secret(&err, "store-pass-4");
	text = read_text(in_scratch("dotfiles/config.json"));
	assert_string_equal(text, "{\"auths\":");
	free(text);
	/* bad input */
	assert_code(berth_credentials_store(NULL, "a:b", "p", NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_credentials_store(NULL, "a\nb", "p", NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_credentials_store(NULL, "", "p", NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_credentials_store(NULL, "u", "", NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_credentials_store(NULL, "u", NULL, NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_credentials_store("bad host", "u", "p", NULL, &err), BERTH_EINVAL, &err);
	/* Podman's convention: its auth file, keyed "docker.io" */
	berth_credentials_options o = BERTH_CREDENTIALS_OPTIONS_INIT;
	o.convention = BERTH_CREDENTIALS_PODMAN;
	assert_ok(berth_credentials_store("index.docker.io", "pu", "store-pass-5", &o, &err), &err);
	j = json_load_file(in_scratch("run/containers/auth.json"), 0, NULL);
	assert_non_null(json_object_get(json_object_get(j, "auths"), "docker.io"));
	json_decref(j);
	stat(in_scratch("run/containers/auth.json"), &st);
	assert_int_equal(st.st_mode & 0777, 0600);
	c = get_ok(NULL, &o);
	assert_string_equal(berth_credentials_secret(c), "store-pass-5");
	assert_string_equal(berth_credentials_source(c), in_scratch("run/containers/auth.json"));
	berth_credentials_free(c);
	assert_ok(berth_credentials_erase("docker.io", &o, &err), &err);
	text = read_text(in_scratch("run/containers/auth.json"));
	assert_null(strstr(text, "docker.io"));
	free(text);
}

static void test_store_helper(void **state)
{
	(void)state;
	berth_error err = BERTH_ERROR_INIT;
	write_text(in_scratch("docker/config.json"), "{\"credsStore\":\"berthtest\",\"psFormat\":\"x\"}");
	assert_ok(berth_credentials_store(NULL, "hu", "helper-pass-2", NULL, &err), &err);
	/* the secret went to the helper; the file got docker's empty entry */
	char *text = read_text(in_scratch("docker/config.json"));
	assert_null(strstr(text, "helper-pass-2"));
	json_t *j = json_loads(text, 0, NULL);
	json_t *entry = json_object_get(json_object_get(j, "auths"), AUTHFILE_HUB_KEY);
	assert_true(json_is_object(entry) && json_object_size(entry) == 0);
	assert_string_equal(json_string_value(json_object_get(j, "credsStore")), "berthtest");
	json_decref(j);
	free(text);
	berth_credentials *c = get_ok("docker.io", NULL);
	assert_string_equal(berth_credentials_username(c), "hu");
	assert_string_equal(berth_credentials_secret(c), "helper-pass-2");
	assert_string_equal(berth_credentials_source(c), "credential helper docker-credential-berthtest");
	berth_credentials_free(c);
	/* an identity token goes as "<token>" */
	assert_ok(berth_credentials_store("tok2.example", NULL, "helper-token-2", NULL, &err), &err);
	c = get_ok("tok2.example", NULL);
	assert_string_equal(berth_credentials_identity_token(c), "helper-token-2");
	berth_credentials_free(c);
	/* erase: through the helper, and the file's entry too */
	assert_ok(berth_credentials_erase(NULL, NULL, &err), &err);
	c = get_ok("docker.io", NULL);
	assert_true(berth_credentials_is_anonymous(c));
	berth_credentials_free(c);
	text = read_text(in_scratch("docker/config.json"));
	assert_null(strstr(text, AUTHFILE_HUB_KEY));
	free(text);
	/* "credentials not found" on erase is no error */
	assert_ok(berth_credentials_erase(NULL, NULL, &err), &err);
	/* a helper that refuses and quotes its input: the secret is not shown */
	assert_code(berth_credentials_store("refuse.example", "ru", "helper-pass-3", NULL, &err), BERTH_EENGINE, &err);
	assert_message_has(&err, "docker-credential-berthtest store failed (exit status 1)");
	assert_message_has(&err, "left out");
	assert_no_secret(&err, "helper-pass-3");
	/* a missing store helper */
	write_text(in_scratch("docker/config.json"), "{\"credsStore\":\"nonexistent-berth\"}");
	assert_code(berth_credentials_store(NULL, "u", "helper-pass-4", NULL, &err), BERTH_EUNAVAILABLE, &err);
	assert_no_secret(&err, "helper-pass-4");
	assert_helper_argv_clean("helper-pass");
	assert_no_children();
}

/* ---- a real credential helper ------------------------------------------------------- */

/* Debian's docker-credential-pass over a password store and a GnuPG key
 * made in the scratch directory. */
static void test_real_pass(void **state)
{
	(void)state;
	if (system("{ command -v docker-credential-pass && command -v pass && command -v gpg && "
		   "command -v gpgconf; } >/dev/null") != 0) {
		printf("# SKIP the real credential helper test: docker-credential-pass, pass or gpg is missing "
		       "(apt-get install golang-docker-credential-helpers pass)\n");
		skip();
	}
	berth_error err = BERTH_ERROR_INIT;
	setenv("GNUPGHOME", in_scratch("gnupg"), 1);
	setenv("PASSWORD_STORE_DIR", in_scratch("pass"), 1);
	mkdirs(in_scratch("gnupg"));
	assert_int_equal(system("gpg --batch --quiet --passphrase '' --quick-gen-key berth-test@example.invalid "
				"default default never 2>/dev/null && pass init berth-test@example.invalid >/dev/null"),
			 0);
	write_text(in_scratch("docker/config.json"), "{\"credsStore\":\"pass\"}");
	assert_ok(berth_credentials_store("reg.example:5000", "pu", "pass-secret-1", NULL, &err), &err);
	berth_credentials *c = get_ok("reg.example:5000", NULL);
	assert_string_equal(berth_credentials_username(c), "pu");
	assert_string_equal(berth_credentials_secret(c), "pass-secret-1");
	assert_string_equal(berth_credentials_source(c), "credential helper docker-credential-pass");
	berth_credentials_free(c);
	char *text = read_text(in_scratch("docker/config.json"));
	assert_null(strstr(text, "pass-secret-1"));
	assert_non_null(strstr(text, "reg.example:5000"));
	free(text);
	/* this helper answers an unknown server with empty credentials */
	c = get_ok("other.example", NULL);
	assert_true(berth_credentials_is_anonymous(c));
	berth_credentials_free(c);
	assert_ok(berth_credentials_erase("reg.example:5000", NULL, &err), &err);
	c = get_ok("reg.example:5000", NULL);
	assert_true(berth_credentials_is_anonymous(c));
	berth_credentials_free(c);
	assert_int_equal(system("gpgconf --kill gpg-agent"), 0);
}

/* ---- X-Registry-Auth ------------------------------------------------------------------- */

static json_t *decode_header(const char *h)
{
	char buf[512];
	ssize_t n = base64_decode(buf, h, strlen(h));
	assert_true(n >= 0);
	/* the URL alphabet: nothing for a header to choke on */
	assert_null(strpbrk(h, "+/"));
	json_t *j = json_loadb(buf, (size_t)n, 0, NULL);
	assert_non_null(j);
	return j;
}

static void test_registry_auth(void **state)
{
	(void)state;
	berth_credentials *c = credentials_new("https://index.docker.io/v1/", "u\"q", "p?>>~", NULL, "options");
	char *h = credentials_registry_auth(c);
	json_t *j = decode_header(h);
	assert_string_equal(json_string_value(json_object_get(j, "username")), "u\"q");
	assert_string_equal(json_string_value(json_object_get(j, "password")), "p?>>~");
	assert_string_equal(json_string_value(json_object_get(j, "serveraddress")), "https://index.docker.io/v1/");
	assert_null(json_object_get(j, "identitytoken"));
	json_decref(j);
	free(h);
	berth_credentials_free(c);
	c = credentials_new("r.io", NULL, NULL, "tok", "x");
	h = credentials_registry_auth(c);
	j = decode_header(h);
	assert_string_equal(json_string_value(json_object_get(j, "identitytoken")), "tok");
	assert_null(json_object_get(j, "password"));
	assert_null(json_object_get(j, "username"));
	json_decref(j);
	free(h);
	berth_credentials_free(c);
	c = credentials_new("r.io", NULL, NULL, NULL, "anonymous");
	h = credentials_registry_auth(c);
	assert_string_equal(h, "e30=");
	free(h);
	berth_credentials_free(c);
	h = credentials_registry_auth(NULL);
	assert_string_equal(h, "e30=");
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_keys),
		cmocka_unit_test(test_lookup_auths),
		cmocka_unit_test(test_lookup_helpers),
		cmocka_unit_test(test_lookup_malformed),
		cmocka_unit_test(test_edit),
		cmocka_unit_test(test_helper_reply),
		cmocka_unit_test_setup_teardown(test_get_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_helper_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_helper, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_pass, setup, teardown),
		cmocka_unit_test(test_registry_auth),
	};
	return cmocka_run_group_tests_name("creds", tests, NULL, NULL);
}
