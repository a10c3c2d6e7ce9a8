/* The private backend interface. An engine fills a berth_engine_ops; an
 * operation it cannot do is left NULL, and the public entry points answer
 * BERTH_EUNSUPPORTED for it in one place (ENGINE_CALL below). */
#ifndef BERTH_ENGINE_H
#define BERTH_ENGINE_H

#include "internal.h"
#include "model.h"

struct berth_client;
struct events_query;
struct logs_request;

typedef struct berth_engine_ops {
	const char *name;
	int (*ping)(struct berth_client *c, berth_error *err);
	int (*version)(berth_version **out, struct berth_client *c, berth_error *err);
	int (*info)(berth_info **out, struct berth_client *c, berth_error *err);
	int (*container_create)(char **out_id, struct berth_client *c, const berth_spec *spec, berth_error *err);
	int (*container_start)(struct berth_client *c, const char *id, berth_error *err);
	int (*container_stop)(struct berth_client *c, const char *id, int grace_seconds, berth_error *err);
	int (*container_remove)(struct berth_client *c, const char *id, bool force, bool volumes, berth_error *err);
	int (*container_inspect)(berth_container_info **out, struct berth_client *c, const char *id, berth_error *err);
	int (*container_list)(berth_container_list **out, struct berth_client *c, const berth_list_options *opts, berth_error *err);
	/* Readiness (ready.c). Run the container's health check once, now; the
	 * engine records the run and computes the status from its interval,
	 * start period and retries. NULL where the engine runs its checks by
	 * itself (Docker). */
	int (*health_run)(struct berth_client *c, const char *id, int timeout_ms, berth_error *err);
	/* The container's stdout and stderr so far (no follow) since a Unix
	 * time (the last `tail` lines when tail > 0), as the engine sends them
	 * (framed unless the container has a TTY), piece by piece to on_data;
	 * a non-zero return stops the read. */
	int (*logs_scan)(struct berth_client *c, const char *id, int64_t since, int tail, int timeout_ms,
			 int (*on_data)(const char *data, size_t len, void *payload), void *payload, berth_error *err);
	/* Run argv in the running container and wait for its end: *exit_code
	 * gets its status; output, when not NULL, the last bytes of its stdout
	 * and stderr. */
	int (*exec_probe)(int *exit_code, sbuf *output, struct berth_client *c, const char *id, const strv *argv,
			  int timeout_ms, berth_error *err);
	/* ops.c: arguments are checked there; opts are never NULL here */
	int (*container_restart)(struct berth_client *c, const char *id, int grace_seconds, berth_error *err);
	int (*container_kill)(struct berth_client *c, const char *id, int signal, berth_error *err);
	int (*container_pause)(struct berth_client *c, const char *id, berth_error *err);
	int (*container_unpause)(struct berth_client *c, const char *id, berth_error *err);
	int (*container_rename)(struct berth_client *c, const char *id, const char *new_name, berth_error *err);
	int (*container_update)(struct berth_client *c, const char *id, const berth_update_options *opts, berth_error *err);
	/* fills *out (version set) on success; timeout_ms 0 = none */
	int (*container_wait)(berth_wait_outcome *out, struct berth_client *c, const char *id,
			      berth_wait_condition condition, int timeout_ms, berth_error *err);
	int (*container_prune)(berth_prune_result **out, struct berth_client *c, const char *const *labels,
			       size_t label_count, berth_error *err);
	/* io.c: stats, top, diff, paths and archives; arguments checked there */
	int (*container_stats)(berth_stats **out, struct berth_client *c, const char *id, berth_error *err);
	int (*container_stats_stream)(berth_stream **out, struct berth_client *c, const char *id, berth_error *err);
	int (*container_top)(berth_top **out, struct berth_client *c, const char *id, const char *ps_args,
			     berth_error *err);
	int (*container_diff)(berth_changes **out, struct berth_client *c, const char *id, berth_error *err);
	int (*container_stat_path)(berth_path_info **out, struct berth_client *c, const char *id, const char *path,
				   berth_error *err);
	int (*container_get_archive)(berth_stream **out, struct berth_client *c, const char *id, const char *path,
				     berth_error *err);
	/* opts never NULL */
	int (*container_put_archive)(struct berth_client *c, const char *id, const char *dest_dir, berth_read_cb read,
				     void *payload, const berth_put_archive_options *opts, berth_error *err);
	/* events.c: q is checked; the stream reconnects by itself */
	int (*events_watch)(berth_stream **out, struct berth_client *c, const struct events_query *q, berth_error *err);
	/* the engine's clock, ns since the epoch (list-then-watch) */
	int (*clock_ns)(int64_t *out, struct berth_client *c, berth_error *err);
	/* exec.c: options checked there (never NULL). exec_start makes no
	 * stream with opts->detach; exec_exit_code waits at most timeout_ms
	 * (< 0: no limit) for the engine to record the end. */
	int (*exec_start)(berth_stream **out, char **out_exec_id, struct berth_client *c, const char *id,
			  const berth_exec_options *opts, berth_error *err);
	int (*exec_exit_code)(int *out_code, struct berth_client *c, const char *exec_id, int timeout_ms,
			      berth_error *err);
	int (*container_attach)(berth_stream **out, struct berth_client *c, const char *id,
				const berth_attach_options *opts, berth_error *err);
	void (*close)(struct berth_client *c);
	/* images (image.c checks the arguments; opts never NULL) */
	int (*image_list)(berth_image_list **out, struct berth_client *c, const berth_image_list_options *opts,
			  berth_error *err);
	int (*image_inspect)(berth_image_info **out, struct berth_client *c, const char *name, berth_error *err);
	int (*image_tag)(struct berth_client *c, const char *source, const char *target, berth_error *err);
	int (*image_remove)(struct berth_client *c, const char *name, bool force, berth_error *err);
	/* the whole archive, in memory (mapped) */
	int (*image_import)(char **out_names, struct berth_client *c, const uint8_t *archive, size_t len,
			    berth_error *err);
	/* logs.c: the request is checked and its times resolved there */
	int (*container_logs)(berth_stream **out, struct berth_client *c, const char *id,
			      const struct logs_request *q, berth_error *err);
} berth_engine_ops;

struct berth_client {
	berth_engine engine;
	const berth_engine_ops *ops;
	char *endpoint;
	char *source;
	char api_version[16];
	char server_version[64];
	char *owner;
	char *ns;                 /* containerd namespace */
	int timeout_ms;
	int connect_timeout_ms;
	berth_log_cb log;
	void *log_payload;
	void *backend;            /* the engine's own state */
};

void berth_log(const struct berth_client *c, berth_log_level level, const char *fmt, ...) _printf_(3, 4);

int engine_unsupported(const struct berth_client *c, const char *op, berth_error *err);

#define ENGINE_CALL(c, op, err, ...) \
	((c)->ops->op ? (c)->ops->op(__VA_ARGS__) : engine_unsupported((c), #op, (err)))

/* ---- the Engine API backend (Docker and Podman) ------------------------- */

struct transport;

/* What a ping of an Engine API endpoint learned. */
typedef struct engineapi_probe {
	berth_engine engine;        /* DOCKER or PODMAN; AUTO when unknown */
	char api_version[16];       /* the engine's highest */
	char min_api_version[16];   /* the engine's lowest, when it says */
	char server_version[64];
	struct transport *transport; /* the probe's connection pool, for the client
	                                to adopt; owned until then */
} engineapi_probe;

/* Ping `uri` and tell who answers. timeout_ms bounds the whole probe. On
 * success out->transport keeps the connection; release it with
 * engineapi_probe_release() unless a client adopts it. */
int engineapi_probe_endpoint(engineapi_probe *out, const char *uri, int tls_mode, const char *cert_dir,
			     int timeout_ms, berth_error *err);
void engineapi_probe_release(engineapi_probe *p);

/* Attach the Engine API backend to a client whose endpoint is set. When
 * probe is given (detection already pinged), no second ping is made and the
 * probe's connection is adopted. */
int engineapi_attach(struct berth_client *c, engineapi_probe *probe, int tls_mode,
		     const char *cert_dir, const char *api_version, berth_error *err);

/* Decide the API version to speak: the lower of the engine's and berth's
 * maximum; BERTH_EUNSUPPORTED below berth's minimum. */
int negotiate_api_version(char out[16], const char *engine_max, const char *requested, berth_error *err);

/* ---- containerd recognition (its backend is a later step) --------------- */

/* Connect to `uri` (a unix socket) and check that it speaks gRPC over
 * HTTP/2; on success out_version receives containerd's version. */
int containerd_probe_endpoint(char *out_version, size_t version_size, const char *uri, int timeout_ms,
			      berth_error *err);

/* Attach the containerd backend (engines/containerd/) to a client whose
 * endpoint and namespace are set: connects and, unless discovery learned
 * it already (version not NULL), asks containerd's version. */
int containerd_attach(struct berth_client *c, const char *version, berth_error *err);

#endif
