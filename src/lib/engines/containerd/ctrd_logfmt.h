/* berth's log file for containerd tasks: one record per line, in the CRI
 * log format kubelet and containerd's CRI plugin use, so other tools read
 * it too:
 *
 *   2024-05-01T10:00:00.123456789Z stdout F a whole line
 *   2024-05-01T10:00:00.200000000Z stderr P the first 16 KiB of a longer li
 *   2024-05-01T10:00:01.000000000Z berth E exit
 *
 * The time (always UTC, always nine fraction digits) is when berth-logger
 * read the bytes; the channel is stdout or stderr; the tag is F for a line
 * that ended with "\n" (the newline itself is not stored) and P for a
 * piece that did not: a line longer than LOGFMT_LINE_MAX is cut into
 * pieces, and output that ends without a newline is a last P piece. The
 * payload is every byte the task wrote, except the newline; it holds no
 * "\n". berth adds one record kind: channel "berth", tag E, written when
 * the task's stdout and stderr both closed (the task is gone), so a
 * follower knows the output is complete.
 *
 * Pure: no I/O here. berth-logger writes the records, the containerd
 * backend reads them (ctrd_logread.c). */
#ifndef BERTH_CTRD_LOGFMT_H
#define BERTH_CTRD_LOGFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOGFMT_LINE_MAX 16384   /* payload bytes per record at most */
#define LOGFMT_TIME_LEN 30      /* "2024-05-01T10:00:00.123456789Z" */
/* time + " stdout F " + payload + "\n" */
#define LOGFMT_RECORD_MAX (LOGFMT_TIME_LEN + 10 + LOGFMT_LINE_MAX + 1)

/* Beside the log, berth-logger counts the tasks it served: it appends one
 * byte to this file when it starts. berth empties it before a start of its
 * own, so its size less one is how often containerd's restart monitor
 * started the container since (inspect's restart count). */
#define LOGFMT_STARTS_FILE "task-starts"

typedef enum logfmt_kind {
	LOGFMT_STDOUT = 1,
	LOGFMT_STDERR = 2,
	LOGFMT_END = 3,         /* berth's end-of-output record */
} logfmt_kind;

typedef struct logfmt_record {
	logfmt_kind kind;
	bool partial;           /* P: no newline after the payload */
	int64_t time_ns;
	const char *data;       /* into the line */
	size_t len;
} logfmt_record;

/* Write "<time> <stdout|stderr> <F|P> <data>\n" (or the end record for
 * LOGFMT_END) into out, which has room for LOGFMT_RECORD_MAX bytes; len is
 * at most LOGFMT_LINE_MAX and data holds no "\n". Returns the bytes written. */
size_t ctrd_logfmt_format(char *out, logfmt_kind kind, bool partial, int64_t time_ns, const char *data, size_t len);

/* Parse one line (without its "\n"). 0 with *out set (data points into
 * line), -1 when the line is not a record (to be skipped). */
int ctrd_logfmt_parse(logfmt_record *out, const char *line, size_t len);

/* Only the kind of a line, from its first bytes (at least 40 are enough):
 * LOGFMT_STDOUT/STDERR/END, or 0 when it is not a record. */
int ctrd_logfmt_peek_kind(const char *line, size_t len);

#endif
