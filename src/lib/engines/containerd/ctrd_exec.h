/* Exec in containerd tasks (ctrd_exec.c): what the exec API's options become
 * for this backend (the same fields as berth_exec_options). */
#ifndef BERTH_CTRD_EXEC_H
#define BERTH_CTRD_EXEC_H

#include "lib/internal.h"

#include <berth/exec.h>

struct berth_client;

typedef struct ctrd_exec_args {
	const char *const *argv;
	size_t argc;
	const char *const *env;     /* "KEY=VALUE" added to the container's */
	size_t env_count;
	const char *user;           /* NULL: the container's */
	const char *workdir;        /* NULL: the container's */
	bool privileged, tty, attach_stdin, detach;
} ctrd_exec_args;

/* Run and wait: *exit_code; stdout into out and stderr into errout (errout
 * NULL: both into out), each keeping its last `max` bytes (0: 64 MiB).
 * timeout_ms 0: none (the process is killed when it runs out).
 * @return 0; BERTH_ENOTFOUND; BERTH_ECONFLICT (not running); BERTH_EENGINE
 * (the command could not be started); BERTH_ETIMEDOUT; transport errors. */
int ctrd_exec_run(int *exit_code, sbuf *out, sbuf *errout, struct berth_client *c, const char *id,
		  const ctrd_exec_args *a, size_t max, int timeout_ms, berth_error *err);

/* Start and hand out a stream of its output (stdin writes and half-close
 * when attach_stdin, resize with tty); *out_exec_id is "<container>/<exec>"
 * (berth_free). With detach, no stream is made. */
int ctrd_exec_start(berth_stream **out, char **out_exec_id, struct berth_client *c, const char *id,
		    const ctrd_exec_args *a, berth_error *err);
/* The exit status of an exec once it ended (waits at most timeout_ms, 0:
 * no limit); the exec is forgotten afterwards. */
int ctrd_exec_exit_code(int *out_code, struct berth_client *c, const char *exec_id, int timeout_ms,
			berth_error *err);

/* Tasks/ResizePty: the terminal of exec exec_id in container id, or of
 * its main process (exec_id NULL). */
int ctrd_task_resize(struct berth_client *c, const char *id, const char *exec_id, unsigned rows, unsigned cols,
		     berth_error *err);

/* Run argv in container id as the readiness probes and health checks
 * do: stdout and stderr together into output (its last 4 KiB); a
 * command runc cannot start exits 126 or 127 as under a shell. */
int ctrd_exec_probe(int *exit_code, sbuf *output, struct berth_client *c, const char *id, const strv *argv,
		    int timeout_ms, berth_error *err);

/* berth_exec_options -> ctrd_exec_args, then ctrd_exec_start (the exec_start op). */
int ctrd_exec_start_op(berth_stream **out, char **out_exec_id, struct berth_client *c, const char *id,
		       const berth_exec_options *opts, berth_error *err);

#endif
