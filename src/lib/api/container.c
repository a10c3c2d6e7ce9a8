/* The lifecycle entry points. Every argument is checked here, before any
 * request leaves the process (the spec's own checks are in spec.c). */
#include "health.h"
#include "lib/engine.h"
#include "lib/kit/validate.h"

/* ---- lifecycle ------------------------------------------------------------------ */

/* The spec's pull policy, before anything is created. */
static int pull_for(berth_client *c, const berth_spec *spec, berth_error *err)
{
	int there = 0;
	if (spec->pull == BERTH_PULL_MISSING) {
		int r = berth_image_exists(&there, c, spec->image, err);
		if (r < 0 || there)
			return r;
	}
	return berth_image_pull_wait(NULL, c, spec->image, NULL, err);
}

int berth_container_create(char **out_id, berth_client *c, const berth_spec *spec, berth_error *err)
{
	CHECK_ARG(out_id && c && spec, err, "out_id, client or spec is NULL");
	int r = spec_check(spec, err);
	if (r == 0 && spec->pull != BERTH_PULL_NEVER)
		r = pull_for(c, spec, err);
	return r < 0 ? r : ENGINE_CALL(c, container_create, err, out_id, c, spec, err);
}

int berth_container_start(berth_client *c, const char *id, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	int r = check_id(id, err);
	if (r == 0)
		r = ENGINE_CALL(c, container_start, err, c, id, err);
	if (r == 0)
		health_keeper_ensure(c, id);
	return r;
}

int berth_container_run(char **out_id, berth_client *c, const berth_spec *spec, berth_error *err)
{
	_cleanup_free_ char *id = NULL;
	int r = berth_container_create(&id, c, spec, err);
	if (r < 0)
		return r;
	r = berth_container_start(c, id, err);
	if (r < 0) {
		/* Leave nothing behind: this call made the container. */
		berth_error ignored = BERTH_ERROR_INIT;
		if (c->ops->container_remove)
			c->ops->container_remove(c, id, true, true, &ignored);
		return r;
	}
	if (out_id)
		*out_id = TAKE_PTR(id);
	return 0;
}

int berth_container_stop(berth_client *c, const char *id, const berth_stop_options *opts, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_STOP_OPTIONS_VERSION, err);
	int grace;
	int r = check_grace(&grace, opts, "stop", err);
	if (r == 0)
		r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, container_stop, err, c, id, grace, err);
}

int berth_container_remove(berth_client *c, const char *id, const berth_remove_options *opts, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_REMOVE_OPTIONS_VERSION, err);
	int r = check_id(id, err);
	bool force = opts && opts->force, volumes = opts && opts->anonymous_volumes;
	return r < 0 ? r : ENGINE_CALL(c, container_remove, err, c, id, force, volumes, err);
}

int berth_container_inspect(berth_container_info **out, berth_client *c, const char *id, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	int r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, container_inspect, err, out, c, id, err);
}

int berth_container_list_get(berth_container_list **out, berth_client *c, const berth_list_options *opts,
			     berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	/* Version 1 callers pass the struct without the state filter. */
	if (opts && opts->version != 1)
		CHECK_OPTS(opts, BERTH_LIST_OPTIONS_VERSION, err);
	berth_list_options o = BERTH_LIST_OPTIONS_INIT;
	if (opts)
		memcpy(&o, opts, opts->version == 1 ? offsetof(berth_list_options, states) : sizeof o);
	o.version = BERTH_LIST_OPTIONS_VERSION;
	int r = check_label_filters(o.labels, o.label_count, "list", err);
	if (r < 0)
		return r;
	if (o.name && !*o.name)
		return berth_fail(err, BERTH_EINVAL, "list: empty name filter");
	CHECK_ARG(o.states || o.state_count == 0, err, "states is NULL");
	for (size_t i = 0; i < o.state_count; i++)
		if (o.states[i] <= BERTH_STATE_UNKNOWN || o.states[i] > BERTH_STATE_DEAD)
			return berth_fail(err, BERTH_EINVAL, "list: state filter %zu: %d is not a berth_state", i,
					  (int)o.states[i]);
	return ENGINE_CALL(c, container_list, err, out, c, &o, err);
}
