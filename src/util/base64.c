/* Base64 both ways: see base64.h. */
#include "base64.h"

static const char std_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t base64_encode(char *out, const void *in, size_t len, bool url)
{
	const char *abc = url ? url_alphabet : std_alphabet;
	const unsigned char *p = in;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		out[o++] = i + 1 < len ? abc[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? abc[v & 63] : '=';
	}
	out[o] = '\0';
	return o;
}

static int sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

ssize_t base64_decode(void *out, const char *in, size_t len)
{
	unsigned char *o = out;
	size_t n = 0, digits = 0, pads = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pads++;
			continue;
		}
		int v = sextet(c);
		if (v < 0 || pads)
			return -1; /* a foreign byte, or data after the padding */
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		digits++;
		if (bits >= 8) {
			bits -= 8;
			o[n++] = (unsigned char)(acc >> bits);
		}
	}
	if (digits % 4 == 1)
		return -1; /* six bits cannot make a byte */
	if (pads && (pads > 2 || (digits + pads) % 4 != 0))
		return -1;
	return (ssize_t)n;
}
