/* Container logs through the Engine API (Docker and Podman alike):
 * GET /containers/{id}/logs, read as a demuxed byte stream. */
#include "engineapi.h"

#include "../../logs.h"
#include "../../stream.h"

#include <stdio.h>

/* What the stream keeps besides its body: the reply head, which the
 * HTTP reader fills until the body ends (trailers). */
typedef struct logs_ctx {
	http_response head;
} logs_ctx;

static void logs_ctx_release(void *p)
{
	logs_ctx *x = p;
	if (!x)
		return;
	http_response_release(&x->head);
	free(x);
}

/* The query of a logs request. */
static int logs_query(sbuf *path, const char *id, const logs_request *q)
{
	char t[48];
	if (sbuf_adds(path, "/containers/") < 0 || sbuf_add_urlenc(path, id) < 0 ||
	    sbuf_printf(path, "/logs?stdout=%d&stderr=%d&follow=%d&timestamps=%d", q->out, q->err, q->follow,
			q->timestamps) < 0)
		return -ENOMEM;
	if (q->tail >= 0 && sbuf_printf(path, "&tail=%lld", q->tail) < 0)
		return -ENOMEM;
	if (q->since_ns > 0) {
		logs_time_arg(t, sizeof t, q->since_ns);
		if (sbuf_printf(path, "&since=%s", t) < 0)
			return -ENOMEM;
	}
	if (q->until_ns > 0) {
		logs_time_arg(t, sizeof t, q->until_ns);
		if (sbuf_printf(path, "&until=%s", t) < 0)
			return -ENOMEM;
	}
	return 0;
}

int engineapi_logs(berth_stream **out, struct berth_client *c, const char *id, const logs_request *q,
		   berth_error *err)
{
	/* Framed or not is the container's Config.Tty; its inspect also says
	 * "no such container" before any stream exists. */
	berth_container_info *info = NULL;
	int r = c->ops->container_inspect(&info, c, id, err);
	if (r < 0) {
		berth_error_prefix(err, "logs");
		return r;
	}
	bool tty = berth_container_info_tty(info) > 0;
	berth_container_info_free(info);

	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (logs_query(&path, id, q) < 0)
		return BERTH_NOMEM(err);
	logs_ctx *x = calloc(1, sizeof *x);
	if (!x)
		return BERTH_NOMEM(err);
	x->head = (http_response)HTTP_RESPONSE_INIT;
	char what[300];
	snprintf(what, sizeof what, "logs of %s", id);
	/* the deadline covers the reply's head; the body is read within the
	 * timeouts the reader gives berth_stream_next() */
	call k = { "GET", path.data, NULL, 0, false };
	http_stream *hs = NULL;
	r = stream_call(&hs, c, &k, &x->head, what, err);
	if (r < 0) {
		logs_ctx_release(x);
		return r;
	}
	byte_stream_options o = { .tty = tty, .timestamps = q->timestamps, .what = what };
	byte_stream_hooks h = { .release = logs_ctx_release, .ctx = x };
	return byte_stream_from_http(out, hs, api_of(c)->t, &o, &h, err);
}
