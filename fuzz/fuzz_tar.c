/* Fuzz target: the tar readers of containerd's backend
 * (engines/containerd/ctrd_tar.c), the in-memory one of the import and the
 * streamed one of put_archive. Every entry the first returns must lie
 * inside the input, its name must be a NUL-terminated string without a
 * leading "./", and the reader must always move forward; the streamed one
 * must never hand out more bytes than the input holds, whatever the sizes
 * of the reads. */
#include "fuzz.h"
#include "../tests/common/slices.h"
#include "lib/engines/containerd/ctrd_tar.h"

#include <stdlib.h>
#include <string.h>

static void streamed(const uint8_t *data, size_t size)
{
	static tar_header h;
	uint8_t buf[700];
	slice_src s = { data, size, 0, size ? (size_t)data[0] % 600 + 1 : 1 };
	tar_reader r = { slice_read, &s, 0, 0 };
	size_t handed = 0;
	for (int entries = 0; entries < 10000; entries++) {
		int k = ctrd_tar_reader_next(&r, &h);
		if (k <= 0)
			break;
		if (strnlen(h.name, sizeof h.name) == sizeof h.name || strnlen(h.link, sizeof h.link) == sizeof h.link ||
		    (h.name[0] == '.' && h.name[1] == '/') || h.mode > 07777)
			abort();
		ssize_t n;
		while ((n = ctrd_tar_reader_data(&r, buf, entries % 2 ? sizeof buf : 3)) > 0)
			handed += (size_t)n;
		if (n < 0 && n != TAR_EMALFORMED)
			abort();
		if (handed > size || s.pos > size)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	streamed(data, size);
	tar_entry e[64];
	size_t n = 0, pos = 0;
	for (;;) {
		size_t before = pos;
		int r = ctrd_tar_next(&e[n % 64], data, size, &pos);
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
		(void)ctrd_tar_find(e, n < 64 ? n : 64, "manifest.json");
	return 0;
}
