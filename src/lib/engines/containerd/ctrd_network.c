/* Named networks on containerd, from berth's own store (ctrd_netstore.c)
 * and the CNI plugins (ctrd_cni.c): create, list, inspect, remove, prune,
 * connect, disconnect. A network's members are the containers whose
 * records carry its label, whatever their state; their addresses are
 * those of the running ones. */
#include "ctrd_lifecycle.h"
#include "ctrd_netstore.h"
#include "lib/parse/network_json.h"

#include "lib/parse/json_util.h"

#include <jansson.h>
#include <stdio.h>

/* The networks berth does not store: the default bridge and the modes. */
static const char *const builtin_names[] = { "bridge", "host", "none" };

static char *builtin_json(const char *name)
{
	json_t *o;
	if (STREQ(name, "bridge"))
		o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:[{s:s,s:s}]},s:b,s:{},s:{s:s},s:{}}", "Name", "bridge", "Id",
			      "bridge", "Created", "", "Scope", "local", "Driver", "bridge", "IPAM", "Driver", "default",
			      "Config", "Subnet", CNI_SUBNET, "Gateway", CNI_GATEWAY, "Internal", 0, "Containers",
			      "Options", "com.docker.network.bridge.name", CNI_BRIDGE, "Labels");
	else
		o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:[]},s:b,s:{},s:{},s:{}}", "Name", name, "Id", name, "Created",
			      "", "Scope", "local", "Driver", STREQ(name, "host") ? "host" : "null", "IPAM", "Driver",
			      "default", "Config", "Internal", 0, "Containers", "Options", "Labels");
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return text;
}

static bool is_builtin(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(builtin_names); i++)
		if (STREQ(name, builtin_names[i]))
			return true;
	return false;
}

/* Whether n carries every filter ("key" or "key=value"). */
static bool labels_match(const berth_network_info *n, const char *const *labels, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const char *eq = strchr(labels[i], '=');
		_cleanup_free_ char *key = strndup(labels[i], eq ? (size_t)(eq - labels[i]) : strlen(labels[i]));
		ssize_t at = key ? labels_find(&n->label_keys, key) : -1;
		if (at < 0 || (eq && !STREQ(n->label_values.items[at], eq + 1)))
			return false;
	}
	return true;
}

/* The containers whose records name network netid: "id\tname\taliases"
 * entries (every network's when netid is NULL: then "netid\tid\tname"). */
static int members(strv *out, berth_client *c, const char *netid, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Containers__V1__ListContainersResponse *l = NULL;
	int r = ctrd_containers_list(&l, c, NULL, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < l->n_containers; i++) {
		const Containerd__Services__Containers__V1__Container *k = l->containers[i];
		for (size_t j = 0; j < k->n_labels; j++) {
			const char *key = k->labels[j]->key;
			if (!key || !startswith(key, CTRD_LABEL_NET_PREFIX))
				continue;
			const char *id = key + strlen(CTRD_LABEL_NET_PREFIX);
			_cleanup_free_ char *entry = NULL;
			if (netid && !STREQ(id, netid))
				continue;
			if ((netid ? asprintf(&entry, "%s\t%s\t%s", k->id, ctrd_name_of(k), strempty(k->labels[j]->value))
				   : asprintf(&entry, "%s\t%s\t%s", id, k->id, ctrd_name_of(k))) < 0 ||
			    strv_push(out, entry) < 0)
				return BERTH_NOMEM(err);
		}
	}
	return 0;
}

int ctrd_network_create(char **out_id, berth_client *c, const char *name, const berth_network_create_options *opts,
			berth_error *err)
{
	return ctrd_netstore_create(out_id, c, name, opts, err);
}

/* n's record with its members: Docker's "Containers" object. */
static int with_members(berth_network_info **out, berth_client *c, const berth_network_info *n, berth_error *err)
{
	_cleanup_strv_ strv m = STRV_INIT;
	int r = members(&m, c, n->id, err);
	if (r < 0)
		return r;
	json_error_t jerr;
	_cleanup_json_ json_t *o = json_loads(n->raw, 0, &jerr);
	json_t *cs = json_object();
	if (!o || !cs || json_object_set_new(o, "Containers", cs) < 0)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < m.len; i++) {
		char *tab = strchr(m.items[i], '\t');
		char *name = tab + 1;
		char *tab2 = strchr(name, '\t');
		*tab = *tab2 = '\0';
		_cleanup_strv_ strv addrs = STRV_INIT;
		if (ctrd_net_addresses(&addrs, c, m.items[i], n->id) < 0 ||
		    json_object_set_new(cs, m.items[i],
					json_pack("{s:s,s:s,s:s}", "Name", name, "IPv4Address",
						  addrs.len ? addrs.items[0] : "", "IPv6Address", "")) < 0)
			return BERTH_NOMEM(err);
	}
	_cleanup_free_ char *text = json_dumps(o, JSON_COMPACT);
	if (!text)
		return BERTH_NOMEM(err);
	return network_info_parse(out, text, strlen(text), err);
}

int ctrd_network_inspect(berth_network_info **out, berth_client *c, const char *name, berth_error *err)
{
	if (is_builtin(name)) {
		_cleanup_free_ char *text = builtin_json(name);
		return text ? network_info_parse(out, text, strlen(text), err) : BERTH_NOMEM(err);
	}
	berth_network_info *n = NULL;
	int r = ctrd_netstore_get(&n, c, name, err);
	if (r == 0)
		r = with_members(out, c, n, err);
	berth_network_info_free(n);
	return r;
}

int ctrd_network_list(berth_network_list **out, berth_client *c, const berth_network_list_options *opts,
		      berth_error *err)
{
	berth_network_list *stored = NULL;
	int r = ctrd_netstore_list(&stored, c, err);
	if (r < 0)
		return r;
	_cleanup_sbuf_ sbuf all = SBUF_INIT;
	r = sbuf_addc(&all, '[');
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(builtin_names); i++) {
		_cleanup_free_ char *text = builtin_json(builtin_names[i]);
		r = text ? sbuf_printf(&all, "%s%s", i ? "," : "", text) : -ENOMEM;
	}
	for (size_t i = 0; r == 0 && i < stored->len; i++)
		r = sbuf_printf(&all, ",%s", stored->items[i].raw);
	berth_network_list_free(stored);
	if (r < 0 || sbuf_addc(&all, ']') < 0)
		return BERTH_NOMEM(err);
	berth_network_list *l = NULL;
	if ((r = network_list_parse(&l, all.data, all.len, err)) < 0)
		return r;
	size_t kept = 0;
	for (size_t i = 0; i < l->len; i++) {
		if (labels_match(&l->items[i], opts->labels, opts->label_count))
			l->items[kept++] = l->items[i];
		else
			network_info_release(&l->items[i]);
	}
	l->len = kept;
	*out = l;
	return 0;
}

/* Remove stored network n and what it left on the host. */
static int remove_one(berth_client *c, const berth_network_info *n, berth_error *err)
{
	cni_netdef d;
	bool has_def = ctrd_netstore_def(&d, n, NULL) == 0;
	int r = ctrd_netstore_remove(c, n, err);
	if (r == 0 && has_def)
		ctrd_net_gone(&d);
	return r;
}

int ctrd_network_remove(berth_client *c, const char *name, berth_error *err)
{
	if (is_builtin(name))
		return berth_fail(err, BERTH_ECONFLICT, "%s is a pre-defined network and cannot be removed", name);
	berth_network_info *n = NULL;
	int r = ctrd_netstore_get(&n, c, name, err);
	if (r == 0)
		r = remove_one(c, n, err);
	berth_network_info_free(n);
	return r;
}

int ctrd_network_prune(berth_prune_result **out, berth_client *c, const berth_network_prune_options *opts,
		       berth_error *err)
{
	berth_network_list *l = NULL;
	_cleanup_strv_ strv used = STRV_INIT;
	int r = ctrd_netstore_list(&l, c, err);
	if (r == 0)
		r = members(&used, c, NULL, err);
	berth_prune_result *res = r == 0 ? calloc(1, sizeof *res) : NULL;
	if (r == 0 && !res)
		r = BERTH_NOMEM(err);
	for (size_t i = 0; r == 0 && i < l->len; i++) {
		const berth_network_info *n = &l->items[i];
		if (!labels_match(n, opts->labels, opts->label_count))
			continue;
		size_t len = strlen(n->id);
		bool in_use = false;
		for (size_t j = 0; j < used.len && !in_use; j++)
			in_use = strncmp(used.items[j], n->id, len) == 0 && used.items[j][len] == '\t';
		if (in_use)
			continue;
		berth_error e = BERTH_ERROR_INIT;
		int rr = remove_one(c, n, &e);
		if (rr == BERTH_ENOTFOUND)
			continue; /* removed meanwhile */
		if (rr < 0)
			r = berth_fail(err, rr, "%s", e.message);
		else if (strv_push(&res->ids, n->name) < 0)
			r = BERTH_NOMEM(err);
	}
	berth_network_list_free(l);
	if (r < 0) {
		berth_prune_result_free(res);
		return r;
	}
	*out = res;
	return 0;
}

int ctrd_network_connect(berth_client *c, const char *network, const char *ref,
			 const berth_network_connect_options *opts, berth_error *err)
{
	berth_network_info *n = NULL;
	int r = ctrd_netstore_get(&n, c, network, err);
	if (r < 0)
		return is_builtin(network) ? berth_fail(err, BERTH_EUNSUPPORTED,
							"network connect: %s is berth's default network on containerd; only "
							"named networks can be joined later",
							network)
					   : r;
	cni_netdef d;
	char key[200];
	_cleanup_free_ char *name = strdup(n->name);
	snprintf(key, sizeof key, CTRD_LABEL_NET_PREFIX "%s", n->id);
	r = ctrd_netstore_def(&d, n, err);
	berth_network_info_free(n);
	if (r < 0)
		return r;
	if (!name)
		return BERTH_NOMEM(err);
	RESOLVE(c, ref, err);
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	ctrd_task_info t;
	if ((r = ctrd_get_container_task(&resp, &t, c, id, err)) < 0)
		return r;
	const Containerd__Services__Containers__V1__Container *k = resp->container;
	if (ctrd_label(k, key))
		return berth_fail(err, BERTH_EALREADY, "endpoint with name %s already exists in network %s", ctrd_name_of(k), name);
	bool has_net = ctrd_label(k, CTRD_LABEL_NETWORK) != NULL;
	for (size_t i = 0; !has_net && i < k->n_labels; i++)
		has_net = k->labels[i]->key && startswith(k->labels[i]->key, CTRD_LABEL_NET_PREFIX);
	if (!has_net)
		return berth_fail(err, BERTH_ECONFLICT,
				  "container %s has no network of its own (network mode host or none): it cannot join %s",
				  ctrd_name_of(k), name);
	_cleanup_sbuf_ sbuf value = SBUF_INIT;
	if (sbuf_addc(&value, '+') < 0)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < opts->alias_count; i++)
		if (sbuf_printf(&value, "%s%s", i ? "," : "", opts->aliases[i]) < 0)
			return BERTH_NOMEM(err);
	const char *keys[] = { key };
	const char *values[] = { value.data };
	if ((r = ctrd_set_labels(c, id, keys, values, 1, err)) < 0)
		return r;
	bool running = t.exists && (t.state == BERTH_STATE_RUNNING || t.state == BERTH_STATE_PAUSED);
	if (running && (r = ctrd_net_attach(c, id, ctrd_name_of(k), &d, value.data, err)) < 0) {
		const char *none[] = { NULL };
		ctrd_set_labels(c, id, keys, none, 1, NULL);
		berth_error_prefix(err, "network connect %s", name);
		return r;
	}
	return 0;
}

int ctrd_network_disconnect(berth_client *c, const char *network, const char *ref, bool force, berth_error *err)
{
	(void)force;
	berth_network_info *n = NULL;
	int r = ctrd_netstore_get(&n, c, network, err);
	if (r < 0)
		return r;
	char key[200], netid[72];
	_cleanup_free_ char *name = strdup(n->name);
	snprintf(key, sizeof key, CTRD_LABEL_NET_PREFIX "%s", n->id);
	snprintf(netid, sizeof netid, "%s", n->id);
	berth_network_info_free(n);
	if (!name)
		return BERTH_NOMEM(err);
	RESOLVE(c, ref, err);
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	if ((r = ctrd_get_container(&resp, c, id, err)) < 0)
		return r;
	if (!ctrd_label(resp->container, key))
		return berth_fail(err, BERTH_ECONFLICT, "container %s is not connected to network %s",
				  ctrd_name_of(resp->container), name);
	ctrd_net_detach(c, id, netid);
	const char *keys[] = { key };
	const char *none[] = { NULL };
	return ctrd_set_labels(c, id, keys, none, 1, err);
}
