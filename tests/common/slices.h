/* A reader over bytes in memory that hands them out in slices of at most
 * `step` bytes, for the parsers that pull their input through a read
 * callback (tar, the decompressing reader): unit tests and fuzz targets
 * feed them in every cut this way. Header only. */
#ifndef BERTH_TESTS_SLICES_H
#define BERTH_TESTS_SLICES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

typedef struct slice_src {
	const uint8_t *p;
	size_t len, pos, step;
} slice_src;

/* The read callback: payload is a slice_src; 0 at the end. */
static inline ssize_t slice_read(void *buf, size_t cap, void *payload)
{
	slice_src *s = payload;
	size_t n = s->len - s->pos;
	if (n > cap)
		n = cap;
	if (n > s->step)
		n = s->step;
	memcpy(buf, s->p + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

#endif
