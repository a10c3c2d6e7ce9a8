/* Image references and registry credentials: constructors, accessors,
 * destructors. */
#include "lib/model/registry_model.h"

#include "util/base64.h"

#include <stdio.h>

static char *join(const char *a, const char *sep1, const char *b, const char *sep2, const char *c)
{
	char *s = NULL;
	if (asprintf(&s, "%s%s%s%s%s", a, b ? sep1 : "", strempty(b), c ? sep2 : "", strempty(c)) < 0)
		return NULL;
	return s;
}

berth_image_ref *image_ref_new(const char *domain, const char *path, const char *tag, const char *digest,
			       const char *familiar_name)
{
	berth_image_ref *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	/* "latest" is implied without a tag and a digest; the familiar form
	 * leaves out what is implied */
	const char *full_tag = tag ? tag : digest ? NULL : "latest";
	const char *short_tag = tag && !(STREQ(tag, "latest") && !digest) ? tag : NULL;
	r->domain = strdup(domain);
	r->path = strdup(path);
	r->tag = tag ? strdup(tag) : NULL;
	r->digest = digest ? strdup(digest) : NULL;
	r->name = join(domain, "/", path, "", NULL);
	r->normalized = r->name ? join(r->name, ":", full_tag, "@", digest) : NULL;
	r->familiar = join(familiar_name, ":", short_tag, "@", digest);
	if (!r->domain || !r->path || (tag && !r->tag) || (digest && !r->digest) || !r->normalized || !r->familiar) {
		berth_image_ref_free(r);
		return NULL;
	}
	return r;
}

void berth_image_ref_free(berth_image_ref *r)
{
	if (!r)
		return;
	free(r->domain);
	free(r->path);
	free(r->name);
	free(r->tag);
	free(r->digest);
	free(r->normalized);
	free(r->familiar);
	free(r);
}

const char *berth_image_ref_domain(const berth_image_ref *r) { return r ? r->domain : ""; }
const char *berth_image_ref_path(const berth_image_ref *r) { return r ? r->path : ""; }
const char *berth_image_ref_name(const berth_image_ref *r) { return r ? r->name : ""; }
const char *berth_image_ref_digest(const berth_image_ref *r) { return r ? strempty(r->digest) : ""; }
const char *berth_image_ref_normalized(const berth_image_ref *r) { return r ? r->normalized : ""; }
const char *berth_image_ref_familiar(const berth_image_ref *r) { return r ? r->familiar : ""; }

const char *berth_image_ref_tag(const berth_image_ref *r)
{
	if (!r)
		return "";
	return r->tag ? r->tag : r->digest ? "" : "latest";
}

/* ---- credentials -------------------------------------------------------------- */

static bool copy_part(char **slot, const char *s)
{
	*slot = isempty(s) ? NULL : strdup(s);
	return isempty(s) || *slot;
}

berth_credentials *credentials_new(const char *server, const char *username, const char *secret,
				   const char *identity_token, const char *source)
{
	berth_credentials *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	if (!copy_part(&c->server, server) || !copy_part(&c->username, username) || !copy_part(&c->secret, secret) ||
	    !copy_part(&c->identity_token, identity_token) || !copy_part(&c->source, source)) {
		berth_credentials_free(c);
		return NULL;
	}
	return c;
}

berth_credentials *credentials_dup(const berth_credentials *c)
{
	return c ? credentials_new(c->server, c->username, c->secret, c->identity_token, c->source) : NULL;
}

void berth_credentials_free(berth_credentials *c)
{
	if (!c)
		return;
	free(c->server);
	free(c->username);
	secret_free(c->secret);
	secret_free(c->identity_token);
	free(c->source);
	free(c);
}

const char *berth_credentials_username(const berth_credentials *c) { return c ? strempty(c->username) : ""; }
const char *berth_credentials_secret(const berth_credentials *c) { return c ? strempty(c->secret) : ""; }
const char *berth_credentials_identity_token(const berth_credentials *c)
{
	return c ? strempty(c->identity_token) : "";
}
const char *berth_credentials_server(const berth_credentials *c) { return c ? strempty(c->server) : ""; }
const char *berth_credentials_source(const berth_credentials *c) { return c ? strempty(c->source) : ""; }
int berth_credentials_is_anonymous(const berth_credentials *c) { return !c || (!c->secret && !c->identity_token); }

char *credentials_registry_auth(const berth_credentials *c)
{
	bool anonymous = berth_credentials_is_anonymous(c);
	const char *user = anonymous ? NULL : c->username, *pw = anonymous ? NULL : c->secret;
	const char *token = anonymous ? NULL : c->identity_token;
	/* room for every byte escaped (\u00XX), so the buffer never moves */
	size_t room = 6 * (strlen(strempty(user)) + strlen(strempty(pw)) + strlen(strempty(token)) +
			   strlen(c ? strempty(c->server) : "")) + 80;
	_cleanup_sbuf_wipe_ sbuf json = SBUF_INIT;
	int r = sbuf_reserve(&json, room);
	const char *sep = "{";
	const struct { const char *name, *value; } fields[] = {
		{ "username", user }, { "password", token ? NULL : pw }, { "identitytoken", token },
		{ "serveraddress", anonymous ? NULL : c->server },
	};
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(fields); i++) {
		if (!fields[i].value)
			continue;
		r = sbuf_printf(&json, "%s\"%s\":", sep, fields[i].name);
		if (r == 0)
			r = sbuf_add_json_string(&json, fields[i].value);
		sep = ",";
	}
	if (r == 0)
		r = sbuf_adds(&json, *sep == '{' ? "{}" : "}");
	char *out = r == 0 ? malloc(BASE64_ENCODED_LEN(json.len) + 1) : NULL;
	if (out)
		base64_encode(out, json.data, json.len, true);
	return out;
}
