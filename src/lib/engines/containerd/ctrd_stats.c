/* containerd stats and top: a task's cgroup metrics (Tasks/Metrics) into
 * the normalized sample, a sampling stream over a timerfd, and the task's
 * processes (Tasks/ListPids) read from the host's /proc.
 *
 * containerd gives neither the host's CPU time nor a network counter: the
 * CPU percent comes from two readings timed by the wall clock (as
 * stats_cpu_against does for the other engines), and the network columns
 * come from the host's end of the bridge network's veth pair (0 with no
 * network or the host's: the host's counters are not the container's). */
#include "ctrd_stats.h"
#include "ctrd_containerd.h"
#include "ctrd_lifecycle.h"
#include "lib/kit/stream.h"

#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "api_services_tasks_v1_tasks.pb-c.h"
#include "api_types_metrics.pb-c.h"
#include "api_types_task_task.pb-c.h"
#include "containerd_cgroups_stats_v1_metrics.pb-c.h"
#include "containerd_cgroups_v2_stats_metrics.pb-c.h"

/* ---- the sample (pure) ---------------------------------------------------------- */

typedef struct raw_numbers {
	uint64_t cpu_ns, usage, limit, cache, pids, rd, wr;
	const char *cache_key;
} raw_numbers;

static bool type_is(const char *url, const char *type)
{
	/* "type.googleapis.com/<type>" or the bare type: the part after the last '/' */
	if (!url)
		return false;
	const char *slash = strrchr(url, '/');
	return strcmp(slash ? slash + 1 : url, type) == 0;
}

static int decode_v1(raw_numbers *n, const uint8_t *data, size_t len)
{
	Io__Containerd__Cgroups__V1__Metrics *m = io__containerd__cgroups__v1__metrics__unpack(NULL, len, data);
	if (!m)
		return -1;
	if (m->cpu && m->cpu->usage)
		n->cpu_ns = m->cpu->usage->total;
	if (m->memory) {
		if (m->memory->usage) {
			n->usage = m->memory->usage->usage;
			n->limit = m->memory->usage->limit;
		}
		/* docker: total_inactive_file when there is one, else cache */
		n->cache = m->memory->total_inactive_file ? m->memory->total_inactive_file : m->memory->cache;
	}
	n->cache_key = "total_inactive_file";
	if (m->pids)
		n->pids = m->pids->current;
	if (m->blkio)
		for (size_t i = 0; i < m->blkio->n_io_service_bytes_recursive; i++) {
			const Io__Containerd__Cgroups__V1__BlkIOEntry *e = m->blkio->io_service_bytes_recursive[i];
			if (e && e->op && strcasecmp(e->op, "read") == 0)
				n->rd += e->value;
			else if (e && e->op && strcasecmp(e->op, "write") == 0)
				n->wr += e->value;
		}
	io__containerd__cgroups__v1__metrics__free_unpacked(m, NULL);
	return 0;
}

static int decode_v2(raw_numbers *n, const uint8_t *data, size_t len)
{
	Io__Containerd__Cgroups__V2__Metrics *m = io__containerd__cgroups__v2__metrics__unpack(NULL, len, data);
	if (!m)
		return -1;
	if (m->cpu)
		n->cpu_ns = m->cpu->usage_usec * 1000;
	if (m->memory) {
		n->usage = m->memory->usage;
		n->limit = m->memory->usage_limit;
		n->cache = m->memory->inactive_file;
	}
	n->cache_key = "inactive_file";
	if (m->pids)
		n->pids = m->pids->current;
	if (m->io)
		for (size_t i = 0; i < m->io->n_usage; i++)
			if (m->io->usage[i]) {
				n->rd += m->io->usage[i]->rbytes;
				n->wr += m->io->usage[i]->wbytes;
			}
	io__containerd__cgroups__v2__metrics__free_unpacked(m, NULL);
	return 0;
}

static int raw_json(sbuf *b, const berth_stats *s, const raw_numbers *n, bool v2)
{
	Google__Protobuf__Timestamp ts = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
	ts.seconds = s->time_ns / 1000000000;
	ts.nanos = (int32_t)(s->time_ns % 1000000000);
	char when[40];
	ctrd_time_format(when, &ts);
	int r = sbuf_printf(b, "{\"read\":\"%s\",\"id\":", when);
	if (r == 0)
		r = sbuf_add_json_string(b, s->id);
	if (r == 0)
		r = sbuf_adds(b, ",\"name\":");
	if (r == 0)
		r = sbuf_add_json_string(b, s->name);
	if (r == 0)
		r = sbuf_printf(b,
				",\"cgroup\":\"%s\",\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":%llu},\"online_cpus\":%u}"
				",\"memory_stats\":{\"usage\":%llu,\"limit\":%llu,\"stats\":{\"%s\":%llu}}"
				",\"pids_stats\":{\"current\":%llu}"
				",\"blkio_stats\":{\"io_service_bytes_recursive\":[{\"op\":\"Read\",\"value\":%llu},"
				"{\"op\":\"Write\",\"value\":%llu}]},\"networks\":{}}",
				v2 ? "v2" : "v1", (unsigned long long)n->cpu_ns, s->online_cpus,
				(unsigned long long)n->usage, (unsigned long long)n->limit, n->cache_key,
				(unsigned long long)n->cache, (unsigned long long)n->pids, (unsigned long long)n->rd,
				(unsigned long long)n->wr);
	return r;
}

int ctrd_stats_parse(berth_stats **out, const char *type_url, const uint8_t *data, size_t len, int64_t time_ns,
		     const char *id, const char *name, const ctrd_stats_host *host, berth_error *err)
{
	raw_numbers n = { 0 };
	bool v2 = type_is(type_url, CTRD_METRICS_V2);
	if (!v2 && !type_is(type_url, CTRD_METRICS_V1))
		return berth_fail(err, BERTH_EPROTOCOL, "task metrics of %s: unknown type %s", id ? id : "",
				  type_url ? type_url : "(none)");
	if ((v2 ? decode_v2 : decode_v1)(&n, len ? data : (const uint8_t *)"", len) < 0)
		return berth_fail(err, BERTH_EPROTOCOL, "task metrics of %s: undecodable %s", id ? id : "",
				  v2 ? CTRD_METRICS_V2 : CTRD_METRICS_V1);
	berth_stats *s = calloc(1, sizeof *s);
	if (!s)
		return BERTH_NOMEM(err);
	s->time_ns = time_ns;
	s->id = strdup(id ? id : "");
	s->name = strdup(name ? name : "");
	s->online_cpus = host->cpus;
	s->cpu_total = n.cpu_ns;
	s->mem_usage = n.cache < n.usage ? n.usage - n.cache : n.usage;
	/* the cgroup's "no limit" is a huge number (v1) or 0 / max (v2) */
	s->mem_limit = (n.limit == 0 || (host->mem_total && n.limit >= host->mem_total)) ? host->mem_total : n.limit;
	s->mem_percent = s->mem_limit ? (double)s->mem_usage / (double)s->mem_limit * 100.0 : 0;
	s->blk_read = n.rd;
	s->blk_write = n.wr;
	s->pids = n.pids;
	s->running = true;
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	if (!s->id || !s->name || raw_json(&b, s, &n, v2) < 0 || !(s->raw = sbuf_steal(&b))) {
		berth_stats_free(s);
		return BERTH_NOMEM(err);
	}
	*out = s;
	return 0;
}

/* ---- reading a task's metrics ------------------------------------------------------- */

static void host_of(ctrd_stats_host *h)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	h->cpus = n > 0 ? (unsigned)n : 1;
	struct sysinfo si;
	h->mem_total = sysinfo(&si) == 0 ? (uint64_t)si.totalram * si.mem_unit : 0;
}

static int64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The bridge network's counters into a sample and its raw JSON (eth0,
 * as Docker shows it). 0 (also without a network) or -ENOMEM. */
static int net_counters(berth_stats *s, const berth_client *c, const char *id)
{
	uint64_t rx, tx;
	if (ctrd_net_counters(&rx, &tx, c, id) < 0)
		return 0;
	s->net_rx = rx;
	s->net_tx = tx;
	static const char tail[] = "\"networks\":{}}";
	size_t n = strlen(s->raw), tn = sizeof tail - 1;
	if (n < tn || strcmp(s->raw + n - tn, tail) != 0)
		return 0;
	char *raw = NULL;
	if (asprintf(&raw, "%.*s\"networks\":{\"eth0\":{\"rx_bytes\":%llu,\"tx_bytes\":%llu}}}", (int)(n - tn), s->raw,
		     (unsigned long long)rx, (unsigned long long)tx) < 0)
		return -ENOMEM;
	free(s->raw);
	s->raw = raw;
	return 0;
}

/* One reading of the task of container id. 1 with *out; 0 when containerd
 * has no metrics for it (its task is gone). */
static int read_metrics(berth_stats **out, berth_client *c, const char *id, const char *name, berth_error *err)
{
	char filter[300];
	snprintf(filter, sizeof filter, "id==\"%s\"", id);
	char *filters[] = { filter };
	Containerd__Services__Tasks__V1__MetricsRequest req = CONTAINERD__SERVICES__TASKS__V1__METRICS_REQUEST__INIT;
	req.n_filters = 1;
	req.filters = filters;
	_cleanup_pb_ Containerd__Services__Tasks__V1__MetricsResponse *resp = NULL;
	int r = ctrd_call(&resp, c, "tasks.v1.Tasks/Metrics", &req.base,
			  &containerd__services__tasks__v1__metrics_response__descriptor, 0, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < resp->n_metrics; i++) {
		const Containerd__Types__Metric *m = resp->metrics[i];
		if (!m || !m->id || strcmp(m->id, id) != 0 || !m->data)
			continue;
		ctrd_stats_host h;
		host_of(&h);
		/* berth's own clock: the CPU percent divides by the time between
		 * two of its readings */
		r = ctrd_stats_parse(out, m->data->type_url, m->data->value.data, m->data->value.len, wall_ns(), id,
				     name, &h, err);
		if (r == 0 && net_counters(*out, c, id) < 0) {
			berth_stats_free(*out);
			*out = NULL;
			return BERTH_NOMEM(err);
		}
		return r < 0 ? r : 1;
	}
	return 0;
}

/* The container's name and whether its task runs (or is paused):
 * BERTH_ENOTFOUND, BERTH_ECONFLICT "not running". */
static int running_task(char **name, berth_client *c, const char *id, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *k = NULL;
	int r = ctrd_get_container(&k, c, id, err);
	if (r < 0)
		return r;
	ctrd_task_info t;
	if ((r = ctrd_task_get(&t, c, id, err)) < 0)
		return r;
	if (!t.exists || (t.state != BERTH_STATE_RUNNING && t.state != BERTH_STATE_PAUSED))
		return berth_fail_full(err, BERTH_ECONFLICT, 9, 0, "Container %s is not running", id);
	if (name && !(*name = strdup(ctrd_name_of(k->container))))
		return BERTH_NOMEM(err);
	return 0;
}

static int not_running(const char *id, berth_error *err)
{
	return berth_fail_full(err, BERTH_ECONFLICT, 9, 0, "Container %s is not running", id);
}

int ctrd_container_stats(berth_stats **out, berth_client *c, const char *ref, berth_error *err)
{
	RESOLVE(c, ref, err);
	_cleanup_free_ char *name = NULL;
	int r = running_task(&name, c, id, err);
	if (r < 0)
		return r;
	berth_stats *first = NULL, *second = NULL;
	if ((r = read_metrics(&first, c, id, name, err)) <= 0)
		return r < 0 ? r : not_running(id, err);
	/* a second reading a second later gives the CPU percent */
	struct timespec pause = { 1, 0 };
	while (nanosleep(&pause, &pause) < 0 && errno == EINTR)
		;
	r = read_metrics(&second, c, id, name, err);
	if (r > 0)
		stats_cpu_against(second, first);
	berth_stats_free(first);
	if (r <= 0)
		return r < 0 ? r : not_running(id, err);
	*out = second;
	return 0;
}

/* ---- the stream ------------------------------------------------------------------- */

typedef struct ctrd_stats_stream {
	berth_client *c;
	char id[256];
	char *name;
	int tfd;           /* timerfd: readable when a sample is due */
	bool over;
	berth_stats *cur, *prev;
} ctrd_stats_stream;

static int css_next(void *impl, berth_frame *out, int timeout_ms, berth_error *err)
{
	ctrd_stats_stream *x = impl;
	if (x->over)
		return BERTH_ITEROVER;
	struct pollfd p = { .fd = x->tfd, .events = POLLIN };
	int n = poll(&p, 1, timeout_ms < 0 ? -1 : timeout_ms);
	if (n < 0 && errno != EINTR)
		return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, errno, "stats of %s: poll: %s", x->id, strerror(errno));
	if (n <= 0)
		return berth_fail(err, BERTH_ETIMEDOUT, "stats of %s: no sample within %d ms", x->id, timeout_ms);
	uint64_t ticks;
	if (read(x->tfd, &ticks, sizeof ticks) < 0 && errno != EAGAIN)
		return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, errno, "stats of %s: timer: %s", x->id, strerror(errno));
	int r = running_task(NULL, x->c, x->id, err);
	berth_stats *s = NULL;
	if (r == 0)
		r = read_metrics(&s, x->c, x->id, x->name, err);
	if (r == 0 || r == BERTH_ECONFLICT || r == BERTH_ENOTFOUND) {
		/* the task stopped (or the container went away): the end */
		x->over = true;
		return BERTH_ITEROVER;
	}
	if (r < 0)
		return r;
	if (x->cur)
		stats_cpu_against(s, x->cur);
	berth_stats_free(x->prev);
	x->prev = x->cur;
	x->cur = s;
	*out = (berth_frame){ .channel = BERTH_CHANNEL_SYSTEM, .data = s->raw, .len = strlen(s->raw),
			      .time_ns = s->time_ns, .item = s };
	return 0;
}

static int css_fd(const void *impl) { return ((const ctrd_stats_stream *)impl)->tfd; }

static void css_free(void *impl)
{
	ctrd_stats_stream *x = impl;
	if (!x)
		return;
	if (x->tfd >= 0)
		close(x->tfd);
	free(x->name);
	berth_stats_free(x->cur);
	berth_stats_free(x->prev);
	free(x);
}

static const stream_ops css_ops = {
	.kind = "stats",
	.next = css_next,
	.fd = css_fd,
	.free = css_free,
};

int ctrd_container_stats_stream(berth_stream **out, berth_client *c, const char *ref, berth_error *err)
{
	RESOLVE(c, ref, err);
	_cleanup_free_ char *name = NULL;
	int r = running_task(&name, c, id, err);
	if (r < 0)
		return r;
	ctrd_stats_stream *x = calloc(1, sizeof *x);
	if (!x)
		return BERTH_NOMEM(err);
	x->c = c;
	snprintf(x->id, sizeof x->id, "%s", id);
	x->name = TAKE_PTR(name);
	/* the first sample at once, then one a second */
	x->tfd = -1;
	int e = stream_timer_every(&x->tfd, 0, 1000);
	if (e < 0) {
		r = berth_fail_full(err, BERTH_EUNAVAILABLE, 0, -e, "stats of %s: timerfd: %s", id, strerror(-e));
		css_free(x);
		return r;
	}
	return stream_new(out, &css_ops, x, err);
}

/* ---- top ------------------------------------------------------------------------- */

int ctrd_proc_stat_parse(ctrd_proc_stat *out, const char *text, size_t len)
{
	/* "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt
	 * majflt cmajflt utime stime ...": comm may hold blanks and ')' */
	const char *open = memchr(text, '(', len);
	const char *close = NULL;
	for (const char *p = text + len; p > text; p--)
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	if (!open || !close || close < open)
		return -1;
	ctrd_proc_stat s = { 0 };
	size_t n = (size_t)(close - open - 1);
	if (n >= sizeof s.comm)
		n = sizeof s.comm - 1;
	memcpy(s.comm, open + 1, n);
	/* the fields after comm, counted from 3 (state) */
	const char *p = close + 1, *end = text + len;
	unsigned long long utime = 0, stime = 0;
	long long ppid = 0;
	for (int field = 3; field <= 15; field++) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			return -1;
		const char *q = p;
		while (q < end && *q != ' ' && *q != '\n')
			q++;
		char num[32];
		size_t l = (size_t)(q - p) < sizeof num - 1 ? (size_t)(q - p) : sizeof num - 1;
		memcpy(num, p, l);
		num[l] = '\0';
		if (field == 4)
			ppid = strtoll(num, NULL, 10);
		else if (field == 14)
			utime = strtoull(num, NULL, 10);
		else if (field == 15)
			stime = strtoull(num, NULL, 10);
		p = q;
	}
	s.ppid = ppid > 0 && ppid < INT32_MAX ? (int)ppid : 0;
	s.ticks = utime + stime;
	*out = s;
	return 0;
}

void ctrd_ps_time(char out[32], uint64_t seconds)
{
	uint64_t d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60, s = seconds % 60;
	if (d)
		snprintf(out, 32, "%llu-%02llu:%02llu:%02llu", (unsigned long long)d, (unsigned long long)h,
			 (unsigned long long)m, (unsigned long long)s);
	else
		snprintf(out, 32, "%02llu:%02llu:%02llu", (unsigned long long)h, (unsigned long long)m,
			 (unsigned long long)s);
}

/* The columns top can show, by ps's AIX-style names, with ps's titles. */
enum col { COL_PID, COL_PPID, COL_USER, COL_UID, COL_TIME, COL_COMM, COL_ARGS };
static const struct {
	const char *name, *title;
} columns[] = {
	[COL_PID] = { "pid", "PID" },   [COL_PPID] = { "ppid", "PPID" },    [COL_USER] = { "user", "USER" },
	[COL_UID] = { "uid", "UID" },   [COL_TIME] = { "time", "TIME" },    [COL_COMM] = { "comm", "COMMAND" },
	[COL_ARGS] = { "args", "COMMAND" },
};
#define MAX_COLS 16

/* ps_args: NULL / "" (PID USER TIME COMMAND) or "-o a,b,..." of the
 * names above. */
static int top_columns(enum col *cols, size_t *n, const char *ps_args, berth_error *err)
{
	if (isempty(ps_args)) {
		static const enum col def[] = { COL_PID, COL_USER, COL_TIME, COL_ARGS };
		memcpy(cols, def, sizeof def);
		*n = 4;
		return 0;
	}
	const char *p = ps_args;
	while (*p == ' ')
		p++;
	if (strncmp(p, "-o", 2) != 0)
		goto unsupported;
	p += 2;
	while (*p == ' ')
		p++;
	*n = 0;
	while (*p) {
		size_t l = strcspn(p, ", ");
		size_t i;
		for (i = 0; i < sizeof columns / sizeof columns[0]; i++)
			if (strlen(columns[i].name) == l && strncmp(columns[i].name, p, l) == 0)
				break;
		if (i == sizeof columns / sizeof columns[0] || *n == MAX_COLS)
			goto unsupported;
		cols[(*n)++] = (enum col)i;
		p += l;
		while (*p == ',' || *p == ' ')
			p++;
	}
	if (*n > 0)
		return 0;
unsupported:
	return berth_fail(err, BERTH_EUNSUPPORTED,
			  "ps arguments \"%s\": containerd's top reads /proc itself and takes only -o with pid, "
			  "ppid, user, uid, time, comm, args",
			  ps_args);
}

/* /proc/<pid>/<what> of a process, NUL-terminated (cmdline: its NULs
 * as blanks); NULL when it is gone or unreadable. */
static char *proc_read(uint32_t pid, const char *what, size_t *len)
{
	char path[64], *text = NULL;
	snprintf(path, sizeof path, "/proc/%u/%s", pid, what);
	if (read_file(path, 1 << 20, &text, len) < 0)
		return NULL;
	return text;
}

static char *cell_of(enum col col, uint32_t pid)
{
	_cleanup_free_ char *text = NULL;
	char *s = NULL;
	size_t n = 0;
	ctrd_proc_stat st = { 0 };
	switch (col) {
	case COL_PID:
		return asprintf(&s, "%u", pid) < 0 ? NULL : s;
	case COL_ARGS:
		if ((text = proc_read(pid, "cmdline", &n)) && n > 0) {
			while (n > 0 && text[n - 1] == '\0')
				n--;
			for (size_t i = 0; i < n; i++)
				if (text[i] == '\0')
					text[i] = ' ';
			text[n] = '\0';
			return TAKE_PTR(text);
		}
		/* a kernel thread or a zombie: ps shows [comm] */
		free(TAKE_PTR(text));
		__attribute__((fallthrough));
	case COL_PPID:
	case COL_TIME:
	case COL_COMM:
		if (!(text = proc_read(pid, "stat", &n)) || ctrd_proc_stat_parse(&st, text, n) < 0)
			return strdup("?");
		if (col == COL_PPID)
			return asprintf(&s, "%d", st.ppid) < 0 ? NULL : s;
		if (col == COL_COMM)
			return strdup(st.comm);
		if (col == COL_ARGS)
			return asprintf(&s, "[%s]", st.comm) < 0 ? NULL : s;
		{
			long hz = sysconf(_SC_CLK_TCK);
			char t[32];
			ctrd_ps_time(t, st.ticks / (uint64_t)(hz > 0 ? hz : 100));
			return strdup(t);
		}
	case COL_USER:
	case COL_UID: {
		const char *u = (text = proc_read(pid, "status", &n)) ? strstr(text, "\nUid:") : NULL;
		if (!u)
			return strdup("?");
		unsigned long uid = strtoul(u + 5, NULL, 10);
		if (col == COL_USER) {
			struct passwd pw, *res = NULL;
			char pbuf[1024];
			if (getpwuid_r((uid_t)uid, &pw, pbuf, sizeof pbuf, &res) == 0 && res)
				return strdup(res->pw_name);
		}
		return asprintf(&s, "%lu", uid) < 0 ? NULL : s;
	}
	}
	return strdup("?");
}

int ctrd_container_top(berth_top **out, berth_client *c, const char *ref, const char *ps_args, berth_error *err)
{
	enum col cols[MAX_COLS];
	size_t ncols = 0;
	int r = top_columns(cols, &ncols, ps_args, err);
	if (r < 0)
		return r;
	RESOLVE(c, ref, err);
	if ((r = running_task(NULL, c, id, err)) < 0)
		return r;
	Containerd__Services__Tasks__V1__ListPidsRequest req = CONTAINERD__SERVICES__TASKS__V1__LIST_PIDS_REQUEST__INIT;
	req.container_id = (char *)id;
	_cleanup_pb_ Containerd__Services__Tasks__V1__ListPidsResponse *resp = NULL;
	r = ctrd_call(&resp, c, "tasks.v1.Tasks/ListPids", &req.base,
		      &containerd__services__tasks__v1__list_pids_response__descriptor, 0, err);
	if (r == BERTH_ENOTFOUND)
		return not_running(id, err);
	if (r < 0)
		return r;
	berth_top *t = calloc(1, sizeof *t);
	if (!t)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < ncols; i++)
		if (strv_push(&t->titles, columns[cols[i]].title) < 0)
			goto nomem;
	if (resp->n_processes && !(t->cells = calloc(resp->n_processes * ncols, sizeof *t->cells)))
		goto nomem;
	for (size_t p = 0; p < resp->n_processes; p++) {
		if (!resp->processes[p])
			continue;
		/* rows is the count of complete rows: berth_top_free frees those */
		for (size_t i = 0; i < ncols; i++)
			if (!(t->cells[t->rows * ncols + i] = cell_of(cols[i], resp->processes[p]->pid))) {
				for (size_t j = 0; j < i; j++)
					free(t->cells[t->rows * ncols + j]);
				goto nomem;
			}
		t->rows++;
	}
	*out = t;
	return 0;
nomem:
	berth_top_free(t);
	return BERTH_NOMEM(err);
}
