/* ctrd_cni.c: the default (bridge) network of containerd containers, made the
 * way nerdctl makes it: berth runs the CNI plugins itself (no CNI library
 * exists in C) on a network namespace it bind-mounts into the container's
 * state directory.
 *
 * The network is one berth-owned bridge (CNI_BRIDGE) on CNI_SUBNET, with
 * the plugins bridge (host-local IPAM, masquerade, gateway), portmap (the
 * published ports, as runtimeConfig.portMappings) and firewall, run in
 * that order for ADD and in the reverse order for DEL.
 *
 * The first half (ctrd_cniconf.c) is pure: plugin configurations built, plugin
 * results, errors and berth's records parsed, bytes in and models out (a
 * fuzz target reads them). The second half (ctrd_cni.c) forks and executes. */
#ifndef BERTH_CTRD_CNI_H
#define BERTH_CTRD_CNI_H

#include "lib/internal.h"
#include "lib/model/model.h"

#define CNI_VERSION "1.0.0"        /* containernetworking-plugins 1.1.1 speaks 0.1.0 .. 1.0.0 */
#define CNI_NETWORK "berth"        /* the network's name (host-local keeps its leases under it) */
#define CNI_BRIDGE "berth0"
/* docker0 has 172.17.0.0/16, podman0 10.88.0.0/16: this collides with neither */
#define CNI_SUBNET "10.213.0.0/24"
#define CNI_GATEWAY "10.213.0.1"
#define CNI_IFNAME "eth0"
#define CNI_PLUGIN_DIR "/usr/lib/cni"
/* host-local's leases: on /run like the namespaces and records they go with
 * (a reboot that ends every task ends them too) */
#define CNI_DATA_DIR "/run/berth/cni/networks"
/* the name inspect shows the network under, as Docker's default network */
#define CNI_INSPECT_NAME "bridge"

/* The plugins of the network, in ADD order. */
#define CNI_N_PLUGINS 3
#define CNI_PORTMAP 1              /* its index: skipped without published ports */
const char *ctrd_cni_plugin_type(size_t i);

/* A network a container's interface is on: berth's default bridge (id
 * "", CNI_BRIDGE on CNI_SUBNET) or one of berth's named networks (its
 * store record, ctrd_netstore.h), each a bridge of its own. */
typedef struct cni_netdef {
	char id[72];        /* the named network's id; "" for the default bridge */
	char cni_name[32];  /* CNI's name of it: host-local keeps its leases under it */
	char bridge[16];    /* the bridge device */
	char subnet[48], gateway[48];
	bool internal;      /* no masquerade, no route out */
} cni_netdef;

/* The default bridge's definition. */
void ctrd_cni_netdef_default(cni_netdef *d);
/* A named network's: the bridge "bn-" and the CNI name "berth-" with the
 * first 12 characters of its id (hex). 0, or -EINVAL (an id that is no
 * hex of 12 or more, a subnet or gateway that is no IPv4 text). */
int ctrd_cni_netdef_named(cni_netdef *d, const char *id, const char *subnet, const char *gateway, bool internal);

/* A published port as portmap reads it (runtimeConfig.portMappings). */
typedef struct cni_port {
	char host_ip[48];  /* "" : every address */
	int host_port;     /* 0: not chosen yet */
	int container_port;
	char proto[8];     /* tcp, udp, sctp */
} cni_port;

/* What a container's network is once ADD succeeded. */
typedef struct cni_net {
	char ip[48];       /* the container's address, without prefix */
	int prefix;
	char gateway[48];
	char mac[24];
	char host_if[16];  /* the host's end of the veth pair ("" unknown) */
	cni_port *ports;
	size_t n_ports;
	/* where: the interface in the container, its network, and whether it
	 * is the container's first (the route out, the published ports) */
	char ifname[16];
	cni_netdef def;
	bool primary;
	/* the names peers resolve it by on a named network: the container's
	 * name, its short id, its aliases (space-separated) */
	char *names;
} cni_net;

void ctrd_cni_net_release(cni_net *n);

/* The configuration plugin i reads on stdin: the network's name and
 * version, the plugin's fields, prevResult (a plugin's result JSON, NULL
 * for the first) and, for portmap, runtimeConfig.portMappings.
 * 0; BERTH_EPROTOCOL (prev_result is not JSON); BERTH_ENOMEM. */
int ctrd_cni_plugin_conf(char **out, size_t i, const char *prev_result, const cni_port *ports, size_t n_ports,
			 berth_error *err);
/* The same for network d (NULL: the default bridge); primary: the
 * interface that gets the route out (never on an internal network). */
int ctrd_cni_plugin_conf_on(char **out, size_t i, const cni_netdef *d, bool primary, const char *prev_result,
			    const cni_port *ports, size_t n_ports, berth_error *err);
/* Network d as one CNI configuration list ({"cniVersion", "name",
 * "plugins": [bridge, portmap, firewall]}), as berth keeps it beside the
 * network's record for anyone who wants to run the plugins by hand.
 * 0 or -ENOMEM. */
int ctrd_cni_conflist(char **out, const cni_netdef *d);

/* A plugin's ADD result: the address on CNI_IFNAME (in the container's
 * namespace), its gateway and the interface's MAC. ports are not touched.
 * 0; BERTH_EPROTOCOL (not a result, no IPv4 address). */
int ctrd_cni_result_parse(cni_net *out, const char *json, size_t len, berth_error *err);
/* The same for interface ifname on bridge `bridge`. */
int ctrd_cni_result_parse_on(cni_net *out, const char *json, size_t len, const char *ifname, const char *bridge,
			     berth_error *err);

/* A plugin's error reply ({"code": N, "msg": ..., "details": ...}) as one
 * line in out; the code, or -1 when the bytes are no CNI error. */
int ctrd_cni_error_text(char *out, size_t size, const char *json, size_t len);

/* The published ports as berth keeps them (a JSON array in portmap's
 * shape): format from the spec, parse back. Parse: 0; BERTH_EPROTOCOL;
 * BERTH_ENOMEM. An empty or NULL text is no ports. */
int ctrd_cni_ports_format(char **out, const spec_port *ports, size_t n);
int ctrd_cni_ports_parse(cni_port **out, size_t *n, const char *text, size_t len, berth_error *err);

/* berth's record of a container's network (its state directory's
 * network.json): the address, gateway, MAC and the ports as published. */
int ctrd_cni_net_format(char **out, const cni_net *n);
int ctrd_cni_net_parse(cni_net *out, const char *json, size_t len, berth_error *err);

/* The container's /etc/hosts with its own name on its address: the first
 * line naming hostname gets ip as its address. *out is malloc'd. */
int ctrd_cni_hosts_with_ip(char **out, const char *hosts, const char *hostname, const char *ip);

/* A peer line of a container's /etc/hosts: an address and the names it
 * answers to (space-separated). */
typedef struct cni_peer {
	const char *ip;
	const char *names;
} cni_peer;
/* A container's /etc/hosts on named networks: base (what create wrote)
 * with its own name on own_ip (NULL: left as it is), then one line per
 * peer. Names that are no [a-zA-Z0-9_.-] words and addresses that are no
 * IPv4 ones are left out, so a record cannot put a line of its choosing
 * there. *out is malloc'd. 0 or -ENOMEM. */
int ctrd_cni_hosts_with_peers(char **out, const char *base, const char *hostname, const char *own_ip,
			      const cni_peer *peers, size_t n);

/* Whether two IPv4 subnets ("10.90.3.0/24") share an address; false when
 * either is no IPv4 CIDR. */
bool ctrd_cni_subnets_overlap(const char *a, const char *b);
/* The first subnet 10.90.N.0/24 (N from 0 to 255) that overlaps none of
 * taken (CIDR texts; others are ignored), written in out; -ENOSPC when
 * every one does. */
int ctrd_cni_pick_subnet(char out[20], const char *const *taken, size_t n);
/* The first host address of an IPv4 subnet (its gateway by default), in
 * out. 0 or -EINVAL. */
int ctrd_cni_first_host(char out[16], const char *subnet);

/* ---- ctrd_cni.c: processes and namespaces ---- */

/* A new network namespace bind-mounted on path (created), loopback up.
 * 0; BERTH_EENGINE naming the step that failed. */
int ctrd_cni_netns_create(const char *path, berth_error *err);
/* Unmount and unlink it; a missing one is fine. */
void ctrd_cni_netns_remove(const char *path);

/* Whether port p with host port `port` and port q would take the same
 * host port: same protocol and port, addresses equal or either all
 * addresses. */
bool ctrd_cni_port_clash(const cni_port *p, int port, const cni_port *q);

/* Settle the host ports: a port given must be free (no socket of the host
 * on it, not in taken: berth's other containers, whose DNAT rules bind
 * nothing), a port 0 gets a free one that is in neither.
 * 0; BERTH_ECONFLICT ("port is already allocated", as Docker says);
 * BERTH_EINVAL (a host address that is no IP address); BERTH_EENGINE. */
int ctrd_cni_host_ports(cni_port *ports, size_t n, const cni_port *taken, size_t n_taken, berth_error *err);

/* ADD the container to the network: each plugin in order, the previous
 * one's result given to the next (host ports settled before: see
 * ctrd_cni_host_ports). On failure what was added is deleted again.
 * out->ports takes the ports (with their host ports), *result the last
 * plugin's result (DEL needs it).
 * 0; BERTH_EENGINE (a plugin failed: its message); BERTH_EUNAVAILABLE (no
 * plugins in CNI_PLUGIN_DIR); BERTH_ETIMEDOUT; BERTH_ENOMEM. */
int ctrd_cni_add(cni_net *out, char **result, const char *id, const char *netns, const cni_port *ports, size_t n_ports,
		 berth_error *err);
/* DEL: each plugin in reverse order with the same configuration and the
 * ADD's result as prevResult (result: NULL when there is none; firewall
 * then finds nothing of the container's to remove); what is gone already
 * is fine. Runs every plugin even when one fails; the first error is
 * returned. */
int ctrd_cni_del(const char *id, const char *netns, const cni_port *ports, size_t n_ports, const char *result,
		 berth_error *err);
/* ADD and DEL of interface ifname on network d (NULL: the default bridge),
 * primary as ctrd_cni_plugin_conf_on takes it. */
int ctrd_cni_add_on(cni_net *out, char **result, const char *id, const char *netns, const cni_netdef *d,
		    const char *ifname, bool primary, const cni_port *ports, size_t n_ports, berth_error *err);
int ctrd_cni_del_on(const char *id, const char *netns, const cni_netdef *d, const char *ifname, bool primary,
		    const cni_port *ports, size_t n_ports, const char *result, berth_error *err);

#endif
