/* berth — engine discovery.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_DETECT_H
#define BERTH_DETECT_H

#include <berth/client.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What berth found at one candidate endpoint. */
typedef enum berth_verdict {
	BERTH_VERDICT_OK = 0,           /**< answered as a usable engine */
	BERTH_VERDICT_MISSING = 1,      /**< nothing at that path / address */
	BERTH_VERDICT_PERMISSION = 2,   /**< permission denied */
	BERTH_VERDICT_NOT_ANSWERING = 3,/**< refused, reset, or silent past the timeout */
	BERTH_VERDICT_NOT_ENGINE = 4,   /**< something answered, but not an engine */
	BERTH_VERDICT_TOO_OLD = 5,      /**< an engine below berth's minimum API version */
	BERTH_VERDICT_INVALID = 6,      /**< the candidate itself is malformed (bad URI) */
	BERTH_VERDICT_WRONG_ENGINE = 7, /**< an engine, but not the one asked for */
	BERTH_VERDICT_SKIPPED = 8,      /**< not probed: an earlier candidate won */
	BERTH_VERDICT_UNSUPPORTED = 9,  /**< an engine this build cannot drive yet */
} berth_verdict;

/** "ok", "missing", "permission denied", ... (static). */
BERTH_API const char *berth_verdict_name(berth_verdict verdict);

#define BERTH_DETECT_OPTIONS_VERSION 1

typedef struct berth_detect_options {
	unsigned int version;    /**< BERTH_DETECT_OPTIONS_VERSION */
	berth_engine engine;     /**< wanted engine; AUTO accepts any */
	const char *host;        /**< explicit endpoint; considered first */
	int timeout_ms;          /**< per-candidate ping timeout; default 1000 */
	int probe_all;           /**< 1: probe every candidate; 0: stop at the first usable */
} berth_detect_options;

#define BERTH_DETECT_OPTIONS_INIT { BERTH_DETECT_OPTIONS_VERSION, BERTH_ENGINE_AUTO, NULL, 0, 0 }

/** The ordered list of candidates and their verdicts (opaque). */
typedef struct berth_detection berth_detection;

/**
 * Enumerate and probe the candidate endpoints, in this order: the explicit
 * host; DOCKER_HOST; the Docker context named by DOCKER_CONTEXT or by
 * currentContext in $DOCKER_CONFIG/config.json (default ~/.docker); the
 * CONTAINER_HOST variable; CONTAINERD_ADDRESS; then the default sockets
 * /var/run/docker.sock, $XDG_RUNTIME_DIR/podman/podman.sock,
 * /run/podman/podman.sock, /run/containerd/containerd.sock. Each candidate
 * is pinged; the engine is told by its own reply. The chosen one is the first
 * usable candidate in that order. A configured endpoint (option, environment
 * variable, context) that fails is never passed over for a default socket:
 * only one that answers as another engine than the one asked for, or as an
 * engine this build cannot drive yet, is.
 *
 * Detection itself fails only on BERTH_ENOMEM or BERTH_EINVAL (bad options);
 * a machine with no engine gives a detection whose chosen index is -1.
 */
BERTH_API int berth_detect(berth_detection **out, const berth_detect_options *opts, berth_error *err);
BERTH_API void berth_detection_free(berth_detection *d);
BERTH_API size_t berth_detection_count(const berth_detection *d);
/** Index of the chosen candidate, or -1 when none is usable. */
BERTH_API int berth_detection_chosen(const berth_detection *d);
/** Where candidate i came from: "option", "DOCKER_HOST", "context NAME", "default", ... */
BERTH_API const char *berth_detection_source(const berth_detection *d, size_t i);
/** Its endpoint URI (as given, even when malformed). */
BERTH_API const char *berth_detection_endpoint(const berth_detection *d, size_t i);
/** The engine one expects there from its source (AUTO when nothing says). */
BERTH_API berth_engine berth_detection_expected(const berth_detection *d, size_t i);
/** The engine that answered (AUTO when none did). */
BERTH_API berth_engine berth_detection_engine(const berth_detection *d, size_t i);
BERTH_API berth_verdict berth_detection_verdict(const berth_detection *d, size_t i);
/** A one-line reason for the verdict ("connect: No such file or directory"). */
BERTH_API const char *berth_detection_reason(const berth_detection *d, size_t i);
/** The engine's product version, "" when unknown. */
BERTH_API const char *berth_detection_server_version(const berth_detection *d, size_t i);
/** The negotiated API version, "" when unknown. */
BERTH_API const char *berth_detection_api_version(const berth_detection *d, size_t i);

#ifdef __cplusplus
}
#endif
#endif
