/* Accessors and destructors of the public result types. */
#include "model.h"

berth_state state_from_string(const char *s)
{
	static const struct { const char *word; berth_state state; } map[] = {
		{ "created", BERTH_STATE_CREATED },   { "configured", BERTH_STATE_CREATED },
		{ "initialized", BERTH_STATE_CREATED }, { "running", BERTH_STATE_RUNNING },
		{ "paused", BERTH_STATE_PAUSED },     { "restarting", BERTH_STATE_RESTARTING },
		{ "removing", BERTH_STATE_REMOVING }, { "exited", BERTH_STATE_EXITED },
		{ "stopped", BERTH_STATE_EXITED },    { "stopping", BERTH_STATE_RUNNING },
		{ "dead", BERTH_STATE_DEAD },
	};
	if (!s)
		return BERTH_STATE_UNKNOWN;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcasecmp(s, map[i].word) == 0)
			return map[i].state;
	return BERTH_STATE_UNKNOWN;
}

const char *berth_state_name(berth_state state)
{
	static const char *const names[] = { "unknown", "created", "running", "paused",
					     "restarting", "removing", "exited", "dead" };
	return (unsigned)state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

ssize_t labels_find(const strv *keys, const char *key)
{
	size_t lo = 0, hi = keys->len;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(keys->items[mid], key);
		if (c == 0)
			return (ssize_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int strv_insert(strv *v, size_t at, const char *s)
{
	if (strv_push(v, s) < 0)
		return -ENOMEM;
	char *last = v->items[v->len - 1];
	memmove(v->items + at + 1, v->items + at, (v->len - 1 - at) * sizeof *v->items);
	v->items[at] = last;
	return 0;
}

int labels_set(strv *keys, strv *values, const char *key, const char *value)
{
	size_t lo = 0, hi = keys->len;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(keys->items[mid], key);
		if (c == 0) {
			char *copy = strdup(value);
			if (!copy)
				return -ENOMEM;
			free(values->items[mid]);
			values->items[mid] = copy;
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (strv_insert(keys, lo, key) < 0)
		return -ENOMEM;
	if (strv_insert(values, lo, value) < 0) {
		/* undo the key so the vectors stay parallel */
		free(keys->items[lo]);
		memmove(keys->items + lo, keys->items + lo + 1, (keys->len - lo - 1) * sizeof *keys->items);
		keys->items[--keys->len] = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* ---- version ------------------------------------------------------------ */
void berth_version_free(berth_version *v)
{
	if (!v)
		return;
	free(v->server); free(v->api); free(v->min_api); free(v->os);
	free(v->arch); free(v->kernel); free(v->raw);
	free(v);
}
berth_engine berth_version_engine(const berth_version *v) { return v ? v->engine : BERTH_ENGINE_AUTO; }
const char *berth_version_server(const berth_version *v) { return v ? strempty(v->server) : ""; }
const char *berth_version_api(const berth_version *v) { return v ? strempty(v->api) : ""; }
const char *berth_version_min_api(const berth_version *v) { return v ? strempty(v->min_api) : ""; }
const char *berth_version_os(const berth_version *v) { return v ? strempty(v->os) : ""; }
const char *berth_version_arch(const berth_version *v) { return v ? strempty(v->arch) : ""; }
const char *berth_version_kernel(const berth_version *v) { return v ? strempty(v->kernel) : ""; }
const char *berth_version_raw_json(const berth_version *v) { return v ? strempty(v->raw) : ""; }

/* ---- info --------------------------------------------------------------- */
void berth_info_free(berth_info *i)
{
	if (!i)
		return;
	free(i->name); free(i->server_version); free(i->os); free(i->kernel);
	free(i->storage_driver); free(i->cgroup_driver); free(i->cgroup_version); free(i->raw);
	free(i);
}
const char *berth_info_name(const berth_info *i) { return i ? strempty(i->name) : ""; }
const char *berth_info_server_version(const berth_info *i) { return i ? strempty(i->server_version) : ""; }
const char *berth_info_os(const berth_info *i) { return i ? strempty(i->os) : ""; }
const char *berth_info_kernel(const berth_info *i) { return i ? strempty(i->kernel) : ""; }
const char *berth_info_storage_driver(const berth_info *i) { return i ? strempty(i->storage_driver) : ""; }
const char *berth_info_cgroup_driver(const berth_info *i) { return i ? strempty(i->cgroup_driver) : ""; }
const char *berth_info_cgroup_version(const berth_info *i) { return i ? strempty(i->cgroup_version) : ""; }
int64_t berth_info_containers(const berth_info *i) { return i ? i->containers : 0; }
int64_t berth_info_containers_running(const berth_info *i) { return i ? i->running : 0; }
int64_t berth_info_containers_paused(const berth_info *i) { return i ? i->paused : 0; }
int64_t berth_info_containers_stopped(const berth_info *i) { return i ? i->stopped : 0; }
int64_t berth_info_images(const berth_info *i) { return i ? i->images : 0; }
int64_t berth_info_ncpu(const berth_info *i) { return i ? i->ncpu : 0; }
int64_t berth_info_mem_total(const berth_info *i) { return i ? i->mem_total : 0; }
const char *berth_info_raw_json(const berth_info *i) { return i ? strempty(i->raw) : ""; }

/* ---- container info ----------------------------------------------------- */
int port_info_cmp(const void *a, const void *b)
{
	const port_info *p = a, *q = b;
	if (p->container_port != q->container_port)
		return p->container_port < q->container_port ? -1 : 1;
	int c = strcmp(p->proto, q->proto);
	return c ? c : strcmp(p->host_ip, q->host_ip);
}

void berth_container_info_free(berth_container_info *x)
{
	if (!x)
		return;
	free(x->id); free(x->name); free(x->image); free(x->image_id); free(x->error);
	free(x->created); free(x->started_at); free(x->finished_at); free(x->raw);
	strv_release(&x->cmd);
	strv_release(&x->env);
	strv_release(&x->label_keys);
	strv_release(&x->label_values);
	for (size_t i = 0; i < x->health_log_len; i++) {
		free(x->health_log[i].start); free(x->health_log[i].end); free(x->health_log[i].output);
	}
	free(x->health_log);
	strv_release(&x->hc_test);
	for (size_t i = 0; i < x->mounts_len; i++) {
		free(x->mounts[i].source); free(x->mounts[i].destination); free(x->mounts[i].volume_name);
	}
	free(x->mounts);
	for (size_t i = 0; i < x->networks_len; i++) {
		network_info *n = &x->networks[i];
		free(n->name); free(n->ipv4); free(n->ipv6); free(n->gateway); free(n->mac);
	}
	free(x->networks);
	for (size_t i = 0; i < x->ports_len; i++)
		free(x->ports[i].host_ip);
	free(x->ports);
	free(x);
}

#define INFO_STR(field) \
	const char *berth_container_info_##field(const berth_container_info *x) { return x ? strempty(x->field) : ""; }
INFO_STR(id)
INFO_STR(name)
INFO_STR(image)
INFO_STR(image_id)
INFO_STR(error)
INFO_STR(created)
INFO_STR(started_at)
INFO_STR(finished_at)
#undef INFO_STR

const char *berth_container_info_raw_json(const berth_container_info *x) { return x ? strempty(x->raw) : ""; }
berth_state berth_container_info_state(const berth_container_info *x) { return x ? x->state : BERTH_STATE_UNKNOWN; }
int berth_container_info_running(const berth_container_info *x) { return x && x->running; }
int berth_container_info_exit_code(const berth_container_info *x) { return x ? x->exit_code : 0; }
int64_t berth_container_info_pid(const berth_container_info *x) { return x ? x->pid : 0; }
int berth_container_info_oom_killed(const berth_container_info *x) { return x && x->oom_killed; }

static const char *strv_at(const strv *v, size_t i) { return i < v->len ? v->items[i] : NULL; }

size_t berth_container_info_cmd_count(const berth_container_info *x) { return x ? x->cmd.len : 0; }
const char *berth_container_info_cmd(const berth_container_info *x, size_t i) { return x ? strv_at(&x->cmd, i) : NULL; }
size_t berth_container_info_env_count(const berth_container_info *x) { return x ? x->env.len : 0; }
const char *berth_container_info_env(const berth_container_info *x, size_t i) { return x ? strv_at(&x->env, i) : NULL; }
size_t berth_container_info_label_count(const berth_container_info *x) { return x ? x->label_keys.len : 0; }
const char *berth_container_info_label_key(const berth_container_info *x, size_t i) { return x ? strv_at(&x->label_keys, i) : NULL; }
const char *berth_container_info_label_value(const berth_container_info *x, size_t i) { return x ? strv_at(&x->label_values, i) : NULL; }
const char *berth_container_info_label(const berth_container_info *x, const char *key)
{
	if (!x || !key)
		return NULL;
	ssize_t i = labels_find(&x->label_keys, key);
	return i < 0 ? NULL : x->label_values.items[i];
}

int berth_container_info_tty(const berth_container_info *x) { return x && x->tty; }
int berth_container_info_stdin_open(const berth_container_info *x) { return x && x->stdin_open; }
int64_t berth_container_info_restart_count(const berth_container_info *x) { return x ? x->restart_count : 0; }
const char *berth_container_info_compose_project(const berth_container_info *x)
{
	return strempty(berth_container_info_label(x, "com.docker.compose.project"));
}
const char *berth_container_info_compose_service(const berth_container_info *x)
{
	return strempty(berth_container_info_label(x, "com.docker.compose.service"));
}

/* Item i of one of the record's arrays, NULL when out of range. */
#define ITEM_AT(fn, type, array, len) \
	static const type *fn(const berth_container_info *x, size_t i) { return x && i < x->len ? &x->array[i] : NULL; }
/* berth_container_info_<name>(x, i): a field of item i, `none` when out of range. */
#define ITEM_FIELD(ret, name, at, type, field, none) \
	ret berth_container_info_##name(const berth_container_info *x, size_t i) \
	{ const type *p = at(x, i); return p ? p->field : none; }

/* ---- container info: health ---------------------------------------------- */
const char *berth_health_name(berth_health h)
{
	static const char *const names[] = { "none", "starting", "healthy", "unhealthy" };
	return (unsigned)h < ARRAY_SIZE(names) ? names[h] : "none";
}

berth_health berth_container_info_health(const berth_container_info *x) { return x ? x->health : BERTH_HEALTH_NONE; }
int berth_container_info_health_failing_streak(const berth_container_info *x) { return x ? x->failing_streak : 0; }
size_t berth_container_info_health_log_count(const berth_container_info *x) { return x ? x->health_log_len : 0; }

ITEM_AT(run_at, health_run, health_log, health_log_len)
ITEM_FIELD(int, health_log_exit_code, run_at, health_run, exit_code, -1)
ITEM_FIELD(const char *, health_log_output, run_at, health_run, output, NULL)
ITEM_FIELD(const char *, health_log_start, run_at, health_run, start, NULL)
ITEM_FIELD(const char *, health_log_end, run_at, health_run, end, NULL)

int berth_container_info_has_healthcheck(const berth_container_info *x) { return x && x->has_healthcheck; }
size_t berth_container_info_healthcheck_test_count(const berth_container_info *x) { return x ? x->hc_test.len : 0; }
const char *berth_container_info_healthcheck_test(const berth_container_info *x, size_t i)
{ return x ? strv_at(&x->hc_test, i) : NULL; }
int64_t berth_container_info_healthcheck_interval_ms(const berth_container_info *x) { return x ? x->hc_interval_ms : 0; }
int64_t berth_container_info_healthcheck_timeout_ms(const berth_container_info *x) { return x ? x->hc_timeout_ms : 0; }
int64_t berth_container_info_healthcheck_start_period_ms(const berth_container_info *x) { return x ? x->hc_start_period_ms : 0; }
int berth_container_info_healthcheck_retries(const berth_container_info *x) { return x ? x->hc_retries : 0; }

/* ---- container info: mounts, networks, ports ------------------------------ */
ITEM_AT(mount_at, mount_info, mounts, mounts_len)
size_t berth_container_info_mount_count(const berth_container_info *x) { return x ? x->mounts_len : 0; }
ITEM_FIELD(berth_mount_type, mount_type, mount_at, mount_info, type, BERTH_MOUNT_OTHER)
ITEM_FIELD(const char *, mount_source, mount_at, mount_info, source, NULL)
ITEM_FIELD(const char *, mount_destination, mount_at, mount_info, destination, NULL)
ITEM_FIELD(const char *, mount_volume_name, mount_at, mount_info, volume_name, NULL)
ITEM_FIELD(int, mount_read_only, mount_at, mount_info, read_only, 0)

ITEM_AT(network_at, network_info, networks, networks_len)
size_t berth_container_info_network_count(const berth_container_info *x) { return x ? x->networks_len : 0; }
ITEM_FIELD(const char *, network_name, network_at, network_info, name, NULL)
ITEM_FIELD(const char *, network_ipv4, network_at, network_info, ipv4, NULL)
ITEM_FIELD(const char *, network_ipv6, network_at, network_info, ipv6, NULL)
ITEM_FIELD(const char *, network_gateway, network_at, network_info, gateway, NULL)
ITEM_FIELD(const char *, network_mac, network_at, network_info, mac, NULL)

ITEM_AT(port_at, port_info, ports, ports_len)
size_t berth_container_info_port_count(const berth_container_info *x) { return x ? x->ports_len : 0; }
ITEM_FIELD(int, port_container_port, port_at, port_info, container_port, 0)
ITEM_FIELD(const char *, port_proto, port_at, port_info, proto, NULL)
ITEM_FIELD(const char *, port_host_ip, port_at, port_info, host_ip, NULL)
ITEM_FIELD(int, port_host_port, port_at, port_info, host_port, 0)

int berth_container_info_host_port(const berth_container_info *x, int container_port, const char *proto,
				   const char **host_ip)
{
	const port_info *best = NULL;
	for (size_t i = 0; x && i < x->ports_len; i++) {
		const port_info *p = &x->ports[i];
		if (p->container_port != container_port || strcmp(p->proto, proto ? proto : "tcp") != 0)
			continue;
		bool v6 = strchr(p->host_ip, ':') != NULL;
		if (!best || (!v6 && strchr(best->host_ip, ':')))
			best = p;
	}
	if (best && host_ip)
		*host_ip = best->host_ip;
	return best ? best->host_port : 0;
}

/* ---- container list ----------------------------------------------------- */
void berth_container_list_free(berth_container_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->len; i++) {
		berth_container_entry *e = &l->items[i];
		free(e->id); free(e->name); free(e->image); free(e->command); free(e->status); free(e->ports);
		strv_release(&e->label_keys);
		strv_release(&e->label_values);
	}
	free(l->items);
	free(l);
}

static const berth_container_entry *entry(const berth_container_list *l, size_t i)
{
	return l && i < l->len ? &l->items[i] : NULL;
}

size_t berth_container_list_count(const berth_container_list *l) { return l ? l->len : 0; }
#define ENTRY_STR(field) \
	const char *berth_container_list_##field(const berth_container_list *l, size_t i) \
	{ const berth_container_entry *e = entry(l, i); return e ? strempty(e->field) : NULL; }
ENTRY_STR(id)
ENTRY_STR(name)
ENTRY_STR(image)
ENTRY_STR(command)
ENTRY_STR(status)
ENTRY_STR(ports)
#undef ENTRY_STR
berth_state berth_container_list_state(const berth_container_list *l, size_t i)
{ const berth_container_entry *e = entry(l, i); return e ? e->state : BERTH_STATE_UNKNOWN; }
berth_health berth_container_list_health(const berth_container_list *l, size_t i)
{ const berth_container_entry *e = entry(l, i); return e ? e->health : BERTH_HEALTH_NONE; }
const char *health_status_suffix(berth_health h)
{
	switch (h) {
	case BERTH_HEALTH_STARTING: return " (health: starting)";
	case BERTH_HEALTH_HEALTHY: return " (healthy)";
	case BERTH_HEALTH_UNHEALTHY: return " (unhealthy)";
	default: return "";
	}
}
int64_t berth_container_list_created(const berth_container_list *l, size_t i)
{ const berth_container_entry *e = entry(l, i); return e ? e->created : 0; }
size_t berth_container_list_label_count(const berth_container_list *l, size_t i)
{ const berth_container_entry *e = entry(l, i); return e ? e->label_keys.len : 0; }
const char *berth_container_list_label_key(const berth_container_list *l, size_t i, size_t j)
{ const berth_container_entry *e = entry(l, i); return e ? strv_at(&e->label_keys, j) : NULL; }
const char *berth_container_list_label_value(const berth_container_list *l, size_t i, size_t j)
{ const berth_container_entry *e = entry(l, i); return e ? strv_at(&e->label_values, j) : NULL; }
const char *berth_container_list_label(const berth_container_list *l, size_t i, const char *key)
{
	const berth_container_entry *e = entry(l, i);
	if (!e || !key)
		return NULL;
	ssize_t k = labels_find(&e->label_keys, key);
	return k < 0 ? NULL : e->label_values.items[k];
}

/* ---- prune result ------------------------------------------------------------ */
void berth_prune_result_free(berth_prune_result *r)
{
	if (!r)
		return;
	strv_release(&r->ids);
	free(r);
}
size_t berth_prune_result_count(const berth_prune_result *r) { return r ? r->ids.len : 0; }
const char *berth_prune_result_id(const berth_prune_result *r, size_t i) { return r ? strv_at(&r->ids, i) : NULL; }
uint64_t berth_prune_result_space_reclaimed(const berth_prune_result *r) { return r ? r->space_reclaimed : 0; }

/* ---- engine names ----------------------------------------------------------- */

const char *berth_engine_name(berth_engine engine)
{
	switch (engine) {
	case BERTH_ENGINE_AUTO: return "auto";
	case BERTH_ENGINE_DOCKER: return "docker";
	case BERTH_ENGINE_PODMAN: return "podman";
	case BERTH_ENGINE_CONTAINERD: return "containerd";
	}
	return "unknown";
}

int berth_engine_from_name(berth_engine *out, const char *name, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	static const berth_engine all[] = { BERTH_ENGINE_AUTO, BERTH_ENGINE_DOCKER, BERTH_ENGINE_PODMAN,
					    BERTH_ENGINE_CONTAINERD };
	for (size_t i = 0; name && i < ARRAY_SIZE(all); i++)
		if (strcasecmp(name, berth_engine_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	return berth_fail(err, BERTH_EINVAL, "unknown engine \"%s\" (want auto, docker, podman or containerd)",
			  strempty(name));
}
