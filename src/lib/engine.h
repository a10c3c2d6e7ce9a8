/* The seam between the public entry points and the engines.
 *
 * A backend (one folder under engines/) exports one berth_backend
 * descriptor: the engines it drives, where it looks for them, how it
 * probes an endpoint and how it attaches a client to one. engines/engines.c
 * lists the descriptors; discovery (api/detect.c) and berth_client_open
 * (api/client.c) only loop over that list and never name an engine.
 *
 * An attached client carries its backend's berth_engine_ops; an operation
 * the backend cannot do is left NULL, and the public entry points answer
 * BERTH_EUNSUPPORTED for it in one place (ENGINE_CALL below). */
#ifndef BERTH_ENGINE_H
#define BERTH_ENGINE_H

#include "lib/internal.h"
#include "lib/model/model.h"

struct berth_client;
struct events_query;

/* A checked logs request (logs.c resolves its times) for container_logs. */
typedef struct logs_request {
	bool out, err;        /* channels */
	bool follow;
	bool timestamps;
	long long tail;       /* -1: all */
	int64_t since_ns;     /* 0: no bound */
	int64_t until_ns;     /* 0: no bound */
} logs_request;

/* A checked volume create (volume.c) for volume_create. */
typedef struct volume_request {
	const char *name;          /* "": the engine picks one */
	const char *driver;        /* "local" unless the caller named another */
	strv opt_keys, opt_values; /* driver options, sorted by key */
	strv label_keys, label_values; /* sorted by key; the owner's among them */
} volume_request;

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
	int (*image_history)(berth_image_history **out, struct berth_client *c, const char *name, berth_error *err);
	/* opts checked, never NULL */
	int (*image_prune)(berth_prune_result **out, struct berth_client *c, const berth_image_prune_options *opts,
			   berth_error *err);
	/* image.c: ref is checked and has its tag (or digest) unless all_tags;
	 * opts never NULL */
	int (*image_pull)(berth_stream **out, struct berth_client *c, const char *ref, const berth_pull_options *opts,
			  const berth_credentials *cred, berth_error *err);
	/* ref is checked and has its tag (a name, not an id or digest);
	 * cred: the credentials berth_credentials_get() found (anonymous ones
	 * when there are none; never NULL) */
	int (*image_push)(berth_stream **out, struct berth_client *c, const char *ref, const berth_push_options *opts,
			  const berth_credentials *cred, berth_error *err);
	/* image.c: term checked (not empty); opts never NULL; cred as for push */
	int (*image_search)(berth_search_result **out, struct berth_client *c, const char *term,
			    const berth_search_options *opts, const berth_credentials *cred, berth_error *err);
	int (*image_remove)(struct berth_client *c, const char *name, bool force, berth_error *err);
	/* the whole archive, in memory (mapped); archive.c calls it where the
	 * engine has no image_load (a stream) */
	int (*image_import)(char **out_names, struct berth_client *c, const uint8_t *archive, size_t len,
			    berth_error *err);
	/* archive.c: archives of images and containers; arguments checked
	 * there (names, id, ref, changes); opts never NULL. The loads and the
	 * import read their (plain, tar-checked) archive through read. */
	int (*image_save)(berth_stream **out, struct berth_client *c, const char *const *names, size_t count,
			  berth_error *err);
	int (*image_load)(char **out_names, struct berth_client *c, berth_read_cb read, void *payload,
			  berth_error *err);
	int (*image_import_rootfs)(char **out_id, struct berth_client *c, berth_read_cb read, void *payload,
				   const berth_image_import_rootfs_options *opts, berth_error *err);
	int (*container_export)(berth_stream **out, struct berth_client *c, const char *id, berth_error *err);
	int (*container_commit)(char **out_id, struct berth_client *c, const char *id, const berth_commit_options *opts,
				berth_error *err);
	/* logs.c: the request is checked and its times resolved there */
	int (*container_logs)(berth_stream **out, struct berth_client *c, const char *id,
			      const struct logs_request *q, berth_error *err);
	/* networks (api/network.c checks names, subnets and labels; opts never
	 * NULL; create's labels carry berth's ownership labels already) */
	int (*network_create)(char **out_id, struct berth_client *c, const char *name,
			      const berth_network_create_options *opts, berth_error *err);
	int (*network_inspect)(berth_network_info **out, struct berth_client *c, const char *name, berth_error *err);
	int (*network_list)(berth_network_list **out, struct berth_client *c, const berth_network_list_options *opts,
			    berth_error *err);
	int (*network_remove)(struct berth_client *c, const char *name, berth_error *err);
	int (*network_prune)(berth_prune_result **out, struct berth_client *c, const berth_network_prune_options *opts,
			     berth_error *err);
	int (*network_connect)(struct berth_client *c, const char *network, const char *container,
			       const berth_network_connect_options *opts, berth_error *err);
	int (*network_disconnect)(struct berth_client *c, const char *network, const char *container, bool force,
				  berth_error *err);
	/* volume.c: names, options and labels checked there; labels carry
	 * the owner; filters are "KEY" or "KEY=VALUE" */
	int (*volume_create)(char **out_name, struct berth_client *c, const struct volume_request *q,
			     berth_error *err);
	int (*volume_list)(berth_volume_list **out, struct berth_client *c, const char *const *labels,
			   size_t label_count, berth_error *err);
	int (*volume_inspect)(berth_volume_info **out, struct berth_client *c, const char *name, berth_error *err);
	int (*volume_remove)(struct berth_client *c, const char *name, bool force, berth_error *err);
	int (*volume_prune)(berth_prune_result **out, struct berth_client *c, const char *const *labels,
			    size_t label_count, berth_error *err);
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

/* ---- backend descriptors -------------------------------------------------- */

/* What a successful probe of one endpoint learned. */
typedef struct engine_probe {
	berth_engine engine;        /* the engine that answered */
	char server_version[64];
	char api_version[16];       /* the API version berth would speak */
	void *state;                /* the backend's own (an open connection for
	                               attach to adopt); owned until released */
} engine_probe;

/* Where discovery collects candidate endpoints; a backend adds to it
 * through these callbacks (the list itself belongs to api/detect.c). Both
 * return 0 or -ENOMEM. */
typedef struct engine_candidate_sink {
	/* An endpoint to probe, expected to be `expected`. tls_mode and
	 * cert_dir as for berth_client_options (TCP endpoints). */
	int (*add)(void *payload, const char *source, const char *uri, berth_engine expected, int tls_mode,
		   const char *cert_dir);
	/* A configured place that is broken (a Docker context that cannot be
	 * read): listed with its reason, never probed. */
	int (*add_invalid)(void *payload, const char *source, berth_engine expected, const char *reason);
	void *payload;
} engine_candidate_sink;

/* What berth_client_open passes to attach besides the client. */
typedef struct engine_attach_args {
	int tls_mode;
	const char *cert_dir;
	const char *api_version;    /* asked for; NULL: negotiate */
} engine_attach_args;

typedef struct berth_backend {
	const char *name;           /* "engine-api", "containerd" */
	unsigned engines;           /* 1u << BERTH_ENGINE_x for each it drives */
	/* Add the endpoints the user configured for these engines (environment,
	 * config files) when configured is true, else the default sockets. */
	int (*candidates)(const engine_candidate_sink *sink, bool configured, berth_error *err);
	/* Ping `uri` within timeout_ms and tell which engine answers.
	 * BERTH_EPROTOCOL means "not this backend's protocol": discovery may
	 * then ask the backends after this one in the list. On success,
	 * out->state is released with probe_release unless attach adopted it. */
	int (*probe)(engine_probe *out, const char *uri, int tls_mode, const char *cert_dir, int timeout_ms,
		     berth_error *err);
	void (*probe_release)(engine_probe *p);
	/* Attach the backend to a client whose endpoint, engine wish and
	 * namespace are set: sets c->ops, c->backend, the versions and
	 * c->engine. probe is the discovery's probe of this endpoint (its
	 * state may be adopted), or NULL to connect afresh. */
	int (*attach)(struct berth_client *c, engine_probe *probe, const engine_attach_args *a, berth_error *err);
} berth_backend;

/* The backends in discovery order, NULL-terminated (engines/engines.c). */
extern const berth_backend *const berth_backends[];

/* The backend that drives `engine`; for BERTH_ENGINE_AUTO the first. */
const berth_backend *berth_backend_for(berth_engine engine);

#endif
