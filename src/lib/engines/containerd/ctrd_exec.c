/* Exec in a containerd task: the process spec is the container's own
 * process with the command, environment, user and directory of the exec;
 * its stdio are FIFOs in the container's state directory, which the shim
 * opens during Tasks.Start. berth opens their other ends first (a reader
 * plus a short-lived writer of its own on each output FIFO, so that a read
 * before the shim's open is not taken for the end), and unlinks them as
 * soon as the shim holds them: nothing is left on disk whatever happens to
 * berth afterwards.
 *
 * Exec ids handed out are "<container>/<exec>": exec_exit_code gets no
 * container id, and containerd needs one. */
#include "ctrd_exec.h"
#include "lib/parse/json_util.h"
#include "ctrd_lifecycle.h"
#include "ctrd_specgen.h"

#include "lib/kit/stream.h"

#include <berth/exec.h>

#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "api_services_containers_v1_containers.pb-c.h"
#include "api_services_tasks_v1_tasks.pb-c.h"

#define PROCESS_TYPE_URL "types.containerd.io/opencontainers/runtime-spec/1/Process"
#define EXEC_WAIT_MS 10000

typedef struct ctrd_exec {
	berth_client *c;
	char id[256];
	char exec_id[32];
	int in_fd, out_fd, err_fd;  /* berth's ends; -1 when not used / closed */
	int ep;                     /* epoll over out_fd and err_fd */
	bool tty;
	bool stdin_attached;
	int failed_code;            /* 126/127: runc could not start the command */
	char *failed_msg;           /* its message, handed out as output */
	char buf[65536];
	int exit_code;              /* after the end, when waited for */
} ctrd_exec;

static void exec_release(ctrd_exec *x)
{
	if (!x)
		return;
	int fds[] = { x->in_fd, x->out_fd, x->err_fd, x->ep };
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(x->failed_msg);
	free(x);
}

/* The exec's process spec (JSON) from the container's. */
static int process_spec(char **out, berth_client *c, const char *id, uint32_t pid, const ctrd_exec_args *a,
			berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	int r = ctrd_get_container(&resp, c, id, err);
	if (r < 0)
		return r;
	const Google__Protobuf__Any *sp = resp->container->spec;
	_cleanup_json_ json_t *spec = sp ? json_loadb((const char *)sp->value.data, sp->value.len, 0, NULL) : NULL;
	json_t *proc = json_object_get(spec, "process");
	if (!json_is_object(proc))
		return berth_fail(err, BERTH_EPROTOCOL, "container %s: its runtime spec has no process", id);
	json_t *args = json_array();
	for (size_t i = 0; i < a->argc; i++)
		json_array_append_new(args, json_string(a->argv[i]));
	json_object_set_new(proc, "args", args);
	json_object_set_new(proc, "terminal", json_boolean(a->tty));
	json_t *env = json_object_get(proc, "env");
	if (!json_is_array(env))
		json_object_set_new(proc, "env", env = json_array());
	for (size_t i = 0; i < a->env_count; i++)
		json_array_append_new(env, json_string(a->env[i]));
	if (a->tty && a->env_count == 0)
		json_array_append_new(env, json_string("TERM=xterm"));
	if (a->workdir)
		json_object_set_new(proc, "cwd", json_string(a->workdir));
	if (a->user) {
		/* names from the running container's own files */
		char path[64];
		_cleanup_free_ char *passwd = NULL, *group = NULL;
		size_t len;
		snprintf(path, sizeof path, "/proc/%u/root/etc/passwd", pid);
		(void)read_file(path, 1 << 20, &passwd, &len);
		snprintf(path, sizeof path, "/proc/%u/root/etc/group", pid);
		(void)read_file(path, 1 << 20, &group, &len);
		oci_user u;
		if ((r = ctrd_oci_user_resolve(&u, a->user, passwd, group, err)) < 0)
			return r;
		json_t *ju = json_object();
		json_object_set_new(ju, "uid", json_integer(u.uid));
		json_object_set_new(ju, "gid", json_integer(u.gid));
		json_t *gids = json_array();
		for (size_t i = 0; i < u.n_gids; i++)
			json_array_append_new(gids, json_integer(u.gids[i]));
		json_object_set_new(ju, "additionalGids", gids);
		json_object_set_new(proc, "user", ju);
	}
	if (a->privileged) {
		/* every capability the host has (runc cannot grant others) */
		uint64_t bnd = ~(uint64_t)0;
		_cleanup_free_ char *status = NULL;
		size_t slen;
		if (read_file("/proc/self/status", 1 << 16, &status, &slen) == 0 && strstr(status, "CapBnd:"))
			bnd = strtoull(strstr(status, "CapBnd:") + 7, NULL, 16);
		json_t *caps = json_array();
		for (size_t i = 0; i < CAP_NAMES_COUNT; i++) {
			if (!(bnd & ((uint64_t)1 << i)))
				continue;
			char name[48];
			snprintf(name, sizeof name, "CAP_%s", cap_names[i]);
			json_array_append_new(caps, json_string(name));
		}
		json_t *set = json_object();
		static const char *const kinds[] = { "bounding", "effective", "permitted" };
		for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
			json_object_set(set, kinds[i], caps);
		json_decref(caps);
		json_object_set_new(proc, "capabilities", set);
	}
	*out = json_dumps(proc, JSON_COMPACT);
	return *out ? 0 : BERTH_NOMEM(err);
}

/* Make the FIFO and open berth's end: read ends get a writer of berth's
 * own in *hold until the shim has opened theirs. */
static int open_fifo(int *fd, int *hold, const char *path, bool read_end, berth_error *err)
{
	if (mkfifo(path, 0600) < 0)
		return berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "exec: mkfifo %s: %s", path,
				       strerror(errno));
	*fd = open(path, (read_end ? O_RDONLY : O_RDWR) | O_NONBLOCK | O_CLOEXEC);
	if (*fd >= 0 && read_end)
		*hold = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0 || (read_end && *hold < 0))
		return berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "exec: open %s: %s", path,
				       strerror(errno));
	return 0;
}

static int exec_begin(ctrd_exec **out, berth_client *c, const char *id, const ctrd_exec_args *a, berth_error *err)
{
	ctrd_task_info t;
	int r = ctrd_task_get(&t, c, id, err);
	if (r < 0)
		return r;
	if (!t.exists || t.state != BERTH_STATE_RUNNING)
		return berth_fail_full(err, BERTH_ECONFLICT, 9, 0, "Container %s is not running", id);
	_cleanup_free_ char *proc = NULL;
	if ((r = process_spec(&proc, c, id, t.pid, a, err)) < 0)
		return r;
	ctrd_exec *x = calloc(1, sizeof *x);
	if (!x)
		return BERTH_NOMEM(err);
	*x = (ctrd_exec){ .c = c, .in_fd = -1, .out_fd = -1, .err_fd = -1, .ep = -1, .tty = a->tty, .exit_code = -1 };
	snprintf(x->id, sizeof x->id, "%s", id);
	unsigned char rnd[8];
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		exec_release(x);
		return berth_fail(err, BERTH_EUNAVAILABLE, "exec: no random bytes for an id");
	}
	snprintf(x->exec_id, sizeof x->exec_id, "exec-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3],
		 rnd[4], rnd[5], rnd[6], rnd[7]);
	char dir[3072], in[3200] = "", outp[3200] = "", errp[3200] = "";
	if (ctrd_state_dir(dir, sizeof dir, c, id) < 0) {
		exec_release(x);
		return berth_fail(err, BERTH_EINVAL, "exec: name too long for berth's state directory");
	}
	mkdir(dir, 0711);
	snprintf(outp, sizeof outp, "%s/%s-out", dir, x->exec_id);
	if (!a->tty)
		snprintf(errp, sizeof errp, "%s/%s-err", dir, x->exec_id);
	if (a->attach_stdin)
		snprintf(in, sizeof in, "%s/%s-in", dir, x->exec_id);
	int hold_out = -1, hold_err = -1, unused = -1;
	r = open_fifo(&x->out_fd, &hold_out, outp, true, err);
	if (r == 0 && *errp)
		r = open_fifo(&x->err_fd, &hold_err, errp, true, err);
	if (r == 0 && *in)
		r = open_fifo(&x->in_fd, &unused, in, false, err);
	if (r == 0) {
		Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
		any.type_url = (char *)PROCESS_TYPE_URL;
		any.value.data = (uint8_t *)proc;
		any.value.len = strlen(proc);
		Containerd__Services__Tasks__V1__ExecProcessRequest er =
			CONTAINERD__SERVICES__TASKS__V1__EXEC_PROCESS_REQUEST__INIT;
		er.container_id = x->id;
		er.exec_id = x->exec_id;
		er.stdin = in;
		er.stdout = outp;
		er.stderr = errp;
		er.terminal = a->tty;
		er.spec = &any;
		r = ctrd_call(NULL, c, "tasks.v1.Tasks/Exec", &er.base, NULL, 0, err);
	}
	if (r == 0) {
		Containerd__Services__Tasks__V1__StartRequest sr = CONTAINERD__SERVICES__TASKS__V1__START_REQUEST__INIT;
		sr.container_id = x->id;
		sr.exec_id = x->exec_id;
		berth_error se = BERTH_ERROR_INIT;
		r = ctrd_call(NULL, c, "tasks.v1.Tasks/Start", &sr.base, NULL, 0, &se);
		if (r < 0 && err)
			*err = se;
		if (r < 0) {
			Containerd__Services__Tasks__V1__DeleteProcessRequest dr =
				CONTAINERD__SERVICES__TASKS__V1__DELETE_PROCESS_REQUEST__INIT;
			dr.container_id = x->id;
			dr.exec_id = x->exec_id;
			ctrd_call(NULL, c, "tasks.v1.Tasks/DeleteProcess", &dr.base, NULL, 0, NULL);
			/* runc could not start the command: as Docker, an exec that
			 * ends at once with a shell's code (126 cannot run, 127 not
			 * found) and runc's message as its output */
			if (r != BERTH_EUNAVAILABLE && r != BERTH_ETIMEDOUT && r != BERTH_ENOTFOUND) {
				x->failed_code = strstr(se.message, "permission denied") ? 126 : 127;
				x->failed_msg = strdup(se.message);
				r = x->failed_msg ? 0 : BERTH_NOMEM(err);
				if (x->out_fd >= 0)
					close(x->out_fd);
				if (x->err_fd >= 0)
					close(x->err_fd);
				if (x->in_fd >= 0)
					close(x->in_fd);
				x->out_fd = x->err_fd = x->in_fd = -1;
			}
		}
	}
	/* the shim holds its ends now (or never will): no files stay behind */
	if (hold_out >= 0)
		close(hold_out);
	if (hold_err >= 0)
		close(hold_err);
	const char *paths[] = { in, outp, errp };
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		if (*paths[i])
			unlink(paths[i]);
	x->stdin_attached = a->attach_stdin;
	if (r == 0) {
		x->ep = epoll_create1(EPOLL_CLOEXEC);
		int fds[] = { x->out_fd, x->err_fd };
		for (size_t i = 0; x->ep >= 0 && i < ARRAY_SIZE(fds); i++) {
			struct epoll_event ev = { .events = EPOLLIN, .data.fd = fds[i] };
			if (fds[i] >= 0 && epoll_ctl(x->ep, EPOLL_CTL_ADD, fds[i], &ev) < 0)
				r = berth_fail_full(err, BERTH_EUNAVAILABLE, 0, errno, "exec: epoll: %s", strerror(errno));
		}
		if (x->ep < 0)
			r = berth_fail_full(err, BERTH_EUNAVAILABLE, 0, errno, "exec: epoll: %s", strerror(errno));
	}
	if (r < 0) {
		exec_release(x);
		return r;
	}
	*out = x;
	return 0;
}

/* Wait for the exec's end and forget it in the shim. */
static int exec_finish(int *code, berth_client *c, const char *id, const char *exec_id, int timeout_ms,
		       berth_error *err)
{
	Containerd__Services__Tasks__V1__WaitRequest wr = CONTAINERD__SERVICES__TASKS__V1__WAIT_REQUEST__INIT;
	wr.container_id = (char *)id;
	wr.exec_id = (char *)exec_id;
	_cleanup_pb_ Containerd__Services__Tasks__V1__WaitResponse *w = NULL;
	int r = ctrd_call(&w, c, "tasks.v1.Tasks/Wait", &wr.base, &containerd__services__tasks__v1__wait_response__descriptor,
			  timeout_ms, err);
	if (r < 0)
		return r;
	*code = (int)w->exit_status;
	Containerd__Services__Tasks__V1__DeleteProcessRequest dr = CONTAINERD__SERVICES__TASKS__V1__DELETE_PROCESS_REQUEST__INIT;
	dr.container_id = (char *)id;
	dr.exec_id = (char *)exec_id;
	ctrd_call(NULL, c, "tasks.v1.Tasks/DeleteProcess", &dr.base, NULL, 0, NULL);
	return 0;
}

/* Read what there is on either output: 1 with a frame, 0 when both ended,
 * BERTH_ETIMEDOUT. */
static int exec_read(ctrd_exec *x, berth_frame *f, int timeout_ms, berth_error *err)
{
	if (x->failed_msg && *x->failed_msg) {
		size_t n = strlen(x->failed_msg);
		if (n > sizeof x->buf - 2)
			n = sizeof x->buf - 2;
		memcpy(x->buf, x->failed_msg, n);
		x->buf[n++] = '\n';
		x->failed_msg[0] = '\0';
		*f = (berth_frame){ BERTH_CHANNEL_STDOUT, x->buf, n, 0, NULL };
		return 1;
	}
	for (;;) {
		if (x->out_fd < 0 && x->err_fd < 0)
			return 0;
		struct epoll_event ev[2];
		int n = epoll_wait(x->ep, ev, 2, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, errno, "exec: %s", strerror(errno));
		if (n == 0)
			return berth_fail(err, BERTH_ETIMEDOUT, "exec: no output yet");
		int *fdp = ev[0].data.fd == x->out_fd ? &x->out_fd : &x->err_fd;
		ssize_t got = read(*fdp, x->buf, sizeof x->buf);
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (got <= 0) {
			/* the shim closed its end: this output is over (a PTY's
			 * end reads as EIO) */
			epoll_ctl(x->ep, EPOLL_CTL_DEL, *fdp, NULL);
			close(*fdp);
			*fdp = -1;
			continue;
		}
		*f = (berth_frame){ fdp == &x->err_fd ? BERTH_CHANNEL_STDERR : BERTH_CHANNEL_STDOUT, x->buf, (size_t)got, 0,
				    NULL };
		return 1;
	}
}

static void kill_exec(ctrd_exec *x)
{
	Containerd__Services__Tasks__V1__KillRequest kr = CONTAINERD__SERVICES__TASKS__V1__KILL_REQUEST__INIT;
	kr.container_id = x->id;
	kr.exec_id = x->exec_id;
	kr.signal = SIGKILL;
	ctrd_call(NULL, x->c, "tasks.v1.Tasks/Kill", &kr.base, NULL, 0, NULL);
	int code;
	exec_finish(&code, x->c, x->id, x->exec_id, EXEC_WAIT_MS, NULL);
}

/* Keep the last `max` bytes. */
static int keep_tail(sbuf *b, const char *data, size_t len, size_t max)
{
	if (len >= max) {
		sbuf_reset(b);
		return sbuf_add(b, data + len - max, max);
	}
	if (b->len + len > max) {
		size_t drop = b->len + len - max;
		memmove(b->data, b->data + drop, b->len - drop);
		b->len -= drop;
		b->data[b->len] = '\0';
	}
	return sbuf_add(b, data, len);
}

int ctrd_exec_run(int *exit_code, sbuf *out, sbuf *errout, berth_client *c, const char *ref, const ctrd_exec_args *a,
		  size_t max, int timeout_ms, berth_error *err)
{
	RESOLVE(c, ref, err);
	ctrd_exec *x = NULL;
	int r = exec_begin(&x, c, id, a, err);
	if (r < 0)
		return r;
	if (x->in_fd >= 0) {
		close(x->in_fd); /* nothing to send: EOF at once */
		x->in_fd = -1;
	}
	int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : -1;
	berth_frame f;
	while ((r = exec_read(x, &f, remaining_ms(deadline), err)) == 1) {
		sbuf *b = f.channel == BERTH_CHANNEL_STDERR && errout ? errout : out;
		if (b && keep_tail(b, f.data, f.len, max ? max : 64u << 20) < 0) {
			r = BERTH_NOMEM(err);
			break;
		}
	}
	if (r < 0) {
		kill_exec(x);
		exec_release(x);
		if (r == BERTH_ETIMEDOUT)
			berth_error_prefix(err, "exec in %s", id);
		return r;
	}
	int code = x->failed_code;
	if (!x->failed_code)
		r = exec_finish(&code, c, id, x->exec_id, deadline < 0 ? EXEC_WAIT_MS : remaining_ms(deadline) + 1, err);
	exec_release(x);
	if (r < 0)
		return r;
	*exit_code = code;
	return 0;
}

int ctrd_exec_probe(int *exit_code, sbuf *output, berth_client *c, const char *id, const strv *argv, int timeout_ms,
		    berth_error *err)
{
	ctrd_exec_args a = { .argv = (const char *const *)argv->items, .argc = argv->len };
	berth_error e = BERTH_ERROR_INIT;
	int r = ctrd_exec_run(exit_code, output, NULL, c, id, &a, 4096, timeout_ms, &e);
	if (r == BERTH_EENGINE) {
		/* runc could not start the command: the codes a shell gives
		 * (126 not executable, 127 not found), as the other engines report */
		*exit_code = strstr(e.message, "permission denied") ? 126 : 127;
		if (output) {
			sbuf_reset(output);
			if (sbuf_adds(output, e.message) < 0)
				return BERTH_NOMEM(err);
		}
		return 0;
	}
	if (r < 0 && err)
		*err = e;
	return r;
}

/* ---- the streaming exec ----------------------------------------------------------- */

static int stream_next(void *impl, berth_frame *f, int timeout_ms, berth_error *err)
{
	ctrd_exec *x = impl;
	int r = exec_read(x, f, timeout_ms, err);
	if (r == 1)
		return 0;
	if (r < 0)
		return r;
	/* both outputs ended: the process is gone; keep its status */
	if (x->failed_code)
		x->exit_code = x->failed_code;
	if (x->exit_code < 0) {
		Containerd__Services__Tasks__V1__WaitRequest wr = CONTAINERD__SERVICES__TASKS__V1__WAIT_REQUEST__INIT;
		wr.container_id = x->id;
		wr.exec_id = x->exec_id;
		_cleanup_pb_ Containerd__Services__Tasks__V1__WaitResponse *w = NULL;
		if (ctrd_call(&w, x->c, "tasks.v1.Tasks/Wait", &wr.base,
			      &containerd__services__tasks__v1__wait_response__descriptor, EXEC_WAIT_MS, NULL) == 0)
			x->exit_code = (int)w->exit_status;
	}
	return BERTH_ITEROVER;
}

static int stream_fd(const void *impl)
{
	return ((const ctrd_exec *)impl)->ep;
}

static int stream_stdin_fd(const void *impl)
{
	const ctrd_exec *x = impl;
	return x->stdin_attached ? x->in_fd : -1;
}

static int stream_write(void *impl, const void *data, size_t len, int timeout_ms, berth_error *err)
{
	ctrd_exec *x = impl;
	if (!x->stdin_attached)
		return berth_fail(err, BERTH_EUNSUPPORTED, "exec: stdin was not attached");
	if (x->in_fd < 0)
		return berth_fail(err, BERTH_ECONFLICT, "exec: stdin is closed");
	int64_t deadline = now_ms() + timeout_ms;
	for (size_t off = 0; off < len;) {
		ssize_t n = write(x->in_fd, (const char *)data + off, len - off);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return berth_fail_full(err, errno == EPIPE ? BERTH_EUNAVAILABLE : berth_code_from_errno(errno), 0,
					       errno, "exec: stdin: %s", strerror(errno));
		struct pollfd p = { x->in_fd, POLLOUT, 0 };
		int left = remaining_ms(deadline);
		if (left == 0 || poll(&p, 1, left) == 0)
			return berth_fail(err, BERTH_ETIMEDOUT, "exec: stdin is full");
	}
	return 0;
}

static int stream_close_stdin(void *impl, berth_error *err)
{
	ctrd_exec *x = impl;
	if (x->in_fd < 0)
		return 0;
	close(x->in_fd);
	x->in_fd = -1;
	/* and tell the shim, which closes the process's stdin */
	Containerd__Services__Tasks__V1__CloseIORequest cr = CONTAINERD__SERVICES__TASKS__V1__CLOSE_IOREQUEST__INIT;
	cr.container_id = x->id;
	cr.exec_id = x->exec_id;
	cr.stdin = true;
	int r = ctrd_call(NULL, x->c, "tasks.v1.Tasks/CloseIO", &cr.base, NULL, 0, err);
	return r == BERTH_ENOTFOUND ? 0 : r;
}

int ctrd_task_resize(berth_client *c, const char *id, const char *exec_id, unsigned rows, unsigned cols,
		     berth_error *err)
{
	Containerd__Services__Tasks__V1__ResizePtyRequest rr = CONTAINERD__SERVICES__TASKS__V1__RESIZE_PTY_REQUEST__INIT;
	rr.container_id = (char *)id;
	rr.exec_id = (char *)(exec_id ? exec_id : "");
	rr.width = cols;
	rr.height = rows;
	return ctrd_call(NULL, c, "tasks.v1.Tasks/ResizePty", &rr.base, NULL, 0, err);
}

static int stream_resize(void *impl, unsigned rows, unsigned cols, berth_error *err)
{
	ctrd_exec *x = impl;
	if (!x->tty)
		return berth_fail(err, BERTH_EUNSUPPORTED, "exec: no TTY to resize");
	return ctrd_task_resize(x->c, x->id, x->exec_id, rows, cols, err);
}

static void stream_free(void *impl)
{
	exec_release(impl);
}

static const stream_ops exec_stream_ops = {
	.kind = "exec",
	.next = stream_next,
	.fd = stream_fd,
	.write = stream_write,
	.close_stdin = stream_close_stdin,
	.stdin_fd = stream_stdin_fd,
	.resize = stream_resize,
	.free = stream_free,
};

int ctrd_exec_start(berth_stream **out, char **out_exec_id, berth_client *c, const char *ref, const ctrd_exec_args *a,
		    berth_error *err)
{
	RESOLVE(c, ref, err);
	ctrd_exec *x = NULL;
	int r = exec_begin(&x, c, id, a, err);
	if (r < 0)
		return r;
	char *eid = NULL;
	int n = x->failed_code ? asprintf(&eid, "%s/%s:%d", id, x->exec_id, x->failed_code)
			       : asprintf(&eid, "%s/%s", id, x->exec_id);
	if (n < 0) {
		kill_exec(x);
		exec_release(x);
		return BERTH_NOMEM(err);
	}
	if (a->detach) {
		exec_release(x); /* the shim keeps the process; its output is dropped */
		if (out_exec_id)
			*out_exec_id = eid;
		else
			free(eid);
		return 0;
	}
	berth_stream *s = NULL;
	if ((r = stream_new(&s, &exec_stream_ops, x, err)) < 0) {
		free(eid);
		return r;
	}
	*out = s;
	if (out_exec_id)
		*out_exec_id = eid;
	else
		free(eid);
	return 0;
}

int ctrd_exec_exit_code(int *out_code, berth_client *c, const char *exec_id, int timeout_ms, berth_error *err)
{
	const char *slash = exec_id ? strchr(exec_id, '/') : NULL;
	if (!slash || slash == exec_id || !slash[1]) /* not one berth made on containerd */
		return berth_fail_full(err, BERTH_ENOTFOUND, 5, 0,
				       "No such exec instance: %.100s (containerd exec ids are <container>/<exec>)",
				       strempty(exec_id));
	char id[256];
	snprintf(id, sizeof id, "%.*s", (int)(slash - exec_id), exec_id);
	const char *failed = strchr(slash, ':');
	if (failed) { /* runc could not start it: the code is in the id */
		*out_code = atoi(failed + 1);
		return 0;
	}
	int code;
	int r = exec_finish(&code, c, id, slash + 1, timeout_ms > 0 ? timeout_ms : -1, err);
	if (r == BERTH_ENOTFOUND)
		return berth_fail_full(err, BERTH_ENOTFOUND, 5, 0, "No such exec instance: %s", exec_id);
	if (r < 0)
		return r;
	*out_code = code;
	return 0;
}

/* The engine ops behind berth_exec_start() and berth_exec_exit_code(). */
int ctrd_exec_start_op(berth_stream **out, char **out_exec_id, berth_client *c, const char *id,
		       const berth_exec_options *o, berth_error *err)
{
	ctrd_exec_args a = { .argv = o->argv, .argc = o->argc, .env = o->env, .env_count = o->env_count,
			     .user = o->user, .workdir = o->workdir, .privileged = o->privileged, .tty = o->tty,
			     .attach_stdin = o->attach_stdin, .detach = o->detach };
	return ctrd_exec_start(out, out_exec_id, c, id, &a, err);
}
