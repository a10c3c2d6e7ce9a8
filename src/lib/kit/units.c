/* Durations and sizes as docker writes them on its command line. Integer
 * arithmetic with overflow checks throughout: "1.5g" is exact. */
#include "lib/kit/units.h"
#include "lib/model/event_model.h"
#include "lib/parse/rfc3339.h"

#include <inttypes.h>
#include <stdio.h>

/* A decimal number "123" or "1.25" at *p: whole part and fraction (as
 * fraction / 10^fraction_digits). Advances *p. False when there is no
 * digit, or too many. */
static bool read_decimal(const char **p, uint64_t *whole, uint64_t *fraction, uint64_t *scale)
{
	const char *s = *p;
	uint64_t w = 0, f = 0, sc = 1;
	size_t digits = 0;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (__builtin_mul_overflow(w, 10, &w) || __builtin_add_overflow(w, (uint64_t)(*s - '0'), &w))
			return false;
	}
	if (*s == '.') {
		s++;
		size_t fd = 0;
		for (; *s >= '0' && *s <= '9'; s++, fd++) {
			if (fd < 18) { /* further digits cannot matter */
				f = f * 10 + (uint64_t)(*s - '0');
				sc *= 10;
			}
		}
		digits += fd;
	}
	if (digits == 0)
		return false;
	*whole = w;
	*fraction = f;
	*scale = sc;
	*p = s;
	return true;
}

/* whole.fraction * unit, in int64; false on overflow. */
static bool scale_value(int64_t *out, uint64_t whole, uint64_t fraction, uint64_t scale, uint64_t unit)
{
	uint64_t v, part;
	if (__builtin_mul_overflow(whole, unit, &v))
		return false;
	/* fraction/scale * unit without overflow: fraction < scale <= 1e18 */
	unsigned __int128 f = (unsigned __int128)fraction * unit / scale;
	part = (uint64_t)f;
	if (__builtin_add_overflow(v, part, &v) || v > INT64_MAX)
		return false;
	*out = (int64_t)v;
	return true;
}

int berth_duration_parse(int64_t *out_ms, const char *text, berth_error *err)
{
	CHECK_ARG(out_ms, err, "out_ms is NULL");
	if (isempty(text))
		return berth_fail(err, BERTH_EINVAL, "duration: empty");
	if (STREQ(text, "0")) {
		*out_ms = 0;
		return 0;
	}
	static const struct { const char *unit; uint64_t ns; } units[] = {
		/* longest first where one is a prefix of another */
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "\xce\xbcs", 1000 }, { "ms", 1000000 },
		{ "s", 1000000000ull }, { "m", 60000000000ull }, { "h", 3600000000000ull },
	};
	int64_t total = 0;
	const char *p = text;
	while (*p) {
		uint64_t whole, fraction, scale;
		if (!read_decimal(&p, &whole, &fraction, &scale))
			return berth_fail(err, BERTH_EINVAL,
					  "duration \"%.60s\": want numbers with units, like 1m30s, 500ms, 2h", text);
		const char *unit = NULL;
		uint64_t ns = 0;
		for (size_t i = 0; i < ARRAY_SIZE(units); i++)
			if (startswith(p, units[i].unit) && (!unit || strlen(units[i].unit) > strlen(unit))) {
				unit = units[i].unit;
				ns = units[i].ns;
			}
		if (!unit)
			return berth_fail(err, BERTH_EINVAL, "duration \"%.60s\": %s (units: ns, us, ms, s, m, h)", text,
					  *p ? "unknown unit" : "a unit is missing");
		p += strlen(unit);
		int64_t part;
		if (!scale_value(&part, whole, fraction, scale, ns) || __builtin_add_overflow(total, part, &total))
			return berth_fail(err, BERTH_EINVAL, "duration \"%.60s\": too long", text);
	}
	if (total % 1000000)
		return berth_fail(err, BERTH_EINVAL, "duration \"%.60s\": not a whole number of milliseconds", text);
	*out_ms = total / 1000000;
	return 0;
}

int berth_size_parse(int64_t *out_bytes, const char *text, berth_error *err)
{
	CHECK_ARG(out_bytes, err, "out_bytes is NULL");
	if (isempty(text))
		return berth_fail(err, BERTH_EINVAL, "size: empty");
	const char *p = text;
	uint64_t whole, fraction, scale;
	if (!read_decimal(&p, &whole, &fraction, &scale))
		return berth_fail(err, BERTH_EINVAL, "size \"%.60s\": want a number with an optional unit, like 64m or 1g",
				  text);
	if (*p == ' ' && p[1]) /* "2 GB"; a trailing space is not a unit */
		p++;
	uint64_t unit = 1;
	const char *letters = "kmgtp";
	const char *u = *p ? strchr(letters, *p | 0x20) : NULL;
	if (u) {
		for (const char *q = letters; q <= u; q++)
			unit *= 1024;
		p++;
	}
	if (u && (*p == 'i' || *p == 'I'))
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p)
		return berth_fail(err, BERTH_EINVAL, "size \"%.60s\": unknown unit (want k, m, g, t or p: powers of 1024)",
				  text);
	int64_t v;
	if (!scale_value(&v, whole, fraction, scale, unit))
		return berth_fail(err, BERTH_EINVAL, "size \"%.60s\": too large", text);
	*out_bytes = v;
	return 0;
}

/* ---- since / until ----------------------------------------------------------- */

/* "1700000000" or "1700000000.123": ns, or -1. */
static int64_t parse_unix(const char *s)
{
	int64_t sec = 0, frac = 0;
	size_t i = 0, nd = 0;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		if (sec > (INT64_MAX / 1000000000LL - 9) / 10)
			return -1;
		sec = sec * 10 + (s[i] - '0');
	}
	if (i == 0)
		return -1;
	if (s[i] == '.') {
		for (i++; s[i] >= '0' && s[i] <= '9'; i++, nd++)
			if (nd < 9)
				frac = frac * 10 + (s[i] - '0');
		if (nd == 0)
			return -1;
		for (; nd < 9; nd++)
			frac *= 10;
	}
	return s[i] ? -1 : sec * 1000000000LL + frac;
}

/* "1h30m", "1.5h", "250ms": ns, or -1. */
static int64_t parse_duration(const char *s)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 } };
	double total = 0;
	if (!*s)
		return -1;
	while (*s) {
		const char *p = s;
		while ((*p >= '0' && *p <= '9') || *p == '.')
			p++;
		if (p == s)
			return -1;
		char num[32];
		if ((size_t)(p - s) >= sizeof num)
			return -1;
		memcpy(num, s, (size_t)(p - s));
		num[p - s] = '\0';
		char *end;
		double v = strtod(num, &end);
		if (*end || v < 0)
			return -1;
		size_t best = 0;
		double mult = 0;
		for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
			size_t n = strlen(units[i].unit);
			if (strncmp(p, units[i].unit, n) == 0 && n > best) {
				best = n;
				mult = units[i].ns;
			}
		}
		if (!best)
			return -1;
		total += v * mult;
		if (total > 1e18)
			return -1;
		s = p + best;
	}
	return (int64_t)total;
}

int berth_time_parse(int64_t *out_ns, const char *text, berth_error *err)
{
	CHECK_ARG(out_ns, err, "out is NULL");
	if (isempty(text))
		return berth_fail(err, BERTH_EINVAL, "time is empty (want RFC 3339, Unix seconds or a duration like 10m)");
	int64_t ns;
	size_t len = strlen(text);
	if (len >= 19 && text[4] == '-' && parse_rfc3339_ns(text, len, &ns) == (int)len && ns >= 0) {
		*out_ns = ns;
		return 0;
	}
	if ((ns = parse_unix(text)) >= 0) {
		*out_ns = ns;
		return 0;
	}
	if ((ns = parse_duration(text)) >= 0) {
		*out_ns = wall_ns() - ns;
		return 0;
	}
	return berth_fail(err, BERTH_EINVAL,
			  "time \"%s\": want RFC 3339 (2024-05-01T10:00:00Z), Unix seconds (1700000000.5) or a "
			  "duration before now (10m, 1h30m)", text);
}

/* ---- times the engines take ------------------------------------------------ */

#define NS_PER_S INT64_C(1000000000)

void logs_time_arg(char *buf, size_t size, int64_t ns)
{
	snprintf(buf, size, "%" PRId64 ".%09" PRId64, ns / NS_PER_S, ns % NS_PER_S);
}
