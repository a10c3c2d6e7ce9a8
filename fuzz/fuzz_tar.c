/* Fuzz target: the tar reader of the containerd import
 * (engines/containerd/tar.c). Every entry it returns must lie inside the
 * input, its name must be a NUL-terminated string without a leading "./",
 * and the reader must always move forward. */
#include "fuzz.h"
#include "../src/lib/engines/containerd/tar.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tar_entry e[64];
	size_t n = 0, pos = 0;
	for (;;) {
		size_t before = pos;
		int r = tar_next(&e[n % 64], data, size, &pos);
		if (r <= 0)
			break;
		const tar_entry *t = &e[n % 64];
		if (pos <= before || pos > size)
			abort();
		if (t->data < data || t->size > size || t->data + t->size > data + size)
			abort();
		size_t len = strnlen(t->name, TAR_NAME_MAX);
		if (len == TAR_NAME_MAX || (len >= 2 && t->name[0] == '.' && t->name[1] == '/'))
			abort();
		n++;
	}
	if (n)
		(void)tar_find(e, n < 64 ? n : 64, "manifest.json");
	return 0;
}
