/* Dependency-free helpers: see util.h. */
#include "util.h"

#include <fcntl.h>
#include <stdio.h>
#include <time.h>

bool startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int sbuf_reserve(sbuf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		return -ENOMEM;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int sbuf_add(sbuf *b, const void *data, size_t len)
{
	if (sbuf_reserve(b, len) < 0)
		return -ENOMEM;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int sbuf_adds(sbuf *b, const char *s) { return sbuf_add(b, s, strlen(s)); }
int sbuf_addc(sbuf *b, char c) { return sbuf_add(b, &c, 1); }

int sbuf_vprintf(sbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, aq);
	va_end(aq);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n < sizeof small)
		return sbuf_add(b, small, (size_t)n);
	if (sbuf_reserve(b, (size_t)n) < 0)
		return -ENOMEM;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int sbuf_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = sbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

int sbuf_add_urlenc(sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
		int r = plain ? sbuf_addc(b, (char)c)
			      : sbuf_add(b, (char[]){ '%', hex[c >> 4], hex[c & 15] }, 3);
		if (r < 0)
			return r;
	}
	return 0;
}

int sbuf_add_json_string(sbuf *b, const char *s)
{
	int r = sbuf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); r == 0 && *p; p++) {
		if (*p == '"' || *p == '\\')
			r = sbuf_add(b, (char[]){ '\\', (char)*p }, 2);
		else if (*p < 0x20)
			r = sbuf_printf(b, "\\u%04x", *p);
		else
			r = sbuf_addc(b, (char)*p);
	}
	return r < 0 || sbuf_addc(b, '"') < 0 ? -ENOMEM : 0;
}

void sbuf_reset(sbuf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void sbuf_release(sbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void sbuf_wipe(sbuf *b)
{
	if (b->data)
		explicit_bzero(b->data, b->cap);
	sbuf_release(b);
}

char *sbuf_steal(sbuf *b)
{
	if (!b->data && sbuf_reserve(b, 0) < 0)
		return NULL;
	b->data[b->len] = '\0';
	char *p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

int strv_push_take(strv *v, char *s)
{
	if (!s)
		return -ENOMEM;
	if (v->len + 1 >= v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		char **p = realloc(v->items, cap * sizeof *p);
		if (!p) {
			free(s);
			return -ENOMEM;
		}
		v->items = p;
		v->cap = cap;
	}
	v->items[v->len++] = s;
	v->items[v->len] = NULL;
	return 0;
}

int strv_push(strv *v, const char *s) { return strv_push_take(v, strdup(s)); }

void *array_grow(void *items, size_t *cap, size_t len, size_t size, size_t first)
{
	if (len < *cap)
		return items;
	size_t n = *cap ? *cap * 2 : first;
	if (n < *cap || n > SIZE_MAX / size)
		return NULL;
	void *p = realloc(items, n * size);
	if (p)
		*cap = n;
	return p;
}

void strv_release(strv *v)
{
	for (size_t i = 0; i < v->len; i++)
		free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->len = v->cap = 0;
}

int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int remaining_ms(int64_t deadline)
{
	if (deadline < 0)
		return -1;
	int64_t left = deadline - now_ms();
	if (left <= 0)
		return 0;
	return left > INT32_MAX ? INT32_MAX : (int)left;
}

void text_shown(char *out, size_t size, const char *s)
{
	size_t n = 0;
	for (; s[n] && n + 4 < size; n++)
		out[n] = (unsigned char)s[n] < ' ' || (unsigned char)s[n] >= 0x7f ? '?' : s[n];
	if (s[n]) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

int read_file(const char *path, size_t max, char **out, size_t *out_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	for (;;) {
		if (sbuf_reserve(&b, 4096) < 0)
			return -ENOMEM;
		ssize_t n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		b.data[b.len] = '\0';
		if (b.len > max)
			return -EFBIG;
	}
	if (out_len)
		*out_len = b.len;
	*out = sbuf_steal(&b);
	return *out ? 0 : -ENOMEM;
}

/* "1.41" < "1.9"? No: compare component-wise as integers. */
int api_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);
		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		else if (*a)
			break;
		if (*b == '.')
			b++;
		else if (*b)
			break;
	}
	return 0;
}
