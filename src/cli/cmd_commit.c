/* berth export (a container's file system as a tar) and berth commit (a
 * container as a new image). */
#include "cli.h"

#include <unistd.h>

const cli_option export_options[] = {
	{ "output", 'o', "FILE", "Write the archive to this file (default: stdout, never a terminal)", CLI_OPT_FILE },
	CLI_OPTIONS_END,
};

typedef struct export_args {
	berth_client *client;
	const char *id;
} export_args;

static int open_export(berth_stream **out, void *payload, berth_error *err)
{
	const export_args *a = payload;
	return berth_container_export(out, a->client, a->id, err);
}

int cmd_export(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("export");
	const char *path = NULL;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0)
		if (o == 'o')
			path = p.arg;
	if (o < 0)
		return p.rc;
	if (argc - optind != 1)
		return cli_usage(cmd, optind >= argc ? "which container?" : "one container, please");
	if ((!path || STREQ(path, "-")) && isatty(STDOUT_FILENO))
		return cli_usage(cmd, "refusing to write an archive to a terminal: give -o FILE or redirect stdout");
	export_args a = { cli_client(c), argv[optind] };
	return a.client ? cli_archive_out(cmd, path, open_export, &a) : EXIT_ENGINE;
}

enum { O_NO_PAUSE = OPT_LOCAL };

const cli_option commit_options[] = {
	{ "change", 'c', "INSTRUCTION", "Apply a Dockerfile instruction (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, "
	  "STOPSIGNAL, USER, VOLUME, WORKDIR)", CLI_OPT_REPEAT },
	{ "message", 'm', "MESSAGE", "The comment of the new image's history step" },
	{ "author", 'a', "AUTHOR", "The author (\"Name <mail>\")" },
	{ "pause", 'p', NULL, "Pause the container while its file system is read (the default)" },
	{ "no-pause", O_NO_PAUSE, NULL, "Do not pause it" },
	CLI_OPTIONS_END,
};

int cmd_commit(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("commit");
	_cleanup_strv_ strv changes = STRV_INIT;
	berth_commit_options co = BERTH_COMMIT_OPTIONS_INIT;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		switch (o) {
		case 'c':
			if (strv_push(&changes, p.arg) < 0)
				return EXIT_ENGINE;
			break;
		case 'm': co.message = p.arg; break;
		case 'a': co.author = p.arg; break;
		case 'p': co.pause = 1; break;
		case O_NO_PAUSE: co.pause = 0; break;
		}
	}
	if (o < 0)
		return p.rc;
	if (optind >= argc || argc - optind > 2)
		return cli_usage(cmd, optind >= argc ? "which container?" : "want CONTAINER [REPOSITORY[:TAG]]");
	co.ref = argc - optind == 2 ? argv[optind + 1] : NULL;
	co.changes = (const char *const *)changes.items;
	co.change_count = changes.len;
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_container_commit(&id, client, argv[optind], &co, &err) < 0)
		return cli_fail(&err);
	printf("%s\n", id);
	berth_free(id);
	return EXIT_OK;
}
