/* The JSON module's helpers: every file of the library that uses jansson
 * includes this header (and <jansson.h> only through it). */
#ifndef BERTH_PARSE_JSON_UTIL_H
#define BERTH_PARSE_JSON_UTIL_H

#include "lib/model/model.h"

#include <jansson.h>

/* A json_t * released with json_decref() when it goes out of scope. */
#define _cleanup_json_ _cleanup_(json_decrefp)

/* Append the string items of array a (other items are skipped). 0 or -ENOMEM. */
static inline int json_strv_append(strv *out, json_t *a)
{
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
		if (json_is_string(v) && strv_push(out, json_string_value(v)) < 0)
			return -ENOMEM;
	return 0;
}

#endif
