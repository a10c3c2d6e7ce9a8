/* Engine API stats, top, changes and path-stat replies -> berth models.
 * Pure functions over byte buffers. */
#include "eapi_parse_io.h"
#include "eapi_parse.h"
#include "lib/kit/stream.h"
#include "lib/parse/jstream.h"
#include "lib/parse/rfc3339.h"
#include "util/base64.h"

#include <jansson.h>
#include <stdio.h>
#include <sys/stat.h>

static int load_any(json_t **out, const char *body, size_t len, const char *what, berth_error *err)
{
	engineapi_json_init();
	json_error_t jerr;
	json_t *j = json_loadb(body ? body : "", len, JSON_DECODE_ANY, &jerr);
	if (!j)
		return berth_fail(err, BERTH_EPROTOCOL, "%s: reply is not JSON (%s at byte %d)", what, jerr.text,
				  jerr.position);
	*out = j;
	return 0;
}

/* A counter: negative or non-numbers are 0, reals are clamped. */
static uint64_t ju64(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_integer(v))
		return json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
	if (json_is_real(v)) {
		double d = json_real_value(v);
		if (!(d > 0))
			return 0;
		return d >= 18446744073709551616.0 ? UINT64_MAX : (uint64_t)d;
	}
	return 0;
}

/* ---- stats, mapped as it is read (parse/jstream.h) ------------------------------- */

/* What berth reads of a sample, by path (members of other shapes read as
 * absent, as with the tree before):
 *   read id|Id name
 *   cpu_stats.{system_cpu_usage online_cpus cpu_usage.{total_usage percpu_usage[]}}
 *   precpu_stats.{system_cpu_usage cpu_usage.total_usage}
 *   memory_stats.{usage limit stats.{total_inactive_file inactive_file cache}}
 *   networks.NAME.{rx_bytes tx_bytes} (summed)
 *   blkio_stats.io_service_bytes_recursive[{op value}] (read and write summed)
 *   pids_stats.current */
#define STATS_LEVELS 6

typedef struct stats_map {
	berth_stats *s;
	char key[STATS_LEVELS][32];   /* the member name at each level ("" = an array item, or a
				       * name longer than any berth reads) */
	bool arr[STATS_LEVELS];       /* the container whose members are at this level is an array */
	char *read, *id, *id2, *name;
	uint64_t online, percpu;
	uint64_t usage, cache[3];
	bool has_cache[3];
	char op;                      /* the blkio item being read */
	uint64_t op_value;
} stats_map;

/* A counter from a number's text: negative or not a number is 0, big is clamped. */
static uint64_t counter(js_kind kind, const char *s, size_t len)
{
	if (kind != JS_NUMBER || (len && s[0] == '-'))
		return 0;
	bool integer = !memchr(s, '.', len) && !memchr(s, 'e', len) && !memchr(s, 'E', len);
	if (integer) {
		uint64_t v = 0;
		for (size_t i = 0; i < len; i++) {
			unsigned d = (unsigned)(s[i] - '0');
			if (v > (UINT64_MAX - d) / 10)
				return UINT64_MAX;
			v = v * 10 + d;
		}
		return v;
	}
	char buf[64];
	if (len >= sizeof buf)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	double d = strtod(buf, NULL);
	if (!(d > 0))
		return 0;
	return d >= 18446744073709551616.0 ? UINT64_MAX : (uint64_t)d;
}

/* The members' names from level 1 to `level` are these (NULL ends). */
static bool at_path(const stats_map *m, unsigned level, const char *const *names)
{
	unsigned n = 0;
	while (names[n])
		n++;
	if (n != level)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (m->arr[i + 1] || !STREQ(m->key[i + 1], names[i]))
			return false;
	return true;
}

#define PATH(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int set_text(char **slot, js_kind kind, const char *s, size_t len)
{
	free(*slot);
	*slot = NULL;
	if (kind != JS_STRING)
		return 0;
	*slot = strndup(s, len);
	return *slot ? 0 : -ENOMEM;
}

static int stats_value(stats_map *m, unsigned level, js_kind kind, const char *s, size_t len)
{
	berth_stats *st = m->s;
	uint64_t v = counter(kind, s, len);
	switch (level) {
	case 1:
		if (at_path(m, 1, PATH("read"))) return set_text(&m->read, kind, s, len);
		if (at_path(m, 1, PATH("id"))) return set_text(&m->id, kind, s, len);
		if (at_path(m, 1, PATH("Id"))) return set_text(&m->id2, kind, s, len);
		if (at_path(m, 1, PATH("name"))) return set_text(&m->name, kind, s, len);
		return 0;
	case 2:
		if (at_path(m, 2, PATH("cpu_stats", "system_cpu_usage"))) st->system_total = v;
		else if (at_path(m, 2, PATH("cpu_stats", "online_cpus"))) m->online = v;
		else if (at_path(m, 2, PATH("precpu_stats", "system_cpu_usage"))) st->pre_system_total = v;
		else if (at_path(m, 2, PATH("memory_stats", "usage"))) m->usage = v;
		else if (at_path(m, 2, PATH("memory_stats", "limit"))) st->mem_limit = v;
		else if (at_path(m, 2, PATH("pids_stats", "current"))) st->pids = v;
		return 0;
	case 3: {
		static const char *const cache_keys[] = { "total_inactive_file", "inactive_file", "cache" };
		if (at_path(m, 3, PATH("cpu_stats", "cpu_usage", "total_usage"))) st->cpu_total = v;
		else if (at_path(m, 3, PATH("cpu_stats", "cpu_usage", "percpu_usage"))) m->percpu = 0;
		else if (at_path(m, 3, PATH("precpu_stats", "cpu_usage", "total_usage"))) st->pre_cpu_total = v;
		else if (!m->arr[1] && !m->arr[2] && !m->arr[3] && STREQ(m->key[1], "networks")) {
			if (STREQ(m->key[3], "rx_bytes"))
				st->net_rx += v;
			else if (STREQ(m->key[3], "tx_bytes"))
				st->net_tx += v;
		} else {
			for (size_t i = 0; i < ARRAY_SIZE(cache_keys); i++)
				if (at_path(m, 3, ((const char *const[]){ "memory_stats", "stats", cache_keys[i], NULL }))) {
					m->has_cache[i] = true;
					m->cache[i] = v;
				}
		}
		return 0;
	}
	case 4:
		/* an item of percpu_usage, or a member of a blkio item */
		if (m->arr[4] && !m->arr[1] && !m->arr[2] && !m->arr[3] && STREQ(m->key[1], "cpu_stats") &&
		    STREQ(m->key[2], "cpu_usage") && STREQ(m->key[3], "percpu_usage"))
			m->percpu++;
		else if (!m->arr[4] && m->arr[3] && !m->arr[1] && !m->arr[2] && STREQ(m->key[1], "blkio_stats") &&
			 STREQ(m->key[2], "io_service_bytes_recursive")) {
			if (STREQ(m->key[4], "op"))
				m->op = kind == JS_STRING && len ? s[0] : 0;
			else if (STREQ(m->key[4], "value"))
				m->op_value = v;
		}
		return 0;
	}
	return 0;
}

static int stats_event(void *ctx, js_kind kind, const char *s, size_t len, unsigned level, berth_error *err)
{
	stats_map *m = ctx;
	if (level == 0) {
		if (kind != JS_START_MAP && kind != JS_END_MAP)
			return berth_fail(err, BERTH_EPROTOCOL, "stats: reply is not a JSON object");
		m->arr[1] = false;
		m->key[1][0] = '\0';
		return 0;
	}
	if (level >= STATS_LEVELS)
		return 0;
	int r = 0;
	switch (kind) {
	case JS_KEY:
		js_key_copy(m->key[level], sizeof m->key[level], s, len);
		break;
	case JS_START_MAP:
	case JS_START_ARRAY:
		r = stats_value(m, level, kind, NULL, 0);
		if (level + 1 < STATS_LEVELS) {
			m->arr[level + 1] = kind == JS_START_ARRAY;
			m->key[level + 1][0] = '\0';
		}
		/* a blkio item starts */
		if (level == 3 && kind == JS_START_MAP && m->arr[3] && !m->arr[2] && !m->arr[1] &&
		    STREQ(m->key[1], "blkio_stats") && STREQ(m->key[2], "io_service_bytes_recursive")) {
			m->op = 0;
			m->op_value = 0;
		}
		break;
	case JS_END_MAP:
		/* a blkio item ends: its bytes go to read or write */
		if (level == 3 && m->arr[3] && !m->arr[2] && !m->arr[1] && STREQ(m->key[1], "blkio_stats") &&
		    STREQ(m->key[2], "io_service_bytes_recursive")) {
			if (m->op == 'r' || m->op == 'R')
				m->s->blk_read += m->op_value;
			else if (m->op == 'w' || m->op == 'W')
				m->s->blk_write += m->op_value;
		}
		break;
	case JS_END_ARRAY:
		break;
	default:
		r = stats_value(m, level, kind, s, len);
		break;
	}
	return r < 0 ? BERTH_NOMEM(err) : 0;
}

static char *dup_text(const char *t, size_t len)
{
	char *p = malloc(len + 1);
	if (p) {
		memcpy(p, t, len);
		p[len] = '\0';
	}
	return p;
}

int engineapi_parse_stats(berth_stats **out, const char *body, size_t len, berth_error *err)
{
	stats_map m = { 0 };
	m.s = calloc(1, sizeof *m.s);
	if (!m.s)
		return BERTH_NOMEM(err);
	int r = js_parse(stats_event, &m, "stats", body, len, err);
	berth_stats *s = m.s;
	if (r == 0) {
		int64_t ns = 0;
		s->running = m.read && !startswith(m.read, "0001-01-01");
		if (s->running && parse_rfc3339_ns(m.read, strlen(m.read), &ns) > 0 && ns > 0)
			s->time_ns = ns;
		uint64_t n = m.online ? m.online : m.percpu;
		s->online_cpus = n > 65536 ? 65536 : (unsigned)n;
		if (stats_has_pre(s))
			s->cpu_percent = stats_cpu_percent(s->cpu_total, s->pre_cpu_total, s->system_total,
							   s->pre_system_total, s->online_cpus);
		/* docker's usage without page cache: cgroup v1 total_inactive_file,
		 * v2 inactive_file, older kernels' cache; each only when below the usage */
		s->mem_usage = m.usage;
		for (size_t i = 0; i < ARRAY_SIZE(m.cache); i++)
			if (m.has_cache[i]) {
				s->mem_usage = m.cache[i] < m.usage ? m.usage - m.cache[i] : m.usage;
				break;
			}
		if (s->mem_limit > 0)
			s->mem_percent = (double)s->mem_usage / (double)s->mem_limit * 100.0;
		const char *id = m.id ? m.id : m.id2;
		const char *name = m.name && m.name[0] == '/' ? m.name + 1 : m.name;
		s->id = strdup(id ? id : "");
		s->name = strdup(name ? name : "");
		s->raw = dup_text(body ? body : "", len);
		if (!s->id || !s->name || !s->raw)
			r = BERTH_NOMEM(err);
	}
	free(m.read);
	free(m.id);
	free(m.id2);
	free(m.name);
	if (r < 0) {
		berth_stats_free(s);
		return r;
	}
	*out = s;
	return 0;
}

/* ---- top --------------------------------------------------------------------------- */

/* Cut text at runs of blanks into at most max fields (the last keeps the
 * rest of the line). */
static int split_fields(strv *out, const char *text, size_t max)
{
	const char *p = text;
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p) {
		size_t n = out->len + 1 == max ? strlen(p) : strcspn(p, " \t");
		_cleanup_free_ char *f = strndup(p, n);
		if (!f || strv_push_take(out, TAKE_PTR(f)) < 0)
			return -ENOMEM;
		p += n;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	return 0;
}

static int top_row(berth_top *t, json_t *row, bool split, size_t at)
{
	_cleanup_strv_ strv cells = STRV_INIT;
	size_t i;
	json_t *v;
	if (split) {
		if (split_fields(&cells, strempty(json_string_value(json_array_get(row, 0))), t->titles.len) < 0)
			return -ENOMEM;
	} else {
		json_array_foreach(row, i, v) {
			if (cells.len < t->titles.len && strv_push(&cells, strempty(json_string_value(v))) < 0)
				return -ENOMEM;
		}
	}
	for (i = 0; i < t->titles.len; i++) {
		t->cells[at * t->titles.len + i] = strdup(i < cells.len ? cells.items[i] : "");
		if (!t->cells[at * t->titles.len + i])
			return -ENOMEM;
	}
	return 0;
}

int engineapi_parse_top(berth_top **out, const char *body, size_t len, bool split_text, berth_error *err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load_any(&j, body, len, "top", err);
	if (r < 0)
		return r;
	json_t *titles = json_object_get(j, "Titles"), *procs = json_object_get(j, "Processes");
	if (!json_is_array(titles) || !(json_is_array(procs) || json_is_null(procs) || !procs))
		return berth_fail(err, BERTH_EPROTOCOL, "top: reply has no Titles and Processes");
	berth_top *t = calloc(1, sizeof *t);
	if (!t)
		return BERTH_NOMEM(err);
	/* Text passed through: one title with blanks, rows of one cell. */
	bool split = split_text && json_array_size(titles) == 1 &&
		     strpbrk(strempty(json_string_value(json_array_get(titles, 0))), " \t");
	size_t i;
	json_t *v;
	json_array_foreach(procs, i, v) {
		if (!json_is_array(v) || (split && json_array_size(v) != 1))
			split = false;
	}
	r = 0;
	if (split)
		r = split_fields(&t->titles, strempty(json_string_value(json_array_get(titles, 0))), SIZE_MAX);
	else
		json_array_foreach(titles, i, v) {
			if (r == 0)
				r = strv_push(&t->titles, strempty(json_string_value(v)));
		}
	size_t rows = json_array_size(procs);
	if (r == 0 && t->titles.len > 0 && rows > 0) {
		t->cells = calloc(rows * t->titles.len, sizeof(char *));
		if (!t->cells)
			r = -ENOMEM;
		for (i = 0; r == 0 && i < rows; i++) {
			t->rows = i + 1;
			r = top_row(t, json_array_get(procs, i), split, i);
		}
	}
	if (r < 0) {
		berth_top_free(t);
		return BERTH_NOMEM(err);
	}
	*out = t;
	return 0;
}

/* ---- changes ----------------------------------------------------------------------- */

int engineapi_parse_changes(berth_changes **out, const char *body, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load_any(&j, body, len, "diff", err);
	if (r < 0)
		return r;
	if (!json_is_array(j) && !json_is_null(j))
		return berth_fail(err, BERTH_EPROTOCOL, "diff: reply is not a JSON array");
	size_t n = json_array_size(j);
	_cleanup_free_ change_item *list = calloc(n ? n : 1, sizeof *list);
	if (!list)
		return BERTH_NOMEM(err);
	size_t i, k = 0;
	json_t *v;
	json_array_foreach(j, i, v) {
		const char *p = json_string_value(json_object_get(v, "Path"));
		json_t *kind = json_object_get(v, "Kind");
		if (!p || !json_is_integer(kind) || json_integer_value(kind) < 0 || json_integer_value(kind) > 2)
			return berth_fail(err, BERTH_EPROTOCOL, "diff: change %zu has no Path or a Kind other than 0-2", i);
		list[k++] = (change_item){ p, (berth_change_kind)json_integer_value(kind) };
	}
	berth_changes *ch = changes_new(list, k);
	if (!ch)
		return BERTH_NOMEM(err);
	*out = ch;
	return 0;
}

/* ---- path stat ---------------------------------------------------------------------- */

uint32_t engineapi_go_mode(uint64_t m)
{
	enum {
		GO_DIR = 1u << 31, GO_SYMLINK = 1u << 27, GO_DEVICE = 1u << 26, GO_PIPE = 1u << 25,
		GO_SOCKET = 1u << 24, GO_SETUID = 1u << 23, GO_SETGID = 1u << 22, GO_CHARDEV = 1u << 21,
		GO_STICKY = 1u << 20,
	};
	uint32_t mode = (uint32_t)(m & 0777);
	if (m & GO_DIR)
		mode |= S_IFDIR;
	else if (m & GO_SYMLINK)
		mode |= S_IFLNK;
	else if (m & GO_DEVICE)
		mode |= (m & GO_CHARDEV) ? S_IFCHR : S_IFBLK;
	else if (m & GO_PIPE)
		mode |= S_IFIFO;
	else if (m & GO_SOCKET)
		mode |= S_IFSOCK;
	else
		mode |= S_IFREG;
	if (m & GO_SETUID)
		mode |= S_ISUID;
	if (m & GO_SETGID)
		mode |= S_ISGID;
	if (m & GO_STICKY)
		mode |= S_ISVTX;
	return mode;
}

int engineapi_parse_path_stat(berth_path_info **out, const char *header, berth_error *err)
{
	if (isempty(header))
		return berth_fail(err, BERTH_EPROTOCOL, "stat: the reply has no X-Docker-Container-Path-Stat header");
	size_t hlen = strlen(header);
	_cleanup_free_ char *text = malloc(hlen + 1);
	if (!text)
		return BERTH_NOMEM(err);
	ssize_t n = base64_decode(text, header, hlen);
	if (n < 0)
		return berth_fail(err, BERTH_EPROTOCOL, "stat: X-Docker-Container-Path-Stat is not base64");
	_cleanup_json_ json_t *j = NULL;
	int r = load_any(&j, text, (size_t)n, "stat", err);
	if (r < 0)
		return r;
	if (!json_is_object(j))
		return berth_fail(err, BERTH_EPROTOCOL, "stat: X-Docker-Container-Path-Stat is not a JSON object");
	json_t *size = json_object_get(j, "size");
	uint32_t mode = engineapi_go_mode(ju64(j, "mode"));
	const char *mtime = json_string_value(json_object_get(j, "mtime"));
	int64_t ns = 0;
	if (!mtime || startswith(mtime, "0001-01-01") || parse_rfc3339_ns(mtime, strlen(mtime), &ns) <= 0)
		ns = 0;
	/* Podman names the resolved path of any path here: kept for links only. */
	berth_path_info *p = path_info_new(json_string_value(json_object_get(j, "name")),
					   json_is_integer(size) ? (int64_t)json_integer_value(size) : 0, mode, ns,
					   json_string_value(json_object_get(j, "linkTarget")));
	if (!p)
		return BERTH_NOMEM(err);
	*out = p;
	return 0;
}

/* ---- the id of a new image (commit, import) ---------------------------------- */

/* "sha256:<64 hex>", or the 64 hex digits alone (Podman's commit) */
static const char *image_id_hex(const char *s)
{
	if (s && startswith(s, "sha256:"))
		s += 7;
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64 ? s : NULL;
}

int engineapi_parse_new_image_id(char **out, const char *body, size_t len, const char *what, berth_error *err)
{
	_cleanup_free_ char *id = NULL;
	size_t pos = 0;
	body = body ? body : "";
	while (pos < len) {
		const char *nl = memchr(body + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - body) : len;
		size_t start = pos;
		pos = end + 1;
		if (end == start || (end - start == 1 && body[start] == '\r'))
			continue;
		json_t *o = NULL;
		int r = load_any(&o, body + start, end - start, what, err);
		if (r < 0)
			return r;
		if (!json_is_object(o)) {
			json_decref(o);
			return berth_fail(err, BERTH_EPROTOCOL, "%s: reply line is not an object", what);
		}
		const char *detail = json_string_value(json_object_get(json_object_get(o, "errorDetail"), "message"));
		const char *e = json_string_value(json_object_get(o, "error"));
		if (detail || e) {
			r = berth_fail(err, BERTH_EENGINE, "%s: %s", what, detail ? detail : e);
			json_decref(o);
			return r;
		}
		/* commit: {"Id": ...}; import: {"status": ...} (Podman adds "id") */
		const char *v = image_id_hex(json_string_value(json_object_get(o, "Id")));
		if (!v)
			v = image_id_hex(json_string_value(json_object_get(o, "status")));
		if (v) {
			free(id);
			if (asprintf(&id, "sha256:%s", v) < 0)
				id = NULL;
			if (!id) {
				json_decref(o);
				return BERTH_NOMEM(err);
			}
		}
		json_decref(o);
	}
	if (!id)
		return berth_fail(err, BERTH_EPROTOCOL, "%s: the reply names no image id", what);
	*out = TAKE_PTR(id);
	return 0;
}
