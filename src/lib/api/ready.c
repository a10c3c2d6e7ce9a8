/* Readiness: probes, and the wait's state machine
 *   created -> starting -> ready | unhealthy | exited | timed out
 * which answers as soon as the answer is known. Engine differences stay
 * behind the backend's operations: health_run exists where berth must run
 * the health checks itself (Podman without systemd), logs_scan and
 * exec_probe feed the log and exec probes, the network probes live in
 * transport/probe.c. */
#include "health.h"
#include "lib/engine.h"
#include "lib/parse/demux.h"
#include "lib/transport/probe.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <time.h>

#define DEFAULT_TIMEOUT_MS 60000
#define DEFAULT_INTERVAL_MS 500
#define DEFAULT_PROBE_TIMEOUT_MS 5000
#define POLL_MS 100                      /* status reads while waiting */
#define HEALTH_DEFAULT_INTERVAL_MS 30000 /* the engines' defaults */
#define HEALTH_DEFAULT_TIMEOUT_MS 30000
#define HEALTH_RUN_MARGIN_MS 5000        /* the engine's own time beyond the check's timeout */
#define LOG_LINE_MAX (64 * 1024)
#define TAIL_LINES 20
#define TAIL_BYTES 4096
#define TAIL_TIMEOUT_MS 3000

/* ---- probes ------------------------------------------------------------------ */

typedef enum probe_kind { PROBE_TCP = 1, PROBE_HTTP, PROBE_LOG, PROBE_EXEC } probe_kind;

struct berth_probe {
	probe_kind kind;
	int port;
	int expect_status;   /* http; 0 = any 2xx/3xx */
	char *path;          /* http */
	regex_t re;          /* log */
	bool re_ok;
	strv argv;           /* exec */
	char *text;          /* as berth_probe_describe() says it */
};

void berth_probe_free(berth_probe *p)
{
	if (!p)
		return;
	free(p->path);
	if (p->re_ok)
		regfree(&p->re);
	strv_release(&p->argv);
	free(p->text);
	free(p);
}

DEFINE_CLEANUP(berth_probe, berth_probe_free)

const char *berth_probe_describe(const berth_probe *p) { return p ? p->text : ""; }

static int probe_new(berth_probe **out, probe_kind kind, berth_error *err)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return BERTH_NOMEM(err);
	(*out)->kind = kind;
	return 0;
}

static int set_text(berth_probe *p, berth_error *err, const char *fmt, ...) _printf_(3, 4);
static int set_text(berth_probe *p, berth_error *err, const char *fmt, ...)
{
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	int r = sbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (r < 0 || !(p->text = sbuf_steal(&b)))
		return BERTH_NOMEM(err);
	return 0;
}

static int check_port(const char *kind, int port, berth_error *err)
{
	if (port < 1 || port > 65535)
		return berth_fail(err, BERTH_EINVAL, "%s probe: port %d out of range (1-65535)", kind, port);
	return 0;
}

int berth_probe_tcp(berth_probe **out, int container_port, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	int r = check_port("tcp", container_port, err);
	if (r < 0)
		return r;
	_cleanup_(berth_probe_freep) berth_probe *p = NULL;
	if ((r = probe_new(&p, PROBE_TCP, err)) < 0)
		return r;
	p->port = container_port;
	if ((r = set_text(p, err, "tcp:%d", container_port)) < 0)
		return r;
	*out = TAKE_PTR(p);
	return 0;
}

int berth_probe_http(berth_probe **out, int container_port, const char *path, int expect_status, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	int r = check_port("http", container_port, err);
	if (r < 0)
		return r;
	if (isempty(path) || path[0] != '/')
		return berth_fail(err, BERTH_EINVAL, "http probe: path \"%.100s\" must start with '/'", strempty(path));
	if (strlen(path) > 2048)
		return berth_fail(err, BERTH_EINVAL, "http probe: path longer than 2048 bytes");
	for (const char *q = path; *q; q++)
		if ((unsigned char)*q <= ' ' || *q == 0x7f || *q == '#')
			return berth_fail(err, BERTH_EINVAL,
					  "http probe: path \"%.100s\" has a space, '#' or a control character", path);
	if (expect_status != 0 && (expect_status < 100 || expect_status > 599))
		return berth_fail(err, BERTH_EINVAL, "http probe: expected status %d (want 100-599, or 0 for any 2xx/3xx)",
				  expect_status);
	_cleanup_(berth_probe_freep) berth_probe *p = NULL;
	if ((r = probe_new(&p, PROBE_HTTP, err)) < 0)
		return r;
	p->port = container_port;
	p->expect_status = expect_status;
	if (!(p->path = strdup(path)))
		return BERTH_NOMEM(err);
	r = expect_status ? set_text(p, err, "http:%d%s#%d", container_port, path, expect_status)
			  : set_text(p, err, "http:%d%s", container_port, path);
	if (r < 0)
		return r;
	*out = TAKE_PTR(p);
	return 0;
}

int berth_probe_log(berth_probe **out, const char *regex, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	if (isempty(regex))
		return berth_fail(err, BERTH_EINVAL, "log probe: empty regular expression");
	_cleanup_(berth_probe_freep) berth_probe *p = NULL;
	int r = probe_new(&p, PROBE_LOG, err);
	if (r < 0)
		return r;
	int rc = regcomp(&p->re, regex, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char msg[160];
		regerror(rc, &p->re, msg, sizeof msg);
		return berth_fail(err, rc == REG_ESPACE ? BERTH_ENOMEM : BERTH_EINVAL,
				  "log probe: regular expression \"%.100s\": %s", regex, msg);
	}
	p->re_ok = true;
	if ((r = set_text(p, err, "log:%s", regex)) < 0)
		return r;
	*out = TAKE_PTR(p);
	return 0;
}

int berth_probe_exec(berth_probe **out, const char *const *argv, size_t argc, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	if (!argv || argc == 0 || isempty(argv[0]))
		return berth_fail(err, BERTH_EINVAL, "exec probe: no command");
	_cleanup_(berth_probe_freep) berth_probe *p = NULL;
	int r = probe_new(&p, PROBE_EXEC, err);
	if (r < 0)
		return r;
	_cleanup_sbuf_ sbuf text = SBUF_INIT;
	if (sbuf_adds(&text, "exec:") < 0)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < argc; i++) {
		if (!argv[i])
			return berth_fail(err, BERTH_EINVAL, "exec probe: argument %zu is NULL", i);
		if (strv_push(&p->argv, argv[i]) < 0 || (i && sbuf_addc(&text, ' ') < 0) || sbuf_adds(&text, argv[i]) < 0)
			return BERTH_NOMEM(err);
	}
	if (!(p->text = sbuf_steal(&text)))
		return BERTH_NOMEM(err);
	*out = TAKE_PTR(p);
	return 0;
}

/* A decimal number from s up to end (exclusive); -1 when it is not one. */
static long parse_number(const char *s, const char *end, long max)
{
	if (s == end || end - s > 9)
		return -1;
	long v = 0;
	for (const char *q = s; q < end; q++) {
		if (!isdigit((unsigned char)*q))
			return -1;
		v = v * 10 + (*q - '0');
	}
	return v <= max ? v : -1;
}

static int parse_http(berth_probe **out, const char *spec, berth_error *err)
{
	const char *slash = spec + strcspn(spec, "/#");
	long port = parse_number(spec, slash, 65535);
	if (port < 1)
		return berth_fail(err, BERTH_EINVAL, "probe \"http:%.100s\": want http:PORT[/PATH][#STATUS]", spec);
	const char *hash = strchr(slash, '#');
	long status = 0;
	if (hash) {
		status = parse_number(hash + 1, hash + strlen(hash), 599);
		if (status < 100)
			return berth_fail(err, BERTH_EINVAL, "probe \"http:%.100s\": status after '#' must be 100-599", spec);
	}
	size_t plen = hash ? (size_t)(hash - slash) : strlen(slash);
	_cleanup_free_ char *path = plen ? strndup(slash, plen) : strdup("/");
	if (!path)
		return BERTH_NOMEM(err);
	return berth_probe_http(out, (int)port, path, (int)status, err);
}

int berth_probe_parse(berth_probe **out, const char *text, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	if (isempty(text))
		return berth_fail(err, BERTH_EINVAL, "probe: empty (want tcp:PORT, http:PORT/PATH, log:REGEX or exec:CMD)");
	if (startswith(text, "tcp:")) {
		long port = parse_number(text + 4, text + strlen(text), 65535);
		if (port < 1)
			return berth_fail(err, BERTH_EINVAL, "probe \"%.100s\": want tcp:PORT with PORT 1-65535", text);
		return berth_probe_tcp(out, (int)port, err);
	}
	if (startswith(text, "http:"))
		return parse_http(out, text + 5, err);
	if (startswith(text, "log:"))
		return berth_probe_log(out, text + 4, err);
	if (startswith(text, "exec:")) {
		if (isempty(text + 5))
			return berth_fail(err, BERTH_EINVAL, "probe \"exec:\": no command");
		const char *argv[] = { "sh", "-c", text + 5 };
		int r = berth_probe_exec(out, argv, 3, err);
		if (r == 0) {
			/* say it as it was given */
			char *t = strdup(text);
			if (!t) {
				berth_probe_free(*out);
				*out = NULL;
				return BERTH_NOMEM(err);
			}
			free((*out)->text);
			(*out)->text = t;
		}
		return r;
	}
	return berth_fail(err, BERTH_EINVAL, "probe \"%.100s\": unknown kind (want tcp:, http:, log: or exec:)", text);
}

/* ---- time ---------------------------------------------------------------------- */

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "2026-11-22T19:49:29.870647598Z" (or with +hh:mm) -> ms since the epoch;
 * -1 when it is not such a time. */
static int64_t rfc3339_ms(const char *s)
{
	struct tm tm = { 0 };
	const char *p = isempty(s) ? NULL : strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	int64_t ms = 0;
	int digits = 0;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++, digits++)
			if (digits < 3)
				ms = ms * 10 + (*p - '0');
	for (; digits < 3; digits++)
		ms *= 10;
	int64_t offset = 0;
	if (*p == '+' || *p == '-') {
		int hh, mm;
		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
			return -1;
		offset = (int64_t)(hh * 60 + mm) * 60000 * (*p == '+' ? 1 : -1);
	} else if (*p != 'Z') {
		return -1;
	}
	return (int64_t)timegm(&tm) * 1000 + ms - offset;
}

/* ---- the result ------------------------------------------------------------------ */

struct berth_ready_result {
	berth_ready_state state;
	int exit_code;
	bool oom_killed;
	berth_health health;
	char *health_output;
	int health_exit_code;
	int health_runs;
	int64_t elapsed_ms;
	size_t nprobes;
	bool *passed;
	strv messages;
	char *logs;
};

void berth_ready_result_free(berth_ready_result *r)
{
	if (!r)
		return;
	free(r->health_output);
	free(r->passed);
	strv_release(&r->messages);
	free(r->logs);
	free(r);
}

DEFINE_CLEANUP(berth_ready_result, berth_ready_result_free)

const char *berth_ready_state_name(berth_ready_state s)
{
	static const char *const names[] = { "unknown", "created", "starting", "ready", "unhealthy", "exited", "timed out" };
	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "unknown";
}

berth_ready_state berth_ready_result_state(const berth_ready_result *r) { return r ? r->state : 0; }
int berth_ready_result_exit_code(const berth_ready_result *r) { return r ? r->exit_code : 0; }
int berth_ready_result_oom_killed(const berth_ready_result *r) { return r && r->oom_killed; }
berth_health berth_ready_result_health(const berth_ready_result *r) { return r ? r->health : BERTH_HEALTH_NONE; }
const char *berth_ready_result_health_output(const berth_ready_result *r) { return r ? strempty(r->health_output) : ""; }
int berth_ready_result_health_exit_code(const berth_ready_result *r) { return r ? r->health_exit_code : -1; }
int berth_ready_result_health_runs(const berth_ready_result *r) { return r ? r->health_runs : 0; }
int64_t berth_ready_result_elapsed_ms(const berth_ready_result *r) { return r ? r->elapsed_ms : 0; }
size_t berth_ready_result_probe_count(const berth_ready_result *r) { return r ? r->nprobes : 0; }
int berth_ready_result_probe_passed(const berth_ready_result *r, size_t i) { return r && i < r->nprobes && r->passed[i]; }
const char *berth_ready_result_probe_message(const berth_ready_result *r, size_t i)
{
	return r && i < r->messages.len ? r->messages.items[i] : NULL;
}
const char *berth_ready_result_logs(const berth_ready_result *r) { return r ? strempty(r->logs) : ""; }

/* ---- the wait ----------------------------------------------------------------- */

typedef struct probe_state {
	bool passed;
	char *message;          /* the last attempt's outcome */
	int64_t log_since;      /* log probe: the run whose lines were checked */
	size_t log_lines_seen;  /* ... and how many of them (none matched) */
} probe_state;

typedef struct waiter {
	berth_client *c;
	const char *id;
	berth_ready_options o;
	int64_t t0, deadline;
	berth_container_info *info;   /* the last status read */
	berth_ready_state state;
	probe_state *ps;
	int64_t next_probe;
	/* health checks berth runs itself */
	bool drive_health;            /* the engine has health_run */
	int64_t next_health_run;      /* monotonic ms; 0 = not scheduled yet */
	char *newest_run;             /* Start of the newest run the engine logged */
	bool own_run_pending;         /* our last run has not shown up yet */
	int health_runs;
	bool keeper_asked;            /* health_keeper_ensure was called */
	bool stale_unhealthy;         /* unhealthy at the first read, and no run since */
} waiter;

static void waiter_release(waiter *w)
{
	berth_container_info_free(w->info);
	for (size_t i = 0; w->ps && i < w->o.probe_count; i++)
		free(w->ps[i].message);
	free(w->ps);
	free(w->newest_run);
}

/* The time a request may take: its own limit, never past the deadline. */
static int budget(const waiter *w, int limit_ms)
{
	int left = remaining_ms(w->deadline);
	if (left <= 0)
		return 1;
	return left < limit_ms ? left : limit_ms;
}

static int set_message(probe_state *ps, const char *fmt, ...) _printf_(2, 3);
static int set_message(probe_state *ps, const char *fmt, ...)
{
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	int r = sbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	free(ps->message);
	ps->message = sbuf_steal(&b);
	return ps->message ? 0 : -ENOMEM;
}

/* The health checks' newest run, from the last status read. */
static const char *newest_run(const berth_container_info *x)
{
	size_t n = berth_container_info_health_log_count(x);
	return n ? berth_container_info_health_log_start(x, n - 1) : "";
}

static int64_t health_interval(const berth_container_info *x)
{
	int64_t ms = berth_container_info_healthcheck_interval_ms(x);
	return ms > 0 ? ms : HEALTH_DEFAULT_INTERVAL_MS;
}

/* Read the status. A health run berth did not make (the engine's own
 * timer, another waiter) moves berth's next run one interval on, so the
 * checks keep to their interval whoever runs them. */
static int refresh(waiter *w, berth_error *err)
{
	berth_container_info *x = NULL;
	int r = berth_container_inspect(&x, w->c, w->id, err);
	if (r == BERTH_ENOTFOUND && w->info)
		berth_error_prefix(err, "%s: removed while waited for", w->id);
	if (r < 0)
		return r;
	berth_container_info_free(w->info);
	w->info = x;
	const char *newest = newest_run(x);
	if (!w->newest_run)
		w->stale_unhealthy = berth_container_info_health(x) == BERTH_HEALTH_UNHEALTHY;
	if (w->newest_run && STREQ(w->newest_run, newest))
		return 0;
	if (w->newest_run)
		w->stale_unhealthy = false; /* a check ran: its verdict is news */
	if (w->newest_run && !w->own_run_pending && w->drive_health) {
		berth_log(w->c, BERTH_LOG_DEBUG, "%s: a health check ran that berth did not start", w->id);
		w->next_health_run = now_ms() + health_interval(x);
	}
	if (w->newest_run)
		w->own_run_pending = false;
	free(w->newest_run);
	if (!(w->newest_run = strdup(newest)))
		return BERTH_NOMEM(err);
	return 0;
}

/* Run one health check when one is due. Returns 1 when it ran (the status
 * is worth reading again at once), 0 when none was due. */
static int maybe_run_health(waiter *w, berth_error *err)
{
	int64_t now = now_ms();
	if (w->next_health_run == 0) {
		/* the first check one interval after the start, as Docker does */
		int64_t started = rfc3339_ms(berth_container_info_started_at(w->info));
		int64_t wait = started < 0 ? 0 : started + health_interval(w->info) - wall_ms();
		if (wait > health_interval(w->info))
			wait = health_interval(w->info);
		w->next_health_run = now + (wait > 0 ? wait : 0);
	}
	if (now < w->next_health_run || remaining_ms(w->deadline) == 0)
		return 0;
	if (health_keeper_alive(w->c, berth_container_info_id(w->info))) {
		/* the keeper runs the checks: a second runner would count twice */
		w->next_health_run = now + health_interval(w->info);
		return 0;
	}
	int64_t t = berth_container_info_healthcheck_timeout_ms(w->info);
	int limit = (int)((t > 0 && t < 3600000 ? t : HEALTH_DEFAULT_TIMEOUT_MS) + HEALTH_RUN_MARGIN_MS);
	berth_error e = BERTH_ERROR_INIT;
	int r = w->c->ops->health_run(w->c, berth_container_info_id(w->info), budget(w, limit), &e);
	w->next_health_run = now_ms() + health_interval(w->info);
	if (r == BERTH_ECONFLICT || r == BERTH_ENOTFOUND || r == BERTH_ETIMEDOUT) {
		/* it stopped (or went) meanwhile, and the next status read says
		 * how; or the run outlasted its time, which the wait's own
		 * deadline governs */
		berth_log(w->c, BERTH_LOG_DEBUG, "%s", e.message);
		return 1;
	}
	if (r < 0) {
		if (err)
			*err = e;
		return r;
	}
	w->health_runs++;
	w->own_run_pending = true;
	return 1;
}

/* ---- running the probes ---------------------------------------------------------- */

/* An attempt the wait's deadline cut short says less than the one before:
 * keep that one's message. */
static bool cut_short(const waiter *w, const probe_state *ps, int r)
{
	return r == BERTH_ETIMEDOUT && ps->message && remaining_ms(w->deadline) == 0;
}

typedef struct log_scan {
	demux d;
	line_splitter ls;
	const regex_t *re;
	size_t lines, skip;   /* complete lines seen; how many were checked before */
	bool matched, bad_stream;
	berth_error err;
} log_scan;

static int match_line(log_scan *s, int stream, const char *line, size_t len)
{
	if (stream != DEMUX_STDOUT && stream != DEMUX_STDERR)
		return 0;
	/* regexec wants a C string */
	_cleanup_free_ char *text = strndup(line, len);
	if (!text)
		return -1;
	s->matched = regexec(s->re, text, 0, NULL, 0) == 0;
	return s->matched;
}

static int scan_line(int stream, const char *line, size_t len, void *payload)
{
	log_scan *s = payload;
	if (stream == DEMUX_STDOUT || stream == DEMUX_STDERR)
		s->lines++;
	/* the lines an earlier scan of this run checked did not match */
	return s->lines <= s->skip ? 0 : match_line(s, stream, line, len);
}

/* An unfinished last line is checked, never counted as seen. */
static int scan_partial(int stream, const char *line, size_t len, void *payload)
{
	return match_line(payload, stream, line, len);
}

static int scan_data(const char *data, size_t len, void *payload)
{
	log_scan *s = payload;
	demux_piece piece;
	int r;
	while ((r = demux_next(&s->d, &data, &len, &piece, &s->err)) == 1)
		if (line_splitter_feed(&s->ls, piece.stream, piece.data, piece.len, scan_line, s) != 0)
			return 1; /* matched (or out of memory): stop reading */
	if (r < 0)
		s->bad_stream = true;
	return r < 0;
}

static int run_log_probe(waiter *w, const berth_probe *p, probe_state *ps, berth_error *err)
{
	if (!w->c->ops->logs_scan)
		return engine_unsupported(w->c, "log probe", err);
	int64_t started = rfc3339_ms(berth_container_info_started_at(w->info));
	int64_t since = started > 0 ? started / 1000 : 0;
	if (since != ps->log_since) {
		/* a new run: its lines are all new */
		ps->log_since = since;
		ps->log_lines_seen = 0;
	}
	log_scan s = { .re = &p->re, .skip = ps->log_lines_seen, .err = BERTH_ERROR_INIT };
	demux_init(&s.d, berth_container_info_tty(w->info));
	line_splitter_init(&s.ls, LOG_LINE_MAX);
	berth_error e = BERTH_ERROR_INIT;
	int r = w->c->ops->logs_scan(w->c, w->id, since, 0, budget(w, w->o.probe_timeout_ms), scan_data, &s, &e);
	/* a partial is only a partial at the very end: not after a match */
	if (r == 0 && !s.matched && !s.bad_stream)
		line_splitter_partials(&s.ls, scan_partial, &s);
	line_splitter_release(&s.ls);
	if (s.matched)
		return set_message(ps, "ok") < 0 ? BERTH_NOMEM(err) : 1;
	if (r == 0 && s.bad_stream)
		r = berth_fail(&e, s.err.code, "%s", s.err.message);
	if (r == 0)
		ps->log_lines_seen = s.lines;
	if (r == BERTH_ENOMEM || r == BERTH_EUNSUPPORTED)
		return berth_fail(err, r, "%s", e.message);
	if (cut_short(w, ps, r))
		return 0;
	int m = r < 0 ? set_message(ps, "%s", e.message)
		      : set_message(ps, "no line matches yet (%zu lines)", s.lines);
	return m < 0 ? BERTH_NOMEM(err) : 0;
}

/* Where to reach a published container port from here. */
static int published(waiter *w, const berth_probe *p, char *host, size_t size, int *port, berth_error *err)
{
	const char *ip = NULL;
	*port = berth_container_info_host_port(w->info, p->port, "tcp", &ip);
	if (*port == 0)
		return berth_fail(err, BERTH_EINVAL,
				  "probe %s: container port %d/tcp of %s is not published on the host "
				  "(publish it, or use an exec or log probe)", p->text, p->port, w->id);
	if (STREQ(ip, "0.0.0.0") || !*ip)
		ip = "127.0.0.1";
	else if (STREQ(ip, "::"))
		ip = "::1";
	snprintf(host, size, "%s", ip);
	return 0;
}

/* One attempt of one probe: 1 passed, 0 not (yet), <0 an error that ends
 * the wait (bad probe for this container, no memory, unsupported). */
static int run_probe(waiter *w, const berth_probe *p, probe_state *ps, berth_error *err)
{
	char host[64];
	int port, r, status = 0, code = -1;
	berth_error e = BERTH_ERROR_INIT;
	int ms = budget(w, w->o.probe_timeout_ms);
	switch (p->kind) {
	case PROBE_TCP:
		if ((r = published(w, p, host, sizeof host, &port, err)) < 0)
			return r;
		r = net_probe_tcp(host, port, ms, &e);
		break;
	case PROBE_HTTP:
		if ((r = published(w, p, host, sizeof host, &port, err)) < 0)
			return r;
		r = net_probe_http(&status, host, port, p->path, ms, &e);
		if (r == 0 && (p->expect_status ? status != p->expect_status : status < 200 || status >= 400))
			return set_message(ps, "GET %s answered %d", p->path, status) < 0 ? BERTH_NOMEM(err) : 0;
		break;
	case PROBE_LOG:
		return run_log_probe(w, p, ps, err);
	case PROBE_EXEC: {
		if (!w->c->ops->exec_probe)
			return engine_unsupported(w->c, "exec probe", err);
		_cleanup_sbuf_ sbuf out = SBUF_INIT;
		r = w->c->ops->exec_probe(&code, &out, w->c, w->id, &p->argv, ms, &e);
		if (r == 0 && code != 0) {
			/* the output's last line says most */
			while (out.len && (out.data[out.len - 1] == '\n' || out.data[out.len - 1] == '\r'))
				out.data[--out.len] = '\0';
			const char *last = out.len ? strrchr(out.data, '\n') : NULL;
			return set_message(ps, "exited %d%s%.200s", code, out.len ? ": " : "",
					   last ? last + 1 : strempty(out.data)) < 0 ? BERTH_NOMEM(err) : 0;
		}
		break;
	}
	default:
		return berth_fail(err, BERTH_EINVAL, "probe: unknown kind");
	}
	if (r == BERTH_ENOMEM || r == BERTH_EUNSUPPORTED || r == BERTH_EINVAL)
		return berth_fail(err, r, "probe %s: %s", p->text, e.message);
	if (cut_short(w, ps, r))
		return 0;
	if ((r < 0 ? set_message(ps, "%s", e.message) : set_message(ps, "ok")) < 0)
		return BERTH_NOMEM(err);
	return r == 0;
}

/* Run the probes that have not passed. 1 when the probes are satisfied. */
static int run_probes(waiter *w, berth_error *err)
{
	size_t passed = 0;
	for (size_t i = 0; i < w->o.probe_count; i++) {
		probe_state *ps = &w->ps[i];
		if (!ps->passed) {
			int r = run_probe(w, w->o.probes[i], ps, err);
			if (r < 0)
				return r;
			ps->passed = r == 1;
		}
		passed += ps->passed;
		if (w->o.any && passed)
			return 1;
	}
	return passed == w->o.probe_count;
}

static bool probes_satisfied(const waiter *w)
{
	size_t passed = 0;
	for (size_t i = 0; i < w->o.probe_count; i++)
		passed += w->ps[i].passed;
	return w->o.probe_count == 0 || (w->o.any ? passed > 0 : passed == w->o.probe_count);
}

/* ---- the verdict ------------------------------------------------------------ */

typedef struct tail {
	demux d;
	line_splitter ls;
	strv lines;
} tail;

static int tail_line(int stream, const char *line, size_t len, void *payload)
{
	tail *t = payload;
	if (stream != DEMUX_STDOUT && stream != DEMUX_STDERR)
		return 0;
	if (len > TAIL_BYTES) {
		line += len - TAIL_BYTES;
		len = TAIL_BYTES;
	}
	if (t->lines.len == TAIL_LINES) {
		free(t->lines.items[0]);
		memmove(t->lines.items, t->lines.items + 1, (TAIL_LINES - 1) * sizeof *t->lines.items);
		t->lines.items[--t->lines.len] = NULL;
	}
	return strv_push_take(&t->lines, strndup(line, len)) < 0 ? -1 : 0;
}

static int tail_data(const char *data, size_t len, void *payload)
{
	tail *t = payload;
	demux_piece piece;
	int r;
	while ((r = demux_next(&t->d, &data, &len, &piece, NULL)) == 1)
		if (line_splitter_feed(&t->ls, piece.stream, piece.data, piece.len, tail_line, t) != 0)
			return 1;
	return r < 0;
}

/* The container's last output lines, for a failed wait ("" when none). */
static char *last_logs(waiter *w)
{
	if (!w->c->ops->logs_scan || !w->info)
		return strdup("");
	int64_t started = rfc3339_ms(berth_container_info_started_at(w->info));
	tail t = { .lines = STRV_INIT };
	demux_init(&t.d, berth_container_info_tty(w->info));
	line_splitter_init(&t.ls, TAIL_BYTES);
	w->c->ops->logs_scan(w->c, w->id, started > 0 ? started / 1000 : 0, TAIL_LINES, TAIL_TIMEOUT_MS, tail_data, &t,
			     NULL);
	line_splitter_partials(&t.ls, tail_line, &t);
	line_splitter_release(&t.ls);
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	for (size_t i = 0; i < t.lines.len; i++)
		if (sbuf_adds(&b, t.lines.items[i]) < 0 || sbuf_addc(&b, '\n') < 0)
			break;
	strv_release(&t.lines);
	/* keep the newest TAIL_BYTES */
	size_t cut = b.len > TAIL_BYTES ? b.len - TAIL_BYTES : 0;
	return strdup(b.data ? b.data + cut : "");
}

static int make_result(berth_ready_result **out, waiter *w, berth_ready_state state)
{
	_cleanup_(berth_ready_result_freep) berth_ready_result *r = calloc(1, sizeof *r);
	if (!r)
		return -ENOMEM;
	const berth_container_info *x = w->info;
	size_t n = berth_container_info_health_log_count(x);
	r->state = state;
	r->exit_code = state == BERTH_READY_EXITED ? berth_container_info_exit_code(x) : 0;
	r->oom_killed = state == BERTH_READY_EXITED && berth_container_info_oom_killed(x);
	r->health = berth_container_info_health(x);
	r->health_output = strdup(n ? berth_container_info_health_log_output(x, n - 1) : "");
	r->health_exit_code = n ? berth_container_info_health_log_exit_code(x, n - 1) : -1;
	r->health_runs = w->health_runs;
	r->elapsed_ms = now_ms() - w->t0;
	r->nprobes = w->o.probe_count;
	r->passed = calloc(r->nprobes ? r->nprobes : 1, sizeof *r->passed);
	if (!r->health_output || !r->passed)
		return -ENOMEM;
	for (size_t i = 0; i < r->nprobes; i++) {
		r->passed[i] = w->ps[i].passed;
		if (strv_push(&r->messages, w->ps[i].message ? w->ps[i].message : "not run") < 0)
			return -ENOMEM;
	}
	r->logs = state == BERTH_READY_READY ? strdup("") : last_logs(w);
	if (!r->logs)
		return -ENOMEM;
	*out = TAKE_PTR(r);
	return 0;
}

/* The first line of a health check's output, for one-line messages. */
static void first_line(char *buf, size_t size, const char *s)
{
	snprintf(buf, size, "%.*s", (int)strcspn(s, "\r\n"), s);
}

/* What is still missing, for the timeout's message. */
static int why_not(sbuf *b, const waiter *w, bool use_health)
{
	int r = 0;
	bool running = berth_container_info_state(w->info) == BERTH_STATE_RUNNING;
	if (w->state == BERTH_READY_CREATED)
		r = sbuf_adds(b, "it has not started");
	else if (!running)
		r = sbuf_printf(b, "it is %s", berth_state_name(berth_container_info_state(w->info)));
	if (r == 0 && running && use_health && berth_container_info_health(w->info) != BERTH_HEALTH_HEALTHY) {
		size_t n = berth_container_info_health_log_count(w->info);
		char line[200] = "";
		if (n)
			first_line(line, sizeof line, berth_container_info_health_log_output(w->info, n - 1));
		r = sbuf_printf(b, "%shealth %s", b->len ? "; " : "", berth_health_name(berth_container_info_health(w->info)));
		if (r == 0 && n)
			r = sbuf_printf(b, " (last check exited %d%s%s)", berth_container_info_health_log_exit_code(w->info, n - 1),
					line[0] ? ": " : "", line);
		if (r == 0 && w->c->ops->health_run && w->health_runs == 0 && w->drive_health)
			r = sbuf_adds(b, ", no check was due yet");
	}
	for (size_t i = 0; r == 0 && i < w->o.probe_count; i++)
		if (!w->ps[i].passed)
			r = sbuf_printf(b, "%sprobe %s: %s", b->len ? "; " : "", w->o.probes[i]->text,
					w->ps[i].message ? w->ps[i].message : "not run yet");
	return r;
}

/* End the wait with a verdict: the result, and the error it stands for. */
static int verdict(berth_ready_result **out, waiter *w, berth_ready_state state, bool use_health, berth_error *err)
{
	berth_ready_result *res = NULL;
	if (make_result(&res, w, state) < 0)
		return BERTH_NOMEM(err);
	int r = 0;
	const char *id = w->id;
	double secs = (double)berth_ready_result_elapsed_ms(res) / 1000.0;
	char line[300];
	switch (state) {
	case BERTH_READY_READY:
		break;
	case BERTH_READY_EXITED:
		r = berth_fail(err, BERTH_ECONFLICT, "%s exited with code %d%s before it was ready (after %.1f s)", id,
			       res->exit_code, res->oom_killed ? " (OOM killed)" : "", secs);
		break;
	case BERTH_READY_UNHEALTHY:
		first_line(line, sizeof line, res->health_output);
		r = berth_fail(err, BERTH_ECONFLICT, "%s turned unhealthy after %.1f s: the last check exited %d%s%s", id,
			       secs, res->health_exit_code, line[0] ? ": " : "", line);
		break;
	default: {
		_cleanup_sbuf_ sbuf why = SBUF_INIT;
		if (why_not(&why, w, use_health) < 0) {
			berth_ready_result_free(res);
			return BERTH_NOMEM(err);
		}
		/* The deadline the caller set, not the elapsed time (which a
		 * busy machine stretches): the message says what was asked. */
		r = berth_fail(err, BERTH_ETIMEDOUT, "%s not ready after %.1f s: %s", id,
			       w->o.timeout_ms > 0 ? (double)w->o.timeout_ms / 1000.0 : secs,
			       why.len ? why.data : "no verdict");
		break;
	}
	}
	if (out)
		*out = res;
	else
		berth_ready_result_free(res);
	return r;
}

/* Defaults and checks, before any request. */
static int check_options(berth_ready_options *o, const berth_ready_options *given, berth_error *err)
{
	CHECK_OPTS(given, BERTH_READY_OPTIONS_VERSION, err);
	berth_ready_options def = BERTH_READY_OPTIONS_INIT;
	*o = given ? *given : def;
	if (o->timeout_ms < 0)
		return berth_fail(err, BERTH_EINVAL, "ready: timeout_ms %d (want > 0, or 0 for %d)", o->timeout_ms,
				  DEFAULT_TIMEOUT_MS);
	if (o->interval_ms < 0)
		return berth_fail(err, BERTH_EINVAL, "ready: interval_ms %d (want > 0, or 0 for %d)", o->interval_ms,
				  DEFAULT_INTERVAL_MS);
	if (o->probe_timeout_ms < 0)
		return berth_fail(err, BERTH_EINVAL, "ready: probe_timeout_ms %d (want > 0, or 0 for %d)",
				  o->probe_timeout_ms, DEFAULT_PROBE_TIMEOUT_MS);
	if (!o->probes && o->probe_count)
		return berth_fail(err, BERTH_EINVAL, "ready: probes is NULL with probe_count %zu", o->probe_count);
	for (size_t i = 0; i < o->probe_count; i++)
		if (!o->probes[i])
			return berth_fail(err, BERTH_EINVAL, "ready: probes[%zu] is NULL", i);
	o->timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	o->interval_ms = o->interval_ms ? o->interval_ms : DEFAULT_INTERVAL_MS;
	o->probe_timeout_ms = o->probe_timeout_ms ? o->probe_timeout_ms : DEFAULT_PROBE_TIMEOUT_MS;
	return 0;
}

static int wait_loop(berth_ready_result **out, waiter *w, berth_error *err)
{
	for (;;) {
		int r = refresh(w, err);
		if (r < 0)
			return r;
		const berth_container_info *x = w->info;
		berth_state st = berth_container_info_state(x);
		bool use_health = berth_container_info_has_healthcheck(x) && !w->o.ignore_health;
		if (st == BERTH_STATE_EXITED || st == BERTH_STATE_DEAD)
			return verdict(out, w, BERTH_READY_EXITED, use_health, err);
		w->state = st == BERTH_STATE_CREATED || st == BERTH_STATE_UNKNOWN ? BERTH_READY_CREATED
										  : BERTH_READY_STARTING;
		if (st == BERTH_STATE_RUNNING) {
			bool healthy = true;
			if (use_health) {
				berth_health h = berth_container_info_health(x);
				/* a status older than the wait says nothing about now:
				 * the next check decides (Docker's retries rule) */
				if (h == BERTH_HEALTH_UNHEALTHY && !w->stale_unhealthy)
					return verdict(out, w, BERTH_READY_UNHEALTHY, use_health, err);
				healthy = h == BERTH_HEALTH_HEALTHY;
				if (!healthy && w->drive_health && !w->keeper_asked) {
					w->keeper_asked = true;
					if (!health_keeper_alive(w->c, berth_container_info_id(x)))
						health_keeper_ensure(w->c, berth_container_info_id(x));
				}
				if (!healthy && w->drive_health) {
					r = maybe_run_health(w, err);
					if (r < 0)
						return r;
					if (r == 1)
						continue; /* read the status it produced at once */
				}
			}
			if (now_ms() >= w->next_probe && w->o.probe_count && remaining_ms(w->deadline) > 0) {
				r = run_probes(w, err);
				if (r < 0)
					return r;
				w->next_probe = now_ms() + w->o.interval_ms;
			}
			if (healthy && probes_satisfied(w))
				return verdict(out, w, BERTH_READY_READY, use_health, err);
		}
		int64_t now = now_ms();
		if (now >= w->deadline)
			return verdict(out, w, BERTH_READY_TIMED_OUT, use_health, err);
		/* sleep to the next thing to do */
		int64_t wake = now + POLL_MS;
		if (w->o.probe_count && st == BERTH_STATE_RUNNING && w->next_probe < wake)
			wake = w->next_probe;
		if (use_health && w->drive_health && w->next_health_run && w->next_health_run < wake)
			wake = w->next_health_run;
		if (w->deadline < wake)
			wake = w->deadline;
		if (wake > now)
			usleep((useconds_t)(wake - now) * 1000);
	}
}

int berth_container_wait_ready(berth_ready_result **out, berth_client *c, const char *id,
			       const berth_ready_options *opts, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	waiter w = { .c = c, .id = id };
	int r = check_options(&w.o, opts, err);
	if (r < 0)
		return r;
	w.t0 = now_ms();
	w.deadline = w.t0 + w.o.timeout_ms;
	w.drive_health = c->ops->health_run != NULL;
	w.ps = calloc(w.o.probe_count ? w.o.probe_count : 1, sizeof *w.ps);
	if (!w.ps)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < w.o.probe_count; i++)
		w.ps[i].log_since = -1;
	r = wait_loop(out, &w, err);
	waiter_release(&w);
	return r;
}
