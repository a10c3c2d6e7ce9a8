/* Time arguments in the forms the engines take (units.c; the public
 * parsers of durations, sizes and times are declared in the public
 * headers). */
#ifndef BERTH_KIT_UNITS_H
#define BERTH_KIT_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* "1714557600.123456789" (what both Engine-API engines take for
 * since/until). */
void logs_time_arg(char *buf, size_t size, int64_t ns);

#endif
