/* Private to the Engine API backend (this folder): the dialect's shape,
 * the backend's state, the request helpers of eapi_call.c and what each
 * per-area file offers the operations table.
 *
 * Files, bottom up (a file calls only those below it):
 *   eapi_parse, eapi_parse_io, eapi_events_parse  pure reply parsers
 *   eapi_call      one request; status mapping; path and filter helpers
 *   eapi_probe     the ping, engine identity, API version negotiation
 *   eapi_dialect   where Docker and Podman differ (data)
 *   eapi_container, eapi_ops, eapi_exec, eapi_io, eapi_events,
 *   eapi_images, eapi_archive, eapi_logs,
 *   eapi_network, eapi_volume                      the operations
 *   eapi_ops_table the operations table
 *   eapi_attach    the backend taking over a client
 * (eapi_context: Docker CLI contexts, used by detection only.) */
#ifndef BERTH_ENGINEAPI_H
#define BERTH_ENGINEAPI_H

#include "lib/engine.h"
#include "lib/transport/http.h"
#include "lib/kit/spec_docker.h"
#include "eapi_parse.h"

#include <jansson.h>

/* ---- probe and attach (the descriptor in eapi_descriptor.c uses these) ---- */

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
int engineapi_negotiate_api_version(char out[16], const char *engine_max, const char *requested, berth_error *err);

/* How an engine changes a live container's limits. */
typedef enum update_style {
	UPDATE_COMPAT,  /* POST /containers/{id}/update with HostConfig fields (Docker) */
	UPDATE_LIBPOD,  /* POST /libpod/containers/{id}/update with OCI resources
	                   (Podman 4.3 has no compat update; runc update: running
	                   containers only, not recorded in inspect) */
} update_style;

/* berth_update_options fields, for the dialect's list of those it cannot do. */
enum {
	UPDATE_FIELD_RESTART_POLICY = 1u << 0,
};

/* Where Docker and Podman differ, in one place. */
typedef struct dialect {
	berth_engine engine;
	const char *name;
	bool needs_stop_timeout_lookup; /* stop without t= uses the container's own */
	/* Re-classify an error reply the generic status mapping gets wrong. */
	int (*refine)(int code, int status, const char *message);
	bool restart_unpauses;          /* restart refuses a paused container: unpause first */
	bool wait_zero_when_removed;    /* a wait whose container is removed before the engine
	                                   noticed its exit (it polls) answers 0 */
	update_style update;
	unsigned update_unsupported;    /* UPDATE_FIELD_* it cannot change */
	const char *const *unknown_states; /* list status words it refuses (NULL-terminated) */
	/* How its create differs from Docker's (NULL: it does not). */
	const spec_docker_dialect *create;
	/* Logs: the engine's follow loses data (Podman 4.3, see eapi_logs.c):
	 * berth follows by reading the stored log again. */
	bool logs_follow_polls;
	/* Log entries are stamped in whole seconds (the true time cut down),
	 * while the engine compares `until` with the true time: an entry shown
	 * at exactly `until` would be left out (Podman 4.3). */
	bool log_times_whole_seconds;
	/* Health checks run on request through libpod's healthcheck endpoint
	 * (Podman: it runs them from systemd timers, absent here); its
	 * operations table has health_run. */
	bool libpod_health_run;
	/* the compat list's status has no health: libpod's list has it */
	bool list_health_libpod;
	/* pull through libpod's images/pull (the compat one cannot be told a
	 * registry is plain HTTP) */
	bool pull_libpod;
	/* top: ps output may come as text lines, one cell per row, to be cut
	 * into columns (Podman running ps inside the container) */
	bool top_text_rows;
	/* put archive makes a missing destination directory instead of
	 * answering 404 (Podman 4.3) */
	bool put_archive_makes_dest;
	/* How its events are worded (eapi_events_parse.h; NULL: Docker's). */
	const struct events_dialect *events;
	/* An attach's replay of past output (logs=1) is misframed: a line's
	 * frame length leaves out its newline (Podman 4.3), so it cannot be
	 * parsed. */
	bool attach_logs_misframed;
	/* An inspect while the container exits can fail with 500 "read
	 * /proc/PID/...: no such process" (Podman 4.3 reads the process as it
	 * goes): a passing answer, asked again a few times. */
	bool inspect_exit_race;
	/* A forced remove that meets the container as it exits fails its
	 * SIGKILL with 409 "container state improper" (Podman 4.3); asked
	 * again, it removes the stopped container. */
	bool remove_exit_race;
	/* A forced volume remove goes through libpod's, which removes the
	 * containers that use the volume (the compat one refuses, 409). */
	bool volume_force_libpod;
	/* Volume label filters match when any of them does, not all
	 * (Podman 4.3): berth filters the list itself and prunes by more than
	 * one label one volume at a time. */
	bool volume_labels_any;
} dialect;

typedef struct engineapi {
	transport *t;
	const dialect *d;
	char prefix[24]; /* "/v1.41" */
} engineapi;

static inline engineapi *api_of(struct berth_client *c) { return c->backend; }

typedef struct call {
	const char *method;
	const char *path;      /* after the version prefix, already encoded */
	json_t *body;          /* borrowed */
	int timeout_ms;        /* 0: the client's default; <0: none */
	bool unversioned;      /* path is complete ("/v4.0.0/libpod/..."): no prefix */
	/* a body streamed from a reader instead (sent chunked), and its type */
	ssize_t (*body_read)(void *buf, size_t cap, void *payload);
	void *body_payload;
	const char *content_type;  /* NULL: application/json */
	bool upgrade;          /* ask for the raw stream (Upgrade: tcp); 101 is success */
	const char *extra_header; /* one more header line (X-Registry-Auth), or NULL */
	const void *raw;       /* a body already in memory that is not JSON (body NULL), borrowed */
	size_t raw_len;
} call;

static inline void resp_release(http_response *r) { http_response_release(r); }
#define _cleanup_resp_ _cleanup_(resp_release)

/* What to put in the context of a container operation's messages. */
typedef char what_buf[300];

/* Podman's native API, where the compat one has no equivalent. */
#define LIBPOD_PREFIX "/v4.0.0/libpod"

/* ---- eapi_call.c: requests ----------------------------------------------- */

/* Statuses that mean "already so": 304 Not Modified. */
extern const int eapi_ok_already[];

/* Perform a call; on a 2xx reply *resp holds it. Non-2xx replies are mapped
 * to errors (through the dialect's refine) unless the status is in
 * `ok_statuses` (zero-terminated). */
int eapi_do_call(struct berth_client *c, const call *k, http_response *resp, const int *ok_statuses,
		 const char *what, berth_error *err);
/* eapi_do_call whose 2xx body goes to sink as it arrives (a reply mapped
 * while it is read, never buffered whole); another status is an error as
 * there. A BERTH_EPROTOCOL from the sink is prefixed with the endpoint. */
int eapi_do_call_sink(struct berth_client *c, const call *k, http_sink sink, void *payload, const char *what,
		      berth_error *err);

/* A call on /containers/{id}{rest}: the encoded path, the message context
 * ("start web") and the request in one place. rest may carry a query. */
int eapi_container_call(struct berth_client *c, const char *method, const char *id, const char *rest,
			int timeout_ms, const int *ok_statuses, const char *verb, what_buf what,
			http_response *resp, berth_error *err);

/* A POST on /containers/{id}{rest} whose reply body does not matter. */
int eapi_container_post(struct berth_client *c, const char *id, const char *rest, int timeout_ms,
			const int *ok_statuses, const char *verb, berth_error *err);

/* A call whose reply body is read piece by piece (or, with k->upgrade,
 * whose connection is switched to a raw stream): on success *out is the
 * open stream (the caller closes it); an error status is read and mapped. */
int eapi_stream_call(http_stream **out, struct berth_client *c, const call *k, http_response *head,
		     const char *what, berth_error *err);

/* "{kind}{url-encoded id}{rest}" appended to path. */
int eapi_object_path(sbuf *path, const char *kind, const char *id, const char *rest, berth_error *err);

/* A malformed reply names the endpoint it came from. */
int eapi_with_endpoint(const struct berth_client *c, int r, berth_error *err);

/* The deadline for a request that stops a container with this grace (-1:
 * the container's own stop timeout, looked up): the grace plus a margin,
 * never below the client's default. *out_ms = -1 means none. */
int eapi_stop_deadline_ms(int *out_ms, struct berth_client *c, const char *id, int grace, berth_error *err);

/* filters[key] = values (nothing when n is 0). 0 or -ENOMEM. */
int eapi_filter_add(json_t *filters, const char *key, const char *const *values, size_t n);
/* Append "<sep>filters=<url-encoded JSON>" unless filters is empty. */
int eapi_query_add_filters(sbuf *path, char sep, const json_t *filters);

/* ---- eapi_probe.c: what answers at an endpoint --------------------------- */

/* GET /_ping on t: which engine (and version) answers, and its highest API
 * version. The engineapi_probe's transport is left alone. */
int eapi_probe_transport(engineapi_probe *out, transport *t, berth_error *err);
int engineapi_ping(struct berth_client *c, berth_error *err);

/* ---- eapi_dialect.c ------------------------------------------------------ */

/* The dialect of an engine (NULL: none known). */
const dialect *eapi_dialect_for(berth_engine engine);

/* ---- eapi_ops_table.c ---------------------------------------------------- */

/* The operations table for a dialect (the common one when d is NULL). */
const berth_engine_ops *eapi_ops_for(const dialect *d);

/* ---- eapi_container.c: the basic operations ------------------------------ */
int engineapi_version(berth_version **out, struct berth_client *c, berth_error *err);
int engineapi_info(berth_info **out, struct berth_client *c, berth_error *err);
int engineapi_create(char **out_id, struct berth_client *c, const berth_spec *spec, berth_error *err);
int engineapi_start(struct berth_client *c, const char *id, berth_error *err);
int engineapi_stop(struct berth_client *c, const char *id, int grace, berth_error *err);
int engineapi_remove(struct berth_client *c, const char *id, bool force, bool volumes, berth_error *err);
int engineapi_inspect(berth_container_info **out, struct berth_client *c, const char *id, berth_error *err);
int engineapi_list(berth_container_list **out, struct berth_client *c, const berth_list_options *opts,
		   berth_error *err);
void engineapi_close(struct berth_client *c);

/* ---- eapi_ops.c ---------------------------------------------------------- */
int engineapi_restart(struct berth_client *c, const char *id, int grace, berth_error *err);
int engineapi_kill(struct berth_client *c, const char *id, int signal, berth_error *err);
int engineapi_pause(struct berth_client *c, const char *id, berth_error *err);
int engineapi_unpause(struct berth_client *c, const char *id, berth_error *err);
int engineapi_rename(struct berth_client *c, const char *id, const char *new_name, berth_error *err);
int engineapi_update(struct berth_client *c, const char *id, const berth_update_options *opts, berth_error *err);
int engineapi_wait(berth_wait_outcome *out, struct berth_client *c, const char *id,
		   berth_wait_condition condition, int timeout_ms, berth_error *err);
int engineapi_prune(berth_prune_result **out, struct berth_client *c, const char *const *labels,
		    size_t label_count, berth_error *err);

/* ---- eapi_io.c: stats, top, diff, paths and archives -------------------- */
int engineapi_stats(berth_stats **out, struct berth_client *c, const char *id, berth_error *err);
int engineapi_stats_stream(berth_stream **out, struct berth_client *c, const char *id, berth_error *err);
int engineapi_top(berth_top **out, struct berth_client *c, const char *id, const char *ps_args, berth_error *err);
int engineapi_diff(berth_changes **out, struct berth_client *c, const char *id, berth_error *err);
int engineapi_stat_path(berth_path_info **out, struct berth_client *c, const char *id, const char *path,
			berth_error *err);
int engineapi_get_archive(berth_stream **out, struct berth_client *c, const char *id, const char *path,
			  berth_error *err);
int engineapi_put_archive(struct berth_client *c, const char *id, const char *dest_dir, berth_read_cb read,
			  void *payload, const berth_put_archive_options *opts, berth_error *err);
/* ---- eapi_events.c ----------------------------------------------------- */
int engineapi_events_watch(berth_stream **out, struct berth_client *c, const struct events_query *q,
			   berth_error *err);
int engineapi_clock_ns(int64_t *out, struct berth_client *c, berth_error *err);
/* ---- eapi_exec.c: exec, attach, and the readiness probes ----------------- */
int engineapi_exec_start(berth_stream **out, char **out_exec_id, struct berth_client *c, const char *id,
			 const berth_exec_options *opts, berth_error *err);
int engineapi_exec_exit_code(int *out_code, struct berth_client *c, const char *exec_id, int timeout_ms,
			     berth_error *err);
int engineapi_attach_container(berth_stream **out, struct berth_client *c, const char *id,
			       const berth_attach_options *opts, berth_error *err);
int engineapi_exec_probe(int *exit_code, sbuf *output, struct berth_client *c, const char *id, const strv *argv,
			 int timeout_ms, berth_error *err);
int engineapi_health_run(struct berth_client *c, const char *id, int timeout_ms, berth_error *err);
/* ---- eapi_images.c ------------------------------------------------------ */
int engineapi_image_list(berth_image_list **out, struct berth_client *c, const berth_image_list_options *opts,
			 berth_error *err);
int engineapi_image_inspect(berth_image_info **out, struct berth_client *c, const char *name, berth_error *err);
int engineapi_image_tag(struct berth_client *c, const char *source, const char *target, berth_error *err);
int engineapi_image_history(berth_image_history **out, struct berth_client *c, const char *name, berth_error *err);
int engineapi_image_prune(berth_prune_result **out, struct berth_client *c, const berth_image_prune_options *opts,
			  berth_error *err);
int engineapi_image_pull(berth_stream **out, struct berth_client *c, const char *ref, const berth_pull_options *opts,
			 const berth_credentials *cred, berth_error *err);
int engineapi_image_search(berth_search_result **out, struct berth_client *c, const char *term,
			   const berth_search_options *opts, const berth_credentials *cred, berth_error *err);
int engineapi_image_push(berth_stream **out, struct berth_client *c, const char *ref, const berth_push_options *opts,
			 const berth_credentials *cred, berth_error *err);
int engineapi_image_remove(struct berth_client *c, const char *name, bool force, berth_error *err);
/* ---- eapi_archive.c: save, load, import of a root file system, export, commit */
int engineapi_image_save(berth_stream **out, struct berth_client *c, const char *const *names, size_t count,
			 berth_error *err);
int engineapi_image_load(char **out_names, struct berth_client *c, berth_read_cb read, void *payload,
			 berth_error *err);
int engineapi_image_import_rootfs(char **out_id, struct berth_client *c, berth_read_cb read, void *payload,
				  const berth_image_import_rootfs_options *opts, berth_error *err);
int engineapi_export(berth_stream **out, struct berth_client *c, const char *id, berth_error *err);
int engineapi_commit(char **out_id, struct berth_client *c, const char *id, const berth_commit_options *opts,
		     berth_error *err);
/* ---- eapi_network.c: networks ------------------------------------------- */
int engineapi_network_create(char **out_id, struct berth_client *c, const char *name,
			     const berth_network_create_options *o, berth_error *err);
int engineapi_network_inspect(berth_network_info **out, struct berth_client *c, const char *name, berth_error *err);
int engineapi_network_list(berth_network_list **out, struct berth_client *c, const berth_network_list_options *o,
			   berth_error *err);
int engineapi_network_remove(struct berth_client *c, const char *name, berth_error *err);
int engineapi_network_prune(berth_prune_result **out, struct berth_client *c, const berth_network_prune_options *o,
			    berth_error *err);
int engineapi_network_connect(struct berth_client *c, const char *network, const char *container,
			      const berth_network_connect_options *o, berth_error *err);
int engineapi_network_disconnect(struct berth_client *c, const char *network, const char *container, bool force,
				 berth_error *err);
/* ---- eapi_logs.c: logs, and the readiness log scan ------------------------ */
int engineapi_logs(berth_stream **out, struct berth_client *c, const char *id, const struct logs_request *q,
		   berth_error *err);
int engineapi_logs_scan(struct berth_client *c, const char *id, int64_t since, int tail, int timeout_ms,
			int (*on_data)(const char *data, size_t len, void *payload), void *payload, berth_error *err);

/* ---- eapi_volume.c: volumes ---------------------------------------------- */
int engineapi_volume_create(char **out_name, struct berth_client *c, const volume_request *q, berth_error *err);
int engineapi_volume_list(berth_volume_list **out, struct berth_client *c, const char *const *labels, size_t n,
			  berth_error *err);
int engineapi_volume_inspect(berth_volume_info **out, struct berth_client *c, const char *name, berth_error *err);
int engineapi_volume_remove(struct berth_client *c, const char *name, bool force, berth_error *err);
int engineapi_volume_prune(berth_prune_result **out, struct berth_client *c, const char *const *labels, size_t n,
			   berth_error *err);

#endif
