/* SHA-256 as specified in FIPS 180-4, section 6.2. */
#include "sha256.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

/* Process one 64-byte block. */
static void compress(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64];
	for (int t = 0; t < 16; t++)
		w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
	for (int t = 16; t < 64; t++) {
		uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
		uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
	for (int t = 0; t < 64; t++) {
		uint32_t t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
		uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

void sha256_init(sha256_ctx *c)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memcpy(c->h, iv, sizeof iv);
	c->total = 0;
	c->used = 0;
}

/* libcrypto's block function, when libcrypto 3 can be loaded: it uses
 * the CPU's SHA instructions where there are some (several times the
 * speed of compress(), which matters for image layers of hundreds of
 * MB). SHA256_Transform() takes OpenSSL's SHA256_CTX, whose first member
 * is the state h[8], as sha256_ctx's is; it reads and updates only that. */
typedef void (*block_fn)(void *ctx, const unsigned char *p);
static block_fn fast_block;
static pthread_once_t fast_once = PTHREAD_ONCE_INIT;

static void load_fast(void)
{
	if (getenv("BERTH_SHA256_PORTABLE"))
		return;
	void *h = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return;
	union {
		void *p;
		block_fn f;
	} u = { .p = dlsym(h, "SHA256_Transform") };
	/* check it against the portable code once */
	uint32_t a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, b[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	unsigned char blk[64];
	for (int i = 0; i < 64; i++)
		blk[i] = (unsigned char)(i * 7 + 1);
	if (u.f) {
		u.f(a, blk);
		compress(b, blk);
	}
	if (u.f && memcmp(a, b, sizeof a) == 0)
		fast_block = u.f;
	/* the handle stays open: the function lives in it */
}

void sha256_update(sha256_ctx *c, const void *data, size_t len)
{
	/* long inputs only: short ones are cheaper without a lookup */
	if (len >= 4096) {
		pthread_once(&fast_once, load_fast);
		if (fast_block) {
			const unsigned char *p = data;
			size_t lead = c->used ? 64 - c->used : 0;
			if (lead) {
				memcpy(c->buf + c->used, p, lead);
				fast_block(c->h, c->buf);
				c->used = 0;
				c->total += lead;
				p += lead;
				len -= lead;
			}
			c->total += len;
			for (; len >= 64; p += 64, len -= 64)
				fast_block(c->h, p);
			memcpy(c->buf, p, len);
			c->used = len;
			return;
		}
	}

	const unsigned char *p = data;
	c->total += len;
	if (c->used) {
		size_t take = 64 - c->used < len ? 64 - c->used : len;
		memcpy(c->buf + c->used, p, take);
		c->used += take;
		p += take;
		len -= take;
		if (c->used < 64)
			return;
		compress(c->h, c->buf);
		c->used = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		compress(c->h, p);
	memcpy(c->buf, p, len);
	c->used = len;
}

void sha256_final(sha256_ctx *c, unsigned char out[32])
{
	uint64_t bits = c->total * 8;
	static const unsigned char pad[64] = { 0x80 };
	/* 0x80, zeros to 56 mod 64, then the length in bits, big-endian */
	size_t padlen = c->used < 56 ? 56 - c->used : 120 - c->used;
	sha256_update(c, pad, padlen);
	unsigned char len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(c, len, 8);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void sha256_hex(char out[65], const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	sha256_ctx c;
	unsigned char d[32];
	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, d);
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}
