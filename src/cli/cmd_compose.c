/* berth compose [-f FILE]... [-p NAME] [--project-directory DIR] VERB:
 * a services file brought up, shown, followed and taken down, as
 * docker compose does it (berth's compose.h does the work). */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

/* What the options before the verb said. */
static struct {
	strv files;
	const char *project;
	const char *dir;
} g;

enum { O_PROJECT_DIR = OPT_LOCAL, O_WAIT, O_TIMEOUT, O_FORCE, O_NO_DEPS, O_REMOVE_ORPHANS, O_SERVICES,
       O_WAIT_TIMEOUT, O_NO_COLOR, O_NO_PREFIX };

const cli_option compose_options[] = {
	{ "file", 'f', "FILE", "A services file (default: compose.yaml, compose.yml, docker-compose.yaml or "
	  "docker-compose.yml in the project directory); several are merged in order", CLI_OPT_REPEAT | CLI_OPT_FILE },
	{ "project-name", 'p', "NAME", "The project's name (default: the file's name:, else the directory's)" },
	{ "project-directory", O_PROJECT_DIR, "DIR", "Where relative paths and .env are read from (default: the "
	  "first file's directory)", CLI_OPT_FILE },
	CLI_OPTIONS_END,
};

/* The load options of what the options before the verb said. */
static berth_compose_options project_options(void)
{
	berth_compose_options o = BERTH_COMPOSE_OPTIONS_INIT;
	o.files = (const char *const *)g.files.items;
	o.file_count = g.files.len;
	o.project_name = g.project;
	o.project_dir = g.dir;
	return o;
}

/* Load the project the options name; NULL after printing why. */
static berth_compose *load(void)
{
	berth_compose_options o = project_options();
	berth_compose *p = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_compose_load(&p, &o, &err) < 0) {
		cli_fail(&err);
		return NULL;
	}
	for (size_t i = 0; i < berth_compose_warning_count(p); i++)
		fprintf(stderr, "berth: warning: %s\n", berth_compose_warning(p, i));
	return p;
}

/* The project's name without needing a file when -p gives it (down, ps);
 * else from the file. *p gets the loaded project when there is one. */
static const char *project_name(berth_compose **p, bool need_file)
{
	*p = NULL;
	if (g.project && !need_file) {
		/* the file, when there is one, still orders the stop */
		berth_compose_options o = project_options();
		berth_error err = BERTH_ERROR_INIT;
		if (berth_compose_load(p, &o, &err) < 0)
			*p = NULL;
		return g.project;
	}
	*p = load();
	return *p ? berth_compose_name(*p) : NULL;
}

/* ---- progress ---------------------------------------------------------------------- */

static void progress(const berth_compose_event *e, void *user)
{
	(void)user;
	const char *kind = e->step == BERTH_COMPOSE_NETWORK_CREATED ? "Network"
			   : e->step == BERTH_COMPOSE_VOLUME_CREATED ? "Volume"
			   : e->step == BERTH_COMPOSE_REMOVED && !e->service ? (e->detail && STREQ(e->detail, "volume") ? "Volume" : "Network")
									     : "Container";
	if (e->step == BERTH_COMPOSE_FAILED)
		return; /* the error itself is printed once, by the caller */
	/* the library's name of the step, as docker compose words it: "Created" */
	const char *name = berth_compose_step_name(e->step);
	fprintf(stderr, " %-9s %-28s %c%s\n", kind, strempty(e->object), toupper((unsigned char)name[0]), name + 1);
}

/* ---- logs ---------------------------------------------------------------------------- */

typedef struct tail {
	berth_stream *s;
	char *prefix;        /* "web-1  | " padded, coloured on a terminal */
	sbuf line;           /* a line not yet ended */
	bool over;
} tail;

static const char *const colours[] = { "\033[36m", "\033[33m", "\033[32m", "\033[35m", "\033[34m", "\033[96m" };

static void tail_emit(tail *t, const char *data, size_t len, bool flush)
{
	for (size_t i = 0; i < len; i++) {
		sbuf_addc(&t->line, data[i]);
		if (data[i] == '\n') {
			fputs(t->prefix, stdout);
			fwrite(t->line.data, 1, t->line.len, stdout);
			sbuf_reset(&t->line);
		}
	}
	if (flush && t->line.len) {
		fputs(t->prefix, stdout);
		fwrite(t->line.data, 1, t->line.len, stdout);
		fputc('\n', stdout);
		sbuf_reset(&t->line);
	}
	fflush(stdout);
}

static volatile sig_atomic_t interrupted;
static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Merge the logs of the project's containers (of the named services, or
 * all), each line prefixed with the container's service and number. */
static int follow_logs(berth_client *client, const char *name, char **services, size_t nservices, bool follow,
		       long long tail_n, bool timestamps, bool prefix)
{
	berth_container_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_compose_ps(&l, client, name, &err) < 0)
		return cli_fail(&err);
	size_t n = berth_container_list_count(l), k = 0, width = 0;
	tail *t = calloc(n ? n : 1, sizeof *t);
	if (!t) {
		berth_container_list_free(l);
		return EXIT_ENGINE;
	}
	bool colour = isatty(STDOUT_FILENO);
	for (size_t i = 0; i < n; i++) {
		const char *svc = berth_container_list_label(l, i, BERTH_COMPOSE_LABEL_SERVICE);
		size_t w = strlen(strempty(svc)) + 2;
		if (w > width)
			width = w;
	}
	int rc = EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		const char *svc = berth_container_list_label(l, i, BERTH_COMPOSE_LABEL_SERVICE);
		const char *num = berth_container_list_label(l, i, BERTH_COMPOSE_LABEL_NUMBER);
		bool want = nservices == 0;
		for (size_t j = 0; !want && j < nservices; j++)
			want = svc && STREQ(svc, services[j]);
		if (!want)
			continue;
		berth_logs_options lo = BERTH_LOGS_OPTIONS_INIT;
		lo.follow = follow;
		lo.tail = tail_n;
		lo.timestamps = timestamps;
		if (berth_container_logs(&t[k].s, client, berth_container_list_id(l, i), &lo, &err) < 0) {
			rc = cli_fail(&err);
			continue;
		}
		char label[160];
		snprintf(label, sizeof label, "%s-%s", strempty(svc), num ? num : "1");
		if (!prefix)
			t[k].prefix = strdup("");
		else if (asprintf(&t[k].prefix, "%s%-*s|%s ", colour ? colours[k % ARRAY_SIZE(colours)] : "", (int)width,
				  label, colour ? "\033[0m" : "") < 0)
			t[k].prefix = NULL;
		if (!t[k].prefix) {
			berth_stream_free(t[k].s);
			continue;
		}
		k++;
	}
	berth_container_list_free(l);
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	size_t open = k;
	struct pollfd *pf = calloc(k ? k : 1, sizeof *pf);
	while (pf && open && !interrupted) {
		for (size_t i = 0; i < k; i++) {
			pf[i].fd = t[i].over ? -1 : berth_stream_fd(t[i].s);
			pf[i].events = POLLIN;
			pf[i].revents = 0;
		}
		int pr = poll(pf, k, 1000);
		if (pr < 0 && errno != EINTR)
			break;
		for (size_t i = 0; i < k; i++) {
			if (t[i].over)
				continue;
			/* take what is there (a stream may hold frames its fd no longer shows) */
			for (int m = 0; m < 64; m++) {
				berth_frame f;
				int r = berth_stream_next(t[i].s, &f, 0, &err);
				if (r == BERTH_ETIMEDOUT)
					break;
				if (r < 0) {
					if (r != BERTH_ITEROVER)
						cli_fail(&err);
					tail_emit(&t[i], NULL, 0, true);
					t[i].over = true;
					open--;
					break;
				}
				if (timestamps && f.time_ns) {
					char ts[40];
					time_t sec = (time_t)(f.time_ns / 1000000000);
					struct tm tm;
					gmtime_r(&sec, &tm);
					size_t z = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
					snprintf(ts + z, sizeof ts - z, ".%09lldZ ", (long long)(f.time_ns % 1000000000));
					if (t[i].line.len == 0)
						sbuf_adds(&t[i].line, ts);
				}
				tail_emit(&t[i], f.data, f.len, false);
			}
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	free(pf);
	for (size_t i = 0; i < k; i++) {
		tail_emit(&t[i], NULL, 0, true);
		berth_stream_free(t[i].s);
		free(t[i].prefix);
		sbuf_release(&t[i].line);
	}
	free(t);
	return rc;
}

/* A -t/--timeout value of down, stop and restart into *out: 0, or the usage
 * error's code. */
static int grace_arg(const command *cmd, const char *arg, int *out)
{
	long s = cli_parse_uint(arg, 86400);
	if (s < 0)
		return cli_usage(cmd, "--timeout: want seconds, got \"%s\"", arg);
	*out = (int)s;
	return 0;
}

/* The -q and --services of ps and config; false when the caller returns p->rc. */
static bool listing_options(cli_parser *p, bool *quiet, bool *services)
{
	int opt;
	while ((opt = cli_next(p)) > 0) {
		switch (opt) {
		case 'q': *quiet = true; break;
		case O_SERVICES: *services = true; break;
		}
	}
	return opt == 0;
}

/* ---- up ------------------------------------------------------------------------------- */

const cli_option compose_up_options[] = {
	{ "detach", 'd', NULL, "Return once the services are up (else follow their logs; Ctrl-C stops them)" },
	{ "wait", O_WAIT, NULL, "Return once every service is ready: healthy where it has a health check" },
	{ "timeout", O_TIMEOUT, "SECONDS", "How long a dependency's condition (and --wait) may take (default 120)" },
	{ "wait-timeout", O_WAIT_TIMEOUT, "SECONDS", "The same as --timeout", CLI_OPT_HIDDEN },
	{ "force-recreate", O_FORCE, NULL, "Replace the containers even when their configuration did not change" },
	{ "no-deps", O_NO_DEPS, NULL, "Only the named services, not what they depend on" },
	{ "remove-orphans", O_REMOVE_ORPHANS, NULL, "Accepted; containers of services no longer in the file go at down",
	  CLI_OPT_HIDDEN },
	CLI_OPTIONS_END,
};

static int compose_up(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(compose_subcommands, "compose up");
	berth_compose_up_options o = BERTH_COMPOSE_UP_OPTIONS_INIT;
	bool detach = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int opt;
	while ((opt = cli_next(&p)) > 0) {
		switch (opt) {
		case 'd': detach = true; break;
		case O_WAIT: o.wait = 1; break;
		case O_TIMEOUT:
		case O_WAIT_TIMEOUT: {
			long s = cli_parse_uint(p.arg, 86400);
			if (s <= 0)
				return cli_usage(cmd, "--timeout: want seconds 1..86400, got \"%s\"", p.arg);
			o.timeout_ms = (int)s * 1000;
			break;
		}
		case O_FORCE: o.force_recreate = 1; break;
		case O_NO_DEPS: o.no_deps = 1; break;
		case O_REMOVE_ORPHANS: break;
		}
	}
	if (opt < 0)
		return p.rc;
	if (o.wait)
		detach = true;
	berth_compose *proj = load();
	if (!proj)
		return EXIT_ENGINE;
	berth_client *client = cli_client(c);
	if (!client) {
		berth_compose_free(proj);
		return EXIT_ENGINE;
	}
	o.services = (const char *const *)(argv + optind);
	o.service_count = (size_t)(argc - optind);
	o.progress = progress;
	berth_error err = BERTH_ERROR_INIT;
	int rc = EXIT_OK;
	if (berth_compose_up(client, proj, &o, &err) < 0)
		rc = cli_fail(&err);
	if (rc == EXIT_OK && !detach) {
		fprintf(stderr, "Following the logs; Ctrl-C stops the services\n");
		rc = follow_logs(client, berth_compose_name(proj), argv + optind, (size_t)(argc - optind), true, -1, false,
				 true);
		if (interrupted) {
			fprintf(stderr, "Stopping\n");
			berth_compose_run_options so = BERTH_COMPOSE_RUN_OPTIONS_INIT;
			so.services = (const char *const *)(argv + optind);
			so.service_count = (size_t)(argc - optind);
			so.progress = progress;
			if (berth_compose_stop(client, proj, &so, &err) < 0)
				rc = cli_fail(&err);
		}
	}
	berth_compose_free(proj);
	return rc;
}

/* ---- down --------------------------------------------------------------------------------- */

const cli_option compose_down_options[] = {
	{ "volumes", 'v', NULL, "Remove the project's named volumes too (never external ones)" },
	{ "timeout", 't', "SECONDS", "Grace before SIGKILL (default: each service's stop_grace_period, else 10)" },
	{ "remove-orphans", O_REMOVE_ORPHANS, NULL, "Accepted: containers of services no longer in the file always go" },
	CLI_OPTIONS_END,
};

static int compose_down(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(compose_subcommands, "compose down");
	berth_compose_down_options o = BERTH_COMPOSE_DOWN_OPTIONS_INIT;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int opt;
	while ((opt = cli_next(&p)) > 0) {
		int r = 0;
		switch (opt) {
		case 'v': o.volumes = 1; break;
		case 't': r = grace_arg(cmd, p.arg, &o.timeout_s); break;
		case O_REMOVE_ORPHANS: break;
		}
		if (r)
			return r;
	}
	if (opt < 0)
		return p.rc;
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument \"%s\"", argv[optind]);
	berth_compose *proj = NULL;
	const char *name = project_name(&proj, false);
	if (!name)
		return EXIT_ENGINE;
	berth_client *client = cli_client(c);
	int rc = EXIT_ENGINE;
	if (client) {
		o.progress = progress;
		berth_error err = BERTH_ERROR_INIT;
		rc = berth_compose_down(client, proj, name, &o, &err) < 0 ? cli_fail(&err) : EXIT_OK;
	}
	berth_compose_free(proj);
	return rc;
}

/* ---- ps ----------------------------------------------------------------------------------- */

const cli_option compose_ps_options[] = {
	{ "quiet", 'q', NULL, "Print the container ids only" },
	{ "all", 'a', NULL, "Accepted: stopped containers are always shown", CLI_OPT_HIDDEN },
	{ "services", O_SERVICES, NULL, "Print the service names only" },
	CLI_FORMAT_OPTION("Print a table, or one JSON object a line"),
	CLI_OPTIONS_END,
};

static int compose_ps(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(compose_subcommands, "compose ps");
	bool quiet = false, services = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	if (!listing_options(&p, &quiet, &services))
		return p.rc;
	berth_compose *proj = NULL;
	const char *name = project_name(&proj, false);
	if (!name)
		return EXIT_ENGINE;
	berth_client *client = cli_client(c);
	berth_container_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int rc = EXIT_OK;
	if (!client)
		rc = EXIT_ENGINE;
	else if (berth_compose_ps(&l, client, name, &err) < 0)
		rc = cli_fail(&err);
	if (rc != EXIT_OK) {
		berth_compose_free(proj);
		return rc;
	}
	static const char *const heads[] = { "NAME", "IMAGE", "SERVICE", "STATUS", "PORTS" };
	table t;
	table_init(&t, 5, heads);
	jw w;
	jw_init(&w, stdout);
	for (size_t i = 0; i < berth_container_list_count(l); i++) {
		const char *svc = strempty(berth_container_list_label(l, i, BERTH_COMPOSE_LABEL_SERVICE));
		bool want = optind >= argc;
		for (int j = optind; !want && j < argc; j++)
			want = STREQ(svc, argv[j]);
		if (!want)
			continue;
		if (quiet) {
			printf("%s\n", berth_container_list_id(l, i));
		} else if (services) {
			printf("%s\n", svc);
		} else if (p.json) {
			jw_begin_object(&w);
			jw_kv_string(&w, "ID", berth_container_list_id(l, i));
			jw_kv_string(&w, "Name", berth_container_list_name(l, i));
			jw_kv_string(&w, "Image", berth_container_list_image(l, i));
			jw_kv_string(&w, "Project", name);
			jw_kv_string(&w, "Service", svc);
			jw_kv_string(&w, "State", berth_state_name(berth_container_list_state(l, i)));
			jw_kv_string(&w, "Health", berth_container_list_health(l, i) == BERTH_HEALTH_NONE
							  ? ""
							  : berth_health_name(berth_container_list_health(l, i)));
			jw_kv_string(&w, "Status", berth_container_list_status(l, i));
			jw_kv_string(&w, "Ports", berth_container_list_ports(l, i));
			jw_end_object(&w);
			fputc('\n', stdout);
			w.depth = 0;
			w.first[0] = true;
		} else {
			const char *row[] = { berth_container_list_name(l, i), berth_container_list_image(l, i), svc,
					      berth_container_list_status(l, i), berth_container_list_ports(l, i) };
			table_add(&t, row);
		}
	}
	if (!quiet && !services && !p.json)
		table_print(&t, stdout);
	table_release(&t);
	berth_container_list_free(l);
	berth_compose_free(proj);
	return EXIT_OK;
}

/* ---- logs ------------------------------------------------------------------------------------ */

const cli_option compose_logs_options[] = {
	{ "follow", 'f', NULL, "Keep following new output" },
	{ "tail", 'n', "N", "Only the last N lines of each container (\"all\": every line)" },
	{ "timestamps", 't', NULL, "Show each line's time" },
	{ "no-color", O_NO_COLOR, NULL, "Accepted: colours are only used on a terminal", CLI_OPT_HIDDEN },
	{ "no-log-prefix", O_NO_PREFIX, NULL, "Print the lines without the service prefix" },
	CLI_OPTIONS_END,
};

static int compose_logs(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(compose_subcommands, "compose logs");
	bool follow = false, ts = false, prefix = true;
	long long tail_n = -1;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int opt;
	while ((opt = cli_next(&p)) > 0) {
		switch (opt) {
		case 'f': follow = true; break;
		case 't': ts = true; break;
		case O_NO_PREFIX: prefix = false; break;
		case O_NO_COLOR: break;
		case 'n':
			if (STREQ(p.arg, "all")) {
				tail_n = -1;
			} else {
				long v = cli_parse_uint(p.arg, 1L << 30);
				if (v < 0)
					return cli_usage(cmd, "--tail: want a number or \"all\", got \"%s\"", p.arg);
				tail_n = v;
			}
			break;
		}
	}
	if (opt < 0)
		return p.rc;
	berth_compose *proj = NULL;
	const char *name = project_name(&proj, false);
	if (!name)
		return EXIT_ENGINE;
	berth_client *client = cli_client(c);
	int rc = client ? follow_logs(client, name, argv + optind, (size_t)(argc - optind), follow, tail_n, ts, prefix)
			: EXIT_ENGINE;
	berth_compose_free(proj);
	return rc;
}

/* ---- start, stop, restart ------------------------------------------------------------------- */

const cli_option compose_stop_options[] = {
	{ "timeout", 't', "SECONDS", "Grace before SIGKILL (default: each service's stop_grace_period, else 10)" },
	CLI_OPTIONS_END,
};

static int stop_like(cli *c, int argc, char **argv, const char *which)
{
	const command *cmd = cli_subcommand(compose_subcommands, which);
	int timeout = -1;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int opt, r;
	while ((opt = cli_next(&p)) > 0)
		if (opt == 't' && (r = grace_arg(cmd, p.arg, &timeout)) != 0)
			return r;
	if (opt < 0)
		return p.rc;
	berth_compose *proj = load();
	if (!proj)
		return EXIT_ENGINE;
	berth_client *client = cli_client(c);
	int rc = client ? EXIT_OK : EXIT_ENGINE;
	berth_error err = BERTH_ERROR_INIT;
	berth_compose_run_options o = BERTH_COMPOSE_RUN_OPTIONS_INIT;
	o.services = (const char *const *)(argv + optind);
	o.service_count = (size_t)(argc - optind);
	o.timeout_s = timeout;
	o.progress = progress;
	int (*verb)(berth_client *, const berth_compose *, const berth_compose_run_options *, berth_error *) =
		STREQ(which, "compose stop")    ? berth_compose_stop
		: STREQ(which, "compose start") ? berth_compose_start
						: berth_compose_restart;
	if (rc == EXIT_OK && verb(client, proj, &o, &err) < 0)
		rc = cli_fail(&err);
	berth_compose_free(proj);
	return rc;
}

static int compose_stop(cli *c, int argc, char **argv)
{
	return stop_like(c, argc, argv, "compose stop");
}

static int compose_start(cli *c, int argc, char **argv)
{
	return stop_like(c, argc, argv, "compose start");
}

static int compose_restart(cli *c, int argc, char **argv)
{
	return stop_like(c, argc, argv, "compose restart");
}

/* ---- exec ------------------------------------------------------------------------------------ */

const cli_option compose_exec_options[] = {
	{ "no-TTY", 'T', NULL, "No terminal (the default is one when stdin is a terminal)" },
	{ "detach", 'd', NULL, "Start the command and return" },
	{ "env", 'e', "KEY=VALUE", "Set an environment variable", CLI_OPT_REPEAT },
	{ "user", 'u', "USER", "Run as this user" },
	{ "workdir", 'w', "DIR", "Working directory of the command" },
	CLI_OPTIONS_END,
};

static int compose_exec(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(compose_subcommands, "compose exec");
	_cleanup_strv_ strv args = STRV_INIT;
	bool tty = isatty(STDIN_FILENO), detach = false;
	strv_push(&args, "exec");
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int opt;
	while ((opt = cli_next(&p)) > 0) {
		switch (opt) {
		case 'T': tty = false; break;
		case 'd': detach = true; break;
		case 'e': strv_push(&args, "-e"); strv_push(&args, p.arg); break;
		case 'u': strv_push(&args, "-u"); strv_push(&args, p.arg); break;
		case 'w': strv_push(&args, "-w"); strv_push(&args, p.arg); break;
		}
	}
	if (opt < 0)
		return p.rc;
	if (argc - optind < 2)
		return cli_usage(cmd, "a service and a command are needed");
	berth_compose *proj = load();
	if (!proj)
		return EXIT_ENGINE;
	const char *cname = berth_compose_container_name(proj, argv[optind]);
	if (!cname) {
		cli_errorf("no such service: %s", argv[optind]);
		berth_compose_free(proj);
		return EXIT_ENGINE;
	}
	if (detach)
		strv_push(&args, "-d");
	else
		strv_push(&args, "-i");
	if (tty && !detach)
		strv_push(&args, "-t");
	strv_push(&args, cname);
	for (int i = optind + 1; i < argc; i++)
		strv_push(&args, argv[i]);
	berth_compose_free(proj);
	if (!args.items)
		return EXIT_ENGINE;
	optind = 1;
	/* berth exec does the rest (through the command table: no verb's file
	 * calls another's) */
	return cli_find_command("exec")->run(c, (int)args.len, args.items);
}

/* ---- config ------------------------------------------------------------------------------------ */

const cli_option compose_config_options[] = {
	{ "quiet", 'q', NULL, "Only check the file: no output, the exit code says" },
	{ "services", O_SERVICES, NULL, "Print the service names" },
	CLI_OPTIONS_END,
};

static int compose_config(cli *c, int argc, char **argv)
{
	(void)c;
	const command *cmd = cli_subcommand(compose_subcommands, "compose config");
	bool quiet = false, services = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	if (!listing_options(&p, &quiet, &services))
		return p.rc;
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument \"%s\"", argv[optind]);
	berth_compose *proj = load();
	if (!proj)
		return EXIT_ENGINE;
	int rc = EXIT_OK;
	if (services) {
		for (size_t i = 0; i < berth_compose_service_count(proj); i++)
			printf("%s\n", berth_compose_service_name(proj, i));
	} else if (!quiet) {
		char *text = NULL;
		berth_error err = BERTH_ERROR_INIT;
		if (berth_compose_config(&text, proj, &err) < 0) {
			rc = cli_fail(&err);
		} else {
			fputs(text, stdout);
			berth_free(text);
		}
	}
	berth_compose_free(proj);
	return rc;
}

/* ---- the verb table ------------------------------------------------------------------------------- */

const command compose_subcommands[] = {
	{ "compose up", compose_up, compose_up_options, NULL, "[SERVICE...]",
	  "Make and start the services in dependency and health order; re-up what changed" },
	{ "compose down", compose_down, compose_down_options, NULL, "",
	  "Stop and remove the project's containers and networks (volumes with -v)" },
	{ "compose ps", compose_ps, compose_ps_options, NULL, "[SERVICE...]", "List the project's containers" },
	{ "compose logs", compose_logs, compose_logs_options, NULL, "[SERVICE...]",
	  "Print the services' output, each line prefixed with its service" },
	{ "compose start", compose_start, NULL, NULL, "[SERVICE...]", "Start the services' containers again" },
	{ "compose stop", compose_stop, compose_stop_options, NULL, "[SERVICE...]",
	  "Stop the services, dependants first" },
	{ "compose restart", compose_restart, compose_stop_options, NULL, "[SERVICE...]", "Stop and start the services" },
	{ "compose exec", compose_exec, compose_exec_options, NULL, "SERVICE COMMAND [ARGS...]",
	  "Run a command in a service's container" },
	{ "compose config", compose_config, compose_config_options, NULL, "",
	  "Check the file and print it normalized (variables filled in)" },
	{ NULL },
};

int cmd_compose(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("compose");
	strv_release(&g.files);
	g.project = g.dir = NULL;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int opt;
	while ((opt = cli_next(&p)) > 0) {
		switch (opt) {
		case 'f':
			if (strv_push(&g.files, p.arg) < 0)
				return EXIT_ENGINE;
			break;
		case 'p': g.project = p.arg; break;
		case O_PROJECT_DIR: g.dir = p.arg; break;
		}
	}
	if (opt < 0)
		return p.rc;
	if (optind >= argc) {
		cli_help(cmd);
		return EXIT_ENGINE;
	}
	const command *s = cli_subcommand_word(cmd, argv[optind]);
	int rc;
	if (!s) {
		rc = cli_usage(cmd, "unknown compose command \"%s\"", argv[optind]);
	} else {
		int first = optind;
		optind = 1;
		rc = s->run(c, argc - first, argv + first);
	}
	strv_release(&g.files);
	return rc;
}
