/* The Engine API side of restart, kill, pause, unpause, rename, update,
 * wait and prune, for Docker and Podman. Where the two differ the dialect
 * (eapi_dialect.c) says how; arguments were checked by src/lib/ops.c. */
#include "engineapi.h"
#include "eapi_parse.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>

#define CFS_PERIOD_US 100000   /* the period Docker uses for NanoCpus */

/* Hand a local error record over to the caller's (which may be NULL). */
static int give(berth_error *err, const berth_error *local, int r)
{
	if (err && r < 0)
		*err = *local;
	return r;
}

int engineapi_restart(struct berth_client *c, const char *id, int grace, berth_error *err)
{
	int ms;
	int r = eapi_stop_deadline_ms(&ms, c, id, grace, err);
	if (r < 0)
		return r;
	char rest[32] = "/restart";
	if (grace >= 0)
		snprintf(rest, sizeof rest, "/restart?t=%d", grace);
	berth_error e = BERTH_ERROR_INIT;
	r = eapi_container_post(c, id, rest, ms, NULL, "restart", &e);
	if (r == BERTH_ECONFLICT && api_of(c)->d->restart_unpauses) {
		/* Podman will not restart a paused container; Docker does. When
		 * an unpause works it was paused: restart it now. */
		berth_error ignored = BERTH_ERROR_INIT;
		if (eapi_container_post(c, id, "/unpause", 0, NULL, "restart", &ignored) == 0)
			r = eapi_container_post(c, id, rest, ms, NULL, "restart", &e);
	}
	return give(err, &e, r);
}

int engineapi_kill(struct berth_client *c, const char *id, int signal, berth_error *err)
{
	char rest[32];
	snprintf(rest, sizeof rest, "/kill?signal=%d", signal);
	return eapi_container_post(c, id, rest, 0, NULL, "kill", err);
}

int engineapi_pause(struct berth_client *c, const char *id, berth_error *err)
{
	return eapi_container_post(c, id, "/pause", 0, NULL, "pause", err);
}

int engineapi_unpause(struct berth_client *c, const char *id, berth_error *err)
{
	return eapi_container_post(c, id, "/unpause", 0, NULL, "unpause", err);
}

int engineapi_rename(struct berth_client *c, const char *id, const char *new_name, berth_error *err)
{
	_cleanup_sbuf_ sbuf rest = SBUF_INIT;
	if (sbuf_adds(&rest, "/rename?name=") < 0 || sbuf_add_urlenc(&rest, new_name) < 0)
		return BERTH_NOMEM(err);
	berth_error e = BERTH_ERROR_INIT;
	int r = eapi_container_post(c, id, rest.data, 0, NULL, "rename", &e);
	if (r == BERTH_EALREADY)
		return 0; /* it has that name already: Docker refuses, Podman does not */
	if (r == BERTH_ECONFLICT)
		return berth_fail_full(err, BERTH_EEXISTS, e.native, 0, "rename %s: the name %s is already in use", id,
				       new_name);
	return give(err, &e, r);
}

/* ---- update ---------------------------------------------------------------------- */

static bool set(int64_t v) { return v != BERTH_UNCHANGED; }

static int put_int(json_t *o, const char *key, int64_t v)
{
	return json_object_set_new(o, key, json_integer((json_int_t)v));
}

/* The compat body: HostConfig's resource fields and RestartPolicy. */
static json_t *compat_update_body(const berth_update_options *o)
{
	_cleanup_json_ json_t *b = json_object();
	if (!b)
		return NULL;
	if ((set(o->memory) && put_int(b, "Memory", o->memory) < 0) ||
	    (set(o->memory_swap) && put_int(b, "MemorySwap", o->memory_swap) < 0) ||
	    (set(o->nano_cpus) && put_int(b, "NanoCpus", o->nano_cpus) < 0) ||
	    (set(o->cpu_shares) && put_int(b, "CpuShares", o->cpu_shares) < 0) ||
	    (set(o->pids_limit) && put_int(b, "PidsLimit", o->pids_limit) < 0))
		return NULL;
	if (o->restart_policy) {
		json_t *p = json_pack("{s:s, s:i}", "Name", o->restart_policy, "MaximumRetryCount",
				      o->restart_max_retries);
		if (!p || json_object_set_new(b, "RestartPolicy", p) < 0)
			return NULL;
	}
	return TAKE_PTR(b);
}

/* obj[section][key] = v, making the section when needed. */
static int put_section(json_t *obj, const char *section, const char *key, int64_t v)
{
	json_t *s = json_object_get(obj, section);
	if (!s) {
		s = json_object();
		if (!s || json_object_set_new(obj, section, s) < 0)
			return -ENOMEM;
	}
	return put_int(s, key, v);
}

/* The libpod body: OCI LinuxResources. NanoCpus become a CFS quota over
 * Docker's 100 ms period, as Docker itself applies them. */
static json_t *oci_resources_body(const berth_update_options *o)
{
	_cleanup_json_ json_t *b = json_object();
	if (!b)
		return NULL;
	if ((set(o->memory) && put_section(b, "memory", "limit", o->memory) < 0) ||
	    (set(o->memory_swap) && put_section(b, "memory", "swap", o->memory_swap) < 0) ||
	    (set(o->cpu_shares) && put_section(b, "cpu", "shares", o->cpu_shares) < 0) ||
	    (set(o->nano_cpus) && (put_section(b, "cpu", "quota", o->nano_cpus / (1000000000 / CFS_PERIOD_US)) < 0 ||
				   put_section(b, "cpu", "period", CFS_PERIOD_US) < 0)) ||
	    (set(o->pids_limit) && put_section(b, "pids", "limit", o->pids_limit) < 0))
		return NULL;
	return TAKE_PTR(b);
}

/* libpod's update is `runc update`: the container must have a live cgroup. */
static int check_live(struct berth_client *c, const char *id, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	int r = eapi_container_call(c, "GET", id, "/json", 0, NULL, "update", what, &resp, err);
	berth_container_info *x = NULL;
	if (r == 0)
		r = eapi_with_endpoint(c, engineapi_parse_inspect(&x, resp.body.data, resp.body.len, what, err), err);
	if (r < 0)
		return r;
	berth_state st = x->state;
	berth_container_info_free(x);
	if (st != BERTH_STATE_RUNNING && st != BERTH_STATE_PAUSED)
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "update %s: %s changes the limits of a running container only (this one is %s)", id,
				  api_of(c)->d->name, berth_state_name(st));
	return 0;
}

int engineapi_update(struct berth_client *c, const char *id, const berth_update_options *o, berth_error *err)
{
	const dialect *d = api_of(c)->d;
	if (o->restart_policy && (d->update_unsupported & UPDATE_FIELD_RESTART_POLICY))
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "update %s: restart_policy: %s cannot change it on an existing container", id, d->name);
	bool libpod = d->update == UPDATE_LIBPOD;
	if (libpod) {
		int r = check_live(c, id, err);
		if (r < 0)
			return r;
	}
	_cleanup_json_ json_t *body = libpod ? oci_resources_body(o) : compat_update_body(o);
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (!body || sbuf_printf(&path, "%s/containers/", libpod ? LIBPOD_PREFIX : "") < 0 ||
	    sbuf_add_urlenc(&path, id) < 0 || sbuf_adds(&path, "/update") < 0)
		return BERTH_NOMEM(err);
	char what[300];
	snprintf(what, sizeof what, "update %s", id);
	call k = { "POST", path.data, body, 0, libpod };
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	int r = eapi_do_call(c, &k, &resp, NULL, what, err);
	if (r < 0)
		return r;
	/* Docker says here what it could not apply (no swap accounting, ...). */
	_cleanup_strv_ strv warnings = STRV_INIT;
	if (engineapi_parse_warnings(&warnings, resp.body.data, resp.body.len) < 0)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < warnings.len; i++)
		berth_log(c, BERTH_LOG_WARNING, "%s: %s", what, warnings.items[i]);
	return 0;
}

/* ---- wait -------------------------------------------------------------------------- */

/* The deadline for the next request of a wait: *ms = -1 (none) or what
 * is left; BERTH_ETIMEDOUT when nothing is. */
static int wait_left(int *ms, int64_t deadline, int timeout_ms, const char *id, berth_error *err)
{
	if (deadline < 0) {
		*ms = -1;
		return 0;
	}
	*ms = remaining_ms(deadline);
	if (*ms <= 0)
		return berth_fail_full(err, BERTH_ETIMEDOUT, 0, ETIMEDOUT, "wait %s: not done within %d ms", id,
				       timeout_ms);
	return 0;
}

static int wait_once(int *code, char *error, size_t error_size, struct berth_client *c, const char *id,
		     const char *condition, int64_t deadline, int timeout_ms, berth_error *err)
{
	int ms;
	int r = wait_left(&ms, deadline, timeout_ms, id, err);
	if (r < 0)
		return r;
	char rest[48];
	snprintf(rest, sizeof rest, "/wait?condition=%s", condition);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	r = eapi_container_call(c, "POST", id, rest, ms, NULL, "wait", what, &resp, err);
	if (r == BERTH_ETIMEDOUT)
		berth_error_prefix(err, "wait %s: not done within %d ms", id, timeout_ms);
	if (r < 0)
		return r;
	return eapi_with_endpoint(c, engineapi_parse_wait(code, error, error_size, resp.body.data, resp.body.len, what, err),
				  err);
}

/* What inspect says about how the container ended; ENOTFOUND when it is
 * gone already (then *x stays NULL). */
static int ended_state(berth_container_info **x, struct berth_client *c, const char *id, int64_t deadline,
		       int timeout_ms, berth_error *err)
{
	int ms;
	int r = wait_left(&ms, deadline, timeout_ms, id, err);
	if (r < 0)
		return r;
	if (ms < 0 || ms > c->timeout_ms)
		ms = 0; /* the client's own deadline */
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	r = eapi_container_call(c, "GET", id, "/json", ms, NULL, "wait", what, &resp, err);
	return r < 0 ? r : eapi_with_endpoint(c, engineapi_parse_inspect(x, resp.body.data, resp.body.len, what, err), err);
}

int engineapi_wait(berth_wait_outcome *out, struct berth_client *c, const char *id, berth_wait_condition cond,
		   int timeout_ms, berth_error *err)
{
	static const char *const words[] = {
		[BERTH_WAIT_NOT_RUNNING] = "not-running",
		[BERTH_WAIT_NEXT_EXIT] = "next-exit",
		[BERTH_WAIT_REMOVED] = "not-running", /* first the exit, then the removal */
	};
	int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : -1;
	berth_wait_outcome o = { .version = out->version };
	int r = wait_once(&o.exit_code, o.error, sizeof o.error, c, id, words[cond], deadline, timeout_ms, err);
	if (r < 0)
		return r;

	/* OOM and the engine's error are in the state only. A container that
	 * is gone already (auto-removed, or removed meanwhile) keeps what the
	 * wait said. */
	berth_container_info *x = NULL;
	berth_error e = BERTH_ERROR_INIT;
	r = ended_state(&x, c, id, deadline, timeout_ms, &e);
	if (r < 0 && r != BERTH_ENOTFOUND)
		return give(err, &e, r);
	/* Gone already, and the engine answers 0 for a container removed
	 * before it noticed the exit (Podman): the status is unknown. */
	if (r == BERTH_ENOTFOUND && o.exit_code == 0 && api_of(c)->d->wait_zero_when_removed)
		o.exit_code = -1;
	if (x) {
		o.oom_killed = x->oom_killed;
		if (!o.error[0])
			snprintf(o.error, sizeof o.error, "%s", x->error);
		/* Never started and no error: there is no exit status (Docker
		 * says 0 here, Podman 0 or -1 from one call to the next). */
		if (!x->started_at[0] && !o.error[0])
			o.exit_code = -1;
		berth_container_info_free(x);
	}

	if (cond == BERTH_WAIT_REMOVED && r != BERTH_ENOTFOUND) {
		/* The exit code is the one seen at the stop: Podman's reply
		 * to this wait always says 0. Gone meanwhile is done. */
		int ignored;
		char ignored_error[8];
		e = (berth_error)BERTH_ERROR_INIT;
		r = wait_once(&ignored, ignored_error, sizeof ignored_error, c, id, "removed", deadline, timeout_ms, &e);
		if (r < 0 && r != BERTH_ENOTFOUND)
			return give(err, &e, r);
	}

	/* 128 + N is how the runtime reports a process signal N ended. An
	 * engine error means the process never ran (126, 127: no signal). */
	if (!o.error[0] && o.exit_code > 128 && o.exit_code <= 128 + SIGRTMAX)
		o.signal = o.exit_code - 128;
	*out = o;
	return 0;
}

/* ---- prune -------------------------------------------------------------------------- */

int engineapi_prune(berth_prune_result **out, struct berth_client *c, const char *const *labels, size_t label_count,
		    berth_error *err)
{
	_cleanup_json_ json_t *filters = json_object();
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (!filters || eapi_filter_add(filters, "label", labels, label_count) < 0 ||
	    sbuf_adds(&path, "/containers/prune") < 0 || eapi_query_add_filters(&path, '?', filters) < 0)
		return BERTH_NOMEM(err);
	call k = { "POST", path.data, NULL, 0 };
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	int r = eapi_do_call(c, &k, &resp, NULL, "prune containers", err);
	return r < 0 ? r : eapi_with_endpoint(c, engineapi_parse_prune(out, resp.body.data, resp.body.len, err), err);
}
