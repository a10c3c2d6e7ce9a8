/* Pure parsers of the Engine API's stats, top, changes, path-stat and
 * new-image-id replies (no I/O). Fuzzed by fuzz/fuzz_io_json.c. */
#ifndef BERTH_ENGINEAPI_PARSE_IO_H
#define BERTH_ENGINEAPI_PARSE_IO_H

#include "lib/model/io_model.h"

/* One stats object (a one-shot reply or one line of a stream). The CPU
 * percent is computed against the reply's own earlier reading (0 when it
 * has none). 0, BERTH_EPROTOCOL, BERTH_ENOMEM. */
int engineapi_parse_stats(berth_stats **out, const char *body, size_t len, berth_error *err);

/* {"Titles": [...], "Processes": [[...], ...]}. With split_text, a reply of
 * one title and one-cell rows (ps output passed through as text, Podman's
 * fallback) is cut into columns at runs of blanks, the last column taking
 * the rest of the line. */
int engineapi_parse_top(berth_top **out, const char *body, size_t len, bool split_text, berth_error *err);

/* [{"Path": ..., "Kind": 0|1|2}, ...] or null; sorted by path. */
int engineapi_parse_changes(berth_changes **out, const char *body, size_t len, berth_error *err);

/* The X-Docker-Container-Path-Stat header: base64 of a JSON object
 * {name, size, mode (a Go file mode), mtime, linkTarget}. */
int engineapi_parse_path_stat(berth_path_info **out, const char *header, berth_error *err);

/* The new image's id "sha256:..." in a commit reply ({"Id": "sha256:..."};
 * Podman's has the hex digits alone) or an
 * import's JSON lines (the last {"status": "sha256:..."}); an error line
 * ({"error"}, {"errorDetail"}) is BERTH_EENGINE with its words; no id
 * BERTH_EPROTOCOL. `what` prefixes messages. */
int engineapi_parse_new_image_id(char **out, const char *body, size_t len, const char *what, berth_error *err);

/* A Go os.FileMode as POSIX st_mode bits. */
uint32_t engineapi_go_mode(uint64_t go_mode);

#endif
