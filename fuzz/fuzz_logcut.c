/* Fuzz target: log entries out of a demuxed stream with their timestamp
 * prefixes cut off (src/lib/parse/logcut.c over demux.c) -- the path every
 * logs stream with timestamps takes.
 *
 * The first byte is the mode: bit 0 = a TTY stream (unframed), bit 1 =
 * timestamps asked for; the other bits give the slice size (1 + byte / 4)
 * the stream is fed in. The rest is the stream, in an exactly sized heap
 * block.
 *
 * What must hold whatever the bytes: no crash or over-read; feeding in
 * slices gives the same bytes per channel with the same times and the
 * same verdict as feeding all at once; every frame is non-empty, of
 * channel 1..3, never more bytes in all than the input; without
 * timestamps every time is 0; a TTY stream without timestamps comes back
 * byte for byte. */
#include "fuzz.h"

#include "lib/parse/logcut.h"

#include <stdlib.h>
#include <string.h>

typedef struct outcome {
	sbuf out[DEMUX_STREAMS];   /* bytes per channel */
	sbuf times;                /* (channel, time) of each byte run, joined */
	size_t total;
	int rc;
} outcome;

static void note_time(outcome *o, int stream, int64_t ns, size_t len)
{
	/* one record per change of (channel, time), so slicing does not matter */
	struct {
		int32_t stream;
		int64_t ns;
	} rec = { stream, ns };
	(void)len;
	if (o->times.len >= sizeof rec && memcmp(o->times.data + o->times.len - sizeof rec, &rec, sizeof rec) == 0)
		return;
	if (sbuf_add(&o->times, (const char *)&rec, sizeof rec) < 0)
		abort();
}

static void take(outcome *o, const logcut_frame *f, bool ts)
{
	if (f->stream < DEMUX_STDOUT || f->stream > DEMUX_SYSTEM || f->len == 0 || !f->data)
		abort();
	if (!ts && f->time_ns != 0)
		abort();
	if (sbuf_add(&o->out[f->stream], f->data, f->len) < 0)
		abort();
	note_time(o, f->stream, f->time_ns, f->len);
	o->total += f->len;
}

static void run(outcome *o, const char *data, size_t size, bool tty, bool ts, size_t step)
{
	memset(o, 0, sizeof *o);
	logcut lc;
	logcut_init(&lc, tty, ts);
	berth_error err = BERTH_ERROR_INIT;
	logcut_frame f;
	for (size_t off = 0; off < size && o->rc == 0; off += step) {
		const char *p = data + off;
		size_t left = size - off < step ? size - off : step;
		int r;
		while ((r = logcut_next(&lc, &p, &left, &f, &err)) == 1)
			take(o, &f, ts);
		if (r < 0)
			o->rc = r;
		else if (left != 0)
			abort();
	}
	if (o->rc == 0) {
		int r;
		while ((r = logcut_finish(&lc, &f, &err)) == 1)
			take(o, &f, ts);
		o->rc = r;
	}
	if (o->rc != 0 && o->rc != BERTH_EPROTOCOL)
		abort();
	if (o->total > size)
		abort();
}

static void release(outcome *o)
{
	for (int i = 0; i < DEMUX_STREAMS; i++)
		sbuf_release(&o->out[i]);
	sbuf_release(&o->times);
}

static bool same(const sbuf *a, const sbuf *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	char *body = fuzz_body(data, size, &len);
	if (!body)
		return 0;
	bool tty = data[0] & 1;
	bool ts = data[0] & 2;
	size_t step = 1 + (data[0] >> 2);

	outcome sliced, whole;
	run(&sliced, body, len, tty, ts, step);
	run(&whole, body, len, tty, ts, len ? len : 1);
	if (sliced.rc != whole.rc || sliced.total != whole.total)
		abort();
	/* an error may stop the two at different points only in what they held */
	if (whole.rc == 0) {
		for (int i = 0; i < DEMUX_STREAMS; i++)
			if (!same(&sliced.out[i], &whole.out[i]))
				abort();
		if (!same(&sliced.times, &whole.times))
			abort();
	}
	if (tty && !ts && (whole.total != len || (len && memcmp(whole.out[DEMUX_STDOUT].data, body, len) != 0)))
		abort();
	release(&sliced);
	release(&whole);
	free(body);
	return 0;
}
