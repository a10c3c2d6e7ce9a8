/* Services files: up, down, stop, start, ps. Built on the public
 * operations only (container up, readiness, volumes, networks), so a
 * project behaves the same on every engine. */
#include "lib/api/compose_int.h"

#include <berth/network.h>
#include <berth/owner.h>
#include <berth/ready.h>
#include <berth/volume.h>
#include <berth/image.h>
#include <stdio.h>

#define DEFAULT_TIMEOUT_MS 120000

const char *berth_compose_step_name(berth_compose_step step)
{
	static const char *const names[] = {
		[BERTH_COMPOSE_NETWORK_CREATED] = "created", [BERTH_COMPOSE_VOLUME_CREATED] = "created",
		[BERTH_COMPOSE_CREATING] = "creating",        [BERTH_COMPOSE_RECREATING] = "recreating",
		[BERTH_COMPOSE_STARTED] = "started",          [BERTH_COMPOSE_UNCHANGED] = "running",
		[BERTH_COMPOSE_RESTARTED] = "restarted",      [BERTH_COMPOSE_WAITING] = "waiting",
		[BERTH_COMPOSE_HEALTHY] = "healthy",          [BERTH_COMPOSE_EXITED] = "exited",
		[BERTH_COMPOSE_FAILED] = "failed",            [BERTH_COMPOSE_STOPPING] = "stopping",
		[BERTH_COMPOSE_STOPPED] = "stopped",          [BERTH_COMPOSE_REMOVED] = "removed",
		[BERTH_COMPOSE_NOTE] = "note",
	};
	return (size_t)step < ARRAY_SIZE(names) && names[step] ? names[step] : "unknown";
}

typedef struct run {
	berth_client *c;
	const berth_compose *x;
	berth_compose_progress_fn fn;
	void *user;
} run;

static void say(const run *u, berth_compose_step step, const char *service, const char *object, const char *detail)
{
	if (!u->fn)
		return;
	berth_compose_event e = { step, service, object, detail };
	u->fn(&e, u->user);
}

static int project_label(char **out, const char *name)
{
	return asprintf(out, "%s=%s", BERTH_COMPOSE_LABEL_PROJECT, name) < 0 ? -1 : 0;
}

/* ---- networks and volumes ----------------------------------------------------------- */

static const compose_network *network_decl(const berth_compose *x, const char *key)
{
	for (size_t i = 0; i < x->p.n_networks; i++)
		if (STREQ(x->p.networks[i].key, key))
			return &x->p.networks[i];
	return NULL;
}

static const compose_volume *volume_decl(const berth_compose *x, const char *key)
{
	for (size_t i = 0; i < x->p.n_volumes; i++)
		if (STREQ(x->p.volumes[i].key, key))
			return &x->p.volumes[i];
	return NULL;
}

/* "k=v" items of pairs onto out. */
static int pair_items(strv *out, const strv *keys, const strv *values)
{
	for (size_t i = 0; i < keys->len; i++) {
		char *kv = NULL;
		if (asprintf(&kv, "%s=%s", keys->items[i], values->items[i]) < 0 || strv_push_take(out, kv) < 0) {
			free(kv);
			return -1;
		}
	}
	return 0;
}

/* "k=v" items of pairs, plus the compose labels. */
static int label_items(strv *out, const strv *keys, const strv *values, const char *project, const char *what,
		       const char *key)
{
	if (pair_items(out, keys, values) < 0)
		return -1;
	char *a = NULL, *b = NULL;
	if (project_label(&a, project) < 0 || strv_push_take(out, a) < 0 ||
	    asprintf(&b, "com.docker.compose.%s=%s", what, key) < 0 || strv_push_take(out, b) < 0) {
		free(a);
		free(b);
		return -1;
	}
	return 0;
}

/* What the inspect of a network or volume (what) says: 0 when it exists,
 * 1 when it is to be made, else the error (also for an external one that
 * does not exist). */
static int to_make(int inspected, bool external, const char *what, const char *name, berth_error *err)
{
	if (inspected == 0)
		return 0;
	if (inspected != BERTH_ENOTFOUND)
		return inspected;
	if (external)
		return berth_fail(err, BERTH_ENOTFOUND, "%s %s is external but does not exist (create it first)", what,
				  name);
	return 1;
}

/* The end of a create of a network or volume (what): said, or its error
 * named. */
static int made(const run *u, int r, berth_compose_step step, const char *what, const char *name, berth_error *err)
{
	if (r < 0) {
		berth_error_prefix(err, "%s %s", what, name);
		return r;
	}
	say(u, step, NULL, name, NULL);
	return 0;
}

static int ensure_network(const run *u, const char *key, berth_error *err)
{
	const compose_network *d = network_decl(u->x, key);
	_cleanup_free_ char *name = NULL;
	if (compose_network_name(&name, u->x, key) < 0)
		return BERTH_NOMEM(err);
	berth_network_info *info = NULL;
	int r = to_make(berth_network_inspect(&info, u->c, name, err), d && d->external, "network", name, err);
	berth_network_info_free(info);
	if (r <= 0)
		return r;
	_cleanup_strv_ strv labels = STRV_INIT;
	strv none = STRV_INIT;
	if (label_items(&labels, d ? &d->label_keys : &none, d ? &d->label_values : &none, u->x->name, "network", key) < 0)
		return BERTH_NOMEM(err);
	berth_network_create_options o = BERTH_NETWORK_CREATE_OPTIONS_INIT;
	o.driver = d ? d->driver : NULL;
	o.subnet = d ? d->subnet : NULL;
	o.gateway = d ? d->gateway : NULL;
	o.internal = d && d->internal;
	o.labels = (const char *const *)labels.items;
	o.label_count = labels.len;
	r = berth_network_create(NULL, u->c, name, &o, err);
	if (r == BERTH_ECONFLICT) /* made meanwhile */
		return 0;
	return made(u, r, BERTH_COMPOSE_NETWORK_CREATED, "network", name, err);
}

static int ensure_volume(const run *u, const char *key, berth_error *err)
{
	const compose_volume *d = volume_decl(u->x, key);
	_cleanup_free_ char *name = NULL;
	if (compose_volume_name(&name, u->x, key) < 0)
		return BERTH_NOMEM(err);
	berth_volume_info *info = NULL;
	int r = to_make(berth_volume_inspect(&info, u->c, name, err), d && d->external, "volume", name, err);
	berth_volume_info_free(info);
	if (r <= 0)
		return r;
	_cleanup_strv_ strv labels = STRV_INIT;
	_cleanup_strv_ strv opts = STRV_INIT;
	strv none = STRV_INIT;
	if (label_items(&labels, d ? &d->label_keys : &none, d ? &d->label_values : &none, u->x->name, "volume", key) < 0 ||
	    (d && pair_items(&opts, &d->opt_keys, &d->opt_values) < 0))
		return BERTH_NOMEM(err);
	berth_volume_create_options o = BERTH_VOLUME_CREATE_OPTIONS_INIT;
	o.driver = d ? d->driver : NULL;
	o.driver_opts = (const char *const *)opts.items;
	o.driver_opt_count = opts.len;
	o.labels = (const char *const *)labels.items;
	o.label_count = labels.len;
	char *got = NULL;
	r = berth_volume_create(&got, u->c, name, &o, err);
	berth_free(got);
	return made(u, r, BERTH_COMPOSE_VOLUME_CREATED, "volume", name, err);
}

/* The networks and named volumes the chosen services use. */
static int ensure_resources(const run *u, const bool *chosen, berth_error *err)
{
	const berth_compose *x = u->x;
	for (size_t i = 0; i < x->n; i++) {
		if (!chosen[i])
			continue;
		const compose_service *s = x->svc[i].s;
		int r = 0;
		if (!s->network_mode) {
			if (!s->n_networks)
				r = ensure_network(u, "default", err);
			for (size_t j = 0; r == 0 && j < s->n_networks; j++)
				r = ensure_network(u, s->networks[j].name, err);
		}
		for (size_t j = 0; r == 0 && j < s->n_mounts; j++)
			if (s->mounts[j].kind == COMPOSE_MOUNT_VOLUME && s->mounts[j].source)
				r = ensure_volume(u, s->mounts[j].source, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- order ----------------------------------------------------------------------------- */

static size_t index_of(const berth_compose *x, const char *name)
{
	for (size_t i = 0; i < x->n; i++)
		if (STREQ(x->svc[i].s->name, name))
			return i;
	return (size_t)-1;
}

/* The services to act on: the named ones (all when none) and, unless
 * no_deps, what they depend on. */
static int choose(bool *chosen, const berth_compose *x, const char *const *names, size_t n, bool deps,
		  berth_error *err)
{
	if (!names || !n) {
		for (size_t i = 0; i < x->n; i++)
			chosen[i] = true;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = names[i] ? index_of(x, names[i]) : (size_t)-1;
		if (k == (size_t)-1)
			return berth_fail(err, BERTH_EINVAL, "no such service: %.100s", strempty(names[i]));
		chosen[k] = true;
	}
	for (bool more = deps; more;) {
		more = false;
		for (size_t i = 0; i < x->n; i++) {
			for (size_t d = 0; chosen[i] && d < x->svc[i].s->n_deps; d++) {
				size_t k = index_of(x, x->svc[i].s->deps[d].service);
				if (k != (size_t)-1 && !chosen[k])
					chosen[k] = more = true;
			}
		}
	}
	return 0;
}

/* Services in dependency order (dependencies first; the parser refused
 * cycles). order gets x->n indexes. */
static void topo(size_t *order, const berth_compose *x)
{
	bool *done = calloc(x->n ? x->n : 1, 1);
	size_t k = 0;
	while (done && k < x->n) {
		size_t before = k;
		for (size_t i = 0; i < x->n; i++) {
			if (done[i])
				continue;
			bool ready = true;
			for (size_t d = 0; ready && d < x->svc[i].s->n_deps; d++) {
				size_t j = index_of(x, x->svc[i].s->deps[d].service);
				ready = j == (size_t)-1 || done[j];
			}
			if (ready) {
				done[i] = true;
				order[k++] = i;
			}
		}
		if (k == before) /* a cycle slipped through: the rest as they come */
			for (size_t i = 0; i < x->n; i++)
				if (!done[i]) {
					done[i] = true;
					order[k++] = i;
				}
	}
	if (!done)
		for (size_t i = 0; i < x->n; i++)
			order[i] = i;
	free(done);
}

/* ---- up ---------------------------------------------------------------------------------- */

typedef enum svc_state {
	SVC_PENDING = 0,
	SVC_STARTED,    /* its container runs (or ran) */
	SVC_MET_HEALTHY,
	SVC_MET_DONE,   /* exited 0 */
	SVC_SKIPPED,
} svc_state;

typedef struct up_run {
	run u;
	const berth_compose_up_options *o;
	bool *chosen;
	svc_state *state;
	bool *replaced;     /* made anew in this up (recreate) */
	int timeout_ms;
} up_run;

/* The image id the engine has for a reference, "" when it has none. */
static char *image_id(berth_client *c, const char *ref)
{
	berth_image_info *ii = NULL;
	berth_error e = BERTH_ERROR_INIT;
	char *id = NULL;
	if (berth_image_inspect(&ii, c, ref, &e) == 0)
		id = strdup(berth_image_info_id(ii));
	berth_image_info_free(ii);
	return id ? id : strdup("");
}

/* Connect the service's further networks (all but the first). */
static int connect_more(const up_run *w, const compose_svc *v, berth_error *err)
{
	const compose_service *s = v->s;
	for (size_t i = 1; !s->network_mode && i < s->n_networks; i++) {
		_cleanup_free_ char *net = NULL;
		if (compose_network_name(&net, w->u.x, s->networks[i].name) < 0)
			return BERTH_NOMEM(err);
		_cleanup_strv_ strv aliases = STRV_INIT;
		if (strv_push(&aliases, s->name) < 0)
			return BERTH_NOMEM(err);
		for (size_t j = 0; j < s->networks[i].aliases.len; j++)
			if (strv_push(&aliases, s->networks[i].aliases.items[j]) < 0)
				return BERTH_NOMEM(err);
		berth_network_connect_options o = BERTH_NETWORK_CONNECT_OPTIONS_INIT;
		o.aliases = (const char *const *)aliases.items;
		o.alias_count = aliases.len;
		int r = berth_network_connect(w->u.c, net, v->cname, &o, err);
		if (r < 0 && r != BERTH_ECONFLICT) { /* ECONFLICT: it is on it already */
			berth_error_prefix(err, "service %s: network %s", s->name, net);
			return r;
		}
	}
	return 0;
}

/* Bring one service's container to what the file says. */
static int up_one(up_run *w, size_t i, bool dep_replaced, berth_error *err)
{
	const compose_svc *v = &w->u.x->svc[i];
	const compose_service *s = v->s;
	berth_client *c = w->u.c;
	berth_spec *spec = NULL;
	char want[65];
	int r = compose_build_spec(&spec, want, w->u.x, v, err);
	if (r < 0)
		return r;
	berth_container_info *have = NULL;
	berth_error e = BERTH_ERROR_INIT;
	r = berth_container_inspect(&have, c, v->cname, &e);
	if (r < 0 && r != BERTH_ENOTFOUND) {
		berth_spec_free(spec);
		if (err)
			*err = e;
		return r;
	}
	bool exists = r == 0, same = false;
	if (exists) {
		const char *proj = berth_container_info_label(have, BERTH_COMPOSE_LABEL_PROJECT);
		if (!proj || !STREQ(proj, w->u.x->name)) {
			r = berth_fail(err, BERTH_ECONFLICT,
				       "service %s: a container named %s exists that is not this project's (%s); it is left "
				       "alone",
				       s->name, v->cname, proj ? proj : "no compose project");
			berth_container_info_free(have);
			berth_spec_free(spec);
			return r;
		}
		const char *hash = berth_container_info_label(have, BERTH_COMPOSE_LABEL_HASH);
		_cleanup_free_ char *img = image_id(c, s->image);
		const char *cur = berth_container_info_image_id(have);
		same = hash && STREQ(hash, want) && img && *img && cur && STREQ(cur, img) && !w->o->force_recreate;
	}
	if (same) {
		bool running = berth_container_info_running(have);
		berth_container_info_free(have);
		berth_spec_free(spec);
		if (running && dep_replaced) {
			berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
			r = berth_container_restart(c, v->cname, &so, err);
			if (r == 0)
				say(&w->u, BERTH_COMPOSE_RESTARTED, s->name, v->cname, "a dependency was replaced");
		} else if (running) {
			say(&w->u, BERTH_COMPOSE_UNCHANGED, s->name, v->cname, NULL);
		} else {
			r = berth_container_start(c, v->cname, err);
			if (r == 0)
				say(&w->u, BERTH_COMPOSE_STARTED, s->name, v->cname, NULL);
		}
		if (r < 0)
			berth_error_prefix(err, "service %s", s->name);
		return r;
	}
	berth_container_info_free(have);
	say(&w->u, exists ? BERTH_COMPOSE_RECREATING : BERTH_COMPOSE_CREATING, s->name, v->cname, NULL);
	char *id = NULL;
	r = berth_container_up(&id, c, spec, err);
	berth_free(id);
	berth_spec_free(spec);
	if (r < 0) {
		if (err && !startswith(err->message, "service "))
			berth_error_prefix(err, "service %s", s->name);
		return r;
	}
	w->replaced[i] = true;
	r = connect_more(w, v, err);
	if (r < 0)
		return r;
	say(&w->u, BERTH_COMPOSE_STARTED, s->name, v->cname, NULL);
	return 0;
}

/* Wait for service i to be ready (healthy where it has a check). A
 * dependant's wait (need_check) wants a health check; --wait's takes a
 * container that exited 0 as done. */
static int wait_healthy(up_run *w, size_t i, bool need_check, berth_error *err)
{
	const compose_svc *v = &w->u.x->svc[i];
	if (need_check) {
		berth_container_info *info = NULL;
		int r = berth_container_inspect(&info, w->u.c, v->cname, err);
		if (r < 0)
			return r;
		bool has = berth_container_info_has_healthcheck(info);
		berth_container_info_free(info);
		if (!has)
			return berth_fail(err, BERTH_EINVAL,
					  "service %s: a dependant waits for it to be healthy, but it has no health check",
					  v->s->name);
	}
	say(&w->u, BERTH_COMPOSE_WAITING, v->s->name, v->cname, NULL);
	berth_ready_options ro = BERTH_READY_OPTIONS_INIT;
	ro.timeout_ms = w->timeout_ms;
	berth_ready_result *res = NULL;
	int r = berth_container_wait_ready(&res, w->u.c, v->cname, &ro, err);
	/* --wait: a one-shot that ended well is done, not a failure */
	if (r == BERTH_ECONFLICT && res && !need_check && berth_ready_result_state(res) == BERTH_READY_EXITED &&
	    berth_ready_result_exit_code(res) == 0) {
		berth_ready_result_free(res);
		w->state[i] = SVC_MET_DONE;
		say(&w->u, BERTH_COMPOSE_EXITED, v->s->name, v->cname, "exit code 0");
		return 0;
	}
	if (r == BERTH_ECONFLICT && res) {
		const char *out = berth_ready_result_health_output(res);
		if (berth_ready_result_state(res) == BERTH_READY_EXITED)
			r = berth_fail(err, BERTH_ECONFLICT, "service %s exited with code %d before it was ready", v->s->name,
				       berth_ready_result_exit_code(res));
		else
			r = berth_fail(err, BERTH_ECONFLICT, "service %s is unhealthy%s%.300s", v->s->name,
				       out && *out ? ": " : "", out ? out : "");
	} else if (r == BERTH_ETIMEDOUT) {
		const char *out = res ? berth_ready_result_health_output(res) : NULL;
		r = berth_fail(err, BERTH_ETIMEDOUT, "service %s was not ready within %d s%s%.300s", v->s->name,
			       w->timeout_ms / 1000, out && *out ? "; its health check says: " : "", out ? out : "");
	} else if (r < 0) {
		berth_error_prefix(err, "service %s", v->s->name);
	}
	berth_ready_result_free(res);
	if (r == 0) {
		w->state[i] = SVC_MET_HEALTHY;
		say(&w->u, BERTH_COMPOSE_HEALTHY, v->s->name, v->cname, NULL);
	} else {
		say(&w->u, BERTH_COMPOSE_FAILED, v->s->name, v->cname, err ? err->message : NULL);
	}
	return r;
}

/* Wait for service i to exit 0. */
static int wait_done(up_run *w, size_t i, berth_error *err)
{
	const compose_svc *v = &w->u.x->svc[i];
	say(&w->u, BERTH_COMPOSE_WAITING, v->s->name, v->cname, "to complete");
	berth_wait_options wo = BERTH_WAIT_OPTIONS_INIT;
	wo.timeout_ms = w->timeout_ms;
	berth_wait_outcome out = { .version = BERTH_WAIT_OUTCOME_VERSION };
	int r = berth_container_wait(&out, w->u.c, v->cname, &wo, err);
	if (r == BERTH_ETIMEDOUT)
		r = berth_fail(err, BERTH_ETIMEDOUT, "service %s did not complete within %d s", v->s->name,
			       w->timeout_ms / 1000);
	else if (r == 0 && out.exit_code != 0)
		r = berth_fail(err, BERTH_ECONFLICT, "service %s did not complete successfully: exit code %d", v->s->name,
			       out.exit_code);
	else if (r < 0)
		berth_error_prefix(err, "service %s", v->s->name);
	if (r == 0) {
		w->state[i] = SVC_MET_DONE;
		say(&w->u, BERTH_COMPOSE_EXITED, v->s->name, v->cname, "exit code 0");
	} else {
		say(&w->u, BERTH_COMPOSE_FAILED, v->s->name, v->cname, err ? err->message : NULL);
	}
	return r;
}

/* Whether dependency d of a service is met; *blocking: the index to wait
 * on when not (or -1 when it cannot be waited on yet). */
static bool dep_met(const up_run *w, const compose_dep *d, size_t *blocking)
{
	size_t j = index_of(w->u.x, d->service);
	*blocking = (size_t)-1;
	if (j == (size_t)-1 || !w->chosen[j] || w->state[j] == SVC_SKIPPED)
		return true;
	switch (d->condition) {
	case COMPOSE_COND_STARTED:
		if (w->state[j] != SVC_PENDING)
			return true;
		break;
	case COMPOSE_COND_HEALTHY:
		if (w->state[j] == SVC_MET_HEALTHY)
			return true;
		break;
	case COMPOSE_COND_COMPLETED:
		if (w->state[j] == SVC_MET_DONE)
			return true;
		break;
	}
	if (w->state[j] != SVC_PENDING)
		*blocking = j;
	return false;
}

/* What an up that was cut short may have left: a container made under a
 * service's temporary name (NAME-up-...) by berth_container_up, not yet
 * renamed. The project's label and the name say it is this project's. */
static int repair(const run *u, berth_error *err)
{
	berth_container_list *l = NULL;
	int r = berth_compose_ps(&l, u->c, u->x->name, err);
	if (r < 0)
		return r;
	for (size_t i = 0; r == 0 && i < berth_container_list_count(l); i++) {
		const char *svc = berth_container_list_label(l, i, BERTH_COMPOSE_LABEL_SERVICE);
		const char *name = berth_container_list_name(l, i);
		const compose_svc *v = svc ? compose_svc_of(u->x, svc) : NULL;
		size_t n = v ? strlen(v->cname) : 0;
		if (!v || strncmp(name, v->cname, n) != 0 || !startswith(name + n, "-up-"))
			continue;
		berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
		ro.force = 1;
		r = berth_container_remove(u->c, berth_container_list_id(l, i), &ro, err);
		if (r == BERTH_ENOTFOUND)
			r = 0;
		if (r == 0)
			say(u, BERTH_COMPOSE_REMOVED, svc, name, "left by an up that was cut short");
	}
	berth_container_list_free(l);
	return r;
}

int berth_compose_up(berth_client *c, const berth_compose *x, const berth_compose_up_options *o, berth_error *err)
{
	CHECK_ARG(c && x, err, "client or project is NULL");
	CHECK_OPTS(o, BERTH_COMPOSE_UP_OPTIONS_VERSION, err);
	berth_compose_up_options defaults = BERTH_COMPOSE_UP_OPTIONS_INIT;
	if (!o)
		o = &defaults;
	if (o->timeout_ms < 0)
		return berth_fail(err, BERTH_EINVAL, "compose up: timeout_ms %d < 0", o->timeout_ms);
	if (o->service_count && !o->services)
		return berth_fail(err, BERTH_EINVAL, "compose up: services is NULL");
	size_t n = x->n ? x->n : 1;
	_cleanup_free_ bool *chosen = calloc(n, sizeof *chosen);
	_cleanup_free_ bool *replaced = calloc(n, sizeof *replaced);
	_cleanup_free_ svc_state *state = calloc(n, sizeof *state);
	_cleanup_free_ size_t *order = calloc(n, sizeof *order);
	if (!chosen || !replaced || !state || !order)
		return BERTH_NOMEM(err);
	up_run w = { .u = { c, x, o->progress, o->user },
		     .o = o, .chosen = chosen, .state = state, .replaced = replaced,
		     .timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS };
	int r = choose(chosen, x, o->services, o->service_count, !o->no_deps, err);
	if (r < 0)
		return r;
	/* every spec before anything is made */
	for (size_t i = 0; i < x->n; i++) {
		berth_spec *spec = NULL;
		r = chosen[i] ? compose_build_spec(&spec, NULL, x, &x->svc[i], err) : 0;
		berth_spec_free(spec);
		if (r < 0)
			return r;
	}
	r = repair(&w.u, err);
	if (r == 0)
		r = ensure_resources(&w.u, chosen, err);
	if (r < 0)
		return r;
	topo(order, x);
	/* start what can start; when nothing can, wait on a dependency */
	for (;;) {
		bool progress = false, pending = false;
		size_t wait_on = (size_t)-1;
		for (size_t k = 0; k < x->n; k++) {
			size_t i = order[k];
			if (!chosen[i] || state[i] != SVC_PENDING)
				continue;
			pending = true;
			const compose_service *s = x->svc[i].s;
			bool met = true, dep_replaced = false;
			for (size_t d = 0; d < s->n_deps; d++) {
				size_t b;
				if (!dep_met(&w, &s->deps[d], &b)) {
					met = false;
					if (b != (size_t)-1 && wait_on == (size_t)-1)
						wait_on = b;
				}
				size_t j = index_of(x, s->deps[d].service);
				if (j != (size_t)-1 && replaced[j])
					dep_replaced = true;
			}
			if (!met)
				continue;
			r = up_one(&w, i, dep_replaced, err);
			if (r < 0) {
				say(&w.u, BERTH_COMPOSE_FAILED, s->name, x->svc[i].cname, err ? err->message : NULL);
				return r;
			}
			state[i] = SVC_STARTED;
			progress = true;
		}
		if (!pending)
			break;
		if (progress)
			continue;
		if (wait_on == (size_t)-1)
			return berth_fail(err, BERTH_EINVAL, "compose up: the dependencies cannot be ordered");
		/* what does a pending service want of wait_on? */
		compose_cond want = COMPOSE_COND_STARTED;
		for (size_t k = 0; k < x->n; k++)
			for (size_t d = 0; chosen[k] && state[k] == SVC_PENDING && d < x->svc[k].s->n_deps; d++)
				if (STREQ(x->svc[k].s->deps[d].service, x->svc[wait_on].s->name) &&
				    x->svc[k].s->deps[d].condition > want)
					want = x->svc[k].s->deps[d].condition;
		r = want == COMPOSE_COND_COMPLETED ? wait_done(&w, wait_on, err) : wait_healthy(&w, wait_on, true, err);
		if (r < 0)
			return r;
	}
	if (!o->wait)
		return 0;
	for (size_t k = 0; k < x->n; k++) {
		size_t i = order[k];
		if (!chosen[i] || state[i] == SVC_MET_HEALTHY || state[i] == SVC_MET_DONE)
			continue;
		r = wait_healthy(&w, i, false, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- ps, stop, start, down ---------------------------------------------------------------- */

int berth_compose_ps(berth_container_list **out, berth_client *c, const char *name, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	if (isempty(name))
		return berth_fail(err, BERTH_EINVAL, "compose ps: no project name");
	_cleanup_free_ char *label = NULL;
	if (project_label(&label, name) < 0)
		return BERTH_NOMEM(err);
	const char *labels[] = { label };
	berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
	lo.all = 1;
	lo.labels = labels;
	lo.label_count = 1;
	return berth_container_list_get(out, c, &lo, err);
}

/* The grace of a service's stop: timeout_s, else its stop_grace_period. */
static int grace_of(const berth_compose *x, const char *service, int timeout_s)
{
	if (timeout_s >= 0)
		return timeout_s;
	const compose_svc *v = x ? compose_svc_of(x, service) : NULL;
	return v && v->s->stop_grace_ms >= 0 ? (int)((v->s->stop_grace_ms + 999) / 1000) : -1;
}

/* Rank of a service in stop order: dependants first. */
static size_t stop_rank(const berth_compose *x, const size_t *order, const char *service)
{
	for (size_t k = 0; x && k < x->n; k++)
		if (STREQ(x->svc[order[k]].s->name, strempty(service)))
			return x->n - k;
	return 0; /* orphans and unknown: first */
}

/* Stop (and with remove, remove) the project's containers of the chosen
 * services (chosen NULL: all, orphans too), dependants first. */
static int stop_all(const run *u, const char *name, const bool *chosen, int timeout_s, bool remove,
		    berth_error *err)
{
	const berth_compose *x = u->x;
	berth_container_list *l = NULL;
	int r = berth_compose_ps(&l, u->c, name, err);
	if (r < 0)
		return r;
	size_t n = berth_container_list_count(l);
	_cleanup_free_ size_t *order = calloc(x && x->n ? x->n : 1, sizeof *order);
	_cleanup_free_ size_t *idx = calloc(n ? n : 1, sizeof *idx);
	if (!order || !idx) {
		berth_container_list_free(l);
		return BERTH_NOMEM(err);
	}
	if (x)
		topo(order, x);
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	/* dependants first: by rising rank (insertion sort: a project is small) */
	for (size_t i = 1; i < n; i++) {
		size_t v = idx[i], j = i;
		size_t rv = stop_rank(x, order, berth_container_list_label(l, v, BERTH_COMPOSE_LABEL_SERVICE));
		while (j > 0 &&
		       stop_rank(x, order, berth_container_list_label(l, idx[j - 1], BERTH_COMPOSE_LABEL_SERVICE)) > rv) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = v;
	}
	int first = 0;
	berth_error e = BERTH_ERROR_INIT;
	for (size_t k = 0; k < n; k++) {
		size_t i = idx[k];
		const char *svc = berth_container_list_label(l, i, BERTH_COMPOSE_LABEL_SERVICE);
		const char *cname = berth_container_list_name(l, i);
		if (chosen && x) {
			size_t at = svc ? index_of(x, svc) : (size_t)-1;
			if (at == (size_t)-1 || !chosen[at])
				continue;
		}
		berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
		so.grace_seconds = grace_of(x, svc, timeout_s);
		int rr = 0;
		if (berth_container_list_state(l, i) == BERTH_STATE_RUNNING ||
		    berth_container_list_state(l, i) == BERTH_STATE_PAUSED ||
		    berth_container_list_state(l, i) == BERTH_STATE_RESTARTING) {
			say(u, BERTH_COMPOSE_STOPPING, svc, cname, NULL);
			rr = berth_container_stop(u->c, berth_container_list_id(l, i), &so, &e);
			if (rr == 0)
				say(u, BERTH_COMPOSE_STOPPED, svc, cname, NULL);
		}
		if (rr == 0 && remove) {
			berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
			ro.force = 1;
			rr = berth_container_remove(u->c, berth_container_list_id(l, i), &ro, &e);
			if (rr == BERTH_ENOTFOUND)
				rr = 0;
			if (rr == 0)
				say(u, BERTH_COMPOSE_REMOVED, svc, cname, NULL);
		}
		if (rr < 0 && !first) {
			first = rr;
			if (err)
				*err = e;
		}
	}
	berth_container_list_free(l);
	return first;
}

int berth_compose_stop(berth_client *c, const berth_compose *x, const berth_compose_run_options *o, berth_error *err)
{
	CHECK_ARG(c && x, err, "client or project is NULL");
	CHECK_OPTS(o, BERTH_COMPOSE_RUN_OPTIONS_VERSION, err);
	berth_compose_run_options defaults = BERTH_COMPOSE_RUN_OPTIONS_INIT;
	if (!o)
		o = &defaults;
	if (o->service_count && !o->services)
		return berth_fail(err, BERTH_EINVAL, "compose stop: services is NULL");
	_cleanup_free_ bool *chosen = calloc(x->n ? x->n : 1, sizeof *chosen);
	if (!chosen)
		return BERTH_NOMEM(err);
	int r = choose(chosen, x, o->services, o->service_count, false, err);
	if (r < 0)
		return r;
	run u = { c, x, o->progress, o->user };
	return stop_all(&u, x->name, chosen, o->timeout_s, false, err);
}

int berth_compose_start(berth_client *c, const berth_compose *x, const berth_compose_run_options *o, berth_error *err)
{
	CHECK_ARG(c && x, err, "client or project is NULL");
	CHECK_OPTS(o, BERTH_COMPOSE_RUN_OPTIONS_VERSION, err);
	berth_compose_run_options defaults = BERTH_COMPOSE_RUN_OPTIONS_INIT;
	if (!o)
		o = &defaults;
	if (o->service_count && !o->services)
		return berth_fail(err, BERTH_EINVAL, "compose start: services is NULL");
	size_t n = x->n ? x->n : 1;
	_cleanup_free_ bool *chosen = calloc(n, sizeof *chosen);
	_cleanup_free_ size_t *order = calloc(n, sizeof *order);
	if (!chosen || !order)
		return BERTH_NOMEM(err);
	int r = choose(chosen, x, o->services, o->service_count, false, err);
	if (r < 0)
		return r;
	run u = { c, x, o->progress, o->user };
	topo(order, x);
	for (size_t k = 0; k < x->n; k++) {
		const compose_svc *v = &x->svc[order[k]];
		if (!chosen[order[k]])
			continue;
		r = berth_container_start(c, v->cname, err);
		if (r == BERTH_ENOTFOUND)
			r = berth_fail(err, BERTH_ENOTFOUND, "service %s has no container (run up first)", v->s->name);
		else if (r < 0)
			berth_error_prefix(err, "service %s", v->s->name);
		if (r < 0)
			return r;
		say(&u, BERTH_COMPOSE_STARTED, v->s->name, v->cname, NULL);
	}
	return 0;
}

int berth_compose_restart(berth_client *c, const berth_compose *x, const berth_compose_run_options *o,
			  berth_error *err)
{
	int r = berth_compose_stop(c, x, o, err);
	return r < 0 ? r : berth_compose_start(c, x, o, err);
}

/* Remove the project's networks or volumes (by label). */
/* One removal of down's (what: "network" or "volume"): said when done; the
 * first failure but "not found" kept in *first, its error e in err. */
static void removed(const run *u, int r, const char *object, const char *what, const berth_error *e, int *first,
		    berth_error *err)
{
	if (r == 0)
		say(u, BERTH_COMPOSE_REMOVED, NULL, object, what);
	else if (r != BERTH_ENOTFOUND && !*first && (*first = r) && err)
		*err = *e;
}

static int remove_labelled(const run *u, const char *name, bool volumes, berth_error *err)
{
	_cleanup_free_ char *label = NULL;
	if (project_label(&label, name) < 0)
		return BERTH_NOMEM(err);
	const char *labels[] = { label };
	int first = 0;
	berth_error e = BERTH_ERROR_INIT;
	if (volumes) {
		berth_volume_list *l = NULL;
		berth_volume_list_options lo = BERTH_VOLUME_LIST_OPTIONS_INIT;
		lo.labels = labels;
		lo.label_count = 1;
		int r = berth_volume_list_get(&l, u->c, &lo, err);
		if (r < 0)
			return r;
		for (size_t i = 0; i < berth_volume_list_count(l); i++) {
			const char *vn = berth_volume_info_name(berth_volume_list_at(l, i));
			removed(u, berth_volume_remove(u->c, vn, NULL, &e), vn, "volume", &e, &first, err);
		}
		berth_volume_list_free(l);
		return first;
	}
	berth_network_list *l = NULL;
	berth_network_list_options lo = BERTH_NETWORK_LIST_OPTIONS_INIT;
	lo.labels = labels;
	lo.label_count = 1;
	int r = berth_network_list_get(&l, u->c, &lo, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < berth_network_list_count(l); i++) {
		const char *nn = berth_network_info_name(berth_network_list_at(l, i));
		removed(u, berth_network_remove(u->c, nn, &e), nn, "network", &e, &first, err);
	}
	berth_network_list_free(l);
	return first;
}

int berth_compose_down(berth_client *c, const berth_compose *x, const char *name, const berth_compose_down_options *o,
		       berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(o, BERTH_COMPOSE_DOWN_OPTIONS_VERSION, err);
	berth_compose_down_options defaults = BERTH_COMPOSE_DOWN_OPTIONS_INIT;
	if (!o)
		o = &defaults;
	if (!name && x)
		name = x->name;
	if (isempty(name))
		return berth_fail(err, BERTH_EINVAL, "compose down: no project or project name");
	run u = { c, x, o->progress, o->user };
	int r = stop_all(&u, name, NULL, o->timeout_s, true, err);
	berth_error e = BERTH_ERROR_INIT;
	int r2 = remove_labelled(&u, name, false, &e);
	if (r == 0 && r2 < 0 && (r = r2) && err)
		*err = e;
	if (o->volumes) {
		r2 = remove_labelled(&u, name, true, &e);
		if (r == 0 && r2 < 0 && (r = r2) && err)
			*err = e;
	}
	return r;
}
