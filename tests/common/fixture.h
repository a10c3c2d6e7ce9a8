/* Test fixtures: real engine replies kept under tests/unit/fixtures/. */
#ifndef BERTH_TEST_FIXTURE_H
#define BERTH_TEST_FIXTURE_H

#include <stddef.h>

/* Read tests/unit/fixtures/<rel> (below $BERTH_SOURCE_DIR, else the
 * current directory) into a malloc'd, NUL-terminated buffer of exactly its
 * size; fails the test when it cannot. */
char *test_fixture(const char *rel, size_t *len);

/* Write one frame of the Engine API's stdout/stderr framing (8-byte header:
 * stream, three zeros, big-endian length; then the payload) into buf,
 * which has room for 8 + n bytes. Returns 8 + n. */
size_t test_frame(char *buf, int stream, const char *payload, size_t n);

#endif
