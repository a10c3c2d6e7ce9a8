/* berth stats and berth top. Output as the docker CLI's: stats is a table
 * (CONTAINER ID, NAME, CPU %, MEM USAGE / LIMIT, MEM %, NET I/O, BLOCK I/O,
 * PIDS), redrawn in place on a terminal and printed again when piped;
 * --format json gives one object per container and refresh. */
#include "cli.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>

#define STATS_MAX_CONTAINERS 256

typedef struct stats_row {
	const char *name;      /* as given, or from the list */
	char id[13];
	char shown[256];       /* the engine's name */
	bool have;             /* a sample arrived */
	bool stopped;
	double cpu, mem_pct;
	uint64_t mem, limit, rx, tx, rd, wr, pids;
	berth_stream *stream;
	berth_error err;
	int rc;
} stats_row;

static void row_take(stats_row *r, const berth_stats *s)
{
	snprintf(r->id, sizeof r->id, "%.12s", berth_stats_id(s));
	if (*berth_stats_name(s))
		snprintf(r->shown, sizeof r->shown, "%s", berth_stats_name(s));
	r->have = true;
	r->stopped = false;
	r->cpu = berth_stats_cpu_percent(s);
	r->mem_pct = berth_stats_memory_percent(s);
	r->mem = berth_stats_memory_usage(s);
	r->limit = berth_stats_memory_limit(s);
	r->rx = berth_stats_net_rx(s);
	r->tx = berth_stats_net_tx(s);
	r->rd = berth_stats_block_read(s);
	r->wr = berth_stats_block_write(s);
	r->pids = berth_stats_pids(s);
}

/* docker's sizes: binary units with 4 significant digits (memory), decimal
 * with 3 (network and block I/O). */
static void size_text(char *buf, size_t size, uint64_t v, bool binary)
{
	static const char *const bin[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	static const char *const dec[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	double base = binary ? 1024 : 1000, x = (double)v;
	size_t u = 0;
	while (x >= base && u + 1 < ARRAY_SIZE(bin)) {
		x /= base;
		u++;
	}
	snprintf(buf, size, binary ? "%.4g%s" : "%.3g%s", x, binary ? bin[u] : dec[u]);
}

static void pair_text(char *buf, size_t size, uint64_t a, uint64_t b, bool binary)
{
	char x[32], y[32];
	size_text(x, sizeof x, a, binary);
	size_text(y, sizeof y, b, binary);
	snprintf(buf, size, "%s / %s", x, y);
}

static void print_json(const stats_row *r)
{
	jw w;
	jw_init(&w, stdout);
	jw_begin_object(&w);
	jw_kv_string(&w, "id", r->id);
	jw_kv_string(&w, "name", r->shown);
	char num[64];
	snprintf(num, sizeof num, "%.2f", r->cpu);
	jw_key(&w, "cpu_percent");
	jw_raw(&w, num);
	jw_kv_int(&w, "memory_usage", (long long)r->mem);
	jw_kv_int(&w, "memory_limit", (long long)r->limit);
	snprintf(num, sizeof num, "%.2f", r->mem_pct);
	jw_key(&w, "memory_percent");
	jw_raw(&w, num);
	jw_kv_int(&w, "net_rx", (long long)r->rx);
	jw_kv_int(&w, "net_tx", (long long)r->tx);
	jw_kv_int(&w, "block_read", (long long)r->rd);
	jw_kv_int(&w, "block_write", (long long)r->wr);
	jw_kv_int(&w, "pids", (long long)r->pids);
	jw_kv_bool(&w, "running", !r->stopped);
	jw_end_object(&w);
	putchar('\n');
}

static void print_rows(stats_row *rows, size_t n, bool json, bool redraw)
{
	if (json) {
		for (size_t i = 0; i < n; i++)
			if (rows[i].have || rows[i].stopped)
				print_json(&rows[i]);
		fflush(stdout);
		return;
	}
	static const char *const heads[] = { "CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %",
					     "NET I/O", "BLOCK I/O", "PIDS" };
	table t;
	table_init(&t, ARRAY_SIZE(heads), heads);
	for (size_t i = 0; i < n; i++) {
		stats_row *r = &rows[i];
		char cpu[32] = "--", memu[80] = "-- / --", memp[32] = "--", net[80] = "--", blk[80] = "--",
		     pids[32] = "--";
		if (r->have || r->stopped) {
			snprintf(cpu, sizeof cpu, "%.2f%%", r->cpu);
			pair_text(memu, sizeof memu, r->mem, r->limit, true);
			snprintf(memp, sizeof memp, "%.2f%%", r->mem_pct);
			pair_text(net, sizeof net, r->rx, r->tx, false);
			pair_text(blk, sizeof blk, r->rd, r->wr, false);
			snprintf(pids, sizeof pids, "%llu", (unsigned long long)r->pids);
		}
		const char *cells[] = { r->id[0] ? r->id : "--", r->shown[0] ? r->shown : r->name, cpu, memu, memp,
					net, blk, pids };
		table_add(&t, cells);
	}
	if (redraw)
		fputs("\033[2J\033[H", stdout);
	table_print(&t, stdout);
	table_release(&t);
	fflush(stdout);
}

/* A stopped container shows as zeros, as docker shows it. */
static void row_stopped(stats_row *r)
{
	r->stopped = true;
	r->have = false;
	r->cpu = r->mem_pct = 0;
	r->mem = r->limit = r->rx = r->tx = r->rd = r->wr = r->pids = 0;
}

typedef struct oneshot_job {
	berth_client *client;
	stats_row *row;
} oneshot_job;

static void *oneshot(void *p)
{
	oneshot_job *j = p;
	berth_stats *s = NULL;
	j->row->rc = berth_container_stats(&s, j->client, j->row->name, &j->row->err);
	if (j->row->rc == 0)
		row_take(j->row, s);
	else if (j->row->rc == BERTH_ECONFLICT)
		row_stopped(j->row);
	berth_stats_free(s);
	return NULL;
}

/* Every container's one-shot sample at once (each takes about a second). */
static int stats_once_all(berth_client *client, stats_row *rows, size_t n)
{
	_cleanup_free_ pthread_t *th = calloc(n ? n : 1, sizeof *th);
	_cleanup_free_ oneshot_job *jobs = calloc(n ? n : 1, sizeof *jobs);
	_cleanup_free_ bool *started = calloc(n ? n : 1, sizeof *started);
	if (!th || !jobs || !started)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		jobs[i] = (oneshot_job){ client, &rows[i] };
		started[i] = pthread_create(&th[i], NULL, oneshot, &jobs[i]) == 0;
		if (!started[i])
			oneshot(&jobs[i]);
	}
	for (size_t i = 0; i < n; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	return 0;
}

static volatile sig_atomic_t interrupted;
static void on_signal(int sig) { (void)sig; interrupted = 1; }

/* Live: one stream per container, the table redrawn after each round of
 * samples (at most about once a second). */
static int stats_live(berth_client *client, stats_row *rows, size_t n, bool json)
{
	bool tty = isatty(STDOUT_FILENO);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	int worst = 0;
	for (size_t i = 0; i < n; i++) {
		rows[i].rc = berth_container_stats_stream(&rows[i].stream, client, rows[i].name, &rows[i].err);
		if (rows[i].rc == BERTH_ECONFLICT)
			row_stopped(&rows[i]);
		else if (rows[i].rc < 0) {
			cli_fail(&rows[i].err);
			worst = cli_exit_code(rows[i].rc);
		}
	}
	int64_t last_print = 0;
	while (!interrupted) {
		struct pollfd pfd[STATS_MAX_CONTAINERS];
		size_t open = 0;
		for (size_t i = 0; i < n; i++) {
			if (!rows[i].stream)
				continue;
			int fd = berth_stream_fd(rows[i].stream);
			pfd[open++] = (struct pollfd){ .fd = fd, .events = POLLIN };
		}
		if (open == 0)
			break;
		poll(pfd, open, 500);
		bool changed = false;
		for (size_t i = 0; i < n; i++) {
			stats_row *r = &rows[i];
			while (r->stream) {
				berth_frame f;
				berth_error e = BERTH_ERROR_INIT;
				int rc = berth_stream_next(r->stream, &f, 0, &e);
				if (rc == BERTH_ETIMEDOUT)
					break;
				if (rc == 0) {
					row_take(r, f.item);
					changed = true;
					continue;
				}
				if (rc != BERTH_ITEROVER) {
					cli_fail(&e);
					worst = cli_exit_code(rc);
				}
				row_stopped(r);
				changed = true;
				berth_stream_free(r->stream);
				r->stream = NULL;
			}
		}
		if (changed && now_ms() - last_print >= 900) {
			print_rows(rows, n, json, tty && !json);
			last_print = now_ms();
		}
	}
	for (size_t i = 0; i < n; i++)
		berth_stream_free(rows[i].stream);
	return worst;
}

enum { O_NO_STREAM = OPT_LOCAL };

const cli_option stats_options[] = {
	{ "no-stream", O_NO_STREAM, NULL, "Print one sample and end" },
	CLI_FORMAT_OPTION("Print a table, or JSON"),
	CLI_OPTIONS_END,
};

int cmd_stats(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("stats");
	bool no_stream = false, json = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0)
		no_stream = true; /* --no-stream: the only option left to us */
	if (o < 0)
		return p.rc;
	json = p.json;
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_container_list *list = NULL;
	size_t n = (size_t)(argc - optind);
	if (n == 0) {
		berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
		berth_error err = BERTH_ERROR_INIT;
		if (berth_container_list_get(&list, client, &lo, &err) < 0)
			return cli_fail(&err);
		n = berth_container_list_count(list);
	}
	if (n > STATS_MAX_CONTAINERS)
		n = STATS_MAX_CONTAINERS;
	_cleanup_free_ stats_row *rows = calloc(n ? n : 1, sizeof *rows);
	if (!rows) {
		berth_container_list_free(list);
		cli_errorf("out of memory");
		return EXIT_ENGINE;
	}
	for (size_t i = 0; i < n; i++) {
		rows[i].name = list ? berth_container_list_name(list, i) : argv[optind + (int)i];
		rows[i].err = (berth_error)BERTH_ERROR_INIT;
	}
	int worst = 0;
	if (no_stream) {
		if (stats_once_all(client, rows, n) < 0) {
			cli_errorf("out of memory");
			worst = EXIT_ENGINE;
		}
		size_t shown = 0;
		for (size_t i = 0; i < n; i++) {
			if (rows[i].rc < 0 && rows[i].rc != BERTH_ECONFLICT) {
				int ec = cli_fail(&rows[i].err);
				worst = worst > ec ? worst : ec;
				continue;
			}
			rows[shown++] = rows[i];
		}
		if (shown || !n)
			print_rows(rows, shown, json, false);
	} else {
		worst = stats_live(client, rows, n, json);
	}
	berth_container_list_free(list);
	return worst;
}

/* ---- top ------------------------------------------------------------------------- */

int cmd_top(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("top");
	/* options end at the name: ps arguments after it are not ours */
	int parsed = cli_no_options(cmd, argc, argv);
	if (parsed)
		return parsed < 0 ? EXIT_OK : parsed;
	if (optind >= argc)
		return cli_usage(cmd, "want a container");
	const char *name = argv[optind];
	_cleanup_sbuf_ sbuf args = SBUF_INIT;
	for (int i = optind + 1; i < argc; i++)
		if ((args.len && sbuf_addc(&args, ' ') < 0) || sbuf_adds(&args, argv[i]) < 0) {
			cli_errorf("out of memory");
			return EXIT_ENGINE;
		}
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_top *t = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_container_top(&t, client, name, args.data, &err) < 0)
		return cli_fail(&err);
	size_t nc = berth_top_title_count(t);
	_cleanup_free_ const char **cells = calloc(nc ? nc : 1, sizeof *cells);
	table tb;
	for (size_t i = 0; cells && i < nc; i++)
		cells[i] = berth_top_title(t, i);
	if (!cells || table_init(&tb, nc, cells) < 0) {
		berth_top_free(t);
		cli_errorf("out of memory");
		return EXIT_ENGINE;
	}
	for (size_t r = 0; r < berth_top_row_count(t); r++) {
		for (size_t i = 0; i < nc; i++)
			cells[i] = berth_top_cell(t, r, i);
		table_add(&tb, cells);
	}
	table_print(&tb, stdout);
	table_release(&tb);
	berth_top_free(t);
	return EXIT_OK;
}
