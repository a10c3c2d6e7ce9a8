/* Container logs: the checked request an engine's container_logs op gets,
 * and the time arguments' parser. */
#ifndef BERTH_LOGS_INTERNAL_H
#define BERTH_LOGS_INTERNAL_H

#include "internal.h"

typedef struct logs_request {
	bool out, err;        /* channels */
	bool follow;
	bool timestamps;
	long long tail;       /* -1: all */
	int64_t since_ns;     /* 0: no bound */
	int64_t until_ns;     /* 0: no bound */
} logs_request;

/* "1714557600.123456789" (what both engines take for since/until). */
void logs_time_arg(char *buf, size_t size, int64_t ns);

#endif
