/* SHA-256 (FIPS 180-4), for content hashes such as the spec-hash label.
 * Not for secrets: no constant-time guarantees are needed here. */
#ifndef BERTH_SHA256_H
#define BERTH_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
	uint32_t h[8];
	uint64_t total;        /* bytes hashed so far */
	unsigned char buf[64];
	size_t used;           /* bytes waiting in buf */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, unsigned char out[32]);
/* One call: hex digest (64 characters and a NUL) of data. */
void sha256_hex(char out[65], const void *data, size_t len);

#endif
