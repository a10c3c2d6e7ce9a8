/* Error codes, messages and the berth_error record. */
#include "lib/internal.h"

#include <stdio.h>

struct code_desc {
	const char *name;
	const char *text;
};

static const struct code_desc codes[] = {
	[0] = { "BERTH_OK", "success" },
	[1] = { "BERTH_ENOTFOUND", "not found" },
	[2] = { "BERTH_EEXISTS", "already exists" },
	[3] = { "BERTH_ECONFLICT", "conflict with the object's state" },
	[4] = { "BERTH_EALREADY", "already in that state" },
	[5] = { "BERTH_ETIMEDOUT", "timed out" },
	[6] = { "BERTH_EUNAVAILABLE", "engine unavailable" },
	[7] = { "BERTH_EPERM", "permission denied" },
	[8] = { "BERTH_EUNSUPPORTED", "not supported by this engine" },
	[9] = { "BERTH_EENGINE", "engine error" },
	[10] = { "BERTH_EPROTOCOL", "protocol error" },
	[11] = { "BERTH_EINVAL", "invalid argument" },
	[12] = { "BERTH_ENOMEM", "out of memory" },
	[13] = { "BERTH_ECANCELLED", "cancelled" },
	[14] = { "BERTH_ITEROVER", "no more items" },
};

static const struct code_desc *describe(int code)
{
	if (code > 0 || -code >= (int)ARRAY_SIZE(codes))
		return NULL;
	return &codes[-code];
}

const char *berth_strerror(int code)
{
	const struct code_desc *d = describe(code);
	return d ? d->text : "unknown error";
}

const char *berth_code_name(int code)
{
	const struct code_desc *d = describe(code);
	return d ? d->name : "BERTH_E?";
}

const char *berth_library_version(void) { return BERTH_VERSION_STRING; }

void berth_error_clear(berth_error *err)
{
	if (err)
		memset(err, 0, sizeof *err);
}

void berth_free(void *ptr) { free(ptr); }

/* Copy a formatted message into err->message as a single line. */
static void set_message(berth_error *err, const char *fmt, va_list ap)
{
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	for (char *p = err->message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	/* Trim what engines often end their messages with. */
	size_t n = strlen(err->message);
	while (n && (err->message[n - 1] == ' ' || err->message[n - 1] == '.'))
		err->message[--n] = '\0';
}

int berth_fail_full(berth_error *err, int code, int native, int sys_errno, const char *fmt, ...)
{
	if (err) {
		err->code = code;
		err->native = native;
		err->sys_errno = sys_errno;
		va_list ap;
		va_start(ap, fmt);
		set_message(err, fmt, ap);
		va_end(ap);
	}
	return code;
}

int berth_fail(berth_error *err, int code, const char *fmt, ...)
{
	if (err) {
		err->code = code;
		err->native = 0;
		err->sys_errno = 0;
		va_list ap;
		va_start(ap, fmt);
		set_message(err, fmt, ap);
		va_end(ap);
	}
	return code;
}

void berth_error_prefix(berth_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	char prefix[BERTH_ERROR_MESSAGE_MAX], old[BERTH_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err->message, sizeof old);
	/* Truncation is fine here: the message is one line of context. */
	size_t n = strlen(prefix);
	if (n > sizeof err->message - 3)
		n = sizeof err->message - 3;
	memcpy(err->message, prefix, n);
	memcpy(err->message + n, ": ", 2);
	size_t m = strlen(old);
	if (m > sizeof err->message - n - 3)
		m = sizeof err->message - n - 3;
	memcpy(err->message + n + 2, old, m);
	err->message[n + 2 + m] = '\0';
}

int berth_code_from_errno(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return BERTH_ENOTFOUND;
	case EACCES:
	case EPERM:
		return BERTH_EPERM;
	case ETIMEDOUT:
		return BERTH_ETIMEDOUT;
	case ENOMEM:
		return BERTH_ENOMEM;
	case EINVAL:
		return BERTH_EINVAL;
	default:
		return BERTH_EUNAVAILABLE;
	}
}
