/* berth ready: wait until a container is ready (its health check says
 * healthy, the probes pass), or say why it is not. */
#include "cli.h"

/* Indent each line of text under a heading, on stderr. */
static void print_block(const char *heading, const char *text)
{
	if (isempty(text))
		return;
	fprintf(stderr, "%s:\n", heading);
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		fprintf(stderr, "  %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static void print_failure(const berth_ready_result *res)
{
	if (berth_ready_result_health_exit_code(res) >= 0)
		fprintf(stderr, "last health check: exit %d\n", berth_ready_result_health_exit_code(res));
	print_block("health check output", berth_ready_result_health_output(res));
	for (size_t i = 0; i < berth_ready_result_probe_count(res); i++)
		if (!berth_ready_result_probe_passed(res, i))
			fprintf(stderr, "probe %zu: %s\n", i + 1, berth_ready_result_probe_message(res, i));
	print_block("last output", berth_ready_result_logs(res));
}

enum { O_INTERVAL = OPT_LOCAL, O_ANY, O_NO_HEALTH, O_READY };

const cli_option ready_options[] = {
	{ "timeout", 't', "S", "Give up after S seconds" },
	{ "interval", O_INTERVAL, "MS", "Milliseconds between two rounds of checks" },
	{ "probe", 'p', "PROBE", "Also wait for tcp:PORT, http:PORT/PATH[#STATUS], log:REGEX or exec:CMD",
	  CLI_OPT_REPEAT },
	{ "any", O_ANY, NULL, "Ready when any one probe passes (default: all)" },
	{ "no-health", O_NO_HEALTH, NULL, "Ignore the container's health check" },
	/* `wait --ready` lands here too */
	{ "ready", O_READY, NULL, "Accepted for `berth wait --ready`", CLI_OPT_HIDDEN },
	CLI_OPTIONS_END,
};

int cmd_ready(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("ready");
	berth_ready_options ro = BERTH_READY_OPTIONS_INIT;
	berth_probe *probes[32];
	size_t nprobes = 0;
	int rc = EXIT_OK, o;
	berth_error err = BERTH_ERROR_INIT;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	while (rc == EXIT_OK && (o = cli_next(&p)) != 0) {
		const char *arg = p.arg;
		switch (o) {
		case 't': {
			long s = cli_parse_uint(arg, 86400);
			if (s <= 0)
				rc = cli_usage(cmd, "--timeout: want whole seconds from 1 to 86400, got \"%s\"", arg);
			ro.timeout_ms = (int)s * 1000;
			break;
		}
		case O_INTERVAL: {
			long ms = cli_parse_uint(arg, 3600000);
			if (ms <= 0)
				rc = cli_usage(cmd, "--interval: want milliseconds from 1 to 3600000, got \"%s\"", arg);
			ro.interval_ms = (int)ms;
			break;
		}
		case 'p':
			if (nprobes == ARRAY_SIZE(probes))
				rc = cli_usage(cmd, "--probe: at most %zu probes", ARRAY_SIZE(probes));
			else if (berth_probe_parse(&probes[nprobes], arg, &err) < 0)
				rc = cli_usage(cmd, "--probe: %s", err.message);
			else
				nprobes++;
			break;
		case O_ANY: ro.any = 1; break;
		case O_NO_HEALTH: ro.ignore_health = 1; break;
		case O_READY: break;
		case -1:
			/* help (0: ends as -1, below) or a bad option */
			rc = p.rc ? p.rc : -1;
			break;
		}
	}
	if (rc == EXIT_OK && optind != argc - 1)
		rc = cli_usage(cmd, optind >= argc ? "no container given" : "one container at a time");
	berth_client *client = rc == EXIT_OK ? cli_client(c) : NULL;
	if (rc == EXIT_OK && !client)
		rc = EXIT_ENGINE;
	if (rc == EXIT_OK) {
		const char *name = argv[optind];
		ro.probes = (const berth_probe *const *)probes;
		ro.probe_count = nprobes;
		berth_ready_result *res = NULL;
		int r = berth_container_wait_ready(&res, client, name, &ro, &err);
		if (r == 0) {
			printf("%s: ready after %.1f s (health %s)\n", name,
			       (double)berth_ready_result_elapsed_ms(res) / 1000.0,
			       berth_health_name(berth_ready_result_health(res)));
		} else if (res) {
			/* a verdict: exited, unhealthy or timed out */
			cli_errorf("%s", err.message);
			if (berth_ready_result_state(res) == BERTH_READY_EXITED)
				printf("%d\n", berth_ready_result_exit_code(res)); /* as `docker wait` prints it */
			print_failure(res);
			rc = EXIT_FAIL;
		} else {
			rc = cli_fail(&err);
		}
		berth_ready_result_free(res);
	}
	for (size_t i = 0; i < nprobes; i++)
		berth_probe_free(probes[i]);
	return rc < 0 ? EXIT_OK : rc;
}
