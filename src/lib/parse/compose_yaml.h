/* The Compose-format services file (the subset berth takes) read into the
 * record of model/compose_model.h, the .env files beside it, several files
 * merged, and the record written back as YAML. Pure: text in, records out,
 * no I/O. YAML is read by libyaml; fuzzed by fuzz/fuzz_compose_yaml.c.
 *
 * Every error is BERTH_EINVAL with a message "FILE:LINE:COL: what" (1-based;
 * FILE is only the name given for messages).
 *
 * Reading rules worth knowing:
 *  - Values are interpolated before they are typed (keys never are):
 *    $VAR, ${VAR}, ${VAR:-default} (unset or empty), ${VAR-default} (unset),
 *    ${VAR:?message} / ${VAR?message} (an error), ${VAR:+alt} / ${VAR+alt},
 *    $$ for a literal $. Any other $ is an error, as in docker compose. An
 *    unset variable without default gives "" and a warning.
 *  - Booleans take YAML 1.1's words, case-insensitively: true/false,
 *    yes/no, on/off, y/n (docker compose reads files as YAML 1.2 but its
 *    older releases took these; a word that is no boolean is an error).
 *  - Numbers may be written as strings ("8080", "0.5").
 *  - Anchors and aliases work; so do merge keys (<<: *x, <<: [*x, *y]):
 *    keys written in the map win over merged ones, and an earlier merged
 *    map wins over a later one.
 *  - Refused: a file over 4 MiB, nesting deeper than 64, more than 100000
 *    nodes visited (alias bombs), more than one document, duplicate keys,
 *    unknown keys, keys of the Compose format berth does not support
 *    (build, deploy, secrets, ...: "unsupported"), top-level keys other than
 *    services, name, version, volumes, networks and x-*. */
#ifndef BERTH_PARSE_COMPOSE_YAML_H
#define BERTH_PARSE_COMPOSE_YAML_H

#include "lib/model/compose_model.h"

#define COMPOSE_MAX_FILE (4u << 20)
#define COMPOSE_MAX_DEPTH 64
#define COMPOSE_MAX_NODES 100000

/* Parse one file into *out (zeroed by the caller; on error it is released
 * and zeroed). env_keys/env_values: the variables for interpolation, the
 * last of a name wins (NULL: none). Services, volumes and networks come
 * out sorted by name. Warnings ("FILE:LINE: ...") go to out->warnings. */
int compose_yaml_parse(compose_project *out, const char *text, size_t len, const char *file,
		       const strv *env_keys, const strv *env_values, berth_error *err);

/* A .env or env_file: file: KEY=VALUE lines appended to keys/values (a key
 * seen again replaces its value). Blank lines and lines starting with #
 * are skipped; "export " before the key is dropped; 'single quoted'
 * values are literal; "double quoted" ones take \n \t \r \" \\ (other
 * backslashes stay) and may span lines; unquoted values are trimmed and
 * lose a " #..." comment. A line without '=' or with a key that is not
 * [A-Za-z_][A-Za-z0-9_.-]* is BERTH_EINVAL "FILE:LINE: ...". */
int compose_dotenv_parse(strv *keys, strv *values, const char *text, size_t len, const char *file,
			 berth_error *err);

/* Lay over on top of base (docker compose's -f a -f b), consuming over
 * (released even on error; base is left as far as it got, still valid):
 *  - name: over's when it gives one;
 *  - a service only in over is added; for one in both, every scalar over
 *    gives replaces base's (strings, command and entrypoint when given,
 *    restart, stop_grace_period, mem_limit, cpus, init, pull_policy; the
 *    booleans are or-ed, since "false" cannot be told from "not given");
 *    environment and labels merge by key (over's value wins); ports,
 *    env_file, cap_add, cap_drop, dns and extra_hosts are appended (an
 *    entry already there is not repeated); volumes and tmpfs merge by
 *    target; depends_on, networks and ulimits by name; a healthcheck over
 *    gives replaces the fields it sets (test, times, retries, disable);
 *    base's line is kept;
 *  - top-level volumes and networks by key: over's entry replaces base's.
 * Afterwards the dependencies are checked again (unknown service, cycle).
 * 0, BERTH_EINVAL or BERTH_ENOMEM. */
int compose_project_merge(compose_project *base, compose_project *over, berth_error *err);

/* The project as YAML text (berth compose config), *out malloc'd: keys in
 * a fixed order, long forms for ports, volumes and depends_on, strings
 * double-quoted with $ doubled, durations in ms, sizes in bytes. It parses
 * back with compose_yaml_parse() to an equal project
 * (compose_project_equal()). 0 or BERTH_ENOMEM. */
int compose_yaml_emit(char **out, const compose_project *p, berth_error *err);

#endif
