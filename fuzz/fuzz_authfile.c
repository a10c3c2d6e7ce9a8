/* Fuzz target: registry credential files and credential helpers' replies
 * (parse/authfile.c), and the X-Registry-Auth encoding of what they give
 * (model/registry_model.c).
 *
 * The first byte picks: bit 0 the file's kind (Docker's config.json or
 * Podman's auth.json), bits 1-2 the registry looked up, bit 3 whether the
 * body is a registry server string instead (cut at its first NUL). The
 * rest is the file, fed to the lookup, to both edits (store and erase) and
 * to the helper reply parser.
 *
 * Properties: failures are BERTH_EPROTOCOL or BERTH_ENOMEM with a
 * message; where the lookup succeeds the edits do too; a stored entry is
 * what the lookup then finds (unless a helper stands before it), an erased
 * one is not found; an edited file is JSON the lookup reads again; a
 * helper's identity token comes without a username; the header is
 * base64url of a JSON object. */
#include "fuzz.h"
#include "lib/model/registry_model.h"
#include "lib/parse/authfile.h"
#include "util/base64.h"

#include <stdio.h>

static void check_failure(int r, const berth_error *err)
{
	if ((r != BERTH_EPROTOCOL && r != BERTH_ENOMEM) || err->code != r || !err->message[0])
		abort();
}

static void use_entry(const authfile_entry *e)
{
	const char *parts[] = { e->helper, e->store, e->key, e->username, e->password, e->identity_token };
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if (parts[i])
			fuzz_use(parts[i]);
	if ((e->username || e->password || e->identity_token) && !e->key)
		abort();
}

static void check_header(const berth_credentials *c)
{
	char *h = credentials_registry_auth(c);
	if (!h)
		return;
	size_t n = strlen(h);
	char *json = malloc(n + 1);
	ssize_t m = json ? base64_decode(json, h, n) : -1;
	if (json && (m < 2 || json[0] != '{' || json[m - 1] != '}' || strpbrk(h, "+/")))
		abort();
	free(json);
	free(h);
}

static void lookup_and_edit(const char *text, size_t len, authfile_kind kind, const registry_server *srv)
{
	berth_error err = BERTH_ERROR_INIT;
	authfile_entry e;
	int r = authfile_lookup(&e, text, len, "fuzz.json", kind, srv, &err);
	if (r < 0) {
		check_failure(r, &err);
		return;
	}
	use_entry(&e);
	berth_credentials *c = credentials_new(e.key, e.username, e.password, e.identity_token, "fuzz");
	check_header(c);
	berth_credentials_free(c);
	bool helper = e.helper || e.store;
	authfile_entry_release(&e);

	static const authfile_set set = { "fuzz-user", "fuzz-pass:1", "fuzz-token" };
	for (int erase = 0; erase < 2; erase++) {
		char *out = NULL;
		bool changed = false;
		berth_error e2 = BERTH_ERROR_INIT;
		r = authfile_edit(&out, &changed, text, len, "fuzz.json", kind, srv, erase ? NULL : &set, &e2);
		if (r == BERTH_ENOMEM)
			continue;
		if (r < 0)
			abort(); /* the lookup read the file: so must the edit */
		authfile_entry after;
		r = authfile_lookup(&after, out, strlen(out), "edited.json", kind, srv, &e2);
		if (r == BERTH_ENOMEM) {
			free(out);
			continue;
		}
		if (r < 0)
			abort();
		if (!helper && !erase &&
		    (!after.username || strcmp(after.username, set.username) || !after.password ||
		     strcmp(after.password, set.password) || !after.identity_token ||
		     strcmp(after.identity_token, set.identity_token)))
			abort();
		if (!helper && erase && after.key)
			abort();
		authfile_entry_release(&after);
		free(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 0;
	char *body = fuzz_body(data, size, &len);
	if (!body)
		return 0;
	static const char *const servers[] = { NULL, "r.io", "https://reg.example:5000/v2/", "quay.io" };
	authfile_kind kind = (data[0] & 1) ? AUTHFILE_PODMAN : AUTHFILE_DOCKER;
	berth_error err = BERTH_ERROR_INIT;
	registry_server srv;
	if (data[0] & 8) {
		char *s = strndup(body, len);
		if (s) {
			int r = registry_server_parse(&srv, s, &err);
			if (r == 0) {
				fuzz_use(srv.host);
				fuzz_use(srv.docker_key);
				if (!srv.host[0] || (srv.hub && strcmp(srv.docker_key, AUTHFILE_HUB_KEY)))
					abort();
			} else if (r != BERTH_EINVAL || !err.message[0]) {
				abort();
			}
			free(s);
		}
		free(body);
		return 0;
	}
	if (registry_server_parse(&srv, servers[(data[0] >> 1) & 3], &err) < 0)
		abort();
	lookup_and_edit(body, len, kind, &srv);

	char *user = NULL, *secret = NULL;
	bool token = false;
	berth_error e3 = BERTH_ERROR_INIT;
	int r = authfile_helper_reply(&user, &secret, &token, body, len, "docker-credential-fuzz", &e3);
	if (r == 0) {
		if (token && user)
			abort();
		if (user)
			fuzz_use(user);
		if (secret)
			fuzz_use(secret);
	} else {
		check_failure(r, &e3);
	}
	free(user);
	free(secret);
	(void)authfile_helper_not_found(body, len);
	free(body);
	return 0;
}
