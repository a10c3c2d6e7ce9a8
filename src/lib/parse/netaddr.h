/* Network words checked before any request: IPv4 and IPv6 addresses,
 * subnets in CIDR notation, and the names of networks and aliases. Pure. */
#ifndef BERTH_PARSE_NETADDR_H
#define BERTH_PARSE_NETADDR_H

#include "lib/internal.h"

typedef struct net_addr {
	int family;               /* AF_INET or AF_INET6 */
	unsigned char bytes[16];  /* 4 used for AF_INET */
} net_addr;

typedef struct net_cidr {
	net_addr base;
	unsigned prefix;          /* 0..32 or 0..128 */
} net_cidr;

/* An address, "10.1.2.3" or "fd00::1". 0 or BERTH_EINVAL naming `what`. */
int net_addr_parse(net_addr *out, const char *text, const char *what, berth_error *err);

/* A subnet "10.1.2.0/24" or "fd00:1::/64": the address with no bits set
 * beyond the prefix (the message gives the subnet meant otherwise). 0 or
 * BERTH_EINVAL naming `what`. */
int net_cidr_parse(net_cidr *out, const char *text, const char *what, berth_error *err);

/* Whether a is in the subnet (same family, the prefix's bits equal). */
bool net_cidr_contains(const net_cidr *c, const net_addr *a);

/* A network's or an alias' name as Docker takes them:
 * [a-zA-Z0-9][a-zA-Z0-9_.-]*, 1 to max characters. */
bool net_name_ok(const char *name, size_t max);

#endif
