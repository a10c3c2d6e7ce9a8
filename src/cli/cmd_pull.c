/* berth pull and berth push: an image from or to its registry, with
 * docker's progress (pulling.c); then the reference (alone with -q). */
#include "cli.h"

enum { O_PLATFORM = OPT_LOCAL, O_INSECURE };

const cli_option pull_options[] = {
	{ "quiet", 'q', NULL, "Print only the reference pulled" },
	{ "all-tags", 'a', NULL, "Every tagged image of the repository" },
	{ "platform", O_PLATFORM, "OS/ARCH[/VARIANT]", "Pull the image of this platform" },
	{ "insecure", O_INSECURE, NULL, "Allow plain HTTP or an unverified certificate (Podman; Docker: its daemon decides)" },
	CLI_OPTIONS_END,
};

int cmd_pull(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("pull");
	berth_pull_options po = BERTH_PULL_OPTIONS_INIT;
	bool quiet = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		switch (o) {
		case 'q': quiet = true; break;
		case 'a': po.all_tags = 1; break;
		case O_PLATFORM: po.platform = p.arg; break;
		case O_INSECURE: po.insecure = 1; break;
		}
	}
	if (o < 0)
		return p.rc;
	if (optind + 1 != argc)
		return cli_usage(cmd, optind < argc ? "one reference, please" : "which image?");
	const char *ref = argv[optind];
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	int r = cli_pull_showing(client, ref, &po, stdout, quiet);
	if (r)
		return r;
	cli_print_ref(stdout, ref, po.all_tags);
	return EXIT_OK;
}

const cli_option push_options[] = {
	{ "quiet", 'q', NULL, "Print only the reference pushed" },
	{ "insecure", O_INSECURE, NULL, "Allow plain HTTP or an unverified certificate (Podman; Docker: its daemon decides)" },
	CLI_OPTIONS_END,
};

int cmd_push(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("push");
	berth_push_options po = BERTH_PUSH_OPTIONS_INIT;
	bool quiet = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		switch (o) {
		case 'q': quiet = true; break;
		case O_INSECURE: po.insecure = 1; break;
		}
	}
	if (o < 0)
		return p.rc;
	if (optind + 1 != argc)
		return cli_usage(cmd, optind < argc ? "one name, please" : "which image?");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	int r = cli_push_showing(client, argv[optind], &po, stdout, quiet);
	if (r)
		return r;
	cli_print_ref(stdout, argv[optind], false);
	return EXIT_OK;
}
