/* The berth command-line tool: shared declarations. The CLI uses only the
 * public API (include/berth) plus the dependency-free util helpers. */
#ifndef BERTH_CLI_H
#define BERTH_CLI_H

#include <berth/berth.h>
#include <getopt.h>
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

typedef struct command {
	const char *name;
	int (*run)(cli *c, int argc, char **argv);
	const char *usage;
	const char *summary;
} command;

/* Open the client (once); on failure prints the error and returns NULL. */
berth_client *cli_client(cli *c);

/* Print "berth: message" to stderr. */
void cli_errorf(const char *fmt, ...) _printf_(1, 2);
/* Print an error from the library and return its exit code. */
int cli_fail(const berth_error *err);
/* The exit code for a library error: 1 for object errors, 125 otherwise. */
int cli_exit_code(int code);
/* Print the usage of a command and return 125. */
int cli_usage(const command *cmd, const char *fmt, ...) _printf_(2, 3);
/* Command-line help for one command. */
void cli_help(const command *cmd);

/* Parse --format: "json" sets *json; "text" and "table" clear it. Anything
 * else prints the usage and returns 125. */
int cli_format(const command *cmd, const char *arg, bool *json);

/* Parse a non-negative integer option value; -1 on error. */
long cli_parse_uint(const char *s, long max);

/* ---- container flags (spec_flags.c) ---------------------------------------- */

/* A command's own options beside the spec flags (run's -d, ...). */
typedef struct spec_extra {
	const struct option *long_opts;  /* {0}-terminated; NULL for none */
	const char *short_opts;          /* getopt letters, e.g. "d"; NULL for none */
	/* Called for each of them: 0, or an exit code that ends the parse. */
	int (*handle)(int opt, const char *arg, void *payload);
	void *payload;
} spec_extra;

/* Parse a spec-making command line: the docker CLI's container flags (-e,
 * -p, -v, --ulimit, --restart, ...), the command's own (extra), then IMAGE
 * [CMD...]. Returns 0 with *out set; -1 after printing --help; otherwise
 * an exit code (125) after printing why. */
int spec_flags_parse(berth_spec **out, const command *cmd, int argc, char **argv, const spec_extra *extra);

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
/* The same for a command whose only option is --format text|json. */
int cli_format_options(const command *cmd, int argc, char **argv, bool *json);
/* A verb over names with `-t SECONDS` (stop, restart): op gets a
 * berth_stop_options with the grace. */
int cli_grace_verb(cli *c, const command *cmd, int argc, char **argv, container_op op);
/* "running" -> BERTH_STATE_RUNNING; UNKNOWN for anything else (cmd_ops.c). */
berth_state cli_state_from_name(const char *name);

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
/* run without -d (cmd_exec.c): create, attach, start, stream, exit with the
 * container's code; spec stays the caller's. */
int cli_run_foreground(cli *c, berth_spec *spec);
/* docker run's exit code for a start that failed: 126/127 when the command
 * cannot be run, 125 otherwise (cmd_container.c). */
int cli_run_start_failure(const berth_error *err);
int cmd_images(cli *c, int argc, char **argv);
int cmd_image(cli *c, int argc, char **argv);
int cmd_logs(cli *c, int argc, char **argv);

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

/* "3 seconds ago", "About a minute ago", "2 hours ago" from an epoch time. */
void human_ago(char *buf, size_t size, int64_t when);
/* Shorten a command for a table cell: quoted and cut to `max` columns. */
void short_command(char *buf, size_t size, const char *cmd, size_t max);

#endif
