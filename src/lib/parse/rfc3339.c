/* RFC 3339 times ("2024-05-01T10:00:00.123456789Z", offsets allowed) into
 * ns since the epoch: a pure parser over bytes. */
#include "lib/parse/rfc3339.h"

static int digits(const char *s, size_t len, size_t at, size_t n, int *out)
{
	if (at + n > len)
		return -1;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[at + i];
		if (ch < '0' || ch > '9')
			return -1;
		v = v * 10 + (ch - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int parse_rfc3339_ns(const char *s, size_t len, int64_t *out_ns)
{
	int y, mo, d, h, mi, se;
	if (digits(s, len, 0, 4, &y) || len < 5 || s[4] != '-' || digits(s, len, 5, 2, &mo) || len < 8 ||
	    s[7] != '-' || digits(s, len, 8, 2, &d) || len < 11 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s, len, 11, 2, &h) || len < 14 || s[13] != ':' || digits(s, len, 14, 2, &mi) || len < 17 ||
	    s[16] != ':' || digits(s, len, 17, 2, &se))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	size_t i = 19;
	int64_t frac = 0;
	if (i < len && s[i] == '.') {
		i++;
		size_t nd = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (nd < 9)
				frac = frac * 10 + (s[i] - '0');
			nd++;
			i++;
		}
		if (nd == 0)
			return -1;
		for (; nd < 9; nd++)
			frac *= 10;
	}
	int64_t offset = 0;
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		int oh, om;
		if (digits(s, len, i + 1, 2, &oh) || i + 3 >= len || s[i + 3] != ':' || digits(s, len, i + 4, 2, &om))
			return -1;
		offset = (int64_t)(oh * 60 + om) * 60;
		if (s[i] == '-')
			offset = -offset;
		i += 6;
	} else {
		return -1;
	}
	int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
	/* ns since the epoch fit 64 bits from 1677 to 2262 ("0001-01-01T00:00:00Z",
	 * the engines' zero time, does not) */
	if (secs <= INT64_MIN / 1000000000LL || secs >= INT64_MAX / 1000000000LL - 1)
		return -1;
	*out_ns = secs * 1000000000LL + frac;
	return (int)i;
}
