/* berth-logger's order across stdout and stderr: pure, no I/O.
 *
 * berth-logger reads the two pipes in rounds that end when a read finds
 * its pipe empty, so what one round brings of each channel was written
 * over the same span of time, after the round before; in which order the
 * lines of the two channels were written inside that span, the pipes do
 * not say. The round's pieces (records) are merged as if each
 * channel's were spread evenly over the span: the k-th of a channel's n
 * pieces sits at (k + 1/2) / n, and the pieces go out by that place. Two
 * pieces at the same place (as many lines on both channels: a program that
 * alternates) go out in turn, the channel that did not write last first,
 * so an alternation goes on across rounds.
 *
 * The records of a round get times spread over the span too (the k-th of n
 * at lo + (hi - lo) (k + 1) / n), never before the time of the record
 * before them: the file's order and its times agree, for since / until
 * and tail. */
#ifndef BERTH_LOGMERGE_H
#define BERTH_LOGMERGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct logmerge {
	size_t n[2];     /* pieces of channel 0 (stdout) and 1 (stderr) this round */
	size_t done[2];  /* handed out so far */
	int last;        /* channel of the piece handed out last, -1: none yet */
} logmerge;

/* Start a round of n0 and n1 pieces; last: the channel of the piece
 * written last before it (-1: none). */
void logmerge_start(logmerge *m, size_t n0, size_t n1, int last);

/* The channel whose next piece comes next: 0 or 1; -1 when the round's
 * pieces are all handed out. */
int logmerge_next(logmerge *m);

/* The time of the k-th (from 0) of a round's n records read over
 * [lo, hi], at least prev + 1 (prev: the time of the record before it). */
int64_t logmerge_time(int64_t lo, int64_t hi, size_t k, size_t n, int64_t prev);

#endif
