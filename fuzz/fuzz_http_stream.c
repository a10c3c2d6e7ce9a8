/* Fuzz target: streamed HTTP/1.1 replies (http_stream_open/read/close)
 * and the Upgrade hijack.
 *
 * The first byte sets the request, the rest is the reply stream:
 *   bit 0 set: Connection: Upgrade (as for attach and exec)
 *   bit 1 set: a HEAD request (no body follows the headers)
 * e.g. 'P' (0x50) plain GET, 'U' (0x55) upgrade, 'R' (0x52) HEAD. */
#include "fuzz.h"
#include "http_harness.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	transport *t = fuzz_transport();
	if (!t)
		abort();
	uint8_t mode = data[0];
	data++;
	size--;
	if (size > FUZZ_SOCKET_INPUT_MAX)
		size = FUZZ_SOCKET_INPUT_MAX;
	int peer = -1;
	conn *c = fuzz_conn_with_reply(data, size, &peer);
	if (!c)
		abort();
	/* The stream API takes its connection from the transport's preset
	 * slot, as http_do_on() does for buffered replies. */
	conn_close(t->preset);
	t->preset = c;

	http_request req = {
		.method = (mode & 2) ? "HEAD" : "GET",
		.target = (mode & 1) ? "/v1.41/containers/x/attach?stream=1" : "/v1.41/containers/x/logs?follow=1",
		.timeout_ms = 1000,
		.upgrade = (mode & 1) != 0,
		.head = (mode & 2) != 0,
	};
	http_response head = HTTP_RESPONSE_INIT;
	berth_error err = BERTH_ERROR_INIT;
	http_stream *s = NULL;
	int r = http_stream_open(&s, t, &req, &head, &err);
	if (r < 0) {
		if (!err.message[0] || err.code != r)
			abort();
		goto out;
	}
	if (http_stream_fd(s) < 0 || head.hnames.len != head.hvalues.len)
		abort();
	const char *upg = http_header(&head, "upgrade");
	if (upg)
		sink += strlen(upg);

	/* Drain the body. The input is finite and ends with EOF, so this
	 * loop must end: a bound far above any honest count catches a
	 * reader that stops making progress. */
	size_t total = 0;
	for (size_t rounds = 0;; rounds++) {
		if (rounds > 4 * FUZZ_SOCKET_INPUT_MAX + 16)
			abort();
		const char *piece;
		size_t len;
		berth_error rerr = BERTH_ERROR_INIT;
		r = http_stream_read(s, &piece, &len, 1000, &rerr);
		if (r == BERTH_ITEROVER)
			break;
		if (r < 0) {
			if (!rerr.message[0])
				abort();
			break;
		}
		if (len == 0)
			abort(); /* a successful read hands out at least one byte */
		for (size_t i = 0; i < len; i++)
			sink += (unsigned char)piece[i];
		total += len;
	}
	if (total > size)
		abort(); /* cannot hand out more body than there were bytes */

	if (head.status == 101 || (mode & 1)) {
		/* What a caller does after a 101: take the raw connection,
		 * look at the bytes that came with the headers, close it. */
		conn *raw = http_stream_take_conn(s);
		if (raw) {
			if (raw->rpos > raw->rlen || raw->rlen > raw->rcap)
				abort();
			for (size_t i = raw->rpos; i < raw->rlen; i++)
				sink += (unsigned char)raw->rbuf[i];
			conn_close(raw);
		}
	}
	http_stream_close(s);
out:
	http_response_release(&head);
	fuzz_transport_drain(t);
	close(peer);
	return 0;
}
