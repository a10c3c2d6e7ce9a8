/* containerd containers: list, inspect and remove, onto berth's normalized
 * model. A containerd container is a record (labels, image, OCI spec,
 * snapshot key); what runs is its task. The state comes from the task: no
 * task is "created" (or "exited" when the lifecycle recorded an exit),
 * CREATED / RUNNING / PAUSED / STOPPED map to created / running / paused /
 * exited with the exit code and time. */
#include "ctrd_containerd.h"
#include "ctrd_lifecycle.h"
#include "ctrd_health.h"
#include "ctrd_volstore.h"
#include "lib/parse/ocispec.h"
#include "lib/kit/stream.h"
#include "lib/kit/watch.h"

#include <signal.h>
#include <stdio.h>
#include <strings.h>

#include "api_services_containers_v1_containers.pb-c.h"
#include "api_services_images_v1_images.pb-c.h"
#include "api_services_snapshots_v1_snapshots.pb-c.h"
#include "api_services_tasks_v1_tasks.pb-c.h"
#include "lib/parse/rfc3339.h"

typedef Containerd__Services__Containers__V1__Container ctrd_container;
typedef Containerd__V1__Types__Process ctrd_process;

/* The user's labels (berth's own bookkeeping ones and the restart
 * monitor's left out). */
static int user_labels(strv *keys, strv *values, const ctrd_container *k)
{
	for (size_t i = 0; i < k->n_labels; i++) {
		const char *key = k->labels[i]->key;
		if (key && !startswith(key, CTRD_LABEL_PREFIX) && !startswith(key, CTRD_RESTART_LABELS) &&
		    labels_set(keys, values, key, strempty(k->labels[i]->value)) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The state of container k given its task (NULL: none). */
static berth_state effective_state(const ctrd_container *k, const ctrd_task_info *t, int *exit_code,
				   const char **finished)
{
	*exit_code = 0;
	*finished = "";
	if (t && t->exists) {
		if (t->state == BERTH_STATE_EXITED) {
			*exit_code = (int)t->exit_status;
			*finished = t->exited_at;
		}
		return t->state;
	}
	const char *code = ctrd_label(k, CTRD_LABEL_EXIT_CODE);
	if (!code && ctrd_label(k, CTRD_LABEL_STARTED_AT)) {
		/* started, and its task is gone with no exit kept: its shim went
		 * away (killed, or the host rebooted). The status is lost; 255 is
		 * what Docker reports for such a container */
		*exit_code = CTRD_EXIT_LOST;
		return BERTH_STATE_EXITED;
	}
	if (!code)
		return BERTH_STATE_CREATED;
	*exit_code = atoi(code);
	*finished = strempty(ctrd_label(k, CTRD_LABEL_FINISHED_AT));
	return BERTH_STATE_EXITED;
}

/* ---- list --------------------------------------------------------------- */

static bool state_wanted(berth_state s, const berth_list_options *o)
{
	if (o->state_count) {
		for (size_t i = 0; i < o->state_count; i++)
			if (o->states[i] == s)
				return true;
		return false;
	}
	return o->all || s == BERTH_STATE_RUNNING || s == BERTH_STATE_PAUSED;
}

static int fill_entry(berth_container_entry *e, const berth_client *c, const ctrd_container *k, berth_state st,
		      int code)
{
	e->state = st;
	e->created = k->created_at ? (int64_t)k->created_at->seconds : 0;
	char status[64];
	if (st == BERTH_STATE_RUNNING)
		e->health = ctrd_health_status(c, k->id, ctrd_label(k, CTRD_LABEL_HEALTH));
	switch (st) {
	case BERTH_STATE_RUNNING: snprintf(status, sizeof status, "Up%s", health_status_suffix(e->health)); break;
	case BERTH_STATE_PAUSED: snprintf(status, sizeof status, "Up (Paused)"); break;
	case BERTH_STATE_EXITED: snprintf(status, sizeof status, "Exited (%d)", code); break;
	default: snprintf(status, sizeof status, "Created"); break;
	}
	/* the command from the spec's process.args, read no further */
	_cleanup_free_ char *cmd = NULL;
	if (k->spec && k->spec->value.len &&
	    oci_spec_command(&cmd, (const char *)k->spec->value.data, k->spec->value.len) == -ENOMEM)
		return -ENOMEM;
	e->id = strdup(k->id);
	e->name = strdup(ctrd_name_of(k));
	e->image = strdup(strempty(k->image));
	e->command = cmd ? TAKE_PTR(cmd) : strdup("");
	e->status = strdup(status);
	/* the published ports while the task runs, as Docker lists them */
	e->ports = st == BERTH_STATE_RUNNING || st == BERTH_STATE_PAUSED ? ctrd_net_ports_text(c, k->id) : strdup("");
	if (!e->id || !e->name || !e->image || !e->command || !e->status || !e->ports ||
	    user_labels(&e->label_keys, &e->label_values, k) < 0)
		return -ENOMEM;
	return 0;
}

typedef Containerd__Services__Containers__V1__ListContainersResponse ctrd_container_list_reply;
typedef Containerd__Services__Tasks__V1__ListTasksResponse ctrd_task_list_reply;

/* Every container record and every task, in one round trip. */
static int list_all(ctrd_container_list_reply **cl, ctrd_task_list_reply **tl, berth_client *c, berth_error *err)
{
	Containerd__Services__Containers__V1__ListContainersRequest creq =
		CONTAINERD__SERVICES__CONTAINERS__V1__LIST_CONTAINERS_REQUEST__INIT;
	Containerd__Services__Tasks__V1__ListTasksRequest treq = CONTAINERD__SERVICES__TASKS__V1__LIST_TASKS_REQUEST__INIT;
	ctrd_req q[] = {
		{ "containers.v1.Containers/List", &creq.base,
		  &containerd__services__containers__v1__list_containers_response__descriptor, cl },
		{ "tasks.v1.Tasks/List", &treq.base, &containerd__services__tasks__v1__list_tasks_response__descriptor, tl },
	};
	return ctrd_call_all(c, q, ARRAY_SIZE(q), err);
}

/* The state of record k given the listed tasks. */
static berth_state listed_state(const ctrd_container *k, const ctrd_task_list_reply *tl, int *code,
				const char **finished)
{
	ctrd_task_info t = { 0 };
	for (size_t j = 0; tl && j < tl->n_tasks; j++)
		if (tl->tasks[j]->id && STREQ(tl->tasks[j]->id, k->id)) {
			ctrd_task_info_from(&t, tl->tasks[j]);
			break;
		}
	return effective_state(k, &t, code, finished);
}

/* The listing: one record at a time off Containers/ListStream. */
typedef struct list_walk {
	berth_client *c;
	const berth_list_options *o;
	const ctrd_task_list_reply *tl;
	berth_container_list *l;
	size_t cap;
} list_walk;

static int list_one(void *ctx, const ctrd_container *k, berth_error *err)
{
	list_walk *w = ctx;
	const berth_list_options *o = w->o;
	if (!k->id || !ctrd_labels_match((void *const *)k->labels, k->n_labels, o->labels, o->label_count) ||
	    (o->name && !strstr(ctrd_name_of(k), o->name)))
		return 0;
	int code;
	const char *finished;
	berth_state st = listed_state(k, w->tl, &code, &finished);
	if (!state_wanted(st, o))
		return 0;
	berth_container_list *l = w->l;
	berth_container_entry *items = array_grow(l->items, &w->cap, l->len, sizeof *items, 16);
	if (!items)
		return BERTH_NOMEM(err);
	l->items = items;
	memset(&l->items[l->len], 0, sizeof l->items[0]);
	return fill_entry(&l->items[l->len++], w->c, k, st, code) < 0 ? BERTH_NOMEM(err) : 0;
}

int ctrd_container_list(berth_container_list **out, berth_client *c, const berth_list_options *o, berth_error *err)
{
	/* the tasks first (a small reply: the running ones), then the
	 * records one by one */
	_cleanup_pb_ ctrd_task_list_reply *tl = NULL;
	Containerd__Services__Tasks__V1__ListTasksRequest treq = CONTAINERD__SERVICES__TASKS__V1__LIST_TASKS_REQUEST__INIT;
	int r = ctrd_call(&tl, c, "tasks.v1.Tasks/List", &treq.base,
			  &containerd__services__tasks__v1__list_tasks_response__descriptor, 0, err);
	if (r < 0)
		return r;
	list_walk w = { c, o, tl, calloc(1, sizeof *w.l), 0 };
	if (!w.l)
		return BERTH_NOMEM(err);
	r = ctrd_containers_each(c, NULL, list_one, &w, err);
	if (r < 0) {
		berth_container_list_free(w.l);
		return r;
	}
	*out = w.l;
	return 0;
}

static int64_t rfc3339_or_0(const char *s)
{
	int64_t ns = 0;
	if (isempty(s) || parse_rfc3339_ns(s, strlen(s), &ns) < 0)
		return 0;
	return ns;
}

int ctrd_container_states(watch_list *out, berth_client *c, berth_error *err)
{
	_cleanup_pb_ ctrd_container_list_reply *cl = NULL;
	_cleanup_pb_ ctrd_task_list_reply *tl = NULL;
	int r = list_all(&cl, &tl, c, err);
	if (r < 0)
		return r;
	_cleanup_(watch_list_release) watch_list l = { 0 };
	for (size_t i = 0; i < cl->n_containers; i++) {
		const ctrd_container *k = cl->containers[i];
		if (!k->id)
			continue;
		int code;
		const char *finished;
		berth_state st = listed_state(k, tl, &code, &finished);
		watch_container *x = watch_list_add(&l);
		if (!x)
			return BERTH_NOMEM(err);
		x->state = st == BERTH_STATE_UNKNOWN ? BERTH_STATE_CREATED : st;
		x->exit_code = st == BERTH_STATE_EXITED ? code : -1;
		x->created_ns = k->created_at && k->created_at->seconds > 0
					? (int64_t)k->created_at->seconds * 1000000000LL + k->created_at->nanos
					: 0;
		x->started_ns = st == BERTH_STATE_CREATED ? 0 : rfc3339_or_0(ctrd_label(k, CTRD_LABEL_STARTED_AT));
		x->finished_ns = rfc3339_or_0(finished);
		x->id = strdup(k->id);
		x->name = strdup(ctrd_name_of(k));
		x->image = strdup(strempty(k->image));
		if (!x->id || !x->name || !x->image || user_labels(&x->label_keys, &x->label_values, k) < 0)
			return BERTH_NOMEM(err);
	}
	*out = l;
	l = (watch_list){ 0 };
	return 0;
}

/* ---- inspect ------------------------------------------------------------ */

/* ,"NetworkSettings":{...} in Docker's shape, from what inspect found (the
 * bridge network's record while the task runs). */
static int raw_network(sbuf *b, const berth_container_info *x)
{
	int r = sbuf_adds(b, ",\"NetworkSettings\":{\"Networks\":{");
	for (size_t i = 0; r == 0 && i < x->networks_len; i++) {
		const network_info *n = &x->networks[i];
		r = (i && sbuf_addc(b, ',')) || sbuf_add_json_string(b, n->name) || sbuf_adds(b, ":{\"IPAddress\":") ||
		    sbuf_add_json_string(b, n->ipv4) || sbuf_adds(b, ",\"Gateway\":") || sbuf_add_json_string(b, n->gateway) ||
		    sbuf_adds(b, ",\"MacAddress\":") || sbuf_add_json_string(b, n->mac) || sbuf_addc(b, '}');
	}
	r = r || sbuf_adds(b, "},\"Ports\":{");
	/* sorted by container port and protocol: one key per pair */
	for (size_t i = 0; r == 0 && i < x->ports_len; i++) {
		const port_info *p = &x->ports[i];
		bool first = i == 0 || p->container_port != x->ports[i - 1].container_port ||
			     strcmp(p->proto, x->ports[i - 1].proto) != 0;
		bool last = i + 1 == x->ports_len || p->container_port != x->ports[i + 1].container_port ||
			    strcmp(p->proto, x->ports[i + 1].proto) != 0;
		if (first)
			r = sbuf_printf(b, "%s\"%d/%s\":[", i ? "," : "", p->container_port, p->proto);
		else
			r = sbuf_addc(b, ',');
		r = r || sbuf_adds(b, "{\"HostIp\":") || sbuf_add_json_string(b, p->host_ip) ||
		    sbuf_printf(b, ",\"HostPort\":\"%d\"}", p->host_port) || (last && sbuf_addc(b, ']'));
	}
	return r || sbuf_adds(b, "}}") ? -ENOMEM : 0;
}

static int inspect_raw(sbuf *b, const ctrd_container *k, const ctrd_task_info *t, const berth_container_info *x)
{
	char created[40], updated[40];
	ctrd_time_format(created, k->created_at);
	ctrd_time_format(updated, k->updated_at);
	int r = sbuf_adds(b, "{\"ID\":") || sbuf_add_json_string(b, k->id) || sbuf_adds(b, ",\"Image\":") ||
		sbuf_add_json_string(b, k->image) || sbuf_adds(b, ",\"Runtime\":") ||
		sbuf_add_json_string(b, k->runtime ? k->runtime->name : "") || sbuf_adds(b, ",\"Snapshotter\":") ||
		sbuf_add_json_string(b, k->snapshotter) || sbuf_adds(b, ",\"SnapshotKey\":") ||
		sbuf_add_json_string(b, k->snapshot_key) || sbuf_adds(b, ",\"CreatedAt\":") || sbuf_add_json_string(b, created) ||
		sbuf_adds(b, ",\"UpdatedAt\":") || sbuf_add_json_string(b, updated) || sbuf_adds(b, ",\"Labels\":{");
	for (size_t i = 0; r == 0 && i < k->n_labels; i++)
		r = (i && sbuf_addc(b, ',')) || sbuf_add_json_string(b, k->labels[i]->key) || sbuf_addc(b, ':') ||
		    sbuf_add_json_string(b, k->labels[i]->value);
	r = r || sbuf_adds(b, "}");
	if (r == 0 && t->exists)
		r = sbuf_printf(b, ",\"Task\":{\"Pid\":%u,\"Status\":\"%s\",\"ExitStatus\":%u,\"ExitedAt\":", t->pid,
				berth_state_name(t->state), t->exit_status) ||
		    sbuf_add_json_string(b, t->exited_at) || sbuf_addc(b, '}');
	/* the OCI spec is JSON already */
	if (r == 0 && k->spec && k->spec->value.len && k->spec->value.data[0] == '{')
		r = sbuf_adds(b, ",\"Spec\":") || ctrd_raw_spec(b, (const char *)k->spec->value.data, k->spec->value.len);
	if (r == 0)
		r = ctrd_raw_docker_view(b, k) < 0;
	if (r == 0)
		r = raw_network(b, x) < 0;
	return r || sbuf_addc(b, '}') ? -ENOMEM : 0;
}

int ctrd_container_inspect(berth_container_info **out, berth_client *c, const char *ref, berth_error *err)
{
	RESOLVE(c, ref, err);
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	ctrd_task_info t = { 0 };
	int r = ctrd_get_container_task(&resp, &t, c, id, err);
	if (r < 0)
		return r;
	const ctrd_container *k = resp->container;
	berth_container_info *x = calloc(1, sizeof *x);
	if (!x)
		return BERTH_NOMEM(err);
	int code;
	const char *finished;
	x->state = effective_state(k, &t, &code, &finished);
	x->exit_code = code;
	x->running = x->state == BERTH_STATE_RUNNING || x->state == BERTH_STATE_PAUSED;
	x->pid = t.pid;
	x->oom_killed = STREQ(strempty(ctrd_label(k, CTRD_LABEL_OOM)), "true");
	char created[40];
	ctrd_time_format(created, k->created_at);
	_cleanup_sbuf_ sbuf raw = SBUF_INIT;
	x->id = strdup(k->id);
	x->name = strdup(ctrd_name_of(k));
	x->image = strdup(strempty(k->image));
	x->image_id = ctrd_image_id(c, k->image);
	x->error = strdup("");
	x->created = strdup(created);
	x->started_at = strdup(x->state == BERTH_STATE_CREATED ? "" : strempty(ctrd_label(k, CTRD_LABEL_STARTED_AT)));
	x->finished_at = strdup(finished);
	r = (!x->id || !x->name || !x->image || !x->image_id || !x->error || !x->created || !x->started_at ||
	     !x->finished_at || user_labels(&x->label_keys, &x->label_values, k) < 0)
		    ? -ENOMEM
		    : 0;
	if (r == 0 && k->spec && k->spec->value.len)
		r = oci_spec_read(x, (const char *)k->spec->value.data, k->spec->value.len) == -ENOMEM ? -ENOMEM : 0;
	if (r == 0)
		r = ctrd_inspect_extra(x, c, k);
	if (r == 0)
		r = inspect_raw(&raw, k, &t, x);
	if (r == 0)
		x->raw = sbuf_steal(&raw);
	if (r < 0 || !x->raw) {
		berth_container_info_free(x);
		return BERTH_NOMEM(err);
	}
	*out = x;
	return 0;
}

/* ---- remove ------------------------------------------------------------- */

/* Kill the task (and every process in it) and wait for its end. */
static int kill_task(berth_client *c, const char *id, berth_state st, berth_error *err)
{
	if (st == BERTH_STATE_PAUSED) {
		/* a frozen process keeps a pending SIGKILL: thaw it first */
		Containerd__Services__Tasks__V1__ResumeTaskRequest rr =
			CONTAINERD__SERVICES__TASKS__V1__RESUME_TASK_REQUEST__INIT;
		rr.container_id = (char *)id;
		ctrd_call(NULL, c, "tasks.v1.Tasks/Resume", &rr.base, NULL, 0, NULL);
	}
	Containerd__Services__Tasks__V1__KillRequest kr = CONTAINERD__SERVICES__TASKS__V1__KILL_REQUEST__INIT;
	kr.container_id = (char *)id;
	kr.signal = SIGKILL;
	kr.all = true;
	berth_error e = BERTH_ERROR_INIT;
	int r = ctrd_call(NULL, c, "tasks.v1.Tasks/Kill", &kr.base, NULL, 0, &e);
	if (r < 0 && r != BERTH_ENOTFOUND) {
		if (err)
			*err = e;
		return r;
	}
	Containerd__Services__Tasks__V1__WaitRequest wr = CONTAINERD__SERVICES__TASKS__V1__WAIT_REQUEST__INIT;
	wr.container_id = (char *)id;
	_cleanup_pb_ Containerd__Services__Tasks__V1__WaitResponse *w = NULL;
	r = ctrd_call(&w, c, "tasks.v1.Tasks/Wait", &wr.base, &containerd__services__tasks__v1__wait_response__descriptor,
		      30000, &e);
	if (r < 0 && r != BERTH_ENOTFOUND) {
		if (err)
			*err = e;
		return r;
	}
	return 0;
}

static int delete_task(berth_client *c, const char *id, bool force, berth_error *err)
{
	ctrd_task_info t;
	int r = ctrd_task_get(&t, c, id, err);
	if (r < 0 || !t.exists)
		return r;
	if (t.state == BERTH_STATE_RUNNING || t.state == BERTH_STATE_PAUSED || t.state == BERTH_STATE_UNKNOWN) {
		if (!force)
			return berth_fail(err, BERTH_ECONFLICT,
					  "container %s is %s: stop it before removing it, or force the removal", id,
					  berth_state_name(t.state));
		r = kill_task(c, id, t.state, err);
		if (r < 0)
			return r;
	}
	Containerd__Services__Tasks__V1__DeleteTaskRequest dr = CONTAINERD__SERVICES__TASKS__V1__DELETE_TASK_REQUEST__INIT;
	dr.container_id = (char *)id;
	berth_error e = BERTH_ERROR_INIT;
	r = ctrd_call(NULL, c, "tasks.v1.Tasks/Delete", &dr.base, NULL, 0, &e);
	if (r == BERTH_ECONFLICT || r == BERTH_EENGINE) {
		/* a created task that never started: kill it, then delete */
		r = kill_task(c, id, t.state, err);
		if (r == 0)
			r = ctrd_call(NULL, c, "tasks.v1.Tasks/Delete", &dr.base, NULL, 0, &e);
	}
	if (r < 0 && r != BERTH_ENOTFOUND) {
		if (err)
			*err = e;
		return r;
	}
	ctrd_net_down(c, id);
	return 0;
}

/* The anonymous volumes of a removed container (a comma list), as Docker's
 * rm -v: those no other container uses; named ones stay. */
static void remove_anonymous_volumes(berth_client *c, const char *list)
{
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ",");
		_cleanup_free_ char *name = strndup(p, n);
		_cleanup_strv_ strv users = STRV_INIT;
		if (name && ctrd_volstore_users(&users, c, name, NULL) == 0 && !users.len)
			ctrd_volstore_remove(c, name, NULL);
		p += n + (p[n] == ',');
	}
}

int ctrd_container_remove(berth_client *c, const char *ref, bool force, bool volumes, berth_error *err)
{
	char id[256];
	int rr = ctrd_resolve(id, c, ref, err);
	if (rr == BERTH_ENOTFOUND && force)
		return 0;
	if (rr < 0)
		return rr;
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	berth_error e = BERTH_ERROR_INIT;
	int r = ctrd_get_container(&resp, c, id, &e);
	if (r == BERTH_ENOTFOUND && force)
		return 0;
	if (r < 0) {
		if (err)
			*err = e;
		return r;
	}
	/* the restart monitor must not start a task between the kill and the
	 * removal */
	r = ctrd_restart_status(c, resp->container, NULL, err);
	if (r == 0)
		r = delete_task(c, id, force, err);
	if (r < 0)
		return r;
	Containerd__Services__Containers__V1__DeleteContainerRequest dr =
		CONTAINERD__SERVICES__CONTAINERS__V1__DELETE_CONTAINER_REQUEST__INIT;
	dr.id = (char *)id;
	r = ctrd_call(NULL, c, "containers.v1.Containers/Delete", &dr.base, NULL, 0, &e);
	if (r < 0 && !(r == BERTH_ENOTFOUND && force)) {
		if (err)
			*err = e;
		return r;
	}
	/* the root filesystem's snapshot goes with the container */
	const ctrd_container *k = resp->container;
	if (!isempty(k->snapshot_key)) {
		Containerd__Services__Snapshots__V1__RemoveSnapshotRequest sr =
			CONTAINERD__SERVICES__SNAPSHOTS__V1__REMOVE_SNAPSHOT_REQUEST__INIT;
		sr.snapshotter = isempty(k->snapshotter) ? (char *)CTRD_SNAPSHOTTER : k->snapshotter;
		sr.key = k->snapshot_key;
		r = ctrd_call(NULL, c, "snapshots.v1.Snapshots/Remove", &sr.base, NULL, 0, &e);
		if (r < 0 && r != BERTH_ENOTFOUND) {
			if (err)
				*err = e;
			return r;
		}
	}
	ctrd_net_down(c, id); /* the network namespace is a mount point in the state directory */
	ctrd_state_dir_remove(c, id);
	if (volumes)
		remove_anonymous_volumes(c, ctrd_label(k, CTRD_LABEL_ANON_VOLUMES));
	return 0;
}

/* ---- prune -------------------------------------------------------------- */

int ctrd_container_prune(berth_prune_result **out, berth_client *c, const char *const *labels, size_t label_count,
			 berth_error *err)
{
	static const berth_state stopped[] = { BERTH_STATE_CREATED, BERTH_STATE_EXITED, BERTH_STATE_DEAD };
	berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
	lo.labels = labels;
	lo.label_count = label_count;
	lo.states = stopped;
	lo.state_count = ARRAY_SIZE(stopped);
	berth_container_list *l = NULL;
	int r = ctrd_container_list(&l, c, &lo, err);
	if (r < 0)
		return r;
	berth_prune_result *res = calloc(1, sizeof *res);
	if (!res)
		r = BERTH_NOMEM(err);
	for (size_t i = 0; r == 0 && i < l->len; i++) {
		/* not forced: a task that started meanwhile keeps its container */
		berth_error e = BERTH_ERROR_INIT;
		int rr = ctrd_container_remove(c, l->items[i].id, false, false, &e);
		if (rr == 0 && strv_push(&res->ids, l->items[i].id) < 0) {
			r = BERTH_NOMEM(err);
		} else if (rr < 0 && rr != BERTH_ECONFLICT && rr != BERTH_ENOTFOUND) {
			r = rr;
			if (err)
				*err = e;
		}
	}
	berth_container_list_free(l);
	if (r < 0) {
		berth_prune_result_free(res);
		return r;
	}
	if (out)
		*out = res;
	else
		berth_prune_result_free(res);
	return 0;
}
