/* A scratch directory for a unit test: /tmp/berth-unit-WHAT-XXXXXX, made
 * in a group's setup and removed whole in its teardown. */
#ifndef BERTH_TEST_SCRATCH_H
#define BERTH_TEST_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>

/* Make it; 0, or -1 when it cannot be made. out gets its path. */
static inline int scratch_make(char *out, size_t size, const char *what)
{
	if (snprintf(out, size, "/tmp/berth-unit-%s-XXXXXX", what) >= (int)size)
		return -1;
	return mkdtemp(out) ? 0 : -1;
}

/* Remove it and what is in it; 0 or -1. */
static inline int scratch_remove(const char *dir)
{
	char cmd[200];
	if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) >= (int)sizeof cmd)
		return -1;
	return system(cmd) == 0 ? 0 : -1;
}

#endif
