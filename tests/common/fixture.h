/* Test fixtures: real engine replies kept under tests/unit/fixtures/. */
#ifndef BERTH_TEST_FIXTURE_H
#define BERTH_TEST_FIXTURE_H

#include <stddef.h>

/* Read tests/unit/fixtures/<rel> (below $BERTH_SOURCE_DIR, else the
 * current directory) into a malloc'd, NUL-terminated buffer of exactly its
 * size; fails the test when it cannot. */
char *test_fixture(const char *rel, size_t *len);

#endif
