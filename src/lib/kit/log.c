/* The client's diagnostics: the caller's log callback, when it set one.
 * The library itself never prints. */
#include "lib/engine.h"

#include <stdarg.h>
#include <stdio.h>

void berth_log(const struct berth_client *c, berth_log_level level, const char *fmt, ...)
{
	if (!c || !c->log)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->log(level, msg, c->log_payload);
}
