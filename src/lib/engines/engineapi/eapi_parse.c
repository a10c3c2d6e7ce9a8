/* Engine API replies -> berth models. Pure functions over byte buffers. */
#include "eapi_parse.h"

#include "util/sha256.h"

#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/auxv.h>

/* ---- small JSON helpers -------------------------------------------------- */

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static int64_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_real(v)) {
		/* Clamp first: casting a double outside int64_t's range is
		 * undefined behaviour (found by fuzz/fuzz_engine_json). */
		double d = json_real_value(v);
		if (d >= 9223372036854775808.0)
			return INT64_MAX;
		if (d < -9223372036854775808.0)
			return INT64_MIN;
		return d == d ? (int64_t)d : 0;
	}
	return 0;
}

static bool jbool(json_t *o, const char *key) { return json_is_true(json_object_get(o, key)); }

/* strdup that records a failure instead of returning NULL to the caller. */
static char *dup_or(const char *s, bool *oom)
{
	char *p = strdup(s ? s : "");
	if (!p)
		*oom = true;
	return p;
}

/* Engines report "never" as the zero time; berth reports "". */
static char *dup_time(const char *s, bool *oom)
{
	if (!s || startswith(s, "0001-01-01"))
		s = "";
	return dup_or(s, oom);
}

static int labels_from_json(strv *keys, strv *values, json_t *obj)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v) {
		if (labels_set(keys, values, k, json_is_string(v) ? json_string_value(v) : "") < 0)
			return -ENOMEM;
	}
	return 0;
}

static int strv_from_json(strv *out, json_t *arr)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (json_is_string(v) && strv_push(out, json_string_value(v)) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* jansson randomizes its hash seed (against crafted keys) by reading
 * /dev/urandom on first use, a file open per process. The kernel already
 * hands every process 16 random bytes (AT_RANDOM). glibc uses them for its
 * stack and pointer guards, so the seed is derived through SHA-256: a seed
 * that leaked would say nothing about them. */
static void seed_once(void)
{
	const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
	if (!r)
		return; /* jansson falls back to its own seeding */
	sha256_ctx c;
	unsigned char d[32];
	sha256_init(&c);
	sha256_update(&c, "berth-json-seed", 15);
	sha256_update(&c, r, 16);
	sha256_final(&c, d);
	size_t seed = 0;
	for (size_t i = 0; i < sizeof seed; i++)
		seed = seed << 8 | d[i];
	json_object_seed(seed ? seed : 1);
}

void engineapi_json_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, seed_once);
}

static int load(json_t **out, const char *body, size_t len, const char *what, berth_error *err)
{
	engineapi_json_init();
	json_error_t jerr;
	json_t *j = json_loadb(body ? body : "", len, 0, &jerr);
	if (!j)
		return berth_fail(err, BERTH_EPROTOCOL, "%s: reply is not JSON (%s at byte %d)", what, jerr.text,
				  jerr.position);
	*out = j;
	return 0;
}

/* A raw copy of the reply, NUL-terminated (bodies may hold NULs). */
static char *dup_body(const char *body, size_t len, bool *oom)
{
	char *p = malloc(len + 1);
	if (!p) {
		*oom = true;
		return NULL;
	}
	if (len)
		memcpy(p, body, len);
	p[len] = '\0';
	return p;
}

int engineapi_parse_version(berth_version **out, const char *body, size_t len, berth_engine engine, berth_error *err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load(&j, body, len, "version", err);
	if (r < 0)
		return r;
	if (!json_is_object(j))
		return berth_fail(err, BERTH_EPROTOCOL, "version: reply is not a JSON object");
	berth_version *v = calloc(1, sizeof *v);
	if (!v)
		return BERTH_NOMEM(err);
	bool oom = false;
	v->engine = engine;
	v->server = dup_or(jstr(j, "Version"), &oom);
	v->api = dup_or(jstr(j, "ApiVersion"), &oom);
	v->min_api = dup_or(jstr(j, "MinAPIVersion"), &oom);
	v->os = dup_or(jstr(j, "Os"), &oom);
	v->arch = dup_or(jstr(j, "Arch"), &oom);
	v->kernel = dup_or(jstr(j, "KernelVersion"), &oom);
	v->raw = dup_body(body, len, &oom);
	if (oom) {
		berth_version_free(v);
		return BERTH_NOMEM(err);
	}
	*out = v;
	return 0;
}

int engineapi_parse_info(berth_info **out, const char *body, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load(&j, body, len, "info", err);
	if (r < 0)
		return r;
	if (!json_is_object(j))
		return berth_fail(err, BERTH_EPROTOCOL, "info: reply is not a JSON object");
	berth_info *i = calloc(1, sizeof *i);
	if (!i)
		return BERTH_NOMEM(err);
	bool oom = false;
	i->name = dup_or(jstr(j, "Name"), &oom);
	i->server_version = dup_or(jstr(j, "ServerVersion"), &oom);
	i->os = dup_or(jstr(j, "OperatingSystem"), &oom);
	i->kernel = dup_or(jstr(j, "KernelVersion"), &oom);
	i->storage_driver = dup_or(jstr(j, "Driver"), &oom);
	i->cgroup_driver = dup_or(jstr(j, "CgroupDriver"), &oom);
	i->cgroup_version = dup_or(jstr(j, "CgroupVersion"), &oom);
	i->raw = dup_body(body, len, &oom);
	i->containers = jint(j, "Containers");
	i->running = jint(j, "ContainersRunning");
	i->paused = jint(j, "ContainersPaused");
	i->stopped = jint(j, "ContainersStopped");
	i->images = jint(j, "Images");
	i->ncpu = jint(j, "NCPU");
	i->mem_total = jint(j, "MemTotal");
	if (oom) {
		berth_info_free(i);
		return BERTH_NOMEM(err);
	}
	*out = i;
	return 0;
}

/* Nanoseconds (the engines' durations) -> milliseconds, never negative. */
static int64_t jdur_ms(json_t *o, const char *key)
{
	int64_t ns = jint(o, key);
	return ns > 0 ? ns / 1000000 : 0;
}

static berth_health health_from_string(const char *s)
{
	if (STREQ(s, "starting"))
		return BERTH_HEALTH_STARTING;
	if (STREQ(s, "healthy"))
		return BERTH_HEALTH_HEALTHY;
	if (STREQ(s, "unhealthy"))
		return BERTH_HEALTH_UNHEALTHY;
	return BERTH_HEALTH_NONE;
}

/* Config.Healthcheck, then the status and runs. The compat API of both
 * engines puts the status under State.Health; Podman's own API called it
 * State.Healthcheck before 4.x: either is taken. */
static int health_from_json(berth_container_info *x, json_t *state, json_t *config)
{
	json_t *hc = json_object_get(config, "Healthcheck");
	json_t *test = json_object_get(hc, "Test");
	const char *first = json_string_value(json_array_get(test, 0));
	x->has_healthcheck = first && !STREQ(first, "NONE");
	if (strv_from_json(&x->hc_test, test) < 0)
		return -ENOMEM;
	x->hc_interval_ms = jdur_ms(hc, "Interval");
	x->hc_timeout_ms = jdur_ms(hc, "Timeout");
	x->hc_start_period_ms = jdur_ms(hc, "StartPeriod");
	int64_t retries = jint(hc, "Retries");
	x->hc_retries = retries > 0 && retries < INT32_MAX ? (int)retries : 0;

	json_t *h = json_object_get(state, "Health");
	if (!json_is_object(h))
		h = json_object_get(state, "Healthcheck");
	x->health = health_from_string(jstr(h, "Status"));
	if (x->health == BERTH_HEALTH_NONE && x->has_healthcheck)
		x->health = BERTH_HEALTH_STARTING;
	int64_t streak = jint(h, "FailingStreak");
	x->failing_streak = streak > 0 && streak < INT32_MAX ? (int)streak : 0;
	json_t *log = json_object_get(h, "Log");
	size_t n = json_array_size(log);
	if (n && !(x->health_log = calloc(n, sizeof *x->health_log)))
		return -ENOMEM;
	bool oom = false;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(log, i);
		health_run *r = &x->health_log[x->health_log_len++];
		r->start = dup_time(jstr(e, "Start"), &oom);
		r->end = dup_time(jstr(e, "End"), &oom);
		r->output = dup_or(jstr(e, "Output"), &oom);
		int64_t code = jint(e, "ExitCode");
		r->exit_code = code >= INT32_MIN && code <= INT32_MAX ? (int)code : -1;
	}
	return oom ? -ENOMEM : 0;
}

static berth_mount_type mount_type_from_string(const char *s)
{
	if (STREQ(s, "bind"))
		return BERTH_MOUNT_BIND;
	if (STREQ(s, "volume"))
		return BERTH_MOUNT_VOLUME;
	if (STREQ(s, "tmpfs"))
		return BERTH_MOUNT_TMPFS;
	return BERTH_MOUNT_OTHER;
}

/* Whether a comma-separated option list holds `opt` as a whole word. */
static bool has_option(const char *list, const char *opt)
{
	size_t n = strlen(opt);
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, opt, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

/* Mounts, then the HostConfig.Tmpfs entries neither engine lists there. */
static int mounts_from_json(berth_container_info *x, json_t *mounts, json_t *tmpfs)
{
	size_t n = json_array_size(mounts) + json_object_size(tmpfs);
	if (n && !(x->mounts = calloc(n, sizeof *x->mounts)))
		return -ENOMEM;
	bool oom = false;
	size_t i;
	json_t *m;
	json_array_foreach(mounts, i, m) {
		if (!json_is_object(m))
			continue;
		mount_info *mi = &x->mounts[x->mounts_len++];
		mi->type = mount_type_from_string(jstr(m, "Type"));
		mi->source = dup_or(jstr(m, "Source"), &oom);
		mi->destination = dup_or(jstr(m, "Destination"), &oom);
		mi->volume_name = dup_or(mi->type == BERTH_MOUNT_VOLUME ? jstr(m, "Name") : "", &oom);
		mi->read_only = json_is_false(json_object_get(m, "RW"));
	}
	const char *path;
	json_t *opts;
	json_object_foreach(tmpfs, path, opts) {
		bool listed = false;
		for (size_t k = 0; k < x->mounts_len && !oom; k++)
			listed |= STREQ(x->mounts[k].destination, path);
		if (listed)
			continue;
		mount_info *mi = &x->mounts[x->mounts_len++];
		mi->type = BERTH_MOUNT_TMPFS;
		mi->source = dup_or("", &oom);
		mi->destination = dup_or(path, &oom);
		mi->volume_name = dup_or("", &oom);
		mi->read_only = has_option(json_string_value(opts), "ro");
	}
	return oom ? -ENOMEM : 0;
}

static int network_cmp(const void *a, const void *b)
{
	return strcmp(((const network_info *)a)->name, ((const network_info *)b)->name);
}

static int networks_from_json(berth_container_info *x, json_t *networks)
{
	size_t n = json_object_size(networks);
	if (n && !(x->networks = calloc(n, sizeof *x->networks)))
		return -ENOMEM;
	bool oom = false;
	const char *name;
	json_t *o;
	json_object_foreach(networks, name, o) {
		network_info *ni = &x->networks[x->networks_len++];
		ni->name = dup_or(name, &oom);
		ni->ipv4 = dup_or(jstr(o, "IPAddress"), &oom);
		ni->ipv6 = dup_or(jstr(o, "GlobalIPv6Address"), &oom);
		ni->gateway = dup_or(jstr(o, "Gateway"), &oom);
		ni->mac = dup_or(jstr(o, "MacAddress"), &oom);
	}
	if (oom)
		return -ENOMEM;
	if (x->networks_len > 1)
		qsort(x->networks, x->networks_len, sizeof *x->networks, network_cmp);
	return 0;
}

/* A port number 1..65535 from decimal text, else 0. */
static int port_number(const char *s, size_t len)
{
	int v = 0;
	if (len == 0 || len > 5)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v <= 65535 ? v : 0;
}

/* NetworkSettings.Ports: {"8080/tcp": [{"HostIp": "...", "HostPort": "32768"}], "9090/tcp": null} */
static int ports_from_json(berth_container_info *x, json_t *ports)
{
	size_t n = 0;
	const char *key;
	json_t *binds;
	json_object_foreach(ports, key, binds)
		n += json_array_size(binds);
	if (n && !(x->ports = calloc(n, sizeof *x->ports)))
		return -ENOMEM;
	bool oom = false;
	json_object_foreach(ports, key, binds) {
		size_t numlen = strcspn(key, "/");
		const char *proto = key[numlen] == '/' ? key + numlen + 1 : "tcp";
		int cport = port_number(key, numlen);
		if (!cport || !*proto || strlen(proto) >= sizeof x->ports[0].proto)
			continue;
		size_t i;
		json_t *b;
		json_array_foreach(binds, i, b) {
			const char *hp = jstr(b, "HostPort");
			int hport = port_number(hp, strlen(hp));
			if (!hport)
				continue;
			const char *ip = jstr(b, "HostIp");
			port_info *pi = &x->ports[x->ports_len++];
			pi->container_port = cport;
			pi->host_port = hport;
			snprintf(pi->proto, sizeof pi->proto, "%s", proto);
			pi->host_ip = dup_or(*ip ? ip : "0.0.0.0", &oom);
		}
	}
	if (oom)
		return -ENOMEM;
	if (x->ports_len > 1)
		qsort(x->ports, x->ports_len, sizeof *x->ports, port_info_cmp);
	return 0;
}

static int info_from_json(berth_container_info **out, json_t *j, const char *raw, berth_error *err)
{
	berth_container_info *x = calloc(1, sizeof *x);
	if (!x)
		return BERTH_NOMEM(err);
	bool oom = false;
	json_t *state = json_object_get(j, "State");
	json_t *config = json_object_get(j, "Config");
	const char *name = jstr(j, "Name");
	x->id = dup_or(jstr(j, "Id"), &oom);
	x->name = dup_or(name[0] == '/' ? name + 1 : name, &oom);
	x->image = dup_or(jstr(config, "Image"), &oom);
	x->image_id = dup_or(jstr(j, "Image"), &oom);
	x->error = dup_or(jstr(state, "Error"), &oom);
	x->created = dup_time(jstr(j, "Created"), &oom);
	x->started_at = dup_time(jstr(state, "StartedAt"), &oom);
	x->finished_at = dup_time(jstr(state, "FinishedAt"), &oom);
	x->raw = dup_or(raw, &oom);
	x->state = state_from_string(jstr(state, "Status"));
	x->running = jbool(state, "Running");
	x->oom_killed = jbool(state, "OOMKilled");
	x->exit_code = (int)jint(state, "ExitCode");
	x->pid = jint(state, "Pid");
	x->restart_count = jint(j, "RestartCount");
	x->tty = jbool(config, "Tty");
	x->stdin_open = jbool(config, "OpenStdin");
	const char *path = jstr(j, "Path");
	if (*path && strv_push(&x->cmd, path) < 0)
		oom = true;
	if (strv_from_json(&x->cmd, json_object_get(j, "Args")) < 0 ||
	    strv_from_json(&x->env, json_object_get(config, "Env")) < 0 ||
	    labels_from_json(&x->label_keys, &x->label_values, json_object_get(config, "Labels")) < 0)
		oom = true;
	json_t *net = json_object_get(j, "NetworkSettings");
	if (health_from_json(x, state, config) < 0 ||
	    mounts_from_json(x, json_object_get(j, "Mounts"),
			     json_object_get(json_object_get(j, "HostConfig"), "Tmpfs")) < 0 ||
	    networks_from_json(x, json_object_get(net, "Networks")) < 0 ||
	    ports_from_json(x, json_object_get(net, "Ports")) < 0)
		oom = true;
	if (oom) {
		berth_container_info_free(x);
		return BERTH_NOMEM(err);
	}
	if (!x->id[0]) {
		berth_container_info_free(x);
		return berth_fail(err, BERTH_EPROTOCOL, "inspect: reply has no Id");
	}
	*out = x;
	return 0;
}

int engineapi_parse_inspect(berth_container_info **out, const char *body, size_t len, const char *what, berth_error *err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load(&j, body, len, what, err);
	if (r < 0)
		return r;
	if (!json_is_object(j))
		return berth_fail(err, BERTH_EPROTOCOL, "%s: reply is not a JSON object", what);
	bool oom = false;
	_cleanup_free_ char *raw = dup_body(body, len, &oom);
	if (oom)
		return BERTH_NOMEM(err);
	return info_from_json(out, j, raw, err);
}

int engineapi_parse_libpod_health(berth_container_list *l, const char *body, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load(&j, body, len, "list containers (libpod)", err);
	if (r < 0)
		return r;
	if (!json_is_array(j))
		return berth_fail(err, BERTH_EPROTOCOL, "list containers (libpod): reply is not a JSON array");
	size_t i;
	json_t *o;
	json_array_foreach(j, i, o) {
		const char *id = jstr(o, "Id"), *word = jstr(o, "Status");
		berth_health h = health_from_string(word);
		if (!id || h == BERTH_HEALTH_NONE)
			continue;
		for (size_t k = 0; k < l->len; k++) {
			berth_container_entry *e = &l->items[k];
			if (!e->id || !STREQ(e->id, id) || e->state != BERTH_STATE_RUNNING || e->health)
				continue;
			e->health = h;
			_cleanup_sbuf_ sbuf b = SBUF_INIT;
			if (sbuf_printf(&b, "%s%s", strempty(e->status), health_status_suffix(h)) < 0)
				return BERTH_NOMEM(err);
			free(e->status);
			e->status = sbuf_steal(&b);
			if (!e->status)
				return BERTH_NOMEM(err);
		}
	}
	return 0;
}

int engineapi_parse_create(char **out_id, const char *body, size_t len, const char *what, berth_error *err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load(&j, body, len, what, err);
	if (r < 0)
		return r;
	const char *id = jstr(j, "Id");
	if (!*id)
		return berth_fail(err, BERTH_EPROTOCOL, "%s: reply has no Id", what);
	char *copy = strdup(id);
	if (!copy)
		return BERTH_NOMEM(err);
	*out_id = copy;
	return 0;
}

int engineapi_parse_stop_timeout(const char *body, size_t len, const char *what, berth_error *err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load(&j, body, len, what, err);
	if (r < 0)
		return r;
	json_t *t = json_object_get(json_object_get(j, "Config"), "StopTimeout");
	return json_is_integer(t) && json_integer_value(t) >= 0 && json_integer_value(t) < 1000000
		       ? (int)json_integer_value(t) : 10;
}

int engineapi_parse_exec_inspect(bool *running, int *exit_code, const char *body, size_t len, const char *what,
				 berth_error *err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load(&j, body, len, what, err);
	if (r < 0)
		return r;
	json_t *run = json_object_get(j, "Running");
	if (!json_is_boolean(run))
		return berth_fail(err, BERTH_EPROTOCOL, "%s: reply has no Running", what);
	json_t *code = json_object_get(j, "ExitCode");
	*running = json_is_true(run);
	*exit_code = json_is_integer(code) && json_integer_value(code) >= INT32_MIN && json_integer_value(code) <= INT32_MAX
			     ? (int)json_integer_value(code) : -1;
	return 0;
}

int engineapi_status_code(int status)
{
	switch (status) {
	case 304: return BERTH_EALREADY;
	case 400: return BERTH_EINVAL;
	case 401:
	case 403: return BERTH_EPERM;
	case 404: return BERTH_ENOTFOUND;
	case 409: return BERTH_ECONFLICT;
	case 501: return BERTH_EUNSUPPORTED;
	case 503: return BERTH_EUNAVAILABLE;
	default: return status >= 500 ? BERTH_EENGINE : BERTH_EPROTOCOL;
	}
}

void engineapi_error_message(char *buf, size_t size, int status, const char *body, size_t len)
{
	engineapi_json_init();
	buf[0] = '\0';
	json_t *j = json_loadb(body ? body : "", len, JSON_DECODE_ANY, NULL);
	const char *m = json_is_object(j) ? json_string_value(json_object_get(j, "message")) : NULL;
	if (m) {
		snprintf(buf, size, "%s", m);
	} else if (len && body) {
		size_t n = 0;
		while (n < len && body[n] != '\r' && body[n] != '\n' && body[n] != '\0')
			n++;
		snprintf(buf, size, "%.*s", (int)n, body);
	}
	json_decref(j);
	if (!buf[0])
		snprintf(buf, size, "HTTP %d", status);
}

/* ---- operations (wait, prune, update warnings) ------------------------------- */

int engineapi_parse_wait(int *exit_code, char *error, size_t error_size, const char *body, size_t len,
			 const char *what, berth_error *err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load(&j, body, len, what, err);
	if (r < 0)
		return r;
	json_t *code = json_object_get(j, "StatusCode");
	if (!json_is_integer(code) || json_integer_value(code) < INT32_MIN || json_integer_value(code) > INT32_MAX)
		return berth_fail(err, BERTH_EPROTOCOL, "%s: reply has no StatusCode", what);
	*exit_code = (int)json_integer_value(code);
	snprintf(error, error_size, "%s", jstr(json_object_get(j, "Error"), "Message"));
	return 0;
}

int engineapi_parse_prune(berth_prune_result **out, const char *body, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load(&j, body, len, "prune containers", err);
	if (r < 0)
		return r;
	json_t *ids = json_object_get(j, "ContainersDeleted");
	if (!json_is_object(j) || (ids && !json_is_array(ids) && !json_is_null(ids)))
		return berth_fail(err, BERTH_EPROTOCOL, "prune containers: unexpected reply shape");
	berth_prune_result *p = calloc(1, sizeof *p);
	if (!p || strv_from_json(&p->ids, ids) < 0) {
		berth_prune_result_free(p);
		return BERTH_NOMEM(err);
	}
	int64_t space = jint(j, "SpaceReclaimed");
	p->space_reclaimed = space > 0 ? (uint64_t)space : 0;
	*out = p;
	return 0;
}

int engineapi_parse_image_prune(berth_prune_result **out, const char *body, size_t len, bool libpod,
				berth_error *err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load(&j, body, len, "prune images", err);
	if (r < 0)
		return r;
	json_t *list = libpod ? j : json_object_get(j, "ImagesDeleted");
	if ((!libpod && !json_is_object(j)) || (list && !json_is_array(list) && !json_is_null(list)))
		return berth_fail(err, BERTH_EPROTOCOL, "prune images: unexpected reply shape");
	berth_prune_result *p = calloc(1, sizeof *p);
	if (!p)
		return BERTH_NOMEM(err);
	int64_t space = libpod ? 0 : jint(j, "SpaceReclaimed");
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		const char *id = libpod ? jstr(o, "Id") : jstr(o, "Deleted");
		if (!id || (libpod && !isempty(jstr(o, "Err"))))
			continue;
		if (strv_push(&p->ids, id) < 0) {
			berth_prune_result_free(p);
			return BERTH_NOMEM(err);
		}
		int64_t size = libpod ? jint(o, "Size") : 0;
		if (size > 0 && space <= INT64_MAX - size)
			space += size;
	}
	p->space_reclaimed = space > 0 ? (uint64_t)space : 0;
	*out = p;
	return 0;
}

int engineapi_parse_warnings(strv *out, const char *body, size_t len)
{
	json_t *j = json_loadb(body ? body : "", len, 0, NULL);
	int r = strv_from_json(out, json_object_get(j, "Warnings"));
	json_decref(j);
	return r;
}

