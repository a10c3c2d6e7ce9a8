/* Engine API network records (Docker's shape, which Podman's compat API
 * also sends): an inspect reply and a list reply into berth's records.
 * Pure: bytes in, records out (fuzz target network_json). */
#ifndef BERTH_PARSE_NETWORK_JSON_H
#define BERTH_PARSE_NETWORK_JSON_H

#include "lib/model/network_model.h"

/* One network object. 0, BERTH_EPROTOCOL (not JSON, not an object, no Id
 * or Name) or BERTH_ENOMEM. */
int network_info_parse(berth_network_info **out, const char *json, size_t len, berth_error *err);

/* An array of network objects (entries that are not objects, or lack an
 * Id or a Name, are skipped), sorted by name. 0, BERTH_EPROTOCOL,
 * BERTH_ENOMEM. */
int network_list_parse(berth_network_list **out, const char *json, size_t len, berth_error *err);

/* A network prune's reply {"NetworksDeleted": [names] | null}. 0,
 * BERTH_EPROTOCOL, BERTH_ENOMEM. */
int network_prune_parse(berth_prune_result **out, const char *json, size_t len, berth_error *err);

#endif
