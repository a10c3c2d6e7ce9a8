/* The network record and list behind the public opaque types: accessors
 * and destructors. */
#include "lib/model/network_model.h"

static const char *at(const strv *v, size_t i) { return i < v->len ? v->items[i] : NULL; }

void network_info_release(berth_network_info *n)
{
	free(n->id);
	free(n->name);
	free(n->driver);
	free(n->scope);
	free(n->created);
	free(n->raw);
	strv_release(&n->subnets);
	strv_release(&n->gateways);
	strv_release(&n->label_keys);
	strv_release(&n->label_values);
	for (size_t i = 0; i < n->members_len; i++) {
		free(n->members[i].id);
		free(n->members[i].name);
		free(n->members[i].ipv4);
		free(n->members[i].ipv6);
	}
	free(n->members);
}

void berth_network_info_free(berth_network_info *n)
{
	if (!n)
		return;
	network_info_release(n);
	free(n);
}

void berth_network_list_free(berth_network_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->len; i++)
		network_info_release(&l->items[i]);
	free(l->items);
	free(l);
}

size_t berth_network_list_count(const berth_network_list *l) { return l ? l->len : 0; }

const berth_network_info *berth_network_list_at(const berth_network_list *l, size_t i)
{
	return l && i < l->len ? &l->items[i] : NULL;
}

const char *berth_network_info_id(const berth_network_info *n) { return n ? n->id : NULL; }
const char *berth_network_info_name(const berth_network_info *n) { return n ? n->name : NULL; }
const char *berth_network_info_driver(const berth_network_info *n) { return n ? n->driver : NULL; }
const char *berth_network_info_scope(const berth_network_info *n) { return n ? n->scope : NULL; }
int berth_network_info_internal(const berth_network_info *n) { return n && n->internal; }
const char *berth_network_info_created(const berth_network_info *n) { return n ? n->created : NULL; }
const char *berth_network_info_raw_json(const berth_network_info *n) { return n ? n->raw : NULL; }
size_t berth_network_info_subnet_count(const berth_network_info *n) { return n ? n->subnets.len : 0; }
const char *berth_network_info_subnet(const berth_network_info *n, size_t i) { return n ? at(&n->subnets, i) : NULL; }
const char *berth_network_info_gateway(const berth_network_info *n, size_t i) { return n ? at(&n->gateways, i) : NULL; }
size_t berth_network_info_label_count(const berth_network_info *n) { return n ? n->label_keys.len : 0; }
const char *berth_network_info_label_key(const berth_network_info *n, size_t i) { return n ? at(&n->label_keys, i) : NULL; }
const char *berth_network_info_label_value(const berth_network_info *n, size_t i) { return n ? at(&n->label_values, i) : NULL; }

const char *berth_network_info_label(const berth_network_info *n, const char *key)
{
	if (!n || !key)
		return NULL;
	ssize_t i = labels_find(&n->label_keys, key);
	return i < 0 ? NULL : n->label_values.items[i];
}

static const network_member *member(const berth_network_info *n, size_t i)
{
	return n && i < n->members_len ? &n->members[i] : NULL;
}

size_t berth_network_info_container_count(const berth_network_info *n) { return n ? n->members_len : 0; }
const char *berth_network_info_container_id(const berth_network_info *n, size_t i) { return member(n, i) ? member(n, i)->id : NULL; }
const char *berth_network_info_container_name(const berth_network_info *n, size_t i) { return member(n, i) ? member(n, i)->name : NULL; }
const char *berth_network_info_container_ipv4(const berth_network_info *n, size_t i) { return member(n, i) ? member(n, i)->ipv4 : NULL; }
const char *berth_network_info_container_ipv6(const berth_network_info *n, size_t i) { return member(n, i) ? member(n, i)->ipv6 : NULL; }
