/* berth-logger's order across stdout and stderr: see logmerge.h. */
#include "logmerge.h"

void logmerge_start(logmerge *m, size_t n0, size_t n1, int last)
{
	*m = (logmerge){ { n0, n1 }, { 0, 0 }, last };
}

int logmerge_next(logmerge *m)
{
	int c;
	if (m->done[0] == m->n[0] && m->done[1] == m->n[1])
		return -1;
	if (m->done[0] == m->n[0]) {
		c = 1;
	} else if (m->done[1] == m->n[1]) {
		c = 0;
	} else {
		/* (2 done0 + 1) / 2 n0 against (2 done1 + 1) / 2 n1, in integers:
		 * a round holds at most a few hundred thousand pieces */
		uint64_t p0 = (2 * (uint64_t)m->done[0] + 1) * m->n[1];
		uint64_t p1 = (2 * (uint64_t)m->done[1] + 1) * m->n[0];
		c = p0 < p1 ? 0 : p1 < p0 ? 1 : m->last == 0;
	}
	m->done[c]++;
	m->last = c;
	return c;
}

int64_t logmerge_time(int64_t lo, int64_t hi, size_t k, size_t n, int64_t prev)
{
	int64_t t = hi;
	if (lo < hi && k + 1 < n) {
		int64_t span = hi - lo;
		/* span / n * (k + 1) without overflow, exact for any span a round has */
		t = lo + span / (int64_t)n * (int64_t)(k + 1) + span % (int64_t)n * (int64_t)(k + 1) / (int64_t)n;
	}
	return t > prev ? t : prev + 1;
}
