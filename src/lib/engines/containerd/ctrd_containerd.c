/* The containerd backend's top: attach, the ops table (it only wires the
 * other files' functions), ping, version, info and close. */
#include "ctrd_containerd.h"
#include "ctrd_files.h"
#include "ctrd_imgbuild.h"
#include "ctrd_lifecycle.h"
#include "ctrd_events.h"
#include "ctrd_stats.h"

#include <stdio.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "api_services_containers_v1_containers.pb-c.h"
#include "api_services_images_v1_images.pb-c.h"
#include "api_services_tasks_v1_tasks.pb-c.h"
#include "api_services_version_v1_version.pb-c.h"

/* ---- ping, version, info ------------------------------------------------ */

static int get_version(Containerd__Services__Version__V1__VersionResponse **out, berth_client *c, int timeout_ms,
		       berth_error *err)
{
	/* The version service lives outside the namespaces: no header needed,
	 * but it does no harm. */
	return ctrd_call(out, c, "version.v1.Version/Version", NULL,
			 &containerd__services__version__v1__version_response__descriptor, timeout_ms, err);
}

static int ctrd_ping(berth_client *c, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Version__V1__VersionResponse *v = NULL;
	return get_version(&v, c, 0, err);
}

static int ctrd_version(berth_version **out, berth_client *c, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Version__V1__VersionResponse *v = NULL;
	int r = get_version(&v, c, 0, err);
	if (r < 0)
		return r;
	struct utsname u;
	uname(&u);
	_cleanup_sbuf_ sbuf raw = SBUF_INIT;
	if (sbuf_adds(&raw, "{\"Version\":") || sbuf_add_json_string(&raw, v->version) || sbuf_adds(&raw, ",\"Revision\":") ||
	    sbuf_add_json_string(&raw, v->revision) || sbuf_adds(&raw, "}"))
		return BERTH_NOMEM(err);
	berth_version *x = calloc(1, sizeof *x);
	if (!x)
		return BERTH_NOMEM(err);
	x->engine = BERTH_ENGINE_CONTAINERD;
	x->server = strdup(strempty(v->version));
	x->api = strdup("v1");
	x->min_api = strdup("v1");
	x->os = strdup("linux");
	/* the engines' (Go's) names for the architecture */
	x->arch = strdup(STREQ(u.machine, "x86_64") ? "amd64" : STREQ(u.machine, "aarch64") ? "arm64" : u.machine);
	x->kernel = strdup(u.release);
	x->raw = sbuf_steal(&raw);
	if (!x->server || !x->api || !x->min_api || !x->os || !x->arch || !x->kernel || !x->raw) {
		berth_version_free(x);
		return BERTH_NOMEM(err);
	}
	*out = x;
	return 0;
}

/* The cgroup version of this host (containerd runs here: the socket is local). */
static const char *cgroup_version(void)
{
	return access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0 ? "2" : "1";
}

static int ctrd_info(berth_info **out, berth_client *c, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Version__V1__VersionResponse *v = NULL;
	_cleanup_pb_ Containerd__Services__Containers__V1__ListContainersResponse *cl = NULL;
	_cleanup_pb_ Containerd__Services__Tasks__V1__ListTasksResponse *tl = NULL;
	_cleanup_pb_ Containerd__Services__Images__V1__ListImagesResponse *il = NULL;
	Containerd__Services__Containers__V1__ListContainersRequest creq =
		CONTAINERD__SERVICES__CONTAINERS__V1__LIST_CONTAINERS_REQUEST__INIT;
	Containerd__Services__Tasks__V1__ListTasksRequest treq = CONTAINERD__SERVICES__TASKS__V1__LIST_TASKS_REQUEST__INIT;
	Containerd__Services__Images__V1__ListImagesRequest ireq = CONTAINERD__SERVICES__IMAGES__V1__LIST_IMAGES_REQUEST__INIT;
	ctrd_req q[] = {
		{ "version.v1.Version/Version", NULL, &containerd__services__version__v1__version_response__descriptor, &v },
		{ "containers.v1.Containers/List", &creq.base,
		  &containerd__services__containers__v1__list_containers_response__descriptor, &cl },
		{ "tasks.v1.Tasks/List", &treq.base, &containerd__services__tasks__v1__list_tasks_response__descriptor, &tl },
		{ "images.v1.Images/List", &ireq.base, &containerd__services__images__v1__list_images_response__descriptor, &il },
	};
	int r = ctrd_call_all(c, q, ARRAY_SIZE(q), err);
	if (r < 0)
		return r;
	berth_info *x = calloc(1, sizeof *x);
	if (!x)
		return BERTH_NOMEM(err);
	x->containers = (int64_t)cl->n_containers;
	for (size_t i = 0; i < tl->n_tasks; i++) {
		switch (tl->tasks[i]->status) {
		case CONTAINERD__V1__TYPES__STATUS__RUNNING: x->running++; break;
		case CONTAINERD__V1__TYPES__STATUS__PAUSED:
		case CONTAINERD__V1__TYPES__STATUS__PAUSING: x->paused++; break;
		default: break;
		}
	}
	x->stopped = x->containers - x->running - x->paused;
	if (x->stopped < 0)
		x->stopped = 0;
	x->images = (int64_t)il->n_images;
	x->ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct sysinfo si;
	if (sysinfo(&si) == 0)
		x->mem_total = (int64_t)si.totalram * si.mem_unit;
	struct utsname u;
	uname(&u);
	_cleanup_sbuf_ sbuf raw = SBUF_INIT;
	int nr = sbuf_adds(&raw, "{\"ServerVersion\":") || sbuf_add_json_string(&raw, v->version) ||
		 sbuf_adds(&raw, ",\"Namespace\":") || sbuf_add_json_string(&raw, c->ns) ||
		 sbuf_printf(&raw, ",\"Containers\":%lld,\"Images\":%lld}", (long long)x->containers,
			     (long long)x->images);
	x->name = strdup(u.nodename);
	x->server_version = strdup(strempty(v->version));
	x->os = strdup("linux");
	x->kernel = strdup(u.release);
	x->storage_driver = strdup(CTRD_SNAPSHOTTER);
	x->cgroup_driver = strdup("cgroupfs");
	x->cgroup_version = strdup(cgroup_version());
	x->raw = nr ? NULL : sbuf_steal(&raw);
	if (!x->name || !x->server_version || !x->os || !x->kernel || !x->storage_driver || !x->cgroup_driver ||
	    !x->cgroup_version || !x->raw) {
		berth_info_free(x);
		return BERTH_NOMEM(err);
	}
	*out = x;
	return 0;
}

static void ctrd_close(berth_client *c)
{
	ctrd_client *b = c->backend;
	if (!b)
		return;
	grpc_channel_free(b->ch);
	free(b);
	c->backend = NULL;
}

/* Slots are filled per file; a NULL one answers BERTH_EUNSUPPORTED. */
static const berth_engine_ops containerd_ops = {
	.name = "containerd",
	.ping = ctrd_ping,
	.version = ctrd_version,
	.info = ctrd_info,
	.container_list = ctrd_container_list,
	.container_inspect = ctrd_container_inspect,
	.container_remove = ctrd_container_remove,
	.container_prune = ctrd_container_prune,
	.close = ctrd_close,
	/* ctrd_lifecycle.c, ctrd_health.c, ctrd_logs.c, ctrd_exec.c */
	.container_create = ctrd_container_create,
	.container_start = ctrd_container_start,
	.container_stop = ctrd_container_stop,
	.container_restart = ctrd_container_restart,
	.container_kill = ctrd_container_kill,
	.container_pause = ctrd_container_pause,
	.container_unpause = ctrd_container_unpause,
	.container_update = ctrd_container_update,
	.container_wait = ctrd_container_wait,
	.container_rename = ctrd_container_rename,
	.health_run = ctrd_health_run,
	.logs_scan = ctrd_logs_scan,
	.container_logs = ctrd_container_logs_q,
	.container_attach = ctrd_container_attach,
	.exec_probe = ctrd_exec_probe,
	.exec_start = ctrd_exec_start_op,
	.exec_exit_code = ctrd_exec_exit_code,
	.image_list = ctrd_image_list,
	.image_inspect = ctrd_image_inspect,
	.image_history = ctrd_image_history,
	.image_prune = ctrd_image_prune,
	.network_create = ctrd_network_create,
	.network_inspect = ctrd_network_inspect,
	.network_list = ctrd_network_list,
	.network_remove = ctrd_network_remove,
	.network_prune = ctrd_network_prune,
	.network_connect = ctrd_network_connect,
	.network_disconnect = ctrd_network_disconnect,
	.volume_create = ctrd_volume_create,
	.volume_list = ctrd_volume_list,
	.volume_inspect = ctrd_volume_inspect,
	.volume_remove = ctrd_volume_remove,
	.volume_prune = ctrd_volume_prune,
	.image_tag = ctrd_image_tag,
	.image_remove = ctrd_image_remove,
	.image_import = ctrd_image_import,
	.image_pull = ctrd_image_pull,
	.image_push = ctrd_image_push,
	.image_search = ctrd_image_search,
	.image_save = ctrd_image_save,
	.image_import_rootfs = ctrd_image_import_rootfs,
	.container_export = ctrd_container_export,
	.container_commit = ctrd_container_commit,
	.events_watch = ctrd_events_watch,
	.clock_ns = ctrd_clock_ns,
	.container_stats = ctrd_container_stats,
	.container_stats_stream = ctrd_container_stats_stream,
	.container_top = ctrd_container_top,
	/* ctrd_files.c */
	.container_diff = ctrd_container_diff,
	.container_stat_path = ctrd_container_stat_path,
	.container_get_archive = ctrd_container_get_archive,
	.container_put_archive = ctrd_container_put_archive,
};

int containerd_attach(berth_client *c, const char *version, berth_error *err)
{
	ctrd_client *b = calloc(1, sizeof *b);
	if (!b)
		return BERTH_NOMEM(err);
	int r = grpc_channel_open(&b->ch, c->endpoint, c->connect_timeout_ms, err);
	if (r < 0) {
		free(b);
		return r;
	}
	c->backend = b;
	c->ops = &containerd_ops;
	c->engine = BERTH_ENGINE_CONTAINERD;
	snprintf(c->api_version, sizeof c->api_version, "v1");
	if (version && *version) {
		snprintf(c->server_version, sizeof c->server_version, "%s", version);
		return 0;
	}
	_cleanup_pb_ Containerd__Services__Version__V1__VersionResponse *v = NULL;
	r = get_version(&v, c, c->connect_timeout_ms, err);
	if (r < 0) {
		/* a socket that answers but is not containerd */
		if (r == BERTH_EUNSUPPORTED || r == BERTH_ENOTFOUND)
			r = berth_fail(err, BERTH_EPROTOCOL, "%s: not containerd (no version service)", c->endpoint);
		ctrd_close(c);
		c->ops = NULL;
		return r;
	}
	snprintf(c->server_version, sizeof c->server_version, "%s", strempty(v->version));
	return 0;
}
