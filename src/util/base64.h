/* Base64 (RFC 4648): the standard and the URL-safe alphabets, for the
 * Engine API's headers (X-Registry-Auth, X-Docker-Container-Path-Stat) and
 * the "auth" fields of registry credential files. */
#ifndef BERTH_BASE64_H
#define BERTH_BASE64_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The length of the padded encoding of n bytes (without the NUL). */
#define BASE64_ENCODED_LEN(n) (((n) + 2) / 3 * 4)

/* Encode len bytes of in into out, which has room for
 * BASE64_ENCODED_LEN(len) + 1 bytes; padded, NUL-terminated. url picks the
 * URL-safe alphabet ('-', '_'). Returns the length written. */
size_t base64_encode(char *out, const void *in, size_t len, bool url);

/* Decode len characters of in into out (len * 3 / 4 bytes always suffice;
 * no NUL is added). Either alphabet is accepted, even mixed; padding is
 * optional but, when present, only at the end and completing the last
 * group; CR and LF are skipped (as Go's decoder does). Returns the
 * number of bytes, or -1 for anything else (a foreign character, '=' in
 * the middle, a lone trailing character). */
ssize_t base64_decode(void *out, const char *in, size_t len);

#endif
