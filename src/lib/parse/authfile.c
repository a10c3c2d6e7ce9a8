/* Credential files and helper replies: see authfile.h. Every copy of a
 * secret this file makes in its own memory is zeroed before it is freed;
 * the JSON library's own copies are not in its reach. */
#include "lib/parse/authfile.h"
#include "lib/parse/imageref.h"
#include "lib/parse/json_util.h"
#include "util/base64.h"

#include <stdio.h>

#define SHOWN 80

/* ---- registries and keys -------------------------------------------------------- */

static bool hub_host(const char *h, size_t n)
{
	static const char *const hub[] = { "docker.io", "index.docker.io", "registry-1.docker.io" };
	for (size_t i = 0; i < ARRAY_SIZE(hub); i++)
		if (strlen(hub[i]) == n && memcmp(hub[i], h, n) == 0)
			return true;
	return false;
}

/* A key or server written as a URL loses its scheme. */
static const char *past_scheme(const char *s, bool *url)
{
	*url = true;
	if (startswith(s, "https://"))
		return s + 8;
	if (startswith(s, "http://"))
		return s + 7;
	*url = false;
	return s;
}

int registry_server_parse(registry_server *out, const char *server, berth_error *err)
{
	memset(out, 0, sizeof *out);
	bool url;
	const char *h = past_scheme(strempty(server), &url);
	size_t n = strcspn(h, "/");
	bool hub = isempty(server);
	if (!hub) {
		char shown[SHOWN];
		text_shown(shown, sizeof shown, server);
		size_t at;
		const char *why = n == 0 ? "no host" : n >= sizeof out->host ? "the host is too long"
									    : imageref_check_domain(h, n, &at);
		if (why)
			return berth_fail(err, BERTH_EINVAL, "registry server \"%s\": %s", shown, why);
		hub = hub_host(h, n);
	}
	out->hub = hub;
	if (hub) {
		snprintf(out->host, sizeof out->host, "%s", IMAGEREF_DEFAULT_DOMAIN);
		snprintf(out->docker_key, sizeof out->docker_key, "%s", AUTHFILE_HUB_KEY);
	} else {
		memcpy(out->host, h, n);
		memcpy(out->docker_key, h, n);
	}
	return 0;
}

/* Whether an "auths" key other than the exact one stands for srv: one
 * written as a URL ("https://host/v1/"), or in Docker's files with a path
 * ("host/v2/"). Podman's keys without a scheme are hosts or
 * host/namespace (which only a repository lookup would use). */
static bool key_matches(const char *key, authfile_kind kind, const registry_server *srv)
{
	bool url;
	const char *h = past_scheme(key, &url);
	size_t n = url || kind == AUTHFILE_DOCKER ? strcspn(h, "/") : strlen(h);
	if (srv->hub)
		return hub_host(h, n);
	return strlen(srv->host) == n && memcmp(h, srv->host, n) == 0;
}

static const char *exact_key(authfile_kind kind, const registry_server *srv)
{
	return kind == AUTHFILE_DOCKER ? srv->docker_key : srv->host;
}

/* ---- reading ------------------------------------------------------------------ */

void authfile_entry_release(authfile_entry *e)
{
	free(e->helper);
	free(e->store);
	free(e->key);
	secret_free(e->username);
	secret_free(e->password);
	secret_free(e->identity_token);
	memset(e, 0, sizeof *e);
}

/* The file's root object; an empty (or blank) file is an empty one. The
 * parser's own message is left out: it quotes the text. */
static int load_root(json_t **out, const char *text, size_t len, const char *what, berth_error *err)
{
	size_t i = 0;
	while (i < len && strchr(" \t\r\n", text[i]) && text[i])
		i++;
	json_error_t je;
	json_t *root = i == len ? json_object() : json_loadb(text, len, JSON_ALLOW_NUL, &je);
	if (!root && i == len)
		return BERTH_NOMEM(err);
	if (!root)
		return berth_fail(err, BERTH_EPROTOCOL, "%s: not JSON (line %d, column %d)", what, je.line, je.column);
	if (!json_is_object(root)) {
		json_decref(root);
		return berth_fail(err, BERTH_EPROTOCOL, "%s: not a JSON object", what);
	}
	*out = root;
	return 0;
}

/* Section `name` of root: an object, or NULL when absent or null. */
static int section(json_t **out, json_t *root, const char *name, const char *what, berth_error *err)
{
	json_t *s = json_object_get(root, name);
	*out = json_is_object(s) ? s : NULL;
	if (s && !json_is_object(s) && !json_is_null(s))
		return berth_fail(err, BERTH_EPROTOCOL, "%s: \"%s\" is not an object", what, name);
	return 0;
}

/* Field `name` of o: a copy of a non-empty string, or NULL when absent,
 * null or empty. */
static int string_field(char **out, json_t *o, const char *name, const char *what, const char *where,
			berth_error *err)
{
	json_t *v = json_object_get(o, name);
	*out = NULL;
	if (v && !json_is_string(v) && !json_is_null(v))
		return berth_fail(err, BERTH_EPROTOCOL, "%s: %s%s is not a string", what, where, name);
	if (!json_is_string(v) || !json_string_length(v))
		return 0;
	if (memchr(json_string_value(v), '\0', json_string_length(v)))
		return berth_fail(err, BERTH_EPROTOCOL, "%s: %s%s holds a NUL", what, where, name);
	*out = strdup(json_string_value(v));
	return *out ? 0 : BERTH_NOMEM(err);
}

/* "auth": base64 of "user:password". */
static int decode_auth(authfile_entry *out, const char *b64, size_t len, const char *what, const char *where,
		       berth_error *err)
{
	char *buf = malloc(len * 3 / 4 + 1);
	if (!buf)
		return BERTH_NOMEM(err);
	ssize_t n = base64_decode(buf, b64, len);
	int r = 0;
	char *colon = n > 0 ? memchr(buf, ':', (size_t)n) : NULL;
	if (n < 0)
		r = berth_fail(err, BERTH_EPROTOCOL, "%s: %sauth is not base64", what, where);
	else if (!colon || colon == buf)
		r = berth_fail(err, BERTH_EPROTOCOL, "%s: %sauth is not base64 of user:password", what, where);
	if (r == 0) {
		/* docker drops the password's NULs at either end */
		size_t ul = (size_t)(colon - buf);
		char *pw = colon + 1, *end = buf + n;
		while (pw < end && !*pw)
			pw++;
		while (end > pw && !end[-1])
			end--;
		if (memchr(buf, '\0', ul) || memchr(pw, '\0', (size_t)(end - pw)))
			r = berth_fail(err, BERTH_EPROTOCOL, "%s: %sauth holds a NUL", what, where);
		else if (!(out->username = strndup(buf, ul)) || !(out->password = strndup(pw, (size_t)(end - pw))))
			r = BERTH_NOMEM(err);
	}
	explicit_bzero(buf, len * 3 / 4 + 1);
	free(buf);
	return r;
}

static int decode_entry(authfile_entry *out, json_t *e, const char *key, const char *what, berth_error *err)
{
	char shown[SHOWN], where[SHOWN + 16];
	text_shown(shown, sizeof shown, key);
	snprintf(where, sizeof where, "auths[\"%s\"].", shown);
	if (!json_is_object(e))
		return berth_fail(err, BERTH_EPROTOCOL, "%s: auths[\"%s\"] is not an object", what, shown);
	json_t *auth = json_object_get(e, "auth");
	if (auth && !json_is_string(auth) && !json_is_null(auth))
		return berth_fail(err, BERTH_EPROTOCOL, "%s: %sauth is not a string", what, where);
	int r;
	if (json_string_length(auth))
		r = decode_auth(out, json_string_value(auth), json_string_length(auth), what, where, err);
	else if ((r = string_field(&out->username, e, "username", what, where, err)) == 0)
		r = string_field(&out->password, e, "password", what, where, err);
	if (r == 0)
		r = string_field(&out->identity_token, e, "identitytoken", what, where, err);
	return r;
}

int authfile_lookup(authfile_entry *out, const char *text, size_t len, const char *what, authfile_kind kind,
		    const registry_server *srv, berth_error *err)
{
	memset(out, 0, sizeof *out);
	_cleanup_json_ json_t *root = NULL;
	json_t *helpers, *auths;
	int r = load_root(&root, text, len, what, err);
	if (r == 0)
		r = section(&helpers, root, "credHelpers", what, err);
	if (r == 0)
		r = section(&auths, root, "auths", what, err);
	if (r < 0)
		return r;
	char where[SHOWN + 20];
	char shown[SHOWN];
	/* credHelpers: by the exact key, else by host */
	const char *hkey = json_object_get(helpers, exact_key(kind, srv)) ? exact_key(kind, srv) : srv->host;
	text_shown(shown, sizeof shown, hkey);
	snprintf(where, sizeof where, "credHelpers[\"%s\"]", shown);
	json_t *hv = json_object_get(helpers, hkey);
	if (hv && !json_is_string(hv) && !json_is_null(hv))
		r = berth_fail(err, BERTH_EPROTOCOL, "%s: %s is not a string", what, where);
	else if (json_string_length(hv) && !(out->helper = strdup(json_string_value(hv))))
		r = BERTH_NOMEM(err);
	if (r == 0 && kind == AUTHFILE_DOCKER)
		r = string_field(&out->store, root, "credsStore", what, "", err);
	if (r < 0 || out->helper || out->store || !auths)
		goto done;
	/* auths: the exact key, else the first that names the same host */
	const char *key = exact_key(kind, srv);
	json_t *e = json_object_get(auths, key);
	if (!e) {
		const char *k;
		json_t *v;
		json_object_foreach(auths, k, v)
			if (key_matches(k, kind, srv)) {
				key = k;
				e = v;
				break;
			}
	}
	if (e && !(out->key = strdup(key)))
		r = BERTH_NOMEM(err);
	else if (e)
		r = decode_entry(out, e, key, what, err);
done:
	if (r < 0)
		authfile_entry_release(out);
	return r;
}

/* ---- editing ------------------------------------------------------------------- */

static json_t *new_entry(const authfile_set *set)
{
	json_t *e = json_object();
	if (!e)
		return NULL;
	int r = 0;
	if (set->username) {
		/* "user:password"; docker keeps a user beside a token as "user:" */
		const char *pw = strempty(set->password);
		size_t ul = strlen(set->username), n = ul + 1 + strlen(pw), cap = BASE64_ENCODED_LEN(n) + 1;
		char *plain = malloc(n + 1), *b64 = malloc(cap);
		if (plain && b64) {
			snprintf(plain, n + 1, "%s:%s", set->username, pw);
			base64_encode(b64, plain, n, false);
			r = json_object_set_new(e, "auth", json_string(b64));
		} else {
			r = -1;
		}
		if (plain)
			explicit_bzero(plain, n + 1);
		if (b64)
			explicit_bzero(b64, cap);
		free(plain);
		free(b64);
	}
	if (r == 0 && set->identity_token)
		r = json_object_set_new(e, "identitytoken", json_string(set->identity_token));
	if (r < 0) {
		json_decref(e);
		return NULL;
	}
	return e;
}

int authfile_edit(char **out, bool *changed, const char *text, size_t len, const char *what, authfile_kind kind,
		  const registry_server *srv, const authfile_set *set, berth_error *err)
{
	*changed = false;
	_cleanup_json_ json_t *root = NULL;
	json_t *auths;
	int r = load_root(&root, text, len, what, err);
	if (r == 0)
		r = section(&auths, root, "auths", what, err);
	if (r < 0)
		return r;
	if (set) {
		if (!auths && json_object_set_new(root, "auths", auths = json_object()) < 0)
			return BERTH_NOMEM(err);
		json_t *e = new_entry(set);
		if (!e || json_object_set_new(auths, exact_key(kind, srv), e) < 0)
			return BERTH_NOMEM(err);
		*changed = true;
	} else if (auths) {
		_cleanup_strv_ strv gone = STRV_INIT;
		const char *k;
		json_t *v;
		json_object_foreach(auths, k, v)
			if ((STREQ(k, exact_key(kind, srv)) || key_matches(k, kind, srv)) && strv_push(&gone, k) < 0)
				return BERTH_NOMEM(err);
		for (size_t i = 0; i < gone.len; i++)
			json_object_del(auths, gone.items[i]);
		*changed = gone.len > 0;
	}
	char *dump = json_dumps(root, JSON_INDENT(2));
	if (!dump)
		return BERTH_NOMEM(err);
	*out = dump;
	return 0;
}

/* ---- credential helpers ----------------------------------------------------------- */

int authfile_helper_reply(char **username, char **secret, bool *token, const char *text, size_t len,
			  const char *helper, berth_error *err)
{
	*username = *secret = NULL;
	*token = false;
	json_error_t je;
	_cleanup_json_ json_t *root = json_loadb(text, len, JSON_ALLOW_NUL, &je);
	if (!json_is_object(root))
		return berth_fail(err, BERTH_EPROTOCOL,
				  "credential helper %s: the reply is not the JSON object {\"Username\", \"Secret\"}", helper);
	char what[SHOWN];
	snprintf(what, sizeof what, "credential helper %s", helper);
	_cleanup_free_ char *user = NULL;
	char *sec = NULL;
	int r = string_field(&user, root, "Username", what, "the reply's ", err);
	if (r == 0)
		r = string_field(&sec, root, "Secret", what, "the reply's ", err);
	if (r < 0)
		return r;
	if (user && STREQ(user, "<token>")) {
		*token = true;
		*secret = sec;
		return 0;
	}
	*username = TAKE_PTR(user);
	*secret = sec;
	return 0;
}

bool authfile_helper_not_found(const char *text, size_t len)
{
	static const char phrase[] = "credentials not found";
	while (len && strchr(" \t\r\n", *text) && *text) {
		text++;
		len--;
	}
	return len >= sizeof phrase - 1 && memcmp(text, phrase, sizeof phrase - 1) == 0;
}
