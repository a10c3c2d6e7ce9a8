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

static int strv_insert(strv *v, size_t at, const char *s)
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
	ports_release(&x->ports, &x->port_count);
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

/* ---- published ports ------------------------------------------------------ */
void ports_release(berth_port_binding **ports, size_t *count)
{
	for (size_t i = 0; i < *count; i++) {
		free((*ports)[i].protocol);
		free((*ports)[i].host_ip);
	}
	free(*ports);
	*ports = NULL;
	*count = 0;
}

static int port_cmp(const void *a, const void *b)
{
	const berth_port_binding *x = a, *y = b;
	if (x->container_port != y->container_port)
		return x->container_port < y->container_port ? -1 : 1;
	int c = strcmp(x->protocol, y->protocol);
	if (c == 0)
		c = strcmp(x->host_ip, y->host_ip);
	if (c == 0 && x->host_port != y->host_port)
		c = x->host_port < y->host_port ? -1 : 1;
	return c;
}

void ports_sort(berth_port_binding *ports, size_t count)
{
	if (count > 1)
		qsort(ports, count, sizeof *ports, port_cmp);
}

static const berth_port_binding *port_at(const berth_container_info *x, size_t i)
{
	return x && i < x->port_count ? &x->ports[i] : NULL;
}

size_t berth_container_info_port_count(const berth_container_info *x) { return x ? x->port_count : 0; }
int berth_container_info_port_container(const berth_container_info *x, size_t i)
{ const berth_port_binding *p = port_at(x, i); return p ? p->container_port : 0; }
const char *berth_container_info_port_protocol(const berth_container_info *x, size_t i)
{ const berth_port_binding *p = port_at(x, i); return p ? p->protocol : NULL; }
const char *berth_container_info_port_host_ip(const berth_container_info *x, size_t i)
{ const berth_port_binding *p = port_at(x, i); return p ? p->host_ip : NULL; }
int berth_container_info_port_host(const berth_container_info *x, size_t i)
{ const berth_port_binding *p = port_at(x, i); return p ? p->host_port : 0; }

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
