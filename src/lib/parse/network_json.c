/* Network JSON parsers: see network_json.h. */
#include "network_json.h"
#include "json_util.h"

#include <stdlib.h>

static json_t *load(const char *json, size_t len, const char *what, berth_error *err)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		berth_fail(err, BERTH_EPROTOCOL, "%s: malformed JSON: %s", what, je.text);
	return root;
}

static char *dup_str(json_t *v) { return strdup(json_is_string(v) ? json_string_value(v) : ""); }

static int member_cmp(const void *a, const void *b)
{
	const network_member *x = a, *y = b;
	return strcmp(x->name, y->name);
}

/* Containers: {"<id>": {"Name", "IPv4Address", "IPv6Address", ...}}. */
static int members_of(berth_network_info *n, json_t *o)
{
	size_t count = json_is_object(o) ? json_object_size(o) : 0;
	if (!count)
		return 0;
	if (!(n->members = calloc(count, sizeof *n->members)))
		return -ENOMEM;
	const char *id;
	json_t *v;
	json_object_foreach(o, id, v) {
		if (!json_is_object(v))
			continue;
		network_member *m = &n->members[n->members_len++];
		m->id = strdup(id);
		m->name = dup_str(json_object_get(v, "Name"));
		m->ipv4 = dup_str(json_object_get(v, "IPv4Address"));
		m->ipv6 = dup_str(json_object_get(v, "IPv6Address"));
		if (!m->id || !m->name || !m->ipv4 || !m->ipv6)
			return -ENOMEM;
	}
	if (n->members_len > 1) /* members may be NULL when there are none */
		qsort(n->members, n->members_len, sizeof *n->members, member_cmp);
	return 0;
}

/* Fill n from one object; BERTH_EPROTOCOL without Id or Name. */
static int fill(berth_network_info *n, json_t *o, berth_error *err)
{
	json_t *id = json_object_get(o, "Id"), *name = json_object_get(o, "Name");
	if (!json_is_string(id) || !json_is_string(name))
		return berth_fail(err, BERTH_EPROTOCOL, "network: a record without Id or Name");
	n->id = dup_str(id);
	n->name = dup_str(name);
	n->driver = dup_str(json_object_get(o, "Driver"));
	n->scope = dup_str(json_object_get(o, "Scope"));
	n->created = dup_str(json_object_get(o, "Created"));
	n->internal = json_is_true(json_object_get(o, "Internal"));
	n->raw = json_dumps(o, JSON_COMPACT);
	if (!n->id || !n->name || !n->driver || !n->scope || !n->created || !n->raw)
		return BERTH_NOMEM(err);
	json_t *configs = json_object_get(json_object_get(o, "IPAM"), "Config");
	size_t i;
	json_t *c;
	json_array_foreach(configs, i, c) {
		json_t *subnet = json_object_get(c, "Subnet");
		if (!json_is_string(subnet))
			continue;
		if (strv_push(&n->subnets, json_string_value(subnet)) < 0 ||
		    strv_push_take(&n->gateways, dup_str(json_object_get(c, "Gateway"))) < 0)
			return BERTH_NOMEM(err);
	}
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(o, "Labels"), k, v)
		if (json_is_string(v) && labels_set(&n->label_keys, &n->label_values, k, json_string_value(v)) < 0)
			return BERTH_NOMEM(err);
	if (members_of(n, json_object_get(o, "Containers")) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

int network_info_parse(berth_network_info **out, const char *json, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "network inspect", err);
	if (!root)
		return BERTH_EPROTOCOL;
	if (!json_is_object(root))
		return berth_fail(err, BERTH_EPROTOCOL, "network inspect: not an object");
	berth_network_info *n = calloc(1, sizeof *n);
	if (!n)
		return BERTH_NOMEM(err);
	int r = fill(n, root, err);
	if (r < 0) {
		berth_network_info_free(n);
		return r;
	}
	*out = n;
	return 0;
}

static int info_cmp(const void *a, const void *b)
{
	const berth_network_info *x = a, *y = b;
	return strcmp(x->name, y->name);
}

int network_list_parse(berth_network_list **out, const char *json, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "network list", err);
	if (!root)
		return BERTH_EPROTOCOL;
	if (!json_is_array(root))
		return berth_fail(err, BERTH_EPROTOCOL, "network list: not an array");
	berth_network_list *l = calloc(1, sizeof *l);
	size_t count = json_array_size(root);
	if (!l || (count && !(l->items = calloc(count, sizeof *l->items)))) {
		free(l);
		return BERTH_NOMEM(err);
	}
	size_t i;
	json_t *o;
	json_array_foreach(root, i, o) {
		if (!json_is_object(o) || !json_is_string(json_object_get(o, "Id")) ||
		    !json_is_string(json_object_get(o, "Name")))
			continue;
		berth_network_info *n = &l->items[l->len++];
		int r = fill(n, o, err);
		if (r < 0) {
			berth_network_list_free(l);
			return r;
		}
	}
	if (l->len > 1) /* items may be NULL when there are none */
		qsort(l->items, l->len, sizeof *l->items, info_cmp);
	*out = l;
	return 0;
}

int network_prune_parse(berth_prune_result **out, const char *json, size_t len, berth_error *err)
{
	_cleanup_json_ json_t *root = load(json, len, "prune networks", err);
	if (!root)
		return BERTH_EPROTOCOL;
	json_t *gone = json_object_get(root, "NetworksDeleted");
	if (!json_is_object(root) || (gone && !json_is_array(gone) && !json_is_null(gone)))
		return berth_fail(err, BERTH_EPROTOCOL, "prune networks: unexpected reply shape");
	berth_prune_result *p = calloc(1, sizeof *p);
	if (!p || json_strv_append(&p->ids, gone) < 0) {
		berth_prune_result_free(p);
		return BERTH_NOMEM(err);
	}
	*out = p;
	return 0;
}
