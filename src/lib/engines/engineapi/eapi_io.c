/* The Engine API side of stats, top, diff, path stat and archives, for
 * Docker and Podman. Arguments were checked by src/lib/io.c. */
#include "engineapi.h"
#include "eapi_parse.h"
#include "eapi_parse_io.h"

#include "lib/engines/engineapi/eapi_jsonlines.h"
#include "lib/kit/stream.h"
#include "lib/engines/engineapi/eapi_bytestream.h"

#include <stdio.h>
#include <time.h>

#define STATS_LINE_MAX (1024 * 1024)   /* a stats object is a few KiB */
#define STATS_SECOND_READ_MS 1000      /* the window of a one-shot CPU percent */

static int not_running(const char *verb, const char *id, int native, berth_error *err)
{
	return berth_fail_full(err, BERTH_ECONFLICT, native, 0, "%s %s: the container is not running", verb, id);
}

/* ---- stats ------------------------------------------------------------------- */

/* One stats reply. Podman answers a stopped container with an empty body,
 * Docker with a sample of zeros: both are ECONFLICT here. */
static int stats_once(berth_stats **out, struct berth_client *c, const char *id, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	int r = eapi_container_call(c, "GET", id, "/stats?stream=false", 0, NULL, "stats", what, &resp, err);
	if (r < 0)
		return r;
	if (resp.body.len == 0)
		return not_running("stats", id, resp.status, err);
	berth_stats *s = NULL;
	r = eapi_with_endpoint(c, engineapi_parse_stats(&s, resp.body.data, resp.body.len, err), err);
	if (r < 0)
		return r;
	if (!s->running) {
		berth_stats_free(s);
		return not_running("stats", id, resp.status, err);
	}
	*out = s;
	return 0;
}

int engineapi_stats(berth_stats **out, struct berth_client *c, const char *id, berth_error *err)
{
	berth_stats *first = NULL;
	int r = stats_once(&first, c, id, err);
	if (r < 0 || stats_has_pre(first)) {
		if (r == 0)
			*out = first;
		return r;
	}
	/* No earlier reading in the reply (Podman): take a second one. */
	struct timespec ts = { STATS_SECOND_READ_MS / 1000, (STATS_SECOND_READ_MS % 1000) * 1000000L };
	nanosleep(&ts, NULL);
	berth_stats *second = NULL;
	r = stats_once(&second, c, id, err);
	if (r == 0) {
		stats_cpu_against(second, first);
		*out = second;
	}
	berth_stats_free(first);
	return r;
}

typedef struct stats_ctx {
	berth_stats *cur, *prev;
	bool started;
} stats_ctx;

static int stats_line(void *ctx, const char *line, size_t len, const void **item, berth_error *err)
{
	stats_ctx *x = ctx;
	berth_stats *s = NULL;
	int r = engineapi_parse_stats(&s, line, len, err);
	if (r < 0)
		return r;
	if (!s->running) {
		/* the container stopped: the stream is over */
		berth_stats_free(s);
		return x->started ? BERTH_ITEROVER : berth_fail(err, BERTH_ECONFLICT, "the container is not running");
	}
	x->started = true;
	if (!stats_has_pre(s) && x->cur)
		stats_cpu_against(s, x->cur);
	berth_stats_free(x->prev);
	x->prev = x->cur;
	x->cur = s;
	*item = s;
	return 0;
}

static void stats_release(void *ctx)
{
	stats_ctx *x = ctx;
	if (!x)
		return;
	berth_stats_free(x->cur);
	berth_stats_free(x->prev);
	free(x);
}

static int64_t stats_time(const void *item) { return berth_stats_time_ns(item); }

int engineapi_stats_stream(berth_stream **out, struct berth_client *c, const char *id, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	int r = eapi_object_path(&path, "/containers/", id, "/stats?stream=true", err);
	if (r < 0)
		return r;
	what_buf what;
	snprintf(what, sizeof what, "stats of %s", id);
	_cleanup_resp_ http_response head = HTTP_RESPONSE_INIT;
	call k = { "GET", path.data, NULL, 0, false };
	http_stream *hs = NULL;
	r = eapi_stream_call(&hs, c, &k, &head, what, err);
	if (r < 0)
		return r;
	stats_ctx *x = calloc(1, sizeof *x);
	if (!x) {
		http_stream_close(hs);
		return BERTH_NOMEM(err);
	}
	jsonl_hooks hooks = { stats_line, stats_release, x };
	berth_stream *s = NULL;
	r = jsonl_stream_from_http(&s, hs, what, STATS_LINE_MAX, &hooks, stats_time, err);
	if (r < 0)
		return r;
	/* The first sample says whether the container runs at all (Podman's
	 * body of a stopped one is empty). */
	berth_error e = BERTH_ERROR_INIT;
	r = jsonl_stream_prime(s, c->timeout_ms, &e);
	if (r == BERTH_ITEROVER || r == BERTH_ECONFLICT)
		r = not_running("stats", id, head.status, err);
	else if (r < 0 && err)
		*err = e;
	if (r < 0) {
		berth_stream_free(s);
		return r;
	}
	*out = s;
	return 0;
}

/* ---- top ------------------------------------------------------------------------ */

int engineapi_top(berth_top **out, struct berth_client *c, const char *id, const char *ps_args, berth_error *err)
{
	_cleanup_sbuf_ sbuf rest = SBUF_INIT;
	if (sbuf_adds(&rest, "/top") < 0 || (ps_args && (sbuf_adds(&rest, "?ps_args=") < 0 ||
							 sbuf_add_urlenc(&rest, ps_args) < 0)))
		return BERTH_NOMEM(err);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	int r = eapi_container_call(c, "GET", id, rest.data, 0, NULL, "top", what, &resp, err);
	if (r < 0)
		return r;
	if (resp.body.len == 0) /* Podman, for a container that is not running */
		return not_running("top", id, resp.status, err);
	return eapi_with_endpoint(c, engineapi_parse_top(out, resp.body.data, resp.body.len, api_of(c)->d->top_text_rows,
							 err), err);
}

/* ---- diff ------------------------------------------------------------------------ */

int engineapi_diff(berth_changes **out, struct berth_client *c, const char *id, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	int r = eapi_container_call(c, "GET", id, "/changes", 0, NULL, "diff", what, &resp, err);
	return r < 0 ? r : eapi_with_endpoint(c, engineapi_parse_changes(out, resp.body.data, resp.body.len, err), err);
}

/* ---- paths and archives -------------------------------------------------------------- */

static int archive_rest(sbuf *rest, const char *path)
{
	if (sbuf_adds(rest, "/archive?path=") < 0 || sbuf_add_urlenc(rest, path) < 0)
		return -ENOMEM;
	return 0;
}

/* A 404 on an archive call: the container or the path? A HEAD reply has
 * no body to tell, so ask. */
static int missing(struct berth_client *c, const char *verb, const char *id, const char *path, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	berth_error e = BERTH_ERROR_INIT;
	int r = eapi_container_call(c, "GET", id, "/json", 0, NULL, verb, what, &resp, &e);
	if (r == BERTH_ENOTFOUND)
		return berth_fail_full(err, BERTH_ENOTFOUND, 404, 0, "%s %s: no such container", verb, id);
	return berth_fail_full(err, BERTH_ENOTFOUND, 404, 0, "%s %s: no such path: %s", verb, id, path);
}

int engineapi_stat_path(berth_path_info **out, struct berth_client *c, const char *id, const char *path,
			berth_error *err)
{
	_cleanup_sbuf_ sbuf rest = SBUF_INIT;
	if (archive_rest(&rest, path) < 0)
		return BERTH_NOMEM(err);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	what_buf what;
	int r = eapi_container_call(c, "HEAD", id, rest.data, 0, NULL, "stat", what, &resp, err);
	if (r == BERTH_ENOTFOUND)
		return missing(c, "stat", id, path, err);
	if (r < 0)
		return r;
	return eapi_with_endpoint(c, engineapi_parse_path_stat(out, http_header(&resp, "x-docker-container-path-stat"), err),
				  err);
}

int engineapi_get_archive(berth_stream **out, struct berth_client *c, const char *id, const char *path,
			  berth_error *err)
{
	_cleanup_sbuf_ sbuf p = SBUF_INIT;
	if (eapi_object_path(&p, "/containers/", id, "", err) < 0 || archive_rest(&p, path) < 0)
		return BERTH_NOMEM(err);
	what_buf what;
	snprintf(what, sizeof what, "get archive %s:%s", id, path);
	return eapi_tar_stream(out, c, p.data, what, err);
}

/* Docker says 400 for a destination that is not a directory and for a
 * refused overwrite; Podman 500 ("exists but is not a directory", "mkdir
 * ...: file exists"). */
static int put_refine(int r, const berth_error *e)
{
	if (r == BERTH_EINVAL || r == BERTH_EENGINE) {
		const char *m = e->message;
		if (strstr(m, "not a directory") || strstr(m, "cannot overwrite") || strstr(m, "read-only") ||
		    strstr(m, "non-directory") || strstr(m, "file exists"))
			return BERTH_ECONFLICT;
	}
	return r;
}

int engineapi_put_archive(struct berth_client *c, const char *id, const char *dest_dir, berth_read_cb read,
			  void *payload, const berth_put_archive_options *o, berth_error *err)
{
	_cleanup_sbuf_ sbuf p = SBUF_INIT;
	if (eapi_object_path(&p, "/containers/", id, "", err) < 0 || archive_rest(&p, dest_dir) < 0 ||
	    (o->no_overwrite_dir_non_dir && sbuf_adds(&p, "&noOverwriteDirNonDir=1") < 0) ||
	    (o->copy_uid_gid && sbuf_adds(&p, "&copyUIDGID=1") < 0))
		return BERTH_NOMEM(err);
	char what[300];
	snprintf(what, sizeof what, "put archive %s:%s", id, dest_dir);
	if (api_of(c)->d->put_archive_makes_dest) {
		/* the engine would make a missing destination: say it is missing */
		berth_path_info *info = NULL;
		int r = engineapi_stat_path(&info, c, id, dest_dir, err);
		bool dir = r == 0 && berth_path_info_is_dir(info);
		berth_path_info_free(info);
		if (r == BERTH_ENOTFOUND && err && strstr(err->message, "no such path"))
			return berth_fail_full(err, BERTH_ENOTFOUND, 404, 0, "%s: no such directory", what);
		if (r < 0)
			return r;
		if (!dir)
			return berth_fail(err, BERTH_ECONFLICT, "%s: not a directory", what);
	}
	call k = { .method = "PUT", .path = p.data, .timeout_ms = -1, .body_read = read, .body_payload = payload, .content_type = "application/x-tar" };
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	berth_error e = BERTH_ERROR_INIT;
	int r = eapi_do_call(c, &k, &resp, NULL, what, &e);
	if (r == BERTH_ENOTFOUND && !strstr(e.message, "such container"))
		r = berth_fail_full(&e, BERTH_ENOTFOUND, e.native, 0, "%s: no such directory", what);
	r = put_refine(r, &e);
	if (r < 0) {
		e.code = r;
		if (err)
			*err = e;
	}
	return r;
}
