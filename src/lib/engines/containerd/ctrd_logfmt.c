/* berth's containerd log records: see ctrd_logfmt.h. */
#include "ctrd_logfmt.h"
#include "lib/parse/rfc3339.h"

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

/* The fixed form ctrd_logfmt_format() writes ("2024-05-01T10:00:00.123456789Z",
 * LOGFMT_TIME_LEN bytes, UTC, nine digits of fraction); other times are not
 * records. The value comes from the library's one RFC 3339 parser, which
 * refuses a time outside int64 nanoseconds instead of overflowing. */
static bool parse_time(const char *s, int64_t *out)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddddddddZ";
	for (size_t i = 0; i < LOGFMT_TIME_LEN; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return false;
	int64_t t;
	if (parse_rfc3339_ns(s, LOGFMT_TIME_LEN, &t) != LOGFMT_TIME_LEN || t < 0)
		return false;
	*out = t;
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
