/* Ownership: spec hashes, adopt, up (remove-before-start), reap. Built on
 * the public operations only, so it behaves the same on every engine. */
#include "lib/engine.h"

#include <berth/owner.h>
#include <stdio.h>
#include <time.h>

static const char *owner_of(const berth_client *c, const char *owner)
{
	return owner ? owner : c->owner;
}

int berth_owner_list(berth_container_list **out, berth_client *c, const char *owner, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	owner = owner_of(c, owner);
	if (isempty(owner))
		return berth_fail(err, BERTH_EINVAL, "owner: none given and the client has none");
	_cleanup_sbuf_ sbuf f = SBUF_INIT;
	if (sbuf_printf(&f, "%s=%s", BERTH_LABEL_OWNER, owner) < 0)
		return BERTH_NOMEM(err);
	const char *labels[] = { BERTH_LABEL_MANAGED "=true", f.data };
	berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
	lo.all = 1;
	lo.labels = labels;
	lo.label_count = 2;
	return berth_container_list_get(out, c, &lo, err);
}

/* Whether berth made x for this client's owner (no owner on both sides
 * counts as the same owner). On "no", err says why. */
static bool ours(const berth_client *c, const berth_container_info *x, berth_error *err)
{
	const char *managed = berth_container_info_label(x, BERTH_LABEL_MANAGED);
	const char *owner = berth_container_info_label(x, BERTH_LABEL_OWNER);
	if (!managed || !STREQ(managed, "true")) {
		berth_fail(err, BERTH_ECONFLICT, "%s: not made by berth; it is left alone",
			   berth_container_info_name(x));
		return false;
	}
	if (!STREQ(strempty(owner), strempty(c->owner))) {
		berth_fail(err, BERTH_ECONFLICT, "%s: belongs to owner \"%s\", not \"%s\"; it is left alone",
			   berth_container_info_name(x), strempty(owner), strempty(c->owner));
		return false;
	}
	return true;
}

int berth_container_adopt(char **out_id, berth_client *c, const berth_spec *spec, berth_error *err)
{
	CHECK_ARG(out_id && c && spec, err, "out_id, client or spec is NULL");
	if (!spec->name)
		return berth_fail(err, BERTH_EINVAL, "adopt: the spec has no name");
	char hash[65];
	int r = berth_spec_hash(hash, spec, err);
	if (r < 0)
		return r;
	berth_container_info *x = NULL;
	r = berth_container_inspect(&x, c, spec->name, err);
	if (r < 0)
		return r;
	if (!ours(c, x, err)) {
		berth_container_info_free(x);
		return BERTH_ECONFLICT;
	}
	const char *have = berth_container_info_label(x, BERTH_LABEL_SPEC_HASH);
	if (!have || !STREQ(have, hash)) {
		r = berth_fail(err, BERTH_ECONFLICT, "%s: made from another spec (hash %.12s, this one %.12s)",
			       spec->name, have ? have : "none", hash);
		berth_container_info_free(x);
		return r;
	}
	char *id = strdup(berth_container_info_id(x));
	berth_container_info_free(x);
	if (!id)
		return BERTH_NOMEM(err);
	*out_id = id;
	return 0;
}

int berth_container_up(char **out_id, berth_client *c, const berth_spec *spec, berth_error *err)
{
	CHECK_ARG(c && spec, err, "client or spec is NULL");
	if (!spec->name)
		return berth_fail(err, BERTH_EINVAL, "up: the spec has no name");

	/* Is the name taken, and by something we may replace? */
	berth_container_info *old = NULL;
	berth_error ierr = BERTH_ERROR_INIT;
	int r = berth_container_inspect(&old, c, spec->name, &ierr);
	if (r < 0 && r != BERTH_ENOTFOUND) {
		if (err)
			*err = ierr;
		return r;
	}
	_cleanup_free_ char *old_id = NULL;
	if (old) {
		bool mine = ours(c, old, err);
		old_id = mine ? strdup(berth_container_info_id(old)) : NULL;
		berth_container_info_free(old);
		if (!mine)
			return BERTH_ECONFLICT;
		if (!old_id)
			return BERTH_NOMEM(err);
	}

	/* Create under a temporary name: a spec the engine refuses leaves the
	 * old container as it was. */
	char temp[300];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(temp, sizeof temp, "%.200s-up-%lx%04lx", spec->name, (unsigned long)ts.tv_sec & 0xfffff,
		 (unsigned long)(ts.tv_nsec / 1000) & 0xffff);
	berth_spec staged = *spec;
	staged.name = temp;
	_cleanup_free_ char *id = NULL;
	r = berth_container_create(&id, c, &staged, err);
	if (r < 0)
		return r;

	berth_remove_options force = BERTH_REMOVE_OPTIONS_INIT;
	force.force = 1;
	if (old_id)
		r = berth_container_remove(c, old_id, &force, err);
	if (r == 0)
		r = berth_container_rename(c, id, spec->name, err);
	if (r == 0)
		r = berth_container_start(c, id, err);
	if (r < 0) {
		berth_error ignored = BERTH_ERROR_INIT;
		berth_container_remove(c, id, &force, &ignored);
		return r;
	}
	if (out_id)
		*out_id = TAKE_PTR(id);
	return 0;
}

int berth_owner_reap(size_t *removed, berth_client *c, const char *owner, const char *const *keep, size_t keep_count,
		     berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_ARG(keep || keep_count == 0, err, "keep is NULL");
	if (removed)
		*removed = 0;
	berth_container_list *l = NULL;
	int r = berth_owner_list(&l, c, owner, err);
	if (r < 0)
		return r;
	berth_remove_options force = BERTH_REMOVE_OPTIONS_INIT;
	force.force = 1;
	for (size_t i = 0; r == 0 && i < berth_container_list_count(l); i++) {
		const char *id = berth_container_list_id(l, i), *name = berth_container_list_name(l, i);
		bool kept = false;
		for (size_t k = 0; k < keep_count && !kept; k++)
			kept = !isempty(keep[k]) && (STREQ(keep[k], name) || startswith(id, keep[k]));
		if (kept)
			continue;
		r = berth_container_remove(c, id, &force, err);
		if (r == 0 && removed)
			(*removed)++;
	}
	berth_container_list_free(l);
	return r;
}
