/* Fuzz target: the decompressing reader of loads and imports
 * (kit/decompress.c) over foreign bytes: gzip, zstd or plain, with the
 * tar check of its first block.
 *
 * The first byte picks the slice size the source hands out (byte % 13 + 1)
 * and, with its high bit, whether the first block is primed and checked.
 * What must hold: no crash, overread or endless loop; the reader never
 * gives more bytes than asked; after an error it keeps answering it; the
 * plain input comes out unchanged. */
#include "fuzz.h"
#include "../tests/common/slices.h"

#include "lib/kit/decompress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	char *body = fuzz_body(data, size, &len);
	if (!body)
		return 0;
	slice_src s = { (const uint8_t *)body, len, 0, (size_t)(data[0] & 0x7f) % 13 + 1 };
	decomp *d = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (decomp_new(&d, slice_read, &s, "fuzz", &err) < 0) {
		free(body);
		return 0;
	}
	int r = (data[0] & 0x80) ? decomp_prime_tar(d, &err) : 0;
	size_t total = 0;
	/* plain output is bounded by the input, compressed by a cap */
	while (r == 0 && total < (64u << 20)) {
		char buf[1000];
		size_t want = 1 + total % sizeof buf;
		ssize_t n = decomp_read(buf, want, d);
		if (n < 0) {
			if (decomp_read(buf, want, d) != n || decomp_error(d)->code != n)
				abort();
			fuzz_use(decomp_error(d)->message);
			break;
		}
		if ((size_t)n > want)
			abort();
		if (n == 0)
			break;
		if (decomp_kind_of(d) == DECOMP_PLAIN && memcmp(buf, body + total, (size_t)n) != 0)
			abort();
		total += (size_t)n;
	}
	if (decomp_kind_of(d) == DECOMP_PLAIN && r == 0 && total > len)
		abort();
	fuzz_use(decomp_kind_name(decomp_kind_of(d)));
	decomp_free(d);
	free(body);
	return 0;
}
