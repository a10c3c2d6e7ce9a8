/* berth — the command-line tool. Global options, the command table, and
 * how library errors become messages and exit codes. */
#include "cli.h"

#include <getopt.h>

/* The container options of run and create (spec_flags.c parses them). */
#define SPEC_FLAGS_HELP "\n\nContainer options (as docker's):\n" \
	"  --name NAME              -e, --env KEY[=VALUE]     -l, --label KEY[=VALUE]\n" \
	"  --entrypoint CMD         -w, --workdir DIR         -u, --user USER[:GROUP]\n" \
	"  -h, --hostname NAME      -t, --tty                 -i, --interactive\n" \
	"  -p, --publish [IP:][HOST:]PORT[/PROTO]             -v, --volume SRC:DST[:OPTS] | DST\n" \
	"  --tmpfs DST[:OPTS]       --read-only               --shm-size SIZE\n" \
	"  --network MODE           --pid MODE                --ipc MODE\n" \
	"  --add-host HOST:IP       --dns IP                  --privileged\n" \
	"  --cap-add CAP            --cap-drop CAP            --security-opt OPT\n" \
	"  --ulimit NAME=SOFT[:HARD] --device HOST[:CTR][:rwm] --sysctl KEY=VALUE\n" \
	"  --restart POLICY         --rm                      --init\n" \
	"  --health-cmd CMD         --health-interval D       --health-timeout D\n" \
	"  --health-retries N       --health-start-period D   --no-healthcheck\n" \
	"  -m, --memory SIZE        --memory-swap SIZE|-1     --cpus N\n" \
	"  -c, --cpu-shares N       --pids-limit N            --stop-signal SIG\n" \
	"  --stop-timeout SECONDS   --log-driver NAME         --log-opt KEY=VALUE\n" \
	"  --help"

static const command commands[] = {
	{ "run", cmd_run, "run [-d] [-i] [-t] [CONTAINER OPTIONS] IMAGE [CMD...]" SPEC_FLAGS_HELP,
	  "Create and start a container: in the foreground (its exit code is berth's), or with -d in the background (prints its id)" },
	{ "create", cmd_create, "create [CONTAINER OPTIONS] IMAGE [CMD...]" SPEC_FLAGS_HELP,
	  "Create a container; prints its id" },
	{ "start", cmd_start, "start NAME|ID...", "Start containers" },
	{ "stop", cmd_stop, "stop [-t SECONDS] NAME|ID...", "Stop containers (SIGTERM, SIGKILL after the grace)" },
	{ "rm", cmd_rm, "rm [-f] [-v] NAME|ID...", "Remove containers (named volumes are kept)" },
	{ "ps", cmd_ps, "ps [-a] [-q] [--filter label=K[=V]|name=N|status=S]... [--format table|json]",
	  "List containers" },
	{ "inspect", cmd_inspect, "inspect [--format text|json] NAME|ID...", "Show a container's state" },
	{ "restart", cmd_restart, "restart [-t SECONDS] NAME|ID...", "Restart containers (stop with a grace, then start)" },
	{ "kill", cmd_kill, "kill [-s SIGNAL] NAME|ID...", "Send a signal (default KILL) to containers" },
	{ "pause", cmd_pause, "pause NAME|ID...", "Freeze every process of containers" },
	{ "unpause", cmd_unpause, "unpause NAME|ID...", "Thaw paused containers" },
	{ "rename", cmd_rename, "rename NAME|ID NEW_NAME", "Give a container a new name" },
	{ "update", cmd_update,
	  "update [-m BYTES] [--memory-swap BYTES] [--cpus N] [-c SHARES] [--pids-limit N] [--restart POLICY] NAME|ID...",
	  "Change the resource limits or restart policy of containers" },
	{ "wait", cmd_wait, "wait [--condition not-running|next-exit|removed] [-t SECONDS] [--format text|json] NAME|ID...\n"
	  "       berth wait --ready [--timeout S] [--probe tcp:PORT|http:PORT/PATH|log:REGEX|exec:CMD]... [--any] NAME",
	  "Wait for containers to stop and print their exit codes; with --ready, until one is ready" },
	{ "prune", cmd_prune, "prune [--filter label=K[=V]]... [-f]", "Remove stopped containers" },
	{ "up", cmd_up, "up --name N [container flags as for run] IMAGE [CMD...]",
	  "Create and start, replacing berth's container of that name (remove-before-start)" },
	{ "reap", cmd_reap, "reap [--owner NAME] [--keep NAME]...",
	  "Remove every container berth made for an owner (named volumes kept)" },
	{ "port", cmd_port, "port NAME|ID [PORT[/PROTO]]", "Show a container's published ports" },
	{ "stats", cmd_stats, "stats [--no-stream] [--format table|json] [NAME|ID...]",
	  "Show containers' resource use (all running ones without names), live unless --no-stream" },
	{ "top", cmd_top, "top NAME|ID [PS ARGS...]", "Show the processes of a running container" },
	{ "diff", cmd_diff, "diff NAME|ID", "Show the files added (A), changed (C) and deleted (D) in a container" },
	{ "cp", cmd_cp, "cp NAME:SRC DEST|-\n       berth cp SRC|- NAME:DEST",
	  "Copy files or directories between a container and the local file system (- : a tar on stdin/stdout)" },
	{ "detect", cmd_detect, "detect [--format text|json]", "Find engines and say why each was or was not taken" },
	{ "platform", cmd_platform, "platform [--self] [--format text|json]",
	  "Tell whether berth runs in a container (--self: inspect it)" },
	{ "version", cmd_version, "version [--format text|json]", "Show berth's and the engine's versions" },
	{ "info", cmd_info, "info [--format text|json]", "Show what the engine says about itself" },
	{ "ping", cmd_ping, "ping", "Check that the engine answers" },
	{ "ready", cmd_ready,
	  "ready [--timeout S] [--interval MS] [--probe tcp:PORT|http:PORT/PATH[#STATUS]|log:REGEX|exec:CMD]... "
	  "[--any] [--no-health] NAME",
	  "Wait until a container is ready: healthy and its probes pass" },
	{ "events", cmd_events,
	  "events [--filter container=NAME|label=K[=V]|type=TYPE|event=ACTION]... [--since T] [--until T] "
	  "[--no-reconnect] [--format text|json]",
	  "Show the engine's events as they happen (T: RFC 3339, Unix seconds or a duration like 10m)" },
	{ "exec", cmd_exec, "exec [-i] [-t] [-d] [-e K=V]... [-u USER] [-w DIR] [--privileged] NAME|ID CMD [ARG...]\n"
	  "  -i  forward stdin (its end is the command's end of file)\n"
	  "  -t  a terminal (raw mode and window size follow the local one)\n"
	  "  -d  start it and return; exit status: the command's",
	  "Run a command in a running container" },
	{ "attach", cmd_attach, "attach [--no-stdin] [--sig-proxy[=true|false]] NAME|ID",
	  "Attach local stdin, stdout and stderr to a running container" },
	{ "images", cmd_images, "images [-q] [--no-trunc] [--filter label=K[=V]]... [--format table|json]",
	  "List images" },
	{ "image", cmd_image,
	  "image ls [OPTIONS as for images] | inspect [--format text|json] NAME... | tag SOURCE TARGET |\n"
	  "         rm [-f] NAME... | import [-i] ARCHIVE|-",
	  "Manage images (import: a docker-save archive, natively on containerd)" },
	{ "logs", cmd_logs, "logs [-f|--follow] [--tail N|all] [--since T] [--until T] [-t|--timestamps] NAME|ID",
	  "Print a container's output: its stdout to stdout, its stderr to stderr (T: RFC 3339, Unix seconds, or 10m, 1h30m ago)" },
};

const command *cli_find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (STREQ(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	fputs("Usage: berth [OPTIONS] COMMAND [ARGS...]\n\n"
	      "One client for Docker, Podman and containerd.\n\n"
	      "Options:\n"
	      "  -E, --engine ENGINE    auto (default), docker, podman or containerd\n"
	      "  -H, --host URI         engine address: unix:///path, tcp://host:port\n"
	      "      --api-version V    Engine API version (default: negotiated)\n"
	      "      --owner NAME       owner recorded in the labels of what berth creates\n"
	      "      --timeout SECONDS  deadline of one request (default 60)\n"
	      "      --tls / --tlsverify use TLS for tcp:// (with verification)\n"
	      "      --debug            print diagnostics to stderr\n"
	      "  -h, --help             this help\n"
	      "  -v, --version          berth's version\n\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\nEnvironment: DOCKER_HOST, DOCKER_CONTEXT, CONTAINER_HOST, CONTAINERD_ADDRESS,\n"
	      "DOCKER_TLS_VERIFY, DOCKER_CERT_PATH. Run 'berth COMMAND --help' for a command.\n", f);
}

void cli_errorf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("berth: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int cli_exit_code(int code)
{
	switch (code) {
	case BERTH_ENOTFOUND:
	case BERTH_ECONFLICT:
	case BERTH_EEXISTS:
	case BERTH_EALREADY:
		return EXIT_FAIL;
	default:
		return EXIT_ENGINE;
	}
}

int cli_fail(const berth_error *err)
{
	cli_errorf("%s", err->message[0] ? err->message : berth_strerror(err->code));
	return cli_exit_code(err->code);
}

void cli_help(const command *cmd)
{
	size_t first = strcspn(cmd->usage, "\n");
	printf("Usage: berth %.*s\n\n%s%s\n", (int)first, cmd->usage, cmd->summary, cmd->usage + first);
}

int cli_usage(const command *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("berth: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	/* the first line only: the option list is for --help */
	fprintf(stderr, "Usage: berth %.*s\n", (int)strcspn(cmd->usage, "\n"), cmd->usage);
	return EXIT_ENGINE;
}

int cli_format(const command *cmd, const char *arg, bool *json)
{
	if (STREQ(arg, "json") || STREQ(arg, "text") || STREQ(arg, "table")) {
		*json = STREQ(arg, "json");
		return 0;
	}
	return cli_usage(cmd, "--format: want text (or table) or json, got \"%s\"", arg);
}

long cli_parse_uint(const char *s, long max)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > max)
		return -1;
	return v;
}

static void log_to_stderr(berth_log_level level, const char *message, void *payload)
{
	(void)payload;
	fprintf(stderr, "berth[%s]: %s\n", level <= BERTH_LOG_ERROR ? "error" : level <= BERTH_LOG_WARNING ? "warning" : "debug",
		message);
}

berth_client *cli_client(cli *c)
{
	if (c->client)
		return c->client;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_client_open(&c->client, &c->opts, &err) < 0) {
		cli_fail(&err);
		return NULL;
	}
	return c->client;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "engine", required_argument, NULL, 'E' },
		{ "host", required_argument, NULL, 'H' },
		{ "api-version", required_argument, NULL, 'A' },
		{ "owner", required_argument, NULL, 'O' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "tls", no_argument, NULL, 'S' },
		{ "tlsverify", no_argument, NULL, 'V' },
		{ "debug", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ 0 },
	};
	cli c = { .opts = BERTH_CLIENT_OPTIONS_INIT, .prog = "berth" };
	berth_error err = BERTH_ERROR_INIT;
	int o;
	while ((o = getopt_long(argc, argv, "+E:H:hv", opts, NULL)) != -1) {
		switch (o) {
		case 'E':
			if (berth_engine_from_name(&c.opts.engine, optarg, &err) < 0)
				return cli_fail(&err);
			break;
		case 'H':
			c.opts.host = optarg;
			break;
		case 'A':
			c.opts.api_version = optarg;
			break;
		case 'O':
			c.opts.owner = optarg;
			break;
		case 'T': {
			long s = cli_parse_uint(optarg, 86400);
			if (s <= 0) {
				cli_errorf("--timeout: want whole seconds from 1 to 86400, got \"%s\"", optarg);
				return EXIT_ENGINE;
			}
			c.opts.timeout_ms = (int)(s * 1000);
			break;
		}
		case 'S':
			if (c.opts.tls_verify == 0)
				c.opts.tls_verify = 2; /* TLS without verification */
			break;
		case 'V':
			c.opts.tls_verify = 1;
			break;
		case 'D':
			c.debug = 1;
			c.opts.log = log_to_stderr;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'v':
			printf("berth version %s\n", berth_library_version());
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_ENGINE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_ENGINE;
	}
	const command *cmd = cli_find_command(argv[optind]);
	if (!cmd) {
		cli_errorf("'%s' is not a berth command. See 'berth --help'", argv[optind]);
		return EXIT_ENGINE;
	}
	int argc2 = argc - optind;
	char **argv2 = argv + optind;
	optind = 0; /* let each command parse its own options afresh */
	int rc = cmd->run(&c, argc2, argv2);
	berth_client_free(c.client);
	if (fflush(stdout) != 0 && rc == 0) {
		cli_errorf("write error: %s", strerror(errno));
		rc = EXIT_ENGINE;
	}
	return rc;
}
