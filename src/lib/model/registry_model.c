/* Image references and registry credentials: constructors, accessors,
 * destructors. */
#include "lib/model/registry_model.h"

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
