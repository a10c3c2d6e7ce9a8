/* containerd calls (see ctrd_rpc.h): requests packed, sent through the
 * gRPC transport, replies unpacked; the map-entry label helpers and the
 * RFC 3339 times of containerd's timestamps. */
#include "ctrd_rpc.h"

#include <stdio.h>
#include <time.h>

/* ---- calls ------------------------------------------------------------ */

int ctrd_call_all(struct berth_client *c, const ctrd_req *reqs, size_t n, berth_error *err)
{
	CHECK_ARG(n > 0 && n <= 16, err, "1 to 16 calls");
	char path[16][160];
	uint8_t *body[16] = { 0 };
	grpc_call_args a[16];
	sbuf replies[16];
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		const ctrd_req *q = &reqs[i];
		snprintf(path[i], sizeof path[i], "/containerd.services.%s", q->method);
		size_t len = q->req ? protobuf_c_message_get_packed_size(q->req) : 0;
		if (q->req && r == 0 && !(body[i] = malloc(len ? len : 1)))
			r = BERTH_NOMEM(err);
		if (body[i])
			protobuf_c_message_pack(q->req, body[i]);
		a[i] = (grpc_call_args){ .path = path[i], .ns = c->ns, .lease = q->lease, .body = body[i], .len = len,
					 .timeout_ms = q->timeout_ms == 0 ? c->timeout_ms : q->timeout_ms };
		replies[i] = (sbuf)SBUF_INIT;
	}
	if (r == 0)
		r = grpc_call_all(ctrd_channel(c), a, n, replies, err);
	/* decode every reply, or none */
	ProtobufCMessage *out[16] = { 0 };
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (!reqs[i].reply)
			continue;
		size_t pos = 0;
		const uint8_t *msg = NULL;
		size_t mlen = 0;
		r = grpc_frame_next((const uint8_t *)replies[i].data, replies[i].len, &pos, &msg, &mlen, err);
		if (r == 0)
			r = berth_fail(err, BERTH_EPROTOCOL, "%s: %s: no reply message", c->endpoint, reqs[i].method);
		else if (r == 1)
			r = (out[i] = protobuf_c_message_unpack(reqs[i].reply, NULL, mlen, mlen ? msg : (const uint8_t *)""))
				    ? 0
				    : berth_fail(err, BERTH_EPROTOCOL, "%s: %s: undecodable %s", c->endpoint,
						 reqs[i].method, reqs[i].reply->name);
	}
	for (size_t i = 0; i < n; i++) {
		if (r == 0 && reqs[i].reply)
			*(ProtobufCMessage **)reqs[i].out = out[i];
		else if (out[i])
			protobuf_c_message_free_unpacked(out[i], NULL);
		free(body[i]);
		sbuf_release(&replies[i]);
	}
	return r;
}

int ctrd_call_lease(void *out, berth_client *c, const char *lease, const char *method, const ProtobufCMessage *req,
		    const ProtobufCMessageDescriptor *reply, int timeout_ms, berth_error *err)
{
	ctrd_req q = { method, req, reply, out, timeout_ms, lease };
	return ctrd_call_all(c, &q, 1, err);
}

int ctrd_call(void *out, berth_client *c, const char *method, const ProtobufCMessage *req,
	      const ProtobufCMessageDescriptor *reply, int timeout_ms, berth_error *err)
{
	return ctrd_call_lease(out, c, NULL, method, req, reply, timeout_ms, err);
}

int ctrd_labels_to_strv(strv *keys, strv *values, void *const *entries, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const ctrd_kv *e = entries[i];
		if (e->key && labels_set(keys, values, e->key, strempty(e->value)) < 0)
			return -ENOMEM;
	}
	return 0;
}

bool ctrd_labels_match(void *const *entries, size_t n, const char *const *filters, size_t nfilters)
{
	for (size_t i = 0; i < nfilters; i++) {
		const char *f = filters[i], *eq = strchr(f, '=');
		size_t klen = eq ? (size_t)(eq - f) : strlen(f);
		bool hit = false;
		for (size_t j = 0; j < n && !hit; j++) {
			const ctrd_kv *e = entries[j];
			hit = e->key && strlen(e->key) == klen && memcmp(e->key, f, klen) == 0 &&
			      (!eq || STREQ(strempty(e->value), eq + 1));
		}
		if (!hit)
			return false;
	}
	return true;
}

void ctrd_time_format(char out[40], const Google__Protobuf__Timestamp *t)
{
	out[0] = '\0';
	if (!t || (t->seconds == 0 && t->nanos == 0))
		return;
	time_t s = (time_t)t->seconds;
	struct tm tm;
	if (!gmtime_r(&s, &tm))
		return;
	size_t n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 40 - n, ".%09dZ", t->nanos >= 0 && t->nanos < 1000000000 ? t->nanos : 0);
}

void ctrd_now_rfc3339(char out[40])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	Google__Protobuf__Timestamp t = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
	t.seconds = ts.tv_sec;
	t.nanos = (int32_t)ts.tv_nsec;
	ctrd_time_format(out, &t);
}
