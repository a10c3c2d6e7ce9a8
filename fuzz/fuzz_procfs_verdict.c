/* Fuzz target: procfs_verdict(), the judgement over everything berth reads
 * about a process.
 *
 * Input: a first byte of flags (bit 0 /.dockerenv exists, bit 1
 * /run/.containerenv exists, bit 2 PID 1's cgroup is given, bit 3
 * $container is set), then up to five parts separated by NUL bytes:
 * mountinfo, cgroup, PID 1's cgroup, /run/.containerenv's text,
 * $container. Each part goes over in an exactly sized heap block. */
#include "fuzz.h"

#include "lib/parse/procfs.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	unsigned flags = data[0];
	const char *at = (const char *)data + 1, *end = (const char *)data + size;
	char *part[5] = { 0 };
	size_t len[5] = { 0 };
	for (int i = 0; i < 5; i++) {
		const char *nul = memchr(at, '\0', (size_t)(end - at));
		const char *pe = nul ? nul : end;
		len[i] = (size_t)(pe - at);
		part[i] = malloc(len[i] + 1); /* + 1: $container is a C string */
		if (!part[i])
			goto done;
		memcpy(part[i], at, len[i]);
		part[i][len[i]] = '\0';
		at = nul ? nul + 1 : end;
	}
	proc_inputs in = { 0 };
	in.mountinfo = part[0];
	in.mountinfo_len = len[0];
	in.cgroup = part[1];
	in.cgroup_len = len[1];
	if (flags & 4) {
		in.pid1_cgroup = part[2];
		in.pid1_cgroup_len = len[2];
	}
	if (flags & 2) {
		in.containerenv = part[3];
		in.containerenv_len = len[3];
	}
	in.dockerenv = flags & 1;
	in.container_env = (flags & 8) ? part[4] : NULL;

	proc_verdict v;
	procfs_verdict(&in, &v);
	if (strlen(v.evidence) >= sizeof v.evidence || !v.evidence[0])
		abort();
	if (!v.in_container && (v.runtime[0] || v.id[0]))
		abort();
	if (v.in_container && !v.runtime[0])
		abort();
	if (v.id[0] && !fuzz_is_container_id(v.id))
		abort();
	/* The marker files never decide. */
	proc_verdict bare;
	in.dockerenv = false;
	in.containerenv = NULL;
	procfs_verdict(&in, &bare);
	if (bare.in_container != v.in_container)
		abort();
done:
	for (int i = 0; i < 5; i++)
		free(part[i]);
	return 0;
}
