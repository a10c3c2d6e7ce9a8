/* The Engine API's multiplexed stdout/stderr stream, and lines out of it.
 * Pure parsers: bytes in, pieces and lines out, no I/O.
 *
 * Logs, attach and exec output of a container without a TTY come framed:
 * each frame is an 8-byte header -- the stream (0 stdin, 1 stdout,
 * 2 stderr, 3 an engine error), three zero bytes, the payload length as an
 * unsigned 32-bit big-endian number -- then the payload. A container with
 * a TTY sends one unframed stream. */
#ifndef BERTH_PARSE_DEMUX_H
#define BERTH_PARSE_DEMUX_H

#include "lib/internal.h"

enum {
	DEMUX_STDIN = 0,
	DEMUX_STDOUT = 1,
	DEMUX_STDERR = 2,
	DEMUX_SYSTEM = 3,   /* an error message from the engine */
	DEMUX_STREAMS = 4,
};

typedef struct demux {
	bool raw;            /* TTY: no frames, every byte is stdout */
	bool failed;         /* a bad header was seen: nothing more is parsed */
	uint8_t head[8];
	size_t head_len;     /* header bytes collected so far */
	uint32_t left;       /* payload bytes of the current frame still to come */
	int stream;          /* the current frame's stream */
	uint64_t offset;     /* bytes consumed, for messages */
} demux;

/* A run of payload bytes of one stream. data points into the caller's
 * input buffer. */
typedef struct demux_piece {
	int stream;
	const char *data;
	size_t len;
	bool frame_end;      /* this piece completes its frame */
} demux_piece;

void demux_init(demux *d, bool tty);

/* Take the next piece out of the input *buf, *len (both are advanced past
 * what was used). Frames may be split anywhere across calls, headers too.
 * Returns 1 with *out set, 0 when the input is used up, or BERTH_EPROTOCOL
 * for a header that is not one (stream above 3, padding not zero); the
 * parser then stays failed. */
int demux_next(demux *d, const char **buf, size_t *len, demux_piece *out, berth_error *err);

/* At the end of the stream: 0 when it ended between frames, BERTH_EPROTOCOL
 * when a header or payload was cut short. */
int demux_finish(const demux *d, berth_error *err);

/* ---- lines ---------------------------------------------------------------- */

/* One line (without its "\n" or "\r\n") of one stream. Return non-zero to stop. */
typedef int (*line_cb)(int stream, const char *line, size_t len, void *payload);

/* Joins each stream's pieces into lines; a line longer than `max` bytes is
 * handed out in max-sized parts. */
typedef struct line_splitter {
	sbuf part[DEMUX_STREAMS];   /* the unfinished line of each stream */
	size_t max;
} line_splitter;

void line_splitter_init(line_splitter *ls, size_t max);
/* Feed one piece; on_line sees every line it completes. Returns 0, the
 * callback's non-zero value, or -ENOMEM. Streams above 3 are ignored. */
int line_splitter_feed(line_splitter *ls, int stream, const char *data, size_t len, line_cb on_line, void *payload);
/* Hand out each stream's unfinished line (it stays buffered). */
int line_splitter_partials(const line_splitter *ls, line_cb on_line, void *payload);
void line_splitter_release(line_splitter *ls);

#endif
