/* berth events: the engine's events as docker prints them, or as JSON
 * lines; reconnects by itself and says so. */
#include "cli.h"

#include <signal.h>
#include <time.h>

static berth_stream *volatile running_stream;

static void on_signal(int sig)
{
	(void)sig;
	if (running_stream)
		berth_stream_cancel(running_stream);
}

static void print_time(int64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000LL);
	struct tm tm;
	gmtime_r(&sec, &tm);
	char buf[32];
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	printf("%s.%09lldZ", buf, (long long)(ns % 1000000000LL));
}

static void print_text(const berth_frame *f, const berth_event *ev)
{
	print_time(f->time_ns);
	if (f->channel == BERTH_CHANNEL_SYSTEM) {
		printf(" berth %s (%.*s)\n", berth_event_action(ev), (int)f->len, f->data);
		return;
	}
	printf(" %s %s %s", berth_event_type(ev), berth_event_action(ev), berth_event_id(ev));
	size_t n = berth_event_attribute_count(ev);
	for (size_t i = 0; i < n; i++)
		printf("%s%s=%s", i ? ", " : " (", berth_event_attribute_key(ev, i), berth_event_attribute_value(ev, i));
	printf("%s\n", n ? ")" : "");
}

static void print_json(const berth_frame *f, const berth_event *ev)
{
	if (f->channel != BERTH_CHANNEL_SYSTEM) {
		fwrite(f->data, 1, f->len, stdout);
		fputc('\n', stdout);
		return;
	}
	jw w;
	jw_init(&w, stdout);
	jw_begin_object(&w);
	jw_kv_string(&w, "Type", "berth");
	jw_kv_string(&w, "Action", berth_event_action(ev));
	jw_kv_int(&w, "time", berth_event_time_ns(ev) / 1000000000LL);
	jw_kv_int(&w, "timeNano", berth_event_time_ns(ev));
	char *msg = strndup(f->data, f->len);
	jw_kv_string(&w, "message", msg ? msg : "");
	free(msg);
	jw_end_object(&w);
	fputc('\n', stdout);
}

enum { O_SINCE = OPT_LOCAL, O_UNTIL, O_NO_RECONNECT };

const cli_option events_options[] = {
	{ "filter", 'f', "FILTER", "Only events of container=NAME, label=KEY[=VALUE], type=TYPE or event=ACTION",
	  CLI_OPT_REPEAT },
	{ "since", O_SINCE, "T", "Begin with the events since T (RFC 3339, Unix seconds, or a duration like 10m)" },
	{ "until", O_UNTIL, "T", "Stop at T" },
	{ "no-reconnect", O_NO_RECONNECT, NULL, "End when the connection drops instead of reconnecting" },
	CLI_FORMAT_OPTION("Print text, or the engine's JSON lines"),
	CLI_OPTIONS_END,
};

int cmd_events(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("events");
	berth_events_options eo = BERTH_EVENTS_OPTIONS_INIT;
	_cleanup_strv_ strv containers = STRV_INIT;
	_cleanup_strv_ strv labels = STRV_INIT;
	_cleanup_strv_ strv types = STRV_INIT;
	_cleanup_strv_ strv actions = STRV_INIT;
	bool json = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		const char *arg = p.arg;
		int r = 0;
		switch (o) {
		case 'f':
			if (startswith(arg, "container=") && arg[10])
				r = strv_push(&containers, arg + 10);
			else if (startswith(arg, "name=") && arg[5])
				r = strv_push(&containers, arg + 5);
			else if (startswith(arg, "label=") && arg[6])
				r = strv_push(&labels, arg + 6);
			else if (startswith(arg, "type=") && arg[5])
				r = strv_push(&types, arg + 5);
			else if (startswith(arg, "event=") && arg[6])
				r = strv_push(&actions, arg + 6);
			else
				return cli_usage(cmd, "--filter: want container=NAME, label=KEY[=VALUE], type=TYPE or "
						 "event=ACTION, got \"%s\"", arg);
			break;
		case O_SINCE: eo.since = arg; break;
		case O_UNTIL: eo.until = arg; break;
		case O_NO_RECONNECT: eo.no_reconnect = 1; break;
		}
		if (r < 0)
			return EXIT_ENGINE;
	}
	if (o < 0)
		return p.rc;
	json = p.json;
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument \"%s\"", argv[optind]);
	eo.containers = (const char *const *)containers.items;
	eo.container_count = containers.len;
	eo.labels = (const char *const *)labels.items;
	eo.label_count = labels.len;
	eo.types = (const char *const *)types.items;
	eo.type_count = types.len;
	eo.actions = (const char *const *)actions.items;
	eo.action_count = actions.len;
	berth_error err = BERTH_ERROR_INIT;
	/* Bad times are usage errors, found before connecting. */
	int64_t ns;
	if ((eo.since && berth_time_parse(&ns, eo.since, &err) < 0) ||
	    (eo.until && berth_time_parse(&ns, eo.until, &err) < 0))
		return cli_usage(cmd, "%s", err.message);
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_stream *s = NULL;
	if (berth_events_watch(&s, client, &eo, &err) < 0)
		return cli_fail(&err);
	running_stream = s;
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	int rc = EXIT_OK;
	for (;;) {
		berth_frame f;
		int r = berth_stream_next(s, &f, -1, &err);
		if (r == BERTH_ITEROVER || r == BERTH_ECANCELLED)
			break;
		if (r < 0) {
			rc = cli_fail(&err);
			break;
		}
		const berth_event *ev = f.item;
		if (json)
			print_json(&f, ev);
		else
			print_text(&f, ev);
		if (fflush(stdout) != 0)
			break;   /* the reader went away */
	}
	running_stream = NULL;
	berth_stream_free(s);
	return rc;
}
