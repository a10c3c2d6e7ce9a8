/* berth's registry client (see reg_client.h). */
#include "reg_client.h"
#include "lib/model/registry_model.h"
#include "lib/parse/wwwauth.h"
#include "util/base64.h"

#include <stdio.h>
#include <sys/stat.h>

#define DEFAULT_TIMEOUT_MS 30000
#define CONNECT_TIMEOUT_MS 10000
#define MAX_HEADERS 12
#define MAX_REDIRECTS 5
#define MAX_ERROR_BODY (64 * 1024)
#define MAX_TOKEN_REPLY (1024 * 1024)

struct reg_client {
	char *domain;        /* as given: "docker.io", "127.0.0.1:5000" */
	char *hostport;      /* where the API is: "registry-1.docker.io:443" */
	char *repo;          /* "library/redis", or "" */
	char *actions;       /* "pull" */
	const berth_credentials *cred;
	bool insecure, loopback;
	int timeout_ms;
	char *certs_dir;     /* the certs.d folder of the host, or NULL */
	transport *t;        /* the registry's */
	bool decided;        /* the scheme is known to work */
	bool plain;          /* plain HTTP */
	char *base;          /* "https://hostport" */
	char *authz;         /* "Authorization: ..." (a secret) or NULL */
	int64_t authz_until; /* ms; 0: no expiry */
	transport *away;     /* the last redirect's other host */
	char *away_host;
};

static const char *const default_roots[] = { "/etc/containerd/certs.d", "/etc/docker/certs.d",
					     "/etc/containers/certs.d", NULL };

static bool is_loopback(const char *hostport)
{
	return startswith(hostport, "localhost:") || startswith(hostport, "127.") || startswith(hostport, "[::1]:");
}

/* The first certs.d folder that exists for hostport (Docker names it
 * "host:port", or "host" for the default port). */
static char *certs_dir_for(const char *const *roots, const char *domain)
{
	for (const char *const *r = roots; *r; r++) {
		char *dir = NULL;
		struct stat st;
		if (asprintf(&dir, "%s/%s", *r, domain) < 0)
			return NULL;
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return dir;
		free(dir);
	}
	return NULL;
}

static void drop_authz(reg_client *rc)
{
	secret_free(rc->authz);
	rc->authz = NULL;
	rc->authz_until = 0;
}

void reg_client_free(reg_client *rc)
{
	if (!rc)
		return;
	drop_authz(rc);
	transport_free(rc->t);
	transport_free(rc->away);
	free(rc->away_host);
	free(rc->domain);
	free(rc->hostport);
	free(rc->repo);
	free(rc->actions);
	free(rc->certs_dir);
	free(rc->base);
	free(rc);
}
DEFINE_CLEANUP(reg_client, reg_client_free)

const char *reg_client_base(const reg_client *rc)
{
	return rc ? rc->base : "";
}

/* (Re)make the transport for the current scheme. */
static int open_transport(reg_client *rc, berth_error *err)
{
	transport_free(rc->t);
	rc->t = NULL;
	free(rc->base);
	if (asprintf(&rc->base, "%s://%s", rc->plain ? "http" : "https", rc->hostport) < 0) {
		rc->base = NULL;
		return BERTH_NOMEM(err);
	}
	int mode = rc->plain ? -1 : rc->insecure ? 2 : 3;
	return transport_new(&rc->t, rc->base, mode, rc->certs_dir, CONNECT_TIMEOUT_MS, rc->timeout_ms, err);
}

int reg_client_new(reg_client **out, const char *domain, const char *repo, const reg_options *o, berth_error *err)
{
	_cleanup_(reg_client_freep) reg_client *rc = calloc(1, sizeof *rc);
	if (!rc)
		return BERTH_NOMEM(err);
	const char *api = STREQ(domain, "docker.io") || STREQ(domain, "index.docker.io") ? "registry-1.docker.io" : domain;
	/* a domain without a port: the scheme's (443 until plain is chosen) */
	const char *close = strrchr(api, ']');
	bool has_port = strchr(close ? close : api, ':') != NULL;
	rc->domain = strdup(domain);
	rc->repo = strdup(strempty(repo));
	rc->actions = strdup(o && o->actions ? o->actions : "pull");
	if (!rc->domain || !rc->repo || !rc->actions ||
	    (has_port ? !(rc->hostport = strdup(api)) : asprintf(&rc->hostport, "%s:443", api) < 0))
		return BERTH_NOMEM(err);
	rc->cred = o ? o->cred : NULL;
	rc->insecure = o && o->insecure;
	rc->loopback = is_loopback(rc->hostport);
	rc->timeout_ms = o && o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	rc->certs_dir = certs_dir_for(o && o->certs_roots ? o->certs_roots : default_roots, domain);
	int r = open_transport(rc, err);
	if (r < 0)
		return r;
	*out = TAKE_PTR(rc);
	return 0;
}

/* The headers of a request: the caller's and the Authorization. */
static void headers_with_auth(const char **h, const char *const *extra, const char *authz)
{
	size_t n = 0;
	for (const char *const *e = extra; e && *e && n < MAX_HEADERS - 2; e++)
		h[n++] = *e;
	if (authz)
		h[n++] = authz;
	h[n] = NULL;
}

/* Percent-encode s for a query value. */
static int query_add(sbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			     strchr("-._~", ch);
		if (plain ? sbuf_addc(b, (char)ch) < 0 : sbuf_printf(b, "%%%02X", ch) < 0)
			return -ENOMEM;
	}
	return 0;
}

static const char *who(const reg_client *rc)
{
	return rc->cred && !isempty(rc->cred->username) ? rc->cred->username : NULL;
}

/* "Authorization: Basic base64(user:secret)" into *out (a secret). */
static int basic_header(char **out, const berth_credentials *cred)
{
	_cleanup_sbuf_wipe_ sbuf plain = SBUF_INIT;
	if (sbuf_printf(&plain, "%s:%s", strempty(cred->username), strempty(cred->secret)) < 0)
		return -ENOMEM;
	size_t cap = BASE64_ENCODED_LEN(plain.len) + 32;
	char *h = malloc(cap);
	if (!h)
		return -ENOMEM;
	int n = snprintf(h, cap, "Authorization: Basic ");
	base64_encode(h + n, plain.data, plain.len, false);
	*out = h;
	return 0;
}

static bool has_password(const berth_credentials *cred)
{
	return cred && !isempty(cred->username) && !isempty(cred->secret);
}

/* Fetch a Bearer token from the challenge's realm for the repository's
 * scope (and the challenge's own, when it names another). */
static int fetch_token(reg_client *rc, const auth_challenge *ch, berth_error *err)
{
	bool https;
	_cleanup_free_ char *hostport = NULL, *path = NULL;
	int r = url_split(ch->realm, &https, &hostport, &path, err);
	if (r < 0) {
		berth_error_prefix(err, "%s: token server", rc->base);
		return r;
	}
	if (!https && !rc->plain && !rc->insecure && !is_loopback(hostport))
		return berth_fail(err, BERTH_EPERM, "%s: the token server %s is plain HTTP: berth sends no credentials there "
				  "(mark the registry insecure to allow it)", rc->base, hostport);
	bool refresh = rc->cred && !isempty(rc->cred->identity_token);
	_cleanup_sbuf_wipe_ sbuf q = SBUF_INIT;
	_cleanup_sbuf_ sbuf scope = SBUF_INIT;
	if (*rc->repo && sbuf_printf(&scope, "repository:%s:%s", rc->repo, rc->actions) < 0)
		return BERTH_NOMEM(err);
	bool sep = false;
	if (ch->service && (sbuf_adds(&q, "service=") < 0 || query_add(&q, ch->service) < 0))
		return BERTH_NOMEM(err);
	sep = ch->service != NULL;
	if (scope.len && ((sep && sbuf_addc(&q, '&') < 0) || sbuf_adds(&q, "scope=") < 0 || query_add(&q, scope.data) < 0))
		return BERTH_NOMEM(err);
	sep = sep || scope.len;
	if (ch->scope && !(scope.len && STREQ(ch->scope, scope.data)) &&
	    ((sep && sbuf_addc(&q, '&') < 0) || sbuf_adds(&q, "scope=") < 0 || query_add(&q, ch->scope) < 0))
		return BERTH_NOMEM(err);
	if (refresh && (sbuf_adds(&q, "&grant_type=refresh_token&client_id=berth&refresh_token=") < 0 ||
			query_add(&q, rc->cred->identity_token) < 0))
		return BERTH_NOMEM(err);

	_cleanup_sbuf_ sbuf base = SBUF_INIT, target = SBUF_INIT;
	if (sbuf_printf(&base, "%s://%s", https ? "https" : "http", hostport) < 0)
		return BERTH_NOMEM(err);
	if (!refresh && sbuf_printf(&target, "%s%s%s", path, strchr(path, '?') ? "&" : "?", q.data ? q.data : "") < 0)
		return BERTH_NOMEM(err);
	_cleanup_free_ char *dir = https ? certs_dir_for(default_roots, hostport) : NULL;
	transport *t = NULL;
	r = transport_new(&t, base.data, https ? (rc->insecure ? 2 : 3) : -1, dir, CONNECT_TIMEOUT_MS, rc->timeout_ms,
			  err);
	if (r < 0)
		return r;
	char *basic = NULL;
	if (!refresh && has_password(rc->cred) && basic_header(&basic, rc->cred) < 0) {
		transport_free(t);
		return BERTH_NOMEM(err);
	}
	const char *h[] = { basic, NULL };
	http_request req = { .method = refresh ? "POST" : "GET", .target = refresh ? path : target.data, .headers = h };
	if (refresh) {
		req.content_type = "application/x-www-form-urlencoded";
		req.body = q.data;
		req.body_len = q.len;
	}
	http_response resp = HTTP_RESPONSE_INIT;
	r = http_do(t, &req, &resp, MAX_TOKEN_REPLY, err);
	secret_free(basic);
	transport_free(t);
	if (r < 0) {
		berth_error_prefix(err, "%s: token server", rc->base);
		http_response_release(&resp);
		return r;
	}
	if (resp.status == 401 || resp.status == 403)
		r = berth_fail(err, BERTH_EPERM, "%s: the token server %s refused %s%s%s", rc->base, hostport,
			       who(rc) ? "the credentials of " : "an anonymous request", strempty(who(rc)),
			       who(rc) ? "" : " (berth login first?)");
	else if (resp.status / 100 != 2)
		r = berth_fail(err, resp.status >= 500 ? BERTH_EUNAVAILABLE : BERTH_EPROTOCOL,
			       "%s: the token server %s answered %d", rc->base, hostport, resp.status);
	char *token = NULL;
	int64_t expires = 60;
	if (r == 0)
		r = auth_token_parse(&token, &expires, resp.body.data ? resp.body.data : "", resp.body.len, err);
	if (resp.body.data)
		explicit_bzero(resp.body.data, resp.body.len);
	http_response_release(&resp);
	if (r < 0) {
		if (r == BERTH_EPROTOCOL)
			berth_error_prefix(err, "%s", rc->base);
		return r;
	}
	drop_authz(rc);
	int n = asprintf(&rc->authz, "Authorization: Bearer %s", token);
	secret_free(token);
	if (n < 0) {
		rc->authz = NULL;
		return BERTH_NOMEM(err);
	}
	/* renewed a little before it runs out */
	rc->authz_until = now_ms() + (expires > 30 ? expires - 10 : expires) * 1000;
	return 0;
}

/* Answer a 401: take its challenge, and make the Authorization for the
 * next try. */
static int authorize(reg_client *rc, const http_response *resp, berth_error *err)
{
	const char *wa = http_header(resp, "www-authenticate");
	if (!wa)
		return berth_fail(err, BERTH_EPERM, "%s: access denied (401 without a challenge)", rc->base);
	auth_challenge ch = AUTH_CHALLENGE_INIT;
	int r = auth_challenge_parse(&ch, wa, strlen(wa), err);
	if (r < 0) {
		berth_error_prefix(err, "%s", rc->base);
		return r;
	}
	if (ch.scheme == AUTH_BASIC) {
		if (!has_password(rc->cred))
			r = berth_fail(err, BERTH_EPERM, "%s: the registry wants a username and password%s (berth login %s)",
				       rc->base, rc->cred && rc->cred->identity_token ? ", not an identity token" : "",
				       rc->domain);
		drop_authz(rc);
		if (r == 0 && basic_header(&rc->authz, rc->cred) < 0)
			r = BERTH_NOMEM(err);
	} else {
		r = fetch_token(rc, &ch, err);
	}
	auth_challenge_release(&ch);
	return r;
}

/* A failure that says the registry does not speak TLS (or is not there
 * over TLS), when plain HTTP may be tried instead. */
static bool try_plain(reg_client *rc, int r)
{
	return !rc->decided && !rc->plain && (rc->loopback || rc->insecure) &&
	       (r == BERTH_EPROTOCOL || r == BERTH_EUNAVAILABLE);
}

static int switch_to_plain(reg_client *rc, berth_error *err)
{
	rc->plain = true;
	char *hp = rc->hostport;
	/* a registry named without a port: plain HTTP's is 80 */
	size_t n = strlen(hp);
	if (n > 4 && STREQ(hp + n - 4, ":443") && !strchr(rc->domain + (rc->domain[0] == '[' ? 1 : 0), ':')) {
		hp[n - 4] = '\0';
		if (asprintf(&rc->hostport, "%s:80", hp) < 0) {
			rc->hostport = hp;
			return BERTH_NOMEM(err);
		}
		free(hp);
	}
	return open_transport(rc, err);
}

static int send_once(reg_client *rc, const http_request *req, http_response *resp, size_t max_body,
		     berth_error *err)
{
	if (rc->authz && rc->authz_until && now_ms() > rc->authz_until)
		drop_authz(rc);
	const char *h[MAX_HEADERS];
	headers_with_auth(h, req->headers, rc->authz);
	http_request q = *req;
	q.headers = h;
	http_response_release(resp);
	berth_error e = BERTH_ERROR_INIT;
	int r = http_do(rc->t, &q, resp, max_body, &e);
	if (r < 0 && try_plain(rc, r)) {
		int pr = switch_to_plain(rc, err);
		if (pr < 0)
			return pr;
		http_response_release(resp);
		r = http_do(rc->t, &q, resp, max_body, &e);
	}
	if (r < 0) {
		if (err)
			*err = e;
		return r;
	}
	rc->decided = true;
	return 0;
}

int reg_do(reg_client *rc, const http_request *req, http_response *resp, size_t max_body, berth_error *err)
{
	int r = send_once(rc, req, resp, max_body, err);
	if (r < 0 || resp->status != 401 || req->body_read)
		return r;
	r = authorize(rc, resp, err);
	return r < 0 ? r : send_once(rc, req, resp, max_body, err);
}

int reg_status_error(const reg_client *rc, const http_response *resp, const char *what, berth_error *err)
{
	_cleanup_sbuf_ sbuf words = SBUF_INIT;
	int wr = resp->body.len ? registry_errors_text(&words, resp->body.data, resp->body.len) : 1;
	if (wr < 0)
		return BERTH_NOMEM(err);
	int code = resp->status == 404				 ? BERTH_ENOTFOUND
		   : resp->status == 401 || resp->status == 403 ? BERTH_EPERM
		   : resp->status == 429 || resp->status >= 500 ? BERTH_EUNAVAILABLE
								 : BERTH_EPROTOCOL;
	_cleanup_sbuf_ sbuf hint = SBUF_INIT;
	int hr = 0;
	if (resp->status == 401 && who(rc))
		hr = sbuf_printf(&hint, " (the registry refused the credentials of %s)", who(rc));
	else if (resp->status == 401)
		hr = sbuf_printf(&hint, " (berth login %s first?)", rc->domain);
	if (hr < 0)
		return BERTH_NOMEM(err);
	return berth_fail(err, code, "%s: %s: %d%s%s%s", rc->base, what, resp->status, wr == 0 ? " " : "",
			  wr == 0 ? words.data : "", hint.data ? hint.data : "");
}

int reg_ping(reg_client *rc, berth_error *err)
{
	http_request req = { .method = "GET", .target = "/v2/" };
	http_response resp = HTTP_RESPONSE_INIT;
	int r = reg_do(rc, &req, &resp, MAX_ERROR_BODY, err);
	if (r == 0 && resp.status / 100 != 2)
		r = reg_status_error(rc, &resp, "GET /v2/", err);
	http_response_release(&resp);
	return r;
}

/* Read what is left of a failed reply's body (bounded) for its message. */
static void slurp_error(http_stream *s, http_response *head, int timeout_ms)
{
	const char *d;
	size_t n;
	while (head->body.len < MAX_ERROR_BODY && http_stream_read(s, &d, &n, timeout_ms, NULL) == 0)
		if (sbuf_add(&head->body, d, n) < 0)
			break;
}

/* The transport for a redirect to another host (kept for the next one). */
static int away_transport(transport **out, reg_client *rc, bool https, const char *hostport, berth_error *err)
{
	if (rc->away && rc->away_host && STREQ(rc->away_host, hostport) &&
	    rc->away->ep.tls == https) {
		*out = rc->away;
		return 0;
	}
	transport_free(rc->away);
	free(rc->away_host);
	rc->away = NULL;
	rc->away_host = NULL;
	if (!https && !rc->plain && !rc->insecure)
		return berth_fail(err, BERTH_EPERM, "%s: a redirect to plain HTTP (%s) from an HTTPS registry", rc->base,
				  hostport);
	_cleanup_sbuf_ sbuf base = SBUF_INIT;
	if (sbuf_printf(&base, "%s://%s", https ? "https" : "http", hostport) < 0 || !(rc->away_host = strdup(hostport)))
		return BERTH_NOMEM(err);
	_cleanup_free_ char *dir = https ? certs_dir_for(default_roots, hostport) : NULL;
	int r = transport_new(&rc->away, base.data, https ? (rc->insecure ? 2 : 3) : -1, dir, CONNECT_TIMEOUT_MS,
			      rc->timeout_ms, err);
	if (r < 0)
		return r;
	*out = rc->away;
	return 0;
}

int reg_stream_get(http_stream **out, reg_client *rc, const char *path, const char *const *headers,
		   http_response *head, const char *what, berth_error *err)
{
	_cleanup_free_ char *target = strdup(path);
	if (!target)
		return BERTH_NOMEM(err);
	transport *t = NULL;   /* NULL: the registry's, with its Authorization */
	bool authorized = false;
	for (int hops = 0;; hops++) {
		if (rc->authz && rc->authz_until && now_ms() > rc->authz_until)
			drop_authz(rc);
		const char *h[MAX_HEADERS];
		headers_with_auth(h, headers, t ? NULL : rc->authz);
		http_request req = { .method = "GET", .target = target, .headers = h };
		http_response_release(head);
		http_stream *s = NULL;
		berth_error e = BERTH_ERROR_INIT;
		int r = http_stream_open(&s, t ? t : rc->t, &req, head, &e);
		if (r < 0 && !t && try_plain(rc, r)) {
			r = switch_to_plain(rc, err);
			if (r < 0)
				return r;
			http_response_release(head);
			r = http_stream_open(&s, rc->t, &req, head, &e);
		}
		if (r < 0) {
			if (err)
				*err = e;
			return r;
		}
		if (!t)
			rc->decided = true;
		int st = head->status;
		if (st / 100 == 2) {
			*out = s;
			return 0;
		}
		const char *loc = http_header(head, "location");
		if (st == 401 && !t && !authorized) {
			http_stream_close(s);
			r = authorize(rc, head, err);
			if (r < 0)
				return r;
			authorized = true;
			continue;
		}
		if (st / 100 == 3 && loc && hops < MAX_REDIRECTS) {
			_cleanup_free_ char *hostport = NULL, *npath = NULL;
			bool https = false;
			if (loc[0] == '/') {
				npath = strdup(loc);
				r = npath ? 0 : BERTH_NOMEM(err);
			} else {
				r = url_split(loc, &https, &hostport, &npath, err);
				if (r == 0 && !(STREQ(hostport, rc->hostport) && https == !rc->plain))
					r = away_transport(&t, rc, https, hostport, err);
				else if (r == 0)
					t = NULL;
			}
			http_stream_close(s);
			if (r < 0)
				return r;
			free(target);
			target = TAKE_PTR(npath);
			continue;
		}
		slurp_error(s, head, rc->timeout_ms);
		http_stream_close(s);
		if (st / 100 == 3)
			return berth_fail(err, BERTH_EPROTOCOL, "%s: %s: %s", rc->base, what,
					  loc ? "too many redirects" : "a redirect without a Location");
		return reg_status_error(rc, head, what, err);
	}
}

int reg_blob_get(http_stream **out, reg_client *rc, const char *digest, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (sbuf_printf(&path, "/v2/%s/blobs/%s", rc->repo, digest) < 0)
		return BERTH_NOMEM(err);
	char what[120];
	snprintf(what, sizeof what, "blob %s", digest);
	http_response head = HTTP_RESPONSE_INIT;
	int r = reg_stream_get(out, rc, path.data, NULL, &head, what, err);
	http_response_release(&head);
	return r;
}
