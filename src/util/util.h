/* Dependency-free helpers shared by the library and the CLI: cleanup
 * attributes, a growable string buffer, a string vector, monotonic time. */
#ifndef BERTH_UTIL_H
#define BERTH_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _pure_ __attribute__((pure))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define STREQ(a, b) (strcmp((a), (b)) == 0)

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

/* Hand a cleanup-managed pointer over: returns it and leaves NULL behind. */
#define TAKE_PTR(p) ({ __typeof__(p) _tp = (p); (p) = NULL; _tp; })
#define TAKE_FD(fd) ({ int _tf = (fd); (fd) = -1; _tf; })

/* Define `name_freep` for a type with a NULL-safe free function. */
#define DEFINE_CLEANUP(type, fn) \
	static inline void fn##p(type **p) { fn(*p); }

/* Zero a string that held a secret, then free it. NULL-safe. */
static inline void secret_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static inline const char *strempty(const char *s) { return s ? s : ""; }
static inline bool isempty(const char *s) { return !s || !*s; }
bool startswith(const char *s, const char *prefix) _pure_;
bool endswith(const char *s, const char *suffix) _pure_;

/* ---- string buffer: always NUL-terminated, may hold binary bytes ------- */
typedef struct sbuf {
	char *data;
	size_t len;
	size_t cap;
} sbuf;

#define SBUF_INIT { NULL, 0, 0 }

/* Each returns 0 or -ENOMEM. */
int sbuf_reserve(sbuf *b, size_t extra);
int sbuf_add(sbuf *b, const void *data, size_t len);
int sbuf_adds(sbuf *b, const char *s);
int sbuf_addc(sbuf *b, char c);
int sbuf_printf(sbuf *b, const char *fmt, ...) _printf_(2, 3);
int sbuf_vprintf(sbuf *b, const char *fmt, va_list ap);
/* Append s percent-encoded for a URL query or path component. */
int sbuf_add_urlenc(sbuf *b, const char *s);
/* s (NULL: "") as a quoted JSON string. 0 or -ENOMEM. */
int sbuf_add_json_string(sbuf *b, const char *s);
void sbuf_reset(sbuf *b);
void sbuf_release(sbuf *b);
/* Zero the whole allocation (it held a secret), then release it. Reserve
 * room for a secret before adding it: a growing buffer leaves copies. */
void sbuf_wipe(sbuf *b);
/* Give the buffer's string away (never NULL on success: "" when empty). */
char *sbuf_steal(sbuf *b);
static inline void sbuf_releasep(sbuf *b) { sbuf_release(b); }
#define _cleanup_sbuf_ _cleanup_(sbuf_releasep)
#define _cleanup_sbuf_wipe_ _cleanup_(sbuf_wipe)

/* ---- string vector ----------------------------------------------------- */
typedef struct strv {
	char **items;
	size_t len;
	size_t cap;
} strv;

#define STRV_INIT { NULL, 0, 0 }
int strv_push(strv *v, const char *s);            /* copies s */
int strv_push_take(strv *v, char *s);            /* takes s */
void strv_release(strv *v);

/* Room for one more item in an array of len items (size bytes each, cap
 * allocated): items itself, or a larger copy (cap doubled, first at the
 * start) with *cap updated; NULL: no memory (items and *cap untouched). */
void *array_grow(void *items, size_t *cap, size_t len, size_t size, size_t first);
static inline void strv_releasep(strv *v) { strv_release(v); }
#define _cleanup_strv_ _cleanup_(strv_releasep)

/* ---- time --------------------------------------------------------------- */
/* Monotonic milliseconds. */
int64_t now_ms(void);
/* Milliseconds left until deadline (a now_ms() value), clamped at 0;
 * deadline < 0 means "none" and gives -1 (poll's infinity). */
int remaining_ms(int64_t deadline);

/* A copy of s to show in a message: bytes outside printable ASCII as '?',
 * cut with "..." to fit size (at least 4). */
void text_shown(char *out, size_t size, const char *s);

/* Read a whole (small) file. Returns 0, or -errno. *out is NUL-terminated. */
int read_file(const char *path, size_t max, char **out, size_t *out_len);

/* Compare dotted versions ("1.41", "4.7") component-wise as integers:
 * <0, 0, >0. */
int api_version_cmp(const char *a, const char *b);

#endif
