/* The option parser every command shares: getopt_long driven by the
 * command's option tables, and --help printed from the same tables, so
 * what a command accepts and what it says it accepts cannot drift apart. */
#include "cli.h"

#include <getopt.h>

/* A command's tables, in the order help lists them. */
static size_t tables_of(const command *cmd, const cli_option *tables[2])
{
	size_t n = 0;
	if (cmd->options)
		tables[n++] = cmd->options;
	if (cmd->more)
		tables[n++] = cmd->more;
	return n;
}

const cli_option *cli_option_of(const command *cmd, int key)
{
	const cli_option *tables[2];
	size_t nt = tables_of(cmd, tables);
	for (size_t t = 0; t < nt; t++)
		for (const cli_option *o = tables[t]; o->name; o++)
			if (o->key == key)
				return o;
	return NULL;
}

static void add_option(cli_parser *p, size_t *nl, size_t *ns, const cli_option *o)
{
	int has_arg = !o->arg ? no_argument : (o->flags & CLI_OPT_OPTIONAL) ? optional_argument : required_argument;
	/* tables too big for the arrays are a programming error: say so, and
	 * drop the option rather than overrun */
	if (*nl >= CLI_MAX_OPTIONS) {
		cli_errorf("internal: %s has more than %d options; --%s is ignored", p->cmd->name, CLI_MAX_OPTIONS,
			   o->name);
		return;
	}
	p->longs[(*nl)++] = (struct option){ o->name, has_arg, NULL, o->key };
	if (o->key < 256) {
		p->shorts[(*ns)++] = (char)o->key;
		if (has_arg != no_argument)
			p->shorts[(*ns)++] = ':';
		if (has_arg == optional_argument)
			p->shorts[(*ns)++] = ':';
	}
}

void cli_parser_init(cli_parser *p, const command *cmd, int argc, char **argv)
{
	*p = (cli_parser){ .cmd = cmd, .argc = argc, .argv = argv };
	size_t nl = 0, ns = 0;
	p->shorts[ns++] = '+'; /* options end at the first operand (CMD...) */
	const cli_option *tables[2];
	size_t nt = tables_of(cmd, tables);
	for (size_t t = 0; t < nt; t++)
		for (const cli_option *o = tables[t]; o->name; o++)
			add_option(p, &nl, &ns, o);
	p->short_help = !(cmd->flags & CMD_LONG_HELP_ONLY) && !cli_option_of(cmd, 'h');
	if (p->short_help)
		p->shorts[ns++] = 'h';
	p->longs[nl++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	p->longs[nl] = (struct option){ 0 };
	p->shorts[ns] = '\0';
}

/* --format: "json" sets *json; "text" and "table" clear it; anything else
 * is a usage error (125). */
static int parse_format(const command *cmd, const char *arg, bool *json)
{
	if (STREQ(arg, "json") || STREQ(arg, "text") || STREQ(arg, "table")) {
		*json = STREQ(arg, "json");
		return 0;
	}
	return cli_usage(cmd, "--format: want text (or table) or json, got \"%s\"", arg);
}

/* Is key the command's --format (-f on some, long-only on others)? */
static bool is_format(const command *cmd, int key)
{
	const cli_option *o = key == OPT_FORMAT || key == 'f' ? cli_option_of(cmd, key) : NULL;
	return o && STREQ(o->name, "format");
}

int cli_next(cli_parser *p)
{
	int o = getopt_long(p->argc, p->argv, p->shorts, p->longs, NULL);
	p->arg = optarg;
	if (o == -1)
		return 0;
	if (is_format(p->cmd, o)) {
		/* every command reads --format the same way: handled here */
		if (parse_format(p->cmd, optarg, &p->json)) {
			p->rc = EXIT_ENGINE;
			return -1;
		}
		return cli_next(p);
	}
	if (o == OPT_HELP || (o == 'h' && p->short_help)) {
		cli_help(p->cmd);
		p->rc = EXIT_OK;
		return -1;
	}
	if (o == '?' || o == ':') {
		/* getopt has named the option already */
		p->rc = cli_usage(p->cmd, "bad option (see 'berth %s --help')", p->cmd->name);
		return -1;
	}
	return o;
}

/* ---- help ---------------------------------------------------------------------- */

/* "-t, --time SECONDS" or "    --format FORMAT" into buf. */
static void option_left(char *buf, size_t size, const cli_option *o)
{
	char letter[8] = "    ";
	if (o->key < 256)
		snprintf(letter, sizeof letter, "-%c, ", o->key);
	const char *open = (o->flags & CLI_OPT_OPTIONAL) ? "[=" : " ";
	snprintf(buf, size, "%s--%s%s%s%s", letter, o->name, o->arg ? open : "", o->arg ? o->arg : "",
		 o->arg && (o->flags & CLI_OPT_OPTIONAL) ? "]" : "");
}

/* The width of the left column: the longest entry, within reason. */
static int left_width(const cli_option *const *tables, size_t nt)
{
	int width = 10;
	for (size_t t = 0; t < nt; t++)
		for (const cli_option *o = tables[t]; o->name; o++) {
			char left[96];
			option_left(left, sizeof left, o);
			int n = (int)strlen(left);
			if (!(o->flags & CLI_OPT_HIDDEN) && n > width && n <= 32)
				width = n;
		}
	return width;
}

static void print_table(const cli_option *options, int width)
{
	for (const cli_option *o = options; o->name; o++) {
		if (o->flags & CLI_OPT_HIDDEN)
			continue;
		char left[96];
		option_left(left, sizeof left, o);
		if ((int)strlen(left) > width)
			printf("  %s\n  %-*s  %s", left, width, "", o->help);
		else
			printf("  %-*s  %s", width, left, o->help);
		puts(o->flags & CLI_OPT_REPEAT ? " (repeatable)" : "");
	}
}

/* "berth ps [OPTIONS] NAME|ID..." */
static void usage_line(FILE *f, const command *cmd)
{
	fprintf(f, "Usage: berth %s%s%s%s\n", cmd->name, cmd->options || cmd->more ? " [OPTIONS]" : "",
		isempty(cmd->operands) ? "" : " ", strempty(cmd->operands));
}

void cli_help(const command *cmd)
{
	const cli_option *tables[2];
	size_t nt = tables_of(cmd, tables);
	usage_line(stdout, cmd);
	if (cmd->usage_more)
		printf("%s\n", cmd->usage_more);
	printf("\n%s\n", cmd->summary);
	if (cmd->subcommands) {
		puts("\nCommands:");
		for (const command *s = cmd->subcommands; s->name; s++)
			if (!(s->flags & CMD_HIDDEN))
				printf("  %-10s %s\n", s->name + strlen(cmd->name) + 1, s->summary);
	}
	int width = left_width(tables, nt);
	for (size_t t = 0; t < nt; t++) {
		puts(t == 0 && cmd->options ? "\nOptions:" : "\nContainer options (as docker's):");
		print_table(tables[t], width);
	}
	printf("%s  %-*s  Print this help\n", nt ? "" : "\nOptions:\n", width,
	       (cmd->flags & CMD_LONG_HELP_ONLY) || cli_option_of(cmd, 'h') ? "    --help" : "-h, --help");
}

int cli_usage(const command *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cli_verrorf(fmt, ap);
	va_end(ap);
	/* the usage line only: the option list is for --help */
	usage_line(stderr, cmd);
	return EXIT_ENGINE;
}
