/* Private declarations shared inside libberth. */
#ifndef BERTH_INTERNAL_H
#define BERTH_INTERNAL_H

#include <berth/berth.h>

#include "../util/util.h"

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

/* A container name or id argument: checked before any request (container.c). */
int check_id(const char *id, berth_error *err);
/* The grace period of stop options (NULL: -1, the container's own);
 * BERTH_EINVAL below -1. `verb` names the call (ops.c). */
int check_grace(int *out, const berth_stop_options *opts, const char *verb, berth_error *err);
/* "KEY" or "KEY=VALUE" label filters; `what` names the call (ops.c). */
int check_label_filters(const char *const *labels, size_t n, const char *what, berth_error *err);

/* Compare "1.41"-style API versions: <0, 0, >0. */
int api_version_cmp(const char *a, const char *b);

#endif
