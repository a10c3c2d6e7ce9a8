/* containerd logs and attach: the logs stream, the attach stream and the
 * readiness scan over berth-logger's file (health checks: ctrd_health.c). */
#include "ctrd_lifecycle.h"

#include <fcntl.h>
#include <stdio.h>
#include <time.h>

#include "api_services_containers_v1_containers.pb-c.h"

/* ---- logs ------------------------------------------------------------------------ */

typedef struct alive_ctx {
	berth_client *c;
	char id[256];
} alive_ctx;

/* 1 while container id's task is there and not exited, 0 after; < 0 error. */
static int task_live(berth_client *c, const char *id, berth_error *err)
{
	ctrd_task_info t;
	int r = ctrd_task_get(&t, c, id, err);
	if (r < 0)
		return r;
	return t.exists && (t.state == BERTH_STATE_RUNNING || t.state == BERTH_STATE_PAUSED || t.state == BERTH_STATE_CREATED);
}

static int task_alive(void *ctx, berth_error *err)
{
	alive_ctx *a = ctx;
	return task_live(a->c, a->id, err);
}

int ctrd_container_logs_q(berth_stream **out, berth_client *c, const char *ref, const ctrd_log_query *q,
			  berth_error *err)
{
	RESOLVE(c, ref, err);
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	int r = ctrd_get_container(&resp, c, id, err);
	if (r < 0)
		return r;
	char path[4096];
	if (ctrd_log_path(path, sizeof path, c, id) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: name too long for berth's state directory", id);
	ctrd_log_query cq = *q;
	alive_ctx *a = NULL;
	if (cq.follow) {
		/* a container that is not running has nothing more to say */
		a = calloc(1, sizeof *a);
		if (!a)
			return BERTH_NOMEM(err);
		a->c = c;
		snprintf(a->id, sizeof a->id, "%s", id);
		r = task_alive(a, err);
		if (r < 0) {
			free(a);
			return r;
		}
		if (r == 0) {
			cq.follow = false;
			free(a);
			a = NULL;
		}
	}
	ctrd_log_hooks h = { a ? task_alive : NULL, 0, NULL, free, a };
	return ctrd_log_open(out, path, &cq, &h, err);
}

/* ---- attach ------------------------------------------------------------------------ */

/* A task's stdout and stderr go to berth-logger (binary:// in
 * containerd), which takes them and has no stdin to give: attach is the
 * container's log followed, from now (or from its start with opts->logs)
 * to the end of the process. */

#define ATTACH_ALIVE_EVERY_MS 250

typedef struct attach_ctx {
	berth_client *c;
	char id[256];
	bool tty;
	bool seen;           /* a run of the process was seen running */
	char started_at[40]; /* the start label when attached ("" none) */
} attach_ctx;

/* Still to wait for output: while the process runs and, in an attach
 * before the start, until the start came (the container's start label
 * changed) and the process it started is over. The end record does not
 * end a short run: the shim keeps the task's stdio until the task is
 * deleted, only then berth-logger writes it. */
static int attach_alive(void *ctx, berth_error *err)
{
	attach_ctx *a = ctx;
	int r = task_live(a->c, a->id, err);
	if (r < 0)
		return r;
	bool live = r == 1;
	if (live || a->seen) {
		a->seen = a->seen || live;
		return live;
	}
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	berth_error e = BERTH_ERROR_INIT;
	r = ctrd_get_container(&resp, a->c, a->id, &e);
	if (r == BERTH_ENOTFOUND)
		return 0; /* removed: nothing more to come */
	if (r < 0) {
		if (err)
			*err = e;
		return r;
	}
	/* a start since the attach, and its process ended already: over */
	return STREQ(strempty(ctrd_label(resp->container, CTRD_LABEL_STARTED_AT)), a->started_at);
}

static int attach_resize(void *ctx, unsigned rows, unsigned cols, berth_error *err)
{
	attach_ctx *a = ctx;
	if (!a->tty)
		return berth_fail(err, BERTH_EUNSUPPORTED, "attach: container %s has no TTY to resize", a->id);
	return ctrd_task_resize(a->c, a->id, NULL, rows, cols, err);
}

int ctrd_container_attach(berth_stream **out, berth_client *c, const char *ref, const berth_attach_options *opts,
			  berth_error *err)
{
	if (opts->attach_stdin)
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "attach: stdin: a containerd task's output goes to berth-logger, which gives it no "
				  "stdin (attach stdout and stderr only)");
	RESOLVE(c, ref, err);
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	ctrd_task_info t;
	int r = ctrd_get_container_task(&resp, &t, c, id, err);
	if (r < 0)
		return r;
	if (t.exists && t.state == BERTH_STATE_PAUSED)
		return berth_fail(err, BERTH_ECONFLICT, "attach: container %s is paused, unpause it first", id);
	char path[4096];
	if (ctrd_log_path(path, sizeof path, c, id) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: name too long for berth's state directory", id);
	/* the log so far with logs, then (stream) what comes: tail 0 starts
	 * at the file's end now, and a file not there yet is read whole */
	ctrd_log_query q = { opts->attach_stdout, opts->attach_stderr, opts->stream, false, opts->logs ? -1 : 0, 0, 0 };
	attach_ctx *a = calloc(1, sizeof *a);
	if (!a)
		return BERTH_NOMEM(err);
	*a = (attach_ctx){ .c = c, .tty = STREQ(strempty(ctrd_label(resp->container, CTRD_LABEL_TTY)), "true"),
			   .seen = t.exists && t.state == BERTH_STATE_RUNNING };
	snprintf(a->id, sizeof a->id, "%s", id);
	snprintf(a->started_at, sizeof a->started_at, "%s",
		 strempty(ctrd_label(resp->container, CTRD_LABEL_STARTED_AT)));
	/* the end of a process is seen by asking: often, as a foreground run
	 * waits for it */
	ctrd_log_hooks h = { q.follow ? attach_alive : NULL, ATTACH_ALIVE_EVERY_MS, attach_resize, free, a };
	return ctrd_log_open(out, path, &q, &h, err);
}

int ctrd_logs_scan(berth_client *c, const char *ref, int64_t since, int tail, int timeout_ms,
		   int (*on_data)(const char *data, size_t len, void *payload), void *payload, berth_error *err)
{
	RESOLVE(c, ref, err);
	(void)timeout_ms; /* a local file: no engine to wait for */
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	int r = ctrd_get_container(&resp, c, id, err);
	if (r < 0)
		return r;
	bool tty = STREQ(strempty(ctrd_label(resp->container, CTRD_LABEL_TTY)), "true");
	char path[4096];
	if (ctrd_log_path(path, sizeof path, c, id) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: name too long for berth's state directory", id);
	ctrd_log_query q = { true, true, false, false, tail > 0 ? tail : -1, since > 0 ? since * 1000000000LL : 0, 0 };
	berth_stream *s = NULL;
	if ((r = ctrd_log_open(&s, path, &q, NULL, err)) < 0)
		return r;
	berth_frame f;
	while ((r = berth_stream_next(s, &f, 1000, err)) == 0) {
		/* as the Engine API sends it: framed unless there is a TTY */
		unsigned char head[8] = { f.channel == BERTH_CHANNEL_STDERR ? 2 : 1, 0, 0, 0, (unsigned char)(f.len >> 24),
					  (unsigned char)(f.len >> 16), (unsigned char)(f.len >> 8), (unsigned char)f.len };
		if ((!tty && on_data((const char *)head, sizeof head, payload)) || on_data(f.data, f.len, payload)) {
			r = BERTH_ITEROVER;
			break;
		}
	}
	berth_stream_free(s);
	return r == BERTH_ITEROVER ? 0 : r;
}
