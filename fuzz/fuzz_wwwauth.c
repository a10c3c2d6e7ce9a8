/* Fuzz target: what a registry says about authentication
 * (src/lib/parse/wwwauth.c): the input, in an exactly sized heap block,
 * goes whole to the WWW-Authenticate challenge parser, the token reply
 * parser and the error body reader, and (NUL-terminated) to the URL
 * splitter that takes a realm or a redirect's Location.
 *
 * What must hold whatever the bytes: no crash, leak or over-read; every
 * failure is an error code with a message; a parsed challenge has a
 * scheme berth speaks, and a Bearer one has a realm; a token is never
 * empty and its lifetime at least 60 s; a split URL has a host:port and a
 * path that starts with '/'. */
#include "fuzz.h"

#include "lib/parse/wwwauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size ? size : 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	berth_error err = BERTH_ERROR_INIT;
	auth_challenge c;
	int r = auth_challenge_parse(&c, in, size, &err);
	if (r == 0) {
		if (c.scheme != AUTH_BASIC && c.scheme != AUTH_BEARER)
			abort();
		if (c.scheme == AUTH_BEARER && (!c.realm || !c.realm[0]))
			abort();
		/* the parameters not given stay NULL */
		fuzz_use(c.realm ? c.realm : "");
		fuzz_use(c.service ? c.service : "");
		fuzz_use(c.scope ? c.scope : "");
		fuzz_use(c.error ? c.error : "");
		auth_challenge_release(&c);
	} else if (r >= 0 || err.code != r || !err.message[0]) {
		abort();
	}
	char *token = NULL;
	int64_t exp = 0;
	r = auth_token_parse(&token, &exp, in, size, &err);
	if (r == 0 && (!token || !token[0] || exp < 60))
		abort();
	if (r < 0 && (token || err.code != r || !err.message[0]))
		abort();
	secret_free(token);
	sbuf b = SBUF_INIT;
	r = registry_errors_text(&b, in, size);
	if (r < 0 || r > 1 || (r == 1 && b.len) || (r == 0 && !b.len))
		abort();
	sbuf_release(&b);
	free(in);

	char *z = malloc(size + 1);
	if (!z)
		return 0;
	memcpy(z, data, size);
	z[size] = '\0';
	bool https;
	char *hp = NULL, *path = NULL;
	r = url_split(z, &https, &hp, &path, &err);
	if (r == 0 && (!hp || !hp[0] || !path || path[0] != '/'))
		abort();
	if (r < 0 && (hp || path))
		abort();
	free(hp);
	free(path);
	free(z);
	return 0;
}
