/* WWW-Authenticate challenges, token replies and registry errors (see
 * wwwauth.h). */
#include "wwwauth.h"
#include "json_util.h"

#include <strings.h>

void auth_challenge_release(auth_challenge *c)
{
	if (!c)
		return;
	free(c->realm);
	free(c->service);
	free(c->scope);
	free(c->error);
	*c = (auth_challenge)AUTH_CHALLENGE_INIT;
}

/* RFC 7230's tchar. */
static bool is_tchar(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

typedef struct cursor {
	const char *p, *end;
} cursor;

static void skip_space(cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static size_t token_len(const cursor *c)
{
	size_t n = 0;
	while (c->p + n < c->end && is_tchar(c->p[n]))
		n++;
	return n;
}

/* A quoted-string (c->p at the opening quote) into out, unescaped.
 * -1 when it does not end. */
static int quoted(cursor *c, sbuf *out)
{
	c->p++;
	while (c->p < c->end && *c->p != '"') {
		if (*c->p == '\\' && c->p + 1 < c->end)
			c->p++;
		if (sbuf_addc(out, *c->p) < 0)
			return -ENOMEM;
		c->p++;
	}
	if (c->p >= c->end)
		return -1;
	c->p++;
	return 0;
}

/* Keep a parameter's value when it is one we use. */
static int keep_param(auth_challenge *ch, const char *name, size_t nlen, sbuf *value)
{
	static const struct {
		const char *name;
		size_t off;
	} wanted[] = {
		{ "realm", offsetof(auth_challenge, realm) },
		{ "service", offsetof(auth_challenge, service) },
		{ "scope", offsetof(auth_challenge, scope) },
		{ "error", offsetof(auth_challenge, error) },
	};
	for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
		if (strlen(wanted[i].name) != nlen || strncasecmp(wanted[i].name, name, nlen) != 0)
			continue;
		char **slot = (char **)((char *)ch + wanted[i].off);
		free(*slot);
		*slot = strndup(value->data ? value->data : "", value->len);
		return *slot ? 0 : -ENOMEM;
	}
	return 0;
}

/* One challenge: scheme [params]. Leaves c->p after it (at the comma
 * before the next scheme, or the end). *scheme_at/len: its scheme. */
static int one_challenge(cursor *c, auth_challenge *ch, const char **scheme_at, size_t *scheme_len, berth_error *err)
{
	skip_space(c);
	size_t n = token_len(c);
	if (n == 0)
		return berth_fail(err, BERTH_EPROTOCOL, "WWW-Authenticate: expected a scheme");
	*scheme_at = c->p;
	*scheme_len = n;
	c->p += n;
	for (;;) {
		skip_space(c);
		while (c->p < c->end && *c->p == ',') {
			c->p++;
			skip_space(c);
		}
		if (c->p >= c->end)
			return 0;
		const char *name = c->p;
		size_t nl = token_len(c);
		cursor look = { c->p + nl, c->end };
		skip_space(&look);
		if (nl == 0)
			return berth_fail(err, BERTH_EPROTOCOL, "WWW-Authenticate: unexpected '%c'", *c->p);
		if (look.p >= look.end || *look.p != '=') {
			/* a token without '=': the next challenge's scheme (or a
			 * token68 credential, which berth does not use) */
			if (look.p < look.end && *look.p != ',' && !is_tchar(*look.p))
				return berth_fail(err, BERTH_EPROTOCOL, "WWW-Authenticate: unexpected '%c'", *look.p);
			return 0;
		}
		look.p++;
		skip_space(&look);
		c->p = look.p;
		_cleanup_sbuf_ sbuf value = SBUF_INIT;
		if (c->p < c->end && *c->p == '"') {
			int r = quoted(c, &value);
			if (r == -ENOMEM)
				return BERTH_NOMEM(err);
			if (r < 0)
				return berth_fail(err, BERTH_EPROTOCOL, "WWW-Authenticate: a quoted value does not end");
		} else {
			size_t vl = token_len(c);
			if (sbuf_add(&value, c->p, vl) < 0)
				return BERTH_NOMEM(err);
			c->p += vl;
		}
		if (keep_param(ch, name, nl, &value) < 0)
			return BERTH_NOMEM(err);
	}
}

int auth_challenge_parse(auth_challenge *out, const char *value, size_t len, berth_error *err)
{
	*out = (auth_challenge)AUTH_CHALLENGE_INIT;
	cursor c = { value, value + len };
	auth_challenge basic = AUTH_CHALLENGE_INIT;
	const char *first = NULL;
	size_t first_len = 0;
	int r = 0;
	while (r == 0) {
		skip_space(&c);
		if (c.p >= c.end)
			break;
		auth_challenge ch = AUTH_CHALLENGE_INIT;
		const char *scheme = NULL;
		size_t sl = 0;
		r = one_challenge(&c, &ch, &scheme, &sl, err);
		if (r == 0 && !first) {
			first = scheme;
			first_len = sl;
		}
		if (r == 0 && sl == 6 && strncasecmp(scheme, "bearer", 6) == 0 && out->scheme == AUTH_NONE) {
			ch.scheme = AUTH_BEARER;
			*out = ch;
			continue;
		}
		if (r == 0 && sl == 5 && strncasecmp(scheme, "basic", 5) == 0 && basic.scheme == AUTH_NONE) {
			ch.scheme = AUTH_BASIC;
			basic = ch;
			continue;
		}
		auth_challenge_release(&ch);
	}
	if (r == 0 && out->scheme == AUTH_NONE) {
		*out = basic;
		basic = (auth_challenge)AUTH_CHALLENGE_INIT;
	}
	auth_challenge_release(&basic);
	if (r == 0 && out->scheme == AUTH_NONE)
		r = berth_fail(err, first ? BERTH_EUNSUPPORTED : BERTH_EPROTOCOL,
			       first ? "the registry wants authentication by \"%.*s\" (berth speaks Basic and Bearer)"
				     : "the registry sent an empty WWW-Authenticate challenge%.*s",
			       first ? (int)(first_len > 40 ? 40 : first_len) : 0, first ? first : "");
	if (r == 0 && out->scheme == AUTH_BEARER && isempty(out->realm))
		r = berth_fail(err, BERTH_EPROTOCOL, "the registry's Bearer challenge names no realm (token server)");
	if (r < 0)
		auth_challenge_release(out);
	return r;
}

int auth_token_parse(char **token, int64_t *expires_in, const char *json, size_t len, berth_error *err)
{
	*token = NULL;
	json_error_t je;
	_cleanup_json_ json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(root))
		return berth_fail(err, BERTH_EPROTOCOL, "the token server's reply is not a JSON object");
	const char *t = json_string_value(json_object_get(root, "token"));
	if (isempty(t))
		t = json_string_value(json_object_get(root, "access_token"));
	if (isempty(t))
		return berth_fail(err, BERTH_EPROTOCOL, "the token server's reply holds no token");
	json_t *e = json_object_get(root, "expires_in");
	int64_t secs = json_is_integer(e) ? (int64_t)json_integer_value(e) : 60;
	*expires_in = secs < 60 ? 60 : secs;
	*token = strdup(t);
	/* the reply held the token too: wipe jansson's copy */
	json_t *tv = json_object_get(root, "token");
	if (json_is_string(tv))
		explicit_bzero((char *)json_string_value(tv), json_string_length(tv));
	tv = json_object_get(root, "access_token");
	if (json_is_string(tv))
		explicit_bzero((char *)json_string_value(tv), json_string_length(tv));
	return *token ? 0 : BERTH_NOMEM(err);
}

int registry_errors_text(sbuf *out, const char *json, size_t len)
{
	json_error_t je;
	_cleanup_json_ json_t *root = json_loadb(json, len, 0, &je);
	json_t *errs = json_object_get(root, "errors");
	if (!json_is_array(errs) || json_array_size(errs) == 0)
		return 1;
	size_t start = out->len, i;
	json_t *e;
	json_array_foreach(errs, i, e) {
		const char *code = json_string_value(json_object_get(e, "code"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		if (!code && !msg)
			continue;
		if (out->len - start > 400)
			break;
		if (sbuf_printf(out, "%s%.80s%s%.300s", out->len > start ? "; " : "", strempty(code),
				code && msg ? ": " : "", strempty(msg)) < 0)
			return -ENOMEM;
	}
	return out->len > start ? 0 : 1;
}

int url_split(const char *url, bool *https, char **hostport, char **path, berth_error *err)
{
	*hostport = *path = NULL;
	for (const char *q = url; *q; q++)
		if ((unsigned char)*q <= ' ' || *q == 0x7f)
			return berth_fail(err, BERTH_EPROTOCOL, "a URL from the registry has spaces or control characters");
	const char *p;
	if (strncasecmp(url, "https://", 8) == 0) {
		*https = true;
		p = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		*https = false;
		p = url + 7;
	} else {
		return berth_fail(err, BERTH_EPROTOCOL, "a URL from the registry is neither http:// nor https://");
	}
	size_t hl = strcspn(p, "/?#");
	if (hl == 0 || memchr(p, '@', hl))
		return berth_fail(err, BERTH_EPROTOCOL, "a URL from the registry has no host (or has user information)");
	/* the port: after the last ':' that is not inside brackets */
	const char *close = memchr(p, ']', hl);
	if (p[0] == '[' && !close)
		return berth_fail(err, BERTH_EPROTOCOL, "a URL from the registry has an unclosed IPv6 address");
	const char *colon = NULL;
	for (const char *q = close ? close : p; q < p + hl; q++)
		if (*q == ':')
			colon = q;
	if (colon && (colon + 1 == p + hl || strspn(colon + 1, "0123456789") != (size_t)(p + hl - colon - 1)))
		return berth_fail(err, BERTH_EPROTOCOL, "a URL from the registry has a malformed port");
	if (colon ? asprintf(hostport, "%.*s", (int)hl, p) < 0
		  : asprintf(hostport, "%.*s:%s", (int)hl, p, *https ? "443" : "80") < 0) {
		*hostport = NULL;
		return BERTH_NOMEM(err);
	}
	const char *rest = p + hl;
	size_t rl = strcspn(rest, "#");
	if (asprintf(path, "%s%.*s", rest[0] == '/' ? "" : "/", (int)rl, rest) < 0) {
		*path = NULL;
		free(*hostport);
		*hostport = NULL;
		return BERTH_NOMEM(err);
	}
	return 0;
}
