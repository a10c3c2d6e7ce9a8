/* A JSON reader that hands its caller one event per token, as the bytes
 * arrive, and builds no document tree: the engines' large replies (a list
 * of a thousand containers, an inspect with hundreds of labels) are mapped
 * into berth's records while they are read, so memory holds the records
 * and the current token, never the whole reply twice.
 *
 * It is a thin layer over yajl 2 (Debian's libyajl2, the parser crun and
 * libocispec use): yajl tokenizes, validates UTF-8 and unescapes strings;
 * this layer adds the nesting level of each event, a depth limit, number
 * text turned into int64, and berth's error messages. Pure: no I/O, bytes
 * in, events out; feed it any split of the input (fuzz/fuzz_list_json
 * feeds random splits).
 *
 * Events carry `level`, the number of containers open around the token:
 * the top value is at level 0, the members of a top-level object or
 * array at level 1. An end event carries the level of its start. A key
 * (JS_KEY) is at the level of its object's members. */
#ifndef BERTH_PARSE_JSTREAM_H
#define BERTH_PARSE_JSTREAM_H

#include "lib/model/model.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
	JS_NULL,
	JS_BOOL,        /* s = "true" or "false" */
	JS_NUMBER,      /* s = the number's text as written */
	JS_STRING,      /* s = the unescaped bytes (may hold NUL; not terminated) */
	JS_KEY,         /* s = an object member's name, unescaped */
	JS_START_MAP,
	JS_END_MAP,
	JS_START_ARRAY,
	JS_END_ARRAY,
} js_kind;

/* One event. s/len are borrowed until the callback returns. Return 0 to go
 * on, or a negative BERTH_E* code to stop the parse with it (the callback
 * has filled the error it was given). */
typedef int (*js_event_fn)(void *ctx, js_kind kind, const char *s, size_t len, unsigned level,
			   berth_error *err);

typedef struct js_reader js_reader;

/* A reader calling fn(ctx, ...) for each event; `what` names the reply in
 * messages ("list containers") and must outlive the reader. 0 or -ENOMEM. */
int js_reader_new(js_reader **out, js_event_fn fn, void *ctx, const char *what);
void js_reader_free(js_reader *r);

/* Feed the next bytes. 0; BERTH_EPROTOCOL for bytes that are not JSON
 * ("WHAT: reply is not JSON (MESSAGE at byte N)"), nesting deeper than
 * JS_MAX_LEVEL, or a second top-level value; the callback's code when it
 * stopped; BERTH_ENOMEM. After an error the reader takes no more bytes. */
int js_reader_feed(js_reader *r, const void *data, size_t len, berth_error *err);
/* The input's end: 0 when exactly one complete value was read, else
 * BERTH_EPROTOCOL (empty or cut short) or the callback's code. */
int js_reader_finish(js_reader *r, berth_error *err);

/* A whole buffer at once: new, feed, finish, free. 0, the first error's
 * code (as feed and finish give them), or BERTH_ENOMEM. */
int js_parse(js_event_fn fn, void *ctx, const char *what, const void *data, size_t len, berth_error *err);

/* A JS_KEY into a fixed buffer, for mappers that look members up by name:
 * the name terminated, or "" when it does not fit or holds a NUL (no
 * member a mapper reads is that long). */
void js_key_copy(char *dst, size_t size, const char *s, size_t len);

#define JS_MAX_LEVEL 512

/* The number text of a JS_NUMBER as int64: an integer exactly, a fraction
 * or exponent truncated toward zero and clamped to the int64 range (NaN
 * and junk: 0). */
int64_t js_int64(const char *s, size_t len);

#endif
