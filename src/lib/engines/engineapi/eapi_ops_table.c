/* The Engine API backend's operations table: Docker and Podman share one,
 * Podman's adds the health run. Wiring only; the operations live in the
 * per-area files. */
#include "engineapi.h"

#include <pthread.h>

static const berth_engine_ops engineapi_ops = {
	.name = "engine-api",
	.ping = engineapi_ping,
	.version = engineapi_version,
	.info = engineapi_info,
	.container_create = engineapi_create,
	.container_start = engineapi_start,
	.container_stop = engineapi_stop,
	.container_remove = engineapi_remove,
	.container_inspect = engineapi_inspect,
	.container_list = engineapi_list,
	.logs_scan = engineapi_logs_scan,
	.exec_probe = engineapi_exec_probe,
	.container_restart = engineapi_restart,
	.container_kill = engineapi_kill,
	.container_pause = engineapi_pause,
	.container_unpause = engineapi_unpause,
	.container_rename = engineapi_rename,
	.container_update = engineapi_update,
	.container_wait = engineapi_wait,
	.container_prune = engineapi_prune,
	.container_stats = engineapi_stats,
	.container_stats_stream = engineapi_stats_stream,
	.container_top = engineapi_top,
	.container_diff = engineapi_diff,
	.container_stat_path = engineapi_stat_path,
	.container_get_archive = engineapi_get_archive,
	.container_put_archive = engineapi_put_archive,
	.events_watch = engineapi_events_watch,
	.clock_ns = engineapi_clock_ns,
	.exec_start = engineapi_exec_start,
	.exec_exit_code = engineapi_exec_exit_code,
	.container_attach = engineapi_attach_container,
	.close = engineapi_close,
	.image_list = engineapi_image_list,
	.image_inspect = engineapi_image_inspect,
	.image_pull = engineapi_image_pull,
	.image_history = engineapi_image_history,
	.image_prune = engineapi_image_prune,
	.image_push = engineapi_image_push,
	.image_search = engineapi_image_search,
	.image_tag = engineapi_image_tag,
	.image_remove = engineapi_image_remove,
	.image_load = engineapi_image_load,
	.image_save = engineapi_image_save,
	.image_import_rootfs = engineapi_image_import_rootfs,
	.container_export = engineapi_export,
	.container_commit = engineapi_commit,
	.container_logs = engineapi_logs,
	.network_create = engineapi_network_create,
	.network_inspect = engineapi_network_inspect,
	.network_list = engineapi_network_list,
	.network_remove = engineapi_network_remove,
	.network_prune = engineapi_network_prune,
	.network_connect = engineapi_network_connect,
	.network_disconnect = engineapi_network_disconnect,
	.volume_create = engineapi_volume_create,
	.volume_list = engineapi_volume_list,
	.volume_inspect = engineapi_volume_inspect,
	.volume_remove = engineapi_volume_remove,
	.volume_prune = engineapi_volume_prune,
};

/* Podman's table: the common one plus health_run. Built once. */
static berth_engine_ops podman_table;
static pthread_once_t podman_table_once = PTHREAD_ONCE_INIT;

static void podman_table_init(void)
{
	podman_table = engineapi_ops;
	podman_table.health_run = engineapi_health_run;
}

static const berth_engine_ops *podman_ops(void)
{
	pthread_once(&podman_table_once, podman_table_init);
	return &podman_table;
}

const berth_engine_ops *eapi_ops_for(const dialect *d)
{
	return d && d->libpod_health_run ? podman_ops() : &engineapi_ops;
}
