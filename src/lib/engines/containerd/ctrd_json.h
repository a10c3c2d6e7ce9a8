/* The folder's cleanup attribute for jansson references: a json_t *
 * declared _cleanup_json_ is released when it leaves scope. */
#ifndef BERTH_CTRD_JSON_H
#define BERTH_CTRD_JSON_H

#include "util/util.h"

#include <jansson.h>

#define _cleanup_json_ _cleanup_(json_decrefp)

#endif
