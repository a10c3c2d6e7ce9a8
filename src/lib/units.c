/* Durations and sizes as docker writes them on its command line. Integer
 * arithmetic with overflow checks throughout: "1.5g" is exact. */
#include "internal.h"

#include <inttypes.h>

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
