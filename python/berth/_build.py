"""Build script of berth._native, the cffi extension (API mode).

The declarations below are a hand-written subset of <berth/*.h>. In API
mode cffi compiles a small C module that includes the real headers, so the
C compiler checks every declaration here against them: a prototype that
drifts from the library fails the build instead of crashing at run time.
Structs end with "...;" and enums with "...": their layout and values come
from the headers, never from this file.

Where the headers and the library are found (first match wins):
  BERTH_INCLUDE_DIR / BERTH_LIB_DIR   explicit directories (a build tree:
                                      SRC/include and BUILD/src)
  BERTH_PREFIX                        PREFIX/include and PREFIX/lib/<triplet>
                                      or PREFIX/lib
  pkg-config libberth                 an installed library (meson install)
  /usr/local                          the default prefix of meson install
The library directory is recorded as the extension's run path, so the
module finds libberth.so without LD_LIBRARY_PATH.
"""
import os
import shlex
import subprocess
import sys
import sysconfig

from cffi import FFI

CDEF = r"""
/* common.h */
typedef enum berth_code {
    BERTH_OK, BERTH_ENOTFOUND, BERTH_EEXISTS, BERTH_ECONFLICT, BERTH_EALREADY,
    BERTH_ETIMEDOUT, BERTH_EUNAVAILABLE, BERTH_EPERM, BERTH_EUNSUPPORTED,
    BERTH_EENGINE, BERTH_EPROTOCOL, BERTH_EINVAL, BERTH_ENOMEM,
    BERTH_ECANCELLED, BERTH_ITEROVER, ...
} berth_code;
typedef struct berth_error {
    int code;
    int native;
    int sys_errno;
    char message[...];
    ...;
} berth_error;
const char *berth_library_version(void);
const char *berth_strerror(int code);
const char *berth_code_name(int code);
void berth_free(void *ptr);

/* client.h */
typedef enum berth_engine { BERTH_ENGINE_AUTO, BERTH_ENGINE_DOCKER, BERTH_ENGINE_PODMAN,
    BERTH_ENGINE_CONTAINERD, ... } berth_engine;
typedef struct berth_client berth_client;
#define BERTH_CLIENT_OPTIONS_VERSION ...
typedef struct berth_client_options {
    unsigned int version;
    berth_engine engine;
    const char *host;
    const char *api_version;
    int connect_timeout_ms;
    int timeout_ms;
    int tls_verify;
    const char *cert_path;
    const char *owner;
    const char *containerd_namespace;
    ...;
} berth_client_options;
const char *berth_engine_name(berth_engine engine);
int berth_engine_from_name(berth_engine *out, const char *name, berth_error *err);
int berth_client_open(berth_client **out, const berth_client_options *opts, berth_error *err);
void berth_client_free(berth_client *client);
berth_engine berth_client_engine(const berth_client *client);
const char *berth_client_endpoint(const berth_client *client);
const char *berth_client_api_version(const berth_client *client);
const char *berth_client_source(const berth_client *client);
int berth_ping(berth_client *client, berth_error *err);
typedef struct berth_version berth_version;
int berth_version_get(berth_version **out, berth_client *client, berth_error *err);
void berth_version_free(berth_version *v);
const char *berth_version_raw_json(const berth_version *v);
typedef struct berth_info berth_info;
int berth_info_get(berth_info **out, berth_client *client, berth_error *err);
void berth_info_free(berth_info *info);
const char *berth_info_raw_json(const berth_info *info);

/* detect.h, platform.h */
typedef enum berth_verdict { BERTH_VERDICT_OK, ... } berth_verdict;
const char *berth_verdict_name(berth_verdict verdict);
#define BERTH_DETECT_OPTIONS_VERSION ...
typedef struct berth_detect_options {
    unsigned int version;
    berth_engine engine;
    const char *host;
    int timeout_ms;
    int probe_all;
    ...;
} berth_detect_options;
typedef struct berth_detection berth_detection;
int berth_detect(berth_detection **out, const berth_detect_options *opts, berth_error *err);
void berth_detection_free(berth_detection *d);
size_t berth_detection_count(const berth_detection *d);
int berth_detection_chosen(const berth_detection *d);
const char *berth_detection_source(const berth_detection *d, size_t i);
const char *berth_detection_endpoint(const berth_detection *d, size_t i);
berth_engine berth_detection_engine(const berth_detection *d, size_t i);
berth_verdict berth_detection_verdict(const berth_detection *d, size_t i);
const char *berth_detection_reason(const berth_detection *d, size_t i);
const char *berth_detection_server_version(const berth_detection *d, size_t i);
const char *berth_detection_api_version(const berth_detection *d, size_t i);
int berth_in_container(void);

/* spec.h */
typedef struct berth_spec berth_spec;
typedef enum berth_proto { BERTH_PROTO_TCP, BERTH_PROTO_UDP, BERTH_PROTO_SCTP, ... } berth_proto;
typedef enum berth_restart_policy { BERTH_RESTART_NO, ... } berth_restart_policy;
typedef enum berth_pull_policy { ... } berth_pull_policy;
#define BERTH_HEALTHCHECK_VERSION ...
typedef struct berth_healthcheck {
    unsigned int version;
    const char *const *test;
    size_t test_count;
    int64_t interval_ms;
    int64_t timeout_ms;
    int64_t start_period_ms;
    int retries;
    ...;
} berth_healthcheck;
int berth_spec_new(berth_spec **out, const char *image, berth_error *err);
void berth_spec_free(berth_spec *spec);
int berth_spec_set_name(berth_spec *spec, const char *name, berth_error *err);
int berth_spec_set_cmd(berth_spec *spec, const char *const *argv, size_t argc, berth_error *err);
int berth_spec_set_entrypoint(berth_spec *spec, const char *const *argv, size_t argc, berth_error *err);
int berth_spec_add_env(berth_spec *spec, const char *key, const char *value, berth_error *err);
int berth_spec_add_label(berth_spec *spec, const char *key, const char *value, berth_error *err);
int berth_spec_set_workdir(berth_spec *spec, const char *path, berth_error *err);
int berth_spec_set_user(berth_spec *spec, const char *user, berth_error *err);
int berth_spec_set_hostname(berth_spec *spec, const char *hostname, berth_error *err);
int berth_spec_set_tty(berth_spec *spec, int enable, berth_error *err);
int berth_spec_set_stdin_open(berth_spec *spec, int enable, berth_error *err);
int berth_spec_set_init(berth_spec *spec, int enable, berth_error *err);
int berth_spec_set_auto_remove(berth_spec *spec, int enable, berth_error *err);
int berth_spec_set_stop_signal(berth_spec *spec, const char *signal, berth_error *err);
int berth_spec_set_stop_timeout(berth_spec *spec, int seconds, berth_error *err);
int berth_spec_set_network_mode(berth_spec *spec, const char *mode, berth_error *err);
int berth_spec_add_network_alias(berth_spec *spec, const char *alias, berth_error *err);
int berth_spec_add_port(berth_spec *spec, const char *host_ip, int host_port, int container_port,
                        berth_proto proto, berth_error *err);
int berth_spec_add_extra_host(berth_spec *spec, const char *hostname, const char *ip, berth_error *err);
int berth_spec_add_dns(berth_spec *spec, const char *server, berth_error *err);
int berth_spec_add_bind(berth_spec *spec, const char *host_path, const char *container_path,
                        int read_only, const char *options, berth_error *err);
int berth_spec_add_volume(berth_spec *spec, const char *name, const char *container_path,
                          int read_only, const char *options, berth_error *err);
int berth_spec_add_tmpfs(berth_spec *spec, const char *container_path, int read_only,
                         const char *options, berth_error *err);
int berth_spec_set_read_only_rootfs(berth_spec *spec, int enable, berth_error *err);
int berth_spec_set_shm_size(berth_spec *spec, int64_t bytes, berth_error *err);
int berth_spec_set_privileged(berth_spec *spec, int enable, berth_error *err);
int berth_spec_add_cap(berth_spec *spec, const char *cap, berth_error *err);
int berth_spec_drop_cap(berth_spec *spec, const char *cap, berth_error *err);
int berth_spec_set_restart(berth_spec *spec, berth_restart_policy policy, int max_retries, berth_error *err);
int berth_restart_policy_parse(berth_restart_policy *out_policy, int *out_max_retries,
                               const char *text, berth_error *err);
int berth_spec_set_healthcheck(berth_spec *spec, const berth_healthcheck *hc, berth_error *err);
int berth_spec_disable_healthcheck(berth_spec *spec, berth_error *err);
int berth_spec_set_memory(berth_spec *spec, int64_t bytes, berth_error *err);
int berth_spec_set_cpus(berth_spec *spec, double cpus, berth_error *err);
int berth_spec_set_pids_limit(berth_spec *spec, int64_t limit, berth_error *err);
int berth_size_parse(int64_t *out_bytes, const char *text, berth_error *err);
int berth_signal_parse(int *out, const char *name, berth_error *err);

/* container.h */
typedef enum berth_state { BERTH_STATE_UNKNOWN, BERTH_STATE_CREATED, BERTH_STATE_RUNNING,
    BERTH_STATE_PAUSED, BERTH_STATE_RESTARTING, BERTH_STATE_REMOVING, BERTH_STATE_EXITED,
    BERTH_STATE_DEAD, ... } berth_state;
typedef enum berth_health { BERTH_HEALTH_NONE, ... } berth_health;
const char *berth_state_name(berth_state state);
const char *berth_health_name(berth_health health);
int berth_container_create(char **out_id, berth_client *client, const berth_spec *spec, berth_error *err);
int berth_container_start(berth_client *client, const char *id, berth_error *err);
int berth_container_run(char **out_id, berth_client *client, const berth_spec *spec, berth_error *err);
#define BERTH_STOP_OPTIONS_VERSION ...
typedef struct berth_stop_options { unsigned int version; int grace_seconds; ...; } berth_stop_options;
int berth_container_stop(berth_client *client, const char *id, const berth_stop_options *opts, berth_error *err);
int berth_container_restart(berth_client *client, const char *id, const berth_stop_options *opts, berth_error *err);
#define BERTH_REMOVE_OPTIONS_VERSION ...
typedef struct berth_remove_options { unsigned int version; int force; int anonymous_volumes; ...; } berth_remove_options;
int berth_container_remove(berth_client *client, const char *id, const berth_remove_options *opts, berth_error *err);
int berth_container_kill(berth_client *client, const char *id, int signal, berth_error *err);
int berth_container_pause(berth_client *client, const char *id, berth_error *err);
int berth_container_unpause(berth_client *client, const char *id, berth_error *err);
int berth_container_rename(berth_client *client, const char *id, const char *new_name, berth_error *err);
typedef enum berth_wait_condition { BERTH_WAIT_NOT_RUNNING, BERTH_WAIT_NEXT_EXIT, BERTH_WAIT_REMOVED, ... } berth_wait_condition;
#define BERTH_WAIT_OPTIONS_VERSION ...
typedef struct berth_wait_options { unsigned int version; berth_wait_condition condition; int timeout_ms; ...; } berth_wait_options;
#define BERTH_WAIT_OUTCOME_VERSION ...
typedef struct berth_wait_outcome { unsigned int version; int exit_code; int oom_killed; int signal;
    char error[...]; ...; } berth_wait_outcome;
int berth_container_wait(berth_wait_outcome *out, berth_client *client, const char *id,
                         const berth_wait_options *opts, berth_error *err);

typedef struct berth_container_info berth_container_info;
int berth_container_inspect(berth_container_info **out, berth_client *client, const char *id, berth_error *err);
void berth_container_info_free(berth_container_info *info);
const char *berth_container_info_id(const berth_container_info *info);
const char *berth_container_info_name(const berth_container_info *info);
const char *berth_container_info_image(const berth_container_info *info);
berth_state berth_container_info_state(const berth_container_info *info);
int berth_container_info_exit_code(const berth_container_info *info);
berth_health berth_container_info_health(const berth_container_info *info);
size_t berth_container_info_label_count(const berth_container_info *info);
const char *berth_container_info_label_key(const berth_container_info *info, size_t i);
const char *berth_container_info_label_value(const berth_container_info *info, size_t i);
const char *berth_container_info_raw_json(const berth_container_info *info);
int berth_container_info_tty(const berth_container_info *info);
size_t berth_container_info_port_count(const berth_container_info *info);
int berth_container_info_port_container_port(const berth_container_info *info, size_t i);
const char *berth_container_info_port_proto(const berth_container_info *info, size_t i);
const char *berth_container_info_port_host_ip(const berth_container_info *info, size_t i);
int berth_container_info_port_host_port(const berth_container_info *info, size_t i);

#define BERTH_LIST_OPTIONS_VERSION ...
typedef struct berth_list_options {
    unsigned int version;
    int all;
    const char *const *labels;
    size_t label_count;
    const char *name;
    const berth_state *states;
    size_t state_count;
    ...;
} berth_list_options;
typedef struct berth_container_list berth_container_list;
int berth_container_list_get(berth_container_list **out, berth_client *client, const berth_list_options *opts, berth_error *err);
void berth_container_list_free(berth_container_list *list);
size_t berth_container_list_count(const berth_container_list *list);
const char *berth_container_list_id(const berth_container_list *list, size_t i);
const char *berth_container_list_name(const berth_container_list *list, size_t i);
const char *berth_container_list_image(const berth_container_list *list, size_t i);
const char *berth_container_list_command(const berth_container_list *list, size_t i);
berth_state berth_container_list_state(const berth_container_list *list, size_t i);
const char *berth_container_list_status(const berth_container_list *list, size_t i);
berth_health berth_container_list_health(const berth_container_list *list, size_t i);
int64_t berth_container_list_created(const berth_container_list *list, size_t i);
const char *berth_container_list_ports(const berth_container_list *list, size_t i);
size_t berth_container_list_label_count(const berth_container_list *list, size_t i);
const char *berth_container_list_label_key(const berth_container_list *list, size_t i, size_t j);
const char *berth_container_list_label_value(const berth_container_list *list, size_t i, size_t j);

/* stream.h */
typedef struct berth_stream berth_stream;
typedef enum berth_channel { BERTH_CHANNEL_STDIN, BERTH_CHANNEL_STDOUT, BERTH_CHANNEL_STDERR,
    BERTH_CHANNEL_SYSTEM, ... } berth_channel;
typedef struct berth_frame {
    berth_channel channel;
    const char *data;
    size_t len;
    int64_t time_ns;
    const void *item;
    ...;
} berth_frame;
int berth_stream_next(berth_stream *stream, berth_frame *frame, int timeout_ms, berth_error *err);
int berth_stream_fd(const berth_stream *stream);
int berth_stream_write(berth_stream *stream, const void *data, size_t len, int timeout_ms, berth_error *err);
int berth_stream_close_stdin(berth_stream *stream, berth_error *err);
int berth_stream_resize(berth_stream *stream, unsigned int rows, unsigned int cols, berth_error *err);
void berth_stream_cancel(berth_stream *stream);
void berth_stream_free(berth_stream *stream);

/* logs.h */
#define BERTH_LOGS_OPTIONS_VERSION ...
typedef struct berth_logs_options {
    unsigned int version;
    int show_stdout;
    int show_stderr;
    int follow;
    long long tail;
    const char *since;
    const char *until;
    int timestamps;
    ...;
} berth_logs_options;
int berth_container_logs(berth_stream **out, berth_client *client, const char *id,
                         const berth_logs_options *opts, berth_error *err);

/* exec.h */
#define BERTH_EXEC_OPTIONS_VERSION ...
typedef struct berth_exec_options {
    unsigned int version;
    const char *const *argv;
    size_t argc;
    const char *const *env;
    size_t env_count;
    const char *user;
    const char *workdir;
    int privileged;
    int tty;
    int attach_stdin;
    int detach;
    size_t max_output;
    int timeout_ms;
    ...;
} berth_exec_options;
typedef struct berth_exec_result berth_exec_result;
int berth_exec(berth_exec_result **out, berth_client *client, const char *id,
               const berth_exec_options *opts, berth_error *err);
int berth_exec_result_exit_code(const berth_exec_result *result);
const char *berth_exec_result_stdout(const berth_exec_result *result, size_t *len);
const char *berth_exec_result_stderr(const berth_exec_result *result, size_t *len);
void berth_exec_result_free(berth_exec_result *result);
int berth_exec_start(berth_stream **out, char **out_exec_id, berth_client *client, const char *id,
                     const berth_exec_options *opts, berth_error *err);
int berth_exec_exit_code(int *out_code, berth_client *client, const char *exec_id, int timeout_ms,
                         berth_error *err);
#define BERTH_ATTACH_OPTIONS_VERSION ...
typedef struct berth_attach_options {
    unsigned int version;
    int attach_stdin;
    int attach_stdout;
    int attach_stderr;
    int logs;
    int stream;
    ...;
} berth_attach_options;
int berth_container_attach(berth_stream **out, berth_client *client, const char *id,
                           const berth_attach_options *opts, berth_error *err);

/* ready.h */
typedef struct berth_probe berth_probe;
int berth_probe_parse(berth_probe **out, const char *text, berth_error *err);
void berth_probe_free(berth_probe *probe);
#define BERTH_READY_OPTIONS_VERSION ...
typedef struct berth_ready_options {
    unsigned int version;
    int timeout_ms;
    int interval_ms;
    int probe_timeout_ms;
    const berth_probe *const *probes;
    size_t probe_count;
    int any;
    int ignore_health;
    ...;
} berth_ready_options;
typedef enum berth_ready_state { BERTH_READY_READY, ... } berth_ready_state;
const char *berth_ready_state_name(berth_ready_state state);
typedef struct berth_ready_result berth_ready_result;
int berth_container_wait_ready(berth_ready_result **out, berth_client *client, const char *id,
                               const berth_ready_options *opts, berth_error *err);
void berth_ready_result_free(berth_ready_result *result);
berth_ready_state berth_ready_result_state(const berth_ready_result *result);
int berth_ready_result_exit_code(const berth_ready_result *result);
berth_health berth_ready_result_health(const berth_ready_result *result);
const char *berth_ready_result_health_output(const berth_ready_result *result);
int64_t berth_ready_result_elapsed_ms(const berth_ready_result *result);
size_t berth_ready_result_probe_count(const berth_ready_result *result);
int berth_ready_result_probe_passed(const berth_ready_result *result, size_t i);
const char *berth_ready_result_probe_message(const berth_ready_result *result, size_t i);
const char *berth_ready_result_logs(const berth_ready_result *result);

/* stats.h */
typedef struct berth_stats berth_stats;
void berth_stats_free(berth_stats *stats);
int64_t berth_stats_time_ns(const berth_stats *stats);
double berth_stats_cpu_percent(const berth_stats *stats);
unsigned berth_stats_online_cpus(const berth_stats *stats);
uint64_t berth_stats_memory_usage(const berth_stats *stats);
uint64_t berth_stats_memory_limit(const berth_stats *stats);
double berth_stats_memory_percent(const berth_stats *stats);
uint64_t berth_stats_net_rx(const berth_stats *stats);
uint64_t berth_stats_net_tx(const berth_stats *stats);
uint64_t berth_stats_block_read(const berth_stats *stats);
uint64_t berth_stats_block_write(const berth_stats *stats);
uint64_t berth_stats_pids(const berth_stats *stats);
const char *berth_stats_raw_json(const berth_stats *stats);
int berth_container_stats(berth_stats **out, berth_client *client, const char *id, berth_error *err);
int berth_container_stats_stream(berth_stream **out, berth_client *client, const char *id, berth_error *err);

/* events.h */
typedef enum berth_event_kind { BERTH_EVENT_OTHER, ... } berth_event_kind;
typedef struct berth_event berth_event;
const char *berth_event_kind_name(berth_event_kind kind);
berth_event_kind berth_event_get_kind(const berth_event *ev);
const char *berth_event_type(const berth_event *ev);
const char *berth_event_action(const berth_event *ev);
const char *berth_event_id(const berth_event *ev);
const char *berth_event_name(const berth_event *ev);
const char *berth_event_image(const berth_event *ev);
int64_t berth_event_time_ns(const berth_event *ev);
int berth_event_exit_code(const berth_event *ev);
int berth_event_synthesized(const berth_event *ev);
size_t berth_event_attribute_count(const berth_event *ev);
const char *berth_event_attribute_key(const berth_event *ev, size_t i);
const char *berth_event_attribute_value(const berth_event *ev, size_t i);
#define BERTH_EVENTS_OPTIONS_VERSION ...
typedef struct berth_events_options {
    unsigned int version;
    const char *const *containers;
    size_t container_count;
    const char *const *labels;
    size_t label_count;
    const char *const *types;
    size_t type_count;
    const char *const *actions;
    size_t action_count;
    const char *since;
    const char *until;
    int no_reconnect;
    int max_reconnect_ms;
    int64_t since_ns;
    ...;
} berth_events_options;
int berth_events_watch(berth_stream **out, berth_client *client, const berth_events_options *opts, berth_error *err);

/* image.h */
#define BERTH_IMAGE_LIST_OPTIONS_VERSION ...
typedef struct berth_image_list_options { unsigned int version; const char *const *labels; size_t label_count; ...; } berth_image_list_options;
typedef struct berth_image_list berth_image_list;
int berth_image_list_get(berth_image_list **out, berth_client *client, const berth_image_list_options *opts, berth_error *err);
void berth_image_list_free(berth_image_list *list);
size_t berth_image_list_count(const berth_image_list *list);
const char *berth_image_list_id(const berth_image_list *list, size_t i);
size_t berth_image_list_tag_count(const berth_image_list *list, size_t i);
const char *berth_image_list_tag(const berth_image_list *list, size_t i, size_t j);
size_t berth_image_list_digest_count(const berth_image_list *list, size_t i);
const char *berth_image_list_digest(const berth_image_list *list, size_t i, size_t j);
int64_t berth_image_list_size(const berth_image_list *list, size_t i);
int64_t berth_image_list_created(const berth_image_list *list, size_t i);
size_t berth_image_list_label_count(const berth_image_list *list, size_t i);
const char *berth_image_list_label_key(const berth_image_list *list, size_t i, size_t j);
const char *berth_image_list_label_value(const berth_image_list *list, size_t i, size_t j);
typedef struct berth_image_info berth_image_info;
int berth_image_inspect(berth_image_info **out, berth_client *client, const char *name, berth_error *err);
void berth_image_info_free(berth_image_info *info);
const char *berth_image_info_id(const berth_image_info *info);
size_t berth_image_info_tag_count(const berth_image_info *info);
const char *berth_image_info_tag(const berth_image_info *info, size_t i);
size_t berth_image_info_label_count(const berth_image_info *info);
const char *berth_image_info_label_key(const berth_image_info *info, size_t i);
const char *berth_image_info_label_value(const berth_image_info *info, size_t i);
const char *berth_image_info_raw_json(const berth_image_info *info);
int berth_image_exists(int *out, berth_client *client, const char *name, berth_error *err);
int berth_image_tag(berth_client *client, const char *source, const char *target, berth_error *err);
#define BERTH_IMAGE_REMOVE_OPTIONS_VERSION ...
typedef struct berth_image_remove_options { unsigned int version; int force; ...; } berth_image_remove_options;
int berth_image_remove(berth_client *client, const char *name, const berth_image_remove_options *opts, berth_error *err);
#define BERTH_IMAGE_IMPORT_OPTIONS_VERSION ...
typedef struct berth_image_import_options { unsigned int version; const char *path; int fd; ...; } berth_image_import_options;
int berth_image_import(char **out_names, berth_client *client, const berth_image_import_options *opts, berth_error *err);
#define BERTH_IMAGE_IMPORT_ROOTFS_OPTIONS_VERSION ...
typedef struct berth_image_import_rootfs_options {
    unsigned int version;
    const char *path;
    int fd;
    const char *ref;
    const char *message;
    const char *const *changes;
    size_t change_count;
    ...;
} berth_image_import_rootfs_options;
int berth_image_import_rootfs(char **out_id, berth_client *client, const berth_image_import_rootfs_options *opts, berth_error *err);
typedef enum berth_progress_phase { BERTH_PROGRESS_FINISHED, ... } berth_progress_phase;
const char *berth_progress_phase_name(berth_progress_phase phase);
typedef struct berth_image_progress berth_image_progress;
berth_progress_phase berth_image_progress_phase(const berth_image_progress *p);
const char *berth_image_progress_layer(const berth_image_progress *p);
int64_t berth_image_progress_current(const berth_image_progress *p);
int64_t berth_image_progress_total(const berth_image_progress *p);
const char *berth_image_progress_message(const berth_image_progress *p);
const char *berth_image_progress_digest(const berth_image_progress *p);
const char *berth_image_progress_image_id(const berth_image_progress *p);
#define BERTH_PULL_OPTIONS_VERSION ...
typedef struct berth_pull_options { unsigned int version; const char *platform; int all_tags; int insecure; ...; } berth_pull_options;
int berth_image_pull(berth_stream **out, berth_client *client, const char *ref, const berth_pull_options *opts, berth_error *err);
#define BERTH_PUSH_OPTIONS_VERSION ...
typedef struct berth_push_options { unsigned int version; int insecure; ...; } berth_push_options;
int berth_image_push(berth_stream **out, berth_client *client, const char *ref, const berth_push_options *opts, berth_error *err);

/* volume.h */
#define BERTH_VOLUME_CREATE_OPTIONS_VERSION ...
typedef struct berth_volume_create_options {
    unsigned int version;
    const char *driver;
    const char *const *driver_opts;
    size_t driver_opt_count;
    const char *const *labels;
    size_t label_count;
    ...;
} berth_volume_create_options;
int berth_volume_create(char **out_name, berth_client *client, const char *name,
                        const berth_volume_create_options *opts, berth_error *err);
typedef struct berth_volume_info berth_volume_info;
int berth_volume_inspect(berth_volume_info **out, berth_client *client, const char *name, berth_error *err);
void berth_volume_info_free(berth_volume_info *info);
const char *berth_volume_info_name(const berth_volume_info *info);
const char *berth_volume_info_driver(const berth_volume_info *info);
const char *berth_volume_info_mountpoint(const berth_volume_info *info);
const char *berth_volume_info_created(const berth_volume_info *info);
size_t berth_volume_info_label_count(const berth_volume_info *info);
const char *berth_volume_info_label_key(const berth_volume_info *info, size_t i);
const char *berth_volume_info_label_value(const berth_volume_info *info, size_t i);
size_t berth_volume_info_option_count(const berth_volume_info *info);
const char *berth_volume_info_option_key(const berth_volume_info *info, size_t i);
const char *berth_volume_info_option_value(const berth_volume_info *info, size_t i);
const char *berth_volume_info_raw_json(const berth_volume_info *info);
#define BERTH_VOLUME_LIST_OPTIONS_VERSION ...
typedef struct berth_volume_list_options { unsigned int version; const char *const *labels; size_t label_count; ...; } berth_volume_list_options;
typedef struct berth_volume_list berth_volume_list;
int berth_volume_list_get(berth_volume_list **out, berth_client *client, const berth_volume_list_options *opts, berth_error *err);
void berth_volume_list_free(berth_volume_list *list);
size_t berth_volume_list_count(const berth_volume_list *list);
const berth_volume_info *berth_volume_list_at(const berth_volume_list *list, size_t i);
#define BERTH_VOLUME_REMOVE_OPTIONS_VERSION ...
typedef struct berth_volume_remove_options { unsigned int version; int force; ...; } berth_volume_remove_options;
int berth_volume_remove(berth_client *client, const char *name, const berth_volume_remove_options *opts, berth_error *err);

/* network.h */
#define BERTH_NETWORK_CREATE_OPTIONS_VERSION ...
typedef struct berth_network_create_options {
    unsigned int version;
    const char *driver;
    const char *subnet;
    const char *gateway;
    int internal;
    const char *const *labels;
    size_t label_count;
    ...;
} berth_network_create_options;
int berth_network_create(char **out_id, berth_client *client, const char *name,
                         const berth_network_create_options *opts, berth_error *err);
typedef struct berth_network_info berth_network_info;
int berth_network_inspect(berth_network_info **out, berth_client *client, const char *name, berth_error *err);
void berth_network_info_free(berth_network_info *info);
const char *berth_network_info_id(const berth_network_info *info);
const char *berth_network_info_name(const berth_network_info *info);
const char *berth_network_info_driver(const berth_network_info *info);
const char *berth_network_info_scope(const berth_network_info *info);
int berth_network_info_internal(const berth_network_info *info);
const char *berth_network_info_created(const berth_network_info *info);
size_t berth_network_info_label_count(const berth_network_info *info);
const char *berth_network_info_label_key(const berth_network_info *info, size_t i);
const char *berth_network_info_label_value(const berth_network_info *info, size_t i);
const char *berth_network_info_raw_json(const berth_network_info *info);
#define BERTH_NETWORK_LIST_OPTIONS_VERSION ...
typedef struct berth_network_list_options { unsigned int version; const char *const *labels; size_t label_count; ...; } berth_network_list_options;
typedef struct berth_network_list berth_network_list;
int berth_network_list_get(berth_network_list **out, berth_client *client, const berth_network_list_options *opts, berth_error *err);
void berth_network_list_free(berth_network_list *list);
size_t berth_network_list_count(const berth_network_list *list);
const berth_network_info *berth_network_list_at(const berth_network_list *list, size_t i);
int berth_network_remove(berth_client *client, const char *name, berth_error *err);
#define BERTH_NETWORK_CONNECT_OPTIONS_VERSION ...
typedef struct berth_network_connect_options { unsigned int version; const char *const *aliases; size_t alias_count; ...; } berth_network_connect_options;
int berth_network_connect(berth_client *client, const char *network, const char *container,
                          const berth_network_connect_options *opts, berth_error *err);
int berth_network_disconnect(berth_client *client, const char *network, const char *container,
                             int force, berth_error *err);
"""


def _pkg_config(*args):
    try:
        out = subprocess.run(["pkg-config", *args, "libberth"], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return shlex.split(out)


def locate():
    """Return (include_dirs, library_dirs) where libberth is to be found."""
    inc, lib = os.environ.get("BERTH_INCLUDE_DIR"), os.environ.get("BERTH_LIB_DIR")
    if inc or lib:
        if not (inc and lib):
            sys.exit("berth: set both BERTH_INCLUDE_DIR and BERTH_LIB_DIR")
        return [inc], [lib]
    prefix = os.environ.get("BERTH_PREFIX")
    if not prefix:
        cflags, libs = _pkg_config("--cflags-only-I"), _pkg_config("--libs-only-L")
        if cflags is not None and libs is not None:
            return [f[2:] for f in cflags], [f[2:] for f in libs]
        prefix = "/usr/local"
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    libdirs = [d for d in (os.path.join(prefix, "lib", multiarch), os.path.join(prefix, "lib")) if os.path.isdir(d)]
    return [os.path.join(prefix, "include")], libdirs[:1] or [os.path.join(prefix, "lib")]


include_dirs, library_dirs = locate()
ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source(
    "berth._native",
    "#include <berth/berth.h>\n",
    include_dirs=include_dirs,
    library_dirs=library_dirs,
    runtime_library_dirs=library_dirs,
    libraries=["berth"],
    extra_compile_args=["-Wall", "-Wno-unused-parameter"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
