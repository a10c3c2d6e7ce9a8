/* Shared declarations of berth's fuzz targets.
 *
 * Every fuzz_<name>.c defines the libFuzzer entry point below. The same
 * file is linked either with libFuzzer (clang, -Dfuzz=true) or with
 * replay.c, which feeds it the files of a seed corpus (the meson tests). */
#ifndef BERTH_FUZZ_H
#define BERTH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input after its first (mode) byte, in a heap block of exactly its
 * size with no NUL after it, so AddressSanitizer sees any overread. NULL
 * when size is 0 or memory is short; free() it. */
static inline char *fuzz_body(const uint8_t *data, size_t size, size_t *len)
{
	if (size == 0)
		return NULL;
	*len = size - 1;
	char *body = malloc(*len ? *len : 1);
	if (body && *len)
		memcpy(body, data + 1, *len);
	return body;
}

/* Read every byte of a string the parser handed out (a dangling or
 * unterminated one is then an ASan report), and insist it is there. */
static size_t fuzz_sink __attribute__((unused));
static inline void fuzz_use(const char *s)
{
	if (!s)
		abort();
	fuzz_sink += strlen(s);
}

/* A container id as the /proc parsers hand it out: 64 lower-case hex
 * digits. */
static inline int fuzz_is_container_id(const char *id)
{
	if (strlen(id) != 64)
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

/* Reply framing harnesses push the input through a socket buffer: larger
 * inputs are cut to this size so that one write always fits. */
#define FUZZ_SOCKET_INPUT_MAX (60 * 1024)

#endif
