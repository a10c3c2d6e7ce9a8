/* A pull's and a push's progress lines, as Docker's POST /images/create
 * and /images/NAME/push and Podman's libpod pull and push stream them: a
 * pure parser, one JSON line in, one berth_image_progress out (no I/O;
 * fuzzed by fuzz/fuzz_pull_json.c). */
#ifndef BERTH_PARSE_PULL_JSON_H
#define BERTH_PARSE_PULL_JSON_H

#include "lib/internal.h"
#include "lib/model/model.h"

/* Parse one line into p (reset first). Returns 0 with p filled; 1 for a
 * line with nothing to say (skip it); the BERTH_E* of pull_error_code()
 * when the line reports that the pull failed (err's message: the engine's
 * words); BERTH_EPROTOCOL for a line that is not a JSON object;
 * BERTH_ENOMEM. Docker's lines: {"status","id","progressDetail":{"current",
 * "total"}} and {"error","errorDetail":{"message"}}; Podman's: {"stream":
 * text}, {"error": text}, and {"id","images"} at the end of a pull. A
 * push's: Docker's "Preparing", "Pushing", "Pushed", "TAG: digest: ..."
 * and {"aux":{"Digest"}} at the end; Podman's "Copying blob" (UPLOADING
 * when push is set, DOWNLOADING otherwise). */
int pull_json_parse(berth_image_progress *p, const char *line, size_t len, bool push, berth_error *err);

/* A pull's failure from the registry's words: BERTH_ENOTFOUND,
 * BERTH_EPERM, BERTH_EUNAVAILABLE or BERTH_EENGINE. */
int pull_error_code(const char *message);

#endif
