/* berth — engine clients: open, ping, version, info.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_CLIENT_H
#define BERTH_CLIENT_H

#include <berth/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Container engines berth speaks to. */
typedef enum berth_engine {
	BERTH_ENGINE_AUTO = 0,       /**< discover: Docker, then Podman, then containerd */
	BERTH_ENGINE_DOCKER = 1,
	BERTH_ENGINE_PODMAN = 2,
	BERTH_ENGINE_CONTAINERD = 3,
} berth_engine;

/** "auto", "docker", "podman", "containerd"; "unknown" for other values. */
BERTH_API const char *berth_engine_name(berth_engine engine);

/**
 * Parse an engine name ("auto", "docker", "podman", "containerd", case
 * insensitive). Returns 0, or BERTH_EINVAL for an unknown name.
 */
BERTH_API int berth_engine_from_name(berth_engine *out, const char *name, berth_error *err);

/** One client talks to one engine endpoint. See berth_client_open(). */
typedef struct berth_client berth_client;

#define BERTH_CLIENT_OPTIONS_VERSION 1

/**
 * Options of berth_client_open(). Initialise with BERTH_CLIENT_OPTIONS_INIT
 * and set only what you need; zero means "the default" everywhere.
 */
typedef struct berth_client_options {
	unsigned int version;       /**< BERTH_CLIENT_OPTIONS_VERSION */
	berth_engine engine;        /**< which engine; AUTO discovers */
	const char *host;           /**< endpoint URI: unix:///path, tcp://host:port,
	                                 ssh://[user@]host[:port][/socket], or a bare
	                                 absolute socket path; NULL discovers */
	const char *api_version;    /**< Engine API version like "1.41"; NULL negotiates */
	int connect_timeout_ms;     /**< per connection attempt; default 5000 */
	int timeout_ms;             /**< default deadline of a request; default 60000 */
	int tls_verify;             /**< tcp:// only: 1 = TLS with verification, 2 = TLS
	                                 without verification, -1 = no TLS, 0 = from
	                                 DOCKER_TLS_VERIFY (https:// always uses TLS) */
	const char *cert_path;      /**< directory with ca.pem, cert.pem, key.pem;
	                                 NULL = DOCKER_CERT_PATH or ~/.docker */
	const char *owner;          /**< owner name written into the ownership labels */
	const char *containerd_namespace; /**< containerd namespace; NULL = CONTAINERD_NAMESPACE,
	                                       else "default" (what ctr and nerdctl use) */
	berth_log_cb log;           /**< optional diagnostics callback */
	void *log_payload;
} berth_client_options;

#define BERTH_CLIENT_OPTIONS_INIT { BERTH_CLIENT_OPTIONS_VERSION, BERTH_ENGINE_AUTO, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL }

/**
 * Open a client.
 *
 * With opts->host set, that endpoint is used; otherwise the endpoint is
 * discovered as berth_detect() does (DOCKER_HOST, Docker contexts,
 * CONTAINER_HOST, CONTAINERD_ADDRESS, then the default sockets) and the first
 * candidate that answers a ping as the wanted engine wins. The engine is
 * identified by what it says about itself, never by the socket path, and the
 * Engine API version is negotiated: the lower of the engine's and berth's
 * (BERTH_API_VERSION_MAX), refused below BERTH_API_VERSION_MIN.
 *
 * A client may be shared by threads: requests take a connection from an
 * internal pool (keep-alive) guarded by a mutex. On containerd, one HTTP/2
 * connection carries every call of the client (multiplexed streams).
 *
 * containerd: the gRPC API over HTTP/2 on a unix socket (CONTAINERD_ADDRESS,
 * a bare path, or opts->host with engine CONTAINERD). The namespace is not
 * checked at open: containerd creates a namespace on the first write into
 * it (creating a container, importing an image), and reads of a namespace
 * that does not exist yet answer as an empty one (no containers, no
 * images), so a fresh namespace needs no setup.
 *
 * ssh://[user@]host[:port][/path] (in opts->host, DOCKER_HOST, CONTAINER_HOST
 * or a Docker context): berth runs the system's ssh client (BERTH_SSH, else
 * "ssh" from PATH) with BatchMode=yes, ConnectTimeout from
 * connect_timeout_ms (rounded up to seconds), no forwardings, no new control
 * master, and the arguments of BERTH_SSH_OPTIONS (split at white space) put
 * before berth's own, which they override (but BatchMode). Each connection of
 * the pool is one ssh process whose stdin and stdout carry the Engine API;
 * at most four wait idle; each is stopped and reaped when its connection
 * closes, all of them by berth_client_free(). The remote side runs
 * `docker system dial-stdio` when the address has no path (Docker, as the
 * docker client does); with a path, a relay to that socket: `podman --url
 * unix://PATH system dial-stdio`, else docker's with --host, else socat
 * (whose end lags the engine's by half a second): give Podman its socket's
 * path. The engine is told by its ping. User and host are letters, digits, '.', '_', '-'; the path
 * letters, digits and "/._+-"; a password in the address is BERTH_EINVAL.
 * Errors are read from ssh's stderr and name the endpoint: connection
 * refused, unknown or unreachable host, a remote without the command
 * (BERTH_EUNAVAILABLE), key or host key refused (BERTH_EPERM), timed out
 * (BERTH_ETIMEDOUT), the remote socket missing (BERTH_ENOTFOUND) or refused
 * to the remote user (BERTH_EPERM), ssh's options refused (BERTH_EINVAL). containerd over ssh: BERTH_EUNSUPPORTED.
 * During discovery an ssh candidate gets at least 10 s for its ping.
 *
 * @param out   the new client; free it with berth_client_free()
 * @param opts  options, or NULL for all defaults
 * @return 0; BERTH_EINVAL (bad option, malformed URI), BERTH_ENOTFOUND (socket
 *   path missing), BERTH_EPERM, BERTH_EUNAVAILABLE (no engine answers),
 *   BERTH_ETIMEDOUT, BERTH_EPROTOCOL (not an engine), BERTH_EUNSUPPORTED
 *   (Engine API too old), BERTH_ENOMEM.
 */
BERTH_API int berth_client_open(berth_client **out, const berth_client_options *opts, berth_error *err);

/** Close the client and its connections. NULL-safe. */
BERTH_API void berth_client_free(berth_client *client);

/** The engine this client talks to (never AUTO). */
BERTH_API berth_engine berth_client_engine(const berth_client *client);

/** The endpoint URI, e.g. "unix:///var/run/docker.sock". Borrowed. */
BERTH_API const char *berth_client_endpoint(const berth_client *client);

/** The negotiated Engine API version, e.g. "1.41"; "v1" on containerd (the
 *  version of its gRPC services). Borrowed. */
BERTH_API const char *berth_client_api_version(const berth_client *client);

/** Where the endpoint came from: "option", "DOCKER_HOST", "context NAME", ... Borrowed. */
BERTH_API const char *berth_client_source(const berth_client *client);

/** Oldest and newest Engine API version berth speaks. */
#define BERTH_API_VERSION_MIN "1.30"
#define BERTH_API_VERSION_MAX "1.41"

/**
 * Ask the engine whether it is alive.
 * @return 0; BERTH_EUNAVAILABLE, BERTH_ETIMEDOUT, BERTH_EPROTOCOL, BERTH_EPERM.
 */
BERTH_API int berth_ping(berth_client *client, berth_error *err);

/** What an engine says about its version (opaque; see the accessors). */
typedef struct berth_version berth_version;

/**
 * Fetch the engine's version record.
 * @return 0; transport errors as berth_ping(); BERTH_EPROTOCOL.
 */
BERTH_API int berth_version_get(berth_version **out, berth_client *client, berth_error *err);
BERTH_API void berth_version_free(berth_version *v);
BERTH_API berth_engine berth_version_engine(const berth_version *v);
/** Engine product version, e.g. "20.10.24", "4.3.1", "v1.6.20". */
BERTH_API const char *berth_version_server(const berth_version *v);
/** Highest API version the engine speaks ("v1" for containerd's gRPC services). */
BERTH_API const char *berth_version_api(const berth_version *v);
/** Lowest API version the engine accepts ("" when it does not say). */
BERTH_API const char *berth_version_min_api(const berth_version *v);
BERTH_API const char *berth_version_os(const berth_version *v);
BERTH_API const char *berth_version_arch(const berth_version *v);
BERTH_API const char *berth_version_kernel(const berth_version *v);
/** The engine's reply as JSON text. Borrowed. */
BERTH_API const char *berth_version_raw_json(const berth_version *v);

/** What an engine says about itself and its host (opaque). */
typedef struct berth_info berth_info;

/**
 * Fetch the engine's system information.
 * @return 0; transport errors as berth_ping(); BERTH_EPROTOCOL.
 */
BERTH_API int berth_info_get(berth_info **out, berth_client *client, berth_error *err);
BERTH_API void berth_info_free(berth_info *info);
BERTH_API const char *berth_info_name(const berth_info *info);          /**< host name */
BERTH_API const char *berth_info_server_version(const berth_info *info);
BERTH_API const char *berth_info_os(const berth_info *info);            /**< operating system */
BERTH_API const char *berth_info_kernel(const berth_info *info);
BERTH_API const char *berth_info_storage_driver(const berth_info *info);
BERTH_API const char *berth_info_cgroup_driver(const berth_info *info);
BERTH_API const char *berth_info_cgroup_version(const berth_info *info);
BERTH_API int64_t berth_info_containers(const berth_info *info);
BERTH_API int64_t berth_info_containers_running(const berth_info *info);
BERTH_API int64_t berth_info_containers_paused(const berth_info *info);
BERTH_API int64_t berth_info_containers_stopped(const berth_info *info);
BERTH_API int64_t berth_info_images(const berth_info *info);
BERTH_API int64_t berth_info_ncpu(const berth_info *info);
BERTH_API int64_t berth_info_mem_total(const berth_info *info);        /**< bytes */
BERTH_API const char *berth_info_raw_json(const berth_info *info);

#ifdef __cplusplus
}
#endif
#endif
