/* containerd stats and top (ctrd_stats.c): the pure parts, for the unit tests
 * and the fuzz target. No protobuf types here. */
#ifndef BERTH_CTRD_STATS_H
#define BERTH_CTRD_STATS_H

#include "lib/model/io_model.h"

/* Type URLs of the cgroup metrics a task's Metric.data holds. */
#define CTRD_METRICS_V1 "io.containerd.cgroups.v1.Metrics"
#define CTRD_METRICS_V2 "io.containerd.cgroups.v2.Metrics"

/* What the sample needs from the host: containerd reports neither. */
typedef struct ctrd_stats_host {
	unsigned cpus;        /* online CPUs */
	uint64_t mem_total;   /* bytes: the limit of a container without one */
} ctrd_stats_host;

/* Decode one task metric (the Any's type_url and value) into a sample:
 * cgroup v1 or v2 metrics, normalized as berth_stats documents, with a
 * Docker-shaped JSON object as its raw JSON. cpu_percent is 0 (two
 * samples give it: stats_cpu_against). A limit at or above the host's
 * memory (containerd reports the cgroup's "no limit" number) becomes the
 * host's memory, as Docker shows it. Network counters are 0 here (the
 * caller adds the bridge network's, which the metrics do not hold).
 * Pure: no I/O.
 * @return 0; BERTH_EPROTOCOL (another type, undecodable bytes);
 *   BERTH_ENOMEM. */
int ctrd_stats_parse(berth_stats **out, const char *type_url, const uint8_t *data, size_t len, int64_t time_ns,
		     const char *id, const char *name, const ctrd_stats_host *host, berth_error *err);

/* One process of /proc/<pid>/stat as top needs it. Pure. */
typedef struct ctrd_proc_stat {
	int ppid;
	uint64_t ticks;      /* utime + stime */
	char comm[64];
} ctrd_proc_stat;
/* @return 0, or -1 when text is not a stat line. */
int ctrd_proc_stat_parse(ctrd_proc_stat *out, const char *text, size_t len);
/* ps's TIME column: [DD-]HH:MM:SS of seconds. */
void ctrd_ps_time(char out[32], uint64_t seconds);

/* The backend's ops (ctrd_stats.c). */
struct berth_client;
int ctrd_container_stats(berth_stats **out, struct berth_client *c, const char *id, berth_error *err);
int ctrd_container_stats_stream(berth_stream **out, struct berth_client *c, const char *id, berth_error *err);
int ctrd_container_top(berth_top **out, struct berth_client *c, const char *id, const char *ps_args,
		       berth_error *err);

#endif
