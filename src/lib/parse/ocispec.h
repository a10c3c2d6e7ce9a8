/* The OCI runtime spec a containerd container record carries: the parts
 * inspect reports. Pure parser (parse/ocispec.c). */
#ifndef BERTH_PARSE_OCISPEC_H
#define BERTH_PARSE_OCISPEC_H

#include "lib/model/model.h"

/* Fill x's cmd, env, tty and mounts (the spec's own defaults such as /proc
 * and /dev left out) from the spec's JSON. 0, -ENOMEM, or -EINVAL for text
 * that is not a JSON object. */
int oci_spec_read(berth_container_info *x, const char *json, size_t len);

/* The command a list shows: process.args joined by spaces ("" without
 * them), read as the bytes come and no further than the args (no tree of
 * the whole spec). 0, -ENOMEM, or -EINVAL for text that is not JSON up to
 * there. *out is the caller's. */
int oci_spec_command(char **out, const char *json, size_t len);

/* What the file calls need of the spec: whether the root file system is
 * read-only, and every mount's destination as written (the spec's
 * defaults included: the runtime makes their mount points). 0, -ENOMEM,
 * or -EINVAL for text that is not a JSON object (*readonly false, dests
 * untouched). */
int oci_spec_rootfs(bool *readonly, strv *dests, const char *json, size_t len);

#endif
