/* berth_container_logs(): argument checks, time parsing, dispatch. */
#include "lib/engine.h"
#include "lib/kit/validate.h"
#include "lib/engine.h"
#include "lib/kit/stream.h"

#include <berth/logs.h>

#include <inttypes.h>
#include <stdio.h>

#define NS_PER_S INT64_C(1000000000)

/* A since/until argument (berth_time_parse() of <berth/events.h> reads
 * the text), its field named in the error. */
static int logs_time(int64_t *out, const char *text, const char *field, berth_error *err)
{
	int r = berth_time_parse(out, text, err);
	if (r < 0)
		berth_error_prefix(err, "logs: %s", field);
	return r;
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
	if (o.since && (r = logs_time(&q.since_ns, o.since, "since", err)) < 0)
		return r;
	if (o.until) {
		if ((r = logs_time(&q.until_ns, o.until, "until", err)) < 0)
			return r;
		if (q.until_ns == 0)
			return berth_fail(err, BERTH_EINVAL, "logs: until \"%s\" is the epoch: nothing is older", o.until);
	}
	if (o.since && o.until && q.until_ns <= q.since_ns)
		return berth_fail(err, BERTH_EINVAL, "logs: until (%s) is not after since (%s)", o.until, o.since);
	return ENGINE_CALL(c, container_logs, err, out, c, id, &q, err);
}
