/* berth — container logs: tail, follow, since / until, timestamps,
 * stdout / stderr selection, as a berth_stream of byte frames.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_LOGS_H
#define BERTH_LOGS_H

#include <berth/client.h>
#include <berth/stream.h>
#include <berth/events.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BERTH_LOGS_OPTIONS_VERSION 1
/**
 * What to read of a container's logs. Start from BERTH_LOGS_OPTIONS_INIT
 * (both channels, everything, no follow, no timestamps).
 *
 * since and until take one of (all checked before any request; the
 * grammar of berth_time_parse() in <berth/events.h>):
 *  - an RFC 3339 time: "2024-05-01T10:00:00Z", "2024-05-01T12:00:00.5+02:00";
 *  - Unix seconds, optionally with a fraction: "1714557600",
 *    "1714557600.123456789";
 *  - a duration meaning that long before now: a sequence of numbers, each
 *    with a unit ns, us, ms, s, m, h ("10m", "1h30m", "1.5h", "250ms").
 * berth passes both bounds to the engine to the nanosecond; the engine
 * applies them.
 */
typedef struct berth_logs_options {
	unsigned int version;   /**< BERTH_LOGS_OPTIONS_VERSION */
	int show_stdout;        /**< include the container's stdout (default 1) */
	int show_stderr;        /**< include its stderr (default 1); at least one
	                             of the two must be set */
	int follow;             /**< keep the stream open for new output; it ends
	                             by itself when the container stops */
	long long tail;         /**< only the last N entries (lines) that exist
	                             when the call is made; -1 (default): all.
	                             Every engine counts the entries of both
	                             channels (in the order below), then leaves
	                             out the one not selected: with one channel,
	                             fewer may come */
	const char *since;      /**< only entries at or after this time; NULL: no bound */
	const char *until;      /**< only entries at or before this time (one stamped
	                             exactly at it is in, as Docker has it, on every
	                             engine); NULL: no bound */
	int timestamps;         /**< set berth_frame.time_ns of each frame to its
	                             entry's time (the engine's prefix is cut off) */
} berth_logs_options;
#define BERTH_LOGS_OPTIONS_INIT { BERTH_LOGS_OPTIONS_VERSION, 1, 1, 0, -1, NULL, NULL, 0 }

/**
 * Open a container's logs as a stream of byte frames (read them with
 * berth_stream_next() until BERTH_ITEROVER; free with berth_stream_free(),
 * which may be called at any point). opts NULL means the defaults.
 *
 * Frames: channel BERTH_CHANNEL_STDOUT or BERTH_CHANNEL_STDERR and the
 * bytes exactly as the container wrote them (any bytes; frame boundaries
 * carry no meaning). With timestamps, a frame never spans two entries and
 * time_ns is its entry's time; without, time_ns is 0. An error the engine
 * sends inside the stream arrives as a BERTH_CHANNEL_SYSTEM frame.
 *
 * Order: frames come in the order in which the engine stored the entries,
 * and tail, since and until cut that same order. Each channel's own order
 * is always the order written. Across the two channels it is the written
 * order only to the granularity of the engine's reads: the container
 * writes into two pipes, and which of two lines written into different
 * pipes came first shows only as far as they arrived in different reads
 * (see the engine differences below).
 *
 * A container with a TTY has one unframed output stream: all of it arrives
 * as stdout (its stderr is the same terminal), and show_stdout must be set
 * to see it. Whether the container has a TTY is read from its inspect
 * before the logs are asked for (one request more); that request also
 * answers BERTH_ENOTFOUND before any stream exists.
 *
 * Memory stays bounded whatever the log size: the stream reads from the
 * engine only when berth_stream_next() is called (a caller that stops
 * reading stops the engine through the socket's back-pressure).
 *
 * With follow, the stream ends (BERTH_ITEROVER) when the container stops;
 * on a container that is not running, follow returns what there is and
 * ends. If the engine goes away, berth_stream_next() returns
 * BERTH_EUNAVAILABLE; a body cut inside a frame is BERTH_EPROTOCOL.
 *
 * Engine differences:
 *  - Order across stdout and stderr: Docker and Podman copy each pipe in
 *    bulk, so a program that alternates the two faster than they read
 *    gets runs of dozens to thousands of one channel's entries (its last
 *    5 entries are then often all one channel's); Docker stamps each
 *    channel's entries apart, so its times may go back from one channel's
 *    entry to the other's. On containerd, berth's logger reads both pipes
 *    in rounds that end when a pipe is found empty, so all a round holds
 *    was written before anything of the next; within a round (microseconds
 *    while it keeps up, what piled up while it lagged) it places each
 *    channel's lines evenly (the k-th of n at (k + 1/2) / n) and lines at
 *    the same place in turn, which gives a program that alternates its
 *    written order. Its times never go back.
 *  - Docker's json-file driver (its default) stores lines as JSON strings
 *    and replaces bytes that are not UTF-8 with U+FFFD: binary output comes
 *    back changed. Its `local` driver and Podman keep the bytes. Drivers
 *    that keep no readable log (none, syslog, ...) make this call fail with
 *    the engine's error (BERTH_EENGINE or BERTH_EUNSUPPORTED).
 *  - Docker cuts lines longer than 16 KiB into entries of 16 KiB; each part
 *    is an entry of its own (own time, counts once for tail).
 *  - Podman 4.3's own follow loses data with a fast writer: it ends as soon
 *    as the container stops, before it has sent the whole log, and hands
 *    out lines it caught half-written. berth follows a Podman container by
 *    reading its stored log again from the last entry's time on, every
 *    100 ms while nothing new comes (an inspect and a logs request each
 *    time; right after a read that brought something, the logs request
 *    alone), skipping what it handed out already and holding back the last
 *    entry of a read until a second read shows it unchanged: new output
 *    arrives within about 100-200 ms, and the stream is complete once a read
 *    that began after the container stopped has ended. While it waits,
 *    berth_stream_fd() is a timer that becomes readable when the next
 *    read is due, so an event loop needs no timeout of its own for these
 *    streams (while a read is under way it is the read's socket, as on
 *    Docker). The inspect and the request of a read are made inside
 *    berth_stream_next(), whatever its timeout (a timeout of 0 too): a
 *    loop serving many such streams waits in them (measured: 100 streams
 *    writing 10 lines/s each, served from one thread, spent 19 of 30 s
 *    inside them and read each stream again every 2.9 s (median), nothing
 *    lost). A TTY container, whose entries berth
 *    cannot count, is followed through Podman's own follow, with its
 *    losses.
 *  - containerd: a follow watches its log with an inotify instance of its
 *    own, up to 64 follows in a process (half the default of sysctl
 *    fs.inotify.max_user_instances, which the user's other programs
 *    share); the follows past those, or past the user's limit, look at
 *    their log every 50 ms instead (their fd is a timer that fires that
 *    often). Only a process out of descriptors fails the call
 *    (BERTH_EUNAVAILABLE).
 *  - Docker 20.10's `local` driver drops the newline of a line of 16 KiB
 *    or more (the end of its last part); `docker logs` shows the same.
 *  - Docker 20.10's `local` driver sends a follower duplicated data when
 *    the log file rotates under it (curl sees the same); a max-size that
 *    holds the whole log avoids it.
 *  - Podman's times are in whole seconds (time_ns is a multiple of 10^9),
 *    Docker's in nanoseconds. Podman compares `until` with an entry's true
 *    time, not the whole second it shows: berth asks it for everything
 *    before the next whole second, so that an entry shown at exactly
 *    `until` is in, as on Docker and containerd.
 *  - With a TTY and timestamps, each line is an entry. Podman does not end
 *    an entry that has no newline (output without a final "\n" before
 *    more output): the next entry's time then follows it inside the stream
 *    and berth hands it out as data, as it cannot tell it from output.
 *
 * @param out gets the stream on success; untouched on failure.
 * @return 0; BERTH_EINVAL (client, out or id NULL or invalid, wrong options
 *   version, neither channel selected, tail below -1, since or until not a
 *   time -- the message names the field -- or until not after since);
 *   BERTH_ENOTFOUND (no such container); BERTH_EUNSUPPORTED (an engine
 *   without logs: none of Docker, Podman and containerd); BERTH_EUNAVAILABLE and other transport errors;
 *   BERTH_EENGINE (the engine refused, e.g. a log driver it cannot read).
 */
BERTH_API int berth_container_logs(berth_stream **out, berth_client *client, const char *id,
				   const berth_logs_options *opts, berth_error *err);

#ifdef __cplusplus
}
#endif

#endif
