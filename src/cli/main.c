/* berth — the command-line tool: global options, the command table and
 * main(). How library errors become messages and exit codes is in
 * session.c. */
#include "cli.h"

/* Each command: its name, handler, option tables, the operands of its
 * usage line and a summary. --help, the man pages and the completions are
 * all made from these. */
#define NONE NULL, NULL
#define CONTAINER_FLAGS run_options, spec_flag_options
static const command commands[] = {
	{ "run", cmd_run, CONTAINER_FLAGS, "IMAGE [CMD...]",
	  "Create and start a container: in the foreground (its exit code is berth's), or with -d in the background "
	  "(prints its id)" },
	{ "create", cmd_create, NULL, spec_flag_options, "IMAGE [CMD...]", "Create a container; prints its id" },
	{ "start", cmd_start, NONE, "NAME|ID...", "Start containers", .flags = CMD_CONTAINERS },
	{ "stop", cmd_stop, cli_grace_options, NULL, "NAME|ID...", "Stop containers (SIGTERM, SIGKILL after the grace)",
	  .flags = CMD_CONTAINERS },
	{ "rm", cmd_rm, rm_options, NULL, "NAME|ID...", "Remove containers (named volumes are kept)",
	  .flags = CMD_CONTAINERS },
	{ "ps", cmd_ps, ps_options, NULL, "", "List containers" },
	{ "inspect", cmd_inspect, cli_format_only_options, NULL, "NAME|ID...", "Show a container's state",
	  .flags = CMD_CONTAINERS },
	{ "restart", cmd_restart, cli_grace_options, NULL, "NAME|ID...",
	  "Restart containers (stop with a grace, then start)", .flags = CMD_CONTAINERS },
	{ "kill", cmd_kill, kill_options, NULL, "NAME|ID...", "Send a signal (default KILL) to containers",
	  .flags = CMD_CONTAINERS },
	{ "pause", cmd_pause, NONE, "NAME|ID...", "Freeze every process of containers", .flags = CMD_CONTAINERS },
	{ "unpause", cmd_unpause, NONE, "NAME|ID...", "Thaw paused containers", .flags = CMD_CONTAINERS },
	{ "rename", cmd_rename, NONE, "NAME|ID NEW_NAME", "Give a container a new name", .flags = CMD_CONTAINERS },
	{ "update", cmd_update, update_options, NULL, "NAME|ID...",
	  "Change the resource limits or restart policy of containers", .flags = CMD_CONTAINERS },
	{ "wait", cmd_wait, wait_options, NULL, "NAME|ID...",
	  "Wait for containers to stop and print their exit codes; with --ready, until one is ready",
	  "       berth wait --ready [OPTIONS as for ready] NAME", CMD_CONTAINERS },
	{ "prune", cmd_prune, prune_options, NULL, "", "Remove stopped containers" },
	{ "up", cmd_up, NULL, spec_flag_options, "IMAGE [CMD...]",
	  "Create and start, replacing berth's container of that name (remove-before-start; --name is required)" },
	{ "reap", cmd_reap, reap_options, NULL, "", "Remove every container berth made for an owner (named volumes kept)" },
	{ "port", cmd_port, NONE, "NAME|ID [PORT[/PROTO]]", "Show a container's published ports",
	  .flags = CMD_CONTAINERS },
	{ "stats", cmd_stats, stats_options, NULL, "[NAME|ID...]",
	  "Show containers' resource use (all running ones without names), live unless --no-stream",
	  .flags = CMD_CONTAINERS },
	{ "top", cmd_top, NONE, "NAME|ID [PS ARGS...]", "Show the processes of a running container",
	  .flags = CMD_CONTAINERS },
	{ "diff", cmd_diff, NONE, "NAME|ID", "Show the files added (A), changed (C) and deleted (D) in a container",
	  .flags = CMD_CONTAINERS },
	{ "export", cmd_export, export_options, NULL, "NAME|ID",
	  "Write a container's file system as a tar to stdout or -o FILE", .flags = CMD_CONTAINERS },
	{ "commit", cmd_commit, commit_options, NULL, "NAME|ID [REPOSITORY[:TAG]]",
	  "Make an image of a container; prints its id", .flags = CMD_CONTAINERS },
	{ "cp", cmd_cp, NONE, "NAME:SRC DEST|-",
	  "Copy files or directories between a container and the local file system (- : a tar on stdin/stdout)",
	  "       berth cp SRC|- NAME:DEST" },
	{ "detect", cmd_detect, cli_format_only_options, NULL, "", "Find engines and say why each was or was not taken" },
	{ "platform", cmd_platform, platform_options, NULL, "",
	  "Tell whether berth runs in a container and which evidence decided (--self: inspect it)" },
	{ "version", cmd_version, cli_format_only_options, NULL, "", "Show berth's and the engine's versions" },
	{ "info", cmd_info, cli_format_only_options, NULL, "", "Show what the engine says about itself" },
	{ "ping", cmd_ping, cli_format_only_options, NULL, "", "Check that the engine answers" },
	{ "ready", cmd_ready, ready_options, NULL, "NAME", "Wait until a container is ready: healthy and its probes pass",
	  .flags = CMD_CONTAINERS },
	{ "events", cmd_events, events_options, NULL, "",
	  "Show the engine's events as they happen (T: RFC 3339, Unix seconds or a duration like 10m)" },
	{ "exec", cmd_exec, exec_options, NULL, "NAME|ID CMD [ARG...]",
	  "Run a command in a running container; exit status: the command's",
	  .flags = CMD_LONG_HELP_ONLY | CMD_CONTAINERS },
	{ "attach", cmd_attach, attach_options, NULL, "NAME|ID",
	  "Attach local stdin, stdout and stderr to a running container", .flags = CMD_LONG_HELP_ONLY | CMD_CONTAINERS },
	{ "images", cmd_images, images_options, NULL, "", "List images" },
	{ "tag", cmd_tag, NONE, "SOURCE TARGET", "Give an image another name (image tag)" },
	{ "rmi", cmd_rmi, image_rm_options, NULL, "NAME...", "Remove images (image rm)" },
	{ "pull", cmd_pull, pull_options, NULL, "NAME[:TAG|@DIGEST]",
	  "Pull an image from its registry, with docker's progress" },
	{ "history", cmd_history, history_options, NULL, "NAME", "Show how an image was made, newest step first" },
	{ "push", cmd_push, push_options, NULL, "NAME[:TAG]",
	  "Push an image to its registry, with docker's progress" },
	{ "login", cmd_login, login_options, NULL, "[SERVER]",
	  "Check a registry's credentials with it and store them (Docker Hub when no server is given)" },
	{ "logout", cmd_logout, logout_options, NULL, "[SERVER]", "Erase a registry's stored credentials" },
	{ "search", cmd_search, search_options, NULL, "[HOST[:PORT]/]TERM",
	  "Search a registry for repositories (containerd: a named registry's catalog)" },
	{ "save", cmd_save, save_options, NULL, "IMAGE...",
	  "Write images as one docker-save archive to stdout or -o FILE" },
	{ "load", cmd_load, load_options, NULL, "",
	  "Load the images of a docker-save or OCI archive from stdin or -i FILE, gzip or zstd compressed or not" },
	{ "import", cmd_import, import_options, NULL, "FILE|- [REPOSITORY[:TAG]]",
	  "Make an image of a root file system tarball; prints its id" },
	{ "image", cmd_image, NONE, "COMMAND [ARGS...]",
	  "Manage images (load: natively on containerd)", .subcommands = image_subcommands },
	{ "network", cmd_network, NONE, "COMMAND [ARGS...]",
	  "Manage networks: containers on one reach each other by name (containerd: berth's own bridges)",
	  .subcommands = network_subcommands },
	{ "compose", cmd_compose, compose_options, NULL, "[-f FILE]... [-p NAME] COMMAND [ARGS...]",
	  "Bring a services file (the Compose format) up in dependency and health order, and down",
	  .subcommands = compose_subcommands },
	{ "volume", cmd_volume, NONE, "COMMAND [ARGS...]",
	  "Manage volumes (containerd: berth's own volume store)", .subcommands = volume_subcommands },
	{ "logs", cmd_logs, logs_options, NULL, "NAME|ID",
	  "Print a container's output: its stdout to stdout, its stderr to stderr (T: RFC 3339, Unix seconds, or 10m, "
	  "1h30m ago)", .flags = CMD_CONTAINERS },
	/* hidden: writes the man pages and completions at build time */
	{ "__gendoc", cmd_gendoc, NONE, "man|bash|zsh DIR|FILE", "Write berth's documentation", .flags = CMD_HIDDEN },
};
#undef NONE
#undef CONTAINER_FLAGS

const command *cli_commands(size_t *n)
{
	*n = ARRAY_SIZE(commands);
	return commands;
}

const command *cli_find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (STREQ(commands[i].name, name))
			return &commands[i];
	return NULL;
}

enum { G_API_VERSION = OPT_LOCAL, G_OWNER, G_TIMEOUT, G_TLS, G_TLSVERIFY, G_DEBUG };

const cli_option cli_global_options[] = {
	{ "engine", 'E', "ENGINE", "auto (default), docker, podman or containerd", 0, "auto docker podman containerd" },
	{ "host", 'H', "URI", "engine address: unix:///path, tcp://host:port, ssh://user@host[/socket]" },
	{ "api-version", G_API_VERSION, "V", "Engine API version (default: negotiated)" },
	{ "owner", G_OWNER, "NAME", "owner recorded in the labels of what berth creates" },
	{ "timeout", G_TIMEOUT, "SECONDS", "deadline of one request (default 60)" },
	{ "tls", G_TLS, NULL, "use TLS for tcp://" },
	{ "tlsverify", G_TLSVERIFY, NULL, "use TLS for tcp:// and verify the engine's certificate" },
	{ "debug", G_DEBUG, NULL, "print diagnostics to stderr" },
	{ "help", 'h', NULL, "this help" },
	{ "version", 'v', NULL, "berth's version" },
	CLI_OPTIONS_END,
};

/* berth itself, as a command: its usage and global options. */
static const command berth_command = { "berth", NULL, cli_global_options, NULL, "COMMAND [ARGS...]",
				       "One client for Docker, Podman and containerd.", .flags = CMD_HIDDEN };

static void usage(FILE *f)
{
	fputs("Usage: berth [OPTIONS] COMMAND [ARGS...]\n\nOne client for Docker, Podman and containerd.\n\nOptions:\n", f);
	for (const cli_option *o = cli_global_options; o->name; o++) {
		char letter[8] = "    ", left[48];
		if (o->key < 256)
			snprintf(letter, sizeof letter, "-%c, ", o->key);
		snprintf(left, sizeof left, "%s--%s%s%s", letter, o->name, o->arg ? " " : "", strempty(o->arg));
		fprintf(f, "  %-24s %s\n", left, o->help);
	}
	fputs("\nCommands:\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!(commands[i].flags & CMD_HIDDEN))
			fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\nEnvironment: DOCKER_HOST, DOCKER_CONTEXT, CONTAINER_HOST, CONTAINERD_ADDRESS,\n"
	      "DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, BERTH_SSH, BERTH_SSH_OPTIONS.\n"
	      "Run 'berth COMMAND --help' for a command.\n", f);
}

int main(int argc, char **argv)
{
	cli c = { .opts = BERTH_CLIENT_OPTIONS_INIT, .prog = "berth" };
	berth_error err = BERTH_ERROR_INIT;
	/* the table's own -h and --help are handled below, not by the parser */
	cli_parser p;
	cli_parser_init(&p, &berth_command, argc, argv);
	int o;
	while ((o = getopt_long(argc, argv, p.shorts, p.longs, NULL)) != -1) {
		switch (o) {
		case 'E':
			if (berth_engine_from_name(&c.opts.engine, optarg, &err) < 0)
				return cli_fail(&err);
			break;
		case 'H':
			c.opts.host = optarg;
			break;
		case G_API_VERSION:
			c.opts.api_version = optarg;
			break;
		case G_OWNER:
			c.opts.owner = optarg;
			break;
		case G_TIMEOUT: {
			long s = cli_parse_uint(optarg, 86400);
			if (s <= 0) {
				cli_errorf("--timeout: want whole seconds from 1 to 86400, got \"%s\"", optarg);
				return EXIT_ENGINE;
			}
			c.opts.timeout_ms = (int)(s * 1000);
			break;
		}
		case G_TLS:
			if (c.opts.tls_verify == 0)
				c.opts.tls_verify = 2; /* TLS without verification */
			break;
		case G_TLSVERIFY:
			c.opts.tls_verify = 1;
			break;
		case G_DEBUG:
			c.debug = 1;
			c.opts.log = cli_log_to_stderr;
			break;
		case 'h':
		case OPT_HELP:
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
