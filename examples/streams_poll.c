/* berth streams_poll: one thread serving many streams from one client.
 *
 *   1. open one client (the engine from -E, or discovered)
 *   2. watch the events of this program's containers
 *   3. start N busybox containers (berth-ex-PID-I), each printing a
 *      numbered line every 100 ms, and follow the logs of each
 *   4. serve all N + 1 streams from a single poll() loop over
 *      berth_stream_fd(), and list the containers every second on the
 *      same client, for a while (10 s)
 *   5. say what came: lines per stream, whether every stream's numbers
 *      were contiguous (nothing lost, no stream starved), events, lists,
 *      the peak RSS and the CPU time of the process
 *   6. remove exactly the containers it made (also after SIGINT / SIGTERM)
 *
 * The serving follows <berth/stream.h>: after a wake-up a stream is
 * drained with berth_stream_next(timeout 0) until it says BERTH_ETIMEDOUT,
 * as frames may be buffered inside it; its fd is fetched again before each
 * poll() (an events stream's fd changes after a reconnect), and a new
 * stream is drained once before the first poll(), as its open may have
 * read frames already. Every fd wakes the loop when its stream may have
 * something, on all three engines (a Podman follow, which polls the
 * stored log, gives a timer that fires when its next read is due), so no
 * timeout is needed; --sweep-ms N also drains every stream each N ms,
 * as a safeguard (0, the default: never). A stream
 * drained of 64 frames in one go is taken up again in the next round
 * before anything waits, so a busy stream cannot hold up the others.
 *
 * Exit status 0 when every stream delivered its lines without a gap and
 * at least --min-percent of the lines its container wrote in the time;
 * 1 otherwise, with the reason.
 *
 * Usage: berth-streams-poll [-E ENGINE] [-H URI] [-n STREAMS] [-d SECONDS]
 *          [--label K=V]... (see --help) */
#include <berth/berth.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define PROG "berth-streams-poll"
#define LINE_MAX_LEN 128  /* a container's line is "berth-ex I N" */
#define DRAIN_BUDGET 64   /* frames taken from one stream in one round */
#define MAX_LABELS 16

typedef struct feed {
	berth_stream *s;
	char *id;                /* its container (logs feeds) */
	int index;               /* I of berth-ex-PID-I; -1 for the events feed */
	int64_t started_ms;      /* when its container was started */
	long long lines;         /* whole lines received */
	long long next_seq;      /* the number the next line must carry */
	long long breaks;        /* lines that did not carry next_seq */
	char first_break[128];
	int64_t last_line_ms;
	int64_t max_silence_ms;  /* the longest time without a line, in the window */
	char part[LINE_MAX_LEN]; /* the start of a line cut across frames */
	size_t part_len;
	int over;                /* 0 open; BERTH_ITEROVER or the error that ended it */
	char over_msg[BERTH_ERROR_MESSAGE_MAX + 32];
	int pending;             /* the budget ran out: frames may be left */
	int drained;             /* drained in this round */
} feed;

typedef struct config {
	const char *engine;
	const char *host;
	const char *image;
	int streams;
	double duration_s;
	int list_ms;
	int interval_ms;
	int sweep_ms;
	int min_percent;
	const char *labels[MAX_LABELS];
	size_t label_count;
} config;

typedef struct loop {
	const config *cfg;
	berth_client *client;
	feed *feeds;             /* streams logs feeds, then the events feed */
	size_t nfeeds;           /* open or ended, the events feed included */
	struct pollfd *pfd;
	size_t *who;
	char example_label[64];  /* io.berth.example=PID */
	int64_t window_start_ms, window_end_ms;
	int in_window;
	long long lines_at_start;  /* lines of all streams when the window began */
	long long window_bytes;  /* bytes of logs frames taken in the window */
	long long polls, frames_fd, frames_sweep, frames_pending, foreign;
	long long next_calls;    /* berth_stream_next(timeout 0) calls in the window */
	int64_t next_us_sum, next_us_max;  /* the time spent inside them */
	long long events, events_created, events_started, events_other, system_frames;
	long long lists, list_errors, list_short;
	int64_t list_ms_sum, list_ms_max;
	size_t list_seen_min, list_seen_max;
	int64_t next_list_ms, next_sweep_ms;
} loop;

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t now_ms(void)
{
	return now_us() / 1000;
}

static void usage(FILE *to)
{
	fprintf(to,
		"Usage: " PROG " [OPTIONS]\n"
		"Start N busybox containers that print a numbered line every 100 ms, follow\n"
		"the logs of each and the events of all from one poll() loop on one client,\n"
		"list them every second, and check that nothing was lost.\n"
		"\n"
		"  -E, --engine NAME      docker, podman, containerd or auto (default auto)\n"
		"  -H, --host URI         the engine's endpoint (default: discovered)\n"
		"  -n, --streams N        containers and logs streams (default 100)\n"
		"  -d, --duration SECS    how long to serve once all are open (default 10)\n"
		"  -l, --list-ms MS       list the containers this often (default 1000; 0: never)\n"
		"      --interval-ms MS   a container's time between lines (default 100)\n"
		"      --sweep-ms MS      drain every stream this often as well, a safeguard\n"
		"                         (default 0: only on wake-ups)\n"
		"      --min-percent P    each stream must deliver P%% of the lines written in\n"
		"                         the time (default 50)\n"
		"      --label K=V        one more label on every container (repeatable)\n"
		"      --image IMAGE      default localhost/berth-test/busybox:latest\n"
		"  -h, --help\n"
		"\n"
		"Containers are named berth-ex-PID-I and labelled io.berth.example=PID;\n"
		"exactly those are removed at the end, also after SIGINT or SIGTERM.\n");
}

static int parse_int(const char *s, long lo, long hi, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_args(config *cfg, int argc, char **argv)
{
	enum { OPT_INTERVAL = 256, OPT_SWEEP, OPT_MIN, OPT_LABEL, OPT_IMAGE };
	static const struct option longs[] = {
		{ "engine", required_argument, NULL, 'E' },
		{ "host", required_argument, NULL, 'H' },
		{ "streams", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "list-ms", required_argument, NULL, 'l' },
		{ "interval-ms", required_argument, NULL, OPT_INTERVAL },
		{ "sweep-ms", required_argument, NULL, OPT_SWEEP },
		{ "min-percent", required_argument, NULL, OPT_MIN },
		{ "label", required_argument, NULL, OPT_LABEL },
		{ "image", required_argument, NULL, OPT_IMAGE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "E:H:n:d:l:h", longs, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'E':
			cfg->engine = optarg;
			break;
		case 'H':
			cfg->host = optarg;
			break;
		case 'n':
			if (parse_int(optarg, 1, 10000, &cfg->streams) < 0) {
				fprintf(stderr, PROG ": --streams takes a number from 1 to 10000, not '%s'\n", optarg);
				return -1;
			}
			break;
		case 'd':
			errno = 0;
			cfg->duration_s = strtod(optarg, &end);
			if (errno || end == optarg || *end || cfg->duration_s <= 0 || cfg->duration_s > 86400) {
				fprintf(stderr, PROG ": --duration takes seconds (0 < S <= 86400), not '%s'\n", optarg);
				return -1;
			}
			break;
		case 'l':
			if (parse_int(optarg, 0, 3600000, &cfg->list_ms) < 0) {
				fprintf(stderr, PROG ": --list-ms takes milliseconds, not '%s'\n", optarg);
				return -1;
			}
			break;
		case OPT_INTERVAL:
			if (parse_int(optarg, 10, 60000, &cfg->interval_ms) < 0) {
				fprintf(stderr, PROG ": --interval-ms takes 10 to 60000, not '%s'\n", optarg);
				return -1;
			}
			break;
		case OPT_SWEEP:
			if (parse_int(optarg, 0, 60000, &cfg->sweep_ms) < 0) {
				fprintf(stderr, PROG ": --sweep-ms takes 0 to 60000, not '%s'\n", optarg);
				return -1;
			}
			break;
		case OPT_MIN:
			if (parse_int(optarg, 0, 100, &cfg->min_percent) < 0) {
				fprintf(stderr, PROG ": --min-percent takes 0 to 100, not '%s'\n", optarg);
				return -1;
			}
			break;
		case OPT_LABEL:
			if (!strchr(optarg, '=') || optarg[0] == '=') {
				fprintf(stderr, PROG ": --label takes KEY=VALUE, not '%s'\n", optarg);
				return -1;
			}
			if (cfg->label_count == MAX_LABELS) {
				fprintf(stderr, PROG ": at most %d --label options\n", MAX_LABELS);
				return -1;
			}
			cfg->labels[cfg->label_count++] = optarg;
			break;
		case OPT_IMAGE:
			cfg->image = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

/* ---- serving ------------------------------------------------------------- */

/* One whole line of feed f: "berth-ex I N", N counting from 0. */
static void take_line(loop *L, feed *f, const char *line, size_t len)
{
	char buf[LINE_MAX_LEN];
	if (len >= sizeof buf)
		len = sizeof buf - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	int index;
	long long seq;
	if (sscanf(buf, "berth-ex %d %lld", &index, &seq) != 2 || index != f->index) {
		L->foreign++;
		if (!f->breaks++)
			snprintf(f->first_break, sizeof f->first_break, "unexpected line '%.60s'", buf);
		return;
	}
	if (seq != f->next_seq && !f->breaks++)
		snprintf(f->first_break, sizeof f->first_break, "line %lld came where line %lld was due", seq, f->next_seq);
	f->next_seq = seq + 1;
	f->lines++;
	int64_t now = now_ms();
	if (L->in_window) {
		int64_t since = now - (f->last_line_ms > L->window_start_ms ? f->last_line_ms : L->window_start_ms);
		if (since > f->max_silence_ms)
			f->max_silence_ms = since;
	}
	f->last_line_ms = now;
}

/* The bytes of a logs frame: cut into lines, keeping a cut one. */
static void take_bytes(loop *L, feed *f, const char *data, size_t len)
{
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;
		if (f->part_len || !nl) {
			size_t room = sizeof f->part - f->part_len;
			size_t k = n < room ? n : room;
			memcpy(f->part + f->part_len, data, k);
			f->part_len += k;
			if (nl) {
				take_line(L, f, f->part, f->part_len);
				f->part_len = 0;
			}
		} else {
			take_line(L, f, data, n);
		}
		if (!nl)
			break;
		data += n + 1;
		len -= n + 1;
	}
}

static void take_event(loop *L, const berth_frame *fr)
{
	const berth_event *ev = fr->item;
	L->events++;
	switch (ev ? berth_event_get_kind(ev) : BERTH_EVENT_OTHER) {
	case BERTH_EVENT_CREATED:
		L->events_created++;
		break;
	case BERTH_EVENT_STARTED:
		L->events_started++;
		break;
	case BERTH_EVENT_DISCONNECTED:
	case BERTH_EVENT_RECONNECTED:
		fprintf(stderr, PROG ": events: %.*s\n", (int)fr->len, fr->data);
		L->events_other++;
		break;
	default:
		L->events_other++;
		break;
	}
}

/* Take what feed f has, without waiting: until it says BERTH_ETIMEDOUT
 * (nothing more now), ends, or the round's budget is used. The number of
 * frames taken. */
static long long drain(loop *L, feed *f)
{
	long long got = 0;
	f->drained = 1;
	f->pending = 0;
	while (!f->over) {
		if (got == DRAIN_BUDGET) {
			f->pending = 1;
			break;
		}
		berth_frame fr;
		berth_error err = BERTH_ERROR_INIT;
		int64_t t0 = now_us();
		int r = berth_stream_next(f->s, &fr, 0, &err);
		if (L->in_window) {
			/* timeout 0 should not wait: how long it took */
			int64_t took = now_us() - t0;
			L->next_calls++;
			L->next_us_sum += took;
			if (took > L->next_us_max)
				L->next_us_max = took;
		}
		if (r == BERTH_ETIMEDOUT)
			break;
		if (r < 0) {
			f->over = r;
			if (r == BERTH_ITEROVER)
				snprintf(f->over_msg, sizeof f->over_msg, "the stream ended");
			else
				snprintf(f->over_msg, sizeof f->over_msg, "%s (%s)", err.message, berth_code_name(r));
			break;
		}
		got++;
		if (fr.channel == BERTH_CHANNEL_SYSTEM) {
			if (f->index < 0) {
				take_event(L, &fr);
			} else {
				L->system_frames++;
				fprintf(stderr, PROG ": logs of berth-ex-%d-%d: %.*s\n", (int)getpid(), f->index,
					(int)fr.len, fr.data);
			}
		} else if (f->index < 0) {
			take_event(L, &fr);
		} else {
			if (L->in_window)
				L->window_bytes += (long long)fr.len;
			take_bytes(L, f, fr.data, fr.len);
		}
	}
	return got;
}

static void list_once(loop *L)
{
	const char *labels[] = { L->example_label };
	berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
	lo.labels = labels;
	lo.label_count = 1;
	berth_container_list *list = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int64_t t0 = now_ms();
	if (berth_container_list_get(&list, L->client, &lo, &err) < 0) {
		if (!L->list_errors++)
			fprintf(stderr, PROG ": list: %s (%s)\n", err.message, berth_code_name(err.code));
		return;
	}
	int64_t took = now_ms() - t0;
	size_t seen = berth_container_list_count(list);
	berth_container_list_free(list);
	if (!L->lists || seen < L->list_seen_min)
		L->list_seen_min = seen;
	if (seen > L->list_seen_max)
		L->list_seen_max = seen;
	if (seen < (size_t)L->cfg->streams)
		L->list_short++;
	L->lists++;
	L->list_ms_sum += took;
	if (took > L->list_ms_max)
		L->list_ms_max = took;
}

/* One round: poll the streams' fds (at most timeout_ms), drain those that
 * woke and those left with frames, and every stream when the sweep is due.
 * -1 when poll() failed. */
static int serve_round(loop *L, int timeout_ms)
{
	size_t n = 0;
	int any_pending = 0;
	for (size_t i = 0; i < L->nfeeds; i++) {
		feed *f = &L->feeds[i];
		f->drained = 0;
		if (f->over)
			continue;
		if (f->pending)
			any_pending = 1;
		/* fetched each round: it may change (an events reconnect) */
		int fd = berth_stream_fd(f->s);
		if (fd < 0)
			continue;   /* none now: the sweep takes it up */
		L->pfd[n] = (struct pollfd){ fd, POLLIN, 0 };
		L->who[n] = i;
		n++;
	}
	int64_t now = now_ms();
	if (L->cfg->sweep_ms > 0 && L->next_sweep_ms - now < timeout_ms)
		timeout_ms = L->next_sweep_ms > now ? (int)(L->next_sweep_ms - now) : 0;
	if (any_pending)
		timeout_ms = 0;
	L->polls++;
	int r = poll(L->pfd, n, timeout_ms);
	if (r < 0) {
		if (errno == EINTR)
			return 0;
		fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
		return -1;
	}
	for (size_t k = 0; r > 0 && k < n; k++)
		if (L->pfd[k].revents && !L->feeds[L->who[k]].drained)
			L->frames_fd += drain(L, &L->feeds[L->who[k]]);
	for (size_t i = 0; any_pending && i < L->nfeeds; i++)
		if (L->feeds[i].pending && !L->feeds[i].drained)
			L->frames_pending += drain(L, &L->feeds[i]);
	now = now_ms();
	if (L->cfg->sweep_ms > 0 && now >= L->next_sweep_ms) {
		L->next_sweep_ms = now + L->cfg->sweep_ms;
		for (size_t i = 0; i < L->nfeeds; i++)
			if (!L->feeds[i].drained)
				L->frames_sweep += drain(L, &L->feeds[i]);
	}
	return 0;
}

/* ---- containers ------------------------------------------------------------ */

static int start_one(loop *L, feed *f, int index, berth_error *err)
{
	const config *cfg = L->cfg;
	char name[64], cmdline[512];
	snprintf(name, sizeof name, "berth-ex-%d-%d", (int)getpid(), index);
	/* busybox: usleep where the image has it, else a fractional sleep */
	snprintf(cmdline, sizeof cmdline,
		 "if command -v usleep >/dev/null 2>&1; then p='usleep %d'; else p='sleep %d.%03d'; fi; "
		 "i=0; while :; do echo \"berth-ex %d $i\"; i=$((i+1)); $p; done",
		 cfg->interval_ms * 1000, cfg->interval_ms / 1000, cfg->interval_ms % 1000, index);
	const char *cmd[] = { "sh", "-c", cmdline };
	berth_spec *spec = NULL;
	int r = berth_spec_new(&spec, cfg->image, err);
	if (r == 0)
		r = berth_spec_set_name(spec, name, err);
	if (r == 0)
		r = berth_spec_set_cmd(spec, cmd, 3, err);
	if (r == 0)
		r = berth_spec_add_label(spec, "io.berth.example", L->example_label + strlen("io.berth.example="), err);
	for (size_t i = 0; r == 0 && i < cfg->label_count; i++) {
		char key[256];
		const char *eq = strchr(cfg->labels[i], '=');
		snprintf(key, sizeof key, "%.*s", (int)(eq - cfg->labels[i]), cfg->labels[i]);
		r = berth_spec_add_label(spec, key, eq + 1, err);
	}
	if (r == 0)
		r = berth_container_run(&f->id, L->client, spec, err);
	berth_spec_free(spec);
	if (r < 0) {
		fprintf(stderr, PROG ": start %s: %s (%s)\n", name, err->message, berth_code_name(r));
		return r;
	}
	f->started_ms = now_ms();
	f->index = index;
	berth_logs_options lo = BERTH_LOGS_OPTIONS_INIT;
	lo.follow = 1;
	r = berth_container_logs(&f->s, L->client, f->id, &lo, err);
	if (r < 0) {
		fprintf(stderr, PROG ": logs of %s: %s (%s)\n", name, err->message, berth_code_name(r));
		return r;
	}
	f->pending = 1;   /* the open may have read frames already: drained before any wait */
	return 0;
}

/* Remove the containers this run made: by the ids it kept, then any
 * berth-ex-PID-* with its label that an interrupted start left. */
static int remove_all(loop *L)
{
	berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
	ro.force = 1;
	int failed = 0;
	size_t removed = 0;
	for (size_t i = 0; i < L->nfeeds; i++) {
		feed *f = &L->feeds[i];
		berth_error err = BERTH_ERROR_INIT;
		if (!f->id)
			continue;
		if (berth_container_remove(L->client, f->id, &ro, &err) < 0) {
			fprintf(stderr, PROG ": remove berth-ex-%d-%d: %s\n", (int)getpid(), f->index, err.message);
			failed++;
		} else {
			removed++;
		}
	}
	const char *labels[] = { L->example_label };
	berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
	lo.all = 1;
	lo.labels = labels;
	lo.label_count = 1;
	berth_container_list *list = NULL;
	berth_error err = BERTH_ERROR_INIT;
	char prefix[48];
	snprintf(prefix, sizeof prefix, "berth-ex-%d-", (int)getpid());
	if (berth_container_list_get(&list, L->client, &lo, &err) < 0) {
		fprintf(stderr, PROG ": list for the clean-up: %s\n", err.message);
		return -1;
	}
	for (size_t i = 0; i < berth_container_list_count(list); i++) {
		const char *name = berth_container_list_name(list, i);
		if (strncmp(name, prefix, strlen(prefix)) != 0)
			continue;
		if (berth_container_remove(L->client, berth_container_list_id(list, i), &ro, &err) < 0) {
			fprintf(stderr, PROG ": remove %s: %s\n", name, err.message);
			failed++;
		} else {
			removed++;
		}
	}
	berth_container_list_free(list);
	printf("removed: %zu containers%s\n", removed, failed ? " (some could not be: see above)" : "");
	return failed ? -1 : 0;
}

/* ---- the summary ----------------------------------------------------------- */

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

static long long peak_rss_kb(void)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long long kb = -1;
	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp))
		if (sscanf(line, "VmHWM: %lld kB", &kb) == 1)
			break;
	fclose(fp);
	return kb;
}

static double cpu_seconds(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return -1;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

/* Print what came; 0 when every stream passed. */
static int summarize(loop *L, double cpu_window, double cpu_total)
{
	const config *cfg = L->cfg;
	size_t ns = (size_t)cfg->streams;
	long long *counts = calloc(ns, sizeof *counts);
	long long *silences = calloc(ns, sizeof *silences);
	if (!counts || !silences) {
		free(counts);
		free(silences);
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	long long total = 0, broken = 0, ended = 0, starved = 0;
	double worst_ratio = 1e9;
	size_t worst = 0, quietest = 0;
	for (size_t i = 0; i < ns; i++) {
		feed *f = &L->feeds[i];
		counts[i] = f->lines;
		silences[i] = f->max_silence_ms;
		total += f->lines;
		if (f->max_silence_ms > L->feeds[quietest].max_silence_ms)
			quietest = i;
		double expected = (double)(L->window_end_ms - f->started_ms) / cfg->interval_ms;
		double ratio = expected > 0 ? f->lines / expected : 1;
		if (ratio < worst_ratio) {
			worst_ratio = ratio;
			worst = i;
		}
		if (f->breaks) {
			if (!broken)
				fprintf(stderr, PROG ": berth-ex-%d-%d: %s\n", (int)getpid(), f->index, f->first_break);
			broken++;
		}
		if (f->over) {
			if (!ended)
				fprintf(stderr, PROG ": logs of berth-ex-%d-%d: %s\n", (int)getpid(), f->index, f->over_msg);
			ended++;
		}
		if (f->lines == 0 || ratio * 100 < cfg->min_percent) {
			if (!starved)
				fprintf(stderr,
					PROG ": berth-ex-%d-%d delivered %lld lines of about %.0f written (%.0f%%, "
					     "%d%% asked for)\n",
					(int)getpid(), f->index, f->lines, expected, ratio * 100, cfg->min_percent);
			starved++;
		}
	}
	qsort(counts, ns, sizeof *counts, cmp_ll);
	qsort(silences, ns, sizeof *silences, cmp_ll);
	double window_s = (double)(L->window_end_ms - L->window_start_ms) / 1000;
	feed *ev = &L->feeds[ns];

	printf("lines: %lld in all; per stream min %lld median %lld max %lld; worst %.0f%% of the lines written "
	       "(berth-ex-%d-%zu)\n",
	       total, counts[0], counts[ns / 2], counts[ns - 1], worst_ratio * 100, (int)getpid(), worst);
	printf("rate: %.0f lines/s in the window (%lld lines in %.1f s, %zu streams)\n",
	       window_s > 0 ? (double)(total - L->lines_at_start) / window_s : 0.0, total - L->lines_at_start, window_s,
	       ns);
	printf("bytes: %lld of logs frames in the window (%.3f MB/s)\n", L->window_bytes,
	       window_s > 0 ? (double)L->window_bytes / 1e6 / window_s : 0.0);
	if (broken)
		printf("sequence: %lld of %zu streams had gaps or repeats\n", broken, ns);
	else
		printf("sequence: no gaps (every stream contiguous from line 0)\n");
	printf("silence: longest without a line in the window, median %lld ms, max %lld ms (berth-ex-%d-%zu)\n",
	       silences[ns / 2], silences[ns - 1], (int)getpid(), quietest);
	printf("ended early: %lld of %zu logs streams%s\n", ended, ns, ev->over ? ", and the events stream" : "");
	printf("events: %lld (created %lld, started %lld, other %lld)\n", L->events, L->events_created,
	       L->events_started, L->events_other);
	if (cfg->list_ms > 0)
		printf("lists: %lld (every %d ms; saw %zu to %zu running of %d; %lld ms on average, slowest %lld ms; "
		       "%lld failed)\n",
		       L->lists, cfg->list_ms, L->list_seen_min, L->list_seen_max, cfg->streams,
		       (long long)(L->lists ? L->list_ms_sum / L->lists : 0), (long long)L->list_ms_max, L->list_errors);
	else
		printf("lists: none asked for\n");
	printf("wake-ups: %lld polls; frames %lld on fd wake-ups, %lld left from a round, %lld by the sweep\n",
	       L->polls, L->frames_fd, L->frames_pending, L->frames_sweep);
	printf("next: %lld calls of berth_stream_next(timeout 0) in the window, %.2f s inside them, the longest "
	       "%.2f ms\n",
	       L->next_calls, (double)L->next_us_sum / 1e6, (double)L->next_us_max / 1000);
	printf("cpu: %.2f s user+sys in the %.1f s window (%.1f%% of one core), %.2f s in all\n", cpu_window,
	       window_s, window_s > 0 ? cpu_window / window_s * 100 : 0.0, cpu_total);
	printf("memory: peak RSS %lld kB (VmHWM)\n", peak_rss_kb());
	free(counts);
	free(silences);

	int bad = broken || ended || starved || ev->over || L->foreign;
	if (ev->over)
		fprintf(stderr, PROG ": the events stream ended: %s\n", ev->over_msg);
	if (bad)
		printf("result: FAIL (%lld streams with gaps, %lld ended early, %lld below %d%%%s)\n", broken, ended, starved,
		       cfg->min_percent, ev->over ? ", events stream ended" : "");
	else
		printf("result: PASS\n");
	return bad;
}

/* ---- main -------------------------------------------------------------------- */

/* Room for a socket per stream and the pool: raise the soft limit if needed. */
static void raise_fd_limit(int streams)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)streams * 2 + 64;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < want)
		fprintf(stderr, PROG ": warning: %d streams want about %llu descriptors, the limit is %llu\n", streams,
			(unsigned long long)want, (unsigned long long)rl.rlim_cur);
}

int main(int argc, char **argv)
{
	config cfg = { .image = "localhost/berth-test/busybox:latest", .streams = 100, .duration_s = 10,
		       .list_ms = 1000, .interval_ms = 100, .sweep_ms = 0, .min_percent = 50 };
	if (parse_args(&cfg, argc, argv) < 0)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);

	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	raise_fd_limit(cfg.streams);

	loop L = { .cfg = &cfg };
	int rc = 1;
	berth_error err = BERTH_ERROR_INIT;
	snprintf(L.example_label, sizeof L.example_label, "io.berth.example=%d", (int)getpid());
	L.nfeeds = (size_t)cfg.streams + 1;
	L.feeds = calloc(L.nfeeds, sizeof *L.feeds);
	L.pfd = calloc(L.nfeeds, sizeof *L.pfd);
	L.who = calloc(L.nfeeds, sizeof *L.who);
	if (!L.feeds || !L.pfd || !L.who) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	/* until a feed is open it is "over" to the loop */
	for (size_t i = 0; i < L.nfeeds; i++) {
		L.feeds[i].over = BERTH_ITEROVER;
		L.feeds[i].index = -1;
	}

	/* 1. the client: every stream and list below shares it */
	berth_client_options co = BERTH_CLIENT_OPTIONS_INIT;
	co.owner = PROG;
	co.host = cfg.host;
	if (cfg.engine && berth_engine_from_name(&co.engine, cfg.engine, &err) < 0) {
		fprintf(stderr, PROG ": %s\n", err.message);
		rc = 2;
		goto out;
	}
	if (berth_client_open(&L.client, &co, &err) < 0) {
		fprintf(stderr, PROG ": open a client: %s (%s)\n", err.message, berth_code_name(err.code));
		goto out;
	}
	printf("engine: %s at %s (from %s)\n", berth_engine_name(berth_client_engine(L.client)),
	       berth_client_endpoint(L.client), berth_client_source(L.client));

	/* 2. the events of this run's containers, from before the first start */
	feed *evf = &L.feeds[cfg.streams];
	const char *ev_labels[] = { L.example_label };
	const char *ev_types[] = { "container" };
	berth_events_options eo = BERTH_EVENTS_OPTIONS_INIT;
	eo.labels = ev_labels;
	eo.label_count = 1;
	eo.types = ev_types;
	eo.type_count = 1;
	if (berth_events_watch(&evf->s, L.client, &eo, &err) < 0) {
		fprintf(stderr, PROG ": watch events: %s (%s)\n", err.message, berth_code_name(err.code));
		goto out;
	}
	evf->over = 0;
	evf->pending = 1;   /* drained once before any wait, as every new stream */

	/* 3. the containers and their logs, served as they come */
	int64_t t0 = now_ms();
	L.next_sweep_ms = t0;
	for (int i = 0; i < cfg.streams && !stop_signal; i++) {
		if (start_one(&L, &L.feeds[i], i, &err) < 0)
			goto cleanup;
		L.feeds[i].over = 0;
		if (serve_round(&L, 0) < 0)
			goto cleanup;
	}
	if (stop_signal)
		goto cleanup;
	printf("started: %d containers with a logs stream each, and an events stream, in %.1f s\n", cfg.streams,
	       (double)(now_ms() - t0) / 1000);

	/* 4. serve them all from here, and list now and then */
	double cpu0 = cpu_seconds();
	L.window_start_ms = now_ms();
	L.window_end_ms = L.window_start_ms + (int64_t)(cfg.duration_s * 1000);
	L.next_list_ms = L.window_start_ms;
	L.in_window = 1;
	for (int i = 0; i < cfg.streams; i++)
		L.lines_at_start += L.feeds[i].lines;
	for (;;) {
		int64_t now = now_ms();
		if (stop_signal || now >= L.window_end_ms)
			break;
		if (cfg.list_ms > 0 && now >= L.next_list_ms) {
			list_once(&L);
			/* fell behind (a list slower than its interval): the
			 * next one a whole interval after this one ended, so the
			 * streams are served in between */
			int64_t after = now_ms();
			L.next_list_ms += cfg.list_ms;
			if (L.next_list_ms < after)
				L.next_list_ms = after + cfg.list_ms;
			continue;
		}
		int64_t wake = L.window_end_ms;
		if (cfg.list_ms > 0 && L.next_list_ms < wake)
			wake = L.next_list_ms;
		if (serve_round(&L, (int)(wake - now)) < 0)
			goto cleanup;
	}
	L.window_end_ms = now_ms();
	L.in_window = 0;
	double cpu1 = cpu_seconds();
	for (int i = 0; i < cfg.streams; i++) {
		/* a silence that lasts to the end counts too */
		feed *f = &L.feeds[i];
		int64_t from = f->last_line_ms > L.window_start_ms ? f->last_line_ms : L.window_start_ms;
		if (L.window_end_ms - from > f->max_silence_ms)
			f->max_silence_ms = L.window_end_ms - from;
	}
	if (stop_signal)
		goto cleanup;

	/* 5. what came */
	rc = summarize(&L, cpu1 - cpu0, cpu1);

cleanup:
	if (stop_signal)
		fprintf(stderr, PROG ": stopped by signal %d; removing the containers\n", (int)stop_signal);
	/* 6. the streams first (they hold the client), then the containers */
	for (size_t i = 0; i < L.nfeeds; i++) {
		berth_stream_free(L.feeds[i].s);
		L.feeds[i].s = NULL;
	}
	if (remove_all(&L) < 0)
		rc = 1;
out:
	for (size_t i = 0; L.feeds && i < L.nfeeds; i++) {
		berth_stream_free(L.feeds[i].s);
		berth_free(L.feeds[i].id);
	}
	berth_client_free(L.client);
	free(L.feeds);
	free(L.pfd);
	free(L.who);
	return rc;
}
