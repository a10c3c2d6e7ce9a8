/* containerd logs and attach: the logs stream, the attach stream and the
 * readiness scan over berth-logger's file (health checks: ctrd_health.c). */
#include "ctrd_lifecycle.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "api_services_containers_v1_containers.pb-c.h"
#include "api_services_tasks_v1_tasks.pb-c.h"

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
	ctrd_log_hooks h = { .alive = a ? task_alive : NULL, .release = free, .ctx = a };
	return ctrd_log_open(out, path, &cq, &h, err);
}

/* ---- attach ------------------------------------------------------------------------ */

/* A task's stdout and stderr go to berth-logger, so attach is the
 * container's log followed, from now (or from its start with opts->logs)
 * to the end of the process. Its stdin, for a container with stdin open,
 * is the task's stdin FIFO (ctrd_lifecycle.c says how the task gets it),
 * opened for reading and writing: that needs no reader yet (an attach
 * before the start writes into the FIFO, and the process reads it once it
 * runs) and never raises SIGPIPE. The end of the attach's stdin closes
 * its descriptor; with stdin_once it also asks the shim to close its own
 * writer (Tasks.CloseIO), so the process reads end of file. Without
 * stdin_once the process's stdin stays open for the next attach, and this
 * attach ends, as Docker's does. */

#define ATTACH_ALIVE_EVERY_MS 250

typedef struct attach_ctx {
	berth_client *c;
	char id[256];
	bool tty;
	bool seen;           /* a run of the process was seen running */
	char started_at[40]; /* the start label when attached ("" none) */
	int in_fd;           /* the stdin FIFO; -1 without stdin or once closed */
	bool has_stdin;      /* the stream takes stdin */
	bool stdin_once;     /* its end closes the process's stdin */
	bool detached;       /* stdin ended without stdin_once: the stream ends */
} attach_ctx;

static void attach_release(void *ctx)
{
	attach_ctx *a = ctx;
	if (a && a->in_fd >= 0)
		close(a->in_fd);
	free(a);
}

static int attach_write(void *ctx, const void *data, size_t len, int timeout_ms, berth_error *err)
{
	attach_ctx *a = ctx;
	if (a->in_fd < 0)
		return berth_fail(err, BERTH_ECONFLICT, "attach %s: stdin is closed", a->id);
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(a->in_fd, (const char *)data + off, len - off);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "attach %s: stdin: %s", a->id,
					       strerror(errno));
		/* the FIFO is full: the process is not reading (yet) */
		struct pollfd p = { a->in_fd, POLLOUT, 0 };
		int left = remaining_ms(deadline);
		if (left == 0 || poll(&p, 1, left) == 0)
			return berth_fail(err, BERTH_ETIMEDOUT, "attach %s: stdin is full (the process does not read it)",
					  a->id);
	}
	return 0;
}

static int attach_close_stdin(void *ctx, berth_error *err)
{
	attach_ctx *a = ctx;
	if (a->in_fd < 0)
		return 0;
	close(a->in_fd);
	a->in_fd = -1;
	if (!a->stdin_once) {
		a->detached = true;
		return 0;
	}
	Containerd__Services__Tasks__V1__CloseIORequest cr = CONTAINERD__SERVICES__TASKS__V1__CLOSE_IOREQUEST__INIT;
	cr.container_id = a->id;
	cr.exec_id = (char *)"";
	cr.stdin = true;
	int r = ctrd_call(NULL, a->c, "tasks.v1.Tasks/CloseIO", &cr.base, NULL, 0, err);
	return r == BERTH_ENOTFOUND ? 0 : r; /* no task: nothing holds the stdin open */
}

static int attach_stdin_fd(const void *ctx)
{
	return ((const attach_ctx *)ctx)->in_fd;
}

/* Still to wait for output: while the process runs and, in an attach
 * before the start, until the start came (the container's start label
 * changed) and the process it started is over. The end record does not
 * end a short run: the shim keeps the task's stdio until the task is
 * deleted, only then berth-logger writes it. */
static int attach_alive(void *ctx, berth_error *err)
{
	attach_ctx *a = ctx;
	if (a->detached)
		return 0;
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
	RESOLVE(c, ref, err);
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	ctrd_task_info t;
	int r = ctrd_get_container_task(&resp, &t, c, id, err);
	if (r < 0)
		return r;
	if (t.exists && t.state == BERTH_STATE_PAUSED)
		return berth_fail(err, BERTH_ECONFLICT, "attach: container %s is paused, unpause it first", id);
	const char *stdin_mode = ctrd_label(resp->container, CTRD_LABEL_STDIN);
	if (opts->attach_stdin && !stdin_mode)
		return berth_fail(err, BERTH_ECONFLICT,
				  "attach: container %s keeps no stdin open (make it with stdin_open to attach stdin)", id);
	char path[4096];
	if (ctrd_log_path(path, sizeof path, c, id) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: name too long for berth's state directory", id);
	int in_fd = -1;
	if (opts->attach_stdin) {
		char in[4096], dir[3072];
		if (ctrd_stdin_path(in, sizeof in, c, id) < 0 || ctrd_state_dir(dir, sizeof dir, c, id) < 0)
			return berth_fail(err, BERTH_EINVAL, "%s: name too long for berth's state directory", id);
		/* made here when the attach comes before the first start */
		mkdir(dir, 0711);
		if ((mkfifo(in, 0600) < 0 && errno != EEXIST) ||
		    (in_fd = open(in, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0)
			return berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "attach %s: stdin FIFO %s: %s",
					       id, in, strerror(errno));
	}
	/* the log so far with logs, then (stream) what comes: tail 0 starts
	 * at the file's end now, and a file not there yet is read whole */
	ctrd_log_query q = { opts->attach_stdout, opts->attach_stderr, opts->stream, false, opts->logs ? -1 : 0, 0, 0 };
	attach_ctx *a = calloc(1, sizeof *a);
	if (!a) {
		if (in_fd >= 0)
			close(in_fd);
		return BERTH_NOMEM(err);
	}
	*a = (attach_ctx){ .c = c, .tty = STREQ(strempty(ctrd_label(resp->container, CTRD_LABEL_TTY)), "true"),
			   .seen = t.exists && t.state == BERTH_STATE_RUNNING, .in_fd = in_fd,
			   .has_stdin = in_fd >= 0, .stdin_once = STREQ(strempty(stdin_mode), "once") };
	snprintf(a->id, sizeof a->id, "%s", id);
	snprintf(a->started_at, sizeof a->started_at, "%s",
		 strempty(ctrd_label(resp->container, CTRD_LABEL_STARTED_AT)));
	/* the end of a process is seen by asking: often, as a foreground run
	 * waits for it */
	ctrd_log_hooks h = { .alive = q.follow ? attach_alive : NULL, .alive_every_ms = ATTACH_ALIVE_EVERY_MS,
			     .resize = attach_resize, .release = attach_release, .ctx = a };
	if (a->has_stdin) {
		h.write = attach_write;
		h.close_stdin = attach_close_stdin;
		h.stdin_fd = attach_stdin_fd;
	}
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
