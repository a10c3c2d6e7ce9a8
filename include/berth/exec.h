/* berth — exec (a command run in a running container) and attach (the
 * main process's stdin, stdout and stderr).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_EXEC_H
#define BERTH_EXEC_H

#include <berth/common.h>
#include <berth/client.h>
#include <berth/stream.h>

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- options ------------------------------------------------------------- */

#define BERTH_EXEC_OPTIONS_VERSION 1
/**
 * What to run and how. Initialise with BERTH_EXEC_OPTIONS_INIT, then set
 * argv/argc at least. Everything is copied by the call.
 */
typedef struct berth_exec_options {
	unsigned int version;      /**< BERTH_EXEC_OPTIONS_VERSION */
	const char *const *argv;   /**< the command: argv[0] is looked up in the
	                                container's PATH; no shell is involved */
	size_t argc;               /**< at least 1 */
	const char *const *env;    /**< "KEY=VALUE" entries added to the container's */
	size_t env_count;
	/** "name", "uid", "uid:gid"; NULL: the container's user and groups.
	 *  The process's groups: Docker and containerd give it its primary
	 *  group and the groups that list the user (none beside a given gid);
	 *  Podman 4.3 gives an exec with a user no supplementary group. */
	const char *user;
	const char *workdir;       /**< absolute; NULL: the container's */
	int privileged;            /**< give the process every capability */
	int tty;                   /**< a pseudo-terminal: one unframed output
	                                (everything arrives as stdout), resizable */
	int attach_stdin;          /**< berth_exec_start(): the stream takes stdin
	                                writes (berth_stream_write/close_stdin) */
	int detach;                /**< berth_exec_start(): start and do not attach;
	                                no stream is made */
	size_t max_output;         /**< berth_exec(): the most bytes of stdout plus
	                                stderr kept; 0 = 64 MiB */
	int timeout_ms;            /**< berth_exec(): give up after this long; 0 = none */
} berth_exec_options;
#define BERTH_EXEC_OPTIONS_INIT { BERTH_EXEC_OPTIONS_VERSION, NULL, 0, NULL, 0, NULL, NULL, 0, 0, 0, 0, 0, 0 }

/* ---- buffered exec --------------------------------------------------------- */

typedef struct berth_exec_result berth_exec_result;

/**
 * Run a command in a running container, wait for its end and collect its
 * exit code, stdout and stderr (byte-exact: any bytes, NULs included).
 * opts->attach_stdin and opts->detach must be 0 (the process reads end of
 * file at once on its stdin). With opts->tty everything is stdout.
 *
 * @param out the result, the caller's: berth_exec_result_free().
 * @return 0 (whatever the command's exit code; a command that cannot be
 *   run has exit code 126 or 127, see below);
 *   BERTH_EINVAL (NULL or empty argv, an argv or env entry NULL, an env
 *   entry without '=' or with an empty key, a relative workdir, attach_stdin
 *   or detach set, an options version other than 1; before any request);
 *   BERTH_ENOTFOUND (no such container);
 *   BERTH_ECONFLICT (the container is not running: created, stopped, paused);
 *   BERTH_ENOMEM (out of memory, or the output passed opts->max_output: the
 *   message says so; the command is left to run on and gets EPIPE);
 *   BERTH_ETIMEDOUT (opts->timeout_ms passed);
 *   BERTH_EUNAVAILABLE (the engine went away); BERTH_EPROTOCOL.
 *
 * Engine differences: a command that does not exist ends with exit code 126
 * on Docker 20.10 (its message on stdout) and 127 on Podman (on stderr).
 */
BERTH_API int berth_exec(berth_exec_result **out, berth_client *client, const char *id,
			 const berth_exec_options *opts, berth_error *err);

/** The command's exit status (0-255). */
BERTH_API int berth_exec_result_exit_code(const berth_exec_result *result);
/** Its stdout: *len (when not NULL) gets the size; the bytes are followed
 *  by a NUL that is not counted. Borrowed from the result; never NULL. */
BERTH_API const char *berth_exec_result_stdout(const berth_exec_result *result, size_t *len);
/** Its stderr, as berth_exec_result_stdout(). Empty with a TTY. */
BERTH_API const char *berth_exec_result_stderr(const berth_exec_result *result, size_t *len);
/** The engine's id of the exec. Borrowed. */
BERTH_API const char *berth_exec_result_id(const berth_exec_result *result);
/** NULL-safe. */
BERTH_API void berth_exec_result_free(berth_exec_result *result);

/* ---- streaming and interactive exec ------------------------------------------ */

/**
 * Start a command in a running container and hand out its output as it
 * comes: frames of BERTH_CHANNEL_STDOUT and BERTH_CHANNEL_STDERR (only
 * STDOUT with a TTY) until BERTH_ITEROVER, which comes once the process
 * has ended and the engine has recorded its exit code. With
 * opts->attach_stdin the stream takes berth_stream_write(), and
 * berth_stream_close_stdin() is a real half-close: the process reads end
 * of file, its later output still arrives. With opts->tty,
 * berth_stream_resize() resizes its terminal.
 *
 * @param out the stream, the caller's (berth_stream_free() cancels it: the
 *   connection is closed, the process sees its stdin and output closed).
 *   With opts->detach no stream is made and *out is set to NULL.
 * @param out_exec_id when not NULL, the exec's id (free with berth_free()),
 *   for berth_exec_exit_code().
 * @return 0; BERTH_EINVAL (as berth_exec(), except that attach_stdin and
 *   detach are allowed; before any request); BERTH_ENOTFOUND;
 *   BERTH_ECONFLICT (the container is not running); BERTH_EUNAVAILABLE;
 *   BERTH_EPROTOCOL (the engine did not switch the connection to a raw
 *   stream). The stream itself ends with BERTH_EUNAVAILABLE when the
 *   engine dies or the connection is cut, never hangs.
 *
 * Feeding stdin: berth_stream_write() blocks until everything is sent. A
 * process that echoes its input (cat) while nobody reads its output stops
 * reading, and then so does the connection (Podman keeps no stdin buffer;
 * Docker a large one): write when berth_stream_fd() polls writable
 * (POLLOUT), in pieces of some KiB, and keep reading frames in between.
 *
 * Engine differences: Podman 4.3 never records the end of a detached exec
 * (its exit code stays unknown); attached ones are fine on both.
 */
BERTH_API int berth_exec_start(berth_stream **out, char **out_exec_id, berth_client *client, const char *id,
			       const berth_exec_options *opts, berth_error *err);

/**
 * The exit code of an exec. The engines record the end of an exec a little
 * after its output ends; this waits for that (polling the exec's state),
 * at most timeout_ms (0: 5 seconds; < 0: as long as it takes).
 * @param out_code the exit status (0-255) on success.
 * @return 0; BERTH_EINVAL (NULL exec id); BERTH_ENOTFOUND (no such exec:
 *   the engines forget an exec when its container is removed, and Docker
 *   some minutes after its end); BERTH_ETIMEDOUT (still running);
 *   BERTH_EUNAVAILABLE; BERTH_EPROTOCOL.
 */
BERTH_API int berth_exec_exit_code(int *out_code, berth_client *client, const char *exec_id, int timeout_ms,
				   berth_error *err);

/* ---- attach ---------------------------------------------------------------------- */

#define BERTH_ATTACH_OPTIONS_VERSION 1
typedef struct berth_attach_options {
	unsigned int version;   /**< BERTH_ATTACH_OPTIONS_VERSION */
	int attach_stdin;       /**< the stream takes berth_stream_write() */
	int attach_stdout;
	int attach_stderr;
	int logs;               /**< first replay the output so far (as the engine kept it) */
	int stream;             /**< then follow the output as it comes */
} berth_attach_options;
#define BERTH_ATTACH_OPTIONS_INIT { BERTH_ATTACH_OPTIONS_VERSION, 0, 1, 1, 0, 1 }

/**
 * Attach to a container's main process: its output as frames (as
 * berth_exec_start()), and with opts->attach_stdin its stdin. Attaching to
 * a created container before starting it loses no output. The stream ends
 * (BERTH_ITEROVER) when the process exits. berth_stream_resize() resizes
 * the terminal of a container made with a TTY (it must be running).
 *
 * Stdin: berth_stream_close_stdin() half-closes the connection. The
 * process reads end of file when the container was made with
 * berth_spec_set_stdin_once() (as `docker run -i` does); otherwise Docker
 * keeps the process's stdin open for a later attach and ends this stream,
 * while Podman closes the stdin anyway.
 *
 * @param opts NULL: stdout and stderr, streamed.
 *
 * Engine differences: Podman 4.3 sends the replay of past output
 * (opts->logs) misframed (a line's frame length leaves out its newline),
 * which no client can parse: there berth answers BERTH_EUNSUPPORTED for logs (read the past
 * output with the logs call, then attach with stream only).
 * containerd: the stream is the container's log (berth-logger's file)
 * followed. Its stdin (opts->attach_stdin, for a container made with
 * berth_spec_set_stdin_open(); else BERTH_ECONFLICT) is the task's stdin
 * FIFO: writes made before the start wait in it (64 KiB, then
 * berth_stream_write() times out) and reach the process once it runs;
 * berth_stream_close_stdin() closes the process's stdin with stdin_once
 * (Tasks/CloseIO), and without it leaves the stdin open for the next attach
 * and ends this stream, as Docker does. A stream that is freed without a
 * close leaves the stdin open either way.
 * The end of the process is seen by polling its task, every 250 ms, and
 * the stream ends once the file has been quiet for 200 ms after it; an
 * attach to a created or exited container waits for the next start (so
 * does Docker's), and ends when the container is removed.
 *
 * @return 0; BERTH_EUNSUPPORTED (see the engine differences); BERTH_EINVAL (nothing to attach: no stdin, stdout or stderr,
 *   or neither logs nor stream; a bad options version; before any
 *   request); BERTH_ENOTFOUND; BERTH_ECONFLICT (the engine refuses, e.g. a
 *   paused container); BERTH_EUNAVAILABLE; BERTH_EPROTOCOL.
 */
BERTH_API int berth_container_attach(berth_stream **out, berth_client *client, const char *id,
				     const berth_attach_options *opts, berth_error *err);

#ifdef __cplusplus
}
#endif

#endif
