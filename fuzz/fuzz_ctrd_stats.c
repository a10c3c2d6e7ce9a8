/* Fuzz target: containerd's task metrics (cgroup v1 / v2 protobuf) into a
 * stats sample, and the /proc/<pid>/stat line top reads
 * (src/lib/engines/containerd/ctrd_stats.c).
 *
 * The first byte picks the input kind: 0 v1 metrics, 1 v2 metrics, else a
 * stat line. What must hold: no crash, leak or overread on any bytes; a
 * sample's usage never exceeds what was reported, its raw JSON is an
 * object. */
#include "fuzz.h"

#include "lib/engines/containerd/ctrd_stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 0;
	char *body = fuzz_body(data, size, &len);
	if (!body)
		return 0;
	if (data[0] <= 1) {
		static const ctrd_stats_host host = { .cpus = 2, .mem_total = 1ULL << 32 };
		berth_stats *s = NULL;
		if (ctrd_stats_parse(&s, data[0] ? CTRD_METRICS_V2 : CTRD_METRICS_V1, (const uint8_t *)body, len, 1, "id",
				     "name", &host, NULL) == 0) {
			const char *raw = berth_stats_raw_json(s);
			if (!raw || raw[0] != '{' || berth_stats_memory_limit(s) > host.mem_total)
				abort();
			berth_stats_free(s);
		}
	} else {
		ctrd_proc_stat st;
		if (ctrd_proc_stat_parse(&st, body, len) == 0 && strlen(st.comm) >= sizeof st.comm)
			abort();
	}
	free(body);
	return 0;
}
