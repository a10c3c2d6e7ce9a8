/* The records behind berth_network_info and berth_network_list (public
 * accessors in network_model.c; parse/network_json.c fills them). */
#ifndef BERTH_NETWORK_MODEL_H
#define BERTH_NETWORK_MODEL_H

#include "lib/model/model.h"
#include <berth/network.h>

typedef struct network_member {
	char *id, *name, *ipv4, *ipv6;   /* never NULL once filled ("" when absent) */
} network_member;

struct berth_network_info {
	char *id, *name, *driver, *scope, *created, *raw;   /* never NULL once filled */
	bool internal;
	strv subnets, gateways;          /* parallel: gateway i of subnet i ("" when not said) */
	strv label_keys, label_values;   /* sorted by key */
	network_member *members;         /* sorted by name */
	size_t members_len;
};

struct berth_network_list {
	berth_network_info *items;       /* sorted by name */
	size_t len;
};

/* Release what a record holds (not the record itself). */
void network_info_release(berth_network_info *n);

#endif
