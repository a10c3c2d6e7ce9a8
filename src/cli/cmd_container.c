/* Container commands: run, create, start, stop, rm, ps, inspect. */
#include "cli.h"

/* ---- create / run ------------------------------------------------------------ */

const cli_option run_options[] = {
	{ "detach", 'd', NULL, "Run the container in the background and print its id" },
	CLI_OPTIONS_END,
};

/* run's own option: -d. */
static int run_option(int opt, const char *arg, void *payload)
{
	(void)arg;
	if (opt != 'd')
		return EXIT_ENGINE;
	*(bool *)payload = true;
	return 0;
}

static int create_or_run(cli *c, const char *verb, int argc, char **argv, bool run)
{
	const command *cmd = cli_find_command(verb);
	bool detach = false;
	berth_spec *spec = NULL;
	int r = spec_flags_parse(&spec, cmd, argc, argv, run_option, &detach);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (run && !detach) {
		r = cli_run_foreground(c, spec);
		berth_spec_free(spec);
		return r;
	}
	berth_client *client = cli_client(c);
	if (!client) {
		berth_spec_free(spec);
		return EXIT_ENGINE;
	}
	berth_pull_policy policy = berth_spec_pull_policy(spec);
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	for (int tries = 0;; tries++) {
		r = cli_pull_first(client, spec);
		if (r == 0)
			r = run ? berth_container_run(&id, client, spec, &err)
				: berth_container_create(&id, client, spec, &err);
		int pulled = tries ? 0 : cli_pull_missing(client, spec, policy, r);
		if (pulled < 0) {
			berth_spec_free(spec);
			return EXIT_ENGINE; /* docker run/create: 125 when the image cannot be had */
		}
		if (pulled == 0)
			break;
	}
	berth_spec_free(spec);
	if (r < 0) {
		cli_fail(&err);
		/* docker run/create answer every failure with 125 (or 126/127) */
		return cli_run_start_failure(&err);
	}
	puts(id);
	berth_free(id);
	return EXIT_OK;
}

int cmd_run(cli *c, int argc, char **argv) { return create_or_run(c, "run", argc, argv, true); }
int cmd_create(cli *c, int argc, char **argv) { return create_or_run(c, "create", argc, argv, false); }

/* ---- start / stop / rm: one operation over several names ----------------------- */

static int op_start(berth_client *client, const char *id, const void *opts, berth_error *err)
{
	(void)opts;
	return berth_container_start(client, id, err);
}
static int op_stop(berth_client *client, const char *id, const void *opts, berth_error *err)
{
	return berth_container_stop(client, id, opts, err);
}
static int op_rm(berth_client *client, const char *id, const void *opts, berth_error *err)
{
	return berth_container_remove(client, id, opts, err);
}

int cmd_start(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("start");
	int r = cli_no_options(cmd, argc, argv);
	if (r)
		return r < 0 ? EXIT_OK : r;
	return cli_for_each(c, cmd, argc, argv, op_start, NULL);
}

int cmd_stop(cli *c, int argc, char **argv)
{
	return cli_grace_verb(c, cli_find_command("stop"), argc, argv, op_stop);
}

const cli_option rm_options[] = {
	{ "force", 'f', NULL, "Kill a running container before removing it" },
	{ "volumes", 'v', NULL, "Remove the container's anonymous volumes too" },
	CLI_OPTIONS_END,
};

int cmd_rm(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("rm");
	berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		if (o == 'f')
			ro.force = 1;
		else
			ro.anonymous_volumes = 1;
	}
	if (o < 0)
		return p.rc;
	return cli_for_each(c, cmd, argc, argv, op_rm, &ro);
}

/* ---- ps ------------------------------------------------------------------------- */

static void print_labels_json(jw *w, const berth_container_list *l, size_t i)
{
	jw_key(w, "Labels");
	jw_begin_object(w);
	for (size_t j = 0; j < berth_container_list_label_count(l, i); j++)
		jw_kv_string(w, berth_container_list_label_key(l, i, j), berth_container_list_label_value(l, i, j));
	jw_end_object(w);
}

/* One row of the ps table, formatted from the list itself. */
typedef struct ps_rows {
	const berth_container_list *l;
	bool no_trunc;
} ps_rows;

static void ps_row(void *ctx, size_t i, const char **cells, char scratch[][128])
{
	const ps_rows *p = ctx;
	snprintf(scratch[0], 128, "%.*s", p->no_trunc ? 64 : 12, berth_container_list_id(p->l, i));
	short_command(scratch[2], 64, berth_container_list_command(p->l, i), p->no_trunc ? 60 : 20);
	human_ago(scratch[3], 48, berth_container_list_created(p->l, i));
	cells[0] = scratch[0];
	cells[1] = berth_container_list_image(p->l, i);
	cells[2] = scratch[2];
	cells[3] = scratch[3];
	cells[4] = berth_container_list_status(p->l, i);
	cells[5] = berth_container_list_ports(p->l, i);
	cells[6] = berth_container_list_name(p->l, i);
}

enum { O_NO_TRUNC = OPT_LOCAL };

const cli_option ps_options[] = {
	{ "all", 'a', NULL, "Show every container (running ones only without it)" },
	{ "quiet", 'q', NULL, "Print the ids only" },
	{ "filter", 'f', "FILTER", "Only containers with label=KEY[=VALUE], name=NAME or status=STATE", CLI_OPT_REPEAT },
	CLI_FORMAT_OPTION("Print a table, or one JSON object a line"),
	{ "no-trunc", O_NO_TRUNC, NULL, "Do not shorten ids and commands" },
	CLI_OPTIONS_END,
};

int cmd_ps(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("ps");
	berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
	_cleanup_strv_ strv labels = STRV_INIT;
	berth_state states[BERTH_STATE_DEAD];
	size_t nstates = 0;
	bool quiet = false, json = false, no_trunc = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		const char *arg = p.arg;
		switch (o) {
		case 'a': lo.all = 1; break;
		case 'q': quiet = true; break;
		case O_NO_TRUNC: no_trunc = true; break;
		case 'f':
			if (startswith(arg, "label=") && arg[6]) {
				if (strv_push(&labels, arg + 6) < 0)
					return EXIT_ENGINE;
			} else if (startswith(arg, "name=") && arg[5]) {
				lo.name = arg + 5;
			} else if (startswith(arg, "status=")) {
				berth_state st = cli_state_from_name(arg + 7);
				if (st == BERTH_STATE_UNKNOWN)
					return cli_usage(cmd, "--filter status: want created, running, paused, restarting, "
							 "removing, exited or dead, got \"%s\"", arg + 7);
				if (nstates < ARRAY_SIZE(states))
					states[nstates++] = st;
			} else {
				return cli_usage(cmd, "--filter: want label=KEY[=VALUE], name=NAME or status=STATE, got \"%s\"",
						 arg);
			}
			break;
		}
	}
	if (o < 0)
		return p.rc;
	json = p.json;
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument \"%s\"", argv[optind]);
	lo.labels = (const char *const *)labels.items;
	lo.label_count = labels.len;
	lo.states = states;
	lo.state_count = nstates;
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_container_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_container_list_get(&l, client, &lo, &err) < 0)
		return cli_fail(&err);
	size_t n = berth_container_list_count(l);
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%.*s\n", no_trunc ? 64 : 12, berth_container_list_id(l, i));
	} else if (json) {
		/* One object per line, like `docker ps --format json`. */
		for (size_t i = 0; i < n; i++) {
			jw w;
			jw_init(&w, stdout);
			jw_begin_object(&w);
			jw_kv_string(&w, "Id", berth_container_list_id(l, i));
			jw_kv_string(&w, "Name", berth_container_list_name(l, i));
			jw_kv_string(&w, "Image", berth_container_list_image(l, i));
			jw_kv_string(&w, "Command", berth_container_list_command(l, i));
			jw_kv_int(&w, "Created", berth_container_list_created(l, i));
			jw_kv_string(&w, "State", berth_state_name(berth_container_list_state(l, i)));
			jw_kv_string(&w, "Status", berth_container_list_status(l, i));
			jw_kv_string(&w, "Ports", berth_container_list_ports(l, i));
			print_labels_json(&w, l, i);
			jw_end_object(&w);
			putchar('\n');
		}
	} else {
		/* printed from the list: a thousand rows are not copied into a table */
		static const char *const head[] = { "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES" };
		ps_rows rows = { l, no_trunc };
		table_print_rows(stdout, ARRAY_SIZE(head), head, n, ps_row, &rows);
	}
	berth_container_list_free(l);
	return EXIT_OK;
}

/* ---- inspect ---------------------------------------------------------------------- */

static const char *mount_type_name(berth_mount_type t)
{
	return t == BERTH_MOUNT_BIND ? "bind" : t == BERTH_MOUNT_VOLUME ? "volume" : t == BERTH_MOUNT_TMPFS ? "tmpfs" : "other";
}

/* Health, restarts, ports, networks, mounts and Compose, as JSON. */
static void inspect_json_extras(jw *w, const berth_container_info *x)
{
	jw_key(w, "Health");
	jw_begin_object(w);
	jw_kv_string(w, "Status", berth_health_name(berth_container_info_health(x)));
	jw_kv_int(w, "FailingStreak", berth_container_info_health_failing_streak(x));
	size_t n = berth_container_info_health_log_count(x);
	if (n) {
		jw_kv_int(w, "LastExitCode", berth_container_info_health_log_exit_code(x, n - 1));
		jw_kv_string(w, "LastOutput", berth_container_info_health_log_output(x, n - 1));
	}
	jw_end_object(w);
	jw_kv_int(w, "RestartCount", berth_container_info_restart_count(x));
	jw_key(w, "Ports");
	jw_begin_array(w);
	for (size_t i = 0; i < berth_container_info_port_count(x); i++) {
		jw_begin_object(w);
		jw_kv_int(w, "ContainerPort", berth_container_info_port_container_port(x, i));
		jw_kv_string(w, "Proto", berth_container_info_port_proto(x, i));
		jw_kv_string(w, "HostIp", berth_container_info_port_host_ip(x, i));
		jw_kv_int(w, "HostPort", berth_container_info_port_host_port(x, i));
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_key(w, "Networks");
	jw_begin_object(w);
	for (size_t i = 0; i < berth_container_info_network_count(x); i++) {
		jw_key(w, berth_container_info_network_name(x, i));
		jw_begin_object(w);
		jw_kv_string(w, "IPv4", berth_container_info_network_ipv4(x, i));
		jw_kv_string(w, "IPv6", berth_container_info_network_ipv6(x, i));
		jw_kv_string(w, "Gateway", berth_container_info_network_gateway(x, i));
		jw_kv_string(w, "Mac", berth_container_info_network_mac(x, i));
		jw_end_object(w);
	}
	jw_end_object(w);
	jw_key(w, "Mounts");
	jw_begin_array(w);
	for (size_t i = 0; i < berth_container_info_mount_count(x); i++) {
		jw_begin_object(w);
		jw_kv_string(w, "Type", mount_type_name(berth_container_info_mount_type(x, i)));
		jw_kv_string(w, "Source", berth_container_info_mount_source(x, i));
		jw_kv_string(w, "Destination", berth_container_info_mount_destination(x, i));
		jw_kv_string(w, "VolumeName", berth_container_info_mount_volume_name(x, i));
		jw_kv_bool(w, "ReadOnly", berth_container_info_mount_read_only(x, i));
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_kv_string(w, "ComposeProject", berth_container_info_compose_project(x));
	jw_kv_string(w, "ComposeService", berth_container_info_compose_service(x));
}

/* The same, as text. */
static void inspect_text_extras(const berth_container_info *x)
{
	size_t n = berth_container_info_health_log_count(x);
	printf("Health:      %s", berth_health_name(berth_container_info_health(x)));
	if (n)
		printf(" (last check exited %d)", berth_container_info_health_log_exit_code(x, n - 1));
	putchar('\n');
	printf("Restarts:    %lld\n", (long long)berth_container_info_restart_count(x));
	for (size_t i = 0; i < berth_container_info_port_count(x); i++)
		printf("%s %d/%s -> %s:%d\n", i ? "            " : "Ports:      ", berth_container_info_port_container_port(x, i),
		       berth_container_info_port_proto(x, i), berth_container_info_port_host_ip(x, i),
		       berth_container_info_port_host_port(x, i));
	for (size_t i = 0; i < berth_container_info_network_count(x); i++)
		printf("%s %s %s\n", i ? "            " : "Networks:   ", berth_container_info_network_name(x, i),
		       berth_container_info_network_ipv4(x, i));
	for (size_t i = 0; i < berth_container_info_mount_count(x); i++)
		printf("%s %s %s -> %s%s\n", i ? "            " : "Mounts:     ",
		       mount_type_name(berth_container_info_mount_type(x, i)), berth_container_info_mount_source(x, i),
		       berth_container_info_mount_destination(x, i), berth_container_info_mount_read_only(x, i) ? " (ro)" : "");
	if (*berth_container_info_compose_project(x))
		printf("Compose:     %s/%s\n", berth_container_info_compose_project(x), berth_container_info_compose_service(x));
}

static void inspect_json(jw *w, const berth_container_info *x)
{
	jw_begin_object(w);
	jw_kv_string(w, "Id", berth_container_info_id(x));
	jw_kv_string(w, "Name", berth_container_info_name(x));
	jw_kv_string(w, "Image", berth_container_info_image(x));
	jw_kv_string(w, "ImageId", berth_container_info_image_id(x));
	jw_kv_string(w, "State", berth_state_name(berth_container_info_state(x)));
	jw_kv_bool(w, "Running", berth_container_info_running(x));
	jw_kv_int(w, "ExitCode", berth_container_info_exit_code(x));
	jw_kv_bool(w, "OOMKilled", berth_container_info_oom_killed(x));
	jw_kv_int(w, "Pid", berth_container_info_pid(x));
	jw_kv_string(w, "Error", berth_container_info_error(x));
	jw_kv_string(w, "Created", berth_container_info_created(x));
	jw_kv_string(w, "StartedAt", berth_container_info_started_at(x));
	jw_kv_string(w, "FinishedAt", berth_container_info_finished_at(x));
	jw_key(w, "Cmd");
	jw_begin_array(w);
	for (size_t i = 0; i < berth_container_info_cmd_count(x); i++)
		jw_string(w, berth_container_info_cmd(x, i));
	jw_end_array(w);
	jw_key(w, "Env");
	jw_begin_array(w);
	for (size_t i = 0; i < berth_container_info_env_count(x); i++)
		jw_string(w, berth_container_info_env(x, i));
	jw_end_array(w);
	jw_key(w, "Labels");
	jw_begin_object(w);
	for (size_t i = 0; i < berth_container_info_label_count(x); i++)
		jw_kv_string(w, berth_container_info_label_key(x, i), berth_container_info_label_value(x, i));
	jw_end_object(w);
	inspect_json_extras(w, x);
	jw_key(w, "Raw");
	jw_raw(w, berth_container_info_raw_json(x));
	jw_end_object(w);
}

static void inspect_text(const berth_container_info *x)
{
	printf("Id:          %s\n", berth_container_info_id(x));
	printf("Name:        %s\n", berth_container_info_name(x));
	printf("Image:       %s (%s)\n", berth_container_info_image(x), berth_container_info_image_id(x));
	printf("State:       %s\n", berth_state_name(berth_container_info_state(x)));
	printf("Pid:         %lld\n", (long long)berth_container_info_pid(x));
	printf("Exit code:   %d%s\n", berth_container_info_exit_code(x),
	       berth_container_info_oom_killed(x) ? " (OOM killed)" : "");
	if (*berth_container_info_error(x))
		printf("Error:       %s\n", berth_container_info_error(x));
	printf("Created:     %s\n", berth_container_info_created(x));
	printf("Started:     %s\n", *berth_container_info_started_at(x) ? berth_container_info_started_at(x) : "never");
	printf("Finished:    %s\n", *berth_container_info_finished_at(x) ? berth_container_info_finished_at(x) : "-");
	inspect_text_extras(x);
	printf("Command:    ");
	for (size_t i = 0; i < berth_container_info_cmd_count(x); i++)
		printf(" %s", berth_container_info_cmd(x, i));
	putchar('\n');
	size_t nl = berth_container_info_label_count(x);
	printf("Labels:      %s\n", nl ? "" : "(none)");
	for (size_t i = 0; i < nl; i++)
		printf("  %s=%s\n", berth_container_info_label_key(x, i), berth_container_info_label_value(x, i));
}

int cmd_inspect(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("inspect");
	bool json = false;
	int r = cli_format_options(cmd, argc, argv, &json);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (optind >= argc)
		return cli_usage(cmd, "no container given");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	int rc = EXIT_OK;
	jw w;
	jw_init(&w, stdout);
	if (json)
		jw_begin_array(&w);
	for (int i = optind; i < argc; i++) {
		berth_container_info *x = NULL;
		berth_error err = BERTH_ERROR_INIT;
		if (berth_container_inspect(&x, client, argv[i], &err) < 0) {
			int code = cli_fail(&err);
			if (code > rc)
				rc = code;
			continue;
		}
		if (json)
			inspect_json(&w, x);
		else
			inspect_text(x);
		if (!json && i + 1 < argc)
			putchar('\n');
		berth_container_info_free(x);
	}
	if (json) {
		jw_end_array(&w);
		putchar('\n');
	}
	return rc;
}
