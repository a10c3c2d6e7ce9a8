/* Fuzz target: the image reference and container name checks
 * (berth_validate_image_ref, berth_validate_container_name), on a
 * NUL-terminated copy of the input in an exactly sized heap block.
 *
 * A few properties of the grammar are checked too: an accepted reference
 * has no white space or control bytes and is at most 512 bytes; an
 * accepted name matches [a-zA-Z0-9][a-zA-Z0-9_.-]+ and is 2..255 bytes. */
#include "fuzz.h"

#include <berth/container.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool name_char(unsigned char c) { return isalnum(c) || c == '_' || c == '.' || c == '-'; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	size_t n = strlen(s); /* the input may hold NULs: the C string ends there */

	berth_error err = BERTH_ERROR_INIT;
	int r = berth_validate_image_ref(s, &err);
	if (r == 0) {
		if (n == 0 || n > 512)
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
				abort();
	} else if (r != BERTH_EINVAL || err.code != r || !err.message[0]) {
		abort();
	}

	berth_error_clear(&err);
	r = berth_validate_container_name(s, &err);
	if (r == 0) {
		if (n < 2 || n > 255 || !isalnum((unsigned char)s[0]))
			abort();
		for (size_t i = 1; i < n; i++)
			if (!name_char((unsigned char)s[i]))
				abort();
	} else if (r != BERTH_EINVAL || err.code != r || !err.message[0]) {
		abort();
	}
	free(s);
	return 0;
}
