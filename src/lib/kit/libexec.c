/* Where berth's helper programs are: see libexec.h. */
#include "libexec.h"

#include <limits.h>
#include <stdio.h>
#include <unistd.h>

int libexec_find(char *out, size_t size, const char *name, const char *env)
{
	const char *p = getenv(env);
	if (!isempty(p)) {
		snprintf(out, size, "%s", p);
		return access(out, X_OK) == 0 ? 0 : -EACCES;
	}
	int w = snprintf(out, size, "%s/%s", BERTH_LIBEXECDIR, name);
	if (w > 0 && (size_t)w < size && access(out, X_OK) == 0)
		return 0;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return -ENOENT;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	w = snprintf(out, size, "%s/%s", self, name);
	return w > 0 && (size_t)w < size && access(out, X_OK) == 0 ? 0 : -ENOENT;
}
