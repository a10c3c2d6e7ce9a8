/* Test fixtures: see fixture.h. */
#include "test.h"
#include "fixture.h"

#include <string.h>

char *test_fixture(const char *rel, size_t *len)
{
	const char *dir = getenv("BERTH_SOURCE_DIR");
	char path[512];
	snprintf(path, sizeof path, "%s/tests/unit/fixtures/%s", dir ? dir : ".", rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open fixture %s", path);
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 16384;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

size_t test_frame(char *buf, int stream, const char *payload, size_t n)
{
	buf[0] = (char)stream;
	buf[1] = buf[2] = buf[3] = 0;
	buf[4] = (char)(n >> 24);
	buf[5] = (char)(n >> 16);
	buf[6] = (char)(n >> 8);
	buf[7] = (char)n;
	memcpy(buf + 8, payload, n);
	return 8 + n;
}
