/* Networks: the public entry points. Names, subnets, gateways, labels and
 * aliases are checked here, before any request; berth's ownership labels
 * are added to what create sends. */
#include "lib/engine.h"
#include "lib/kit/validate.h"
#include "lib/parse/netaddr.h"

#include <stdio.h>

#define NETWORK_NAME_MAX 128
#define ALIAS_MAX 253
#define LABELS_MAX 256

/* A network argument of an existing network: a name or an id. */
static int check_network(const char *name, const char *what, berth_error *err)
{
	if (isempty(name))
		return berth_fail(err, BERTH_EINVAL, "%s: empty network name", what);
	if (!net_name_ok(name, NETWORK_NAME_MAX))
		return berth_fail(err, BERTH_EINVAL, "%s: \"%.64s\" is no network name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)",
				  what, name);
	return 0;
}

/* The name of a new network: also none of the engines' own. */
static int check_new_network(const char *name, berth_error *err)
{
	int r = check_network(name, "network create", err);
	if (r < 0)
		return r;
	static const char *const builtin[] = { "bridge", "host", "none", "default" };
	for (size_t i = 0; i < ARRAY_SIZE(builtin); i++)
		if (STREQ(name, builtin[i]))
			return berth_fail(err, BERTH_EINVAL, "network create: \"%s\" is the name of a built-in network",
					  name);
	return 0;
}

/* Subnet and gateway: a CIDR, and an address in it (a gateway needs one). */
static int check_addresses(const berth_network_create_options *o, berth_error *err)
{
	net_cidr subnet;
	net_addr gateway;
	if (o->subnet) {
		int r = net_cidr_parse(&subnet, o->subnet, "network create: subnet", err);
		if (r < 0)
			return r;
	}
	if (!o->gateway)
		return 0;
	if (!o->subnet)
		return berth_fail(err, BERTH_EINVAL, "network create: a gateway needs a subnet");
	int r = net_addr_parse(&gateway, o->gateway, "network create: gateway", err);
	if (r == 0 && !net_cidr_contains(&subnet, &gateway))
		r = berth_fail(err, BERTH_EINVAL, "network create: gateway %s is not in subnet %s", o->gateway, o->subnet);
	return r;
}

/* The labels of a new network: "key=value" or "key", no control
 * characters, none of berth's own keys. */
static int check_labels(const char *const *labels, size_t n, berth_error *err)
{
	if (!labels && n)
		return berth_fail(err, BERTH_EINVAL, "network create: labels is NULL");
	if (n > LABELS_MAX)
		return berth_fail(err, BERTH_EINVAL, "network create: %zu labels (at most %d)", n, LABELS_MAX);
	for (size_t i = 0; i < n; i++) {
		const char *l = labels[i];
		if (isempty(l) || l[0] == '=')
			return berth_fail(err, BERTH_EINVAL, "network create: label %zu has no key (want KEY=VALUE)", i);
		for (const char *p = l; *p; p++)
			if ((unsigned char)*p < ' ' || *p == 0x7f)
				return berth_fail(err, BERTH_EINVAL, "network create: label %zu has control characters", i);
		size_t k = strcspn(l, "=");
		if ((k == strlen(BERTH_LABEL_MANAGED) && strncmp(l, BERTH_LABEL_MANAGED, k) == 0) ||
		    (k == strlen(BERTH_LABEL_OWNER) && strncmp(l, BERTH_LABEL_OWNER, k) == 0))
			return berth_fail(err, BERTH_EINVAL, "network create: label %.*s is berth's own", (int)k, l);
	}
	return 0;
}

int berth_network_create(char **out_id, berth_client *c, const char *name, const berth_network_create_options *opts,
			 berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_NETWORK_CREATE_OPTIONS_VERSION, err);
	berth_network_create_options o = BERTH_NETWORK_CREATE_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = check_new_network(name, err);
	if (r == 0 && o.driver && !STREQ(o.driver, "bridge"))
		r = berth_fail(err, BERTH_EINVAL, "network create: driver \"%.64s\" (berth makes bridge networks)",
			       o.driver);
	if (r == 0)
		r = check_addresses(&o, err);
	if (r == 0)
		r = check_labels(o.labels, o.label_count, err);
	if (r < 0)
		return r;
	/* the caller's labels, then berth's */
	_cleanup_strv_ strv labels = STRV_INIT;
	_cleanup_free_ char *owner = NULL;
	for (size_t i = 0; i < o.label_count; i++)
		if (strv_push(&labels, o.labels[i]) < 0)
			return BERTH_NOMEM(err);
	if (strv_push(&labels, BERTH_LABEL_MANAGED "=true") < 0 ||
	    (!isempty(c->owner) && (asprintf(&owner, "%s=%s", BERTH_LABEL_OWNER, c->owner) < 0 ||
				    strv_push(&labels, owner) < 0)))
		return BERTH_NOMEM(err);
	o.driver = "bridge";
	o.labels = (const char *const *)labels.items;
	o.label_count = labels.len;
	return ENGINE_CALL(c, network_create, err, out_id, c, name, &o, err);
}

int berth_network_inspect(berth_network_info **out, berth_client *c, const char *name, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	int r = check_network(name, "network inspect", err);
	return r < 0 ? r : ENGINE_CALL(c, network_inspect, err, out, c, name, err);
}

int berth_network_list_get(berth_network_list **out, berth_client *c, const berth_network_list_options *opts,
			   berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	CHECK_OPTS(opts, BERTH_NETWORK_LIST_OPTIONS_VERSION, err);
	berth_network_list_options o = BERTH_NETWORK_LIST_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = check_label_filters(o.labels, o.label_count, "network list", err);
	return r < 0 ? r : ENGINE_CALL(c, network_list, err, out, c, &o, err);
}

/* BERTH_ECONFLICT naming the containers on n, or 0 when there are none. */
static int refuse_in_use(const berth_network_info *n, berth_error *err)
{
	size_t count = berth_network_info_container_count(n);
	if (!count)
		return 0;
	_cleanup_sbuf_ sbuf names = SBUF_INIT;
	for (size_t i = 0; i < count && i < 8; i++)
		if (sbuf_printf(&names, "%s%s", i ? ", " : "", berth_network_info_container_name(n, i)) < 0)
			return BERTH_NOMEM(err);
	if (count > 8 && sbuf_printf(&names, " and %zu more", count - 8) < 0)
		return BERTH_NOMEM(err);
	return berth_fail(err, BERTH_ECONFLICT, "network remove %s: in use by %s", berth_network_info_name(n),
			  names.data);
}

int berth_network_remove(berth_client *c, const char *name, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	int r = check_network(name, "network remove", err);
	if (r < 0)
		return r;
	berth_network_info *n = NULL;
	r = ENGINE_CALL(c, network_inspect, err, &n, c, name, err);
	if (r == 0)
		r = refuse_in_use(n, err);
	berth_network_info_free(n);
	return r < 0 ? r : ENGINE_CALL(c, network_remove, err, c, name, err);
}

int berth_network_prune(berth_prune_result **out, berth_client *c, const berth_network_prune_options *opts,
			berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_NETWORK_PRUNE_OPTIONS_VERSION, err);
	berth_network_prune_options o = BERTH_NETWORK_PRUNE_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = check_label_filters(o.labels, o.label_count, "network prune", err);
	if (r < 0)
		return r;
	berth_prune_result *got = NULL;
	r = ENGINE_CALL(c, network_prune, err, &got, c, &o, err);
	if (r < 0)
		return r;
	if (out)
		*out = got;
	else
		berth_prune_result_free(got);
	return 0;
}

int berth_network_connect(berth_client *c, const char *network, const char *container,
			  const berth_network_connect_options *opts, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_NETWORK_CONNECT_OPTIONS_VERSION, err);
	berth_network_connect_options o = BERTH_NETWORK_CONNECT_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = check_network(network, "network connect", err);
	if (r == 0)
		r = check_id(container, err);
	if (r == 0 && !o.aliases && o.alias_count)
		r = berth_fail(err, BERTH_EINVAL, "network connect: aliases is NULL");
	for (size_t i = 0; r == 0 && i < o.alias_count; i++)
		if (!net_name_ok(o.aliases[i], ALIAS_MAX))
			r = berth_fail(err, BERTH_EINVAL,
				       "network connect: alias \"%.64s\" is no name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)",
				       strempty(o.aliases[i]));
	return r < 0 ? r : ENGINE_CALL(c, network_connect, err, c, network, container, &o, err);
}

int berth_network_disconnect(berth_client *c, const char *network, const char *container, int force,
			     berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	int r = check_network(network, "network disconnect", err);
	if (r == 0)
		r = check_id(container, err);
	return r < 0 ? r : ENGINE_CALL(c, network_disconnect, err, c, network, container, force != 0, err);
}
