/* Argument checks shared by the public entry points (validate.c). */
#ifndef BERTH_KIT_VALIDATE_H
#define BERTH_KIT_VALIDATE_H

#include "lib/internal.h"

/* A container name or id argument: checked before any request. */
int check_id(const char *id, berth_error *err);
/* An image name or id argument: an id ("sha256:<hex>" or hex) or a
 * reference berth_validate_image_ref() accepts; `what` names the call. */
int check_image_name(const char *name, const char *what, berth_error *err);
/* The grace period of stop options (NULL: -1, the container's own);
 * BERTH_EINVAL below -1. `verb` names the call. */
int check_grace(int *out, const berth_stop_options *opts, const char *verb, berth_error *err);
/* "KEY" or "KEY=VALUE" label filters; `what` names the call. */
int check_label_filters(const char *const *labels, size_t n, const char *what, berth_error *err);

/* docker's --change lines of commit and import: a known instruction
 * (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME,
 * WORKDIR; any case), blanks, arguments; no line break. */
int check_image_changes(const char *const *changes, size_t n, const char *what, berth_error *err);
/* The name a new image gets (commit, import): a reference with no digest,
 * not an id. */
int check_new_image_ref(const char *ref, const char *what, berth_error *err);

#endif
