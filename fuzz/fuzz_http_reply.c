/* Fuzz target: HTTP/1.1 reply framing (transport/http1.c) through
 * http_do_on(): the input is the whole byte stream the "engine" sends
 * back to a GET, followed by end of stream. */
#include "fuzz.h"
#include "http_harness.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Small enough that some inputs overflow it (the "reply larger than"
 * path), large enough for real replies in the corpus. */
#define MAX_BODY (16 * 1024)

static size_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	transport *t = fuzz_transport();
	if (!t)
		abort();
	if (size > FUZZ_SOCKET_INPUT_MAX)
		size = FUZZ_SOCKET_INPUT_MAX;
	int peer = -1;
	conn *c = fuzz_conn_with_reply(data, size, &peer);
	if (!c)
		abort();

	http_request req = { .method = "GET", .target = "/v1.41/containers/json?all=1", .timeout_ms = 1000 };
	http_response resp = HTTP_RESPONSE_INIT;
	berth_error err = BERTH_ERROR_INIT;
	int r = http_do_on(t, c, &req, &resp, MAX_BODY, &err);
	if (r == 0) {
		if (resp.body.len > MAX_BODY || resp.hnames.len != resp.hvalues.len)
			abort();
		if (resp.body.len && resp.body.data[resp.body.len] != '\0')
			abort();
		for (size_t i = 0; i < resp.hnames.len; i++)
			sink += strlen(resp.hnames.items[i]) + strlen(resp.hvalues.items[i]);
		const char *ct = http_header(&resp, "Content-Type");
		if (ct)
			sink += strlen(ct);
	} else {
		if (!err.message[0] || err.code != r)
			abort();
	}
	http_response_release(&resp);
	fuzz_transport_drain(t);
	close(peer);
	return 0;
}
