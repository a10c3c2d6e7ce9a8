/* Fuzz target: procfs_scan_cgroup() over arbitrary /proc/PID/cgroup text.
 *
 * The input is handed over in a heap block of exactly its size, without a
 * terminating NUL, so AddressSanitizer catches any read past the end. */
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
	bool found = procfs_scan_cgroup(text, size, &hint);
	/* What the parser promises about its output. */
	if (strlen(hint.id) != 0 && strlen(hint.id) != CONTAINER_ID_LEN)
		abort();
	if (found != (hint.runtime != NULL))
		abort();
	if (hint.id[0] && !found)
		abort();
	free(text);
	return 0;
}
