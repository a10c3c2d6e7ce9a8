/* berth — common definitions: error codes, the error record, memory.
 *
 * Conventions used by every berth function:
 *  - functions return int: 0 on success, a negative BERTH_E* code on failure;
 *  - outputs come first (`T **out`), then the object, then inputs, then
 *    `berth_error *err` last (which may be NULL);
 *  - on failure outputs are left untouched;
 *  - what comes back through `T **out` belongs to the caller and is released
 *    with the matching berth_T_free() (all of them accept NULL); strings the
 *    library allocates are released with berth_free();
 *  - getters return borrowed pointers that live as long as their parent;
 *  - inputs are copied: the caller may release them as soon as a call returns.
 *
 * docs/CONVENTIONS.md states the whole contract.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_COMMON_H
#define BERTH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(BERTH_BUILDING_LIBRARY)
#define BERTH_API __attribute__((visibility("default")))
#else
#define BERTH_API
#endif

#define BERTH_VERSION_MAJOR 0
#define BERTH_VERSION_MINOR 1
#define BERTH_VERSION_PATCH 0
#define BERTH_VERSION_STRING "0.1.0"

/** The library's version string, e.g. "0.1.0" (static storage). */
BERTH_API const char *berth_library_version(void);

/**
 * Result codes. The values are fixed for the life of the ABI and are never
 * reused; new codes only get new numbers.
 */
typedef enum berth_code {
	BERTH_OK = 0,
	BERTH_ENOTFOUND = -1,     /**< the object (container, image, socket) does not exist */
	BERTH_EEXISTS = -2,       /**< an object with that name exists already */
	BERTH_ECONFLICT = -3,     /**< the object's state forbids the operation */
	BERTH_EALREADY = -4,      /**< the object is already in the asked-for state */
	BERTH_ETIMEDOUT = -5,     /**< no answer within the deadline */
	BERTH_EUNAVAILABLE = -6,  /**< engine missing, refusing connections or gone */
	BERTH_EPERM = -7,         /**< permission denied (socket, engine, registry) */
	BERTH_EUNSUPPORTED = -8,  /**< this engine (or this build) cannot do that */
	BERTH_EENGINE = -9,       /**< the engine failed in a way berth does not classify */
	BERTH_EPROTOCOL = -10,    /**< malformed, truncated or unexpected reply */
	BERTH_EINVAL = -11,       /**< invalid argument, rejected before any request */
	BERTH_ENOMEM = -12,       /**< out of memory */
	BERTH_ECANCELLED = -13,   /**< the operation was cancelled by the caller */
	BERTH_ITEROVER = -14,     /**< a stream or iteration has no more items */
} berth_code;

/** A short static description of a code ("not found", ...). Never NULL. */
BERTH_API const char *berth_strerror(int code);

/** The enum's name of a code ("BERTH_ENOTFOUND", ...). Never NULL. */
BERTH_API const char *berth_code_name(int code);

#define BERTH_ERROR_MESSAGE_MAX 512

/**
 * Detail of a failure, owned by the caller. Initialise with BERTH_ERROR_INIT;
 * release with berth_error_clear() (which also makes it reusable). A
 * function that fails fills it in when it is not NULL; a function that
 * succeeds leaves it alone.
 */
typedef struct berth_error {
	int code;       /**< the BERTH_E* code, same as the return value */
	int native;     /**< the engine's own status: HTTP status, gRPC code, or 0 */
	int sys_errno;  /**< errno of a failed system call, or 0 */
	char message[BERTH_ERROR_MESSAGE_MAX]; /**< one line with context, NUL-terminated */
} berth_error;

#define BERTH_ERROR_INIT { 0, 0, 0, { 0 } }

/** Reset an error record to BERTH_ERROR_INIT. NULL-safe. */
BERTH_API void berth_error_clear(berth_error *err);

/** Release memory the library allocated for a plain string or buffer. */
BERTH_API void berth_free(void *ptr);

/** Log levels for the optional diagnostics callback. */
typedef enum berth_log_level {
	BERTH_LOG_ERROR = 3,
	BERTH_LOG_WARNING = 4,
	BERTH_LOG_INFO = 6,
	BERTH_LOG_DEBUG = 7,
} berth_log_level;

/** Diagnostics callback; the library never prints on its own. */
typedef void (*berth_log_cb)(berth_log_level level, const char *message, void *payload);

#ifdef __cplusplus
}
#endif
#endif
