/* Exec and attach through the Engine API: the start (or attach) request
 * asks for `Upgrade: tcp`, both engines answer 101 and the connection then
 * carries the process's framed output one way and its stdin the other; a
 * shutdown of the write side is the end of stdin. Docker and Podman behave
 * alike here (measured: Docker 20.10, Podman 4.3), apart from what the
 * dialect's refine already maps (Podman answers an exec in a stopped
 * container with 500 "container state improper"). */
#include "engineapi.h"
#include "eapi_parse.h"

#include "lib/kit/stream.h"
#include "lib/engines/engineapi/eapi_bytestream.h"

#include <stdio.h>
#include <unistd.h>

#define END_WAIT_MS 2000      /* how long the end of a stream waits for the
                                 engine to record the end of the process */

static json_t *strings_to_json(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *exec_create_body(const berth_exec_options *o)
{
	json_t *b = json_pack("{s:o,s:b,s:b,s:b,s:b,s:b}", "Cmd", strings_to_json(o->argv, o->argc), "AttachStdin",
			      o->attach_stdin && !o->detach, "AttachStdout", !o->detach, "AttachStderr", !o->detach,
			      "Tty", o->tty, "Privileged", o->privileged);
	if (!b)
		return NULL;
	if ((o->env_count && json_object_set_new(b, "Env", strings_to_json(o->env, o->env_count)) < 0) ||
	    (o->user && json_object_set_new(b, "User", json_string(o->user)) < 0) ||
	    (o->workdir && json_object_set_new(b, "WorkingDir", json_string(o->workdir)) < 0)) {
		json_decref(b);
		return NULL;
	}
	return b;
}

/* What a byte stream of an exec or attach needs to resize its terminal and
 * to check its end. */
typedef struct hijack_ctx {
	struct berth_client *c;
	char *object_id;      /* the exec's id, or the container's for attach */
	bool is_exec;
	what_buf what;
} hijack_ctx;

static void hijack_release(void *ctx)
{
	hijack_ctx *h = ctx;
	if (!h)
		return;
	free(h->object_id);
	free(h);
}

static int hijack_resize(void *ctx, unsigned rows, unsigned cols, berth_error *err)
{
	hijack_ctx *h = ctx;
	char rest[64];
	snprintf(rest, sizeof rest, "/resize?h=%u&w=%u", rows, cols);
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r = eapi_object_path(&path, h->is_exec ? "/exec/" : "/containers/", h->object_id, rest, err);
	if (r < 0)
		return r;
	char what[sizeof(what_buf) + 16];
	snprintf(what, sizeof what, "resize of %s", h->what);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "POST", path.data, NULL, 0, false };
	return eapi_do_call(h->c, &k, &resp, NULL, what, err);
}

/* Poll an exec's state until it is not running; *exit_code then has its
 * status. BERTH_ETIMEDOUT when it still runs at the deadline (< 0: none). */
static int exec_wait_end(int *exit_code, struct berth_client *c, const char *exec_id, int64_t deadline,
			 berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r = eapi_object_path(&path, "/exec/", exec_id, "/json", err);
	if (r < 0)
		return r;
	char what[128];
	snprintf(what, sizeof what, "exec %.64s", exec_id);
	for (int delay = 2;; delay = delay < 50 ? delay * 2 : 50) {
		_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
		int left = remaining_ms(deadline);
		call k = { "GET", path.data, NULL, left < 0 || left > c->timeout_ms ? 0 : (left ? left : 1), false };
		bool running = false;
		r = eapi_do_call(c, &k, &resp, NULL, what, err);
		if (r == 0)
			r = eapi_with_endpoint(c, engineapi_parse_exec_inspect(&running, exit_code, resp.body.data,
									       resp.body.len, what, err), err);
		if (r < 0 || !running)
			return r;
		if (deadline >= 0 && remaining_ms(deadline) <= delay)
			return berth_fail(err, BERTH_ETIMEDOUT, "%s: still running", what);
		usleep((useconds_t)delay * 1000);
	}
}

/* The output ended. A hijacked connection ends the same way whether the
 * process ended or the engine went away: ask the engine. For an exec this
 * also waits (briefly) until its end is recorded, so that its exit code is
 * there as soon as the stream is over. */
static int hijack_on_end(void *ctx, berth_error *err)
{
	hijack_ctx *h = ctx;
	berth_error local = BERTH_ERROR_INIT;
	int r;
	if (h->is_exec) {
		int code;
		r = exec_wait_end(&code, h->c, h->object_id, now_ms() + END_WAIT_MS, &local);
	} else {
		_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
		what_buf what;
		r = eapi_container_call(h->c, "GET", h->object_id, "/json", 0, NULL, "attach", what, &resp, &local);
	}
	/* Only a vanished engine makes the stream fail; a process that
	 * closed its output and runs on, or a container removed at its end
	 * (--rm), is a normal end. */
	if (r == BERTH_EUNAVAILABLE) {
		if (err)
			*err = local;
		berth_error_prefix(err, "%s: the stream ended and", h->what);
		return r;
	}
	return 0;
}

/* Send the request that switches the connection to a raw stream and wrap
 * it in a byte stream. */
static int hijack(berth_stream **out, struct berth_client *c, const char *path, json_t *body, hijack_ctx *h,
		  bool tty, bool with_stdin, berth_error *err)
{
	call k = { .method = "POST", .path = path, .body = body, .upgrade = true };
	_cleanup_resp_ http_response head = HTTP_RESPONSE_INIT;
	http_stream *s = NULL;
	int r = eapi_stream_call(&s, c, &k, &head, h->what, err);
	if (r < 0) {
		hijack_release(h);
		return r;
	}
	conn *cn = head.status == 101 ? http_stream_take_conn(s) : NULL;
	http_stream_close(s);
	if (!cn) {
		r = berth_fail_full(err, BERTH_EPROTOCOL, head.status, 0,
				    "%s: %s answered HTTP %d, not 101: no raw stream", h->what, c->endpoint,
				    head.status);
		hijack_release(h);
		return r;
	}
	byte_stream_options o = { .tty = tty, .stdin_open = with_stdin, .what = h->what };
	byte_stream_hooks hooks = {
		.resize = tty ? hijack_resize : NULL,
		.on_end = hijack_on_end,
		.release = hijack_release,
		.ctx = h,
	};
	return byte_stream_from_conn(out, cn, api_of(c)->t, &o, &hooks, err);
}

static hijack_ctx *hijack_ctx_new(struct berth_client *c, const char *object_id, bool is_exec)
{
	hijack_ctx *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->c = c;
	h->is_exec = is_exec;
	h->object_id = strdup(object_id);
	if (!h->object_id) {
		free(h);
		return NULL;
	}
	return h;
}

int engineapi_exec_start(berth_stream **out, char **out_exec_id, struct berth_client *c, const char *id,
			 const berth_exec_options *o, berth_error *err)
{
	_cleanup_json_ json_t *body = exec_create_body(o);
	_cleanup_json_ json_t *start = json_pack("{s:b,s:b}", "Detach", o->detach != 0, "Tty", o->tty != 0);
	if (!body || !start)
		return BERTH_NOMEM(err);
	what_buf what;
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r = eapi_object_path(&path, "/containers/", id, "/exec", err);
	if (r < 0)
		return r;
	snprintf(what, sizeof what, "exec in %s", id);
	call k = { "POST", path.data, body, 0, false };
	r = eapi_do_call(c, &k, &resp, NULL, what, err);
	_cleanup_free_ char *exec_id = NULL;
	if (r == 0)
		r = eapi_with_endpoint(c, engineapi_parse_create(&exec_id, resp.body.data, resp.body.len, what, err), err);
	if (r < 0)
		return r;

	sbuf_reset(&path);
	if ((r = eapi_object_path(&path, "/exec/", exec_id, "/start", err)) < 0)
		return r;
	berth_stream *s = NULL;
	if (o->detach) {
		http_response_release(&resp);
		k = (call){ "POST", path.data, start, 0, false, false };
		r = eapi_do_call(c, &k, &resp, NULL, what, err);
	} else {
		hijack_ctx *h = hijack_ctx_new(c, exec_id, true);
		if (!h)
			return BERTH_NOMEM(err);
		snprintf(h->what, sizeof h->what, "exec %.12s in %s", exec_id, id);
		r = hijack(&s, c, path.data, start, h, o->tty, o->attach_stdin, err);
	}
	if (r < 0)
		return r;
	if (out)
		*out = s;
	if (out_exec_id)
		*out_exec_id = TAKE_PTR(exec_id);
	return 0;
}

int engineapi_exec_exit_code(int *out_code, struct berth_client *c, const char *exec_id, int timeout_ms,
			     berth_error *err)
{
	int code = -1;
	int r = exec_wait_end(&code, c, exec_id, timeout_ms < 0 ? -1 : now_ms() + timeout_ms, err);
	if (r == 0)
		*out_code = code;
	return r;
}

int engineapi_attach_container(berth_stream **out, struct berth_client *c, const char *id,
			       const berth_attach_options *o, berth_error *err)
{
	if (o->logs && api_of(c)->d->attach_logs_misframed)
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "attach %s: %s sends the replay of past output (logs) misframed; "
				  "read it with the logs call instead", id, api_of(c)->d->name);
	/* Framed or not depends on the container's TTY. */
	berth_container_info *info = NULL;
	int r = c->ops->container_inspect(&info, c, id, err);
	if (r < 0)
		return r;
	bool tty = berth_container_info_tty(info) > 0;
	berth_container_info_free(info);

	char rest[128];
	snprintf(rest, sizeof rest, "/attach?stdin=%d&stdout=%d&stderr=%d&logs=%d&stream=%d", o->attach_stdin ? 1 : 0,
		 o->attach_stdout ? 1 : 0, o->attach_stderr ? 1 : 0, o->logs ? 1 : 0, o->stream ? 1 : 0);
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if ((r = eapi_object_path(&path, "/containers/", id, rest, err)) < 0)
		return r;
	hijack_ctx *h = hijack_ctx_new(c, id, false);
	if (!h)
		return BERTH_NOMEM(err);
	snprintf(h->what, sizeof h->what, "attach %s", id);
	return hijack(out, c, path.data, NULL, h, tty, o->attach_stdin, err);
}

/* ---- the readiness probes: an exec, and Podman's health run ---------- */

#define EXEC_OUTPUT_KEEP 4096

/* Keep the last EXEC_OUTPUT_KEEP bytes of an output in b. */
static int keep_tail(sbuf *b, const char *data, size_t len)
{
	if (len >= EXEC_OUTPUT_KEEP) {
		sbuf_reset(b);
		return sbuf_add(b, data + len - EXEC_OUTPUT_KEEP, EXEC_OUTPUT_KEEP);
	}
	if (b->len + len > 2 * EXEC_OUTPUT_KEEP) {
		size_t drop = b->len + len - EXEC_OUTPUT_KEEP;
		memmove(b->data, b->data + drop, b->len - drop);
		b->len -= drop;
		b->data[b->len] = '\0';
	}
	return sbuf_add(b, data, len);
}

/* The readiness exec probe: the streaming exec above, with the last
 * bytes of the output kept. Attached, not detached: Podman 4.3 never
 * records the end of a detached exec. */
int engineapi_exec_probe(int *exit_code, sbuf *output, struct berth_client *c, const char *id, const strv *argv,
			 int timeout_ms, berth_error *err)
{
	int64_t deadline = now_ms() + timeout_ms;
	berth_exec_options o = BERTH_EXEC_OPTIONS_INIT;
	o.argv = (const char *const *)argv->items;
	o.argc = argv->len;
	berth_stream *s = NULL;
	_cleanup_free_ char *exec_id = NULL;
	int r = engineapi_exec_start(&s, &exec_id, c, id, &o, err);
	while (r == 0) {
		berth_frame f;
		int left = remaining_ms(deadline);
		r = left > 0 ? berth_stream_next(s, &f, left, err) : BERTH_ETIMEDOUT;
		if (r == BERTH_ITEROVER) {
			r = 0;
			break;
		}
		if (r == BERTH_ETIMEDOUT)
			r = berth_fail(err, BERTH_ETIMEDOUT, "exec in %s: the command still runs after %d ms", id,
				       timeout_ms);
		else if (r == 0 && output && keep_tail(output, f.data, f.len) < 0)
			r = BERTH_NOMEM(err);
	}
	berth_stream_free(s);
	if (r < 0)
		return r;
	int left = remaining_ms(deadline);
	return engineapi_exec_exit_code(exit_code, c, exec_id, left > 0 ? left : 1, err);
}

/* Podman runs health checks from systemd timers; without systemd nothing
 * runs them. GET .../healthcheck runs one now and records it (the reply is
 * that run's verdict; the container's status, which honours the retries
 * and the start period, is in its inspect). */
int engineapi_health_run(struct berth_client *c, const char *id, int timeout_ms, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r = eapi_object_path(&path, LIBPOD_PREFIX "/containers/", id, "/healthcheck", err);
	if (r < 0)
		return r;
	what_buf what;
	snprintf(what, sizeof what, "health check of %s", id);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", path.data, NULL, timeout_ms, true };
	return eapi_do_call(c, &k, &resp, NULL, what, err);
}
