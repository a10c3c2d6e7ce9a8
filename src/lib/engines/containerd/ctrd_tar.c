/* The tar reader: see ctrd_tar.h. */
#include "ctrd_tar.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"

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

/* Copy a name into out (room for cap), dropping a leading "./"; false
 * when too long or holding a NUL. */
static bool set_name_in(char *out, size_t cap, const char *s, size_t n)
{
	while (n >= 2 && s[0] == '.' && s[1] == '/')
		s += 2, n -= 2;
	if (n >= cap || memchr(s, '\0', n))
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

/* The name of header block h: its ustar prefix, if any, and name. */
static bool ustar_name(char *out, size_t cap, const uint8_t *h)
{
	char full[BLOCK];
	size_t n = strnlen((const char *)h, 100), k = 0;
	if (memcmp(h + 257, "ustar", 5) == 0 && h[345]) {
		size_t p = strnlen((const char *)h + 345, 155);
		memcpy(full, h + 345, p);
		full[p] = '/';
		k = p + 1;
	}
	memcpy(full + k, h, n);
	return set_name_in(out, cap, full, k + n);
}

static bool set_name(char *out, const char *s, size_t n)
{
	return set_name_in(out, TAR_NAME_MAX, s, n);
}

/* Call fn(key, klen, value, vlen, ctx) for each record of a pax header;
 * false when the records are malformed or fn says so. */
typedef bool (*pax_fn)(const char *key, size_t klen, const char *val, size_t vlen, void *ctx);

static bool pax_each(const uint8_t *d, size_t n, pax_fn fn, void *ctx)
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
		const char *eq = memchr(rec, '=', (size_t)(end - 1 - rec));
		if (eq && !fn(rec, (size_t)(eq - rec), eq + 1, (size_t)(end - 1 - eq - 1), ctx))
			return false;
		i += len;
	}
	return true;
}

static bool key_is(const char *key, size_t klen, const char *want)
{
	return klen == strlen(want) && memcmp(key, want, klen) == 0;
}

typedef struct pax_name {
	char *out;
	bool found;
} pax_name;

static bool pax_path_rec(const char *key, size_t klen, const char *val, size_t vlen, void *ctx)
{
	pax_name *p = ctx;
	if (!key_is(key, klen, "path"))
		return true;
	p->found = true;
	return set_name(p->out, val, vlen);
}

/* The "path" record of a pax header, if any. */
static bool pax_path(char *out, const uint8_t *d, size_t n, bool *found)
{
	pax_name p = { out, false };
	if (!pax_each(d, n, pax_path_rec, &p))
		return false;
	*found = *found || p.found;
	return true;
}

int ctrd_tar_next(tar_entry *e, const uint8_t *buf, size_t len, size_t *pos)
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
		} else if (!ustar_name(e->name, TAR_NAME_MAX, h)) {
			return -EINVAL;
		}
		e->type = type ? type : '0';
		e->data = data;
		e->size = (size_t)size;
		return 1;
	}
}

const tar_entry *ctrd_tar_find(const tar_entry *entries, size_t n, const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	for (size_t i = 0; i < n; i++)
		if ((entries[i].type == '0' || entries[i].type == '7') && strcmp(entries[i].name, name) == 0)
			return &entries[i];
	return NULL;
}

/* ---- streamed reading ---------------------------------------------------------- */

#define PAX_MAX 65536

/* Read n bytes: n, fewer at the end of the archive, or the callback's error. */
static ssize_t read_full(tar_reader *r, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = r->read((uint8_t *)buf + got, n - got, r->ctx);
		if (k < 0)
			return k;
		if (k == 0)
			break;
		got += (size_t)k > n - got ? n - got : (size_t)k;
	}
	return (ssize_t)got;
}

static int skip(tar_reader *r, uint64_t n)
{
	uint8_t buf[4096];
	while (n > 0) {
		size_t want = n < sizeof buf ? (size_t)n : sizeof buf;
		ssize_t k = read_full(r, buf, want);
		if (k < 0)
			return (int)k;
		if ((size_t)k < want)
			return TAR_EMALFORMED;
		n -= want;
	}
	return 0;
}

typedef struct pax_over {
	tar_header *h;
	bool name, link, size, uid, gid, mtime;
} pax_over;

static bool dec(uint64_t *out, const char *v, size_t n, bool frac)
{
	uint64_t x = 0;
	size_t i = 0;
	for (; i < n && v[i] >= '0' && v[i] <= '9'; i++) {
		if (x > UINT64_MAX / 10 - 10)
			return false;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	if (i == 0 || (i < n && !(frac && v[i] == '.')))
		return false;
	*out = x;
	return true;
}

static bool pax_rec(const char *key, size_t klen, const char *val, size_t vlen, void *ctx)
{
	pax_over *o = ctx;
	uint64_t v;
	if (key_is(key, klen, "path"))
		return (o->name = set_name_in(o->h->name, sizeof o->h->name, val, vlen));
	if (key_is(key, klen, "linkpath")) {
		if (vlen >= sizeof o->h->link || memchr(val, '\0', vlen))
			return false;
		memcpy(o->h->link, val, vlen);
		o->h->link[vlen] = '\0';
		return (o->link = true);
	}
	if (key_is(key, klen, "size")) {
		if (!dec(&v, val, vlen, false))
			return false;
		o->h->size = v;
		return (o->size = true);
	}
	if (key_is(key, klen, "uid") || key_is(key, klen, "gid")) {
		if (!dec(&v, val, vlen, false) || v > UINT32_MAX)
			return false;
		if (key[0] == 'u')
			o->h->uid = (uint32_t)v, o->uid = true;
		else
			o->h->gid = (uint32_t)v, o->gid = true;
		return true;
	}
	if (key_is(key, klen, "mtime") && vlen && val[0] != '-') {
		if (!dec(&v, val, vlen, true) || v > INT64_MAX)
			return false;
		o->h->mtime = (int64_t)v;
		return (o->mtime = true);
	}
	return true;
}

int ctrd_tar_reader_next(tar_reader *r, tar_header *h)
{
	int rc = skip(r, r->left + r->pad);
	if (rc < 0)
		return rc;
	r->left = r->pad = 0;
	memset(h, 0, sizeof *h);
	pax_over o = { .h = h };
	for (;;) {
		uint8_t b[BLOCK];
		ssize_t n = read_full(r, b, BLOCK);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return 0;
		if (n < BLOCK)
			return TAR_EMALFORMED;
		if (all_zero(b, BLOCK))
			return 0;
		uint64_t size;
		if (!checksum_ok(b) || !number(&size, b + 124, 12))
			return TAR_EMALFORMED;
		uint64_t pad = (BLOCK - size % BLOCK) % BLOCK;
		char type = (char)b[156];
		if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
			if (size > PAX_MAX)
				return TAR_EMALFORMED;
			_cleanup_free_ uint8_t *d = malloc((size_t)size + 1);
			if (!d)
				return -ENOMEM;
			if ((n = read_full(r, d, (size_t)size)) < 0)
				return (int)n;
			if ((uint64_t)n < size || (rc = skip(r, pad)) < 0)
				return n < 0 ? (int)n : rc < 0 ? rc : TAR_EMALFORMED;
			d[size] = '\0';
			size_t len = strnlen((const char *)d, (size_t)size);
			if (type == 'x' && !pax_each(d, (size_t)size, pax_rec, &o))
				return TAR_EMALFORMED;
			if (type == 'L' && !(o.name = set_name_in(h->name, sizeof h->name, (const char *)d, len)))
				return TAR_EMALFORMED;
			if (type == 'K') {
				if (len >= sizeof h->link)
					return TAR_EMALFORMED;
				memcpy(h->link, d, len + 1);
				o.link = true;
			}
			continue;
		}
		if (!o.name && !ustar_name(h->name, sizeof h->name, b))
			return TAR_EMALFORMED;
		if (!o.link) {
			size_t ll = strnlen((const char *)b + 157, 100);
			memcpy(h->link, b + 157, ll);
			h->link[ll] = '\0';
		}
		uint64_t v;
		if (!number(&v, b + 100, 8))
			return TAR_EMALFORMED;
		h->mode = (uint32_t)(v & 07777);
		if (!o.uid && number(&v, b + 108, 8))
			h->uid = (uint32_t)v;
		if (!o.gid && number(&v, b + 116, 8))
			h->gid = (uint32_t)v;
		if (!o.mtime && number(&v, b + 136, 12))
			h->mtime = (int64_t)(v & INT64_MAX);
		if (memcmp(b + 257, "ustar", 5) == 0) {
			if (number(&v, b + 329, 8))
				h->devmajor = (uint32_t)v;
			if (number(&v, b + 337, 8))
				h->devminor = (uint32_t)v;
		}
		if (o.size) {
			size = h->size;
			pad = (BLOCK - size % BLOCK) % BLOCK;
		}
		h->size = size;
		h->type = type == '\0' || type == '7' ? '0' : type;
		r->left = size;
		r->pad = pad;
		return 1;
	}
}

ssize_t ctrd_tar_reader_data(tar_reader *r, void *buf, size_t cap)
{
	if (r->left == 0)
		return 0;
	size_t want = cap < r->left ? cap : (size_t)r->left;
	ssize_t k = r->read(buf, want, r->ctx);
	if (k < 0)
		return k;
	if (k == 0)
		return TAR_EMALFORMED;
	if ((size_t)k > want)
		k = (ssize_t)want;
	r->left -= (uint64_t)k;
	return k;
}

/* ---- writing ------------------------------------------------------------------- */

/* value as zero-padded octal in a field of width bytes (NUL-terminated);
 * false when it does not fit. */
static bool octal(uint8_t *f, size_t width, uint64_t value)
{
	if (width < 22 && value >> (3 * (width - 1)))
		return false;
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%0*llo", (int)(width - 1), (unsigned long long)value);
	memcpy(f, tmp, width);
	return true;
}

/* The same, writing 0 when it does not fit (a pax record carries it). */
static bool fit(uint8_t *f, size_t width, uint64_t value)
{
	if (octal(f, width, value))
		return true;
	octal(f, width, 0);
	return false;
}

/* One pax record, "LEN key=value\n", LEN counting itself. */
static int pax_add(uint8_t *out, size_t cap, size_t *len, const char *key, const char *val)
{
	size_t base = strlen(key) + strlen(val) + 3, total = base;
	for (size_t d = 1, t = 10; d <= 20; d++, t *= 10)
		if (base + d < t) {
			total = base + d;
			break;
		}
	if (*len + total + 1 > cap)
		return -ENAMETOOLONG;
	snprintf((char *)out + *len, cap - *len, "%zu %s=%s\n", total, key, val);
	*len += total;
	return 0;
}

static void fill_block(uint8_t *b, const char *name, const char *link, char type, uint64_t size, const tar_header *h,
		       bool *need_pax)
{
	memset(b, 0, BLOCK);
	size_t nl = strlen(name), ll = strlen(link);
	memcpy(b, name, nl < 100 ? nl : 100);
	memcpy(b + 157, link, ll < 100 ? ll : 100);
	bool ok = nl <= 100 && ll <= 100;
	octal(b + 100, 8, h->mode & 07777);
	ok &= fit(b + 108, 8, h->uid);
	ok &= fit(b + 116, 8, h->gid);
	ok &= fit(b + 124, 12, size);
	ok &= fit(b + 136, 12, h->mtime > 0 ? (uint64_t)h->mtime : 0) && h->mtime >= 0;
	b[156] = (uint8_t)type;
	memcpy(b + 257, "ustar\0" "00", 8);
	octal(b + 329, 8, h->devmajor & 07777777);
	octal(b + 337, 8, h->devminor & 07777777);
	if (need_pax)
		*need_pax = !ok;
	memset(b + 148, ' ', 8);
	unsigned sum = 0;
	for (size_t i = 0; i < BLOCK; i++)
		sum += b[i];
	snprintf((char *)b + 148, 8, "%06o", sum);
	b[155] = ' ';
}

int ctrd_tar_header_write(uint8_t *out, size_t cap, const tar_header *h)
{
	if (cap < TAR_HEADER_MAX)
		return -ENAMETOOLONG;
	bool need_pax;
	fill_block(out, h->name, h->link, h->type, h->size, h, &need_pax);
	if (!need_pax)
		return BLOCK;
	/* pax records for what does not fit, then the ustar block again */
	uint8_t *d = out + BLOCK;
	size_t len = 0, room = cap - 2 * BLOCK - BLOCK;
	char num[32];
	int r = 0;
	if (strlen(h->name) > 100)
		r = pax_add(d, room, &len, "path", h->name);
	if (r == 0 && strlen(h->link) > 100)
		r = pax_add(d, room, &len, "linkpath", h->link);
	if (r == 0 && h->size >= (1ull << 33)) {
		snprintf(num, sizeof num, "%llu", (unsigned long long)h->size);
		r = pax_add(d, room, &len, "size", num);
	}
	if (r == 0 && h->uid > 07777777) {
		snprintf(num, sizeof num, "%u", h->uid);
		r = pax_add(d, room, &len, "uid", num);
	}
	if (r == 0 && h->gid > 07777777) {
		snprintf(num, sizeof num, "%u", h->gid);
		r = pax_add(d, room, &len, "gid", num);
	}
	if (r == 0 && (h->mtime < 0 || (uint64_t)h->mtime >= (1ull << 33))) {
		snprintf(num, sizeof num, "%lld", (long long)h->mtime);
		r = pax_add(d, room, &len, "mtime", num);
	}
	if (r < 0)
		return r;
	size_t padded = (len + BLOCK - 1) / BLOCK * BLOCK;
	memset(d + len, 0, padded - len);
	tar_header x = { .mode = 0644, .mtime = h->mtime };
	fill_block(out, "././@PaxHeader", "", 'x', len, &x, NULL);
	fill_block(d + padded, h->name, h->link, h->type, h->size, h, NULL);
	return (int)(BLOCK + padded + BLOCK);
}
