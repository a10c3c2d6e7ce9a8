/* Volume records and lists behind the public opaque types: accessors and
 * destructors. */
#include "lib/model/volume_model.h"

static const char *at(const strv *v, size_t i) { return i < v->len ? v->items[i] : NULL; }

void volume_info_release(berth_volume_info *v)
{
	free(v->name); free(v->driver); free(v->mountpoint); free(v->created); free(v->raw);
	strv_release(&v->label_keys); strv_release(&v->label_values);
	strv_release(&v->opt_keys); strv_release(&v->opt_values);
	strv_release(&v->users);
}

void berth_volume_info_free(berth_volume_info *v)
{
	if (!v)
		return;
	volume_info_release(v);
	free(v);
}

const char *berth_volume_info_name(const berth_volume_info *v) { return v ? strempty(v->name) : NULL; }
const char *berth_volume_info_driver(const berth_volume_info *v) { return v ? strempty(v->driver) : NULL; }
const char *berth_volume_info_mountpoint(const berth_volume_info *v) { return v ? strempty(v->mountpoint) : NULL; }
const char *berth_volume_info_created(const berth_volume_info *v) { return v ? strempty(v->created) : NULL; }
size_t berth_volume_info_label_count(const berth_volume_info *v) { return v ? v->label_keys.len : 0; }
const char *berth_volume_info_label_key(const berth_volume_info *v, size_t i) { return v ? at(&v->label_keys, i) : NULL; }
const char *berth_volume_info_label_value(const berth_volume_info *v, size_t i) { return v ? at(&v->label_values, i) : NULL; }
const char *berth_volume_info_label(const berth_volume_info *v, const char *key)
{
	ssize_t k = v && key ? labels_find(&v->label_keys, key) : -1;
	return k < 0 ? NULL : v->label_values.items[k];
}
size_t berth_volume_info_option_count(const berth_volume_info *v) { return v ? v->opt_keys.len : 0; }
const char *berth_volume_info_option_key(const berth_volume_info *v, size_t i) { return v ? at(&v->opt_keys, i) : NULL; }
const char *berth_volume_info_option_value(const berth_volume_info *v, size_t i) { return v ? at(&v->opt_values, i) : NULL; }
size_t berth_volume_info_user_count(const berth_volume_info *v) { return v ? v->users.len : 0; }
const char *berth_volume_info_user(const berth_volume_info *v, size_t i) { return v ? at(&v->users, i) : NULL; }
const char *berth_volume_info_raw_json(const berth_volume_info *v) { return v ? strempty(v->raw) : NULL; }

void berth_volume_list_free(berth_volume_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->len; i++)
		volume_info_release(&l->items[i]);
	free(l->items);
	free(l);
}

size_t berth_volume_list_count(const berth_volume_list *l) { return l ? l->len : 0; }
const berth_volume_info *berth_volume_list_at(const berth_volume_list *l, size_t i)
{
	return l && i < l->len ? &l->items[i] : NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(strempty(((const berth_volume_info *)a)->name), strempty(((const berth_volume_info *)b)->name));
}

void volume_list_sort(berth_volume_list *l)
{
	if (l->len > 1)
		qsort(l->items, l->len, sizeof *l->items, by_name);
}
