/* Pure parsers and a writer of the JSON that describes volumes: the Engine
 * API's volume object ({"Name", "Driver", "Mountpoint", "CreatedAt",
 * "Labels", "Options", "Scope"}), its list and prune replies, the names of
 * a container list, and the same object as berth's containerd volume
 * store keeps it (volume.json). Bytes in, models out; no I/O.
 * fuzz/fuzz_volume_json.c drives them. */
#ifndef BERTH_PARSE_VOLUME_JSON_H
#define BERTH_PARSE_VOLUME_JSON_H

#include "lib/model/volume_model.h"

/* One volume object (GET /volumes/NAME, POST /volumes/create, a store's
 * volume.json). The raw text is kept. Users are left empty. */
int volume_info_parse(berth_volume_info **out, const char *json, size_t len, berth_error *err);

/* GET /volumes: {"Volumes": [...], "Warnings": [...]} (Docker, Podman's
 * compat API) or a bare array (libpod). Sorted by name. */
int volume_list_parse(berth_volume_list **out, const char *json, size_t len, berth_error *err);

/* POST /volumes/prune: {"VolumesDeleted": [...], "SpaceReclaimed": N}
 * (Docker, Podman's compat API) or libpod's [{"Id", "Err", "Size"}]. */
int volume_prune_parse(berth_prune_result **out, const char *json, size_t len, berth_error *err);

/* GET /containers/json: each container's first name without its '/',
 * appended to *out and sorted. */
int volume_users_parse(strv *out, const char *json, size_t len, berth_error *err);

/* The Docker-shaped object of v (name, driver, mountpoint, created,
 * labels, options, "Scope": "local"), as text; *out is malloc'd.
 * 0 or BERTH_ENOMEM. */
int volume_json_format(char **out, const berth_volume_info *v, berth_error *err);

#endif
