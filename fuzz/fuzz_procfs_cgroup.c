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
	/* What the parser promises about its output: a hit has a runtime and
	 * names its rule; an id is 64 lower-case hex digits and was in the
	 * text; a miss leaves nothing behind. */
	if (found != (hint.runtime != NULL) || found != (hint.rule != NULL))
		abort();
	if (hint.id[0] && (!found || !fuzz_is_container_id(hint.id) || !memmem(text, size, hint.id, CONTAINER_ID_LEN)))
		abort();
	if (found) {
		fuzz_use(hint.runtime);
		fuzz_use(hint.rule);
	}
	free(text);
	return 0;
}
