/* berth __gendoc: the man pages and the shell completions, written from
 * the same command and option tables the parser and --help use, so that
 * the documentation cannot describe options berth does not have. The
 * build runs it (meson custom_target); it is hidden from users. */
#include "cli.h"

#include <ctype.h>

/* ---- roff ------------------------------------------------------------------------ */

/* Text for roff: backslashes and hyphens escaped. */
static void roff(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

/* Text that starts a line: a zero-width character first, so that a
 * leading '.' or '\'' is never taken for a request. */
static void roff_line(FILE *f, const char *s)
{
	fputs("\\&", f);
	roff(f, s);
}

static void roff_option(FILE *f, const cli_option *o)
{
	fputs(".TP\n", f);
	if (o->key < 256)
		fprintf(f, "\\fB\\-%c\\fR, ", o->key);
	fputs("\\fB", f);
	roff(f, "--");
	roff(f, o->name);
	fputs("\\fR", f);
	if (o->arg) {
		fputs((o->flags & CLI_OPT_OPTIONAL) ? "[=\\fI" : " \\fI", f);
		roff(f, o->arg);
		fputs((o->flags & CLI_OPT_OPTIONAL) ? "\\fR]" : "\\fR", f);
	}
	fputc('\n', f);
	roff_line(f, o->help);
	fputs(o->flags & CLI_OPT_REPEAT ? " (repeatable)\n" : "\n", f);
}

static void roff_options(FILE *f, const char *section, const cli_option *options)
{
	if (!options)
		return;
	fprintf(f, "%s\n", section);
	for (const cli_option *o = options; o->name; o++)
		if (!(o->flags & CLI_OPT_HIDDEN))
			roff_option(f, o);
}

static void roff_help_option(FILE *f, const command *cmd)
{
	bool short_help = !(cmd->flags & CMD_LONG_HELP_ONLY) && !cli_option_of(cmd, 'h');
	fprintf(f, ".TP\n%s\\fB\\-\\-help\\fR\nPrint the usage and the options, and exit.\n", short_help ? "\\fB\\-h\\fR, " : "");
}

/* "berth ps [OPTIONS] NAME|ID..." and the further usage lines. */
static void roff_synopsis(FILE *f, const command *cmd, bool section)
{
	fputs(section ? ".SH SYNOPSIS\n.nf\n\\fB" : ".PP\n.nf\n\\fB", f);
	roff(f, "berth ");
	roff(f, cmd->name);
	fputs("\\fR", f);
	if (cmd->options || cmd->more)
		fputs(" [\\fIOPTIONS\\fR]", f);
	if (!isempty(cmd->operands)) {
		fputc(' ', f);
		roff(f, cmd->operands);
	}
	fputc('\n', f);
	for (const char *p = cmd->usage_more; p && *p;) {
		size_t n = strcspn(p, "\n");
		_cleanup_free_ char *line = strndup(p, n);
		if (line) {
			roff_line(f, line + strspn(line, " "));
			fputc('\n', f);
		}
		p += n + (p[n] == '\n');
	}
	fputs(".fi\n", f);
}

static void roff_header(FILE *f, const char *title, const char *name, const char *summary)
{
	fputs(".TH \"", f);
	for (const char *p = title; *p; p++) {
		if (*p == '-')
			fputs("\\-", f);
		else
			fputc(toupper((unsigned char)*p), f);
	}
	fprintf(f, "\" \"1\" \"\" \"berth %s\" \"berth manual\"\n.SH NAME\n", berth_library_version());
	roff_line(f, name);
	fputs(" \\- ", f);
	roff(f, summary);
	fputc('\n', f);
}

static int man_verb(FILE *f, const command *cmd)
{
	char title[64];
	snprintf(title, sizeof title, "berth-%s", cmd->name);
	roff_header(f, title, title, cmd->summary);
	roff_synopsis(f, cmd, true);
	fputs(".SH DESCRIPTION\n", f);
	roff_line(f, cmd->summary);
	fputs(".\n", f);
	roff_options(f, ".SH OPTIONS", cmd->options);
	roff_options(f, cmd->options ? ".SH CONTAINER OPTIONS" : ".SH OPTIONS", cmd->more);
	if (!cmd->options && !cmd->more)
		fputs(".SH OPTIONS\n", f);
	roff_help_option(f, cmd);
	if (cmd->subcommands) {
		fputs(".SH COMMANDS\n", f);
		for (const command *s = cmd->subcommands; s->name; s++) {
			if (s->flags & CMD_HIDDEN)
				continue;
			fputs(".SS ", f);
			roff(f, s->name);
			fputc('\n', f);
			roff_synopsis(f, s, false);
			roff_line(f, s->summary);
			fputs(".\n", f);
			roff_options(f, ".PP\nOptions:", s->options);
		}
	}
	fputs(".SH EXIT STATUS\n0 on success; 1 when the operation failed on its object (not found, conflict); "
	      "125 when berth or the engine failed, or for a usage error.\n", f);
	fputs(".SH SEE ALSO\n\\fBberth\\fR(1)\n", f);
	return 0;
}

static void man_main(FILE *f)
{
	roff_header(f, "berth", "berth", "one client for Docker, Podman and containerd");
	fputs(".SH SYNOPSIS\n.nf\n\\fBberth\\fR [\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]\n.fi\n", f);
	fputs(".SH DESCRIPTION\nberth runs and manages containers through whichever engine it finds: "
	      "Docker, Podman or containerd. Its commands and flags follow the docker CLI's.\n", f);
	roff_options(f, ".SH OPTIONS", cli_global_options);
	fputs(".SH COMMANDS\n", f);
	size_t n;
	const command *cmds = cli_commands(&n);
	for (size_t i = 0; i < n; i++) {
		if (cmds[i].flags & CMD_HIDDEN)
			continue;
		fputs(".TP\n\\fB", f);
		roff(f, "berth-");
		roff(f, cmds[i].name);
		fputs("\\fR(1)\n", f);
		roff_line(f, cmds[i].summary);
		fputc('\n', f);
	}
	fputs(".SH ENVIRONMENT\nDOCKER_HOST, DOCKER_CONTEXT, CONTAINER_HOST, CONTAINERD_ADDRESS, DOCKER_TLS_VERIFY, "
	      "DOCKER_CERT_PATH: where the engine is and how to reach it, as the engines' own tools read them. "
	      "BERTH_SSH, BERTH_SSH_OPTIONS: the ssh program of ssh:// addresses and arguments put before "
	      "berth's own.\n", f);
	fputs(".SH EXIT STATUS\n.TP\n0\nsuccess\n.TP\n1\nthe operation failed on its object (not found, conflict)\n"
	      ".TP\n125\nberth or the engine failed, or a usage error\n"
	      ".TP\n126\n\\fBrun\\fR: the command cannot be invoked\n"
	      ".TP\n127\n\\fBrun\\fR: the command was not found\n", f);
	fputs(".SH SEE ALSO\n\\fBdocker\\fR(1), \\fBpodman\\fR(1), \\fBctr\\fR(8)\n", f);
}

/* A file in dir, written by fn; 0 or 125 after saying why. */
static int write_file(const char *dir, const char *name, int (*fn)(FILE *, const command *), const command *cmd)
{
	_cleanup_free_ char *path = NULL;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return EXIT_ENGINE;
	FILE *f = fopen(path, "w");
	if (!f) {
		cli_errorf("%s: %s", path, strerror(errno));
		return EXIT_ENGINE;
	}
	int r = fn(f, cmd);
	if (fclose(f) != 0 || r) {
		cli_errorf("%s: cannot write it", path);
		return EXIT_ENGINE;
	}
	return 0;
}

static int man_main_fn(FILE *f, const command *cmd)
{
	(void)cmd;
	man_main(f);
	return ferror(f) ? -1 : 0;
}

/* The pages go in dir; the verbs the build expects follow. The build
 * must name every output beforehand, so a verb added here but not there
 * (or the reverse) fails the build instead of going undocumented. */
static int gen_man(const char *dir, int nexpected, char **expected)
{
	size_t n;
	const command *cmds = cli_commands(&n);
	int shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (cmds[i].flags & CMD_HIDDEN)
			continue;
		bool listed = false;
		for (int j = 0; j < nexpected; j++)
			listed = listed || STREQ(expected[j], cmds[i].name);
		if (!listed) {
			cli_errorf("__gendoc: '%s' is missing from the build's list of verbs (berth_verbs)", cmds[i].name);
			return EXIT_ENGINE;
		}
		shown++;
		char name[64];
		snprintf(name, sizeof name, "berth-%s.1", cmds[i].name);
		int r = write_file(dir, name, man_verb, &cmds[i]);
		if (r)
			return r;
	}
	if (shown != nexpected) {
		cli_errorf("__gendoc: the build lists %d verbs, berth has %d", nexpected, shown);
		return EXIT_ENGINE;
	}
	return write_file(dir, "berth.1", man_main_fn, NULL);
}

/* ---- bash ------------------------------------------------------------------------ */

/* "-a --all" for each documented option of a table, and --help. */
static void words_of(FILE *f, const cli_option *options)
{
	for (const cli_option *o = options; o && o->name; o++) {
		if (o->flags & CLI_OPT_HIDDEN)
			continue;
		if (o->key < 256)
			fprintf(f, "-%c ", o->key);
		fprintf(f, "--%s ", o->name);
	}
}

/* The case arms of $prev for options that take a value: their choices,
 * files, or nothing (a value is expected, not an option). */
static void bash_values(FILE *f, const cli_option *options, const char *indent)
{
	for (const cli_option *o = options; o && o->name; o++) {
		if (!o->arg || (o->flags & CLI_OPT_OPTIONAL))
			continue;
		fputs(indent, f);
		if (o->key < 256)
			fprintf(f, "-%c|", o->key);
		fprintf(f, "--%s)", o->name);
		if (o->choices)
			fprintf(f, " COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return ;;\n", o->choices);
		else if (o->flags & CLI_OPT_FILE)
			fputs(" COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", f);
		else
			fputs(" return ;;\n", f);
	}
}

static void bash_verb(FILE *f, const command *cmd, const char *indent)
{
	fprintf(f, "%s\tcase $prev in\n", indent);
	_cleanup_free_ char *inner = NULL;
	if (asprintf(&inner, "%s\t", indent) < 0)
		return;
	bash_values(f, cmd->options, inner);
	bash_values(f, cmd->more, inner);
	fprintf(f, "%s\tesac\n%s\topts=\"", indent, indent);
	words_of(f, cmd->options);
	words_of(f, cmd->more);
	fprintf(f, "--help\"\n%s\tcontainers=%d\n", indent, (cmd->flags & CMD_CONTAINERS) ? 1 : 0);
}

static int gen_bash(FILE *f, const command *unused)
{
	(void)unused;
	size_t n;
	const command *cmds = cli_commands(&n);
	fputs("# bash completion for berth: written by `berth __gendoc bash` from berth's\n"
	      "# option tables (do not edit).\n\n"
	      "# The containers' names, from the same engine as the command line's.\n"
	      "_berth_containers()\n{\n"
	      "\t\"${COMP_WORDS[0]}\" \"$@\" ps -a --format json 2>/dev/null |\n"
	      "\t\tsed -n 's/.*\"Name\": *\"\\([^\"]*\\)\".*/\\1/p'\n}\n\n"
	      "_berth()\n{\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tlocal i verb= at=0 opts= containers=0\n"
	      "\tlocal -a globals=()\n"
	      "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tcase ${COMP_WORDS[i]} in\n\t\t", f);
	const char *sep = "";
	for (const cli_option *o = cli_global_options; o->name; o++) {
		if (!o->arg)
			continue;
		if (o->key < 256) {
			fprintf(f, "%s-%c", sep, o->key);
			sep = "|";
		}
		fprintf(f, "%s--%s", sep, o->name);
		sep = "|";
	}
	fputs(")\n\t\t\tglobals+=(\"${COMP_WORDS[i]}\" \"${COMP_WORDS[i+1]}\")\n\t\t\t((i++)) ;;\n"
	      "\t\t-*) globals+=(\"${COMP_WORDS[i]}\") ;;\n"
	      "\t\t*) verb=${COMP_WORDS[i]}; at=$i; break ;;\n\t\tesac\n\tdone\n"
	      "\tif [[ -z $verb ]]; then\n\t\tcase $prev in\n", f);
	bash_values(f, cli_global_options, "\t\t");
	fputs("\t\tesac\n\t\tif [[ $cur == -* ]]; then\n\t\t\tCOMPREPLY=($(compgen -W \"", f);
	words_of(f, cli_global_options);
	fputs("\" -- \"$cur\"))\n\t\telse\n\t\t\tCOMPREPLY=($(compgen -W \"", f);
	for (size_t i = 0; i < n; i++)
		if (!(cmds[i].flags & CMD_HIDDEN))
			fprintf(f, "%s ", cmds[i].name);
	fputs("\" -- \"$cur\"))\n\t\tfi\n\t\treturn\n\tfi\n\tcase $verb in\n", f);
	for (size_t i = 0; i < n; i++) {
		const command *cmd = &cmds[i];
		if (cmd->flags & CMD_HIDDEN)
			continue;
		fprintf(f, "\t%s)\n", cmd->name);
		if (cmd->subcommands) {
			fputs("\t\tif ((COMP_CWORD == at + 1)); then\n\t\t\tCOMPREPLY=($(compgen -W \"", f);
			for (const command *s = cmd->subcommands; s->name; s++)
				if (!(s->flags & CMD_HIDDEN))
					fprintf(f, "%s ", s->name + strlen(cmd->name) + 1);
			fputs("\" -- \"$cur\"))\n\t\t\treturn\n\t\tfi\n\t\tcase ${COMP_WORDS[at+1]} in\n", f);
			for (const command *s = cmd->subcommands; s->name; s++) {
				fprintf(f, "\t\t%s)\n", s->name + strlen(cmd->name) + 1);
				bash_verb(f, s, "\t\t");
				fputs("\t\t\t;;\n", f);
			}
			fputs("\t\tesac\n\t\t;;\n", f);
			continue;
		}
		bash_verb(f, cmd, "\t");
		fputs("\t\t;;\n", f);
	}
	fputs("\tesac\n"
	      "\tif [[ $cur == -* ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	      "\telif ((containers)); then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$(_berth_containers \"${globals[@]}\")\" -- \"$cur\"))\n"
	      "\tfi\n}\n\n"
	      "complete -o bashdefault -o default -F _berth berth\n", f);
	return ferror(f) ? -1 : 0;
}

/* ---- zsh ------------------------------------------------------------------------- */

/* Text inside a single-quoted spec: quotes closed and reopened, and
 * what the completion functions read escaped: brackets in _arguments'
 * descriptions, and colons where they would end a field (names,
 * messages), not in the text after the last one. */
static void zsh_text(FILE *f, const char *s, bool colons)
{
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else if (*s == '[' || *s == ']' || *s == '\\' || (colons && *s == ':'))
			fprintf(f, "\\%c", *s);
		else
			fputc(*s, f);
	}
}

static void zsh_option(FILE *f, const cli_option *o, const char *indent)
{
	if (o->flags & CLI_OPT_HIDDEN)
		return;
	fputs(indent, f);
	bool repeat = o->flags & CLI_OPT_REPEAT;
	/* a repeatable option excludes nothing; another its other spelling */
	if (o->key < 256 && repeat)
		fprintf(f, "'*'{-%c,--%s}'", o->key, o->name);
	else if (o->key < 256)
		fprintf(f, "'(-%c --%s)'{-%c,--%s}'", o->key, o->name, o->key, o->name);
	else
		fprintf(f, "'%s--%s", repeat ? "*" : "", o->name);
	if (o->arg && (o->flags & CLI_OPT_OPTIONAL))
		fputc('=', f);
	fputc('[', f);
	zsh_text(f, o->help, false);
	fputc(']', f);
	if (o->arg) {
		fputs((o->flags & CLI_OPT_OPTIONAL) ? "::" : ":", f);
		zsh_text(f, o->arg, true);
		fputc(':', f);
		if (o->choices)
			fprintf(f, "(%s)", o->choices);
		else if (o->flags & CLI_OPT_FILE)
			fputs("_files", f);
		else
			fputc(' ', f);
	}
	fputs("' \\\n", f);
}

static void zsh_arguments(FILE *f, const command *cmd, const char *indent)
{
	fprintf(f, "%s_arguments -s \\\n", indent);
	_cleanup_free_ char *inner = NULL;
	if (asprintf(&inner, "%s\t", indent) < 0)
		return;
	const cli_option *tables[] = { cmd->options, cmd->more };
	for (size_t t = 0; t < ARRAY_SIZE(tables); t++)
		for (const cli_option *o = tables[t]; o && o->name; o++)
			zsh_option(f, o, inner);
	fprintf(f, "%s'--help[Print the usage and the options]' \\\n", inner);
	if (cmd->flags & CMD_CONTAINERS)
		fprintf(f, "%s'*:container:_berth_containers'\n", inner);
	else
		fprintf(f, "%s'*:argument:_default'\n", inner);
}

static void zsh_describe(FILE *f, const char *var, const command *cmds, size_t n, size_t skip)
{
	fprintf(f, "\tlocal -a %s\n\t%s=(\n", var, var);
	for (size_t i = 0; i < n && cmds[i].name; i++) {
		if (cmds[i].flags & CMD_HIDDEN)
			continue;
		fputs("\t\t'", f);
		zsh_text(f, cmds[i].name + skip, true);
		fputc(':', f);
		zsh_text(f, cmds[i].summary, false);
		fputs("'\n", f);
	}
	fputs("\t)\n", f);
}

static int gen_zsh(FILE *f, const command *unused)
{
	(void)unused;
	size_t n;
	const command *cmds = cli_commands(&n);
	fputs("#compdef berth\n# zsh completion for berth: written by `berth __gendoc zsh` from berth's\n"
	      "# option tables (do not edit).\n\n"
	      "_berth_containers()\n{\n\tlocal -a names\n"
	      "\tnames=(${(f)\"$(berth ps -a --format json 2>/dev/null | "
	      "sed -n 's/.*\"Name\": *\"\\([^\"]*\\)\".*/\\1/p')\"})\n"
	      "\t_describe 'container' names\n}\n\n"
	      "_berth()\n{\n\tlocal curcontext=$curcontext state line\n", f);
	zsh_describe(f, "verbs", cmds, n, 0);
	fputs("\t_arguments -C \\\n", f);
	for (const cli_option *o = cli_global_options; o->name; o++)
		zsh_option(f, o, "\t\t");
	fputs("\t\t'1:command:->verb' \\\n\t\t'*::argument:->args'\n"
	      "\tcase $state in\n\tverb) _describe 'command' verbs ;;\n\targs)\n\t\tcase $words[1] in\n", f);
	for (size_t i = 0; i < n; i++) {
		const command *cmd = &cmds[i];
		if (cmd->flags & CMD_HIDDEN)
			continue;
		fprintf(f, "\t\t%s)\n", cmd->name);
		if (cmd->subcommands) {
			size_t skip = strlen(cmd->name) + 1;
			fputs("\t\t\tif (( CURRENT == 2 )); then\n", f);
			zsh_describe(f, "subs", cmd->subcommands, SIZE_MAX, skip);
			fputs("\t\t\t\t_describe 'command' subs\n\t\t\t\treturn\n\t\t\tfi\n"
			      "\t\t\tshift words; (( CURRENT-- ))\n\t\t\tcase $words[1] in\n", f);
			for (const command *s = cmd->subcommands; s->name; s++) {
				fprintf(f, "\t\t\t%s)\n", s->name + skip);
				zsh_arguments(f, s, "\t\t\t\t");
				fputs("\t\t\t\t;;\n", f);
			}
			fputs("\t\t\tesac\n\t\t\t;;\n", f);
			continue;
		}
		zsh_arguments(f, cmd, "\t\t\t");
		fputs("\t\t\t;;\n", f);
	}
	fputs("\t\tesac\n\t\t;;\n\tesac\n}\n\n_berth \"$@\"\n", f);
	return ferror(f) ? -1 : 0;
}

/* One line a documented option: "VERB<TAB>--name<TAB>-x" (or "-" for no
 * letter), for the tests to hold --help and the pages against. */
static void list_options(const command *cmd)
{
	const cli_option *tables[] = { cmd->options, cmd->more };
	for (size_t t = 0; t < ARRAY_SIZE(tables); t++)
		for (const cli_option *o = tables[t]; o && o->name; o++)
			if (!(o->flags & CLI_OPT_HIDDEN)) {
				char letter[3] = { '-', o->key < 256 ? (char)o->key : '\0', '\0' };
				printf("%s\t--%s\t%s\n", cmd->name, o->name, letter);
			}
	printf("%s\t--help\t-\n", cmd->name);
}

static int gen_list(void)
{
	size_t n;
	const command *cmds = cli_commands(&n);
	for (size_t i = 0; i < n; i++) {
		if (cmds[i].flags & CMD_HIDDEN)
			continue;
		list_options(&cmds[i]);
		for (const command *s = cmds[i].subcommands; s && s->name; s++)
			if (!(s->flags & CMD_HIDDEN))
				list_options(s);
	}
	return EXIT_OK;
}

/* berth __gendoc man DIR VERB... | bash FILE | zsh FILE | options */
int cmd_gendoc(cli *c, int argc, char **argv)
{
	(void)c;
	if (argc == 2 && STREQ(argv[1], "options"))
		return gen_list();
	if (argc >= 3 && STREQ(argv[1], "man"))
		return gen_man(argv[2], argc - 3, argv + 3);
	const char *path = argc == 3 ? argv[2] : NULL;
	int (*fn)(FILE *, const command *) = !path ? NULL : STREQ(argv[1], "bash") ? gen_bash
						    : STREQ(argv[1], "zsh")  ? gen_zsh
									     : NULL;
	if (!fn) {
		cli_errorf("usage: berth __gendoc man DIR VERB... | bash FILE | zsh FILE | options");
		return EXIT_ENGINE;
	}
	_cleanup_free_ char *dir = strdup(path);
	if (!dir)
		return EXIT_ENGINE;
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	return write_file(slash ? dir : ".", slash ? slash + 1 : path, fn, NULL);
}
