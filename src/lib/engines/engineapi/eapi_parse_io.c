/* Engine API stats, top, changes and path-stat replies -> berth models.
 * Pure functions over byte buffers. */
#include "eapi_parse_io.h"
#include "eapi_parse.h"
#include "lib/kit/stream.h"
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

static json_t *jobj(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_object(v) ? v : NULL;
}

/* ---- stats ----------------------------------------------------------------------- */

static unsigned online_cpus(json_t *cpu)
{
	uint64_t n = ju64(cpu, "online_cpus");
	if (n == 0)
		n = json_array_size(json_object_get(jobj(cpu, "cpu_usage"), "percpu_usage"));
	return n > 65536 ? 65536 : (unsigned)n;
}

/* docker's usage without page cache: cgroup v1 total_inactive_file, v2
 * inactive_file, older kernels' cache; each only when below the usage. */
static uint64_t memory_no_cache(json_t *mem)
{
	uint64_t usage = ju64(mem, "usage");
	json_t *st = jobj(mem, "stats");
	static const char *const keys[] = { "total_inactive_file", "inactive_file", "cache" };
	for (size_t i = 0; st && i < ARRAY_SIZE(keys); i++) {
		json_t *v = json_object_get(st, keys[i]);
		if (!v)
			continue;
		uint64_t cache = ju64(st, keys[i]);
		return cache < usage ? usage - cache : usage;
	}
	return usage;
}

static void blkio(berth_stats *s, json_t *blk)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(blk, "io_service_bytes_recursive"), i, e) {
		const char *op = json_string_value(json_object_get(e, "op"));
		uint64_t v = ju64(e, "value");
		if (!op)
			continue;
		if (op[0] == 'r' || op[0] == 'R')
			s->blk_read += v;
		else if (op[0] == 'w' || op[0] == 'W')
			s->blk_write += v;
	}
}

static void networks(berth_stats *s, json_t *nets)
{
	const char *k;
	json_t *n;
	json_object_foreach(nets, k, n) {
		s->net_rx += ju64(n, "rx_bytes");
		s->net_tx += ju64(n, "tx_bytes");
	}
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
	_cleanup_json_ json_t *j = NULL;
	int r = load_any(&j, body, len, "stats", err);
	if (r < 0)
		return r;
	if (!json_is_object(j))
		return berth_fail(err, BERTH_EPROTOCOL, "stats: reply is not a JSON object");
	berth_stats *s = calloc(1, sizeof *s);
	if (!s)
		return BERTH_NOMEM(err);
	const char *read = json_string_value(json_object_get(j, "read"));
	int64_t ns = 0;
	s->running = read && !startswith(read, "0001-01-01");
	if (s->running && parse_rfc3339_ns(read, strlen(read), &ns) > 0 && ns > 0)
		s->time_ns = ns;
	const char *id = json_string_value(json_object_get(j, "id"));
	if (!id)
		id = json_string_value(json_object_get(j, "Id"));
	const char *name = json_string_value(json_object_get(j, "name"));
	if (name && name[0] == '/')
		name++;
	json_t *cpu = jobj(j, "cpu_stats"), *pre = jobj(j, "precpu_stats");
	s->cpu_total = ju64(jobj(cpu, "cpu_usage"), "total_usage");
	s->system_total = ju64(cpu, "system_cpu_usage");
	s->pre_cpu_total = ju64(jobj(pre, "cpu_usage"), "total_usage");
	s->pre_system_total = ju64(pre, "system_cpu_usage");
	s->online_cpus = online_cpus(cpu);
	if (stats_has_pre(s))
		s->cpu_percent = stats_cpu_percent(s->cpu_total, s->pre_cpu_total, s->system_total,
						   s->pre_system_total, s->online_cpus);
	json_t *mem = jobj(j, "memory_stats");
	s->mem_usage = memory_no_cache(mem);
	s->mem_limit = ju64(mem, "limit");
	if (s->mem_limit > 0)
		s->mem_percent = (double)s->mem_usage / (double)s->mem_limit * 100.0;
	networks(s, jobj(j, "networks"));
	blkio(s, jobj(j, "blkio_stats"));
	s->pids = ju64(jobj(j, "pids_stats"), "current");
	s->id = strdup(id ? id : "");
	s->name = strdup(name ? name : "");
	s->raw = dup_text(body, len);
	if (!s->id || !s->name || !s->raw) {
		berth_stats_free(s);
		return BERTH_NOMEM(err);
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
