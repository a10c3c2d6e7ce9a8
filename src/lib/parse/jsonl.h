/* Lines of a JSON-lines body (stats, events, pull progress): a pure
 * splitter, bytes in, lines out, no I/O. */
#ifndef BERTH_PARSE_JSONL_H
#define BERTH_PARSE_JSONL_H

#include "lib/internal.h"

typedef struct jsonl {
	sbuf part;      /* an unfinished line carried over from earlier input */
	size_t max;     /* the longest line accepted */
	bool handed;    /* part was handed out as a line: drop it next time */
} jsonl;

void jsonl_init(jsonl *j, size_t max);
void jsonl_release(jsonl *j);

/* Take the next line out of buf and len (advanced past what was used).
 * Returns 1 with line and line_len set (without the "\n" or "\r\n"; it points
 * into the input or into j, valid until the next call), 0 when the input is
 * used up without a complete line, BERTH_EPROTOCOL for a line longer than
 * j->max, BERTH_ENOMEM. Blank lines are skipped. */
int jsonl_next(jsonl *j, const char **buf, size_t *len, const char **line, size_t *line_len, berth_error *err);

/* At the end of the input: 1 with the unterminated last line, 0 when there
 * is none (or only blanks). */
int jsonl_finish(jsonl *j, const char **line, size_t *line_len);

#endif
