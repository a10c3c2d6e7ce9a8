/* The bottom of the containerd backend: a call to containerd's services
 * (ctrd_call and its batch and lease forms) over transport/grpc.h, the
 * protobuf cleanup attribute, and the label and time helpers every file
 * of engines/containerd/ shares. This layer calls only the transport, the
 * kit (berth_fail*, the model) and util; nothing of the folder. */
#ifndef BERTH_CTRD_RPC_H
#define BERTH_CTRD_RPC_H

#include "lib/engine.h"
#include "lib/transport/grpc.h"

#include <protobuf-c/protobuf-c.h>

#include "google_protobuf_timestamp.pb-c.h"

/* The snapshotter berth uses for root filesystems and image unpacking. */
#define CTRD_SNAPSHOTTER "overlayfs"
/* The event berth publishes on containerd's event service when a health
 * status it keeps changes (ctrd_health.c; decoded in ctrd_events.c): the
 * payload is laid out as containerd.events.ContainerUpdate, with the
 * container's id and the label "status" ("starting", "healthy",
 * "unhealthy"), under a type name of berth's own so no other consumer
 * takes it for a container update. */
#define CTRD_HEALTH_EVENT_TOPIC "/berth/health"
#define CTRD_HEALTH_EVENT_TYPE "berth.events.HealthStatus"

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

/* The current time the same way, for the labels that keep times. */
void ctrd_now_rfc3339(char out[40]);

#endif
