/* exec and attach: a process's stream, pumped (pump.c) between it and
 * the local terminal or pipes. */
#include "cli.h"

/* ---- exec ------------------------------------------------------------------------ */

enum { O_PRIVILEGED = OPT_LOCAL, O_NO_STDIN, O_SIG_PROXY };

const cli_option exec_options[] = {
	{ "interactive", 'i', NULL, "Forward stdin (its end is the command's end of file)" },
	{ "tty", 't', NULL, "Allocate a terminal (raw mode and window size follow the local one)" },
	{ "detach", 'd', NULL, "Start the command and return" },
	{ "env", 'e', "KEY=VALUE", "Set an environment variable", CLI_OPT_REPEAT },
	{ "user", 'u', "USER", "Run as this user (name or UID[:GID])" },
	{ "workdir", 'w', "DIR", "Working directory of the command" },
	{ "privileged", O_PRIVILEGED, NULL, "Give the command extended privileges" },
	CLI_OPTIONS_END,
};

int cmd_exec(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("exec");
	berth_exec_options o = BERTH_EXEC_OPTIONS_INIT;
	_cleanup_strv_ strv env = STRV_INIT;
	cli_parser args;
	cli_parser_init(&args, cmd, argc, argv);
	int opt;
	while ((opt = cli_next(&args)) > 0) {
		switch (opt) {
		case 'i': o.attach_stdin = 1; break;
		case 't': o.tty = 1; break;
		case 'd': o.detach = 1; break;
		case 'e':
			if (strv_push(&env, args.arg) < 0)
				return EXIT_ENGINE;
			break;
		case 'u': o.user = args.arg; break;
		case 'w': o.workdir = args.arg; break;
		case O_PRIVILEGED: o.privileged = 1; break;
		}
	}
	if (opt < 0)
		return args.rc;
	if (argc - optind < 2)
		return cli_usage(cmd, argc - optind < 1 ? "no container given" : "no command given");
	const char *name = argv[optind];
	o.argv = (const char *const *)argv + optind + 1;
	o.argc = (size_t)(argc - optind - 1);
	o.env = (const char *const *)env.items;
	o.env_count = env.len;
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = NULL;
	char *exec_id = NULL;
	if (berth_exec_start(&s, &exec_id, client, name, &o, &err) < 0)
		return cli_fail(&err);
	if (o.detach) {
		berth_free(exec_id);
		return EXIT_OK;
	}
	pump p = { .s = s, .forward_stdin = o.attach_stdin, .tty = o.tty, .client = client };
	int rc = cli_pump_go(&p);
	berth_stream_free(s);
	if (rc == 0) {
		int code = -1;
		if (berth_exec_exit_code(&code, client, exec_id, 0, &err) < 0)
			rc = cli_fail125(&err);
		else
			rc = code;
	}
	berth_free(exec_id);
	return rc;
}

/* ---- attach ------------------------------------------------------------------- */

const cli_option attach_options[] = {
	{ "no-stdin", O_NO_STDIN, NULL, "Do not attach stdin" },
	{ "sig-proxy", O_SIG_PROXY, "true|false", "Pass the signals berth gets on to the container (default true)",
	  CLI_OPT_OPTIONAL, "true false" },
	CLI_OPTIONS_END,
};

int cmd_attach(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("attach");
	bool no_stdin = false, sig_proxy = true;
	cli_parser args;
	cli_parser_init(&args, cmd, argc, argv);
	int opt;
	while ((opt = cli_next(&args)) > 0) {
		if (opt == O_NO_STDIN) {
			no_stdin = true;
			continue;
		}
		if (args.arg && !STREQ(args.arg, "true") && !STREQ(args.arg, "false"))
			return cli_usage(cmd, "--sig-proxy=%s: want true or false", args.arg);
		sig_proxy = !args.arg || STREQ(args.arg, "true");
	}
	if (opt < 0)
		return args.rc;
	if (argc - optind != 1)
		return cli_usage(cmd, argc - optind < 1 ? "no container given" : "one container only");
	const char *name = argv[optind];
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_error err = BERTH_ERROR_INIT;
	berth_container_info *x = NULL;
	if (berth_container_inspect(&x, client, name, &err) < 0)
		return cli_fail(&err);
	bool tty = berth_container_info_tty(x) > 0;
	/* as docker: stdin only for a container that keeps it open */
	no_stdin = no_stdin || !berth_container_info_stdin_open(x);
	berth_state st = berth_container_info_state(x);
	berth_container_info_free(x);
	if (st != BERTH_STATE_RUNNING) {
		cli_errorf("attach %s: the container is %s; %s it first", name, berth_state_name(st),
			   st == BERTH_STATE_PAUSED ? "unpause" : "start");
		return EXIT_FAIL;
	}
	berth_attach_options a = BERTH_ATTACH_OPTIONS_INIT;
	a.attach_stdin = !no_stdin;
	berth_stream *s = NULL;
	if (berth_container_attach(&s, client, name, &a, &err) < 0)
		return cli_fail(&err);
	pump p = { .s = s, .forward_stdin = !no_stdin, .tty = tty, .client = client, .container = name,
		   .sig_proxy = sig_proxy && !tty };
	int rc = cli_pump_go(&p);
	berth_stream_free(s);
	return rc ? rc : cli_container_exit_code(client, name);
}
