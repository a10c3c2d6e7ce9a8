/* The result types of stats, top, diff and path stat (public accessors in
 * io.c), and the pure arithmetic of a stats sample. */
#ifndef BERTH_IO_MODEL_H
#define BERTH_IO_MODEL_H

#include "lib/internal.h"

struct berth_stats {
	int64_t time_ns;
	char *id;
	char *name;
	double cpu_percent;
	unsigned online_cpus;
	uint64_t mem_usage, mem_limit;
	double mem_percent;
	uint64_t net_rx, net_tx, blk_read, blk_write, pids;
	char *raw;
	/* The readings behind cpu_percent, to compute it against another
	 * sample when the engine sent no earlier reading. */
	uint64_t cpu_total, system_total;
	uint64_t pre_cpu_total, pre_system_total;
	bool running;   /* false: the engine's shape for a stopped container */
};

struct berth_top {
	strv titles;
	size_t rows;
	char **cells;   /* rows x titles.len */
};

struct berth_changes {
	size_t n;
	char **paths;
	berth_change_kind *kinds;
};

struct berth_path_info {
	char *name;
	int64_t size;
	uint32_t mode;
	int64_t mtime_ns;
	char *link_target;
};

/* The model constructors every backend uses. */
typedef struct change_item {
	const char *path;
	berth_change_kind kind;
} change_item;
/* A change list of n items (sorted in place by path; paths copied).
 * NULL: out of memory. */
berth_changes *changes_new(change_item *items, size_t n);
/* A path stat; link_target NULL or ignored unless mode is a link. NULL:
 * out of memory. */
berth_path_info *path_info_new(const char *name, int64_t size, uint32_t mode, int64_t mtime_ns,
			       const char *link_target);

/* docker's CPU percent: (cpu delta / system delta) x cpus x 100, 0 unless
 * both deltas are positive. */
double stats_cpu_percent(uint64_t cpu, uint64_t pre_cpu, uint64_t system, uint64_t pre_system, unsigned cpus);
/* Recompute s->cpu_percent against an earlier sample (when the engine gave
 * no earlier reading of its own). */
void stats_cpu_against(berth_stats *s, const berth_stats *earlier);
/* Whether the engine's own earlier reading is usable. */
bool stats_has_pre(const berth_stats *s);

#endif
