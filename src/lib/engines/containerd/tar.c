/* The tar reader: see tar.h. */
#include "tar.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define BLOCK 512

/* An octal field (NUL or space terminated), or GNU's base-256 form. */
static bool number(uint64_t *out, const uint8_t *f, size_t n)
{
	uint64_t v = 0;
	if (f[0] & 0x80) {
		for (size_t i = 1; i < n; i++) {
			if (v >> 55)
				return false;
			v = v << 8 | f[i];
		}
		*out = v;
		return true;
	}
	size_t i = 0;
	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return false;
		v = v << 3 | (uint64_t)(f[i] - '0');
	}
	if (i < n && f[i] != '\0' && f[i] != ' ')
		return false;
	*out = v;
	return true;
}

static bool checksum_ok(const uint8_t *h)
{
	uint64_t want;
	if (!number(&want, h + 148, 8))
		return false;
	uint64_t sum = 0;
	for (size_t i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Copy a name, dropping a leading "./"; false when too long. */
static bool set_name(char *out, const char *s, size_t n)
{
	while (n >= 2 && s[0] == '.' && s[1] == '/')
		s += 2, n -= 2;
	if (n >= TAR_NAME_MAX)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

/* The "path" record of a pax header, if any. */
static bool pax_path(char *out, const uint8_t *d, size_t n, bool *found)
{
	size_t i = 0;
	while (i < n) {
		size_t len = 0, j = i;
		while (j < n && d[j] >= '0' && d[j] <= '9' && len < n)
			len = len * 10 + (size_t)(d[j++] - '0');
		if (j >= n || d[j] != ' ' || len <= j - i || len > n - i)
			return false;
		const char *rec = (const char *)d + j + 1, *end = (const char *)d + i + len;
		if (end[-1] != '\n')
			return false;
		if ((size_t)(end - rec) > 5 && memcmp(rec, "path=", 5) == 0) {
			if (!set_name(out, rec + 5, (size_t)(end - 1 - rec - 5)))
				return false;
			*found = true;
		}
		i += len;
	}
	return true;
}

int tar_next(tar_entry *e, const uint8_t *buf, size_t len, size_t *pos)
{
	char long_name[TAR_NAME_MAX];
	bool have_long = false;
	for (;;) {
		if (*pos > len || len - *pos < BLOCK)
			return *pos == len || (*pos < len && all_zero(buf + *pos, len - *pos)) ? 0 : -EINVAL;
		const uint8_t *h = buf + *pos;
		if (all_zero(h, BLOCK))
			return 0;
		if (!checksum_ok(h))
			return -EINVAL;
		uint64_t size;
		if (!number(&size, h + 124, 12))
			return -EINVAL;
		size_t avail = len - *pos - BLOCK;
		if (size > avail)
			return -EINVAL;
		const uint8_t *data = h + BLOCK;
		size_t padded = (size_t)((size + BLOCK - 1) / BLOCK * BLOCK);
		*pos += BLOCK + (padded <= avail ? padded : avail);
		char type = (char)h[156];
		if (type == 'L') { /* GNU: the next entry's name */
			size_t n = strnlen((const char *)data, (size_t)size);
			if (!set_name(long_name, (const char *)data, n))
				return -EINVAL;
			have_long = true;
			continue;
		}
		if (type == 'x') {
			bool found = false;
			if (!pax_path(long_name, data, (size_t)size, &found))
				return -EINVAL;
			have_long = have_long || found;
			continue;
		}
		if (type == 'g' || type == 'K')
			continue;
		if (have_long) {
			memcpy(e->name, long_name, sizeof long_name);
		} else {
			char full[BLOCK];
			size_t n = strnlen((const char *)h, 100), k = 0;
			if (memcmp(h + 257, "ustar", 5) == 0 && h[345]) {
				size_t p = strnlen((const char *)h + 345, 155);
				memcpy(full, h + 345, p);
				full[p] = '/';
				k = p + 1;
			}
			memcpy(full + k, h, n);
			if (!set_name(e->name, full, k + n))
				return -EINVAL;
		}
		e->type = type ? type : '0';
		e->data = data;
		e->size = (size_t)size;
		return 1;
	}
}

const tar_entry *tar_find(const tar_entry *entries, size_t n, const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	for (size_t i = 0; i < n; i++)
		if ((entries[i].type == '0' || entries[i].type == '7') && strcmp(entries[i].name, name) == 0)
			return &entries[i];
	return NULL;
}
