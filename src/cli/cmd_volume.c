/* berth volume create|ls|inspect|rm|prune, as docker's. */
#include "cli.h"

#include <unistd.h>

/* ---- create ------------------------------------------------------------------ */

enum { O_LABEL = OPT_LOCAL };

const cli_option volume_create_options[] = {
	{ "driver", 'd', "NAME", "The volume driver (default local; containerd: local only)" },
	{ "opt", 'o', "KEY=VALUE", "A driver option: type, device, o (a bind: type=none,o=bind,device=/dir)",
	  CLI_OPT_REPEAT },
	{ "label", O_LABEL, "KEY=VALUE", "A label", CLI_OPT_REPEAT },
	CLI_OPTIONS_END,
};

static int volume_create(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(volume_subcommands, "volume create");
	_cleanup_strv_ strv opts = STRV_INIT;
	_cleanup_strv_ strv labels = STRV_INIT;
	const char *driver = NULL;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		switch (o) {
		case 'd': driver = p.arg; break;
		case 'o':
			if (!strchr(p.arg, '=') || p.arg[0] == '=')
				return cli_usage(cmd, "--opt: want KEY=VALUE, got \"%s\"", p.arg);
			if (strv_push(&opts, p.arg) < 0)
				return EXIT_ENGINE;
			break;
		case O_LABEL:
			if (strv_push(&labels, p.arg) < 0)
				return EXIT_ENGINE;
			break;
		}
	}
	if (o < 0)
		return p.rc;
	if (argc - optind > 1)
		return cli_usage(cmd, "one volume name at most");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_volume_create_options vo = BERTH_VOLUME_CREATE_OPTIONS_INIT;
	vo.driver = driver;
	vo.driver_opts = (const char *const *)opts.items;
	vo.driver_opt_count = opts.len;
	vo.labels = (const char *const *)labels.items;
	vo.label_count = labels.len;
	char *name = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_volume_create(&name, client, optind < argc ? argv[optind] : NULL, &vo, &err) < 0)
		return cli_fail(&err);
	printf("%s\n", name);
	berth_free(name);
	return EXIT_OK;
}

/* ---- ls ------------------------------------------------------------------------ */

const cli_option volume_ls_options[] = {
	{ "quiet", 'q', NULL, "Print the names only" },
	{ "filter", 'f', "label=KEY[=VALUE]", "Only volumes with this label", CLI_OPT_REPEAT },
	CLI_FORMAT_OPTION("Print a table, or one JSON object a line"),
	CLI_OPTIONS_END,
};

/* One volume as docker's inspect shows it, plus the containers that use it
 * (inspect only). */
static void volume_json(jw *w, const berth_volume_info *v, bool users)
{
	jw_begin_object(w);
	jw_kv_string(w, "CreatedAt", berth_volume_info_created(v));
	jw_kv_string(w, "Driver", berth_volume_info_driver(v));
	jw_key(w, "Labels");
	jw_begin_object(w);
	for (size_t j = 0; j < berth_volume_info_label_count(v); j++)
		jw_kv_string(w, berth_volume_info_label_key(v, j), berth_volume_info_label_value(v, j));
	jw_end_object(w);
	jw_kv_string(w, "Mountpoint", berth_volume_info_mountpoint(v));
	jw_kv_string(w, "Name", berth_volume_info_name(v));
	jw_key(w, "Options");
	jw_begin_object(w);
	for (size_t j = 0; j < berth_volume_info_option_count(v); j++)
		jw_kv_string(w, berth_volume_info_option_key(v, j), berth_volume_info_option_value(v, j));
	jw_end_object(w);
	jw_kv_string(w, "Scope", "local");
	if (users) {
		jw_key(w, "UsedBy");
		jw_begin_array(w);
		for (size_t j = 0; j < berth_volume_info_user_count(v); j++)
			jw_string(w, berth_volume_info_user(v, j));
		jw_end_array(w);
	}
	jw_end_object(w);
}

static int volume_ls(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(volume_subcommands, "volume ls");
	_cleanup_strv_ strv labels = STRV_INIT;
	bool quiet = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		int r = 0;
		switch (o) {
		case 'q': quiet = true; break;
		case 'f': r = cli_label_filter(cmd, &labels, p.arg); break;
		}
		if (r)
			return r;
	}
	if (o < 0)
		return p.rc;
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument \"%s\"", argv[optind]);
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_volume_list_options lo = BERTH_VOLUME_LIST_OPTIONS_INIT;
	lo.labels = (const char *const *)labels.items;
	lo.label_count = labels.len;
	berth_volume_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_volume_list_get(&l, client, &lo, &err) < 0)
		return cli_fail(&err);
	size_t n = berth_volume_list_count(l);
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", berth_volume_info_name(berth_volume_list_at(l, i)));
	} else if (p.json) {
		for (size_t i = 0; i < n; i++) {
			jw w;
			jw_init(&w, stdout);
			volume_json(&w, berth_volume_list_at(l, i), false);
			putchar('\n');
		}
	} else {
		static const char *const head[] = { "DRIVER", "VOLUME NAME" };
		table t;
		table_init(&t, 2, head);
		for (size_t i = 0; i < n; i++) {
			const berth_volume_info *v = berth_volume_list_at(l, i);
			const char *row[] = { berth_volume_info_driver(v), berth_volume_info_name(v) };
			table_add(&t, row);
		}
		table_print(&t, stdout);
		table_release(&t);
	}
	berth_volume_list_free(l);
	return EXIT_OK;
}

/* ---- inspect ------------------------------------------------------------------ */

static int volume_inspect(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(volume_subcommands, "volume inspect");
	int r = cli_no_options(cmd, argc, argv);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (optind >= argc)
		return cli_usage(cmd, "a volume name is needed");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	int rc = EXIT_OK;
	jw w;
	jw_init(&w, stdout);
	jw_begin_array(&w);
	for (int a = optind; a < argc; a++) {
		berth_volume_info *v = NULL;
		berth_error err = BERTH_ERROR_INIT;
		if (berth_volume_inspect(&v, client, argv[a], &err) < 0) {
			int e = cli_fail(&err);
			rc = e > rc ? e : rc;
			continue;
		}
		volume_json(&w, v, true);
		berth_volume_info_free(v);
	}
	jw_end_array(&w);
	putchar('\n');
	return rc;
}

/* ---- rm ----------------------------------------------------------------------- */

const cli_option volume_rm_options[] = {
	{ "force", 'f', NULL, "Remove even a volume in use where the engine allows it (Podman: with its containers)" },
	CLI_OPTIONS_END,
};

static int volume_remove_one(berth_client *client, const char *name, const void *opts, berth_error *err)
{
	return berth_volume_remove(client, name, opts, err);
}

static int volume_rm(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(volume_subcommands, "volume rm");
	berth_volume_remove_options ro = BERTH_VOLUME_REMOVE_OPTIONS_INIT;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0)
		if (o == 'f')
			ro.force = 1;
	if (o < 0)
		return p.rc;
	if (optind >= argc)
		return cli_usage(cmd, "a volume name is needed");
	return cli_for_each(c, cmd, argc, argv, volume_remove_one, &ro);
}

/* ---- prune ---------------------------------------------------------------------- */

const cli_option volume_prune_options[] = {
	{ "filter", CLI_PRUNE_FILTER, "label=KEY[=VALUE]", "Only volumes with this label", CLI_OPT_REPEAT },
	{ "force", 'f', NULL, "Do not ask for confirmation" },
	CLI_OPTIONS_END,
};

static int volume_prune(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(volume_subcommands, "volume prune");
	_cleanup_strv_ strv labels = STRV_INIT;
	bool force = false, all = false;
	int rc = EXIT_OK;
	if (!cli_prune_parse(cmd, argc, argv, &labels, &force, &all, &rc) ||
	    !cli_prune_confirmed(cmd, force, "all local volumes not used by at least one container", labels.len > 0,
				 &rc))
		return rc;
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_volume_prune_options po = BERTH_VOLUME_PRUNE_OPTIONS_INIT;
	po.labels = (const char *const *)labels.items;
	po.label_count = labels.len;
	berth_prune_result *res = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_volume_prune(&res, client, &po, &err) < 0)
		return cli_fail(&err);
	cli_prune_report(res, "Deleted Volumes:", "", true);
	return EXIT_OK;
}

/* The subcommands of berth volume; the hidden ones are docker's other names. */
const command volume_subcommands[] = {
	{ "volume create", volume_create, volume_create_options, NULL, "[NAME]",
	  "Create a volume (no name: the engine picks one); prints its name" },
	{ "volume ls", volume_ls, volume_ls_options, NULL, "", "List volumes" },
	{ "volume list", volume_ls, volume_ls_options, NULL, "", "List volumes", .flags = CMD_HIDDEN },
	{ "volume inspect", volume_inspect, NULL, NULL, "NAME...",
	  "Show volumes as JSON, with the containers that use them" },
	{ "volume rm", volume_rm, volume_rm_options, NULL, "NAME...", "Remove volumes no container uses" },
	{ "volume remove", volume_rm, volume_rm_options, NULL, "NAME...", "Remove volumes", .flags = CMD_HIDDEN },
	{ "volume prune", volume_prune, volume_prune_options, NULL, "", "Remove the volumes no container uses" },
	{ NULL },
};

int cmd_volume(cli *c, int argc, char **argv) { return cli_run_subcommand(c, "volume", argc, argv); }
