/* Images: the public entry points (arguments checked before any request,
 * then the engine's op) and the accessors of the image models. */
#include "lib/engine.h"
#include "lib/model/registry_model.h"
#include "lib/kit/validate.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- entry points ------------------------------------------------------- */

int berth_image_list_get(berth_image_list **out, berth_client *c, const berth_image_list_options *opts,
			 berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	CHECK_OPTS(opts, BERTH_IMAGE_LIST_OPTIONS_VERSION, err);
	berth_image_list_options o = BERTH_IMAGE_LIST_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = check_label_filters(o.labels, o.label_count, "image list", err);
	return r < 0 ? r : ENGINE_CALL(c, image_list, err, out, c, &o, err);
}

int berth_image_inspect(berth_image_info **out, berth_client *c, const char *name, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	int r = check_image_name(name, "image inspect", err);
	return r < 0 ? r : ENGINE_CALL(c, image_inspect, err, out, c, name, err);
}

int berth_image_history_get(berth_image_history **out, berth_client *c, const char *name, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	int r = check_image_name(name, "image history", err);
	return r < 0 ? r : ENGINE_CALL(c, image_history, err, out, c, name, err);
}

int berth_image_prune(berth_prune_result **out, berth_client *c, const berth_image_prune_options *opts,
		      berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_IMAGE_PRUNE_OPTIONS_VERSION, err);
	berth_image_prune_options o = BERTH_IMAGE_PRUNE_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = check_label_filters(o.labels, o.label_count, "image prune", err);
	if (r < 0)
		return r;
	berth_prune_result *got = NULL;
	r = ENGINE_CALL(c, image_prune, err, &got, c, &o, err);
	if (r < 0)
		return r;
	if (out)
		*out = got;
	else
		berth_prune_result_free(got);
	return 0;
}

int berth_image_exists(int *out, berth_client *c, const char *name, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	berth_image_info *x = NULL;
	berth_error e = BERTH_ERROR_INIT;
	int r = berth_image_inspect(&x, c, name, &e);
	berth_image_info_free(x);
	if (r == 0 || r == BERTH_ENOTFOUND) {
		*out = r == 0;
		return 0;
	}
	if (err)
		*err = e;
	return r;
}

int berth_image_tag(berth_client *c, const char *source, const char *target, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	int r = check_image_name(source, "image tag: source", err);
	if (r == 0)
		r = check_image_name(target, "image tag: target", err);
	if (r == 0 && (strchr(target, '@') || startswith(target, "sha256:")))
		r = berth_fail(err, BERTH_EINVAL, "image tag: target \"%s\" must be repo[:tag], not a digest", target);
	return r < 0 ? r : ENGINE_CALL(c, image_tag, err, c, source, target, err);
}

/* ---- credentials ------------------------------------------------------------------ */

/* The credentials for a registry (server NULL: Docker Hub) that
 * berth_credentials_get() finds (explicit ones in co, or where co says to
 * look; NULL: the defaults, in the engine's convention). Anonymous ones
 * when there are none. The caller frees them. */
static int credentials_of(berth_credentials **out, berth_client *c, const char *server,
			  const berth_credentials_options *co, berth_error *err)
{
	berth_credentials_options o = BERTH_CREDENTIALS_OPTIONS_INIT;
	if (co)
		o = *co;
	else if (c->engine == BERTH_ENGINE_PODMAN)
		o.convention = BERTH_CREDENTIALS_PODMAN;
	return berth_credentials_get(out, server, &o, err);
}

/* The same for the registry of a reference. */
static int credentials_for(berth_credentials **out, berth_client *c, const char *ref,
			   const berth_credentials_options *co, berth_error *err)
{
	berth_image_ref *parsed = NULL;
	int r = berth_image_ref_parse(&parsed, ref, err);
	if (r == 0)
		r = credentials_of(out, c, berth_image_ref_domain(parsed), co, err);
	berth_image_ref_free(parsed);
	return r;
}

/* ---- search ------------------------------------------------------------------------- */

int berth_image_search(berth_search_result **out, berth_client *c, const char *term, const berth_search_options *opts,
		       berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	CHECK_OPTS(opts, BERTH_SEARCH_OPTIONS_VERSION, err);
	berth_search_options o = BERTH_SEARCH_OPTIONS_INIT;
	if (opts)
		o = *opts;
	if (isempty(term))
		return berth_fail(err, BERTH_EINVAL, "search: what to look for?");
	for (const char *p = term; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return berth_fail(err, BERTH_EINVAL, "search: the term has control characters");
	if (o.limit < 0 || o.limit > 100)
		return berth_fail(err, BERTH_EINVAL, "search: limit %d: want 1 to 100", o.limit);
	if (o.limit == 0)
		o.limit = 25;
	if (!c->ops->image_search)
		return engine_unsupported(c, "image_search", err);
	/* the credentials of the registry the term names (Docker Hub's without one) */
	const char *slash = strchr(term, '/');
	_cleanup_free_ char *domain = slash ? strndup(term, (size_t)(slash - term)) : NULL;
	if (slash && !domain)
		return BERTH_NOMEM(err);
	bool has_domain = domain && (strchr(domain, '.') || strchr(domain, ':') || STREQ(domain, "localhost"));
	berth_credentials *cred = NULL;
	int r = credentials_of(&cred, c, has_domain ? domain : NULL, o.credentials, err);
	if (r == 0)
		r = c->ops->image_search(out, c, term, &o, cred, err);
	berth_credentials_free(cred);
	return r;
}

/* ---- pull --------------------------------------------------------------------------- */

/* Whether a (valid) reference names a tag or a digest: a ':' after its
 * last '/' (not the registry's port), or an '@'. */
static bool has_tag_or_digest(const char *ref)
{
	const char *slash = strrchr(ref, '/');
	return strchr(ref, '@') || strchr(slash ? slash : ref, ':');
}

static int check_platform(const char *p, berth_error *err)
{
	if (!p)
		return 0;
	size_t parts = 0;
	for (const char *s = p;; s++) {
		size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-.");
		parts++;
		s += n;
		if (n == 0 || (*s && *s != '/') || parts > 3)
			return berth_fail(err, BERTH_EINVAL, "pull: platform \"%s\": want os/arch[/variant], e.g. linux/amd64", p);
		if (!*s)
			break;
	}
	return parts >= 2 ? 0 : berth_fail(err, BERTH_EINVAL, "pull: platform \"%s\": want os/arch[/variant]", p);
}

/* The checked reference as the engines get it: ":latest" added unless it
 * has a tag or digest (or all tags are wanted). */
static int pull_ref(char **out, const char *ref, const berth_pull_options *o, berth_error *err)
{
	int r = check_image_name(ref, "pull", err);
	if (r == 0 && startswith(ref, "sha256:"))
		r = berth_fail(err, BERTH_EINVAL, "pull: \"%s\" is an image id, not a reference to pull", ref);
	if (r == 0 && o->all_tags && has_tag_or_digest(ref))
		r = berth_fail(err, BERTH_EINVAL, "pull: all tags of \"%s\": give the repository without a tag or digest",
			       ref);
	if (r == 0)
		r = check_platform(o->platform, err);
	if (r < 0)
		return r;
	bool bare = !o->all_tags && !has_tag_or_digest(ref);
	if (asprintf(out, "%s%s", ref, bare ? ":latest" : "") < 0)
		return BERTH_NOMEM(err);
	return 0;
}

int berth_image_pull(berth_stream **out, berth_client *c, const char *ref, const berth_pull_options *opts,
		     berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	CHECK_OPTS(opts, BERTH_PULL_OPTIONS_VERSION, err);
	berth_pull_options o = BERTH_PULL_OPTIONS_INIT;
	if (opts)
		o = *opts;
	_cleanup_free_ char *full = NULL;
	int r = pull_ref(&full, ref, &o, err);
	if (r < 0)
		return r;
	if (!c->ops->image_pull)
		return engine_unsupported(c, "image_pull", err);
	berth_credentials *cred = NULL;
	r = credentials_for(&cred, c, full, o.credentials, err);
	if (r == 0)
		r = c->ops->image_pull(out, c, full, &o, cred, err);
	berth_credentials_free(cred);
	return r;
}

int berth_image_pull_wait(berth_image_info **out, berth_client *c, const char *ref, const berth_pull_options *opts,
			  berth_error *err)
{
	berth_stream *s = NULL;
	int r = berth_image_pull(&s, c, ref, opts, err);
	if (r < 0)
		return r;
	berth_frame f;
	while ((r = berth_stream_next(s, &f, -1, err)) == 0)
		;
	berth_stream_free(s);
	if (r != BERTH_ITEROVER)
		return r;
	if (!out || (opts && opts->all_tags))
		return 0;
	_cleanup_free_ char *full = NULL;
	berth_pull_options o = BERTH_PULL_OPTIONS_INIT;
	r = pull_ref(&full, ref, &o, err);
	return r < 0 ? r : berth_image_inspect(out, c, full, err);
}

/* ---- push --------------------------------------------------------------------------- */

int berth_image_push(berth_stream **out, berth_client *c, const char *ref, const berth_push_options *opts,
		     berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	CHECK_OPTS(opts, BERTH_PUSH_OPTIONS_VERSION, err);
	berth_push_options o = BERTH_PUSH_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = check_image_name(ref, "push", err);
	if (r == 0 && (startswith(ref, "sha256:") || strchr(ref, '@')))
		r = berth_fail(err, BERTH_EINVAL, "push: \"%s\": give the image's name (repo[:tag]), not an id or digest",
			       ref);
	if (r < 0)
		return r;
	_cleanup_free_ char *full = NULL;
	if (asprintf(&full, "%s%s", ref, has_tag_or_digest(ref) ? "" : ":latest") < 0)
		return BERTH_NOMEM(err);
	if (!c->ops->image_push)
		return engine_unsupported(c, "image_push", err);
	berth_credentials *cred = NULL;
	r = credentials_for(&cred, c, full, o.credentials, err);
	if (r == 0)
		r = c->ops->image_push(out, c, full, &o, cred, err);
	berth_credentials_free(cred);
	return r;
}

int berth_image_push_wait(char **out_digest, berth_client *c, const char *ref, const berth_push_options *opts,
			  berth_error *err)
{
	berth_stream *s = NULL;
	int r = berth_image_push(&s, c, ref, opts, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *digest = strdup("");
	berth_frame f;
	while ((r = berth_stream_next(s, &f, -1, err)) == 0) {
		const char *d = berth_image_progress_digest(f.item);
		if (d[0] && digest) {
			free(digest);
			digest = strdup(d);
		}
	}
	berth_stream_free(s);
	if (r != BERTH_ITEROVER)
		return r;
	if (!digest)
		return BERTH_NOMEM(err);
	if (out_digest)
		*out_digest = TAKE_PTR(digest);
	return 0;
}

int berth_image_remove(berth_client *c, const char *name, const berth_image_remove_options *opts, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_IMAGE_REMOVE_OPTIONS_VERSION, err);
	int r = check_image_name(name, "image remove", err);
	return r < 0 ? r : ENGINE_CALL(c, image_remove, err, c, name, opts && opts->force, err);
}
