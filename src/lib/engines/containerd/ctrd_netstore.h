/* berth's network store for containerd, which has no networks: a record
 * per named network, $BERTH_CONTAINERD_NETWORK_DIR (default
 * /var/lib/berth/containerd/networks, kept across reboots), then
 * /<namespace>/<name>.json, holding Docker's network object (id, subnet,
 * gateway, internal, labels, the time of creation), and beside it
 * <name>.conflist, the CNI configuration list berth runs for it (see
 * ctrd_cni.h: a bridge "bn-<id12>" of its own, host-local addresses in
 * its subnet, portmap, firewall).
 *
 * A container is on a named network while its record carries the label
 * CTRD_LABEL_NET_PREFIX<network id> (ctrd_record.h), whatever its state;
 * the interfaces of a running one are in its state directory (ctrd_cni.c).
 * Nothing here runs a plugin or asks containerd: it stands on the record
 * layer's files and the pure parsers. */
#ifndef BERTH_CTRD_NETSTORE_H
#define BERTH_CTRD_NETSTORE_H

#include "ctrd_cni.h"
#include "ctrd_record.h"
#include "lib/model/network_model.h"

/* Create network name (checked by the entry point) with a new 64-hex id:
 * opts->subnet, or the first free 10.90.N.0/24 (free: no other network
 * of berth's, not the default bridge's, no address of the host's
 * interfaces in it); opts->gateway or the subnet's first address.
 * @return 0; BERTH_EEXISTS (the name is taken); BERTH_ECONFLICT (the
 *   subnet overlaps another network's); BERTH_EUNSUPPORTED (an IPv6
 *   subnet); BERTH_EUNAVAILABLE (the store cannot be written, no free
 *   subnet). */
int ctrd_netstore_create(char **out_id, const struct berth_client *c, const char *name,
			 const berth_network_create_options *opts, berth_error *err);
/* The record of a network by name, id, or a unique prefix of an id.
 * BERTH_ENOTFOUND "network NAME not found". */
int ctrd_netstore_get(berth_network_info **out, const struct berth_client *c, const char *ref, berth_error *err);
/* Every network of the store, sorted by name. */
int ctrd_netstore_list(berth_network_list **out, const struct berth_client *c, berth_error *err);
/* Remove the record of n (its conflist too). BERTH_ENOTFOUND. */
int ctrd_netstore_remove(const struct berth_client *c, const berth_network_info *n, berth_error *err);
/* What the CNI plugins need of n. 0, or BERTH_EPROTOCOL (a record
 * without an IPv4 subnet and gateway). */
int ctrd_netstore_def(cni_netdef *d, const berth_network_info *n, berth_error *err);

#endif
