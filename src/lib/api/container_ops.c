/* Entry points of the container operations beyond the lifecycle: restart,
 * kill, pause, unpause, rename, update, wait, prune. Every argument is
 * checked here, before any request, then the engine is called. */
#include "health.h"
#include "lib/engine.h"
#include "lib/kit/validate.h"

#include <inttypes.h>
#include <signal.h>

#define MIN_MEMORY (6 * 1024 * 1024)      /* the smallest limit Docker accepts */
#define MIN_NANO_CPUS 10000000            /* 0.01 CPU */
#define MAX_CPU_SHARES 262144             /* the kernel's range for cpu.shares */

int berth_container_restart(berth_client *c, const char *id, const berth_stop_options *opts, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_STOP_OPTIONS_VERSION, err);
	int grace;
	int r = check_grace(&grace, opts, "restart", err);
	if (r == 0)
		r = check_id(id, err);
	if (r == 0)
		r = ENGINE_CALL(c, container_restart, err, c, id, grace, err);
	if (r == 0)
		health_keeper_ensure(c, id);
	return r;
}

int berth_container_kill(berth_client *c, const char *id, int signal, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	if (signal < 1 || signal > SIGRTMAX)
		return berth_fail(err, BERTH_EINVAL, "kill: signal %d (want 1 to %d)", signal, SIGRTMAX);
	int r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, container_kill, err, c, id, signal, err);
}

int berth_container_pause(berth_client *c, const char *id, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	int r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, container_pause, err, c, id, err);
}

int berth_container_unpause(berth_client *c, const char *id, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	int r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, container_unpause, err, c, id, err);
}

int berth_container_rename(berth_client *c, const char *id, const char *new_name, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	int r = check_id(id, err);
	if (r == 0)
		r = berth_validate_container_name(new_name, err);
	return r < 0 ? r : ENGINE_CALL(c, container_rename, err, c, id, new_name, err);
}

/* ---- update ------------------------------------------------------------------ */

static bool set(int64_t v) { return v != BERTH_UNCHANGED; }

static int check_update(const berth_update_options *o, berth_error *err)
{
	if (set(o->memory) && o->memory < MIN_MEMORY)
		return berth_fail(err, BERTH_EINVAL, "memory: %" PRId64 " bytes (want at least 6 MiB, %d)", o->memory,
				  MIN_MEMORY);
	if (set(o->memory_swap) && o->memory_swap != -1 && o->memory_swap < 1)
		return berth_fail(err, BERTH_EINVAL, "memory_swap: %" PRId64 " (want bytes > 0, or -1 for unlimited swap)",
				  o->memory_swap);
	if (set(o->memory_swap) && set(o->memory) && o->memory_swap != -1 && o->memory_swap < o->memory)
		return berth_fail(err, BERTH_EINVAL,
				  "memory_swap: %" PRId64 " is below memory %" PRId64 " (it counts memory plus swap)",
				  o->memory_swap, o->memory);
	if (set(o->nano_cpus) && o->nano_cpus < MIN_NANO_CPUS)
		return berth_fail(err, BERTH_EINVAL, "nano_cpus: %" PRId64 " (want at least 0.01 CPU, %d)", o->nano_cpus,
				  MIN_NANO_CPUS);
	if (set(o->cpu_shares) && (o->cpu_shares < 2 || o->cpu_shares > MAX_CPU_SHARES))
		return berth_fail(err, BERTH_EINVAL, "cpu_shares: %" PRId64 " (want 2 to %d)", o->cpu_shares,
				  MAX_CPU_SHARES);
	if (set(o->pids_limit) && o->pids_limit != -1 && o->pids_limit < 1)
		return berth_fail(err, BERTH_EINVAL, "pids_limit: %" PRId64 " (want > 0, or -1 for no limit)",
				  o->pids_limit);
	if (o->restart_policy) {
		static const char *const policies[] = { "no", "always", "unless-stopped", "on-failure" };
		bool known = false;
		for (size_t i = 0; i < ARRAY_SIZE(policies); i++)
			known = known || STREQ(o->restart_policy, policies[i]);
		if (!known)
			return berth_fail(err, BERTH_EINVAL,
					  "restart_policy \"%.40s\": want no, always, unless-stopped or on-failure",
					  o->restart_policy);
	}
	if (o->restart_max_retries < 0)
		return berth_fail(err, BERTH_EINVAL, "restart_max_retries: %d (want >= 0)", o->restart_max_retries);
	if (o->restart_max_retries > 0 && !(o->restart_policy && STREQ(o->restart_policy, "on-failure")))
		return berth_fail(err, BERTH_EINVAL, "restart_max_retries: only with restart_policy \"on-failure\"");
	if (!set(o->memory) && !set(o->memory_swap) && !set(o->nano_cpus) && !set(o->cpu_shares) &&
	    !set(o->pids_limit) && !o->restart_policy)
		return berth_fail(err, BERTH_EINVAL, "update: nothing to change (every field is BERTH_UNCHANGED)");
	return 0;
}

int berth_container_update(berth_client *c, const char *id, const berth_update_options *opts, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_ARG(opts, err, "opts is NULL (nothing to change)");
	CHECK_OPTS(opts, BERTH_UPDATE_OPTIONS_VERSION, err);
	int r = check_update(opts, err);
	if (r == 0)
		r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, container_update, err, c, id, opts, err);
}

/* ---- wait ---------------------------------------------------------------------- */

int berth_container_wait(berth_wait_outcome *out, berth_client *c, const char *id, const berth_wait_options *opts,
			 berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_WAIT_OPTIONS_VERSION, err);
	CHECK_OPTS(out, BERTH_WAIT_OUTCOME_VERSION, err);
	berth_wait_options o = BERTH_WAIT_OPTIONS_INIT;
	if (opts)
		o = *opts;
	if (o.condition != BERTH_WAIT_NOT_RUNNING && o.condition != BERTH_WAIT_NEXT_EXIT &&
	    o.condition != BERTH_WAIT_REMOVED)
		return berth_fail(err, BERTH_EINVAL, "wait: condition %d is not a berth_wait_condition", (int)o.condition);
	if (o.timeout_ms < 0)
		return berth_fail(err, BERTH_EINVAL, "wait: timeout_ms %d (want 0 for none, or > 0)", o.timeout_ms);
	int r = check_id(id, err);
	if (r < 0)
		return r;
	berth_wait_outcome got = BERTH_WAIT_OUTCOME_INIT;
	r = ENGINE_CALL(c, container_wait, err, &got, c, id, o.condition, o.timeout_ms, err);
	if (r == 0 && out)
		*out = got;
	return r;
}

/* ---- prune ------------------------------------------------------------------------ */

int berth_container_prune(berth_prune_result **out, berth_client *c, const berth_prune_options *opts,
			  berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_PRUNE_OPTIONS_VERSION, err);
	berth_prune_options o = BERTH_PRUNE_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = check_label_filters(o.labels, o.label_count, "prune", err);
	if (r < 0)
		return r;
	berth_prune_result *got = NULL;
	r = ENGINE_CALL(c, container_prune, err, &got, c, o.labels, o.label_count, err);
	if (r < 0)
		return r;
	if (out)
		*out = got;
	else
		berth_prune_result_free(got);
	return 0;
}
