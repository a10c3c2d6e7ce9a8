/* Log entries out of a demuxed byte stream: the engine's timestamp prefix
 * of each entry parsed and cut off. Pure: bytes in, frames out, no I/O.
 *
 * With timestamps asked for, each entry starts with an RFC 3339 time and
 * one space. In a framed stream an entry is one frame (the engines write
 * one frame per entry); in a TTY stream it is one line. A prefix that is
 * not a time is handed out as data, with time 0. */
#ifndef BERTH_PARSE_LOGCUT_H
#define BERTH_PARSE_LOGCUT_H

#include "demux.h"

#define LOGCUT_TS_MAX 48   /* "2024-05-01T10:00:00.123456789+01:00 " fits */

typedef struct logcut_frame {
	int stream;          /* DEMUX_STDOUT, DEMUX_STDERR, DEMUX_SYSTEM */
	const char *data;    /* into the caller's input, or into the logcut */
	size_t len;          /* > 0 */
	int64_t time_ns;     /* the entry's time; 0 without timestamps */
	bool entry_start;    /* with timestamps: the first bytes of an entry */
} logcut_frame;

typedef struct logcut {
	demux dx;
	bool timestamps;
	bool tty;
	bool entry_start[DEMUX_STREAMS];  /* the channel's next byte begins an entry */
	int64_t entry_ns[DEMUX_STREAMS];
	bool fresh[DEMUX_STREAMS];        /* no byte of the channel's entry handed out yet */
	char ts[LOGCUT_TS_MAX];           /* a prefix being collected */
	size_t ts_len;
	int ts_stream;
	bool give_back;                   /* ts[] turned out to be data: hand it out next */
	demux_piece piece;                /* the piece being handed out */
	bool have_piece;
} logcut;

void logcut_init(logcut *lc, bool tty, bool timestamps);

/* The next frame out of the input *buf, *len (advanced past what was
 * used; frames may be split anywhere across calls). Returns 1 with *out
 * set (valid until the next call or until the input buffer changes), 0 when
 * the input is used up, BERTH_EPROTOCOL for a bad frame header. */
int logcut_next(logcut *lc, const char **buf, size_t *len, logcut_frame *out, berth_error *err);

/* At the end of the input: 1 with *out set (held bytes that are data), 0
 * when done, BERTH_EPROTOCOL when the input ended inside a frame. */
int logcut_finish(logcut *lc, logcut_frame *out, berth_error *err);

#endif
