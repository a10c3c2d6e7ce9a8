/* Fuzz target: the multiplexed stream parser and the line splitter
 * (src/lib/parse/demux.c).
 *
 * The first byte is the mode: bit 0 set = a TTY stream (unframed); the
 * other bits give the slice size (1 + byte / 2) the stream is fed in. The
 * rest is the stream, in an exactly sized heap block.
 *
 * What must hold whatever the bytes: no crash or overread; feeding in
 * slices gives the same streams, lines, frame count and verdict as feeding all at
 * once; payload never exceeds the input (and equals it for a TTY); every
 * line fits the splitter's maximum. */
#include "fuzz.h"

#include "lib/parse/demux.h"

#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 64

typedef struct outcome {
	sbuf out[DEMUX_STREAMS];
	size_t frame_ends, payload, lines;
	int rc;
} outcome;

static int on_line(int stream, const char *line, size_t len, void *payload)
{
	outcome *o = payload;
	if (stream < 0 || stream >= DEMUX_STREAMS || len > LINE_MAX_BYTES || (len && !line))
		abort();
	o->lines++;
	return 0;
}

static void run(outcome *o, const char *data, size_t size, bool tty, size_t step)
{
	memset(o, 0, sizeof *o);
	demux d;
	demux_init(&d, tty);
	line_splitter ls;
	line_splitter_init(&ls, LINE_MAX_BYTES);
	berth_error err = BERTH_ERROR_INIT;
	for (size_t off = 0; off < size && o->rc == 0; off += step) {
		const char *p = data + off;
		size_t left = size - off < step ? size - off : step;
		demux_piece piece;
		int r;
		while ((r = demux_next(&d, &p, &left, &piece, &err)) == 1) {
			if (piece.stream < 0 || piece.stream >= DEMUX_STREAMS || piece.len == 0 ||
			    piece.data < data || piece.data + piece.len > data + size)
				abort();
			if (sbuf_add(&o->out[piece.stream], piece.data, piece.len) < 0 ||
			    line_splitter_feed(&ls, piece.stream, piece.data, piece.len, on_line, o) < 0)
				abort();
			o->payload += piece.len;
			o->frame_ends += piece.frame_end;
		}
		if (r < 0)
			o->rc = r;
		else if (left != 0)
			abort(); /* a successful pass uses all its input */
	}
	if (o->rc == 0)
		o->rc = demux_finish(&d, &err);
	if (o->rc != 0 && o->rc != BERTH_EPROTOCOL)
		abort();
	line_splitter_partials(&ls, on_line, o);
	line_splitter_release(&ls);
}

static void release(outcome *o)
{
	for (int i = 0; i < DEMUX_STREAMS; i++)
		sbuf_release(&o->out[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	char *body = fuzz_body(data, size, &len);
	if (!body)
		return 0;
	bool tty = data[0] & 1;
	size_t step = 1 + (data[0] >> 1);

	outcome sliced, whole;
	run(&sliced, body, len, tty, step);
	run(&whole, body, len, tty, len ? len : 1);
	/* (a TTY stream has no frames: each piece "ends" one) */
	if (sliced.rc != whole.rc || (!tty && sliced.frame_ends != whole.frame_ends) ||
	    sliced.payload != whole.payload || sliced.lines != whole.lines)
		abort();
	for (int i = 0; i < DEMUX_STREAMS; i++)
		if (sliced.out[i].len != whole.out[i].len ||
		    (whole.out[i].len && memcmp(sliced.out[i].data, whole.out[i].data, whole.out[i].len) != 0))
			abort();
	if (whole.payload > len || (tty && whole.payload != len))
		abort();
	release(&sliced);
	release(&whole);
	free(body);
	return 0;
}
