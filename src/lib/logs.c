/* berth_container_logs(): argument checks, time parsing, dispatch. */
#include "engine.h"
#include "logs.h"
#include "stream.h"

#include <berth/logs.h>

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#define NS_PER_S INT64_C(1000000000)

/* A duration like Go's time.ParseDuration without a sign: "1h30m", "1.5h",
 * "250ms". Returns 0 with *out in ns, -1 when it is not one. */
static int parse_duration(const char *s, int64_t *out)
{
	static const struct {
		const char *unit;
		int64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "ms", 1000000 },
		{ "s", NS_PER_S }, { "m", 60 * NS_PER_S }, { "h", 3600 * NS_PER_S },
	};
	if (!*s)
		return -1;
	long double total = 0;
	while (*s) {
		long double whole = 0, frac = 0, scale = 1;
		bool any = false;
		for (; *s >= '0' && *s <= '9'; s++, any = true)
			whole = whole * 10 + (*s - '0');
		if (*s == '.') {
			for (s++; *s >= '0' && *s <= '9'; s++, any = true) {
				scale /= 10;
				frac += (*s - '0') * scale;
			}
		}
		if (!any)
			return -1;
		size_t best = 0;
		int64_t mult = 0;
		for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
			size_t n = strlen(units[i].unit);
			/* longest match: "ms" before "m" */
			if (n > best && strncmp(s, units[i].unit, n) == 0) {
				best = n;
				mult = units[i].ns;
			}
		}
		if (!best)
			return -1;
		s += best;
		total += (whole + frac) * (long double)mult;
		if (total > (long double)INT64_MAX / 2)
			return -1;
	}
	*out = (int64_t)total;
	return 0;
}

/* "1714557600" or "1714557600.123456789": 0 or -1. */
static int parse_unix(const char *s, int64_t *out)
{
	int64_t secs = 0, frac = 0;
	size_t nd = 0;
	const char *p = s;
	if (!*p)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++, nd++) {
		if (nd >= 12)
			return -1; /* beyond year 33658: not a time */
		secs = secs * 10 + (*p - '0');
	}
	if (nd == 0)
		return -1;
	if (*p == '.') {
		size_t fd = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, fd++)
			if (fd < 9)
				frac = frac * 10 + (*p - '0');
		if (fd == 0)
			return -1;
		for (; fd < 9; fd++)
			frac *= 10;
	}
	if (*p)
		return -1;
	*out = secs * NS_PER_S + frac;
	return 0;
}

static int64_t realtime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

int berth_time_parse(long long *out_ns, const char *text, long long now_ns, const char *field, berth_error *err)
{
	CHECK_ARG(out_ns, err, "out_ns is NULL");
	const char *f = field ? field : "time";
	if (!text)
		return berth_fail(err, BERTH_EINVAL, "%s: NULL", f);
	size_t len = strlen(text);
	int64_t ns, d;
	if (len > 64)
		return berth_fail(err, BERTH_EINVAL, "%s: \"%.40s...\" is not a time", f, text);
	if (parse_unix(text, &ns) == 0) {
		*out_ns = ns;
		return 0;
	}
	if (parse_rfc3339_ns(text, len, &ns) == (int)len) {
		if (ns < 0)
			return berth_fail(err, BERTH_EINVAL, "%s: \"%s\" is before 1970", f, text);
		*out_ns = ns;
		return 0;
	}
	if (parse_duration(text, &d) == 0) {
		int64_t now = now_ns > 0 ? now_ns : realtime_ns();
		if (d > now)
			return berth_fail(err, BERTH_EINVAL, "%s: \"%s\" reaches back before 1970", f, text);
		*out_ns = now - d;
		return 0;
	}
	return berth_fail(err, BERTH_EINVAL,
			  "%s: \"%s\" is not a time (want RFC 3339 like 2024-05-01T10:00:00Z, Unix seconds "
			  "like 1714557600.5, or a duration before now like 10m or 1h30m)",
			  f, text);
}

void logs_time_arg(char *buf, size_t size, int64_t ns)
{
	snprintf(buf, size, "%" PRId64 ".%09" PRId64, ns / NS_PER_S, ns % NS_PER_S);
}

int berth_container_logs(berth_stream **out, berth_client *c, const char *id, const berth_logs_options *opts,
			 berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	CHECK_OPTS(opts, BERTH_LOGS_OPTIONS_VERSION, err);
	berth_logs_options o = BERTH_LOGS_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = check_id(id, err);
	if (r < 0)
		return r;
	if (!o.show_stdout && !o.show_stderr)
		return berth_fail(err, BERTH_EINVAL, "logs: show_stdout and show_stderr are both off (choose at least one)");
	if (o.tail < -1)
		return berth_fail(err, BERTH_EINVAL, "logs: tail %lld (want -1 for all, or a count >= 0)", o.tail);
	logs_request q = {
		.out = o.show_stdout != 0,
		.err = o.show_stderr != 0,
		.follow = o.follow != 0,
		.timestamps = o.timestamps != 0,
		.tail = o.tail,
	};
	int64_t now = realtime_ns();
	long long t;
	if (o.since) {
		if ((r = berth_time_parse(&t, o.since, now, "logs: since", err)) < 0)
			return r;
		q.since_ns = t;
	}
	if (o.until) {
		if ((r = berth_time_parse(&t, o.until, now, "logs: until", err)) < 0)
			return r;
		q.until_ns = t;
		if (q.until_ns == 0)
			return berth_fail(err, BERTH_EINVAL, "logs: until \"%s\" is the epoch: nothing is older", o.until);
	}
	if (o.since && o.until && q.until_ns <= q.since_ns)
		return berth_fail(err, BERTH_EINVAL, "logs: until (%s) is not after since (%s)", o.until, o.since);
	return ENGINE_CALL(c, container_logs, err, out, c, id, &q, err);
}
