/* The containerd lifecycle (ctrd_lifecycle.c), logs (ctrd_logs.c) and the
 * bridge network (ctrd_cni.c): the backend functions behind the ops table.
 * What they share about a container is in ctrd_record.h. */
#ifndef BERTH_CTRD_LIFECYCLE_H
#define BERTH_CTRD_LIFECYCLE_H

#include "ctrd_containerd.h"
#include "ctrd_exec.h"
#include "ctrd_logread.h"
#include "ctrd_health.h"

#include "api_services_containers_v1_containers.pb-c.h"

/* The container extension holding the spec as Docker's create body. */
#define CTRD_DOCKER_VIEW_TYPE "io.berth.containerd/docker-create-body"
/* Append ,"Config":{...},"HostConfig":{...} from that extension (nothing
 * for containers berth did not create) to inspect's raw JSON. */
int ctrd_raw_docker_view(sbuf *b, const Containerd__Services__Containers__V1__Container *k);
/* Append the OCI spec JSON of a record with the unlimited rlimits
 * (uint64 maximum) written as -1, as Docker shows unlimited, so that JSON
 * readers without 64-bit unsigned integers can read inspect's raw JSON. */
int ctrd_raw_spec(sbuf *b, const char *json, size_t len);

/* ctrd_lifecycle.c */
int ctrd_container_create(char **out_id, struct berth_client *c, const berth_spec *spec, berth_error *err);
int ctrd_container_start(struct berth_client *c, const char *id, berth_error *err);
int ctrd_container_stop(struct berth_client *c, const char *id, int grace_seconds, berth_error *err);
int ctrd_container_restart(struct berth_client *c, const char *id, int grace_seconds, berth_error *err);
int ctrd_container_kill(struct berth_client *c, const char *id, int signal, berth_error *err);
int ctrd_container_pause(struct berth_client *c, const char *id, berth_error *err);
int ctrd_container_unpause(struct berth_client *c, const char *id, berth_error *err);
int ctrd_container_update(struct berth_client *c, const char *id, const berth_update_options *opts,
			  berth_error *err);
int ctrd_container_wait(berth_wait_outcome *out, struct berth_client *c, const char *id,
			berth_wait_condition condition, int timeout_ms, berth_error *err);
int ctrd_container_rename(struct berth_client *c, const char *id, const char *new_name, berth_error *err);
/* What inspect adds from the lifecycle's records: the health check's
 * configuration and state, an OOM kill seen in a stopped task's cgroup. */
int ctrd_inspect_extra(berth_container_info *x, struct berth_client *c,
		       const Containerd__Services__Containers__V1__Container *k);

/* ctrd_logs.c */
/* The engine op behind berth_container_logs(). */
int ctrd_container_logs_q(berth_stream **out, struct berth_client *c, const char *id, const ctrd_log_query *q,
			  berth_error *err);
/* The engine op behind berth_container_attach(): the log followed. */
int ctrd_container_attach(berth_stream **out, struct berth_client *c, const char *id,
			  const berth_attach_options *opts, berth_error *err);
int ctrd_logs_scan(struct berth_client *c, const char *id, int64_t since, int tail, int timeout_ms,
		   int (*on_data)(const char *data, size_t len, void *payload), void *payload, berth_error *err);

/* ctrd_cni.c: the bridge network of a task. */
/* The network namespace file of container id (in its state directory). */
int ctrd_netns_path(char *out, size_t size, const struct berth_client *c, const char *id);
/* Before a task is created: for a container on the default bridge
 * (CTRD_LABEL_NETWORK "bridge") or on named networks (CTRD_LABEL_NET_PREFIX
 * labels) a namespace and a CNI ADD per network (eth0 first: the bridge or
 * the network of CTRD_LABEL_NETWORK, with the route out and the published
 * ports of CTRD_LABEL_PORTS; then eth1, ...), the records inspect reads,
 * and /etc/hosts with the address and the peers of the named networks
 * (theirs rewritten too). Anything else: nothing. 0, BERTH_ENOTFOUND (a
 * named network is gone), or what ctrd_cni_add returns. */
int ctrd_net_up(struct berth_client *c, const char *id, const Containerd__Services__Containers__V1__Container *k,
		berth_error *err);
/* After a task is deleted: CNI DEL of every interface, the namespace
 * unmounted and removed, the records gone, the peers' /etc/hosts
 * rewritten. Idempotent; quick when there is nothing. */
void ctrd_net_down(const struct berth_client *c, const char *id);
struct cni_netdef;
/* A running container's connection to named network d (name: the
 * container's; aliases: the label's "+a,b"): ADD on the next free ethN,
 * its record, the /etc/hosts of it and its peers. Nothing when the
 * container runs without a namespace of its own (its next start joins).
 * 0 or what ctrd_cni_add returns. */
int ctrd_net_attach(struct berth_client *c, const char *id, const char *name, const struct cni_netdef *d,
		    const char *aliases, berth_error *err);
/* Its disconnection: DEL of its interface on network netid, if any. */
void ctrd_net_detach(struct berth_client *c, const char *id, const char *netid);
/* The addresses ("10.90.1.2/24") of container id on network netid while
 * it runs, appended to out. 0 or -ENOMEM. */
int ctrd_net_addresses(strv *out, const struct berth_client *c, const char *id, const char *netid);
/* What a removed network leaves on the host: its bridge, its leases. */
void ctrd_net_gone(const struct cni_netdef *d);
/* Fill x's networks and ports from the record (nothing without one).
 * 0 or -ENOMEM. */
int ctrd_net_inspect(berth_container_info *x, const struct berth_client *c, const char *id);
/* The list's ports column from the record: "127.0.0.1:32768->80/tcp, ...",
 * "" without a record; NULL when memory is short. */
char *ctrd_net_ports_text(const struct berth_client *c, const char *id);
/* The bytes the container's eth0 received and sent (the host's end of its
 * veth pair, read the other way round). 0, or -1 without a network. */
int ctrd_net_counters(uint64_t *rx, uint64_t *tx, const struct berth_client *c, const char *id);

#endif
