/* Volumes: the public entry points. Names, driver options and labels are
 * checked before any request; the client's owner joins the labels. */
#include "lib/engine.h"
#include "lib/kit/validate.h"

#include <berth/owner.h>

static bool alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* Docker's volume names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (and at most 255). */
static int check_volume_name(const char *name, const char *what, berth_error *err)
{
	size_t n = name ? strlen(name) : 0;
	bool ok = n >= 2 && n <= 255 && alnum(name[0]);
	for (size_t i = 1; ok && i < n; i++)
		ok = alnum(name[i]) || strchr("_.-", name[i]);
	if (!ok)
		return berth_fail(err, BERTH_EINVAL, "%s: volume name \"%.100s\" (want [a-zA-Z0-9][a-zA-Z0-9_.-]+)", what,
				  strempty(name));
	return 0;
}

/* "KEY=VALUE" items (or "KEY" for an empty value when bare_ok) into sorted
 * pairs; a key twice keeps the last. */
static int split_pairs(strv *keys, strv *values, const char *const *items, size_t n, const char *kind,
		       bool bare_ok, berth_error *err)
{
	if (!items && n)
		return berth_fail(err, BERTH_EINVAL, "volume create: %ss is NULL", kind);
	for (size_t i = 0; i < n; i++) {
		const char *s = items[i];
		const char *eq = s ? strchr(s, '=') : NULL;
		if (isempty(s) || s[0] == '=' || (!eq && !bare_ok))
			return berth_fail(err, BERTH_EINVAL, "volume create: %s %zu \"%.100s\" (want KEY=VALUE)", kind, i,
					  strempty(s));
		for (const char *p = s; *p; p++)
			if ((unsigned char)*p < ' ')
				return berth_fail(err, BERTH_EINVAL, "volume create: %s %zu has control characters", kind, i);
		_cleanup_free_ char *key = strndup(s, eq ? (size_t)(eq - s) : strlen(s));
		if (!key || labels_set(keys, values, key, eq ? eq + 1 : "") < 0)
			return BERTH_NOMEM(err);
	}
	return 0;
}

static void request_release(volume_request *q)
{
	strv_release(&q->opt_keys);
	strv_release(&q->opt_values);
	strv_release(&q->label_keys);
	strv_release(&q->label_values);
}

int berth_volume_create(char **out_name, berth_client *c, const char *name, const berth_volume_create_options *opts,
			berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_VOLUME_CREATE_OPTIONS_VERSION, err);
	berth_volume_create_options o = BERTH_VOLUME_CREATE_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = isempty(name) ? 0 : check_volume_name(name, "volume create", err);
	if (r < 0)
		return r;
	const char *driver = isempty(o.driver) ? "local" : o.driver;
	for (const char *p = driver; *p; p++)
		if (!alnum(*p) && !strchr("_.-/:", *p))
			return berth_fail(err, BERTH_EINVAL, "volume create: driver \"%.100s\"", driver);
	_cleanup_(request_release) volume_request q = { strempty(name), driver, STRV_INIT, STRV_INIT, STRV_INIT,
							STRV_INIT };
	r = split_pairs(&q.opt_keys, &q.opt_values, o.driver_opts, o.driver_opt_count, "driver option", false, err);
	if (r == 0)
		r = split_pairs(&q.label_keys, &q.label_values, o.labels, o.label_count, "label", true, err);
	if (r < 0)
		return r;
	if (!isempty(c->owner) && labels_find(&q.label_keys, BERTH_LABEL_OWNER) < 0 &&
	    labels_set(&q.label_keys, &q.label_values, BERTH_LABEL_OWNER, c->owner) < 0)
		return BERTH_NOMEM(err);
	char *got = NULL;
	r = ENGINE_CALL(c, volume_create, err, &got, c, &q, err);
	if (r < 0)
		return r;
	if (out_name)
		*out_name = got;
	else
		free(got);
	return 0;
}

int berth_volume_inspect(berth_volume_info **out, berth_client *c, const char *name, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	int r = check_volume_name(name, "volume inspect", err);
	return r < 0 ? r : ENGINE_CALL(c, volume_inspect, err, out, c, name, err);
}

int berth_volume_list_get(berth_volume_list **out, berth_client *c, const berth_volume_list_options *opts,
			  berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	CHECK_OPTS(opts, BERTH_VOLUME_LIST_OPTIONS_VERSION, err);
	berth_volume_list_options o = BERTH_VOLUME_LIST_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = check_label_filters(o.labels, o.label_count, "volume list", err);
	return r < 0 ? r : ENGINE_CALL(c, volume_list, err, out, c, o.labels, o.label_count, err);
}

int berth_volume_remove(berth_client *c, const char *name, const berth_volume_remove_options *opts, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_VOLUME_REMOVE_OPTIONS_VERSION, err);
	int r = check_volume_name(name, "volume remove", err);
	return r < 0 ? r : ENGINE_CALL(c, volume_remove, err, c, name, opts && opts->force, err);
}

int berth_volume_prune(berth_prune_result **out, berth_client *c, const berth_volume_prune_options *opts,
		       berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_VOLUME_PRUNE_OPTIONS_VERSION, err);
	berth_volume_prune_options o = BERTH_VOLUME_PRUNE_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = check_label_filters(o.labels, o.label_count, "volume prune", err);
	if (r < 0)
		return r;
	berth_prune_result *got = NULL;
	r = ENGINE_CALL(c, volume_prune, err, &got, c, o.labels, o.label_count, err);
	if (r < 0)
		return r;
	if (out)
		*out = got;
	else
		berth_prune_result_free(got);
	return 0;
}
