/* berth — user networks: create, list, inspect, remove, prune, and a
 * container's connection to one.
 *
 * A user network is a bridge of its own with its own subnet; containers on
 * it reach each other by container name and by the aliases they joined
 * with (the engine's own name service: Docker's embedded DNS, Podman's
 * aardvark-dns through netavark). A container joins one at create
 * (berth_spec_set_network_mode() with the network's name, and
 * berth_spec_add_network_alias()) or later (berth_network_connect()).
 *
 * Engine differences: Docker through /networks; Podman through its
 * compat /networks (4.3: a network made there has DNS on, aardvark-dns
 * answers for the members' names and aliases; its inspect lists only the
 * containers that run, as Docker's does). An internal network: Docker
 * 20.10 gives its members a default route its firewall cuts off; Podman
 * 4.3 with netavark 1.4 (measured on Debian 12) also drops the packets
 * between the members, whose names still resolve.
 *
 * containerd has no networks of its own: berth keeps them. Each named
 * network is a record in berth's store ($BERTH_CONTAINERD_NETWORK_DIR,
 * default /var/lib/berth/containerd/networks/<namespace>/<name>.json, with
 * the CNI configuration list beside it) and a bridge of its own
 * ("bn-" and 12 characters of its id) made by Debian's CNI plugins
 * (bridge with host-local addresses in its subnet, portmap, firewall;
 * /usr/lib/cni) when a member starts. A subnet not given is the first free
 * 10.90.N.0/24 (none of berth's other networks', not berth0's
 * 10.213.0.0/24, no address of the host's interfaces in it). A container
 * joins its networks when its task starts (CNI ADD into the task's
 * namespace: eth0 for the network of its network mode, with the route out
 * and the published ports, eth1... for those it was connected to) and
 * leaves them when the task ends (CNI DEL). Connect and disconnect of a
 * running container add or remove the interface at once; of a stopped one
 * they are recorded and applied at its next start. An internal network has
 * no masquerade and gives no route out. Nothing of this needs a daemon:
 * the store and the containers' records are files and labels.
 * Names: Debian ships no DNS plugin for CNI (no dnsname, no aardvark for
 * containerd), so berth writes the members of a container's named networks
 * into its /etc/hosts (a berth-owned file bind-mounted there): each
 * member's address with its container name, its short id and its aliases.
 * berth rewrites the file of every member when one starts, stops, is
 * removed, connected or disconnected, keeping the container's own lines
 * (localhost, its hostname, extra hosts). The file is bind-mounted, which
 * pins its inode, so the rewrite happens in place (the whole text in one
 * write, then the length cut) under a lock, not by a rename. Resolution is
 * then the C library's (getaddrinfo, getent): a tool that only asks a DNS
 * server (busybox's nslookup, dig) finds nothing. The built-in "bridge"
 * (berth0), "host" and "none" are listed but cannot be removed or joined
 * later; a network's inspect lists every container that is on it, running
 * or not (addresses only for the running ones), so a stopped member keeps
 * a network from removal and prune. IPv4 only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_NETWORK_H
#define BERTH_NETWORK_H

#include <berth/client.h>
#include <berth/container.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- create ------------------------------------------------------------- */

#define BERTH_NETWORK_CREATE_OPTIONS_VERSION 1
typedef struct berth_network_create_options {
	unsigned int version;        /**< BERTH_NETWORK_CREATE_OPTIONS_VERSION */
	const char *driver;          /**< "bridge"; NULL: bridge */
	const char *subnet;          /**< "10.89.7.0/24" or an IPv6 CIDR; NULL: the engine picks one */
	const char *gateway;         /**< an address in subnet; NULL: the engine's (the first) */
	int internal;                /**< no route out of the network */
	const char *const *labels;   /**< "key=value" (or "key", an empty value) */
	size_t label_count;
} berth_network_create_options;
#define BERTH_NETWORK_CREATE_OPTIONS_INIT { BERTH_NETWORK_CREATE_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL, 0 }

/**
 * Create a network named `name` ([a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 128
 * characters; not "bridge", "host", "none" or "default"). opts may be
 * NULL. It carries BERTH_LABEL_MANAGED and, when the client has an owner,
 * BERTH_LABEL_OWNER, besides opts->labels (which may not set those two).
 * *out_id (may be NULL) gets the network's id (free with berth_free()).
 * Engine differences: Docker and Podman pick a free private subnet when
 * none is given.
 * @return 0; BERTH_EINVAL (a bad name, driver other than bridge, subnet
 *   that is no CIDR, gateway that is no address of the subnet or without
 *   a subnet, a bad or reserved label, options version; all before any
 *   request); BERTH_EEXISTS (a network has that name); BERTH_ECONFLICT
 *   (the subnet overlaps another network's); BERTH_EUNSUPPORTED
 *   (containerd: an IPv6 subnet); BERTH_EUNAVAILABLE (containerd: the
 *   store cannot be written, no free subnet); transport errors.
 */
BERTH_API int berth_network_create(char **out_id, berth_client *client, const char *name,
				   const berth_network_create_options *opts, berth_error *err);

/* ---- inspect ------------------------------------------------------------ */

/** One network's record (opaque). */
typedef struct berth_network_info berth_network_info;

/**
 * Inspect a network by name or id.
 * @return 0; BERTH_ENOTFOUND; BERTH_EINVAL (empty name); BERTH_EPROTOCOL;
 *   transport errors.
 */
BERTH_API int berth_network_inspect(berth_network_info **out, berth_client *client, const char *name,
				    berth_error *err);
BERTH_API void berth_network_info_free(berth_network_info *info);
BERTH_API const char *berth_network_info_id(const berth_network_info *info);
BERTH_API const char *berth_network_info_name(const berth_network_info *info);
/** "bridge", "host", "null", ... as the engine names it. */
BERTH_API const char *berth_network_info_driver(const berth_network_info *info);
/** "local" (Docker's swarm scopes otherwise). */
BERTH_API const char *berth_network_info_scope(const berth_network_info *info);
BERTH_API int berth_network_info_internal(const berth_network_info *info);
/** RFC 3339 creation time as the engine records it; "" when absent. */
BERTH_API const char *berth_network_info_created(const berth_network_info *info);
/** The IPAM configurations: subnet i ("172.18.0.0/16") and its gateway
 *  ("" when the engine does not say). */
BERTH_API size_t berth_network_info_subnet_count(const berth_network_info *info);
BERTH_API const char *berth_network_info_subnet(const berth_network_info *info, size_t i);
BERTH_API const char *berth_network_info_gateway(const berth_network_info *info, size_t i);
/** Labels, in key order. */
BERTH_API size_t berth_network_info_label_count(const berth_network_info *info);
BERTH_API const char *berth_network_info_label_key(const berth_network_info *info, size_t i);
BERTH_API const char *berth_network_info_label_value(const berth_network_info *info, size_t i);
/** The value of one label, NULL when absent. */
BERTH_API const char *berth_network_info_label(const berth_network_info *info, const char *key);
/** The containers attached (Docker and Podman: those that run), sorted by
 *  name: id, name, and addresses with their prefix ("172.18.0.2/16";
 *  "" when none). Empty in a list's entries (the engines leave them out). */
BERTH_API size_t berth_network_info_container_count(const berth_network_info *info);
BERTH_API const char *berth_network_info_container_id(const berth_network_info *info, size_t i);
BERTH_API const char *berth_network_info_container_name(const berth_network_info *info, size_t i);
BERTH_API const char *berth_network_info_container_ipv4(const berth_network_info *info, size_t i);
BERTH_API const char *berth_network_info_container_ipv6(const berth_network_info *info, size_t i);
/** The engine's record as JSON. Borrowed. */
BERTH_API const char *berth_network_info_raw_json(const berth_network_info *info);

/* ---- list --------------------------------------------------------------- */

#define BERTH_NETWORK_LIST_OPTIONS_VERSION 1
typedef struct berth_network_list_options {
	unsigned int version;        /**< BERTH_NETWORK_LIST_OPTIONS_VERSION */
	const char *const *labels;   /**< "key" or "key=value" filters (all must match) */
	size_t label_count;
} berth_network_list_options;
#define BERTH_NETWORK_LIST_OPTIONS_INIT { BERTH_NETWORK_LIST_OPTIONS_VERSION, NULL, 0 }

/** The networks of the engine (opaque). */
typedef struct berth_network_list berth_network_list;

/**
 * List the networks (the engine's own ones, "bridge", "host", "none" or
 * "podman", among them unless a filter leaves them out), sorted by name.
 * opts may be NULL.
 * @return 0; BERTH_EINVAL (an empty filter, options version);
 *   BERTH_EPROTOCOL; transport errors.
 */
BERTH_API int berth_network_list_get(berth_network_list **out, berth_client *client,
				     const berth_network_list_options *opts, berth_error *err);
BERTH_API void berth_network_list_free(berth_network_list *list);
BERTH_API size_t berth_network_list_count(const berth_network_list *list);
/** Entry i as a record (borrowed: lives as long as the list; NULL for a
 *  bad index). Its containers are empty. */
BERTH_API const berth_network_info *berth_network_list_at(const berth_network_list *list, size_t i);

/* ---- remove, prune ------------------------------------------------------ */

/**
 * Remove a network by name or id. A network a container uses is refused:
 * berth inspects it first and names the containers attached.
 * @return 0; BERTH_ENOTFOUND; BERTH_ECONFLICT (in use: the message names
 *   the containers; also the engine's own refusal of a built-in network);
 *   BERTH_EINVAL (empty name); transport errors.
 */
BERTH_API int berth_network_remove(berth_client *client, const char *name, berth_error *err);

#define BERTH_NETWORK_PRUNE_OPTIONS_VERSION 1
typedef struct berth_network_prune_options {
	unsigned int version;        /**< BERTH_NETWORK_PRUNE_OPTIONS_VERSION */
	const char *const *labels;   /**< "key" or "key=value": only networks that carry all of them */
	size_t label_count;
} berth_network_prune_options;
#define BERTH_NETWORK_PRUNE_OPTIONS_INIT { BERTH_NETWORK_PRUNE_OPTIONS_VERSION, NULL, 0 }

/**
 * Remove the user networks no container uses that match every label
 * filter. WITHOUT A LABEL FILTER IT GOES OVER EVERY NETWORK OF THE
 * ENGINE, as `docker network prune` does. The built-in networks are never
 * removed. *out (may be NULL) has the names of the networks removed
 * (berth_prune_result_id(); the space reclaimed is 0); free it with
 * berth_prune_result_free().
 * @return 0; BERTH_EINVAL (an empty label filter, options version);
 *   BERTH_ECONFLICT (a prune is running); BERTH_EPROTOCOL; transport errors.
 */
BERTH_API int berth_network_prune(berth_prune_result **out, berth_client *client,
				  const berth_network_prune_options *opts, berth_error *err);

/* ---- connect, disconnect ------------------------------------------------ */

#define BERTH_NETWORK_CONNECT_OPTIONS_VERSION 1
typedef struct berth_network_connect_options {
	unsigned int version;         /**< BERTH_NETWORK_CONNECT_OPTIONS_VERSION */
	const char *const *aliases;   /**< more names the container answers to on this network */
	size_t alias_count;
} berth_network_connect_options;
#define BERTH_NETWORK_CONNECT_OPTIONS_INIT { BERTH_NETWORK_CONNECT_OPTIONS_VERSION, NULL, 0 }

/**
 * Connect a container (name or id; running or not) to a network, with
 * aliases (each [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 253 characters).
 * opts may be NULL.
 * Engine differences: Podman 4.3 connects a running container at once
 * (netavark adds the interface); Docker too; containerd too (a stopped
 * one joins at its next start), but only to a named network, and not a
 * container of network mode host or none (BERTH_ECONFLICT).
 * @return 0; BERTH_ENOTFOUND (no such network or container);
 *   BERTH_EALREADY (it is connected already: Docker says so with 403, Podman
 *   with 500, both mapped here); BERTH_EINVAL (bad names or aliases,
 *   options version); BERTH_ECONFLICT (containerd: a container without a
 *   network of its own); BERTH_EUNSUPPORTED (containerd: "bridge");
 *   transport errors.
 */
BERTH_API int berth_network_connect(berth_client *client, const char *network, const char *container,
				    const berth_network_connect_options *opts, berth_error *err);

/**
 * Disconnect a container from a network. force: Docker's force (also for
 * a container that is gone); Podman ignores it.
 * @return 0; BERTH_ENOTFOUND (no such network or container);
 *   BERTH_ECONFLICT (the container is not on the network); BERTH_EINVAL;
 *   transport errors.
 */
BERTH_API int berth_network_disconnect(berth_client *client, const char *network, const char *container,
				       int force, berth_error *err);

#ifdef __cplusplus
}
#endif
#endif
