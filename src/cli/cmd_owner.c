/* Ownership commands: up (remove-before-start) and reap. */
#include "cli.h"

/* berth up --name N [container flags] IMAGE [CMD...]: prints the new id. */
int cmd_up(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("up");
	berth_spec *spec = NULL;
	int r = spec_flags_parse(&spec, cmd, argc, argv, NULL, NULL);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (!berth_spec_name(spec)) {
		berth_spec_free(spec);
		return cli_usage(cmd, "up needs --name: the name is what a re-up replaces");
	}
	berth_client *client = cli_client(c);
	if (!client) {
		berth_spec_free(spec);
		return EXIT_ENGINE;
	}
	berth_pull_policy policy = berth_spec_pull_policy(spec);
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	r = cli_pull_first(client, spec) < 0 ? -1 : berth_container_up(&id, client, spec, &err);
	int pulled = r == -1 ? -1 : cli_pull_missing(client, spec, policy, r);
	if (pulled > 0)
		r = berth_container_up(&id, client, spec, &err);
	if (pulled < 0 || r == -1) {
		berth_spec_free(spec);
		return EXIT_ENGINE;
	}
	berth_spec_free(spec);
	if (r < 0) {
		/* like run: 125 for every failure but a name that is not ours */
		cli_fail(&err);
		return r == BERTH_ECONFLICT ? EXIT_FAIL : EXIT_ENGINE;
	}
	puts(id);
	berth_free(id);
	return EXIT_OK;
}

const cli_option reap_options[] = {
	{ "owner", 'o', "NAME", "The owner whose containers go (default: the global --owner)" },
	{ "keep", 'k', "NAME", "Keep this container", CLI_OPT_REPEAT },
	CLI_OPTIONS_END,
};

/* berth reap [--owner NAME] [--keep NAME]...: removes what the owner has. */
int cmd_reap(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("reap");
	const char *owner = c->opts.owner;
	_cleanup_strv_ strv keep = STRV_INIT;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		if (o == 'o')
			owner = p.arg;
		else if (strv_push(&keep, p.arg) < 0)
			return EXIT_ENGINE;
	}
	if (o < 0)
		return p.rc;
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument \"%s\"", argv[optind]);
	if (isempty(owner))
		return cli_usage(cmd, "reap needs an owner: --owner NAME (or the global --owner)");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	size_t removed = 0;
	berth_error err = BERTH_ERROR_INIT;
	int r = berth_owner_reap(&removed, client, owner, (const char *const *)keep.items, keep.len, &err);
	printf("%zu container%s of %s removed\n", removed, removed == 1 ? "" : "s", owner);
	return r < 0 ? cli_fail(&err) : EXIT_OK;
}
