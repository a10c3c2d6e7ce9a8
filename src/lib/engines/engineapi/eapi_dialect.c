/* Where Docker and Podman differ, in one table: how each one's error
 * replies are re-classified, how its create, update, logs, top, archives,
 * events and attach differ, and the lookup of an engine's entry. Data
 * only: the request code reads these fields through api_of(c)->d. */
#include "engineapi.h"
#include "eapi_events_parse.h"

/* Docker: pausing a paused container is 409 like any conflict, unpausing
 * one that is not paused is 500, and renaming a container to its own name
 * is 400. */
static int docker_refine(int code, int status, const char *message)
{
	if (status == 409 && strstr(message, "is already paused"))
		return BERTH_EALREADY;
	if (status == 500 && strstr(message, "is not paused"))
		return BERTH_ECONFLICT;
	if (status == 400 && strstr(message, "same name as its current name"))
		return BERTH_EALREADY;
	/* networks: a name taken (409), a subnet taken (403 "Pool overlaps"),
	 * a container already on the network (403 "already exists in network"),
	 * removal of one with endpoints or of a built-in one (403) */
	if (status == 409 && strstr(message, "already exists"))
		return BERTH_EEXISTS;
	if (status == 403 && strstr(message, "already exists in network"))
		return BERTH_EALREADY;
	if (status == 403 && (strstr(message, "overlaps") || strstr(message, "active endpoints") ||
			      strstr(message, "pre-defined network")))
		return BERTH_ECONFLICT;
	if (strstr(message, "is not connected to"))
		return BERTH_ECONFLICT;
	return code;
}

/* Podman's compat API answers some state conflicts with 500 where Docker
 * says 409: "container state improper" (remove of a running container,
 * without force; kill, pause or unpause in the wrong state; "is already
 * paused" among them) and "already in use" (a taken name). A container
 * removed while a request on it runs (a wait for its removal) is 500
 * "does not exist in database: no such container". */
static int podman_refine(int code, int status, const char *message)
{
	if (status == 500 && strstr(message, "is already paused"))
		return BERTH_EALREADY;
	if (status == 500 && strstr(message, "no such container"))
		return BERTH_ENOTFOUND;
	/* changes (diff) of a container that does not exist */
	if (status == 500 && strstr(message, "layer not known"))
		return BERTH_ENOTFOUND;
	if (status == 500 && (strstr(message, "container state improper") || strstr(message, "already in use")))
		return BERTH_ECONFLICT;
	if (status == 500 && strstr(message, "no such container"))
		return BERTH_ENOTFOUND;
	/* networks (compat API): a name taken, a subnet taken, a container on
	 * it already, a network in use or one that is not there */
	if (strstr(message, "network already exists") || strstr(message, "name already used"))
		return BERTH_EEXISTS;
	if (strstr(message, "already connected"))
		return BERTH_EALREADY;
	if (strstr(message, "is not connected to"))
		return BERTH_ECONFLICT;
	if (status == 500 && (strstr(message, "is being used") || strstr(message, "already used")))
		return BERTH_ECONFLICT;
	if (status == 500 && strstr(message, "network not found"))
		return BERTH_ENOTFOUND;
	return code;
}

/* Podman 4.3's compat create (measured): it ignores MemorySwap -1, keeps
 * the image's health check timings when no Test comes with them, honours
 * only three LogConfig options, and writes ExtraHosts "host-gateway"
 * literally before 4.7. */
static const char *const podman_log_opts[] = { "max-size", "tag", "path", NULL };
static const spec_docker_dialect podman_create = {
	.engine = "Podman",
	.swap_unlimited_dropped = true,
	.health_timings_need_test = true,
	.log_opts = podman_log_opts,
	.host_gateway_since = "4.7",
};

/* Status words Podman never reports and refuses as list filters. */
static const char *const podman_unknown_states[] = { "restarting", "dead", NULL };

static const dialect dialects[] = {
	{
		.engine = BERTH_ENGINE_DOCKER,
		.name = "Docker",
		.needs_stop_timeout_lookup = true,
		.refine = docker_refine,
		.update = UPDATE_COMPAT,
		.events = &eapi_docker_events_dialect,
	},
	{
		.engine = BERTH_ENGINE_PODMAN,
		.name = "Podman",
		.needs_stop_timeout_lookup = true,
		.refine = podman_refine,
		.restart_unpauses = true,
		.wait_zero_when_removed = true,
		.update = UPDATE_LIBPOD,
		.update_unsupported = UPDATE_FIELD_RESTART_POLICY,
		.unknown_states = podman_unknown_states,
		.create = &podman_create,
		.logs_follow_polls = true,
		.log_times_whole_seconds = true,
		.libpod_health_run = true,
		.list_health_libpod = true,
		.pull_libpod = true,
		.top_text_rows = true,
		.put_archive_makes_dest = true,
		.volume_force_libpod = true,
		.volume_labels_any = true,
		.events = &eapi_podman_events_dialect,
		.attach_logs_misframed = true,
		.inspect_exit_race = true,
		.remove_exit_race = true,
	},
};

const dialect *eapi_dialect_for(berth_engine engine)
{
	for (size_t i = 0; i < ARRAY_SIZE(dialects); i++)
		if (dialects[i].engine == engine)
			return &dialects[i];
	return NULL;
}
