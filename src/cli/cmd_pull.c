/* berth pull and berth push: an image from or to its registry, with
 * docker's progress (pulling.c); then the reference (alone with -q). */
#include "cli.h"

enum { O_PLATFORM = OPT_LOCAL, O_INSECURE };

const cli_option pull_options[] = {
	{ "quiet", 'q', NULL, "Print only the reference pulled" },
	{ "all-tags", 'a', NULL, "Every tagged image of the repository" },
	{ "platform", O_PLATFORM, "OS/ARCH[/VARIANT]", "Pull the image of this platform" },
	{ "insecure", O_INSECURE, NULL, "Allow plain HTTP or an unverified certificate (Podman, containerd; Docker: its daemon decides)" },
	CLI_OPTIONS_END,
};

const cli_option push_options[] = {
	{ "quiet", 'q', NULL, "Print only the reference pushed" },
	{ "insecure", O_INSECURE, NULL, "Allow plain HTTP or an unverified certificate (Podman, containerd; Docker: its daemon decides)" },
	CLI_OPTIONS_END,
};

/* pull or push: the options, the progress, then the reference. */
static int transfer(cli *c, const char *verb, bool push, int argc, char **argv)
{
	const command *cmd = cli_find_command(verb);
	berth_pull_options pull_o = BERTH_PULL_OPTIONS_INIT;
	berth_push_options push_o = BERTH_PUSH_OPTIONS_INIT;
	bool quiet = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		switch (o) {
		case 'q': quiet = true; break;
		case 'a': pull_o.all_tags = 1; break;
		case O_PLATFORM: pull_o.platform = p.arg; break;
		case O_INSECURE: pull_o.insecure = push_o.insecure = 1; break;
		}
	}
	if (o < 0)
		return p.rc;
	if (optind + 1 != argc)
		return cli_usage(cmd, optind < argc ? "one image, please" : "which image?");
	const char *ref = argv[optind];
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	int r = push ? cli_push_showing(client, ref, &push_o, stdout, quiet)
		     : cli_pull_showing(client, ref, &pull_o, stdout, quiet);
	if (r)
		return r;
	cli_print_ref(stdout, ref, pull_o.all_tags);
	return EXIT_OK;
}

int cmd_pull(cli *c, int argc, char **argv) { return transfer(c, "pull", false, argc, argv); }
int cmd_push(cli *c, int argc, char **argv) { return transfer(c, "push", true, argc, argv); }
