/* Volume JSON parsers and the store's writer: see volume_json.h. */
#include "volume_json.h"
#include "json_util.h"

static json_t *load(const char *json, size_t len, const char *what, berth_error *err)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		berth_fail(err, BERTH_EPROTOCOL, "%s: malformed JSON: %s", what, je.text);
	return root;
}

static int dup_field(char **out, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	*out = strdup(json_is_string(v) ? json_string_value(v) : "");
	return *out ? 0 : -ENOMEM;
}

/* A {"k": "v"} object into sorted parallel vectors (other values skipped). */
static int pairs_of(strv *keys, strv *values, json_t *o)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
		if (json_is_string(v) && labels_set(keys, values, k, json_string_value(v)) < 0)
			return -ENOMEM;
	return 0;
}

/* Fill v from one object; 0, -EINVAL (not a volume) or -ENOMEM. */
static int info_from(berth_volume_info *v, json_t *o)
{
	if (!json_is_object(o) || !json_is_string(json_object_get(o, "Name")))
		return -EINVAL;
	if (dup_field(&v->name, o, "Name") < 0 || dup_field(&v->driver, o, "Driver") < 0 ||
	    dup_field(&v->mountpoint, o, "Mountpoint") < 0 || dup_field(&v->created, o, "CreatedAt") < 0 ||
	    pairs_of(&v->label_keys, &v->label_values, json_object_get(o, "Labels")) < 0 ||
	    pairs_of(&v->opt_keys, &v->opt_values, json_object_get(o, "Options")) < 0)
		return -ENOMEM;
	return 0;
}

int volume_info_parse(berth_volume_info **out, const char *json, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "volume", err);
	if (!root)
		return BERTH_EPROTOCOL;
	berth_volume_info *v = calloc(1, sizeof *v);
	if (!v)
		return BERTH_NOMEM(err);
	int r = info_from(v, root);
	if (r == 0 && !(v->raw = strndup(json, len)))
		r = -ENOMEM;
	if (r < 0) {
		berth_volume_info_free(v);
		return r == -EINVAL ? berth_fail(err, BERTH_EPROTOCOL, "volume: not an object with a Name")
				    : BERTH_NOMEM(err);
	}
	*out = v;
	return 0;
}

int volume_list_parse(berth_volume_list **out, const char *json, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "volume list", err);
	if (!root)
		return BERTH_EPROTOCOL;
	json_t *a = json_is_array(root) ? root : json_object_get(root, "Volumes");
	if (!json_is_array(a) && !(json_is_object(root) && (!a || json_is_null(a))))
		return berth_fail(err, BERTH_EPROTOCOL, "volume list: unexpected reply shape");
	berth_volume_list *l = calloc(1, sizeof *l);
	size_t n = json_array_size(a);
	if (!l || (n && !(l->items = calloc(n, sizeof *l->items)))) {
		free(l);
		return BERTH_NOMEM(err);
	}
	size_t i;
	json_t *o;
	json_array_foreach(a, i, o) {
		berth_volume_info *v = &l->items[l->len];
		int r = info_from(v, o);
		if (r == -EINVAL) {
			volume_info_release(v);
			*v = (berth_volume_info){ 0 };
			continue;
		}
		l->len++;
		if (r < 0) {
			berth_volume_list_free(l);
			return BERTH_NOMEM(err);
		}
	}
	volume_list_sort(l);
	*out = l;
	return 0;
}

int volume_prune_parse(berth_prune_result **out, const char *json, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "prune volumes", err);
	if (!root)
		return BERTH_EPROTOCOL;
	bool libpod = json_is_array(root);
	json_t *list = libpod ? root : json_object_get(root, "VolumesDeleted");
	if ((!libpod && !json_is_object(root)) || (list && !json_is_array(list) && !json_is_null(list)))
		return berth_fail(err, BERTH_EPROTOCOL, "prune volumes: unexpected reply shape");
	berth_prune_result *p = calloc(1, sizeof *p);
	if (!p)
		return BERTH_NOMEM(err);
	json_t *sr = libpod ? NULL : json_object_get(root, "SpaceReclaimed");
	uint64_t space = json_is_integer(sr) && json_integer_value(sr) > 0 ? (uint64_t)json_integer_value(sr) : 0;
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		json_t *id = libpod ? json_object_get(o, "Id") : o;
		json_t *e = libpod ? json_object_get(o, "Err") : NULL;
		if (!json_is_string(id) || (json_is_string(e) && json_string_length(e)))
			continue;
		if (strv_push(&p->ids, json_string_value(id)) < 0) {
			berth_prune_result_free(p);
			return BERTH_NOMEM(err);
		}
		json_t *size = libpod ? json_object_get(o, "Size") : NULL;
		if (json_is_integer(size) && json_integer_value(size) > 0 &&
		    space <= UINT64_MAX - (uint64_t)json_integer_value(size))
			space += (uint64_t)json_integer_value(size);
	}
	p->space_reclaimed = space;
	*out = p;
	return 0;
}

static int by_text(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int volume_users_parse(strv *out, const char *json, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "container list", err);
	if (!root)
		return BERTH_EPROTOCOL;
	if (!json_is_array(root))
		return berth_fail(err, BERTH_EPROTOCOL, "container list: not an array");
	size_t i;
	json_t *o;
	json_array_foreach(root, i, o) {
		json_t *name = json_array_get(json_object_get(o, "Names"), 0);
		const char *s = json_is_string(name) ? json_string_value(name) : NULL;
		if (!s) {
			json_t *id = json_object_get(o, "Id");
			s = json_is_string(id) ? json_string_value(id) : NULL;
		}
		if (s && strv_push(out, s + (*s == '/')) < 0)
			return BERTH_NOMEM(err);
	}
	if (out->len > 1)
		qsort(out->items, out->len, sizeof *out->items, by_text);
	return 0;
}

static json_t *pairs_json(const strv *keys, const strv *values)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < keys->len; i++)
		if (json_object_set_new(o, keys->items[i], json_string(values->items[i])) < 0) {
			json_decref(o);
			return NULL;
		}
	return o;
}

int volume_json_format(char **out, const berth_volume_info *v, berth_error *err)
{
	_cleanup_json_ json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o*, s:o*, s:s}", "Name", strempty(v->name),
					     "Driver", isempty(v->driver) ? "local" : v->driver, "Mountpoint",
					     strempty(v->mountpoint), "CreatedAt", strempty(v->created), "Labels",
					     pairs_json(&v->label_keys, &v->label_values), "Options",
					     pairs_json(&v->opt_keys, &v->opt_values), "Scope", "local");
	char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	if (!text)
		return BERTH_NOMEM(err);
	*out = text;
	return 0;
}
