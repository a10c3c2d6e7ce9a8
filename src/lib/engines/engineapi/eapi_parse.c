/* Engine API replies -> berth models. Pure functions over byte buffers. */
#include "eapi_parse.h"

#include "lib/parse/jstream.h"
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


/* strdup that records a failure instead of returning NULL to the caller. */
static char *dup_or(const char *s, bool *oom)
{
	char *p = strdup(s ? s : "");
	if (!p)
		*oom = true;
	return p;
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

/* Podman's libpod list, read as it comes: per entry its Id and Status
 * (the health word), applied to the matching running entry of l at the
 * entry's end. */
typedef struct libpod_health_map {
	berth_container_list *l;
	bool in_entry;
	int key;              /* 1 Id, 2 Status, 0 other */
	char id[80];
	bool id_set;
	berth_health h;
} libpod_health_map;

static int apply_health(berth_container_list *l, const char *id, berth_health h)
{
	for (size_t k = 0; k < l->len; k++) {
		berth_container_entry *e = &l->items[k];
		if (!e->id || !STREQ(e->id, id) || e->state != BERTH_STATE_RUNNING || e->health)
			continue;
		e->health = h;
		_cleanup_sbuf_ sbuf b = SBUF_INIT;
		if (sbuf_printf(&b, "%s%s", strempty(e->status), health_status_suffix(h)) < 0)
			return -ENOMEM;
		free(e->status);
		e->status = sbuf_steal(&b);
		if (!e->status)
			return -ENOMEM;
	}
	return 0;
}

static int libpod_health_event(void *ctx, js_kind kind, const char *s, size_t len, unsigned level, berth_error *err)
{
	libpod_health_map *m = ctx;
	if (level == 0) {
		if (kind != JS_START_ARRAY && kind != JS_END_ARRAY)
			return berth_fail(err, BERTH_EPROTOCOL, "list containers (libpod): reply is not a JSON array");
		return 0;
	}
	if (level == 1) {
		if (kind == JS_START_MAP) {
			m->in_entry = true;
			m->id_set = false;
			m->h = BERTH_HEALTH_NONE;
		} else if (kind == JS_END_MAP && m->in_entry) {
			m->in_entry = false;
			if (m->id_set && m->h != BERTH_HEALTH_NONE && apply_health(m->l, m->id, m->h) < 0)
				return BERTH_NOMEM(err);
		}
		return 0;
	}
	if (level != 2 || !m->in_entry)
		return 0;
	if (kind == JS_KEY) {
		m->key = len == 2 && memcmp(s, "Id", 2) == 0 ? 1 : len == 6 && memcmp(s, "Status", 6) == 0 ? 2 : 0;
		return 0;
	}
	if (kind != JS_STRING) {
		if (m->key == 1)
			m->id_set = false;
		else if (m->key == 2)
			m->h = BERTH_HEALTH_NONE;
		return 0;
	}
	char word[16] = "";
	if (m->key == 1) {
		m->id_set = len < sizeof m->id && !memchr(s, '\0', len);
		if (m->id_set) {
			memcpy(m->id, s, len);
			m->id[len] = '\0';
		}
	} else if (m->key == 2) {
		if (len < sizeof word)
			memcpy(word, s, len);
		m->h = health_from_string(word);
	}
	return 0;
}

int engineapi_parse_libpod_health(berth_container_list *l, const char *body, size_t len, berth_error *err)
{
	libpod_health_map m = { .l = l };
	return js_parse(libpod_health_event, &m, "list containers (libpod)", body, len, err);
}

struct eapi_health_reader {
	js_reader *js;
	libpod_health_map m;
};

int engineapi_health_reader_new(eapi_health_reader **out, berth_container_list *l)
{
	eapi_health_reader *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	p->m.l = l;
	if (js_reader_new(&p->js, libpod_health_event, &p->m, "list containers (libpod)") < 0) {
		free(p);
		return -ENOMEM;
	}
	*out = p;
	return 0;
}

int engineapi_health_reader_feed(eapi_health_reader *p, const char *data, size_t len, berth_error *err)
{
	return js_reader_feed(p->js, data, len, err);
}

int engineapi_health_reader_finish(eapi_health_reader *p, berth_error *err)
{
	return js_reader_finish(p->js, err);
}

void engineapi_health_reader_free(eapi_health_reader *p)
{
	if (p) {
		js_reader_free(p->js);
		free(p);
	}
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

