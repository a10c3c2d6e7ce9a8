/* The record layer of the containerd backend: what berth keeps about a
 * container, on containerd's record (labels under CTRD_LABEL_PREFIX) and
 * in its state directory, and how a reference finds a container and its
 * task. The files above (lifecycle, logs, exec, stats, files, cni, ...)
 * use these instead of each other; this layer calls only ctrd_rpc.h. */
#ifndef BERTH_CTRD_RECORD_H
#define BERTH_CTRD_RECORD_H

#include "ctrd_rpc.h"

#include "api_services_containers_v1_containers.pb-c.h"

/* Labels the backend keeps on a container record for what containerd
 * forgets: a task deleted after its exit leaves no exit code, and a task
 * has no start time. The lifecycle writes them; inspect and list read
 * them; they are not shown among the container's labels. */
#define CTRD_LABEL_PREFIX "io.berth.containerd."
#define CTRD_LABEL_STARTED_AT CTRD_LABEL_PREFIX "started-at"   /* RFC 3339 */
#define CTRD_LABEL_FINISHED_AT CTRD_LABEL_PREFIX "finished-at" /* RFC 3339 */
#define CTRD_LABEL_EXIT_CODE CTRD_LABEL_PREFIX "exit-code"     /* decimal */
#define CTRD_LABEL_OOM CTRD_LABEL_PREFIX "oom-killed"          /* "true" */

/* A container's task as berth sees it. */
typedef struct ctrd_task_info {
	bool exists;
	berth_state state;        /* CREATED, RUNNING, PAUSED, EXITED (UNKNOWN: no task) */
	uint32_t pid, exit_status;
	char exited_at[40];       /* RFC 3339, "" when running */
} ctrd_task_info;

struct Containerd__V1__Types__Process;
/* What a task's process says (Tasks.Get, Tasks.List) as berth sees it. */
void ctrd_task_info_from(ctrd_task_info *out, const struct Containerd__V1__Types__Process *p);
/* Tasks.Get for container id: out->exists false (and 0) when it has none. */
int ctrd_task_get(ctrd_task_info *out, struct berth_client *c, const char *id, berth_error *err);

/* Bookkeeping labels of the lifecycle (hidden like the others under
 * CTRD_LABEL_PREFIX). */
#define CTRD_LABEL_STOP_SIGNAL CTRD_LABEL_PREFIX "stop-signal"   /* number */
#define CTRD_LABEL_STOP_TIMEOUT CTRD_LABEL_PREFIX "stop-timeout" /* seconds */
#define CTRD_LABEL_TTY CTRD_LABEL_PREFIX "tty"                   /* "true" */
/* stdin kept open (-i): "open", or "once" when the end of an attach's
 * stdin closes it (berth_spec_set_stdin_once) */
#define CTRD_LABEL_STDIN CTRD_LABEL_PREFIX "stdin"
#define CTRD_LABEL_HEALTH CTRD_LABEL_PREFIX "healthcheck"        /* JSON, see ctrd_health.c */
/* containerd has ids only: berth gives its containers Docker's shape, a
 * 64-hex id and a name kept in this label */
#define CTRD_LABEL_NAME CTRD_LABEL_PREFIX "name"
/* the network a task gets first: "bridge" (ctrd_cni.c), a named network's
 * id, or none (the mode in the spec) */
#define CTRD_LABEL_NETWORK CTRD_LABEL_PREFIX "network"
/* a named network the container is on (ctrd_netstore.h): this prefix and
 * the network's id; the value "+" and the aliases, comma-separated */
#define CTRD_LABEL_NET_PREFIX CTRD_LABEL_PREFIX "net."
/* the published ports, as ctrd_cni_ports_format() writes them */
#define CTRD_LABEL_PORTS CTRD_LABEL_PREFIX "ports"

/* Restart policies are containerd's own restart monitor
 * (io.containerd.internal.v1.restart, runtime/restart in containerd): every
 * interval (10 s unless configured) it starts a task, with the stdio of
 * the log URI label, for each container whose status label says "running"
 * and that has no running task, and kills the task of one whose label says
 * "stopped". A container without the status label is left alone. berth
 * keeps the policy ("always", "unless-stopped") in its own label, gives
 * the monitor berth-logger's URI, says "running" once a start succeeded
 * and takes the word back before anything of its own stops the task. */
#define CTRD_LABEL_RESTART CTRD_LABEL_PREFIX "restart"            /* the policy's name */
#define CTRD_RESTART_LABELS "containerd.io/restart."              /* the monitor's labels start so */
#define CTRD_RESTART_STATUS CTRD_RESTART_LABELS "status"          /* "running", "stopped", "paused" */
#define CTRD_RESTART_LOGURI CTRD_RESTART_LABELS "loguri"          /* the task's stdio URI */
/* Set (value) or take away (NULL) the monitor's status label of container
 * k, when it has a restart policy; nothing otherwise. */
int ctrd_restart_status(struct berth_client *c, const Containerd__Services__Containers__V1__Container *k,
			const char *value, berth_error *err);

/* The id of the container `ref` names, as Docker resolves a reference: an
 * id, then a name, then a unique prefix of an id. out has room for 256.
 * @return 0; BERTH_ENOTFOUND ("No such container"); transport errors. */
int ctrd_resolve(char *out, struct berth_client *c, const char *ref, berth_error *err);
/* The container named `name`: 1 with its id in out (room for 256),
 * 0 when there is none; < 0 a transport error. */
int ctrd_find_by_name(char *out, struct berth_client *c, const char *name, berth_error *err);
/* Resolve the reference argument `ref` into the local `id`. */
#define RESOLVE(c, ref, err) \
	char id_[256]; \
	do { \
		int r_ = ctrd_resolve(id_, (c), (ref), (err)); \
		if (r_ < 0) \
			return r_; \
	} while (0); \
	const char *id = id_

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
/* Remove it and what is in it; a missing one is fine. The network
 * namespace is a mount point in it: take the network down first
 * (ctrd_net_down). */
void ctrd_state_dir_remove(const struct berth_client *c, const char *id);
/* Write text as the file dir/name (created or truncated, mode 0644).
 * 0 or -errno. */
int ctrd_write_file(const char *dir, const char *name, const char *text);
/* Make a directory and the ones above it (mode 0711); there already is
 * fine. 0 or -errno. */
int ctrd_mkdirs(const char *path);
/* n random bytes (at most 32) as 2n hex digits and a NUL. 0 or -EIO. */
int ctrd_random_hex(char *out, size_t n);
/* One of berth's stores beside containerd (volumes, networks): $env, or
 * the default, then /<namespace>. 0 or -ENAMETOOLONG. */
int ctrd_store_dir(char *out, size_t size, const struct berth_client *c, const char *env, const char *fallback);
/* containerd's container records, all or those that match a filter
 * (containerd's filter syntax; NULL: all). */
int ctrd_containers_list(Containerd__Services__Containers__V1__ListContainersResponse **out, struct berth_client *c,
			 const char *filter, berth_error *err);
/* Each container record, one at a time, through Containers/ListStream
 * (a message per container, so a thousand records never sit in memory at
 * once); fn's negative code stops the walk with it. Falls back to
 * Containers/List where containerd lacks the stream (before 1.5). */
typedef int (*ctrd_container_fn)(void *ctx, const Containerd__Services__Containers__V1__Container *k, berth_error *err);
int ctrd_containers_each(struct berth_client *c, const char *filter, ctrd_container_fn fn, void *ctx,
			 berth_error *err);
/* The log file of a container ($state/container.log). */
int ctrd_log_path(char *out, size_t size, const struct berth_client *c, const char *id);
/* The FIFO of the task's stdin, for a container with stdin open
 * ($state/stdin.fifo): the shim reads it, attaches write to it. */
int ctrd_stdin_path(char *out, size_t size, const struct berth_client *c, const char *id);

/* Containers.Get by id: BERTH_ENOTFOUND "No such container: id";
 * (*out)->container is never NULL on success. */
int ctrd_get_container(Containerd__Services__Containers__V1__GetContainerResponse **out, struct berth_client *c,
		       const char *id, berth_error *err);
/* The container record and its task (t->exists false without one), as
 * most calls on a container need both; errors as ctrd_get_container() and
 * ctrd_task_get(). */
int ctrd_get_container_task(Containerd__Services__Containers__V1__GetContainerResponse **out, ctrd_task_info *t,
			    struct berth_client *c, const char *id, berth_error *err);
/* A label of a container record, NULL when it has none. */
const char *ctrd_label(const Containerd__Services__Containers__V1__Container *k, const char *key);
/* Set labels of container id (value NULL or "": removed). */
int ctrd_set_labels(struct berth_client *c, const char *id, const char *const *keys, const char *const *values,
		    size_t n, berth_error *err);

#endif
