/* Network readiness probes: see probe.h. */
#include "probe.h"
#include "http.h"

#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>

/* How long an accepted connection must stay up to count as open. */
#define SETTLE_MS 150

static int probe_uri(sbuf *b, const char *scheme, const char *host, int port, berth_error *err)
{
	bool v6 = strchr(host, ':') != NULL;
	if (sbuf_printf(b, "%s://%s%s%s:%d", scheme, v6 ? "[" : "", host, v6 ? "]" : "", port) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

int net_probe_tcp(const char *host, int port, int timeout_ms, berth_error *err)
{
	_cleanup_sbuf_ sbuf uri = SBUF_INIT;
	int r = probe_uri(&uri, "tcp", host, port, err);
	if (r < 0)
		return r;
	endpoint ep;
	if ((r = endpoint_parse(&ep, uri.data, -1, NULL, err)) < 0)
		return r;
	int64_t deadline = now_ms() + timeout_ms;
	conn *c = NULL;
	r = conn_open(&c, &ep, timeout_ms, err);
	if (r == 0) {
		int settle = remaining_ms(deadline);
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		int n = poll(&p, 1, settle < SETTLE_MS ? settle : SETTLE_MS);
		char byte;
		/* readable: either the server spoke first (open) or it hung up */
		if (n > 0 && recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0)
			r = berth_fail(err, BERTH_EUNAVAILABLE,
				       "%s: accepted, then closed at once (a proxy with nothing listening behind it)",
				       ep.uri);
		conn_close(c);
	}
	endpoint_release(&ep);
	return r;
}

int net_probe_http(int *status, const char *host, int port, const char *path, int timeout_ms, berth_error *err)
{
	_cleanup_sbuf_ sbuf uri = SBUF_INIT;
	int r = probe_uri(&uri, "http", host, port, err);
	if (r < 0)
		return r;
	transport *t = NULL;
	if ((r = transport_new(&t, uri.data, -1, NULL, timeout_ms, timeout_ms, err)) < 0)
		return r;
	http_request req = { .method = "GET", .target = path, .timeout_ms = timeout_ms };
	http_response head = HTTP_RESPONSE_INIT;
	http_stream *s = NULL;
	r = http_stream_open(&s, t, &req, &head, err);
	if (r == 0) {
		*status = head.status;
		http_stream_close(s); /* the body is not read: the connection is dropped */
	}
	http_response_release(&head);
	transport_free(t);
	return r;
}
