/* Image JSON parsers: see image_json.h. */
#include "image_json.h"
#include "json_util.h"
#include "rfc3339.h"
#include "jstream.h"

#include <stdio.h>


static json_t *load(const char *json, size_t len, const char *what, berth_error *err)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		berth_fail(err, BERTH_EPROTOCOL, "%s: malformed JSON: %s", what, je.text);
	return root;
}

static char *dup_str(json_t *v) { return strdup(json_is_string(v) ? json_string_value(v) : ""); }

static int labels_of(strv *keys, strv *values, json_t *o)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
		if (json_is_string(v) && labels_set(keys, values, k, json_string_value(v)) < 0)
			return -ENOMEM;
	return 0;
}

static int64_t int_of(json_t *v)
{
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

/* ---- Engine API list, mapped as it is read ------------------------------ */

/* [{"Id", "RepoTags": [..], "RepoDigests": [..], "Size", "Created",
 *   "Labels": {k: v}, ...}, ...]: events at level 1 are entries (a value
 * that is not an object is skipped), level 2 their members, level 3 the
 * items of the two arrays and the members of Labels. */
typedef enum { IF_OTHER, IF_ID, IF_TAGS, IF_DIGESTS, IF_SIZE, IF_CREATED, IF_LABELS } image_field;

struct image_list_reader {
	js_reader *js;
	berth_image_list *l;
	size_t cap;
	bool in_entry;       /* the current level-1 value is an object */
	image_field f;
	char *label_key;
};

static image_field image_field_of(const char *s, size_t n)
{
#define IS(word) (n == sizeof word - 1 && memcmp(s, word, n) == 0)
	return IS("Id") ? IF_ID : IS("RepoTags") ? IF_TAGS : IS("RepoDigests") ? IF_DIGESTS : IS("Size") ? IF_SIZE
	       : IS("Created") ? IF_CREATED : IS("Labels") ? IF_LABELS : IF_OTHER;
#undef IS
}

static int image_entry_begin(image_list_reader *p)
{
	berth_image_list *l = p->l;
	berth_image_entry *items = array_grow(l->items, &p->cap, l->len, sizeof *items, 16);
	if (!items)
		return -ENOMEM;
	l->items = items;
	memset(&l->items[l->len++], 0, sizeof l->items[0]); /* id NULL, vectors empty */
	p->f = IF_OTHER;
	return 0;
}

/* An integer member: only a JSON integer counts (a fraction reads as 0). */
static int64_t image_int(js_kind kind, const char *s, size_t len)
{
	if (kind != JS_NUMBER || memchr(s, '.', len) || memchr(s, 'e', len) || memchr(s, 'E', len))
		return 0;
	return js_int64(s, len);
}

static int image_event(void *ctx, js_kind kind, const char *s, size_t len, unsigned level, berth_error *err)
{
	image_list_reader *p = ctx;
	bool end = kind == JS_END_MAP || kind == JS_END_ARRAY;
	if (level == 0) {
		if (kind != JS_START_ARRAY && !end)
			return berth_fail(err, BERTH_EPROTOCOL, "image list: not an array");
		return 0;
	}
	if (level == 1) {
		if (kind == JS_START_MAP) {
			if (image_entry_begin(p) < 0)
				return BERTH_NOMEM(err);
			p->in_entry = true;
		} else if (kind == JS_END_MAP) {
			berth_image_entry *e = &p->l->items[p->l->len - 1];
			if (!e->id && !(e->id = strdup("")))
				return BERTH_NOMEM(err);
			p->in_entry = false;
		}
		return 0;
	}
	if (!p->in_entry || end)
		return 0;
	berth_image_entry *e = &p->l->items[p->l->len - 1];
	int r = 0;
	if (level == 2) {
		if (kind == JS_KEY) {
			p->f = image_field_of(s, len);
			return 0;
		}
		switch (p->f) {
		case IF_ID: {
			char *id = strndup(kind == JS_STRING ? s : "", kind == JS_STRING ? len : 0);
			if (!id)
				return BERTH_NOMEM(err);
			free(e->id);
			e->id = id;
			break;
		}
		case IF_SIZE: e->size = image_int(kind, s, len); break;
		case IF_CREATED: e->created = image_int(kind, s, len); break;
		case IF_TAGS: strv_release(&e->tags); break;       /* given twice: the last */
		case IF_DIGESTS: strv_release(&e->digests); break;
		case IF_LABELS:
			strv_release(&e->label_keys);
			strv_release(&e->label_values);
			break;
		case IF_OTHER: break;
		}
		return 0;
	}
	if (level != 3)
		return 0;
	if (p->f == IF_TAGS || p->f == IF_DIGESTS) {
		if (kind != JS_STRING)
			return 0;
		_cleanup_free_ char *v = strndup(s, len);
		if (!v)
			return BERTH_NOMEM(err);
		if (p->f == IF_TAGS && strstr(v, "<none>"))
			return 0;
		r = strv_push(p->f == IF_TAGS ? &e->tags : &e->digests, v);
	} else if (p->f == IF_LABELS) {
		if (kind == JS_KEY) {
			free(p->label_key);
			p->label_key = strndup(s, len);
			return p->label_key ? 0 : BERTH_NOMEM(err);
		}
		if (kind == JS_STRING && p->label_key) {
			_cleanup_free_ char *v = strndup(s, len);
			r = v ? labels_set(&e->label_keys, &e->label_values, p->label_key, v) : -ENOMEM;
		}
		free(p->label_key);
		p->label_key = NULL;
	}
	return r < 0 ? BERTH_NOMEM(err) : 0;
}

int image_list_reader_new(image_list_reader **out)
{
	image_list_reader *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	p->l = calloc(1, sizeof *p->l);
	if (!p->l || js_reader_new(&p->js, image_event, p, "image list") < 0) {
		free(p->l);
		free(p);
		return -ENOMEM;
	}
	*out = p;
	return 0;
}

int image_list_reader_feed(image_list_reader *p, const char *data, size_t len, berth_error *err)
{
	return js_reader_feed(p->js, data, len, err);
}

int image_list_reader_finish(image_list_reader *p, berth_image_list **out, berth_error *err)
{
	int r = js_reader_finish(p->js, err);
	if (r < 0)
		return r;
	*out = p->l;
	p->l = NULL;
	return 0;
}

void image_list_reader_free(image_list_reader *p)
{
	if (!p)
		return;
	js_reader_free(p->js);
	berth_image_list_free(p->l);
	free(p->label_key);
	free(p);
}

int image_list_parse(berth_image_list **out, const char *json, size_t len, berth_error *err)
{
	image_list_reader *p = NULL;
	if (image_list_reader_new(&p) < 0)
		return BERTH_NOMEM(err);
	int r = image_list_reader_feed(p, json ? json : "", len, err);
	if (r == 0)
		r = image_list_reader_finish(p, out, err);
	image_list_reader_free(p);
	return r;
}

/* ---- inspect / config --------------------------------------------------- */

int image_info_parse(berth_image_info **out, const char *json, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "image", err);
	if (!root)
		return BERTH_EPROTOCOL;
	if (json_is_array(root) && json_array_size(root) == 1) { /* Podman's libpod answers [..] */
		json_t *first = json_incref(json_array_get(root, 0));
		json_decref(root);
		root = first;
	}
	if (!json_is_object(root))
		return berth_fail(err, BERTH_EPROTOCOL, "image: not an object");
	berth_image_info *x = calloc(1, sizeof *x);
	if (!x)
		return BERTH_NOMEM(err);
	json_t *docker_cfg = json_object_get(root, "Config");
	json_t *cfg = docker_cfg ? docker_cfg : json_object_get(root, "config");
	json_t *a = json_object_get(root, "Architecture");
	json_t *os = json_object_get(root, "Os");
	json_t *created = json_object_get(root, "Created");
	x->id = dup_str(json_object_get(root, "Id"));
	x->architecture = dup_str(a ? a : json_object_get(root, "architecture"));
	x->os = dup_str(os ? os : json_object_get(root, "os"));
	x->created = dup_str(created ? created : json_object_get(root, "created"));
	x->user = dup_str(json_object_get(cfg, "User"));
	x->workdir = dup_str(json_object_get(cfg, "WorkingDir"));
	x->raw = strndup(json, len);
	int r = (!x->id || !x->architecture || !x->os || !x->created || !x->user || !x->workdir || !x->raw) ? -ENOMEM : 0;
	if (r == 0)
		r = json_strv_append(&x->tags, json_object_get(root, "RepoTags"));
	if (r == 0)
		r = json_strv_append(&x->digests, json_object_get(root, "RepoDigests"));
	if (r == 0)
		r = json_strv_append(&x->entrypoint, json_object_get(cfg, "Entrypoint"));
	if (r == 0)
		r = json_strv_append(&x->cmd, json_object_get(cfg, "Cmd"));
	if (r == 0)
		r = json_strv_append(&x->env, json_object_get(cfg, "Env"));
	if (r == 0)
		r = labels_of(&x->label_keys, &x->label_values, json_object_get(cfg, "Labels"));
	const char *port;
	json_t *v;
	json_object_foreach(json_object_get(cfg, "ExposedPorts"), port, v) {
		/* sorted insert */
		size_t at = 0;
		while (at < x->exposed_ports.len && strcmp(x->exposed_ports.items[at], port) < 0)
			at++;
		if (r == 0)
			r = strv_insert(&x->exposed_ports, at, port);
	}
	json_t *hc = json_object_get(cfg, "Healthcheck");
	if (json_is_object(hc)) {
		x->has_healthcheck = true;
		if (r == 0)
			r = json_strv_append(&x->hc_test, json_object_get(hc, "Test"));
		/* nanoseconds, as Go's time.Duration */
		x->hc_interval_ms = int_of(json_object_get(hc, "Interval")) / 1000000;
		x->hc_timeout_ms = int_of(json_object_get(hc, "Timeout")) / 1000000;
		x->hc_start_period_ms = int_of(json_object_get(hc, "StartPeriod")) / 1000000;
		x->hc_retries = (int)int_of(json_object_get(hc, "Retries"));
		/* ["NONE"] disables the image's check */
		if (x->hc_test.len == 1 && STREQ(x->hc_test.items[0], "NONE"))
			x->has_healthcheck = false;
	}
	if (r < 0) {
		berth_image_info_free(x);
		return BERTH_NOMEM(err);
	}
	*out = x;
	return 0;
}

/* ---- load reply --------------------------------------------------------- */

int image_load_reply_parse(sbuf *names, const char *body, size_t len, berth_error *err)
{
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(body + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - body) : len;
		json_t *o = json_loadb(body + pos, end - pos, 0, NULL);
		pos = end + 1;
		if (!json_is_object(o)) {
			json_decref(o);
			continue;
		}
		json_t *e = json_object_get(o, "error");
		json_t *detail = json_object_get(json_object_get(o, "errorDetail"), "message");
		if (e || detail) {
			int r = berth_fail(err, BERTH_EENGINE, "image load: %s",
					   json_string_value(detail) ? json_string_value(detail) : strempty(json_string_value(e)));
			json_decref(o);
			return r;
		}
		const char *s = json_string_value(json_object_get(o, "stream"));
		static const char *const prefixes[] = { "Loaded image: ", "Loaded image ID: ", "Loaded image(s): " };
		for (size_t i = 0; s && i < ARRAY_SIZE(prefixes); i++) {
			if (!startswith(s, prefixes[i]))
				continue;
			const char *name = s + strlen(prefixes[i]);
			size_t n = strcspn(name, "\n");
			/* Podman may list several names separated by commas */
			while (n) {
				size_t k = strcspn(name, ",\n");
				if (k && (sbuf_add(names, name, k) < 0 || sbuf_addc(names, '\n') < 0)) {
					json_decref(o);
					return BERTH_NOMEM(err);
				}
				name += k;
				n -= k;
				if (n && *name == ',')
					name++, n--;
			}
			break;
		}
		json_decref(o);
	}
	return 0;
}

/* ---- manifests, indexes, configs ---------------------------------------- */

void image_desc_release(image_desc *d)
{
	free(d->media_type);
	free(d->digest);
	free(d->os);
	free(d->arch);
	free(d->name);
	*d = (image_desc){ 0 };
}

void image_descs_free(image_desc *d, size_t n)
{
	for (size_t i = 0; d && i < n; i++)
		image_desc_release(&d[i]);
	free(d);
}

static int desc_of(image_desc *d, json_t *o)
{
	const char *digest = json_string_value(json_object_get(o, "digest"));
	if (!digest || !startswith(digest, "sha256:") || strlen(digest) != 71)
		return -EINVAL;
	json_t *p = json_object_get(o, "platform");
	json_t *ann = json_object_get(o, "annotations");
	json_t *name = json_object_get(ann, "io.containerd.image.name");
	if (!name)
		name = json_object_get(ann, "org.opencontainers.image.ref.name");
	d->media_type = dup_str(json_object_get(o, "mediaType"));
	d->digest = strdup(digest);
	d->size = int_of(json_object_get(o, "size"));
	d->os = json_is_string(json_object_get(p, "os")) ? dup_str(json_object_get(p, "os")) : NULL;
	d->arch = json_is_string(json_object_get(p, "architecture")) ? dup_str(json_object_get(p, "architecture")) : NULL;
	d->name = json_is_string(name) ? dup_str(name) : NULL;
	return !d->media_type || !d->digest ? -ENOMEM : 0;
}

static int descs_of(image_desc **out, size_t *n, json_t *a, const char *what, berth_error *err)
{
	size_t len = json_array_size(a);
	image_desc *d = calloc(len ? len : 1, sizeof *d);
	if (!d)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < len; i++) {
		int r = desc_of(&d[i], json_array_get(a, i));
		if (r < 0) {
			image_descs_free(d, len);
			return r == -ENOMEM ? BERTH_NOMEM(err)
					    : berth_fail(err, BERTH_EPROTOCOL, "%s: entry %zu has no sha256 digest", what, i);
		}
	}
	*out = d;
	*n = len;
	return 0;
}

int image_index_parse(image_desc **out, size_t *n, const char *json, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "image index", err);
	if (!root)
		return BERTH_EPROTOCOL;
	json_t *m = json_object_get(root, "manifests");
	if (!json_is_array(m))
		return berth_fail(err, BERTH_EPROTOCOL, "image index: no manifests");
	return descs_of(out, n, m, "image index", err);
}

int image_manifest_parse(image_desc *config, image_desc **layers, size_t *n, const char *json, size_t len,
			 berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "image manifest", err);
	if (!root)
		return BERTH_EPROTOCOL;
	json_t *c = json_object_get(root, "config");
	json_t *l = json_object_get(root, "layers");
	if (!json_is_object(c) || !json_is_array(l))
		return berth_fail(err, BERTH_EPROTOCOL, "image manifest: no config or layers");
	image_desc cd = { 0 };
	int r = desc_of(&cd, c);
	if (r < 0) {
		image_desc_release(&cd);
		return r == -ENOMEM ? BERTH_NOMEM(err) : berth_fail(err, BERTH_EPROTOCOL, "image manifest: bad config digest");
	}
	r = descs_of(layers, n, l, "image manifest", err);
	if (r < 0) {
		image_desc_release(&cd);
		return r;
	}
	*config = cd;
	return 0;
}

int image_config_diff_ids(strv *out, const char *json, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "image config", err);
	if (!root)
		return BERTH_EPROTOCOL;
	json_t *ids = json_object_get(json_object_get(root, "rootfs"), "diff_ids");
	if (!json_is_array(ids))
		return berth_fail(err, BERTH_EPROTOCOL, "image config: no rootfs.diff_ids");
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		const char *s = json_string_value(v);
		if (!s || !startswith(s, "sha256:") || strlen(s) != 71)
			return berth_fail(err, BERTH_EPROTOCOL, "image config: diff id %zu is not a sha256 digest", i);
		if (strv_push(out, s) < 0)
			return BERTH_NOMEM(err);
	}
	return 0;
}

/* ---- docker save -------------------------------------------------------- */

void save_images_free(save_image *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		free(s[i].config);
		strv_release(&s[i].tags);
		strv_release(&s[i].layers);
	}
	free(s);
}

int save_manifest_parse(save_image **out, size_t *n, const char *json, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "manifest.json", err);
	if (!root)
		return BERTH_EPROTOCOL;
	if (!json_is_array(root) || json_array_size(root) == 0)
		return berth_fail(err, BERTH_EPROTOCOL, "manifest.json: not a list of images");
	size_t len_ = json_array_size(root);
	save_image *s = calloc(len_, sizeof *s);
	if (!s)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < len_; i++) {
		json_t *o = json_array_get(root, i);
		const char *cfg = json_string_value(json_object_get(o, "Config"));
		json_t *layers = json_object_get(o, "Layers");
		if (!cfg || !json_is_array(layers)) {
			save_images_free(s, len_);
			return berth_fail(err, BERTH_EPROTOCOL, "manifest.json: image %zu has no Config or Layers", i);
		}
		s[i].config = strdup(cfg);
		if (!s[i].config || json_strv_append(&s[i].tags, json_object_get(o, "RepoTags")) < 0 ||
		    json_strv_append(&s[i].layers, layers) < 0) {
			save_images_free(s, len_);
			return BERTH_NOMEM(err);
		}
		if (s[i].layers.len != json_array_size(layers)) {
			save_images_free(s, len_);
			return berth_fail(err, BERTH_EPROTOCOL, "manifest.json: image %zu: a layer is not a path", i);
		}
	}
	*out = s;
	*n = len_;
	return 0;
}

/* ---- history ----------------------------------------------------------------------- */

static berth_image_history *history_new(size_t n)
{
	berth_image_history *h = calloc(1, sizeof *h);
	if (h && n && !(h->items = calloc(n, sizeof *h->items))) {
		free(h);
		return NULL;
	}
	return h;
}

static int history_set(history_entry *e, const char *id, const char *by, const char *comment, int64_t created,
		       int64_t size)
{
	e->id = strdup(id ? id : "<missing>");
	e->created_by = strdup(by ? by : "");
	e->comment = strdup(comment ? comment : "");
	e->created = created;
	e->size = size > 0 ? size : 0;
	return e->id && e->created_by && e->comment ? 0 : -ENOMEM;
}

int image_history_parse(berth_image_history **out, const char *json, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "image history", err);
	if (!root)
		return err ? err->code : BERTH_EPROTOCOL;
	if (!json_is_array(root))
		return berth_fail(err, BERTH_EPROTOCOL, "image history: not an array");
	berth_image_history *h = history_new(json_array_size(root));
	if (!h)
		return BERTH_NOMEM(err);
	size_t i;
	json_t *o;
	json_array_foreach(root, i, o) {
		if (!json_is_object(o)) {
			berth_image_history_free(h);
			return berth_fail(err, BERTH_EPROTOCOL, "image history: entry %zu is not an object", i);
		}
		h->len = i + 1;
		if (history_set(&h->items[i], json_string_value(json_object_get(o, "Id")),
				json_string_value(json_object_get(o, "CreatedBy")),
				json_string_value(json_object_get(o, "Comment")), int_of(json_object_get(o, "Created")),
				int_of(json_object_get(o, "Size"))) < 0) {
			berth_image_history_free(h);
			return BERTH_NOMEM(err);
		}
	}
	*out = h;
	return 0;
}

static int64_t seconds_of(json_t *v)
{
	const char *s = json_string_value(v);
	int64_t ns = 0;
	return s && parse_rfc3339_ns(s, strlen(s), &ns) > 0 && ns > 0 ? ns / 1000000000 : 0;
}

int image_config_history(berth_image_history **out, const char *json, size_t len, const int64_t *layer_sizes,
			 size_t n_layers, const char *top_id, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "image config", err);
	if (!root)
		return err ? err->code : BERTH_EPROTOCOL;
	if (!json_is_object(root))
		return berth_fail(err, BERTH_EPROTOCOL, "image config: not an object");
	json_t *steps = json_object_get(root, "history");
	size_t n = json_is_array(steps) && json_array_size(steps) ? json_array_size(steps) : n_layers;
	berth_image_history *h = history_new(n);
	if (!h)
		return BERTH_NOMEM(err);
	/* oldest first in the config; each step that made a layer takes the
	 * next layer's size */
	size_t layer = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_is_array(steps) ? json_array_get(steps, i) : NULL;
		bool made_layer = !json_is_true(json_object_get(o, "empty_layer"));
		int64_t size = made_layer && layer < n_layers ? layer_sizes[layer] : 0;
		layer += made_layer;
		history_entry *e = &h->items[n - 1 - i];
		h->len = i + 1 > h->len ? i + 1 : h->len;
		if (history_set(e, i == n - 1 ? top_id : NULL, json_string_value(json_object_get(o, "created_by")),
				json_string_value(json_object_get(o, "comment")),
				seconds_of(json_object_get(o ? o : root, "created")), size) < 0) {
			h->len = n; /* every entry is zeroed or set: free them all */
			berth_image_history_free(h);
			return BERTH_NOMEM(err);
		}
	}
	h->len = n;
	*out = h;
	return 0;
}

/* ---- search -------------------------------------------------------------- */

static json_t *either(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);
	return v ? v : json_object_get(o, b);
}

int image_search_parse(berth_search_result *out, const char *json, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "image search", err);
	if (!root)
		return err ? err->code : BERTH_EPROTOCOL;
	if (!json_is_array(root))
		return berth_fail(err, BERTH_EPROTOCOL, "image search: not an array");
	size_t i;
	json_t *o;
	json_array_foreach(root, i, o) {
		const char *name = json_string_value(either(o, "name", "Name"));
		if (!json_is_object(o) || isempty(name))
			return berth_fail(err, BERTH_EPROTOCOL, "image search: entry %zu has no name", i);
		json_t *official = either(o, "is_official", "Official");
		json_t *automated = either(o, "is_automated", "Automated");
		/* Podman's libpod gives the marks as "[OK]" or "" */
		bool off = json_is_true(official) || (json_is_string(official) && *json_string_value(official));
		bool aut = json_is_true(automated) || (json_is_string(automated) && *json_string_value(automated));
		if (search_result_add(out, name, json_string_value(either(o, "description", "Description")),
				      int_of(either(o, "star_count", "Stars")), off, aut) < 0)
			return BERTH_NOMEM(err);
	}
	return 0;
}

int registry_catalog_parse(berth_search_result *out, const char *json, size_t len, const char *prefix,
			   const char *words, size_t limit, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "registry catalog", err);
	if (!root)
		return err ? err->code : BERTH_EPROTOCOL;
	json_t *repos = json_object_get(root, "repositories");
	if (!json_is_object(root) || (repos && !json_is_array(repos)))
		return berth_fail(err, BERTH_EPROTOCOL, "registry catalog: no \"repositories\" list");
	size_t i;
	json_t *v;
	json_array_foreach(repos, i, v) {
		const char *name = json_string_value(v);
		if (!name)
			return berth_fail(err, BERTH_EPROTOCOL, "registry catalog: entry %zu is not a name", i);
		if (out->len >= limit)
			break;
		if (*words && !strstr(name, words))
			continue;
		_cleanup_free_ char *full = NULL;
		if (asprintf(&full, "%s/%s", prefix, name) < 0)
			return BERTH_NOMEM(err);
		if (search_result_add(out, full, "", 0, false, false) < 0)
			return BERTH_NOMEM(err);
	}
	return 0;
}

int registry_tags_parse(strv *out, const char *json, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "registry tag list", err);
	if (!root)
		return err ? err->code : BERTH_EPROTOCOL;
	json_t *tags = json_object_get(root, "tags");
	if (!json_is_object(root) || (tags && !json_is_array(tags) && !json_is_null(tags)))
		return berth_fail(err, BERTH_EPROTOCOL, "registry tag list: no \"tags\" list");
	size_t i;
	json_t *v;
	json_array_foreach(tags, i, v) {
		const char *t = json_string_value(v);
		if (isempty(t))
			return berth_fail(err, BERTH_EPROTOCOL, "registry tag list: entry %zu is not a tag", i);
		if (strv_push(out, t) < 0)
			return BERTH_NOMEM(err);
	}
	return 0;
}
