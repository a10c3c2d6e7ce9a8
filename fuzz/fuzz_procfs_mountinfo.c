/* Fuzz target: procfs_scan_mountinfo() over arbitrary /proc/PID/mountinfo
 * text, passed in an exactly sized heap block (no NUL after it). */
#include "fuzz.h"

#include "lib/parse/procfs.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	if (!text)
		return 0;
	if (size)
		memcpy(text, data, size);

	proc_hint hint;
	bool found = procfs_scan_mountinfo(text, size, &hint);
	/* A hit from mountinfo always carries a full id and a runtime. */
	if (found && (strlen(hint.id) != CONTAINER_ID_LEN || !hint.runtime))
		abort();
	if (!found && (hint.id[0] || hint.runtime))
		abort();
	free(text);
	return 0;
}
