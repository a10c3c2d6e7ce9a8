/* Helpers the commands share: the subcommands of a group, one operation
 * over many names, the parse of commands with no options but --help or
 * --format, the stop-like verbs and the prunes. They live here, not in one command's file, so that no command
 * file depends on another. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int cli_fail125(const berth_error *err)
{
	cli_fail(err);
	return EXIT_ENGINE;
}

const command *cli_subcommand(const command *subs, const char *name)
{
	for (const command *s = subs; s->name; s++)
		if (STREQ(s->name, name))
			return s;
	return NULL;
}

const command *cli_subcommand_word(const command *group, const char *word)
{
	size_t skip = strlen(group->name) + 1; /* "image " of "image ls" */
	for (const command *s = group->subcommands; s->name; s++)
		if (STREQ(word, s->name + skip))
			return s;
	return NULL;
}

int cli_run_subcommand(cli *c, const char *group, int argc, char **argv)
{
	const command *cmd = cli_find_command(group);
	if (argc < 2 || STREQ(argv[1], "--help") || STREQ(argv[1], "-h")) {
		cli_help(cmd);
		return argc < 2 ? EXIT_ENGINE : EXIT_OK;
	}
	const command *s = cli_subcommand_word(cmd, argv[1]);
	if (!s)
		return cli_usage(cmd, "unknown %s command \"%s\"", group, argv[1]);
	return s->run(c, argc - 1, argv + 1);
}

berth_state cli_state_from_name(const char *name)
{
	for (int s = BERTH_STATE_CREATED; s <= BERTH_STATE_DEAD; s++)
		if (STREQ(name, berth_state_name((berth_state)s)))
			return (berth_state)s;
	return BERTH_STATE_UNKNOWN;
}

int cli_for_each(cli *c, const command *cmd, int argc, char **argv, container_op op, const void *opts)
{
	return cli_each(c, cmd, argc, argv, op, opts, true);
}

int cli_each(cli *c, const command *cmd, int argc, char **argv, container_op op, const void *opts, bool echo)
{
	if (optind >= argc)
		return cli_usage(cmd, "no container given");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	int rc = EXIT_OK;
	for (int i = optind; i < argc; i++) {
		berth_error err = BERTH_ERROR_INIT;
		if (op(client, argv[i], opts, &err) < 0) {
			int code = cli_fail(&err);
			if (code > rc)
				rc = code;
			continue;
		}
		if (echo)
			puts(argv[i]);
	}
	return rc;
}

/* A parse where the parser handles every option of the table itself
 * (--help, --format): any key it returns is a table this code does not
 * know, hence a usage error. */
static int parse_handled(const command *cmd, int argc, char **argv, bool *json)
{
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o = cli_next(&p);
	if (o > 0)
		return cli_usage(cmd, "bad option");
	if (json)
		*json = p.json;
	return o < 0 ? (p.rc ? p.rc : -1) : 0;
}

int cli_no_options(const command *cmd, int argc, char **argv)
{
	return parse_handled(cmd, argc, argv, NULL);
}

/* -f as well as --format: these commands always took both. */
const cli_option cli_format_only_options[] = {
	{ "format", 'f', "FORMAT", "Print text, or JSON", 0, "text table json" },
	CLI_OPTIONS_END,
};

int cli_format_options(const command *cmd, int argc, char **argv, bool *json)
{
	return parse_handled(cmd, argc, argv, json);
}

const cli_option cli_grace_options[] = {
	{ "time", 't', "SECONDS", "Seconds to wait for the stop before killing the container" },
	CLI_OPTIONS_END,
};

int cli_grace_verb(cli *c, const command *cmd, int argc, char **argv, container_op op)
{
	berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		long t = cli_parse_uint(p.arg, 24 * 3600);
		if (o != 't' || t < 0)
			return cli_usage(cmd, "-t: want whole seconds >= 0, got \"%s\"", p.arg);
		so.grace_seconds = (int)t;
	}
	if (o < 0)
		return p.rc;
	return cli_for_each(c, cmd, argc, argv, op, &so);
}

/* ---- prune: containers and images ---------------------------------------------------- */

/* Ask on the terminal; true for y or yes. */
static bool confirm(const char *question)
{
	fputs(question, stdout);
	fflush(stdout);
	char line[64];
	if (!fgets(line, sizeof line, stdin))
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;
}

int cli_label_filter(const command *cmd, strv *labels, const char *arg)
{
	if (!startswith(arg, "label=") || !arg[6])
		return cli_usage(cmd, "--filter: want label=KEY[=VALUE], got \"%s\"", arg);
	return strv_push(labels, arg + 6) < 0 ? EXIT_ENGINE : 0;
}

bool cli_prune_parse(const command *cmd, int argc, char **argv, strv *labels, bool *force, bool *all, int *rc)
{
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		int r = 0;
		switch (o) {
		case CLI_PRUNE_FILTER: r = cli_label_filter(cmd, labels, p.arg); break;
		case 'f': *force = true; break;
		case 'a': *all = true; break;
		}
		if (r) {
			*rc = r;
			return false;
		}
	}
	if (o < 0) {
		*rc = p.rc;
		return false;
	}
	if (optind < argc) {
		*rc = cli_usage(cmd, "unexpected argument \"%s\"", argv[optind]);
		return false;
	}
	return true;
}

bool cli_prune_confirmed(const command *cmd, bool force, const char *what, bool filtered, int *rc)
{
	if (force)
		return true;
	if (!isatty(STDIN_FILENO)) {
		cli_errorf("%s: not removing anything without confirmation: stdin is not a terminal "
			   "(use -f to remove without asking)", cmd->name);
		*rc = EXIT_ENGINE;
		return false;
	}
	printf("WARNING! This will remove %s%s.\n", what, filtered ? " that match the filter" : "");
	*rc = EXIT_OK;
	return confirm("Are you sure you want to continue? [y/N] ");
}

int cli_prune(cli *c, const command *cmd, int argc, char **argv, bool images)
{
	_cleanup_strv_ strv labels = STRV_INIT;
	bool force = false, all = false;
	int rc = EXIT_OK;
	if (!cli_prune_parse(cmd, argc, argv, &labels, &force, &all, &rc))
		return rc;
	const char *what = !images ? "all stopped containers" : all ? "all images without at least one container"
								      : "all dangling images";
	if (!cli_prune_confirmed(cmd, force, what, labels.len > 0, &rc))
		return rc;
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_prune_result *res = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r;
	if (images) {
		berth_image_prune_options io = BERTH_IMAGE_PRUNE_OPTIONS_INIT;
		io.all = all;
		io.labels = (const char *const *)labels.items;
		io.label_count = labels.len;
		r = berth_image_prune(&res, client, &io, &err);
	} else {
		berth_prune_options po = BERTH_PRUNE_OPTIONS_INIT;
		po.labels = (const char *const *)labels.items;
		po.label_count = labels.len;
		r = berth_container_prune(&res, client, &po, &err);
	}
	if (r < 0)
		return cli_fail(&err);
	cli_prune_report(res, images ? "Deleted Images:" : "Deleted Containers:", images ? "deleted: " : "", true);
	return EXIT_OK;
}

void cli_prune_report(berth_prune_result *res, const char *heading, const char *prefix, bool space)
{
	size_t n = berth_prune_result_count(res);
	if (n) {
		puts(heading);
		for (size_t i = 0; i < n; i++)
			printf("%s%s\n", prefix, berth_prune_result_id(res, i));
	}
	if (space) {
		char human[32];
		human_size(human, sizeof human, (int64_t)berth_prune_result_space_reclaimed(res), 4);
		printf("\nTotal reclaimed space: %s\n", human);
	}
	berth_prune_result_free(res);
}

/* ---- archives out (save, export) --------------------------------------------- */

int cli_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int cli_archive_out(const command *cmd, const char *path, int (*open_stream)(berth_stream **out, void *payload,
									  berth_error *err),
		    void *payload)
{
	bool to_stdout = !path || STREQ(path, "-");
	if (to_stdout && isatty(STDOUT_FILENO))
		return cli_usage(cmd, "refusing to write an archive to a terminal: give -o FILE or redirect stdout");
	berth_stream *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (open_stream(&s, payload, &err) < 0)
		return cli_fail(&err);
	int fd = STDOUT_FILENO;
	if (!to_stdout) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			cli_errorf("%s: %s", path, strerror(errno));
			berth_stream_free(s);
			return EXIT_ENGINE;
		}
	}
	int r, rc = EXIT_OK;
	berth_frame f;
	while ((r = berth_stream_next(s, &f, -1, &err)) == 0) {
		int w = cli_write_all(fd, f.data, f.len);
		if (w < 0) {
			cli_errorf("%s: %s", to_stdout ? "stdout" : path, strerror(-w));
			rc = EXIT_ENGINE;
			break;
		}
	}
	if (rc == EXIT_OK && r != BERTH_ITEROVER)
		rc = cli_fail(&err);
	berth_stream_free(s);
	if (!to_stdout) {
		if (close(fd) < 0 && rc == EXIT_OK) {
			cli_errorf("%s: %s", path, strerror(errno));
			rc = EXIT_ENGINE;
		}
		if (rc != EXIT_OK)
			unlink(path); /* no half archive left behind */
	}
	return rc;
}
