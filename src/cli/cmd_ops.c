/* Container commands beyond the lifecycle: restart, kill, pause, unpause,
 * rename, update, wait, prune, port. Output and exit codes as the docker
 * CLI's. */
#include "cli.h"

#include <ctype.h>
#include <math.h>
#include <strings.h>

/* ---- restart, kill, pause, unpause ---------------------------------------------- */

static int op_restart(berth_client *client, const char *id, const void *opts, berth_error *err)
{
	return berth_container_restart(client, id, opts, err);
}

static int op_kill(berth_client *client, const char *id, const void *opts, berth_error *err)
{
	return berth_container_kill(client, id, *(const int *)opts, err);
}

static int op_pause(berth_client *client, const char *id, const void *opts, berth_error *err)
{
	(void)opts;
	return berth_container_pause(client, id, err);
}

static int op_unpause(berth_client *client, const char *id, const void *opts, berth_error *err)
{
	(void)opts;
	return berth_container_unpause(client, id, err);
}

int cmd_restart(cli *c, int argc, char **argv)
{
	return cli_grace_verb(c, cli_find_command("restart"), argc, argv, op_restart);
}

const cli_option kill_options[] = {
	{ "signal", 's', "SIGNAL", "The signal to send, by name or number (default KILL)" },
	CLI_OPTIONS_END,
};

int cmd_kill(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("kill");
	int sig = 9; /* docker kill's default: KILL */
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		berth_error err = BERTH_ERROR_INIT;
		if (berth_signal_parse(&sig, p.arg, &err) < 0)
			return cli_usage(cmd, "%s", err.message);
	}
	if (o < 0)
		return p.rc;
	return cli_for_each(c, cmd, argc, argv, op_kill, &sig);
}

int cmd_pause(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("pause");
	int r = cli_no_options(cmd, argc, argv);
	return r ? (r < 0 ? EXIT_OK : r) : cli_for_each(c, cmd, argc, argv, op_pause, NULL);
}

int cmd_unpause(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("unpause");
	int r = cli_no_options(cmd, argc, argv);
	return r ? (r < 0 ? EXIT_OK : r) : cli_for_each(c, cmd, argc, argv, op_unpause, NULL);
}

/* ---- rename ---------------------------------------------------------------------- */

int cmd_rename(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("rename");
	int r = cli_no_options(cmd, argc, argv);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (argc - optind != 2)
		return cli_usage(cmd, "want a container and its new name");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_container_rename(client, argv[optind], argv[optind + 1], &err) < 0)
		return cli_fail(&err);
	return EXIT_OK;
}

/* ---- update ---------------------------------------------------------------------- */

/* "64m", "1.5g", "512KiB", "1048576": bytes (1024-based units, as docker's). */
static int parse_bytes(int64_t *out, const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0 || !isfinite(v))
		return -1;
	static const char units[] = "bkmgtp";
	double mult = 1;
	if (*end) {
		const char *u = strchr(units, tolower((unsigned char)*end));
		if (!u)
			return -1;
		for (const char *p = units; p < u; p++)
			mult *= 1024;
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if ((*end == 'b' || *end == 'B') && u != units)
			end++;
	}
	if (*end || v * mult >= 9.2e18)
		return -1;
	*out = (int64_t)(v * mult);
	return 0;
}

/* "1.5" CPUs -> 1500000000 nano-CPUs, exactly (up to 9 decimals). */
static int parse_cpus(int64_t *out, const char *s)
{
	int64_t whole = 0, frac = 0, scale = 1000000000;
	const char *p = s;
	if (!*p)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 1000000)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale == 1)
				return -1;
			scale /= 10;
			frac += (*p - '0') * scale;
		}
	}
	if (*p || p == s)
		return -1;
	*out = whole * 1000000000 + frac;
	return 0;
}

/* "-1" or a size. */
static int parse_swap(int64_t *out, const char *s)
{
	if (STREQ(s, "-1")) {
		*out = -1;
		return 0;
	}
	return parse_bytes(out, s);
}

static int op_update(berth_client *client, const char *id, const void *opts, berth_error *err)
{
	return berth_container_update(client, id, opts, err);
}

enum { O_MEMORY_SWAP = OPT_LOCAL, O_CPUS, O_PIDS_LIMIT, O_RESTART };

const cli_option update_options[] = {
	{ "memory", 'm', "BYTES", "Memory limit (64m, 1g, ...)" },
	{ "memory-swap", O_MEMORY_SWAP, "BYTES", "Memory and swap together; -1 for unlimited swap" },
	{ "cpus", O_CPUS, "N", "Number of CPUs (1.5, ...)" },
	{ "cpu-shares", 'c', "SHARES", "Relative CPU weight" },
	{ "pids-limit", O_PIDS_LIMIT, "N", "Most processes at once; -1 for no limit" },
	{ "restart", O_RESTART, "POLICY", "Restart policy: no, always, unless-stopped, on-failure[:COUNT]" , 0,
	  "no always unless-stopped on-failure" },
	CLI_OPTIONS_END,
};

int cmd_update(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("update");
	berth_update_options uo = BERTH_UPDATE_OPTIONS_INIT;
	_cleanup_free_ char *policy = NULL;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		const char *arg = p.arg;
		switch (o) {
		case 'm':
			if (parse_bytes(&uo.memory, arg) < 0)
				return cli_usage(cmd, "--memory: want a size like 64m or 1g, got \"%s\"", arg);
			break;
		case O_MEMORY_SWAP:
			if (parse_swap(&uo.memory_swap, arg) < 0)
				return cli_usage(cmd, "--memory-swap: want a size like 128m, or -1, got \"%s\"", arg);
			break;
		case O_CPUS:
			if (parse_cpus(&uo.nano_cpus, arg) < 0)
				return cli_usage(cmd, "--cpus: want a number of CPUs like 1.5, got \"%s\"", arg);
			break;
		case 'c': {
			long v = cli_parse_uint(arg, 1 << 30);
			if (v < 0)
				return cli_usage(cmd, "--cpu-shares: want a whole number, got \"%s\"", arg);
			uo.cpu_shares = v;
			break;
		}
		case O_PIDS_LIMIT: {
			long v = STREQ(arg, "-1") ? -1 : cli_parse_uint(arg, 1L << 30);
			if (v < -1 || (v < 0 && !STREQ(arg, "-1")))
				return cli_usage(cmd, "--pids-limit: want a whole number or -1, got \"%s\"", arg);
			uo.pids_limit = v;
			break;
		}
		case O_RESTART: {
			free(policy);
			policy = strdup(arg);
			if (!policy)
				return EXIT_ENGINE;
			char *colon = strchr(policy, ':');
			if (colon) {
				*colon = '\0';
				long n = cli_parse_uint(colon + 1, 1 << 30);
				if (n < 0)
					return cli_usage(cmd, "--restart: want on-failure[:COUNT], got \"%s\"", arg);
				uo.restart_max_retries = (int)n;
			}
			uo.restart_policy = policy;
			break;
		}
		}
	}
	if (o < 0)
		return p.rc;
	if (uo.memory == BERTH_UNCHANGED && uo.memory_swap == BERTH_UNCHANGED && uo.nano_cpus == BERTH_UNCHANGED &&
	    uo.cpu_shares == BERTH_UNCHANGED && uo.pids_limit == BERTH_UNCHANGED && !uo.restart_policy)
		return cli_usage(cmd, "give one or more limits to change");
	return cli_for_each(c, cmd, argc, argv, op_update, &uo);
}

/* ---- wait --------------------------------------------------------------------------- */

typedef struct wait_request {
	berth_wait_options opts;
	bool json;
} wait_request;

/* Wait for one container and print how it ended: its exit code, as docker
 * wait does, or the whole outcome as one JSON object. */
static int op_wait(berth_client *client, const char *id, const void *opts, berth_error *err)
{
	const wait_request *q = opts;
	berth_wait_outcome out = BERTH_WAIT_OUTCOME_INIT;
	int r = berth_container_wait(&out, client, id, &q->opts, err);
	if (r < 0)
		return r;
	if (q->json) {
		jw w;
		jw_init(&w, stdout);
		jw_begin_object(&w);
		jw_kv_string(&w, "Name", id);
		jw_kv_int(&w, "ExitCode", out.exit_code);
		jw_kv_bool(&w, "OOMKilled", out.oom_killed);
		jw_kv_int(&w, "Signal", out.signal);
		jw_kv_string(&w, "Error", out.error);
		jw_end_object(&w);
		putchar('\n');
	} else {
		printf("%d\n", out.exit_code);
	}
	fflush(stdout); /* one line as each container ends */
	return 0;
}

/* `berth wait --ready ...` is `berth ready ...`: the same flags, without
 * --ready, go to the readiness command. */
static int wait_ready(cli *c, int argc, char **argv)
{
	char **args = calloc((size_t)argc + 1, sizeof *args);
	if (!args)
		return EXIT_ENGINE;
	int n = 0;
	args[n++] = (char *)"ready";
	for (int i = 1; i < argc; i++)
		if (!STREQ(argv[i], "--ready"))
			args[n++] = argv[i];
	/* through the command table: the ready command is another file's */
	int r = cli_find_command("ready")->run(c, n, args);
	free(args);
	return r;
}

enum { O_CONDITION = OPT_LOCAL, O_READY, O_FILTER };

/* --ready is not parsed here: its presence hands the whole line to ready. */
const cli_option wait_options[] = {
	{ "condition", O_CONDITION, "CONDITION", "Wait until the container is not-running (default), at its next-exit, "
	  "or removed", 0, "not-running next-exit removed" },
	{ "timeout", 't', "SECONDS", "Give up after this long" },
	CLI_FORMAT_OPTION("Print the exit codes, or one JSON object a container"),
	{ "ready", O_READY, NULL, "Wait until the container is ready instead: the options are ready's" },
	CLI_OPTIONS_END,
};

int cmd_wait(cli *c, int argc, char **argv)
{
	for (int i = 1; i < argc && !STREQ(argv[i], "--"); i++)
		if (STREQ(argv[i], "--ready"))
			return wait_ready(c, argc, argv);
	const command *cmd = cli_find_command("wait");
	wait_request q = { BERTH_WAIT_OPTIONS_INIT, false };
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		const char *arg = p.arg;
		switch (o) {
		case O_CONDITION:
			if (STREQ(arg, "not-running"))
				q.opts.condition = BERTH_WAIT_NOT_RUNNING;
			else if (STREQ(arg, "next-exit"))
				q.opts.condition = BERTH_WAIT_NEXT_EXIT;
			else if (STREQ(arg, "removed"))
				q.opts.condition = BERTH_WAIT_REMOVED;
			else
				return cli_usage(cmd, "--condition: want not-running, next-exit or removed, got \"%s\"",
						 arg);
			break;
		case 't': {
			long t = cli_parse_uint(arg, 24 * 3600);
			if (t <= 0)
				return cli_usage(cmd, "--timeout: want whole seconds from 1 to 86400, got \"%s\"", arg);
			q.opts.timeout_ms = (int)(t * 1000);
			break;
		}
		}
	}
	if (o < 0)
		return p.rc;
	q.json = p.json;
	return cli_each(c, cmd, argc, argv, op_wait, &q, false);
}

/* ---- prune --------------------------------------------------------------------------- */

const cli_option prune_options[] = {
	{ "filter", CLI_PRUNE_FILTER, "label=KEY[=VALUE]", "Only containers with this label", CLI_OPT_REPEAT },
	{ "force", 'f', NULL, "Do not ask for confirmation" },
	CLI_OPTIONS_END,
};

int cmd_prune(cli *c, int argc, char **argv) { return cli_prune(c, cli_find_command("prune"), argc, argv, false); }

/* ---- port -------------------------------------------------------------------------------- */

/* "127.0.0.1:32768", "[::]:32768" */
static void host_addr(char *buf, size_t size, const char *ip, int port)
{
	bool v6 = strchr(ip, ':') != NULL;
	snprintf(buf, size, "%s%s%s:%d", v6 ? "[" : "", *ip ? ip : "0.0.0.0", v6 ? "]" : "", port);
}

int cmd_port(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("port");
	int r = cli_no_options(cmd, argc, argv);
	if (r)
		return r < 0 ? EXIT_OK : r;
	int nargs = argc - optind;
	if (nargs < 1 || nargs > 2)
		return cli_usage(cmd, "want a container and at most one PORT[/PROTO]");
	const char *name = argv[optind];
	long want = 0;
	char proto[8] = "tcp";
	if (nargs == 2) {
		const char *arg = argv[optind + 1];
		const char *slash = strchr(arg, '/');
		char num[8];
		size_t n = slash ? (size_t)(slash - arg) : strlen(arg);
		if (n == 0 || n >= sizeof num)
			return cli_usage(cmd, "PORT: want 1 to 65535 with an optional /tcp, /udp or /sctp, got \"%s\"", arg);
		memcpy(num, arg, n);
		num[n] = '\0';
		want = cli_parse_uint(num, 65535);
		if (slash)
			snprintf(proto, sizeof proto, "%s", slash + 1);
		if (want < 1 || !(STREQ(proto, "tcp") || STREQ(proto, "udp") || STREQ(proto, "sctp")))
			return cli_usage(cmd, "PORT: want 1 to 65535 with an optional /tcp, /udp or /sctp, got \"%s\"", arg);
	}
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_container_info *x = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_container_inspect(&x, client, name, &err) < 0)
		return cli_fail(&err);
	size_t shown = 0;
	for (size_t i = 0; i < berth_container_info_port_count(x); i++) {
		int cport = berth_container_info_port_container_port(x, i);
		const char *p = berth_container_info_port_proto(x, i);
		char addr[80];
		host_addr(addr, sizeof addr, berth_container_info_port_host_ip(x, i), berth_container_info_port_host_port(x, i));
		if (!want) {
			printf("%d/%s -> %s\n", cport, p, addr);
			shown++;
		} else if (cport == want && STREQ(p, proto)) {
			puts(addr);
			shown++;
		}
	}
	berth_container_info_free(x);
	if (want && !shown) {
		cli_errorf("no public port '%ld/%s' published for %s", want, proto, name);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
