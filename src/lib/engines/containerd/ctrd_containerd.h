/* The containerd backend: containerd's gRPC API through transport/grpc.h,
 * messages packed and unpacked with protobuf-c. Protobuf types stay in this
 * folder: the rest of berth sees the normalized model only.
 *
 * Files: ctrd_containerd.c (attach, the ops table, ping/version/info),
 * ctrd_containers.c (list, inspect, remove), ctrd_images.c (images); the lifecycle
 * (create, start, stop, kill, wait, exec, logs) lives in its own files and
 * fills its slots in the ops table. */
#ifndef BERTH_CONTAINERD_H
#define BERTH_CONTAINERD_H

#include "../../engine.h"
#include "../../transport/grpc.h"

#include <protobuf-c/protobuf-c.h>

#include "google_protobuf_timestamp.pb-c.h"

/* The snapshotter berth uses for root filesystems and image unpacking. */
#define CTRD_SNAPSHOTTER "overlayfs"
/* The runtime of the containers berth creates. */
#define CTRD_RUNTIME "io.containerd.runc.v2"

/* The client's backend state (berth_client.backend). */
typedef struct ctrd_client {
	grpc_channel *ch;
} ctrd_client;

static inline grpc_channel *ctrd_channel(const struct berth_client *c)
{
	return ((ctrd_client *)c->backend)->ch;
}

/* Call a method of containerd's services in the client's namespace.
 * method is relative to "containerd.services.": "tasks.v1.Tasks/List".
 * req NULL sends an empty message. When reply is not NULL, *out gets the
 * unpacked reply (free with protobuf_c_message_free_unpacked, or declare
 * it _cleanup_pb_); when reply is NULL the reply is not decoded.
 * timeout_ms 0 means the client's timeout, <0 none. Errors name the method;
 * an undecodable reply is BERTH_EPROTOCOL. */
int ctrd_call(void *out, struct berth_client *c, const char *method, const ProtobufCMessage *req,
	      const ProtobufCMessageDescriptor *reply, int timeout_ms, berth_error *err);

/* The same on a lease (containerd-lease header): content and snapshots made
 * under a lease are kept from garbage collection until it is deleted. */
int ctrd_call_lease(void *out, struct berth_client *c, const char *lease, const char *method,
		    const ProtobufCMessage *req, const ProtobufCMessageDescriptor *reply, int timeout_ms,
		    berth_error *err);

/* One call of a batch (ctrd_call_all). */
typedef struct ctrd_req {
	const char *method;                      /* as for ctrd_call */
	const ProtobufCMessage *req;             /* NULL: empty */
	const ProtobufCMessageDescriptor *reply; /* NULL: not decoded */
	void *out;                               /* gets the reply (pointer to a message pointer) */
	int timeout_ms;                          /* 0: the client's */
	const char *lease;                       /* NULL: none */
} ctrd_req;

/* Several calls at once on the client's connection (their requests leave
 * together, so n calls cost about one round trip). 0 with every out set,
 * or the first failure's error with none set. n is 1 to 16. */
int ctrd_call_all(struct berth_client *c, const ctrd_req *reqs, size_t n, berth_error *err);

static inline void pb_freep(void *p)
{
	ProtobufCMessage **m = p;
	if (*m)
		protobuf_c_message_free_unpacked(*m, NULL);
}
#define _cleanup_pb_ _cleanup_(pb_freep)

/* protobuf-c map entries (key/value messages) <-> sorted label vectors. */
typedef struct ctrd_kv {
	ProtobufCMessage base;
	char *key, *value;
} ctrd_kv;
/* Every generated string-to-string map entry has this layout; entries is
 * the message's repeated field, e.g. (void **)c->labels. */
int ctrd_labels_to_strv(strv *keys, strv *values, void *const *entries, size_t n);
/* Whether the map entries match every "KEY" / "KEY=VALUE" filter. */
bool ctrd_labels_match(void *const *entries, size_t n, const char *const *filters, size_t nfilters);

/* RFC 3339 with nanoseconds, UTC; "" for NULL or the zero time. */
void ctrd_time_format(char out[40], const Google__Protobuf__Timestamp *t);

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

/* Tasks.Get for container id: out->exists false (and 0) when it has none. */
int ctrd_task_get(ctrd_task_info *out, struct berth_client *c, const char *id, berth_error *err);

/* ctrd_containers.c */
int ctrd_container_list(berth_container_list **out, struct berth_client *c, const berth_list_options *opts,
			berth_error *err);
int ctrd_container_inspect(berth_container_info **out, struct berth_client *c, const char *id, berth_error *err);
struct watch_list;
/* Every container of the namespace with its state, exit code and times,
 * for the event watch's reconcile (watch.h). */
int ctrd_container_states(struct watch_list *out, struct berth_client *c, berth_error *err);
int ctrd_container_remove(struct berth_client *c, const char *id, bool force, bool volumes, berth_error *err);
/* Remove the stopped (created, exited) containers matching every label filter. */
int ctrd_container_prune(berth_prune_result **out, struct berth_client *c, const char *const *labels,
			 size_t label_count, berth_error *err);

/* ctrd_images.c */
/* The config blob of the image `name` (a name or an id, as inspect takes
 * it; this host's platform of an index) into cfg, and the name of its
 * record (*out_name, malloc'd). BERTH_ENOTFOUND "No such image". */
int ctrd_image_config(sbuf *cfg, char **out_name, struct berth_client *c, const char *name, berth_error *err);
/* The id of the image a container names (its config digest, as the image
 * functions report it); "" when it is gone or unreadable. NULL: no memory. */
char *ctrd_image_id(struct berth_client *c, const char *name);
int ctrd_image_list(berth_image_list **out, struct berth_client *c, const berth_image_list_options *opts,
		    berth_error *err);
int ctrd_image_inspect(berth_image_info **out, struct berth_client *c, const char *name, berth_error *err);
int ctrd_image_tag(struct berth_client *c, const char *source, const char *target, berth_error *err);
int ctrd_image_remove(struct berth_client *c, const char *name, bool force, berth_error *err);
int ctrd_image_import(char **out_names, struct berth_client *c, const uint8_t *archive, size_t len,
		      berth_error *err);
/* What a container's root file system needs from image `name` (a name or
 * id): *out gets the image config (entrypoint, cmd, env, user, workdir,
 * labels, ... as berth_image_inspect gives them; its first tag is the
 * image's full name, which the container record should carry), chain_id
 * the snapshot of its top layer to prepare the rootfs on. Layers that are
 * not unpacked yet are unpacked now from the content store.
 * BERTH_ENOTFOUND: no such image, or its content is gone. */
int ctrd_image_rootfs(berth_image_info **out, char chain_id[72], struct berth_client *c, const char *name,
		      berth_error *err);

#endif
