/* The event reader over yajl (see jstream.h). */
#include "jstream.h"

#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

struct js_reader {
	yajl_handle h;
	js_event_fn fn;
	void *ctx;
	const char *what;
	berth_error *err;   /* the feed's, for the callbacks */
	unsigned level;
	int code;           /* a callback's or the depth check's code, once stopped */
	bool done;          /* one whole top-level value read */
	bool any;           /* any byte but white space fed */
	size_t fed;         /* bytes fed before the current piece */
};

static int emit(js_reader *r, js_kind kind, const char *s, size_t len, unsigned level)
{
	int c = r->fn(r->ctx, kind, s, len, level, r->err);
	if (c < 0) {
		r->code = c;
		return 0; /* yajl: cancelled */
	}
	return 1;
}

static int scalar(js_reader *r, js_kind kind, const char *s, size_t len)
{
	if (r->level == 0)
		r->done = true;
	return emit(r, kind, s, len, r->level);
}

static int on_null(void *p) { return scalar(p, JS_NULL, "null", 4); }
static int on_bool(void *p, int v) { return scalar(p, JS_BOOL, v ? "true" : "false", v ? 4 : 5); }
static int on_number(void *p, const char *s, size_t len) { return scalar(p, JS_NUMBER, s, len); }
static int on_string(void *p, const unsigned char *s, size_t len) { return scalar(p, JS_STRING, (const char *)s, len); }

static int on_key(void *p, const unsigned char *s, size_t len)
{
	js_reader *r = p;
	return emit(r, JS_KEY, (const char *)s, len, r->level);
}

static int open_one(js_reader *r, js_kind kind)
{
	if (r->level >= JS_MAX_LEVEL) {
		r->code = berth_fail(r->err, BERTH_EPROTOCOL, "%s: reply nests deeper than %d levels", r->what,
				     JS_MAX_LEVEL);
		return 0;
	}
	if (!emit(r, kind, NULL, 0, r->level))
		return 0;
	r->level++;
	return 1;
}

static int close_one(js_reader *r, js_kind kind)
{
	r->level--;
	if (r->level == 0)
		r->done = true;
	return emit(r, kind, NULL, 0, r->level);
}

static int on_start_map(void *p) { return open_one(p, JS_START_MAP); }
static int on_end_map(void *p) { return close_one(p, JS_END_MAP); }
static int on_start_array(void *p) { return open_one(p, JS_START_ARRAY); }
static int on_end_array(void *p) { return close_one(p, JS_END_ARRAY); }

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_bool,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_key,
	.yajl_end_map = on_end_map,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end_array,
};

int js_reader_new(js_reader **out, js_event_fn fn, void *ctx, const char *what)
{
	js_reader *r = calloc(1, sizeof *r);
	if (!r)
		return -ENOMEM;
	r->h = yajl_alloc(&callbacks, NULL, r);
	if (!r->h) {
		free(r);
		return -ENOMEM;
	}
	r->fn = fn;
	r->ctx = ctx;
	r->what = what;
	*out = r;
	return 0;
}

void js_reader_free(js_reader *r)
{
	if (!r)
		return;
	yajl_free(r->h);
	free(r);
}

/* yajl's status -> 0 or a berth code with yajl's words. */
static int status_code(js_reader *r, yajl_status st, const unsigned char *piece, size_t len)
{
	if (st == yajl_status_ok)
		return 0;
	if (st == yajl_status_client_canceled && r->code < 0)
		return r->code;
	size_t at = r->fed + (piece ? yajl_get_bytes_consumed(r->h) : 0);
	unsigned char *m = yajl_get_error(r->h, 0, piece, len);
	const char *text = m ? (const char *)m : "a parse error";
	/* "parse error: premature EOF\n" -> "premature EOF" */
	const char *colon = strstr(text, "error: ");
	if (colon)
		text = colon + 7;
	size_t n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '.'))
		n--;
	r->code = berth_fail(r->err, BERTH_EPROTOCOL, "%s: reply is not JSON (%.*s at byte %zu)", r->what, (int)n,
			     text, at);
	if (m)
		yajl_free_error(r->h, m);
	return r->code;
}

int js_reader_feed(js_reader *r, const void *data, size_t len, berth_error *err)
{
	if (r->code < 0)
		return berth_fail(err, r->code, "%s: reply already refused", r->what);
	r->err = err;
	for (size_t i = 0; i < len && !r->any; i++) {
		char ch = ((const char *)data)[i];
		r->any = !(ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r');
	}
	int c = status_code(r, yajl_parse(r->h, data, len), data, len);
	r->fed += len;
	r->err = NULL;
	return c;
}

int js_reader_finish(js_reader *r, berth_error *err)
{
	if (r->code < 0)
		return berth_fail(err, r->code, "%s: reply already refused", r->what);
	if (!r->any)
		return r->code = berth_fail(err, BERTH_EPROTOCOL, "%s: reply is not JSON (empty)", r->what);
	r->err = err;
	yajl_status st = yajl_complete_parse(r->h);
	int c;
	if (!r->done && (st == yajl_status_ok || st == yajl_status_error))
		/* yajl's "premature EOF" */
		c = r->code = berth_fail(err, BERTH_EPROTOCOL, "%s: reply is not JSON (cut short after %zu bytes)",
					 r->what, r->fed);
	else
		c = status_code(r, st, NULL, 0);
	r->err = NULL;
	return c;
}

int js_parse(js_event_fn fn, void *ctx, const char *what, const void *data, size_t len, berth_error *err)
{
	js_reader *r = NULL;
	if (js_reader_new(&r, fn, ctx, what) < 0)
		return BERTH_NOMEM(err);
	int c = js_reader_feed(r, data ? data : "", len, err);
	if (c == 0)
		c = js_reader_finish(r, err);
	js_reader_free(r);
	return c;
}

void js_key_copy(char *dst, size_t size, const char *s, size_t len)
{
	if (len < size && !memchr(s, '\0', len)) {
		memcpy(dst, s, len);
		dst[len] = '\0';
	} else if (size) {
		dst[0] = '\0';
	}
}

int64_t js_int64(const char *s, size_t len)
{
	char buf[64];
	bool integer = true;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
			integer = false;
	if (integer && len < sizeof buf) {
		/* digits only (yajl checked the grammar): exact, or clamped */
		bool neg = len && s[0] == '-';
		uint64_t v = 0;
		for (size_t i = neg; i < len; i++) {
			unsigned d = (unsigned)(s[i] - '0');
			if (v > (UINT64_MAX - d) / 10) {
				v = UINT64_MAX;
				break;
			}
			v = v * 10 + d;
		}
		if (neg)
			return v > (uint64_t)INT64_MAX + 1 ? INT64_MIN : (int64_t)(0 - v);
		return v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
	}
	/* a fraction or exponent: through strtod, clamped before the cast
	 * (outside int64's range the cast is undefined) */
	char *copy = len < sizeof buf ? buf : malloc(len + 1);
	if (!copy)
		return 0;
	memcpy(copy, s, len);
	copy[len] = '\0';
	double d = strtod(copy, NULL);
	if (copy != buf)
		free(copy);
	if (d != d)
		return 0;
	if (d >= 9223372036854775808.0)
		return INT64_MAX;
	if (d < -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)d;
}
