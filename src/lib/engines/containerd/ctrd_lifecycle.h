/* The containerd lifecycle (ctrd_lifecycle.c), logs (ctrd_logs.c) and exec
 * (ctrd_exec.c): the backend functions behind the ops table, and what they
 * share. */
#ifndef BERTH_CTRD_LIFECYCLE_H
#define BERTH_CTRD_LIFECYCLE_H

#include "ctrd_containerd.h"
#include "ctrd_exec.h"
#include "ctrd_logread.h"

#include "api_services_containers_v1_containers.pb-c.h"

/* Bookkeeping labels of the lifecycle (hidden like the others under
 * CTRD_LABEL_PREFIX). */
#define CTRD_LABEL_STOP_SIGNAL CTRD_LABEL_PREFIX "stop-signal"   /* number */
#define CTRD_LABEL_STOP_TIMEOUT CTRD_LABEL_PREFIX "stop-timeout" /* seconds */
#define CTRD_LABEL_TTY CTRD_LABEL_PREFIX "tty"                   /* "true" */
#define CTRD_LABEL_HEALTH CTRD_LABEL_PREFIX "healthcheck"        /* JSON, see ctrd_logs.c */
/* containerd has ids only: berth gives its containers Docker's shape, a
 * 64-hex id and a name kept in this label */
#define CTRD_LABEL_NAME CTRD_LABEL_PREFIX "name"
/* the network a task gets: "bridge" (ctrd_cni.c) or none (the mode in the spec) */
#define CTRD_LABEL_NETWORK CTRD_LABEL_PREFIX "network"
/* the published ports, as ctrd_cni_ports_format() writes them */
#define CTRD_LABEL_PORTS CTRD_LABEL_PREFIX "ports"

/* The id of the container `ref` names, as Docker resolves a reference: an
 * id, then a name, then a unique prefix of an id. out has room for 256.
 * @return 0; BERTH_ENOTFOUND ("No such container"); transport errors. */
int ctrd_resolve(char *out, struct berth_client *c, const char *ref, berth_error *err);
/* Resolve the reference argument `ref` into the local `id`. */
#define RESOLVE(c, ref, err) \
	char id_[256]; \
	do { \
		int r_ = ctrd_resolve(id_, (c), (ref), (err)); \
		if (r_ < 0) \
			return r_; \
	} while (0); \
	const char *id = id_

/* The container extension holding the spec as Docker's create body. */
#define CTRD_DOCKER_VIEW_TYPE "io.berth.containerd/docker-create-body"
/* Append ,"Config":{...},"HostConfig":{...} from that extension (nothing
 * for containers berth did not create) to inspect's raw JSON. */
int ctrd_raw_docker_view(sbuf *b, const Containerd__Services__Containers__V1__Container *k);
/* Append the OCI spec JSON of a record with the unlimited rlimits
 * (uint64 maximum) written as -1, as Docker shows unlimited, so that JSON
 * readers without 64-bit unsigned integers can read inspect's raw JSON. */
int ctrd_raw_spec(sbuf *b, const char *json, size_t len);
/* The exit code of a started container whose task vanished without an
 * exit kept (its shim went away): Docker's code for a lost status. */
#define CTRD_EXIT_LOST 255
/* The name of container record k (its label, else its id). */
const char *ctrd_name_of(const Containerd__Services__Containers__V1__Container *k);

/* The mounts of container k's root file system snapshot (Snapshots/Mounts
 * on its snapshot key). */
struct Containerd__Services__Snapshots__V1__MountsResponse;
int ctrd_mounts_of(struct Containerd__Services__Snapshots__V1__MountsResponse **out, struct berth_client *c,
		   const Containerd__Services__Containers__V1__Container *k, berth_error *err);

/* The directory berth keeps per container: /etc files, the log, the
 * health record, exec FIFOs. $BERTH_CONTAINERD_STATE_DIR or
 * /run/berth/containerd, then /<namespace>/<id>. */
int ctrd_state_dir(char *out, size_t size, const struct berth_client *c, const char *id);
/* Remove it and what is in it; a missing one is fine. */
void ctrd_state_dir_remove(const struct berth_client *c, const char *id);
/* Write text as the file dir/name (created or truncated, mode 0644).
 * 0 or -errno. */
int ctrd_write_file(const char *dir, const char *name, const char *text);
/* The log file of a container ($state/container.log). */
int ctrd_log_path(char *out, size_t size, const struct berth_client *c, const char *id);

/* Containers.Get by id: BERTH_ENOTFOUND "No such container: id";
 * (*out)->container is never NULL on success. */
int ctrd_get_container(Containerd__Services__Containers__V1__GetContainerResponse **out, struct berth_client *c,
		       const char *id, berth_error *err);
/* The container record and its task (t->exists false without one), as
 * most calls on a container need both; errors as ctrd_get_container() and
 * ctrd_task_get(). */
int ctrd_get_container_task(Containerd__Services__Containers__V1__GetContainerResponse **out, ctrd_task_info *t,
			    struct berth_client *c, const char *id, berth_error *err);
/* The current time, RFC 3339 UTC with nanoseconds. */
void ctrd_now_rfc3339(char out[40]);
/* A label of a container record, NULL when it has none. */
const char *ctrd_label(const Containerd__Services__Containers__V1__Container *k, const char *key);
/* Set labels of container id (value NULL or "": removed). */
int ctrd_set_labels(struct berth_client *c, const char *id, const char *const *keys, const char *const *values,
		    size_t n, berth_error *err);

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
int ctrd_health_run(struct berth_client *c, const char *id, int timeout_ms, berth_error *err);
/* Fill x's health check configuration (from the label's JSON) and state
 * (from berth's record of the runs). 0 or -ENOMEM. */
int ctrd_health_fill(berth_container_info *x, const struct berth_client *c, const char *id, const char *label);
/* Forget the runs (a new start begins "starting" again). */
void ctrd_health_reset(const struct berth_client *c, const char *id);

/* ctrd_cni.c: the bridge network of a task. */
/* The network namespace file of container id (in its state directory). */
int ctrd_netns_path(char *out, size_t size, const struct berth_client *c, const char *id);
/* Before a task is created: for network "bridge" a namespace and the CNI
 * ADD (ports_label: CTRD_LABEL_PORTS), the record inspect reads, /etc/hosts
 * with the address. Anything else: nothing. 0 or what ctrd_cni_add returns. */
int ctrd_net_up(const struct berth_client *c, const char *id, const char *network, const char *ports_label,
		berth_error *err);
/* After a task is deleted: CNI DEL, the namespace unmounted and removed,
 * the record gone. Idempotent; quick when there is nothing. */
void ctrd_net_down(const struct berth_client *c, const char *id);
/* Fill x's networks and ports from the record (nothing without one).
 * 0 or -ENOMEM. */
int ctrd_net_inspect(berth_container_info *x, const struct berth_client *c, const char *id);
/* The list's ports column from the record: "127.0.0.1:32768->80/tcp, ...",
 * "" without a record; NULL when memory is short. */
char *ctrd_net_ports_text(const struct berth_client *c, const char *id);
/* The bytes the container's eth0 received and sent (the host's end of its
 * veth pair, read the other way round). 0, or -1 without a network. */
int ctrd_net_counters(uint64_t *rx, uint64_t *tx, const struct berth_client *c, const char *id);

/* ctrd_exec.c (see ctrd_exec.h) */
int ctrd_exec_probe(int *exit_code, sbuf *output, struct berth_client *c, const char *id, const strv *argv,
		    int timeout_ms, berth_error *err);

#endif
