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

	proc_mounts m;
	bool found = procfs_scan_mountinfo(text, size, &m);
	if (found != (m.bind.runtime || m.root))
		abort();
	/* A bind names the path it is mounted at, which is in the text, and a
	 * rule; its id (none on Kubernetes) is 64 hex digits from the text. */
	if (!m.bind.runtime != !m.bind_at || !m.bind.runtime != !m.bind.rule)
		abort();
	if (m.bind.runtime) {
		fuzz_use(m.bind.runtime);
		fuzz_use(m.bind.rule);
		if (!memmem(text, size, m.bind_at, strlen(m.bind_at)))
			abort();
		if (strcmp(m.bind.runtime, "kubernetes") != 0 && !fuzz_is_container_id(m.bind.id))
			abort();
	}
	if (m.bind.id[0] && (!fuzz_is_container_id(m.bind.id) || !memmem(text, size, m.bind.id, CONTAINER_ID_LEN)))
		abort();
	/* Without a mount at "/" or at a container's path, nothing is found:
	 * a table without " / " and without "/etc/", "/run/" or "/dev/"
	 * cannot name a container. */
	if (found && !memmem(text, size, " / ", 3) && !memmem(text, size, " /etc/", 6) &&
	    !memmem(text, size, " /run/", 6) && !memmem(text, size, " /dev/", 6))
		abort();
	if (m.root)
		fuzz_use(m.root);
	free(text);
	return 0;
}
