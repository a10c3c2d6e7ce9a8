/* JSON-lines streams: the body is read only when the caller asks for the
 * next frame, so memory stays at one read buffer plus one cut line. */
#include "lib/engines/engineapi/eapi_jsonlines.h"
#include "lib/parse/jsonl.h"
#include "lib/transport/http.h"

#include <stdio.h>

typedef struct jl_stream {
	http_stream *hs;
	jsonl split;
	jsonl_hooks hooks;
	int64_t (*time_of)(const void *item);
	const char *in;
	size_t in_len;
	bool eof;
	bool primed;      /* frame holds a line read ahead */
	berth_frame frame;
	char what[96];
} jl_stream;

static int jl_line(jl_stream *j, const char *line, size_t len, berth_frame *out, berth_error *err)
{
	const void *item = NULL;
	int r = j->hooks.parse(j->hooks.ctx, line, len, &item, err);
	if (r < 0 && r != BERTH_ITEROVER && r != BERTH_ENOMEM)
		berth_error_prefix(err, "%s", j->what);
	if (r != 0)
		return r;
	out->channel = BERTH_CHANNEL_SYSTEM;
	out->data = line;
	out->len = len;
	out->item = item;
	out->time_ns = j->time_of && item ? j->time_of(item) : 0;
	return 0;
}

static int jl_next(void *impl, berth_frame *out, int timeout_ms, berth_error *err)
{
	jl_stream *j = impl;
	if (j->primed) {
		j->primed = false;
		*out = j->frame;
		return 0;
	}
	for (;;) {
		const char *line;
		size_t len;
		int r = jsonl_next(&j->split, &j->in, &j->in_len, &line, &len, err);
		if (r < 0) {
			berth_error_prefix(err, "%s", j->what);
			return r;
		}
		if (r == 0 && j->eof) {
			if (jsonl_finish(&j->split, &line, &len) == 0)
				return j->hooks.end ? j->hooks.end(j->hooks.ctx, err) : BERTH_ITEROVER;
			r = 1;
			j->eof = true;
		}
		if (r == 1) {
			r = jl_line(j, line, len, out, err);
			if (r == 1)
				continue;
			return r;
		}
		r = http_stream_read(j->hs, &j->in, &j->in_len, timeout_ms, err);
		if (r == BERTH_ITEROVER) {
			j->eof = true;
			j->in_len = 0;
		} else if (r < 0) {
			return r;
		}
	}
}

static int jl_fd(const void *impl)
{
	const jl_stream *j = impl;
	return http_stream_fd(j->hs);
}

static void jl_free(void *impl)
{
	jl_stream *j = impl;
	if (!j)
		return;
	http_stream_close(j->hs);
	jsonl_release(&j->split);
	if (j->hooks.release)
		j->hooks.release(j->hooks.ctx);
	free(j);
}

static const stream_ops jl_ops = {
	.kind = "JSON lines",
	.next = jl_next,
	.fd = jl_fd,
	.free = jl_free,
};

int jsonl_stream_from_http(berth_stream **out, http_stream *hs, const char *what, size_t max_line,
			   const jsonl_hooks *hooks, int64_t (*time_of)(const void *item), berth_error *err)
{
	jl_stream *j = calloc(1, sizeof *j);
	if (!j) {
		http_stream_close(hs);
		if (hooks->release)
			hooks->release(hooks->ctx);
		return BERTH_NOMEM(err);
	}
	j->hs = hs;
	j->hooks = *hooks;
	j->time_of = time_of;
	jsonl_init(&j->split, max_line);
	snprintf(j->what, sizeof j->what, "%s", what ? what : "stream");
	return stream_new(out, &jl_ops, j, err);
}

int jsonl_stream_prime(berth_stream *s, int timeout_ms, berth_error *err)
{
	jl_stream *j = stream_impl(s);
	berth_frame f;
	int r = berth_stream_next(s, &f, timeout_ms, err);
	if (r < 0)
		return r;
	j->frame = f;
	j->primed = true;
	return 0;
}
