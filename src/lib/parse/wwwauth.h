/* What a registry says about authentication: the WWW-Authenticate
 * challenge of a 401 (RFC 7235, as the OCI distribution spec and Docker's
 * token auth use it) and the token server's reply. Pure parsers, no I/O;
 * fuzzed by fuzz/fuzz_wwwauth.c. */
#ifndef BERTH_PARSE_WWWAUTH_H
#define BERTH_PARSE_WWWAUTH_H

#include "lib/internal.h"

typedef enum auth_scheme {
	AUTH_NONE = 0,
	AUTH_BASIC,
	AUTH_BEARER,
} auth_scheme;

typedef struct auth_challenge {
	auth_scheme scheme;
	char *realm, *service, *scope, *error;   /* NULL when not given */
} auth_challenge;

#define AUTH_CHALLENGE_INIT { AUTH_NONE, NULL, NULL, NULL, NULL }

/* Parse a WWW-Authenticate value: one or more challenges, each a scheme
 * and comma-separated parameters (token or quoted-string values). The
 * Bearer challenge is taken when there is one, else Basic. Returns 0
 * with *out filled (release it); BERTH_EUNSUPPORTED when no challenge
 * has a scheme berth speaks (the message names the header's first
 * scheme); BERTH_EPROTOCOL for a value that does not parse, or a Bearer
 * challenge without a realm; BERTH_ENOMEM. */
int auth_challenge_parse(auth_challenge *out, const char *value, size_t len, berth_error *err);
void auth_challenge_release(auth_challenge *c);

/* A token server's JSON reply: "token" (or OAuth2's "access_token"),
 * "expires_in" seconds (60 when absent or below 60, as the spec says).
 * Returns 0 with *token (the caller's, freed with secret_free()) and
 * *expires_in; BERTH_EPROTOCOL for a reply without a token. */
int auth_token_parse(char **token, int64_t *expires_in, const char *json, size_t len, berth_error *err);

/* A registry's error body (the distribution spec's {"errors": [{"code",
 * "message", "detail"}]}) as one line: "CODE: message" for each error,
 * joined by "; ", at most 400 bytes, appended to out. 0 when the body
 * held such errors; 1 when it did not (nothing appended); BERTH_ENOMEM. */
int registry_errors_text(sbuf *out, const char *json, size_t len);

/* Split an absolute http(s) URL (a token realm, a redirect's Location)
 * into whether it is https, "host:port" (the scheme's port when none is
 * given; an IPv6 host keeps its brackets) and the path with its query
 * ("/" when empty). 0, or BERTH_EPROTOCOL for anything else (another
 * scheme, no host, control characters, userinfo); BERTH_ENOMEM. */
int url_split(const char *url, bool *https, char **hostport, char **path, berth_error *err);

#endif
