/* The berth command-line tool: shared declarations. The CLI uses only the
 * public API (include/berth) plus the dependency-free util helpers. */
#ifndef BERTH_CLI_H
#define BERTH_CLI_H

#include <berth/berth.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "util/util.h"

/* Exit codes, as the docker CLI uses them. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,        /* the operation failed on its object (not found, conflict) */
	EXIT_ENGINE = 125,    /* berth or the engine failed, or bad usage */
	EXIT_CANNOT_RUN = 126,
	EXIT_NOT_FOUND = 127,
};

typedef struct cli {
	berth_client_options opts;
	berth_client *client;  /* opened on first use */
	int debug;
	const char *prog;
} cli;

/* ---- declarative options (options.c) -------------------------------------
 * Each command describes its options in a table; one parser drives
 * getopt_long from it, prints --help, and the documentation generator
 * writes the man pages and shell completions from the same tables. */

/* Keys of long-only options start here (below: the short letter itself). */
enum {
	OPT_HELP = 256,
	OPT_FORMAT,
	OPT_LOCAL = 300, /* a command's own long-only keys start here */
};

enum {
	CLI_OPT_REPEAT = 1 << 0,   /* may be given again; every one counts */
	CLI_OPT_OPTIONAL = 1 << 1, /* the value is optional: --flag or --flag=VALUE */
	CLI_OPT_HIDDEN = 1 << 2,   /* accepted but not documented (aliases) */
	CLI_OPT_FILE = 1 << 3,     /* the value is a local path (for completion) */
};

typedef struct cli_option {
	const char *name;    /* long name without "--"; NULL ends a table */
	int key;             /* the short letter, or OPT_* (>= 256) for long-only */
	const char *arg;     /* the value's name in help ("SECONDS"); NULL: a switch */
	const char *help;
	unsigned flags;      /* CLI_OPT_* */
	const char *choices; /* the values completion offers, space-separated */
} cli_option;

#define CLI_OPTIONS_END { NULL, 0, NULL, NULL, 0, NULL }
/* The --format text|json option several commands share. */
#define CLI_FORMAT_OPTION(what) \
	{ "format", OPT_FORMAT, "FORMAT", what, 0, "text table json" }

enum {
	CMD_LONG_HELP_ONLY = 1 << 0, /* -h is not help (exec, attach: as before) */
	CMD_HIDDEN = 1 << 1,         /* an alias: accepted, not documented */
	CMD_CONTAINERS = 1 << 2,     /* operands are container names (completion) */
};

typedef struct command {
	const char *name;          /* "ps", or "image ls" for a subcommand */
	int (*run)(cli *c, int argc, char **argv);
	const cli_option *options; /* the command's own; NULL for none */
	const cli_option *more;    /* a second table (run's container flags) */
	const char *operands;      /* after [OPTIONS] in the usage line */
	const char *summary;
	const char *usage_more;    /* further usage lines ("berth wait --ready ..."), or NULL */
	unsigned flags;            /* CMD_* */
	const struct command *subcommands; /* ended by a NULL name (image) */
} command;

/* Room for the largest command's options (run: its own and the container flags). */
#define CLI_MAX_OPTIONS 96

typedef struct cli_parser {
	const command *cmd;
	int argc;
	char **argv;
	struct option longs[CLI_MAX_OPTIONS + 2];
	char shorts[CLI_MAX_OPTIONS * 3 + 4]; /* "+", a letter and up to two colons each, "h" */
	bool short_help;     /* -h means --help */
	const char *arg;     /* the value of the option cli_next returned */
	bool json;           /* --format json was given (the parser reads --format itself) */
	int rc;              /* the exit code when cli_next returned -1 */
} cli_parser;

/* Ready a parse of argv (argv[0]: the verb) by cmd's tables and --help (and
 * -h, unless the table uses it or CMD_LONG_HELP_ONLY is set). Options stop
 * at the first operand, as they always did ("+"). */
void cli_parser_init(cli_parser *p, const command *cmd, int argc, char **argv);
/* The next option's key (its value in p->arg); 0 when the options are over
 * (optind: the first operand); -1 when the command should return p->rc:
 * after --help (0) or a bad option (125, said on stderr). --help and
 * --format are handled here (p->json), not returned. */
int cli_next(cli_parser *p);
/* The option of a key in cmd's tables, or NULL. */
const cli_option *cli_option_of(const command *cmd, int key);
/* Every command, in the order of `berth --help`; *n is set. */
const command *cli_commands(size_t *n);
/* berth's global options (main.c). */
extern const cli_option cli_global_options[];

/* Open the client (once); on failure prints the error and returns NULL. */
berth_client *cli_client(cli *c);
/* The --debug log callback: the library's diagnostics on stderr (session.c). */
void cli_log_to_stderr(berth_log_level level, const char *message, void *payload);

/* Print "berth: message" to stderr. */
void cli_errorf(const char *fmt, ...) _printf_(1, 2);
void cli_verrorf(const char *fmt, va_list ap) _printf_(1, 0);
/* Print an error from the library and return its exit code. */
int cli_fail(const berth_error *err);
/* The exit code for a library error: 1 for object errors, 125 otherwise. */
int cli_exit_code(int code);
/* Print "berth: message" and the command's usage line to stderr; 125
 * (options.c). */
int cli_usage(const command *cmd, const char *fmt, ...) _printf_(2, 3);
/* --help of one command, from its tables: the usage line, the summary and
 * the aligned option list (options.c). */
void cli_help(const command *cmd);

/* Parse a non-negative integer option value; -1 on error. */
long cli_parse_uint(const char *s, long max);

/* ---- container flags (spec_flags.c) ---------------------------------------- */

/* The docker CLI's container flags (-e, -p, -v, --ulimit, --restart, ...). */
extern const cli_option spec_flag_options[];

/* Parse a spec-making command line: the container flags, the command's
 * own options (cmd->options; each goes to own(key, value, payload), which
 * returns 0 or an exit code that ends the parse), then IMAGE [CMD...].
 * Returns 0 with *out set; -1 after printing --help; otherwise an exit
 * code (125) after printing why. */
int spec_flags_parse(berth_spec **out, const command *cmd, int argc, char **argv,
		     int (*own)(int key, const char *arg, void *payload), void *payload);

/* ---- helpers shared by the commands (common.c) ------------------------------ */

/* The subcommand of a group's table by its whole name ("network create"). */
const command *cli_subcommand(const command *subs, const char *name);
/* The subcommand of group by the word after the group's name ("create");
 * NULL when there is none. */
const command *cli_subcommand_word(const command *group, const char *word);
/* berth GROUP: --help (or nothing: the help and 125), else argv[1] is the
 * subcommand of the group's table, run with argv + 1. */
int cli_run_subcommand(cli *c, const char *group, int argc, char **argv);
/* One operation on a container, for cli_for_each. */
typedef int (*container_op)(berth_client *client, const char *id, const void *opts, berth_error *err);
/* Apply op to every name from argv[optind] on; print each name that
 * succeeded, as docker does. Exit status: the worst error's code. */
int cli_for_each(cli *c, const command *cmd, int argc, char **argv, container_op op, const void *opts);
/* The same; names are printed only with echo (op may print its own). */
int cli_each(cli *c, const command *cmd, int argc, char **argv, container_op op, const void *opts, bool echo);
/* Options of a command that has none but --help: 0 to go on, -1 after
 * printing the help, else the usage error's exit code. */
int cli_no_options(const command *cmd, int argc, char **argv);
/* The same for a command whose only option is --format text|json
 * (cli_format_only_options). */
int cli_format_options(const command *cmd, int argc, char **argv, bool *json);
extern const cli_option cli_format_only_options[];
/* A verb over names with `-t SECONDS` (stop, restart): op gets a
 * berth_stop_options with the grace. */
int cli_grace_verb(cli *c, const command *cmd, int argc, char **argv, container_op op);
/* The options of such a verb. */
extern const cli_option cli_grace_options[];
/* "running" -> BERTH_STATE_RUNNING; UNKNOWN for anything else. */
berth_state cli_state_from_name(const char *name);
/* run without -d: create, attach, start, stream, exit with the
 * container's code; spec stays the caller's. */
int cli_run_foreground(cli *c, berth_spec *spec);
/* docker run's exit code for a start that failed: 126/127 when the command
 * cannot be run, 125 otherwise. */
int cli_run_start_failure(const berth_error *err);
/* Print a library error and return 125 (berth's own failure, not the
 * command's). */
int cli_fail125(const berth_error *err);

/* ---- a process's I/O (pump.c) ------------------------------------------------ */

typedef struct pump {
	berth_stream *s;
	bool forward_stdin;
	bool tty;
	/* signals to send to the container (run, attach with --sig-proxy) */
	berth_client *client;
	const char *container;
	bool sig_proxy;
} pump;

/* Copy between the stream and the local stdio until it ends, with the
 * terminal and signals set up around it: 0, or an exit code. */
int cli_pump_go(pump *p);
/* How a container ended, once its stream is over: its exit code, or 0
 * when it still runs (the stream was cut by a detach or by the engine). */
int cli_container_exit_code(berth_client *client, const char *id);

/* Commands (one file per group). */
int cmd_detect(cli *c, int argc, char **argv);
int cmd_platform(cli *c, int argc, char **argv);
int cmd_version(cli *c, int argc, char **argv);
int cmd_info(cli *c, int argc, char **argv);
int cmd_ping(cli *c, int argc, char **argv);
int cmd_run(cli *c, int argc, char **argv);
int cmd_create(cli *c, int argc, char **argv);
int cmd_start(cli *c, int argc, char **argv);
int cmd_stop(cli *c, int argc, char **argv);
int cmd_rm(cli *c, int argc, char **argv);
int cmd_ps(cli *c, int argc, char **argv);
int cmd_inspect(cli *c, int argc, char **argv);
int cmd_ready(cli *c, int argc, char **argv);

int cmd_restart(cli *c, int argc, char **argv);
int cmd_kill(cli *c, int argc, char **argv);
int cmd_pause(cli *c, int argc, char **argv);
int cmd_unpause(cli *c, int argc, char **argv);
int cmd_rename(cli *c, int argc, char **argv);
int cmd_update(cli *c, int argc, char **argv);
int cmd_wait(cli *c, int argc, char **argv);
int cmd_prune(cli *c, int argc, char **argv);
int cmd_up(cli *c, int argc, char **argv);
int cmd_reap(cli *c, int argc, char **argv);
int cmd_port(cli *c, int argc, char **argv);
int cmd_stats(cli *c, int argc, char **argv);
int cmd_top(cli *c, int argc, char **argv);
int cmd_diff(cli *c, int argc, char **argv);
int cmd_cp(cli *c, int argc, char **argv);
int cmd_events(cli *c, int argc, char **argv);
int cmd_exec(cli *c, int argc, char **argv);
int cmd_attach(cli *c, int argc, char **argv);
int cmd_images(cli *c, int argc, char **argv);
int cmd_tag(cli *c, int argc, char **argv);
int cmd_rmi(cli *c, int argc, char **argv);
int cmd_pull(cli *c, int argc, char **argv);
int cmd_push(cli *c, int argc, char **argv);
int cmd_history(cli *c, int argc, char **argv);
int cmd_login(cli *c, int argc, char **argv);
int cmd_logout(cli *c, int argc, char **argv);
int cmd_search(cli *c, int argc, char **argv);
/* prune and image prune: -f, --filter label=..., -a (images); asks on a
 * terminal, refuses without one unless -f. */
enum { CLI_PRUNE_FILTER = OPT_LOCAL + 40 };
int cli_prune(cli *c, const command *cmd, int argc, char **argv, bool images);
/* A --filter label=KEY[=VALUE] value onto labels: 0, or the usage error's code. */
int cli_label_filter(const command *cmd, strv *labels, const char *arg);
/* The options of a prune (--filter label=... with the key CLI_PRUNE_FILTER,
 * -f, -a) and no operands: true to go on; false with *rc the code to return. */
bool cli_prune_parse(const command *cmd, int argc, char **argv, strv *labels, bool *force, bool *all, int *rc);
/* What a prune removed: heading and each id after prefix (none when
 * nothing went), the space reclaimed when space; res is freed. */
void cli_prune_report(berth_prune_result *res, const char *heading, const char *prefix, bool space);
/* The prunes' question: unless force, "WARNING! This will remove WHAT"
 * (" that match the filter" when filtered) and y/N on the terminal. True to
 * go on; false with *rc the code to return (no terminal: 125, no: 0). */
bool cli_prune_confirmed(const command *cmd, bool force, const char *what, bool filtered, int *rc);
/* The spec's pull policy as docker's run, create and up have it: always
 * pulls first (cli_pull_first: 0, or -1 with the message printed; the
 * spec's policy is NEVER afterwards, so the library asks nothing more);
 * missing pulls when create failed for want of the image
 * (cli_pull_missing, given the policy cli_pull_first found and create's
 * code: 1 pulled, create again; 0 not the image's fault; -1 the pull
 * failed, printed). Progress goes to stderr, after "Unable to find image
 * '...' locally". */
int cli_pull_first(berth_client *client, berth_spec *spec);
/* Pull ref showing the progress on `to` (nothing with quiet). 0, or the
 * exit code (the message printed). */
int cli_pull_showing(berth_client *client, const char *ref, const berth_pull_options *po, FILE *to, bool quiet);
/* The same for a push. */
int cli_push_showing(berth_client *client, const char *ref, const berth_push_options *po, FILE *to, bool quiet);
/* The reference as docker prints it after a pull: with its tag. */
void cli_print_ref(FILE *to, const char *ref, bool all_tags);
int cli_pull_missing(berth_client *client, berth_spec *spec, berth_pull_policy policy, int create_rc);
int cmd_image(cli *c, int argc, char **argv);
int cmd_logs(cli *c, int argc, char **argv);

/* Write all n bytes to fd, through partial writes and EINTR: 0 or -errno
 * (common.c). */
int cli_write_all(int fd, const char *p, size_t n);
/* save, export: the archive open_stream opens written to path ("-" or
 * NULL: stdout, refused on a terminal as docker does); a file left
 * half-written by a failure is removed. Exit code (common.c). */
int cli_archive_out(const command *cmd, const char *path,
		    int (*open_stream)(berth_stream **out, void *payload, berth_error *err), void *payload);
int cmd_save(cli *c, int argc, char **argv);
int cmd_load(cli *c, int argc, char **argv);
int cmd_import(cli *c, int argc, char **argv);
int cmd_export(cli *c, int argc, char **argv);
int cmd_commit(cli *c, int argc, char **argv);

/* Writes the man pages and completions (gendoc.c). */
int cmd_gendoc(cli *c, int argc, char **argv);

/* The option tables of the commands, next to the code that handles them. */
extern const cli_option run_options[], rm_options[], ps_options[], kill_options[], update_options[],
	wait_options[], prune_options[], reap_options[], stats_options[], platform_options[], ready_options[],
	events_options[], exec_options[], attach_options[], images_options[], image_rm_options[], logs_options[], pull_options[], push_options[],
	history_options[], login_options[], logout_options[], search_options[], save_options[], load_options[],
	import_options[], export_options[], commit_options[];
extern const command image_subcommands[];
/* berth network (cmd_network.c) */
int cmd_network(cli *c, int argc, char **argv);
extern const command network_subcommands[];
/* berth compose and its verbs (cmd_compose.c). */
int cmd_compose(cli *c, int argc, char **argv);
extern const cli_option compose_options[];
extern const command compose_subcommands[];
/* berth volume and its subcommands (cmd_volume.c). */
int cmd_volume(cli *c, int argc, char **argv);
extern const command volume_subcommands[];

const command *cli_find_command(const char *name);

/* ---- output (output.c) ---------------------------------------------------- */

/* A JSON writer to a stdio stream: enough for berth's own output. */
typedef struct jw {
	FILE *f;
	int depth;
	bool first[32];
	bool after_key;
} jw;

void jw_init(jw *w, FILE *f);
void jw_begin_object(jw *w);
void jw_end_object(jw *w);
void jw_begin_array(jw *w);
void jw_end_array(jw *w);
void jw_key(jw *w, const char *key);
void jw_string(jw *w, const char *s);
void jw_int(jw *w, long long v);
void jw_bool(jw *w, bool v);
void jw_null(jw *w);
/* Insert text that is already JSON (the engine's raw reply). */
void jw_raw(jw *w, const char *json);
/* Shorthands for "key": value */
void jw_kv_string(jw *w, const char *key, const char *s);
void jw_kv_int(jw *w, const char *key, long long v);
void jw_kv_bool(jw *w, const char *key, bool v);

/* A text table with columns padded like the docker CLI's (3 spaces). */
typedef struct table {
	size_t ncols;
	strv cells;   /* row-major */
} table;

int table_init(table *t, size_t ncols, const char *const *headers);
int table_add(table *t, const char *const *row);
void table_print(const table *t, FILE *f);
void table_release(table *t);
/* A table printed straight from its source, nothing copied: row(ctx, i,
 * cells, scratch) sets cells[0..ncols) for row i (pointers into the source
 * or into scratch, each cell's own 128 bytes); it is called twice per row,
 * once for the widths and once to print. At most 16 columns. */
typedef void (*table_row_fn)(void *ctx, size_t i, const char **cells, char scratch[][128]);
void table_print_rows(FILE *f, size_t ncols, const char *const *headers, size_t nrows, table_row_fn row, void *ctx);

/* "3 seconds ago", "About a minute ago", "2 hours ago" from an epoch time. */
void human_ago(char *buf, size_t size, int64_t when);
/* A size as docker prints it: decimal units, `digits` significant digits
 * ("1.23MB" with 3; docker's images list takes 3, its other sizes 4). */
void human_size(char *buf, size_t size, int64_t n, int digits);
/* Shorten a command for a table cell: quoted and cut to `max` columns. */
void short_command(char *buf, size_t size, const char *cmd, size_t max);

#endif
