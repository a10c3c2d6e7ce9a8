/* berth — resource usage (stats) and the processes of a container (top).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_STATS_H
#define BERTH_STATS_H

#include <berth/client.h>
#include <berth/stream.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * One normalized resource-usage sample of a container (opaque).
 *
 * Numbers are computed the way the docker CLI computes its `docker stats`
 * columns, on both engines:
 *  - CPU percent: (container CPU time delta / host CPU time delta) x online
 *    CPUs x 100 between two readings (100 = one CPU busy; up to 100 x CPUs);
 *  - memory usage: the cgroup's usage minus its page cache (cgroup v1:
 *    total_inactive_file, else cache; cgroup v2: inactive_file);
 *  - network: rx/tx bytes summed over the container's interfaces;
 *  - block I/O: read/write bytes summed over devices (cgroup v1 "Read" /
 *    "Write" entries, cgroup v2 "read" / "write").
 * A number the engine did not report is 0.
 */
typedef struct berth_stats berth_stats;

/** Free a sample. NULL-safe. */
BERTH_API void berth_stats_free(berth_stats *stats);
/** When the engine read the sample, ns since the Unix epoch (0: unknown). */
BERTH_API int64_t berth_stats_time_ns(const berth_stats *stats);
/** The container's id as the engine reports it (borrowed; may be ""). */
BERTH_API const char *berth_stats_id(const berth_stats *stats);
/** The container's name without a leading "/" (borrowed; may be ""). */
BERTH_API const char *berth_stats_name(const berth_stats *stats);
/** CPU use in percent of one CPU (see above); 0 when there was no earlier reading. */
BERTH_API double berth_stats_cpu_percent(const berth_stats *stats);
/** CPUs the container could use (the engine's online_cpus). */
BERTH_API unsigned berth_stats_online_cpus(const berth_stats *stats);
/** Memory in use minus page cache, bytes. */
BERTH_API uint64_t berth_stats_memory_usage(const berth_stats *stats);
/** The memory limit, bytes (the host's memory when the container has none). */
BERTH_API uint64_t berth_stats_memory_limit(const berth_stats *stats);
/** usage / limit x 100; 0 when the limit is unknown. */
BERTH_API double berth_stats_memory_percent(const berth_stats *stats);
/** Bytes received / sent, summed over the interfaces. */
BERTH_API uint64_t berth_stats_net_rx(const berth_stats *stats);
BERTH_API uint64_t berth_stats_net_tx(const berth_stats *stats);
/** Bytes read from / written to block devices. */
BERTH_API uint64_t berth_stats_block_read(const berth_stats *stats);
BERTH_API uint64_t berth_stats_block_write(const berth_stats *stats);
/** Processes and threads in the container's cgroup. */
BERTH_API uint64_t berth_stats_pids(const berth_stats *stats);
/** The engine's reply for this sample, as JSON (borrowed). For a one-shot
 *  sample of Podman, the second of the two readings berth took. */
BERTH_API const char *berth_stats_raw_json(const berth_stats *stats);

/**
 * One sample of a running container's resource use, with a CPU percent
 * over about one second.
 *
 * Docker answers a one-shot request after about a second, with the
 * reading of a second earlier included; Podman answers at once without an
 * earlier reading, so berth reads twice, one second apart. Either way the
 * call takes about one second.
 *
 * containerd reports its task's cgroup metrics (v1 or v2) and nothing
 * more: berth reads them twice, one second apart, and times the CPU
 * percent by its own clock; the memory limit of a container without one
 * is the host's memory (containerd's "no limit" number is mapped to it);
 * the network columns are the byte counters of the host's end of the
 * container's veth pair on berth's bridge (the container's eth0 as seen
 * from outside; 0 for --network none or host); online CPUs are the host's; the raw
 * JSON is a Docker-shaped object berth writes ("cpu_stats",
 * "memory_stats", "pids_stats", "blkio_stats", "cgroup": "v1"/"v2").
 *
 * A container that is not running has no resource use: every engine gets
 * BERTH_ECONFLICT (Docker itself would send a sample of zeros, Podman an
 * empty reply).
 *
 * @param out  receives the sample; free with berth_stats_free().
 * @return 0; BERTH_EINVAL (client or id NULL, bad id); BERTH_ENOTFOUND (no
 *   such container); BERTH_ECONFLICT (not running); BERTH_EPROTOCOL
 *   (malformed reply); BERTH_ETIMEDOUT, BERTH_EUNAVAILABLE (transport);
 *   BERTH_EUNSUPPORTED (the engine cannot).
 */
BERTH_API int berth_container_stats(berth_stats **out, berth_client *client, const char *id, berth_error *err);

/**
 * A live stream of samples: each frame's item is a `const berth_stats *`
 * (valid until the next berth_stream_next()), its data/len the engine's
 * JSON line, channel BERTH_CHANNEL_SYSTEM and time_ns the sample's time.
 *
 * Docker sends a sample every second, Podman every five seconds; on
 * containerd berth reads the task's metrics every second (the stream's fd
 * is a timer that is readable when a sample is due). A sample
 * without the engine's earlier reading (the first of each engine) gets its
 * CPU percent against the stream's previous sample, or 0 for the very
 * first. The stream ends (BERTH_ITEROVER) when the container stops; it has
 * no end otherwise: release it with berth_stream_free().
 *
 * @return 0 with *out set; BERTH_EINVAL; BERTH_ENOTFOUND; BERTH_ECONFLICT
 *   (not running, told when the stream opens); transport errors;
 *   BERTH_EUNSUPPORTED.
 */
BERTH_API int berth_container_stats_stream(berth_stream **out, berth_client *client, const char *id,
					   berth_error *err);

/* ---- top -------------------------------------------------------------------- */

/** The processes of a container as `ps` shows them (opaque). */
typedef struct berth_top berth_top;

BERTH_API void berth_top_free(berth_top *top);
/** Columns ("UID", "PID", ..., "CMD"). Strings are borrowed. */
BERTH_API size_t berth_top_title_count(const berth_top *top);
BERTH_API const char *berth_top_title(const berth_top *top, size_t col);
/** Rows: one per process, each with berth_top_title_count() cells. */
BERTH_API size_t berth_top_row_count(const berth_top *top);
/** A cell; NULL when row or col is out of range. */
BERTH_API const char *berth_top_cell(const berth_top *top, size_t row, size_t col);

/**
 * List the processes of a running container.
 *
 * @param ps_args  arguments for ps (NULL or "": the engine's default, which
 *   is "-ef" on Docker). Docker runs the host's ps over the container's
 *   processes; Podman maps AIX-style descriptors ("pid,user,args") itself
 *   and otherwise runs ps inside the container, whose output berth cuts
 *   into columns at runs of blanks (the last column keeps its blanks).
 *   containerd runs no ps: berth lists the task's pids and reads the
 *   host's /proc itself, with the columns PID USER TIME COMMAND by
 *   default, or "-o" with any of pid, ppid, user, uid, time, comm, args
 *   (users are the host's names); other arguments are BERTH_EUNSUPPORTED
 *   naming them.
 * @param out  receives the table; free with berth_top_free().
 * @return 0; BERTH_EINVAL; BERTH_ENOTFOUND; BERTH_ECONFLICT (not running;
 *   Podman's empty reply is mapped to it); BERTH_EENGINE (ps failed, e.g.
 *   unknown ps arguments); transport errors; BERTH_EUNSUPPORTED (ps
 *   arguments containerd's top does not take).
 */
BERTH_API int berth_container_top(berth_top **out, berth_client *client, const char *id, const char *ps_args,
				  berth_error *err);

#ifdef __cplusplus
}
#endif

#endif
