/* RFC 3339 time parsing (pure). */
#ifndef BERTH_PARSE_RFC3339_H
#define BERTH_PARSE_RFC3339_H

#include <stddef.h>
#include <stdint.h>

/* Parse an RFC 3339 time ("2024-05-01T10:00:00.123456789Z", offsets
 * allowed) into ns since the epoch. Returns the bytes used, or -1. */
int parse_rfc3339_ns(const char *s, size_t len, int64_t *out_ns);

#endif
