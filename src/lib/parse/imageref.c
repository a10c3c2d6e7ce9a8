/* Image references after Docker's grammar (see registry.h for the rules
 * and imageref.h for the internal calls). The text is cut into its parts
 * as offsets first (domain, path, tag, digest), each part is checked in
 * the order it is written, and only a good reference is copied into a
 * berth_image_ref. */
#include "lib/parse/imageref.h"

#include <stdio.h>

static bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
static bool upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool alnum(char c) { return lower_alnum(c) || upper(c); }
static bool hex_lower(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
static bool hex_any(char c) { return hex_lower(c) || (c >= 'A' && c <= 'F'); }

/* ---- the parts -------------------------------------------------------------- */

const char *imageref_check_domain(const char *s, size_t n, size_t *at)
{
	size_t host_end;
	*at = 0;
	if (n == 0)
		return "empty registry address";
	if (s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (!close) {
			*at = n;
			return "'[' without ']' in the registry address";
		}
		host_end = (size_t)(close - s) + 1;
		if (host_end == 2) {
			*at = 1;
			return "empty IPv6 address";
		}
		for (size_t i = 1; i + 1 < host_end; i++)
			if (!hex_any(s[i]) && s[i] != ':') {
				*at = i;
				return "invalid character in an IPv6 address";
			}
	} else {
		const char *colon = memchr(s, ':', n);
		host_end = colon ? (size_t)(colon - s) : n;
		for (size_t i = 0, start = 0; i <= host_end; i++) {
			if (i < host_end && s[i] != '.') {
				if (!alnum(s[i]) && s[i] != '-') {
					*at = i;
					return "invalid character in the registry host";
				}
				continue;
			}
			*at = i;
			if (i == start)
				return "empty label in the registry host";
			if (s[start] == '-' || s[i - 1] == '-') {
				*at = s[start] == '-' ? start : i - 1;
				return "a registry host's labels start and end with a letter or a digit";
			}
			start = i + 1;
		}
	}
	if (host_end == n)
		return NULL;
	*at = host_end;
	if (s[host_end] != ':')
		return "a registry address goes on after its host with ':' and a port only";
	size_t digits = n - host_end - 1;
	unsigned long port = 0;
	for (size_t i = host_end + 1; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			*at = i;
			return "a registry port is a number";
		}
		port = port * 10 + (unsigned long)(s[i] - '0');
		if (port > 65535)
			break;
	}
	if (digits == 0 || digits > 5 || port > 65535)
		return "a registry port is 1 to 65535";
	return NULL;
}

const char *imageref_check_digest(const char *d, size_t *at)
{
	*at = 0;
	const char *colon = strchr(d, ':');
	if (!colon)
		return "a digest is algorithm:hex";
	size_t an = (size_t)(colon - d);
	/* [A-Za-z][A-Za-z0-9]* joined by one of - _ + . */
	for (size_t i = 0; i < an; i++) {
		bool starts = i == 0 || strchr("-_+.", d[i - 1]);
		bool ok = starts ? (upper(d[i]) || (d[i] >= 'a' && d[i] <= 'z'))
				 : alnum(d[i]) || (strchr("-_+.", d[i]) && i + 1 < an);
		if (!ok) {
			*at = i;
			return "malformed digest algorithm";
		}
	}
	if (an == 0)
		return "empty digest algorithm";
	size_t want = 0;
	if (an == 6 && memcmp(d, "sha256", 6) == 0)
		want = 64;
	else if (an == 6 && memcmp(d, "sha384", 6) == 0)
		want = 96;
	else if (an == 6 && memcmp(d, "sha512", 6) == 0)
		want = 128;
	else
		return "unsupported digest algorithm (sha256, sha384 or sha512)";
	size_t n = 0;
	for (const char *p = colon + 1; *p; p++, n++)
		if (!hex_lower(*p)) {
			*at = (size_t)(p - d);
			return hex_any(*p) ? "a digest's hex digits are lower case" : "invalid character in the digest";
		}
	if (n != want) {
		*at = an + 1;
		return want == 64 ? "a sha256 digest has 64 hex digits"
				  : want == 96 ? "a sha384 digest has 96 hex digits" : "a sha512 digest has 128 hex digits";
	}
	return NULL;
}

/* component := [a-z0-9]+ (sep [a-z0-9]+)*, sep := '.' | '_' | "__" | '-'+ */
static const char *check_component(const char *s, size_t n, size_t *at)
{
	*at = 0;
	if (n == 0)
		return "empty path component";
	for (size_t i = 0; i < n; i++) {
		*at = i;
		if (upper(s[i]))
			return "repository names are lower case";
		if (!lower_alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return "invalid character in the repository name";
	}
	*at = 0;
	if (!lower_alnum(s[0]))
		return "a path component starts with a letter or a digit";
	*at = n - 1;
	if (!lower_alnum(s[n - 1]))
		return "a path component ends with a letter or a digit";
	for (size_t i = 1; i < n;) {
		if (lower_alnum(s[i])) {
			i++;
			continue;
		}
		size_t j = i;
		bool dashes = true;
		for (; !lower_alnum(s[j]); j++) /* ends: the last byte is one */
			dashes = dashes && s[j] == '-';
		bool ok = dashes || j - i == 1 || (j - i == 2 && s[i] == '_' && s[i + 1] == '_');
		if (!ok) {
			*at = i;
			return "invalid separator in a path component (one '.', one '_', \"__\" or dashes)";
		}
		i = j;
	}
	return NULL;
}

static const char *check_tag(const char *s, size_t n, size_t *at)
{
	*at = 0;
	if (n == 0)
		return "empty tag";
	if (n > 128) {
		*at = 128;
		return "a tag is at most 128 characters";
	}
	if (!alnum(s[0]) && s[0] != '_')
		return "a tag starts with a letter, a digit or '_'";
	for (size_t i = 1; i < n; i++)
		if (!alnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-') {
			*at = i;
			return "invalid character in the tag";
		}
	return NULL;
}

/* The parts of a reference as offsets into its text. */
typedef struct ref_parts {
	const char *text;
	size_t len;
	size_t domain_len;        /* 0: none written */
	size_t path_start, path_end;
	size_t tag_start;         /* 0: no tag; the tag ends at name_end */
	size_t name_end;          /* where "@digest" starts, or len */
	bool has_digest;          /* text + name_end + 1 */
	bool index_domain;        /* "index.docker.io", read as docker.io */
	bool add_library;         /* a Docker Hub name of one component */
	size_t name_len;          /* of the normalized name */
} ref_parts;

/* The first component names a registry: it has '.' or ':', is
 * "localhost", or has upper case (which no path may have). */
static bool names_domain(const char *s, size_t n)
{
	if (memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && memcmp(s, "localhost", 9) == 0))
		return true;
	for (size_t i = 0; i < n; i++)
		if (upper(s[i]))
			return true;
	return false;
}

/* A name that would begin a digest: "sha256", "sha384", "sha512". */
static bool digest_name(const char *s)
{
	return STREQ(s, "sha256") || STREQ(s, "sha384") || STREQ(s, "sha512");
}

/* 64 hex digits: alone, that is an image id. */
static bool id_like(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static const char *split(ref_parts *p, const char *text, size_t *at)
{
	memset(p, 0, sizeof *p);
	p->text = text;
	p->len = strlen(text);
	*at = 0;
	if (p->len == 0)
		return "empty reference";
	size_t hexes = 0;
	for (size_t i = 0; i < p->len; i++) {
		if ((unsigned char)text[i] <= ' ' || text[i] == 0x7f) {
			*at = i;
			return "white space or a control character";
		}
		hexes += hex_lower(text[i]);
	}
	if (p->len == 64 && hexes == 64)
		return "64 hex digits are an image id, not a reference";
	const char *atsign = strchr(text, '@');
	p->name_end = atsign ? (size_t)(atsign - text) : p->len;
	p->has_digest = atsign != NULL;
	if (p->name_end == 0)
		return "no repository name";
	/* "sha256:..." is an image id, even one that would read as a name
	 * with a tag */
	if (!atsign && !memchr(text, '/', p->len) &&
	    (startswith(text, "sha256:") || startswith(text, "sha384:") || startswith(text, "sha512:"))) {
		const char *why = imageref_check_digest(text, at);
		return why ? why : "a digest alone is an image id, not a reference";
	}

	const char *slash = memchr(text, '/', p->name_end);
	if (slash && names_domain(text, (size_t)(slash - text))) {
		p->domain_len = (size_t)(slash - text);
		const char *why = imageref_check_domain(text, p->domain_len, at);
		if (why)
			return why;
		p->path_start = p->domain_len + 1;
		p->index_domain = p->domain_len == 15 && memcmp(text, "index.docker.io", 15) == 0;
	}
	const char *colon = memchr(text + p->path_start, ':', p->name_end - p->path_start);
	p->path_end = colon ? (size_t)(colon - text) : p->name_end;
	for (size_t i = p->path_start;;) {
		const char *end = memchr(text + i, '/', p->path_end - i);
		size_t n = end ? (size_t)(end - text) - i : p->path_end - i;
		const char *why = check_component(text + i, n, at);
		if (why) {
			*at += i;
			return why;
		}
		if (!end)
			break;
		i += n + 1;
	}
	if (colon) {
		p->tag_start = p->path_end + 1;
		const char *why = check_tag(text + p->tag_start, p->name_end - p->tag_start, at);
		if (why) {
			*at += p->tag_start;
			return why;
		}
	}
	if (atsign) {
		const char *why = imageref_check_digest(atsign + 1, at);
		if (why) {
			*at += p->name_end + 1;
			return why;
		}
	}
	/* the 255 characters count the name as the engines write it */
	bool hub = !p->domain_len || p->index_domain ||
		   (p->domain_len == 9 && memcmp(text, IMAGEREF_DEFAULT_DOMAIN, 9) == 0);
	size_t path_len = p->path_end - p->path_start;
	p->add_library = hub && !memchr(text + p->path_start, '/', path_len);
	p->name_len = (hub ? 9 : p->domain_len) + 1 + (p->add_library ? 8 : 0) + path_len;
	if (p->name_len > IMAGEREF_NAME_MAX) {
		*at = p->path_start;
		return "the repository name is longer than 255 characters (counted as domain/path)";
	}
	return NULL;
}

/* ---- errors and results ------------------------------------------------------- */

static int fail_at(berth_error *err, const char *text, const char *why, size_t at)
{
	char shown[100];
	text_shown(shown, sizeof shown, text);
	return berth_fail(err, BERTH_EINVAL, "image reference \"%s\": %s (at offset %zu)", shown, why, at);
}

int imageref_check(const char *text, berth_error *err)
{
	if (!text)
		return berth_fail(err, BERTH_EINVAL, "image reference: none given");
	ref_parts p;
	size_t at;
	const char *why = split(&p, text, &at);
	return why ? fail_at(err, text, why, at) : 0;
}

int berth_image_ref_parse(berth_image_ref **out, const char *text, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	int r = imageref_check(text, err);
	if (r < 0)
		return r;
	ref_parts p;
	size_t at;
	split(&p, text, &at);
	bool hub = !p.domain_len || p.index_domain;
	_cleanup_free_ char *domain = hub ? strdup(IMAGEREF_DEFAULT_DOMAIN) : strndup(text, p.domain_len);
	_cleanup_free_ char *path = NULL, *tag = NULL;
	if (asprintf(&path, "%s%.*s", p.add_library ? "library/" : "", (int)(p.path_end - p.path_start),
		     text + p.path_start) < 0)
		path = NULL;
	if (p.tag_start)
		tag = strndup(text + p.tag_start, p.name_end - p.tag_start);
	if (!domain || !path || (p.tag_start && !tag))
		return BERTH_NOMEM(err);
	hub = STREQ(domain, IMAGEREF_DEFAULT_DOMAIN);
	/* Docker Hub's names go without their domain, and official images
	 * without "library/", unless the rest would then read as a domain,
	 * (library/sha256:x) as a digest or (library/<64 hex>) as an image id */
	_cleanup_free_ char *familiar = NULL;
	const char *fam = path;
	if (hub && startswith(fam, "library/") && !strchr(fam + 8, '/') && !digest_name(fam + 8) && !id_like(fam + 8))
		fam += 8;
	const char *slash = strchr(fam, '/');
	if (!hub || (slash && names_domain(fam, (size_t)(slash - fam)))) {
		if (asprintf(&familiar, "%s/%s", domain, path) < 0)
			familiar = NULL;
	} else {
		familiar = strdup(fam);
	}
	if (!familiar)
		return BERTH_NOMEM(err);
	berth_image_ref *ref = image_ref_new(domain, path, tag, p.has_digest ? text + p.name_end + 1 : NULL, familiar);
	if (!ref)
		return BERTH_NOMEM(err);
	*out = ref;
	return 0;
}
