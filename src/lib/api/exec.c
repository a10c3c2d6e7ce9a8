/* Entry points of exec and attach: arguments checked here, before any
 * request; the buffered exec is built on the engine's streaming one, so
 * every engine that can stream an exec can also buffer one. */
#include "lib/engine.h"
#include "lib/kit/validate.h"

#define EXEC_MAX_OUTPUT_DEFAULT (64u * 1024 * 1024)
#define EXEC_EXIT_WAIT_MS 5000

struct berth_exec_result {
	int exit_code;
	char *exec_id;
	sbuf out, errb;
};

static int check_exec_options(const berth_exec_options *o, bool buffered, berth_error *err)
{
	CHECK_ARG(o, err, "options are NULL (argv is required)");
	CHECK_OPTS(o, BERTH_EXEC_OPTIONS_VERSION, err);
	if (!o->argv || o->argc == 0)
		return berth_fail(err, BERTH_EINVAL, "exec: argv: no command given");
	for (size_t i = 0; i < o->argc; i++)
		if (!o->argv[i])
			return berth_fail(err, BERTH_EINVAL, "exec: argv: entry %zu is NULL", i);
	if (!*o->argv[0])
		return berth_fail(err, BERTH_EINVAL, "exec: argv: the command name is empty");
	if (!o->env && o->env_count)
		return berth_fail(err, BERTH_EINVAL, "exec: env is NULL");
	for (size_t i = 0; i < o->env_count; i++) {
		const char *e = o->env[i];
		if (!e || !strchr(e, '=') || e[0] == '=')
			return berth_fail(err, BERTH_EINVAL, "exec: env: entry %zu \"%.100s\" (want KEY=VALUE)", i,
					  strempty(e));
	}
	if (o->user && !*o->user)
		return berth_fail(err, BERTH_EINVAL, "exec: user is empty (NULL for the container's)");
	if (o->workdir && o->workdir[0] != '/')
		return berth_fail(err, BERTH_EINVAL, "exec: workdir \"%.100s\" is not absolute", o->workdir);
	if (buffered && (o->attach_stdin || o->detach))
		return berth_fail(err, BERTH_EINVAL, "exec: %s is for berth_exec_start()",
				  o->attach_stdin ? "attach_stdin" : "detach");
	if (o->timeout_ms < 0)
		return berth_fail(err, BERTH_EINVAL, "exec: timeout_ms %d (want 0 for none, or > 0)", o->timeout_ms);
	return 0;
}

int berth_exec_start(berth_stream **out, char **out_exec_id, berth_client *c, const char *id,
		     const berth_exec_options *opts, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_ARG(out || (opts && opts->detach), err, "out is NULL");
	int r = check_exec_options(opts, false, err);
	if (r == 0)
		r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, exec_start, err, out, out_exec_id, c, id, opts, err);
}

int berth_exec_exit_code(int *out_code, berth_client *c, const char *exec_id, int timeout_ms, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_ARG(out_code, err, "out_code is NULL");
	if (isempty(exec_id))
		return berth_fail(err, BERTH_EINVAL, "exec exit code: exec id is empty");
	if (timeout_ms == 0)
		timeout_ms = EXEC_EXIT_WAIT_MS;
	return ENGINE_CALL(c, exec_exit_code, err, out_code, c, exec_id, timeout_ms, err);
}

/* Collect the output of a buffered exec, within its cap and deadline. */
static int collect(berth_exec_result *res, berth_stream *s, size_t cap, int64_t deadline, berth_error *err)
{
	for (;;) {
		berth_frame f;
		int left = deadline < 0 ? -1 : remaining_ms(deadline);
		if (left == 0)
			return berth_fail(err, BERTH_ETIMEDOUT, "exec: the command still runs at the deadline");
		int r = berth_stream_next(s, &f, left, err);
		if (r == BERTH_ITEROVER)
			return 0;
		if (r == BERTH_ETIMEDOUT)
			return berth_fail(err, BERTH_ETIMEDOUT, "exec: the command still runs at the deadline");
		if (r < 0)
			return r;
		if (f.channel != BERTH_CHANNEL_STDOUT && f.channel != BERTH_CHANNEL_STDERR)
			continue;
		if (res->out.len + res->errb.len + f.len > cap)
			return berth_fail(err, BERTH_ENOMEM,
					  "exec: the output passed max_output (%zu bytes); the command was left running",
					  cap);
		if (sbuf_add(f.channel == BERTH_CHANNEL_STDOUT ? &res->out : &res->errb, f.data, f.len) < 0)
			return BERTH_NOMEM(err);
	}
}

int berth_exec(berth_exec_result **out, berth_client *c, const char *id, const berth_exec_options *opts,
	       berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_ARG(out, err, "out is NULL");
	int r = check_exec_options(opts, true, err);
	if (r == 0)
		r = check_id(id, err);
	if (r < 0)
		return r;
	int64_t deadline = opts->timeout_ms > 0 ? now_ms() + opts->timeout_ms : -1;
	berth_exec_result *res = calloc(1, sizeof *res);
	if (!res)
		return BERTH_NOMEM(err);
	res->out = (sbuf)SBUF_INIT;
	res->errb = (sbuf)SBUF_INIT;
	berth_stream *s = NULL;
	r = ENGINE_CALL(c, exec_start, err, &s, &res->exec_id, c, id, opts, err);
	if (r == 0) {
		r = collect(res, s, opts->max_output ? opts->max_output : EXEC_MAX_OUTPUT_DEFAULT, deadline, err);
		berth_stream_free(s);
	}
	if (r == 0) {
		int left = deadline < 0 ? EXEC_EXIT_WAIT_MS : remaining_ms(deadline);
		r = ENGINE_CALL(c, exec_exit_code, err, &res->exit_code, c, res->exec_id, left > 0 ? left : 1, err);
	}
	if (r < 0) {
		berth_exec_result_free(res);
		return r;
	}
	*out = res;
	return 0;
}

int berth_exec_result_exit_code(const berth_exec_result *r) { return r ? r->exit_code : -1; }

const char *berth_exec_result_stdout(const berth_exec_result *r, size_t *len)
{
	if (len)
		*len = r ? r->out.len : 0;
	return r && r->out.data ? r->out.data : "";
}

const char *berth_exec_result_stderr(const berth_exec_result *r, size_t *len)
{
	if (len)
		*len = r ? r->errb.len : 0;
	return r && r->errb.data ? r->errb.data : "";
}

const char *berth_exec_result_id(const berth_exec_result *r) { return r ? r->exec_id : NULL; }

void berth_exec_result_free(berth_exec_result *r)
{
	if (!r)
		return;
	free(r->exec_id);
	sbuf_release(&r->out);
	sbuf_release(&r->errb);
	free(r);
}

/* ---- attach ---------------------------------------------------------------- */

int berth_container_attach(berth_stream **out, berth_client *c, const char *id, const berth_attach_options *opts,
			   berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_ARG(out, err, "out is NULL");
	CHECK_OPTS(opts, BERTH_ATTACH_OPTIONS_VERSION, err);
	berth_attach_options o = BERTH_ATTACH_OPTIONS_INIT;
	if (opts)
		o = *opts;
	if (!o.attach_stdin && !o.attach_stdout && !o.attach_stderr)
		return berth_fail(err, BERTH_EINVAL, "attach: nothing to attach (stdin, stdout and stderr all off)");
	if (!o.logs && !o.stream)
		return berth_fail(err, BERTH_EINVAL, "attach: neither logs nor stream asked for");
	int r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, container_attach, err, out, c, id, &o, err);
}
