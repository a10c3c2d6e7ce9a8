/* The image config of a new image made of a base (or nothing) and one
 * more layer: what containerd's commit and import of a root file system
 * write, since containerd has no image builder. Docker's --change
 * instructions are applied here too. Pure: text in, text out. Fuzzed by
 * fuzz/fuzz_image_build.c. */
#ifndef BERTH_PARSE_IMAGE_BUILD_H
#define BERTH_PARSE_IMAGE_BUILD_H

#include "lib/model/model.h"

typedef struct image_build_args {
	const char *diff_id;       /* the new layer's "sha256:..." (uncompressed) */
	const char *created;       /* RFC 3339, the new step's time */
	const char *created_by;    /* the history step's command ("berth commit") */
	const char *comment;       /* NULL: none */
	const char *author;        /* NULL: none */
	const char *os, *arch;     /* for a config made from nothing */
	/* the container's own settings as Docker's create body has them
	 * ({"Cmd", "Entrypoint", "Env", "WorkingDir", "User", "StopSignal",
	 * "ExposedPorts", ...}), laid over the base's config before the
	 * changes, as Docker's commit does; NULL: none */
	const char *container_config;
	const char *const *changes;
	size_t change_count;
} image_build_args;

/* The new config into *out: base (an OCI / Docker image config; NULL or
 * empty: a fresh one for a.os/a.arch) with a.diff_id appended to
 * rootfs.diff_ids, a history step, "created" and "author" set, the
 * container's settings laid over "config" (Env merged by key, the others
 * replaced where the container has them; labels are not carried), and
 * the changes applied to it. BERTH_EINVAL for a malformed change
 * (unknown instruction, a JSON form that is no list of strings, ...),
 * BERTH_EPROTOCOL for a base that is no image config. */
int image_config_build(sbuf *out, const char *base, size_t len, const image_build_args *a, berth_error *err);

/* Apply one docker --change line to an image config's "config" object
 * given as JSON text; the new text into *out. For the tests and the fuzz
 * target. */
int image_change_apply_text(sbuf *out, const char *config_json, size_t len, const char *change, berth_error *err);

#endif
