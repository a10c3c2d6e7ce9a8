/* berth — readiness: wait until a container is really ready.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_READY_H
#define BERTH_READY_H

#include <berth/container.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- probes --------------------------------------------------------------- */

/**
 * A readiness probe berth runs itself, for containers whose image has no
 * health check (or in addition to it). Probes are checked when they are
 * made: bad input is BERTH_EINVAL naming the field. Free with
 * berth_probe_free(). A probe may be used by any number of waits.
 */
typedef struct berth_probe berth_probe;

/**
 * TCP: a connection to the host port the container port is published on
 * succeeds (and is not closed at once: Docker's userland proxy accepts on a
 * published port even when nothing listens in the container). The port
 * must be published (found through inspect); berth connects to 127.0.0.1
 * when it is bound to every address, else to the address it is bound to.
 * @return 0; BERTH_EINVAL (port not 1..65535); BERTH_ENOMEM.
 */
BERTH_API int berth_probe_tcp(berth_probe **out, int container_port, berth_error *err);

/**
 * HTTP: GET path on the published host port answers 2xx or 3xx, or exactly
 * expect_status when it is not 0. One request (one connection) per attempt.
 * @param path  "/..." without spaces or control characters
 * @return 0; BERTH_EINVAL (port, path, expect_status not 0 or 100..599); BERTH_ENOMEM.
 */
BERTH_API int berth_probe_http(berth_probe **out, int container_port, const char *path, int expect_status,
			       berth_error *err);

/**
 * Log line: a line of the container's stdout or stderr since it (last)
 * started matches a POSIX extended regular expression. Lines longer than
 * 64 KiB are matched in 64 KiB parts.
 * @return 0; BERTH_EINVAL (empty, or the regcomp() message); BERTH_ENOMEM.
 */
BERTH_API int berth_probe_log(berth_probe **out, const char *regex, berth_error *err);

/**
 * Exec: a command run in the container exits 0. argv is copied.
 * @return 0; BERTH_EINVAL (argc 0 or a NULL/empty argv[0]); BERTH_ENOMEM.
 */
BERTH_API int berth_probe_exec(berth_probe **out, const char *const *argv, size_t argc, berth_error *err);

/**
 * A probe from text, as the CLI's --probe takes it:
 *   "tcp:PORT"
 *   "http:PORT[/PATH][#STATUS]"   (path "/" when absent)
 *   "log:REGEX"
 *   "exec:COMMAND"                (run as sh -c COMMAND)
 * @return 0; BERTH_EINVAL (what is wrong, and where); BERTH_ENOMEM.
 */
BERTH_API int berth_probe_parse(berth_probe **out, const char *text, berth_error *err);

BERTH_API void berth_probe_free(berth_probe *probe);

/** The probe as text ("tcp:8080", "http:8080/health", ...). Borrowed. */
BERTH_API const char *berth_probe_describe(const berth_probe *probe);

/* ---- waiting ----------------------------------------------------------- */

#define BERTH_READY_OPTIONS_VERSION 1

/** Options of berth_container_wait_ready(); zero means the default. */
typedef struct berth_ready_options {
	unsigned int version;          /**< BERTH_READY_OPTIONS_VERSION */
	int timeout_ms;                /**< the whole wait; default 60000 */
	int interval_ms;               /**< between probe attempts; default 500 */
	int probe_timeout_ms;          /**< one probe attempt; default 5000 (never
	                                    beyond the wait's deadline) */
	const berth_probe *const *probes; /**< probes berth runs (borrowed) */
	size_t probe_count;
	int any;                       /**< ready when one probe passes (default: all) */
	int ignore_health;             /**< do not wait for the image's health check */
} berth_ready_options;

#define BERTH_READY_OPTIONS_INIT { BERTH_READY_OPTIONS_VERSION, 0, 0, 0, NULL, 0, 0, 0 }

/** Where a wait ended (or stands). */
typedef enum berth_ready_state {
	BERTH_READY_CREATED = 1,      /**< the container has not started */
	BERTH_READY_STARTING = 2,     /**< running, not ready yet */
	BERTH_READY_READY = 3,        /**< healthy and the probes passed */
	BERTH_READY_UNHEALTHY = 4,    /**< the health check says unhealthy */
	BERTH_READY_EXITED = 5,       /**< it stopped before it was ready */
	BERTH_READY_TIMED_OUT = 6,    /**< not ready before the deadline */
} berth_ready_state;

/** "created", "starting", "ready", "unhealthy", "exited", "timed out". */
BERTH_API const char *berth_ready_state_name(berth_ready_state state);

/** How a wait ended (opaque). */
typedef struct berth_ready_result berth_ready_result;

/**
 * Wait until a container is ready, and say so as soon as the answer is
 * known. The container passes through created -> starting -> one of
 * ready | unhealthy | exited | timed out:
 *
 *  - health: when the container has a health check (and
 *    opts->ignore_health is 0), it must be "healthy"; "starting" is never
 *    ready. "unhealthy" ends the wait at once.
 *  - probes: opts->probes must all pass (opts->any: one must). A probe that
 *    passed stays passed. Probes run every interval_ms while the container
 *    runs, each bounded by probe_timeout_ms.
 *  - with neither, the container is ready once it runs.
 *  - a container that exits (or dies) first ends the wait at once, with its
 *    exit code; one that is restarting, paused or not yet started is
 *    waited for.
 *
 * Every request has a deadline: status reads the client's request timeout
 * (berth_client_options.timeout_ms); probe attempts probe_timeout_ms, health
 * runs the check's own timeout plus a margin, and neither goes past the
 * wait's deadline.
 *
 *  - a status older than the wait is not news: a container that is
 *    "unhealthy" when the wait begins is waited for until the next check
 *    decides (it passes: ready; it fails: BERTH_ECONFLICT), as on Docker a
 *    container whose check passes again turns healthy at the next run.
 *
 * Engine differences: Docker runs health checks itself and berth reads the
 * status (inspect, every 100 ms). Podman without systemd and containerd
 * run none: there berth keeps them running with a keeper per container,
 * berth-health (installed in libexecdir; BERTH_HEALTH_KEEPER names another),
 * started detached by berth_container_start(), berth_container_restart()
 * and by this wait when the container has none. It runs the check at its
 * interval for as long as the container runs, with no berth process in
 * the foreground (the first one an interval after the start, then an
 * interval after the end of the last run, whoever made it), and leaves when
 * the container is removed or stays stopped (5 minutes; a new start makes
 * a new keeper). On Podman each run is Podman's own (its healthcheck
 * endpoint): Podman computes the status from the runs, honouring retries
 * and the start period, and emits its health_status events. On containerd
 * berth runs the check by exec into the task and records the runs in the
 * container's state directory (status, failing streak, the last outputs,
 * with Docker's rule for the start period and the retries), so inspect
 * shows them; a change of status is published on containerd's event
 * service, and berth_events_watch() hands it out as a HEALTH event. This
 * wait runs checks itself only where no keeper runs (berth-health missing,
 * or the container started by another tool before any berth wait): a
 * second runner would count every failure twice. Probes of every kind work
 * on containerd as on the other engines (TCP and HTTP through the published
 * port of the bridge network).
 *
 * @param out  may be NULL. Set (caller frees with berth_ready_result_free())
 *             whenever the wait reached a verdict: on 0, and on the
 *             BERTH_ECONFLICT and BERTH_ETIMEDOUT below. Untouched otherwise.
 * @param id   name, id or id prefix
 * @return 0 ready;
 *   BERTH_ECONFLICT the container exited before it was ready (the result
 *     has the exit code) or turned unhealthy (the result has the last
 *     check's output); the message says which;
 *   BERTH_ETIMEDOUT not ready in time (the message says what was missing);
 *   BERTH_EINVAL bad options, or a TCP/HTTP probe on a port the running
 *     container does not publish;
 *   BERTH_ENOTFOUND no such container (or it was removed while waited for);
 *   BERTH_EUNSUPPORTED the engine cannot run a probe kind;
 *   transport errors (BERTH_EUNAVAILABLE, ...); BERTH_ENOMEM.
 */
BERTH_API int berth_container_wait_ready(berth_ready_result **out, berth_client *client, const char *id,
					 const berth_ready_options *opts, berth_error *err);

/**
 * Run the container's health check once, now, and let the engine record it
 * (the status follows from it with the retries and start period rules; see
 * berth_container_info_health()). What berth's keeper does at the check's
 * interval on engines that run no checks by themselves.
 * Engine differences: Podman runs it (its healthcheck endpoint); on
 * containerd berth runs it by exec and records it; Docker runs its checks
 * by itself and offers no way to run one: BERTH_EUNSUPPORTED.
 * @return 0 (whatever the check's verdict: read it with inspect);
 *   BERTH_EINVAL (no health check); BERTH_ENOTFOUND; BERTH_ECONFLICT (not
 *   running); BERTH_EUNSUPPORTED (Docker); transport errors.
 */
BERTH_API int berth_container_health_run(berth_client *client, const char *id, berth_error *err);

BERTH_API void berth_ready_result_free(berth_ready_result *result);
BERTH_API berth_ready_state berth_ready_result_state(const berth_ready_result *result);
/** The exit code when the state is EXITED, else 0. */
BERTH_API int berth_ready_result_exit_code(const berth_ready_result *result);
BERTH_API int berth_ready_result_oom_killed(const berth_ready_result *result);
/** The last health status seen (BERTH_HEALTH_NONE without a check). */
BERTH_API berth_health berth_ready_result_health(const berth_ready_result *result);
/** The last health check run's output and exit code ("" and -1 when none ran). */
BERTH_API const char *berth_ready_result_health_output(const berth_ready_result *result);
BERTH_API int berth_ready_result_health_exit_code(const berth_ready_result *result);
/** Health checks this wait ran itself: 0 on Docker, and wherever berth's
 *  keeper runs them (see above). */
BERTH_API int berth_ready_result_health_runs(const berth_ready_result *result);
/** Milliseconds the wait took. */
BERTH_API int64_t berth_ready_result_elapsed_ms(const berth_ready_result *result);
/** Per probe (in the order given): passed or not, and the last attempt's
 *  outcome ("ok", or why not). Bad indexes give 0 / NULL. */
BERTH_API size_t berth_ready_result_probe_count(const berth_ready_result *result);
BERTH_API int berth_ready_result_probe_passed(const berth_ready_result *result, size_t i);
BERTH_API const char *berth_ready_result_probe_message(const berth_ready_result *result, size_t i);
/** When the wait failed (exited, unhealthy, timed out): the container's
 *  last output lines (at most 20 lines, 4 KiB), "" when it printed nothing
 *  or the engine keeps no logs. "" after success. */
BERTH_API const char *berth_ready_result_logs(const berth_ready_result *result);

#ifdef __cplusplus
}
#endif
#endif
