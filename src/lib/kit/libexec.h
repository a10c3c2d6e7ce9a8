/* Where berth's helper programs are (berth-logger, berth-health). */
#ifndef BERTH_KIT_LIBEXEC_H
#define BERTH_KIT_LIBEXEC_H

#include "lib/internal.h"

/* The helper program `name`: the path in the environment variable `env`
 * when it is set (it must be executable), else the installed one in
 * BERTH_LIBEXECDIR, else the one beside the running program (a berth built
 * but not installed). 0, or -ENOENT (env set to something that is not an
 * executable file: -EACCES) with out holding the last place looked at. */
int libexec_find(char *out, size_t size, const char *name, const char *env);

#endif
