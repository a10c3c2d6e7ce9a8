/* Volumes on containerd, from berth's own store (ctrd_volstore.c):
 * create, list, inspect, remove, prune. A volume's users are the
 * containers whose bookkeeping label names it. */
#include "ctrd_containerd.h"
#include "ctrd_volstore.h"

/* Whether v carries every filter ("key" or "key=value"). */
static bool labels_match(const berth_volume_info *v, const char *const *labels, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(labels[i], '=');
		_cleanup_free_ char *key = strndup(labels[i], eq ? (size_t)(eq - labels[i]) : strlen(labels[i]));
		ssize_t at = key ? labels_find(&v->label_keys, key) : -1;
		if (at < 0 || (eq && !STREQ(v->label_values.items[at], eq + 1)))
			return false;
	}
	return true;
}

int ctrd_volume_create(char **out_name, berth_client *c, const volume_request *q, berth_error *err)
{
	berth_volume_info *v = NULL;
	bool made;
	int r = ctrd_volstore_create(&v, &made, c, q, err);
	if (r < 0)
		return r;
	*out_name = TAKE_PTR(v->name);
	berth_volume_info_free(v);
	return 0;
}

int ctrd_volume_list(berth_volume_list **out, berth_client *c, const char *const *labels, size_t n,
		     berth_error *err)
{
	berth_volume_list *l = NULL;
	int r = ctrd_volstore_list(&l, c, err);
	if (r < 0)
		return r;
	size_t kept = 0;
	for (size_t i = 0; i < l->len; i++) {
		if (labels_match(&l->items[i], labels, n))
			l->items[kept++] = l->items[i];
		else
			volume_info_release(&l->items[i]);
	}
	l->len = kept;
	*out = l;
	return 0;
}

int ctrd_volume_inspect(berth_volume_info **out, berth_client *c, const char *name, berth_error *err)
{
	berth_volume_info *v = NULL;
	int r = ctrd_volstore_read(&v, c, name, err);
	if (r == 0)
		r = ctrd_volstore_users(&v->users, c, name, err);
	if (r < 0) {
		berth_volume_info_free(v);
		return r;
	}
	*out = v;
	return 0;
}

int ctrd_volume_remove(berth_client *c, const char *name, bool force, berth_error *err)
{
	berth_volume_info *v = NULL;
	int r = ctrd_volstore_read(&v, c, name, err);
	berth_volume_info_free(v);
	if (r < 0)
		return r;
	/* forced or not, as Docker: a container would be left with a mount of
	 * nothing */
	_cleanup_strv_ strv users = STRV_INIT;
	if ((r = ctrd_volstore_users(&users, c, name, err)) < 0)
		return r;
	if (users.len) {
		_cleanup_sbuf_ sbuf list = SBUF_INIT;
		for (size_t i = 0; i < users.len; i++)
			if (sbuf_printf(&list, "%s%s", i ? ", " : "", users.items[i]) < 0)
				return BERTH_NOMEM(err);
		return berth_fail(err, BERTH_ECONFLICT, "volume remove %s: in use by %s%s", name, list.data,
				  force ? " (kept even forced: remove the containers first)" : "");
	}
	return ctrd_volstore_remove(c, name, err);
}

int ctrd_volume_prune(berth_prune_result **out, berth_client *c, const char *const *labels, size_t n,
		      berth_error *err)
{
	berth_volume_list *l = NULL;
	_cleanup_strv_ strv used = STRV_INIT;
	int r = ctrd_volume_list(&l, c, labels, n, err);
	if (r == 0)
		r = ctrd_volstore_users(&used, c, NULL, err);
	berth_prune_result *res = r == 0 ? calloc(1, sizeof *res) : NULL;
	if (r == 0 && !res)
		r = BERTH_NOMEM(err);
	for (size_t i = 0; r == 0 && i < l->len; i++) {
		const char *name = l->items[i].name;
		size_t len = strlen(name);
		bool in_use = false;
		for (size_t j = 0; j < used.len && !in_use; j++)
			in_use = strncmp(used.items[j], name, len) == 0 && used.items[j][len] == '\t';
		if (in_use)
			continue;
		berth_error e = BERTH_ERROR_INIT;
		int rr = ctrd_volstore_remove(c, name, &e);
		if (rr == BERTH_ENOTFOUND)
			continue; /* removed meanwhile */
		if (rr < 0)
			r = berth_fail(err, rr, "%s", e.message);
		else if (strv_push(&res->ids, name) < 0)
			r = BERTH_NOMEM(err);
	}
	berth_volume_list_free(l);
	if (r < 0) {
		berth_prune_result_free(res);
		return r;
	}
	*out = res;
	return 0;
}
