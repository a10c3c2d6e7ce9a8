/* Private declarations shared inside libberth. */
#ifndef BERTH_INTERNAL_H
#define BERTH_INTERNAL_H

#include <berth/berth.h>

#include "util/util.h"

/* Fill err (when not NULL) and return code, in one statement:
 *   return berth_fail(err, BERTH_EINVAL, "name: %s is too long", name); */
int berth_fail(berth_error *err, int code, const char *fmt, ...) _printf_(3, 4);
/* The same with the engine's native status and errno recorded. */
int berth_fail_full(berth_error *err, int code, int native, int sys_errno,
		    const char *fmt, ...) _printf_(5, 6);
/* Map an errno from a socket call to a BERTH_E* code. */
int berth_code_from_errno(int e);
/* Prefix an existing error message with context ("ctx: old message"). */
void berth_error_prefix(berth_error *err, const char *fmt, ...) _printf_(2, 3);

#define BERTH_NOMEM(err) berth_fail((err), BERTH_ENOMEM, "out of memory")

/* Reject a NULL argument that the API does not allow. */
#define CHECK_ARG(cond, err, what) \
	do { \
		if (!(cond)) \
			return berth_fail((err), BERTH_EINVAL, "%s: %s", __func__, what); \
	} while (0)

/* Options structs: a NULL pointer means defaults; a wrong version is misuse. */
#define CHECK_OPTS(opts, ver, err) \
	do { \
		if ((opts) && (opts)->version != (ver)) \
			return berth_fail((err), BERTH_EINVAL, "%s: options version %u, expected %u", \
					  __func__, (opts)->version, (unsigned)(ver)); \
	} while (0)

#endif
