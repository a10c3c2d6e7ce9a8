/* Recognise containerd: speak just enough HTTP/2 (prior knowledge, h2c) to
 * make one gRPC call, containerd.services.version.v1.Version/Version, and
 * read the version string out of the reply.
 *
 * This is a probe, not the gRPC transport: it sends header fields as HPACK
 * literals (no compression state is needed to send), never decodes the
 * server's header block (the DATA frame carries what we want), and reads at
 * most a few frames before its deadline. */
#include "ctrd_probe.h"
#include "lib/transport/socket.h"

#include <stdio.h>

enum { H2_DATA = 0, H2_HEADERS = 1, H2_RST_STREAM = 3, H2_SETTINGS = 4, H2_GOAWAY = 7 };
enum { FLAG_END_STREAM = 0x1, FLAG_ACK = 0x1, FLAG_END_HEADERS = 0x4, FLAG_PADDED = 0x8 };

static const char PREFACE[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
static const char VERSION_PATH[] = "/containerd.services.version.v1.Version/Version";

static int put_frame_header(sbuf *b, size_t len, int type, int flags, uint32_t stream)
{
	unsigned char h[9] = { (unsigned char)(len >> 16), (unsigned char)(len >> 8), (unsigned char)len,
			       (unsigned char)type, (unsigned char)flags,
			       (unsigned char)(stream >> 24), (unsigned char)(stream >> 16),
			       (unsigned char)(stream >> 8), (unsigned char)stream };
	return sbuf_add(b, h, sizeof h);
}

/* HPACK string literal, no Huffman; lengths here are < 127. */
static int put_hpack_str(sbuf *b, const char *s)
{
	size_t n = strlen(s);
	return n < 127 ? (sbuf_addc(b, (char)n) || sbuf_add(b, s, n)) : -EINVAL;
}

/* "Literal header field without indexing, new name" (RFC 7541 6.2.2). */
static int put_header(sbuf *b, const char *name, const char *value)
{
	return sbuf_addc(b, 0x00) || put_hpack_str(b, name) || put_hpack_str(b, value);
}

static int build_request(sbuf *out)
{
	_cleanup_sbuf_ sbuf hb = SBUF_INIT;
	if (put_header(&hb, ":method", "POST") || put_header(&hb, ":scheme", "http") ||
	    put_header(&hb, ":path", VERSION_PATH) || put_header(&hb, ":authority", "localhost") ||
	    put_header(&hb, "content-type", "application/grpc") || put_header(&hb, "te", "trailers"))
		return -ENOMEM;
	/* An empty gRPC message: uncompressed, length 0. */
	static const char empty_msg[5] = { 0 };
	if (sbuf_add(out, PREFACE, sizeof PREFACE - 1) || put_frame_header(out, 0, H2_SETTINGS, 0, 0) ||
	    put_frame_header(out, hb.len, H2_HEADERS, FLAG_END_HEADERS, 1) || sbuf_add(out, hb.data, hb.len) ||
	    put_frame_header(out, sizeof empty_msg, H2_DATA, FLAG_END_STREAM, 1) ||
	    sbuf_add(out, empty_msg, sizeof empty_msg))
		return -ENOMEM;
	return 0;
}

/* VersionResponse { string version = 1; string revision = 2; }: pull field 1. */
static void parse_version(const unsigned char *p, size_t n, char *out, size_t size)
{
	size_t i = 0;
	while (i < n) {
		unsigned key = p[i++];
		if ((key & 7) != 2 || i >= n)
			return; /* only length-delimited fields are expected */
		size_t len = 0;
		int shift = 0;
		while (i < n && shift < 28) {
			len |= (size_t)(p[i] & 0x7f) << shift;
			shift += 7;
			if (!(p[i++] & 0x80))
				break;
		}
		if (len > n - i)
			return;
		if ((key >> 3) == 1) {
			snprintf(out, size, "%.*s", (int)len, (const char *)p + i);
			return;
		}
		i += len;
	}
}

int containerd_probe_endpoint(char *out_version, size_t version_size, const char *uri, int timeout_ms,
			      berth_error *err)
{
	endpoint ep;
	int r = endpoint_parse(&ep, uri, -1, NULL, err);
	if (r < 0)
		return r;
	if (ep.kind == ENDPOINT_SSH) {
		r = berth_fail(err, BERTH_EUNSUPPORTED,
			       "%s: containerd over ssh is not supported (gRPC is spoken on a local unix socket only; "
			       "forward it with ssh -L and use unix://)", ep.uri);
		endpoint_release(&ep);
		return r;
	}
	conn *c = NULL;
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 1000);
	_cleanup_sbuf_ sbuf req = SBUF_INIT;
	r = conn_open(&c, &ep, timeout_ms, err);
	if (r < 0)
		goto done;
	if (build_request(&req) < 0) {
		r = BERTH_NOMEM(err);
		goto done;
	}
	r = conn_write_all(c, req.data, req.len, deadline, &ep, err);
	bool seen_settings = false;
	while (r == 0) {
		/* Need a whole frame header, then the whole payload, in rbuf. */
		size_t avail = c->rlen - c->rpos;
		const unsigned char *f = (const unsigned char *)c->rbuf + c->rpos;
		size_t flen = avail >= 9 ? ((size_t)f[0] << 16 | (size_t)f[1] << 8 | f[2]) : 0;
		if (avail < 9 || avail < 9 + flen) {
			if (flen > CONN_RBUF_SIZE - 9) {
				r = berth_fail(err, BERTH_EPROTOCOL, "%s: HTTP/2 frame too large for a probe", ep.uri);
				break;
			}
			int n = conn_fill(c, deadline, &ep, err);
			if (n == 0)
				r = berth_fail(err, seen_settings ? BERTH_EPROTOCOL : BERTH_EUNAVAILABLE,
					       "%s: closed the connection %s", ep.uri,
					       seen_settings ? "before answering the gRPC call" : "without speaking HTTP/2");
			else if (n < 0)
				r = n;
			continue;
		}
		int type = f[3], flags = f[4];
		uint32_t stream = ((uint32_t)f[5] << 24 | (uint32_t)f[6] << 16 | (uint32_t)f[7] << 8 | f[8]) & 0x7fffffffu;
		const unsigned char *payload = f + 9;
		c->rpos += 9 + flen;
		if (!seen_settings && type != H2_SETTINGS) {
			r = berth_fail(err, BERTH_EPROTOCOL, "%s: not an HTTP/2 server", ep.uri);
			break;
		}
		if (type == H2_SETTINGS) {
			seen_settings = true;
			if (!(flags & FLAG_ACK)) {
				_cleanup_sbuf_ sbuf ack = SBUF_INIT;
				if (put_frame_header(&ack, 0, H2_SETTINGS, FLAG_ACK, 0) < 0)
					r = BERTH_NOMEM(err);
				else
					r = conn_write_all(c, ack.data, ack.len, deadline, &ep, err);
			}
		} else if (type == H2_DATA && stream == 1) {
			size_t pad = 0;
			if (flags & FLAG_PADDED && flen > 0)
				pad = 1 + payload[0], payload++, flen--;
			if (flen >= 5 + pad) {
				size_t mlen = flen - pad;
				parse_version(payload + 5, mlen - 5, out_version, version_size);
			}
			break; /* an HTTP/2 server that answers gRPC: containerd */
		} else if (type == H2_HEADERS && stream == 1 && (flags & FLAG_END_STREAM)) {
			break; /* a trailers-only reply (an error status): still gRPC */
		} else if (type == H2_RST_STREAM || type == H2_GOAWAY) {
			r = berth_fail(err, BERTH_EPROTOCOL, "%s: HTTP/2 server refused the gRPC call", ep.uri);
		}
	}
done:
	conn_close(c);
	endpoint_release(&ep);
	return r;
}
