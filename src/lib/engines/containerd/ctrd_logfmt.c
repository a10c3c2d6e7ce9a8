/* berth's containerd log records: see ctrd_logfmt.h. */
#include "ctrd_logfmt.h"

#include <string.h>
#include <time.h>

#define NS_PER_S 1000000000LL

static void put_digits(char *p, long long v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
}

size_t ctrd_logfmt_format(char *out, logfmt_kind kind, bool partial, int64_t time_ns, const char *data, size_t len)
{
	if (time_ns < 0)
		time_ns = 0;
	time_t secs = (time_t)(time_ns / NS_PER_S);
	struct tm tm;
	gmtime_r(&secs, &tm);
	char *p = out;
	put_digits(p, tm.tm_year + 1900, 4);
	p[4] = '-';
	put_digits(p + 5, tm.tm_mon + 1, 2);
	p[7] = '-';
	put_digits(p + 8, tm.tm_mday, 2);
	p[10] = 'T';
	put_digits(p + 11, tm.tm_hour, 2);
	p[13] = ':';
	put_digits(p + 14, tm.tm_min, 2);
	p[16] = ':';
	put_digits(p + 17, tm.tm_sec, 2);
	p[19] = '.';
	put_digits(p + 20, time_ns % NS_PER_S, 9);
	p[29] = 'Z';
	p += LOGFMT_TIME_LEN;
	const char *tag = kind == LOGFMT_END ? " berth E exit\n" : kind == LOGFMT_STDERR ? " stderr " : " stdout ";
	size_t tn = strlen(tag);
	memcpy(p, tag, tn);
	p += tn;
	if (kind == LOGFMT_END)
		return (size_t)(p - out);
	*p++ = partial ? 'P' : 'F';
	*p++ = ' ';
	if (len > LOGFMT_LINE_MAX)
		len = LOGFMT_LINE_MAX;
	memcpy(p, data, len);
	p += len;
	*p++ = '\n';
	return (size_t)(p - out);
}

static bool digits(const char *s, int n, long long *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long long days_from_civil(long long y, long long m, long long d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The fixed form ctrd_logfmt_format() writes; other times are not records. */
static bool parse_time(const char *s, int64_t *out)
{
	long long y, mo, d, h, mi, se, ns;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
	    s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &se) || s[19] != '.' || !digits(s + 20, 9, &ns) || s[29] != 'Z')
		return false;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return false;
	*out = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 * NS_PER_S + se * NS_PER_S + ns;
	return true;
}

int ctrd_logfmt_peek_kind(const char *line, size_t len)
{
	if (len < LOGFMT_TIME_LEN + 8 || line[LOGFMT_TIME_LEN] != ' ')
		return 0;
	const char *c = line + LOGFMT_TIME_LEN + 1;
	if (memcmp(c, "stdout ", 7) == 0)
		return LOGFMT_STDOUT;
	if (memcmp(c, "stderr ", 7) == 0)
		return LOGFMT_STDERR;
	if (memcmp(c, "berth E", 7) == 0)
		return LOGFMT_END;
	return 0;
}

int ctrd_logfmt_parse(logfmt_record *out, const char *line, size_t len)
{
	int kind = ctrd_logfmt_peek_kind(line, len);
	int64_t t;
	if (!kind || !parse_time(line, &t) || memchr(line, '\n', len))
		return -1;
	logfmt_record r = { (logfmt_kind)kind, false, t, NULL, 0 };
	if (kind != LOGFMT_END) {
		/* "<time> stdout F <payload>": the payload may be empty */
		size_t at = LOGFMT_TIME_LEN + 8;
		if (len < at + 1 || (line[at] != 'F' && line[at] != 'P'))
			return -1;
		r.partial = line[at] == 'P';
		if (len > at + 1 && line[at + 1] != ' ')
			return -1;
		r.data = line + (len > at + 1 ? at + 2 : len);
		r.len = len > at + 1 ? len - at - 2 : 0;
		if (r.len > LOGFMT_LINE_MAX)
			return -1;
	}
	*out = r;
	return 0;
}
