/* berth network create|ls|inspect|rm|connect|disconnect|prune: user
 * networks, as docker's network verbs. */
#include "cli.h"

#include <unistd.h>

/* The worse of two exit codes. */
static int worse(int a, int b) { return a > b ? a : b; }

/* ---- create ------------------------------------------------------------------------ */

enum { O_DRIVER = 'd', O_SUBNET = OPT_LOCAL + 60, O_GATEWAY, O_INTERNAL, O_LABEL, O_ALIAS };

static const cli_option network_create_options[] = {
	{ "driver", 'd', "DRIVER", "The network's driver (bridge, the only one)", 0, "bridge" },
	{ "subnet", O_SUBNET, "CIDR", "Its subnet, as 10.89.7.0/24 (default: the engine picks a free one)" },
	{ "gateway", O_GATEWAY, "IP", "Its gateway, an address of the subnet (default: the first)" },
	{ "internal", O_INTERNAL, NULL, "No route out of the network" },
	{ "label", O_LABEL, "KEY=VALUE", "Set a label", CLI_OPT_REPEAT },
	CLI_OPTIONS_END,
};

static int network_create(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(network_subcommands, "network create");
	_cleanup_strv_ strv labels = STRV_INIT;
	berth_network_create_options co = BERTH_NETWORK_CREATE_OPTIONS_INIT;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		switch (o) {
		case O_DRIVER: co.driver = p.arg; break;
		case O_SUBNET: co.subnet = p.arg; break;
		case O_GATEWAY: co.gateway = p.arg; break;
		case O_INTERNAL: co.internal = 1; break;
		case O_LABEL:
			if (strv_push(&labels, p.arg) < 0)
				return EXIT_ENGINE;
			break;
		}
	}
	if (o < 0)
		return p.rc;
	if (argc - optind != 1)
		return cli_usage(cmd, optind < argc ? "one network name, please" : "which network?");
	co.labels = (const char *const *)labels.items;
	co.label_count = labels.len;
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_network_create(&id, client, argv[optind], &co, &err) < 0)
		return cli_fail(&err);
	printf("%s\n", id);
	berth_free(id);
	return EXIT_OK;
}

/* ---- ls ------------------------------------------------------------------------------- */

enum { O_NO_TRUNC = OPT_LOCAL + 70 };

static const cli_option network_ls_options[] = {
	{ "quiet", 'q', NULL, "Print the ids only" },
	{ "no-trunc", O_NO_TRUNC, NULL, "Do not shorten ids" },
	{ "filter", 'f', "label=KEY[=VALUE]", "Only networks with this label", CLI_OPT_REPEAT },
	CLI_FORMAT_OPTION("Print a table, or one JSON object a line"),
	CLI_OPTIONS_END,
};

static void labels_json(jw *w, const berth_network_info *n)
{
	jw_key(w, "Labels");
	jw_begin_object(w);
	for (size_t i = 0; i < berth_network_info_label_count(n); i++)
		jw_kv_string(w, berth_network_info_label_key(n, i), berth_network_info_label_value(n, i));
	jw_end_object(w);
}

static int network_ls(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(network_subcommands, "network ls");
	_cleanup_strv_ strv labels = STRV_INIT;
	bool quiet = false, no_trunc = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o, r;
	while ((o = cli_next(&p)) > 0) {
		switch (o) {
		case 'q': quiet = true; break;
		case O_NO_TRUNC: no_trunc = true; break;
		case 'f':
			if ((r = cli_label_filter(cmd, &labels, p.arg)) != 0)
				return r;
			break;
		}
	}
	if (o < 0)
		return p.rc;
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument \"%s\"", argv[optind]);
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_network_list_options lo = BERTH_NETWORK_LIST_OPTIONS_INIT;
	lo.labels = (const char *const *)labels.items;
	lo.label_count = labels.len;
	berth_network_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_network_list_get(&l, client, &lo, &err) < 0)
		return cli_fail(&err);
	size_t n = berth_network_list_count(l);
	table t;
	static const char *const head[] = { "NETWORK ID", "NAME", "DRIVER", "SCOPE" };
	table_init(&t, 4, head);
	for (size_t i = 0; i < n; i++) {
		const berth_network_info *x = berth_network_list_at(l, i);
		char id[80];
		snprintf(id, sizeof id, "%.*s", no_trunc ? 64 : 12, berth_network_info_id(x));
		if (quiet) {
			printf("%s\n", id);
		} else if (p.json) {
			jw w;
			jw_init(&w, stdout);
			jw_begin_object(&w);
			jw_kv_string(&w, "ID", berth_network_info_id(x));
			jw_kv_string(&w, "Name", berth_network_info_name(x));
			jw_kv_string(&w, "Driver", berth_network_info_driver(x));
			jw_kv_string(&w, "Scope", berth_network_info_scope(x));
			jw_kv_bool(&w, "Internal", berth_network_info_internal(x));
			jw_kv_string(&w, "Created", berth_network_info_created(x));
			labels_json(&w, x);
			jw_end_object(&w);
			putchar('\n');
		} else {
			const char *row[] = { id, berth_network_info_name(x), berth_network_info_driver(x),
					      berth_network_info_scope(x) };
			table_add(&t, row);
		}
	}
	if (!quiet && !p.json)
		table_print(&t, stdout);
	table_release(&t);
	berth_network_list_free(l);
	return EXIT_OK;
}

/* ---- inspect ----------------------------------------------------------------------------- */

static void inspect_text(const berth_network_info *x)
{
	printf("Id:        %s\nName:      %s\nDriver:    %s\nScope:     %s\nInternal:  %s\nCreated:   %s\n",
	       berth_network_info_id(x), berth_network_info_name(x), berth_network_info_driver(x),
	       berth_network_info_scope(x), berth_network_info_internal(x) ? "true" : "false",
	       berth_network_info_created(x));
	printf("Subnets:\n");
	for (size_t i = 0; i < berth_network_info_subnet_count(x); i++) {
		const char *gw = berth_network_info_gateway(x, i);
		printf("  %s%s%s\n", berth_network_info_subnet(x, i), *gw ? " gateway " : "", gw);
	}
	printf("Labels:\n");
	for (size_t i = 0; i < berth_network_info_label_count(x); i++)
		printf("  %s=%s\n", berth_network_info_label_key(x, i), berth_network_info_label_value(x, i));
	printf("Containers:\n");
	for (size_t i = 0; i < berth_network_info_container_count(x); i++) {
		const char *v6 = berth_network_info_container_ipv6(x, i);
		printf("  %s %.12s %s%s%s\n", berth_network_info_container_name(x, i),
		       berth_network_info_container_id(x, i), berth_network_info_container_ipv4(x, i), *v6 ? " " : "",
		       v6);
	}
}

static int network_inspect(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(network_subcommands, "network inspect");
	bool json = false;
	int r = cli_format_options(cmd, argc, argv, &json);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (optind >= argc)
		return cli_usage(cmd, "which network?");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	int rc = EXIT_OK;
	bool first = true;
	if (json)
		printf("[");
	for (int a = optind; a < argc; a++) {
		berth_network_info *x = NULL;
		berth_error err = BERTH_ERROR_INIT;
		if (berth_network_inspect(&x, client, argv[a], &err) < 0) {
			rc = worse(rc, cli_fail(&err));
			continue;
		}
		if (json)
			printf("%s%s", first ? "" : ",", berth_network_info_raw_json(x));
		else
			inspect_text(x);
		first = false;
		berth_network_info_free(x);
	}
	if (json)
		printf("]\n");
	return rc;
}

/* ---- rm ------------------------------------------------------------------------------------ */

static int network_remove_one(berth_client *client, const char *name, const void *opts, berth_error *err)
{
	(void)opts;
	return berth_network_remove(client, name, err);
}

static int network_rm(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(network_subcommands, "network rm");
	int r = cli_no_options(cmd, argc, argv);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (optind >= argc)
		return cli_usage(cmd, "which network?");
	return cli_for_each(c, cmd, argc, argv, network_remove_one, NULL);
}

/* ---- connect, disconnect ------------------------------------------------------------------ */

static const cli_option network_connect_options[] = {
	{ "alias", O_ALIAS, "NAME", "Another name the container answers to on the network", CLI_OPT_REPEAT },
	CLI_OPTIONS_END,
};

static int network_connect(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(network_subcommands, "network connect");
	_cleanup_strv_ strv aliases = STRV_INIT;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0)
		if (o == O_ALIAS && strv_push(&aliases, p.arg) < 0)
			return EXIT_ENGINE;
	if (o < 0)
		return p.rc;
	if (argc - optind != 2)
		return cli_usage(cmd, "want NETWORK CONTAINER");
	berth_network_connect_options co = BERTH_NETWORK_CONNECT_OPTIONS_INIT;
	co.aliases = (const char *const *)aliases.items;
	co.alias_count = aliases.len;
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_network_connect(client, argv[optind], argv[optind + 1], &co, &err) < 0)
		return cli_fail(&err);
	return EXIT_OK;
}

static const cli_option network_disconnect_options[] = {
	{ "force", 'f', NULL, "Force the container off the network" },
	CLI_OPTIONS_END,
};

static int network_disconnect(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(network_subcommands, "network disconnect");
	int force = 0;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0)
		force = 1;
	if (o < 0)
		return p.rc;
	if (argc - optind != 2)
		return cli_usage(cmd, "want NETWORK CONTAINER");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_network_disconnect(client, argv[optind], argv[optind + 1], force, &err) < 0)
		return cli_fail(&err);
	return EXIT_OK;
}

/* ---- prune ------------------------------------------------------------------------------------ */

static const cli_option network_prune_options[] = {
	{ "filter", CLI_PRUNE_FILTER, "label=KEY[=VALUE]", "Only networks with this label", CLI_OPT_REPEAT },
	{ "force", 'f', NULL, "Do not ask for confirmation" },
	CLI_OPTIONS_END,
};

static int network_prune(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(network_subcommands, "network prune");
	_cleanup_strv_ strv labels = STRV_INIT;
	bool force = false, all = false;
	int rc = EXIT_OK;
	if (!cli_prune_parse(cmd, argc, argv, &labels, &force, &all, &rc) ||
	    !cli_prune_confirmed(cmd, force, "all custom networks not used by at least one container", labels.len > 0,
				 &rc))
		return rc;
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_network_prune_options po = BERTH_NETWORK_PRUNE_OPTIONS_INIT;
	po.labels = (const char *const *)labels.items;
	po.label_count = labels.len;
	berth_prune_result *res = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_network_prune(&res, client, &po, &err) < 0)
		return cli_fail(&err);
	cli_prune_report(res, "Deleted Networks:", "", false);
	return EXIT_OK;
}

/* ---- the group ------------------------------------------------------------------------------ */

/* The subcommands of berth network; the hidden ones are docker's other names. */
const command network_subcommands[] = {
	{ "network create", network_create, network_create_options, NULL, "NAME",
	  "Create a network; prints its id" },
	{ "network ls", network_ls, network_ls_options, NULL, "", "List networks" },
	{ "network list", network_ls, network_ls_options, NULL, "", "List networks", .flags = CMD_HIDDEN },
	{ "network inspect", network_inspect, cli_format_only_options, NULL, "NAME...",
	  "Show networks' details, with the containers on them" },
	{ "network rm", network_rm, NULL, NULL, "NAME...", "Remove networks no container uses" },
	{ "network remove", network_rm, NULL, NULL, "NAME...", "Remove networks no container uses",
	  .flags = CMD_HIDDEN },
	{ "network connect", network_connect, network_connect_options, NULL, "NETWORK CONTAINER",
	  "Connect a container to a network" },
	{ "network disconnect", network_disconnect, network_disconnect_options, NULL, "NETWORK CONTAINER",
	  "Disconnect a container from a network" },
	{ "network prune", network_prune, network_prune_options, NULL, "",
	  "Remove the networks no container uses" },
	{ NULL },
};

int cmd_network(cli *c, int argc, char **argv) { return cli_run_subcommand(c, "network", argc, argv); }
